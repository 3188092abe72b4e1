/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "quorum-error.h"
#include "quorum-password.h"
#include "quorum-server-private.h"

G_DEFINE_FINAL_TYPE (QuorumServer, quorum_server, G_TYPE_OBJECT)

#define DEFAULT_TOKEN_LIFETIME (30 * 24 * 3600)
#define DEFAULT_IDLE_RELEASE   (2 * 3600)
#define DEFAULT_MAX_UPLOAD     ((gint64) 2 * 1024 * 1024 * 1024)

typedef struct {
  const char         *method;
  const char         *pattern;   /* "{id}" matches a positive whole number */
  gboolean            anonymous;
  QuorumRouteHandler  handler;
} QuorumRoute;

static void handle_version (QuorumRequest *request);

/* Every route of docs/api.md. */
static const QuorumRoute routes[] = {
  { "GET", "/api/v1/version", TRUE, handle_version },
  { "POST", "/api/v1/login", TRUE, _quorum_server_login },
  { "POST", "/api/v1/logout", FALSE, _quorum_server_logout },
  { "GET", "/api/v1/me", FALSE, _quorum_server_me },
  { "POST", "/api/v1/users", FALSE, _quorum_server_create_user },
  { "GET", "/api/v1/users", FALSE, _quorum_server_list_users },
  { "GET", "/api/v1/users/{id}/credentials", FALSE, _quorum_server_user_credentials },
  { "POST", "/api/v1/orgs", FALSE, _quorum_server_create_org },
  { "GET", "/api/v1/orgs", FALSE, _quorum_server_list_orgs },
  { "POST", "/api/v1/orgs/{id}/members", FALSE, _quorum_server_add_org_member },
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
  { "POST", "/api/v1/jobs/{id}/next", FALSE, _quorum_server_next_task },
  { "GET", "/api/v1/jobs/{id}/tasks", FALSE, _quorum_server_job_tasks },
  { "GET", "/api/v1/me/tasks", FALSE, _quorum_server_my_tasks },
  { "POST", "/api/v1/tasks/{id}/assign", FALSE, _quorum_server_assign_task },
  { "POST", "/api/v1/tasks/{id}/release", FALSE, _quorum_server_release_task },
  { "GET", "/api/v1/tasks/{id}", FALSE, _quorum_server_get_task },
  { "PUT", "/api/v1/tasks/{id}/instances", FALSE, _quorum_server_save_task },
  { "POST", "/api/v1/tasks/{id}/submit", FALSE, _quorum_server_submit_task },
  { "POST", "/api/v1/tasks/{id}/accept", FALSE, _quorum_server_accept_task },
  { "POST", "/api/v1/tasks/{id}/reject", FALSE, _quorum_server_reject_task },
  { "PUT", "/api/v1/tasks/{id}/rating", FALSE, _quorum_server_rate_task },
  { "POST", "/api/v1/tasks/{id}/consensus/best", FALSE, _quorum_server_consensus_best },
  { "POST", "/api/v1/tasks/{id}/consensus/copy", FALSE, _quorum_server_consensus_copy },
  { "POST", "/api/v1/tasks/{id}/consensus/clear", FALSE, _quorum_server_consensus_clear },
  { "GET", "/api/v1/jobs/{id}/export", FALSE, _quorum_server_export_job },
  { "POST", "/api/v1/jobs/{id}/apply", FALSE, _quorum_server_apply_exam },
  { "GET", "/api/v1/jobs/{id}/results", FALSE, _quorum_server_exam_results },
  { "POST", "/api/v1/jobs/{id}/results/{id}/pass", FALSE, _quorum_server_pass_exam },
  { "POST", "/api/v1/jobs/{id}/results/{id}/fail", FALSE, _quorum_server_fail_exam },
  { "GET", "/api/v1/jobs", FALSE, _quorum_server_list_reachable_jobs },
  { "GET", "/api/v1/market", FALSE, _quorum_server_list_market },
  { "POST", "/api/v1/jobs/{id}/applications", FALSE, _quorum_server_apply_to_job },
  { "GET", "/api/v1/jobs/{id}/applications", FALSE, _quorum_server_list_applications },
  { "POST", "/api/v1/jobs/{id}/applications/{id}/accept", FALSE, _quorum_server_accept_application },
  { "POST", "/api/v1/jobs/{id}/applications/{id}/decline", FALSE, _quorum_server_decline_application },
};

/* ---- requests --------------------------------------------------------- */

static void
request_free (QuorumRequest *request)
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

/* ---- group commit ----------------------------------------------------- */

/* Every request runs inside the store's current batch, and its reply waits,
 * paused, until the batch is durable. A batch commits at the end of a turn
 * of the main loop; the log is then synced in a worker thread while the
 * loop serves the next batch. One sync runs at a time and covers every
 * batch committed before it started: a few fsyncs a second for any number
 * of requests, and still no answer before what it answers for is on disk. */

