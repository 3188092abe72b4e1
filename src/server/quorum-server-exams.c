/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-exam.h"
#include "quorum-server-private.h"
#include "quorum-task-graph.h"
#include "quorum-wire.h"

/*
 * Exams (DESIGN §2): a taker applies and gets their own instance — a draw
 * task per file, assigned to them, each with a review task. The reviewer sees
 * the candidate's instances and the gold (the file's existing instances) with
 * stars and Missing flags suggested by the core, may change them, and
 * accepts. The trainer reads the results and passes (granting the exam's
 * credentials) or fails the taker.
 */

static JsonObject *
exam_job (QuorumRequest *request,
          QuorumRole     needed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, request->ids[0], TRUE, &error);
  JsonObject *settings;

  if (job == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (job, "project"), needed, NULL))
    return NULL;
  settings = json_object_get_object_member (job, "settings");
  if (g_strcmp0 (json_object_get_string_member (settings, "type"), "exam") != 0)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state",
                               "type: this job is not an exam");
      return NULL;
    }
  return g_steal_pointer (&job);
}

gboolean
_quorum_server_is_exam (JsonObject *job)
{
  return g_strcmp0 (json_object_get_string_member (json_object_get_object_member (job, "settings"), "type"),
                    "exam") == 0;
}

gboolean
_quorum_request_takes_exam (QuorumRequest *request,
                            JsonObject    *job)
{
  return _quorum_server_is_exam (job) &&
         quorum_store_is_exam_taker (request->server->store, json_object_get_int_member (job, "id"),
                                     request->caller_id);
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

void
_quorum_server_apply_exam (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = exam_job (request, QUORUM_ROLE_ANNOTATOR);
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(GArray) plan = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  if (job == NULL)
    return;
  if (!g_str_equal (json_object_get_string_member (job, "state"), "launched"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state",
                               "state: the exam is not open");
      return;
    }
  settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", &error);
  if (settings == NULL ||
      (plan = quorum_task_graph_plan (settings, json_array_get_length (json_object_get_array_member (job, "files")),
                                      &error)) == NULL ||
      !quorum_store_apply_exam (request->server->store, request->ids[0], request->caller_id, plan, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "job", request->ids[0]);
  json_object_set_int_member (reply, "tasks", plan->len);
  _quorum_request_reply (request, SOUP_STATUS_CREATED, quorum_http_object_node (reply));
}

/* Candidate and gold of an exam review task as annotation sets. */
static gboolean
exam_sets (QuorumServer          *server,
           JsonObject            *review,
           QuorumAnnotationSet  **candidate,
           QuorumAnnotationSet  **gold,
           JsonNode             **gold_node,
           GError               **error)
{
  g_autoptr(JsonObject) draw = quorum_store_get_task (server->store, json_object_get_int_member (review, "reviews"), error);
  g_autoptr(JsonObject) file = NULL;
  g_autoptr(GPtrArray) candidate_instances = NULL;
  g_autoptr(GPtrArray) gold_instances = NULL;
  JsonNode *existing;
  QuorumFileInfo info;

  if (draw == NULL ||
      (file = quorum_store_get_file (server->store, json_object_get_int_member (review, "file"), error)) == NULL)
    return FALSE;
  existing = json_object_get_member (file, "existing");
  if (existing == NULL || JSON_NODE_HOLDS_NULL (existing))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "file %" G_GINT64_FORMAT " has no existing instances to serve as the gold standard",
                   json_object_get_int_member (file, "id"));
      return FALSE;
    }
  if ((candidate_instances = quorum_wire_read_instances (json_object_get_member (draw, "instances"), NULL,
                                                         "instances", error)) == NULL ||
      (gold_instances = quorum_wire_read_instances (existing, NULL, "existing", error)) == NULL)
    return FALSE;
  info = (QuorumFileInfo) {
    (guint) json_object_get_int_member (file, "width"), (guint) json_object_get_int_member (file, "height"),
    (guint) json_object_get_int_member (file, "frames"), json_object_get_double_member (file, "fps"),
  };
  *candidate = quorum_annotation_set_new ("candidate", &info);
  *gold = quorum_annotation_set_new ("gold", &info);
  while (candidate_instances->len > 0)
    quorum_annotation_set_add (*candidate, g_ptr_array_steal_index (candidate_instances, 0));
  while (gold_instances->len > 0)
    quorum_annotation_set_add (*gold, g_ptr_array_steal_index (gold_instances, 0));
  if (gold_node != NULL)
    *gold_node = json_node_copy (existing);
  return TRUE;
}

