/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "quorum-application.h"
#include "quorum-canvas-private.h"
#include "quorum-error.h"
#include "quorum-review-panel.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * The review screens against a real quorum-server filled by `quorumctl demo`:
 * a review (Accept, Reject with comments), a consensus task (one legend row
 * per pass, Mark as Best, Copy Instance) and an exam review (gold instances,
 * Missing, stars saved on the server). The tests run in order and share one
 * server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;       /* quorumctl demo --json */
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
user_id (const char *user)
{
  return app_test_demo_user_id (server.demo, user);
}

static gint64
job_id (const char *prefix)
{
  return app_test_demo_job_id (server.demo, prefix);
}

static JsonObject *
server_task (gint64 task_id)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);
  g_autoptr(JsonNode) task = app_test_call (server.real.admin, "GET", path, NULL);

  return json_object_ref (json_node_get_object (task));
}

static const char *
server_state (gint64 task_id)
{
  g_autoptr(JsonObject) task = server_task (task_id);

  return g_intern_string (json_object_get_string_member (task, "state"));
}

/* The first task of @job of @kind in @state (and of @file_name when given),
 * given to @user by the administrator. */
static gint64
assign_task (gint64      job,
             const char *kind,
             const char *state,
             const char *file_name,
             const char *user)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/tasks", job);
  g_autoptr(JsonNode) tasks = app_test_call (server.real.admin, "GET", path, NULL);
  JsonArray *array = json_node_get_array (tasks);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *task = json_array_get_object_element (array, i);
      gint64 id = json_object_get_int_member (task, "id");
      g_autofree char *assign = NULL;
      g_autofree char *body = NULL;

      if (!g_str_equal (json_object_get_string_member (task, "kind"), kind) ||
          !g_str_equal (json_object_get_string_member (task, "state"), state) ||
          (file_name != NULL && !g_str_equal (json_object_get_string_member (task, "file_name"), file_name)))
        continue;
      assign = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/assign", id);
      body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", user_id (user));
      json_node_unref (app_test_call (server.real.admin, "POST", assign, body));
      return id;
    }
  g_error ("job %" G_GINT64_FORMAT " has no %s %s task", job, state, kind);
  return 0;
}

/* ---- driving the window -------------------------------------------------------- */

/* Polls the server between turns of the main loop. */
static gboolean
wait_for_server (gboolean (*condition) (gpointer),
                 gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      app_test_iterate (50);
    }
  return TRUE;
}

static QuorumReviewPanel *
panel (void)
{
  return app_test_child (server.real.window, "review_panel");
}

static QuorumCanvas *
canvas (void)
{
  return app_test_child (server.real.window, "canvas");
}

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

/* The task is open on the canvas with its review controls. */
static gboolean
review_open (gpointer data)
{
  gint64 task = *(gint64 *) data;

  return quorum_window_get_task (server.real.window) == task &&
         g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (server.real.window, "canvas_stack")), "canvas") == 0 &&
         quorum_review_panel_get_task (panel ()) == task;
}

static void
sign_in (const char *user)
{
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), user);
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"), password_of (user));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, server.real.window));
}

static void
open_task (gint64 task)
{
  quorum_window_open_task (server.real.window, task);
  if (!app_test_wait_until (review_open, &task))
    g_error ("task %" G_GINT64_FORMAT " did not open: window task %" G_GINT64_FORMAT ", page %s (%s), panel task %"
             G_GINT64_FORMAT, task, quorum_window_get_task (server.real.window),
             gtk_stack_get_visible_child_name (app_test_child (server.real.window, "canvas_stack")),
             adw_status_page_get_description (app_test_child (server.real.window, "canvas_error_page")),
             quorum_review_panel_get_task (panel ()));
}

/* ---- the tests ------------------------------------------------------------------- */

static gint64 accepted_review;

static gboolean
review_completed (gpointer data)
{
  return g_str_equal (server_state (accepted_review), "complete");
}

static gboolean
moved_on (gpointer data)
{
  return quorum_window_get_task (server.real.window) != 0 && quorum_window_get_task (server.real.window) != accepted_review &&
         g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (server.real.window, "canvas_stack")), "canvas") == 0;
}

