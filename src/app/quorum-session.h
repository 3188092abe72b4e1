/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "quorum-cache.h"
#include "quorum-client.h"
#include "quorum-sync.h"

G_BEGIN_DECLS

/*
 * One signed-in user on one server, as the app holds them: the API client
 * with its token, the user's offline cache and the sync engine sending it.
 * Signing in and out go through here so that the token reaches the
 * credentials store and the cache is opened off the main thread.
 */

#define QUORUM_TYPE_SESSION (quorum_session_get_type ())

G_DECLARE_FINAL_TYPE (QuorumSession, quorum_session, QUORUM, SESSION, GObject)

/* POST /login with @password, then stores the token and opens the cache.
 * @server is what the user typed. */
void           quorum_session_sign_in_async         (const char           *server,
                                                     const char           *user,
                                                     const char           *password,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
QuorumSession *quorum_session_sign_in_finish        (GAsyncResult         *result,
                                                     GError              **error);

/* Resumes the session the credentials store holds for @server and @user:
 * fails with QUORUM_ERROR_UNAUTHORIZED when it holds none or the server
 * refuses the token. A server that does not answer is no failure: the
 * session opens offline on the cache. With @next_job > 0 the next task of
 * that job is asked for at once (quorum_session_take_next_task()). */
void           quorum_session_restore_async         (const char           *server,
                                                     const char           *user,
                                                     gint64                next_job,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
QuorumSession *quorum_session_restore_finish        (GAsyncResult         *result,
                                                     GError              **error);
void           quorum_session_prepare_restore       (const char           *server,
                                                     const char           *user,
                                                     gint64                next_job);
gboolean       quorum_session_take_next_task        (QuorumSession        *self,
                                                     gint64                job_id,
                                                     JsonNode            **task,
                                                     GError              **error);

/* POST /jobs/{@job_id}/next, of @kind ("draw", "review", "consensus") or of
 * any kind when @kind is %NULL. */
void           quorum_session_next_task_async       (QuorumSession        *self,
                                                     gint64                job_id,
                                                     const char           *kind,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
JsonNode      *quorum_session_next_task_finish      (QuorumSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* Signs in again after the server ended the session (QuorumSync::signed-out):
 * the new token goes to the sync engine, which resumes. */
void           quorum_session_reauthenticate_async  (QuorumSession        *self,
                                                     const char           *password,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean       quorum_session_reauthenticate_finish (QuorumSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* Ends the session on the server (when it answers) and forgets the token.
 * The cache, with any unsent work, stays on disk for the next sign-in. */
void           quorum_session_sign_out_async        (QuorumSession        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean       quorum_session_sign_out_finish       (QuorumSession        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

const char    *quorum_session_get_server            (QuorumSession        *self);
const char    *quorum_session_get_user              (QuorumSession        *self);
QuorumClient  *quorum_session_get_client            (QuorumSession        *self);
QuorumCache   *quorum_session_get_cache             (QuorumSession        *self);
QuorumSync    *quorum_session_get_sync              (QuorumSession        *self);

char          *quorum_session_describe_error        (const GError         *error);

void           quorum_session_set_watching          (QuorumSession        *self,
                                                     gboolean              watching);
gboolean       quorum_session_get_reachable         (QuorumSession        *self);

G_END_DECLS
