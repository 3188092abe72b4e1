/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-gi"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "quorum-client.h"
#include "quorum-credentials-store.h"
#include "quorum-error.h"
#include "quorum-session.h"
#include "quorum-session-private.h"
#include "quorum-video-agreement.h"
#include "quorum-wire.h"

/**
 * QuorumSession:
 *
 * A signed-in connection to one Quorum server, for scripts.
 *
 * Every call goes through the same HTTP client as quorumctl and the app
 * (QuorumClient, src/client): there is one implementation of the protocol.
 * Each network call comes as `_async`/`_finish` for a GLib main loop and as
 * `_sync` for a script; its result is the server's JSON reply (a #JsonNode),
 * and its errors are in the %QUORUM_ERROR domain with the server's own
 * message, the code by the HTTP status.
 */
G_DEFINE_FINAL_TYPE (QuorumSession, quorum_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
quorum_session_finalize (GObject *object)
{
  QuorumSession *self = QUORUM_SESSION (object);

  g_clear_object (&self->client);
  G_OBJECT_CLASS (quorum_session_parent_class)->finalize (object);
}

static void
quorum_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QuorumSession *self = QUORUM_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_string (value, quorum_session_get_server (self));
      break;
    case PROP_TOKEN:
      g_value_set_string (value, quorum_session_get_token (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  QuorumSession *self = QUORUM_SESSION (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      quorum_session_set_token (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_session_class_init (QuorumSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_session_finalize;
  object_class->get_property = quorum_session_get_property;
  object_class->set_property = quorum_session_set_property;

  /**
   * QuorumSession:server:
   *
   * The server's normalized address, such as `http://localhost:8080`.
   */
  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * QuorumSession:token:
   *
   * The sign-in token sent with every call, or %NULL.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_session_init (QuorumSession *self)
{
}

/**
 * quorum_session_new:
 * @server: the server as a user types it (`localhost:8080`, `https://quorum.example`)
 * @error: where an unusable address is reported
 *
 * A session with no token yet: sign in with quorum_session_sign_in_sync(),
 * or give a token with quorum_session_set_token().
 *
 * Returns: (transfer full): the new session, or %NULL when @server is not
 *   an address
 */
QuorumSession *
quorum_session_new (const char  *server,
                    GError     **error)
{
  g_autoptr(QuorumSession) self = NULL;
  g_autoptr(QuorumClient) client = NULL;

  if (server == NULL || *server == '\0')
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "server: give the server's address, such as localhost:8080");
      return NULL;
    }
  if ((client = quorum_client_new (server, error)) == NULL)
    return NULL;
  self = g_object_new (QUORUM_TYPE_SESSION, NULL);
  self->client = g_steal_pointer (&client);
  return g_steal_pointer (&self);
}

/**
 * quorum_session_new_from_keyring:
 * @server: the server as a user types it
 * @error: where a missing token is reported
 *
 * A session with the token `quorumctl login` stored for @server, in the
 * keyring or in quorumctl's credentials file.
 *
 * Returns: (transfer full): the new session, or %NULL when nothing is
 *   stored for @server (%QUORUM_ERROR_UNAUTHORIZED)
 */
QuorumSession *
quorum_session_new_from_keyring (const char  *server,
                                 GError     **error)
{
  g_autoptr(QuorumSession) self = quorum_session_new (server, error);
  g_autofree char *token = NULL;

  if (self == NULL)
    return NULL;
  if ((token = quorum_credentials_store_lookup (quorum_client_get_server (self->client), NULL)) == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED,
                   "server: no sign-in is stored for %s; sign in with “quorumctl login --server %s”",
                   quorum_client_get_server (self->client), server);
      return NULL;
    }
  quorum_client_set_token (self->client, token);
  return g_steal_pointer (&self);
}

/**
 * quorum_session_get_server:
 * @self: a session
 *
 * Returns: (transfer none): the server's normalized address
 */
const char *
quorum_session_get_server (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  g_return_val_if_fail (self->client != NULL, NULL);

  return quorum_client_get_server (self->client);
}

/**
 * quorum_session_get_token:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the token sent with every call, or
 *   %NULL before signing in
 */
const char *
quorum_session_get_token (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  g_return_val_if_fail (self->client != NULL, NULL);

  return quorum_client_get_token (self->client);
}

/**
 * quorum_session_set_token:
 * @self: a session
 * @token: (nullable): a token from a sign-in, or %NULL to send none
 *
 * Sets the token sent with every later call.
 */
void
quorum_session_set_token (QuorumSession *self,
                          const char    *token)
{
  g_return_if_fail (QUORUM_IS_SESSION (self));
  g_return_if_fail (self->client != NULL);

  if (g_strcmp0 (token, quorum_client_get_token (self->client)) == 0)
    return;
  quorum_client_set_token (self->client, token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/* ---- the plumbing ------------------------------------------------------- */

/* Bad arguments are reported through the callback, as the server would:
 * QUORUM_ERROR_INVALID with the field named. */
void
_quorum_session_report_invalid (QuorumSession       *self,
                                gpointer             source_tag,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data,
                                QuorumError          code,
                                const char          *format,
                                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_task_report_new_error (self, callback, user_data, source_tag, QUORUM_ERROR, code, "%s", message);
}

gboolean
_quorum_session_check_id (QuorumSession       *self,
                          gpointer             source_tag,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data,
                          const char          *field,
                          gint64               id)
{
  if (id >= 1)
    return TRUE;
  _quorum_session_report_invalid (self, source_tag, callback, user_data, QUORUM_ERROR_INVALID,
                                  "%s: must be an id of at least 1, not %" G_GINT64_FORMAT, field, id);
  return FALSE;
}

gboolean
_quorum_session_check_text (QuorumSession       *self,
                            gpointer             source_tag,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data,
                            const char          *field,
                            const char          *text)
{
  if (text != NULL && *text != '\0')
    return TRUE;
  _quorum_session_report_invalid (self, source_tag, callback, user_data, QUORUM_ERROR_INVALID,
                                  "%s: must not be empty", field);
  return FALSE;
}

void
_quorum_session_call_replied (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_node_unref);
}

/* One request; its task answers the server's reply. @body is borrowed. */
void
_quorum_session_call (QuorumSession       *self,
                      gpointer             source_tag,
                      const char          *method,
                      const char          *path,
                      JsonNode            *body,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  quorum_client_call_async (self->client, method, path, body, cancellable, _quorum_session_call_replied, task);
}

JsonNode *
_quorum_session_finish (QuorumSession  *self,
                        GAsyncResult   *result,
                        gpointer        source_tag,
                        GError        **error)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonNode *
_quorum_session_ids_node (const gint64 *ids,
                          guint         n_ids)
{
  g_autoptr(JsonArray) array = json_array_sized_new (n_ids);

  for (guint i = 0; i < n_ids; i++)
    json_array_add_int_element (array, ids[i]);
  return json_node_init_array (json_node_alloc (), array);
}


void
_quorum_session_sync_begin (SyncCall *call)
{
  call->context = g_main_context_new ();
  call->result = NULL;
  g_main_context_push_thread_default (call->context);
}

void
_quorum_session_sync_done (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  SyncCall *call = user_data;

  call->result = g_object_ref (result);
  g_main_context_wakeup (call->context);
}

GAsyncResult *
_quorum_session_sync_wait (SyncCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
  return call->result;
}

void
_quorum_session_sync_end (SyncCall *call)
{
  g_main_context_pop_thread_default (call->context);
  while (g_main_context_iteration (call->context, FALSE))
    ;
  g_main_context_unref (call->context);
  g_clear_object (&call->result);
}

JsonNode *
_quorum_session_sync_end_node (SyncCall *call,
                               JsonNode *reply)
{
  _quorum_session_sync_end (call);
  return reply;
}


/* ---- sign in and any call ------------------------------------------------ */

static void
signed_in (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  JsonNode *reply = quorum_client_login_finish (QUORUM_CLIENT (source), result, &error);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_node_unref);
}

/**
 * quorum_session_sign_in_async:
 * @self: a session
 * @user: the user name
 * @password: the password; it is sent once and never kept
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * Signs in (`POST /login`); on success the session keeps the token.
 */
void
quorum_session_sign_in_async (QuorumSession       *self,
                              const char          *user,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!_quorum_session_check_text (self, quorum_session_sign_in_async, callback, user_data, "user", user) ||
      !_quorum_session_check_text (self, quorum_session_sign_in_async, callback, user_data, "password", password))
    return;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_sign_in_async);
  quorum_client_login_async (self->client, user, password, cancellable, signed_in, task);
}

/**
 * quorum_session_sign_in_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the reply, `{"token", "expires", "user"}`
 */
JsonNode *
quorum_session_sign_in_finish (QuorumSession  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return _quorum_session_finish (self, result, quorum_session_sign_in_async, error);
}

/**
 * quorum_session_sign_in_sync:
 * @self: a session
 * @user: the user name
 * @password: the password; it is sent once and never kept
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * Signs in, blocking; on success the session keeps the token.
 *
 * Returns: (transfer full): the reply, `{"token", "expires", "user"}`
 */
JsonNode *
quorum_session_sign_in_sync (QuorumSession  *self,
                             const char     *user,
                             const char     *password,
                             GCancellable   *cancellable,
                             GError        **error)
{
  SYNC_NODE (quorum_session_sign_in_async (self, user, password, cancellable, _quorum_session_sync_done, &call),
             quorum_session_sign_in_finish);
}

/**
 * quorum_session_call_async:
 * @self: a session
 * @method: the HTTP method, `GET`, `POST`, `PUT`, `PATCH` or `DELETE`
 * @path: the route under `/api/v1`, such as `/projects/1/members`
 * @body: (nullable): the JSON body, or %NULL for none
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * Any route of docs/api.md.
 */
void
quorum_session_call_async (QuorumSession       *self,
                           const char          *method,
                           const char          *path,
                           JsonNode            *body,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (method == NULL || !g_strv_contains (methods, method))
    {
      _quorum_session_report_invalid (self, quorum_session_call_async, callback, user_data, QUORUM_ERROR_INVALID,
                                      "method: GET, POST, PUT, PATCH or DELETE, not “%s”",
                                      method ? method : "(null)");
      return;
    }
  if (path == NULL || path[0] != '/')
    {
      _quorum_session_report_invalid (self, quorum_session_call_async, callback, user_data, QUORUM_ERROR_INVALID,
                                      "path: must start with “/”, like /projects, not “%s”",
                                      path ? path : "(null)");
      return;
    }
  _quorum_session_call (self, quorum_session_call_async, method, path, body, cancellable, callback, user_data);
}

/**
 * quorum_session_call_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the server's reply; a JSON null for an empty one
 */
JsonNode *
quorum_session_call_finish (QuorumSession  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  return _quorum_session_finish (self, result, quorum_session_call_async, error);
}

/**
 * quorum_session_call_sync:
 * @self: a session
 * @method: the HTTP method, `GET`, `POST`, `PUT`, `PATCH` or `DELETE`
 * @path: the route under `/api/v1`, such as `/projects/1/members`
 * @body: (nullable): the JSON body, or %NULL for none
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * Any route of docs/api.md, blocking.
 *
 * Returns: (transfer full): the server's reply; a JSON null for an empty one
 */
JsonNode *
quorum_session_call_sync (QuorumSession  *self,
                          const char     *method,
                          const char     *path,
                          JsonNode       *body,
                          GCancellable   *cancellable,
                          GError        **error)
{
  SYNC_NODE (quorum_session_call_async (self, method, path, body, cancellable, _quorum_session_sync_done, &call),
             quorum_session_call_finish);
}

/* ---- calls of one id ------------------------------------------------------ */

/* The three forms of a call that takes one id and no body. */
#define ONE_ID_CALL(op, method, field, format) \
  void \
  quorum_session_##op##_async (QuorumSession       *self, \
                               gint64               id, \
                               GCancellable        *cancellable, \
                               GAsyncReadyCallback  callback, \
                               gpointer             user_data) \
  { \
    g_autofree char *path = NULL; \
    g_return_if_fail (QUORUM_IS_SESSION (self)); \
    if (!_quorum_session_check_id (self, quorum_session_##op##_async, callback, user_data, field, id)) \
      return; \
    path = g_strdup_printf (format, id); \
    _quorum_session_call (self, quorum_session_##op##_async, method, path, NULL, cancellable, callback, \
                          user_data); \
  } \
  JsonNode * \
  quorum_session_##op##_finish (QuorumSession  *self, \
                                GAsyncResult   *result, \
                                GError        **error) \
  { \
    return _quorum_session_finish (self, result, quorum_session_##op##_async, error); \
  } \
  JsonNode * \
  quorum_session_##op##_sync (QuorumSession  *self, \
                              gint64          id, \
                              GCancellable   *cancellable, \
                              GError        **error) \
  { \
    SYNC_NODE (quorum_session_##op##_async (self, id, cancellable, _quorum_session_sync_done, &call), \
               quorum_session_##op##_finish); \
  }

/**
 * quorum_session_list_labels_async:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /projects/{id}/labels`.
 */
/**
 * quorum_session_list_labels_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the label schema, `{"labels": […]}`
 */
/**
 * quorum_session_list_labels_sync:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /projects/{id}/labels`, blocking.
 *
 * Returns: (transfer full): the label schema, `{"labels": […]}`
 */
ONE_ID_CALL (list_labels, "GET", "project_id", "/projects/%" G_GINT64_FORMAT "/labels")

/**
 * quorum_session_list_files_async:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /projects/{id}/files`.
 */
/**
 * quorum_session_list_files_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the project's file records in upload order
 */
/**
 * quorum_session_list_files_sync:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /projects/{id}/files`, blocking.
 *
 * Returns: (transfer full): the project's file records in upload order
 */
ONE_ID_CALL (list_files, "GET", "project_id", "/projects/%" G_GINT64_FORMAT "/files")

/**
 * quorum_session_list_guides_async:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /projects/{id}/guides`.
 */
/**
 * quorum_session_list_guides_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the project's guides by name, without their text
 */
/**
 * quorum_session_list_guides_sync:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /projects/{id}/guides`, blocking.
 *
 * Returns: (transfer full): the project's guides by name, without their text
 */
ONE_ID_CALL (list_guides, "GET", "project_id", "/projects/%" G_GINT64_FORMAT "/guides")

/**
 * quorum_session_launch_job_async:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `POST /jobs/{id}/launch`.
 */
/**
 * quorum_session_launch_job_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the job, now `launched`
 */
/**
 * quorum_session_launch_job_sync:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `POST /jobs/{id}/launch`, blocking.
 *
 * Returns: (transfer full): the job, now `launched`
 */
ONE_ID_CALL (launch_job, "POST", "job_id", "/jobs/%" G_GINT64_FORMAT "/launch")

/**
 * quorum_session_list_jobs_async:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /projects/{id}/jobs`.
 */
/**
 * quorum_session_list_jobs_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the project's jobs
 */
/**
 * quorum_session_list_jobs_sync:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /projects/{id}/jobs`, blocking.
 *
 * Returns: (transfer full): the project's jobs
 */
ONE_ID_CALL (list_jobs, "GET", "project_id", "/projects/%" G_GINT64_FORMAT "/jobs")

/**
 * quorum_session_job_status_async:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /jobs/{id}/status`.
 */
/**
 * quorum_session_job_status_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): `{"job", "state", "tasks", "files"}`
 */
/**
 * quorum_session_job_status_sync:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /jobs/{id}/status`, blocking.
 *
 * Returns: (transfer full): `{"job", "state", "tasks", "files"}`
 */
ONE_ID_CALL (job_status, "GET", "job_id", "/jobs/%" G_GINT64_FORMAT "/status")

/**
 * quorum_session_list_tasks_async:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /jobs/{id}/tasks`.
 */
/**
 * quorum_session_list_tasks_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): every task of the job in task order, with its state and assignee
 */
/**
 * quorum_session_list_tasks_sync:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /jobs/{id}/tasks`, blocking.
 *
 * Returns: (transfer full): every task of the job in task order, with its state and assignee
 */
ONE_ID_CALL (list_tasks, "GET", "job_id", "/jobs/%" G_GINT64_FORMAT "/tasks")

/**
 * quorum_session_exam_results_async:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /jobs/{id}/results`.
 */
/**
 * quorum_session_exam_results_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): an exam's results, `{"pass_rule", "state", "takers"}`
 */
/**
 * quorum_session_exam_results_sync:
 * @self: a session
 * @job_id: the job
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /jobs/{id}/results`, blocking.
 *
 * Returns: (transfer full): an exam's results, `{"pass_rule", "state", "takers"}`
 */
ONE_ID_CALL (exam_results, "GET", "job_id", "/jobs/%" G_GINT64_FORMAT "/results")

/**
 * quorum_session_list_credentials_async:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /projects/{id}/credentials`.
 */
/**
 * quorum_session_list_credentials_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the project's credentials with their holders
 */
/**
 * quorum_session_list_credentials_sync:
 * @self: a session
 * @project_id: the project
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /projects/{id}/credentials`, blocking.
 *
 * Returns: (transfer full): the project's credentials with their holders
 */
ONE_ID_CALL (list_credentials, "GET", "project_id", "/projects/%" G_GINT64_FORMAT "/credentials")
