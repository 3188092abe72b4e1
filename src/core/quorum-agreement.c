/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "quorum-agreement.h"
#include "quorum-agreement-private.h"
#include "quorum-error.h"
#include "quorum-geometry-private.h"

/*
 * Matching (DESIGN §4). Instances are bucketed by (frame, label, kind); in a
 * bucket a sweep over the x extent of their bounds finds the pairs whose
 * bounds overlap (points and polylines: whose bounds come within the
 * distance at which s can still reach τ), the IoU upper bound drops the
 * hopeless ones, and the pairs with s ≥ τ form a graph. Every connected
 * component of that graph is solved exactly as an assignment problem.
 *
 * The work splits into independent tasks run on a few threads: first the
 * shapes of each set, in chunks, and each set's buckets; then each bucket's
 * sweep order; then every bucket of every pair of sets; then each pair's
 * score. Each task writes only its own results, and the results are put
 * together in a fixed order, so the scores do not depend on the number of
 * threads or on which thread ran what.
 */

/* Instances prepared in one task: enough to outweigh the task's overhead. */
#define SHAPES_PER_TASK 1024
/* Below this many instances in all, threads cost more than they save. */
#define MIN_INSTANCES_FOR_THREADS 2000
#define MAX_THREADS 8

typedef struct {
  guint       frame;
  QuorumKind  kind;
  const char *label;     /* borrowed from the set's first instance in the bucket */
} BucketKey;

/* What the sweep and the IoU bound need of a shape, side by side. */
typedef struct {
  QuorumRect bounds;     /* grown by the reach for points and polylines */
  double     area;
  guint      index;
} SweepItem;

typedef struct {
  BucketKey  key;
  GArray    *members;    /* of guint: instance indexes, ascending */
  GArray    *items;      /* of SweepItem: bounds (grown by the reach), sorted by x0 */
} Bucket;

/* A set prepared once: its shapes and its buckets. */
typedef struct {
  const QuorumAnnotationSet *set;
  QuorumShape              **shapes;   /* by instance index, all in @block */
  guint8                    *block;
  gsize                     *offsets;  /* while preparing: where each shape goes in @block */
  GHashTable                *buckets;  /* BucketKey → Bucket */
  GPtrArray                 *order;    /* of Bucket, in order of first appearance */
} PreparedSet;

typedef struct {
  guint  a;        /* instance index in A */
  guint  b;        /* instance index in B */
  double s;
} Edge;

/* What one thread owns: its GEOS handle and scratch space. */
typedef struct {
  QuorumGeometry *geometry;
  gboolean        owns_geometry;
  guint          *slot;     /* n_slots entries, all G_MAXUINT between tasks */
  gsize           n_slots;
  GArray         *edges;    /* of Edge */
} Worker;

/* The weight of a matching compared lexicographically (QuorumWeight, in the
 * private header): the total similarity first, then the number of pairs —
 * DESIGN's tie rule, kept exact instead of folded into one floating-point
 * number. */
typedef QuorumWeight Weight;

static inline Weight weight_add (Weight x, Weight y) { return (Weight) { x.total + y.total, x.pairs + y.pairs }; }
static inline Weight weight_sub (Weight x, Weight y) { return (Weight) { x.total - y.total, x.pairs - y.pairs }; }
static inline gboolean
weight_less (Weight x, Weight y)
{
  return x.total < y.total || (x.total == y.total && x.pairs < y.pairs);
}

/* ---- running tasks on threads ----------------------------------------- */

typedef void (*TaskFunc) (Worker   *worker,
                          gpointer  task,
                          gpointer  user_data);

typedef struct {
  gpointer *tasks;
  guint     n_tasks;
  gint      next;        /* the next task to take, atomically */
  TaskFunc  func;
  gpointer  user_data;
} TaskQueue;

typedef struct {
  TaskQueue *queue;
  Worker    *worker;
} TaskThread;

