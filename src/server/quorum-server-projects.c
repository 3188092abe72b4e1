/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

void
_quorum_server_create_project (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) project = NULL;
  const char *name;
  gint64 org = 0;
  gint64 id;

  /* Projects are created by server administrators; they then hand out roles. */
  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if ((name = quorum_http_member_string (body, "name", TRUE, &error)) == NULL ||
      !quorum_http_member_integer (body, "org", FALSE, &org, &error) ||
      (id = quorum_store_create_project (request->server->store, name, org, request->caller_id,
                                         &error)) < 0 ||
      (project = quorum_store_get_project (request->server->store, id, &error)) == NULL)
    {
      if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND) && org != 0)
        {
          g_clear_error (&error);
          g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "org: no organization %" G_GINT64_FORMAT, org);
        }
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_CREATED,
                         json_node_init_object (json_node_alloc (), project));
}

void
_quorum_server_list_projects (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  JsonNode *projects = quorum_store_list_projects (request->server->store,
                                                   request->caller_admin ? -1 : request->caller_id,
                                                   &error);

  if (projects == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, SOUP_STATUS_OK, projects);
}

void
_quorum_server_get_project (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) project = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_VIEWER, NULL))
    return;
  project = quorum_store_get_project (request->server->store, request->ids[0], &error);
  if (project == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), project));
}

void
_quorum_server_list_members (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_VIEWER, NULL))
    return;
  _quorum_request_reply_result (request, quorum_store_list_members (request->server->store, request->ids[0], &error), &error);
}

void
_quorum_server_set_member (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  const char *role_name;
  QuorumRole role;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_ADMIN, NULL) ||
      (body = _quorum_request_body (request)) == NULL)
    return;
  if ((role_name = quorum_http_member_string (body, "role", TRUE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!quorum_role_from_string (role_name, &role))
    {
      g_autofree char *message = g_strdup_printf ("role: “%s” is not one of admin, editor, annotator, "
                                                  "reviewer, viewer", role_name);
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return;
    }
  if ((user = quorum_store_get_user (request->server->store, request->ids[1], &error)) == NULL ||
      !quorum_store_set_member (request->server->store, request->ids[0], request->ids[1], role_name,
                                &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  json_object_set_string_member (user, "role", role_name);
  json_object_remove_member (user, "admin");
  json_object_remove_member (user, "created");
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), user));
}

void
_quorum_server_remove_member (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_ADMIN, NULL))
    return;
  if (!quorum_store_remove_member (request->server->store, request->ids[0], request->ids[1], &error))
    _quorum_request_reply_error (request, error);
  else
    quorum_http_reply_no_content (request->msg);
}

void
_quorum_server_get_labels (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) project = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_VIEWER, NULL))
    return;
  project = quorum_store_get_project (request->server->store, request->ids[0], &error);
  if (project == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, SOUP_STATUS_OK,
                           json_node_copy (json_object_get_member (project, "labels")));
}

/* GET /projects/{id}/labels/usage: for the admin who edits the schema. */
void
_quorum_server_get_label_usage (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  JsonObject *usage;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_ADMIN, NULL))
    return;
  usage = quorum_store_label_usage (request->server->store, request->ids[0], &error);
  if (usage == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), usage));
}

