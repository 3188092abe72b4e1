/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "quorum-json-reader.h"
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

/* {"amount": "12.50", "currency": "EUR", "per": "task" | "job"} */
gboolean             quorum_wire_read_bid             (JsonNode                 *node,
                                                       const char               *path,
                                                       QuorumBid                *bid,
                                                       GError                  **error);
JsonNode            *quorum_wire_write_bid            (const QuorumBid          *bid);
/* "2027-01-31T00:00:00Z", always UTC */
char                *quorum_wire_format_time          (gint64                    unix_seconds);

/*
 * The same documents without a tree of JSON nodes (quorum-wire-stream.c):
 * the bytes go straight to the model, at several times the speed and a
 * fraction of the memory. They accept exactly what the tree path accepts,
 * build the same model, and refuse with the tree path's very message (it
 * runs again on refused bytes to say why); the root of @data is the value.
 */
QuorumAnnotationSet *quorum_wire_parse_annotation_set (const char               *data,
                                                       gsize                     length,
                                                       const QuorumLabelSchema  *schema,
                                                       GError                  **error);
GPtrArray           *quorum_wire_parse_instances      (const char               *data,
                                                       gsize                     length,
                                                       const QuorumLabelSchema  *schema,
                                                       const char               *path_prefix,
                                                       GError                  **error);
/* An instance list at the reader's position, inside a larger document (a
 * save body {"version": 3, "instances": […]}). NULL when the reader failed
 * (quorum_json_reader_failed()); the words then come from the tree path. */
GPtrArray           *quorum_wire_reader_read_instances (QuorumJsonReader        *reader,
                                                        const QuorumLabelSchema *schema);

/* Writers to match: byte for byte quorum_wire_to_string (quorum_wire_write_*(), FALSE). */
void                 quorum_wire_append_instance       (GString                   *out,
                                                        const QuorumInstance      *instance);
void                 quorum_wire_append_instances      (GString                   *out,
                                                        GPtrArray                 *instances);
void                 quorum_wire_append_annotation_set (GString                   *out,
                                                        const QuorumAnnotationSet *set);
char                *quorum_wire_instances_to_string   (GPtrArray                 *instances);
char                *quorum_wire_annotation_set_to_string (const QuorumAnnotationSet *set);

/* Any document rewritten compact, byte for byte
 * quorum_wire_to_string (quorum_wire_parse_bytes (…), FALSE), appended to
 * @out, without a tree. FALSE (nothing appended) when parsing would fail:
 * quorum_wire_parse_bytes() then says why. */
gboolean             quorum_wire_rewrite_compact       (const char                *data,
                                                        gsize                      length,
                                                        GString                   *out);

/* Serialize any node to UTF-8 (pretty or compact); never fails. Every
 * number is valid JSON, which json_to_string() does not promise (see
 * quorum-wire.c): write JSON with this. */
char                *quorum_wire_to_string            (JsonNode                 *node,
                                                       gboolean                  pretty);

G_END_DECLS
