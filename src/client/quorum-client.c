/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-client"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <nettle/sha2.h>

#include "quorum-client.h"
#include "quorum-error.h"
#include "quorum-server-address.h"
#include "quorum-wire.h"

/* Error bodies past this are not worth reading. */
#define MAX_ERROR_BODY (64 * 1024)

struct _QuorumClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *server;
  char        *token;
};

G_DEFINE_FINAL_TYPE (QuorumClient, quorum_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
quorum_client_finalize (GObject *object)
{
  QuorumClient *self = QUORUM_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->server);
  g_free (self->token);
  G_OBJECT_CLASS (quorum_client_parent_class)->finalize (object);
}

static void
quorum_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QuorumClient *self = QUORUM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QuorumClient *self = QUORUM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_free (self->server);
      self->server = g_value_dup_string (value);
      break;
    case PROP_TOKEN:
      quorum_client_set_token (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_client_class_init (QuorumClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_client_finalize;
  object_class->get_property = quorum_client_get_property;
  object_class->set_property = quorum_client_set_property;

  properties[PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_client_init (QuorumClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "quorum/" PACKAGE_VERSION,
                                                 "timeout", QUORUM_CLIENT_DEFAULT_TIMEOUT, NULL);
}

QuorumClient *
quorum_client_new (const char  *server,
                   GError     **error)
{
  g_autofree char *normalized = quorum_server_address_normalize (server, error);

  if (normalized == NULL)
    return NULL;
  return g_object_new (QUORUM_TYPE_CLIENT, "server", normalized, NULL);
}

const char *
quorum_client_get_server (QuorumClient *client)
{
  g_return_val_if_fail (QUORUM_IS_CLIENT (client), NULL);
  return client->server;
}

const char *
quorum_client_get_token (QuorumClient *client)
{
  g_return_val_if_fail (QUORUM_IS_CLIENT (client), NULL);
  return client->token;
}

void
quorum_client_set_token (QuorumClient *client,
                         const char   *token)
{
  g_return_if_fail (QUORUM_IS_CLIENT (client));
  if (g_strcmp0 (client->token, token) == 0)
    return;
  g_free (client->token);
  client->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (client), properties[PROP_TOKEN]);
}

guint
quorum_client_get_timeout (QuorumClient *client)
{
  g_return_val_if_fail (QUORUM_IS_CLIENT (client), 0);
  return soup_session_get_timeout (client->session);
}

/* Applies to the connections made from now on. */
void
quorum_client_set_timeout (QuorumClient *client,
                           guint         seconds)
{
  g_return_if_fail (QUORUM_IS_CLIENT (client));
  soup_session_set_timeout (client->session, seconds);
}

/* ---- messages and replies --------------------------------------------- */

static SoupMessage *
new_message (QuorumClient  *client,
             const char    *method,
             const char    *api_path,
             GError       **error)
{
  g_autofree char *uri = g_strconcat (client->server, "/api/v1", api_path, NULL);
  g_autoptr(GUri) parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  SoupMessage *msg;

  if (parsed == NULL || api_path[0] != '/')
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "path: “%s” is not an API path", api_path);
      return NULL;
    }
  msg = soup_message_new_from_uri (method, parsed);
  if (client->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", client->token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  return msg;
}

static QuorumError
code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
    case SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE:
      return QUORUM_ERROR_INVALID;
    case SOUP_STATUS_UNAUTHORIZED:
      return QUORUM_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return QUORUM_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
      return QUORUM_ERROR_NOT_FOUND;
    case SOUP_STATUS_CONFLICT:
      return QUORUM_ERROR_CONFLICT;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return QUORUM_ERROR_TOO_LARGE;
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      return QUORUM_ERROR_STATE;
    default:
      return QUORUM_ERROR_FAILED;
    }
}

