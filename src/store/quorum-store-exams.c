/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

/* Standing exams and the credentials they award: every attempt of a person
 * at an exam keeps its own tasks, ratings and decision (docs/exams.md). */

#include <string.h>

#include "quorum-error.h"
#include "quorum-store-private.h"

#define NOW "CAST(strftime('%s', 'now') AS INTEGER)"

/* An attempt with where it stands: its draws still being drawn, its
 * reviews not yet done. */
#define ATTEMPT_COLUMNS \
  "a.id AS id, a.job_id AS job, a.user_id AS user, users.name AS user_name, a.number AS number, " \
  "a.started AS started, a.decision AS decision, a.decided_by AS decided_by, a.decided AS decided, " \
  "CASE WHEN a.decision = 'pass' THEN 'passed' WHEN a.decision = 'fail' THEN 'failed' " \
  "  WHEN (SELECT count(*) FROM tasks t WHERE t.attempt = a.id AND t.kind = 'draw' " \
  "        AND t.state NOT IN ('submitted', 'accepted', 'complete')) > 0 THEN 'in_progress' " \
  "  WHEN (SELECT count(*) FROM tasks t WHERE t.attempt = a.id AND t.kind = 'review' " \
  "        AND t.state != 'complete') > 0 THEN 'submitted' " \
  "  ELSE 'reviewed' END AS state "

gint64
quorum_store_apply_exam (QuorumStore  *store,
                         gint64        job_id,
                         gint64        taker,
                         GArray       *plan,
                         gint          max_attempts,
                         gint64        retake_wait,
                         gint64       *number,
                         GError      **error)
{
  g_autoptr(JsonNode) files = NULL;
  g_autoptr(JsonObject) last = NULL;
  gint64 attempt, next = 1;

  if (!_quorum_store_begin (store, error))
    return -1;
  last = _quorum_store_row (store, "", NULL,
                            "SELECT number, decision, decided, " NOW " AS now FROM exam_attempts "
                            "WHERE job_id = ? AND user_id = ? ORDER BY number DESC LIMIT 1",
                            "ii", job_id, taker);
  if (last != NULL)
    {
      gint64 done = json_object_get_int_member (last, "number");

      if (JSON_NODE_HOLDS_NULL (json_object_get_member (last, "decision")))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT,
                       "your attempt %" G_GINT64_FORMAT " at this exam is not decided yet; "
                       "finish it and wait for the trainer's decision", done);
          return _quorum_store_fail (store), -1;
        }
      if (done >= max_attempts)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                       "max_attempts: you have made all %d attempts this exam allows", max_attempts);
          return _quorum_store_fail (store), -1;
        }
      if (json_object_get_int_member (last, "decided") + retake_wait > json_object_get_int_member (last, "now"))
        {
          gint64 left = json_object_get_int_member (last, "decided") + retake_wait -
                        json_object_get_int_member (last, "now");

          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                       "retake_wait: you may try again in %" G_GINT64_FORMAT " minute%s", (left + 59) / 60,
                       (left + 59) / 60 == 1 ? "" : "s");
          return _quorum_store_fail (store), -1;
        }
      next = done + 1;
    }
  if ((attempt = _quorum_store_write (store, NULL, error,
                                      "INSERT INTO exam_attempts (job_id, user_id, number, started) "
                                      "VALUES (?, ?, ?, " NOW ")", "iii", job_id, taker, next)) < 0 ||
      (files = _quorum_store_rows (store, error, "SELECT file_id FROM job_files WHERE job_id = ? ORDER BY position",
                                   "i", job_id)) == NULL ||
      !_quorum_store_insert_plan (store, job_id, files, plan, taker, attempt, error) ||
      !_quorum_store_commit (store, error))
    return _quorum_store_fail (store), -1;
  if (number != NULL)
    *number = next;
  return attempt;
}

