/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Levels are made down to this many pixels on the longer side. */
#define QUORUM_IMAGE_PYRAMID_MIN_SIDE 512

/**
 * QuorumImagePyramid:
 *
 * An image texture and copies of it at half, a quarter, … of its size,
 * made once in a worker thread. A frame far from 1:1 then samples a texture
 * near the screen's size instead of the whole image: under a software
 * renderer, scaling a 50-megapixel texture down to the screen every frame
 * cost more than everything else in a pan frame. At a zoom of one half or
 * more the image itself is drawn, so 1:1 stays exact.
 */
typedef struct _QuorumImagePyramid QuorumImagePyramid;

QuorumImagePyramid *quorum_image_pyramid_new          (GdkTexture         *texture,
                                                       GFunc               ready,
                                                       gpointer            user_data);
void                quorum_image_pyramid_free         (QuorumImagePyramid *pyramid);

GdkTexture         *quorum_image_pyramid_get_texture  (QuorumImagePyramid *pyramid);
guint               quorum_image_pyramid_get_n_levels (QuorumImagePyramid *pyramid);
gboolean            quorum_image_pyramid_is_building  (QuorumImagePyramid *pyramid);
GdkTexture         *quorum_image_pyramid_pick         (QuorumImagePyramid *pyramid,
                                                       double              scale);
void                quorum_image_pyramid_snapshot     (QuorumImagePyramid    *pyramid,
                                                       GtkSnapshot           *snapshot,
                                                       const graphene_rect_t *bounds,
                                                       double                 scale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumImagePyramid, quorum_image_pyramid_free)

G_END_DECLS
