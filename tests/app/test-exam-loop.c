/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "quorum-application.h"
#include "quorum-canvas-private.h"
#include "quorum-credentials-window.h"
#include "quorum-exam-catalogue.h"
#include "quorum-exam-result.h"
#include "quorum-exam-results.h"
#include "quorum-review-panel.h"
#include "quorum-task-list.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * One exam from end to end, every step in the app's real windows against a
 * real quorum-server filled by `quorumctl demo`:
 *
 * 1. cat, an annotator who never took “Street-scene basics”, is refused the
 *    certified job, applies from the Exams window, draws two boxes on each
 *    exam task and submits them; the app says the attempt waits for review.
 * 2. The trainer tom signs in, takes the attempt's four reviews with Next
 *    Task, changes two star ratings away from the suggestion and clears one
 *    suggested Missing flag in the review panel, accepts every review, and
 *    passes the attempt from the Exam Results window.
 * 3. The server keeps exactly that rating.
 * 4. cat signs in again: the catalogue says Passed, the result window shows
 *    the figures of tom's table, My Credentials lists the credential and the
 *    certified job gives cat a task.
 *
 * The tests run in order and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define TAKER         "cat"
#define TRAINER       "tom"
#define CREDENTIAL    "Street annotator"
#define N_FILES       4

static struct {
  AppTestServer  real;
  JsonObject    *demo;       /* quorumctl demo --json */
  QuorumClient  *tom;        /* the trainer outside the app, to set the scene */
  QuorumClient  *taker;      /* cat outside the app, to read what the server tells her */
  gint64         exam;
  gint64         certified;
  gint64         attempt;
} server;

/* What tom did in the review panel, to find on the server afterwards. */
static struct {
  gint64      review;        /* the review task he changed */
  const char *changed[2];    /* the candidate instances whose stars he changed */
  int         stars[2];      /* … to these */
  const char *cleared;       /* the gold instance whose Missing he cleared */
  GHashTable *reviews;       /* review task ids of cat's attempt he accepted */
} edits;

/* The figures tom's results table showed for the attempt. */
static struct {
  double average;
  char  *average_cell;
  char  *missed_cell;
  char  *gold_cell;
} table;

/* ---- the server ---------------------------------------------------------------- */

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

#define call app_test_callf

static JsonObject *
server_task (gint64 id)
{
  g_autoptr(JsonNode) node = call (server.real.admin, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, id);

  return json_object_ref (json_node_get_object (node));
}

/* cat's attempt in GET /jobs/{exam}/results, as the trainer sees it. */
static JsonObject *
results_entry (void)
{
  g_autoptr(JsonNode) node = call (server.tom, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/results", server.exam);
  JsonArray *takers = json_object_get_array_member (json_node_get_object (node), "takers");

  for (guint i = 0; i < json_array_get_length (takers); i++)
    {
      JsonObject *taker = json_array_get_object_element (takers, i);

      if (json_object_get_int_member (taker, "attempt") == server.attempt)
        return json_object_ref (taker);
    }
  return NULL;
}

/* dan's demo attempt, reviewed through the API with the suggested rating,
 * so that tom's Next Task in the app can only bring cat's reviews. */
static void
review_dans_attempt (void)
{
  for (guint n = 0; n < 10; n++)
    {
      g_autoptr(JsonNode) task = call (server.tom, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.exam);

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        return;
      json_node_unref (call (server.tom, "POST", "{}", "/tasks/%" G_GINT64_FORMAT "/accept",
                             json_object_get_int_member (json_node_get_object (task), "id")));
    }
  g_error ("tom was given more than ten exam reviews");
}

static void
server_start (void)
{

  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  server.exam = job_id ("Street-scene basics");
  server.certified = job_id ("Street scenes — certified");
  server.tom = app_test_server_sign_in (&server.real, TRAINER, password_of (TRAINER));
  server.taker = app_test_server_sign_in (&server.real, TAKER, password_of (TAKER));
  review_dans_attempt ();
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

static QuorumReviewPanel *
panel (void)
{
  return app_test_child (window (), "review_panel");
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

static gboolean
jobs_listed (gpointer data)
{
  return quorum_task_list_find_job (app_test_child (window (), "tasks"), server.exam) != NULL;
}

static void
sign_in (const char *user)
{
  if (work_shown (NULL))
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.sign-out", NULL));
      g_assert_true (app_test_wait_until (start_shown, NULL));
    }
  gtk_editable_set_text (app_test_child (window (), "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (window (), "user_row"), user);
  gtk_editable_set_text (app_test_child (window (), "password_row"), password_of (user));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));
  g_assert_true (app_test_wait_until (jobs_listed, NULL));
}

static gboolean
synced (gpointer data)
{
  QuorumSession *session = quorum_window_get_session (window ());

  return quorum_sync_get_state (quorum_session_get_sync (session)) == QUORUM_SYNC_SYNCED &&
         quorum_cache_count_outbox (quorum_session_get_cache (session)) == 0;
}

static gboolean
canvas_shown (void)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window (), "canvas_stack")), "canvas") == 0;
}

