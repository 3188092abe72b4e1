/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>
#include <unistd.h>

#include "quorum-cli.h"
#include "quorum-credentials-store.h"
#include "quorum-error.h"

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
  static const char * const columns[] = { "id:ID", "name:Name", "admin:Admin", "disabled:Disabled", NULL };
  static const QuorumCliList list = {
    .command = "user list",
    .summary = "List the users (server administrators only).",
    .description = "--json prints [{\"id\", \"name\", \"admin\", \"disabled\", \"created\"}, …].",
    .path = "/users",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

/* “N thing(s)” as a person reads it. */
static const char *
plural (gint64 n)
{
  return n == 1 ? "" : "s";
}

static gint64
reply_count (JsonNode   *reply,
             const char *member)
{
  return JSON_NODE_HOLDS_OBJECT (reply)
         ? json_object_get_int_member_with_default (json_node_get_object (reply), member, 0) : 0;
}

static int
user_passwd (int    argc,
             char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *current = NULL;
  g_autofree char *password = NULL;
  gboolean password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      "Read the current password, then the new one, from the first two lines of standard input", NULL },
    { NULL }
  };

  if (!quorum_cli_session_parse (&session, "user passwd", "",
                                 "Change your own password.",
                                 "The current password and the new one (at least 8 characters) are asked\n"
                                 "for on a terminal, else read from the first two lines of standard input.\n"
                                 "Your other sign-ins end; this one goes on.\n"
                                 "--json prints {\"revoked\": N}.",
                                 entries, 0, 0, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if ((current = quorum_cli_read_password ("Current password: ", password_stdin, &error)) == NULL ||
      (password = quorum_cli_read_password ("New password: ", password_stdin, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (!password_stdin && isatty (STDIN_FILENO))
    {
      g_autofree char *again = quorum_cli_read_password ("The new password again: ", FALSE, &error);

      if (again == NULL)
        return quorum_cli_session_fail (&session, error);
      if (!g_str_equal (again, password))
        return quorum_cli_session_usage (&session, "the two new passwords differ; nothing was changed");
    }
  json_object_set_string_member (object, "current_password", current);
  json_object_set_string_member (object, "password", password);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "PUT", body, &error, "/me/password")) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else
    printf ("Password changed; %" G_GINT64_FORMAT " other sign-in%s ended.\n",
            reply_count (reply, "revoked"), plural (reply_count (reply, "revoked")));
  return QUORUM_CLI_OK;
}

static int
user_set_password (int    argc,
                   char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *password = NULL;
  g_autofree char *prompt = NULL;
  gboolean password_stdin = FALSE;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      "Read the password from the first line of standard input, even on a terminal", NULL },
    { NULL }
  };

  if (!quorum_cli_session_parse (&session, "user set-password", "USER",
                                 "Set a user's password (server administrators only).",
                                 "USER is an id or a name. The new password (at least 8 characters) is\n"
                                 "asked for on a terminal, else read from the first line of standard\n"
                                 "input. Every sign-in of the user ends.\n"
                                 "--json prints {\"revoked\": N}.",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_resolve_user (&session, argv[1], &id, &error))
    return quorum_cli_session_fail (&session, error);
  prompt = g_strdup_printf ("New password for %s: ", argv[1]);
  if ((password = quorum_cli_read_password (prompt, password_stdin, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  json_object_set_string_member (object, "password", password);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "PUT", body, &error, "/users/%" G_GINT64_FORMAT "/password", id)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else
    printf ("Password of %s set; %" G_GINT64_FORMAT " sign-in%s ended.\n", argv[1],
            reply_count (reply, "revoked"), plural (reply_count (reply, "revoked")));
  return QUORUM_CLI_OK;
}

static int
set_disabled (int         argc,
              char      **argv,
              gboolean    disabled)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 id = 0;

  if (!quorum_cli_session_parse (&session, disabled ? "user disable" : "user enable", "USER",
                                 disabled ? "Disable a user (server administrators only)."
                                          : "Let a disabled user sign in again (server administrators only).",
                                 disabled ? "USER is an id or a name. A disabled user cannot sign in; every sign-in\n"
                                            "they have ends at once, and the tasks they hold that may be released\n"
                                            "go back to available.\n"
                                            "--json prints the user with \"released\" and \"revoked\" counts."
                                          : "USER is an id or a name.\n"
                                            "--json prints {\"id\", \"name\", \"admin\", \"disabled\", \"created\"}.",
                                 NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_resolve_user (&session, argv[1], &id, &error) ||
      (reply = quorum_cli_call (&session, "POST", NULL, &error, "/users/%" G_GINT64_FORMAT "/%s", id,
                                disabled ? "disable" : "enable")) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else if (disabled)
    printf ("%s disabled; %" G_GINT64_FORMAT " sign-in%s ended, %" G_GINT64_FORMAT " task%s released.\n",
            argv[1], reply_count (reply, "revoked"), plural (reply_count (reply, "revoked")),
            reply_count (reply, "released"), plural (reply_count (reply, "released")));
  else
    printf ("%s enabled.\n", argv[1]);
  return QUORUM_CLI_OK;
}

static int
user_disable (int    argc,
              char **argv)
{
  return set_disabled (argc, argv, TRUE);
}

static int
user_enable (int    argc,
             char **argv)
{
  return set_disabled (argc, argv, FALSE);
}

static int
user_revoke_tokens (int    argc,
                    char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 id = 0, my_id = 0;

  if (!quorum_cli_session_parse (&session, "user revoke-tokens", "[USER]",
                                 "End every sign-in of a user: yours, or anyone's for a server\n"
                                 "administrator.",
                                 "USER is an id or a name; without it, yourself, and then this machine\n"
                                 "forgets its token too.\n"
                                 "--json prints {\"revoked\": N}.",
                                 NULL, 0, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if ((me = quorum_cli_call (&session, "GET", NULL, &error, "/me")) == NULL ||
      !quorum_cli_reply_id (me, &my_id, &error) ||
      (argc > 1 && !quorum_cli_resolve_user (&session, argv[1], &id, &error)))
    return quorum_cli_session_fail (&session, error);
  if (argc < 2)
    id = my_id;
  if ((reply = quorum_cli_call (&session, "DELETE", NULL, &error, "/users/%" G_GINT64_FORMAT "/tokens", id)) == NULL)
    return quorum_cli_session_fail (&session, error);
  /* The stored token was one of them: it would only be refused from now on. */
  if (id == my_id && g_getenv ("QUORUM_TOKEN") == NULL &&
      !quorum_credentials_store_forget (quorum_client_get_server (session.client), NULL))
    g_debug ("could not remove the stored token");
  if (session.json)
    quorum_cli_print_json (reply);
  else
    printf ("%" G_GINT64_FORMAT " sign-in%s of %s ended.\n", reply_count (reply, "revoked"),
            plural (reply_count (reply, "revoked")), argc > 1 ? argv[1] : "yours");
  return QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "create", "NAME [--admin]", "Create a user", user_create },
  { "list", "", "List the users", user_list },
  { "passwd", "", "Change your own password", user_passwd },
  { "set-password", "USER", "Set a user's password", user_set_password },
  { "disable", "USER", "Disable a user: no sign-in, tasks released", user_disable },
  { "enable", "USER", "Let a disabled user sign in again", user_enable },
  { "revoke-tokens", "[USER]", "End every sign-in of a user (yourself by default)", user_revoke_tokens },
};

int
quorum_cli_user (int    argc,
                 char **argv)
{
  return quorum_cli_dispatch ("user", "User accounts of the server.", actions, G_N_ELEMENTS (actions),
                              argc, argv);
}
