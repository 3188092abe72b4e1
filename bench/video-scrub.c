/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

/*
 * Scrubbing a video's tracks (issue 17): 50 tracks over 18,000 frames (ten
 * minutes at 30 fps), boxes and 20-vertex polygons with a keyframe every
 * 25–35 frames and some outside gaps, in memory. First quorum_tracks_at_frame
 * alone, then the app's QuorumTrackEditor bound to the real QuorumCanvas in a
 * 1920×1080 window showing a 1920×1080 frame. Each frame change is timed
 * from quorum_track_editor_set_frame (the video's texture given to the canvas
 * just before, as the video task does) to:
 *   in canvas       the canvas holds that frame's instances (set_frame returned)
 *   painted         the frame clock's next paint (after-paint)
 *   overlays drawn  the first paint whose overlay tiles in view are all drawn
 *                   for these instances (quorum_overlay_is_sharp)
 *
 * Run: xvfb-run -a -s "-screen 0 1920x1080x24" _build/bench/video-scrub
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <time.h>

#include "bench-stats.h"
#include "quorum-canvas-private.h"
#include "quorum-track-editor.h"
#include "quorum-track.h"

#define WIDTH  1920
#define HEIGHT 1080

static int opt_tracks = 50;
static int opt_frames = 18000;
static int opt_vertices = 20;
static int opt_changes = 150;
static int opt_seed = 17;
static int opt_drag_seconds = 10;

static const GOptionEntry entries[] = {
  { "tracks", 't', 0, G_OPTION_ARG_INT, &opt_tracks, "Tracks (default 50, half boxes, half polygons)", "N" },
  { "frames", 'f', 0, G_OPTION_ARG_INT, &opt_frames, "Frames of the video (default 18000: 10 min at 30 fps)", "N" },
  { "vertices", 'v', 0, G_OPTION_ARG_INT, &opt_vertices, "Vertices per polygon (default 20)", "N" },
  { "changes", 'n', 0, G_OPTION_ARG_INT, &opt_changes, "Frame changes per figure (default 150)", "N" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed (default 17)", "S" },
  { "drag-seconds", 0, 0, G_OPTION_ARG_INT, &opt_drag_seconds, "Length of the continuous scrub (default 10 s)", "S" },
  { NULL }
};

static const char *labels[] = { "car", "person", "bicycle", "truck" };
static const GdkRGBA colors[] = {
  { 0.21f, 0.52f, 0.89f, 1 }, { 0.90f, 0.38f, 0.0f, 1 }, { 0.15f, 0.64f, 0.41f, 1 }, { 0.75f, 0.2f, 0.6f, 1 },
};

/* ---- the tracks --------------------------------------------------------- */

static void
shape_points (QuorumKind   kind,
              double       cx,
              double       cy,
              double       size,
              GRand       *rand,
              QuorumPoint *points)
{
  if (kind == QUORUM_KIND_BOX)
    {
      points[0] = (QuorumPoint) { cx - size, cy - size * 0.7 };
      points[1] = (QuorumPoint) { cx + size, cy + size * 0.7 };
      return;
    }
  for (int v = 0; v < opt_vertices; v++)
    {
      double angle = 2 * G_PI * v / opt_vertices;
      double r = size * g_rand_double_range (rand, 0.6, 1.0);

      points[v] = (QuorumPoint) { cx + r * cos (angle), cy + r * sin (angle) };
    }
}

/* One object moving over the video: a keyframe every 25–35 frames, now and
 * then an outside keyframe and a gap of 3–20 s before it comes back. Most
 * tracks last the whole video; some start late or end early. */
