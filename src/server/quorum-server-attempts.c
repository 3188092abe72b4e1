/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-exam.h"
#include "quorum-server-private.h"
#include "quorum-task-graph.h"
#include "quorum-wire.h"

/*
 * Standing exams (DESIGN §2, docs/exams.md): an exam stays open until its
 * owner closes it; each person may make several attempts, each with its own
 * tasks, review, score and decision. Takers see the exams they may take and
 * their own results, never the gold unless the exam shows the answers once
 * an attempt is decided; trainers see every attempt and pass or fail it.
 */

/* The exam @job_id with its settings, reached by the caller with @needed
 * (shares count: an exam shared to an organization or the market is taken
 * by their members); replies and returns NULL otherwise. */
static JsonObject *
reach_exam (QuorumRequest      *request,
            gint64              job_id,
            QuorumRole          needed,
            QuorumJobSettings **settings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, job_id, TRUE, &error);

  if (job == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  if (!_quorum_request_job_access (request, job, needed, NULL))
    return NULL;
  if (!_quorum_server_is_exam (job))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state",
                               "type: this job is not an exam");
      return NULL;
    }
  *settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", &error);
  if (*settings == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  return g_steal_pointer (&job);
}

void
_quorum_server_apply_exam (QuorumRequest *request)
{
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonObject) job = reach_exam (request, request->ids[0], QUORUM_ROLE_ANNOTATOR, &settings);
  g_autoptr(GArray) plan = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  gint64 attempt, number = 0;

  if (job == NULL)
    return;
  if (!g_str_equal (json_object_get_string_member (job, "state"), "launched"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state",
                               "state: the exam is closed; its owner no longer takes new attempts");
      return;
    }
  if ((plan = quorum_task_graph_plan (settings, json_array_get_length (json_object_get_array_member (job, "files")),
                                      &error)) == NULL ||
      (attempt = quorum_store_apply_exam (request->server->store, request->ids[0], request->caller_id, plan,
                                          settings->max_attempts, settings->retake_wait, &number, &error)) < 0)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "job", request->ids[0]);
  json_object_set_int_member (reply, "attempt", attempt);
  json_object_set_int_member (reply, "number", number);
  json_object_set_int_member (reply, "tasks", plan->len);
  _quorum_request_reply (request, SOUP_STATUS_CREATED, quorum_http_object_node (reply));
}

/* ---- scoring an attempt --------------------------------------------------- */

typedef struct {
  GArray    *reviews;   /* of QuorumExamReview */
  GPtrArray *buffers;
  gboolean   all_reviewed;
} AttemptScore;

static void
attempt_score_init (AttemptScore *score)
{
  score->reviews = g_array_new (FALSE, FALSE, sizeof (QuorumExamReview));
  score->buffers = g_ptr_array_new_with_free_func (g_free);
  score->all_reviewed = TRUE;
}

static void
attempt_score_clear (AttemptScore *score)
{
  g_clear_pointer (&score->reviews, g_array_unref);
  g_clear_pointer (&score->buffers, g_ptr_array_unref);
}

/* Adds one task's rating (NULL or not complete: not reviewed) and writes
 * its own figures into @task. */
static void
attempt_score_add (AttemptScore *score,
                   const char   *review_state,
                   JsonNode     *rating,
                   JsonObject   *task)
{
  JsonObject *r, *star_map;
  g_autoptr(GList) ids = NULL;
  QuorumExamReview review;
  QuorumExamSummary one;
  guint8 *stars;
  gboolean *missing;
  guint n_stars, n_missing, i = 0;

  if (!g_str_equal (review_state, "complete") || rating == NULL || !JSON_NODE_HOLDS_OBJECT (rating))
    {
      score->all_reviewed = FALSE;
      return;
    }
  r = json_node_get_object (rating);
  star_map = json_object_get_object_member (r, "stars");
  ids = json_object_get_members (star_map);
  n_stars = g_list_length (ids);
  n_missing = json_array_get_length (json_object_get_array_member (r, "missing"));
  stars = g_new0 (guint8, MAX (n_stars, 1));
  missing = g_new0 (gboolean, MAX (n_missing, 1));
  for (GList *l = ids; l != NULL; l = l->next)
    stars[i++] = (guint8) json_object_get_int_member (star_map, l->data);
  for (i = 0; i < n_missing; i++)
    missing[i] = TRUE;
  g_ptr_array_add (score->buffers, stars);
  g_ptr_array_add (score->buffers, missing);
  review = (QuorumExamReview) { stars, n_stars, missing, n_missing, json_object_get_double_member (r, "gold_score") };
  g_array_append_val (score->reviews, review);
  quorum_exam_summarize (&review, 1, &one);
  if (one.rated)
    json_object_set_double_member (task, "average_stars", one.average_stars);
  else
    json_object_set_string_member (task, "average_stars", "not rated");
  json_object_set_int_member (task, "missed", one.missed);
  json_object_set_double_member (task, "gold_score", one.gold_score);
}

