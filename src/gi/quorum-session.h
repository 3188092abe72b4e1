/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "quorum-error-type.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_SESSION (quorum_session_get_type ())

G_DECLARE_FINAL_TYPE (QuorumSession, quorum_session, QUORUM, SESSION, GObject)

/**
 * QuorumProgress:
 * @sent: bytes of the upload sent so far
 * @total: the upload's size in bytes
 * @user_data: (closure): the data given with the callback
 *
 * Called as an upload's body goes out.
 */
typedef void (*QuorumProgress) (goffset  sent,
                                goffset  total,
                                gpointer user_data);

QuorumSession *quorum_session_new              (const char     *server,
                                                GError        **error);
QuorumSession *quorum_session_new_from_keyring (const char     *server,
                                                GError        **error);
const char    *quorum_session_get_server       (QuorumSession  *self);
const char    *quorum_session_get_token        (QuorumSession  *self);
void           quorum_session_set_token        (QuorumSession  *self,
                                                const char     *token);

/* Each network call X is three functions: X_async, X_finish and X_sync.
 * The result is the server's JSON reply unless said otherwise. */

void      quorum_session_sign_in_async (QuorumSession *self, const char *user, const char *password,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
JsonNode *quorum_session_sign_in_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_sign_in_sync (QuorumSession *self, const char *user, const char *password,
                                       GCancellable *cancellable, GError **error);

void      quorum_session_call_async (QuorumSession *self, const char *method, const char *path,
                                     JsonNode *body, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_call_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_call_sync (QuorumSession *self, const char *method, const char *path,
                                    JsonNode *body, GCancellable *cancellable, GError **error);

/* Projects and labels */
void      quorum_session_list_projects_async (QuorumSession *self, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_list_projects_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_list_projects_sync (QuorumSession *self, GCancellable *cancellable, GError **error);

void      quorum_session_create_project_async (QuorumSession *self, const char *name, gint64 org_id,
                                               GCancellable *cancellable, GAsyncReadyCallback callback,
                                               gpointer user_data);
JsonNode *quorum_session_create_project_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_create_project_sync (QuorumSession *self, const char *name, gint64 org_id,
                                              GCancellable *cancellable, GError **error);

void      quorum_session_set_labels_async (QuorumSession *self, gint64 project_id, JsonNode *labels,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);
JsonNode *quorum_session_set_labels_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_set_labels_sync (QuorumSession *self, gint64 project_id, JsonNode *labels,
                                          GCancellable *cancellable, GError **error);

void      quorum_session_list_labels_async (QuorumSession *self, gint64 project_id,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
JsonNode *quorum_session_list_labels_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_list_labels_sync (QuorumSession *self, gint64 project_id,
                                           GCancellable *cancellable, GError **error);

/* Files */
void      quorum_session_upload_file_async (QuorumSession *self, gint64 project_id, const char *path,
                                            const char *name, QuorumProgress progress,
                                            gpointer progress_data, GDestroyNotify progress_destroy,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
JsonNode *quorum_session_upload_file_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_upload_file_sync (QuorumSession *self, gint64 project_id, const char *path,
                                           const char *name, QuorumProgress progress,
                                           gpointer progress_data, GCancellable *cancellable,
                                           GError **error);

void      quorum_session_upload_folder_async (QuorumSession *self, gint64 project_id, const char *folder,
                                              GCancellable *cancellable, GAsyncReadyCallback callback,
                                              gpointer user_data);
JsonNode *quorum_session_upload_folder_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_upload_folder_sync (QuorumSession *self, gint64 project_id, const char *folder,
                                             GCancellable *cancellable, GError **error);

void      quorum_session_upload_bytes_async (QuorumSession *self, gint64 project_id, GBytes *content,
                                             const char *name, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_upload_bytes_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_upload_bytes_sync (QuorumSession *self, gint64 project_id, GBytes *content,
                                            const char *name, GCancellable *cancellable, GError **error);

void      quorum_session_list_files_async (QuorumSession *self, gint64 project_id,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);
JsonNode *quorum_session_list_files_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_list_files_sync (QuorumSession *self, gint64 project_id,
                                          GCancellable *cancellable, GError **error);

/* Guides */
void      quorum_session_create_guide_async (QuorumSession *self, gint64 project_id, const char *name,
                                             const char *markdown, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_create_guide_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_create_guide_sync (QuorumSession *self, gint64 project_id, const char *name,
                                            const char *markdown, GCancellable *cancellable,
                                            GError **error);

void      quorum_session_update_guide_async (QuorumSession *self, gint64 guide_id, const char *name,
                                             const char *markdown, gint64 expected_version,
                                             GCancellable *cancellable, GAsyncReadyCallback callback,
                                             gpointer user_data);
JsonNode *quorum_session_update_guide_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_update_guide_sync (QuorumSession *self, gint64 guide_id, const char *name,
                                            const char *markdown, gint64 expected_version,
                                            GCancellable *cancellable, GError **error);

void      quorum_session_list_guides_async (QuorumSession *self, gint64 project_id,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
JsonNode *quorum_session_list_guides_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_list_guides_sync (QuorumSession *self, gint64 project_id,
                                           GCancellable *cancellable, GError **error);

/* Jobs */
void      quorum_session_create_job_async (QuorumSession *self, gint64 project_id, JsonNode *settings,
                                           const gint64 *file_ids, guint n_files,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);
JsonNode *quorum_session_create_job_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_create_job_sync (QuorumSession *self, gint64 project_id, JsonNode *settings,
                                          const gint64 *file_ids, guint n_files,
                                          GCancellable *cancellable, GError **error);

void      quorum_session_add_job_files_async (QuorumSession *self, gint64 job_id, const gint64 *file_ids,
                                              guint n_files, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_add_job_files_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_add_job_files_sync (QuorumSession *self, gint64 job_id, const gint64 *file_ids,
                                             guint n_files, GCancellable *cancellable, GError **error);

void      quorum_session_remove_job_files_async (QuorumSession *self, gint64 job_id,
                                                 const gint64 *file_ids, guint n_files,
                                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                                 gpointer user_data);
JsonNode *quorum_session_remove_job_files_finish (QuorumSession *self, GAsyncResult *result,
                                                  GError **error);
JsonNode *quorum_session_remove_job_files_sync (QuorumSession *self, gint64 job_id,
                                                const gint64 *file_ids, guint n_files,
                                                GCancellable *cancellable, GError **error);

void      quorum_session_launch_job_async (QuorumSession *self, gint64 job_id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_launch_job_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_launch_job_sync (QuorumSession *self, gint64 job_id, GCancellable *cancellable,
                                          GError **error);

void      quorum_session_list_jobs_async (QuorumSession *self, gint64 project_id,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
JsonNode *quorum_session_list_jobs_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_list_jobs_sync (QuorumSession *self, gint64 project_id,
                                         GCancellable *cancellable, GError **error);

void      quorum_session_job_status_async (QuorumSession *self, gint64 job_id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_job_status_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_job_status_sync (QuorumSession *self, gint64 job_id, GCancellable *cancellable,
                                          GError **error);

void      quorum_session_list_tasks_async (QuorumSession *self, gint64 job_id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_list_tasks_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_list_tasks_sync (QuorumSession *self, gint64 job_id, GCancellable *cancellable,
                                          GError **error);

void      quorum_session_exam_results_async (QuorumSession *self, gint64 job_id,
                                             GCancellable *cancellable, GAsyncReadyCallback callback,
                                             gpointer user_data);
JsonNode *quorum_session_exam_results_finish (QuorumSession *self, GAsyncResult *result, GError **error);
JsonNode *quorum_session_exam_results_sync (QuorumSession *self, gint64 job_id,
                                            GCancellable *cancellable, GError **error);

/* Credentials */
void      quorum_session_list_credentials_async (QuorumSession *self, gint64 project_id,
                                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                                 gpointer user_data);
JsonNode *quorum_session_list_credentials_finish (QuorumSession *self, GAsyncResult *result,
                                                  GError **error);
JsonNode *quorum_session_list_credentials_sync (QuorumSession *self, gint64 project_id,
                                                GCancellable *cancellable, GError **error);

void      quorum_session_grant_credential_async (QuorumSession *self, gint64 credential_id, gint64 user_id,
                                                 const char *reason, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
JsonNode *quorum_session_grant_credential_finish (QuorumSession *self, GAsyncResult *result,
                                                  GError **error);
JsonNode *quorum_session_grant_credential_sync (QuorumSession *self, gint64 credential_id, gint64 user_id,
                                                const char *reason, GCancellable *cancellable,
                                                GError **error);

void      quorum_session_revoke_credential_async (QuorumSession *self, gint64 credential_id,
                                                  gint64 user_id, const char *reason,
                                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                                  gpointer user_data);
JsonNode *quorum_session_revoke_credential_finish (QuorumSession *self, GAsyncResult *result,
                                                   GError **error);
JsonNode *quorum_session_revoke_credential_sync (QuorumSession *self, gint64 credential_id,
                                                 gint64 user_id, const char *reason,
                                                 GCancellable *cancellable, GError **error);

/* Exports */
void      quorum_session_export_to_file_async (QuorumSession *self, gint64 job_id, const char *format,
                                               const char *versions, const char *path,
                                               GCancellable *cancellable, GAsyncReadyCallback callback,
                                               gpointer user_data);
gboolean  quorum_session_export_to_file_finish (QuorumSession *self, GAsyncResult *result, GError **error);
gboolean  quorum_session_export_to_file_sync (QuorumSession *self, gint64 job_id, const char *format,
                                              const char *versions, const char *path,
                                              GCancellable *cancellable, GError **error);
void      quorum_session_export_coco_to_file_async (QuorumSession *self, gint64 job_id, gboolean interpolated,
                                                    const char *path, GCancellable *cancellable,
                                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean  quorum_session_export_coco_to_file_finish (QuorumSession *self, GAsyncResult *result, GError **error);
gboolean  quorum_session_export_coco_to_file_sync (QuorumSession *self, gint64 job_id, gboolean interpolated,
                                                   const char *path, GCancellable *cancellable, GError **error);

/* Offline, with the core: no server. */
JsonNode *quorum_agreement_of_files (const char * const *paths, double threshold, GError **error);

G_END_DECLS
