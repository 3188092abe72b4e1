/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <string.h>

#include "quorum-error.h"
#include "quorum-password.h"
#include "quorum-server-private.h"

#define MAX_NAME_LENGTH 64

/* User and organization names: what a person types, printable, no slashes. */
static gboolean
check_name (const char  *field,
            const char  *name,
            GError     **error)
{
  if (g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "%s: at most %d characters", field, MAX_NAME_LENGTH);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isprint (c) || c == '/' || (p == name && g_unichar_isspace (c)))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "%s: may hold letters, digits, spaces and punctuation other than “/”", field);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
quorum_server_create_admin (QuorumServer  *self,
                            const char    *name,
                            const char    *password,
                            GError       **error)
{
  g_autofree char *hash = NULL;

  if (!check_name ("name", name, error))
    return FALSE;
  hash = quorum_password_hash (password, error);
  return hash != NULL && quorum_store_create_user (self->store, name, hash, TRUE, error) > 0;
}

/* ---- login: the password check runs off the main loop ---------------- */

typedef struct {
  char    *hash;
  char    *password;
} LoginCheck;

static void
login_check_free (LoginCheck *check)
{
  g_free (check->hash);
  if (check->password != NULL)
    memset (check->password, 0, strlen (check->password));
  g_free (check->password);
  g_free (check);
}

static void
verify_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  LoginCheck *check = data;

  g_task_return_boolean (task, quorum_password_verify (check->hash, check->password));
}

static void
reply_wrong_login (QuorumRequest *request)
{
  /* One message for an unknown user and a wrong password alike. */
  quorum_http_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                           "wrong user name or password");
}

static void
login_verified (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  QuorumRequest *request = user_data;
  QuorumServer *server = request->server;
  g_autoptr(GError) error = NULL;
  JsonObject *user = g_object_get_data (G_OBJECT (result), "user");

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    reply_wrong_login (request);
  else
    {
      g_autofree char *token = quorum_token_new ();
      g_autofree char *token_hash = quorum_token_hash (token);
      gint64 expires = g_get_real_time () / G_USEC_PER_SEC + server->token_lifetime;
      gint64 user_id = json_object_get_int_member (user, "id");

      if (!quorum_store_add_token (server->store, token_hash, user_id, expires, &error))
        _quorum_request_reply_error (request, error);
      else
        {
          JsonObject *body = json_object_new ();

          json_object_set_string_member (body, "token", token);
          json_object_set_int_member (body, "expires", expires);
          json_object_set_object_member (body, "user", json_object_ref (user));
          _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (body));
        }
    }
  _quorum_request_finish (request);
}

void
_quorum_server_login (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = _quorum_request_body (request);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) user = NULL;
  const char *name, *password;
  LoginCheck *check;

  if (body == NULL)
    return;
  if ((name = quorum_http_member_string (body, "user", TRUE, &error)) == NULL ||
      (password = quorum_http_member_string (body, "password", TRUE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  check = g_new0 (LoginCheck, 1);
  user = quorum_store_find_user (request->server->store, name, &check->hash, &error);
  if (user == NULL)
    {
      login_check_free (check);
      if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND))
        reply_wrong_login (request);
      else
        _quorum_request_reply_error (request, error);
      return;
    }
  check->password = g_strdup (password);

  _quorum_request_pause (request);
  task = g_task_new (NULL, NULL, login_verified, request);
  g_task_set_source_tag (task, _quorum_server_login);
  g_task_set_task_data (task, check, (GDestroyNotify) login_check_free);
  g_object_set_data_full (G_OBJECT (task), "user", json_object_ref (user),
                          (GDestroyNotify) json_object_unref);
  g_task_run_in_thread (task, verify_in_thread);
}

void
_quorum_server_logout (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!quorum_store_remove_token (request->server->store, request->token_hash, &error))
    _quorum_request_reply_error (request, error);
  else
    soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
_quorum_server_me (QuorumRequest *request)
{
  _quorum_request_reply (request, SOUP_STATUS_OK,
                         json_node_init_object (json_node_alloc (), request->caller));
}

void
_quorum_server_create_user (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(JsonObject) user = NULL;
  const char *name, *password;
  gboolean admin = FALSE;
  gint64 id;

  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if ((name = quorum_http_member_string (body, "name", TRUE, &error)) == NULL ||
      !check_name ("name", name, &error) ||
      (password = quorum_http_member_string (body, "password", TRUE, &error)) == NULL ||
      !quorum_http_member_boolean (body, "admin", &admin, &error) ||
      (hash = quorum_password_hash (password, &error)) == NULL ||
      (id = quorum_store_create_user (request->server->store, name, hash, admin, &error)) < 0 ||
      (user = quorum_store_get_user (request->server->store, id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_CREATED,
                         json_node_init_object (json_node_alloc (), user));
}

void
_quorum_server_list_users (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_admin (request))
    return;
  _quorum_request_reply_result (request, quorum_store_list_users (request->server->store, &error), &error);
}

void
_quorum_server_user_credentials (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  JsonNode *credentials;

  /* Anyone may see their own; an administrator anyone's. */
  if (request->ids[0] != request->caller_id && !_quorum_request_require_admin (request))
    return;
  if ((user = quorum_store_get_user (request->server->store, request->ids[0], &error)) == NULL ||
      (credentials = quorum_store_user_credentials (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, credentials);
}

void
_quorum_server_create_org (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  gint64 id;
  JsonObject *reply;

  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if ((name = quorum_http_member_string (body, "name", TRUE, &error)) == NULL ||
      !check_name ("name", name, &error) ||
      (id = quorum_store_create_org (request->server->store, name, &error)) < 0)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "id", id);
  json_object_set_string_member (reply, "name", name);
  _quorum_request_reply (request, SOUP_STATUS_CREATED, quorum_http_object_node (reply));
}

void
_quorum_server_list_orgs (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_admin (request))
    return;
  _quorum_request_reply_result (request, quorum_store_list_orgs (request->server->store, &error), &error);
}

void
_quorum_server_add_org_member (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  gint64 user_id = 0;

  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if (!quorum_http_member_integer (body, "user", TRUE, &user_id, &error) ||
      (user = quorum_store_get_user (request->server->store, user_id, &error)) == NULL ||
      !quorum_store_add_org_member (request->server->store, request->ids[0], user_id, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}
