/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include "quorum-canvas-internal.h"
#include "quorum-canvas-pins.h"

/* The canvas's read-only layers (review, consensus, gold) under the
 * instances, their notes and a selection in them. */

void
_quorum_canvas_layer_free (gpointer data)
{
  Layer *layer = data;

  g_free (layer->name);
  g_clear_pointer (&layer->overlay, quorum_overlay_free);
  g_clear_pointer (&layer->notes, g_hash_table_unref);
  g_clear_pointer (&layer->tracks, quorum_track_index_free);
  g_clear_pointer (&layer->all, g_ptr_array_unref);
  g_free (layer);
}

/* ---- read-only layers (review) ------------------------------------------ */

/* What @layer shows: everything, or on a video the frame's. */
static void
show_layer_frame (QuorumCanvas *self,
                  Layer        *layer)
{
  g_autoptr(GPtrArray) shown = NULL;

  if (self->layer_frame == G_MAXUINT)
    {
      quorum_overlay_set_instances (layer->overlay, layer->all);
      return;
    }
  shown = quorum_tracks_at_frame (layer->tracks, layer->all, self->layer_frame);
  quorum_overlay_set_instances (layer->overlay, shown);
}

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
  _quorum_canvas_emit (self, SELECTION_CHANGED);
}

/* Selects the topmost instance of a shown layer at the image point. */
gboolean
_quorum_canvas_select_layer_at (QuorumCanvas *self,
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
  quorum_overlay_set_changed_func (layer->overlay, _quorum_canvas_on_overlay_changed, self);
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
  g_clear_pointer (&layer->tracks, quorum_track_index_free);
  g_clear_pointer (&layer->all, g_ptr_array_unref);
  layer->all = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  for (guint i = 0; instances != NULL && i < instances->len; i++)
    g_ptr_array_add (layer->all, quorum_instance_copy (g_ptr_array_index (instances, i)));
  layer->tracks = quorum_track_index_new (layer->all);
  show_layer_frame (self, layer);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * quorum_canvas_set_layer_frame:
 * @frame: a video's frame, or %G_MAXUINT for an image (every instance)
 *
 * The layers of a video show one frame: each track where it is (interpolated
 * between its anchors) and the instances of that frame.
 */
void
quorum_canvas_set_layer_frame (QuorumCanvas *self,
                               guint         frame)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  if (frame == self->layer_frame)
    return;
  self->layer_frame = frame;
  if (self->layer_selected >= 0)
    select_layer (self, -1, -1);
  for (guint i = 0; i < self->layers->len; i++)
    show_layer_frame (self, g_ptr_array_index (self->layers, i));
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
