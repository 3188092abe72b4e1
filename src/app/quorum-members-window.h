/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-window.h"

G_BEGIN_DECLS

/*
 * A project's people and credentials, in two pages. Members: each with their
 * role (GET /projects/{id}/members), a project admin changes it, removes a
 * member (with Undo, back with the old role) and adds one by user number, or
 * by name for a server administrator. Credentials: the project's, a new one,
 * and for a project admin who holds each one, since when, granted by whom
 * and why, and the revoked grants with who revoked them and why; granting by
 * hand and revoking take a reason the server keeps. What the caller's role
 * may not do is hidden; the server refuses it anyway.
 */

#define QUORUM_TYPE_MEMBERS_WINDOW (quorum_members_window_get_type ())
G_DECLARE_FINAL_TYPE (QuorumMembersWindow, quorum_members_window, QUORUM, MEMBERS_WINDOW, AdwWindow)

QuorumMembersWindow *quorum_members_window_new             (QuorumWindow        *window,
                                                            gint64               project,
                                                            const char          *project_name);
void                 quorum_members_window_refresh         (QuorumMembersWindow *self);
/* While a call to the server is on its way. */
gboolean             quorum_members_window_get_loading     (QuorumMembersWindow *self);
/* Whether the caller may change members and credentials (a project admin
 * or a server administrator), as the last refresh found. */
gboolean             quorum_members_window_get_can_manage  (QuorumMembersWindow *self);
/* The role shown for @user_id ("annotator"…), NULL when no member. */
const char          *quorum_members_window_get_member_role (QuorumMembersWindow *self,
                                                            gint64               user_id);
/* Chooses @role in @user_id's role menu, as a click would (which sends
 * it); FALSE when the row has no menu or @role is none. */
gboolean             quorum_members_window_choose_role     (QuorumMembersWindow *self,
                                                            gint64               user_id,
                                                            const char          *role);
/* Shows the page @page: "members" or "credentials". */
void                 quorum_members_window_show_page       (QuorumMembersWindow *self,
                                                            const char          *page);
/* The chosen credential; 0 when the project has none. */
gint64               quorum_members_window_get_credential  (QuorumMembersWindow *self);
gboolean             quorum_members_window_set_credential  (QuorumMembersWindow *self,
                                                            gint64               credential_id);
/* Chooses the member Grant gives the credential to; FALSE when @user_id is
 * no member without it. */
gboolean             quorum_members_window_set_grant_member (QuorumMembersWindow *self,
                                                             gint64               user_id);
/* The grant shown for @user_id of the chosen credential, current or
 * revoked, as the server gave it; NULL when none. */
JsonObject          *quorum_members_window_get_grant       (QuorumMembersWindow *self,
                                                            gint64               user_id);
/* The toast offering to undo the last removal or revocation, while it shows. */
AdwToast            *quorum_members_window_get_undo_toast  (QuorumMembersWindow *self);

G_END_DECLS
