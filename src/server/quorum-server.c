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
#define DEFAULT_MAX_CONNECTIONS              256
#define DEFAULT_MAX_CONNECTIONS_PER_ADDRESS  64
#define DEFAULT_HEADER_TIMEOUT               10
#define DEFAULT_BODY_TIMEOUT                 30
#define DEFAULT_KEEPALIVE_TIMEOUT            60
#define DEFAULT_MAX_ANONYMOUS_BODY           (64 * 1024)
#define QUORUM_SERVER_TLS_PRIORITY           "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* ---- group commit ----------------------------------------------------- */

/* Every request runs inside the store's current batch, and its reply waits,
 * paused, until the batch is durable. A batch commits at the end of a turn
 * of the main loop; the log is then synced in a worker thread while the
 * loop serves the next batch. One sync runs at a time and covers every
 * batch committed before it started: a few fsyncs a second for any number
 * of requests, and still no answer before what it answers for is on disk. */

static void start_sync (QuorumServer *self);
static void start_checkpoint (QuorumServer *self);

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
  quorum_store_snapshot_settle (self->store, error == NULL);
  answer (messages, error);
  start_sync (self);
  /* Everything committed is on disk: reads take a new snapshot each, and
   * the log may be checkpointed and started over. */
  if (!self->syncing)
    quorum_store_snapshot_drop (self->store);
  start_checkpoint (self);
}