/* A task of @job open in the window, other than *@data when given. */
static gint64 wanted_job;

static gboolean
task_of_job_shown (gpointer data)
{
  gint64 other_than = data != NULL ? *(gint64 *) data : 0;
  gint64 task = quorum_window_get_task (window ());
  g_autoptr(JsonObject) view = NULL;

  if (task == 0 || task == other_than || !canvas_shown ())
    return FALSE;
  view = server_task (task);
  return json_object_get_int_member (view, "job") == wanted_job;
}

static gboolean
catalogue_loaded (gpointer data)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());

  return catalogue != NULL && quorum_exam_catalogue_is_loaded (catalogue);
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

/* The open toplevel of @type, or %NULL. */
static gpointer
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }
  return NULL;
}

/* ---- 1. cat takes the exam ---------------------------------------------------------- */

static gboolean
attempt_state_is (gpointer state)
{
  QuorumExamCatalogue *catalogue = quorum_window_get_exam_catalogue (window ());

  return catalogue != NULL && server.attempt != 0 &&
         g_strcmp0 (quorum_exam_catalogue_get_attempt_state (catalogue, server.attempt), state) == 0;
}

static gboolean
window_task_closed (gpointer data)
{
  return quorum_window_get_task (window ()) == 0 && synced (NULL);
}

/* The corners of a gold car of @task's file into @box, read by the
 * administrator (the taker never reads the gold). */
static gboolean
gold_car (gint64  task,
          double *box)
{
  g_autoptr(JsonObject) view = server_task (task);
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/files/%" G_GINT64_FORMAT "/existing",
                                    json_object_get_int_member (view, "file"));
  JsonArray *gold = JSON_NODE_HOLDS_ARRAY (reply) ? json_node_get_array (reply)
                    : json_object_get_array_member (json_node_get_object (reply), "instances");

  for (guint i = 0; i < json_array_get_length (gold); i++)
    {
      JsonObject *instance = json_array_get_object_element (gold, i);
      JsonArray *points = json_object_get_array_member (instance, "points");

      if (!g_str_equal (json_object_get_string_member (instance, "label"), "car") ||
          !g_str_equal (json_object_get_string_member (instance, "kind"), "box"))
        continue;
      for (guint p = 0; p < 2; p++)
        {
          JsonArray *point = json_array_get_array_element (points, p);

          box[2 * p] = json_array_get_double_element (point, 0);
          box[2 * p + 1] = json_array_get_double_element (point, 1);
        }
      return TRUE;
    }
  return FALSE;
}

static guint n_gold_cars;

