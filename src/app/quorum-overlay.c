/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>
#include <string.h>

#include "quorum-overlay-private.h"
#include "quorum-spatial-index.h"

#define TILE QUORUM_OVERLAY_TILE_SIZE
/* Tiles kept beyond this many are dropped when far from the view. */
#define MAX_TILES 400
/* A scene with at most this many vertices in all (a video frame's
 * instances: 50 tracks of 20-vertex polygons are 1,000) is drawn in the
 * frame that first shows it rather than in the background. */
#define DRAW_NOW_MAX_POINTS 4096

void
quorum_view_to_image (const QuorumView *view,
                      double            ox,
                      double            oy,
                      double           *ix,
                      double           *iy)
{
  *ix = (ox - view->x) / view->scale;
  *iy = (oy - view->y) / view->scale;
}

void
quorum_view_to_output (const QuorumView *view,
                       double            ix,
                       double            iy,
                       double           *ox,
                       double           *oy)
{
  *ox = ix * view->scale + view->x;
  *oy = iy * view->scale + view->y;
}

/* ---- items ------------------------------------------------------------- */

/* An instance as drawn, immutable once made and shared by reference with the
 * drawing threads: an edit replaces the item, never changes it. */
typedef struct
{
  QuorumInstance *instance;
  QuorumRect      bounds;
  double          rgb[3];
} Item;

static void
item_clear (gpointer data)
{
  Item *item = data;

  quorum_instance_free (item->instance);
}

static Item *
item_ref (Item *item)
{
  return g_atomic_rc_box_acquire (item);
}

static void
item_unref (gpointer item)
{
  g_atomic_rc_box_release_full (item, item_clear);
}

typedef struct
{
  int              tx;
  int              ty;
  cairo_surface_t *surface;   /* NULL when nothing is drawn on it */
  GdkTexture      *texture;   /* made from @surface on first use */
  gboolean         dirty;     /* wrong: redraw before showing it */
  gboolean         outdated;  /* may be shown until its redraw arrives */
} Tile;

typedef struct
{
  int              tx;
  int              ty;
  GPtrArray       *items;     /* of Item, references */
  cairo_surface_t *surface;
} JobTile;

typedef struct
{
  double              scale;
  double              origin_x;
  double              origin_y;
  QuorumOverlayStyle  style;
  GPtrArray          *tiles;  /* of JobTile */
  int                 next;   /* atomic: the next tile to draw */
} Job;

struct _QuorumOverlay
{
  GPtrArray          *items;     /* of Item, stacking order */
  QuorumSpatialIndex *index;
  double              width;
  double              height;
  GHashTable         *colors;    /* label → GdkRGBA */
  GHashTable         *hidden;    /* label set */
  int                 excluded;
  QuorumOverlayStyle  style;
  GFunc               changed;
  gpointer            changed_data;

  double              level;     /* the scale of @tiles; 0 before any */
  double              origin_x;  /* tile pixel = image pixel × level + origin */
  double              origin_y;
  GHashTable         *tiles;     /* of Tile, by (tx, ty) */
  GCancellable       *job;       /* while a job draws in the background */
  gboolean            job_stale; /* the scene changed since it started */
  gboolean            draw_now;  /* a small scene replaced the last: its first frame draws the view */

  guint               zoom_settle; /* idle: a frame to see whether the zoom stopped */

  gboolean            have_frame;
  QuorumView          frame_view;
  int                 frame_width;
  int                 frame_height;
  guint               frame_missing;
};

static guint
tile_hash (gconstpointer key)
{
  const Tile *tile = key;

  return (guint) tile->tx * 73856093u ^ (guint) tile->ty * 19349663u;
}

static gboolean
tile_equal (gconstpointer a,
            gconstpointer b)
{
  const Tile *x = a, *y = b;

  return x->tx == y->tx && x->ty == y->ty;
}

static void
tile_free (gpointer data)
{
  Tile *tile = data;

  g_clear_pointer (&tile->surface, cairo_surface_destroy);
  g_clear_object (&tile->texture);
  g_free (tile);
}

static void
job_tile_free (gpointer data)
{
  JobTile *tile = data;

  g_ptr_array_unref (tile->items);
  g_clear_pointer (&tile->surface, cairo_surface_destroy);
  g_free (tile);
}

static void
job_free (Job *job)
{
  g_ptr_array_unref (job->tiles);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* ---- colours ----------------------------------------------------------- */

static void
default_color (const char *label,
               GdkRGBA    *color)
{
  /* A stable colour per label name until the schema gives one. */
  float hue = (g_str_hash (label) % 360) / 360.0f;

  gtk_hsv_to_rgb (hue, 0.75f, 0.9f, &color->red, &color->green, &color->blue);
  color->alpha = 1.0f;
}

void
quorum_overlay_get_label_color (QuorumOverlay *overlay,
                                const char    *label,
                                GdkRGBA       *color)
{
  const GdkRGBA *known = g_hash_table_lookup (overlay->colors, label ? label : "");

  if (known != NULL)
    *color = *known;
  else
    default_color (label ? label : "", color);
}

static Item *
item_new (QuorumOverlay  *overlay,
          QuorumInstance *instance)
{
  Item *item = g_atomic_rc_box_new0 (Item);
  GdkRGBA color;

  item->instance = instance;
  quorum_instance_bounds (instance, &item->bounds);
  quorum_overlay_get_label_color (overlay, instance->label, &color);
  item->rgb[0] = color.red;
  item->rgb[1] = color.green;
  item->rgb[2] = color.blue;
  return item;
}

/* ---- drawing ----------------------------------------------------------- */

static void
path_instance (cairo_t              *cr,
               const QuorumView     *view,
               const QuorumInstance *instance)
{
  double s = view->scale, vx = view->x, vy = view->y;
  const QuorumPoint *p = instance->points;

  switch (instance->kind)
    {
    case QUORUM_KIND_BOX:
      if (instance->n_points >= 2)
        {
          double x0 = MIN (p[0].x, p[1].x) * s + vx, y0 = MIN (p[0].y, p[1].y) * s + vy;
          double x1 = MAX (p[0].x, p[1].x) * s + vx, y1 = MAX (p[0].y, p[1].y) * s + vy;

          cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
        }
      break;

    case QUORUM_KIND_POLYGON:
    case QUORUM_KIND_POLYLINE:
      if (instance->n_points == 0)
        break;
      cairo_move_to (cr, p[0].x * s + vx, p[0].y * s + vy);
      for (guint i = 1; i < instance->n_points; i++)
        cairo_line_to (cr, p[i].x * s + vx, p[i].y * s + vy);
      if (instance->kind == QUORUM_KIND_POLYGON)
        cairo_close_path (cr);
      break;

    case QUORUM_KIND_POINT:
      if (instance->n_points >= 1)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, p[0].x * s + vx, p[0].y * s + vy, QUORUM_OVERLAY_POINT_RADIUS, 0, 2 * G_PI);
        }
      break;

    case QUORUM_KIND_TAG:
    default:
      break;
    }
}

