/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>

#include "quorum-core.h"

static QuorumInstance *
make (QuorumKind         kind,
      const QuorumPoint *points,
      guint              n)
{
  QuorumInstance *instance = quorum_instance_new ("x", "car", kind);

  quorum_instance_set_points (instance, points, n);
  return instance;
}

static double
similarity (QuorumKind         kind,
            const QuorumPoint *a,
            guint              na,
            const QuorumPoint *b,
            guint              nb,
            double             diagonal)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  g_autoptr(QuorumInstance) ia = make (kind, a, na);
  g_autoptr(QuorumInstance) ib = make (kind, b, nb);
  g_autoptr(QuorumShape) sa = quorum_shape_new (geometry, ia);
  g_autoptr(QuorumShape) sb = quorum_shape_new (geometry, ib);
  double forward = quorum_geometry_similarity (geometry, sa, sb, diagonal);
  double backward = quorum_geometry_similarity (geometry, sb, sa, diagonal);

  g_assert_cmpfloat_with_epsilon (forward, backward, 1e-15);
  return forward;
}

/* Two unit squares offset by half a side: overlap 1/2, union 3/2. */
static void
test_offset_squares (void)
{
  QuorumPoint box_a[] = { { 0, 0 }, { 1, 1 } };
  QuorumPoint box_b[] = { { 1.5, 1 }, { 0.5, 0 } };   /* corners in the other order */
  QuorumPoint poly_a[] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
  QuorumPoint poly_b[] = { { 0.5, 0 }, { 0.5, 1 }, { 1.5, 1 }, { 1.5, 0 } };  /* clockwise */

  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_BOX, box_a, 2, box_b, 2, 0), 1.0 / 3, 1e-15);
  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_POLYGON, poly_a, 4, poly_b, 4, 0),
                                  1.0 / 3, 1e-12);
}

static void
test_disjoint_and_identical (void)
{
  QuorumPoint a[] = { { 0, 0 }, { 4, 0 }, { 4, 3 } };
  QuorumPoint b[] = { { 10, 0 }, { 14, 0 }, { 14, 3 } };
  QuorumPoint a_shifted_start[] = { { 4, 3 }, { 0, 0 }, { 4, 0 } };

  g_assert_cmpfloat (similarity (QUORUM_KIND_POLYGON, a, 3, b, 3, 0), ==, 0);
  g_assert_cmpfloat (similarity (QUORUM_KIND_POLYGON, a, 3, a, 3, 0), ==, 1);
  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_POLYGON, a, 3, a_shifted_start, 3, 0),
                                  1, 1e-12);
}

/* An L-shape (area 3) against the unit square at its corner and against a
 * square straddling its notch. */
static void
test_concave (void)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  QuorumPoint l_shape[] = { { 0, 0 }, { 2, 0 }, { 2, 1 }, { 1, 1 }, { 1, 2 }, { 0, 2 } };
  QuorumPoint notch[] = { { 0.5, 0.5 }, { 1.5, 0.5 }, { 1.5, 1.5 }, { 0.5, 1.5 } };
  g_autoptr(QuorumInstance) il = make (QUORUM_KIND_POLYGON, l_shape, 6);
  g_autoptr(QuorumInstance) in = make (QUORUM_KIND_POLYGON, notch, 4);
  g_autoptr(QuorumShape) sl = quorum_shape_new (geometry, il);
  g_autoptr(QuorumShape) sn = quorum_shape_new (geometry, in);

  g_assert_cmpfloat_with_epsilon (quorum_shape_area (sl), 3, 1e-12);
  /* The square covers 3 of the notch's 4 quarter cells: 0.75. */
  g_assert_cmpfloat_with_epsilon (quorum_geometry_intersection_area (geometry, sl, sn), 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (quorum_geometry_intersection_area_geos (geometry, sl, sn), 0.75,
                                  1e-12);
  g_assert_cmpfloat_with_epsilon (quorum_geometry_similarity (geometry, sl, sn, 0),
                                  0.75 / (3 + 1 - 0.75), 1e-12);
}