static void
test_take (void)
{
  QuorumExamCatalogue *catalogue;
  g_autoptr(JsonNode) exams = NULL;
  JsonArray *array;

  sign_in (TAKER);

  /* Without the credential the certified job gives no work. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.next-task", "x", server.certified));
  g_assert_true (app_test_wait_until (dialog_shown, "A Credential Is Required"));
  g_assert_cmpint (quorum_window_get_task (window ()), ==, 0);
  respond ("A Credential Is Required", "close");

  /* The Exams window: cat may apply, and has no attempt yet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.exams", NULL));
  g_assert_true (app_test_wait_until (catalogue_loaded, NULL));
  catalogue = quorum_window_get_exam_catalogue (window ());
  g_assert_true (quorum_exam_catalogue_can_apply (catalogue, server.exam));
  g_assert_cmpint (quorum_exam_catalogue_get_last_attempt (catalogue, server.exam), ==, 0);

  wanted_job = server.exam;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (catalogue), "exams.apply", "x", server.exam));
  g_assert_true (app_test_wait_until (task_of_job_shown, NULL));
  server.attempt = quorum_exam_catalogue_get_last_attempt (catalogue, server.exam);
  exams = call (server.taker, "GET", NULL, "/exams");
  array = json_node_get_array (exams);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *exam = json_array_get_object_element (array, i);
      JsonArray *attempts;

      if (json_object_get_int_member (exam, "id") != server.exam)
        continue;
      attempts = json_object_get_array_member (exam, "attempts");
      g_assert_cmpuint (json_array_get_length (attempts), ==, 1);
      if (server.attempt == 0)
        server.attempt = json_object_get_int_member (json_array_get_object_element (attempts, 0), "id");
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (attempts, 0), "id"), ==,
                       server.attempt);
    }
  g_assert_cmpint (server.attempt, !=, 0);

  /* Two boxes on every image: one on a gold car where there is one (the
   * box tool draws cars first), one in the top-left corner. The gold has
   * three or more instances, so the matching flags some as missed. */
  for (guint i = 0; i < N_FILES; i++)
    {
      gint64 task = quorum_window_get_task (window ());
      double boxes[2][4] = { { 20, 20, 110, 90 }, { 140, 20, 230, 90 } };

      n_gold_cars += gold_car (task, boxes[0]);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.tool", "s", "box"));
      for (guint b = 0; b < 2; b++)
        {
          double x0, y0, x1, y1;

          quorum_canvas_image_to_widget (canvas (), boxes[b][0], boxes[b][1], &x0, &y0);
          quorum_canvas_image_to_widget (canvas (), boxes[b][2], boxes[b][3], &x1, &y1);
          g_assert_true (_quorum_canvas_drag_begin (canvas (), GDK_BUTTON_PRIMARY, 0, x0, y0));
          _quorum_canvas_drag_update (canvas (), x1, y1);
          _quorum_canvas_drag_end (canvas (), x1, y1);
        }
      g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 2);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.submit", NULL));
      if (i < N_FILES - 1)
        g_assert_true (app_test_wait_until (task_of_job_shown, &task));
      else
        g_assert_true (app_test_wait_until (window_task_closed, NULL));
    }
  g_assert_true (app_test_wait_until (toast_shown, "Submitted — waiting for review"));
  g_assert_true (app_test_wait_until (attempt_state_is, "Waiting for review"));
  g_assert_false (quorum_exam_catalogue_can_apply (quorum_window_get_exam_catalogue (window ()), server.exam));

  /* Every draw on the server with its two boxes. */
  {
    g_autoptr(JsonNode) attempt = call (server.taker, "GET", NULL, "/attempts/%" G_GINT64_FORMAT, server.attempt);
    JsonArray *tasks = json_object_get_array_member (json_node_get_object (attempt), "tasks");

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (attempt), "state"), ==, "submitted");
    g_assert_cmpuint (json_array_get_length (tasks), ==, N_FILES);
    for (guint i = 0; i < N_FILES; i++)
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_array_get_object_element (tasks, i),
                                                                             "instances")), ==, 2);
  }
}

/* ---- 2. tom reviews and passes it --------------------------------------------------- */

static gboolean
exam_review_shown (gpointer data)
{
  gint64 other_than = data != NULL ? *(gint64 *) data : 0;
  gint64 task = quorum_window_get_task (window ());

  return task != 0 && task != other_than && canvas_shown () &&
         quorum_review_panel_get_task (panel ()) == task &&
         quorum_review_panel_get_kind (panel ()) == QUORUM_REVIEW_EXAM;
}

