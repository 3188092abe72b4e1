/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "quorum-cache.h"
#include "quorum-client.h"
#include "client-test-util.h"
#include "quorum-error.h"
#include "quorum-sync.h"
#include "quorum-video.h"
#include "quorum-wire.h"
#include "video-clip.h"

/* Two small valid PNGs (32×24), different content. */
static const guint8 png_a[] =
  "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x20\x00\x00\x00\x18"
  "\x08\x02\x00\x00\x00\x14\x31\x68\x63\x00\x00\x00\x24\x49\x44\x41\x54\x78\x9c\x63\x88\xb2\xa9\xa0"
  "\x29\x62\x18\xb5\x60\xd4\x82\x51\x0b\x46\x2d\x18\xb5\x60\xd4\x82\x51\x0b\x46\x2d\x18\x1a\x16\x00"
  "\x00\x7e\xe5\x2a\x2e\x32\x1c\x63\xc9\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
static const guint8 png_b[] =
  "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x20\x00\x00\x00\x18"
  "\x08\x02\x00\x00\x00\x14\x31\x68\x63\x00\x00\x00\x24\x49\x44\x41\x54\x78\x9c\x63\x38\x61\x53\x41"
  "\x53\xc4\x30\x6a\xc1\xa8\x05\xa3\x16\x8c\x5a\x30\x6a\xc1\xa8\x05\xa3\x16\x8c\x5a\x30\x34\x2c\x00"
  "\x00\x98\xe7\x74\x3d\x3f\x91\x5f\x18\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

#define ROOT_PASSWORD "correct horse battery"
#define ANN_PASSWORD  "ann-password"

/* ---- a real quorum-server ------------------------------------------------ */

typedef struct {
  char         *data_dir;
  char         *work_dir;
  GSubprocess  *process;
  guint         port;
  char         *address;
  QuorumClient *admin;
  gint64        ann_id;
  gint64        guide;
  gint64        jobs[2];
  gint64        files[2];
  gint64        tasks[2];
  gint64        versions[2];   /* of the tasks when taken */
} Server;

static void
server_start (Server     *server,
              const char *token_lifetime)
{
  server->process = start_server (server->data_dir, &server->port, &server->address, token_lifetime);
}

static void
server_stop (Server *server)
{
  stop_server (&server->process);
}

static QuorumClient *
client_for (Server     *server,
            const char *user,
            const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) client = quorum_client_new (server->address, &error);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_no_error (error);
  /* A request the server never answers fails the test with its words
   * rather than holding it until meson's timeout. */
  quorum_client_set_timeout (client, 30);
  reply = quorum_client_login_sync (client, user, password, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

/* An administrator, a project with a label "car", two PNGs, a guide, two
 * launched jobs of one file each, and an annotator "ann" holding one draw
 * task of each. */
static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) ann = NULL;
  g_autofree char *body = NULL;

  server->data_dir = g_dir_make_tmp ("quorum-sync-server-XXXXXX", &error);
  g_assert_no_error (error);
  server->work_dir = g_dir_make_tmp ("quorum-sync-work-XXXXXX", &error);
  g_assert_no_error (error);
  admin = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                       "--data", server->data_dir, "--create-admin", "root", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (admin, ROOT_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (admin), ==, 0);

  server_start (server, NULL);
  server->admin = client_for (server, "root", ROOT_PASSWORD);
  g_assert_cmpint (call_id (server->admin, "POST", "/projects", "{\"name\": \"Streets\"}"), ==, 1);
  json_node_unref (call (server->admin, "PUT", "/projects/1/labels",
                         "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\","
                         " \"attributes\": []}]}"));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("street-%u.png", i);
      g_autofree char *path = g_build_filename (server->work_dir, name, NULL);
      g_autoptr(JsonNode) file = NULL;

      g_file_set_contents (path, (const char *) (i == 0 ? png_a : png_b), sizeof png_a - 1, &error);
      g_assert_no_error (error);
      file = quorum_client_upload_sync (server->admin, 1, path, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      server->files[i] = json_object_get_int_member (json_node_get_object (file), "id");
    }
  server->guide = call_id (server->admin, "POST", "/projects/1/guides",
                           "{\"name\": \"Drawing cars\", \"markdown\": \"# Cars\\nBox every car.\"}");
  server->ann_id = call_id (server->admin, "POST", "/users",
                            "{\"name\": \"ann\", \"password\": \"" ANN_PASSWORD "\"}");
  body = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, server->ann_id);
  json_node_unref (call (server->admin, "PUT", body, "{\"role\": \"annotator\"}"));

  ann = client_for (server, "ann", ANN_PASSWORD);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *job = g_strdup_printf ("{\"settings\": {\"name\": \"Batch %u\", \"passes_per_file\": 1,"
                                              " \"review_frequency\": 0, \"draw_guide\": \"%" G_GINT64_FORMAT "\"},"
                                              " \"files\": [%" G_GINT64_FORMAT "]}",
                                              i, server->guide, server->files[i]);
      g_autofree char *launch = NULL;
      g_autofree char *next = NULL;
      g_autoptr(JsonNode) task = NULL;

      server->jobs[i] = call_id (server->admin, "POST", "/projects/1/jobs", job);
      launch = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", server->jobs[i]);
      json_node_unref (call (server->admin, "POST", launch, NULL));
      next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", server->jobs[i]);
      task = call (ann, "POST", next, NULL);
      server->tasks[i] = json_object_get_int_member (json_node_get_object (task), "id");
      server->versions[i] = json_object_get_int_member (json_node_get_object (task), "version");
    }
  return server;
}

static void
server_free (Server *server)
{
  server_stop (server);
  g_clear_object (&server->admin);
  remove_tree (server->data_dir);
  remove_tree (server->work_dir);
  g_free (server->data_dir);
  g_free (server->work_dir);
  g_free (server->address);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)

/* The instances the server holds for a task (read as the administrator). */
static JsonNode *
server_task (Server *server,
             gint64  task_id)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);

  return call (server->admin, "GET", path, NULL);
}

/* The instance ids of a list, "a,b". */
static char *
instance_ids (JsonArray *instances)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (instances); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? "," : "",
                            json_object_get_string_member (json_array_get_object_element (instances, i), "id"));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
server_instance_ids (Server *server,
                     gint64  task_id)
{
  g_autoptr(JsonNode) task = server_task (server, task_id);

  return instance_ids (json_object_get_array_member (json_node_get_object (task), "instances"));
}

static gint64
server_version (Server *server,
                gint64  task_id)
{
  g_autoptr(JsonNode) task = server_task (server, task_id);

  return json_object_get_int_member (json_node_get_object (task), "version");
}

static char *
local_instance_ids (QuorumCache *cache,
                    gint64       task_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = quorum_cache_get_local_instances (cache, task_id, &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  node = quorum_wire_parse_bytes (text, strlen (text), &error);
  g_assert_no_error (error);
  return instance_ids (json_node_get_array (node));
}

/* One box with id @id; @x makes edits differ. */
static char *
box (const char *id,
     int         x)
{
  return g_strdup_printf ("[{\"id\": \"%s\", \"label\": \"car\", \"kind\": \"box\", "
                          "\"points\": [[%d, 2], [%d, 20]]}]", id, x, x + 10);
}

static void
save (QuorumCache *cache,
      gint64       task_id,
      const char  *id,
      int          x)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *instances = box (id, x);

  quorum_cache_save_local (cache, task_id, instances, &error);
  g_assert_no_error (error);
}

/* ---- waiting on the main loop --------------------------------------------- */

static gboolean
is_synced (gpointer data)
{
  return quorum_sync_get_state (data) == QUORUM_SYNC_SYNCED && quorum_sync_get_pending (data) == 0;
}

static gboolean
is_offline (gpointer data)
{
  return quorum_sync_get_state (data) == QUORUM_SYNC_OFFLINE;
}

static gboolean
is_in_conflict (gpointer data)
{
  return quorum_sync_get_state (data) == QUORUM_SYNC_CONFLICT;
}

static gboolean
is_signed_out (gpointer data)
{
  return quorum_sync_get_state (data) == QUORUM_SYNC_SIGNED_OUT;
}

static gboolean
retries_in_two (gpointer data)
{
  return quorum_sync_get_retry_delay (data) == 2;
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
  guint     last_done;
  guint     last_total;
  guint     reports;
  gint64    sized;      /* bytes said before the media, or -1 */
  guint     sized_at;   /* the steps done then */
} Download;

static void
download_sized (QuorumSync *sync,
                gint64      job_id,
                guint64     bytes,
                gpointer    user_data)
{
  Download *download = user_data;

  g_assert_cmpint (download->sized, ==, -1);
  download->sized = bytes;
  download->sized_at = download->last_done;
}

