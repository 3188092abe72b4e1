/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-image-loader.h"
#include "quorum-task-list.h"

/* The decoder is fed in blocks of this size. */
#define DECODE_BLOCK (256 * 1024)

struct _QuorumImageLoader
{
  GObject           parent_instance;

  QuorumCache      *cache;
  QuorumClient     *client;
  gint64            file;
  double            progress;
  gint64            download_start;
  int               width;
  int               height;
  GdkTexture       *preview;
  GdkTexture       *image;
  QuorumTiledImage *tiles;
  GdkTexture       *thumbnail;
};

G_DEFINE_FINAL_TYPE (QuorumImageLoader, quorum_image_loader, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_PROGRESS,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_PREVIEW,
  PROP_IMAGE,
  PROP_TILES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- decoding ----------------------------------------------------------- */

typedef struct {
  int max_width;    /* 0: whole */
  int max_height;
  int width;        /* the image's own size, from its header */
  int height;
} Scale;

static void
size_prepared (GdkPixbufLoader *loader,
               int              width,
               int              height,
               Scale           *scale)
{
  double factor;

  scale->width = width;
  scale->height = height;
  if (scale->max_width <= 0 || (width <= scale->max_width && height <= scale->max_height))
    return;
  factor = MIN ((double) scale->max_width / width, (double) scale->max_height / height);
  /* JPEG then decodes at 1/2, 1/4 or 1/8 of its size before scaling. */
  gdk_pixbuf_loader_set_size (loader, MAX (1, (int) round (width * factor)), MAX (1, (int) round (height * factor)));
}

/* @bytes decoded, at most @scale's maximum when it has one. */
static GdkPixbuf *
decode (GBytes  *bytes,
        Scale   *scale,
        GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  GdkPixbuf *pixbuf;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared), scale);
  for (gsize offset = 0; offset < length; offset += DECODE_BLOCK)
    if (!gdk_pixbuf_loader_write (loader, data + offset, MIN (DECODE_BLOCK, length - offset), error))
      {
        gdk_pixbuf_loader_close (loader, NULL);
        return NULL;
      }
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, _("the file holds no image"));
      return NULL;
    }
  return g_object_ref (pixbuf);
}

static GdkTexture *
thumbnail_of (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  double factor = MIN (1.0, MIN ((double) QUORUM_THUMBNAIL_WIDTH / width, (double) QUORUM_THUMBNAIL_HEIGHT / height));
  g_autoptr(GdkPixbuf) small = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) round (width * factor)),
                                                        MAX (1, (int) round (height * factor)), GDK_INTERP_BILINEAR);

  return gdk_texture_new_for_pixbuf (small);
}

/* ---- loading -------------------------------------------------------------- */

/* A file is decoded once, and a JPEG bigger than a preview twice at the same
 * time on two threads: at a fraction of its size (libjpeg decodes at 1/2, 1/4
 * or 1/8 of the size, the preview) and whole. Other formats (PNG) cannot be
 * decoded smaller: decoded once, whole, with no preview. The load completes
 * once the image is decoded; the download goes on into the cache (fsynced,
 * renamed) without the task waiting for it. */
typedef struct {
  GBytes           *bytes;      /* the file, mapped */
  gboolean          adding;     /* the download is moving into the cache */
  gboolean          returned;   /* the task has completed */
  GError           *add_error;
  int               width;      /* the image's own size, from its header */
  int               height;
  gboolean          scaled_preview;  /* a preview thread runs beside the full one */
  GThread          *full_ahead;      /* decoding the full resolution, from a preload */
  /* from the preview thread */
  Scale             scale;
  GdkTexture       *preview;
  GdkTexture       *preview_thumbnail;
  gboolean          preview_full;    /* the preview is the whole image */
  /* from the full-resolution thread */
  GdkTexture       *image;
  QuorumTiledImage *tiles;
  GdkTexture       *thumbnail;
} Load;

typedef struct {
  GBytes           *bytes;
  GdkTexture       *image;
  QuorumTiledImage *tiles;
  GError           *error;
} FullAhead;

static void full_ahead_free (FullAhead *ahead);

static void
load_free (Load *load)
{
  if (load->full_ahead != NULL)
    full_ahead_free (g_thread_join (load->full_ahead));
  g_clear_pointer (&load->bytes, g_bytes_unref);
  g_clear_error (&load->add_error);
  g_clear_object (&load->preview);
  g_clear_object (&load->preview_thumbnail);
  g_clear_object (&load->image);
  g_clear_object (&load->tiles);
  g_clear_object (&load->thumbnail);
  g_free (load);
}

