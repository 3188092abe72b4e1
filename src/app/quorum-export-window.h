/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-client.h"

G_BEGIN_DECLS

/* A job's annotations saved to a file (GET /jobs/{id}/export, editors):
 * COCO with or without a video's interpolated frames, or the Quorum export
 * with every version or the outputs only; streamed to the file chosen with
 * its progress, the file replaced only once the whole export has arrived
 * (the same document `quorumctl export` writes). Emits "exported" with the
 * file, then closes; a refusal or a write error stays in the window as a
 * sentence, and closing it cancels the download. */

#define QUORUM_TYPE_EXPORT_WINDOW (quorum_export_window_get_type ())
G_DECLARE_FINAL_TYPE (QuorumExportWindow, quorum_export_window, QUORUM, EXPORT_WINDOW, AdwWindow)

QuorumExportWindow *quorum_export_window_new            (GtkWindow          *parent,
                                                         QuorumClient       *client,
                                                         gint64              job_id,
                                                         const char         *job_name);
/* "coco" or "quorum" */
void                quorum_export_window_set_format     (QuorumExportWindow *self,
                                                         const char         *format);
void                quorum_export_window_set_interpolated (QuorumExportWindow *self,
                                                         gboolean            interpolated);
void                quorum_export_window_set_all_versions (QuorumExportWindow *self,
                                                         gboolean            all_versions);
/* The route the chosen options ask for, under /api/v1. */
char               *quorum_export_window_get_api_path   (QuorumExportWindow *self);
/* The file name the chooser suggests ("Cars — coco.json"). */
char               *quorum_export_window_suggest_name   (QuorumExportWindow *self);
/* What choosing @file in the chooser does: starts the download to it. */
void                quorum_export_window_export_to      (QuorumExportWindow *self,
                                                         GFile              *file);
gboolean            quorum_export_window_is_busy        (QuorumExportWindow *self);
/* The error shown, or %NULL. */
const char         *quorum_export_window_get_error      (QuorumExportWindow *self);

G_END_DECLS
