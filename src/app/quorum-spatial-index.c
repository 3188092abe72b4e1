/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include "quorum-spatial-index.h"

typedef struct
{
  QuorumRect bounds;
  gboolean   present;
} Entry;

struct _QuorumSpatialIndex
{
  QuorumRect  extent;
  guint       nx;
  guint       ny;
  double      cell_width;
  double      cell_height;
  GArray    **cells;     /* nx × ny, of guint, allocated on first use */
  GArray     *entries;   /* of Entry, indexed by item */
  guint       n_items;
};

#define MAX_SIDE  256
#define MAX_CELLS (MAX_SIDE * MAX_SIDE)

/* How many cells of @side fit in @length: 1 to MAX_SIDE, whatever infinities
 * or NaN a broken extent brings. */
static guint
grid_cells (double length,
            double side)
{
  double n = ceil (length / side);

  if (n > MAX_SIDE)
    return MAX_SIDE;
  return n >= 1 ? (guint) n : 1;
}

QuorumSpatialIndex *
quorum_spatial_index_new (const QuorumRect *extent,
                          guint             n_items_hint)
{
  QuorumSpatialIndex *index = g_new0 (QuorumSpatialIndex, 1);
  double width = MAX (extent->x1 - extent->x0, 1.0);
  double height = MAX (extent->y1 - extent->y0, 1.0);
  /* About two items per cell: few enough cells that big shapes do not
   * spread over thousands of them, enough that a small query reads few. */
  double n_cells = CLAMP (n_items_hint / 2.0, 1.0, (double) MAX_CELLS);
  double side = sqrt (width * height / n_cells);

  index->extent = (QuorumRect) { extent->x0, extent->y0, extent->x0 + width, extent->y0 + height };
  index->nx = grid_cells (width, side);
  index->ny = grid_cells (height, side);
  index->cell_width = width / index->nx;
  index->cell_height = height / index->ny;
  index->cells = g_new0 (GArray *, index->nx * index->ny);
  index->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  return index;
}

void
quorum_spatial_index_clear (QuorumSpatialIndex *index)
{
  for (guint i = 0; i < index->nx * index->ny; i++)
    if (index->cells[i] != NULL)
      g_array_set_size (index->cells[i], 0);
  g_array_set_size (index->entries, 0);
  index->n_items = 0;
}

void
quorum_spatial_index_free (QuorumSpatialIndex *index)
{
  if (index == NULL)
    return;
  for (guint i = 0; i < index->nx * index->ny; i++)
    if (index->cells[i] != NULL)
      g_array_unref (index->cells[i]);
  g_free (index->cells);
  g_array_unref (index->entries);
  g_free (index);
}

/* Monotonic in @x, clamped to the grid: shapes outside the extent live in
 * the border cells. */
static inline guint
cell_x (const QuorumSpatialIndex *index,
        double                    x)
{
  double c = floor ((x - index->extent.x0) / index->cell_width);

  if (!(c > 0))   /* also NaN */
    return 0;
  return c >= index->nx ? index->nx - 1 : (guint) c;
}

static inline guint
cell_y (const QuorumSpatialIndex *index,
        double                    y)
{
  double c = floor ((y - index->extent.y0) / index->cell_height);

  if (!(c > 0))
    return 0;
  return c >= index->ny ? index->ny - 1 : (guint) c;
}

void
quorum_spatial_index_insert (QuorumSpatialIndex *index,
                             guint               item,
                             const QuorumRect   *bounds)
{
  Entry *entry;
  guint cx0, cx1, cy0, cy1;

  if (item < index->entries->len && g_array_index (index->entries, Entry, item).present)
    quorum_spatial_index_remove (index, item);
  if (item >= index->entries->len)
    g_array_set_size (index->entries, item + 1);
  entry = &g_array_index (index->entries, Entry, item);
  entry->bounds = *bounds;
  entry->present = TRUE;
  index->n_items++;

  cx0 = cell_x (index, bounds->x0);
  cx1 = cell_x (index, bounds->x1);
  cy0 = cell_y (index, bounds->y0);
  cy1 = cell_y (index, bounds->y1);
  for (guint cy = cy0; cy <= cy1; cy++)
    for (guint cx = cx0; cx <= cx1; cx++)
      {
        GArray **cell = &index->cells[cy * index->nx + cx];

        if (*cell == NULL)
          *cell = g_array_sized_new (FALSE, FALSE, sizeof (guint), 4);
        g_array_append_val (*cell, item);
      }
}

