/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-agreement.h"

G_BEGIN_DECLS

/* Debian's interpreter: the first python3 on PATH may lack shapely and scipy. */
#define REFERENCE_PYTHON "/usr/bin/python3"

/* bench/reference-agreement.py in the source tree. */
const char *reference_script_path      (void);

/* FALSE, with the reason, when REFERENCE_PYTHON cannot import shapely,
 * scipy and numpy. */
gboolean    reference_available        (char                     **reason);

/* Writes DIR/annotator-1.json … with quorum_wire_write_annotation_set and
 * returns their paths, NULL-terminated. */
GStrv       reference_write_sets       (GPtrArray                 *sets,
                                        const char                *dir,
                                        GError                   **error);

/* Runs the reference on the files and returns its JSON output: pair_scores,
 * pair_matched, annotator_scores, agreement, best and seconds (the fastest of
 * @repeat computations). */
JsonObject *reference_run              (const char * const        *paths,
                                        double                     threshold,
                                        guint                      repeat,
                                        GError                   **error);

/* The largest difference between the C core's and the reference's pair
 * scores, annotator scores and agreement. */
double      reference_max_difference   (const QuorumAgreement     *agreement,
                                        JsonObject                *reference);

/* The agreement as JSON text, every number with %.17g. */
char       *reference_agreement_to_json (const QuorumAgreement    *agreement,
                                         GPtrArray                *sets,
                                         double                    seconds);

G_END_DECLS
