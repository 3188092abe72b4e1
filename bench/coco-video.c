/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include <locale.h>
#include <math.h>
#include <time.h>

#include "quorum-coco.h"
#include "quorum-track.h"
#include "quorum-wire.h"

/*
 * The COCO export of a long video (issue 17: ≤ 2 s): a 10-minute 1080p30
 * clip, 18,000 frames, with 50 tracks over all of it — half boxes, half
 * 20-vertex polygons — keyframed every 25 to 35 frames. What is timed is
 * quorum_coco_export_append, the function behind GET /jobs/{id}/export
 * and quorumctl export: from the stored keyframes to the whole document's
 * text, every frame's interpolated instances included.
 */

static int opt_frames = 18000;
static int opt_tracks = 50;
static int opt_runs = 3;
static int opt_seed = 1;
static char *opt_write;

static const GOptionEntry entries[] = {
  { "frames", 'f', 0, G_OPTION_ARG_INT, &opt_frames, "Video frames (default 18000: 10 min at 30 fps)", "N" },
  { "tracks", 't', 0, G_OPTION_ARG_INT, &opt_tracks, "Tracks over the whole video (default 50)", "N" },
  { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Timed runs, the best is printed (default 3)", "N" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed (default 1)", "S" },
  { "write", 'w', 0, G_OPTION_ARG_FILENAME, &opt_write, "Also write the document to FILE", "FILE" },
  { NULL }
};

/* A 20-vertex star-ish ring around (cx, cy). */
static void
ring (GRand       *rand,
      double       cx,
      double       cy,
      double       radius,
      QuorumPoint *points)
{
  for (guint v = 0; v < 20; v++)
    {
      double angle = 2 * G_PI * v / 20;
      double r = radius * g_rand_double_range (rand, 0.7, 1.0);

      points[v] = (QuorumPoint) { cx + r * cos (angle), cy + r * sin (angle) };
    }
}

/* The stored instances: per track, a keyframe every 25–35 frames and on
 * the last frame, the object wandering across a 1920×1080 frame. */
