/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "quorum-error.h"
#include "quorum-video-task.h"

struct _QuorumVideoTask
{
  GObject            parent_instance;

  QuorumCanvas      *canvas;        /* weak: the window's */
  QuorumTimeline    *timeline;
  QuorumVideoSource *source;
  gulong             texture_handler;
  gulong             frame_handler;
  QuorumTrackEditor *editor;        /* the task's instances, frame by frame */
  char              *proxy_path;    /* the open video's proxy, for the box tracker */
  double             progress;
  guint              generation;    /* bumped by each open and close */
};

G_DEFINE_FINAL_TYPE (QuorumVideoTask, quorum_video_task, G_TYPE_OBJECT)

static void update_marks (QuorumVideoTask *self);

enum {
  PROP_0,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

QuorumVideoTask *
quorum_video_task_new (QuorumCanvas   *canvas,
                       QuorumTimeline *timeline)
{
  QuorumVideoTask *self = g_object_new (QUORUM_TYPE_VIDEO_TASK, NULL);

  self->canvas = canvas;
  self->timeline = timeline;
  self->editor = quorum_track_editor_new (canvas);
  g_signal_connect_swapped (self->editor, "changed", G_CALLBACK (update_marks), self);
  return self;
}

void
quorum_video_task_get_paths (QuorumCache  *cache,
                             gint64        file_id,
                             char        **proxy_path,
                             char        **index_path)
{
  quorum_cache_get_video_paths (cache, file_id, proxy_path, index_path);
}

gboolean
quorum_video_task_is_video (JsonObject *file_info)
{
  return file_info != NULL &&
         (json_object_has_member (file_info, "video") ||
          json_object_get_int_member_with_default (file_info, "frames", 1) > 1);
}

static void
set_progress (QuorumVideoTask *self,
              double           progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

/* ---- download ----------------------------------------------------------- */

typedef struct
{
  QuorumClient        *client;
  gint64               file_id;
  char                *proxy_path;
  char                *index_path;
  QuorumClientProgress progress;
  gpointer             progress_data;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->client);
  g_free (download->proxy_path);
  g_free (download->index_path);
  g_free (download);
}

/* Offline, the cache is the only place a video can come from: say so and
 * what to do, rather than how the connection failed. */
static void
return_download_error (GTask  *task,
                       GError *error)
{
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE))
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE,
                               _("This video was not downloaded for offline use and the server does not answer; "
                                 "use Download for Offline on its job while connected"));
      g_error_free (error);
    }
  else
    g_task_return_error (task, error);
}

static void
proxy_downloaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error))
    return_download_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
index_downloaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error))
    {
      return_download_error (task, error);
      return;
    }
  path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/proxy", download->file_id);
  quorum_client_download_with_progress_async (download->client, path, download->proxy_path, download->progress,
                                              download->progress_data, g_task_get_cancellable (task),
                                              proxy_downloaded, g_object_ref (task));
}

void
quorum_video_task_download_async (QuorumCache          *cache,
                                  QuorumClient         *client,
                                  gint64                file_id,
                                  QuorumClientProgress  progress,
                                  gpointer              progress_data,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Download *download = g_new0 (Download, 1);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, quorum_video_task_download_async);
  download->client = g_object_ref (client);
  download->file_id = file_id;
  download->progress = progress;
  download->progress_data = progress_data;
  quorum_video_task_get_paths (cache, file_id, &download->proxy_path, &download->index_path);
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);
  if (g_file_test (download->proxy_path, G_FILE_TEST_IS_REGULAR) &&
      g_file_test (download->index_path, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_mkdir_with_parents (quorum_cache_get_media_dir (cache), 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               _("The media folder cannot be made: %s"), g_strerror (saved));
      return;
    }
  path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/frames", file_id);
  quorum_client_download_async (client, path, download->index_path, cancellable, index_downloaded,
                                g_steal_pointer (&task));
}