static void start_sync (QuorumServer *self);

static void
answer (GPtrArray    *messages,
        const GError *error)
{
  for (guint i = 0; i < messages->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (messages, i);

      if (error != NULL)
        quorum_http_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 "the change could not be saved; try again");
      soup_server_message_unpause (msg);
    }
}

static void
sync_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  QuorumServer *self = source;
  GError *error = NULL;

  if (quorum_store_sync (self->store, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
synced (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  QuorumServer *self = QUORUM_SERVER (source);
  g_autoptr(GPtrArray) messages = user_data;
  g_autoptr(GError) error = NULL;

  self->syncing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("%s; %u answer(s) withdrawn", error->message, messages->len);
  answer (messages, error);
  start_sync (self);
}

static void
start_sync (QuorumServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->syncing || self->committed->len == 0)
    return;
  self->syncing = TRUE;
  task = g_task_new (self, NULL, synced, g_steal_pointer (&self->committed));
  g_task_set_source_tag (task, start_sync);
  self->committed = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_run_in_thread (task, sync_in_thread);
}

static gboolean
commit_batch (gpointer user_data)
{
  QuorumServer *self = user_data;
  g_autoptr(GPtrArray) held = g_steal_pointer (&self->held);
  g_autoptr(GError) error = NULL;

  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->commit_source = 0;
  if (!quorum_store_batch_commit (self->store, &error))
    {
      g_warning ("%s; %u answer(s) withdrawn", error->message, held->len);
      answer (held, error);
      return G_SOURCE_REMOVE;
    }
  g_ptr_array_extend_and_steal (self->committed, g_steal_pointer (&held));
  start_sync (self);
  return G_SOURCE_REMOVE;
}

static gboolean
open_batch (QuorumServer  *self,
            GError       **error)
{
  if (quorum_store_in_batch (self->store))
    return TRUE;
  if (!quorum_store_batch_begin (self->store, error))
    return FALSE;
  /* At default priority the commit runs on the next turn of the loop,
   * after the requests that arrived meanwhile, and is never starved. */
  self->commit_source = g_idle_add_full (G_PRIORITY_DEFAULT, commit_batch, self, NULL);
  return TRUE;
}

/* @msg, already paused, is answered once everything committed before it
 * is on disk: with the open batch after its sync; outside a batch (a worker
 * thread's result) after the sync of batches still waiting for one, whose
 * changes it may have read; else at once, its own changes having been
 * committed durably one by one. */
static void
hold_until_commit (QuorumServer      *self,
                   SoupServerMessage *msg)
{
  if (quorum_store_in_batch (self->store))
    g_ptr_array_add (self->held, g_object_ref (msg));
  else if (self->syncing || self->committed->len > 0)
    {
      g_ptr_array_add (self->committed, g_object_ref (msg));
      start_sync (self);
    }
  else
    soup_server_message_unpause (msg);
}

void
_quorum_request_finish (QuorumRequest *request)
{
  hold_until_commit (request->server, request->msg);
  request_free (request);
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

/* ---- routing ---------------------------------------------------------- */

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

static gboolean
authenticate (QuorumRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GError) error = NULL;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
      authorization[strlen ("Bearer ")] == '\0')
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "WWW-Authenticate", "Bearer realm=\"quorum\"");
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                               "Authorization: sign in and send “Bearer TOKEN”");
      return FALSE;
    }
  request->token_hash = quorum_token_hash (authorization + strlen ("Bearer "));
  request->caller = quorum_store_user_for_token (request->server->store, request->token_hash,
                                                 g_get_real_time () / G_USEC_PER_SEC, &error);
  if (request->caller == NULL)
    {
      quorum_http_reply_gerror (request->msg, error);
      return FALSE;
    }
  request->caller_id = json_object_get_int_member (request->caller, "id");
  request->caller_admin = json_object_get_boolean_member (request->caller, "admin");
  return TRUE;
}

static void
dispatch (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  QuorumServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  g_autoptr(GError) error = NULL;
  gboolean path_known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      gint64 ids[QUORUM_MAX_PATH_IDS] = { 0 };
      QuorumRequest *request;

      if (!match_route (routes[i].pattern, segments, ids))
        continue;
      path_known = TRUE;
      if (!g_str_equal (routes[i].method, method))
        continue;

      if (!open_batch (self, &error))
        {
          quorum_http_reply_gerror (msg, error);
          return;
        }
      request = g_new0 (QuorumRequest, 1);
      request->server = g_object_ref (self);
      request->msg = g_object_ref (msg);
      memcpy (request->ids, ids, sizeof ids);
      if (routes[i].anonymous || authenticate (request))
        routes[i].handler (request);
      if (!request->paused)
        {
          soup_server_message_pause (msg);
          hold_until_commit (self, msg);
          request_free (request);
        }
      return;
    }

  if (path_known)
    {
      g_autofree char *message = g_strdup_printf ("%s is not allowed on %s", method, path);
      quorum_http_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("no such resource: %s", path);
      quorum_http_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
    }
}