static void
checkpoint_in_thread (GTask        *task,
                      gpointer      source,
                      gpointer      data,
                      GCancellable *cancellable)
{
  QuorumServer *self = source;
  GError *error = NULL;

  if (quorum_store_checkpoint (self->store, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
checkpointed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  QuorumServer *self = QUORUM_SERVER (source);
  g_autoptr(GError) error = NULL;

  self->checkpointing = FALSE;
  /* Nothing is lost: the log keeps what was not copied, and the next
   * checkpoint tries again. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("%s", error->message);
}

/* The log is copied into the database in a worker thread, not in the
 * commit that brought it past its size: a big save's commit (100,000
 * polygons, some 17,000 frames) checkpointed on the loop for half a second
 * and more before the next replies could go. Started once what the log
 * holds is on disk, so that the checkpoint's own syncs find little left. */
static void
start_checkpoint (QuorumServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->checkpointing || !quorum_store_checkpoint_due (self->store))
    return;
  self->checkpointing = TRUE;
  task = g_task_new (self, NULL, checkpointed, NULL);
  g_task_set_source_tag (task, start_checkpoint);
  g_task_run_in_thread (task, checkpoint_in_thread);
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
  /* What the sync makes durable, for the reads that come meanwhile and
   * after it (answer_from_disk). */
  quorum_store_snapshot_take (self->store);
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
  /* Until the batch is synced, reads are answered from what is on disk
   * now, all of it durable. */
  if (!self->syncing && self->committed->len == 0)
    quorum_store_snapshot_hold (self->store);
  if (!quorum_store_batch_commit (self->store, &error))
    {
      g_warning ("%s; %u answer(s) withdrawn", error->message, held->len);
      answer (held, error);
    }
  else
    {
      g_ptr_array_extend_and_steal (self->committed, g_steal_pointer (&held));
      start_sync (self);
    }
  /* No sync started: the batch had no reply to hold (every request of it
   * went on in a thread, as sign-ins do), or it failed. The snapshot taken
   * above is let go, as at the end of a sync. Kept, it stayed held with no
   * sync under way, and the next sync's reads were answered from it: without
   * what had been answered since, such as a token signed in meanwhile (a
   * 401 under a flood of sign-ins), or an upload. */
  if (!self->syncing)
    {
      quorum_store_snapshot_drop (self->store);
      /* Committed with no sync to wait for (sign-ins): nothing else would
       * start the checkpoint. */
      start_checkpoint (self);
    }
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

/* A read (GET) is answered at once from a read-only connection that sees
 * only what is on disk: what was committed before the last sync that ended,
 * or all that was committed when no commit waits for a sync. It never waits
 * for a batch's sync, and never shows a change not yet acknowledged, which
 * a read inside the open batch could. Returns FALSE when the read is to be
 * answered in the batch, after its sync: the store has no such snapshot
 * (the log is being checkpointed), or the caller's token is not in it yet.
 *
 * The token is looked up once, on the reader. One it does not know may have
 * been signed in moments ago, after the snapshot: the writer, which sees
 * every commit, then tells a token to refuse at once (401, as the batch
 * would) from one to serve the batch's way, with the caller it found. */
static gboolean
answer_from_disk (QuorumServer      *self,
                  SoupServerMessage *msg,
                  const QuorumRoute *route,
                  const gint64      *ids)
{
  QuorumRequest *request;

  if (!quorum_store_read_begin (self->store, !self->syncing && self->committed->len == 0))
    return FALSE;
  request = _quorum_request_new (self, msg, ids);
  request->from_disk = TRUE;
  if (!route->anonymous)
    {
      g_autoptr(GError) error = NULL;

      if (!_quorum_request_find_caller (request, &error))
        {
          gboolean refused;

          quorum_store_read_end (self->store);
          request->from_disk = FALSE;
          refused = g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
          if (refused && !_quorum_request_find_caller (request, &error))
            {
              _quorum_request_reply_unauthorized (request, error);
              _quorum_request_free (request);
              return TRUE;
            }
          if (request->caller != NULL)
            _quorum_request_keep_caller (request);
          _quorum_request_free (request);
          return FALSE;
        }
    }
  route->handler (request);
  quorum_store_read_end (self->store);
  /* A handler that went on in a thread answers through
   * _quorum_request_finish, after the syncs under way. */
  if (!request->paused)
    _quorum_request_free (request);
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
  gint64 ids[QUORUM_MAX_PATH_IDS] = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean path_known = FALSE;
  const QuorumRoute *route = _quorum_route_find (method, path, ids, &path_known);

  if (route != NULL)
    {
      QuorumRequest *request;

      if (strcmp (method, "GET") == 0 && answer_from_disk (self, msg, route, ids))
        return;
      request = _quorum_request_new (self, msg, ids);
      /* A refused token is answered at once, without a batch. */
      if (!route->anonymous && !_quorum_request_authenticate (request))
        {
          _quorum_request_free (request);
          return;
        }
      if (!open_batch (self, &error))
        {
          quorum_http_reply_gerror (msg, error);
          _quorum_request_free (request);
          return;
        }
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

/* ---- connections ------------------------------------------------------ */

/* libsoup 3.2 reads whatever body a request announces, even after an early
 * handler has answered it, and keeps any number of connections however
 * slowly they send. So the server follows every connection itself: where
 * its current request stands, since when, and how much body it has sent.
 *
 * libsoup emits SoupServer::request-started when it accepts a connection,
 * before the TLS handshake and before reading a byte, and then when the
 * first byte of each later request on it arrives; the time a connection
 * waits between requests belongs to no request. */

typedef enum {
  CONNECTION_IDLE,      /* between requests */
  CONNECTION_HEADERS,   /* reading a request's headers (or the TLS handshake) */
  CONNECTION_BODY,      /* reading a request's body */
  CONNECTION_BUSY,      /* handling the request and writing its reply */
} ConnectionState;

typedef struct {
  GSocket        *socket;
  char           *address;
  ConnectionState state;
  gint64          since;        /* monotonic µs: when the state began, or the body's last bytes */
  gint64          body_read;    /* bytes of the current request's body */
  gint64          body_limit;
  gboolean        closing;      /* answered and being closed by the server */
} QuorumConnection;

static void
connection_free (QuorumConnection *connection)
{
  g_object_unref (connection->socket);
  g_free (connection->address);
  g_free (connection);
}

static QuorumConnection *
connection_of (QuorumServer      *self,
               SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  return socket != NULL ? g_hash_table_lookup (self->connections, socket) : NULL;
}

static void
forget_connection (QuorumServer     *self,
                   QuorumConnection *connection)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, connection->address));

  if (count > 1)
    g_hash_table_insert (self->per_address, g_strdup (connection->address), GUINT_TO_POINTER (count - 1));
  else
    g_hash_table_remove (self->per_address, connection->address);
}

/* Ends a connection the server no longer serves. Shutting the socket down
 * wakes libsoup wherever it waits on it (a read, the TLS handshake), and
 * libsoup then closes it; the reaper forgets it once closed. */
static void
drop_connection (QuorumConnection *connection)
{
  connection->closing = TRUE;
  connection->since = g_get_monotonic_time ();
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
}

/* ---- refusing a request and closing its connection ---------------------- */

/* A reply that must not wait for the body (too large, or from a caller
 * whose body the server will not read) is written by the server itself on
 * the connection taken from libsoup, which would otherwise read the whole
 * body first. Then, as HTTP servers do, the connection reads and discards
 * for a short while before closing, so that a client still sending gets
 * the reply rather than a reset. */
#define LINGER_SECONDS 2

typedef struct {
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *cancellable;
  guint         timeout;
  GBytes       *reply;
  char          buffer[8192];
} Linger;

static void
linger_free (Linger *linger)
{
  g_clear_handle_id (&linger->timeout, g_source_remove);
  g_io_stream_close (linger->stream, NULL, NULL);
  g_object_unref (linger->stream);
  g_clear_object (&linger->socket);
  g_object_unref (linger->cancellable);
  g_bytes_unref (linger->reply);
  g_free (linger);
}

static gboolean
linger_expired (gpointer user_data)
{
  Linger *linger = user_data;

  linger->timeout = 0;
  g_cancellable_cancel (linger->cancellable);
  return G_SOURCE_REMOVE;
}

static void
linger_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Linger *linger = user_data;

  if (g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL) > 0 &&
      !g_cancellable_is_cancelled (linger->cancellable))
    g_input_stream_read_async (G_INPUT_STREAM (source), linger->buffer, sizeof linger->buffer,
                               G_PRIORITY_DEFAULT, linger->cancellable, linger_read, linger);
  else
    linger_free (linger);
}

