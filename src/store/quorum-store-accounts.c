/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include "quorum-error.h"
#include "quorum-store-private.h"

#define USER_COLUMNS "id, name, admin = 1 AS admin_flag, disabled = 1 AS disabled_flag, created"

/* SQLite has no boolean; the API says true or false. */
static void
flag_to_boolean (JsonObject *row,
                 const char *flag,
                 const char *member)
{
  if (json_object_has_member (row, flag))
    {
      json_object_set_boolean_member (row, member, json_object_get_int_member (row, flag) != 0);
      json_object_remove_member (row, flag);
    }
}

static JsonObject *
user_object (JsonObject *row)
{
  if (row != NULL)
    {
      flag_to_boolean (row, "admin_flag", "admin");
      flag_to_boolean (row, "disabled_flag", "disabled");
    }
  return row;
}

gint64
quorum_store_create_user (QuorumStore  *store,
                          const char   *name,
                          const char   *password_hash,
                          gboolean      admin,
                          GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("name: a user called “%s” already exists", name);

  return _quorum_store_write (store, conflict, error,
                             "INSERT INTO users (name, password_hash, admin, created) "
                             "VALUES (?, ?, ?, strftime('%s', 'now'))",
                             "ssi", name, password_hash, (gint64) (admin ? 1 : 0));
}

JsonObject *
quorum_store_find_user (QuorumStore  *store,
                        const char   *name,
                        char        **password_hash,
                        GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no user called “%s”", name);
  JsonObject *row = _quorum_store_row (store, what, error,
                                      "SELECT " USER_COLUMNS ", password_hash FROM users WHERE name = ?",
                                      "s", name);

  if (row == NULL)
    return NULL;
  if (password_hash != NULL)
    *password_hash = g_strdup (json_object_get_string_member (row, "password_hash"));
  json_object_remove_member (row, "password_hash");
  return user_object (row);
}

JsonObject *
quorum_store_get_user (QuorumStore  *store,
                       gint64        user_id,
                       GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no user %" G_GINT64_FORMAT, user_id);

  return user_object (_quorum_store_row (store, what, error,
                                         "SELECT " USER_COLUMNS " FROM users WHERE id = ?",
                                         "i", user_id));
}

JsonNode *
quorum_store_list_users (QuorumStore  *store,
                         GError      **error)
{
  JsonNode *rows = _quorum_store_rows (store, error,
                                       "SELECT " USER_COLUMNS " FROM users ORDER BY name", NULL);

  if (rows != NULL)
    for (guint i = 0; i < json_array_get_length (json_node_get_array (rows)); i++)
      user_object (json_array_get_object_element (json_node_get_array (rows), i));
  return rows;
}

gint64
quorum_store_count_users (QuorumStore *store)
{
  g_autoptr(JsonObject) row = _quorum_store_row (store, "", NULL,
                                                 "SELECT count(*) AS n FROM users", NULL);

  return row != NULL ? json_object_get_int_member (row, "n") : 0;
}

gboolean
quorum_store_add_token (QuorumStore  *store,
                        const char   *token_hash,
                        gint64        user_id,
                        gint64        expires,
                        GError      **error)
{
  /* One account signing in in a loop must not grow the table without end:
   * past QUORUM_STORE_MAX_TOKENS a user's oldest sign-ins end. */
  if (!_quorum_store_begin (store, error))
    return FALSE;
  if (_quorum_store_write (store, NULL, error,
                           "INSERT INTO tokens (hash, user_id, created, expires) "
                           "VALUES (?, ?, strftime('%s', 'now'), ?)",
                           "sii", token_hash, user_id, expires) < 0 ||
      _quorum_store_write (store, NULL, error,
                           "DELETE FROM tokens WHERE user_id = ?1 AND hash NOT IN "
                           "(SELECT hash FROM tokens WHERE user_id = ?1 ORDER BY created DESC, rowid DESC LIMIT ?2)",
                           "ii", user_id, (gint64) QUORUM_STORE_MAX_TOKENS) < 0)
    return _quorum_store_fail (store);
  return _quorum_store_commit (store, error);
}

