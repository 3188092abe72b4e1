/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-cache.h"

G_BEGIN_DECLS

/*
 * Conflict Copies: every version of the user's work the server refused,
 * kept in the cache (docs/offline.md, "Conflicts"), newest first. Each can
 * be opened (read-only, on the main window's canvas: ::open-copy), exported
 * as a Quorum JSON file, or sent as a new version of its task while the
 * user still holds it; a conflict still waiting for a choice can be
 * resolved (::resolve).
 */

#define QUORUM_TYPE_CONFLICT_COPIES (quorum_conflict_copies_get_type ())

G_DECLARE_FINAL_TYPE (QuorumConflictCopies, quorum_conflict_copies, QUORUM, CONFLICT_COPIES, AdwWindow)

QuorumConflictCopies *quorum_conflict_copies_new      (GtkWindow            *parent,
                                                       QuorumCache          *cache);
/* Reads the copies from the cache again. */
void                  quorum_conflict_copies_reload   (QuorumConflictCopies *self);
guint                 quorum_conflict_copies_get_n_copies (QuorumConflictCopies *self);
/* The conflict shown in row @index (newest first), or 0. */
gint64                quorum_conflict_copies_get_copy (QuorumConflictCopies *self,
                                                       guint                 index);
/* Whether the copy can go to the server as a new version now: its task is
 * still the user's (in the cached list of their tasks) and not held. */
gboolean              quorum_conflict_copies_can_send (QuorumCache          *cache,
                                                       const QuorumCacheConflict *conflict);
/* Queues the copy's instances as a new version of its task (a save in the
 * outbox, on the server's current version). */
gboolean              quorum_conflict_copies_send     (QuorumCache          *cache,
                                                       gint64                conflict_id,
                                                       GError              **error);

/* The copy as a Quorum JSON document ("format": "quorum-conflict-copy",
 * docs/offline.md), written to @file off the main thread. */
void                  quorum_conflict_copies_export_async  (QuorumCache          *cache,
                                                            gint64                conflict_id,
                                                            GFile                *file,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean              quorum_conflict_copies_export_finish (GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
