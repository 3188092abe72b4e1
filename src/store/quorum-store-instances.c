/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

/*
 * A task's instances, one row each (migration 14): a save that changes
 * one vertex of a task of 10,000 polygons rewrites one row, not the whole
 * set. The rows keep the order of the last full save; an instance added
 * by a delta comes after them. Readers get the set as one JSON array
 * (QUORUM_STORE_INSTANCES_JSON), joined from the rows' texts unparsed.
 */

#include <string.h>

#include "quorum-error.h"
#include "quorum-store-private.h"
#include "quorum-wire.h"

static char *
instance_text (const QuorumInstance *instance)
{
  GString *text = g_string_sized_new (512);

  quorum_wire_append_instance (text, instance);
  return g_string_free (text, FALSE);
}

static gboolean
insert_row (QuorumStore  *store,
            gint64        task_id,
            gint64        position,
            const char   *id,
            const char   *author,
            const char   *copied_from,
            const char   *body,
            GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("instances: “%s” is there twice", id);

  return _quorum_store_write (store, conflict, error,
                              "INSERT INTO task_instances (task_id, position, instance_id, author, copied_from, body) "
                              "VALUES (?, ?, ?, ?, ?, ?)", "iissss",
                              task_id, position, id, author, copied_from, body) >= 0;
}

/* Who drew an instance is the server's to say, whatever the client sends:
 * one the task holds already keeps its author and its source (a consensus
 * copy stays its annotator's); a new one is @author's, copied from
 * nothing (copies are made by the server). */
static void
set_authorship (QuorumInstance *instance,
                gboolean        stored,
                const char     *stored_author,
                const char     *stored_copied_from,
                const char     *author)
{
  g_free (instance->author);
  g_free (instance->copied_from);
  instance->author = g_strdup (stored ? stored_author : author);
  instance->copied_from = stored ? g_strdup (stored_copied_from) : NULL;
}

/* What a whole save does to the row of one instance of the new list. */
typedef enum {
  ROW_INSERT,     /* the task holds no instance of its id: a new row */
  ROW_MOVE,       /* it does, in another place: the row moved and rewritten */
  ROW_REWRITE,    /* it does, in this place, with another text */
  ROW_KEEP,       /* it does, in this place, with this very text: nothing */
} RowChange;

/* The statements of each change but ROW_KEEP. Their parameters have the
 * same numbers, all bound for each row (those a statement lacks are unused). */
static const char * const row_sql[] = {
  [ROW_INSERT] = "INSERT INTO task_instances (task_id, position, instance_id, author, copied_from, body) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [ROW_MOVE] = "UPDATE task_instances SET position = ?2, author = ?4, copied_from = ?5, body = ?6 "
               "WHERE rowid = ?7 AND task_id = ?1",
  /* Without the position, so that its index is left alone. */
  [ROW_REWRITE] = "UPDATE task_instances SET author = ?4, copied_from = ?5, body = ?6 "
                  "WHERE rowid = ?7 AND task_id = ?1",
};

typedef struct {
  RowChange change;
  gint64    rowid;
} RowPlan;

/* Steps @stmt once, and resets it for the next row. */
static gboolean
step_once (QuorumStore   *store,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  gboolean done = sqlite3_step (stmt) == SQLITE_DONE;

  if (!done)
    _quorum_store_set_error (store, error, "database");
  sqlite3_reset (stmt);
  return done;
}

/* The writes of a whole save a statement each, with their parameters
 * (PostgreSQL, whose statements are not stepped and bound again). */
static gboolean
write_rows_each (QuorumStore   *store,
                 gint64         task_id,
                 GPtrArray     *instances,
                 const RowPlan *plan,
                 GArray        *gone,
                 GString       *text,
                 const gsize   *offsets,
                 GError       **error)
{
  for (guint i = 0; i < gone->len; i++)
    if (!_quorum_store_exec (store, error, "DELETE FROM task_instances WHERE rowid = ? AND task_id = ?", "ii",
                             g_array_index (gone, gint64, i), task_id))
      return FALSE;
  for (guint i = 0; i < instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, i);

      if (plan[i].change != ROW_KEEP &&
          !_quorum_store_exec (store, error, row_sql[plan[i].change], "iisssbi", task_id, (gint64) i, instance->id,
                               instance->author, instance->copied_from, text->str + offsets[i],
                               offsets[i + 1] - 1 - offsets[i], plan[i].rowid))
        return FALSE;
    }
  return TRUE;
}

