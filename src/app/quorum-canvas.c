/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include "quorum-canvas-internal.h"
#include "quorum-canvas-pins.h"
#include "quorum-frame-scale.h"
#include "quorum-image-pyramid.h"
#include "quorum-overlay.h"
#include "quorum-tiled-image.h"

G_DEFINE_FINAL_TYPE (QuorumCanvas, quorum_canvas, GTK_TYPE_WIDGET)

static void
on_pyramid_ready (gpointer pyramid,
                  gpointer user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}


static GParamSpec *properties[N_PROPS];


static guint signals[N_SIGNALS];

void
_quorum_canvas_notify (QuorumCanvas *self,
                       guint         prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_quorum_canvas_emit (QuorumCanvas *self,
                     guint         signal)
{
  g_signal_emit (self, signals[signal], 0);
}

GType
quorum_canvas_tool_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { QUORUM_CANVAS_TOOL_SELECT, "QUORUM_CANVAS_TOOL_SELECT", "select" },
    { QUORUM_CANVAS_TOOL_BOX, "QUORUM_CANVAS_TOOL_BOX", "box" },
    { QUORUM_CANVAS_TOOL_POLYGON, "QUORUM_CANVAS_TOOL_POLYGON", "polygon" },
    { QUORUM_CANVAS_TOOL_POLYLINE, "QUORUM_CANVAS_TOOL_POLYLINE", "polyline" },
    { QUORUM_CANVAS_TOOL_POINT, "QUORUM_CANVAS_TOOL_POINT", "point" },
    { QUORUM_CANVAS_TOOL_TAG, "QUORUM_CANVAS_TOOL_TAG", "tag" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("QuorumCanvasTool"),
                                                      values));
  return type;
}

/* ---- view -------------------------------------------------------------- */

void
quorum_canvas_widget_to_image (QuorumCanvas *self,
                               double        x,
                               double        y,
                               double       *image_x,
                               double       *image_y)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  quorum_view_to_image (&self->view, x, y, image_x, image_y);
}

void
quorum_canvas_image_to_widget (QuorumCanvas *self,
                               double        image_x,
                               double        image_y,
                               double       *x,
                               double       *y)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  quorum_view_to_output (&self->view, image_x, image_y, x, y);
}

double
quorum_canvas_get_zoom (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 1.0);
  return self->view.scale;
}

