/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"

static int
user_create (int    argc,
             char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *password = NULL;
  g_autofree char *prompt = NULL;
  gboolean admin = FALSE, password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "admin", 0, 0, G_OPTION_ARG_NONE, &admin, "Make the user a server administrator", NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      "Read the password from the first line of standard input, even on a terminal", NULL },
    { NULL }
  };

  if (!quorum_cli_session_parse (&session, "user create", "NAME",
                                 "Create a user account (server administrators only).",
                                 "The new user's password (at least 8 characters) is asked for on a\n"
                                 "terminal, else read from the first line of standard input.\n"
                                 "Prints the new user's id; --json prints {\"id\", \"name\", \"admin\", \"created\"}.",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  prompt = g_strdup_printf ("Password for the new user %s: ", argv[1]);
  if ((password = quorum_cli_read_password (prompt, password_stdin, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  json_object_set_string_member (object, "name", argv[1]);
  json_object_set_string_member (object, "password", password);
  json_object_set_boolean_member (object, "admin", admin);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/users")) == NULL)
    return quorum_cli_session_fail (&session, error);
  return quorum_cli_session_print_id (&session, reply);
}

static int
user_list (int    argc,
           char **argv)
{
  static const char * const columns[] = { "id:ID", "name:Name", "admin:Admin", NULL };
  static const QuorumCliList list = {
    .command = "user list",
    .summary = "List the users (server administrators only).",
    .description = "--json prints [{\"id\", \"name\", \"admin\", \"created\"}, …].",
    .path = "/users",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static const QuorumCliAction actions[] = {
  { "create", "NAME [--admin]", "Create a user", user_create },
  { "list", "", "List the users", user_list },
};

int
quorum_cli_user (int    argc,
                 char **argv)
{
  return quorum_cli_dispatch ("user", "User accounts of the server.", actions, G_N_ELEMENTS (actions),
                              argc, argv);
}
