/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

/*
 * bench/server: 64 simulated annotators on loopback against a real
 * quorum-server (next task, fetch, save, submit), and the same number of
 * clients against a bare libsoup handler on this machine for comparison.
 * Prints requests per second and p50/p99 latencies.
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

static int clients = 64;
static int seconds = 5;

typedef struct {
  char    *base;
  char    *token;
  gint64   job;
  gint64   deadline;
  GArray  *latencies;   /* microseconds, of every request */
  GArray  *cycles;      /* microseconds, of next + save */
  guint    requests;
  guint    failures;
} Client;

static guint
call (SoupSession *session,
      const char  *base,
      const char  *method,
      const char  *path,
      const char  *token,
      const char  *body,
      JsonNode   **reply)
{
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) bytes = NULL;

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) content = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", content);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  if (reply != NULL && bytes != NULL && g_bytes_get_size (bytes) > 0)
    *reply = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  return soup_message_get_status (msg);
}

static gpointer
annotate (gpointer data)
{
  Client *client = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 1, NULL);
  g_autofree char *next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", client->job);

  while (g_get_monotonic_time () < client->deadline)
    {
      g_autoptr(JsonNode) task = NULL;
      g_autoptr(JsonNode) saved = NULL;
      gint64 start = g_get_monotonic_time (), t0, t1;
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      guint status;
      gint64 id, version;

      status = call (session, client->base, "POST", next, client->token, NULL, &task);
      t0 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t0 - start });
      client->requests++;
      if (status != 200 || task == NULL)
        {
          client->failures += status != 204;
          break;
        }
      id = json_object_get_int_member (json_node_get_object (task), "id");
      version = json_object_get_int_member (json_node_get_object (task), "version");
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, id);
      t0 = g_get_monotonic_time ();
      call (session, client->base, "GET", path, client->token, NULL, NULL);
      t1 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t1 - t0 });
      client->requests++;

      g_free (path);
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", id);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": [{\"id\": \"b\", \"label\": \"car\","
                              " \"kind\": \"box\", \"points\": [[1, 1], [5, 4]]}]}", version);
      t0 = g_get_monotonic_time ();
      status = call (session, client->base, "PUT", path, client->token, body, &saved);
      t1 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t1 - t0 });
      g_array_append_val (client->cycles, (gint64) { t1 - start });
      client->requests++;
      if (status != 200)
        {
          client->failures++;
          continue;
        }
      version = json_object_get_int_member (json_node_get_object (saved), "version");
      g_free (path);
      g_free (body);
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/submit", id);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}", version);
      t0 = g_get_monotonic_time ();
      status = call (session, client->base, "POST", path, client->token, body, NULL);
      t1 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t1 - t0 });
      client->requests++;
      client->failures += status != 200;
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *latencies,
        double      elapsed)
{
  g_array_sort (latencies, compare_gint64);
  if (latencies->len == 0)
    {
      printf ("%-34s no requests\n", what);
      return;
    }
  printf ("%-34s %8.0f requests/s   p50 %6.2f ms   p99 %6.2f ms   (%u requests)\n", what,
          latencies->len / elapsed,
          g_array_index (latencies, gint64, latencies->len / 2) / 1000.0,
          g_array_index (latencies, gint64, (guint) (latencies->len * 0.99)) / 1000.0, latencies->len);
}

/* ---- the bare libsoup handler ------------------------------------------ */

static gboolean bare_close;

static void
bare_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  /* as quorum-server does, to compare like with like */
  if (g_atomic_int_get (&bare_close))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static gpointer
bare_server (gpointer data)
{
  GMainContext *context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_main_context_push_thread_default (context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, bare_handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL);
  uris = soup_server_get_uris (server);
  *(guint *) data = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (loop);
  return NULL;
}

static gpointer
hammer (gpointer data)
{
  Client *client = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 1, NULL);

  while (g_get_monotonic_time () < client->deadline)
    {
      gint64 start = g_get_monotonic_time ();
      call (session, client->base, "GET", "/", NULL, NULL, NULL);
      g_array_append_val (client->latencies, (gint64) { g_get_monotonic_time () - start });
    }
  return NULL;
}

static void
run_clients (Client      *all,
             GThreadFunc  func,
             const char  *label,
             const char  *cycle_label)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cycles = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 start = g_get_monotonic_time ();
  double elapsed;
  guint failures = 0;

  for (int i = 0; i < clients; i++)
    {
      all[i].deadline = start + (gint64) seconds * G_USEC_PER_SEC;
      g_ptr_array_add (threads, g_thread_new ("client", func, &all[i]));
    }
  for (int i = 0; i < clients; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  for (int i = 0; i < clients; i++)
    {
      g_array_append_vals (latencies, all[i].latencies->data, all[i].latencies->len);
      if (all[i].cycles != NULL)
        g_array_append_vals (cycles, all[i].cycles->data, all[i].cycles->len);
      failures += all[i].failures;
    }
  report (label, latencies, elapsed);
  if (cycle_label != NULL)
    {
      report (cycle_label, cycles, elapsed);
      printf ("%-34s %u\n", "failed requests", failures);
    }
}

