/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

/*
 * The sync engine saves what changed: a one-vertex edit of a task of
 * 10,000 polygons goes to the server as a delta (PATCH), and edits made
 * offline go as one delta when the server is back. The client talks to a
 * real quorum-server through a recording relay in this process, which
 * passes every request on unchanged and notes its method and body; the
 * server's stored instances are read straight from it.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "quorum-cache.h"
#include "quorum-client.h"
#include "client-test-util.h"
#include "quorum-error.h"
#include "quorum-sync.h"
#include "quorum-wire.h"

#define ROOT_PASSWORD "correct horse battery"
#define ANN_PASSWORD  "ann-password"

/* A 32×24 PNG. */
static const guint8 png[] =
  "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x20\x00\x00\x00\x18"
  "\x08\x02\x00\x00\x00\x14\x31\x68\x63\x00\x00\x00\x24\x49\x44\x41\x54\x78\x9c\x63\x88\xb2\xa9\xa0"
  "\x29\x62\x18\xb5\x60\xd4\x82\x51\x0b\x46\x2d\x18\xb5\x60\xd4\x82\x51\x0b\x46\x2d\x18\x1a\x16\x00"
  "\x00\x7e\xe5\x2a\x2e\x32\x1c\x63\xc9\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/* ---- the recording relay ---------------------------------------------------- */

typedef struct {
  char   *method;
  char   *path;
  GBytes *body;
  guint   status;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_free (exchange->method);
  g_free (exchange->path);
  g_bytes_unref (exchange->body);
  g_free (exchange);
}

/* It runs in a thread of its own: the client's synchronous calls run a
 * main context of theirs, which would never let a relay on this thread's
 * answer. */
typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *soup;
  SoupSession  *session;
  char         *target;    /* the real server, "http://127.0.0.1:PORT" */
  char         *address;   /* the relay's */
  gint          down;      /* answer 503 as a server out of reach would (atomic) */
  GMutex        lock;      /* of @log and its exchanges */
  GCond         ready;
  GPtrArray    *log;       /* Exchange, in order */
} Relay;

typedef struct {
  Relay             *relay;
  SoupServerMessage *msg;
  SoupMessage       *out;
  Exchange          *exchange;
} Forward;

static void
forwarded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Forward *forward = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (forward->out), NULL);

  guint status = body != NULL ? soup_message_get_status (forward->out) : SOUP_STATUS_BAD_GATEWAY;

  g_mutex_lock (&forward->relay->lock);
  forward->exchange->status = status;
  g_mutex_unlock (&forward->relay->lock);
  soup_server_message_set_status (forward->msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (forward->msg, type != NULL ? type : "application/json", SOUP_MEMORY_COPY,
                                      g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  soup_server_message_unpause (forward->msg);
  g_object_unref (forward->msg);
  g_object_unref (forward->out);
  g_free (forward);
}

static void
relay_request (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Relay *relay = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *uri_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *uri = g_strdup_printf ("%s%s%s%s", relay->target, path, uri_query != NULL ? "?" : "",
                                          uri_query != NULL ? uri_query : "");
  Exchange *exchange = g_new0 (Exchange, 1);
  const char *value;
  Forward *forward;

  exchange->method = g_strdup (method);
  exchange->path = g_strdup (path);
  exchange->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_mutex_lock (&relay->lock);
  g_ptr_array_add (relay->log, exchange);
  if (g_atomic_int_get (&relay->down))
    exchange->status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  g_mutex_unlock (&relay->lock);
  if (exchange->status != 0)
    {
      static const char reply[] = "{\"error\": {\"code\": \"unavailable\", \"message\": \"down for the test\"}}";

      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, reply, strlen (reply));
      return;
    }
  forward = g_new0 (Forward, 1);
  forward->relay = relay;
  forward->msg = g_object_ref (msg);
  forward->exchange = exchange;
  forward->out = soup_message_new (method, uri);
  if ((value = soup_message_headers_get_one (headers, "Authorization")) != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (forward->out), "Authorization", value);
  if (g_bytes_get_size (exchange->body) > 0)
    soup_message_set_request_body_from_bytes (forward->out, soup_message_headers_get_content_type (headers, NULL),
                                              exchange->body);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (relay->session, forward->out, G_PRIORITY_DEFAULT, NULL, forwarded, forward);
}

