/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "quorum-cli.h"
#include "quorum-error.h"

static const char * const task_states[] = {
  "waiting", "available", "assigned", "in_progress", "submitted", "accepted", "rejected", "complete", NULL
};
static const char * const task_kinds[] = { "draw", "review", "consensus", NULL };

static gboolean
parse_count (const char  *text,
             const char  *option,
             gint64       minimum,
             gint64      *value,
             GError     **error)
{
  if (!g_ascii_string_to_signed (text, 10, minimum, G_MAXINT32, value, NULL))
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: must be a whole number, at least %" G_GINT64_FORMAT
                   ", not “%s”", option, minimum, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_number (const char  *text,
              const char  *option,
              double      *value,
              GError     **error)
{
  char *end = NULL;

  errno = 0;
  *value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || errno != 0 || !isfinite (*value))
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: must be a number, not “%s”", option, text);
      return FALSE;
    }
  return TRUE;
}

/* Credentials are given by id or name; the job settings name them. */
static JsonArray *
credential_names (QuorumCliSession  *session,
                  gint64             project,
                  char             **given,
                  const char        *option,
                  JsonNode         **known,
                  GError           **error)
{
  g_autoptr(JsonArray) names = json_array_new ();

  for (guint i = 0; given != NULL && given[i] != NULL; i++)
    {
      guint64 id;
      const char *name = NULL;

      if (!g_ascii_string_to_unsigned (given[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          json_array_add_string_element (names, given[i]);
          continue;
        }
      if (*known == NULL &&
          (*known = quorum_cli_call (session, "GET", NULL, error, "/projects/%" G_GINT64_FORMAT "/credentials",
                                     project)) == NULL)
        return NULL;
      if (!JSON_NODE_HOLDS_ARRAY (*known))
        {
          g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                               "the server's reply is not a list of credentials");
          return NULL;
        }
      for (guint j = 0; j < json_array_get_length (json_node_get_array (*known)); j++)
        {
          JsonNode *element = json_array_get_element (json_node_get_array (*known), j);
          JsonObject *credential = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

          if (credential != NULL && json_object_get_int_member_with_default (credential, "id", 0) == (gint64) id)
            name = json_object_get_string_member_with_default (credential, "name", NULL);
        }
      if (name == NULL)
        {
          g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: project %" G_GINT64_FORMAT " has no credential %s",
                       option, project, given[i]);
          return NULL;
        }
      json_array_add_string_element (names, name);
    }
  return g_steal_pointer (&names);
}

static JsonArray *
file_ids (int      argc,
          char   **argv,
          int      first,
          GError **error)
{
  g_autoptr(JsonArray) ids = json_array_new ();

  for (int i = first; i < argc; i++)
    {
      gint64 id;

      if (!quorum_cli_parse_id (argv[i], "FILE_ID", &id, error))
        return NULL;
      json_array_add_int_element (ids, id);
    }
  return g_steal_pointer (&ids);
}

