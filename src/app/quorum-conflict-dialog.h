/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-cache.h"
#include "quorum-model.h"

G_BEGIN_DECLS

/*
 * The question a sync conflict asks (docs/offline.md, "Conflicts"): names
 * the job and the file, says what happened in a sentence, shows the user's
 * version beside the server's, and offers only the ways out that end it:
 * "keep" (send mine on the server's version, where the server takes it),
 * "take" (work on from the server's), "copy" (set mine aside as a conflict
 * copy). "later" (Escape) leaves the conflict open, reachable from
 * Conflict Copies.
 */

#define QUORUM_TYPE_CONFLICT_DIALOG (quorum_conflict_dialog_get_type ())

G_DECLARE_FINAL_TYPE (QuorumConflictDialog, quorum_conflict_dialog, QUORUM, CONFLICT_DIALOG, AdwMessageDialog)

QuorumConflictDialog *quorum_conflict_dialog_new           (GtkWindow                 *parent,
                                                            QuorumCache               *cache,
                                                            const QuorumCacheConflict *conflict);
gint64                quorum_conflict_dialog_get_task      (QuorumConflictDialog      *self);
gint64                quorum_conflict_dialog_get_conflict  (QuorumConflictDialog      *self);
QuorumConflictCause   quorum_conflict_dialog_get_cause     (QuorumConflictDialog      *self);
/* The choice a response means; FALSE for "later". */
gboolean              quorum_conflict_dialog_choice_of     (const char                *response,
                                                            QuorumConflictChoice      *choice);

/* The file's and the job's names of a cached task, in the user's words
 * even when the cache lacks them. */
void                  quorum_conflict_names                (QuorumCache               *cache,
                                                            gint64                     task_id,
                                                            char                     **file,
                                                            char                     **job);
/* What happened, as a short phrase for a list ("released or given to
 * someone else"). */
const char           *quorum_conflict_cause_phrase         (QuorumConflictCause        cause);
/* The labels' colours and kinds of a cached task (NULL when unknown). */
QuorumLabelSchema    *quorum_conflict_schema               (QuorumCache               *cache,
                                                            gint64                     task_id);
/* Instances as text ("2 × car, 1 × sign"), or "none". */
char                 *quorum_conflict_describe_instances   (GPtrArray                 *instances);
/* A small drawing of @instances (of QuorumInstance) in a @width × @height
 * image, in their labels' colours, for a preview without the image. */
GtkWidget            *quorum_conflict_preview_new          (GPtrArray                 *instances,
                                                            QuorumLabelSchema         *schema,
                                                            double                     image_width,
                                                            double                     image_height);

G_END_DECLS