static void
complete (GTask  *task,
          GError *error)
{
  Load *load = g_task_get_task_data (task);

  if (load->returned)
    {
      g_clear_error (&error);
      return;
    }
  load->returned = TRUE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
full_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Load *load = task_data;
  Scale whole = { 0 };
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  /* Decoded ahead (quorum_image_loader_preload()), or on its way. */
  if (load->full_ahead != NULL)
    {
      FullAhead *ahead = g_thread_join (g_steal_pointer (&load->full_ahead));

      load->image = g_steal_pointer (&ahead->image);
      load->tiles = g_steal_pointer (&ahead->tiles);
      error = g_steal_pointer (&ahead->error);
      full_ahead_free (ahead);
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  if (load->image != NULL || load->tiles != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  pixbuf = decode (load->bytes, &whole, &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (quorum_tiled_image_needed (whole.width, whole.height))
    load->tiles = quorum_tiled_image_new (pixbuf);
  else
    load->image = gdk_texture_new_for_pixbuf (pixbuf);
  if (!load->scaled_preview)
    load->thumbnail = thumbnail_of (pixbuf);
  g_task_return_boolean (task, TRUE);
}

/* Decoding errors as a sentence for the user. */
static GError *
decode_error (GError *error)
{
  GError *sentence;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  /* Translators: the reason follows */
  sentence = g_error_new (QUORUM_ERROR, QUORUM_ERROR_INVALID, _("The image cannot be shown: %s"), error->message);
  g_error_free (error);
  return sentence;
}

static void
set_size (QuorumImageLoader *self,
          int                width,
          int                height)
{
  if (self->width == width && self->height == height)
    return;
  self->width = width;
  self->height = height;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
}

static void
full_decoded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumImageLoader *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      complete (task, decode_error (error));
      return;
    }
  if (load->returned)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  set_size (self, load->width, load->height);
  if (self->thumbnail == NULL)
    self->thumbnail = g_steal_pointer (&load->thumbnail);
  if (load->tiles != NULL)
    {
      self->tiles = g_steal_pointer (&load->tiles);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TILES]);
    }
  else
    {
      self->image = g_steal_pointer (&load->image);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  complete (task, NULL);
}

static void
preview_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  if (load->preview != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  load->scale.max_width = load->scale.max_height = QUORUM_IMAGE_LOADER_PREVIEW_SIZE;
  pixbuf = decode (load->bytes, &load->scale, &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  load->preview_full = gdk_pixbuf_get_width (pixbuf) == load->scale.width &&
                       gdk_pixbuf_get_height (pixbuf) == load->scale.height;
  load->preview = gdk_texture_new_for_pixbuf (pixbuf);
  load->preview_thumbnail = thumbnail_of (pixbuf);
  g_task_return_boolean (task, TRUE);
}

static void
run_decode (GTask          *task,
            GTaskThreadFunc thread_func,
            GAsyncReadyCallback done)
{
  g_autoptr(GTask) decode_task = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                                             done, g_object_ref (task));

  g_task_set_task_data (decode_task, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (decode_task, thread_func);
}

static void
preview_decoded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumImageLoader *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      complete (task, decode_error (error));
      return;
    }
  /* The full resolution came first: no use for a preview. */
  if (load->returned || self->image != NULL || self->tiles != NULL)
    {
      if (self->thumbnail == NULL)
        self->thumbnail = g_steal_pointer (&load->preview_thumbnail);
      return;
    }
  g_object_freeze_notify (G_OBJECT (self));
  set_size (self, load->scale.width, load->scale.height);
  self->thumbnail = g_steal_pointer (&load->preview_thumbnail);
  if (load->preview_full)
    {
      /* No bigger than a preview: this is the image. */
      self->image = g_steal_pointer (&load->preview);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
      g_object_thaw_notify (G_OBJECT (self));
      complete (task, NULL);
      return;
    }
  self->preview = g_steal_pointer (&load->preview);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW]);
  g_object_thaw_notify (G_OBJECT (self));
  /* A file whose header said nothing (a preview was all that was asked
   * for) but that holds more than a preview: its full resolution now. */
  if (load->scaled_preview)
    return;
  if ((gint64) load->scale.width * load->scale.height > QUORUM_IMAGE_LOADER_MAX_PIXELS)
    complete (task, g_error_new (QUORUM_ERROR, QUORUM_ERROR_INVALID,
                                 _("the image is %d × %d pixels, more than the %.0f megapixels the app shows"),
                                 load->scale.width, load->scale.height, QUORUM_IMAGE_LOADER_MAX_PIXELS / 1e6));
  else
    run_decode (task, full_in_thread, full_decoded);
}


