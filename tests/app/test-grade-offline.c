/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "quorum-application.h"
#include "quorum-exam-results.h"
#include "quorum-session.h"
#include "quorum-task-list.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * A trainer's Pass offline in the Exam Results window (docs/offline.md,
 * "Exam decisions"), against a real quorum-server filled by `quorumctl
 * demo`: with the server stopped, Pass on dan's attempt shows in its row
 * at once as waiting and a toast says it waits; the windows go, the server
 * comes back, a new window signs in on the same cache and the server then
 * holds the pass. And a Pass of an attempt someone else failed first ends
 * in one sentence that says so, with nothing left to send: in the Exam
 * Results window, or in the main window once that is closed.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
  QuorumClient  *tom;
  gint64         exam;
  gint64         dan_attempt;
  gint64         ben_attempt;
  gint64         cat_attempt;
} server;

#define call app_test_callf

/* ---- the server ------------------------------------------------------------ */

/* Every review task of the exam tom can take, rated @stars everywhere and
 * accepted. */
static void
review_all (int stars)
{
  for (;;)
    {
      g_autoptr(JsonNode) task = call (server.tom, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.exam);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *text = NULL;
      JsonObject *object;
      JsonArray *instances, *missing;
      gint64 id;

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        return;
      object = json_node_get_object (task);
      id = json_object_get_int_member (object, "id");
      instances = json_object_get_array_member (json_object_get_object_member (object, "draw"), "instances");
      missing = json_object_get_array_member (json_object_get_object_member (object, "suggested"), "missing");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "stars");
      json_builder_begin_object (builder);
      for (guint i = 0; i < json_array_get_length (instances); i++)
        {
          json_builder_set_member_name (builder,
                                        json_object_get_string_member (json_array_get_object_element (instances, i),
                                                                       "id"));
          json_builder_add_int_value (builder, stars);
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "missing");
      json_builder_begin_array (builder);
      for (guint i = 0; i < json_array_get_length (missing); i++)
        json_builder_add_string_value (builder, json_array_get_string_element (missing, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      text = quorum_wire_to_string (body, FALSE);
      json_node_unref (call (server.tom, "PUT", text, "/tasks/%" G_GINT64_FORMAT "/rating", id));
      json_node_unref (call (server.tom, "POST", "{}", "/tasks/%" G_GINT64_FORMAT "/accept", id));
    }
}

/* @user applies and submits every draw with no instance; returns the attempt. */
static gint64
take_exam (const char *user)
{
  g_autoptr(QuorumClient) ben = app_test_server_sign_in (&server.real, user,
                                                         app_test_demo_password (server.demo, user));
  g_autoptr(JsonNode) applied = call (ben, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/apply", server.exam);

  for (;;)
    {
      g_autoptr(JsonNode) task = call (ben, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.exam);
      g_autoptr(JsonNode) saved = NULL;
      g_autofree char *body = NULL;
      gint64 id;

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        break;
      id = json_object_get_int_member (json_node_get_object (task), "id");
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": []}",
                              json_object_get_int_member (json_node_get_object (task), "version"));
      saved = call (ben, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances", id);
      g_free (body);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                              json_object_get_int_member (json_node_get_object (saved), "version"));
      json_node_unref (call (ben, "POST", body, "/tasks/%" G_GINT64_FORMAT "/submit", id));
    }
  return json_object_get_int_member (json_node_get_object (applied), "attempt");
}

/* The attempt's decision on the server, or NULL while undecided. */
static const char *
server_decision (gint64 attempt)
{
  g_autoptr(JsonNode) view = call (server.real.admin, "GET", NULL, "/attempts/%" G_GINT64_FORMAT, attempt);
  JsonNode *decision = json_object_get_member (json_node_get_object (view), "decision");

  return decision == NULL || JSON_NODE_HOLDS_NULL (decision) ? NULL : g_intern_string (json_node_get_string (decision));
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

/* ---- the windows ------------------------------------------------------------ */

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

static gboolean
exam_listed (gpointer data)
{
  return quorum_task_list_find_job (child ("tasks"), server.exam) != NULL;
}

static void
sign_in (const char *user)
{
  gtk_editable_set_text (child ("server_row"), server.real.address);
  gtk_editable_set_text (child ("user_row"), user);
  gtk_editable_set_text (child ("password_row"), app_test_demo_password (server.demo, user));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));
  g_assert_true (app_test_wait_until (exam_listed, NULL));
}

static QuorumSync *
sync_of_window (void)
{
  return quorum_session_get_sync (quorum_window_get_session (server.real.window));
}

