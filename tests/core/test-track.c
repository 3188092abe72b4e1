/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>
#include <string.h>

#include "quorum-core.h"

/* Every expected coordinate here is computed by the test from the keyframes
 * it made (lerp by hand, resampling by walking the outline here), never read
 * back from the code under test. */

/* ---- helpers ------------------------------------------------------------ */

static QuorumInstance *
stored (const char        *id,
        const char        *track_id,
        guint              frame,
        QuorumKind         kind,
        const QuorumPoint *points,
        guint              n_points)
{
  QuorumInstance *instance = quorum_instance_new (id, kind == QUORUM_KIND_TAG ? "weather" : "car",
                                                  kind);

  quorum_instance_set_points (instance, points, n_points);
  instance->frame = frame;
  instance->track_id = g_strdup (track_id);
  return instance;
}

static QuorumInstance *
box (const char *id,
     const char *track_id,
     guint       frame,
     double      x0,
     double      y0,
     double      x1,
     double      y1)
{
  QuorumPoint points[2] = { { x0, y0 }, { x1, y1 } };
  return stored (id, track_id, frame, QUORUM_KIND_BOX, points, 2);
}

static QuorumInstance *
point (const char *id,
       const char *track_id,
       guint       frame,
       double      x,
       double      y)
{
  QuorumPoint p = { x, y };
  return stored (id, track_id, frame, QUORUM_KIND_POINT, &p, 1);
}

static GPtrArray *
instances_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
}

static double
lerp1 (double a,
       double b,
       double t)
{
  return a + (b - a) * t;
}

static void
assert_point (QuorumPoint p,
              double      x,
              double      y)
{
  g_assert_cmpfloat_with_epsilon (p.x, x, 1e-9);
  g_assert_cmpfloat_with_epsilon (p.y, y, 1e-9);
}

static const QuorumInstance *
find_id (GPtrArray  *instances,
         const char *id)
{
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      if (g_str_equal (instance->id, id))
        return instance;
    }
  return NULL;
}

static const QuorumInstance *
find_stored (GPtrArray  *instances,
             const char *track_id,
             guint       frame)
{
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      if (g_strcmp0 (instance->track_id, track_id) == 0 && instance->frame == frame)
        return instance;
    }
  return NULL;
}

static guint
count_track (GPtrArray  *instances,
             const char *track_id)
{
  guint n = 0;

  for (guint i = 0; i < instances->len; i++)
    if (g_strcmp0 (((QuorumInstance *) g_ptr_array_index (instances, i))->track_id, track_id) == 0)
      n++;
  return n;
}

/* ---- index and boxes ---------------------------------------------------- */

static void
test_index (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  QuorumTrackIndex *index;
  const QuorumTrack *track;

  /* added out of frame order, two tracks and an untracked tag */
  g_ptr_array_add (instances, box ("b20", "B", 20, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("a10", "A", 10, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("b5", "B", 5, 0, 0, 1, 1));
  g_ptr_array_add (instances, stored ("tag", NULL, 5, QUORUM_KIND_TAG, NULL, 0));
  g_ptr_array_add (instances, box ("a0", "A", 0, 0, 0, 1, 1));
  ((QuorumInstance *) g_ptr_array_index (instances, 0))->keyframe = FALSE;

  index = quorum_track_index_new (instances);
  g_assert_cmpuint (quorum_track_index_get_n_tracks (index), ==, 2);

  /* in order of first frames: A (0) before B (5) */
  track = quorum_track_index_get_track (index, 0);
  g_assert_cmpstr (track->id, ==, "A");
  g_assert_cmpuint (track->first, ==, 0);
  g_assert_cmpuint (track->last, ==, 10);
  g_assert_cmpuint (track->n_keyframes, ==, 2);
  g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (track->stored, 0))->id, ==, "a0");
  g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (track->stored, 1))->id, ==, "a10");

  track = quorum_track_index_get_track (index, 1);
  g_assert_cmpstr (track->id, ==, "B");
  g_assert_cmpstr (track->label, ==, "car");
  g_assert_cmpint (track->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpuint (track->first, ==, 5);
  g_assert_cmpuint (track->last, ==, 20);
  g_assert_cmpuint (track->n_keyframes, ==, 1);
  g_assert_true (quorum_track_index_find (index, "B") == track);
  g_assert_null (quorum_track_index_find (index, "C"));
  g_assert_null (quorum_track_index_find (index, NULL));
  quorum_track_index_free (index);
}

static void
test_box_interpolation (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  QuorumTrackIndex *index;
  const QuorumTrack *track;

  /* frame 10's corners in the other order: min/max are what interpolate */
  g_ptr_array_add (instances, box ("k0", "T", 0, 10, 20, 110, 220));
  g_ptr_array_add (instances, box ("k10", "T", 10, 300, 240, 50, 40));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "T");

  for (guint f = 0; f <= 10; f++)
    {
      double t = f / 10.0;
      g_autoptr(QuorumInstance) instance = quorum_track_instance_at (track, f);

      g_assert_true (quorum_track_points_at (track, f, points));
      g_assert_cmpuint (points->len, ==, 2);
      if (f == 0 || f == 10)
        {
          /* stored: as drawn */
          const QuorumInstance *key = g_ptr_array_index (instances, f == 0 ? 0 : 1);
          assert_point (g_array_index (points, QuorumPoint, 0), key->points[0].x, key->points[0].y);
          assert_point (g_array_index (points, QuorumPoint, 1), key->points[1].x, key->points[1].y);
          g_assert_cmpstr (instance->id, ==, key->id);
          g_assert_true (instance->keyframe);
          continue;
        }
      assert_point (g_array_index (points, QuorumPoint, 0), lerp1 (10, 50, t), lerp1 (20, 40, t));
      assert_point (g_array_index (points, QuorumPoint, 1), lerp1 (110, 300, t), lerp1 (220, 240, t));

      {
        g_autofree char *id = g_strdup_printf ("T@%u", f);
        g_assert_cmpstr (instance->id, ==, id);
      }
      g_assert_false (instance->keyframe);
      g_assert_false (instance->outside);
      g_assert_cmpuint (instance->frame, ==, f);
      g_assert_cmpstr (instance->track_id, ==, "T");
      g_assert_cmpstr (instance->label, ==, "car");
      g_assert_cmpint (instance->kind, ==, QUORUM_KIND_BOX);
      g_assert_cmpuint (instance->n_points, ==, 2);
      assert_point (instance->points[0], lerp1 (10, 50, t), lerp1 (20, 40, t));
      assert_point (instance->points[1], lerp1 (110, 300, t), lerp1 (220, 240, t));
    }

  g_assert_false (quorum_track_points_at (track, 11, points));
  g_assert_cmpuint (points->len, ==, 0);
  g_assert_null (quorum_track_instance_at (track, 11));
  quorum_track_index_free (index);
}

