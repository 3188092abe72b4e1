/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include "quorum-store-private.h"

/*
 * The job overview (GET /jobs/{id}/stats): every figure counted from the
 * tasks, the stored consensus scores and the exam attempts as they are now,
 * nothing kept aside. docs/api.md gives each figure's formula; keep the two
 * in step. The agreement with the ground truth needs the core's matching
 * and is left to the server (quorum_store_job_truth_pairs).
 */

/* A draw task is done once submitted: waiting for its review, or accepted. */
#define DONE "('submitted', 'accepted')"

static JsonObject *
annotator_for (GHashTable *by_user,
               gint64      user_id)
{
  return g_hash_table_lookup (by_user, &user_id);
}

static void
set_fraction (JsonObject *object,
              const char *member,
              gint64      numerator,
              gint64      denominator)
{
  if (denominator > 0)
    json_object_set_double_member (object, member, (double) numerator / (double) denominator);
  else
    json_object_set_null_member (object, member);
}

static int
compare_seconds (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The median of @seconds (sorted here): the middle one, or the mean of the
 * two middle ones. */
static double
median (GArray *seconds)
{
  guint n = seconds->len;

  g_array_sort (seconds, compare_seconds);
  if (n % 2 == 1)
    return (double) g_array_index (seconds, gint64, n / 2);
  return ((double) g_array_index (seconds, gint64, n / 2 - 1) + (double) g_array_index (seconds, gint64, n / 2)) / 2.0;
}

static gboolean
add_times (QuorumStore  *store,
           gint64        job_id,
           GHashTable   *by_user,
           GError      **error)
{
  g_autoptr(JsonNode) rows = _quorum_store_rows (store, error,
                                                 "SELECT assignee AS user, submitted_at - assigned_at AS seconds "
                                                 "FROM tasks WHERE job_id = ? AND kind = 'draw' AND state IN " DONE " "
                                                 "AND assignee IS NOT NULL AND assigned_at IS NOT NULL "
                                                 "AND submitted_at IS NOT NULL", "i", job_id);
  g_autoptr(GHashTable) times = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                       (GDestroyNotify) g_array_unref);
  GHashTableIter iter;
  gpointer key, value;
  JsonArray *array;

  if (rows == NULL)
    return FALSE;
  array = json_node_get_array (rows);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      JsonObject *annotator = annotator_for (by_user, json_object_get_int_member (row, "user"));
      gint64 seconds = MAX (json_object_get_int_member (row, "seconds"), 0);
      GArray *list;

      if (annotator == NULL)
        continue;
      list = g_hash_table_lookup (times, annotator);
      if (list == NULL)
        g_hash_table_insert (times, annotator, list = g_array_new (FALSE, FALSE, sizeof (gint64)));
      g_array_append_val (list, seconds);
    }
  g_hash_table_iter_init (&iter, times);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_object_set_int_member (key, "timed_tasks", ((GArray *) value)->len);
      json_object_set_double_member (key, "median_seconds", median (value));
    }
  return TRUE;
}

