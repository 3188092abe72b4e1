/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-geometry.h"

G_BEGIN_DECLS

/* Shapes in memory the caller owns, for many shapes in one block: the bytes
 * a shape of @instance takes (a multiple of 8), a shape made in @memory (no
 * need to be zeroed, 8-byte aligned) and what it holds released, not the
 * memory itself. */
gsize        _quorum_shape_size  (const QuorumInstance *instance);
QuorumShape *_quorum_shape_init  (gpointer              memory,
                                  QuorumGeometry       *geometry,
                                  const QuorumInstance *instance);
void         _quorum_shape_clear (QuorumShape          *shape);

static inline double
_quorum_bounds_overlap_area (const QuorumRect *a,
                             const QuorumRect *b)
{
  double w = MIN (a->x1, b->x1) - MAX (a->x0, b->x0);
  double h = MIN (a->y1, b->y1) - MAX (a->y0, b->y0);

  return (w > 0 && h > 0) ? w * h : 0;
}

/* quorum_shape_iou_upper_bound() from the areas and bounds alone, for a
 * caller that keeps them next to each other. */
static inline double
_quorum_iou_upper_bound (double            area_a,
                         const QuorumRect *a,
                         double            area_b,
                         const QuorumRect *b)
{
  double most = MIN (MIN (area_a, area_b), _quorum_bounds_overlap_area (a, b));
  double union_least = area_a + area_b - most;

  if (union_least <= 0)
    return 1;   /* degenerate shapes: only the exact test can tell */
  return MIN (1.0, most / union_least);
}

G_END_DECLS
