/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

/* Every conflict the server can make, against a real quorum-server: each
 * ends by the user's choice, never comes back, and the local work stays
 * reachable in the cache. */

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
#include "quorum-wire.h"

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
is_in_conflict (gpointer data)
{
  return quorum_sync_get_state (data) == QUORUM_SYNC_CONFLICT;
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
  guint     last_done;
  guint     last_total;
  guint     reports;
} Download;

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
  memset (download, 0, sizeof *download);
  quorum_sync_download_job_async (sync, job_id, download_progress, download, NULL, downloaded, download);
  g_assert_true (wait_until (download_done, download, 30));
  g_assert_no_error (download->error);
  g_assert_true (download->ok);
}

/* A sync engine as the app makes one: the user's client and cache. */
static QuorumSync *
sync_for_user (Server       *server,
               const char   *user,
               const char   *password,
               QuorumCache **cache_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) client = client_for (server, user, password);
  g_autoptr(QuorumCache) cache = quorum_cache_open (server->address, user, &error);

  g_assert_no_error (error);
  *cache_out = g_object_ref (cache);
  return quorum_sync_new (client, cache);
}


static QuorumSync *
sync_for (Server       *server,
          QuorumCache **cache_out)
{
  return sync_for_user (server, "ann", ANN_PASSWORD, cache_out);
}

/* ---- a conflict, from its start to its end -------------------------------- */

typedef struct {
  Server      *server;
  QuorumCache *cache;
  QuorumSync  *sync;
  GArray      *raised;   /* the task of every conflict signal */
} Held;

static void
count_raised (QuorumSync *sync,
              gint64      task_id,
              GArray     *raised)
{
  g_array_append_val (raised, task_id);
}

static void
held_init (Held *held)
{
  Download download;

  held->server = server_new ();
  held->sync = sync_for (held->server, &held->cache);
  held->raised = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (held->sync, "conflict", G_CALLBACK (count_raised), held->raised);
  download_job (held->sync, held->server->jobs[0], &download);
  download_job (held->sync, held->server->jobs[1], &download);
  g_assert_true (wait_until (is_synced, held->sync, 10));
}

static void
held_clear (Held *held)
{
  g_clear_object (&held->sync);
  g_clear_object (&held->cache);
  g_clear_pointer (&held->raised, g_array_unref);
  g_clear_pointer (&held->server, server_free);
}

/* The user's work, queued after the server changed: it meets the refusal
 * once, and the task is held with a conflict copy of it. */
static const QuorumCacheConflict *
work_is_refused (Held                *held,
                 gint64               task,
                 QuorumConflictCause  cause,
                 GPtrArray          **conflicts)
{
  g_autoptr(GError) error = NULL;
  const QuorumCacheConflict *copy;

  save (held->cache, task, "mine", 3);
  g_assert_true (wait_until (is_in_conflict, held->sync, 10));
  g_assert_cmpuint (held->raised->len, ==, 1);
  g_assert_cmpint (g_array_index (held->raised, gint64, 0), ==, task);
  *conflicts = quorum_cache_list_conflicts (held->cache, task, &error);
  g_assert_no_error (error);
  g_assert_cmpuint ((*conflicts)->len, ==, 1);
  copy = g_ptr_array_index (*conflicts, 0);
  g_assert_true (copy->open);
  g_assert_cmpstr (quorum_conflict_cause_to_string (copy->cause), ==, quorum_conflict_cause_to_string (cause));
  g_assert_nonnull (strstr (copy->instances, "\"mine\""));
  return copy;
}

static gboolean
nothing_sent_nor_held (gpointer data)
{
  Held *held = data;

  return quorum_sync_get_state (held->sync) == QUORUM_SYNC_SYNCED && quorum_sync_get_pending (held->sync) == 0;
}

/* After the choice: the outbox is empty for good, no conflict comes back
 * over several retries, and the work is still in the cache, marked. */
