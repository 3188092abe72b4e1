/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include "quorum-error.h"
#include "quorum-store-private.h"

#define NOW "CAST(strftime('%s', 'now') AS INTEGER)"

JsonNode *
quorum_store_job_tasks (QuorumStore  *store,
                        gint64        job_id,
                        GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT tasks.id AS id, tasks.kind AS kind, tasks.file_id AS file, "
                             "files.name AS file_name, tasks.pass AS pass, tasks.draw_number AS draw_number, "
                             "tasks.reviews AS reviews, tasks.state AS state, tasks.assignee AS assignee, "
                             "users.name AS assignee_name, tasks.version AS version, tasks.updated_at AS updated "
                             "FROM tasks JOIN files ON files.id = tasks.file_id "
                             "LEFT JOIN users ON users.id = tasks.assignee "
                             "WHERE tasks.job_id = ? ORDER BY tasks.position, tasks.id", "i", job_id);
}

JsonNode *
quorum_store_user_tasks (QuorumStore  *store,
                         gint64        user_id,
                         GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT tasks.id AS id, tasks.job_id AS job, "
                             "json_extract(jobs.settings_json, '$.name') AS job_name, "
                             "COALESCE(json_extract(jobs.settings_json, '$.type'), 'normal') AS job_type, "
                             "jobs.project_id AS project, tasks.file_id AS file, files.name AS file_name, "
                             "tasks.kind AS kind, tasks.pass AS pass, tasks.state AS state, "
                             "tasks.version AS version, tasks.updated_at AS updated "
                             "FROM tasks JOIN jobs ON jobs.id = tasks.job_id "
                             "JOIN files ON files.id = tasks.file_id "
                             "WHERE tasks.assignee = ? AND tasks.state IN ('assigned', 'in_progress', 'rejected') "
                             "AND jobs.state = 'launched' "
                             "ORDER BY tasks.job_id, tasks.position", "i", user_id);
}

JsonNode *
quorum_store_user_done_tasks (QuorumStore  *store,
                              gint64        user_id,
                              guint         limit,
                              GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT tasks.id AS id, tasks.job_id AS job, "
                             "json_extract(jobs.settings_json, '$.name') AS job_name, "
                             "COALESCE(json_extract(jobs.settings_json, '$.type'), 'normal') AS job_type, "
                             "jobs.project_id AS project, tasks.file_id AS file, files.name AS file_name, "
                             "tasks.kind AS kind, tasks.pass AS pass, tasks.state AS state, "
                             "tasks.version AS version, tasks.updated_at AS updated "
                             "FROM tasks JOIN jobs ON jobs.id = tasks.job_id "
                             "JOIN files ON files.id = tasks.file_id "
                             "WHERE tasks.assignee = ? AND tasks.state IN ('submitted', 'accepted', 'complete') "
                             "AND jobs.state = 'launched' "
                             "ORDER BY tasks.updated_at DESC, tasks.id DESC LIMIT ?", "ii", user_id, (gint64) limit);
}

/* Whether @user_id holds a task of @kinds on the task's file in its job,
 * other than @except. */
static gboolean
holds_on_file (QuorumStore *store,
               JsonObject  *task,
               gint64       user_id,
               const char  *kind,
               gint64       except)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM tasks WHERE job_id = ? AND file_id = ? "
                                                 "AND kind = ? AND assignee = ? AND id != ? LIMIT 1",
                                                 "iisii", json_object_get_int_member (task, "job"),
                                                 json_object_get_int_member (task, "file"), kind, user_id,
                                                 except);

  return row != NULL;
}