static gboolean
download_done (gpointer data)
{
  return ((Download *) data)->done;
}

static void
download_progress (guint    done,
                   guint    total,
                   gpointer user_data)
{
  Download *download = user_data;

  g_assert_cmpuint (done, >=, download->last_done);
  g_assert_cmpuint (done, <=, total);
  download->last_done = done;
  download->last_total = total;
  download->reports++;
}

static void
downloaded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Download *download = user_data;

  download->ok = quorum_sync_download_job_finish (QUORUM_SYNC (source), result, &download->error);
  download->done = TRUE;
}

static void
download_job (QuorumSync *sync,
              gint64      job_id,
              Download   *download)
{
  gulong handler;

  memset (download, 0, sizeof *download);
  download->sized = -1;
  handler = g_signal_connect (sync, "download-sized", G_CALLBACK (download_sized), download);
  quorum_sync_download_job_async (sync, job_id, download_progress, download, NULL, downloaded, download);
  g_assert_true (wait_until (download_done, download, 30));
  g_signal_handler_disconnect (sync, handler);
  g_assert_no_error (download->error);
  g_assert_true (download->ok);
}

/* A sync engine as the app makes one: the annotator's client and cache. */
static QuorumSync *
sync_for (Server      *server,
          QuorumCache **cache_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) client = client_for (server, "ann", ANN_PASSWORD);
  g_autoptr(QuorumCache) cache = quorum_cache_open (server->address, "ann", &error);

  g_assert_no_error (error);
  *cache_out = g_object_ref (cache);
  return quorum_sync_new (client, cache);
}

/* ---- the cache alone ------------------------------------------------------ */

static void
store_view (QuorumCache *cache,
            gint64       id,
            gint64       file,
            gint64       version)
{
  g_autofree char *text = g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"job\": 1, \"file\": %" G_GINT64_FORMAT
                                           ", \"version\": %" G_GINT64_FORMAT ", \"state\": \"assigned\","
                                           " \"instances\": []}", id, file, version);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) view = quorum_wire_parse_bytes (text, strlen (text), &error);

  g_assert_no_error (error);
  quorum_cache_store_task (cache, view, &error);
  g_assert_no_error (error);
}