/* The attempt's figures into @entry; returns whether it meets @rule. */
static void
attempt_score_write (AttemptScore            *score,
                     const QuorumJobSettings *settings,
                     JsonObject              *entry)
{
  QuorumExamSummary summary;

  quorum_exam_summarize ((QuorumExamReview *) score->reviews->data, score->reviews->len, &summary);
  json_object_set_boolean_member (entry, "reviewed", score->all_reviewed);
  if (summary.rated)
    json_object_set_double_member (entry, "average_stars", summary.average_stars);
  else
    json_object_set_string_member (entry, "average_stars", "not rated");
  json_object_set_int_member (entry, "missed", summary.missed);
  json_object_set_double_member (entry, "gold_score", summary.gold_score);
  json_object_set_boolean_member (entry, "meets_pass_rule",
                                  score->all_reviewed && quorum_exam_passes (&summary, &settings->pass_rule));
}

static JsonObject *
pass_rule_object (const QuorumJobSettings *settings)
{
  JsonObject *rule = json_object_new ();

  json_object_set_double_member (rule, "min_average_stars", settings->pass_rule.min_average_stars);
  json_object_set_int_member (rule, "max_missed", settings->pass_rule.max_missed);
  return rule;
}

static void
set_nullable_string (JsonObject *object,
                     const char *member,
                     JsonObject *from)
{
  JsonNode *node = json_object_get_member (from, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member, json_node_get_string (node));
}

/* Replies 403 and returns TRUE when the caller takes the exam @job: a
 * candidate is no trainer of their own exam, whatever their role. */
static gboolean
refuse_taker (QuorumRequest *request,
              JsonObject    *job,
              const char    *what)
{
  g_autofree char *message = NULL;

  if (!_quorum_request_takes_exam (request, job))
    return FALSE;
  message = g_strdup_printf ("you take this exam; %s", what);
  quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden", message);
  return TRUE;
}

/* ---- results: every attempt ------------------------------------------------ */

