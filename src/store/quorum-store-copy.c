/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

/*
 * Moving up (quorumctl migrate, docs/deploy.md): every row of an embedded
 * installation copied into an empty PostgreSQL database in one transaction,
 * then each table counted and hashed on both sides. Both schemas are at the
 * versions this program knows (opening the stores migrated them), whose
 * tables have the same columns by the same names.
 */

#include <string.h>

#include "quorum-error.h"
#include "quorum-store-private.h"

/* In an order that inserts what a row refers to before the row. */
static const char * const tables[] = {
  "meta", "orgs", "users", "org_members", "tokens", "projects", "project_members", "credentials",
  "user_credentials", "files", "guides", "guide_versions", "guide_images", "jobs", "job_files",
  "exam_attempts", "tasks", "consensus_scores", "job_applications", "released_work", "task_instances",
  "review_rounds", "review_round_instances", "review_comments", "consensus_undo", "market_listings",
  "market_follows",
};

/* The identity columns, whose sequences continue after the copied rows. */
static const char * const identities[][2] = {
  { "orgs", "id" }, { "users", "id" }, { "projects", "id" }, { "credentials", "id" }, { "files", "id" },
  { "guides", "id" }, { "jobs", "id" }, { "exam_attempts", "id" }, { "tasks", "id" },
  { "review_rounds", "id" }, { "review_comments", "id" }, { "consensus_undo", "id" },
  { "market_listings", "seq" }, { "task_instances", "rowid" }, { "tokens", "rowid" },
};

/* Whose SQLite rowid is kept (PostgreSQL has it as a column). */
static gboolean
keeps_rowid (const char *table)
{
  return strcmp (table, "tokens") == 0 || strcmp (table, "task_instances") == 0;
}

static char *
select_all (QuorumStore *store,
            const char  *table)
{
  return g_strdup_printf ("SELECT %s* FROM %s", store->pg == NULL && keeps_rowid (table) ? "rowid AS rowid, " : "",
                          table);
}

/* A value as both backends agree on it: numbers by their value (SQLite
 * writes 2.0 where PostgreSQL writes 2), booleans as SQLite's 1 and 0. */
static void
append_canonical (GString    *text,
                  const char *value)
{
  char *end;
  double number;

  if (value == NULL)
    {
      g_string_append_c (text, '\x1e');
      return;
    }
  if (strcmp (value, "t") == 0 || strcmp (value, "f") == 0)
    {
      g_string_append_c (text, value[0] == 't' ? '1' : '0');
      return;
    }
  number = g_ascii_strtod (value, &end);
  if (*value != '\0' && *end == '\0' && strpbrk (value, ".eE") != NULL)
    {
      char formatted[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (text, g_ascii_formatd (formatted, sizeof formatted, "%.17g", number));
      return;
    }
  g_string_append (text, value);
}

/* The table's rows and a hash of them that does not depend on their order
 * (the sum of each row's own), as "ROWS HASH". */
static char *
table_summary (QuorumStore  *store,
               const char   *table,
               GError      **error)
{
  g_autofree char *sql = select_all (store, table);
  g_autoptr(QuorumStoreCursor) rows = _quorum_store_cursor_open (store, error, sql, NULL);
  g_autoptr(GError) row_error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 sum = 0;
  gint64 count = 0;

  if (rows == NULL)
    return NULL;
  while (_quorum_store_cursor_next (rows, &row_error))
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize length = sizeof digest;
      guint64 part;
      int n = _quorum_store_cursor_columns (rows);

      g_string_truncate (text, 0);
      /* By name, so that a column's place does not matter. */
      for (int c = 0; c < n; c++)
        {
          g_string_append_printf (text, "%s=", _quorum_store_cursor_name (rows, c));
          append_canonical (text, _quorum_store_cursor_text (rows, c));
          g_string_append_c (text, '\x1f');
        }
      g_checksum_update (checksum, (const guchar *) text->str, text->len);
      g_checksum_get_digest (checksum, digest, &length);
      memcpy (&part, digest, sizeof part);
      sum += part;
      count++;
    }
  if (row_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return NULL;
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT " %016" G_GINT64_MODIFIER "x", count, sum);
}

