/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-gi"

/* QuorumSession: jobs, credentials, exports, and the core's agreement offline. */

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
  if (!_quorum_session_check_id (self, quorum_session_create_job_async, callback, user_data, "project_id",
                                 project_id))
    return;
  if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
    {
      _quorum_session_report_invalid (self, quorum_session_create_job_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "settings: must be a JSON object like "
                                      "{\"name\": \"Batch 3\", \"passes_per_file\": 3}");
      return;
    }
  json_object_set_member (body, "settings", json_node_copy (settings));
  json_object_set_member (body, "files", _quorum_session_ids_node (file_ids, file_ids != NULL ? n_files : 0));
  node = json_node_init_object (json_node_alloc (), body);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", project_id);
  _quorum_session_call (self, quorum_session_create_job_async, "POST", path, node, cancellable, callback, user_data);
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
  return _quorum_session_finish (self, result, quorum_session_create_job_async, error);
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
                                              _quorum_session_sync_done, &call),
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

  if (!_quorum_session_check_id (self, source_tag, callback, user_data, "job_id", job_id))
    return;
  if (file_ids == NULL || n_files == 0)
    {
      _quorum_session_report_invalid (self, source_tag, callback, user_data, QUORUM_ERROR_INVALID,
                                      "file_ids: give at least one file");
      return;
    }
  json_object_set_member (body, member, _quorum_session_ids_node (file_ids, n_files));
  node = json_node_init_object (json_node_alloc (), body);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/files", job_id);
  _quorum_session_call (self, source_tag, "PUT", path, node, cancellable, callback, user_data);
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
  return _quorum_session_finish (self, result, quorum_session_add_job_files_async, error);
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
  SYNC_NODE (quorum_session_add_job_files_async (self, job_id, file_ids, n_files, cancellable,
  _quorum_session_sync_done, &call),
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
  return _quorum_session_finish (self, result, quorum_session_remove_job_files_async, error);
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
  SYNC_NODE (quorum_session_remove_job_files_async (self, job_id, file_ids, n_files, cancellable,
  _quorum_session_sync_done,
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

  if (!_quorum_session_check_id (self, source_tag, callback, user_data, "credential_id", credential_id) ||
      !_quorum_session_check_id (self, source_tag, callback, user_data, "user_id", user_id))
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
  _quorum_session_call (self, source_tag, method, path, node, cancellable, callback, user_data);
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
  return _quorum_session_finish (self, result, quorum_session_grant_credential_async, error);
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
                                                    _quorum_session_sync_done, &call),
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
  return _quorum_session_finish (self, result, quorum_session_revoke_credential_async, error);
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
                                                     _quorum_session_sync_done, &call),
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

/* Streams @api_path to @path; the task carries @source_tag for its finish. */
static void
download_export (QuorumSession       *self,
                 gpointer             source_tag,
                 const char          *api_path,
                 const char          *path,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  quorum_client_download_async (self->client, api_path, path, cancellable, exported, task);
}

static gboolean
finish_export (QuorumSession  *self,
               GAsyncResult   *result,
               gpointer        source_tag,
               GError        **error)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!_quorum_session_check_id (self, quorum_session_export_to_file_async, callback, user_data, "job_id", job_id) ||
      !_quorum_session_check_text (self, quorum_session_export_to_file_async, callback, user_data, "path", path))
    return;
  if (format == NULL || (!g_str_equal (format, "coco") && !g_str_equal (format, "quorum")))
    {
      _quorum_session_report_invalid (self, quorum_session_export_to_file_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "format: coco or quorum, not “%s”", format ? format : "(null)");
      return;
    }
  if (versions == NULL || (!g_str_equal (versions, "all") && !g_str_equal (versions, "best")))
    {
      _quorum_session_report_invalid (self, quorum_session_export_to_file_async, callback, user_data,
                                      QUORUM_ERROR_INVALID,
                                      "versions: all or best, not “%s”", versions ? versions : "(null)");
      return;
    }
  api_path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/export?format=%s&versions=%s", job_id, format,
                              versions);
  download_export (self, quorum_session_export_to_file_async, api_path, path, cancellable, callback, user_data);
}

/**
 * quorum_session_export_coco_to_file_async:
 * @self: a session
 * @job_id: the job
 * @interpolated: %TRUE for every frame of a video's tracks, interpolated ones
 *   included; %FALSE for only the frames drawn (keyframes and proposals),
 *   which re-imports to the same tracks
 * @path: (type filename): the file to write; replaced only once the whole export arrived
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the export is written or failed
 * @user_data: (closure): data for @callback
 *
 * `GET /jobs/{id}/export?format=coco&interpolated=…` (editors), streamed to
 * @path, as `quorumctl export --format coco [--no-interpolated]` and the
 * app's Export window write it.
 */
void
quorum_session_export_coco_to_file_async (QuorumSession       *self,
                                          gint64               job_id,
                                          gboolean             interpolated,
                                          const char          *path,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *api_path = NULL;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  if (!_quorum_session_check_id (self, quorum_session_export_coco_to_file_async, callback, user_data, "job_id",
                                 job_id) ||
      !_quorum_session_check_text (self, quorum_session_export_coco_to_file_async, callback, user_data, "path",
                                   path))
    return;
  api_path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/export?format=coco&interpolated=%s", job_id,
                              interpolated ? "true" : "false");
  download_export (self, quorum_session_export_coco_to_file_async, api_path, path, cancellable, callback,
                   user_data);
}

/**
 * quorum_session_export_coco_to_file_finish:
 * @self: a session
 * @result: the result given to the callback
 * @error: where the server's refusal or a write error is reported
 *
 * Returns: %TRUE when the export was written whole
 */
gboolean
quorum_session_export_coco_to_file_finish (QuorumSession  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  return finish_export (self, result, quorum_session_export_coco_to_file_async, error);
}

/**
 * quorum_session_export_coco_to_file_sync:
 * @self: a session
 * @job_id: the job
 * @interpolated: %TRUE for every frame, %FALSE for the frames drawn only
 * @path: (type filename): the file to write; replaced only once the whole export arrived
 * @cancellable: (nullable): a cancellable
 * @error: where the server's refusal or a write error is reported
 *
 * `GET /jobs/{id}/export?format=coco&interpolated=…` streamed to @path, blocking.
 *
 * Returns: %TRUE when the export was written whole
 */
gboolean
quorum_session_export_coco_to_file_sync (QuorumSession  *self,
                                         gint64          job_id,
                                         gboolean        interpolated,
                                         const char     *path,
                                         GCancellable   *cancellable,
                                         GError        **error)
{
  SyncCall call;
  gboolean done;

  _quorum_session_sync_begin (&call);
  quorum_session_export_coco_to_file_async (self, job_id, interpolated, path, cancellable, _quorum_session_sync_done,
                                            &call);
  done = quorum_session_export_coco_to_file_finish (self, _quorum_session_sync_wait (&call), error);
  _quorum_session_sync_end (&call);
  return done;
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
  return finish_export (self, result, quorum_session_export_to_file_async, error);
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

  _quorum_session_sync_begin (&call);
  quorum_session_export_to_file_async (self, job_id, format, versions, path, cancellable,
  _quorum_session_sync_done, &call);
  done = quorum_session_export_to_file_finish (self, _quorum_session_sync_wait (&call), error);
  _quorum_session_sync_end (&call);
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
