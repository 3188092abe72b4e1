/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "quorum-cache.h"
#include "quorum-client.h"
#include "client-test-util.h"
#include "quorum-error.h"
#include "quorum-sync.h"
#include "quorum-wire.h"

/*
 * A trainer's Pass and Fail of exam attempts through the outbox
 * (docs/offline.md, "Exam decisions"), against a real quorum-server filled
 * by `quorumctl demo`: a pass queued while the server is down, by an app
 * then gone, reaches the server once it is back; a pass the server applied
 * before the app heard of it is not sent twice and is no conflict; a pass
 * of an attempt someone else failed first is dropped, said once with the
 * cause, and never sent again. No grade touches a cached task.
 */

#define ROOT_PASSWORD "correct horse battery"

typedef struct {
  char         *data_dir;
  char         *cache_dir;
  GSubprocess  *process;
  guint         port;
  char         *address;
  QuorumClient *admin;
  JsonObject   *demo;
  gint64        exam;
} Server;

static void
server_start (Server *server)
{
  server->process = start_server (server->data_dir, &server->port, &server->address, NULL);
}

static void
server_stop (Server *server)
{
  stop_server (&server->process);
}

static void
server_free (Server *server)
{
  server_stop (server);
  g_clear_object (&server->admin);
  g_clear_pointer (&server->demo, json_object_unref);
  remove_tree (server->data_dir);
  remove_tree (server->cache_dir);
  g_free (server->data_dir);
  g_free (server->cache_dir);
  g_free (server->address);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)

/* A call that must succeed. */
static JsonNode *
callf (QuorumClient *client,
       const char   *method,
       const char   *body,
       const char   *format,
       ...) G_GNUC_PRINTF (4, 5);

static JsonNode *
callf (QuorumClient *client,
       const char   *method,
       const char   *body,
       const char   *format,
       ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  JsonNode *reply;
  va_list args;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  if (body != NULL)
    {
      node = quorum_wire_parse_bytes (body, strlen (body), &error);
      g_assert_no_error (error);
    }
  reply = quorum_client_call_sync (client, method, path, node, NULL, &error);
  if (error != NULL)
    g_error ("%s %s: %s", method, path, error->message);
  return reply;
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

static JsonObject *
demo_account (Server     *server,
              const char *user)
{
  JsonArray *accounts = json_object_get_array_member (server->demo, "accounts");

  for (guint i = 0; i < json_array_get_length (accounts); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (accounts, i), "name"), user))
      return json_array_get_object_element (accounts, i);
  g_error ("no demo account %s", user);
  return NULL;
}

static QuorumClient *
demo_client (Server     *server,
             const char *user)
{
  return client_for (server, user, json_object_get_string_member (demo_account (server, user), "password"));
}

/* Every review task of the exam the trainer can take, rated @stars on
 * each instance and accepted. */
