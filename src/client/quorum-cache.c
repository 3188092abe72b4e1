/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-client"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "quorum-cache.h"
#include "quorum-error.h"
#include "quorum-server-address.h"
#include "quorum-wire.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

struct _QuorumCache
{
  GObject  parent_instance;

  sqlite3 *db;
  char    *path;
  char    *media_dir;
};

G_DEFINE_FINAL_TYPE (QuorumCache, quorum_cache, G_TYPE_OBJECT)

enum {
  OUTBOX_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One entry per schema version; a cache is migrated forward on open. */
static const char *migrations[] = {
  /* 1 */
  "CREATE TABLE tasks ("
  "  id       INTEGER PRIMARY KEY,"
  "  job      INTEGER NOT NULL,"
  "  file     INTEGER NOT NULL,"
  "  version  INTEGER NOT NULL,"
  "  view     TEXT NOT NULL,"
  "  fetched  INTEGER NOT NULL);"
  "CREATE INDEX tasks_job ON tasks (job, id);"
  "CREATE TABLE working ("
  "  task          INTEGER PRIMARY KEY,"
  "  instances     TEXT NOT NULL,"
  "  base_version  INTEGER NOT NULL,"
  "  updated       INTEGER NOT NULL);"
  "CREATE TABLE outbox ("
  "  id            INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  task          INTEGER NOT NULL,"
  "  kind          TEXT NOT NULL CHECK (kind IN ('save', 'submit')),"
  "  payload       TEXT NOT NULL,"
  "  base_version  INTEGER NOT NULL,"
  "  created       INTEGER NOT NULL,"
  "  attempts      INTEGER NOT NULL DEFAULT 0,"
  "  last_error    TEXT,"
  "  revision      INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX outbox_task ON outbox (task, id);"
  "CREATE TABLE conflicts ("
  "  id              INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  task            INTEGER NOT NULL,"
  "  instances       TEXT NOT NULL,"
  "  server_version  INTEGER NOT NULL,"
  "  reason          TEXT,"
  "  created         INTEGER NOT NULL,"
  "  resolved        INTEGER,"
  "  resolution      TEXT CHECK (resolution IN ('keep_mine', 'take_server')));"
  "CREATE INDEX conflicts_task ON conflicts (task, id);"
  "CREATE TABLE guides ("
  "  id       INTEGER PRIMARY KEY,"
  "  guide    TEXT NOT NULL,"
  "  fetched  INTEGER NOT NULL);"
  "CREATE TABLE documents ("
  "  name     TEXT PRIMARY KEY,"
  "  json     TEXT NOT NULL,"
  "  fetched  INTEGER NOT NULL);"
  "CREATE TABLE media ("
  "  file  INTEGER PRIMARY KEY,"
  "  size  INTEGER NOT NULL,"
  "  used  INTEGER NOT NULL);"
  "CREATE TABLE settings ("
  "  name   TEXT PRIMARY KEY,"
  "  value  TEXT NOT NULL);",
  /* 2: review decisions and consensus steps go through the outbox too.
   * SQLite cannot change a CHECK: the table is made again, ids kept. */
  "CREATE TABLE outbox_new ("
  "  id            INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  task          INTEGER NOT NULL,"
  "  kind          TEXT NOT NULL CHECK (kind IN ('save', 'submit', 'rating', 'accept', 'reject', 'consensus')),"
  "  payload       TEXT NOT NULL,"
  "  base_version  INTEGER NOT NULL,"
  "  created       INTEGER NOT NULL,"
  "  attempts      INTEGER NOT NULL DEFAULT 0,"
  "  last_error    TEXT,"
  "  revision      INTEGER NOT NULL DEFAULT 0);"
  "INSERT INTO outbox_new SELECT id, task, kind, payload, base_version, created, attempts, last_error, revision "
  "  FROM outbox;"
  "DROP TABLE outbox;"
  "ALTER TABLE outbox_new RENAME TO outbox;"
  "CREATE INDEX outbox_task ON outbox (task, id);",
  /* 3: a conflict says what the refusal meant, and a copy can be set aside
   * without sending it (keep_copy). SQLite cannot change a CHECK: the table
   * is made again, ids kept; a copy from before whose server version was
   * unknown was a task no longer the user's. */
  "CREATE TABLE conflicts_new ("
  "  id              INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  task            INTEGER NOT NULL,"
  "  instances       TEXT NOT NULL,"
  "  server_version  INTEGER NOT NULL,"
  "  reason          TEXT,"
  "  created         INTEGER NOT NULL,"
  "  resolved        INTEGER,"
  "  resolution      TEXT CHECK (resolution IN ('keep_mine', 'take_server', 'keep_copy')),"
  "  cause           TEXT NOT NULL DEFAULT 'stale');"
  "INSERT INTO conflicts_new (id, task, instances, server_version, reason, created, resolved, resolution, cause) "
  "  SELECT id, task, instances, server_version, reason, created, resolved, resolution,"
  "         CASE WHEN server_version < 0 THEN 'not_yours' ELSE 'stale' END FROM conflicts;"
  "DROP TABLE conflicts;"
  "ALTER TABLE conflicts_new RENAME TO conflicts;"
  "CREATE INDEX conflicts_task ON conflicts (task, id);",
  /* 4: a trainer's pass or fail of an exam attempt goes through the outbox;
   * it is no task's (task 0). SQLite cannot change a CHECK: the table is
   * made again, ids kept. */
  "CREATE TABLE outbox_new ("
  "  id            INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  task          INTEGER NOT NULL,"
  "  kind          TEXT NOT NULL CHECK (kind IN ('save', 'submit', 'rating', 'accept', 'reject', 'consensus',"
  "                                              'grade')),"
  "  payload       TEXT NOT NULL,"
  "  base_version  INTEGER NOT NULL,"
  "  created       INTEGER NOT NULL,"
  "  attempts      INTEGER NOT NULL DEFAULT 0,"
  "  last_error    TEXT,"
  "  revision      INTEGER NOT NULL DEFAULT 0);"
  "INSERT INTO outbox_new SELECT id, task, kind, payload, base_version, created, attempts, last_error, revision "
  "  FROM outbox;"
  "DROP TABLE outbox;"
  "ALTER TABLE outbox_new RENAME TO outbox;"
  "CREATE INDEX outbox_task ON outbox (task, id);",
  /* 5: a video downloaded for offline work (its proxy and frame index)
   * counts against the media limit and is evicted like any media; proxies
   * already on disk are counted once looked up (quorum_cache_lookup_video_media). */
  "CREATE TABLE video_media ("
  "  file  INTEGER PRIMARY KEY,"
  "  size  INTEGER NOT NULL,"
  "  used  INTEGER NOT NULL);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == QUORUM_CACHE_SCHEMA_VERSION);

/* The outbox's kinds, as QuorumCacheOpKind orders them. */
static const char * const op_kinds[] = {
  "save", "submit", "rating", "accept", "reject", "consensus", "grade",
};

/* Tasks whose media must stay: they have work the server has not taken. */
#define TASKS_WITH_WORK \
  "(SELECT task FROM outbox UNION SELECT task FROM working " \
  " UNION SELECT task FROM conflicts WHERE resolved IS NULL)"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- SQLite -------------------------------------------------------------- */

static gboolean
set_sql_error (QuorumCache  *self,
               GError      **error)
{
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the local cache %s: %s",
               self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
prepare (QuorumCache  *self,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (self, error);
      return NULL;
    }
  return stmt;
}

static gboolean
exec_sql (QuorumCache  *self,
          const char   *sql,
          GError      **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the local cache %s: %s",
                   self->path, message != NULL ? message : "unknown SQLite error");
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (QuorumCache   *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sql_error (self, error);
  return TRUE;
}

/* Runs @sql with up to three integer parameters (the rest ignored). */
static gboolean
exec_ints (QuorumCache  *self,
           const char   *sql,
           GError      **error,
           guint         n_params,
           gint64        a,
           gint64        b,
           gint64        c)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  gint64 values[3] = { a, b, c };

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_params && i < 3; i++)
    sqlite3_bind_int64 (stmt, (int) i + 1, values[i]);
  return step_done (self, stmt, error);
}

/* One integer from a one-row query with up to two integer parameters;
 * @fallback when there is no row or the value is NULL. */