/*
 * A whole save of 100,000 polygons must not cost 100,000 deletes and
 * 100,000 inserts when most are as they were: the stored rows are compared
 * with the new list, by id, and only what differs is written. Two reads of
 * the task's rows, the first without their bodies (for authorship, which
 * the bodies' text depends on), the second comparing each body in place
 * with the text the new list gives; no row is copied out or parsed.
 */
gboolean
_quorum_store_replace_instances (QuorumStore  *store,
                                 gint64        task_id,
                                 GPtrArray    *instances,
                                 const char   *author,
                                 GString      *written,
                                 GError      **error)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree RowPlan *plan = g_new0 (RowPlan, instances->len);
  g_autofree gsize *offsets = g_new (gsize, instances->len + 1);
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) own_text = NULL;
  GString *text = written;
  g_autoptr(QuorumStoreCursor) rows = NULL;
  g_autoptr(GError) row_error = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  /* Each id once; the list's index by id (+ 1, so that none is NULL). */
  for (guint i = 0; i < instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, i);

      if (!g_hash_table_insert (wanted, instance->id, GUINT_TO_POINTER (i + 1)))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "instances[%u].id: “%s” is there twice",
                       i, instance->id);
          return FALSE;
        }
    }

  /* What the task holds: kept, moved or rewritten if the list has its id,
   * deleted if not. */
  rows = _quorum_store_cursor_open (store, error, "SELECT rowid, instance_id, position, author, copied_from "
                                    "FROM task_instances WHERE task_id = ? ORDER BY position", "i", task_id);
  if (rows == NULL)
    return FALSE;
  while (_quorum_store_cursor_next (rows, &row_error))
    {
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (wanted, _quorum_store_cursor_text (rows, 1)));
      gint64 rowid = _quorum_store_cursor_int (rows, 0);

      if (index == 0)
        {
          g_array_append_val (gone, rowid);
          continue;
        }
      index--;
      plan[index].rowid = rowid;
      plan[index].change = _quorum_store_cursor_int (rows, 2) == index ? ROW_KEEP : ROW_MOVE;
      if (author != NULL)
        set_authorship (g_ptr_array_index (instances, index), TRUE, _quorum_store_cursor_text (rows, 3),
                        _quorum_store_cursor_text (rows, 4), NULL);
    }
  g_clear_pointer (&rows, _quorum_store_cursor_close);
  if (row_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }

  /* Each instance's text, written once: the row's body and the reply's. */
  if (text == NULL)
    text = own_text = g_string_new (NULL);
  g_string_append_c (text, '[');
  for (guint i = 0; i < instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, i);

      if (author != NULL && plan[i].change == ROW_INSERT)
        set_authorship (instance, FALSE, NULL, NULL, author);
      if (i > 0)
        g_string_append_c (text, ',');
      offsets[i] = text->len;
      quorum_wire_append_instance (text, instance);
    }
  offsets[instances->len] = text->len + 1;   /* past the ',' that would follow */
  g_string_append_c (text, ']');

  /* A row in its place whose text is the same stays as it is. */
  rows = _quorum_store_cursor_open (store, error, "SELECT instance_id, body FROM task_instances WHERE task_id = ? "
                                    "ORDER BY position", "i", task_id);
  if (rows == NULL)
    return FALSE;
  while (_quorum_store_cursor_next (rows, &row_error))
    {
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (wanted, _quorum_store_cursor_text (rows, 0)));
      const char *body;
      gsize length;

      if (index == 0 || plan[--index].change != ROW_KEEP)
        continue;
      body = _quorum_store_cursor_text (rows, 1);
      length = offsets[index + 1] - 1 - offsets[index];
      if (_quorum_store_cursor_bytes (rows, 1) != length || memcmp (body, text->str + offsets[index], length) != 0)
        plan[index].change = ROW_REWRITE;
    }
  g_clear_pointer (&rows, _quorum_store_cursor_close);
  if (row_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }
  if (store->pg != NULL)
    return write_rows_each (store, task_id, instances, plan, gone, text, offsets, error);

  /* The writes, one prepared statement each for any number of rows. */
  if (gone->len > 0)
    {
      stmt = _quorum_store_prepare (store, error, "DELETE FROM task_instances WHERE rowid = ? AND task_id = ?",
                                    "ii", (gint64) 0, task_id);
      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; ok && i < gone->len; i++)
        {
          sqlite3_bind_int64 (stmt, 1, g_array_index (gone, gint64, i));
          ok = step_once (store, stmt, error);
        }
      _quorum_store_release (store, stmt);
      if (!ok)
        return FALSE;
    }
  for (RowChange change = ROW_INSERT; change < ROW_KEEP; change++)
    {
      stmt = _quorum_store_prepare (store, error, row_sql[change], "i", task_id);
      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; ok && i < instances->len; i++)
        {
          QuorumInstance *instance = g_ptr_array_index (instances, i);

          if (plan[i].change != change)
            continue;
          sqlite3_bind_int64 (stmt, 2, i);
          sqlite3_bind_text (stmt, 3, instance->id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 4, instance->author, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, instance->copied_from, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 6, text->str + offsets[i], offsets[i + 1] - 1 - offsets[i], SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 7, plan[i].rowid);
          ok = step_once (store, stmt, error);
        }
      _quorum_store_release (store, stmt);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
