/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <locale.h>
#include <math.h>

#include "quorum-canvas-private.h"
#include "quorum-frame-scale.h"

#define IMAGE_WIDTH  1000
#define IMAGE_HEIGHT 800

typedef struct
{
  GtkWindow    *window;
  QuorumCanvas *canvas;
  guint         changes;
  guint         selections;
} Fixture;

static void
iterate (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static GdkTexture *
grey_image (void)
{
  gsize size = (gsize) IMAGE_WIDTH * IMAGE_HEIGHT * 3;
  guchar *pixels = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;

  memset (pixels, 0x80, size);
  bytes = g_bytes_new_take (pixels, size);
  return gdk_memory_texture_new (IMAGE_WIDTH, IMAGE_HEIGHT, GDK_MEMORY_R8G8B8, bytes,
                                 IMAGE_WIDTH * 3);
}

static void
on_changed (QuorumCanvas *canvas,
            Fixture      *fixture)
{
  fixture->changes++;
}

static void
on_selection (QuorumCanvas *canvas,
              Fixture      *fixture)
{
  fixture->selections++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GdkTexture) image = grey_image ();
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 800, 600);
  fixture->canvas = QUORUM_CANVAS (quorum_canvas_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->canvas));
  quorum_canvas_set_image (fixture->canvas, image);
  quorum_canvas_set_current_label (fixture->canvas, "car");
  g_signal_connect (fixture->canvas, "instances-changed", G_CALLBACK (on_changed), fixture);
  g_signal_connect (fixture->canvas, "selection-changed", G_CALLBACK (on_selection), fixture);
  gtk_window_present (fixture->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->canvas))
         || gtk_widget_get_width (GTK_WIDGET (fixture->canvas)) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
    }
  iterate (50);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  iterate (20);
}

static void
to_image (Fixture *fixture,
          double   x,
          double   y,
          QuorumPoint *point)
{
  quorum_canvas_widget_to_image (fixture->canvas, x, y, &point->x, &point->y);
}

static void
to_widget (Fixture           *fixture,
           const QuorumPoint *point,
           double            *x,
           double            *y)
{
  quorum_canvas_image_to_widget (fixture->canvas, point->x, point->y, x, y);
}

static void
click (Fixture *fixture,
       double   x,
       double   y)
{
  if (_quorum_canvas_drag_begin (fixture->canvas, GDK_BUTTON_PRIMARY, 0, x, y))
    _quorum_canvas_drag_end (fixture->canvas, x, y);
  _quorum_canvas_click (fixture->canvas, GDK_BUTTON_PRIMARY, 1, 0, x, y);
}

static void
drag (Fixture         *fixture,
      guint            button,
      GdkModifierType  state,
      double           x0,
      double           y0,
      double           x1,
      double           y1)
{
  g_assert_true (_quorum_canvas_drag_begin (fixture->canvas, button, state, x0, y0));
  _quorum_canvas_drag_update (fixture->canvas, (x0 + x1) / 2, (y0 + y1) / 2);
  _quorum_canvas_drag_update (fixture->canvas, x1, y1);
  _quorum_canvas_drag_end (fixture->canvas, x1, y1);
}

static void
key (Fixture         *fixture,
     guint            keyval,
     GdkModifierType  state)
{
  _quorum_canvas_key_pressed (fixture->canvas, keyval, state);
  _quorum_canvas_key_released (fixture->canvas, keyval, state);
}

static void
assert_point (const QuorumPoint *actual,
              const QuorumPoint *expected)
{
  g_assert_cmpfloat_with_epsilon (actual->x, expected->x, 1e-9);
  g_assert_cmpfloat_with_epsilon (actual->y, expected->y, 1e-9);
}

static QuorumInstance *
make (const char *id,
      const char *label,
      QuorumKind  kind,
      guint       n,
      ...)
{
  QuorumInstance *instance = quorum_instance_new (id, label, kind);
  g_autofree QuorumPoint *points = g_new (QuorumPoint, n);
  va_list args;

  va_start (args, n);
  for (guint i = 0; i < n; i++)
    {
      points[i].x = va_arg (args, double);
      points[i].y = va_arg (args, double);
    }
  va_end (args);
  quorum_instance_set_points (instance, points, n);
  return instance;
}

static void
set_instances (Fixture *fixture,
               ...)
{
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  QuorumInstance *instance;
  va_list args;

  va_start (args, fixture);
  while ((instance = va_arg (args, QuorumInstance *)) != NULL)
    g_ptr_array_add (instances, instance);
  va_end (args);
  quorum_canvas_set_instances (fixture->canvas, instances);
}