static QuorumCocoImage *
make_video (guint frames,
            guint tracks,
            guint seed)
{
  QuorumFileInfo file = { 1920, 1080, frames, 30 };
  QuorumCocoImage *video = g_new0 (QuorumCocoImage, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  video->file_name = g_strdup ("drive-10min.mp4");
  video->file_id = 1;
  video->set = quorum_annotation_set_new ("ann", &file);
  for (guint t = 0; t < tracks; t++)
    {
      gboolean polygon = t % 2 == 1;
      g_autofree char *track_id = g_strdup_printf ("6f1c2e4a-0000-4000-8000-%012u", t);
      double cx = g_rand_double_range (rand, 200, 1720), cy = g_rand_double_range (rand, 150, 930);

      for (guint frame = 0; frame < frames;)
        {
          g_autofree char *id = g_strdup_printf ("%s-%u", track_id, frame);
          QuorumInstance *instance = quorum_instance_new (id, polygon ? "pedestrian" : "car",
                                                          polygon ? QUORUM_KIND_POLYGON : QUORUM_KIND_BOX);
          QuorumPoint points[20];

          if (polygon)
            {
              ring (rand, cx, cy, g_rand_double_range (rand, 30, 60), points);
              quorum_instance_set_points (instance, points, 20);
            }
          else
            {
              double w = g_rand_double_range (rand, 60, 200), h = g_rand_double_range (rand, 40, 120);

              points[0] = (QuorumPoint) { cx - w / 2, cy - h / 2 };
              points[1] = (QuorumPoint) { cx + w / 2, cy + h / 2 };
              quorum_instance_set_points (instance, points, 2);
            }
          instance->frame = frame;
          instance->track_id = g_strdup (track_id);
          instance->author = g_strdup ("ann");
          quorum_annotation_set_add (video->set, instance);

          cx = CLAMP (cx + g_rand_double_range (rand, -60, 60), 100, 1820);
          cy = CLAMP (cy + g_rand_double_range (rand, -40, 40), 80, 1000);
          if (frame == frames - 1)
            break;
          frame = MIN (frame + (guint) g_rand_int_range (rand, 25, 36), frames - 1);
        }
    }
  return video;
}

static gint64
cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— COCO export of a long video with tracks");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  QuorumCocoImage *video;
  gint64 best = G_MAXINT64, best_cpu = G_MAXINT64, best_interpolation = G_MAXINT64, best_drawn = G_MAXINT64, started, cpu_started;
  guint shown = 0;
  gsize size = 0, drawn_size = 0;
  guint boxes = 0, polygons = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_frames < 1 || opt_tracks < 0 || opt_runs < 1)
    {
      g_printerr ("--frames and --runs must be at least 1, --tracks at least 0\n");
      return 2;
    }

  video = make_video ((guint) opt_frames, (guint) opt_tracks, (guint) opt_seed);
  g_ptr_array_add (images, video);
  for (guint k = 0; k < video->set->instances->len; k++)
    {
      const QuorumInstance *instance = g_ptr_array_index (video->set->instances, k);
      boxes += instance->kind == QUORUM_KIND_BOX;
      polygons += instance->kind == QUORUM_KIND_POLYGON;
    }

  /* For scale: the geometry of every frame of every track alone
   * (quorum_track_points_at, no allocation), which the export includes. */
  for (int run = 0; run < opt_runs; run++)
    {
      QuorumTrackIndex *index = quorum_track_index_new (video->set->instances);
      g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));

      shown = 0;
      started = g_get_monotonic_time ();
      for (guint t = 0; t < quorum_track_index_get_n_tracks (index); t++)
        {
          const QuorumTrack *track = quorum_track_index_get_track (index, t);

          for (guint frame = track->first; frame <= track->last; frame++)
            shown += quorum_track_points_at (track, frame, points);
        }
      best_interpolation = MIN (best_interpolation, g_get_monotonic_time () - started);
      quorum_track_index_free (index);
    }

  for (int run = 0; run < opt_runs; run++)
    {
      GString *text = g_string_new (NULL);

      started = g_get_monotonic_time ();
      cpu_started = cpu_time ();
      quorum_coco_export_append (text, images, NULL, QUORUM_COCO_EXPORT_DEFAULT);
      best = MIN (best, g_get_monotonic_time () - started);
      best_cpu = MIN (best_cpu, cpu_time () - cpu_started);
      size = text->len;
      if (run == opt_runs - 1 && opt_write != NULL &&
          !g_file_set_contents (opt_write, text->str, text->len, &error))
        {
          g_printerr ("%s\n", error->message);
          g_string_free (text, TRUE);
          return 1;
        }
      g_string_free (text, TRUE);
    }

  /* Without the interpolated frames (interpolated=false): what an import
   * takes back. */
  for (int run = 0; run < opt_runs; run++)
    {
      GString *text = g_string_new (NULL);

      started = g_get_monotonic_time ();
      quorum_coco_export_append (text, images, NULL, QUORUM_COCO_EXPORT_DRAWN_ONLY);
      best_drawn = MIN (best_drawn, g_get_monotonic_time () - started);
      drawn_size = text->len;
      g_string_free (text, TRUE);
    }

  g_print ("video %d frames 1920×1080, %d tracks: %u keyframes (%u boxes, %u polygons of 20 vertices)\n",
           opt_frames, opt_tracks, video->set->instances->len, boxes, polygons);
  g_print ("interpolation alone  %u shapes         %8.1f ms (best of %d)\n", shown,
           best_interpolation / 1000.0, opt_runs);
  g_print ("COCO export          %u annotations    %8.1f ms (best of %d; CPU %.1f ms)  %.1f MB, %.0f MB/s\n",
           shown, best / 1000.0, opt_runs, best_cpu / 1000.0, size / 1e6, size / 1e6 / (best / 1e6));
  g_print ("COCO, interpolated=false %u annotations %6.1f ms (best of %d)  %.1f MB\n",
           video->set->instances->len, best_drawn / 1000.0, opt_runs, drawn_size / 1e6);
  return 0;
}