static QuorumExamResults *
results_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (QUORUM_IS_EXAM_RESULTS (window) && gtk_widget_get_visible (window))
        return QUORUM_EXAM_RESULTS (window);
    }
  return NULL;
}

static gpointer
results_child (const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (results_window ()), QUORUM_TYPE_EXAM_RESULTS, name);
}

static gboolean
results_shown (gpointer data)
{
  return results_window () != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (results_child ("stack")), "results") == 0;
}

static void
open_results (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.exam-results", "x", server.exam));
  g_assert_true (app_test_wait_until (results_shown, NULL));
}

static QuorumAttemptItem *
row_of (gint64 attempt,
        guint *position)
{
  GListModel *rows = quorum_exam_results_get_attempts (results_window ());

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(QuorumAttemptItem) item = g_list_model_get_item (rows, i);

      if (quorum_attempt_item_get_id (item) == attempt)
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }
  g_error ("no row of attempt %" G_GINT64_FORMAT, attempt);
  return NULL;
}

static char *
decision_cell (gint64 attempt)
{
  return quorum_exam_results_format_cell (row_of (attempt, NULL), "decision");
}

/* Whether a label under @widget reads @text: a toast's title is one. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text))
      return TRUE;
  return FALSE;
}

static gboolean
results_toast_shown (gpointer text)
{
  return results_window () != NULL && shows_text (results_child ("toast_overlay"), text);
}

static gboolean
main_toast_shown (gpointer text)
{
  return shows_text (child ("toast_overlay"), text);
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

/* Pass on the attempt's row, answering "Pass Anyway" when the attempt
 * misses the rule. */
static void
press_pass (gint64 attempt)
{
  guint position = 0;
  QuorumAttemptItem *item = row_of (attempt, &position);
  gboolean asks = !quorum_attempt_item_get_meets_rule (item);

  quorum_exam_results_select (results_window (), position);
  app_test_iterate (50);
  g_assert_true (gtk_widget_get_sensitive (results_child ("pass_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_window ()), "results.pass", NULL));
  if (asks)
    {
      GtkWidget *dialog;

      g_assert_true (app_test_wait_until (dialog_shown, "Pass This Attempt?"));
      dialog = app_test_find_dialog ("Pass This Attempt?");
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "decide");
      gtk_window_close (GTK_WINDOW (dialog));
      app_test_iterate (50);
    }
}

static gboolean
is_offline (gpointer data)
{
  return quorum_sync_get_state (sync_of_window ()) == QUORUM_SYNC_OFFLINE;
}

static gboolean
dan_passed_on_server (gpointer data)
{
  return g_strcmp0 (server_decision (server.dan_attempt), "pass") == 0;
}

static gboolean
cell_reads (gpointer text)
{
  g_autofree char *cell = results_window () != NULL && results_shown (NULL) ? decision_cell (server.ben_attempt)
                                                                             : NULL;

  return g_strcmp0 (cell, text) == 0;
}

static gboolean
dan_row_passed (gpointer data)
{
  g_autofree char *cell = results_shown (NULL) ? decision_cell (server.dan_attempt) : NULL;

  return g_strcmp0 (cell, "Passed") == 0;
}

/* ---- the tests ----------------------------------------------------------------- */

static void
test_pass_offline (void)
{
  g_autofree char *cell = NULL;

  sign_in ("tom");
  open_results ();
  cell = decision_cell (server.dan_attempt);
  g_assert_cmpstr (cell, ==, "Waiting for your decision");

  /* The server goes; Pass shows at once in the row, as waiting. */
  kill_server ();
  press_pass (server.dan_attempt);
  g_clear_pointer (&cell, g_free);
  cell = decision_cell (server.dan_attempt);
  g_assert_cmpstr (cell, ==, "Pass — waits to be sent");
  g_assert_false (gtk_widget_get_sensitive (results_child ("pass_button")));
  g_assert_false (gtk_widget_get_sensitive (results_child ("fail_button")));
  g_assert_true (app_test_wait_until (is_offline, NULL));
  g_assert_true (app_test_wait_until (results_toast_shown, "The server does not answer: your decision is kept on "
                                                           "this computer and sent when it does"));
  g_assert_cmpuint (quorum_sync_get_pending (sync_of_window ()), ==, 1);
  /* A refresh that finds no server leaves the table as it was. */
  quorum_exam_results_refresh (results_window ());
  app_test_iterate (500);
  g_assert_true (results_shown (NULL));
  g_clear_pointer (&cell, g_free);
  cell = decision_cell (server.dan_attempt);
  g_assert_cmpstr (cell, ==, "Pass — waits to be sent");
  /* Opened again offline: the results last fetched, from the cache, with
   * the decision still waiting. */
  gtk_window_destroy (GTK_WINDOW (results_window ()));
  app_test_iterate (100);
  open_results ();
  g_clear_pointer (&cell, g_free);
  cell = decision_cell (server.dan_attempt);
  g_assert_cmpstr (cell, ==, "Pass — waits to be sent");
  {
    guint position = 0;

    row_of (server.dan_attempt, &position);
    quorum_exam_results_select (results_window (), position);
    app_test_iterate (50);
    g_assert_false (gtk_widget_get_sensitive (results_child ("pass_button")));
  }

  /* The windows go, with the sync engine; the server comes back. */
  gtk_window_destroy (GTK_WINDOW (results_window ()));
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&server.real.window)));
  app_test_iterate (200);
  restart_server ();
  g_assert_null (server_decision (server.dan_attempt));

  /* A new window on the same cache sends what waited. */
  server.real.window = quorum_window_new (server.real.application);
  gtk_window_set_default_size (GTK_WINDOW (server.real.window), 1200, 760);
  gtk_window_present (GTK_WINDOW (server.real.window));
  sign_in ("tom");
  g_assert_true (app_test_wait_until (dan_passed_on_server, NULL));
  open_results ();
  g_assert_true (app_test_wait_until (dan_row_passed, NULL));
  g_assert_cmpuint (quorum_sync_get_pending (sync_of_window ()), ==, 0);
}