void
_quorum_canvas_set_view (QuorumCanvas     *self,
                         const QuorumView *view)
{
  gboolean zoomed = view->scale != self->view.scale;

  self->fitted = FALSE;
  self->view = *view;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (zoomed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

/**
 * quorum_canvas_zoom_at:
 * @x: (in widget pixels) the point that stays where it is
 *
 * Multiplies the zoom by @factor (within 1 % and 6400 %), keeping the image
 * point under (@x, @y) fixed.
 */
void
quorum_canvas_zoom_at (QuorumCanvas *self,
                       double        factor,
                       double        x,
                       double        y)
{
  QuorumView view;
  double ix, iy;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  if (!(factor > 0))
    return;
  quorum_view_to_image (&self->view, x, y, &ix, &iy);
  view.scale = CLAMP (self->view.scale * factor, MIN_ZOOM, MAX_ZOOM);
  view.x = x - ix * view.scale;
  view.y = y - iy * view.scale;
  self->fit_pending = FALSE;
  _quorum_canvas_set_view (self, &view);
}

static void
content_size (QuorumCanvas *self,
              double       *width,
              double       *height)
{
  *width = self->image_width;
  *height = self->image_height;
}

/* The whole image in view, centred. */
void
quorum_canvas_fit (QuorumCanvas *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double content_width, content_height;
  QuorumView view;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  content_size (self, &content_width, &content_height);
  if (width <= 0 || height <= 0 || content_width <= 0 || content_height <= 0)
    {
      /* Not laid out yet, or nothing to fit: fit when both are known. */
      self->fit_pending = TRUE;
      return;
    }
  self->fit_pending = FALSE;
  view.scale = CLAMP (MIN (width / content_width, height / content_height), MIN_ZOOM, MAX_ZOOM);
  view.x = (width - content_width * view.scale) / 2;
  view.y = (height - content_height * view.scale) / 2;
  _quorum_canvas_set_view (self, &view);
  self->fitted = TRUE;
}

/* One image pixel per widget pixel, around the middle of the widget. */
void
quorum_canvas_set_zoom_1_1 (QuorumCanvas *self)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  quorum_canvas_zoom_at (self, 1.0 / self->view.scale,
                         gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                         gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

/* Where keyboard zooming is anchored: the pointer, or else the middle. */
void
_quorum_canvas_zoom_anchor (QuorumCanvas *self,
                            double       *x,
                            double       *y)
{
  if (self->pointer_inside)
    *x = self->pointer_x, *y = self->pointer_y;
  else
    {
      *x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      *y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
}

/* ---- labels and style -------------------------------------------------- */

void
quorum_canvas_set_label_color (QuorumCanvas  *self,
                               const char    *label,
                               const GdkRGBA *color)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  quorum_overlay_set_label_color (self->overlay, label, color);
  for (guint i = 0; i < self->layers->len; i++)
    {
      Layer *layer = g_ptr_array_index (self->layers, i);

      if (!layer->has_color)
        quorum_overlay_set_label_color (layer->overlay, label, color);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Hidden instances are neither drawn nor hit. */
void
quorum_canvas_set_label_visible (QuorumCanvas *self,
                                 const char   *label,
                                 gboolean      visible)
{
  const QuorumInstance *selected;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  selected = quorum_canvas_get_selected_instance (self);
  if (!visible && selected != NULL && g_strcmp0 (selected->label, label) == 0)
    quorum_canvas_select (self, -1);
  selected = quorum_canvas_get_selected_layer_instance (self, NULL);
  if (!visible && selected != NULL && g_strcmp0 (selected->label, label) == 0)
    quorum_canvas_select (self, -1);
  for (guint i = 0; i < self->layers->len; i++)
    quorum_overlay_set_label_visible (((Layer *) g_ptr_array_index (self->layers, i))->overlay, label, visible);
  if (quorum_overlay_set_label_visible (self->overlay, label, visible))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
quorum_canvas_get_label_visible (QuorumCanvas *self,
                                 const char   *label)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), TRUE);
  return quorum_overlay_get_label_visible (self->overlay, label);
}

const char *
quorum_canvas_get_current_label (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  return self->current_label;
}

void
quorum_canvas_set_current_label (QuorumCanvas *self,
                                 const char   *label)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  if (g_strcmp0 (self->current_label, label) != 0)
    {
      g_free (self->current_label);
      self->current_label = g_strdup (label);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_LABEL]);
    }
}

double
quorum_canvas_get_fill_opacity (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  return self->fill_opacity;
}

void
quorum_canvas_set_fill_opacity (QuorumCanvas *self,
                                double        opacity)
{
  QuorumOverlayStyle style;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  opacity = CLAMP (opacity, 0.0, 1.0);
  if (self->fill_opacity == opacity)
    return;
  self->fill_opacity = opacity;
  style = *quorum_overlay_get_style (self->overlay);
  style.fill_opacity = opacity;
  quorum_overlay_set_style (self->overlay, &style);
  for (guint i = 0; i < self->layers->len; i++)
    quorum_overlay_set_style (((Layer *) g_ptr_array_index (self->layers, i))->overlay, &style);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILL_OPACITY]);
}

QuorumCanvasTool
quorum_canvas_get_tool (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), QUORUM_CANVAS_TOOL_SELECT);
  return self->tool;
}