static void
test_points_at_no_allocation (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  QuorumPoint a[4] = { { 0, 0 }, { 10, 0 }, { 10, 10 }, { 0, 10 } };
  QuorumPoint b[7] = { { 5, 5 }, { 25, 5 }, { 30, 10 }, { 25, 15 }, { 25, 25 }, { 15, 30 }, { 5, 25 } };
  QuorumTrackIndex *index;
  const QuorumTrack *track;
  gpointer data;

  g_ptr_array_add (instances, stored ("k0", "P", 0, QUORUM_KIND_POLYGON, a, 4));
  g_ptr_array_add (instances, stored ("k9", "P", 9, QUORUM_KIND_POLYGON, b, 7));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "P");

  g_assert_true (quorum_track_points_at (track, 4, points));
  data = points->data;
  for (guint f = 0; f <= 9; f++)
    {
      g_assert_true (quorum_track_points_at (track, f, points));
      /* the buffer, once big enough, is the same one */
      g_assert_true (points->data == data);
    }
  quorum_track_index_free (index);
}

/* ---- points, polylines, polygons ---------------------------------------- */

static void
test_point_interpolation (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  QuorumTrackIndex *index;
  const QuorumTrack *track;

  g_ptr_array_add (instances, point ("p3", "P", 3, 100, 100));
  g_ptr_array_add (instances, point ("p7", "P", 7, 140, 60));
  g_ptr_array_add (instances, point ("p17", "P", 17, 40, 160));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "P");

  for (guint f = 3; f <= 17; f++)
    {
      double x, y;

      g_assert_true (quorum_track_points_at (track, f, points));
      g_assert_cmpuint (points->len, ==, 1);
      if (f <= 7)
        {
          x = lerp1 (100, 140, (f - 3) / 4.0);
          y = lerp1 (100, 60, (f - 3) / 4.0);
        }
      else
        {
          x = lerp1 (140, 40, (f - 7) / 10.0);
          y = lerp1 (60, 160, (f - 7) / 10.0);
        }
      assert_point (g_array_index (points, QuorumPoint, 0), x, y);
    }
  g_assert_false (quorum_track_points_at (track, 2, points));
  g_assert_false (quorum_track_points_at (track, 18, points));
  quorum_track_index_free (index);
}

static void
test_polygon_equal_counts (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  /* equal counts go vertex by vertex, even when b is drawn from elsewhere */
  QuorumPoint a[5] = { { 0, 0 }, { 40, 0 }, { 50, 30 }, { 20, 50 }, { -10, 30 } };
  QuorumPoint b[5] = { { 100, 10 }, { 160, 20 }, { 150, 70 }, { 120, 90 }, { 90, 60 } };
  QuorumTrackIndex *index;
  const QuorumTrack *track;

  g_ptr_array_add (instances, stored ("k0", "P", 0, QUORUM_KIND_POLYGON, a, 5));
  g_ptr_array_add (instances, stored ("k8", "P", 8, QUORUM_KIND_POLYGON, b, 5));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "P");
  for (guint f = 1; f < 8; f++)
    {
      double t = f / 8.0;

      g_assert_true (quorum_track_points_at (track, f, points));
      g_assert_cmpuint (points->len, ==, 5);
      for (guint i = 0; i < 5; i++)
        assert_point (g_array_index (points, QuorumPoint, i),
                      lerp1 (a[i].x, b[i].x, t), lerp1 (a[i].y, b[i].y, t));
    }
  quorum_track_index_free (index);
}

static void
test_resample (void)
{
  /* a 40 × 20 rectangle: perimeter 120, 12 points every 10 */
  QuorumPoint ring[4] = { { 0, 0 }, { 40, 0 }, { 40, 20 }, { 0, 20 } };
  QuorumPoint out[12];
  /* a line of lengths 10 and 30: 5 points every 10 */
  QuorumPoint line[3] = { { 0, 0 }, { 10, 0 }, { 10, 30 } };
  QuorumPoint out_line[5];

  quorum_points_resample (ring, 4, TRUE, 12, out);
  for (guint k = 0; k < 12; k++)
    {
      double d = 10.0 * k, x, y;

      /* walk the perimeter by hand */
      if (d <= 40)
        x = d, y = 0;
      else if (d <= 60)
        x = 40, y = d - 40;
      else if (d <= 100)
        x = 40 - (d - 60), y = 20;
      else
        x = 0, y = 20 - (d - 100);
      assert_point (out[k], x, y);
    }

  quorum_points_resample (line, 3, FALSE, 5, out_line);
  assert_point (out_line[0], 0, 0);
  assert_point (out_line[1], 10, 0);
  assert_point (out_line[2], 10, 10);
  assert_point (out_line[3], 10, 20);
  assert_point (out_line[4], 10, 30);

  /* a single point, or a degenerate ring, stays where it is */
  {
    QuorumPoint same[3] = { { 5, 6 }, { 5, 6 }, { 5, 6 } };
    quorum_points_resample (same, 3, TRUE, 4, out);
    for (guint k = 0; k < 4; k++)
      assert_point (out[k], 5, 6);
  }
}

