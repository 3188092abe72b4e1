/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Below this many screen pixels per frame pixel, a video frame is drawn
 * from a copy at the size it is shown (quorum_frame_scale()). */
#define QUORUM_FRAME_SCALE_BELOW 0.95

/*
 * A texture of a decoded frame's @pixels (premultiplied BGRA, rows @stride
 * bytes apart) that keeps them at hand, so that quorum_frame_scale() reads
 * them in place: GTK 4.8's gdk_texture_download() converts pixel by pixel,
 * 13 ms for a 1920 × 1080 frame.
 *
 * Returns: (transfer full)
 */
GdkTexture *quorum_frame_texture_new (int         width,
                                      int         height,
                                      GBytes     *pixels,
                                      gsize       stride);

/*
 * A copy of @frame at @width × @height, no larger than it: a video frame at
 * the size it is shown. Under a software renderer the upload of a new
 * texture is most of a frame change's cost (a 1920 × 1080 frame shown at
 * 0.6 cost 36 ms to the screen, a copy of the shown size 19 ms:
 * bench/renderer-floor), and a copy of a frame from
 * quorum_frame_texture_new() about 1 ms to make. Halved in 2 × 2 means
 * while more than twice too large, then scaled bilinearly (pixman, through
 * cairo), so every frame pixel counts.
 *
 * Returns: (transfer full): the copy, in GDK_MEMORY_DEFAULT.
 */
GdkTexture *quorum_frame_scale (GdkTexture *frame,
                                int         width,
                                int         height);

G_END_DECLS
