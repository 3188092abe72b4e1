/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "quorum-model.h"

G_BEGIN_DECLS

/* The limits docs/formats.md promises. */
#define QUORUM_WIRE_MAX_BYTES      (256 * 1024 * 1024)  /* one document */
#define QUORUM_WIRE_MAX_DEPTH      64                   /* nested arrays and objects */
#define QUORUM_WIRE_MAX_COORDINATE 1e9                  /* |x| and |y| in pixels */
#define QUORUM_WIRE_MAX_SIZE       1000000000           /* width, height, frames */
#define QUORUM_WIRE_MAX_FPS        1000000.0

/*
 * The JSON wire format of docs/formats.md. Every reader validates the whole
 * document and either returns a complete value or NULL with a
 * QUORUM_ERROR_INVALID error whose message starts with the path of the bad
 * field, e.g. "instances[3].points: a polygon needs at least 3 points".
 * @schema may be NULL: then labels and attribute values are not checked.
 * @path_prefix names where @node sits in a larger document ("" at the root).
 */

/* Parse bytes into a JSON tree with the limits the format sets (strict
 * RFC 8259 syntax, nesting depth, size, numbers that fit, no repeated
 * member); a syntax error starts with "LINE:COLUMN: ". Over the size limit
 * the error is QUORUM_ERROR_TOO_LARGE, otherwise QUORUM_ERROR_INVALID. */
JsonNode            *quorum_wire_parse_bytes          (const char               *data,
                                                       gsize                     length,
                                                       GError                  **error);

QuorumInstance      *quorum_wire_read_instance        (JsonNode                 *node,
                                                       const QuorumLabelSchema  *schema,
                                                       const char               *path_prefix,
                                                       GError                  **error);
JsonNode            *quorum_wire_write_instance       (const QuorumInstance     *instance);

/* {"annotator": …, "file": {"width", "height", "frames", "fps"}, "instances": […]} */
QuorumAnnotationSet *quorum_wire_read_annotation_set  (JsonNode                 *node,
                                                       const QuorumLabelSchema  *schema,
                                                       const char               *path_prefix,
                                                       GError                  **error);
JsonNode            *quorum_wire_write_annotation_set (const QuorumAnnotationSet *set);

/* A bare instance list, as a task's save request carries it. */
GPtrArray           *quorum_wire_read_instances       (JsonNode                 *node,
                                                       const QuorumLabelSchema  *schema,
                                                       const char               *path_prefix,
                                                       GError                  **error);
JsonNode            *quorum_wire_write_instances      (GPtrArray                *instances);

/* {"labels": [{"name", "color", "kind", "attributes": [{"name", "type", "options"}]}]} */
QuorumLabelSchema   *quorum_wire_read_label_schema    (JsonNode                 *node,
                                                       const char               *path_prefix,
                                                       GError                  **error);
JsonNode            *quorum_wire_write_label_schema   (const QuorumLabelSchema  *schema);

QuorumJobSettings   *quorum_wire_read_job_settings    (JsonNode                 *node,
                                                       const char               *path_prefix,
                                                       GError                  **error);
JsonNode            *quorum_wire_write_job_settings   (const QuorumJobSettings  *settings);

/* Serialize any node to UTF-8 (pretty or compact); never fails. Every
 * number is valid JSON, which json_to_string() does not promise (see
 * quorum-wire.c): write JSON with this. */
char                *quorum_wire_to_string            (JsonNode                 *node,
                                                       gboolean                  pretty);

G_END_DECLS
