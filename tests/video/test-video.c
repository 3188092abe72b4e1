/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <string.h>
#include <gst/gst.h>

#include "quorum-error.h"
#include "quorum-video.h"
#include "video-clip.h"

/*
 * Real clips made here with GStreamer, prepared by the library, decoded by
 * the library: every frame the decoder hands out is read back from its
 * pixels and must show its own number.
 */

#define N_FRAMES 300

typedef struct
{
  char             *dir;
  char             *original;
  char             *proxy;
  char             *index_path;
  gint64            pts[N_FRAMES];
  QuorumVideoIndex *index;
  int               width;
  int               height;
} Clip;

static Clip *clips[3];

typedef struct
{
  int     width;
  int     height;
  GArray *frames;
  gint    shown;
} Seen;

static void
on_frame (guint    frame,
          GBytes  *pixels,
          int      stride,
          gpointer user_data)
{
  Seen *seen = user_data;

  g_assert_cmpuint (g_bytes_get_size (pixels), >=, (gsize) stride * seen->height);
  g_assert_cmpint (stride, >=, 4 * seen->width);
  seen->shown = clip_read_number (g_bytes_get_data (pixels, NULL), seen->width, seen->height,
                                  stride);
  g_array_append_val (seen->frames, frame);
}

static void
progress_seen (double   fraction,
               gpointer user_data)
{
  double *last = user_data;

  g_assert_cmpfloat (fraction, >=, *last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  *last = fraction;
}

static Clip *
clip_get (ClipKind kind)
{
  static const char *names[] = { "h264.mp4", "vp9.webm", "vfr.mkv" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autofree char *text = NULL;
  gsize length;
  double last = 0;
  Clip *clip;

  if (clips[kind] != NULL)
    return clips[kind];
  clip = g_new0 (Clip, 1);
  clip->dir = g_dir_make_tmp ("quorum-video-XXXXXX", &error);
  g_assert_no_error (error);
  clip->original = g_build_filename (clip->dir, names[kind], NULL);
  clip->proxy = g_build_filename (clip->dir, "proxy.webm", NULL);
  clip->index_path = g_build_filename (clip->dir, "frames.json", NULL);
  /* The H.264 clip is the 1080p; the others are smaller for time. */
  clip->width = kind == CLIP_H264_MP4 ? 1920 : 640;
  clip->height = kind == CLIP_H264_MP4 ? 1080 : 360;
  g_assert_true (clip_make (kind, clip->original, clip->width, clip->height, 30, N_FRAMES,
                            clip->pts, &error));
  g_assert_no_error (error);

  g_assert_true (quorum_video_prepare (clip->original, clip->proxy, clip->index_path,
                                       progress_seen, &last, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (last, ==, 1.0);
  g_assert_true (g_file_get_contents (clip->index_path, &text, &length, &error));
  json = g_bytes_new_take (g_steal_pointer (&text), length);
  clip->index = quorum_video_index_new_from_bytes (json, &error);
  g_assert_no_error (error);
  return clips[kind] = clip;
}

static void
check_index (Clip    *clip,
             gboolean variable)
{
  int width, height, fps_n, fps_d;
  guint last_key = 0;

  g_assert_cmpuint (quorum_video_index_get_n_frames (clip->index), ==, N_FRAMES);
  quorum_video_index_get_size (clip->index, &width, &height);
  g_assert_cmpint (width, ==, clip->width);
  g_assert_cmpint (height, ==, clip->height);
  quorum_video_index_get_rate (clip->index, &fps_n, &fps_d);
  if (!variable)
    g_assert_cmpfloat_with_epsilon ((double) fps_n / fps_d, 30.0, 1e-9);
  else
    /* 3 frames every 93 ms: 32.26 frames a second on average. */
    g_assert_cmpfloat_with_epsilon ((double) fps_n / fps_d, 3000.0 / 93, 0.01);

  for (guint i = 0; i < N_FRAMES; i++)
    {
      gint64 pts = quorum_video_index_get_pts (clip->index, i);
      /* WebM keeps milliseconds: the source's time, rounded; from the first
       * frame's, which a container may shift (B-frames' delay in MP4). */
      g_assert_cmpint (ABS ((pts - quorum_video_index_get_pts (clip->index, 0)) - clip->pts[i]), <,
                       GST_MSECOND);
      g_assert_cmpuint (quorum_video_index_frame_at_time (clip->index, pts), ==, i);
      g_assert_cmpint (quorum_video_index_lookup_pts (clip->index, pts), ==, i);
      if (i + 1 < N_FRAMES)
        g_assert_cmpuint (quorum_video_index_frame_at_time (clip->index, pts + 1), ==, i);
      if (quorum_video_index_is_keyframe (clip->index, i))
        last_key = i;
      g_assert_cmpuint (quorum_video_index_get_keyframe_before (clip->index, i), ==, last_key);
      /* The short GOP: decoding any frame costs at most 8 frames. */
      g_assert_cmpuint (i - last_key, <, 8);
    }
  g_assert_true (quorum_video_index_is_keyframe (clip->index, 0));
}

static void
decode_and_check (QuorumVideoDecoder *decoder,
                  Clip               *clip,
                  guint               frame)
{
  g_autoptr(GError) error = NULL;
  Seen seen = { clip->width, clip->height, g_array_new (FALSE, FALSE, sizeof (guint)), -1 };

  g_assert_true (quorum_video_decoder_decode (decoder, frame, on_frame, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seen.shown, ==, frame);
  g_assert_cmpuint (seen.frames->len, >=, 1);
  g_assert_cmpuint (g_array_index (seen.frames, guint, seen.frames->len - 1), ==, frame);
  /* The frames on the way are consecutive and end at the target. */
  for (guint i = 1; i < seen.frames->len; i++)
    g_assert_cmpuint (g_array_index (seen.frames, guint, i), ==,
                      g_array_index (seen.frames, guint, i - 1) + 1);
  g_array_unref (seen.frames);
}

static void
check_decoding (Clip *clip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumVideoDecoder) decoder = quorum_video_decoder_new (clip->proxy, clip->index,
                                                                    &error);
  guint seeks;

  g_assert_no_error (error);
  /* Start, middle, end. */
  decode_and_check (decoder, clip, 0);
  decode_and_check (decoder, clip, N_FRAMES / 2);
  decode_and_check (decoder, clip, N_FRAMES - 1);
  /* The same frame again, then ±10. */
  decode_and_check (decoder, clip, N_FRAMES - 1);
  decode_and_check (decoder, clip, N_FRAMES - 11);
  decode_and_check (decoder, clip, N_FRAMES - 21);
  decode_and_check (decoder, clip, N_FRAMES - 11);
  decode_and_check (decoder, clip, N_FRAMES - 1);

  /* Steps forward never seek. */
  decode_and_check (decoder, clip, 37);
  seeks = quorum_video_decoder_get_n_seeks (decoder);
  for (guint i = 38; i < 90; i++)
    decode_and_check (decoder, clip, i);
  g_assert_cmpuint (quorum_video_decoder_get_n_seeks (decoder), ==, seeks);
  /* Steps backward, each its own seek. */
  for (guint i = 89; i > 80; i--)
    decode_and_check (decoder, clip, i);

  /* Random jumps. */
  for (guint i = 0; i < 40; i++)
    decode_and_check (decoder, clip, g_test_rand_int_range (0, N_FRAMES));

  /* A decoder just made whose first frame is a seek: it waits for its
   * pipeline to be linked instead of failing to seek. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(QuorumVideoDecoder) fresh = quorum_video_decoder_new (clip->proxy, clip->index,
                                                                      &error);
      g_assert_no_error (error);
      decode_and_check (fresh, clip, N_FRAMES / 2 + i * 20);
    }

  g_assert_false (quorum_video_decoder_decode (decoder, N_FRAMES, NULL, NULL, NULL, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  /* An error leaves it usable. */
  decode_and_check (decoder, clip, 5);
}

static void
test_vp9 (void)
{
  Clip *clip;

  if (!clip_can_make (CLIP_VP9_WEBM))
    {
      g_test_skip ("GStreamer has no vp9enc or webmmux here");
      return;
    }
  clip = clip_get (CLIP_VP9_WEBM);
  check_index (clip, FALSE);
  check_decoding (clip);
}

static void
test_h264 (void)
{
  Clip *clip;

  g_autoptr(GstElementFactory) decoder = gst_element_factory_find ("avdec_h264");

  if (!clip_can_make (CLIP_H264_MP4) || decoder == NULL)
    {
      g_test_skip ("GStreamer has no x264enc or avdec_h264 here (gstreamer1.0-plugins-ugly, "
                   "gstreamer1.0-libav)");
      return;
    }
  clip = clip_get (CLIP_H264_MP4);
  check_index (clip, FALSE);
  check_decoding (clip);
}

static void
test_variable_rate (void)
{
  Clip *clip;
  gint64 t;

  if (!clip_can_make (CLIP_VFR_MKV))
    {
      g_test_skip ("GStreamer has no vp8enc or matroskamux here");
      return;
    }
  clip = clip_get (CLIP_VFR_MKV);
  check_index (clip, TRUE);
  /* Frame 100 is at 33 × 93 + 20 ms, not at 100 × a nominal duration. */
  g_assert_cmpint (quorum_video_index_get_pts (clip->index, 100), ==, (33 * 93 + 20) * GST_MSECOND);
  t = quorum_video_index_get_pts (clip->index, 100) + 30 * GST_MSECOND;
  g_assert_cmpuint (quorum_video_index_frame_at_time (clip->index, t), ==, 100);
  check_decoding (clip);
}

static void
test_not_a_video (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("quorum-video-XXXXXX", &error);
  g_autofree char *bad = g_build_filename (dir, "bad.mp4", NULL);
  g_autofree char *proxy = g_build_filename (dir, "proxy.webm", NULL);
  g_autofree char *index = g_build_filename (dir, "frames.json", NULL);
  g_autofree char *part = g_strconcat (proxy, ".part", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  guint8 noise[4096];

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_rand_int_range (rand, 0, 256);
  memcpy (noise + 4, "ftypisom", 8);
  g_assert_true (g_file_set_contents (bad, (char *) noise, sizeof noise, &error));

  g_assert_false (quorum_video_check_decodable (bad, NULL, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (quorum_video_prepare (bad, proxy, index, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (g_file_test (proxy, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (index, G_FILE_TEST_EXISTS));
  g_unlink (bad);
  g_rmdir (dir);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("quorum-video-XXXXXX", &error);
  g_autofree char *proxy = g_build_filename (dir, "proxy.webm", NULL);
  g_autofree char *index = g_build_filename (dir, "frames.json", NULL);
  Clip *clip;

  if (!clip_can_make (CLIP_VP9_WEBM))
    {
      g_test_skip ("GStreamer has no vp9enc or webmmux here");
      return;
    }
  clip = clip_get (CLIP_VP9_WEBM);
  g_assert_true (quorum_video_check_decodable (clip->original, NULL, &error));
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_false (quorum_video_prepare (clip->original, proxy, index, NULL, NULL, cancellable,
                                        &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (proxy, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (index, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

static void
test_index_json (void)
{
  static const char *bad[] = {
    "[]",
    "{\"version\":1}",
    "{\"version\":2,\"codec\":\"vp9\",\"width\":2,\"height\":2,\"fps_n\":30,\"fps_d\":1,"
    "\"pts\":[0],\"keyframes\":[0]}",
    /* No frame. */
    "{\"version\":1,\"codec\":\"vp9\",\"width\":2,\"height\":2,\"fps_n\":30,\"fps_d\":1,"
    "\"pts\":[],\"keyframes\":[]}",
    /* The first frame is no keyframe. */
    "{\"version\":1,\"codec\":\"vp9\",\"width\":2,\"height\":2,\"fps_n\":30,\"fps_d\":1,"
    "\"pts\":[0,10],\"keyframes\":[1]}",
    /* Times going back. */
    "{\"version\":1,\"codec\":\"vp9\",\"width\":2,\"height\":2,\"fps_n\":30,\"fps_d\":1,"
    "\"pts\":[0,10,10],\"keyframes\":[0]}",
    /* A keyframe past the end. */
    "{\"version\":1,\"codec\":\"vp9\",\"width\":2,\"height\":2,\"fps_n\":30,\"fps_d\":1,"
    "\"pts\":[0,10],\"keyframes\":[0,2]}",
    "{\"version\":1,\"codec\":\"vp9\",\"width\":0,\"height\":2,\"fps_n\":30,\"fps_d\":1,"
    "\"pts\":[0],\"keyframes\":[0]}",
    "{\"version\":1,\"codec\":\"vp9\",\"width\":2,\"height\":2,\"fps_n\":30,\"fps_d\":1,"
    "\"pts\":[0,\"1\"],\"keyframes\":[0]}",
  };
  const char *good = "{\"version\":1,\"codec\":\"vp9\",\"width\":4,\"height\":2,\"fps_n\":0,"
                     "\"fps_d\":1,\"pts\":[100000000,150000000,300000000,310000000],\"keyframes\":[0,2]}";
  g_autoptr(GBytes) json = g_bytes_new_static (good, strlen (good));
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumVideoIndex) index = quorum_video_index_new_from_bytes (json, &error);
  g_autoptr(QuorumVideoIndex) again = NULL;
  g_autoptr(GBytes) written = NULL;
  int fps_n, fps_d;

  g_assert_no_error (error);
  g_assert_cmpuint (quorum_video_index_get_n_frames (index), ==, 4);
  g_assert_cmpuint (quorum_video_index_frame_at_time (index, 0), ==, 0);
  g_assert_cmpuint (quorum_video_index_frame_at_time (index, 149999999), ==, 0);
  g_assert_cmpuint (quorum_video_index_frame_at_time (index, 150000000), ==, 1);
  g_assert_cmpuint (quorum_video_index_frame_at_time (index, 309999999), ==, 2);
  g_assert_cmpuint (quorum_video_index_frame_at_time (index, G_MAXINT64), ==, 3);
  g_assert_cmpint (quorum_video_index_lookup_pts (index, 300000000), ==, 2);
  g_assert_cmpint (quorum_video_index_lookup_pts (index, 300000001), ==, -1);
  g_assert_cmpuint (quorum_video_index_get_keyframe_before (index, 1), ==, 0);
  g_assert_cmpuint (quorum_video_index_get_keyframe_before (index, 2), ==, 2);
  g_assert_cmpuint (quorum_video_index_get_keyframe_before (index, 3), ==, 2);
  g_assert_false (quorum_video_index_is_keyframe (index, 3));
  /* No nominal rate: the mean one, 3 frames over 210 ms. */
  quorum_video_index_get_rate (index, &fps_n, &fps_d);
  g_assert_cmpfloat_with_epsilon ((double) fps_n / fps_d, 3000.0 / 210, 0.001);

  written = quorum_video_index_to_bytes (index);
  again = quorum_video_index_new_from_bytes (written, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (quorum_video_index_get_pts (again, i), ==,
                       quorum_video_index_get_pts (index, i));
      g_assert_cmpint (quorum_video_index_is_keyframe (again, i), ==,
                       quorum_video_index_is_keyframe (index, i));
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) input = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_assert_null (quorum_video_index_new_from_bytes (input, &error));
      g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
      g_clear_error (&error);
    }
}

static void
clip_free (Clip *clip)
{
  if (clip == NULL)
    return;
  g_unlink (clip->original);
  g_unlink (clip->proxy);
  g_unlink (clip->index_path);
  g_rmdir (clip->dir);
  quorum_video_index_free (clip->index);
  g_free (clip->original);
  g_free (clip->proxy);
  g_free (clip->index_path);
  g_free (clip->dir);
  g_free (clip);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/video/index-json", test_index_json);
  g_test_add_func ("/video/not-a-video", test_not_a_video);
  g_test_add_func ("/video/vp9-webm", test_vp9);
  g_test_add_func ("/video/cancel", test_cancel);
  g_test_add_func ("/video/variable-rate", test_variable_rate);
  g_test_add_func ("/video/h264-mp4", test_h264);
  status = g_test_run ();
  for (guint i = 0; i < G_N_ELEMENTS (clips); i++)
    clip_free (clips[i]);
  return status;
}
