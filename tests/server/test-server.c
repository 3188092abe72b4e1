/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sqlite3.h>

/* A real quorum-server process on a free loopback port with a fresh data
 * directory and an administrator "root", as every server test uses it. */
typedef struct {
  char        *data_dir;
  GSubprocess *process;
  char        *base;
  SoupSession *session;
  char        *root_token;
} Fixture;

#define ROOT_PASSWORD "correct horse battery"

typedef struct {
  guint       status;
  JsonNode   *body;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static const char *server_binary (void) { return g_getenv ("QUORUM_SERVER_BIN"); }

/* A server outlives no failed test: it dies with the test program. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  return launcher;
}

static void
start_server (Fixture    *fixture,
              const char *token_lifetime)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  guint port = 0;

  fixture->process = g_subprocess_launcher_spawn (launcher, &error, server_binary (),
                                                  "--data", fixture->data_dir,
                                                  "--listen", "127.0.0.1:0",
                                                  "--token-lifetime", token_lifetime, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "port"));
  g_assert_true (sscanf (strstr (line, "port"), "port %u", &port) == 1);
  g_assert_cmpuint (port, >, 0);
  g_free (fixture->base);
  fixture->base = g_strdup_printf ("http://127.0.0.1:%u/api/v1", port);
}

static void
stop_server (Fixture *fixture,
             int      signal_number)
{
  g_subprocess_send_signal (fixture->process, signal_number);
  g_subprocess_wait (fixture->process, NULL, NULL);
  g_clear_object (&fixture->process);
}

/* Runs quorum-server --create-admin NAME with @password on standard input. */
static int
create_admin (const char *data_dir,
              const char *name,
              const char *password,
              char      **output)
{
  g_autoptr(GSubprocessLauncher) launcher =
    launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                  G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *input = g_strconcat (password, "\n", NULL);

  process = g_subprocess_launcher_spawn (launcher, &error, server_binary (), "--data", data_dir,
                                         "--create-admin", name, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, output, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static Reply
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *token,
         const char *body)
{
  g_autofree char *uri = g_strconcat (fixture->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Reply reply = { 0 };

  g_assert_nonnull (msg);
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
  bytes = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply.status = soup_message_get_status (msg);
  if (g_bytes_get_size (bytes) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_cmpstr (soup_message_headers_get_content_type (
                         soup_message_get_response_headers (msg), NULL), ==, "application/json");
      json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                  (gssize) g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      reply.body = json_node_ref (json_parser_get_root (parser));
    }
  return reply;
}

static JsonObject *
object (const Reply *reply)
{
  g_assert_nonnull (reply->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->body));
  return json_node_get_object (reply->body);
}

/* Asserts an error reply: its status, code and the start of its message. */
static void
assert_error (const Reply *reply,
              guint        status,
              const char  *code,
              const char  *message_prefix)
{
  JsonObject *error;

  g_assert_cmpuint (reply->status, ==, status);
  error = json_object_get_object_member (object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (!g_str_has_prefix (json_object_get_string_member (error, "message"), message_prefix))
    g_error ("message “%s” does not start with “%s”",
             json_object_get_string_member (error, "message"), message_prefix);
}

static char *
login (Fixture    *fixture,
       const char *user,
       const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"user\": \"%s\", \"password\": \"%s\"}", user, password);
  g_auto(Reply) reply = request (fixture, "POST", "/login", NULL, body);

  g_assert_cmpuint (reply.status, ==, 200);
  return g_strdup (json_object_get_string_member (object (&reply), "token"));
}

static gint64
create_user (Fixture    *fixture,
             const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"password\": \"%s-password\"}", name, name);
  g_auto(Reply) reply = request (fixture, "POST", "/users", fixture->root_token, body);

  g_assert_cmpuint (reply.status, ==, 201);
  return json_object_get_int_member (object (&reply), "id");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  fixture->data_dir = g_dir_make_tmp ("quorum-server-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (create_admin (fixture->data_dir, "root", ROOT_PASSWORD, &output), ==, 0);
  fixture->session = soup_session_new ();
  start_server (fixture, user_data != NULL ? user_data : "3600");
  fixture->root_token = login (fixture, "root", ROOT_PASSWORD);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->process != NULL)
    stop_server (fixture, SIGTERM);
  g_clear_object (&fixture->session);
  remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
  g_free (fixture->base);
  g_free (fixture->root_token);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_version_and_routing (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_auto(Reply) version = request (fixture, "GET", "/version", NULL, NULL);
  g_auto(Reply) unknown = request (fixture, "GET", "/no-such-thing", fixture->root_token, NULL);
  g_auto(Reply) method = request (fixture, "DELETE", "/projects", fixture->root_token, NULL);
  g_auto(Reply) bad_id = request (fixture, "GET", "/projects/abc", fixture->root_token, NULL);
  g_auto(Reply) missing = request (fixture, "GET", "/projects/999", fixture->root_token, NULL);

  g_assert_cmpuint (version.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (&version), "name"), ==, "quorum-server");
  g_assert_cmpstr (json_object_get_string_member (object (&version), "version"), ==, PACKAGE_VERSION);
  assert_error (&unknown, 404, "not_found", "no such resource: /api/v1/no-such-thing");
  assert_error (&method, 405, "method_not_allowed", "DELETE is not allowed on /api/v1/projects");
  assert_error (&bad_id, 404, "not_found", "no such resource");
  assert_error (&missing, 404, "not_found", "no project 999");
}

static void
test_login (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_auto(Reply) wrong = request (fixture, "POST", "/login", NULL,
                                 "{\"user\": \"root\", \"password\": \"not the password\"}");
  g_auto(Reply) nobody = request (fixture, "POST", "/login", NULL,
                                  "{\"user\": \"nobody\", \"password\": \"whatever1\"}");
  g_auto(Reply) missing = request (fixture, "POST", "/login", NULL, "{\"user\": \"root\"}");
  g_auto(Reply) wrong_type = request (fixture, "POST", "/login", NULL,
                                      "{\"user\": 7, \"password\": \"x\"}");
  g_auto(Reply) malformed = request (fixture, "POST", "/login", NULL, "{\"user\": \"root\",\n \"password\"");
  g_auto(Reply) not_object = request (fixture, "POST", "/login", NULL, "[1, 2]");
  g_auto(Reply) me = request (fixture, "GET", "/me", fixture->root_token, NULL);
  g_auto(Reply) anonymous = request (fixture, "GET", "/me", NULL, NULL);
  g_auto(Reply) forged = request (fixture, "GET", "/me", "00ff00ff", NULL);

  /* Unknown user and wrong password are told apart by nobody. */
  assert_error (&wrong, 401, "unauthorized", "wrong user name or password");
  assert_error (&nobody, 401, "unauthorized", "wrong user name or password");
  assert_error (&missing, 400, "invalid", "password: is missing");
  assert_error (&wrong_type, 400, "invalid", "user: must be a string");
  assert_error (&malformed, 400, "invalid", "body: 2:");
  assert_error (&not_object, 400, "invalid", "body: must be a JSON object");

  g_assert_cmpuint (me.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (&me), "name"), ==, "root");
  g_assert_true (json_object_get_boolean_member (object (&me), "admin"));
  assert_error (&anonymous, 401, "unauthorized", "Authorization:");
  assert_error (&forged, 401, "unauthorized", "the token is unknown or has expired");
}

