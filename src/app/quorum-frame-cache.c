/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include "quorum-frame-cache.h"

struct _QuorumFrameCache
{
  guint64     limit;
  guint64     size;
  guint64     peak;
  guint64     frame_bytes;   /* of the last frame kept: how many fit */
  GHashTable *frames;        /* frame → GdkTexture */
  GHashTable *pending;       /* frame → GCancellable */
  guint       current;
  int         direction;
};

static guint64
texture_bytes (GdkTexture *texture)
{
  return (guint64) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
}

QuorumFrameCache *
quorum_frame_cache_new (guint64 limit)
{
  QuorumFrameCache *cache = g_new0 (QuorumFrameCache, 1);

  cache->limit = limit;
  cache->direction = 1;
  cache->frames = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  cache->pending = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  return cache;
}

void
quorum_frame_cache_free (QuorumFrameCache *cache)
{
  GHashTableIter iter;
  gpointer value;

  if (cache == NULL)
    return;
  g_hash_table_iter_init (&iter, cache->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (value);
  g_hash_table_unref (cache->pending);
  g_hash_table_unref (cache->frames);
  g_free (cache);
}

/* How far @frame is from the current one, as a cost of keeping it: frames
 * behind the direction of travel count double. */
static guint64
distance (QuorumFrameCache *cache,
          guint             frame)
{
  gint64 d = ((gint64) frame - (gint64) cache->current) * cache->direction;

  return d >= 0 ? (guint64) d : (guint64) (-d) * 2;
}

/* How many frames the limit holds, the current one included. */
static guint
capacity (QuorumFrameCache *cache)
{
  if (cache->frame_bytes == 0)
    return 1;
  return MAX (1, cache->limit / cache->frame_bytes);
}

/* The frames wanted: @ahead in the direction of travel, @behind the other
 * way. */
static void
window (QuorumFrameCache *cache,
        guint            *ahead,
        guint            *behind)
{
  guint n = capacity (cache);

  *ahead = n > 1 ? MAX (1, (n - 1) * 2 / 3) : 0;
  *behind = n - 1 - *ahead;
}

static gboolean
in_window (QuorumFrameCache *cache,
           guint             frame)
{
  gint64 d = ((gint64) frame - (gint64) cache->current) * cache->direction;
  guint ahead, behind;

  window (cache, &ahead, &behind);
  return d >= -(gint64) behind - 1 && d <= (gint64) ahead + 1;
}

static gboolean
farthest (QuorumFrameCache *cache,
          guint            *frame)
{
  GHashTableIter iter;
  gpointer key;
  guint64 best = 0;
  gboolean found = FALSE;

  g_hash_table_iter_init (&iter, cache->frames);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint f = GPOINTER_TO_UINT (key);
      guint64 d = distance (cache, f);

      if (f != cache->current && (!found || d > best))
        best = d, *frame = f, found = TRUE;
    }
  return found;
}

static void
drop (QuorumFrameCache *cache,
      guint             frame)
{
  GdkTexture *texture = g_hash_table_lookup (cache->frames, GUINT_TO_POINTER (frame));

  if (texture == NULL)
    return;
  cache->size -= texture_bytes (texture);
  g_hash_table_remove (cache->frames, GUINT_TO_POINTER (frame));
}

static void
trim (QuorumFrameCache *cache,
      guint64           room)
{
  guint frame;

  while (cache->size + room > cache->limit && farthest (cache, &frame))
    drop (cache, frame);
}

void
quorum_frame_cache_set_limit (QuorumFrameCache *cache,
                              guint64           limit)
{
  cache->limit = limit;
  trim (cache, 0);
}

guint64
quorum_frame_cache_get_limit (QuorumFrameCache *cache)
{
  return cache->limit;
}

guint64
quorum_frame_cache_get_size (QuorumFrameCache *cache)
{
  return cache->size;
}

guint64
quorum_frame_cache_get_peak (QuorumFrameCache *cache)
{
  return cache->peak;
}

guint
quorum_frame_cache_get_n_frames (QuorumFrameCache *cache)
{
  return g_hash_table_size (cache->frames);
}

void
quorum_frame_cache_set_current (QuorumFrameCache *cache,
                                guint             frame)
{
  GHashTableIter iter;
  gpointer key, value;

  if (frame > cache->current)
    cache->direction = 1;
  else if (frame < cache->current)
    cache->direction = -1;
  cache->current = frame;
  g_hash_table_iter_init (&iter, cache->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!in_window (cache, GPOINTER_TO_UINT (key)))
      g_cancellable_cancel (value);
  trim (cache, 0);
}

guint
quorum_frame_cache_get_current (QuorumFrameCache *cache)
{
  return cache->current;
}

int
quorum_frame_cache_get_direction (QuorumFrameCache *cache)
{
  return cache->direction;
}

gboolean
quorum_frame_cache_insert (QuorumFrameCache *cache,
                           guint             frame,
                           GdkTexture       *texture)
{
  guint64 bytes;
  guint far;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), FALSE);
  bytes = texture_bytes (texture);
  cache->frame_bytes = bytes;
  drop (cache, frame);
  /* Room is made from frames farther than this one, never from nearer ones;
   * the current frame is kept even past the limit. */
  while (cache->size + bytes > cache->limit && frame != cache->current)
    {
      if (!farthest (cache, &far) || distance (cache, far) <= distance (cache, frame))
        return FALSE;
      drop (cache, far);
    }
  if (frame == cache->current)
    trim (cache, bytes);
  g_hash_table_insert (cache->frames, GUINT_TO_POINTER (frame), g_object_ref (texture));
  cache->size += bytes;
  cache->peak = MAX (cache->peak, cache->size);
  return TRUE;
}

GdkTexture *
quorum_frame_cache_lookup (QuorumFrameCache *cache,
                           guint             frame)
{
  return g_hash_table_lookup (cache->frames, GUINT_TO_POINTER (frame));
}

static gboolean
wanted (QuorumFrameCache *cache,
        guint             frame)
{
  return !g_hash_table_contains (cache->frames, GUINT_TO_POINTER (frame)) &&
         !g_hash_table_contains (cache->pending, GUINT_TO_POINTER (frame));
}

gboolean
quorum_frame_cache_next_wanted (QuorumFrameCache *cache,
                                guint             n_frames,
                                guint            *frame)
{
  guint ahead, behind;

  if (cache->current >= n_frames)
    return FALSE;
  if (wanted (cache, cache->current))
    {
      *frame = cache->current;
      return TRUE;
    }
  window (cache, &ahead, &behind);
  for (guint i = 1; i <= ahead; i++)
    {
      gint64 f = (gint64) cache->current + (gint64) i * cache->direction;

      if (f < 0 || f >= n_frames)
        break;
      if (wanted (cache, f))
        {
          *frame = f;
          return TRUE;
        }
    }
  return FALSE;
}

GCancellable *
quorum_frame_cache_begin (QuorumFrameCache *cache,
                          guint             frame)
{
  GCancellable *cancellable = g_cancellable_new ();

  g_hash_table_replace (cache->pending, GUINT_TO_POINTER (frame), g_object_ref (cancellable));
  return cancellable;
}

void
quorum_frame_cache_end (QuorumFrameCache *cache,
                        guint             frame)
{
  g_hash_table_remove (cache->pending, GUINT_TO_POINTER (frame));
}

gboolean
quorum_frame_cache_is_pending (QuorumFrameCache *cache,
                               guint             frame)
{
  return g_hash_table_contains (cache->pending, GUINT_TO_POINTER (frame));
}
