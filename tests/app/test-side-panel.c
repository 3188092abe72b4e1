/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <locale.h>

#include "quorum-attribute-editor.h"
#include "quorum-canvas.h"
#include "quorum-instance-item.h"
#include "quorum-instance-list.h"
#include "quorum-label-list.h"
#include "quorum-preferences-window.h"
#include "quorum-wire.h"

/* The side panel's widgets bound to a real canvas in a real window. */

static const char schema_json[] =
  "{\"labels\": ["
  " {\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\", \"attributes\": ["
  "   {\"name\": \"occluded\", \"type\": \"boolean\"},"
  "   {\"name\": \"colour\", \"type\": \"single_choice\", \"options\": [\"red\", \"green\", \"dark_blue\"]},"
  "   {\"name\": \"parts\", \"type\": \"multiple_choice\", \"options\": [\"wheel\", \"door\"]},"
  "   {\"name\": \"note\", \"type\": \"text\"}]},"
  " {\"name\": \"person\", \"color\": \"#3584e4\", \"kind\": \"polygon\", \"attributes\": []},"
  " {\"name\": \"sign\", \"color\": \"#f6d32d\", \"kind\": \"point\", \"attributes\": []}"
  "]}";

typedef struct
{
  GtkWindow             *window;
  QuorumCanvas          *canvas;
  QuorumLabelList       *labels;
  QuorumInstanceList    *instances;
  QuorumAttributeEditor *attributes;
  QuorumLabelSchema     *schema;
  GString               *visibility_log;
} Fixture;

static void
iterate (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
wait_mapped (GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
    }
}

/* The first widget under @root (itself included) of @type, and with
 * @title when it is a preferences row and @title is given. */