static void
linger_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Linger *linger = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      linger_free (linger);
      return;
    }
  /* Over plain TCP the end of the reply is marked at once; under TLS
   * (no socket here) the close sends it. */
  if (linger->socket != NULL)
    g_socket_shutdown (linger->socket, FALSE, TRUE, NULL);
  linger->timeout = g_timeout_add_seconds (LINGER_SECONDS, linger_expired, linger);
  g_input_stream_read_async (g_io_stream_get_input_stream (linger->stream), linger->buffer,
                             sizeof linger->buffer, G_PRIORITY_DEFAULT, linger->cancellable,
                             linger_read, linger);
}

/* Sends @msg's reply (status and body already set) with “Connection: close”
 * without reading the rest of its request, and closes the connection. */
static void
reply_and_close (QuorumServer      *self,
                 SoupServerMessage *msg)
{
  QuorumConnection *connection = connection_of (self, msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  guint status = soup_server_message_get_status (msg);
  GString *reply = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GIOStream *stream;
  Linger *linger;

  g_string_append_printf (reply, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 && g_ascii_strcasecmp (name, "Connection") != 0 &&
        g_ascii_strcasecmp (name, "Transfer-Encoding") != 0)
      g_string_append_printf (reply, "%s: %s\r\n", name, value);
  g_string_append_printf (reply, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (reply, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));
  if (connection != NULL)
    {
      connection->closing = TRUE;
      connection->since = g_get_monotonic_time ();
    }
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      g_string_free (reply, TRUE);
      return;
    }
  linger = g_new0 (Linger, 1);
  linger->stream = stream;
  linger->socket = connection != NULL && !self->tls ? g_object_ref (connection->socket) : NULL;
  linger->cancellable = g_cancellable_new ();
  linger->reply = g_string_free_to_bytes (reply);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (linger->reply, NULL), g_bytes_get_size (linger->reply),
                                   G_PRIORITY_DEFAULT, linger->cancellable, linger_written, linger);
}

