/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-agreement.h"
#include "quorum-video-agreement.h"

G_BEGIN_DECLS

/* quorum_agreement_compute() on @n_threads threads (0: as many as the
 * machine has cores, one for small inputs). The result does not depend on
 * @n_threads; tests compare them. */
QuorumAgreement *_quorum_agreement_compute_threads (const QuorumAnnotationSet * const *sets,
                                                    guint                              n_sets,
                                                    double                             threshold,
                                                    guint                              n_threads,
                                                    GError                           **error);

/* A matching's weight, compared lexicographically: @total first, then @pairs. */
typedef struct {
  double total;
  double pairs;
} QuorumWeight;

/* The exact assignment of an n × m cost matrix (n ≤ m, minimising, 0 where
 * there is no edge, every edge's cost below 0). row_to_col gets n entries. */
void _quorum_assignment_solve (guint               n,
                               guint               m,
                               const QuorumWeight *cost,
                               gint               *row_to_col);

/* The matching of every pair i < j of @sets, in the order (0, 1), (0, 2) …
 * (1, 2) …, on the instances as given (no expansion of tracks); with @score
 * FALSE only the pairs (total and score left 0). */
QuorumMatch **_quorum_match_all_pairs (const QuorumAnnotationSet * const *sets,
                                       guint                              n_sets,
                                       double                             threshold,
                                       gboolean                           score,
                                       guint                              n_threads);

/* An agreement from the pair scores and matched counts (pair order as
 * above) and each set's instance count. */
QuorumAgreement *_quorum_agreement_new (guint         n_sets,
                                        const double *scores,
                                        const guint  *matched,
                                        const guint  *sizes);

gboolean _quorum_agreement_check_input (const QuorumAnnotationSet * const *sets,
                                        guint                              n_sets,
                                        double                             threshold,
                                        GError                           **error);

/* TRUE when an instance of one of @sets has a track_id. */
gboolean _quorum_sets_have_tracks (const QuorumAnnotationSet * const *sets,
                                   guint                              n_sets);

/* The video agreement of checked input; with @details FALSE only its
 * agreement (no frame scores, no track comparisons). */
QuorumVideoAgreement *_quorum_video_agreement_run (const QuorumAnnotationSet * const *sets,
                                                   guint                              n_sets,
                                                   double                             threshold,
                                                   guint                              n_threads,
                                                   gboolean                           details);

G_END_DECLS
