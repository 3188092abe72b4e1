/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-json-reader.h"
#include "quorum-model.h"

G_BEGIN_DECLS

/* The streaming path alone, without the tree path's second look at a
 * refused document: NULL on any refusal. For the differential tests and the
 * fuzz target, which hold it to the tree path. */
QuorumAnnotationSet *_quorum_wire_fast_parse_annotation_set (const char              *data,
                                                             gsize                    length,
                                                             const QuorumLabelSchema *schema);
GPtrArray           *_quorum_wire_fast_parse_instances      (const char              *data,
                                                             gsize                    length,
                                                             const QuorumLabelSchema *schema);
QuorumAnnotationSet *_quorum_wire_pull_annotation_set       (QuorumJsonReader        *reader,
                                                             const QuorumLabelSchema *schema);

/* Any node as compact text, as json-glib's generator writes it after
 * quorum_wire_to_string()'s repairs; and that generator itself, which
 * quorum_wire_to_string() uses for indented text, kept for the tests. */
void                 _quorum_wire_append_node               (GString                 *out,
                                                             JsonNode                *node);
char                *_quorum_wire_generate                  (JsonNode                *node,
                                                             gboolean                 pretty);

G_END_DECLS
