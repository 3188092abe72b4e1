/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "quorum-application.h"
#include "quorum-members-window.h"
#include "quorum-exam-results.h"
#include "quorum-job-item.h"
#include "quorum-task-list.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * The trainer's side of an exam against a real quorum-server filled by
 * `quorumctl demo`: the results window's figures against GET
 * /jobs/{id}/results, opening an attempt's review, passing an attempt that
 * misses the rule (cancelled, then confirmed), closing the exam, and a
 * project admin granting and revoking a credential with Undo. The tests run
 * in order and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;       /* quorumctl demo --json */
  QuorumClient  *tom;        /* the trainer, outside the app */
  gint64         exam;
  gint64         project;
  gint64         dan_attempt;
  gint64         ben_attempt;
} server;

/* ---- the server ---------------------------------------------------------------- */

static const char *
password_of (const char *user)
{
  return app_test_demo_password (server.demo, user);
}

static gint64
user_id (const char *user)
{
  return app_test_demo_user_id (server.demo, user);
}

static gint64
job_id (const char *prefix)
{
  return app_test_demo_job_id (server.demo, prefix);
}

#define call app_test_callf

/* GET /jobs/{exam}/results as the trainer. */
static JsonObject *
results (void)
{
  g_autoptr(JsonNode) reply = call (server.tom, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/results", server.exam);

  return json_object_ref (json_node_get_object (reply));
}

static JsonObject *
attempt_entry (JsonObject *reply,
               gint64      attempt)
{
  JsonArray *takers = json_object_get_array_member (reply, "takers");

  for (guint i = 0; i < json_array_get_length (takers); i++)
    if (json_object_get_int_member (json_array_get_object_element (takers, i), "attempt") == attempt)
      return json_array_get_object_element (takers, i);
  return NULL;
}

/* The review task @user (a QuorumClient) gets next, rated with @stars on
 * every candidate instance and accepted. */
static void
review_with (QuorumClient *client,
             JsonObject   *task,
             int           stars)
{
  gint64 id = json_object_get_int_member (task, "id");
  JsonArray *instances = json_object_get_array_member (json_object_get_object_member (task, "draw"), "instances");
  JsonArray *missing = json_object_get_array_member (json_object_get_object_member (task, "suggested"), "missing");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stars");
  json_builder_begin_object (builder);
  for (guint i = 0; i < json_array_get_length (instances); i++)
    {
      json_builder_set_member_name (builder, json_object_get_string_member (json_array_get_object_element (instances, i),
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
  json_node_unref (call (client, "PUT", text, "/tasks/%" G_GINT64_FORMAT "/rating", id));
  json_node_unref (call (client, "POST", "{}", "/tasks/%" G_GINT64_FORMAT "/accept", id));
}

/* @user applies and submits every draw with no instance; returns the attempt. */
static gint64
take_exam (const char *user)
{
  g_autoptr(QuorumClient) taker = app_test_server_sign_in (&server.real, user, password_of (user));
  g_autoptr(JsonNode) applied = call (taker, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/apply", server.exam);

  for (;;)
    {
      g_autoptr(JsonNode) task = call (taker, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.exam);
      g_autoptr(JsonNode) saved = NULL;
      g_autofree char *body = NULL;
      gint64 id;

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        break;
      id = json_object_get_int_member (json_node_get_object (task), "id");
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": []}",
                              json_object_get_int_member (json_node_get_object (task), "version"));
      saved = call (taker, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances", id);
      g_free (body);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                              json_object_get_int_member (json_node_get_object (saved), "version"));
      json_node_unref (call (taker, "POST", body, "/tasks/%" G_GINT64_FORMAT "/submit", id));
    }
  return json_object_get_int_member (json_node_get_object (applied), "attempt");
}

static void
server_start (void)
{
  g_autoptr(JsonNode) job = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *takers;

  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  server.exam = job_id ("Street-scene basics");
  job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, server.exam);
  server.project = json_object_get_int_member (json_node_get_object (job), "project");
  server.tom = app_test_server_sign_in (&server.real, "tom", password_of ("tom"));

  /* dan's attempt (the demo's), reviewed with one star everywhere: below
   * the rule's 3.0. */
  reply = results ();
  takers = json_object_get_array_member (reply, "takers");
  g_assert_cmpuint (json_array_get_length (takers), ==, 1);
  server.dan_attempt = json_object_get_int_member (json_array_get_object_element (takers, 0), "attempt");
  for (;;)
    {
      g_autoptr(JsonNode) task = call (server.tom, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.exam);

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        break;
      review_with (server.tom, json_node_get_object (task), 1);
    }

  /* ben's attempt: every draw submitted, the review of its first file
   * done, so the one to open is the second. */
  server.ben_attempt = take_exam ("ben");
  {
    g_autoptr(JsonObject) now = results ();
    JsonArray *tasks = json_object_get_array_member (attempt_entry (now, server.ben_attempt), "tasks");
    gint64 review = json_object_get_int_member (json_array_get_object_element (tasks, 0), "review");
    g_autofree char *body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", user_id ("tom"));
    g_autoptr(JsonNode) view = NULL;

    json_node_unref (call (server.real.admin, "POST", body, "/tasks/%" G_GINT64_FORMAT "/assign", review));
    view = call (server.tom, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, review);
    review_with (server.tom, json_node_get_object (view), 4);
  }
}

/* ---- driving the window ----------------------------------------------------------- */

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "work") == 0;
}

static gboolean
start_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "start") == 0;
}