static void
task_queue_drain (TaskQueue *queue,
                  Worker    *worker)
{
  for (;;)
    {
      guint k = (guint) g_atomic_int_add (&queue->next, 1);

      if (k >= queue->n_tasks)
        return;
      queue->func (worker, queue->tasks[k], queue->user_data);
    }
}

static gpointer
task_thread_main (gpointer data)
{
  TaskThread *thread = data;

  task_queue_drain (thread->queue, thread->worker);
  return NULL;
}

/* Runs @tasks, in their order, on @n_workers threads: this one and
 * n_workers − 1 new ones. A thread that cannot start leaves its share to
 * the others. */
static void
run_tasks (Worker    *workers,
           guint      n_workers,
           gpointer  *tasks,
           guint      n_tasks,
           TaskFunc   func,
           gpointer   user_data)
{
  TaskQueue queue = { tasks, n_tasks, 0, func, user_data };
  g_autofree TaskThread *threads = g_new0 (TaskThread, n_workers);
  g_autofree GThread **handles = g_new0 (GThread *, n_workers);

  n_workers = MIN (n_workers, MAX (n_tasks, 1));
  for (guint w = 1; w < n_workers; w++)
    {
      threads[w] = (TaskThread) { &queue, &workers[w] };
      handles[w] = g_thread_try_new ("quorum-agreement", task_thread_main, &threads[w], NULL);
    }
  task_queue_drain (&queue, &workers[0]);
  for (guint w = 1; w < n_workers; w++)
    if (handles[w] != NULL)
      g_thread_join (handles[w]);
}

static void
worker_init (Worker         *worker,
             QuorumGeometry *geometry,
             gsize           n_slots)
{
  worker->owns_geometry = geometry == NULL;
  worker->geometry = geometry != NULL ? geometry : quorum_geometry_new ();
  worker->n_slots = n_slots;
  worker->slot = g_new (guint, n_slots);
  memset (worker->slot, 0xff, sizeof (guint) * n_slots);
  worker->edges = g_array_new (FALSE, FALSE, sizeof (Edge));
}

/* After the shapes the workers prepared: a shape frees its GEOS geometry
 * with the handle that built it. */
static void
worker_clear (Worker *worker)
{
  if (worker->owns_geometry)
    g_clear_pointer (&worker->geometry, quorum_geometry_free);
  g_clear_pointer (&worker->slot, g_free);
  g_clear_pointer (&worker->edges, g_array_unref);
}

/* ---- prepared sets ---------------------------------------------------- */

static guint
bucket_key_hash (gconstpointer key)
{
  const BucketKey *k = key;

  return (k->label != NULL ? g_str_hash (k->label) : 0) * 31u + k->frame * 7u + (guint) k->kind;
}

static gboolean
bucket_key_equal (gconstpointer a,
                  gconstpointer b)
{
  const BucketKey *x = a, *y = b;

  return x->frame == y->frame && x->kind == y->kind && g_strcmp0 (x->label, y->label) == 0;
}

static void
bucket_free (Bucket *bucket)
{
  g_array_unref (bucket->members);
  g_clear_pointer (&bucket->items, g_array_unref);
  g_free (bucket);
}

/* How far beyond its bounds an instance of @kind can still reach s ≥ τ:
 * s = exp(−d²/(2(σD)²)) ≥ τ exactly when d ≤ σD·√(−2 ln τ); the mean sample
 * distance of two polylines is at least the gap between their bounds, so
 * bounds grown by that reach cannot miss a candidate. Boxes and polygons
 * must overlap. */
static double
kind_reach (QuorumKind kind,
            double     threshold,
            double     diagonal)
{
  if (kind == QUORUM_KIND_POINT || kind == QUORUM_KIND_POLYLINE)
    return QUORUM_SIMILARITY_SIGMA * diagonal * sqrt (-2 * log (threshold)) * (1 + 1e-9) + 1e-9;
  return 0;
}