static void
test_accept (void)
{
  gint64 job = job_id ("Street scenes — contractors");
  g_autoptr(JsonObject) view = NULL;
  g_autoptr(JsonObject) draw = NULL;
  guint n_draw;

  sign_in ("rita");
  accepted_review = assign_task (job, "review", "available", NULL, "rita");
  open_task (accepted_review);
  view = server_task (accepted_review);
  n_draw = json_array_get_length (json_object_get_array_member (json_object_get_object_member (view, "draw"),
                                                                 "instances"));
  g_assert_cmpuint (n_draw, >, 0);

  /* The draw's instances, read-only, and Accept and Reject instead of Submit. */
  g_assert_cmpint (quorum_review_panel_get_kind (panel ()), ==, QUORUM_REVIEW_DRAW);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), QUORUM_REVIEW_LAYER_DRAW), ==, n_draw);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 0);
  g_assert_false (quorum_canvas_get_editable (canvas ()));
  g_assert_false (gtk_widget_get_visible (app_test_child (server.real.window, "submit_button")));
  g_assert_true (gtk_widget_get_visible (app_test_child (server.real.window, "decision_bar")));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (app_test_child (server.real.window, "side_stack")), ==, "review");
  g_assert_false (gtk_widget_get_visible (app_test_child (server.real.window, "tool_box")));

  /* A click on an instance selects it, and nothing can move it. */
  {
    const QuorumInstance *first = quorum_canvas_get_layer_instance (canvas (), QUORUM_REVIEW_LAYER_DRAW, 0);
    g_autoptr(QuorumInstance) before = quorum_instance_copy (first);
    QuorumRect bounds;
    double x, y;

    quorum_instance_bounds (first, &bounds);
    quorum_canvas_image_to_widget (canvas (), (bounds.x0 + bounds.x1) / 2, (bounds.y0 + bounds.y1) / 2, &x, &y);
    if (first->kind == QUORUM_KIND_POLYLINE || first->kind == QUORUM_KIND_POINT)
      quorum_canvas_image_to_widget (canvas (), first->points[0].x, first->points[0].y, &x, &y);
    g_assert_false (_quorum_canvas_drag_begin (canvas (), GDK_BUTTON_PRIMARY, 0, x, y));
    g_assert_nonnull (quorum_canvas_get_selected_layer_instance (canvas (), NULL));
    _quorum_canvas_drag_update (canvas (), x + 30, y + 30);
    _quorum_canvas_drag_end (canvas (), x + 30, y + 30);
    g_assert_cmpfloat (quorum_canvas_get_layer_instance (canvas (), QUORUM_REVIEW_LAYER_DRAW, 0)->points[0].x, ==,
                       before->points[0].x);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.accept", NULL));
  g_assert_true (wait_for_server (review_completed, NULL));
  g_clear_pointer (&view, json_object_unref);
  view = server_task (accepted_review);
  draw = server_task (json_object_get_int_member (view, "reviews"));
  g_assert_cmpstr (json_object_get_string_member (draw, "state"), ==, "accepted");

  /* The job's next task opens: rita, a reviewer, may draw, and a draw task
   * is drawn as ever, with Submit. */
  g_assert_true (app_test_wait_until (moved_on, NULL));
  g_clear_pointer (&view, json_object_unref);
  view = server_task (quorum_window_get_task (server.real.window));
  g_assert_cmpint (json_object_get_int_member (view, "job"), ==, job);
  g_assert_cmpstr (json_object_get_string_member (view, "kind"), ==, "draw");
  g_assert_cmpint (quorum_review_panel_get_kind (panel ()), ==, QUORUM_REVIEW_NONE);
  g_assert_true (gtk_widget_get_visible (app_test_child (server.real.window, "submit_button")));
  g_assert_false (gtk_widget_get_visible (app_test_child (server.real.window, "decision_bar")));
  g_assert_true (quorum_canvas_get_editable (canvas ()));
  g_assert_cmpuint (quorum_canvas_get_n_layers (canvas ()), ==, 0);
}

static gint64 rejected_review;

static gboolean
draw_rejected (gpointer data)
{
  g_autoptr(JsonObject) review = server_task (rejected_review);
  g_autoptr(JsonObject) draw = server_task (json_object_get_int_member (review, "reviews"));

  return g_str_equal (json_object_get_string_member (draw, "state"), "rejected");
}

