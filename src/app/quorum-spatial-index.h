/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "quorum-model.h"

G_BEGIN_DECLS

/**
 * QuorumSpatialIndex:
 *
 * A uniform grid over the bounds of numbered items (small integers, such as
 * positions in an array). Queries return every item whose bounds meet an
 * area, each once, in ascending order, so that a caller that draws in that
 * order keeps the stacking order of its list. Items outside the grid's extent
 * live in its border cells and are still found.
 *
 * Queries only read the index: several threads may query at once as long as
 * nobody changes it meanwhile.
 */
typedef struct _QuorumSpatialIndex QuorumSpatialIndex;

QuorumSpatialIndex *quorum_spatial_index_new         (const QuorumRect         *extent,
                                                      guint                     n_items_hint);
void                quorum_spatial_index_free        (QuorumSpatialIndex       *index);
void                quorum_spatial_index_clear       (QuorumSpatialIndex       *index);
void                quorum_spatial_index_insert      (QuorumSpatialIndex       *index,
                                                      guint                     item,
                                                      const QuorumRect         *bounds);
gboolean            quorum_spatial_index_remove      (QuorumSpatialIndex       *index,
                                                      guint                     item);
void                quorum_spatial_index_move        (QuorumSpatialIndex       *index,
                                                      guint                     item,
                                                      const QuorumRect         *bounds);
gboolean            quorum_spatial_index_contains    (const QuorumSpatialIndex *index,
                                                      guint                     item);
guint               quorum_spatial_index_get_n_items (const QuorumSpatialIndex *index);
void                quorum_spatial_index_query       (const QuorumSpatialIndex *index,
                                                      const QuorumRect         *area,
                                                      GArray                   *items);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumSpatialIndex, quorum_spatial_index_free)

G_END_DECLS