static gboolean
destination_empty (QuorumStore  *to,
                   GError      **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s %s LIMIT 1", tables[i],
                                              strcmp (tables[i], "meta") == 0 ? "WHERE key != 'schema_version'" : "");
      g_autoptr(QuorumStoreCursor) rows = _quorum_store_cursor_open (to, error, sql, NULL);

      if (rows == NULL)
        return FALSE;
      if (_quorum_store_cursor_next (rows, NULL))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT,
                       "the PostgreSQL database is not empty (its table %s has rows): migrate copies into "
                       "an empty database only, so that nothing there is mixed or overwritten", tables[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
copy_table (QuorumStore  *from,
            QuorumStore  *to,
            const char   *table,
            GError      **error)
{
  g_autofree char *select = select_all (from, table);
  g_autoptr(QuorumStoreCursor) rows = _quorum_store_cursor_open (from, error, select, NULL);
  g_autoptr(GError) row_error = NULL;
  g_autoptr(GString) insert = g_string_new (NULL);
  g_autofree const char **values = NULL;
  gboolean is_tasks = strcmp (table, "tasks") == 0;
  int reviews = -1;
  int n;

  if (rows == NULL)
    return FALSE;
  n = _quorum_store_cursor_columns (rows);
  values = g_new0 (const char *, n);
  g_string_printf (insert, "INSERT INTO %s (", table);
  for (int c = 0; c < n; c++)
    {
      const char *name = _quorum_store_cursor_name (rows, c);

      g_string_append_printf (insert, "%s\"%s\"", c > 0 ? ", " : "", name);
      if (strcmp (name, "reviews") == 0)
        reviews = c;
    }
  g_string_append (insert, ") VALUES (");
  for (int c = 0; c < n; c++)
    g_string_append_printf (insert, "%s$%d", c > 0 ? ", " : "", c + 1);
  /* The database's own version stays. */
  g_string_append (insert, strcmp (table, "meta") == 0 ? ") ON CONFLICT (key) DO NOTHING" : ")");

  while (_quorum_store_cursor_next (rows, &row_error))
    {
      for (int c = 0; c < n; c++)
        values[c] = _quorum_store_cursor_text (rows, c);
      /* A review task may refer to a task of a higher id: set after all are in. */
      if (is_tasks)
        values[reviews] = NULL;
      if (!_quorum_store_pg_exec_values (to, insert->str, n, values, error))
        {
          g_prefix_error (error, "%s: ", table);
          return FALSE;
        }
    }
  if (row_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }
  if (!is_tasks)
    return TRUE;
  g_clear_pointer (&rows, _quorum_store_cursor_close);
  if ((rows = _quorum_store_cursor_open (from, error, "SELECT id, reviews FROM tasks WHERE reviews IS NOT NULL",
                                         NULL)) == NULL)
    return FALSE;
  while (_quorum_store_cursor_next (rows, &row_error))
    {
      const char *pair[2] = { _quorum_store_cursor_text (rows, 1), _quorum_store_cursor_text (rows, 0) };

      if (!_quorum_store_pg_exec_values (to, "UPDATE tasks SET reviews = $1 WHERE id = $2", 2, pair, error))
        return FALSE;
    }
  if (row_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }
  return TRUE;
}

JsonNode *
quorum_store_copy_into (QuorumStore          *from,
                        QuorumStore          *to,
                        QuorumStoreCopyStep   step,
                        gpointer              user_data,
                        GError              **error)
{
  g_autoptr(JsonArray) report = json_array_new ();

  g_return_val_if_fail (from->pg == NULL && to->pg != NULL, NULL);

  if (!destination_empty (to, error) || !_quorum_store_begin (to, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      if (step != NULL)
        step (tables[i], user_data);
      if (!copy_table (from, to, tables[i], error))
        {
          _quorum_store_rollback (to);
          return NULL;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (identities); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT setval(pg_get_serial_sequence('%s', '%s'), "
                                              "coalesce(max(%s), 0) + 1, false) FROM %s",
                                              identities[i][0], identities[i][1], identities[i][1],
                                              identities[i][0]);

      if (!_quorum_store_pg_exec_values (to, sql, 0, NULL, error))
        {
          _quorum_store_rollback (to);
          return NULL;
        }
    }
  if (!_quorum_store_commit (to, error))
    return NULL;

  /* What arrived, against what was there. */
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *source = NULL;
      g_autofree char *copy = NULL;
      g_auto(GStrv) parts = NULL;
      JsonObject *row;

      /* PostgreSQL's meta has its schema version besides. */
      if (strcmp (tables[i], "meta") == 0)
        continue;
      if ((source = table_summary (from, tables[i], error)) == NULL ||
          (copy = table_summary (to, tables[i], error)) == NULL)
        return NULL;
      if (strcmp (source, copy) != 0)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT,
                       "%s: the copy differs from the source (source: %s, copy: %s rows and hash); "
                       "the PostgreSQL database holds the copy: empty it before trying again",
                       tables[i], source, copy);
          return NULL;
        }
      parts = g_strsplit (source, " ", 2);
      row = json_object_new ();
      json_object_set_string_member (row, "table", tables[i]);
      json_object_set_int_member (row, "rows", g_ascii_strtoll (parts[0], NULL, 10));
      json_object_set_string_member (row, "hash", parts[1]);
      json_array_add_object_element (report, row);
    }
  return json_node_init_array (json_node_alloc (), report);
}
