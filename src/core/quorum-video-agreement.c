/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <stdlib.h>
#include <string.h>

#include "quorum-agreement-private.h"
#include "quorum-track.h"
#include "quorum-video-agreement.h"

/*
 * The sets are expanded a chunk of frames at a time, never whole: a chunk's
 * instances are views (structs pointing at the stored instances' label,
 * attributes and ids, with the interpolated points in one buffer), matched
 * with the core's matcher. Matching is per frame, so chunks change nothing;
 * each pair's similarities are kept and summed in ascending order at the
 * end, as quorum_match_sets() sums them, so the scores are those of the
 * fully expanded sets bit for bit. Memory follows the chunk, not the video.
 */

#define CHUNK_FRAMES 256

/* A set being expanded: its tracks, and its untracked instances by frame. */
typedef struct {
  const QuorumAnnotationSet *set;
  QuorumTrackIndex          *index;
  guint                      n_tracks;
  GArray                    *untracked;   /* of guint, instance indexes, by frame then order */
  guint                      cursor;      /* the next of @untracked */
  guint                      n_units;     /* tracks, then untracked instances */
  guint                      n_expanded;
  GArray                   **presence;    /* per unit, of QuorumFrameRange (details only) */
} VideoSet;

/* One chunk of one set: views and what unit each is. */
typedef struct {
  QuorumAnnotationSet  set;
  QuorumInstance      *views;
  guint                n_views;
  GArray              *points;            /* of QuorumPoint */
  GArray              *offsets;           /* of guint: each view's first point */
  GArray              *units;             /* of guint */
} Chunk;

/* What two units of two sets share over the whole video. */
typedef struct {
  guint   a;
  guint   b;
  guint   frames;
  double  similarity;
  GArray *matched;                        /* of QuorumFrameRange */
} UnitPair;

static void
unit_pair_free (UnitPair *pair)
{
  g_array_unref (pair->matched);
  g_free (pair);
}

static void
ranges_add (GArray *ranges,
            guint   frame)
{
  if (ranges->len > 0)
    {
      QuorumFrameRange *last = &g_array_index (ranges, QuorumFrameRange, ranges->len - 1);

      if (last->last + 1 == frame)
        {
          last->last = frame;
          return;
        }
      if (last->last >= frame)
        return;
    }
  g_array_append_val (ranges, ((QuorumFrameRange) { frame, frame }));
}

static GArray *
ranges_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (QuorumFrameRange));
}

GArray *
quorum_frame_ranges_below (const double *scores,
                           guint         n_scores,
                           double        below)
{
  GArray *ranges = ranges_new ();

  for (guint f = 0; f < n_scores; f++)
    if (scores[f] < below)
      ranges_add (ranges, f);
  return ranges;
}

gboolean
_quorum_sets_have_tracks (const QuorumAnnotationSet * const *sets,
                          guint                              n_sets)
{
  for (guint s = 0; s < n_sets; s++)
    for (guint i = 0; i < sets[s]->instances->len; i++)
      if (((const QuorumInstance *) g_ptr_array_index (sets[s]->instances, i))->track_id != NULL)
        return TRUE;
  return FALSE;
}

static int
compare_untracked (gconstpointer x,
                   gconstpointer y,
                   gpointer      data)
{
  GPtrArray *instances = data;
  guint i = *(const guint *) x, j = *(const guint *) y;
  guint fi = ((const QuorumInstance *) g_ptr_array_index (instances, i))->frame;
  guint fj = ((const QuorumInstance *) g_ptr_array_index (instances, j))->frame;

  return fi < fj ? -1 : fi > fj ? 1 : i < j ? -1 : i > j ? 1 : 0;
}

static void
video_set_init (VideoSet                  *video,
                const QuorumAnnotationSet *set,
                gboolean                   details)
{
  video->set = set;
  video->index = quorum_track_index_new (set->instances);
  video->n_tracks = quorum_track_index_get_n_tracks (video->index);
  video->untracked = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < set->instances->len; i++)
    if (((const QuorumInstance *) g_ptr_array_index (set->instances, i))->track_id == NULL)
      g_array_append_val (video->untracked, i);
  g_array_sort_with_data (video->untracked, compare_untracked, set->instances);
  video->n_units = video->n_tracks + video->untracked->len;
  if (details)
    {
      video->presence = g_new (GArray *, MAX (video->n_units, 1));
      for (guint u = 0; u < video->n_units; u++)
        video->presence[u] = ranges_new ();
    }
}

