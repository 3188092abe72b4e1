/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "quorum-application.h"
#include "quorum-canvas.h"
#include "quorum-review-panel.h"
#include "quorum-session.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * Reviewing offline in the window (docs/offline.md): with the server
 * stopped, the exam reviewer rates a candidate instance, flags a gold one
 * as missed and accepts; the panel shows it all at once. The window goes
 * (its session and sync engine with it), the server comes back on the same
 * port and data, a new window signs in on the same cache: the server then
 * holds the rating, the flag and the decision, once. And a resubmitted
 * draw shows its reviewer what changed since the rejection.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
  gint64         task;
  char          *candidate;
  char          *gold;
} server;

static JsonObject *
server_task (gint64 task_id)
{
  g_autoptr(JsonNode) task = app_test_callf (server.real.admin, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, task_id);

  return json_object_ref (json_node_get_object (task));
}

static gpointer
child (const char *name)
{
  return app_test_child (server.real.window, name);
}

static gboolean
work_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (child ("stack")), "work") == 0;
}

static void
sign_in (const char *user)
{
  gtk_editable_set_text (child ("server_row"), server.real.address);
  gtk_editable_set_text (child ("user_row"), user);
  gtk_editable_set_text (child ("password_row"), app_test_demo_password (server.demo, user));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));
}

static gboolean
exam_review_open (gpointer data)
{
  return quorum_review_panel_get_kind (child ("review_panel")) == QUORUM_REVIEW_EXAM &&
         g_strcmp0 (gtk_stack_get_visible_child_name (child ("canvas_stack")), "canvas") == 0;
}

static gboolean
is_offline (gpointer data)
{
  return quorum_sync_get_state (quorum_session_get_sync (quorum_window_get_session (server.real.window))) ==
         QUORUM_SYNC_OFFLINE;
}

static gboolean
decided_on_server (gpointer data)
{
  g_autoptr(JsonObject) task = server_task (server.task);

  return g_str_equal (json_object_get_string_member (task, "state"), "complete");
}

static void
kill_server (void)
{
  g_subprocess_send_signal (server.real.process, SIGKILL);
  g_subprocess_wait (server.real.process, NULL, NULL);
  g_clear_object (&server.real.process);
}

/* The server again, on its data and its port. */
static void
restart_server (void)
{
  g_autoptr(GSubprocessLauncher) launcher = app_test_server_launcher ();
  g_autofree char *data_dir = g_build_filename (server.real.home, "server", NULL);
  g_autofree char *listen = g_strdup (strstr (server.real.address, "127.0.0.1"));
  g_autoptr(GError) error = NULL;

  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;

      server.real.process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                                         "--data", data_dir, "--listen", listen, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server.real.process));
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
      if (line != NULL && strstr (line, "port") != NULL)
        return;
      g_subprocess_wait (server.real.process, NULL, NULL);
      g_clear_object (&server.real.process);
      g_usleep (100 * 1000);
    }
  g_error ("quorum-server did not start again on %s", listen);
}

