/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-gi"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "quorum-client.h"
#include "quorum-credentials-store.h"
#include "quorum-error.h"
#include "quorum-session.h"
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
struct _QuorumSession
{
  GObject       parent_instance;

  QuorumClient *client;
};

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
static void report_invalid (QuorumSession       *self,
                            gpointer             source_tag,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data,
                            QuorumError          code,
                            const char          *format,
                            ...) G_GNUC_PRINTF (6, 7);

static void
report_invalid (QuorumSession       *self,
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

static gboolean
check_id (QuorumSession       *self,
          gpointer             source_tag,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          const char          *field,
          gint64               id)
{
  if (id >= 1)
    return TRUE;
  report_invalid (self, source_tag, callback, user_data, QUORUM_ERROR_INVALID,
                  "%s: must be an id of at least 1, not %" G_GINT64_FORMAT, field, id);
  return FALSE;
}

static gboolean
check_text (QuorumSession       *self,
            gpointer             source_tag,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            const char          *field,
            const char          *text)
{
  if (text != NULL && *text != '\0')
    return TRUE;
  report_invalid (self, source_tag, callback, user_data, QUORUM_ERROR_INVALID,
                  "%s: must not be empty", field);
  return FALSE;
}

static void
call_replied (GObject      *source,
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
static void
session_call (QuorumSession       *self,
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
  quorum_client_call_async (self->client, method, path, body, cancellable, call_replied, task);
}

static JsonNode *
session_finish (QuorumSession  *self,
                GAsyncResult   *result,
                gpointer        source_tag,
                GError        **error)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonNode *
ids_node (const gint64 *ids,
          guint         n_ids)
{
  g_autoptr(JsonArray) array = json_array_sized_new (n_ids);

  for (guint i = 0; i < n_ids; i++)
    json_array_add_int_element (array, ids[i]);
  return json_node_init_array (json_node_alloc (), array);
}

/* The _sync forms run the _async call on a private main context, so that
 * they never iterate the default one under a caller's feet. */
typedef struct {
  GMainContext *context;
  GAsyncResult *result;
} SyncCall;

static void
sync_begin (SyncCall *call)
{
  call->context = g_main_context_new ();
  call->result = NULL;
  g_main_context_push_thread_default (call->context);
}

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncCall *call = user_data;

  call->result = g_object_ref (result);
  g_main_context_wakeup (call->context);
}

static GAsyncResult *
sync_wait (SyncCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
  return call->result;
}

static void
sync_end (SyncCall *call)
{
  g_main_context_pop_thread_default (call->context);
  while (g_main_context_iteration (call->context, FALSE))
    ;
  g_main_context_unref (call->context);
  g_clear_object (&call->result);
}

static JsonNode *
sync_end_node (SyncCall *call,
               JsonNode *reply)
{
  sync_end (call);
  return reply;
}

#define SYNC_NODE(start, finish) \
  SyncCall call; \
  sync_begin (&call); \
  start; \
  return sync_end_node (&call, finish (self, sync_wait (&call), error))

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
  if (!check_text (self, quorum_session_sign_in_async, callback, user_data, "user", user) ||
      !check_text (self, quorum_session_sign_in_async, callback, user_data, "password", password))
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
  return session_finish (self, result, quorum_session_sign_in_async, error);
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
  SYNC_NODE (quorum_session_sign_in_async (self, user, password, cancellable, sync_done, &call),
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
      report_invalid (self, quorum_session_call_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "method: GET, POST, PUT, PATCH or DELETE, not “%s”", method ? method : "(null)");
      return;
    }
  if (path == NULL || path[0] != '/')
    {
      report_invalid (self, quorum_session_call_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "path: must start with “/”, like /projects, not “%s”", path ? path : "(null)");
      return;
    }
  session_call (self, quorum_session_call_async, method, path, body, cancellable, callback, user_data);
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
  return session_finish (self, result, quorum_session_call_async, error);
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
  SYNC_NODE (quorum_session_call_async (self, method, path, body, cancellable, sync_done, &call),
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
    if (!check_id (self, quorum_session_##op##_async, callback, user_data, field, id)) \
      return; \
    path = g_strdup_printf (format, id); \
    session_call (self, quorum_session_##op##_async, method, path, NULL, cancellable, callback, \
                  user_data); \
  } \
  JsonNode * \
  quorum_session_##op##_finish (QuorumSession  *self, \
                                GAsyncResult   *result, \
                                GError        **error) \
  { \
    return session_finish (self, result, quorum_session_##op##_async, error); \
  } \
  JsonNode * \
  quorum_session_##op##_sync (QuorumSession  *self, \
                              gint64          id, \
                              GCancellable   *cancellable, \
                              GError        **error) \
  { \
    SYNC_NODE (quorum_session_##op##_async (self, id, cancellable, sync_done, &call), \
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

/* ---- projects and labels --------------------------------------------------- */

/**
 * quorum_session_list_projects_async:
 * @self: a session
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `GET /projects`: the projects the caller is a member of, each with the
 * caller's role.
 */
void
quorum_session_list_projects_async (QuorumSession       *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (QUORUM_IS_SESSION (self));

  session_call (self, quorum_session_list_projects_async, "GET", "/projects", NULL, cancellable,
                callback, user_data);
}

/**
 * quorum_session_list_projects_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the projects, an array
 */
JsonNode *
quorum_session_list_projects_finish (QuorumSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return session_finish (self, result, quorum_session_list_projects_async, error);
}

/**
 * quorum_session_list_projects_sync:
 * @self: a session
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `GET /projects`, blocking.
 *
 * Returns: (transfer full): the projects, an array
 */
JsonNode *
quorum_session_list_projects_sync (QuorumSession  *self,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  SYNC_NODE (quorum_session_list_projects_async (self, cancellable, sync_done, &call),
             quorum_session_list_projects_finish);
}

/**
 * quorum_session_create_project_async:
 * @self: a session
 * @name: the project's name
 * @org_id: the organization it belongs to, or 0 for none
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `POST /projects` (server administrators); the caller becomes its admin.
 */
void
quorum_session_create_project_async (QuorumSession       *self,
                                     const char          *name,
                                     gint64               org_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_text (self, quorum_session_create_project_async, callback, user_data, "name", name))
    return;
  if (org_id < 0)
    {
      report_invalid (self, quorum_session_create_project_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "org_id: must be an organization's id, or 0 for none, not %" G_GINT64_FORMAT, org_id);
      return;
    }
  json_object_set_string_member (body, "name", name);
  if (org_id > 0)
    json_object_set_int_member (body, "org", org_id);
  node = json_node_init_object (json_node_alloc (), body);
  session_call (self, quorum_session_create_project_async, "POST", "/projects", node, cancellable,
                callback, user_data);
}

/**
 * quorum_session_create_project_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the project, `{"id", "name", "org", "labels", "created"}`
 */
JsonNode *
quorum_session_create_project_finish (QuorumSession  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return session_finish (self, result, quorum_session_create_project_async, error);
}

/**
 * quorum_session_create_project_sync:
 * @self: a session
 * @name: the project's name
 * @org_id: the organization it belongs to, or 0 for none
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `POST /projects`, blocking.
 *
 * Returns: (transfer full): the project, `{"id", "name", "org", "labels", "created"}`
 */
JsonNode *
quorum_session_create_project_sync (QuorumSession  *self,
                                    const char     *name,
                                    gint64          org_id,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  SYNC_NODE (quorum_session_create_project_async (self, name, org_id, cancellable, sync_done, &call),
             quorum_session_create_project_finish);
}

/**
 * quorum_session_set_labels_async:
 * @self: a session
 * @project_id: the project
 * @labels: the label schema, `{"labels": […]}` (docs/formats.md)
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `PUT /projects/{id}/labels` (project admins): replaces the label schema.
 */
void
quorum_session_set_labels_async (QuorumSession       *self,
                                 gint64               project_id,
                                 JsonNode            *labels,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_set_labels_async, callback, user_data, "project_id", project_id))
    return;
  if (labels == NULL || !JSON_NODE_HOLDS_OBJECT (labels))
    {
      report_invalid (self, quorum_session_set_labels_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "labels: must be a label schema, a JSON object like {\"labels\": […]}");
      return;
    }
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/labels", project_id);
  session_call (self, quorum_session_set_labels_async, "PUT", path, labels, cancellable, callback,
                user_data);
}

/**
 * quorum_session_set_labels_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the schema as the server stored it
 */
JsonNode *
quorum_session_set_labels_finish (QuorumSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return session_finish (self, result, quorum_session_set_labels_async, error);
}

/**
 * quorum_session_set_labels_sync:
 * @self: a session
 * @project_id: the project
 * @labels: the label schema, `{"labels": […]}` (docs/formats.md)
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `PUT /projects/{id}/labels`, blocking.
 *
 * Returns: (transfer full): the schema as the server stored it
 */
JsonNode *
quorum_session_set_labels_sync (QuorumSession  *self,
                                gint64          project_id,
                                JsonNode       *labels,
                                GCancellable   *cancellable,
                                GError        **error)
{
  SYNC_NODE (quorum_session_set_labels_async (self, project_id, labels, cancellable, sync_done, &call),
             quorum_session_set_labels_finish);
}

/* ---- files ----------------------------------------------------------------- */

typedef struct {
  QuorumProgress progress;
  gpointer       data;
  GDestroyNotify destroy;
} Progress;

static void
progress_free (Progress *progress)
{
  if (progress->destroy != NULL)
    progress->destroy (progress->data);
  g_free (progress);
}

static void
progress_relay (goffset  sent,
                goffset  total,
                gpointer user_data)
{
  Progress *progress = user_data;

  if (progress->progress != NULL)
    progress->progress (sent, total, progress->data);
}

/* The file's record with "existed": whether the project had the content. */
static JsonNode *
upload_reply (QuorumClient  *client,
              GAsyncResult  *result,
              GError       **error)
{
  gboolean existed = FALSE;
  JsonNode *reply = quorum_client_upload_finish (client, result, &existed, error);

  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    json_object_set_boolean_member (json_node_get_object (reply), "existed", existed);
  return reply;
}

static void
file_uploaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *reply = upload_reply (QUORUM_CLIENT (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_node_unref);
}

/**
 * quorum_session_upload_file_async:
 * @self: a session
 * @project_id: the project
 * @path: (type filename): the file to upload, an image or a video
 * @name: (nullable): its name in the project; %NULL for the file's base name
 * @progress: (nullable) (scope notified) (closure progress_data) (destroy progress_destroy):
 *   called as the body goes out
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data once the upload is over
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `POST /projects/{id}/files?name=NAME` (editors): streams the file from
 * disk, never holding it whole.
 */
void
quorum_session_upload_file_async (QuorumSession       *self,
                                  gint64               project_id,
                                  const char          *path,
                                  const char          *name,
                                  QuorumProgress       progress,
                                  gpointer             progress_data,
                                  GDestroyNotify       progress_destroy,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Progress *relay;
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_upload_file_async, callback, user_data, "project_id", project_id) ||
      !check_text (self, quorum_session_upload_file_async, callback, user_data, "path", path))
    {
      if (progress_destroy != NULL)
        progress_destroy (progress_data);
      return;
    }
  relay = g_new0 (Progress, 1);
  relay->progress = progress;
  relay->data = progress_data;
  relay->destroy = progress_destroy;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_upload_file_async);
  g_task_set_task_data (task, relay, (GDestroyNotify) progress_free);
  quorum_client_upload_async (self->client, project_id, path, name, progress_relay, relay, cancellable,
                              file_uploaded, task);
}