/* The whole list, as a string that differs when any field that matters does. */
static char *
describe (QuorumCanvas *canvas)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < quorum_canvas_get_n_instances (canvas); i++)
    {
      const QuorumInstance *instance = quorum_canvas_get_instance (canvas, i);

      g_string_append_printf (text, "%s %s %s:", instance->id, instance->label,
                              quorum_kind_to_string (instance->kind));
      for (guint p = 0; p < instance->n_points; p++)
        g_string_append_printf (text, " %.17g,%.17g", instance->points[p].x, instance->points[p].y);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_fit (Fixture       *fixture,
          gconstpointer  data)
{
  double width = gtk_widget_get_width (GTK_WIDGET (fixture->canvas));
  double height = gtk_widget_get_height (GTK_WIDGET (fixture->canvas));
  double scale = MIN (width / IMAGE_WIDTH, height / IMAGE_HEIGHT);
  double x, y;

  g_assert_cmpfloat_with_epsilon (quorum_canvas_get_zoom (fixture->canvas), scale, 1e-9);
  /* Centred: the image's middle at the widget's. */
  quorum_canvas_image_to_widget (fixture->canvas, IMAGE_WIDTH / 2.0, IMAGE_HEIGHT / 2.0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, width / 2, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, height / 2, 1e-9);

  key (fixture, GDK_KEY_1, 0);
  g_assert_cmpfloat (quorum_canvas_get_zoom (fixture->canvas), ==, 1.0);
  key (fixture, GDK_KEY_0, 0);
  g_assert_cmpfloat_with_epsilon (quorum_canvas_get_zoom (fixture->canvas), scale, 1e-9);
}

static void
test_draw_box (Fixture       *fixture,
               gconstpointer  data)
{
  const QuorumInstance *box;
  QuorumPoint start, end;
  GtkGesture *gesture = NULL;
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->canvas));

  quorum_canvas_set_tool (fixture->canvas, QUORUM_CANVAS_TOOL_BOX);
  to_image (fixture, 100.5, 120.25, &start);
  to_image (fixture, 310, 222, &end);
  drag (fixture, GDK_BUTTON_PRIMARY, 0, 100.5, 120.25, 310, 222);

  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 1);
  g_assert_cmpuint (fixture->changes, ==, 1);
  box = quorum_canvas_get_instance (fixture->canvas, 0);
  g_assert_cmpint (box->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpstr (box->label, ==, "car");
  g_assert_true (g_uuid_string_is_valid (box->id));
  g_assert_cmpuint (box->n_points, ==, 2);
  assert_point (&box->points[0], &start);
  assert_point (&box->points[1], &end);
  /* The new box is selected. */
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 0);

  /* A click with the box tool draws nothing. */
  click (fixture, 500, 300);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 1);

  /* The same through the drag gesture's own signals. */
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller))
        gesture = GTK_GESTURE (controller);
    }
  g_assert_nonnull (gesture);
  to_image (fixture, 400, 300, &start);
  to_image (fixture, 450, 380, &end);
  g_signal_emit_by_name (gesture, "drag-begin", 400.0, 300.0);
  g_signal_emit_by_name (gesture, "drag-update", 20.0, 40.0);
  g_signal_emit_by_name (gesture, "drag-end", 50.0, 80.0);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 2);
  box = quorum_canvas_get_instance (fixture->canvas, 1);
  assert_point (&box->points[0], &start);
  assert_point (&box->points[1], &end);
}

static void
test_draw_polygon (Fixture       *fixture,
                   gconstpointer  data)
{
  const QuorumInstance *polygon;
  double xs[] = { 100, 300, 320, 90 }, ys[] = { 100, 110, 300, 280 };
  QuorumPoint expected;

  quorum_canvas_set_tool (fixture->canvas, QUORUM_CANVAS_TOOL_POLYGON);

  /* Clicks, then Enter. */
  for (guint i = 0; i < 4; i++)
    click (fixture, xs[i], ys[i]);
  g_assert_true (_quorum_canvas_is_drafting (fixture->canvas));
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 0);
  iterate (30);   /* draws the draft */
  key (fixture, GDK_KEY_Return, 0);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 1);
  g_assert_false (_quorum_canvas_is_drafting (fixture->canvas));
  polygon = quorum_canvas_get_instance (fixture->canvas, 0);
  g_assert_cmpint (polygon->kind, ==, QUORUM_KIND_POLYGON);
  g_assert_cmpuint (polygon->n_points, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      to_image (fixture, xs[i], ys[i], &expected);
      assert_point (&polygon->points[i], &expected);
    }

  /* A click on the first vertex closes; Backspace took back a vertex. */
  click (fixture, 500, 100);
  click (fixture, 600, 100);
  click (fixture, 650, 150);
  key (fixture, GDK_KEY_BackSpace, 0);
  click (fixture, 600, 200);
  click (fixture, 501, 101);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 2);
  polygon = quorum_canvas_get_instance (fixture->canvas, 1);
  g_assert_cmpuint (polygon->n_points, ==, 3);
  to_image (fixture, 600, 200, &expected);
  assert_point (&polygon->points[2], &expected);

  /* Enter with two vertices is not a polygon yet. */
  click (fixture, 100, 400);
  click (fixture, 200, 400);
  key (fixture, GDK_KEY_Return, 0);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 2);
  /* Escape cancels and leaves nothing. */
  click (fixture, 150, 500);
  key (fixture, GDK_KEY_Escape, 0);
  g_assert_false (_quorum_canvas_is_drafting (fixture->canvas));
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 2);
  g_assert_cmpuint (fixture->changes, ==, 2);

  /* A polyline finishes with Enter at two vertices. */
  quorum_canvas_set_tool (fixture->canvas, QUORUM_CANVAS_TOOL_POLYLINE);
  click (fixture, 100, 400);
  click (fixture, 200, 420);
  key (fixture, GDK_KEY_KP_Enter, 0);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 3);
  g_assert_cmpint (quorum_canvas_get_instance (fixture->canvas, 2)->kind, ==, QUORUM_KIND_POLYLINE);

  /* A point is one click. */
  quorum_canvas_set_tool (fixture->canvas, QUORUM_CANVAS_TOOL_POINT);
  click (fixture, 700, 500);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 4);
  to_image (fixture, 700, 500, &expected);
  assert_point (&quorum_canvas_get_instance (fixture->canvas, 3)->points[0], &expected);
}

