/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "quorum-session.h"

G_BEGIN_DECLS

/*
 * The exams a taker may apply to (GET /exams): what each awards, its pass
 * rule, the taker's attempts in words, and Apply or the server's reason why
 * not. The last reply is kept in the cache, so that the list shows offline.
 */

#define QUORUM_TYPE_EXAM_CATALOGUE (quorum_exam_catalogue_get_type ())

G_DECLARE_FINAL_TYPE (QuorumExamCatalogue, quorum_exam_catalogue, QUORUM, EXAM_CATALOGUE, AdwWindow)

/* @parent is the main window: Apply refreshes its task list and opens the
 * exam's first task there (win.refresh, win.next-task). */
QuorumExamCatalogue *quorum_exam_catalogue_new          (GtkWindow           *parent,
                                                         QuorumSession       *session);
void                 quorum_exam_catalogue_refresh      (QuorumExamCatalogue *self);
/* POST /jobs/{id}/apply; refused in a sentence when offline. */
void                 quorum_exam_catalogue_apply        (QuorumExamCatalogue *self,
                                                         gint64               job_id);
/* Opens the result window of one of the shown attempts. */
GtkWindow           *quorum_exam_catalogue_show_result  (QuorumExamCatalogue *self,
                                                         gint64               attempt_id);
/* Whether the list shows the server's reply (FALSE: the cached one, or none
 * yet) and how many exams it shows. */
gboolean             quorum_exam_catalogue_is_loaded    (QuorumExamCatalogue *self);
gboolean             quorum_exam_catalogue_is_offline   (QuorumExamCatalogue *self);
guint                quorum_exam_catalogue_get_n_exams  (QuorumExamCatalogue *self);
/* The state of an attempt as the list words it ("Waiting for review"), or
 * NULL when the attempt is not shown. */
const char          *quorum_exam_catalogue_get_attempt_state (QuorumExamCatalogue *self,
                                                              gint64               attempt_id);
/* The latest attempt shown of @job_id, or 0. */
gint64               quorum_exam_catalogue_get_last_attempt  (QuorumExamCatalogue *self,
                                                              gint64               job_id);
/* Whether the exam shows an Apply button (else its why_not). */
gboolean             quorum_exam_catalogue_can_apply    (QuorumExamCatalogue *self,
                                                         gint64               job_id);

/* ---- the words of exams, shared by the exam windows ---- */

/* "Waiting for review" for an attempt's state ("submitted"). */
const char *quorum_exam_describe_state     (const char *state);
/* "An average of at least 3.5 stars and at most 1 missed gold instance." */
char       *quorum_exam_describe_pass_rule (JsonObject *rule);
/* The exam of @exams (a GET /exams reply) that awards @credential, a name as
 * a job requires it ("Name" or "Org/Name"), or NULL. */
JsonObject *quorum_exam_find_award         (JsonNode   *exams,
                                            const char *credential);

G_END_DECLS
