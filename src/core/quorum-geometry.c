/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <math.h>
#include <string.h>

#include "quorum-geometry.h"
#include "quorum-geometry-private.h"

/* Rings longer than this skip the quadratic simplicity test and go to GEOS. */
#define FAST_PATH_MAX_POINTS 64

/* Where edge i of the first ring properly crosses edge j of the second: at
 * t along edge i and at u along edge j. */
typedef struct {
  guint  i;
  guint  j;
  double t;
  double u;
} Crossing;

struct _QuorumGeometry
{
  GEOSContextHandle_t  ctx;
  double              *cuts;    /* scratch: edge parameters of the fast path */
  guint                n_cuts_allocated;
  GArray              *crossings;
  double              *params;  /* scratch: crossing parameters laid out by edge */
  guint                n_params_allocated;
};

/* A shape is one block: the struct, then its ring and edge lengths or its
 * samples. Matching prepares tens of thousands of them; one allocation each
 * (and no per-edge bounds, cheaper to recompute than to fetch) keeps the
 * preparation out of malloc and the page-fault handler. */
struct _QuorumShape
{
  QuorumKind            kind;
  guint                 n_ring;
  gboolean              simple;
  double                area;
  QuorumRect            bounds;
  QuorumGeometry       *geometry;
  const QuorumInstance *instance;
  /* Polygons: the ring without repeated points, counter-clockwise. */
  QuorumPoint          *ring;     /* n_ring + 1 points: ring[n_ring] repeats ring[0] */
  double               *lengths;  /* lengths[i]: the edge from ring[i] to ring[i + 1] */
  GEOSGeometry         *geos;     /* lazily built; the repaired region */
  /* An invalid ring: the repaired region's polygons as simple shapes, when
   * they all are simple and without holes (else none). */
  QuorumShape         **parts;
  guint                 n_parts;
  /* Polylines: the 32 samples equally spaced along the line. */
  QuorumPoint          *samples;
};

/* Shapes may be compared from several threads at once, each with its own
 * QuorumGeometry. The GEOS path, rare in matching (invalid rings, touching
 * edges), builds a shape's geometry on first use and reads geometries that
 * another thread may read too: it runs under this lock. */
static GMutex geos_lock;

static void
geos_message (const char *message,
              void       *user_data)
{
  g_debug ("GEOS: %s", message);
}

QuorumGeometry *
quorum_geometry_new (void)
{
  QuorumGeometry *geometry = g_new0 (QuorumGeometry, 1);

  geometry->ctx = GEOS_init_r ();
  GEOSContext_setNoticeMessageHandler_r (geometry->ctx, geos_message, NULL);
  GEOSContext_setErrorMessageHandler_r (geometry->ctx, geos_message, NULL);
  geometry->crossings = g_array_new (FALSE, FALSE, sizeof (Crossing));
  return geometry;
}

void
quorum_geometry_free (QuorumGeometry *geometry)
{
  if (geometry == NULL)
    return;
  g_free (geometry->cuts);
  g_free (geometry->params);
  g_array_unref (geometry->crossings);
  GEOS_finish_r (geometry->ctx);
  g_free (geometry);
}

/* ---- small exact-enough primitives ------------------------------------ */

static inline QuorumRect
edge_bounds (QuorumPoint p,
             QuorumPoint q)
{
  return (QuorumRect) { MIN (p.x, q.x), MIN (p.y, q.y), MAX (p.x, q.x), MAX (p.y, q.y) };
}

