/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One row of the job overview's tables: an annotator's or a file's entry of
 * GET /jobs/{id}/stats, kept as the server sent it. */

#define QUORUM_TYPE_STATS_ITEM (quorum_stats_item_get_type ())
G_DECLARE_FINAL_TYPE (QuorumStatsItem, quorum_stats_item, QUORUM, STATS_ITEM, GObject)

QuorumStatsItem *quorum_stats_item_new        (JsonObject      *entry);
JsonObject      *quorum_stats_item_get_entry  (QuorumStatsItem *self);
/* The entry's "name". */
const char      *quorum_stats_item_get_name   (QuorumStatsItem *self);
/* "user" of an annotator, "file" of a file. */
gint64           quorum_stats_item_get_id     (QuorumStatsItem *self);
/* FALSE when @member is missing or null (no data to compute it from). */
gboolean         quorum_stats_item_get_number (QuorumStatsItem *self,
                                               const char      *member,
                                               double          *value);

G_END_DECLS