static void
test_cache_place (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumCache) cache = quorum_cache_open ("127.0.0.1:8080", "ann", &error);
  g_autoptr(QuorumCache) dots = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *media = NULL;
  g_autofree char *outside = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_no_error (error);
  expected = g_build_filename (g_get_user_data_dir (), "quorum", "127.0.0.1-8080", "ann", "cache.sqlite", NULL);
  media = g_build_filename (g_get_user_cache_dir (), "quorum", "127.0.0.1-8080", "media", NULL);
  g_assert_cmpstr (quorum_cache_get_path (cache), ==, expected);
  g_assert_cmpstr (quorum_cache_get_media_dir (cache), ==, media);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (quorum_cache_get_schema_version (cache), ==, QUORUM_CACHE_SCHEMA_VERSION);

  /* The journal is a write-ahead log, as a second connection sees it. */
  g_assert_cmpint (sqlite3_open (expected, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* A user name never leaves its server's folder. */
  dots = quorum_cache_open ("http://127.0.0.1:8080/", "..", &error);
  g_assert_no_error (error);
  outside = g_build_filename (g_get_user_data_dir (), "quorum", "cache.sqlite", NULL);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_true (g_str_has_prefix (quorum_cache_get_path (dots), g_get_user_data_dir ()));
  g_assert_nonnull (strstr (quorum_cache_get_path (dots), "127.0.0.1-8080" G_DIR_SEPARATOR_S "%2E."));

  g_clear_object (&cache);
  cache = quorum_cache_open ("ftp://example.org", "ann", &error);
  g_assert_null (cache);
  g_assert_nonnull (error);
}

static void
test_cache_outbox (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumCache) cache = quorum_cache_open ("localhost:9", "ann", &error);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(QuorumCacheOp) op = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *ids = NULL;
  const char *sent_reply = "{\"id\": 2, \"version\": 8, \"instances\": [{\"id\": \"c\", \"label\": \"car\","
                           " \"kind\": \"box\", \"points\": [[3, 2], [13, 20]], \"author\": \"ann\"}]}";
  QuorumCacheOp *entry;

  g_assert_no_error (error);
  store_view (cache, 1, 11, 5);
  store_view (cache, 2, 12, 7);

  /* A task the cache never saw cannot be edited: its version is unknown. */
  g_assert_false (quorum_cache_save_local (cache, 3, "[]", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (quorum_cache_save_local (cache, 1, "{\"id\": 1}", &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);

  save (cache, 1, "a", 1);
  save (cache, 1, "b", 2);            /* merged into the save before */
  save (cache, 2, "c", 3);
  save (cache, 1, "d", 4);            /* after task 2's save: a new operation */
  quorum_cache_submit_local (cache, 1, &error);
  g_assert_no_error (error);
  save (cache, 1, "e", 5);            /* after the submit: never merged into it */
  ops = quorum_cache_list_outbox (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 5);
  entry = g_ptr_array_index (ops, 0);
  g_assert_cmpint (entry->task, ==, 1);
  g_assert_cmpint (entry->revision, ==, 1);
  g_assert_cmpint (entry->base_version, ==, 5);
  g_assert_nonnull (strstr (entry->payload, "\"b\""));
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 3))->kind, ==, QUORUM_CACHE_OP_SUBMIT);
  ids = local_instance_ids (cache, 1);
  g_assert_cmpstr (ids, ==, "e");
  g_clear_pointer (&ids, g_free);

  /* Task 1's first save is superseded by its next save: task 2 goes first. */
  op = quorum_cache_next_op (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (op->task, ==, 2);
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 4);
  reply = quorum_wire_parse_bytes (sent_reply, strlen (sent_reply), &error);
  g_assert_no_error (error);
  quorum_cache_record_sent (cache, op->id, op->revision, 8, reply, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_server_version (cache, 2), ==, 8);
  g_assert_false (quorum_cache_has_pending (cache, 2));
  g_clear_pointer (&op, quorum_cache_op_free);

  /* Task 1's save "d" then its submit; once "d" is taken, the rest is
   * rebased on the version it made. */
  op = quorum_cache_next_op (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (op->task, ==, 1);
  g_assert_cmpint (op->kind, ==, QUORUM_CACHE_OP_SAVE);
  g_assert_nonnull (strstr (op->payload, "\"d\""));
  quorum_cache_record_sent (cache, op->id, op->revision, 6, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = quorum_cache_list_outbox (cache, &error);
  g_assert_cmpuint (ops->len, ==, 2);
  for (guint i = 0; i < ops->len; i++)
    g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, i))->base_version, ==, 6);
  g_clear_pointer (&op, quorum_cache_op_free);

  /* An edit merged into an operation on its way is not lost when the
   * server's answer comes: the operation stays, rebased. */
  save (cache, 2, "x", 1);
  op = quorum_cache_next_op (cache, &error);
  g_assert_cmpint (op->task, ==, 1);        /* the submit of task 1 is older */
  g_clear_pointer (&op, quorum_cache_op_free);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = quorum_cache_list_outbox (cache, &error);
  entry = g_ptr_array_index (ops, ops->len - 1);
  g_assert_cmpint (entry->task, ==, 2);
  g_assert_cmpint (entry->base_version, ==, 8);
  save (cache, 2, "y", 2);
  quorum_cache_record_sent (cache, entry->id, entry->revision, 9, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (quorum_cache_has_pending (cache, 2));
  ids = local_instance_ids (cache, 2);
  g_assert_cmpstr (ids, ==, "y");
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = quorum_cache_list_outbox (cache, &error);
  entry = g_ptr_array_index (ops, ops->len - 1);
  g_assert_cmpint (entry->base_version, ==, 9);
  g_assert_nonnull (strstr (entry->payload, "\"y\""));

  /* A conflict holds the task's operations and keeps the user's copy. */
  quorum_cache_record_conflict (cache, 1, 10, "version: the task is at version 10, not 6", &error);
  g_assert_no_error (error);
  g_assert_true (quorum_cache_in_conflict (cache, 1));
  op = quorum_cache_next_op (cache, &error);
  g_assert_cmpint (op->task, ==, 2);
  g_clear_pointer (&op, quorum_cache_op_free);
  conflicts = quorum_cache_list_conflicts (cache, 1, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_true (((QuorumCacheConflict *) g_ptr_array_index (conflicts, 0))->open);
  g_assert_nonnull (strstr (((QuorumCacheConflict *) g_ptr_array_index (conflicts, 0))->instances, "\"e\""));

  /* Keep mine: the local instances are saved again on version 10, then the
   * submit. */
  quorum_cache_resolve_conflict (cache, 1, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (quorum_cache_in_conflict (cache, 1));
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = quorum_cache_list_outbox (cache, &error);
  g_assert_cmpuint (ops->len, ==, 3);
  entry = g_ptr_array_index (ops, 1);
  g_assert_cmpint (entry->task, ==, 1);
  g_assert_cmpint (entry->kind, ==, QUORUM_CACHE_OP_SAVE);
  g_assert_cmpint (entry->base_version, ==, 10);
  g_assert_nonnull (strstr (entry->payload, "\"e\""));
  entry = g_ptr_array_index (ops, 2);
  g_assert_cmpint (entry->kind, ==, QUORUM_CACHE_OP_SUBMIT);
  g_assert_cmpint (entry->base_version, ==, 10);
  g_assert_false (quorum_cache_resolve_conflict (cache, 1, TRUE, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
}

/* Sets a cached task's view text as a damaged or foreign file would hold it. */
static void
overwrite_view (QuorumCache *cache,
                gint64       task_id,
                const char  *text)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (quorum_cache_get_path (cache), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE tasks SET view = ?2 WHERE id = ?1", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, task_id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* What the tree path makes of @view_text's instances: their compact text
 * (NULL when the view cannot be parsed) and the model, or its error. */
static char *
instances_by_tree (const char  *view_text,
                   GPtrArray  **model,
                   GError     **error)
{
  g_autoptr(JsonNode) view = quorum_wire_parse_bytes (view_text, strlen (view_text), error);
  JsonNode *instances;

  if (view == NULL)
    return NULL;
  instances = json_object_get_member (json_node_get_object (view), "instances");
  *model = quorum_wire_read_instances (instances, NULL, "instances", error);
  return quorum_wire_to_string (instances, FALSE);
}

/* Opening a task reads its instances from the cache into the model without
 * a tree; they are the tree path's, and so are the words of a refusal. */
static void
test_cache_local_instances (void)
{
  const char *view_text =
    "{\"id\": 4, \"job\": 1, \"file\": 14, \"version\": 3, \"file_info\": {\"name\": \"a.png\"},"
    " \"instances\": [{\"id\": \"p\", \"label\": \"car\", \"kind\": \"polygon\", \"points\":"
    " [[1.50, 2e1], [30.25, 2.0], [0.1, 7]], \"attributes\": {\"z\": \"1\", \"a\": [\"x\", \"\\u00e9\"], \"occluded\": true}},"
    " {\"id\": \"b\", \"label\": \"person\", \"kind\": \"box\", \"points\": [[0, 0], [10, 10]],"
    " \"author\": \"ann\"}], \"state\": \"assigned\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumCache) cache = quorum_cache_open ("localhost:7", "ann", &error);
  g_autoptr(JsonNode) view = NULL;
  g_autoptr(GPtrArray) expected_model = NULL;
  g_autoptr(GPtrArray) model = NULL;
  g_autoptr(GError) expected_error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *written = NULL;
  g_autofree char *stored = NULL;

  g_assert_no_error (error);
  view = quorum_wire_parse_bytes (view_text, strlen (view_text), &error);
  g_assert_no_error (error);
  quorum_cache_store_task (cache, view, &error);
  g_assert_no_error (error);
  expected = instances_by_tree (view_text, &expected_model, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected_model->len, ==, 2);

  /* No edit yet: the server's instances, from the stored view. */
  text = quorum_cache_get_local_instances (cache, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
  model = quorum_cache_read_local_instances (cache, 4, &error);
  g_assert_no_error (error);
  written = quorum_wire_instances_to_string (model);
  stored = quorum_wire_instances_to_string (expected_model);
  g_assert_cmpstr (written, ==, stored);
  g_clear_pointer (&stored, g_free);
  g_assert_cmpfloat (((QuorumInstance *) g_ptr_array_index (model, 0))->points[0].x, ==, 1.5);
  g_clear_pointer (&model, g_ptr_array_unref);
  g_clear_pointer (&written, g_free);
  g_clear_pointer (&text, g_free);

  /* An edit: its text, as saved; the server's instances stay the view's. */
  save (cache, 4, "edited", 9);
  model = quorum_cache_read_local_instances (cache, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->len, ==, 1);
  g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (model, 0))->id, ==, "edited");
  g_assert_cmpfloat (((QuorumInstance *) g_ptr_array_index (model, 0))->points[1].x, ==, 19);
  g_clear_pointer (&model, g_ptr_array_unref);
  {
    gint64 version = 0;

    model = quorum_cache_read_server_instances (cache, 4, &version, &error);
    g_assert_no_error (error);
    g_assert_cmpint (version, ==, 3);
    written = quorum_wire_instances_to_string (model);
    stored = quorum_wire_instances_to_string (expected_model);
    g_assert_cmpstr (written, ==, stored);
    g_clear_pointer (&stored, g_free);
    g_clear_pointer (&written, g_free);
    g_clear_pointer (&model, g_ptr_array_unref);
  }

  /* An edit the cache takes (it only asks for an array) but no instance
   * list can hold: refused in the wire format's words, as before. */
  quorum_cache_save_local (cache, 4, "[{\"id\": \"x\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[1, 2]]}]",
                           &error);
  g_assert_no_error (error);
  stored = quorum_cache_get_local_instances (cache, 4, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) node = quorum_wire_parse_bytes (stored, strlen (stored), &error);

    g_assert_no_error (error);
    g_assert_null (quorum_wire_read_instances (node, NULL, "instances", &expected_error));
  }
  g_assert_true (g_str_has_prefix (expected_error->message, "instances[0].points"));
  g_assert_null (quorum_cache_read_local_instances (cache, 4, &error));
  g_assert_error (error, expected_error->domain, expected_error->code);
  g_assert_cmpstr (error->message, ==, expected_error->message);
  g_clear_error (&error);
  g_clear_error (&expected_error);

  /* A task the cache never saw. */
  g_assert_null (quorum_cache_read_local_instances (cache, 99, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Views without work on them: no instances member, one that is not an
   * array, and views no strict reader takes. */
  store_view (cache, 5, 15, 1);
  overwrite_view (cache, 5, "{\"id\": 5, \"version\": 1, \"state\": \"assigned\"}");
  model = quorum_cache_read_local_instances (cache, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->len, ==, 0);
  g_clear_pointer (&model, g_ptr_array_unref);
  text = quorum_cache_get_local_instances (cache, 5, &error);
  g_assert_cmpstr (text, ==, "[]");
  g_clear_pointer (&text, g_free);
  /* No list to make a delta from. */
  g_assert_null (quorum_cache_read_server_instances (cache, 5, NULL, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  overwrite_view (cache, 5, "{\"id\": 5, \"instances\": {\"a\": 1}}");
  model = quorum_cache_read_local_instances (cache, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->len, ==, 0);
  g_clear_pointer (&model, g_ptr_array_unref);

  for (guint i = 0; i < 4; i++)
    {
      static const char *refused[] = {
        "{\"id\": 5, \"instances\": [], \"instances\": []}",
        "{\"id\": 5, \"instances\": [{\"id\": \"a\", \"label\": \"car\"}",
        "{\"id\": 5, \"instances\": []} []",
        "{\"id\": 5, \"x\": [1, 2,], \"instances\": []}",
      };
      g_autoptr(GError) tree_error = NULL;
      g_autoptr(JsonNode) parsed = quorum_wire_parse_bytes (refused[i], strlen (refused[i]), &tree_error);
      g_autofree char *words = NULL;

      g_assert_null (parsed);
      words = g_strdup_printf ("the cached task: %s", tree_error->message);
      overwrite_view (cache, 5, refused[i]);
      g_assert_null (quorum_cache_read_local_instances (cache, 5, &error));
      g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, words);
      g_clear_error (&error);
      g_assert_null (quorum_cache_get_local_instances (cache, 5, &error));
      g_assert_cmpstr (error->message, ==, words);
      g_clear_error (&error);
    }

  /* A view whose instances are bad: the text is handed out as it is, the
   * model is refused in the tree path's words. */
  overwrite_view (cache, 5, "{\"id\": 5, \"instances\": [{\"id\": \"a\", \"label\": \"car\", \"kind\": \"oval\"}]}");
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&expected_model, g_ptr_array_unref);
  expected = instances_by_tree ("{\"id\": 5, \"instances\": [{\"id\": \"a\", \"label\": \"car\", \"kind\": \"oval\"}]}",
                                &expected_model, &expected_error);
  g_assert_null (expected_model);
  text = quorum_cache_get_local_instances (cache, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
  g_assert_null (quorum_cache_read_local_instances (cache, 5, &error));
  g_assert_cmpstr (error->message, ==, expected_error->message);
}

/* A process killed right after save_local returned loses nothing. */
static void
test_cache_killed (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *media = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *ids = NULL;
  QuorumCacheOp *op;
  int fds[2];
  int status = 0;
  char byte = 0;
  pid_t child;

  dir = g_dir_make_tmp ("quorum-cache-XXXXXX", &error);
  g_assert_no_error (error);
  database = g_build_filename (dir, "data", "cache.sqlite", NULL);
  media = g_build_filename (dir, "media", NULL);
  cache = quorum_cache_open_at (database, media, &error);
  g_assert_no_error (error);
  store_view (cache, 42, 7, 3);
  g_clear_object (&cache);

  g_assert_cmpint (pipe (fds), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      g_autoptr(QuorumCache) mine = NULL;
      g_autofree char *instances = box ("kept", 30);

      close (fds[0]);
      mine = quorum_cache_open_at (database, media, NULL);
      if (mine == NULL || !quorum_cache_save_local (mine, 42, instances, NULL))
        _exit (1);
      /* Tell the parent, which kills this process at once. */
      if (write (fds[1], "s", 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }
  close (fds[1]);
  g_assert_cmpint (read (fds[0], &byte, 1), ==, 1);
  g_assert_cmpint (kill (child, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  close (fds[0]);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  cache = quorum_cache_open_at (database, media, &error);
  g_assert_no_error (error);
  ids = local_instance_ids (cache, 42);
  g_assert_cmpstr (ids, ==, "kept");
  ops = quorum_cache_list_outbox (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 1);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->task, ==, 42);
  g_assert_cmpint (op->kind, ==, QUORUM_CACHE_OP_SAVE);
  g_assert_cmpint (op->base_version, ==, 3);
  g_assert_nonnull (strstr (op->payload, "\"kept\""));
  g_clear_object (&cache);
  remove_tree (media);
  g_unlink (database);
  {
    g_autofree char *wal = g_strconcat (database, "-wal", NULL);
    g_autofree char *shm = g_strconcat (database, "-shm", NULL);
    g_autofree char *data = g_path_get_dirname (database);

    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (data);
  }
  g_rmdir (dir);
}

typedef struct {
  gboolean  done;
  GError   *error;
} Added;

static gboolean
added_done (gpointer data)
{
  return ((Added *) data)->done;
}

static void
media_added (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Added *added = user_data;

  quorum_cache_add_media_finish (QUORUM_CACHE (source), result, &added->error);
  added->done = TRUE;
}

static void
add_media (QuorumCache *cache,
           gint64       file_id,
           gsize        size)
{
  g_autofree char *temp = quorum_cache_get_media_temp_path (cache, file_id);
  g_autofree char *content = g_strnfill (size, 'a' + (char) (file_id % 26));
  g_autofree char *path = NULL;
  g_autofree char *read = NULL;
  g_autoptr(GError) error = NULL;
  Added added = { 0 };

  g_file_set_contents (temp, content, (gssize) size, &error);
  g_assert_no_error (error);
  quorum_cache_add_media_async (cache, file_id, temp, NULL, media_added, &added);
  g_assert_true (wait_until (added_done, &added, 10));
  g_assert_no_error (added.error);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  path = quorum_cache_get_media_path (cache, file_id);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_file_get_contents (path, &read, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (read, ==, content);
    }
}

static gboolean
media_here (QuorumCache *cache,
            gint64       file_id)
{
  g_autofree char *path = quorum_cache_get_media_path (cache, file_id);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static void
test_cache_media (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumCache) cache = quorum_cache_open ("localhost:10", "ann", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_media_limit (cache), ==, QUORUM_CACHE_DEFAULT_MEDIA_LIMIT);
  quorum_cache_set_media_limit (cache, 250, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_media_limit (cache), ==, 250);
  for (gint64 task = 1; task <= 4; task++)
    store_view (cache, task, 10 + task, 1);

  add_media (cache, 11, 100);
  add_media (cache, 12, 100);
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 200);
  /* Using 11 makes 12 the least recently used: 13 pushes it out. */
  path = quorum_cache_lookup_media (cache, 11);
  g_assert_nonnull (path);
  add_media (cache, 13, 100);
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 200);
  g_assert_true (media_here (cache, 11));
  g_assert_false (media_here (cache, 12));
  g_assert_true (media_here (cache, 13));
  g_assert_null (quorum_cache_lookup_media (cache, 12));

  /* Task 1 has unsent work: its file 11, now the oldest, stays and 13 goes. */
  save (cache, 1, "unsent", 1);
  add_media (cache, 14, 100);
  g_assert_true (media_here (cache, 11));
  g_assert_false (media_here (cache, 13));
  g_assert_true (media_here (cache, 14));
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 200);
  g_assert_cmpint (quorum_cache_get_media_size (cache), <=, quorum_cache_get_media_limit (cache));

  /* Below what unsent work needs: everything else goes, that stays. */
  quorum_cache_set_media_limit (cache, 50, &error);
  g_assert_no_error (error);
  g_assert_true (media_here (cache, 11));
  g_assert_false (media_here (cache, 14));
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 100);

  /* Reopened, the limit is remembered. */
  g_clear_object (&cache);
  cache = quorum_cache_open ("localhost:10", "ann", &error);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_media_limit (cache), ==, 50);
}

/* ---- against a real server ------------------------------------------------ */

/* Operations leave the outbox from its head only: in order. */
typedef struct {
  GArray *seen;
  guint   sent;
} OrderWatch;

static void
check_order (QuorumCache *cache,
             OrderWatch  *watch)
{
  g_autoptr(GPtrArray) ops = quorum_cache_list_outbox (cache, NULL);
  gint64 first = ops->len > 0 ? ((QuorumCacheOp *) g_ptr_array_index (ops, 0))->id : G_MAXINT64;

  for (guint i = 0; i < watch->seen->len; i++)
    {
      gint64 id = g_array_index (watch->seen, gint64, i);
      gboolean still = FALSE;

      for (guint j = 0; j < ops->len; j++)
        still = still || ((QuorumCacheOp *) g_ptr_array_index (ops, j))->id == id;
      if (!still)
        {
          g_assert_cmpint (id, <, first);
          watch->sent++;
        }
    }
  g_array_set_size (watch->seen, 0);
  for (guint j = 0; j < ops->len; j++)
    g_array_append_val (watch->seen, ((QuorumCacheOp *) g_ptr_array_index (ops, j))->id);
}

static void
test_sync_offline (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *ids = NULL;
  OrderWatch watch = { g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  gint64 a = server->tasks[0], b = server->tasks[1];
  Download download;
  QuorumCacheOp *op;

  download_job (sync, server->jobs[0], &download);
  download_job (sync, server->jobs[1], &download);
  g_assert_true (wait_until (is_synced, sync, 10));

  /* The server goes away; the annotator keeps working. */
  server_stop (server);
  save (cache, a, "a1", 1);
  save (cache, b, "b1", 2);
  save (cache, a, "a2", 3);
  save (cache, a, "a3", 4);
  ops = quorum_cache_list_outbox (cache, NULL);
  g_assert_cmpuint (ops->len, ==, 3);
  op = g_ptr_array_index (ops, 2);
  g_assert_cmpint (op->revision, ==, 1);
  g_assert_nonnull (strstr (op->payload, "\"a3\""));
  g_clear_pointer (&ops, g_ptr_array_unref);
  check_order (cache, &watch);
  g_signal_connect (cache, "outbox-changed", G_CALLBACK (check_order), &watch);

  g_assert_true (wait_until (is_offline, sync, 10));
  g_assert_cmpuint (quorum_sync_get_retry_delay (sync), ==, QUORUM_SYNC_FIRST_RETRY);
  /* Task a's first save is superseded by its last: two operations wait,
   * and the first attempt is on record. */
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 2);
  ops = quorum_cache_list_outbox (cache, NULL);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpint (op->task, ==, b);
  g_assert_cmpuint (op->attempts, >=, 1);
  g_assert_nonnull (op->last_error);
  g_clear_pointer (&ops, g_ptr_array_unref);
  /* Trying again at once fails again, and the wait doubles. */
  quorum_sync_retry_now (sync);
  g_assert_true (wait_until (retries_in_two, sync, 10));
  g_assert_cmpuint (quorum_sync_get_state (sync), ==, QUORUM_SYNC_OFFLINE);

  /* The server comes back on the same port and data. */
  server_start (server, NULL);
  quorum_sync_retry_now (sync);
  g_assert_true (wait_until (is_synced, sync, 30));
  /* a1 (superseded), b1 and a3 left the outbox, each from its head. */
  g_assert_cmpuint (watch.sent, ==, 3);

  /* The server holds exactly the last edit of each task, each sent once. */
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "a3");
  g_clear_pointer (&ids, g_free);
  ids = server_instance_ids (server, b);
  g_assert_cmpstr (ids, ==, "b1");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpint (server_version (server, a), ==, server->versions[0] + 1);
  g_assert_cmpint (server_version (server, b), ==, server->versions[1] + 1);
  g_assert_cmpint (quorum_cache_get_server_version (cache, a), ==, server->versions[0] + 1);
  ids = local_instance_ids (cache, a);
  g_assert_cmpstr (ids, ==, "a3");

  g_signal_handlers_disconnect_by_data (cache, &watch);
  g_array_unref (watch.seen);
}

static guint
head_attempts (QuorumCache *cache)
{
  g_autoptr(GPtrArray) ops = quorum_cache_list_outbox (cache, NULL);

  return ops->len > 0 ? ((QuorumCacheOp *) g_ptr_array_index (ops, 0))->attempts : 0;
}

/* The server is down while the annotator works and comes back later: the
 * engine's own retry timer sends the outbox, in order, with no "retry now"
 * and no restart. */
static void
test_sync_retry_timer (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autofree char *ids = NULL;
  OrderWatch watch = { g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  gint64 a = server->tasks[0], b = server->tasks[1];
  Download download;

  download_job (sync, server->jobs[0], &download);
  download_job (sync, server->jobs[1], &download);
  g_assert_true (wait_until (is_synced, sync, 10));

  server_stop (server);
  save (cache, a, "t1", 1);
  save (cache, b, "t2", 2);
  save (cache, a, "t3", 3);
  check_order (cache, &watch);
  g_signal_connect (cache, "outbox-changed", G_CALLBACK (check_order), &watch);
  g_assert_true (wait_until (is_offline, sync, 10));
  g_assert_cmpuint (quorum_sync_get_retry_delay (sync), ==, QUORUM_SYNC_FIRST_RETRY);
  /* The timer tries again by itself, fails again, and the wait doubles. */
  g_assert_true (wait_until (retries_in_two, sync, 10));
  g_assert_cmpuint (head_attempts (cache), >=, 2);
  g_assert_cmpuint (quorum_sync_get_state (sync), ==, QUORUM_SYNC_OFFLINE);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 2);

  /* The server comes back; nobody calls quorum_sync_retry_now(). */
  server_start (server, NULL);
  g_assert_true (wait_until (is_synced, sync, 20));
  g_assert_cmpuint (watch.sent, ==, 3);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "t3");
  g_clear_pointer (&ids, g_free);
  ids = server_instance_ids (server, b);
  g_assert_cmpstr (ids, ==, "t2");
  g_assert_cmpint (server_version (server, a), ==, server->versions[0] + 1);
  g_assert_cmpint (server_version (server, b), ==, server->versions[1] + 1);

  g_signal_handlers_disconnect_by_data (cache, &watch);
  g_array_unref (watch.seen);
}

static gboolean
retry_planned (gpointer data)
{
  return quorum_sync_get_retry_delay (data) > 0;
}

/* The network comes back: the engine tries at once instead of waiting out
 * its backoff. The signal is the one GNetworkMonitor sends when a
 * connection comes up. */
static void
test_sync_network_changed (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autofree char *ids = NULL;
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  gint64 a = server->tasks[0];
  Download download;
  guint attempts;
  gint64 start;

  download_job (sync, server->jobs[0], &download);
  g_assert_true (wait_until (is_synced, sync, 10));

  server_stop (server);
  save (cache, a, "n1", 1);
  g_assert_true (wait_until (is_offline, sync, 10));
  /* Failed tries while the server is down push the backoff to its cap,
   * past the time this test waits below, so that only the signal can
   * send; it stays there. */
  while (quorum_sync_get_retry_delay (sync) < QUORUM_SYNC_LAST_RETRY)
    {
      quorum_sync_retry_now (sync);
      g_assert_true (wait_until (retry_planned, sync, 5));
    }
  quorum_sync_retry_now (sync);
  g_assert_true (wait_until (retry_planned, sync, 5));
  g_assert_cmpuint (quorum_sync_get_retry_delay (sync), ==, 5);
  attempts = head_attempts (cache);

  /* A network going away is no reason to try. */
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC / 2)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_cmpuint (head_attempts (cache), ==, attempts);

  /* The server is back, and so is the network: the edit goes out now, long
   * before the planned retry. */
  server_start (server, NULL);
  start = g_get_monotonic_time ();
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  g_assert_true (wait_until (is_synced, sync, 5));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "n1");
  g_assert_cmpint (server_version (server, a), ==, server->versions[0] + 1);
  g_assert_cmpuint (quorum_sync_get_retry_delay (sync), ==, 0);
}