static inline double
cross3 (QuorumPoint o,
        QuorumPoint a,
        QuorumPoint b)
{
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

static double
ring_signed_area (const QuorumPoint *ring,
                  guint              n)
{
  double sum = 0;

  for (guint i = 0, j = n - 1; i < n; j = i++)
    sum += ring[j].x * ring[i].y - ring[i].x * ring[j].y;
  return sum / 2;
}

/* Do the closed segments p1p2 and q1q2 share any point? */
static gboolean
segments_touch (QuorumPoint p1,
                QuorumPoint p2,
                QuorumPoint q1,
                QuorumPoint q2)
{
  double d1, d2, d3, d4;

  if (MAX (p1.x, p2.x) < MIN (q1.x, q2.x) || MAX (q1.x, q2.x) < MIN (p1.x, p2.x) ||
      MAX (p1.y, p2.y) < MIN (q1.y, q2.y) || MAX (q1.y, q2.y) < MIN (p1.y, p2.y))
    return FALSE;
  d1 = cross3 (q1, q2, p1);
  d2 = cross3 (q1, q2, p2);
  d3 = cross3 (p1, p2, q1);
  d4 = cross3 (p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
      ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
    return TRUE;
#define ON_SEGMENT(a, b, c) \
  (MIN ((a).x, (b).x) <= (c).x && (c).x <= MAX ((a).x, (b).x) && \
   MIN ((a).y, (b).y) <= (c).y && (c).y <= MAX ((a).y, (b).y))
  if (d1 == 0 && ON_SEGMENT (q1, q2, p1)) return TRUE;
  if (d2 == 0 && ON_SEGMENT (q1, q2, p2)) return TRUE;
  if (d3 == 0 && ON_SEGMENT (p1, p2, q1)) return TRUE;
  if (d4 == 0 && ON_SEGMENT (p1, p2, q2)) return TRUE;
#undef ON_SEGMENT
  return FALSE;
}

/* Do the edges shared → p and shared → q run along each other? */
static inline gboolean
folds_back (QuorumPoint shared,
            QuorumPoint p,
            QuorumPoint q)
{
  return cross3 (shared, p, q) == 0 &&
         (p.x - shared.x) * (q.x - shared.x) + (p.y - shared.y) * (q.y - shared.y) > 0;
}

/* A ring is simple when no two non-adjacent edges touch and adjacent edges
 * meet only at their shared vertex. The edges whose bounds meet are picked
 * without branches first (see find_crossings); n ≤ FAST_PATH_MAX_POINTS. */
static gboolean
ring_is_simple (const QuorumPoint *ring,
                guint              n)
{
  double ex0[FAST_PATH_MAX_POINTS], ex1[FAST_PATH_MAX_POINTS];
  double ey0[FAST_PATH_MAX_POINTS], ey1[FAST_PATH_MAX_POINTS];
  guint near[FAST_PATH_MAX_POINTS];

  if (n < 3 || n > FAST_PATH_MAX_POINTS)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      QuorumRect edge = edge_bounds (ring[i], ring[(i + 1) % n]);

      ex0[i] = edge.x0;
      ey0[i] = edge.y0;
      ex1[i] = edge.x1;
      ey1[i] = edge.y1;
    }
  for (guint i = 0; i < n; i++)
    {
      QuorumPoint a1 = ring[i], a2 = ring[(i + 1) % n];
      /* Non-adjacent: i + 2 … n − 1, without n − 1 when i = 0. */
      guint last = i == 0 ? n - 1 : n;
      guint n_near = 0;

      /* Edge i and the next one, and edge 0 and edge n − 1, fold back onto
       * each other when collinear and pointing in opposite directions. */
      if (i + 1 < n && folds_back (a2, a1, ring[(i + 2) % n]))
        return FALSE;
      if (i == 0 && folds_back (a1, a2, ring[n - 1]))
        return FALSE;
      for (guint j = i + 2; j < last; j++)
        {
          near[n_near] = j;
          n_near += (ex1[i] >= ex0[j]) & (ex1[j] >= ex0[i]) & (ey1[i] >= ey0[j]) & (ey1[j] >= ey0[i]);
        }
      for (guint k = 0; k < n_near; k++)
        if (segments_touch (a1, a2, ring[near[k]], ring[(near[k] + 1) % n]))
          return FALSE;
    }
  return TRUE;
}

/* ---- GEOS ------------------------------------------------------------- */

/* The polygonal part of a (repaired) geometry as one geometry that overlay
 * operations accept: MakeValid may return a collection with lines in it. */
static GEOSGeometry *
polygonal_part (GEOSContextHandle_t  ctx,
                GEOSGeometry        *geometry)
{
  int type = GEOSGeomTypeId_r (ctx, geometry);
  g_autoptr(GPtrArray) parts = NULL;
  GEOSGeometry *result;

  if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
    return geometry;

  parts = g_ptr_array_new ();
  if (type == GEOS_GEOMETRYCOLLECTION)
    {
      int n = GEOSGetNumGeometries_r (ctx, geometry);

      for (int i = 0; i < n; i++)
        {
          const GEOSGeometry *part = GEOSGetGeometryN_r (ctx, geometry, i);
          int part_type = GEOSGeomTypeId_r (ctx, part);

          if (part_type == GEOS_POLYGON)
            g_ptr_array_add (parts, GEOSGeom_clone_r (ctx, part));
          else if (part_type == GEOS_MULTIPOLYGON)
            for (int k = 0; k < GEOSGetNumGeometries_r (ctx, part); k++)
              g_ptr_array_add (parts, GEOSGeom_clone_r (ctx, GEOSGetGeometryN_r (ctx, part, k)));
        }
    }
  GEOSGeom_destroy_r (ctx, geometry);
  result = GEOSGeom_createCollection_r (ctx, GEOS_MULTIPOLYGON, (GEOSGeometry **) parts->pdata,
                                        parts->len);
  return result;
}

static GEOSGeometry *
build_geos (QuorumShape    *shape,
            QuorumGeometry *geometry)
{
  GEOSContextHandle_t ctx = geometry->ctx;
  GEOSCoordSequence *sequence;
  GEOSGeometry *shell;
  GEOSGeometry *polygon;

  if (shape->kind == QUORUM_KIND_BOX)
    return GEOSGeom_createRectangle_r (ctx, shape->bounds.x0, shape->bounds.y0,
                                       shape->bounds.x1, shape->bounds.y1);

  if (shape->n_ring < 3)
    return GEOSGeom_createEmptyPolygon_r (ctx);

  sequence = GEOSCoordSeq_create_r (ctx, shape->n_ring + 1, 2);
  for (guint i = 0; i <= shape->n_ring; i++)
    {
      const QuorumPoint *p = &shape->ring[i % shape->n_ring];
      GEOSCoordSeq_setXY_r (ctx, sequence, i, p->x, p->y);
    }
  shell = GEOSGeom_createLinearRing_r (ctx, sequence);
  if (shell == NULL)
    return GEOSGeom_createEmptyPolygon_r (ctx);
  polygon = GEOSGeom_createPolygon_r (ctx, shell, NULL, 0);
  if (GEOSisValid_r (ctx, polygon) != 1)
    {
      GEOSGeometry *repaired = GEOSMakeValid_r (ctx, polygon);

      GEOSGeom_destroy_r (ctx, polygon);
      if (repaired == NULL)
        return GEOSGeom_createEmptyPolygon_r (ctx);
      polygon = polygonal_part (ctx, repaired);
    }
  return polygon;
}

/* Built with @geometry's GEOS handle: the calling thread's. */
static GEOSGeometry *
shape_geos (QuorumShape    *shape,
            QuorumGeometry *geometry)
{
  if (shape->geos == NULL)
    shape->geos = build_geos (shape, geometry);
  return shape->geos;
}

/* ---- shapes ----------------------------------------------------------- */

static void
resample_polyline (const QuorumInstance *instance,
                   QuorumPoint          *samples)
{
  const QuorumPoint *p = instance->points;
  guint n = instance->n_points;
  double total = 0;
  double walked = 0;
  guint segment = 0;

  for (guint i = 1; i < n; i++)
    total += hypot (p[i].x - p[i - 1].x, p[i].y - p[i - 1].y);

  for (guint k = 0; k < QUORUM_POLYLINE_SAMPLES; k++)
    {
      double target = total * k / (QUORUM_POLYLINE_SAMPLES - 1);

      if (total == 0 || k == QUORUM_POLYLINE_SAMPLES - 1)
        {
          samples[k] = total == 0 ? p[0] : p[n - 1];
          continue;
        }
      for (;;)
        {
          double length = hypot (p[segment + 1].x - p[segment].x,
                                 p[segment + 1].y - p[segment].y);

          if (walked + length >= target || segment + 2 >= n)
            {
              double t = length > 0 ? (target - walked) / length : 0;

              t = CLAMP (t, 0.0, 1.0);
              samples[k].x = p[segment].x + t * (p[segment + 1].x - p[segment].x);
              samples[k].y = p[segment].y + t * (p[segment + 1].y - p[segment].y);
              break;
            }
          walked += length;
          segment++;
        }
    }
}

static int ring_locate (const QuorumShape *shape,
                        QuorumPoint        p,
                        double             tolerance);

/* The loop of @ring from @x through ring[first … last] (indexes mod n) as a
 * shape of its own; NULL unless it is a simple ring. */
static QuorumShape *
loop_shape (QuorumShape       *shape,
            QuorumGeometry    *geometry,
            QuorumPoint        x,
            guint              first,
            guint              count)
{
  QuorumPoint points[FAST_PATH_MAX_POINTS + 1];
  QuorumInstance loop = { .kind = QUORUM_KIND_POLYGON, .points = points, .n_points = count + 1 };
  QuorumShape *part;

  points[0] = x;
  for (guint k = 0; k < count; k++)
    points[k + 1] = shape->ring[(first + k) % shape->n_ring];
  part = quorum_shape_new (geometry, &loop);
  part->instance = shape->instance;
  if (!part->simple || part->area <= 0)
    g_clear_pointer (&part, quorum_shape_free);
  return part;
}

/*
 * A ring whose one flaw is a proper crossing of two of its edges (two
 * neighbouring vertices swapped, the usual slip) is two simple loops
 * meeting at the crossing. When neither loop lies inside the other, the
 * repaired region — GEOS MakeValid's, by the even-odd rule — is the two
 * loops: made here, without GEOS (MakeValid was most of the preparation of
 * such a ring). Any other flaw returns FALSE and goes to GEOS.
 */
static gboolean
split_single_crossing (QuorumShape    *shape,
                       QuorumGeometry *geometry)
{
  const QuorumPoint *ring = shape->ring;
  guint n = shape->n_ring;
  guint first = 0, second = 0, n_crossings = 0;
  QuorumPoint p, q, r, s, x;
  double d1, d2, d3, d4, denominator, t, scale, tolerance;
  QuorumShape *loops[2] = { NULL, NULL };

  if (n < 4 || n > FAST_PATH_MAX_POINTS)
    return FALSE;
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        gboolean adjacent = (j == i + 1) || (i == 0 && j == n - 1);

        if (adjacent)
          {
            QuorumPoint shared = (j == i + 1) ? ring[i + 1] : ring[i];
            QuorumPoint a = (j == i + 1) ? ring[i] : ring[(i + 1) % n];
            QuorumPoint b = (j == i + 1) ? ring[(j + 1) % n] : ring[j];

            if (cross3 (shared, a, b) == 0)
              return FALSE;   /* collinear neighbours: not this case */
          }
        else if (segments_touch (ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n]))
          {
            if (n_crossings++ > 0)
              return FALSE;
            first = i;
            second = j;
          }
      }
  if (n_crossings != 1)
    return FALSE;

  p = ring[first];
  q = ring[(first + 1) % n];
  r = ring[second];
  s = ring[(second + 1) % n];
  d1 = cross3 (r, s, p);
  d2 = cross3 (r, s, q);
  d3 = cross3 (p, q, r);
  d4 = cross3 (p, q, s);
  if (!((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) || !((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
    return FALSE;   /* they touch at an end: not a proper crossing */
  denominator = (q.x - p.x) * (s.y - r.y) - (q.y - p.y) * (s.x - r.x);
  t = ((r.x - p.x) * (s.y - r.y) - (r.y - p.y) * (s.x - r.x)) / denominator;
  x = (QuorumPoint) { p.x + t * (q.x - p.x), p.y + t * (q.y - p.y) };

  /* One loop runs from the crossing over ring[first + 1 … second], the
   * other over ring[second + 1 … first]. */
  loops[0] = loop_shape (shape, geometry, x, first + 1, second - first);
  loops[1] = loop_shape (shape, geometry, x, second + 1, n - (second - first));
  scale = MAX (MAX (fabs (shape->bounds.x0), fabs (shape->bounds.x1)),
               MAX (fabs (shape->bounds.y0), fabs (shape->bounds.y1)));
  tolerance = MAX (scale, 1.0) * 1e-9;
  if (loops[0] != NULL && loops[1] != NULL)
    for (guint k = 0; k < 2; k++)
      {
        /* A vertex of one loop other than the crossing: outside the other,
         * else the region has a hole and GEOS makes it. */
        const QuorumShape *inner = loops[k];
        QuorumPoint probe = inner->ring[0].x == x.x && inner->ring[0].y == x.y ? inner->ring[1]
                                                                               : inner->ring[0];

        if (ring_locate (loops[1 - k], probe, tolerance) != 0)
          {
            g_clear_pointer (&loops[0], quorum_shape_free);
            break;
          }
      }
  if (loops[0] == NULL || loops[1] == NULL)
    {
      g_clear_pointer (&loops[0], quorum_shape_free);
      g_clear_pointer (&loops[1], quorum_shape_free);
      return FALSE;
    }
  shape->parts = g_new (QuorumShape *, 2);
  shape->parts[0] = loops[0];
  shape->parts[1] = loops[1];
  shape->n_parts = 2;
  shape->area = loops[0]->area + loops[1]->area;
  return TRUE;
}

/* Makes the parts of a repaired region (see QuorumShape): the intersection
 * with it is then the sum over its parts, which do not overlap, each on the
 * fast path, instead of a GEOS overlay. */
static void
split_parts (QuorumShape    *shape,
             QuorumGeometry *geometry)
{
  GEOSContextHandle_t ctx = geometry->ctx;
  const GEOSGeometry *region = shape->geos;
  int type = region != NULL ? GEOSGeomTypeId_r (ctx, region) : -1;
  int n = type == GEOS_POLYGON ? 1 : type == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r (ctx, region) : 0;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_shape_free);

  for (int k = 0; k < n; k++)
    {
      const GEOSGeometry *polygon = type == GEOS_POLYGON ? region : GEOSGetGeometryN_r (ctx, region, k);
      const GEOSGeometry *shell = GEOSGetExteriorRing_r (ctx, polygon);
      const GEOSCoordSequence *sequence = shell != NULL ? GEOSGeom_getCoordSeq_r (ctx, shell) : NULL;
      unsigned int size = 0;
      g_autofree QuorumPoint *points = NULL;
      QuorumInstance ring = { .kind = QUORUM_KIND_POLYGON };
      QuorumShape *part;

      if (sequence == NULL || GEOSGetNumInteriorRings_r (ctx, polygon) != 0 ||
          GEOSCoordSeq_getSize_r (ctx, sequence, &size) == 0 || size < 4 ||
          size > FAST_PATH_MAX_POINTS + 1)
        return;
      points = g_new (QuorumPoint, size);
      for (unsigned int i = 0; i < size; i++)
        if (GEOSCoordSeq_getXY_r (ctx, sequence, i, &points[i].x, &points[i].y) == 0)
          return;
      ring.points = points;
      ring.n_points = size;
      part = quorum_shape_new (geometry, &ring);
      part->instance = shape->instance;
      g_ptr_array_add (parts, part);
      if (!part->simple)
        return;
    }
  shape->n_parts = parts->len;
  shape->parts = (QuorumShape **) g_ptr_array_free (g_steal_pointer (&parts), FALSE);
}

gsize
_quorum_shape_size (const QuorumInstance *instance)
{
  gsize size = sizeof (QuorumShape);

  /* QuorumPoint and double share an alignment: the arrays follow the struct,
   * and the next shape of a block follows them. */
  G_STATIC_ASSERT (sizeof (QuorumShape) % sizeof (double) == 0);
  G_STATIC_ASSERT (sizeof (QuorumPoint) % sizeof (double) == 0);
  if (instance->kind == QUORUM_KIND_POLYGON)
    size += sizeof (QuorumPoint) * (instance->n_points + 1) + sizeof (double) * instance->n_points;
  else if (instance->kind == QUORUM_KIND_POLYLINE)
    size += sizeof (QuorumPoint) * QUORUM_POLYLINE_SAMPLES;
  return size;
}

QuorumShape *
quorum_shape_new (QuorumGeometry       *geometry,
                  const QuorumInstance *instance)
{
  return _quorum_shape_init (g_malloc (_quorum_shape_size (instance)), geometry, instance);
}

QuorumShape *
_quorum_shape_init (gpointer              memory,
                    QuorumGeometry       *geometry,
                    const QuorumInstance *instance)
{
  QuorumShape *shape = memory;

  *shape = (QuorumShape) { 0 };
  shape->kind = instance->kind;
  shape->geometry = geometry;
  shape->instance = instance;
  quorum_instance_bounds (instance, &shape->bounds);

  switch (instance->kind)
    {
    case QUORUM_KIND_BOX:
      shape->area = (shape->bounds.x1 - shape->bounds.x0) * (shape->bounds.y1 - shape->bounds.y0);
      break;

    case QUORUM_KIND_POLYGON:
      {
        guint n = 0;

        shape->ring = (QuorumPoint *) (shape + 1);
        shape->lengths = (double *) (shape->ring + instance->n_points + 1);
        for (guint i = 0; i < instance->n_points; i++)
          {
            QuorumPoint p = instance->points[i];

            if (n > 0 && shape->ring[n - 1].x == p.x && shape->ring[n - 1].y == p.y)
              continue;
            shape->ring[n++] = p;
          }
        while (n > 1 && shape->ring[n - 1].x == shape->ring[0].x &&
               shape->ring[n - 1].y == shape->ring[0].y)
          n--;
        shape->n_ring = n;
        shape->simple = n >= 3 && n <= FAST_PATH_MAX_POINTS && ring_is_simple (shape->ring, n);
        if (shape->simple)
          {
            double signed_area = ring_signed_area (shape->ring, n);

            if (signed_area < 0)
              {
                for (guint i = 0; i < n / 2; i++)
                  {
                    QuorumPoint t = shape->ring[i];
                    shape->ring[i] = shape->ring[n - 1 - i];
                    shape->ring[n - 1 - i] = t;
                  }
              }
            shape->area = fabs (signed_area);
            shape->ring[n] = shape->ring[0];
            for (guint i = 0; i < n; i++)
              {
                QuorumPoint p = shape->ring[i], q = shape->ring[i + 1];

                /* Only compared with a tolerance: no need for hypot's care. */
                shape->lengths[i] = sqrt ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y));
              }
          }
        else if (n >= 3 && split_single_crossing (shape, geometry))
          ;
        else if (n >= 3)
          {
            double area = 0;

            /* The shape is this thread's alone until it is returned. */
            if (GEOSArea_r (geometry->ctx, shape_geos (shape, geometry), &area) == 1)
              shape->area = area;
            split_parts (shape, geometry);
          }
      }
      break;

    case QUORUM_KIND_POLYLINE:
      shape->samples = (QuorumPoint *) (shape + 1);
      resample_polyline (instance, shape->samples);
      break;

    case QUORUM_KIND_POINT:
    case QUORUM_KIND_TAG:
    default:
      break;
    }
  return shape;
}

