/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Past this many pixels a side, or this many pixels in all, an image is
 * drawn from tiles: a GPU texture cannot hold it (or should not). */
#define QUORUM_TILED_IMAGE_MAX_SIDE   16384
#define QUORUM_TILED_IMAGE_MAX_PIXELS (50 * 1000 * 1000)

#define QUORUM_TYPE_TILED_IMAGE (quorum_tiled_image_get_type ())

G_DECLARE_FINAL_TYPE (QuorumTiledImage, quorum_tiled_image, QUORUM, TILED_IMAGE, GObject)

gboolean          quorum_tiled_image_needed       (int               width,
                                                   int               height);
/* Takes the decoded image; makes its overview. May run in a worker thread. */
QuorumTiledImage *quorum_tiled_image_new          (GdkPixbuf        *pixbuf);
int               quorum_tiled_image_get_width    (QuorumTiledImage *self);
int               quorum_tiled_image_get_height   (QuorumTiledImage *self);
/* The whole image, scaled down to fit a texture. */
GdkTexture       *quorum_tiled_image_get_overview (QuorumTiledImage *self);
/* Draws the part of the image in @visible (image pixels) at @scale (widget
 * pixels per image pixel), at the image's origin in @snapshot's
 * coordinates: the overview when it is sharp enough at that zoom, else the
 * full-resolution tiles in view. Tiles out of view are let go. */
void              quorum_tiled_image_snapshot     (QuorumTiledImage      *self,
                                                   GtkSnapshot           *snapshot,
                                                   const graphene_rect_t *visible,
                                                   double                 scale);
/* The tiles kept at the moment; for tests and the benchmark. */
guint             quorum_tiled_image_get_n_tiles  (QuorumTiledImage *self);

G_END_DECLS
