/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>
#include <string.h>
#if defined (__SSE2__)
#include <emmintrin.h>
#endif

#include "quorum-overlay-private.h"

/* A tile holds hundreds of shapes a few dozen pixels across at an overview.
 * For those cairo's per-shape setup and its stroker cost far more than the
 * pixels: 10,000 polygons of 20 vertices took 99 ms on two threads. Shapes
 * up to SMALL_MAX output pixels a side are therefore drawn straight into the
 * tile's pixels: the fill aliased at pixel centres (its edge lies under the
 * outline, as with cairo's drawing), the outline anti-aliased by each pixel
 * centre's distance to the nearest segment, which is exact for straight
 * edges and gives round joins. tests/app/test-overlay.c holds the result to
 * cairo's drawing of the same scene. */
#define SMALL_MAX       64.0
#define SMALL_MAX_WIDTH 6.0

/* Farther from an outline than any pixel it touches. */
#define FAR 1e30f

void
_quorum_raster_init (QuorumRaster    *raster,
                     cairo_surface_t *surface)
{
  *raster = (QuorumRaster) {
    .pixels = (guint32 *) cairo_image_surface_get_data (surface),
    .stride = cairo_image_surface_get_stride (surface) / 4,
    .width = cairo_image_surface_get_width (surface),
    .height = cairo_image_surface_get_height (surface),
  };
}

void
_quorum_raster_clear (QuorumRaster *raster)
{
  g_free (raster->distance);
  g_free (raster->spans);
  g_free (raster->crossings);
  g_free (raster->windings);
  g_free (raster->row_starts);
  g_free (raster->points);
}

/* Each byte of @x times @a / 255, rounded, two bytes at a time (as pixman). */
static inline guint32
scale_bytes (guint32 x,
             guint   a)
{
  guint32 even = (x & 0xff00ff) * a + 0x800080;
  guint32 odd = ((x >> 8) & 0xff00ff) * a + 0x800080;

  even = ((even + ((even >> 8) & 0xff00ff)) >> 8) & 0xff00ff;
  odd = (odd + ((odd >> 8) & 0xff00ff)) & 0xff00ff00;
  return odd | even;
}

/* The same for two pixels at once: four bytes per multiplication. */
static inline guint64
scale_bytes2 (guint64 x,
              guint   a)
{
  const guint64 mask = G_GUINT64_CONSTANT (0x00ff00ff00ff00ff);
  const guint64 half = G_GUINT64_CONSTANT (0x0080008000800080);
  guint64 even = (x & mask) * a + half;
  guint64 odd = ((x >> 8) & mask) * a + half;

  even = ((even + ((even >> 8) & mask)) >> 8) & mask;
  odd = (odd + ((odd >> 8) & mask)) & ~mask;
  return odd | even;
}

/* OVER: @source is premultiplied with alpha @alpha (0–255). */
static inline void
blend_pixel (guint32 *pixel,
             guint32  source,
             guint    alpha)
{
  *pixel = source + scale_bytes (*pixel, 255 - alpha);
}

#if defined (__SSE2__)
/* x / 255 rounded in each 16-bit lane, as scale_bytes(). */
static inline __m128i
div_255 (__m128i x)
{
  x = _mm_add_epi16 (x, _mm_set1_epi16 (0x80));
  return _mm_srli_epi16 (_mm_add_epi16 (x, _mm_srli_epi16 (x, 8)), 8);
}
#endif

/* OVER of one colour on @n pixels: a fill's row, most of its pixels. Four
 * pixels at a time with SSE2 (every x86-64 processor has it), else two;
 * the arithmetic is scale_bytes()'s in each case. */
