/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

/*
 * bench/tracks: the interpolation of video tracks (src/core/quorum-track.c)
 * on the case, a 10-minute video at 30 fps (18,000 frames) with 50
 * tracks over all of it: half boxes, half polygons of 20 vertices, a
 * keyframe every 25–35 frames, and a third of the polygon keyframes drawn
 * with 17–23 vertices so that those spans are resampled and aligned.
 *   - every frame of every track by quorum_track_points_at (the drawing path);
 *   - the same by quorum_tracks_expand (new instances, what export and
 *     agreement read);
 *   - quorum_tracks_at_frame on random frames (a frame change's instances),
 *     per frame, median and p95.
 * Each figure is the median of --runs runs. See bench/README.md.
 */

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "quorum-core.h"

static int opt_runs = 5;
static int opt_tracks = 50;
static int opt_frames = 18000;
static int opt_samples = 2000;
static int opt_seed = 1;
static char *opt_only;

static const GOptionEntry entries[] = {
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Median of N runs of each measure (default 5)", "N" },
  { "tracks", 0, 0, G_OPTION_ARG_INT, &opt_tracks, "Tracks (default 50)", "N" },
  { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Frames of the video (default 18000)", "N" },
  { "samples", 0, 0, G_OPTION_ARG_INT, &opt_samples,
    "Random frames timed by quorum_tracks_at_frame per run (default 2000)", "N" },
  { "seed", 0, 0, G_OPTION_ARG_INT, &opt_seed, "Seed of the generated tracks (default 1)", "N" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "Only one measure: points, expand or at-frame", "WHAT" },
  { NULL },
};

/* The thread's processor time: on a shared machine the wall clock also
 * counts the time other processes had the processor. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static gboolean
measures (const char *what)
{
  return opt_only == NULL || g_str_equal (opt_only, what);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), (int (*) (const void *, const void *)) compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static double
percentile (double *sorted,
            guint   n,
            double  p)
{
  guint at = (guint) ceil (p * n) - 1;
  return sorted[MIN (at, n - 1)];
}

/* A star-shaped ring of @n vertices around (cx, cy), wobbling with @seed. */
static void
make_ring (QuorumPoint *points,
           guint        n,
           double       cx,
           double       cy,
           double       radius,
           GRand       *rand)
{
  for (guint k = 0; k < n; k++)
    {
      double angle = 2 * G_PI * k / n;
      double r = radius * g_rand_double_range (rand, 0.8, 1.2);
      points[k] = (QuorumPoint) { cx + r * cos (angle), cy + r * sin (angle) };
    }
}

static GPtrArray *
make_tracks (guint  n_tracks,
             guint  n_frames,
             guint *n_unequal_spans)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  GRand *rand = g_rand_new_with_seed (opt_seed);

  *n_unequal_spans = 0;
  for (guint t = 0; t < n_tracks; t++)
    {
      gboolean polygon = t % 2 == 1;
      g_autofree char *track_id = g_strdup_printf ("track-%02u", t);
      double cx = g_rand_double_range (rand, 100, 1800), cy = g_rand_double_range (rand, 100, 980);
      guint previous_n = 20;
      guint frame = 0;

      for (;;)
        {
          g_autofree char *id = g_strdup_printf ("%s-%u", track_id, frame);
          QuorumInstance *instance = quorum_instance_new (id, polygon ? "person" : "car",
                                                          polygon ? QUORUM_KIND_POLYGON : QUORUM_KIND_BOX);
          QuorumPoint points[32];
          guint n;

          cx = CLAMP (cx + g_rand_double_range (rand, -40, 40), 50, 1870);
          cy = CLAMP (cy + g_rand_double_range (rand, -25, 25), 50, 1030);
          if (polygon)
            {
              n = g_rand_int_range (rand, 0, 3) == 0 ? (guint) g_rand_int_range (rand, 17, 24) : 20;
              make_ring (points, n, cx, cy, 40, rand);
              if (frame > 0 && n != previous_n)
                (*n_unequal_spans)++;
              previous_n = n;
            }
          else
            {
              double w = g_rand_double_range (rand, 30, 90), h = g_rand_double_range (rand, 30, 90);
              n = 2;
              points[0] = (QuorumPoint) { cx - w / 2, cy - h / 2 };
              points[1] = (QuorumPoint) { cx + w / 2, cy + h / 2 };
            }
          quorum_instance_set_points (instance, points, n);
          instance->frame = frame;
          instance->track_id = g_strdup (track_id);
          g_ptr_array_add (instances, instance);
          if (frame == n_frames - 1)
            break;
          frame = MIN (frame + (guint) g_rand_int_range (rand, 25, 36), n_frames - 1);
        }
    }
  g_rand_free (rand);
  return instances;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— interpolation of video tracks");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  g_autofree double *points_ms = NULL, *expand_ms = NULL, *at_median = NULL, *at_p95 = NULL;
  g_autofree double *points_cpu = NULL, *expand_cpu = NULL;
  g_autofree double *at_max = NULL, *samples = NULL;
  QuorumTrackIndex *index;
  guint n_unequal = 0, n_shown = 0, n_expanded = 0;
  double checksum = 0, index_ms;
  GRand *rand;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  opt_runs = MAX (opt_runs, 1);
  opt_samples = MAX (opt_samples, 1);

  instances = make_tracks (opt_tracks, opt_frames, &n_unequal);
  {
    gint64 start = g_get_monotonic_time ();
    index = quorum_track_index_new (instances);
    index_ms = (g_get_monotonic_time () - start) / 1000.0;
  }
  printf ("%d tracks (%d boxes, %d polygons of 20 vertices) × %d frames: %u keyframes, "
          "%u spans of unequal vertex counts; index built in %.2f ms\n",
          opt_tracks, (opt_tracks + 1) / 2, opt_tracks / 2, opt_frames, instances->len, n_unequal,
          index_ms);

  points_ms = g_new0 (double, opt_runs);
  expand_ms = g_new0 (double, opt_runs);
  points_cpu = g_new0 (double, opt_runs);
  expand_cpu = g_new0 (double, opt_runs);
  at_median = g_new0 (double, opt_runs);
  at_p95 = g_new0 (double, opt_runs);
  at_max = g_new0 (double, opt_runs);
  samples = g_new (double, opt_samples);
  rand = g_rand_new_with_seed (opt_seed + 1);

  for (int run = 0; run < opt_runs; run++)
    {
      gint64 start;
      double cpu_start;

      /* every frame of every track, the geometry alone */
      if (measures ("points"))
        {
          n_shown = 0;
          start = g_get_monotonic_time ();
          cpu_start = cpu_ms ();
          for (guint t = 0; t < quorum_track_index_get_n_tracks (index); t++)
            {
              const QuorumTrack *track = quorum_track_index_get_track (index, t);

              for (guint f = 0; f < (guint) opt_frames; f++)
                if (quorum_track_points_at (track, f, points))
                  {
                    checksum += g_array_index (points, QuorumPoint, 0).x;
                    n_shown++;
                  }
            }
          points_cpu[run] = cpu_ms () - cpu_start;
          points_ms[run] = (g_get_monotonic_time () - start) / 1000.0;
        }

      /* the same as instances */
      if (measures ("expand"))
        {
          start = g_get_monotonic_time ();
          cpu_start = cpu_ms ();
          {
            g_autoptr(GPtrArray) expanded = quorum_tracks_expand (instances);
            n_expanded = expanded->len;
            checksum += ((QuorumInstance *) g_ptr_array_index (expanded, expanded->len - 1))->points[0].x;
          }
          expand_cpu[run] = cpu_ms () - cpu_start;
          expand_ms[run] = (g_get_monotonic_time () - start) / 1000.0;
        }

      /* a frame change: everything shown on a random frame */
      if (measures ("at-frame"))
        {
          for (int i = 0; i < opt_samples; i++)
            {
              guint frame = g_rand_int_range (rand, 0, opt_frames);
              gint64 t0 = g_get_monotonic_time ();
              g_autoptr(GPtrArray) shown = quorum_tracks_at_frame (index, instances, frame);

              samples[i] = (g_get_monotonic_time () - t0) / 1000.0;
              checksum += shown->len;
            }
          qsort (samples, opt_samples, sizeof (double),
                 (int (*) (const void *, const void *)) compare_doubles);
          at_median[run] = percentile (samples, opt_samples, 0.5);
          at_p95[run] = percentile (samples, opt_samples, 0.95);
          at_max[run] = samples[opt_samples - 1];
        }
    }

  if (measures ("points") || measures ("expand"))
    printf ("every frame of every track, median of %d runs (wall clock, and this thread's processor time):\n",
            opt_runs);
  if (measures ("points"))
    printf ("  quorum_track_points_at   %8.1f ms  cpu %8.1f ms  (%u shapes, %.0f ns each; target ≤ 200 ms)\n",
            median (points_ms, opt_runs), median (points_cpu, opt_runs), n_shown,
            median (points_ms, opt_runs) * 1e6 / MAX (n_shown, 1));
  if (measures ("expand"))
    printf ("  quorum_tracks_expand     %8.1f ms  cpu %8.1f ms  (%u instances, allocated and freed)\n",
            median (expand_ms, opt_runs), median (expand_cpu, opt_runs), n_expanded);
  if (measures ("at-frame"))
    {
      printf ("quorum_tracks_at_frame on %d random frames a run (%d tracks shown a frame):\n",
              opt_samples, opt_tracks);
      printf ("  median %.3f ms, p95 %.3f ms, max %.3f ms  (each the median of %d runs)\n",
              median (at_median, opt_runs), median (at_p95, opt_runs), median (at_max, opt_runs), opt_runs);
    }
  g_debug ("checksum %g", checksum);

  g_rand_free (rand);
  quorum_track_index_free (index);
  return 0;
}
