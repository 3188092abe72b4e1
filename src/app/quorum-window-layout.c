/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-window-private.h"

/*
 * The workspace's layout: the task list on the left and the side panel on
 * the right are flaps. Each stays docked beside the canvas while the canvas
 * keeps most of the window's width, and becomes an overlay above it when
 * the window is narrower (hidden until asked for: Shift+F9, F9 or the
 * header's buttons). Each is hidden by its key and resized by dragging its
 * inner edge. The canvas refits itself on a resize unless the user zoomed.
 */

/* The share of the window's width that docked panels may take together:
 * the image keeps the rest, at least 60 %. */
#define PANEL_SHARE 0.4

#define PANEL_MIN_WIDTH 220
#define PANEL_MAX_WIDTH 640

/* Which flaps dock at @width: the side panel first (it holds the labels one
 * draws with), then the task list beside it. */
void
_quorum_window_update_folds (QuorumWindow *self,
                             int           width)
{
  int tasks, side;
  gboolean side_docked, tasks_docked;

  /* The width each panel takes docked: the size it was given, or more when
   * its content needs more (the side panel's page switcher). */
  gtk_widget_measure (self->task_panel, GTK_ORIENTATION_HORIZONTAL, -1, &tasks, NULL, NULL, NULL);
  gtk_widget_measure (self->side_box, GTK_ORIENTATION_HORIZONTAL, -1, &side, NULL, NULL, NULL);
  side_docked = side <= PANEL_SHARE * width;
  tasks_docked = side_docked && tasks + side <= PANEL_SHARE * width;

  self->layout_width = width;
  /* "Auto", not "never", for a docked flap: it docks all the same at this
   * width (the canvas keeps more than its minimum beside it), and the
   * window's minimum width stays that of a folded flap, so that it can be
   * made narrower again. */
  adw_flap_set_fold_policy (self->side_flap, side_docked ? ADW_FLAP_FOLD_POLICY_AUTO
                                                         : ADW_FLAP_FOLD_POLICY_ALWAYS);
  adw_flap_set_fold_policy (self->task_flap, tasks_docked ? ADW_FLAP_FOLD_POLICY_AUTO
                                                          : ADW_FLAP_FOLD_POLICY_ALWAYS);
}

/* ---- toggling --------------------------------------------------------------- */

/* win.toggle-task-list (Shift+F9) and win.toggle-side-panel (F9). */
static void
toggle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);
  AdwFlap *flap = g_str_equal (action_name, "win.toggle-task-list") ? self->task_flap : self->side_flap;

  adw_flap_set_reveal_flap (flap, !adw_flap_get_reveal_flap (flap));
}

/* An overlay closes once a task is chosen in it: the image is what the user
 * wants to see next. */
static void
task_chosen (QuorumWindow *self)
{
  if (adw_flap_get_folded (self->task_flap))
    adw_flap_set_reveal_flap (self->task_flap, FALSE);
}

/* ---- resizing by the inner edge ------------------------------------------- */

static void
edge_drag_begin (GtkGestureDrag *gesture,
                 double          x,
                 double          y,
                 QuorumWindow   *self)
{
  GtkWidget *handle = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *panel = handle == self->task_handle ? self->task_panel : self->side_box;

  self->drag_width = gtk_widget_get_width (panel);
}

static void
edge_drag_update (GtkGestureDrag *gesture,
                  double          dx,
                  double          dy,
                  QuorumWindow   *self)
{
  GtkWidget *handle = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  gboolean tasks = handle == self->task_handle;
  GtkWidget *panel = tasks ? self->task_panel : self->side_box;
  /* The task list grows to the right, the side panel to the left. */
  int width = self->drag_width + (int) (tasks ? dx : -dx);
  int most = MIN (PANEL_MAX_WIDTH, gtk_widget_get_width (GTK_WIDGET (self)) / 2);

  gtk_widget_set_size_request (panel, CLAMP (width, PANEL_MIN_WIDTH, MAX (most, PANEL_MIN_WIDTH)), -1);
}

/* Docked or not is decided again once the edge is let go, not under the
 * pointer. */
static void
edge_drag_end (GtkGestureDrag *gesture,
               double          dx,
               double          dy,
               QuorumWindow   *self)
{
  _quorum_window_update_folds (self, gtk_widget_get_width (GTK_WIDGET (self)));
}

static void
setup_edge (QuorumWindow *self,
            GtkWidget    *handle)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_widget_set_cursor_from_name (handle, "col-resize");
  g_signal_connect (drag, "drag-begin", G_CALLBACK (edge_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (edge_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (edge_drag_end), self);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (drag));
}

void
_quorum_window_setup_layout (QuorumWindow *self)
{
  setup_edge (self, self->task_handle);
  setup_edge (self, self->side_handle);
  g_object_bind_property (self->task_flap, "reveal-flap", self->task_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->side_flap, "reveal-flap", self->side_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->tasks, "task-activated", G_CALLBACK (task_chosen), self, G_CONNECT_SWAPPED);
}

void
_quorum_window_class_init_layout (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.toggle-task-list", NULL, toggle_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-side-panel", NULL, toggle_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-side-panel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, GDK_SHIFT_MASK, "win.toggle-task-list", NULL);
}
