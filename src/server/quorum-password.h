/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QUORUM_PASSWORD_MIN_LENGTH 8

gboolean quorum_password_init   (GError     **error);
/* Whether @password is long enough to be set; the error names @field. */
gboolean quorum_password_check  (const char  *field,
                                 const char  *password,
                                 GError     **error);
/* argon2id with libsodium's interactive limits; QUORUM_PWHASH_FAST=1 in the
 * environment uses the minimum limits so that tests stay fast. */
char    *quorum_password_hash   (const char  *password,
                                 GError     **error);
gboolean quorum_password_verify (const char  *hash,
                                 const char  *password);
/* 32 random bytes, hex: what a client presents as its bearer token. */
char    *quorum_token_new       (void);
/* What the store keeps of a token: its SHA-256, hex. */
char    *quorum_token_hash      (const char  *token);

G_END_DECLS