static void
test_offline_exam_review (void)
{
  gint64 job = app_test_demo_job_id (server.demo, "Street-scene basics");
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GAction) accept = NULL;
  QuorumReviewPanel *panel;
  QuorumCanvas *canvas;
  JsonObject *rating;
  JsonArray *missing;
  JsonArray *gold;
  guint flagged = 0;

  sign_in ("tom");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.next-task", "x", job));
  g_assert_true (app_test_wait_until (exam_review_open, NULL));
  server.task = quorum_window_get_task (server.real.window);
  before = server_task (server.task);
  panel = child ("review_panel");
  canvas = child ("canvas");
  server.candidate = g_strdup (quorum_canvas_get_layer_instance (canvas, QUORUM_REVIEW_LAYER_CANDIDATE, 0)->id);
  gold = json_object_get_array_member (before, "gold");
  for (guint i = 0; i < json_array_get_length (gold) && server.gold == NULL; i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (gold, i), "id");

      if (!quorum_review_panel_get_missing (panel, id))
        server.gold = g_strdup (id);
    }
  g_assert_nonnull (server.gold);

  /* The server goes away; the review goes on. */
  kill_server ();
  g_assert_true (quorum_canvas_select_layer_instance (canvas, QUORUM_REVIEW_LAYER_CANDIDATE, server.candidate));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.rate", "i", 3));
  g_assert_cmpint (quorum_review_panel_get_stars (panel, server.candidate), ==, 3);
  g_assert_true (quorum_canvas_select_layer_instance (canvas, QUORUM_REVIEW_LAYER_GOLD, server.gold));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.missing", NULL));
  g_assert_true (quorum_review_panel_get_missing (panel, server.gold));
  g_assert_cmpstr (quorum_canvas_get_layer_note (canvas, QUORUM_REVIEW_LAYER_GOLD, server.gold), ==, "Missing");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.accept", NULL));
  g_assert_true (app_test_wait_until (is_offline, NULL));
  /* Taken here at once: nothing more to decide, the task still open. */
  g_assert_false (g_action_group_get_action_enabled (quorum_review_panel_get_action_group (panel), "accept"));
  g_assert_false (g_action_group_get_action_enabled (quorum_review_panel_get_action_group (panel), "reject"));
  g_assert_cmpint (quorum_window_get_task (server.real.window), ==, server.task);
  g_assert_cmpuint (quorum_sync_get_pending (quorum_session_get_sync (quorum_window_get_session (server.real.window))),
                    ==, 2);

  /* The window goes, with its sync engine; the server comes back. */
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&server.real.window)));
  app_test_iterate (200);
  restart_server ();
  {
    g_autoptr(JsonObject) still = server_task (server.task);

    g_assert_cmpstr (json_object_get_string_member (still, "state"), !=, "complete");
  }

  /* A new window on the same cache sends what waited. */
  server.real.window = quorum_window_new (server.real.application);
  gtk_window_set_default_size (GTK_WINDOW (server.real.window), 1200, 760);
  gtk_window_present (GTK_WINDOW (server.real.window));
  sign_in ("tom");
  g_assert_true (app_test_wait_until (decided_on_server, NULL));
  app_test_iterate (1000);

  after = server_task (server.task);
  rating = json_object_get_object_member (after, "rating");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (rating, "stars"), server.candidate), ==,
                   3);
  missing = json_object_get_array_member (rating, "missing");
  for (guint i = 0; i < json_array_get_length (missing); i++)
    flagged += g_str_equal (json_array_get_string_element (missing, i), server.gold);
  g_assert_cmpuint (flagged, ==, 1);
  /* One accept after one rating: each a write of its own, nothing twice. */
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==, json_object_get_int_member (before, "version") + 2);
  g_assert_cmpuint (quorum_sync_get_pending (quorum_session_get_sync (quorum_window_get_session (server.real.window))),
                    ==, 0);
}

static gint64 changes_review;

static gboolean
changes_review_open (gpointer data)
{
  return quorum_window_get_task (server.real.window) == changes_review &&
         quorum_review_panel_get_task (child ("review_panel")) == changes_review &&
         g_strcmp0 (gtk_stack_get_visible_child_name (child ("canvas_stack")), "canvas") == 0;
}

static const char *
account_name (gint64 id)
{
  JsonArray *accounts = json_object_get_array_member (server.demo, "accounts");

  for (guint i = 0; i < json_array_get_length (accounts); i++)
    if (json_object_get_int_member (json_array_get_object_element (accounts, i), "id") == id)
      return json_object_get_string_member (json_array_get_object_element (accounts, i), "name");
  g_error ("no demo account %" G_GINT64_FORMAT, id);
  return NULL;
}

static gboolean
start_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (child ("stack")), "start") == 0;
}