/* A server that takes connections, reads what comes and never answers,
 * on the real server's address while that one is down. */
typedef struct {
  GSocketService *service;
  GCancellable   *cancellable;
  GPtrArray      *connections;
  GString        *received;
  guint           reading;     /* reads in flight */
  char            buffer[4096];
} HungServer;

static void
hung_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HungServer *hung = user_data;
  gssize size = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (size <= 0)
    {
      hung->reading--;
      return;
    }
  g_string_append_len (hung->received, hung->buffer, size);
  g_input_stream_read_async (G_INPUT_STREAM (source), hung->buffer, sizeof hung->buffer, G_PRIORITY_DEFAULT,
                             hung->cancellable, hung_read, hung);
}

static gboolean
hung_incoming (GSocketService    *service,
               GSocketConnection *connection,
               GObject           *source,
               HungServer        *hung)
{
  g_ptr_array_add (hung->connections, g_object_ref (connection));
  hung->reading++;
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)), hung->buffer,
                             sizeof hung->buffer, G_PRIORITY_DEFAULT, hung->cancellable, hung_read, hung);
  return TRUE;
}

static HungServer *
hung_server_new (guint port)
{
  HungServer *hung = g_new0 (HungServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  hung->service = g_socket_service_new ();
  hung->cancellable = g_cancellable_new ();
  hung->connections = g_ptr_array_new_with_free_func (g_object_unref);
  hung->received = g_string_new (NULL);
  /* The real server's port may take a moment to be free. */
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_clear_error (&error);
      if (g_socket_listener_add_address (G_SOCKET_LISTENER (hung->service), address, G_SOCKET_TYPE_STREAM,
                                         G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error))
        break;
      g_usleep (100 * 1000);
    }
  g_assert_no_error (error);
  g_signal_connect (hung->service, "incoming", G_CALLBACK (hung_incoming), hung);
  g_socket_service_start (hung->service);
  return hung;
}

