/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quorum-agreement.h"
#include "quorum-error.h"

/*
 * Matching (DESIGN §4). Instances are bucketed by (frame, label, kind); in a
 * bucket a sweep over the x extent of their bounds finds the pairs whose
 * bounds overlap (points and polylines: whose bounds come within the
 * distance at which s can still reach τ), the IoU upper bound drops the
 * hopeless ones, and the pairs with s ≥ τ form a graph. Every connected
 * component of that graph is solved exactly as an assignment problem.
 */

/* A set prepared once: its shapes and its buckets. */
typedef struct {
  const QuorumAnnotationSet *set;
  GPtrArray                 *shapes;   /* of QuorumShape, by instance index */
  GHashTable                *buckets;  /* key → GArray of guint instance indexes */
} PreparedSet;

typedef struct {
  guint  a;        /* instance index in A */
  guint  b;        /* instance index in B */
  double s;
} Edge;

/* The weight of a matching compared lexicographically: the total similarity
 * first, then the number of pairs — DESIGN's tie rule, kept exact instead of
 * folded into one floating-point number. */
typedef struct {
  double total;
  double pairs;
} Weight;

static inline Weight weight_add (Weight x, Weight y) { return (Weight) { x.total + y.total, x.pairs + y.pairs }; }
static inline Weight weight_sub (Weight x, Weight y) { return (Weight) { x.total - y.total, x.pairs - y.pairs }; }
static inline gboolean
weight_less (Weight x, Weight y)
{
  return x.total < y.total || (x.total == y.total && x.pairs < y.pairs);
}

/* Writes the bucket key of @instance — its frame, kind and label — into
 * @key, reused from one instance to the next so that only a new bucket
 * allocates. */
static void
bucket_key (const QuorumInstance *instance,
            GString              *key)
{
  g_string_truncate (key, 0);
  g_string_append_printf (key, "%u\x1f%d\x1f", instance->frame, instance->kind);
  g_string_append (key, instance->label);
}

static void
prepared_set_init (PreparedSet               *prepared,
                   QuorumGeometry            *geometry,
                   const QuorumAnnotationSet *set)
{
  g_autoptr(GString) key = g_string_sized_new (64);

  prepared->set = set;
  prepared->shapes = g_ptr_array_new_full (set->instances->len, (GDestroyNotify) quorum_shape_free);
  prepared->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < set->instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (set->instances, i);
      GArray *bucket;

      bucket_key (instance, key);
      bucket = g_hash_table_lookup (prepared->buckets, key->str);
      g_ptr_array_add (prepared->shapes, quorum_shape_new (geometry, instance));
      if (bucket == NULL)
        {
          bucket = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (prepared->buckets, g_strdup (key->str), bucket);
        }
      g_array_append_val (bucket, i);
    }
}

static void
prepared_set_clear (PreparedSet *prepared)
{
  g_clear_pointer (&prepared->shapes, g_ptr_array_unref);
  g_clear_pointer (&prepared->buckets, g_hash_table_unref);
}

/* ---- candidates ------------------------------------------------------- */

typedef struct {
  double x0, x1, y0, y1;
  guint  index;
  gboolean from_a;
} SweepItem;

static int
compare_sweep_items (gconstpointer a,
                     gconstpointer b)
{
  const SweepItem *x = a, *y = b;

  if (x->x0 < y->x0) return -1;
  if (x->x0 > y->x0) return 1;
  return (int) y->from_a - (int) x->from_a;
}

static void
consider_pair (QuorumGeometry *geometry,
               PreparedSet    *a,
               PreparedSet    *b,
               guint           ia,
               guint           ib,
               double          threshold,
               double          diagonal,
               GArray         *edges)
{
  QuorumShape *sa = g_ptr_array_index (a->shapes, ia);
  QuorumShape *sb = g_ptr_array_index (b->shapes, ib);
  QuorumKind kind = quorum_shape_get_instance (sa)->kind;
  Edge edge = { ia, ib, 0 };

  if ((kind == QUORUM_KIND_BOX || kind == QUORUM_KIND_POLYGON) &&
      quorum_shape_iou_upper_bound (sa, sb) < threshold)
    return;
  edge.s = quorum_geometry_similarity (geometry, sa, sb, diagonal);
  if (edge.s >= threshold)
    g_array_append_val (edges, edge);
}

