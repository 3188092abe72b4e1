/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include "quorum-error.h"
#include "quorum-store-private.h"

#define NOW "CAST(strftime('%s', 'now') AS INTEGER)"

/*
 * Review comments. Each decision on a draw task (a review's, or a consensus
 * task's on every pass of its file) is a round of that draw task; a
 * rejection keeps a copy of the set it rejected, which the resubmission is
 * compared with. A comment belongs to a round and to the draw task it is
 * about, its author is the reviewer who decided.
 */

/* A node that takes @array. */
static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/* The decision and its rounds and comments are one change: inside the
 * server's batch a savepoint of it, outside a batch of its own, made
 * durable before returning. */
static gboolean
begin_change (QuorumStore  *store,
              gboolean     *own_batch,
              GError      **error)
{
  *own_batch = !quorum_store_in_batch (store);
  if (*own_batch && !quorum_store_batch_begin (store, error))
    return FALSE;
  if (!_quorum_store_begin (store, error))
    {
      if (*own_batch)
        quorum_store_batch_commit (store, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
end_change (QuorumStore  *store,
            gboolean      own_batch,
            gboolean      ok,
            GError      **error)
{
  if (ok)
    ok = _quorum_store_commit (store, error);
  else
    _quorum_store_rollback (store);
  if (own_batch)
    {
      if (!quorum_store_batch_commit (store, ok ? error : NULL))
        return FALSE;
      if (ok && !quorum_store_sync (store, error))
        return FALSE;
    }
  return ok;
}

/* The draw tasks a decision on @review is about: a review's draw task, or
 * every pass of a consensus task's file. */
static JsonNode *
decided_draws (QuorumStore  *store,
               JsonObject   *review,
               GError      **error)
{
  if (g_str_equal (json_object_get_string_member (review, "kind"), "consensus"))
    return _quorum_store_rows (store, error,
                               "SELECT id FROM tasks WHERE job_id = ? AND file_id = ? AND kind = 'draw' "
                               "ORDER BY pass", "ii", json_object_get_int_member (review, "job"),
                               json_object_get_int_member (review, "file"));
  return _quorum_store_rows (store, error, "SELECT id FROM tasks WHERE id = ? AND kind = 'draw'", "i",
                             json_object_get_int_member_with_default (review, "reviews", 0));
}

static gboolean
add_round (QuorumStore  *store,
           gint64        draw_id,
           gint64        review_task_id,
           gint64        user_id,
           gboolean      accept,
           gint64       *round_id,
           GError      **error)
{
  *round_id = _quorum_store_write (store, NULL, error,
                                   "INSERT INTO review_rounds (draw_task_id, review_task_id, number, decision, "
                                   "reviewer, annotator, decided) VALUES (?1, ?2, (SELECT coalesce(max(number), 0) "
                                   "+ 1 FROM review_rounds WHERE draw_task_id = ?1), ?3, ?4, "
                                   "(SELECT assignee FROM tasks WHERE id = ?1), " NOW ")",
                                   "iisi", draw_id, review_task_id, accept ? "accept" : "reject", user_id);
  if (*round_id < 0)
    return FALSE;
  /* The set as it was rejected, for "changed since" on the resubmission. */
  return accept ||
         _quorum_store_write (store, NULL, error,
                              "INSERT INTO review_round_instances (round_id, position, instance_id, body) "
                              "SELECT ?, position, instance_id, body FROM task_instances WHERE task_id = ?",
                              "ii", *round_id, draw_id) >= 0;
}

static gboolean
add_note (QuorumStore  *store,
          gint64        round_id,
          gint64        draw_id,
          gint64        review_task_id,
          gint64        user_id,
          JsonObject   *note,
          GError      **error)
{
  const char *instance = json_object_get_string_member_with_default (note, "instance", NULL);
  const char *text = json_object_get_string_member (note, "text");

  if (json_object_has_member (note, "x"))
    return _quorum_store_write (store, NULL, error,
                                "INSERT INTO review_comments (round_id, draw_task_id, review_task_id, author, "
                                "created, text, x, y, frame) VALUES (?, ?, ?, ?, " NOW ", ?, ?, ?, nullif(?, -1))",
                                "iiiisddi", round_id, draw_id, review_task_id, user_id, text,
                                json_object_get_double_member (note, "x"),
                                json_object_get_double_member (note, "y"),
                                json_object_get_int_member_with_default (note, "frame", -1)) >= 0;
  return _quorum_store_write (store, NULL, error,
                              "INSERT INTO review_comments (round_id, draw_task_id, review_task_id, author, "
                              "created, text, instance_id) VALUES (?, ?, ?, ?, " NOW ", ?, ?)",
                              "iiiiss", round_id, draw_id, review_task_id, user_id, text, instance) >= 0;
}

gboolean
quorum_store_decide_review (QuorumStore  *store,
                            gint64        review_task_id,
                            gint64        user_id,
                            gint64        version,
                            gboolean      accept,
                            const char   *comments,
                            JsonArray    *notes,
                            GError      **error)
{
  g_autoptr(JsonObject) review = NULL;
  g_autoptr(JsonNode) draws = NULL;
  gboolean own_batch, ok;

  if (!begin_change (store, &own_batch, error))
    return FALSE;
  ok = (review = quorum_store_get_task_state (store, review_task_id, error)) != NULL &&
       (draws = decided_draws (store, review, error)) != NULL &&
       quorum_store_review_task (store, review_task_id, user_id, version, accept, comments, error);
  for (guint i = 0; ok && i < json_array_get_length (json_node_get_array (draws)); i++)
    {
      gint64 draw_id = json_object_get_int_member (json_array_get_object_element (json_node_get_array (draws), i),
                                                   "id");
      gint64 round_id = 0;

      ok = add_round (store, draw_id, review_task_id, user_id, accept, &round_id, error);
      for (guint j = 0; ok && notes != NULL && j < json_array_get_length (notes); j++)
        {
          JsonObject *note = json_array_get_object_element (notes, j);

          if (json_object_get_int_member (note, "task") == draw_id)
            ok = add_note (store, round_id, draw_id, review_task_id, user_id, note, error);
        }
    }
  return end_change (store, own_batch, ok, error);
}

#define COMMENT_COLUMNS \
  "SELECT c.id AS id, c.draw_task_id AS task, c.review_task_id AS review_task, r.number AS round, " \
  "r.decision AS decision, c.text AS text, " \
  "CASE WHEN c.instance_id IS NOT NULL THEN json_object('instance', c.instance_id) " \
  "  WHEN c.frame IS NOT NULL THEN json_object('x', c.x, 'y', c.y, 'frame', c.frame) " \
  "  WHEN c.x IS NOT NULL THEN json_object('x', c.x, 'y', c.y) END AS pin_json, " \
  "c.author AS author, u.name AS author_name, c.created AS created " \
  "FROM review_comments c JOIN review_rounds r ON r.id = c.round_id LEFT JOIN users u ON u.id = c.author "

JsonNode *
quorum_store_draw_comments (QuorumStore  *store,
                            gint64        draw_task_id,
                            gint64        annotator,
                            GError      **error)
{
  return _quorum_store_rows (store, error,
                             COMMENT_COLUMNS "WHERE c.draw_task_id = ?1 AND (?2 = 0 OR r.annotator = ?2) "
                             "ORDER BY c.id", "ii", draw_task_id, annotator);
}

JsonNode *
quorum_store_review_comments (QuorumStore  *store,
                              gint64        review_task_id,
                              GError      **error)
{
  return _quorum_store_rows (store, error, COMMENT_COLUMNS "WHERE c.review_task_id = ? ORDER BY c.id",
                             "i", review_task_id);
}

/* The "instance_id" of each row, as an array of strings. */
static JsonNode *
id_list (JsonNode *rows)
{
  JsonArray *ids = json_array_new ();
  JsonArray *array = json_node_get_array (rows);

  for (guint i = 0; i < json_array_get_length (array); i++)
    json_array_add_string_element (ids, json_object_get_string_member (json_array_get_object_element (array, i),
                                                                       "instance_id"));
  return array_node (ids);
}

JsonObject *
quorum_store_changed_since (QuorumStore  *store,
                            gint64        draw_task_id,
                            gint64        annotator,
                            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) round = NULL;
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autoptr(JsonNode) changed = NULL;
  JsonObject *result;
  gint64 round_id;

  round = _quorum_store_row (store, "", &local_error,
                             "SELECT id, number, decided FROM review_rounds WHERE draw_task_id = ?1 "
                             "AND decision = 'reject' AND (?2 = 0 OR annotator = ?2) "
                             "ORDER BY number DESC LIMIT 1", "ii", draw_task_id, annotator);
  if (round == NULL)
    {
      if (!g_error_matches (local_error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  round_id = json_object_get_int_member (round, "id");
  if ((added = _quorum_store_rows (store, error,
                                   "SELECT instance_id FROM task_instances t WHERE t.task_id = ? AND NOT EXISTS "
                                   "(SELECT 1 FROM review_round_instances r WHERE r.round_id = ? "
                                   "AND r.instance_id = t.instance_id) ORDER BY t.position",
                                   "ii", draw_task_id, round_id)) == NULL ||
      (removed = _quorum_store_rows (store, error,
                                     "SELECT instance_id FROM review_round_instances r WHERE r.round_id = ? "
                                     "AND NOT EXISTS (SELECT 1 FROM task_instances t WHERE t.task_id = ? "
                                     "AND t.instance_id = r.instance_id) ORDER BY r.position",
                                     "ii", round_id, draw_task_id)) == NULL ||
      (changed = _quorum_store_rows (store, error,
                                     "SELECT t.instance_id AS instance_id FROM task_instances t "
                                     "JOIN review_round_instances r ON r.round_id = ? "
                                     "AND r.instance_id = t.instance_id WHERE t.task_id = ? AND r.body != t.body "
                                     "ORDER BY t.position", "ii", round_id, draw_task_id)) == NULL)
    return NULL;
  result = json_object_new ();
  json_object_set_int_member (result, "round", json_object_get_int_member (round, "number"));
  json_object_set_int_member (result, "rejected", json_object_get_int_member (round, "decided"));
  json_object_set_member (result, "added", id_list (added));
  json_object_set_member (result, "removed", id_list (removed));
  json_object_set_member (result, "changed", id_list (changed));
  return result;
}

gboolean
quorum_store_reviews_draw (QuorumStore *store,
                           gint64       draw_task_id,
                           gint64       user_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM tasks d JOIN tasks t ON "
                                                 "(t.kind = 'review' AND t.reviews = d.id) OR "
                                                 "(t.kind = 'consensus' AND t.job_id = d.job_id "
                                                 "AND t.file_id = d.file_id) "
                                                 "WHERE d.id = ? AND d.kind = 'draw' AND t.assignee = ? LIMIT 1",
                                                 "ii", draw_task_id, user_id);

  return row != NULL;
}

gboolean
quorum_store_task_attempt_decided (QuorumStore *store,
                                   gint64       task_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", &error,
                                                 "SELECT a.decision AS decision FROM tasks t "
                                                 "JOIN exam_attempts a ON a.id = t.attempt WHERE t.id = ?",
                                                 "i", task_id);

  /* No attempt: not an exam's task. A failed read shows nothing. */
  if (row == NULL)
    return g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
  return !JSON_NODE_HOLDS_NULL (json_object_get_member (row, "decision"));
}
