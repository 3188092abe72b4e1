/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

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

/*
 * Review decisions through the outbox (docs/offline.md), against a real
 * quorum-server: a rating, a Missing flag, an accept and a reject queued
 * while the server is down, by a process then killed; a new QuorumSync on
 * the same cache sends them once the server is back, each exactly once,
 * even those the server applied before the kill without the app hearing of
 * it; and a decision someone else made first ends in one conflict.
 */

#define PASSWORD "a-password-of-theirs"

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

static gboolean
is_synced (gpointer data)
{
  return quorum_sync_get_state (data) == QUORUM_SYNC_SYNCED && quorum_sync_get_pending (data) == 0;
}


static JsonNode *
server_task (Server *server,
             gint64  task_id)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);

  return call (server->admin, "GET", path, NULL);
}

static gboolean
is_in_conflict (gpointer data)
{
  return quorum_sync_get_state (data) == QUORUM_SYNC_CONFLICT;
}

static gboolean
has_one_left (gpointer data)
{
  return quorum_sync_get_pending (data) == 1 && quorum_sync_get_state (data) != QUORUM_SYNC_PENDING;
}

static gint64
new_user (Server     *server,
          const char *name,
          const char *role)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"password\": \"" PASSWORD "\"}", name);
  gint64 id = call_id (server->admin, "POST", "/users", body);
  g_autofree char *path = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, id);
  g_autofree char *member = g_strdup_printf ("{\"role\": \"%s\"}", role);

  json_node_unref (call (server->admin, "PUT", path, member));
  return id;
}

static gint64
upload (Server *server,
        guint   index)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("street-%u.png", index);
  g_autofree char *path = g_build_filename (server->work_dir, name, NULL);
  g_autoptr(JsonNode) file = NULL;

  g_file_set_contents (path, (const char *) (index % 2 == 0 ? png_a : png_b), sizeof png_a - 1, &error);
  g_assert_no_error (error);
  file = quorum_client_upload_sync (server->admin, 1, path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return json_object_get_int_member (json_node_get_object (file), "id");
}

/* @who takes the job's next task, draws @instances and submits it. */
static gint64
draw_and_submit (QuorumClient *who,
                 gint64        job,
                 const char   *instances)
{
  g_autofree char *next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job);
  g_autoptr(JsonNode) task = call (who, "POST", next, NULL);
  gint64 id = json_object_get_int_member (json_node_get_object (task), "id");
  gint64 version = json_object_get_int_member (json_node_get_object (task), "version");
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", id);
  g_autofree char *body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": %s}", version,
                                           instances);
  g_autoptr(JsonNode) saved = call (who, "PUT", path, body);
  g_autofree char *submit = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/submit", id);
  g_autofree char *version_body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                                                   json_object_get_int_member (json_node_get_object (saved),
                                                                               "version"));

  json_node_unref (call (who, "POST", submit, version_body));
  return id;
}

static gint64
take_review (QuorumClient *who,
             gint64        job)
{
  g_autofree char *next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job);
  g_autoptr(JsonNode) task = call (who, "POST", next, NULL);

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (task), "kind"), ==, "review");
  return json_object_get_int_member (json_node_get_object (task), "id");
}

static void
cache_task (QuorumCache  *cache,
            QuorumClient *who,
            gint64        task)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task);
  g_autoptr(JsonNode) view = call (who, "GET", path, NULL);

  quorum_cache_store_task (cache, view, &error);
  g_assert_no_error (error);
}

static void
on_conflict (QuorumSync *sync,
             gint64      task,
             gpointer    user_data)
{
  GArray *conflicts = user_data;

  g_array_append_val (conflicts, task);
}

#define RATING "{\"stars\": {\"mine-1\": 4}, \"missing\": [\"gold-b\"]}"
#define REJECT "{\"comment\": \"Box the van as well\", \"pins\": [{\"text\": \"too loose\", \"instance\": \"van-1\"}]}"