void
_quorum_server_reply_and_close (QuorumServer      *self,
                                SoupServerMessage *msg)
{
  reply_and_close (self, msg);
}

static void
reply_too_large (SoupServerMessage *msg,
                 gint64             limit)
{
  g_autofree char *message = g_strdup_printf ("body: over the limit of %" G_GINT64_FORMAT " bytes", limit);

  quorum_http_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message);
}

/* ---- before the body ---------------------------------------------------- */

static void body_chunk (SoupServerMessage *msg,
                        GBytes            *chunk,
                        gpointer           user_data);

/* Once the headers are read and before the body is: a route that needs a
 * token checks it now, so that nobody without one gets a body read beyond
 * the anonymous limit; the body's limit follows from the route and the
 * caller, and a body announced over it is refused from its headers. A
 * chunked body is counted as it comes (body_chunk). An upload is set to
 * stream to disk.
 *
 * A request without a body (a GET, mostly; not an upload) has no limit to
 * choose: its token is looked up once, by its handler (on a reader for a
 * GET). */
static void
check_early (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  QuorumServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  gboolean known_length = encoding == SOUP_ENCODING_CONTENT_LENGTH;
  goffset length = known_length ? soup_message_headers_get_content_length (headers) : 0;
  gboolean has_body = encoding != SOUP_ENCODING_NONE && (!known_length || length > 0);
  QuorumConnection *connection = connection_of (self, msg);
  gint64 limit = self->limits.max_anonymous_body;
  gint64 ids[QUORUM_MAX_PATH_IDS];
  gboolean path_known;
  gboolean signed_in = FALSE;
  const QuorumRoute *route = _quorum_route_find (method, path, ids, &path_known);

  /* An upload is set up here whatever its size: its handler reads what
   * streamed to disk, and an empty one is refused there. */
  if (route != NULL && !route->anonymous && (has_body || route->body == QUORUM_ROUTE_BODY_UPLOAD))
    {
      QuorumRequest request = { .server = self, .msg = msg };

      /* On failure the 401 is set, and answers once a body of at most
       * the anonymous limit is read. */
      signed_in = _quorum_request_authenticate (&request);
      if (signed_in)
        _quorum_request_keep_caller (&request);
      g_clear_pointer (&request.caller, json_object_unref);
      g_free (request.token_hash);
      if (signed_in)
        switch (route->body)
          {
          case QUORUM_ROUTE_BODY_UPLOAD:
            limit = self->max_upload;
            break;
          case QUORUM_ROUTE_BODY_IMPORT:
            limit = QUORUM_SERVER_MAX_IMPORT_BODY;
            break;
          case QUORUM_ROUTE_BODY_INSTANCES:
            limit = self->limits.max_instances_body;
            break;
          case QUORUM_ROUTE_BODY_JSON:
          default:
            limit = self->limits.max_json_body;
            break;
          }
    }
  if (connection != NULL)
    {
      connection->body_limit = limit;
      connection->body_read = 0;
    }
  if (known_length && length > limit)
    {
      if (soup_server_message_get_status (msg) == SOUP_STATUS_NONE)
        reply_too_large (msg, limit);
      reply_and_close (self, msg);
      return;
    }
  /* The bytes of all instance saves held at once (quorum-server-bodies.c). */
  if (signed_in && route->body == QUORUM_ROUTE_BODY_INSTANCES &&
      !_quorum_server_claim_instances_body (self, msg, known_length ? length : -1))
    {
      reply_and_close (self, msg);
      return;
    }
  if (connection != NULL && !connection->closing)
    {
      connection->state = CONNECTION_BODY;
      connection->since = g_get_monotonic_time ();
    }
  /* Only a body comes in chunks; a request without one costs no handler. */
  if (has_body)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (body_chunk), self);
  if (signed_in && route->body == QUORUM_ROUTE_BODY_UPLOAD)
    _quorum_server_begin_upload (self, msg);
}