static void
video_set_clear (VideoSet *video)
{
  if (video->presence != NULL)
    for (guint u = 0; u < video->n_units; u++)
      g_array_unref (video->presence[u]);
  g_clear_pointer (&video->presence, g_free);
  g_clear_pointer (&video->index, quorum_track_index_free);
  g_clear_pointer (&video->untracked, g_array_unref);
}

static const char *
video_set_unit_name (const VideoSet *video,
                     guint           unit)
{
  if (unit < video->n_tracks)
    return quorum_track_index_get_track (video->index, unit)->id;
  return ((const QuorumInstance *)
          g_ptr_array_index (video->set->instances,
                             g_array_index (video->untracked, guint, unit - video->n_tracks)))->id;
}

/* Frames @first … @last − 1 of @video, each frame's tracks in index order,
 * then its untracked instances: the order quorum_tracks_expand() gives. */
static void
chunk_fill (Chunk    *chunk,
            VideoSet *video,
            guint     first,
            guint     last,
            GArray   *scratch)
{
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (guint));
  gsize capacity = 0;

  /* The tracks this chunk can show: a chunk costs its own tracks, not all. */
  for (guint t = 0; t < video->n_tracks; t++)
    {
      const QuorumTrack *track = quorum_track_index_get_track (video->index, t);

      if (track->first < last && track->last >= first)
        {
          g_array_append_val (shown, t);
          capacity += MIN (track->last + 1, last) - MAX (track->first, first);
        }
    }

  for (guint k = video->cursor; k < video->untracked->len; k++)
    {
      const QuorumInstance *instance = g_ptr_array_index (video->set->instances,
                                                          g_array_index (video->untracked, guint, k));
      if (instance->frame >= last)
        break;
      capacity++;
    }
  chunk->set = (QuorumAnnotationSet) { video->set->annotator, video->set->file, g_ptr_array_new () };
  chunk->views = g_new0 (QuorumInstance, MAX (capacity, 1));
  chunk->n_views = 0;
  chunk->points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  chunk->offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  chunk->units = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint frame = first; frame < last; frame++)
    {
      for (guint k = 0; k < shown->len; k++)
        {
          guint t = g_array_index (shown, guint, k);
          const QuorumTrack *track = quorum_track_index_get_track (video->index, t);
          const QuorumInstance *a = g_ptr_array_index (track->stored, 0), *b = NULL;
          QuorumInstance *view;
          double position;
          guint offset = chunk->points->len;

          if (frame < track->first || frame > track->last)
            continue;
          /* Matching reads a tag's attributes, which come from the anchor
           * before; of the other kinds only the geometry. */
          if (track->kind == QUORUM_KIND_TAG)
            {
              if (quorum_track_state_at (track, frame, &a, &b, &position) == QUORUM_TRACK_ABSENT || a == NULL)
                continue;
              g_array_set_size (scratch, 0);
            }
          else if (!quorum_track_points_at (track, frame, scratch))
            continue;
          g_array_append_vals (chunk->points, scratch->data, scratch->len);
          view = &chunk->views[chunk->n_views++];
          *view = (QuorumInstance) {
            .id = a->id, .label = (char *) track->label, .kind = track->kind, .n_points = scratch->len,
            .attributes = a->attributes, .frame = frame, .track_id = (char *) track->id,
          };
          g_array_append_val (chunk->offsets, offset);
          g_array_append_val (chunk->units, t);
          if (video->presence != NULL)
            ranges_add (video->presence[t], frame);
        }
      for (; video->cursor < video->untracked->len; video->cursor++)
        {
          guint index = g_array_index (video->untracked, guint, video->cursor);
          QuorumInstance *instance = g_ptr_array_index (video->set->instances, index);
          guint unit = video->n_tracks + video->cursor;
          guint offset = G_MAXUINT;

          if (instance->frame > frame)
            break;
          if (instance->frame < frame)
            continue;   /* below the first frame of the chunks: cannot happen */
          g_assert (chunk->n_views < capacity);
          chunk->views[chunk->n_views++] = *instance;
          g_array_append_val (chunk->offsets, offset);
          g_array_append_val (chunk->units, unit);
          if (video->presence != NULL)
            ranges_add (video->presence[unit], frame);
        }
    }

  /* The point buffer is complete: the views may point into it now. */
  for (guint v = 0; v < chunk->n_views; v++)
    {
      guint offset = g_array_index (chunk->offsets, guint, v);

      if (offset != G_MAXUINT)
        chunk->views[v].points = chunk->views[v].n_points > 0
                                   ? &g_array_index (chunk->points, QuorumPoint, offset) : NULL;
      g_ptr_array_add (chunk->set.instances, &chunk->views[v]);
    }
  video->n_expanded += chunk->n_views;
}