static void
test_review_outbox (void)
{
  g_autoptr(Server) server = g_new0 (Server, 1);
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) create = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) ann = NULL;
  g_autoptr(QuorumClient) rita = NULL;
  g_autoptr(QuorumClient) rex = NULL;
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumClient) client = NULL;
  g_autoptr(QuorumSync) sync = NULL;
  g_autoptr(GArray) conflicts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(JsonNode) exam_view = NULL;
  g_autoptr(JsonNode) comments = NULL;
  g_autoptr(JsonNode) lost_view = NULL;
  g_autofree char *database = NULL;
  g_autofree char *media = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  gint64 exam, job, rita_id, rex_id, exam_review, kept_review, lost_review, kept_draw;
  JsonObject *rating;
  JsonArray *list;
  guint rejects = 0;
  int fds[2], status = 0;
  char byte = 0;
  pid_t child;

  /* An exam (gold: two boxes) and a reviewed job of two files; ann draws,
   * rita reviews, rex reviews too. */
  server->data_dir = g_dir_make_tmp ("quorum-review-server-XXXXXX", &error);
  g_assert_no_error (error);
  server->work_dir = g_dir_make_tmp ("quorum-review-work-XXXXXX", &error);
  g_assert_no_error (error);
  create = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                        "--data", server->data_dir, "--create-admin", "root", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (create, ROOT_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  server_start (server, NULL);
  server->admin = client_for (server, "root", ROOT_PASSWORD);
  g_assert_cmpint (call_id (server->admin, "POST", "/projects", "{\"name\": \"Streets\"}"), ==, 1);
  json_node_unref (call (server->admin, "PUT", "/projects/1/labels",
                         "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\","
                         " \"attributes\": []}]}"));
  {
    gint64 gold_file = upload (server, 0);
    gint64 files[2] = { upload (server, 1), upload (server, 2) };

    path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/existing", gold_file);
    json_node_unref (call (server->admin, "PUT", path,
                           "{\"instances\": [{\"id\": \"gold-a\", \"label\": \"car\", \"kind\": \"box\", "
                           "\"points\": [[0, 0], [10, 10]]}, {\"id\": \"gold-b\", \"label\": \"car\", "
                           "\"kind\": \"box\", \"points\": [[20, 0], [30, 10]]}]}"));
    body = g_strdup_printf ("{\"settings\": {\"name\": \"Street exam\", \"type\": \"exam\", \"awarded_credentials\": [\"Street annotator\"]}, \"files\": [%"
                            G_GINT64_FORMAT "]}", gold_file);
    exam = call_id (server->admin, "POST", "/projects/1/jobs", body);
    g_free (body);
    body = g_strdup_printf ("{\"settings\": {\"name\": \"Reviewed\", \"passes_per_file\": 1, \"review_frequency\": 1},"
                            " \"files\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]}", files[0], files[1]);
    job = call_id (server->admin, "POST", "/projects/1/jobs", body);
  }
  g_free (path);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", exam);
  json_node_unref (call (server->admin, "POST", path, NULL));
  g_free (path);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job);
  json_node_unref (call (server->admin, "POST", path, NULL));
  new_user (server, "ann", "annotator");
  rita_id = new_user (server, "rita", "reviewer");
  rex_id = new_user (server, "rex", "reviewer");
  ann = client_for (server, "ann", PASSWORD);
  rita = client_for (server, "rita", PASSWORD);
  rex = client_for (server, "rex", PASSWORD);

  g_free (path);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/apply", exam);
  json_node_unref (call (ann, "POST", path, NULL));
  draw_and_submit (ann, exam, "[{\"id\": \"mine-1\", \"label\": \"car\", \"kind\": \"box\", "
                              "\"points\": [[0, 0], [10, 10]]}]");
  kept_draw = draw_and_submit (ann, job, "[{\"id\": \"van-1\", \"label\": \"car\", \"kind\": \"box\", "
                                         "\"points\": [[1, 1], [9, 9]]}]");
  draw_and_submit (ann, job, "[{\"id\": \"bus-1\", \"label\": \"car\", \"kind\": \"box\", "
                             "\"points\": [[2, 2], [8, 8]]}]");
  exam_review = take_review (rita, exam);
  kept_review = take_review (rita, job);
  /* next gives rita her unfinished review again: the second is given by hand. */
  {
    g_autofree char *tasks_path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/tasks", job);
    g_autoptr(JsonNode) tasks = call (server->admin, "GET", tasks_path, NULL);
    g_autofree char *assign = NULL;
    g_autofree char *to_rita = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", rita_id);

    lost_review = 0;
    for (guint i = 0; i < json_array_get_length (json_node_get_array (tasks)); i++)
      {
        JsonObject *row = json_array_get_object_element (json_node_get_array (tasks), i);

        if (g_str_equal (json_object_get_string_member (row, "kind"), "review") &&
            json_object_get_int_member (row, "id") != kept_review)
          lost_review = json_object_get_int_member (row, "id");
      }
    g_assert_cmpint (lost_review, >, 0);
    assign = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/assign", lost_review);
    json_node_unref (call (server->admin, "POST", assign, to_rita));
  }

  /* rita opens the three reviews: her cache holds their views. */
  client = client_for (server, "rita", PASSWORD);
  cache = quorum_cache_open (server->address, "rita", &error);
  g_assert_no_error (error);
  database = g_strdup (quorum_cache_get_path (cache));
  media = g_strdup (quorum_cache_get_media_dir (cache));
  cache_task (cache, rita, exam_review);
  cache_task (cache, rita, kept_review);
  cache_task (cache, rita, lost_review);
  g_clear_object (&cache);

  /* Meanwhile the project's admin gives the third review to rex, who
   * accepts it: rita's decision on it will come second. */
  g_free (path);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/assign", lost_review);
  g_free (body);
  body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", rex_id);
  json_node_unref (call (server->admin, "POST", path, body));
  g_free (path);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/accept", lost_review);
  json_node_unref (call (rex, "POST", path, "{}"));

  /* The server goes down; rita rates, flags a gold box as missed, accepts
   * the exam review, rejects the other with comments and accepts the third,
   * all in a process killed right after. */
  server_stop (server);
  g_assert_cmpint (pipe (fds), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      g_autoptr(QuorumCache) mine = NULL;
      g_autoptr(QuorumSync) engine = NULL;

      close (fds[0]);
      mine = quorum_cache_open_at (database, media, NULL);
      if (mine == NULL)
        _exit (1);
      engine = quorum_sync_new (client, mine);
      if (quorum_cache_queue_review (mine, exam_review, QUORUM_CACHE_OP_RATING,
                                     "{\"stars\": {\"mine-1\": 2}, \"missing\": []}", NULL, NULL) == 0 ||
          quorum_cache_queue_review (mine, exam_review, QUORUM_CACHE_OP_RATING, RATING, NULL, NULL) == 0 ||
          quorum_cache_queue_review (mine, exam_review, QUORUM_CACHE_OP_ACCEPT, "{}", NULL, NULL) == 0 ||
          quorum_cache_queue_review (mine, kept_review, QUORUM_CACHE_OP_REJECT, REJECT, NULL, NULL) == 0 ||
          quorum_cache_queue_review (mine, lost_review, QUORUM_CACHE_OP_ACCEPT, "{}", NULL, NULL) == 0)
        _exit (1);
      if (write (fds[1], "q", 1) != 1)
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

  /* Everything is in the outbox, the two ratings as one. */
  cache = quorum_cache_open_at (database, media, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_schema_version (cache), >=, 2);
  listed = quorum_cache_list_outbox (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 4);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (listed, 0))->kind, ==, QUORUM_CACHE_OP_RATING);
  g_assert_nonnull (strstr (((QuorumCacheOp *) g_ptr_array_index (listed, 0))->payload, "gold-b"));
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (listed, 1))->kind, ==, QUORUM_CACHE_OP_ACCEPT);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (listed, 2))->kind, ==, QUORUM_CACHE_OP_REJECT);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (listed, 3))->kind, ==, QUORUM_CACHE_OP_ACCEPT);

  /* The killed app had sent the rating, the exam's accept and the
   * rejection already, and the server applied them, but it never heard
   * back: the operations are still queued. */
  server_start (server, NULL);
  g_free (path);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/rating", exam_review);
  json_node_unref (call (rita, "PUT", path, RATING));
  g_free (path);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/accept", exam_review);
  json_node_unref (call (rita, "POST", path, "{}"));
  g_free (path);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/reject", kept_review);
  json_node_unref (call (rita, "POST", path, REJECT));

  /* A new engine on the same cache sends the rest, once each. */
  g_clear_object (&client);
  client = client_for (server, "rita", PASSWORD);
  sync = quorum_sync_new (client, cache);
  g_signal_connect (sync, "conflict", G_CALLBACK (on_conflict), conflicts);
  g_assert_true (wait_until (is_in_conflict, sync, 30));
  g_assert_true (wait_until (has_one_left, sync, 10));
  /* The conflict is said once, and nothing is sent again in a loop. */
  {
    gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE), g_usleep (10 * 1000);
  }
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpint (g_array_index (conflicts, gint64, 0), ==, lost_review);
  g_assert_true (quorum_cache_in_conflict (cache, lost_review));
  g_assert_false (quorum_cache_in_conflict (cache, kept_review));
  g_assert_false (quorum_cache_in_conflict (cache, exam_review));
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = quorum_cache_list_conflicts (cache, lost_review, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);

  /* The server holds each decision once: the exam review complete with
   * the last rating, */
  exam_view = server_task (server, exam_review);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (exam_view), "state"), ==, "complete");
  rating = json_object_get_object_member (json_node_get_object (exam_view), "rating");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (rating, "stars"), "mine-1"), ==, 4);
  list = json_object_get_array_member (rating, "missing");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (list, 0), ==, "gold-b");
  /* the rejection's comment and pin once (not a second round), */
  g_free (path);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/comments", kept_draw);
  comments = call (server->admin, "GET", path, NULL);
  list = json_object_get_array_member (json_node_get_object (comments), "comments");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *comment = json_array_get_object_element (list, i);

      g_assert_cmpint (json_object_get_int_member (comment, "round"), ==, 1);
      rejects += g_str_equal (json_object_get_string_member (comment, "decision"), "reject");
    }
  g_assert_cmpuint (rejects, ==, 2);
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  /* and the third review is rex's decision, not rita's. */
  lost_view = server_task (server, lost_review);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (lost_view), "assignee"), ==, rex_id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (lost_view), "state"), ==, "complete");

  /* The cached views say what the server keeps. */
  g_clear_pointer (&exam_view, json_node_unref);
  exam_view = quorum_cache_get_task (cache, exam_review, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (exam_view), "state"), ==, "complete");

  /* Taking the server's side ends the conflict: nothing left, no loop. */
  g_assert_true (quorum_sync_resolve_conflict (sync, lost_review, QUORUM_CONFLICT_TAKE_SERVER, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (is_synced, sync, 30));
  g_assert_cmpuint (conflicts->len, ==, 1);
}