static void
test_move_vertex_undo_redo (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *undone = NULL;
  g_autofree char *redone = NULL;
  const QuorumInstance *polygon;
  QuorumPoint vertex, moved;
  double x, y, scale = quorum_canvas_get_zoom (fixture->canvas);

  set_instances (fixture,
                 make ("a", "car", QUORUM_KIND_POLYGON, 4, 100.0, 100.0, 400.0, 120.0,
                       380.0, 400.0, 120.0, 350.0),
                 NULL);
  g_assert_cmpuint (fixture->changes, ==, 0);
  before = describe (fixture->canvas);
  g_assert_false (quorum_canvas_can_undo (fixture->canvas));

  /* Select it with a click inside. */
  to_widget (fixture, &(QuorumPoint) { 250, 250 }, &x, &y);
  click (fixture, x, y);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 0);
  g_assert_cmpuint (fixture->selections, ==, 1);
  g_assert_cmpuint (fixture->changes, ==, 0);   /* a click changes nothing */
  iterate (30);

  /* Drag vertex 2 by (30, -20) widget pixels. */
  polygon = quorum_canvas_get_instance (fixture->canvas, 0);
  vertex = polygon->points[2];
  to_widget (fixture, &vertex, &x, &y);
  drag (fixture, GDK_BUTTON_PRIMARY, 0, x, y, x + 30, y - 20);
  polygon = quorum_canvas_get_instance (fixture->canvas, 0);
  moved = (QuorumPoint) { vertex.x + 30 / scale, vertex.y - 20 / scale };
  assert_point (&polygon->points[2], &moved);
  assert_point (&polygon->points[0], &(QuorumPoint) { 100, 100 });
  g_assert_cmpuint (fixture->changes, ==, 1);
  after = describe (fixture->canvas);
  g_assert_cmpstr (after, !=, before);

  /* Ctrl+Z, Ctrl+Shift+Z: exactly before, exactly after. */
  key (fixture, GDK_KEY_z, GDK_CONTROL_MASK);
  undone = describe (fixture->canvas);
  g_assert_cmpstr (undone, ==, before);
  g_assert_true (quorum_canvas_can_redo (fixture->canvas));
  key (fixture, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  redone = describe (fixture->canvas);
  g_assert_cmpstr (redone, ==, after);
  g_assert_cmpuint (fixture->changes, ==, 3);
  g_assert_false (quorum_canvas_can_redo (fixture->canvas));
}

static void
test_edit_history (Fixture       *fixture,
                   gconstpointer  data)
{
  GPtrArray *states = g_ptr_array_new_with_free_func (g_free);
  double x, y;
  guint steps;

  set_instances (fixture,
                 make ("a", "car", QUORUM_KIND_BOX, 2, 100.0, 100.0, 300.0, 200.0),
                 make ("b", "person", QUORUM_KIND_POLYGON, 3, 500.0, 500.0, 700.0, 520.0,
                       600.0, 700.0),
                 NULL);
  g_ptr_array_add (states, describe (fixture->canvas));

  /* Move the box by dragging its inside. */
  to_widget (fixture, &(QuorumPoint) { 200, 150 }, &x, &y);
  drag (fixture, GDK_BUTTON_PRIMARY, 0, x, y, x + 40, y + 25);
  g_ptr_array_add (states, describe (fixture->canvas));
  /* Drag a box corner. */
  to_widget (fixture, &quorum_canvas_get_instance (fixture->canvas, 0)->points[1], &x, &y);
  drag (fixture, GDK_BUTTON_PRIMARY, 0, x, y, x + 15, y + 15);
  g_ptr_array_add (states, describe (fixture->canvas));
  /* Relabel it. */
  g_assert_true (quorum_canvas_set_instance_label (fixture->canvas, "truck"));
  g_assert_false (quorum_canvas_set_instance_label (fixture->canvas, "truck"));
  g_assert_cmpstr (quorum_canvas_get_instance (fixture->canvas, 0)->label, ==, "truck");
  g_ptr_array_add (states, describe (fixture->canvas));
  /* Select the polygon; double-click on an edge inserts a vertex. */
  to_widget (fixture, &(QuorumPoint) { 600, 560 }, &x, &y);
  click (fixture, x, y);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 1);
  to_widget (fixture, &(QuorumPoint) { 600, 510 }, &x, &y);
  _quorum_canvas_click (fixture->canvas, GDK_BUTTON_PRIMARY, 2, 0, x, y);
  g_assert_cmpuint (quorum_canvas_get_instance (fixture->canvas, 1)->n_points, ==, 4);
  g_ptr_array_add (states, describe (fixture->canvas));
  /* Right-click on a vertex deletes it, but never below three. */
  to_widget (fixture, &quorum_canvas_get_instance (fixture->canvas, 1)->points[1], &x, &y);
  _quorum_canvas_click (fixture->canvas, GDK_BUTTON_SECONDARY, 1, 0, x, y);
  g_assert_cmpuint (quorum_canvas_get_instance (fixture->canvas, 1)->n_points, ==, 3);
  g_ptr_array_add (states, describe (fixture->canvas));
  to_widget (fixture, &quorum_canvas_get_instance (fixture->canvas, 1)->points[1], &x, &y);
  _quorum_canvas_click (fixture->canvas, GDK_BUTTON_SECONDARY, 1, 0, x, y);
  g_assert_cmpuint (quorum_canvas_get_instance (fixture->canvas, 1)->n_points, ==, 3);
  /* Ctrl+click on an edge inserts a vertex and drags it. */
  to_widget (fixture, &(QuorumPoint) { 650, 610 }, &x, &y);
  drag (fixture, GDK_BUTTON_PRIMARY, GDK_CONTROL_MASK, x, y, x + 10, y);
  g_assert_cmpuint (quorum_canvas_get_instance (fixture->canvas, 1)->n_points, ==, 4);
  g_ptr_array_add (states, describe (fixture->canvas));
  /* Delete removes the selected instance. */
  key (fixture, GDK_KEY_Delete, 0);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 1);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, -1);
  g_ptr_array_add (states, describe (fixture->canvas));
  steps = states->len - 1;
  g_assert_cmpuint (fixture->changes, ==, steps);

  for (guint i = steps; i-- > 0;)
    {
      g_autofree char *now = NULL;

      g_assert_true (quorum_canvas_undo (fixture->canvas));
      now = describe (fixture->canvas);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i));
      iterate (5);
    }
  g_assert_false (quorum_canvas_undo (fixture->canvas));
  for (guint i = 1; i <= steps; i++)
    {
      g_autofree char *now = NULL;

      g_assert_true (quorum_canvas_redo (fixture->canvas));
      now = describe (fixture->canvas);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i));
    }
  g_assert_false (quorum_canvas_redo (fixture->canvas));
  g_assert_cmpuint (fixture->changes, ==, 3 * steps);
  g_ptr_array_unref (states);
}

