/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-agreement.h"

G_BEGIN_DECLS

/* quorum_agreement_compute() on @n_threads threads (0: as many as the
 * machine has cores, one for small inputs). The result does not depend on
 * @n_threads; tests compare them. */
QuorumAgreement *_quorum_agreement_compute_threads (const QuorumAnnotationSet * const *sets,
                                                    guint                              n_sets,
                                                    double                             threshold,
                                                    guint                              n_threads,
                                                    GError                           **error);

G_END_DECLS
