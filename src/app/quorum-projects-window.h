/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-window.h"

G_BEGIN_DECLS

/* Where a project is run from: the projects the caller is a member of
 * (every one for a server administrator, who also creates them), each with
 * the tools the caller's role there may use — files, label schema, guides,
 * a new job, members and credentials — and the project's jobs, each
 * opening its overview. A tool the role may not use is not shown; the
 * server refuses it all the same. */

#define QUORUM_TYPE_PROJECTS_WINDOW (quorum_projects_window_get_type ())
G_DECLARE_FINAL_TYPE (QuorumProjectsWindow, quorum_projects_window, QUORUM, PROJECTS_WINDOW, AdwWindow)

QuorumProjectsWindow *quorum_projects_window_new            (QuorumWindow         *window);
void                  quorum_projects_window_refresh        (QuorumProjectsWindow *self);
/* While a call to the server is on its way. */
gboolean              quorum_projects_window_get_loading    (QuorumProjectsWindow *self);
guint                 quorum_projects_window_get_n_projects (QuorumProjectsWindow *self);
/* The id of the project named @name; 0 when there is none. */
gint64                quorum_projects_window_find_project   (QuorumProjectsWindow *self,
                                                             const char           *name);
/* What the New Project dialog's Create does; @org 0 for none. */
void                  quorum_projects_window_create_project (QuorumProjectsWindow *self,
                                                             const char           *name,
                                                             gint64                org);
/* Whether @project's row shows the tool @tool ("files", "labels",
 * "guides", "new-job", "members"), which the caller's role allows. */
gboolean              quorum_projects_window_has_tool       (QuorumProjectsWindow *self,
                                                             gint64                project,
                                                             const char           *tool);
/* Opens @tool of @project as its row does; the window, or NULL when the
 * row does not show it. */
GtkWindow            *quorum_projects_window_open_tool      (QuorumProjectsWindow *self,
                                                             gint64                project,
                                                             const char           *tool);

G_END_DECLS
