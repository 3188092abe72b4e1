/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

/* An application's message to the project admin, in characters. */
#define MAX_MESSAGE_LENGTH 2000

/*
 * Job shares (DESIGN §2). A `project` job is reached through a project role
 * only. An `org` job also by every member of the project's organization, and
 * a `market` job by the members of every organization a project admin
 * accepted. Share workers act as annotators: draw tasks only, unless a
 * project role of theirs says more. Whoever reaches nothing is told the job
 * does not exist.
 */

static void
reply_no_job (QuorumRequest *request,
              gint64         job_id)
{
  g_autofree char *message = g_strdup_printf ("no job %" G_GINT64_FORMAT, job_id);

  quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
}

QuorumRole
_quorum_request_job_role (QuorumRequest *request,
                          JsonObject    *job)
{
  QuorumRole role = _quorum_server_project_role (request->server, json_object_get_int_member (job, "project"),
                                                 request->caller_id, request->caller_admin);

  if (role < QUORUM_ROLE_ANNOTATOR &&
      quorum_store_job_shared_with (request->server->store, json_object_get_int_member (job, "id"),
                                    request->caller_id))
    role = QUORUM_ROLE_ANNOTATOR;
  return role;
}

gboolean
_quorum_request_job_access (QuorumRequest *request,
                            JsonObject    *job,
                            QuorumRole     needed,
                            QuorumRole    *role)
{
  QuorumRole found = _quorum_request_job_role (request, job);

  if (found == QUORUM_ROLE_NONE)
    {
      reply_no_job (request, json_object_get_int_member (job, "id"));
      return FALSE;
    }
  if (found < needed)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                               "your role in this project does not allow this");
      return FALSE;
    }
  if (role != NULL)
    *role = found;
  return TRUE;
}

/* Whether one of @jobs ([{job}]) still reaches the caller as a worker. */
static gboolean
reaches_any_job (QuorumRequest *request,
                 JsonNode      *jobs)
{
  JsonArray *array;

  if (jobs == NULL)
    return FALSE;
  array = json_node_get_array (jobs);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 job_id = json_object_get_int_member (json_array_get_object_element (array, i), "job");
      g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, job_id, FALSE, NULL);

      if (job != NULL && _quorum_request_job_role (request, job) >= QUORUM_ROLE_ANNOTATOR)
        return TRUE;
    }
  return FALSE;
}

gboolean
_quorum_request_works_on_file (QuorumRequest *request,
                               gint64         file_id)
{
  g_autoptr(JsonNode) jobs = quorum_store_user_jobs_on_file (request->server->store, request->caller_id,
                                                             file_id, NULL);

  return reaches_any_job (request, jobs);
}

gboolean
_quorum_request_reads_guide_image (QuorumRequest *request,
                                   gint64         file_id)
{
  g_autoptr(JsonNode) jobs = quorum_store_user_jobs_showing_file (request->server->store, request->caller_id,
                                                                  file_id, NULL);

  return reaches_any_job (request, jobs);
}

/* ---- finding work ----------------------------------------------------- */

/* What waits in the job for a caller of @role (a share worker draws only,
 * review and consensus need a reviewer) and how far the job is. */
static void
add_job_counts (JsonObject *job,
                JsonObject *row,
                QuorumRole  role)
{
  JsonObject *waiting = json_object_new ();
  JsonObject *progress = json_object_new ();
  gboolean reviews = role >= QUORUM_ROLE_REVIEWER;

  json_object_set_int_member (waiting, "draw", role >= QUORUM_ROLE_ANNOTATOR ?
                              json_object_get_int_member (row, "available_draw") : 0);
  json_object_set_int_member (waiting, "review", reviews ? json_object_get_int_member (row, "available_review") : 0);
  json_object_set_int_member (waiting, "consensus", reviews ?
                              json_object_get_int_member (row, "available_consensus") : 0);
  json_object_set_int_member (progress, "done", json_object_get_int_member (row, "tasks_done"));
  json_object_set_int_member (progress, "total", json_object_get_int_member (row, "tasks_total"));
  json_object_set_object_member (job, "waiting", waiting);
  json_object_set_object_member (job, "progress", progress);
}

void
_quorum_server_list_reachable_jobs (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rows = quorum_store_list_reachable_jobs (request->server->store,
                                                               request->caller_admin ? -1 : request->caller_id,
                                                               &error);
  g_autoptr(JsonArray) reply = NULL;
  JsonArray *array;

  if (rows == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply = json_array_new ();
  array = json_node_get_array (rows);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      JsonObject *job = json_object_new ();
      QuorumRole role = QUORUM_ROLE_NONE;

      if (!json_object_get_null_member (row, "project_role"))
        quorum_role_from_string (json_object_get_string_member (row, "project_role"), &role);
      if (role < QUORUM_ROLE_ANNOTATOR && json_object_get_int_member (row, "shared") != 0)
        role = QUORUM_ROLE_ANNOTATOR;
      json_object_set_int_member (job, "id", json_object_get_int_member (row, "id"));
      json_object_set_string_member (job, "name", json_object_get_string_member (row, "name"));
      json_object_set_int_member (job, "project", json_object_get_int_member (row, "project"));
      json_object_set_string_member (job, "project_name", json_object_get_string_member (row, "project_name"));
      json_object_set_string_member (job, "state", json_object_get_string_member (row, "state"));
      json_object_set_string_member (job, "share", json_object_get_string_member (row, "share"));
      json_object_set_string_member (job, "type", json_object_get_null_member (row, "type") ? "normal" :
                                     json_object_get_string_member (row, "type"));
      json_object_set_string_member (job, "role", quorum_role_to_string (role));
      add_job_counts (job, row, role);
      json_array_add_object_element (reply, job);
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_array (json_node_alloc (), reply));
}

