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

G_END_DECLS