static gboolean
hung_idle (gpointer data)
{
  return ((HungServer *) data)->reading == 0;
}

/* Closes every connection taken so far. */
static void
hung_server_drop (HungServer *hung)
{
  g_cancellable_cancel (hung->cancellable);
  g_assert_true (wait_until (hung_idle, hung, 5));
  for (guint i = 0; i < hung->connections->len; i++)
    g_io_stream_close (g_ptr_array_index (hung->connections, i), NULL, NULL);
  g_ptr_array_set_size (hung->connections, 0);
  g_string_truncate (hung->received, 0);
  g_clear_object (&hung->cancellable);
  hung->cancellable = g_cancellable_new ();
}

static void
hung_server_free (HungServer *hung)
{
  g_socket_service_stop (hung->service);
  g_socket_listener_close (G_SOCKET_LISTENER (hung->service));
  hung_server_drop (hung);
  g_ptr_array_unref (hung->connections);
  g_clear_object (&hung->service);
  g_clear_object (&hung->cancellable);
  g_string_free (hung->received, TRUE);
  g_free (hung);
}

static gboolean
hung_heard_version (gpointer data)
{
  return strstr (((HungServer *) data)->received->str, "GET /api/v1/version") != NULL;
}

static gboolean
hung_took_two (gpointer data)
{
  return ((HungServer *) data)->connections->len >= 2;
}

typedef struct {
  gboolean  done;
  JsonNode *reply;
  GError   *error;
} Probe;

static void
probe_answered (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Probe *probe = user_data;

  probe->reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &probe->error);
  probe->done = TRUE;
}

static gboolean
probe_done (gpointer data)
{
  return ((Probe *) data)->done;
}

/* A server that accepts and never answers holds neither a call nor the
 * outbox for ever: the request times out, the engine goes offline and
 * retries, and the work reaches the real server once it is back. */
