/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The label schema the wire fuzz targets read against: every kind and every
 * attribute type, so that a reader's schema checks all run. */

#include <string.h>

#include "quorum-core.h"
#include "quorum-wire.h"

#include "fuzz-common.h"

static inline QuorumLabelSchema *
fuzz_fixed_schema (void)
{
  static const char text[] =
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
  static QuorumLabelSchema *schema;

  if (schema == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = quorum_wire_parse_bytes (text, strlen (text), &error);

      FUZZ_CHECK (node != NULL, "the fixed schema does not parse: %s", error->message);
      schema = quorum_wire_read_label_schema (node, "", &error);
      FUZZ_CHECK (schema != NULL, "the fixed schema does not read: %s", error->message);
    }
  return schema;
}