/**
 * quorum_session_upload_file_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the file's record, with `"existed": true` when
 *   the project had the same content already (the existing record)
 */
JsonNode *
quorum_session_upload_file_finish (QuorumSession  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return session_finish (self, result, quorum_session_upload_file_async, error);
}

/**
 * quorum_session_upload_file_sync:
 * @self: a session
 * @project_id: the project
 * @path: (type filename): the file to upload, an image or a video
 * @name: (nullable): its name in the project; %NULL for the file's base name
 * @progress: (nullable) (scope call) (closure progress_data): called as the body goes out
 * @progress_data: data for @progress
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * Uploads one file, blocking.
 *
 * Returns: (transfer full): the file's record, with `"existed"`
 */
JsonNode *
quorum_session_upload_file_sync (QuorumSession   *self,
                                 gint64           project_id,
                                 const char      *path,
                                 const char      *name,
                                 QuorumProgress   progress,
                                 gpointer         progress_data,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  SYNC_NODE (quorum_session_upload_file_async (self, project_id, path, name, progress, progress_data, NULL,
                                               cancellable, sync_done, &call),
             quorum_session_upload_file_finish);
}

/* A folder's upload: its images and videos, listed in a worker thread, then
 * sent one after the other. */
typedef struct {
  gint64     project_id;
  char      *folder;
  GPtrArray *paths;
  guint      next;
  JsonArray *records;
} FolderUpload;