/* ---- market applications ---------------------------------------------- */

static JsonObject *
get_job (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  JsonObject *job = quorum_store_get_job (request->server->store, request->ids[0], FALSE, &error);

  if (job == NULL)
    _quorum_request_reply_error (request, error);
  return job;
}

static void
reply_application (QuorumRequest *request,
                   gint64         org_id,
                   guint          status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) application = quorum_store_get_application (request->server->store, request->ids[0], org_id,
                                                                     &error);

  if (application == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, status, json_node_init_object (json_node_alloc (), application));
}

void
_quorum_server_apply_to_job (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = get_job (request);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) org = NULL;
  g_autoptr(GError) error = NULL;
  const char *application_message = NULL;
  JsonNode *message_node;
  const char *share;
  const char *state;
  gint64 org_id = 0;

  if (job == NULL)
    return;
  share = json_object_get_string_member (json_object_get_object_member (job, "settings"), "share");
  state = json_object_get_string_member (job, "state");
  /* Every signed-in user sees the market; other jobs only those who reach them. */
  if (!(g_str_equal (share, "market") && g_str_equal (state, "launched")) &&
      _quorum_request_job_role (request, job) == QUORUM_ROLE_NONE)
    {
      reply_no_job (request, request->ids[0]);
      return;
    }
  if (!g_str_equal (share, "market"))
    {
      g_autofree char *message = g_strdup_printf ("share: job %" G_GINT64_FORMAT " is shared with "
                                                  "%s, not on the market; organizations cannot apply",
                                                  request->ids[0],
                                                  g_str_equal (share, "org") ? "its organization"
                                                                             : "its project");
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return;
    }
  if (!g_str_equal (state, "launched"))
    {
      g_autofree char *message = g_strdup_printf ("state: organizations apply to a launched job; "
                                                  "this one is %s", state);
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return;
    }
  if (!quorum_store_market_job_open (request->server->store, request->ids[0]))
    {
      g_autoptr(QuorumJobSettings) settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"),
                                                                             "settings", NULL);
      g_autofree char *deadline = quorum_wire_format_time (settings != NULL ? settings->market.deadline : 0);
      g_autofree char *message = g_strdup_printf ("deadline: applications to job %" G_GINT64_FORMAT
                                                  " closed at %s", request->ids[0], deadline);
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return;
    }
  if ((body = _quorum_request_body (request)) == NULL)
    return;
  if (!quorum_http_member_integer (body, "org", TRUE, &org_id, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* A message is optional, and may be empty (nothing to say). */
  message_node = json_object_get_member (body, "message");
  if (message_node != NULL && !JSON_NODE_HOLDS_NULL (message_node))
    {
      if (!JSON_NODE_HOLDS_VALUE (message_node) || json_node_get_value_type (message_node) != G_TYPE_STRING)
        {
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                   "message: must be a string or null");
          return;
        }
      application_message = json_node_get_string (message_node);
    }
  if (application_message != NULL && g_utf8_strlen (application_message, -1) > MAX_MESSAGE_LENGTH)
    {
      g_autofree char *message = g_strdup_printf ("message: must be at most %d characters, not %ld",
                                                  MAX_MESSAGE_LENGTH, g_utf8_strlen (application_message, -1));
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return;
    }
  if ((org = quorum_store_get_org (request->server->store, org_id, &error)) == NULL)
    {
      if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "org: no organization %" G_GINT64_FORMAT,
                       org_id);
        }
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!request->caller_admin && !quorum_store_is_org_member (request->server->store, org_id, request->caller_id))
    {
      g_autofree char *message = g_strdup_printf ("org: you are not a member of “%s”",
                                                  json_object_get_string_member (org, "name"));
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden", message);
      return;
    }
  if (!quorum_store_add_application (request->server->store, request->ids[0], org_id, request->caller_id,
                                     application_message, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply_application (request, org_id, SOUP_STATUS_CREATED);
}

void
_quorum_server_list_applications (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = get_job (request);
  g_autoptr(GError) error = NULL;

  if (job == NULL ||
      !_quorum_request_require_role (request, json_object_get_int_member (job, "project"), QUORUM_ROLE_ADMIN, NULL))
    return;
  _quorum_request_reply_result (request, quorum_store_list_applications (request->server->store, request->ids[0],
                                                                         &error), &error);
}

static void
decide_application (QuorumRequest *request,
                    gboolean       accept)
{
  g_autoptr(JsonObject) job = get_job (request);
  g_autoptr(GError) error = NULL;

  if (job == NULL ||
      !_quorum_request_require_role (request, json_object_get_int_member (job, "project"), QUORUM_ROLE_ADMIN, NULL))
    return;
  if (!quorum_store_decide_application (request->server->store, request->ids[0], request->ids[1], accept,
                                        request->caller_id, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply_application (request, request->ids[1], SOUP_STATUS_OK);
}

void
_quorum_server_accept_application (QuorumRequest *request)
{
  decide_application (request, TRUE);
}

void
_quorum_server_decline_application (QuorumRequest *request)
{
  decide_application (request, FALSE);
}
