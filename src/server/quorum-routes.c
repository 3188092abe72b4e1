/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

/* The route table: which handler answers which method and path. It depends
 * on the handlers only; tests read it (quorum-server --routes) to check
 * every route against every kind of caller. */

#include "config.h"

#include <string.h>

#include "quorum-routes.h"
#include "quorum-server-private.h"

static void
handle_version (QuorumRequest *request)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "name", "quorum-server");
  json_object_set_string_member (body, "version", PACKAGE_VERSION);
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (body));
}


/* Every route of docs/api.md. */
static const QuorumRoute route_table[] = {
  { "GET", "/api/v1/version", TRUE, handle_version },
  { "POST", "/api/v1/login", TRUE, _quorum_server_login },
  { "POST", "/api/v1/logout", FALSE, _quorum_server_logout },
  { "GET", "/api/v1/me", FALSE, _quorum_server_me },
  { "POST", "/api/v1/users", FALSE, _quorum_server_create_user },
  { "GET", "/api/v1/users", FALSE, _quorum_server_list_users },
  { "GET", "/api/v1/users/{id}/credentials", FALSE, _quorum_server_user_credentials },
  { "PUT", "/api/v1/me/password", FALSE, _quorum_server_change_password },
  { "PUT", "/api/v1/users/{id}/password", FALSE, _quorum_server_set_password },
  { "POST", "/api/v1/users/{id}/disable", FALSE, _quorum_server_disable_user },
  { "POST", "/api/v1/users/{id}/enable", FALSE, _quorum_server_enable_user },
  { "DELETE", "/api/v1/users/{id}/tokens", FALSE, _quorum_server_revoke_tokens },
  { "POST", "/api/v1/orgs", FALSE, _quorum_server_create_org },
  { "GET", "/api/v1/orgs", FALSE, _quorum_server_list_orgs },
  { "POST", "/api/v1/orgs/{id}/members", FALSE, _quorum_server_add_org_member },
  { "POST", "/api/v1/orgs/{id}/credentials", FALSE, _quorum_server_create_org_credential },
  { "GET", "/api/v1/orgs/{id}/credentials", FALSE, _quorum_server_list_org_credentials },
  { "POST", "/api/v1/projects", FALSE, _quorum_server_create_project },
  { "GET", "/api/v1/projects", FALSE, _quorum_server_list_projects },
  { "GET", "/api/v1/projects/{id}", FALSE, _quorum_server_get_project },
  { "GET", "/api/v1/projects/{id}/members", FALSE, _quorum_server_list_members },
  { "PUT", "/api/v1/projects/{id}/members/{id}", FALSE, _quorum_server_set_member },
  { "DELETE", "/api/v1/projects/{id}/members/{id}", FALSE, _quorum_server_remove_member },
  { "GET", "/api/v1/projects/{id}/labels", FALSE, _quorum_server_get_labels },
  { "PUT", "/api/v1/projects/{id}/labels", FALSE, _quorum_server_set_labels },
  { "POST", "/api/v1/projects/{id}/credentials", FALSE, _quorum_server_create_credential },
  { "GET", "/api/v1/projects/{id}/credentials", FALSE, _quorum_server_list_credentials },
  { "GET", "/api/v1/credentials/{id}/grants", FALSE, _quorum_server_list_grants },
  { "POST", "/api/v1/credentials/{id}/grants", FALSE, _quorum_server_grant_credential },
  { "DELETE", "/api/v1/credentials/{id}/grants/{id}", FALSE, _quorum_server_revoke_credential },
  { "POST", "/api/v1/projects/{id}/files", FALSE, _quorum_server_upload_file },
  { "GET", "/api/v1/projects/{id}/files", FALSE, _quorum_server_list_files },
  { "GET", "/api/v1/files/{id}", FALSE, _quorum_server_get_file },
  { "GET", "/api/v1/files/{id}/content", FALSE, _quorum_server_download_file },
  { "GET", "/api/v1/files/{id}/existing", FALSE, _quorum_server_get_existing },
  { "PUT", "/api/v1/files/{id}/existing", FALSE, _quorum_server_set_existing },
  { "POST", "/api/v1/projects/{id}/import/coco", FALSE, _quorum_server_import_coco },
  { "POST", "/api/v1/projects/{id}/guides", FALSE, _quorum_server_create_guide },
  { "GET", "/api/v1/projects/{id}/guides", FALSE, _quorum_server_list_guides },
  { "GET", "/api/v1/guides/{id}", FALSE, _quorum_server_get_guide },
  { "PUT", "/api/v1/guides/{id}", FALSE, _quorum_server_update_guide },
  { "POST", "/api/v1/projects/{id}/jobs", FALSE, _quorum_server_create_job },
  { "GET", "/api/v1/projects/{id}/jobs", FALSE, _quorum_server_list_jobs },
  { "GET", "/api/v1/jobs/{id}", FALSE, _quorum_server_get_job },
  { "PUT", "/api/v1/jobs/{id}/files", FALSE, _quorum_server_change_job_files },
  { "POST", "/api/v1/jobs/{id}/launch", FALSE, _quorum_server_launch_job },
  { "POST", "/api/v1/jobs/{id}/cancel", FALSE, _quorum_server_cancel_job },
  { "GET", "/api/v1/jobs/{id}/status", FALSE, _quorum_server_job_status },
  { "GET", "/api/v1/jobs/{id}/stats", FALSE, _quorum_server_job_stats },
  { "POST", "/api/v1/jobs/{id}/next", FALSE, _quorum_server_next_task },
  { "GET", "/api/v1/jobs/{id}/tasks", FALSE, _quorum_server_job_tasks },
  { "GET", "/api/v1/me/tasks", FALSE, _quorum_server_my_tasks },
  { "POST", "/api/v1/tasks/{id}/assign", FALSE, _quorum_server_assign_task },
  { "POST", "/api/v1/tasks/{id}/release", FALSE, _quorum_server_release_task },
  { "GET", "/api/v1/tasks/{id}", FALSE, _quorum_server_get_task },
  { "PUT", "/api/v1/tasks/{id}/instances", FALSE, _quorum_server_save_task },
  { "PATCH", "/api/v1/tasks/{id}/instances", FALSE, _quorum_server_patch_task },
  { "POST", "/api/v1/tasks/{id}/submit", FALSE, _quorum_server_submit_task },
  { "POST", "/api/v1/tasks/{id}/accept", FALSE, _quorum_server_accept_task },
  { "POST", "/api/v1/tasks/{id}/reject", FALSE, _quorum_server_reject_task },
  { "GET", "/api/v1/tasks/{id}/comments", FALSE, _quorum_server_task_comments },
  { "PUT", "/api/v1/tasks/{id}/rating", FALSE, _quorum_server_rate_task },
  { "POST", "/api/v1/tasks/{id}/consensus/best", FALSE, _quorum_server_consensus_best },
  { "POST", "/api/v1/tasks/{id}/consensus/copy", FALSE, _quorum_server_consensus_copy },
  { "POST", "/api/v1/tasks/{id}/consensus/clear", FALSE, _quorum_server_consensus_clear },
  { "POST", "/api/v1/tasks/{id}/consensus/undo", FALSE, _quorum_server_consensus_undo },
  { "GET", "/api/v1/jobs/{id}/export", FALSE, _quorum_server_export_job },
  { "POST", "/api/v1/jobs/{id}/apply", FALSE, _quorum_server_apply_exam },
  { "GET", "/api/v1/jobs/{id}/results", FALSE, _quorum_server_exam_results },
  { "POST", "/api/v1/jobs/{id}/results/{id}/pass", FALSE, _quorum_server_pass_exam },
  { "POST", "/api/v1/jobs/{id}/results/{id}/fail", FALSE, _quorum_server_fail_exam },
  { "POST", "/api/v1/jobs/{id}/attempts/{id}/pass", FALSE, _quorum_server_pass_attempt },
  { "POST", "/api/v1/jobs/{id}/attempts/{id}/fail", FALSE, _quorum_server_fail_attempt },
  { "POST", "/api/v1/jobs/{id}/close", FALSE, _quorum_server_close_exam },
  { "GET", "/api/v1/exams", FALSE, _quorum_server_list_exams },
  { "GET", "/api/v1/attempts/{id}", FALSE, _quorum_server_get_attempt },
  { "GET", "/api/v1/jobs", FALSE, _quorum_server_list_reachable_jobs },
  { "GET", "/api/v1/market", FALSE, _quorum_server_list_market },
  { "POST", "/api/v1/jobs/{id}/applications", FALSE, _quorum_server_apply_to_job },
  { "GET", "/api/v1/jobs/{id}/applications", FALSE, _quorum_server_list_applications },
  { "POST", "/api/v1/jobs/{id}/applications/{id}/accept", FALSE, _quorum_server_accept_application },
  { "POST", "/api/v1/jobs/{id}/applications/{id}/decline", FALSE, _quorum_server_decline_application },
};