static void
conflict_ended (Held                 *held,
                gint64                task,
                QuorumConflictChoice  choice,
                const char           *kept)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  const QuorumCacheConflict *copy;
  g_autofree char *ids = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (wait_until (nothing_sent_nor_held, held, 10));
  for (guint i = 0; i < 4; i++)
    {
      gint64 start = g_get_monotonic_time ();

      quorum_sync_retry_now (held->sync);
      while (g_get_monotonic_time () - start < G_USEC_PER_SEC)
        g_main_context_iteration (NULL, FALSE), g_usleep (10000);
    }
  g_assert_cmpuint (held->raised->len, ==, 1);
  g_assert_cmpuint (quorum_sync_get_state (held->sync), ==, QUORUM_SYNC_SYNCED);
  g_assert_false (quorum_cache_in_conflict (held->cache, task));
  g_assert_false (quorum_cache_has_pending (held->cache, task));
  g_assert_cmpuint (quorum_cache_count_conflicts (held->cache), ==, 0);

  conflicts = quorum_cache_list_conflicts (held->cache, task, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  copy = g_ptr_array_index (conflicts, 0);
  g_assert_false (copy->open);
  g_assert_cmpint (copy->resolution, ==, choice);
  g_assert_cmpint (copy->resolved, >, 0);
  node = quorum_wire_parse_bytes (copy->instances, strlen (copy->instances), &error);
  g_assert_no_error (error);
  ids = instance_ids (json_node_get_array (node));
  g_assert_cmpstr (ids, ==, kept);
  /* And by its id, as the app reaches it later. */
  {
    g_autoptr(QuorumCacheConflict) again = quorum_cache_get_conflict (held->cache, copy->id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (again->instances, ==, copy->instances);
  }
}

/* A task the server no longer gives the user: sending it again is what
 * looped, so "keep mine" is refused and changes nothing. */
static void
keep_mine_refused (Held   *held,
                   gint64  task)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (quorum_sync_resolve_conflict (held->sync, task, QUORUM_CONFLICT_KEEP_MINE, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE);
  g_assert_true (quorum_cache_in_conflict (held->cache, task));
  g_assert_true (quorum_cache_has_pending (held->cache, task));
}

static void
post (Server     *server,
      const char *format,
      gint64      id)
{
  g_autofree char *path = g_strdup_printf (format, id);

  json_node_unref (call (server->admin, "POST", path, NULL));
}

/* Released while its holder was away: the server shows the annotator the
 * task no more. Keep a copy ends it; the released task holds nothing of
 * theirs. */
static void
test_released (void)
{
  Held held = { 0 };
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autofree char *ids = NULL;
  gint64 task;
  const QuorumCacheConflict *copy;

  held_init (&held);
  task = held.server->tasks[0];
  post (held.server, "/tasks/%" G_GINT64_FORMAT "/release", task);
  copy = work_is_refused (&held, task, QUORUM_CONFLICT_NOT_YOURS, &conflicts);
  g_assert_cmpint (copy->server_version, ==, -1);
  g_assert_nonnull (strstr (copy->reason, "no task"));
  keep_mine_refused (&held, task);

  g_assert_true (quorum_sync_resolve_conflict (held.sync, task, QUORUM_CONFLICT_KEEP_COPY, &error));
  g_assert_no_error (error);
  conflict_ended (&held, task, QUORUM_CONFLICT_KEEP_COPY, "mine");
  view = server_task (held.server, task);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (view), "assignee")));
  ids = instance_ids (json_object_get_array_member (json_node_get_object (view), "instances"));
  g_assert_cmpstr (ids, ==, "");
  /* The other task goes on as before. */
  save (held.cache, held.server->tasks[1], "other", 4);
  g_assert_true (wait_until (nothing_sent_nor_held, &held, 10));
  g_clear_pointer (&ids, g_free);
  ids = server_instance_ids (held.server, held.server->tasks[1]);
  g_assert_cmpstr (ids, ==, "other");
  g_assert_cmpuint (held.raised->len, ==, 1);
  held_clear (&held);
}

/* Released and taken by another annotator: their work is not touched. */
static void
test_reassigned (void)
{
  Held held = { 0 };
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) bob = NULL;
  g_autoptr(JsonNode) taken = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ids = NULL;
  gint64 task, bob_id;

  held_init (&held);
  task = held.server->tasks[0];
  bob_id = call_id (held.server->admin, "POST", "/users", "{\"name\": \"bob\", \"password\": \"bob-password\"}");
  path = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, bob_id);
  json_node_unref (call (held.server->admin, "PUT", path, "{\"role\": \"annotator\"}"));
  post (held.server, "/tasks/%" G_GINT64_FORMAT "/release", task);
  bob = client_for (held.server, "bob", "bob-password");
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", held.server->jobs[0]);
  taken = call (bob, "POST", path, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (taken), "id"), ==, task);

  work_is_refused (&held, task, QUORUM_CONFLICT_NOT_YOURS, &conflicts);
  keep_mine_refused (&held, task);
  /* Taking the server's is no way out: there is nothing of it to take. */
  g_assert_true (quorum_sync_resolve_conflict (held.sync, task, QUORUM_CONFLICT_KEEP_COPY, &error));
  g_assert_no_error (error);
  conflict_ended (&held, task, QUORUM_CONFLICT_KEEP_COPY, "mine");
  ids = server_instance_ids (held.server, task);
  g_assert_cmpstr (ids, ==, "");
  held_clear (&held);
}

