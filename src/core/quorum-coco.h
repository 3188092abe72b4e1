/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "quorum-model.h"

G_BEGIN_DECLS

/* One image of a COCO document with its annotation set. */
typedef struct {
  char                *file_name;
  QuorumAnnotationSet *set;
} QuorumCocoImage;

void quorum_coco_image_free (QuorumCocoImage *image);

/* Export: images in order, categories from @schema (or, when NULL, from the
 * labels the sets use, in order of first use). Boxes become bbox, polygons a
 * segmentation; polylines, points and tags keep their geometry in the
 * "quorum" extra field so that a round trip keeps every instance. */
JsonNode  *quorum_coco_export (GPtrArray               *images,
                               const QuorumLabelSchema *schema);

/* Import: returns a #GPtrArray of #QuorumCocoImage, or NULL and an error
 * naming the field ("annotations[4].bbox: needs 4 numbers"). */
GPtrArray *quorum_coco_import (JsonNode                *root,
                               GError                 **error);

G_END_DECLS