/* A cache of schema version 1 with a save waiting is migrated to version 2
 * on open: the save stays, with its id, and review operations can follow. */
static void
test_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("quorum-migrate-XXXXXX", &error);
  g_autofree char *database = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *media = g_build_filename (dir, "media", NULL);
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (database, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE tasks (id INTEGER PRIMARY KEY, job INTEGER NOT NULL, file INTEGER NOT NULL,"
                                 " version INTEGER NOT NULL, view TEXT NOT NULL, fetched INTEGER NOT NULL);"
                                 "CREATE TABLE working (task INTEGER PRIMARY KEY, instances TEXT NOT NULL,"
                                 " base_version INTEGER NOT NULL, updated INTEGER NOT NULL);"
                                 "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, task INTEGER NOT NULL,"
                                 " kind TEXT NOT NULL CHECK (kind IN ('save', 'submit')), payload TEXT NOT NULL,"
                                 " base_version INTEGER NOT NULL, created INTEGER NOT NULL,"
                                 " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
                                 " revision INTEGER NOT NULL DEFAULT 0);"
                                 "CREATE TABLE conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT, task INTEGER NOT NULL,"
                                 " instances TEXT NOT NULL, server_version INTEGER NOT NULL, reason TEXT,"
                                 " created INTEGER NOT NULL, resolved INTEGER, resolution TEXT);"
                                 "CREATE TABLE guides (id INTEGER PRIMARY KEY, guide TEXT NOT NULL, fetched INTEGER NOT NULL);"
                                 "CREATE TABLE documents (name TEXT PRIMARY KEY, json TEXT NOT NULL, fetched INTEGER NOT NULL);"
                                 "CREATE TABLE media (file INTEGER PRIMARY KEY, size INTEGER NOT NULL, used INTEGER NOT NULL);"
                                 "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                 "INSERT INTO tasks VALUES (9, 1, 1, 4, '{\"id\": 9, \"job\": 1, \"file\": 1,"
                                 " \"version\": 4, \"instances\": []}', 0);"
                                 "INSERT INTO outbox (id, task, kind, payload, base_version, created)"
                                 " VALUES (7, 9, 'save', '[]', 4, 0);"
                                 "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  cache = quorum_cache_open_at (database, media, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_schema_version (cache), ==, QUORUM_CACHE_SCHEMA_VERSION);
  g_assert_cmpint (quorum_cache_queue_review (cache, 9, QUORUM_CACHE_OP_REJECT, "{\"comment\": \"Box it\"}", NULL,
                                              &error), >, 7);
  g_assert_no_error (error);
  /* Not an object: refused, nothing queued. */
  g_assert_cmpint (quorum_cache_queue_review (cache, 9, QUORUM_CACHE_OP_ACCEPT, "[]", NULL, &error), ==, 0);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  ops = quorum_cache_list_outbox (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 2);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 0))->id, ==, 7);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 0))->kind, ==, QUORUM_CACHE_OP_SAVE);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 1))->kind, ==, QUORUM_CACHE_OP_REJECT);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 1))->base_version, ==, 4);
  g_clear_object (&cache);
  remove_tree (dir);
}