static gint64
query_int (QuorumCache *self,
           const char  *sql,
           guint        n_params,
           gint64       a,
           gint64       b,
           gint64       fallback)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, NULL);

  if (stmt == NULL)
    return fallback;
  if (n_params > 0)
    sqlite3_bind_int64 (stmt, 1, a);
  if (n_params > 1)
    sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return fallback;
  return sqlite3_column_int64 (stmt, 0);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
begin (QuorumCache  *self,
       GError      **error)
{
  return exec_sql (self, "BEGIN IMMEDIATE", error);
}

/* Commits, or rolls back when @ok is FALSE (the error is already set). */
static gboolean
finish_transaction (QuorumCache  *self,
                    gboolean      ok,
                    GError      **error)
{
  if (ok && exec_sql (self, "COMMIT", error))
    return TRUE;
  exec_sql (self, "ROLLBACK", NULL);
  return FALSE;
}

static void
outbox_changed (QuorumCache *self)
{
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
}

/* ---- the object ---------------------------------------------------------- */

static void
quorum_cache_finalize (GObject *object)
{
  QuorumCache *self = QUORUM_CACHE (object);

  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);
  g_free (self->media_dir);
  G_OBJECT_CLASS (quorum_cache_parent_class)->finalize (object);
}

static void
quorum_cache_class_init (QuorumCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_cache_finalize;

  /**
   * QuorumCache::outbox-changed:
   *
   * The outbox or the conflicts changed: work to send, or sent.
   */
  signals[OUTBOX_CHANGED] =
    g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
quorum_cache_init (QuorumCache *self)
{
}

static gboolean
migrate (QuorumCache  *self,
         GError      **error)
{
  int version = quorum_cache_get_schema_version (self);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "the local cache %s has schema version %d, newer than this Quorum knows (%u); "
                   "use a newer Quorum", self->path, version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }
  for (guint i = (guint) MAX (version, 0); i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      if (!begin (self, error))
        return FALSE;
      if (!finish_transaction (self, exec_sql (self, migrations[i], error) &&
                                     exec_sql (self, bump, error), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
make_dir (const char  *path,
          GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot create the folder: %s",
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

QuorumCache *
quorum_cache_open_at (const char  *database_path,
                      const char  *media_dir,
                      GError     **error)
{
  g_autoptr(QuorumCache) self = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (database_path != NULL && media_dir != NULL, NULL);

  folder = g_path_get_dirname (database_path);
  if (!make_dir (folder, error) || !make_dir (media_dir, error))
    return NULL;
  self = g_object_new (QUORUM_TYPE_CACHE, NULL);
  self->path = g_strdup (database_path);
  self->media_dir = g_strdup (media_dir);
  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "the local cache %s: %s", self->path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* Every edit is committed to the write-ahead log and fsynced before
   * save_local returns: a killed app or a power cut loses nothing. */
  if (!exec_sql (self, "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;", error) ||
      !migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* "127.0.0.1-8080" for http://127.0.0.1:8080. */
static char *
server_folder_name (const char  *server,
                    GError     **error)
{
  g_autofree char *normalized = quorum_server_address_normalize (server, error);
  g_autoptr(GUri) uri = NULL;
  int port;

  if (normalized == NULL)
    return NULL;
  if ((uri = g_uri_parse (normalized, G_URI_FLAGS_NONE, error)) == NULL)
    return NULL;
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  return g_strdup_printf ("%s-%d", g_uri_get_host (uri), port);
}

/* A user name as one folder name: never ".", ".." or a path. */
static char *
user_folder_name (const char *user)
{
  char *name = g_uri_escape_string (user, " !$&'()*+,;=:@", TRUE);

  if (name[0] == '\0' || g_str_equal (name, ".") || g_str_equal (name, ".."))
    {
      g_autofree char *dots = name;

      name = g_strconcat ("%2E", dots + (dots[0] == '.' ? 1 : 0), NULL);
    }
  return name;
}

QuorumCache *
quorum_cache_open (const char  *server,
                   const char  *user,
                   GError     **error)
{
  g_autofree char *host = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *database = NULL;
  g_autofree char *media = NULL;

  g_return_val_if_fail (server != NULL && user != NULL, NULL);

  if ((host = server_folder_name (server, error)) == NULL)
    return NULL;
  folder = user_folder_name (user);
  database = g_build_filename (g_get_user_data_dir (), "quorum", host, folder, "cache.sqlite", NULL);
  media = g_build_filename (g_get_user_cache_dir (), "quorum", host, "media", NULL);
  return quorum_cache_open_at (database, media, error);
}

const char *
quorum_cache_get_path (QuorumCache *cache)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  return cache->path;
}

const char *
quorum_cache_get_media_dir (QuorumCache *cache)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  return cache->media_dir;
}

int
quorum_cache_get_schema_version (QuorumCache *cache)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), -1);
  return (int) query_int (cache, "PRAGMA user_version", 0, 0, 0, -1);
}

void
quorum_cache_op_free (QuorumCacheOp *op)
{
  if (op == NULL)
    return;
  g_free (op->payload);
  g_free (op->last_error);
  g_free (op);
}

void
quorum_cache_conflict_free (QuorumCacheConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->instances);
  g_free (conflict->reason);
  g_free (conflict);
}

/* ---- tasks --------------------------------------------------------------- */

static JsonNode *
parse_text (const char  *text,
            const char  *what,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = quorum_wire_parse_bytes (text, strlen (text), &local_error);

  if (node == NULL)
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: %s", what, local_error->message);
  return node;
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
task_has_work (QuorumCache *self,
               gint64       task_id)
{
  return query_int (self, "SELECT 1 FROM outbox WHERE task = ?1 "
                          "UNION ALL SELECT 1 FROM conflicts WHERE task = ?1 AND resolved IS NULL",
                    1, task_id, 0, 0) == 1;
}

gboolean
quorum_cache_store_task (QuorumCache  *cache,
                         JsonNode     *view,
                         GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  JsonNode *guide;
  gint64 id, job, file, version;
  gboolean ok;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (view != NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (view) ||
      !member_int ((object = json_node_get_object (view)), "id", &id) ||
      !member_int (object, "job", &job) || !member_int (object, "file", &file) ||
      !member_int (object, "version", &version))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "task: the server's task lacks an id, job, file or version");
      return FALSE;
    }
  text = quorum_wire_to_string (view, FALSE);
  if (!begin (cache, error))
    return FALSE;
  ok = (stmt = prepare (cache, "INSERT INTO tasks (id, job, file, version, view, fetched) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET "
                               "job = ?2, file = ?3, version = ?4, view = ?5, fetched = ?6", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, job);
      sqlite3_bind_int64 (stmt, 3, file);
      sqlite3_bind_int64 (stmt, 4, version);
      sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 6, now_seconds ());
      ok = step_done (cache, stmt, error);
    }
  /* With nothing unsent the server's instances are the truth; with unsent
   * work or a conflict the user's edits stay what they work on. */
  if (ok && !task_has_work (cache, id))
    ok = exec_ints (cache, "DELETE FROM working WHERE task = ?1", error, 1, id, 0, 0);
  /* In the same transaction: a guide the cache refuses leaves no task
   * stored without it. */
  guide = json_object_get_member (object, "guide");
  if (ok && guide != NULL && JSON_NODE_HOLDS_OBJECT (guide))
    ok = quorum_cache_store_guide (cache, guide, error);
  return finish_transaction (cache, ok, error);
}

JsonNode *
quorum_cache_get_task (QuorumCache  *cache,
                       gint64        task_id,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT view FROM tasks WHERE id = ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, task_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return parse_text ((const char *) sqlite3_column_text (stmt, 0), "the cached task", error);
  if (rc != SQLITE_DONE)
    set_sql_error (cache, error);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                 "task %" G_GINT64_FORMAT " is not in the local cache; open it once while online",
                 task_id);
  return NULL;
}

GArray *
quorum_cache_list_tasks (QuorumCache  *cache,
                         gint64        job_id,
                         GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT id FROM tasks WHERE ?1 = 0 OR job = ?1 ORDER BY id", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, job_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      set_sql_error (cache, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gint64
quorum_cache_get_server_version (QuorumCache *cache,
                                 gint64       task_id)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), -1);
  return query_int (cache, "SELECT version FROM tasks WHERE id = ?1", 1, task_id, 0, -1);
}