static int
compare_sweep_items (gconstpointer a,
                     gconstpointer b)
{
  const SweepItem *x = a, *y = b;

  return x->bounds.x0 < y->bounds.x0 ? -1 : x->bounds.x0 > y->bounds.x0 ? 1 : 0;
}

typedef struct {
  double threshold;
  double diagonal;
} PrepareContext;

typedef enum {
  PREPARE_BUCKETS,   /* which instances go in which bucket */
  PREPARE_SHAPES,    /* the shapes start … end − 1 */
  PREPARE_SWEEP,     /* the sweep order of @bucket, once the shapes are made */
} PrepareStep;

typedef struct {
  PrepareStep  step;
  PreparedSet *prepared;
  guint        start;
  guint        end;
  Bucket      *bucket;
} PrepareTask;

/* The buckets need only the instances: they are built alongside the shapes. */
static void
prepare_buckets (PreparedSet *prepared)
{
  const QuorumAnnotationSet *set = prepared->set;

  for (guint i = 0; i < set->instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (set->instances, i);
      BucketKey key = { instance->frame, instance->kind, instance->label };
      Bucket *bucket = g_hash_table_lookup (prepared->buckets, &key);

      if (bucket == NULL)
        {
          bucket = g_new0 (Bucket, 1);
          bucket->key = key;
          bucket->members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (prepared->buckets, &bucket->key, bucket);
          g_ptr_array_add (prepared->order, bucket);
        }
      g_array_append_val (bucket->members, i);
    }
}

/* The sweep order of a bucket, the same for every pair the set is in:
 * sorted by x0, equal x0 in instance order (g_array_sort is stable). */
static void
prepare_sweep (PreparedSet          *prepared,
               Bucket               *bucket,
               const PrepareContext *context)
{
  double reach = kind_reach (bucket->key.kind, context->threshold, context->diagonal);

  bucket->items = g_array_sized_new (FALSE, FALSE, sizeof (SweepItem), bucket->members->len);
  for (guint i = 0; i < bucket->members->len; i++)
    {
      guint index = g_array_index (bucket->members, guint, i);
      const QuorumShape *shape = prepared->shapes[index];
      SweepItem item = { .index = index, .area = quorum_shape_area (shape) };

      quorum_shape_bounds (shape, &item.bounds);
      item.bounds.x0 -= reach;
      item.bounds.y0 -= reach;
      item.bounds.x1 += reach;
      item.bounds.y1 += reach;
      g_array_append_val (bucket->items, item);
    }
  g_array_sort (bucket->items, compare_sweep_items);
}

static void
run_prepare_task (Worker   *worker,
                  gpointer  data,
                  gpointer  user_data)
{
  PrepareTask *task = data;
  PreparedSet *prepared = task->prepared;

  switch (task->step)
    {
    case PREPARE_BUCKETS:
      prepare_buckets (prepared);
      break;
    case PREPARE_SHAPES:
      for (guint i = task->start; i < task->end; i++)
        prepared->shapes[i] = _quorum_shape_init (prepared->block + prepared->offsets[i],
                                                  worker->geometry,
                                                  g_ptr_array_index (prepared->set->instances, i));
      break;
    case PREPARE_SWEEP:
      prepare_sweep (prepared, task->bucket, user_data);
      break;
    default:
      g_assert_not_reached ();
    }
}

#define HUGE_PAGE_SIZE (2 * 1024 * 1024)

/* The shapes of a set take megabytes, each byte written once: asked for in
 * huge pages where the kernel offers them (Linux's transparent huge pages
 * "madvise" setting), they cost a few page faults instead of thousands,
 * and a page fault is dear on a virtual machine. */
static guint8 *
shape_block_new (gsize size)
{
  void *block = NULL;

#ifdef MADV_HUGEPAGE
  if (size >= HUGE_PAGE_SIZE / 2)
    {
      size = (size + HUGE_PAGE_SIZE - 1) / HUGE_PAGE_SIZE * HUGE_PAGE_SIZE;
      if (posix_memalign (&block, HUGE_PAGE_SIZE, size) == 0)
        {
          madvise (block, size, MADV_HUGEPAGE);
          return block;
        }
    }
#endif
  block = malloc (MAX (size, 1));
  if (block == NULL)
    g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);
  return block;
}

