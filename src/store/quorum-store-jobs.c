/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include <string.h>

#include "quorum-error.h"
#include "quorum-store-private.h"
#include "quorum-wire.h"

#define NOW "CAST(strftime('%s', 'now') AS INTEGER)"

/* The version of a write that gives none (see check_task). */
#define NO_VERSION 0
/* How many review steps of a consensus task Undo can take back. */
#define CONSENSUS_UNDO_DEPTH 50

/* For the writes that must say which version they are based on. */
static gboolean
require_version (gint64   version,
                 GError **error)
{
  if (version >= 1)
    return TRUE;
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
               "version: must be a whole number of at least 1, not %" G_GINT64_FORMAT, version);
  return FALSE;
}

static gboolean check_task (JsonObject  *task,
                            gint64       user_id,
                            gint64       version,
                            const char  *states,
                            GError     **error);

/* ---- jobs ------------------------------------------------------------- */

static gboolean
add_files (QuorumStore   *store,
           gint64         job_id,
           gint64         project_id,
           const gint64  *file_ids,
           guint          n_files,
           const char    *field,
           GError       **error)
{
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *conflict = g_strdup_printf ("%s[%u]: file %" G_GINT64_FORMAT " is in the job already",
                                                   field, i, file_ids[i]);

      if (_quorum_store_write (store, conflict, error,
                               "INSERT INTO job_files (job_id, file_id, position) "
                               "SELECT ?, id, coalesce((SELECT max(position) + 1 FROM job_files "
                               "WHERE job_id = ?), 0) FROM files WHERE id = ? AND project_id = ?",
                               "iiii", job_id, job_id, file_ids[i], project_id) < 0)
        return FALSE;
      if (_quorum_store_changes (store) == 0)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "%s[%u]: no file %" G_GINT64_FORMAT " in this project", field, i, file_ids[i]);
          return FALSE;
        }
    }
  return TRUE;
}

gint64
quorum_store_create_job (QuorumStore   *store,
                         gint64         project_id,
                         const char    *settings_json,
                         gint64         created_by,
                         const gint64  *file_ids,
                         guint          n_files,
                         GError       **error)
{
  gint64 id;

  if (!_quorum_store_begin (store, error))
    return -1;
  id = _quorum_store_write (store, NULL, error,
                            "INSERT INTO jobs (project_id, settings_json, created_by, created) "
                            "VALUES (?, ?, ?, " NOW ")", "isi", project_id, settings_json, created_by);
  if (id < 0 || !add_files (store, id, project_id, file_ids, n_files, "files", error) ||
      !_quorum_store_commit (store, error))
    {
      _quorum_store_rollback (store);
      return -1;
    }
  return id;
}

JsonObject *
quorum_store_get_job (QuorumStore  *store,
                      gint64        job_id,
                      gboolean      with_files,
                      GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no job %" G_GINT64_FORMAT, job_id);
  JsonObject *job = _quorum_store_row (store, what, error,
                                      "SELECT id, project_id AS project, state, settings_json, created "
                                      "FROM jobs WHERE id = ?", "i", job_id);
  JsonNode *files;

  if (job == NULL || !with_files)
    return job;
  files = _quorum_store_rows (store, error,
                              "SELECT files.id AS id, files.name AS name, job_files.position AS position "
                              "FROM job_files JOIN files ON files.id = job_files.file_id "
                              "WHERE job_files.job_id = ? ORDER BY job_files.position", "i", job_id);
  if (files == NULL)
    {
      json_object_unref (job);
      return NULL;
    }
  json_object_set_member (job, "files", files);
  return job;
}

JsonNode *
quorum_store_list_jobs (QuorumStore  *store,
                        gint64        project_id,
                        GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT id, project_id AS project, state, settings_json, created, "
                             "(SELECT count(*) FROM job_files WHERE job_id = jobs.id) AS n_files "
                             "FROM jobs WHERE project_id = ? ORDER BY id", "i", project_id);
}

gboolean
quorum_store_change_job_files (QuorumStore  *store,
                               gint64        job_id,
                               gint64        project_id,
                               const gint64 *add,
                               guint         n_add,
                               const gint64 *remove,
                               guint         n_remove,
                               GError      **error)
{
  if (!_quorum_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < n_remove; i++)
    {
      if (_quorum_store_write (store, NULL, error, "DELETE FROM job_files WHERE job_id = ? AND file_id = ?",
                               "ii", job_id, remove[i]) < 0)
        return _quorum_store_fail (store);
      if (_quorum_store_changes (store) == 0)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "remove[%u]: file %" G_GINT64_FORMAT " is not in the job", i, remove[i]);
          return _quorum_store_fail (store);
        }
    }
  if (!add_files (store, job_id, project_id, add, n_add, "add", error) ||
      !_quorum_store_commit (store, error))
    return _quorum_store_fail (store);
  return TRUE;
}