static gpointer
find_widget (GtkWidget  *root,
             GType       type,
             const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type)
      && (title == NULL
          || (ADW_IS_PREFERENCES_ROW (root)
              && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gpointer found = find_widget (child, type, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static QuorumInstance *
box_instance (const char *id,
              const char *label,
              double      x)
{
  QuorumInstance *instance = quorum_instance_new (id, label, QUORUM_KIND_BOX);
  QuorumPoint points[2] = { { x, 10 }, { x + 50, 60 } };

  quorum_instance_set_points (instance, points, 2);
  return instance;
}

static void
on_visibility_changed (QuorumLabelList *list,
                       const char      *label,
                       gboolean         visible,
                       Fixture         *fixture)
{
  g_string_append_printf (fixture->visibility_log, "%s=%d;", label, visible);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (schema_json, strlen (schema_json), &error);
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  QuorumInstance *person = quorum_instance_new ("b2c3d4e5-0000-4000-8000-000000000002", "person",
                                                QUORUM_KIND_POLYGON);
  QuorumPoint triangle[3] = { { 200, 200 }, { 260, 200 }, { 230, 260 } };
  GtkWidget *paned = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *panel = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  g_assert_no_error (error);
  fixture->schema = quorum_wire_read_label_schema (node, "", &error);
  g_assert_no_error (error);
  fixture->visibility_log = g_string_new (NULL);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 900, 700);
  fixture->canvas = QUORUM_CANVAS (quorum_canvas_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (fixture->canvas), TRUE);
  fixture->labels = QUORUM_LABEL_LIST (quorum_label_list_new ());
  fixture->instances = QUORUM_INSTANCE_LIST (quorum_instance_list_new ());
  fixture->attributes = QUORUM_ATTRIBUTE_EDITOR (quorum_attribute_editor_new ());
  gtk_widget_set_size_request (panel, 320, -1);
  gtk_box_append (GTK_BOX (panel), GTK_WIDGET (fixture->labels));
  gtk_box_append (GTK_BOX (panel), GTK_WIDGET (fixture->instances));
  gtk_box_append (GTK_BOX (panel), GTK_WIDGET (fixture->attributes));
  gtk_box_append (GTK_BOX (paned), GTK_WIDGET (fixture->canvas));
  gtk_box_append (GTK_BOX (paned), panel);
  gtk_window_set_child (fixture->window, paned);

  g_ptr_array_add (instances, box_instance ("a1b2c3d4-0000-4000-8000-000000000001", "car", 10));
  quorum_instance_set_points (person, triangle, 3);
  g_ptr_array_add (instances, person);
  g_ptr_array_add (instances, box_instance ("c3d4e5f6-0000-4000-8000-000000000003", "car", 400));
  quorum_canvas_set_instances (fixture->canvas, instances);

  g_assert_true (quorum_label_list_set_schema_json (fixture->labels, node, &error));
  g_assert_no_error (error);
  quorum_instance_list_set_schema (fixture->instances, fixture->schema);
  quorum_attribute_editor_set_schema (fixture->attributes, fixture->schema);
  quorum_label_list_bind_canvas (fixture->labels, fixture->canvas);
  quorum_instance_list_bind_canvas (fixture->instances, fixture->canvas);
  quorum_attribute_editor_bind_canvas (fixture->attributes, fixture->canvas);
  g_signal_connect (fixture->labels, "visibility-changed", G_CALLBACK (on_visibility_changed), fixture);

  gtk_window_present (fixture->window);
  wait_mapped (GTK_WIDGET (fixture->labels));
  iterate (50);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  iterate (20);
  quorum_label_schema_free (fixture->schema);
  g_string_free (fixture->visibility_log, TRUE);
}

static AdwActionRow *
label_row (Fixture *fixture,
           int      index)
{
  GtkListBox *list_box = find_widget (GTK_WIDGET (fixture->labels), GTK_TYPE_LIST_BOX, NULL);

  return ADW_ACTION_ROW (gtk_list_box_get_row_at_index (list_box, index));
}

static void
test_label_list (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *names[] = { "car", "person", "sign" };
  GtkListBox *list_box = find_widget (GTK_WIDGET (fixture->labels), GTK_TYPE_LIST_BOX, NULL);
  g_autofree char *current = NULL;

  for (int i = 0; i < 3; i++)
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (label_row (fixture, i))), ==,
                     names[i]);
  g_assert_null (gtk_list_box_get_row_at_index (list_box, 3));

  /* The first label is current to begin with, on the canvas too. */
  g_assert_cmpstr (quorum_label_list_get_current_label (fixture->labels), ==, "car");
  g_assert_cmpstr (quorum_canvas_get_current_label (fixture->canvas), ==, "car");

  /* Choosing the second row (a click) makes "person" current on the canvas. */
  gtk_list_box_select_row (list_box, GTK_LIST_BOX_ROW (label_row (fixture, 1)));
  g_assert_cmpstr (quorum_canvas_get_current_label (fixture->canvas), ==, "person");
  g_object_get (fixture->labels, "current-label", &current, NULL);
  g_assert_cmpstr (current, ==, "person");

  /* The keys 1–9 go through select_index; there are only three labels. */
  g_assert_true (quorum_label_list_select_index (fixture->labels, 2));
  g_assert_cmpstr (quorum_canvas_get_current_label (fixture->canvas), ==, "sign");
  g_assert_true (gtk_list_box_get_selected_row (list_box) == GTK_LIST_BOX_ROW (label_row (fixture, 2)));
  g_assert_false (quorum_label_list_select_index (fixture->labels, 3));
  g_assert_cmpstr (quorum_canvas_get_current_label (fixture->canvas), ==, "sign");

  /* The key 2 chooses the second label wherever the focus is in the window
   * (a controller on the window, before the canvas's own keys see it); 5 is
   * past the labels and left to the canvas. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
    GtkEventController *keys = NULL;
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller)
            && gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE
            && g_strcmp0 (gtk_event_controller_get_name (controller), "quorum-label-keys") == 0)
          keys = controller;
      }
    g_assert_nonnull (keys);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_2, 0, (GdkModifierType) 0, &handled);
    g_assert_true (handled);
    g_assert_cmpstr (quorum_canvas_get_current_label (fixture->canvas), ==, "person");
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_5, 0, (GdkModifierType) 0, &handled);
    g_assert_false (handled);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_3, 0, GDK_CONTROL_MASK, &handled);
    g_assert_false (handled);
    g_assert_cmpstr (quorum_canvas_get_current_label (fixture->canvas), ==, "person");
  }

  /* The canvas's current label moves the list. */
  quorum_canvas_set_current_label (fixture->canvas, "car");
  g_assert_cmpstr (quorum_label_list_get_current_label (fixture->labels), ==, "car");
  g_assert_true (gtk_list_box_get_selected_row (list_box) == GTK_LIST_BOX_ROW (label_row (fixture, 0)));
}