JsonObject *
quorum_store_job_stats (QuorumStore  *store,
                        gint64        job_id,
                        gboolean      exam,
                        GError      **error)
{
  g_autoptr(JsonObject) stats = quorum_store_job_status (store, job_id, error);
  g_autoptr(JsonNode) progress = NULL;
  g_autoptr(JsonNode) files = NULL;
  g_autoptr(JsonNode) people = NULL;
  g_autoptr(JsonNode) reviews = NULL;
  g_autoptr(JsonNode) pairs = NULL;
  g_autoptr(JsonNode) attempts = NULL;
  g_autoptr(GHashTable) by_user = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  JsonObject *row;
  JsonArray *array;

  if (stats == NULL)
    return NULL;
  /* The status's per-file counts give way to the overview's. */
  json_object_remove_member (stats, "files");

  progress = _quorum_store_rows (store, error,
                                 "SELECT count(*) AS passes, coalesce(sum(state = 'accepted'), 0) AS accepted "
                                 "FROM tasks WHERE job_id = ? AND kind = 'draw'", "i", job_id);
  if (progress == NULL)
    return NULL;
  row = json_array_get_object_element (json_node_get_array (progress), 0);
  json_object_set_object_member (stats, "progress", json_object_ref (row));
  set_fraction (row, "fraction", json_object_get_int_member (row, "accepted"),
                json_object_get_int_member (row, "passes"));

  files = _quorum_store_rows (store, error,
                              "SELECT f.file_id AS file, files.name AS name, "
                              "(SELECT count(*) FROM tasks t WHERE t.job_id = f.job_id AND t.file_id = f.file_id "
                              "  AND t.kind = 'draw') AS passes, "
                              "(SELECT count(*) FROM tasks t WHERE t.job_id = f.job_id AND t.file_id = f.file_id "
                              "  AND t.kind = 'draw' AND t.state IN " DONE ") AS passes_done, "
                              "(SELECT CAST(json_extract(cs.scores_json, '$.agreement') AS REAL) FROM tasks c "
                              "  JOIN consensus_scores cs ON cs.task_id = c.id "
                              "  WHERE c.job_id = f.job_id AND c.file_id = f.file_id AND c.kind = 'consensus' "
                              "  LIMIT 1) AS agreement "
                              "FROM job_files f JOIN files ON files.id = f.file_id "
                              "WHERE f.job_id = ? ORDER BY f.position", "i", job_id);
  if (files == NULL)
    return NULL;
  json_object_set_member (stats, "files", g_steal_pointer (&files));

  /* Everyone a draw task of the job is assigned to, and an exam's takers. */
  people = _quorum_store_rows (store, error,
                               "SELECT users.id AS user, users.name AS name, "
                               "(SELECT count(*) FROM tasks t WHERE t.job_id = ?1 AND t.kind = 'draw' "
                               "  AND t.assignee = users.id AND t.state IN " DONE ") AS tasks_done "
                               "FROM users WHERE users.id IN "
                               "(SELECT assignee FROM tasks WHERE job_id = ?1 AND kind = 'draw' AND assignee IS NOT NULL "
                               " UNION SELECT user_id FROM exam_attempts WHERE job_id = ?1) "
                               "ORDER BY users.name", "i", job_id);
  if (people == NULL)
    return NULL;
  array = json_node_get_array (people);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *annotator = json_array_get_object_element (array, i);
      gint64 user = json_object_get_int_member (annotator, "user");

      json_object_set_int_member (annotator, "timed_tasks", 0);
      json_object_set_null_member (annotator, "median_seconds");
      json_object_set_int_member (annotator, "reviewed", 0);
      json_object_set_int_member (annotator, "accepted_in_review", 0);
      json_object_set_null_member (annotator, "acceptance_rate");
      json_object_set_int_member (annotator, "scored_pairs", 0);
      json_object_set_null_member (annotator, "agreement_with_others");
      json_object_set_int_member (annotator, "truth_files", 0);
      json_object_set_null_member (annotator, "agreement_with_truth");
      json_object_set_null_member (annotator, "exam");
      g_hash_table_insert (by_user, g_memdup2 (&user, sizeof user), annotator);
    }

  if (!add_times (store, job_id, by_user, error))
    return NULL;

  /* A review decided: accepted (the review task complete), or rejected and
   * not yet fixed (the review waits, the draw is back with its annotator). */
  reviews = _quorum_store_rows (store, error,
                                "SELECT d.assignee AS user, count(*) AS reviewed, "
                                "sum(r.state = 'complete') AS accepted FROM tasks r "
                                "JOIN tasks d ON d.id = r.reviews "
                                "WHERE r.job_id = ? AND r.kind = 'review' AND d.assignee IS NOT NULL "
                                "AND (r.state = 'complete' OR (r.state = 'waiting' AND d.state = 'rejected')) "
                                "GROUP BY d.assignee", "i", job_id);
  if (reviews == NULL)
    return NULL;
  array = json_node_get_array (reviews);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *counts = json_array_get_object_element (array, i);
      JsonObject *annotator = annotator_for (by_user, json_object_get_int_member (counts, "user"));

      if (annotator == NULL)
        continue;
      json_object_set_int_member (annotator, "reviewed", json_object_get_int_member (counts, "reviewed"));
      json_object_set_int_member (annotator, "accepted_in_review", json_object_get_int_member (counts, "accepted"));
      set_fraction (annotator, "acceptance_rate", json_object_get_int_member (counts, "accepted"),
                    json_object_get_int_member (counts, "reviewed"));
    }

  /* Each stored pair score counts once for each of its two annotators. */
  pairs = _quorum_store_rows (store, error,
                              "WITH pairs AS (SELECT CAST(json_extract(p.value, '$.a') AS INTEGER) AS a, "
                              "  CAST(json_extract(p.value, '$.b') AS INTEGER) AS b, "
                              "  CAST(json_extract(p.value, '$.score') AS REAL) AS score "
                              "  FROM tasks c JOIN consensus_scores cs ON cs.task_id = c.id, "
                              "  json_each(cs.scores_json, '$.pairs') AS p "
                              "  WHERE c.job_id = ? AND c.kind = 'consensus'), "
                              "sides AS (SELECT t.assignee AS annotator, pairs.score AS score FROM pairs "
                              "  JOIN tasks t ON t.id = pairs.a "
                              "  UNION ALL SELECT t.assignee, pairs.score FROM pairs JOIN tasks t ON t.id = pairs.b) "
                              "SELECT annotator, count(*) AS n, avg(score) AS mean FROM sides "
                              "WHERE annotator IS NOT NULL GROUP BY annotator", "i", job_id);
  if (pairs == NULL)
    return NULL;
  array = json_node_get_array (pairs);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *scores = json_array_get_object_element (array, i);
      JsonObject *annotator = annotator_for (by_user, json_object_get_int_member (scores, "annotator"));

      if (annotator == NULL)
        continue;
      json_object_set_int_member (annotator, "scored_pairs", json_object_get_int_member (scores, "n"));
      json_object_set_double_member (annotator, "agreement_with_others",
                                     json_object_get_double_member (scores, "mean"));
    }

  if (exam)
    {
      attempts = _quorum_store_rows (store, error,
                                     "SELECT user_id AS user, count(*) AS attempts, "
                                     "sum(decision = 'pass') AS passed, sum(decision IS NULL) AS undecided "
                                     "FROM exam_attempts WHERE job_id = ? GROUP BY user_id", "i", job_id);
      if (attempts == NULL)
        return NULL;
      array = json_node_get_array (attempts);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *counts = json_array_get_object_element (array, i);
          JsonObject *annotator = annotator_for (by_user, json_object_get_int_member (counts, "user"));
          JsonObject *result;

          if (annotator == NULL)
            continue;
          result = json_object_new ();
          json_object_set_int_member (result, "attempts", json_object_get_int_member (counts, "attempts"));
          if (json_object_get_int_member (counts, "passed") > 0)
            json_object_set_boolean_member (result, "passed", TRUE);
          else if (json_object_get_int_member (counts, "undecided") > 0)
            json_object_set_null_member (result, "passed");
          else
            json_object_set_boolean_member (result, "passed", FALSE);
          json_object_set_object_member (annotator, "exam", result);
        }
    }
  json_object_set_member (stats, "annotators", g_steal_pointer (&people));
  return g_steal_pointer (&stats);
}

