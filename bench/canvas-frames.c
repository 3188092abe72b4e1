/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <time.h>

#include "quorum-canvas-private.h"

/* Frames as the user gets them: the real QuorumCanvas in a real window,
 * driven once per frame from a tick callback, timed by the frame clock's
 * signals. Run under Xvfb:
 *   xvfb-run -a -s "-screen 0 1920x1080x24" _build/bench/canvas-frames */

#define VIEW_WIDTH  1920
#define VIEW_HEIGHT 1080

static int opt_n = 10000;
static int opt_vertices = 20;
static int opt_seed = 1;
static int opt_frames = 200;
static int opt_sharp_runs = 21;
static int opt_image_width = 10000;
static int opt_image_height = 5000;

static const GOptionEntry entries[] = {
  { "n", 'n', 0, G_OPTION_ARG_INT, &opt_n, "Polygons (default 10000)", "N" },
  { "vertices", 'v', 0, G_OPTION_ARG_INT, &opt_vertices, "Vertices per polygon (default 20)", "V" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed (default 1)", "S" },
  { "frames", 'f', 0, G_OPTION_ARG_INT, &opt_frames, "Frames per measurement (default 200)", "F" },
  { "sharp-runs", 0, 0, G_OPTION_ARG_INT, &opt_sharp_runs, "Zooms timed to the sharp frame (default 21)", "R" },
  { "image-width", 0, 0, G_OPTION_ARG_INT, &opt_image_width, "Image width (default 10000)", "W" },
  { "image-height", 0, 0, G_OPTION_ARG_INT, &opt_image_height, "Image height (default 5000)", "H" },
  { NULL }
};

static const char *labels[] = { "car", "person", "bicycle" };
static const GdkRGBA colors[] = {
  { 0.21f, 0.52f, 0.89f, 1 }, { 0.90f, 0.38f, 0.0f, 1 }, { 0.15f, 0.64f, 0.41f, 1 },
};

/* The scene of bench/canvas: star-shaped polygons, radii 25–120 px. */
static GPtrArray *
make_polygons (GRand *rand)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  g_autofree QuorumPoint *points = g_new (QuorumPoint, opt_vertices);

  for (int i = 0; i < opt_n; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%d", i);
      QuorumInstance *instance = quorum_instance_new (id, labels[i % 3], QUORUM_KIND_POLYGON);
      double radius = g_rand_double_range (rand, 25, 120);
      double cx = g_rand_double_range (rand, radius, opt_image_width - radius);
      double cy = g_rand_double_range (rand, radius, opt_image_height - radius);

      for (int v = 0; v < opt_vertices; v++)
        {
          double angle = 2 * G_PI * v / opt_vertices;
          double r = radius * g_rand_double_range (rand, 0.55, 1.0);

          points[v] = (QuorumPoint) { cx + r * cos (angle), cy + r * sin (angle) };
        }
      quorum_instance_set_points (instance, points, opt_vertices);
      g_ptr_array_add (instances, instance);
    }
  return instances;
}

/* A grey gradient with a grid: something to scale, like a photograph. */
static GdkTexture *
make_image (void)
{
  gsize stride = (gsize) opt_image_width * 3;
  guint8 *data = g_malloc (stride * opt_image_height);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < opt_image_height; y++)
    for (int x = 0; x < opt_image_width; x++)
      {
        guint8 *p = data + y * stride + 3 * x;
        guint8 v = (x % 500 < 3 || y % 500 < 3) ? 40 : 150 + (x * 60 / opt_image_width);

        p[0] = v, p[1] = v, p[2] = (guint8) (v + y * 40 / opt_image_height);
      }
  bytes = g_bytes_new_take (data, stride * opt_image_height);
  return gdk_memory_texture_new (opt_image_width, opt_image_height, GDK_MEMORY_R8G8B8, bytes, stride);
}

typedef enum
{
  PHASE_OPEN,
  PHASE_SETTLE,
  PHASE_PAN_SETUP,
  PHASE_PAN,
  PHASE_PAN_BARE,
  PHASE_ZOOM,
  PHASE_DRAG,
  PHASE_SHARP,
  PHASE_DONE,
} Phase;

enum { M_PAN, M_PAN_BARE, M_ZOOM, M_DRAG, N_MEASURES };