/* Drops vertices closer than @tolerance output pixels to the last one kept:
 * an overview draws a fifth fewer segments and looks the same. */
static void
path_decimated (cairo_t              *cr,
                const QuorumView     *view,
                const QuorumInstance *instance,
                double                tolerance)
{
  double s = view->scale, vx = view->x, vy = view->y;
  const QuorumPoint *p = instance->points;
  double lx = p[0].x * s + vx, ly = p[0].y * s + vy;
  double t2 = tolerance * tolerance;

  cairo_move_to (cr, lx, ly);
  for (guint i = 1; i < instance->n_points; i++)
    {
      double x = p[i].x * s + vx, y = p[i].y * s + vy;

      if ((x - lx) * (x - lx) + (y - ly) * (y - ly) < t2 && i + 1 < instance->n_points)
        continue;
      cairo_line_to (cr, x, y);
      lx = x, ly = y;
    }
  if (instance->kind == QUORUM_KIND_POLYGON)
    cairo_close_path (cr);
}

static void
draw_shape (cairo_t                  *cr,
            const QuorumView         *view,
            const QuorumInstance     *instance,
            const QuorumRect         *bounds,
            double                    red,
            double                    green,
            double                    blue,
            const QuorumOverlayStyle *style,
            double                    fill_opacity,
            gboolean                  detail)
{
  if (instance->n_points == 0)
    return;

  if (!detail && instance->kind != QUORUM_KIND_POINT)
    {
      double w = (bounds->x1 - bounds->x0) * view->scale;
      double h = (bounds->y1 - bounds->y0) * view->scale;

      if (w < QUORUM_OVERLAY_DETAIL_MIN && h < QUORUM_OVERLAY_DETAIL_MIN)
        {
          /* Level of detail: a rectangle (at least a pixel) in the outline's colour. */
          double x = bounds->x0 * view->scale + view->x, y = bounds->y0 * view->scale + view->y;

          cairo_rectangle (cr, x + w / 2 - MAX (w, 1.5) / 2, y + h / 2 - MAX (h, 1.5) / 2,
                           MAX (w, 1.5), MAX (h, 1.5));
          cairo_set_source_rgb (cr, red, green, blue);
          cairo_fill (cr);
          return;
        }
    }

  if (!detail && (instance->kind == QUORUM_KIND_POLYGON || instance->kind == QUORUM_KIND_POLYLINE))
    path_decimated (cr, view, instance, 2.0);
  else
    path_instance (cr, view, instance);
  if (instance->kind == QUORUM_KIND_POINT)
    {
      cairo_set_source_rgb (cr, red, green, blue);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      cairo_set_line_width (cr, style->line_width);
      return;
    }
  /* An occluded object (a video frame where it is hidden) is its outline. */
  if (instance->kind != QUORUM_KIND_POLYLINE && fill_opacity > 0 && !instance->occluded)
    {
      cairo_set_source_rgba (cr, red, green, blue, fill_opacity);
      if (!detail)
        {
          /* The outline covers the fill's edge: anti-aliasing it is wasted. */
          cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
          cairo_fill_preserve (cr);
          cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
        }
      else
        cairo_fill_preserve (cr);
    }
  cairo_set_source_rgb (cr, red, green, blue);
  /* A video frame that no one drew (interpolated or a tracker's proposal)
   * is dashed: editing it makes it a keyframe. */
  if (!instance->keyframe)
    {
      static const double dashes[] = { 6, 4 };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else
    cairo_stroke (cr);
}

static void
draw_items (cairo_t                  *cr,
            const QuorumView         *view,
            Item * const             *items,
            guint                     n_items,
            const QuorumOverlayStyle *style,
            QuorumRaster             *raster)
{
  gboolean raster_owns = FALSE;   /* cairo's pending drawing flushed to the pixels */

  /* Measured on 10,000 polygons: fast anti-aliasing and bevel joins halve
   * the cost of thin outlines, and at 1.5 px they look the same. */
  cairo_set_line_width (cr, style->line_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  for (guint i = 0; i < n_items; i++)
    {
      const Item *item = items[i];

      /* The raster draws solid outlines only. */
      if (raster != NULL)
        {
          if (!raster_owns && item->instance->keyframe && !item->instance->occluded)
            cairo_surface_flush (cairo_get_target (cr));
          if (item->instance->keyframe && !item->instance->occluded &&
              _quorum_raster_draw (raster, view, item->instance, &item->bounds, item->rgb, style))
            {
              raster_owns = TRUE;
              continue;
            }
          if (raster_owns)
            cairo_surface_mark_dirty (cairo_get_target (cr));
          raster_owns = FALSE;
        }
      draw_shape (cr, view, item->instance, &item->bounds, item->rgb[0], item->rgb[1], item->rgb[2],
                  style, style->fill_opacity, FALSE);
    }
  if (raster_owns)
    cairo_surface_mark_dirty (cairo_get_target (cr));
}

/**
 * quorum_overlay_handles:
 * @handles: (element-type QuorumPoint): receives the handles
 *
 * The handles of an instance being edited, in image pixels: the vertices of
 * a polygon or polyline, the four corners of a box (0 and 2 are its points).
 */
void
quorum_overlay_handles (const QuorumInstance *instance,
                        GArray               *handles)
{
  const QuorumPoint *p = instance->points;

  g_array_set_size (handles, 0);
  if (instance->kind == QUORUM_KIND_BOX && instance->n_points >= 2)
    {
      QuorumPoint corners[4] = {
        { p[0].x, p[0].y }, { p[1].x, p[0].y }, { p[1].x, p[1].y }, { p[0].x, p[1].y },
      };

      g_array_append_vals (handles, corners, 4);
    }
  else if (instance->kind == QUORUM_KIND_POLYGON || instance->kind == QUORUM_KIND_POLYLINE)
    g_array_append_vals (handles, p, instance->n_points);
}

void
quorum_overlay_draw_instance (QuorumOverlay        *overlay,
                              cairo_t              *cr,
                              const QuorumView     *view,
                              const QuorumInstance *instance,
                              gboolean              selected)
{
  QuorumRect bounds;
  g_autoptr(GArray) handles = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  GdkRGBA color;
  double half = QUORUM_OVERLAY_HANDLE_SIZE / 2;
  QuorumOverlayStyle style = overlay->style;

  quorum_instance_bounds (instance, &bounds);
  quorum_overlay_get_label_color (overlay, instance->label, &color);
  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (selected)
    style.line_width += 1;
  cairo_set_line_width (cr, style.line_width);
  draw_shape (cr, view, instance, &bounds, color.red, color.green, color.blue, &style,
              selected ? MIN (1.0, style.fill_opacity + 0.15) : style.fill_opacity, TRUE);

  if (selected && instance->kind != QUORUM_KIND_POINT)
    {
      quorum_overlay_handles (instance, handles);
      cairo_set_line_width (cr, 1.5);
      for (guint i = 0; i < handles->len; i++)
        {
          const QuorumPoint *handle = &g_array_index (handles, QuorumPoint, i);
          double x, y;

          quorum_view_to_output (view, handle->x, handle->y, &x, &y);
          cairo_rectangle (cr, x - half, y - half, 2 * half, 2 * half);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, color.red, color.green, color.blue);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
}

/* How far a drawn instance reaches beyond its bounds, in output pixels. */
static double
draw_margin (const QuorumOverlayStyle *style)
{
  return MAX (QUORUM_OVERLAY_HANDLE_SIZE / 2, QUORUM_OVERLAY_POINT_RADIUS) + style->line_width + 2;
}

/* The output rectangle that quorum_overlay_draw_instance() paints on. */
void
quorum_overlay_instance_extents (QuorumOverlay        *overlay,
                                 const QuorumView     *view,
                                 const QuorumInstance *instance,
                                 QuorumRect           *extents)
{
  QuorumRect bounds;
  double margin = draw_margin (&overlay->style);

  quorum_instance_bounds (instance, &bounds);
  quorum_view_to_output (view, bounds.x0, bounds.y0, &extents->x0, &extents->y0);
  quorum_view_to_output (view, bounds.x1, bounds.y1, &extents->x1, &extents->y1);
  extents->x0 = floor (extents->x0 - margin);
  extents->y0 = floor (extents->y0 - margin);
  extents->x1 = ceil (extents->x1 + margin);
  extents->y1 = ceil (extents->y1 + margin);
}

/* ---- the scene --------------------------------------------------------- */

QuorumOverlay *
quorum_overlay_new (void)
{
  QuorumOverlay *overlay = g_new0 (QuorumOverlay, 1);

  overlay->items = g_ptr_array_new_with_free_func (item_unref);
  overlay->colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) gdk_rgba_free);
  overlay->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  overlay->tiles = g_hash_table_new_full (tile_hash, tile_equal, tile_free, NULL);
  overlay->excluded = -1;
  overlay->style = (QuorumOverlayStyle) { .fill_opacity = 0.3, .line_width = 1.5 };
  overlay->index = quorum_spatial_index_new (&(QuorumRect) { 0, 0, 1, 1 }, 0);
  return overlay;
}

void
quorum_overlay_free (QuorumOverlay *overlay)
{
  if (overlay == NULL)
    return;
  /* A job still drawing finds its task cancelled and leaves the overlay alone. */
  if (overlay->job != NULL)
    g_cancellable_cancel (overlay->job);
  g_clear_object (&overlay->job);
  g_clear_handle_id (&overlay->zoom_settle, g_source_remove);
  g_ptr_array_unref (overlay->items);
  quorum_spatial_index_free (overlay->index);
  g_hash_table_unref (overlay->colors);
  g_hash_table_unref (overlay->hidden);
  g_hash_table_unref (overlay->tiles);
  g_free (overlay);
}

void
quorum_overlay_set_changed_func (QuorumOverlay *overlay,
                                 GFunc          func,
                                 gpointer       user_data)
{
  overlay->changed = func;
  overlay->changed_data = user_data;
}

static void
changed (QuorumOverlay *overlay)
{
  if (overlay->changed != NULL)
    overlay->changed (overlay, overlay->changed_data);
}

static void
rebuild_index (QuorumOverlay *overlay)
{
  double width = MAX (overlay->width, 1), height = MAX (overlay->height, 1);
  double reach = 4 * MAX (width, height);
  QuorumRect extent = { 0, 0, width, height };

  /* fmin and fmax pass over NaN. */
  for (guint i = 0; i < overlay->items->len; i++)
    {
      const Item *item = g_ptr_array_index (overlay->items, i);

      if (item->instance->n_points == 0)
        continue;
      extent.x0 = fmin (extent.x0, item->bounds.x0);
      extent.y0 = fmin (extent.y0, item->bounds.y0);
      extent.x1 = fmax (extent.x1, item->bounds.x1);
      extent.y1 = fmax (extent.y1, item->bounds.y1);
    }
  /* The grid covers shapes a little off the image too; those further out
   * (or infinite) live in its border cells rather than stretch it so far
   * that every shape shares one cell. */
  extent.x0 = MAX (extent.x0, -reach);
  extent.y0 = MAX (extent.y0, -reach);
  extent.x1 = MIN (extent.x1, width + reach);
  extent.y1 = MIN (extent.y1, height + reach);
  quorum_spatial_index_free (overlay->index);
  overlay->index = quorum_spatial_index_new (&extent, overlay->items->len);
  for (guint i = 0; i < overlay->items->len; i++)
    {
      const Item *item = g_ptr_array_index (overlay->items, i);

      /* Tags have no shape: nothing to draw or to hit. */
      if (item->instance->n_points > 0)
        quorum_spatial_index_insert (overlay->index, i, &item->bounds);
    }
}

/* Every tile must be redrawn; the old ones may be shown meanwhile. */
static void
outdate_all (QuorumOverlay *overlay)
{
  GHashTableIter iter;
  Tile *tile;

  g_hash_table_iter_init (&iter, overlay->tiles);
  while (g_hash_table_iter_next (&iter, (gpointer *) &tile, NULL))
    tile->outdated = TRUE;
  overlay->job_stale = TRUE;
  changed (overlay);
}

/* The tiles under @area (image pixels) are wrong and are redrawn before the
 * next frame shows them. */
static void
invalidate (QuorumOverlay    *overlay,
            const QuorumRect *area)
{
  GHashTableIter iter;
  Tile *tile;
  double margin = draw_margin (&overlay->style);
  double x0, y0, x1, y1;

  overlay->job_stale = TRUE;
  changed (overlay);
  if (overlay->level <= 0)
    return;
  x0 = area->x0 * overlay->level + overlay->origin_x - margin;
  y0 = area->y0 * overlay->level + overlay->origin_y - margin;
  x1 = area->x1 * overlay->level + overlay->origin_x + margin;
  y1 = area->y1 * overlay->level + overlay->origin_y + margin;
  g_hash_table_iter_init (&iter, overlay->tiles);
  while (g_hash_table_iter_next (&iter, (gpointer *) &tile, NULL))
    {
      double tx0 = tile->tx * (double) TILE, ty0 = tile->ty * (double) TILE;

      if (tx0 <= x1 && tx0 + TILE >= x0 && ty0 <= y1 && ty0 + TILE >= y0)
        tile->dirty = TRUE;
    }
}

void
quorum_overlay_set_extent (QuorumOverlay *overlay,
                           double         width,
                           double         height)
{
  if (overlay->width == width && overlay->height == height)
    return;
  overlay->width = width;
  overlay->height = height;
  rebuild_index (overlay);
}

const QuorumOverlayStyle *
quorum_overlay_get_style (QuorumOverlay *overlay)
{
  return &overlay->style;
}

void
quorum_overlay_set_style (QuorumOverlay            *overlay,
                          const QuorumOverlayStyle *style)
{
  if (overlay->style.fill_opacity == style->fill_opacity
      && overlay->style.line_width == style->line_width)
    return;
  overlay->style = *style;
  outdate_all (overlay);
}

void
quorum_overlay_set_label_color (QuorumOverlay *overlay,
                                const char    *label,
                                const GdkRGBA *color)
{
  const GdkRGBA *known = g_hash_table_lookup (overlay->colors, label);
  gboolean used = FALSE;

  if (known != NULL && gdk_rgba_equal (known, color))
    return;
  g_hash_table_replace (overlay->colors, g_strdup (label), gdk_rgba_copy (color));
  for (guint i = 0; i < overlay->items->len; i++)
    {
      Item *item = g_ptr_array_index (overlay->items, i);

      if (g_strcmp0 (item->instance->label, label) != 0)
        continue;
      overlay->items->pdata[i] = item_new (overlay, quorum_instance_copy (item->instance));
      item_unref (item);
      used = TRUE;
    }
  /* Colours are set for every label of the project when a task opens: only
   * those the instances use make the tiles wrong. */
  if (used)
    outdate_all (overlay);
}

gboolean
quorum_overlay_set_label_visible (QuorumOverlay *overlay,
                                  const char    *label,
                                  gboolean       visible)
{
  if (visible == !g_hash_table_contains (overlay->hidden, label))
    return FALSE;
  if (visible)
    g_hash_table_remove (overlay->hidden, label);
  else
    g_hash_table_add (overlay->hidden, g_strdup (label));
  outdate_all (overlay);
  return TRUE;
}

gboolean
quorum_overlay_get_label_visible (QuorumOverlay *overlay,
                                  const char    *label)
{
  return !g_hash_table_contains (overlay->hidden, label ? label : "");
}

static gboolean
item_hidden (QuorumOverlay *overlay,
             const Item    *item)
{
  return g_hash_table_size (overlay->hidden) > 0
         && g_hash_table_contains (overlay->hidden,
                                   item->instance->label ? item->instance->label : "");
}

void
quorum_overlay_set_instances (QuorumOverlay *overlay,
                              GPtrArray     *instances)
{
  guint64 points = 0;

  g_ptr_array_set_size (overlay->items, 0);
  for (guint i = 0; instances != NULL && i < instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, i);

      points += instance->n_points;
      g_ptr_array_add (overlay->items, item_new (overlay, quorum_instance_copy (instance)));
    }
  overlay->excluded = -1;
  rebuild_index (overlay);
  /* Another file or video frame: nothing of the old drawing is worth
   * showing. A few shapes (a video frame's, every frame while scrubbing)
   * take a few ms to draw: drawing them in the next frame, rather than in
   * the background for the frame after, shows no frame without them. */
  g_hash_table_remove_all (overlay->tiles);
  overlay->level = 0;
  overlay->draw_now = points <= DRAW_NOW_MAX_POINTS;
  overlay->job_stale = TRUE;
  changed (overlay);
}

