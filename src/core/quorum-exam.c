/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include "quorum-agreement-private.h"
#include "quorum-exam.h"

guint8
quorum_exam_stars_for (double similarity)
{
  if (similarity >= 0.9)
    return 5;
  if (similarity >= 0.8)
    return 4;
  if (similarity >= 0.7)
    return 3;
  if (similarity >= 0.6)
    return 2;
  return 1;
}

/* On a video, each track is rated from the pairing of the candidate's tracks
 * with the gold's (docs/video-annotation.md): stars from the pair's mean
 * similarity over the frames where they matched. */
static QuorumExamScore *
exam_score_by_track (const QuorumAnnotationSet *candidate,
                     const QuorumAnnotationSet *gold,
                     double                     threshold)
{
  const QuorumAnnotationSet *sets[] = { candidate, gold };
  g_autoptr(QuorumVideoAgreement) video = NULL;
  g_autoptr(GHashTable) candidate_at = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) gold_at = g_hash_table_new (g_str_hash, g_str_equal);
  const QuorumTrackComparison *comparison;
  QuorumExamScore *score = g_new0 (QuorumExamScore, 1);

  video = _quorum_video_agreement_run (sets, 2, threshold, 0, TRUE);
  comparison = g_ptr_array_index (video->comparisons, 0);
  score->by_track = TRUE;
  score->candidate_ids = g_ptr_array_ref (video->tracks[0]);
  score->gold_ids = g_ptr_array_ref (video->tracks[1]);
  score->n_candidate = score->candidate_ids->len;
  score->n_gold = score->gold_ids->len;
  score->stars = g_new (guint8, MAX (score->n_candidate, 1));
  score->missing = g_new (gboolean, MAX (score->n_gold, 1));
  for (guint i = 0; i < score->n_candidate; i++)
    {
      score->stars[i] = 1;
      g_hash_table_insert (candidate_at, g_ptr_array_index (score->candidate_ids, i), GUINT_TO_POINTER (i));
    }
  for (guint i = 0; i < score->n_gold; i++)
    {
      score->missing[i] = TRUE;
      g_hash_table_insert (gold_at, g_ptr_array_index (score->gold_ids, i), GUINT_TO_POINTER (i));
    }
  for (guint k = 0; k < comparison->pairs->len; k++)
    {
      const QuorumTrackPair *pair = g_ptr_array_index (comparison->pairs, k);

      score->stars[GPOINTER_TO_UINT (g_hash_table_lookup (candidate_at, pair->a))] =
        quorum_exam_stars_for (pair->mean_similarity);
      score->missing[GPOINTER_TO_UINT (g_hash_table_lookup (gold_at, pair->b))] = FALSE;
    }
  score->gold_score = quorum_agreement_pair (video->agreement, 0, 1);
  return score;
}

static GPtrArray *
instance_ids (const QuorumAnnotationSet *set)
{
  GPtrArray *ids = g_ptr_array_new_full (set->instances->len, g_free);

  for (guint i = 0; i < set->instances->len; i++)
    g_ptr_array_add (ids, g_strdup (((const QuorumInstance *) g_ptr_array_index (set->instances, i))->id));
  return ids;
}

QuorumExamScore *
quorum_exam_score (const QuorumAnnotationSet *candidate,
                   const QuorumAnnotationSet *gold,
                   double                     threshold)
{
  const QuorumAnnotationSet *sets[] = { candidate, gold };
  g_autoptr(QuorumGeometry) geometry = NULL;
  g_autoptr(QuorumMatch) match = NULL;
  QuorumExamScore *score;

  if (_quorum_sets_have_tracks (sets, 2))
    return exam_score_by_track (candidate, gold, threshold);

  geometry = quorum_geometry_new ();
  match = quorum_match_sets (geometry, candidate, gold, threshold);
  score = g_new0 (QuorumExamScore, 1);
  score->n_candidate = candidate->instances->len;
  score->n_gold = gold->instances->len;
  score->candidate_ids = instance_ids (candidate);
  score->gold_ids = instance_ids (gold);
  score->stars = g_new (guint8, MAX (score->n_candidate, 1));
  score->missing = g_new (gboolean, MAX (score->n_gold, 1));
  /* An instance nobody matched earns the lowest rating; a gold instance
   * nobody matched is suggested as Missing. */
  for (guint i = 0; i < score->n_candidate; i++)
    score->stars[i] = 1;
  for (guint i = 0; i < score->n_gold; i++)
    score->missing[i] = TRUE;
  for (guint i = 0; i < match->pairs->len; i++)
    {
      const QuorumMatchPair *pair = &g_array_index (match->pairs, QuorumMatchPair, i);

      score->stars[pair->a] = quorum_exam_stars_for (pair->similarity);
      score->missing[pair->b] = FALSE;
    }
  score->gold_score = match->score;
  return score;
}

void
quorum_exam_score_free (QuorumExamScore *score)
{
  if (score == NULL)
    return;
  g_clear_pointer (&score->candidate_ids, g_ptr_array_unref);
  g_clear_pointer (&score->gold_ids, g_ptr_array_unref);
  g_free (score->stars);
  g_free (score->missing);
  g_free (score);
}

void
quorum_exam_summarize (const QuorumExamReview *reviews,
                       guint                   n_reviews,
                       QuorumExamSummary      *summary)
{
  guint star_total = 0;
  double gold_total = 0;

  *summary = (QuorumExamSummary) { 0 };
  for (guint r = 0; r < n_reviews; r++)
    {
      for (guint i = 0; i < reviews[r].n_stars; i++)
        if (reviews[r].stars[i] > 0)
          {
            star_total += reviews[r].stars[i];
            summary->n_rated++;
          }
      for (guint i = 0; i < reviews[r].n_missing; i++)
        if (reviews[r].missing[i])
          summary->missed++;
      gold_total += reviews[r].gold_score;
    }
  summary->rated = summary->n_rated > 0;
  summary->average_stars = summary->rated ? (double) star_total / summary->n_rated : 0;
  summary->gold_score = n_reviews > 0 ? gold_total / n_reviews : 0;
}

/* "Not rated" never passes: a trainer cannot pass what nobody looked at. */
gboolean
quorum_exam_passes (const QuorumExamSummary *summary,
                    const QuorumPassRule    *rule)
{
  return summary->rated &&
         summary->average_stars >= rule->min_average_stars &&
         summary->missed <= rule->max_missed;
}