static void
prepare_sets (PreparedSet                       *prepared,
              const QuorumAnnotationSet * const *sets,
              guint                              n_sets,
              const PrepareContext              *context,
              Worker                            *workers,
              guint                              n_workers)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_free);

  for (guint s = 0; s < n_sets; s++)
    {
      PrepareTask *task = g_new0 (PrepareTask, 1);

      prepared[s].set = sets[s];
      prepared[s].shapes = g_new0 (QuorumShape *, MAX (sets[s]->instances->len, 1));
      prepared[s].offsets = g_new (gsize, MAX (sets[s]->instances->len, 1));
      {
        gsize size = 0;

        for (guint i = 0; i < sets[s]->instances->len; i++)
          {
            prepared[s].offsets[i] = size;
            size += _quorum_shape_size (g_ptr_array_index (sets[s]->instances, i));
          }
        prepared[s].block = shape_block_new (size);
      }
      prepared[s].buckets = g_hash_table_new_full (bucket_key_hash, bucket_key_equal, NULL,
                                                   (GDestroyNotify) bucket_free);
      prepared[s].order = g_ptr_array_new ();
      *task = (PrepareTask) { PREPARE_BUCKETS, &prepared[s], 0, 0, NULL };
      g_ptr_array_add (tasks, task);
    }
  for (guint s = 0; s < n_sets; s++)
    for (guint start = 0; start < sets[s]->instances->len; start += SHAPES_PER_TASK)
      {
        PrepareTask *task = g_new0 (PrepareTask, 1);

        *task = (PrepareTask) { PREPARE_SHAPES, &prepared[s], start,
                                MIN (start + SHAPES_PER_TASK, sets[s]->instances->len), NULL };
        g_ptr_array_add (tasks, task);
      }
  run_tasks (workers, n_workers, tasks->pdata, tasks->len, run_prepare_task, (gpointer) context);

  g_ptr_array_set_size (tasks, 0);
  for (guint s = 0; s < n_sets; s++)
    {
      g_clear_pointer (&prepared[s].offsets, g_free);
      for (guint k = 0; k < prepared[s].order->len; k++)
        {
          Bucket *bucket = g_ptr_array_index (prepared[s].order, k);
          PrepareTask *task;

          if (bucket->key.kind == QUORUM_KIND_TAG)
            continue;   /* tags are compared all with all */
          task = g_new0 (PrepareTask, 1);
          *task = (PrepareTask) { PREPARE_SWEEP, &prepared[s], 0, 0, bucket };
          g_ptr_array_add (tasks, task);
        }
    }
  run_tasks (workers, n_workers, tasks->pdata, tasks->len, run_prepare_task, (gpointer) context);
}

static void
prepared_set_clear (PreparedSet *prepared)
{
  if (prepared->shapes != NULL)
    for (guint i = 0; i < prepared->set->instances->len; i++)
      _quorum_shape_clear (prepared->shapes[i]);
  g_clear_pointer (&prepared->shapes, g_free);
  g_clear_pointer (&prepared->block, free);
  g_clear_pointer (&prepared->order, g_ptr_array_unref);
  g_clear_pointer (&prepared->buckets, g_hash_table_unref);
}

/* ---- candidates ------------------------------------------------------- */

/* The IoU bound comes from the sweep items: a hopeless pair is dropped
 * without a look at its shapes. */
static inline void
consider_pair (Worker          *worker,
               QuorumKind       kind,
               PreparedSet     *a,
               PreparedSet     *b,
               const SweepItem *item_a,
               const SweepItem *item_b,
               double           threshold,
               double           diagonal)
{
  Edge edge = { item_a->index, item_b->index, 0 };

  if ((kind == QUORUM_KIND_BOX || kind == QUORUM_KIND_POLYGON) &&
      _quorum_iou_upper_bound (item_a->area, &item_a->bounds,
                               item_b->area, &item_b->bounds) < threshold)
    return;
  edge.s = quorum_geometry_similarity (worker->geometry, a->shapes[edge.a], b->shapes[edge.b],
                                       diagonal);
  if (edge.s >= threshold)
    g_array_append_val (worker->edges, edge);
}