static void
assert_fixed (Fixture           *fixture,
              const QuorumPoint *image_point,
              double             x,
              double             y)
{
  double wx, wy;

  to_widget (fixture, image_point, &wx, &wy);
  g_assert_cmpfloat (fabs (wx - x), <=, 0.5);
  g_assert_cmpfloat (fabs (wy - y), <=, 0.5);
}

/* Resizes the window and waits until the canvas has the new width. */
static void
resize (Fixture *fixture,
        int      width,
        int      height)
{
  int before = gtk_widget_get_width (GTK_WIDGET (fixture->canvas));
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_window_set_default_size (fixture->window, width, height);
  while (gtk_widget_get_width (GTK_WIDGET (fixture->canvas)) == before)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
    }
  iterate (20);
}

/* A fitted view is fitted again when the window changes size; a view the
 * user zoomed stays as it is. */
static void
test_refit_on_resize (Fixture       *fixture,
                      gconstpointer  data)
{
  double zoom = quorum_canvas_get_zoom (fixture->canvas);
  double width, height, x, y;

  resize (fixture, 1400, 1000);
  width = gtk_widget_get_width (GTK_WIDGET (fixture->canvas));
  height = gtk_widget_get_height (GTK_WIDGET (fixture->canvas));
  g_assert_cmpfloat (quorum_canvas_get_zoom (fixture->canvas), >, zoom);
  g_assert_cmpfloat_with_epsilon (quorum_canvas_get_zoom (fixture->canvas),
                                  MIN (width / IMAGE_WIDTH, height / IMAGE_HEIGHT), 1e-9);
  quorum_canvas_image_to_widget (fixture->canvas, IMAGE_WIDTH / 2.0, IMAGE_HEIGHT / 2.0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, width / 2, 1e-9);

  quorum_canvas_zoom_at (fixture->canvas, 2.0, 100, 100);
  zoom = quorum_canvas_get_zoom (fixture->canvas);
  resize (fixture, 900, 700);
  g_assert_cmpfloat (quorum_canvas_get_zoom (fixture->canvas), ==, zoom);
}

static void
test_zoom_at_point (Fixture       *fixture,
                    gconstpointer  data)
{
  double zoom = quorum_canvas_get_zoom (fixture->canvas);
  QuorumPoint under;

  to_image (fixture, 123.4, 321.9, &under);
  quorum_canvas_zoom_at (fixture->canvas, 1.7, 123.4, 321.9);
  g_assert_cmpfloat_with_epsilon (quorum_canvas_get_zoom (fixture->canvas), zoom * 1.7, 1e-9);
  assert_fixed (fixture, &under, 123.4, 321.9);

  /* Ctrl+wheel at the pointer. */
  _quorum_canvas_pointer_motion (fixture->canvas, 600.25, 80.5);
  to_image (fixture, 600.25, 80.5, &under);
  zoom = quorum_canvas_get_zoom (fixture->canvas);
  for (int i = 0; i < 5; i++)
    _quorum_canvas_scroll (fixture->canvas, 0, -1, GDK_SCROLL_UNIT_WHEEL, GDK_CONTROL_MASK);
  g_assert_cmpfloat (quorum_canvas_get_zoom (fixture->canvas), >, zoom * 2);
  assert_fixed (fixture, &under, 600.25, 80.5);
  iterate (30);
  _quorum_canvas_scroll (fixture->canvas, 0, 3, GDK_SCROLL_UNIT_WHEEL, GDK_CONTROL_MASK);
  assert_fixed (fixture, &under, 600.25, 80.5);
  /* Keyboard + and -: at the pointer too. */
  key (fixture, GDK_KEY_plus, 0);
  key (fixture, GDK_KEY_plus, 0);
  key (fixture, GDK_KEY_minus, 0);
  assert_fixed (fixture, &under, 600.25, 80.5);

  /* Plain scrolling pans. */
  zoom = quorum_canvas_get_zoom (fixture->canvas);
  to_image (fixture, 300, 300, &under);
  _quorum_canvas_scroll (fixture->canvas, 0, 2, GDK_SCROLL_UNIT_WHEEL, 0);
  g_assert_cmpfloat (quorum_canvas_get_zoom (fixture->canvas), ==, zoom);
  assert_fixed (fixture, &under, 300, 300 - 2 * 48);
}

