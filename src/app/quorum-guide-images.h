/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-guide-view.h"
#include "quorum-session.h"

G_BEGIN_DECLS

/* The pictures of a task's guide: a name the task view's guide maps to one
 * of the project's files (guide.images), downloaded into the media cache
 * and drawn in the guide view. Never a remote address, and never read on
 * the main thread: a picture not here yet is fetched and the guide drawn
 * again, once for the pictures that arrive together. */

#define QUORUM_TYPE_GUIDE_IMAGES (quorum_guide_images_get_type ())
G_DECLARE_FINAL_TYPE (QuorumGuideImages, quorum_guide_images, QUORUM, GUIDE_IMAGES, GObject)

/* Becomes @view's image resolver. */
QuorumGuideImages *quorum_guide_images_new      (QuorumGuideView   *view);
/* The pictures of @task_id's guide: @images maps names to file ids
 * (nullable: none). Fetches stop with @cancellable. */
void               quorum_guide_images_set_task (QuorumGuideImages *self,
                                                 QuorumSession     *session,
                                                 gint64             task_id,
                                                 JsonObject        *images,
                                                 GCancellable      *cancellable);
/* Forgets the pictures: no task open. */
void               quorum_guide_images_clear    (QuorumGuideImages *self);

G_END_DECLS
