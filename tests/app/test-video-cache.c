/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include "quorum-frame-cache.h"

#define W 16
#define H 8
#define FRAME_BYTES ((guint64) W * H * 4)

/* A frame whose first pixel holds its number, as the decoder would hand it. */
static GdkTexture *
frame_texture (guint frame)
{
  g_autofree guchar *pixels = g_malloc0 (FRAME_BYTES);
  g_autoptr(GBytes) bytes = NULL;

  pixels[0] = frame & 0xff;
  pixels[1] = (frame >> 8) & 0xff;
  pixels[3] = 0xff;
  bytes = g_bytes_new_take (g_steal_pointer (&pixels), FRAME_BYTES);
  return gdk_memory_texture_new (W, H, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, W * 4);
}

static guint
texture_number (GdkTexture *texture)
{
  guchar pixels[FRAME_BYTES];

  gdk_texture_download (texture, pixels, W * 4);
  return pixels[0] | (pixels[1] << 8);
}

static void
insert (QuorumFrameCache *cache,
        guint             frame)
{
  g_autoptr(GdkTexture) texture = frame_texture (frame);

  quorum_frame_cache_insert (cache, frame, texture);
}

/* Whatever is inserted, the cache never holds more than its limit, and
 * what it drops first is the farthest from the current frame. */
static void
test_limit (void)
{
  g_autoptr(QuorumFrameCache) cache = quorum_frame_cache_new (10 * FRAME_BYTES);

  quorum_frame_cache_set_current (cache, 100);
  for (guint f = 80; f <= 120; f++)
    {
      insert (cache, f);
      g_assert_cmpuint (quorum_frame_cache_get_size (cache), <=, 10 * FRAME_BYTES);
    }
  g_assert_cmpuint (quorum_frame_cache_get_n_frames (cache), ==, 10);
  g_assert_cmpuint (quorum_frame_cache_get_peak (cache), ==, 10 * FRAME_BYTES);
  /* Moving forward: the current frame and the nearest ahead are kept. */
  for (guint f = 100; f < 106; f++)
    {
      GdkTexture *texture = quorum_frame_cache_lookup (cache, f);

      g_assert_nonnull (texture);
      g_assert_cmpuint (texture_number (texture), ==, f);
    }
  g_assert_null (quorum_frame_cache_lookup (cache, 80));
  g_assert_null (quorum_frame_cache_lookup (cache, 120));

  /* A smaller limit drops frames at once. */
  quorum_frame_cache_set_limit (cache, 3 * FRAME_BYTES);
  g_assert_cmpuint (quorum_frame_cache_get_size (cache), <=, 3 * FRAME_BYTES);
  g_assert_nonnull (quorum_frame_cache_lookup (cache, 100));
  g_assert_nonnull (quorum_frame_cache_lookup (cache, 101));
}

/* The frames the decoder passes on its way to a target stay: stepping back
 * from the target finds them. */
static void
test_keeps_the_way (void)
{
  g_autoptr(QuorumFrameCache) cache = quorum_frame_cache_new (64 * FRAME_BYTES);

  quorum_frame_cache_set_current (cache, 40);
  for (guint f = 32; f <= 40; f++)
    insert (cache, f);
  for (guint f = 39; f >= 32; f--)
    {
      quorum_frame_cache_set_current (cache, f);
      g_assert_nonnull (quorum_frame_cache_lookup (cache, f));
      g_assert_cmpint (quorum_frame_cache_get_direction (cache), ==, -1);
    }
}

/* What is wanted next: the current frame, then those ahead in the direction
 * of travel, never beyond the video, never one being decoded. */
static void
test_prefetch_direction (void)
{
  g_autoptr(QuorumFrameCache) cache = quorum_frame_cache_new (8 * FRAME_BYTES);
  g_autoptr(GCancellable) c1 = NULL;
  guint frame;

  quorum_frame_cache_set_current (cache, 50);
  g_assert_true (quorum_frame_cache_next_wanted (cache, 100, &frame));
  g_assert_cmpuint (frame, ==, 50);
  insert (cache, 50);
  g_assert_true (quorum_frame_cache_next_wanted (cache, 100, &frame));
  g_assert_cmpuint (frame, ==, 51);
  c1 = quorum_frame_cache_begin (cache, 51);
  g_assert_true (quorum_frame_cache_next_wanted (cache, 100, &frame));
  g_assert_cmpuint (frame, ==, 52);
  quorum_frame_cache_end (cache, 51);

  /* Backward: what is wanted is behind. */
  quorum_frame_cache_set_current (cache, 49);
  insert (cache, 49);
  g_assert_cmpint (quorum_frame_cache_get_direction (cache), ==, -1);
  g_assert_true (quorum_frame_cache_next_wanted (cache, 100, &frame));
  g_assert_cmpuint (frame, ==, 48);

  /* At the start, going backward: nothing more to want. */
  quorum_frame_cache_set_current (cache, 0);
  insert (cache, 0);
  g_assert_false (quorum_frame_cache_next_wanted (cache, 100, &frame));

  /* The prefetch stays within what the limit holds. */
  quorum_frame_cache_set_current (cache, 10);
  for (guint i = 0; i < 100; i++)
    {
      if (!quorum_frame_cache_next_wanted (cache, 100, &frame))
        break;
      g_assert_cmpuint (frame, >=, 10);
      g_assert_cmpuint (frame, <, 10 + 8);
      insert (cache, frame);
    }
  g_assert_cmpuint (quorum_frame_cache_get_size (cache), <=, 8 * FRAME_BYTES);
}

/* A jump cancels the requests that no longer lead near the new frame, and
 * only those. */
static void
test_cancellation (void)
{
  g_autoptr(QuorumFrameCache) cache = quorum_frame_cache_new (16 * FRAME_BYTES);
  g_autoptr(GCancellable) near = NULL;
  g_autoptr(GCancellable) far = NULL;

  insert (cache, 0);
  quorum_frame_cache_set_current (cache, 10);
  near = quorum_frame_cache_begin (cache, 11);
  far = quorum_frame_cache_begin (cache, 14);
  g_assert_true (quorum_frame_cache_is_pending (cache, 11));
  quorum_frame_cache_set_current (cache, 11);
  g_assert_false (g_cancellable_is_cancelled (near));
  g_assert_false (g_cancellable_is_cancelled (far));
  /* The user jumps to frame 500. */
  quorum_frame_cache_set_current (cache, 500);
  g_assert_true (g_cancellable_is_cancelled (near));
  g_assert_true (g_cancellable_is_cancelled (far));
  quorum_frame_cache_end (cache, 11);
  quorum_frame_cache_end (cache, 14);
  g_assert_false (quorum_frame_cache_is_pending (cache, 11));
  {
    g_autoptr(GCancellable) fresh = quorum_frame_cache_begin (cache, 500);

    quorum_frame_cache_set_current (cache, 501);
    g_assert_false (g_cancellable_is_cancelled (fresh));
    quorum_frame_cache_end (cache, 500);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame-cache/limit", test_limit);
  g_test_add_func ("/frame-cache/keeps-the-way", test_keeps_the_way);
  g_test_add_func ("/frame-cache/prefetch-direction", test_prefetch_direction);
  g_test_add_func ("/frame-cache/cancellation", test_cancellation);
  return g_test_run ();
}
