/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One attempt at an exam as GET /jobs/{id}/results lists it: a row of the
 * exam results table. Its properties are what the table shows and sorts by. */

#define QUORUM_TYPE_ATTEMPT_ITEM (quorum_attempt_item_get_type ())
G_DECLARE_FINAL_TYPE (QuorumAttemptItem, quorum_attempt_item, QUORUM, ATTEMPT_ITEM, GObject)

QuorumAttemptItem *quorum_attempt_item_new               (JsonObject        *entry);
gint64             quorum_attempt_item_get_id            (QuorumAttemptItem *self);
gint64             quorum_attempt_item_get_user          (QuorumAttemptItem *self);
const char        *quorum_attempt_item_get_name          (QuorumAttemptItem *self);
gint64             quorum_attempt_item_get_number        (QuorumAttemptItem *self);
/* Whether any instance was rated: without, the average is "not rated". */
gboolean           quorum_attempt_item_get_rated         (QuorumAttemptItem *self);
double             quorum_attempt_item_get_average_stars (QuorumAttemptItem *self);
gint64             quorum_attempt_item_get_missed        (QuorumAttemptItem *self);
double             quorum_attempt_item_get_gold_score    (QuorumAttemptItem *self);
gboolean           quorum_attempt_item_get_meets_rule    (QuorumAttemptItem *self);
/* Every file's review is complete. */
gboolean           quorum_attempt_item_get_reviewed      (QuorumAttemptItem *self);
/* "pass", "fail", or %NULL while undecided. */
const char        *quorum_attempt_item_get_decision      (QuorumAttemptItem *self);
/* Reviewed and undecided: Pass and Fail apply. */
gboolean           quorum_attempt_item_get_decidable     (QuorumAttemptItem *self);
/* The review task to open: the first one not complete yet, else the first;
 * 0 when the attempt has none. */
gint64             quorum_attempt_item_get_review_task   (QuorumAttemptItem *self);
/* The decision column's words: "Passed", "Waiting for review (1 of 4)"… */
const char        *quorum_attempt_item_get_status        (QuorumAttemptItem *self);

G_END_DECLS
