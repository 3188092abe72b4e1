/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Test clips whose frames say their own number: a row of CLIP_BITS black and
 * white blocks across the top half (most significant bit first) over a
 * grey background with a moving gradient below, so the encoder has real
 * work. Made with GStreamer from raw frames with known times.
 */

#define CLIP_BITS 12

typedef enum {
  /* H.264 in MP4, B-frames, a keyframe every 250 frames (needs x264enc). */
  CLIP_H264_MP4,
  /* VP9 in WebM, a keyframe every 250 frames. */
  CLIP_VP9_WEBM,
  /* VP8 in Matroska at a variable rate: frame times 20, 40 and 33 ms apart
   * in turn, no nominal rate. */
  CLIP_VFR_MKV,
} ClipKind;

/* TRUE when GStreamer here has the encoder and muxer @kind needs. */
gboolean     clip_can_make      (ClipKind     kind);
/* Writes @n_frames frames at @width × @height (@fps_n/1 for constant
 * rates) to @path. @pts_out (may be NULL) receives the n_frames times. */
gboolean     clip_make          (ClipKind     kind,
                                 const char  *path,
                                 int          width,
                                 int          height,
                                 int          fps_n,
                                 guint        n_frames,
                                 gint64      *pts_out,
                                 GError     **error);
/* The number a BGRA frame shows, or -1 when its blocks are unreadable. */
gint         clip_read_number   (const guint8 *pixels,
                                 int           width,
                                 int           height,
                                 int           stride);

G_END_DECLS