/* The bow-tie (0,0) (2,2) (2,0) (0,2) crosses itself at (1,1); repaired it is
 * two triangles of area 1 each. Against the square [0,1]×[0,2] it shares the
 * left triangle. */
static void
test_self_intersecting (void)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  QuorumPoint bow_tie[] = { { 0, 0 }, { 2, 2 }, { 2, 0 }, { 0, 2 } };
  QuorumPoint left[] = { { 0, 0 }, { 1, 0 }, { 1, 2 }, { 0, 2 } };
  g_autoptr(QuorumInstance) ib = make (QUORUM_KIND_POLYGON, bow_tie, 4);
  g_autoptr(QuorumInstance) il = make (QUORUM_KIND_POLYGON, left, 4);
  g_autoptr(QuorumShape) sb = quorum_shape_new (geometry, ib);
  g_autoptr(QuorumShape) sl = quorum_shape_new (geometry, il);

  g_assert_cmpfloat_with_epsilon (quorum_shape_area (sb), 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (quorum_geometry_intersection_area (geometry, sb, sl), 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (quorum_geometry_similarity (geometry, sb, sl, 0),
                                  1.0 / (2 + 2 - 1), 1e-12);
}

static void
test_degenerate (void)
{
  QuorumPoint flat_a[] = { { 1, 1 }, { 5, 1 } };
  QuorumPoint flat_b[] = { { 1, 1 }, { 6, 1 } };
  QuorumPoint dot[] = { { 3, 3 }, { 3, 3 } };
  QuorumPoint line_polygon[] = { { 0, 0 }, { 1, 1 }, { 2, 2 } };

  g_assert_cmpfloat (similarity (QUORUM_KIND_BOX, flat_a, 2, flat_a, 2, 0), ==, 1);
  g_assert_cmpfloat (similarity (QUORUM_KIND_BOX, flat_a, 2, flat_b, 2, 0), ==, 0);
  QuorumPoint flat_a_reversed[] = { { 5, 1 }, { 1, 1 } };
  QuorumPoint line_polygon_shifted[] = { { 1, 1 }, { 2, 2 }, { 0, 0 } };

  g_assert_cmpfloat (similarity (QUORUM_KIND_BOX, dot, 2, dot, 2, 0), ==, 1);
  /* The same rectangle with its corners given the other way round. */
  g_assert_cmpfloat (similarity (QUORUM_KIND_BOX, flat_a, 2, flat_a_reversed, 2, 0), ==, 1);
  /* The same degenerate ring from another starting vertex. */
  g_assert_cmpfloat (similarity (QUORUM_KIND_POLYGON, line_polygon, 3, line_polygon_shifted, 3, 0), ==, 1);
  g_assert_cmpfloat (similarity (QUORUM_KIND_POLYGON, line_polygon, 3, line_polygon, 3, 0), ==, 1);
}

/* s = exp(−d²/(2(σD)²)): at d = σD it is e^(−1/2). */
static void
test_points (void)
{
  double diagonal = 5000;   /* a 4000 × 3000 image */
  double sigma_d = QUORUM_SIMILARITY_SIGMA * diagonal;   /* 100 px */
  QuorumPoint a[] = { { 1000, 1000 } };
  QuorumPoint b[] = { { 1060, 1080 } };                  /* 100 px away */
  QuorumPoint c[] = { { 1000, 1000 + 2 * sigma_d } };

  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_POINT, a, 1, b, 1, diagonal),
                                  exp (-0.5), 1e-15);
  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_POINT, a, 1, c, 1, diagonal),
                                  exp (-2), 1e-15);
  g_assert_cmpfloat (similarity (QUORUM_KIND_POINT, a, 1, a, 1, diagonal), ==, 1);
}