static void
test_polygon_unequal_counts (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  /* a: an 8-vertex square of side 40 (corners and midpoints), counter-
   * clockwise in y-down pixels, starting at its top left corner.
   * b: the same square moved by (100, 50), drawn with 4 vertices, the other
   * way round and starting at another corner. Resampled to 8 points every 20
   * along the outline, oriented like a and started at a's start, b is a's
   * ring moved; so every frame is a moved by t × (100, 50). */
  QuorumPoint a[8] = {
    { 0, 0 }, { 0, 20 }, { 0, 40 }, { 20, 40 }, { 40, 40 }, { 40, 20 }, { 40, 0 }, { 20, 0 }
  };
  QuorumPoint b[4] = { { 140, 90 }, { 140, 50 }, { 100, 50 }, { 100, 90 } };
  QuorumTrackIndex *index;
  const QuorumTrack *track;

  /* Q: the same 200 px further right, so that P's and Q's frames asked in
   * turn show that a resampled span is never taken for another */
  QuorumPoint qa[8], qb[4];
  const QuorumTrack *other;

  for (guint i = 0; i < 8; i++)
    qa[i] = (QuorumPoint) { a[i].x + 200, a[i].y };
  for (guint i = 0; i < 4; i++)
    qb[i] = (QuorumPoint) { b[i].x + 200, b[i].y };
  g_ptr_array_add (instances, stored ("k0", "P", 0, QUORUM_KIND_POLYGON, a, 8));
  g_ptr_array_add (instances, stored ("k4", "P", 4, QUORUM_KIND_POLYGON, b, 4));
  g_ptr_array_add (instances, stored ("q0", "Q", 0, QUORUM_KIND_POLYGON, qa, 8));
  g_ptr_array_add (instances, stored ("q4", "Q", 4, QUORUM_KIND_POLYGON, qb, 4));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "P");
  other = quorum_track_index_find (index, "Q");
  for (guint round = 0; round < 2; round++)
    for (guint f = 1; f < 4; f++)
      {
        double t = f / 4.0;

        g_assert_true (quorum_track_points_at (track, f, points));
        g_assert_cmpuint (points->len, ==, 8);
        for (guint i = 0; i < 8; i++)
          assert_point (g_array_index (points, QuorumPoint, i), a[i].x + 100 * t, a[i].y + 50 * t);
        g_assert_true (quorum_track_points_at (other, f, points));
        for (guint i = 0; i < 8; i++)
          assert_point (g_array_index (points, QuorumPoint, i), a[i].x + 200 + 100 * t, a[i].y + 50 * t);
      }
  quorum_track_index_free (index);
}

static void
test_polygon_unequal_irregular (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  /* a triangle of sides 30, 40, 50 and a 6-vertex ring: both resampled to 6
   * points, here by hand. The triangle's perimeter is 120: points every 20. */
  QuorumPoint a[3] = { { 0, 0 }, { 30, 0 }, { 30, 40 } };
  QuorumPoint ra[6] = { { 0, 0 }, { 20, 0 }, { 30, 10 }, { 30, 30 },
                        { 30 - 0.6 * 10, 40 - 0.8 * 10 }, { 30 - 0.6 * 30, 40 - 0.8 * 30 } };
  /* b: a hexagon-ish ring, same orientation as a (clockwise on screen),
   * its vertices equally spaced already (a regular hexagon), started near
   * a's third resampled point so that the best rotation is not zero. */
  QuorumPoint b[6];
  QuorumTrackIndex *index;
  const QuorumTrack *track;
  guint best_shift = 0;
  double best_cost = G_MAXDOUBLE;

  for (guint i = 0; i < 6; i++)
    {
      double angle = -G_PI / 2 + G_PI / 3 * (i + 2);
      b[i] = (QuorumPoint) { 20 + 25 * cos (angle), 20 + 25 * sin (angle) };
    }
  g_assert_cmpfloat ((a[1].x - a[0].x) * (a[2].y - a[0].y) - (a[1].y - a[0].y) * (a[2].x - a[0].x),
                     >, 0);
  g_assert_cmpfloat ((b[1].x - b[0].x) * (b[2].y - b[0].y) - (b[1].y - b[0].y) * (b[2].x - b[0].x),
                     >, 0);
  /* the rotation of b nearest a, by the sum of squared distances */
  for (guint s = 0; s < 6; s++)
    {
      double cost = 0;
      for (guint i = 0; i < 6; i++)
        {
          QuorumPoint q = b[(i + s) % 6];
          cost += (q.x - ra[i].x) * (q.x - ra[i].x) + (q.y - ra[i].y) * (q.y - ra[i].y);
        }
      if (cost < best_cost)
        best_cost = cost, best_shift = s;
    }
  g_assert_cmpuint (best_shift, !=, 0);

  g_ptr_array_add (instances, stored ("k0", "P", 0, QUORUM_KIND_POLYGON, a, 3));
  g_ptr_array_add (instances, stored ("k2", "P", 2, QUORUM_KIND_POLYGON, b, 6));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "P");
  g_assert_true (quorum_track_points_at (track, 1, points));
  g_assert_cmpuint (points->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      QuorumPoint q = b[(i + best_shift) % 6];
      assert_point (g_array_index (points, QuorumPoint, i),
                    lerp1 (ra[i].x, q.x, 0.5), lerp1 (ra[i].y, q.y, 0.5));
    }
  quorum_track_index_free (index);
}

static void
test_polyline (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  /* equal counts: vertex by vertex; then 2 → 3 vertices: the 2-vertex line
   * resampled to 3 (its midpoint added), never rotated or reversed */
  QuorumPoint a[2] = { { 0, 0 }, { 100, 0 } };
  QuorumPoint b[2] = { { 0, 50 }, { 60, 80 } };
  QuorumPoint c[3] = { { 200, 0 }, { 200, 20 }, { 200, 60 } };
  QuorumTrackIndex *index;
  const QuorumTrack *track;

  g_ptr_array_add (instances, stored ("k0", "L", 0, QUORUM_KIND_POLYLINE, a, 2));
  g_ptr_array_add (instances, stored ("k2", "L", 2, QUORUM_KIND_POLYLINE, b, 2));
  g_ptr_array_add (instances, stored ("k6", "L", 6, QUORUM_KIND_POLYLINE, c, 3));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "L");

  g_assert_true (quorum_track_points_at (track, 1, points));
  g_assert_cmpuint (points->len, ==, 2);
  assert_point (g_array_index (points, QuorumPoint, 0), 0, lerp1 (0, 50, 0.5));
  assert_point (g_array_index (points, QuorumPoint, 1), lerp1 (100, 60, 0.5), lerp1 (0, 80, 0.5));

  for (guint f = 3; f < 6; f++)
    {
      double t = (f - 2) / 4.0;
      /* b resampled to 3: its ends and its midpoint; c (length 60) resampled
       * to 3: every 30 along it, (200, 30) in the middle */
      QuorumPoint rb[3] = { b[0], { 30, 65 }, b[1] };
      QuorumPoint rc[3] = { c[0], { 200, 30 }, c[2] };

      g_assert_true (quorum_track_points_at (track, f, points));
      g_assert_cmpuint (points->len, ==, 3);
      for (guint i = 0; i < 3; i++)
        assert_point (g_array_index (points, QuorumPoint, i),
                      lerp1 (rb[i].x, rc[i].x, t), lerp1 (rb[i].y, rc[i].y, t));
    }
  quorum_track_index_free (index);
}

