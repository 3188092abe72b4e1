/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "quorum-application.h"
#include "quorum-canvas-private.h"
#include "quorum-credentials-store.h"
#include "quorum-error.h"
#include "quorum-guide-view.h"
#include "quorum-job-item.h"
#include "quorum-sync-indicator.h"
#include "quorum-task-item.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * The desktop app's main flow against a real quorum-server: signing in,
 * the task list, opening a task, drawing, autosave and sync, submitting and
 * signing out. The tests run in order and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define ANN_PASSWORD  "ann-password"

static struct {
  AppTestServer  real;
  gint64         job;
  gint64         files[2];
  gint64         task;      /* ann's first task */
} server;

/* ---- a real server ----------------------------------------------------------- */

static void
write_image (const char *path,
             guint32     rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 64, 48);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, rgba);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* A project with a box label "car" and a polygon label "sign", two images,
 * a guide, one launched job of both files without review, and the
 * annotator ann holding the first task with one box saved on it. */
static void
server_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) ann = NULL;
  g_autoptr(JsonNode) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  gint64 guide, ann_id;

  app_test_server_start (&server.real, ROOT_PASSWORD);
  g_assert_cmpint (app_test_call_id (server.real.admin, "POST", "/projects", "{\"name\": \"Streets\"}"), ==, 1);
  json_node_unref (app_test_call (server.real.admin, "PUT", "/projects/1/labels",
                         "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\", \"attributes\": []},"
                         " {\"name\": \"sign\", \"color\": \"#3584e4\", \"kind\": \"polygon\", \"attributes\": []}]}"));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("street-%u.png", i);
      g_autofree char *file_path = g_build_filename (server.real.home, name, NULL);
      g_autoptr(JsonNode) file = NULL;

      write_image (file_path, i == 0 ? 0x4080c0ff : 0xc08040ff);
      file = quorum_client_upload_sync (server.real.admin, 1, file_path, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      server.files[i] = json_object_get_int_member (json_node_get_object (file), "id");
    }
  guide = app_test_call_id (server.real.admin, "POST", "/projects/1/guides",
                   "{\"name\": \"Drawing cars\", \"markdown\": \"# Cars\\nBox every car.\"}");
  ann_id = app_test_call_id (server.real.admin, "POST", "/users", "{\"name\": \"ann\", \"password\": \"" ANN_PASSWORD "\"}");
  path = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, ann_id);
  json_node_unref (app_test_call (server.real.admin, "PUT", path, "{\"role\": \"annotator\"}"));
  body = g_strdup_printf ("{\"settings\": {\"name\": \"Cars\", \"passes_per_file\": 1, \"review_frequency\": 0,"
                          " \"draw_guide\": \"%" G_GINT64_FORMAT "\"}, \"files\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]}",
                          guide, server.files[0], server.files[1]);
  server.job = app_test_call_id (server.real.admin, "POST", "/projects/1/jobs", body);
  g_free (path);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", server.job);
  json_node_unref (app_test_call (server.real.admin, "POST", path, NULL));

  ann = app_test_server_sign_in (&server.real, "ann", ANN_PASSWORD);
  g_free (path);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", server.job);
  task = app_test_call (ann, "POST", path, NULL);
  server.task = json_object_get_int_member (json_node_get_object (task), "id");
  g_free (path);
  g_free (body);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", server.task);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": [{\"id\": \"first-car\", \"label\": \"car\","
                          " \"kind\": \"box\", \"points\": [[4, 4], [20, 16]]}]}",
                          json_object_get_int_member (json_node_get_object (task), "version"));
  json_node_unref (app_test_call (ann, "PUT", path, body));
}

static JsonObject *
server_task (gint64 task_id)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);
  g_autoptr(JsonNode) task = app_test_call (server.real.admin, "GET", path, NULL);

  return json_object_ref (json_node_get_object (task));
}

/* ---- driving the window -------------------------------------------------------- */

static const char *
page (QuorumWindow *window)
{
  return gtk_stack_get_visible_child_name (app_test_child (window, "stack"));
}

static gboolean
error_shown (gpointer window)
{
  return gtk_widget_get_visible (app_test_child (window, "sign_in_error"));
}

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (page (window), "work") == 0;
}

static gboolean
start_shown (gpointer window)
{
  return g_strcmp0 (page (window), "start") == 0;
}

static GListModel *
task_rows (QuorumWindow *window)
{
  return G_LIST_MODEL (gtk_list_view_get_model (app_test_child (window, "task_list")));
}

