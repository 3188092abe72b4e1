/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include "quorum-guide-images.h"
#include "quorum-image-loader.h"

struct _QuorumGuideImages
{
  GObject          parent_instance;

  QuorumGuideView *view;       /* not owned: the view owns its resolver */
  QuorumSession   *session;
  GCancellable    *cancellable;
  gint64           task;
  GHashTable      *textures;   /* name → GdkTexture */
  GHashTable      *pending;    /* names being fetched */
  JsonObject      *files;      /* the task view's guide.images: name → file id */
  guint            render_id;  /* pictures arrived: the guide drawn again once */
};

G_DEFINE_FINAL_TYPE (QuorumGuideImages, quorum_guide_images, G_TYPE_OBJECT)

static void queue_render (QuorumGuideImages *self);

typedef struct {
  QuorumGuideImages *owner;
  char              *name;
  gint64             task;
} GuideImage;

static void
guide_image_free (GuideImage *image)
{
  g_clear_object (&image->owner);
  g_free (image->name);
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
  loader = quorum_image_loader_new (quorum_session_get_cache (self->session),
                                    quorum_session_get_client (self->session), file);
  quorum_image_loader_load_async (loader, self->cancellable, image_loaded, image);
}

static GdkPaintable *
resolve (const char *name,
         gpointer    user_data)
{
  QuorumGuideImages *self = user_data;
  GdkTexture *texture = g_hash_table_lookup (self->textures, name);

  if (texture != NULL)
    return GDK_PAINTABLE (g_object_ref (texture));
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
}

QuorumGuideImages *
quorum_guide_images_new (QuorumGuideView *view)
{
  QuorumGuideImages *self = g_object_new (QUORUM_TYPE_GUIDE_IMAGES, NULL);

  g_set_weak_pointer (&self->view, view);
  quorum_guide_view_set_image_resolver (view, resolve, self, NULL);
  return self;
}
