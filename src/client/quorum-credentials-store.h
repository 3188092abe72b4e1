/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where quorumctl keeps sign-in tokens between runs: in the user's keyring
 * (the Secret Service on D-Bus) where one answers, else in
 * $XDG_CONFIG_HOME/quorum/credentials.json (mode 0600, its folder 0700),
 * keyed by server address. That file also remembers the server of the last
 * login and, for each server, the user name (never a password).
 * QUORUM_CREDENTIALS_STORE=file skips the keyring.
 */

/* Stores @token for @server (a normalized address) and makes @server the
 * last one used. */
gboolean quorum_credentials_store_save        (const char  *server,
                                               const char  *user,
                                               const char  *token,
                                               GError     **error);
/* The token stored for @server, or NULL; *@user (nullable) gets its user. */
char    *quorum_credentials_store_lookup      (const char  *server,
                                               char       **user);
/* Forgets @server's token wherever it is kept. */
gboolean quorum_credentials_store_forget      (const char  *server,
                                               GError     **error);
/* The server of the last login, or NULL. */
char    *quorum_credentials_store_last_server (void);
/* The file the store writes; for messages and tests. */
char    *quorum_credentials_store_file_path   (void);

G_END_DECLS