JsonNode *
quorum_store_job_truth_pairs (QuorumStore  *store,
                              gint64        job_id,
                              GError      **error)
{
  /* The ground truth of a file: its gold (existing instances) when it has
   * some, else the job's consensus result once that task is complete. */
  return _quorum_store_rows (store, error,
                             "SELECT d.id AS task, d.assignee AS user, d.file_id AS file, "
                             "files.width AS width, files.height AS height, files.frames AS frames, "
                             "files.fps AS fps, "
                             QUORUM_STORE_INSTANCES_JSON ("d.id") ", "
                             "CASE WHEN files.existing_json IS NOT NULL THEN 'gold' ELSE 'consensus' END AS truth_source, "
                             "coalesce(files.existing_json, "
                             "  (SELECT '[' || coalesce(group_concat(body, ','), '') || ']' FROM "
                             "    (SELECT i.body FROM tasks c JOIN task_instances i ON i.task_id = c.id "
                             "     WHERE c.job_id = d.job_id AND c.file_id = d.file_id AND c.kind = 'consensus' "
                             "     AND c.state = 'complete' ORDER BY i.position) AS ordered)) AS truth_json "
                             "FROM tasks d JOIN files ON files.id = d.file_id "
                             "WHERE d.job_id = ?1 AND d.kind = 'draw' AND d.state IN " DONE " AND d.assignee IS NOT NULL "
                             "AND (files.existing_json IS NOT NULL OR EXISTS (SELECT 1 FROM tasks c "
                             "  WHERE c.job_id = d.job_id AND c.file_id = d.file_id AND c.kind = 'consensus' "
                             "  AND c.state = 'complete')) "
                             "ORDER BY d.assignee, d.position", "i", job_id);
}