/* ---- following each connection ----------------------------------------- */

static void
body_chunk (SoupServerMessage *msg,
            GBytes            *chunk,
            gpointer           user_data)
{
  QuorumServer *self = user_data;
  QuorumConnection *connection = connection_of (self, msg);

  if (connection == NULL || connection->closing)
    return;
  connection->since = g_get_monotonic_time ();
  connection->body_read += (gint64) g_bytes_get_size (chunk);
  if (connection->body_read > connection->body_limit)
    {
      if (soup_server_message_get_status (msg) == SOUP_STATUS_NONE)
        reply_too_large (msg, connection->body_limit);
      reply_and_close (self, msg);
    }
}

/* SoupServer::request-read: the body is in, the handler comes next. */
static void
body_done (SoupServer        *soup,
           SoupServerMessage *msg,
           gpointer           user_data)
{
  QuorumConnection *connection = connection_of (user_data, msg);

  if (connection != NULL && !connection->closing)
    connection->state = CONNECTION_BUSY;
}

/* Over plain HTTP the refused client gets a 503 when the socket takes it at
 * once; either way the connection ends before anything is read. */
static void
refuse_connection (QuorumServer *self,
                   GSocket      *socket,
                   const char   *why)
{
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"code\":\"unavailable\",\"message\":\"%s\"}}", why);
  g_autofree char *reply = g_strdup_printf ("HTTP/1.1 503 Service Unavailable\r\n"
                                            "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                                            "Retry-After: 10\r\nConnection: close\r\n\r\n%s",
                                            strlen (body), body);

  if (!self->tls)
    g_socket_send_with_blocking (socket, reply, strlen (reply), FALSE, NULL, NULL);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static gboolean reap_connections (gpointer user_data);

/* At the cap a new connection takes the place of the one that has waited
 * longest, at least this long, for its next request or its headers: slow
 * connections cannot then keep everyone else out, and requests under way
 * are never cut. */
#define EVICT_AFTER_US (G_USEC_PER_SEC / 2)

static gboolean
evict_longest_waiting (QuorumServer *self)
{
  gint64 now = g_get_monotonic_time ();
  QuorumConnection *oldest = NULL;
  GHashTableIter iter;
  QuorumConnection *connection;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    if (!connection->closing && now - connection->since >= EVICT_AFTER_US &&
        (connection->state == CONNECTION_IDLE || connection->state == CONNECTION_HEADERS) &&
        (oldest == NULL || connection->since < oldest->since))
      oldest = connection;
  if (oldest == NULL)
    return FALSE;
  if (oldest->state == CONNECTION_IDLE)
    {
      /* libsoup 3.2 would not notice a shutdown between requests. */
      g_socket_shutdown (oldest->socket, TRUE, TRUE, NULL);
      g_socket_close (oldest->socket, NULL);
      forget_connection (self, oldest);
      g_hash_table_remove (self->connections, oldest->socket);
    }
  else
    drop_connection (oldest);
  return TRUE;
}