static void
folder_upload_free (FolderUpload *upload)
{
  g_free (upload->folder);
  g_clear_pointer (&upload->paths, g_ptr_array_unref);
  g_clear_pointer (&upload->records, json_array_unref);
  g_free (upload);
}

static gboolean
is_media_name (const char *name)
{
  g_autofree char *type = g_content_type_guess (name, NULL, 0, NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);

  return mime != NULL && (g_str_has_prefix (mime, "image/") || g_str_has_prefix (mime, "video/"));
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
folder_list_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  FolderUpload *upload = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (upload->folder, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "folder: %s", error->message);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (upload->folder, name, NULL);

      if (name[0] != '.' && g_file_test (path, G_FILE_TEST_IS_REGULAR) && is_media_name (name))
        g_ptr_array_add (names, g_strdup (name));
    }
  if (names->len == 0)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                               "folder: “%s” holds no image or video", upload->folder);
      return;
    }
  g_ptr_array_sort (names, compare_names);
  upload->paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (upload->paths, g_build_filename (upload->folder, g_ptr_array_index (names, i), NULL));
  g_task_return_boolean (task, TRUE);
}

static void folder_upload_next (GTask *task);

static void
folder_file_uploaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FolderUpload *upload = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *reply = upload_reply (QUORUM_CLIENT (source), result, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  json_array_add_element (upload->records, reply);
  folder_upload_next (g_steal_pointer (&task));
}

static void
folder_upload_next (GTask *task)
{
  QuorumSession *self = g_task_get_source_object (task);
  FolderUpload *upload = g_task_get_task_data (task);

  if (upload->next == upload->paths->len)
    {
      g_task_return_pointer (task, json_node_init_array (json_node_alloc (), upload->records),
                             (GDestroyNotify) json_node_unref);
      g_object_unref (task);
      return;
    }
  quorum_client_upload_async (self->client, upload->project_id, g_ptr_array_index (upload->paths, upload->next++),
                              NULL, NULL, NULL, g_task_get_cancellable (task), folder_file_uploaded, task);
}

static void
folder_listed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* The listing ran on the folder upload's data; it is complete now. */
  folder_upload_next (task);
}

/**
 * quorum_session_upload_folder_async:
 * @self: a session
 * @project_id: the project
 * @folder: (type filename): a folder of images and videos
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when every file is uploaded, or at the first error
 * @user_data: (closure): data for @callback
 *
 * Uploads the folder's images and videos (known by their names' extensions;
 * hidden files and sub-folders left out) one after the other, in name
 * order. The first refusal ends the upload; the files sent before it stay.
 */
void
quorum_session_upload_folder_async (QuorumSession       *self,
                                    gint64               project_id,
                                    const char          *folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) list = NULL;
  FolderUpload *upload;
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_upload_folder_async, callback, user_data, "project_id", project_id) ||
      !check_text (self, quorum_session_upload_folder_async, callback, user_data, "folder", folder))
    return;
  upload = g_new0 (FolderUpload, 1);
  upload->project_id = project_id;
  upload->folder = g_strdup (folder);
  upload->records = json_array_new ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_upload_folder_async);
  g_task_set_task_data (task, upload, (GDestroyNotify) folder_upload_free);
  list = g_task_new (self, cancellable, folder_listed, task);
  g_task_set_task_data (list, upload, NULL);
  g_task_run_in_thread (list, folder_list_thread);
}

/**
 * quorum_session_upload_folder_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the first refusal is reported
 *
 * Returns: (transfer full): an array of the files' records in name order,
 *   each with `"existed"`
 */
