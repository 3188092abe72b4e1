/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "app-test-server.h"
#include "quorum-job-overview.h"
#include "quorum-label-editor.h"
#include "quorum-projects-window.h"

/*
 * The Projects window against a real, empty quorum-server: its empty
 * state, a project created from its New Project dialog (the server holds
 * it, with the creator as its admin), the tools a project admin sees and
 * one opened, a project's jobs listed when its row opens and one opened
 * into its overview; then, signed in as an editor of the project, no New
 * Project and only the editor's tools. The tests run in order and share one
 * server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define EDITOR_PASSWORD "editor password 1"

static struct {
  AppTestServer  real;
  gint64         project;
  gint64         job;
  gint64         org;
} server;

#define call app_test_callf

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

static QuorumProjectsWindow *
projects (void)
{
  return find_window (QUORUM_TYPE_PROJECTS_WINDOW);
}

static gboolean
projects_idle (gpointer data)
{
  return projects () != NULL && !quorum_projects_window_get_loading (projects ());
}

static gboolean
work_shown (gpointer data)
{
  GtkStack *stack = app_test_child (server.real.window, "stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "work") == 0;
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

static GtkWidget *
find_descendant (GtkWidget  *root,
                 GType       type,
                 const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        return child;
      if ((found = find_descendant (child, type, title)) != NULL)
        return found;
    }
  return NULL;
}

static GtkStack *
projects_stack (void)
{
  return GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (projects ()), QUORUM_TYPE_PROJECTS_WINDOW, "stack"));
}

static GtkWidget *
new_button (void)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (projects ()), QUORUM_TYPE_PROJECTS_WINDOW,
                                                    "new_button"));
}

static void
sign_in (const char *user,
         const char *password)
{
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), user);
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"), password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));
}

/* ---- the tests ----------------------------------------------------------------- */

static void
test_empty (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.projects", NULL));
  g_assert_true (app_test_wait_until (projects_idle, NULL));
  g_assert_cmpuint (quorum_projects_window_get_n_projects (projects ()), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (projects_stack ()), ==, "empty");
  /* root is the server's administrator: it may create one */
  g_assert_true (gtk_widget_get_visible (new_button ()));
}

static void
test_create (void)
{
  GtkWidget *dialog;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) members = NULL;
  JsonObject *member;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (projects ()), "projects.new", NULL));
  g_assert_true (app_test_wait_until (dialog_shown, (gpointer) "New Project"));
  dialog = app_test_find_dialog ("New Project");
  /* Create waits for a name */
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "create"));
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "quorum-name"), "  Chest X-rays ");
  /* the organization created before the window opened: the second choice */
  gtk_drop_down_set_selected (g_object_get_data (G_OBJECT (dialog), "quorum-org"), 1);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "create"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "create");
  gtk_window_close (GTK_WINDOW (dialog));
  app_test_iterate (50);
  g_assert_true (app_test_wait_until (projects_idle, NULL));

  g_assert_cmpuint (quorum_projects_window_get_n_projects (projects ()), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (projects_stack ()), ==, "list");
  server.project = quorum_projects_window_find_project (projects (), "Chest X-rays");
  g_assert_cmpint (server.project, >, 0);

  /* the server holds it, trimmed, with root as its admin */
  listed = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT, server.project);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (listed), "name"), ==, "Chest X-rays");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (listed), "org"), ==, server.org);
  members = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/members", server.project);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (members)), ==, 1);
  member = json_array_get_object_element (json_node_get_array (members), 0);
  g_assert_cmpstr (json_object_get_string_member (member, "name"), ==, "root");
  g_assert_cmpstr (json_object_get_string_member (member, "role"), ==, "admin");
}

static gboolean
label_editor_shown (gpointer data)
{
  return find_window (QUORUM_TYPE_LABEL_EDITOR) != NULL;
}

static void
test_admin_tools (void)
{
  GtkWindow *labels;

  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "labels"));
  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "guides"));
  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "members"));
  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "files"));
  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "new-job"));
  g_assert_false (quorum_projects_window_has_tool (projects (), server.project, "no such tool"));
  g_assert_false (quorum_projects_window_has_tool (projects (), server.project + 100, "labels"));

  /* its row opens the label editor of that project */
  g_assert_nonnull (find_descendant (GTK_WIDGET (projects ()), ADW_TYPE_ACTION_ROW, "Label Schema"));
  labels = quorum_projects_window_open_tool (projects (), server.project, "labels");
  g_assert_true (QUORUM_IS_LABEL_EDITOR (labels));
  g_assert_true (app_test_wait_until (label_editor_shown, NULL));
  gtk_window_destroy (labels);
  app_test_iterate (20);
}

