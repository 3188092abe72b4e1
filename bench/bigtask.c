/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

/*
 * bench/bigtask: big tasks against a real quorum-server with a fresh data
 * folder. Saves 10,000 and 100,000 polygons of 20 vertices whole (PUT
 * /tasks/{id}/instances), every polygon moved at each run, then once more
 * unchanged; then moves one vertex of the 10,000-polygon task as a delta
 * (PATCH) many times. Prints the round trip of each, the server's own time
 * from its Server-Timing header (the handler from the route found to the
 * reply's JSON written; the batch's commit and sync, and the transfer of
 * the bodies, are not in it), the server process's CPU time over the whole
 * save (from /proc, commit and sync included: on a shared machine the
 * figure other programs' load moves least), and a bare round trip (GET
 * /version) for scale.
 *
 * Run: _build/bench/bigtask [_build/src/server/quorum-server [RUNS [SERVER-OPTION…]]]
 * (options after RUNS go to the server, e.g. --max-json-body for a server
 * from before --max-instances-body; one without PATCH is told so).
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bench-stats.h"

#define ROOT_PASSWORD "bench root password"
#define ANN_PASSWORD  "bench ann password"

/* A 32×24 PNG. */
static const guint8 png[] =
  "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x20\x00\x00\x00\x18"
  "\x08\x02\x00\x00\x00\x14\x31\x68\x63\x00\x00\x00\x24\x49\x44\x41\x54\x78\x9c\x63\x88\xb2\xa9\xa0"
  "\x29\x62\x18\xb5\x60\xd4\x82\x51\x0b\x46\x2d\x18\xb5\x60\xd4\x82\x51\x0b\x46\x2d\x18\x1a\x16\x00"
  "\x00\x7e\xe5\x2a\x2e\x32\x1c\x63\xc9\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

static SoupSession *session;
static char *base;

typedef struct {
  guint    status;
  GBytes  *body;
  double   round_trip_ms;
  double   server_ms;      /* from Server-Timing, or -1 */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
}

static Reply
request (const char *method,
         const char *path,
         const char *token,
         const char *type,
         const void *data,
         gsize       length)
{
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  const char *timing;
  Reply reply = { 0, NULL, 0, -1 };
  gint64 started;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (data != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (data, length);
      soup_message_set_request_body_from_bytes (msg, type, bytes);
    }
  started = g_get_monotonic_time ();
  reply.body = soup_session_send_and_read (session, msg, NULL, &error);
  reply.round_trip_ms = (g_get_monotonic_time () - started) / 1000.0;
  if (reply.body == NULL)
    g_error ("%s %s: %s", method, path, error->message);
  reply.status = soup_message_get_status (msg);
  timing = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Server-Timing");
  if (timing != NULL && g_str_has_prefix (timing, "app;dur="))
    reply.server_ms = g_ascii_strtod (timing + strlen ("app;dur="), NULL);
  return reply;
}

/* Calls with a small JSON body and returns the reply's object, which must
 * come with @expected (0: any success). */
