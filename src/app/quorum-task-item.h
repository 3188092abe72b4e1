/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One of the user's tasks in the task list: a row of GET /me/tasks. */

#define QUORUM_TYPE_TASK_ITEM (quorum_task_item_get_type ())
G_DECLARE_FINAL_TYPE (QuorumTaskItem, quorum_task_item, QUORUM, TASK_ITEM, GObject)

QuorumTaskItem *quorum_task_item_new           (JsonObject     *row);
gint64          quorum_task_item_get_id        (QuorumTaskItem *self);
gint64          quorum_task_item_get_job       (QuorumTaskItem *self);
const char     *quorum_task_item_get_job_name  (QuorumTaskItem *self);
/* Whether the task belongs to an exam (the row's job_type). */
gboolean        quorum_task_item_is_exam       (QuorumTaskItem *self);
gint64          quorum_task_item_get_file      (QuorumTaskItem *self);
const char     *quorum_task_item_get_file_name (QuorumTaskItem *self);
const char     *quorum_task_item_get_kind      (QuorumTaskItem *self);
const char     *quorum_task_item_get_state     (QuorumTaskItem *self);
void            quorum_task_item_set_state     (QuorumTaskItem *self,
                                                const char     *state);
/* "Draw · In progress" ("Exam · Draw · In progress"), for people. */
char           *quorum_task_item_describe      (QuorumTaskItem *self);
GdkPaintable   *quorum_task_item_get_thumbnail (QuorumTaskItem *self);
void            quorum_task_item_set_thumbnail (QuorumTaskItem *self,
                                                GdkPaintable   *thumbnail);

G_END_DECLS
