/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * QuorumPasswordPool:
 *
 * Where password hashing and checking run: a few threads of their own with a
 * bounded queue. Each argon2id check takes tens of milliseconds and 64 MiB;
 * run in GLib's shared GTask pool, a burst of logins would take every
 * thread the disk syncs need and a block of memory per login. Here at most
 * the pool's threads hash at once, and a job that finds the queue full is
 * refused at once, holding nothing.
 */
typedef struct _QuorumPasswordPool QuorumPasswordPool;

QuorumPasswordPool *quorum_password_pool_new        (guint               threads,
                                                     guint               max_queued);
void                quorum_password_pool_free       (QuorumPasswordPool *pool);
/* Changes apply to the jobs pushed from then on. */
void                quorum_password_pool_set_limits (QuorumPasswordPool *pool,
                                                     guint               threads,
                                                     guint               max_queued);
/* Whether the queue is full: then answer “busy” at once and let the client
 * come back, before making a task that would never run. */
gboolean            quorum_password_pool_is_full    (QuorumPasswordPool *pool);
/* Runs @func (@task, its source object, its task data, NULL) on a thread of
 * the pool; @func returns the task's result, which is delivered on the
 * task's main context as usual. Only when the pool is not full. */
void                quorum_password_pool_push       (QuorumPasswordPool *pool,
                                                     GTask              *task,
                                                     GTaskThreadFunc     func);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumPasswordPool, quorum_password_pool_free)

G_END_DECLS
