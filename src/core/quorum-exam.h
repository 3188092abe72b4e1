/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-agreement.h"

G_BEGIN_DECLS

/**
 * QuorumExamScore:
 * @by_track: %TRUE on a video with tracks: what is rated is each track
 *   (docs/video-annotation.md), not each instance
 * @candidate_ids: (element-type utf8): what each of @stars rates: a candidate
 *   instance's id, or with @by_track a track's id (an instance without a
 *   track: its own id)
 * @gold_ids: (element-type utf8): the same for @missing, in the gold
 * @stars: one per candidate instance or track, 1–5 (suggested, DESIGN §4)
 * @missing: one per gold instance or track, %TRUE when nothing matched it
 * @gold_score: S(candidate, gold), pooled over every frame on a video
 */
typedef struct {
  gboolean   by_track;
  guint      n_candidate;
  guint      n_gold;
  GPtrArray *candidate_ids;
  GPtrArray *gold_ids;
  guint8    *stars;
  gboolean  *missing;
  double     gold_score;
} QuorumExamScore;

QuorumExamScore *quorum_exam_score      (const QuorumAnnotationSet *candidate,
                                         const QuorumAnnotationSet *gold,
                                         double                     threshold);
void             quorum_exam_score_free (QuorumExamScore           *score);
guint8           quorum_exam_stars_for  (double                     similarity);

/**
 * QuorumExamSummary:
 * @rated: %FALSE when no instance was rated: the average is "not rated"
 *
 * The results of one exam over its reviewed tasks: the reviewer's final
 * stars and Missing flags (which may differ from the suggestions).
 */
typedef struct {
  gboolean rated;
  double   average_stars;
  guint    n_rated;
  guint    missed;
  double   gold_score;   /* the mean over the tasks */
} QuorumExamSummary;

typedef struct {
  const guint8   *stars;       /* 0 means the reviewer left it unrated */
  guint           n_stars;
  const gboolean *missing;
  guint           n_missing;
  double          gold_score;
} QuorumExamReview;

void     quorum_exam_summarize (const QuorumExamReview *reviews,
                                guint                   n_reviews,
                                QuorumExamSummary      *summary);
gboolean quorum_exam_passes    (const QuorumExamSummary *summary,
                                const QuorumPassRule    *rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumExamScore, quorum_exam_score_free)

G_END_DECLS