void
quorum_shape_free (QuorumShape *shape)
{
  if (shape == NULL)
    return;
  _quorum_shape_clear (shape);
  g_free (shape);
}

void
_quorum_shape_clear (QuorumShape *shape)
{
  if (shape->geos != NULL)
    GEOSGeom_destroy_r (shape->geometry->ctx, shape->geos);
  shape->geos = NULL;
  for (guint k = 0; k < shape->n_parts; k++)
    quorum_shape_free (shape->parts[k]);
  g_clear_pointer (&shape->parts, g_free);
  shape->n_parts = 0;
}

const QuorumInstance *
quorum_shape_get_instance (const QuorumShape *shape)
{
  return shape->instance;
}

double
quorum_shape_area (const QuorumShape *shape)
{
  return shape->area;
}

void
quorum_shape_bounds (const QuorumShape *shape,
                     QuorumRect        *bounds)
{
  *bounds = shape->bounds;
}

#define bounds_overlap_area _quorum_bounds_overlap_area

double
quorum_shape_iou_upper_bound (const QuorumShape *a,
                              const QuorumShape *b)
{
  return _quorum_iou_upper_bound (a->area, &a->bounds, b->area, &b->bounds);
}

/* ---- intersection ----------------------------------------------------- */

double
quorum_geometry_intersection_area_geos (QuorumGeometry *geometry,
                                        QuorumShape    *a,
                                        QuorumShape    *b)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&geos_lock);
  GEOSGeometry *ga = shape_geos (a, geometry);
  GEOSGeometry *gb = shape_geos (b, geometry);
  GEOSGeometry *intersection;
  double area = 0;

  if (ga == NULL || gb == NULL || GEOSisEmpty_r (geometry->ctx, ga) == 1 ||
      GEOSisEmpty_r (geometry->ctx, gb) == 1)
    return 0;
  intersection = GEOSIntersection_r (geometry->ctx, ga, gb);
  if (intersection == NULL)
    {
      g_warning ("GEOS could not intersect two regions; counting no overlap");
      return 0;
    }
  if (GEOSArea_r (geometry->ctx, intersection, &area) != 1)
    area = 0;
  GEOSGeom_destroy_r (geometry->ctx, intersection);
  return area;
}

