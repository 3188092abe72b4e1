/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>
#include <string.h>

#include "quorum-cli.h"

static int
project_create (int    argc,
                char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *org_text = NULL;
  const GOptionEntry entries[] = {
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_text, "The organization the project belongs to", "ID" },
    { NULL }
  };
  gint64 org;

  if (!quorum_cli_session_parse (&session, "project create", "NAME",
                                 "Create a project (server administrators only); you become its admin.",
                                 "Prints the new project's id; --json prints the project\n"
                                 "{\"id\", \"name\", \"org\", \"labels\", \"created\"}.",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  json_object_set_string_member (object, "name", argv[1]);
  if (org_text != NULL)
    {
      if (!quorum_cli_parse_id (org_text, "--org", &org, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_int_member (object, "org", org);
    }
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/projects")) == NULL)
    return quorum_cli_session_fail (&session, error);
  return quorum_cli_session_print_id (&session, reply);
}

static int
project_list (int    argc,
              char **argv)
{
  static const char * const columns[] = { "id:ID", "name:Name", "org:Org", "role:Your role", NULL };
  static const QuorumCliList list = {
    .command = "project list",
    .summary = "List the projects you are a member of (all of them for an administrator).",
    .description = "--json prints [{\"id\", \"name\", \"org\", \"role\", …}, …].",
    .path = "/projects",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static int
project_members (int    argc,
                 char **argv)
{
  static const char * const columns[] = { "id:ID", "name:Name", "role:Role", NULL };
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_auto(GStrv) sets = NULL;
  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Add USER (name or id) with ROLE, or change their role: admin, editor, annotator, reviewer or viewer; "
      "repeat for several", "USER=ROLE" },
    { NULL }
  };
  gint64 project;

  if (!quorum_cli_session_parse (&session, "project members", "ID [--set USER=ROLE…]",
                                 "List a project's members, after adding them or changing their roles.",
                                 "--json prints [{\"id\", \"name\", \"role\"}, …].",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "ID", &project, &error))
    return quorum_cli_session_fail (&session, error);
  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      const char *equals = strchr (sets[i], '=');
      g_autofree char *user_text = NULL;
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(JsonNode) set = NULL;
      gint64 user;

      if (equals == NULL || equals == sets[i] || equals[1] == '\0')
        return quorum_cli_session_usage (&session, "--set: write USER=ROLE, not “%s”", sets[i]);
      user_text = g_strndup (sets[i], equals - sets[i]);
      if (!quorum_cli_resolve_user (&session, user_text, &user, &error))
        return quorum_cli_session_fail (&session, error);
      json_object_set_string_member (object, "role", equals + 1);
      body = quorum_cli_object_node (object);
      if ((set = quorum_cli_call (&session, "PUT", body, &error, "/projects/%" G_GINT64_FORMAT
                                  "/members/%" G_GINT64_FORMAT, project, user)) == NULL)
        return quorum_cli_session_fail (&session, error);
    }
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "/projects/%" G_GINT64_FORMAT "/members",
                                project)) == NULL)
    return quorum_cli_session_fail (&session, error);
  quorum_cli_session_print (&session, reply, columns);
  return QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "create", "NAME [--org ID]", "Create a project", project_create },
  { "list", "", "List your projects", project_list },
  { "members", "ID [--set USER=ROLE…]", "List or change a project's members", project_members },
};

int
quorum_cli_project (int    argc,
                    char **argv)
{
  return quorum_cli_dispatch ("project", "Projects: their labels, files, guides, credentials and jobs.",
                              actions, G_N_ELEMENTS (actions), argc, argv);
}
