/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-geometry.h"

G_BEGIN_DECLS

#define QUORUM_DEFAULT_THRESHOLD 0.5

/* One matched pair: indexes into the two sets' instance arrays. */
typedef struct {
  guint  a;
  guint  b;
  double similarity;
} QuorumMatchPair;

/**
 * QuorumMatch:
 * @pairs: of #QuorumMatchPair, ordered by @a
 * @total: Σ s over @pairs
 * @score: the pair score S(A, B) of DESIGN §4
 *
 * The optimal one-to-one matching of two sets (all frames pooled).
 */
typedef struct {
  GArray *pairs;
  double  total;
  double  score;
  guint   n_a;
  guint   n_b;
} QuorumMatch;

QuorumMatch *quorum_match_sets (QuorumGeometry            *geometry,
                                const QuorumAnnotationSet *a,
                                const QuorumAnnotationSet *b,
                                double                     threshold);
void         quorum_match_free (QuorumMatch               *match);

/**
 * QuorumAgreement:
 * @n_sets: the number of annotation sets compared
 * @pair_scores: n_sets × n_sets, row-major, symmetric, 1 on the diagonal
 * @pair_matched: n_sets × n_sets, matched pair counts
 * @annotator_scores: the mean of S with each other set
 * @agreement: the file agreement, the mean of S over all pairs
 * @best: the index of the best version (highest annotator score, ties to the
 *   earliest in the input order, which callers make the submission order)
 */
typedef struct {
  guint   n_sets;
  double *pair_scores;
  guint  *pair_matched;
  double *annotator_scores;
  double  agreement;
  guint   best;
} QuorumAgreement;

QuorumAgreement *quorum_agreement_compute (const QuorumAnnotationSet * const *sets,
                                           guint                              n_sets,
                                           double                             threshold,
                                           GError                           **error);
void             quorum_agreement_free    (QuorumAgreement                   *agreement);
double           quorum_agreement_pair    (const QuorumAgreement             *agreement,
                                           guint                              a,
                                           guint                              b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumMatch, quorum_match_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumAgreement, quorum_agreement_free)

G_END_DECLS