gboolean
_quorum_store_insert_plan (QuorumStore  *store,
                           gint64        job_id,
                           JsonNode     *files,
                           GArray       *plan,
                           gint64        taker,
                           gint64        attempt,
                           GError      **error)
{
  JsonArray *array = json_node_get_array (files);
  g_autofree gint64 *task_ids = g_new0 (gint64, MAX (plan->len, 1));

  for (guint i = 0; i < plan->len; i++)
    {
      const QuorumPlannedTask *task = &g_array_index (plan, QuorumPlannedTask, i);
      gboolean assigned = taker > 0 && task->kind == QUORUM_TASK_DRAW;
      gint64 file_id;

      g_assert (task->file_index < json_array_get_length (array));
      file_id = json_object_get_int_member (json_array_get_object_element (array, task->file_index), "file_id");
      task_ids[i] = _quorum_store_write (store, NULL, error,
                                         "INSERT INTO tasks (job_id, file_id, position, kind, pass, draw_number, "
                                         "reviews, state, taker, attempt, assignee, assigned_at, updated_at) "
                                         "VALUES (?, ?, ?, ?, ?, ?, nullif(?, 0), ?, nullif(?, 0), nullif(?, 0), "
                                         "nullif(?, 0), CASE WHEN ? != 0 THEN " NOW " END, " NOW ")",
                                         "iiisiiisiiii", job_id, file_id, (gint64) i,
                                         quorum_task_kind_to_string (task->kind), (gint64) task->pass,
                                         (gint64) task->draw_number,
                                         task->reviews >= 0 ? task_ids[task->reviews] : (gint64) 0,
                                         assigned ? "assigned" : quorum_task_state_to_string (task->state),
                                         taker, attempt, assigned ? taker : (gint64) 0, (gint64) assigned);
      if (task_ids[i] < 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
quorum_store_rate_task (QuorumStore  *store,
                        gint64        task_id,
                        gint64        user_id,
                        gint64        version,
                        const char   *rating_json,
                        GError      **error)
{
  g_autoptr(JsonObject) task = NULL;

  if (!_quorum_store_begin (store, error))
    return FALSE;
  if ((task = quorum_store_get_task_state (store, task_id, error)) == NULL ||
      !check_task (task, user_id, version, "assigned,in_progress", error) ||
      _quorum_store_write (store, NULL, error,
                           "UPDATE tasks SET rating_json = ?, state = 'in_progress', updated_at = " NOW ", "
                           "version = version + 1 WHERE id = ?", "si", rating_json, task_id) < 0)
    return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}

gboolean
quorum_store_launch_job (QuorumStore  *store,
                         gint64        job_id,
                         GArray       *plan,
                         GError      **error)
{
  g_autoptr(JsonNode) files = NULL;

  if (!_quorum_store_begin (store, error))
    return FALSE;
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE jobs SET state = 'launched' WHERE id = ? AND state = 'draft'",
                           "i", job_id) < 0)
    return _quorum_store_fail (store);
  if (_quorum_store_changes (store) == 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           "state: only a draft job can be launched");
      return _quorum_store_fail (store);
    }
  /* A market job comes on the market now: its place in the order organizations poll. */
  if (_quorum_store_write (store, NULL, error,
                           "INSERT OR IGNORE INTO market_listings (job_id, listed) "
                           "SELECT id, CAST(strftime('%s', 'now') AS INTEGER) FROM jobs "
                           "WHERE id = ? AND json_extract (settings_json, '$.share') = 'market'",
                           "i", job_id) < 0)
    return _quorum_store_fail (store);
  files = _quorum_store_rows (store, error,
                              "SELECT file_id FROM job_files WHERE job_id = ? ORDER BY position", "i", job_id);
  if (files == NULL)
    return _quorum_store_fail (store);
  if (!_quorum_store_insert_plan (store, job_id, files, plan, 0, 0, error))
    return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}

gboolean
quorum_store_set_job_state (QuorumStore  *store,
                            gint64        job_id,
                            const char   *from_state,
                            const char   *to_state,
                            GError      **error)
{
  if (_quorum_store_write (store, NULL, error, "UPDATE jobs SET state = ? WHERE id = ? AND state = ?",
                           "sis", to_state, job_id, from_state) < 0)
    return FALSE;
  if (_quorum_store_changes (store) == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE, "state: the job is not %s", from_state);
      return FALSE;
    }
  return TRUE;
}

JsonObject *
quorum_store_job_status (QuorumStore  *store,
                         gint64        job_id,
                         GError      **error)
{
  g_autoptr(JsonNode) counts = _quorum_store_rows (store, error,
                                                   "SELECT kind, state, count(*) AS n FROM tasks "
                                                   "WHERE job_id = ? GROUP BY kind, state ORDER BY kind, state",
                                                   "i", job_id);
  JsonNode *files;
  JsonObject *status, *tasks;

  if (counts == NULL)
    return NULL;
  files = _quorum_store_rows (store, error,
                              "SELECT job_files.file_id AS file, files.name AS name, "
                              "count(tasks.id) AS tasks, "
                              "sum(tasks.state IN ('accepted', 'complete')) AS done "
                              "FROM job_files JOIN files ON files.id = job_files.file_id "
                              "LEFT JOIN tasks ON tasks.job_id = job_files.job_id AND tasks.file_id = job_files.file_id "
                              "WHERE job_files.job_id = ? GROUP BY job_files.file_id, files.name, job_files.position ORDER BY job_files.position",
                              "i", job_id);
  if (files == NULL)
    return NULL;
  /* {"draw": {"available": 3, …}, "review": {…}, "consensus": {…}} */
  tasks = json_object_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (counts)); i++)
    {
      JsonObject *row = json_array_get_object_element (json_node_get_array (counts), i);
      const char *kind = json_object_get_string_member (row, "kind");

      if (!json_object_has_member (tasks, kind))
        json_object_set_object_member (tasks, kind, json_object_new ());
      json_object_set_int_member (json_object_get_object_member (tasks, kind),
                                  json_object_get_string_member (row, "state"),
                                  json_object_get_int_member (row, "n"));
    }
  status = json_object_new ();
  json_object_set_object_member (status, "tasks", tasks);
  json_object_set_member (status, "files", files);
  return status;
}