static void
test_sync_hung_server (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autoptr(QuorumClient) probe = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;
  Probe answer = { 0 };
  QuorumClient *client;
  HungServer *hung;
  gint64 a = server->tasks[0];
  Download download;
  QuorumCacheOp *op;
  gint64 start;

  download_job (sync, server->jobs[0], &download);
  g_assert_true (wait_until (is_synced, sync, 10));
  client = quorum_sync_get_client (sync);
  g_assert_cmpuint (quorum_client_get_timeout (client), ==, QUORUM_CLIENT_DEFAULT_TIMEOUT);
  quorum_client_set_timeout (client, 2);

  server_stop (server);
  hung = hung_server_new (server->port);

  /* A plain call gives up after the client's time limit. */
  probe = quorum_client_new (server->address, &error);
  g_assert_no_error (error);
  quorum_client_set_timeout (probe, 1);
  g_assert_cmpuint (quorum_client_get_timeout (probe), ==, 1);
  start = g_get_monotonic_time ();
  quorum_client_call_async (probe, "GET", "/version", NULL, NULL, probe_answered, &answer);
  g_assert_true (wait_until (probe_done, &answer, 10));
  g_assert_null (answer.reply);
  g_assert_error (answer.error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC - 100000);
  g_clear_error (&answer.error);
  g_assert_true (wait_until (hung_heard_version, hung, 5));
  hung_server_drop (hung);

  save (cache, a, "h1", 1);
  /* The request reached the hung server, which took it and said nothing. */
  g_assert_true (wait_until (is_offline, sync, 10));
  g_assert_cmpuint (hung->connections->len, >=, 1);
  g_assert_nonnull (strstr (hung->received->str, "PUT /api/v1/tasks/"));
  ops = quorum_cache_list_outbox (cache, NULL);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpuint (op->attempts, >=, 1);
  g_assert_nonnull (op->last_error);
  g_clear_pointer (&ops, g_ptr_array_unref);
  /* It keeps trying by itself; an edit meanwhile waits in the outbox. */
  g_assert_true (wait_until (hung_took_two, hung, 10));
  save (cache, a, "h2", 2);

  g_clear_pointer (&hung, hung_server_free);
  server_start (server, NULL);
  g_assert_true (wait_until (is_synced, sync, 30));
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "h2");
  g_assert_cmpint (server_version (server, a), ==, server->versions[0] + 1);
}

/* With a send delay (the app's autosave interval) a burst of edits waits
 * in the cache and goes out as one save; a retry sends at once. */
static void
test_sync_send_delay (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autofree char *ids = NULL;
  gint64 a = server->tasks[0];
  Download download;
  gint64 start;

  download_job (sync, server->jobs[0], &download);
  g_assert_true (wait_until (is_synced, sync, 10));
  quorum_sync_set_send_delay (sync, 2);
  g_assert_cmpuint (quorum_sync_get_send_delay (sync), ==, 2);

  start = g_get_monotonic_time ();
  save (cache, a, "d1", 1);
  save (cache, a, "d2", 2);
  save (cache, a, "d3", 3);
  /* A second later nothing has gone out: the edits wait, durable. */
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpuint (quorum_sync_get_pending (sync), >=, 1);
  /* Then the last edit goes out, once. */
  g_assert_true (wait_until (is_synced, sync, 10));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - 100000);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "d3");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpint (server_version (server, a), ==, server->versions[0] + 1);

  /* retry_now does not wait for the delay. */
  start = g_get_monotonic_time ();
  save (cache, a, "d4", 4);
  quorum_sync_retry_now (sync);
  g_assert_true (wait_until (is_synced, sync, 10));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "d4");
}

static void
count_conflict (QuorumSync *sync,
                gint64      task_id,
                gint64     *last)
{
  *last = task_id;
}

static gboolean
nothing_pending_for_b (gpointer data)
{
  QuorumCache *cache = ((gpointer *) data)[0];
  gint64 task = *(gint64 *) ((gpointer *) data)[1];

  return !quorum_cache_has_pending (cache, task);
}