/* The empty list says why it is empty: no task open, or a project that has
 * no labels yet. */
static void
test_label_list_empty (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(QuorumLabelSchema) none = quorum_label_schema_new ();
  GtkListBox *list_box = find_widget (GTK_WIDGET (fixture->labels), GTK_TYPE_LIST_BOX, NULL);
  GtkLabel *placeholder;

  quorum_label_list_set_schema (fixture->labels, none);
  g_assert_null (gtk_list_box_get_row_at_index (list_box, 0));
  placeholder = find_widget (GTK_WIDGET (list_box), GTK_TYPE_LABEL, NULL);
  g_assert_nonnull (placeholder);
  g_assert_true (g_str_has_prefix (gtk_label_get_label (placeholder), "This project has no labels yet"));

  quorum_label_list_set_schema (fixture->labels, NULL);
  g_assert_cmpstr (gtk_label_get_label (placeholder), ==, "Open a task to see its labels");
}

static void
test_label_visibility (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkToggleButton *eye = find_widget (GTK_WIDGET (label_row (fixture, 1)), GTK_TYPE_TOGGLE_BUTTON, NULL);

  /* The eye is pressed while the label is hidden. */
  g_assert_nonnull (eye);
  g_assert_false (gtk_toggle_button_get_active (eye));
  g_assert_true (quorum_canvas_get_label_visible (fixture->canvas, "person"));

  /* The person is selected; hiding its label deselects it on the canvas. */
  quorum_canvas_select (fixture->canvas, 1);
  gtk_toggle_button_set_active (eye, TRUE);
  g_assert_false (quorum_canvas_get_label_visible (fixture->canvas, "person"));
  g_assert_true (quorum_canvas_get_label_visible (fixture->canvas, "car"));
  g_assert_false (quorum_label_list_get_label_visible (fixture->labels, "person"));
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, -1);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (eye)), ==, "view-conceal-symbolic");
  g_assert_cmpstr (fixture->visibility_log->str, ==, "person=0;");

  quorum_label_list_set_label_visible (fixture->labels, "person", TRUE);
  g_assert_false (gtk_toggle_button_get_active (eye));
  g_assert_true (quorum_canvas_get_label_visible (fixture->canvas, "person"));
  g_assert_cmpstr (fixture->visibility_log->str, ==, "person=0;person=1;");
}

static QuorumInstanceItem *
instance_item (Fixture *fixture,
               guint    position)
{
  GListModel *model = G_LIST_MODEL (quorum_instance_list_get_model (fixture->instances));
  QuorumInstanceItem *item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  g_object_unref (item);   /* the model keeps it */
  return item;
}

