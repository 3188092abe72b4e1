/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app's side of video (issue 16): a generated 1080p30 clip with a
 * 250-frame GOP (H.264 in MP4 when x264enc is here, else VP9 in WebM),
 * prepared into the frame-exact proxy, shown by QuorumVideoSource on the
 * real canvas in a window. Each time runs from the action (what a key
 * press calls) to the frame clock's paint after the canvas got the frame.
 *
 * Run: xvfb-run -a -s "-screen 0 1920x1080x24" _build/bench/video-app [--frames N]
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "quorum-canvas-private.h"
#include "quorum-timeline.h"
#include "quorum-video-source.h"
#include "video-clip.h"

#define WIDTH  1920
#define HEIGHT 1080

static QuorumCanvas *canvas;
static QuorumTimeline *timeline;
static QuorumVideoSource *source;
static guint paints;
static double texture_ms;   /* of the last wait_shown(): to the frame in the canvas */

static void
on_texture (QuorumVideoSource *video,
            GParamSpec        *pspec,
            gpointer           data)
{
  if (quorum_video_source_get_texture (video) != NULL)
    quorum_canvas_show_frame (canvas, quorum_video_source_get_texture (video));
}

static void
after_paint (GdkFrameClock *clock,
             gpointer       data)
{
  paints++;
}

/* Until the canvas holds the source's frame and a paint followed. */
static double
wait_shown (gint64 start)
{
  guint before = 0;
  gboolean have = FALSE;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      if (!have && quorum_video_source_get_texture (source) != NULL &&
          quorum_canvas_get_image (canvas) == quorum_video_source_get_texture (source))
        {
          have = TRUE;
          before = _quorum_canvas_get_frame_count (canvas);
          texture_ms = (g_get_monotonic_time () - start) / 1000.0;
        }
      if (have && _quorum_canvas_get_frame_count (canvas) > before && paints > 0)
        break;
      if (g_get_monotonic_time () > end)
        g_error ("frame %u never shown", quorum_video_source_get_frame (source));
      g_main_context_iteration (NULL, TRUE);
    }
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
idle_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *times,
        GArray     *textures)
{
  double *t = (double *) (gpointer) times->data;
  double *x = (double *) (gpointer) textures->data;
  guint n = times->len;

  g_array_sort (times, compare_doubles);
  g_array_sort (textures, compare_doubles);
  g_print ("%-38s n=%3u  painted: median %6.1f p95 %6.1f max %6.1f ms | in canvas: median %6.1f p95 %6.1f ms\n",
           what, n, t[n / 2], t[MIN (n - 1, (guint) (n * 0.95))], t[n - 1], x[n / 2],
           x[MIN (n - 1, (guint) (n * 0.95))]);
}

/* @count actions, @pause ms apart (a held key repeats about every 33 ms). */
static void
time_action (const char *what,
             const char *action,
             guint       count,
             guint       pause)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) textures = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < count; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      paints = 0;
      gtk_widget_activate_action (GTK_WIDGET (timeline), action, NULL);
      ms = wait_shown (start);
      g_array_append_val (times, ms);
      g_array_append_val (textures, texture_ms);
      idle_for (pause);
    }
  report (what, times, textures);
}

