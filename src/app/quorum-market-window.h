/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-window.h"

G_BEGIN_DECLS

/* The market (docs/api.md, Market): the open market jobs with their bids and
 * deadlines, applied to with a message for one of the user's organizations;
 * what the user's organization follows, which the app's market watch
 * notifies of; and, for a project admin, the organizations that applied to
 * the project's market jobs, accepted or declined here. */

#define QUORUM_TYPE_MARKET_WINDOW (quorum_market_window_get_type ())
G_DECLARE_FINAL_TYPE (QuorumMarketWindow, quorum_market_window, QUORUM, MARKET_WINDOW, AdwWindow)

QuorumMarketWindow *quorum_market_window_new           (QuorumWindow       *window);
void                quorum_market_window_refresh       (QuorumMarketWindow *self);
/* While a call to the server is on its way. */
gboolean            quorum_market_window_get_loading   (QuorumMarketWindow *self);
guint               quorum_market_window_get_n_jobs    (QuorumMarketWindow *self);
gboolean            quorum_market_window_lists_job     (QuorumMarketWindow *self,
                                                        gint64              job_id);
/* The state of the user's organization's application to an open job
 * ("pending", "accepted", "declined"), NULL when it has not applied. */
const char         *quorum_market_window_get_applied   (QuorumMarketWindow *self,
                                                        gint64              job_id);
/* An application to a job of the user's projects, {org, org_name, state,
 * message, …}; NULL when not shown. */
JsonObject         *quorum_market_window_find_application (QuorumMarketWindow *self,
                                                           gint64              job_id,
                                                           gint64              org_id);
/* The message of the apply dialog while it is open, else NULL. */
GtkTextBuffer      *quorum_market_window_get_apply_buffer (QuorumMarketWindow *self);
/* The follow rows of the user's organization. */
GtkEditable        *quorum_market_window_get_keywords_row (QuorumMarketWindow *self);
GtkEditable        *quorum_market_window_get_amount_row   (QuorumMarketWindow *self);
GtkEditable        *quorum_market_window_get_currency_row (QuorumMarketWindow *self);
AdwComboRow        *quorum_market_window_get_per_row      (QuorumMarketWindow *self);
/* Which of the user's organizations the follow rows are for (shown with more than one). */
AdwComboRow        *quorum_market_window_get_org_row      (QuorumMarketWindow *self);

G_END_DECLS