/* Whether the server has tom's stars, and with @cleared, his cleared flag. */
static gboolean
rating_stored (gpointer cleared)
{
  g_autoptr(JsonObject) view = server_task (edits.review);
  JsonNode *rating = json_object_get_member (view, "rating");
  JsonObject *stars;
  JsonArray *missing;

  app_test_iterate (20);
  if (rating == NULL || !JSON_NODE_HOLDS_OBJECT (rating))
    return FALSE;
  stars = json_object_get_object_member (json_node_get_object (rating), "stars");
  missing = json_object_get_array_member (json_node_get_object (rating), "missing");
  for (guint i = 0; i < G_N_ELEMENTS (edits.changed); i++)
    if (json_object_get_int_member_with_default (stars, edits.changed[i], 0) != edits.stars[i])
      return FALSE;
  for (guint i = 0; cleared != NULL && i < json_array_get_length (missing); i++)
    if (g_str_equal (json_array_get_string_element (missing, i), edits.cleared))
      return FALSE;
  return TRUE;
}

/* The first review: two stars changed away from the suggestion, one
 * suggested Missing cleared, all in the panel. */
static void
change_rating (JsonObject *view)
{
  JsonObject *suggested = json_object_get_object_member (view, "suggested");
  JsonObject *suggested_stars = json_object_get_object_member (suggested, "stars");
  JsonArray *suggested_missing = json_object_get_array_member (suggested, "missing");

  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), QUORUM_REVIEW_LAYER_CANDIDATE), ==, 2);
  g_assert_cmpuint (json_array_get_length (suggested_missing), >, 0);
  edits.review = quorum_window_get_task (window ());

  for (guint i = 0; i < G_N_ELEMENTS (edits.changed); i++)
    {
      const QuorumInstance *candidate = quorum_canvas_get_layer_instance (canvas (), QUORUM_REVIEW_LAYER_CANDIDATE, i);
      int suggestion = json_object_get_int_member (suggested_stars, candidate->id);

      /* The panel starts from the suggestion. */
      g_assert_cmpint (quorum_review_panel_get_stars (panel (), candidate->id), ==, suggestion);
      edits.changed[i] = g_intern_string (candidate->id);
      edits.stars[i] = suggestion == 5 ? 2 : 5 - (int) i;
      g_assert_cmpint (edits.stars[i], !=, suggestion);
      g_assert_true (quorum_canvas_select_layer_instance (canvas (), QUORUM_REVIEW_LAYER_CANDIDATE, candidate->id));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "review.rate", "i", edits.stars[i]));
      g_assert_cmpint (quorum_review_panel_get_stars (panel (), candidate->id), ==, edits.stars[i]);
    }
  /* On the server before the next click: the flag must go with its own
   * save, not with one the stars started. */
  g_assert_true (app_test_wait_until (rating_stored, NULL));

  edits.cleared = g_intern_string (json_array_get_string_element (suggested_missing, 0));
  g_assert_true (quorum_review_panel_get_missing (panel (), edits.cleared));
  g_assert_cmpstr (quorum_canvas_get_layer_note (canvas (), QUORUM_REVIEW_LAYER_GOLD, edits.cleared), ==, "Missing");
  g_assert_true (quorum_canvas_select_layer_instance (canvas (), QUORUM_REVIEW_LAYER_GOLD, edits.cleared));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "review.missing", NULL));
  g_assert_false (quorum_review_panel_get_missing (panel (), edits.cleared));
  g_assert_null (quorum_canvas_get_layer_note (canvas (), QUORUM_REVIEW_LAYER_GOLD, edits.cleared));
  g_assert_true (app_test_wait_until (rating_stored, (gpointer) edits.cleared));
}

static gboolean
no_task_open (gpointer data)
{
  return quorum_window_get_task (window ()) == 0;
}

static gboolean
results_shown (gpointer data)
{
  QuorumExamResults *results = find_window (QUORUM_TYPE_EXAM_RESULTS);

  return results != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (results),
                                                                                    QUORUM_TYPE_EXAM_RESULTS,
                                                                                    "stack"))),
                    "results") == 0;
}

static guint
row_of (QuorumExamResults *results,
        gint64             attempt)
{
  GListModel *rows = quorum_exam_results_get_attempts (results);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(QuorumAttemptItem) item = g_list_model_get_item (rows, i);

      if (quorum_attempt_item_get_id (item) == attempt)
        return i;
    }
  return G_MAXUINT;
}

static gboolean
server_says_passed (gpointer data)
{
  g_autoptr(JsonObject) entry = NULL;
  JsonNode *decision;

  app_test_iterate (50);
  entry = results_entry ();
  decision = json_object_get_member (entry, "decision");
  return !JSON_NODE_HOLDS_NULL (decision) && g_str_equal (json_node_get_string (decision), "pass");
}

