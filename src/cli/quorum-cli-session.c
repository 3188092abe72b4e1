/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "quorum-cli.h"
#include "quorum-credentials-store.h"
#include "quorum-error.h"
#include "quorum-wire.h"

G_DEFINE_QUARK (quorum-cli-input-error-quark, quorum_cli_input_error)

/* ---- actions ---------------------------------------------------------- */

static void
print_actions (FILE                  *out,
               const char            *command,
               const char            *summary,
               const QuorumCliAction *actions,
               guint                  n_actions)
{
  fprintf (out, "Usage:\n");
  for (guint i = 0; i < n_actions; i++)
    fprintf (out, "  quorumctl %s %s%s%s\n", command, actions[i].name,
             actions[i].parameters[0] != '\0' ? " " : "", actions[i].parameters);
  fprintf (out, "\n%s\n\nActions:\n", summary);
  for (guint i = 0; i < n_actions; i++)
    fprintf (out, "  %-12s %s\n", actions[i].name, actions[i].summary);
  fprintf (out,
           "\n"
           "“quorumctl %s ACTION --help” describes one action.\n"
           "Exit status: 0 success, 1 refused by the server, 2 bad usage or input.\n",
           command);
}

int
quorum_cli_dispatch (const char            *command,
                     const char            *summary,
                     const QuorumCliAction *actions,
                     guint                  n_actions,
                     int                    argc,
                     char                 **argv)
{
  const char *name;

  if (argc < 2)
    {
      print_actions (stderr, command, summary, actions, n_actions);
      return QUORUM_CLI_USAGE;
    }
  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_actions (stdout, command, summary, actions, n_actions);
      return QUORUM_CLI_OK;
    }
  for (guint i = 0; i < n_actions; i++)
    if (g_str_equal (actions[i].name, name))
      return actions[i].run (argc - 1, argv + 1);
  if (name[0] == '-')
    quorum_cli_usage_error (command, "give an action first, not the option “%s”", name);
  else
    quorum_cli_usage_error (command, "unknown action “%s”", name);
  return QUORUM_CLI_USAGE;
}

/* ---- sessions --------------------------------------------------------- */

void
quorum_cli_session_clear (QuorumCliSession *session)
{
  g_clear_pointer (&session->command, g_free);
  g_clear_pointer (&session->server, g_free);
  g_clear_object (&session->client);
}

