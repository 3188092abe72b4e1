/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <math.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-track.h"

/* Above this many vertices a ring's best rotation is searched coarse to fine
 * on a sample of its vertices: the exhaustive search is quadratic. */
#define ROTATION_EXHAUSTIVE_MAX 128
#define ROTATION_SAMPLES        128

struct _QuorumTrackIndex {
  GPtrArray  *instances;   /* referenced */
  GPtrArray  *tracks;      /* of QuorumTrack, owned, ascending first frames */
  GHashTable *by_id;       /* track_id → QuorumTrack, borrowed */
  GPtrArray  *untracked;   /* borrowed, ascending frames, stable */
};

/* ---- the index -------------------------------------------------------- */

static void
track_free (QuorumTrack *track)
{
  g_ptr_array_unref (track->stored);
  g_free (track);
}

static int
compare_by_frame (gconstpointer a,
                  gconstpointer b)
{
  const QuorumInstance *ia = *(const QuorumInstance * const *) a;
  const QuorumInstance *ib = *(const QuorumInstance * const *) b;

  return (ia->frame > ib->frame) - (ia->frame < ib->frame);
}

static int
compare_by_first (gconstpointer a,
                  gconstpointer b)
{
  const QuorumTrack *ta = *(const QuorumTrack * const *) a;
  const QuorumTrack *tb = *(const QuorumTrack * const *) b;

  return (ta->first > tb->first) - (ta->first < tb->first);
}

QuorumTrackIndex *
quorum_track_index_new (GPtrArray *instances)
{
  QuorumTrackIndex *index;

  g_return_val_if_fail (instances != NULL, NULL);

  index = g_new0 (QuorumTrackIndex, 1);
  index->instances = g_ptr_array_ref (instances);
  index->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) track_free);
  index->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  index->untracked = g_ptr_array_new ();

  for (guint i = 0; i < instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, i);
      QuorumTrack *track;

      if (instance->track_id == NULL)
        {
          g_ptr_array_add (index->untracked, instance);
          continue;
        }
      track = g_hash_table_lookup (index->by_id, instance->track_id);
      if (track == NULL)
        {
          track = g_new0 (QuorumTrack, 1);
          track->id = instance->track_id;
          track->stored = g_ptr_array_new ();
          g_hash_table_insert (index->by_id, (gpointer) track->id, track);
          g_ptr_array_add (index->tracks, track);
        }
      g_ptr_array_add (track->stored, instance);
      if (instance->keyframe)
        track->n_keyframes++;
    }

  /* GLib's sort is stable: instances of one frame (which check() refuses)
   * and tracks of one first frame keep the order of the array. */
  for (guint i = 0; i < index->tracks->len; i++)
    {
      QuorumTrack *track = g_ptr_array_index (index->tracks, i);
      const QuorumInstance *first;

      g_ptr_array_sort (track->stored, compare_by_frame);
      first = g_ptr_array_index (track->stored, 0);
      track->label = first->label;
      track->kind = first->kind;
      track->first = first->frame;
      track->last = ((const QuorumInstance *) g_ptr_array_index (track->stored,
                                                                 track->stored->len - 1))->frame;
    }
  g_ptr_array_sort (index->tracks, compare_by_first);
  g_ptr_array_sort (index->untracked, compare_by_frame);
  return index;
}

void
quorum_track_index_free (QuorumTrackIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->by_id);
  g_ptr_array_unref (index->tracks);
  g_ptr_array_unref (index->untracked);
  g_ptr_array_unref (index->instances);
  g_free (index);
}

guint
quorum_track_index_get_n_tracks (const QuorumTrackIndex *index)
{
  return index->tracks->len;
}

const QuorumTrack *
quorum_track_index_get_track (const QuorumTrackIndex *index,
                              guint                   position)
{
  g_return_val_if_fail (position < index->tracks->len, NULL);
  return g_ptr_array_index (index->tracks, position);
}

const QuorumTrack *
quorum_track_index_find (const QuorumTrackIndex *index,
                         const char             *track_id)
{
  if (track_id == NULL)
    return NULL;
  return g_hash_table_lookup (index->by_id, track_id);
}

/* ---- state ------------------------------------------------------------ */

/* The position of the last stored instance on or before @frame; the caller
 * has made sure that first ≤ frame (a frame past the last gives the last). Keyframes are usually about
 * evenly spaced, so the search starts where the frame's share of the track
 * puts it and gallops out from there to bracket it, then halves the
 * bracket: a few instances read instead of log₂ n scattered ones, and never
 * more than about 2 log₂ n. */