/* Decided elsewhere: the user's other computer submitted the task, which
 * a job without review accepts at once. The server's version is there to
 * take; the edit made here stays as the copy. */
static void
test_decided (void)
{
  Held held = { 0 };
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) elsewhere = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *ids = NULL;
  gint64 task;
  const QuorumCacheConflict *copy;

  held_init (&held);
  task = held.server->tasks[0];
  elsewhere = client_for (held.server, "ann", ANN_PASSWORD);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", task);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": %s}",
                          held.server->versions[0], (theirs = box ("submitted", 9)));
  json_node_unref (call (elsewhere, "PUT", path, body));
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&body, g_free);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/submit", task);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}", held.server->versions[0] + 1);
  json_node_unref (call (elsewhere, "POST", path, body));
  view = server_task (held.server, task);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (view), "state"), ==, "accepted");

  copy = work_is_refused (&held, task, QUORUM_CONFLICT_DECIDED, &conflicts);
  g_assert_cmpint (copy->server_version, ==, json_object_get_int_member (json_node_get_object (view), "version"));
  keep_mine_refused (&held, task);
  g_assert_true (quorum_sync_resolve_conflict (held.sync, task, QUORUM_CONFLICT_TAKE_SERVER, &error));
  g_assert_no_error (error);
  conflict_ended (&held, task, QUORUM_CONFLICT_TAKE_SERVER, "mine");
  ids = local_instance_ids (held.cache, task);
  g_assert_cmpstr (ids, ==, "submitted");
  g_clear_pointer (&ids, g_free);
  ids = server_instance_ids (held.server, task);
  g_assert_cmpstr (ids, ==, "submitted");
  held_clear (&held);
}

/* A stale version: saved elsewhere first. Edits made while the task is
 * held are part of the copy set aside. */
static void
test_stale_keep_copy (void)
{
  Held held = { 0 };
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) elsewhere = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *ids = NULL;
  gint64 task;

  held_init (&held);
  task = held.server->tasks[0];
  elsewhere = client_for (held.server, "ann", ANN_PASSWORD);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", task);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": %s}",
                          held.server->versions[0], (theirs = box ("theirs", 9)));
  json_node_unref (call (elsewhere, "PUT", path, body));

  work_is_refused (&held, task, QUORUM_CONFLICT_STALE, &conflicts);
  save (held.cache, task, "mine-later", 5);
  g_assert_true (quorum_sync_resolve_conflict (held.sync, task, QUORUM_CONFLICT_KEEP_COPY, &error));
  g_assert_no_error (error);
  conflict_ended (&held, task, QUORUM_CONFLICT_KEEP_COPY, "mine-later");
  ids = local_instance_ids (held.cache, task);
  g_assert_cmpstr (ids, ==, "theirs");
  g_clear_pointer (&ids, g_free);
  ids = server_instance_ids (held.server, task);
  g_assert_cmpstr (ids, ==, "theirs");
  held_clear (&held);
}

/* A stale version, kept: the work goes out on the server's version once,
 * and the conflict does not come back. */
