/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns what a user types ("localhost:8080", "https://q.example.org/") into
 * the canonical base address ("http://localhost:8080"), or fails naming what
 * is wrong with it. Only http and https are accepted. */
char *quorum_server_address_normalize (const char  *text,
                                       GError     **error);

G_END_DECLS