static guint
find_anchor (const QuorumTrack *track,
             guint              frame)
{
  QuorumInstance **stored = (QuorumInstance **) track->stored->pdata;
  guint n = track->stored->len;
  guint lo, hi, step;

  if (frame >= track->last)
    return n - 1;
  lo = (guint) ((guint64) (frame - track->first) * (n - 1) / (track->last - track->first));
  /* bracket: stored[lo]->frame ≤ frame, and hi = n or stored[hi]->frame > frame */
  if (stored[lo]->frame <= frame)
    {
      for (step = 1, hi = lo + 1; hi < n && stored[hi]->frame <= frame; step *= 2)
        {
          lo = hi;
          hi = lo + step < n ? lo + step : n;
        }
    }
  else
    {
      hi = lo;
      for (step = 1; ; step *= 2)
        {
          lo = hi > step ? hi - step : 0;
          if (stored[lo]->frame <= frame)
            break;
          hi = lo;
        }
    }
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (stored[mid]->frame <= frame)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

QuorumTrackState
quorum_track_state_at (const QuorumTrack     *track,
                       guint                  frame,
                       const QuorumInstance **a,
                       const QuorumInstance **b,
                       double                *t)
{
  const QuorumInstance *before, *after;
  guint position;

  if (a != NULL)
    *a = NULL;
  if (b != NULL)
    *b = NULL;
  if (t != NULL)
    *t = 0.0;

  if (track->stored->len == 0 || frame < track->first || frame > track->last)
    return QUORUM_TRACK_ABSENT;

  position = find_anchor (track, frame);
  before = g_ptr_array_index (track->stored, position);
  if (before->outside)
    return QUORUM_TRACK_ABSENT;
  if (before->frame == frame)
    {
      if (a != NULL)
        *a = before;
      if (b != NULL)
        *b = before;
      return before->keyframe ? QUORUM_TRACK_KEYFRAME : QUORUM_TRACK_PROPOSED;
    }
  /* frame < last, so there is a next stored instance */
  after = g_ptr_array_index (track->stored, position + 1);
  if (a != NULL)
    *a = before;
  if (b != NULL)
    *b = after;
  if (t != NULL)
    *t = (double) (frame - before->frame) / (double) (after->frame - before->frame);
  return QUORUM_TRACK_INTERPOLATED;
}

/* ---- geometry --------------------------------------------------------- */

static inline QuorumPoint
lerp (QuorumPoint a,
      QuorumPoint b,
      double      t)
{
  return (QuorumPoint) { a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t };
}

/* sqrt, not hypot: coordinates are bounded (QUORUM_WIRE_MAX_COORDINATE),
 * so the square cannot overflow, and hypot's care costs several times more. */
static inline double
edge_norm (QuorumPoint p,
           QuorumPoint q)
{
  double dx = q.x - p.x, dy = q.y - p.y;
  return sqrt (dx * dx + dy * dy);
}

void
quorum_points_resample (const QuorumPoint *points,
                        guint              n_points,
                        gboolean           closed,
                        guint              m,
                        QuorumPoint       *out)
{
  guint n_edges, edge = 0;
  double length = 0, spacing, walked = 0, edge_length;

  if (m == 0)
    return;
  if (n_points == 0)
    {
      memset (out, 0, sizeof (QuorumPoint) * m);
      return;
    }
  n_edges = closed ? n_points : n_points - 1;
  for (guint i = 0; i < n_edges; i++)
    {
      QuorumPoint p = points[i], q = points[(i + 1) % n_points];
      length += edge_norm (p, q);
    }
  if (n_points == 1 || length == 0 || m == 1)
    {
      for (guint k = 0; k < m; k++)
        out[k] = points[0];
      return;
    }

  /* A ring's m points split its length in m; a line's end on its ends. */
  spacing = length / (closed ? m : m - 1);
  edge_length = edge_norm (points[0], points[1]);
  for (guint k = 0; k < m; k++)
    {
      double target = spacing * k;
      QuorumPoint p, q;

      if (!closed && k == m - 1)
        {
          out[k] = points[n_points - 1];
          break;
        }
      while (walked + edge_length < target && edge + 1 < n_edges)
        {
          walked += edge_length;
          edge++;
          p = points[edge];
          q = points[(edge + 1) % n_points];
          edge_length = edge_norm (p, q);
        }
      p = points[edge];
      q = points[(edge + 1) % n_points];
      out[k] = edge_length > 0 ? lerp (p, q, CLAMP ((target - walked) / edge_length, 0, 1)) : p;
    }
}

static double
signed_area (const QuorumPoint *points,
             guint              n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    {
      QuorumPoint p = points[i], q = points[(i + 1) % n];
      sum += p.x * q.y - q.x * p.y;
    }
  return sum / 2;
}

/* The sum of squared distances between a[i] and b[(shift + i) mod m] over
 * every @stride-th i; in two runs, without a modulo, so that it vectorises. */
static double
rotation_cost (const QuorumPoint *a,
               const QuorumPoint *b,
               guint              m,
               guint              shift,
               guint              stride)
{
  double sum = 0;
  guint i = 0;

  for (; i < m - shift; i += stride)
    {
      double dx = a[i].x - b[i + shift].x, dy = a[i].y - b[i + shift].y;
      sum += dx * dx + dy * dy;
    }
  for (; i < m; i += stride)
    {
      double dx = a[i].x - b[i + shift - m].x, dy = a[i].y - b[i + shift - m].y;
      sum += dx * dx + dy * dy;
    }
  return sum;
}

/* The rotation of ring @b (m points) that brings it nearest to ring @a, in
 * the sum of squared distances between matching vertices. */
static guint
best_rotation (const QuorumPoint *a,
               const QuorumPoint *b,
               guint              m)
{
  guint best = 0, stride = 1, step = 1, lo, hi;
  double best_cost = G_MAXDOUBLE;

  if (m > ROTATION_EXHAUSTIVE_MAX)
    {
      stride = (m + ROTATION_SAMPLES - 1) / ROTATION_SAMPLES;
      step = stride;
    }
  /* coarse: every step-th shift (every shift for small rings) */
  for (guint shift = 0; shift < m; shift += step)
    {
      double cost = rotation_cost (a, b, m, shift, stride);
      if (cost < best_cost)
        {
          best_cost = cost;
          best = shift;
        }
    }
  if (step == 1)
    return best;
  /* fine: every shift around the coarse best */
  lo = best + m - step;
  hi = best + m + step;
  for (guint s = lo; s <= hi; s++)
    {
      guint shift = s % m;
      double cost = rotation_cost (a, b, m, shift, stride);
      if (cost < best_cost)
        {
          best_cost = cost;
          best = shift;
        }
    }
  return best;
}

/* Resamples @a and @b (a line, or a ring when @closed) to @m points each
 * into @ra and @rb, @rb then turned so that rb[i] goes with ra[i]: a ring
 * reversed when its orientation is not a's, and rotated to the start nearest
 * a's. @scratch holds m points. */
static void
align_span (const QuorumInstance *a,
            const QuorumInstance *b,
            gboolean              closed,
            guint                 m,
            QuorumPoint          *ra,
            QuorumPoint          *rb,
            QuorumPoint          *scratch)
{
  guint shift;

  quorum_points_resample (a->points, a->n_points, closed, m, ra);
  if (!closed)
    {
      quorum_points_resample (b->points, b->n_points, FALSE, m, rb);
      return;
    }

  quorum_points_resample (b->points, b->n_points, TRUE, m, scratch);
  if ((signed_area (a->points, a->n_points) < 0) != (signed_area (b->points, b->n_points) < 0))
    /* b's ring the other way round, still from its first vertex */
    for (guint i = 1, j = m - 1; i < j; i++, j--)
      {
        QuorumPoint swap = scratch[i];
        scratch[i] = scratch[j];
        scratch[j] = swap;
      }
  shift = best_rotation (ra, scratch, m);
  memcpy (rb, scratch + shift, sizeof (QuorumPoint) * (m - shift));
  memcpy (rb + (m - shift), scratch, sizeof (QuorumPoint) * shift);
}

/* The last span of unequal counts a thread interpolated, resampled and
 * aligned: the frames between two keyframes are drawn one after the other,
 * and each would otherwise resample and search the rotation again. Keyed by
 * the two shapes' points themselves, so no stale entry is ever used. One
 * allocation per thread, the first time. */
#define SPAN_CACHE_POINTS 256

typedef struct {
  gboolean    valid;
  gboolean    closed;
  guint       na;
  guint       nb;
  QuorumPoint a[SPAN_CACHE_POINTS];
  QuorumPoint b[SPAN_CACHE_POINTS];
  QuorumPoint ra[SPAN_CACHE_POINTS];
  QuorumPoint rb[SPAN_CACHE_POINTS];
} SpanCache;

static GPrivate span_cache_key = G_PRIVATE_INIT (g_free);

static const SpanCache *
cached_span (const QuorumInstance *a,
             const QuorumInstance *b,
             gboolean              closed,
             guint                 m)
{
  SpanCache *cache = g_private_get (&span_cache_key);
  QuorumPoint scratch[SPAN_CACHE_POINTS];

  if (cache == NULL)
    {
      cache = g_new0 (SpanCache, 1);
      g_private_set (&span_cache_key, cache);
    }
  if (cache->valid && cache->closed == closed && cache->na == a->n_points &&
      cache->nb == b->n_points &&
      memcmp (cache->a, a->points, sizeof (QuorumPoint) * a->n_points) == 0 &&
      memcmp (cache->b, b->points, sizeof (QuorumPoint) * b->n_points) == 0)
    return cache;

  cache->valid = FALSE;
  align_span (a, b, closed, m, cache->ra, cache->rb, scratch);
  memcpy (cache->a, a->points, sizeof (QuorumPoint) * a->n_points);
  memcpy (cache->b, b->points, sizeof (QuorumPoint) * b->n_points);
  cache->na = a->n_points;
  cache->nb = b->n_points;
  cache->closed = closed;
  cache->valid = TRUE;
  return cache;
}

/* Interpolates lines or rings of unequal counts into @out, which holds 3 × m
 * points (the resampled shapes and scratch when they are too big to cache). */
static void
interpolate_resampled (const QuorumInstance *a,
                       const QuorumInstance *b,
                       gboolean              closed,
                       double                t,
                       guint                 m,
                       QuorumPoint          *out)
{
  const QuorumPoint *ra, *rb;

  if (m <= SPAN_CACHE_POINTS)
    {
      const SpanCache *cache = cached_span (a, b, closed, m);
      ra = cache->ra;
      rb = cache->rb;
    }
  else
    {
      align_span (a, b, closed, m, out + m, out + 2 * m, out);
      ra = out + m;
      rb = out + 2 * m;
    }
  for (guint i = 0; i < m; i++)
    out[i] = lerp (ra[i], rb[i], t);
}

/* Writes the shape between @a and @b at @t into @points. */
static void
interpolate_points (const QuorumInstance *a,
                    const QuorumInstance *b,
                    double                t,
                    GArray               *points)
{
  QuorumPoint *out;

  if (a->kind != b->kind || b->n_points == 0 || a->n_points == 0)
    {
      /* a broken track (check() refuses it): a's shape as it is */
      g_array_set_size (points, a->n_points);
      if (a->n_points > 0)
        memcpy (points->data, a->points, sizeof (QuorumPoint) * a->n_points);
      return;
    }

  switch (a->kind)
    {
    case QUORUM_KIND_BOX:
      if (a->n_points == 2 && b->n_points == 2)
        {
          QuorumPoint a0 = { MIN (a->points[0].x, a->points[1].x), MIN (a->points[0].y, a->points[1].y) };
          QuorumPoint a1 = { MAX (a->points[0].x, a->points[1].x), MAX (a->points[0].y, a->points[1].y) };
          QuorumPoint b0 = { MIN (b->points[0].x, b->points[1].x), MIN (b->points[0].y, b->points[1].y) };
          QuorumPoint b1 = { MAX (b->points[0].x, b->points[1].x), MAX (b->points[0].y, b->points[1].y) };

          g_array_set_size (points, 2);
          out = (QuorumPoint *) points->data;
          out[0] = lerp (a0, b0, t);
          out[1] = lerp (a1, b1, t);
          return;
        }
      break;

    case QUORUM_KIND_POLYGON:
    case QUORUM_KIND_POLYLINE:
      if (a->n_points != b->n_points)
        {
          guint m = MAX (a->n_points, b->n_points);

          g_array_set_size (points, 3 * m);
          interpolate_resampled (a, b, a->kind == QUORUM_KIND_POLYGON, t, m,
                                 (QuorumPoint *) points->data);
          g_array_set_size (points, m);
          return;
        }
      break;

    case QUORUM_KIND_POINT:
      break;

    case QUORUM_KIND_TAG:
    default:
      g_array_set_size (points, a->n_points);
      if (a->n_points > 0)
        memcpy (points->data, a->points, sizeof (QuorumPoint) * a->n_points);
      return;
    }

  /* equal counts: vertex by vertex */
  {
    guint n = MIN (a->n_points, b->n_points);

    g_array_set_size (points, n);
    out = (QuorumPoint *) points->data;
    for (guint i = 0; i < n; i++)
      out[i] = lerp (a->points[i], b->points[i], t);
  }
}

gboolean
quorum_track_points_at (const QuorumTrack *track,
                        guint              frame,
                        GArray            *points)
{
  const QuorumInstance *a, *b;
  double t;

  g_return_val_if_fail (g_array_get_element_size (points) == sizeof (QuorumPoint), FALSE);

  switch (quorum_track_state_at (track, frame, &a, &b, &t))
    {
    case QUORUM_TRACK_ABSENT:
      g_array_set_size (points, 0);
      return FALSE;

    case QUORUM_TRACK_KEYFRAME:
    case QUORUM_TRACK_PROPOSED:
      g_array_set_size (points, a->n_points);
      if (a->n_points > 0)
        memcpy (points->data, a->points, sizeof (QuorumPoint) * a->n_points);
      return TRUE;

    case QUORUM_TRACK_INTERPOLATED:
    default:
      interpolate_points (a, b, t, points);
      return TRUE;
    }
}

static QuorumInstance *
interpolated_instance (const QuorumTrack    *track,
                       guint                 frame,
                       const QuorumInstance *a,
                       const QuorumInstance *b,
                       double                t,
                       GArray               *scratch)
{
  /* built here rather than by quorum_instance_new and set_points: expand
   * makes hundreds of thousands, and this saves a good part of each */
  QuorumInstance *instance = g_new0 (QuorumInstance, 1);
  gsize id_length = strlen (track->id);
  char digits[12];
  guint n_digits = 0, rest = frame;

  do
    {
      digits[n_digits++] = (char) ('0' + rest % 10);
      rest /= 10;
    }
  while (rest > 0);
  instance->id = g_malloc (id_length + 1 + n_digits + 1);
  memcpy (instance->id, track->id, id_length);
  instance->id[id_length] = '@';
  for (guint k = 0; k < n_digits; k++)
    instance->id[id_length + 1 + k] = digits[n_digits - 1 - k];
  instance->id[id_length + 1 + n_digits] = '\0';
  instance->label = g_strdup (a->label);
  instance->kind = a->kind;

  interpolate_points (a, b, t, scratch);
  instance->n_points = scratch->len;
  instance->points = scratch->len > 0 ? g_memdup2 (scratch->data, sizeof (QuorumPoint) * scratch->len)
                                      : NULL;
  instance->attributes = json_object_ref (a->attributes);
  instance->frame = frame;
  instance->track_id = g_strdup (track->id);
  instance->keyframe = FALSE;
  instance->outside = FALSE;
  instance->occluded = a->occluded;
  instance->author = g_strdup (a->author);
  return instance;
}

static QuorumInstance *
instance_at (const QuorumTrack *track,
             guint              frame,
             GArray            *scratch)
{
  const QuorumInstance *a, *b;
  double t;

  switch (quorum_track_state_at (track, frame, &a, &b, &t))
    {
    case QUORUM_TRACK_ABSENT:
      return NULL;
    case QUORUM_TRACK_KEYFRAME:
    case QUORUM_TRACK_PROPOSED:
      return quorum_instance_copy (a);
    case QUORUM_TRACK_INTERPOLATED:
    default:
      return interpolated_instance (track, frame, a, b, t, scratch);
    }
}

QuorumInstance *
quorum_track_instance_at (const QuorumTrack *track,
                          guint              frame)
{
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));

  return instance_at (track, frame, scratch);
}