static gpointer
relay_run (gpointer data)
{
  Relay *relay = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (relay->context);
  relay->session = soup_session_new ();
  soup_session_set_timeout (relay->session, 60);
  relay->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (relay->soup, NULL, relay_request, relay, NULL);
  soup_server_listen_local (relay->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (relay->soup);
  g_mutex_lock (&relay->lock);
  relay->address = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&relay->ready);
  g_mutex_unlock (&relay->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (relay->loop);
  soup_server_disconnect (relay->soup);
  g_clear_object (&relay->soup);
  g_clear_object (&relay->session);
  while (g_main_context_iteration (relay->context, FALSE))
    ;
  g_main_context_pop_thread_default (relay->context);
  return NULL;
}

static Relay *
relay_new (const char *target)
{
  Relay *relay = g_new0 (Relay, 1);

  relay->target = g_strdup (target);
  relay->log = g_ptr_array_new_with_free_func ((GDestroyNotify) exchange_free);
  relay->context = g_main_context_new ();
  relay->loop = g_main_loop_new (relay->context, FALSE);
  g_mutex_init (&relay->lock);
  g_cond_init (&relay->ready);
  relay->thread = g_thread_new ("relay", relay_run, relay);
  g_mutex_lock (&relay->lock);
  while (relay->address == NULL)
    g_cond_wait (&relay->ready, &relay->lock);
  g_mutex_unlock (&relay->lock);
  return relay;
}

static gboolean
relay_quit (gpointer data)
{
  g_main_loop_quit (((Relay *) data)->loop);
  return G_SOURCE_REMOVE;
}

static void
relay_free (Relay *relay)
{
  g_main_context_invoke (relay->context, relay_quit, relay);
  g_thread_join (relay->thread);
  g_main_loop_unref (relay->loop);
  g_main_context_unref (relay->context);
  g_ptr_array_unref (relay->log);
  g_mutex_clear (&relay->lock);
  g_cond_clear (&relay->ready);
  g_free (relay->target);
  g_free (relay->address);
  g_free (relay);
}

static guint
relay_count (Relay *relay)
{
  guint count;

  g_mutex_lock (&relay->lock);
  count = relay->log->len;
  g_mutex_unlock (&relay->lock);
  return count;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Relay, relay_free)

/* The saves of @task_id the relay passed on since @from: "PUT", "PATCH". */
static GPtrArray *
saves_since (Relay  *relay,
             guint   from,
             gint64  task_id,
             guint   status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tasks/%" G_GINT64_FORMAT "/instances", task_id);
  GPtrArray *saves = g_ptr_array_new ();

  g_mutex_lock (&relay->lock);
  for (guint i = from; i < relay->log->len; i++)
    {
      Exchange *exchange = g_ptr_array_index (relay->log, i);

      if (g_str_equal (exchange->path, path) && exchange->status == status)
        g_ptr_array_add (saves, exchange);
    }
  g_mutex_unlock (&relay->lock);
  return saves;
}

/* ---- a real quorum-server --------------------------------------------------- */

typedef struct {
  char         *data_dir;
  GSubprocess  *process;
  char         *address;
  QuorumClient *admin;
  gint64        ann_id;
  gint64        file;
} Server;

static QuorumClient *
client_for (const char *address,
            const char *user,
            const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) client = quorum_client_new (address, &error);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_no_error (error);
  reply = quorum_client_login_sync (client, user, password, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

/* A server with a project whose label "lesion" is a polygon, one image
 * and an annotator "ann". */
static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocessLauncher) serving = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *image = NULL;
  g_autofree char *member = NULL;
  g_autoptr(JsonNode) file = NULL;
  guint port = 0;

  server->data_dir = g_dir_make_tmp ("quorum-deltas-XXXXXX", &error);
  g_assert_no_error (error);
  admin = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                       "--data", server->data_dir, "--create-admin", "root", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (admin, ROOT_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  server->process = g_subprocess_launcher_spawn (serving, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                                 "--data", server->data_dir, "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "port"));
  g_assert_cmpint (sscanf (strstr (line, "port"), "port %u", &port), ==, 1);
  server->address = g_strdup_printf ("http://127.0.0.1:%u", port);

  server->admin = client_for (server->address, "root", ROOT_PASSWORD);
  g_assert_cmpint (call_id (server->admin, "POST", "/projects", "{\"name\": \"Scans\"}"), ==, 1);
  json_node_unref (call (server->admin, "PUT", "/projects/1/labels",
                         "{\"labels\": [{\"name\": \"lesion\", \"color\": \"#e01b24\", \"kind\": \"polygon\","
                         " \"attributes\": []}]}"));
  image = g_build_filename (server->data_dir, "scan.png", NULL);
  g_file_set_contents (image, (const char *) png, sizeof png - 1, &error);
  g_assert_no_error (error);
  file = quorum_client_upload_sync (server->admin, 1, image, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  server->file = json_object_get_int_member (json_node_get_object (file), "id");
  server->ann_id = call_id (server->admin, "POST", "/users", "{\"name\": \"ann\", \"password\": \"" ANN_PASSWORD "\"}");
  member = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, server->ann_id);
  json_node_unref (call (server->admin, "PUT", member, "{\"role\": \"annotator\"}"));
  return server;
}

static void
server_free (Server *server)
{
  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  g_clear_object (&server->admin);
  remove_tree (server->data_dir);
  g_free (server->data_dir);
  g_free (server->address);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)

/* A launched job of the file; ann takes its draw task. Returns the task. */
static gint64
take_task (Server       *server,
           QuorumClient *ann)
{
  g_autofree char *job_body = g_strdup_printf ("{\"settings\": {\"name\": \"Lesions\", \"passes_per_file\": 1,"
                                               " \"review_frequency\": 0}, \"files\": [%" G_GINT64_FORMAT "]}",
                                               server->file);
  gint64 job = call_id (server->admin, "POST", "/projects/1/jobs", job_body);
  g_autofree char *launch = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job);
  g_autofree char *next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job);

  json_node_unref (call (server->admin, "POST", launch, NULL));
  return call_id (ann, "POST", next, NULL);
}

