/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "app-test-server.h"
#include "quorum-job-item.h"
#include "quorum-label-editor.h"
#include "quorum-task-list.h"

/*
 * The label schema editor against a real quorum-server filled by
 * `quorumctl demo`, as its project admin (tom): the labels the server has,
 * a rename of a label in use that asks first with the server's count
 * (Cancel sends nothing, Save Anyway sends it), a new label with a choice
 * attribute moved up, a schema the server refuses (its message shown, the
 * label it names selected, nothing changed) and a close with changes that
 * asks. The tests run in order and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
  gint64         job;
  gint64         project;
} server;

#define call app_test_callf

static JsonArray *
server_labels (void)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/labels",
                                    server.project);

  return json_array_ref (json_object_get_array_member (json_node_get_object (reply), "labels"));
}

static char *
server_labels_text (void)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/labels",
                                    server.project);

  return json_to_string (reply, FALSE);
}

/* The instances of @label, as GET …/labels/usage counts them. */
static gint64
usage_of (const char *label)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/labels/usage",
                                    server.project);
  JsonArray *rows = json_object_get_array_member (json_node_get_object (reply), "labels");
  gint64 count = 0;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (json_object_get_string_member (row, "label"), label) == 0)
        count += json_object_get_int_member (row, "instances");
    }
  return count;
}

static gpointer
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static QuorumLabelEditor *
editor (void)
{
  return find_window (QUORUM_TYPE_LABEL_EDITOR);
}

static gboolean
editor_idle (gpointer data)
{
  return editor () != NULL && !quorum_label_editor_get_loading (editor ());
}

static gboolean
editor_saved (gpointer data)
{
  return editor_idle (NULL) && !quorum_label_editor_get_dirty (editor ());
}

static gboolean
job_listed (gpointer data)
{
  QuorumTaskList *tasks = app_test_child (server.real.window, "tasks");

  return tasks != NULL && quorum_task_list_find_job (tasks, server.job) != NULL;
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

static void
respond (const char *heading,
         const char *response)
{
  GtkWidget *dialog = app_test_find_dialog (heading);

  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_close (GTK_WINDOW (dialog));
  app_test_iterate (50);
  g_assert_null (app_test_find_dialog (heading));
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor ()), action, NULL));
  app_test_iterate (20);
}

/* ---- the tests ----------------------------------------------------------------- */

static void
test_open (void)
{
  g_autoptr(JsonArray) labels = server_labels ();
  g_autoptr(JsonNode) shown = NULL;
  g_autofree char *shown_text = NULL;
  g_autofree char *server_text = server_labels_text ();

  /* The job's menu offers it to the project's admin. */
  g_assert_true (app_test_wait_until (job_listed, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.label-schema", "x", server.job));
  g_assert_true (app_test_wait_until (editor_idle, NULL));
  g_assert_cmpuint (quorum_label_editor_get_n_labels (editor ()), ==, json_array_get_length (labels));
  g_assert_cmpuint (json_array_get_length (labels), >, 1);
  g_assert_false (quorum_label_editor_get_dirty (editor ()));
  g_assert_cmpint (quorum_label_editor_get_selected (editor ()), ==, 0);

  /* What Save would send is what the server has, untouched. */
  shown = quorum_label_editor_build_schema (editor ());
  shown_text = json_to_string (shown, FALSE);
  g_assert_cmpstr (shown_text, ==, server_text);
}

static void
test_rename_in_use (void)
{
  g_autoptr(JsonArray) labels = server_labels ();
  g_autoptr(JsonArray) after = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *before = server_labels_text ();
  g_autofree char *unchanged = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *renamed = NULL;
  const char *name = NULL;
  gint64 count = 0;
  guint index = 0;

  /* The label the most instances use. */
  for (guint i = 0; i < json_array_get_length (labels); i++)
    {
      const char *candidate = json_object_get_string_member (json_array_get_object_element (labels, i), "name");

      if (usage_of (candidate) > count)
        {
          count = usage_of (candidate);
          name = candidate;
          index = i;
        }
    }
  g_assert_nonnull (name);
  g_assert_cmpint (count, >, 0);
  renamed = g_strdup_printf ("%s renamed", name);

  quorum_label_editor_select (editor (), index);
  app_test_iterate (20);
  g_assert_cmpint (quorum_label_editor_get_selected (editor ()), ==, index);
  gtk_editable_set_text (quorum_label_editor_get_name_row (editor ()), renamed);
  g_assert_true (quorum_label_editor_get_dirty (editor ()));

  warnings = quorum_label_editor_list_warnings (editor ());
  g_assert_cmpuint (warnings->len, ==, 1);
  expected = g_strdup_printf ("“%s” is renamed “%s”: %" G_GINT64_FORMAT " instance%s still name%s “%s”.",
                              name, renamed, count, count == 1 ? "" : "s", count == 1 ? "s" : "", name);
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==, expected);

  /* Save asks; Cancel sends nothing. */
  activate ("labels.save");
  g_assert_true (app_test_wait_until (dialog_shown, "Change Labels in Use?"));
  respond ("Change Labels in Use?", "cancel");
  app_test_iterate (200);
  unchanged = server_labels_text ();
  g_assert_cmpstr (unchanged, ==, before);
  g_assert_true (quorum_label_editor_get_dirty (editor ()));

  /* Save Anyway sends it, and the server keeps the label in its place. */
  activate ("labels.save");
  g_assert_true (app_test_wait_until (dialog_shown, "Change Labels in Use?"));
  respond ("Change Labels in Use?", "save");
  g_assert_true (app_test_wait_until (editor_saved, NULL));
  after = server_labels ();
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, index), "name"), ==, renamed);
  g_assert_cmpuint (json_array_get_length (after), ==, json_array_get_length (labels));
}