JsonObject *
quorum_store_user_for_token (QuorumStore  *store,
                             const char   *token_hash,
                             gint64        now,
                             GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *row = _quorum_store_row (store, "", &local_error,
                                      "SELECT users.id AS id, users.name AS name, "
                                      "users.admin = 1 AS admin_flag, users.disabled = 1 AS disabled_flag, "
                                      "users.created AS created "
                                      "FROM tokens JOIN users ON users.id = tokens.user_id "
                                      "WHERE tokens.hash = ? AND tokens.expires > ? AND users.disabled = 0",
                                      "si", token_hash, now);

  if (row == NULL)
    {
      if (g_error_matches (local_error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND))
        g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED,
                             "the token is unknown or has expired; sign in again");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return user_object (row);
}

gboolean
quorum_store_remove_token (QuorumStore  *store,
                           const char   *token_hash,
                           GError      **error)
{
  return _quorum_store_write (store, NULL, error, "DELETE FROM tokens WHERE hash = ?",
                              "s", token_hash) >= 0;
}

char *
quorum_store_user_password_hash (QuorumStore  *store,
                                 gint64        user_id,
                                 GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no user %" G_GINT64_FORMAT, user_id);
  g_autoptr(JsonObject) row = _quorum_store_row (store, what, error,
                                                 "SELECT password_hash FROM users WHERE id = ?",
                                                 "i", user_id);

  return row != NULL ? g_strdup (json_object_get_string_member (row, "password_hash")) : NULL;
}

gint64
quorum_store_revoke_tokens (QuorumStore  *store,
                            gint64        user_id,
                            const char   *keep_token_hash,
                            GError      **error)
{
  /* “IS NOT” so that a NULL @keep_token_hash keeps nothing. */
  if (_quorum_store_write (store, NULL, error, "DELETE FROM tokens WHERE user_id = ? AND hash IS DISTINCT FROM ?",
                           "is", user_id, keep_token_hash) < 0)
    return -1;
  return _quorum_store_changes (store);
}

gboolean
quorum_store_set_password (QuorumStore  *store,
                           gint64        user_id,
                           const char   *password_hash,
                           const char   *keep_token_hash,
                           gint64       *revoked,
                           GError      **error)
{
  g_autoptr(JsonObject) user = NULL;

  if (!_quorum_store_begin (store, error))
    return FALSE;
  if ((user = quorum_store_get_user (store, user_id, error)) == NULL ||
      _quorum_store_write (store, NULL, error, "UPDATE users SET password_hash = ? WHERE id = ?",
                           "si", password_hash, user_id) < 0 ||
      (*revoked = quorum_store_revoke_tokens (store, user_id, keep_token_hash, error)) < 0)
    {
      _quorum_store_rollback (store);
      return FALSE;
    }
  return _quorum_store_commit (store, error);
}

gboolean
quorum_store_set_user_disabled (QuorumStore  *store,
                                gint64        user_id,
                                gboolean      disabled,
                                gint64       *released,
                                gint64       *revoked,
                                GError      **error)
{
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonNode) held = NULL;
  JsonArray *tasks;

  *released = *revoked = 0;
  if (!_quorum_store_begin (store, error))
    return FALSE;
  if ((user = quorum_store_get_user (store, user_id, error)) == NULL ||
      _quorum_store_write (store, NULL, error, "UPDATE users SET disabled = ? WHERE id = ?",
                           "ii", (gint64) (disabled ? 1 : 0), user_id) < 0)
    goto failed;
  if (!disabled)
    return _quorum_store_commit (store, error);
  if ((*revoked = quorum_store_revoke_tokens (store, user_id, NULL, error)) < 0)
    goto failed;
  /* What quorum_store_release_task may give back; an exam's draw tasks stay
   * with their taker, and a submitted or rejected draw waits for its review
   * or its fix as it would for anyone. */
  held = _quorum_store_rows (store, error,
                             "SELECT id FROM tasks WHERE assignee = ? "
                             "AND state IN ('waiting', 'assigned', 'in_progress') "
                             "AND NOT (kind = 'draw' AND taker IS NOT NULL) ORDER BY id", "i", user_id);
  if (held == NULL)
    goto failed;
  tasks = json_node_get_array (held);
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    if (!_quorum_store_release_task_in_transaction (
            store, json_object_get_int_member (json_array_get_object_element (tasks, i), "id"), error))
      goto failed;
  *released = json_array_get_length (tasks);
  return _quorum_store_commit (store, error);

