/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-client"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>

#include "quorum-credentials-store.h"
#include "quorum-error.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "org.quorum.Quorum.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/* A keyring can answer only on a session bus. Without one, asking would
 * try to autolaunch D-Bus, slowly and noisily; go straight to the file. */
static gboolean
keyring_wanted (void)
{
  const char *choice = g_getenv ("QUORUM_CREDENTIALS_STORE");
  g_autofree char *bus = NULL;

  if (choice != NULL && g_str_equal (choice, "file"))
    return FALSE;
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL && *g_getenv ("DBUS_SESSION_BUS_ADDRESS") != '\0')
    return TRUE;
  bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (bus, G_FILE_TEST_EXISTS) && !g_file_test (bus, G_FILE_TEST_IS_REGULAR);
}

char *
quorum_credentials_store_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "quorum", "credentials.json", NULL);
}

/* {"last_server": URL, "servers": {URL: {"user", "token" | "keyring": true}}};
 * a missing or unreadable file is an empty store. */
static JsonObject *
load_file (void)
{
  g_autofree char *path = quorum_credentials_store_file_path ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (g_file_test (path, G_FILE_TEST_EXISTS) && json_parser_load_from_file (parser, path, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *servers = json_object_get_member (object, "servers");

      if (servers != NULL && JSON_NODE_HOLDS_OBJECT (servers))
        return json_object_ref (object);
    }
  {
    JsonObject *empty = json_object_new ();

    json_object_set_object_member (empty, "servers", json_object_new ());
    return empty;
  }
}

static gboolean
save_file (JsonObject  *store,
           GError     **error)
{
  g_autofree char *path = quorum_credentials_store_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), store);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot create the folder: %s",
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  /* Written whole under a temporary name and renamed, readable by the user only. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
quorum_credentials_store_save (const char  *server,
                               const char  *user,
                               const char  *token,
                               GError     **error)
{
  g_autoptr(JsonObject) store = load_file ();
  JsonObject *entry = json_object_new ();
  gboolean in_keyring = FALSE;

  g_return_val_if_fail (server != NULL && token != NULL, FALSE);

  if (keyring_wanted ())
    {
      g_autoptr(GError) keyring_error = NULL;
      g_autofree char *label = g_strdup_printf ("Quorum sign-in for %s", server);

      in_keyring = secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                                               NULL, &keyring_error, "server", server, NULL);
      if (!in_keyring)
        g_debug ("no keyring, keeping the token in a file: %s", keyring_error->message);
    }
  json_object_set_string_member (entry, "user", user != NULL ? user : "");
  if (in_keyring)
    json_object_set_boolean_member (entry, "keyring", TRUE);
  else
    json_object_set_string_member (entry, "token", token);
  json_object_set_object_member (json_object_get_object_member (store, "servers"), server, entry);
  json_object_set_string_member (store, "last_server", server);
  return save_file (store, error);
}

char *
quorum_credentials_store_lookup (const char  *server,
                                 char       **user)
{
  g_autoptr(JsonObject) store = load_file ();
  JsonObject *servers = json_object_get_object_member (store, "servers");
  JsonNode *node = json_object_get_member (servers, server);
  JsonObject *entry;

  if (user != NULL)
    *user = NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  entry = json_node_get_object (node);
  if (user != NULL)
    *user = g_strdup (json_object_get_string_member_with_default (entry, "user", NULL));
  if (json_object_get_boolean_member_with_default (entry, "keyring", FALSE))
    {
      g_autoptr(GError) keyring_error = NULL;
      char *secret;
      char *token;

      if (!keyring_wanted ())
        return NULL;
      secret = secret_password_lookup_sync (token_schema (), NULL, &keyring_error, "server", server, NULL);
      if (secret == NULL)
        {
          if (keyring_error != NULL)
            g_debug ("keyring lookup failed: %s", keyring_error->message);
          return NULL;
        }
      token = g_strdup (secret);
      secret_password_free (secret);
      return token;
    }
  return g_strdup (json_object_get_string_member_with_default (entry, "token", NULL));
}

gboolean
quorum_credentials_store_forget (const char  *server,
                                 GError     **error)
{
  g_autoptr(JsonObject) store = load_file ();
  JsonObject *servers = json_object_get_object_member (store, "servers");
  JsonNode *node = json_object_get_member (servers, server);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_get_boolean_member_with_default (json_node_get_object (node), "keyring", FALSE) &&
      keyring_wanted ())
    {
      g_autoptr(GError) keyring_error = NULL;

      if (!secret_password_clear_sync (token_schema (), NULL, &keyring_error, "server", server, NULL) &&
          keyring_error != NULL)
        g_debug ("keyring clear failed: %s", keyring_error->message);
    }
  if (node == NULL)
    return TRUE;
  json_object_remove_member (servers, server);
  return save_file (store, error);
}

char *
quorum_credentials_store_last_server (void)
{
  g_autoptr(JsonObject) store = load_file ();

  return g_strdup (json_object_get_string_member_with_default (store, "last_server", NULL));
}