typedef struct
{
  QuorumCanvas *canvas;
  GMainLoop    *loop;
  Phase         phase;
  Phase         after_settle;
  int           step;
  gint64        input_time;   /* when this frame's input was applied; 0 for none */
  gint64        last_paint;
  int           measure;      /* of M_*, or -1 */
  GArray       *work[N_MEASURES];      /* input → after-paint, ms */
  GArray       *intervals[N_MEASURES]; /* after-paint → after-paint, ms */
  GArray       *cpu[N_MEASURES];       /* processor time, every thread, after-paint → after-paint */
  double        last_cpu;
  GArray       *sharp;                 /* zoom → after-paint of the first sharp frame, ms */
  gint64        open_start;
  double        open_ms;
  gint64        sharp_start;  /* 0 while not waiting */
  int           idle_frames;
  double        drag_x;
  double        drag_y;
  guint         frames_painted;
} Bench;

static void
settle_then (Bench *bench,
             Phase  next)
{
  bench->phase = PHASE_SETTLE;
  bench->after_settle = next;
  bench->step = 0;
  bench->measure = -1;
}

static void
start_phase (Bench *bench,
             Phase  phase)
{
  bench->phase = phase;
  bench->step = 0;
  switch (phase)
    {
    case PHASE_PAN:
      bench->measure = M_PAN;
      break;
    case PHASE_PAN_BARE:
      bench->measure = M_PAN_BARE;
      break;
    case PHASE_ZOOM:
      bench->measure = M_ZOOM;
      break;
    case PHASE_DRAG:
      bench->measure = M_DRAG;
      break;
    default:
      bench->measure = -1;
      break;
    }
}

/* The polygon under the view's centre selected, and a vertex to drag. */
static void
begin_drag (Bench *bench)
{
  QuorumCanvas *canvas = bench->canvas;
  int position = quorum_canvas_hit_test (canvas, VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0);
  const QuorumInstance *instance;

  if (position < 0)
    position = opt_n / 2;
  quorum_canvas_select (canvas, position);
  instance = quorum_canvas_get_instance (canvas, position);
  quorum_canvas_image_to_widget (canvas, instance->points[3].x, instance->points[3].y,
                                 &bench->drag_x, &bench->drag_y);
  if (!_quorum_canvas_drag_begin (canvas, GDK_BUTTON_PRIMARY, 0, bench->drag_x, bench->drag_y))
    g_warning ("the drag did not start on the vertex");
}

static gboolean
pyramid_building (QuorumCanvas *canvas)
{
  QuorumImagePyramid *pyramid = _quorum_canvas_get_pyramid (canvas);

  return pyramid != NULL && quorum_image_pyramid_is_building (pyramid);
}

