/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Frame-exact video: a proxy prepared once (short groups of pictures at the
 * original resolution), its frame index, and a decoder that shows the Nth
 * displayed frame. “Frame N” is the Nth displayed frame everywhere, variable
 * frame rate included: frames are found by the index's exact presentation
 * times, never by N × a frame's duration. No GTK: GLib and GStreamer 1.22.
 * See docs/video.md for the proxy's and the index's formats.
 */

#include <gio/gio.h>

G_BEGIN_DECLS

/* The version of the index JSON quorum_video_prepare() writes. */
#define QUORUM_VIDEO_INDEX_VERSION 1

/* Immutable once made: any number of threads may read one. */
typedef struct _QuorumVideoIndex QuorumVideoIndex;

/* Fails with QUORUM_ERROR_INVALID on anything that is not a well-formed
 * index: times not strictly increasing, a first frame that is not a
 * keyframe, a keyframe out of range, no frame at all. */
QuorumVideoIndex *quorum_video_index_new_from_bytes   (GBytes                 *json,
                                                       GError                **error);
GBytes           *quorum_video_index_to_bytes         (const QuorumVideoIndex *index);
guint             quorum_video_index_get_n_frames     (const QuorumVideoIndex *index);
/* The presentation time of the Nth displayed frame, in nanoseconds. */
gint64            quorum_video_index_get_pts          (const QuorumVideoIndex *index,
                                                       guint                   frame);
gboolean          quorum_video_index_is_keyframe      (const QuorumVideoIndex *index,
                                                       guint                   frame);
/* The last keyframe at or before @frame: where decoding @frame starts. */
guint             quorum_video_index_get_keyframe_before (const QuorumVideoIndex *index,
                                                          guint                   frame);
void              quorum_video_index_get_size         (const QuorumVideoIndex *index,
                                                       int                    *width,
                                                       int                    *height);
/* The nominal rate: the container's, or the mean one of a variable-rate video. */
void              quorum_video_index_get_rate         (const QuorumVideoIndex *index,
                                                       int                    *fps_n,
                                                       int                    *fps_d);
/* The frame shown at @pts (ns): the last one whose time is at or before
 * it; frame 0 before the first. */
guint             quorum_video_index_frame_at_time    (const QuorumVideoIndex *index,
                                                       gint64                  pts);
/* The duration of the whole video in ns: the last frame's time plus its
 * nominal duration, less the first frame's time. */
gint64            quorum_video_index_get_duration     (const QuorumVideoIndex *index);
/* The frame whose time is exactly @pts, or -1. */
gint              quorum_video_index_lookup_pts       (const QuorumVideoIndex *index,
                                                       gint64                  pts);
void              quorum_video_index_free             (QuorumVideoIndex       *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumVideoIndex, quorum_video_index_free)

typedef void (*QuorumVideoProgress) (double   fraction,
                                     gpointer user_data);

/* Decodes the first frame of @path: TRUE when GStreamer can show it as a
 * video (QUORUM_ERROR_INVALID, with the reason, when not). Blocks. */
gboolean quorum_video_check_decodable (const char    *path,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* Writes a frame-exact proxy (short GOP, original resolution) of
 * @input_path to @proxy_path and its index JSON to @index_path, each
 * written whole or not at all. @progress (may be NULL) is called from the
 * calling thread with 0…1. Blocks for about the video's duration or less:
 * call it from a worker thread. */
gboolean quorum_video_prepare (const char          *input_path,
                               const char          *proxy_path,
                               const char          *index_path,
                               QuorumVideoProgress  progress,
                               gpointer             user_data,
                               GCancellable        *cancellable,
                               GError             **error);

/* Used by one thread at a time. */
typedef struct _QuorumVideoDecoder QuorumVideoDecoder;

/* Keeps a copy of @index's content: @index may be freed after. */
QuorumVideoDecoder *quorum_video_decoder_new (const char              *proxy_path,
                                              const QuorumVideoIndex  *index,
                                              GError                 **error);

/* Called for every frame decoded on the way to the target (the target
 * last); @pixels are BGRA, 8 bits, opaque (GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
 * compatible), @stride bytes per row. Keep a ref on @pixels to keep them. */
typedef void (*QuorumVideoFrameFunc) (guint    frame,
                                      GBytes  *pixels,
                                      int      stride,
                                      gpointer user_data);

/* Decodes frame @frame. Consecutive N, N + 1 calls do not seek; a backward
 * or far jump seeks to the keyframe before @frame and decodes forward,
 * reporting each frame to @each (may be NULL). Asking again for the frame
 * just decoded reports it again without decoding. */
gboolean quorum_video_decoder_decode (QuorumVideoDecoder    *decoder,
                                      guint                  frame,
                                      QuorumVideoFrameFunc   each,
                                      gpointer               user_data,
                                      GCancellable          *cancellable,
                                      GError               **error);
/* Decodes frame @frame as quorum_video_decoder_decode() does and returns
 * its pixels (BGRA as above, @stride bytes per row), or NULL with @error. */
GBytes  *quorum_video_decoder_decode_frame (QuorumVideoDecoder *decoder,
                                            guint               frame,
                                            int                *stride,
                                            GCancellable       *cancellable,
                                            GError            **error);
/* How many seeks the decoder has made: for tests and benchmarks. */
guint    quorum_video_decoder_get_n_seeks (QuorumVideoDecoder *decoder);
void     quorum_video_decoder_free   (QuorumVideoDecoder *decoder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumVideoDecoder, quorum_video_decoder_free)

G_END_DECLS