/* Sets @worker's edges to every pair of the two buckets with s ≥ τ (tags:
 * every pair). */
static void
bucket_edges (Worker       *worker,
              PreparedSet  *a,
              const Bucket *bucket_a,
              PreparedSet  *b,
              const Bucket *bucket_b,
              double        threshold,
              double        diagonal)
{
  QuorumKind kind = bucket_a->key.kind;
  const SweepItem *items_a, *items_b;
  guint n_a, n_b;
  g_autoptr(GPtrArray) active_a = NULL;   /* of const SweepItem *, into the buckets' items */
  g_autoptr(GPtrArray) active_b = NULL;

  g_array_set_size (worker->edges, 0);
  if (kind == QUORUM_KIND_TAG)
    {
      for (guint i = 0; i < bucket_a->members->len; i++)
        for (guint j = 0; j < bucket_b->members->len; j++)
          {
            guint ia = g_array_index (bucket_a->members, guint, i);
            guint ib = g_array_index (bucket_b->members, guint, j);
            Edge edge = { ia, ib, quorum_geometry_similarity (worker->geometry, a->shapes[ia],
                                                              b->shapes[ib], diagonal) };
            g_array_append_val (worker->edges, edge);
          }
      return;
    }

  /* Sweep from left to right over both sets' items in x0 order (A's first
   * on a tie) keeping the items whose x extent is still open; each new item
   * meets only the open items of the other set. */
  items_a = (const SweepItem *) bucket_a->items->data;
  items_b = (const SweepItem *) bucket_b->items->data;
  n_a = bucket_a->items->len;
  n_b = bucket_b->items->len;
  active_a = g_ptr_array_sized_new (64);
  active_b = g_ptr_array_sized_new (64);
  for (guint next_a = 0, next_b = 0; next_a < n_a || next_b < n_b;)
    {
      gboolean from_a = next_b >= n_b ||
                        (next_a < n_a && items_a[next_a].bounds.x0 <= items_b[next_b].bounds.x0);
      const SweepItem *item = from_a ? &items_a[next_a++] : &items_b[next_b++];
      GPtrArray *mine = from_a ? active_a : active_b;
      GPtrArray *theirs = from_a ? active_b : active_a;

      for (guint k = 0; k < theirs->len;)
        {
          const SweepItem *other = g_ptr_array_index (theirs, k);

          if (other->bounds.x1 < item->bounds.x0)
            {
              g_ptr_array_remove_index_fast (theirs, k);
              continue;
            }
          if (other->bounds.y0 <= item->bounds.y1 && item->bounds.y0 <= other->bounds.y1)
            {
              if (from_a)
                consider_pair (worker, kind, a, b, item, other, threshold, diagonal);
              else
                consider_pair (worker, kind, a, b, other, item, threshold, diagonal);
            }
          k++;
        }
      g_ptr_array_add (mine, (gpointer) item);
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

void
_quorum_assignment_solve (guint               n,
                          guint               m,
                          const QuorumWeight *cost,
                          gint               *row_to_col)
{
  g_return_if_fail (n <= m);
  if (n > 0)
    hungarian (n, m, cost, row_to_col);
}

/* ---- pair score ------------------------------------------------------- */
/* ---- pair score ------------------------------------------------------- */

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* One bucket of one pair of sets. */
typedef struct {
  guint         pair;       /* which pair of sets */
  PreparedSet  *a;
  const Bucket *bucket_a;
  PreparedSet  *b;
  const Bucket *bucket_b;
  guint64       cost;       /* a guess, to start the big tasks first */
  GArray       *pairs;      /* of QuorumMatchPair: the result */
} MatchTask;

typedef struct {
  double threshold;
  double diagonal;
} MatchContext;

static void
run_match_task (Worker   *worker,
                gpointer  data,
                gpointer  user_data)
{
  MatchTask *task = data;
  const MatchContext *context = user_data;

  bucket_edges (worker, task->a, task->bucket_a, task->b, task->bucket_b,
                context->threshold, context->diagonal);
  match_edges (worker->edges, task->a->set->instances->len, worker->slot, task->pairs);
}

static void
match_task_free (MatchTask *task)
{
  g_array_unref (task->pairs);
  g_free (task);
}

static int
compare_task_costs (gconstpointer a,
                    gconstpointer b)
{
  const MatchTask *x = *(MatchTask * const *) a, *y = *(MatchTask * const *) b;

  return x->cost > y->cost ? -1 : x->cost < y->cost ? 1 : 0;
}

/* The score of a matching from its pairs, found bucket by bucket in any order. */
static QuorumMatch *
match_finish (GArray   *pairs,
              guint     n_a,
              guint     n_b,
              gboolean  score)
{
  QuorumMatch *match = g_new0 (QuorumMatch, 1);
  double denominator;

  match->n_a = n_a;
  match->n_b = n_b;

  /* Ordered by a: each instance of A is in one pair at most, so every pair
   * has its place, without a sort. */
  {
    g_autofree gint *place = g_new (gint, MAX (n_a, 1));
    GArray *ordered = g_array_sized_new (FALSE, FALSE, sizeof (QuorumMatchPair), pairs->len);

    memset (place, 0xff, sizeof (gint) * n_a);
    for (guint i = 0; i < pairs->len; i++)
      {
        guint a = g_array_index (pairs, QuorumMatchPair, i).a;

        g_assert (a < n_a && place[a] < 0);
        place[a] = (gint) i;
      }
    for (guint a = 0; a < n_a; a++)
      if (place[a] >= 0)
        g_array_append_val (ordered, g_array_index (pairs, QuorumMatchPair, place[a]));
    g_array_unref (pairs);
    match->pairs = ordered;
  }

  if (!score)
    return match;   /* the caller sums the similarities itself */

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

typedef struct {
  guint         pair;
  GPtrArray    *tasks;      /* of MatchTask, in the order they were made */
  guint         n_a;
  guint         n_b;
  gboolean      score;      /* FALSE: pairs only, no total or score */
  QuorumMatch **match;      /* the result */
} FinishTask;

static void
run_finish_task (Worker   *worker,
                 gpointer  data,
                 gpointer  user_data)
{
  FinishTask *finish = data;
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (QuorumMatchPair));

  for (guint t = 0; t < finish->tasks->len; t++)
    {
      const MatchTask *task = g_ptr_array_index (finish->tasks, t);

      if (task->pair == finish->pair)
        g_array_append_vals (pairs, task->pairs->data, task->pairs->len);
    }
  *finish->match = match_finish (pairs, finish->n_a, finish->n_b, finish->score);
}

/*
 * Matches every pair i < j of @sets, in the order (0, 1), (0, 2) … (1, 2) …,
 * on @n_workers threads. Returns the matches, n_sets × (n_sets − 1) / 2.
 */
static QuorumMatch **
match_all_pairs (const QuorumAnnotationSet * const *sets,
                 guint                              n_sets,
                 double                             threshold,
                 gboolean                           score,
                 Worker                            *workers,
                 guint                              n_workers)
{
  g_autofree PreparedSet *prepared = g_new0 (PreparedSet, n_sets);
  guint n_pairs = n_sets * (n_sets - 1) / 2;
  QuorumMatch **matches = g_new0 (QuorumMatch *, MAX (n_pairs, 1));
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) match_task_free);
  g_autoptr(GPtrArray) by_cost = NULL;
  MatchContext context = { threshold, quorum_file_info_diagonal (&sets[0]->file) };
  PrepareContext prepare_context = { context.threshold, context.diagonal };
  guint pair = 0;

  if (n_pairs == 0)
    return matches;
  prepare_sets (prepared, sets, n_sets, &prepare_context, workers, n_workers);

  for (guint i = 0; i < n_sets; i++)
    for (guint j = i + 1; j < n_sets; j++, pair++)
      for (guint k = 0; k < prepared[i].order->len; k++)
        {
          const Bucket *bucket_a = g_ptr_array_index (prepared[i].order, k);
          const Bucket *bucket_b = g_hash_table_lookup (prepared[j].buckets, &bucket_a->key);
          MatchTask *task;

          if (bucket_b == NULL)
            continue;
          task = g_new0 (MatchTask, 1);
          *task = (MatchTask) { pair, &prepared[i], bucket_a, &prepared[j], bucket_b, 0,
                                g_array_new (FALSE, FALSE, sizeof (QuorumMatchPair)) };
          task->cost = bucket_a->key.kind == QUORUM_KIND_TAG
                         ? (guint64) bucket_a->members->len * bucket_b->members->len
                         : (guint64) bucket_a->members->len + bucket_b->members->len;
          g_ptr_array_add (tasks, task);
        }

  by_cost = g_ptr_array_sized_new (tasks->len);
  for (guint t = 0; t < tasks->len; t++)
    g_ptr_array_add (by_cost, g_ptr_array_index (tasks, t));
  g_ptr_array_sort (by_cost, compare_task_costs);
  run_tasks (workers, n_workers, by_cost->pdata, by_cost->len, run_match_task, &context);

  /* Each pair's buckets put together and scored, a pair a task. */
  {
    g_autofree FinishTask *finish = g_new0 (FinishTask, n_pairs);
    g_autofree gpointer *finish_tasks = g_new (gpointer, n_pairs);

    pair = 0;
    for (guint i = 0; i < n_sets; i++)
      for (guint j = i + 1; j < n_sets; j++, pair++)
        {
          finish[pair] = (FinishTask) { pair, tasks, sets[i]->instances->len,
                                        sets[j]->instances->len, score, &matches[pair] };
          finish_tasks[pair] = &finish[pair];
        }
    run_tasks (workers, n_workers, finish_tasks, n_pairs, run_finish_task, NULL);
  }

  for (guint i = 0; i < n_sets; i++)
    prepared_set_clear (&prepared[i]);
  return matches;
}