static void
test_pan (Fixture       *fixture,
          gconstpointer  data)
{
  QuorumPoint under;

  to_image (fixture, 200, 200, &under);
  drag (fixture, GDK_BUTTON_MIDDLE, 0, 200, 200, 260, 150);
  assert_fixed (fixture, &under, 260, 150);
  g_assert_cmpuint (fixture->changes, ==, 0);

  /* Space + left drag pans, whatever the tool. */
  quorum_canvas_set_tool (fixture->canvas, QUORUM_CANVAS_TOOL_BOX);
  _quorum_canvas_key_pressed (fixture->canvas, GDK_KEY_space, 0);
  drag (fixture, GDK_BUTTON_PRIMARY, 0, 260, 150, 200, 200);
  _quorum_canvas_key_released (fixture->canvas, GDK_KEY_space, 0);
  assert_fixed (fixture, &under, 200, 200);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 0);
}

static void
test_hit_test (Fixture       *fixture,
               gconstpointer  data)
{
  double x, y;

  set_instances (fixture,
                 make ("low", "car", QUORUM_KIND_BOX, 2, 100.0, 100.0, 400.0, 400.0),
                 make ("high", "person", QUORUM_KIND_POLYGON, 3, 200.0, 200.0, 600.0, 220.0,
                       400.0, 600.0),
                 make ("line", "car", QUORUM_KIND_POLYLINE, 2, 700.0, 100.0, 900.0, 100.0),
                 make ("tag", "sunny", QUORUM_KIND_TAG, 0),
                 NULL);

  to_widget (fixture, &(QuorumPoint) { 300, 300 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 1);
  to_widget (fixture, &(QuorumPoint) { 150, 150 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 0);
  to_widget (fixture, &(QuorumPoint) { 800, 101 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 2);
  to_widget (fixture, &(QuorumPoint) { 800, 160 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, -1);
  to_widget (fixture, &(QuorumPoint) { 900, 700 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, -1);

  /* A click selects the topmost. */
  to_widget (fixture, &(QuorumPoint) { 300, 300 }, &x, &y);
  click (fixture, x, y);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 1);

  /* Hidden labels are neither hit nor kept selected. */
  quorum_canvas_set_label_visible (fixture->canvas, "person", FALSE);
  g_assert_false (quorum_canvas_get_label_visible (fixture->canvas, "person"));
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, -1);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 0);
  iterate (30);
  quorum_canvas_set_label_visible (fixture->canvas, "car", FALSE);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, -1);
  click (fixture, x, y);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, -1);
  quorum_canvas_set_label_visible (fixture->canvas, "person", TRUE);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 1);
}

/* Renders the canvas as the window would and reads a pixel back. */
static void
read_pixel (Fixture *fixture,
            double   x,
            double   y,
            guchar   rgba[4])
{
  GtkWidget *widget = GTK_WIDGET (fixture->canvas);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (fixture->window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = g_malloc ((gsize) width * height * 4);

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, pixels, width * 4);
  /* Cairo's byte order: B, G, R, A on little-endian machines. */
  memcpy (rgba, pixels + ((gsize) y * width + (gsize) x) * 4, 4);
}

static gboolean
overlay_ready (Fixture *fixture)
{
  QuorumOverlay *overlay = _quorum_canvas_get_overlay (fixture->canvas);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!quorum_overlay_is_complete (overlay))
    {
      guchar ignored[4];

      if (g_get_monotonic_time () > end)
        return FALSE;
      read_pixel (fixture, 0, 0, ignored);   /* a frame asks for what is missing */
      g_main_context_iteration (NULL, FALSE);
    }
  return TRUE;
}