/* The server's {"error": {"message"}}, or a line about the status. */
static void
set_status_error (GError     **error,
                  SoupMessage *msg,
                  GBytes      *body)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonNode) root = NULL;
  const char *message = NULL;

  if (body != NULL && g_bytes_get_size (body) > 0)
    root = quorum_wire_parse_bytes (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonObject *detail = json_object_get_member (object, "error") != NULL &&
                           JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "error"))
                           ? json_object_get_object_member (object, "error") : NULL;
      JsonNode *text = detail != NULL ? json_object_get_member (detail, "message") : NULL;

      if (text != NULL && JSON_NODE_HOLDS_VALUE (text) && json_node_get_value_type (text) == G_TYPE_STRING)
        message = json_node_get_string (text);
    }
  if (message != NULL)
    g_set_error_literal (error, QUORUM_ERROR, code_for_status (status), message);
  else
    g_set_error (error, QUORUM_ERROR, code_for_status (status), "the server answered %u %s",
                 status, soup_message_get_reason_phrase (msg) != NULL ? soup_message_get_reason_phrase (msg) : "");
}

/* Ends @task with a transport failure: one clear error naming the server,
 * or the cancellation as it was. */
static void
return_transport_error (GTask  *task,
                        GError *cause)
{
  QuorumClient *client = g_task_get_source_object (task);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (cause));
  else
    g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE, "cannot reach %s: %s",
                             client->server, cause->message);
}

/* The JSON of a 2xx reply: a null node for an empty body. */
static JsonNode *
parse_reply (SoupMessage  *msg,
             GBytes       *body,
             GError      **error)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_status_error (error, msg, body);
      return NULL;
    }
  if (body == NULL || g_bytes_get_size (body) == 0)
    return json_node_new (JSON_NODE_NULL);
  root = quorum_wire_parse_bytes (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &local_error);
  if (root == NULL)
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the server's reply is not JSON: %s",
                 local_error->message);
  return root;
}

/* ---- calls ------------------------------------------------------------ */

typedef struct {
  SoupMessage *msg;
  gboolean     existed;
  GFile       *file;          /* uploads and downloads */
  char        *name;
  gint64       project_id;
  goffset      size;
  goffset      sent;
  QuorumClientProgress progress;
  gpointer     progress_data;
} CallData;

static void
call_data_free (CallData *data)
{
  g_clear_object (&data->msg);
  g_clear_object (&data->file);
  g_free (data->name);
  g_free (data);
}