static void
test_reject (void)
{
  gint64 job = job_id ("Street scenes — consensus");
  g_autoptr(JsonObject) review = NULL;
  g_autoptr(JsonObject) draw = NULL;
  g_autofree char *pinned_id = NULL;
  GtkTextBuffer *comments;
  GtkWidget *dialog;

  rejected_review = assign_task (job, "review", "available", "street-04.png", "rita");
  open_task (rejected_review);

  /* Empty comments: the dialog refuses, and nothing reaches the server. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.reject", NULL));
  dialog = app_test_find_dialog ("Reject the Work?");
  g_assert_nonnull (dialog);
  comments = g_object_get_data (G_OBJECT (dialog), "comments");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "reject"));
  gtk_text_buffer_set_text (comments, "   \n ", -1);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "reject"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "reject");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_test_iterate (300);
  review = server_task (rejected_review);
  draw = server_task (json_object_get_int_member (review, "reviews"));
  g_assert_cmpstr (json_object_get_string_member (draw, "state"), ==, "submitted");
  g_assert_cmpint (quorum_window_get_task (server.real.window), ==, rejected_review);

  /* A comment pinned to one of the draw's instances goes with the decision. */
  pinned_id = g_strdup (quorum_canvas_get_layer_instance (canvas (), QUORUM_REVIEW_LAYER_DRAW, 0)->id);
  g_assert_true (quorum_canvas_select_layer_instance (canvas (), QUORUM_REVIEW_LAYER_DRAW, pinned_id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.pin-comment", NULL));
  dialog = app_test_find_dialog ("Comment on This Instance");
  g_assert_nonnull (dialog);
  comments = g_object_get_data (G_OBJECT (dialog), "comments");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  gtk_text_buffer_set_text (comments, "Too loose: hug the edges.", -1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (quorum_review_panel_get_n_comments (panel ()), ==, 1);

  /* With comments: the draw goes back to its annotator with them. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.reject", NULL));
  dialog = app_test_find_dialog ("Reject the Work?");
  g_assert_nonnull (dialog);
  comments = g_object_get_data (G_OBJECT (dialog), "comments");
  gtk_text_buffer_set_text (comments, "The truck on the left is missing.", -1);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "reject"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "reject");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (wait_for_server (draw_rejected, NULL));
  g_clear_pointer (&draw, json_object_unref);
  draw = server_task (json_object_get_int_member (review, "reviews"));
  g_assert_cmpstr (json_object_get_string_member (draw, "comments"), ==, "The truck on the left is missing.");

  /* The annotator's returned task lists the comment, with one pinned to an
   * instance beside it; choosing that one selects the instance. (A panel of
   * its own, as the annotator's window would have it.) */
  {
    QuorumReviewPanel *theirs = g_object_ref_sink (g_object_new (QUORUM_TYPE_REVIEW_PANEL, NULL));
    QuorumCanvas *their_canvas = QUORUM_CANVAS (g_object_ref_sink (quorum_canvas_new ()));
    JsonArray *listed = json_object_get_array_member (draw, "review_comments");
    g_autoptr(GPtrArray) instances = quorum_wire_read_instances (json_object_get_member (draw, "instances"), NULL,
                                                                 "instances", NULL);
    JsonObject *pinned = json_object_new ();
    JsonObject *pin = json_object_new ();
    const QuorumInstance *target;

    /* The server holds both, the second pinned where the reviewer put it. */
    g_assert_cmpuint (json_array_get_length (listed), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (listed, 0), "text"), ==,
                     "The truck on the left is missing.");
    g_assert_true (json_object_get_null_member (json_array_get_object_element (listed, 0), "pin"));
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (listed, 1), "text"), ==,
                     "Too loose: hug the edges.");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (listed,
                                                                                                                  1),
                                                                                   "pin"), "instance"), ==, pinned_id);
    json_array_remove_element (listed, 1);
    g_assert_nonnull (instances);
    g_assert_cmpuint (instances->len, >=, 2);
    target = g_ptr_array_index (instances, 1);
    json_object_set_string_member (pin, "instance", target->id);
    json_object_set_int_member (pinned, "round", 1);
    json_object_set_string_member (pinned, "decision", "reject");
    json_object_set_string_member (pinned, "text", "This box is too loose.");
    json_object_set_object_member (pinned, "pin", pin);
    json_object_set_string_member (pinned, "author_name", "rita");
    json_array_add_object_element (listed, pinned);

    quorum_canvas_set_instances (their_canvas, instances);
    quorum_review_panel_bind_canvas (theirs, their_canvas);
    quorum_review_panel_set_task (theirs, quorum_window_get_session (server.real.window), draw);
    g_assert_cmpint (quorum_review_panel_get_kind (theirs), ==, QUORUM_REVIEW_NONE);
    g_assert_cmpuint (quorum_review_panel_get_n_comments (theirs), ==, 2);
    g_assert_cmpint (quorum_canvas_get_selected (their_canvas), ==, -1);
    quorum_review_panel_choose_comment (theirs, 0);
    g_assert_cmpint (quorum_canvas_get_selected (their_canvas), ==, -1);
    quorum_review_panel_choose_comment (theirs, 1);
    g_assert_cmpint (quorum_canvas_get_selected (their_canvas), ==, 1);
    quorum_review_panel_bind_canvas (theirs, NULL);
    g_object_unref (theirs);
    g_object_unref (their_canvas);
  }

  /* And rita's next task of the job opens. */
  accepted_review = rejected_review;
  g_assert_true (app_test_wait_until (moved_on, NULL));
}

static struct {
  gint64      task;
  gint64      pass;
  GHashTable *pass_ids;   /* the instance ids of that pass */
  const char *copied;     /* an instance copied alone */
} consensus;