static void
test_draws (Fixture       *fixture,
            gconstpointer  data)
{
  GdkRGBA red = { 1, 0, 0, 1 };
  guchar pixel[4];
  double x0, y0, x1, y1;

  quorum_canvas_set_label_color (fixture->canvas, "car", &red);
  quorum_canvas_set_fill_opacity (fixture->canvas, 1.0);
  set_instances (fixture,
                 make ("a", "car", QUORUM_KIND_BOX, 2, 100.0, 100.0, 300.0, 300.0),
                 NULL);
  to_widget (fixture, &(QuorumPoint) { 200, 200 }, &x0, &y0);
  to_widget (fixture, &(QuorumPoint) { 600, 600 }, &x1, &y1);

  g_assert_true (overlay_ready (fixture));
  read_pixel (fixture, x0, y0, pixel);
  g_assert_cmpuint (pixel[2], ==, 255);   /* red, from a cached tile */
  g_assert_cmpuint (pixel[1], ==, 0);
  read_pixel (fixture, x1, y1, pixel);
  g_assert_cmpuint (pixel[2], ==, 0x80);  /* the grey image */

  /* Selected, it is drawn on its own; hidden, not at all. */
  quorum_canvas_select (fixture->canvas, 0);
  g_assert_true (overlay_ready (fixture));
  read_pixel (fixture, x0, y0, pixel);
  g_assert_cmpuint (pixel[2], ==, 255);
  g_assert_cmpuint (pixel[1], ==, 0);
  quorum_canvas_set_label_visible (fixture->canvas, "car", FALSE);
  g_assert_true (overlay_ready (fixture));
  read_pixel (fixture, x0, y0, pixel);
  g_assert_cmpuint (pixel[2], ==, 0x80);
  g_assert_cmpuint (pixel[1], ==, 0x80);
}

/* The texture of the first texture node under @node: the image's. */
static GdkTexture *
first_texture (GskRenderNode *node)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXTURE_NODE:
      return gsk_texture_node_get_texture (node);
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        {
          GdkTexture *texture = first_texture (gsk_container_node_get_child (node, i));

          if (texture != NULL)
            return texture;
        }
      return NULL;
    case GSK_CLIP_NODE:
      return first_texture (gsk_clip_node_get_child (node));
    case GSK_TRANSFORM_NODE:
      return first_texture (gsk_transform_node_get_child (node));
    default:
      return NULL;
    }
}

static GdkTexture *
drawn_image (Fixture *fixture)
{
  GtkWidget *widget = GTK_WIDGET (fixture->canvas);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GdkTexture *texture;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = first_texture (node);
  g_assert_nonnull (texture);
  return g_object_ref (texture);
}

static void
wait_for_levels (QuorumImagePyramid *pyramid)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (quorum_image_pyramid_is_building (pyramid))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
    }
}

/* Far from 1:1 the canvas draws a smaller copy of the image; from a zoom of
 * one half, and at 1:1, the image itself. */
static void
test_image_levels (Fixture       *fixture,
                   gconstpointer  data)
{
  QuorumImagePyramid *pyramid = _quorum_canvas_get_pyramid (fixture->canvas);
  GdkTexture *image = quorum_canvas_get_image (fixture->canvas);
  g_autoptr(GdkTexture) drawn = NULL;

  g_assert_nonnull (pyramid);
  wait_for_levels (pyramid);
  /* 1000 × 800: one level of 500 × 400, the next would be under 512 a side. */
  g_assert_cmpuint (quorum_image_pyramid_get_n_levels (pyramid), ==, 1);

  quorum_canvas_set_zoom_1_1 (fixture->canvas);
  drawn = drawn_image (fixture);
  g_assert_true (drawn == image);
  g_clear_object (&drawn);

  quorum_canvas_zoom_at (fixture->canvas, 0.4, 100, 100);
  drawn = drawn_image (fixture);
  g_assert_true (drawn != image);
  g_assert_cmpint (gdk_texture_get_width (drawn), ==, IMAGE_WIDTH / 2);
  g_assert_cmpint (gdk_texture_get_height (drawn), ==, IMAGE_HEIGHT / 2);
  g_clear_object (&drawn);

  quorum_canvas_zoom_at (fixture->canvas, 1.5, 100, 100);   /* 0.6: more than a half */
  drawn = drawn_image (fixture);
  g_assert_true (drawn == image);
  g_clear_object (&drawn);

  /* Another image: its own levels, the old ones never drawn again. */
  quorum_canvas_set_image (fixture->canvas, NULL);
  g_assert_null (_quorum_canvas_get_pyramid (fixture->canvas));
}

/* A 1920 × 1080 video frame, as the decoder gives them (premultiplied
 * BGRA), whose green rises by one every 8 columns and red every 5 rows:
 * a scaled copy keeps a linear ramp linear. */
static GdkTexture *
ramp_frame (guint8   blue,
            gboolean from_decoder)
{
  int width = 1920, height = 1080;
  guint8 *pixels = g_malloc ((gsize) width * height * 4);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + ((gsize) y * width + x) * 4;

        p[0] = blue, p[1] = x / 8, p[2] = y / 5, p[3] = 255;
      }
  bytes = g_bytes_new_take (pixels, (gsize) width * height * 4);
  /* As the video source makes them (pixels read in place), or any texture. */
  if (from_decoder)
    return quorum_frame_texture_new (width, height, bytes, (gsize) width * 4);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, (gsize) width * 4);
}

/* The copy's pixel (x, y) holds the frame's ramp at the point it stands
 * for, within a step of rounding: the width and height and every pixel,
 * at a plain scale, at exactly one half and at a third (halved first). */
