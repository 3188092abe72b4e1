/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#include "bench-stats.h"
#include "quorum-box-tracker-private.h"
#include "square-clip.h"

/*
 * bench/box-tracker: propagate forward at 1080p. A generated 1920×1080
 * clip of a square moving by a known step per frame, its proxy, then for
 * each tracker OpenCV has here: the tracker's update alone and the
 * decoder's step alone per frame, the whole quorum_box_tracker_propose
 * run (what the app waits for) in frames per second, and how far the
 * boxes are from the square. See bench/README.md.
 */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

typedef struct
{
  GBytes *pixels;
  int     stride;
} Frame;

static void
decode_or_die (QuorumVideoDecoder *decoder,
               guint               frame,
               Frame              *out)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&out->pixels, g_bytes_unref);
  out->pixels = quorum_video_decoder_decode_frame (decoder, frame, &out->stride, NULL, &error);
  if (out->pixels == NULL)
    g_error ("frame %u: %s", frame, error->message);
}

static QuorumRect
square_on (const SquareClip *clip,
           guint             frame)
{
  QuorumRect box;

  square_clip_box_at (clip, frame, &box.x0, &box.y0, &box.x1, &box.y1);
  return box;
}

static double
iou (const QuorumRect *a,
     const QuorumRect *b)
{
  double w = MIN (a->x1, b->x1) - MAX (a->x0, b->x0);
  double h = MIN (a->y1, b->y1) - MAX (a->y0, b->y0);
  double inter = MAX (w, 0) * MAX (h, 0);
  double uni = (a->x1 - a->x0) * (a->y1 - a->y0) + (b->x1 - b->x0) * (b->y1 - b->y0) - inter;

  return uni > 0 ? inter / uni : 0;
}

/* The tracker's update and the decoder's step, timed apart, frame by frame;
 * and how far each box is from the square. */
static void
bench_steps (const SquareClip     *clip,
             const char           *proxy,
             QuorumVideoIndex     *index,
             QuorumBoxTrackerKind  kind,
             guint                 n_frames)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumVideoDecoder) decoder = quorum_video_decoder_new (proxy, index, &error);
  g_autoptr(QuorumBoxTracker) tracker = _quorum_box_tracker_new (kind, &error);
  g_autoptr(GArray) update_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) decode_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Frame frame = { NULL, 0 };
  QuorumRect start = square_on (clip, 0);
  double centre_sum = 0, centre_max = 0, iou_sum = 0, iou_min = 1, cpu;
  gint64 t0;
  guint n = 0, lost_at = 0;

  if (decoder == NULL || tracker == NULL)
    g_error ("%s", error->message);
  decode_or_die (decoder, 0, &frame);
  t0 = g_get_monotonic_time ();
  if (!_quorum_box_tracker_init (tracker, g_bytes_get_data (frame.pixels, NULL), clip->width,
                                 clip->height, frame.stride, &start, &error))
    g_error ("%s", error->message);
  printf ("  %-4s  init %6.1f ms\n", _quorum_box_tracker_kind_to_string (kind),
          (g_get_monotonic_time () - t0) / 1000.0);

  cpu = cpu_seconds ();
  for (guint f = 1; f <= n_frames; f++)
    {
      QuorumRect found, truth = square_on (clip, f);
      double ms, centre;
      gboolean ok;

      t0 = g_get_monotonic_time ();
      decode_or_die (decoder, f, &frame);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (decode_ms, ms);

      t0 = g_get_monotonic_time ();
      ok = _quorum_box_tracker_update (tracker, g_bytes_get_data (frame.pixels, NULL),
                                       clip->width, clip->height, frame.stride, &found, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (update_ms, ms);
      if (error != NULL)
        g_error ("%s", error->message);
      if (!ok)
        {
          lost_at = f;
          break;
        }
      if (f >= clip->vanish)
        continue;
      centre = hypot ((found.x0 + found.x1 - truth.x0 - truth.x1) / 2,
                      (found.y0 + found.y1 - truth.y0 - truth.y1) / 2);
      centre_sum += centre;
      centre_max = MAX (centre_max, centre);
      iou_sum += iou (&found, &truth);
      iou_min = MIN (iou_min, iou (&found, &truth));
      n++;
    }
  cpu = cpu_seconds () - cpu;
  g_clear_pointer (&frame.pixels, g_bytes_unref);

  printf ("        update  median %6.1f ms  p95 %6.1f ms  → %5.1f fps (tracker alone)\n",
          bench_percentile (update_ms, 0.5), bench_percentile (update_ms, 0.95),
          1000.0 / bench_percentile (update_ms, 0.5));
  printf ("        decode  median %6.1f ms  p95 %6.1f ms  (the decoder's step forward)\n",
          bench_percentile (decode_ms, 0.5), bench_percentile (decode_ms, 0.95));
  printf ("        CPU %.1f ms a frame (both)\n", cpu * 1000 / MAX (update_ms->len, 1));
  if (n > 0)
    printf ("        error   centre mean %.1f px, max %.1f px; IoU mean %.3f, min %.3f over %u frames%s\n",
            centre_sum / n, centre_max, iou_sum / n, iou_min, n,
            lost_at ? "" : " (never lost)");
  if (lost_at)
    printf ("        LOST on frame %u\n", lost_at);
  else if (clip->vanish <= n_frames)
    printf ("        never lost: still proposing %u frames after the square vanished\n",
            n_frames + 1 - clip->vanish);
}

static void
on_progress (guint    done,
             guint    total,
             gpointer user_data)
{
}