/* ---- decoded ahead ---------------------------------------------------------- */

/* What quorum_image_loader_preload() decoded, by path, until a load of the
 * same file takes it. */
static GMutex preloaded_lock;
static GHashTable *preloaded;

static void
preload_free (Load *load)
{
  load_free (load);
}

static void
full_ahead_free (FullAhead *ahead)
{
  g_clear_pointer (&ahead->bytes, g_bytes_unref);
  g_clear_object (&ahead->image);
  g_clear_object (&ahead->tiles);
  g_clear_error (&ahead->error);
  g_free (ahead);
}

/* A big JPEG's full resolution, in a thread of its own. */
static gpointer
decode_full_ahead (gpointer data)
{
  FullAhead *ahead = data;
  Scale whole = { 0 };
  g_autoptr(GdkPixbuf) pixbuf = decode (ahead->bytes, &whole, &ahead->error);

  if (pixbuf != NULL && quorum_tiled_image_needed (whole.width, whole.height))
    ahead->tiles = quorum_tiled_image_new (pixbuf);
  else if (pixbuf != NULL)
    ahead->image = gdk_texture_new_for_pixbuf (pixbuf);
  return ahead;
}

/* The first frame's decoding of the file at @path (kept for loads of
 * @cache_path, where the cache keeps it; %NULL: @path), done now, in the
 * calling (worker) thread, for a load of it that will come: the whole image
 * when it is small or cannot be decoded smaller (PNG), else the preview,
 * and then the full resolution of a big JPEG goes on in a thread of its
 * own, which the load waits for. */
void
quorum_image_loader_preload (const char *path,
                             const char *cache_path)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GdkPixbufFormat *format;
  Load *load;
  int width, height;

  g_return_if_fail (path != NULL);
  format = gdk_pixbuf_get_file_info (path, &width, &height);
  /* What the load would refuse is not decoded ahead either. */
  mapped = format != NULL && (gint64) width * height <= QUORUM_IMAGE_LOADER_MAX_PIXELS
           ? g_mapped_file_new (path, FALSE, NULL) : NULL;
  if (mapped == NULL)
    return;
  load = g_new0 (Load, 1);
  load->bytes = g_mapped_file_get_bytes (mapped);
  load->width = load->scale.width = width;
  load->height = load->scale.height = height;
  if ((width > QUORUM_IMAGE_LOADER_PREVIEW_SIZE || height > QUORUM_IMAGE_LOADER_PREVIEW_SIZE) &&
      g_strcmp0 (gdk_pixbuf_format_get_name (format), "jpeg") == 0)
    {
      load->scale.max_width = load->scale.max_height = QUORUM_IMAGE_LOADER_PREVIEW_SIZE;
      pixbuf = decode (load->bytes, &load->scale, NULL);
      if (pixbuf != NULL)
        {
          FullAhead *ahead = g_new0 (FullAhead, 1);

          load->preview = gdk_texture_new_for_pixbuf (pixbuf);
          load->preview_thumbnail = thumbnail_of (pixbuf);
          /* The full resolution goes on in a thread of its own (after the
           * preview, which the first frame needs, so as not to slow it). */
          ahead->bytes = g_bytes_ref (load->bytes);
          load->full_ahead = g_thread_new ("quorum-decode", decode_full_ahead, ahead);
        }
    }
  else
    {
      Scale whole = { 0 };

      pixbuf = decode (load->bytes, &whole, NULL);
      if (pixbuf != NULL && quorum_tiled_image_needed (width, height))
        load->tiles = quorum_tiled_image_new (pixbuf);
      else if (pixbuf != NULL)
        load->image = gdk_texture_new_for_pixbuf (pixbuf);
      if (pixbuf != NULL)
        load->thumbnail = thumbnail_of (pixbuf);
    }
  /* A file that does not decode is left to the load, which says why. */
  if (pixbuf == NULL)
    {
      load_free (load);
      return;
    }
  g_mutex_lock (&preloaded_lock);
  if (preloaded == NULL)
    preloaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) preload_free);
  g_hash_table_replace (preloaded, g_strdup (cache_path != NULL ? cache_path : path), load);
  g_mutex_unlock (&preloaded_lock);
}

static Load *
take_preloaded (const char *path)
{
  gpointer key = NULL, load = NULL;

  g_mutex_lock (&preloaded_lock);
  if (preloaded != NULL && g_hash_table_steal_extended (preloaded, path, &key, &load))
    g_free (key);
  g_mutex_unlock (&preloaded_lock);
  return load;
}