JsonNode *
quorum_session_upload_folder_finish (QuorumSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return session_finish (self, result, quorum_session_upload_folder_async, error);
}

/**
 * quorum_session_upload_folder_sync:
 * @self: a session
 * @project_id: the project
 * @folder: (type filename): a folder of images and videos
 * @cancellable: (nullable): a cancellable
 * @error: where the first refusal is reported
 *
 * Uploads a folder's images and videos, blocking.
 *
 * Returns: (transfer full): an array of the files' records in name order
 */
JsonNode *
quorum_session_upload_folder_sync (QuorumSession  *self,
                                   gint64          project_id,
                                   const char     *folder,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  SYNC_NODE (quorum_session_upload_folder_async (self, project_id, folder, cancellable, sync_done, &call),
             quorum_session_upload_folder_finish);
}

/* Bytes go through a temporary file, so that they take the one upload path
 * the client has (a streamed body with a known length). */
typedef struct {
  gint64  project_id;
  GBytes *content;
  char   *name;
  char   *temp_path;
} BytesUpload;

static void
bytes_upload_free (BytesUpload *upload)
{
  if (upload->temp_path != NULL)
    g_unlink (upload->temp_path);
  g_free (upload->temp_path);
  g_bytes_unref (upload->content);
  g_free (upload->name);
  g_free (upload);
}

static void
bytes_write_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  BytesUpload *upload = task_data;
  GError *error = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (upload->content, &size);
  int fd = g_file_open_tmp ("quorum-upload-XXXXXX", &upload->temp_path, &error);

  if (fd < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  g_close (fd, NULL);
  if (!g_file_set_contents (upload->temp_path, data, size, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
bytes_written (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  QuorumSession *self = g_task_get_source_object (task);
  BytesUpload *upload = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                               "content: could not be written to a temporary file: %s", error->message);
      g_error_free (error);
      g_object_unref (task);
      return;
    }
  quorum_client_upload_async (self->client, upload->project_id, upload->temp_path, upload->name, NULL, NULL,
                              g_task_get_cancellable (task), file_uploaded, task);
}

/**
 * quorum_session_upload_bytes_async:
 * @self: a session
 * @project_id: the project
 * @content: the file's bytes
 * @name: its name in the project, such as `street-01.png`
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * Uploads a file held in memory.
 */
void
quorum_session_upload_bytes_async (QuorumSession       *self,
                                   gint64               project_id,
                                   GBytes              *content,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) write = NULL;
  BytesUpload *upload;
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_upload_bytes_async, callback, user_data, "project_id", project_id) ||
      !check_text (self, quorum_session_upload_bytes_async, callback, user_data, "name", name))
    return;
  if (content == NULL || g_bytes_get_size (content) == 0)
    {
      report_invalid (self, quorum_session_upload_bytes_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "content: the file is empty");
      return;
    }
  upload = g_new0 (BytesUpload, 1);
  upload->project_id = project_id;
  upload->content = g_bytes_ref (content);
  upload->name = g_strdup (name);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_upload_bytes_async);
  g_task_set_task_data (task, upload, (GDestroyNotify) bytes_upload_free);
  write = g_task_new (self, cancellable, bytes_written, task);
  g_task_set_task_data (write, upload, NULL);
  g_task_run_in_thread (write, bytes_write_thread);
}

/**
 * quorum_session_upload_bytes_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the file's record, with `"existed"`
 */
JsonNode *
quorum_session_upload_bytes_finish (QuorumSession  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return session_finish (self, result, quorum_session_upload_bytes_async, error);
}

/**
 * quorum_session_upload_bytes_sync:
 * @self: a session
 * @project_id: the project
 * @content: the file's bytes
 * @name: its name in the project, such as `street-01.png`
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * Uploads a file held in memory, blocking.
 *
 * Returns: (transfer full): the file's record, with `"existed"`
 */
JsonNode *
quorum_session_upload_bytes_sync (QuorumSession  *self,
                                  gint64          project_id,
                                  GBytes         *content,
                                  const char     *name,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  SYNC_NODE (quorum_session_upload_bytes_async (self, project_id, content, name, cancellable, sync_done, &call),
             quorum_session_upload_bytes_finish);
}

/* ---- guides ------------------------------------------------------------------ */

static JsonNode *
guide_body (const char *name,
            const char *markdown,
            gint64      expected_version)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "markdown", markdown);
  if (expected_version > 0)
    json_object_set_int_member (body, "expected_version", expected_version);
  return json_node_init_object (json_node_alloc (), body);
}

/**
 * quorum_session_create_guide_async:
 * @self: a session
 * @project_id: the project
 * @name: the guide's name, unique in the project
 * @markdown: its text in Markdown; `![alt](name)` shows the project's file of that name
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `POST /projects/{id}/guides` (editors).
 */
void
quorum_session_create_guide_async (QuorumSession       *self,
                                   gint64               project_id,
                                   const char          *name,
                                   const char          *markdown,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_create_guide_async, callback, user_data, "project_id", project_id) ||
      !check_text (self, quorum_session_create_guide_async, callback, user_data, "name", name))
    return;
  if (markdown == NULL)
    {
      report_invalid (self, quorum_session_create_guide_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "markdown: give the guide's text");
      return;
    }
  body = guide_body (name, markdown, 0);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/guides", project_id);
  session_call (self, quorum_session_create_guide_async, "POST", path, body, cancellable, callback, user_data);
}

/**
 * quorum_session_create_guide_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the guide, at `"version": 1`
 */