/* {"stars": {candidate id: 1…5}, "missing": [gold ids], "gold_score": S} */
static JsonObject *
rating_object (const QuorumAnnotationSet *candidate,
               const QuorumAnnotationSet *gold,
               const guint8              *stars,
               const gboolean            *missing,
               double                     gold_score)
{
  JsonObject *rating = json_object_new ();
  JsonObject *star_map = json_object_new ();
  JsonArray *missing_list = json_array_new ();

  for (guint i = 0; i < candidate->instances->len; i++)
    json_object_set_int_member (star_map, ((QuorumInstance *) g_ptr_array_index (candidate->instances, i))->id,
                                stars[i]);
  for (guint i = 0; i < gold->instances->len; i++)
    if (missing[i])
      json_array_add_string_element (missing_list, ((QuorumInstance *) g_ptr_array_index (gold->instances, i))->id);
  json_object_set_object_member (rating, "stars", star_map);
  json_object_set_array_member (rating, "missing", missing_list);
  json_object_set_double_member (rating, "gold_score", gold_score);
  return rating;
}

static double
job_threshold (QuorumServer *server,
               gint64        job_id)
{
  g_autoptr(JsonObject) job = quorum_store_get_job (server->store, job_id, FALSE, NULL);

  return job != NULL ? json_object_get_double_member (json_object_get_object_member (job, "settings"), "threshold")
                     : QUORUM_DEFAULT_THRESHOLD;
}

/* Adds "gold" and "suggested" to an exam review task's view. */
gboolean
_quorum_server_add_exam_view (QuorumServer  *server,
                              JsonObject    *view,
                              GError       **error)
{
  g_autoptr(QuorumAnnotationSet) candidate = NULL;
  g_autoptr(QuorumAnnotationSet) gold = NULL;
  g_autoptr(QuorumExamScore) score = NULL;
  JsonNode *gold_node = NULL;

  if (!exam_sets (server, view, &candidate, &gold, &gold_node, error))
    return FALSE;
  score = quorum_exam_score (candidate, gold, job_threshold (server, json_object_get_int_member (view, "job")));
  json_object_set_member (view, "gold", gold_node);
  json_object_set_object_member (view, "suggested",
                                 rating_object (candidate, gold, score->stars, score->missing, score->gold_score));
  return TRUE;
}

/* The suggested rating, stored when a reviewer accepts without rating. */
char *
_quorum_server_suggested_rating (QuorumServer  *server,
                                 JsonObject    *review,
                                 GError       **error)
{
  g_autoptr(QuorumAnnotationSet) candidate = NULL;
  g_autoptr(QuorumAnnotationSet) gold = NULL;
  g_autoptr(QuorumExamScore) score = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!exam_sets (server, review, &candidate, &gold, NULL, error))
    return NULL;
  score = quorum_exam_score (candidate, gold, job_threshold (server, json_object_get_int_member (review, "job")));
  node = json_node_init_object (json_node_alloc (),
                                rating_object (candidate, gold, score->stars, score->missing, score->gold_score));
  json_object_unref (json_node_get_object (node));
  return quorum_wire_to_string (node, FALSE);
}

