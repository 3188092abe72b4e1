/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * QuorumStore:
 *
 * The server's persistence. Today one SQLite file in the data directory (WAL,
 * synchronous=FULL, foreign keys on) with versioned migrations; the interface
 * is kept narrow so that a PostgreSQL backend can stand beside it.
 */
typedef struct _QuorumStore QuorumStore;

QuorumStore *quorum_store_open           (const char  *data_dir,
                                          GError     **error);
void         quorum_store_close          (QuorumStore *store);
int          quorum_store_schema_version (QuorumStore *store);
const char  *quorum_store_get_path       (QuorumStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumStore, quorum_store_close)

G_END_DECLS