static void
test_add_label (void)
{
  g_autoptr(JsonArray) labels = server_labels ();
  g_autoptr(JsonArray) after = NULL;
  guint n = json_array_get_length (labels);
  JsonObject *cone;
  JsonObject *shape;
  JsonArray *options;

  activate ("labels.add");
  g_assert_cmpuint (quorum_label_editor_get_n_labels (editor ()), ==, n + 1);
  g_assert_cmpint (quorum_label_editor_get_selected (editor ()), ==, n);
  gtk_editable_set_text (quorum_label_editor_get_name_row (editor ()), "cone");
  adw_combo_row_set_selected (quorum_label_editor_get_kind_row (editor ()), 3);   /* Point */
  app_test_iterate (20);
  activate ("labels.add-attribute");
  gtk_editable_set_text (quorum_label_editor_get_attribute_name_row (editor (), 0), "shape");
  adw_combo_row_set_selected (quorum_label_editor_get_attribute_type_row (editor (), 0), 1);   /* One Choice */
  gtk_editable_set_text (quorum_label_editor_get_attribute_options_row (editor (), 0), "round,  square , ");
  activate ("labels.move-up");
  g_assert_cmpint (quorum_label_editor_get_selected (editor ()), ==, n - 1);

  gtk_window_set_default_size (GTK_WINDOW (editor ()), 1024, 600);
  app_test_screenshot (GTK_WINDOW (editor ()), "label-editor-1024x600.png");
  gtk_window_set_default_size (GTK_WINDOW (editor ()), 1400, 900);
  app_test_screenshot (GTK_WINDOW (editor ()), "label-editor.png");

  /* A new label leaves nothing behind: saved without a question. */
  activate ("labels.save");
  g_assert_true (app_test_wait_until (editor_saved, NULL));
  g_assert_null (app_test_find_dialog ("Change Labels in Use?"));
  after = server_labels ();
  g_assert_cmpuint (json_array_get_length (after), ==, n + 1);
  cone = json_array_get_object_element (after, n - 1);
  g_assert_cmpstr (json_object_get_string_member (cone, "name"), ==, "cone");
  g_assert_cmpstr (json_object_get_string_member (cone, "kind"), ==, "point");
  shape = json_array_get_object_element (json_object_get_array_member (cone, "attributes"), 0);
  g_assert_cmpstr (json_object_get_string_member (shape, "name"), ==, "shape");
  g_assert_cmpstr (json_object_get_string_member (shape, "type"), ==, "single_choice");
  options = json_object_get_array_member (shape, "options");
  g_assert_cmpuint (json_array_get_length (options), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (options, 0), ==, "round");
  g_assert_cmpstr (json_array_get_string_element (options, 1), ==, "square");
  /* The label it swapped with is now last. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, n), "name"), ==,
                   json_object_get_string_member (json_array_get_object_element (labels, n - 1), "name"));
}

static gboolean
refused (gpointer data)
{
  return editor_idle (NULL) && quorum_label_editor_get_dirty (editor ()) &&
         quorum_label_editor_get_selected (editor ()) == GPOINTER_TO_INT (data);
}

static void
test_refused (void)
{
  g_autofree char *before = server_labels_text ();
  g_autofree char *unchanged = NULL;
  guint n = quorum_label_editor_get_n_labels (editor ());

  /* A second "cone": the server names labels[n] and changes nothing. */
  activate ("labels.add");
  gtk_editable_set_text (quorum_label_editor_get_name_row (editor ()), "cone");
  quorum_label_editor_select (editor (), 0);
  app_test_iterate (20);
  activate ("labels.save");
  g_assert_true (app_test_wait_until (refused, GINT_TO_POINTER (n)));
  unchanged = server_labels_text ();
  g_assert_cmpstr (unchanged, ==, before);
}

