/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-job-item.h"
#include "quorum-session.h"
#include "quorum-task-item.h"

G_BEGIN_DECLS

/* The size task thumbnails are made at, in pixels. */
#define QUORUM_THUMBNAIL_WIDTH  96
#define QUORUM_THUMBNAIL_HEIGHT 72

/* The left pane: the jobs open to the user with their tasks under them,
 * from GET /jobs and GET /me/tasks (the cached list offline), thumbnails
 * from the media cache. Emits ::task-activated when the user picks a task
 * and ::message with a sentence for the window to show. */

#define QUORUM_TYPE_TASK_LIST (quorum_task_list_get_type ())
G_DECLARE_FINAL_TYPE (QuorumTaskList, quorum_task_list, QUORUM, TASK_LIST, GtkWidget)

/* The session whose tasks are listed; %NULL empties the list. */
void            quorum_task_list_set_session (QuorumTaskList *self,
                                              QuorumSession  *session);
void            quorum_task_list_refresh     (QuorumTaskList *self);
/* Selects the row of @task_id (0: none) without ::task-activated, now and
 * after every refresh. */
void            quorum_task_list_select_task (QuorumTaskList *self,
                                              gint64          task_id);
/* The listed task or job, owned by the list; %NULL when not listed. */
QuorumTaskItem *quorum_task_list_find_task   (QuorumTaskList *self,
                                              gint64          task_id);
QuorumJobItem  *quorum_task_list_find_job    (QuorumTaskList *self,
                                              gint64          job_id);

gint64          quorum_task_list_get_next_job (QuorumTaskList *self);
/* "Done": the user's finished tasks (GET /me/tasks?state=done) instead of
 * their work; setting it refreshes the list. */
gboolean        quorum_task_list_get_show_done (QuorumTaskList *self);
void            quorum_task_list_set_show_done (QuorumTaskList *self,
                                                gboolean        show_done);

G_END_DECLS