static void
test_body_limits (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *huge = NULL;
  GString *text = g_string_new ("{\"name\": \"");

  for (guint i = 0; i < 1100000; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"}");
  huge = g_string_free (text, FALSE);
  {
    g_auto(Reply) too_large = request (fixture, "POST", "/projects", fixture->root_token, huge);
    g_auto(Reply) projects = request (fixture, "GET", "/projects", fixture->root_token, NULL);

    assert_error (&too_large, 413, "too_large", "body:");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (projects.body)), ==, 0);
  }
}

/* Only the token's hash reaches the database; logout ends the token. */
static void
test_tokens (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "quorum.sqlite", NULL);
  g_autofree char *token = login (fixture, "root", ROOT_PASSWORD);
  g_autofree char *contents = NULL;
  gsize length;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *wal_contents = NULL;
  gsize wal_length = 0;

  g_assert_cmpuint (strlen (token), ==, 64);
  g_assert_cmpstr (token, !=, fixture->root_token);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_file_get_contents (wal, &wal_contents, &wal_length, NULL);
  g_assert_null (g_strstr_len (contents, length, token));
  if (wal_contents != NULL)
    g_assert_null (memmem (wal_contents, wal_length, token, strlen (token)));

  {
    g_auto(Reply) logout = request (fixture, "POST", "/logout", token, NULL);
    g_auto(Reply) after = request (fixture, "GET", "/me", token, NULL);
    g_auto(Reply) other = request (fixture, "GET", "/me", fixture->root_token, NULL);

    g_assert_cmpuint (logout.status, ==, 204);
    assert_error (&after, 401, "unauthorized", "the token is unknown or has expired");
    g_assert_cmpuint (other.status, ==, 200);
  }
}

