/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <math.h>

#include "quorum-overlay.h"

/* The canvas's tiles draw small shapes straight into their pixels rather
 * than with cairo (quorum_overlay_render_image()). These tests hold that
 * drawing to cairo's drawing of the same scene (quorum_overlay_render()),
 * and show that the measure used would catch a shape left out. */

#define SIDE  384
#define BLOCK 8

static const char *labels[] = { "car", "person", "bicycle" };
static const GdkRGBA colors[] = {
  { 0.21f, 0.52f, 0.89f, 1 }, { 0.90f, 0.38f, 0.0f, 1 }, { 0.15f, 0.64f, 0.41f, 1 },
};

/* Star-shaped polygons with boxes, polylines and points among them, of
 * radius @min_radius to @max_radius, over a @extent square. */
static QuorumOverlay *
make_scene (guint  n,
            double extent,
            double min_radius,
            double max_radius,
            guint  seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  QuorumOverlay *overlay = quorum_overlay_new ();
  QuorumPoint points[20];

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%u", i);
      QuorumKind kind = i % 10 == 7 ? QUORUM_KIND_BOX
                        : i % 10 == 8 ? QUORUM_KIND_POLYLINE
                        : i % 10 == 9 ? QUORUM_KIND_POINT
                        : QUORUM_KIND_POLYGON;
      QuorumInstance *instance = quorum_instance_new (id, labels[i % 3], kind);
      double radius = g_rand_double_range (rand, min_radius, max_radius);
      double cx = g_rand_double_range (rand, 0, extent);
      double cy = g_rand_double_range (rand, 0, extent);
      guint n_points = G_N_ELEMENTS (points);

      if (kind == QUORUM_KIND_BOX)
        {
          points[0] = (QuorumPoint) { cx - radius, cy - radius * 0.6 };
          points[1] = (QuorumPoint) { cx + radius, cy + radius * 0.6 };
          n_points = 2;
        }
      else if (kind == QUORUM_KIND_POINT)
        {
          points[0] = (QuorumPoint) { cx, cy };
          n_points = 1;
        }
      else
        for (guint v = 0; v < n_points; v++)
          {
            double angle = 2 * G_PI * v / n_points;
            double r = radius * g_rand_double_range (rand, 0.55, 1.0);

            points[v] = (QuorumPoint) { cx + r * cos (angle), cy + r * sin (angle) };
          }
      quorum_instance_set_points (instance, points, n_points);
      g_ptr_array_add (instances, instance);
    }
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    quorum_overlay_set_label_color (overlay, labels[i], &colors[i]);
  quorum_overlay_set_extent (overlay, extent, extent);
  quorum_overlay_set_instances (overlay, instances);
  return overlay;
}

static cairo_surface_t *
render_cairo (QuorumOverlay    *overlay,
              const QuorumView *view)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SIDE, SIDE);
  cairo_t *cr = cairo_create (surface);

  quorum_overlay_render (overlay, cr, view, SIDE, SIDE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static cairo_surface_t *
render_fast (QuorumOverlay    *overlay,
             const QuorumView *view)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SIDE, SIDE);

  quorum_overlay_render_image (overlay, surface, view);
  return surface;
}

typedef struct
{
  double mean;        /* mean difference of a channel, 0–255 */
  double worst_block; /* the largest mean signed difference of a channel in a BLOCK² block */
  guint  painted;     /* pixels the reference paints */
} Difference;

static Difference
compare (cairo_surface_t *a,
         cairo_surface_t *b)
{
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  int stride = cairo_image_surface_get_stride (a);
  Difference result = { 0 };
  double total = 0;

  g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (b));
  for (int by = 0; by < SIDE; by += BLOCK)
    for (int bx = 0; bx < SIDE; bx += BLOCK)
      {
        double block[4] = { 0 };

        for (int y = by; y < by + BLOCK; y++)
          for (int x = bx; x < bx + BLOCK; x++)
            {
              const guint8 *qa = pa + y * stride + 4 * x, *qb = pb + y * stride + 4 * x;

              if (qa[3] > 0)
                result.painted++;
              for (int c = 0; c < 4; c++)
                {
                  total += abs (qa[c] - qb[c]);
                  block[c] += qa[c] - qb[c];
                }
            }
        /* Signed: an edge anti-aliased a little differently gains on one
         * side what it loses on the other; a shape left out does not. */
        for (int c = 0; c < 4; c++)
          result.worst_block = MAX (result.worst_block, fabs (block[c]) / (BLOCK * BLOCK));
      }
  result.mean = total / (SIDE * SIDE * 4);
  return result;
}

/* Bounds that the differences of anti-aliasing stay within (measured: mean
 * 6, blocks 12 at an overview, where most pixels are near an outline); a
 * shape left out or drawn in the wrong place exceeds them
 * (test_catches_a_missing_shape: a block of 65). */
#define MEAN_BOUND  8.0
#define BLOCK_BOUND 30.0