static void
add_track (GPtrArray *instances,
           int        t,
           GRand     *rand)
{
  g_autofree char *track_id = g_strdup_printf ("track-%02d", t);
  g_autofree QuorumPoint *points = g_new (QuorumPoint, MAX (opt_vertices, 2));
  QuorumKind kind = t % 2 == 0 ? QUORUM_KIND_BOX : QUORUM_KIND_POLYGON;
  guint n_points = kind == QUORUM_KIND_BOX ? 2 : (guint) opt_vertices;
  guint first = t % 5 == 4 ? (guint) g_rand_int_range (rand, 0, opt_frames / 2) : 0;
  guint last = t % 7 == 3 ? (guint) g_rand_int_range (rand, first + opt_frames / 4, opt_frames) : (guint) opt_frames - 1;
  double size = g_rand_double_range (rand, 30, 150);
  double cx = g_rand_double_range (rand, size, WIDTH - size);
  double cy = g_rand_double_range (rand, size, HEIGHT - size);
  guint frame = first;

  for (;;)
    {
      g_autofree char *id = g_strdup_printf ("%s-f%u", track_id, frame);
      QuorumInstance *instance = quorum_instance_new (id, labels[t % G_N_ELEMENTS (labels)], kind);
      gboolean outside = frame != first && frame < last && g_rand_int_range (rand, 0, 40) == 0;

      shape_points (kind, cx, cy, size, rand, points);
      quorum_instance_set_points (instance, points, n_points);
      instance->frame = frame;
      instance->track_id = g_strdup (track_id);
      instance->keyframe = TRUE;
      instance->outside = outside;
      instance->occluded = g_rand_int_range (rand, 0, 8) == 0;
      g_ptr_array_add (instances, instance);
      if (frame >= last)
        break;
      frame += outside ? (guint) g_rand_int_range (rand, 90, 600) : (guint) g_rand_int_range (rand, 25, 36);
      frame = MIN (frame, last);
      cx = CLAMP (cx + g_rand_double_range (rand, -60, 60), size, WIDTH - size);
      cy = CLAMP (cy + g_rand_double_range (rand, -40, 40), size, HEIGHT - size);
      size = CLAMP (size * g_rand_double_range (rand, 0.9, 1.1), 20, 200);
    }
}

static GPtrArray *
make_tracks (GRand *rand)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  g_autoptr(GError) error = NULL;

  for (int t = 0; t < opt_tracks; t++)
    add_track (instances, t, rand);
  if (!quorum_tracks_check (instances, opt_frames, &error))
    g_error ("generated tracks: %s", error->message);
  return instances;
}

/* ---- figures -------------------------------------------------------------- */

static void
print_line (const char *what,
            GArray     *values,
            const char *unit)
{
  g_print ("  %-26s median %7.2f  p95 %7.2f  max %7.2f %s\n", what, bench_percentile (values, 0.5),
           bench_percentile (values, 0.95), bench_percentile (values, 1.0), unit);
}

static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

/* The whole process: GTK, Mesa's llvmpipe threads, the tile workers. */
static double
process_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

/* ---- quorum_tracks_at_frame alone ---------------------------------------- */

static void
time_at_frame (const QuorumTrackIndex *index,
               GPtrArray              *instances,
               const guint            *order,
               guint                   n,
               const char             *what,
               guint                  *counts)
{
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frees = g_array_new (FALSE, FALSE, sizeof (double));
  double total = 0;
  guint64 shown = 0;

  for (guint i = 0; i < n; i++)
    {
      double t0, t1, t2, call_us, free_us;
      GPtrArray *result;

      t0 = thread_cpu_ms ();
      result = quorum_tracks_at_frame (index, instances, order[i]);
      t1 = thread_cpu_ms ();
      if (counts != NULL)
        counts[order[i]] = result->len;
      shown += result->len;
      g_ptr_array_unref (result);
      t2 = thread_cpu_ms ();
      call_us = (t1 - t0) * 1000, free_us = (t2 - t1) * 1000;
      total += t1 - t0;
      g_array_append_val (calls, call_us);
      g_array_append_val (frees, free_us);
    }
  g_print ("%s: %u frames, %.1f instances a frame, %.1f ms in all\n", what, n, (double) shown / n, total);
  print_line ("quorum_tracks_at_frame", calls, "µs CPU");
  print_line ("freeing its result", frees, "µs CPU");
}

