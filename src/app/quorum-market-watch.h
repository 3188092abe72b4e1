/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "quorum-session.h"

G_BEGIN_DECLS

/* Polls the market for the organizations the signed-in user is a member of
 * (GET /me/orgs, then GET /orgs/{id}/market/new?since=…) and, for each new
 * job matching what the organization follows, sends a notification and
 * emits ::new-job. The first poll of an organization only takes its cursor:
 * what was on the market before is not news. */

#define QUORUM_TYPE_MARKET_WATCH (quorum_market_watch_get_type ())
G_DECLARE_FINAL_TYPE (QuorumMarketWatch, quorum_market_watch, QUORUM, MARKET_WATCH, GObject)

QuorumMarketWatch *quorum_market_watch_new          (QuorumSession     *session,
                                                     GApplication      *application);
/* Polls now and then every @seconds (60 by default). */
void               quorum_market_watch_start        (QuorumMarketWatch *self);
void               quorum_market_watch_stop         (QuorumMarketWatch *self);
void               quorum_market_watch_set_interval (QuorumMarketWatch *self,
                                                     guint              milliseconds);
void               quorum_market_watch_poll_now     (QuorumMarketWatch *self);
/* Whether a poll is on its way. */
gboolean           quorum_market_watch_get_busy     (QuorumMarketWatch *self);
/* How many polls of the organizations have come back. */
guint              quorum_market_watch_get_n_polls  (QuorumMarketWatch *self);

G_END_DECLS