JsonNode *
quorum_session_create_guide_finish (QuorumSession  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return session_finish (self, result, quorum_session_create_guide_async, error);
}

/**
 * quorum_session_create_guide_sync:
 * @self: a session
 * @project_id: the project
 * @name: the guide's name, unique in the project
 * @markdown: its text in Markdown
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `POST /projects/{id}/guides`, blocking.
 *
 * Returns: (transfer full): the guide, at `"version": 1`
 */
JsonNode *
quorum_session_create_guide_sync (QuorumSession  *self,
                                  gint64          project_id,
                                  const char     *name,
                                  const char     *markdown,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  SYNC_NODE (quorum_session_create_guide_async (self, project_id, name, markdown, cancellable, sync_done,
                                                &call),
             quorum_session_create_guide_finish);
}

typedef struct {
  gint64  guide_id;
  char   *markdown;
  gint64  expected_version;
} GuideUpdate;

static void
guide_update_free (GuideUpdate *update)
{
  g_free (update->markdown);
  g_free (update);
}

/* The route wants the name: without a new one, the guide keeps its own. */
static void
guide_read (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  QuorumSession *self = g_task_get_source_object (task);
  GuideUpdate *update = g_task_get_task_data (task);
  g_autoptr(JsonNode) guide = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  const char *name;

  if ((guide = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (guide) ||
      (name = json_object_get_string_member_with_default (json_node_get_object (guide), "name", NULL)) == NULL)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                               "guide %" G_GINT64_FORMAT ": the server's reply has no name", update->guide_id);
      g_object_unref (task);
      return;
    }
  body = guide_body (name, update->markdown, update->expected_version);
  path = g_strdup_printf ("/guides/%" G_GINT64_FORMAT, update->guide_id);
  quorum_client_call_async (self->client, "PUT", path, body, g_task_get_cancellable (task), call_replied, task);
}

/**
 * quorum_session_update_guide_async:
 * @self: a session
 * @guide_id: the guide
 * @name: (nullable): its new name, or %NULL to keep it
 * @markdown: its new text
 * @expected_version: the version the change starts from, or 0 for any: a
 *   guide saved since by someone else is then refused (%QUORUM_ERROR_CONFLICT)
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `PUT /guides/{id}` (editors): a change makes the guide's next version.
 */
void
quorum_session_update_guide_async (QuorumSession       *self,
                                   gint64               guide_id,
                                   const char          *name,
                                   const char          *markdown,
                                   gint64               expected_version,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = NULL;
  GuideUpdate *update;
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_update_guide_async, callback, user_data, "guide_id", guide_id))
    return;
  if (markdown == NULL)
    {
      report_invalid (self, quorum_session_update_guide_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "markdown: give the guide's text");
      return;
    }
  if (expected_version < 0)
    {
      report_invalid (self, quorum_session_update_guide_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "expected_version: the guide's version, or 0 for any, not %" G_GINT64_FORMAT,
                      expected_version);
      return;
    }
  path = g_strdup_printf ("/guides/%" G_GINT64_FORMAT, guide_id);
  if (name != NULL)
    {
      g_autoptr(JsonNode) body = guide_body (name, markdown, expected_version);

      session_call (self, quorum_session_update_guide_async, "PUT", path, body, cancellable, callback,
                    user_data);
      return;
    }
  update = g_new0 (GuideUpdate, 1);
  update->guide_id = guide_id;
  update->markdown = g_strdup (markdown);
  update->expected_version = expected_version;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_update_guide_async);
  g_task_set_task_data (task, update, (GDestroyNotify) guide_update_free);
  quorum_client_call_async (self->client, "GET", path, NULL, cancellable, guide_read, task);
}

/**
 * quorum_session_update_guide_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the guide as saved, with its `version`
 */
JsonNode *
quorum_session_update_guide_finish (QuorumSession  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return session_finish (self, result, quorum_session_update_guide_async, error);
}

/**
 * quorum_session_update_guide_sync:
 * @self: a session
 * @guide_id: the guide
 * @name: (nullable): its new name, or %NULL to keep it
 * @markdown: its new text
 * @expected_version: the version the change starts from, or 0 for any
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `PUT /guides/{id}`, blocking.
 *
 * Returns: (transfer full): the guide as saved, with its `version`
 */
JsonNode *
quorum_session_update_guide_sync (QuorumSession  *self,
                                  gint64          guide_id,
                                  const char     *name,
                                  const char     *markdown,
                                  gint64          expected_version,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  SYNC_NODE (quorum_session_update_guide_async (self, guide_id, name, markdown, expected_version, cancellable,
                                                sync_done, &call),
             quorum_session_update_guide_finish);
}

/* ---- jobs -------------------------------------------------------------------- */

/**
 * quorum_session_create_job_async:
 * @self: a session
 * @project_id: the project
 * @settings: the job settings of docs/formats.md, a JSON object with at least `name`
 * @file_ids: (array length=n_files) (nullable): the job's files in order
 * @n_files: the length of @file_ids
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `POST /projects/{id}/jobs` (editors): a job in the `draft` state.
 */
void
quorum_session_create_job_async (QuorumSession       *self,
                                 gint64               project_id,
                                 JsonNode            *settings,
                                 const gint64        *file_ids,
                                 guint                n_files,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_create_job_async, callback, user_data, "project_id", project_id))
    return;
  if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
    {
      report_invalid (self, quorum_session_create_job_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "settings: must be a JSON object like {\"name\": \"Batch 3\", \"passes_per_file\": 3}");
      return;
    }
  json_object_set_member (body, "settings", json_node_copy (settings));
  json_object_set_member (body, "files", ids_node (file_ids, file_ids != NULL ? n_files : 0));
  node = json_node_init_object (json_node_alloc (), body);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", project_id);
  session_call (self, quorum_session_create_job_async, "POST", path, node, cancellable, callback, user_data);
}

