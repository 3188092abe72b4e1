/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "quorum-error.h"
#include "quorum-media.h"
#include "quorum-password.h"
#include "quorum-routes.h"
#include "quorum-server-private.h"

G_DEFINE_FINAL_TYPE (QuorumServer, quorum_server, G_TYPE_OBJECT)

#define DEFAULT_TOKEN_LIFETIME (30 * 24 * 3600)
#define DEFAULT_IDLE_RELEASE   (2 * 3600)
#define DEFAULT_MAX_UPLOAD     ((gint64) 2 * 1024 * 1024 * 1024)

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
void
_quorum_server_hold_until_commit (QuorumServer      *self,
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

static void
dispatch (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  QuorumServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gint64 ids[QUORUM_MAX_PATH_IDS] = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean path_known = FALSE;
  const QuorumRoute *route = _quorum_route_find (method, path, ids, &path_known);

  if (route != NULL)
    {
      QuorumRequest *request;

      if (!open_batch (self, &error))
        {
          quorum_http_reply_gerror (msg, error);
          return;
        }
      request = _quorum_request_new (self, msg, ids);
      if (route->anonymous || _quorum_request_authenticate (request))
        route->handler (request);
      if (!request->paused)
        {
          soup_server_message_pause (msg);
          _quorum_server_hold_until_commit (self, msg);
          _quorum_request_free (request);
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
  return g_str_equal (method, "POST") && _quorum_route_matches ("/api/v1/projects/{id}/files", path);
}

static gboolean
is_coco_import (const char *method,
                const char *path)
{
  return g_str_equal (method, "POST") && _quorum_route_matches ("/api/v1/projects/{id}/import/coco", path);
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

      if (!_quorum_request_authenticate (&request))
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
        refused = !_quorum_request_authenticate (&request);
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
  _quorum_server_accounts_stop (self);
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
  self->max_image_pixels = QUORUM_MEDIA_DEFAULT_MAX_PIXELS;
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
  if (self->store == NULL || !quorum_store_scan_guide_images (self->store, error) ||
      !_quorum_server_accounts_start (self, error))
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
quorum_server_set_max_image_pixels (QuorumServer *self,
                                    gint64        pixels)
{
  self->max_image_pixels = pixels;
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
