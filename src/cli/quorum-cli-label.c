/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <stdio.h>
#include <string.h>

#include "quorum-cli.h"

static const char * const kinds[] = { "box", "polygon", "polyline", "point", "tag", NULL };
static const char * const attribute_types[] = { "boolean", "single_choice", "multiple_choice", "text", NULL };

/* NAME:TYPE or NAME:TYPE:OPTION,OPTION… */
static JsonObject *
parse_attribute (const char  *text,
                 GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", 3);
  g_autoptr(JsonObject) attribute = json_object_new ();

  if (g_strv_length (parts) < 2 || parts[0][0] == '\0' ||
      !g_strv_contains (attribute_types, parts[1]))
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0,
                   "--attribute: write NAME:TYPE[:OPTION,OPTION…] with TYPE boolean, single_choice, "
                   "multiple_choice or text, not “%s”", text);
      return NULL;
    }
  json_object_set_string_member (attribute, "name", parts[0]);
  json_object_set_string_member (attribute, "type", parts[1]);
  if (parts[2] != NULL)
    {
      g_auto(GStrv) options = g_strsplit (parts[2], ",", -1);
      JsonArray *array = json_array_new ();

      for (guint i = 0; options[i] != NULL; i++)
        json_array_add_string_element (array, options[i]);
      json_object_set_array_member (attribute, "options", array);
    }
  return g_steal_pointer (&attribute);
}

static int
label_add (int    argc,
           char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schema = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *project_text = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *color = NULL;
  g_auto(GStrv) attributes = NULL;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project_text, "The project", "ID" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "box, polygon, polyline, point or tag", "KIND" },
    { "color", 0, 0, G_OPTION_ARG_STRING, &color, "The label's colour (default #3584e4)", "#RRGGBB" },
    { "attribute", 0, 0, G_OPTION_ARG_STRING_ARRAY, &attributes,
      "An attribute; TYPE is boolean, single_choice, multiple_choice or text; repeat for several",
      "NAME:TYPE[:OPTION,…]" },
    { NULL }
  };
  g_autoptr(JsonObject) label = NULL;
  JsonNode *labels;
  gint64 project;

  if (!quorum_cli_session_parse (&session, "label add", "--project ID NAME --kind KIND",
                                 "Add a label to a project's label schema (project admins).",
                                 "The whole schema is checked by the server; a label whose name is taken,\n"
                                 "a bad colour or attribute changes nothing.\n"
                                 "--json prints the project's new label schema {\"labels\": […]}.",
                                 entries, 1, 1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (project_text, "--project", &project, &error))
    return quorum_cli_session_fail (&session, error);
  if (kind == NULL)
    return quorum_cli_session_usage (&session, "--kind: is missing; give box, polygon, polyline, point or tag");
  if (!g_strv_contains (kinds, kind))
    return quorum_cli_session_usage (&session, "--kind: “%s” is not one of box, polygon, polyline, point, tag",
                                     kind);
  label = json_object_new ();
  json_object_set_string_member (label, "name", argv[1]);
  json_object_set_string_member (label, "kind", kind);
  if (color != NULL)
    json_object_set_string_member (label, "color", color);
  json_object_set_array_member (label, "attributes", json_array_new ());
  for (guint i = 0; attributes != NULL && attributes[i] != NULL; i++)
    {
      JsonObject *attribute = parse_attribute (attributes[i], &error);

      if (attribute == NULL)
        return quorum_cli_session_fail (&session, error);
      json_array_add_object_element (json_object_get_array_member (label, "attributes"), attribute);
    }
  if ((schema = quorum_cli_call (&session, "GET", NULL, &error, "/projects/%" G_GINT64_FORMAT "/labels",
                                 project)) == NULL ||
      (labels = quorum_cli_reply_member (schema, "labels", JSON_NODE_ARRAY, &error)) == NULL)
    return quorum_cli_session_fail (&session, error);
  json_array_add_object_element (json_node_get_array (labels), g_steal_pointer (&label));
  if ((reply = quorum_cli_call (&session, "PUT", schema, &error, "/projects/%" G_GINT64_FORMAT "/labels",
                                project)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (session.json)
    quorum_cli_print_json (reply);
  else
    printf ("Added label “%s” (%s) to project %" G_GINT64_FORMAT ".\n", argv[1], kind, project);
  return QUORUM_CLI_OK;
}

static int
label_list (int    argc,
            char **argv)
{
  static const char * const columns[] = { "name:Name", "kind:Kind", "color:Colour", "attributes:Attributes", NULL };
  static const QuorumCliList list = {
    .command = "label list",
    .summary = "List a project's labels.",
    .description = "--json prints the label schema {\"labels\": [{\"name\", \"color\", \"kind\", "
                   "\"attributes\"}, …]}.",
    .owner = "project",
    .path = "/labels",
    .member = "labels",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

static const QuorumCliAction actions[] = {
  { "add", "--project ID NAME --kind KIND [--color #RRGGBB] [--attribute …]", "Add a label", label_add },
  { "list", "--project ID", "List a project's labels", label_list },
};

int
quorum_cli_label (int    argc,
                  char **argv)
{
  return quorum_cli_dispatch ("label", "A project's label schema.", actions, G_N_ELEMENTS (actions), argc, argv);
}