static void
call_replied (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  JsonNode *reply;

  if (body == NULL)
    {
      return_transport_error (task, error);
      return;
    }
  data->existed = soup_message_get_status (data->msg) == SOUP_STATUS_OK;
  if ((reply = parse_reply (data->msg, body, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_node_unref);
}

static void
send_json (QuorumClient        *client,
           GTask               *task,
           const char          *method,
           const char          *path,
           JsonNode            *body)
{
  CallData *data = g_new0 (CallData, 1);
  g_autoptr(GError) error = NULL;

  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  if ((data->msg = new_message (client, method, path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (body != NULL)
    {
      g_autofree char *text = quorum_wire_to_string (body, FALSE);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (data->msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (client->session, data->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), call_replied, task);
}

void
quorum_client_call_async (QuorumClient        *client,
                          const char          *method,
                          const char          *path,
                          JsonNode            *body,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (QUORUM_IS_CLIENT (client));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_client_call_async);
  send_json (client, task, method, path, body);
}

JsonNode *
quorum_client_call_finish (QuorumClient  *client,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_client_call_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
quorum_client_login_async (QuorumClient        *client,
                           const char          *user,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  GTask *task;

  g_return_if_fail (QUORUM_IS_CLIENT (client));
  g_return_if_fail (user != NULL && password != NULL);

  json_object_set_string_member (body, "user", user);
  json_object_set_string_member (body, "password", password);
  node = json_node_init_object (json_node_alloc (), body);
  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_client_login_async);
  /* A login never carries an older token. */
  quorum_client_set_token (client, NULL);
  send_json (client, task, "POST", "/login", node);
}

JsonNode *
quorum_client_login_finish (QuorumClient  *client,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonNode *token;

  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_client_login_async, NULL);
  if ((reply = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (reply) ||
      (token = json_object_get_member (json_node_get_object (reply), "token")) == NULL ||
      !JSON_NODE_HOLDS_VALUE (token) || json_node_get_value_type (token) != G_TYPE_STRING)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                           "the server's login reply carries no token");
      return NULL;
    }
  quorum_client_set_token (client, json_node_get_string (token));
  return g_steal_pointer (&reply);
}

/* ---- uploads ---------------------------------------------------------- */

static void
upload_wrote (SoupMessage *msg,
              guint        chunk_size,
              gpointer     user_data)
{
  CallData *data = user_data;

  data->sent += chunk_size;
  if (data->progress != NULL)
    data->progress (data->sent, data->size, data->progress_data);
}

static void
upload_opened (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumClient *client = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read_finish (G_FILE (source), result, &error);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GCancellable *cancellable;

  if (stream == NULL)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "%s: cannot read the file: %s",
                               g_file_peek_path (data->file), error->message);
      return;
    }
  escaped = g_uri_escape_string (data->name, NULL, FALSE);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/files?name=%s", data->project_id, escaped);
  if ((data->msg = new_message (client, "POST", path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The body streams from disk as it is sent; it is never held whole. */
  soup_message_set_request_body (data->msg, "application/octet-stream", G_INPUT_STREAM (stream), data->size);
  g_signal_connect (data->msg, "wrote-body-data", G_CALLBACK (upload_wrote), data);
  cancellable = g_task_get_cancellable (task);
  soup_session_send_and_read_async (client->session, data->msg, G_PRIORITY_DEFAULT, cancellable,
                                    call_replied, g_steal_pointer (&task));
}

static void
upload_measured (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, &error);
  GCancellable *cancellable;

  if (info == NULL)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "%s: cannot read the file: %s",
                               g_file_peek_path (data->file), error->message);
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: not a regular file",
                               g_file_peek_path (data->file));
      return;
    }
  data->size = g_file_info_get_size (info);
  cancellable = g_task_get_cancellable (task);
  g_file_read_async (data->file, G_PRIORITY_DEFAULT, cancellable, upload_opened, g_steal_pointer (&task));
}

void
quorum_client_upload_async (QuorumClient         *client,
                            gint64                project_id,
                            const char           *path,
                            const char           *name,
                            QuorumClientProgress  progress,
                            gpointer              progress_data,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  CallData *data;
  GTask *task;

  g_return_if_fail (QUORUM_IS_CLIENT (client));
  g_return_if_fail (path != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_client_upload_async);
  data = g_new0 (CallData, 1);
  data->file = g_file_new_for_path (path);
  data->name = name != NULL ? g_strdup (name) : g_path_get_basename (path);
  data->project_id = project_id;
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  g_file_query_info_async (data->file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable, upload_measured, task);
}

JsonNode *
quorum_client_upload_finish (QuorumClient  *client,
                             GAsyncResult  *result,
                             gboolean      *existed,
                             GError       **error)
{
  JsonNode *reply;

  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_client_upload_async, NULL);
  reply = g_task_propagate_pointer (G_TASK (result), error);
  if (existed != NULL)
    *existed = reply != NULL && ((CallData *) g_task_get_task_data (G_TASK (result)))->existed;
  return reply;
}

/* ---- downloads -------------------------------------------------------- */

/* Reads of the body in blocks this large: a few main-loop turns per
 * megabyte rather than one per 8 KiB. */
#define DOWNLOAD_BLOCK (1024 * 1024)

/* A download streams the body into a temporary file beside @destination:
 * the main loop reads block N+1 while a worker thread writes and hashes
 * block N. The file is renamed into place only when every byte arrived and,
 * when the server gave the content's SHA-256 as its ETag, the hash matches. */
