/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include "quorum-error.h"
#include "quorum-task-graph.h"

static const char * const task_kind_names[] = { "draw", "review", "consensus" };
static const char * const task_state_names[] = {
  "waiting", "available", "assigned", "in_progress", "submitted", "accepted", "rejected", "complete"
};

const char *
quorum_task_kind_to_string (QuorumTaskKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (task_kind_names), NULL);
  return task_kind_names[kind];
}

gboolean
quorum_task_kind_from_string (const char     *name,
                              QuorumTaskKind *kind)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (task_kind_names); i++)
    if (g_str_equal (name, task_kind_names[i]))
      {
        *kind = (QuorumTaskKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
quorum_task_state_to_string (QuorumTaskState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (task_state_names), NULL);
  return task_state_names[state];
}

gboolean
quorum_task_state_from_string (const char      *name,
                               QuorumTaskState *state)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (task_state_names); i++)
    if (g_str_equal (name, task_state_names[i]))
      {
        *state = (QuorumTaskState) i;
        return TRUE;
      }
  return FALSE;
}

GArray *
quorum_task_graph_plan (const QuorumJobSettings *settings,
                        guint                    n_files,
                        GError                 **error)
{
  g_autoptr(GArray) plan = NULL;
  gboolean exam = settings->type == QUORUM_JOB_EXAM;
  guint passes;
  guint review_frequency;
  guint draw_number = 0;

  if (!quorum_job_settings_check (settings, error))
    return NULL;
  if (n_files == 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "files: a job needs at least one file");
      return NULL;
    }

  /* An exam has one taker per instance of it, every draw reviewed against
   * the gold, and nothing to reach consensus on. */
  passes = exam ? 1 : (guint) settings->passes_per_file;
  review_frequency = exam ? 1 : (guint) settings->review_frequency;

  plan = g_array_new (FALSE, FALSE, sizeof (QuorumPlannedTask));
  for (guint file = 0; file < n_files; file++)
    {
      for (guint pass = 1; pass <= passes; pass++)
        {
          QuorumPlannedTask draw = {
            .kind = QUORUM_TASK_DRAW,
            .file_index = file,
            .pass = pass,
            .draw_number = ++draw_number,
            .reviews = -1,
            .state = QUORUM_TASK_AVAILABLE,
          };

          g_array_append_val (plan, draw);
          if (review_frequency > 0 && draw_number % review_frequency == 0)
            {
              QuorumPlannedTask review = {
                .kind = QUORUM_TASK_REVIEW,
                .file_index = file,
                .pass = 0,
                .draw_number = draw_number,
                .reviews = (gint) plan->len - 1,
                .state = QUORUM_TASK_WAITING,
              };

              g_array_append_val (plan, review);
            }
        }
      if (passes > 1)
        {
          QuorumPlannedTask consensus = {
            .kind = QUORUM_TASK_CONSENSUS,
            .file_index = file,
            .pass = 0,
            .draw_number = 0,
            .reviews = -1,
            .state = QUORUM_TASK_WAITING,
          };

          g_array_append_val (plan, consensus);
        }
    }
  return g_steal_pointer (&plan);
}