/* What drawing a frame's instances costs: all of them, with the tiles'
 * drawing (quorum_overlay_render_image), into one 1920×1080 surface at 1:1,
 * on one thread. The canvas draws the same on 384 px tiles on two. */
static void
time_drawing (const QuorumTrackIndex *index,
              GPtrArray              *instances,
              const guint            *order,
              guint                   n)
{
  g_autoptr(GArray) set = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) draw = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(QuorumOverlay) overlay = quorum_overlay_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  QuorumView view = { 1, 0, 0 };

  quorum_overlay_set_extent (overlay, WIDTH, HEIGHT);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    quorum_overlay_set_label_color (overlay, labels[i], &colors[i]);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) shown = quorum_tracks_at_frame (index, instances, order[i]);
      double t0, t1, t2;

      t0 = thread_cpu_ms ();
      quorum_overlay_set_instances (overlay, shown);
      t1 = thread_cpu_ms ();
      memset (cairo_image_surface_get_data (surface), 0,
              (gsize) cairo_image_surface_get_stride (surface) * HEIGHT);
      cairo_surface_mark_dirty (surface);
      quorum_overlay_render_image (overlay, surface, &view);
      t2 = thread_cpu_ms ();
      t1 -= t0, t2 -= t0 + t1;
      g_array_append_val (set, t1);
      g_array_append_val (draw, t2);
    }
  cairo_surface_destroy (surface);
  g_print ("a frame's instances drawn on a 1920×1080 surface at 1:1, one thread (%u frames)\n", n);
  print_line ("quorum_overlay_set_instances", set, "ms CPU");
  print_line ("drawing (clear included)", draw, "ms CPU");
}

/* ---- the canvas ----------------------------------------------------------- */

typedef struct
{
  QuorumCanvas      *canvas;
  QuorumTrackEditor *editor;
  GBytes            *pixels[2];
  guint              next_pixels;
  guint             *counts;       /* instances shown on each frame */

  /* The change being timed. */
  gboolean           waiting;
  gint64             start;
  guint              frames_before;
  gint64             painted;
  gint64             drawn;
  double             cpu_start;
  double             cpu_drawn;

  /* The continuous scrub. */
  guint              drag_frame;
  guint              drag_changes;
  guint              drag_paints;
  guint              drag_paints_bare;   /* a paint with none of its frame's overlays */
  guint              drag_drawn;         /* changes whose overlays were painted before the next change */
  gboolean           drag_current_drawn;
  GArray            *drag_latency;
} Scrub;

static GdkTexture *
make_texture (Scrub *scrub)
{
  GBytes *bytes = scrub->pixels[scrub->next_pixels++ % 2];

  return gdk_memory_texture_new (WIDTH, HEIGHT, GDK_MEMORY_R8G8B8, bytes, WIDTH * 3);
}

static GBytes *
make_pixels (int shade)
{
  guint8 *data = g_malloc ((gsize) WIDTH * 3 * HEIGHT);

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        guint8 *p = data + (gsize) y * WIDTH * 3 + 3 * x;
        guint8 v = (x % 240 < 2 || y % 240 < 2) ? 40 : (guint8) (90 + shade + x * 60 / WIDTH);

        p[0] = v, p[1] = (guint8) (v + y * 30 / HEIGHT), p[2] = v;
      }
  return g_bytes_new_take (data, (gsize) WIDTH * 3 * HEIGHT);
}

static gboolean
overlay_drawn (Scrub *scrub)
{
  QuorumOverlay *overlay = _quorum_canvas_get_overlay (scrub->canvas);

  return quorum_overlay_is_sharp (overlay) && quorum_overlay_get_frame_missing (overlay) == 0;
}

/* The frame clock runs layout, paint and after-paint in one go: what the
 * overlay holds here is what the paint showed. */