static void
review_all (Server       *server,
            QuorumClient *trainer,
            int           stars)
{
  for (;;)
    {
      g_autoptr(JsonNode) task = callf (trainer, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server->exam);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *text = NULL;
      JsonObject *object;
      JsonArray *instances, *missing;
      gint64 id;

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        return;
      object = json_node_get_object (task);
      id = json_object_get_int_member (object, "id");
      instances = json_object_get_array_member (json_object_get_object_member (object, "draw"), "instances");
      missing = json_object_get_array_member (json_object_get_object_member (object, "suggested"), "missing");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "stars");
      json_builder_begin_object (builder);
      for (guint i = 0; i < json_array_get_length (instances); i++)
        {
          json_builder_set_member_name (builder,
                                        json_object_get_string_member (json_array_get_object_element (instances, i),
                                                                       "id"));
          json_builder_add_int_value (builder, stars);
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "missing");
      json_builder_begin_array (builder);
      for (guint i = 0; i < json_array_get_length (missing); i++)
        json_builder_add_string_value (builder, json_array_get_string_element (missing, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      text = quorum_wire_to_string (body, FALSE);
      json_node_unref (callf (trainer, "PUT", text, "/tasks/%" G_GINT64_FORMAT "/rating", id));
      json_node_unref (callf (trainer, "POST", "{}", "/tasks/%" G_GINT64_FORMAT "/accept", id));
    }
}

/* @user applies and submits every draw with no instance; returns the attempt. */
static gint64
take_exam (Server     *server,
           const char *user)
{
  g_autoptr(QuorumClient) taker = demo_client (server, user);
  g_autoptr(JsonNode) applied = callf (taker, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/apply", server->exam);

  for (;;)
    {
      g_autoptr(JsonNode) task = callf (taker, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server->exam);
      g_autoptr(JsonNode) saved = NULL;
      g_autofree char *body = NULL;
      gint64 id;

      if (task == NULL || !JSON_NODE_HOLDS_OBJECT (task))
        break;
      id = json_object_get_int_member (json_node_get_object (task), "id");
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": []}",
                              json_object_get_int_member (json_node_get_object (task), "version"));
      saved = callf (taker, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances", id);
      g_free (body);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                              json_object_get_int_member (json_node_get_object (saved), "version"));
      json_node_unref (callf (taker, "POST", body, "/tasks/%" G_GINT64_FORMAT "/submit", id));
    }
  return json_object_get_int_member (json_node_get_object (applied), "attempt");
}

/* A server with the demo in it; dan's attempt (the demo's), ben's and
 * cat's, each reviewed by tom, the trainer, and undecided. */
static Server *
server_new (gint64 attempts[3])
{
  g_autoptr(Server) server = g_new0 (Server, 1);
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GSubprocessLauncher) demo_launcher = NULL;
  g_autoptr(GSubprocess) create = NULL;
  g_autoptr(GSubprocess) demo = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autoptr(QuorumClient) tom = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonArray *jobs;

  server->data_dir = g_dir_make_tmp ("quorum-grade-server-XXXXXX", &error);
  g_assert_no_error (error);
  server->cache_dir = g_dir_make_tmp ("quorum-grade-cache-XXXXXX", &error);
  g_assert_no_error (error);
  create = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                        "--data", server->data_dir, "--create-admin", "root", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (create, ROOT_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  server_start (server);
  server->admin = client_for (server, "root", ROOT_PASSWORD);

  demo_launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (demo_launcher, "QUORUM_TOKEN", quorum_client_get_token (server->admin), TRUE);
  demo = g_subprocess_launcher_spawn (demo_launcher, &error, g_getenv ("QUORUMCTL_BIN"), "demo", "--server",
                                      server->address, "--json", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (demo, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (demo) != 0)
    g_error ("quorumctl demo: %s", err);
  node = quorum_wire_parse_bytes (out, strlen (out), &error);
  g_assert_no_error (error);
  server->demo = json_object_ref (json_node_get_object (node));
  jobs = json_object_get_array_member (server->demo, "jobs");
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    if (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (jobs, i), "name"),
                          "Street-scene basics"))
      server->exam = json_object_get_int_member (json_array_get_object_element (jobs, i), "id");
  g_assert_cmpint (server->exam, >, 0);

  tom = demo_client (server, "tom");
  results = callf (tom, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/results", server->exam);
  attempts[0] = json_object_get_int_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (results), "takers"), 0), "attempt");
  attempts[1] = take_exam (server, "ben");
  attempts[2] = take_exam (server, "cat");
  review_all (server, tom, 4);
  return g_steal_pointer (&server);
}

static JsonObject *
attempt_view (Server *server,
              gint64  attempt)
{
  g_autoptr(JsonNode) view = callf (server->admin, "GET", NULL, "/attempts/%" G_GINT64_FORMAT, attempt);

  return json_object_ref (json_node_get_object (view));
}

/* ---- the engine ----------------------------------------------------------- */

typedef struct {
  guint      count;
  gint64     job;
  gint64     attempt;
  gboolean   pass;
  JsonNode  *view;
  char      *reason;
} Refusals;

static void
on_grade_refused (QuorumSync *sync,
                  gint64      job,
                  gint64      attempt,
                  gboolean    pass,
                  JsonNode   *view,
                  const char *reason,
                  Refusals   *refusals)
{
  refusals->count++;
  refusals->job = job;
  refusals->attempt = attempt;
  refusals->pass = pass;
  g_clear_pointer (&refusals->view, json_node_unref);
  refusals->view = view != NULL ? json_node_ref (view) : NULL;
  g_free (refusals->reason);
  refusals->reason = g_strdup (reason);
}

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