gboolean
quorum_store_assign_task (QuorumStore  *store,
                          gint64        task_id,
                          gint64        user_id,
                          GError      **error)
{
  g_autoptr(JsonObject) task = NULL;
  const char *kind, *state;
  JsonNode *taker;

  if (!_quorum_store_begin (store, error))
    return FALSE;
  if ((task = quorum_store_get_task (store, task_id, error)) == NULL)
    return _quorum_store_fail (store);
  kind = json_object_get_string_member (task, "kind");
  state = json_object_get_string_member (task, "state");
  taker = json_object_get_member (task, "taker");
  if (g_str_equal (kind, "draw") && taker != NULL && !JSON_NODE_HOLDS_NULL (taker))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           "the draw tasks of an exam belong to the taker who applied");
      return _quorum_store_fail (store);
    }
  if (!g_str_equal (state, "waiting") && !g_str_equal (state, "available") &&
      !g_str_equal (state, "assigned") && !g_str_equal (state, "in_progress"))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE, "state: the task is %s; only a task not yet "
                   "submitted can be assigned", state);
      return _quorum_store_fail (store);
    }
  /* The rules of DESIGN §2 that hold even for an admin's hand. */
  if (g_str_equal (kind, "draw") &&
      (holds_on_file (store, task, user_id, "draw", task_id) ||
       holds_on_file (store, task, user_id, "consensus", task_id)))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "user: user %" G_GINT64_FORMAT " already works on this file; one person never draws two "
                   "passes of a file nor draws a file they bring to consensus", user_id);
      return _quorum_store_fail (store);
    }
  if (g_str_equal (kind, "draw"))
    {
      g_autoptr(JsonObject) review = _quorum_store_row (store, "", NULL,
                                                        "SELECT 1 AS yes FROM tasks "
                                                        "WHERE reviews = ? AND assignee = ?",
                                                        "ii", task_id, user_id);

      if (review != NULL)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                       "user: user %" G_GINT64_FORMAT " reviews this draw task; "
                       "nobody reviews their own work", user_id);
          return _quorum_store_fail (store);
        }
      /* Blind labelling: a reviewer has seen a pass of the file. */
      if (holds_on_file (store, task, user_id, "review", task_id))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                       "user: user %" G_GINT64_FORMAT " reviews a pass of this file; "
                       "nobody draws a file whose work they have seen", user_id);
          return _quorum_store_fail (store);
        }
    }
  if (g_str_equal (kind, "review"))
    {
      g_autoptr(JsonObject) draw = quorum_store_get_task (store, json_object_get_int_member (task, "reviews"),
                                                          error);
      JsonNode *drawer;

      if (draw == NULL)
        return _quorum_store_fail (store);
      drawer = json_object_get_member (draw, "assignee");
      if (!JSON_NODE_HOLDS_NULL (drawer) && json_node_get_int (drawer) == user_id)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                       "user: user %" G_GINT64_FORMAT " drew the task this review reviews; "
                       "nobody reviews their own work", user_id);
          return _quorum_store_fail (store);
        }
      /* A review shows another annotator's pass of the file: not to one of
       * its annotators, whom blind labelling keeps from seeing it. */
      if (holds_on_file (store, task, user_id, "draw", task_id))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                       "user: user %" G_GINT64_FORMAT " draws a pass of this file; nobody reviews "
                       "a file they annotate", user_id);
          return _quorum_store_fail (store);
        }
      if (quorum_store_is_exam_taker (store, json_object_get_int_member (task, "job"), user_id))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                       "user: user %" G_GINT64_FORMAT " takes this exam; its reviews show the gold", user_id);
          return _quorum_store_fail (store);
        }
    }
  if (g_str_equal (kind, "consensus") && holds_on_file (store, task, user_id, "draw", task_id))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "user: user %" G_GINT64_FORMAT " is one of the file's annotators; "
                   "a consensus reviewer never is", user_id);
      return _quorum_store_fail (store);
    }
  /* A task still waiting for its inputs keeps waiting, with its assignee
   * already chosen; it opens to them (see submit). */
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE tasks SET assignee = ?, assigned_at = " NOW ", updated_at = " NOW ", "
                           "state = CASE WHEN state = 'available' THEN 'assigned' ELSE state END, "
                           "version = version + 1 WHERE id = ?", "ii", user_id, task_id) < 0 ||
      !_quorum_store_update_open_file (store, json_object_get_int_member (task, "job"),
                                       json_object_get_int_member (task, "file"), error))
    return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}

/* More readers than the minimum: a draw task (a pass) of @file_id in
 * @job_id added for @user_id by hand, while the file's consensus still
 * waits for its passes, so that it waits for this one too and scores it
 * with the rest. The rules of DESIGN §2 hold as for any assignment. An
 * added pass is not reviewed: the review frequency counts the planned
 * passes. Returns the new task's id, or 0 and an error. */
