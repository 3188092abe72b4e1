/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-gi"

/* QuorumSession: projects, labels, files and guides. */

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

  _quorum_session_call (self, quorum_session_list_projects_async, "GET", "/projects", NULL, cancellable,
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
  return _quorum_session_finish (self, result, quorum_session_list_projects_async, error);
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
  SYNC_NODE (quorum_session_list_projects_async (self, cancellable, _quorum_session_sync_done, &call),
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
  if (!_quorum_session_check_text (self, quorum_session_create_project_async, callback, user_data, "name", name))
    return;
  if (org_id < 0)
    {
      _quorum_session_report_invalid (self, quorum_session_create_project_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "org_id: must be an organization's id, or 0 for none, not %" G_GINT64_FORMAT,
                                      org_id);
      return;
    }
  json_object_set_string_member (body, "name", name);
  if (org_id > 0)
    json_object_set_int_member (body, "org", org_id);
  node = json_node_init_object (json_node_alloc (), body);
  _quorum_session_call (self, quorum_session_create_project_async, "POST", "/projects", node, cancellable,
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
  return _quorum_session_finish (self, result, quorum_session_create_project_async, error);
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
  SYNC_NODE (quorum_session_create_project_async (self, name, org_id, cancellable, _quorum_session_sync_done, &call),
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
  if (!_quorum_session_check_id (self, quorum_session_set_labels_async, callback, user_data, "project_id",
                                 project_id))
    return;
  if (labels == NULL || !JSON_NODE_HOLDS_OBJECT (labels))
    {
      _quorum_session_report_invalid (self, quorum_session_set_labels_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "labels: must be a label schema, a JSON object like {\"labels\": […]}");
      return;
    }
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/labels", project_id);
  _quorum_session_call (self, quorum_session_set_labels_async, "PUT", path, labels, cancellable, callback,
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
  return _quorum_session_finish (self, result, quorum_session_set_labels_async, error);
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
  SYNC_NODE (quorum_session_set_labels_async (self, project_id, labels, cancellable, _quorum_session_sync_done,
  &call),
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
  if (!_quorum_session_check_id (self, quorum_session_upload_file_async, callback, user_data, "project_id",
                                 project_id) ||
      !_quorum_session_check_text (self, quorum_session_upload_file_async, callback, user_data, "path", path))
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
  return _quorum_session_finish (self, result, quorum_session_upload_file_async, error);
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
                                               cancellable, _quorum_session_sync_done, &call),
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
  if (!_quorum_session_check_id (self, quorum_session_upload_folder_async, callback, user_data, "project_id",
                                 project_id) ||
      !_quorum_session_check_text (self, quorum_session_upload_folder_async, callback, user_data, "folder", folder))
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
  return _quorum_session_finish (self, result, quorum_session_upload_folder_async, error);
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
  SYNC_NODE (quorum_session_upload_folder_async (self, project_id, folder, cancellable, _quorum_session_sync_done,
  &call),
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
  if (!_quorum_session_check_id (self, quorum_session_upload_bytes_async, callback, user_data, "project_id",
                                 project_id) ||
      !_quorum_session_check_text (self, quorum_session_upload_bytes_async, callback, user_data, "name", name))
    return;
  if (content == NULL || g_bytes_get_size (content) == 0)
    {
      _quorum_session_report_invalid (self, quorum_session_upload_bytes_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
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
  return _quorum_session_finish (self, result, quorum_session_upload_bytes_async, error);
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
  SYNC_NODE (quorum_session_upload_bytes_async (self, project_id, content, name, cancellable,
  _quorum_session_sync_done, &call),
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
  if (!_quorum_session_check_id (self, quorum_session_create_guide_async, callback, user_data, "project_id",
                                 project_id) ||
      !_quorum_session_check_text (self, quorum_session_create_guide_async, callback, user_data, "name", name))
    return;
  if (markdown == NULL)
    {
      _quorum_session_report_invalid (self, quorum_session_create_guide_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "markdown: give the guide's text");
      return;
    }
  body = guide_body (name, markdown, 0);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/guides", project_id);
  _quorum_session_call (self, quorum_session_create_guide_async, "POST", path, body, cancellable, callback,
                        user_data);
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
  return _quorum_session_finish (self, result, quorum_session_create_guide_async, error);
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
  SYNC_NODE (quorum_session_create_guide_async (self, project_id, name, markdown, cancellable,
  _quorum_session_sync_done,
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
  quorum_client_call_async (self->client, "PUT", path, body, g_task_get_cancellable (task),
                            _quorum_session_call_replied, task);
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
  if (!_quorum_session_check_id (self, quorum_session_update_guide_async, callback, user_data, "guide_id", guide_id))
    return;
  if (markdown == NULL)
    {
      _quorum_session_report_invalid (self, quorum_session_update_guide_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "markdown: give the guide's text");
      return;
    }
  if (expected_version < 0)
    {
      _quorum_session_report_invalid (self, quorum_session_update_guide_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "expected_version: the guide's version, or 0 for any, not %" G_GINT64_FORMAT,
                                      expected_version);
      return;
    }
  path = g_strdup_printf ("/guides/%" G_GINT64_FORMAT, guide_id);
  if (name != NULL)
    {
      g_autoptr(JsonNode) body = guide_body (name, markdown, expected_version);

      _quorum_session_call (self, quorum_session_update_guide_async, "PUT", path, body, cancellable, callback,
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
  return _quorum_session_finish (self, result, quorum_session_update_guide_async, error);
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
                                                _quorum_session_sync_done, &call),
             quorum_session_update_guide_finish);
}