static void
blend_span (guint32 *line,
            int      n,
            guint32  source,
            guint    alpha)
{
  guint64 sources = (guint64) source << 32 | source;
  int x = 0;

#if defined (__SSE2__)
  {
    const __m128i zero = _mm_setzero_si128 ();
    const __m128i inverse = _mm_set1_epi16 ((short) (255 - alpha));
    const __m128i half = _mm_set1_epi16 (0x80);
    const __m128i color = _mm_set1_epi32 ((int) source);

    for (; x + 3 < n; x += 4)
      {
        __m128i pixels = _mm_loadu_si128 ((const __m128i *) (line + x));
        __m128i low = _mm_add_epi16 (_mm_mullo_epi16 (_mm_unpacklo_epi8 (pixels, zero), inverse), half);
        __m128i high = _mm_add_epi16 (_mm_mullo_epi16 (_mm_unpackhi_epi8 (pixels, zero), inverse), half);

        low = _mm_srli_epi16 (_mm_add_epi16 (low, _mm_srli_epi16 (low, 8)), 8);
        high = _mm_srli_epi16 (_mm_add_epi16 (high, _mm_srli_epi16 (high, 8)), 8);
        pixels = _mm_add_epi8 (_mm_packus_epi16 (low, high), color);
        _mm_storeu_si128 ((__m128i *) (line + x), pixels);
      }
  }
#endif
  for (; x + 1 < n; x += 2)
    {
      guint64 pair;

      memcpy (&pair, line + x, sizeof pair);
      pair = sources + scale_bytes2 (pair, 255 - alpha);
      memcpy (line + x, &pair, sizeof pair);
    }
  if (x < n)
    blend_pixel (&line[x], source, alpha);
}

static inline guint32
opaque_pixel (guint r,
              guint g,
              guint b)
{
  return 0xff000000u | r << 16 | g << 8 | b;
}

/* The rows whose pixel centres the edge from @ya to @yb crosses, within
 * @row0 and @row1: yc = row + ½ with min ≤ yc < max, as raster_fill() counts. */
static inline void
edge_rows (double  ya,
           double  yb,
           int     row0,
           int     row1,
           int    *first,
           int    *last)
{
  *first = MAX (row0, (int) ceil (MIN (ya, yb) - 0.5));
  *last = MIN (row1, (int) ceil (MAX (ya, yb) - 0.5) - 1);
}

/* Fills the polygon @xy of @n points (non-zero winding, as cairo's default)
 * where it covers pixel centres, with @source premultiplied at @alpha. Each
 * edge's crossings go straight to the rows it spans (a counting sort by
 * row), rather than every row testing every edge. */
static void
raster_fill (QuorumRaster *raster,
             const double *xy,
             guint         n,
             guint32       source,
             guint         alpha)
{
  double y0 = xy[1], y1 = xy[1];
  int row0, row1, rows, total = 0;
  int *starts;

  if (n < 3 || alpha == 0)
    return;
  for (guint i = 1; i < n; i++)
    y0 = MIN (y0, xy[2 * i + 1]), y1 = MAX (y1, xy[2 * i + 1]);
  row0 = MAX (0, (int) ceil (y0 - 0.5));
  row1 = MIN (raster->height - 1, (int) ceil (y1 - 0.5) - 1);
  if (row1 < row0)
    return;
  rows = row1 - row0 + 1;
  if (raster->row_starts_size < (guint) rows + 1)
    {
      raster->row_starts_size = MAX ((guint) rows + 1, 2 * raster->row_starts_size);
      raster->row_starts = g_renew (int, raster->row_starts, raster->row_starts_size);
    }
  starts = raster->row_starts;
  memset (starts, 0, sizeof (int) * (rows + 1));
  for (guint i = 0, j = n - 1; i < n; j = i++)
    {
      int first, last;

      edge_rows (xy[2 * j + 1], xy[2 * i + 1], row0, row1, &first, &last);
      for (int row = first; row <= last; row++)
        starts[row - row0 + 1]++;
    }
  for (int r = 0; r < rows; r++)
    starts[r + 1] += starts[r];
  total = starts[rows];
  if (raster->crossings_size < (guint) total)
    {
      raster->crossings_size = MAX ((guint) total, 2 * raster->crossings_size);
      raster->crossings = g_renew (double, raster->crossings, raster->crossings_size);
      raster->windings = g_renew (int, raster->windings, raster->crossings_size);
    }
  /* In edge order within each row, as a row testing every edge would
   * find them; @starts moves on to each row's end meanwhile. */
  for (guint i = 0, j = n - 1; i < n; j = i++)
    {
      double xa = xy[2 * j], ya = xy[2 * j + 1], xb = xy[2 * i], yb = xy[2 * i + 1];
      int dir = yb > ya ? 1 : -1, first, last;

      edge_rows (ya, yb, row0, row1, &first, &last);
      for (int row = first; row <= last; row++)
        {
          int k = starts[row - row0]++;

          raster->crossings[k] = xa + (row + 0.5 - ya) * (xb - xa) / (yb - ya);
          raster->windings[k] = dir;
        }
    }
  for (int row = row1; row >= row0; row--)
    {
      guint32 *line = raster->pixels + (gsize) row * raster->stride;
      int begin = row > row0 ? starts[row - row0 - 1] : 0, end = starts[row - row0];
      double *crossings = raster->crossings + begin;
      int *windings = raster->windings + begin;
      int count = end - begin, winding = 0;
      double start = 0;

      /* Insertion sort, stable: a row of a small shape crosses few edges. */
      for (int k = 1; k < count; k++)
        {
          double x = crossings[k];
          int dir = windings[k], m;

          for (m = k; m > 0 && crossings[m - 1] > x; m--)
            {
              crossings[m] = crossings[m - 1];
              windings[m] = windings[m - 1];
            }
          crossings[m] = x;
          windings[m] = dir;
        }
      for (int k = 0; k < count; k++)
        {
          int was = winding;

          winding += windings[k];
          if (was == 0 && winding != 0)
            start = crossings[k];
          else if (was != 0 && winding == 0)
            {
              int from = MAX (0, (int) ceil (start - 0.5));
              int to = MIN (raster->width, (int) ceil (crossings[k] - 0.5));

              if (to > from)
                blend_span (line + from, to - from, source, alpha);
            }
        }
    }
}