static void
test_token_expiry (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(Reply) before = request (fixture, "GET", "/me", fixture->root_token, NULL);

  g_assert_cmpuint (before.status, ==, 200);
  g_usleep (2100 * 1000);
  {
    g_auto(Reply) after = request (fixture, "GET", "/me", fixture->root_token, NULL);
    assert_error (&after, 401, "unauthorized", "the token is unknown or has expired");
  }
}

static void
test_create_admin (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *short_output = NULL;
  g_autofree char *taken_output = NULL;

  g_assert_cmpint (create_admin (fixture->data_dir, "eve", "short", &short_output), ==, 2);
  g_assert_nonnull (strstr (short_output, "password: must be at least 8 characters long"));
  g_assert_cmpint (create_admin (fixture->data_dir, "root", "another password", &taken_output), ==, 1);
  g_assert_nonnull (strstr (taken_output, "name: a user called “root” already exists"));
}

static void
test_users_and_orgs (Fixture       *fixture,
                     gconstpointer  user_data)
{
  gint64 alice = create_user (fixture, "alice");
  g_autofree char *alice_token = login (fixture, "alice", "alice-password");
  g_auto(Reply) duplicate = request (fixture, "POST", "/users", fixture->root_token,
                                     "{\"name\": \"alice\", \"password\": \"something long\"}");
  g_auto(Reply) short_password = request (fixture, "POST", "/users", fixture->root_token,
                                          "{\"name\": \"bob\", \"password\": \"short\"}");
  g_auto(Reply) slash = request (fixture, "POST", "/users", fixture->root_token,
                                 "{\"name\": \"a/b\", \"password\": \"long enough\"}");
  g_auto(Reply) by_annotator = request (fixture, "POST", "/users", alice_token,
                                        "{\"name\": \"mallory\", \"password\": \"long enough\"}");
  g_auto(Reply) list = request (fixture, "GET", "/users", fixture->root_token, NULL);
  g_auto(Reply) org = request (fixture, "POST", "/orgs", fixture->root_token, "{\"name\": \"Clinic\"}");
  g_auto(Reply) org_twice = request (fixture, "POST", "/orgs", fixture->root_token, "{\"name\": \"Clinic\"}");
  g_autofree char *member = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", alice);
  g_auto(Reply) add = request (fixture, "POST", "/orgs/1/members", fixture->root_token, member);
  g_auto(Reply) orgs = request (fixture, "GET", "/orgs", fixture->root_token, NULL);

  assert_error (&duplicate, 409, "conflict", "name: a user called “alice” already exists");
  assert_error (&short_password, 400, "invalid", "password: must be at least 8 characters long");
  assert_error (&slash, 400, "invalid", "name: may hold");
  assert_error (&by_annotator, 403, "forbidden", "only a server administrator may do this");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list.body)), ==, 2);
  g_assert_cmpuint (org.status, ==, 201);
  assert_error (&org_twice, 409, "conflict", "name: an organization called “Clinic” already exists");
  g_assert_cmpuint (add.status, ==, 204);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (orgs.body), 0),
                                               "members"), ==, 1);
}