guint
quorum_overlay_get_n_instances (QuorumOverlay *overlay)
{
  return overlay->items->len;
}

const QuorumInstance *
quorum_overlay_get_instance (QuorumOverlay *overlay,
                             guint          position)
{
  g_return_val_if_fail (position < overlay->items->len, NULL);
  return ((Item *) g_ptr_array_index (overlay->items, position))->instance;
}

/* Takes @instance. */
void
quorum_overlay_insert (QuorumOverlay  *overlay,
                       guint           position,
                       QuorumInstance *instance)
{
  Item *item = item_new (overlay, instance);

  g_return_if_fail (position <= overlay->items->len);
  g_ptr_array_insert (overlay->items, position, item);
  if (overlay->excluded >= (int) position)
    overlay->excluded++;
  /* A new shape on top, the usual case, moves no other in the index. */
  if (position + 1 < overlay->items->len)
    rebuild_index (overlay);
  else if (instance->n_points > 0)
    quorum_spatial_index_insert (overlay->index, position, &item->bounds);
  invalidate (overlay, &item->bounds);
}

QuorumInstance *
quorum_overlay_steal (QuorumOverlay *overlay,
                      guint          position)
{
  Item *item;
  QuorumInstance *instance;

  g_return_val_if_fail (position < overlay->items->len, NULL);
  item = g_ptr_array_steal_index (overlay->items, position);
  if (overlay->excluded == (int) position)
    overlay->excluded = -1;
  else
    {
      if (overlay->excluded > (int) position)
        overlay->excluded--;
      invalidate (overlay, &item->bounds);
    }
  if (position < overlay->items->len)
    rebuild_index (overlay);
  else
    quorum_spatial_index_remove (overlay->index, position);
  instance = quorum_instance_copy (item->instance);
  item_unref (item);
  return instance;
}