void
_quorum_server_exam_results (QuorumRequest *request)
{
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonObject) job = reach_exam (request, request->ids[0], QUORUM_ROLE_EDITOR, &settings);
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) attempts = json_array_new ();
  JsonObject *reply;
  JsonArray *array;
  guint start = 0;

  if (job == NULL || refuse_taker (request, job, "its results are for its trainers"))
    return;
  if ((rows = quorum_store_exam_tasks (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  array = json_node_get_array (rows);
  while (start < json_array_get_length (array))
    {
      JsonObject *first = json_array_get_object_element (array, start);
      gint64 attempt = json_object_get_int_member (first, "attempt");
      JsonArray *tasks = json_array_new ();
      JsonObject *entry = json_object_new ();
      AttemptScore score;
      guint end = start;

      attempt_score_init (&score);
      for (; end < json_array_get_length (array) &&
             json_object_get_int_member (json_array_get_object_element (array, end), "attempt") == attempt; end++)
        {
          JsonObject *row = json_array_get_object_element (array, end);
          JsonObject *task = json_object_new ();

          json_object_set_int_member (task, "draw", json_object_get_int_member (row, "draw"));
          json_object_set_int_member (task, "review", json_object_get_int_member (row, "review"));
          json_object_set_int_member (task, "file", json_object_get_int_member (row, "file"));
          json_object_set_string_member (task, "review_state", json_object_get_string_member (row, "review_state"));
          attempt_score_add (&score, json_object_get_string_member (row, "review_state"),
                             json_object_get_member (row, "rating"), task);
          json_array_add_object_element (tasks, task);
        }
      json_object_set_int_member (entry, "attempt", attempt);
      json_object_set_int_member (entry, "number", json_object_get_int_member (first, "number"));
      json_object_set_int_member (entry, "user", json_object_get_int_member (first, "taker"));
      json_object_set_string_member (entry, "name", json_object_get_string_member (first, "taker_name"));
      json_object_set_array_member (entry, "tasks", tasks);
      attempt_score_write (&score, settings, entry);
      set_nullable_string (entry, "decision", first);
      json_array_add_object_element (attempts, entry);
      attempt_score_clear (&score);
      start = end;
    }
  reply = json_object_new ();
  json_object_set_object_member (reply, "pass_rule", pass_rule_object (settings));
  json_object_set_string_member (reply, "state", json_object_get_string_member (job, "state"));
  /* "takers" for the clients written before attempts: one entry per attempt. */
  json_object_set_array_member (reply, "takers", g_steal_pointer (&attempts));
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (reply));
}

/* ---- pass and fail ---------------------------------------------------------- */

/* Pass grants the exam's credentials: the caller needs the right to grant
 * them (project admin, as POST /credentials/{id}/grants; an exam is how a
 * project's trainers award their organization's credentials too), takes no
 * part in the exam, and decides a reviewed attempt only. Fail, which ends
 * an attempt, is held to the same. */
static void
decide_attempt (QuorumRequest *request,
                gint64         attempt_id,
                gboolean       pass)
{
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonObject) job = reach_exam (request, request->ids[0], QUORUM_ROLE_ADMIN, &settings);
  g_autoptr(JsonObject) attempt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  gint64 project;

  if (job == NULL || refuse_taker (request, job, "its decisions are for its trainers"))
    return;
  attempt = quorum_store_get_attempt (request->server->store, attempt_id, NULL);
  if (attempt == NULL || json_object_get_int_member (attempt, "job") != request->ids[0])
    {
      g_autofree char *message = g_strdup_printf ("no attempt %" G_GINT64_FORMAT " at exam %" G_GINT64_FORMAT,
                                                  attempt_id, request->ids[0]);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  if (json_object_get_int_member (attempt, "user") == request->caller_id)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                               "you cannot decide your own attempt; another trainer must");
      return;
    }
  /* Refused before anything is created for it (the store checks again, in
   * its transaction, for a decision made meanwhile). */
  if (!g_str_equal (json_object_get_string_member (attempt, "state"), "reviewed"))
    {
      const char *state = json_object_get_string_member (attempt, "state");
      g_autofree char *message =
        g_str_equal (state, "passed") || g_str_equal (state, "failed")
        ? g_strdup_printf ("decision: attempt %" G_GINT64_FORMAT " was decided already (%s)", attempt_id, state)
        : g_strdup_printf ("state: attempt %" G_GINT64_FORMAT " is not reviewed yet; decide once every task of "
                           "it is reviewed", attempt_id);

      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return;
    }
  /* The awarded credentials by name: the project's own or its
   * organization's, never another organization's ("Org/Name"), which only
   * that organization awards; one that exists nowhere is created in the
   * project. */
  project = json_object_get_int_member (job, "project");
  for (guint i = 0; pass && settings->awarded_credentials[i] != NULL; i++)
    {
      gint64 id = quorum_store_find_own_credential (request->server->store, project,
                                                    settings->awarded_credentials[i]);

      if (id == 0 &&
          (id = quorum_store_create_credential (request->server->store, project, settings->awarded_credentials[i],
                                                "Awarded by passing an exam", &error)) < 0)
        {
          _quorum_request_reply_error (request, error);
          return;
        }
      g_array_append_val (ids, id);
    }
  if (!quorum_store_decide_attempt (request->server->store, attempt_id, pass, request->caller_id,
                                    (gint64 *) ids->data, ids->len, &error))
    _quorum_request_reply_error (request, error);
  else
    quorum_http_reply_no_content (request->msg);
}

/* /jobs/{id}/results/{user}/pass: that user's latest attempt. */
static void
decide_latest (QuorumRequest *request,
               gboolean       pass)
{
  gint64 attempt = quorum_store_latest_attempt (request->server->store, request->ids[0], request->ids[1]);

  if (attempt == 0)
    {
      g_autoptr(QuorumJobSettings) settings = NULL;
      g_autoptr(JsonObject) job = reach_exam (request, request->ids[0], QUORUM_ROLE_ADMIN, &settings);
      g_autoptr(JsonObject) user = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      if (job == NULL || refuse_taker (request, job, "its decisions are for its trainers"))
        return;
      if ((user = quorum_store_get_user (request->server->store, request->ids[1], &error)) == NULL)
        {
          _quorum_request_reply_error (request, error);
          return;
        }
      message = g_strdup_printf ("%s has no attempt at this exam", json_object_get_string_member (user, "name"));
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  decide_attempt (request, attempt, pass);
}

void
_quorum_server_pass_exam (QuorumRequest *request)
{
  decide_latest (request, TRUE);
}

void
_quorum_server_fail_exam (QuorumRequest *request)
{
  decide_latest (request, FALSE);
}

void
_quorum_server_pass_attempt (QuorumRequest *request)
{
  decide_attempt (request, request->ids[1], TRUE);
}

void
_quorum_server_fail_attempt (QuorumRequest *request)
{
  decide_attempt (request, request->ids[1], FALSE);
}

void
_quorum_server_close_exam (QuorumRequest *request)
{
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonObject) job = reach_exam (request, request->ids[0], QUORUM_ROLE_EDITOR, &settings);
  g_autoptr(GError) error = NULL;

  if (job == NULL || refuse_taker (request, job, "closing it is for its trainers"))
    return;
  if (!quorum_store_close_exam (request->server->store, request->ids[0], &error))
    _quorum_request_reply_error (request, error);
  else
    quorum_http_reply_no_content (request->msg);
}