/* Who may do what in a project. */
static void
test_project_roles (Fixture       *fixture,
                    gconstpointer  user_data)
{
  gint64 alice = create_user (fixture, "alice");
  gint64 bob = create_user (fixture, "bob");
  g_autofree char *alice_token = login (fixture, "alice", "alice-password");
  g_autofree char *bob_token = login (fixture, "bob", "bob-password");
  g_auto(Reply) project = request (fixture, "POST", "/projects", fixture->root_token,
                                   "{\"name\": \"Chest X-rays\"}");
  g_autofree char *alice_path = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, alice);
  g_autofree char *bob_path = g_strdup_printf ("/projects/1/members/%" G_GINT64_FORMAT, bob);

  g_assert_cmpuint (project.status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (object (&project), "name"), ==, "Chest X-rays");
  {
    g_auto(Reply) set = request (fixture, "PUT", alice_path, fixture->root_token, "{\"role\": \"annotator\"}");
    g_auto(Reply) bad_role = request (fixture, "PUT", bob_path, fixture->root_token, "{\"role\": \"owner\"}");
    g_auto(Reply) unknown_user = request (fixture, "PUT", "/projects/1/members/77", fixture->root_token,
                                          "{\"role\": \"viewer\"}");

    g_assert_cmpuint (set.status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (object (&set), "role"), ==, "annotator");
    assert_error (&bad_role, 400, "invalid", "role: “owner” is not one of");
    assert_error (&unknown_user, 404, "not_found", "no user 77");
  }
  {
    /* alice (annotator) reads the project but may not manage it; bob, no
     * member, does not learn that it exists. */
    g_auto(Reply) alice_reads = request (fixture, "GET", "/projects/1", alice_token, NULL);
    g_auto(Reply) alice_adds = request (fixture, "PUT", bob_path, alice_token, "{\"role\": \"viewer\"}");
    g_auto(Reply) alice_labels = request (fixture, "PUT", "/projects/1/labels", alice_token, "{\"labels\": []}");
    g_auto(Reply) bob_reads = request (fixture, "GET", "/projects/1", bob_token, NULL);
    g_auto(Reply) bob_members = request (fixture, "GET", "/projects/1/members", bob_token, NULL);
    g_auto(Reply) bob_list = request (fixture, "GET", "/projects", bob_token, NULL);
    g_auto(Reply) alice_list = request (fixture, "GET", "/projects", alice_token, NULL);
    g_auto(Reply) alice_creates = request (fixture, "POST", "/projects", alice_token, "{\"name\": \"Mine\"}");

    g_assert_cmpuint (alice_reads.status, ==, 200);
    assert_error (&alice_adds, 403, "forbidden", "your role in this project does not allow this");
    assert_error (&alice_labels, 403, "forbidden", "your role");
    assert_error (&bob_reads, 404, "not_found", "no project 1");
    assert_error (&bob_members, 404, "not_found", "no project 1");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (bob_list.body)), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (alice_list.body)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (alice_list.body), 0),
                                                    "role"), ==, "annotator");
    assert_error (&alice_creates, 403, "forbidden", "only a server administrator");
  }
  {
    /* Made admin of the project, alice may manage members; removed, she is out. */
    g_auto(Reply) promote = request (fixture, "PUT", alice_path, fixture->root_token, "{\"role\": \"admin\"}");
    g_auto(Reply) alice_adds = request (fixture, "PUT", bob_path, alice_token, "{\"role\": \"viewer\"}");
    g_auto(Reply) members = request (fixture, "GET", "/projects/1/members", alice_token, NULL);
    g_auto(Reply) remove = request (fixture, "DELETE", bob_path, alice_token, NULL);
    g_auto(Reply) remove_again = request (fixture, "DELETE", bob_path, alice_token, NULL);
    g_auto(Reply) bob_reads = request (fixture, "GET", "/projects/1", bob_token, NULL);

    g_assert_cmpuint (promote.status, ==, 200);
    g_assert_cmpuint (alice_adds.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (members.body)), ==, 3);
    g_assert_cmpuint (remove.status, ==, 204);
    assert_error (&remove_again, 404, "not_found", "user");
    assert_error (&bob_reads, 404, "not_found", "no project 1");
  }
}