static void
check_scene (guint  n,
             double extent,
             double min_radius,
             double max_radius,
             double scale)
{
  g_autoptr(QuorumOverlay) overlay = make_scene (n, extent, min_radius, max_radius, 7);
  QuorumView view = { scale, -0.3 * SIDE, -0.2 * SIDE };
  cairo_surface_t *reference = render_cairo (overlay, &view);
  cairo_surface_t *fast = render_fast (overlay, &view);
  Difference difference = compare (reference, fast);

  g_test_message ("%u shapes at scale %.2f: %u pixels painted, mean difference %.3f, worst "
                  "block %.2f", n, scale, difference.painted, difference.mean,
                  difference.worst_block);
  /* The scene fills much of the tile, or the comparison proves little. */
  g_assert_cmpuint (difference.painted, >, SIDE * SIDE / 4);
  g_assert_cmpfloat (difference.mean, <, MEAN_BOUND);
  g_assert_cmpfloat (difference.worst_block, <, BLOCK_BOUND);
  cairo_surface_destroy (reference);
  cairo_surface_destroy (fast);
}

/* An overview: hundreds of polygons 5–40 px across, all drawn the fast way. */
static void
test_overview (void)
{
  check_scene (3000, 4000, 25, 120, 0.192);
}

/* Shapes of a few pixels, drawn as small rectangles. */
static void
test_dots (void)
{
  check_scene (20000, 20000, 20, 60, 0.04);
}

/* Closer in: small shapes the fast way, large ones with cairo, in one
 * stacking order. */
static void
test_mixed_sizes (void)
{
  check_scene (400, 1200, 10, 120, 0.6);
}

/* The measure sees a single small polygon left out, or the tests above
 * would prove nothing. */
static void
test_catches_a_missing_shape (void)
{
  g_autoptr(QuorumOverlay) overlay = make_scene (3000, 4000, 25, 120, 7);
  QuorumView view = { 0.192, -0.3 * SIDE, -0.2 * SIDE };
  cairo_surface_t *reference = render_cairo (overlay, &view);
  double ix, iy;
  int position;
  QuorumInstance *stolen;
  cairo_surface_t *fast;
  Difference difference;

  /* The topmost shape under the tile's centre. */
  quorum_view_to_image (&view, SIDE / 2.0, SIDE / 2.0, &ix, &iy);
  position = quorum_overlay_hit_test (overlay, ix, iy, 30);
  g_assert_cmpint (position, >=, 0);
  stolen = quorum_overlay_steal (overlay, position);
  fast = render_fast (overlay, &view);
  difference = compare (reference, fast);
  g_test_message ("one shape left out: mean difference %.3f, worst block %.2f",
                  difference.mean, difference.worst_block);
  g_assert_cmpfloat (difference.worst_block, >=, BLOCK_BOUND);
  quorum_instance_free (stolen);
  cairo_surface_destroy (reference);
  cairo_surface_destroy (fast);
}

typedef struct
{
  GPtrArray *textures;
  GArray    *bounds;   /* of graphene_rect_t */
} Shown;

static void
collect_tile (GdkTexture            *texture,
              const graphene_rect_t *bounds,
              gpointer               user_data)
{
  Shown *shown = user_data;

  g_ptr_array_add (shown->textures, texture);
  g_array_append_val (shown->bounds, *bounds);
}

static void
show_frame (QuorumOverlay    *overlay,
            const QuorumView *view,
            Shown            *shown)
{
  g_ptr_array_set_size (shown->textures, 0);
  g_array_set_size (shown->bounds, 0);
  quorum_overlay_frame (overlay, view, 1920, 1080, collect_tile, shown);
}

/* A pan shows the tiles already drawn, moved: the same textures, no redraw;
 * the column that comes into view was drawn beforehand as the margin. */
static void
test_pan_reuses_tiles (void)
{
  g_autoptr(QuorumOverlay) overlay = make_scene (3000, 4000, 25, 120, 7);
  QuorumView view = { 0.6, -100, -50 };   /* the scene covers the view and more */
  Shown before = { g_ptr_array_new (), g_array_new (FALSE, FALSE, sizeof (graphene_rect_t)) };
  Shown after = { g_ptr_array_new (), g_array_new (FALSE, FALSE, sizeof (graphene_rect_t)) };
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  /* The view and the margin around it drawn at the view's scale. */
  do
    {
      show_frame (overlay, &view, &before);
      while (quorum_overlay_is_rendering (overlay))
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, end);
    }
  while (!quorum_overlay_is_complete (overlay));
  show_frame (overlay, &view, &before);
  /* The grid starts at the view's corner: 5 × 3 tiles of 384 px. */
  g_assert_cmpuint (before.textures->len, ==, 15);

  view.x -= 24, view.y -= 8;
  show_frame (overlay, &view, &after);
  g_assert_cmpuint (quorum_overlay_get_frame_missing (overlay), ==, 0);
  g_assert_cmpuint (after.textures->len, ==, 18);
  for (guint i = 0; i < before.textures->len; i++)
    {
      const graphene_rect_t *was = &g_array_index (before.bounds, graphene_rect_t, i);
      const graphene_rect_t *now;
      guint j;

      g_assert_true (g_ptr_array_find (after.textures, g_ptr_array_index (before.textures, i), &j));
      now = &g_array_index (after.bounds, graphene_rect_t, j);
      g_assert_cmpfloat (now->origin.x, ==, was->origin.x - 24);
      g_assert_cmpfloat (now->origin.y, ==, was->origin.y - 8);
    }

  while (quorum_overlay_is_rendering (overlay))
    g_main_context_iteration (NULL, TRUE);
  g_ptr_array_unref (before.textures);
  g_array_unref (before.bounds);
  g_ptr_array_unref (after.textures);
  g_array_unref (after.bounds);
}

