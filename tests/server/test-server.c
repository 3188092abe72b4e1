/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

/* A real quorum-server process on a free loopback port with a fresh data
 * directory, as every server test uses it. */
typedef struct {
  char        *data_dir;
  GSubprocess *process;
  char        *base;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *server = g_getenv ("QUORUM_SERVER_BIN");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  guint port = 0;

  g_assert_nonnull (server);
  fixture->data_dir = g_dir_make_tmp ("quorum-server-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                       server, "--data", fixture->data_dir,
                                       "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (sscanf (strstr (line, "port"), "port %u", &port) == 1);
  g_assert_cmpuint (port, >, 0);
  fixture->base = g_strdup_printf ("http://127.0.0.1:%u", port);
  fixture->session = soup_session_new ();
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
  g_subprocess_force_exit (fixture->process);
  g_subprocess_wait (fixture->process, NULL, NULL);
  g_clear_object (&fixture->process);
  g_clear_object (&fixture->session);
  remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
  g_free (fixture->base);
}

static JsonObject *
get_json (Fixture    *fixture,
          const char *path,
          guint       expected_status)
{
  g_autofree char *uri = g_strconcat (fixture->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  g_assert_cmpstr (soup_message_headers_get_content_type (
                     soup_message_get_response_headers (msg), NULL), ==, "application/json");
  data = g_bytes_get_data (body, &length);
  json_parser_load_from_data (parser, data, (gssize) length, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_version (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(JsonObject) body = get_json (fixture, "/api/v1/version", SOUP_STATUS_OK);

  g_assert_cmpstr (json_object_get_string_member (body, "name"), ==, "quorum-server");
  g_assert_cmpstr (json_object_get_string_member (body, "version"), ==, PACKAGE_VERSION);
}

static void
test_unknown_route (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(JsonObject) body = get_json (fixture, "/api/v1/no-such-thing", SOUP_STATUS_NOT_FOUND);
  JsonObject *error = json_object_get_object_member (body, "error");

  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "not_found");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"),
                            "/api/v1/no-such-thing"));
}

/* The store promises WAL and a versioned schema; check the file itself. */
static void
test_store_file (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "quorum.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/version", Fixture, NULL, fixture_set_up, test_version, fixture_tear_down);
  g_test_add ("/server/unknown-route", Fixture, NULL, fixture_set_up, test_unknown_route,
              fixture_tear_down);
  g_test_add ("/server/store-file", Fixture, NULL, fixture_set_up, test_store_file,
              fixture_tear_down);
  return g_test_run ();
}
