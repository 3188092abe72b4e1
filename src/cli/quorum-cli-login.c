/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"
#include "quorum-credentials-store.h"
#include "quorum-error.h"

int
quorum_cli_login (int    argc,
                  char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *password = NULL;
  gboolean password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      "Read the password from the first line of standard input, even on a terminal", NULL },
    { NULL }
  };
  QuorumClient *client;
  JsonNode *user_node;
  JsonNode *expires;
  JsonObject *user;
  const char *name;

  if (!quorum_cli_session_parse (&session, "login", "USER",
                                 "Sign in to a Quorum server and keep the token for the next commands.",
                                 "The password is asked for on a terminal (without echo); otherwise it\n"
                                 "is the first line of standard input. The token is kept in the keyring\n"
                                 "(Secret Service) when one answers, else in\n"
                                 "$XDG_CONFIG_HOME/quorum/credentials.json (mode 0600), and the server\n"
                                 "becomes the default for later commands.\n"
                                 "\n"
                                 "--json prints {\"server\", \"user\": {\"id\", \"name\", \"admin\", …}, \"expires\"}.",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if ((client = quorum_cli_session_connect (&session, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  {
    g_autofree char *prompt = g_strdup_printf ("Password for %s at %s: ", argv[1],
                                               quorum_client_get_server (client));

    if ((password = quorum_cli_read_password (prompt, password_stdin, &error)) == NULL)
      return quorum_cli_session_fail (&session, error);
  }
  if ((reply = quorum_client_login_sync (client, argv[1], password, NULL, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if ((user_node = quorum_cli_reply_member (reply, "user", JSON_NODE_OBJECT, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  user = json_node_get_object (user_node);
  name = json_object_get_string_member_with_default (user, "name", argv[1]);
  expires = json_object_get_member (json_node_get_object (reply), "expires");
  if (!quorum_credentials_store_save (quorum_client_get_server (client), name, quorum_client_get_token (client),
                                      &error))
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      g_autoptr(JsonObject) shown = json_object_new ();

      json_object_set_string_member (shown, "server", quorum_client_get_server (client));
      json_object_set_object_member (shown, "user", json_object_ref (user));
      json_object_set_member (shown, "expires",
                              expires != NULL ? json_node_copy (expires) : json_node_new (JSON_NODE_NULL));
      quorum_cli_print_object (shown);
    }
  else
    printf ("Signed in to %s as %s%s.\n", quorum_client_get_server (client),
            name,
            json_object_get_boolean_member_with_default (user, "admin", FALSE) ? " (administrator)" : "");
  return QUORUM_CLI_OK;
}

int
quorum_cli_logout (int    argc,
                   char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  QuorumClient *client;

  if (!quorum_cli_session_parse (&session, "logout", "",
                                 "End the stored sign-in: the server forgets the token, and so does\n"
                                 "this machine.",
                                 "--json prints {\"server\", \"signed_out\": true}.", NULL, 0, 0, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if ((client = quorum_cli_session_connect (&session, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (quorum_client_get_token (client) == NULL)
    {
      fprintf (stderr, "quorumctl logout: not signed in to %s\n", quorum_client_get_server (client));
      return QUORUM_CLI_REFUSED;
    }
  /* The local copy goes even when the server cannot be told: a token that
   * expired or that the server no longer knows is useless anyway. */
  reply = quorum_client_call_sync (client, "POST", "/logout", NULL, NULL, &error);
  if (!quorum_credentials_store_forget (quorum_client_get_server (client), NULL))
    g_debug ("could not remove the stored token");
  if (reply == NULL && !g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      g_autoptr(JsonObject) shown = json_object_new ();

      json_object_set_string_member (shown, "server", quorum_client_get_server (client));
      json_object_set_boolean_member (shown, "signed_out", TRUE);
      quorum_cli_print_object (shown);
    }
  else
    printf ("Signed out of %s.\n", quorum_client_get_server (client));
  return QUORUM_CLI_OK;
}