/* ---- assignment ------------------------------------------------------- */

gboolean
_quorum_store_update_open_file (QuorumStore  *store,
                                gint64        job_id,
                                gint64        file_id,
                                GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "UPDATE job_files SET open = "
                              "EXISTS (SELECT 1 FROM tasks WHERE job_id = ?1 AND file_id = ?2 AND kind = 'draw' "
                              "  AND state = 'available') "
                              "AND EXISTS (SELECT 1 FROM tasks WHERE job_id = ?1 AND file_id = ?2 AND kind = 'draw' "
                              "  AND state NOT IN ('available', 'waiting')) "
                              "WHERE job_id = ?1 AND file_id = ?2", "ii", job_id, file_id) >= 0;
}

/* Assigned but never touched for too long: back to everyone. An exam's
 * draw tasks stay with their taker. */
static gboolean
release_idle (QuorumStore  *store,
              gint64        job_id,
              gint64        idle_seconds,
              GError      **error)
{
  g_autoptr(JsonNode) idle = _quorum_store_rows (store, error,
                                                 "SELECT id, file_id AS file FROM tasks WHERE job_id = ? "
                                                 "AND kind = 'draw' AND state = 'assigned' AND taker IS NULL "
                                                 "AND updated_at < " NOW " - ?", "ii", job_id, idle_seconds);
  JsonArray *rows;

  if (idle == NULL)
    return FALSE;
  rows = json_node_get_array (idle);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (_quorum_store_write (store, NULL, error,
                               "UPDATE tasks SET state = 'available', assignee = NULL, assigned_at = NULL, "
                               "version = version + 1 WHERE id = ?",
                               "i", json_object_get_int_member (row, "id")) < 0 ||
          !_quorum_store_update_open_file (store, job_id, json_object_get_int_member (row, "file"), error))
        return FALSE;
    }
  return TRUE;
}

/* The first row's id, position and (for a draw task) file, or 0 when there
 * is none. @sql binds the job as ?1, the user as ?2 and, when it names ?3,
 * @kind (NULL: any). */
static gint64
first_task (QuorumStore  *store,
            gint64       *position,
            gint64       *draw_file,
            GError      **error,
            const char   *sql,
            gint64        job_id,
            gint64        user_id,
            const char   *kind)
{
  g_autoptr(JsonNode) rows = _quorum_store_rows (store, error, sql, strstr (sql, "?3") != NULL ? "iis" : "ii",
                                                 job_id, user_id, kind);
  JsonObject *row;

  if (rows == NULL)
    return -1;
  if (json_array_get_length (json_node_get_array (rows)) == 0)
    return 0;
  row = json_array_get_object_element (json_node_get_array (rows), 0);
  *position = json_object_get_int_member (row, "position");
  *draw_file = g_str_equal (json_object_get_string_member (row, "kind"), "draw")
               ? json_object_get_int_member (row, "file") : 0;
  return json_object_get_int_member (row, "id");
}

/* Never a second pass of a file to the same person. */
#define NOT_A_DRAWER_OF_THE_FILE \
  "NOT EXISTS (SELECT 1 FROM tasks d WHERE d.job_id = t.job_id AND d.file_id = t.file_id " \
  "  AND d.kind = 'draw' AND d.assignee = ?2) "

/* A draw task t for ?2: never a second pass of the file, never a file
 * whose passes they review (blind: a reviewer has seen a pass; a review
 * chosen by hand while it waits counts too), never a file they bring to
 * consensus. */
#define MAY_DRAW \
  NOT_A_DRAWER_OF_THE_FILE \
  "AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.job_id = t.job_id AND r.file_id = t.file_id " \
  "  AND r.kind IN ('review', 'consensus') AND r.assignee = ?2) "