gboolean
quorum_video_task_download_finish (GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- open --------------------------------------------------------------- */

/* The timeline marks the frames that store an instance (keyframes). */
static void
update_marks (QuorumVideoTask *self)
{
  g_autoptr(GArray) frames = quorum_track_editor_get_marks (self->editor);

  if (self->source != NULL)
    quorum_timeline_set_marks (self->timeline, (const guint *) (gpointer) frames->data, frames->len);
}

static void
show_frame_instances (QuorumVideoTask *self)
{
  if (self->source == NULL || self->canvas == NULL)
    return;
  /* The review layers (other annotators' tracks, gold) follow the frame. */
  quorum_canvas_set_layer_frame (self->canvas, quorum_video_source_get_frame (self->source));
  quorum_track_editor_set_frame (self->editor, quorum_video_source_get_frame (self->source));
}

static void
on_texture (QuorumVideoTask *self)
{
  GdkTexture *texture = quorum_video_source_get_texture (self->source);

  if (texture != NULL && self->canvas != NULL)
    quorum_canvas_show_frame (self->canvas, texture);
}

static void
set_source (QuorumVideoTask   *self,
            QuorumVideoSource *source)
{
  if (self->source != NULL)
    {
      g_clear_signal_handler (&self->texture_handler, self->source);
      g_clear_signal_handler (&self->frame_handler, self->source);
      quorum_video_source_set_playing (self->source, FALSE);
      g_clear_object (&self->source);
    }
  if (source != NULL)
    {
      self->source = g_object_ref (source);
      self->texture_handler = g_signal_connect_swapped (source, "notify::texture", G_CALLBACK (on_texture), self);
      self->frame_handler = g_signal_connect_swapped (source, "notify::frame", G_CALLBACK (show_frame_instances),
                                                      self);
    }
  quorum_timeline_set_source (self->timeline, source);
  gtk_widget_set_visible (GTK_WIDGET (self->timeline), source != NULL);
  if (source != NULL)
    {
      on_texture (self);
      show_frame_instances (self);
      update_marks (self);
    }
}

typedef struct
{
  gint64   file_id;
  guint64  limit;
  guint    generation;
  QuorumCache *cache;
} Opening;

static void
opening_free (Opening *opening)
{
  g_clear_object (&opening->cache);
  g_free (opening);
}

static void
on_download_progress (goffset  done,
                      goffset  total,
                      gpointer user_data)
{
  QuorumVideoTask *self = user_data;

  set_progress (self, total > 0 ? (double) done / total : -1);
}

static void
downloaded (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumVideoTask *self = g_task_get_source_object (task);
  Opening *opening = g_task_get_task_data (task);
  g_autofree char *proxy_path = NULL;
  g_autofree char *index_path = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(QuorumVideoIndex) index = NULL;
  g_autoptr(QuorumVideoSource) source = NULL;
  GError *error = NULL;
  gchar *contents = NULL;
  gsize length;

  set_progress (self, -1);
  if (!quorum_video_task_download_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (opening->generation != self->generation)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Closed");
      return;
    }
  quorum_video_task_get_paths (opening->cache, opening->file_id, &proxy_path, &index_path);
  if (!g_file_get_contents (index_path, &contents, &length, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  json = g_bytes_new_take (contents, length);
  index = quorum_video_index_new_from_bytes (json, &error);
  if (index == NULL ||
      (source = quorum_video_source_new (proxy_path, g_steal_pointer (&index), opening->limit, &error)) == NULL)
    {
      /* A damaged download is fetched again next time. */
      g_unlink (index_path);
      g_unlink (proxy_path);
      g_prefix_error (&error, _("The video cannot be shown: "));
      g_task_return_error (task, error);
      return;
    }
  g_free (self->proxy_path);
  self->proxy_path = g_steal_pointer (&proxy_path);
  set_source (self, source);
  g_task_return_boolean (task, TRUE);
}

void
quorum_video_task_open_async (QuorumVideoTask     *self,
                              QuorumCache         *cache,
                              QuorumClient        *client,
                              gint64               file_id,
                              guint64              frame_cache_limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Opening *opening = g_new0 (Opening, 1);

  g_return_if_fail (QUORUM_IS_VIDEO_TASK (self));
  g_task_set_source_tag (task, quorum_video_task_open_async);
  quorum_video_task_close (self);
  opening->file_id = file_id;
  opening->limit = frame_cache_limit;
  opening->generation = self->generation;
  opening->cache = g_object_ref (cache);
  g_task_set_task_data (task, opening, (GDestroyNotify) opening_free);
  quorum_video_task_download_async (cache, client, file_id, on_download_progress, self, cancellable, downloaded,
                                    g_steal_pointer (&task));
}

gboolean
quorum_video_task_open_finish (QuorumVideoTask  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
quorum_video_task_set_instances (QuorumVideoTask *self,
                                 GPtrArray       *instances)
{
  g_return_if_fail (QUORUM_IS_VIDEO_TASK (self));
  if (self->source != NULL)
    quorum_track_editor_set_frame (self->editor, quorum_video_source_get_frame (self->source));
  quorum_track_editor_set_instances (self->editor, instances,
                                     self->source != NULL ? quorum_video_source_get_n_frames (self->source) : 0);
}

QuorumTrackEditor *
quorum_video_task_get_editor (QuorumVideoTask *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_TASK (self), NULL);
  return self->editor;
}

const char *
quorum_video_task_get_proxy_path (QuorumVideoTask *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_TASK (self), NULL);
  return self->proxy_path;
}

gboolean
quorum_video_task_is_open (QuorumVideoTask *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_TASK (self), FALSE);
  return self->source != NULL;
}

void
quorum_video_task_set_frame_cache_limit (QuorumVideoTask *self,
                                         guint64          limit)
{
  g_return_if_fail (QUORUM_IS_VIDEO_TASK (self));
  if (self->source != NULL)
    quorum_video_source_set_cache_limit (self->source, limit);
}

QuorumVideoSource *
quorum_video_task_get_source (QuorumVideoTask *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_TASK (self), NULL);
  return self->source;
}

double
quorum_video_task_get_progress (QuorumVideoTask *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_TASK (self), -1);
  return self->progress;
}

void
quorum_video_task_close (QuorumVideoTask *self)
{
  g_return_if_fail (QUORUM_IS_VIDEO_TASK (self));
  self->generation++;
  g_clear_pointer (&self->proxy_path, g_free);
  set_source (self, NULL);
  if (self->canvas != NULL)
    quorum_canvas_set_layer_frame (self->canvas, G_MAXUINT);
  quorum_track_editor_set_instances (self->editor, NULL, 0);
  set_progress (self, -1);
}

static void
quorum_video_task_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  QuorumVideoTask *self = QUORUM_VIDEO_TASK (object);

  switch (prop_id)
    {
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_video_task_dispose (GObject *object)
{
  QuorumVideoTask *self = QUORUM_VIDEO_TASK (object);

  if (self->timeline != NULL)
    set_source (self, NULL);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  g_clear_object (&self->editor);
  g_clear_pointer (&self->proxy_path, g_free);
  self->timeline = NULL;
  self->canvas = NULL;
  G_OBJECT_CLASS (quorum_video_task_parent_class)->dispose (object);
}

static void
quorum_video_task_class_init (QuorumVideoTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = quorum_video_task_get_property;
  object_class->dispose = quorum_video_task_dispose;

  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1, 1, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_video_task_init (QuorumVideoTask *self)
{
  self->progress = -1;
}