gboolean
quorum_spatial_index_remove (QuorumSpatialIndex *index,
                             guint               item)
{
  Entry *entry;
  guint cx0, cx1, cy0, cy1;

  if (item >= index->entries->len)
    return FALSE;
  entry = &g_array_index (index->entries, Entry, item);
  if (!entry->present)
    return FALSE;

  cx0 = cell_x (index, entry->bounds.x0);
  cx1 = cell_x (index, entry->bounds.x1);
  cy0 = cell_y (index, entry->bounds.y0);
  cy1 = cell_y (index, entry->bounds.y1);
  for (guint cy = cy0; cy <= cy1; cy++)
    for (guint cx = cx0; cx <= cx1; cx++)
      {
        GArray *cell = index->cells[cy * index->nx + cx];

        for (guint i = 0; cell != NULL && i < cell->len; i++)
          if (g_array_index (cell, guint, i) == item)
            {
              g_array_remove_index_fast (cell, i);
              break;
            }
      }
  entry->present = FALSE;
  index->n_items--;
  return TRUE;
}

void
quorum_spatial_index_move (QuorumSpatialIndex *index,
                           guint               item,
                           const QuorumRect   *bounds)
{
  quorum_spatial_index_remove (index, item);
  quorum_spatial_index_insert (index, item, bounds);
}

gboolean
quorum_spatial_index_contains (const QuorumSpatialIndex *index,
                               guint                     item)
{
  return item < index->entries->len && g_array_index (index->entries, Entry, item).present;
}

guint
quorum_spatial_index_get_n_items (const QuorumSpatialIndex *index)
{
  return index->n_items;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/**
 * quorum_spatial_index_query:
 * @items: (element-type guint): receives the items whose bounds meet @area
 *   (edges included), appended in ascending order
 */
void
quorum_spatial_index_query (const QuorumSpatialIndex *index,
                            const QuorumRect         *area,
                            GArray                   *items)
{
  guint cx0 = cell_x (index, area->x0), cx1 = cell_x (index, area->x1);
  guint cy0 = cell_y (index, area->y0), cy1 = cell_y (index, area->y1);
  guint start = items->len;
  const Entry *entries = (const Entry *) (gpointer) index->entries->data;

  for (guint cy = cy0; cy <= cy1; cy++)
    for (guint cx = cx0; cx <= cx1; cx++)
      {
        GArray *cell = index->cells[cy * index->nx + cx];

        if (cell == NULL)
          continue;
        for (guint i = 0; i < cell->len; i++)
          {
            guint item = g_array_index (cell, guint, i);
            const QuorumRect *b = &entries[item].bounds;

            /* Written so that bounds with NaN meet nothing. */
            if (!(b->x0 <= area->x1 && b->x1 >= area->x0 && b->y0 <= area->y1 && b->y1 >= area->y0))
              continue;
            /* An item spanning several cells is reported only by the cell
             * holding the top-left corner of its overlap with @area: each
             * once, without a visited set, so queries stay read-only. */
            if (cell_x (index, MAX (area->x0, b->x0)) != cx
                || cell_y (index, MAX (area->y0, b->y0)) != cy)
              continue;
            g_array_append_val (items, item);
          }
      }
  if (items->len - start > 1)
    qsort (&g_array_index (items, guint, start), items->len - start, sizeof (guint),
           compare_items);
}
