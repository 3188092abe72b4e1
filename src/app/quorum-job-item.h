/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "quorum-task-item.h"

G_BEGIN_DECLS

/* A job in the task list: its header row and the user's tasks under it. */

#define QUORUM_TYPE_JOB_ITEM (quorum_job_item_get_type ())
G_DECLARE_FINAL_TYPE (QuorumJobItem, quorum_job_item, QUORUM, JOB_ITEM, GObject)

QuorumJobItem *quorum_job_item_new          (gint64         id,
                                             const char    *name,
                                             const char    *role);
gint64         quorum_job_item_get_id       (QuorumJobItem *self);
const char    *quorum_job_item_get_name     (QuorumJobItem *self);
const char    *quorum_job_item_get_role     (QuorumJobItem *self);
/* From GET /jobs; 0, %NULL and "normal" for a job known from its tasks only. */
void           quorum_job_item_set_project  (QuorumJobItem *self,
                                             gint64         project,
                                             const char    *project_name);
gint64         quorum_job_item_get_project  (QuorumJobItem *self);
const char    *quorum_job_item_get_project_name (QuorumJobItem *self);
void           quorum_job_item_set_job_type (QuorumJobItem *self,
                                             const char    *type);
gboolean       quorum_job_item_is_exam      (QuorumJobItem *self);
/* Of QuorumTaskItem. */
GListStore    *quorum_job_item_get_tasks    (QuorumJobItem *self);
/* Of "Download for offline", 0 to 1; -1 when none is running. */
double         quorum_job_item_get_progress (QuorumJobItem *self);
void           quorum_job_item_set_progress (QuorumJobItem *self,
                                             double         progress);

void           quorum_job_item_set_counts   (QuorumJobItem *self,
                                             JsonObject    *listed);
/* What waits for the user by kind and the job's tasks done out of all;
 * FALSE when the server gave no counts (offline). */
gboolean       quorum_job_item_get_counts   (QuorumJobItem *self,
                                             guint         *draw,
                                             guint         *review,
                                             guint         *consensus,
                                             guint         *done,
                                             guint         *total);
gboolean       quorum_job_item_has_own_work (QuorumJobItem *self);
char          *quorum_job_item_describe_waiting (QuorumJobItem *self);

G_END_DECLS