typedef struct {
  SoupMessage          *msg;
  char                 *api_path;
  char                 *destination;
  char                 *temp_path;
  GInputStream         *body;
  int                   fd;
  struct sha256_ctx     hash;        /* touched only by the writer */
  char                 *expected;    /* the ETag's SHA-256, or NULL */
  goffset               total;       /* Content-Length, or -1 */
  goffset               received;
  guint8               *buffer;
  GBytes               *pending;     /* read, waiting for the writer */
  gboolean              reading;
  gboolean              writing;
  gboolean              eof;
  GError               *error;
  QuorumClientProgress  progress;
  gpointer              progress_data;
} Download;

static void
download_free (Download *download)
{
  if (download->fd >= 0)
    close (download->fd);
  if (download->temp_path != NULL)
    g_unlink (download->temp_path);
  g_clear_object (&download->msg);
  g_clear_object (&download->body);
  g_free (download->api_path);
  g_free (download->destination);
  g_free (download->temp_path);
  g_free (download->expected);
  g_free (download->buffer);
  g_clear_pointer (&download->pending, g_bytes_unref);
  g_clear_error (&download->error);
  g_free (download);
}

/* The SHA-256 of an ETag such as "\"3f…\"", or NULL for any other tag. */
static char *
etag_sha256 (const char *etag)
{
  gsize length = etag != NULL ? strlen (etag) : 0;

  if (length != 66 || etag[0] != '"' || etag[65] != '"')
    return NULL;
  for (guint i = 1; i < 65; i++)
    if (!g_ascii_isxdigit (etag[i]))
      return NULL;
  return g_ascii_strdown (etag + 1, 64);
}

static void download_read (GTask *task);
static void download_write (GTask *task, GBytes *block);

static void download_complete (GTask *task);

static void
download_closed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);

  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
  g_clear_object (&download->body);
  download_complete (task);
}

/* Every byte is in the temporary file: checked, then renamed into place. */
static void
download_complete (GTask *task)
{
  Download *download = g_task_get_task_data (task);
  guint8 digest[SHA256_DIGEST_SIZE];
  char hex[SHA256_DIGEST_SIZE * 2 + 1];

  /* Let go of the body first, in the caller's main context, where libsoup
   * completes the message and gives the connection back. */
  if (download->body != NULL)
    {
      g_input_stream_close_async (download->body, G_PRIORITY_DEFAULT, NULL, download_closed, g_object_ref (task));
      return;
    }
  if (download->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&download->error));
      return;
    }
  if (download->total >= 0 && download->received != download->total)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                               "the server sent %" G_GOFFSET_FORMAT " of its %" G_GOFFSET_FORMAT
                               " bytes: the download was cut short", download->received, download->total);
      return;
    }
  sha256_digest (&download->hash, sizeof digest, digest);
  for (guint i = 0; i < sizeof digest; i++)
    g_snprintf (hex + i * 2, 3, "%02x", digest[i]);
  if (download->expected != NULL && strcmp (hex, download->expected) != 0)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                               "the %" G_GOFFSET_FORMAT " bytes received do not match the file's checksum "
                               "(SHA-256 %.12s…, received %.12s…): it was damaged on the way",
                               download->received, download->expected, hex);
      return;
    }
  if (close (download->fd) != 0)
    {
      int saved_errno = errno;

      download->fd = -1;
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot write the file: %s",
                               download->temp_path, g_strerror (saved_errno));
      return;
    }
  download->fd = -1;
  if (g_rename (download->temp_path, download->destination) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot move it into place: %s",
                               download->destination, g_strerror (saved_errno));
      return;
    }
  g_clear_pointer (&download->temp_path, g_free);
  g_task_return_boolean (task, TRUE);
}