static gboolean
exam_listed (gpointer data)
{
  return quorum_task_list_find_job (app_test_child (server.real.window, "tasks"), server.exam) != NULL;
}

static void
sign_in (const char *user,
         const char *password)
{
  if (work_shown (server.real.window))
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-out", NULL));
      g_assert_true (app_test_wait_until (start_shown, server.real.window));
    }
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), user);
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"), password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, server.real.window));
  g_assert_true (app_test_wait_until (exam_listed, NULL));
}

/* The open toplevel of @type, or %NULL. */
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

static QuorumExamResults *
results_window (void)
{
  return find_window (QUORUM_TYPE_EXAM_RESULTS);
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

/* The table's row of @attempt, or G_MAXUINT. */
static guint
row_of (gint64 attempt)
{
  GListModel *rows = quorum_exam_results_get_attempts (results_window ());

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(QuorumAttemptItem) item = g_list_model_get_item (rows, i);

      if (quorum_attempt_item_get_id (item) == attempt)
        return i;
    }
  return G_MAXUINT;
}

/* What the table must show for a results entry, worked out from the JSON. */
static char *
expected_cell (JsonObject *entry,
               const char *column)
{
  JsonNode *average = json_object_get_member (entry, "average_stars");
  JsonNode *decision = json_object_get_member (entry, "decision");

  if (g_str_equal (column, "taker"))
    return g_strdup (json_object_get_string_member (entry, "name"));
  if (g_str_equal (column, "attempt"))
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (entry, "number"));
  if (g_str_equal (column, "average"))
    return json_node_get_value_type (average) == G_TYPE_STRING ? g_strdup (json_node_get_string (average))
                                                                : g_strdup_printf ("%.1f", json_node_get_double (average));
  if (g_str_equal (column, "missed"))
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (entry, "missed"));
  if (g_str_equal (column, "gold"))
    return g_strdup_printf ("%.2f", json_object_get_double_member (entry, "gold_score"));
  if (g_str_equal (column, "rule"))
    return g_strdup (!json_object_get_boolean_member (entry, "reviewed") ? "–"
                     : json_object_get_boolean_member (entry, "meets_pass_rule") ? "✓" : "✗");
  if (!JSON_NODE_HOLDS_NULL (decision))
    return g_strdup (g_str_equal (json_node_get_string (decision), "pass") ? "Passed" : "Failed");
  if (json_object_get_boolean_member (entry, "reviewed"))
    return g_strdup ("Waiting for your decision");
  {
    JsonArray *tasks = json_object_get_array_member (entry, "tasks");
    guint done = 0;

    for (guint i = 0; i < json_array_get_length (tasks); i++)
      done += g_str_equal (json_object_get_string_member (json_array_get_object_element (tasks, i), "review_state"),
                           "complete");
    return g_strdup_printf ("Being reviewed (%u of %u)", done, json_array_get_length (tasks));
  }
}

