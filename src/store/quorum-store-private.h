/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "quorum-blobs.h"
#include "quorum-store.h"

G_BEGIN_DECLS

/* One SQLite connection with its prepared statements. */
typedef struct
{
  sqlite3    *db;
  /* Prepared statements by their SQL, reused; those handed out and not yet
   * given back are in @in_use, and a second use of the same SQL meanwhile
   * gets a statement of its own. */
  GHashTable *statements;
  GHashTable *in_use;
  /* The statements of @statements, by pointer, with the members their
   * columns make in a row (StatementColumns), found without hashing the SQL. */
  GHashTable *columns;
  /* The statements of @statements by the address of the SQL text they were
   * asked for with (most are literals), tried before hashing the text. */
  GHashTable *by_address;
  gboolean    reading;     /* a reader: in a read transaction */
  /* A reader's own: BEGIN, the first read that takes its snapshot, COMMIT. */
  sqlite3_stmt *begin;
  sqlite3_stmt *first_read;
  sqlite3_stmt *end;
} QuorumStoreLink;

/* The store on PostgreSQL (quorum-store-pg.c); NULL on SQLite. */
typedef struct _QuorumStorePg QuorumStorePg;

struct _QuorumStore
{
  QuorumStorePg   *pg;
  /* The connection every statement goes to: @writer, or a reader between
   * quorum_store_read_begin and quorum_store_read_end. */
  QuorumStoreLink *link;
  QuorumStoreLink  writer;
  /* Read-only connections for answering reads with what is on disk
   * (quorum_store_read_begin): @durable holds a read transaction on a state
   * that is durable, @pending one on the state a sync under way will make
   * durable, @fresh none. Any of them may be NULL. */
  QuorumStoreLink *readers[3];
  QuorumStoreLink *durable;
  QuorumStoreLink *pending;
  gint64           wal_frames;  /* in the log after the last commit */
  /* Set by quorum_store_checkpoint_elsewhere: commits leave the log to
   * quorum_store_checkpoint, on a connection of its own. */
  gboolean         checkpoint_elsewhere;
  sqlite3         *checkpointer;
  gint             checkpointing;    /* atomic: quorum_store_checkpoint runs */
  gint             backfilled;       /* atomic: frames its last run left copied */
  char       *path;
  QuorumBlobs *blobs;       /* the media (quorum-blobs.h) */
  /* Parsed "_json" columns by their text, so that the same settings or
   * labels read again and again are copied rather than parsed again. */
  GHashTable *parsed;
  /* Inside a batch (quorum_store_batch_begin), a function's transaction is
   * a savepoint of the batch's; @savepoints counts those open. */
  gboolean    in_batch;
  guint       savepoints;
  int         wal_fd;      /* the write-ahead log, for quorum_store_sync */
};

/*
 * Statements with their parameters in one call. @types has one letter per
 * parameter that follows: 's' a string (NULL binds NULL), 'i' a gint64,
 * 'd' a double, 'b' a string that need not end in NUL and its length (a
 * const char * and a gsize), 'u' a string of a type the column decides
 * (PostgreSQL infers it; SQLite binds text, which its columns convert).
 *
 * The SQL is written once for both backends, in what SQLite and PostgreSQL
 * both understand; quorum-store-pg.c translates the few differences it
 * knows (placeholders, INSERT OR IGNORE, group_concat, json_object, casts)
 * and the PostgreSQL schema defines strftime('%s', …), json_extract and
 * json_each as SQLite has them.
 */
/* A statement to step and then hand back with _quorum_store_release. */
sqlite3_stmt *_quorum_store_prepare  (QuorumStore  *store,
                                      GError      **error,
                                      const char   *sql,
                                      const char   *types,
                                      ...);
void          _quorum_store_release  (QuorumStore   *store,
                                      sqlite3_stmt  *stmt);
gboolean      _quorum_store_exec     (QuorumStore  *store,
                                      GError      **error,
                                      const char   *sql,
                                      const char   *types,
                                      ...);
/* An INSERT, UPDATE or DELETE. Returns the new row's id (for an INSERT), or
 * -1 and an error; a unique-constraint violation is QUORUM_ERROR_CONFLICT
 * with the message @conflict. */
