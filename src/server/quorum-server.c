/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "quorum-error.h"
#include "quorum-server.h"
#include "quorum-store.h"

struct _QuorumServer
{
  GObject      parent_instance;

  QuorumStore *store;
  SoupServer  *soup;
};

G_DEFINE_FINAL_TYPE (QuorumServer, quorum_server, G_TYPE_OBJECT)

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonNode          *body)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;

  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  reply_json (msg, status, body);
}

static void
handle_version (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                   "only GET is allowed here");
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "quorum-server");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  reply_json (msg, SOUP_STATUS_OK, body);
}

static void
handle_unknown (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  g_autofree char *message = g_strdup_printf ("no such resource: %s", path);

  reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
}

static void
quorum_server_finalize (GObject *object)
{
  QuorumServer *self = (QuorumServer *) object;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->store, quorum_store_close);
  G_OBJECT_CLASS (quorum_server_parent_class)->finalize (object);
}

static void
quorum_server_class_init (QuorumServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quorum_server_finalize;
}

static void
quorum_server_init (QuorumServer *self)
{
}

QuorumServer *
quorum_server_new (const char  *data_dir,
                   GError     **error)
{
  g_autoptr(QuorumServer) self = g_object_new (QUORUM_TYPE_SERVER, NULL);

  self->store = quorum_store_open (data_dir, error);
  if (self->store == NULL)
    return NULL;
  self->soup = soup_server_new ("server-header", "quorum-server/" PACKAGE_VERSION, NULL);
  soup_server_add_handler (self->soup, "/api/v1/version", handle_version, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_unknown, self, NULL);
  return g_steal_pointer (&self);
}

gboolean
quorum_server_listen (QuorumServer  *self,
                      const char    *address,
                      GError       **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;

  connectable = g_network_address_parse (address, 0, &local_error);
  if (connectable == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "--listen: “%s” is not ADDRESS:PORT: %s", address, local_error->message);
      return FALSE;
    }
  {
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (
        g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)));

    if (inet == NULL)
      {
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                     "--listen: “%s” must be a numeric address such as 127.0.0.1:8080",
                     address);
        return FALSE;
      }
    socket_address = G_INET_SOCKET_ADDRESS (
        g_inet_socket_address_new (inet, g_network_address_get_port (G_NETWORK_ADDRESS (connectable))));
  }
  if (!soup_server_listen (self->soup, G_SOCKET_ADDRESS (socket_address), 0, &local_error))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "cannot listen on %s: %s", address, local_error->message);
      return FALSE;
    }
  return TRUE;
}

guint
quorum_server_get_port (QuorumServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  guint port = 0;

  if (uris != NULL)
    port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}