gint64
quorum_store_add_reader (QuorumStore  *store,
                         gint64        job_id,
                         gint64        file_id,
                         gint64        user_id,
                         GError      **error)
{
  g_autoptr(JsonObject) consensus = NULL;
  g_autoptr(JsonObject) place = json_object_new ();
  gint64 id;

  if (!_quorum_store_begin (store, error))
    return 0;
  consensus = _quorum_store_row (store, "", NULL,
                                 "SELECT id, state FROM tasks WHERE job_id = ? AND file_id = ? AND kind = 'consensus'",
                                 "ii", job_id, file_id);
  if (consensus == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "file: no file %" G_GINT64_FORMAT " with a "
                   "consensus in job %" G_GINT64_FORMAT, file_id, job_id);
      return _quorum_store_fail (store), 0;
    }
  if (!g_str_equal (json_object_get_string_member (consensus, "state"), "waiting"))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           "state: the file's consensus has begun; readers are added while its passes are drawn");
      return _quorum_store_fail (store), 0;
    }
  json_object_set_int_member (place, "job", job_id);
  json_object_set_int_member (place, "file", file_id);
  if (holds_on_file (store, place, user_id, "draw", 0) || holds_on_file (store, place, user_id, "consensus", 0))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "user: user %" G_GINT64_FORMAT " already works on this file; one person never draws two "
                   "passes of a file nor draws a file they bring to consensus", user_id);
      return _quorum_store_fail (store), 0;
    }
  if (holds_on_file (store, place, user_id, "review", 0))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "user: user %" G_GINT64_FORMAT " reviews a pass of this file; "
                   "nobody draws a file whose work they have seen", user_id);
      return _quorum_store_fail (store), 0;
    }
  id = _quorum_store_write (store, NULL, error,
                            "INSERT INTO tasks (job_id, file_id, position, kind, pass, draw_number, state, assignee, "
                            "assigned_at, updated_at) VALUES (?1, ?2, "
                            "(SELECT max(position) + 1 FROM tasks WHERE job_id = ?1), 'draw', "
                            "(SELECT max(pass) + 1 FROM tasks WHERE job_id = ?1 AND file_id = ?2 AND kind = 'draw'), "
                            "0, 'assigned', ?3, " NOW ", " NOW ")",
                            "iii", job_id, file_id, user_id);
  if (id < 0 || !_quorum_store_update_open_file (store, job_id, file_id, error) ||
      !_quorum_store_commit (store, error))
    return _quorum_store_fail (store), 0;
  return id;
}

gboolean
_quorum_store_release_task_in_transaction (QuorumStore  *store,
                                           gint64        task_id,
                                           GError      **error)
{
  g_autoptr(JsonObject) task = NULL;
  const char *state;
  JsonNode *taker;

  if ((task = quorum_store_get_task (store, task_id, error)) == NULL)
    return FALSE;
  state = json_object_get_string_member (task, "state");
  taker = json_object_get_member (task, "taker");
  if (g_str_equal (json_object_get_string_member (task, "kind"), "draw") &&
      taker != NULL && !JSON_NODE_HOLDS_NULL (taker))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           "the draw tasks of an exam belong to the taker who applied");
      return FALSE;
    }
  if (JSON_NODE_HOLDS_NULL (json_object_get_member (task, "assignee")))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE, "assignee: the task is not assigned");
      return FALSE;
    }
  if (!g_str_equal (state, "waiting") && !g_str_equal (state, "assigned") && !g_str_equal (state, "in_progress"))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "state: the task is %s; only a task not yet submitted can be released", state);
      return FALSE;
    }
  /* Blind labelling: the next annotator of a released draw starts from
   * nothing; what the last one saved is kept aside, not lost. */
  if (g_str_equal (json_object_get_string_member (task, "kind"), "draw") &&
      (_quorum_store_write (store, NULL, error,
                            "INSERT INTO released_work (task_id, user_id, version, instances_json, released) "
                            "SELECT id, assignee, version, " QUORUM_STORE_INSTANCES_JSON ("tasks.id") ", " NOW " "
                            "FROM tasks WHERE id = ?1 AND EXISTS (SELECT 1 FROM task_instances WHERE task_id = ?1)",
                            "i", task_id) < 0 ||
       _quorum_store_write (store, NULL, error,
                            "DELETE FROM task_instances WHERE task_id = ?", "i", task_id) < 0))
    return FALSE;
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE tasks SET assignee = NULL, assigned_at = NULL, updated_at = " NOW ", "
                           "state = CASE WHEN state = 'waiting' THEN 'waiting' ELSE 'available' END, "
                           "version = version + 1 WHERE id = ?", "i", task_id) < 0 ||
      !_quorum_store_update_open_file (store, json_object_get_int_member (task, "job"),
                                       json_object_get_int_member (task, "file"), error))
    return FALSE;
  return TRUE;
}

gboolean
quorum_store_release_task (QuorumStore  *store,
                           gint64        task_id,
                           GError      **error)
{
  if (!_quorum_store_begin (store, error))
    return FALSE;
  if (!_quorum_store_release_task_in_transaction (store, task_id, error))
    return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}
