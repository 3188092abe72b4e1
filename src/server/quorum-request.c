/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

/* The request API every handler works with: who calls, what they sent, the
 * checks of their role, and the reply. Handlers depend on this and on the
 * store, nothing else of the server. */

#include "config.h"

#include <string.h>

#include "quorum-error.h"
#include "quorum-password.h"
#include "quorum-server-private.h"

QuorumRequest *
_quorum_request_new (QuorumServer      *server,
                     SoupServerMessage *msg,
                     const gint64      *ids)
{
  QuorumRequest *request = g_new0 (QuorumRequest, 1);

  request->server = g_object_ref (server);
  request->msg = g_object_ref (msg);
  if (ids != NULL)
    memcpy (request->ids, ids, sizeof request->ids);
  return request;
}

void
_quorum_request_free (QuorumRequest *request)
{
  g_clear_pointer (&request->caller, json_object_unref);
  g_free (request->token_hash);
  g_object_unref (request->msg);
  g_object_unref (request->server);
  g_free (request);
}

void
_quorum_request_reply (QuorumRequest *request,
                       guint          status,
                       JsonNode      *body)
{
  quorum_http_reply_json (request->msg, status, body);
}

void
_quorum_request_reply_error (QuorumRequest *request,
                             GError        *error)
{
  quorum_http_reply_gerror (request->msg, error);
}

void
_quorum_request_reply_result (QuorumRequest *request,
                              JsonNode      *result,
                              GError       **error)
{
  if (result == NULL)
    quorum_http_reply_gerror (request->msg, *error);
  else
    quorum_http_reply_json (request->msg, SOUP_STATUS_OK, result);
}

void
_quorum_request_pause (QuorumRequest *request)
{
  request->paused = TRUE;
  soup_server_message_pause (request->msg);
}

JsonObject *
_quorum_request_body (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  JsonObject *body = quorum_http_read_object (request->msg, &error);

  if (body == NULL)
    quorum_http_reply_gerror (request->msg, error);
  return body;
}

/* By QuorumRole; QUORUM_ROLE_NONE has no name. */
static const char * const role_names[] = { NULL, "viewer", "annotator", "reviewer", "editor", "admin" };

gboolean
quorum_role_from_string (const char *name,
                         QuorumRole *role)
{
  for (guint i = 1; name != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (role_names[i], name))
      {
        *role = (QuorumRole) i;
        return TRUE;
      }
  return FALSE;
}

const char *
quorum_role_to_string (QuorumRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), NULL);

  return role_names[role];
}

QuorumRole
_quorum_server_project_role (QuorumServer *server,
                             gint64        project_id,
                             gint64        user_id,
                             gboolean      admin)
{
  g_autofree char *name = NULL;
  QuorumRole role = QUORUM_ROLE_NONE;

  if (admin)
    return QUORUM_ROLE_ADMIN;
  if ((name = quorum_store_project_role (server->store, project_id, user_id)) != NULL)
    quorum_role_from_string (name, &role);
  return role;
}

gboolean
_quorum_request_require_role (QuorumRequest *request,
                              gint64         project_id,
                              QuorumRole     needed,
                              QuorumRole    *role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) project = quorum_store_get_project (request->server->store, project_id, &error);
  QuorumRole found;

  if (project == NULL)
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }
  found = _quorum_server_project_role (request->server, project_id, request->caller_id, request->caller_admin);
  if (found == QUORUM_ROLE_NONE)
    {
      g_autofree char *message = g_strdup_printf ("no project %" G_GINT64_FORMAT, project_id);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
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

gboolean
_quorum_request_require_admin (QuorumRequest *request)
{
  if (!request->caller_admin)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                               "only a server administrator may do this");
      return FALSE;
    }
  return TRUE;
}

/* The caller found from a message's headers, kept on the message until its
 * handler runs: the token is looked up once per request. */
typedef struct {
  JsonObject *caller;
  char       *token_hash;
} SignedIn;

static void
signed_in_free (SignedIn *signed_in)
{
  g_clear_pointer (&signed_in->caller, json_object_unref);
  g_free (signed_in->token_hash);
  g_free (signed_in);
}

static GQuark
signed_in_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("quorum-signed-in");
  return quark;
}

void
_quorum_request_keep_caller (QuorumRequest *request)
{
  SignedIn *signed_in = g_new0 (SignedIn, 1);

  signed_in->caller = g_steal_pointer (&request->caller);
  signed_in->token_hash = g_steal_pointer (&request->token_hash);
  g_object_set_qdata_full (G_OBJECT (request->msg), signed_in_quark (), signed_in,
                           (GDestroyNotify) signed_in_free);
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *
bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
      authorization[strlen ("Bearer ")] == '\0')
    return NULL;
  return authorization + strlen ("Bearer ");
}

gboolean
_quorum_request_find_caller (QuorumRequest  *request,
                             GError        **error)
{
  const char *token = bearer_token (request->msg);

  g_clear_pointer (&request->caller, json_object_unref);
  if (token == NULL)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED,
                           "Authorization: sign in and send “Bearer TOKEN”");
      return FALSE;
    }
  if (request->token_hash == NULL)
    request->token_hash = quorum_token_hash (token);
  request->caller = quorum_store_user_for_token (request->server->store, request->token_hash,
                                                 g_get_real_time () / G_USEC_PER_SEC, error);
  if (request->caller == NULL)
    return FALSE;
  request->caller_id = json_object_get_int_member (request->caller, "id");
  request->caller_admin = json_object_get_boolean_member (request->caller, "admin");
  return TRUE;
}

void
_quorum_request_reply_unauthorized (QuorumRequest *request,
                                    GError        *error)
{
  if (bearer_token (request->msg) == NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                  "WWW-Authenticate", "Bearer realm=\"quorum\"");
  quorum_http_reply_gerror (request->msg, error);
}

gboolean
_quorum_request_authenticate (QuorumRequest *request)
{
  SignedIn *signed_in = g_object_get_qdata (G_OBJECT (request->msg), signed_in_quark ());
  g_autoptr(GError) error = NULL;

  /* A read from disk looks the token up there, not in the batch. */
  if (signed_in != NULL && !request->from_disk)
    {
      request->caller = g_steal_pointer (&signed_in->caller);
      request->token_hash = g_steal_pointer (&signed_in->token_hash);
      g_object_set_qdata (G_OBJECT (request->msg), signed_in_quark (), NULL);
      if (request->caller != NULL)
        {
          request->caller_id = json_object_get_int_member (request->caller, "id");
          request->caller_admin = json_object_get_boolean_member (request->caller, "admin");
          return TRUE;
        }
      g_clear_pointer (&request->token_hash, g_free);
    }
  if (_quorum_request_find_caller (request, &error))
    return TRUE;
  _quorum_request_reply_unauthorized (request, error);
  return FALSE;
}


void
_quorum_request_finish (QuorumRequest *request)
{
  _quorum_server_hold_until_commit (request->server, request->msg);
  _quorum_request_free (request);
}