void
_quorum_canvas_update_cursor (QuorumCanvas *self)
{
  const char *name = NULL;

  if (self->drag == DRAG_PAN)
    name = "grabbing";
  else if (self->space_down)
    name = "grab";
  else if (self->tool != QUORUM_CANVAS_TOOL_SELECT)
    name = "crosshair";
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

void
quorum_canvas_set_tool (QuorumCanvas     *self,
                        QuorumCanvasTool  tool)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  if (self->tool == tool)
    return;
  _quorum_canvas_cancel_draft (self);
  self->tool = tool;
  _quorum_canvas_update_cursor (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

GdkTexture *
quorum_canvas_get_image (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  return self->image;
}

/* Shows @image and fits it in view. */
void
quorum_canvas_set_image (QuorumCanvas *self,
                         GdkTexture   *image)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  g_return_if_fail (image == NULL || GDK_IS_TEXTURE (image));
  quorum_canvas_show_image (self, image, NULL, image != NULL ? gdk_texture_get_width (image) : 0,
                            image != NULL ? gdk_texture_get_height (image) : 0);
}

/**
 * quorum_canvas_show_image:
 * @image: (nullable): drawn stretched over @width × @height: the image, or
 *   a smaller preview of it
 * @tiles: (nullable): drawn instead of @image when given
 *
 * Shows an image of @width × @height image pixels. The view is fitted
 * unless the extent stays the same (a preview replaced by the full
 * resolution keeps the user's zoom).
 */
void
quorum_canvas_show_image (QuorumCanvas     *self,
                          GdkTexture       *image,
                          QuorumTiledImage *tiles,
                          int               width,
                          int               height)
{
  gboolean same_extent;
  double detail_before;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  g_return_if_fail (image == NULL || GDK_IS_TEXTURE (image));
  g_return_if_fail (tiles == NULL || QUORUM_IS_TILED_IMAGE (tiles));
  if (tiles != NULL && image == NULL)
    image = quorum_tiled_image_get_overview (tiles);
  if (image == NULL)
    width = height = 0;
  if (image == self->image && tiles == self->tiles && width == self->image_width && height == self->image_height)
    return;
  detail_before = quorum_canvas_get_image_detail (self);
  same_extent = self->image != NULL && image != NULL && width == self->image_width && height == self->image_height;
  if (image != self->image || tiles != self->tiles)
    {
      g_clear_pointer (&self->pyramid, quorum_image_pyramid_free);
      g_clear_object (&self->frame_copy);
      g_clear_object (&self->frame_copy_of);
      if (image != NULL && tiles == NULL)
        self->pyramid = quorum_image_pyramid_new (image, on_pyramid_ready, self);
    }
  g_set_object (&self->image, image);
  g_set_object (&self->tiles, tiles);
  self->image_width = width;
  self->image_height = height;
  if (image != NULL && !same_extent)
    {
      quorum_overlay_set_extent (self->overlay, width, height);
      for (guint i = 0; i < self->layers->len; i++)
        quorum_overlay_set_extent (((Layer *) g_ptr_array_index (self->layers, i))->overlay, width, height);
    }
  if (!same_extent)
    quorum_canvas_fit (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
  if (detail_before != quorum_canvas_get_image_detail (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_DETAIL]);
}

/**
 * quorum_canvas_show_frame:
 * @frame: (nullable): a video frame at its full size
 *
 * Shows @frame in place of the image, as fast as a video needs: the view
 * is kept unless the size changes, and the frame is drawn as it is, with
 * no smaller levels made for it (there is a new one every few ms).
 */
void
quorum_canvas_show_frame (QuorumCanvas *self,
                          GdkTexture   *frame)
{
  int width, height;
  gboolean same_extent;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  g_return_if_fail (frame == NULL || GDK_IS_TEXTURE (frame));
  if (frame == self->image && self->pyramid == NULL && self->tiles == NULL)
    return;
  width = frame != NULL ? gdk_texture_get_width (frame) : 0;
  height = frame != NULL ? gdk_texture_get_height (frame) : 0;
  same_extent = self->image != NULL && frame != NULL && width == self->image_width && height == self->image_height;
  g_clear_pointer (&self->pyramid, quorum_image_pyramid_free);
  g_clear_object (&self->tiles);
  g_set_object (&self->image, frame);
  self->image_width = width;
  self->image_height = height;
  if (frame != NULL && !same_extent)
    {
      quorum_overlay_set_extent (self->overlay, width, height);
      for (guint i = 0; i < self->layers->len; i++)
        quorum_overlay_set_extent (((Layer *) g_ptr_array_index (self->layers, i))->overlay, width, height);
    }
  if (!same_extent)
    quorum_canvas_fit (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
  if (!same_extent)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_DETAIL]);
}

/* Drawn pixels per image pixel: below 1 while a preview stands in for the
 * image, 1 at full resolution (tiles included), 0 without an image. */
double
quorum_canvas_get_image_detail (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  if (self->image == NULL || self->image_width == 0)
    return 0;
  if (self->tiles != NULL)
    return 1;
  return (double) gdk_texture_get_width (self->image) / self->image_width;
}

QuorumTiledImage *
_quorum_canvas_get_tiles (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  return self->tiles;
}

QuorumImagePyramid *
_quorum_canvas_get_pyramid (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  return self->pyramid;
}

int
quorum_canvas_get_image_width (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  return self->image_width;
}

int
quorum_canvas_get_image_height (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  return self->image_height;
}

gboolean
quorum_canvas_get_editable (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  return self->editable;
}

/* Whether the user may change the instances (a review shows them only). */
void
quorum_canvas_set_editable (QuorumCanvas *self,
                            gboolean      editable)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  editable = !!editable;
  if (self->editable == editable)
    return;
  _quorum_canvas_cancel_draft (self);
  self->editable = editable;
  if (!editable)
    quorum_canvas_set_tool (self, QUORUM_CANVAS_TOOL_SELECT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

gboolean
quorum_canvas_get_instances_visible (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  return self->instances_visible;
}

/* Shows or hides the editable instances (the layers stay). */
void
quorum_canvas_set_instances_visible (QuorumCanvas *self,
                                     gboolean      visible)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  visible = !!visible;
  if (self->instances_visible == visible)
    return;
  if (!visible && self->selected >= 0)
    quorum_canvas_select (self, -1);
  self->instances_visible = visible;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTANCES_VISIBLE]);
}

