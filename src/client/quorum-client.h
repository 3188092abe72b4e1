/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define QUORUM_TYPE_CLIENT (quorum_client_get_type ())

G_DECLARE_FINAL_TYPE (QuorumClient, quorum_client, QUORUM, CLIENT, GObject)

/* Called as an upload's body goes out: bytes sent so far of @total. */
typedef void (*QuorumClientProgress) (goffset  sent,
                                      goffset  total,
                                      gpointer user_data);

/* @server is what a user types ("localhost:8080"); it is normalized, or
 * the error names what is wrong with it. */
QuorumClient *quorum_client_new             (const char           *server,
                                             GError              **error);
const char   *quorum_client_get_server      (QuorumClient         *client);
const char   *quorum_client_get_token       (QuorumClient         *client);
void          quorum_client_set_token       (QuorumClient         *client,
                                             const char           *token);

/* Seconds a request may wait on the server (to connect, to take the next
 * bytes of the request, to send the next bytes of the reply) before it
 * fails as QUORUM_ERROR_UNREACHABLE: a server that accepts the connection
 * and never answers must not hang its caller. 0: wait for ever. */
#define QUORUM_CLIENT_DEFAULT_TIMEOUT 30
guint         quorum_client_get_timeout     (QuorumClient         *client);
void          quorum_client_set_timeout     (QuorumClient         *client,
                                             guint                 seconds);

/* One API call. @path is under /api/v1 ("/projects/1"); @body (nullable) is
 * sent as JSON. The reply is the server's JSON, a JSON null for an empty
 * reply (204). Errors are QUORUM_ERROR with the server's message, code by
 * status; QUORUM_ERROR_UNREACHABLE when no answer came. */
void          quorum_client_call_async      (QuorumClient         *client,
                                             const char           *method,
                                             const char           *path,
                                             JsonNode             *body,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
JsonNode     *quorum_client_call_finish     (QuorumClient         *client,
                                             GAsyncResult         *result,
                                             GError              **error);
JsonNode     *quorum_client_call_sync       (QuorumClient         *client,
                                             const char           *method,
                                             const char           *path,
                                             JsonNode             *body,
                                             GCancellable         *cancellable,
                                             GError              **error);

/* POST /login; on success the client keeps the token. The reply is
 * {"token", "expires", "user"}. */
void          quorum_client_login_async     (QuorumClient         *client,
                                             const char           *user,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
JsonNode     *quorum_client_login_finish    (QuorumClient         *client,
                                             GAsyncResult         *result,
                                             GError              **error);
JsonNode     *quorum_client_login_sync      (QuorumClient         *client,
                                             const char           *user,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GError              **error);

/* Streams the file at @path from disk as the body of
 * POST /projects/{id}/files?name=NAME (@name defaults to the file's base
 * name). The reply is the file's record; *@existed tells whether the
 * project had this content already (the server answers the existing id). */
void          quorum_client_upload_async    (QuorumClient         *client,
                                             gint64                project_id,
                                             const char           *path,
                                             const char           *name,
                                             QuorumClientProgress  progress,
                                             gpointer              progress_data,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
JsonNode     *quorum_client_upload_finish   (QuorumClient         *client,
                                             GAsyncResult         *result,
                                             gboolean             *existed,
                                             GError              **error);
JsonNode     *quorum_client_upload_sync     (QuorumClient         *client,
                                             gint64                project_id,
                                             const char           *path,
                                             const char           *name,
                                             gboolean             *existed,
                                             GCancellable         *cancellable,
                                             GError              **error);

/* GET @api_path (under /api/v1, e.g. "/files/3/content") into the file at
 * @destination, replaced whole only once every byte has arrived. The body
 * streams to a temporary file beside it in 1 MiB blocks, written and hashed
 * in a worker thread; when the server's ETag is the content's SHA-256 (as
 * for /files/{id}/content) a body that does not match it is refused, as is
 * one shorter than its Content-Length, and nothing is left behind. */
void          quorum_client_download_async  (QuorumClient         *client,
                                             const char           *api_path,
                                             const char           *destination,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* The same, with @progress called on the main loop after each block with
 * the bytes received and the total (-1 when the server did not say). */
void          quorum_client_download_with_progress_async (QuorumClient         *client,
                                                          const char           *api_path,
                                                          const char           *destination,
                                                          QuorumClientProgress  progress,
                                                          gpointer              progress_data,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean      quorum_client_download_finish (QuorumClient         *client,
                                             GAsyncResult         *result,
                                             GError              **error);
gboolean      quorum_client_download_sync   (QuorumClient         *client,
                                             const char           *api_path,
                                             const char           *destination,
                                             GCancellable         *cancellable,
                                             GError              **error);

G_END_DECLS