/* ---- the taker's side ------------------------------------------------------- */

static JsonArray *
string_list (char **names)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_string_element (array, names[i]);
  return array;
}

static JsonObject *
attempt_summary (JsonObject *attempt)
{
  JsonObject *entry = json_object_new ();

  json_object_set_int_member (entry, "id", json_object_get_int_member (attempt, "id"));
  json_object_set_int_member (entry, "number", json_object_get_int_member (attempt, "number"));
  json_object_set_string_member (entry, "state", json_object_get_string_member (attempt, "state"));
  json_object_set_int_member (entry, "started", json_object_get_int_member (attempt, "started"));
  if (JSON_NODE_HOLDS_NULL (json_object_get_member (attempt, "decided")))
    json_object_set_null_member (entry, "decided");
  else
    json_object_set_int_member (entry, "decided", json_object_get_int_member (attempt, "decided"));
  return entry;
}

/* Whether the caller may apply now, or a sentence saying why not. */
static char *
why_not_apply (const QuorumJobSettings *settings,
               JsonArray               *attempts,
               gint64                   now)
{
  JsonObject *last;
  gint64 decided;

  if (json_array_get_length (attempts) == 0)
    return NULL;
  last = json_array_get_object_element (attempts, json_array_get_length (attempts) - 1);
  if (JSON_NODE_HOLDS_NULL (json_object_get_member (last, "decided")))
    return g_strdup ("Your attempt is not decided yet.");
  if (json_array_get_length (attempts) >= (guint) settings->max_attempts)
    return g_strdup_printf ("You have made all %d attempts this exam allows.", settings->max_attempts);
  decided = json_object_get_int_member (last, "decided");
  if (decided + settings->retake_wait > now)
    {
      gint64 minutes = (decided + settings->retake_wait - now + 59) / 60;

      return g_strdup_printf ("You may try again in %" G_GINT64_FORMAT " minute%s.", minutes,
                              minutes == 1 ? "" : "s");
    }
  return NULL;
}

void
_quorum_server_list_exams (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) exams = quorum_store_list_open_exams (request->server->store, &error);
  g_autoptr(JsonNode) mine = NULL;
  JsonArray *reply;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (exams == NULL ||
      (mine = quorum_store_user_attempts (request->server->store, request->caller_id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply = json_array_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (exams)); i++)
    {
      JsonObject *job = json_array_get_object_element (json_node_get_array (exams), i);
      g_autoptr(QuorumJobSettings) settings = NULL;
      g_autofree char *why_not = NULL;
      JsonObject *entry;
      JsonArray *attempts;
      gint64 id = json_object_get_int_member (job, "id");

      if (_quorum_request_job_role (request, job) < QUORUM_ROLE_ANNOTATOR ||
          (settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings",
                                                     NULL)) == NULL)
        continue;
      attempts = json_array_new ();
      for (guint k = 0; k < json_array_get_length (json_node_get_array (mine)); k++)
        {
          JsonObject *attempt = json_array_get_object_element (json_node_get_array (mine), k);

          if (json_object_get_int_member (attempt, "job") == id)
            json_array_add_object_element (attempts, attempt_summary (attempt));
        }
      why_not = why_not_apply (settings, attempts, now);
      entry = json_object_new ();
      json_object_set_int_member (entry, "id", id);
      json_object_set_string_member (entry, "name", settings->name);
      json_object_set_int_member (entry, "project", json_object_get_int_member (job, "project"));
      json_object_set_array_member (entry, "awards", string_list (settings->awarded_credentials));
      json_object_set_array_member (entry, "requires", string_list (settings->required_credentials));
      json_object_set_object_member (entry, "pass_rule", pass_rule_object (settings));
      json_object_set_int_member (entry, "max_attempts", settings->max_attempts);
      json_object_set_int_member (entry, "retake_wait", settings->retake_wait);
      json_object_set_array_member (entry, "attempts", attempts);
      json_object_set_boolean_member (entry, "can_apply", why_not == NULL);
      if (why_not != NULL)
        json_object_set_string_member (entry, "why_not", why_not);
      else
        json_object_set_null_member (entry, "why_not");
      json_array_add_object_element (reply, entry);
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_array (json_node_alloc (), reply));
  json_array_unref (reply);
}

