/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>
#include <string.h>

#include "quorum-tiled-image.h"

/* Tiles are textures of this many pixels a side, cut from a level without
 * copying it. Level 0 is the decoded image; each next level halves the one
 * before (2 × 2 pixels averaged), down to the first that fits in
 * OVERVIEW_SIZE a side, the overview, drawn as one texture. A frame draws
 * the smallest level that still has a pixel for every device pixel: a
 * fitted 50-megapixel photograph costs a 2-megapixel texture, not the
 * whole image, and 1:1 stays sharp from level 0. GTK 4.8's cairo renderer
 * (GSK_RENDERER=cairo) converts every texture it draws, whole, each frame:
 * the tiles are small enough that what a frame converts stays near the
 * screen's own size. */
#define TILE_SIZE     1024
#define OVERVIEW_SIZE 2048

typedef struct {
  int         width;
  int         height;
  gsize       stride;
  GBytes     *pixels;
  GHashTable *tiles;      /* tile index → GdkTexture, those last drawn */
} Level;

struct _QuorumTiledImage
{
  GObject     parent_instance;

  GdkPixbuf  *pixbuf;
  int         channels;
  GArray     *levels;     /* of Level, 0: full resolution; the last: the overview */
  GdkTexture *overview;
  int         drawn_level;
};

G_DEFINE_FINAL_TYPE (QuorumTiledImage, quorum_tiled_image, G_TYPE_OBJECT)

static void
level_clear (Level *level)
{
  g_clear_pointer (&level->pixels, g_bytes_unref);
  g_clear_pointer (&level->tiles, g_hash_table_unref);
}

static void
quorum_tiled_image_finalize (GObject *object)
{
  QuorumTiledImage *self = QUORUM_TILED_IMAGE (object);

  g_clear_pointer (&self->levels, g_array_unref);
  g_clear_object (&self->overview);
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
  self->levels = g_array_new (FALSE, TRUE, sizeof (Level));
  g_array_set_clear_func (self->levels, (GDestroyNotify) level_clear);
  self->drawn_level = -1;
}

gboolean
quorum_tiled_image_needed (int width,
                           int height)
{
  return width > OVERVIEW_SIZE || height > OVERVIEW_SIZE;
}

/* @from halved: each pixel the mean of 2 × 2 (an odd last row or column
 * is left out). */
static Level
halve (const Level *from,
       int          channels)
{
  Level level = { MAX (1, from->width / 2), MAX (1, from->height / 2) };
  const guint8 *source = g_bytes_get_data (from->pixels, NULL);
  guint8 *pixels;
  gsize stride;

  level.stride = stride = (gsize) level.width * channels;
  pixels = g_malloc (stride * level.height);
  for (int y = 0; y < level.height; y++)
    {
      const guint8 *row0 = source + (gsize) MIN (2 * y, from->height - 1) * from->stride;
      const guint8 *row1 = source + (gsize) MIN (2 * y + 1, from->height - 1) * from->stride;
      guint8 *out = pixels + (gsize) y * stride;

      for (int x = 0; x < level.width; x++)
        {
          int x0 = MIN (2 * x, from->width - 1) * channels;
          int x1 = MIN (2 * x + 1, from->width - 1) * channels;

          for (int c = 0; c < channels; c++)
            out[x * channels + c] = (row0[x0 + c] + row0[x1 + c] + row1[x0 + c] + row1[x1 + c] + 2) / 4;
        }
    }
  level.pixels = g_bytes_new_take (pixels, stride * level.height);
  return level;
}

static GdkMemoryFormat
memory_format (int channels)
{
  return channels == 4 ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8;
}

QuorumTiledImage *
quorum_tiled_image_new (GdkPixbuf *pixbuf)
{
  QuorumTiledImage *self;
  Level level;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, NULL);
  self = g_object_new (QUORUM_TYPE_TILED_IMAGE, NULL);
  self->pixbuf = g_object_ref (pixbuf);
  self->channels = gdk_pixbuf_get_n_channels (pixbuf);
  level = (Level) { gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
                    gdk_pixbuf_get_rowstride (pixbuf), gdk_pixbuf_read_pixel_bytes (pixbuf) };
  for (;;)
    {
      level.tiles = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
      g_array_append_val (self->levels, level);
      if (level.width <= OVERVIEW_SIZE && level.height <= OVERVIEW_SIZE)
        break;
      level = halve (&g_array_index (self->levels, Level, self->levels->len - 1), self->channels);
    }
  self->overview = gdk_memory_texture_new (level.width, level.height, memory_format (self->channels),
                                           level.pixels, level.stride);
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
quorum_tiled_image_get_n_levels (QuorumTiledImage *self)
{
  g_return_val_if_fail (QUORUM_IS_TILED_IMAGE (self), 0);
  return self->levels->len;
}

