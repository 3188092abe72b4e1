/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include "quorum-error.h"
#include "quorum-store-private.h"

#define PROJECT_COLUMNS "projects.id AS id, projects.name AS name, projects.org_id AS org, " \
                        "projects.labels_json AS labels_json, projects.created AS created"

gint64
quorum_store_create_project (QuorumStore  *store,
                             const char   *name,
                             gint64        org_id,
                             gint64        creator_id,
                             GError      **error)
{
  gint64 id;

  if (!_quorum_store_begin (store, error))
    return -1;
  id = _quorum_store_write (store, NULL, error,
                            "INSERT INTO projects (name, org_id, created) "
                            "VALUES (?, nullif(?, 0), strftime('%s', 'now'))",
                            "si", name, org_id);
  /* Whoever creates a project administers it. */
  if (id < 0 ||
      _quorum_store_write (store, NULL, error,
                           "INSERT INTO project_members (project_id, user_id, role) "
                           "VALUES (?, ?, 'admin')", "ii", id, creator_id) < 0 ||
      !_quorum_store_commit (store, error))
    {
      _quorum_store_rollback (store);
      return -1;
    }
  return id;
}

JsonNode *
quorum_store_list_projects (QuorumStore  *store,
                            gint64        user_id,
                            GError      **error)
{
  if (user_id < 0)
    return _quorum_store_rows (store, error,
                               "SELECT " PROJECT_COLUMNS ", 'admin' AS role FROM projects ORDER BY id",
                               NULL);
  return _quorum_store_rows (store, error,
                             "SELECT " PROJECT_COLUMNS ", project_members.role AS role "
                             "FROM projects JOIN project_members "
                             "ON project_members.project_id = projects.id "
                             "WHERE project_members.user_id = ? ORDER BY projects.id",
                             "i", user_id);
}

JsonObject *
quorum_store_get_project (QuorumStore  *store,
                          gint64        project_id,
                          GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no project %" G_GINT64_FORMAT, project_id);

  return _quorum_store_row (store, what, error,
                            "SELECT " PROJECT_COLUMNS " FROM projects WHERE id = ?", "i", project_id);
}

char *
quorum_store_project_role (QuorumStore *store,
                           gint64       project_id,
                           gint64       user_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT role FROM project_members "
                                                 "WHERE project_id = ? AND user_id = ?",
                                                 "ii", project_id, user_id);

  return row != NULL ? g_strdup (json_object_get_string_member (row, "role")) : NULL;
}

gboolean
quorum_store_set_member (QuorumStore  *store,
                         gint64        project_id,
                         gint64        user_id,
                         const char   *role,
                         GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?) "
                              "ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
                              "iis", project_id, user_id, role) >= 0;
}

gboolean
quorum_store_remove_member (QuorumStore  *store,
                            gint64        project_id,
                            gint64        user_id,
                            GError      **error)
{
  if (_quorum_store_write (store, NULL, error,
                           "DELETE FROM project_members WHERE project_id = ? AND user_id = ?",
                           "ii", project_id, user_id) < 0)
    return FALSE;
  if (_quorum_store_changes (store) == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "user %" G_GINT64_FORMAT " is not a member of project %" G_GINT64_FORMAT,
                   user_id, project_id);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
quorum_store_list_members (QuorumStore  *store,
                           gint64        project_id,
                           GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT users.id AS id, users.name AS name, project_members.role AS role "
                             "FROM project_members JOIN users ON users.id = project_members.user_id "
                             "WHERE project_members.project_id = ? ORDER BY users.name",
                             "i", project_id);
}

gboolean
quorum_store_set_labels (QuorumStore  *store,
                         gint64        project_id,
                         const char   *schema_json,
                         GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "UPDATE projects SET labels_json = ? WHERE id = ?",
                              "si", schema_json, project_id) >= 0;
}

/* How a project's instances use its labels: per label and kind, and per
 * label and attribute set, over every task of its jobs. What a label schema
 * editor warns with before a change leaves instances behind. */
JsonObject *
quorum_store_label_usage (QuorumStore  *store,
                          gint64        project_id,
                          GError      **error)
{
  g_autoptr(JsonNode) labels = NULL;
  g_autoptr(JsonNode) attributes = NULL;
  JsonObject *usage;

  labels = _quorum_store_rows (store, error,
                               "SELECT json_extract(task_instances.body, '$.label') AS label, "
                               "json_extract(task_instances.body, '$.kind') AS kind, count(*) AS instances "
                               "FROM task_instances JOIN tasks ON tasks.id = task_instances.task_id "
                               "JOIN jobs ON jobs.id = tasks.job_id WHERE jobs.project_id = ? "
                               "GROUP BY 1, 2 ORDER BY 1, 2",
                               "i", project_id);
  if (labels == NULL)
    return NULL;
  attributes = _quorum_store_rows (store, error,
                                   "SELECT json_extract(task_instances.body, '$.label') AS label, "
                                   "attribute.key AS attribute, count(*) AS instances "
                                   "FROM task_instances JOIN tasks ON tasks.id = task_instances.task_id "
                                   "JOIN jobs ON jobs.id = tasks.job_id, "
                                   "json_each(task_instances.body, '$.attributes') AS attribute "
                                   "WHERE jobs.project_id = ? GROUP BY 1, 2 ORDER BY 1, 2",
                                   "i", project_id);
  if (attributes == NULL)
    return NULL;
  usage = json_object_new ();
  json_object_set_member (usage, "labels", g_steal_pointer (&labels));
  json_object_set_member (usage, "attributes", g_steal_pointer (&attributes));
  return usage;
}