/* Where is @p relative to the simple CCW ring: 1 inside, 0 outside, -1 on
 * (or so near) the boundary that the answer would not be trustworthy. */
static int
ring_locate (const QuorumShape *shape,
             QuorumPoint        p,
             double             tolerance)
{
  const QuorumPoint *ring = shape->ring;
  guint n = shape->n_ring;
  gboolean inside = FALSE;

  for (guint i = 0; i < n; i++)
    {
      QuorumPoint a = ring[i], b = ring[i + 1];
      QuorumRect edge = edge_bounds (a, b);
      const QuorumRect *e = &edge;

      if (p.x >= e->x0 - tolerance && p.x <= e->x1 + tolerance &&
          p.y >= e->y0 - tolerance && p.y <= e->y1 + tolerance &&
          fabs (cross3 (a, b, p)) <= tolerance * shape->lengths[i])
        return -1;
      if ((a.y > p.y) != (b.y > p.y))
        {
          double x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
          if (p.x < x)
            inside = !inside;
        }
    }
  return inside ? 1 : 0;
}

/* Finds every proper crossing of the two rings' edges, in order of the first
 * ring's edges. Returns FALSE when an endpoint lies on or too near the other
 * ring's edge (touching, collinear): the split would not be safe and the
 * caller asks GEOS. */
