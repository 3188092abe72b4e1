/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-request.h"

G_BEGIN_DECLS

typedef void (*QuorumRouteHandler) (QuorumRequest *request);

/* What a route's body may be, which sets its limit for a signed-in caller. */
typedef enum {
  QUORUM_ROUTE_BODY_JSON,        /* --max-json-body */
  QUORUM_ROUTE_BODY_UPLOAD,      /* a media upload, streamed to disk: --max-upload */
  QUORUM_ROUTE_BODY_IMPORT,      /* a COCO import: QUORUM_SERVER_MAX_IMPORT_BODY */
  QUORUM_ROUTE_BODY_INSTANCES,   /* a save of a task's instances: --max-instances-body */
} QuorumRouteBody;

typedef struct {
  const char         *method;
  const char         *pattern;   /* "{id}" matches a positive whole number */
  gboolean            anonymous;
  QuorumRouteHandler  handler;
  QuorumRouteBody     body;
} QuorumRoute;

/* The route for @method on @path with its ids in @ids, or NULL; @path_known
 * says whether another method would have matched (405 rather than 404). */
const QuorumRoute *_quorum_route_find    (const char *method,
                                          const char *path,
                                          gint64     *ids,
                                          gboolean   *path_known);
gboolean           _quorum_route_matches (const char *pattern,
                                          const char *path);
/* Every route, in the order they are tried. */
const QuorumRoute *_quorum_routes        (guint      *n_routes);

G_END_DECLS
