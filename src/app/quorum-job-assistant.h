/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "quorum-window.h"

G_BEGIN_DECLS

/* A project editor's assistant for a new job, in three steps: its settings
 * (every job setting of docs/formats.md#job-settings, the guides and
 * credentials the project has), its files (GET /projects/{id}/files, chosen
 * with a filter), and a summary with Create Draft (POST /projects/{id}/jobs)
 * and Create and Launch (then POST /jobs/{id}/launch). Combinations the
 * server would refuse or that make no job are said in sentences before
 * anything is sent; a refusal the server still gives shows next to the
 * field it names. Once created it emits "job-created" with the job's id,
 * opens the job's overview and closes. */

#define QUORUM_TYPE_JOB_ASSISTANT (quorum_job_assistant_get_type ())
G_DECLARE_FINAL_TYPE (QuorumJobAssistant, quorum_job_assistant, QUORUM, JOB_ASSISTANT, AdwWindow)

QuorumJobAssistant *quorum_job_assistant_new              (QuorumWindow       *window,
                                                          gint64              project,
                                                          const char         *project_name);
void                quorum_job_assistant_refresh          (QuorumJobAssistant *self);
/* While a call to the server is on its way. */
gboolean            quorum_job_assistant_get_loading      (QuorumJobAssistant *self);
/* The step shown: "settings", "files" or "review"; "loading" or "error"
 * before the project is read. */
const char         *quorum_job_assistant_get_step         (QuorumJobAssistant *self);
/* The job settings Create would send (docs/formats.md#job-settings). */
JsonNode           *quorum_job_assistant_build_settings   (QuorumJobAssistant *self);
/* Why the job cannot be created (or launched) as it is, a sentence each;
 * empty when nothing stands in the way. */
GPtrArray          *quorum_job_assistant_list_problems    (QuorumJobAssistant *self);
/* The check button of a project credential, in the required (or, for an
 * exam, awarded) list; %NULL when the project has no credential @name. */
GtkCheckButton     *quorum_job_assistant_get_credential_check (QuorumJobAssistant *self,
                                                              gboolean            awarded,
                                                              const char         *name);
/* The entry for credentials by name that are not the project's own. */
GtkEditable        *quorum_job_assistant_get_other_credentials (QuorumJobAssistant *self,
                                                               gboolean            awarded);
/* The check button of the project's file @file; %NULL when there is none. */
GtkCheckButton     *quorum_job_assistant_get_file_check   (QuorumJobAssistant *self,
                                                          gint64              file);
/* The ids of the files chosen, in the project's order. */
GArray             *quorum_job_assistant_get_chosen_files (QuorumJobAssistant *self);
/* The job created, or 0 before one is. */
gint64              quorum_job_assistant_get_created_job  (QuorumJobAssistant *self);

G_END_DECLS
