/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"

/* Guides are Markdown; the server's JSON body limit is 1 MiB. */
#define MAX_GUIDE_BYTES (1000 * 1000)

static char *
read_markdown (const char  *path,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: cannot read the file: %s", path, local_error->message);
      return NULL;
    }
  if (length > MAX_GUIDE_BYTES)
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: a guide may be at most 1 MB", path);
      return NULL;
    }
  if (!g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: is not UTF-8 text", path);
      return NULL;
    }
  return g_steal_pointer (&text);
}

static int
guide_new (int    argc,
           char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *project_text = NULL;
  g_autofree char *markdown = NULL;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project_text, "The project", "ID" },
    { NULL }
  };
  gint64 project;

  if (!quorum_cli_session_parse (&session, "guide new", "--project ID NAME FILE.md",
                                 "Save a Markdown guide in a project for its jobs (editors).",
                                 "Prints the guide's id, which “job new --guide” takes;\n"
                                 "--json prints {\"id\", \"project\", \"name\", \"markdown\", \"updated\"}.",
                                 entries, 2, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (project_text, "--project", &project, &error) ||
      (markdown = read_markdown (argv[2], &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  json_object_set_string_member (object, "name", argv[1]);
  json_object_set_string_member (object, "markdown", markdown);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "POST", body, &error, "/projects/%" G_GINT64_FORMAT "/guides",
                                project)) == NULL)
    return quorum_cli_session_fail (&session, error);
  return quorum_cli_session_print_id (&session, reply);
}

static int
guide_update (int    argc,
              char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) guide = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Rename the guide too", "NAME" },
    { NULL }
  };
  gint64 id;

  if (!quorum_cli_session_parse (&session, "guide update", "ID FILE.md",
                                 "Save a guide's text as its next version (editors); jobs that use it show the new text.",
                                 "--json prints the guide {\"id\", \"project\", \"name\", \"markdown\", \"version\", "
                                 "\"updated_at\", \"updated_by\", …}.",
                                 entries, 2, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (argv[1], "ID", &id, &error) ||
      (markdown = read_markdown (argv[2], &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (name == NULL)
    {
      if ((guide = quorum_cli_call (&session, "GET", NULL, &error, "/guides/%" G_GINT64_FORMAT, id)) == NULL ||
          quorum_cli_reply_member (guide, "name", JSON_NODE_VALUE, &error) == NULL)
        return quorum_cli_session_fail (&session, error);
      name = quorum_cli_format_member (json_node_get_object (guide), "name");
    }
  json_object_set_string_member (object, "name", name);
  json_object_set_string_member (object, "markdown", markdown);
  body = quorum_cli_object_node (object);
  if ((reply = quorum_cli_call (&session, "PUT", body, &error, "/guides/%" G_GINT64_FORMAT, id)) == NULL)
    return quorum_cli_session_fail (&session, error);
  return quorum_cli_session_print_id (&session, reply);
}

static int
guide_list (int    argc,
            char **argv)
{
  static const char * const columns[] = { "id:ID", "name:Name", "version:Version", "updated:Updated", NULL };
  static const QuorumCliList list = {
    .command = "guide list",
    .summary = "List a project's guides.",
    .description = "--json prints [{\"id\", \"project\", \"name\", \"updated\", \"version\"}, …].",
    .owner = "project",
    .path = "/guides",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static const QuorumCliAction actions[] = {
  { "new", "--project ID NAME FILE.md", "Save a Markdown guide", guide_new },
  { "update", "ID FILE.md", "Replace a guide's text", guide_update },
  { "list", "--project ID", "List a project's guides", guide_list },
};

int
quorum_cli_guide (int    argc,
                  char **argv)
{
  return quorum_cli_dispatch ("guide", "Markdown guides for drawing and reviewing.", actions,
                              G_N_ELEMENTS (actions), argc, argv);
}
