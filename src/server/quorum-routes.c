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
  { "GET", "/api/v1/projects/{id}/labels/usage", FALSE, _quorum_server_get_label_usage },
  { "POST", "/api/v1/projects/{id}/credentials", FALSE, _quorum_server_create_credential },
  { "GET", "/api/v1/projects/{id}/credentials", FALSE, _quorum_server_list_credentials },
  { "GET", "/api/v1/credentials/{id}/grants", FALSE, _quorum_server_list_grants },
  { "POST", "/api/v1/credentials/{id}/grants", FALSE, _quorum_server_grant_credential },
  { "DELETE", "/api/v1/credentials/{id}/grants/{id}", FALSE, _quorum_server_revoke_credential },
  { "POST", "/api/v1/projects/{id}/files", FALSE, _quorum_server_upload_file, QUORUM_ROUTE_BODY_UPLOAD },
  { "GET", "/api/v1/projects/{id}/files", FALSE, _quorum_server_list_files },
  { "GET", "/api/v1/files/{id}", FALSE, _quorum_server_get_file },
  { "GET", "/api/v1/files/{id}/content", FALSE, _quorum_server_download_file },
  { "GET", "/api/v1/files/{id}/proxy", FALSE, _quorum_server_get_proxy },
  { "GET", "/api/v1/files/{id}/frames", FALSE, _quorum_server_get_frames },
  { "GET", "/api/v1/files/{id}/existing", FALSE, _quorum_server_get_existing },
  { "PUT", "/api/v1/files/{id}/existing", FALSE, _quorum_server_set_existing },
  { "POST", "/api/v1/projects/{id}/import/coco", FALSE, _quorum_server_import_coco, QUORUM_ROUTE_BODY_IMPORT },
  { "POST", "/api/v1/projects/{id}/guides", FALSE, _quorum_server_create_guide },
  { "GET", "/api/v1/projects/{id}/guides", FALSE, _quorum_server_list_guides },
  { "GET", "/api/v1/guides/{id}", FALSE, _quorum_server_get_guide },
  { "PUT", "/api/v1/guides/{id}", FALSE, _quorum_server_update_guide },
  { "GET", "/api/v1/guides/{id}/versions", FALSE, _quorum_server_list_guide_versions },
  { "GET", "/api/v1/guides/{id}/versions/{id}", FALSE, _quorum_server_get_guide_version },
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
  { "POST", "/api/v1/jobs/{id}/files/{id}/readers", FALSE, _quorum_server_add_reader },
  { "POST", "/api/v1/tasks/{id}/release", FALSE, _quorum_server_release_task },
  { "GET", "/api/v1/tasks/{id}", FALSE, _quorum_server_get_task },
  { "PUT", "/api/v1/tasks/{id}/instances", FALSE, _quorum_server_save_task, QUORUM_ROUTE_BODY_INSTANCES },
  { "PATCH", "/api/v1/tasks/{id}/instances", FALSE, _quorum_server_patch_task, QUORUM_ROUTE_BODY_INSTANCES },
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
  { "GET", "/api/v1/me/orgs", FALSE, _quorum_server_my_orgs },
  { "GET", "/api/v1/orgs/{id}/market/follow", FALSE, _quorum_server_get_market_follow },
  { "PUT", "/api/v1/orgs/{id}/market/follow", FALSE, _quorum_server_set_market_follow },
  { "DELETE", "/api/v1/orgs/{id}/market/follow", FALSE, _quorum_server_remove_market_follow },
  { "GET", "/api/v1/orgs/{id}/market/new", FALSE, _quorum_server_new_market_jobs },
  { "POST", "/api/v1/jobs/{id}/applications", FALSE, _quorum_server_apply_to_job },
  { "GET", "/api/v1/jobs/{id}/applications", FALSE, _quorum_server_list_applications },
  { "POST", "/api/v1/jobs/{id}/applications/{id}/accept", FALSE, _quorum_server_accept_application },
  { "POST", "/api/v1/jobs/{id}/applications/{id}/decline", FALSE, _quorum_server_decline_application },
};

/* Walks @pattern and @path segment by segment, side by side: every request
 * tries many routes, so neither is split or copied. A "{id}" segment takes
 * digits only, of a value from 1 to G_MAXINT64. */
static gboolean
match_route (const char *pattern,
             const char *path,
             gint64     *ids)
{
  const char *part = pattern;
  const char *segment = path;
  guint n_ids = 0;

  for (;;)
    {
      const char *part_end = part;
      const char *segment_end = segment;

      while (*part_end != '\0' && *part_end != '/')
        part_end++;
      while (*segment_end != '\0' && *segment_end != '/')
        segment_end++;
      if (part_end - part == 4 && memcmp (part, "{id}", 4) == 0)
        {
          guint64 value = 0;

          if (segment == segment_end)
            return FALSE;
          for (const char *digit = segment; digit < segment_end; digit++)
            {
              if (!g_ascii_isdigit (*digit) ||
                  value > ((guint64) G_MAXINT64 - (guint64) (*digit - '0')) / 10)
                return FALSE;
              value = value * 10 + (guint64) (*digit - '0');
            }
          if (value == 0)
            return FALSE;
          ids[n_ids++] = (gint64) value;
        }
      else if (part_end - part != segment_end - segment ||
               memcmp (part, segment, (gsize) (part_end - part)) != 0)
        return FALSE;
      if (*part_end == '\0')
        return *segment_end == '\0';
      if (*segment_end == '\0')
        return FALSE;
      part = part_end + 1;
      segment = segment_end + 1;
    }
}


const QuorumRoute *
_quorum_route_find (const char *method,
                    const char *path,
                    gint64     *ids,
                    gboolean   *path_known)
{
  /* The method first: it is compared at once, and only the routes of the
   * method are matched against the path. The first match is the one the
   * table's order gives, as if every route were tried in turn. */
  for (guint i = 0; i < G_N_ELEMENTS (route_table); i++)
    if (strcmp (route_table[i].method, method) == 0 && match_route (route_table[i].pattern, path, ids))
      {
        *path_known = TRUE;
        return &route_table[i];
      }
  /* No route: whether another method has one (405 rather than 404). */
  *path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (route_table) && !*path_known; i++)
    {
      gint64 unused[QUORUM_MAX_PATH_IDS];

      *path_known = match_route (route_table[i].pattern, path, unused);
    }
  return NULL;
}

gboolean
_quorum_route_matches (const char *pattern,
                       const char *path)
{
  gint64 ids[QUORUM_MAX_PATH_IDS];

  return match_route (pattern, path, ids);
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