/* Strokes the outline @xy of @n points, @width output pixels wide, opaque.
 * A first pass keeps each pixel's squared distance to the nearest segment
 * (a minimum: no branch, no square root); a second turns the distances
 * within reach into coverage and blends each pixel once, so that joins are
 * not drawn twice. */
static void
raster_outline (QuorumRaster *raster,
                const double *xy,
                guint         n,
                gboolean      closed,
                double        width,
                guint         r,
                guint         g,
                guint         b)
{
  double half = width / 2, reach = half + 0.5;
  float freach = (float) reach, freach2 = (float) (reach * reach);
  float fsolid2 = half > 0.5 ? (float) ((half - 0.5) * (half - 0.5)) : -1;
  double x0 = xy[0], y0 = xy[1], x1 = xy[0], y1 = xy[1];
  int left, top, right, bottom, box_width, rows;
  guint n_segments = closed && n > 2 ? n : MAX (n, 2) - 1;
  int *row_first, *row_last;
  guint32 color = opaque_pixel (r, g, b);

  for (guint i = 1; i < n; i++)
    {
      x0 = MIN (x0, xy[2 * i]), x1 = MAX (x1, xy[2 * i]);
      y0 = MIN (y0, xy[2 * i + 1]), y1 = MAX (y1, xy[2 * i + 1]);
    }
  left = MAX (0, (int) floor (x0 - reach));
  top = MAX (0, (int) floor (y0 - reach));
  right = MIN (raster->width, (int) ceil (x1 + reach));
  bottom = MIN (raster->height, (int) ceil (y1 + reach));
  if (left >= right || top >= bottom)
    return;
  box_width = right - left;
  rows = bottom - top;
  /* The second pass sets what it reads back to FAR. */
  if (raster->distance_size < (gsize) box_width * rows)
    {
      raster->distance_size = (gsize) box_width * rows;
      g_free (raster->distance);
      raster->distance = g_new (float, raster->distance_size);
      for (gsize i = 0; i < raster->distance_size; i++)
        raster->distance[i] = FAR;
    }
  if (raster->spans_size < 2 * (guint) rows)
    {
      raster->spans_size = 2 * rows;
      raster->spans = g_renew (int, raster->spans, raster->spans_size);
    }
  row_first = raster->spans;
  row_last = row_first + rows;
  for (int row = 0; row < rows; row++)
    row_first[row] = right, row_last[row] = left;

  for (guint s = 0; s < n_segments; s++)
    {
      guint a = s, e = n == 1 ? 0 : (s + 1) % n;
      double xa = xy[2 * a], ya = xy[2 * a + 1], dx = xy[2 * e] - xa, dy = xy[2 * e + 1] - ya;
      double length2 = dx * dx + dy * dy, step = length2 > 0 ? 1 / length2 : 0;
      double inverse_dy = fabs (dy) < 1e-9 ? 0 : 1 / dy;
      int row0 = MAX (top, (int) floor (MIN (ya, ya + dy) - reach));
      int row1 = MIN (bottom, (int) ceil (MAX (ya, ya + dy) + reach));

      for (int row = row0; row < row1; row++)
        {
          double yc = row + 0.5, sx0, sx1;
          float *distance = raster->distance + (gsize) (row - top) * box_width - left;
          int col0, col1;

          /* The columns near the part of the segment within reach of this row. */
          if (fabs (dy) < 1e-9)
            sx0 = MIN (xa, xa + dx), sx1 = MAX (xa, xa + dx);
          else
            {
              double t0 = CLAMP ((yc - reach - ya) * inverse_dy, 0.0, 1.0);
              double t1 = CLAMP ((yc + reach - ya) * inverse_dy, 0.0, 1.0);

              sx0 = xa + MIN (t0, t1) * dx, sx1 = xa + MAX (t0, t1) * dx;
              if (sx0 > sx1)
                {
                  double swap = sx0;

                  sx0 = sx1, sx1 = swap;
                }
            }
          col0 = MAX (left, (int) floor (sx0 - reach));
          col1 = MIN (right, (int) ceil (sx1 + reach));
          row_first[row - top] = MIN (row_first[row - top], col0);
          row_last[row - top] = MAX (row_last[row - top], col1);
          /* Along the row, t and the offset from the pixel centre change by
           * fixed steps. */
          {
            float fx = col0 + 0.5f - (float) xa, fy = (float) (yc - ya);
            float fdx = (float) dx, fdy = (float) dy, fstep = (float) step;
            float along = (fx * fdx + fy * fdy) * fstep, along_step = fdx * fstep;
            int col = col0;

#if defined (__SSE2__)
            {
              const __m128 ramp = _mm_set_ps (3, 2, 1, 0);
              const __m128 zero = _mm_setzero_ps (), one = _mm_set1_ps (1);
              const __m128 vdx = _mm_set1_ps (fdx), vdy = _mm_set1_ps (fdy), vy = _mm_set1_ps (fy);
              __m128 vx = _mm_add_ps (_mm_set1_ps (fx), ramp);
              __m128 valong = _mm_add_ps (_mm_set1_ps (along),
                                          _mm_mul_ps (ramp, _mm_set1_ps (along_step)));
              const __m128 four = _mm_set1_ps (4), along_four = _mm_set1_ps (4 * along_step);

              for (; col + 3 < col1; col += 4)
                {
                  __m128 t = _mm_min_ps (_mm_max_ps (valong, zero), one);
                  __m128 ex = _mm_sub_ps (_mm_mul_ps (t, vdx), vx);
                  __m128 ey = _mm_sub_ps (_mm_mul_ps (t, vdy), vy);
                  __m128 d2 = _mm_add_ps (_mm_mul_ps (ex, ex), _mm_mul_ps (ey, ey));

                  _mm_storeu_ps (distance + col, _mm_min_ps (d2, _mm_loadu_ps (distance + col)));
                  vx = _mm_add_ps (vx, four);
                  valong = _mm_add_ps (valong, along_four);
                }
              fx += col - col0;
              along = (fx * fdx + fy * fdy) * fstep;
            }
#endif
            for (; col < col1; col++, fx += 1, along += along_step)
              {
                float t = along < 0 ? 0 : along > 1 ? 1 : along;
                float ex = t * fdx - fx, ey = t * fdy - fy;
                float d2 = ex * ex + ey * ey;

                distance[col] = d2 < distance[col] ? d2 : distance[col];
              }
          }
        }
    }

  for (int row = top; row < bottom; row++)
    {
      float *distance = raster->distance + (gsize) (row - top) * box_width - left;
      guint32 *line = raster->pixels + (gsize) row * raster->stride;
      int col = row_first[row - top], end = row_last[row - top];

#if defined (__SSE2__)
      {
        /* Four coverages at a time: reach − distance, within 0 and 1; then
         * the four pixels blended at once, each with its own coverage. */
        const __m128 zero = _mm_setzero_ps (), one = _mm_set1_ps (1), far = _mm_set1_ps (FAR);
        const __m128 vreach = _mm_set1_ps (freach), full = _mm_set1_ps (255);
        const __m128 half_step = _mm_set1_ps (0.5f);
        const __m128i zero_i = _mm_setzero_si128 (), all = _mm_set1_epi16 (255);
        const __m128i colors = _mm_unpacklo_epi8 (_mm_set1_epi32 ((int) color), zero_i);

        for (; col + 3 < end; col += 4)
          {
            __m128 d2 = _mm_loadu_ps (distance + col);
            __m128 coverage = _mm_min_ps (_mm_max_ps (_mm_sub_ps (vreach, _mm_sqrt_ps (d2)), zero), one);
            __m128i values = _mm_cvttps_epi32 (_mm_add_ps (_mm_mul_ps (coverage, full), half_step));
            __m128i pairs, alpha_low, alpha_high, pixels, low, high;

            _mm_storeu_ps (distance + col, far);
            if (_mm_movemask_epi8 (_mm_cmpeq_epi32 (values, zero_i)) == 0xffff)
              continue;
            /* Each pixel's coverage in its four 16-bit channels. */
            pairs = _mm_packs_epi32 (values, values);
            pairs = _mm_unpacklo_epi16 (pairs, pairs);
            alpha_low = _mm_unpacklo_epi32 (pairs, pairs);
            alpha_high = _mm_unpackhi_epi32 (pairs, pairs);
            pixels = _mm_loadu_si128 ((const __m128i *) (line + col));
            low = div_255 (_mm_mullo_epi16 (_mm_unpacklo_epi8 (pixels, zero_i),
                                            _mm_sub_epi16 (all, alpha_low)));
            high = div_255 (_mm_mullo_epi16 (_mm_unpackhi_epi8 (pixels, zero_i),
                                             _mm_sub_epi16 (all, alpha_high)));
            pixels = _mm_add_epi8 (_mm_packus_epi16 (div_255 (_mm_mullo_epi16 (colors, alpha_low)),
                                                     div_255 (_mm_mullo_epi16 (colors, alpha_high))),
                                   _mm_packus_epi16 (low, high));
            _mm_storeu_si128 ((__m128i *) (line + col), pixels);
          }
      }
#endif
      for (; col < end; col++)
        {
          float d2 = distance[col];
          guint value;

          distance[col] = FAR;
          if (d2 >= freach2)
            continue;
          if (d2 <= fsolid2)
            value = 255;
          else
            {
              float coverage = freach - sqrtf (d2);

              value = coverage >= 1 ? 255 : (guint) (coverage * 255 + 0.5f);
            }
          if (value == 255)
            line[col] = color;
          else if (value > 0)
            blend_pixel (&line[col], scale_bytes (color, value), value);
        }
    }
}

