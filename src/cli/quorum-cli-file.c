/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "quorum-cli.h"
#include "quorum-error.h"

/* How many files go up at once. */
#define PARALLEL_UPLOADS 4

/* ---- which files ------------------------------------------------------ */

static gboolean
add_path (GPtrArray   *paths,
          GHashTable  *seen,
          const char  *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);

  if (g_hash_table_contains (seen, canonical))
    return FALSE;
  g_hash_table_add (seen, g_steal_pointer (&canonical));
  g_ptr_array_add (paths, g_strdup (path));
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The regular files of a folder, not hidden ones, by name. */
static gboolean
add_folder (GPtrArray   *paths,
            GHashTable  *seen,
            const char  *folder,
            GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      g_prefix_error (error, "%s: ", folder);
      (*error)->domain = QUORUM_CLI_INPUT_ERROR;
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (name[0] != '.' && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_steal_pointer (&path));
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    add_path (paths, seen, g_ptr_array_index (names, i));
  return TRUE;
}

/* Files, folders (their files) and quoted patterns, in the order given,
 * each file once. Anything missing stops everything before an upload. */
static GPtrArray *
expand_arguments (int      argc,
                  char   **argv,
                  GError **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 1; i < argc; i++)
    {
      const char *argument = argv[i];

      if (g_file_test (argument, G_FILE_TEST_IS_DIR))
        {
          if (!add_folder (paths, seen, argument, error))
            return NULL;
        }
      else if (g_file_test (argument, G_FILE_TEST_EXISTS))
        add_path (paths, seen, argument);
      else if (strpbrk (argument, "*?[") != NULL)
        {
          glob_t matches = { 0 };

          if (glob (argument, 0, NULL, &matches) != 0 || matches.gl_pathc == 0)
            {
              globfree (&matches);
              g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: matches no file", argument);
              return NULL;
            }
          for (size_t j = 0; j < matches.gl_pathc; j++)
            if (g_file_test (matches.gl_pathv[j], G_FILE_TEST_IS_REGULAR))
              add_path (paths, seen, matches.gl_pathv[j]);
          globfree (&matches);
        }
      else
        {
          g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "%s: no such file or folder", argument);
          return NULL;
        }
    }
  if (paths->len == 0)
    {
      g_set_error_literal (error, QUORUM_CLI_INPUT_ERROR, 0, "no file to upload in what was given");
      return NULL;
    }
  return g_steal_pointer (&paths);
}

/* ---- uploading -------------------------------------------------------- */

typedef struct {
  QuorumClient *client;
  gint64        project;
  GPtrArray    *paths;
  JsonNode    **results;     /* one per path, {"path", "id", …} or {"path", "error"} */
  guint         next;
  guint         running;
  guint         done;
  guint         failed;
  guint         existed;
  gboolean      bar;         /* a progress bar on a terminal, else plain lines */
  gboolean      json;
  const char   *current;
} Batch;

typedef struct {
  Batch *batch;
  guint  index;
} Item;

static void
draw_bar (Batch *batch)
{
  const int width = 30;
  int filled = (int) ((double) batch->done / batch->paths->len * width);
  g_autofree char *name = batch->current != NULL ? g_path_get_basename (batch->current) : g_strdup ("");

  if (g_utf8_strlen (name, -1) > 40)
    {
      char *cut = g_utf8_substring (name, 0, 39);
      g_free (name);
      name = g_strconcat (cut, "…", NULL);
      g_free (cut);
    }
  fprintf (stderr, "\r\033[K[");
  for (int i = 0; i < width; i++)
    fputc (i < filled ? '#' : ' ', stderr);
  fprintf (stderr, "] %u/%u %s", batch->done, batch->paths->len, name);
  fflush (stderr);
}

static void start_next (Batch *batch);

static void
uploaded (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Item *item = user_data;
  Batch *batch = item->batch;
  const char *path = g_ptr_array_index (batch->paths, item->index);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *outcome = json_object_new ();
  gboolean existed = FALSE;

  reply = quorum_client_upload_finish (QUORUM_CLIENT (source), result, &existed, &error);
  json_object_set_string_member (outcome, "path", path);
  if (reply == NULL)
    {
      batch->failed++;
      json_object_set_string_member (outcome, "error", error->message);
      if (batch->bar)
        fprintf (stderr, "\r\033[K");
      fprintf (stderr, "quorumctl file upload: %s\n", error->message);
    }
  else
    {
      JsonObject *file = json_node_get_object (reply);

      batch->existed += existed;
      json_object_set_int_member (outcome, "id", json_object_get_int_member (file, "id"));
      json_object_set_string_member (outcome, "name", json_object_get_string_member (file, "name"));
      json_object_set_boolean_member (outcome, "existed", existed);
      json_object_set_string_member (outcome, "sha256", json_object_get_string_member (file, "sha256"));
      if (!batch->bar && !batch->json)
        printf ("%s\t%" G_GINT64_FORMAT "\t%s\n", path, json_object_get_int_member (file, "id"),
                existed ? "existing" : "new");
    }
  batch->results[item->index] = json_node_init_object (json_node_alloc (), outcome);
  json_object_unref (outcome);
  batch->running--;
  batch->done++;
  batch->current = path;
  if (batch->bar)
    draw_bar (batch);
  g_free (item);
  start_next (batch);
}

