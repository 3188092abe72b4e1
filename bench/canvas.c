/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <time.h>

#include "quorum-overlay.h"

/* The canvas's drawing path without a display: the same QuorumOverlay calls
 * that QuorumCanvas makes from its snapshot vfunc and its controllers. */

#define VIEW_WIDTH   1920
#define VIEW_HEIGHT  1080
#define FRAME_USEC   (G_USEC_PER_SEC / 60)

static int    opt_n = 10000;
static int    opt_vertices = 20;
static int    opt_seed = 1;
static int    opt_frames = 200;
static int    opt_image_width = 10000;
static int    opt_image_height = 5000;

static const GOptionEntry entries[] = {
  { "n", 'n', 0, G_OPTION_ARG_INT, &opt_n, "Polygons (default 10000)", "N" },
  { "vertices", 'v', 0, G_OPTION_ARG_INT, &opt_vertices, "Vertices per polygon (default 20)", "V" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed (default 1)", "S" },
  { "frames", 'f', 0, G_OPTION_ARG_INT, &opt_frames, "Frames per measurement (default 200)", "F" },
  { NULL }
};

static const char *labels[] = { "car", "person", "bicycle" };
static const GdkRGBA colors[] = {
  { 0.21f, 0.52f, 0.89f, 1 }, { 0.90f, 0.38f, 0.0f, 1 }, { 0.15f, 0.64f, 0.41f, 1 },
};

/* Star-shaped polygons, radii 25–120 px, spread uniformly over the image. */
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

typedef struct
{
  guint n_tiles;
  guint n_pixels;
} FrameCount;

/* What QuorumCanvas does with each tile: one texture node. */
static void
append_tile (GdkTexture            *texture,
             const graphene_rect_t *bounds,
             gpointer               user_data)
{
  GtkSnapshot *snapshot = user_data;

  gtk_snapshot_append_texture (snapshot, texture, bounds);
}

static void
count_tile (GdkTexture            *texture,
            const graphene_rect_t *bounds,
            gpointer               user_data)
{
  guint *n_tiles = user_data;

  (*n_tiles)++;
}

/* Render nodes need GTK initialised, which needs a display; without one the
 * frame only collects its tiles. */
static gboolean have_display;

static double
frame (QuorumOverlay    *overlay,
       const QuorumView *view)
{
  gint64 start = g_get_monotonic_time ();

  if (have_display)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;

      quorum_overlay_frame (overlay, view, VIEW_WIDTH, VIEW_HEIGHT, append_tile, snapshot);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  else
    {
      guint n_tiles = 0;

      quorum_overlay_frame (overlay, view, VIEW_WIDTH, VIEW_HEIGHT, count_tile, &n_tiles);
    }
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
wait_until_idle (QuorumOverlay *overlay)
{
  while (quorum_overlay_is_rendering (overlay))
    g_main_context_iteration (NULL, TRUE);
}

/* Frames until the view and its margin are drawn at the view's scale. */
static void
settle (QuorumOverlay    *overlay,
        const QuorumView *view)
{
  for (int i = 0; i < 100; i++)
    {
      frame (overlay, view);
      wait_until_idle (overlay);
      if (quorum_overlay_is_complete (overlay))
        return;
    }
  g_warning ("the overlay did not settle");
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Processor time of the whole process, every thread, in ms: on a machine
 * shared with other work it moves much less than the wall clock. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

/* The processor time of the runs being timed, reported with them. */
static GArray *cpu_times;

static void
report (const char *what,
        GArray     *times,
        const char *note)
{
  double median, p95, worst;

  g_array_sort (times, compare_doubles);
  median = g_array_index (times, double, times->len / 2);
  p95 = g_array_index (times, double, MIN (times->len - 1, (guint) ceil (times->len * 0.95) - 1));
  worst = g_array_index (times, double, times->len - 1);
  g_print ("%-28s median %8.3f ms   p95 %8.3f ms   max %8.3f ms   (%u runs)",
           what, median, p95, worst, times->len);
  if (cpu_times->len > 0)
    {
      g_array_sort (cpu_times, compare_doubles);
      g_print ("   CPU median %8.3f ms", g_array_index (cpu_times, double, cpu_times->len / 2));
      g_array_set_size (cpu_times, 0);
    }
  g_print ("%s%s\n", note ? "  " : "", note ? note : "");
}

static QuorumView
fit_view (void)
{
  double scale = MIN ((double) VIEW_WIDTH / opt_image_width, (double) VIEW_HEIGHT / opt_image_height);

  return (QuorumView) {
    scale, (VIEW_WIDTH - opt_image_width * scale) / 2, (VIEW_HEIGHT - opt_image_height * scale) / 2,
  };
}

static void
zoom_at (QuorumView *view,
         double      factor,
         double      x,
         double      y)
{
  double ix, iy;

  quorum_view_to_image (view, x, y, &ix, &iy);
  view->scale *= factor;
  view->x = x - ix * view->scale;
  view->y = y - iy * view->scale;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time the canvas's drawing path");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(QuorumOverlay) overlay = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  QuorumView view = fit_view ();
  guint blank_frames = 0;
  int selected;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  have_display = gtk_init_check ();
  cpu_times = g_array_new (FALSE, FALSE, sizeof (double));
  rand = g_rand_new_with_seed (opt_seed);
  instances = make_polygons (rand);
  overlay = quorum_overlay_new ();
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    quorum_overlay_set_label_color (overlay, labels[i], &colors[i]);
  quorum_overlay_set_extent (overlay, opt_image_width, opt_image_height);
  quorum_overlay_set_instances (overlay, instances);

  g_print ("%d polygons of %d vertices on a %d × %d image, view %d × %d at fit (scale %.4f), "
           "%u cores%s\n\n", opt_n, opt_vertices, opt_image_width, opt_image_height,
           VIEW_WIDTH, VIEW_HEIGHT, view.scale, g_get_num_processors (),
           have_display ? "" : "; no display: frames build no render nodes");

  /* One thread, everything at once: what the tiles save us from. */
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, VIEW_WIDTH, VIEW_HEIGHT);

    for (int run = 0; run < 7; run++)
      {
        cairo_t *cr = cairo_create (surface);
        gint64 start = g_get_monotonic_time ();
        double cpu = cpu_ms ();
        double ms;

        quorum_overlay_render (overlay, cr, &view, VIEW_WIDTH, VIEW_HEIGHT);
        cairo_surface_flush (surface);
        ms = (g_get_monotonic_time () - start) / 1000.0;
        cpu = cpu_ms () - cpu;
        g_array_append_val (cpu_times, cpu);
        g_array_append_val (times, ms);
        cairo_destroy (cr);
      }
    report ("full redraw, one thread", times, "(quorum_overlay_render: cairo alone, the reference)");
    g_array_set_size (times, 0);

    for (int run = 0; run < 7; run++)
      {
        gint64 start;
        double ms, cpu;
        cairo_t *cr = cairo_create (surface);

        cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
        cairo_paint (cr);
        cairo_destroy (cr);
        start = g_get_monotonic_time ();
        cpu = cpu_ms ();
        quorum_overlay_render_image (overlay, surface, &view);
        ms = (g_get_monotonic_time () - start) / 1000.0;
        cpu = cpu_ms () - cpu;
        g_array_append_val (cpu_times, cpu);
        g_array_append_val (times, ms);
      }
    report ("full redraw, one thread, fast", times, "(quorum_overlay_render_image: as the tiles)");
    g_array_set_size (times, 0);

    /* The same by tiles of the cache's size, one thread, both ways: a tile
     * fits the processor's cache, which the whole view does not. */
    for (int fast = 0; fast <= 1; fast++)
      {
        cairo_surface_t *tile = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                            QUORUM_OVERLAY_TILE_SIZE,
                                                            QUORUM_OVERLAY_TILE_SIZE);

        for (int run = 0; run < 7; run++)
          {
            gint64 start = g_get_monotonic_time ();
            double cpu = cpu_ms ();
            double ms;

            for (int ty = 0; ty * QUORUM_OVERLAY_TILE_SIZE < VIEW_HEIGHT; ty++)
              for (int tx = 0; tx * QUORUM_OVERLAY_TILE_SIZE < VIEW_WIDTH; tx++)
                {
                  QuorumView at = { view.scale, view.x - tx * QUORUM_OVERLAY_TILE_SIZE,
                                    view.y - ty * QUORUM_OVERLAY_TILE_SIZE };
                  cairo_t *cr = cairo_create (tile);

                  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
                  cairo_paint (cr);
                  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
                  if (fast)
                    quorum_overlay_render_image (overlay, tile, &at);
                  else
                    quorum_overlay_render (overlay, cr, &at, QUORUM_OVERLAY_TILE_SIZE,
                                           QUORUM_OVERLAY_TILE_SIZE);
                  cairo_destroy (cr);
                }
            ms = (g_get_monotonic_time () - start) / 1000.0;
            cpu = cpu_ms () - cpu;
            g_array_append_val (cpu_times, cpu);
            g_array_append_val (times, ms);
          }
        report (fast ? "tiles, one thread, fast" : "tiles, one thread, cairo", times,
                fast ? "(as the canvas draws them)" : "(cairo alone)");
        g_array_set_size (times, 0);
        cairo_surface_destroy (tile);
      }
    cairo_surface_destroy (surface);
  }

  /* The sharp redraw after a zoom: all tiles of the view, two threads. */
  settle (overlay, &view);
  for (int run = 0; run < 21; run++)
    {
      QuorumView zoomed = view;
      gint64 start;
      double ms, cpu;

      zoomed.scale *= (run % 2) ? 1.0 : 1.0001;
      start = g_get_monotonic_time ();
      cpu = cpu_ms ();
      /* The overlay draws a new scale once it holds for a frame. */
      frame (overlay, &zoomed);
      frame (overlay, &zoomed);
      wait_until_idle (overlay);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      cpu = cpu_ms () - cpu;
      g_array_append_val (cpu_times, cpu);
      g_array_append_val (times, ms);
    }
  report ("sharp full redraw (2 thr.)", times, "(the view's tiles at a new scale, at fit)");
  g_array_set_size (times, 0);

  /* Zoom frames: wheel steps of 1.1 at the pointer, a frame each 16 ms. */
  view = fit_view ();
  settle (overlay, &view);
  for (int i = 0; i < opt_frames; i++)
    {
      double ms;
      gint64 deadline;

      zoom_at (&view, (i / 20) % 2 ? 1 / 1.1 : 1.1, 700 + (i % 7) * 30, 400 + (i % 5) * 20);
      deadline = g_get_monotonic_time () + FRAME_USEC;
      ms = frame (overlay, &view);
      g_array_append_val (times, ms);
      while (g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, FALSE);
    }
  report ("zoom frame", times, "(main thread: the tiles scaled; starts the sharp redraw)");
  g_array_set_size (times, 0);

  /* Pan frames at 2× fit: 24 px per frame, a frame each 16 ms. */
  view = fit_view ();
  zoom_at (&view, 2, VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0);
  settle (overlay, &view);
  for (int i = 0; i < opt_frames; i++)
    {
      double ms;
      gint64 deadline;

      view.x -= (i / 50) % 2 ? -24 : 24;
      view.y -= (i / 25) % 2 ? -8 : 8;
      deadline = g_get_monotonic_time () + FRAME_USEC;
      ms = frame (overlay, &view);
      g_array_append_val (times, ms);
      if (quorum_overlay_get_frame_missing (overlay) > 0)
        blank_frames++;
      while (g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, FALSE);
    }
  {
    g_autofree char *note = g_strdup_printf ("(main thread; %u of %d frames had a tile in view "
                                             "not drawn yet)", blank_frames, opt_frames);
    report ("pan frame", times, note);
  }
  g_array_set_size (times, 0);

  /* Vertex drag on a selected polygon at fit: the edited instance drawn on
   * its own node over the cache of everything else. */
  view = fit_view ();
  settle (overlay, &view);
  {
    double ix, iy;

    quorum_view_to_image (&view, VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0, &ix, &iy);
    selected = quorum_overlay_hit_test (overlay, ix, iy, 4 / view.scale);
    if (selected < 0)
      selected = opt_n / 2;
  }
  {
    gint64 start = g_get_monotonic_time ();
    double ms;

    quorum_overlay_set_excluded (overlay, selected);
    frame (overlay, &view);
    ms = (g_get_monotonic_time () - start) / 1000.0;
    g_print ("%-28s %8.3f ms (once per selection: its tiles redrawn without it)\n",
             "select", ms);
  }
  settle (overlay, &view);
  for (int i = 0; i < opt_frames; i++)
    {
      g_autoptr(QuorumInstance) moved = quorum_instance_copy (quorum_overlay_get_instance (overlay, selected));
      QuorumRect extents;
      cairo_surface_t *surface;
      cairo_t *cr;
      gint64 start = g_get_monotonic_time ();
      double ms;

      moved->points[3].x += (i / 20) % 2 ? -2 : 2;
      moved->points[3].y += 1;
      quorum_overlay_replace (overlay, selected, g_steal_pointer (&moved));
      frame (overlay, &view);
      /* The node QuorumCanvas appends for the edited instance. */
      quorum_overlay_instance_extents (overlay, &view, quorum_overlay_get_instance (overlay, selected),
                                       &extents);
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (extents.x1 - extents.x0),
                                            (int) (extents.y1 - extents.y0));
      cr = cairo_create (surface);
      cairo_translate (cr, -extents.x0, -extents.y0);
      quorum_overlay_draw_instance (overlay, cr, &view, quorum_overlay_get_instance (overlay, selected),
                                    TRUE);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
      g_main_context_iteration (NULL, FALSE);
    }
  report ("vertex-drag frame", times, "(edit + tiles + the edited instance, at fit)");
  g_array_set_size (times, 0);

  /* Click hit-tests at fit, where a point has the most candidates. */
  for (int i = 0; i < 1000; i++)
    {
      double x = g_rand_double_range (rand, 0, VIEW_WIDTH);
      double y = g_rand_double_range (rand, 0, VIEW_HEIGHT);
      double ix, iy, ms;
      gint64 start = g_get_monotonic_time ();

      quorum_view_to_image (&view, x, y, &ix, &iy);
      quorum_overlay_hit_test (overlay, ix, iy, 4 / view.scale);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }
  report ("hit-test", times, "(at fit, 4 px tolerance)");

  return 0;
}
