/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

/*
 * bench/server: 64 simulated annotators on loopback against a real
 * quorum-server (next task, fetch, save, submit), and the same number of
 * clients against a bare libsoup handler on this machine for comparison.
 * Prints requests and cycles per second, p50/p99 latencies, the failed
 * requests, the server's memory under the load and the ratio to bare
 * libsoup. With --cluster, the same cycles on SQLite and on PostgreSQL
 * with one, two and three servers behind nginx, in one table. See
 * README.md.
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int clients = 64;
static int seconds = 5;
static int n_files = 2000;
/* libsoup sends a POST on a new connection unless the message says it may
 * be repeated (SOUP_MESSAGE_IDEMPOTENT): with one connection per client, a
 * new connection, and the old one closed, for every next task and submit. */
static gboolean new_connection_per_post = FALSE;
/* Clients that write HTTP/1.1 on their own sockets and read only the
 * status, the length and the body, as wrk does: a fraction of libsoup's
 * client's processor time, which otherwise shares the two cores with the
 * server and takes more of them than it. */
static gboolean raw_clients = FALSE;

/* Jobs are launched until they hold this many cycles a second of the run:
 * more than two cores can answer (bare libsoup does about 2,800 cycles of
 * four requests a second), so that no client runs out of tasks. */
#define CYCLES_PER_SECOND_PLANNED 6000

typedef struct {
  char       *base;        /* owned */
  char       *token;
  GArray     *jobs;        /* gint64: the client moves to the next when one runs dry */
  guint       job_index;
  gint64      deadline;
  GArray     *latencies;   /* microseconds, of every request */
  GArray     *cycles;      /* microseconds, of next + save */
  guint       requests;
  guint       failures;
  gboolean    ran_dry;
  GHashTable *failed;      /* status → count */
} Client;

static void
count_failure (Client *client,
               guint   status)
{
  gpointer count = g_hash_table_lookup (client->failed, GUINT_TO_POINTER (status));

  g_hash_table_insert (client->failed, GUINT_TO_POINTER (status), GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
  client->failures++;
}

/* One client's connection: libsoup's session, or a raw socket. */
typedef struct {
  SoupSession *session;
  int          fd;        /* -1 until connected, and after the server closed it */
  GByteArray  *in;        /* read and not yet used */
} Conn;

static void
conn_init (Conn *conn)
{
  conn->session = raw_clients ? NULL : soup_session_new_with_options ("max-conns-per-host", 1, NULL);
  conn->fd = -1;
  conn->in = g_byte_array_new ();
}

static void
conn_clear (Conn *conn)
{
  g_clear_object (&conn->session);
  if (conn->fd >= 0)
    close (conn->fd);
  g_byte_array_unref (conn->in);
}

static gssize
find_header_end (const guint8 *data,
                 gsize         length)
{
  for (gsize i = 3; i < length; i++)
    if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r')
      return (gssize) i + 1;
  return -1;
}

/* Reads until @conn->in holds at least @want bytes; FALSE on an error or
 * the end of the connection. */
static gboolean
read_at_least (Conn  *conn,
               gsize  want)
{
  guint8 chunk[16384];

  while (conn->in->len < want)
    {
      gssize n = recv (conn->fd, chunk, sizeof chunk, 0);

      if (n <= 0)
        return FALSE;
      g_byte_array_append (conn->in, chunk, (guint) n);
    }
  return TRUE;
}

/* @base is http://127.0.0.1:PORT[/PREFIX], on loopback. Returns the status, 0 on a broken
 * connection (reconnected at the next call). */
static guint
raw_call (Conn       *conn,
          const char *base,
          const char *method,
          const char *path,
          const char *token,
          const char *body,
          JsonNode  **reply)
{
  g_autoptr(GString) request = g_string_sized_new (512);
  const char *authority = base + strlen ("http://");
  const char *prefix = strchr (authority, '/') != NULL ? strchr (authority, '/') : authority + strlen (authority);
  const char *port = strchr (authority, ':');
  gssize header_end = -1;
  gsize content_length = 0, sent = 0;
  guint status = 0;
  gboolean closes = FALSE;
  g_auto(GStrv) lines = NULL;

  if (conn->fd < 0)
    {
      struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port != NULL ? atoi (port + 1) : 80),
                                     .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      int one = 1;

      conn->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (conn->fd < 0 || connect (conn->fd, (struct sockaddr *) &address, sizeof address) < 0)
        goto broken;
      setsockopt (conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      g_byte_array_set_size (conn->in, 0);
    }
  g_string_append_printf (request, "%s %s%s HTTP/1.1\r\nHost: %.*s\r\n", method, prefix, path,
                          (int) (prefix - authority), authority);
  if (token != NULL)
    g_string_append_printf (request, "Authorization: Bearer %s\r\n", token);
  if (body != NULL)
    g_string_append_printf (request, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                            strlen (body), body);
  else
    g_string_append (request, strcmp (method, "GET") == 0 ? "\r\n" : "Content-Length: 0\r\n\r\n");
  while (sent < request->len)
    {
      gssize n = send (conn->fd, request->str + sent, request->len - sent, MSG_NOSIGNAL);

      if (n <= 0)
        goto broken;
      sent += (gsize) n;
    }
  while ((header_end = find_header_end (conn->in->data, conn->in->len)) < 0)
    if (!read_at_least (conn, conn->in->len + 1))
      goto broken;
  {
    g_autofree char *head = g_strndup ((const char *) conn->in->data, (gsize) header_end);

    lines = g_strsplit (head, "\r\n", -1);
  }
  if (sscanf (lines[0], "HTTP/1.%*d %u", &status) != 1)
    goto broken;
  for (int i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "content-length:", 15) == 0)
      content_length = g_ascii_strtoull (lines[i] + 15, NULL, 10);
    else if (g_ascii_strncasecmp (lines[i], "connection:", 11) == 0 && strstr (lines[i] + 11, "close") != NULL)
      closes = TRUE;
    else if (g_ascii_strncasecmp (lines[i], "transfer-encoding:", 18) == 0)
      {
        g_printerr ("bench: a chunked reply to %s %s; --raw-clients reads only lengths\n", method, path);
        goto broken;
      }
  if (!read_at_least (conn, (gsize) header_end + content_length))
    goto broken;
  if (reply != NULL && content_length > 0)
    {
      g_autofree char *text = g_strndup ((const char *) conn->in->data + header_end, content_length);

      *reply = json_from_string (text, NULL);
    }
  g_byte_array_remove_range (conn->in, 0, (guint) (header_end + content_length));
  if (closes)
    {
      close (conn->fd);
      conn->fd = -1;
    }
  return status;

broken:
  if (conn->fd >= 0)
    close (conn->fd);
  conn->fd = -1;
  return 0;
}