/* The row of the instance list named @name ("car 2"). */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *name)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (root), "name");

  if (label != NULL && GTK_IS_LABEL (label) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A row and its kind icon have tooltips, worded when the pointer rests on
 * them (the tests run without an accessibility backend to read the
 * description screen readers get). */
static void
check_row_tooltips (Fixture    *fixture,
                    const char *name)
{
  GtkWidget *row = find_row (GTK_WIDGET (fixture->instances), name);
  GtkWidget *kind;
  g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  g_assert_nonnull (row);
  kind = g_object_get_data (G_OBJECT (row), "kind");
  g_assert_true (gtk_widget_get_has_tooltip (row));
  g_assert_true (gtk_widget_get_has_tooltip (kind));
  g_signal_emit_by_name (row, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  g_assert_true (shown);
  shown = FALSE;
  g_signal_emit_by_name (kind, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  g_assert_true (shown);
}

static void
test_instance_list (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkSingleSelection *selection = quorum_instance_list_get_model (fixture->instances);
  GListModel *model = G_LIST_MODEL (selection);
  AdwComboRow *label_combo = find_widget (GTK_WIDGET (fixture->instances), ADW_TYPE_COMBO_ROW, "Label");
  GtkListView *view = find_widget (GTK_WIDGET (fixture->instances), GTK_TYPE_LIST_VIEW, NULL);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (quorum_instance_item_get_label (instance_item (fixture, 1)), ==, "person");
  g_assert_cmpstr (quorum_instance_item_get_short_id (instance_item (fixture, 1)), ==, "b2c3d4e5");
  g_assert_cmpstr (quorum_instance_item_get_color (instance_item (fixture, 1)), ==, "#3584e4");
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (label_combo)));
  /* Numbered per label in canvas order, not by id. */
  check_row_tooltips (fixture, "person 1");
  check_row_tooltips (fixture, "car 1");
  check_row_tooltips (fixture, "car 2");
  g_assert_null (find_row (GTK_WIDGET (fixture->instances), "b2c3d4e5"));

  /* Canvas to list… */
  quorum_canvas_select (fixture->canvas, 2);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 2);
  g_assert_cmpuint (adw_combo_row_get_selected (label_combo), ==, 0);  /* car */
  quorum_canvas_select (fixture->canvas, -1);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);

  /* …and list to canvas. */
  gtk_single_selection_set_selected (selection, 1);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 1);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (label_combo)));
  g_assert_cmpuint (adw_combo_row_get_selected (label_combo), ==, 0);  /* person, the only polygon label */

  /* The combo row offers the labels of the polygon's kind only: a polygon
   * with a point label would be refused by the server; so is the action. */
  {
    GListModel *offered = adw_combo_row_get_model (label_combo);

    g_assert_cmpuint (g_list_model_get_n_items (offered), ==, 1);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (offered), 0), ==, "person");
  }
  gtk_widget_activate_action (GTK_WIDGET (fixture->instances), "instances.change-label", "s", "car");
  g_assert_cmpstr (quorum_canvas_get_instance (fixture->canvas, 1)->label, ==, "person");

  /* Delete (the key is bound to this action) removes the selected one. */
  gtk_single_selection_set_selected (selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "instances.delete", NULL));
  g_assert_cmpuint (quorum_canvas_get_n_instances (fixture->canvas), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpstr (quorum_instance_item_get_label (instance_item (fixture, 0)), ==, "person");
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);
  g_assert_true (quorum_canvas_undo (fixture->canvas));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (quorum_instance_item_get_id (instance_item (fixture, 0)), ==,
                   "a1b2c3d4-0000-4000-8000-000000000001");
  /* Undo selects what it brought back, the list too. */
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
}

/* The window's controller of @name, in the capture phase. */
static GtkEventController *
window_keys (Fixture    *fixture,
             const char *name)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), name) == 0)
        {
          g_assert_cmpint (gtk_event_controller_get_propagation_phase (controller), ==, GTK_PHASE_CAPTURE);
          return controller;  /* the window keeps it */
        }
    }
  g_assert_not_reached ();
  return NULL;
}

/* Tab and Shift+Tab step through the instances while the canvas or the
 * instance list has the focus; elsewhere they move the focus. A digit typed
 * in a text field stays a digit. */