static gboolean
pin_on_server (gpointer data)
{
  g_autoptr(JsonObject) review = server_task (changes_review);
  JsonArray *comments = json_object_get_array_member (review, "review_comments");

  for (guint i = 0; i < json_array_get_length (comments); i++)
    {
      JsonObject *comment = json_array_get_object_element (comments, i);
      JsonNode *pin = json_object_get_member (comment, "pin");

      if (g_str_equal (json_object_get_string_member (comment, "text"), "Still too loose.") &&
          pin != NULL && JSON_NODE_HOLDS_OBJECT (pin) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (pin), "instance", ""),
                     "added-since") == 0)
        return TRUE;
    }
  return FALSE;
}

/* rita rejects a draw; its annotator changes one instance, adds one and
 * removes one, and submits again; rita's review opens with a line per
 * change under the comments, "New" and "Changed" beside the instances. */
static void
test_changed_since (void)
{
  gint64 job = app_test_demo_job_id (server.demo, "Street scenes — consensus");
  g_autoptr(JsonNode) tasks = app_test_callf (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/tasks", job);
  g_autoptr(QuorumClient) rita = app_test_server_sign_in (&server.real, "rita",
                                                          app_test_demo_password (server.demo, "rita"));
  g_autoptr(QuorumClient) annotator = NULL;
  g_autoptr(JsonObject) draw = NULL;
  g_autoptr(JsonObject) review = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *changed_id = NULL;
  g_autofree char *removed_id = NULL;
  g_autofree char *assign = NULL;
  QuorumReviewPanel *panel;
  JsonArray *instances;
  GtkWidget *dialog;
  guint first_change;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (tasks)) && changes_review == 0; i++)
    {
      JsonObject *row = json_array_get_object_element (json_node_get_array (tasks), i);

      if (g_str_equal (json_object_get_string_member (row, "kind"), "review") &&
          g_str_equal (json_object_get_string_member (row, "state"), "available"))
        changes_review = json_object_get_int_member (row, "id");
    }
  g_assert_cmpint (changes_review, >, 0);
  assign = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", app_test_demo_user_id (server.demo, "rita"));
  json_node_unref (app_test_callf (server.real.admin, "POST", assign, "/tasks/%" G_GINT64_FORMAT "/assign",
                                   changes_review));
  json_node_unref (app_test_callf (rita, "POST", "{\"comment\": \"Tighten the boxes.\"}",
                                   "/tasks/%" G_GINT64_FORMAT "/reject", changes_review));

  review = server_task (changes_review);
  draw = server_task (json_object_get_int_member (review, "reviews"));
  instances = json_object_get_array_member (draw, "instances");
  g_assert_cmpuint (json_array_get_length (instances), >=, 2);
  annotator = app_test_server_sign_in (&server.real, account_name (json_object_get_int_member (draw, "assignee")),
                                       app_test_demo_password (server.demo, account_name (json_object_get_int_member (
                                                                                            draw, "assignee"))));
  /* One moved a pixel, one new (a copy of it), the last one gone. */
  changed_id = g_strdup (json_object_get_string_member (json_array_get_object_element (instances, 0), "id"));
  removed_id = g_strdup (json_object_get_string_member (json_array_get_object_element (instances,
                                                                                      json_array_get_length (instances) - 1),
                                                        "id"));
  {
    /* json_node_copy() shares the object: a copy through the text. */
    g_autofree char *first_text = quorum_wire_to_string (json_array_get_element (instances, 0), FALSE);
    g_autoptr(JsonNode) copy = quorum_wire_parse_bytes (first_text, strlen (first_text), NULL);
    JsonArray *points = json_object_get_array_member (json_array_get_object_element (instances, 0), "points");
    JsonArray *first = json_array_get_array_element (points, 0);
    double x = json_array_get_double_element (first, 0);
    double y = json_array_get_double_element (first, 1);

    json_array_remove_element (first, 1);
    json_array_remove_element (first, 0);
    json_array_add_double_element (first, x > 1 ? x - 1 : x + 1);
    json_array_add_double_element (first, y);
    json_array_remove_element (instances, json_array_get_length (instances) - 1);
    json_object_set_string_member (json_node_get_object (copy), "id", "added-since");
    json_object_remove_member (json_node_get_object (copy), "author");
    json_object_remove_member (json_node_get_object (copy), "copied_from");
    json_array_add_element (instances, g_steal_pointer (&copy));
  }
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  json_object_set_int_member (json_node_get_object (body), "version", json_object_get_int_member (draw, "version"));
  json_object_set_array_member (json_node_get_object (body), "instances", json_array_ref (instances));
  text = quorum_wire_to_string (body, FALSE);
  saved = app_test_callf (annotator, "PUT", text, "/tasks/%" G_GINT64_FORMAT "/instances",
                          json_object_get_int_member (draw, "id"));
  g_free (text);
  text = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                          json_object_get_int_member (json_node_get_object (saved), "version"));
  json_node_unref (app_test_callf (annotator, "POST", text, "/tasks/%" G_GINT64_FORMAT "/submit",
                                   json_object_get_int_member (draw, "id")));

  /* rita opens the review again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-out", NULL));
  g_assert_true (app_test_wait_until (start_shown, NULL));
  sign_in ("rita");
  quorum_window_open_task (server.real.window, changes_review);
  g_assert_true (app_test_wait_until (changes_review_open, NULL));
  panel = child ("review_panel");
  g_clear_pointer (&review, json_object_unref);
  review = server_task (changes_review);
  first_change = json_array_get_length (json_object_get_array_member (review, "review_comments"));
  g_assert_cmpuint (first_change, >=, 1);
  /* A line per change: new, changed, removed, after the comments. */
  g_assert_cmpuint (quorum_review_panel_get_n_comments (panel), ==, first_change + 3);
  g_assert_cmpstr (quorum_canvas_get_layer_note (child ("canvas"), QUORUM_REVIEW_LAYER_DRAW, "added-since"), ==, "New");
  g_assert_cmpstr (quorum_canvas_get_layer_note (child ("canvas"), QUORUM_REVIEW_LAYER_DRAW, changed_id), ==,
                   "Changed");
  g_assert_null (quorum_canvas_get_layer_note (child ("canvas"), QUORUM_REVIEW_LAYER_DRAW, removed_id));
  /* Choosing the new one's line selects it. */
  quorum_review_panel_choose_comment (panel, first_change);
  g_assert_cmpstr (quorum_canvas_get_selected_layer_instance (child ("canvas"), NULL)->id, ==, "added-since");

  /* A comment pinned to it is kept in the cache: a new window (the app
   * started again) shows it still, and the rejection takes it along. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.pin-comment", NULL));
  dialog = app_test_find_dialog ("Comment on This Instance");
  g_assert_nonnull (dialog);
  gtk_text_buffer_set_text (g_object_get_data (G_OBJECT (dialog), "comments"), "Still too loose.", -1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (quorum_review_panel_get_n_comments (panel), ==, first_change + 4);
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&server.real.window)));
  app_test_iterate (200);
  server.real.window = quorum_window_new (server.real.application);
  gtk_window_set_default_size (GTK_WINDOW (server.real.window), 1200, 760);
  gtk_window_present (GTK_WINDOW (server.real.window));
  sign_in ("rita");
  quorum_window_open_task (server.real.window, changes_review);
  g_assert_true (app_test_wait_until (changes_review_open, NULL));
  panel = child ("review_panel");
  g_assert_cmpuint (quorum_review_panel_get_n_comments (panel), ==, first_change + 4);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.reject", NULL));
  dialog = app_test_find_dialog ("Reject the Work?");
  g_assert_nonnull (dialog);
  gtk_text_buffer_set_text (g_object_get_data (G_OBJECT (dialog), "comments"), "One more round.", -1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "reject");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (app_test_wait_until (pin_on_server, NULL));
}

static gint64 consensus_task;
static gint64 consensus_version;

static gboolean
consensus_open (gpointer data)
{
  return quorum_window_get_task (server.real.window) == consensus_task &&
         quorum_review_panel_get_kind (child ("review_panel")) == QUORUM_REVIEW_CONSENSUS &&
         g_strcmp0 (gtk_stack_get_visible_child_name (child ("canvas_stack")), "canvas") == 0;
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

static gboolean
steps_on_server (gpointer data)
{
  g_autoptr(JsonObject) task = server_task (consensus_task);
  QuorumSession *session = quorum_window_get_session (server.real.window);

  return json_object_get_int_member (task, "version") == consensus_version + 2 &&
         quorum_sync_get_pending (quorum_session_get_sync (session)) == 0 &&
         quorum_canvas_get_editable (child ("canvas"));
}

/* Consensus offline: Copy to Ground Truth (Add) shows the copies at once,
 * Undo takes them off at once; both go to the server once it is back, in
 * order, and the ground truth is then the server's, editable again. */