static gboolean
table_says_passed (gpointer results)
{
  QuorumAttemptItem *item = quorum_exam_results_get_selected (results);

  return item != NULL && quorum_attempt_item_get_id (item) == server.attempt &&
         g_strcmp0 (quorum_attempt_item_get_decision (item), "pass") == 0;
}

static void
test_review_and_pass (void)
{
  g_autoptr(JsonObject) entry = NULL;
  JsonArray *tasks;
  QuorumExamResults *results;
  QuorumAttemptItem *item;
  gint64 previous = 0;

  sign_in (TRAINER);
  entry = results_entry ();
  g_assert_nonnull (entry);
  g_assert_false (json_object_get_boolean_member (entry, "reviewed"));
  tasks = json_object_get_array_member (entry, "tasks");
  g_assert_cmpuint (json_array_get_length (tasks), ==, N_FILES);
  edits.reviews = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  /* Next Task on the exam, four times: each of cat's reviews, accepted. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.next-task", "x", server.exam));
  for (guint n = 0; n < N_FILES; n++)
    {
      g_autoptr(JsonObject) view = NULL;
      gint64 task;
      gboolean ours = FALSE;

      g_assert_true (app_test_wait_until (exam_review_shown, &previous));
      task = quorum_window_get_task (window ());
      for (guint i = 0; i < json_array_get_length (tasks); i++)
        ours |= json_object_get_int_member (json_array_get_object_element (tasks, i), "review") == task;
      g_assert_true (ours);
      g_assert_false (g_hash_table_contains (edits.reviews, &task));
      g_hash_table_add (edits.reviews, g_memdup2 (&task, sizeof task));
      view = server_task (task);
      g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), QUORUM_REVIEW_LAYER_GOLD), ==,
                        json_array_get_length (json_object_get_array_member (view, "gold")));
      if (n == 0)
        change_rating (view);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "review.accept", NULL));
      previous = task;
    }
  /* Nothing more to review: the window opens no task. */
  g_assert_true (app_test_wait_until (no_task_open, NULL));
  app_test_iterate (300);
  g_assert_cmpint (quorum_window_get_task (window ()), ==, 0);

  g_clear_pointer (&entry, json_object_unref);
  entry = results_entry ();
  g_assert_true (json_object_get_boolean_member (entry, "reviewed"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (entry, "decision")));

  /* The Exam Results window: select cat's attempt, Pass (and confirm if
   * it misses the rule). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.exam-results", "x", server.exam));
  g_assert_true (app_test_wait_until (results_shown, NULL));
  results = find_window (QUORUM_TYPE_EXAM_RESULTS);
  g_assert_cmpuint (row_of (results, server.attempt), !=, G_MAXUINT);
  quorum_exam_results_select (results, row_of (results, server.attempt));
  app_test_iterate (50);
  item = quorum_exam_results_get_selected (results);
  g_assert_nonnull (item);
  g_assert_cmpint (quorum_attempt_item_get_id (item), ==, server.attempt);

  /* The table's figures, before anything changes. */
  table.average_cell = quorum_exam_results_format_cell (item, "average");
  table.missed_cell = quorum_exam_results_format_cell (item, "missed");
  table.gold_cell = quorum_exam_results_format_cell (item, "gold");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (results), "results.pass", NULL));
  if (!json_object_get_boolean_member (entry, "meets_pass_rule"))
    {
      g_assert_true (app_test_wait_until (dialog_shown, "Pass This Attempt?"));
      respond ("Pass This Attempt?", "decide");
    }
  g_assert_true (app_test_wait_until (server_says_passed, NULL));
  g_assert_true (app_test_wait_until (table_says_passed, results));
  gtk_window_destroy (GTK_WINDOW (results));
}

/* ---- 3. what the server keeps ---------------------------------------------------------- */

