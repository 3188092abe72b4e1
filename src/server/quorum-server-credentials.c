/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <string.h>

#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

/*
 * Credentials belong to whoever issues them: a project, or an organization
 * that certifies people for its clients' projects (docs/exams.md). A job
 * names what it requires; "Name" is the project's own credential or its
 * organization's, "Org/Name" another organization's.
 */

gboolean
_quorum_server_holds_credential (QuorumServer *server,
                                 gint64        project_id,
                                 gint64        user_id,
                                 const char   *spec)
{
  gint64 id = quorum_store_find_credential (server->store, project_id, spec);

  return id > 0 && quorum_store_user_holds (server->store, user_id, id);
}

gboolean
_quorum_server_release_unqualified (QuorumServer  *server,
                                    gint64         user_id,
                                    GError       **error)
{
  g_autoptr(JsonNode) held = quorum_store_held_tasks (server->store, user_id, error);
  JsonArray *array;

  if (held == NULL)
    return FALSE;
  array = json_node_get_array (held);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *task = json_array_get_object_element (array, i);
      g_autoptr(QuorumJobSettings) settings = quorum_wire_read_job_settings (json_object_get_member (task, "settings"),
                                                                             "settings", NULL);
      gboolean qualified = TRUE;

      for (guint k = 0; settings != NULL && settings->required_credentials[k] != NULL && qualified; k++)
        qualified = _quorum_server_holds_credential (server, json_object_get_int_member (task, "project"), user_id,
                                                     settings->required_credentials[k]);
      if (!qualified &&
          !quorum_store_release_task (server->store, json_object_get_int_member (task, "id"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_credential_body (QuorumRequest  *request,
                      const char    **name,
                      const char    **description,
                      JsonObject    **body)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if ((*body = _quorum_request_body (request)) == NULL)
    return FALSE;
  *description = NULL;
  node = json_object_get_member (*body, "description");
  if (node != NULL && (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "description: must be a string");
      return FALSE;
    }
  if (node != NULL)
    *description = json_node_get_string (node);
  if ((*name = quorum_http_member_string (*body, "name", TRUE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }
  if (strchr (*name, '/') != NULL)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "name: an organization's credential cannot contain “/”, which jobs use "
                               "to name the organization (“Org/Name”)");
      return FALSE;
    }
  return TRUE;
}

void
_quorum_server_create_org_credential (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) org = NULL;
  g_autoptr(JsonObject) credential = NULL;
  const char *name, *description;
  gint64 id;

  if (!_quorum_request_require_admin (request))
    return;
  if ((org = quorum_store_get_org (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!read_credential_body (request, &name, &description, &body))
    return;
  if ((id = quorum_store_create_org_credential (request->server->store, request->ids[0], name, description,
                                                &error)) < 0 ||
      (credential = quorum_store_get_credential (request->server->store, id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_CREATED, json_node_init_object (json_node_alloc (), credential));
}

void
_quorum_server_list_org_credentials (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) org = quorum_store_get_org (request->server->store, request->ids[0], &error);

  if (org == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* Organization credentials are public: any project may require them. */
  _quorum_request_reply_result (request, quorum_store_list_org_credentials (request->server->store, request->ids[0],
                                                                            &error), &error);
}