static gboolean
job_row_shown (gpointer title)
{
  return find_descendant (GTK_WIDGET (projects ()), ADW_TYPE_ACTION_ROW, title) != NULL;
}

static void
test_jobs (void)
{
  AdwExpanderRow *row = ADW_EXPANDER_ROW (find_descendant (GTK_WIDGET (projects ()), ADW_TYPE_EXPANDER_ROW,
                                                           "Chest X-rays"));
  GtkWidget *job_row;
  QuorumJobOverview *overview;
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", server.project);

  g_assert_nonnull (row);
  /* none yet: the row says so once open */
  adw_expander_row_set_expanded (row, TRUE);
  g_assert_true (app_test_wait_until (job_row_shown, (gpointer) "No jobs yet"));

  server.job = app_test_call_id (server.real.admin, "POST", path,
                                 "{\"settings\": {\"name\": \"Fractures\", \"type\": \"normal\"}, \"files\": []}");
  g_assert_cmpint (server.job, >, 0);
  /* read again each time it opens */
  adw_expander_row_set_expanded (row, FALSE);
  adw_expander_row_set_expanded (row, TRUE);
  g_assert_true (app_test_wait_until (job_row_shown, (gpointer) "Fractures"));
  g_assert_false (job_row_shown ((gpointer) "No jobs yet"));
  job_row = find_descendant (GTK_WIDGET (projects ()), ADW_TYPE_ACTION_ROW, "Fractures");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (job_row)), ==, "Annotation · Draft");
  app_test_iterate (300);
  app_test_screenshot (GTK_WINDOW (projects ()), "projects-window.png");

  g_signal_emit_by_name (job_row, "activated");
  app_test_iterate (50);
  overview = find_window (QUORUM_TYPE_JOB_OVERVIEW);
  g_assert_nonnull (overview);
  gtk_window_destroy (GTK_WINDOW (overview));
  app_test_iterate (20);
}

static void
test_editor (void)
{
  g_autofree char *member_path = NULL;
  g_autoptr(JsonNode) member = NULL;
  gint64 editor;

  editor = app_test_call_id (server.real.admin, "POST", "/users",
                             "{\"name\": \"erin\", \"password\": \"" EDITOR_PASSWORD "\"}");
  member_path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT, server.project, editor);
  member = app_test_call (server.real.admin, "PUT", member_path, "{\"role\": \"editor\"}");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (member), "role"), ==, "editor");

  /* signing out closes the session's windows */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-out", NULL));
  app_test_iterate (200);
  g_assert_null (projects ());
  sign_in ("erin", EDITOR_PASSWORD);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.projects", NULL));
  g_assert_true (app_test_wait_until (projects_idle, NULL));
  g_assert_cmpuint (quorum_projects_window_get_n_projects (projects ()), ==, 1);
  g_assert_false (gtk_widget_get_visible (new_button ()));
  g_assert_false (gtk_widget_is_sensitive (new_button ()));
  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "guides"));
  g_assert_false (quorum_projects_window_has_tool (projects (), server.project, "labels"));
  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "new-job"));
  g_assert_true (quorum_projects_window_has_tool (projects (), server.project, "files"));
  g_assert_null (quorum_projects_window_open_tool (projects (), server.project, "labels"));
  g_assert_null (find_descendant (GTK_WIDGET (projects ()), ADW_TYPE_ACTION_ROW, "Label Schema"));
  g_assert_nonnull (find_descendant (GTK_WIDGET (projects ()), ADW_TYPE_ACTION_ROW, "Guides"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-projects-window-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.org = app_test_call_id (server.real.admin, "POST", "/orgs", "{\"name\": \"Radiology Partners\"}");
  app_test_server_open_window (&server.real, 1200, 760);
  sign_in ("root", ROOT_PASSWORD);

  g_test_add_func ("/projects-window/empty", test_empty);
  g_test_add_func ("/projects-window/create", test_create);
  g_test_add_func ("/projects-window/admin-tools", test_admin_tools);
  g_test_add_func ("/projects-window/jobs", test_jobs);
  g_test_add_func ("/projects-window/editor", test_editor);
  status = g_test_run ();

  app_test_server_stop (&server.real);
  return status;
}