static QuorumCache *
open_cache (Server *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (server->cache_dir, "cache.sqlite", NULL);
  g_autofree char *media = g_build_filename (server->cache_dir, "media", NULL);
  QuorumCache *cache = quorum_cache_open_at (path, media, &error);

  g_assert_no_error (error);
  return cache;
}

/* ---- the cache alone -------------------------------------------------------- */

/* A grade is no task's: it keeps its place among the task ops, never merges
 * with them, and a second decision of the same attempt is refused. */
static void
test_grade_in_cache (void)
{
  g_autofree char *dir = g_dir_make_tmp ("quorum-grade-cache-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *media = g_build_filename (dir, "media", NULL);
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autoptr(QuorumCacheOp) next = NULL;
  const char *text = "{\"id\": 5, \"job\": 2, \"file\": 3, \"version\": 1, \"instances\": []}";
  gint64 grade, job = 0, attempt = 0;
  gboolean pass = FALSE;

  cache = quorum_cache_open_at (path, media, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_cache_get_schema_version (cache), ==, QUORUM_CACHE_SCHEMA_VERSION);
  view = quorum_wire_parse_bytes (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_true (quorum_cache_store_task (cache, view, &error));
  g_assert_true (quorum_cache_save_local (cache, 5, "[]", &error));
  g_assert_no_error (error);
  grade = quorum_cache_queue_grade (cache, 7, 42, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (grade, >, 0);
  /* A save after the grade is a new op, not merged across it. */
  g_assert_true (quorum_cache_save_local (cache, 5, "[]", &error));
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 3);
  g_assert_cmpstr (quorum_cache_get_queued_grade (cache, 42), ==, "pass");
  g_assert_null (quorum_cache_get_queued_grade (cache, 43));
  g_assert_false (quorum_cache_has_pending (cache, 42));

  /* The same attempt again: refused, nothing queued. */
  g_assert_cmpint (quorum_cache_queue_grade (cache, 7, 42, FALSE, &error), ==, 0);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (quorum_cache_queue_grade (cache, 7, 0, FALSE, &error), ==, 0);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 3);

  ops = quorum_cache_list_outbox (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 0))->kind, ==, QUORUM_CACHE_OP_SAVE);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 1))->kind, ==, QUORUM_CACHE_OP_GRADE);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 1))->task, ==, 0);
  g_assert_cmpint (((QuorumCacheOp *) g_ptr_array_index (ops, 2))->kind, ==, QUORUM_CACHE_OP_SAVE);
  g_assert_true (quorum_cache_read_grade (g_ptr_array_index (ops, 1), &job, &attempt, &pass));
  g_assert_cmpint (job, ==, 7);
  g_assert_cmpint (attempt, ==, 42);
  g_assert_true (pass);
  g_assert_false (quorum_cache_read_grade (g_ptr_array_index (ops, 0), NULL, NULL, NULL));

  /* The grade is not the task's: the first save, superseded by the task's
   * next save, is dropped as always, and the grade goes next. */
  next = quorum_cache_next_op (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (next->id, ==, grade);
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 2);
  g_assert_true (quorum_cache_drop_op (cache, grade, &error));
  g_assert_false (quorum_cache_drop_op (cache, grade, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&next, quorum_cache_op_free);
  next = quorum_cache_next_op (cache, &error);
  g_assert_cmpint (next->kind, ==, QUORUM_CACHE_OP_SAVE);
  g_assert_cmpint (next->task, ==, 5);
  g_assert_null (quorum_cache_get_queued_grade (cache, 42));
  /* The task's view is as it was. */
  g_assert_cmpint (quorum_cache_get_server_version (cache, 5), ==, 1);
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 1);

  g_clear_object (&cache);
  remove_tree (dir);
}

/* ---- against the server ------------------------------------------------------ */