static void
test_stored_rating (void)
{
  g_autoptr(JsonObject) entry = results_entry ();
  JsonArray *tasks = json_object_get_array_member (entry, "tasks");
  gint64 missed = 0;
  guint changed_seen = 0;

  g_assert_cmpstr (json_node_get_string (json_object_get_member (entry, "decision")), ==, "pass");
  g_assert_cmpuint (json_array_get_length (tasks), ==, N_FILES);
  for (guint i = 0; i < N_FILES; i++)
    {
      JsonObject *result = json_array_get_object_element (tasks, i);
      gint64 review = json_object_get_int_member (result, "review");
      g_autoptr(JsonObject) view = server_task (review);
      JsonObject *rating = json_object_get_object_member (view, "rating");
      JsonObject *suggested = json_object_get_object_member (view, "suggested");
      JsonObject *stars = json_object_get_object_member (rating, "stars");
      JsonObject *suggested_stars = json_object_get_object_member (suggested, "stars");
      JsonArray *stored_missing = json_object_get_array_member (rating, "missing");
      JsonArray *suggested_missing = json_object_get_array_member (suggested, "missing");
      g_autoptr(GList) ids = json_object_get_members (suggested_stars);
      gboolean changed = review == edits.review;

      g_assert_true (g_hash_table_contains (edits.reviews, &review));
      g_assert_cmpstr (json_object_get_string_member (result, "review_state"), ==, "complete");

      /* Stars: the suggestion, but for the two tom changed. */
      g_assert_cmpuint (json_object_get_size (stars), ==, json_object_get_size (suggested_stars));
      for (GList *l = ids; l != NULL; l = l->next)
        {
          int expected = json_object_get_int_member (suggested_stars, l->data);

          for (guint c = 0; changed && c < G_N_ELEMENTS (edits.changed); c++)
            if (g_str_equal (l->data, edits.changed[c]))
              {
                expected = edits.stars[c];
                changed_seen++;
              }
          g_assert_true (json_object_has_member (stars, l->data));
          g_assert_cmpint (json_object_get_int_member (stars, l->data), ==, expected);
        }

      /* Missing: the suggestion, less the flag tom cleared. */
      g_assert_cmpuint (json_array_get_length (stored_missing), ==,
                        json_array_get_length (suggested_missing) - (changed ? 1 : 0));
      for (guint m = 0; m < json_array_get_length (suggested_missing); m++)
        {
          const char *id = json_array_get_string_element (suggested_missing, m);
          gboolean stored = FALSE;

          for (guint s = 0; s < json_array_get_length (stored_missing); s++)
            stored |= g_str_equal (json_array_get_string_element (stored_missing, s), id);
          g_assert_cmpint (stored, ==, !(changed && g_str_equal (id, edits.cleared)));
        }
      g_assert_cmpint (json_object_get_int_member (result, "missed"), ==, json_array_get_length (stored_missing));
      missed += json_array_get_length (stored_missing);
    }
  g_assert_cmpuint (changed_seen, ==, G_N_ELEMENTS (edits.changed));
  g_assert_cmpint (json_object_get_int_member (entry, "missed"), ==, missed);

  /* The figures tom's table showed are the server's. */
  /* Rated instances: a number, not "not rated". */
  g_assert_true (json_node_get_value_type (json_object_get_member (entry, "average_stars")) == G_TYPE_DOUBLE);
  table.average = json_object_get_double_member (entry, "average_stars");
  {
    g_autofree char *average = g_strdup_printf ("%.1f", table.average);
    g_autofree char *missed_text = g_strdup_printf ("%" G_GINT64_FORMAT, missed);
    g_autofree char *gold = g_strdup_printf ("%.2f", json_object_get_double_member (entry, "gold_score"));

    g_assert_cmpstr (table.average_cell, ==, average);
    g_assert_cmpstr (table.missed_cell, ==, missed_text);
    g_assert_cmpstr (table.gold_cell, ==, gold);
  }
  /* The boxes drawn on gold cars count. */
  g_assert_cmpuint (n_gold_cars, >, 0);  /* four street scenes without a car: the demo changed */
  g_assert_cmpfloat (json_object_get_double_member (entry, "gold_score"), >, 0);
  g_test_message ("%u of %u files had a gold car to draw on", n_gold_cars, N_FILES);
  g_test_message ("attempt %" G_GINT64_FORMAT ": average %.3f stars, %" G_GINT64_FORMAT " missed, gold score %.3f",
                  server.attempt, table.average, missed, json_object_get_double_member (entry, "gold_score"));
}

/* ---- 4. cat sees the pass ------------------------------------------------------------ */