void
_quorum_server_rate_task (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) review = _quorum_request_own_task (request, FALSE, NULL);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(QuorumAnnotationSet) candidate = NULL;
  g_autoptr(QuorumAnnotationSet) gold = NULL;
  g_autoptr(QuorumMatch) match = NULL;
  g_autoptr(QuorumGeometry) geometry = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autofree guint8 *stars = NULL;
  g_autofree gboolean *missing = NULL;
  g_autofree char *text = NULL;
  JsonObject *star_map;
  JsonArray *missing_list;
  gint64 version;

  /* The caller's review task, in a job they still reach. */
  if (review == NULL)
    return;
  if (!g_str_equal (json_object_get_string_member (review, "kind"), "review"))
    {
      g_autofree char *message = g_strdup_printf ("no review task %" G_GINT64_FORMAT " of yours", request->ids[0]);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  if ((body = _quorum_request_body (request)) == NULL ||
      !_quorum_request_read_version (request, body, FALSE, &version))
    return;
  if (!exam_sets (request->server, review, &candidate, &gold, NULL, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (json_object_get_member (body, "stars") == NULL || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "stars")) ||
      json_object_get_member (body, "missing") == NULL || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "missing")))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "body: give {\"stars\": {instance id: 1…5}, \"missing\": [gold instance ids]}");
      return;
    }
  star_map = json_object_get_object_member (body, "stars");
  missing_list = json_object_get_array_member (body, "missing");
  stars = g_new0 (guint8, MAX (candidate->instances->len, 1));
  missing = g_new0 (gboolean, MAX (gold->instances->len, 1));
  {
    g_autoptr(GList) ids = json_object_get_members (star_map);

    for (GList *l = ids; l != NULL; l = l->next)
      {
        JsonNode *value = json_object_get_member (star_map, l->data);
        gboolean found = FALSE;

        for (guint i = 0; i < candidate->instances->len && !found; i++)
          if (g_str_equal (((QuorumInstance *) g_ptr_array_index (candidate->instances, i))->id, l->data))
            {
              found = TRUE;
              if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
                  json_node_get_int (value) < 1 || json_node_get_int (value) > 5)
                {
                  g_autofree char *message = g_strdup_printf ("stars.%s: must be 1 to 5", (char *) l->data);
                  quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
                  return;
                }
              stars[i] = (guint8) json_node_get_int (value);
            }
        if (!found)
          {
            g_autofree char *message = g_strdup_printf ("stars.%s: the candidate has no such instance", (char *) l->data);
            quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
            return;
          }
      }
  }
  for (guint k = 0; k < json_array_get_length (missing_list); k++)
    {
      const char *id = json_array_get_string_element (missing_list, k);
      gboolean found = FALSE;

      for (guint i = 0; id != NULL && i < gold->instances->len; i++)
        if (g_str_equal (((QuorumInstance *) g_ptr_array_index (gold->instances, i))->id, id))
          found = missing[i] = TRUE;
      if (!found)
        {
          g_autofree char *message = g_strdup_printf ("missing[%u]: no such gold instance", k);
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
          return;
        }
    }
  geometry = quorum_geometry_new ();
  match = quorum_match_sets (geometry, candidate, gold, job_threshold (request->server,
                                                                      json_object_get_int_member (review, "job")));
  stored = json_node_init_object (json_node_alloc (),
                                  rating_object (candidate, gold, stars, missing, match->score));
  json_object_unref (json_node_get_object (stored));
  text = quorum_wire_to_string (stored, FALSE);
  if (!quorum_store_rate_task (request->server->store, request->ids[0], request->caller_id, version, text, &error))
    {
      _quorum_request_reply_task_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, g_steal_pointer (&stored));
}

/* ---- results ---------------------------------------------------------- */