/* Walks a stored task view with the streaming reader, to its "instances":
 * read into the model when @model is not NULL, else its bytes located
 * (@span, @span_length); NULL either way when the view has no array there. FALSE when
 * the reader refuses any byte of the view, which the tree path then words. */
static gboolean
walk_view (const char  *view,
           gsize        length,
           GPtrArray  **model,
           const char **span,
           gsize       *span_length)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) instances = NULL;
  const char *start = NULL, *end = NULL;
  QuorumJsonReader reader;
  const char *name;
  gboolean ok;

  if (length > QUORUM_WIRE_MAX_BYTES)
    return FALSE;
  quorum_json_reader_init (&reader, view, length);
  ok = quorum_json_reader_begin_object (&reader);
  while (ok && (name = quorum_json_reader_next_member (&reader, NULL)) != NULL)
    {
      /* The reader leaves repeated members to its caller; the tree path
       * refuses them. */
      if (!g_hash_table_add (seen, g_strdup (name)))
        ok = quorum_json_reader_fail (&reader);
      else if (strcmp (name, "instances") != 0 || quorum_json_reader_peek (&reader) != QUORUM_JSON_ARRAY)
        ok = quorum_json_reader_skip (&reader);
      else if (model != NULL)
        ok = (instances = quorum_wire_reader_read_instances (&reader, NULL)) != NULL;
      else
        {
          start = reader.p;
          ok = quorum_json_reader_skip (&reader);
          end = reader.p;
        }
    }
  ok = ok && quorum_json_reader_end (&reader);
  quorum_json_reader_clear (&reader);
  if (!ok)
    return FALSE;
  if (model != NULL)
    *model = g_steal_pointer (&instances);
  else
    {
      *span = start;
      *span_length = end - start;
    }
  return TRUE;
}

/* Runs @func on the text of the task's working instances (@is_view FALSE),
 * or on its stored view when it has none (@is_view TRUE), without copying
 * it out of the database. */
typedef gpointer (*LocalFunc) (const char  *text,
                               gsize        length,
                               gboolean     is_view,
                               GError     **error);

static gpointer
with_local_text (QuorumCache  *self,
                 gint64        task_id,
                 LocalFunc     func,
                 GError      **error)
{
  g_autoptr(sqlite3_stmt) working = NULL;
  g_autoptr(sqlite3_stmt) task = NULL;
  int rc;

  if ((working = prepare (self, "SELECT instances FROM working WHERE task = ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (working, 1, task_id);
  if ((rc = sqlite3_step (working)) == SQLITE_ROW)
    return func ((const char *) sqlite3_column_text (working, 0), sqlite3_column_bytes (working, 0),
                 FALSE, error);
  if (rc != SQLITE_DONE)
    {
      set_sql_error (self, error);
      return NULL;
    }
  if ((task = prepare (self, "SELECT view FROM tasks WHERE id = ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (task, 1, task_id);
  if ((rc = sqlite3_step (task)) == SQLITE_ROW)
    return func ((const char *) sqlite3_column_text (task, 0), sqlite3_column_bytes (task, 0),
                 TRUE, error);
  if (rc != SQLITE_DONE)
    set_sql_error (self, error);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                 "task %" G_GINT64_FORMAT " is not in the local cache; open it once while online",
                 task_id);
  return NULL;
}

/* The "instances" array of a stored view through the tree path: for a
 * view the streaming reader refused, so that the error is worded as
 * before. */
static JsonNode *
view_instances_by_tree (const char  *view,
                        JsonNode   **instances,
                        GError     **error)
{
  JsonNode *node = parse_text (view, "the cached task", error);
  JsonNode *member;

  if (node == NULL)
    return NULL;
  member = JSON_NODE_HOLDS_OBJECT (node) ? json_object_get_member (json_node_get_object (node), "instances")
                                         : NULL;
  *instances = member != NULL && JSON_NODE_HOLDS_ARRAY (member) ? member : NULL;
  return node;
}

static gpointer
local_text (const char  *text,
            gsize        length,
            gboolean     is_view,
            GError     **error)
{
  g_autoptr(JsonNode) view = NULL;
  JsonNode *instances;
  const char *span;
  gsize span_length;
  GString *compact;

  if (!is_view)
    return g_strndup (text, length);
  /* The view as stored is compact: its instances are written again
   * compact, byte for byte what the tree path wrote, without the tree. */
  if (walk_view (text, length, NULL, &span, &span_length))
    {
      if (span == NULL)
        return g_strdup ("[]");
      compact = g_string_sized_new (span_length + 1);
      if (quorum_wire_rewrite_compact (span, span_length, compact))
        return g_string_free (compact, FALSE);
      g_string_free (compact, TRUE);
    }
  if ((view = view_instances_by_tree (text, &instances, error)) == NULL)
    return NULL;
  return instances != NULL ? quorum_wire_to_string (instances, FALSE) : g_strdup ("[]");
}

static gpointer
local_model (const char  *text,
             gsize        length,
             gboolean     is_view,
             GError     **error)
{
  g_autoptr(JsonNode) view = NULL;
  GPtrArray *model = NULL;
  JsonNode *instances;

  if (!is_view)
    return quorum_wire_parse_instances (text, length, NULL, "instances", error);
  if (walk_view (text, length, &model, NULL, NULL))
    return model != NULL ? model : g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  if ((view = view_instances_by_tree (text, &instances, error)) == NULL)
    return NULL;
  if (instances == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  return quorum_wire_read_instances (instances, NULL, "instances", error);
}

char *
quorum_cache_get_local_instances (QuorumCache  *cache,
                                  gint64        task_id,
                                  GError      **error)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  return with_local_text (cache, task_id, local_text, error);
}

GPtrArray *
quorum_cache_read_local_instances (QuorumCache  *cache,
                                   gint64        task_id,
                                   GError      **error)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  return with_local_text (cache, task_id, local_model, error);
}

GPtrArray *
quorum_cache_read_server_instances (QuorumCache  *cache,
                                    gint64        task_id,
                                    gint64       *version,
                                    GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT version, view FROM tasks WHERE id = ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, task_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *view = (const char *) sqlite3_column_text (stmt, 1);
      gsize length = sqlite3_column_bytes (stmt, 1);
      g_autoptr(JsonNode) tree = NULL;
      JsonNode *instances = NULL;
      GPtrArray *model = NULL;

      if (version != NULL)
        *version = sqlite3_column_int64 (stmt, 0);
      if (walk_view (view, length, &model, NULL, NULL))
        {
          if (model == NULL)
            g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "the cached task has no instances");
          return model;
        }
      if ((tree = view_instances_by_tree (view, &instances, error)) == NULL)
        return NULL;
      if (instances == NULL)
        {
          g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "the cached task has no instances");
          return NULL;
        }
      return quorum_wire_read_instances (instances, NULL, "instances", error);
    }
  if (rc != SQLITE_DONE)
    set_sql_error (cache, error);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                 "task %" G_GINT64_FORMAT " is not in the local cache; open it once while online",
                 task_id);
  return NULL;
}

/* The version the user's work on @task_id is based on, or -1 (with
 * QUORUM_ERROR_NOT_FOUND) for a task the cache does not hold. */
static gint64
base_version (QuorumCache  *self,
              gint64        task_id,
              GError      **error)
{
  gint64 version = query_int (self, "SELECT COALESCE ((SELECT base_version FROM working WHERE task = ?1), "
                                    "(SELECT version FROM tasks WHERE id = ?1))", 1, task_id, 0, -1);

  if (version < 0)
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                 "task %" G_GINT64_FORMAT " is not in the local cache; open it once while online",
                 task_id);
  return version;
}

static gboolean
append_op (QuorumCache  *self,
           gint64        task_id,
           const char   *kind,
           const char   *payload,
           gint64        base,
           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "INSERT INTO outbox (task, kind, payload, base_version, created) "
                                                "VALUES (?1, ?2, ?3, ?4, ?5)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, task_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, payload, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, base);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  return step_done (self, stmt, error);
}

static gboolean
write_working (QuorumCache  *self,
               gint64        task_id,
               const char   *instances,
               gint64        base,
               GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "INSERT INTO working (task, instances, base_version, updated) "
                                                "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (task) DO UPDATE SET "
                                                "instances = ?2, updated = ?4", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, task_id);
  sqlite3_bind_text (stmt, 2, instances, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, base);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / 1000);
  return step_done (self, stmt, error);
}

