/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-attempt-item.h"
#include "quorum-window.h"

G_BEGIN_DECLS

/* The trainer's view of an exam (GET /jobs/{id}/results): every attempt
 * with its figures against the pass rule, Pass and Fail for a reviewed,
 * undecided attempt (through the outbox: shown at once as waiting, sent
 * when the server answers), Close Exam; activating an attempt opens its
 * review in @window. */

#define QUORUM_TYPE_EXAM_RESULTS (quorum_exam_results_get_type ())
G_DECLARE_FINAL_TYPE (QuorumExamResults, quorum_exam_results, QUORUM, EXAM_RESULTS, AdwWindow)

/* @can_decide: whether the caller may pass and fail attempts (the project's
 * admins: a pass grants credentials); editors read the results only. */
QuorumExamResults *quorum_exam_results_new          (QuorumWindow      *window,
                                                     gint64             job_id,
                                                     const char        *job_name,
                                                     gboolean           can_decide);
gint64             quorum_exam_results_get_job      (QuorumExamResults *self);
void               quorum_exam_results_refresh      (QuorumExamResults *self);
/* Of QuorumAttemptItem, in the order the table shows them. */
GListModel        *quorum_exam_results_get_attempts (QuorumExamResults *self);
/* The selected attempt, or %NULL. */
QuorumAttemptItem *quorum_exam_results_get_selected (QuorumExamResults *self);
void               quorum_exam_results_select       (QuorumExamResults *self,
                                                     guint              position);
/* What the table shows in @column ("taker", "attempt", "average", "missed",
 * "gold", "rule", "decision") for @item. */
char              *quorum_exam_results_format_cell  (QuorumAttemptItem *item,
                                                     const char        *column);
/* The sentence for a pass or fail the server refused (QuorumSync's
 * grade-refused): "Ben’s attempt 2 was already failed by another trainer —
 * your Pass was not sent". @attempt is the server's attempt view or NULL. */
char              *quorum_exam_results_describe_refused (gboolean     pass,
                                                         JsonNode    *attempt,
                                                         const char  *reason);

G_END_DECLS
