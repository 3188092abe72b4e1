/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-window.h"

G_BEGIN_DECLS

/* A project's Files window: its images and videos as a grid of thumbnails
 * (GET /projects/{id}/files; which are in a job from its jobs), searched by
 * name and filtered by job and ground truth; and, for the roles the server
 * lets upload (editor, admin), files added by drag and drop or chosen,
 * folders walked for their images and videos, sent four at a time as
 * `quorumctl file upload` sends them (POST /projects/{id}/files), with a
 * progress bar, Cancel, and a sentence per file the server refused or
 * already had. */

#define QUORUM_TYPE_FILE_BROWSER (quorum_file_browser_get_type ())
G_DECLARE_FINAL_TYPE (QuorumFileBrowser, quorum_file_browser, QUORUM, FILE_BROWSER, AdwWindow)

QuorumFileBrowser *quorum_file_browser_new            (QuorumWindow      *window,
                                                       gint64             project,
                                                       const char        *project_name);
void               quorum_file_browser_refresh        (QuorumFileBrowser *self);
/* Uploads @files (of GFile): what a drop or the file choosers do. A folder
 * stands for its images and videos and those of its folders, hidden ones
 * aside; a file given itself goes whatever it is (the server says why it
 * refuses it). Each file goes once in a batch; files added while a batch
 * runs join it. */
void               quorum_file_browser_add_files      (QuorumFileBrowser *self,
                                                       GListModel        *files);
/* Stops the batch: files under way and waiting are not sent. */
void               quorum_file_browser_cancel_upload  (QuorumFileBrowser *self);

/* While a call to the server is on its way (not counting uploads). */
gboolean           quorum_file_browser_get_loading    (QuorumFileBrowser *self);
/* While a batch is walked or sent. */
gboolean           quorum_file_browser_get_uploading  (QuorumFileBrowser *self);
/* The files of the last batch found so far, walks done. */
guint              quorum_file_browser_get_n_batch    (QuorumFileBrowser *self);
/* Whether the caller's role lets them upload (the buttons show). */
gboolean           quorum_file_browser_get_can_upload (QuorumFileBrowser *self);
/* The project's files, and those the search and filters let through (of
 * QuorumFileItem, in upload order). */
GListModel        *quorum_file_browser_get_files      (QuorumFileBrowser *self);
GListModel        *quorum_file_browser_get_visible    (QuorumFileBrowser *self);
guint              quorum_file_browser_get_n_visible  (QuorumFileBrowser *self);
/* The last batch's sentences: a file refused and why, one the project
 * already had; and its summary ("4 files: 3 added, 1 refused."). */
GPtrArray         *quorum_file_browser_list_notes     (QuorumFileBrowser *self);
const char        *quorum_file_browser_get_summary    (QuorumFileBrowser *self);
/* The search and filters, as the window shows them. */
GtkEditable       *quorum_file_browser_get_search     (QuorumFileBrowser *self);
GtkDropDown       *quorum_file_browser_get_job_filter (QuorumFileBrowser *self);
GtkToggleButton   *quorum_file_browser_get_truth_filter (QuorumFileBrowser *self);

G_END_DECLS