gboolean
quorum_canvas_get_focus_selected (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  return self->focus_selected;
}

/* With @focus, only the selected instance is drawn (while one is). */
void
quorum_canvas_set_focus_selected (QuorumCanvas *self,
                         gboolean      focus)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  focus = !!focus;
  if (self->focus_selected == focus)
    return;
  self->focus_selected = focus;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUS_SELECTED]);
}

void
_quorum_canvas_on_overlay_changed (gpointer overlay,
                                   gpointer user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}

/* ---- GtkWidget --------------------------------------------------------- */

static void
append_tile (GdkTexture            *texture,
             const graphene_rect_t *bounds,
             gpointer               user_data)
{
  gtk_snapshot_append_texture (user_data, texture, bounds);
}

/* A node of its own for one instance drawn live: the selected one or the
 * one being drawn, over the cached tiles. */
static void
append_live (QuorumCanvas         *self,
             QuorumOverlay        *overlay,
             GtkSnapshot          *snapshot,
             const QuorumView     *view,
             int                   width,
             int                   height,
             const QuorumInstance *instance,
             gboolean              selected)
{
  QuorumRect extents;
  graphene_rect_t bounds;
  cairo_t *cr;

  quorum_overlay_instance_extents (overlay, view, instance, &extents);
  extents.x0 = MAX (extents.x0, 0);
  extents.y0 = MAX (extents.y0, 0);
  extents.x1 = MIN (extents.x1, width);
  extents.y1 = MIN (extents.y1, height);
  if (extents.x1 <= extents.x0 || extents.y1 <= extents.y0)
    return;
  graphene_rect_init (&bounds, extents.x0, extents.y0, extents.x1 - extents.x0,
                      extents.y1 - extents.y0);
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  quorum_overlay_draw_instance (overlay, cr, view, instance, selected);
  cairo_destroy (cr);
}

static void
append_draft (QuorumCanvas     *self,
              GtkSnapshot      *snapshot,
              const QuorumView *view,
              int               width,
              int               height)
{
  QuorumPoint pointer;

  if (self->drag == DRAG_BOX)
    {
      g_autoptr(QuorumInstance) box = _quorum_canvas_draft_instance (self, QUORUM_KIND_BOX);
      QuorumPoint corners[2] = { self->box_start, self->box_end };

      quorum_instance_set_points (box, corners, 2);
      append_live (self, self->overlay, snapshot, view, width, height, box, FALSE);
    }
  else if (self->draft->len > 0)
    {
      g_autoptr(QuorumInstance) line = _quorum_canvas_draft_instance (self, QUORUM_KIND_POLYLINE);

      /* The vertices so far, and a rubber band to the pointer. */
      quorum_view_to_image (&self->view, self->pointer_x, self->pointer_y, &pointer.x, &pointer.y);
      g_array_append_val (self->draft, pointer);
      quorum_instance_set_points (line, (QuorumPoint *) (gpointer) self->draft->data, self->draft->len);
      g_array_set_size (self->draft, self->draft->len - 1);
      append_live (self, self->overlay, snapshot, view, width, height, line, TRUE);
    }
}

