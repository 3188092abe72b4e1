/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * bench/video: sections that each print figures on one shared set of
 * clips. A section is a function in its own file (video-*.c) listed in
 * video.c's table; bench/video --only NAME runs one.
 */

#include <glib.h>

#include "quorum-video.h"

G_BEGIN_DECLS

typedef struct
{
  /* The anchor original: 1080p30, a keyframe every 250 frames (H.264 with
   * B-frames when x264enc is here, else VP9), frames showing their number. */
  char             *original;
  const char       *original_kind;   /* "H.264 MP4, B-frames" or "VP9 WebM" */
  int               width;
  int               height;
  int               fps;
  guint             n_frames;
  /* Its proxy and index, made by the “prepare” section. */
  char             *proxy;
  char             *index_path;
  QuorumVideoIndex *index;
  /* Random requests per figure. */
  guint             runs;
  guint32           seed;
} VideoBench;

typedef void (*VideoBenchSection) (VideoBench *bench);

/* "median 12.3 ms  p95 45.6 ms  max 78.9 ms (n = 100)" */
char  *video_bench_summary    (GArray *values);
/* The frame number a BGRA frame shows, or -1. */
gint   video_bench_read_frame (const guint8 *pixels,
                               int           width,
                               int           height,
                               int           stride);

/* The sections. */
void video_bench_prepare (VideoBench *bench);
void video_bench_naive   (VideoBench *bench);
void video_bench_proxy   (VideoBench *bench);

G_END_DECLS