/* A rectangle with its edges' partial pixels, for shapes too small to show
 * their outline. */
static void
raster_rect (QuorumRaster *raster,
             double  x,
             double  y,
             double  w,
             double  h,
             guint   r,
             guint   g,
             guint   b)
{
  int col0 = MAX (0, (int) floor (x)), col1 = MIN (raster->width, (int) ceil (x + w));
  int row0 = MAX (0, (int) floor (y)), row1 = MIN (raster->height, (int) ceil (y + h));

  for (int row = row0; row < row1; row++)
    {
      double cover_y = MIN (row + 1, y + h) - MAX (row, y);
      guint32 *line = raster->pixels + (gsize) row * raster->stride;

      for (int col = col0; col < col1; col++)
        {
          double coverage = cover_y * (MIN (col + 1, x + w) - MAX (col, x));

          guint alpha = (guint) (MIN (coverage, 1.0) * 255 + 0.5);

          if (coverage > 0)
            blend_pixel (&line[col], scale_bytes (opaque_pixel (r, g, b), alpha), alpha);
        }
    }
}

/* The outline of @instance in output pixels, vertices closer than
 * @tolerance to the last one kept dropped, as path_decimated(). */
static guint
raster_points (QuorumRaster               *raster,
               const QuorumView     *view,
               const QuorumInstance *instance,
               double                tolerance)
{
  double s = view->scale, vx = view->x, vy = view->y, t2 = tolerance * tolerance;
  const QuorumPoint *p = instance->points;
  guint n = 0;

  if (raster->points_size < 2 * MAX (instance->n_points, 4))
    {
      raster->points_size = 2 * MAX (instance->n_points, 4);
      raster->points = g_renew (double, raster->points, raster->points_size);
    }
  if (instance->kind == QUORUM_KIND_BOX)
    {
      double bx0 = MIN (p[0].x, p[1].x) * s + vx, by0 = MIN (p[0].y, p[1].y) * s + vy;
      double bx1 = MAX (p[0].x, p[1].x) * s + vx, by1 = MAX (p[0].y, p[1].y) * s + vy;
      double corners[8] = { bx0, by0, bx1, by0, bx1, by1, bx0, by1 };

      memcpy (raster->points, corners, sizeof corners);
      return 4;
    }
  for (guint i = 0; i < instance->n_points; i++)
    {
      double x = p[i].x * s + vx, y = p[i].y * s + vy;

      if (n > 0 && i + 1 < instance->n_points)
        {
          double dx = x - raster->points[2 * n - 2], dy = y - raster->points[2 * n - 1];

          if (dx * dx + dy * dy < t2)
            continue;
        }
      raster->points[2 * n] = x;
      raster->points[2 * n + 1] = y;
      n++;
    }
  return n;
}

