/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"

static int
task_list (int    argc,
           char **argv)
{
  static const char * const columns[] = { "id:ID", "kind:Kind", "file:File", "file_name:Name", "pass:Pass",
                                          "state:State", "assignee_name:Assignee", "version:Version", NULL };
  static const QuorumCliList list = {
    .command = "task list",
    .summary = "List every task of a job (editors).",
    .description = "--json prints [{\"id\", \"kind\", \"file\", \"file_name\", \"pass\", \"state\",\n"
                   "\"assignee\", \"assignee_name\", \"version\", \"updated\"}, …] in task order.",
    .owner = "job",
    .path = "/tasks",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static int
task_assign (int    argc,
             char **argv)
{
  static const char * const fields[] = { "id:ID", "kind:Kind", "state:State", "assignee:Assignee",
                                         "version:Version", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 task, user;

  if (!quorum_cli_session_parse (&session, "task assign", "TASK USER",
                                 "Give a task to a user by hand (project admins).",
                                 "An admin may put more than P annotators on a file, but never gives one\n"
                                 "person two passes of a file, nor a review or consensus task to one of\n"
                                 "the file's annotators (the server refuses: exit status 1).\n"
                                 "USER is a name or an id. --json prints the task.",
                                 NULL, 2, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "TASK", &task, &error) ||
      !quorum_cli_resolve_user (&session, argv[2], &user, &error))
    return quorum_cli_session_fail (&session, error);
  json_object_set_int_member (object, "user", user);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/tasks/%" G_GINT64_FORMAT "/assign",
                                task)) == NULL)
    return quorum_cli_session_fail (&session, error);
  quorum_cli_session_print (&session, reply, fields);
  return QUORUM_CLI_OK;
}

static int
task_release (int    argc,
              char **argv)
{
  static const char * const fields[] = { "id:ID", "kind:Kind", "state:State", "version:Version", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 task;

  if (!quorum_cli_session_parse (&session, "task release", "TASK",
                                 "Give an assigned task back to everyone (its assignee, or a project admin).",
                                 "--json prints the task, now “available”.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "TASK", &task, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "POST", NULL, &error, "/tasks/%" G_GINT64_FORMAT "/release",
                                task)) == NULL)
    return quorum_cli_session_fail (&session, error);
  quorum_cli_session_print (&session, reply, fields);
  return QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "list", "--job ID", "List a job's tasks", task_list },
  { "assign", "TASK USER", "Give a task to a user", task_assign },
  { "release", "TASK", "Give a task back to everyone", task_release },
};

int
quorum_cli_task (int    argc,
                 char **argv)
{
  return quorum_cli_dispatch ("task", "Tasks: one person's work on one file (draw, review or consensus).",
                              actions, G_N_ELEMENTS (actions), argc, argv);
}
