/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-video.h"

G_BEGIN_DECLS

/* A rate of 0 (or a denominator of 0) is a variable rate: the index
 * stores the mean one. Copies @pts and @keyframe. */
QuorumVideoIndex *_quorum_video_index_new       (int                     width,
                                                 int                     height,
                                                 int                     fps_n,
                                                 int                     fps_d,
                                                 const char             *codec,
                                                 const gint64           *pts,
                                                 const guint8           *keyframe,
                                                 guint                   n_frames,
                                                 GError                **error);
QuorumVideoIndex *_quorum_video_index_copy      (const QuorumVideoIndex *index);
const char       *_quorum_video_index_get_codec (const QuorumVideoIndex *index);

/* gst_init () once, from any thread. */
void              _quorum_video_init            (void);

G_END_DECLS