gint64
quorum_store_next_task (QuorumStore  *store,
                        gint64        job_id,
                        gint64        user_id,
                        gboolean      may_review,
                        const char   *kind,
                        gint64        idle_seconds,
                        GError      **error)
{
  gboolean draw = kind == NULL || g_str_equal (kind, "draw");

  g_autoptr(JsonObject) own = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 id = 0, position = G_MAXINT64, file_id = 0;

  /* BEGIN IMMEDIATE takes the write lock first: two users asking at once are
   * served one after the other and never get the same task. */
  if (!_quorum_store_begin (store, error))
    return -1;
  if (!release_idle (store, job_id, idle_seconds, error))
    return _quorum_store_fail (store), -1;

  /* First the user's own unfinished task (of that kind, when they ask for
   * one: a reviewer may hold a review and a draw of other files at once). */
  own = _quorum_store_row (store, "", &local_error,
                           "SELECT id FROM tasks WHERE job_id = ?1 AND assignee = ?2 "
                           "AND state IN ('assigned', 'in_progress', 'rejected') "
                           "AND (?3 IS NULL OR kind = ?3) "
                           "ORDER BY position LIMIT 1", "iis", job_id, user_id, kind);
  if (own != NULL)
    {
      id = json_object_get_int_member (own, "id");
      return _quorum_store_commit (store, error) ? id : -1;
    }
  g_clear_error (&local_error);

  /* Then a task of a file whose other passes are under way, in file order:
   * a review or a consensus task (finish a set before opening a new one), or
   * another pass of an open file. Never their own work to review, never a
   * consensus task to one of the file's annotators. Each query walks an
   * index of what it looks for, not every available task. */
  if (may_review && (kind == NULL || !draw))
    {
      id = first_task (store, &position, &file_id, error,
                       "SELECT t.id AS id, t.position AS position, t.kind AS kind, t.file_id AS file FROM tasks t "
                       "WHERE t.job_id = ?1 AND t.kind IN ('review', 'consensus') AND t.state = 'available' "
                       "AND (?3 IS NULL OR t.kind = ?3) "
                       /* never their own draw, nor another pass of a file they draw
                        * (blind), nor the gold of an exam they take */
                       "AND " NOT_A_DRAWER_OF_THE_FILE
                       "AND NOT EXISTS (SELECT 1 FROM tasks x WHERE x.job_id = t.job_id AND x.taker = ?2) "
                       "ORDER BY t.position LIMIT 1", job_id, user_id, kind);
      if (id < 0)
        return _quorum_store_fail (store), -1;
    }
  if (draw)
    {
      gint64 draw_position = G_MAXINT64, draw_file = 0;
      gint64 open_draw = first_task (store, &draw_position, &draw_file, error,
                                     "SELECT t.id AS id, t.position AS position, t.kind AS kind, t.file_id AS file "
                                     "FROM job_files f "
                                     /* CROSS JOIN: from the few open files to their tasks */
                                     "CROSS JOIN tasks t ON t.job_id = f.job_id AND t.file_id = f.file_id "
                                     "WHERE f.job_id = ?1 AND f.open AND t.kind = 'draw' AND t.state = 'available' "
                                     "AND " MAY_DRAW
                                     "ORDER BY f.position, t.position LIMIT 1", job_id, user_id, NULL);

      if (open_draw < 0)
        return _quorum_store_fail (store), -1;
      if (open_draw > 0 && draw_position < position)
        id = open_draw, position = draw_position, file_id = draw_file;
    }
  /* Then the first available draw task in file order. */
  if (id == 0 && draw)
    id = first_task (store, &position, &file_id, error,
                     "SELECT t.id AS id, t.position AS position, t.kind AS kind, t.file_id AS file FROM tasks t "
                     "WHERE t.job_id = ?1 AND t.kind = 'draw' AND t.state = 'available' "
                     "AND " MAY_DRAW
                     "ORDER BY t.position LIMIT 1", job_id, user_id, NULL);
  if (id < 0)
    return _quorum_store_fail (store), -1;
  if (id == 0)
    return _quorum_store_commit (store, error) ? 0 : -1;
  /* Taking a pass opens its file, or closes it when it was the last one. */
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE tasks SET state = 'assigned', assignee = ?, assigned_at = " NOW ", "
                           "updated_at = " NOW ", version = version + 1 WHERE id = ?",
                           "ii", user_id, id) < 0 ||
      (file_id > 0 && !_quorum_store_update_open_file (store, job_id, file_id, error)))
    return _quorum_store_fail (store), -1;
  return _quorum_store_commit (store, error) ? id : -1;
}

gboolean
quorum_store_is_exam_taker (QuorumStore *store,
                            gint64       job_id,
                            gint64       user_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM tasks WHERE job_id = ? AND taker = ? LIMIT 1",
                                                 "ii", job_id, user_id);

  return row != NULL;
}

gboolean
quorum_store_takes_exam_on_file (QuorumStore *store,
                                 gint64       user_id,
                                 gint64       file_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM tasks WHERE file_id = ? AND taker = ? LIMIT 1",
                                                 "ii", file_id, user_id);

  return row != NULL;
}

/* ---- work ------------------------------------------------------------- */

#define TASK_STATE_COLUMNS "id, job_id AS job, file_id AS file, kind, pass, draw_number, reviews, state, " \
                           "assignee, assigned_at, updated_at, submitted_at, version, comments, " \
                           "taker, rating_json"

JsonObject *
quorum_store_get_task (QuorumStore  *store,
                       gint64        task_id,
                       GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no task %" G_GINT64_FORMAT, task_id);

  return _quorum_store_row (store, what, error,
                            "SELECT " TASK_STATE_COLUMNS ", " QUORUM_STORE_INSTANCES_JSON ("tasks.id") " "
                            "FROM tasks WHERE id = ?",
                            "i", task_id);
}