static void
chunk_clear (Chunk *chunk)
{
  g_clear_pointer (&chunk->set.instances, g_ptr_array_unref);
  g_clear_pointer (&chunk->views, g_free);
  g_clear_pointer (&chunk->points, g_array_unref);
  g_clear_pointer (&chunk->offsets, g_array_unref);
  g_clear_pointer (&chunk->units, g_array_unref);
}

/* Sorts similarities (finite, ≥ 0: their bits sort as their values) by
 * radix, 16 bits a pass: a long video has millions of them per pair. */
static void
sort_similarities (GArray *values)
{
  gsize n = values->len;
  guint64 *keys = (guint64 *) (gpointer) values->data;
  g_autofree guint64 *spare = g_new (guint64, MAX (n, 1));
  g_autofree gsize *count = g_new (gsize, 65536);
  guint64 *from = keys, *to = spare;

  G_STATIC_ASSERT (sizeof (double) == sizeof (guint64));
  for (guint shift = 0; shift < 64; shift += 16)
    {
      gsize total = 0;

      memset (count, 0, sizeof (gsize) * 65536);
      for (gsize i = 0; i < n; i++)
        count[(from[i] >> shift) & 0xffff]++;
      for (guint d = 0; d < 65536; d++)
        {
          gsize c = count[d];

          count[d] = total;
          total += c;
        }
      for (gsize i = 0; i < n; i++)
        to[count[(from[i] >> shift) & 0xffff]++] = from[i];
      {
        guint64 *swap = from;

        from = to;
        to = swap;
      }
    }
  /* Four passes: the result is back in @keys. */
  g_assert (from == keys);
}

static int
compare_unit_pairs (gconstpointer x,
                    gconstpointer y)
{
  const UnitPair *p = *(UnitPair * const *) x, *q = *(UnitPair * const *) y;

  if (p->a != q->a)
    return p->a < q->a ? -1 : 1;
  return p->b < q->b ? -1 : p->b > q->b ? 1 : 0;
}

static guint
find_root (guint *parent,
           guint  node)
{
  while (parent[node] != node)
    node = parent[node] = parent[parent[node]];
  return node;
}

/* Pairs the units of two sets: the one-to-one pairing that maximises the
 * frames matched, then the similarity summed over them, solved exactly per
 * connected group of units that were matched on some frame. */