static void
test_labels (Fixture       *fixture,
             gconstpointer  user_data)
{
  const char *schema =
    "{\"labels\": [{\"name\": \"nodule\", \"color\": \"#e01b24\", \"kind\": \"polygon\","
    " \"attributes\": [{\"name\": \"malignant\", \"type\": \"boolean\"}]}]}";
  g_auto(Reply) project = request (fixture, "POST", "/projects", fixture->root_token, "{\"name\": \"CT\"}");
  g_auto(Reply) set = request (fixture, "PUT", "/projects/1/labels", fixture->root_token, schema);
  g_auto(Reply) bad = request (fixture, "PUT", "/projects/1/labels", fixture->root_token,
                               "{\"labels\": [{\"name\": \"a\", \"color\": \"#000000\", \"kind\": \"box\"},"
                               " {\"name\": \"b\", \"color\": \"#000000\", \"kind\": \"hexagon\"}]}");
  g_auto(Reply) after = request (fixture, "GET", "/projects/1/labels", fixture->root_token, NULL);
  JsonArray *labels;

  g_assert_cmpuint (project.status, ==, 201);
  g_assert_cmpuint (set.status, ==, 200);
  assert_error (&bad, 400, "invalid", "labels[1].kind:");
  /* The failed PUT changed nothing. */
  labels = json_object_get_array_member (object (&after), "labels");
  g_assert_cmpuint (json_array_get_length (labels), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (labels, 0), "name"), ==, "nodule");
}

static void
test_credentials (Fixture       *fixture,
                  gconstpointer  user_data)
{
  gint64 alice = create_user (fixture, "alice");
  g_autofree char *alice_token = login (fixture, "alice", "alice-password");
  g_autofree char *grant = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", alice);
  g_autofree char *revoke_path = g_strdup_printf ("/credentials/1/grants/%" G_GINT64_FORMAT, alice);
  g_autofree char *list_path = g_strdup_printf ("/users/%" G_GINT64_FORMAT "/credentials", alice);
  g_auto(Reply) project = request (fixture, "POST", "/projects", fixture->root_token, "{\"name\": \"Chest\"}");
  g_auto(Reply) create = request (fixture, "POST", "/projects/1/credentials", fixture->root_token,
                                  "{\"name\": \"Medical Doctor\", \"description\": \"An offline credential\"}");
  g_auto(Reply) twice = request (fixture, "POST", "/projects/1/credentials", fixture->root_token,
                                 "{\"name\": \"Medical Doctor\"}");
  g_auto(Reply) granted = request (fixture, "POST", "/credentials/1/grants", fixture->root_token, grant);
  g_auto(Reply) by_alice = request (fixture, "POST", "/credentials/1/grants", alice_token, grant);
  g_auto(Reply) unknown = request (fixture, "POST", "/credentials/9/grants", fixture->root_token, grant);
  g_auto(Reply) held = request (fixture, "GET", list_path, alice_token, NULL);
  g_auto(Reply) others = request (fixture, "GET", "/users/1/credentials", alice_token, NULL);

  g_assert_cmpuint (project.status, ==, 201);
  g_assert_cmpuint (create.status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (object (&create), "description"), ==, "An offline credential");
  assert_error (&twice, 409, "conflict", "name: the project already has a credential “Medical Doctor”");
  g_assert_cmpuint (granted.status, ==, 204);
  /* alice is no member of the project: she does not see it. */
  assert_error (&by_alice, 404, "not_found", "no project 1");
  assert_error (&unknown, 404, "not_found", "no credential 9");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (held.body)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (held.body), 0),
                                                  "name"), ==, "Medical Doctor");
  assert_error (&others, 403, "forbidden", "only a server administrator");
  {
    g_auto(Reply) revoke = request (fixture, "DELETE", revoke_path, fixture->root_token, NULL);
    g_auto(Reply) revoke_again = request (fixture, "DELETE", revoke_path, fixture->root_token, NULL);
    g_auto(Reply) after = request (fixture, "GET", list_path, alice_token, NULL);

    g_assert_cmpuint (revoke.status, ==, 204);
    assert_error (&revoke_again, 404, "not_found", "user");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (after.body)), ==, 0);
  }
}