static void
test_grade_offline (void)
{
  gint64 attempts[3];
  g_autoptr(Server) server = server_new (attempts);
  g_autoptr(QuorumClient) tom = demo_client (server, "tom");
  g_autoptr(QuorumClient) tom_now = NULL;
  g_autoptr(QuorumCache) cache = open_cache (server);
  g_autoptr(QuorumSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) dan = NULL;
  g_autoptr(JsonObject) ben = NULL;
  g_autoptr(JsonObject) cat = NULL;
  g_autoptr(GArray) tasks = NULL;
  g_autofree char *token = g_strdup (quorum_client_get_token (tom));
  Refusals refusals = { 0 };

  /* 1. The server is down: the pass of dan's attempt waits. */
  sync = quorum_sync_new (tom, cache);
  server_stop (server);
  g_assert_cmpint (quorum_cache_queue_grade (cache, server->exam, attempts[0], TRUE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (wait_until (is_offline, sync, 10));
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);
  /* The app goes away; its decision stays in the cache. */
  g_clear_object (&sync);
  g_clear_object (&cache);

  server_start (server);
  cache = open_cache (server);
  g_assert_cmpstr (quorum_cache_get_queued_grade (cache, attempts[0]), ==, "pass");
  g_clear_object (&tom);
  tom = quorum_client_new (server->address, &error);
  g_assert_no_error (error);
  quorum_client_set_token (tom, token);
  sync = quorum_sync_new (tom, cache);
  g_signal_connect (sync, "grade-refused", G_CALLBACK (on_grade_refused), &refusals);
  g_assert_true (wait_until (is_synced, sync, 15));
  dan = attempt_view (server, attempts[0]);
  g_assert_cmpstr (json_object_get_string_member (dan, "decision"), ==, "pass");
  g_assert_cmpuint (refusals.count, ==, 0);

  /* 2. Passed on the server before the app recorded it: sent again, it is
   * refused; the attempt shows the same decision, so it counts as sent. */
  tom_now = demo_client (server, "tom");
  json_node_unref (callf (tom_now, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/attempts/%" G_GINT64_FORMAT "/pass",
                          server->exam, attempts[1]));
  g_assert_cmpint (quorum_cache_queue_grade (cache, server->exam, attempts[1], TRUE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (wait_until (is_synced, sync, 15));
  ben = attempt_view (server, attempts[1]);
  g_assert_cmpstr (json_object_get_string_member (ben, "decision"), ==, "pass");
  g_assert_cmpuint (refusals.count, ==, 0);
  g_assert_cmpuint (quorum_cache_count_conflicts (cache), ==, 0);

  /* 3. Someone else failed cat's attempt first: tom's pass is dropped,
   * said once with the server's attempt, and not sent again. */
  json_node_unref (callf (server->admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/attempts/%" G_GINT64_FORMAT
                          "/fail", server->exam, attempts[2]));
  g_assert_cmpint (quorum_cache_queue_grade (cache, server->exam, attempts[2], TRUE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (wait_until (is_synced, sync, 15));
  iterate (1500);
  g_assert_cmpuint (refusals.count, ==, 1);
  g_assert_cmpint (refusals.job, ==, server->exam);
  g_assert_cmpint (refusals.attempt, ==, attempts[2]);
  g_assert_true (refusals.pass);
  g_assert_nonnull (refusals.view);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (refusals.view), "decision"), ==, "fail");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (refusals.view), "user_name"), ==, "cat");
  g_assert_nonnull (strstr (refusals.reason, "decided already"));
  g_assert_cmpuint (quorum_cache_count_outbox (cache), ==, 0);
  g_assert_cmpuint (quorum_cache_count_conflicts (cache), ==, 0);
  cat = attempt_view (server, attempts[2]);
  g_assert_cmpstr (json_object_get_string_member (cat, "decision"), ==, "fail");

  /* No grade touched a cached task: none was ever stored. */
  tasks = quorum_cache_list_tasks (cache, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 0);

  g_signal_handlers_disconnect_by_data (sync, &refusals);
  g_clear_pointer (&refusals.view, json_node_unref);
  g_free (refusals.reason);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/grade-outbox/cache", test_grade_in_cache);
  g_test_add_func ("/grade-outbox/offline", test_grade_offline);
  return g_test_run ();
}
