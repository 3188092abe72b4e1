/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The streaming wire path (src/core/quorum-json-reader.c,
 * quorum-wire-stream.c) against the tree path on any bytes, as an
 * annotation set and as an instance list, with and without a schema: both
 * accept or both refuse; what they accept is the same model to the bit and
 * the two writers write it to the same bytes; what they refuse they refuse
 * with the same error (tests/core/wire-differential.h). */

#include "config.h"

#include "quorum-core.h"
#include "quorum-error.h"
#include "quorum-wire.h"

#include "fuzz-common.h"

#define WIRE_DIFF_CHECK(condition, ...) FUZZ_CHECK (condition, __VA_ARGS__)
#include "../core/wire-differential.h"

static const char schema_text[] =
  "{\"labels\": ["
  " {\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\", \"attributes\": ["
  "   {\"name\": \"occluded\", \"type\": \"boolean\"},"
  "   {\"name\": \"color\", \"type\": \"single_choice\", \"options\": [\"red\", \"blue\"]},"
  "   {\"name\": \"parts\", \"type\": \"multiple_choice\", \"options\": [\"wheel\", \"door\"]},"
  "   {\"name\": \"note\", \"type\": \"text\"}]},"
  " {\"name\": \"lake\", \"kind\": \"polygon\"},"
  " {\"name\": \"road\", \"kind\": \"polyline\"},"
  " {\"name\": \"pole\", \"kind\": \"point\"},"
  " {\"name\": \"night\", \"kind\": \"tag\", \"attributes\": [{\"name\": \"rain\", \"type\": \"boolean\"}]}]}";

static QuorumLabelSchema *
fixed_schema (void)
{
  static QuorumLabelSchema *schema;

  if (schema == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = quorum_wire_parse_bytes (schema_text, strlen (schema_text), &error);

      FUZZ_CHECK (node != NULL, "the fixed schema does not parse: %s", error->message);
      schema = quorum_wire_read_label_schema (node, "", &error);
      FUZZ_CHECK (schema != NULL, "the fixed schema does not read: %s", error->message);
    }
  return schema;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data;

  if (size > 1024 * 1024)
    return 0;
  wire_diff_annotation_set (text, size, NULL);
  wire_diff_annotation_set (text, size, fixed_schema ());
  wire_diff_instances (text, size, NULL, "instances");
  wire_diff_instances (text, size, fixed_schema (), "");
  return 0;
}