/* Takes @instance. */
void
quorum_overlay_replace (QuorumOverlay  *overlay,
                        guint           position,
                        QuorumInstance *instance)
{
  Item *old, *item;

  g_return_if_fail (position < overlay->items->len);
  old = g_ptr_array_index (overlay->items, position);
  item = item_new (overlay, instance);
  if ((int) position != overlay->excluded)
    {
      invalidate (overlay, &old->bounds);
      invalidate (overlay, &item->bounds);
    }
  if (instance->n_points > 0)
    quorum_spatial_index_move (overlay->index, position, &item->bounds);
  else
    quorum_spatial_index_remove (overlay->index, position);
  overlay->items->pdata[position] = item;
  item_unref (old);
  changed (overlay);
}

int
quorum_overlay_get_excluded (QuorumOverlay *overlay)
{
  return overlay->excluded;
}

void
quorum_overlay_set_excluded (QuorumOverlay *overlay,
                             int            position)
{
  if (position >= (int) overlay->items->len)
    position = -1;
  if (position == overlay->excluded)
    return;
  if (overlay->excluded >= 0)
    invalidate (overlay, &((Item *) g_ptr_array_index (overlay->items, overlay->excluded))->bounds);
  overlay->excluded = position;
  if (position >= 0)
    invalidate (overlay, &((Item *) g_ptr_array_index (overlay->items, position))->bounds);
}

