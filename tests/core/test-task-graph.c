/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "quorum-core.h"

static GArray *
plan (gint          passes,
      gint          review_frequency,
      QuorumJobType type,
      guint         n_files,
      GError      **error)
{
  g_autoptr(QuorumJobSettings) settings = quorum_job_settings_new ("job");

  settings->passes_per_file = passes;
  settings->review_frequency = review_frequency;
  settings->type = type;
  if (type == QUORUM_JOB_EXAM)
    {
      g_strfreev (settings->awarded_credentials);
      settings->awarded_credentials = g_strsplit ("Annotator level 1", ",", -1);
    }
  return quorum_task_graph_plan (settings, n_files, error);
}

static guint
count (GArray         *tasks,
       QuorumTaskKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < tasks->len; i++)
    if (g_array_index (tasks, QuorumPlannedTask, i).kind == kind)
      n++;
  return n;
}

/* Every review points at a draw task with its draw number and file. */
static void
check_links (GArray *tasks)
{
  for (guint i = 0; i < tasks->len; i++)
    {
      const QuorumPlannedTask *task = &g_array_index (tasks, QuorumPlannedTask, i);

      if (task->kind == QUORUM_TASK_REVIEW)
        {
          const QuorumPlannedTask *draw;

          g_assert_cmpint (task->reviews, >=, 0);
          g_assert_cmpint (task->reviews, <, (gint) i);
          draw = &g_array_index (tasks, QuorumPlannedTask, task->reviews);
          g_assert_cmpint (draw->kind, ==, QUORUM_TASK_DRAW);
          g_assert_cmpuint (draw->draw_number, ==, task->draw_number);
          g_assert_cmpuint (draw->file_index, ==, task->file_index);
          g_assert_cmpint (task->state, ==, QUORUM_TASK_WAITING);
        }
      else
        g_assert_cmpint (task->reviews, ==, -1);
      if (task->kind == QUORUM_TASK_DRAW)
        g_assert_cmpint (task->state, ==, QUORUM_TASK_AVAILABLE);
      if (task->kind == QUORUM_TASK_CONSENSUS)
        g_assert_cmpint (task->state, ==, QUORUM_TASK_WAITING);
    }
}

/* DESIGN §2: one file, P 3, R 3 → three draws, a review of the third, one
 * consensus task. */
static void
test_one_file_three_passes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) tasks = plan (3, 3, QUORUM_JOB_NORMAL, 1, &error);
  const QuorumPlannedTask *review;

  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 5);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_DRAW), ==, 3);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_REVIEW), ==, 1);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_CONSENSUS), ==, 1);
  review = &g_array_index (tasks, QuorumPlannedTask, 3);
  g_assert_cmpint (review->kind, ==, QUORUM_TASK_REVIEW);
  g_assert_cmpuint (review->draw_number, ==, 3);
  g_assert_cmpuint (g_array_index (tasks, QuorumPlannedTask, review->reviews).pass, ==, 3);
  g_assert_cmpint (g_array_index (tasks, QuorumPlannedTask, 4).kind, ==, QUORUM_TASK_CONSENSUS);
  check_links (tasks);
}

/* Ten files, one pass, every third reviewed: reviews of draws 3, 6 and 9. */
static void
test_every_third (void)
{
  g_autoptr(GArray) tasks = plan (1, 3, QUORUM_JOB_NORMAL, 10, NULL);
  guint reviewed[3];
  guint n = 0;

  g_assert_cmpuint (count (tasks, QUORUM_TASK_DRAW), ==, 10);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_CONSENSUS), ==, 0);
  for (guint i = 0; i < tasks->len; i++)
    {
      const QuorumPlannedTask *task = &g_array_index (tasks, QuorumPlannedTask, i);

      if (task->kind == QUORUM_TASK_REVIEW)
        {
          g_assert_cmpuint (n, <, 3);
          reviewed[n++] = task->draw_number;
        }
    }
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (reviewed[0], ==, 3);
  g_assert_cmpuint (reviewed[1], ==, 6);
  g_assert_cmpuint (reviewed[2], ==, 9);
  check_links (tasks);
}

/* Four files, two passes, R 3: draws are numbered file-major, so k = 3 is
 * file 2 pass 1 and k = 6 is file 3 pass 2. */