static void
pair_units (GPtrArray *edges,      /* of UnitPair, sorted */
            guint      n_a,
            guint      n_b,
            gint      *partner_a)  /* n_a entries: the edge index or −1 */
{
  g_autofree guint *parent = g_new (guint, n_a + n_b + 1);
  g_autofree guint *root_of_edge = g_new (guint, MAX (edges->len, 1));
  g_autoptr(GHashTable) groups = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  g_autoptr(GArray) roots = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint u = 0; u < n_a; u++)
    partner_a[u] = -1;
  for (guint k = 0; k < n_a + n_b; k++)
    parent[k] = k;
  for (guint e = 0; e < edges->len; e++)
    {
      const UnitPair *pair = g_ptr_array_index (edges, e);
      guint x = find_root (parent, pair->a), y = find_root (parent, n_a + pair->b);

      if (x != y)
        parent[MAX (x, y)] = MIN (x, y);
    }
  for (guint e = 0; e < edges->len; e++)
    {
      const UnitPair *pair = g_ptr_array_index (edges, e);
      guint root = find_root (parent, pair->a);
      GArray *group = g_hash_table_lookup (groups, GUINT_TO_POINTER (root + 1));

      root_of_edge[e] = root;
      if (group == NULL)
        {
          group = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (groups, GUINT_TO_POINTER (root + 1), group);
          g_array_append_val (roots, root);
        }
      g_array_append_val (group, e);
    }

  for (guint r = 0; r < roots->len; r++)
    {
      GArray *group = g_hash_table_lookup (groups, GUINT_TO_POINTER (g_array_index (roots, guint, r) + 1));
      g_autoptr(GHashTable) rows = g_hash_table_new (NULL, NULL);
      g_autoptr(GHashTable) cols = g_hash_table_new (NULL, NULL);
      g_autoptr(GArray) row_units = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GArray) col_units = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree QuorumWeight *cost = NULL;
      g_autofree gint *edge_at = NULL;
      g_autofree gint *assignment = NULL;
      gboolean transpose;
      guint n, m;

      for (guint k = 0; k < group->len; k++)
        {
          const UnitPair *pair = g_ptr_array_index (edges, g_array_index (group, guint, k));

          if (!g_hash_table_contains (rows, GUINT_TO_POINTER (pair->a + 1)))
            {
              g_hash_table_insert (rows, GUINT_TO_POINTER (pair->a + 1), GUINT_TO_POINTER (row_units->len));
              g_array_append_val (row_units, pair->a);
            }
          if (!g_hash_table_contains (cols, GUINT_TO_POINTER (pair->b + 1)))
            {
              g_hash_table_insert (cols, GUINT_TO_POINTER (pair->b + 1), GUINT_TO_POINTER (col_units->len));
              g_array_append_val (col_units, pair->b);
            }
        }
      transpose = row_units->len > col_units->len;
      n = transpose ? col_units->len : row_units->len;
      m = transpose ? row_units->len : col_units->len;
      cost = g_new0 (QuorumWeight, (gsize) n * m);
      edge_at = g_new (gint, (gsize) n * m);
      memset (edge_at, 0xff, sizeof (gint) * n * m);
      for (guint k = 0; k < group->len; k++)
        {
          guint e = g_array_index (group, guint, k);
          const UnitPair *pair = g_ptr_array_index (edges, e);
          guint row = GPOINTER_TO_UINT (g_hash_table_lookup (rows, GUINT_TO_POINTER (pair->a + 1)));
          guint col = GPOINTER_TO_UINT (g_hash_table_lookup (cols, GUINT_TO_POINTER (pair->b + 1)));
          guint i = transpose ? col : row, j = transpose ? row : col;

          cost[(gsize) i * m + j] = (QuorumWeight) { -(double) pair->frames, -pair->similarity };
          edge_at[(gsize) i * m + j] = (gint) e;
        }
      assignment = g_new (gint, MAX (n, 1));
      _quorum_assignment_solve (n, m, cost, assignment);
      for (guint i = 0; i < n; i++)
        {
          gint e;

          if (assignment[i] < 0 || (e = edge_at[(gsize) i * m + (guint) assignment[i]]) < 0)
            continue;
          partner_a[((const UnitPair *) g_ptr_array_index (edges, e))->a] = e;
        }
    }
}

/* The frames of @ranges as a walk: is @frame in them? (@cursor advances.) */
static gboolean
ranges_walk (GArray *ranges,
             guint  *cursor,
             guint   frame)
{
  while (*cursor < ranges->len && g_array_index (ranges, QuorumFrameRange, *cursor).last < frame)
    (*cursor)++;
  return *cursor < ranges->len && g_array_index (ranges, QuorumFrameRange, *cursor).first <= frame;
}

static void
track_pair_free (QuorumTrackPair *pair)
{
  g_free (pair->a);
  g_free (pair->b);
  g_array_unref (pair->matched);
  g_array_unref (pair->unmatched);
  g_array_unref (pair->only_a);
  g_array_unref (pair->only_b);
  g_free (pair);
}

static void
track_comparison_free (QuorumTrackComparison *comparison)
{
  g_ptr_array_unref (comparison->pairs);
  g_ptr_array_unref (comparison->unmatched_a);
  g_ptr_array_unref (comparison->unmatched_b);
  g_free (comparison);
}

