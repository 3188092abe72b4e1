/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The value of @values (doubles) at @fraction of the way up once sorted
 * (0.5 the median, 0.95 the p95, 1.0 the largest): the one at index
 * len × fraction, rounded down, the last at most. Sorts @values in place;
 * NAN when there are none. */
double bench_percentile (GArray *values,
                         double  fraction);

G_END_DECLS