static void
test_remove_undo (void)
{
  guint n = quorum_label_editor_get_n_labels (editor ());
  g_autoptr(JsonNode) before = quorum_label_editor_build_schema (editor ());
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *before_text = json_to_string (before, FALSE);
  g_autofree char *after_text = NULL;

  quorum_label_editor_select (editor (), 1);
  app_test_iterate (20);
  activate ("labels.remove");
  g_assert_cmpuint (quorum_label_editor_get_n_labels (editor ()), ==, n - 1);
  activate ("labels.undo-remove");
  g_assert_cmpuint (quorum_label_editor_get_n_labels (editor ()), ==, n);
  g_assert_cmpint (quorum_label_editor_get_selected (editor ()), ==, 1);
  after = quorum_label_editor_build_schema (editor ());
  after_text = json_to_string (after, FALSE);
  g_assert_cmpstr (after_text, ==, before_text);
}

static void
test_close_with_changes (void)
{
  g_autofree char *before = server_labels_text ();
  g_autofree char *after = NULL;

  g_assert_true (quorum_label_editor_get_dirty (editor ()));
  gtk_window_close (GTK_WINDOW (editor ()));
  g_assert_true (app_test_wait_until (dialog_shown, "Discard Changes to the Labels?"));
  g_assert_nonnull (editor ());
  respond ("Discard Changes to the Labels?", "keep");
  g_assert_nonnull (editor ());
  gtk_window_close (GTK_WINDOW (editor ()));
  g_assert_true (app_test_wait_until (dialog_shown, "Discard Changes to the Labels?"));
  respond ("Discard Changes to the Labels?", "discard");
  app_test_iterate (100);
  g_assert_null (editor ());
  after = server_labels_text ();
  g_assert_cmpstr (after, ==, before);
}

static gboolean
work_shown (gpointer data)
{
  GtkStack *stack = app_test_child (server.real.window, "stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "work") == 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonNode) job = NULL;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-label-editor-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  server.job = app_test_demo_job_id (server.demo, "Street scenes — consensus");
  job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, server.job);
  server.project = json_object_get_int_member (json_node_get_object (job), "project");

  app_test_server_open_window (&server.real, 1200, 760);
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), "tom");
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"),
                         app_test_demo_password (server.demo, "tom"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));

  g_test_add_func ("/label-editor/open", test_open);
  g_test_add_func ("/label-editor/rename-in-use", test_rename_in_use);
  g_test_add_func ("/label-editor/add-label", test_add_label);
  g_test_add_func ("/label-editor/refused", test_refused);
  g_test_add_func ("/label-editor/remove-undo", test_remove_undo);
  g_test_add_func ("/label-editor/close-with-changes", test_close_with_changes);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
