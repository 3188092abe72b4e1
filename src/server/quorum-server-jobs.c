/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-task-graph.h"
#include "quorum-wire.h"

/* ---- helpers ---------------------------------------------------------- */

/* A list of positive ids in @member of @body; NULL members give an empty
 * list. Replies and returns NULL on a bad list. */
static GArray *
read_ids (QuorumRequest *request,
          JsonObject    *body,
          const char    *member)
{
  JsonNode *node = json_object_get_member (body, member);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&ids);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *message = g_strdup_printf ("%s: must be a list of file ids", member);
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 id;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64 ||
          (id = json_node_get_int (element)) <= 0)
        {
          g_autofree char *message = g_strdup_printf ("%s[%u]: must be a file id", member, i);
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
          return NULL;
        }
      g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

/* The job and the caller's role in its project; replies on failure. */
/* @with_files: the job's file list, which next-task, the hot path, does
 * without. */
static JsonObject *
require_job (QuorumRequest *request,
             QuorumRole     needed,
             gboolean       with_files,
             QuorumRole    *role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, request->ids[0], with_files, &error);

  if (job == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (job, "project"), needed, role))
    return NULL;
  return g_steal_pointer (&job);
}

static QuorumJobSettings *
job_settings (JsonObject *job)
{
  return quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", NULL);
}

static void
reply_job (QuorumRequest *request,
           gint64         job_id,
           guint          status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, job_id, TRUE, &error);

  if (job == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, status, json_node_init_object (json_node_alloc (), job));
}

/* ---- jobs ------------------------------------------------------------- */

void
_quorum_server_create_job (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonNode) canonical = NULL;
  g_autoptr(GArray) files = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;
  gint64 id;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_EDITOR, NULL) ||
      (body = _quorum_request_body (request)) == NULL)
    return;
  node = json_object_get_member (body, "settings");
  if (node == NULL)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "settings: is missing");
      return;
    }
  if ((settings = quorum_wire_read_job_settings (node, "settings", &error)) == NULL ||
      !quorum_job_settings_check (settings, &error))
    {
      if (!g_str_has_prefix (error->message, "settings"))
        g_prefix_error (&error, "settings.");
      _quorum_request_reply_error (request, error);
      return;
    }
  /* A bid and a deadline are asked of a new market job only: one put on the
   * market before there were terms still reads back without them. */
  if (settings->share == QUORUM_SHARE_MARKET && !settings->market.set)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "settings.market: a market job needs a bid and a deadline, like "
                               "{\"bid\": {\"amount\": \"12.50\", \"currency\": \"EUR\", \"per\": \"task\"}, "
                               "\"deadline\": \"2027-01-31T00:00:00Z\"}");
      return;
    }
  if (settings->market.set && settings->market.deadline <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_autofree char *deadline = quorum_wire_format_time (settings->market.deadline);
      g_autofree char *message = g_strdup_printf ("settings.market.deadline: must be in the future, not %s",
                                                  deadline);
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return;
    }
  if ((files = read_ids (request, body, "files")) == NULL)
    return;
  canonical = quorum_wire_write_job_settings (settings);
  text = quorum_wire_to_string (canonical, FALSE);
  id = quorum_store_create_job (request->server->store, request->ids[0], text, request->caller_id,
                                (gint64 *) files->data, files->len, &error);
  if (id < 0)
    _quorum_request_reply_error (request, error);
  else
    reply_job (request, id, SOUP_STATUS_CREATED);
}

void
_quorum_server_list_jobs (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_VIEWER, NULL))
    return;
  _quorum_request_reply_result (request, quorum_store_list_jobs (request->server->store, request->ids[0], &error), &error);
}

/* {id, name, version} of the guide the job's settings name in @member, if
 * it is one of the job's project (what its tasks show), else null. */
