/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "quorum-error.h"
#include "quorum-store-private.h"


void
_quorum_store_set_error (QuorumStore  *store,
                         GError      **error,
                         const char   *context)
{
  int code;
  const char *message;

  /* The PostgreSQL backend sets its errors where they happen. */
  if (store->pg != NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: the database failed", context);
      return;
    }
  code = sqlite3_extended_errcode (store->link->db);
  message = sqlite3_errmsg (store->link->db);

  /* SQLite's words name tables and columns: they go to the log, never into
   * a message a client may read. */
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      g_debug ("%s: %s", context, message);
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT, "%s: already exists", context);
    }
  else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "%s: refers to something that does not exist",
                 context);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", context, message);
}

/* Members whose JSON is only read by the server (a job's settings, a
 * project's labels: read on nearly every task request): their parsed
 * tree is shared between rows instead of copied, and sealed so that a
 * change to it would be refused (a critical) rather than seen by the next
 * request. json-glib counts an object's or array's references without
 * atomics: a row holding them goes to another thread only as a copy of
 * its own (as the export does, quorum-server-export.c). */
static const char *const shared_members[] = { "settings", "labels", NULL };

void
_quorum_store_columns_free (StatementColumns *columns)
{
  g_strfreev (columns->members);
  g_free (columns->kinds);
  g_free (columns);
}

StatementColumns *
_quorum_store_columns_new (int                n_columns,
                           const char *(*column_name) (gpointer source, int column),
                           gpointer           source)
{
  StatementColumns *columns = g_new0 (StatementColumns, 1);

  columns->n_columns = n_columns;
  columns->members = g_new0 (char *, columns->n_columns + 1);
  columns->kinds = g_new0 (ColumnKind, columns->n_columns);
  for (int i = 0; i < columns->n_columns; i++)
    {
      const char *name = column_name (source, i);

      if (!g_str_has_suffix (name, "_json"))
        {
          columns->kinds[i] = COLUMN_VALUE;
          columns->members[i] = g_strdup (name);
          continue;
        }
      columns->members[i] = g_strndup (name, strlen (name) - 5);
      columns->kinds[i] = g_strv_contains ((const char *const *) shared_members, columns->members[i])
                            ? COLUMN_JSON_SHARED : COLUMN_JSON;
    }
  return columns;
}

static const char *
sqlite_column_name (gpointer stmt,
                    int      column)
{
  return sqlite3_column_name (stmt, column);
}

static StatementColumns *
statement_columns_new (sqlite3_stmt *stmt)
{
  return _quorum_store_columns_new (sqlite3_column_count (stmt), sqlite_column_name, stmt);
}

static sqlite3_stmt *
prepare_valist (QuorumStore  *store,
                GError      **error,
                const char   *sql,
                const char   *types,
                va_list       args)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (store->link->by_address, sql);

  /* The same address may hold other text by now (a string built and freed):
   * the statement's own text says whether it is this one. */
  if (stmt == NULL || strcmp (sqlite3_sql (stmt), sql) != 0)
    {
      stmt = g_hash_table_lookup (store->link->statements, sql);
      if (stmt != NULL)
        g_hash_table_insert (store->link->by_address, (gpointer) sql, stmt);
    }
  if (stmt == NULL || g_hash_table_contains (store->link->in_use, stmt))
    {
      gboolean cache = stmt == NULL;

      if (sqlite3_prepare_v3 (store->link->db, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0,
                              &stmt, NULL) != SQLITE_OK)
        {
          /* A statement that does not prepare is a bug in Quorum, not bad input. */
          g_critical ("cannot prepare “%s”: %s", sql, sqlite3_errmsg (store->link->db));
          _quorum_store_set_error (store, error, "database");
          return NULL;
        }
      if (cache)
        {
          g_hash_table_insert (store->link->statements, g_strdup (sql), stmt);
          g_hash_table_insert (store->link->by_address, (gpointer) sql, stmt);
          g_hash_table_insert (store->link->columns, stmt, statement_columns_new (stmt));
        }
    }
  g_hash_table_add (store->link->in_use, stmt);
  for (int i = 0; types != NULL && types[i] != '\0'; i++)
    {
      switch (types[i])
        {
        case 's':
        case 'u':
          {
            const char *text = va_arg (args, const char *);
            if (text != NULL)
              sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_TRANSIENT);
            else
              sqlite3_bind_null (stmt, i + 1);
          }
          break;
        case 'i':
          sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
          break;
        case 'd':
          sqlite3_bind_double (stmt, i + 1, va_arg (args, double));
          break;
        case 'b':
          {
            const char *text = va_arg (args, const char *);
            gsize length = va_arg (args, gsize);
            sqlite3_bind_text64 (stmt, i + 1, text, length, SQLITE_TRANSIENT, SQLITE_UTF8);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return stmt;
}

void
_quorum_store_release (QuorumStore  *store,
                       sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;
  g_hash_table_remove (store->link->in_use, stmt);
  if (g_hash_table_contains (store->link->columns, stmt))
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  else
    sqlite3_finalize (stmt);
}

typedef struct {
  QuorumStore  *store;
  sqlite3_stmt *stmt;
} Statement;

static void
statement_release (Statement *statement)
{
  _quorum_store_release (statement->store, statement->stmt);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Statement, statement_release)

sqlite3_stmt *
_quorum_store_prepare (QuorumStore  *store,
                       GError      **error,
                       const char   *sql,
                       const char   *types,
                       ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, types);
  stmt = prepare_valist (store, error, sql, types, args);
  va_end (args);
  return stmt;
}

