/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include "quorum-error.h"
#include "quorum-store-private.h"

#define NOW "CAST(strftime('%s', 'now') AS INTEGER)"

/* Whether user ?1 reaches the job in `jobs` through its share (DESIGN §2):
 * a launched or complete job shared with its project's organization and ?1
 * a member of it, or a market job that accepted an organization of ?1. A
 * draft is not offered yet and a cancelled job gives no more work. */
#define SHARED_WITH_USER \
  "(jobs.state IN ('launched', 'complete') AND (" \
  "  (json_extract (jobs.settings_json, '$.share') = 'org' AND EXISTS (" \
  "     SELECT 1 FROM org_members WHERE org_members.user_id = ?1 " \
  "     AND org_members.org_id = (SELECT org_id FROM projects WHERE projects.id = jobs.project_id)))" \
  "  OR (json_extract (jobs.settings_json, '$.share') = 'market' AND EXISTS (" \
  "     SELECT 1 FROM job_applications JOIN org_members " \
  "     ON org_members.org_id = job_applications.org_id " \
  "     WHERE job_applications.job_id = jobs.id AND job_applications.state = 'accepted' " \
  "     AND org_members.user_id = ?1))))"

#define APPLICATION_COLUMNS \
  "job_applications.org_id AS org, orgs.name AS org_name, job_applications.state AS state, " \
  "job_applications.applied AS applied, job_applications.decided AS decided, " \
  "job_applications.message AS message"

JsonObject *
quorum_store_get_org (QuorumStore  *store,
                      gint64        org_id,
                      GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no organization %" G_GINT64_FORMAT, org_id);

  return _quorum_store_row (store, what, error, "SELECT id, name, created FROM orgs WHERE id = ?",
                            "i", org_id);
}

gboolean
quorum_store_is_org_member (QuorumStore *store,
                            gint64       org_id,
                            gint64       user_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM org_members "
                                                 "WHERE org_id = ? AND user_id = ?",
                                                 "ii", org_id, user_id);

  return row != NULL;
}

gboolean
quorum_store_job_shared_with (QuorumStore *store,
                              gint64       job_id,
                              gint64       user_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM jobs WHERE jobs.id = ?2 AND "
                                                 SHARED_WITH_USER, "ii", user_id, job_id);

  return row != NULL;
}

JsonNode *
quorum_store_list_reachable_jobs (QuorumStore  *store,
                                  gint64        user_id,
                                  GError      **error)
{
  if (user_id < 0)
    return _quorum_store_rows (store, error,
                               "SELECT jobs.id AS id, json_extract (jobs.settings_json, '$.name') AS name, "
                               "jobs.project_id AS project, projects.name AS project_name, "
                               "jobs.state AS state, json_extract (jobs.settings_json, '$.share') AS share, json_extract (jobs.settings_json, '$.type') AS type, "
                               "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.kind = 'draw' AND tasks.state = 'available') AS available_draw, "
                               "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.kind = 'review' AND tasks.state = 'available') AS available_review, "
                               "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.kind = 'consensus' AND tasks.state = 'available') AS available_consensus, "
                               "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.state IN ('accepted', 'complete')) AS tasks_done, "
                               "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id) AS tasks_total, "
                               "'admin' AS project_role, 0 AS shared "
                               "FROM jobs JOIN projects ON projects.id = jobs.project_id ORDER BY jobs.id",
                               NULL);
  return _quorum_store_rows (store, error,
                             "SELECT * FROM ("
                             "  SELECT jobs.id AS id, json_extract (jobs.settings_json, '$.name') AS name, "
                             "  jobs.project_id AS project, projects.name AS project_name, "
                             "  jobs.state AS state, json_extract (jobs.settings_json, '$.share') AS share, json_extract (jobs.settings_json, '$.type') AS type, "
                             "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.kind = 'draw' AND tasks.state = 'available') AS available_draw, "
                             "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.kind = 'review' AND tasks.state = 'available') AS available_review, "
                             "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.kind = 'consensus' AND tasks.state = 'available') AS available_consensus, "
                             "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id AND tasks.state IN ('accepted', 'complete')) AS tasks_done, "
                             "(SELECT count(*) FROM tasks WHERE tasks.job_id = jobs.id) AS tasks_total, "
                             "  (SELECT role FROM project_members WHERE project_members.project_id = jobs.project_id "
                             "   AND project_members.user_id = ?1) AS project_role, "
                             "  " SHARED_WITH_USER " AS shared "
                             "  FROM jobs JOIN projects ON projects.id = jobs.project_id) AS visible "
                             "WHERE project_role IS NOT NULL OR shared ORDER BY id",
                             "i", user_id);
}

/* A market job is open while launched and before its deadline (a job put
 * on the market before there were deadlines has none). */
#define MARKET_OPEN \
  "jobs.state = 'launched' AND json_extract (jobs.settings_json, '$.share') = 'market' " \
  "AND (json_extract (jobs.settings_json, '$.market.deadline') IS NULL " \
  "     OR CAST(strftime('%s', json_extract (jobs.settings_json, '$.market.deadline')) AS INTEGER) > " NOW ")"

/* The open market jobs listed after ?2, as the caller ?1 sees them. */
#define MARKET_JOBS \
  "SELECT jobs.id AS id, json_extract (jobs.settings_json, '$.name') AS name, " \
  "jobs.project_id AS project, projects.name AS project_name, " \
  "(SELECT count(*) FROM job_files WHERE job_files.job_id = jobs.id) AS file_count, " \
  "json_extract (jobs.settings_json, '$.market') AS market_json, " \
  "market_listings.seq AS listed, " \
  "(SELECT json_group_array (json_object ('org', job_applications.org_id, " \
  "   'org_name', orgs.name, 'state', job_applications.state)) " \
  " FROM job_applications JOIN orgs ON orgs.id = job_applications.org_id " \
  " JOIN org_members ON org_members.org_id = job_applications.org_id " \
  " AND org_members.user_id = ?1 " \
  " WHERE job_applications.job_id = jobs.id) AS applications_json " \
  "FROM jobs JOIN projects ON projects.id = jobs.project_id " \
  "JOIN market_listings ON market_listings.job_id = jobs.id " \
  "WHERE " MARKET_OPEN " AND market_listings.seq > ?2 "