static void
after_paint (GdkFrameClock *clock,
             gpointer       user_data)
{
  Scrub *scrub = user_data;
  gint64 now = g_get_monotonic_time ();

  if (scrub->waiting && _quorum_canvas_get_frame_count (scrub->canvas) > scrub->frames_before)
    {
      if (scrub->painted == 0)
        scrub->painted = now;
      if (scrub->drawn == 0 && overlay_drawn (scrub))
        {
          scrub->drawn = now;
          scrub->cpu_drawn = process_cpu_ms ();
        }
    }
  if (scrub->drag_latency != NULL && _quorum_canvas_get_frame_count (scrub->canvas) > scrub->frames_before)
    {
      scrub->drag_paints++;
      if (overlay_drawn (scrub))
        {
          if (!scrub->drag_current_drawn)
            {
              double ms = (now - scrub->start) / 1000.0;

              scrub->drag_current_drawn = TRUE;
              scrub->drag_drawn++;
              g_array_append_val (scrub->drag_latency, ms);
            }
        }
      else
        scrub->drag_paints_bare++;
    }
}

static void
check_frame (Scrub *scrub,
             guint  frame)
{
  guint n = quorum_canvas_get_n_instances (scrub->canvas);

  if (n != scrub->counts[frame])
    g_error ("frame %u: the canvas holds %u instances, quorum_tracks_at_frame gave %u", frame, n,
             scrub->counts[frame]);
  if (n > 0 && quorum_canvas_get_instance (scrub->canvas, 0)->frame != frame)
    g_error ("frame %u: the canvas's first instance is of frame %u", frame,
             quorum_canvas_get_instance (scrub->canvas, 0)->frame);
}

/* Gives the canvas @frame (its texture and its instances). */
static void
show (Scrub   *scrub,
      guint    frame,
      gboolean new_image)
{
  if (new_image)
    {
      g_autoptr(GdkTexture) texture = make_texture (scrub);

      quorum_canvas_show_frame (scrub->canvas, texture);
    }
  quorum_track_editor_set_frame (scrub->editor, frame);
}

static gboolean
timed_out (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The main loop runs (and sleeps) for @ms: no spinning that would take a
 * core from the renderer's threads. */
static void
idle_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timed_out, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Each change waits for its overlays to be drawn, then @pause ms. */
static void
time_changes (Scrub       *scrub,
              const char  *what,
              const guint *frames,
              guint        n,
              guint        pause,
              gboolean     new_image)
{
  g_autoptr(GArray) in_canvas = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) set_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) painted = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) drawn = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  guint bare = 0;

  for (guint i = 0; i < n; i++)
    {
      gint64 end;
      double ms, t0;

      scrub->waiting = TRUE;
      scrub->painted = scrub->drawn = 0;
      scrub->frames_before = _quorum_canvas_get_frame_count (scrub->canvas);
      scrub->cpu_start = process_cpu_ms ();
      scrub->start = g_get_monotonic_time ();
      t0 = thread_cpu_ms ();
      show (scrub, frames[i], new_image);
      ms = thread_cpu_ms () - t0;
      g_array_append_val (set_cpu, ms);
      ms = (g_get_monotonic_time () - scrub->start) / 1000.0;
      g_array_append_val (in_canvas, ms);
      check_frame (scrub, frames[i]);
      end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      while (scrub->drawn == 0)
        {
          if (g_get_monotonic_time () > end)
            g_error ("frame %u: overlays not drawn in 30 s", frames[i]);
          g_main_context_iteration (NULL, TRUE);
        }
      scrub->waiting = FALSE;
      if (scrub->drawn != scrub->painted)
        bare++;
      ms = (scrub->painted - scrub->start) / 1000.0;
      g_array_append_val (painted, ms);
      ms = (scrub->drawn - scrub->start) / 1000.0;
      g_array_append_val (drawn, ms);
      ms = scrub->cpu_drawn - scrub->cpu_start;
      g_array_append_val (cpu, ms);
      idle_for (pause);
    }
  g_print ("%s (n = %u, load %.1f)\n", what, n, load_average ());
  print_line ("in canvas", in_canvas, "ms");
  print_line ("  of which CPU", set_cpu, "ms");
  print_line ("painted (next paint)", painted, "ms");
  print_line ("overlays drawn", drawn, "ms");
  print_line ("process CPU to drawn", cpu, "ms");
  g_print ("  %u of %u changes painted first without their overlays\n", bare, n);
}