static void
test_frame_scale (void)
{
  const int sizes[][2] = { { 1152, 648 }, { 960, 540 }, { 640, 360 }, { 1919, 1079 } };

  for (guint i = 0; i < 2 * G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GdkTexture) frame = ramp_frame (7, i % 2 == 0);
      int width = sizes[i / 2][0], height = sizes[i / 2][1];
      g_autoptr(GdkTexture) copy = quorum_frame_scale (frame, width, height);
      g_autofree guint8 *pixels = g_malloc ((gsize) width * height * 4);

      g_assert_cmpint (gdk_texture_get_width (copy), ==, width);
      g_assert_cmpint (gdk_texture_get_height (copy), ==, height);
      gdk_texture_download (copy, pixels, (gsize) width * 4);
      for (int y = 2; y < height - 2; y += 3)
        for (int x = 2; x < width - 2; x += 3)
          {
            const guint8 *p = pixels + ((gsize) y * width + x) * 4;
            /* the frame's coordinates under the copy's pixel centre */
            double fx = (x + 0.5) * 1920 / width - 0.5, fy = (y + 0.5) * 1080 / height - 0.5;

            g_assert_cmpint (p[0], ==, 7);
            g_assert_cmpint (p[3], ==, 255);
            g_assert_cmpfloat (fabs (p[1] - fx / 8), <=, 1.5);
            g_assert_cmpfloat (fabs (p[2] - fy / 5), <=, 1.5);
          }
    }
}

/* A video frame shown well below 1:1 is drawn from a copy at the size it
 * is shown; zooming over the same frame draws the frame itself (no copy
 * per zoom step); the next frame gets its own copy; at 1:1 the frame. */
static void
test_video_frame_copy (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GdkTexture) frame = ramp_frame (1, TRUE);
  g_autoptr(GdkTexture) next = ramp_frame (2, TRUE);
  g_autoptr(GdkTexture) drawn = NULL;
  g_autofree guint8 *pixels = NULL;
  double zoom;

  quorum_canvas_show_frame (fixture->canvas, frame);
  iterate (50);
  zoom = quorum_canvas_get_zoom (fixture->canvas) * gtk_widget_get_scale_factor (GTK_WIDGET (fixture->canvas));
  g_assert_cmpfloat (zoom, <, QUORUM_FRAME_SCALE_BELOW);
  drawn = drawn_image (fixture);
  g_assert_true (drawn != frame);
  g_assert_cmpint (gdk_texture_get_width (drawn), ==, (int) round (1920 * zoom));
  g_assert_cmpint (gdk_texture_get_height (drawn), ==, (int) round (1080 * zoom));
  g_assert_true (quorum_canvas_get_image (fixture->canvas) == frame);
  g_clear_object (&drawn);

  quorum_canvas_zoom_at (fixture->canvas, 1.25, 100, 100);
  drawn = drawn_image (fixture);
  g_assert_true (drawn == frame);
  g_clear_object (&drawn);

  quorum_canvas_show_frame (fixture->canvas, next);
  drawn = drawn_image (fixture);
  zoom = quorum_canvas_get_zoom (fixture->canvas) * gtk_widget_get_scale_factor (GTK_WIDGET (fixture->canvas));
  g_assert_cmpint (gdk_texture_get_width (drawn), ==, (int) round (1920 * zoom));
  pixels = g_malloc ((gsize) gdk_texture_get_width (drawn) * gdk_texture_get_height (drawn) * 4);
  gdk_texture_download (drawn, pixels, (gsize) gdk_texture_get_width (drawn) * 4);
  g_assert_cmpint (pixels[0], ==, 2);   /* the next frame's, not the first's */
  g_clear_object (&drawn);

  quorum_canvas_set_zoom_1_1 (fixture->canvas);
  drawn = drawn_image (fixture);
  g_assert_true (drawn == next);
}

/* An RGB image whose every pixel differs from its neighbours. */
static GdkTexture *
pattern_image (int width,
               int height)
{
  gsize stride = (gsize) width * 3;
  guchar *pixels = g_malloc (stride * height);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + 3 * x;

        p[0] = (x * 7 + y * 3) & 0xff, p[1] = (x * 13) & 0xff, p[2] = (y * 11 + x) & 0xff;
      }
  bytes = g_bytes_new_take (pixels, stride * height);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, stride);
}

static void
assert_mean (const guchar *image,
             int           width,
             int           height,
             const guchar *level,
             int           level_width,
             int           x,
             int           y)
{
  int x0 = 2 * x, x1 = MIN (2 * x + 1, width - 1);
  int y0 = 2 * y, y1 = MIN (2 * y + 1, height - 1);

  for (int c = 0; c < 4; c++)
    {
      guint sum = image[((gsize) y0 * width + x0) * 4 + c] + image[((gsize) y0 * width + x1) * 4 + c]
                  + image[((gsize) y1 * width + x0) * 4 + c] + image[((gsize) y1 * width + x1) * 4 + c];

      g_assert_cmpuint (level[((gsize) y * level_width + x) * 4 + c], ==, (sum + 2) / 4);
    }
}

/* Each level pixel is the mean of a 2 × 2 block, odd edges included, and
 * the level drawn is the smallest with a pixel per output pixel. */