JsonObject *
quorum_store_get_task_state (QuorumStore  *store,
                             gint64        task_id,
                             GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no task %" G_GINT64_FORMAT, task_id);

  return _quorum_store_row (store, what, error, "SELECT " TASK_STATE_COLUMNS " FROM tasks WHERE id = ?",
                            "i", task_id);
}

JsonNode *
quorum_store_file_draws (QuorumStore  *store,
                         gint64        job_id,
                         gint64        file_id,
                         GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT tasks.id AS id, pass, state, assignee, users.name AS annotator, "
                             "submitted_at, version, " QUORUM_STORE_INSTANCES_JSON ("tasks.id") " FROM tasks "
                             "LEFT JOIN users ON users.id = tasks.assignee "
                             "WHERE job_id = ? AND file_id = ? AND kind = 'draw' ORDER BY pass",
                             "ii", job_id, file_id);
}

/* Checks that @task is @user_id's, at @version, in one of @states. A
 * @version of NO_VERSION is not checked: for the writes whose version is
 * optional (a review's decision and rating; the others call
 * require_version first); any other below 1 is refused, never taken as
 * "do not check". */
static gboolean
check_task (JsonObject  *task,
            gint64       user_id,
            gint64       version,
            const char  *states,
            GError     **error)
{
  g_auto(GStrv) allowed = g_strsplit (states, ",", -1);
  JsonNode *assignee = json_object_get_member (task, "assignee");

  if (version != NO_VERSION && version < 1)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "version: must be a whole number of at least 1, not %" G_GINT64_FORMAT, version);
      return FALSE;
    }
  if (JSON_NODE_HOLDS_NULL (assignee) || json_node_get_int (assignee) != user_id)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN, "the task is not assigned to you");
      return FALSE;
    }
  if (version != NO_VERSION && json_object_get_int_member (task, "version") != version)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT,
                   "version: the task is at version %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT,
                   json_object_get_int_member (task, "version"), version);
      return FALSE;
    }
  if (!g_strv_contains ((const char * const *) allowed, json_object_get_string_member (task, "state")))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE, "state: the task is %s",
                   json_object_get_string_member (task, "state"));
      return FALSE;
    }
  return TRUE;
}

/* A save of the task's instances, whole or a delta: checks, then counts
 * the write. */
static gboolean
begin_save (QuorumStore  *store,
            gint64        task_id,
            gint64        user_id,
            gint64        version,
            GError      **error)
{
  g_autoptr(JsonObject) task = NULL;

  if (!require_version (version, error) || !_quorum_store_begin (store, error))
    return FALSE;
  if ((task = quorum_store_get_task_state (store, task_id, error)) == NULL ||
      !check_task (task, user_id, version, "assigned,in_progress,rejected", error) ||
      _quorum_store_write (store, NULL, error,
                           "UPDATE tasks SET version = version + 1, updated_at = " NOW ", "
                           "state = 'in_progress' WHERE id = ?", "i", task_id) < 0)
    return _quorum_store_fail (store);
  return TRUE;
}

gint64
quorum_store_save_task (QuorumStore  *store,
                        gint64        task_id,
                        gint64        user_id,
                        gint64        version,
                        GPtrArray    *instances,
                        const char   *author,
                        GString      *written,
                        GError      **error)
{
  if (!begin_save (store, task_id, user_id, version, error))
    return -1;
  if (!_quorum_store_replace_instances (store, task_id, instances, author, written, error) ||
      !_quorum_store_commit (store, error))
    return _quorum_store_fail (store), -1;
  return version + 1;
}

gint64
quorum_store_patch_task (QuorumStore         *store,
                         gint64               task_id,
                         gint64               user_id,
                         gint64               version,
                         GPtrArray           *upsert,
                         const char * const  *delete_ids,
                         const char          *author,
                         GError             **error)
{
  if (!begin_save (store, task_id, user_id, version, error))
    return -1;
  if (!_quorum_store_apply_delta (store, task_id, upsert, delete_ids, author, error) ||
      !_quorum_store_commit (store, error))
    return _quorum_store_fail (store), -1;
  return version + 1;
}

/* After a draw task is accepted: a file whose draws are all accepted opens
 * its consensus task; a job with nothing left open is complete, but for an
 * exam, which stays open to new takers until its owner closes it. */
static gboolean
after_accept (QuorumStore  *store,
              gint64        job_id,
              gint64        file_id,
              GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "UPDATE tasks SET state = CASE WHEN assignee IS NULL THEN 'available' "
                              "ELSE 'assigned' END, version = version + 1 "
                              "WHERE job_id = ?1 AND file_id = ?2 AND kind = 'consensus' AND state = 'waiting' "
                              "AND NOT EXISTS (SELECT 1 FROM tasks d WHERE d.job_id = ?1 AND d.file_id = ?2 "
                              "  AND d.kind = 'draw' AND d.state != 'accepted')",
                              "ii", job_id, file_id) >= 0 &&
         _quorum_store_write (store, NULL, error,
                              "UPDATE jobs SET state = 'complete' WHERE id = ?1 AND state = 'launched' "
                              "AND json_extract(settings_json, '$.type') IS DISTINCT FROM 'exam' "
                              "AND NOT EXISTS (SELECT 1 FROM tasks WHERE job_id = ?1 AND state IN "
                              "  ('waiting', 'available', 'assigned', 'in_progress', 'submitted', 'rejected'))",
                              "i", job_id) >= 0;
}

