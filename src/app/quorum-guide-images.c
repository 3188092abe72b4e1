/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gstdio.h>

#include "quorum-cache.h"
#include "quorum-client.h"
#include "quorum-guide-images.h"
#include "quorum-image-loader.h"

struct _QuorumGuideImages
{
  GObject          parent_instance;

  QuorumGuideView *view;       /* not owned: the view owns its resolver */
  QuorumSession   *session;
  GCancellable    *cancellable;
  gint64           task;
  GHashTable      *textures;   /* name → GdkPaintable: a GdkTexture, or a GtkMediaStream for a video */
  GHashTable      *pending;    /* names being fetched */
  GHashTable      *videos;     /* name → GtkMediaStream of a video preparing, not drawn yet */
  JsonObject      *files;      /* the task view's guide.images: name → file id */
  guint            render_id;  /* pictures arrived: the guide drawn again once */
};

G_DEFINE_FINAL_TYPE (QuorumGuideImages, quorum_guide_images, G_TYPE_OBJECT)

static void queue_render (QuorumGuideImages *self);

typedef struct {
  QuorumGuideImages *owner;
  char              *name;
  gint64             task;
  gint64             file;
  char              *temp_path;   /* a video being downloaded */
} GuideImage;

static void
guide_image_free (GuideImage *image)
{
  g_clear_object (&image->owner);
  g_free (image->name);
  g_free (image->temp_path);
  g_free (image);
}

static void
image_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GuideImage *image = user_data;
  QuorumImageLoader *loader = QUORUM_IMAGE_LOADER (source);
  g_autoptr(GError) error = NULL;

  if (quorum_image_loader_load_finish (loader, result, &error) && image->task == image->owner->task)
    {
      g_hash_table_replace (image->owner->textures, g_strdup (image->name),
                            g_object_ref (quorum_image_loader_get_best (loader)));
      queue_render (image->owner);
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("guide image %s: %s", image->name, error->message);
  guide_image_free (image);
}

/* ---- videos ---------------------------------------------------------------------------- */

/* A video of the guide is drawn as soon as its size is known: before that
 * its figure would be one pixel. While it prepares it is kept in @videos,
 * whose clearing ends it, so the owner needs no reference here. */
typedef struct {
  QuorumGuideImages *owner;   /* not owned: it owns the stream */
  char              *name;
} VideoWatch;

static void
video_watch_free (VideoWatch *watch)
{
  g_free (watch->name);
  g_free (watch);
}

static void
on_video_size (GdkPaintable *stream,
               VideoWatch   *watch)
{
  QuorumGuideImages *self = watch->owner;
  g_autofree char *name = NULL;

  if (gdk_paintable_get_intrinsic_width (stream) <= 0)
    return;
  name = g_strdup (watch->name);
  g_hash_table_replace (self->textures, g_strdup (name), g_object_ref (stream));
  /* frees @watch with the handler */
  g_signal_handlers_disconnect_by_func (stream, on_video_size, watch);
  g_hash_table_remove (self->videos, name);
  queue_render (self);
}

/* The video plays inline as a guide's moving picture: muted, looping, from
 * the media cache (the guide view pauses it while it is not shown). */
static void
show_video (GuideImage *image,
            const char *path)
{
  QuorumGuideImages *self = image->owner;
  GtkMediaStream *stream = gtk_media_file_new_for_filename (path);
  VideoWatch *watch = g_new0 (VideoWatch, 1);

  watch->owner = self;
  watch->name = g_strdup (image->name);
  gtk_media_stream_set_muted (stream, TRUE);
  gtk_media_stream_set_loop (stream, TRUE);
  g_signal_connect_data (stream, "invalidate-size", G_CALLBACK (on_video_size), watch,
                         (GClosureNotify) (void (*) (void)) video_watch_free, 0);
  g_hash_table_replace (self->videos, g_strdup (image->name), stream);
  guide_image_free (image);
}

static void
video_added (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GuideImage *image = user_data;
  QuorumCache *cache = QUORUM_CACHE (source);
  g_autoptr(GError) error = NULL;

  if (quorum_cache_add_media_finish (cache, result, &error) && image->task == image->owner->task)
    {
      g_autofree char *path = quorum_cache_get_media_path (cache, image->file);

      show_video (image, path);
      return;
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("guide video %s: %s", image->name, error->message);
  guide_image_free (image);
}

static void
video_downloaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GuideImage *image = user_data;
  QuorumGuideImages *self = image->owner;
  g_autoptr(GError) error = NULL;

  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error) || image->task != self->task ||
      self->session == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("guide video %s: %s", image->name, error->message);
      if (image->temp_path != NULL)
        g_unlink (image->temp_path);
      guide_image_free (image);
      return;
    }
  quorum_cache_add_media_async (quorum_session_get_cache (self->session), image->file, image->temp_path,
                                self->cancellable, video_added, image);
}