static gboolean
find_crossings (QuorumGeometry    *geometry,
                const QuorumShape *a,
                const QuorumShape *b,
                double             tolerance)
{
  GArray *crossings = geometry->crossings;
  guint m = b->n_ring;
  /* b's edge bounds, four arrays, so that picking the edges near one of a's
   * is a loop without branches (the bounds tests are a coin toss for the
   * branch predictor, and most of the time of the fast path). */
  double bx0[FAST_PATH_MAX_POINTS], bx1[FAST_PATH_MAX_POINTS];
  double by0[FAST_PATH_MAX_POINTS], by1[FAST_PATH_MAX_POINTS];
  guint near[FAST_PATH_MAX_POINTS];

  g_assert (m <= FAST_PATH_MAX_POINTS);
  for (guint j = 0; j < m; j++)
    {
      QuorumRect edge = edge_bounds (b->ring[j], b->ring[j + 1]);

      bx0[j] = edge.x0;
      by0[j] = edge.y0;
      bx1[j] = edge.x1;
      by1[j] = edge.y1;
    }

  g_array_set_size (crossings, 0);
  for (guint i = 0; i < a->n_ring; i++)
    {
      QuorumPoint p = a->ring[i], q = a->ring[i + 1];
      double length = a->lengths[i];
      QuorumRect edge = edge_bounds (p, q);
      double px0 = edge.x0 - tolerance, px1 = edge.x1 + tolerance;
      double py0 = edge.y0 - tolerance, py1 = edge.y1 + tolerance;
      guint n_near = 0;

      if (px1 < b->bounds.x0 || px0 > b->bounds.x1 || py1 < b->bounds.y0 || py0 > b->bounds.y1)
        continue;
      for (guint j = 0; j < m; j++)
        {
          near[n_near] = j;
          n_near += (bx1[j] >= px0) & (bx0[j] <= px1) & (by1[j] >= py0) & (by0[j] <= py1);
        }
      for (guint k = 0; k < n_near; k++)
        {
          guint j = near[k];
          QuorumPoint r = b->ring[j], s = b->ring[j + 1];
          double other_length;
          double d1, d2, d3, d4;

          other_length = b->lengths[j];
          d1 = cross3 (r, s, p);
          d2 = cross3 (r, s, q);
          d3 = cross3 (p, q, r);
          d4 = cross3 (p, q, s);
          if (fabs (d1) <= tolerance * other_length || fabs (d2) <= tolerance * other_length ||
              fabs (d3) <= tolerance * length || fabs (d4) <= tolerance * length)
            return FALSE;
          if ((d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0))
            {
              double dx = q.x - p.x, dy = q.y - p.y;
              double ex = s.x - r.x, ey = s.y - r.y;
              double denominator = dx * ey - dy * ex;
              Crossing crossing = {
                i, j,
                ((r.x - p.x) * ey - (r.y - p.y) * ex) / denominator,
                ((r.x - p.x) * dy - (r.y - p.y) * dx) / denominator,
              };

              g_array_append_val (crossings, crossing);
            }
        }
    }
  return TRUE;
}