/* Appends to @edges every pair of the bucket with s ≥ τ (tags: every pair). */
static void
bucket_edges (QuorumGeometry *geometry,
              PreparedSet    *a,
              GArray         *bucket_a,
              PreparedSet    *b,
              GArray         *bucket_b,
              double          threshold,
              double          diagonal,
              GArray         *edges)
{
  guint first = g_array_index (bucket_a, guint, 0);
  QuorumKind kind = ((const QuorumInstance *) g_ptr_array_index (a->set->instances, first))->kind;
  double reach = 0;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GArray) active_a = NULL;
  g_autoptr(GArray) active_b = NULL;

  if (kind == QUORUM_KIND_TAG)
    {
      for (guint i = 0; i < bucket_a->len; i++)
        for (guint j = 0; j < bucket_b->len; j++)
          {
            guint ia = g_array_index (bucket_a, guint, i);
            guint ib = g_array_index (bucket_b, guint, j);
            Edge edge = { ia, ib, quorum_geometry_similarity (geometry,
                                                              g_ptr_array_index (a->shapes, ia),
                                                              g_ptr_array_index (b->shapes, ib),
                                                              diagonal) };
            g_array_append_val (edges, edge);
          }
      return;
    }

  /* s = exp(−d²/(2(σD)²)) ≥ τ exactly when d ≤ σD·√(−2 ln τ); the mean
   * sample distance of two polylines is at least the gap between their
   * bounds, so bounds grown by that reach cannot miss a candidate. */
  if (kind == QUORUM_KIND_POINT || kind == QUORUM_KIND_POLYLINE)
    reach = QUORUM_SIMILARITY_SIGMA * diagonal * sqrt (-2 * log (threshold)) * (1 + 1e-9) + 1e-9;

  items = g_array_sized_new (FALSE, FALSE, sizeof (SweepItem), bucket_a->len + bucket_b->len);
  for (guint side = 0; side < 2; side++)
    {
      PreparedSet *prepared = side == 0 ? a : b;
      GArray *bucket = side == 0 ? bucket_a : bucket_b;

      for (guint i = 0; i < bucket->len; i++)
        {
          guint index = g_array_index (bucket, guint, i);
          QuorumRect r;
          SweepItem item;

          quorum_shape_bounds (g_ptr_array_index (prepared->shapes, index), &r);
          item = (SweepItem) { r.x0 - reach, r.x1 + reach, r.y0 - reach, r.y1 + reach, index, side == 0 };
          g_array_append_val (items, item);
        }
    }
  g_array_sort (items, compare_sweep_items);

  /* Sweep from left to right keeping the items whose x extent is still open;
   * each new item meets only the open items of the other set. */
  active_a = g_array_new (FALSE, FALSE, sizeof (SweepItem));
  active_b = g_array_new (FALSE, FALSE, sizeof (SweepItem));
  for (guint i = 0; i < items->len; i++)
    {
      const SweepItem *item = &g_array_index (items, SweepItem, i);
      GArray *mine = item->from_a ? active_a : active_b;
      GArray *theirs = item->from_a ? active_b : active_a;

      for (guint k = 0; k < theirs->len;)
        {
          const SweepItem *other = &g_array_index (theirs, SweepItem, k);

          if (other->x1 < item->x0)
            {
              g_array_remove_index_fast (theirs, k);
              continue;
            }
          if (other->y0 <= item->y1 && item->y0 <= other->y1)
            {
              if (item->from_a)
                consider_pair (geometry, a, b, item->index, other->index, threshold, diagonal, edges);
              else
                consider_pair (geometry, a, b, other->index, item->index, threshold, diagonal, edges);
            }
          k++;
        }
      g_array_append_val (mine, *item);
    }
}

/* ---- exact assignment --------------------------------------------------- */

/*
 * Hungarian algorithm (shortest augmenting paths with potentials) on an
 * n × m cost matrix, n ≤ m, minimising; cost[i][j] = −weight of the edge or
 * zero where there is none. Every edge is strictly better than no edge (its
 * pair count is 1), so an optimal full assignment of the rows restricted to
 * real edges is an optimal matching. Returns row_to_col.
 */