gboolean
_quorum_store_step (QuorumStore   *store,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  _quorum_store_set_error (store, error, "database");
  return FALSE;
}

gint64
_quorum_store_write (QuorumStore  *store,
                     const char   *conflict,
                     GError      **error,
                     const char   *sql,
                     const char   *types,
                     ...)
{
  g_auto(Statement) statement = { store, NULL };
  va_list args;
  int rc;

  if (store->pg != NULL)
    {
      gint64 id;

      va_start (args, types);
      id = _quorum_store_pg_write (store, conflict, error, sql, types, args);
      va_end (args);
      return id;
    }
  va_start (args, types);
  statement.stmt = prepare_valist (store, error, sql, types, args);
  va_end (args);
  if (statement.stmt == NULL)
    return -1;
  rc = sqlite3_step (statement.stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return sqlite3_last_insert_rowid (store->link->db);
  if (conflict != NULL && (sqlite3_extended_errcode (store->link->db) == SQLITE_CONSTRAINT_UNIQUE ||
                           sqlite3_extended_errcode (store->link->db) == SQLITE_CONSTRAINT_PRIMARYKEY))
    g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT, conflict);
  else
    _quorum_store_set_error (store, error, "database");
  return -1;
}

gint64
_quorum_store_changes (QuorumStore *store)
{
  if (store->pg != NULL)
    return _quorum_store_pg_changes (store);
  return sqlite3_changes64 (store->link->db);
}

gboolean
_quorum_store_exec (QuorumStore  *store,
                    GError      **error,
                    const char   *sql,
                    const char   *types,
                    ...)
{
  g_auto(Statement) statement = { store, NULL };
  va_list args;

  if (store->pg != NULL)
    {
      gboolean done;

      va_start (args, types);
      done = _quorum_store_pg_write (store, NULL, error, sql, types, args) >= 0;
      va_end (args);
      return done;
    }
  va_start (args, types);
  statement.stmt = prepare_valist (store, error, sql, types, args);
  va_end (args);
  return statement.stmt != NULL && _quorum_store_step (store, statement.stmt, error);
}

/* A deep copy: json_node_copy shares objects and arrays, and rows are
 * changed by their callers. */
static JsonNode *
copy_tree (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (object, name, copy_tree (member));
        copy = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *source = json_node_get_array (node);
        guint length = json_array_get_length (source);
        JsonArray *array = json_array_sized_new (length);

        for (guint i = 0; i < length; i++)
          json_array_add_element (array, copy_tree (json_array_get_element (source, i)));
        copy = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return copy;
      }
    default:
      return json_node_copy (node);
    }
}

/* Parsed "_json" texts up to this size are kept for the next read of the
 * same text (a job's settings, a project's labels), and at most this many. */
#define PARSED_MAX_TEXT    8192
#define PARSED_MAX_ENTRIES 256