/* The server's instances of a task, read from it directly. */
static JsonArray *
server_instances (Server *server,
                  gint64  task_id,
                  gint64 *version)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);
  g_autoptr(JsonNode) task = call (server->admin, "GET", path, NULL);
  JsonObject *object = json_node_get_object (task);

  if (version != NULL)
    *version = json_object_get_int_member (object, "version");
  return json_array_ref (json_object_get_array_member (object, "instances"));
}

/* ---- instances ---------------------------------------------------------------- */

/* Polygon @n of 20 vertices, moved by @shift, as the app writes it. */
static JsonNode *
polygon (guint  n,
         double shift)
{
  g_autofree char *id = g_strdup_printf ("p-%05u", n);
  QuorumInstance *instance = quorum_instance_new (id, "lesion", QUORUM_KIND_POLYGON);
  QuorumPoint points[20];
  double x = 10 + (n % 100) * 19.5, y = 10 + (n / 100) * 9.25;
  JsonNode *node;

  for (guint k = 0; k < 20; k++)
    {
      points[k].x = x + 2.25 * (k % 5) + shift;
      points[k].y = y + 1.33 * (k / 5);
    }
  quorum_instance_set_points (instance, points, 20);
  node = quorum_wire_write_instance (instance);
  quorum_instance_free (instance);
  return node;
}

static JsonArray *
polygons (guint count)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < count; i++)
    json_array_add_element (array, polygon (i, 0));
  return array;
}

/* Moves vertex @k of instance @i of @array by @dx. */
static void
move_vertex (JsonArray *array,
             guint      i,
             guint      k,
             double     dx)
{
  JsonObject *instance = json_array_get_object_element (array, i);
  JsonArray *points = json_object_get_array_member (instance, "points");
  JsonArray *moved = json_array_new ();

  for (guint j = 0; j < json_array_get_length (points); j++)
    {
      JsonArray *point = json_array_get_array_element (points, j);
      JsonArray *copy = json_array_new ();

      json_array_add_double_element (copy, json_array_get_double_element (point, 0) + (j == k ? dx : 0));
      json_array_add_double_element (copy, json_array_get_double_element (point, 1));
      json_array_add_array_element (moved, copy);
    }
  json_object_set_array_member (instance, "points", moved);
}

static void
save_local (QuorumCache *cache,
            gint64       task_id,
            JsonArray   *array)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
  g_autofree char *text = quorum_wire_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;

  quorum_cache_save_local (cache, task_id, text, &error);
  g_assert_no_error (error);
}

static const char *
id_at (JsonArray *array,
       guint      i)
{
  return json_object_get_string_member (json_array_get_object_element (array, i), "id");
}

