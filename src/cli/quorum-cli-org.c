/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"

static const char * const org_columns[] = { "id:ID", "name:Name", "members:Members", NULL };

static int
org_create (int    argc,
            char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (!quorum_cli_session_parse (&session, "org create", "NAME",
                                 "Create an organization (server administrators only).",
                                 "Prints the new organization's id; --json prints {\"id\", \"name\"}.",
                                 NULL, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  json_object_set_string_member (object, "name", argv[1]);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/orgs")) == NULL)
    return quorum_cli_session_fail (&session, error);
  return quorum_cli_session_print_id (&session, reply);
}

static int
org_list (int    argc,
          char **argv)
{
  static const QuorumCliList list = {
    .command = "org list",
    .summary = "List the organizations (server administrators only).",
    .description = "--json prints [{\"id\", \"name\", \"created\", \"members\"}, …].",
    .path = "/orgs",
    .columns = org_columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static int
org_add_member (int    argc,
                char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 org, user;

  if (!quorum_cli_session_parse (&session, "org add-member", "ORG USER",
                                 "Add a user (by name or id) to an organization (server administrators only).",
                                 "--json prints {\"org\", \"user\"}.", NULL, 2, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "ORG", &org, &error) ||
      !quorum_cli_resolve_user (&session, argv[2], &user, &error))
    return quorum_cli_session_fail (&session, error);
  json_object_set_int_member (object, "user", user);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/orgs/%" G_GINT64_FORMAT "/members", org)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    {
      g_autoptr(JsonObject) shown = json_object_new ();

      json_object_set_int_member (shown, "org", org);
      json_object_set_int_member (shown, "user", user);
      quorum_cli_print_object (shown);
    }
  else
    printf ("User %" G_GINT64_FORMAT " is a member of organization %" G_GINT64_FORMAT ".\n", user, org);
  return QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "create", "NAME", "Create an organization", org_create },
  { "list", "", "List the organizations", org_list },
  { "add-member", "ORG USER", "Add a user to an organization", org_add_member },
};

int
quorum_cli_org (int    argc,
                char **argv)
{
  return quorum_cli_dispatch ("org", "Organizations: a project belongs to one; “org” jobs are shared with "
                              "its members.", actions, G_N_ELEMENTS (actions), argc, argv);
}