static gboolean
task_listed (gpointer window)
{
  GListModel *rows = task_rows (window);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (QUORUM_IS_TASK_ITEM (item))
        return TRUE;
    }
  return FALSE;
}

static gboolean
canvas_shown (gpointer window)
{
  QuorumCanvas *canvas = app_test_child (window, "canvas");

  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "canvas_stack")), "canvas") == 0 &&
         quorum_canvas_get_image (canvas) != NULL && gtk_widget_get_mapped (GTK_WIDGET (canvas));
}

static gboolean
synced (gpointer window)
{
  QuorumSession *session = quorum_window_get_session (window);

  return session != NULL && quorum_sync_get_state (quorum_session_get_sync (session)) == QUORUM_SYNC_SYNCED;
}

static void
fill_form (QuorumWindow *window,
           const char   *address,
           const char   *user,
           const char   *password)
{
  gtk_editable_set_text (app_test_child (window, "server_row"), address);
  gtk_editable_set_text (app_test_child (window, "user_row"), user);
  gtk_editable_set_text (app_test_child (window, "password_row"), password);
}

/* ---- the tests ------------------------------------------------------------------- */

static void
test_wrong_password (void)
{
  QuorumWindow *window = server.real.window;
  const char *message;

  fill_form (window, server.real.address, "ann", "not her password");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (error_shown, window));
  message = gtk_label_get_label (app_test_child (window, "sign_in_error"));
  g_assert_cmpstr (message, ==, "The user name or the password is wrong.");
  g_assert_cmpstr (page (window), ==, "start");
  g_assert_null (quorum_window_get_session (window));
  g_assert_true (gtk_widget_is_sensitive (app_test_child (window, "password_row")));
}

static void
test_unreachable (void)
{
  QuorumWindow *window = server.real.window;
  const char *message;

  /* Port 9 (discard) on loopback: nothing listens. */
  fill_form (window, "http://127.0.0.1:9", "ann", ANN_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (error_shown, window));
  message = gtk_label_get_label (app_test_child (window, "sign_in_error"));
  g_assert_true (g_str_has_prefix (message, "The server cannot be reached: cannot reach http://127.0.0.1:9"));
  g_assert_cmpstr (page (window), ==, "start");
}

static void
test_sign_in (void)
{
  QuorumWindow *window = server.real.window;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last_server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *token = NULL;
  GListModel *rows;
  g_autoptr(GtkTreeListRow) job_row = NULL;
  g_autoptr(GObject) job = NULL;

  fill_form (window, server.real.address, "ann", ANN_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, window));
  g_assert_true (app_test_wait_until (task_listed, window));

  /* The job as a header row, ann's task under it. */
  rows = task_rows (window);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  job_row = g_list_model_get_item (rows, 0);
  job = gtk_tree_list_row_get_item (job_row);
  g_assert_true (QUORUM_IS_JOB_ITEM (job));
  g_assert_cmpstr (quorum_job_item_get_name (QUORUM_JOB_ITEM (job)), ==, "Cars");
  {
    g_autoptr(GtkTreeListRow) task_row = g_list_model_get_item (rows, 1);
    g_autoptr(GObject) task = gtk_tree_list_row_get_item (task_row);

    g_assert_true (QUORUM_IS_TASK_ITEM (task));
    g_assert_cmpint (quorum_task_item_get_id (QUORUM_TASK_ITEM (task)), ==, server.task);
    g_assert_cmpstr (quorum_task_item_get_file_name (QUORUM_TASK_ITEM (task)), ==, "street-0.png");
  }

  /* Remembered: the form's fields, and the token in the credentials store. */
  last_server = g_settings_get_string (settings, "last-server");
  g_assert_cmpstr (last_server, ==, server.real.address);
  token = quorum_credentials_store_lookup (server.real.address, &user);
  g_assert_nonnull (token);
  g_assert_cmpstr (user, ==, "ann");
  g_assert_cmpstr (token, ==, quorum_client_get_token (quorum_session_get_client (quorum_window_get_session (window))));
  g_assert_cmpstr (gtk_editable_get_text (app_test_child (window, "password_row")), ==, "");
}

static void
test_restore (void)
{
  QuorumWindow *other = quorum_window_new (server.real.application);

  /* `quorum --server URL --user ann`: the stored token, no form. */
  gtk_window_present (GTK_WINDOW (other));
  quorum_window_restore_session (other, server.real.address, "ann");
  g_assert_true (app_test_wait_until (work_shown, other));
  g_assert_true (app_test_wait_until (task_listed, other));
  gtk_window_close (GTK_WINDOW (other));
  app_test_iterate (50);

  /* Another user has no stored sign-in: the form stays, filled in. */
  other = quorum_window_new (server.real.application);
  gtk_window_present (GTK_WINDOW (other));
  quorum_window_restore_session (other, server.real.address, "bob");
  app_test_iterate (500);
  g_assert_cmpstr (page (other), ==, "start");
  g_assert_cmpstr (gtk_editable_get_text (app_test_child (other, "user_row")), ==, "bob");
  gtk_window_close (GTK_WINDOW (other));
  app_test_iterate (50);
}

