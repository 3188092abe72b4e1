/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "quorum-error.h"
#include "quorum-store.h"

struct _QuorumStore
{
  sqlite3 *db;
  char    *path;
};

/* Each entry moves the schema one version up; entries are never edited once
 * released, only appended. */
static const char * const migrations[] = {
  /* 1: the bookkeeping every later migration relies on */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};

static gboolean
exec (QuorumStore  *store,
      const char   *sql,
      GError      **error)
{
  char *message = NULL;

  if (sqlite3_exec (store->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "%s: %s", store->path, message != NULL ? message : "unknown SQLite error");
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

int
quorum_store_schema_version (QuorumStore *store)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (store->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
migrate (QuorumStore  *store,
         GError      **error)
{
  int version = quorum_store_schema_version (store);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "%s: schema version %d is newer than this quorum-server knows (%u); "
                   "use a newer quorum-server", store->path, version,
                   (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }
  for (guint i = (guint) version; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u;", i + 1);

      if (!exec (store, "BEGIN IMMEDIATE;", error))
        return FALSE;
      if (!exec (store, migrations[i], error) || !exec (store, bump, error))
        {
          exec (store, "ROLLBACK;", NULL);
          return FALSE;
        }
      if (!exec (store, "COMMIT;", error))
        return FALSE;
    }
  return TRUE;
}

QuorumStore *
quorum_store_open (const char  *data_dir,
                   GError     **error)
{
  g_autoptr(QuorumStore) store = g_new0 (QuorumStore, 1);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "%s: cannot create the data directory: %s", data_dir, g_strerror (saved_errno));
      return NULL;
    }
  store->path = g_build_filename (data_dir, "quorum.sqlite", NULL);
  if (sqlite3_open_v2 (store->path, &store->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", store->path,
                   store->db != NULL ? sqlite3_errmsg (store->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (store->db, 5000);
  /* An acknowledged write must survive a killed process or a power cut. */
  if (!exec (store, "PRAGMA journal_mode = WAL;"
                    "PRAGMA synchronous = FULL;"
                    "PRAGMA foreign_keys = ON;", error) ||
      !migrate (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

void
quorum_store_close (QuorumStore *store)
{
  if (store == NULL)
    return;
  if (store->db != NULL)
    sqlite3_close (store->db);
  g_free (store->path);
  g_free (store);
}

const char *
quorum_store_get_path (QuorumStore *store)
{
  return store->path;
}
