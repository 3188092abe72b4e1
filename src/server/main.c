/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "quorum-error.h"
#include "quorum-server.h"

/* One line from standard input; on a terminal without echo. */
static char *
read_password (const char *prompt)
{
  struct termios saved, quiet;
  gboolean terminal = isatty (STDIN_FILENO);
  char buffer[1024];
  char *line;

  if (terminal)
    {
      fputs (prompt, stderr);
      fflush (stderr);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (terminal)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fputc ('\n', stderr);
    }
  if (line == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);
  return line;
}

static int
create_admin (QuorumServer *server,
              const char   *name)
{
  g_autofree char *password = read_password ("Password for the new administrator: ");
  g_autoptr(GError) error = NULL;

  if (password == NULL)
    {
      fprintf (stderr, "quorum-server: --create-admin: no password given on standard input\n");
      return 2;
    }
  if (isatty (STDIN_FILENO))
    {
      g_autofree char *again = read_password ("The same password again: ");

      if (again == NULL || !g_str_equal (password, again))
        {
          fprintf (stderr, "quorum-server: --create-admin: the passwords differ\n");
          return 2;
        }
    }
  if (!quorum_server_create_admin (server, name, password, &error))
    {
      fprintf (stderr, "quorum-server: --create-admin: %s\n", error->message);
      return g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_INVALID) ? 2 : 1;
    }
  printf ("quorum-server: created the administrator “%s”\n", name);
  return 0;
}

/* ---- sign-in limits and token purge ------------------------------------ */

static gint login_attempts = -1;
static gint login_address_attempts = -1;
static gint64 login_delay = -1;
static gint64 login_max_delay = -1;
static gint password_threads = -1;
static gint password_queue = -1;
static gint64 token_purge_interval = -1;

static const GOptionEntry login_entries[] = {
  { "login-attempts", 0, 0, G_OPTION_ARG_INT, &login_attempts,
    "Failed sign-ins in a row as one user name before each further one makes it wait "
    "(default: 5; 0: no limit)", "N" },
  { "login-address-attempts", 0, 0, G_OPTION_ARG_INT, &login_address_attempts,
    "Failed sign-ins from one client address before each further one makes it wait "
    "(default: 20; 0: no limit)", "N" },
  { "login-delay", 0, 0, G_OPTION_ARG_INT64, &login_delay,
    "The first wait after too many failed sign-ins, doubled at each further failure (default: 1)",
    "SECONDS" },
  { "login-max-delay", 0, 0, G_OPTION_ARG_INT64, &login_max_delay,
    "The longest wait; failures are forgotten after this long without one (default: 300)", "SECONDS" },
  { "password-threads", 0, 0, G_OPTION_ARG_INT, &password_threads,
    "Threads that hash and check passwords, each using 64 MiB while it works (default: 2)", "N" },
  { "password-queue", 0, 0, G_OPTION_ARG_INT, &password_queue,
    "Password checks that may wait for a thread; beyond, sign-ins are answered 503 (default: 32)", "N" },
  { "token-purge-interval", 0, 0, G_OPTION_ARG_INT64, &token_purge_interval,
    "Remove expired sign-in tokens at start and every SECONDS (default: 3600)", "SECONDS" },
  { NULL }
};

/* Checks the options of login_entries and gives them to @server; prints
 * the error and returns FALSE (exit 2) when one is out of range. */