static guint
soup_call (SoupSession *session,
           const char  *base,
           const char  *method,
           const char  *path,
           const char  *token,
           const char  *body,
           JsonNode   **reply)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;

  uri = g_strconcat (base, path, NULL);
  msg = soup_message_new (method, uri);

  /* Each simulated annotator keeps its one connection for all its requests. */
  if (!new_connection_per_post)
    soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);

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

static guint
call (Conn       *conn,
      const char *base,
      const char *method,
      const char *path,
      const char *token,
      const char *body,
      JsonNode  **reply)
{
  if (conn->session == NULL)
    return raw_call (conn, base, method, path, token, body, reply);
  return soup_call (conn->session, base, method, path, token, body, reply);
}

static gpointer
annotate (gpointer data)
{
  Client *client = data;
  Conn conn;

  conn_init (&conn);

  while (g_get_monotonic_time () < client->deadline)
    {
      g_autofree char *next = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next",
                                               g_array_index (client->jobs, gint64, client->job_index));
      g_autoptr(JsonNode) task = NULL;
      g_autoptr(JsonNode) saved = NULL;
      gint64 start = g_get_monotonic_time (), t0, t1;
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      guint status;
      gint64 id, version;

      status = call (&conn, client->base, "POST", next, client->token, NULL, &task);
      t0 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t0 - start });
      client->requests++;
      /* 204: nothing left for this client; 422: the job is complete */
      if ((status == 204 || status == 422) && client->job_index + 1 < client->jobs->len)
        {
          client->job_index++;
          continue;
        }
      if (status == 204 || status == 422)
        {
          client->ran_dry = TRUE;
          break;
        }
      if (status != 200 || task == NULL)
        {
          count_failure (client, status);
          continue;
        }
      id = json_object_get_int_member (json_node_get_object (task), "id");
      version = json_object_get_int_member (json_node_get_object (task), "version");
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, id);
      t0 = g_get_monotonic_time ();
      status = call (&conn, client->base, "GET", path, client->token, NULL, NULL);
      t1 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t1 - t0 });
      client->requests++;
      if (status != 200)
        count_failure (client, status);

      g_free (path);
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", id);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": [{\"id\": \"b\", \"label\": \"car\","
                              " \"kind\": \"box\", \"points\": [[1, 1], [5, 4]]}]}", version);
      t0 = g_get_monotonic_time ();
      status = call (&conn, client->base, "PUT", path, client->token, body, &saved);
      t1 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t1 - t0 });
      g_array_append_val (client->cycles, (gint64) { t1 - start });
      client->requests++;
      if (status != 200 || saved == NULL)
        {
          count_failure (client, status);
          continue;
        }
      version = json_object_get_int_member (json_node_get_object (saved), "version");
      g_free (path);
      g_free (body);
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/submit", id);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}", version);
      t0 = g_get_monotonic_time ();
      status = call (&conn, client->base, "POST", path, client->token, body, NULL);
      t1 = g_get_monotonic_time ();
      g_array_append_val (client->latencies, (gint64) { t1 - t0 });
      client->requests++;
      if (status != 200)
        count_failure (client, status);
    }
  conn_clear (&conn);
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Prints the rate and percentiles of @latencies; returns the rate. */
static double
report (const char *what,
        const char *unit,
        GArray     *latencies,
        double      elapsed)
{
  g_array_sort (latencies, compare_gint64);
  if (latencies->len == 0)
    {
      printf ("%-36s no %s\n", what, unit);
      return 0;
    }
  printf ("%-36s %8.0f %s/s   p50 %6.2f ms   p99 %6.2f ms   (%u %s)\n", what,
          latencies->len / elapsed, unit,
          g_array_index (latencies, gint64, latencies->len / 2) / 1000.0,
          g_array_index (latencies, gint64, (guint) (latencies->len * 0.99)) / 1000.0, latencies->len, unit);
  return latencies->len / elapsed;
}