static void
hungarian (guint         n,
           guint         m,
           const Weight *cost,
           gint         *row_to_col)
{
  g_autofree Weight *u = g_new0 (Weight, n + 1);
  g_autofree Weight *v = g_new0 (Weight, m + 1);
  g_autofree guint *p = g_new0 (guint, m + 1);    /* p[j]: row matched to column j, 1-based */
  g_autofree guint *way = g_new0 (guint, m + 1);
  g_autofree Weight *minv = g_new (Weight, m + 1);
  g_autofree gboolean *used = g_new (gboolean, m + 1);

  for (guint i = 1; i <= n; i++)
    {
      guint j0 = 0;

      p[0] = i;
      for (guint j = 0; j <= m; j++)
        {
          minv[j] = (Weight) { INFINITY, INFINITY };
          used[j] = FALSE;
        }
      do
        {
          guint i0 = p[j0], j1 = 0;
          Weight delta = { INFINITY, INFINITY };

          used[j0] = TRUE;
          for (guint j = 1; j <= m; j++)
            if (!used[j])
              {
                Weight current = weight_sub (weight_sub (cost[(i0 - 1) * m + (j - 1)], u[i0]), v[j]);

                if (weight_less (current, minv[j]))
                  {
                    minv[j] = current;
                    way[j] = j0;
                  }
                if (weight_less (minv[j], delta))
                  {
                    delta = minv[j];
                    j1 = j;
                  }
              }
          for (guint j = 0; j <= m; j++)
            if (used[j])
              {
                u[p[j]] = weight_add (u[p[j]], delta);
                v[j] = weight_sub (v[j], delta);
              }
            else
              minv[j] = weight_sub (minv[j], delta);
          j0 = j1;
        }
      while (p[j0] != 0);
      do
        {
          guint j1 = way[j0];
          p[j0] = p[j1];
          j0 = j1;
        }
      while (j0 != 0);
    }
  for (guint i = 0; i < n; i++)
    row_to_col[i] = -1;
  for (guint j = 1; j <= m; j++)
    if (p[j] != 0)
      row_to_col[p[j] - 1] = (gint) j - 1;
}

static guint
find_root (guint *parent,
           guint  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
  return x;
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const QuorumMatchPair *x = a, *y = b;

  return x->a < y->a ? -1 : x->a > y->a ? 1 : 0;
}

typedef struct {
  guint root;
  guint edge;
} EdgeInComponent;

static int
compare_by_root (gconstpointer a,
                 gconstpointer b)
{
  const EdgeInComponent *x = a, *y = b;

  if (x->root != y->root)
    return x->root < y->root ? -1 : 1;
  return x->edge < y->edge ? -1 : x->edge > y->edge ? 1 : 0;
}

/*
 * Solves each connected component of @edges exactly and appends the matched
 * pairs to @pairs. @slot has n_a + n_b entries, all G_MAXUINT on entry and on
 * return: it numbers the nodes (A's instance i is node i, B's j is n_a + j)
 * that this bucket's edges touch, without a hash table or a clear of the
 * whole array per bucket.
 */
