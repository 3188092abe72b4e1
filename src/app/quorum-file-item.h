/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One of a project's files in the Files window: a row of
 * GET /projects/{id}/files, whether a job holds it (from the project's
 * jobs) and its thumbnail once made. */

#define QUORUM_TYPE_FILE_ITEM (quorum_file_item_get_type ())
G_DECLARE_FINAL_TYPE (QuorumFileItem, quorum_file_item, QUORUM, FILE_ITEM, GObject)

QuorumFileItem *quorum_file_item_new              (JsonObject     *record);
/* Takes the record's changing parts (a video's preparation, ground truth). */
void            quorum_file_item_update           (QuorumFileItem *self,
                                                   JsonObject     *record);
gint64          quorum_file_item_get_id           (QuorumFileItem *self);
const char     *quorum_file_item_get_name         (QuorumFileItem *self);
/* The name case-folded, for searches. */
const char     *quorum_file_item_get_folded_name  (QuorumFileItem *self);
gint64          quorum_file_item_get_size         (QuorumFileItem *self);
gboolean        quorum_file_item_is_video         (QuorumFileItem *self);
/* A video's preparation: "preparing", "ready", "failed"; NULL for an image. */
const char     *quorum_file_item_get_video_state  (QuorumFileItem *self);
/* Why a video's preparation failed, as the server says; else NULL. */
const char     *quorum_file_item_get_video_error  (QuorumFileItem *self);
gboolean        quorum_file_item_get_has_existing (QuorumFileItem *self);
gboolean        quorum_file_item_get_in_job       (QuorumFileItem *self);
void            quorum_file_item_set_in_job       (QuorumFileItem *self,
                                                   gboolean        in_job);
/* "640 × 480 · 1.2 MB", "Video · Preparing 42 %", for people. */
char           *quorum_file_item_describe         (QuorumFileItem *self);
/* "In a job · Ground truth", or "" when neither. */
char           *quorum_file_item_describe_use     (QuorumFileItem *self);
GdkPaintable   *quorum_file_item_get_thumbnail    (QuorumFileItem *self);
void            quorum_file_item_set_thumbnail    (QuorumFileItem *self,
                                                   GdkPaintable   *thumbnail);

G_END_DECLS