/* ---- the server's memory ------------------------------------------------ */

/* A field of /proc/PID/status in kB, or -1. */
static gint64
status_kb (const char *pid,
           const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (pid == NULL || !g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, field)) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field) + 1, NULL, 10);
}

/* The processor time the process has used, user and system, in seconds. */
static double
cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  /* after the name: state is field 3, utime 14, stime 15 */
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

typedef struct {
  const char *pid;
  gint64      deadline;
  gint64      max_rss;
} MemoryWatch;

/* Samples VmRSS every 100 ms while the clients run. */
static gpointer
watch_memory (gpointer data)
{
  MemoryWatch *watch = data;

  while (g_get_monotonic_time () < watch->deadline)
    {
      watch->max_rss = MAX (watch->max_rss, status_kb (watch->pid, "VmRSS:"));
      g_usleep (100 * 1000);
    }
  return NULL;
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
  Conn conn;

  conn_init (&conn);

  while (g_get_monotonic_time () < client->deadline)
    {
      gint64 start = g_get_monotonic_time ();
      call (&conn, client->base, "GET", "/", NULL, NULL, NULL);
      g_array_append_val (client->latencies, (gint64) { g_get_monotonic_time () - start });
    }
  conn_clear (&conn);
  return NULL;
}

/* Runs the clients for the set time and prints their figures; returns
 * the requests per second. @server_pid, if not NULL, is the process whose
 * memory is reported. */
static double
run_clients (Client      *all,
             GThreadFunc  func,
             const char  *label,
             const char  *server_pid)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cycles = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) failed = g_hash_table_new (NULL, NULL);
  double cpu_start = server_pid != NULL ? cpu_seconds (server_pid) : 0;
  gint64 start = g_get_monotonic_time ();
  MemoryWatch watch = { server_pid, start + (gint64) seconds * G_USEC_PER_SEC, 0 };
  GThread *watcher = server_pid != NULL ? g_thread_new ("memory", watch_memory, &watch) : NULL;
  double elapsed, rate;
  guint failures = 0, dry = 0;

  for (int i = 0; i < clients; i++)
    {
      all[i].deadline = start + (gint64) seconds * G_USEC_PER_SEC;
      g_ptr_array_add (threads, g_thread_new ("client", func, &all[i]));
    }
  for (int i = 0; i < clients; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (watcher != NULL)
    g_thread_join (watcher);
  for (int i = 0; i < clients; i++)
    {
      GHashTableIter iter;
      gpointer status, count;

      g_array_append_vals (latencies, all[i].latencies->data, all[i].latencies->len);
      if (all[i].cycles != NULL)
        g_array_append_vals (cycles, all[i].cycles->data, all[i].cycles->len);
      failures += all[i].failures;
      dry += all[i].ran_dry;
      g_hash_table_iter_init (&iter, all[i].failed);
      while (g_hash_table_iter_next (&iter, &status, &count))
        g_hash_table_insert (failed, status,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (failed, status)) +
                                               GPOINTER_TO_UINT (count)));
    }
  rate = report (label, "requests", latencies, elapsed);
  if (server_pid != NULL)
    {
      GHashTableIter iter;
      gpointer status, count;

      report ("next + fetch + save cycles", "cycles", cycles, elapsed);
      printf ("%-36s %u", "failed requests", failures);
      g_hash_table_iter_init (&iter, failed);
      while (g_hash_table_iter_next (&iter, &status, &count))
        printf ("   %u × status %u", GPOINTER_TO_UINT (count), GPOINTER_TO_UINT (status));
      printf ("\n");
      if (dry > 0)
        printf ("%-36s %u clients ran out of tasks: raise --files\n", "WARNING", dry);
      printf ("%-36s %.0f µs of processor time per request (%.2f cores)\n", "server's work",
              (cpu_seconds (server_pid) - cpu_start) * G_USEC_PER_SEC / MAX (latencies->len, 1),
              (cpu_seconds (server_pid) - cpu_start) / elapsed);
      printf ("%-36s VmRSS %.1f MB at most (sampled every 100 ms), VmHWM %.1f MB\n", "server memory under the load",
              watch.max_rss / 1024.0, status_kb (server_pid, "VmHWM:") / 1024.0);
    }
  return rate;
}

/* Uploads files [first, last) in a thread of its own. */
typedef struct {
  const char *base;
  const char *token;
  int         first;
  int         last;
} Upload;

