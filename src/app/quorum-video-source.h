/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-frame-cache.h"
#include "quorum-video.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_VIDEO_SOURCE (quorum_video_source_get_type ())

G_DECLARE_FINAL_TYPE (QuorumVideoSource, quorum_video_source, QUORUM, VIDEO_SOURCE, GObject)

/*
 * The frames of one prepared video for the canvas: a worker thread owns the
 * decoder, the frames it reports go to a QuorumFrameCache, and the one
 * asked for becomes #QuorumVideoSource:texture as soon as it is there.
 * Playback advances #QuorumVideoSource:frame by the index's times.
 */
QuorumVideoSource *quorum_video_source_new          (const char        *proxy_path,
                                                     QuorumVideoIndex  *index,
                                                     guint64            cache_limit,
                                                     GError           **error);

const QuorumVideoIndex *quorum_video_source_get_index (QuorumVideoSource *self);
guint              quorum_video_source_get_n_frames (QuorumVideoSource *self);
/* The frame asked for last. */
guint              quorum_video_source_get_frame    (QuorumVideoSource *self);
void               quorum_video_source_set_frame    (QuorumVideoSource *self,
                                                     guint              frame);
/* (transfer none) (nullable): the frame asked for, once decoded. */
GdkTexture        *quorum_video_source_get_texture  (QuorumVideoSource *self);
/* (transfer none) (nullable): the frame shown last: stays while the next
 * one is decoded. */
GdkTexture        *quorum_video_source_get_shown    (QuorumVideoSource *self);
/* The time of the frame asked for, from the video's start, in ns. */
gint64             quorum_video_source_get_time     (QuorumVideoSource *self);

gboolean           quorum_video_source_get_playing  (QuorumVideoSource *self);
void               quorum_video_source_set_playing  (QuorumVideoSource *self,
                                                     gboolean           playing);
double             quorum_video_source_get_rate     (QuorumVideoSource *self);
/* 0.25 to 4 times the video's own rate. */
void               quorum_video_source_set_rate     (QuorumVideoSource *self,
                                                     double             rate);
/* Playback from @last goes on at @first; @first > @last loops nothing. */
void               quorum_video_source_set_loop     (QuorumVideoSource *self,
                                                     guint              first,
                                                     guint              last);
gboolean           quorum_video_source_get_loop     (QuorumVideoSource *self,
                                                     guint             *first,
                                                     guint             *last);
/* Frames playback passed without showing them. */
guint              quorum_video_source_get_dropped  (QuorumVideoSource *self);

QuorumFrameCache  *quorum_video_source_get_cache    (QuorumVideoSource *self);
void               quorum_video_source_set_cache_limit (QuorumVideoSource *self,
                                                     guint64            limit);

/* Decodes @frame into a texture, on the calling thread, from a decoder of
 * its own and outside the cache: for hover thumbnails (call it from a
 * worker). */
GdkTexture        *quorum_video_source_decode_one   (QuorumVideoSource *self,
                                                     guint              frame,
                                                     GCancellable      *cancellable,
                                                     GError           **error);

G_END_DECLS