JsonNode *
quorum_store_list_market_jobs (QuorumStore  *store,
                               gint64        user_id,
                               gint64        since,
                               GError      **error)
{
  return _quorum_store_rows (store, error, MARKET_JOBS "ORDER BY jobs.id", "ii", user_id, since);
}

JsonNode *
quorum_store_list_new_market_jobs (QuorumStore  *store,
                                   gint64        user_id,
                                   gint64        since,
                                   gint64        limit,
                                   GError      **error)
{
  return _quorum_store_rows (store, error, MARKET_JOBS "ORDER BY market_listings.seq LIMIT ?3", "iii",
                             user_id, since, limit);
}

gboolean
quorum_store_market_job_open (QuorumStore *store,
                              gint64       job_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM jobs WHERE jobs.id = ? AND " MARKET_OPEN,
                                                 "i", job_id);

  return row != NULL;
}

gint64
quorum_store_market_cursor (QuorumStore *store)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT coalesce (max (seq), 0) AS seq FROM market_listings",
                                                 NULL);

  return row != NULL ? json_object_get_int_member (row, "seq") : 0;
}

JsonNode *
quorum_store_list_user_orgs (QuorumStore  *store,
                             gint64        user_id,
                             GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT orgs.id AS id, orgs.name AS name FROM orgs "
                             "JOIN org_members ON org_members.org_id = orgs.id "
                             "WHERE org_members.user_id = ? ORDER BY orgs.name, orgs.id",
                             "i", user_id);
}

JsonObject *
quorum_store_get_market_follow (QuorumStore  *store,
                                gint64        org_id,
                                GError      **error)
{
  g_autofree char *what = g_strdup_printf ("organization %" G_GINT64_FORMAT " follows nothing on the market",
                                           org_id);

  return _quorum_store_row (store, what, error,
                            "SELECT follow_json, updated, updated_by FROM market_follows WHERE org_id = ?",
                            "i", org_id);
}

gboolean
quorum_store_set_market_follow (QuorumStore  *store,
                                gint64        org_id,
                                const char   *follow_json,
                                gint64        user_id,
                                GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "INSERT INTO market_follows (org_id, follow_json, updated, updated_by) "
                              "VALUES (?1, ?2, " NOW ", ?3) ON CONFLICT (org_id) DO UPDATE SET "
                              "follow_json = ?2, updated = " NOW ", updated_by = ?3",
                              "isi", org_id, follow_json, user_id) >= 0;
}

gboolean
quorum_store_remove_market_follow (QuorumStore  *store,
                                   gint64        org_id,
                                   GError      **error)
{
  return _quorum_store_write (store, NULL, error, "DELETE FROM market_follows WHERE org_id = ?",
                              "i", org_id) >= 0;
}

JsonObject *
quorum_store_get_application (QuorumStore  *store,
                              gint64        job_id,
                              gint64        org_id,
                              GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no application from organization %" G_GINT64_FORMAT
                                           " to job %" G_GINT64_FORMAT, org_id, job_id);

  return _quorum_store_row (store, what, error,
                            "SELECT " APPLICATION_COLUMNS " FROM job_applications "
                            "JOIN orgs ON orgs.id = job_applications.org_id "
                            "WHERE job_applications.job_id = ? AND job_applications.org_id = ?",
                            "ii", job_id, org_id);
}

gboolean
quorum_store_add_application (QuorumStore  *store,
                              gint64        job_id,
                              gint64        org_id,
                              gint64        applied_by,
                              const char   *message,
                              GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("org: organization %" G_GINT64_FORMAT
                                               " has applied to job %" G_GINT64_FORMAT " already",
                                               org_id, job_id);

  return _quorum_store_write (store, conflict, error,
                              "INSERT INTO job_applications (job_id, org_id, applied_by, applied, message) "
                              "VALUES (?, ?, ?, " NOW ", ?)", "iiis", job_id, org_id, applied_by,
                              message != NULL ? message : "") >= 0;
}

JsonNode *
quorum_store_list_applications (QuorumStore  *store,
                                gint64        job_id,
                                GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT " APPLICATION_COLUMNS " FROM job_applications "
                             "JOIN orgs ON orgs.id = job_applications.org_id "
                             "WHERE job_applications.job_id = ? "
                             "ORDER BY job_applications.applied, job_applications.org_id",
                             "i", job_id);
}

gboolean
quorum_store_decide_application (QuorumStore  *store,
                                 gint64        job_id,
                                 gint64        org_id,
                                 gboolean      accept,
                                 gint64        decided_by,
                                 GError      **error)
{
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE job_applications SET state = ?, decided_by = ?, decided = " NOW " "
                           "WHERE job_id = ? AND org_id = ?",
                           "siii", accept ? "accepted" : "declined", decided_by, job_id, org_id) < 0)
    return FALSE;
  if (_quorum_store_changes (store) == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "no application from organization %" G_GINT64_FORMAT " to job %" G_GINT64_FORMAT,
                   org_id, job_id);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
quorum_store_user_jobs_on_file (QuorumStore  *store,
                                gint64        user_id,
                                gint64        file_id,
                                GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT DISTINCT job_id AS job FROM tasks WHERE assignee = ? AND file_id = ?",
                             "ii", user_id, file_id);
}
