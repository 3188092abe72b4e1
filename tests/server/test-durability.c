/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "quorum-cache.h"
#include "quorum-error.h"
#include "quorum-store.h"

/*
 * The durability settings of every SQLite connection the server's store and
 * the app's offline cache open: write-ahead log, synchronous=FULL, foreign
 * keys on. SQLite calls an automatic extension for every connection opened
 * in the process, so a connection the store adds later (a reader, say) is
 * checked too without the store having to report it.
 */

static GPtrArray *connections;

static int
note_connection (sqlite3                           *db,
                 const char                       **message,
                 const struct sqlite3_api_routines *api)
{
  g_ptr_array_add (connections, db);
  return SQLITE_OK;
}

static char *
pragma_text (sqlite3    *db,
             const char *pragma)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s", pragma);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_nonnull (value);
  return value;
}

/* Every connection opened since the array was emptied, and at least one,
 * at @synchronous: "2" (FULL), or "1" (NORMAL) inside a batch, whose log
 * quorum_store_sync makes durable. Never OFF: SQLite would then sync
 * neither a new log's header nor the database at a checkpoint, and a power
 * cut could corrupt the database whatever the server syncs itself. The
 * store's readers (read-only connections) stay at FULL, batch or not. */
static void
assert_connections_at (const char *synchronous_wanted,
                       gboolean    foreign_keys)
{
  g_assert_cmpuint (connections->len, >, 0);
  for (guint i = 0; i < connections->len; i++)
    {
      sqlite3 *db = g_ptr_array_index (connections, i);
      g_autofree char *journal_mode = pragma_text (db, "journal_mode");
      g_autofree char *synchronous = pragma_text (db, "synchronous");
      g_autofree char *keys = pragma_text (db, "foreign_keys");

      g_test_message ("connection %u of %s: journal_mode=%s synchronous=%s foreign_keys=%s", i,
                      sqlite3_db_filename (db, "main"), journal_mode, synchronous, keys);
      g_assert_cmpstr (journal_mode, ==, "wal");
      g_assert_cmpstr (synchronous, ==, sqlite3_db_readonly (db, "main") == 1 ? "2" : synchronous_wanted);
      if (foreign_keys)
        g_assert_cmpstr (keys, ==, "1");
    }
}

static void
assert_durable_connections (gboolean foreign_keys)
{
  assert_connections_at ("2", foreign_keys);   /* FULL */
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("quorum-durability-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                   NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      remove_tree (child);
      g_object_unref (info);
    }
  g_remove (path);
}

static void
test_store_new_and_reopened (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autoptr(GError) error = NULL;

  for (int run = 0; run < 2; run++)
    {
      /* The first run creates and migrates the database, the second finds it. */
      g_autoptr(QuorumStore) store = NULL;

      g_ptr_array_set_size (connections, 0);
      store = quorum_store_open (dir, &error);
      g_assert_no_error (error);
      g_assert_cmpint (quorum_store_schema_version (store), >, 0);
      assert_durable_connections (TRUE);
    }
  remove_tree (dir);
}

static void
test_store_after_batches (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumStore) store = NULL;
  gint64 user;

  g_ptr_array_set_size (connections, 0);
  store = quorum_store_open (dir, &error);
  g_assert_no_error (error);
  user = quorum_store_create_user (store, "ann", "not a real hash", FALSE, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%d", i);

      g_assert_true (quorum_store_batch_begin (store, &error));
      g_assert_no_error (error);
      g_assert_true (quorum_store_in_batch (store));
      assert_connections_at ("1", TRUE);   /* NORMAL */
      /* Foreign keys hold inside a batch: no project for a user who is not. */
      g_assert_cmpint (quorum_store_create_project (store, name, 0, user + 1000, &error), ==, -1);
      g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
      g_clear_error (&error);
      g_assert_cmpint (quorum_store_create_project (store, name, 0, user, &error), >, 0);
      g_assert_no_error (error);
      g_assert_true (quorum_store_batch_commit (store, &error));
      g_assert_no_error (error);
      g_assert_true (quorum_store_sync (store, &error));
      g_assert_no_error (error);
      /* Outside a batch every change is durable when it returns, again. */
      assert_durable_connections (TRUE);
    }
  remove_tree (dir);
}

