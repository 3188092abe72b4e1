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
  g_autoptr(JsonNode) node = quorum_wire_write_instance (instance);

  return quorum_wire_to_string (node, FALSE);
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

typedef struct {
  char *author;
  char *copied_from;
} Authorship;

static void
authorship_free (Authorship *authorship)
{
  g_free (authorship->author);
  g_free (authorship->copied_from);
  g_free (authorship);
}

gboolean
_quorum_store_replace_instances (QuorumStore  *store,
                                 gint64        task_id,
                                 GPtrArray    *instances,
                                 const char   *author,
                                 GString      *written,
                                 GError      **error)
{
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) authorship_free);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc;

  stmt = _quorum_store_prepare (store, error, "SELECT instance_id, author, copied_from FROM task_instances "
                                "WHERE task_id = ?", "i", task_id);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Authorship *authorship = g_new0 (Authorship, 1);

      authorship->author = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      authorship->copied_from = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_hash_table_insert (stored, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), authorship);
    }
  _quorum_store_release (store, stmt);
  if (rc != SQLITE_DONE)
    {
      _quorum_store_set_error (store, error, "database");
      return FALSE;
    }
  if (_quorum_store_write (store, NULL, error, "DELETE FROM task_instances WHERE task_id = ?", "i", task_id) < 0)
    return FALSE;
  /* One statement for every row: a save may hold 100,000. */
  stmt = _quorum_store_prepare (store, error, "INSERT INTO task_instances (task_id, position, instance_id, author, "
                                "copied_from, body) VALUES (?, ?, ?, ?, ?, ?)", "i", task_id);
  if (stmt == NULL)
    return FALSE;
  if (written != NULL)
    g_string_append_c (written, '[');
  for (guint i = 0; ok && i < instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, i);
      g_autofree char *body = NULL;

      if (author != NULL)
        {
          Authorship *before = g_hash_table_lookup (stored, instance->id);

          set_authorship (instance, before != NULL, before != NULL ? before->author : NULL,
                          before != NULL ? before->copied_from : NULL, author);
        }
      body = instance_text (instance);
      sqlite3_bind_int64 (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, instance->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, instance->author, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, instance->copied_from, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, body, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          if (sqlite3_extended_errcode (store->link->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
            g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "instances[%u].id: “%s” is there twice",
                         i, instance->id);
          else
            _quorum_store_set_error (store, error, "database");
          ok = FALSE;
        }
      sqlite3_reset (stmt);
      if (written != NULL)
        {
          if (i > 0)
            g_string_append_c (written, ',');
          g_string_append (written, body);
        }
    }
  _quorum_store_release (store, stmt);
  if (written != NULL)
    g_string_append_c (written, ']');
  return ok;
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