static QuorumTrackPair *
track_pair_new (const VideoSet *a,
                const VideoSet *b,
                const UnitPair *unit)
{
  QuorumTrackPair *pair = g_new0 (QuorumTrackPair, 1);
  GArray *present_a = a->presence[unit->a], *present_b = b->presence[unit->b];
  guint ca = 0, cb = 0, cm = 0;
  guint first = G_MAXUINT, last = 0;

  pair->a = g_strdup (video_set_unit_name (a, unit->a));
  pair->b = g_strdup (video_set_unit_name (b, unit->b));
  pair->n_matched = unit->frames;
  pair->mean_similarity = unit->frames > 0 ? unit->similarity / unit->frames : 0;
  pair->matched = g_array_ref (unit->matched);
  pair->unmatched = ranges_new ();
  pair->only_a = ranges_new ();
  pair->only_b = ranges_new ();
  if (present_a->len > 0)
    {
      first = MIN (first, g_array_index (present_a, QuorumFrameRange, 0).first);
      last = MAX (last, g_array_index (present_a, QuorumFrameRange, present_a->len - 1).last);
    }
  if (present_b->len > 0)
    {
      first = MIN (first, g_array_index (present_b, QuorumFrameRange, 0).first);
      last = MAX (last, g_array_index (present_b, QuorumFrameRange, present_b->len - 1).last);
    }
  for (guint frame = first; first != G_MAXUINT && frame <= last; frame++)
    {
      gboolean in_a = ranges_walk (present_a, &ca, frame);
      gboolean in_b = ranges_walk (present_b, &cb, frame);

      if (in_a && in_b)
        {
          if (!ranges_walk (unit->matched, &cm, frame))
            ranges_add (pair->unmatched, frame);
        }
      else if (in_a)
        ranges_add (pair->only_a, frame);
      else if (in_b)
        ranges_add (pair->only_b, frame);
    }
  return pair;
}

static QuorumTrackComparison *
compare_tracks (const VideoSet *a,
                const VideoSet *b,
                guint           index_a,
                guint           index_b,
                GHashTable     *unit_pairs)
{
  QuorumTrackComparison *comparison = g_new0 (QuorumTrackComparison, 1);
  g_autoptr(GPtrArray) edges = g_ptr_array_sized_new (g_hash_table_size (unit_pairs));
  g_autofree gint *partner_a = g_new (gint, MAX (a->n_units, 1));
  g_autofree gboolean *taken_b = g_new0 (gboolean, MAX (b->n_units, 1));

  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, unit_pairs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (edges, value);
  comparison->a = index_a;
  comparison->b = index_b;
  comparison->pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) track_pair_free);
  comparison->unmatched_a = g_ptr_array_new_with_free_func (g_free);
  comparison->unmatched_b = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_sort (edges, compare_unit_pairs);
  pair_units (edges, a->n_units, b->n_units, partner_a);
  for (guint u = 0; u < a->n_units; u++)
    if (partner_a[u] >= 0)
      {
        const UnitPair *unit = g_ptr_array_index (edges, partner_a[u]);

        taken_b[unit->b] = TRUE;
        g_ptr_array_add (comparison->pairs, track_pair_new (a, b, unit));
      }
    else
      g_ptr_array_add (comparison->unmatched_a, g_strdup (video_set_unit_name (a, u)));
  for (guint u = 0; u < b->n_units; u++)
    if (!taken_b[u])
      g_ptr_array_add (comparison->unmatched_b, g_strdup (video_set_unit_name (b, u)));
  return comparison;
}