static void
test_sync_conflict (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autoptr(QuorumClient) ann = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *theirs = NULL;
  gint64 a = server->tasks[0], b = server->tasks[1];
  gint64 conflicted = 0, version;
  QuorumCacheConflict *copy;
  gpointer b_data[2] = { NULL, &b };
  Download download;

  g_signal_connect (sync, "conflict", G_CALLBACK (count_conflict), &conflicted);
  download_job (sync, server->jobs[0], &download);
  download_job (sync, server->jobs[1], &download);
  g_assert_true (wait_until (is_synced, sync, 10));

  /* Meanwhile an administrator releases the task and the annotator takes it
   * again elsewhere: its version moves on. */
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/release", a);
  json_node_unref (call (server->admin, "POST", path, NULL));
  g_clear_pointer (&path, g_free);
  ann = client_for (server, "ann", ANN_PASSWORD);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", server->jobs[0]);
  view = call (ann, "POST", path, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (view), "id"), ==, a);
  version = server_version (server, a);
  g_assert_cmpint (version, >, server->versions[0]);

  save (cache, a, "mine", 1);
  g_assert_true (wait_until (is_in_conflict, sync, 10));
  g_assert_cmpint (conflicted, ==, a);
  /* Nothing is lost: the local version as a conflict copy, the server's in
   * the task view, the edit still queued. */
  conflicts = quorum_cache_list_conflicts (cache, a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  copy = g_ptr_array_index (conflicts, 0);
  g_assert_true (copy->open);
  g_assert_nonnull (strstr (copy->instances, "\"mine\""));
  g_assert_cmpint (copy->server_version, ==, version);
  g_assert_nonnull (strstr (copy->reason, "version"));
  g_assert_cmpint (quorum_cache_get_server_version (cache, a), ==, version);
  ids = local_instance_ids (cache, a);
  g_assert_cmpstr (ids, ==, "mine");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);

  /* A held task does not hold the others. */
  save (cache, b, "b-while-held", 2);
  b_data[0] = cache;
  g_assert_true (wait_until (nothing_pending_for_b, b_data, 10));
  ids = server_instance_ids (server, b);
  g_assert_cmpstr (ids, ==, "b-while-held");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpuint (quorum_sync_get_state (sync), ==, QUORUM_SYNC_CONFLICT);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);

  /* Keep mine: the server takes the local version on its current one. */
  quorum_sync_resolve_conflict (sync, a, QUORUM_CONFLICT_KEEP_MINE, &error);
  g_assert_no_error (error);
  g_assert_true (wait_until (is_synced, sync, 10));
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "mine");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpint (server_version (server, a), ==, version + 1);

  /* A second client of the same user saves first. */
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": %s}",
                          version + 1, (theirs = box ("theirs", 7)));
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", a);
  json_node_unref (call (ann, "PUT", path, body));
  conflicted = 0;
  save (cache, a, "mine-again", 3);
  g_assert_true (wait_until (is_in_conflict, sync, 10));
  g_assert_cmpint (conflicted, ==, a);

  /* Take the server's: the local instances become theirs; the conflict copy
   * of mine stays for reference. */
  quorum_sync_resolve_conflict (sync, a, QUORUM_CONFLICT_TAKE_SERVER, &error);
  g_assert_no_error (error);
  g_assert_true (wait_until (is_synced, sync, 10));
  ids = local_instance_ids (cache, a);
  g_assert_cmpstr (ids, ==, "theirs");
  g_clear_pointer (&ids, g_free);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "theirs");
  g_clear_pointer (&conflicts, g_ptr_array_unref);
  conflicts = quorum_cache_list_conflicts (cache, a, &error);
  g_assert_cmpuint (conflicts->len, ==, 2);
  copy = g_ptr_array_index (conflicts, 1);
  g_assert_false (copy->open);
  g_assert_nonnull (strstr (copy->instances, "\"mine-again\""));
  g_assert_cmpint (copy->server_version, ==, version + 2);
  g_assert_false (quorum_sync_resolve_conflict (sync, a, QUORUM_CONFLICT_KEEP_MINE, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
}

/* The instance ids of a JSON array of instances as text. */
static char *
text_instance_ids (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (text, strlen (text), &error);

  g_assert_no_error (error);
  return instance_ids (json_node_get_array (node));
}

static void
count_conflicts (QuorumSync *sync,
                 gint64      task_id,
                 GArray     *tasks)
{
  g_array_append_val (tasks, task_id);
}

/* Revoking a credential takes effect at once: the task the annotator holds
 * in a job requiring it goes back to everyone, and the edit the app had not
 * sent yet stays on their computer as a conflict copy: not thrown away, not
 * sent again and again, and not written on the released task. */
static void
test_sync_revoked (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autoptr(QuorumClient) ann = client_for (server, "ann", ANN_PASSWORD);
  g_autoptr(GArray) conflicted = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *ids = NULL;
  const char *unsent = "[{\"id\": \"kept1\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[1, 2], [11, 20]]},"
                       " {\"id\": \"kept2\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[5, 6], [15, 22]]}]";
  gint64 credential, job, task, released_version;
  QuorumCacheConflict *copy;
  JsonObject *object;
  Download download;
  gint64 start;

  /* A job requiring "Car expert", which the admin grants ann by hand. */
  credential = call_id (server->admin, "POST", "/projects/1/credentials", "{\"name\": \"Car expert\"}");
  path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants", credential);
  body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", server->ann_id);
  json_node_unref (call (server->admin, "POST", path, body));
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"settings\": {\"name\": \"Experts\", \"passes_per_file\": 1, \"review_frequency\": 0,"
                          " \"required_credentials\": [\"Car expert\"]}, \"files\": [%" G_GINT64_FORMAT "]}",
                          server->files[0]);
  job = call_id (server->admin, "POST", "/projects/1/jobs", body);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job);
  json_node_unref (call (server->admin, "POST", path, NULL));
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job);
  view = call (ann, "POST", path, NULL);
  task = json_object_get_int_member (json_node_get_object (view), "id");

  g_signal_connect (sync, "conflict", G_CALLBACK (count_conflicts), conflicted);
  download_job (sync, job, &download);
  g_assert_true (wait_until (is_synced, sync, 10));
  /* A first edit goes out while ann still holds the credential. */
  save (cache, task, "sent", 1);
  g_assert_true (wait_until (is_synced, sync, 10));
  ids = server_instance_ids (server, task);
  g_assert_cmpstr (ids, ==, "sent");
  g_clear_pointer (&ids, g_free);

  /* The next edits wait for the autosave interval (once the engine's
   * pending run after that save is done, or they would go at once)... */
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  quorum_sync_set_send_delay (sync, 2);
  start = g_get_monotonic_time ();
  save (cache, task, "superseded", 2);
  quorum_cache_save_local (cache, task, unsent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
  g_assert_cmpuint (head_attempts (cache), ==, 0);

  /* ...and meanwhile the admin revokes the credential: the task is released
   * at once. */
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants/%" G_GINT64_FORMAT, credential, server->ann_id);
  json_node_unref (call (server->admin, "DELETE", path, NULL));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
  g_assert_cmpuint (head_attempts (cache), ==, 0);
  g_clear_pointer (&view, json_node_unref);
  view = server_task (server, task);
  object = json_node_get_object (view);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "assignee")));
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "available");
  released_version = json_object_get_int_member (object, "version");
  /* What ann had saved is kept aside, as on any release. */
  ids = instance_ids (json_object_get_array_member (object, "instances"));
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);

  /* The engine sends the edit when the delay is over; the server refuses it
   * and the engine holds the task as a conflict. */
  g_assert_true (wait_until (is_in_conflict, sync, 10));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - 100000);
  g_assert_cmpuint (conflicted->len, ==, 1);
  g_assert_cmpint (g_array_index (conflicted, gint64, 0), ==, task);
  g_assert_true (quorum_cache_in_conflict (cache, task));
  conflicts = quorum_cache_list_conflicts (cache, task, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  copy = g_ptr_array_index (conflicts, 0);
  g_assert_true (copy->open);
  g_assert_cmpint (copy->task, ==, task);
  /* The conflict copy is exactly the work that was not sent. */
  ids = text_instance_ids (copy->instances);
  g_assert_cmpstr (ids, ==, "kept1,kept2");
  g_clear_pointer (&ids, g_free);
  /* The server no longer gives the task to ann: it answers "no task". */
  g_assert_nonnull (strstr (copy->reason, "no task"));
  /* And it is still what the user works on. */
  ids = local_instance_ids (cache, task);
  g_assert_cmpstr (ids, ==, "kept1,kept2");
  g_clear_pointer (&ids, g_free);

  /* The edit is neither dropped nor sent again and again: three seconds
   * later it waits, tried once, and no second conflict came. */
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 3 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_cmpuint (quorum_sync_get_state (sync), ==, QUORUM_SYNC_CONFLICT);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
  ops = quorum_cache_list_outbox (cache, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 0))->task, ==, task);
  g_assert_cmpuint (((QuorumCacheOp *) g_ptr_array_index (ops, 0))->attempts, ==, 1);
  g_assert_nonnull (strstr (((QuorumCacheOp *) g_ptr_array_index (ops, 0))->payload, "\"kept2\""));
  g_assert_cmpuint (conflicted->len, ==, 1);

  /* The released task does not hold the revoked user's edit. */
  g_clear_pointer (&view, json_node_unref);
  view = server_task (server, task);
  object = json_node_get_object (view);
  ids = instance_ids (json_object_get_array_member (object, "instances"));
  g_assert_cmpstr (ids, ==, "");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, released_version);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "assignee")));
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "available");
}

static void
count_signed_out (QuorumSync *sync,
                  guint      *count)
{
  (*count)++;
}

static void
test_sync_signed_out (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = NULL;
  g_autoptr(QuorumClient) again = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *ids = NULL;
  gint64 a = server->tasks[0];
  guint signed_out = 0;
  QuorumCacheOp *op;
  Download download;

  /* The same data, tokens that live two seconds. */
  server_stop (server);
  server_start (server, "2");
  sync = sync_for (server, &cache);
  g_signal_connect (sync, "signed-out", G_CALLBACK (count_signed_out), &signed_out);
  download_job (sync, server->jobs[0], &download);
  g_usleep (3 * G_USEC_PER_SEC);

  save (cache, a, "late", 1);
  g_assert_true (wait_until (is_signed_out, sync, 10));
  g_assert_cmpuint (signed_out, ==, 1);
  save (cache, a, "later", 2);
  /* Nothing more goes out, nothing is dropped. */
  g_assert_false (wait_until (is_synced, sync, 1));
  g_assert_cmpuint (quorum_sync_get_state (sync), ==, QUORUM_SYNC_SIGNED_OUT);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
  ops = quorum_cache_list_outbox (cache, NULL);
  op = g_ptr_array_index (ops, 0);
  g_assert_cmpuint (op->attempts, ==, 1);
  g_assert_nonnull (strstr (op->payload, "\"later\""));
  g_assert_cmpuint (signed_out, ==, 1);

  /* Signed in again: the work goes out. */
  again = client_for (server, "ann", ANN_PASSWORD);
  quorum_sync_set_token (sync, quorum_client_get_token (again));
  g_assert_true (wait_until (is_synced, sync, 10));
  g_clear_object (&server->admin);
  server->admin = client_for (server, "root", ROOT_PASSWORD);
  ids = server_instance_ids (server, a);
  g_assert_cmpstr (ids, ==, "later");
}

static void
test_sync_download (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_for (server, &cache);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) guide = NULL;
  g_autoptr(JsonNode) mine = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *path = NULL;
  g_autofree char *content = NULL;
  gsize length = 0;
  Download download;

  download_job (sync, server->jobs[1], &download);
  g_assert_cmpuint (download.last_total, ==, 2);
  g_assert_cmpuint (download.last_done, ==, 2);
  g_assert_cmpuint (download.reports, ==, 3);
  /* Its size said after the view and before the file. */
  g_assert_cmpint (download.sized, ==, sizeof png_b - 1);
  g_assert_cmpuint (download.sized_at, ==, 1);

  tasks = quorum_cache_list_tasks (cache, server->jobs[1], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpint (g_array_index (tasks, gint64, 0), ==, server->tasks[1]);
  view = quorum_cache_get_task (cache, server->tasks[1], &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (view), "file"), ==, server->files[1]);

  /* The file's bytes, whole. */
  path = quorum_cache_lookup_media (cache, server->files[1]);
  g_assert_nonnull (path);
  g_file_get_contents (path, &content, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, sizeof png_b - 1);
  g_assert_cmpmem (content, length, png_b, sizeof png_b - 1);
  g_assert_null (quorum_cache_lookup_media (cache, server->files[0]));

  /* The guide, for reading on the plane. */
  guide = quorum_cache_get_guide (cache, server->guide, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (guide), "markdown"), ==,
                   "# Cars\nBox every car.");

  /* The task list as GET /me/tasks gave it. */
  mine = quorum_cache_get_my_tasks (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (mine)), ==, 2);

  /* Offline, the cached task can be worked on. */
  server_stop (server);
  save (cache, server->tasks[1], "on-the-plane", 5);
  g_assert_true (wait_until (is_offline, sync, 10));
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
}

/* ---- a video job for offline ---------------------------------------------- */

#define VIDEO_FRAMES 30