/* ---- hit-testing ------------------------------------------------------- */

static double
segment_distance (const QuorumPoint *a,
                  const QuorumPoint *b,
                  double             x,
                  double             y)
{
  double dx = b->x - a->x, dy = b->y - a->y;
  double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((x - a->x) * dx + (y - a->y) * dy) / length2 : 0;

  t = CLAMP (t, 0.0, 1.0);
  return hypot (a->x + t * dx - x, a->y + t * dy - y);
}

static gboolean
instance_hit (const QuorumInstance *instance,
              const QuorumRect     *bounds,
              double                x,
              double                y,
              double                tolerance)
{
  const QuorumPoint *p = instance->points;
  guint n = instance->n_points;
  gboolean inside = FALSE;

  switch (instance->kind)
    {
    case QUORUM_KIND_BOX:
      return x >= bounds->x0 - tolerance && x <= bounds->x1 + tolerance
             && y >= bounds->y0 - tolerance && y <= bounds->y1 + tolerance;

    case QUORUM_KIND_POINT:
      return n >= 1 && hypot (p[0].x - x, p[0].y - y) <= tolerance;

    case QUORUM_KIND_POLYLINE:
      for (guint i = 0; i + 1 < n; i++)
        if (segment_distance (&p[i], &p[i + 1], x, y) <= tolerance)
          return TRUE;
      return FALSE;

    case QUORUM_KIND_POLYGON:
      for (guint i = 0, j = n - 1; i < n; j = i++)
        {
          if ((p[i].y > y) != (p[j].y > y)
              && x < (p[j].x - p[i].x) * (y - p[i].y) / (p[j].y - p[i].y) + p[i].x)
            inside = !inside;
        }
      if (inside)
        return TRUE;
      for (guint i = 0, j = n - 1; i < n; j = i++)
        if (segment_distance (&p[j], &p[i], x, y) <= tolerance)
          return TRUE;
      return FALSE;

    case QUORUM_KIND_TAG:
    default:
      return FALSE;
    }
}

/**
 * quorum_overlay_hit_test:
 * @tolerance: in image pixels, how far outside an outline still counts
 *
 * Returns: the position of the topmost visible instance at (@ix, @iy) in
 *   image pixels, or -1
 */
int
quorum_overlay_hit_test (QuorumOverlay *overlay,
                         double         ix,
                         double         iy,
                         double         tolerance)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  QuorumRect area = { ix - tolerance, iy - tolerance, ix + tolerance, iy + tolerance };

  quorum_spatial_index_query (overlay->index, &area, candidates);
  for (guint i = candidates->len; i-- > 0;)
    {
      guint position = g_array_index (candidates, guint, i);
      const Item *item = g_ptr_array_index (overlay->items, position);

      if (!item_hidden (overlay, item)
          && instance_hit (item->instance, &item->bounds, ix, iy, tolerance))
        return position;
    }
  return -1;
}

/* Whether the instance at @position, if visible, is at (@ix, @iy). */
gboolean
quorum_overlay_hit_instance (QuorumOverlay *overlay,
                             guint          position,
                             double         ix,
                             double         iy,
                             double         tolerance)
{
  const Item *item;

  g_return_val_if_fail (position < overlay->items->len, FALSE);
  item = g_ptr_array_index (overlay->items, position);
  return !item_hidden (overlay, item)
         && instance_hit (item->instance, &item->bounds, ix, iy, tolerance);
}

/* ---- rendering --------------------------------------------------------- */