static void
test_consensus_offline (void)
{
  gint64 job = app_test_demo_job_id (server.demo, "Street scenes — consensus");
  g_autoptr(JsonNode) tasks = app_test_callf (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/tasks", job);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *assign = NULL;
  QuorumCanvas *canvas;
  JsonArray *passes;
  gint64 pass = 0, best;
  guint n_before, n_pass = 0;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (tasks)) && consensus_task == 0; i++)
    {
      JsonObject *row = json_array_get_object_element (json_node_get_array (tasks), i);

      if (g_str_equal (json_object_get_string_member (row, "kind"), "consensus") &&
          g_str_equal (json_object_get_string_member (row, "state"), "available"))
        consensus_task = json_object_get_int_member (row, "id");
    }
  g_assert_cmpint (consensus_task, >, 0);
  assign = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", app_test_demo_user_id (server.demo, "rita"));
  json_node_unref (app_test_callf (server.real.admin, "POST", assign, "/tasks/%" G_GINT64_FORMAT "/assign",
                                   consensus_task));
  quorum_window_open_task (server.real.window, consensus_task);
  g_assert_true (app_test_wait_until (consensus_open, NULL));
  before = server_task (consensus_task);
  consensus_version = json_object_get_int_member (before, "version");
  best = json_object_get_int_member (json_object_get_object_member (before, "scores"), "best");
  passes = json_object_get_array_member (before, "passes");
  for (guint i = 0; i < json_array_get_length (passes) && pass == 0; i++)
    if (json_object_get_int_member (json_array_get_object_element (passes, i), "id") != best)
      {
        pass = json_object_get_int_member (json_array_get_object_element (passes, i), "id");
        n_pass = json_array_get_length (json_object_get_array_member (json_array_get_object_element (passes, i),
                                                                      "instances"));
      }
  g_assert_cmpuint (n_pass, >, 0);
  canvas = child ("canvas");
  n_before = quorum_canvas_get_n_instances (canvas);
  g_assert_cmpuint (n_before, >, 0);

  kill_server ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.copy-set", "x", pass));
  g_assert_true (app_test_wait_until (dialog_shown, "Add or Replace?"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (app_test_find_dialog ("Add or Replace?")), "add");
  /* Shown at once: the copies after the ground truth, not editable by hand
   * until the server names them. */
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, n_before + n_pass);
  g_assert_false (quorum_canvas_get_editable (canvas));
  g_assert_true (quorum_review_panel_can_undo (child ("review_panel")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.undo-step", NULL));
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, n_before);

  restart_server ();
  quorum_sync_retry_now (quorum_session_get_sync (quorum_window_get_session (server.real.window)));
  g_assert_true (app_test_wait_until (steps_on_server, NULL));
  after = server_task (consensus_task);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "instances")), ==, n_before);
  for (guint i = 0; i < n_before; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (after, "instances"), i), "copied_from"), ==,
                     json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (before, "instances"), i), "copied_from"));
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, n_before);
  g_assert_cmpstr (quorum_canvas_get_instance (canvas, 0)->id, ==,
                   json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (after, "instances"), 0), "id"));
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

  app_test_server_make_home (&server.real, "quorum-review-offline-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/review-offline/exam", test_offline_exam_review);
  g_test_add_func ("/review-offline/changed-since", test_changed_since);
  g_test_add_func ("/review-offline/consensus", test_consensus_offline);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  g_free (server.candidate);
  g_free (server.gold);
  app_test_server_stop (&server.real);
  return status;
}