static void
restored (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  QuorumSession **session = user_data;
  g_autoptr(GError) error = NULL;

  *session = quorum_session_restore_finish (result, &error);
  g_assert_no_error (error);
}

static void
restore_failed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QuorumSession) session = quorum_session_restore_finish (result, user_data);

  g_assert_null (session);
}

static gboolean
is_set (gpointer pointer)
{
  return *(gpointer *) pointer != NULL;
}

static gboolean
task_open (gpointer window)
{
  return quorum_window_get_task (window) != 0 && canvas_shown (window);
}

static gboolean
first_file_cached (gpointer window)
{
  g_autofree char *path = quorum_cache_lookup_media (quorum_session_get_cache (quorum_window_get_session (window)),
                                                     server.files[0]);

  return path != NULL;
}

/* `quorum --server URL --user ann --open-next JOB`: the next task is asked
 * for by the restore itself, beside the token's check, and taken once. */
static void
test_restore_open_next (void)
{
  g_autoptr(QuorumSession) session = NULL;
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *cached = NULL;
  QuorumWindow *other;

  quorum_session_restore_async (server.real.address, "ann", server.job, NULL, restored, &session);
  g_assert_true (app_test_wait_until (is_set, &session));
  /* Only for the job asked about. */
  g_assert_false (quorum_session_take_next_task (session, server.job + 1, &task, &error));
  g_assert_true (quorum_session_take_next_task (session, server.job, &task, &error));
  g_assert_no_error (error);
  g_assert_nonnull (task);
  /* ann's unfinished task comes first, and its file is in the media cache
   * already, fetched by the restore. */
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (task), "id"), ==, server.task);
  g_clear_pointer (&task, json_node_unref);
  cached = quorum_cache_lookup_media (quorum_session_get_cache (session), server.files[0]);
  g_assert_nonnull (cached);
  g_assert_false (quorum_session_take_next_task (session, server.job, &task, &error));
  g_assert_null (task);

  /* A job ann may not work in: the server's refusal is kept as the answer. */
  g_clear_object (&session);
  quorum_session_restore_async (server.real.address, "ann", 999, NULL, restored, &session);
  g_assert_true (app_test_wait_until (is_set, &session));
  g_assert_true (quorum_session_take_next_task (session, 999, &task, &error));
  g_assert_null (task);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Prepared ahead (as `quorum` does before GTK starts), then taken over by
   * the restore asking the same; another user's restore is its own. */
  g_clear_object (&session);
  token = quorum_credentials_store_lookup (server.real.address, NULL);
  g_assert_nonnull (token);
  quorum_session_prepare_restore (server.real.address, "ann", server.job);
  quorum_session_restore_async (server.real.address, "bob", server.job, NULL, restore_failed, &error);
  g_assert_true (app_test_wait_until (is_set, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  /* The prepared restore read the stored token at once: forgotten since,
   * a restore started now would find none. */
  app_test_iterate (500);
  g_assert_true (quorum_credentials_store_forget (server.real.address, &error));
  g_assert_no_error (error);
  quorum_session_restore_async (server.real.address, "ann", server.job, NULL, restored, &session);
  g_assert_true (app_test_wait_until (is_set, &session));
  g_assert_true (quorum_session_take_next_task (session, server.job, &task, &error));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (task), "id"), ==, server.task);
  g_clear_pointer (&task, json_node_unref);
  g_assert_true (quorum_credentials_store_save (server.real.address, "ann", token, &error));
  g_assert_no_error (error);

  /* The window opens the task the restore was given. */
  other = quorum_window_new (server.real.application);
  gtk_window_present (GTK_WINDOW (other));
  quorum_window_set_open_next (other, server.job);
  quorum_window_restore_session (other, server.real.address, "ann");
  g_assert_true (app_test_wait_until (task_open, other));
  g_assert_cmpint (quorum_window_get_task (other), ==, server.task);
  gtk_window_close (GTK_WINDOW (other));
  app_test_iterate (50);
}