/* The layers' notes ("Missing"), each on a tab of its layer's colour at the
 * top left of its instance, in widget pixels. */
static void
append_notes (QuorumCanvas *self,
              GtkSnapshot  *snapshot,
              int           width,
              int           height)
{
  cairo_t *cr = NULL;

  for (guint i = 0; i < self->layers->len; i++)
    {
      Layer *layer = g_ptr_array_index (self->layers, i);

      if (!layer->visible || g_hash_table_size (layer->notes) == 0)
        continue;
      for (guint j = 0; j < quorum_overlay_get_n_instances (layer->overlay); j++)
        {
          const QuorumInstance *instance = quorum_overlay_get_instance (layer->overlay, j);
          const char *note = g_hash_table_lookup (layer->notes, instance->id);
          g_autoptr(PangoLayout) layout = NULL;
          QuorumRect bounds;
          GdkRGBA color;
          PangoRectangle ink, logical;
          double x, y, w, h;

          if (note == NULL || !quorum_overlay_get_label_visible (layer->overlay, instance->label) ||
              (self->focus_selected && (self->layer_selected != (int) i || self->layer_position != (int) j) &&
               (self->layer_selected >= 0 || self->selected >= 0)))
            continue;
          if (cr == NULL)
            cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
          quorum_instance_bounds (instance, &bounds);
          quorum_view_to_output (&self->view, bounds.x0, bounds.y0, &x, &y);
          layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), note);
          pango_layout_get_pixel_extents (layout, &ink, &logical);
          w = logical.width + 8, h = logical.height + 2;
          y = y - h >= 0 ? y - h : y;
          quorum_overlay_get_label_color (layer->overlay, instance->label, &color);
          cairo_rectangle (cr, x, y, w, h);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_fill (cr);
          cairo_move_to (cr, x + 4, y + 1);
          cairo_set_source_rgb (cr, 0, 0, 0);
          pango_cairo_show_layout (cr, layout);
        }
    }
  if (cr != NULL)
    cairo_destroy (cr);
}

/* The texture to draw a video frame from at @scale screen pixels per frame
 * pixel: a new frame well below 1:1 from a copy at the size shown, which
 * the renderer uploads in a fraction of the time. While the zoom changes
 * over one frame, the frame itself: it is uploaded once, then only
 * sampled, where a copy per zoom step would be uploaded each time. */
static GdkTexture *
shown_frame (QuorumCanvas *self,
             double        scale)
{
  int width = (int) round (self->image_width * scale);
  int height = (int) round (self->image_height * scale);

  if (self->frame_copy != NULL && self->frame_copy_of == self->image &&
      gdk_texture_get_width (self->frame_copy) == width && gdk_texture_get_height (self->frame_copy) == height)
    return self->frame_copy;
  if (scale >= QUORUM_FRAME_SCALE_BELOW || width < 1 || height < 1 || self->frame_copy_of == self->image ||
      gdk_texture_get_width (self->image) != self->image_width)
    return self->image;
  g_clear_object (&self->frame_copy);
  g_set_object (&self->frame_copy_of, self->image);
  self->frame_copy = quorum_frame_scale (self->image, width, height);
  return self->frame_copy;
}