/* In a worker thread: one block into the file and the hash. */
static void
download_write_thread (GTask        *write_task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GTask *task = source_object;
  Download *download = g_task_get_task_data (task);
  GBytes *block = task_data;
  gsize length;
  const guint8 *data = g_bytes_get_data (block, &length);
  gsize done = 0;

  sha256_update (&download->hash, length, data);
  while (done < length)
    {
      gssize n = write (download->fd, data + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_task_return_new_error (write_task, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot write the file: %s",
                                   download->temp_path, g_strerror (saved_errno));
          return;
        }
      done += n;
    }
  g_task_return_boolean (write_task, TRUE);
}

static void
download_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = G_TASK (source);
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;

  download->writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error) && download->error == NULL)
    download->error = error;
  else
    g_clear_error (&error);
  if (download->error != NULL)
    {
      if (!download->reading)
        download_complete (task);
      g_object_unref (task);
      return;
    }
  if (download->pending != NULL)
    {
      g_autoptr(GBytes) block = g_steal_pointer (&download->pending);

      download_write (task, block);
      if (!download->eof)
        download_read (task);
    }
  else if (download->eof && !download->reading)
    download_complete (task);
  g_object_unref (task);
}

static void
download_write (GTask  *task,
                GBytes *block)
{
  Download *download = g_task_get_task_data (task);
  /* The write task's source object is the download task: its callback
   * runs with the download's state at hand. */
  g_autoptr(GTask) write_task = g_task_new (task, NULL, download_written, g_object_ref (task));

  download->writing = TRUE;
  g_task_set_task_data (write_task, g_bytes_ref (block), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (write_task, download_write_thread);
}

static void
download_block_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) block = NULL;
  gsize n = 0;

  download->reading = FALSE;
  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error))
    {
      if (download->error == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            download->error = g_steal_pointer (&error);
          else
            download->error = g_error_new (QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE,
                                           "the download broke off after %" G_GOFFSET_FORMAT " bytes: %s",
                                           download->received, error->message);
        }
      if (!download->writing)
        download_complete (task);
      return;
    }
  if (n < DOWNLOAD_BLOCK)
    download->eof = TRUE;
  if (n > 0)
    {
      block = g_bytes_new_take (g_steal_pointer (&download->buffer), n);
      download->received += n;
      if (download->progress != NULL)
        download->progress (download->received, download->total, download->progress_data);
    }
  if (download->error != NULL)
    {
      if (!download->writing)
        download_complete (task);
      return;
    }
  if (block != NULL && !download->writing)
    {
      download_write (task, block);
      if (!download->eof)
        download_read (task);
    }
  else if (block != NULL)
    download->pending = g_steal_pointer (&block);   /* read on once the writer takes it */
  else if (!download->writing)
    download_complete (task);
}

static void
download_read (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  download->reading = TRUE;
  download->buffer = g_malloc (DOWNLOAD_BLOCK);
  g_input_stream_read_all_async (download->body, download->buffer, DOWNLOAD_BLOCK, G_PRIORITY_DEFAULT,
                                 g_task_get_cancellable (task), download_block_read, g_object_ref (task));
}

static void
download_error_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  g_autoptr(GError) error = NULL;

  set_status_error (&error, download->msg, body);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
download_sent (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  SoupMessageHeaders *headers;

  if (body == NULL)
    {
      return_transport_error (task, error);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (download->msg)))
    {
      g_input_stream_read_bytes_async (body, MAX_ERROR_BODY, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       download_error_read, g_steal_pointer (&task));
      return;
    }
  headers = soup_message_get_response_headers (download->msg);
  download->expected = etag_sha256 (soup_message_headers_get_one (headers, "ETag"));
  download->total = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                    ? soup_message_headers_get_content_length (headers) : -1;
  /* One small file creation on the main loop; the writes are threaded. */
  download->temp_path = g_strconcat (download->destination, ".XXXXXX", NULL);
  download->fd = g_mkstemp_full (download->temp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (download->fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&download->temp_path, g_free);
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: cannot write the file: %s",
                               download->destination, g_strerror (saved_errno));
      return;
    }
  download->body = g_steal_pointer (&body);
  sha256_init (&download->hash);
  if (download->progress != NULL)
    download->progress (0, download->total, download->progress_data);
  download_read (task);
}

