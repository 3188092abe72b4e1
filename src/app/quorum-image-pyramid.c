/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include "quorum-image-pyramid.h"

struct _QuorumImagePyramid
{
  GdkTexture   *texture;
  GPtrArray    *levels;      /* of GdkTexture: half the size of the one before */
  GCancellable *building;    /* while the worker makes the levels */
  GFunc         ready;
  gpointer      ready_data;
};

/* The rounded mean of four premultiplied ARGB pixels, two channels at a time. */
static inline guint32
mean4 (guint32 a,
       guint32 b,
       guint32 c,
       guint32 d)
{
  guint32 even = (a & 0xff00ff) + (b & 0xff00ff) + (c & 0xff00ff) + (d & 0xff00ff) + 0x20002;
  guint32 odd = ((a >> 8) & 0xff00ff) + ((b >> 8) & 0xff00ff) + ((c >> 8) & 0xff00ff)
                + ((d >> 8) & 0xff00ff) + 0x20002;

  return ((even >> 2) & 0xff00ff) | ((odd >> 2) & 0xff00ff) << 8;
}

/* Each pixel of @half is the mean of a 2 × 2 block of @pixels; at an odd
 * edge the last row or column stands in for the missing one. */
static void
halve (const guint32 *pixels,
       int            width,
       int            height,
       guint32       *half,
       int            half_width,
       int            half_height)
{
  for (int y = 0; y < half_height; y++)
    {
      const guint32 *row0 = pixels + (gsize) (2 * y) * width;
      const guint32 *row1 = pixels + (gsize) MIN (2 * y + 1, height - 1) * width;
      guint32 *out = half + (gsize) y * half_width;

      for (int x = 0; x < half_width; x++)
        {
          int x0 = 2 * x, x1 = MIN (2 * x + 1, width - 1);

          out[x] = mean4 (row0[x0], row0[x1], row1[x0], row1[x1]);
        }
    }
}

static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GdkTexture *texture = task_data;
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autoptr(GPtrArray) levels = g_ptr_array_new_with_free_func (g_object_unref);
  guint32 *downloaded = g_try_malloc ((gsize) width * height * 4);
  const guint32 *pixels = downloaded;

  if (downloaded == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                               "Not enough memory to scale a %d × %d image", width, height);
      return;
    }
  /* Premultiplied ARGB in native order, as GDK_MEMORY_DEFAULT. */
  gdk_texture_download (texture, (guchar *) downloaded, (gsize) width * 4);
  while (MAX (width, height) > QUORUM_IMAGE_PYRAMID_MIN_SIDE
         && !g_cancellable_is_cancelled (cancellable))
    {
      int half_width = (width + 1) / 2, half_height = (height + 1) / 2;
      gsize size = (gsize) half_width * half_height * 4;
      guint32 *half = g_malloc (size);
      g_autoptr(GBytes) bytes = NULL;

      halve (pixels, width, height, half, half_width, half_height);
      bytes = g_bytes_new_take (half, size);
      g_ptr_array_add (levels, gdk_memory_texture_new (half_width, half_height, GDK_MEMORY_DEFAULT,
                                                       bytes, (gsize) half_width * 4));
      /* The level's pixels live as long as its texture, which @levels holds. */
      pixels = half;
      width = half_width, height = half_height;
      g_clear_pointer (&downloaded, g_free);
    }
  g_free (downloaded);
  if (g_cancellable_is_cancelled (cancellable))
    g_task_return_error_if_cancelled (task);
  else
    g_task_return_pointer (task, g_steal_pointer (&levels), (GDestroyNotify) g_ptr_array_unref);
}

static void
build_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *levels = g_task_propagate_pointer (G_TASK (result), &error);
  QuorumImagePyramid *pyramid;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the pyramid is gone */
  pyramid = user_data;
  g_clear_object (&pyramid->building);
  if (levels == NULL)
    {
      /* The image itself is still drawn, only more slowly. */
      g_warning ("%s", error->message);
      return;
    }
  g_ptr_array_unref (pyramid->levels);
  pyramid->levels = levels;
  if (pyramid->ready != NULL)
    pyramid->ready (pyramid, pyramid->ready_data);
}

/**
 * quorum_image_pyramid_new:
 * @ready: (nullable): called on this thread once the levels are made
 *
 * Starts making the levels of @texture in a worker thread when it is more
 * than QUORUM_IMAGE_PYRAMID_MIN_SIDE pixels a side and its pixels are in
 * memory; until then, and otherwise, @texture alone is drawn.
 */
QuorumImagePyramid *
quorum_image_pyramid_new (GdkTexture *texture,
                          GFunc       ready,
                          gpointer    user_data)
{
  QuorumImagePyramid *pyramid;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);
  pyramid = g_new0 (QuorumImagePyramid, 1);
  pyramid->texture = g_object_ref (texture);
  pyramid->levels = g_ptr_array_new_with_free_func (g_object_unref);
  pyramid->ready = ready;
  pyramid->ready_data = user_data;
  /* A GL texture's pixels are read back only on its GL context's thread. */
  if (GDK_IS_MEMORY_TEXTURE (texture)
      && MAX (gdk_texture_get_width (texture), gdk_texture_get_height (texture))
         > QUORUM_IMAGE_PYRAMID_MIN_SIDE)
    {
      g_autoptr(GTask) task = NULL;

      pyramid->building = g_cancellable_new ();
      task = g_task_new (NULL, pyramid->building, build_done, pyramid);
      g_task_set_source_tag (task, quorum_image_pyramid_new);
      g_task_set_task_data (task, g_object_ref (texture), g_object_unref);
      g_task_run_in_thread (task, build_thread);
    }
  return pyramid;
}

void
quorum_image_pyramid_free (QuorumImagePyramid *pyramid)
{
  if (pyramid == NULL)
    return;
  /* A worker still running finds its task cancelled and leaves the pyramid alone. */
  if (pyramid->building != NULL)
    g_cancellable_cancel (pyramid->building);
  g_clear_object (&pyramid->building);
  g_ptr_array_unref (pyramid->levels);
  g_object_unref (pyramid->texture);
  g_free (pyramid);
}

GdkTexture *
quorum_image_pyramid_get_texture (QuorumImagePyramid *pyramid)
{
  return pyramid->texture;
}

/* The levels made so far below the texture itself: 0 while building. */
guint
quorum_image_pyramid_get_n_levels (QuorumImagePyramid *pyramid)
{
  return pyramid->levels->len;
}

gboolean
quorum_image_pyramid_is_building (QuorumImagePyramid *pyramid)
{
  return pyramid->building != NULL;
}

/**
 * quorum_image_pyramid_pick:
 * @scale: output pixels per pixel of the texture
 *
 * Returns: (transfer none): the smallest level that still has a pixel for
 *   every output pixel at @scale: the texture itself at @scale > ½
 */
GdkTexture *
quorum_image_pyramid_pick (QuorumImagePyramid *pyramid,
                           double              scale)
{
  double level_scale = 1;
  guint level = 0;

  while (level < pyramid->levels->len && scale <= level_scale / 2)
    {
      level_scale /= 2;
      level++;
    }
  return level == 0 ? pyramid->texture : g_ptr_array_index (pyramid->levels, level - 1);
}

/* Draws the image over @bounds, @scale output pixels per texture pixel. */
void
quorum_image_pyramid_snapshot (QuorumImagePyramid    *pyramid,
                               GtkSnapshot           *snapshot,
                               const graphene_rect_t *bounds,
                               double                 scale)
{
  gtk_snapshot_append_texture (snapshot, quorum_image_pyramid_pick (pyramid, scale), bounds);
}