static gboolean
is_upload (const char *method,
           const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  gint64 ids[QUORUM_MAX_PATH_IDS];

  return g_str_equal (method, "POST") && match_route ("/api/v1/projects/{id}/files", segments, ids);
}

static gboolean
is_coco_import (const char *method,
                const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  gint64 ids[QUORUM_MAX_PATH_IDS];

  return g_str_equal (method, "POST") && match_route ("/api/v1/projects/{id}/import/coco", segments, ids);
}

/* Before the body is read: an upload is checked for its token and size and
 * set to stream to disk; any other oversized body is refused from its
 * headers. */
static void
check_early (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  QuorumServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  gboolean known_length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH;
  gint64 limit = QUORUM_HTTP_MAX_JSON_BODY;

  if (is_upload (soup_server_message_get_method (msg), path))
    {
      QuorumRequest request = { .server = self, .msg = msg };

      if (!authenticate (&request))
        {
          g_clear_pointer (&request.caller, json_object_unref);
          g_free (request.token_hash);
          return;
        }
      g_clear_pointer (&request.caller, json_object_unref);
      g_free (request.token_hash);
      if (known_length && length > self->max_upload)
        {
          g_autofree char *message = g_strdup_printf ("body: %" G_GOFFSET_FORMAT " bytes is over the upload "
                                                      "limit of %" G_GINT64_FORMAT, length, self->max_upload);
          quorum_http_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message);
          return;
        }
      _quorum_server_begin_upload (self, msg);
      return;
    }
  /* A COCO import may be larger than other JSON bodies, from a signed-in
   * caller only. */
  if (is_coco_import (soup_server_message_get_method (msg), path))
    {
      QuorumRequest request = { .server = self, .msg = msg };
      gboolean refused = FALSE;

      limit = QUORUM_SERVER_MAX_IMPORT_BODY;
      if (known_length && length > QUORUM_HTTP_MAX_JSON_BODY && length <= limit)
        refused = !authenticate (&request);
      g_clear_pointer (&request.caller, json_object_unref);
      g_free (request.token_hash);
      if (refused)
        return;
    }
  if (known_length && length > limit)
    {
      g_autofree char *message = g_strdup_printf ("body: %" G_GOFFSET_FORMAT " bytes is over the "
                                                  "limit of %" G_GINT64_FORMAT, length, limit);
      quorum_http_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message);
    }
}

/* ---- idle connections --------------------------------------------------- */

/* libsoup 3.2 (Debian 12) never notices that a client closed an idle
 * keep-alive connection, and keeps its socket open for good (fixed upstream
 * in 3.3): one descriptor lost per client that goes away, until the server
 * can accept no more. Closing every connection after its response would
 * avoid it at the price of a new connection per request, which halves what
 * the server can answer. So the server keeps the connections alive and
 * watches their sockets itself: once a second, a socket that is between
 * requests and whose client has hung up is closed. */
#define REAP_INTERVAL_MS 1000

static void
connection_busy (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  QuorumServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_hash_table_insert (self->connections, g_object_ref (socket), GINT_TO_POINTER (TRUE));
}

static void
connection_idle (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  QuorumServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && g_hash_table_contains (self->connections, socket))
    g_hash_table_insert (self->connections, g_object_ref (socket), GINT_TO_POINTER (FALSE));
}

static gboolean
client_hung_up (GSocket *socket)
{
  GIOCondition condition = g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR);
  char byte;

  if (condition & (G_IO_HUP | G_IO_ERR))
    return TRUE;
  /* Readable with nothing to read is the end of the stream; readable with
   * bytes is the next request, libsoup's to read. */
  return (condition & G_IO_IN) &&
         recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static gboolean
reap_connections (gpointer user_data)
{
  QuorumServer *self = user_data;
  GHashTableIter iter;
  gpointer socket, busy;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &socket, &busy))
    {
      if (g_socket_is_closed (socket))
        g_hash_table_iter_remove (&iter);
      else if (!GPOINTER_TO_INT (busy) && client_hung_up (socket))
        {
          g_socket_shutdown (socket, TRUE, TRUE, NULL);
          g_socket_close (socket, NULL);
          g_hash_table_iter_remove (&iter);
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
handle_version (QuorumRequest *request)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "name", "quorum-server");
  json_object_set_string_member (body, "version", PACKAGE_VERSION);
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (body));
}

/* ---- the server ------------------------------------------------------- */