JsonNode *
_quorum_store_parse_stored (QuorumStore *store,
                            const char  *text,
                            int          length,
                            gboolean     shared)
{
  JsonNode *node;

  if (length > PARSED_MAX_TEXT)
    return json_from_string (text, NULL);
  node = g_hash_table_lookup (store->parsed, text);
  if (node == NULL)
    {
      node = json_from_string (text, NULL);
      if (node == NULL)
        return NULL;
      if (g_hash_table_size (store->parsed) >= PARSED_MAX_ENTRIES)
        g_hash_table_remove_all (store->parsed);
      g_hash_table_insert (store->parsed, g_strndup (text, length), node);
    }
  if (shared)
    {
      json_node_seal (node);
      return json_node_ref (node);
    }
  return copy_tree (node);
}

static JsonNode *
column_value (QuorumStore  *store,
              sqlite3_stmt *stmt,
              int           column,
              ColumnKind    kind)
{
  JsonNode *node;

  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_INTEGER:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, sqlite3_column_int64 (stmt, column));
      return node;
    case SQLITE_FLOAT:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (node, sqlite3_column_double (stmt, column));
      return node;
    case SQLITE_TEXT:
      if (kind != COLUMN_VALUE)
        {
          /* Stored by Quorum after validation, so it parses. */
          node = _quorum_store_parse_stored (store, (const char *) sqlite3_column_text (stmt, column),
                                             sqlite3_column_bytes (stmt, column), kind == COLUMN_JSON_SHARED);
          if (node != NULL)
            return node;
        }
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, (const char *) sqlite3_column_text (stmt, column));
      return node;
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

/* The row @stmt stands on, as an object named by its columns. */
static JsonObject *
row_object (QuorumStore      *store,
            sqlite3_stmt     *stmt,
            StatementColumns *columns)
{
  JsonObject *row = json_object_new ();

  for (int i = 0; i < columns->n_columns; i++)
    json_object_set_member (row, columns->members[i], column_value (store, stmt, i, columns->kinds[i]));
  return row;
}

/* Steps @stmt for its rows: all of them into an array, or with @first_only
 * the first as an object (the array then holds it alone). */
static JsonNode *
rows_valist (QuorumStore  *store,
             gboolean      first_only,
             GError      **error,
             const char   *sql,
             const char   *types,
             va_list       args)
{
  g_auto(Statement) statement = { store, NULL };
  sqlite3_stmt *stmt;
  g_autoptr(JsonArray) rows = NULL;
  StatementColumns *columns;
  StatementColumns *own = NULL;
  int rc;

  if (store->pg != NULL)
    return _quorum_store_pg_rows (store, first_only, error, sql, types, args);
  stmt = statement.stmt = prepare_valist (store, error, sql, types, args);
  if (stmt == NULL)
    return NULL;
  columns = g_hash_table_lookup (store->link->columns, stmt);
  if (columns == NULL)
    columns = own = statement_columns_new (stmt);
  rows = json_array_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_array_add_object_element (rows, row_object (store, stmt, columns));
      if (first_only)
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  g_clear_pointer (&own, _quorum_store_columns_free);
  if (rc != SQLITE_DONE)
    {
      _quorum_store_set_error (store, error, "database");
      return NULL;
    }
  return json_node_init_array (json_node_alloc (), rows);
}

JsonNode *
_quorum_store_rows (QuorumStore  *store,
                    GError      **error,
                    const char   *sql,
                    const char   *types,
                    ...)
{
  JsonNode *rows;
  va_list args;

  va_start (args, types);
  rows = rows_valist (store, FALSE, error, sql, types, args);
  va_end (args);
  return rows;
}

JsonObject *
_quorum_store_row (QuorumStore  *store,
                   const char   *what,
                   GError      **error,
                   const char   *sql,
                   const char   *types,
                   ...)
{
  g_autoptr(JsonNode) rows = NULL;
  JsonArray *array;
  va_list args;

  va_start (args, types);
  rows = rows_valist (store, TRUE, error, sql, types, args);
  va_end (args);
  if (rows == NULL)
    return NULL;
  array = json_node_get_array (rows);
  if (json_array_get_length (array) == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "%s", what);
      return NULL;
    }
  return json_object_ref (json_array_get_object_element (array, 0));
}

/* ---- rows one at a time ------------------------------------------------- */

struct _QuorumStoreCursor
{
  QuorumStore  *store;
  sqlite3_stmt *stmt;     /* on SQLite */
  PGresult     *result;   /* on PostgreSQL: every row at once */
  int           row;
};

