/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

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

QuorumExamScore *
quorum_exam_score (const QuorumAnnotationSet *candidate,
                   const QuorumAnnotationSet *gold,
                   double                     threshold)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  g_autoptr(QuorumMatch) match = quorum_match_sets (geometry, candidate, gold, threshold);
  QuorumExamScore *score = g_new0 (QuorumExamScore, 1);

  score->n_candidate = candidate->instances->len;
  score->n_gold = gold->instances->len;
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
