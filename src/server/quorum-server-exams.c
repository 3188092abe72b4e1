/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-exam.h"
#include "quorum-server-private.h"
#include "quorum-task-graph.h"
#include "quorum-wire.h"

/*
 * Exam review (DESIGN §2): each attempt has a draw task per file, assigned
 * to its taker, each with a review task. The reviewer sees the candidate's
 * instances and the gold (the file's existing instances) with stars and
 * Missing flags suggested by the core, may change them, and accepts. The
 * attempts themselves, results and decisions: quorum-server-attempts.c.
 */

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

/* {"stars": {candidate id: 1…5}, "missing": [gold ids], "gold_score": S};
 * on a video with tracks the ids are track ids (docs/exams.md). */
static JsonObject *
rating_object (const QuorumExamScore *score,
               const guint8          *stars,
               const gboolean        *missing)
{
  JsonObject *rating = json_object_new ();
  JsonObject *star_map = json_object_new ();
  JsonArray *missing_list = json_array_new ();

  for (guint i = 0; i < score->n_candidate; i++)
    json_object_set_int_member (star_map, g_ptr_array_index (score->candidate_ids, i), stars[i]);
  for (guint i = 0; i < score->n_gold; i++)
    if (missing[i])
      json_array_add_string_element (missing_list, g_ptr_array_index (score->gold_ids, i));
  json_object_set_object_member (rating, "stars", star_map);
  json_object_set_array_member (rating, "missing", missing_list);
  json_object_set_double_member (rating, "gold_score", score->gold_score);
  if (score->by_track)
    json_object_set_boolean_member (rating, "by_track", TRUE);
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
  json_object_set_object_member (view, "suggested", rating_object (score, score->stars, score->missing));
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
  node = json_node_init_object (json_node_alloc (), rating_object (score, score->stars, score->missing));
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
  g_autoptr(QuorumExamScore) score = NULL;
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
  /* What is rated: the instances, or on a video the tracks. */
  score = quorum_exam_score (candidate, gold, job_threshold (request->server,
                                                             json_object_get_int_member (review, "job")));
  stars = g_new0 (guint8, MAX (score->n_candidate, 1));
  missing = g_new0 (gboolean, MAX (score->n_gold, 1));
  {
    g_autoptr(GList) ids = json_object_get_members (star_map);

    for (GList *l = ids; l != NULL; l = l->next)
      {
        JsonNode *value = json_object_get_member (star_map, l->data);
        gboolean found = FALSE;

        for (guint i = 0; i < score->n_candidate && !found; i++)
          if (g_str_equal (g_ptr_array_index (score->candidate_ids, i), l->data))
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
            g_autofree char *message = g_strdup_printf ("stars.%s: the candidate has no such %s", (char *) l->data,
                                                        score->by_track ? "track" : "instance");
            quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
            return;
          }
      }
  }
  for (guint k = 0; k < json_array_get_length (missing_list); k++)
    {
      const char *id = json_array_get_string_element (missing_list, k);
      gboolean found = FALSE;

      for (guint i = 0; id != NULL && i < score->n_gold; i++)
        if (g_str_equal (g_ptr_array_index (score->gold_ids, i), id))
          found = missing[i] = TRUE;
      if (!found)
        {
          g_autofree char *message = g_strdup_printf ("missing[%u]: no such gold %s", k,
                                                      score->by_track ? "track" : "instance");
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
          return;
        }
    }
  stored = json_node_init_object (json_node_alloc (), rating_object (score, stars, missing));
  json_object_unref (json_node_get_object (stored));
  text = quorum_wire_to_string (stored, FALSE);
  if (!quorum_store_rate_task (request->server->store, request->ids[0], request->caller_id, version, text, &error))
    {
      _quorum_request_reply_task_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, g_steal_pointer (&stored));
}
