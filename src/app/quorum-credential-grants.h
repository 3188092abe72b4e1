/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-window.h"

G_BEGIN_DECLS

/* A project admin's window on the project's credentials: who holds the
 * chosen one (GET /credentials/{id}/grants), granting it by hand to a
 * member, and revoking it with Undo. */

#define QUORUM_TYPE_CREDENTIAL_GRANTS (quorum_credential_grants_get_type ())
G_DECLARE_FINAL_TYPE (QuorumCredentialGrants, quorum_credential_grants, QUORUM, CREDENTIAL_GRANTS, AdwWindow)

QuorumCredentialGrants *quorum_credential_grants_new            (QuorumWindow           *window,
                                                                 gint64                  project_id,
                                                                 const char             *project_name);
void                    quorum_credential_grants_refresh        (QuorumCredentialGrants *self);
/* While a call to the server is on its way. */
gboolean                quorum_credential_grants_get_loading    (QuorumCredentialGrants *self);
/* The chosen credential; 0 when the project has none. */
gint64                  quorum_credential_grants_get_credential (QuorumCredentialGrants *self);
gboolean                quorum_credential_grants_set_credential (QuorumCredentialGrants *self,
                                                                 gint64                  credential_id);
/* Chooses the member Grant gives the credential to; FALSE when @user_id is
 * no member without it. */
gboolean                quorum_credential_grants_set_member     (QuorumCredentialGrants *self,
                                                                 gint64                  user_id);
/* The holders shown, by user id. */
GArray                 *quorum_credential_grants_get_holders    (QuorumCredentialGrants *self);
/* The toast offering to undo the last revocation, while it shows. */
AdwToast               *quorum_credential_grants_get_undo_toast (QuorumCredentialGrants *self);

G_END_DECLS
