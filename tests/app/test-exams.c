/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gi18n.h>

#include "quorum-application.h"
#include "quorum-canvas-private.h"
#include "quorum-credentials-window.h"
#include "quorum-error.h"
#include "quorum-exam-catalogue.h"
#include "quorum-exam-result.h"
#include "quorum-task-item.h"
#include "quorum-task-list.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * The exam taker's side against a real quorum-server filled by `quorumctl
 * demo`: ben, an annotator without the credential “Street annotator”, is
 * refused the certified job with a dialog naming it, goes to the exam,
 * applies, draws and submits every task, and sees his attempt wait for
 * review; the trainer tom reviews and passes it through the API; ben's
 * result window shows the same score as GET /jobs/{id}/results, My
 * Credentials lists the credential and the certified job opens to him.
 * olga, who reaches no exam, sees the empty states first; offline, last,
 * the catalogue shows what it fetched. The tests run in order and share one
 * server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define CREDENTIAL    "Street annotator"

static struct {
  AppTestServer  real;
  JsonObject    *demo;       /* quorumctl demo --json */
  QuorumClient  *ben;        /* ben's own client, to read what the server tells him */
  gint64         exam;
  gint64         certified;
  gint64         attempt;
} server;

/* ---- a real server, filled by the demo ------------------------------------- */

static void
server_start (void)
{
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
}

static const char *
password_of (const char *user)
{
  return app_test_demo_password (server.demo, user);
}

static gint64
job_id (const char *prefix)
{
  return app_test_demo_job_id (server.demo, prefix);
}

static JsonObject *
call_object (QuorumClient *client,
             const char   *method,
             const char   *path,
             const char   *body)
{
  g_autoptr(JsonNode) node = app_test_call (client, method, path, body);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* ben's exam entry of GET /exams. */
static JsonObject *
exam_entry (void)
{
  g_autoptr(JsonNode) exams = app_test_call (server.ben, "GET", "/exams", NULL);
  JsonArray *array = json_node_get_array (exams);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *exam = json_array_get_object_element (array, i);

      if (json_object_get_int_member (exam, "id") == server.exam)
        return json_object_ref (exam);
    }
  g_error ("exam %" G_GINT64_FORMAT " is not in ben's catalogue", server.exam);
  return NULL;
}

/* ---- driving the window -------------------------------------------------------- */

static QuorumWindow *
window (void)
{
  return server.real.window;
}

static QuorumCanvas *
canvas (void)
{
  return app_test_child (window (), "canvas");
}

static gboolean
work_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window (), "stack")), "work") == 0;
}

static gboolean
start_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window (), "stack")), "start") == 0;
}

static void
sign_in (const char *user)
{
  gtk_editable_set_text (app_test_child (window (), "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (window (), "user_row"), user);
  gtk_editable_set_text (app_test_child (window (), "password_row"), password_of (user));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));
}

static gboolean
synced (gpointer data)
{
  QuorumSession *session = quorum_window_get_session (window ());

  return quorum_sync_get_state (quorum_session_get_sync (session)) == QUORUM_SYNC_SYNCED &&
         quorum_cache_count_outbox (quorum_session_get_cache (session)) == 0;
}

static gboolean
task_shown (gpointer data)
{
  gint64 other_than = data != NULL ? *(gint64 *) data : 0;

  return quorum_window_get_task (window ()) != 0 && quorum_window_get_task (window ()) != other_than &&
         g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window (), "canvas_stack")), "canvas") == 0;
}

static gboolean
catalogue_loaded (gpointer data)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());

  return catalogue != NULL && quorum_exam_catalogue_is_loaded (catalogue);
}

static const char *
catalogue_page (void)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (quorum_window_get_exam_catalogue (window ())),
                                                              QUORUM_TYPE_EXAM_CATALOGUE, "stack"));

  return gtk_stack_get_visible_child_name (stack);
}

/* ---- the tests ------------------------------------------------------------------- */

static gboolean
credential_dialog_shown (gpointer data)
{
  return app_test_find_dialog ("A Credential Is Required") != NULL;
}

/* Next on a job that requires a credential ben lacks: a sentence naming it
 * and the exam that awards it, with Go to Exam, which opens the catalogue. */
static void
test_credential_required (void)
{
  GtkWidget *dialog;
  const char *body;

  sign_in ("ben");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.next-task", "x", server.certified));
  g_assert_true (app_test_wait_until (credential_dialog_shown, NULL));
  dialog = app_test_find_dialog ("A Credential Is Required");
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (body, "“" CREDENTIAL "”"));
  g_assert_nonnull (strstr (body, "“Street-scene basics”"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "exam"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "exam"), ==, "_Go to Exam");
  g_assert_cmpint (quorum_window_get_task (window ()), ==, 0);

  g_assert_null (quorum_window_get_exam_catalogue (window ()));
  /* As the button does: the response, then the dialog closes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "exam");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_nonnull (quorum_window_get_exam_catalogue (window ()));
  g_assert_true (app_test_wait_until (catalogue_loaded, NULL));
  g_assert_cmpstr (catalogue_page (), ==, "list");
}

static gboolean
exam_task_shown (gpointer data)
{
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *path = NULL;

  if (!task_shown (data))
    return FALSE;
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, quorum_window_get_task (window ()));
  task = call_object (server.ben, "GET", path, NULL);
  return json_object_get_int_member (task, "job") == server.exam;
}

/* Apply from the catalogue: the attempt's first task opens, marked as an
 * exam's in the task list, with the pass rule in the side panel. */
static void
test_apply (void)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());
  g_autoptr(JsonObject) entry = exam_entry ();
  g_autoptr(JsonNode) rows = NULL;
  g_autofree char *stars = NULL;
  GtkLabel *rule_label = app_test_child (window (), "exam_rule_label");
  QuorumTaskList *tasks = app_test_child (window (), "tasks");
  JsonArray *array;
  guint n_exam_rows = 0;

  g_assert_cmpuint (quorum_exam_catalogue_get_n_exams (catalogue), ==, 1);
  g_assert_true (quorum_exam_catalogue_can_apply (catalogue, server.exam));
  g_assert_cmpint (quorum_exam_catalogue_get_last_attempt (catalogue, server.exam), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (rule_label)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (catalogue), "exams.apply", "x", server.exam));
  g_assert_true (app_test_wait_until (exam_task_shown, NULL));
  g_clear_pointer (&entry, json_object_unref);
  entry = exam_entry ();
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (entry, "attempts")), ==, 1);
  server.attempt = json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (entry,
                                                                                                             "attempts"), 0),
                                               "id");

  /* The rule the taker is judged by, beside the work. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (rule_label)));
  stars = g_strdup_printf ("%.1f stars",
                           json_object_get_double_member (json_object_get_object_member (entry, "pass_rule"),
                                                          "min_average_stars"));
  g_assert_nonnull (strstr (gtk_label_get_label (rule_label), stars));

  /* The task list marks the exam's tasks, and only those, as the server's
   * job_type says. */
  rows = app_test_call (server.ben, "GET", "/me/tasks", NULL);
  array = json_node_get_array (rows);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      gboolean exam = g_str_equal (json_object_get_string_member (row, "job_type"), "exam");
      QuorumTaskItem *item = quorum_task_list_find_task (tasks, json_object_get_int_member (row, "id"));
      g_autofree char *description = NULL;

      g_assert_cmpint (exam, ==, json_object_get_int_member (row, "job") == server.exam);
      if (item == NULL)
        continue;
      description = quorum_task_item_describe (item);
      g_assert_cmpint (quorum_task_item_is_exam (item), ==, exam);
      g_assert_cmpint (g_str_has_prefix (description, "Exam · "), ==, exam);
      n_exam_rows += exam;
    }
  g_assert_cmpuint (n_exam_rows, ==, 4);
}

static gboolean
window_task_closed (gpointer data)
{
  return quorum_window_get_task (window ()) == 0 && synced (NULL);
}

/* Whether a label under @widget reads @text: a toast's title is one. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
toast_shown (gpointer text)
{
  return shows_text (app_test_child (window (), "toast_overlay"), text);
}

static gboolean
attempt_waits_for_review (gpointer data)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());

  return catalogue != NULL &&
         g_strcmp0 (quorum_exam_catalogue_get_attempt_state (catalogue, server.attempt), "Waiting for review") == 0;
}

/* A box on every task and Submit: after the last the window says the
 * attempt waits for review, and so does the catalogue, at the next sync. */
static void
test_draw_and_submit (void)
{
  g_autoptr(JsonObject) entry = NULL;
  gint64 end;

  for (guint i = 0; i < 4; i++)
    {
      gint64 task = quorum_window_get_task (window ());
      double x0, y0, x1, y1;

      g_assert_cmpint (task, !=, 0);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.tool", "s", "box"));
      quorum_canvas_image_to_widget (canvas (), 40, 40, &x0, &y0);
      quorum_canvas_image_to_widget (canvas (), 140, 120, &x1, &y1);
      g_assert_true (_quorum_canvas_drag_begin (canvas (), GDK_BUTTON_PRIMARY, 0, x0, y0));
      _quorum_canvas_drag_update (canvas (), x1, y1);
      _quorum_canvas_drag_end (canvas (), x1, y1);
      g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 1);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.submit", NULL));
      if (i < 3)
        g_assert_true (app_test_wait_until (exam_task_shown, &task));
      else
        g_assert_true (app_test_wait_until (window_task_closed, NULL));
    }
  /* At once: the newest toast replaces the "Task submitted" ones before it
   * instead of waiting 4 s behind each of them. */
  end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (!toast_shown ("Submitted — waiting for review") && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (toast_shown ("Submitted — waiting for review"));
  g_assert_false (toast_shown ("There is no more work for you in this job"));

  entry = exam_entry ();
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (entry,
                                                                                                              "attempts"), 0),
                                                  "state"), ==, "submitted");
  g_assert_false (json_object_get_boolean_member (entry, "can_apply"));
  g_assert_true (app_test_wait_until (attempt_waits_for_review, NULL));
  g_assert_false (quorum_exam_catalogue_can_apply (quorum_window_get_exam_catalogue (window ()), server.exam));
  g_assert_false (gtk_widget_get_visible (app_test_child (window (), "exam_rule_label")));
}

/* The trainer, through the API: every review tom is given is accepted
 * with the suggested rating, then ben's attempt passes. */
static void
review_and_pass (void)
{
  g_autoptr(QuorumClient) tom = app_test_server_sign_in (&server.real, "tom", password_of ("tom"));
  g_autofree char *next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", server.exam);
  g_autofree char *pass = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/attempts/%" G_GINT64_FORMAT "/pass",
                                           server.exam, server.attempt);

  for (guint n = 0; n < 20; n++)
    {
      g_autoptr(JsonNode) task = app_test_call (tom, "POST", next, NULL);
      g_autofree char *accept = NULL;

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        break;
      accept = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/accept",
                                json_object_get_int_member (json_node_get_object (task), "id"));
      g_clear_pointer (&task, json_node_unref);
      task = app_test_call (tom, "POST", accept, "{\"comments\": \"Tight boxes, thank you.\"}");
    }
  {
    g_autoptr(JsonNode) reply = app_test_call (tom, "POST", pass, NULL);
  }
}

static JsonObject *
results_entry (void)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/results", server.exam);
  g_autoptr(JsonObject) results = call_object (server.real.admin, "GET", path, NULL);
  JsonArray *takers = json_object_get_array_member (results, "takers");

  for (guint i = 0; i < json_array_get_length (takers); i++)
    {
      JsonObject *taker = json_array_get_object_element (takers, i);

      if (json_object_get_int_member (taker, "attempt") == server.attempt)
        return json_object_ref (taker);
    }
  g_error ("attempt %" G_GINT64_FORMAT " is not in the results", server.attempt);
  return NULL;
}

static gboolean
attempt_passed (gpointer data)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());

  return catalogue != NULL && g_strcmp0 (quorum_exam_catalogue_get_attempt_state (catalogue, server.attempt), "Passed") == 0;
}

static gboolean
result_loaded (gpointer result)
{
  return quorum_exam_result_is_loaded (result);
}

static gboolean
result_shows_task (gpointer data)
{
  QuorumExamResult *result = QUORUM_EXAM_RESULT (((gpointer *) data)[0]);

  return quorum_exam_result_get_shown_task (result) == GPOINTER_TO_INT (((gpointer *) data)[1]);
}

static char *
format_average (JsonNode *average)
{
  if (json_node_get_value_type (average) == G_TYPE_STRING)
    return g_strdup ("Not rated");
  return g_strdup_printf ("%.2f", json_node_get_double (average));
}

/* After the review and the pass, win.refresh brings them: the result window
 * shows "Passed" and the score of GET /jobs/{id}/results, each task's image
 * with ben's instances, and no gold (the exam does not show answers). */
static void
test_result (void)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());
  g_autoptr(JsonObject) taker = NULL;
  g_autoptr(JsonObject) attempt = NULL;
  g_autofree char *attempt_path = g_strdup_printf ("/attempts/%" G_GINT64_FORMAT, server.attempt);
  g_autofree char *average = NULL;
  g_autofree char *missed = NULL;
  g_autofree char *gold_score = NULL;
  QuorumExamResult *result;
  JsonArray *tasks;
  gpointer shown[2];

  review_and_pass ();
  taker = results_entry ();
  g_assert_cmpstr (json_object_get_string_member (taker, "decision"), ==, "pass");

  /* Nothing changed in the app until it asks. */
  g_assert_cmpstr (quorum_exam_catalogue_get_attempt_state (catalogue, server.attempt), ==, "Waiting for review");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.refresh", NULL));
  g_assert_true (app_test_wait_until (attempt_passed, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (catalogue), "exams.show-result", "x", server.attempt));
  result = QUORUM_EXAM_RESULT (quorum_exam_catalogue_show_result (catalogue, server.attempt));
  g_assert_cmpint (quorum_exam_result_get_attempt (result), ==, server.attempt);
  g_assert_true (app_test_wait_until (result_loaded, result));

  average = format_average (json_object_get_member (taker, "average_stars"));
  missed = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (taker, "missed"));
  gold_score = g_strdup_printf ("%.2f", json_object_get_double_member (taker, "gold_score"));
  g_assert_cmpstr (quorum_exam_result_get_decision_text (result), ==, "Passed");
  g_assert_cmpstr (quorum_exam_result_get_average_text (result), ==, average);
  g_assert_cmpstr (quorum_exam_result_get_missed_text (result), ==, missed);
  g_assert_cmpstr (quorum_exam_result_get_gold_score_text (result), ==, gold_score);
  g_assert_cmpstr (quorum_exam_result_get_rule_text (result), ==,
                   json_object_get_boolean_member (taker, "meets_pass_rule") ? "Met" : "Not met");

  /* Each task with ben's own box on its image, chosen from the list. */
  attempt = call_object (server.ben, "GET", attempt_path, NULL);
  g_assert_false (json_object_get_boolean_member (attempt, "shows_answers"));
  tasks = json_object_get_array_member (attempt, "tasks");
  g_assert_cmpuint (quorum_exam_result_get_n_tasks (result), ==, json_array_get_length (tasks));
  g_assert_cmpuint (json_array_get_length (tasks), ==, 4);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);
      const QuorumInstance *selected;

      g_assert_false (json_object_has_member (task, "gold"));
      quorum_exam_result_show_instance (result, i, 0);
      shown[0] = result;
      shown[1] = GINT_TO_POINTER (i);
      g_assert_true (app_test_wait_until (result_shows_task, shown));
      g_assert_nonnull (quorum_canvas_get_image (quorum_exam_result_get_canvas (result)));
      g_assert_cmpuint (quorum_canvas_get_n_instances (quorum_exam_result_get_canvas (result)), ==,
                        json_array_get_length (json_object_get_array_member (task, "instances")));
      g_assert_cmpint (quorum_canvas_get_selected (quorum_exam_result_get_canvas (result)), ==, 0);
      selected = quorum_canvas_get_selected_instance (quorum_exam_result_get_canvas (result));
      g_assert_cmpstr (selected->id, ==,
                       json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (task,
                                                                                                                  "instances"),
                                                                                     0),
                                                      "id"));
      g_assert_false (quorum_canvas_get_editable (quorum_exam_result_get_canvas (result)));
      g_assert_cmpuint (quorum_canvas_get_n_layers (quorum_exam_result_get_canvas (result)), ==, 0);
    }
}

static gboolean
credentials_loaded (gpointer data)
{
  QuorumCredentialsWindow *credentials = quorum_window_get_credentials_window (window ());

  return credentials != NULL && quorum_credentials_window_is_loaded (credentials);
}

/* My Credentials lists the one the pass granted, with its issuer; and the
 * certified job now gives ben a task. */
static void
test_credentials (void)
{
  QuorumCredentialsWindow *credentials;
  g_autofree char *project_path = NULL;
  g_autofree char *issued = NULL;
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) project = NULL;
  g_autofree char *job_path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT, server.exam);
  gboolean found = FALSE;

  job = call_object (server.real.admin, "GET", job_path, NULL);
  project_path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT, json_object_get_int_member (job, "project"));
  project = call_object (server.real.admin, "GET", project_path, NULL);
  issued = g_strdup_printf ("Issued by %s · ", json_object_get_string_member (project, "name"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.credentials", NULL));
  g_assert_true (app_test_wait_until (credentials_loaded, NULL));
  credentials = quorum_window_get_credentials_window (window ());
  for (guint i = 0; i < quorum_credentials_window_get_n_credentials (credentials); i++)
    if (g_str_equal (quorum_credentials_window_get_title (credentials, i), CREDENTIAL))
      {
        g_assert_true (g_str_has_prefix (quorum_credentials_window_get_subtitle (credentials, i), issued));
        found = TRUE;
      }
  g_assert_true (found);

  g_assert_null (app_test_find_dialog ("A Credential Is Required"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.next-task", "x", server.certified));
  g_assert_true (app_test_wait_until (task_shown, NULL));
  g_assert_null (app_test_find_dialog ("A Credential Is Required"));
  {
    g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, quorum_window_get_task (window ()));
    g_autoptr(JsonObject) task = call_object (server.ben, "GET", path, NULL);

    g_assert_cmpint (json_object_get_int_member (task, "job"), ==, server.certified);
    g_assert_cmpstr (json_object_get_string_member (task, "job_type"), ==, "normal");
    g_assert_false (json_object_has_member (task, "pass_rule"));
  }
  g_assert_false (gtk_widget_get_visible (app_test_child (window (), "exam_rule_label")));

  /* The catalogue's last reply is on this computer, for offline. */
  {
    QuorumCache *cache = quorum_session_get_cache (quorum_window_get_session (window ()));
    g_autoptr(JsonNode) cached = quorum_cache_get_document (cache, "exams", NULL, NULL);

    g_assert_nonnull (cached);
    g_assert_nonnull (quorum_exam_find_award (cached, "Some org/" CREDENTIAL));
    g_assert_null (quorum_exam_find_award (cached, "Street annotators"));
  }
}

static gboolean
catalogue_empty (gpointer data)
{
  return catalogue_loaded (NULL) && g_strcmp0 (catalogue_page (), "empty") == 0;
}

static gboolean
credentials_empty (gpointer data)
{
  QuorumCredentialsWindow *credentials = quorum_window_get_credentials_window (window ());

  return credentials_loaded (NULL) &&
         g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (credentials),
                                                                                                QUORUM_TYPE_CREDENTIALS_WINDOW,
                                                                                                "stack"))),
                    "empty") == 0;
}

/* olga reaches no exam and holds no credential: both windows say so, and
 * signing out closes them. */
static void
test_empty_states (void)
{
  sign_in ("olga");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.exams", NULL));
  g_assert_true (app_test_wait_until (catalogue_empty, NULL));
  g_assert_cmpuint (quorum_exam_catalogue_get_n_exams (quorum_window_get_exam_catalogue (window ())), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.credentials", NULL));
  g_assert_true (app_test_wait_until (credentials_empty, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.sign-out", NULL));
  g_assert_true (app_test_wait_until (start_shown, NULL));
  g_assert_null (quorum_window_get_exam_catalogue (window ()));
  g_assert_null (quorum_window_get_credentials_window (window ()));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.exams", NULL) &&
                  quorum_window_get_exam_catalogue (window ()) != NULL);
}

static gboolean
catalogue_offline (gpointer data)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());

  return catalogue != NULL && quorum_exam_catalogue_is_offline (catalogue);
}

/* With the server gone, the catalogue shows ben's exams as last fetched and
 * says so; Apply, which needs the server, opens nothing. */
static void
test_offline (void)
{
  QuorumExamCatalogue *catalogue;
  GtkWidget *offline_label;
  gint64 task = quorum_window_get_task (window ());

  gtk_window_destroy (GTK_WINDOW (quorum_window_get_exam_catalogue (window ())));
  g_assert_null (quorum_window_get_exam_catalogue (window ()));
  g_subprocess_send_signal (server.real.process, SIGKILL);
  g_subprocess_wait (server.real.process, NULL, NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.exams", NULL));
  g_assert_true (app_test_wait_until (catalogue_offline, NULL));
  catalogue = quorum_window_get_exam_catalogue (window ());
  offline_label = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (catalogue), QUORUM_TYPE_EXAM_CATALOGUE,
                                                             "offline_label"));
  g_assert_false (quorum_exam_catalogue_is_loaded (catalogue));
  g_assert_cmpstr (catalogue_page (), ==, "list");
  g_assert_true (gtk_widget_get_visible (offline_label));
  g_assert_cmpuint (quorum_exam_catalogue_get_n_exams (catalogue), ==, 1);
  g_assert_cmpstr (quorum_exam_catalogue_get_attempt_state (catalogue, server.attempt), ==, "Passed");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (catalogue), "exams.apply", "x", server.exam));
  app_test_iterate (500);
  g_assert_cmpint (quorum_window_get_task (window ()), ==, task);
  g_assert_cmpstr (catalogue_page (), ==, "list");
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

  app_test_server_make_home (&server.real, "quorum-exams-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server_start ();
  server.exam = job_id ("Street-scene basics");
  server.certified = job_id ("Street scenes — certified");
  server.ben = app_test_server_sign_in (&server.real, "ben", password_of ("ben"));

  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/exams/empty-states", test_empty_states);
  g_test_add_func ("/exams/credential-required", test_credential_required);
  g_test_add_func ("/exams/apply", test_apply);
  g_test_add_func ("/exams/draw-and-submit", test_draw_and_submit);
  g_test_add_func ("/exams/result", test_result);
  g_test_add_func ("/exams/credentials", test_credentials);
  g_test_add_func ("/exams/offline", test_offline);
  status = g_test_run ();

  g_clear_object (&server.ben);
  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