static gboolean
save_in_transaction (QuorumCache  *self,
                     gint64        task_id,
                     const char   *instances,
                     GError      **error)
{
  g_autoptr(sqlite3_stmt) last = NULL;
  gint64 base;

  if ((base = base_version (self, task_id, error)) < 0 ||
      !write_working (self, task_id, instances, base, error))
    return FALSE;
  /* Consecutive saves of one task become one: the newest operation of the
   * outbox takes the new instances when it is a save of this task. */
  if ((last = prepare (self, "SELECT id FROM outbox WHERE id = (SELECT MAX (id) FROM outbox) "
                             "AND task = ?1 AND kind = 'save'", error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (last, 1, task_id);
  if (sqlite3_step (last) == SQLITE_ROW)
    {
      g_autoptr(sqlite3_stmt) merge = prepare (self, "UPDATE outbox SET payload = ?2, revision = revision + 1 "
                                                     "WHERE id = ?1", error);

      if (merge == NULL)
        return FALSE;
      sqlite3_bind_int64 (merge, 1, sqlite3_column_int64 (last, 0));
      sqlite3_bind_text (merge, 2, instances, -1, SQLITE_TRANSIENT);
      return step_done (self, merge, error);
    }
  return append_op (self, task_id, "save", instances, base, error);
}

gboolean
quorum_cache_save_local (QuorumCache  *cache,
                         gint64        task_id,
                         const char   *instances_json,
                         GError      **error)
{
  g_autoptr(JsonNode) parsed = NULL;
  g_autofree char *instances = NULL;
  GString *compact;
  gsize length;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (instances_json != NULL, FALSE);

  /* Kept compact, as the tree path would write it, but without the tree
   * (a 10,000-polygon task is 5 MB); a refused text goes through the tree
   * path for its message. */
  length = strlen (instances_json);
  compact = g_string_sized_new (length + 1);
  if (length > 0 && instances_json[strspn (instances_json, " \t\r\n")] == '[' &&
      quorum_wire_rewrite_compact (instances_json, length, compact))
    instances = g_string_free (compact, FALSE);
  else
    {
      g_string_free (compact, TRUE);
      if ((parsed = parse_text (instances_json, "instances", error)) == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_ARRAY (parsed))
        {
          g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "instances: must be an array");
          return FALSE;
        }
      instances = quorum_wire_to_string (parsed, FALSE);
    }
  if (!begin (cache, error) ||
      !finish_transaction (cache, save_in_transaction (cache, task_id, instances, error), error))
    return FALSE;
  outbox_changed (cache);
  return TRUE;
}

gboolean
quorum_cache_submit_local (QuorumCache  *cache,
                           gint64        task_id,
                           GError      **error)
{
  gint64 base;
  gboolean ok;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  if (!begin (cache, error))
    return FALSE;
  ok = (base = base_version (cache, task_id, error)) >= 0 &&
       append_op (cache, task_id, "submit", "{}", base, error);
  if (!finish_transaction (cache, ok, error))
    return FALSE;
  outbox_changed (cache);
  return TRUE;
}

static gint64
queue_review_in_transaction (QuorumCache        *self,
                             gint64              task_id,
                             QuorumCacheOpKind   kind,
                             const char         *payload,
                             const char         *working,
                             GError            **error)
{
  gint64 base, last;

  if ((base = base_version (self, task_id, error)) < 0)
    return 0;
  /* A rating is the whole rating: a newer one replaces one still queued
   * when nothing was queued after it. */
  last = query_int (self, "SELECT id FROM outbox WHERE id = (SELECT MAX (id) FROM outbox) "
                          "AND task = ?1 AND kind = 'rating'", 1, task_id, 0, 0);
  if (kind == QUORUM_CACHE_OP_RATING && last > 0)
    {
      g_autoptr(sqlite3_stmt) merge = prepare (self, "UPDATE outbox SET payload = ?2, revision = revision + 1 "
                                                     "WHERE id = ?1", error);

      if (merge == NULL)
        return 0;
      sqlite3_bind_int64 (merge, 1, last);
      sqlite3_bind_text (merge, 2, payload, -1, SQLITE_TRANSIENT);
      return step_done (self, merge, error) ? last : 0;
    }
  if (working != NULL && !write_working (self, task_id, working, base, error))
    return 0;
  if (!append_op (self, task_id, op_kinds[kind], payload, base, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gint64
quorum_cache_queue_review (QuorumCache        *cache,
                           gint64              task_id,
                           QuorumCacheOpKind   kind,
                           const char         *payload_json,
                           const char         *working_json,
                           GError            **error)
{
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(JsonNode) working = NULL;
  g_autofree char *payload_text = NULL;
  g_autofree char *working_text = NULL;
  gint64 id;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), 0);
  g_return_val_if_fail (kind >= QUORUM_CACHE_OP_RATING && kind <= QUORUM_CACHE_OP_CONSENSUS, 0);
  g_return_val_if_fail (payload_json != NULL, 0);

  if ((payload = parse_text (payload_json, op_kinds[kind], error)) == NULL)
    return 0;
  if (!JSON_NODE_HOLDS_OBJECT (payload))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: must be an object", op_kinds[kind]);
      return 0;
    }
  if (kind == QUORUM_CACHE_OP_CONSENSUS &&
      json_object_get_string_member_with_default (json_node_get_object (payload), "step", NULL) == NULL)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "consensus: names no step");
      return 0;
    }
  if (working_json != NULL)
    {
      if ((working = parse_text (working_json, "instances", error)) == NULL)
        return 0;
      if (!JSON_NODE_HOLDS_ARRAY (working))
        {
          g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "instances: must be an array");
          return 0;
        }
      working_text = quorum_wire_to_string (working, FALSE);
    }
  payload_text = quorum_wire_to_string (payload, FALSE);
  if (!begin (cache, error))
    return 0;
  id = queue_review_in_transaction (cache, task_id, kind, payload_text, working_text, error);
  if (!finish_transaction (cache, id > 0, error))
    return 0;
  outbox_changed (cache);
  return id;
}

char *
quorum_cache_get_queued (QuorumCache       *cache,
                         gint64             task_id,
                         QuorumCacheOpKind  kind)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT payload FROM outbox WHERE task = ?1 AND kind = ?2 "
                              "ORDER BY id DESC LIMIT 1", NULL)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, task_id);
  sqlite3_bind_text (stmt, 2, op_kinds[kind], -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? column_dup (stmt, 0) : NULL;
}

gboolean
quorum_cache_has_op (QuorumCache *cache,
                     gint64       op_id)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  return query_int (cache, "SELECT 1 FROM outbox WHERE id = ?1", 1, op_id, 0, 0) == 1;
}

/* ---- exam decisions -------------------------------------------------------- */

/* The attempt and decision of a grade's payload; FALSE when it names none. */
static gboolean
read_grade (const char  *payload,
            gint64      *job,
            gint64      *attempt,
            gboolean    *pass)
{
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (payload, strlen (payload), NULL);
  JsonObject *object;
  const char *decision;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  decision = json_object_get_string_member_with_default (object, "decision", "");
  *job = json_object_get_int_member_with_default (object, "job", 0);
  *attempt = json_object_get_int_member_with_default (object, "attempt", 0);
  *pass = g_str_equal (decision, "pass");
  return *job > 0 && *attempt > 0 && (*pass || g_str_equal (decision, "fail"));
}

gboolean
quorum_cache_read_grade (const QuorumCacheOp *op,
                         gint64              *job_id,
                         gint64              *attempt_id,
                         gboolean            *pass)
{
  gint64 job, attempt;
  gboolean passed;

  g_return_val_if_fail (op != NULL, FALSE);

  if (op->kind != QUORUM_CACHE_OP_GRADE || op->payload == NULL || !read_grade (op->payload, &job, &attempt, &passed))
    return FALSE;
  if (job_id != NULL)
    *job_id = job;
  if (attempt_id != NULL)
    *attempt_id = attempt;
  if (pass != NULL)
    *pass = passed;
  return TRUE;
}

/* The id of the queued grade of @attempt_id, or 0; @pass says its decision. */
static gint64
find_grade (QuorumCache *self,
            gint64       attempt_id,
            gboolean    *pass)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT id, payload FROM outbox WHERE kind = 'grade' ORDER BY id",
                                          NULL);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 job, attempt;
      gboolean passed;

      if (read_grade ((const char *) sqlite3_column_text (stmt, 1), &job, &attempt, &passed) &&
          attempt == attempt_id)
        {
          if (pass != NULL)
            *pass = passed;
          return sqlite3_column_int64 (stmt, 0);
        }
    }
  return 0;
}