GPtrArray *
quorum_tracks_at_frame (const QuorumTrackIndex *index,
                        GPtrArray              *instances,
                        guint                   frame)
{
  GPtrArray *shown = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));

  for (guint i = 0; i < index->tracks->len; i++)
    {
      const QuorumTrack *track = g_ptr_array_index (index->tracks, i);
      QuorumInstance *instance;

      if (frame < track->first || frame > track->last)
        continue;
      instance = instance_at (track, frame, scratch);
      if (instance != NULL)
        g_ptr_array_add (shown, instance);
    }

  if (instances == NULL || instances == index->instances)
    {
      /* the index's untracked instances, sorted: from the first on @frame */
      QuorumInstance **untracked = (QuorumInstance **) index->untracked->pdata;
      guint lo = 0, hi = index->untracked->len;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;
          if (untracked[mid]->frame < frame)
            lo = mid + 1;
          else
            hi = mid;
        }
      for (guint i = lo; i < index->untracked->len && untracked[i]->frame == frame; i++)
        g_ptr_array_add (shown, quorum_instance_copy (untracked[i]));
    }
  else
    for (guint i = 0; i < instances->len; i++)
      {
        const QuorumInstance *instance = g_ptr_array_index (instances, i);
        if (instance->track_id == NULL && instance->frame == frame)
          g_ptr_array_add (shown, quorum_instance_copy (instance));
      }
  return shown;
}