static void
test_tag_and_attributes (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  QuorumTrackIndex *index;
  const QuorumTrack *track;
  QuorumInstance *k0 = stored ("k0", "W", 0, QUORUM_KIND_TAG, NULL, 0);
  QuorumInstance *k4 = stored ("k4", "W", 4, QUORUM_KIND_TAG, NULL, 0);

  json_object_set_string_member (k0->attributes, "sky", "clear");
  json_object_set_string_member (k4->attributes, "sky", "rain");
  k0->occluded = TRUE;
  k0->author = g_strdup ("ann");
  g_ptr_array_add (instances, k0);
  g_ptr_array_add (instances, k4);
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "W");
  for (guint f = 1; f < 4; f++)
    {
      g_autoptr(QuorumInstance) instance = quorum_track_instance_at (track, f);

      g_assert_nonnull (instance);
      g_assert_cmpuint (instance->n_points, ==, 0);
      g_assert_cmpint (instance->kind, ==, QUORUM_KIND_TAG);
      /* attributes and occluded are a's until the next anchor */
      g_assert_cmpstr (json_object_get_string_member (instance->attributes, "sky"), ==, "clear");
      g_assert_true (instance->occluded);
      g_assert_cmpstr (instance->author, ==, "ann");
    }
  {
    g_autoptr(QuorumInstance) instance = quorum_track_instance_at (track, 4);
    g_assert_cmpstr (json_object_get_string_member (instance->attributes, "sky"), ==, "rain");
    g_assert_false (instance->occluded);
  }
  quorum_track_index_free (index);
}

/* ---- states and outside gaps -------------------------------------------- */

static void
test_states (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  QuorumTrackIndex *index;
  const QuorumTrack *track;
  QuorumInstance *proposal, *outside;
  const QuorumInstance *a, *b;
  double t;

  /* keyframe 10, proposal 14, keyframe 20, outside 25, keyframe 30 */
  g_ptr_array_add (instances, box ("k10", "T", 10, 0, 0, 10, 10));
  proposal = box ("p14", "T", 14, 40, 0, 50, 10);
  proposal->keyframe = FALSE;
  g_ptr_array_add (instances, proposal);
  g_ptr_array_add (instances, box ("k20", "T", 20, 100, 0, 110, 10));
  outside = box ("o25", "T", 25, 150, 0, 160, 10);
  outside->outside = TRUE;
  g_ptr_array_add (instances, outside);
  g_ptr_array_add (instances, box ("k30", "T", 30, 500, 500, 510, 510));
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "T");
  g_assert_cmpuint (track->n_keyframes, ==, 4);

  g_assert_cmpint (quorum_track_state_at (track, 0, &a, &b, &t), ==, QUORUM_TRACK_ABSENT);
  g_assert_null (a);
  g_assert_null (b);
  g_assert_cmpint (quorum_track_state_at (track, 9, &a, &b, &t), ==, QUORUM_TRACK_ABSENT);
  g_assert_cmpint (quorum_track_state_at (track, 10, &a, &b, &t), ==, QUORUM_TRACK_KEYFRAME);
  g_assert_cmpstr (a->id, ==, "k10");
  g_assert_true (a == b);
  g_assert_cmpint (quorum_track_state_at (track, 11, &a, &b, &t), ==, QUORUM_TRACK_INTERPOLATED);
  g_assert_cmpstr (a->id, ==, "k10");
  g_assert_cmpstr (b->id, ==, "p14");
  g_assert_cmpfloat_with_epsilon (t, 0.25, 1e-12);
  g_assert_cmpint (quorum_track_state_at (track, 14, &a, &b, &t), ==, QUORUM_TRACK_PROPOSED);
  g_assert_cmpstr (a->id, ==, "p14");
  g_assert_cmpint (quorum_track_state_at (track, 17, &a, &b, &t), ==, QUORUM_TRACK_INTERPOLATED);
  g_assert_cmpstr (a->id, ==, "p14");
  g_assert_cmpstr (b->id, ==, "k20");
  g_assert_cmpfloat_with_epsilon (t, 0.5, 1e-12);
  /* towards the outside instance: shown, interpolating to its shape */
  g_assert_cmpint (quorum_track_state_at (track, 24, &a, &b, &t), ==, QUORUM_TRACK_INTERPOLATED);
  g_assert_cmpstr (b->id, ==, "o25");
  g_assert_true (quorum_track_points_at (track, 24, points));
  assert_point (g_array_index (points, QuorumPoint, 0), lerp1 (100, 150, 0.8), 0);
  /* the gap: absent from the outside frame to the next stored one */
  for (guint f = 25; f < 30; f++)
    {
      g_autoptr(QuorumInstance) instance = quorum_track_instance_at (track, f);

      g_assert_cmpint (quorum_track_state_at (track, f, NULL, NULL, NULL), ==, QUORUM_TRACK_ABSENT);
      g_assert_false (quorum_track_points_at (track, f, points));
      g_assert_null (instance);
    }
  /* resumed, nothing interpolated across the gap */
  g_assert_cmpint (quorum_track_state_at (track, 30, &a, &b, &t), ==, QUORUM_TRACK_KEYFRAME);
  g_assert_true (quorum_track_points_at (track, 30, points));
  assert_point (g_array_index (points, QuorumPoint, 0), 500, 500);
  g_assert_cmpint (quorum_track_state_at (track, 31, &a, &b, &t), ==, QUORUM_TRACK_ABSENT);
  g_assert_cmpint (quorum_track_state_at (track, G_MAXUINT, &a, &b, &t), ==, QUORUM_TRACK_ABSENT);
  quorum_track_index_free (index);
}

