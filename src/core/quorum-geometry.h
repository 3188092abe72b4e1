/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-model.h"

G_BEGIN_DECLS

/**
 * QuorumGeometry:
 *
 * A per-thread geometry context (it owns one GEOS `_r` handle). Never share
 * one between threads; create one per worker.
 */
typedef struct _QuorumGeometry QuorumGeometry;

/**
 * QuorumShape:
 *
 * An instance prepared for similarity: its bounds, its exact area and, for
 * polygons, whether its ring is simple (so the fast exact path applies) or
 * its GEOS geometry (repaired with GEOSMakeValid when the ring is invalid).
 * Preparing once and comparing many times keeps matching cheap. Prepared
 * shapes can be compared from several threads at once, each thread with its
 * own #QuorumGeometry.
 */
typedef struct _QuorumShape QuorumShape;

QuorumGeometry *quorum_geometry_new  (void);
void            quorum_geometry_free (QuorumGeometry *geometry);

QuorumShape *quorum_shape_new    (QuorumGeometry       *geometry,
                                  const QuorumInstance *instance);
void         quorum_shape_free   (QuorumShape          *shape);
const QuorumInstance *
             quorum_shape_get_instance (const QuorumShape *shape);
/* Area in square pixels: the rectangle's for a box, the (repaired) region's
 * for a polygon, 0 for the other kinds. */
double       quorum_shape_area   (const QuorumShape    *shape);
void         quorum_shape_bounds (const QuorumShape    *shape,
                                  QuorumRect           *bounds);

/* Intersection area of two boxes or two polygons, exact (GEOS the reference). */
double quorum_geometry_intersection_area (QuorumGeometry *geometry,
                                          QuorumShape    *a,
                                          QuorumShape    *b);

/* An upper bound of IoU from the two areas and the overlap of the bounds;
 * when it is below the threshold no exact intersection is needed. */
double quorum_shape_iou_upper_bound (const QuorumShape *a,
                                     const QuorumShape *b);

/**
 * quorum_geometry_similarity:
 * @diagonal: the image diagonal D in pixels, for points and polylines
 *
 * s(a, b) of DESIGN §4 for two shapes of the same kind: IoU for boxes and
 * polygons (1 for identical zero-area shapes, else 0 when the union is
 * empty), exp(−d²/(2(σD)²)) for points and polylines (σ = 0.02, polylines
 * resampled to 32 points, the smaller of both directions), the share of
 * equal attribute keys for tags. Returns a value in [0, 1].
 */
double quorum_geometry_similarity (QuorumGeometry *geometry,
                                   QuorumShape    *a,
                                   QuorumShape    *b,
                                   double          diagonal);

/* The GEOS path alone, for tests and the benchmark to compare with. */
double quorum_geometry_intersection_area_geos (QuorumGeometry *geometry,
                                               QuorumShape    *a,
                                               QuorumShape    *b);

#define QUORUM_SIMILARITY_SIGMA 0.02
#define QUORUM_POLYLINE_SAMPLES 32

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumGeometry, quorum_geometry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumShape, quorum_shape_free)

G_END_DECLS