static void
start_next (Batch *batch)
{
  while (batch->running < PARALLEL_UPLOADS && batch->next < batch->paths->len)
    {
      Item *item = g_new0 (Item, 1);
      const char *path = g_ptr_array_index (batch->paths, batch->next);

      item->batch = batch;
      item->index = batch->next++;
      batch->running++;
      /* A file that fails to open fails on its own; with a name containing a
       * “/” the server refuses it, so send the base name. */
      quorum_client_upload_async (batch->client, batch->project, path, NULL, NULL, NULL, NULL, uploaded, item);
    }
}

static int
file_upload (int    argc,
             char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autofree char *project_text = NULL;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project_text, "The project", "ID" },
    { NULL }
  };
  Batch batch = { 0 };
  gint64 project;

  if (!quorum_cli_session_parse (&session, "file upload", "--project ID PATH|FOLDER|PATTERN…",
                                 "Upload images and videos to a project (editors).",
                                 "A folder stands for the files in it (not hidden ones, not sub-folders);\n"
                                 "a quoted pattern such as 'scans/*.png' is expanded here. Each file is\n"
                                 "sent once, four at a time, streamed from disk. A file the project\n"
                                 "already has (same content) is not stored again: the server answers its\n"
                                 "id. On a terminal a progress bar shows; otherwise one line per file:\n"
                                 "  PATH<TAB>ID<TAB>new|existing\n"
                                 "--json prints [{\"path\", \"id\", \"name\", \"existed\", \"sha256\"} or\n"
                                 "{\"path\", \"error\"}, …] in the order given.\n"
                                 "A file the server refuses (not an image or video it can read, too\n"
                                 "large) is reported and the others still go; the exit status is then 1.",
                                 entries, 1, -1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (project_text, "--project", &project, &error) ||
      (paths = expand_arguments (argc, argv, &error)) == NULL ||
      quorum_cli_session_connect (&session, &error) == NULL)
    return quorum_cli_session_fail (&session, error);

  batch.client = session.client;
  batch.project = project;
  batch.paths = paths;
  batch.results = g_new0 (JsonNode *, paths->len);
  batch.json = session.json;
  batch.bar = !session.json && isatty (STDERR_FILENO);

  /* A private context: the uploads' callbacks run here and nowhere else. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  start_next (&batch);
  while (batch.done < paths->len)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  if (batch.bar)
    fprintf (stderr, "\r\033[K");

  if (session.json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = json_node_alloc ();

      for (guint i = 0; i < paths->len; i++)
        json_array_add_element (array, batch.results[i]);
      json_node_init_array (node, array);
      quorum_cli_print_json (node);
    }
  else
    {
      for (guint i = 0; i < paths->len; i++)
        json_node_unref (batch.results[i]);
      if (batch.bar)
        printf ("%u file(s) uploaded: %u new, %u already in the project, %u refused.\n",
                paths->len - batch.failed, paths->len - batch.failed - batch.existed, batch.existed,
                batch.failed);
    }
  g_free (batch.results);
  return batch.failed > 0 ? QUORUM_CLI_REFUSED : QUORUM_CLI_OK;
}

static int
file_list (int    argc,
           char **argv)
{
  static const char * const columns[] = { "id:ID", "name:Name", "media_type:Type", "width:Width",
                                          "height:Height", "frames:Frames", "has_existing:Existing", NULL };
  static const QuorumCliList list = {
    .command = "file list",
    .summary = "List a project's files in upload order.",
    .description = "--json prints [{\"id\", \"name\", \"sha256\", \"media_type\", \"size\", \"width\",\n"
                   "\"height\", \"frames\", \"fps\", \"has_existing\", \"created\", and for a video\n"
                   "\"video\": {\"state\", \"progress\", \"error\"}}, …].",
    .owner = "project",
    .path = "/files",
    .columns = columns,
  };

  return quorum_cli_list (&list, argc, argv);
}

/* “preparing 42%”, “ready”, “failed”, or “-” for an image. */
static char *
video_state (JsonObject *file)
{
  JsonObject *video;
  const char *state;

  if (!json_object_has_member (file, "video") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (file, "video")))
    return g_strdup ("-");
  video = json_object_get_object_member (file, "video");
  state = json_object_get_string_member_with_default (video, "state", "?");
  if (g_str_equal (state, "preparing"))
    return g_strdup_printf ("preparing %.0f%%",
                            100 * json_object_get_double_member_with_default (video, "progress", 0));
  return g_strdup (state);
}