static void
test_stale_keep_mine (void)
{
  Held held = { 0 };
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) elsewhere = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *ids = NULL;
  gint64 task;

  held_init (&held);
  task = held.server->tasks[0];
  elsewhere = client_for (held.server, "ann", ANN_PASSWORD);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", task);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": %s}",
                          held.server->versions[0], (theirs = box ("theirs", 9)));
  json_node_unref (call (elsewhere, "PUT", path, body));

  work_is_refused (&held, task, QUORUM_CONFLICT_STALE, &conflicts);
  g_assert_true (quorum_sync_resolve_conflict (held.sync, task, QUORUM_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  conflict_ended (&held, task, QUORUM_CONFLICT_KEEP_MINE, "mine");
  ids = server_instance_ids (held.server, task);
  g_assert_cmpstr (ids, ==, "mine");
  g_assert_cmpint (server_version (held.server, task), ==, held.server->versions[0] + 2);
  held_clear (&held);
}

/* A job cancelled while its annotator was away. */
static void
test_job_cancelled (void)
{
  Held held = { 0 };
  g_autofree char *ids = NULL;
  gint64 task;

  held_init (&held);
  task = held.server->tasks[0];
  post (held.server, "/jobs/%" G_GINT64_FORMAT "/cancel", held.server->jobs[0]);
  save (held.cache, task, "mine", 3);
  g_assert_true (wait_until (nothing_sent_nor_held, &held, 10));
  g_assert_cmpuint (held.raised->len, ==, 0);
  ids = server_instance_ids (held.server, task);
  g_assert_cmpstr (ids, ==, "mine");
  held_clear (&held);
}

/* A project editor holding a task still sees it once it is not theirs:
 * the engine tells released from given to someone else. */
static void
test_editor_sees_why (void)
{
  Held held = { 0 };
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) reassigned_conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) eve = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  gint64 eve_id, jobs[2], tasks[2];
  Download download;

  held.server = server_new ();
  eve_id = call_id (held.server->admin, "POST", "/users", "{\"name\": \"eve\", \"password\": \"eve-password\"}");
  path = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, eve_id);
  json_node_unref (call (held.server->admin, "PUT", path, "{\"role\": \"editor\"}"));
  eve = client_for (held.server, "eve", "eve-password");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) task = NULL;

      g_clear_pointer (&body, g_free);
      body = g_strdup_printf ("{\"settings\": {\"name\": \"Edited %u\", \"passes_per_file\": 1, \"review_frequency\": 0},"
                              " \"files\": [%" G_GINT64_FORMAT "]}", i, held.server->files[i]);
      jobs[i] = call_id (held.server->admin, "POST", "/projects/1/jobs", body);
      g_clear_pointer (&path, g_free);
      path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", jobs[i]);
      json_node_unref (call (held.server->admin, "POST", path, NULL));
      g_clear_pointer (&path, g_free);
      path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", jobs[i]);
      task = call (eve, "POST", path, NULL);
      tasks[i] = json_object_get_int_member (json_node_get_object (task), "id");
    }
  held.sync = sync_for_user (held.server, "eve", "eve-password", &held.cache);
  held.raised = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (held.sync, "conflict", G_CALLBACK (count_raised), held.raised);
  download_job (held.sync, jobs[0], &download);
  download_job (held.sync, jobs[1], &download);
  g_assert_true (wait_until (is_synced, held.sync, 10));

  /* Released: nobody holds it. */
  post (held.server, "/tasks/%" G_GINT64_FORMAT "/release", tasks[0]);
  work_is_refused (&held, tasks[0], QUORUM_CONFLICT_RELEASED, &conflicts);
  keep_mine_refused (&held, tasks[0]);
  g_assert_true (quorum_sync_resolve_conflict (held.sync, tasks[0], QUORUM_CONFLICT_KEEP_COPY, &error));
  g_assert_no_error (error);
  conflict_ended (&held, tasks[0], QUORUM_CONFLICT_KEEP_COPY, "mine");

  /* Given to ann by hand. */
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&body, g_free);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/assign", tasks[1]);
  body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", held.server->ann_id);
  json_node_unref (call (held.server->admin, "POST", path, body));
  g_array_set_size (held.raised, 0);
  work_is_refused (&held, tasks[1], QUORUM_CONFLICT_REASSIGNED, &reassigned_conflicts);
  keep_mine_refused (&held, tasks[1]);
  g_assert_true (quorum_sync_resolve_conflict (held.sync, tasks[1], QUORUM_CONFLICT_KEEP_COPY, &error));
  g_assert_no_error (error);
  conflict_ended (&held, tasks[1], QUORUM_CONFLICT_KEEP_COPY, "mine");
  held_clear (&held);
}