static void
test_keys_by_focus (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkEventController *instance_keys = window_keys (fixture, "quorum-instance-keys");
  GtkEventController *label_keys = window_keys (fixture, "quorum-label-keys");
  GtkWidget *entry = gtk_entry_new ();
  gboolean handled = FALSE;

  gtk_widget_grab_focus (GTK_WIDGET (fixture->canvas));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (fixture->canvas)));
  g_signal_emit_by_name (instance_keys, "key-pressed", GDK_KEY_Tab, 0, (GdkModifierType) 0, &handled);
  g_assert_true (handled);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 0);
  g_signal_emit_by_name (instance_keys, "key-pressed", GDK_KEY_Tab, 0, (GdkModifierType) 0, &handled);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 1);
  g_signal_emit_by_name (instance_keys, "key-pressed", GDK_KEY_ISO_Left_Tab, 0, GDK_SHIFT_MASK, &handled);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 0);
  g_signal_emit_by_name (instance_keys, "key-pressed", GDK_KEY_ISO_Left_Tab, 0, GDK_SHIFT_MASK, &handled);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 2);  /* round the end */

  /* The focus in a text field: Tab moves on, 3 is typed. */
  gtk_box_append (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (fixture->labels))), entry);
  gtk_widget_grab_focus (entry);
  handled = TRUE;
  g_signal_emit_by_name (instance_keys, "key-pressed", GDK_KEY_Tab, 0, (GdkModifierType) 0, &handled);
  g_assert_false (handled);
  g_assert_cmpint (quorum_canvas_get_selected (fixture->canvas), ==, 2);
  handled = TRUE;
  g_signal_emit_by_name (label_keys, "key-pressed", GDK_KEY_3, 0, (GdkModifierType) 0, &handled);
  g_assert_false (handled);
  g_assert_cmpstr (quorum_label_list_get_current_label (fixture->labels), !=, "sign");
  /* Elsewhere (back on the canvas), 3 chooses the third label. */
  gtk_widget_grab_focus (GTK_WIDGET (fixture->canvas));
  g_signal_emit_by_name (label_keys, "key-pressed", GDK_KEY_3, 0, (GdkModifierType) 0, &handled);
  g_assert_true (handled);
  g_assert_cmpstr (quorum_label_list_get_current_label (fixture->labels), ==, "sign");
}

/* Choosing a label in the label list relabels the selected instance when the
 * label is of its kind; the combo row offers the kind's labels only. */
static void
test_relabel_from_label_list (Fixture       *fixture,
                              gconstpointer  data)
{
  static const char two_boxes[] =
    "{\"labels\": ["
    " {\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\", \"attributes\": []},"
    " {\"name\": \"person\", \"color\": \"#3584e4\", \"kind\": \"polygon\", \"attributes\": []},"
    " {\"name\": \"truck\", \"color\": \"#ff7800\", \"kind\": \"box\", \"attributes\": []},"
    " {\"name\": \"sign\", \"color\": \"#f6d32d\", \"kind\": \"point\", \"attributes\": []}"
    "]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (two_boxes, strlen (two_boxes), &error);
  g_autoptr(QuorumLabelSchema) schema = NULL;
  GtkListBox *list_box = find_widget (GTK_WIDGET (fixture->labels), GTK_TYPE_LIST_BOX, NULL);
  AdwComboRow *label_combo = find_widget (GTK_WIDGET (fixture->instances), ADW_TYPE_COMBO_ROW, "Label");
  GListModel *offered = adw_combo_row_get_model (label_combo);

  g_assert_no_error (error);
  schema = quorum_wire_read_label_schema (node, "", &error);
  g_assert_no_error (error);
  g_assert_true (quorum_label_list_set_schema_json (fixture->labels, node, &error));
  quorum_instance_list_set_schema (fixture->instances, schema);
  quorum_canvas_set_editable (fixture->canvas, TRUE);

  /* The second car: the combo row offers the two box labels. */
  quorum_canvas_select (fixture->canvas, 2);
  g_assert_cmpuint (g_list_model_get_n_items (offered), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (offered), 0), ==, "car");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (offered), 1), ==, "truck");

  /* A click on "truck" in the label list relabels it: one undo step. */
  gtk_list_box_select_row (list_box, GTK_LIST_BOX_ROW (label_row (fixture, 2)));
  g_assert_cmpstr (quorum_canvas_get_instance (fixture->canvas, 2)->label, ==, "truck");
  {
    g_autofree char *name = quorum_instance_item_describe (instance_item (fixture, 2));

    g_assert_cmpstr (name, ==, "truck 1");
  }
  g_assert_cmpuint (adw_combo_row_get_selected (label_combo), ==, 1);

  /* "person" is a polygon label: the box keeps its label. */
  gtk_list_box_select_row (list_box, GTK_LIST_BOX_ROW (label_row (fixture, 1)));
  g_assert_cmpstr (quorum_canvas_get_instance (fixture->canvas, 2)->label, ==, "truck");

  g_assert_true (quorum_canvas_undo (fixture->canvas));
  g_assert_cmpstr (quorum_canvas_get_instance (fixture->canvas, 2)->label, ==, "car");
}