void
_quorum_server_exam_results (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = exam_job (request, QUORUM_ROLE_EDITOR);
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) takers = json_array_new ();
  JsonArray *array;
  guint start = 0;

  if (job == NULL || refuse_taker (request, job, "its results are for its trainers"))
    return;
  settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", NULL);
  if ((rows = quorum_store_exam_tasks (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  array = json_node_get_array (rows);
  while (start < json_array_get_length (array))
    {
      JsonObject *first = json_array_get_object_element (array, start);
      gint64 taker = json_object_get_int_member (first, "taker");
      g_autoptr(GArray) reviews = g_array_new (FALSE, FALSE, sizeof (QuorumExamReview));
      g_autoptr(GPtrArray) buffers = g_ptr_array_new_with_free_func (g_free);
      JsonArray *tasks = json_array_new ();
      JsonObject *entry = json_object_new ();
      QuorumExamSummary summary;
      guint end = start;
      gboolean all_reviewed = TRUE;

      for (; end < json_array_get_length (array) &&
             json_object_get_int_member (json_array_get_object_element (array, end), "taker") == taker; end++)
        {
          JsonObject *row = json_array_get_object_element (array, end);
          JsonNode *rating = json_object_get_member (row, "rating");
          JsonObject *task = json_object_new ();

          json_object_set_int_member (task, "draw", json_object_get_int_member (row, "draw"));
          json_object_set_int_member (task, "review", json_object_get_int_member (row, "review"));
          json_object_set_int_member (task, "file", json_object_get_int_member (row, "file"));
          json_object_set_string_member (task, "review_state", json_object_get_string_member (row, "review_state"));
          if (g_str_equal (json_object_get_string_member (row, "review_state"), "complete") &&
              rating != NULL && JSON_NODE_HOLDS_OBJECT (rating))
            {
              JsonObject *r = json_node_get_object (rating);
              g_autoptr(GList) ids = json_object_get_members (json_object_get_object_member (r, "stars"));
              guint n_stars = g_list_length (ids), n_missing = json_array_get_length (json_object_get_array_member (r, "missing"));
              guint8 *stars = g_new0 (guint8, MAX (n_stars, 1));
              gboolean *missing = g_new0 (gboolean, MAX (n_missing, 1));
              QuorumExamReview review = { stars, n_stars, missing, n_missing,
                                          json_object_get_double_member (r, "gold_score") };
              QuorumExamSummary one;
              guint i = 0;

              for (GList *l = ids; l != NULL; l = l->next)
                stars[i++] = (guint8) json_object_get_int_member (json_object_get_object_member (r, "stars"), l->data);
              for (i = 0; i < n_missing; i++)
                missing[i] = TRUE;
              g_ptr_array_add (buffers, stars);
              g_ptr_array_add (buffers, missing);
              g_array_append_val (reviews, review);
              quorum_exam_summarize (&review, 1, &one);
              if (one.rated)
                json_object_set_double_member (task, "average_stars", one.average_stars);
              else
                json_object_set_string_member (task, "average_stars", "not rated");
              json_object_set_int_member (task, "missed", one.missed);
              json_object_set_double_member (task, "gold_score", one.gold_score);
            }
          else
            all_reviewed = FALSE;
          json_array_add_object_element (tasks, task);
        }
      quorum_exam_summarize ((QuorumExamReview *) reviews->data, reviews->len, &summary);
      json_object_set_int_member (entry, "user", taker);
      json_object_set_string_member (entry, "name", json_object_get_string_member (first, "taker_name"));
      json_object_set_array_member (entry, "tasks", tasks);
      json_object_set_boolean_member (entry, "reviewed", all_reviewed);
      if (summary.rated)
        json_object_set_double_member (entry, "average_stars", summary.average_stars);
      else
        json_object_set_string_member (entry, "average_stars", "not rated");
      json_object_set_int_member (entry, "missed", summary.missed);
      json_object_set_double_member (entry, "gold_score", summary.gold_score);
      json_object_set_boolean_member (entry, "meets_pass_rule",
                                      all_reviewed && settings != NULL && quorum_exam_passes (&summary, &settings->pass_rule));
      if (JSON_NODE_HOLDS_NULL (json_object_get_member (first, "decision")))
        json_object_set_null_member (entry, "decision");
      else
        json_object_set_string_member (entry, "decision", json_object_get_string_member (first, "decision"));
      json_array_add_object_element (takers, entry);
      start = end;
    }
  {
    JsonObject *reply = json_object_new ();
    JsonObject *rule = json_object_new ();

    json_object_set_double_member (rule, "min_average_stars", settings->pass_rule.min_average_stars);
    json_object_set_int_member (rule, "max_missed", settings->pass_rule.max_missed);
    json_object_set_object_member (reply, "pass_rule", rule);
    json_object_set_array_member (reply, "takers", g_steal_pointer (&takers));
    _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (reply));
  }
}

/* Whether the taker of the path has an attempt at the exam whose every
 * review is complete; replies 404 (no such user, no attempt) or 422 and
 * returns FALSE otherwise. */
static gboolean
require_reviewed_attempt (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = quorum_store_get_user (request->server->store, request->ids[1], &error);
  g_autoptr(JsonNode) rows = NULL;
  const char *name;
  guint n_tasks = 0, n_reviewed = 0;
  JsonArray *array;

  if (user == NULL ||
      (rows = quorum_store_exam_tasks (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }
  name = json_object_get_string_member (user, "name");
  array = json_node_get_array (rows);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);

      if (json_object_get_int_member (row, "taker") != request->ids[1])
        continue;
      n_tasks++;
      if (g_str_equal (json_object_get_string_member (row, "review_state"), "complete"))
        n_reviewed++;
    }
  if (n_tasks == 0)
    {
      g_autofree char *message = g_strdup_printf ("%s has no attempt at this exam", name);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return FALSE;
    }
  if (n_reviewed < n_tasks)
    {
      g_autofree char *message = g_strdup_printf ("state: %s's attempt is not reviewed yet (%u of %u tasks)",
                                                  name, n_reviewed, n_tasks);
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return FALSE;
    }
  return TRUE;
}

/* Pass grants the exam's credentials: the caller needs the right to grant
 * them (project admin, as POST /credentials/{id}/grants), takes no part in
 * the exam, and decides a reviewed attempt only. Fail, which ends an
 * attempt, is held to the same. */
static void
decide_exam (QuorumRequest *request,
             gboolean       pass)
{
  g_autoptr(JsonObject) job = exam_job (request, QUORUM_ROLE_ADMIN);
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonNode) credentials = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  gint64 project;

  if (job == NULL || refuse_taker (request, job, "its decisions are for its trainers") ||
      !require_reviewed_attempt (request))
    return;
  project = json_object_get_int_member (job, "project");
  settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", &error);
  if (settings == NULL || (credentials = quorum_store_list_credentials (request->server->store, project, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* The awarded credentials by name; one the project lacks is created. */
  for (guint i = 0; pass && settings->awarded_credentials[i] != NULL; i++)
    {
      JsonArray *array = json_node_get_array (credentials);
      gint64 id = 0;

      for (guint k = 0; k < json_array_get_length (array) && id == 0; k++)
        if (g_str_equal (json_object_get_string_member (json_array_get_object_element (array, k), "name"),
                         settings->awarded_credentials[i]))
          id = json_object_get_int_member (json_array_get_object_element (array, k), "id");
      if (id == 0 &&
          (id = quorum_store_create_credential (request->server->store, project, settings->awarded_credentials[i],
                                                "Awarded by passing an exam", &error)) < 0)
        {
          _quorum_request_reply_error (request, error);
          return;
        }
      g_array_append_val (ids, id);
    }
  if (!quorum_store_decide_exam (request->server->store, request->ids[0], request->ids[1], pass,
                                 request->caller_id, (gint64 *) ids->data, ids->len, &error))
    _quorum_request_reply_error (request, error);
  else
    soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
_quorum_server_pass_exam (QuorumRequest *request)
{
  decide_exam (request, TRUE);
}

void
_quorum_server_fail_exam (QuorumRequest *request)
{
  decide_exam (request, FALSE);
}
