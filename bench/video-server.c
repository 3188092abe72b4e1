/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <sys/resource.h>

#include "video-bench.h"

/*
 * The server's side of bench/video: preparing the proxy, the naive
 * accurate seek on the original (the anchor), and the library's decoder on
 * the proxy.
 */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
progress_nothing (double   fraction,
                  gpointer user_data)
{
}

void
video_bench_prepare (VideoBench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  if (!g_file_test (bench->index_path, G_FILE_TEST_EXISTS))
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = cpu_seconds ();
      double seconds, fps;

      if (!quorum_video_prepare (bench->original, bench->proxy, bench->index_path, progress_nothing,
                                 NULL, NULL, &error))
        {
          printf ("prepare: FAILED: %s\n", error->message);
          exit (1);
        }
      seconds = (g_get_monotonic_time () - start) / 1e6;
      cpu = cpu_seconds () - cpu;
      fps = bench->n_frames / seconds;
      printf ("prepare: %u frames in %.1f s: %.1f fps, %.2f× real time (CPU %.1f s: %.1f fps a core)\n",
              bench->n_frames, seconds, fps, fps / bench->fps, cpu, bench->n_frames / cpu);
    }
  else
    printf ("prepare: the kept proxy\n");
  if (!g_file_get_contents (bench->index_path, &text, &length, &error))
    {
      printf ("prepare: FAILED: %s\n", error->message);
      exit (1);
    }
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  bench->index = quorum_video_index_new_from_bytes (bytes, &error);
  if (bench->index == NULL)
    {
      printf ("prepare: FAILED: %s\n", error->message);
      exit (1);
    }
  {
    GStatBuf original, proxy;
    if (g_stat (bench->original, &original) == 0 && g_stat (bench->proxy, &proxy) == 0)
      printf ("  original %.1f MB, proxy %.1f MB (%.1f Mbit/s)\n", original.st_size / 1e6,
              proxy.st_size / 1e6, proxy.st_size * 8.0 / 1e6 / ((double) bench->n_frames / bench->fps));
  }
}

/* One figure: wall times, the process's CPU time, frames shown wrong. */
typedef struct
{
  GArray *times;
  double  cpu;
  guint   wrong;
} Figure;

#define FIGURE_INIT { g_array_new (FALSE, FALSE, sizeof (double)), 0, 0 }

static void
figure_add (Figure  *figure,
            double   ms,
            double   cpu_seconds,
            gboolean right)
{
  g_array_append_val (figure->times, ms);
  figure->cpu += cpu_seconds;
  figure->wrong += !right;
}

static void
figure_print (Figure     *figure,
              const char *what)
{
  g_autofree char *summary = video_bench_summary (figure->times);

  printf ("  %-15s %s  CPU %5.1f ms each  wrong frame %u/%u\n", what, summary,
          figure->times->len ? figure->cpu * 1e3 / figure->times->len : 0, figure->wrong,
          figure->times->len);
  g_array_unref (figure->times);
}

/* ---- the anchor: an accurate seek on the original ------------------------ */

typedef struct
{
  GstElement *pipeline;
  GstAppSink *sink;
} Naive;

static gboolean
naive_open (Naive      *naive,
            const char *path)
{
  g_autofree char *description =
    g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! video/x-raw,format=BGRA ! "
                     "appsink name=sink sync=false max-buffers=1", path);
  g_autoptr(GError) error = NULL;

  naive->pipeline = gst_parse_launch (description, &error);
  if (naive->pipeline == NULL)
    {
      printf ("naive: %s\n", error->message);
      return FALSE;
    }
  naive->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (naive->pipeline), "sink"));
  gst_element_set_state (naive->pipeline, GST_STATE_PAUSED);
  return gst_element_get_state (naive->pipeline, NULL, NULL, 30 * GST_SECOND) == GST_STATE_CHANGE_SUCCESS;
}

static gint
shown (GstSample *sample)
{
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  gint number;

  gst_video_info_from_caps (&info, gst_sample_get_caps (sample));
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  number = video_bench_read_frame (map.data, GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                   GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
  gst_buffer_unmap (buffer, &map);
  return number;
}

/* What an application does without an index: an accurate seek to N × the
 * frame's duration, and the frame that prerolls. Returns the frame shown. */
static gint
naive_seek (Naive *naive,
            guint  frame,
            int    fps,
            double *ms)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GstSample) sample = NULL;

  gst_element_seek_simple (naive->pipeline, GST_FORMAT_TIME,
                           GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                           gst_util_uint64_scale (frame, GST_SECOND, fps));
  sample = gst_app_sink_try_pull_preroll (naive->sink, 10 * GST_SECOND);
  *ms = (g_get_monotonic_time () - start) / 1e3;
  return sample != NULL ? shown (sample) : -2;
}