/* Keyframes bunched and far apart, so that a search that starts from the
 * frame's share of the track has to go both ways: the anchors of every frame
 * against a plain scan. */
static void
test_anchor_search (void)
{
  static const guint frames[] = { 0, 1, 2, 3, 4, 100, 101, 102, 5000, 5001, 9000, 9998, 9999 };
  g_autoptr(GPtrArray) instances = instances_new ();
  QuorumTrackIndex *index;
  const QuorumTrack *track;

  /* added backwards: the index sorts them */
  for (guint i = G_N_ELEMENTS (frames); i-- > 0;)
    {
      g_autofree char *id = g_strdup_printf ("k%u", frames[i]);
      g_ptr_array_add (instances, point (id, "T", frames[i], frames[i], 0));
    }
  index = quorum_track_index_new (instances);
  track = quorum_track_index_find (index, "T");
  for (guint f = 0; f <= 10000; f++)
    {
      const QuorumInstance *a, *b;
      double t;
      QuorumTrackState state = quorum_track_state_at (track, f, &a, &b, &t);
      guint before = 0;

      if (f > 9999)
        {
          g_assert_cmpint (state, ==, QUORUM_TRACK_ABSENT);
          continue;
        }
      while (before + 1 < G_N_ELEMENTS (frames) && frames[before + 1] <= f)
        before++;
      g_assert_cmpuint (a->frame, ==, frames[before]);
      if (frames[before] == f)
        {
          g_assert_cmpint (state, ==, QUORUM_TRACK_KEYFRAME);
          g_assert_true (a == b);
        }
      else
        {
          g_assert_cmpint (state, ==, QUORUM_TRACK_INTERPOLATED);
          g_assert_cmpuint (b->frame, ==, frames[before + 1]);
          g_assert_cmpfloat_with_epsilon (t, (double) (f - frames[before]) /
                                             (frames[before + 1] - frames[before]), 1e-12);
          /* a point moving along x as fast as the frames: x is the frame */
          {
            g_autoptr(QuorumInstance) instance = quorum_track_instance_at (track, f);
            g_assert_cmpfloat_with_epsilon (instance->points[0].x, f, 1e-9);
          }
        }
    }
  quorum_track_index_free (index);
}

/* ---- at frame and expand ------------------------------------------------ */

static void
test_at_frame_and_expand (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GPtrArray) expanded = NULL;
  QuorumTrackIndex *index;
  QuorumInstance *outside;
  guint expected = 0;

  /* track B (first on 2) is added before A (first on 0): index order is A, B */
  g_ptr_array_add (instances, box ("b2", "B", 2, 0, 0, 10, 10));
  g_ptr_array_add (instances, box ("b6", "B", 6, 40, 0, 50, 10));
  g_ptr_array_add (instances, point ("a0", "A", 0, 0, 0));
  g_ptr_array_add (instances, point ("a4", "A", 4, 8, 4));
  outside = point ("a5", "A", 5, 8, 4);
  outside->outside = TRUE;
  g_ptr_array_add (instances, outside);
  g_ptr_array_add (instances, point ("a8", "A", 8, 0, 0));
  g_ptr_array_add (instances, stored ("tag3", NULL, 3, QUORUM_KIND_TAG, NULL, 0));
  g_ptr_array_add (instances, stored ("tag9", NULL, 9, QUORUM_KIND_TAG, NULL, 0));
  g_ptr_array_add (instances, point ("lone", NULL, 3, 1, 1));

  index = quorum_track_index_new (instances);
  {
    g_autoptr(GPtrArray) shown = quorum_tracks_at_frame (index, instances, 3);
    const QuorumInstance *i0, *i1;

    g_assert_cmpuint (shown->len, ==, 4);
    i0 = g_ptr_array_index (shown, 0);
    i1 = g_ptr_array_index (shown, 1);
    g_assert_cmpstr (i0->id, ==, "A@3");
    assert_point (i0->points[0], 6, 3);
    g_assert_cmpstr (i1->id, ==, "B@3");
    assert_point (i1->points[0], 10, 0);
    assert_point (i1->points[1], 20, 10);
    /* untracked after the tracks, in their order */
    g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (shown, 2))->id, ==, "tag3");
    g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (shown, 3))->id, ==, "lone");
  }
  {
    /* the same with a different array of the same instances: scanned */
    g_autoptr(GPtrArray) copy = g_ptr_array_new ();
    g_autoptr(GPtrArray) shown = NULL;

    for (guint i = 0; i < instances->len; i++)
      g_ptr_array_add (copy, g_ptr_array_index (instances, i));
    shown = quorum_tracks_at_frame (index, copy, 3);
    g_assert_cmpuint (shown->len, ==, 4);
    g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (shown, 3))->id, ==, "lone");
  }
  {
    g_autoptr(GPtrArray) shown = quorum_tracks_at_frame (index, instances, 5);
    /* A is outside on 5 */
    g_assert_cmpuint (shown->len, ==, 1);
    g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (shown, 0))->id, ==, "B@5");
  }
  {
    g_autoptr(GPtrArray) shown = quorum_tracks_at_frame (index, instances, 9);
    g_assert_cmpuint (shown->len, ==, 1);
    g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (shown, 0))->id, ==, "tag9");
  }

  /* expand: A on 0–4 and 8 (6), B on 2–6 (5), 3 untracked */
  expanded = quorum_tracks_expand (instances);
  g_assert_cmpuint (expanded->len, ==, 6 + 5 + 3);
  /* ascending frames, per frame as at_frame gives them */
  for (guint f = 0; f <= 9; f++)
    {
      g_autoptr(GPtrArray) shown = quorum_tracks_at_frame (index, instances, f);

      for (guint i = 0; i < shown->len; i++)
        {
          const QuorumInstance *want = g_ptr_array_index (shown, i);
          const QuorumInstance *got = g_ptr_array_index (expanded, expected + i);

          g_assert_cmpstr (got->id, ==, want->id);
          g_assert_cmpuint (got->frame, ==, f);
          g_assert_cmpuint (got->n_points, ==, want->n_points);
          for (guint p = 0; p < got->n_points; p++)
            assert_point (got->points[p], want->points[p].x, want->points[p].y);
        }
      expected += shown->len;
    }
  g_assert_cmpuint (expected, ==, expanded->len);
  g_assert_null (find_id (expanded, "a5"));
  g_assert_nonnull (find_id (expanded, "A@1"));
  g_assert_null (find_id (expanded, "A@6"));
  quorum_track_index_free (index);
}