/* The visible items under @area (image pixels), as references, in order. */
static GPtrArray *
collect_items (QuorumOverlay    *overlay,
               const QuorumRect *area,
               gboolean          with_excluded)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  GPtrArray *items;

  quorum_spatial_index_query (overlay->index, area, found);
  items = g_ptr_array_new_full (found->len, item_unref);
  for (guint i = 0; i < found->len; i++)
    {
      guint position = g_array_index (found, guint, i);
      Item *item = g_ptr_array_index (overlay->items, position);

      if ((!with_excluded && (int) position == overlay->excluded) || item_hidden (overlay, item))
        continue;
      g_ptr_array_add (items, item_ref (item));
    }
  return items;
}

/**
 * quorum_overlay_render:
 *
 * Draws every visible instance that shows in a @width × @height output
 * through @view onto @cr, in one go and on this thread. The canvas itself
 * draws through the tile cache (quorum_overlay_frame()); this is for
 * exports, thumbnails and measurements.
 */
void
quorum_overlay_render (QuorumOverlay    *overlay,
                       cairo_t          *cr,
                       const QuorumView *view,
                       int               width,
                       int               height)
{
  g_autoptr(GPtrArray) items = NULL;
  double margin = draw_margin (&overlay->style) / view->scale;
  QuorumRect area;

  quorum_view_to_image (view, 0, 0, &area.x0, &area.y0);
  quorum_view_to_image (view, width, height, &area.x1, &area.y1);
  area.x0 -= margin, area.y0 -= margin, area.x1 += margin, area.y1 += margin;
  items = collect_items (overlay, &area, TRUE);
  cairo_save (cr);
  draw_items (cr, view, (Item * const *) items->pdata, items->len, &overlay->style, NULL);
  cairo_restore (cr);
}

/**
 * quorum_overlay_render_image:
 * @surface: an ARGB32 image surface, the output
 *
 * Draws every visible instance that shows on @surface through @view, as
 * the canvas's tiles are drawn: small shapes straight into the pixels,
 * others with cairo. quorum_overlay_render() draws the same scene with cairo
 * alone, which is what the result is held to.
 */
void
quorum_overlay_render_image (QuorumOverlay    *overlay,
                             cairo_surface_t  *surface,
                             const QuorumView *view)
{
  g_autoptr(GPtrArray) items = NULL;
  double margin = draw_margin (&overlay->style) / view->scale;
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  QuorumRect area;
  QuorumRaster raster;
  cairo_t *cr;

  g_return_if_fail (cairo_image_surface_get_format (surface) == CAIRO_FORMAT_ARGB32);
  quorum_view_to_image (view, 0, 0, &area.x0, &area.y0);
  quorum_view_to_image (view, width, height, &area.x1, &area.y1);
  area.x0 -= margin, area.y0 -= margin, area.x1 += margin, area.y1 += margin;
  items = collect_items (overlay, &area, TRUE);
  _quorum_raster_init (&raster, surface);
  cr = cairo_create (surface);
  draw_items (cr, view, (Item * const *) items->pdata, items->len, &overlay->style, &raster);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  _quorum_raster_clear (&raster);
}

/* ---- tiles ------------------------------------------------------------- */

static Job *
job_new (QuorumOverlay *overlay,
         double         scale,
         double         origin_x,
         double         origin_y)
{
  Job *job = g_new0 (Job, 1);

  job->scale = scale;
  job->origin_x = origin_x;
  job->origin_y = origin_y;
  job->style = overlay->style;
  job->tiles = g_ptr_array_new_with_free_func (job_tile_free);
  return job;
}

static void
job_add_tile (QuorumOverlay *overlay,
              Job           *job,
              int            tx,
              int            ty)
{
  JobTile *tile = g_new0 (JobTile, 1);
  double margin = draw_margin (&job->style);
  QuorumRect area = {
    (tx * (double) TILE - job->origin_x - margin) / job->scale,
    (ty * (double) TILE - job->origin_y - margin) / job->scale,
    ((tx + 1) * (double) TILE - job->origin_x + margin) / job->scale,
    ((ty + 1) * (double) TILE - job->origin_y + margin) / job->scale,
  };

  tile->tx = tx;
  tile->ty = ty;
  tile->items = collect_items (overlay, &area, FALSE);
  g_ptr_array_add (job->tiles, tile);
}

static void
draw_job_tile (Job     *job,
               JobTile *tile)
{
  QuorumView view = {
    job->scale, job->origin_x - tile->tx * (double) TILE, job->origin_y - tile->ty * (double) TILE,
  };
  cairo_t *cr;
  QuorumRaster raster;

  if (tile->items->len == 0)
    return;
  tile->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TILE, TILE);
  _quorum_raster_init (&raster, tile->surface);
  cr = cairo_create (tile->surface);
  draw_items (cr, &view, (Item * const *) tile->items->pdata, tile->items->len, &job->style,
              &raster);
  cairo_destroy (cr);
  cairo_surface_flush (tile->surface);
  _quorum_raster_clear (&raster);
}

static gpointer
job_worker (gpointer data)
{
  Job *job = data;
  int i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (int) job->tiles->len)
    draw_job_tile (job, g_ptr_array_index (job->tiles, i));
  return NULL;
}

static int
compare_tile_work (gconstpointer a,
                   gconstpointer b)
{
  const JobTile *x = *(const JobTile * const *) a, *y = *(const JobTile * const *) b;

  return (int) y->items->len - (int) x->items->len;
}

/* Draws the job's tiles on two cores: this thread and one more. The busiest
 * tiles go first, so that the two threads end close together rather than
 * one drawing a full tile while the other waits. */
static void
job_run (Job *job)
{
  GThread *helper = NULL;

  g_ptr_array_sort (job->tiles, compare_tile_work);
  if (job->tiles->len > 1)
    helper = g_thread_new ("quorum-tiles", job_worker, job);
  job_worker (job);
  if (helper != NULL)
    g_thread_join (helper);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  job_run (task_data);
  g_task_return_boolean (task, TRUE);
}

static Tile *
lookup_tile (QuorumOverlay *overlay,
             int            tx,
             int            ty)
{
  Tile key = { .tx = tx, .ty = ty };

  return g_hash_table_lookup (overlay->tiles, &key);
}