static gpointer
upload_files (gpointer data)
{
  Upload *upload = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *auth = g_strconcat ("Bearer ", upload->token, NULL);

  for (int i = upload->first; i < upload->last; i++)
    {
      /* a small PNG, different every time so that none is deduplicated */
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 4, 4);
      g_autofree char *uri = g_strdup_printf ("%s/projects/1/files?name=f%d.png", upload->base, i);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
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
      if (soup_message_get_status (msg) != 201)
        g_error ("uploading file %d: status %u", i, soup_message_get_status (msg));
    }
  return NULL;
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

/* Starts @binary (with @extra options, NULL-terminated, may be NULL) on a
 * free loopback port; sets *@base to its API's URL. Returns NULL when it did
 * not start. */
static GSubprocess *
start_server (const char         *binary,
              const char * const *extra,
              char              **base)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *line = NULL;

  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  g_ptr_array_add (argv, (gpointer) binary);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  g_ptr_array_add (argv, NULL);
  server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, NULL);
  if (server == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  /* The pipe stays open for what the server writes later. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  if (line == NULL || strstr (line, "port ") == NULL)
    {
      g_subprocess_force_exit (server);
      return NULL;
    }
  *base = g_strdup_printf ("http://127.0.0.1:%s/api/v1", strstr (line, "port ") + 5);
  return g_steal_pointer (&server);
}

/* The administrator "root" in the data folder @data (and @database, if not
 * NULL). */
static gboolean
create_admin (const char *binary,
              const char *data,
              const char *database)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) admin = NULL;

  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  if (database != NULL)
    admin = g_subprocess_launcher_spawn (launcher, NULL, binary, "--data", data, "--database", database,
                                         "--create-admin", "root", NULL);
  else
    admin = g_subprocess_launcher_spawn (launcher, NULL, binary, "--data", data, "--create-admin", "root", NULL);
  return admin != NULL && g_subprocess_communicate_utf8 (admin, "root password\n", NULL, NULL, NULL, NULL) &&
         g_subprocess_get_successful (admin);
}

/* Through @base: the project, n_files images, the jobs over them (into
 * @jobs) and the annotators, signed in. Returns the clients. */
static Client *
prepare (const char *base,
         GArray     *jobs)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *root = NULL;
  g_autoptr(GString) files = g_string_new ("[");
  Upload uploads[4];
  GThread *uploaders[G_N_ELEMENTS (uploads)];
  /* Enough tasks for the run at well over what two cores answer. */
  int n_jobs = (int) ((gint64) seconds * CYCLES_PER_SECOND_PLANNED / n_files) + 1;
  Client *all;

  soup_call (session, base, "POST", "/login", NULL, "{\"user\": \"root\", \"password\": \"root password\"}", &reply);
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    g_error ("cannot sign in as root at %s", base);
  root = g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
  soup_call (session, base, "POST", "/projects", root, "{\"name\": \"Bench\"}", NULL);
  soup_call (session, base, "PUT", "/projects/1/labels", root,
        "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\"}]}", NULL);
  printf ("preparing %d files, %d jobs over them (%d tasks) and %d annotators…\n", n_files, n_jobs,
          n_files * n_jobs, clients);
  fflush (stdout);
  for (guint t = 0; t < G_N_ELEMENTS (uploads); t++)
    {
      uploads[t] = (Upload) { base, root, n_files * (int) t / 4, n_files * (int) (t + 1) / 4 };
      uploaders[t] = g_thread_new ("upload", upload_files, &uploads[t]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (uploads); t++)
    g_thread_join (uploaders[t]);
  for (int i = 0; i < n_files; i++)
    g_string_append_printf (files, "%s%d", i > 0 ? ", " : "", i + 1);
  g_string_append (files, "]");
  for (int j = 0; j < n_jobs; j++)
    {
      g_autofree char *request = g_strdup_printf ("{\"settings\": {\"name\": \"Bench %d\", \"passes_per_file\": 1, "
                                                  "\"review_frequency\": 0}, \"files\": %s}", j + 1, files->str);
      g_autofree char *path = NULL;
      gint64 job;

      g_clear_pointer (&reply, json_node_unref);
      if (soup_call (session, base, "POST", "/projects/1/jobs", root, request, &reply) != 201 || reply == NULL)
        g_error ("cannot create job %d", j + 1);
      job = json_object_get_int_member (json_node_get_object (reply), "id");
      path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", job);
      if (soup_call (session, base, "POST", path, root, NULL, NULL) != 200)
        g_error ("cannot launch job %" G_GINT64_FORMAT, job);
      g_array_append_val (jobs, job);
    }
  all = g_new0 (Client, clients);
  for (int i = 0; i < clients; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\": \"a%d\", \"password\": \"password %d\"}", i, i);
      g_autofree char *login = g_strdup_printf ("{\"user\": \"a%d\", \"password\": \"password %d\"}", i, i);
      g_autofree char *member = g_strdup_printf ("/projects/1/members/%d", i + 2);
      g_autoptr(JsonNode) token = NULL;

      soup_call (session, base, "POST", "/users", root, body, NULL);
      soup_call (session, base, "PUT", member, root, "{\"role\": \"annotator\"}", NULL);
      soup_call (session, base, "POST", "/login", NULL, login, &token);
      all[i].base = g_strdup (base);
      all[i].token = g_strdup (json_object_get_string_member (json_node_get_object (token), "token"));
      all[i].jobs = jobs;
      all[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      all[i].cycles = g_array_new (FALSE, FALSE, sizeof (gint64));
      all[i].failed = g_hash_table_new (NULL, NULL);
    }
  /* Its connection would count against the server's limit per address. */
  soup_session_abort (session);
  return all;
}