/* The schema of version 1, as a cache of before causes holds it. */
static const char *schema_1 =
  "CREATE TABLE tasks (id INTEGER PRIMARY KEY, job INTEGER NOT NULL, file INTEGER NOT NULL,"
  "  version INTEGER NOT NULL, view TEXT NOT NULL, fetched INTEGER NOT NULL);"
  "CREATE INDEX tasks_job ON tasks (job, id);"
  "CREATE TABLE working (task INTEGER PRIMARY KEY, instances TEXT NOT NULL, base_version INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL);"
  "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, task INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('save', 'submit')), payload TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL, created INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT, revision INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX outbox_task ON outbox (task, id);"
  "CREATE TABLE conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT, task INTEGER NOT NULL,"
  "  instances TEXT NOT NULL, server_version INTEGER NOT NULL, reason TEXT, created INTEGER NOT NULL,"
  "  resolved INTEGER, resolution TEXT CHECK (resolution IN ('keep_mine', 'take_server')));"
  "CREATE INDEX conflicts_task ON conflicts (task, id);"
  "CREATE TABLE guides (id INTEGER PRIMARY KEY, guide TEXT NOT NULL, fetched INTEGER NOT NULL);"
  "CREATE TABLE documents (name TEXT PRIMARY KEY, json TEXT NOT NULL, fetched INTEGER NOT NULL);"
  "CREATE TABLE media (file INTEGER PRIMARY KEY, size INTEGER NOT NULL, used INTEGER NOT NULL);"
  "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "INSERT INTO tasks VALUES (5, 1, 1, 3, '{\"id\": 5, \"job\": 1, \"file\": 1, \"version\": 3,"
  "  \"state\": \"assigned\", \"instances\": []}', 0);"
  "INSERT INTO conflicts VALUES (1, 5, '[]', 7, 'version: the task is at version 7, not 3', 100, 200, 'take_server');"
  "INSERT INTO conflicts VALUES (2, 5, '[]', -1, 'no task 5', 300, NULL, NULL);"
  "INSERT INTO outbox (task, kind, payload, base_version, created) VALUES (5, 'save', '[]', 3, 300);"
  "PRAGMA user_version = 1;";

/* A cache of version 1 keeps its conflicts: the one whose server version
 * was unknown reads as no longer the user's, and can be kept as a copy. */
static void
test_migrated (void)
{
  g_autofree char *dir = g_dir_make_tmp ("quorum-conflicts-v1-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *media = g_build_filename (dir, "media", NULL);
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  const QuorumCacheConflict *old, *open;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema_1, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  cache = quorum_cache_open_at (path, media, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_schema_version (cache), ==, QUORUM_CACHE_SCHEMA_VERSION);
  conflicts = quorum_cache_list_conflicts (cache, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 2);
  old = g_ptr_array_index (conflicts, 0);
  open = g_ptr_array_index (conflicts, 1);
  g_assert_false (old->open);
  g_assert_cmpint (old->resolution, ==, QUORUM_CONFLICT_TAKE_SERVER);
  g_assert_cmpint (old->resolved, ==, 200);
  g_assert_cmpint (old->cause, ==, QUORUM_CONFLICT_STALE);
  g_assert_true (open->open);
  g_assert_cmpint (open->cause, ==, QUORUM_CONFLICT_NOT_YOURS);
  g_assert_cmpstr (open->reason, ==, "no task 5");

  g_assert_false (quorum_cache_end_conflict (cache, 5, QUORUM_CONFLICT_KEEP_MINE, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE);
  g_clear_error (&error);
  g_assert_true (quorum_cache_end_conflict (cache, 5, QUORUM_CONFLICT_KEEP_COPY, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 0);
  g_assert_cmpuint (quorum_cache_count_conflicts (cache), ==, 0);
  g_clear_object (&cache);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("quorum-test-conflicts-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status;

  /* The caches live in a folder of their own, set before GLib reads it. */
  g_assert (home != NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/conflicts/released", test_released);
  g_test_add_func ("/client/conflicts/reassigned", test_reassigned);
  g_test_add_func ("/client/conflicts/decided", test_decided);
  g_test_add_func ("/client/conflicts/stale-keep-copy", test_stale_keep_copy);
  g_test_add_func ("/client/conflicts/stale-keep-mine", test_stale_keep_mine);
  g_test_add_func ("/client/conflicts/job-cancelled", test_job_cancelled);
  g_test_add_func ("/client/conflicts/editor-sees-why", test_editor_sees_why);
  g_test_add_func ("/client/conflicts/migrated", test_migrated);
  status = g_test_run ();
  remove_tree (home);
  return status;
}