static JsonObject *
call (const char *method,
      const char *path,
      const char *token,
      const char *body,
      guint       expected)
{
  Reply reply = request (method, path, token, "application/json", body, body != NULL ? strlen (body) : 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;

  if (expected != 0 ? reply.status != expected : !SOUP_STATUS_IS_SUCCESSFUL (reply.status))
    g_error ("%s %s: %u %.*s", method, path, reply.status, (int) MIN (g_bytes_get_size (reply.body), 300),
             (const char *) g_bytes_get_data (reply.body, NULL));
  if (g_bytes_get_size (reply.body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  reply_clear (&reply);
  return object != NULL ? object : json_object_new ();
}

static gint64
call_id (const char *method,
         const char *path,
         const char *token,
         const char *body)
{
  g_autoptr(JsonObject) reply = call (method, path, token, body, 0);

  return json_object_get_int_member_with_default (reply, "id", -1);
}

static char *
login (const char *user,
       const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"user\": \"%s\", \"password\": \"%s\"}", user, password);
  g_autoptr(JsonObject) reply = call ("POST", "/login", NULL, body, 200);

  return g_strdup (json_object_get_string_member (reply, "token"));
}

/* The version a save's reply gives: its members "id" and "version" come
 * first, before any instance. */
static gint64
reply_version (Reply *reply)
{
  const char *data = g_bytes_get_data (reply->body, NULL);
  g_autofree char *head = g_strndup (data, MIN (g_bytes_get_size (reply->body), 200));
  const char *at = strstr (head, "\"version\":");

  if (reply->status != 200 || at == NULL)
    g_error ("a save answered %u: %s", reply->status, head);
  return g_ascii_strtoll (at + strlen ("\"version\":"), NULL, 10);
}

/* Polygon @n of 20 vertices, its coordinates with two decimals, vertex 0
 * moved by @shift. */
static void
append_polygon (GString *text,
                guint    n,
                double   shift,
                double   move)
{
  double x = 10 + (n % 200) * 19.5 + move, y = 10 + (n / 200) * 9.25;

  g_string_append_printf (text, "{\"id\":\"p-%06u\",\"label\":\"lesion\",\"kind\":\"polygon\",\"points\":[", n);
  for (guint k = 0; k < 20; k++)
    g_string_append_printf (text, "%s[%.2f,%.2f]", k > 0 ? "," : "", x + 2.25 * (k % 5) + (k == 0 ? shift : 0),
                            y + 1.33 * (k / 5));
  g_string_append (text, "]}");
}

/* Every polygon moved right by @move. */
static GString *
whole_body (gint64 version,
            guint  count,
            double move)
{
  GString *text = g_string_sized_new ((gsize) count * 480 + 64);

  g_string_append_printf (text, "{\"version\":%" G_GINT64_FORMAT ",\"instances\":[", version);
  for (guint i = 0; i < count; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      append_polygon (text, i, 0, move);
    }
  g_string_append (text, "]}");
  return text;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A launched job of @file; ann takes its draw task, at *@version. */
static gint64
take_task (const char *root,
           const char *ann,
           gint64      file,
           guint       n,
           gint64     *version)
{
  g_autofree char *job_body = g_strdup_printf ("{\"settings\": {\"name\": \"Big %u\", \"passes_per_file\": 1,"
                                               " \"review_frequency\": 0}, \"files\": [%" G_GINT64_FORMAT "]}",
                                               n, file);
  gint64 job = call_id ("POST", "/projects/1/jobs", root, job_body);
  g_autofree char *launch = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job);
  g_autofree char *next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job);
  g_autoptr(JsonObject) ignored = call ("POST", launch, root, NULL, 200);
  g_autoptr(JsonObject) task = call ("POST", next, ann, NULL, 200);

  *version = json_object_get_int_member (task, "version");
  return json_object_get_int_member (task, "id");
}

/* How far run @run of the whole saves moves every polygon. */
static double
run_move (guint run)
{
  return run * 0.25;
}

/* The server's process, for its CPU time. */
static const char *server_pid;

/* The CPU time the server has used, its threads' user and system time, in
 * ms (at the kernel's tick, 10 ms): on a shared machine the round trip
 * waits for other programs, this does not. */
static double
server_cpu_ms (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", server_pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (server_pid == NULL || !g_file_get_contents (path, &stat, NULL, NULL) ||
      (after_name = strrchr (stat, ')')) == NULL)
    return -1;
  /* From the state (field 3) on: utime and stime are fields 14 and 15. */
  fields = g_strsplit (after_name + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0 / sysconf (_SC_CLK_TCK);
}

typedef struct {
  double trip_ms;
  double server_ms;
  double cpu_ms;
} Figures;

static void
keep_best (Figures       *best,
           const Figures *run)
{
  best->trip_ms = MIN (best->trip_ms, run->trip_ms);
  best->server_ms = MIN (best->server_ms, run->server_ms);
  best->cpu_ms = MIN (best->cpu_ms, run->cpu_ms);
}

/* One whole save of @count polygons moved by @move; returns the new version. */
static gint64
save_whole (const char *path,
            const char *ann,
            gint64      version,
            guint       count,
            double      move,
            Figures    *figures,
            gsize      *bytes)
{
  g_autoptr(GString) body = whole_body (version, count, move);
  double cpu = server_cpu_ms ();
  Reply reply = request ("PUT", path, ann, "application/json", body->str, body->len);

  /* The reply waits for the commit and its sync: they are in it. */
  figures->cpu_ms = server_cpu_ms () - cpu;
  version = reply_version (&reply);
  figures->trip_ms = reply.round_trip_ms;
  figures->server_ms = reply.server_ms;
  *bytes = body->len;
  reply_clear (&reply);
  return version;
}

static void
print_whole (guint          count,
             gsize          bytes,
             const Figures *figures,
             const char    *what)
{
  printf ("PUT %7u polygons  %6.1f MB  round trip %8.1f ms  server %8.1f ms  server CPU %6.0f ms   (%s)\n",
          count, bytes / 1e6, figures->trip_ms, figures->server_ms, figures->cpu_ms, what);
}

/* Saves @count polygons whole @runs times, every polygon moved each time
 * (so that every row changes: a server that skips unchanged rows does its
 * whole work), then once more unchanged; prints the best of the first and
 * the unchanged one, and returns the last version. */
static gint64
bench_whole (const char *ann,
             gint64      task,
             gint64      version,
             guint       count,
             guint       runs)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", task);
  g_autofree char *what = g_strdup_printf ("best of %u, every polygon changed", runs);
  Figures best = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE }, run;
  gsize bytes = 0;

  for (guint i = 0; i < runs; i++)
    {
      version = save_whole (path, ann, version, count, run_move (i), &run, &bytes);
      keep_best (&best, &run);
    }
  print_whole (count, bytes, &best, what);
  version = save_whole (path, ann, version, count, run_move (runs - 1), &run, &bytes);
  print_whole (count, bytes, &run, "the same again, unchanged");
  return version;
}