static guint
count_descriptors (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (fixture->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Clients that come and go (each quorumctl run is one) leave no socket
 * behind in the server. */
static void
test_no_descriptor_leak (Fixture       *fixture,
                         gconstpointer  user_data)
{
  guint before, after;

  request (fixture, "GET", "/version", NULL, NULL);
  g_clear_object (&fixture->session);
  g_usleep (200 * 1000);
  before = count_descriptors (fixture);
  for (guint i = 0; i < 40; i++)
    {
      fixture->session = soup_session_new ();
      {
        g_auto(Reply) reply = request (fixture, "GET", "/me", fixture->root_token, NULL);
        g_assert_cmpuint (reply.status, ==, 200);
      }
      g_clear_object (&fixture->session);
    }
  /* Connections are kept alive; the server closes those whose client went
   * away within a second or two. */
  for (guint wait = 0; wait < 30 && (after = count_descriptors (fixture)) > before + 2; wait++)
    g_usleep (100 * 1000);
  g_assert_cmpuint (after, <=, before + 2);
  fixture->session = soup_session_new ();
}

/* A write acknowledged with 2xx survives SIGKILL right after. */
static void
test_kill_loses_nothing (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "quorum.sqlite", NULL);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\": \"project %u\"}", i);
      g_auto(Reply) created = request (fixture, "POST", "/projects", fixture->root_token, body);

      g_assert_cmpuint (created.status, ==, 201);
    }
  stop_server (fixture, SIGKILL);
  start_server (fixture, "3600");
  {
    g_auto(Reply) projects = request (fixture, "GET", "/projects", fixture->root_token, NULL);
    JsonArray *array = json_node_get_array (projects.body);

    g_assert_cmpuint (json_array_get_length (array), ==, 5);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 4), "name"), ==,
                     "project 4");
  }
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 2);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/version-and-routing", test_version_and_routing, NULL);
  ADD ("/server/login", test_login, NULL);
  ADD ("/server/body-limits", test_body_limits, NULL);
  ADD ("/server/tokens", test_tokens, NULL);
  ADD ("/server/token-expiry", test_token_expiry, "2");
  ADD ("/server/create-admin", test_create_admin, NULL);
  ADD ("/server/users-and-orgs", test_users_and_orgs, NULL);
  ADD ("/server/project-roles", test_project_roles, NULL);
  ADD ("/server/labels", test_labels, NULL);
  ADD ("/server/credentials", test_credentials, NULL);
  ADD ("/server/kill-loses-nothing", test_kill_loses_nothing, NULL);
  ADD ("/server/no-descriptor-leak", test_no_descriptor_leak, NULL);
#undef ADD
  return g_test_run ();
}
