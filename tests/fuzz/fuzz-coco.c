/* SPDX-License-Identifier: GPL-3.0-or-later */

/* COCO import (src/core/quorum-coco.c) as the server runs it on an upload:
 * the wire scan, then the import. What imports is exported, and importing
 * and exporting that must give the same document (docs/coco.md: a round
 * trip keeps every instance). */

#include "config.h"

#include "quorum-coco.h"
#include "quorum-error.h"
#include "quorum-wire.h"

#include "fuzz-common.h"

static char *
export_text (GPtrArray *images)
{
  g_autoptr(JsonNode) document = quorum_coco_export (images, NULL);

  return quorum_wire_to_string (document, FALSE);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = quorum_wire_parse_bytes ((const char *) data, size, &error);
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GPtrArray) images_again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  FUZZ_CHECK_FAILED (root, error);
  if (root == NULL)
    return 0;

  images = quorum_coco_import (root, &error);
  FUZZ_CHECK_FAILED (images, error);
  if (images == NULL)
    {
      FUZZ_CHECK (error->domain == QUORUM_ERROR, "an import error outside QUORUM_ERROR");
      return 0;
    }
  for (guint i = 0; i < images->len; i++)
    {
      QuorumCocoImage *image = g_ptr_array_index (images, i);

      FUZZ_CHECK (image->file_name != NULL && image->set != NULL, "images[%u] is incomplete", i);
      for (guint k = 0; k < image->set->instances->len; k++)
        FUZZ_CHECK (quorum_instance_check (g_ptr_array_index (image->set->instances, k), NULL),
                    "images[%u]: instance %u fails its own check", i, k);
    }

  text = export_text (images);
  again = quorum_wire_parse_bytes (text, strlen (text), &error);
  FUZZ_CHECK (again != NULL, "the export does not parse: %s\n%s", error->message, text);
  images_again = quorum_coco_import (again, &error);
  FUZZ_CHECK (images_again != NULL, "the export does not import: %s\n%s", error->message, text);
  FUZZ_CHECK (images_again->len == images->len, "%u images came back as %u",
              images->len, images_again->len);
  text_again = export_text (images_again);
  FUZZ_CHECK (g_str_equal (text, text_again), "a round trip changed\n%s\ninto\n%s", text, text_again);
  return 0;
}