static guint
max_instances (const QuorumAnnotationSet * const *sets,
               guint                              n_sets)
{
  guint most = 0;

  for (guint i = 0; i < n_sets; i++)
    most = MAX (most, sets[i]->instances->len);
  return most;
}

QuorumMatch *
quorum_match_sets (QuorumGeometry            *geometry,
                   const QuorumAnnotationSet *a,
                   const QuorumAnnotationSet *b,
                   double                     threshold)
{
  const QuorumAnnotationSet *sets[] = { a, b };
  Worker worker;
  QuorumMatch **matches;
  QuorumMatch *match;

  worker_init (&worker, geometry, (gsize) a->instances->len + b->instances->len + 1);
  matches = match_all_pairs (sets, 2, threshold, TRUE, &worker, 1);
  worker_clear (&worker);
  match = matches[0];
  g_free (matches);
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

QuorumMatch **
_quorum_match_all_pairs (const QuorumAnnotationSet * const *sets,
                         guint                              n_sets,
                         double                             threshold,
                         gboolean                           score,
                         guint                              n_threads)
{
  g_autofree Worker *workers = NULL;
  QuorumMatch **matches;
  guint64 n_instances = 0;

  for (guint i = 0; i < n_sets; i++)
    n_instances += sets[i]->instances->len;
  if (n_threads == 0)
    n_threads = n_instances < MIN_INSTANCES_FOR_THREADS ? 1 : g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, MAX_THREADS);

  workers = g_new0 (Worker, n_threads);
  for (guint w = 0; w < n_threads; w++)
    worker_init (&workers[w], NULL, 2 * (gsize) max_instances (sets, n_sets) + 1);
  matches = match_all_pairs (sets, n_sets, threshold, score, workers, n_threads);
  for (guint w = 0; w < n_threads; w++)
    worker_clear (&workers[w]);
  return matches;
}

