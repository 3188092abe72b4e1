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
#include "fuzz-schema.h"

#define WIRE_DIFF_CHECK(condition, ...) FUZZ_CHECK (condition, __VA_ARGS__)
#include "../core/wire-differential.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data;

  if (size > 1024 * 1024)
    return 0;
  wire_diff_annotation_set (text, size, NULL);
  wire_diff_annotation_set (text, size, fuzz_fixed_schema ());
  wire_diff_instances (text, size, NULL, "instances");
  wire_diff_instances (text, size, fuzz_fixed_schema (), "");
  return 0;
}
