/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Clips for the box tracker: a distinct square (red, with a white disc and
 * a dark bar off centre, so that it has no symmetry to slide along) moving
 * by a known step per frame over a still, textured grey background. The
 * tests and bench/box-tracker know where it is on every frame.
 */

typedef struct
{
  int    width;
  int    height;
  int    fps;
  guint  n_frames;
  int    size;       /* the square's side */
  int    x;          /* its top left corner on frame 0 */
  int    y;
  int    dx;         /* its step per frame */
  int    dy;
  guint  vanish;     /* the first frame without it (G_MAXUINT: never) */
  int    grow;       /* pixels its side grows by a frame, its corner staying */
} SquareClip;

/* VP9 in WebM (vp9enc, gstreamer1.0-plugins-good). */
gboolean square_clip_make   (const SquareClip *clip,
                             const char       *path,
                             GError          **error);
/* Where the square is on @frame, as drawn (it may reach out of the picture). */
void     square_clip_box_at (const SquareClip *clip,
                             guint             frame,
                             double           *x0,
                             double           *y0,
                             double           *x1,
                             double           *y1);

G_END_DECLS