/**
 * quorum_session_create_job_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the job, `{"id", "project", "state", "settings", "files"}`
 */
JsonNode *
quorum_session_create_job_finish (QuorumSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return session_finish (self, result, quorum_session_create_job_async, error);
}

/**
 * quorum_session_create_job_sync:
 * @self: a session
 * @project_id: the project
 * @settings: the job settings of docs/formats.md, a JSON object with at least `name`
 * @file_ids: (array length=n_files) (nullable): the job's files in order
 * @n_files: the length of @file_ids
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `POST /projects/{id}/jobs`, blocking.
 *
 * Returns: (transfer full): the job, in the `draft` state
 */
JsonNode *
quorum_session_create_job_sync (QuorumSession  *self,
                                gint64          project_id,
                                JsonNode       *settings,
                                const gint64   *file_ids,
                                guint           n_files,
                                GCancellable   *cancellable,
                                GError        **error)
{
  SYNC_NODE (quorum_session_create_job_async (self, project_id, settings, file_ids, n_files, cancellable,
                                              sync_done, &call),
             quorum_session_create_job_finish);
}

static void
change_job_files (QuorumSession       *self,
                  gpointer             source_tag,
                  const char          *member,
                  gint64               job_id,
                  const gint64        *file_ids,
                  guint                n_files,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;

  if (!check_id (self, source_tag, callback, user_data, "job_id", job_id))
    return;
  if (file_ids == NULL || n_files == 0)
    {
      report_invalid (self, source_tag, callback, user_data, QUORUM_ERROR_INVALID,
                      "file_ids: give at least one file");
      return;
    }
  json_object_set_member (body, member, ids_node (file_ids, n_files));
  node = json_node_init_object (json_node_alloc (), body);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/files", job_id);
  session_call (self, source_tag, "PUT", path, node, cancellable, callback, user_data);
}

/**
 * quorum_session_add_job_files_async:
 * @self: a session
 * @job_id: a draft job
 * @file_ids: (array length=n_files): the files to add, after the job's own
 * @n_files: the length of @file_ids
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `PUT /jobs/{id}/files` with `add` (editors, drafts only).
 */
void
quorum_session_add_job_files_async (QuorumSession       *self,
                                    gint64               job_id,
                                    const gint64        *file_ids,
                                    guint                n_files,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (QUORUM_IS_SESSION (self));

  change_job_files (self, quorum_session_add_job_files_async, "add", job_id, file_ids, n_files, cancellable,
                    callback, user_data);
}

/**
 * quorum_session_add_job_files_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the job with its files
 */
JsonNode *
quorum_session_add_job_files_finish (QuorumSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return session_finish (self, result, quorum_session_add_job_files_async, error);
}

/**
 * quorum_session_add_job_files_sync:
 * @self: a session
 * @job_id: a draft job
 * @file_ids: (array length=n_files): the files to add
 * @n_files: the length of @file_ids
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `PUT /jobs/{id}/files` with `add`, blocking.
 *
 * Returns: (transfer full): the job with its files
 */
JsonNode *
quorum_session_add_job_files_sync (QuorumSession  *self,
                                   gint64          job_id,
                                   const gint64   *file_ids,
                                   guint           n_files,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  SYNC_NODE (quorum_session_add_job_files_async (self, job_id, file_ids, n_files, cancellable, sync_done, &call),
             quorum_session_add_job_files_finish);
}

/**
 * quorum_session_remove_job_files_async:
 * @self: a session
 * @job_id: a draft job
 * @file_ids: (array length=n_files): the files to take out
 * @n_files: the length of @file_ids
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `PUT /jobs/{id}/files` with `remove` (editors, drafts only).
 */
void
quorum_session_remove_job_files_async (QuorumSession       *self,
                                       gint64               job_id,
                                       const gint64        *file_ids,
                                       guint                n_files,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (QUORUM_IS_SESSION (self));

  change_job_files (self, quorum_session_remove_job_files_async, "remove", job_id, file_ids, n_files,
                    cancellable, callback, user_data);
}

/**
 * quorum_session_remove_job_files_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): the job with its files
 */
JsonNode *
quorum_session_remove_job_files_finish (QuorumSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  return session_finish (self, result, quorum_session_remove_job_files_async, error);
}

/**
 * quorum_session_remove_job_files_sync:
 * @self: a session
 * @job_id: a draft job
 * @file_ids: (array length=n_files): the files to take out
 * @n_files: the length of @file_ids
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `PUT /jobs/{id}/files` with `remove`, blocking.
 *
 * Returns: (transfer full): the job with its files
 */
JsonNode *
quorum_session_remove_job_files_sync (QuorumSession  *self,
                                      gint64          job_id,
                                      const gint64   *file_ids,
                                      guint           n_files,
                                      GCancellable   *cancellable,
                                      GError        **error)
{
  SYNC_NODE (quorum_session_remove_job_files_async (self, job_id, file_ids, n_files, cancellable, sync_done,
                                                    &call),
             quorum_session_remove_job_files_finish);
}

/* ---- credentials --------------------------------------------------------------- */