gboolean
quorum_store_submit_task (QuorumStore  *store,
                          gint64        task_id,
                          gint64        user_id,
                          gint64        version,
                          GError      **error)
{
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) review = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!require_version (version, error) || !_quorum_store_begin (store, error))
    return FALSE;
  if ((task = quorum_store_get_task_state (store, task_id, error)) == NULL ||
      !check_task (task, user_id, version, "assigned,in_progress,rejected", error))
    return _quorum_store_fail (store);
  if (!g_str_equal (json_object_get_string_member (task, "kind"), "draw"))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           "kind: a review is accepted or rejected, not submitted");
      return _quorum_store_fail (store);
    }
  review = _quorum_store_row (store, "", &local_error,
                              "SELECT id, assignee FROM tasks WHERE reviews = ?", "i", task_id);
  if (review != NULL)
    {
      /* A review that was under way goes back to the same reviewer. */
      if (_quorum_store_write (store, NULL, error,
                               "UPDATE tasks SET state = 'submitted', submitted_at = " NOW ", updated_at = " NOW ", "
                               "version = version + 1 WHERE id = ?", "i", task_id) < 0 ||
          _quorum_store_write (store, NULL, error,
                               "UPDATE tasks SET state = CASE WHEN assignee IS NULL THEN 'available' "
                               "ELSE 'assigned' END, updated_at = " NOW ", version = version + 1 WHERE id = ?",
                               "i", json_object_get_int_member (review, "id")) < 0)
        return _quorum_store_fail (store);
    }
  else if (_quorum_store_write (store, NULL, error,
                                "UPDATE tasks SET state = 'accepted', submitted_at = " NOW ", updated_at = " NOW ", "
                                "version = version + 1 WHERE id = ?", "i", task_id) < 0 ||
           !after_accept (store, json_object_get_int_member (task, "job"),
                          json_object_get_int_member (task, "file"), error))
    return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}

gboolean
quorum_store_review_task (QuorumStore  *store,
                          gint64        review_task_id,
                          gint64        user_id,
                          gint64        version,
                          gboolean      accept,
                          const char   *comments,
                          GError      **error)
{
  g_autoptr(JsonObject) review = NULL;
  gint64 draw_id;

  if (!_quorum_store_begin (store, error))
    return FALSE;
  if ((review = quorum_store_get_task_state (store, review_task_id, error)) == NULL ||
      !check_task (review, user_id, version, "assigned,in_progress", error))
    return _quorum_store_fail (store);
  if (g_str_equal (json_object_get_string_member (review, "kind"), "consensus"))
    {
      gint64 job_id = json_object_get_int_member (review, "job");
      gint64 file_id = json_object_get_int_member (review, "file");

      if (accept)
        {
          /* The consensus task's instances are the file's output. */
          if (_quorum_store_write (store, NULL, error,
                                   "UPDATE tasks SET state = 'complete', comments = ?, updated_at = " NOW ", "
                                   "version = version + 1 WHERE id = ?", "si", comments, review_task_id) < 0 ||
              !after_accept (store, job_id, file_id, error))
            return _quorum_store_fail (store);
        }
      /* Rejecting a consensus task sends the file back to all its
       * annotators; the agreement is computed again when they are done. */
      else if (_quorum_store_write (store, NULL, error,
                                    "UPDATE tasks SET state = 'waiting', comments = ?, updated_at = " NOW ", "
                                    "version = version + 1 WHERE id = ?", "si", comments, review_task_id) < 0 ||
               _quorum_store_write (store, NULL, error,
                                    "UPDATE tasks SET state = 'rejected', comments = ?, updated_at = " NOW ", "
                                    "version = version + 1 WHERE job_id = ? AND file_id = ? AND kind = 'draw'",
                                    "sii", comments, job_id, file_id) < 0 ||
               _quorum_store_write (store, NULL, error, "DELETE FROM consensus_scores WHERE task_id = ?",
                                    "i", review_task_id) < 0)
        return _quorum_store_fail (store);
      return _quorum_store_commit (store, error);
    }
  if (!g_str_equal (json_object_get_string_member (review, "kind"), "review"))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE, "kind: a draw task is submitted, not reviewed");
      return _quorum_store_fail (store);
    }
  draw_id = json_object_get_int_member (review, "reviews");
  if (accept)
    {
      if (_quorum_store_write (store, NULL, error,
                               "UPDATE tasks SET state = 'complete', comments = ?, updated_at = " NOW ", "
                               "version = version + 1 WHERE id = ?", "si", comments, review_task_id) < 0 ||
          _quorum_store_write (store, NULL, error,
                               "UPDATE tasks SET state = 'accepted', version = version + 1 WHERE id = ?",
                               "i", draw_id) < 0 ||
          !after_accept (store, json_object_get_int_member (review, "job"),
                         json_object_get_int_member (review, "file"), error))
        return _quorum_store_fail (store);
    }
  else
    {
      /* Back to its annotator with the comments; the review waits for the
       * resubmission and stays with this reviewer. */
      if (_quorum_store_write (store, NULL, error,
                               "UPDATE tasks SET state = 'waiting', comments = ?, updated_at = " NOW ", "
                               "version = version + 1 WHERE id = ?", "si", comments, review_task_id) < 0 ||
          _quorum_store_write (store, NULL, error,
                               "UPDATE tasks SET state = 'rejected', comments = ?, updated_at = " NOW ", "
                               "version = version + 1 WHERE id = ?", "si", comments, draw_id) < 0)
        return _quorum_store_fail (store);
    }
  return _quorum_store_commit (store, error);
}