QuorumVideoAgreement *
_quorum_video_agreement_run (const QuorumAnnotationSet * const *sets,
                             guint                              n_sets,
                             double                             threshold,
                             guint                              n_threads,
                             gboolean                           details)
{
  QuorumVideoAgreement *video = g_new0 (QuorumVideoAgreement, 1);
  guint n_pairs = n_sets * (n_sets - 1) / 2;
  g_autofree VideoSet *videos = g_new0 (VideoSet, n_sets);
  g_autofree Chunk *chunks = g_new0 (Chunk, n_sets);
  g_autofree GArray **similarities = g_new0 (GArray *, MAX (n_pairs, 1));
  g_autofree GHashTable **unit_pairs = g_new0 (GHashTable *, MAX (n_pairs, 1));
  g_autofree UnitPair ***last_unit = g_new0 (UnitPair **, MAX (n_pairs, 1));
  g_autofree double *scores = g_new0 (double, MAX (n_pairs, 1));
  g_autofree guint *matched = g_new0 (guint, MAX (n_pairs, 1));
  g_autofree guint *sizes = g_new0 (guint, n_sets);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  guint n_frames = MAX (sets[0]->file.frames, 1);

  for (guint s = 0; s < n_sets; s++)
    for (guint i = 0; i < sets[s]->instances->len; i++)
      n_frames = MAX (n_frames, ((const QuorumInstance *) g_ptr_array_index (sets[s]->instances, i))->frame + 1);
  video->n_sets = n_sets;
  video->n_frames = n_frames;
  video->frame_scores = g_new0 (double, n_frames);
  for (guint s = 0; s < n_sets; s++)
    video_set_init (&videos[s], sets[s], details);
  for (guint k = 0; k < n_pairs; k++)
    {
      similarities[k] = g_array_new (FALSE, FALSE, sizeof (double));
      unit_pairs[k] = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) unit_pair_free);
    }
  if (details)
    {
      guint k = 0;

      for (guint i = 0; i < n_sets; i++)
        for (guint j = i + 1; j < n_sets; j++, k++)
          last_unit[k] = g_new0 (UnitPair *, MAX (videos[i].n_units, 1));
    }

  for (guint first = 0; first < n_frames; first += CHUNK_FRAMES)
    {
      guint last = MIN (first + CHUNK_FRAMES, n_frames);
      guint width = last - first;
      const QuorumAnnotationSet **chunk_sets = g_newa (const QuorumAnnotationSet *, n_sets);
      g_autofree guint *counts = g_new0 (guint, (gsize) n_sets * width);
      g_autofree double *sums = g_new0 (double, width);
      g_autofree guint *pairs_on = g_new0 (guint, width);
      QuorumMatch **matches;
      guint pair = 0;

      for (guint s = 0; s < n_sets; s++)
        {
          chunk_fill (&chunks[s], &videos[s], first, last, scratch);
          chunk_sets[s] = &chunks[s].set;
          for (guint v = 0; v < chunks[s].n_views; v++)
            counts[(gsize) s * width + chunks[s].views[v].frame - first]++;
        }
      matches = _quorum_match_all_pairs (chunk_sets, n_sets, threshold, FALSE, n_threads);
      for (guint i = 0; i < n_sets; i++)
        for (guint j = i + 1; j < n_sets; j++, pair++)
          {
            QuorumMatch *match = matches[pair];

            memset (sums, 0, sizeof (double) * width);
            memset (pairs_on, 0, sizeof (guint) * width);
            for (guint p = 0; p < match->pairs->len; p++)
              {
                const QuorumMatchPair *mp = &g_array_index (match->pairs, QuorumMatchPair, p);
                guint frame = chunks[i].views[mp->a].frame;

                g_array_append_val (similarities[pair], mp->similarity);
                sums[frame - first] += mp->similarity;
                pairs_on[frame - first]++;
                if (details)
                  {
                    guint ua = g_array_index (chunks[i].units, guint, mp->a);
                    guint ub = g_array_index (chunks[j].units, guint, mp->b);
                    gint64 key = ((gint64) ua << 32) | ub;
                    UnitPair *unit = last_unit[pair][ua];

                    /* A track is matched with the same one frame after frame:
                     * the last pair of each track saves the lookup. */
                    if (unit == NULL || unit->b != ub)
                      unit = last_unit[pair][ua] = g_hash_table_lookup (unit_pairs[pair], &key);
                    if (unit == NULL)
                      {
                        unit = g_new0 (UnitPair, 1);
                        *unit = (UnitPair) { ua, ub, 0, 0, ranges_new () };
                        g_hash_table_insert (unit_pairs[pair], g_memdup2 (&key, sizeof key), unit);
                        last_unit[pair][ua] = unit;
                      }
                    unit->frames++;
                    unit->similarity += mp->similarity;
                    ranges_add (unit->matched, frame);
                  }
              }
            /* S of this pair on each frame of the chunk (DESIGN §4 on that frame alone). */
            for (guint f = 0; f < width; f++)
              {
                guint n_a = counts[(gsize) i * width + f], n_b = counts[(gsize) j * width + f];
                guint m = pairs_on[f];
                double denominator = m + 0.5 * (n_a - m) + 0.5 * (n_b - m);

                video->frame_scores[first + f] += denominator > 0 ? sums[f] / denominator : 1.0;
              }
            quorum_match_free (match);
          }
      g_free (matches);
      for (guint s = 0; s < n_sets; s++)
        chunk_clear (&chunks[s]);
    }

  for (guint f = 0; f < n_frames; f++)
    video->frame_scores[f] = n_pairs > 0 ? video->frame_scores[f] / n_pairs : 1.0;

  /* The pooled scores, summed as quorum_match_sets() sums them. */
  for (guint s = 0; s < n_sets; s++)
    sizes[s] = videos[s].n_expanded;
  {
    guint pair = 0;

    for (guint i = 0; i < n_sets; i++)
      for (guint j = i + 1; j < n_sets; j++, pair++)
        {
          GArray *values = similarities[pair];
          double total = 0, denominator;

          sort_similarities (values);
          for (guint k = 0; k < values->len; k++)
            total += g_array_index (values, double, k);
          matched[pair] = values->len;
          denominator = values->len + 0.5 * (sizes[i] - values->len) + 0.5 * (sizes[j] - values->len);
          scores[pair] = denominator > 0 ? total / denominator : 1.0;
        }
  }
  video->agreement = _quorum_agreement_new (n_sets, scores, matched, sizes);

  if (details)
    {
      guint pair = 0;

      video->tracks = g_new0 (GPtrArray *, n_sets);
      for (guint s = 0; s < n_sets; s++)
        {
          video->tracks[s] = g_ptr_array_new_with_free_func (g_free);
          for (guint u = 0; u < videos[s].n_units; u++)
            g_ptr_array_add (video->tracks[s], g_strdup (video_set_unit_name (&videos[s], u)));
        }
      video->comparisons = g_ptr_array_new_with_free_func ((GDestroyNotify) track_comparison_free);
      for (guint i = 0; i < n_sets; i++)
        for (guint j = i + 1; j < n_sets; j++, pair++)
          g_ptr_array_add (video->comparisons, compare_tracks (&videos[i], &videos[j], i, j, unit_pairs[pair]));
    }

  for (guint k = 0; k < n_pairs; k++)
    {
      g_array_unref (similarities[k]);
      g_hash_table_unref (unit_pairs[k]);
      g_free (last_unit[k]);
    }
  for (guint s = 0; s < n_sets; s++)
    video_set_clear (&videos[s]);
  return video;
}