int
main (int    argc,
      char **argv)
{
  const char *binary = argc > 1 ? argv[1] : "src/server/quorum-server";
  g_autofree char *data = g_dir_make_tmp ("quorum-bench-XXXXXX", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *line = NULL;
  g_autofree char *base = NULL;
  g_autofree char *root = NULL;
  g_autofree Client *all = NULL;
  g_autoptr(GString) files = g_string_new ("[");
  guint bare_port = 0;
  gint64 job;
  int n_files;

  if (argc > 2)
    clients = atoi (argv[2]);
  if (argc > 3)
    seconds = atoi (argv[3]);
  /* enough work for the run at well over the target rate */
  n_files = argc > 4 ? atoi (argv[4]) : 4000;
  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  admin = g_subprocess_launcher_spawn (launcher, NULL, binary, "--data", data, "--create-admin", "root", NULL);
  g_subprocess_communicate_utf8 (admin, "root password\n", NULL, NULL, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, NULL, binary, "--data", data, "--listen", "127.0.0.1:0", NULL);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  base = g_strdup_printf ("http://127.0.0.1:%s/api/v1", strstr (line, "port ") + 5);

  call (session, base, "POST", "/login", NULL, "{\"user\": \"root\", \"password\": \"root password\"}", &reply);
  root = g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
  call (session, base, "POST", "/projects", root, "{\"name\": \"Bench\"}", NULL);
  call (session, base, "PUT", "/projects/1/labels", root,
        "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\"}]}", NULL);
  printf ("preparing %d files and %d annotators…\n", n_files, clients);
  fflush (stdout);
  for (int i = 0; i < n_files; i++)
    {
      /* a small PNG, different every time so that none is deduplicated */
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 4, 4);
      g_autofree char *uri = g_strdup_printf ("%s/projects/1/files?name=f%d.png", base, i);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
      g_autofree char *auth = g_strconcat ("Bearer ", root, NULL);
      g_autofree char *png = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GBytes) answer = NULL;
      gsize length = 0;

      gdk_pixbuf_fill (pixbuf, ((guint32) i << 8) | 0xff);
      gdk_pixbuf_save_to_buffer (pixbuf, &png, &length, "png", NULL, NULL);
      body = g_bytes_new (png, length);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "image/png", body);
      answer = soup_session_send_and_read (session, msg, NULL, NULL);
      g_string_append_printf (files, "%s%d", i > 0 ? ", " : "", i + 1);
    }
  g_string_append (files, "]");
  {
    g_autofree char *request = g_strdup_printf ("{\"settings\": {\"name\": \"Bench\", \"passes_per_file\": 1, "
                                                "\"review_frequency\": 0}, \"files\": %s}", files->str);
    g_clear_pointer (&reply, json_node_unref);
    call (session, base, "POST", "/projects/1/jobs", root, request, &reply);
    job = json_object_get_int_member (json_node_get_object (reply), "id");
  }
  {
    g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job);
    call (session, base, "POST", path, root, NULL, NULL);
  }
  all = g_new0 (Client, clients);
  for (int i = 0; i < clients; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\": \"a%d\", \"password\": \"password %d\"}", i, i);
      g_autofree char *login = g_strdup_printf ("{\"user\": \"a%d\", \"password\": \"password %d\"}", i, i);
      g_autofree char *member = g_strdup_printf ("/projects/1/members/%d", i + 2);
      g_autoptr(JsonNode) token = NULL;

      call (session, base, "POST", "/users", root, body, NULL);
      call (session, base, "PUT", member, root, "{\"role\": \"annotator\"}", NULL);
      call (session, base, "POST", "/login", NULL, login, &token);
      all[i].base = base;
      all[i].token = g_strdup (json_object_get_string_member (json_node_get_object (token), "token"));
      all[i].job = job;
      all[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      all[i].cycles = g_array_new (FALSE, FALSE, sizeof (gint64));
    }

  printf ("%d annotators for %d s against quorum-server (next, fetch, save, submit):\n", clients, seconds);
  run_clients (all, annotate, "all requests", "next + fetch + save cycles");

  g_thread_new ("bare", bare_server, &bare_port);
  while (g_atomic_int_get (&bare_port) == 0)
    g_usleep (1000);
  for (int i = 0; i < clients; i++)
    {
      g_array_set_size (all[i].latencies, 0);
      g_clear_pointer (&all[i].cycles, g_array_unref);
      all[i].base = g_strdup_printf ("http://127.0.0.1:%u", bare_port);
    }
  printf ("%d clients for %d s against a bare libsoup handler:\n", clients, seconds);
  run_clients (all, hammer, "bare libsoup GET, keep-alive", NULL);
  for (int i = 0; i < clients; i++)
    g_array_set_size (all[i].latencies, 0);
  g_atomic_int_set (&bare_close, TRUE);
  run_clients (all, hammer, "bare libsoup GET, Connection: close", NULL);

  g_subprocess_force_exit (server);
  return 0;
}
