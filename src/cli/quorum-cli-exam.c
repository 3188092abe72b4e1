/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"
#include "quorum-error.h"

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
                                 "--json prints {\"job\", \"attempt\", \"number\", \"tasks\"}.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/apply", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else
    {
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
      g_autofree char *tasks = object != NULL ? quorum_cli_format_member (object, "tasks") : g_strdup ("-");
      g_autofree char *number = object != NULL ? quorum_cli_format_member (object, "number") : g_strdup ("-");
      g_autofree char *attempt = object != NULL ? quorum_cli_format_member (object, "attempt") : g_strdup ("-");

      printf ("Attempt %s at exam %" G_GINT64_FORMAT " (id %s): %s task(s) to draw.\n", number, job, attempt, tasks);
    }
  return QUORUM_CLI_OK;
}

static int
exam_results (int    argc,
              char **argv)
{
  static const char * const columns[] = { "attempt:Attempt", "number:No.", "user:User", "name:Taker",
                                          "reviewed:Reviewed", "average_stars:Stars",
                                          "missed:Missed", "gold_score:Gold score",
                                          "meets_pass_rule:Meets rule", "decision:Decision", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonNode *rule_node;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "exam results", "JOB",
                                 "Show every attempt at an exam with its average stars, missed instances and "
                                 "gold score (editors).",
                                 "An average over no rated instance is “not rated”.\n"
                                 "--json prints {\"pass_rule\", \"state\", \"takers\": [{\"attempt\", \"number\", "
                                 "\"user\", \"name\",\n\"tasks\", \"reviewed\", \"average_stars\", \"missed\", "
                                 "\"gold_score\", \"meets_pass_rule\", \"decision\"}, …]}.", NULL, 1, 1, &argc, &argv))
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
  g_autofree char *attempt_text = NULL;
  const GOptionEntry entries[] = {
    { "attempt", 0, 0, G_OPTION_ARG_STRING, &attempt_text, "Decide this attempt (an id from “exam results”) "
      "rather than the taker's latest", "ID" },
    { NULL }
  };
  gint64 job, user = 0, attempt = 0;

  if (!quorum_cli_session_parse (&session, pass ? "exam pass" : "exam fail", "JOB USER|--attempt ID",
                                 pass ? "Pass an attempt at an exam: its taker gets the credentials the exam "
                                        "awards (project admins who do not take the exam)."
                                      : "Fail an attempt at an exam; its taker may try again within the "
                                        "exam's attempts (project admins who do not take the exam).",
                                 "USER is a name or an id: their latest attempt.\n"
                                 "--json prints {\"job\", \"user\" or \"attempt\", \"decision\"}.",
                                 entries, 1, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if ((argc == 3) == (attempt_text != NULL))
    return quorum_cli_session_usage (&session, "give either USER or --attempt ID");
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error) ||
      (attempt_text != NULL && !quorum_cli_parse_id (attempt_text, "--attempt", &attempt, &error)) ||
      (attempt_text == NULL && !quorum_cli_resolve_user (&session, argv[2], &user, &error)))
    return quorum_cli_session_fail (&session, error);
  reply = attempt > 0
          ? quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/attempts/%"
                             G_GINT64_FORMAT "/%s", job, attempt, pass ? "pass" : "fail")
          : quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/results/%"
                             G_GINT64_FORMAT "/%s", job, user, pass ? "pass" : "fail");
  if (reply == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      g_autoptr(JsonObject) shown = json_object_new ();

      json_object_set_int_member (shown, "job", job);
      json_object_set_int_member (shown, attempt > 0 ? "attempt" : "user", attempt > 0 ? attempt : user);
      json_object_set_string_member (shown, "decision", pass ? "pass" : "fail");
      quorum_cli_print_object (shown);
    }
  else if (attempt > 0)
    printf ("Attempt %" G_GINT64_FORMAT " at exam %" G_GINT64_FORMAT " %s.\n", attempt, job,
            pass ? "passed" : "failed");
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