static void
test_decided_elsewhere_first (void)
{
  const char *sentence = "ben’s attempt 1 was already failed by another trainer — your Pass was not sent";
  g_autofree char *cell = NULL;

  g_assert_true (results_shown (NULL));
  cell = decision_cell (server.ben_attempt);
  g_assert_cmpstr (cell, ==, "Waiting for your decision");

  /* Another trainer (root) fails ben's attempt while tom's table still
   * shows it undecided; tom's Pass is refused, said once, not sent again. */
  json_node_unref (call (server.real.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/attempts/%" G_GINT64_FORMAT
                         "/fail", server.exam, server.ben_attempt));
  press_pass (server.ben_attempt);
  g_assert_true (app_test_wait_until (results_toast_shown, (gpointer) sentence));
  g_assert_true (app_test_wait_until (cell_reads, "Failed"));
  g_assert_cmpuint (quorum_sync_get_pending (sync_of_window ()), ==, 0);
  g_assert_cmpint (quorum_sync_get_state (sync_of_window ()), ==, QUORUM_SYNC_SYNCED);
  g_assert_cmpstr (server_decision (server.ben_attempt), ==, "fail");
}

/* Refused after the Exam Results window closed: the main window says it. */
static void
test_refused_after_window_closed (void)
{
  const char *sentence = "cat’s attempt 1 was already failed by another trainer — your Pass was not sent";

  g_assert_true (results_shown (NULL));
  kill_server ();
  press_pass (server.cat_attempt);
  g_assert_true (app_test_wait_until (is_offline, NULL));
  gtk_window_destroy (GTK_WINDOW (results_window ()));
  app_test_iterate (100);
  restart_server ();
  /* Before the engine's next try (it runs in the main loop, not turned
   * here), root fails the attempt. */
  json_node_unref (call (server.real.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/attempts/%" G_GINT64_FORMAT
                         "/fail", server.exam, server.cat_attempt));
  g_assert_true (app_test_wait_until (main_toast_shown, (gpointer) sentence));
  g_assert_cmpuint (quorum_sync_get_pending (sync_of_window ()), ==, 0);
  g_assert_cmpstr (server_decision (server.cat_attempt), ==, "fail");
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

  app_test_server_make_home (&server.real, "quorum-grade-offline-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  server.exam = app_test_demo_job_id (server.demo, "Street-scene basics");
  server.tom = app_test_server_sign_in (&server.real, "tom", app_test_demo_password (server.demo, "tom"));
  {
    g_autoptr(JsonNode) results = call (server.tom, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/results", server.exam);
    JsonArray *takers = json_object_get_array_member (json_node_get_object (results), "takers");

    server.dan_attempt = json_object_get_int_member (json_array_get_object_element (takers, 0), "attempt");
  }
  server.ben_attempt = take_exam ("ben");
  server.cat_attempt = take_exam ("cat");
  review_all (1);
  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/grade-offline/pass", test_pass_offline);
  g_test_add_func ("/grade-offline/decided-elsewhere-first", test_decided_elsewhere_first);
  g_test_add_func ("/grade-offline/refused-after-window-closed", test_refused_after_window_closed);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  g_clear_object (&server.tom);
  app_test_server_stop (&server.real);
  return status;
}
