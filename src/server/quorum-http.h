/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The default of --max-json-body. */
#define QUORUM_HTTP_MAX_JSON_BODY (1024 * 1024)
/* The default of --max-instances-body: 100,000 polygons of 20 vertices
 * with coordinates written to full double precision come to about 96 MB
 * (docs/server.md, “Limits”). */
#define QUORUM_HTTP_MAX_INSTANCES_BODY (128 * 1024 * 1024)

/* Sends @body (taken) with @status as application/json. */
void        quorum_http_reply_json   (SoupServerMessage *msg,
                                      guint              status,
                                      JsonNode          *body);
/* 204 No Content, saying that the connection closes: libsoup 3.2's server
 * closes a keep-alive connection after a reply without a length, and a 204
 * has none, but it says nothing, so a client that sends its next request
 * on the connection meets a reset. */
void        quorum_http_reply_no_content (SoupServerMessage *msg);
/* {"error": {"code": CODE, "message": MESSAGE}} */
void        quorum_http_reply_error  (SoupServerMessage *msg,
                                      guint              status,
                                      const char        *code,
                                      const char        *message);
/* Maps an error of the QUORUM_ERROR domain to its status and code. */
void        quorum_http_reply_gerror (SoupServerMessage *msg,
                                      const GError      *error);
/* The request body as a JSON object, or NULL with a QUORUM_ERROR_INVALID
 * error naming what is wrong. */
JsonObject *quorum_http_read_object  (SoupServerMessage *msg,
                                      GError           **error);

/* Typed members of a request object; each fails naming the member. */
const char *quorum_http_member_string  (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        GError     **error);
gboolean    quorum_http_member_integer (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        gint64      *value,
                                        GError     **error);
gboolean    quorum_http_member_boolean (JsonObject  *object,
                                        const char  *member,
                                        gboolean    *value,
                                        GError     **error);

/* Builds {"name": value} replies briefly. */
JsonNode   *quorum_http_object_node    (JsonObject  *object);

G_END_DECLS