GPtrArray *
quorum_tracks_expand (GPtrArray *instances)
{
  QuorumTrackIndex *index = quorum_track_index_new (instances);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  g_autoptr(GArray) active = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) produced = NULL;
  g_autofree guint *cursor = g_new (guint, index->tracks->len + 1);  /* the next of each track's run */
  g_autofree guint *end = g_new (guint, index->tracks->len + 1);     /* the end of its run */
  guint64 size = 0;
  GPtrArray *expanded;
  guint next_track = 0, next_untracked = 0;
  guint frame = 0;

  for (guint i = 0; i < index->tracks->len; i++)
    {
      const QuorumTrack *track = g_ptr_array_index (index->tracks, i);
      size += track->last - track->first + 1;
    }

  /* Track by track first: each track's spans one after the other, which is
   * what the resampled span cache and the processor's caches like. */
  produced = g_ptr_array_sized_new (MIN (size, G_MAXUINT / 2));
  for (guint i = 0; i < index->tracks->len; i++)
    {
      const QuorumTrack *track = g_ptr_array_index (index->tracks, i);

      cursor[i] = produced->len;
      for (guint f = track->first; ; f++)
        {
          QuorumInstance *instance = instance_at (track, f, scratch);

          if (instance != NULL)
            g_ptr_array_add (produced, instance);
          if (f == track->last)
            break;
        }
    }
  cursor[index->tracks->len] = produced->len;
  for (guint i = 0; i < index->tracks->len; i++)
    end[i] = cursor[i + 1];
  expanded = g_ptr_array_new_full (produced->len + index->untracked->len,
                                   (GDestroyNotify) quorum_instance_free);

  /* Then a sweep over the frames: tracks start in index order, so the
   * tracks under way are kept in index order by appending and compacting;
   * each takes its next instance when it is on the frame. */
  while (next_track < index->tracks->len || next_untracked < index->untracked->len ||
         active->len > 0)
    {
      guint kept = 0;

      /* with tracks under way, the frame after the previous one; else a jump */
      if (active->len == 0)
        {
          frame = G_MAXUINT;
          if (next_track < index->tracks->len)
            frame = ((const QuorumTrack *) g_ptr_array_index (index->tracks, next_track))->first;
          if (next_untracked < index->untracked->len)
            frame = MIN (frame, ((const QuorumInstance *)
                                 g_ptr_array_index (index->untracked, next_untracked))->frame);
        }

      while (next_track < index->tracks->len &&
             ((const QuorumTrack *) g_ptr_array_index (index->tracks, next_track))->first == frame)
        {
          g_array_append_val (active, next_track);
          next_track++;
        }

      for (guint i = 0; i < active->len; i++)
        {
          guint position = g_array_index (active, guint, i);
          const QuorumTrack *track = g_ptr_array_index (index->tracks, position);

          if (cursor[position] < end[position] &&
              ((QuorumInstance *) g_ptr_array_index (produced, cursor[position]))->frame == frame)
            g_ptr_array_add (expanded, g_ptr_array_index (produced, cursor[position]++));
          if (track->last > frame)
            g_array_index (active, guint, kept++) = position;
        }
      g_array_set_size (active, kept);

      while (next_untracked < index->untracked->len)
        {
          const QuorumInstance *instance = g_ptr_array_index (index->untracked, next_untracked);
          if (instance->frame != frame)
            break;
          g_ptr_array_add (expanded, quorum_instance_copy (instance));
          next_untracked++;
        }

      if (frame == G_MAXUINT)
        break;
      frame++;
    }

  quorum_track_index_free (index);
  return expanded;
}

