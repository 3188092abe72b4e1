/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-session.h"

G_BEGIN_DECLS

/* The start page: the server, user and password form, the servers signed
 * in to before, and the sign-in itself. Emits ::signed-in with the new
 * session; the window takes it from there. */

#define QUORUM_TYPE_SIGN_IN_PAGE (quorum_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (QuorumSignInPage, quorum_sign_in_page, QUORUM, SIGN_IN_PAGE, GtkWidget)

/* Signs in with the form; errors are shown on it. */
void  quorum_sign_in_page_sign_in        (QuorumSignInPage *self);
/* Signs in with the token stored for @server and @user; without one the
 * form stays, filled in. @next_job > 0: its next task is asked for at once
 * (quorum_session_take_next_task()). */
void  quorum_sign_in_page_restore        (QuorumSignInPage *self,
                                          const char       *server,
                                          const char       *user,
                                          gint64            next_job);
/* Offers @address, as `quorum --server` does. */
void  quorum_sign_in_page_set_server     (QuorumSignInPage *self,
                                          const char       *address);
/* Records @session's server and user as the last and the known ones. */
void  quorum_sign_in_page_remember       (QuorumSignInPage *self,
                                          QuorumSession    *session);
/* After signing out: the form with @server and @user, the password empty
 * and focused. */
void  quorum_sign_in_page_reset          (QuorumSignInPage *self,
                                          const char       *server,
                                          const char       *user);
/* What a user can do about a failed sign-in, in a sentence. */
char *quorum_sign_in_page_describe_error (const GError     *error);

G_END_DECLS
