/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-cache.h"
#include "quorum-canvas.h"
#include "quorum-client.h"
#include "quorum-timeline.h"
#include "quorum-track-editor.h"
#include "quorum-video-source.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_VIDEO_TASK (quorum_video_task_get_type ())

G_DECLARE_FINAL_TYPE (QuorumVideoTask, quorum_video_task, QUORUM, VIDEO_TASK, GObject)

/*
 * A video task on the canvas: its prepared proxy and frame index from the
 * media folder (downloaded first when they are not there), a
 * QuorumVideoSource whose frames the canvas shows, the timeline that
 * navigates it, and each frame's instances drawn on that frame.
 */
QuorumVideoTask   *quorum_video_task_new           (QuorumCanvas        *canvas,
                                                    QuorumTimeline      *timeline);

/* Where the proxy and the index of @file_id are kept for offline work. */
void               quorum_video_task_get_paths     (QuorumCache         *cache,
                                                    gint64               file_id,
                                                    char               **proxy_path,
                                                    char               **index_path);
/* Whether @file_info (a file's JSON) is a video. */
gboolean           quorum_video_task_is_video      (JsonObject          *file_info);

/* Opens @file_id's video: its first frame shows on the canvas as soon as
 * it is decoded. #QuorumVideoTask:progress tells the download (0…1, -1
 * when nothing downloads). */
void               quorum_video_task_open_async    (QuorumVideoTask     *self,
                                                    QuorumCache         *cache,
                                                    QuorumClient        *client,
                                                    gint64               file_id,
                                                    guint64              frame_cache_limit,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           quorum_video_task_open_finish   (QuorumVideoTask     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Fetches @file_id's proxy and index into the media folder (nothing when
 * they are there). */
void               quorum_video_task_download_async  (QuorumCache         *cache,
                                                      QuorumClient        *client,
                                                      gint64               file_id,
                                                      QuorumClientProgress progress,
                                                      gpointer             progress_data,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           quorum_video_task_download_finish (GAsyncResult        *result,
                                                      GError             **error);

/* The task's instances (of QuorumInstance), edited frame by frame by the
 * task's #QuorumTrackEditor; the timeline marks the frames that store any. */
void               quorum_video_task_set_instances (QuorumVideoTask     *self,
                                                    GPtrArray           *instances);
QuorumTrackEditor *quorum_video_task_get_editor    (QuorumVideoTask     *self);
/* The open video's frame-exact proxy (NULL: none open). */
const char        *quorum_video_task_get_proxy_path (QuorumVideoTask    *self);
/* Whether a video is open (its frames on the canvas). */
gboolean           quorum_video_task_is_open       (QuorumVideoTask     *self);
/* The video-frame-cache preference changed: the open video keeps to it. */
void               quorum_video_task_set_frame_cache_limit (QuorumVideoTask *self,
                                                    guint64              limit);
QuorumVideoSource *quorum_video_task_get_source    (QuorumVideoTask     *self);
double             quorum_video_task_get_progress  (QuorumVideoTask     *self);
/* Stops the video and leaves the canvas and the timeline empty. */
void               quorum_video_task_close         (QuorumVideoTask     *self);

G_END_DECLS