static void
quorum_canvas_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  QuorumCanvas *self = QUORUM_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double scale_factor = gtk_widget_get_scale_factor (widget);
  QuorumView device = { self->view.scale * scale_factor, self->view.x * scale_factor,
                        self->view.y * scale_factor };
  int device_width = (int) ceil (width * scale_factor);
  int device_height = (int) ceil (height * scale_factor);
  const QuorumInstance *selected = quorum_canvas_get_selected_instance (self);
  const QuorumInstance *layer_selected = quorum_canvas_get_selected_layer_instance (self, NULL);
  gboolean focused = self->focus_selected && (selected != NULL || layer_selected != NULL);

  if (width <= 0 || height <= 0)
    return;
  self->frames++;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->tiles != NULL)
    {
      /* Only the tiles in view, at the zoom in use. */
      graphene_rect_t visible = GRAPHENE_RECT_INIT (-self->view.x / self->view.scale, -self->view.y / self->view.scale,
                                                    width / self->view.scale, height / self->view.scale);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->view.x, self->view.y));
      quorum_tiled_image_snapshot (self->tiles, snapshot, &visible, self->view.scale * scale_factor);
      gtk_snapshot_restore (snapshot);
    }
  else if (self->pyramid != NULL)
    /* Far from 1:1, a smaller copy of the image: the renderer then samples
     * about a screenful of pixels rather than the whole image. */
    quorum_image_pyramid_snapshot (self->pyramid, snapshot,
                                   &GRAPHENE_RECT_INIT (self->view.x, self->view.y,
                                                        self->image_width * self->view.scale,
                                                        self->image_height * self->view.scale),
                                   self->view.scale * scale_factor * self->image_width
                                   / gdk_texture_get_width (self->image));
  else if (self->image != NULL)
    /* A video frame (quorum_canvas_show_frame()). */
    gtk_snapshot_append_texture (snapshot, shown_frame (self, device.scale),
                                 &GRAPHENE_RECT_INIT (self->view.x, self->view.y,
                                                      self->image_width * self->view.scale,
                                                      self->image_height * self->view.scale));

  /* The overlay works in device pixels, so that it is sharp on HiDPI. */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, 1 / scale_factor, 1 / scale_factor);
  for (guint i = 0; i < self->layers->len && !focused; i++)
    {
      Layer *layer = g_ptr_array_index (self->layers, i);

      if (layer->visible)
        quorum_overlay_frame (layer->overlay, &device, device_width, device_height, append_tile, snapshot);
    }
  if (self->instances_visible && !focused)
    quorum_overlay_frame (self->overlay, &device, device_width, device_height, append_tile, snapshot);
  if (layer_selected != NULL)
    append_live (self, ((Layer *) g_ptr_array_index (self->layers, self->layer_selected))->overlay,
                 snapshot, &device, device_width, device_height, layer_selected, TRUE);
  if (selected != NULL && quorum_overlay_get_label_visible (self->overlay, selected->label))
    append_live (self, self->overlay, snapshot, &device, device_width, device_height, selected, TRUE);
  append_draft (self, snapshot, &device, device_width, device_height);
  gtk_snapshot_restore (snapshot);
  append_notes (self, snapshot, width, height);
  _quorum_canvas_snapshot_pins (self, snapshot, width, height);
  gtk_snapshot_pop (snapshot);
}

static void
quorum_canvas_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = 0;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 480;
}

static void
quorum_canvas_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  QuorumCanvas *self = QUORUM_CANVAS (widget);

  if (self->fit_pending || self->fitted)
    quorum_canvas_fit (self);
}