gint64
quorum_cache_queue_grade (QuorumCache  *cache,
                          gint64        job_id,
                          gint64        attempt_id,
                          gboolean      pass,
                          GError      **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *payload = NULL;
  gboolean queued_pass = FALSE;
  gint64 id;
  gboolean ok;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), 0);

  if (job_id <= 0 || attempt_id <= 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "grade: job %" G_GINT64_FORMAT " and attempt %" G_GINT64_FORMAT " name no attempt",
                   job_id, attempt_id);
      return 0;
    }
  json_object_set_int_member (object, "job", job_id);
  json_object_set_int_member (object, "attempt", attempt_id);
  json_object_set_string_member (object, "decision", pass ? "pass" : "fail");
  node = json_node_init_object (json_node_alloc (), json_object_ref (object));
  payload = quorum_wire_to_string (node, FALSE);
  if (!begin (cache, error))
    return 0;
  /* A decision cannot be taken back on the server; one waiting is not
   * replaced by another either. */
  if (find_grade (cache, attempt_id, &queued_pass) != 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "attempt %" G_GINT64_FORMAT ": a %s waits to be sent already", attempt_id,
                   queued_pass ? "pass" : "fail");
      finish_transaction (cache, FALSE, NULL);
      return 0;
    }
  /* Task 0: no task's, so nothing keyed by task (merging saves, conflicts,
   * rebasing on a version) ever meets it. */
  ok = append_op (cache, 0, "grade", payload, 0, error);
  id = ok ? sqlite3_last_insert_rowid (cache->db) : 0;
  if (!finish_transaction (cache, ok, error))
    return 0;
  outbox_changed (cache);
  return id;
}

const char *
quorum_cache_get_queued_grade (QuorumCache *cache,
                               gint64       attempt_id)
{
  gboolean pass = FALSE;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if (find_grade (cache, attempt_id, &pass) == 0)
    return NULL;
  return pass ? "pass" : "fail";
}

gboolean
quorum_cache_drop_op (QuorumCache  *cache,
                      gint64        op_id,
                      GError      **error)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  if (!quorum_cache_has_op (cache, op_id))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "operation %" G_GINT64_FORMAT " is not in the outbox", op_id);
      return FALSE;
    }
  if (!exec_ints (cache, "DELETE FROM outbox WHERE id = ?1", error, 1, op_id, 0, 0))
    return FALSE;
  outbox_changed (cache);
  return TRUE;
}

/* ---- the outbox ---------------------------------------------------------- */

#define OP_COLUMNS "id, task, kind, payload, base_version, created, attempts, last_error, revision"

static QuorumCacheOp *
read_op (sqlite3_stmt *stmt)
{
  QuorumCacheOp *op = g_new0 (QuorumCacheOp, 1);

  op->id = sqlite3_column_int64 (stmt, 0);
  op->task = sqlite3_column_int64 (stmt, 1);
  op->kind = QUORUM_CACHE_OP_SAVE;
  for (guint i = 0; i < G_N_ELEMENTS (op_kinds); i++)
    if (g_str_equal ((const char *) sqlite3_column_text (stmt, 2), op_kinds[i]))
      op->kind = (QuorumCacheOpKind) i;
  op->payload = column_dup (stmt, 3);
  op->base_version = sqlite3_column_int64 (stmt, 4);
  op->created = sqlite3_column_int64 (stmt, 5);
  op->attempts = (guint) sqlite3_column_int64 (stmt, 6);
  op->last_error = column_dup (stmt, 7);
  op->revision = sqlite3_column_int64 (stmt, 8);
  return op;
}

GPtrArray *
quorum_cache_list_outbox (QuorumCache  *cache,
                          GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_cache_op_free);
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT " OP_COLUMNS " FROM outbox ORDER BY id", error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ops, read_op (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sql_error (cache, error);
      return NULL;
    }
  return g_steal_pointer (&ops);
}

guint
quorum_cache_count_outbox (QuorumCache *cache)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), 0);
  return (guint) query_int (cache, "SELECT COUNT (*) FROM outbox", 0, 0, 0, 0);
}

gboolean
quorum_cache_has_pending (QuorumCache *cache,
                          gint64       task_id)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  return query_int (cache, "SELECT 1 FROM outbox WHERE task = ?1 LIMIT 1", 1, task_id, 0, 0) == 1;
}

QuorumCacheOp *
quorum_cache_next_op (QuorumCache  *cache,
                      GError      **error)
{
  gboolean dropped = FALSE;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  for (;;)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autoptr(QuorumCacheOp) op = NULL;
      gint64 superseded;
      int rc;

      if ((stmt = prepare (cache, "SELECT " OP_COLUMNS " FROM outbox WHERE task NOT IN "
                                  "(SELECT task FROM conflicts WHERE resolved IS NULL) "
                                  "ORDER BY id LIMIT 1", error)) == NULL)
        return NULL;
      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
        {
          if (rc != SQLITE_DONE)
            set_sql_error (cache, error);
          if (dropped)
            outbox_changed (cache);
          return NULL;
        }
      op = read_op (stmt);
      if (op->kind != QUORUM_CACHE_OP_SAVE)
        return g_steal_pointer (&op);
      /* Whether the task's next operation is a later save: it replaces the
       * instances whole, so this one need not go. */
      superseded = query_int (cache, "SELECT kind = 'save' FROM outbox WHERE task = ?1 AND id > ?2 "
                                     "ORDER BY id LIMIT 1", 2, op->task, op->id, 0);
      if (!superseded)
        {
          if (dropped)
            outbox_changed (cache);
          return g_steal_pointer (&op);
        }
      if (!exec_ints (cache, "DELETE FROM outbox WHERE id = ?1", error, 1, op->id, 0, 0))
        return NULL;
      dropped = TRUE;
    }
}

/* Copies the members of @reply into the stored view of @task_id. */
static gboolean
merge_reply (QuorumCache  *self,
             gint64        task_id,
             gint64        new_version,
             JsonNode     *reply,
             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;

  if ((view = quorum_cache_get_task (self, task_id, error)) == NULL)
    return FALSE;
  object = json_node_get_object (view);
  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (reply));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (object, name, json_node_copy (value));
      /* A consensus step's best is the scores' best (the view keeps it there). */
      value = json_object_get_member (object, "scores");
      if (json_object_has_member (json_node_get_object (reply), "best") && value != NULL &&
          JSON_NODE_HOLDS_OBJECT (value))
        json_object_set_member (json_node_get_object (value), "best",
                                json_node_copy (json_object_get_member (json_node_get_object (reply), "best")));
    }
  json_object_set_int_member (object, "version", new_version);
  text = quorum_wire_to_string (view, FALSE);
  if ((stmt = prepare (self, "UPDATE tasks SET version = ?2, view = ?3 WHERE id = ?1", error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, task_id);
  sqlite3_bind_int64 (stmt, 2, new_version);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, error);
}

static gboolean
record_sent_in_transaction (QuorumCache  *self,
                            gint64        op_id,
                            gint64        revision,
                            gint64        new_version,
                            JsonNode     *reply,
                            GError      **error)
{
  gint64 task_id = query_int (self, "SELECT task FROM outbox WHERE id = ?1", 1, op_id, 0, -1);
  gint64 current = query_int (self, "SELECT revision FROM outbox WHERE id = ?1", 1, op_id, 0, -1);

  if (task_id < 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "operation %" G_GINT64_FORMAT " is not in the outbox", op_id);
      return FALSE;
    }
  /* An edit merged into the operation while it was on its way stays queued,
   * now based on the version the server just gave. */
  if (current == revision)
    {
      if (!exec_ints (self, "DELETE FROM outbox WHERE id = ?1", error, 1, op_id, 0, 0))
        return FALSE;
    }
  if (!exec_ints (self, "UPDATE outbox SET base_version = ?2 WHERE task = ?1", error, 2, task_id, new_version, 0) ||
      !exec_ints (self, "UPDATE working SET base_version = ?2 WHERE task = ?1", error, 2, task_id, new_version, 0) ||
      !merge_reply (self, task_id, new_version, reply, error))
    return FALSE;
  /* Everything sent: the server's copy (with its authors) is the local one. */
  if (!task_has_work (self, task_id))
    return exec_ints (self, "DELETE FROM working WHERE task = ?1", error, 1, task_id, 0, 0);
  return TRUE;
}