/* Consensus steps queued offline go in order after the server is back: a
 * copy the server had applied before the app was killed is not copied
 * again, the next copy follows, and the Undo queued after it takes that
 * copy back on the server. */
static void
test_consensus_steps (void)
{
  g_autoptr(Server) server = g_new0 (Server, 1);
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) create = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) ann = NULL;
  g_autoptr(QuorumClient) bob = NULL;
  g_autoptr(QuorumClient) rita = NULL;
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = NULL;
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(JsonNode) done = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *copy_ann = NULL;
  g_autofree char *copy_bob = NULL;
  gint64 job, consensus, pass_ann = 0, pass_bob = 0;
  JsonArray *passes, *output;
  guint from_ann = 0;

  server->data_dir = g_dir_make_tmp ("quorum-review-server-XXXXXX", &error);
  g_assert_no_error (error);
  server->work_dir = g_dir_make_tmp ("quorum-review-work-XXXXXX", &error);
  g_assert_no_error (error);
  create = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                        "--data", server->data_dir, "--create-admin", "root", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (create, ROOT_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  server_start (server, NULL);
  server->admin = client_for (server, "root", ROOT_PASSWORD);
  g_assert_cmpint (call_id (server->admin, "POST", "/projects", "{\"name\": \"Streets\"}"), ==, 1);
  json_node_unref (call (server->admin, "PUT", "/projects/1/labels",
                         "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\","
                         " \"attributes\": []}]}"));
  body = g_strdup_printf ("{\"settings\": {\"name\": \"Two readers\", \"passes_per_file\": 2, \"review_frequency\": 0,"
                          " \"consensus\": \"manual_merge\"}, \"files\": [%" G_GINT64_FORMAT "]}", upload (server, 0));
  job = call_id (server->admin, "POST", "/projects/1/jobs", body);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job);
  json_node_unref (call (server->admin, "POST", path, NULL));
  new_user (server, "ann", "annotator");
  new_user (server, "bob", "annotator");
  new_user (server, "rita", "reviewer");
  ann = client_for (server, "ann", PASSWORD);
  bob = client_for (server, "bob", PASSWORD);
  rita = client_for (server, "rita", PASSWORD);
  draw_and_submit (ann, job, "[{\"id\": \"a-1\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0, 0], [10, 10]]},"
                             " {\"id\": \"a-2\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[12, 0], [20, 8]]}]");
  draw_and_submit (bob, job, "[{\"id\": \"b-1\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[1, 1], [11, 11]]}]");
  g_free (path);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job);
  task = call (rita, "POST", path, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (task), "kind"), ==, "consensus");
  consensus = json_object_get_int_member (json_node_get_object (task), "id");
  passes = json_object_get_array_member (json_node_get_object (task), "passes");
  for (guint i = 0; i < json_array_get_length (passes); i++)
    {
      JsonObject *pass = json_array_get_object_element (passes, i);

      if (g_str_equal (json_object_get_string_member (pass, "annotator"), "ann"))
        pass_ann = json_object_get_int_member (pass, "id");
      else
        pass_bob = json_object_get_int_member (pass, "id");
    }
  g_assert_cmpint (pass_ann, >, 0);
  g_assert_cmpint (pass_bob, >, 0);
  cache = quorum_cache_open (server->address, "rita", &error);
  g_assert_no_error (error);
  cache_task (cache, rita, consensus);

  /* Offline: copy ann's set, copy bob's, undo (bob's copy). */
  server_stop (server);
  copy_ann = g_strdup_printf ("{\"step\": \"copy\", \"from\": %" G_GINT64_FORMAT "}", pass_ann);
  copy_bob = g_strdup_printf ("{\"step\": \"copy\", \"from\": %" G_GINT64_FORMAT "}", pass_bob);
  g_assert_cmpint (quorum_cache_queue_review (cache, consensus, QUORUM_CACHE_OP_CONSENSUS, copy_ann, NULL, &error), >, 0);
  g_assert_cmpint (quorum_cache_queue_review (cache, consensus, QUORUM_CACHE_OP_CONSENSUS, copy_bob, NULL, &error), >, 0);
  g_assert_cmpint (quorum_cache_queue_review (cache, consensus, QUORUM_CACHE_OP_CONSENSUS, "{\"step\": \"undo\"}",
                                              NULL, &error), >, 0);
  g_assert_no_error (error);
  /* A step without its name is refused, and nothing is queued. */
  g_assert_cmpint (quorum_cache_queue_review (cache, consensus, QUORUM_CACHE_OP_CONSENSUS, "{}", NULL, &error), ==, 0);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 3);

  /* The first copy reached the server before the app was killed. */
  server_start (server, NULL);
  g_free (body);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"from\": %" G_GINT64_FORMAT "}",
                          json_object_get_int_member (json_node_get_object (task), "version"), pass_ann);
  g_free (path);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/consensus/copy", consensus);
  json_node_unref (call (rita, "POST", path, body));

  g_clear_object (&rita);
  rita = client_for (server, "rita", PASSWORD);
  sync = quorum_sync_new (rita, cache);
  g_assert_true (wait_until (is_synced, sync, 30));
  g_assert_cmpuint (quorum_cache_count_conflicts (cache), ==, 0);

  /* ann's set once (not twice), bob's taken back by the Undo. */
  done = server_task (server, consensus);
  output = json_object_get_array_member (json_node_get_object (done), "instances");
  for (guint i = 0; i < json_array_get_length (output); i++)
    {
      const char *from = json_object_get_string_member (json_array_get_object_element (output, i), "copied_from");

      g_assert_true (g_str_has_prefix (from, "a-"));
      from_ann++;
    }
  g_assert_cmpuint (from_ann, ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (done), "version"), ==,
                   json_object_get_int_member (json_node_get_object (task), "version") + 3);
  /* The cache holds the server's output, and no working copy is left. */
  g_free (body);
  body = quorum_cache_get_local_instances (cache, consensus, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (body, "\"copied_from\":\"a-1\""));
  g_assert_null (strstr (body, "b-1"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("quorum-test-review-outbox-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status;

  g_assert (home != NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/review-outbox/migration", test_migration);
  g_test_add_func ("/client/review-outbox/killed", test_review_outbox);
  g_test_add_func ("/client/review-outbox/consensus", test_consensus_steps);
  status = g_test_run ();
  remove_tree (home);
  return status;
}