int
quorum_tiled_image_get_drawn_level (QuorumTiledImage *self)
{
  g_return_val_if_fail (QUORUM_IS_TILED_IMAGE (self), -1);
  return self->drawn_level;
}

guint
quorum_tiled_image_get_n_tiles (QuorumTiledImage *self)
{
  guint n = 0;

  g_return_val_if_fail (QUORUM_IS_TILED_IMAGE (self), 0);
  for (guint i = 0; i < self->levels->len; i++)
    n += g_hash_table_size (g_array_index (self->levels, Level, i).tiles);
  return n;
}

/* A texture over the tile's rows of the level's pixels, sharing them. */
static GdkTexture *
make_tile (QuorumTiledImage *self,
           Level            *level,
           int               column,
           int               row)
{
  int x = column * TILE_SIZE, y = row * TILE_SIZE;
  int tile_width = MIN (TILE_SIZE, level->width - x);
  int tile_height = MIN (TILE_SIZE, level->height - y);
  gsize offset = y * level->stride + (gsize) x * self->channels;
  gsize length = (tile_height - 1) * level->stride + (gsize) tile_width * self->channels;
  g_autoptr(GBytes) bytes = g_bytes_new_from_bytes (level->pixels, offset, length);

  return gdk_memory_texture_new (tile_width, tile_height, memory_format (self->channels), bytes, level->stride);
}

void
quorum_tiled_image_snapshot (QuorumTiledImage      *self,
                             GtkSnapshot           *snapshot,
                             const graphene_rect_t *visible,
                             double                 scale)
{
  int width, height, first_column, last_column, first_row, last_row;
  guint chosen = 0;
  g_autoptr(GHashTable) kept = NULL;
  Level *level;
  double x_factor, y_factor;

  g_return_if_fail (QUORUM_IS_TILED_IMAGE (self));
  width = gdk_pixbuf_get_width (self->pixbuf);
  height = gdk_pixbuf_get_height (self->pixbuf);
  /* The smallest level with a pixel for every device pixel. */
  while (chosen + 1 < self->levels->len &&
         (double) g_array_index (self->levels, Level, chosen + 1).width / width >= scale)
    chosen++;
  self->drawn_level = chosen;
  for (guint i = 0; i < self->levels->len; i++)
    if (i != chosen)
      g_hash_table_remove_all (g_array_index (self->levels, Level, i).tiles);
  if (chosen == self->levels->len - 1)
    {
      gtk_snapshot_append_texture (snapshot, self->overview,
                                   &GRAPHENE_RECT_INIT (0, 0, width * scale, height * scale));
      return;
    }

  /* The level's tiles in view, stretched over the image's extent (a level
   * may have lost an odd last row or column). */
  level = &g_array_index (self->levels, Level, chosen);
  x_factor = (double) width / level->width;
  y_factor = (double) height / level->height;
  first_column = CLAMP ((int) floor (visible->origin.x / x_factor / TILE_SIZE), 0, (level->width - 1) / TILE_SIZE);
  last_column = CLAMP ((int) floor ((visible->origin.x + visible->size.width) / x_factor / TILE_SIZE), 0,
                       (level->width - 1) / TILE_SIZE);
  first_row = CLAMP ((int) floor (visible->origin.y / y_factor / TILE_SIZE), 0, (level->height - 1) / TILE_SIZE);
  last_row = CLAMP ((int) floor ((visible->origin.y + visible->size.height) / y_factor / TILE_SIZE), 0,
                    (level->height - 1) / TILE_SIZE);
  kept = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  for (int row = first_row; row <= last_row; row++)
    for (int column = first_column; column <= last_column; column++)
      {
        gpointer key = GINT_TO_POINTER (row * 65536 + column + 1);
        GdkTexture *tile = g_hash_table_lookup (level->tiles, key);

        tile = tile != NULL ? g_object_ref (tile) : make_tile (self, level, column, row);
        g_hash_table_insert (kept, key, tile);
        gtk_snapshot_append_texture (snapshot, tile,
                                     &GRAPHENE_RECT_INIT (column * TILE_SIZE * x_factor * scale,
                                                          row * TILE_SIZE * y_factor * scale,
                                                          gdk_texture_get_width (tile) * x_factor * scale,
                                                          gdk_texture_get_height (tile) * y_factor * scale));
      }
  g_hash_table_unref (level->tiles);
  level->tiles = g_steal_pointer (&kept);
}