gboolean
quorum_cache_record_sent (QuorumCache  *cache,
                          gint64        op_id,
                          gint64        revision,
                          gint64        new_version,
                          JsonNode     *reply,
                          GError      **error)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  if (!begin (cache, error) ||
      !finish_transaction (cache, record_sent_in_transaction (cache, op_id, revision, new_version, reply, error),
                           error))
    return FALSE;
  outbox_changed (cache);
  return TRUE;
}

gboolean
quorum_cache_record_attempt (QuorumCache  *cache,
                             gint64        op_id,
                             const char   *reason,
                             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  if ((stmt = prepare (cache, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                       error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, op_id);
  sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_TRANSIENT);
  return step_done (cache, stmt, error);
}

/* ---- conflicts ----------------------------------------------------------- */

static const char * const conflict_causes[] = {
  "stale", "not_yours", "released", "reassigned", "decided", "job_closed", "refused",
};

static const char * const conflict_choices[] = {
  "keep_mine", "take_server", "keep_copy",
};

const char *
quorum_conflict_cause_to_string (QuorumConflictCause cause)
{
  g_return_val_if_fail ((guint) cause < G_N_ELEMENTS (conflict_causes), NULL);
  return conflict_causes[cause];
}

gboolean
quorum_conflict_cause_can_keep_mine (QuorumConflictCause cause)
{
  return cause == QUORUM_CONFLICT_STALE || cause == QUORUM_CONFLICT_REFUSED;
}

gboolean
quorum_conflict_cause_can_take_server (QuorumConflictCause cause)
{
  return cause == QUORUM_CONFLICT_STALE || cause == QUORUM_CONFLICT_REFUSED || cause == QUORUM_CONFLICT_DECIDED;
}

static guint
lookup_name (const char * const *names,
             guint               n_names,
             const char         *name,
             guint               fallback)
{
  for (guint i = 0; name != NULL && i < n_names; i++)
    if (g_str_equal (names[i], name))
      return i;
  return fallback;
}

gboolean
quorum_cache_record_conflict (QuorumCache  *cache,
                              gint64        task_id,
                              gint64        server_version,
                              const char   *reason,
                              GError      **error)
{
  return quorum_cache_record_refusal (cache, task_id, server_version, QUORUM_CONFLICT_STALE, reason, error);
}

gboolean
quorum_cache_record_refusal (QuorumCache          *cache,
                             gint64                task_id,
                             gint64                server_version,
                             QuorumConflictCause   cause,
                             const char           *reason,
                             GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *instances = NULL;
  gboolean ok;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  g_return_val_if_fail ((guint) cause < G_N_ELEMENTS (conflict_causes), FALSE);

  if (!begin (cache, error))
    return FALSE;
  ok = (instances = quorum_cache_get_local_instances (cache, task_id, error)) != NULL &&
       (stmt = prepare (cache, "INSERT INTO conflicts (task, instances, server_version, reason, created, cause) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, task_id);
      sqlite3_bind_text (stmt, 2, instances, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, server_version);
      sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 5, now_seconds ());
      sqlite3_bind_text (stmt, 6, conflict_causes[cause], -1, SQLITE_STATIC);
      ok = step_done (cache, stmt, error);
    }
  /* The edits stay what the user works on until they choose. */
  if (ok && query_int (cache, "SELECT 1 FROM working WHERE task = ?1", 1, task_id, 0, 0) != 1)
    ok = write_working (cache, task_id, instances,
                        query_int (cache, "SELECT MIN (base_version) FROM outbox WHERE task = ?1", 1, task_id, 0,
                                   quorum_cache_get_server_version (cache, task_id)), error);
  if (!finish_transaction (cache, ok, error))
    return FALSE;
  outbox_changed (cache);
  return TRUE;
}

gboolean
quorum_cache_in_conflict (QuorumCache *cache,
                          gint64       task_id)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  return query_int (cache, "SELECT 1 FROM conflicts WHERE task = ?1 AND resolved IS NULL LIMIT 1",
                    1, task_id, 0, 0) == 1;
}

guint
quorum_cache_count_conflicts (QuorumCache *cache)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), 0);
  return (guint) query_int (cache, "SELECT COUNT (DISTINCT task) FROM conflicts WHERE resolved IS NULL",
                            0, 0, 0, 0);
}

#define CONFLICT_COLUMNS "id, task, instances, server_version, reason, created, resolved IS NULL, cause, " \
                         "resolution, COALESCE (resolved, 0)"

static QuorumCacheConflict *
read_conflict (sqlite3_stmt *stmt)
{
  QuorumCacheConflict *conflict = g_new0 (QuorumCacheConflict, 1);

  conflict->id = sqlite3_column_int64 (stmt, 0);
  conflict->task = sqlite3_column_int64 (stmt, 1);
  conflict->instances = column_dup (stmt, 2);
  conflict->server_version = sqlite3_column_int64 (stmt, 3);
  conflict->reason = column_dup (stmt, 4);
  conflict->created = sqlite3_column_int64 (stmt, 5);
  conflict->open = sqlite3_column_int (stmt, 6) != 0;
  conflict->cause = lookup_name (conflict_causes, G_N_ELEMENTS (conflict_causes),
                                 (const char *) sqlite3_column_text (stmt, 7), QUORUM_CONFLICT_STALE);
  conflict->resolution = lookup_name (conflict_choices, G_N_ELEMENTS (conflict_choices),
                                      (const char *) sqlite3_column_text (stmt, 8), QUORUM_CONFLICT_KEEP_MINE);
  conflict->resolved = sqlite3_column_int64 (stmt, 9);
  return conflict;
}