static void
change_grant (QuorumSession       *self,
              gpointer             source_tag,
              const char          *method,
              gint64               credential_id,
              gint64               user_id,
              const char          *reason,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  gboolean grant = g_str_equal (method, "POST");

  if (!check_id (self, source_tag, callback, user_data, "credential_id", credential_id) ||
      !check_id (self, source_tag, callback, user_data, "user_id", user_id))
    return;
  if (grant)
    json_object_set_int_member (body, "user", user_id);
  if (reason != NULL)
    json_object_set_string_member (body, "reason", reason);
  if (grant || reason != NULL)
    node = json_node_init_object (json_node_alloc (), body);
  if (grant)
    path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants", credential_id);
  else
    path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants/%" G_GINT64_FORMAT, credential_id, user_id);
  session_call (self, source_tag, method, path, node, cancellable, callback, user_data);
}

/**
 * quorum_session_grant_credential_async:
 * @self: a session
 * @credential_id: the credential
 * @user_id: the user who gets it
 * @reason: (nullable): why, kept with the grant (at most 500 characters)
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `POST /credentials/{id}/grants`: grants a credential by hand (an
 * "offline credential"; project admins).
 */
void
quorum_session_grant_credential_async (QuorumSession       *self,
                                       gint64               credential_id,
                                       gint64               user_id,
                                       const char          *reason,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (QUORUM_IS_SESSION (self));

  change_grant (self, quorum_session_grant_credential_async, "POST", credential_id, user_id, reason,
                cancellable, callback, user_data);
}

/**
 * quorum_session_grant_credential_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): a JSON null (the server answers 204)
 */
JsonNode *
quorum_session_grant_credential_finish (QuorumSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  return session_finish (self, result, quorum_session_grant_credential_async, error);
}

/**
 * quorum_session_grant_credential_sync:
 * @self: a session
 * @credential_id: the credential
 * @user_id: the user who gets it
 * @reason: (nullable): why, kept with the grant
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `POST /credentials/{id}/grants`, blocking.
 *
 * Returns: (transfer full): a JSON null
 */
JsonNode *
quorum_session_grant_credential_sync (QuorumSession  *self,
                                      gint64          credential_id,
                                      gint64          user_id,
                                      const char     *reason,
                                      GCancellable   *cancellable,
                                      GError        **error)
{
  SYNC_NODE (quorum_session_grant_credential_async (self, credential_id, user_id, reason, cancellable,
                                                    sync_done, &call),
             quorum_session_grant_credential_finish);
}

/**
 * quorum_session_revoke_credential_async:
 * @self: a session
 * @credential_id: the credential
 * @user_id: the user who loses it
 * @reason: (nullable): why, kept with the revocation
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the server answered
 * @user_data: (closure): data for @callback
 *
 * `DELETE /credentials/{id}/grants/{user}` (project admins); the user's
 * unsubmitted tasks that needed it go back to everyone.
 */
void
quorum_session_revoke_credential_async (QuorumSession       *self,
                                        gint64               credential_id,
                                        gint64               user_id,
                                        const char          *reason,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (QUORUM_IS_SESSION (self));

  change_grant (self, quorum_session_revoke_credential_async, "DELETE", credential_id, user_id, reason,
                cancellable, callback, user_data);
}

/**
 * quorum_session_revoke_credential_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal is reported
 *
 * Returns: (transfer full): a JSON null (the server answers 204)
 */
JsonNode *
quorum_session_revoke_credential_finish (QuorumSession  *self,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  return session_finish (self, result, quorum_session_revoke_credential_async, error);
}

/**
 * quorum_session_revoke_credential_sync:
 * @self: a session
 * @credential_id: the credential
 * @user_id: the user who loses it
 * @reason: (nullable): why, kept with the revocation
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal is reported
 *
 * `DELETE /credentials/{id}/grants/{user}`, blocking.
 *
 * Returns: (transfer full): a JSON null
 */
JsonNode *
quorum_session_revoke_credential_sync (QuorumSession  *self,
                                       gint64          credential_id,
                                       gint64          user_id,
                                       const char     *reason,
                                       GCancellable   *cancellable,
                                       GError        **error)
{
  SYNC_NODE (quorum_session_revoke_credential_async (self, credential_id, user_id, reason, cancellable,
                                                     sync_done, &call),
             quorum_session_revoke_credential_finish);
}

/* ---- exports ------------------------------------------------------------------- */

static void
exported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (quorum_client_download_finish (QUORUM_CLIENT (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * quorum_session_export_to_file_async:
 * @self: a session
 * @job_id: the job
 * @format: `coco` (the outputs as COCO) or `quorum` (every version with its scores)
 * @versions: for `quorum`: `all` or `best` (outputs, scores and winner only)
 * @path: (type filename): the file to write; replaced only once the whole export arrived
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the export is written or failed
 * @user_data: (closure): data for @callback
 *
 * `GET /jobs/{id}/export` (editors), streamed to @path: a long video's
 * export is hundreds of megabytes, never held in memory.
 */
void
quorum_session_export_to_file_async (QuorumSession       *self,
                                     gint64               job_id,
                                     const char          *format,
                                     const char          *versions,
                                     const char          *path,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *api_path = NULL;
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!check_id (self, quorum_session_export_to_file_async, callback, user_data, "job_id", job_id) ||
      !check_text (self, quorum_session_export_to_file_async, callback, user_data, "path", path))
    return;
  if (format == NULL || (!g_str_equal (format, "coco") && !g_str_equal (format, "quorum")))
    {
      report_invalid (self, quorum_session_export_to_file_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "format: coco or quorum, not “%s”", format ? format : "(null)");
      return;
    }
  if (versions == NULL || (!g_str_equal (versions, "all") && !g_str_equal (versions, "best")))
    {
      report_invalid (self, quorum_session_export_to_file_async, callback, user_data, QUORUM_ERROR_INVALID,
                      "versions: all or best, not “%s”", versions ? versions : "(null)");
      return;
    }
  api_path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/export?format=%s&versions=%s", job_id, format,
                              versions);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_export_to_file_async);
  quorum_client_download_async (self->client, api_path, path, cancellable, exported, task);
}

