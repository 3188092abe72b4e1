/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-sync.h"

G_BEGIN_DECLS

/* The header bar's sync state: an icon with a tooltip for QuorumSync's
 * state and pending count, and a popover with Retry Now. */

#define QUORUM_TYPE_SYNC_INDICATOR (quorum_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (QuorumSyncIndicator, quorum_sync_indicator, QUORUM, SYNC_INDICATOR, GtkWidget)

GtkWidget  *quorum_sync_indicator_new      (void);
QuorumSync *quorum_sync_indicator_get_sync (QuorumSyncIndicator *self);
void        quorum_sync_indicator_set_sync (QuorumSyncIndicator *self,
                                            QuorumSync          *sync);
/* What the tooltip says now; for tests. */
const char *quorum_sync_indicator_get_summary (QuorumSyncIndicator *self);

G_END_DECLS
