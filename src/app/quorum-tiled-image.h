/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define QUORUM_TYPE_TILED_IMAGE (quorum_tiled_image_get_type ())

G_DECLARE_FINAL_TYPE (QuorumTiledImage, quorum_tiled_image, QUORUM, TILED_IMAGE, GObject)

/* Past 2048 pixels a side an image is drawn from levels and tiles: a GPU
 * texture may not hold it, and a frame should not draw it whole. */
gboolean          quorum_tiled_image_needed       (int               width,
                                                   int               height);
/* Takes the decoded image (8 bits a sample); makes its smaller levels, down
 * to the overview. May run in a worker thread. */
QuorumTiledImage *quorum_tiled_image_new          (GdkPixbuf        *pixbuf);
int               quorum_tiled_image_get_width    (QuorumTiledImage *self);
int               quorum_tiled_image_get_height   (QuorumTiledImage *self);
/* The whole image at the smallest level, at most 2048 pixels a side. */
GdkTexture       *quorum_tiled_image_get_overview (QuorumTiledImage *self);
/* Draws the part of the image in @visible (image pixels) at @scale (widget
 * pixels per image pixel), at the image's origin in @snapshot's
 * coordinates, from the smallest level with an image pixel for every device
 * pixel: the overview, or the level's tiles in view. Tiles out of view are
 * let go. */
void              quorum_tiled_image_snapshot     (QuorumTiledImage      *self,
                                                   GtkSnapshot           *snapshot,
                                                   const graphene_rect_t *visible,
                                                   double                 scale);
/* For tests and the benchmark: the tiles kept at the moment, the number of
 * levels (0: full resolution) and the level the last frame drew, or -1. */
guint             quorum_tiled_image_get_n_tiles  (QuorumTiledImage *self);
guint             quorum_tiled_image_get_n_levels (QuorumTiledImage *self);
int               quorum_tiled_image_get_drawn_level (QuorumTiledImage *self);

G_END_DECLS