/* ---- checks ----------------------------------------------------------- */

typedef struct {
  guint       first;    /* the position of its first instance */
  GHashTable *frames;   /* frame + 1 → position + 1 */
} TrackCheck;

static void
track_check_free (TrackCheck *check)
{
  g_hash_table_unref (check->frames);
  g_free (check);
}

gboolean
quorum_tracks_check (GPtrArray  *instances,
                     guint       n_frames,
                     GError    **error)
{
  g_autoptr(GHashTable) tracks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) track_check_free);

  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      const QuorumInstance *first;
      TrackCheck *check;

      if (instance->frame >= n_frames)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "instances[%u].frame: %u is past the file's last frame, %u",
                       i, instance->frame, n_frames > 0 ? n_frames - 1 : 0);
          return FALSE;
        }
      if (instance->track_id == NULL)
        {
          if (!instance->keyframe)
            {
              g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "instances[%u].keyframe: only an instance of a track (with a "
                           "track_id) can be other than a keyframe", i);
              return FALSE;
            }
          if (instance->outside)
            {
              g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "instances[%u].outside: only an instance of a track (with a "
                           "track_id) can be outside", i);
              return FALSE;
            }
          continue;
        }

      check = g_hash_table_lookup (tracks, instance->track_id);
      if (check == NULL)
        {
          check = g_new0 (TrackCheck, 1);
          check->first = i;
          check->frames = g_hash_table_new (g_direct_hash, g_direct_equal);
          g_hash_table_insert (tracks, instance->track_id, check);
          g_hash_table_insert (check->frames, GUINT_TO_POINTER (instance->frame + 1),
                               GUINT_TO_POINTER (i + 1));
          continue;
        }

      first = g_ptr_array_index (instances, check->first);
      if (g_strcmp0 (first->label, instance->label) != 0)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "instances[%u].label: track %s is a %s (instances[%u]), not a %s",
                       i, instance->track_id, first->label, check->first, instance->label);
          return FALSE;
        }
      if (first->kind != instance->kind)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "instances[%u].kind: track %s is of kind %s (instances[%u]), not %s",
                       i, instance->track_id, quorum_kind_to_string (first->kind), check->first,
                       quorum_kind_to_string (instance->kind));
          return FALSE;
        }
      {
        gpointer other = g_hash_table_lookup (check->frames,
                                              GUINT_TO_POINTER (instance->frame + 1));
        if (other != NULL)
          {
            g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                         "instances[%u].frame: track %s already has an instance on frame %u "
                         "(instances[%u])",
                         i, instance->track_id, instance->frame, GPOINTER_TO_UINT (other) - 1);
            return FALSE;
          }
        g_hash_table_insert (check->frames, GUINT_TO_POINTER (instance->frame + 1),
                             GUINT_TO_POINTER (i + 1));
      }
    }
  return TRUE;
}