GPtrArray *
quorum_cache_list_conflicts (QuorumCache  *cache,
                             gint64        task_id,
                             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_cache_conflict_free);
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT " CONFLICT_COLUMNS " FROM conflicts WHERE ?1 = 0 OR task = ?1 ORDER BY id",
                       error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, task_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_conflict (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sql_error (cache, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

QuorumCacheConflict *
quorum_cache_get_conflict (QuorumCache  *cache,
                           gint64        conflict_id,
                           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT " CONFLICT_COLUMNS " FROM conflicts WHERE id = ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conflict_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return read_conflict (stmt);
  if (rc != SQLITE_DONE)
    set_sql_error (cache, error);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                 "conflict copy %" G_GINT64_FORMAT " is not in the local cache", conflict_id);
  return NULL;
}

/* Keep mine: the task's operations become one save of the user's instances
 * on the server's current version, then its submit if one was queued, so
 * that a refused submit never submits the server's instances instead. */
static gboolean
keep_mine (QuorumCache  *self,
           gint64        task_id,
           gint64        version,
           GError      **error)
{
  gboolean submit = query_int (self, "SELECT 1 FROM outbox WHERE task = ?1 AND kind = 'submit' LIMIT 1",
                               1, task_id, 0, 0) == 1;
  g_autofree char *instances = NULL;

  if (query_int (self, "SELECT 1 FROM working WHERE task = ?1", 1, task_id, 0, 0) == 1 &&
      (instances = quorum_cache_get_local_instances (self, task_id, error)) == NULL)
    return FALSE;
  /* Review decisions and steps stay, in their order, on the server's version. */
  if (!exec_ints (self, "DELETE FROM outbox WHERE task = ?1 AND kind IN ('save', 'submit')", error, 1, task_id, 0, 0) ||
      !exec_ints (self, "UPDATE outbox SET base_version = ?2 WHERE task = ?1", error, 2, task_id, version, 0) ||
      !exec_ints (self, "UPDATE working SET base_version = ?2 WHERE task = ?1", error, 2, task_id, version, 0))
    return FALSE;
  if (instances != NULL && !append_op (self, task_id, "save", instances, version, error))
    return FALSE;
  return !submit || append_op (self, task_id, "submit", "{}", version, error);
}

gboolean
quorum_cache_end_conflict (QuorumCache           *cache,
                           gint64                 task_id,
                           QuorumConflictChoice   choice,
                           GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *cause = NULL;
  g_autofree char *latest = NULL;
  gint64 conflict, version;
  gboolean ok;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  g_return_val_if_fail ((guint) choice < G_N_ELEMENTS (conflict_choices), FALSE);

  if (!begin (cache, error))
    return FALSE;
  conflict = query_int (cache, "SELECT MAX (id) FROM conflicts WHERE task = ?1 AND resolved IS NULL",
                        1, task_id, 0, -1);
  if (conflict < 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                   "task %" G_GINT64_FORMAT " has no conflict to resolve", task_id);
      return finish_transaction (cache, FALSE, NULL);
    }
  if ((stmt = prepare (cache, "SELECT cause FROM conflicts WHERE id = ?1", error)) == NULL)
    return finish_transaction (cache, FALSE, NULL);
  sqlite3_bind_int64 (stmt, 1, conflict);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cause = column_dup (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  /* Sending again what the server will refuse again is the loop this
   * ends: the task is no longer the user's, or no longer open. */
  if (choice == QUORUM_CONFLICT_KEEP_MINE &&
      !quorum_conflict_cause_can_keep_mine (lookup_name (conflict_causes, G_N_ELEMENTS (conflict_causes), cause,
                                                         QUORUM_CONFLICT_STALE)))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "task %" G_GINT64_FORMAT ": the server no longer takes work on it; keep yours as a copy",
                   task_id);
      return finish_transaction (cache, FALSE, NULL);
    }
  version = MAX (quorum_cache_get_server_version (cache, task_id),
                 query_int (cache, "SELECT server_version FROM conflicts WHERE id = ?1", 1, conflict, 0, -1));
  if (choice == QUORUM_CONFLICT_KEEP_MINE)
    ok = keep_mine (cache, task_id, version, error);
  else
    {
      /* Edits made while the task was held are part of the copy set aside:
       * the copy is the latest work, not only what the server refused. */
      ok = TRUE;
      if (query_int (cache, "SELECT 1 FROM working WHERE task = ?1", 1, task_id, 0, 0) == 1)
        ok = (latest = quorum_cache_get_local_instances (cache, task_id, error)) != NULL;
      if (ok && latest != NULL)
        {
          ok = (stmt = prepare (cache, "UPDATE conflicts SET instances = ?2 WHERE id = ?1", error)) != NULL;
          if (ok)
            {
              sqlite3_bind_int64 (stmt, 1, conflict);
              sqlite3_bind_text (stmt, 2, latest, -1, SQLITE_TRANSIENT);
              ok = step_done (cache, stmt, error);
            }
          g_clear_pointer (&stmt, sqlite3_finalize);
        }
      ok = ok && exec_ints (cache, "DELETE FROM outbox WHERE task = ?1", error, 1, task_id, 0, 0) &&
           exec_ints (cache, "DELETE FROM working WHERE task = ?1", error, 1, task_id, 0, 0);
    }
  if (ok)
    {
      ok = (stmt = prepare (cache, "UPDATE conflicts SET resolved = ?2, resolution = ?3 "
                                   "WHERE task = ?1 AND resolved IS NULL", error)) != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, task_id);
          sqlite3_bind_int64 (stmt, 2, now_seconds ());
          sqlite3_bind_text (stmt, 3, conflict_choices[choice], -1, SQLITE_STATIC);
          ok = step_done (cache, stmt, error);
        }
    }
  if (!finish_transaction (cache, ok, error))
    return FALSE;
  outbox_changed (cache);
  return TRUE;
}

gboolean
quorum_cache_resolve_conflict (QuorumCache  *cache,
                               gint64        task_id,
                               gboolean      mine,
                               GError      **error)
{
  return quorum_cache_end_conflict (cache, task_id, mine ? QUORUM_CONFLICT_KEEP_MINE : QUORUM_CONFLICT_TAKE_SERVER,
                                    error);
}

/* ---- guides and lists ---------------------------------------------------- */