/* Adds to *sum the integral of (x dy − y dx) over the parts of @shape's
 * boundary inside @other. @cut_of_edge[i] … @cut_of_edge[i + 1] index the
 * sorted-by-edge @params of the crossings on edge i. Inside and outside
 * alternate at every proper crossing, so one point-in-polygon test per ring
 * is enough. Returns FALSE if that test lands on the boundary, or if the
 * state does not come back to where it started (a crossing lost to rounding). */
static gboolean
walk_boundary (QuorumGeometry    *geometry,
               const QuorumShape *shape,
               const QuorumShape *other,
               const guint       *cut_of_edge,
               const double      *params,
               double             tolerance,
               double            *sum)
{
  int inside = -1;
  int first_inside = -1;
  double *t;

  if (geometry->n_cuts_allocated < other->n_ring + 2)
    {
      geometry->n_cuts_allocated = MAX (other->n_ring + 2, 64);
      geometry->cuts = g_renew (double, geometry->cuts, geometry->n_cuts_allocated);
    }
  t = geometry->cuts;

  for (guint i = 0; i < shape->n_ring; i++)
    {
      QuorumPoint p = shape->ring[i], q = shape->ring[i + 1];
      double dx = q.x - p.x, dy = q.y - p.y;
      guint n_cuts = 0;

      t[n_cuts++] = 0.0;
      for (guint k = cut_of_edge[i]; k < cut_of_edge[i + 1]; k++)
        t[n_cuts++] = params[k];
      t[n_cuts++] = 1.0;

      /* insertion sort: the cut lists are tiny */
      for (guint a = 1; a < n_cuts; a++)
        for (guint b = a; b > 0 && t[b - 1] > t[b]; b--)
          {
            double swap = t[b];
            t[b] = t[b - 1];
            t[b - 1] = swap;
          }
      for (guint k = 0; k + 1 < n_cuts; k++)
        {
          QuorumPoint from = k == 0 ? p : (QuorumPoint) { p.x + t[k] * dx, p.y + t[k] * dy };
          QuorumPoint to = k + 2 == n_cuts ? q
                                              : (QuorumPoint) { p.x + t[k + 1] * dx, p.y + t[k + 1] * dy };

          if (inside < 0)
            {
              QuorumPoint middle = { (from.x + to.x) / 2, (from.y + to.y) / 2 };

              inside = first_inside = ring_locate (other, middle, tolerance);
              if (inside < 0)
                return FALSE;
            }
          else if (k > 0)
            inside = !inside;
          if (inside)
            *sum += from.x * to.y - to.x * from.y;
        }
    }
  return inside == first_inside;
}

