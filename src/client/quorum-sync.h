/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "quorum-cache.h"
#include "quorum-client.h"

G_BEGIN_DECLS

/*
 * The sync engine (docs/offline.md): sends a QuorumCache's outbox to the
 * server in order, on the caller's main context, whenever the server answers.
 * It never drops the user's work: a network failure is retried with backoff
 * (and at once when a network comes up), a stale version becomes a conflict
 * copy the user resolves, an expired session waits for a new token.
 */

#define QUORUM_TYPE_SYNC (quorum_sync_get_type ())

G_DECLARE_FINAL_TYPE (QuorumSync, quorum_sync, QUORUM, SYNC, GObject)

typedef enum {
  QUORUM_SYNC_SYNCED,      /* nothing waits */
  QUORUM_SYNC_PENDING,     /* work waits or is on its way */
  QUORUM_SYNC_OFFLINE,     /* the server did not answer; retrying */
  QUORUM_SYNC_CONFLICT,    /* a task waits for the user's choice */
  QUORUM_SYNC_SIGNED_OUT,  /* the session expired; waiting for a new token */
} QuorumSyncState;

#define QUORUM_TYPE_SYNC_STATE (quorum_sync_state_get_type ())
GType quorum_sync_state_get_type (void);

/* Called as "Download for offline" goes: @done steps of @total. */
typedef void (*QuorumSyncProgress) (guint    done,
                                    guint    total,
                                    gpointer user_data);

/* The backoff after a network failure: 1 s, doubling, at most 5 s: a
 * server back after a restart hears from us within seconds, and a try at a
 * server that is down costs one refused connection. */
#define QUORUM_SYNC_FIRST_RETRY 1
#define QUORUM_SYNC_LAST_RETRY  5

QuorumSync      *quorum_sync_new              (QuorumClient          *client,
                                               QuorumCache           *cache);
QuorumClient    *quorum_sync_get_client       (QuorumSync            *sync);
QuorumCache     *quorum_sync_get_cache        (QuorumSync            *sync);
QuorumSyncState  quorum_sync_get_state        (QuorumSync            *sync);
/* Operations in the outbox. */
guint            quorum_sync_get_pending      (QuorumSync            *sync);
/* Seconds until the next try after a failure, 0 when none is planned. */
guint            quorum_sync_get_retry_delay  (QuorumSync            *sync);

/* Sends now (the app's "Retry" button, a submit), without waiting for the
 * backoff or the send delay. */
void             quorum_sync_retry_now        (QuorumSync            *sync);
/* Seconds an edit waits in the outbox before it is sent (0, the default:
 * at once). The edit is in the cache, durable, from the start. */
void             quorum_sync_set_send_delay   (QuorumSync            *sync,
                                               guint                  seconds);
guint            quorum_sync_get_send_delay   (QuorumSync            *sync);
/* After a sign-in: gives the client the new token and resumes. */
void             quorum_sync_set_token        (QuorumSync            *sync,
                                               const char            *token);
/* Ends the conflict of @task_id as the user chose; the work goes out (keep
 * mine), the server's instances are fetched (take server) or the work is
 * set aside (keep a copy). The conflict copy stays in the cache either way
 * and the task's refused operations are not sent again. */
gboolean         quorum_sync_resolve_conflict (QuorumSync            *sync,
                                               gint64                 task_id,
                                               QuorumConflictChoice   choice,
                                               GError               **error);

/* "Download for offline": the caller's tasks of @job_id (GET /me/tasks; when
 * they hold none, one POST /jobs/{id}/next), each task's view, its guide and
 * its file's content into the media cache. */
void             quorum_sync_download_job_async  (QuorumSync          *sync,
                                                  gint64               job_id,
                                                  QuorumSyncProgress   progress,
                                                  gpointer             progress_data,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         quorum_sync_download_job_finish (QuorumSync          *sync,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