/* ---- file agreement --------------------------------------------------- */

QuorumAgreement *
_quorum_agreement_new (guint         n_sets,
                       const double *scores,
                       const guint  *matched,
                       const guint  *sizes)
{
  QuorumAgreement *agreement = g_new0 (QuorumAgreement, 1);
  double sum = 0;
  guint pair = 0;

  agreement->n_sets = n_sets;
  agreement->pair_scores = g_new0 (double, n_sets * n_sets);
  agreement->pair_matched = g_new0 (guint, n_sets * n_sets);
  agreement->annotator_scores = g_new0 (double, n_sets);
  for (guint i = 0; i < n_sets; i++)
    {
      agreement->pair_scores[i * n_sets + i] = 1.0;
      agreement->pair_matched[i * n_sets + i] = sizes[i];
      for (guint j = i + 1; j < n_sets; j++, pair++)
        {
          agreement->pair_scores[i * n_sets + j] = agreement->pair_scores[j * n_sets + i] = scores[pair];
          agreement->pair_matched[i * n_sets + j] = agreement->pair_matched[j * n_sets + i] = matched[pair];
          sum += scores[pair];
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
  return agreement;
}

gboolean
_quorum_agreement_check_input (const QuorumAnnotationSet * const *sets,
                               guint                              n_sets,
                               double                             threshold,
                               GError                           **error)
{
  if (n_sets == 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "sets: agreement needs at least one annotation set");
      return FALSE;
    }
  if (!(threshold > 0 && threshold <= 1))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "threshold: must be above 0 and at most 1, not %g", threshold);
      return FALSE;
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
        return FALSE;
      }
  return TRUE;
}