/* ---- consensus -------------------------------------------------------- */

JsonNode *
quorum_store_consensus_waiting_for_scores (QuorumStore  *store,
                                           GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT tasks.id AS id, tasks.job_id AS job, tasks.file_id AS file FROM tasks "
                             "WHERE kind = 'consensus' AND state IN ('available', 'assigned', 'in_progress') "
                             "AND NOT EXISTS (SELECT 1 FROM consensus_scores WHERE task_id = tasks.id)", NULL);
}

gboolean
quorum_store_set_consensus_scores (QuorumStore  *store,
                                   gint64        task_id,
                                   const char   *scores_json,
                                   const char   *preselected_json,
                                   GError      **error)
{
  if (!_quorum_store_begin (store, error))
    return FALSE;
  if (_quorum_store_write (store, NULL, error,
                           "INSERT INTO consensus_scores (task_id, scores_json, computed) "
                           "VALUES (?, ?, " NOW ") ON CONFLICT (task_id) DO UPDATE "
                           "SET scores_json = excluded.scores_json, computed = excluded.computed",
                           "is", task_id, scores_json) < 0)
    return _quorum_store_fail (store);
  /* Best Annotator starts from the best version, unless the reviewer has
   * already begun a version of their own. */
  if (preselected_json != NULL && !_quorum_store_task_has_instances (store, task_id) &&
      (_quorum_store_write (store, NULL, error, "UPDATE tasks SET version = version + 1 WHERE id = ?",
                            "i", task_id) < 0 ||
       !_quorum_store_replace_instances_json (store, task_id, preselected_json, error)))
    return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}

JsonNode *
quorum_store_get_consensus_scores (QuorumStore *store,
                                   gint64       task_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT scores_json FROM consensus_scores WHERE task_id = ?",
                                                 "i", task_id);

  return row != NULL ? json_node_copy (json_object_get_member (row, "scores")) : NULL;
}

JsonNode *
quorum_store_job_outputs (QuorumStore  *store,
                          gint64        job_id,
                          GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT tasks.id AS id, tasks.file_id AS file, files.name AS name, files.width AS width, "
                             "files.height AS height, files.frames AS frames, files.fps AS fps, tasks.kind AS kind, "
                             "tasks.pass AS pass, tasks.state AS state, users.name AS annotator, "
                             "tasks.submitted_at AS submitted_at, " QUORUM_STORE_INSTANCES_JSON ("tasks.id") ", "
                             "consensus_scores.scores_json AS scores_json "
                             "FROM tasks JOIN files ON files.id = tasks.file_id "
                             "JOIN job_files ON job_files.job_id = tasks.job_id AND job_files.file_id = tasks.file_id "
                             "LEFT JOIN users ON users.id = tasks.assignee "
                             "LEFT JOIN consensus_scores ON consensus_scores.task_id = tasks.id "
                             "WHERE tasks.job_id = ? AND tasks.kind IN ('draw', 'consensus') "
                             "AND (tasks.taker IS NULL OR tasks.taker > 0) "
                             "ORDER BY job_files.position, tasks.kind DESC, tasks.pass", "i", job_id);
}

gboolean
quorum_store_has_task_on_file (QuorumStore *store,
                               gint64       user_id,
                               gint64       file_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM tasks WHERE assignee = ? AND file_id = ? "
                                                 "LIMIT 1", "ii", user_id, file_id);

  return row != NULL;
}

/* ---- consensus review helpers ----------------------------------------- */

/* Records @best_task_id as the version the reviewer marked best; the best
 * by score stays in "scored_best". */
static gboolean
mark_best (QuorumStore  *store,
           gint64        task_id,
           gint64        best_task_id,
           GError      **error)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT scores_json FROM consensus_scores WHERE task_id = ?",
                                                 "i", task_id);
  g_autoptr(JsonNode) scores = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;

  if (row == NULL || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "scores")))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           "scores: the agreement of the passes is still being computed; try again in a moment");
      return FALSE;
    }
  scores = json_node_copy (json_object_get_member (row, "scores"));
  object = json_node_get_object (scores);
  if (!json_object_has_member (object, "scored_best"))
    json_object_set_member (object, "scored_best", json_node_copy (json_object_get_member (object, "best")));
  json_object_set_int_member (object, "best", best_task_id);
  text = quorum_wire_to_string (scores, FALSE);
  return _quorum_store_write (store, NULL, error,
                              "UPDATE consensus_scores SET scores_json = ? WHERE task_id = ?",
                              "si", text, task_id) >= 0;
}

/* Opens the transaction of a write on a consensus task by its assignee at
 * @version; on a refusal nothing is left open. */