static gboolean
result_loaded (gpointer result)
{
  return quorum_exam_result_is_loaded (result);
}

static gboolean
credentials_loaded (gpointer data)
{
  QuorumCredentialsWindow *credentials = quorum_window_get_credentials_window (window ());

  return credentials != NULL && quorum_credentials_window_is_loaded (credentials);
}

static void
test_taker_sees_pass (void)
{
  QuorumExamCatalogue *catalogue;
  QuorumExamResult *result;
  QuorumCredentialsWindow *credentials;
  gboolean found = FALSE;
  gint64 task;

  sign_in (TAKER);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.exams", NULL));
  g_assert_true (app_test_wait_until (catalogue_loaded, NULL));
  g_assert_true (app_test_wait_until (attempt_state_is, "Passed"));
  catalogue = quorum_window_get_exam_catalogue (window ());

  /* The result window: the table's figures. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (catalogue), "exams.show-result", "x", server.attempt));
  result = QUORUM_EXAM_RESULT (quorum_exam_catalogue_show_result (catalogue, server.attempt));
  g_assert_cmpint (quorum_exam_result_get_attempt (result), ==, server.attempt);
  g_assert_true (app_test_wait_until (result_loaded, result));
  g_assert_cmpstr (quorum_exam_result_get_decision_text (result), ==, "Passed");
  {
    /* The table rounds the average to one decimal, the result window to two. */
    g_autofree char *one_decimal = g_strdup_printf ("%.1f", g_ascii_strtod (quorum_exam_result_get_average_text (result),
                                                                            NULL));
    g_autofree char *two_decimals = g_strdup_printf ("%.2f", table.average);

    g_assert_cmpstr (quorum_exam_result_get_average_text (result), ==, two_decimals);
    g_assert_cmpstr (one_decimal, ==, table.average_cell);
  }
  g_assert_cmpstr (quorum_exam_result_get_missed_text (result), ==, table.missed_cell);
  g_assert_cmpstr (quorum_exam_result_get_gold_score_text (result), ==, table.gold_cell);
  g_assert_cmpuint (quorum_exam_result_get_n_tasks (result), ==, N_FILES);
  gtk_window_destroy (GTK_WINDOW (result));

  /* My Credentials. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.credentials", NULL));
  g_assert_true (app_test_wait_until (credentials_loaded, NULL));
  credentials = quorum_window_get_credentials_window (window ());
  for (guint i = 0; i < quorum_credentials_window_get_n_credentials (credentials); i++)
    found |= g_str_equal (quorum_credentials_window_get_title (credentials, i), CREDENTIAL);
  g_assert_true (found);
  gtk_window_destroy (GTK_WINDOW (credentials));

  /* The certified job is in the list and now gives cat a task. */
  g_assert_nonnull (quorum_task_list_find_job (app_test_child (window (), "tasks"), server.certified));
  wanted_job = server.certified;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.next-task", "x", server.certified));
  g_assert_true (app_test_wait_until (task_of_job_shown, NULL));
  g_assert_null (app_test_find_dialog ("A Credential Is Required"));
  task = quorum_window_get_task (window ());
  {
    g_autoptr(JsonObject) view = server_task (task);

    g_assert_cmpstr (json_object_get_string_member (view, "kind"), ==, "draw");
    g_assert_cmpint (json_object_get_int_member (view, "assignee"), ==,
                     app_test_demo_user_id (server.demo, TAKER));
  }
  g_assert_nonnull (quorum_task_list_find_task (app_test_child (window (), "tasks"), task));
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

  app_test_server_make_home (&server.real, "quorum-exam-loop-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server_start ();

  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/exam-loop/take", test_take);
  g_test_add_func ("/exam-loop/review-and-pass", test_review_and_pass);
  g_test_add_func ("/exam-loop/stored-rating", test_stored_rating);
  g_test_add_func ("/exam-loop/taker-sees-pass", test_taker_sees_pass);
  status = g_test_run ();

  g_clear_pointer (&edits.reviews, g_hash_table_destroy);
  g_free (table.average_cell);
  g_free (table.missed_cell);
  g_free (table.gold_cell);
  g_clear_object (&server.tom);
  g_clear_object (&server.taker);
  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