/* The public call, as the app makes it: decoder made, start frame decoded,
 * tracker learnt, every frame decoded and tracked. */
static void
bench_propose (const SquareClip *clip,
               const char       *proxy,
               QuorumVideoIndex *index,
               guint             n_frames,
               guint             runs)
{
  g_autoptr(GArray) fps = g_array_new (FALSE, FALSE, sizeof (double));
  double cpu_best = G_MAXDOUBLE;

  for (guint run = 0; run < runs; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) proposals = NULL;
      QuorumRect start = square_on (clip, 0);
      QuorumBoxTrackerEnd end;
      double cpu = cpu_seconds ();
      gint64 t0 = g_get_monotonic_time ();
      double seconds, rate;

      proposals = quorum_box_tracker_propose (proxy, index, 0, &start, n_frames, on_progress, NULL,
                                              &end, NULL, &error);
      seconds = (g_get_monotonic_time () - t0) / 1e6;
      cpu = cpu_seconds () - cpu;
      if (proposals == NULL)
        g_error ("%s", error->message);
      rate = proposals->len / seconds;
      g_array_append_val (fps, rate);
      cpu_best = MIN (cpu_best, cpu / MAX (proposals->len, 1));
      printf ("  run %u: %u frames in %.2f s: %.1f fps (CPU %.1f ms a frame), %s\n", run + 1,
              proposals->len, seconds, rate, cpu * 1000 / MAX (proposals->len, 1),
              quorum_box_tracker_end_to_string (end));
    }
  printf ("  quorum_box_tracker_propose: median %.1f fps, best %.1f fps, CPU %.1f ms a frame at best\n",
          bench_percentile (fps, 0.5), bench_percentile (fps, 1.0), cpu_best * 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumVideoIndex) index = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *original = NULL;
  g_autofree char *proxy = NULL;
  g_autofree char *index_path = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *text = NULL;
  gboolean all = FALSE;
  int vanish = 0, grow = 0;
  int frames = 150, runs = 3, size = 160;
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames to track (default 150)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of the whole call (default 3)", "N" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "The square's side in pixels (default 160)", "PX" },
    { "vanish", 0, 0, G_OPTION_ARG_INT, &vanish,
      "The square is gone from frame F on: when does each tracker say it lost it?", "F" },
    { "grow", 0, 0, G_OPTION_ARG_INT, &grow, "The square's side grows by PX a frame", "PX" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "Also KCF and MIL, step by step", NULL },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Keep the clip in DIR, reuse it next time",
      "DIR" },
    { NULL },
  };
  SquareClip clip = { 1920, 1080, 30, 0, 0, 200, 200, 6, 3, G_MAXUINT, 0 };
  gsize length;
  gint64 t0;

  gst_init (&argc, &argv);
  context = g_option_context_new ("— the box tracker at 1080p");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (frames < 1 || runs < 0 || size < 8 || grow < 0 ||
      clip.x + (clip.dx + grow) * frames + size > clip.width ||
      clip.y + (clip.dy + grow) * frames + size > clip.height)
    {
      g_printerr ("--frames %d --size %d: the square would leave the picture\n", frames, size);
      return 2;
    }
  clip.n_frames = frames + 1;
  clip.size = size;
  if (vanish > 0)
    clip.vanish = vanish;
  clip.grow = grow;

  if (keep != NULL)
    {
      g_mkdir_with_parents (keep, 0755);
      dir = g_strdup (keep);
    }
  else if ((dir = g_dir_make_tmp ("quorum-bench-box-tracker-XXXXXX", &error)) == NULL)
    g_error ("%s", error->message);
  {
    g_autofree char *name = g_strdup_printf ("square-%dx%d-%u-%d-%d-%d.webm", clip.width,
                                             clip.height, clip.n_frames, size, vanish, grow);
    original = g_build_filename (dir, name, NULL);
    proxy = g_strconcat (original, ".proxy.webm", NULL);
    index_path = g_strconcat (original, ".frames.json", NULL);
  }

  printf ("box tracker: %d×%d, square of %d px moving (%d, %d) px and growing %d px a frame, "
          "%d frames tracked, %u cores, load average %.2f\n", clip.width, clip.height, size,
          clip.dx, clip.dy, grow, frames, g_get_num_processors (), load_average ());
  if (!g_file_test (index_path, G_FILE_TEST_EXISTS))
    {
      t0 = g_get_monotonic_time ();
      if (!square_clip_make (&clip, original, &error) ||
          !quorum_video_prepare (original, proxy, index_path, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      printf ("clip and proxy made in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);
    }
  if (!g_file_get_contents (index_path, &text, &length, &error))
    g_error ("%s", error->message);
  json = g_bytes_new_take (g_steal_pointer (&text), length);
  if ((index = quorum_video_index_new_from_bytes (json, &error)) == NULL)
    g_error ("%s", error->message);

  printf ("step by step:\n");
  bench_steps (&clip, proxy, index, QUORUM_BOX_TRACKER_CSRT, frames);
  if (all)
    {
      bench_steps (&clip, proxy, index, QUORUM_BOX_TRACKER_KCF, frames);
      bench_steps (&clip, proxy, index, QUORUM_BOX_TRACKER_MIL, frames);
    }
  if (runs > 0)
    {
      printf ("the whole call (CSRT, decoder and tracker on one thread):\n");
      bench_propose (&clip, proxy, index, frames, runs);
    }

  if (keep == NULL)
    {
      g_remove (original);
      g_remove (proxy);
      g_remove (index_path);
      g_rmdir (dir);
    }
  return 0;
}
