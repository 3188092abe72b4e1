/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include "quorum-canvas-internal.h"

/* The canvas's instances: the list, the selection, the undo stack,
 * hit-testing and the drafts of new instances. */

void
_quorum_canvas_command_free (gpointer data)
{
  Command *command = data;

  g_clear_pointer (&command->before, quorum_instance_free);
  g_clear_pointer (&command->after, quorum_instance_free);
  g_free (command);
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
  _quorum_canvas_emit (self, SELECTION_CHANGED);
}

static void
notify_history (QuorumCanvas *self,
                gboolean      could_undo,
                gboolean      could_redo)
{
  if (could_undo != quorum_canvas_can_undo (self))
    _quorum_canvas_notify (self, PROP_CAN_UNDO);
  if (could_redo != quorum_canvas_can_redo (self))
    _quorum_canvas_notify (self, PROP_CAN_REDO);
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
void
_quorum_canvas_record (QuorumCanvas *self,
                       Command      *command)
{
  gboolean could_undo = quorum_canvas_can_undo (self);
  gboolean could_redo = quorum_canvas_can_redo (self);

  g_ptr_array_add (self->undo, command);
  g_ptr_array_set_size (self->redo, 0);
  notify_history (self, could_undo, could_redo);
  _quorum_canvas_emit (self, INSTANCES_CHANGED);
}

static void
execute (QuorumCanvas *self,
         Command      *command)
{
  apply (self, command, TRUE);
  _quorum_canvas_record (self, command);
}

Command *
_quorum_canvas_command_new (guint                 position,
                            const QuorumInstance *before,
                            const QuorumInstance *after)
{
  Command *command = g_new0 (Command, 1);

  command->position = position;
  command->before = before ? quorum_instance_copy (before) : NULL;
  command->after = after ? quorum_instance_copy (after) : NULL;
  /* An edited frame of a video track is a keyframe from now on
   * (docs/video-annotation.md). */
  if (command->before != NULL && command->after != NULL && command->after->track_id != NULL)
    {
      command->after->keyframe = TRUE;
      command->after->outside = FALSE;
    }
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
  _quorum_canvas_emit (self, INSTANCES_CHANGED);
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
  _quorum_canvas_emit (self, INSTANCES_CHANGED);
  return TRUE;
}

void
_quorum_canvas_cancel_draft (QuorumCanvas *self)
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
  _quorum_canvas_cancel_draft (self);
  quorum_canvas_select (self, -1);
  quorum_overlay_set_instances (self->overlay, instances);
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  notify_history (self, could_undo, could_redo);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_quorum_canvas_add_instance (QuorumCanvas   *self,
                             QuorumInstance *instance)
{
  g_autoptr(QuorumInstance) owned = instance;

  execute (self, _quorum_canvas_command_new (quorum_overlay_get_n_instances (self->overlay), NULL, owned));
}

QuorumInstance *
_quorum_canvas_new_instance (QuorumCanvas *self,
                             QuorumKind    kind)
{
  g_autofree char *id = g_uuid_string_random ();

  return quorum_instance_new (id, self->current_label ? self->current_label : "", kind);
}

/* What is being drawn, as shown while drawing: it needs no id yet. */
QuorumInstance *
_quorum_canvas_draft_instance (QuorumCanvas *self,
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
  execute (self, _quorum_canvas_command_new (self->selected, selected, changed));
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
  execute (self, _quorum_canvas_command_new (position, instance, changed));
  return TRUE;
}

gboolean
quorum_canvas_delete_selected (QuorumCanvas *self)
{
  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  if (self->selected < 0 || self->drag != DRAG_NONE)
    return FALSE;
  execute (self, _quorum_canvas_command_new (self->selected, quorum_canvas_get_selected_instance (self), NULL));
  return TRUE;
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
int
_quorum_canvas_handle_at (QuorumCanvas *self,
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
gboolean
_quorum_canvas_edge_at (QuorumCanvas *self,
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

QuorumInstance *
_quorum_canvas_with_vertex_inserted (const QuorumInstance *instance,
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

gboolean
_quorum_canvas_insert_vertex_at (QuorumCanvas *self,
                                 double        x,
                                 double        y)
{
  g_autoptr(QuorumInstance) changed = NULL;
  QuorumPoint where;
  guint position;

  if (!_quorum_canvas_edge_at (self, x, y, &position, &where))
    return FALSE;
  changed = _quorum_canvas_with_vertex_inserted (quorum_canvas_get_selected_instance (self), position, &where);
  execute (self, _quorum_canvas_command_new (self->selected, quorum_canvas_get_selected_instance (self), changed));
  return TRUE;
}

/* Never below the least its kind needs: 3 for a polygon, 2 for a polyline. */
gboolean
_quorum_canvas_delete_vertex (QuorumCanvas *self,
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
  execute (self, _quorum_canvas_command_new (self->selected, selected, changed));
  return TRUE;
}

/* ---- drawing new instances --------------------------------------------- */

void
_quorum_canvas_finish_draft (QuorumCanvas *self)
{
  QuorumKind kind = self->tool == QUORUM_CANVAS_TOOL_POLYGON ? QUORUM_KIND_POLYGON
                                                              : QUORUM_KIND_POLYLINE;
  QuorumInstance *instance;

  if (self->draft->len < quorum_kind_min_points (kind))
    return;
  instance = _quorum_canvas_new_instance (self, kind);
  quorum_instance_set_points (instance, (QuorumPoint *) (gpointer) self->draft->data,
                              self->draft->len);
  g_array_set_size (self->draft, 0);
  _quorum_canvas_add_instance (self, instance);
}

gboolean
_quorum_canvas_near_first_vertex (QuorumCanvas *self,
                                  double        x,
                                  double        y)
{
  const QuorumPoint *first = &g_array_index (self->draft, QuorumPoint, 0);
  double fx, fy;

  quorum_view_to_output (&self->view, first->x, first->y, &fx, &fy);
  return hypot (fx - x, fy - y) <= GRAB_DISTANCE;
}