/* The server holds @local: the same ids in the same order, the same points. */
static void
assert_same_instances (JsonArray *server,
                       JsonArray *local)
{
  g_assert_cmpuint (json_array_get_length (server), ==, json_array_get_length (local));
  for (guint i = 0; i < json_array_get_length (local); i++)
    {
      JsonObject *a = json_array_get_object_element (server, i);
      JsonObject *b = json_array_get_object_element (local, i);

      g_assert_cmpstr (json_object_get_string_member (a, "id"), ==, json_object_get_string_member (b, "id"));
      g_assert_true (json_node_equal (json_object_get_member (a, "points"), json_object_get_member (b, "points")));
    }
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

/* Ann's sync engine through @relay, with the task's view in her cache. */
static QuorumSync *
sync_through (Relay        *relay,
              gint64        task_id,
              const char   *dir,
              QuorumCache **cache_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) client = client_for (relay->address, "ann", ANN_PASSWORD);
  g_autofree char *database = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *media = g_build_filename (dir, "media", NULL);
  g_autoptr(QuorumCache) cache = quorum_cache_open_at (database, media, &error);
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);
  g_autoptr(JsonNode) view = call (client, "GET", path, NULL);

  g_assert_no_error (error);
  quorum_cache_store_task (cache, view, &error);
  g_assert_no_error (error);
  *cache_out = g_object_ref (cache);
  return quorum_sync_new (client, cache);
}

/* ---- the tests ------------------------------------------------------------ */

static void
test_one_vertex (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(Relay) relay = relay_new (server->address);
  g_autoptr(QuorumClient) ann = client_for (server->address, "ann", ANN_PASSWORD);
  gint64 task_id = take_task (server, ann);
  g_autofree char *dir = g_dir_make_tmp ("quorum-deltas-cache-XXXXXX", NULL);
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_through (relay, task_id, dir, &cache);
  g_autoptr(JsonArray) local = polygons (10000);
  g_autoptr(JsonArray) stored = NULL;
  g_autoptr(GPtrArray) saves = NULL;
  g_autoptr(JsonNode) delta = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *body;
  gint64 before, after;
  gint64 started;
  guint mark;

  /* The first save of 10,000 polygons: nothing to compare with is smaller
   * than the whole set. */
  mark = relay_count (relay);
  save_local (cache, task_id, local);
  g_assert_true (wait_until (is_synced, sync, 120));
  saves = saves_since (relay, mark, task_id, SOUP_STATUS_OK);
  g_assert_cmpuint (saves->len, ==, 1);
  g_assert_cmpstr (((Exchange *) saves->pdata[0])->method, ==, "PUT");
  g_clear_pointer (&saves, g_ptr_array_unref);
  stored = server_instances (server, task_id, &before);
  assert_same_instances (stored, local);
  g_clear_pointer (&stored, json_array_unref);

  /* One vertex of one polygon moves: a delta of that polygon alone. */
  move_vertex (local, 5000, 7, 3.5);
  mark = relay_count (relay);
  started = g_get_monotonic_time ();
  save_local (cache, task_id, local);
  g_assert_true (wait_until (is_synced, sync, 120));
  g_test_message ("one-vertex edit of 10,000 polygons: saved locally and synced in %.0f ms",
                  (g_get_monotonic_time () - started) / 1000.0);
  saves = saves_since (relay, mark, task_id, SOUP_STATUS_OK);
  g_assert_cmpuint (saves->len, ==, 1);
  g_assert_cmpstr (((Exchange *) saves->pdata[0])->method, ==, "PATCH");
  g_test_message ("the delta's body: %zu bytes", g_bytes_get_size (((Exchange *) saves->pdata[0])->body));
  g_assert_cmpuint (g_bytes_get_size (((Exchange *) saves->pdata[0])->body), <, 2000);
  delta = quorum_wire_parse_bytes (g_bytes_get_data (((Exchange *) saves->pdata[0])->body, NULL),
                                   g_bytes_get_size (((Exchange *) saves->pdata[0])->body), &error);
  g_assert_no_error (error);
  body = json_node_get_object (delta);
  g_assert_cmpint (json_object_get_int_member (body, "version"), ==, before);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "upsert")), ==, 1);
  g_assert_cmpstr (id_at (json_object_get_array_member (body, "upsert"), 0), ==, "p-05000");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "delete")), ==, 0);
  g_clear_pointer (&saves, g_ptr_array_unref);
  stored = server_instances (server, task_id, &after);
  g_assert_cmpint (after, ==, before + 1);
  assert_same_instances (stored, local);
  g_clear_pointer (&stored, json_array_unref);

  /* The cache took the server's answer as its new base: the next edit is
   * a delta again, with a removal and an addition. */
  json_array_remove_element (local, 0);
  json_array_add_element (local, polygon (20000, 0));
  mark = relay_count (relay);
  save_local (cache, task_id, local);
  g_assert_true (wait_until (is_synced, sync, 120));
  saves = saves_since (relay, mark, task_id, SOUP_STATUS_OK);
  g_assert_cmpuint (saves->len, ==, 1);
  g_assert_cmpstr (((Exchange *) saves->pdata[0])->method, ==, "PATCH");
  stored = server_instances (server, task_id, NULL);
  assert_same_instances (stored, local);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (stored, 9999), "author"), ==,
                   "ann");

  /* Reordering cannot be said as a delta: the whole set goes. */
  g_clear_pointer (&saves, g_ptr_array_unref);
  g_clear_pointer (&stored, json_array_unref);
  {
    JsonNode *first = json_node_copy (json_array_get_element (local, 0));

    json_array_remove_element (local, 0);
    json_array_add_element (local, first);
  }
  mark = relay_count (relay);
  save_local (cache, task_id, local);
  g_assert_true (wait_until (is_synced, sync, 120));
  saves = saves_since (relay, mark, task_id, SOUP_STATUS_OK);
  g_assert_cmpuint (saves->len, ==, 1);
  g_assert_cmpstr (((Exchange *) saves->pdata[0])->method, ==, "PUT");
  stored = server_instances (server, task_id, NULL);
  assert_same_instances (stored, local);
  remove_tree (dir);
}