gboolean
quorum_cli_session_parse (QuorumCliSession   *session,
                          const char         *command,
                          const char         *parameters,
                          const char         *summary,
                          const char         *description,
                          const GOptionEntry *entries,
                          int                 min_args,
                          int                 max_args,
                          int                *argc,
                          char             ***argv)
{
  const GOptionEntry common[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &session->server,
      "The server (default: $QUORUM_SERVER, else the server of the last login)", "URL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &session->json, "Print the server's answer as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  g_autofree char *full_description = NULL;
  int positional;

  session->command = g_strdup (command);
  if (g_get_prgname () == NULL)
    {
      g_autofree char *prgname = g_strconcat ("quorumctl ", command, NULL);
      g_set_prgname (prgname);
    }
  full_description = g_strconcat (description != NULL ? description : "",
                                  description != NULL ? "\n\n" : "",
                                  "The sign-in token comes from $QUORUM_TOKEN, else from “quorumctl login”.\n"
                                  "Exit status: 0 success, 1 refused by the server (or the server cannot\n"
                                  "be reached), 2 bad usage or input.", NULL);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, full_description);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, common, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      quorum_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  /* Everything after "--" is positional; GOption leaves the "--" itself. */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (&(*argv)[i], &(*argv)[i + 1], (*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }
    else if ((*argv)[i][0] == '-' && (*argv)[i][1] != '\0')
      {
        quorum_cli_usage_error (command, "unknown option “%s”", (*argv)[i]);
        return FALSE;
      }
  positional = *argc - 1;
  if (positional < min_args)
    {
      quorum_cli_usage_error (command, "give %s", parameters);
      return FALSE;
    }
  if (max_args >= 0 && positional > max_args)
    {
      quorum_cli_usage_error (command, "unexpected argument “%s”", (*argv)[1 + max_args]);
      return FALSE;
    }
  return TRUE;
}

QuorumClient *
quorum_cli_session_connect (QuorumCliSession  *session,
                            GError           **error)
{
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(QuorumClient) client = NULL;
  g_autoptr(GError) local_error = NULL;

  if (session->client != NULL)
    return session->client;
  if (session->server != NULL)
    server = g_strdup (session->server);
  else if (g_getenv ("QUORUM_SERVER") != NULL && *g_getenv ("QUORUM_SERVER") != '\0')
    server = g_strdup (g_getenv ("QUORUM_SERVER"));
  else if ((server = quorum_credentials_store_last_server ()) == NULL)
    {
      g_set_error_literal (error, QUORUM_CLI_INPUT_ERROR, 0,
                           "which server? Give --server URL, set QUORUM_SERVER or log in first");
      return NULL;
    }
  if ((client = quorum_client_new (server, &local_error)) == NULL)
    {
      g_set_error_literal (error, QUORUM_CLI_INPUT_ERROR, 0, local_error->message);
      return NULL;
    }
  if (g_getenv ("QUORUM_TOKEN") != NULL && *g_getenv ("QUORUM_TOKEN") != '\0')
    token = g_strdup (g_getenv ("QUORUM_TOKEN"));
  else
    token = quorum_credentials_store_lookup (quorum_client_get_server (client), NULL);
  quorum_client_set_token (client, token);
  session->client = g_steal_pointer (&client);
  return session->client;
}

JsonNode *
quorum_cli_call (QuorumCliSession  *session,
                 const char        *method,
                 JsonNode          *body,
                 GError           **error,
                 const char        *path_format,
                 ...)
{
  g_autofree char *path = NULL;
  va_list args;

  if (quorum_cli_session_connect (session, error) == NULL)
    return NULL;
  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);
  return quorum_client_call_sync (session->client, method, path, body, NULL, error);
}

int
quorum_cli_session_fail (QuorumCliSession *session,
                         const GError     *error)
{
  const char *command = session->command != NULL ? session->command : "";

  if (error->domain == QUORUM_CLI_INPUT_ERROR)
    {
      quorum_cli_usage_error (command, "%s", error->message);
      return QUORUM_CLI_USAGE;
    }
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED) && session->client != NULL &&
      quorum_client_get_token (session->client) == NULL)
    fprintf (stderr, "quorumctl %s: %s\nSign in first: quorumctl login --server %s USER\n", command,
             error->message, quorum_client_get_server (session->client));
  else
    fprintf (stderr, "quorumctl %s: %s\n", command, error->message);
  return QUORUM_CLI_REFUSED;
}

int
quorum_cli_session_usage (QuorumCliSession *session,
                          const char       *format,
                          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  quorum_cli_usage_error (session->command, "%s", message);
  return QUORUM_CLI_USAGE;
}