int
main (int    argc,
      char **argv)
{
  guint n_frames = 300;
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &n_frames, "Frames in the clip (300)", "N" },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *original = NULL;
  g_autofree char *proxy = NULL;
  g_autofree char *index_path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GArray) seeks = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) seek_textures = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  QuorumVideoIndex *index;
  ClipKind kind;
  GtkWindow *window;
  GtkWidget *box;
  gint64 start;
  double ms, seconds;
  guint64 limit = 512 * 1024 * 1024;
  gsize length;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  gst_init (&argc, &argv);
  gtk_init ();
  kind = clip_can_make (CLIP_H264_MP4) ? CLIP_H264_MP4 : CLIP_VP9_WEBM;
  dir = g_dir_make_tmp ("quorum-bench-video-app-XXXXXX", &error);
  g_assert_no_error (error);
  original = g_build_filename (dir, kind == CLIP_H264_MP4 ? "clip.mp4" : "clip.webm", NULL);
  proxy = g_build_filename (dir, "proxy.webm", NULL);
  index_path = g_build_filename (dir, "frames.json", NULL);
  g_print ("clip: %u frames of %d×%d at 30 fps, %s, a keyframe every 250 frames\n", n_frames, WIDTH, HEIGHT,
           kind == CLIP_H264_MP4 ? "H.264 in MP4 with B-frames" : "VP9 in WebM (no x264enc here)");
  if (!clip_make (kind, original, WIDTH, HEIGHT, 30, n_frames, NULL, &error))
    g_error ("%s", error->message);
  start = g_get_monotonic_time ();
  if (!quorum_video_prepare (original, proxy, index_path, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_print ("proxy preparation: %.1f s for %.1f s of video (%.2f× real time)\n", seconds, n_frames / 30.0,
           n_frames / 30.0 / seconds);
  if (!g_file_get_contents (index_path, &text, &length, &error))
    g_error ("%s", error->message);
  json = g_bytes_new_take (g_steal_pointer (&text), length);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1600, 1000);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  canvas = QUORUM_CANVAS (quorum_canvas_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (canvas), TRUE);
  timeline = QUORUM_TIMELINE (quorum_timeline_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (canvas));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (timeline));
  gtk_window_set_child (window, box);
  gtk_window_present (window);
  idle_for (500);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint", G_CALLBACK (after_paint), NULL);

  /* Opening: the index read, the decoder made, the first frame painted. */
  start = g_get_monotonic_time ();
  paints = 0;
  index = quorum_video_index_new_from_bytes (json, &error);
  g_assert_no_error (error);
  source = quorum_video_source_new (proxy, index, limit, &error);
  g_assert_no_error (error);
  g_signal_connect (source, "notify::texture", G_CALLBACK (on_texture), NULL);
  quorum_timeline_set_source (timeline, source);
  ms = wait_shown (start);
  g_print ("%-38s painted %.1f ms, in canvas %.1f ms\n", "open to first frame", ms, texture_ms);
  idle_for (300);

  time_action ("step forward (key repeat, 33 ms)", "timeline.next-frame", 100, 33);
  time_action ("step backward (key repeat, 33 ms)", "timeline.previous-frame", 100, 33);
  time_action ("step forward (one at a time, 300 ms)", "timeline.next-frame", 30, 300);
  time_action ("step backward (one at a time, 300 ms)", "timeline.previous-frame", 30, 300);
  time_action ("+10 frames", "timeline.forward-10", 20, 200);

  for (guint i = 0; i < 60; i++)
    {
      guint frame = g_rand_int_range (rand, 0, n_frames);

      start = g_get_monotonic_time ();
      paints = 0;
      quorum_video_source_set_frame (source, frame);
      ms = wait_shown (start);
      g_array_append_val (seeks, ms);
      g_array_append_val (seek_textures, texture_ms);
      idle_for (150);
    }
  report ("random seek", seeks, seek_textures);

  /* 30 s at 1×, looping the clip when it is shorter. */
  quorum_video_source_set_frame (source, 0);
  wait_shown (g_get_monotonic_time ());
  quorum_video_source_set_loop (source, 0, n_frames - 1);
  quorum_video_source_set_playing (source, TRUE);
  idle_for (30 * 1000);
  g_print ("%-38s %u dropped of 900 frames\n", "30 s playback at 1×", quorum_video_source_get_dropped (source));
  quorum_video_source_set_playing (source, FALSE);
  g_print ("%-38s %.1f MiB (limit %.0f MiB)\n", "frame cache peak",
           quorum_frame_cache_get_peak (quorum_video_source_get_cache (source)) / 1048576.0, limit / 1048576.0);

  quorum_timeline_set_source (timeline, NULL);
  g_clear_object (&source);
  gtk_window_destroy (window);
  g_unlink (original);
  g_unlink (proxy);
  g_unlink (index_path);
  g_rmdir (dir);
  return 0;
}