static JsonNode *
job_guide (QuorumRequest *request,
           JsonObject    *job,
           const char    *member)
{
  JsonObject *settings = json_object_get_object_member (job, "settings");
  const char *id = settings != NULL ? json_object_get_string_member_with_default (settings, member, NULL) : NULL;
  g_autoptr(JsonObject) guide = NULL;
  JsonObject *brief;

  if (id != NULL)
    guide = quorum_store_get_guide (request->server->store, g_ascii_strtoll (id, NULL, 10), NULL);
  if (guide == NULL || json_object_get_int_member (guide, "project") != json_object_get_int_member (job, "project"))
    return json_node_new (JSON_NODE_NULL);
  brief = json_object_new ();
  json_object_set_int_member (brief, "id", json_object_get_int_member (guide, "id"));
  json_object_set_string_member (brief, "name", json_object_get_string_member (guide, "name"));
  json_object_set_int_member (brief, "version", json_object_get_int_member (guide, "version"));
  return json_node_init_object (json_node_alloc (), brief);
}

void
_quorum_server_get_job (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = require_job (request, QUORUM_ROLE_VIEWER, TRUE, NULL);
  JsonObject *guides;

  if (job == NULL)
    return;
  /* The guides' current versions: what the job's readers read now. */
  guides = json_object_new ();
  json_object_set_member (guides, "draw", job_guide (request, job, "draw_guide"));
  json_object_set_member (guides, "review", job_guide (request, job, "review_guide"));
  json_object_set_object_member (job, "guides", guides);
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), job));
}

static gboolean
require_draft (QuorumRequest *request,
               JsonObject    *job,
               const char    *what)
{
  if (!g_str_equal (json_object_get_string_member (job, "state"), "draft"))
    {
      g_autofree char *message = g_strdup_printf ("state: %s only while the job is a draft; it is %s",
                                                  what, json_object_get_string_member (job, "state"));
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return FALSE;
    }
  return TRUE;
}

void
_quorum_server_change_job_files (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = require_job (request, QUORUM_ROLE_EDITOR, FALSE, NULL);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) add = NULL;
  g_autoptr(GArray) remove = NULL;
  g_autoptr(GError) error = NULL;

  if (job == NULL || !require_draft (request, job, "files can change") ||
      (body = _quorum_request_body (request)) == NULL ||
      (add = read_ids (request, body, "add")) == NULL || (remove = read_ids (request, body, "remove")) == NULL)
    return;
  if (!quorum_store_change_job_files (request->server->store, request->ids[0],
                                      json_object_get_int_member (job, "project"),
                                      (gint64 *) add->data, add->len, (gint64 *) remove->data,
                                      remove->len, &error))
    _quorum_request_reply_error (request, error);
  else
    reply_job (request, request->ids[0], SOUP_STATUS_OK);
}

void
_quorum_server_launch_job (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = require_job (request, QUORUM_ROLE_EDITOR, TRUE, NULL);
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(GArray) plan = NULL;
  g_autoptr(GError) error = NULL;

  if (job == NULL || !require_draft (request, job, "a job launches"))
    return;
  settings = job_settings (job);
  /* The server persists exactly what the core planned. */
  plan = quorum_task_graph_plan (settings,
                                 json_array_get_length (json_object_get_array_member (job, "files")),
                                 &error);
  /* An exam's tasks are made per taker, when they apply. */
  if (plan != NULL && settings->type == QUORUM_JOB_EXAM)
    g_array_set_size (plan, 0);
  if (plan == NULL || !quorum_store_launch_job (request->server->store, request->ids[0], plan, &error))
    _quorum_request_reply_error (request, error);
  else
    reply_job (request, request->ids[0], SOUP_STATUS_OK);
}

void
_quorum_server_cancel_job (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = require_job (request, QUORUM_ROLE_EDITOR, FALSE, NULL);
  g_autoptr(GError) error = NULL;
  const char *state;

  if (job == NULL)
    return;
  state = json_object_get_string_member (job, "state");
  if (!g_str_equal (state, "draft") && !g_str_equal (state, "launched"))
    {
      g_autofree char *message = g_strdup_printf ("state: a %s job cannot be cancelled", state);
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return;
    }
  if (!quorum_store_set_job_state (request->server->store, request->ids[0], state, "cancelled", &error))
    _quorum_request_reply_error (request, error);
  else
    reply_job (request, request->ids[0], SOUP_STATUS_OK);
}

