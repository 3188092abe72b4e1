/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include "quorum-canvas-internal.h"

/* The canvas's pointer, keys, scroll and gestures. */

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
      _quorum_canvas_update_cursor (self);
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
      else if ((handle = _quorum_canvas_handle_at (self, x, y)) >= 0)
        {
          self->drag_original = quorum_instance_copy (quorum_canvas_get_selected_instance (self));
          self->drag_base = quorum_instance_copy (self->drag_original);
          self->drag_handle = handle;
          self->drag = DRAG_HANDLE;
          return TRUE;
        }
      else if ((state & GDK_CONTROL_MASK) && _quorum_canvas_edge_at (self, x, y, &insert_at, &where))
        {
          /* Ctrl+click on an edge: a new vertex, dragged at once. */
          self->drag_original = quorum_instance_copy (quorum_canvas_get_selected_instance (self));
          self->drag_base = _quorum_canvas_with_vertex_inserted (self->drag_original, insert_at, &where);
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
      if (hit < 0 && _quorum_canvas_select_layer_at (self, point.x, point.y))
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
          && _quorum_canvas_near_first_vertex (self, x, y))
        _quorum_canvas_finish_draft (self);
      else
        {
          g_array_append_val (self->draft, point);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return FALSE;

    case QUORUM_CANVAS_TOOL_POINT:
      {
        QuorumInstance *instance = _quorum_canvas_new_instance (self, QUORUM_KIND_POINT);

        quorum_instance_set_points (instance, &point, 1);
        _quorum_canvas_add_instance (self, instance);
      }
      return FALSE;

    case QUORUM_CANVAS_TOOL_TAG:
      _quorum_canvas_add_instance (self, _quorum_canvas_new_instance (self, QUORUM_KIND_TAG));
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
      _quorum_canvas_set_view (self, &view);
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
          {
            Command *command = _quorum_canvas_command_new (self->selected, self->drag_original, now);

            /* The command made it a keyframe: so is what is shown. */
            if (command->after->keyframe != now->keyframe)
              quorum_overlay_replace (self->overlay, self->selected, quorum_instance_copy (command->after));
            _quorum_canvas_record (self, command);
          }
      }
      break;

    case DRAG_BOX:
      if (fabs (x - self->drag_x) >= CLICK_SLOP && fabs (y - self->drag_y) >= CLICK_SLOP)
        {
          QuorumInstance *instance = _quorum_canvas_new_instance (self, QUORUM_KIND_BOX);
          QuorumPoint corners[2] = { self->box_start, self->box_end };

          quorum_instance_set_points (instance, corners, 2);
          _quorum_canvas_add_instance (self, instance);
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
  _quorum_canvas_update_cursor (self);
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
  if (button == GDK_BUTTON_SECONDARY && (handle = _quorum_canvas_handle_at (self, x, y)) >= 0)
    _quorum_canvas_delete_vertex (self, handle);
  else if (button == GDK_BUTTON_PRIMARY && n_press == 2 && _quorum_canvas_handle_at (self, x, y) < 0)
    _quorum_canvas_insert_vertex_at (self, x, y);
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

  _quorum_canvas_zoom_anchor (self, &x, &y);
  switch (keyval)
    {
    case GDK_KEY_space:
      self->space_down = TRUE;
      _quorum_canvas_update_cursor (self);
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
        _quorum_canvas_cancel_draft (self);
      else if (self->selected < 0 && self->layer_selected < 0)
        /* Nothing to deselect, said anyway: on a video it ends "the
         * track drawing continues" (QuorumTrackEditor). */
        _quorum_canvas_emit (self, SELECTION_CHANGED);
      else
        quorum_canvas_select (self, -1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      if (self->draft->len == 0)
        return FALSE;
      _quorum_canvas_finish_draft (self);
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
      if (self->pointer_inside && (handle = _quorum_canvas_handle_at (self, self->pointer_x, self->pointer_y)) >= 0
          && _quorum_canvas_delete_vertex (self, handle))
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
      _quorum_canvas_update_cursor (self);
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

      _quorum_canvas_zoom_anchor (self, &x, &y);
      quorum_canvas_zoom_at (self, factor, x, y);
      return TRUE;
    }
  if ((state & GDK_SHIFT_MASK) && dx == 0)
    dx = dy, dy = 0;
  view.x -= dx * step;
  view.y -= dy * step;
  _quorum_canvas_set_view (self, &view);
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
    _quorum_canvas_zoom_anchor (self, &x, &y);
  quorum_canvas_zoom_at (self, self->gesture_scale * scale / self->view.scale, x, y);
}

/* The pointer, keys, scroll and gestures, each calling one of the
 * functions above. */
void
_quorum_canvas_add_controllers (QuorumCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click, *drag, *zoom;
  GtkEventController *motion, *key, *scroll;

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