void
quorum_client_download_with_progress_async (QuorumClient         *client,
                                             const char           *api_path,
                                             const char           *destination,
                                             QuorumClientProgress  progress,
                                             gpointer              progress_data,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  g_autoptr(GError) error = NULL;
  Download *download;
  GTask *task;

  g_return_if_fail (QUORUM_IS_CLIENT (client));
  g_return_if_fail (api_path != NULL && destination != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_client_download_async);
  download = g_new0 (Download, 1);
  download->fd = -1;
  download->total = -1;
  download->api_path = g_strdup (api_path);
  download->destination = g_strdup (destination);
  download->progress = progress;
  download->progress_data = progress_data;
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);
  if ((download->msg = new_message (client, "GET", api_path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  soup_session_send_async (client->session, download->msg, G_PRIORITY_DEFAULT, cancellable, download_sent, task);
}

void
quorum_client_download_async (QuorumClient        *client,
                              const char          *api_path,
                              const char          *destination,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  quorum_client_download_with_progress_async (client, api_path, destination, NULL, NULL, cancellable,
                                              callback, user_data);
}

gboolean
quorum_client_download_finish (QuorumClient  *client,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_client_download_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- blocking wrappers ------------------------------------------------ */

/* The wrappers run the async call on a private main context, so that they
 * never iterate the default one under a caller's feet. */
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

static void
sync_wait (SyncCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
}

static void
sync_end (SyncCall *call)
{
  g_main_context_pop_thread_default (call->context);
  /* Let sources the call left behind run out before the context goes. */
  while (g_main_context_iteration (call->context, FALSE))
    ;
  g_main_context_unref (call->context);
  g_clear_object (&call->result);
}

JsonNode *
quorum_client_call_sync (QuorumClient  *client,
                         const char    *method,
                         const char    *path,
                         JsonNode      *body,
                         GCancellable  *cancellable,
                         GError       **error)
{
  SyncCall call;
  JsonNode *reply;

  sync_begin (&call);
  quorum_client_call_async (client, method, path, body, cancellable, sync_done, &call);
  sync_wait (&call);
  reply = quorum_client_call_finish (client, call.result, error);
  sync_end (&call);
  return reply;
}

JsonNode *
quorum_client_login_sync (QuorumClient  *client,
                          const char    *user,
                          const char    *password,
                          GCancellable  *cancellable,
                          GError       **error)
{
  SyncCall call;
  JsonNode *reply;

  sync_begin (&call);
  quorum_client_login_async (client, user, password, cancellable, sync_done, &call);
  sync_wait (&call);
  reply = quorum_client_login_finish (client, call.result, error);
  sync_end (&call);
  return reply;
}

JsonNode *
quorum_client_upload_sync (QuorumClient  *client,
                           gint64         project_id,
                           const char    *path,
                           const char    *name,
                           gboolean      *existed,
                           GCancellable  *cancellable,
                           GError       **error)
{
  SyncCall call;
  JsonNode *reply;

  sync_begin (&call);
  quorum_client_upload_async (client, project_id, path, name, NULL, NULL, cancellable, sync_done, &call);
  sync_wait (&call);
  reply = quorum_client_upload_finish (client, call.result, existed, error);
  sync_end (&call);
  return reply;
}

gboolean
quorum_client_download_sync (QuorumClient  *client,
                             const char    *api_path,
                             const char    *destination,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SyncCall call;
  gboolean done;

  sync_begin (&call);
  quorum_client_download_async (client, api_path, destination, cancellable, sync_done, &call);
  sync_wait (&call);
  done = quorum_client_download_finish (client, call.result, error);
  sync_end (&call);
  return done;
}