static gboolean
tick (GtkWidget     *widget,
      GdkFrameClock *clock,
      gpointer       user_data)
{
  Bench *bench = user_data;
  QuorumCanvas *canvas = bench->canvas;
  QuorumOverlay *overlay = _quorum_canvas_get_overlay (canvas);

  bench->input_time = 0;
  switch (bench->phase)
    {
    case PHASE_OPEN:
    case PHASE_DONE:
      break;

    case PHASE_SETTLE:
      /* The view and its margin drawn, the image's levels made, and a few
       * quiet frames. */
      if (quorum_overlay_is_complete (overlay) && !pyramid_building (canvas) && ++bench->step > 10)
        start_phase (bench, bench->after_settle);
      break;

    case PHASE_PAN_SETUP:
      /* Pan at twice the fit, as bench/canvas. */
      quorum_canvas_fit (canvas);
      quorum_canvas_zoom_at (canvas, 2, VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0);
      settle_then (bench, PHASE_PAN);
      break;

    default:
      break;
    }

  if (bench->phase == PHASE_PAN || bench->phase == PHASE_PAN_BARE)
    {
      int i = bench->step;

      bench->input_time = g_get_monotonic_time ();
      _quorum_canvas_scroll (canvas, (i / 50) % 2 ? -24 : 24, (i / 25) % 2 ? -8 : 8,
                             GDK_SCROLL_UNIT_SURFACE, 0);
      if (++bench->step < opt_frames)
        ;
      else if (bench->phase == PHASE_PAN)
        {
          /* The same pan with the instances hidden: what the image alone costs. */
          quorum_canvas_set_instances_visible (canvas, FALSE);
          bench->phase = PHASE_PAN_BARE;
          bench->measure = M_PAN_BARE;
          bench->step = 0;
          bench->last_paint = 0;
        }
      else
        {
          quorum_canvas_set_instances_visible (canvas, TRUE);
          quorum_canvas_fit (canvas);
          settle_then (bench, PHASE_ZOOM);
        }
    }
  else if (bench->phase == PHASE_ZOOM)
    {
      int i = bench->step;

      bench->input_time = g_get_monotonic_time ();
      quorum_canvas_zoom_at (canvas, (i / 20) % 2 ? 1 / 1.1 : 1.1, 700 + (i % 7) * 30,
                             400 + (i % 5) * 20);
      if (++bench->step >= opt_frames)
        {
          quorum_canvas_fit (canvas);
          settle_then (bench, PHASE_DRAG);
        }
    }
  else if (bench->phase == PHASE_DRAG)
    {
      int i = bench->step;

      if (i == 0)
        {
          begin_drag (bench);
          bench->measure = -1;   /* selecting redraws its tiles once: not a drag frame */
          bench->step++;
        }
      else if (i <= 5)
        bench->step++;         /* let the selection settle */
      else
        {
          bench->measure = M_DRAG;
          bench->input_time = g_get_monotonic_time ();
          bench->drag_x += (i / 20) % 2 ? -2 : 2;
          bench->drag_y += 1;
          _quorum_canvas_drag_update (canvas, bench->drag_x, bench->drag_y);
          if (++bench->step > opt_frames + 5)
            {
              _quorum_canvas_drag_end (canvas, bench->drag_x, bench->drag_y);
              quorum_canvas_select (canvas, -1);
              quorum_canvas_fit (canvas);
              settle_then (bench, PHASE_SHARP);
            }
        }
    }
  else if (bench->phase == PHASE_SHARP && bench->sharp_start == 0)
    {
      /* Each zoom starts from a quiet canvas: everything drawn, margin too. */
      if (!quorum_overlay_is_complete (overlay))
        bench->idle_frames = 0;
      else if (++bench->idle_frames > 3)
        {
          if ((int) bench->sharp->len >= opt_sharp_runs)
            {
              bench->phase = PHASE_DONE;
              g_main_loop_quit (bench->loop);
            }
          else
            {
              bench->sharp_start = g_get_monotonic_time ();
              quorum_canvas_zoom_at (canvas, bench->sharp->len % 2 ? 1 / 1.05 : 1.05,
                                     VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0);
              bench->idle_frames = 0;
            }
        }
    }
  return G_SOURCE_CONTINUE;
}