static void
free_clients (Client *all)
{
  for (int i = 0; i < clients; i++)
    {
      g_free (all[i].base);
      g_free (all[i].token);
      g_clear_pointer (&all[i].latencies, g_array_unref);
      g_clear_pointer (&all[i].cycles, g_array_unref);
      g_clear_pointer (&all[i].failed, g_hash_table_unref);
    }
  g_free (all);
}

/* ---- --cluster: SQLite, and PostgreSQL with 1, 2 and 3 servers ------------- */

/* The processor time of @pid, with that of its children (those alive, and
 * those it has waited for: cutime and cstime), in seconds. PostgreSQL's
 * postmaster forks a backend per connection; nginx's master, its workers. */
static double
tree_cpu_seconds (GPid pid)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *name, *after;
  double total = 0;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 15)
    return 0;
  /* after the name: utime 14, stime 15, cutime 16, cstime 17 (fields[11…14]) */
  for (int f = 11; f <= 14; f++)
    total += g_ascii_strtod (fields[f], NULL);
  total /= sysconf (_SC_CLK_TCK);
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *child_path = NULL;
      g_autofree char *child = NULL;
      g_auto(GStrv) child_fields = NULL;

      if (!g_ascii_isdigit (name[0]))
        continue;
      child_path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (child_path, &child, NULL, NULL) || (after = strrchr (child, ')')) == NULL)
        continue;
      child_fields = g_strsplit (after + 2, " ", 0);
      /* the parent is field 4 (child_fields[1]) */
      if (g_strv_length (child_fields) < 13 || g_ascii_strtoll (child_fields[1], NULL, 10) != pid)
        continue;
      total += cpu_seconds (name);
    }
  return total;
}

typedef struct {
  char    *name;
  double   rate;          /* cycles a second */
  double   p50, p99;      /* of a cycle, ms */
  guint    failures;
  guint    dry;
  double   servers_cpu;   /* cores, summed over the servers */
  double   pg_cpu;        /* cores, or < 0: no PostgreSQL */
  double   nginx_cpu;     /* cores, or < 0: no nginx */
} Row;

/* Runs @all for the set time against what they were prepared on; fills
 * @row with the cycles' figures and the processor time of @servers (GPids),
 * of PostgreSQL's postmaster @postgres and its backends and of nginx's
 * master @nginx and its workers (each 0: none). */
static void
measure (Client *all,
         GArray *servers,
         GPid    postgres,
         GPid    nginx,
         Row    *row)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GArray) cycles = g_array_new (FALSE, FALSE, sizeof (gint64));
  double servers_start = 0, servers_end = 0, pg_start, nginx_start, elapsed;
  gint64 start;

  for (guint i = 0; i < servers->len; i++)
    servers_start += tree_cpu_seconds (g_array_index (servers, GPid, i));
  pg_start = tree_cpu_seconds (postgres);
  nginx_start = tree_cpu_seconds (nginx);
  start = g_get_monotonic_time ();
  for (int i = 0; i < clients; i++)
    {
      all[i].deadline = start + (gint64) seconds * G_USEC_PER_SEC;
      g_ptr_array_add (threads, g_thread_new ("client", annotate, &all[i]));
    }
  for (int i = 0; i < clients; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  for (guint i = 0; i < servers->len; i++)
    servers_end += tree_cpu_seconds (g_array_index (servers, GPid, i));
  row->servers_cpu = (servers_end - servers_start) / elapsed;
  row->pg_cpu = postgres > 0 ? (tree_cpu_seconds (postgres) - pg_start) / elapsed : -1;
  row->nginx_cpu = nginx > 0 ? (tree_cpu_seconds (nginx) - nginx_start) / elapsed : -1;
  for (int i = 0; i < clients; i++)
    {
      g_array_append_vals (cycles, all[i].cycles->data, all[i].cycles->len);
      row->failures += all[i].failures;
      row->dry += all[i].ran_dry;
    }
  g_array_sort (cycles, compare_gint64);
  row->rate = cycles->len / elapsed;
  if (cycles->len > 0)
    {
      row->p50 = g_array_index (cycles, gint64, cycles->len / 2) / 1000.0;
      row->p99 = g_array_index (cycles, gint64, (guint) (cycles->len * 0.99)) / 1000.0;
    }
}

/* Runs python3 SOURCE/tests/pg_cluster.py with @args; returns its first
 * line of output, or NULL (and says why on stderr). */