QuorumStoreCursor *
_quorum_store_cursor_open (QuorumStore  *store,
                           GError      **error,
                           const char   *sql,
                           const char   *types,
                           ...)
{
  g_autoptr(QuorumStoreCursor) cursor = g_new0 (QuorumStoreCursor, 1);
  va_list args;

  cursor->store = store;
  cursor->row = -1;
  va_start (args, types);
  if (store->pg != NULL)
    cursor->result = _quorum_store_pg_query (store, error, sql, types, args);
  else
    cursor->stmt = prepare_valist (store, error, sql, types, args);
  va_end (args);
  if (cursor->result == NULL && cursor->stmt == NULL)
    return NULL;
  return g_steal_pointer (&cursor);
}

gboolean
_quorum_store_cursor_next (QuorumStoreCursor  *cursor,
                           GError            **error)
{
  int rc;

  if (cursor->result != NULL)
    return ++cursor->row < PQntuples (cursor->result);
  rc = sqlite3_step (cursor->stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    _quorum_store_set_error (cursor->store, error, "database");
  return FALSE;
}

gint64
_quorum_store_cursor_int (QuorumStoreCursor *cursor,
                          int                column)
{
  if (cursor->result != NULL)
    return g_ascii_strtoll (PQgetvalue (cursor->result, cursor->row, column), NULL, 10);
  return sqlite3_column_int64 (cursor->stmt, column);
}

const char *
_quorum_store_cursor_text (QuorumStoreCursor *cursor,
                           int                column)
{
  if (cursor->result != NULL)
    return PQgetisnull (cursor->result, cursor->row, column) ? NULL
                                                              : PQgetvalue (cursor->result, cursor->row, column);
  return (const char *) sqlite3_column_text (cursor->stmt, column);
}

gsize
_quorum_store_cursor_bytes (QuorumStoreCursor *cursor,
                            int                column)
{
  if (cursor->result != NULL)
    return PQgetlength (cursor->result, cursor->row, column);
  return sqlite3_column_bytes (cursor->stmt, column);
}

int
_quorum_store_cursor_columns (QuorumStoreCursor *cursor)
{
  return cursor->result != NULL ? PQnfields (cursor->result) : sqlite3_column_count (cursor->stmt);
}

const char *
_quorum_store_cursor_name (QuorumStoreCursor *cursor,
                           int                column)
{
  return cursor->result != NULL ? PQfname (cursor->result, column) : sqlite3_column_name (cursor->stmt, column);
}

void
_quorum_store_cursor_close (QuorumStoreCursor *cursor)
{
  if (cursor->stmt != NULL)
    _quorum_store_release (cursor->store, cursor->stmt);
  g_clear_pointer (&cursor->result, PQclear);
  g_free (cursor);
}

gboolean
_quorum_store_begin (QuorumStore  *store,
                     GError      **error)
{
  if (store->pg != NULL)
    return _quorum_store_pg_transaction (store, "BEGIN", error);
  if (!store->in_batch)
    return _quorum_store_exec (store, error, "BEGIN IMMEDIATE", NULL);
  if (!_quorum_store_exec (store, error, "SAVEPOINT quorum_change", NULL))
    return FALSE;
  store->savepoints++;
  return TRUE;
}

gboolean
_quorum_store_commit (QuorumStore  *store,
                      GError      **error)
{
  if (store->pg != NULL)
    return _quorum_store_pg_transaction (store, "COMMIT", error);
  if (store->in_batch)
    {
      /* Durable later, when the batch commits. */
      if (store->savepoints == 0)
        return TRUE;
      store->savepoints--;
      return _quorum_store_exec (store, error, "RELEASE quorum_change", NULL);
    }
  if (_quorum_store_exec (store, error, "COMMIT", NULL))
    return TRUE;
  _quorum_store_rollback (store);
  return FALSE;
}

void
_quorum_store_rollback (QuorumStore *store)
{
  if (store->pg != NULL)
    {
      _quorum_store_pg_transaction (store, "ROLLBACK", NULL);
      return;
    }
  if (store->in_batch)
    {
      /* Only this change: the batch's other changes stay. */
      if (store->savepoints > 0)
        {
          store->savepoints--;
          sqlite3_exec (store->link->db, "ROLLBACK TO quorum_change; RELEASE quorum_change", NULL, NULL, NULL);
        }
      return;
    }
  if (!sqlite3_get_autocommit (store->link->db))
    sqlite3_exec (store->link->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_quorum_store_fail (QuorumStore *store)
{
  _quorum_store_rollback (store);
  return FALSE;
}

gboolean
quorum_store_batch_begin (QuorumStore  *store,
                          GError      **error)
{
  g_return_val_if_fail (!store->in_batch, FALSE);

  if (store->pg != NULL)
    return (store->in_batch = _quorum_store_pg_transaction (store, "BATCH", error));
  /* The batch's commit writes the log without waiting for the disk;
   * quorum_store_sync makes it durable, off the caller's thread. */
  if (!_quorum_store_exec (store, error, "PRAGMA synchronous = NORMAL", NULL))
    return FALSE;
  if (!_quorum_store_exec (store, error, "BEGIN IMMEDIATE", NULL))
    {
      _quorum_store_exec (store, NULL, "PRAGMA synchronous = FULL", NULL);
      return FALSE;
    }
  store->in_batch = TRUE;
  store->savepoints = 0;
  return TRUE;
}

gboolean
quorum_store_in_batch (QuorumStore *store)
{
  return store->in_batch;
}

gboolean
quorum_store_batch_commit (QuorumStore  *store,
                           GError      **error)
{
  gboolean committed = FALSE;

  g_return_val_if_fail (store->in_batch, FALSE);

  if (store->pg != NULL)
    {
      store->in_batch = FALSE;
      return _quorum_store_pg_batch_commit (store, error);
    }
  store->in_batch = FALSE;
  if (store->savepoints > 0)
    g_warning ("a batch commits with %u savepoint(s) open", store->savepoints);
  store->savepoints = 0;
  /* SQLite ends a transaction by itself on some errors (a full disk, an I/O
   * error): then part of the batch may be gone, and nothing in it is
   * acknowledged. */
  if (sqlite3_get_autocommit (store->link->db))
    g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                         "database: the transaction was rolled back by an error");
  else if (_quorum_store_exec (store, error, "COMMIT", NULL))
    committed = TRUE;
  else
    sqlite3_exec (store->link->db, "ROLLBACK", NULL, NULL, NULL);
  /* Changes made outside a batch are durable when they return, as before. */
  _quorum_store_exec (store, NULL, "PRAGMA synchronous = FULL", NULL);
  return committed;
}

gboolean
quorum_store_sync (QuorumStore  *store,
                   GError      **error)
{
  /* PostgreSQL's COMMIT returns once the commit is durable. */
  if (store->pg != NULL)
    return TRUE;
  /* In WAL mode a committed transaction lives in the log until a checkpoint
   * copies it into the database, and the checkpoint syncs both files
   * itself; so the log's data reaching the disk is what makes a commit
   * durable. fdatasync through a descriptor of our own flushes the file
   * whichever descriptor wrote it. */
  if (fdatasync (store->wal_fd) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s-wal: cannot sync: %s",
                   store->path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
exec_script (QuorumStore  *store,
             const char   *sql,
             GError      **error)
{
  char *message = NULL;

  if (sqlite3_exec (store->link->db, sql, NULL, NULL, &message) != SQLITE_OK)
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

  if (store->pg != NULL)
    return _quorum_store_pg_schema_version (store);
  if (sqlite3_prepare_v2 (store->link->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
check_foreign_keys (QuorumStore  *store,
                    guint         migration,
                    GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean broken;

  if (sqlite3_prepare_v2 (store->link->db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
    {
      _quorum_store_set_error (store, error, "migration");
      return FALSE;
    }
  broken = sqlite3_step (stmt) == SQLITE_ROW;
  if (broken)
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                 "%s: migration %u leaves a row of %s referring to nothing; the database is left "
                 "as it was", store->path, migration, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return !broken;
}

static gboolean
migrate (QuorumStore  *store,
         GError      **error)
{
  int version = quorum_store_schema_version (store);

  if (version > (int) _quorum_store_n_migrations)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "%s: schema version %d is newer than this quorum-server knows (%u); "
                   "use a newer quorum-server", store->path, version,
                   (guint) _quorum_store_n_migrations);
      return FALSE;
    }
  for (guint i = (guint) version; i < _quorum_store_n_migrations; i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u;", i + 1);

      /* A migration may rebuild a table others refer to (SQLite's way of
       * changing a column): the references are checked once it is done,
       * not while the old table is dropped, which would cascade. */
      if (!exec_script (store, "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE;", error))
        return FALSE;
      if (!exec_script (store, _quorum_store_migrations[i], error) || !exec_script (store, bump, error) ||
          !check_foreign_keys (store, i + 1, error))
        {
          exec_script (store, "ROLLBACK; PRAGMA foreign_keys = ON;", NULL);
          return FALSE;
        }
      if (!exec_script (store, "COMMIT; PRAGMA foreign_keys = ON;", error))
        return FALSE;
    }
  return TRUE;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
link_init (QuorumStoreLink *link)
{
  link->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  link->in_use = g_hash_table_new (NULL, NULL);
  link->columns = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) _quorum_store_columns_free);
  link->by_address = g_hash_table_new (NULL, NULL);
}

static void
link_clear (QuorumStoreLink *link)
{
  if (link == NULL)
    return;
  g_clear_pointer (&link->columns, g_hash_table_unref);
  g_clear_pointer (&link->by_address, g_hash_table_unref);
  g_clear_pointer (&link->statements, g_hash_table_unref);
  g_clear_pointer (&link->in_use, g_hash_table_unref);
  g_clear_pointer (&link->begin, sqlite3_finalize);
  g_clear_pointer (&link->first_read, sqlite3_finalize);
  g_clear_pointer (&link->end, sqlite3_finalize);
  if (link->db != NULL)
    sqlite3_close (link->db);
  link->db = NULL;
}

/* SQLite checkpoints the log into the database once it holds this many
 * frames (its own default), and starts it over from the beginning when the
 * next transaction writes and no reader still uses it. */
#define CHECKPOINT_FRAMES 1000

/* Replaces SQLite's automatic checkpoint, which runs after a commit once the
 * log holds CHECKPOINT_FRAMES: not while a reader holds a snapshot, which
 * would keep the checkpoint from finishing (and each try syncs both files
 * on the caller's thread). quorum_store_snapshot_take stops taking
 * snapshots meanwhile, so that the next commit finds none. */
static int
wal_committed (void       *data,
               sqlite3    *db,
               const char *name,
               int         frames)
{
  QuorumStore *store = data;

  /* The log started over: nothing in it is copied yet. */
  if (frames < store->wal_frames)
    g_atomic_int_set (&store->backfilled, 0);
  store->wal_frames = frames;
  if (frames < CHECKPOINT_FRAMES || store->durable != NULL || store->pending != NULL)
    return SQLITE_OK;
  /* Checkpointed elsewhere (quorum_store_checkpoint): only what its last run
   * left, a few frames committed while it ran, is copied here, so that the
   * checkpoint completes and the writer can start the log over. */
  if (store->checkpoint_elsewhere &&
      (g_atomic_int_get (&store->checkpointing) ||
       frames - g_atomic_int_get (&store->backfilled) >= CHECKPOINT_FRAMES))
    return SQLITE_OK;
  sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
}

void
quorum_store_checkpoint_elsewhere (QuorumStore *store)
{
  store->checkpoint_elsewhere = TRUE;
}

gboolean
quorum_store_checkpoint_due (QuorumStore *store)
{
  /* SQLite's log only; PostgreSQL checkpoints by itself. */
  if (store->pg != NULL)
    return FALSE;
  return store->wal_frames >= CHECKPOINT_FRAMES;
}

gboolean
quorum_store_checkpoint (QuorumStore  *store,
                         GError      **error)
{
  int backfilled = 0;
  int rc;

  /* Opened on first use, in the thread that checkpoints; set up like the
   * writer, so that the checkpoint syncs the log before copying it and the
   * database after. */
  if (store->checkpointer == NULL &&
      (sqlite3_open_v2 (store->path, &store->checkpointer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK ||
       sqlite3_exec (store->checkpointer, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", NULL, NULL,
                     NULL) != SQLITE_OK))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", store->path,
                   store->checkpointer != NULL ? sqlite3_errmsg (store->checkpointer) : "out of memory");
      g_clear_pointer (&store->checkpointer, sqlite3_close);
      return FALSE;
    }
  g_atomic_int_set (&store->checkpointing, TRUE);
  rc = sqlite3_wal_checkpoint_v2 (store->checkpointer, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, &backfilled);
  if (rc == SQLITE_OK)
    g_atomic_int_set (&store->backfilled, backfilled);
  g_atomic_int_set (&store->checkpointing, FALSE);
  /* SQLITE_BUSY: another checkpoint (or a recovery) is under way, and will
   * have done the work. */
  if (rc == SQLITE_OK || rc == SQLITE_BUSY)
    return TRUE;
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: checkpoint: %s", store->path,
               sqlite3_errmsg (store->checkpointer));
  return FALSE;
}

QuorumStore *
quorum_store_open (const char  *data_dir,
                   GError     **error)
{
  return quorum_store_open_database (data_dir, NULL, error);
}

QuorumStore *
quorum_store_open_database (const char  *data_dir,
                            const char  *database,
                            GError     **error)
{
  g_autoptr(QuorumStore) store = g_new0 (QuorumStore, 1);

  store->wal_fd = -1;
  store->link = &store->writer;
  link_init (&store->writer);
  store->parsed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);

  if ((store->blobs = quorum_blobs_new_folder (data_dir, error)) == NULL)
    return NULL;
  if (database != NULL)
    {
      store->path = g_strdup ("PostgreSQL");
      if ((store->pg = _quorum_store_pg_open (store, database, error)) == NULL)
        return NULL;
      return g_steal_pointer (&store);
    }
  store->path = g_build_filename (data_dir, "quorum.sqlite", NULL);
  if (sqlite3_open_v2 (store->path, &store->writer.db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", store->path,
                   store->writer.db != NULL ? sqlite3_errmsg (store->writer.db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (store->writer.db, 5000);
  sqlite3_extended_result_codes (store->writer.db, 1);
  /* An acknowledged write must survive a killed process or a power cut. */
  if (!exec_script (store, "PRAGMA journal_mode = WAL;"
                           "PRAGMA synchronous = FULL;"
                           "PRAGMA foreign_keys = ON;", error) ||
      !migrate (store, error))
    return NULL;
  sqlite3_wal_hook (store->writer.db, wal_committed, store);
  /* The log exists from the connection's first read on, and stays while the
   * connection is open. */
  {
    g_autofree char *wal = g_strconcat (store->path, "-wal", NULL);

    store->wal_fd = g_open (wal, O_RDONLY | O_CLOEXEC, 0);
    if (store->wal_fd < 0)
      {
        int saved_errno = errno;
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", wal, g_strerror (saved_errno));
        return NULL;
      }
  }
  /* The readers, once the schema is there. They only read, but are set up
   * like the writer so that no connection of the process is ever laxer. */
  for (guint i = 0; i < G_N_ELEMENTS (store->readers); i++)
    {
      QuorumStoreLink *reader = g_new0 (QuorumStoreLink, 1);

      link_init (reader);
      store->readers[i] = reader;
      if (sqlite3_open_v2 (store->path, &reader->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX,
                           NULL) != SQLITE_OK ||
          sqlite3_exec (reader->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                        NULL, NULL, NULL) != SQLITE_OK)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", store->path,
                       reader->db != NULL ? sqlite3_errmsg (reader->db) : "out of memory");
          return NULL;
        }
      sqlite3_busy_timeout (reader->db, 5000);
      sqlite3_extended_result_codes (reader->db, 1);
      if (sqlite3_prepare_v3 (reader->db, "BEGIN", -1, SQLITE_PREPARE_PERSISTENT, &reader->begin, NULL) != SQLITE_OK ||
          sqlite3_prepare_v3 (reader->db, "SELECT count(*) FROM meta", -1, SQLITE_PREPARE_PERSISTENT,
                              &reader->first_read, NULL) != SQLITE_OK ||
          sqlite3_prepare_v3 (reader->db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &reader->end, NULL) != SQLITE_OK)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", store->path,
                       sqlite3_errmsg (reader->db));
          return NULL;
        }
    }
  return g_steal_pointer (&store);
}

void
quorum_store_close (QuorumStore *store)
{
  if (store == NULL)
    return;
  g_clear_pointer (&store->pg, _quorum_store_pg_close);
  if (store->wal_fd >= 0)
    close (store->wal_fd);
  for (guint i = 0; i < G_N_ELEMENTS (store->readers); i++)
    {
      link_clear (store->readers[i]);
      g_free (store->readers[i]);
    }
  g_clear_pointer (&store->checkpointer, sqlite3_close);
  link_clear (&store->writer);
  g_clear_pointer (&store->parsed, g_hash_table_unref);
  g_free (store->path);
  g_clear_pointer (&store->blobs, quorum_blobs_free);
  g_free (store);
}

/* ---- reads from what is on disk ---------------------------------------- */

/* Steps a statement of a reader's own to its end and resets it. */
static gboolean
reader_step (sqlite3_stmt *stmt)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
reader_begin (QuorumStoreLink *reader)
{
  /* BEGIN is deferred: the first read takes the snapshot. */
  if (!reader_step (reader->begin) || !reader_step (reader->first_read))
    {
      g_warning ("a reader cannot begin: %s", sqlite3_errmsg (reader->db));
      sqlite3_exec (reader->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  reader->reading = TRUE;
  return TRUE;
}

static void
reader_end (QuorumStoreLink *reader)
{
  if (reader == NULL || !reader->reading)
    return;
  if (!reader_step (reader->end))
    sqlite3_exec (reader->db, "ROLLBACK", NULL, NULL, NULL);
  reader->reading = FALSE;
}

static QuorumStoreLink *
idle_reader (QuorumStore *store)
{
  for (guint i = 0; i < G_N_ELEMENTS (store->readers); i++)
    if (store->readers[i] != store->durable && store->readers[i] != store->pending)
      return store->readers[i];
  return NULL;
}

gboolean
quorum_store_snapshot_take (QuorumStore *store)
{
  g_return_val_if_fail (store->pending == NULL, FALSE);

  if (store->pg != NULL)
    return FALSE;
  /* Past the checkpoint's size no snapshot is taken, so that the log can be
   * checkpointed and started over; reads meanwhile wait for the sync. */
  if (store->wal_frames >= CHECKPOINT_FRAMES)
    return FALSE;
  store->pending = idle_reader (store);
  if (!reader_begin (store->pending))
    store->pending = NULL;
  return store->pending != NULL;
}

void
quorum_store_snapshot_hold (QuorumStore *store)
{
  if (store->pg != NULL)
    return;
  if (store->durable != NULL || store->wal_frames >= CHECKPOINT_FRAMES)
    return;
  store->durable = idle_reader (store);
  if (!reader_begin (store->durable))
    store->durable = NULL;
}

void
quorum_store_snapshot_settle (QuorumStore *store,
                              gboolean     synced)
{
  if (!synced)
    {
      reader_end (store->pending);
      store->pending = NULL;
      return;
    }
  reader_end (store->durable);
  store->durable = g_steal_pointer (&store->pending);
}

void
quorum_store_snapshot_drop (QuorumStore *store)
{
  reader_end (store->durable);
  store->durable = NULL;
}

gboolean
quorum_store_read_begin (QuorumStore *store,
                         gboolean     all_durable)
{
  QuorumStoreLink *reader;

  g_return_val_if_fail (store->link == &store->writer, FALSE);

  /* On PostgreSQL every commit is durable when it returns, and reads are
   * answered in the batch like writes. */
  if (store->pg != NULL)
    return FALSE;
  if (all_durable)
    {
      reader = idle_reader (store);
      if (!reader_begin (reader))
        return FALSE;
    }
  else if ((reader = store->durable) == NULL)
    return FALSE;
  store->link = reader;
  return TRUE;
}

void
quorum_store_read_end (QuorumStore *store)
{
  QuorumStoreLink *reader = store->link;

  g_return_if_fail (reader != &store->writer);

  store->link = &store->writer;
  if (reader != store->durable)
    reader_end (reader);
}

gboolean
quorum_store_is_shared (QuorumStore *store)
{
  return store->pg != NULL;
}

gboolean
quorum_store_lead (QuorumStore *store,
                   const char  *role)
{
  return store->pg == NULL || _quorum_store_pg_try_lead (store, role);
}

gboolean
quorum_store_claim_video (QuorumStore *store,
                          const char  *sha256)
{
  return store->pg == NULL || _quorum_store_pg_video_lock (store, sha256, TRUE);
}

void
quorum_store_release_video (QuorumStore *store,
                            const char  *sha256)
{
  if (store->pg != NULL)
    _quorum_store_pg_video_lock (store, sha256, FALSE);
}

const char *
quorum_store_get_path (QuorumStore *store)
{
  return store->path;
}