static const char * const columns[] = { "taker", "attempt", "average", "missed", "gold", "rule", "decision" };

static void
check_table (void)
{
  g_autoptr(JsonObject) reply = results ();
  JsonArray *takers = json_object_get_array_member (reply, "takers");
  GListModel *rows = quorum_exam_results_get_attempts (results_window ());

  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, json_array_get_length (takers));
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(QuorumAttemptItem) item = g_list_model_get_item (rows, i);
      JsonObject *entry = attempt_entry (reply, quorum_attempt_item_get_id (item));

      g_assert_nonnull (entry);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          g_autofree char *shown = quorum_exam_results_format_cell (item, columns[c]);
          g_autofree char *expected = expected_cell (entry, columns[c]);

          g_assert_cmpstr (shown, ==, expected);
        }
    }
}

/* Whether @menu (or a section of it) has @action with @job as its target. */
static gboolean
menu_has (GMenuModel *menu,
          const char *action,
          gint64      job)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *name = NULL;
      g_autoptr(GVariant) target = NULL;

      if (section != NULL && menu_has (section, action, job))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action) &&
          (target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                           G_VARIANT_TYPE_INT64)) != NULL &&
          g_variant_get_int64 (target) == job)
        return TRUE;
    }
  return FALSE;
}

/* The menu the task list shows for @job: the one of its menu buttons whose
 * Next Task takes @job. */
static GMenuModel *
shown_job_menu (GtkWidget *widget,
                gint64     job)
{
  GMenuModel *menu;

  if (GTK_IS_MENU_BUTTON (widget) && (menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget))) != NULL &&
      menu_has (menu, "win.next-task", job))
    return menu;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if ((menu = shown_job_menu (child, job)) != NULL)
      return menu;
  return NULL;
}

static gboolean
menus_shown (gpointer data)
{
  app_test_iterate (20);
  return shown_job_menu (app_test_child (server.real.window, "tasks"), server.exam) != NULL;
}

/* ---- the tests -------------------------------------------------------------------- */

static void
test_results_table (void)
{
  QuorumJobItem *job;
  GMenuModel *menu;
  GtkColumnView *view;
  GListModel *column_list;
  GListModel *rows;
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *rule;
  g_autofree char *expected_rule = NULL;

  sign_in ("tom", password_of ("tom"));
  job = quorum_task_list_find_job (app_test_child (server.real.window, "tasks"), server.exam);
  g_assert_true (quorum_job_item_is_exam (job));
  g_assert_cmpstr (quorum_job_item_get_role (job), ==, "admin");
  g_assert_cmpint (quorum_job_item_get_project (job), ==, server.project);
  g_assert_false (quorum_job_item_is_exam (quorum_task_list_find_job (app_test_child (server.real.window, "tasks"),
                                                                      job_id ("Street scenes — consensus"))));

  /* The exam's menu offers its results and the project's credentials to
   * the trainer, a project admin; a normal job offers no results. */
  g_assert_true (app_test_wait_until (menus_shown, NULL));
  menu = shown_job_menu (app_test_child (server.real.window, "tasks"), server.exam);
  g_assert_true (menu_has (menu, "win.exam-results", server.exam));
  g_assert_true (menu_has (menu, "win.credential-grants", server.exam));
  menu = shown_job_menu (app_test_child (server.real.window, "tasks"), job_id ("Street scenes — consensus"));
  g_assert_nonnull (menu);
  g_assert_false (menu_has (menu, "win.exam-results", job_id ("Street scenes — consensus")));

  g_assert_null (results_window ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.exam-results", "x", server.exam));
  g_assert_true (app_test_wait_until (results_shown, NULL));
  g_assert_cmpint (quorum_exam_results_get_job (results_window ()), ==, server.exam);

  /* Two attempts, every figure as the server has it. */
  rows = quorum_exam_results_get_attempts (results_window ());
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  check_table ();

  /* The pass rule above the table. */
  reply = results ();
  rule = json_object_get_object_member (reply, "pass_rule");
  expected_rule = g_strdup_printf ("To pass: at least %.1f stars on average and at most %" G_GINT64_FORMAT
                                   " missed instances.", json_object_get_double_member (rule, "min_average_stars"),
                                   json_object_get_int_member (rule, "max_missed"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (results_child ("rule_label")), expected_rule));

  /* ben drew nothing, so nothing of his was rated: words, not a number. */
  {
    g_autoptr(QuorumAttemptItem) ben = g_list_model_get_item (rows, row_of (server.ben_attempt));
    g_autofree char *average = quorum_exam_results_format_cell (ben, "average");

    g_assert_cmpstr (average, ==, "not rated");
  }

  /* Sorting by the average, highest first: dan's 1.0 over ben's none. */
  view = results_child ("columns");
  column_list = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (column_list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (column_list, i);

      if (g_str_equal (gtk_column_view_column_get_title (column), "Average Stars"))
        gtk_column_view_sort_by_column (view, column, GTK_SORT_DESCENDING);
    }
  g_assert_cmpuint (row_of (server.dan_attempt), ==, 0);
  g_assert_cmpuint (row_of (server.ben_attempt), ==, 1);
  for (guint i = 0; i < g_list_model_get_n_items (column_list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (column_list, i);

      if (g_str_equal (gtk_column_view_column_get_title (column), "Average Stars"))
        gtk_column_view_sort_by_column (view, column, GTK_SORT_ASCENDING);
    }
  g_assert_cmpuint (row_of (server.ben_attempt), ==, 0);
  check_table ();
}

static gint64 expected_task;

static gboolean
review_open (gpointer data)
{
  return quorum_window_get_task (server.real.window) == expected_task &&
         g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (server.real.window, "canvas_stack")),
                    "canvas") == 0;
}

