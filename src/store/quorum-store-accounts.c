/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include "quorum-error.h"
#include "quorum-store-private.h"

#define USER_COLUMNS "id, name, admin = 1 AS admin_flag, created"

/* SQLite has no boolean; the API says true or false. */
static JsonObject *
user_object (JsonObject *row)
{
  if (row != NULL && json_object_has_member (row, "admin_flag"))
    {
      json_object_set_boolean_member (row, "admin", json_object_get_int_member (row, "admin_flag") != 0);
      json_object_remove_member (row, "admin_flag");
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
  return _quorum_store_write (store, NULL, error,
                              "INSERT INTO tokens (hash, user_id, created, expires) "
                              "VALUES (?, ?, strftime('%s', 'now'), ?)",
                              "sii", token_hash, user_id, expires) >= 0;
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
                                      "users.admin = 1 AS admin_flag, users.created AS created "
                                      "FROM tokens JOIN users ON users.id = tokens.user_id "
                                      "WHERE tokens.hash = ? AND tokens.expires > ?",
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