static char *
pg_cluster (const char  *source,
            const char **args)
{
  g_autofree char *script = g_build_filename (source, "tests", "pg_cluster.py", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, "python3");
  g_ptr_array_add (argv, script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "pg_cluster.py %s: %s\n%s", args[0], error->message, err != NULL ? err : "");
      return NULL;
    }
  g_strstrip (out);
  if (strchr (out, '\n') != NULL)
    *strchr (out, '\n') = '\0';
  return g_steal_pointer (&out);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, NULL) ||
      (bound = g_socket_get_local_address (socket, NULL)) == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* nginx in @dir in front of @bases (the servers' API URLs), as
 * build-aux/run-cluster sets it up but without an access log; sets *@base
 * to its API's URL. */
static GSubprocess *
start_nginx (const char *dir,
             GPtrArray  *bases,
             char      **base)
{
  g_autoptr(GString) conf = g_string_new (NULL);
  g_autofree char *conf_path = g_build_filename (dir, "nginx.conf", NULL);
  g_autofree char *error_log = g_build_filename (dir, "nginx-error.log", NULL);
  g_autofree char *nginx = g_find_program_in_path ("nginx");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GSubprocess) process = NULL;
  guint port = free_port ();

  if (nginx == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    nginx = g_strdup ("/usr/sbin/nginx");
  if (nginx == NULL)
    {
      fprintf (stderr, "nginx is not installed (Debian package nginx)\n");
      return NULL;
    }
  g_string_append_printf (conf, "%sworker_processes 1;\npid %s/nginx.pid;\nerror_log %s warn;\n"
                          "events { worker_connections 1024; }\nhttp {\n  access_log off;\n",
                          getuid () == 0 ? "user root;\n" : "", dir, error_log);
  for (const char *temp = "client_body\0proxy\0fastcgi\0uwsgi\0scgi\0"; *temp; temp += strlen (temp) + 1)
    g_string_append_printf (conf, "  %s_temp_path %s/nginx-%s;\n", temp, dir, temp);
  g_string_append (conf, "  upstream quorum {\n");
  for (guint i = 0; i < bases->len; i++)
    {
      /* http://127.0.0.1:PORT/api/v1 → 127.0.0.1:PORT */
      g_autofree char *address = g_strndup ((char *) bases->pdata[i] + 7,
                                            strstr ((char *) bases->pdata[i] + 7, "/") - ((char *) bases->pdata[i] + 7));
      g_string_append_printf (conf, "    server %s max_fails=1 fail_timeout=5s;\n", address);
    }
  g_string_append_printf (conf, "    keepalive 64;\n  }\n  server {\n    listen 127.0.0.1:%u;\n"
                          "    client_max_body_size 2g;\n    location / {\n      proxy_pass http://quorum;\n"
                          "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
                          "      proxy_set_header Host $host;\n"
                          "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                          "      proxy_buffering off;\n      proxy_request_buffering off;\n"
                          "      proxy_next_upstream error timeout;\n      proxy_next_upstream_tries 2;\n"
                          "      proxy_connect_timeout 2s;\n    }\n  }\n}\n", port);
  if (!g_file_set_contents (conf_path, conf->str, -1, NULL))
    return NULL;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                              nginx, "-p", dir, "-c", conf_path, "-e", error_log, "-g", "daemon off;", NULL);
  if (process == NULL)
    return NULL;
  *base = g_strdup_printf ("http://127.0.0.1:%u/api/v1", port);
  for (int i = 0; i < 100; i++)
    {
      if (soup_call (session, *base, "GET", "/version", NULL, NULL, NULL) == 200)
        return g_steal_pointer (&process);
      g_usleep (100 * 1000);
    }
  fprintf (stderr, "nginx did not answer on %s (its log: %s)\n", *base, error_log);
  g_subprocess_force_exit (process);
  return NULL;
}

/* One configuration: @n_servers servers on SQLite (@pg_folder NULL) or on a
 * fresh database of the PostgreSQL cluster in @pg_folder, behind nginx when
 * @behind_nginx. */
