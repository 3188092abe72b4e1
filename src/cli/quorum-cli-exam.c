/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"

static int
exam_apply (int    argc,
            char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "exam apply", "JOB",
                                 "Take a launched exam: you get your own draw task for each of its files.",
                                 "--json prints {\"job\", \"tasks\"}.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/apply", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else
    {
      g_autofree char *tasks = JSON_NODE_HOLDS_OBJECT (reply)
                               ? quorum_cli_format_member (json_node_get_object (reply), "tasks") : g_strdup ("-");

      printf ("Applied to exam %" G_GINT64_FORMAT ": %s task(s) to draw.\n", job, tasks);
    }
  return QUORUM_CLI_OK;
}

static int
exam_results (int    argc,
              char **argv)
{
  static const char * const columns[] = { "user:ID", "name:Taker", "reviewed:Reviewed", "average_stars:Stars",
                                          "missed:Missed", "gold_score:Gold score",
                                          "meets_pass_rule:Meets rule", "decision:Decision", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonNode *rule_node;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "exam results", "JOB",
                                 "Show an exam's takers with their average stars, missed instances and gold "
                                 "score (editors).",
                                 "An average over no rated instance is “not rated”.\n"
                                 "--json prints {\"pass_rule\", \"takers\": [{\"user\", \"name\", \"tasks\", "
                                 "\"reviewed\",\n\"average_stars\", \"missed\", \"gold_score\", \"meets_pass_rule\", "
                                 "\"decision\"}, …]}.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/results", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else if ((rule_node = quorum_cli_reply_member (reply, "pass_rule", JSON_NODE_OBJECT, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  else
    {
      JsonObject *rule = json_node_get_object (rule_node);
      g_autofree char *stars = quorum_cli_format_member (rule, "min_average_stars");
      g_autofree char *missed = quorum_cli_format_member (rule, "max_missed");

      printf ("Pass rule: at least %s stars on average, at most %s missed\n\n", stars, missed);
      quorum_cli_print_table (json_object_get_member (json_node_get_object (reply), "takers"), columns);
    }
  return QUORUM_CLI_OK;
}

static int
decide (int      argc,
        char   **argv,
        gboolean pass)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 job, user;

  if (!quorum_cli_session_parse (&session, pass ? "exam pass" : "exam fail", "JOB USER",
                                 pass ? "Pass an exam taker: they get the credentials the exam awards "
                                        "(project admins who do not take the exam)."
                                      : "Fail an exam taker; they may apply again (project admins who do "
                                        "not take the exam).",
                                 "USER is a name or an id. --json prints {\"job\", \"user\", \"decision\"}.",
                                 NULL, 2, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error) ||
      !quorum_cli_resolve_user (&session, argv[2], &user, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/results/%"
                                G_GINT64_FORMAT "/%s", job, user, pass ? "pass" : "fail")) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      g_autoptr(JsonObject) shown = json_object_new ();

      json_object_set_int_member (shown, "job", job);
      json_object_set_int_member (shown, "user", user);
      json_object_set_string_member (shown, "decision", pass ? "pass" : "fail");
      quorum_cli_print_object (shown);
    }
  else
    printf ("User %" G_GINT64_FORMAT " %s exam %" G_GINT64_FORMAT ".\n", user, pass ? "passed" : "failed", job);
  return QUORUM_CLI_OK;
}

static int
exam_pass (int    argc,
           char **argv)
{
  return decide (argc, argv, TRUE);
}

static int
exam_fail (int    argc,
           char **argv)
{
  return decide (argc, argv, FALSE);
}

static const QuorumCliAction actions[] = {
  { "apply", "JOB", "Take an exam", exam_apply },
  { "results", "JOB", "Show an exam's results", exam_results },
  { "pass", "JOB USER", "Pass a taker", exam_pass },
  { "fail", "JOB USER", "Fail a taker", exam_fail },
};

int
quorum_cli_exam (int    argc,
                 char **argv)
{
  return quorum_cli_dispatch ("exam", "Exams: jobs scored against gold-standard instances that award "
                              "credentials.", actions, G_N_ELEMENTS (actions), argc, argv);
}
