/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include "quorum-canvas-pins.h"
#include "quorum-canvas-private.h"
#include "quorum-image-pyramid.h"
#include "quorum-overlay.h"
#include "quorum-tiled-image.h"

#define MIN_ZOOM      0.01
#define MAX_ZOOM      64.0
#define ZOOM_STEP     1.2
#define WHEEL_PAN     48.0   /* widget pixels per wheel step */
#define GRAB_DISTANCE (QUORUM_OVERLAY_HANDLE_SIZE / 2 + 2)
#define EDGE_DISTANCE 5.0
#define CLICK_SLOP    3.0    /* a box smaller than this, in widget pixels, was a click */

/* One change to the list: @before absent means an insertion, @after absent
 * a deletion, both present a replacement. Undo applies it backwards. */
typedef struct
{
  guint           position;
  QuorumInstance *before;
  QuorumInstance *after;
} Command;

static void
command_free (gpointer data)
{
  Command *command = data;

  g_clear_pointer (&command->before, quorum_instance_free);
  g_clear_pointer (&command->after, quorum_instance_free);
  g_free (command);
}

typedef enum {
  DRAG_NONE,
  DRAG_PAN,
  DRAG_MOVE,
  DRAG_HANDLE,
  DRAG_BOX,
} DragMode;

struct _QuorumCanvas
{
  GtkWidget         parent_instance;

  GdkTexture       *image;
  /* The image's extent in image pixels: @image is drawn stretched over it
   * (a preview is smaller), or @tiles are drawn instead. */
  int               image_width;
  int               image_height;
  QuorumTiledImage *tiles;
  QuorumImagePyramid *pyramid;    /* @image and its smaller levels, without @tiles */
  QuorumOverlay    *overlay;
  QuorumView        view;         /* widget pixels */
  gboolean          fit_pending;
  gboolean          fitted;       /* the view is the fit, untouched since: refit on resize */

  QuorumCanvasTool  tool;
  char             *current_label;
  guint             frames;         /* snapshots taken, for timing */
  double            fill_opacity;
  int               selected;

  GPtrArray        *undo;         /* of Command, last on top */
  GPtrArray        *redo;

  double            pointer_x;
  double            pointer_y;
  gboolean          pointer_inside;
  gboolean          space_down;

  DragMode          drag;
  double            drag_x;
  double            drag_y;
  QuorumView        drag_view;
  QuorumInstance   *drag_original;  /* the selected instance before the drag */
  QuorumInstance   *drag_base;      /* what the drag changes: the original, maybe with a new vertex */
  guint             drag_handle;
  gboolean          drag_moved;
  QuorumPoint       box_start;
  QuorumPoint       box_end;

  GArray           *draft;          /* of QuorumPoint: the polygon or polyline being drawn */

  double            gesture_scale;

  /* Review: read-only layers under the instances, a selection in one of
   * them, and what may be changed. */
  GPtrArray        *layers;         /* of Layer, the last on top */
  int               layer_selected; /* index in @layers, or -1 */
  int               layer_position;
  gboolean          editable;
  gboolean          instances_visible;
  gboolean          focus_selected;
};

/* A read-only set of instances drawn under the editable ones: another
 * annotator's pass, the draw under review, the gold standard. */
typedef struct
{
  char          *name;
  QuorumOverlay *overlay;
  gboolean       has_color;     /* one colour for all, else the label colours */
  GdkRGBA        color;
  gboolean       visible;
  GHashTable    *notes;         /* instance id → text written beside it */
} Layer;

static void
layer_free (gpointer data)
{
  Layer *layer = data;

  g_free (layer->name);
  g_clear_pointer (&layer->overlay, quorum_overlay_free);
  g_clear_pointer (&layer->notes, g_hash_table_unref);
  g_free (layer);
}

G_DEFINE_FINAL_TYPE (QuorumCanvas, quorum_canvas, GTK_TYPE_WIDGET)

static void on_overlay_changed (gpointer overlay,
                                gpointer user_data);

static void
on_pyramid_ready (gpointer pyramid,
                  gpointer user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}