static int
exam_list (int    argc,
           char **argv)
{
  static const char * const columns[] = { "id:Exam", "name:Name", "awards:Awards", "max_attempts:Attempts",
                                          "can_apply:Can apply", "why_not:Why not", NULL };
  static const QuorumCliList list = {
    .command = "exam list",
    .summary = "List the open exams you may take, what each awards and where your attempts stand.",
    .description = "--json prints [{\"id\", \"name\", \"project\", \"awards\", \"requires\", \"pass_rule\",\n"
                   "\"max_attempts\", \"retake_wait\", \"attempts\": [{\"id\", \"number\", \"state\", "
                   "\"started\", \"decided\"}],\n\"can_apply\", \"why_not\"}, …].",
    .path = "/exams",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static int
exam_result (int    argc,
             char **argv)
{
  static const char * const columns[] = { "file_name:File", "review_state:Review", "average_stars:Stars",
                                          "missed:Missed", "gold_score:Gold score", "comments:Comments", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 attempt;

  if (!quorum_cli_session_parse (&session, "exam result", "ATTEMPT",
                                 "Show an attempt's result: your own, or any to the exam's trainers.",
                                 "The gold appears only when the exam shows answers and the attempt is decided.\n"
                                 "--json prints {\"id\", \"number\", \"state\", \"exam\", \"decision\", "
                                 "\"pass_rule\", \"average_stars\",\n\"missed\", \"gold_score\", "
                                 "\"meets_pass_rule\", \"tasks\": [{\"file_name\", \"instances\", \"stars\", "
                                 "\"comments\", …}]}.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "ATTEMPT", &attempt, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "/attempts/%" G_GINT64_FORMAT, attempt)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else if (!JSON_NODE_HOLDS_OBJECT (reply))
    {
      g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the server's reply is not an attempt");
      return quorum_cli_session_fail (&session, error);
    }
  else
    {
      JsonObject *object = json_node_get_object (reply);
      g_autofree char *exam = quorum_cli_format_member (object, "exam");
      g_autofree char *number = quorum_cli_format_member (object, "number");
      g_autofree char *state = quorum_cli_format_member (object, "state");
      g_autofree char *stars = quorum_cli_format_member (object, "average_stars");
      g_autofree char *missed = quorum_cli_format_member (object, "missed");
      g_autofree char *gold = quorum_cli_format_member (object, "gold_score");

      printf ("%s, attempt %s: %s\nAverage stars %s, missed %s, gold score %s\n\n", exam, number, state, stars,
              missed, gold);
      quorum_cli_print_table (json_object_get_member (object, "tasks"), columns);
    }
  return QUORUM_CLI_OK;
}

static int
exam_close (int    argc,
            char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "exam close", "JOB",
                                 "Close an exam to new attempts; its results stay (editors).",
                                 "--json prints {\"job\", \"state\": \"complete\"}.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/close", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      g_autoptr(JsonObject) shown = json_object_new ();

      json_object_set_int_member (shown, "job", job);
      json_object_set_string_member (shown, "state", "complete");
      quorum_cli_print_object (shown);
    }
  else
    printf ("Exam %" G_GINT64_FORMAT " is closed to new attempts.\n", job);
  return QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "list", "", "List the exams you may take", exam_list },
  { "apply", "JOB", "Take an exam (a new attempt)", exam_apply },
  { "result", "ATTEMPT", "Show an attempt's result", exam_result },
  { "results", "JOB", "Show every attempt at an exam", exam_results },
  { "pass", "JOB USER|--attempt ID", "Pass an attempt", exam_pass },
  { "fail", "JOB USER|--attempt ID", "Fail an attempt", exam_fail },
  { "close", "JOB", "Close an exam to new attempts", exam_close },
};

int
quorum_cli_exam (int    argc,
                 char **argv)
{
  return quorum_cli_dispatch ("exam", "Exams: jobs scored against gold-standard instances that award "
                              "credentials.", actions, G_N_ELEMENTS (actions), argc, argv);
}