static gboolean
begin_consensus_write (QuorumStore  *store,
                       gint64        task_id,
                       gint64        user_id,
                       gint64        version,
                       GError      **error)
{
  g_autoptr(JsonObject) task = NULL;

  if (!require_version (version, error) || !_quorum_store_begin (store, error))
    return FALSE;
  if ((task = quorum_store_get_task_state (store, task_id, error)) == NULL ||
      !check_task (task, user_id, version, "assigned,in_progress", error))
    return _quorum_store_fail (store);
  if (!g_str_equal (json_object_get_string_member (task, "kind"), "consensus"))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE, "kind: task %" G_GINT64_FORMAT " is a %s task, "
                   "not a consensus task", task_id, json_object_get_string_member (task, "kind"));
      return _quorum_store_fail (store);
    }
  return TRUE;
}

gint64
quorum_store_save_consensus (QuorumStore  *store,
                             gint64        task_id,
                             gint64        user_id,
                             gint64        version,
                             const char   *instances_json,
                             gint64        best_task_id,
                             GError      **error)
{
  if (!begin_consensus_write (store, task_id, user_id, version, error))
    return -1;
  /* What Undo brings back: the output and the scores before this step;
   * the newest CONSENSUS_UNDO_DEPTH steps are kept. */
  if (_quorum_store_write (store, NULL, error,
                           "INSERT INTO consensus_undo (task_id, instances_json, scores_json) "
                           "SELECT ?, " QUORUM_STORE_INSTANCES_JSON ("?") ", "
                           "(SELECT scores_json FROM consensus_scores WHERE task_id = ?)",
                           "iii", task_id, task_id, task_id) < 0 ||
      _quorum_store_write (store, NULL, error,
                           "DELETE FROM consensus_undo WHERE task_id = ? AND id NOT IN "
                           "(SELECT id FROM consensus_undo WHERE task_id = ? ORDER BY id DESC LIMIT ?)",
                           "iii", task_id, task_id, (gint64) CONSENSUS_UNDO_DEPTH) < 0 ||
      (best_task_id > 0 && !mark_best (store, task_id, best_task_id, error)) ||
      _quorum_store_write (store, NULL, error,
                           "UPDATE tasks SET version = version + 1, updated_at = " NOW ", "
                           "state = 'in_progress' WHERE id = ?", "i", task_id) < 0 ||
      !_quorum_store_replace_instances_json (store, task_id, instances_json, error) ||
      !_quorum_store_commit (store, error))
    return _quorum_store_fail (store), -1;
  return version + 1;
}

/* How many review steps of the consensus task Undo can take back. */
gint64
quorum_store_consensus_undo_depth (QuorumStore *store,
                                   gint64       task_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT count(*) AS n FROM consensus_undo WHERE task_id = ?",
                                                 "i", task_id);

  return row != NULL ? json_object_get_int_member (row, "n") : 0;
}

/* Undo of the last review step of a consensus task: its output and scores
 * as they were before it, as a new version (the version checked as for a
 * save). What was saved by hand since the step goes with it. */
gint64
quorum_store_undo_consensus (QuorumStore  *store,
                             gint64        task_id,
                             gint64        user_id,
                             gint64        version,
                             GError      **error)
{
  g_autoptr(JsonObject) row = NULL;
  JsonNode *scores;
  g_autofree char *scores_text = NULL;

  if (!begin_consensus_write (store, task_id, user_id, version, error))
    return -1;
  row = _quorum_store_row (store, "", NULL,
                           "SELECT id, instances_json AS instances_text, scores_json FROM consensus_undo WHERE task_id = ? "
                           "ORDER BY id DESC LIMIT 1", "i", task_id);
  if (row == NULL)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE, "undo: there is no review step to undo");
      return _quorum_store_fail (store), -1;
    }
  scores = json_object_get_member (row, "scores");
  if (scores != NULL && !JSON_NODE_HOLDS_NULL (scores))
    scores_text = quorum_wire_to_string (scores, FALSE);
  if ((scores_text != NULL &&
       _quorum_store_write (store, NULL, error, "UPDATE consensus_scores SET scores_json = ? WHERE task_id = ?",
                            "si", scores_text, task_id) < 0) ||
      _quorum_store_write (store, NULL, error,
                           "UPDATE tasks SET version = version + 1, updated_at = " NOW ", "
                           "state = 'in_progress' WHERE id = ?", "i", task_id) < 0 ||
      !_quorum_store_replace_instances_json (store, task_id,
                                             json_object_get_string_member (row, "instances_text"), error) ||
      _quorum_store_write (store, NULL, error, "DELETE FROM consensus_undo WHERE id = ?", "i",
                           json_object_get_int_member (row, "id")) < 0 ||
      !_quorum_store_commit (store, error))
    return _quorum_store_fail (store), -1;
  return version + 1;
}

/* ---- COCO import ------------------------------------------------------ */

gboolean
quorum_store_import_existing (QuorumStore  *store,
                              const gint64 *file_ids,
                              const char  **instances_json,
                              guint         n_files,
                              GError      **error)
{
  if (!_quorum_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < n_files; i++)
    if (_quorum_store_write (store, NULL, error, "UPDATE files SET existing_json = ? WHERE id = ?",
                             "si", instances_json[i], file_ids[i]) < 0)
      return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}