static void
test_polylines (void)
{
  double diagonal = 5000;
  QuorumPoint line[] = { { 0, 0 }, { 300, 0 }, { 300, 400 } };
  QuorumPoint reversed[] = { { 300, 400 }, { 300, 0 }, { 0, 0 } };
  QuorumPoint shifted[] = { { 0, 50 }, { 300, 50 }, { 300, 450 } };
  /* The same path with an extra vertex in the middle of the first edge. */
  QuorumPoint split[] = { { 0, 0 }, { 150, 0 }, { 300, 0 }, { 300, 400 } };

  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_POLYLINE, line, 3, reversed, 3, diagonal),
                                  1, 1e-12);
  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_POLYLINE, line, 3, split, 4, diagonal),
                                  1, 1e-12);
  /* Every sample moves by exactly 50 px: s = exp(−50²/(2·100²)). */
  g_assert_cmpfloat_with_epsilon (similarity (QUORUM_KIND_POLYLINE, line, 3, shifted, 3, diagonal),
                                  exp (-2500.0 / 20000), 1e-12);
}

static QuorumInstance *
tag (const char *json)
{
  QuorumInstance *instance = quorum_instance_new ("t", "weather", QUORUM_KIND_TAG);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  json_object_unref (instance->attributes);
  instance->attributes = json_node_dup_object (node);
  return instance;
}

static double
tag_similarity (const char *a,
                const char *b)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  g_autoptr(QuorumInstance) ia = tag (a);
  g_autoptr(QuorumInstance) ib = tag (b);
  g_autoptr(QuorumShape) sa = quorum_shape_new (geometry, ia);
  g_autoptr(QuorumShape) sb = quorum_shape_new (geometry, ib);

  return quorum_geometry_similarity (geometry, sa, sb, 1000);
}

static void
test_tags (void)
{
  g_assert_cmpfloat (tag_similarity ("{}", "{}"), ==, 1);
  g_assert_cmpfloat (tag_similarity ("{\"rain\": true, \"fog\": false}",
                                     "{\"fog\": false, \"rain\": true}"), ==, 1);
  g_assert_cmpfloat_with_epsilon (tag_similarity ("{\"rain\": true, \"fog\": false, \"time\": \"day\"}",
                                                  "{\"rain\": true, \"fog\": false, \"time\": \"night\"}"),
                                  2.0 / 3, 1e-15);
  /* "snow" is only on one side: 1 equal key of 3. */
  g_assert_cmpfloat_with_epsilon (tag_similarity ("{\"rain\": true, \"fog\": true}",
                                                  "{\"rain\": true, \"snow\": [\"wet\"]}"),
                                  1.0 / 3, 1e-15);
  g_assert_cmpfloat (tag_similarity ("{\"kinds\": [\"a\", \"b\"]}", "{\"kinds\": [\"b\", \"a\"]}"), ==, 0);
}

/* Star-shaped simple polygons around nearby centres. On an integer grid
 * many of them share vertices or run along each other's edges, which the
 * fast path must hand to GEOS rather than get wrong. */
static QuorumInstance *
random_star (GRand   *rand,
             double   cx,
             double   cy,
             double   radius,
             gboolean grid)
{
  guint n = g_rand_int_range (rand, 3, 25);
  g_autofree QuorumPoint *points = g_new (QuorumPoint, n);

  for (guint i = 0; i < n; i++)
    {
      double angle = 2 * G_PI * (i + g_rand_double_range (rand, 0, 0.5)) / n;
      double r = radius * g_rand_double_range (rand, 0.3, 1.0);

      points[i].x = cx + r * cos (angle);
      points[i].y = cy + r * sin (angle);
      if (grid)
        {
          points[i].x = round (points[i].x);
          points[i].y = round (points[i].y);
        }
    }
  return make (QUORUM_KIND_POLYGON, points, n);
}

