/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "quorum-server.h"

G_BEGIN_DECLS

#define QUORUM_MAX_PATH_IDS 3

/* One API call: the message, the ids in its path, and who is calling. */
typedef struct {
  QuorumServer      *server;
  SoupServerMessage *msg;
  gint64             ids[QUORUM_MAX_PATH_IDS];
  JsonObject        *caller;      /* NULL on the routes that need no token */
  gint64             caller_id;
  gboolean           caller_admin;
  char              *token_hash;
  gboolean           paused;      /* answered later, from another thread's result */
  gboolean           from_disk;   /* a read answered from what is on disk, outside the batch */
} QuorumRequest;

/* Project roles in rising order of what they may do. */
typedef enum {
  QUORUM_ROLE_NONE,
  QUORUM_ROLE_VIEWER,
  QUORUM_ROLE_ANNOTATOR,
  QUORUM_ROLE_REVIEWER,
  QUORUM_ROLE_EDITOR,
  QUORUM_ROLE_ADMIN,
} QuorumRole;

gboolean   quorum_role_from_string      (const char    *name,
                                         QuorumRole    *role);
/* The role's name as the API writes it; NULL for QUORUM_ROLE_NONE. */
const char *quorum_role_to_string       (QuorumRole     role);
/* @user_id's role in a project (admin when @admin, a server administrator);
 * QUORUM_ROLE_NONE for a non-member. */
QuorumRole _quorum_server_project_role  (QuorumServer  *server,
                                         gint64         project_id,
                                         gint64         user_id,
                                         gboolean       admin);
/* The caller's role in a project; server admins count as project admins.
 * A project the caller is not a member of answers 404, not 403, so that
 * its existence does not leak. Replies and returns FALSE when below @needed. */
gboolean   _quorum_request_require_role (QuorumRequest *request,
                                         gint64         project_id,
                                         QuorumRole     needed,
                                         QuorumRole    *role);
gboolean   _quorum_request_require_admin (QuorumRequest *request);
/* The body as an object, or replies 400/413 and returns NULL. */
JsonObject *_quorum_request_body        (QuorumRequest *request);
void       _quorum_request_reply_error  (QuorumRequest *request,
                                         GError        *error);
void       _quorum_request_reply        (QuorumRequest *request,
                                         guint          status,
                                         JsonNode      *body);
/* Replies 200 with @result, or the error when @result is NULL. */
void       _quorum_request_reply_result (QuorumRequest *request,
                                         JsonNode      *result,
                                         GError       **error);
QuorumRequest *_quorum_request_new     (QuorumServer      *server,
                                        SoupServerMessage *msg,
                                        const gint64      *ids);
void           _quorum_request_free    (QuorumRequest     *request);
/* Reads the bearer token and sets the caller, or replies 401 and returns
 * FALSE. */
gboolean       _quorum_request_authenticate (QuorumRequest *request);
/* Looks the bearer token up on the store's connection in use and sets the
 * caller, replying nothing: FALSE with QUORUM_ERROR_UNAUTHORIZED for a
 * missing, unknown or expired token, or another error of the store. */
gboolean       _quorum_request_find_caller  (QuorumRequest  *request,
                                             GError        **error);
/* The 401 (or other error) of a failed _quorum_request_find_caller. */
void           _quorum_request_reply_unauthorized (QuorumRequest *request,
                                                   GError        *error);
/* Keeps the caller that _quorum_request_authenticate found before the body
 * was read on the message, for the handler's own call to find: a request's
 * token is looked up once, when its headers arrive. */
void           _quorum_request_keep_caller  (QuorumRequest *request);
/* For work off the main loop: pause the message now; _finish unpauses it
 * and frees the request once the reply is set. */
void       _quorum_request_pause        (QuorumRequest *request);
void       _quorum_request_finish       (QuorumRequest *request);

G_END_DECLS
