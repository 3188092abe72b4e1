/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-overlay.h"

G_BEGIN_DECLS

/* Shapes whose bounds are smaller than this on screen, in output pixels, are
 * drawn as their bounding rectangle: at that size a 20-vertex outline is a
 * blob anyway, and it costs a twentieth. */
#define QUORUM_OVERLAY_DETAIL_MIN 3.0

/**
 * QuorumRaster:
 *
 * The pixels of one ARGB32 image surface and the scratch buffers for
 * drawing small shapes straight into them (quorum-overlay-raster.c). One
 * per drawing thread.
 */
typedef struct
{
  guint32 *pixels;    /* premultiplied ARGB, native endian, as cairo's ARGB32 */
  int      stride;    /* in pixels */
  int      width;
  int      height;
  float   *distance;  /* one outline's squared distance per pixel, "far" between outlines */
  gsize    distance_size;
  int     *spans;     /* the first and last column + 1 of each row's outline */
  guint    spans_size;
  double  *crossings; /* x of a fill's edges on its rows, row by row */
  int     *windings;
  guint    crossings_size;
  int     *row_starts; /* where each row's crossings start in @crossings */
  guint    row_starts_size;
  double  *points;    /* a shape's outline in output pixels, x y x y … */
  guint    points_size;
} QuorumRaster;

void     _quorum_raster_init  (QuorumRaster             *raster,
                               cairo_surface_t          *surface);
void     _quorum_raster_clear (QuorumRaster             *raster);
gboolean _quorum_raster_draw  (QuorumRaster             *raster,
                               const QuorumView         *view,
                               const QuorumInstance     *instance,
                               const QuorumRect         *bounds,
                               const double              rgb[3],
                               const QuorumOverlayStyle *style);

G_END_DECLS
