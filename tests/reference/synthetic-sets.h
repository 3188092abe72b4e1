/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-model.h"

G_BEGIN_DECLS

/**
 * SyntheticOptions:
 * @n_objects: N, the ground-truth objects of the file
 * @n_annotators: how many sets to draw from them
 * @seed: the same seed gives the same sets
 * @frames: 1 for an image; more spreads the objects over video frames
 * @all_kinds: also points, polylines and tags (else boxes and polygons only)
 * @twisted_share: the share of self-intersecting polygons; 0 means 0.5 %
 *
 * What the benchmark and the reference test generate: annotators who each
 * see most of N ground-truth objects, jitter their vertices by a few pixels,
 * sometimes drop or add a vertex, and draw a few objects that are not there.
 */
typedef struct {
  guint   n_objects;
  guint   n_annotators;
  guint32 seed;
  guint   frames;
  gboolean all_kinds;
  double   twisted_share;
} SyntheticOptions;

/* The image grows with N so that the objects per area stay those of a busy
 * street scene (about 1,000 on 4000 × 3000). */
void       synthetic_image_size    (guint                   n_objects,
                                    guint                  *width,
                                    guint                  *height);

/* Returns the annotators' sets, of #QuorumAnnotationSet, owned. */
GPtrArray *synthetic_sets_generate (const SyntheticOptions *options);

G_END_DECLS
