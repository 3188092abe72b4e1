/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <math.h>

#include "quorum-spatial-index.h"

static gboolean
meets (const QuorumRect *a,
       const QuorumRect *b)
{
  return a->x0 <= b->x1 && a->x1 >= b->x0 && a->y0 <= b->y1 && a->y1 >= b->y0;
}

static QuorumRect
random_box (GRand  *rand,
            double  extent,
            double  max_side)
{
  /* Some boxes reach outside the extent: they must still be found. */
  double x = g_rand_double_range (rand, -0.1 * extent, 1.1 * extent);
  double y = g_rand_double_range (rand, -0.1 * extent, 1.1 * extent);
  double w = g_rand_double_range (rand, 0, max_side);
  double h = g_rand_double_range (rand, 0, max_side);

  return (QuorumRect) { x, y, x + w, y + h };
}

/* The items of @boxes (those still present) meeting @area, in order. */
static GArray *
brute_force (GArray           *boxes,
             const gboolean   *present,
             const QuorumRect *area)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < boxes->len; i++)
    if (present[i] && meets (&g_array_index (boxes, QuorumRect, i), area))
      g_array_append_val (found, i);
  return found;
}

static void
assert_same (GArray *expected,
             GArray *actual)
{
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpuint (g_array_index (actual, guint, i), ==, g_array_index (expected, guint, i));
}

static void
check_queries (QuorumSpatialIndex *index,
               GArray             *boxes,
               const gboolean     *present,
               GRand              *rand,
               double              extent,
               guint               n_queries)
{
  for (guint q = 0; q < n_queries; q++)
    {
      /* Points, small windows, and windows bigger than the extent. */
      double side = (q % 3 == 0) ? 0 : (q % 3 == 1) ? extent / 20 : extent * 1.5;
      QuorumRect area = random_box (rand, extent, side);
      g_autoptr(GArray) expected = brute_force (boxes, present, &area);
      g_autoptr(GArray) actual = g_array_new (FALSE, FALSE, sizeof (guint));

      quorum_spatial_index_query (index, &area, actual);
      assert_same (expected, actual);
    }
}

static void
test_random_boxes (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const double extent = 1000;
  const guint n = 2000;
  QuorumRect whole = { 0, 0, extent, extent };
  g_autoptr(QuorumSpatialIndex) index = quorum_spatial_index_new (&whole, n);
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (QuorumRect));
  g_autofree gboolean *present = g_new0 (gboolean, n);
  guint total = 0;

  for (guint i = 0; i < n; i++)
    {
      /* Mostly small, some spanning many cells. */
      QuorumRect box = random_box (rand, extent, i % 50 == 0 ? extent / 2 : 30);

      g_array_append_val (boxes, box);
      quorum_spatial_index_insert (index, i, &box);
      present[i] = TRUE;
    }
  g_assert_cmpuint (quorum_spatial_index_get_n_items (index), ==, n);
  check_queries (index, boxes, present, rand, extent, 600);

  /* Remove a third and move a third: queries still match brute force. */
  for (guint i = 0; i < n; i++)
    {
      if (i % 3 == 0)
        {
          g_assert_true (quorum_spatial_index_remove (index, i));
          g_assert_false (quorum_spatial_index_remove (index, i));
          present[i] = FALSE;
        }
      else if (i % 3 == 1)
        {
          QuorumRect box = random_box (rand, extent, 60);

          g_array_index (boxes, QuorumRect, i) = box;
          quorum_spatial_index_move (index, i, &box);
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (quorum_spatial_index_contains (index, i), ==, present[i]);
      total += present[i];
    }
  g_assert_cmpuint (quorum_spatial_index_get_n_items (index), ==, total);
  check_queries (index, boxes, present, rand, extent, 600);

  quorum_spatial_index_clear (index);
  g_assert_cmpuint (quorum_spatial_index_get_n_items (index), ==, 0);
  memset (present, 0, n * sizeof (gboolean));
  check_queries (index, boxes, present, rand, extent, 30);
}

/* A query appends: what the array held stays in front. */
static void
test_query_appends (void)
{
  QuorumRect whole = { 0, 0, 100, 100 };
  g_autoptr(QuorumSpatialIndex) index = quorum_spatial_index_new (&whole, 4);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  guint marker = 999;

  quorum_spatial_index_insert (index, 3, &(QuorumRect) { 10, 10, 20, 20 });
  quorum_spatial_index_insert (index, 1, &(QuorumRect) { 15, 15, 90, 90 });
  quorum_spatial_index_insert (index, 2, &(QuorumRect) { 80, 80, 85, 85 });
  g_array_append_val (found, marker);
  quorum_spatial_index_query (index, &(QuorumRect) { 18, 18, 18, 18 }, found);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpuint (g_array_index (found, guint, 0), ==, 999);
  g_assert_cmpuint (g_array_index (found, guint, 1), ==, 1);
  g_assert_cmpuint (g_array_index (found, guint, 2), ==, 3);
}

/* An extent with infinities or NaN (from broken coordinates) still gives a
 * grid that finds what it holds. */
static void
test_broken_extent (void)
{
  static const QuorumRect extents[] = {
    { -INFINITY, 0, INFINITY, 100 },
    { 0, -1e308, 100, 1e308 },
    { NAN, NAN, NAN, NAN },
  };

  for (guint e = 0; e < G_N_ELEMENTS (extents); e++)
    {
      g_autoptr(QuorumSpatialIndex) index = quorum_spatial_index_new (&extents[e], 1000);
      g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));

      quorum_spatial_index_insert (index, 0, &(QuorumRect) { 10, 10, 20, 20 });
      quorum_spatial_index_insert (index, 1, &(QuorumRect) { NAN, 5, 50, NAN });
      quorum_spatial_index_insert (index, 2, &(QuorumRect) { -INFINITY, -INFINITY, INFINITY, INFINITY });
      quorum_spatial_index_query (index, &(QuorumRect) { 15, 15, 15, 15 }, found);
      g_assert_cmpuint (found->len, ==, 2);
      g_assert_cmpuint (g_array_index (found, guint, 0), ==, 0);
      g_assert_cmpuint (g_array_index (found, guint, 1), ==, 2);
      g_assert_true (quorum_spatial_index_remove (index, 1));
      g_assert_cmpuint (quorum_spatial_index_get_n_items (index), ==, 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/spatial-index/random-boxes", test_random_boxes);
  g_test_add_func ("/spatial-index/query-appends", test_query_appends);
  g_test_add_func ("/spatial-index/broken-extent", test_broken_extent);
  return g_test_run ();
}
