/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"

static int
credential_new (int    argc,
                char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *project_text = NULL;
  g_autofree char *org_text = NULL;
  g_autofree char *description = NULL;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project_text, "The project that issues it", "ID" },
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_text,
      "Or the organization that issues it, for its clients' projects (administrators)", "ID" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, "What holding it means", "TEXT" },
    { NULL }
  };
  gint64 owner;

  if (!quorum_cli_session_parse (&session, "credential new", "--project ID|--org ID NAME",
                                 "Create a credential (a named qualification) issued by a project (project "
                                 "admins) or by an organization (administrators).",
                                 "A job of any project may require an organization's credential as ORG/NAME.\n"
                                 "Prints its id; --json prints {\"id\", \"project\", \"org\", \"name\", "
                                 "\"description\"}.",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if ((project_text == NULL) == (org_text == NULL))
    return quorum_cli_session_usage (&session, "give either --project or --org");
  if (!quorum_cli_parse_id (project_text != NULL ? project_text : org_text,
                            project_text != NULL ? "--project" : "--org", &owner, &error))
    return quorum_cli_session_fail (&session, error);
  json_object_set_string_member (object, "name", argv[1]);
  if (description != NULL)
    json_object_set_string_member (object, "description", description);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/%s/%" G_GINT64_FORMAT "/credentials",
                                project_text != NULL ? "projects" : "orgs", owner)) == NULL)
    return quorum_cli_session_fail (&session, error);
  return quorum_cli_session_print_id (&session, reply);
}

static int
change_grant (int      argc,
              char   **argv,
              gboolean grant)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why, kept with the grant or the revocation", "TEXT" },
    { NULL }
  };
  gint64 credential, user;

  if (!quorum_cli_session_parse (&session, grant ? "credential grant" : "credential revoke", "ID USER",
                                 grant ? "Grant a credential to a user by hand, an “offline credential” "
                                         "(project admins)."
                                       : "Revoke a user's credential (project admins); its history stays.",
                                 "USER is a name or an id. --json prints {\"credential\", \"user\", \"held\"}.",
                                 entries, 2, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "ID", &credential, &error) ||
      !quorum_cli_resolve_user (&session, argv[2], &user, &error))
    return quorum_cli_session_fail (&session, error);
  /* The server checks the reason (a string of at most 500 characters). */
  if (reason != NULL)
    json_object_set_string_member (object, "reason", reason);
  if (grant)
    {
      json_object_set_int_member (object, "user", user);
      body = quorum_cli_object_node (object);
      reply = quorum_cli_call (&session, "POST", body, &error, "/credentials/%" G_GINT64_FORMAT "/grants",
                               credential);
    }
  else
    {
      body = reason != NULL ? quorum_cli_object_node (object) : NULL;
      reply = quorum_cli_call (&session, "DELETE", body, &error,
                               "/credentials/%" G_GINT64_FORMAT "/grants/%" G_GINT64_FORMAT, credential, user);
    }
  if (reply == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      g_autoptr(JsonObject) shown = json_object_new ();

      json_object_set_int_member (shown, "credential", credential);
      json_object_set_int_member (shown, "user", user);
      json_object_set_boolean_member (shown, "held", grant);
      quorum_cli_print_object (shown);
    }
  else
    printf ("User %" G_GINT64_FORMAT " %s credential %" G_GINT64_FORMAT ".\n", user,
            grant ? "holds" : "no longer holds", credential);
  return QUORUM_CLI_OK;
}

static int
credential_grant (int    argc,
                  char **argv)
{
  return change_grant (argc, argv, TRUE);
}

static int
credential_revoke (int    argc,
                   char **argv)
{
  return change_grant (argc, argv, FALSE);
}

static int
credential_list (int    argc,
                 char **argv)
{
  static const char * const columns[] = { "id:ID", "name:Name", "holders:Holders", "description:Description",
                                          NULL };
  static const QuorumCliList list = {
    .command = "credential list",
    .summary = "List a project's credentials.",
    .description = "--json prints [{\"id\", \"project\", \"name\", \"description\", \"holders\"}, …].",
    .owner = "project",
    .path = "/credentials",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static const QuorumCliAction actions[] = {
  { "new", "--project ID|--org ID NAME", "Create a credential", credential_new },
  { "grant", "ID USER [--reason TEXT]", "Grant a credential by hand", credential_grant },
  { "revoke", "ID USER [--reason TEXT]", "Revoke a credential", credential_revoke },
  { "list", "--project ID", "List a project's credentials", credential_list },
};

int
quorum_cli_credential (int    argc,
                       char **argv)
{
  return quorum_cli_dispatch ("credential", "Credentials: qualifications that jobs require and exams award.",
                              actions, G_N_ELEMENTS (actions), argc, argv);
}