static void
test_open_review (void)
{
  g_autoptr(JsonObject) reply = results ();
  JsonArray *tasks = json_object_get_array_member (attempt_entry (reply, server.ben_attempt), "tasks");

  /* ben's first review is done: his row opens the second, still to do. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tasks, 0), "review_state"), ==,
                   "complete");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tasks, 1), "review_state"), !=,
                   "complete");
  expected_task = json_object_get_int_member (json_array_get_object_element (tasks, 1), "review");
  g_assert_cmpint (quorum_window_get_task (server.real.window), !=, expected_task);
  g_signal_emit_by_name (results_child ("columns"), "activate", row_of (server.ben_attempt));
  g_assert_true (app_test_wait_until (review_open, NULL));

  /* dan's are all done: the first. */
  tasks = json_object_get_array_member (attempt_entry (reply, server.dan_attempt), "tasks");
  expected_task = json_object_get_int_member (json_array_get_object_element (tasks, 0), "review");
  quorum_exam_results_select (results_window (), row_of (server.dan_attempt));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_window ()), "results.open", NULL));
  g_assert_true (app_test_wait_until (review_open, NULL));
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

/* Answers the dialog as its button does: the response, then it closes. */
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

static const char *
server_decision (gint64 attempt)
{
  g_autoptr(JsonObject) reply = results ();
  JsonNode *decision = json_object_get_member (attempt_entry (reply, attempt), "decision");

  return JSON_NODE_HOLDS_NULL (decision) ? NULL : g_intern_string (json_node_get_string (decision));
}

static gboolean
dan_passed (gpointer data)
{
  app_test_iterate (50);
  return g_strcmp0 (server_decision (server.dan_attempt), "pass") == 0;
}

static gboolean
table_says_passed (gpointer data)
{
  QuorumAttemptItem *item = quorum_exam_results_get_selected (results_window ());

  return item != NULL && g_strcmp0 (quorum_attempt_item_get_decision (item), "pass") == 0;
}