static gboolean
apply_login_options (QuorumServer *server)
{
  struct { const char *name; gint64 value; gint64 min; } checks[] = {
    { "--login-attempts", login_attempts, 0 },
    { "--login-address-attempts", login_address_attempts, 0 },
    { "--login-delay", login_delay, 1 },
    { "--login-max-delay", login_max_delay, 1 },
    { "--password-threads", password_threads, 1 },
    { "--password-queue", password_queue, 1 },
    { "--token-purge-interval", token_purge_interval, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (checks[i].value != -1 && (checks[i].value < checks[i].min || checks[i].value > G_MAXINT32))
      {
        fprintf (stderr, "quorum-server: %s: must be a whole number from %" G_GINT64_FORMAT "\n",
                 checks[i].name, checks[i].min);
        return FALSE;
      }
  if (login_delay != -1 && login_max_delay != -1 && login_max_delay < login_delay)
    {
      fprintf (stderr, "quorum-server: --login-max-delay: must be at least --login-delay\n");
      return FALSE;
    }
  if (login_delay == -1)
    login_delay = QUORUM_SERVER_DEFAULT_LOGIN_DELAY;
  if (login_max_delay == -1)
    login_max_delay = MAX (QUORUM_SERVER_DEFAULT_LOGIN_MAX_DELAY, login_delay);
  quorum_server_set_login_throttle (server,
                                    login_attempts != -1 ? (guint) login_attempts
                                                         : QUORUM_SERVER_DEFAULT_LOGIN_ATTEMPTS,
                                    login_address_attempts != -1 ? (guint) login_address_attempts
                                                                 : QUORUM_SERVER_DEFAULT_ADDRESS_ATTEMPTS,
                                    login_delay, login_max_delay);
  quorum_server_set_password_pool (server,
                                   password_threads != -1 ? (guint) password_threads
                                                          : QUORUM_SERVER_DEFAULT_PASSWORD_THREADS,
                                   password_queue != -1 ? (guint) password_queue
                                                        : QUORUM_SERVER_DEFAULT_PASSWORD_QUEUE);
  if (token_purge_interval != -1)
    quorum_server_set_token_purge_interval (server, token_purge_interval);
  return TRUE;
}

/* ---- limits: what one client may hold of the server ------------------- */

#define LIMIT_NOT_GIVEN G_MININT64

/* docs/server.md, “Limits”. */
static gint64 limit_options[9] = { LIMIT_NOT_GIVEN, LIMIT_NOT_GIVEN, LIMIT_NOT_GIVEN, LIMIT_NOT_GIVEN,
                                   LIMIT_NOT_GIVEN, LIMIT_NOT_GIVEN, LIMIT_NOT_GIVEN, LIMIT_NOT_GIVEN,
                                   LIMIT_NOT_GIVEN };

static GOptionEntry limit_entries[] = {
  { "max-connections", 0, 0, G_OPTION_ARG_INT64, &limit_options[0],
    "Serve at most N connections at once (default: 256)", "N" },
  { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT64, &limit_options[1],
    "Serve at most N connections from one address (default: 64)", "N" },
  { "header-timeout", 0, 0, G_OPTION_ARG_INT64, &limit_options[2],
    "Close a connection whose request headers take over SECONDS (default: 10)", "SECONDS" },
  { "body-timeout", 0, 0, G_OPTION_ARG_INT64, &limit_options[3],
    "Close a connection whose request body sends nothing for SECONDS (default: 30)", "SECONDS" },
  { "keepalive-timeout", 0, 0, G_OPTION_ARG_INT64, &limit_options[4],
    "Close a connection idle between requests for SECONDS (default: 60)", "SECONDS" },
  { "max-json-body", 0, 0, G_OPTION_ARG_INT64, &limit_options[5],
    "Refuse a signed-in caller's JSON bodies over BYTES (default: 1 MiB)", "BYTES" },
  { "max-anonymous-body", 0, 0, G_OPTION_ARG_INT64, &limit_options[6],
    "Refuse bodies over BYTES from callers without a valid token (default: 64 KiB)", "BYTES" },
  { "max-instances-body", 0, 0, G_OPTION_ARG_INT64, &limit_options[7],
    "Refuse a signed-in caller's save of a task's instances over BYTES (default: 128 MiB)", "BYTES" },
  { "max-instances-in-flight", 0, 0, G_OPTION_ARG_INT64, &limit_options[8],
    "Answer 503 to saves of instances while their bodies held at once would pass BYTES (default: 512 MiB)",
    "BYTES" },
  { NULL }
};

/* Descriptors beyond two a connection (its socket and an upload's file):
 * the database, its log, worker threads' wake-ups. */
#define SPARE_DESCRIPTORS 256

/* How many connections the descriptor limit leaves room for. */
static gint64 connection_room;

/* Before anything is opened: checks the limit options and raises the
 * descriptor limit to the hard one. */
static gboolean
check_limits (GError **error)
{
  struct rlimit files;

  for (guint i = 0; i < G_N_ELEMENTS (limit_options); i++)
    if (limit_options[i] != LIMIT_NOT_GIVEN && limit_options[i] < 1)
      {
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "--%s: must be 1 or more",
                     limit_entries[i].long_name);
        return FALSE;
      }
  if (getrlimit (RLIMIT_NOFILE, &files) != 0)
    files.rlim_cur = files.rlim_max = 1024;
  else if (files.rlim_cur < files.rlim_max)
    {
      files.rlim_cur = files.rlim_max;
      setrlimit (RLIMIT_NOFILE, &files);
      getrlimit (RLIMIT_NOFILE, &files);
    }
  connection_room = ((gint64) MIN (files.rlim_cur, (rlim_t) G_MAXINT32) - SPARE_DESCRIPTORS) / 2;
  if (limit_options[0] != LIMIT_NOT_GIVEN && limit_options[0] > connection_room)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "--max-connections: %" G_GINT64_FORMAT " connections need %" G_GINT64_FORMAT
                   " file descriptors and this process may open %llu (raise “ulimit -Hn”)",
                   limit_options[0], 2 * limit_options[0] + SPARE_DESCRIPTORS,
                   (unsigned long long) files.rlim_cur);
      return FALSE;
    }
  return TRUE;
}