JsonNode *
quorum_store_exam_tasks (QuorumStore  *store,
                         gint64        job_id,
                         GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT r.id AS review, d.id AS draw, d.file_id AS file, d.taker AS taker, "
                             "users.name AS taker_name, d.state AS draw_state, r.state AS review_state, "
                             "r.rating_json AS rating_json, a.id AS attempt, a.number AS number, "
                             "a.decision AS decision "
                             "FROM tasks d JOIN tasks r ON r.reviews = d.id "
                             "JOIN exam_attempts a ON a.id = d.attempt "
                             "JOIN users ON users.id = d.taker "
                             "WHERE d.job_id = ? AND d.kind = 'draw' "
                             "ORDER BY a.id, d.position", "i", job_id);
}

JsonObject *
quorum_store_get_attempt (QuorumStore  *store,
                          gint64        attempt_id,
                          GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no attempt %" G_GINT64_FORMAT, attempt_id);

  return _quorum_store_row (store, what, error,
                            "SELECT " ATTEMPT_COLUMNS "FROM exam_attempts a JOIN users ON users.id = a.user_id "
                            "WHERE a.id = ?", "i", attempt_id);
}

JsonNode *
quorum_store_attempt_tasks (QuorumStore  *store,
                            gint64        attempt_id,
                            GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT d.id AS draw, r.id AS review, d.file_id AS file, files.name AS file_name, "
                             "d.state AS draw_state, r.state AS review_state, r.rating_json AS rating_json, "
                             QUORUM_STORE_INSTANCES_JSON ("d.id") ", r.comments AS comments "
                             "FROM tasks d JOIN tasks r ON r.reviews = d.id JOIN files ON files.id = d.file_id "
                             "WHERE d.attempt = ? AND d.kind = 'draw' ORDER BY d.position", "i", attempt_id);
}

JsonNode *
quorum_store_user_attempts (QuorumStore  *store,
                            gint64        user_id,
                            GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT " ATTEMPT_COLUMNS "FROM exam_attempts a JOIN users ON users.id = a.user_id "
                             "WHERE a.user_id = ? ORDER BY a.job_id, a.number", "i", user_id);
}

gint64
quorum_store_latest_attempt (QuorumStore *store,
                             gint64       job_id,
                             gint64       user_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT id FROM exam_attempts WHERE job_id = ? AND user_id = ? "
                                                 "ORDER BY number DESC LIMIT 1", "ii", job_id, user_id);

  return row != NULL ? json_object_get_int_member (row, "id") : 0;
}

gboolean
quorum_store_decide_attempt (QuorumStore  *store,
                             gint64        attempt_id,
                             gboolean      pass,
                             gint64        decided_by,
                             const gint64 *credential_ids,
                             guint         n_credentials,
                             GError      **error)
{
  g_autoptr(JsonObject) attempt = NULL;

  if (!_quorum_store_begin (store, error))
    return FALSE;
  if ((attempt = quorum_store_get_attempt (store, attempt_id, error)) == NULL)
    return _quorum_store_fail (store);
  if (!JSON_NODE_HOLDS_NULL (json_object_get_member (attempt, "decision")))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "decision: attempt %" G_GINT64_FORMAT " was decided already (%s)", attempt_id,
                   json_object_get_string_member (attempt, "state"));
      return _quorum_store_fail (store);
    }
  if (!g_str_equal (json_object_get_string_member (attempt, "state"), "reviewed"))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "state: attempt %" G_GINT64_FORMAT " is not reviewed yet; decide once every task "
                   "of it is reviewed", attempt_id);
      return _quorum_store_fail (store);
    }
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE exam_attempts SET decision = ?, decided_by = ?, decided = " NOW " "
                           "WHERE id = ?", "sii", pass ? "pass" : "fail", decided_by, attempt_id) < 0)
    return _quorum_store_fail (store);
  for (guint i = 0; pass && i < n_credentials; i++)
    if (_quorum_store_write (store, NULL, error,
                             "INSERT INTO user_credentials (credential_id, user_id, granted_by, granted) "
                             "VALUES (?, ?, ?, " NOW ") ON CONFLICT (credential_id, user_id) DO UPDATE SET "
                             "granted_by = excluded.granted_by, granted = excluded.granted, reason = NULL, revoked = NULL, "
                             "revoked_by = NULL, revoke_reason = NULL",
                             "iii", credential_ids[i], json_object_get_int_member (attempt, "user"),
                             decided_by) < 0)
      return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}