static gboolean
rings_equal (const QuorumShape *a,
             const QuorumShape *b)
{
  if (a->n_ring != b->n_ring)
    return FALSE;
  for (guint shift = 0; shift < a->n_ring; shift++)
    if (a->ring[shift].x == b->ring[0].x && a->ring[shift].y == b->ring[0].y)
      {
        for (guint i = 0; i < a->n_ring; i++)
          {
            const QuorumPoint *p = &a->ring[(i + shift) % a->n_ring];
            if (p->x != b->ring[i].x || p->y != b->ring[i].y)
              return FALSE;
          }
        return TRUE;
      }
  return FALSE;
}

static gboolean
fast_polygon_intersection (QuorumGeometry *geometry,
                           QuorumShape    *a,
                           QuorumShape    *b,
                           double         *area)
{
  double scale = MAX (MAX (fabs (a->bounds.x0), fabs (a->bounds.x1)),
                      MAX (fabs (a->bounds.y0), fabs (a->bounds.y1)));
  double tolerance;
  double sum = 0;

  scale = MAX (scale, MAX (MAX (fabs (b->bounds.x0), fabs (b->bounds.x1)),
                           MAX (fabs (b->bounds.y0), fabs (b->bounds.y1))));
  /* Distances below this are too close to call in double precision. */
  tolerance = MAX (scale, 1.0) * 1e-9;

  if (rings_equal (a, b))
    {
      *area = a->area;
      return TRUE;
    }
  if (!find_crossings (geometry, a, b, tolerance))
    return FALSE;

  /* The crossings come in order of a's edges; count them per edge of each
   * ring and lay their parameters out edge by edge. */
  {
    GArray *crossings = geometry->crossings;
    guint n = crossings->len;
    guint cut_of_a[FAST_PATH_MAX_POINTS + 1] = { 0 };
    guint cut_of_b[FAST_PATH_MAX_POINTS + 1] = { 0 };
    guint fill_b[FAST_PATH_MAX_POINTS + 1];
    double *params_a, *params_b;

    if (geometry->n_params_allocated < 2 * n)
      {
        geometry->n_params_allocated = MAX (2 * n, 256);
        geometry->params = g_renew (double, geometry->params, geometry->n_params_allocated);
      }
    params_a = geometry->params;
    params_b = geometry->params + n;

    for (guint k = 0; k < n; k++)
      {
        const Crossing *c = &g_array_index (crossings, Crossing, k);
        cut_of_a[c->i + 1]++;
        cut_of_b[c->j + 1]++;
      }
    for (guint i = 0; i < a->n_ring; i++)
      cut_of_a[i + 1] += cut_of_a[i];
    for (guint j = 0; j < b->n_ring; j++)
      cut_of_b[j + 1] += cut_of_b[j];
    memcpy (fill_b, cut_of_b, sizeof (guint) * (b->n_ring + 1));
    for (guint k = 0; k < n; k++)
      {
        const Crossing *c = &g_array_index (crossings, Crossing, k);
        params_a[k] = c->t;
        params_b[fill_b[c->j]++] = c->u;
      }
    if (!walk_boundary (geometry, a, b, cut_of_a, params_a, tolerance, &sum) ||
        !walk_boundary (geometry, b, a, cut_of_b, params_b, tolerance, &sum))
      return FALSE;
  }
  *area = CLAMP (sum / 2, 0.0, MIN (a->area, b->area));
  return TRUE;
}

/* A fixed order for the two operands, so that the floating-point result of
 * intersecting a with b is the one of intersecting b with a. */
static gboolean
shape_comes_after (const QuorumShape *a,
                   const QuorumShape *b)
{
  if (a->area != b->area)
    return a->area > b->area;
  if (a->bounds.x0 != b->bounds.x0)
    return a->bounds.x0 > b->bounds.x0;
  if (a->bounds.y0 != b->bounds.y0)
    return a->bounds.y0 > b->bounds.y0;
  if (a->bounds.x1 != b->bounds.x1)
    return a->bounds.x1 > b->bounds.x1;
  if (a->bounds.y1 != b->bounds.y1)
    return a->bounds.y1 > b->bounds.y1;
  return a->n_ring > b->n_ring;
}

