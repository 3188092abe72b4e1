/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-session.h"

G_BEGIN_DECLS

/*
 * The signed-in user's credentials (GET /users/{me}/credentials): each with
 * its issuer, a project or an organization, and when it was granted. The last
 * reply is kept in the cache, so that the list shows offline.
 */

#define QUORUM_TYPE_CREDENTIALS_WINDOW (quorum_credentials_window_get_type ())

G_DECLARE_FINAL_TYPE (QuorumCredentialsWindow, quorum_credentials_window, QUORUM, CREDENTIALS_WINDOW, AdwWindow)

/* @parent is the main window: the empty state's button opens its exam
 * catalogue (win.exams). */
QuorumCredentialsWindow *quorum_credentials_window_new        (GtkWindow               *parent,
                                                               QuorumSession           *session);
void                     quorum_credentials_window_refresh    (QuorumCredentialsWindow *self);
gboolean                 quorum_credentials_window_is_loaded  (QuorumCredentialsWindow *self);
guint                    quorum_credentials_window_get_n_credentials (QuorumCredentialsWindow *self);
/* The row shown for the @position-th credential: "Street annotator", and
 * "Issued by Street scenes · 4 December 2026". */
const char              *quorum_credentials_window_get_title    (QuorumCredentialsWindow *self,
                                                                 guint                    position);
const char              *quorum_credentials_window_get_subtitle (QuorumCredentialsWindow *self,
                                                                 guint                    position);

G_END_DECLS