static gboolean
drag_step (gpointer user_data)
{
  Scrub *scrub = user_data;

  scrub->drag_frame = (scrub->drag_frame + 3) % opt_frames;
  scrub->drag_changes++;
  scrub->drag_current_drawn = FALSE;
  scrub->start = g_get_monotonic_time ();
  show (scrub, scrub->drag_frame, TRUE);
  return G_SOURCE_CONTINUE;
}

/* A drag on the timeline: +3 frames every 33 ms whatever was painted, as
 * motion events come; how many changes and paints showed their overlays. */
static void
drag_scrub (Scrub *scrub)
{
  guint source;

  scrub->drag_latency = g_array_new (FALSE, FALSE, sizeof (double));
  scrub->drag_current_drawn = TRUE;
  scrub->frames_before = _quorum_canvas_get_frame_count (scrub->canvas);
  source = g_timeout_add (33, drag_step, scrub);
  idle_for (opt_drag_seconds * 1000);
  g_source_remove (source);
  g_print ("drag scrub, +3 frames every 33 ms, new image each, %d s (load %.1f)\n", opt_drag_seconds,
           load_average ());
  g_print ("  %u changes, %u with their overlays painted before the next change; "
           "%u paints, %u of them without their frame's overlays\n",
           scrub->drag_changes, scrub->drag_drawn, scrub->drag_paints, scrub->drag_paints_bare);
  print_line ("change to overlays drawn", scrub->drag_latency, "ms");
  g_clear_pointer (&scrub->drag_latency, g_array_unref);
}