static void
test_attribute_editor (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkStack *stack = find_widget (GTK_WIDGET (fixture->attributes), GTK_TYPE_STACK, NULL);
  GtkSwitch *occluded;
  AdwComboRow *colour;
  AdwEntryRow *note;
  GtkCheckButton *door;
  JsonObject *attributes;

  /* Nothing selected, then a label without attributes: the empty state. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  quorum_canvas_select (fixture->canvas, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  quorum_canvas_select (fixture->canvas, 2);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "attributes");
  occluded = find_widget (GTK_WIDGET (fixture->attributes), GTK_TYPE_SWITCH, NULL);
  /* Shown by their display names; stored by the schema's. */
  colour = find_widget (GTK_WIDGET (fixture->attributes), ADW_TYPE_COMBO_ROW, "Colour");
  note = find_widget (GTK_WIDGET (fixture->attributes), ADW_TYPE_ENTRY_ROW, "Note");
  door = find_widget (find_widget (GTK_WIDGET (fixture->attributes), ADW_TYPE_ACTION_ROW, "Door"),
                      GTK_TYPE_CHECK_BUTTON, NULL);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (colour)), 3), ==,
                   "Dark blue");
  g_assert_nonnull (occluded);
  g_assert_nonnull (colour);
  g_assert_nonnull (note);
  g_assert_nonnull (door);
  g_assert_false (gtk_switch_get_active (occluded));
  g_assert_cmpuint (adw_combo_row_get_selected (colour), ==, 0);  /* None */

  gtk_switch_set_active (occluded, TRUE);
  attributes = quorum_canvas_get_instance (fixture->canvas, 2)->attributes;
  g_assert_true (json_object_get_boolean_member (attributes, "occluded"));
  adw_combo_row_set_selected (colour, 2);
  attributes = quorum_canvas_get_instance (fixture->canvas, 2)->attributes;
  g_assert_cmpstr (json_object_get_string_member (attributes, "colour"), ==, "green");
  g_assert_true (json_object_get_boolean_member (attributes, "occluded"));
  gtk_check_button_set_active (door, TRUE);
  attributes = quorum_canvas_get_instance (fixture->canvas, 2)->attributes;
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (attributes, "parts")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (attributes, "parts"), 0),
                   ==, "door");
  gtk_editable_set_text (GTK_EDITABLE (note), "half hidden");
  g_signal_emit_by_name (note, "apply");
  attributes = quorum_canvas_get_instance (fixture->canvas, 2)->attributes;
  g_assert_cmpstr (json_object_get_string_member (attributes, "note"), ==, "half hidden");
  /* The other car is untouched. */
  g_assert_cmpuint (json_object_get_size (quorum_canvas_get_instance (fixture->canvas, 0)->attributes), ==, 0);

  /* Each change was one step; undo walks them back, and the editor follows. */
  g_assert_true (quorum_canvas_undo (fixture->canvas));
  g_assert_true (quorum_canvas_undo (fixture->canvas));
  attributes = quorum_canvas_get_instance (fixture->canvas, 2)->attributes;
  g_assert_false (json_object_has_member (attributes, "parts"));
  g_assert_false (json_object_has_member (attributes, "note"));
  g_assert_false (gtk_check_button_get_active (door));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (note)), ==, "");
  g_assert_true (quorum_canvas_undo (fixture->canvas));
  attributes = quorum_canvas_get_instance (fixture->canvas, 2)->attributes;
  g_assert_false (json_object_has_member (attributes, "colour"));
  g_assert_true (json_object_get_boolean_member (attributes, "occluded"));
  g_assert_cmpuint (adw_combo_row_get_selected (colour), ==, 0);
  g_assert_true (quorum_canvas_undo (fixture->canvas));
  attributes = quorum_canvas_get_instance (fixture->canvas, 2)->attributes;
  g_assert_cmpuint (json_object_get_size (attributes), ==, 0);
  g_assert_false (gtk_switch_get_active (occluded));
  g_assert_false (quorum_canvas_can_undo (fixture->canvas));

  /* Choosing None again removes the value; back to nothing selected. */
  g_assert_true (quorum_canvas_redo (fixture->canvas));
  g_assert_true (gtk_switch_get_active (occluded));
  quorum_canvas_select (fixture->canvas, -1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
}