static void
test_file_major_numbering (void)
{
  g_autoptr(GArray) tasks = plan (2, 3, QUORUM_JOB_NORMAL, 4, NULL);
  guint seen = 0;

  g_assert_cmpuint (count (tasks, QUORUM_TASK_DRAW), ==, 8);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_REVIEW), ==, 2);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_CONSENSUS), ==, 4);
  for (guint i = 0; i < tasks->len; i++)
    {
      const QuorumPlannedTask *task = &g_array_index (tasks, QuorumPlannedTask, i);
      const QuorumPlannedTask *draw;

      if (task->kind != QUORUM_TASK_REVIEW)
        continue;
      draw = &g_array_index (tasks, QuorumPlannedTask, task->reviews);
      if (seen++ == 0)
        {
          g_assert_cmpuint (draw->draw_number, ==, 3);
          g_assert_cmpuint (draw->file_index, ==, 1);
          g_assert_cmpuint (draw->pass, ==, 1);
        }
      else
        {
          g_assert_cmpuint (draw->draw_number, ==, 6);
          g_assert_cmpuint (draw->file_index, ==, 2);
          g_assert_cmpuint (draw->pass, ==, 2);
        }
    }
  check_links (tasks);
}

/* An exam forces P = 1 and R = 1 whatever was asked, and has no consensus. */
static void
test_exam (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) tasks = plan (3, 0, QUORUM_JOB_EXAM, 4, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_DRAW), ==, 4);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_REVIEW), ==, 4);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_CONSENSUS), ==, 0);
  for (guint i = 0; i < tasks->len; i += 2)
    {
      g_assert_cmpint (g_array_index (tasks, QuorumPlannedTask, i).kind, ==, QUORUM_TASK_DRAW);
      g_assert_cmpint (g_array_index (tasks, QuorumPlannedTask, i + 1).reviews, ==, (gint) i);
    }
  check_links (tasks);
}

static void
test_no_review (void)
{
  g_autoptr(GArray) tasks = plan (2, 0, QUORUM_JOB_NORMAL, 3, NULL);

  g_assert_cmpuint (count (tasks, QUORUM_TASK_REVIEW), ==, 0);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_DRAW), ==, 6);
  g_assert_cmpuint (count (tasks, QUORUM_TASK_CONSENSUS), ==, 3);
}

static void
test_bad_settings (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) most = NULL;

  g_assert_null (plan (0, 1, QUORUM_JOB_NORMAL, 1, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "passes_per_file:"));
  g_clear_error (&error);

  /* Found by fuzzing: G_MAXINT passes planned billions of tasks. */
  g_assert_null (plan (G_MAXINT, 0, QUORUM_JOB_NORMAL, 1, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "passes_per_file: must be at most 100, not 2147483647");
  g_clear_error (&error);
  most = plan (QUORUM_MAX_PASSES, 0, QUORUM_JOB_NORMAL, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (most->len, ==, QUORUM_MAX_PASSES + 1);

  g_assert_null (plan (1, -1, QUORUM_JOB_NORMAL, 1, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "review_frequency:"));
  g_clear_error (&error);

  g_assert_null (plan (1, 1, QUORUM_JOB_NORMAL, 0, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "files: a job needs at least one file");
}

static void
test_names (void)
{
  QuorumTaskState state;
  QuorumTaskKind kind;

  g_assert_true (quorum_task_state_from_string ("in_progress", &state));
  g_assert_cmpint (state, ==, QUORUM_TASK_IN_PROGRESS);
  g_assert_cmpstr (quorum_task_state_to_string (QUORUM_TASK_REJECTED), ==, "rejected");
  g_assert_false (quorum_task_state_from_string ("done", &state));
  g_assert_true (quorum_task_kind_from_string ("consensus", &kind));
  g_assert_cmpint (kind, ==, QUORUM_TASK_CONSENSUS);
  g_assert_false (quorum_task_kind_from_string (NULL, &kind));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/task-graph/one-file-three-passes", test_one_file_three_passes);
  g_test_add_func ("/task-graph/every-third", test_every_third);
  g_test_add_func ("/task-graph/file-major-numbering", test_file_major_numbering);
  g_test_add_func ("/task-graph/exam", test_exam);
  g_test_add_func ("/task-graph/no-review", test_no_review);
  g_test_add_func ("/task-graph/bad-settings", test_bad_settings);
  g_test_add_func ("/task-graph/names", test_names);
  return g_test_run ();
}