failed:
  _quorum_store_rollback (store);
  *released = *revoked = 0;
  return FALSE;
}

gint64
quorum_store_purge_tokens (QuorumStore  *store,
                           gint64        now,
                           GError      **error)
{
  if (_quorum_store_write (store, NULL, error, "DELETE FROM tokens WHERE expires <= ?", "i", now) < 0)
    return -1;
  return _quorum_store_changes (store);
}

gint64
quorum_store_create_org (QuorumStore  *store,
                         const char   *name,
                         GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("name: an organization called “%s” already exists", name);

  return _quorum_store_write (store, conflict, error,
                              "INSERT INTO orgs (name, created) VALUES (?, strftime('%s', 'now'))",
                              "s", name);
}

JsonNode *
quorum_store_list_orgs (QuorumStore  *store,
                        GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT id, name, created, "
                             "(SELECT count(*) FROM org_members WHERE org_id = orgs.id) AS members "
                             "FROM orgs ORDER BY name", NULL);
}

gboolean
quorum_store_add_org_member (QuorumStore  *store,
                             gint64        org_id,
                             gint64        user_id,
                             GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "INSERT OR IGNORE INTO org_members (org_id, user_id) VALUES (?, ?)",
                              "ii", org_id, user_id) >= 0;
}

/* ---- failed sign-ins shared by servers (PostgreSQL) --------------------- */

gint64
quorum_store_login_wait (QuorumStore *store,
                         const char  *name)
{
  g_autoptr(JsonObject) row = NULL;

  if (store->pg == NULL)
    return 0;
  row = _quorum_store_row (store, "", NULL,
                           "SELECT CAST(ceil(blocked_until - extract(epoch FROM clock_timestamp())) AS INTEGER) "
                           "AS wait FROM login_failures WHERE name = ? "
                           "AND blocked_until > extract(epoch FROM clock_timestamp())", "s", name);
  return row != NULL ? MAX (json_object_get_int_member (row, "wait"), 1) : 0;
}

void
quorum_store_login_outcome (QuorumStore *store,
                            const char  *name,
                            gboolean     failed,
                            guint        attempts,
                            gint64       delay,
                            gint64       max_delay)
{
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (store->pg == NULL || attempts == 0)
    return;
  if (failed)
    done = _quorum_store_exec (store, &error, "SELECT quorum_login_failed(?, ?, ?, ?)", "sidd", name,
                               (gint64) attempts, (double) delay, (double) max_delay);
  else
    done = _quorum_store_exec (store, &error, "DELETE FROM login_failures WHERE name = ?", "s", name);
  if (!done)
    g_warning ("failed sign-ins of “%s” not recorded: %s", name, error->message);
}

void
quorum_store_purge_login_failures (QuorumStore *store,
                                   gint64       max_delay)
{
  if (store->pg != NULL)
    _quorum_store_exec (store, NULL, "DELETE FROM login_failures "
                        "WHERE last_failure < extract(epoch FROM clock_timestamp()) - ? "
                        "AND blocked_until < extract(epoch FROM clock_timestamp())", "d", (double) max_delay);
}