static QuorumInstance *
make_box (const char *id,
          double      x,
          double      y)
{
  QuorumInstance *box = quorum_instance_new (id, "car", QUORUM_KIND_BOX);
  QuorumPoint corners[2] = { { x, y }, { x + 100, y + 100 } };

  quorum_instance_set_points (box, corners, 2);
  return box;
}

/* The alpha of output pixel (@x, @y) in the tiles shown, 0 where none is. */
static guint8
shown_alpha (Shown *shown,
             double x,
             double y)
{
  for (guint i = 0; i < shown->textures->len; i++)
    {
      const graphene_rect_t *bounds = &g_array_index (shown->bounds, graphene_rect_t, i);
      GdkTexture *texture = g_ptr_array_index (shown->textures, i);
      int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
      g_autofree guint8 *pixels = NULL;
      int px, py;

      if (!graphene_rect_contains_point (bounds, &GRAPHENE_POINT_INIT (x, y)))
        continue;
      px = (int) ((x - bounds->origin.x) * width / bounds->size.width);
      py = (int) ((y - bounds->origin.y) * height / bounds->size.height);
      pixels = g_malloc ((gsize) width * height * 4);
      gdk_texture_download (texture, pixels, (gsize) width * 4);
      /* Cairo's ARGB32: a native-endian 32-bit word, alpha on top. */
      return ((guint32 *) (gpointer) pixels)[py * width + px] >> 24;
    }
  return 0;
}

/* A video frame's few instances replacing the last frame's are drawn in the
 * frame that first shows them, not in the background for a later frame:
 * scrubbing shows no frame bare. A big scene still draws in the background. */
static void
test_small_scene_drawn_at_once (void)
{
  g_autoptr(QuorumOverlay) overlay = quorum_overlay_new ();
  g_autoptr(QuorumOverlay) big = make_scene (3000, 4000, 25, 120, 7);
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  QuorumView view = { 1, 0, 0 };
  Shown shown = { g_ptr_array_new (), g_array_new (FALSE, FALSE, sizeof (graphene_rect_t)) };

  g_ptr_array_add (first, make_box ("a", 100, 100));
  g_ptr_array_add (second, make_box ("b", 600, 600));
  quorum_overlay_set_extent (overlay, 1920, 1080);
  quorum_overlay_set_instances (overlay, first);
  show_frame (overlay, &view, &shown);
  g_assert_cmpuint (quorum_overlay_get_frame_missing (overlay), ==, 0);
  g_assert_true (quorum_overlay_is_sharp (overlay));
  g_assert_cmpuint (shown_alpha (&shown, 150, 150), >, 0);
  g_assert_cmpuint (shown_alpha (&shown, 650, 650), ==, 0);

  /* Another frame while the margin is still being drawn: its job is stale. */
  quorum_overlay_set_instances (overlay, second);
  show_frame (overlay, &view, &shown);
  g_assert_cmpuint (quorum_overlay_get_frame_missing (overlay), ==, 0);
  g_assert_true (quorum_overlay_is_sharp (overlay));
  g_assert_cmpuint (shown_alpha (&shown, 150, 150), ==, 0);
  g_assert_cmpuint (shown_alpha (&shown, 650, 650), >, 0);
  /* Later frames keep what was drawn. */
  while (quorum_overlay_is_rendering (overlay))
    g_main_context_iteration (NULL, TRUE);
  show_frame (overlay, &view, &shown);
  g_assert_true (quorum_overlay_is_sharp (overlay));
  g_assert_cmpuint (shown_alpha (&shown, 650, 650), >, 0);

  show_frame (big, &view, &shown);
  g_assert_cmpuint (shown.textures->len, ==, 0);
  g_assert_false (quorum_overlay_is_sharp (big));
  g_assert_true (quorum_overlay_is_rendering (big));
  while (quorum_overlay_is_rendering (overlay) || quorum_overlay_is_rendering (big))
    g_main_context_iteration (NULL, TRUE);
  g_ptr_array_unref (shown.textures);
  g_array_unref (shown.bounds);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/overlay/fast/overview", test_overview);
  g_test_add_func ("/overlay/fast/dots", test_dots);
  g_test_add_func ("/overlay/fast/mixed-sizes", test_mixed_sizes);
  g_test_add_func ("/overlay/fast/catches-a-missing-shape", test_catches_a_missing_shape);
  g_test_add_func ("/overlay/pan-reuses-tiles", test_pan_reuses_tiles);
  g_test_add_func ("/overlay/small-scene-drawn-at-once", test_small_scene_drawn_at_once);
  return g_test_run ();
}