/* The floor: a new image alone, no frame change of the instances. */
static void
time_image_only (Scrub *scrub,
                 guint  n)
{
  g_autoptr(GArray) painted = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n; i++)
    {
      gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      double ms, cpu_start = process_cpu_ms ();

      scrub->waiting = TRUE;
      scrub->painted = scrub->drawn = 0;
      scrub->frames_before = _quorum_canvas_get_frame_count (scrub->canvas);
      scrub->start = g_get_monotonic_time ();
      show (scrub, quorum_track_editor_get_frame (scrub->editor), TRUE);
      while (scrub->painted == 0)
        {
          if (g_get_monotonic_time () > end)
            g_error ("image never painted");
          g_main_context_iteration (NULL, TRUE);
        }
      scrub->waiting = FALSE;
      ms = process_cpu_ms () - cpu_start;
      g_array_append_val (cpu, ms);
      ms = (scrub->painted - scrub->start) / 1000.0;
      g_array_append_val (painted, ms);
      idle_for (33);
    }
  g_print ("new image alone, same frame's instances (n = %u, load %.1f)\n", n, load_average ());
  print_line ("painted", painted, "ms");
  print_line ("process CPU to painted", cpu, "ms");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— scrub 50 tracks on the real canvas");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GdkTexture) first = NULL;
  g_autofree guint *order = NULL;
  g_autofree guint *counts = NULL;
  QuorumTrackIndex *index;
  Scrub scrub = { 0 };
  GtkWindow *window;
  guint n_keyframes = 0, n_outside = 0, n;
  gint64 start;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_tracks < 1 || opt_frames < 100 || opt_vertices < 3 || opt_changes < 1)
    {
      g_printerr ("--tracks ≥ 1, --frames ≥ 100, --vertices ≥ 3, --changes ≥ 1\n");
      return 2;
    }

  rand = g_rand_new_with_seed (opt_seed);
  start = g_get_monotonic_time ();
  instances = make_tracks (rand);
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);

      n_keyframes += instance->keyframe;
      n_outside += instance->outside;
    }
  g_print ("%d tracks (boxes and %d-vertex polygons) over %d frames: %u stored instances "
           "(%u keyframes, %u outside), made in %.0f ms; load average %.1f, %u cores\n\n",
           opt_tracks, opt_vertices, opt_frames, instances->len, n_keyframes, n_outside,
           (g_get_monotonic_time () - start) / 1000.0, load_average (), g_get_num_processors ());

  /* quorum_tracks_at_frame on its own, every frame in order and at random. */
  index = quorum_track_index_new (instances);
  order = g_new (guint, opt_frames);
  counts = g_new0 (guint, opt_frames);
  for (int i = 0; i < opt_frames; i++)
    order[i] = i;
  time_at_frame (index, instances, order, opt_frames, "every frame in order", counts);
  for (int i = opt_frames - 1; i > 0; i--)
    {
      int j = g_rand_int_range (rand, 0, i + 1);
      guint swap = order[i];

      order[i] = order[j], order[j] = swap;
    }
  time_at_frame (index, instances, order, opt_frames, "every frame in random order", NULL);
  time_drawing (index, instances, order, MIN (opt_frames, 300));
  quorum_track_index_free (index);
  g_print ("\n");

  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under Xvfb, e.g. xvfb-run -a -s \"-screen 0 1920x1080x24\" %s\n", argv[0]);
      return 2;
    }
  scrub.counts = counts;
  scrub.pixels[0] = make_pixels (0);
  scrub.pixels[1] = make_pixels (40);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, WIDTH, HEIGHT);
  scrub.canvas = QUORUM_CANVAS (quorum_canvas_new ());
  gtk_window_set_child (window, GTK_WIDGET (scrub.canvas));
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    quorum_canvas_set_label_color (scrub.canvas, labels[i], &colors[i]);
  first = make_texture (&scrub);
  quorum_canvas_show_frame (scrub.canvas, first);
  scrub.editor = quorum_track_editor_new (scrub.canvas);
  start = g_get_monotonic_time ();
  quorum_track_editor_set_instances (scrub.editor, instances, opt_frames);
  g_print ("quorum_track_editor_set_instances: %.1f ms (copies %u instances, builds the index, shows frame 0)\n",
           (g_get_monotonic_time () - start) / 1000.0, instances->len);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (scrub.canvas)) || gtk_widget_get_width (GTK_WIDGET (scrub.canvas)) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (scrub.canvas)), "after-paint",
                    G_CALLBACK (after_paint), &scrub);
  idle_for (500);
  g_print ("canvas %d × %d, renderer %s (GSK_RENDERER=%s), image %d × %d as one texture\n\n",
           gtk_widget_get_width (GTK_WIDGET (scrub.canvas)), gtk_widget_get_height (GTK_WIDGET (scrub.canvas)),
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset", WIDTH, HEIGHT);

  /* Consecutive frames from a random start, then random jumps. */
  n = (guint) opt_changes;
  {
    g_autofree guint *frames = g_new (guint, n);
    guint from = g_rand_int_range (rand, 0, opt_frames - n);

    for (guint i = 0; i < n; i++)
      frames[i] = from + 1 + i;
    time_changes (&scrub, "next frame, 33 ms apart, a new image each", frames, n, 33, TRUE);
    for (guint i = 0; i < n; i++)
      frames[i] = from - i - 1 + n;   /* back over the same frames */
    time_changes (&scrub, "previous frame, 33 ms apart, image kept (overlays alone)", frames, n, 33, FALSE);
    for (guint i = 0; i < n; i++)
      frames[i] = g_rand_int_range (rand, 0, opt_frames);
    time_changes (&scrub, "random jump, 150 ms apart, a new image each", frames, n, 150, TRUE);
  }
  time_image_only (&scrub, MIN (n, 60));
  drag_scrub (&scrub);

  gtk_window_destroy (window);
  g_clear_object (&scrub.editor);
  g_bytes_unref (scrub.pixels[0]);
  g_bytes_unref (scrub.pixels[1]);
  return 0;
}