QuorumVideoAgreement *
quorum_video_agreement_compute (const QuorumAnnotationSet * const *sets,
                                guint                              n_sets,
                                double                             threshold,
                                GError                           **error)
{
  if (!_quorum_agreement_check_input (sets, n_sets, threshold, error))
    return NULL;
  return _quorum_video_agreement_run (sets, n_sets, threshold, 0, TRUE);
}

void
quorum_video_agreement_free (QuorumVideoAgreement *video)
{
  if (video == NULL)
    return;
  g_clear_pointer (&video->agreement, quorum_agreement_free);
  g_free (video->frame_scores);
  if (video->tracks != NULL)
    for (guint s = 0; s < video->n_sets; s++)
      g_ptr_array_unref (video->tracks[s]);
  g_free (video->tracks);
  g_clear_pointer (&video->comparisons, g_ptr_array_unref);
  g_free (video);
}

static JsonArray *
ranges_to_json (GArray *ranges)
{
  JsonArray *array = json_array_sized_new (ranges->len);

  for (guint k = 0; k < ranges->len; k++)
    {
      const QuorumFrameRange *range = &g_array_index (ranges, QuorumFrameRange, k);
      JsonArray *pair = json_array_sized_new (2);

      json_array_add_int_element (pair, range->first);
      json_array_add_int_element (pair, range->last);
      json_array_add_array_element (array, pair);
    }
  return array;
}

JsonObject *
quorum_video_agreement_write_frames (const QuorumVideoAgreement *video,
                                     double                      below)
{
  JsonObject *frames = json_object_new ();
  JsonArray *scores = json_array_sized_new (video->n_frames);
  g_autoptr(GArray) low = quorum_frame_ranges_below (video->frame_scores, video->n_frames, below);

  for (guint f = 0; f < video->n_frames; f++)
    json_array_add_double_element (scores, video->frame_scores[f]);
  json_object_set_array_member (frames, "scores", scores);
  json_object_set_double_member (frames, "below", below);
  json_object_set_array_member (frames, "low", ranges_to_json (low));
  return frames;
}

