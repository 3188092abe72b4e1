/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A row of the task list: a job's header (with its Next Task menu and the
 * progress of a download) or one of the user's tasks under it. */

#define QUORUM_TYPE_TASK_ROW (quorum_task_row_get_type ())
G_DECLARE_FINAL_TYPE (QuorumTaskRow, quorum_task_row, QUORUM, TASK_ROW, GtkWidget)

GtkWidget *quorum_task_row_new          (void);
/* @row: (nullable): a row of the list's GtkTreeListModel */
void       quorum_task_row_set_list_row (QuorumTaskRow  *self,
                                         GtkTreeListRow *row);

G_END_DECLS