gboolean
quorum_cache_store_guide (QuorumCache  *cache,
                          JsonNode     *guide,
                          GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *text = NULL;
  gint64 id;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (guide) || !member_int (json_node_get_object (guide), "id", &id))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "guide: the server's guide has no id");
      return FALSE;
    }
  text = quorum_wire_to_string (guide, FALSE);
  if ((stmt = prepare (cache, "INSERT OR REPLACE INTO guides (id, guide, fetched) VALUES (?1, ?2, ?3)",
                       error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  return step_done (cache, stmt, error);
}

JsonNode *
quorum_cache_get_guide (QuorumCache  *cache,
                        gint64        guide_id,
                        GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if ((stmt = prepare (cache, "SELECT guide FROM guides WHERE id = ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, guide_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    return parse_text ((const char *) sqlite3_column_text (stmt, 0), "the cached guide", error);
  if (rc != SQLITE_DONE)
    set_sql_error (cache, error);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND,
                 "guide %" G_GINT64_FORMAT " is not in the local cache", guide_id);
  return NULL;
}

gboolean
quorum_cache_store_document (QuorumCache  *cache,
                             const char   *name,
                             JsonNode     *document,
                             GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (document != NULL, FALSE);

  text = quorum_wire_to_string (document, FALSE);
  if ((stmt = prepare (cache, "INSERT OR REPLACE INTO documents (name, json, fetched) "
                              "VALUES (?1, ?2, ?3)", error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  return step_done (cache, stmt, error);
}

JsonNode *
quorum_cache_get_document (QuorumCache  *cache,
                           const char   *name,
                           gint64       *fetched,
                           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((stmt = prepare (cache, "SELECT json, fetched FROM documents WHERE name = ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (fetched != NULL)
        *fetched = sqlite3_column_int64 (stmt, 1);
      return parse_text ((const char *) sqlite3_column_text (stmt, 0), name, error);
    }
  if (rc != SQLITE_DONE)
    set_sql_error (cache, error);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "“%s” is not in the local cache", name);
  return NULL;
}

gboolean
quorum_cache_store_my_tasks (QuorumCache  *cache,
                             JsonNode     *list,
                             GError      **error)
{
  g_return_val_if_fail (list != NULL, FALSE);
  return quorum_cache_store_document (cache, "me/tasks", list, error);
}

JsonNode *
quorum_cache_get_my_tasks (QuorumCache  *cache,
                           GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *list = quorum_cache_get_document (cache, "me/tasks", NULL, &local_error);

  if (list != NULL)
    return list;
  if (!g_error_matches (local_error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return json_node_init_array (json_node_alloc (), json_array_new ());
}

/* ---- media --------------------------------------------------------------- */

gint64
quorum_cache_get_media_limit (QuorumCache *cache)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), 0);
  return query_int (cache, "SELECT CAST (value AS INTEGER) FROM settings WHERE name = 'media-limit'",
                    0, 0, 0, QUORUM_CACHE_DEFAULT_MEDIA_LIMIT);
}

gboolean
quorum_cache_set_media_limit (QuorumCache  *cache,
                              gint64        limit,
                              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  if (limit < 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "media limit: must be 0 bytes or more");
      return FALSE;
    }
  value = g_strdup_printf ("%" G_GINT64_FORMAT, limit);
  if ((stmt = prepare (cache, "INSERT OR REPLACE INTO settings (name, value) VALUES ('media-limit', ?1)",
                       error)) == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  return step_done (cache, stmt, error) && quorum_cache_evict_media (cache, 0, error) >= 0;
}

gint64
quorum_cache_get_media_size (QuorumCache *cache)
{
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), 0);
  return query_int (cache, "SELECT (SELECT IFNULL (SUM (size), 0) FROM media) + "
                           "(SELECT IFNULL (SUM (size), 0) FROM video_media)", 0, 0, 0, 0);
}

char *
quorum_cache_get_media_path (QuorumCache *cache,
                             gint64       file_id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, file_id);

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  return g_build_filename (cache->media_dir, name, NULL);
}

void
quorum_cache_get_video_paths (QuorumCache  *cache,
                              gint64        file_id,
                              char        **proxy_path,
                              char        **index_path)
{
  g_return_if_fail (QUORUM_IS_CACHE (cache));
  if (proxy_path != NULL)
    *proxy_path = g_strdup_printf ("%s/video-%" G_GINT64_FORMAT ".proxy", cache->media_dir, file_id);
  if (index_path != NULL)
    *index_path = g_strdup_printf ("%s/video-%" G_GINT64_FORMAT ".frames.json", cache->media_dir, file_id);
}

char *
quorum_cache_get_media_temp_path (QuorumCache *cache,
                                  gint64       file_id)
{
  g_autofree char *name = g_strdup_printf (".%" G_GINT64_FORMAT ".part", file_id);

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  return g_build_filename (cache->media_dir, name, NULL);
}

/* A counter, not a clock: two uses in one second still have an order. One
 * counter for contents and videos, which are evicted in one order. */
#define NEXT_USE \
  "(SELECT MAX (IFNULL ((SELECT MAX (used) FROM media), 0), IFNULL ((SELECT MAX (used) FROM video_media), 0)) + 1)"

static gboolean
touch_media (QuorumCache  *self,
             gint64        file_id,
             GError      **error)
{
  return exec_ints (self, "UPDATE media SET used = " NEXT_USE " WHERE file = ?1", error, 1, file_id, 0, 0);
}

static gint64
file_size (const char *path)
{
  GStatBuf info;

  return g_stat (path, &info) == 0 ? (gint64) info.st_size : 0;
}

gboolean
quorum_cache_add_video_media (QuorumCache  *cache,
                              gint64        file_id,
                              GError      **error)
{
  g_autofree char *proxy_path = NULL;
  g_autofree char *index_path = NULL;
  gint64 size;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  quorum_cache_get_video_paths (cache, file_id, &proxy_path, &index_path);
  size = file_size (proxy_path) + file_size (index_path);
  return exec_ints (cache, "INSERT OR REPLACE INTO video_media (file, size, used) VALUES (?1, ?2, " NEXT_USE ")",
                    error, 2, file_id, size, 0) &&
         quorum_cache_evict_media (cache, file_id, error) >= 0;
}

gboolean
quorum_cache_lookup_video_media (QuorumCache *cache,
                                 gint64       file_id)
{
  g_autofree char *proxy_path = NULL;
  g_autofree char *index_path = NULL;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  quorum_cache_get_video_paths (cache, file_id, &proxy_path, &index_path);
  if (!g_file_test (proxy_path, G_FILE_TEST_IS_REGULAR) || !g_file_test (index_path, G_FILE_TEST_IS_REGULAR))
    {
      /* evicted by another user's cache of the same server, or never whole */
      exec_ints (cache, "DELETE FROM video_media WHERE file = ?1", NULL, 1, file_id, 0, 0);
      return FALSE;
    }
  /* one downloaded before videos were counted is counted from now on */
  exec_ints (cache, "INSERT OR IGNORE INTO video_media (file, size, used) VALUES (?1, ?2, 0)", NULL, 2, file_id,
             file_size (proxy_path) + file_size (index_path), 0);
  exec_ints (cache, "UPDATE video_media SET used = " NEXT_USE " WHERE file = ?1", NULL, 1, file_id, 0, 0);
  return TRUE;
}

char *
quorum_cache_lookup_media (QuorumCache *cache,
                           gint64       file_id)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  if (query_int (cache, "SELECT 1 FROM media WHERE file = ?1", 1, file_id, 0, 0) != 1)
    return NULL;
  path = quorum_cache_get_media_path (cache, file_id);
  /* Another user's cache of the same server may have evicted it. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      exec_ints (cache, "DELETE FROM media WHERE file = ?1", NULL, 1, file_id, 0, 0);
      return NULL;
    }
  touch_media (cache, file_id, NULL);
  return g_steal_pointer (&path);
}

typedef struct {
  gint64   file;
  gboolean video;   /* its proxy and index, not its content */
} EvictedMedia;

gint64
quorum_cache_evict_media (QuorumCache  *cache,
                          gint64        keep_file,
                          GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) evicted = g_array_new (FALSE, FALSE, sizeof (EvictedMedia));
  gint64 limit, total, freed = 0;
  int rc;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), -1);

  limit = quorum_cache_get_media_limit (cache);
  total = quorum_cache_get_media_size (cache);
  if (total <= limit)
    return 0;
  /* contents and downloaded videos (proxy and index), least recently used first */
  if ((stmt = prepare (cache, "SELECT file, size, used, 0 FROM media WHERE file != ?1 AND file NOT IN "
                              "(SELECT file FROM tasks WHERE id IN " TASKS_WITH_WORK ") "
                              "UNION ALL "
                              "SELECT file, size, used, 1 FROM video_media WHERE file != ?1 AND file NOT IN "
                              "(SELECT file FROM tasks WHERE id IN " TASKS_WITH_WORK ") "
                              "ORDER BY 3", error)) == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, keep_file);
  while (total > limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EvictedMedia media = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 3) != 0 };
      gint64 size = sqlite3_column_int64 (stmt, 1);
      g_autofree char *path = NULL;
      g_autofree char *index_path = NULL;

      if (media.video)
        quorum_cache_get_video_paths (cache, media.file, &path, &index_path);
      else
        path = quorum_cache_get_media_path (cache, media.file);
      if ((g_unlink (path) != 0 && errno != ENOENT) ||
          (index_path != NULL && g_unlink (index_path) != 0 && errno != ENOENT))
        {
          g_warning ("%s: cannot remove it from the media cache: %s", path, g_strerror (errno));
          continue;
        }
      g_array_append_val (evicted, media);
      total -= size;
      freed += size;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  for (guint i = 0; i < evicted->len; i++)
    {
      EvictedMedia *media = &g_array_index (evicted, EvictedMedia, i);

      if (!exec_ints (cache, media->video ? "DELETE FROM video_media WHERE file = ?1"
                                          : "DELETE FROM media WHERE file = ?1",
                      error, 1, media->file, 0, 0))
        return -1;
    }
  return freed;
}

typedef struct {
  gint64  file_id;
  char   *temp_path;
  char   *path;
  char   *dir;
  gint64  size;
} AddMedia;

static void
add_media_free (AddMedia *data)
{
  g_free (data->temp_path);
  g_free (data->path);
  g_free (data->dir);
  g_free (data);
}

static gboolean
sync_fd (const char  *path,
         int          flags,
         GError     **error)
{
  int fd = g_open (path, flags | O_CLOEXEC, 0);
  int saved_errno;

  if (fd < 0 || fsync (fd) != 0)
    {
      saved_errno = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot write it to disk: %s",
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* In a worker thread: only files, never the database. */
static void
add_media_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  AddMedia *data = task_data;
  GError *error = NULL;
  GStatBuf info;

  if (g_stat (data->temp_path, &info) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "%s: %s",
                               data->temp_path, g_strerror (saved_errno));
      return;
    }
  data->size = info.st_size;
  if (!sync_fd (data->temp_path, O_RDONLY, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_rename (data->temp_path, data->path) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot move it into place: %s",
                               data->path, g_strerror (saved_errno));
      return;
    }
  /* The rename itself is durable once the folder is synced. */
  if (!sync_fd (data->dir, O_RDONLY | O_DIRECTORY, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
add_media_moved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumCache *self = QUORUM_CACHE (source);
  AddMedia *data = g_task_get_task_data (task);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if ((stmt = prepare (self, "INSERT OR REPLACE INTO media (file, size, used) "
                             "VALUES (?1, ?2, (SELECT COALESCE (MAX (used), 0) + 1 FROM media))", &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, data->file_id);
  sqlite3_bind_int64 (stmt, 2, data->size);
  if (!step_done (self, stmt, &error) || quorum_cache_evict_media (self, data->file_id, &error) < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
quorum_cache_add_media_async (QuorumCache         *cache,
                              gint64               file_id,
                              const char          *temp_path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) move = NULL;
  GTask *task;
  AddMedia *data;

  g_return_if_fail (QUORUM_IS_CACHE (cache));
  g_return_if_fail (temp_path != NULL);

  task = g_task_new (cache, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_cache_add_media_async);
  data = g_new0 (AddMedia, 1);
  data->file_id = file_id;
  data->temp_path = g_strdup (temp_path);
  data->path = quorum_cache_get_media_path (cache, file_id);
  data->dir = g_strdup (cache->media_dir);
  g_task_set_task_data (task, data, (GDestroyNotify) add_media_free);

  move = g_task_new (cache, cancellable, add_media_moved, task);
  g_task_set_source_tag (move, add_media_thread);
  g_task_set_task_data (move, data, NULL);
  g_task_run_in_thread (move, add_media_thread);
}

gboolean
quorum_cache_add_media_finish (QuorumCache   *cache,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, cache), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_cache_add_media_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