/* Decodes the file at @path: mapped once, read by the decoding threads
 * (and still readable after the cache renames it). */
static void
decode_file (GTask      *task,
             const char *path)
{
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  GdkPixbufFormat *format;
  Load *ahead = take_preloaded (path);

  if (ahead != NULL)
    {
      /* The first frame's part is decoded: the threads hand it over at once. */
      load->bytes = g_steal_pointer (&ahead->bytes);
      load->width = ahead->width;
      load->height = ahead->height;
      load->scale = ahead->scale;
      load->preview = g_steal_pointer (&ahead->preview);
      load->preview_thumbnail = g_steal_pointer (&ahead->preview_thumbnail);
      load->image = g_steal_pointer (&ahead->image);
      load->tiles = g_steal_pointer (&ahead->tiles);
      load->thumbnail = g_steal_pointer (&ahead->thumbnail);
      load->full_ahead = g_steal_pointer (&ahead->full_ahead);
      load_free (ahead);
      if (load->preview != NULL)
        {
          load->scaled_preview = TRUE;
          run_decode (task, preview_in_thread, preview_decoded);
        }
      run_decode (task, full_in_thread, full_decoded);
      return;
    }
  mapped = g_mapped_file_new (path, FALSE, &error);
  if (mapped == NULL)
    {
      complete (task, g_error_new (QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s", error->message));
      return;
    }
  load->bytes = g_mapped_file_get_bytes (mapped);
  /* The header says the size and the format; an unknown one goes the
   * preview's way, whose decoder says what is wrong. */
  format = gdk_pixbuf_get_file_info (path, &load->width, &load->height);
  if (format != NULL && (gint64) load->width * load->height > QUORUM_IMAGE_LOADER_MAX_PIXELS)
    {
      complete (task, g_error_new (QUORUM_ERROR, QUORUM_ERROR_INVALID,
                                   _("the image is %d × %d pixels, more than the %.0f megapixels the app shows"),
                                   load->width, load->height, QUORUM_IMAGE_LOADER_MAX_PIXELS / 1e6));
      return;
    }
  if (format == NULL ||
      (load->width <= QUORUM_IMAGE_LOADER_PREVIEW_SIZE && load->height <= QUORUM_IMAGE_LOADER_PREVIEW_SIZE))
    run_decode (task, preview_in_thread, preview_decoded);
  else if (g_strcmp0 (gdk_pixbuf_format_get_name (format), "jpeg") == 0)
    {
      load->scaled_preview = TRUE;
      run_decode (task, preview_in_thread, preview_decoded);
      run_decode (task, full_in_thread, full_decoded);
    }
  else
    run_decode (task, full_in_thread, full_decoded);
}

static void
media_added (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);

  load->adding = FALSE;
  if (!quorum_cache_add_media_finish (QUORUM_CACHE (source), result, &load->add_error) &&
      !g_error_matches (load->add_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The image is shown but not kept: %s", load->add_error->message);
}

static void
set_progress (QuorumImageLoader *self,
              double             progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
download_progress (goffset  received,
                   goffset  total,
                   gpointer user_data)
{
  QuorumImageLoader *self = user_data;

  set_progress (self, total > 0 ? (double) received / total : 0);
}

static void
downloaded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumImageLoader *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *temp = quorum_cache_get_media_temp_path (self->cache, self->file);

  set_progress (self, -1);
  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        /* Translators: the reason follows */
        g_task_return_new_error (task, error->domain, error->code, _("The image could not be downloaded: %s"),
                                 error->message);
      return;
    }
  /* Shown at once; kept in the cache (fsynced, renamed) meanwhile. */
  decode_file (task, temp);
  if (load->returned)
    return;
  load->adding = TRUE;
  quorum_cache_add_media_async (self->cache, self->file, temp, NULL, media_added, g_object_ref (task));
}

void
quorum_image_loader_load_async (QuorumImageLoader  *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_IMAGE_LOADER (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_image_loader_load_async);
  g_task_set_task_data (task, g_new0 (Load, 1), (GDestroyNotify) load_free);
  path = quorum_cache_lookup_media (self->cache, self->file);
  if (path != NULL)
    decode_file (task, path);
  else if (self->client == NULL)
    g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE,
                             _("The image is not on this computer"));
  else
    {
      g_autofree char *api_path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/content", self->file);
      g_autofree char *temp = quorum_cache_get_media_temp_path (self->cache, self->file);

      self->download_start = g_get_monotonic_time ();
      set_progress (self, 0);
      quorum_client_download_with_progress_async (self->client, api_path, temp, download_progress, self,
                                                  cancellable, downloaded, g_object_ref (task));
    }
}

gboolean
quorum_image_loader_load_finish (QuorumImageLoader  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_image_loader_load_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- scaled, for thumbnails ------------------------------------------------- */

typedef struct {
  char *path;
  Scale scale;
} Scaled;

static void
scaled_free (Scaled *scaled)
{
  g_free (scaled->path);
  g_free (scaled);
}

static void
scaled_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Scaled *scaled = task_data;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  mapped = g_mapped_file_new (scaled->path, FALSE, &error);
  if (mapped != NULL)
    {
      bytes = g_mapped_file_get_bytes (mapped);
      pixbuf = decode (bytes, &scaled->scale, &error);
    }
  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, gdk_texture_new_for_pixbuf (pixbuf), g_object_unref);
}

