/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "config.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "quorum-password-pool.h"

struct _QuorumPasswordPool
{
  GThreadPool *threads;
  guint        max_queued;
};

typedef struct {
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

/* A hashing thread yields the processor to the main loop and the disk
 * syncs: under a flood of logins the two cores stay busy hashing, and a
 * signed-in request must still be answered at once. Linux lets a thread
 * have a niceness of its own. */
static void
lower_priority (void)
{
#ifdef __linux__
  static GPrivate lowered;

  if (g_private_get (&lowered) == NULL)
    {
      if (setpriority (PRIO_PROCESS, (id_t) gettid (), 10) != 0)
        g_debug ("could not lower the priority of a password thread");
      g_private_set (&lowered, GINT_TO_POINTER (TRUE));
    }
#endif
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  lower_priority ();
  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task), NULL);
  g_object_unref (job->task);
  g_free (job);
}

QuorumPasswordPool *
quorum_password_pool_new (guint threads,
                          guint max_queued)
{
  QuorumPasswordPool *pool = g_new0 (QuorumPasswordPool, 1);

  /* Exclusive: its threads run at a lower priority (lower_priority), and
   * GLib hands the idle threads of shared pools to other pools, GTask's
   * disk syncs among them, which must not inherit it. */
  pool->threads = g_thread_pool_new (run_job, pool, (gint) MAX (threads, 1), TRUE, NULL);
  pool->max_queued = MAX (max_queued, 1);
  return pool;
}

void
quorum_password_pool_set_limits (QuorumPasswordPool *pool,
                                 guint               threads,
                                 guint               max_queued)
{
  g_thread_pool_set_max_threads (pool->threads, (gint) MAX (threads, 1), NULL);
  pool->max_queued = MAX (max_queued, 1);
}

gboolean
quorum_password_pool_is_full (QuorumPasswordPool *pool)
{
  /* Only the jobs waiting count: the running ones are bounded by the
   * threads. A queued job holds a password and a hash string, no more. */
  return g_thread_pool_unprocessed (pool->threads) >= pool->max_queued;
}

void
quorum_password_pool_push (QuorumPasswordPool *pool,
                           GTask              *task,
                           GTaskThreadFunc     func)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (pool->threads, job, NULL);
}

void
quorum_password_pool_free (QuorumPasswordPool *pool)
{
  if (pool == NULL)
    return;
  /* Every job pushed holds the server through its request, so none is left
   * when the server goes; wait for the threads to end all the same. */
  g_thread_pool_free (pool->threads, FALSE, TRUE);
  g_free (pool);
}
