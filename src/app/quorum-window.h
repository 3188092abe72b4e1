/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-application.h"
#include "quorum-credentials-window.h"
#include "quorum-exam-catalogue.h"
#include "quorum-market-watch.h"
#include "quorum-session.h"
#include "quorum-video-task.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_WINDOW (quorum_window_get_type ())
G_DECLARE_FINAL_TYPE (QuorumWindow, quorum_window, QUORUM, WINDOW, AdwApplicationWindow)

QuorumWindow  *quorum_window_new             (QuorumApplication *application);
void           quorum_window_set_server      (QuorumWindow      *self,
                                              const char        *address);
void           quorum_window_sign_in         (QuorumWindow      *self);
/* Signs in with the token the credentials store holds for @server and
 * @user; without one the start page stays, filled in. */
void           quorum_window_restore_session (QuorumWindow      *self,
                                              const char        *server,
                                              const char        *user);
/* Once signed in, take and open the next task of @job_id (0: none). */
void           quorum_window_set_open_next   (QuorumWindow      *self,
                                              gint64             job_id);
QuorumSession *quorum_window_get_session     (QuorumWindow      *self);
void           quorum_window_open_task       (QuorumWindow      *self,
                                              gint64             task_id);
/* The task shown on the canvas, 0 when none. */
gint64         quorum_window_get_task        (QuorumWindow      *self);
/* The open video task's frames and tracks (nothing open: no source). */
QuorumVideoTask *quorum_window_get_video_task (QuorumWindow     *self);
/* The exam catalogue (win.exams) and My Credentials (win.credentials)
 * while they are open, else NULL. */
QuorumExamCatalogue     *quorum_window_get_exam_catalogue     (QuorumWindow *self);
QuorumCredentialsWindow *quorum_window_get_credentials_window (QuorumWindow *self);
/* The market watch of the signed-in session (win.market opens the market). */
QuorumMarketWatch       *quorum_window_get_market_watch       (QuorumWindow *self);
GtkWindow               *quorum_window_get_market_window      (QuorumWindow *self);

G_END_DECLS