static void
test_pass_below_rule (void)
{
  g_autoptr(JsonObject) reply = results ();
  JsonObject *entry = attempt_entry (reply, server.dan_attempt);
  JsonObject *rule = json_object_get_object_member (reply, "pass_rule");
  gint64 missed = json_object_get_int_member (entry, "missed");
  g_autofree char *expected = NULL;
  GtkWidget *dialog;
  g_autoptr(JsonNode) held = NULL;
  JsonArray *credentials;
  gboolean holds = FALSE;

  g_assert_true (json_object_get_boolean_member (entry, "reviewed"));
  g_assert_false (json_object_get_boolean_member (entry, "meets_pass_rule"));
  g_assert_null (server_decision (server.dan_attempt));

  /* ben's attempt is not reviewed: Pass does not apply. */
  quorum_exam_results_select (results_window (), row_of (server.ben_attempt));
  app_test_iterate (50);
  g_assert_false (gtk_widget_get_sensitive (results_child ("pass_button")));
  g_assert_false (gtk_widget_get_sensitive (results_child ("fail_button")));
  gtk_widget_activate_action (GTK_WIDGET (results_window ()), "results.pass", NULL);
  app_test_iterate (100);
  g_assert_null (app_test_find_dialog ("Pass This Attempt?"));

  /* dan's misses the rule: a question first, with the figures. */
  quorum_exam_results_select (results_window (), row_of (server.dan_attempt));
  app_test_iterate (50);
  g_assert_true (gtk_widget_get_sensitive (results_child ("pass_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_window ()), "results.pass", NULL));
  g_assert_true (app_test_wait_until (dialog_shown, "Pass This Attempt?"));
  dialog = app_test_find_dialog ("Pass This Attempt?");
  expected = g_strdup_printf ("dan’s attempt 1 has %.1f stars on average and missed %" G_GINT64_FORMAT " %s; the rule "
                              "asks for at least %.1f and at most %" G_GINT64_FORMAT ". Pass anyway?",
                              json_object_get_double_member (entry, "average_stars"), missed,
                              missed == 1 ? "instance" : "instances",
                              json_object_get_double_member (rule, "min_average_stars"),
                              json_object_get_int_member (rule, "max_missed"));
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, expected);

  /* Cancel changes nothing on the server. */
  respond ("Pass This Attempt?", "cancel");
  app_test_iterate (500);
  g_assert_null (server_decision (server.dan_attempt));

  /* Pass Anyway passes it, and the credential comes with it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_window ()), "results.pass", NULL));
  g_assert_true (app_test_wait_until (dialog_shown, "Pass This Attempt?"));
  respond ("Pass This Attempt?", "decide");
  g_assert_true (app_test_wait_until (dan_passed, NULL));
  g_assert_true (app_test_wait_until (table_says_passed, NULL));
  check_table ();
  held = call (server.real.admin, "GET", NULL, "/users/%" G_GINT64_FORMAT "/credentials", user_id ("dan"));
  credentials = json_node_get_array (held);
  for (guint i = 0; i < json_array_get_length (credentials); i++)
    holds |= json_object_get_int_member (json_array_get_object_element (credentials, i), "project") == server.project;
  g_assert_true (holds);

  /* Decided: no second decision. */
  g_assert_false (gtk_widget_get_sensitive (results_child ("pass_button")));
  g_assert_false (gtk_widget_get_sensitive (results_child ("fail_button")));
}

static const char *
server_state (void)
{
  g_autoptr(JsonObject) reply = results ();

  return g_intern_string (json_object_get_string_member (reply, "state"));
}

static gboolean
exam_closed (gpointer data)
{
  app_test_iterate (50);
  return g_str_equal (server_state (), "complete");
}

static gboolean
close_button_hidden (gpointer data)
{
  return !gtk_widget_get_visible (results_child ("close_exam_button"));
}

static void
test_close_exam (void)
{
  g_assert_cmpstr (server_state (), ==, "launched");
  g_assert_true (gtk_widget_get_visible (results_child ("close_exam_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_window ()), "results.close-exam", NULL));
  g_assert_true (app_test_wait_until (dialog_shown, "Close the Exam?"));
  respond ("Close the Exam?", "cancel");
  app_test_iterate (500);
  g_assert_cmpstr (server_state (), ==, "launched");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results_window ()), "results.close-exam", NULL));
  g_assert_true (app_test_wait_until (dialog_shown, "Close the Exam?"));
  respond ("Close the Exam?", "close");
  g_assert_true (app_test_wait_until (exam_closed, NULL));
  g_assert_true (app_test_wait_until (close_button_hidden, NULL));
  g_assert_true (g_str_has_suffix (gtk_label_get_text (results_child ("rule_label")),
                                   "The exam is closed to new takers."));
  gtk_window_destroy (GTK_WINDOW (results_window ()));

  /* The closed exam stays in its trainer's list, its results a click away. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.refresh", NULL));
  app_test_iterate (500);
  g_assert_true (app_test_wait_until (exam_listed, NULL));
}

/* ---- credentials ------------------------------------------------------------------ */

static struct {
  gint64 credential;
} grants;

static QuorumMembersWindow *
members_window (void)
{
  return find_window (QUORUM_TYPE_MEMBERS_WINDOW);
}

static gboolean
credentials_loaded (gpointer data)
{
  return members_window () != NULL && !quorum_members_window_get_loading (members_window ()) &&
         quorum_members_window_get_credential (members_window ()) != 0;
}

/* The holders' user ids on the server. */
static GArray *
server_holders (void)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/credentials/%" G_GINT64_FORMAT "/grants",
                                    grants.credential);
  JsonArray *array = json_node_get_array (reply);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (array, i), "user");

      g_array_append_val (ids, id);
    }
  return ids;
}