enum {
  PROP_0,
  PROP_IMAGE,
  PROP_IMAGE_DETAIL,
  PROP_TOOL,
  PROP_CURRENT_LABEL,
  PROP_FILL_OPACITY,
  PROP_ZOOM,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_EDITABLE,
  PROP_INSTANCES_VISIBLE,
  PROP_FOCUS_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  INSTANCES_CHANGED,
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

static void
set_view (QuorumCanvas     *self,
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
  set_view (self, &view);
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
  set_view (self, &view);
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
static void
zoom_anchor (QuorumCanvas *self,
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

/* ---- the list, the selection and the command stack --------------------- */

guint
quorum_canvas_get_n_instances (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  return quorum_overlay_get_n_instances (self->overlay);
}

const QuorumInstance *
quorum_canvas_get_instance (QuorumCanvas *self,
                            guint         position)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  return quorum_overlay_get_instance (self->overlay, position);
}

/**
 * quorum_canvas_get_instances:
 *
 * Returns: (transfer full) (element-type QuorumInstance): copies of the
 *   instances, in stacking order
 */
GPtrArray *
quorum_canvas_get_instances (QuorumCanvas *self)
{
  guint n = quorum_canvas_get_n_instances (self);
  GPtrArray *instances = g_ptr_array_new_full (n, (GDestroyNotify) quorum_instance_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (instances, quorum_instance_copy (quorum_overlay_get_instance (self->overlay, i)));
  return instances;
}

int
quorum_canvas_get_selected (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), -1);
  return self->selected;
}

const QuorumInstance *
quorum_canvas_get_selected_instance (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  return self->selected >= 0 ? quorum_overlay_get_instance (self->overlay, self->selected) : NULL;
}

/* @position: -1 for none */
void
quorum_canvas_select (QuorumCanvas *self,
                      int           position)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  if (position < -1 || position >= (int) quorum_overlay_get_n_instances (self->overlay))
    position = -1;
  if (position == self->selected && self->layer_selected < 0)
    return;
  self->layer_selected = -1;
  self->selected = position;
  /* The selected instance is drawn on its own over the tiles, so that
   * editing it never redraws them. */
  quorum_overlay_set_excluded (self->overlay, position);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
notify_history (QuorumCanvas *self,
                gboolean      could_undo,
                gboolean      could_redo)
{
  if (could_undo != quorum_canvas_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != quorum_canvas_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

/* Applies @command forwards or backwards and selects what it changed. */
static void
apply (QuorumCanvas  *self,
       const Command *command,
       gboolean       forwards)
{
  const QuorumInstance *from = forwards ? command->before : command->after;
  const QuorumInstance *to = forwards ? command->after : command->before;

  if (from == NULL)
    {
      quorum_canvas_select (self, -1);
      quorum_overlay_insert (self->overlay, command->position, quorum_instance_copy (to));
      quorum_canvas_select (self, command->position);
    }
  else if (to == NULL)
    {
      quorum_canvas_select (self, -1);
      quorum_instance_free (quorum_overlay_steal (self->overlay, command->position));
    }
  else
    {
      quorum_canvas_select (self, command->position);
      quorum_overlay_replace (self->overlay, command->position, quorum_instance_copy (to));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Records @command, whose change is already made. */
static void
record (QuorumCanvas *self,
        Command      *command)
{
  gboolean could_undo = quorum_canvas_can_undo (self);
  gboolean could_redo = quorum_canvas_can_redo (self);

  g_ptr_array_add (self->undo, command);
  g_ptr_array_set_size (self->redo, 0);
  notify_history (self, could_undo, could_redo);
  g_signal_emit (self, signals[INSTANCES_CHANGED], 0);
}

static void
execute (QuorumCanvas *self,
         Command      *command)
{
  apply (self, command, TRUE);
  record (self, command);
}

static Command *
command_new (guint                 position,
             const QuorumInstance *before,
             const QuorumInstance *after)
{
  Command *command = g_new0 (Command, 1);

  command->position = position;
  command->before = before ? quorum_instance_copy (before) : NULL;
  command->after = after ? quorum_instance_copy (after) : NULL;
  return command;
}

gboolean
quorum_canvas_can_undo (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  return self->undo->len > 0;
}

gboolean
quorum_canvas_can_redo (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  return self->redo->len > 0;
}

gboolean
quorum_canvas_undo (QuorumCanvas *self)
{
  gboolean could_undo, could_redo;
  Command *command;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  if (self->undo->len == 0 || self->drag != DRAG_NONE)
    return FALSE;
  could_undo = quorum_canvas_can_undo (self);
  could_redo = quorum_canvas_can_redo (self);
  command = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  apply (self, command, FALSE);
  g_ptr_array_add (self->redo, command);
  notify_history (self, could_undo, could_redo);
  g_signal_emit (self, signals[INSTANCES_CHANGED], 0);
  return TRUE;
}

gboolean
quorum_canvas_redo (QuorumCanvas *self)
{
  gboolean could_undo, could_redo;
  Command *command;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  if (self->redo->len == 0 || self->drag != DRAG_NONE)
    return FALSE;
  could_undo = quorum_canvas_can_undo (self);
  could_redo = quorum_canvas_can_redo (self);
  command = g_ptr_array_steal_index (self->redo, self->redo->len - 1);
  apply (self, command, TRUE);
  g_ptr_array_add (self->undo, command);
  notify_history (self, could_undo, could_redo);
  g_signal_emit (self, signals[INSTANCES_CHANGED], 0);
  return TRUE;
}

static void
cancel_draft (QuorumCanvas *self)
{
  if (self->draft->len == 0 && self->drag != DRAG_BOX)
    return;
  g_array_set_size (self->draft, 0);
  if (self->drag == DRAG_BOX)
    self->drag = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * quorum_canvas_set_instances:
 * @instances: (element-type QuorumInstance) (nullable): copied
 *
 * Replaces the instances, clears the selection and the undo history.
 */
void
quorum_canvas_set_instances (QuorumCanvas *self,
                             GPtrArray    *instances)
{
  gboolean could_undo, could_redo;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  could_undo = quorum_canvas_can_undo (self);
  could_redo = quorum_canvas_can_redo (self);
  self->drag = DRAG_NONE;
  g_clear_pointer (&self->drag_original, quorum_instance_free);
  g_clear_pointer (&self->drag_base, quorum_instance_free);
  cancel_draft (self);
  quorum_canvas_select (self, -1);
  quorum_overlay_set_instances (self->overlay, instances);
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  notify_history (self, could_undo, could_redo);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
add_instance (QuorumCanvas   *self,
              QuorumInstance *instance)
{
  g_autoptr(QuorumInstance) owned = instance;

  execute (self, command_new (quorum_overlay_get_n_instances (self->overlay), NULL, owned));
}

static QuorumInstance *
new_instance (QuorumCanvas *self,
              QuorumKind    kind)
{
  g_autofree char *id = g_uuid_string_random ();

  return quorum_instance_new (id, self->current_label ? self->current_label : "", kind);
}

/* What is being drawn, as shown while drawing: it needs no id yet. */
static QuorumInstance *
draft_instance (QuorumCanvas *self,
                QuorumKind    kind)
{
  return quorum_instance_new ("", self->current_label ? self->current_label : "", kind);
}

/* Changes the label of the selected instance. */
gboolean
quorum_canvas_set_instance_label (QuorumCanvas *self,
                                  const char   *label)
{
  const QuorumInstance *selected;
  g_autoptr(QuorumInstance) changed = NULL;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  g_return_val_if_fail (label != NULL, FALSE);
  selected = quorum_canvas_get_selected_instance (self);
  if (selected == NULL || g_strcmp0 (selected->label, label) == 0)
    return FALSE;
  changed = quorum_instance_copy (selected);
  g_free (changed->label);
  changed->label = g_strdup (label);
  execute (self, command_new (self->selected, selected, changed));
  return TRUE;
}

/**
 * quorum_canvas_set_instance_attributes:
 * @attributes: (transfer none): the new attribute values, copied
 *
 * Replaces the attributes of the instance at @position as one undoable step.
 *
 * Returns: %FALSE when there is no such instance or nothing changed
 */
gboolean
quorum_canvas_set_instance_attributes (QuorumCanvas *self,
                                       guint         position,
                                       JsonObject   *attributes)
{
  const QuorumInstance *instance;
  g_autoptr(QuorumInstance) changed = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  g_return_val_if_fail (attributes != NULL, FALSE);
  instance = quorum_canvas_get_instance (self, position);
  if (instance == NULL || self->drag != DRAG_NONE
      || json_object_equal (instance->attributes, attributes))
    return FALSE;
  /* A deep copy (json_node_copy shares members): the caller may go on
   * changing its object, and an instance's attributes never change. */
  node = json_node_init_object (json_node_alloc (), attributes);
  text = json_to_string (node, FALSE);
  copy = json_from_string (text, NULL);
  changed = quorum_instance_copy (instance);
  json_object_unref (changed->attributes);
  changed->attributes = json_node_dup_object (copy);
  execute (self, command_new (position, instance, changed));
  return TRUE;
}

gboolean
quorum_canvas_delete_selected (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  if (self->selected < 0 || self->drag != DRAG_NONE)
    return FALSE;
  execute (self, command_new (self->selected, quorum_canvas_get_selected_instance (self), NULL));
  return TRUE;
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

static void
update_cursor (QuorumCanvas *self)
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
  cancel_draft (self);
  self->tool = tool;
  update_cursor (self);
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

/* ---- hit-testing ------------------------------------------------------- */

/* The topmost visible instance under (@x, @y) in widget pixels, or -1. */
int
quorum_canvas_hit_test (QuorumCanvas *self,
                        double        x,
                        double        y)
{
  double ix, iy;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), -1);
  if (!self->instances_visible)
    return -1;
  quorum_view_to_image (&self->view, x, y, &ix, &iy);
  return quorum_overlay_hit_test (self->overlay, ix, iy, EDGE_DISTANCE / self->view.scale);
}

/* The handle of the selected instance under (@x, @y), or -1. */
static int
handle_at (QuorumCanvas *self,
           double        x,
           double        y)
{
  const QuorumInstance *selected = quorum_canvas_get_selected_instance (self);
  g_autoptr(GArray) handles = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  int best = -1;
  double best_distance = GRAB_DISTANCE;

  if (selected == NULL)
    return -1;
  quorum_overlay_handles (selected, handles);
  for (guint i = 0; i < handles->len; i++)
    {
      const QuorumPoint *handle = &g_array_index (handles, QuorumPoint, i);
      double hx, hy, distance;

      quorum_view_to_output (&self->view, handle->x, handle->y, &hx, &hy);
      distance = MAX (fabs (hx - x), fabs (hy - y));
      if (distance <= best_distance)
        best = i, best_distance = distance;
    }
  return best;
}

/* The edge of the selected polygon or polyline near (@x, @y): the vertex
 * that a new one would be inserted before, and where, in image pixels. */
static gboolean
edge_at (QuorumCanvas *self,
         double        x,
         double        y,
         guint        *insert_at,
         QuorumPoint  *where)
{
  const QuorumInstance *selected = quorum_canvas_get_selected_instance (self);
  double best = EDGE_DISTANCE;
  gboolean found = FALSE;
  guint n;

  if (selected == NULL
      || (selected->kind != QUORUM_KIND_POLYGON && selected->kind != QUORUM_KIND_POLYLINE))
    return FALSE;
  n = selected->n_points;
  for (guint i = 0; i < n; i++)
    {
      guint j = i + 1;
      double ax, ay, bx, by, dx, dy, t, px, py, distance;

      if (j == n)
        {
          if (selected->kind == QUORUM_KIND_POLYLINE)
            break;
          j = 0;
        }
      quorum_view_to_output (&self->view, selected->points[i].x, selected->points[i].y, &ax, &ay);
      quorum_view_to_output (&self->view, selected->points[j].x, selected->points[j].y, &bx, &by);
      dx = bx - ax, dy = by - ay;
      t = (dx * dx + dy * dy) > 0 ? ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy) : 0;
      t = CLAMP (t, 0.0, 1.0);
      px = ax + t * dx, py = ay + t * dy;
      distance = hypot (px - x, py - y);
      if (distance <= best)
        {
          best = distance;
          found = TRUE;
          *insert_at = i + 1;
          quorum_view_to_image (&self->view, px, py, &where->x, &where->y);
        }
    }
  return found;
}

static QuorumInstance *
with_vertex_inserted (const QuorumInstance *instance,
                      guint                 position,
                      const QuorumPoint    *point)
{
  QuorumInstance *copy = quorum_instance_copy (instance);
  g_autofree QuorumPoint *points = g_new (QuorumPoint, instance->n_points + 1);

  memcpy (points, instance->points, position * sizeof (QuorumPoint));
  points[position] = *point;
  memcpy (points + position + 1, instance->points + position,
          (instance->n_points - position) * sizeof (QuorumPoint));
  quorum_instance_set_points (copy, points, instance->n_points + 1);
  return copy;
}

static gboolean
insert_vertex_at (QuorumCanvas *self,
                  double        x,
                  double        y)
{
  g_autoptr(QuorumInstance) changed = NULL;
  QuorumPoint where;
  guint position;

  if (!edge_at (self, x, y, &position, &where))
    return FALSE;
  changed = with_vertex_inserted (quorum_canvas_get_selected_instance (self), position, &where);
  execute (self, command_new (self->selected, quorum_canvas_get_selected_instance (self), changed));
  return TRUE;
}

/* Never below the least its kind needs: 3 for a polygon, 2 for a polyline. */
static gboolean
delete_vertex (QuorumCanvas *self,
               guint         vertex)
{
  const QuorumInstance *selected = quorum_canvas_get_selected_instance (self);
  g_autoptr(QuorumInstance) changed = NULL;

  if (selected == NULL
      || (selected->kind != QUORUM_KIND_POLYGON && selected->kind != QUORUM_KIND_POLYLINE)
      || vertex >= selected->n_points
      || selected->n_points <= quorum_kind_min_points (selected->kind))
    return FALSE;
  changed = quorum_instance_copy (selected);
  memmove (changed->points + vertex, changed->points + vertex + 1,
           (changed->n_points - vertex - 1) * sizeof (QuorumPoint));
  changed->n_points--;
  execute (self, command_new (self->selected, selected, changed));
  return TRUE;
}

/* ---- drawing new instances --------------------------------------------- */

static void
finish_draft (QuorumCanvas *self)
{
  QuorumKind kind = self->tool == QUORUM_CANVAS_TOOL_POLYGON ? QUORUM_KIND_POLYGON
                                                              : QUORUM_KIND_POLYLINE;
  QuorumInstance *instance;

  if (self->draft->len < quorum_kind_min_points (kind))
    return;
  instance = new_instance (self, kind);
  quorum_instance_set_points (instance, (QuorumPoint *) (gpointer) self->draft->data,
                              self->draft->len);
  g_array_set_size (self->draft, 0);
  add_instance (self, instance);
}

static gboolean
near_first_vertex (QuorumCanvas *self,
                   double        x,
                   double        y)
{
  const QuorumPoint *first = &g_array_index (self->draft, QuorumPoint, 0);
  double fx, fy;

  quorum_view_to_output (&self->view, first->x, first->y, &fx, &fy);
  return hypot (fx - x, fy - y) <= GRAB_DISTANCE;
}

/* ---- read-only layers (review) ------------------------------------------ */

static Layer *
find_layer (QuorumCanvas *self,
            const char   *name,
            guint        *index)
{
  for (guint i = 0; i < self->layers->len; i++)
    {
      Layer *layer = g_ptr_array_index (self->layers, i);

      if (g_strcmp0 (layer->name, name) == 0)
        {
          if (index != NULL)
            *index = i;
          return layer;
        }
    }
  return NULL;
}

static void
select_layer (QuorumCanvas *self,
              int           index,
              int           position)
{
  if (index < 0 || position < 0)
    index = position = -1;
  if (index == self->layer_selected && position == self->layer_position && self->selected < 0)
    return;
  self->selected = -1;
  quorum_overlay_set_excluded (self->overlay, -1);
  self->layer_selected = index;
  self->layer_position = position;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* Selects the topmost instance of a shown layer at the image point. */
static gboolean
select_layer_at (QuorumCanvas *self,
                 double        ix,
                 double        iy)
{
  for (guint i = self->layers->len; i-- > 0;)
    {
      Layer *layer = g_ptr_array_index (self->layers, i);
      int hit;

      if (!layer->visible)
        continue;
      hit = quorum_overlay_hit_test (layer->overlay, ix, iy, EDGE_DISTANCE / self->view.scale);
      if (hit >= 0)
        {
          select_layer (self, i, hit);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * quorum_canvas_set_layer:
 * @name: what the layer is called, e.g. a pass's task id or "gold"
 * @instances: (element-type QuorumInstance): copied
 * @color: (nullable): one colour for every instance, else the label colours
 *
 * Adds a read-only layer of instances under the editable ones, or replaces
 * the layer of that name (which keeps its visibility). Later layers are
 * drawn over earlier ones.
 */
void
quorum_canvas_set_layer (QuorumCanvas  *self,
                         const char    *name,
                         GPtrArray     *instances,
                         const GdkRGBA *color)
{
  Layer *layer;
  guint index;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  g_return_if_fail (name != NULL);
  layer = find_layer (self, name, &index);
  if (layer == NULL)
    {
      layer = g_new0 (Layer, 1);
      layer->name = g_strdup (name);
      layer->visible = TRUE;
      layer->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (self->layers, layer);
    }
  else
    {
      if (self->layer_selected == (int) index)
        select_layer (self, -1, -1);
      g_clear_pointer (&layer->overlay, quorum_overlay_free);
    }
  layer->overlay = quorum_overlay_new ();
  quorum_overlay_set_changed_func (layer->overlay, on_overlay_changed, self);
  quorum_overlay_set_style (layer->overlay, quorum_overlay_get_style (self->overlay));
  if (self->image != NULL)
    quorum_overlay_set_extent (layer->overlay, self->image_width, self->image_height);
  layer->has_color = color != NULL;
  if (color != NULL)
    layer->color = *color;
  for (guint i = 0; instances != NULL && i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      GdkRGBA label_color;

      if (color == NULL)
        quorum_overlay_get_label_color (self->overlay, instance->label, &label_color);
      quorum_overlay_set_label_color (layer->overlay, instance->label, color != NULL ? color : &label_color);
      quorum_overlay_set_label_visible (layer->overlay, instance->label,
                                        quorum_overlay_get_label_visible (self->overlay, instance->label));
    }
  quorum_overlay_set_instances (layer->overlay, instances);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Removes every read-only layer. */
void
quorum_canvas_clear_layers (QuorumCanvas *self)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  if (self->layer_selected >= 0)
    select_layer (self, -1, -1);
  g_ptr_array_set_size (self->layers, 0);
  quorum_canvas_clear_pins (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
quorum_canvas_get_n_layers (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  return self->layers->len;
}

void
quorum_canvas_set_layer_visible (QuorumCanvas *self,
                                 const char   *name,
                                 gboolean      visible)
{
  guint index;
  Layer *layer;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  layer = find_layer (self, name, &index);
  if (layer == NULL || layer->visible == !!visible)
    return;
  layer->visible = !!visible;
  if (!visible && self->layer_selected == (int) index)
    select_layer (self, -1, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
quorum_canvas_get_layer_visible (QuorumCanvas *self,
                                 const char   *name)
{
  Layer *layer;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  layer = find_layer (self, name, NULL);
  return layer != NULL && layer->visible;
}

guint
quorum_canvas_get_layer_n_instances (QuorumCanvas *self,
                                     const char   *name)
{
  Layer *layer;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  layer = find_layer (self, name, NULL);
  return layer != NULL ? quorum_overlay_get_n_instances (layer->overlay) : 0;
}

const QuorumInstance *
quorum_canvas_get_layer_instance (QuorumCanvas *self,
                                  const char   *name,
                                  guint         position)
{
  Layer *layer;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  layer = find_layer (self, name, NULL);
  return layer != NULL ? quorum_overlay_get_instance (layer->overlay, position) : NULL;
}

/**
 * quorum_canvas_set_layer_note:
 * @note: (nullable): a short text written beside the instance, or %NULL
 *
 * Writes @note beside the instance @id of layer @name, as "Missing" on a
 * gold instance the candidate missed.
 */
void
quorum_canvas_set_layer_note (QuorumCanvas *self,
                              const char   *name,
                              const char   *id,
                              const char   *note)
{
  Layer *layer;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  layer = find_layer (self, name, NULL);
  if (layer == NULL || id == NULL)
    return;
  if (note != NULL)
    g_hash_table_replace (layer->notes, g_strdup (id), g_strdup (note));
  else
    g_hash_table_remove (layer->notes, id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
quorum_canvas_get_layer_note (QuorumCanvas *self,
                              const char   *name,
                              const char   *id)
{
  Layer *layer;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  layer = find_layer (self, name, NULL);
  return layer != NULL && id != NULL ? g_hash_table_lookup (layer->notes, id) : NULL;
}

/* Selects the instance @id of layer @name; %FALSE when there is none. */
gboolean
quorum_canvas_select_layer_instance (QuorumCanvas *self,
                                     const char   *name,
                                     const char   *id)
{
  guint index;
  Layer *layer;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  layer = find_layer (self, name, &index);
  if (layer == NULL || !layer->visible)
    return FALSE;
  for (guint i = 0; i < quorum_overlay_get_n_instances (layer->overlay); i++)
    if (g_strcmp0 (quorum_overlay_get_instance (layer->overlay, i)->id, id) == 0)
      {
        select_layer (self, index, i);
        return TRUE;
      }
  return FALSE;
}

/**
 * quorum_canvas_get_selected_layer_instance:
 * @name: (out) (optional): the layer's name
 *
 * Returns: (nullable): the selected instance of a read-only layer
 */
const QuorumInstance *
quorum_canvas_get_selected_layer_instance (QuorumCanvas  *self,
                                           const char   **name)
{
  Layer *layer;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), NULL);
  if (self->layer_selected < 0)
    return NULL;
  layer = g_ptr_array_index (self->layers, self->layer_selected);
  if (name != NULL)
    *name = layer->name;
  return quorum_overlay_get_instance (layer->overlay, self->layer_position);
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
  cancel_draft (self);
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

/* ---- controllers ------------------------------------------------------- */

gboolean
_quorum_canvas_drag_begin (QuorumCanvas    *self,
                           guint            button,
                           GdkModifierType  state,
                           double           x,
                           double           y)
{
  QuorumPoint point;
  int handle, hit;
  guint insert_at;
  QuorumPoint where;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->pointer_x = x, self->pointer_y = y;
  self->drag_x = x, self->drag_y = y;
  self->drag_moved = FALSE;
  if (button == GDK_BUTTON_MIDDLE || (button == GDK_BUTTON_PRIMARY && self->space_down))
    {
      self->drag = DRAG_PAN;
      self->drag_view = self->view;
      update_cursor (self);
      return TRUE;
    }
  if (button != GDK_BUTTON_PRIMARY)
    return FALSE;

  quorum_view_to_image (&self->view, x, y, &point.x, &point.y);
  if (!self->editable && self->tool != QUORUM_CANVAS_TOOL_SELECT)
    return FALSE;
  switch (self->tool)
    {
    case QUORUM_CANVAS_TOOL_SELECT:
      if (!self->editable)
        ;
      else if ((handle = handle_at (self, x, y)) >= 0)
        {
          self->drag_original = quorum_instance_copy (quorum_canvas_get_selected_instance (self));
          self->drag_base = quorum_instance_copy (self->drag_original);
          self->drag_handle = handle;
          self->drag = DRAG_HANDLE;
          return TRUE;
        }
      else if ((state & GDK_CONTROL_MASK) && edge_at (self, x, y, &insert_at, &where))
        {
          /* Ctrl+click on an edge: a new vertex, dragged at once. */
          self->drag_original = quorum_instance_copy (quorum_canvas_get_selected_instance (self));
          self->drag_base = with_vertex_inserted (self->drag_original, insert_at, &where);
          self->drag_handle = insert_at;
          self->drag = DRAG_HANDLE;
          self->drag_moved = TRUE;
          quorum_overlay_replace (self->overlay, self->selected, quorum_instance_copy (self->drag_base));
          gtk_widget_queue_draw (GTK_WIDGET (self));
          return TRUE;
        }
      /* The selected instance is drawn on top, so it wins over those below. */
      if (self->selected >= 0 && self->instances_visible
          && quorum_overlay_hit_instance (self->overlay, self->selected, point.x, point.y,
                                          EDGE_DISTANCE / self->view.scale))
        hit = self->selected;
      else
        hit = quorum_canvas_hit_test (self, x, y);
      if (hit < 0 && select_layer_at (self, point.x, point.y))
        return FALSE;
      quorum_canvas_select (self, hit);
      if (hit < 0 || !self->editable)
        return FALSE;
      self->drag_original = quorum_instance_copy (quorum_canvas_get_selected_instance (self));
      self->drag_base = quorum_instance_copy (self->drag_original);
      self->drag = DRAG_MOVE;
      return TRUE;

    case QUORUM_CANVAS_TOOL_BOX:
      self->box_start = self->box_end = point;
      self->drag = DRAG_BOX;
      return TRUE;

    case QUORUM_CANVAS_TOOL_POLYGON:
    case QUORUM_CANVAS_TOOL_POLYLINE:
      if (self->tool == QUORUM_CANVAS_TOOL_POLYGON && self->draft->len >= 3
          && near_first_vertex (self, x, y))
        finish_draft (self);
      else
        {
          g_array_append_val (self->draft, point);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return FALSE;

    case QUORUM_CANVAS_TOOL_POINT:
      {
        QuorumInstance *instance = new_instance (self, QUORUM_KIND_POINT);

        quorum_instance_set_points (instance, &point, 1);
        add_instance (self, instance);
      }
      return FALSE;

    case QUORUM_CANVAS_TOOL_TAG:
      add_instance (self, new_instance (self, QUORUM_KIND_TAG));
      return FALSE;

    default:
      return FALSE;
    }
}

static void
drag_edit (QuorumCanvas *self,
           double        x,
           double        y)
{
  g_autoptr(QuorumInstance) changed = quorum_instance_copy (self->drag_base);
  double dx = (x - self->drag_x) / self->view.scale;
  double dy = (y - self->drag_y) / self->view.scale;

  if (self->drag == DRAG_MOVE)
    {
      for (guint i = 0; i < changed->n_points; i++)
        changed->points[i].x += dx, changed->points[i].y += dy;
    }
  else if (changed->kind == QUORUM_KIND_BOX)
    {
      /* Corners 0 and 2 are the box's points; 1 and 3 mix their coordinates. */
      static const struct { guint x, y; } owner[4] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };
      guint h = self->drag_handle;

      changed->points[owner[h].x].x = self->drag_base->points[owner[h].x].x + dx;
      changed->points[owner[h].y].y = self->drag_base->points[owner[h].y].y + dy;
    }
  else if (self->drag_handle < changed->n_points)
    {
      changed->points[self->drag_handle].x += dx;
      changed->points[self->drag_handle].y += dy;
    }
  quorum_overlay_replace (self->overlay, self->selected, g_steal_pointer (&changed));
}

void
_quorum_canvas_drag_update (QuorumCanvas *self,
                            double        x,
                            double        y)
{
  QuorumView view;

  self->pointer_x = x, self->pointer_y = y;
  if (x != self->drag_x || y != self->drag_y)
    self->drag_moved = TRUE;
  switch (self->drag)
    {
    case DRAG_PAN:
      view = self->drag_view;
      view.x += x - self->drag_x;
      view.y += y - self->drag_y;
      set_view (self, &view);
      break;

    case DRAG_MOVE:
    case DRAG_HANDLE:
      if (self->drag_moved)
        {
          drag_edit (self, x, y);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      break;

    case DRAG_BOX:
      quorum_view_to_image (&self->view, x, y, &self->box_end.x, &self->box_end.y);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;

    case DRAG_NONE:
    default:
      break;
    }
}

static gboolean
instances_equal (const QuorumInstance *a,
                 const QuorumInstance *b)
{
  return a->n_points == b->n_points
         && memcmp (a->points, b->points, a->n_points * sizeof (QuorumPoint)) == 0
         && g_strcmp0 (a->label, b->label) == 0;
}

void
_quorum_canvas_drag_end (QuorumCanvas *self,
                         double        x,
                         double        y)
{
  DragMode drag = self->drag;

  _quorum_canvas_drag_update (self, x, y);
  self->drag = DRAG_NONE;
  switch (drag)
    {
    case DRAG_MOVE:
    case DRAG_HANDLE:
      {
        const QuorumInstance *now = quorum_canvas_get_selected_instance (self);

        if (now != NULL && self->drag_moved && !instances_equal (now, self->drag_original))
          record (self, command_new (self->selected, self->drag_original, now));
      }
      break;

    case DRAG_BOX:
      if (fabs (x - self->drag_x) >= CLICK_SLOP && fabs (y - self->drag_y) >= CLICK_SLOP)
        {
          QuorumInstance *instance = new_instance (self, QUORUM_KIND_BOX);
          QuorumPoint corners[2] = { self->box_start, self->box_end };

          quorum_instance_set_points (instance, corners, 2);
          add_instance (self, instance);
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;

    case DRAG_PAN:
    case DRAG_NONE:
    default:
      break;
    }
  g_clear_pointer (&self->drag_original, quorum_instance_free);
  g_clear_pointer (&self->drag_base, quorum_instance_free);
  update_cursor (self);
}

void
_quorum_canvas_click (QuorumCanvas    *self,
                      guint            button,
                      int              n_press,
                      GdkModifierType  state,
                      double           x,
                      double           y)
{
  int handle;

  if (self->tool != QUORUM_CANVAS_TOOL_SELECT || self->drag != DRAG_NONE || !self->editable)
    return;
  if (button == GDK_BUTTON_SECONDARY && (handle = handle_at (self, x, y)) >= 0)
    delete_vertex (self, handle);
  else if (button == GDK_BUTTON_PRIMARY && n_press == 2 && handle_at (self, x, y) < 0)
    insert_vertex_at (self, x, y);
}

void
_quorum_canvas_pointer_motion (QuorumCanvas *self,
                               double        x,
                               double        y)
{
  self->pointer_x = x, self->pointer_y = y;
  self->pointer_inside = TRUE;
  if (self->draft->len > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
_quorum_canvas_key_pressed (QuorumCanvas    *self,
                            guint            keyval,
                            GdkModifierType  state)
{
  gboolean control = (state & GDK_CONTROL_MASK) != 0;
  gboolean shift = (state & GDK_SHIFT_MASK) != 0;
  double x, y;
  int handle;

  if (control)
    {
      switch (keyval)
        {
        case GDK_KEY_z:
        case GDK_KEY_Z:
          if (shift)
            quorum_canvas_redo (self);
          else
            quorum_canvas_undo (self);
          return TRUE;
        case GDK_KEY_y:
        case GDK_KEY_Y:
          quorum_canvas_redo (self);
          return TRUE;
        default:
          return FALSE;
        }
    }

  zoom_anchor (self, &x, &y);
  switch (keyval)
    {
    case GDK_KEY_space:
      self->space_down = TRUE;
      update_cursor (self);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      quorum_canvas_zoom_at (self, ZOOM_STEP, x, y);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      quorum_canvas_zoom_at (self, 1 / ZOOM_STEP, x, y);
      return TRUE;
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
      quorum_canvas_fit (self);
      return TRUE;
    case GDK_KEY_1:
    case GDK_KEY_KP_1:
      quorum_canvas_set_zoom_1_1 (self);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->draft->len > 0 || self->drag == DRAG_BOX)
        cancel_draft (self);
      else
        quorum_canvas_select (self, -1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      if (self->draft->len == 0)
        return FALSE;
      finish_draft (self);
      return TRUE;
    case GDK_KEY_BackSpace:
      if (self->draft->len == 0)
        return FALSE;
      g_array_set_size (self->draft, self->draft->len - 1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return TRUE;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      if (!self->editable)
        return FALSE;
      /* On a vertex of the selected instance, the vertex; else the instance. */
      if (self->pointer_inside && (handle = handle_at (self, self->pointer_x, self->pointer_y)) >= 0
          && delete_vertex (self, handle))
        return TRUE;
      return quorum_canvas_delete_selected (self);
    default:
      return FALSE;
    }
}

void
_quorum_canvas_key_released (QuorumCanvas    *self,
                             guint            keyval,
                             GdkModifierType  state)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_down = FALSE;
      update_cursor (self);
    }
}

/* Like an image editor: scrolling pans (two fingers on a touchpad, Shift
 * for sideways with a wheel), Ctrl+scroll zooms at the pointer. */
gboolean
_quorum_canvas_scroll (QuorumCanvas    *self,
                       double           dx,
                       double           dy,
                       GdkScrollUnit    unit,
                       GdkModifierType  state)
{
  QuorumView view = self->view;
  double step = unit == GDK_SCROLL_UNIT_WHEEL ? WHEEL_PAN : 1.0;
  double x, y;

  if (state & GDK_CONTROL_MASK)
    {
      double factor = unit == GDK_SCROLL_UNIT_WHEEL ? pow (ZOOM_STEP, -dy) : exp (-dy * 0.01);

      zoom_anchor (self, &x, &y);
      quorum_canvas_zoom_at (self, factor, x, y);
      return TRUE;
    }
  if ((state & GDK_SHIFT_MASK) && dx == 0)
    dx = dy, dy = 0;
  view.x -= dx * step;
  view.y -= dy * step;
  set_view (self, &view);
  return TRUE;
}

QuorumOverlay *
_quorum_canvas_get_overlay (QuorumCanvas *self)
{
  return self->overlay;
}

gboolean
_quorum_canvas_is_drafting (QuorumCanvas *self)
{
  return self->draft->len > 0 || self->drag == DRAG_BOX;
}

static GdkModifierType
current_state (gpointer controller)
{
  return gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
}

static guint
current_button (GtkGesture *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  /* Signals emitted without an event (tests, accessibility) act as a left click. */
  return button != 0 ? button : GDK_BUTTON_PRIMARY;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               QuorumCanvas   *self)
{
  if (_quorum_canvas_drag_begin (self, current_button (GTK_GESTURE (gesture)), current_state (gesture), x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                QuorumCanvas   *self)
{
  _quorum_canvas_drag_update (self, self->drag_x + offset_x, self->drag_y + offset_y);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             QuorumCanvas   *self)
{
  _quorum_canvas_drag_end (self, self->drag_x + offset_x, self->drag_y + offset_y);
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  QuorumCanvas    *self)
{
  _quorum_canvas_click (self, current_button (GTK_GESTURE (gesture)), n_press,
                        current_state (gesture), x, y);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           QuorumCanvas             *self)
{
  _quorum_canvas_pointer_motion (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *controller,
          QuorumCanvas             *self)
{
  self->pointer_inside = FALSE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                QuorumCanvas          *self)
{
  return _quorum_canvas_key_pressed (self, keyval, state);
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 QuorumCanvas          *self)
{
  _quorum_canvas_key_released (self, keyval, state);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           QuorumCanvas             *self)
{
  return _quorum_canvas_scroll (self, dx, dy, gtk_event_controller_scroll_get_unit (controller),
                                current_state (controller));
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               QuorumCanvas     *self)
{
  self->gesture_scale = self->view.scale;
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       QuorumCanvas   *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    zoom_anchor (self, &x, &y);
  quorum_canvas_zoom_at (self, self->gesture_scale * scale / self->view.scale, x, y);
}

static void
on_overlay_changed (gpointer overlay,
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
      g_autoptr(QuorumInstance) box = draft_instance (self, QUORUM_KIND_BOX);
      QuorumPoint corners[2] = { self->box_start, self->box_end };

      quorum_instance_set_points (box, corners, 2);
      append_live (self, self->overlay, snapshot, view, width, height, box, FALSE);
    }
  else if (self->draft->len > 0)
    {
      g_autoptr(QuorumInstance) line = draft_instance (self, QUORUM_KIND_POLYLINE);

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
  GtkGesture *click, *drag, *zoom;
  GtkEventController *motion, *key, *scroll;

  self->overlay = quorum_overlay_new ();
  quorum_overlay_set_changed_func (self->overlay, on_overlay_changed, self);
  self->view = (QuorumView) { 1.0, 0, 0 };
  self->fill_opacity = quorum_overlay_get_style (self->overlay)->fill_opacity;
  self->selected = -1;
  self->undo = g_ptr_array_new_with_free_func (command_free);
  self->redo = g_ptr_array_new_with_free_func (command_free);
  self->draft = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  self->layers = g_ptr_array_new_with_free_func (layer_free);
  self->layer_selected = self->layer_position = -1;
  self->editable = TRUE;
  self->instances_visible = TRUE;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (key, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (widget, key);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);
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