static void
quorum_canvas_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QuorumCanvas *self = QUORUM_CANVAS (object);

  switch (prop_id)
    {
    case PROP_IMAGE:
      g_value_set_object (value, self->image);
      break;
    case PROP_IMAGE_DETAIL:
      g_value_set_double (value, quorum_canvas_get_image_detail (self));
      break;
    case PROP_TOOL:
      g_value_set_enum (value, self->tool);
      break;
    case PROP_CURRENT_LABEL:
      g_value_set_string (value, self->current_label);
      break;
    case PROP_FILL_OPACITY:
      g_value_set_double (value, self->fill_opacity);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->view.scale);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, quorum_canvas_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, quorum_canvas_can_redo (self));
      break;
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    case PROP_INSTANCES_VISIBLE:
      g_value_set_boolean (value, self->instances_visible);
      break;
    case PROP_FOCUS_SELECTED:
      g_value_set_boolean (value, self->focus_selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_canvas_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QuorumCanvas *self = QUORUM_CANVAS (object);

  switch (prop_id)
    {
    case PROP_IMAGE:
      quorum_canvas_set_image (self, g_value_get_object (value));
      break;
    case PROP_TOOL:
      quorum_canvas_set_tool (self, g_value_get_enum (value));
      break;
    case PROP_CURRENT_LABEL:
      quorum_canvas_set_current_label (self, g_value_get_string (value));
      break;
    case PROP_FILL_OPACITY:
      quorum_canvas_set_fill_opacity (self, g_value_get_double (value));
      break;
    case PROP_EDITABLE:
      quorum_canvas_set_editable (self, g_value_get_boolean (value));
      break;
    case PROP_INSTANCES_VISIBLE:
      quorum_canvas_set_instances_visible (self, g_value_get_boolean (value));
      break;
    case PROP_FOCUS_SELECTED:
      quorum_canvas_set_focus_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_canvas_dispose (GObject *object)
{
  QuorumCanvas *self = QUORUM_CANVAS (object);

  g_clear_object (&self->image);
  g_clear_object (&self->frame_copy);
  g_clear_object (&self->frame_copy_of);
  g_clear_object (&self->tiles);
  g_clear_pointer (&self->pyramid, quorum_image_pyramid_free);
  G_OBJECT_CLASS (quorum_canvas_parent_class)->dispose (object);
}

static void
quorum_canvas_finalize (GObject *object)
{
  QuorumCanvas *self = QUORUM_CANVAS (object);

  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->overlay, quorum_overlay_free);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_clear_pointer (&self->draft, g_array_unref);
  g_clear_pointer (&self->drag_original, quorum_instance_free);
  g_clear_pointer (&self->drag_base, quorum_instance_free);
  g_free (self->current_label);
  G_OBJECT_CLASS (quorum_canvas_parent_class)->finalize (object);
}

static void
quorum_canvas_class_init (QuorumCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = quorum_canvas_get_property;
  object_class->set_property = quorum_canvas_set_property;
  object_class->dispose = quorum_canvas_dispose;
  object_class->finalize = quorum_canvas_finalize;
  widget_class->snapshot = quorum_canvas_snapshot;
  widget_class->measure = quorum_canvas_measure;
  widget_class->size_allocate = quorum_canvas_size_allocate;

  properties[PROP_IMAGE] =
    g_param_spec_object ("image", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGE_DETAIL] =
    g_param_spec_double ("image-detail", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOL] =
    g_param_spec_enum ("tool", NULL, NULL, QUORUM_TYPE_CANVAS_TOOL, QUORUM_CANVAS_TOOL_SELECT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_LABEL] =
    g_param_spec_string ("current-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILL_OPACITY] =
    g_param_spec_double ("fill-opacity", NULL, NULL, 0.0, 1.0, 0.3,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INSTANCES_VISIBLE] =
    g_param_spec_boolean ("instances-visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUS_SELECTED] =
    g_param_spec_boolean ("focus-selected", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QuorumCanvas::instances-changed:
   *
   * After every change to the instances that the user made or undid: the
   * moment to save.
   */
  signals[INSTANCES_CHANGED] =
    g_signal_new ("instances-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "quorum-canvas");
}

static void
quorum_canvas_init (QuorumCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->overlay = quorum_overlay_new ();
  quorum_overlay_set_changed_func (self->overlay, _quorum_canvas_on_overlay_changed, self);
  self->view = (QuorumView) { 1.0, 0, 0 };
  self->fill_opacity = quorum_overlay_get_style (self->overlay)->fill_opacity;
  self->selected = -1;
  self->undo = g_ptr_array_new_with_free_func (_quorum_canvas_command_free);
  self->redo = g_ptr_array_new_with_free_func (_quorum_canvas_command_free);
  self->draft = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  self->layers = g_ptr_array_new_with_free_func (_quorum_canvas_layer_free);
  self->layer_frame = G_MAXUINT;
  self->layer_selected = self->layer_position = -1;
  self->editable = TRUE;
  self->instances_visible = TRUE;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);

  _quorum_canvas_add_controllers (self);
}
GtkWidget *
quorum_canvas_new (void)
{
  return g_object_new (QUORUM_TYPE_CANVAS, NULL);
}

/* How many frames the canvas has drawn: with the overlay's missing tiles of
 * the last one, this tells when an opened task first appeared whole. */
guint
_quorum_canvas_get_frame_count (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  return self->frames;
}