static gboolean
run_configuration (const char *binary,
                   const char *source,
                   const char *pg_folder,
                   int         n_servers,
                   gboolean    behind_nginx,
                   Row        *row)
{
  static int databases;
  g_autofree char *dir = g_dir_make_tmp ("quorum-bench-cluster-XXXXXX", NULL);
  g_autofree char *blobs = g_build_filename (dir, "blobs", NULL);
  g_autofree char *database = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GArray) jobs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GSubprocess) nginx = NULL;
  GPid postgres = 0;
  Client *all;
  gboolean ok = FALSE;

  g_mkdir (blobs, 0700);
  if (pg_folder != NULL)
    {
      g_autofree char *name = g_strdup_printf ("bench_%d", ++databases);
      g_autofree char *pid_file = g_build_filename (pg_folder, "data", "postmaster.pid", NULL);
      g_autofree char *pid_text = NULL;
      const char *args[] = { "createdb", pg_folder, name, NULL };

      if ((database = pg_cluster (source, args)) == NULL)
        goto out;
      if (g_file_get_contents (pid_file, &pid_text, NULL, NULL))
        postgres = (GPid) g_ascii_strtoll (pid_text, NULL, 10);
    }
  if (!create_admin (binary, blobs, database))
    {
      fprintf (stderr, "%s --create-admin failed\n", binary);
      goto out;
    }
  for (int i = 0; i < n_servers; i++)
    {
      /* Behind nginx every connection comes from one address. */
      const char *extra[] = { "--data", blobs, "--max-connections-per-address", "256",
                              "--login-address-attempts", "0", "--database", database, NULL };
      char *server_base = NULL;
      GSubprocess *server;
      GPid pid;

      if (database == NULL)
        extra[6] = NULL;
      if ((server = start_server (binary, extra, &server_base)) == NULL)
        {
          fprintf (stderr, "%s did not start\n", binary);
          goto out;
        }
      g_ptr_array_add (processes, server);
      g_ptr_array_add (bases, server_base);
      pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server), NULL, 10);
      g_array_append_val (pids, pid);
    }
  if (behind_nginx)
    {
      if ((nginx = start_nginx (dir, bases, &base)) == NULL)
        goto out;
    }
  else
    base = g_strdup (bases->pdata[0]);
  printf ("%s:\n", row->name);
  all = prepare (base, jobs);
  /* The jobs' tasks were just inserted: statistics for the planner, and the
   * checkpoint that would follow them, before the clock starts, not in it. */
  if (database != NULL)
    {
      const char *argv[] = { "psql", "-q", database, "-c", "VACUUM ANALYZE", "-c", "CHECKPOINT", NULL };
      g_autoptr(GError) psql_error = NULL;
      int status = 0;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                         NULL, NULL, &status, &psql_error) || !g_spawn_check_wait_status (status, &psql_error))
        fprintf (stderr, "psql VACUUM ANALYZE, CHECKPOINT: %s\n", psql_error->message);
    }
  measure (all, pids, postgres, nginx != NULL ? (GPid) g_ascii_strtoll (g_subprocess_get_identifier (nginx), NULL, 10) : 0,
           row);
  printf ("  %.0f cycles/s, p99 %.1f ms, %u failed\n", row->rate, row->p99, row->failures);
  free_clients (all);
  ok = TRUE;

out:
  if (nginx != NULL)
    {
      g_subprocess_send_signal (nginx, SIGTERM);
      g_subprocess_wait (nginx, NULL, NULL);
    }
  for (guint i = 0; i < processes->len; i++)
    {
      g_subprocess_send_signal (processes->pdata[i], SIGTERM);
      g_subprocess_wait (processes->pdata[i], NULL, NULL);
    }
  remove_tree (dir);
  return ok;
}