/* The intersection of two shapes of which one at least is a repaired region
 * split into simple parts: the sum over the pairs of parts. */
static gboolean
parts_intersection (QuorumGeometry *geometry,
                    QuorumShape    *a,
                    QuorumShape    *b,
                    double         *area)
{
  QuorumShape **parts_a = a->n_parts > 0 ? a->parts : &a;
  QuorumShape **parts_b = b->n_parts > 0 ? b->parts : &b;
  guint n_a = a->n_parts > 0 ? a->n_parts : 1;
  guint n_b = b->n_parts > 0 ? b->n_parts : 1;
  double sum = 0;

  for (guint i = 0; i < n_a; i++)
    for (guint j = 0; j < n_b; j++)
      {
        QuorumShape *x = parts_a[i], *y = parts_b[j];
        double part = 0;

        if (bounds_overlap_area (&x->bounds, &y->bounds) <= 0)
          continue;
        if (shape_comes_after (x, y))
          {
            QuorumShape *swap = x;
            x = y;
            y = swap;
          }
        if (!fast_polygon_intersection (geometry, x, y, &part))
          return FALSE;
        sum += part;
      }
  *area = CLAMP (sum, 0.0, MIN (a->area, b->area));
  return TRUE;
}

double
quorum_geometry_intersection_area (QuorumGeometry *geometry,
                                   QuorumShape    *a,
                                   QuorumShape    *b)
{
  double overlap = bounds_overlap_area (&a->bounds, &b->bounds);
  double area;

  if (shape_comes_after (a, b))
    {
      QuorumShape *swap = a;
      a = b;
      b = swap;
    }

  if (a->kind == QUORUM_KIND_BOX && b->kind == QUORUM_KIND_BOX)
    return overlap;
  if (overlap <= 0 || a->area <= 0 || b->area <= 0)
    return 0;
  if (a->simple && b->simple && fast_polygon_intersection (geometry, a, b, &area))
    return area;
  if ((a->simple || a->n_parts > 0) && (b->simple || b->n_parts > 0) &&
      parts_intersection (geometry, a, b, &area))
    return area;
  return quorum_geometry_intersection_area_geos (geometry, a, b);
}

/* ---- similarity ------------------------------------------------------- */

static double
distance_similarity (double d,
                     double diagonal)
{
  double sigma = QUORUM_SIMILARITY_SIGMA * diagonal;

  if (sigma <= 0)
    return d == 0 ? 1 : 0;
  return exp (-(d * d) / (2 * sigma * sigma));
}

static double
tag_similarity (JsonObject *a,
                JsonObject *b)
{
  g_autoptr(GList) a_keys = json_object_get_members (a);
  g_autoptr(GList) b_keys = json_object_get_members (b);
  guint n_union = 0;
  guint n_equal = 0;

  for (GList *l = a_keys; l != NULL; l = l->next)
    {
      n_union++;
      if (json_object_has_member (b, l->data) &&
          json_node_equal (json_object_get_member (a, l->data), json_object_get_member (b, l->data)))
        n_equal++;
    }
  for (GList *l = b_keys; l != NULL; l = l->next)
    if (!json_object_has_member (a, l->data))
      n_union++;
  return n_union == 0 ? 1.0 : (double) n_equal / n_union;
}

double
quorum_geometry_similarity (QuorumGeometry *geometry,
                            QuorumShape    *a,
                            QuorumShape    *b,
                            double          diagonal)
{
  const QuorumInstance *ia = a->instance;
  const QuorumInstance *ib = b->instance;

  if (a->kind != b->kind)
    return 0;

  switch (a->kind)
    {
    case QUORUM_KIND_BOX:
    case QUORUM_KIND_POLYGON:
      {
        double intersection = quorum_geometry_intersection_area (geometry, a, b);
        double union_area = a->area + b->area - intersection;

        /* Zero-area shapes: 1 when they are the same shape, else 0. */
        if (union_area <= 0)
          {
            if (a->kind == QUORUM_KIND_BOX)
              return memcmp (&a->bounds, &b->bounds, sizeof (QuorumRect)) == 0 ? 1 : 0;
            return rings_equal (a, b) ? 1 : 0;
          }
        return CLAMP (intersection / union_area, 0.0, 1.0);
      }

    case QUORUM_KIND_POINT:
      return distance_similarity (hypot (ia->points[0].x - ib->points[0].x,
                                         ia->points[0].y - ib->points[0].y), diagonal);

    case QUORUM_KIND_POLYLINE:
      {
        double forward = 0, backward = 0;
        const guint n = QUORUM_POLYLINE_SAMPLES;

        for (guint i = 0; i < n; i++)
          {
            forward += hypot (a->samples[i].x - b->samples[i].x, a->samples[i].y - b->samples[i].y);
            backward += hypot (a->samples[i].x - b->samples[n - 1 - i].x,
                               a->samples[i].y - b->samples[n - 1 - i].y);
          }
        return distance_similarity (MIN (forward, backward) / n, diagonal);
      }

    case QUORUM_KIND_TAG:
      return tag_similarity (ia->attributes, ib->attributes);

    default:
      return 0;
    }
}
