/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-canvas.h"
#include "quorum-session.h"
#include "quorum-video-task.h"

G_BEGIN_DECLS

/*
 * A taker's result of one exam attempt (GET /attempts/{id}): the decision or
 * what it waits for, the average stars, the gold instances missed, the gold
 * score, whether it meets the pass rule, each task's comments, and each
 * rated instance on the task's image. The gold shows only when the reply
 * carries it (the exam shows answers and the attempt is decided).
 */

#define QUORUM_TYPE_EXAM_RESULT (quorum_exam_result_get_type ())

G_DECLARE_FINAL_TYPE (QuorumExamResult, quorum_exam_result, QUORUM, EXAM_RESULT, AdwWindow)

QuorumExamResult *quorum_exam_result_new              (GtkWindow        *parent,
                                                       QuorumSession    *session,
                                                       gint64            attempt_id);
gint64            quorum_exam_result_get_attempt      (QuorumExamResult *self);
void              quorum_exam_result_refresh          (QuorumExamResult *self);
gboolean          quorum_exam_result_is_loaded        (QuorumExamResult *self);
/* What the window shows: "Passed", "3.50", "1", "0.72", … */
const char       *quorum_exam_result_get_decision_text (QuorumExamResult *self);
const char       *quorum_exam_result_get_average_text  (QuorumExamResult *self);
const char       *quorum_exam_result_get_missed_text   (QuorumExamResult *self);
const char       *quorum_exam_result_get_gold_score_text (QuorumExamResult *self);
const char       *quorum_exam_result_get_rule_text     (QuorumExamResult *self);
guint             quorum_exam_result_get_n_tasks       (QuorumExamResult *self);
/* Shows the task's image with its instances and selects @instance (its
 * position in the task's list) on the canvas. */
void              quorum_exam_result_show_instance     (QuorumExamResult *self,
                                                        guint             task,
                                                        guint             instance);
/* The task shown on the canvas (its position), or -1 until one is. */
int               quorum_exam_result_get_shown_task    (QuorumExamResult *self);
QuorumCanvas     *quorum_exam_result_get_canvas        (QuorumExamResult *self);
/* The video shown, when the task's file is one (its frames on the canvas). */
QuorumVideoTask  *quorum_exam_result_get_video_task    (QuorumExamResult *self);
/* A task's row in the list: its title and its stars as words. */
const char       *quorum_exam_result_get_row_title     (QuorumExamResult *self,
                                                       guint             task,
                                                       guint             row);
const char       *quorum_exam_result_get_row_subtitle  (QuorumExamResult *self,
                                                       guint             task,
                                                       guint             row);

G_END_DECLS