static gpointer
checkpoint_thread (gpointer data)
{
  QuorumStore *store = data;
  GError *error = NULL;

  if (!quorum_store_checkpoint (store, &error))
    return error;
  return NULL;
}

static goffset
file_size (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

/* With quorum_store_checkpoint_elsewhere (the server's way) a commit that
 * leaves a big log does not copy it into the database itself: a thread
 * does, on a connection of its own that is as durable as the others, and
 * the writer starts the log over after it. */
static void
test_store_checkpoint_elsewhere (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *db = g_build_filename (dir, "quorum.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumStore) store = NULL;
  g_autoptr(GString) labels = g_string_new ("[");
  GThread *thread;
  gint64 user, project;
  goffset before;

  g_ptr_array_set_size (connections, 0);
  store = quorum_store_open (dir, &error);
  g_assert_no_error (error);
  quorum_store_checkpoint_elsewhere (store);
  user = quorum_store_create_user (store, "ann", "not a real hash", FALSE, &error);
  g_assert_no_error (error);
  project = quorum_store_create_project (store, "p", 0, user, &error);
  g_assert_no_error (error);
  /* About 6.5 MB: some 1,600 pages, past the checkpoint's 1,000 frames. */
  for (int i = 0; i < 120000; i++)
    g_string_append_printf (labels, "%s{\"name\": \"label %06d with some words to fill a page\"}", i ? "," : "", i);
  g_string_append_c (labels, ']');
  before = file_size (db);

  g_assert_true (quorum_store_batch_begin (store, &error));
  g_assert_true (quorum_store_set_labels (store, project, labels->str, &error));
  g_assert_no_error (error);
  g_assert_true (quorum_store_batch_commit (store, &error));
  g_assert_no_error (error);
  g_assert_true (quorum_store_sync (store, &error));
  g_assert_no_error (error);
  /* In the log only: the commit did not checkpoint. */
  g_assert_true (quorum_store_checkpoint_due (store));
  g_assert_cmpint (file_size (db), <, before + 1024 * 1024);

  /* Checkpointed in another thread while the writer commits again. */
  thread = g_thread_new ("checkpoint", checkpoint_thread, store);
  g_assert_cmpint (quorum_store_create_project (store, "q", 0, user, &error), >, 0);
  g_assert_no_error (error);
  error = g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpint (file_size (db), >, before + 5 * 1024 * 1024);
  assert_durable_connections (TRUE);

  /* The next commit copies what was committed while the thread ran (in
   * the same commit if nothing was), and the write after it starts the log
   * over. */
  g_assert_cmpint (quorum_store_create_project (store, "r", 0, user, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (quorum_store_create_project (store, "s", 0, user, &error), >, 0);
  g_assert_no_error (error);
  g_assert_false (quorum_store_checkpoint_due (store));
  remove_tree (dir);
}

static void
test_cache (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "user", "cache.sqlite", NULL);
  g_autofree char *media = g_build_filename (dir, "media", NULL);
  g_autoptr(GError) error = NULL;

  for (int run = 0; run < 2; run++)
    {
      g_autoptr(QuorumCache) cache = NULL;

      g_ptr_array_set_size (connections, 0);
      cache = quorum_cache_open_at (path, media, &error);
      g_assert_no_error (error);
      g_assert_cmpint (quorum_cache_get_schema_version (cache), >, 0);
      /* The cache's schema has no foreign keys to enforce. */
      assert_durable_connections (FALSE);
    }
  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  connections = g_ptr_array_new ();
  sqlite3_auto_extension ((void (*) (void)) note_connection);
  g_test_add_func ("/durability/store/new-and-reopened", test_store_new_and_reopened);
  g_test_add_func ("/durability/store/after-batches", test_store_after_batches);
  g_test_add_func ("/durability/store/checkpoint-elsewhere", test_store_checkpoint_elsewhere);
  g_test_add_func ("/durability/cache", test_cache);
  return g_test_run ();
}