static gboolean
output_is_pass (gpointer data)
{
  g_autoptr(JsonObject) task = server_task (consensus.task);
  JsonArray *instances = json_object_get_array_member (task, "instances");
  JsonObject *scores = json_object_get_object_member (task, "scores");

  if (json_object_get_int_member (scores, "best") != consensus.pass ||
      json_array_get_length (instances) != g_hash_table_size (consensus.pass_ids))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (instances); i++)
    {
      JsonObject *instance = json_array_get_object_element (instances, i);

      if (json_object_get_null_member (instance, "copied_from") ||
          !g_hash_table_contains (consensus.pass_ids, json_object_get_string_member (instance, "copied_from")))
        return FALSE;
    }
  return TRUE;
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

static gboolean
undo_ready (gpointer data)
{
  return quorum_review_panel_can_undo (panel ());
}

static gboolean
instance_copied (gpointer data)
{
  g_autoptr(JsonObject) task = server_task (consensus.task);
  JsonArray *instances = json_object_get_array_member (task, "instances");
  guint n = json_array_get_length (instances);
  JsonObject *last = n > 0 ? json_array_get_object_element (instances, n - 1) : NULL;

  return n == g_hash_table_size (consensus.pass_ids) + 1 &&
         g_strcmp0 (json_object_get_string_member_with_default (last, "copied_from", ""), consensus.copied) == 0;
}