void
_quorum_server_set_labels (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(QuorumLabelSchema) schema = NULL;
  g_autoptr(JsonNode) canonical = NULL;
  g_autofree char *text = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_ADMIN, NULL) ||
      (body = _quorum_request_body (request)) == NULL)
    return;
  node = json_node_init_object (json_node_alloc (), body);
  /* Validated whole by the core; stored as the core writes it back. */
  schema = quorum_wire_read_label_schema (node, "", &error);
  if (schema == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  canonical = quorum_wire_write_label_schema (schema);
  text = quorum_wire_to_string (canonical, FALSE);
  if (!quorum_store_set_labels (request->server->store, request->ids[0], text, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, g_steal_pointer (&canonical));
}

void
_quorum_server_create_credential (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) credential = NULL;
  const char *name, *description = NULL;
  gint64 id;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_ADMIN, NULL) ||
      (body = _quorum_request_body (request)) == NULL)
    return;
  if (json_object_has_member (body, "description"))
    {
      JsonNode *node = json_object_get_member (body, "description");

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                   "description: must be a string");
          return;
        }
      description = json_node_get_string (node);
    }
  if ((name = quorum_http_member_string (body, "name", TRUE, &error)) == NULL ||
      (id = quorum_store_create_credential (request->server->store, request->ids[0], name,
                                            description, &error)) < 0 ||
      (credential = quorum_store_get_credential (request->server->store, id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_CREATED,
                         json_node_init_object (json_node_alloc (), credential));
}

void
_quorum_server_list_credentials (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_VIEWER, NULL))
    return;
  _quorum_request_reply_result (request, quorum_store_list_credentials (request->server->store, request->ids[0], &error), &error);
}

/* Grants and revocations are for the admins of the credential's project;
 * an organization's credentials, for server administrators. */
static gboolean
require_credential_admin (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) credential = quorum_store_get_credential (request->server->store,
                                                                  request->ids[0], &error);

  if (credential == NULL)
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }
  if (JSON_NODE_HOLDS_NULL (json_object_get_member (credential, "project")))
    return _quorum_request_require_admin (request);
  return _quorum_request_require_role (request, json_object_get_int_member (credential, "project"),
                                       QUORUM_ROLE_ADMIN, NULL);
}

/* A grant's or a revocation's reason: kept with it and shown to the
 * project's admins, a sentence or two. */
#define MAX_REASON_CHARS 500

/* @body's optional "reason" into *@reason (NULL when absent); FALSE with
 * the error naming the field when it is no string, blank or too long. */
static gboolean
read_reason (JsonObject   *body,
             const char  **reason,
             GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  *reason = quorum_http_member_string (body, "reason", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (*reason != NULL && g_utf8_strlen (*reason, -1) > MAX_REASON_CHARS)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "reason: at most %d characters, not %ld",
                   MAX_REASON_CHARS, g_utf8_strlen (*reason, -1));
      return FALSE;
    }
  return TRUE;
}

void
_quorum_server_grant_credential (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  gint64 user_id = 0;
  const char *reason = NULL;

  if (!require_credential_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if (!quorum_http_member_integer (body, "user", TRUE, &user_id, &error) ||
      !read_reason (body, &reason, &error) ||
      (user = quorum_store_get_user (request->server->store, user_id, &error)) == NULL ||
      !quorum_store_grant_credential (request->server->store, request->ids[0], user_id,
                                      request->caller_id, reason, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  quorum_http_reply_no_content (request->msg);
}

void
_quorum_server_list_grants (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = query != NULL ? soup_form_decode (query) : NULL;
  const char *include = params != NULL ? g_hash_table_lookup (params, "include") : NULL;

  if (!require_credential_admin (request))
    return;
  if (include != NULL && !g_str_equal (include, "revoked"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "include: only revoked may be asked for");
      return;
    }
  _quorum_request_reply_result (request, quorum_store_list_grants (request->server->store, request->ids[0],
                                                                   include != NULL, &error),
                                &error);
}

void
_quorum_server_revoke_credential (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  const char *reason = NULL;

  if (!require_credential_admin (request))
    return;
  /* The body is optional: a DELETE without one revokes without a reason. */
  if (soup_server_message_get_request_body (request->msg)->length > 0)
    {
      if ((body = _quorum_request_body (request)) == NULL)
        return;
      if (!read_reason (body, &reason, &error))
        {
          _quorum_request_reply_error (request, error);
          return;
        }
    }
  if (!quorum_store_revoke_credential (request->server->store, request->ids[0], request->ids[1],
                                       request->caller_id, reason, &error) ||
      !_quorum_server_release_unqualified (request->server, request->ids[1], &error))
    _quorum_request_reply_error (request, error);
  else
    quorum_http_reply_no_content (request->msg);
}