static JsonArray *
names_to_json (GPtrArray *names)
{
  JsonArray *array = json_array_sized_new (names->len);

  for (guint k = 0; k < names->len; k++)
    json_array_add_string_element (array, g_ptr_array_index (names, k));
  return array;
}

JsonArray *
quorum_video_agreement_write_tracks (const QuorumVideoAgreement *video,
                                     JsonNode * const           *set_names)
{
  JsonArray *comparisons = json_array_new ();

  for (guint c = 0; c < video->comparisons->len; c++)
    {
      const QuorumTrackComparison *comparison = g_ptr_array_index (video->comparisons, c);
      JsonObject *object = json_object_new ();
      JsonArray *pairs = json_array_new ();

      json_object_set_member (object, "a", json_node_copy (set_names[comparison->a]));
      json_object_set_member (object, "b", json_node_copy (set_names[comparison->b]));
      for (guint k = 0; k < comparison->pairs->len; k++)
        {
          const QuorumTrackPair *pair = g_ptr_array_index (comparison->pairs, k);
          JsonObject *entry = json_object_new ();

          json_object_set_string_member (entry, "a", pair->a);
          json_object_set_string_member (entry, "b", pair->b);
          json_object_set_int_member (entry, "frames_matched", pair->n_matched);
          json_object_set_double_member (entry, "mean_similarity", pair->mean_similarity);
          json_object_set_array_member (entry, "matched", ranges_to_json (pair->matched));
          json_object_set_array_member (entry, "unmatched", ranges_to_json (pair->unmatched));
          json_object_set_array_member (entry, "only_a", ranges_to_json (pair->only_a));
          json_object_set_array_member (entry, "only_b", ranges_to_json (pair->only_b));
          json_array_add_object_element (pairs, entry);
        }
      json_object_set_array_member (object, "pairs", pairs);
      json_object_set_array_member (object, "unmatched_a", names_to_json (comparison->unmatched_a));
      json_object_set_array_member (object, "unmatched_b", names_to_json (comparison->unmatched_b));
      json_array_add_object_element (comparisons, object);
    }
  return comparisons;
}

gboolean
quorum_annotation_sets_are_video (const QuorumAnnotationSet * const *sets,
                                  guint                              n_sets)
{
  for (guint i = 0; i < n_sets; i++)
    {
      if (sets[i]->file.frames > 1)
        return TRUE;
      for (guint k = 0; k < sets[i]->instances->len; k++)
        if (((const QuorumInstance *) g_ptr_array_index (sets[i]->instances, k))->track_id != NULL)
          return TRUE;
    }
  return FALSE;
}

JsonNode *
quorum_agreement_write_report (const char * const          *names,
                               const QuorumAgreement       *agreement,
                               const QuorumVideoAgreement  *video,
                               double                       below)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *root;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pairs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < agreement->n_sets; i++)
    for (guint j = i + 1; j < agreement->n_sets; j++)
      {
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "a");
        json_builder_add_string_value (builder, names[i]);
        json_builder_set_member_name (builder, "b");
        json_builder_add_string_value (builder, names[j]);
        json_builder_set_member_name (builder, "score");
        json_builder_add_double_value (builder, quorum_agreement_pair (agreement, i, j));
        json_builder_set_member_name (builder, "matched");
        json_builder_add_int_value (builder, agreement->pair_matched[i * agreement->n_sets + j]);
        json_builder_end_object (builder);
      }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_object (builder);
  for (guint i = 0; i < agreement->n_sets; i++)
    {
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_double_value (builder, agreement->annotator_scores[i]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "agreement");
  json_builder_add_double_value (builder, agreement->agreement);
  json_builder_set_member_name (builder, "best");
  json_builder_add_string_value (builder, names[agreement->best]);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  if (video != NULL)
    {
      g_autoptr(GPtrArray) name_nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

      for (guint i = 0; i < agreement->n_sets; i++)
        g_ptr_array_add (name_nodes, json_node_init_string (json_node_alloc (), names[i]));
      json_object_set_object_member (json_node_get_object (root), "frames",
                                     quorum_video_agreement_write_frames (video, below));
      json_object_set_array_member (json_node_get_object (root), "tracks",
                                    quorum_video_agreement_write_tracks (video,
                                                                         (JsonNode * const *) name_nodes->pdata));
    }
  return root;
}