typedef struct {
  gint shown;
} Shown;

static void
frame_shown (guint    frame,
             GBytes  *pixels,
             int      stride,
             gpointer user_data)
{
  Shown *shown = user_data;

  shown->shown = clip_read_number (g_bytes_get_data (pixels, NULL), 128, 96, stride);
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

static gboolean
video_ready (gpointer user_data)
{
  gpointer *args = user_data;
  g_autofree char *path = g_strdup_printf ("/files/%" G_GINT64_FORMAT, *(gint64 *) args[1]);
  g_autoptr(JsonNode) file = call (args[0], "GET", path, NULL);
  JsonObject *video = json_object_get_object_member (json_node_get_object (file), "video");

  g_assert_cmpstr (json_object_get_string_member (video, "state"), !=, "failed");
  return g_strcmp0 (json_object_get_string_member (video, "state"), "ready") == 0;
}

/* Download for Offline of a video job fetches the prepared proxy and frame
 * index (not the original) into the media folder; with the server stopped,
 * frame N of them decodes to the picture of frame N. */
static void
test_sync_download_video (void)
{
  g_autoptr(Server) server = NULL;
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = NULL;
  g_autoptr(QuorumClient) ann = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) file = NULL;
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(GBytes) index_bytes = NULL;
  g_autoptr(QuorumVideoIndex) index = NULL;
  g_autoptr(QuorumVideoDecoder) decoder = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *job = NULL;
  g_autofree char *launch = NULL;
  g_autofree char *next = NULL;
  g_autofree char *proxy_path = NULL;
  g_autofree char *index_path = NULL;
  g_autofree char *index_text = NULL;
  gsize index_length = 0;
  gpointer ready_args[2];
  gint64 file_id;
  gint64 job_id;
  Download download;
  static const guint frames[] = { 0, 13, VIDEO_FRAMES - 1, 7 };

  if (!clip_can_make (CLIP_VP9_WEBM))
    {
      g_test_skip ("GStreamer here cannot make a VP9 clip");
      return;
    }
  server = server_new ();
  clip = g_build_filename (server->work_dir, "numbers.webm", NULL);
  g_assert_true (clip_make (CLIP_VP9_WEBM, clip, 128, 96, 30, VIDEO_FRAMES, NULL, &error));
  g_assert_no_error (error);
  file = quorum_client_upload_sync (server->admin, 1, clip, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  file_id = json_object_get_int_member (json_node_get_object (file), "id");
  ready_args[0] = server->admin;
  ready_args[1] = &file_id;
  g_assert_true (wait_until (video_ready, ready_args, 60));

  job = g_strdup_printf ("{\"settings\": {\"name\": \"Clips\", \"passes_per_file\": 1, \"review_frequency\": 0},"
                         " \"files\": [%" G_GINT64_FORMAT "]}", file_id);
  job_id = call_id (server->admin, "POST", "/projects/1/jobs", job);
  launch = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job_id);
  json_node_unref (call (server->admin, "POST", launch, NULL));
  ann = client_for (server, "ann", ANN_PASSWORD);
  next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job_id);
  task = call (ann, "POST", next, NULL);

  sync = sync_for (server, &cache);
  download_job (sync, job_id, &download);
  g_assert_cmpuint (download.last_total, ==, 2);
  g_assert_cmpuint (download.last_done, ==, 2);

  /* The proxy and the index, beside (not instead of) the media entries. */
  server_stop (server);
  g_assert_null (quorum_cache_lookup_media (cache, file_id));
  quorum_cache_get_video_paths (cache, file_id, &proxy_path, &index_path);
  g_assert_true (g_file_test (proxy_path, G_FILE_TEST_IS_REGULAR));
  g_file_get_contents (index_path, &index_text, &index_length, &error);
  g_assert_no_error (error);
  /* The size said before it started was the proxy's and the index's. */
  g_assert_cmpuint (download.sized_at, ==, 1);
  g_assert_cmpint (download.sized, ==, file_size (proxy_path) + (gint64) index_length);
  index_bytes = g_bytes_new_take (g_steal_pointer (&index_text), index_length);
  index = quorum_video_index_new_from_bytes (index_bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quorum_video_index_get_n_frames (index), ==, VIDEO_FRAMES);
  decoder = quorum_video_decoder_new (proxy_path, index, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      Shown shown = { -1 };

      g_assert_true (quorum_video_decoder_decode (decoder, frames[i], frame_shown, &shown, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (shown.shown, ==, frames[i]);
    }
  g_clear_pointer (&decoder, quorum_video_decoder_free);

  /* They count against the media limit, and go like any media over it:
   * both, and the count with them. */
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, download.sized);
  g_assert_true (quorum_cache_lookup_video_media (cache, file_id));
  quorum_cache_set_media_limit (cache, 1, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (proxy_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (index_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 0);
  g_assert_false (quorum_cache_lookup_video_media (cache, file_id));
}

/* A video downloaded for offline work: @size bytes of proxy and 10 of index. */
static void
add_video (QuorumCache *cache,
           gint64       file_id,
           gsize        size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy_path = NULL;
  g_autofree char *index_path = NULL;
  g_autofree char *bytes = g_malloc0 (size);

  quorum_cache_get_video_paths (cache, file_id, &proxy_path, &index_path);
  g_assert_cmpint (g_mkdir_with_parents (quorum_cache_get_media_dir (cache), 0700), ==, 0);
  g_assert_true (g_file_set_contents (index_path, "{\"frames\"}", 10, &error));
  g_assert_true (g_file_set_contents (proxy_path, bytes, size, &error));
  g_assert_true (quorum_cache_add_video_media (cache, file_id, &error));
  g_assert_no_error (error);
}

static gboolean
video_here (QuorumCache *cache,
            gint64       file_id)
{
  g_autofree char *proxy_path = NULL;
  g_autofree char *index_path = NULL;

  quorum_cache_get_video_paths (cache, file_id, &proxy_path, &index_path);
  return g_file_test (proxy_path, G_FILE_TEST_IS_REGULAR) && g_file_test (index_path, G_FILE_TEST_IS_REGULAR);
}

static void
test_cache_video_media (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumCache) cache = quorum_cache_open ("localhost:11", "ann", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  quorum_cache_set_media_limit (cache, 250, &error);
  g_assert_no_error (error);
  for (gint64 task = 1; task <= 3; task++)
    store_view (cache, task, 20 + task, 1);

  /* Contents and videos share the limit and one order of use. */
  add_media (cache, 21, 100);
  add_video (cache, 22, 90);
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 200);
  path = quorum_cache_lookup_media (cache, 21);
  g_assert_nonnull (path);
  /* 22 is now the least recently used: a third one pushes it out, both files */
  add_media (cache, 23, 100);
  g_assert_false (video_here (cache, 22));
  g_assert_true (media_here (cache, 21));
  g_assert_true (media_here (cache, 23));
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 200);

  /* A video of a task with unsent work stays. */
  add_video (cache, 22, 90);
  g_assert_false (media_here (cache, 21));
  save (cache, 2, "unsent", 1);
  quorum_cache_set_media_limit (cache, 50, &error);
  g_assert_no_error (error);
  g_assert_true (video_here (cache, 22));
  g_assert_false (media_here (cache, 23));
  g_assert_cmpint (quorum_cache_get_media_size (cache), ==, 100);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("quorum-test-sync-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status;

  /* The caches live in a folder of their own, set before GLib reads it. */
  g_assert (home != NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/cache/place", test_cache_place);
  g_test_add_func ("/client/cache/killed", test_cache_killed);
  g_test_add_func ("/client/cache/outbox", test_cache_outbox);
  g_test_add_func ("/client/cache/local-instances", test_cache_local_instances);
  g_test_add_func ("/client/cache/media", test_cache_media);
  g_test_add_func ("/client/cache/video-media", test_cache_video_media);
  g_test_add_func ("/client/sync/offline", test_sync_offline);
  g_test_add_func ("/client/sync/download-video", test_sync_download_video);
  g_test_add_func ("/client/sync/retry-timer", test_sync_retry_timer);
  g_test_add_func ("/client/sync/network-changed", test_sync_network_changed);
  g_test_add_func ("/client/sync/hung-server", test_sync_hung_server);
  g_test_add_func ("/client/sync/send-delay", test_sync_send_delay);
  g_test_add_func ("/client/sync/conflict", test_sync_conflict);
  g_test_add_func ("/client/sync/revoked", test_sync_revoked);
  g_test_add_func ("/client/sync/signed-out", test_sync_signed_out);
  g_test_add_func ("/client/sync/download", test_sync_download);
  status = g_test_run ();
  remove_tree (home);
  return status;
}
