/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-stats.h"
#include "video-bench.h"
#include "video-clip.h"

/*
 * bench/video: the frame-exact proxy against the naive way, on one
 * generated 1080p30 clip with a keyframe every 250 frames. See
 * bench/README.md. Sections run in the order of the table; “prepare”
 * makes the proxy the later ones read.
 */

static const struct
{
  const char        *name;
  VideoBenchSection  run;
} sections[] = {
  { "prepare", video_bench_prepare },
  { "naive", video_bench_naive },
  { "proxy", video_bench_proxy },
};

char *
video_bench_summary (GArray *values)
{
  double median = bench_percentile (values, 0.5);
  double p95 = bench_percentile (values, 0.95);
  double max = values->len ? g_array_index (values, double, values->len - 1) : 0;

  return g_strdup_printf ("median %7.1f ms  p95 %7.1f ms  max %7.1f ms (n = %u)", median, p95, max,
                          values->len);
}

gint
video_bench_read_frame (const guint8 *pixels,
                        int           width,
                        int           height,
                        int           stride)
{
  return clip_read_number (pixels, width, height, stride);
}

static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *only = NULL;
  g_autofree char *keep = NULL;
  int frames = 600, runs = 60, seed = 1;
  gboolean vp9 = FALSE;
  VideoBench bench = { 0 };
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames of the clip (default 600: 20 s)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Random requests per figure (default 60)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the random frames (default 1)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run “prepare” and this section only", "NAME" },
    { "vp9", 0, 0, G_OPTION_ARG_NONE, &vp9, "A VP9 original even where x264enc is", NULL },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Keep the clips in this folder (reused)", "DIR" },
    { NULL },
  };

  gst_init (&argc, &argv);
  context = g_option_context_new ("— the frame-exact video proxy against naive seeking");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "video: %s\n", error->message);
      return 2;
    }

  dir = keep != NULL ? g_strdup (keep) : g_dir_make_tmp ("quorum-bench-video-XXXXXX", &error);
  if (dir == NULL || g_mkdir_with_parents (dir, 0700) != 0)
    {
      fprintf (stderr, "video: no folder for the clips: %s\n", error ? error->message : keep);
      return 1;
    }
  bench.width = 1920;
  bench.height = 1080;
  bench.fps = 30;
  bench.n_frames = frames;
  bench.runs = runs;
  bench.seed = seed;
  if (!vp9 && clip_can_make (CLIP_H264_MP4))
    {
      bench.original = g_build_filename (dir, "original-h264.mp4", NULL);
      bench.original_kind = "H.264 MP4, B-frames";
    }
  else
    {
      bench.original = g_build_filename (dir, "original-vp9.webm", NULL);
      bench.original_kind = "VP9 WebM (no x264enc here)";
    }
  bench.proxy = g_build_filename (dir, "proxy.webm", NULL);
  bench.index_path = g_build_filename (dir, "frames.json", NULL);

  printf ("bench/video: %s, %d×%d at %d fps, %u frames, a keyframe every 250; %u cores, "
          "load average %.2f\n", bench.original_kind, bench.width, bench.height, bench.fps,
          bench.n_frames, g_get_num_processors (), load_average ());
  if (!g_file_test (bench.original, G_FILE_TEST_EXISTS))
    {
      gint64 start = g_get_monotonic_time ();

      if (!clip_make (g_str_has_prefix (bench.original_kind, "H.264") ? CLIP_H264_MP4 : CLIP_VP9_WEBM,
                      bench.original, bench.width, bench.height, bench.fps, bench.n_frames, NULL,
                      &error))
        {
          fprintf (stderr, "video: cannot make the clip: %s\n", error->message);
          return 1;
        }
      printf ("  clip made in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
    }

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (only == NULL || i == 0 || g_str_equal (only, sections[i].name))
      sections[i].run (&bench);

  quorum_video_index_free (bench.index);
  if (keep == NULL)
    {
      g_unlink (bench.original);
      g_unlink (bench.proxy);
      g_unlink (bench.index_path);
      g_rmdir (dir);
    }
  g_free (bench.original);
  g_free (bench.proxy);
  g_free (bench.index_path);
  return 0;
}