/* ---- edits ------------------------------------------------------------ */

static GPtrArray *
new_instance_array (guint reserve)
{
  return g_ptr_array_new_full (reserve, (GDestroyNotify) quorum_instance_free);
}

static gboolean
is_of_track (const QuorumInstance *instance,
             const char           *track_id)
{
  return instance->track_id != NULL && g_str_equal (instance->track_id, track_id);
}

/* The track @track_id of @instances, or an error naming the field. */
static QuorumTrackIndex *
index_with_track (GPtrArray          *instances,
                  const char         *track_id,
                  const char         *field,
                  const QuorumTrack **track,
                  GError            **error)
{
  QuorumTrackIndex *index = quorum_track_index_new (instances);

  *track = quorum_track_index_find (index, track_id);
  if (*track == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "%s: there is no track %s", field, track_id != NULL ? track_id : "(null)");
      quorum_track_index_free (index);
      return NULL;
    }
  return index;
}

/* A stored keyframe of @track_id on @frame with @shape's geometry. */
static QuorumInstance *
new_keyframe (const QuorumInstance *shape,
              const char           *track_id,
              guint                 frame)
{
  g_autofree char *id = g_uuid_string_random ();
  QuorumInstance *keyframe = quorum_instance_copy (shape);

  g_free (keyframe->id);
  keyframe->id = g_steal_pointer (&id);
  g_free (keyframe->track_id);
  keyframe->track_id = g_strdup (track_id);
  keyframe->frame = frame;
  keyframe->keyframe = TRUE;
  keyframe->outside = FALSE;
  g_clear_pointer (&keyframe->copied_from, g_free);
  return keyframe;
}