static void
install_tiles (QuorumOverlay *overlay,
               Job           *job)
{
  for (guint i = 0; i < job->tiles->len; i++)
    {
      JobTile *done = g_ptr_array_index (job->tiles, i);
      Tile *tile = lookup_tile (overlay, done->tx, done->ty);

      if (tile == NULL)
        {
          tile = g_new0 (Tile, 1);
          tile->tx = done->tx;
          tile->ty = done->ty;
          g_hash_table_add (overlay->tiles, tile);
        }
      g_clear_pointer (&tile->surface, cairo_surface_destroy);
      g_clear_object (&tile->texture);
      tile->surface = g_steal_pointer (&done->surface);
      tile->dirty = tile->outdated = FALSE;
    }
}

static double
scale_distance (double a,
                double b)
{
  return fabs (log (a / b));
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  QuorumOverlay *overlay;

  if (!g_task_propagate_boolean (task, NULL))
    return;   /* cancelled: the overlay is gone */
  overlay = user_data;
  g_clear_object (&overlay->job);

  if (overlay->job_stale)
    ;   /* drawn from a scene that has changed since: the next frame asks again */
  else if (overlay->level > 0 && job->scale == overlay->level
           && job->origin_x == overlay->origin_x && job->origin_y == overlay->origin_y)
    install_tiles (overlay, job);
  else if (overlay->level <= 0
           || !overlay->have_frame
           || scale_distance (job->scale, overlay->frame_view.scale)
              < scale_distance (overlay->level, overlay->frame_view.scale))
    {
      g_hash_table_remove_all (overlay->tiles);
      overlay->level = job->scale;
      overlay->origin_x = job->origin_x;
      overlay->origin_y = job->origin_y;
      install_tiles (overlay, job);
    }
  changed (overlay);
}

static void
job_start (QuorumOverlay *overlay,
           Job           *job)
{
  g_autoptr(GTask) task = NULL;

  overlay->job = g_cancellable_new ();
  overlay->job_stale = FALSE;
  task = g_task_new (NULL, overlay->job, job_done, overlay);
  g_task_set_source_tag (task, job_start);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
}

typedef struct
{
  int x0, y0, x1, y1;   /* inclusive */
} TileRange;

static TileRange
visible_tiles (double            level,
               double            origin_x,
               double            origin_y,
               const QuorumView *view,
               int               width,
               int               height)
{
  double f = level / view->scale;

  return (TileRange) {
    (int) floor (((0 - view->x) * f + origin_x) / TILE + 1e-9),
    (int) floor (((0 - view->y) * f + origin_y) / TILE + 1e-9),
    (int) ceil (((width - view->x) * f + origin_x) / TILE - 1e-9) - 1,
    (int) ceil (((height - view->y) * f + origin_y) / TILE - 1e-9) - 1,
  };
}

/* A new level's tile grid starts at the view's corner: the view then covers
 * the fewest tiles, and they land on whole output pixels. */
static Job *
job_for_view (QuorumOverlay    *overlay,
              const QuorumView *view,
              int               width,
              int               height)
{
  Job *job = job_new (overlay, view->scale, view->x, view->y);
  TileRange visible = visible_tiles (view->scale, view->x, view->y, view, width, height);

  for (int ty = visible.y0; ty <= visible.y1; ty++)
    for (int tx = visible.x0; tx <= visible.x1; tx++)
      job_add_tile (overlay, job, tx, ty);
  return job;
}

static void
emit_tile (QuorumOverlay        *overlay,
           Tile                 *tile,
           const QuorumView     *view,
           QuorumOverlayTileFunc func,
           gpointer              user_data)
{
  double f = view->scale / overlay->level;
  graphene_rect_t bounds;

  if (tile->surface == NULL)
    return;
  if (tile->texture == NULL)
    {
      cairo_surface_t *surface = tile->surface;
      int stride = cairo_image_surface_get_stride (surface);
      g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                                            (gsize) stride * TILE,
                                                            (GDestroyNotify) cairo_surface_destroy,
                                                            cairo_surface_reference (surface));

      tile->texture = gdk_memory_texture_new (TILE, TILE, GDK_MEMORY_DEFAULT, bytes, stride);
    }
  graphene_rect_init (&bounds, (tile->tx * TILE - overlay->origin_x) * f + view->x,
                      (tile->ty * TILE - overlay->origin_y) * f + view->y, TILE * f, TILE * f);
  func (tile->texture, &bounds, user_data);
}

static void
evict_tiles (QuorumOverlay   *overlay,
             const TileRange *visible)
{
  GHashTableIter iter;
  Tile *tile;

  if (g_hash_table_size (overlay->tiles) <= MAX_TILES)
    return;
  g_hash_table_iter_init (&iter, overlay->tiles);
  while (g_hash_table_iter_next (&iter, (gpointer *) &tile, NULL))
    if (tile->tx < visible->x0 - 2 || tile->tx > visible->x1 + 2
        || tile->ty < visible->y0 - 2 || tile->ty > visible->y1 + 2)
      g_hash_table_iter_remove (&iter);
}

static gboolean
zoom_settled (gpointer user_data)
{
  QuorumOverlay *overlay = user_data;

  overlay->zoom_settle = 0;
  changed (overlay);
  return G_SOURCE_REMOVE;
}

/**
 * quorum_overlay_frame:
 * @view: the view in output (device) pixels
 * @func: called with each tile to show and its output rectangle
 *
 * What one frame of the canvas does: shows the cached tiles, redrawing at
 * once only tiles that an edit made wrong (and the view's tiles of a small
 * scene that has just replaced the last), and asks a background job for
 * what is missing — the view's tiles at a new zoom, then a margin of one
 * tile around the view so that panning finds them ready. While the zoom
 * differs from the tiles' scale, the tiles are shown scaled; the view's
 * tiles at the new scale are asked for once two frames in a row have the
 * same scale (the overlay's changed function asks for the second).
 */