/**
 * quorum_session_export_to_file_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal or a write error is reported
 *
 * Returns: %TRUE when the export was written whole
 */
gboolean
quorum_session_export_to_file_finish (QuorumSession  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_session_export_to_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * quorum_session_export_to_file_sync:
 * @self: a session
 * @job_id: the job
 * @format: `coco` or `quorum`
 * @versions: for `quorum`: `all` or `best`
 * @path: (type filename): the file to write; replaced only once the whole export arrived
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal or a write error is reported
 *
 * `GET /jobs/{id}/export` streamed to @path, blocking.
 *
 * Returns: %TRUE when the export was written whole
 */
gboolean
quorum_session_export_to_file_sync (QuorumSession  *self,
                                    gint64          job_id,
                                    const char     *format,
                                    const char     *versions,
                                    const char     *path,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  SyncCall call;
  gboolean done;

  sync_begin (&call);
  quorum_session_export_to_file_async (self, job_id, format, versions, path, cancellable, sync_done, &call);
  done = quorum_session_export_to_file_finish (self, sync_wait (&call), error);
  sync_end (&call);
  return done;
}

/* ---- offline: the core's agreement ---------------------------------------------- */

/**
 * quorum_agreement_of_files:
 * @paths: (array zero-terminated=1) (element-type filename): two or more
 *   annotation set files (docs/formats.md), one per annotator, in submission order
 * @threshold: the match threshold τ, above 0 and at most 1 (0.5 by default in Quorum)
 * @error: where a file that cannot be read or is not a set is reported
 *
 * Scores how well several annotators' versions of one file agree, offline
 * (DESIGN §4), exactly as `quorumctl agreement --json` does. An annotator is
 * named by the set's `annotator` member, else by its path.
 *
 * Returns: (transfer full): `{"pairs": [{"a", "b", "score", "matched"}],
 *   "annotators": {NAME: SCORE}, "agreement", "best"}`, on a video also
 *   `"frames"` and `"tracks"`
 */
JsonNode *
quorum_agreement_of_files (const char * const  *paths,
                           double               threshold,
                           GError             **error)
{
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_annotation_set_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(QuorumAgreement) owned = NULL;
  g_autoptr(QuorumVideoAgreement) video = NULL;
  const QuorumAgreement *agreement;
  guint n_paths = paths != NULL ? g_strv_length ((char **) paths) : 0;

  if (n_paths < 2)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "paths: give at least two annotation set files, not %u", n_paths);
      return NULL;
    }
  if (!(threshold > 0 && threshold <= 1))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "threshold: must be a number above 0 and at most 1, not %g", threshold);
      return NULL;
    }
  for (guint i = 0; i < n_paths; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (paths[i], FALSE, &local_error);
      QuorumAnnotationSet *set, *first;
      const char *name;

      if (mapped == NULL)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "paths[%u]: %s", i, local_error->message);
          return NULL;
        }
      if (g_mapped_file_get_length (mapped) > QUORUM_WIRE_MAX_BYTES)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                       "paths[%u]: %s is larger than the %d MiB limit", i, paths[i],
                       QUORUM_WIRE_MAX_BYTES / (1024 * 1024));
          return NULL;
        }
      set = quorum_wire_parse_annotation_set (g_mapped_file_get_contents (mapped) != NULL
                                              ? g_mapped_file_get_contents (mapped) : "",
                                              g_mapped_file_get_length (mapped), NULL, &local_error);
      if (set == NULL)
        {
          g_set_error (error, QUORUM_ERROR, local_error->code, "paths[%u]: %s: %s", i, paths[i],
                       local_error->message);
          return NULL;
        }
      g_ptr_array_add (sets, set);
      name = set->annotator != NULL ? set->annotator : paths[i];
      for (guint j = 0; j < names->len; j++)
        if (g_str_equal (g_ptr_array_index (names, j), name))
          {
            g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                         "paths[%u]: annotator: “%s” is also the annotator of %s; give each set its own name",
                         i, name, paths[j]);
            return NULL;
          }
      g_ptr_array_add (names, g_strdup (name));
      first = g_ptr_array_index (sets, 0);
      if (set->file.width != first->file.width || set->file.height != first->file.height ||
          set->file.frames != first->file.frames)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "paths[%u]: file: %u×%u, %u frame(s) differs from %u×%u, %u frame(s) in %s; "
                       "every set must be of the same file", i, set->file.width, set->file.height,
                       set->file.frames, first->file.width, first->file.height, first->file.frames, paths[0]);
          return NULL;
        }
    }
  if (quorum_annotation_sets_are_video ((const QuorumAnnotationSet * const *) sets->pdata, sets->len))
    {
      video = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) sets->pdata, sets->len,
                                              threshold, error);
      agreement = video != NULL ? video->agreement : NULL;
    }
  else
    agreement = owned = quorum_agreement_compute ((const QuorumAnnotationSet * const *) sets->pdata, sets->len,
                                                  threshold, error);
  if (agreement == NULL)
    return NULL;
  return quorum_agreement_write_report ((const char * const *) names->pdata, agreement, video,
                                        QUORUM_LOW_FRAME_AGREEMENT);
}