GPtrArray *
quorum_tracks_set_keyframe (GPtrArray            *instances,
                            const QuorumInstance *shape)
{
  GPtrArray *result = new_instance_array (instances->len + 1);
  QuorumInstance *keyframe = quorum_instance_copy (shape);
  gboolean placed = FALSE, id_taken = FALSE;

  keyframe->keyframe = TRUE;
  keyframe->outside = FALSE;
  if (shape->track_id != NULL)
    {
      /* An edited interpolated frame ("TRACKID@FRAME") is stored with the
       * id of the instance it replaces, or one of its own; so is a copy of
       * another frame's instance, whose id is taken (a set's ids are
       * unique). */
      g_autofree char *interpolated_id = g_strdup_printf ("%s@%u", shape->track_id, shape->frame);
      const QuorumInstance *replaced = NULL;

      for (guint i = 0; i < instances->len; i++)
        {
          const QuorumInstance *instance = g_ptr_array_index (instances, i);

          if (is_of_track (instance, shape->track_id) && instance->frame == shape->frame)
            replaced = replaced != NULL ? replaced : instance;
          else if (g_strcmp0 (instance->id, shape->id) == 0)
            id_taken = TRUE;
        }
      if (id_taken || g_strcmp0 (shape->id, interpolated_id) == 0)
        {
          g_free (keyframe->id);
          keyframe->id = replaced != NULL ? g_strdup (replaced->id) : g_uuid_string_random ();
        }
    }
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      gboolean replaced;

      if (shape->track_id != NULL)
        replaced = is_of_track (instance, shape->track_id) && instance->frame == shape->frame;
      else
        replaced = instance->track_id == NULL && g_strcmp0 (instance->id, shape->id) == 0;

      if (!replaced)
        g_ptr_array_add (result, quorum_instance_copy (instance));
      else if (!placed)
        {
          g_ptr_array_add (result, keyframe);
          placed = TRUE;
        }
    }
  if (!placed)
    g_ptr_array_add (result, keyframe);
  return result;
}

GPtrArray *
quorum_tracks_set_outside (GPtrArray   *instances,
                           const char  *track_id,
                           guint        frame,
                           GError     **error)
{
  const QuorumTrack *track;
  QuorumTrackIndex *index = index_with_track (instances, track_id, "track_id", &track, error);
  g_autoptr(QuorumInstance) shape = NULL;
  GPtrArray *result;
  gboolean placed = FALSE;

  if (index == NULL)
    return NULL;
  if (frame < track->first)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "frame: track %s starts on frame %u, after %u", track_id, track->first, frame);
      quorum_track_index_free (index);
      return NULL;
    }

  {
    const QuorumInstance *before = g_ptr_array_index (track->stored, find_anchor (track, frame));

    if (before->frame == frame)
      /* the stored instance on @frame, its shape as it is */
      shape = quorum_instance_copy (before);
    else
      {
        /* what it shows on @frame, else (in an outside gap, or after its
         * end) its last stored shape before it */
        g_autoptr(QuorumInstance) shown = frame <= track->last
                                          ? quorum_track_instance_at (track, frame) : NULL;
        shape = new_keyframe (shown != NULL ? shown : before, track_id, frame);
      }
  }
  shape->keyframe = TRUE;
  shape->outside = TRUE;

  result = new_instance_array (instances->len + 1);
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);

      if (is_of_track (instance, track_id) && instance->frame == frame)
        {
          if (!placed)
            g_ptr_array_add (result, g_steal_pointer (&shape));
          placed = TRUE;
        }
      else
        g_ptr_array_add (result, quorum_instance_copy (instance));
    }
  if (!placed)
    g_ptr_array_add (result, g_steal_pointer (&shape));
  quorum_track_index_free (index);
  return result;
}