void
quorum_overlay_frame (QuorumOverlay         *overlay,
                      const QuorumView      *view,
                      int                    width,
                      int                    height,
                      QuorumOverlayTileFunc  func,
                      gpointer               user_data)
{
  TileRange visible;
  g_autoptr(Job) wanted = NULL;
  g_autoptr(Job) dirty = NULL;
  double previous_scale = overlay->have_frame ? overlay->frame_view.scale : 0;

  overlay->have_frame = TRUE;
  overlay->frame_missing = 0;
  overlay->frame_view = *view;
  overlay->frame_width = width;
  overlay->frame_height = height;

  if (overlay->level > 0 && overlay->level != view->scale)
    {
      GHashTableIter iter;
      Tile *tile;

      /* Zooming: the old tiles, scaled, until the sharp ones arrive. */
      visible = visible_tiles (overlay->level, overlay->origin_x, overlay->origin_y, view,
                               width, height);
      g_hash_table_iter_init (&iter, overlay->tiles);
      while (g_hash_table_iter_next (&iter, (gpointer *) &tile, NULL))
        if (tile->tx >= visible.x0 && tile->tx <= visible.x1
            && tile->ty >= visible.y0 && tile->ty <= visible.y1)
          emit_tile (overlay, tile, view, func, user_data);
      /* While the zoom moves every frame, tiles drawn at one step's scale
       * are thrown away at the next, and drawing them takes both cores from
       * the frames: draw once it has held still for a frame. */
      if (overlay->job == NULL && view->scale == previous_scale)
        job_start (overlay, job_for_view (overlay, view, width, height));
      else if (overlay->job == NULL && overlay->zoom_settle == 0)
        overlay->zoom_settle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, zoom_settled, overlay, NULL);
      return;
    }

  if (overlay->level <= 0 && overlay->draw_now)
    {
      /* The grid of job_for_view(), its tiles drawn below with the dirty ones. */
      overlay->level = view->scale;
      overlay->origin_x = view->x;
      overlay->origin_y = view->y;
    }
  else if (overlay->level <= 0)
    {
      if (overlay->job == NULL)
        job_start (overlay, job_for_view (overlay, view, width, height));
      return;
    }

  visible = visible_tiles (overlay->level, overlay->origin_x, overlay->origin_y, view,
                           width, height);
  wanted = job_new (overlay, overlay->level, overlay->origin_x, overlay->origin_y);
  dirty = job_new (overlay, overlay->level, overlay->origin_x, overlay->origin_y);
  for (int ty = visible.y0; ty <= visible.y1; ty++)
    for (int tx = visible.x0; tx <= visible.x1; tx++)
      {
        Tile *tile = lookup_tile (overlay, tx, ty);

        if ((tile != NULL && tile->dirty) || (tile == NULL && overlay->draw_now))
          job_add_tile (overlay, dirty, tx, ty);
        else if (tile == NULL || tile->outdated)
          job_add_tile (overlay, wanted, tx, ty);
      }

  /* An edit elsewhere than the instance being edited: redraw its few tiles
   * now, on both cores, so that no frame shows the scene half changed. */
  overlay->draw_now = FALSE;
  if (dirty->tiles->len > 0)
    {
      job_run (dirty);
      install_tiles (overlay, dirty);
    }

  overlay->frame_missing = 0;
  for (int ty = visible.y0; ty <= visible.y1; ty++)
    for (int tx = visible.x0; tx <= visible.x1; tx++)
      {
        Tile *tile = lookup_tile (overlay, tx, ty);

        if (tile != NULL)
          emit_tile (overlay, tile, view, func, user_data);
        else
          overlay->frame_missing++;
      }

  if (overlay->job != NULL)
    return;
  if (wanted->tiles->len == 0)
    {
      /* Everything in view is ready: prepare the margin. */
      for (int ty = visible.y0 - 1; ty <= visible.y1 + 1; ty++)
        for (int tx = visible.x0 - 1; tx <= visible.x1 + 1; tx++)
          {
            Tile *tile;

            if (tx >= visible.x0 && tx <= visible.x1 && ty >= visible.y0 && ty <= visible.y1)
              continue;
            tile = lookup_tile (overlay, tx, ty);
            if (tile == NULL || tile->dirty || tile->outdated)
              job_add_tile (overlay, wanted, tx, ty);
          }
    }
  if (wanted->tiles->len > 0)
    job_start (overlay, g_steal_pointer (&wanted));
  evict_tiles (overlay, &visible);
}

/* How many tiles in view the last frame had to leave out (not drawn yet at
 * its scale); 0 while zooming, when scaled tiles stand in. */
guint
quorum_overlay_get_frame_missing (QuorumOverlay *overlay)
{
  return overlay->frame_missing;
}

gboolean
quorum_overlay_is_rendering (QuorumOverlay *overlay)
{
  return overlay->job != NULL;
}

/* Whether the last frame showed every tile in its view drawn at its own
 * scale and up to date (the margin around it may still be missing). */
gboolean
quorum_overlay_is_sharp (QuorumOverlay *overlay)
{
  TileRange visible;

  if (!overlay->have_frame || overlay->level != overlay->frame_view.scale)
    return FALSE;
  visible = visible_tiles (overlay->level, overlay->origin_x, overlay->origin_y,
                           &overlay->frame_view, overlay->frame_width, overlay->frame_height);
  for (int ty = visible.y0; ty <= visible.y1; ty++)
    for (int tx = visible.x0; tx <= visible.x1; tx++)
      {
        Tile *tile = lookup_tile (overlay, tx, ty);

        if (tile == NULL || tile->dirty || tile->outdated)
          return FALSE;
      }
  return TRUE;
}

/* Whether the last frame's view and its margin are drawn at its own scale. */
gboolean
quorum_overlay_is_complete (QuorumOverlay *overlay)
{
  TileRange visible;

  if (!overlay->have_frame || overlay->level != overlay->frame_view.scale || overlay->job != NULL)
    return FALSE;
  visible = visible_tiles (overlay->level, overlay->origin_x, overlay->origin_y,
                           &overlay->frame_view, overlay->frame_width, overlay->frame_height);
  for (int ty = visible.y0 - 1; ty <= visible.y1 + 1; ty++)
    for (int tx = visible.x0 - 1; tx <= visible.x1 + 1; tx++)
      {
        Tile *tile = lookup_tile (overlay, tx, ty);

        if (tile == NULL || tile->dirty || tile->outdated)
          return FALSE;
      }
  return TRUE;
}
