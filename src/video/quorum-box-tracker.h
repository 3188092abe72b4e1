/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Propagate forward: from a box drawn on one frame, OpenCV's CSRT tracker
 * proposes the box on the following frames (docs/video-annotation.md,
 * “Propagate forward”). Frames come from the frame-exact proxy through
 * quorum_video_decoder, so “frame N” is the index's Nth displayed frame.
 *
 * The tracker only proposes: it never decides what is a keyframe. The
 * caller stores each proposal as an instance with keyframe FALSE on the
 * track (quorum-track.h), and never on a frame where the track already has
 * a keyframe: a proposal never replaces what an annotator drew or edited.
 */

#include <gio/gio.h>

#include "quorum-model.h"
#include "quorum-video.h"

G_BEGIN_DECLS

/* One proposal: the box the tracker sees on @frame, in the video's pixels
 * (the proxy has the original's size), x0 < x1 and y0 < y1. */
typedef struct {
  guint      frame;
  QuorumRect box;
} QuorumBoxProposal;

/* Why the proposals stop where they do. */
typedef enum {
  /* Every frame asked for has a proposal. */
  QUORUM_BOX_TRACKER_COMPLETE,
  /* The video ended before that: the last proposal is on its last frame. */
  QUORUM_BOX_TRACKER_END_OF_VIDEO,
  /* The tracker lost the object on the frame after the last proposal (the
   * start frame + 1 when there is none): its confidence fell below its
   * threshold, or the box left the picture. Nothing is proposed from there. */
  QUORUM_BOX_TRACKER_LOST,
} QuorumBoxTrackerEnd;

const char *quorum_box_tracker_end_to_string (QuorumBoxTrackerEnd end);

/* @done of @total frames tracked so far (@total is what was asked for, or
 * fewer when the video ends first). */
typedef void (*QuorumBoxTrackerProgress) (guint    done,
                                          guint    total,
                                          gpointer user_data);

/* Tracks @box (as drawn on @start_frame) over frames @start_frame + 1 …
 * @start_frame + @max_frames of the proxy at @proxy_path with its @index,
 * and returns the proposals (QuorumBoxProposal, ascending frames, the start
 * frame not included), fewer when it stops early (@end says why; may be
 * NULL). @progress (may be NULL) is called from the calling thread after
 * each frame. Blocks for the whole run: call it from a worker thread, or
 * use quorum_box_tracker_propose_async().
 *
 * Fails with QUORUM_ERROR_INVALID when @start_frame is not a frame of the
 * video or @box has no area inside the picture, with the decoder's error
 * when the proxy cannot be decoded, and with G_IO_ERROR_CANCELLED (within
 * a frame's work) when @cancellable is cancelled. */
GArray *quorum_box_tracker_propose        (const char                *proxy_path,
                                           const QuorumVideoIndex    *index,
                                           guint                      start_frame,
                                           const QuorumRect          *box,
                                           guint                      max_frames,
                                           QuorumBoxTrackerProgress   progress,
                                           gpointer                   progress_data,
                                           QuorumBoxTrackerEnd       *end,
                                           GCancellable              *cancellable,
                                           GError                   **error);

/* The same in a GTask worker thread, so that the caller's main loop runs
 * on. @index is copied: it may be freed on return. @progress (may be NULL)
 * is called in the thread-default main context of this call (several
 * frames' progress may come as one call), never after @callback: keep
 * @progress_data alive until then, as with g_file_copy_async(). */
void    quorum_box_tracker_propose_async  (const char                *proxy_path,
                                           const QuorumVideoIndex    *index,
                                           guint                      start_frame,
                                           const QuorumRect          *box,
                                           guint                      max_frames,
                                           QuorumBoxTrackerProgress   progress,
                                           gpointer                   progress_data,
                                           GCancellable              *cancellable,
                                           GAsyncReadyCallback        callback,
                                           gpointer                   user_data);
GArray *quorum_box_tracker_propose_finish (GAsyncResult              *result,
                                           QuorumBoxTrackerEnd       *end,
                                           GError                   **error);

G_END_DECLS
