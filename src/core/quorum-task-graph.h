/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-model.h"

G_BEGIN_DECLS

typedef enum {
  QUORUM_TASK_DRAW,
  QUORUM_TASK_REVIEW,
  QUORUM_TASK_CONSENSUS,
} QuorumTaskKind;

typedef enum {
  QUORUM_TASK_WAITING,
  QUORUM_TASK_AVAILABLE,
  QUORUM_TASK_ASSIGNED,
  QUORUM_TASK_IN_PROGRESS,
  QUORUM_TASK_SUBMITTED,
  QUORUM_TASK_ACCEPTED,
  QUORUM_TASK_REJECTED,
  QUORUM_TASK_COMPLETE,
} QuorumTaskState;

const char *quorum_task_kind_to_string    (QuorumTaskKind   kind);
gboolean    quorum_task_kind_from_string  (const char      *name,
                                           QuorumTaskKind  *kind);
const char *quorum_task_state_to_string   (QuorumTaskState  state);
gboolean    quorum_task_state_from_string (const char      *name,
                                           QuorumTaskState *state);

/**
 * QuorumPlannedTask:
 * @file_index: 0-based position of the file in the job's file list
 * @pass: 1…P for a draw task, 0 for the others
 * @draw_number: k (1-based, file-major) of a draw task, or of the draw task a
 *   review task reviews; 0 for a consensus task
 * @reviews: for a review task, the plan index of its draw task; else -1
 * @state: %QUORUM_TASK_AVAILABLE for draw tasks, %QUORUM_TASK_WAITING else
 *
 * One task of a launch plan. A consensus task's inputs are the draw tasks of
 * its file.
 */
typedef struct {
  QuorumTaskKind  kind;
  guint           file_index;
  guint           pass;
  guint           draw_number;
  gint            reviews;
  QuorumTaskState state;
} QuorumPlannedTask;

/* Returns an array of #QuorumPlannedTask: per file, its draw tasks in pass
 * order, each followed by its review task when it has one, then the file's
 * consensus task. An exam forces P = 1 and R = 1. */
GArray *quorum_task_graph_plan (const QuorumJobSettings *settings,
                                guint                    n_files,
                                GError                 **error);

G_END_DECLS
