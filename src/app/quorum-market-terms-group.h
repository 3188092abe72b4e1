/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A market job's terms in the job assistant (docs/formats.md, job settings
 * `market`): the bid — an amount, its currency, per task or for the whole
 * job — and the day organizations may apply until. It says in sentences
 * what the server would refuse before anything is sent, and emits
 * "changed" as they are typed. */

#define QUORUM_TYPE_MARKET_TERMS_GROUP (quorum_market_terms_group_get_type ())
G_DECLARE_FINAL_TYPE (QuorumMarketTermsGroup, quorum_market_terms_group, QUORUM, MARKET_TERMS_GROUP, AdwPreferencesGroup)

/* Adds the member "market" to the settings @builder is writing. */
void         quorum_market_terms_group_add_settings  (QuorumMarketTermsGroup *self,
                                                JsonBuilder       *builder);
/* Why these terms would be refused, a sentence each, added to @problems. */
void         quorum_market_terms_group_list_problems (QuorumMarketTermsGroup *self,
                                                GPtrArray         *problems);
/* The terms in words, for the assistant's summary: "12.50 EUR per task, until 31 January 2027". */
char        *quorum_market_terms_group_describe      (QuorumMarketTermsGroup *self);
GtkEditable *quorum_market_terms_group_get_amount    (QuorumMarketTermsGroup *self);
GtkEditable *quorum_market_terms_group_get_currency  (QuorumMarketTermsGroup *self);
AdwComboRow *quorum_market_terms_group_get_per       (QuorumMarketTermsGroup *self);
GtkEditable *quorum_market_terms_group_get_deadline  (QuorumMarketTermsGroup *self);

G_END_DECLS