static void
request_started (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  QuorumServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  QuorumConnection *connection;

  if (socket == NULL)
    return;
  connection = g_hash_table_lookup (self->connections, socket);
  if (connection == NULL)
    {
      const char *address = soup_server_message_get_remote_host (msg);
      guint from_address;

      if (address == NULL)
        address = "";
      from_address = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
      /* Clients that open a connection per request leave closed ones that
       * the reaper has not seen yet: it runs now, before refusing. */
      if ((gint64) g_hash_table_size (self->connections) >= self->limits.max_connections ||
          (gint64) from_address >= self->limits.max_connections_per_address)
        {
          reap_connections (self);
          from_address = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
        }
      if ((gint64) from_address >= self->limits.max_connections_per_address)
        {
          refuse_connection (self, socket, "too many connections from your address; close some");
          return;
        }
      if ((gint64) g_hash_table_size (self->connections) >= self->limits.max_connections &&
          !evict_longest_waiting (self))
        {
          refuse_connection (self, socket, "the server has as many connections as it takes; try again shortly");
          return;
        }
      connection = g_new0 (QuorumConnection, 1);
      connection->socket = g_object_ref (socket);
      connection->address = g_strdup (address);
      g_hash_table_insert (self->connections, connection->socket, connection);
      g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (from_address + 1));
    }
  connection->state = CONNECTION_HEADERS;
  connection->since = g_get_monotonic_time ();
  connection->body_read = 0;
  connection->body_limit = self->limits.max_anonymous_body;
}

static void
request_ended (SoupServer        *soup,
               SoupServerMessage *msg,
               gpointer           user_data)
{
  QuorumConnection *connection = connection_of (user_data, msg);

  if (connection != NULL && !connection->closing)
    {
      connection->state = CONNECTION_IDLE;
      connection->since = g_get_monotonic_time ();
    }
}

/* ---- the reaper ---------------------------------------------------------- */

/* Once a second: forgets the connections that are closed, and ends those
 * over a timeout: headers not complete in time, a body that stopped
 * coming, a connection left waiting between requests too long.
 *
 * libsoup 3.2 (Debian 12) also never notices that a client closed an idle
 * keep-alive connection, and keeps its socket open for good (fixed upstream
 * in 3.3): one descriptor lost per client that goes away, until the server
 * can accept no more. Closing every connection after its response would
 * avoid it at the price of a new connection per request, which halves what
 * the server can answer. So the server keeps the connections alive and
 * closes itself a socket that is between requests and whose client has
 * hung up (or that the server shut down while it was idle). */
#define REAP_INTERVAL_MS 1000
/* What libsoup or a lingering reply gets to close a connection the server
 * ended, before the reaper closes it. */
#define CLOSING_SECONDS  30

/* The connections between requests whose client has hung up (or that the
 * server shut down), asked of the kernel with one poll() for all of them:
 * the reaper runs for every new connection once the caps are reached, which
 * clients that open a connection per request make frequent. */
static GHashTable *
hung_up_connections (QuorumServer *self)
{
  GHashTable *hung_up = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (GPollFD));
  g_autoptr(GPtrArray) polled = g_ptr_array_new ();
  GHashTableIter iter;
  QuorumConnection *connection;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    if (connection->state == CONNECTION_IDLE && !g_socket_is_closed (connection->socket))
      {
        GPollFD fd = { g_socket_get_fd (connection->socket), G_IO_IN | G_IO_HUP | G_IO_ERR, 0 };

        g_array_append_val (fds, fd);
        g_ptr_array_add (polled, connection);
      }
  if (fds->len == 0 || g_poll ((GPollFD *) (gpointer) fds->data, fds->len, 0) <= 0)
    return hung_up;
  for (guint i = 0; i < fds->len; i++)
    {
      GPollFD *fd = &g_array_index (fds, GPollFD, i);
      char byte;

      /* Readable with nothing to read is the end of the stream; readable
       * with bytes is the next request, libsoup's to read. */
      if ((fd->revents & (G_IO_HUP | G_IO_ERR)) ||
          ((fd->revents & G_IO_IN) && recv (fd->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0))
        g_hash_table_add (hung_up, g_ptr_array_index (polled, i));
    }
  return hung_up;
}