static gboolean
is_video_name (const char *name)
{
  g_autofree char *type = g_content_type_guess (name, NULL, 0, NULL);
  g_autofree char *mime = type != NULL ? g_content_type_get_mime_type (type) : NULL;

  return mime != NULL && g_str_has_prefix (mime, "video/");
}

static void
fetch_video (QuorumGuideImages *self,
             GuideImage        *image)
{
  QuorumCache *cache = quorum_session_get_cache (self->session);
  g_autofree char *path = quorum_cache_lookup_media (cache, image->file);
  g_autofree char *api_path = NULL;

  if (path != NULL)
    {
      show_video (image, path);
      return;
    }
  image->temp_path = quorum_cache_get_media_temp_path (cache, image->file);
  api_path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/content", image->file);
  quorum_client_download_async (quorum_session_get_client (self->session), api_path, image->temp_path,
                                self->cancellable, video_downloaded, image);
}

/* ---- fetching ---------------------------------------------------------------------------- */

static void
fetch (QuorumGuideImages *self,
       const char        *name)
{
  g_autoptr(QuorumImageLoader) loader = NULL;
  g_autofree char *written = NULL;
  GuideImage *image;
  gint64 file;

  /* cmark-gfm hands targets over percent-encoded; the server records them
   * as the guide's author wrote them. */
  written = g_uri_unescape_string (name, NULL);
  file = json_object_get_int_member_with_default (self->files, written != NULL ? written : name, 0);
  if (file == 0)
    return;

  image = g_new0 (GuideImage, 1);
  image->owner = g_object_ref (self);
  image->name = g_strdup (name);
  image->task = self->task;
  image->file = file;
  /* a Markdown image whose target is a video plays inline, muted (docs/video.md) */
  if (is_video_name (written != NULL ? written : name))
    {
      fetch_video (self, image);
      return;
    }
  loader = quorum_image_loader_new (quorum_session_get_cache (self->session),
                                    quorum_session_get_client (self->session), file);
  quorum_image_loader_load_async (loader, self->cancellable, image_loaded, image);
}

static GdkPaintable *
resolve (const char *name,
         gpointer    user_data)
{
  QuorumGuideImages *self = user_data;
  GdkPaintable *paintable = g_hash_table_lookup (self->textures, name);

  if (paintable != NULL)
    return g_object_ref (paintable);
  if (self->session == NULL || self->files == NULL || g_hash_table_contains (self->pending, name))
    return NULL;
  g_hash_table_add (self->pending, g_strdup (name));
  fetch (self, name);
  return NULL;
}

static gboolean
render (gpointer data)
{
  QuorumGuideImages *self = data;

  self->render_id = 0;
  /* Setting the resolver again renders the guide again. */
  if (self->view != NULL)
    quorum_guide_view_set_image_resolver (self->view, resolve, self, NULL);
  return G_SOURCE_REMOVE;
}

static void
queue_render (QuorumGuideImages *self)
{
  if (self->render_id == 0)
    self->render_id = g_idle_add (render, self);
}

void
quorum_guide_images_clear (QuorumGuideImages *self)
{
  g_return_if_fail (QUORUM_IS_GUIDE_IMAGES (self));
  self->task = 0;
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->files, json_object_unref);
  g_clear_handle_id (&self->render_id, g_source_remove);
  g_hash_table_remove_all (self->videos);
  g_hash_table_remove_all (self->textures);
  g_hash_table_remove_all (self->pending);
}

void
quorum_guide_images_set_task (QuorumGuideImages *self,
                              QuorumSession     *session,
                              gint64             task_id,
                              JsonObject        *images,
                              GCancellable      *cancellable)
{
  g_return_if_fail (QUORUM_IS_GUIDE_IMAGES (self));
  quorum_guide_images_clear (self);
  self->task = task_id;
  g_set_object (&self->session, session);
  g_set_object (&self->cancellable, cancellable);
  if (images != NULL)
    self->files = json_object_ref (images);
}

static void
quorum_guide_images_finalize (GObject *object)
{
  QuorumGuideImages *self = QUORUM_GUIDE_IMAGES (object);

  quorum_guide_images_clear (self);
  g_clear_weak_pointer (&self->view);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->videos, g_hash_table_unref);
  G_OBJECT_CLASS (quorum_guide_images_parent_class)->finalize (object);
}

static void
quorum_guide_images_class_init (QuorumGuideImagesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quorum_guide_images_finalize;
}

static void
quorum_guide_images_init (QuorumGuideImages *self)
{
  self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->videos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

QuorumGuideImages *
quorum_guide_images_new (QuorumGuideView *view)
{
  QuorumGuideImages *self = g_object_new (QUORUM_TYPE_GUIDE_IMAGES, NULL);

  g_set_weak_pointer (&self->view, view);
  quorum_guide_view_set_image_resolver (view, resolve, self, NULL);
  return self;
}