void
_quorum_server_job_status (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = require_job (request, QUORUM_ROLE_VIEWER, FALSE, NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *status;

  if (job == NULL)
    return;
  status = quorum_store_job_status (request->server->store, request->ids[0], &error);
  if (status == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  json_object_set_int_member (status, "job", request->ids[0]);
  json_object_set_string_member (status, "state", json_object_get_string_member (job, "state"));
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (status));
}

/* ---- assignment ------------------------------------------------------- */

/* Every credential the job requires, held now by the caller as the job's
 * project means it (its own, its organization's, or "Org/Name"). Replies
 * 403 naming the first one missing. */
static gboolean
holds_credentials (QuorumRequest     *request,
                   gint64             project_id,
                   QuorumJobSettings *settings)
{
  for (guint i = 0; settings->required_credentials[i] != NULL; i++)
    if (!_quorum_server_holds_credential (request->server, project_id, request->caller_id,
                                          settings->required_credentials[i]))
      {
        g_autofree char *message = g_strdup_printf ("this job requires the credential “%s”",
                                                    settings->required_credentials[i]);
        quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden", message);
        return FALSE;
      }
  return TRUE;
}

/* The kind of task asked for, from ?kind= or the body's "kind", into
 * @kind (NULL: any kind). Replies 400 and returns FALSE on anything but
 * draw, review or consensus, or on two that disagree. */
static gboolean
read_next_kind (QuorumRequest  *request,
                char          **kind)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = query != NULL ? soup_form_decode (query) : NULL;
  const char *asked = params != NULL ? g_hash_table_lookup (params, "kind") : NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(JsonObject) object = NULL;
  QuorumTaskKind known;

  /* A body is optional: the call without one takes any kind, as it always did. */
  if (body->length > 0)
    {
      JsonNode *member;

      object = _quorum_request_body (request);
      if (object == NULL)
        return FALSE;
      member = json_object_get_member (object, "kind");
      if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
        {
          const char *in_body = JSON_NODE_HOLDS_VALUE (member) &&
                                json_node_get_value_type (member) == G_TYPE_STRING
                                ? json_node_get_string (member) : NULL;

          if (in_body == NULL || (asked != NULL && !g_str_equal (asked, in_body)))
            {
              quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                       in_body == NULL
                                       ? "kind: must be a string: draw, review or consensus"
                                       : "kind: the query and the body ask for different kinds");
              return FALSE;
            }
          asked = in_body;
        }
    }
  if (asked != NULL && !quorum_task_kind_from_string (asked, &known))
    {
      g_autofree char *message = g_strdup_printf ("kind: must be draw, review or consensus, not “%s”", asked);

      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return FALSE;
    }
  *kind = asked != NULL ? g_strdup (quorum_task_kind_to_string (known)) : NULL;
  return TRUE;
}

void
_quorum_server_next_task (QuorumRequest *request)
{
  QuorumRole role = QUORUM_ROLE_NONE;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autofree char *kind = NULL;
  gint64 task_id;

  /* A bad kind is refused before anything else is looked at or changed. */
  if (!read_next_kind (request, &kind))
    return;
  job = quorum_store_get_job (request->server->store, request->ids[0], FALSE, &error);
  if (job == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* Work comes through the job's share; org and market workers act as
   * annotators and so are never given review or consensus tasks. */
  if (!_quorum_request_job_access (request, job, QUORUM_ROLE_ANNOTATOR, &role))
    return;
  if (!g_str_equal (json_object_get_string_member (job, "state"), "launched"))
    {
      g_autofree char *message = g_strdup_printf ("state: the job is %s, not launched",
                                                  json_object_get_string_member (job, "state"));
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return;
    }
  settings = job_settings (job);
  if (!holds_credentials (request, json_object_get_int_member (job, "project"), settings))
    return;
  task_id = quorum_store_next_task (request->server->store, request->ids[0], request->caller_id,
                                    role >= QUORUM_ROLE_REVIEWER, kind, request->server->idle_release, &error);
  if (task_id < 0)
    _quorum_request_reply_error (request, error);
  else if (task_id == 0)
    quorum_http_reply_no_content (request->msg);
  else
    {
      request->ids[0] = task_id;
      _quorum_server_get_task (request);
    }
}