int
quorum_cli_list (const QuorumCliList *list,
                 int                  argc,
                 char               **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *owner_text = NULL;
  g_autofree char *help = list->owner != NULL ? g_strdup_printf ("The %s", list->owner) : NULL;
  g_autofree char *option = list->owner != NULL ? g_strconcat ("--", list->owner, NULL) : NULL;
  g_autofree char *parameters = list->owner != NULL ? g_strconcat (option, " ID", NULL) : g_strdup ("");
  g_autofree char *path = NULL;
  /* Without an owner the first entry ends the list: no option. */
  const GOptionEntry entries[] = {
    { list->owner, 0, 0, G_OPTION_ARG_STRING, &owner_text, help, "ID" },
    { NULL }
  };
  gint64 owner;

  if (!quorum_cli_session_parse (&session, list->command, parameters, list->summary, list->description,
                                 entries, 0, 0, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (list->owner == NULL)
    path = g_strdup (list->path);
  else if (quorum_cli_parse_id (owner_text, option, &owner, &error))
    path = g_strdup_printf ("/%ss/%" G_GINT64_FORMAT "%s", list->owner, owner, list->path);
  else
    return quorum_cli_session_fail (&session, error);
  if ((reply = quorum_cli_call (&session, "GET", NULL, &error, "%s", path)) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (list->member == NULL || session.json)
    quorum_cli_session_print (&session, reply, list->columns);
  else if (JSON_NODE_HOLDS_OBJECT (reply))
    quorum_cli_print_table (json_object_get_member (json_node_get_object (reply), list->member), list->columns);
  return QUORUM_CLI_OK;
}

/* ---- replies ---------------------------------------------------------- */

JsonNode *
quorum_cli_reply_member (JsonNode      *reply,
                         const char    *name,
                         JsonNodeType   type,
                         GError       **error)
{
  JsonNode *member = reply != NULL && JSON_NODE_HOLDS_OBJECT (reply)
                     ? json_object_get_member (json_node_get_object (reply), name) : NULL;

  if (member == NULL || JSON_NODE_TYPE (member) != type)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the server's reply has no “%s”", name);
      return NULL;
    }
  return member;
}

gboolean
quorum_cli_reply_id (JsonNode  *reply,
                     gint64    *id,
                     GError   **error)
{
  JsonNode *member = quorum_cli_reply_member (reply, "id", JSON_NODE_VALUE, error);

  if (member == NULL)
    return FALSE;
  if (json_node_get_value_type (member) != G_TYPE_INT64)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the server's reply has no “id”");
      return FALSE;
    }
  *id = json_node_get_int (member);
  return TRUE;
}

int
quorum_cli_session_print_id (QuorumCliSession *session,
                             JsonNode         *reply)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (session->json)
    {
      quorum_cli_print_json (reply);
      return QUORUM_CLI_OK;
    }
  if (!quorum_cli_reply_id (reply, &id, &error))
    return quorum_cli_session_fail (session, error);
  printf ("%" G_GINT64_FORMAT "\n", id);
  return QUORUM_CLI_OK;
}

/* ---- arguments -------------------------------------------------------- */

gboolean
quorum_cli_parse_id (const char  *text,
                     const char  *what,
                     gint64      *id,
                     GError     **error)
{
  guint64 value;

  if (text == NULL)
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: is missing", what);
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: must be a positive whole number (an id), not “%s”",
                   what, text);
      return FALSE;
    }
  *id = (gint64) value;
  return TRUE;
}

gboolean
quorum_cli_resolve_user (QuorumCliSession  *session,
                         const char        *text,
                         gint64            *id,
                         GError           **error)
{
  g_autoptr(JsonNode) users = NULL;
  guint64 value;

  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      *id = (gint64) value;
      return TRUE;
    }
  if ((users = quorum_cli_call (session, "GET", NULL, error, "/users")) == NULL)
    {
      if (error != NULL && g_error_matches (*error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN))
        g_prefix_error (error, "user “%s”: only an administrator can look up names; give the user's id: ", text);
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (users))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (users)); i++)
      {
        JsonNode *element = json_array_get_element (json_node_get_array (users), i);
        JsonObject *user = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

        if (user != NULL && g_strcmp0 (json_object_get_string_member_with_default (user, "name", NULL), text) == 0)
          return quorum_cli_reply_id (element, id, error);
      }
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "user: no user called “%s”", text);
  return FALSE;
}

char *
quorum_cli_read_password (const char  *prompt,
                          gboolean     from_stdin,
                          GError     **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  struct termios saved, quiet;
  gboolean terminal = !from_stdin && isatty (STDIN_FILENO);
  int c;

  if (terminal)
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
      else
        terminal = FALSE;
    }
  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (terminal)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fputc ('\n', stderr);
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (line->len == 0)
    {
      g_set_error_literal (error, QUORUM_CLI_INPUT_ERROR, 0,
                           c == EOF && !terminal ? "password: give it on one line of standard input"
                                                 : "password: is empty");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* ---- output ----------------------------------------------------------- */

void
quorum_cli_print_json (JsonNode *node)
{
  g_autofree char *text = quorum_wire_to_string (node, TRUE);

  printf ("%s\n", text);
}

void
quorum_cli_print_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = quorum_cli_object_node (object);

  quorum_cli_print_json (node);
}