static void
test_open_task (void)
{
  QuorumWindow *window = server.real.window;
  QuorumCanvas *canvas = app_test_child (window, "canvas");
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (app_test_child (window, "task_list")));
  const QuorumInstance *box;
  g_autofree char *cached = NULL;

  gtk_single_selection_set_selected (selection, 1);
  g_assert_true (app_test_wait_until (canvas_shown, window));
  g_assert_cmpint (quorum_window_get_task (window), ==, server.task);
  g_assert_cmpint (gdk_texture_get_width (quorum_canvas_get_image (canvas)), ==, 64);
  g_assert_cmpint (gdk_texture_get_height (quorum_canvas_get_image (canvas)), ==, 48);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, 1);
  box = quorum_canvas_get_instance (canvas, 0);
  g_assert_cmpstr (box->id, ==, "first-car");
  g_assert_cmpfloat (box->points[1].x, ==, 20);

  /* The file is in the media cache now (once fsynced: the image does not
   * wait for it), and the guide beside the task. */
  g_assert_true (app_test_wait_until (first_file_cached, window));
  cached = quorum_cache_lookup_media (quorum_session_get_cache (quorum_window_get_session (window)), server.files[0]);
  g_assert_nonnull (cached);
  g_assert_cmpstr (quorum_guide_view_get_markdown (app_test_child (window, "guide_view")), ==, "# Cars\nBox every car.");
  /* and which version of it: the guide's first. */
  g_assert_cmpstr (gtk_label_get_label (app_test_child (window, "guide_version_label")), ==, "Drawing cars, version 1");
  g_assert_true (gtk_widget_get_visible (app_test_child (window, "guide_version_label")));
}

static void
test_draw_saves_and_syncs (void)
{
  QuorumWindow *window = server.real.window;
  QuorumCanvas *canvas = app_test_child (window, "canvas");
  QuorumCache *cache = quorum_session_get_cache (quorum_window_get_session (window));
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *local = NULL;
  JsonArray *instances;
  JsonArray *points;
  double x0, y0, x1, y1;

  /* The tool and the label keep to one kind: the polygon tool brings a
   * polygon label, and a box label chosen brings the box tool back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "polygon"));
  g_assert_cmpstr (quorum_canvas_get_current_label (canvas), ==, "sign");
  quorum_canvas_set_current_label (canvas, "car");
  g_assert_cmpint (quorum_canvas_get_tool (canvas), ==, QUORUM_CANVAS_TOOL_BOX);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "box"));
  g_assert_cmpint (quorum_canvas_get_tool (canvas), ==, QUORUM_CANVAS_TOOL_BOX);
  g_assert_cmpstr (quorum_canvas_get_current_label (canvas), ==, "car");

  quorum_canvas_image_to_widget (canvas, 30, 20, &x0, &y0);
  quorum_canvas_image_to_widget (canvas, 50, 40, &x1, &y1);
  g_assert_true (_quorum_canvas_drag_begin (canvas, GDK_BUTTON_PRIMARY, 0, x0, y0));
  _quorum_canvas_drag_update (canvas, (x0 + x1) / 2, (y0 + y1) / 2);
  _quorum_canvas_drag_update (canvas, x1, y1);
  _quorum_canvas_drag_end (canvas, x1, y1);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, 2);

  /* Saved in the cache at once, before any request went out. */
  local = quorum_cache_get_local_instances (cache, server.task, NULL);
  g_assert_nonnull (strstr (local, "first-car"));
  g_assert_nonnull (strstr (local, quorum_canvas_get_instance (canvas, 1)->id));
  g_assert_true (quorum_cache_has_pending (cache, server.task) || synced (window));

  /* Then on the server. */
  g_assert_true (app_test_wait_until (synced, window));
  g_assert_cmpstr (quorum_sync_indicator_get_summary (app_test_child (window, "sync_indicator")), ==,
                   "All work is on the server");
  task = server_task (server.task);
  instances = json_object_get_array_member (task, "instances");
  g_assert_cmpuint (json_array_get_length (instances), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (instances, 1), "id"), ==,
                   quorum_canvas_get_instance (canvas, 1)->id);
  points = json_object_get_array_member (json_array_get_object_element (instances, 1), "points");
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (json_array_get_array_element (points, 0), 0), 30, 0.5);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (json_array_get_array_element (points, 1), 1), 40, 0.5);
}

static gboolean
conflict_shown (gpointer data)
{
  return app_test_find_dialog ("The Server Refused Your Work") != NULL;
}