static void
test_expand_counts (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GPtrArray) expanded = NULL;
  guint n_per_track[3] = { 0, 0, 0 };

  /* T0: 0–99 (100); T1: 50–59, outside 60, resumed 90–120 (10 + 31);
   * T2: on frame 1000 alone (1) */
  g_ptr_array_add (instances, box ("t0a", "T0", 0, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("t0b", "T0", 99, 5, 5, 6, 6));
  g_ptr_array_add (instances, box ("t1a", "T1", 50, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("t1b", "T1", 59, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("t1o", "T1", 60, 0, 0, 1, 1));
  ((QuorumInstance *) g_ptr_array_index (instances, 4))->outside = TRUE;
  g_ptr_array_add (instances, box ("t1c", "T1", 90, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("t1d", "T1", 120, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("t2", "T2", 1000, 0, 0, 1, 1));
  expanded = quorum_tracks_expand (instances);
  g_assert_cmpuint (expanded->len, ==, 100 + 41 + 1);
  for (guint i = 0; i < expanded->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (expanded, i);

      if (i > 0)
        g_assert_cmpuint (instance->frame, >=,
                          ((QuorumInstance *) g_ptr_array_index (expanded, i - 1))->frame);
      n_per_track[instance->track_id[1] - '0']++;
      g_assert_false (instance->outside);
    }
  g_assert_cmpuint (n_per_track[0], ==, 100);
  g_assert_cmpuint (n_per_track[1], ==, 41);
  g_assert_cmpuint (n_per_track[2], ==, 1);

  /* nothing tracked, nothing to expand */
  {
    g_autoptr(GPtrArray) empty = instances_new ();
    g_autoptr(GPtrArray) none = quorum_tracks_expand (empty);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

/* ---- checks ------------------------------------------------------------- */

static void
assert_check_error (GPtrArray  *instances,
                    guint       n_frames,
                    const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (quorum_tracks_check (instances, n_frames, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_check (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GError) error = NULL;
  QuorumInstance *instance;

  g_ptr_array_add (instances, box ("a", "T", 0, 0, 0, 1, 1));
  g_ptr_array_add (instances, box ("b", "T", 12, 0, 0, 1, 1));
  g_ptr_array_add (instances, point ("c", NULL, 12, 0, 0));
  g_assert_true (quorum_tracks_check (instances, 13, &error));
  g_assert_no_error (error);

  assert_check_error (instances, 12, "instances[1].frame: 12 is past the file's last frame, 11");

  g_ptr_array_add (instances, box ("d", "T", 12, 0, 0, 1, 1));
  assert_check_error (instances, 100,
                      "instances[3].frame: track T already has an instance on frame 12 "
                      "(instances[1])");
  g_ptr_array_remove_index (instances, 3);

  instance = box ("e", "T", 13, 0, 0, 1, 1);
  g_free (instance->label);
  instance->label = g_strdup ("bus");
  g_ptr_array_add (instances, instance);
  assert_check_error (instances, 100,
                      "instances[3].label: track T is a car (instances[0]), not a bus");
  g_ptr_array_remove_index (instances, 3);

  g_ptr_array_add (instances, point ("f", "T", 14, 0, 0));
  assert_check_error (instances, 100,
                      "instances[3].kind: track T is of kind box (instances[0]), not point");
  g_ptr_array_remove_index (instances, 3);

  instance = point ("g", NULL, 3, 0, 0);
  instance->keyframe = FALSE;
  g_ptr_array_add (instances, instance);
  assert_check_error (instances, 100,
                      "instances[3].keyframe: only an instance of a track (with a track_id) "
                      "can be other than a keyframe");
  instance->keyframe = TRUE;
  instance->outside = TRUE;
  assert_check_error (instances, 100,
                      "instances[3].outside: only an instance of a track (with a track_id) "
                      "can be outside");
  instance->outside = FALSE;
  g_assert_true (quorum_tracks_check (instances, 100, NULL));

  /* the same frame in two tracks is fine */
  g_ptr_array_add (instances, box ("h", "U", 12, 0, 0, 1, 1));
  g_assert_true (quorum_tracks_check (instances, 100, NULL));
}

/* ---- edits -------------------------------------------------------------- */

static GPtrArray *
two_keyframe_track (void)
{
  GPtrArray *instances = instances_new ();

  g_ptr_array_add (instances, box ("k0", "T", 0, 0, 0, 10, 10));
  g_ptr_array_add (instances, box ("k10", "T", 10, 100, 0, 110, 10));
  g_ptr_array_add (instances, point ("other", "U", 3, 5, 5));
  return instances;
}

static void
test_set_keyframe (void)
{
  g_autoptr(GPtrArray) instances = two_keyframe_track ();
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(QuorumInstance) shape = NULL;
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  QuorumTrackIndex *index = quorum_track_index_new (instances);
  const QuorumInstance *key;

  /* edit the interpolated frame 5: it becomes a keyframe */
  shape = quorum_track_instance_at (quorum_track_index_find (index, "T"), 5);
  quorum_track_index_free (index);
  shape->points[0].y = 40;
  shape->points[1].y = 50;
  edited = quorum_tracks_set_keyframe (instances, shape);
  g_assert_cmpuint (edited->len, ==, 4);
  g_assert_cmpuint (instances->len, ==, 3);
  key = find_stored (edited, "T", 5);
  g_assert_nonnull (key);
  g_assert_true (key->keyframe);
  /* stored, it gets an id of its own */
  g_assert_true (g_uuid_string_is_valid (key->id));
  g_assert_false (key->outside);

  /* frames 1–4 now follow it */
  index = quorum_track_index_new (edited);
  g_assert_cmpuint (quorum_track_index_find (index, "T")->n_keyframes, ==, 3);
  g_assert_true (quorum_track_points_at (quorum_track_index_find (index, "T"), 2, points));
  assert_point (g_array_index (points, QuorumPoint, 0), lerp1 (0, 50, 0.4), lerp1 (0, 40, 0.4));
  g_assert_true (quorum_track_points_at (quorum_track_index_find (index, "T"), 8, points));
  assert_point (g_array_index (points, QuorumPoint, 1), lerp1 (60, 110, 0.6), lerp1 (50, 10, 0.6));
  quorum_track_index_free (index);

  /* edited again, the stored one on 5 is replaced, not doubled; a proposal
   * passed in becomes a keyframe */
  shape->points[0].x = 7;
  shape->keyframe = FALSE;
  again = quorum_tracks_set_keyframe (edited, shape);
  g_assert_cmpuint (again->len, ==, 4);
  key = find_stored (again, "T", 5);
  g_assert_true (key->keyframe);
  g_assert_cmpfloat (key->points[0].x, ==, 7);
  g_assert_true (quorum_tracks_check (again, 11, NULL));
  /* the stored instance's id, kept across edits */
  g_assert_cmpstr (key->id, ==, find_stored (edited, "T", 5)->id);

  /* frame 0's keyframe copied onto frame 3: a new keyframe with an id of
   * its own, frame 0's left as it was */
  {
    g_autoptr(QuorumInstance) copy = quorum_instance_copy (g_ptr_array_index (instances, 0));
    g_autoptr(GPtrArray) copied = NULL;
    g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

    copy->frame = 3;
    copied = quorum_tracks_set_keyframe (instances, copy);
    g_assert_cmpuint (copied->len, ==, 4);
    g_assert_cmpstr (find_stored (copied, "T", 0)->id, ==, "k0");
    g_assert_cmpstr (find_stored (copied, "T", 3)->id, !=, "k0");
    for (guint i = 0; i < copied->len; i++)
      g_assert_true (g_hash_table_add (ids, ((QuorumInstance *) g_ptr_array_index (copied, i))->id));
  }
}

static void
test_set_outside (void)
{
  g_autoptr(GPtrArray) instances = two_keyframe_track ();
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(GPtrArray) after_end = NULL;
  g_autoptr(GError) error = NULL;
  QuorumTrackIndex *index;
  const QuorumInstance *outside;

  edited = quorum_tracks_set_outside (instances, "T", 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (edited->len, ==, 4);
  outside = find_stored (edited, "T", 4);
  g_assert_true (outside->outside);
  g_assert_true (outside->keyframe);
  /* with the shape the track showed there */
  assert_point (outside->points[0], lerp1 (0, 100, 0.4), 0);
  g_assert_cmpstr (outside->id, !=, "T@4");
  g_assert_true (quorum_tracks_check (edited, 11, NULL));

  index = quorum_track_index_new (edited);
  for (guint f = 0; f <= 10; f++)
    {
      QuorumTrackState state = quorum_track_state_at (quorum_track_index_find (index, "T"), f,
                                                      NULL, NULL, NULL);
      /* shown on 0–3, absent on 4–9, resumed by the keyframe on 10 */
      g_assert_cmpint (state == QUORUM_TRACK_ABSENT, ==, f >= 4 && f < 10);
    }
  quorum_track_index_free (index);

  /* after its end: its last shape, stored there */
  after_end = quorum_tracks_set_outside (instances, "T", 15, &error);
  g_assert_no_error (error);
  outside = find_stored (after_end, "T", 15);
  g_assert_true (outside->outside);
  assert_point (outside->points[0], 100, 0);

  /* on a stored frame: that instance, outside */
  {
    g_autoptr(GPtrArray) on_key = quorum_tracks_set_outside (instances, "T", 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (on_key->len, ==, 3);
    g_assert_true (find_id (on_key, "k10")->outside);
  }

  g_assert_null (quorum_tracks_set_outside (instances, "nope", 4, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "track_id:"));
  g_clear_error (&error);
  g_assert_null (quorum_tracks_set_outside (instances, "U", 2, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "frame:"));
}

static void
test_split (void)
{
  g_autoptr(GPtrArray) instances = two_keyframe_track ();
  g_autoptr(GPtrArray) split = NULL;
  g_autoptr(GError) error = NULL;
  const QuorumInstance *key;

  g_ptr_array_add (instances, box ("k20", "T", 20, 200, 0, 210, 10));
  split = quorum_tracks_split (instances, "T", 6, "T2", &error);
  g_assert_no_error (error);
  g_assert_true (quorum_tracks_check (split, 21, NULL));

  /* T: 0, and 5 (shown there before the split, now its last keyframe) */
  g_assert_cmpuint (count_track (split, "T"), ==, 2);
  key = find_stored (split, "T", 5);
  g_assert_true (key->keyframe);
  assert_point (key->points[0], lerp1 (0, 100, 0.5), 0);
  /* T2: 6 (the shape shown there), 10, 20 */
  g_assert_cmpuint (count_track (split, "T2"), ==, 3);
  key = find_stored (split, "T2", 6);
  g_assert_true (key->keyframe);
  assert_point (key->points[0], lerp1 (0, 100, 0.6), 0);
  g_assert_nonnull (find_stored (split, "T2", 10));
  g_assert_cmpstr (find_stored (split, "T2", 20)->id, ==, "k20");
  g_assert_cmpuint (count_track (split, "U"), ==, 1);
  g_assert_cmpuint (instances->len, ==, 4);

  /* on a stored frame, after a stored frame: nothing added */
  {
    g_autoptr(GPtrArray) at_key = quorum_tracks_split (instances, "T", 10, "T3", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (at_key->len, ==, 4 + 1);  /* 9 was interpolated: stored now */
    g_assert_cmpuint (count_track (at_key, "T"), ==, 2);
    g_assert_cmpuint (count_track (at_key, "T3"), ==, 2);
    assert_point (find_stored (at_key, "T", 9)->points[0], lerp1 (0, 100, 0.9), 0);
  }

  g_assert_null (quorum_tracks_split (instances, "T", 0, "T3", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "frame:"));
  g_clear_error (&error);
  g_assert_null (quorum_tracks_split (instances, "T", 21, "T3", &error));
  g_assert_true (g_str_has_prefix (error->message, "frame:"));
  g_clear_error (&error);
  g_assert_null (quorum_tracks_split (instances, "T", 5, "U", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT);
  g_assert_true (g_str_has_prefix (error->message, "new_track_id:"));
  g_clear_error (&error);
  g_assert_null (quorum_tracks_split (instances, "X", 5, "T3", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
}

static void
test_merge_and_remove (void)
{
  g_autoptr(GPtrArray) instances = two_keyframe_track ();
  g_autoptr(GPtrArray) merged = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  QuorumTrackIndex *index;

  g_ptr_array_add (instances, box ("s20", "S", 20, 200, 0, 210, 10));
  g_ptr_array_add (instances, box ("s30", "S", 30, 300, 0, 310, 10));
  merged = quorum_tracks_merge (instances, "T", "S", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_track (merged, "T"), ==, 4);
  g_assert_cmpuint (count_track (merged, "S"), ==, 0);
  g_assert_cmpuint (count_track (instances, "S"), ==, 2);
  index = quorum_track_index_new (merged);
  g_assert_cmpuint (quorum_track_index_get_n_tracks (index), ==, 2);
  /* one track from 0 to 30, interpolated across the join */
  g_assert_true (quorum_track_points_at (quorum_track_index_find (index, "T"), 15, points));
  assert_point (g_array_index (points, QuorumPoint, 0), lerp1 (100, 200, 0.5), 0);
  quorum_track_index_free (index);

  /* kinds differ */
  g_assert_null (quorum_tracks_merge (instances, "T", "U", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "from_id:"));
  g_clear_error (&error);
  /* a frame in both */
  g_ptr_array_add (instances, box ("s10", "S", 10, 0, 0, 1, 1));
  g_assert_null (quorum_tracks_merge (instances, "T", "S", &error));
  g_assert_cmpstr (error->message, ==, "from_id: tracks S and T both have an instance on frame 10");
  g_clear_error (&error);
  g_assert_null (quorum_tracks_merge (instances, "T", "T", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (quorum_tracks_merge (instances, "Q", "T", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "into_id:"));
  g_clear_error (&error);

  removed = quorum_tracks_remove (instances, "T");
  g_assert_cmpuint (removed->len, ==, instances->len - 2);
  g_assert_cmpuint (count_track (removed, "T"), ==, 0);
  g_assert_cmpuint (count_track (removed, "S"), ==, 3);
}

static void
test_huge_ring (void)
{
  g_autoptr(GPtrArray) instances = instances_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  guint na = 1000, nb = 1500;
  g_autofree QuorumPoint *a = g_new (QuorumPoint, na);
  g_autofree QuorumPoint *b = g_new (QuorumPoint, nb);
  QuorumTrackIndex *index;
  double max_error = 0;

  /* two circles of radius 100, b moved by (300, 0) and started a quarter
   * turn later: the capped search still finds b's matching start, so the
   * middle frame is a circle of radius 100 around (150, 0) whose first
   * vertex is at angle 0 */
  for (guint i = 0; i < na; i++)
    a[i] = (QuorumPoint) { 100 * cos (2 * G_PI * i / na), 100 * sin (2 * G_PI * i / na) };
  for (guint i = 0; i < nb; i++)
    b[i] = (QuorumPoint) { 300 + 100 * cos (2 * G_PI * i / nb + G_PI / 2),
                           100 * sin (2 * G_PI * i / nb + G_PI / 2) };
  g_ptr_array_add (instances, stored ("k0", "R", 0, QUORUM_KIND_POLYGON, a, na));
  g_ptr_array_add (instances, stored ("k2", "R", 2, QUORUM_KIND_POLYGON, b, nb));
  index = quorum_track_index_new (instances);
  g_assert_true (quorum_track_points_at (quorum_track_index_find (index, "R"), 1, points));
  g_assert_cmpuint (points->len, ==, nb);
  for (guint i = 0; i < nb; i++)
    {
      QuorumPoint p = g_array_index (points, QuorumPoint, i);
      double angle = 2 * G_PI * i / nb;
      max_error = MAX (max_error, hypot (p.x - (150 + 100 * cos (angle)), p.y - 100 * sin (angle)));
    }
  /* resampling a 1000-gon cuts corners by under 0.001 px; one step of
   * rotation off would move every vertex 0.2 px */
  g_assert_cmpfloat (max_error, <, 0.1);
  quorum_track_index_free (index);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/track/index", test_index);
  g_test_add_func ("/track/box", test_box_interpolation);
  g_test_add_func ("/track/points-at-no-allocation", test_points_at_no_allocation);
  g_test_add_func ("/track/point", test_point_interpolation);
  g_test_add_func ("/track/polygon-equal", test_polygon_equal_counts);
  g_test_add_func ("/track/resample", test_resample);
  g_test_add_func ("/track/polygon-unequal", test_polygon_unequal_counts);
  g_test_add_func ("/track/polygon-unequal-irregular", test_polygon_unequal_irregular);
  g_test_add_func ("/track/polygon-huge-ring", test_huge_ring);
  g_test_add_func ("/track/polyline", test_polyline);
  g_test_add_func ("/track/tag-and-attributes", test_tag_and_attributes);
  g_test_add_func ("/track/states", test_states);
  g_test_add_func ("/track/anchor-search", test_anchor_search);
  g_test_add_func ("/track/at-frame-and-expand", test_at_frame_and_expand);
  g_test_add_func ("/track/expand-counts", test_expand_counts);
  g_test_add_func ("/track/check", test_check);
  g_test_add_func ("/track/set-keyframe", test_set_keyframe);
  g_test_add_func ("/track/set-outside", test_set_outside);
  g_test_add_func ("/track/split", test_split);
  g_test_add_func ("/track/merge-and-remove", test_merge_and_remove);
  return g_test_run ();
}
