/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include "quorum-tiled-image.h"

/* Tiles are textures of this many pixels a side, cut from the decoded
 * image without copying it; the overview fits in this many a side. */
#define TILE_SIZE     2048
#define OVERVIEW_SIZE 4096

struct _QuorumTiledImage
{
  GObject     parent_instance;

  GdkPixbuf  *pixbuf;
  GBytes     *pixels;
  GdkTexture *overview;
  double      overview_scale;   /* overview pixels per image pixel */
  GHashTable *tiles;            /* tile index → GdkTexture */
};

G_DEFINE_FINAL_TYPE (QuorumTiledImage, quorum_tiled_image, G_TYPE_OBJECT)

static void
quorum_tiled_image_finalize (GObject *object)
{
  QuorumTiledImage *self = QUORUM_TILED_IMAGE (object);

  g_clear_pointer (&self->tiles, g_hash_table_unref);
  g_clear_object (&self->overview);
  g_clear_pointer (&self->pixels, g_bytes_unref);
  g_clear_object (&self->pixbuf);
  G_OBJECT_CLASS (quorum_tiled_image_parent_class)->finalize (object);
}

static void
quorum_tiled_image_class_init (QuorumTiledImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quorum_tiled_image_finalize;
}

static void
quorum_tiled_image_init (QuorumTiledImage *self)
{
  self->tiles = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

gboolean
quorum_tiled_image_needed (int width,
                           int height)
{
  return width > QUORUM_TILED_IMAGE_MAX_SIDE || height > QUORUM_TILED_IMAGE_MAX_SIDE ||
         (gint64) width * height >= QUORUM_TILED_IMAGE_MAX_PIXELS;
}

QuorumTiledImage *
quorum_tiled_image_new (GdkPixbuf *pixbuf)
{
  QuorumTiledImage *self;
  int width, height;
  double scale;
  g_autoptr(GdkPixbuf) small = NULL;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  self = g_object_new (QUORUM_TYPE_TILED_IMAGE, NULL);
  self->pixbuf = g_object_ref (pixbuf);
  self->pixels = gdk_pixbuf_read_pixel_bytes (pixbuf);
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  scale = MIN (1.0, (double) OVERVIEW_SIZE / MAX (width, height));
  small = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) round (width * scale)),
                                   MAX (1, (int) round (height * scale)), GDK_INTERP_BILINEAR);
  self->overview_scale = (double) gdk_pixbuf_get_width (small) / width;
  self->overview = gdk_texture_new_for_pixbuf (small);
  return self;
}

int
quorum_tiled_image_get_width (QuorumTiledImage *self)
{
  g_return_val_if_fail (QUORUM_IS_TILED_IMAGE (self), 0);
  return gdk_pixbuf_get_width (self->pixbuf);
}

int
quorum_tiled_image_get_height (QuorumTiledImage *self)
{
  g_return_val_if_fail (QUORUM_IS_TILED_IMAGE (self), 0);
  return gdk_pixbuf_get_height (self->pixbuf);
}

GdkTexture *
quorum_tiled_image_get_overview (QuorumTiledImage *self)
{
  g_return_val_if_fail (QUORUM_IS_TILED_IMAGE (self), NULL);
  return self->overview;
}

guint
quorum_tiled_image_get_n_tiles (QuorumTiledImage *self)
{
  g_return_val_if_fail (QUORUM_IS_TILED_IMAGE (self), 0);
  return g_hash_table_size (self->tiles);
}

/* A texture over the tile's rows of the decoded pixels, sharing them. */
static GdkTexture *
make_tile (QuorumTiledImage *self,
           int               column,
           int               row)
{
  int width = gdk_pixbuf_get_width (self->pixbuf);
  int height = gdk_pixbuf_get_height (self->pixbuf);
  int channels = gdk_pixbuf_get_n_channels (self->pixbuf);
  gsize stride = gdk_pixbuf_get_rowstride (self->pixbuf);
  int x = column * TILE_SIZE, y = row * TILE_SIZE;
  int tile_width = MIN (TILE_SIZE, width - x);
  int tile_height = MIN (TILE_SIZE, height - y);
  gsize offset = y * stride + (gsize) x * channels;
  gsize length = (tile_height - 1) * stride + (gsize) tile_width * channels;
  g_autoptr(GBytes) bytes = g_bytes_new_from_bytes (self->pixels, offset, length);

  return gdk_memory_texture_new (tile_width, tile_height,
                                 channels == 4 ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                 bytes, stride);
}

void
quorum_tiled_image_snapshot (QuorumTiledImage      *self,
                             GtkSnapshot           *snapshot,
                             const graphene_rect_t *visible,
                             double                 scale)
{
  int width, height, first_column, last_column, first_row, last_row;
  g_autoptr(GHashTable) kept = NULL;

  g_return_if_fail (QUORUM_IS_TILED_IMAGE (self));
  width = gdk_pixbuf_get_width (self->pixbuf);
  height = gdk_pixbuf_get_height (self->pixbuf);
  if (scale <= self->overview_scale)
    {
      /* The overview has a pixel for every screen pixel: no tile needed. */
      gtk_snapshot_append_texture (snapshot, self->overview,
                                   &GRAPHENE_RECT_INIT (0, 0, width * scale, height * scale));
      g_hash_table_remove_all (self->tiles);
      return;
    }
  first_column = CLAMP ((int) floor (visible->origin.x / TILE_SIZE), 0, (width - 1) / TILE_SIZE);
  last_column = CLAMP ((int) floor ((visible->origin.x + visible->size.width) / TILE_SIZE), 0, (width - 1) / TILE_SIZE);
  first_row = CLAMP ((int) floor (visible->origin.y / TILE_SIZE), 0, (height - 1) / TILE_SIZE);
  last_row = CLAMP ((int) floor ((visible->origin.y + visible->size.height) / TILE_SIZE), 0, (height - 1) / TILE_SIZE);
  kept = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  for (int row = first_row; row <= last_row; row++)
    for (int column = first_column; column <= last_column; column++)
      {
        gpointer key = GINT_TO_POINTER (row * 65536 + column + 1);
        GdkTexture *tile = g_hash_table_lookup (self->tiles, key);

        tile = tile != NULL ? g_object_ref (tile) : make_tile (self, column, row);
        g_hash_table_insert (kept, key, tile);
        /* Whole device pixels at tile edges, so that no seam shows. */
        gtk_snapshot_append_texture (snapshot, tile,
                                     &GRAPHENE_RECT_INIT (column * TILE_SIZE * scale, row * TILE_SIZE * scale,
                                                          gdk_texture_get_width (tile) * scale,
                                                          gdk_texture_get_height (tile) * scale));
      }
  g_hash_table_unref (self->tiles);
  self->tiles = g_steal_pointer (&kept);
}
