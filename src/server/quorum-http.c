/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <string.h>

#include "quorum-error.h"
#include "quorum-http.h"
#include "quorum-wire.h"

void
quorum_http_reply_json (SoupServerMessage *msg,
                        guint              status,
                        JsonNode          *body)
{
  g_autoptr(JsonNode) owned = body;
  g_autofree char *text = quorum_wire_to_string (owned, FALSE);
  gsize length = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

void
quorum_http_reply_no_content (SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

void
quorum_http_reply_error (SoupServerMessage *msg,
                         guint              status,
                         const char        *code,
                         const char        *message)
{
  JsonObject *error = json_object_new ();
  JsonObject *body = json_object_new ();

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (body, "error", error);
  quorum_http_reply_json (msg, status, quorum_http_object_node (body));
}

void
quorum_http_reply_gerror (SoupServerMessage *msg,
                          const GError      *error)
{
  static const struct { guint status; const char *code; } map[] = {
    [QUORUM_ERROR_INVALID] = { SOUP_STATUS_BAD_REQUEST, "invalid" },
    [QUORUM_ERROR_UNAUTHORIZED] = { SOUP_STATUS_UNAUTHORIZED, "unauthorized" },
    [QUORUM_ERROR_FORBIDDEN] = { SOUP_STATUS_FORBIDDEN, "forbidden" },
    [QUORUM_ERROR_NOT_FOUND] = { SOUP_STATUS_NOT_FOUND, "not_found" },
    [QUORUM_ERROR_CONFLICT] = { SOUP_STATUS_CONFLICT, "conflict" },
    [QUORUM_ERROR_TOO_LARGE] = { SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large" },
    [QUORUM_ERROR_STATE] = { SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state" },
    [QUORUM_ERROR_UNREACHABLE] = { SOUP_STATUS_BAD_GATEWAY, "unreachable" },
    [QUORUM_ERROR_FAILED] = { SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal" },
  };

  /* What failed inside the server (a database or disk message, a path) is
   * for its log, not for the client, who can do nothing with it. */
  static const char internal[] = "the server could not do this; its log says why";

  if (error == NULL)
    {
      g_critical ("a failure was replied without an error");
      quorum_http_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", internal);
    }
  else if (error->domain == QUORUM_ERROR && (guint) error->code < G_N_ELEMENTS (map) &&
           error->code != QUORUM_ERROR_FAILED)
    quorum_http_reply_error (msg, map[error->code].status, map[error->code].code, error->message);
  else
    {
      g_warning ("%s%s", error->domain == QUORUM_ERROR ? "" : "unexpected error: ", error->message);
      quorum_http_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", internal);
    }
}

JsonObject *
quorum_http_read_object (SoupServerMessage *msg,
                         GError           **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length;
  const char *data;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "Content-Type: send application/json, not %s",
                   content_type != NULL ? content_type : "nothing");
      return NULL;
    }
  /* Its size is within the route's limit: the server refused a larger
   * body before reading it (check_early and body_chunk in quorum-server.c). */
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  root = quorum_wire_parse_bytes (data != NULL ? data : "", length, error);
  if (root == NULL)
    {
      g_prefix_error (error, "body: ");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "body: must be a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

const char *
quorum_http_member_string (JsonObject  *object,
                           const char  *member,
                           gboolean     required,
                           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: is missing", member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: must be a string", member);
      return NULL;
    }
  {
    const char *text = json_node_get_string (node);
    gboolean blank = TRUE;

    for (const char *p = text; *p != '\0'; p++)
      if (!g_ascii_isspace (*p))
        blank = FALSE;
    if (blank)
      {
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: must not be empty", member);
        return NULL;
      }
    return text;
  }
}

gboolean
quorum_http_member_integer (JsonObject  *object,
                            const char  *member,
                            gboolean     required,
                            gint64      *value,
                            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: is missing", member);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: must be a whole number", member);
      return FALSE;
    }
  *value = json_node_get_int (node);
  return TRUE;
}

gboolean
quorum_http_member_boolean (JsonObject  *object,
                            const char  *member,
                            gboolean    *value,
                            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: must be true or false", member);
      return FALSE;
    }
  *value = json_node_get_boolean (node);
  return TRUE;
}

JsonNode *
quorum_http_object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}