void
quorum_image_loader_load_scaled_async (const char         *path,
                                       int                 width,
                                       int                 height,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Scaled *scaled = g_new0 (Scaled, 1);

  g_task_set_source_tag (task, quorum_image_loader_load_scaled_async);
  scaled->path = g_strdup (path);
  scaled->scale.max_width = width;
  scaled->scale.max_height = height;
  g_task_set_task_data (task, scaled, (GDestroyNotify) scaled_free);
  g_task_run_in_thread (task, scaled_in_thread);
}

GdkTexture *
quorum_image_loader_load_scaled_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the object ---------------------------------------------------------------- */

static void
quorum_image_loader_finalize (GObject *object)
{
  QuorumImageLoader *self = QUORUM_IMAGE_LOADER (object);

  g_clear_object (&self->cache);
  g_clear_object (&self->client);
  g_clear_object (&self->preview);
  g_clear_object (&self->image);
  g_clear_object (&self->tiles);
  g_clear_object (&self->thumbnail);
  G_OBJECT_CLASS (quorum_image_loader_parent_class)->finalize (object);
}

static void
quorum_image_loader_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  QuorumImageLoader *self = QUORUM_IMAGE_LOADER (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_int64 (value, self->file);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    case PROP_PREVIEW:
      g_value_set_object (value, self->preview);
      break;
    case PROP_IMAGE:
      g_value_set_object (value, self->image);
      break;
    case PROP_TILES:
      g_value_set_object (value, self->tiles);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_image_loader_class_init (QuorumImageLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_image_loader_finalize;
  object_class->get_property = quorum_image_loader_get_property;

  properties[PROP_FILE] =
    g_param_spec_int64 ("file", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1, 1, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW] =
    g_param_spec_object ("preview", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGE] =
    g_param_spec_object ("image", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TILES] =
    g_param_spec_object ("tiles", NULL, NULL, QUORUM_TYPE_TILED_IMAGE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_image_loader_init (QuorumImageLoader *self)
{
  self->progress = -1;
}

QuorumImageLoader *
quorum_image_loader_new (QuorumCache  *cache,
                         QuorumClient *client,
                         gint64        file_id)
{
  QuorumImageLoader *self;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  g_return_val_if_fail (client == NULL || QUORUM_IS_CLIENT (client), NULL);
  self = g_object_new (QUORUM_TYPE_IMAGE_LOADER, NULL);
  self->cache = g_object_ref (cache);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->file = file_id;
  return self;
}

gint64
quorum_image_loader_get_file (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), 0);
  return self->file;
}

double
quorum_image_loader_get_progress (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), -1);
  return self->progress;
}

gint64
quorum_image_loader_get_download_start (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), 0);
  return self->download_start;
}

int
quorum_image_loader_get_width (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), 0);
  return self->width;
}

int
quorum_image_loader_get_height (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), 0);
  return self->height;
}

GdkTexture *
quorum_image_loader_get_preview (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), NULL);
  return self->preview;
}

GdkTexture *
quorum_image_loader_get_image (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), NULL);
  return self->image;
}

QuorumTiledImage *
quorum_image_loader_get_tiles (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), NULL);
  return self->tiles;
}

GdkTexture *
quorum_image_loader_get_thumbnail (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), NULL);
  return self->thumbnail;
}

GdkTexture *
quorum_image_loader_get_best (QuorumImageLoader *self)
{
  g_return_val_if_fail (QUORUM_IS_IMAGE_LOADER (self), NULL);
  if (self->image != NULL)
    return self->image;
  if (self->tiles != NULL)
    return quorum_tiled_image_get_overview (self->tiles);
  return self->preview;
}