_quorum_store_replace_instances_json (QuorumStore  *store,
                                      gint64        task_id,
                                      const char   *instances_json,
                                      GError      **error)
{
  g_autoptr(JsonNode) root = quorum_wire_parse_bytes (instances_json, strlen (instances_json), error);
  JsonArray *array;

  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "instances: must be an array");
      return FALSE;
    }
  if (_quorum_store_write (store, NULL, error, "DELETE FROM task_instances WHERE task_id = ?", "i", task_id) < 0)
    return FALSE;
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *id = object != NULL ? json_object_get_string_member_with_default (object, "id", NULL) : NULL;
      g_autofree char *body = NULL;

      if (id == NULL)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "instances[%u].id: is missing", i);
          return FALSE;
        }
      body = quorum_wire_to_string (element, FALSE);
      if (!insert_row (store, task_id, i, id, json_object_get_string_member_with_default (object, "author", NULL),
                       json_object_get_string_member_with_default (object, "copied_from", NULL), body, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_quorum_store_apply_delta (QuorumStore         *store,
                           gint64               task_id,
                           GPtrArray           *upsert,
                           const char * const  *delete_ids,
                           const char          *author,
                           GError             **error)
{
  for (guint i = 0; delete_ids != NULL && delete_ids[i] != NULL; i++)
    {
      if (_quorum_store_write (store, NULL, error, "DELETE FROM task_instances WHERE task_id = ? AND instance_id = ?",
                               "is", task_id, delete_ids[i]) < 0)
        return FALSE;
      if (_quorum_store_changes (store) == 0)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "delete[%u]: the task has no instance “%s”",
                       i, delete_ids[i]);
          return FALSE;
        }
    }
  for (guint i = 0; i < upsert->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (upsert, i);
      g_autoptr(JsonObject) before = _quorum_store_row (store, "", NULL,
                                                        "SELECT author, copied_from FROM task_instances "
                                                        "WHERE task_id = ? AND instance_id = ?",
                                                        "is", task_id, instance->id);
      g_autofree char *body = NULL;

      set_authorship (instance, before != NULL,
                      before != NULL ? json_object_get_string_member_with_default (before, "author", NULL) : NULL,
                      before != NULL ? json_object_get_string_member_with_default (before, "copied_from", NULL)
                                     : NULL,
                      author);
      body = instance_text (instance);
      if (before != NULL)
        {
          if (_quorum_store_write (store, NULL, error,
                                   "UPDATE task_instances SET body = ? WHERE task_id = ? AND instance_id = ?",
                                   "sis", body, task_id, instance->id) < 0)
            return FALSE;
        }
      else if (_quorum_store_write (store, NULL, error,
                                    "INSERT INTO task_instances (task_id, position, instance_id, author, copied_from, "
                                    "body) SELECT ?1, coalesce(max(position) + 1, 0), ?2, ?3, NULL, ?4 "
                                    "FROM task_instances WHERE task_id = ?1",
                                    "isss", task_id, instance->id, instance->author, body) < 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
_quorum_store_task_has_instances (QuorumStore *store,
                                  gint64       task_id)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT 1 AS yes FROM task_instances WHERE task_id = ? LIMIT 1",
                                                 "i", task_id);

  return row != NULL;
}
