/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>

#include "quorum-cli.h"
#include "quorum-wire.h"

int
quorum_cli_import (int    argc,
                   char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *project_text = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *mode = NULL;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project_text, "The project", "ID" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode,
      "replace (default): a matched file's existing instances become the image's annotations; "
      "append: they are added after the ones it has", "replace|append" },
    { NULL }
  };
  gsize length;
  gint64 project;

  if (!quorum_cli_session_parse (&session, "import", "coco FILE --project ID",
                                 "Import COCO annotations into a project's existing instances (editors).",
                                 "Images are matched to the project's files by name; categories to labels\n"
                                 "by name (docs/coco.md). The existing instances become the gold standard\n"
                                 "of exams. Nothing is changed when anything in the file is wrong.\n"
                                 "Images naming no file of the project are listed as unmatched.\n"
                                 "Prints and --json prints {\"files\", \"instances\", \"unmatched\"}.",
                                 entries, 2, 2, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!g_str_equal (argv[1], "coco"))
    return quorum_cli_session_usage (&session, "only coco can be imported, not “%s”", argv[1]);
  if (!quorum_cli_parse_id (project_text, "--project", &project, &error))
    return quorum_cli_session_fail (&session, error);
  if (mode != NULL && !g_str_equal (mode, "replace") && !g_str_equal (mode, "append"))
    return quorum_cli_session_usage (&session, "--mode: replace or append, not “%s”", mode);
  if (!g_file_get_contents (argv[2], &contents, &length, &error))
    return quorum_cli_session_usage (&session, "%s: cannot read the file: %s", argv[2], error->message);
  if ((document = quorum_wire_parse_bytes (contents, length, &error)) == NULL)
    return quorum_cli_session_usage (&session, "%s: %s", argv[2], error->message);
  if ((reply = quorum_cli_call (&session, "POST", document, &error, "/projects/%" G_GINT64_FORMAT "/import/coco?mode=%s",
                                project, mode != NULL ? mode : "replace")) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else
    {
      g_autofree char *files = quorum_cli_format_member (json_node_get_object (reply), "files");
      g_autofree char *instances = quorum_cli_format_member (json_node_get_object (reply), "instances");
      g_autofree char *unmatched = quorum_cli_format_member (json_node_get_object (reply), "unmatched");

      printf ("Imported %s instance(s) into %s file(s); unmatched: %s\n", instances, files, unmatched);
    }
  return QUORUM_CLI_OK;
}