int
main (int    argc,
      char **argv)
{
  const char *binary = argc > 1 ? argv[1] : "src/server/quorum-server";
  guint runs = argc > 2 ? (guint) atoi (argv[2]) : 3;
  guint deltas = 50;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) trips = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) server_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *data = NULL;
  g_autofree char *line = NULL;
  g_autofree char *root = NULL;
  g_autofree char *ann = NULL;
  g_autofree char *member = NULL;
  g_autofree char *path = NULL;
  gint64 file, ann_id, small, big, version, small_version, big_version;
  guint port = 0;

  if (argc > 1 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("Usage: %s [QUORUM-SERVER [RUNS [SERVER-OPTION…]]]\n"
              "Saves 10,000 and 100,000 polygons whole and one vertex as a delta against a real\n"
              "quorum-server with a fresh data folder; prints round trips and server times.\n", argv[0]);
      return 0;
    }
  if (runs == 0)
    runs = 1;
  data = g_dir_make_tmp ("quorum-bigtask-XXXXXX", &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  admin = g_subprocess_launcher_spawn (launcher, &error, binary, "--data", data, "--create-admin", "root", NULL);
  if (admin == NULL)
    g_error ("%s: %s", binary, error->message);
  g_subprocess_communicate_utf8 (admin, ROOT_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) server_argv = g_ptr_array_new ();

    g_ptr_array_add (server_argv, (char *) binary);
    g_ptr_array_add (server_argv, "--data");
    g_ptr_array_add (server_argv, data);
    g_ptr_array_add (server_argv, "--listen");
    g_ptr_array_add (server_argv, "127.0.0.1:0");
    for (int i = 3; i < argc; i++)
      g_ptr_array_add (server_argv, argv[i]);
    g_ptr_array_add (server_argv, NULL);
    server = g_subprocess_launcher_spawnv (launcher, (const char * const *) server_argv->pdata, &error);
    g_assert_no_error (error);
    server_pid = g_subprocess_get_identifier (server);
  }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  if (line == NULL || strstr (line, "port") == NULL || sscanf (strstr (line, "port"), "port %u", &port) != 1)
    g_error ("quorum-server did not start");
  base = g_strdup_printf ("http://127.0.0.1:%u/api/v1", port);
  session = soup_session_new_with_options ("timeout", 600, NULL);

  root = login ("root", ROOT_PASSWORD);
  call_id ("POST", "/projects", root, "{\"name\": \"Big tasks\"}");
  json_object_unref (call ("PUT", "/projects/1/labels", root,
                        "{\"labels\": [{\"name\": \"lesion\", \"color\": \"#e01b24\", \"kind\": \"polygon\","
                        " \"attributes\": []}]}", 200));
  {
    Reply reply = request ("POST", "/projects/1/files?name=scan.png", root, "image/png", png, sizeof png - 1);

    g_assert_cmpuint (reply.status, ==, 201);
    reply_clear (&reply);
    file = 1;
  }
  ann_id = call_id ("POST", "/users", root, "{\"name\": \"ann\", \"password\": \"" ANN_PASSWORD "\"}");
  member = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, ann_id);
  json_object_unref (call ("PUT", member, root, "{\"role\": \"annotator\"}", 200));
  ann = login ("ann", ANN_PASSWORD);
  small = take_task (root, ann, file, 1, &small_version);
  big = take_task (root, ann, file, 2, &big_version);

  printf ("quorum-server %s, data in %s\n", binary, data);
  version = bench_whole (ann, small, small_version, 10000, runs);
  bench_whole (ann, big, big_version, 100000, runs);

  /* One vertex of one polygon of the 10,000, moved back and forth. */
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", small);
  for (guint i = 0; i < deltas; i++)
    {
      g_autoptr(GString) body = g_string_new (NULL);
      Reply reply;
      double trip, server_ms;

      g_string_append_printf (body, "{\"version\":%" G_GINT64_FORMAT ",\"upsert\":[", version);
      append_polygon (body, 5000, (i % 2) ? 0 : 3.5, run_move (runs - 1));
      g_string_append (body, "]}");
      reply = request ("PATCH", path, ann, "application/json", body->str, body->len);
      if (reply.status == SOUP_STATUS_NOT_FOUND || reply.status == SOUP_STATUS_METHOD_NOT_ALLOWED)
        {
          printf ("PATCH: the server answers %u; no deltas to measure\n", reply.status);
          reply_clear (&reply);
          break;
        }
      version = reply_version (&reply);
      trip = reply.round_trip_ms;
      server_ms = reply.server_ms;
      g_array_append_val (trips, trip);
      g_array_append_val (server_times, server_ms);
      reply_clear (&reply);
    }
  if (trips->len > 0)
    printf ("PATCH one vertex of 10,000 polygons (%u times): round trip median %.2f ms, p95 %.2f ms; "
          "server median %.2f ms, p95 %.2f ms, max %.2f ms\n",
            deltas, bench_percentile (trips, 0.5), bench_percentile (trips, 0.95), bench_percentile (server_times, 0.5),
            bench_percentile (server_times, 0.95), bench_percentile (server_times, 1.0));
  {
    Reply reply;
    double trip;

    for (guint i = 0; i < deltas; i++)
      {
        reply = request ("GET", "/version", NULL, NULL, NULL, 0);
        trip = reply.round_trip_ms;
        g_array_append_val (bare, trip);
        reply_clear (&reply);
      }
  }
  printf ("bare round trip (GET /version): median %.2f ms\n", bench_percentile (bare, 0.5));
  /* The handler's time leaves out the batch's commit and the log's sync,
   * which answer the save; the round trip over a bare one has them. */
  if (trips->len > 0)
    printf ("PATCH round trip minus bare round trip (medians): %.2f ms, the server's time with the durable "
            "commit\n", bench_percentile (trips, 0.5) - bench_percentile (bare, 0.5));

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  remove_tree (data);
  return 0;
}