static void
test_fast_path_agrees_with_geos (void)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  GRand *rand = g_rand_new_with_seed (20261122);

  for (guint k = 0; k < 4000; k++)
    {
      gboolean grid = k % 3 == 0;
      double radius = grid ? 6 : 100;
      g_autoptr(QuorumInstance) a = random_star (rand, 0, 0, radius, grid);
      g_autoptr(QuorumInstance) b = random_star (rand, g_rand_double_range (rand, -radius, radius),
                                                 g_rand_double_range (rand, -radius, radius),
                                                 radius * g_rand_double_range (rand, 0.5, 1.5), grid);
      g_autoptr(QuorumShape) sa = quorum_shape_new (geometry, a);
      g_autoptr(QuorumShape) sb = quorum_shape_new (geometry, b);
      double fast = quorum_geometry_intersection_area (geometry, sa, sb);
      double reference = quorum_geometry_intersection_area_geos (geometry, sa, sb);
      double iou = quorum_geometry_similarity (geometry, sa, sb, 0);

      g_assert_cmpfloat_with_epsilon (fast, reference, 1e-9 * MAX (1.0, reference));
      g_assert_cmpfloat (quorum_shape_iou_upper_bound (sa, sb), >=, iou - 1e-12);
      g_assert_cmpfloat (iou, >=, 0);
      g_assert_cmpfloat (iou, <=, 1);
    }
  g_rand_free (rand);
}

/* Self-intersecting rings (two neighbouring vertices swapped, as a slip of
 * the hand draws them): their repaired regions are split into loops without
 * GEOS where they can be and intersected part by part on the fast path,
 * which must agree with GEOS's MakeValid and overlay. */
static void
test_repaired_parts_agree_with_geos (void)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  GRand *rand = g_rand_new_with_seed (20261205);
  guint twisted = 0;

  for (guint k = 0; k < 2000; k++)
    {
      double radius = 100;
      g_autoptr(QuorumInstance) a = random_star (rand, 0, 0, radius, FALSE);
      g_autoptr(QuorumInstance) b = random_star (rand, g_rand_double_range (rand, -radius, radius),
                                                 g_rand_double_range (rand, -radius, radius),
                                                 radius * g_rand_double_range (rand, 0.5, 1.5), FALSE);
      g_autoptr(QuorumShape) sa = NULL;
      g_autoptr(QuorumShape) sb = NULL;
      double area, reference;

      for (guint side = 0; side < 2; side++)
        {
          QuorumInstance *instance = side == 0 ? a : b;
          guint i = g_rand_int_range (rand, 0, instance->n_points - 1);
          QuorumPoint swap = instance->points[i];

          if ((k + side) % 3 == 0)   /* a third of each side stays simple */
            continue;
          instance->points[i] = instance->points[i + 1];
          instance->points[i + 1] = swap;
        }
      sa = quorum_shape_new (geometry, a);
      sb = quorum_shape_new (geometry, b);
      area = quorum_geometry_intersection_area (geometry, sa, sb);
      reference = quorum_geometry_intersection_area_geos (geometry, sa, sb);
      g_assert_cmpfloat_with_epsilon (area, reference, 1e-9 * MAX (1.0, reference));
      g_assert_cmpfloat (quorum_geometry_intersection_area (geometry, sb, sa), ==, area);
      /* The region's area, without GEOS for a single crossing, is GEOS's. */
      g_assert_cmpfloat_with_epsilon (quorum_shape_area (sa),
                                      quorum_geometry_intersection_area_geos (geometry, sa, sa),
                                      1e-9 * MAX (1.0, quorum_shape_area (sa)));
      if (reference > 0 && quorum_shape_area (sa) > 0)
        twisted++;
    }
  g_assert_cmpuint (twisted, >, 500);
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/geometry/offset-squares", test_offset_squares);
  g_test_add_func ("/geometry/disjoint-and-identical", test_disjoint_and_identical);
  g_test_add_func ("/geometry/concave", test_concave);
  g_test_add_func ("/geometry/self-intersecting", test_self_intersecting);
  g_test_add_func ("/geometry/degenerate", test_degenerate);
  g_test_add_func ("/geometry/points", test_points);
  g_test_add_func ("/geometry/polylines", test_polylines);
  g_test_add_func ("/geometry/tags", test_tags);
  g_test_add_func ("/geometry/fast-path-agrees-with-geos", test_fast_path_agrees_with_geos);
  g_test_add_func ("/geometry/repaired-parts-agree-with-geos", test_repaired_parts_agree_with_geos);
  return g_test_run ();
}