static void
match_edges (GArray *edges,
             guint   n_a,
             guint  *slot,
             GArray *pairs)
{
  guint n_edges = edges->len;
  g_autofree guint *parent = NULL;
  g_autofree guint *touched = NULL;
  g_autofree EdgeInComponent *order = NULL;
  guint n_nodes = 0;

  if (n_edges == 0)
    return;

  parent = g_new (guint, 2 * n_edges);
  touched = g_new (guint, 2 * n_edges);
  for (guint e = 0; e < n_edges; e++)
    {
      const Edge *edge = &g_array_index (edges, Edge, e);
      guint nodes[2] = { edge->a, n_a + edge->b };

      for (guint k = 0; k < 2; k++)
        if (slot[nodes[k]] == G_MAXUINT)
          {
            slot[nodes[k]] = n_nodes;
            parent[n_nodes] = n_nodes;
            touched[n_nodes++] = nodes[k];
          }
      parent[find_root (parent, slot[nodes[0]])] = find_root (parent, slot[nodes[1]]);
    }

  order = g_new (EdgeInComponent, n_edges);
  for (guint e = 0; e < n_edges; e++)
    order[e] = (EdgeInComponent) { find_root (parent, slot[g_array_index (edges, Edge, e).a]), e };
  qsort (order, n_edges, sizeof *order, compare_by_root);

  for (guint first = 0, last; first < n_edges; first = last)
    {
      guint n_rows = 0, n_cols = 0;
      g_autofree guint *row_ids = NULL;
      g_autofree guint *col_ids = NULL;
      g_autofree Weight *cost = NULL;
      g_autofree gint *assignment = NULL;
      gboolean transpose;
      guint n, m;

      for (last = first + 1; last < n_edges && order[last].root == order[first].root; last++)
        ;
      if (last - first == 1)
        {
          const Edge *edge = &g_array_index (edges, Edge, order[first].edge);
          QuorumMatchPair pair = { edge->a, edge->b, edge->s };

          g_array_append_val (pairs, pair);
          continue;
        }

      /* Number the component's rows (A) and columns (B), reusing @slot:
       * every node of the component is touched, so its slot is rewritten
       * from the union-find numbering to the row or column index. */
      row_ids = g_new (guint, last - first);
      col_ids = g_new (guint, last - first);
      for (guint k = first; k < last; k++)
        {
          const Edge *edge = &g_array_index (edges, Edge, order[k].edge);

          if (slot[edge->a] < G_MAXUINT / 2)
            {
              row_ids[n_rows] = edge->a;
              slot[edge->a] = G_MAXUINT / 2 + n_rows++;
            }
          if (slot[n_a + edge->b] < G_MAXUINT / 2)
            {
              col_ids[n_cols] = edge->b;
              slot[n_a + edge->b] = G_MAXUINT / 2 + n_cols++;
            }
        }
      transpose = n_rows > n_cols;
      n = transpose ? n_cols : n_rows;
      m = transpose ? n_rows : n_cols;
      cost = g_new0 (Weight, (gsize) n * m);
      for (guint k = first; k < last; k++)
        {
          const Edge *edge = &g_array_index (edges, Edge, order[k].edge);
          guint r = slot[edge->a] - G_MAXUINT / 2;
          guint c = slot[n_a + edge->b] - G_MAXUINT / 2;
          guint i = transpose ? c : r;
          guint j = transpose ? r : c;

          cost[i * m + j] = (Weight) { -edge->s, -1 };
        }
      assignment = g_new (gint, n);
      hungarian (n, m, cost, assignment);
      for (guint i = 0; i < n; i++)
        {
          QuorumMatchPair pair;
          guint j;

          if (assignment[i] < 0)
            continue;
          j = (guint) assignment[i];
          if (cost[i * m + j].pairs == 0)
            continue;   /* assigned to a column it has no edge with: unmatched */
          pair.a = row_ids[transpose ? j : i];
          pair.b = col_ids[transpose ? i : j];
          pair.similarity = -cost[i * m + j].total;
          g_array_append_val (pairs, pair);
        }
    }

  for (guint k = 0; k < n_nodes; k++)
    slot[touched[k]] = G_MAXUINT;
}

/* ---- pair score ------------------------------------------------------- */

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static QuorumMatch *
match_prepared (QuorumGeometry *geometry,
                PreparedSet    *a,
                PreparedSet    *b,
                double          threshold)
{
  QuorumMatch *match = g_new0 (QuorumMatch, 1);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  double diagonal = quorum_file_info_diagonal (&a->set->file);
  GHashTableIter iter;
  gpointer key, value;
  double denominator;
  g_autofree guint *slot = NULL;

  match->pairs = g_array_new (FALSE, FALSE, sizeof (QuorumMatchPair));
  match->n_a = a->set->instances->len;
  match->n_b = b->set->instances->len;
  slot = g_new (guint, match->n_a + match->n_b + 1);
  memset (slot, 0xff, sizeof (guint) * (match->n_a + match->n_b + 1));

  g_hash_table_iter_init (&iter, a->buckets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *bucket_b = g_hash_table_lookup (b->buckets, key);

      if (bucket_b == NULL)
        continue;
      g_array_set_size (edges, 0);
      bucket_edges (geometry, a, value, b, bucket_b, threshold, diagonal, edges);
      match_edges (edges, match->n_a, slot, match->pairs);
    }
  g_array_sort (match->pairs, compare_pairs);

  /* Summed in ascending order, the total does not depend on which set comes
   * first or on the order of the instances. */
  {
    g_autofree double *values = g_new (double, MAX (match->pairs->len, 1));

    for (guint i = 0; i < match->pairs->len; i++)
      values[i] = g_array_index (match->pairs, QuorumMatchPair, i).similarity;
    qsort (values, match->pairs->len, sizeof (double), compare_doubles);
    for (guint i = 0; i < match->pairs->len; i++)
      match->total += values[i];
  }
  denominator = match->pairs->len + 0.5 * (match->n_a - match->pairs->len) +
                0.5 * (match->n_b - match->pairs->len);
  match->score = denominator > 0 ? match->total / denominator : 1.0;
  return match;
}