static void
test_preferences (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = quorum_preferences_window_new (fixture->window);
  GtkRange *opacity;
  AdwComboRow *tool;
  GtkSpinButton *interval, *cache;
  g_autofree char *tool_nick = NULL;

  g_settings_bind (settings, "fill-opacity", fixture->canvas, "fill-opacity", G_SETTINGS_BIND_GET);
  g_assert_cmpfloat_with_epsilon (quorum_canvas_get_fill_opacity (fixture->canvas), 0.25, 1e-9);
  gtk_window_present (GTK_WINDOW (window));
  wait_mapped (window);

  opacity = find_widget (window, GTK_TYPE_SCALE, NULL);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (opacity), 0.25, 1e-9);
  gtk_range_set_value (opacity, 0.6);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "fill-opacity"), 0.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (quorum_canvas_get_fill_opacity (fixture->canvas), 0.6, 1e-9);

  tool = find_widget (window, ADW_TYPE_COMBO_ROW, "Default Tool");
  g_assert_cmpuint (adw_combo_row_get_selected (tool), ==, 0);
  adw_combo_row_set_selected (tool, 2);
  tool_nick = g_settings_get_string (settings, "default-tool");
  g_assert_cmpstr (tool_nick, ==, "polygon");
  g_assert_cmpint (g_settings_get_enum (settings, "default-tool"), ==, QUORUM_CANVAS_TOOL_POLYGON);

  interval = find_widget (find_widget (window, ADW_TYPE_ACTION_ROW, "Autosave Interval"),
                          GTK_TYPE_SPIN_BUTTON, NULL);
  g_assert_cmpfloat (gtk_spin_button_get_value (interval), ==, 2);
  gtk_spin_button_set_value (interval, 30);
  g_assert_cmpuint (g_settings_get_uint (settings, "autosave-interval"), ==, 30);

  cache = find_widget (find_widget (window, ADW_TYPE_ACTION_ROW, "Cache Size"),
                       GTK_TYPE_SPIN_BUTTON, NULL);
  g_assert_cmpfloat (gtk_spin_button_get_value (cache), ==, 2048);
  gtk_spin_button_set_value (cache, 512);
  g_assert_cmpuint (g_settings_get_uint64 (settings, "cache-size"), ==, G_GUINT64_CONSTANT (512) << 20);

  g_settings_reset (settings, "fill-opacity");
  g_settings_reset (settings, "default-tool");
  g_settings_reset (settings, "autosave-interval");
  g_settings_reset (settings, "cache-size");
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (opacity), 0.25, 1e-9);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_unbind (fixture->canvas, "fill-opacity");
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      /* In CI the display is part of the setup (build-aux/run-tests): its
       * absence is a failure there, not a skip. */
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* What the application does for its windows: the tool icons. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/org/quorum/Quorum/icons");

#define ADD(path, func) \
  g_test_add ("/side-panel/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("label-list", test_label_list);
  ADD ("label-list-empty", test_label_list_empty);
  ADD ("label-visibility", test_label_visibility);
  ADD ("instance-list", test_instance_list);
  ADD ("relabel-from-label-list", test_relabel_from_label_list);
  ADD ("keys-by-focus", test_keys_by_focus);
  ADD ("attribute-editor", test_attribute_editor);
  ADD ("preferences", test_preferences);
#undef ADD
  return g_test_run ();
}