JsonNode *
quorum_cli_object_node (JsonObject *object)
{
  return json_node_init_object (json_node_alloc (), object);
}

char *
quorum_cli_format_member (JsonObject *object,
                          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("-");
  if (JSON_NODE_HOLDS_VALUE (node))
    switch (json_node_get_value_type (node))
      {
      case G_TYPE_STRING:
        return g_strdup (json_node_get_string (node));
      case G_TYPE_INT64:
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      case G_TYPE_DOUBLE:
        return g_strdup_printf ("%.3f", json_node_get_double (node));
      case G_TYPE_BOOLEAN:
        return g_strdup (json_node_get_boolean (node) ? "yes" : "no");
      default:
        break;
      }
  return quorum_wire_to_string (node, FALSE);
}

static void
print_padded (const char *text,
              int         width)
{
  fputs (text, stdout);
  for (int i = (int) g_utf8_strlen (text, -1); i < width; i++)
    fputc (' ', stdout);
}

void
quorum_cli_print_table (JsonNode           *rows,
                        const char * const *columns)
{
  guint n_columns = g_strv_length ((char **) columns);
  g_autofree int *widths = g_new0 (int, n_columns);
  g_auto(GStrv) members = g_new0 (char *, n_columns + 1);
  g_auto(GStrv) headers = g_new0 (char *, n_columns + 1);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;
  guint n_rows;

  if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    return;
  array = json_node_get_array (rows);
  n_rows = json_array_get_length (array);
  for (guint c = 0; c < n_columns; c++)
    {
      const char *colon = strchr (columns[c], ':');

      members[c] = colon != NULL ? g_strndup (columns[c], colon - columns[c]) : g_strdup (columns[c]);
      headers[c] = g_strdup (colon != NULL ? colon + 1 : columns[c]);
      widths[c] = (int) g_utf8_strlen (headers[c], -1);
    }
  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_columns; c++)
      {
        JsonNode *row = json_array_get_element (array, r);
        char *cell = JSON_NODE_HOLDS_OBJECT (row)
                     ? quorum_cli_format_member (json_node_get_object (row), members[c]) : g_strdup ("");

        widths[c] = MAX (widths[c], (int) g_utf8_strlen (cell, -1));
        g_ptr_array_add (cells, cell);
      }
  for (guint c = 0; c < n_columns; c++)
    {
      if (c + 1 < n_columns)
        print_padded (headers[c], widths[c] + 2);
      else
        fputs (headers[c], stdout);
    }
  fputc ('\n', stdout);
  for (guint r = 0; r < n_rows; r++)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          const char *cell = g_ptr_array_index (cells, r * n_columns + c);

          if (c + 1 < n_columns)
            print_padded (cell, widths[c] + 2);
          else
            fputs (cell, stdout);
        }
      fputc ('\n', stdout);
    }
}

void
quorum_cli_session_print (QuorumCliSession   *session,
                          JsonNode           *reply,
                          const char * const *columns)
{
  if (session->json)
    {
      quorum_cli_print_json (reply);
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (reply) && columns != NULL)
    quorum_cli_print_table (reply, columns);
  else if (JSON_NODE_HOLDS_OBJECT (reply))
    {
      JsonObject *object = json_node_get_object (reply);
      g_autoptr(GList) names = json_object_get_members (object);

      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *value = quorum_cli_format_member (object, l->data);

          if (columns != NULL && !g_strv_contains (columns, l->data))
            {
              gboolean listed = FALSE;

              for (guint c = 0; columns[c] != NULL && !listed; c++)
                listed = g_str_has_prefix (columns[c], l->data) && columns[c][strlen (l->data)] == ':';
              if (!listed)
                continue;
            }
          printf ("%s: %s\n", (const char *) l->data, value);
        }
    }
  else if (!JSON_NODE_HOLDS_NULL (reply))
    quorum_cli_print_json (reply);
}
