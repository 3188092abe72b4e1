/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

/* quorumctl migrate: an embedded installation (the SQLite file of a data
 * folder) copied into an empty PostgreSQL database (docs/deploy.md). */

#include <stdio.h>

#include "quorum-cli.h"
#include "quorum-error.h"
#include "quorum-store.h"

#define COMMAND "migrate"

static const char description[] =
  "Stop the quorum-server of DATA_DIR first. The PostgreSQL database must\n"
  "exist and be empty (createdb); its schema is made, every row copied in one\n"
  "transaction, and each table then counted and hashed on both sides: a\n"
  "difference is an error, and nothing is started on a database that does\n"
  "not hold what DATA_DIR held. The media stay in DATA_DIR/blobs: start the\n"
  "servers with --data DATA_DIR (or a copy of it all share) and --database.\n"
  "\n"
  "--json prints [{\"table\", \"rows\", \"hash\"}, …].\n"
  "\n"
  "Exit status: 0 copied and checked, 1 refused (a database not empty, or\n"
  "a copy that differs), 2 bad usage or a store that cannot be opened.";

static void
print_step (const char *table,
            gpointer    user_data)
{
  if (GPOINTER_TO_INT (user_data))
    fprintf (stderr, "copying %s…\n", table);
}

int
quorum_cli_migrate (int    argc,
                    char **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gboolean json = FALSE;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, "The data folder of the embedded installation", "DATA_DIR" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      "The empty PostgreSQL database (a postgresql:// URL or libpq connection string)", "CONNINFO" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print what was copied as JSON", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not say which table is being copied", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumStore) source = NULL;
  g_autoptr(QuorumStore) destination = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *database = NULL;
  JsonArray *tables;

  g_option_context_set_summary (context, "Copy an embedded installation into an empty PostgreSQL database.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      quorum_cli_usage_error (COMMAND, "%s", error->message);
      return QUORUM_CLI_USAGE;
    }
  if (argc > 1)
    {
      quorum_cli_usage_error (COMMAND, "“%s”: no argument is taken besides --from and --to", argv[1]);
      return QUORUM_CLI_USAGE;
    }
  if (from == NULL || to == NULL)
    {
      quorum_cli_usage_error (COMMAND, "%s: is missing", from == NULL ? "--from" : "--to");
      return QUORUM_CLI_USAGE;
    }
  database = g_build_filename (from, "quorum.sqlite", NULL);
  if (!g_file_test (database, G_FILE_TEST_IS_REGULAR))
    {
      quorum_cli_usage_error (COMMAND, "--from: %s holds no Quorum database (quorum.sqlite)", from);
      return QUORUM_CLI_USAGE;
    }
  /* Opening each brings its schema to this program's version. */
  if ((source = quorum_store_open (from, &error)) == NULL ||
      (destination = quorum_store_open_database (from, to, &error)) == NULL)
    {
      fprintf (stderr, "quorumctl " COMMAND ": %s\n", error->message);
      return QUORUM_CLI_USAGE;
    }
  report = quorum_store_copy_into (source, destination, print_step, GINT_TO_POINTER (!quiet && !json), &error);
  if (report == NULL)
    {
      fprintf (stderr, "quorumctl " COMMAND ": %s\n", error->message);
      return g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT) ? QUORUM_CLI_REFUSED : QUORUM_CLI_USAGE;
    }
  if (json)
    {
      quorum_cli_print_json (report);
      return QUORUM_CLI_OK;
    }
  tables = json_node_get_array (report);
  for (guint i = 0; i < json_array_get_length (tables); i++)
    {
      JsonObject *row = json_array_get_object_element (tables, i);

      printf ("%-24s %8" G_GINT64_FORMAT " rows  %s\n", json_object_get_string_member (row, "table"),
              json_object_get_int_member (row, "rows"), json_object_get_string_member (row, "hash"));
    }
  printf ("Copied and checked: every table has the same rows on both sides.\n");
  return QUORUM_CLI_OK;
}