static void
test_consensus (void)
{
  gint64 job = job_id ("Street scenes — consensus");
  g_autoptr(JsonObject) view = NULL;
  JsonArray *passes;
  JsonObject *scores;
  gint64 best;
  g_autofree char *layer = NULL;
  const QuorumInstance *instance;

  /* Rita's next task of the job is one of the consensus tasks open to her;
   * else she gets one by hand. */
  if (quorum_review_panel_get_kind (panel ()) == QUORUM_REVIEW_CONSENSUS)
    consensus.task = quorum_window_get_task (server.real.window);
  else
    {
      consensus.task = assign_task (job, "consensus", "available", NULL, "rita");
      open_task (consensus.task);
    }
  view = server_task (consensus.task);
  passes = json_object_get_array_member (view, "passes");
  scores = json_object_get_object_member (view, "scores");
  best = json_object_get_int_member (scores, "best");
  g_assert_cmpuint (json_array_get_length (passes), ==, 3);

  /* A legend row per pass with its annotator and score, then the ground
   * truth; each pass a layer of its own; the output editable. */
  g_assert_cmpint (quorum_review_panel_get_kind (panel ()), ==, QUORUM_REVIEW_CONSENSUS);
  g_assert_cmpuint (quorum_review_panel_get_n_sets (panel ()), ==, json_array_get_length (passes) + 1);
  g_assert_cmpuint (quorum_canvas_get_n_layers (canvas ()), ==, json_array_get_length (passes));
  g_assert_true (quorum_canvas_get_editable (canvas ()));
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==,
                    json_array_get_length (json_object_get_array_member (view, "instances")));
  for (guint i = 0; i < json_array_get_length (passes); i++)
    {
      JsonObject *pass = json_array_get_object_element (passes, i);
      JsonObject *annotator = json_array_get_object_element (json_object_get_array_member (scores, "annotators"), i);
      g_autofree char *description = quorum_review_panel_describe_set (panel (), i);
      g_autofree char *score = g_strdup_printf ("Score %.2f", json_object_get_double_member (annotator, "score"));
      g_autofree char *pass_layer = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (pass, "id"));

      g_assert_cmpint (json_object_get_int_member (annotator, "task"), ==, json_object_get_int_member (pass, "id"));
      g_assert_true (g_str_has_prefix (description, json_object_get_string_member (pass, "annotator")));
      g_assert_nonnull (strstr (description, score));
      g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), pass_layer), ==,
                        json_array_get_length (json_object_get_array_member (pass, "instances")));
      /* "Best" on the best annotator's row only: this is a Best Annotator job. */
      g_assert_cmpstr (json_object_get_string_member (view, "consensus"), ==, "best_annotator");
      g_assert_cmpint (g_str_has_suffix (description, " · Best"), ==, json_object_get_int_member (pass, "id") == best);
    }

  /* Each annotator keeps their colour whatever the order of the file's
   * passes (another file of the job lists them otherwise), in this window
   * and in another panel; a Manual Merge job shows no "Best". */
  {
    g_autoptr(GHashTable) colors = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    g_autoptr(JsonObject) other = json_object_new ();
    g_autoptr(GList) members = json_object_get_members (view);
    g_autoptr(JsonArray) reversed = json_array_new ();
    guint n = json_array_get_length (passes);

    for (guint i = 0; i < n; i++)
      {
        const char *color = quorum_review_panel_get_set_color (panel (), i);

        g_assert_nonnull (color);
        for (guint j = 0; j < i; j++)
          g_assert_cmpstr (quorum_review_panel_get_set_color (panel (), j), !=, color);
        g_hash_table_insert (colors, GINT_TO_POINTER (json_object_get_int_member (json_array_get_object_element (passes, i),
                                                                                  "assignee")),
                             g_strdup (color));
      }
    for (GList *member = members; member != NULL; member = member->next)
      json_object_set_member (other, member->data, json_node_copy (json_object_get_member (view, member->data)));
    for (guint i = n; i > 0; i--)
      json_array_add_element (reversed, json_node_copy (json_array_get_element (passes, i - 1)));
    json_object_set_array_member (other, "passes", json_array_ref (reversed));
    json_object_set_string_member (other, "consensus", "manual_merge");
    /* A panel of its own each time, which has seen no pass of the job yet:
     * the colour comes from the annotator, not from what came first. */
    for (int round = 0; round < 2; round++)
      {
        QuorumReviewPanel *second = g_object_ref_sink (g_object_new (QUORUM_TYPE_REVIEW_PANEL, NULL));
        GtkWidget *second_canvas = g_object_ref_sink (quorum_canvas_new ());

        quorum_review_panel_bind_canvas (second, QUORUM_CANVAS (second_canvas));
        quorum_review_panel_set_task (second, quorum_window_get_session (server.real.window), round == 0 ? view : other);
        for (guint i = 0; i < n; i++)
          {
            JsonObject *pass = json_array_get_object_element (round == 0 ? passes : reversed, i);
            g_autofree char *description = quorum_review_panel_describe_set (second, i);

            g_assert_cmpstr (quorum_review_panel_get_set_color (second, i), ==,
                             g_hash_table_lookup (colors, GINT_TO_POINTER (json_object_get_int_member (pass, "assignee"))));
            if (round == 1)
              g_assert_false (g_str_has_suffix (description, " · Best"));
          }
        quorum_review_panel_bind_canvas (second, NULL);
        g_object_unref (second);
        g_object_unref (second_canvas);
      }
  }

  /* Mark as Best on another pass: the output becomes a copy of its set. */
  consensus.pass_ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (passes) && consensus.pass == 0; i++)
    {
      JsonObject *pass = json_array_get_object_element (passes, i);
      JsonArray *instances = json_object_get_array_member (pass, "instances");

      if (json_object_get_int_member (pass, "id") == best)
        continue;
      consensus.pass = json_object_get_int_member (pass, "id");
      for (guint j = 0; j < json_array_get_length (instances); j++)
        g_hash_table_add (consensus.pass_ids,
                          (gpointer) json_object_get_string_member (json_array_get_object_element (instances, j), "id"));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.mark-best", "x", consensus.pass));
  g_assert_true (wait_for_server (output_is_pass, NULL));
  app_test_iterate (200);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, g_hash_table_size (consensus.pass_ids));
  {
    g_autofree char *description = NULL;

    for (guint i = 0; i < json_array_get_length (passes); i++)
      if (json_object_get_int_member (json_array_get_object_element (passes, i), "id") == consensus.pass)
        description = quorum_review_panel_describe_set (panel (), i);
    g_assert_nonnull (description);
  }

  /* Copy Instance: one instance of another pass, selected on the canvas. */
  layer = g_strdup_printf ("%" G_GINT64_FORMAT, best);
  instance = quorum_canvas_get_layer_instance (canvas (), layer, 0);
  consensus.copied = g_intern_string (instance->id);
  g_assert_true (quorum_canvas_select_layer_instance (canvas (), layer, instance->id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.copy-instance", NULL));
  g_assert_true (wait_for_server (instance_copied, NULL));
  app_test_iterate (200);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, g_hash_table_size (consensus.pass_ids) + 1);

  /* The reply's version is the cache's: an edit after it syncs cleanly. */
  {
    QuorumSession *session = quorum_window_get_session (server.real.window);

    g_assert_cmpint (quorum_cache_get_server_version (quorum_session_get_cache (session), consensus.task), ==,
                     json_object_get_int_member (view, "version") + 2);
  }

  /* Copy to Ground Truth over a ground truth that holds instances asks;
   * Replace leaves the pass's set there once, in one step that Ctrl+Z
   * takes back. */
  g_assert_null (app_test_find_dialog ("Add or Replace?"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.copy-set", "x", consensus.pass));
  g_assert_true (app_test_wait_until (dialog_shown, "Add or Replace?"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (app_test_find_dialog ("Add or Replace?")), "replace");
  g_assert_true (wait_for_server (output_is_pass, NULL));
  g_assert_true (app_test_wait_until (undo_ready, NULL));
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, g_hash_table_size (consensus.pass_ids));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.undo", NULL));
  g_assert_true (wait_for_server (instance_copied, NULL));
  app_test_iterate (200);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, g_hash_table_size (consensus.pass_ids) + 1);
  /* Mark as Best and Copy Instance above are still there to undo. */
  g_assert_true (app_test_wait_until (undo_ready, NULL));

  /* Mark as Best over a ground truth the reviewer edited asks first;
   * Cancel keeps it. */
  {
    double x0, y0, x1, y1;
    guint n = quorum_canvas_get_n_instances (canvas ());

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.tool", "s", "box"));
    quorum_canvas_image_to_widget (canvas (), 5, 5, &x0, &y0);
    quorum_canvas_image_to_widget (canvas (), 25, 20, &x1, &y1);
    g_assert_true (_quorum_canvas_drag_begin (canvas (), GDK_BUTTON_PRIMARY, 0, x0, y0));
    _quorum_canvas_drag_update (canvas (), x1, y1);
    _quorum_canvas_drag_end (canvas (), x1, y1);
    g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, n + 1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.mark-best", "x", consensus.pass));
    g_assert_true (app_test_wait_until (dialog_shown, "Replace Your Edited Ground Truth?"));
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (app_test_find_dialog ("Replace Your Edited Ground Truth?")),
                                 "cancel");
    app_test_iterate (300);
    g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, n + 1);
    /* The hand edit comes off first with Ctrl+Z. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.undo", NULL));
    g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, n);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.tool", "s", "select"));
  }
  g_clear_pointer (&consensus.pass_ids, g_hash_table_unref);
}

static struct {
  gint64      task;
  const char *candidate;
} exam;

static gboolean
stars_saved (gpointer data)
{
  g_autoptr(JsonObject) task = server_task (exam.task);
  JsonNode *rating = json_object_get_member (task, "rating");
  JsonObject *stars;

  if (rating == NULL || !JSON_NODE_HOLDS_OBJECT (rating))
    return FALSE;
  stars = json_object_get_object_member (json_node_get_object (rating), "stars");
  return json_object_has_member (stars, exam.candidate) && json_object_get_int_member (stars, exam.candidate) == 2;
}

static const char *flagged_gold;

static gboolean
missing_saved (gpointer data)
{
  g_autoptr(JsonObject) task = server_task (exam.task);
  JsonArray *missing = json_object_get_array_member (json_object_get_object_member (task, "rating"), "missing");

  for (guint i = 0; i < json_array_get_length (missing); i++)
    if (g_str_equal (json_array_get_string_element (missing, i), flagged_gold))
      return TRUE;
  return FALSE;
}

static gboolean
exam_review_open (gpointer data)
{
  return quorum_review_panel_get_kind (panel ()) == QUORUM_REVIEW_EXAM &&
         g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (server.real.window, "canvas_stack")), "canvas") == 0;
}

static void
test_exam (void)
{
  gint64 job = job_id ("Street-scene basics");
  g_autoptr(JsonObject) view = NULL;
  JsonArray *gold;
  JsonArray *missing;
  const QuorumInstance *candidate;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-out", NULL));
  g_assert_true (app_test_wait_until (start_shown, server.real.window));
  sign_in ("tom");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.next-task", "x", job));
  g_assert_true (app_test_wait_until (exam_review_open, NULL));
  exam.task = quorum_window_get_task (server.real.window);
  view = server_task (exam.task);
  gold = json_object_get_array_member (view, "gold");
  missing = json_object_get_array_member (json_object_get_object_member (view, "suggested"), "missing");

  /* The candidate's instances and the gold ones, "Missing" on those the
   * suggestion flags. */
  g_assert_cmpuint (json_array_get_length (gold), >, 0);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), QUORUM_REVIEW_LAYER_GOLD), ==,
                    json_array_get_length (gold));
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), QUORUM_REVIEW_LAYER_CANDIDATE), ==,
                    json_array_get_length (json_object_get_array_member (json_object_get_object_member (view, "draw"),
                                                                         "instances")));
  g_assert_false (quorum_canvas_get_editable (canvas ()));
  for (guint i = 0; i < json_array_get_length (gold); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (gold, i), "id");
      gboolean flagged = FALSE;

      for (guint j = 0; j < json_array_get_length (missing); j++)
        flagged |= g_str_equal (json_array_get_string_element (missing, j), id);
      g_assert_cmpstr (quorum_canvas_get_layer_note (canvas (), QUORUM_REVIEW_LAYER_GOLD, id), ==,
                       flagged ? "Missing" : NULL);
      g_assert_cmpint (quorum_review_panel_get_missing (panel (), id), ==, flagged);
    }

  /* Two stars for a candidate instance: on the server. */
  candidate = quorum_canvas_get_layer_instance (canvas (), QUORUM_REVIEW_LAYER_CANDIDATE, 0);
  exam.candidate = g_intern_string (candidate->id);
  g_assert_true (quorum_canvas_select_layer_instance (canvas (), QUORUM_REVIEW_LAYER_CANDIDATE, candidate->id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.rate", "i", 2));
  g_assert_cmpint (quorum_review_panel_get_stars (panel (), exam.candidate), ==, 2);
  g_assert_true (wait_for_server (stars_saved, NULL));

  /* Missing on a gold instance the suggestion did not flag. */
  for (guint i = 0; i < json_array_get_length (gold) && flagged_gold == NULL; i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (gold, i), "id");

      if (!quorum_review_panel_get_missing (panel (), id))
        flagged_gold = g_intern_string (id);
    }
  g_assert_nonnull (flagged_gold);
  g_assert_true (quorum_canvas_select_layer_instance (canvas (), QUORUM_REVIEW_LAYER_GOLD, flagged_gold));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.missing", NULL));
  g_assert_cmpstr (quorum_canvas_get_layer_note (canvas (), QUORUM_REVIEW_LAYER_GOLD, flagged_gold), ==, "Missing");
  g_assert_true (wait_for_server (missing_saved, NULL));

  /* Focus: only the selected instance is drawn. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "review.focus", NULL));
  g_assert_true (quorum_canvas_get_focus_selected (canvas ()));
}

static GPtrArray *
one_box (const char *id,
         double      x0,
         double      y0,
         double      x1,
         double      y1)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  QuorumInstance *box = quorum_instance_new (id, "car", QUORUM_KIND_BOX);
  QuorumPoint corners[2] = { { x0, y0 }, { x1, y1 } };

  quorum_instance_set_points (box, corners, 2);
  g_ptr_array_add (instances, box);
  return instances;
}

/* The canvas's layers alone: which instance a click selects, hiding a
 * layer, notes, and a read-only canvas that keeps every instance as it is. */
static void
test_canvas_layers (void)
{
  GtkWidget *window = gtk_window_new ();
  QuorumCanvas *layered = QUORUM_CANVAS (quorum_canvas_new ());
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 100, 100);
  g_autoptr(GdkTexture) image = NULL;
  g_autoptr(GPtrArray) own = one_box ("own", 10, 10, 40, 40);
  g_autoptr(GPtrArray) lower = one_box ("lower", 20, 20, 60, 60);
  g_autoptr(GPtrArray) upper = one_box ("upper", 50, 50, 90, 90);
  GdkRGBA gold = { 0.83, 0.63, 0.09, 1 };
  const char *layer = NULL;
  double x, y;

  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  image = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (layered));
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 200);
  gtk_window_present (GTK_WINDOW (window));
  quorum_canvas_set_image (layered, image);
  quorum_canvas_set_instances (layered, own);
  quorum_canvas_set_layer (layered, "lower", lower, NULL);
  quorum_canvas_set_layer (layered, "upper", upper, &gold);
  app_test_iterate (100);
  g_assert_cmpuint (quorum_canvas_get_n_layers (layered), ==, 2);

  /* Own instances first, then the topmost layer. */
  quorum_canvas_image_to_widget (layered, 30, 30, &x, &y);
  _quorum_canvas_drag_begin (layered, GDK_BUTTON_PRIMARY, 0, x, y);
  _quorum_canvas_drag_end (layered, x, y);
  g_assert_cmpint (quorum_canvas_get_selected (layered), ==, 0);
  quorum_canvas_image_to_widget (layered, 55, 55, &x, &y);
  g_assert_false (_quorum_canvas_drag_begin (layered, GDK_BUTTON_PRIMARY, 0, x, y));
  g_assert_cmpint (quorum_canvas_get_selected (layered), ==, -1);
  g_assert_cmpstr (quorum_canvas_get_selected_layer_instance (layered, &layer)->id, ==, "upper");
  g_assert_cmpstr (layer, ==, "upper");

  /* A hidden layer is neither drawn nor hit, and loses the selection. */
  quorum_canvas_set_layer_visible (layered, "upper", FALSE);
  g_assert_null (quorum_canvas_get_selected_layer_instance (layered, NULL));
  g_assert_false (_quorum_canvas_drag_begin (layered, GDK_BUTTON_PRIMARY, 0, x, y));
  g_assert_cmpstr (quorum_canvas_get_selected_layer_instance (layered, NULL)->id, ==, "lower");
  g_assert_false (quorum_canvas_select_layer_instance (layered, "upper", "upper"));

  /* Notes, and a read-only canvas: the select tool only, nothing moves. */
  quorum_canvas_set_layer_note (layered, "lower", "lower", "Missing");
  g_assert_cmpstr (quorum_canvas_get_layer_note (layered, "lower", "lower"), ==, "Missing");
  quorum_canvas_set_tool (layered, QUORUM_CANVAS_TOOL_BOX);
  quorum_canvas_set_editable (layered, FALSE);
  g_assert_cmpint (quorum_canvas_get_tool (layered), ==, QUORUM_CANVAS_TOOL_SELECT);
  quorum_canvas_image_to_widget (layered, 30, 30, &x, &y);
  g_assert_false (_quorum_canvas_drag_begin (layered, GDK_BUTTON_PRIMARY, 0, x, y));
  g_assert_cmpint (quorum_canvas_get_selected (layered), ==, 0);
  g_assert_false (_quorum_canvas_key_pressed (layered, GDK_KEY_Delete, 0));
  g_assert_cmpuint (quorum_canvas_get_n_instances (layered), ==, 1);

  /* Focus draws the selection only; hiding the own instances drops it. */
  quorum_canvas_set_focus_selected (layered, TRUE);
  app_test_iterate (50);
  quorum_canvas_set_instances_visible (layered, FALSE);
  g_assert_cmpint (quorum_canvas_get_selected (layered), ==, -1);
  g_assert_cmpint (quorum_canvas_hit_test (layered, x, y), ==, -1);
  quorum_canvas_clear_layers (layered);
  g_assert_cmpuint (quorum_canvas_get_n_layers (layered), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gint64 open_task_id;

static gboolean
others_shown (gpointer data)
{
  return quorum_window_get_task (server.real.window) == open_task_id &&
         quorum_review_panel_get_n_sets (panel ()) == 1;
}

/* A job with blind=false: rita's pass shows ann's work on the same file as
 * a read-only layer in ann's colour, with a legend row, while rita draws;
 * there is nothing to decide. */
static void
test_not_blind (void)
{
  gint64 any_job = job_id ("Street scenes");
  g_autoptr(JsonNode) job = app_test_callf (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, any_job);
  gint64 project = json_object_get_int_member (json_node_get_object (job), "project");
  g_autoptr(JsonNode) files = app_test_callf (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/files",
                                              project);
  gint64 file = json_object_get_int_member (json_array_get_object_element (json_node_get_array (files), 0), "id");
  g_autofree char *body = g_strdup_printf ("{\"settings\": {\"name\": \"Open pass\", \"passes_per_file\": 2, "
                                           "\"review_frequency\": 0, \"blind\": false}, \"files\": [%" G_GINT64_FORMAT "]}",
                                           file);
  g_autofree char *jobs_path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", project);
  gint64 open_job = app_test_call_id (server.real.admin, "POST", jobs_path, body);
  g_autoptr(QuorumClient) ann = app_test_server_sign_in (&server.real, "ann", password_of ("ann"));
  g_autoptr(JsonNode) taken = NULL;
  g_autoptr(JsonNode) saved = NULL;
  JsonArray *labels;
  const char *box_label = NULL;
  gint64 ann_task;
  g_autofree char *save = NULL;
  g_autofree char *layer = NULL;
  g_autofree char *description = NULL;

  json_node_unref (app_test_callf (server.real.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", open_job));
  taken = app_test_callf (ann, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", open_job);
  ann_task = json_object_get_int_member (json_node_get_object (taken), "id");
  labels = json_object_get_array_member (json_object_get_object_member (json_node_get_object (taken), "labels"), "labels");
  for (guint i = 0; i < json_array_get_length (labels) && box_label == NULL; i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (labels, i), "kind"), "box"))
      box_label = json_object_get_string_member (json_array_get_object_element (labels, i), "name");
  g_assert_nonnull (box_label);
  save = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": [{\"id\": \"ann-open-1\", "
                          "\"label\": \"%s\", \"kind\": \"box\", \"points\": [[10, 10], [60, 50]]}]}",
                          json_object_get_int_member (json_node_get_object (taken), "version"), box_label);
  saved = app_test_callf (ann, "PUT", save, "/tasks/%" G_GINT64_FORMAT "/instances", ann_task);

  open_task_id = assign_task (open_job, "draw", "available", NULL, "rita");
  quorum_window_open_task (server.real.window, open_task_id);
  g_assert_true (app_test_wait_until (others_shown, NULL));

  layer = g_strdup_printf ("other-%" G_GINT64_FORMAT, ann_task);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), layer), ==, 1);
  description = quorum_review_panel_describe_set (panel (), 0);
  g_assert_true (g_str_has_prefix (description, "ann — 1 instance"));
  g_assert_nonnull (quorum_review_panel_get_set_color (panel (), 0));
  g_assert_cmpint (quorum_review_panel_get_kind (panel ()), ==, QUORUM_REVIEW_NONE);
  g_assert_true (quorum_canvas_get_editable (canvas ()));
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (app_test_child (server.real.window, "side_stack"),
                                                                           GTK_WIDGET (panel ()))));
  g_assert_false (gtk_widget_get_visible (app_test_child (server.real.window, "decision_bar")));
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

  app_test_server_make_home (&server.real, "quorum-review-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server_start ();

  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/review/canvas-layers", test_canvas_layers);
  g_test_add_func ("/review/accept", test_accept);
  g_test_add_func ("/review/reject", test_reject);
  g_test_add_func ("/review/consensus", test_consensus);
  g_test_add_func ("/review/exam", test_exam);
  g_test_add_func ("/review/not-blind", test_not_blind);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