static int
job_new (int    argc,
         char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) known = NULL;
  g_autofree char *project_text = NULL, *passes = NULL, *frequency = NULL, *consensus = NULL;
  g_autofree char *share = NULL, *type = NULL, *guide = NULL, *review_guide = NULL, *threshold = NULL;
  g_autofree char *min_stars = NULL, *max_missed = NULL, *max_attempts = NULL, *retake_wait = NULL;
  g_autofree char *bid = NULL, *currency = NULL, *bid_per = NULL, *deadline = NULL;
  g_auto(GStrv) requires = NULL;
  g_auto(GStrv) awards = NULL;
  gboolean launch = FALSE, not_blind = FALSE, show_answers = FALSE;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project_text, "The project", "ID" },
    { "passes", 0, 0, G_OPTION_ARG_STRING, &passes, "Annotators per file, P ≥ 1 (default 1)", "N" },
    { "review-frequency", 0, 0, G_OPTION_ARG_STRING, &frequency,
      "Review every R-th draw task; 0, the default, for no review", "R" },
    { "consensus", 0, 0, G_OPTION_ARG_STRING, &consensus,
      "With P > 1: best (Best Annotator, the default) or merge (Manual Merge)", "best|merge" },
    { "not-blind", 0, 0, G_OPTION_ARG_NONE, &not_blind, "Let annotators of a file see each other's work", NULL },
    { "share", 0, 0, G_OPTION_ARG_STRING, &share, "Who sees the job: project (default), org or market",
      "SHARE" },
    { "bid", 0, 0, G_OPTION_ARG_STRING, &bid, "A market job's bid, like 0.40 (with --currency and --deadline)",
      "AMOUNT" },
    { "currency", 0, 0, G_OPTION_ARG_STRING, &currency, "The bid's currency, an ISO 4217 code like EUR", "CODE" },
    { "bid-per", 0, 0, G_OPTION_ARG_STRING, &bid_per, "The bid is per task (default) or for the whole job",
      "task|job" },
    { "deadline", 0, 0, G_OPTION_ARG_STRING, &deadline,
      "Until when organizations may apply to a market job, like 2027-01-31T00:00:00Z", "TIME" },
    { "requires", 0, 0, G_OPTION_ARG_STRING_ARRAY, &requires,
      "A credential workers must hold (id, name, or ORG/NAME for an organization's); repeat for several",
      "CRED" },
    { "awards", 0, 0, G_OPTION_ARG_STRING_ARRAY, &awards,
      "A credential (id or name) passing this exam grants; repeat for several", "CRED" },
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, "normal (default) or exam", "TYPE" },
    { "guide", 0, 0, G_OPTION_ARG_STRING, &guide, "The draw guide", "GUIDE_ID" },
    { "review-guide", 0, 0, G_OPTION_ARG_STRING, &review_guide, "The review guide", "GUIDE_ID" },
    { "threshold", 0, 0, G_OPTION_ARG_STRING, &threshold, "Match threshold τ, 0 < τ ≤ 1 (default 0.5)", "T" },
    { "min-stars", 0, 0, G_OPTION_ARG_STRING, &min_stars, "Exam pass rule: least average stars (default 3)",
      "S" },
    { "max-missed", 0, 0, G_OPTION_ARG_STRING, &max_missed, "Exam pass rule: most missed instances (default 0)",
      "M" },
    { "max-attempts", 0, 0, G_OPTION_ARG_STRING, &max_attempts, "Exam: attempts per person (default 3)", "N" },
    { "retake-wait", 0, 0, G_OPTION_ARG_STRING, &retake_wait,
      "Exam: seconds between a decided attempt and the next (default 0)", "SECONDS" },
    { "show-answers", 0, 0, G_OPTION_ARG_NONE, &show_answers,
      "Exam: a taker sees the gold once their attempt is decided", NULL },
    { "launch", 0, 0, G_OPTION_ARG_NONE, &launch, "Launch the job at once", NULL },
    { NULL }
  };
  gint64 project, number;
  double value;

  if (!quorum_cli_session_parse (&session, "job new", "--project ID NAME [FILE_ID…]",
                                 "Create a job over some of a project's files (editors).",
                                 "The job starts as a draft (files can still be added or removed) unless\n"
                                 "--launch is given. Launching plans the tasks of DESIGN §2: per file, P draw\n"
                                 "tasks; a review of every R-th draw task; one consensus task when P > 1.\n"
                                 "An exam (--type exam) forces P = 1 and R = 1 and must --award a credential.\n"
                                 "Prints the job's id; --json prints the job\n"
                                 "{\"id\", \"project\", \"state\", \"settings\", \"created\", \"files\"}.",
                                 entries, 1, -1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (project_text, "--project", &project, &error))
    return quorum_cli_session_fail (&session, error);
  json_object_set_string_member (settings, "name", argv[1]);
  if (type != NULL)
    {
      if (!g_str_equal (type, "normal") && !g_str_equal (type, "exam"))
        return quorum_cli_session_usage (&session, "--type: normal or exam, not “%s”", type);
      json_object_set_string_member (settings, "type", type);
    }
  if (share != NULL)
    {
      if (!g_str_equal (share, "project") && !g_str_equal (share, "org") && !g_str_equal (share, "market"))
        return quorum_cli_session_usage (&session, "--share: project, org or market, not “%s”", share);
      json_object_set_string_member (settings, "share", share);
    }
  /* The server checks the terms and names the field it refuses. */
  if (bid != NULL || currency != NULL || bid_per != NULL || deadline != NULL)
    {
      JsonObject *market = json_object_new ();
      JsonObject *bid_object = json_object_new ();

      if (bid != NULL)
        json_object_set_string_member (bid_object, "amount", bid);
      if (currency != NULL)
        json_object_set_string_member (bid_object, "currency", currency);
      json_object_set_string_member (bid_object, "per", bid_per != NULL ? bid_per : "task");
      json_object_set_object_member (market, "bid", bid_object);
      if (deadline != NULL)
        json_object_set_string_member (market, "deadline", deadline);
      json_object_set_object_member (settings, "market", market);
    }
  if (passes != NULL)
    {
      if (!parse_count (passes, "--passes", 1, &number, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_int_member (settings, "passes_per_file", number);
    }
  if (frequency != NULL)
    {
      if (!parse_count (frequency, "--review-frequency", 0, &number, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_int_member (settings, "review_frequency", number);
    }
  if (consensus != NULL)
    {
      if (g_str_equal (consensus, "best") || g_str_equal (consensus, "best_annotator"))
        json_object_set_string_member (settings, "consensus", "best_annotator");
      else if (g_str_equal (consensus, "merge") || g_str_equal (consensus, "manual_merge"))
        json_object_set_string_member (settings, "consensus", "manual_merge");
      else
        return quorum_cli_session_usage (&session, "--consensus: best or merge, not “%s”", consensus);
    }
  if (not_blind)
    json_object_set_boolean_member (settings, "blind", FALSE);
  if (threshold != NULL)
    {
      if (!parse_number (threshold, "--threshold", &value, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_double_member (settings, "threshold", value);
    }
  if (min_stars != NULL || max_missed != NULL)
    {
      JsonObject *rule = json_object_new ();

      json_object_set_object_member (settings, "pass_rule", rule);
      if (min_stars != NULL)
        {
          if (!parse_number (min_stars, "--min-stars", &value, &error))
            return quorum_cli_session_fail (&session, error);
          json_object_set_double_member (rule, "min_average_stars", value);
        }
      if (max_missed != NULL)
        {
          if (!parse_count (max_missed, "--max-missed", 0, &number, &error))
            return quorum_cli_session_fail (&session, error);
          json_object_set_int_member (rule, "max_missed", number);
        }
    }
  if (max_attempts != NULL)
    {
      if (!parse_count (max_attempts, "--max-attempts", 1, &number, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_int_member (settings, "max_attempts", number);
    }
  if (retake_wait != NULL)
    {
      if (!parse_count (retake_wait, "--retake-wait", 0, &number, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_int_member (settings, "retake_wait", number);
    }
  if (show_answers)
    json_object_set_boolean_member (settings, "show_answers", TRUE);
  if (guide != NULL)
    {
      if (!quorum_cli_parse_id (guide, "--guide", &number, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_string_member (settings, "draw_guide", guide);
    }
  if (review_guide != NULL)
    {
      if (!quorum_cli_parse_id (review_guide, "--review-guide", &number, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_string_member (settings, "review_guide", review_guide);
    }
  {
    JsonArray *required = credential_names (&session, project, requires, "--requires", &known, &error);
    JsonArray *awarded;

    if (required == NULL)
      return quorum_cli_session_fail (&session, error);
    json_object_set_array_member (settings, "required_credentials", required);
    if ((awarded = credential_names (&session, project, awards, "--awards", &known, &error)) == NULL)
      return quorum_cli_session_fail (&session, error);
    json_object_set_array_member (settings, "awarded_credentials", awarded);
  }
  {
    JsonArray *files = file_ids (argc, argv, 2, &error);

    if (files == NULL)
      return quorum_cli_session_fail (&session, error);
    json_object_set_array_member (object, "files", files);
  }
  json_object_set_object_member (object, "settings", json_object_ref (settings));
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/projects/%" G_GINT64_FORMAT "/jobs",
                                project)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (launch)
    {
      gint64 id;

      if (!quorum_cli_reply_id (reply, &id, &error))
        return quorum_cli_session_fail (&session, error);
      g_clear_pointer (&reply, json_node_unref);
      if ((reply = quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/launch",
                                    id)) == NULL)
        {
          fprintf (stderr, "quorumctl job new: job %" G_GINT64_FORMAT " was created as a draft, "
                   "but not launched:\n", id);
          return quorum_cli_session_fail (&session, error);
        }
    }
  return quorum_cli_session_print_id (&session, reply);
}

static int
job_files (int    argc,
           char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonNode *files_node;
  JsonArray *files;
  gboolean add;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "job files", "add|remove JOB FILE_ID…",
                                 "Add files to a draft job, or remove them (editors).",
                                 "--json prints the job with its files.", NULL, 3, -1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!g_str_equal (argv[1], "add") && !g_str_equal (argv[1], "remove"))
    return quorum_cli_session_usage (&session, "give add or remove, not “%s”", argv[1]);
  add = g_str_equal (argv[1], "add");
  if (!quorum_cli_parse_id (argv[2], "JOB", &job, &error) || (files = file_ids (argc, argv, 3, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  json_object_set_array_member (object, add ? "add" : "remove", files);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "PUT", body, &error, "/jobs/%" G_GINT64_FORMAT "/files", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else if ((files_node = quorum_cli_reply_member (reply, "files", JSON_NODE_ARRAY, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  else
    printf ("Job %" G_GINT64_FORMAT " has %u file(s).\n", job, json_array_get_length (json_node_get_array (files_node)));
  return QUORUM_CLI_OK;
}

static int
job_launch (int    argc,
            char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "job launch", "JOB",
                                 "Launch a draft job: plan its tasks and open them to workers (editors).",
                                 "--json prints the job, now “launched”.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "POST", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/launch", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else
    printf ("Job %" G_GINT64_FORMAT " is launched.\n", job);
  return QUORUM_CLI_OK;
}

/* The task counts per kind and state of GET /jobs/{id}/status, a row a kind. */
static void
print_task_counts (JsonObject *tasks)
{
  guint width = strlen ("consensus");

  printf ("%-*s", width + 2, "Tasks");
  for (guint s = 0; task_states[s] != NULL; s++)
    printf ("%*s", (int) strlen (task_states[s]) + 2, task_states[s]);
  printf ("%*s\n", 7, "total");
  for (guint k = 0; task_kinds[k] != NULL; k++)
    {
      JsonNode *kind = json_object_get_member (tasks, task_kinds[k]);
      JsonObject *counts = kind != NULL && JSON_NODE_HOLDS_OBJECT (kind) ? json_node_get_object (kind) : NULL;
      gint64 total = 0;

      printf ("%-*s", width + 2, task_kinds[k]);
      for (guint s = 0; task_states[s] != NULL; s++)
        {
          gint64 n = counts != NULL ? json_object_get_int_member_with_default (counts, task_states[s], 0) : 0;

          total += n;
          printf ("%*" G_GINT64_FORMAT, (int) strlen (task_states[s]) + 2, n);
        }
      printf ("%*" G_GINT64_FORMAT "\n", 7, total);
    }
}

static void
print_status (JsonObject *status)
{
  static const char * const file_columns[] = { "file:File", "name:Name", "done:Done", "tasks:Tasks", NULL };
  g_autofree char *job = quorum_cli_format_member (status, "job");
  g_autofree char *state = quorum_cli_format_member (status, "state");

  printf ("Job %s: %s\n\n", job, state);
  print_task_counts (json_object_get_object_member (status, "tasks"));
  printf ("\n");
  quorum_cli_print_table (json_object_get_member (status, "files"), file_columns);
}

static int
job_status (int    argc,
            char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "job status", "JOB",
                                 "Show a job's progress: task counts per kind and state, and per file.",
                                 "--json prints {\"job\", \"state\", \"tasks\": {KIND: {STATE: COUNT}},\n"
                                 "\"files\": [{\"file\", \"name\", \"tasks\", \"done\"}, …]}; kinds and states\n"
                                 "with no task are left out.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/status", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else if (quorum_cli_reply_member (reply, "tasks", JSON_NODE_OBJECT, &error) == NULL)
    return quorum_cli_session_fail (&session, error);
  else
    print_status (json_node_get_object (reply));
  return QUORUM_CLI_OK;
}

/* ---- job stats ---------------------------------------------------------- */

/* The per-annotator columns of --csv, in order; "exam_attempts" and
 * "exam_passed" come from the row's "exam". */
static const char * const csv_columns[] = {
  "user", "name", "tasks_done", "timed_tasks", "median_seconds", "reviewed", "accepted_in_review",
  "acceptance_rate", "scored_pairs", "agreement_with_others", "truth_files", "agreement_with_truth",
  "exam_attempts", "exam_passed", NULL
};

/* An annotator row with its exam result as two plain members, for tables. */
static void
flatten_exam (JsonObject *annotator)
{
  JsonNode *exam = json_object_get_member (annotator, "exam");

  if (exam != NULL && JSON_NODE_HOLDS_OBJECT (exam))
    {
      JsonObject *result = json_node_get_object (exam);

      json_object_set_member (annotator, "exam_attempts",
                              json_node_copy (json_object_get_member (result, "attempts")));
      json_object_set_member (annotator, "exam_passed", json_node_copy (json_object_get_member (result, "passed")));
    }
  else
    {
      json_object_set_null_member (annotator, "exam_attempts");
      json_object_set_null_member (annotator, "exam_passed");
    }
}

/* A CSV field (RFC 4180): numbers in full, null empty, text quoted when it
 * holds a comma, a quote or a line break. */
static void
print_csv_field (JsonObject *row,
                 const char *member)
{
  JsonNode *node = json_object_get_member (row, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node))
    return;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        fputs (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)), stdout);
      }
      break;
    case G_TYPE_BOOLEAN:
      fputs (json_node_get_boolean (node) ? "true" : "false", stdout);
      break;
    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);

        if (strpbrk (text, ",\"\r\n") == NULL)
          fputs (text, stdout);
        else
          {
            fputc ('"', stdout);
            for (const char *c = text; *c != '\0'; c++)
              {
                if (*c == '"')
                  fputc ('"', stdout);
                fputc (*c, stdout);
              }
            fputc ('"', stdout);
          }
      }
      break;
    default:
      break;
    }
}

static void
print_stats_csv (JsonArray *annotators)
{
  for (guint c = 0; csv_columns[c] != NULL; c++)
    printf ("%s%s", c > 0 ? "," : "", csv_columns[c]);
  fputs ("\r\n", stdout);
  for (guint i = 0; i < json_array_get_length (annotators); i++)
    {
      JsonNode *element = json_array_get_element (annotators, i);

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      for (guint c = 0; csv_columns[c] != NULL; c++)
        {
          if (c > 0)
            fputc (',', stdout);
          print_csv_field (json_node_get_object (element), csv_columns[c]);
        }
      fputs ("\r\n", stdout);
    }
}

static void
print_stats (JsonObject *stats,
             gboolean    exam)
{
  static const char * const file_columns[] = {
    "file:File", "name:Name", "passes_done:Passes done", "passes:Passes", "agreement:Agreement", NULL
  };
  static const char * const annotator_columns[] = {
    "user:User", "name:Name", "tasks_done:Done", "median_seconds:Median s", "acceptance_rate:Accepted",
    "agreement_with_others:With others", "agreement_with_truth:With truth", NULL
  };
  static const char * const exam_columns[] = {
    "user:User", "name:Name", "tasks_done:Done", "median_seconds:Median s", "agreement_with_truth:With truth",
    "exam_attempts:Attempts", "exam_passed:Passed", NULL
  };
  JsonObject *progress = json_object_get_object_member (stats, "progress");
  g_autofree char *job = quorum_cli_format_member (stats, "job");
  g_autofree char *name = quorum_cli_format_member (stats, "name");
  g_autofree char *type = quorum_cli_format_member (stats, "type");
  g_autofree char *state = quorum_cli_format_member (stats, "state");
  JsonNode *fraction = json_object_get_member (progress, "fraction");

  printf ("Job %s “%s” (%s, %s)\n", job, name, type, state);
  printf ("Progress: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " draw passes accepted",
          json_object_get_int_member_with_default (progress, "accepted", 0),
          json_object_get_int_member_with_default (progress, "passes", 0));
  if (fraction != NULL && !JSON_NODE_HOLDS_NULL (fraction))
    printf (" (%.1f %%)", 100.0 * json_node_get_double (fraction));
  printf ("\n\n");
  print_task_counts (json_object_get_object_member (stats, "tasks"));
  printf ("\n");
  quorum_cli_print_table (json_object_get_member (stats, "files"), file_columns);
  printf ("\n");
  quorum_cli_print_table (json_object_get_member (stats, "annotators"), exam ? exam_columns : annotator_columns);
}

static int
job_stats (int    argc,
           char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gboolean csv = FALSE;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print the per-annotator table as CSV", NULL },
    { NULL }
  };
  JsonNode *annotators;
  gint64 job;

  if (!quorum_cli_session_parse (&session, "job stats", "JOB [--csv]",
                                 "Show a job's overview (editors and admins of its project): progress, each\n"
                                 "file's agreement, and per annotator the tasks done, the median time per\n"
                                 "task, the acceptance rate in review, the agreement with the others and\n"
                                 "with the ground truth, and exam results. docs/api.md defines each figure.",
                                 "--json prints the reply of GET /jobs/{id}/stats. --csv prints the\n"
                                 "per-annotator table, a row per annotator, with a header line:\n"
                                 "user,name,tasks_done,timed_tasks,median_seconds,reviewed,accepted_in_review,\n"
                                 "acceptance_rate,scored_pairs,agreement_with_others,truth_files,\n"
                                 "agreement_with_truth,exam_attempts,exam_passed (an empty field is null).",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (csv && session.json)
    return quorum_cli_session_usage (&session, "give --json or --csv, not both");
  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "/jobs/%" G_GINT64_FORMAT "/stats", job)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      quorum_cli_print_json (reply);
      return QUORUM_CLI_OK;
    }
  if ((annotators = quorum_cli_reply_member (reply, "annotators", JSON_NODE_ARRAY, &error)) == NULL ||
      quorum_cli_reply_member (reply, "tasks", JSON_NODE_OBJECT, &error) == NULL ||
      quorum_cli_reply_member (reply, "progress", JSON_NODE_OBJECT, &error) == NULL)
    return quorum_cli_session_fail (&session, error);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (annotators)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (annotators), i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        flatten_exam (json_node_get_object (element));
    }
  if (csv)
    print_stats_csv (json_node_get_array (annotators));
  else
    print_stats (json_node_get_object (reply),
                 g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (reply), "type", ""),
                            "exam") == 0);
  return QUORUM_CLI_OK;
}

static int
job_list (int    argc,
          char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *project_text = NULL;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project_text, "The project", "ID" },
    { NULL }
  };
  gint64 project;

  if (!quorum_cli_session_parse (&session, "job list", "--project ID", "List a project's jobs.",
                                 "--json prints [{\"id\", \"project\", \"state\", \"settings\", \"created\", "
                                 "\"n_files\"}, …].", entries, 0, 0, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (project_text, "--project", &project, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "/projects/%" G_GINT64_FORMAT "/jobs",
                                project)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else if (!JSON_NODE_HOLDS_ARRAY (reply))
    {
      g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the server's reply is not a list of jobs");
      return quorum_cli_session_fail (&session, error);
    }
  else
    {
      g_autoptr(JsonObject) no_settings = json_object_new ();

      printf ("ID  State      Files  P  R  Type    Name\n");
      for (guint i = 0; i < json_array_get_length (json_node_get_array (reply)); i++)
        {
          JsonNode *element = json_array_get_element (json_node_get_array (reply), i);
          JsonObject *job = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          JsonNode *settings_node = job != NULL ? json_object_get_member (job, "settings") : NULL;
          JsonObject *settings = settings_node != NULL && JSON_NODE_HOLDS_OBJECT (settings_node)
                                 ? json_node_get_object (settings_node) : no_settings;

          if (job == NULL)
            continue;
          printf ("%-3" G_GINT64_FORMAT " %-10s %-6" G_GINT64_FORMAT " %-2" G_GINT64_FORMAT " %-2" G_GINT64_FORMAT
                  " %-7s %s\n", json_object_get_int_member_with_default (job, "id", 0),
                  json_object_get_string_member_with_default (job, "state", "-"),
                  json_object_get_int_member_with_default (job, "n_files", 0),
                  json_object_get_int_member_with_default (settings, "passes_per_file", 1),
                  json_object_get_int_member_with_default (settings, "review_frequency", 0),
                  json_object_get_string_member_with_default (settings, "type", "normal"),
                  json_object_get_string_member_with_default (settings, "name", ""));
        }
    }
  return QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "new", "--project ID NAME [OPTION…] [FILE_ID…]", "Create a job", job_new },
  { "files", "add|remove JOB FILE_ID…", "Change a draft job's files", job_files },
  { "launch", "JOB", "Launch a draft job", job_launch },
  { "status", "JOB", "Show a job's progress", job_status },
  { "stats", "JOB [--json|--csv]", "Show a job's overview: progress, agreement, annotators", job_stats },
  { "list", "--project ID", "List a project's jobs", job_list },
};

int
quorum_cli_job (int    argc,
                char **argv)
{
  return quorum_cli_dispatch ("job", "Jobs: batches of files to annotate, review and bring to consensus.",
                              actions, G_N_ELEMENTS (actions), argc, argv);
}
