/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>
#include <string.h>

#include "quorum-cli.h"
#include "quorum-error.h"

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

/* POST /jobs/{JOB}/files/{FILE}/readers for argv[1..3]: one more labeller. */
static int
add_reader (QuorumCliSession *session,
            char            **argv)
{
  static const char * const fields[] = { "id:ID", "kind:Kind", "pass:Pass", "state:State", "assignee:Assignee",
                                         "version:Version", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 job, file, user;

  if (!quorum_cli_parse_id (argv[1], "JOB", &job, &error) ||
      !quorum_cli_parse_id (argv[2], "FILE", &file, &error) ||
      !quorum_cli_resolve_user (session, argv[3], &user, &error))
    return quorum_cli_session_fail (session, error);
  json_object_set_int_member (object, "user", user);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (session, "POST", body, &error,
                                "/jobs/%" G_GINT64_FORMAT "/files/%" G_GINT64_FORMAT "/readers", job, file)) == NULL)
    return quorum_cli_session_fail (session, error);
  quorum_cli_session_print (session, reply, fields);
  return QUORUM_CLI_OK;
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

  if (!quorum_cli_session_parse (&session, "task assign", "TASK USER | JOB FILE USER",
                                 "Give a task to a user by hand, or a file one more labeller (project admins).",
                                 "TASK USER: an admin may put more than P annotators on a file, but never\n"
                                 "gives one person two passes of a file, nor a review or consensus task to\n"
                                 "one of the file's annotators (the server refuses: exit status 1).\n"
                                 "JOB FILE USER: the same as task add-reader, one more pass of FILE given\n"
                                 "to USER. USER is a name or an id. --json prints the task.",
                                 NULL, 2, 3, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (argc == 4)
    return add_reader (&session, argv);
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
task_add_reader (int    argc,
                 char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };

  if (!quorum_cli_session_parse (&session, "task add-reader", "JOB FILE USER",
                                 "Add one more labeller to a file of a consensus job (project admins).",
                                 "A new pass of FILE is given to USER beyond the job's passes per file;\n"
                                 "the file's consensus waits for it and scores every set. Refused once\n"
                                 "the consensus has begun, and under the rules of task assign.\n"
                                 "USER is a name or an id. --json prints the new draw task.\n"
                                 "“task assign JOB FILE USER” does the same.",
                                 NULL, 3, 3, &argc, &argv))
    return QUORUM_CLI_USAGE;
  return add_reader (&session, argv);
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

/* A --pin: "INSTANCE:TEXT" or "X,Y:TEXT" (image pixels), as a pin object. */
static JsonObject *
parse_pin (const char  *text,
           GError     **error)
{
  const char *colon = strchr (text, ':');
  g_autofree char *where = NULL;
  g_autoptr(JsonObject) pin = NULL;
  g_auto(GStrv) xy = NULL;
  double x, y;
  char *end;

  if (colon == NULL || colon == text || colon[1] == '\0')
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0,
                   "--pin %s: give INSTANCE:TEXT or X,Y:TEXT", text);
      return NULL;
    }
  where = g_strndup (text, colon - text);
  pin = json_object_new ();
  json_object_set_string_member (pin, "text", colon + 1);
  xy = g_strsplit (where, ",", -1);
  if (g_strv_length (xy) == 2 && (x = g_ascii_strtod (xy[0], &end), *end == '\0' && end != xy[0]) &&
      (y = g_ascii_strtod (xy[1], &end), *end == '\0' && end != xy[1]))
    {
      json_object_set_double_member (pin, "x", x);
      json_object_set_double_member (pin, "y", y);
    }
  else if (strchr (where, ',') != NULL)
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "--pin %s: “%s” is not a point X,Y", text, where);
      return NULL;
    }
  else
    json_object_set_string_member (pin, "instance", where);
  return g_steal_pointer (&pin);
}

/* Accept or reject a review or consensus task with a task comment and pins. */
static int
task_decide (int         argc,
             char      **argv,
             gboolean    accept)
{
  static const char * const fields[] = { "id:ID", "kind:Kind", "state:State", "version:Version", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *comment = NULL;
  g_auto(GStrv) pins = NULL;
  JsonArray *pin_list;
  gint64 task;
  const GOptionEntry entries[] = {
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment,
      accept ? "A comment on the task" : "What to change, on the task as a whole (required)", "TEXT" },
    { "pin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &pins,
      "A comment pinned to an instance of the set, or to a point of the image (repeatable)",
      "INSTANCE:TEXT|X,Y:TEXT" },
    { NULL }
  };

  if (!quorum_cli_session_parse (&session, accept ? "task accept" : "task reject",
                                 accept ? "TASK [--comment TEXT] [--pin …]" : "TASK --comment TEXT [--pin …]",
                                 accept ? "Accept a review or consensus task you hold."
                                        : "Send the work a review or consensus task you hold is about back to "
                                          "its annotator(s).",
                                 "A pin names an instance id of the reviewed set (--pin ab12:'too loose') or a\n"
                                 "point of the image in pixels (--pin 120,45:'a car is missing here').\n"
                                 "--json prints the task after the decision.",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "TASK", &task, &error))
    return quorum_cli_session_fail (&session, error);
  if (!accept && (comment == NULL || g_strstrip (comment)[0] == '\0'))
    return quorum_cli_session_usage (&session, "--comment: say what to change");
  if (comment != NULL)
    json_object_set_string_member (object, "comment", comment);
  pin_list = json_array_new ();
  json_object_set_array_member (object, "pins", pin_list);
  for (guint i = 0; pins != NULL && pins[i] != NULL; i++)
    {
      JsonObject *pin = parse_pin (pins[i], &error);

      if (pin == NULL)
        return quorum_cli_session_fail (&session, error);
      json_array_add_object_element (pin_list, pin);
    }
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/tasks/%" G_GINT64_FORMAT "/%s", task,
                                accept ? "accept" : "reject")) == NULL)
    return quorum_cli_session_fail (&session, error);
  quorum_cli_session_print (&session, reply, fields);
  return QUORUM_CLI_OK;
}