QuorumMatch *
quorum_match_sets (QuorumGeometry            *geometry,
                   const QuorumAnnotationSet *a,
                   const QuorumAnnotationSet *b,
                   double                     threshold)
{
  PreparedSet pa, pb;
  QuorumMatch *match;

  prepared_set_init (&pa, geometry, a);
  prepared_set_init (&pb, geometry, b);
  match = match_prepared (geometry, &pa, &pb, threshold);
  prepared_set_clear (&pa);
  prepared_set_clear (&pb);
  return match;
}

void
quorum_match_free (QuorumMatch *match)
{
  if (match == NULL)
    return;
  g_array_unref (match->pairs);
  g_free (match);
}

/* ---- file agreement --------------------------------------------------- */

QuorumAgreement *
quorum_agreement_compute (const QuorumAnnotationSet * const *sets,
                          guint                              n_sets,
                          double                             threshold,
                          GError                           **error)
{
  g_autoptr(QuorumGeometry) geometry = NULL;
  g_autofree PreparedSet *prepared = NULL;
  QuorumAgreement *agreement;
  double sum = 0;

  if (n_sets == 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "sets: agreement needs at least one annotation set");
      return NULL;
    }
  if (!(threshold > 0 && threshold <= 1))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "threshold: must be above 0 and at most 1, not %g", threshold);
      return NULL;
    }
  for (guint i = 1; i < n_sets; i++)
    if (sets[i]->file.width != sets[0]->file.width || sets[i]->file.height != sets[0]->file.height ||
        sets[i]->file.frames != sets[0]->file.frames)
      {
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                     "sets[%u].file: %u×%u with %u frames, but sets[0] is %u×%u with %u frames; "
                     "sets must describe the same file",
                     i, sets[i]->file.width, sets[i]->file.height, sets[i]->file.frames,
                     sets[0]->file.width, sets[0]->file.height, sets[0]->file.frames);
        return NULL;
      }

  geometry = quorum_geometry_new ();
  prepared = g_new0 (PreparedSet, n_sets);
  for (guint i = 0; i < n_sets; i++)
    prepared_set_init (&prepared[i], geometry, sets[i]);

  agreement = g_new0 (QuorumAgreement, 1);
  agreement->n_sets = n_sets;
  agreement->pair_scores = g_new0 (double, n_sets * n_sets);
  agreement->pair_matched = g_new0 (guint, n_sets * n_sets);
  agreement->annotator_scores = g_new0 (double, n_sets);
  for (guint i = 0; i < n_sets; i++)
    {
      agreement->pair_scores[i * n_sets + i] = 1.0;
      agreement->pair_matched[i * n_sets + i] = sets[i]->instances->len;
      for (guint j = i + 1; j < n_sets; j++)
        {
          g_autoptr(QuorumMatch) match = match_prepared (geometry, &prepared[i], &prepared[j],
                                                         threshold);

          agreement->pair_scores[i * n_sets + j] = agreement->pair_scores[j * n_sets + i] = match->score;
          agreement->pair_matched[i * n_sets + j] = agreement->pair_matched[j * n_sets + i] =
            match->pairs->len;
          sum += match->score;
        }
    }

  /* With a single set there is nobody to disagree with: its score and the
   * file agreement are 1. */
  agreement->agreement = n_sets > 1 ? sum / (n_sets * (n_sets - 1) / 2.0) : 1.0;
  for (guint i = 0; i < n_sets; i++)
    {
      double total = 0;

      for (guint j = 0; j < n_sets; j++)
        if (j != i)
          total += agreement->pair_scores[i * n_sets + j];
      agreement->annotator_scores[i] = n_sets > 1 ? total / (n_sets - 1) : 1.0;
      if (agreement->annotator_scores[i] > agreement->annotator_scores[agreement->best])
        agreement->best = i;   /* strictly greater: ties stay with the earliest */
    }

  for (guint i = 0; i < n_sets; i++)
    prepared_set_clear (&prepared[i]);
  return agreement;
}

void
quorum_agreement_free (QuorumAgreement *agreement)
{
  if (agreement == NULL)
    return;
  g_free (agreement->pair_scores);
  g_free (agreement->pair_matched);
  g_free (agreement->annotator_scores);
  g_free (agreement);
}

double
quorum_agreement_pair (const QuorumAgreement *agreement,
                       guint                  a,
                       guint                  b)
{
  g_return_val_if_fail (a < agreement->n_sets && b < agreement->n_sets, 0);
  return agreement->pair_scores[a * agreement->n_sets + b];
}