static gboolean
reap_connections (gpointer user_data)
{
  QuorumServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GHashTable) hung_up = hung_up_connections (self);
  GHashTableIter iter;
  QuorumConnection *connection;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    {
      gint64 waited = (now - connection->since) / G_USEC_PER_SEC;

      if (g_socket_is_closed (connection->socket))
        {
          forget_connection (self, connection);
          g_hash_table_iter_remove (&iter);
        }
      else if (connection->state == CONNECTION_IDLE &&
               (waited >= self->limits.keepalive_timeout || g_hash_table_contains (hung_up, connection)))
        {
          g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
          g_socket_close (connection->socket, NULL);
          forget_connection (self, connection);
          g_hash_table_iter_remove (&iter);
        }
      else if (connection->closing && waited >= CLOSING_SECONDS)
        {
          g_socket_close (connection->socket, NULL);
          forget_connection (self, connection);
          g_hash_table_iter_remove (&iter);
        }
      else if (!connection->closing &&
               ((connection->state == CONNECTION_HEADERS && waited >= self->limits.header_timeout) ||
                (connection->state == CONNECTION_BODY && waited >= self->limits.body_timeout)))
        drop_connection (connection);
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
  _quorum_server_videos_stop (self);
  _quorum_server_accounts_stop (self);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);
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
  self->limits = (QuorumServerLimits) {
    .max_connections = DEFAULT_MAX_CONNECTIONS,
    .max_connections_per_address = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    .header_timeout = DEFAULT_HEADER_TIMEOUT,
    .body_timeout = DEFAULT_BODY_TIMEOUT,
    .keepalive_timeout = DEFAULT_KEEPALIVE_TIMEOUT,
    .max_json_body = QUORUM_HTTP_MAX_JSON_BODY,
    .max_anonymous_body = DEFAULT_MAX_ANONYMOUS_BODY,
    .max_instances_body = QUORUM_HTTP_MAX_INSTANCES_BODY,
    .max_instances_in_flight = QUORUM_SERVER_MAX_INSTANCES_IN_FLIGHT,
  };
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->committed = g_ptr_array_new_with_free_func (g_object_unref);
}

QuorumServer *
quorum_server_new (const char  *data_dir,
                   const char  *database,
                   GError     **error)
{
  g_autoptr(QuorumServer) self = g_object_new (QUORUM_TYPE_SERVER, NULL);

  /* TLS 1.2 and 1.3 only. GLib 2.74 has no setting for the protocol
   * versions; glib-networking's GnuTLS backend reads its priority string
   * from this variable once, when the first TLS connection is made, and
   * no thread runs yet to read the environment meanwhile. */
  g_setenv ("G_TLS_GNUTLS_PRIORITY", QUORUM_SERVER_TLS_PRIORITY, TRUE);
  if (!quorum_password_init (error))
    return NULL;
  self->store = quorum_store_open_database (data_dir, database, error);
  if (self->store == NULL || !quorum_store_scan_guide_images (self->store, error) ||
      !_quorum_server_accounts_start (self, error))
    return NULL;
  quorum_store_checkpoint_elsewhere (self->store);
  self->soup = soup_server_new ("server-header", "quorum-server/" PACKAGE_VERSION, NULL);
  /* Both at the default path: libsoup keeps early and normal handlers of one
   * path together, and a path with only an early handler answers 500. */
  soup_server_add_early_handler (self->soup, NULL, check_early, self, NULL);
  soup_server_add_handler (self->soup, NULL, dispatch, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started), self);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (body_done), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_ended), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_ended), self);
  self->reaper = g_timeout_add (REAP_INTERVAL_MS, reap_connections, self);
  /* Catch up on what a previous run did not finish scoring or preparing. */
  _quorum_server_score_consensus (self);
  if (!_quorum_server_videos_start (self, error))
    return NULL;
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
quorum_server_get_limits (QuorumServer       *self,
                          QuorumServerLimits *limits)
{
  *limits = self->limits;
}

void
quorum_server_set_limits (QuorumServer             *self,
                          const QuorumServerLimits *limits)
{
  self->limits = *limits;
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