static void
test_offline (void)
{
  g_autoptr(Server) server = server_new ();
  g_autoptr(Relay) relay = relay_new (server->address);
  g_autoptr(QuorumClient) ann = client_for (server->address, "ann", ANN_PASSWORD);
  gint64 task_id = take_task (server, ann);
  g_autofree char *dir = g_dir_make_tmp ("quorum-deltas-cache-XXXXXX", NULL);
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(QuorumSync) sync = sync_through (relay, task_id, dir, &cache);
  g_autoptr(JsonArray) local = polygons (1000);
  g_autoptr(JsonArray) stored = NULL;
  g_autoptr(GPtrArray) saves = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(JsonNode) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) upserted = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *upsert, *removed;
  Exchange *sent;
  gint64 before;
  guint mark;

  save_local (cache, task_id, local);
  g_assert_true (wait_until (is_synced, sync, 60));
  stored = server_instances (server, task_id, &before);
  g_clear_pointer (&stored, json_array_unref);

  /* Offline: five edits, each durable in the cache. */
  g_atomic_int_set (&relay->down, TRUE);
  mark = relay_count (relay);
  move_vertex (local, 10, 3, 1.0);
  save_local (cache, task_id, local);
  g_assert_true (wait_until (is_offline, sync, 30));
  json_array_remove_element (local, 20);
  save_local (cache, task_id, local);
  json_array_add_element (local, polygon (5000, 0));
  save_local (cache, task_id, local);
  move_vertex (local, 30, 0, -2.0);
  save_local (cache, task_id, local);
  move_vertex (local, 10, 4, 0.5);
  save_local (cache, task_id, local);
  g_assert_cmpuint (quorum_sync_get_pending (sync), ==, 1);

  /* Back: one delta carries them all. */
  g_atomic_int_set (&relay->down, FALSE);
  quorum_sync_retry_now (sync);
  g_assert_true (wait_until (is_synced, sync, 60));
  refused = saves_since (relay, mark, task_id, SOUP_STATUS_SERVICE_UNAVAILABLE);
  g_assert_cmpuint (refused->len, >=, 1);
  saves = saves_since (relay, mark, task_id, SOUP_STATUS_OK);
  g_assert_cmpuint (saves->len, ==, 1);
  sent = saves->pdata[0];
  g_assert_cmpstr (sent->method, ==, "PATCH");
  delta = quorum_wire_parse_bytes (g_bytes_get_data (sent->body, NULL), g_bytes_get_size (sent->body), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (delta), "version"), ==, before);
  upsert = json_object_get_array_member (json_node_get_object (delta), "upsert");
  removed = json_object_get_array_member (json_node_get_object (delta), "delete");
  for (guint i = 0; i < json_array_get_length (upsert); i++)
    g_hash_table_add (upserted, (gpointer) id_at (upsert, i));
  g_assert_cmpuint (g_hash_table_size (upserted), ==, 3);
  g_assert_true (g_hash_table_contains (upserted, "p-00010"));
  g_assert_true (g_hash_table_contains (upserted, "p-00031"));   /* index 30 after the removal */
  g_assert_true (g_hash_table_contains (upserted, "p-05000"));
  g_assert_cmpuint (json_array_get_length (removed), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (removed, 0), ==, "p-00020");

  stored = server_instances (server, task_id, NULL);
  assert_same_instances (stored, local);
  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/deltas/one-vertex", test_one_vertex);
  g_test_add_func ("/client/deltas/offline", test_offline);
  return g_test_run ();
}