gint64        _quorum_store_write    (QuorumStore  *store,
                                      const char   *conflict,
                                      GError      **error,
                                      const char   *sql,
                                      const char   *types,
                                      ...);
/* Rows the last write changed. */
gint64        _quorum_store_changes  (QuorumStore  *store);
/* The rows as a JSON array of objects named by column; columns whose name
 * ends in "_json" are parsed and inlined under the name without it. */
JsonNode     *_quorum_store_rows     (QuorumStore  *store,
                                      GError      **error,
                                      const char   *sql,
                                      const char   *types,
                                      ...);
/* The first row as an object, or NULL with QUORUM_ERROR_NOT_FOUND naming @what. */
JsonObject   *_quorum_store_row      (QuorumStore  *store,
                                      const char   *what,
                                      GError      **error,
                                      const char   *sql,
                                      const char   *types,
                                      ...);
gboolean      _quorum_store_step     (QuorumStore   *store,
                                      sqlite3_stmt  *stmt,
                                      GError       **error);
gboolean      _quorum_store_begin    (QuorumStore  *store,
                                      GError      **error);
gboolean      _quorum_store_commit   (QuorumStore  *store,
                                      GError      **error);
void          _quorum_store_rollback (QuorumStore  *store);
/* Rolls back and returns FALSE, for `return _quorum_store_fail (store);`. */
gboolean      _quorum_store_fail     (QuorumStore  *store);
/* Recomputes whether a file of a job is open: some of its draw tasks taken,
 * some still available. After every change between the two. */
gboolean      _quorum_store_update_open_file (QuorumStore  *store,
                                              gint64        job_id,
                                              gint64        file_id,
                                              GError      **error);
/* What quorum_store_release_task does, inside the caller's transaction. */
gboolean      _quorum_store_release_task_in_transaction (QuorumStore  *store,
                                                         gint64        task_id,
                                                         GError      **error);
/* Inserts the tasks of @plan; with a @taker (an exam's applicant) the draw
 * tasks go straight to them, and belong to their @attempt. */
gboolean      _quorum_store_insert_plan (QuorumStore  *store,
                                         gint64        job_id,
                                         JsonNode     *files,
                                         GArray       *plan,
                                         gint64        taker,
                                         gint64        attempt,
                                         GError      **error);
/* ---- a task's instances, a row each (quorum-store-instances.c) ---- */

/* The instances of the task whose id is @task (an SQL expression), as one
 * JSON array column "instances_json", in their order. */
#define QUORUM_STORE_INSTANCES_JSON(task) \
  "(SELECT '[' || coalesce(group_concat(body, ','), '') || ']' FROM " \
  "(SELECT body FROM task_instances WHERE task_id = " task " ORDER BY position) AS ordered) AS instances_json"

/* Replaces the task's instances with @instances, in their order. With an
 * @author, each instance's author and copied_from are set as the server
 * says (an instance the task holds keeps them, a new one is @author's);
 * without, they are stored as given (consensus copies). With @written,
 * appends to it the instances as stored, a JSON array. */
gboolean      _quorum_store_replace_instances (QuorumStore  *store,
                                               gint64        task_id,
                                               GPtrArray    *instances,
                                               const char   *author,
                                               GString      *written,
                                               GError      **error);
/* The same from a JSON array of instances whose authorship is set. */
gboolean      _quorum_store_replace_instances_json (QuorumStore  *store,
                                                    gint64        task_id,
                                                    const char   *instances_json,
                                                    GError      **error);
/* Removes @delete_ids (each must be there), then replaces or adds each of
 * @upsert by id, with authorship as _quorum_store_replace_instances sets it;
 * an added one comes last. */
gboolean      _quorum_store_apply_delta (QuorumStore         *store,
                                         gint64               task_id,
                                         GPtrArray           *upsert,
                                         const char * const  *delete_ids,
                                         const char          *author,
                                         GError             **error);
gboolean      _quorum_store_task_has_instances (QuorumStore *store,
                                                gint64       task_id);

/* How a statement's columns go into a row object (quorum-store.c). */
typedef enum {
  COLUMN_VALUE,        /* as it is */
  COLUMN_JSON,         /* JSON inlined, a tree of the row's own */
  COLUMN_JSON_SHARED,  /* JSON inlined, the parsed tree shared and sealed */
} ColumnKind;