static void
test_pyramid (void)
{
  int width = 1101, height = 603;
  g_autoptr(GdkTexture) texture = pattern_image (width, height);
  g_autoptr(QuorumImagePyramid) pyramid = quorum_image_pyramid_new (texture, NULL, NULL);
  g_autoptr(QuorumImagePyramid) small = NULL;
  g_autoptr(GdkTexture) tiny = pattern_image (300, 200);
  g_autofree guchar *image = g_malloc ((gsize) width * height * 4);
  g_autofree guchar *level = NULL;
  GdkTexture *half, *quarter;

  g_assert_true (quorum_image_pyramid_is_building (pyramid));
  g_assert_true (quorum_image_pyramid_pick (pyramid, 0.1) == texture);   /* until the levels come */
  wait_for_levels (pyramid);
  /* 1101 → 551 → 276, the first under 512 a side. */
  g_assert_cmpuint (quorum_image_pyramid_get_n_levels (pyramid), ==, 2);
  half = quorum_image_pyramid_pick (pyramid, 0.5);
  quarter = quorum_image_pyramid_pick (pyramid, 0.25);
  g_assert_cmpint (gdk_texture_get_width (half), ==, 551);
  g_assert_cmpint (gdk_texture_get_height (half), ==, 302);
  g_assert_cmpint (gdk_texture_get_width (quarter), ==, 276);
  g_assert_cmpint (gdk_texture_get_height (quarter), ==, 151);

  g_assert_true (quorum_image_pyramid_pick (pyramid, 1.0) == texture);
  g_assert_true (quorum_image_pyramid_pick (pyramid, 0.51) == texture);
  g_assert_true (quorum_image_pyramid_pick (pyramid, 0.3) == half);
  g_assert_true (quorum_image_pyramid_pick (pyramid, 0.01) == quarter);

  gdk_texture_download (texture, image, (gsize) width * 4);
  level = g_malloc ((gsize) 551 * 302 * 4);
  gdk_texture_download (half, level, (gsize) 551 * 4);
  for (int y = 0; y < 302; y += 7)
    for (int x = 0; x < 551; x += 5)
      assert_mean (image, width, height, level, 551, x, y);
  assert_mean (image, width, height, level, 551, 550, 301);   /* the odd corner */
  assert_mean (image, width, height, level, 551, 550, 0);

  /* Small enough: no level, nothing to wait for. */
  small = quorum_image_pyramid_new (tiny, NULL, NULL);
  g_assert_false (quorum_image_pyramid_is_building (small));
  g_assert_true (quorum_image_pyramid_pick (small, 0.1) == tiny);

  /* Freed while its worker runs: the worker's end touches nothing. */
  quorum_image_pyramid_free (quorum_image_pyramid_new (texture, NULL, NULL));
  iterate (300);
}

/* Instances as a broken file or server might send them: no points, NaN and
 * infinite coordinates, coordinates far outside the image. None may crash,
 * warn, or stop the others from being hit and drawn. */
static void
test_bad_input (Fixture       *fixture,
                gconstpointer  data)
{
  double x, y;

  set_instances (fixture,
                 make ("empty-box", "car", QUORUM_KIND_BOX, 0),
                 make ("empty-polygon", "car", QUORUM_KIND_POLYGON, 0),
                 make ("nan", "car", QUORUM_KIND_POLYGON, 3, NAN, 10.0, 50.0, NAN, 60.0, 70.0),
                 make ("infinite", "car", QUORUM_KIND_BOX, 2, -INFINITY, -INFINITY, INFINITY, INFINITY),
                 make ("huge", "car", QUORUM_KIND_POLYLINE, 2, -1e300, 5.0, 1e300, 5.0),
                 make ("good", "car", QUORUM_KIND_BOX, 2, 600.0, 600.0, 700.0, 700.0),
                 NULL);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 6);
  g_assert_true (overlay_ready (fixture));

  /* The good box is hit and selected above the infinite one under it. */
  to_widget (fixture, &(QuorumPoint) { 650, 650 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 5);
  click (fixture, x, y);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 5);
  /* Elsewhere, only the infinite box is under the pointer. */
  to_widget (fixture, &(QuorumPoint) { 300, 500 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 3);

  /* Selecting and deleting the broken ones, and undoing that. */
  for (int i = 0; i < 5; i++)
    {
      quorum_canvas_select (fixture->canvas, i);
      g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, i);
      g_assert_true (overlay_ready (fixture));
    }
  quorum_canvas_select (fixture->canvas, 0);
  key (fixture, GDK_KEY_Delete, 0);
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 5);
  g_assert_true (quorum_canvas_undo (fixture->canvas));
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 6);
  quorum_canvas_zoom_at (fixture->canvas, 3.0, 100, 100);
  g_assert_true (overlay_ready (fixture));
  to_widget (fixture, &(QuorumPoint) { 650, 650 }, &x, &y);
  g_assert_cmpint (quorum_canvas_hit_test (fixture->canvas, x, y), ==, 5);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      /* In CI the display is part of the setup (build-aux/run-tests): its
       * absence is a failure there, not a skip. */
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/canvas/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("fit", test_fit);
  ADD ("refit-on-resize", test_refit_on_resize);
  ADD ("draw-box", test_draw_box);
  ADD ("draw-polygon", test_draw_polygon);
  ADD ("move-vertex-undo-redo", test_move_vertex_undo_redo);
  ADD ("edit-history", test_edit_history);
  ADD ("zoom-at-point", test_zoom_at_point);
  ADD ("pan", test_pan);
  ADD ("hit-test", test_hit_test);
  ADD ("draws", test_draws);
  ADD ("bad-input", test_bad_input);
  ADD ("image-levels", test_image_levels);
  ADD ("video-frame-copy", test_video_frame_copy);
#undef ADD
  g_test_add_func ("/canvas/pyramid", test_pyramid);
  g_test_add_func ("/canvas/frame-scale", test_frame_scale);
  return g_test_run ();
}