static void
test_submit_refused (void)
{
  QuorumWindow *window = server.real.window;
  QuorumCanvas *canvas = app_test_child (window, "canvas");
  g_autoptr(JsonObject) task = NULL;
  GtkWidget *dialog;
  double x0, y0, x1, y1;

  /* A box with a label the project does not have. */
  quorum_canvas_set_current_label (canvas, "unicorn");
  quorum_canvas_image_to_widget (canvas, 2, 30, &x0, &y0);
  quorum_canvas_image_to_widget (canvas, 12, 44, &x1, &y1);
  g_assert_true (_quorum_canvas_drag_begin (canvas, GDK_BUTTON_PRIMARY, 0, x0, y0));
  _quorum_canvas_drag_update (canvas, x1, y1);
  _quorum_canvas_drag_end (canvas, x1, y1);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, 3);

  /* Refused on the spot with the core's reason, and the instance selected. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL));
  dialog = app_test_find_dialog ("The Task Cannot Be Submitted Yet");
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "instances[2].label"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "unicorn"));
  g_assert_cmpint (quorum_canvas_get_selected (canvas), ==, 2);
  /* As a click on its button does: the response, then the dialog closes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The edit itself was kept and sent: the server refuses it too, which
   * makes a conflict; nothing is lost and the user chooses. */
  g_assert_true (app_test_wait_until (conflict_shown, NULL));
  g_assert_cmpstr (quorum_sync_indicator_get_summary (app_test_child (window, "sync_indicator")), ==,
                   "A task changed on the server");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, 2);
  dialog = app_test_find_dialog ("The Server Refused Your Work");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Kept mine: the two good instances go out; nothing was submitted. */
  g_assert_true (app_test_wait_until (synced, window));
  task = server_task (server.task);
  g_assert_cmpstr (json_object_get_string_member (task, "state"), ==, "in_progress");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "instances")), ==, 2);
}

static gboolean
next_task_open (gpointer window)
{
  return quorum_window_get_task (window) != 0 && quorum_window_get_task (window) != server.task &&
         canvas_shown (window);
}

static void
test_submit (void)
{
  QuorumWindow *window = server.real.window;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) next = NULL;

  g_assert_true (app_test_wait_until (synced, window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL));
  g_assert_true (app_test_wait_until (next_task_open, window));
  g_assert_null (app_test_find_dialog ("The Task Cannot Be Submitted Yet"));

  /* No review in this job: accepted at once, with the two instances. */
  task = server_task (server.task);
  g_assert_cmpstr (json_object_get_string_member (task, "state"), ==, "accepted");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "instances")), ==, 2);

  /* The job's next task: the second file, ann's now. */
  next = server_task (quorum_window_get_task (window));
  g_assert_cmpint (json_object_get_int_member (next, "file"), ==, server.files[1]);
  g_assert_cmpstr (json_object_get_string_member (next, "state"), ==, "assigned");
}

static void
test_sign_out (void)
{
  QuorumWindow *window = server.real.window;
  QuorumCanvas *canvas = app_test_child (window, "canvas");
  g_autofree char *token = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  g_assert_true (app_test_wait_until (start_shown, window));
  g_assert_null (quorum_window_get_session (window));
  g_assert_null (quorum_canvas_get_image (canvas));
  g_assert_cmpstr (gtk_editable_get_text (app_test_child (window, "user_row")), ==, "ann");
  g_assert_cmpstr (gtk_editable_get_text (app_test_child (window, "server_row")), ==, server.real.address);
  g_assert_cmpstr (gtk_editable_get_text (app_test_child (window, "password_row")), ==, "");
  g_assert_false (gtk_widget_is_sensitive (app_test_child (window, "sign_in_button")));
  app_test_iterate (500);
  token = quorum_credentials_store_lookup (server.real.address, NULL);
  g_assert_null (token);
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      /* In CI the display is part of the setup (build-aux/run-tests): its
       * absence is a failure there, not a skip. */
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-session-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server_start ();

  app_test_server_open_window (&server.real, 1100, 700);

  g_test_add_func ("/session/wrong-password", test_wrong_password);
  g_test_add_func ("/session/unreachable", test_unreachable);
  g_test_add_func ("/session/sign-in", test_sign_in);
  g_test_add_func ("/session/restore", test_restore);
  g_test_add_func ("/session/restore-open-next", test_restore_open_next);
  g_test_add_func ("/session/open-task", test_open_task);
  g_test_add_func ("/session/draw-saves-and-syncs", test_draw_saves_and_syncs);
  g_test_add_func ("/session/submit-refused", test_submit_refused);
  g_test_add_func ("/session/submit", test_submit);
  g_test_add_func ("/session/sign-out", test_sign_out);
  status = g_test_run ();

  app_test_server_stop (&server.real);
  return status;
}