/* What a cached statement's columns make in a row: each column's member
 * name, and whether its text is JSON to inline (a name ending in "_json",
 * inlined without it). Computed once per statement. */
typedef struct {
  int         n_columns;
  char      **members;
  ColumnKind *kinds;
} StatementColumns;

StatementColumns *_quorum_store_columns_new  (int                n_columns,
                                              const char *(*name) (gpointer source, int column),
                                              gpointer           source);
void              _quorum_store_columns_free (StatementColumns  *columns);
/* A "_json" column's text parsed, from the store's cache of them. */
JsonNode         *_quorum_store_parse_stored (QuorumStore       *store,
                                              const char        *text,
                                              int                length,
                                              gboolean           shared);

/* Rows of a statement one at a time, on either backend, for the few reads
 * that must not build a JSON row each (100,000 instances). */
typedef struct _QuorumStoreCursor QuorumStoreCursor;

QuorumStoreCursor *_quorum_store_cursor_open  (QuorumStore        *store,
                                               GError            **error,
                                               const char         *sql,
                                               const char         *types,
                                               ...);
/* TRUE on a row; FALSE at the end, or on an error (set in @error). */
gboolean           _quorum_store_cursor_next  (QuorumStoreCursor  *cursor,
                                               GError            **error);
gint64             _quorum_store_cursor_int   (QuorumStoreCursor  *cursor,
                                               int                 column);
const char        *_quorum_store_cursor_text  (QuorumStoreCursor  *cursor,
                                               int                 column);
gsize              _quorum_store_cursor_bytes (QuorumStoreCursor  *cursor,
                                               int                 column);
int                _quorum_store_cursor_columns (QuorumStoreCursor *cursor);
const char        *_quorum_store_cursor_name  (QuorumStoreCursor  *cursor,
                                               int                 column);
void               _quorum_store_cursor_close (QuorumStoreCursor  *cursor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumStoreCursor, _quorum_store_cursor_close)

/* The SQLite schema's migrations, in order (quorum-store-migrations.c). */
extern const char * const _quorum_store_migrations[];
extern const guint        _quorum_store_n_migrations;

/* ---- PostgreSQL (quorum-store-pg.c) ---- */

QuorumStorePg *_quorum_store_pg_open          (QuorumStore   *store,
                                               const char    *conninfo,
                                               GError       **error);
void           _quorum_store_pg_close         (QuorumStorePg *pg);
gint64         _quorum_store_pg_write         (QuorumStore   *store,
                                               const char    *conflict,
                                               GError       **error,
                                               const char    *sql,
                                               const char    *types,
                                               va_list        args);
JsonNode      *_quorum_store_pg_rows          (QuorumStore   *store,
                                               gboolean       first_only,
                                               GError       **error,
                                               const char    *sql,
                                               const char    *types,
                                               va_list        args);
gint64         _quorum_store_pg_changes       (QuorumStore   *store);
/* BEGIN (or a savepoint inside a batch), COMMIT, ROLLBACK, as
 * _quorum_store_begin and the batch functions describe. */
gboolean       _quorum_store_pg_transaction   (QuorumStore   *store,
                                               const char    *command,
                                               GError       **error);
gboolean       _quorum_store_pg_batch_commit  (QuorumStore   *store,
                                               GError       **error);
int            _quorum_store_pg_schema_version (QuorumStore  *store);
/* A cursor's PostgreSQL half: the whole result, stepped through. */
gpointer       _quorum_store_pg_query         (QuorumStore   *store,
                                               GError       **error,
                                               const char    *sql,
                                               const char    *types,
                                               va_list        args);
gboolean       _quorum_store_pg_try_lead      (QuorumStore   *store,
                                               const char    *role);
/* Takes (@take) or lets go of the session lock of a video's preparation. */
gboolean       _quorum_store_pg_video_lock    (QuorumStore   *store,
                                               const char    *sha256,
                                               gboolean       take);
/* Runs @sql with @n_values parameters of the types the statement gives
 * them (quorum-store-copy.c: a row of any table). */
gboolean       _quorum_store_pg_exec_values   (QuorumStore   *store,
                                               const char    *sql,
                                               int            n_values,
                                               const char   **values,
                                               GError       **error);

void          _quorum_store_set_error (QuorumStore  *store,
                                       GError      **error,
                                       const char   *context);

G_END_DECLS