QuorumAgreement *
_quorum_agreement_compute_threads (const QuorumAnnotationSet * const *sets,
                                   guint                              n_sets,
                                   double                             threshold,
                                   guint                              n_threads,
                                   GError                           **error)
{
  QuorumMatch **matches;
  QuorumAgreement *agreement;
  guint n_pairs = n_sets * (n_sets - 1) / 2;
  g_autofree double *scores = NULL;
  g_autofree guint *matched = NULL;
  g_autofree guint *sizes = NULL;

  if (!_quorum_agreement_check_input (sets, n_sets, threshold, error))
    return NULL;

  /* Tracks are compared on every frame they show (docs/video-annotation.md). */
  if (_quorum_sets_have_tracks (sets, n_sets))
    {
      g_autoptr(QuorumVideoAgreement) video = _quorum_video_agreement_run (sets, n_sets, threshold,
                                                                           n_threads, FALSE);

      return g_steal_pointer (&video->agreement);
    }

  matches = _quorum_match_all_pairs (sets, n_sets, threshold, TRUE, n_threads);
  scores = g_new0 (double, MAX (n_pairs, 1));
  matched = g_new0 (guint, MAX (n_pairs, 1));
  sizes = g_new0 (guint, n_sets);
  for (guint i = 0; i < n_sets; i++)
    sizes[i] = sets[i]->instances->len;
  for (guint k = 0; k < n_pairs; k++)
    {
      scores[k] = matches[k]->score;
      matched[k] = matches[k]->pairs->len;
      quorum_match_free (matches[k]);
    }
  g_free (matches);
  agreement = _quorum_agreement_new (n_sets, scores, matched, sizes);
  return agreement;
}

QuorumAgreement *
quorum_agreement_compute (const QuorumAnnotationSet * const *sets,
                          guint                              n_sets,
                          double                             threshold,
                          GError                           **error)
{
  return _quorum_agreement_compute_threads (sets, n_sets, threshold, 0, error);
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
