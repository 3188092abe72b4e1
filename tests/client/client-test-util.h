/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "quorum-client.h"

/* What the client tests share: a launcher for the real quorum-server (it
 * dies with the test, hashes passwords fast), a folder's removal, waiting
 * on the main loop, and calls that must succeed. */

GSubprocessLauncher *launcher_new (GSubprocessFlags flags);
void                 remove_tree  (const char      *path);
/* Runs the default main context until @done holds or @seconds pass. */
gboolean             wait_until   (gboolean       (*done) (gpointer),
                                   gpointer         data,
                                   guint            seconds);
/* Runs the default main context for @milliseconds. */
void                 iterate      (guint            milliseconds);
/* @method @path with @body (JSON text or NULL); a failure ends the test. */
JsonNode            *call         (QuorumClient    *client,
                                   const char      *method,
                                   const char      *path,
                                   const char      *body);
/* The same, for the "id" of what the call made. */
gint64               call_id      (QuorumClient    *client,
                                   const char      *method,
                                   const char      *path,
                                   const char      *body);

/* A quorum-server on @data_dir listening on 127.0.0.1:@port (0: any port,
 * then set), its address in @address; with `--token-lifetime` unless NULL.
 * Waits for a port used a moment ago to be free again. */
GSubprocess         *start_server (const char      *data_dir,
                                   guint           *port,
                                   char           **address,
                                   const char      *token_lifetime);
/* Kills the server at once (as a crash would) and waits for it. */
void                 stop_server  (GSubprocess    **process);