/* Processor time of the whole process in ms: GTK's, the renderer's threads
 * (Mesa's llvmpipe) and the tile workers'. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static void
after_paint (GdkFrameClock *clock,
             gpointer       user_data)
{
  Bench *bench = user_data;
  QuorumOverlay *overlay = _quorum_canvas_get_overlay (bench->canvas);
  gint64 now = g_get_monotonic_time ();
  double cpu = cpu_ms ();
  guint frames = _quorum_canvas_get_frame_count (bench->canvas);
  gboolean painted = frames != bench->frames_painted;

  bench->frames_painted = frames;
  if (bench->phase == PHASE_OPEN && painted && quorum_overlay_is_sharp (overlay))
    {
      bench->open_ms = (now - bench->open_start) / 1000.0;
      settle_then (bench, PHASE_PAN_SETUP);
    }
  if (bench->measure >= 0 && bench->input_time != 0)
    {
      double work = (now - bench->input_time) / 1000.0;

      g_array_append_val (bench->work[bench->measure], work);
      if (bench->last_paint != 0)
        {
          double interval = (now - bench->last_paint) / 1000.0;
          double frame_cpu = cpu - bench->last_cpu;

          g_array_append_val (bench->intervals[bench->measure], interval);
          g_array_append_val (bench->cpu[bench->measure], frame_cpu);
        }
      bench->last_paint = now;
      bench->last_cpu = cpu;
    }
  else
    bench->last_paint = 0;
  if (bench->phase == PHASE_SHARP && bench->sharp_start != 0 && painted
      && quorum_overlay_is_sharp (overlay))
    {
      double ms = (now - bench->sharp_start) / 1000.0;

      g_array_append_val (bench->sharp, ms);
      bench->sharp_start = 0;
    }
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
        const char *note)
{
  double median, p95, worst;

  if (times->len == 0)
    {
      g_print ("%-30s no frames\n", what);
      return;
    }
  g_array_sort (times, compare_doubles);
  median = g_array_index (times, double, times->len / 2);
  p95 = g_array_index (times, double, MIN (times->len - 1, (guint) ceil (times->len * 0.95) - 1));
  worst = g_array_index (times, double, times->len - 1);
  g_print ("%-30s median %8.2f ms   p95 %8.2f ms   max %8.2f ms   (%u)  %s\n",
           what, median, p95, worst, times->len, note);
}

static void
print_memory (void)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:") || g_str_has_prefix (lines[i], "VmHWM:"))
      g_print ("%s\n", lines[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time the canvas's frames in a real window");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GdkTexture) image = NULL;
  GtkWindow *window;
  GdkFrameClock *clock;
  GskRenderer *renderer;
  Bench bench = { 0 };
  gint64 levels_start;
  double levels_ms;
  static const char *names[N_MEASURES] = { "pan", "pan, instances hidden", "zoom", "vertex drag" };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under Xvfb, e.g. xvfb-run -a -s \"-screen 0 1920x1080x24\" %s\n",
                  argv[0]);
      return 2;
    }

  rand = g_rand_new_with_seed (opt_seed);
  instances = make_polygons (rand);
  image = make_image ();
  for (int i = 0; i < N_MEASURES; i++)
    {
      bench.work[i] = g_array_new (FALSE, FALSE, sizeof (double));
      bench.intervals[i] = g_array_new (FALSE, FALSE, sizeof (double));
      bench.cpu[i] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  bench.sharp = g_array_new (FALSE, FALSE, sizeof (double));
  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.measure = -1;

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, VIEW_WIDTH, VIEW_HEIGHT);
  bench.canvas = QUORUM_CANVAS (quorum_canvas_new ());
  gtk_window_set_child (window, GTK_WIDGET (bench.canvas));
  levels_start = g_get_monotonic_time ();
  quorum_canvas_set_image (bench.canvas, image);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    quorum_canvas_set_label_color (bench.canvas, labels[i], &colors[i]);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (bench.canvas))
         || gtk_widget_get_width (GTK_WIDGET (bench.canvas)) == 0)
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  while (pyramid_building (bench.canvas))
    g_main_context_iteration (NULL, TRUE);
  levels_ms = (g_get_monotonic_time () - levels_start) / 1000.0;

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.canvas));
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &bench);
  gtk_widget_add_tick_callback (GTK_WIDGET (bench.canvas), tick, &bench, NULL);

  g_print ("%d polygons of %d vertices on a %d × %d image, canvas %d × %d (scale factor %d), "
           "renderer %s (GSK_RENDERER=%s), %u cores\n\n",
           opt_n, opt_vertices, opt_image_width, opt_image_height,
           gtk_widget_get_width (GTK_WIDGET (bench.canvas)),
           gtk_widget_get_height (GTK_WIDGET (bench.canvas)),
           gtk_widget_get_scale_factor (GTK_WIDGET (bench.canvas)),
           G_OBJECT_TYPE_NAME (renderer), g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "unset",
           g_get_num_processors ());

  if (_quorum_canvas_get_pyramid (bench.canvas) != NULL)
    g_print ("%-30s %8.2f ms   (%u levels down to %d px, made in a worker while the window opened)\n\n",
             "image levels", levels_ms,
             quorum_image_pyramid_get_n_levels (_quorum_canvas_get_pyramid (bench.canvas)),
             QUORUM_IMAGE_PYRAMID_MIN_SIDE);

  /* The instances arrive on a canvas already showing the image, as when
   * the window opens a task: to the first frame with every one drawn. */
  bench.phase = PHASE_OPEN;
  bench.open_start = g_get_monotonic_time ();
  quorum_canvas_set_instances (bench.canvas, instances);
  g_main_loop_run (bench.loop);

  g_print ("%-30s %8.2f ms   (quorum_canvas_set_instances → after-paint of the first frame "
           "with every tile drawn, at fit)\n", "instances to first frame", bench.open_ms);
  for (int i = 0; i < N_MEASURES; i++)
    {
      g_autofree char *work = g_strdup_printf ("%s: input → painted", names[i]);
      g_autofree char *interval = g_strdup_printf ("%s: frame interval", names[i]);
      g_autofree char *cpu = g_strdup_printf ("%s: CPU per frame", names[i]);

      report (work, bench.work[i], "(tick callback's input → the frame clock's after-paint)");
      report (interval, bench.intervals[i], "(after-paint → after-paint)");
      report (cpu, bench.cpu[i], "(processor time of every thread between after-paints)");
    }
  report ("sharp redraw after a zoom", bench.sharp,
          "(zoom at fit → after-paint of the first frame with every tile at the new scale)");
  print_memory ();
  return 0;
}