/* FALSE, having said why, when the limits contradict each other. */
static gboolean
apply_limits (QuorumServer *server)
{
  QuorumServerLimits limits;
  gint64 *fields[] = { &limits.max_connections, &limits.max_connections_per_address,
                       &limits.header_timeout, &limits.body_timeout, &limits.keepalive_timeout,
                       &limits.max_json_body, &limits.max_anonymous_body, &limits.max_instances_body,
                       &limits.max_instances_in_flight };

  quorum_server_get_limits (server, &limits);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (limit_options[i] != LIMIT_NOT_GIVEN)
      *fields[i] = limit_options[i];
  if (limits.max_connections > connection_room)
    {
      fprintf (stderr, "quorum-server: serving at most %" G_GINT64_FORMAT " connections, for the "
               "limit of open files (raise “ulimit -Hn” for the default of %" G_GINT64_FORMAT ")\n",
               MAX (connection_room, 1), limits.max_connections);
      limits.max_connections = MAX (connection_room, 1);
    }
  /* Else a save within its own limit could never be taken. */
  if (limits.max_instances_in_flight < limits.max_instances_body)
    {
      fprintf (stderr, "quorum-server: --max-instances-in-flight (%" G_GINT64_FORMAT " bytes) must be at least "
               "--max-instances-body (%" G_GINT64_FORMAT " bytes)\n", limits.max_instances_in_flight,
               limits.max_instances_body);
      return FALSE;
    }
  quorum_server_set_limits (server, &limits);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *admin = NULL;
  gint64 token_lifetime = 0;
  gint64 max_upload = 0;
  gint64 max_image_pixels = 0;
  gint64 idle_release = -1;
  gboolean version = FALSE;
  gboolean routes = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Keep the database and media in DIR (default: ./quorum-data); with --database only the media", "DIR" },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database,
      "Keep the database in PostgreSQL (a postgresql:// URL or libpq connection string), shared with "
      "other servers; DIR then holds only the media, and is to be shared too", "CONNINFO" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      "Listen on ADDRESS:PORT (default: 127.0.0.1:8080; port 0 picks a free one)", "ADDRESS:PORT" },
    { "create-admin", 0, 0, G_OPTION_ARG_STRING, &admin,
      "Create the administrator NAME (password from the terminal or one line of standard input) and exit",
      "NAME" },
    { "token-lifetime", 0, 0, G_OPTION_ARG_INT64, &token_lifetime,
      "Sign-in tokens expire after SECONDS (default: 30 days)", "SECONDS" },
    { "idle-release", 0, 0, G_OPTION_ARG_INT64, &idle_release,
      "Give an assigned draw task nobody touched for SECONDS back to everyone (default: 7200)", "SECONDS" },
    { "max-upload", 0, 0, G_OPTION_ARG_INT64, &max_upload,
      "Refuse media uploads over BYTES (default: 2 GiB)", "BYTES" },
    { "max-image-pixels", 0, 0, G_OPTION_ARG_INT64, &max_image_pixels,
      "Refuse uploaded images of more than PIXELS, width × height (default: 100000000)", "PIXELS" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      "Serve HTTPS with this PEM certificate (needs --tls-key)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      "The PEM private key of --tls-cert", "FILE" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { "routes", 0, 0, G_OPTION_ARG_NONE, &routes,
      "Print every API route (METHOD PATTERN anonymous|token) and exit", NULL },
    { NULL }
  };

  /* SQLite opens a temporary b-tree (with a page cache of its own) for every
   * IN (…) it searches an index with, and glibc gives such memory back to
   * the system and faults it in again each time: that was half the server's
   * processor time under load (docs/server.md, Figures). A fixed threshold
   * keeps up to 64 MiB of freed heap, and blocks of 8 MiB or more (uploads,
   * big bodies) still go straight back. */
  mallopt (M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  mallopt (M_MMAP_THRESHOLD, 8 * 1024 * 1024);

  setlocale (LC_ALL, "");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "The Quorum task server: accounts, projects, media, "
                                "jobs, review, exams and consensus over HTTP.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, login_entries, NULL);
  g_option_context_add_main_entries (context, limit_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "quorum-server: %s\nTry “quorum-server --help”.\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("quorum-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (routes)
    {
      g_autofree char *text = quorum_server_describe_routes ();

      fputs (text, stdout);
      return 0;
    }
  if (argc > 1)
    {
      fprintf (stderr, "quorum-server: unexpected argument “%s”\nTry “quorum-server --help”.\n",
               argv[1]);
      return 2;
    }
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      fprintf (stderr, "quorum-server: --tls-cert and --tls-key go together\n");
      return 2;
    }
  if (max_upload < 0)
    {
      fprintf (stderr, "quorum-server: --max-upload: must be 1 byte or more\n");
      return 2;
    }
  if (max_image_pixels < 0)
    {
      fprintf (stderr, "quorum-server: --max-image-pixels: must be 1 pixel or more\n");
      return 2;
    }
  if (token_lifetime < 0)
    {
      fprintf (stderr, "quorum-server: --token-lifetime: must be 1 second or more\n");
      return 2;
    }
  if (!check_limits (&error))
    {
      fprintf (stderr, "quorum-server: %s\n", error->message);
      return 2;
    }

  /* Absolute: uploads are probed through file:// URIs, which a relative
   * path cannot make ("--data data" refused every video). */
  {
    g_autofree char *relative = g_steal_pointer (&data_dir);

    data_dir = g_canonicalize_filename (relative != NULL ? relative : "quorum-data", NULL);
  }
  server = quorum_server_new (data_dir, database, &error);
  if (server == NULL)
    {
      fprintf (stderr, "quorum-server: %s\n", error->message);
      return 1;
    }
  if (admin != NULL)
    return create_admin (server, admin);
  if (token_lifetime > 0)
    quorum_server_set_token_lifetime (server, token_lifetime);
  if (max_upload > 0)
    quorum_server_set_max_upload (server, max_upload);
  if (max_image_pixels > 0)
    quorum_server_set_max_image_pixels (server, max_image_pixels);
  if (idle_release >= 0)
    quorum_server_set_idle_release (server, idle_release);
  if (!apply_login_options (server) || !apply_limits (server))
    return 2;
  if (tls_cert != NULL && !quorum_server_set_tls (server, tls_cert, tls_key, &error))
    {
      fprintf (stderr, "quorum-server: %s\n", error->message);
      return 2;
    }
  if (!quorum_server_listen (server, listen != NULL ? listen : "127.0.0.1:8080", &error))
    {
      fprintf (stderr, "quorum-server: %s\n", error->message);
      return 1;
    }
  printf ("quorum-server %s listening on port %u\n", PACKAGE_VERSION,
          quorum_server_get_port (server));
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