static int
run_cluster (const char *binary,
             const char *source)
{
  g_autofree char *owner = g_strdup_printf ("%d", (int) getpid ());
  const char *start[] = { "start", "--owner", owner, NULL };
  g_autofree char *pg_folder = NULL;
  Row rows[] = {
    { "SQLite, 1 process" },
    { "PostgreSQL, 1 process" },
    { "PostgreSQL, 1 process behind nginx" },
    { "PostgreSQL, 2 processes behind nginx" },
    { "PostgreSQL, 3 processes behind nginx" },
  };
  gboolean ok = TRUE;

  printf ("%d annotators for %d s per configuration (next, fetch, save, submit); %ld cores\n",
          clients, seconds, sysconf (_SC_NPROCESSORS_ONLN));
  ok = run_configuration (binary, source, NULL, 1, FALSE, &rows[0]);
  if (ok && (pg_folder = pg_cluster (source, start)) == NULL)
    ok = FALSE;
  for (int i = 1; ok && i < (int) G_N_ELEMENTS (rows); i++)
    ok = run_configuration (binary, source, pg_folder, i < 3 ? 1 : i - 1, i >= 2, &rows[i]);
  if (pg_folder != NULL)
    {
      const char *stop[] = { "stop", pg_folder, NULL };
      g_free (pg_cluster (source, stop));
    }
  if (!ok)
    return 1;

  printf ("\n| configuration | cycles/s | p50 ms | p99 ms | failed | servers' CPU | PostgreSQL CPU | nginx CPU |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *pg = rows[i].pg_cpu < 0 ? g_strdup ("—") : g_strdup_printf ("%.2f", rows[i].pg_cpu);
      g_autofree char *nginx = rows[i].nginx_cpu < 0 ? g_strdup ("—") : g_strdup_printf ("%.2f", rows[i].nginx_cpu);

      printf ("| %s | %.0f | %.1f | %.1f | %u | %.2f | %s | %s |\n", rows[i].name, rows[i].rate, rows[i].p50,
              rows[i].p99, rows[i].failures, rows[i].servers_cpu, pg, nginx);
    }
  printf ("(CPU in cores: processor seconds over the run's seconds; PostgreSQL: the postmaster and its backends)\n");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (rows[i].dry > 0)
      printf ("WARNING: %s: %u clients ran out of tasks: raise --files\n", rows[i].name, rows[i].dry);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *binary = NULL;
  g_autofree char *source = NULL;
  gboolean cluster = FALSE;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &binary, "The quorum-server to run (default src/server/quorum-server)", "PATH" },
    { "clients", 'c', 0, G_OPTION_ARG_INT, &clients, "Simulated annotators, each a thread with one connection (64)", "N" },
    { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "How long each run lasts (5)", "S" },
    { "files", 'f', 0, G_OPTION_ARG_INT, &n_files, "Images uploaded; jobs over them are launched until the run cannot exhaust them (2000)", "N" },
    { "new-connection-per-post", 0, 0, G_OPTION_ARG_NONE, &new_connection_per_post,
      "Send each POST on a new connection, as libsoup does by default (the app's client does), instead of the client's kept one", NULL },
    { "raw-clients", 0, 0, G_OPTION_ARG_NONE, &raw_clients,
      "Clients write HTTP/1.1 on their own sockets and read only status, length and body (as wrk does), "
      "leaving the processor to the server; both runs use them", NULL },
    { "cluster", 0, 0, G_OPTION_ARG_NONE, &cluster,
      "Measure the cycles on SQLite (one process) and on PostgreSQL with one, two and three processes (behind nginx), in one run", NULL },
    { "source-dir", 0, 0, G_OPTION_ARG_FILENAME, &source,
      "With --cluster: the source folder, whose tests/pg_cluster.py starts PostgreSQL (default: the current folder)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("[SERVER [CLIENTS [SECONDS [FILES]]]]: quorum-server under simulated annotators, beside bare libsoup");
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GArray) jobs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *base = NULL;
  Client *all = NULL;
  guint bare_port = 0;
  double quorum_rate, bare_rate;

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_description (options,
    "Starts SERVER with a fresh data folder, uploads FILES small PNGs, launches one-pass jobs over them\n"
    "and lets CLIENTS annotators loop for SECONDS: next task, fetch it, save one box, submit. Then the\n"
    "same clients against a bare libsoup handler in this process, with keep-alive and with\n"
    "\"Connection: close\". The positional arguments are the options' older spelling.\n"
    "With --cluster, the same cycles against SQLite and against PostgreSQL (a private cluster,\n"
    "tests/pg_cluster.py) with one process, and one, two and three behind nginx; one table at the end.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      g_free (binary);
      binary = g_strdup (argv[1]);
    }
  if (argc > 2)
    clients = atoi (argv[2]);
  if (argc > 3)
    seconds = atoi (argv[3]);
  if (argc > 4)
    n_files = atoi (argv[4]);
  if (binary == NULL)
    binary = g_strdup ("src/server/quorum-server");
  if (clients < 1 || seconds < 1 || n_files < 1 || argc > 5)
    {
      g_autofree char *help = g_option_context_get_help (options, TRUE, NULL);
      fprintf (stderr, "CLIENTS, SECONDS and FILES must be whole numbers of at least 1\n\n%s", help);
      return 2;
    }
  if (!g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      fprintf (stderr, "%s: no such program; give the quorum-server to run (--server PATH)\n", binary);
      return 2;
    }
  if (cluster)
    {
      g_autofree char *script = NULL;

      if (source == NULL)
        source = g_strdup (".");
      script = g_build_filename (source, "tests", "pg_cluster.py", NULL);
      if (!g_file_test (script, G_FILE_TEST_EXISTS))
        {
          fprintf (stderr, "%s: no such file; give Quorum's source folder (--source-dir DIR)\n", script);
          return 2;
        }
      return run_cluster (binary, source);
    }

  data = g_dir_make_tmp ("quorum-bench-XXXXXX", NULL);
  if (!create_admin (binary, data, NULL) ||
      (server = start_server (binary, (const char *[]) { "--data", data, NULL }, &base)) == NULL)
    {
      fprintf (stderr, "%s did not start\n", binary);
      return 1;
    }
  all = prepare (base, jobs);
  printf ("%d annotators for %d s against quorum-server (next, fetch, save, submit):\n", clients, seconds);
  quorum_rate = run_clients (all, annotate, "all requests", g_subprocess_get_identifier (server));

  g_thread_new ("bare", bare_server, &bare_port);
  while (g_atomic_int_get (&bare_port) == 0)
    g_usleep (1000);
  for (int i = 0; i < clients; i++)
    {
      g_array_set_size (all[i].latencies, 0);
      g_clear_pointer (&all[i].cycles, g_array_unref);
      g_free (all[i].base);
      all[i].base = g_strdup_printf ("http://127.0.0.1:%u", bare_port);
    }
  printf ("%d clients for %d s against a bare libsoup handler:\n", clients, seconds);
  bare_rate = run_clients (all, hammer, "bare libsoup GET, keep-alive", NULL);
  for (int i = 0; i < clients; i++)
    g_array_set_size (all[i].latencies, 0);
  g_atomic_int_set (&bare_close, TRUE);
  run_clients (all, hammer, "bare libsoup GET, Connection: close", NULL);
  printf ("%-36s %.2f× bare libsoup with keep-alive\n", "quorum-server", bare_rate > 0 ? quorum_rate / bare_rate : 0);

  g_subprocess_force_exit (server);
  g_subprocess_wait (server, NULL, NULL);
  /* Each run's data folder holds some 20 MB of uploads and database. */
  remove_tree (data);
  free_clients (all);
  return 0;
}