GPtrArray *
quorum_tracks_split (GPtrArray   *instances,
                     const char  *track_id,
                     guint        frame,
                     const char  *new_track_id,
                     GError     **error)
{
  const QuorumTrack *track;
  QuorumTrackIndex *index = index_with_track (instances, track_id, "track_id", &track, error);
  const QuorumInstance *a, *b;
  double t;
  QuorumTrackState state;
  GPtrArray *result;

  if (index == NULL)
    return NULL;
  if (new_track_id == NULL || *new_track_id == '\0' ||
      quorum_track_index_find (index, new_track_id) != NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT,
                   "new_track_id: %s", new_track_id == NULL || *new_track_id == '\0'
                   ? "must not be empty" : "a track of that id exists already");
      quorum_track_index_free (index);
      return NULL;
    }
  if (frame <= track->first || frame > track->last)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "frame: track %s can be split on frames %u to %u, not on %u",
                   track_id, track->first + 1, track->last, frame);
      quorum_track_index_free (index);
      return NULL;
    }

  result = new_instance_array (instances->len + 2);
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      QuorumInstance *copy = quorum_instance_copy (instance);

      if (is_of_track (instance, track_id) && instance->frame >= frame)
        {
          g_free (copy->track_id);
          copy->track_id = g_strdup (new_track_id);
          if (instance->frame == frame && !instance->outside)
            copy->keyframe = TRUE;
        }
      g_ptr_array_add (result, copy);
    }

  state = quorum_track_state_at (track, frame, &a, &b, &t);
  if (state == QUORUM_TRACK_INTERPOLATED)
    {
      g_autoptr(QuorumInstance) shape = quorum_track_instance_at (track, frame);
      g_ptr_array_add (result, new_keyframe (shape, new_track_id, frame));
    }
  state = quorum_track_state_at (track, frame - 1, &a, &b, &t);
  if (state == QUORUM_TRACK_INTERPOLATED)
    {
      g_autoptr(QuorumInstance) shape = quorum_track_instance_at (track, frame - 1);
      g_ptr_array_add (result, new_keyframe (shape, track_id, frame - 1));
    }
  quorum_track_index_free (index);
  return result;
}

GPtrArray *
quorum_tracks_merge (GPtrArray   *instances,
                     const char  *into_id,
                     const char  *from_id,
                     GError     **error)
{
  const QuorumTrack *into, *from;
  QuorumTrackIndex *index = index_with_track (instances, into_id, "into_id", &into, error);
  g_autoptr(GHashTable) frames = NULL;
  GPtrArray *result;

  if (index == NULL)
    return NULL;
  from = quorum_track_index_find (index, from_id);
  if (from == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "from_id: there is no track %s", from_id != NULL ? from_id : "(null)");
      quorum_track_index_free (index);
      return NULL;
    }
  if (from == into)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "from_id: a track cannot be merged into itself");
      quorum_track_index_free (index);
      return NULL;
    }
  if (g_strcmp0 (into->label, from->label) != 0 || into->kind != from->kind)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "from_id: track %s is a %s %s, track %s a %s %s: only tracks of one label "
                   "and kind merge",
                   from_id, from->label, quorum_kind_to_string (from->kind),
                   into_id, into->label, quorum_kind_to_string (into->kind));
      quorum_track_index_free (index);
      return NULL;
    }
  frames = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < into->stored->len; i++)
    g_hash_table_add (frames, GUINT_TO_POINTER (((QuorumInstance *) into->stored->pdata[i])->frame + 1));
  for (guint i = 0; i < from->stored->len; i++)
    {
      guint frame = ((QuorumInstance *) from->stored->pdata[i])->frame;
      if (g_hash_table_contains (frames, GUINT_TO_POINTER (frame + 1)))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "from_id: tracks %s and %s both have an instance on frame %u",
                       from_id, into_id, frame);
          quorum_track_index_free (index);
          return NULL;
        }
    }

  result = new_instance_array (instances->len);
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      QuorumInstance *copy = quorum_instance_copy (instance);

      if (is_of_track (instance, from_id))
        {
          g_free (copy->track_id);
          copy->track_id = g_strdup (into_id);
        }
      g_ptr_array_add (result, copy);
    }
  quorum_track_index_free (index);
  return result;
}

GPtrArray *
quorum_tracks_remove (GPtrArray  *instances,
                      const char *track_id)
{
  GPtrArray *result = new_instance_array (instances->len);

  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      if (!is_of_track (instance, track_id))
        g_ptr_array_add (result, quorum_instance_copy (instance));
    }
  return result;
}