/* An attempt's result: the taker's own, or any to a trainer of the exam.
 * The taker's instances with the reviewer's stars, how many gold instances
 * were missed, the reviewer's comments; the gold itself only when the exam
 * shows the answers and the attempt is decided. */
void
_quorum_server_get_attempt (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) attempt = quorum_store_get_attempt (request->server->store, request->ids[0], NULL);
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonNode) rows = NULL;
  JsonObject *reply;
  JsonArray *tasks, *array;
  AttemptScore score;
  gboolean answers;

  if (attempt != NULL)
    job = quorum_store_get_job (request->server->store, json_object_get_int_member (attempt, "job"), FALSE, NULL);
  if (attempt == NULL || job == NULL ||
      (json_object_get_int_member (attempt, "user") != request->caller_id &&
       (_quorum_request_job_role (request, job) < QUORUM_ROLE_EDITOR ||
        _quorum_request_takes_exam (request, job))))
    {
      g_autofree char *message = g_strdup_printf ("no attempt %" G_GINT64_FORMAT, request->ids[0]);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  if ((settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", &error)) == NULL ||
      (rows = quorum_store_attempt_tasks (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  answers = settings->show_answers && !JSON_NODE_HOLDS_NULL (json_object_get_member (attempt, "decision"));
  reply = attempt_summary (attempt);
  json_object_set_int_member (reply, "job", json_object_get_int_member (job, "id"));
  json_object_set_string_member (reply, "exam", settings->name);
  json_object_set_int_member (reply, "user", json_object_get_int_member (attempt, "user"));
  json_object_set_string_member (reply, "user_name", json_object_get_string_member (attempt, "user_name"));
  set_nullable_string (reply, "decision", attempt);
  json_object_set_object_member (reply, "pass_rule", pass_rule_object (settings));
  json_object_set_array_member (reply, "awards", string_list (settings->awarded_credentials));
  json_object_set_boolean_member (reply, "shows_answers", answers);
  tasks = json_array_new ();
  array = json_node_get_array (rows);
  attempt_score_init (&score);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      JsonNode *rating = json_object_get_member (row, "rating");
      JsonObject *task = json_object_new ();
      gboolean reviewed = g_str_equal (json_object_get_string_member (row, "review_state"), "complete");

      json_object_set_int_member (task, "draw", json_object_get_int_member (row, "draw"));
      json_object_set_int_member (task, "file", json_object_get_int_member (row, "file"));
      json_object_set_string_member (task, "file_name", json_object_get_string_member (row, "file_name"));
      json_object_set_string_member (task, "draw_state", json_object_get_string_member (row, "draw_state"));
      json_object_set_string_member (task, "review_state", json_object_get_string_member (row, "review_state"));
      json_object_set_member (task, "instances", json_node_copy (json_object_get_member (row, "instances")));
      set_nullable_string (task, "comments", row);
      /* The reviewer's stars on the taker's own instances; the missing gold
       * only as a count: its ids are the gold's. */
      if (reviewed && rating != NULL && JSON_NODE_HOLDS_OBJECT (rating))
        json_object_set_member (task, "stars",
                                json_node_copy (json_object_get_member (json_node_get_object (rating), "stars")));
      else
        json_object_set_null_member (task, "stars");
      attempt_score_add (&score, json_object_get_string_member (row, "review_state"), rating, task);
      {
        g_autoptr(JsonObject) file = quorum_store_get_file (request->server->store,
                                                            json_object_get_int_member (row, "file"), NULL);
        JsonNode *existing = file != NULL ? json_object_get_member (file, "existing") : NULL;

        if (answers)
          json_object_set_member (task, "gold", existing != NULL ? json_node_copy (existing)
                                                                 : json_node_new (JSON_NODE_NULL));
        /* The file as a task's view describes it (a video is shown frame by
         * frame), the gold never in it. */
        if (file != NULL)
          {
            json_object_remove_member (file, "existing");
            json_object_remove_member (file, "has_existing");
            json_object_set_object_member (task, "file_info", json_object_ref (file));
          }
      }
      json_array_add_object_element (tasks, task);
    }
  attempt_score_write (&score, settings, reply);
  attempt_score_clear (&score);
  json_object_set_array_member (reply, "tasks", tasks);
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (reply));
}
