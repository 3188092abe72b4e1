/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include <locale.h>
#include <math.h>
#include <sys/resource.h>

#include "quorum-agreement.h"
#include "quorum-agreement-private.h"
#include "quorum-track.h"
#include "quorum-video-agreement.h"

/*
 * Agreement on a long video: K annotators × T box tracks × F frames, each
 * track stored as a keyframe every --every frames and present on every frame
 * (K × T × F instances once expanded). Each annotator's keyframes are the
 * truth moved by up to 3 px, and one track in ten of each annotator after the
 * first is far off on a tenth of the frames, so that the timeline has low
 * runs. Times quorum_agreement_compute (the pooled scores, what the server's
 * statistics use) and quorum_video_agreement_compute (with the per-frame
 * scores and the track pairs, what consensus stores), best of --runs.
 */

static int opt_annotators = 3;
static int opt_tracks = 50;
static int opt_frames = 18000;
static int opt_every = 30;
static int opt_runs = 3;
static int opt_threads;
static int opt_seed = 1;
static gboolean opt_whole;

static const GOptionEntry entries[] = {
  { "annotators", 'k', 0, G_OPTION_ARG_INT, &opt_annotators, "Annotators (default 3)", "K" },
  { "tracks", 'n', 0, G_OPTION_ARG_INT, &opt_tracks, "Tracks per annotator (default 50)", "T" },
  { "frames", 'f', 0, G_OPTION_ARG_INT, &opt_frames, "Frames (default 18000: 10 min at 30 fps)", "F" },
  { "every", 'e', 0, G_OPTION_ARG_INT, &opt_every, "A keyframe every E frames (default 30)", "E" },
  { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Runs, the best is printed (default 3)", "R" },
  { "threads", 'j', 0, G_OPTION_ARG_INT, &opt_threads, "Threads (default 0: every core)", "J" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed (default 1)", "S" },
  { "whole", 0, 0, G_OPTION_ARG_NONE, &opt_whole,
    "Instead, for comparison: expand whole sets with quorum_tracks_expand and match them as "
    "untracked instances (the image path)", NULL },
  { NULL }
};

static QuorumAnnotationSet *
make_set (guint    annotator,
          GRand   *rand)
{
  QuorumFileInfo file = { 1920, 1080, (guint) opt_frames, 30 };
  g_autofree char *name = g_strdup_printf ("annotator-%u", annotator + 1);
  QuorumAnnotationSet *set = quorum_annotation_set_new (name, &file);

  for (guint t = 0; t < (guint) opt_tracks; t++)
    {
      /* Each track a car crossing the frame on its own lane and pace. */
      double lane = 20 + 20.0 * t;
      double pace = 0.05 + 0.01 * (t % 7);
      gboolean wanders = annotator > 0 && t % 10 == annotator;
      g_autofree char *track = g_strdup_printf ("a%u-t%u", annotator + 1, t);

      for (guint f = 0; f < (guint) opt_frames + (guint) opt_every - 1; f += (guint) opt_every)
        {
          guint frame = MIN (f, (guint) opt_frames - 1);   /* the last keyframe on the last frame */
          double x0 = fmod (pace * frame + 37.0 * t, 1800);
          g_autofree char *id = g_strdup_printf ("%s-%u", track, frame);
          QuorumInstance *instance = quorum_instance_new (id, "car", QUORUM_KIND_BOX);
          double jitter_x = g_rand_double_range (rand, -3, 3);
          double jitter_y = g_rand_double_range (rand, -3, 3);
          double far = wanders && (frame / (guint) opt_every) % 10 == 3 ? 200 : 0;
          QuorumPoint points[] = {
            { x0 + jitter_x, lane + jitter_y + far },
            { x0 + 100 + jitter_x, lane + 60 + jitter_y + far },
          };

          quorum_instance_set_points (instance, points, 2);
          instance->frame = frame;
          instance->track_id = g_strdup (track);
          quorum_annotation_set_add (set, instance);
        }
    }
  return set;
}

/* CPU seconds of every thread so far: steadier than the wall clock on a
 * machine others share. */
static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

static double
peak_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— agreement on a long video");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_annotation_set_free);
  double best_pooled = INFINITY, best_video = INFINITY;
  double cpu_pooled = INFINITY, cpu_video = INFINITY;
  guint64 stored = 0;
  double agreement = 0;
  guint n_low = 0, n_pairs = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  rand = g_rand_new_with_seed ((guint32) opt_seed);
  for (guint k = 0; k < (guint) opt_annotators; k++)
    {
      g_ptr_array_add (sets, make_set (k, rand));
      stored += ((QuorumAnnotationSet *) g_ptr_array_index (sets, k))->instances->len;
    }

  if (opt_whole)
    {
      double best = INFINITY;

      for (int run = 0; run < opt_runs; run++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr(GPtrArray) expanded = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_annotation_set_free);
          g_autoptr(QuorumAgreement) whole = NULL;

          for (guint k = 0; k < sets->len; k++)
            {
              const QuorumAnnotationSet *set = g_ptr_array_index (sets, k);
              GPtrArray *instances = quorum_tracks_expand (set->instances);
              QuorumAnnotationSet *out = quorum_annotation_set_new (set->annotator, &set->file);

              g_ptr_array_set_free_func (instances, NULL);
              for (guint i = 0; i < instances->len; i++)
                {
                  QuorumInstance *instance = g_ptr_array_index (instances, i);

                  g_clear_pointer (&instance->track_id, g_free);
                  g_ptr_array_add (out->instances, instance);
                }
              g_ptr_array_unref (instances);
              g_ptr_array_add (expanded, out);
            }
          whole = _quorum_agreement_compute_threads ((const QuorumAnnotationSet * const *) expanded->pdata,
                                                     expanded->len, QUORUM_DEFAULT_THRESHOLD,
                                                     (guint) opt_threads, &error);
          g_assert_no_error (error);
          best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);
          agreement = whole->agreement;
        }
      g_print ("whole sets expanded, then the image matcher: %.1f ms (best of %d), agreement %.4f, "
               "peak resident memory %.0f MiB\n", best, opt_runs, agreement, peak_mib ());
      return 0;
    }

  for (int run = 0; run < opt_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = cpu_ms ();
      g_autoptr(QuorumAgreement) pooled =
        _quorum_agreement_compute_threads ((const QuorumAnnotationSet * const *) sets->pdata, sets->len,
                                           QUORUM_DEFAULT_THRESHOLD, (guint) opt_threads, &error);
      g_autoptr(QuorumVideoAgreement) video = NULL;
      g_autoptr(GArray) low = NULL;

      g_assert_no_error (error);
      best_pooled = MIN (best_pooled, (g_get_monotonic_time () - start) / 1000.0);
      cpu_pooled = MIN (cpu_pooled, cpu_ms () - cpu);
      start = g_get_monotonic_time ();
      cpu = cpu_ms ();
      video = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) sets->pdata, sets->len,
                                              QUORUM_DEFAULT_THRESHOLD, &error);
      g_assert_no_error (error);
      best_video = MIN (best_video, (g_get_monotonic_time () - start) / 1000.0);
      cpu_video = MIN (cpu_video, cpu_ms () - cpu);
      g_assert (video->agreement->agreement == pooled->agreement);
      agreement = pooled->agreement;
      low = quorum_frame_ranges_below (video->frame_scores, video->n_frames, 0.9);
      n_low = low->len;
      n_pairs = 0;
      for (guint c = 0; c < video->comparisons->len; c++)
        n_pairs += ((QuorumTrackComparison *) g_ptr_array_index (video->comparisons, c))->pairs->len;
    }

  g_print ("%d annotators × %d tracks × %d frames: %" G_GUINT64_FORMAT " keyframes stored, "
           "%" G_GUINT64_FORMAT " instances expanded\n",
           opt_annotators, opt_tracks, opt_frames, stored, (guint64) opt_annotators * opt_tracks * opt_frames);
  g_print ("agreement %.4f; %u runs of frames below 0.9; %u track pairs\n", agreement, n_low, n_pairs);
  g_print ("pooled scores (quorum_agreement_compute):          %8.1f ms, CPU %8.1f ms (best of %d)\n",
           best_pooled, cpu_pooled, opt_runs);
  g_print ("with timeline and track pairs (video_agreement):   %8.1f ms, CPU %8.1f ms (best of %d)\n",
           best_video, cpu_video, opt_runs);
  g_print ("peak resident memory: %.0f MiB\n", peak_mib ());
  return 0;
}