/* A colour channel as cairo makes it: 16 bits, then the high 8. */
static inline guint
color_byte (double value)
{
  return ((guint) (CLAMP (value, 0, 1) * 65535 + 0.5)) >> 8;
}

/**
 * _quorum_raster_draw:
 * @bounds: @instance's bounds, in image pixels
 * @rgb: its colour, 0 to 1
 *
 * Draws @instance into @raster if it is small enough on screen.
 *
 * Returns: FALSE when it is not, and cairo should draw it
 */
gboolean
_quorum_raster_draw (QuorumRaster             *raster,
                     const QuorumView         *view,
                     const QuorumInstance     *instance,
                     const QuorumRect         *bounds,
                     const double              rgb[3],
                     const QuorumOverlayStyle *style)
{
  double w = (bounds->x1 - bounds->x0) * view->scale;
  double h = (bounds->y1 - bounds->y0) * view->scale;
  guint r = color_byte (rgb[0]), g = color_byte (rgb[1]), b = color_byte (rgb[2]);
  guint n;

  if (instance->kind == QUORUM_KIND_POINT || instance->kind == QUORUM_KIND_TAG
      || instance->n_points == 0 || (instance->kind == QUORUM_KIND_BOX && instance->n_points < 2)
      || !(w <= SMALL_MAX && h <= SMALL_MAX) || style->line_width > SMALL_MAX_WIDTH)
    return FALSE;

  if (w < QUORUM_OVERLAY_DETAIL_MIN && h < QUORUM_OVERLAY_DETAIL_MIN)
    {
      double x = bounds->x0 * view->scale + view->x, y = bounds->y0 * view->scale + view->y;

      raster_rect (raster, x + w / 2 - MAX (w, 1.5) / 2, y + h / 2 - MAX (h, 1.5) / 2,
                   MAX (w, 1.5), MAX (h, 1.5), r, g, b);
      return TRUE;
    }

  n = raster_points (raster, view, instance, 2.0);
  if (instance->kind != QUORUM_KIND_POLYLINE)
    {
      double opacity = CLAMP (style->fill_opacity, 0, 1);

      raster_fill (raster, raster->points, n,
                   color_byte (opacity) << 24 | color_byte (rgb[0] * opacity) << 16
                   | color_byte (rgb[1] * opacity) << 8 | color_byte (rgb[2] * opacity),
                   color_byte (opacity));
    }
  raster_outline (raster, raster->points, n, instance->kind != QUORUM_KIND_POLYLINE,
                  style->line_width, r, g, b);
  return TRUE;
}