void
video_bench_naive (VideoBench *bench)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (bench->seed);
  Figure seeks = FIGURE_INIT, steps = FIGURE_INIT;
  Naive naive = { 0 };

  if (!naive_open (&naive, bench->original))
    {
      printf ("naive: the original does not open\n");
      return;
    }
  for (guint i = 0; i < bench->runs; i++)
    {
      guint frame = g_rand_int_range (rand, 0, bench->n_frames - 1);
      double ms, cpu = cpu_seconds ();
      gint got = naive_seek (&naive, frame, bench->fps, &ms);

      figure_add (&seeks, ms, cpu_seconds () - cpu, got == (gint) frame);
      /* One frame on, by seeking again. */
      cpu = cpu_seconds ();
      got = naive_seek (&naive, frame + 1, bench->fps, &ms);
      figure_add (&steps, ms, cpu_seconds () - cpu, got == (gint) frame + 1);
    }
  gst_element_set_state (naive.pipeline, GST_STATE_NULL);
  gst_object_unref (naive.sink);
  gst_object_unref (naive.pipeline);
  printf ("naive accurate seek to N × duration on the original (the anchor):\n");
  figure_print (&seeks, "random seek");
  figure_print (&steps, "step forward");
}

/* ---- the library's decoder on the proxy --------------------------------- */

typedef struct
{
  VideoBench *bench;
  gint        shown;
} Check;

static void
read_target (guint    frame,
             GBytes  *pixels,
             int      stride,
             gpointer user_data)
{
  Check *check = user_data;

  check->shown = video_bench_read_frame (g_bytes_get_data (pixels, NULL), check->bench->width,
                                         check->bench->height, stride);
}

static gboolean
timed_decode (QuorumVideoDecoder *decoder,
              VideoBench         *bench,
              guint               frame,
              Figure             *figure)
{
  g_autoptr(GError) error = NULL;
  Check check = { bench, -1 };
  gint64 start = g_get_monotonic_time ();
  double cpu = cpu_seconds ();
  double ms;

  if (!quorum_video_decoder_decode (decoder, frame, read_target, &check, NULL, &error))
    {
      printf ("proxy: frame %u: %s\n", frame, error->message);
      return FALSE;
    }
  ms = (g_get_monotonic_time () - start) / 1e3;
  figure_add (figure, ms, cpu_seconds () - cpu, check.shown == (gint) frame);
  return TRUE;
}

void
video_bench_proxy (VideoBench *bench)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (bench->seed);
  g_autoptr(QuorumVideoDecoder) decoder = NULL;
  g_autoptr(GError) error = NULL;
  guint n = quorum_video_index_get_n_frames (bench->index);
  Figure first = FIGURE_INIT, seeks = FIGURE_INIT, forward = FIGURE_INIT, backward = FIGURE_INIT;
  gint64 start = g_get_monotonic_time ();
  double cpu = cpu_seconds ();

  decoder = quorum_video_decoder_new (bench->proxy, bench->index, &error);
  if (decoder == NULL)
    {
      printf ("proxy: %s\n", error->message);
      return;
    }
  if (!timed_decode (decoder, bench, 0, &first))
    return;
  /* From before the decoder was made. */
  g_array_index (first.times, double, 0) = (g_get_monotonic_time () - start) / 1e3;
  first.cpu = cpu_seconds () - cpu;

  for (guint i = 0; i < bench->runs; i++)
    if (!timed_decode (decoder, bench, g_rand_int_range (rand, 0, n), &seeks))
      return;
  /* Steps back to back from random places, 30 each way: no pause for the
   * decoding ahead to catch up, as with a key held down. */
  for (guint round = 0; round < MAX (1, bench->runs / 30) * 2; round++)
    {
      guint at = g_rand_int_range (rand, 40, n - 40);
      Figure *figure = round % 2 ? &backward : &forward;

      if (!timed_decode (decoder, bench, at, &seeks))
        return;
      for (guint i = 1; i <= 30; i++)
        if (!timed_decode (decoder, bench, round % 2 ? at - i : at + i, figure))
          return;
    }
  printf ("quorum_video_decoder on the proxy:\n");
  figure_print (&first, "open + frame 0");
  figure_print (&seeks, "random seek");
  figure_print (&forward, "step forward");
  figure_print (&backward, "step backward");
  printf ("  (step backward is the decoder alone: the app's cache serves it)\n");
  printf ("  seeks made: %u\n", quorum_video_decoder_get_n_seeks (decoder));
}
