/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-export-window.h"
#include "quorum-stats-item.h"
#include "quorum-window.h"

G_BEGIN_DECLS

/* How a job goes and how its annotators do (GET /jobs/{id}/stats), for the
 * project's admins and trainers: tasks by state and progress, each file's
 * agreement, each annotator's figures in a sortable table with a chart,
 * the table's CSV export, the job's annotations exported, and for a project admin one more labeller on a
 * file of a consensus job (POST /jobs/{id}/files/{file}/readers). */

#define QUORUM_TYPE_JOB_OVERVIEW (quorum_job_overview_get_type ())
G_DECLARE_FINAL_TYPE (QuorumJobOverview, quorum_job_overview, QUORUM, JOB_OVERVIEW, AdwWindow)

/* @can_assign: the caller is an admin of the job's project @project. */
QuorumJobOverview *quorum_job_overview_new           (QuorumWindow      *window,
                                                      gint64             job_id,
                                                      const char        *job_name,
                                                      gint64             project,
                                                      gboolean           can_assign);
gint64             quorum_job_overview_get_job       (QuorumJobOverview *self);
void               quorum_job_overview_refresh       (QuorumJobOverview *self);
/* The last GET /jobs/{id}/stats reply, or %NULL before one came. */
JsonObject        *quorum_job_overview_get_stats     (QuorumJobOverview *self);
/* Of QuorumStatsItem, in the order their tables show them. */
GListModel        *quorum_job_overview_get_annotators (QuorumJobOverview *self);
GListModel        *quorum_job_overview_get_files     (QuorumJobOverview *self);
void               quorum_job_overview_select_file   (QuorumJobOverview *self,
                                                      guint              position);
/* The ids of the columns the annotators' table shows, in order (the exam's
 * only in an exam). */
GStrv              quorum_job_overview_get_columns   (QuorumJobOverview *self);
/* "Draw guide: NAME, version N" and "Review guide: …", a line each, for
 * the guides a GET /jobs/{id} reply names; "" for none. */
char              *quorum_job_overview_describe_guides (JsonObject      *job);
/* What the overview says of the job's guides ("" until GET /jobs/{id}). */
const char        *quorum_job_overview_get_guides_text (QuorumJobOverview *self);
/* What the table shows in @column for @item; "—" when there is no data. */
char              *quorum_job_overview_format_cell   (QuorumStatsItem   *item,
                                                      const char        *column);
/* The annotators' table as CSV (RFC 4180): the titles of the columns it
 * shows, then its rows in the order shown, each cell as shown, a cell
 * without data empty. */
char              *quorum_job_overview_to_csv        (QuorumJobOverview *self);
void               quorum_job_overview_save_csv_async  (QuorumJobOverview  *self,
                                                        GFile              *file,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
gboolean           quorum_job_overview_save_csv_finish (QuorumJobOverview  *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);
/* Opens the job's Export Annotations window over the overview (what
 * overview.export-annotations does); a toast says where it was saved. */
QuorumExportWindow *quorum_job_overview_export_annotations (QuorumJobOverview *self);
/* Installs win.job-overview (the job's id) on the main window's class. */
void               quorum_job_overview_install_action (GtkWidgetClass   *window_class);

G_END_DECLS