gint64
quorum_store_create_credential (QuorumStore  *store,
                                gint64        project_id,
                                const char   *name,
                                const char   *description,
                                GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("name: the project already has a credential “%s”", name);

  return _quorum_store_write (store, conflict, error,
                              "INSERT INTO credentials (project_id, name, description) VALUES (?, ?, ?)",
                              "iss", project_id, name, description != NULL ? description : "");
}

JsonObject *
quorum_store_get_credential (QuorumStore  *store,
                             gint64        credential_id,
                             GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no credential %" G_GINT64_FORMAT, credential_id);

  return _quorum_store_row (store, what, error,
                            "SELECT id, project_id AS project, org_id AS org, name, description FROM credentials "
                            "WHERE id = ?", "i", credential_id);
}

JsonNode *
quorum_store_list_credentials (QuorumStore  *store,
                               gint64        project_id,
                               GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT id, project_id AS project, name, description, "
                             "(SELECT count(*) FROM user_credentials WHERE credential_id = credentials.id "
                             " AND revoked IS NULL) AS holders "
                             "FROM credentials WHERE project_id = ? ORDER BY name",
                             "i", project_id);
}

gboolean
quorum_store_grant_credential (QuorumStore  *store,
                               gint64        credential_id,
                               gint64        user_id,
                               gint64        granted_by,
                               const char   *reason,
                               GError      **error)
{
  /* A grant again after a revocation is a new grant: the revocation's
   * record goes with it. */
  return _quorum_store_write (store, NULL, error,
                              "INSERT INTO user_credentials (credential_id, user_id, granted_by, granted, reason) "
                              "VALUES (?, ?, ?, strftime('%s', 'now'), ?) "
                              "ON CONFLICT (credential_id, user_id) DO UPDATE SET "
                              "granted_by = excluded.granted_by, granted = excluded.granted, "
                              "reason = excluded.reason, revoked = NULL, revoked_by = NULL, revoke_reason = NULL",
                              "iiis", credential_id, user_id, granted_by, reason) >= 0;
}

gboolean
quorum_store_revoke_credential (QuorumStore  *store,
                                gint64        credential_id,
                                gint64        user_id,
                                gint64        revoked_by,
                                const char   *reason,
                                GError      **error)
{
  if (_quorum_store_write (store, NULL, error,
                           "UPDATE user_credentials SET revoked = strftime('%s', 'now'), revoked_by = ?, "
                           "revoke_reason = ? "
                           "WHERE credential_id = ? AND user_id = ? AND revoked IS NULL",
                           "isii", revoked_by, reason, credential_id, user_id) < 0)
    return FALSE;
  if (_quorum_store_changes (store) == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "user %" G_GINT64_FORMAT " does not hold credential %" G_GINT64_FORMAT,
                   user_id, credential_id);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
quorum_store_list_grants (QuorumStore  *store,
                          gint64        credential_id,
                          gboolean      include_revoked,
                          GError      **error)
{
  if (include_revoked)
    return _quorum_store_rows (store, error,
                               "SELECT users.id AS user, users.name AS name, "
                               "user_credentials.granted AS granted, user_credentials.granted_by AS granted_by, "
                               "user_credentials.reason AS reason, user_credentials.revoked AS revoked, "
                               "user_credentials.revoked_by AS revoked_by, "
                               "user_credentials.revoke_reason AS revoke_reason "
                               "FROM user_credentials JOIN users ON users.id = user_credentials.user_id "
                               "WHERE user_credentials.credential_id = ? "
                               "ORDER BY user_credentials.revoked IS NOT NULL, users.name",
                               "i", credential_id);
  return _quorum_store_rows (store, error,
                             "SELECT users.id AS user, users.name AS name, "
                             "user_credentials.granted AS granted, user_credentials.granted_by AS granted_by, "
                             "user_credentials.reason AS reason "
                             "FROM user_credentials JOIN users ON users.id = user_credentials.user_id "
                             "WHERE user_credentials.credential_id = ? AND user_credentials.revoked IS NULL "
                             "ORDER BY users.name",
                             "i", credential_id);
}

JsonNode *
quorum_store_user_credentials (QuorumStore  *store,
                               gint64        user_id,
                               GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT credentials.id AS id, credentials.name AS name, "
                             "credentials.project_id AS project, credentials.org_id AS org, "
                             "orgs.name AS org_name, projects.name AS project_name, "
                             "user_credentials.granted AS granted, user_credentials.granted_by AS granted_by "
                             "FROM user_credentials JOIN credentials "
                             "ON credentials.id = user_credentials.credential_id "
                             "LEFT JOIN orgs ON orgs.id = credentials.org_id "
                             "LEFT JOIN projects ON projects.id = credentials.project_id "
                             "WHERE user_credentials.user_id = ? AND user_credentials.revoked IS NULL "
                             "ORDER BY credentials.name",
                             "i", user_id);
}