static gboolean
is_state (JsonObject *file,
          const char *state)
{
  JsonNode *video = json_object_get_member (file, "video");

  return video != NULL && JSON_NODE_HOLDS_OBJECT (video) &&
         g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (video), "state",
                                                                NULL), state) == 0;
}

static int
file_status (int    argc,
             char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) files = NULL;
  g_autofree gint64 *ids = NULL;
  gboolean wait = FALSE, failed = FALSE;
  const GOptionEntry entries[] = {
    { "wait", 0, 0, G_OPTION_ARG_NONE, &wait, "Wait until no video is being prepared", NULL },
    { NULL },
  };

  if (!quorum_cli_session_parse (&session, "file status", "FILE_ID…",
                                 "Show files and where their videos' preparation stands.",
                                 "After an upload the server prepares each video in the background: a\n"
                                 "frame-exact proxy and its frame index (docs/video.md). One line per file:\n"
                                 "ID, name, type, frames, and the video's state (preparing with its\n"
                                 "progress, ready, failed) with the reason of a failure. --wait polls\n"
                                 "every second until none is preparing. --json prints the files as\n"
                                 "GET /files/{id} answers them. Exit status 1 when a preparation failed.",
                                 entries, 1, -1, &argc, &argv))
    return QUORUM_CLI_USAGE;
  ids = g_new0 (gint64, argc);
  for (int i = 1; i < argc; i++)
    if (!quorum_cli_parse_id (argv[i], "FILE_ID", &ids[i], &error))
      return quorum_cli_session_fail (&session, error);

  for (;;)
    {
      gboolean preparing = FALSE;

      g_clear_pointer (&files, json_array_unref);
      files = json_array_new ();
      for (int i = 1; i < argc; i++)
        {
          g_autoptr(JsonNode) reply = quorum_cli_call (&session, "GET", NULL, &error,
                                                       "/files/%" G_GINT64_FORMAT, ids[i]);
          if (reply == NULL)
            return quorum_cli_session_fail (&session, error);
          if (!JSON_NODE_HOLDS_OBJECT (reply))
            {
              g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                           "the server's reply for file %" G_GINT64_FORMAT " is not an object", ids[i]);
              return quorum_cli_session_fail (&session, error);
            }
          preparing |= is_state (json_node_get_object (reply), "preparing");
          json_array_add_element (files, g_steal_pointer (&reply));
        }
      if (!wait || !preparing)
        break;
      g_usleep (G_USEC_PER_SEC);
    }

  for (guint i = 0; i < json_array_get_length (files); i++)
    failed |= is_state (json_array_get_object_element (files, i), "failed");
  if (session.json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), files);
      quorum_cli_print_json (node);
    }
  else
    for (guint i = 0; i < json_array_get_length (files); i++)
      {
        JsonObject *file = json_array_get_object_element (files, i);
        g_autofree char *state = video_state (file);
        JsonNode *video = json_object_get_member (file, "video");
        const char *why = NULL;

        if (video != NULL && JSON_NODE_HOLDS_OBJECT (video) && is_state (file, "failed"))
          why = json_object_get_string_member_with_default (json_node_get_object (video), "error", NULL);
        printf ("%" G_GINT64_FORMAT "\t%s\t%s\t%" G_GINT64_FORMAT "\t%s%s%s\n",
                json_object_get_int_member (file, "id"), json_object_get_string_member (file, "name"),
                json_object_get_string_member (file, "media_type"),
                json_object_get_int_member (file, "frames"), state, why ? ": " : "", why ? why : "");
      }
  return failed ? QUORUM_CLI_REFUSED : QUORUM_CLI_OK;
}

static const QuorumCliAction actions[] = {
  { "upload", "--project ID PATH|FOLDER|PATTERN…", "Upload images and videos", file_upload },
  { "list", "--project ID", "List a project's files", file_list },
  { "status", "FILE_ID… [--wait]", "Show where videos' preparation stands", file_status },
};

int
quorum_cli_file (int    argc,
                 char **argv)
{
  return quorum_cli_dispatch ("file", "A project's images and videos.", actions, G_N_ELEMENTS (actions),
                              argc, argv);
}
