/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-agreement.h"

G_BEGIN_DECLS

/**
 * QuorumExamScore:
 * @stars: one per candidate instance, 1–5 (suggested, DESIGN §4)
 * @missing: one per gold instance, %TRUE when no candidate instance matched it
 * @gold_score: S(candidate, gold)
 */
typedef struct {
  guint    n_candidate;
  guint    n_gold;
  guint8  *stars;
  gboolean *missing;
  double   gold_score;
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