static void
quorum_server_finalize (GObject *object)
{
  QuorumServer *self = (QuorumServer *) object;

  /* A sync in flight holds a reference: finalize runs after it. What is
   * committed and not yet synced is synced here, before answering. */
  if (self->commit_source != 0)
    {
      g_clear_handle_id (&self->commit_source, g_source_remove);
      commit_batch (self);
    }
  if (self->committed != NULL && self->committed->len > 0)
    {
      g_autoptr(GError) error = NULL;

      quorum_store_sync (self->store, &error);
      answer (self->committed, error);
    }
  g_clear_pointer (&self->committed, g_ptr_array_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_handle_id (&self->reaper, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->store, quorum_store_close);
  g_clear_pointer (&self->scoring, g_hash_table_unref);
  G_OBJECT_CLASS (quorum_server_parent_class)->finalize (object);
}

static void
quorum_server_class_init (QuorumServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quorum_server_finalize;
}

static void
quorum_server_init (QuorumServer *self)
{
  self->token_lifetime = DEFAULT_TOKEN_LIFETIME;
  self->max_upload = DEFAULT_MAX_UPLOAD;
  self->idle_release = DEFAULT_IDLE_RELEASE;
  self->scoring = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->connections = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->committed = g_ptr_array_new_with_free_func (g_object_unref);
}

QuorumServer *
quorum_server_new (const char  *data_dir,
                   GError     **error)
{
  g_autoptr(QuorumServer) self = g_object_new (QUORUM_TYPE_SERVER, NULL);

  if (!quorum_password_init (error))
    return NULL;
  self->store = quorum_store_open (data_dir, error);
  if (self->store == NULL || !quorum_store_scan_guide_images (self->store, error))
    return NULL;
  self->soup = soup_server_new ("server-header", "quorum-server/" PACKAGE_VERSION, NULL);
  /* Both at the default path: libsoup keeps early and normal handlers of one
   * path together, and a path with only an early handler answers 500. */
  soup_server_add_early_handler (self->soup, NULL, check_early, self, NULL);
  soup_server_add_handler (self->soup, NULL, dispatch, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (connection_busy), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (connection_idle), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (connection_idle), self);
  self->reaper = g_timeout_add (REAP_INTERVAL_MS, reap_connections, self);
  /* Catch up on what a previous run did not finish scoring. */
  _quorum_server_score_consensus (self);
  return g_steal_pointer (&self);
}

void
quorum_server_set_idle_release (QuorumServer *self,
                                gint64        seconds)
{
  self->idle_release = seconds;
}

void
quorum_server_set_max_upload (QuorumServer *self,
                              gint64        bytes)
{
  self->max_upload = bytes;
}

void
quorum_server_set_token_lifetime (QuorumServer *self,
                                  gint64        seconds)
{
  self->token_lifetime = seconds;
}

gboolean
quorum_server_set_tls (QuorumServer  *self,
                       const char    *cert_file,
                       const char    *key_file,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert_file, key_file,
                                                                             &local_error);

  if (certificate == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "--tls-cert/--tls-key: %s",
                   local_error->message);
      return FALSE;
    }
  g_object_set (self->soup, "tls-certificate", certificate, NULL);
  self->tls = TRUE;
  return TRUE;
}

/* libsoup's own listener keeps GLib's default backlog of 10 pending
 * connections; many annotators connecting at once then overflow it and the
 * kernel drops their SYNs, which costs each a retransmission of 1 s or more.
 * So the socket is made here, with the backlog the kernel allows. */
#define LISTEN_BACKLOG 4096

gboolean
quorum_server_listen (QuorumServer  *self,
                      const char    *address,
                      GError       **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetSocketAddress) socket_address = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;

  connectable = g_network_address_parse (address, 0, &local_error);
  if (connectable == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "--listen: “%s” is not ADDRESS:PORT: %s", address, local_error->message);
      return FALSE;
    }
  inet = g_inet_address_new_from_string (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)));
  if (inet == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "--listen: “%s” must be a numeric address such as 127.0.0.1:8080", address);
      return FALSE;
    }
  socket_address = G_INET_SOCKET_ADDRESS (
      g_inet_socket_address_new (inet, g_network_address_get_port (G_NETWORK_ADDRESS (connectable))));
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &local_error);
  if (socket != NULL)
    {
      g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
      if (!g_socket_bind (socket, G_SOCKET_ADDRESS (socket_address), TRUE, &local_error) ||
          !g_socket_listen (socket, &local_error))
        g_clear_object (&socket);
    }
  if (socket == NULL ||
      !soup_server_listen_socket (self->soup, socket, self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, &local_error))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "cannot listen on %s: %s", address, local_error->message);
      return FALSE;
    }
  return TRUE;
}

guint
quorum_server_get_port (QuorumServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  guint port = 0;

  if (uris != NULL)
    port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}