/* Walks @pattern segment by segment against the path's @segments; every
 * request tries many routes, so the pattern is not split. */
static gboolean
match_route (const char *pattern,
             char      **segments,
             gint64     *ids)
{
  const char *part = pattern;
  guint n_ids = 0;
  guint i;

  for (i = 0; segments[i] != NULL; i++)
    {
      const char *slash = strchr (part, '/');
      gsize length = slash != NULL ? (gsize) (slash - part) : strlen (part);

      if (length == 4 && strncmp (part, "{id}", 4) == 0)
        {
          char *end = NULL;
          guint64 value;

          if (!g_ascii_isdigit (segments[i][0]))
            return FALSE;
          value = g_ascii_strtoull (segments[i], &end, 10);
          if (*end != '\0' || value == 0 || value > G_MAXINT64)
            return FALSE;
          ids[n_ids++] = (gint64) value;
        }
      else if (strlen (segments[i]) != length || strncmp (part, segments[i], length) != 0)
        return FALSE;
      if (slash == NULL)
        return segments[i + 1] == NULL;
      part = slash + 1;
    }
  return FALSE;
}


const QuorumRoute *
_quorum_route_find (const char *method,
                    const char *path,
                    gint64     *ids,
                    gboolean   *path_known)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);

  *path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (route_table); i++)
    {
      if (!match_route (route_table[i].pattern, segments, ids))
        continue;
      *path_known = TRUE;
      if (g_str_equal (route_table[i].method, method))
        return &route_table[i];
    }
  return NULL;
}

gboolean
_quorum_route_matches (const char *pattern,
                       const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  gint64 ids[QUORUM_MAX_PATH_IDS];

  return match_route (pattern, segments, ids);
}

const QuorumRoute *
_quorum_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (route_table);
  return route_table;
}

char *
quorum_server_describe_routes (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (route_table); i++)
    g_string_append_printf (text, "%s %s %s\n", route_table[i].method, route_table[i].pattern,
                            route_table[i].anonymous ? "anonymous" : "token");
  return g_string_free (text, FALSE);
}