static int
task_reject (int    argc,
             char **argv)
{
  return task_decide (argc, argv, FALSE);
}

static int
task_accept (int    argc,
             char **argv)
{
  return task_decide (argc, argv, TRUE);
}

/* "a1, a2" of an array of strings, or "none". */
static char *
join_ids (JsonObject *object,
          const char *member)
{
  JsonArray *ids = json_object_get_array_member (object, member);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", json_array_get_string_element (ids, i));
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : g_strdup ("none");
}

static int
task_comments (int    argc,
               char **argv)
{
  static const char * const columns[] = { "round:Round", "task:Task", "author_name:Reviewer", "on:On",
                                          "text:Comment", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) rows = NULL;
  JsonObject *object;
  JsonArray *comments, *shown;
  JsonNode *changed;
  gint64 task;

  if (!quorum_cli_session_parse (&session, "task comments", "TASK",
                                 "List the review comments on a task, every round.",
                                 "For a draw task, its own; for a review task, those on its draw task; for a\n"
                                 "consensus task, those written with its decisions. With what changed in the\n"
                                 "draw task's set since it was last rejected.\n"
                                 "--json prints {\"task\", \"kind\", \"draw\", \"comments\": [{\"id\", \"task\", "
                                 "\"round\",\n\"decision\", \"text\", \"pin\", \"author\", \"author_name\", "
                                 "\"created\"}, …], \"changed_since\":\n{\"round\", \"added\", \"removed\", "
                                 "\"changed\"} | null}.", NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "TASK", &task, &error))
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "/tasks/%" G_GINT64_FORMAT "/comments",
                                task)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      quorum_cli_print_json (reply);
      return QUORUM_CLI_OK;
    }
  if (!JSON_NODE_HOLDS_OBJECT (reply) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (reply), "comments")))
    {
      g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the server's reply has no comments");
      return quorum_cli_session_fail (&session, error);
    }
  object = json_node_get_object (reply);
  comments = json_object_get_array_member (object, "comments");
  if (json_array_get_length (comments) == 0)
    printf ("No review comments on task %" G_GINT64_FORMAT ".\n", task);
  shown = json_array_new ();
  for (guint i = 0; i < json_array_get_length (comments); i++)
    {
      JsonObject *comment = json_object_ref (json_array_get_object_element (comments, i));
      JsonNode *pin = json_object_get_member (comment, "pin");
      g_autofree char *on = NULL;

      if (pin == NULL || !JSON_NODE_HOLDS_OBJECT (pin))
        on = g_strdup ("the task");
      else if (json_object_has_member (json_node_get_object (pin), "instance"))
        on = g_strdup_printf ("instance %s", json_object_get_string_member (json_node_get_object (pin), "instance"));
      else if (json_object_has_member (json_node_get_object (pin), "frame"))
        on = g_strdup_printf ("point %g,%g on frame %" G_GINT64_FORMAT,
                              json_object_get_double_member (json_node_get_object (pin), "x"),
                              json_object_get_double_member (json_node_get_object (pin), "y"),
                              json_object_get_int_member (json_node_get_object (pin), "frame"));
      else
        on = g_strdup_printf ("point %g,%g", json_object_get_double_member (json_node_get_object (pin), "x"),
                              json_object_get_double_member (json_node_get_object (pin), "y"));
      json_object_set_string_member (comment, "on", on);
      json_array_add_object_element (shown, comment);
    }
  rows = json_node_init_array (json_node_alloc (), shown);
  json_array_unref (shown);
  if (json_array_get_length (comments) > 0)
    quorum_cli_print_table (rows, columns);
  changed = json_object_get_member (object, "changed_since");
  if (changed != NULL && JSON_NODE_HOLDS_OBJECT (changed))
    {
      JsonObject *since = json_node_get_object (changed);
      g_autofree char *added = join_ids (since, "added");
      g_autofree char *removed = join_ids (since, "removed");
      g_autofree char *modified = join_ids (since, "changed");

      printf ("\nChanged since the rejection of round %" G_GINT64_FORMAT ": added %s; removed %s; changed %s\n",
              json_object_get_int_member (since, "round"), added, removed, modified);
    }
  return QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "list", "--job ID", "List a job's tasks", task_list },
  { "assign", "TASK USER | JOB FILE USER", "Give a task to a user, or a file one more labeller", task_assign },
  { "add-reader", "JOB FILE USER", "Add a labeller to a consensus file", task_add_reader },
  { "release", "TASK", "Give a task back to everyone", task_release },
  { "accept", "TASK", "Accept a review or consensus task, with comments", task_accept },
  { "reject", "TASK --comment TEXT", "Send the work back with comments, pinned or not", task_reject },
  { "comments", "TASK", "List a task's review comments", task_comments },
};

int
quorum_cli_task (int    argc,
                 char **argv)
{
  return quorum_cli_dispatch ("task", "Tasks: one person's work on one file (draw, review or consensus).",
                              actions, G_N_ELEMENTS (actions), argc, argv);
}