gboolean
quorum_store_close_exam (QuorumStore  *store,
                         gint64        job_id,
                         GError      **error)
{
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE jobs SET state = 'complete' WHERE id = ? AND state = 'launched'",
                           "i", job_id) < 0)
    return FALSE;
  if (_quorum_store_changes (store) == 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           "state: only an open (launched) exam can be closed");
      return FALSE;
    }
  return TRUE;
}

JsonNode *
quorum_store_list_open_exams (QuorumStore  *store,
                              GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT jobs.id AS id, jobs.project_id AS project, projects.org_id AS org, "
                             "jobs.state AS state, jobs.settings_json AS settings_json "
                             "FROM jobs JOIN projects ON projects.id = jobs.project_id "
                             "WHERE jobs.state = 'launched' "
                             "AND json_extract(jobs.settings_json, '$.type') = 'exam' ORDER BY jobs.id", "");
}

/* ---- credentials of organizations -------------------------------------- */

gint64
quorum_store_create_org_credential (QuorumStore  *store,
                                    gint64        org_id,
                                    const char   *name,
                                    const char   *description,
                                    GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("name: the organization already has a credential “%s”", name);

  return _quorum_store_write (store, conflict, error,
                              "INSERT INTO credentials (org_id, name, description) VALUES (?, ?, ?)",
                              "iss", org_id, name, description != NULL ? description : "");
}

JsonNode *
quorum_store_list_org_credentials (QuorumStore  *store,
                                   gint64        org_id,
                                   GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT id, org_id AS org, name, description, "
                             "(SELECT count(*) FROM user_credentials WHERE credential_id = credentials.id "
                             " AND revoked IS NULL) AS holders "
                             "FROM credentials WHERE org_id = ? ORDER BY name",
                             "i", org_id);
}

gint64
quorum_store_find_own_credential (QuorumStore *store,
                                  gint64       project_id,
                                  const char  *name)
{
  /* The project's own, then its organization's. */
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT id FROM credentials WHERE project_id = ?1 AND name = ?2 "
                                                 "UNION ALL SELECT c.id FROM credentials c JOIN projects p "
                                                 "ON p.org_id = c.org_id WHERE p.id = ?1 AND c.name = ?2 LIMIT 1",
                                                 "is", project_id, name);

  return row != NULL ? json_object_get_int_member (row, "id") : 0;
}

gint64
quorum_store_find_credential (QuorumStore *store,
                              gint64       project_id,
                              const char  *spec)
{
  g_autoptr(JsonObject) row = NULL;
  const char *slash = strchr (spec, '/');
  gint64 own = quorum_store_find_own_credential (store, project_id, spec);

  if (own > 0)
    return own;
  if (slash != NULL)
    {
      g_autofree char *org = g_strndup (spec, (gsize) (slash - spec));

      row = _quorum_store_row (store, "", NULL,
                               "SELECT c.id FROM credentials c JOIN orgs ON orgs.id = c.org_id "
                               "WHERE orgs.name = ? AND c.name = ?", "ss", org, slash + 1);
    }
  return row != NULL ? json_object_get_int_member (row, "id") : 0;
}

gboolean
quorum_store_user_holds (QuorumStore *store,
                         gint64       user_id,
                         gint64       credential_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM user_credentials WHERE user_id = ? "
                                                 "AND credential_id = ? AND revoked IS NULL",
                                                 "ii", user_id, credential_id);

  return row != NULL;
}

JsonNode *
quorum_store_held_tasks (QuorumStore  *store,
                         gint64        user_id,
                         GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT tasks.id AS id, tasks.job_id AS job, jobs.project_id AS project, "
                             "jobs.settings_json AS settings_json FROM tasks JOIN jobs ON jobs.id = tasks.job_id "
                             "WHERE tasks.assignee = ? AND tasks.state IN ('assigned', 'in_progress') "
                             "AND jobs.state = 'launched' AND tasks.attempt IS NULL", "i", user_id);
}