static gboolean
holds (GArray *ids,
       gint64  user)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == user)
      return TRUE;
  return FALSE;
}

/* Whether the window shows @user holding the credential now. */
static gboolean
shown_holding (gint64 user)
{
  JsonObject *grant = quorum_members_window_get_grant (members_window (), user);
  JsonNode *revoked = grant != NULL ? json_object_get_member (grant, "revoked") : NULL;

  return grant != NULL && (revoked == NULL || JSON_NODE_HOLDS_NULL (revoked));
}

/* A project admin's exam menu opens the project's credentials — the Members
 * and Credentials window on its Credentials page, where granting and
 * revoking keep their reason (members-window tests them) — showing who holds
 * each as the server says. */
static void
test_project_credentials (void)
{
  g_autoptr(JsonNode) credentials = NULL;
  g_autoptr(GArray) holders = NULL;
  AdwViewStack *pages;
  JsonArray *array;

  /* The server administrator acts as an admin of every project. */
  sign_in ("root", ROOT_PASSWORD);
  credentials = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/credentials", server.project);
  array = json_node_get_array (credentials);
  g_assert_cmpuint (json_array_get_length (array), >, 0);
  grants.credential = json_object_get_int_member (json_array_get_object_element (array, 0), "id");

  g_assert_true (app_test_wait_until (menus_shown, NULL));
  g_assert_true (menu_has (shown_job_menu (app_test_child (server.real.window, "tasks"), server.exam),
                           "win.credential-grants", server.exam));
  g_assert_true (menu_has (shown_job_menu (app_test_child (server.real.window, "tasks"), server.exam),
                           "win.exam-results", server.exam));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.credential-grants", "x",
                                             server.exam));
  g_assert_true (app_test_wait_until (credentials_loaded, NULL));
  pages = ADW_VIEW_STACK (gtk_widget_get_template_child (GTK_WIDGET (members_window ()), QUORUM_TYPE_MEMBERS_WINDOW,
                                                         "view_stack"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pages), ==, "credentials");
  g_assert_true (quorum_members_window_get_can_manage (members_window ()));
  g_assert_true (quorum_members_window_set_credential (members_window (), grants.credential));
  app_test_iterate (200);
  g_assert_true (app_test_wait_until (credentials_loaded, NULL));

  /* ann (by hand, in the demo) and dan (passed above) hold it, ben does not: as the server says */
  holders = server_holders ();
  g_assert_true (holds (holders, user_id ("ann")));
  g_assert_true (holds (holders, user_id ("dan")));
  g_assert_false (holds (holders, user_id ("ben")));
  g_assert_true (shown_holding (user_id ("ann")));
  g_assert_true (shown_holding (user_id ("dan")));
  g_assert_null (quorum_members_window_get_grant (members_window (), user_id ("ben")));
  gtk_window_destroy (GTK_WINDOW (members_window ()));
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

  app_test_server_make_home (&server.real, "quorum-exam-results-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server_start ();

  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/exam-results/table", test_results_table);
  g_test_add_func ("/exam-results/open-review", test_open_review);
  g_test_add_func ("/exam-results/pass-below-rule", test_pass_below_rule);
  g_test_add_func ("/exam-results/close", test_close_exam);
  g_test_add_func ("/credentials/project-credentials", test_project_credentials);
  status = g_test_run ();

  g_clear_object (&server.tom);
  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
