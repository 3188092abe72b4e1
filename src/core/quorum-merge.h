/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-model.h"

G_BEGIN_DECLS

/* Best Annotator: the output is the chosen version, each instance given a
 * new id with copied_from pointing at the original, authored by @reviewer.
 * Here and below, a NULL @reviewer keeps each copied instance's author. */
QuorumAnnotationSet *quorum_merge_from_version (const QuorumAnnotationSet *version,
                                                const char                *reviewer);

/* Manual Merge, Copy to Ground Truth: copy one instance (tags and attributes
 * included) into @ground_truth under a new id. Refuses (returns NULL with an
 * error) an instance that was already copied into it. Returns the copy, owned
 * by @ground_truth. */
QuorumInstance      *quorum_merge_copy_instance (QuorumAnnotationSet       *ground_truth,
                                                 const QuorumInstance      *instance,
                                                 const char                *reviewer,
                                                 GError                   **error);

/* Copy a whole annotator's set; instances already copied are skipped.
 * Returns the number copied. */
guint                quorum_merge_copy_set      (QuorumAnnotationSet       *ground_truth,
                                                 const QuorumAnnotationSet *version,
                                                 const char                *reviewer);

/* A new random (version 4) UUID string. */
char                *quorum_uuid_new            (void);

G_END_DECLS
