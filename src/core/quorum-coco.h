/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "quorum-model.h"

G_BEGIN_DECLS

/**
 * QuorumCocoImage:
 * @file_name: the image's or the video's name
 * @file_id: the project's id of the file, 0 when unknown; a video's
 *   "video_id" in the document (its position, counted from 1, when 0)
 * @set: the file's instances: for a video the stored ones of its tracks
 *   (keyframes, proposals, outside markers), never interpolated frames
 * @path: (nullable): on import, where the document describes it
 *   ("images[3]", "videos[0]"), for messages
 *
 * One image or video of a COCO document with its annotation set.
 */
typedef struct {
  char                *file_name;
  gint64               file_id;
  QuorumAnnotationSet *set;
  char                *path;
} QuorumCocoImage;

void quorum_coco_image_free (QuorumCocoImage *image);

/* The most frames a document's video may have: 2,000,000 (18.5 hours at
 * 30 fps). Its export has an image entry per frame, and a count up to the
 * wire's size limit would make an import of a few bytes export gigabytes. */
#define QUORUM_COCO_MAX_FRAMES 2000000

/**
 * QuorumCocoExportFlags:
 * @QUORUM_COCO_EXPORT_DEFAULT: every frame's instances, interpolated ones
 *   included
 * @QUORUM_COCO_EXPORT_DRAWN_ONLY: a video's tracks as stored (keyframes,
 *   proposals, outside markers) without the frames interpolated between
 *   them: what an import keeps, a small part of a long video's document
 */
typedef enum {
  QUORUM_COCO_EXPORT_DEFAULT    = 0,
  QUORUM_COCO_EXPORT_DRAWN_ONLY = 1 << 0,
} QuorumCocoExportFlags;

/* Export (docs/coco.md): images in order, a video as one image entry per
 * frame with every frame's instances, interpolated ones included unless
 * @flags has QUORUM_COCO_EXPORT_DRAWN_ONLY;
 * categories from @schema, then the labels the sets use that it lacks.
 * Boxes become bbox, polygons a segmentation; what COCO cannot say travels
 * in a "quorum" member so that a round trip keeps every instance and
 * track. Appends compact JSON to @out, without building a tree. */
void       quorum_coco_export_append    (GString                 *out,
                                         GPtrArray               *images,
                                         const QuorumLabelSchema *schema,
                                         QuorumCocoExportFlags    flags);
char      *quorum_coco_export_to_string (GPtrArray               *images,
                                         const QuorumLabelSchema *schema,
                                         QuorumCocoExportFlags    flags,
                                         gsize                   *length);
/* About how many bytes quorum_coco_export_append() writes for @images,
 * counted without expanding a track: each on every frame of its span. A
 * server refuses an export past QUORUM_COCO_MAX_EXPORT rather than hold it:
 * two keyframes far apart on a long video, many times over, are cheap to
 * save and expand to hundreds of millions of annotations. */
#define QUORUM_COCO_MAX_EXPORT ((gsize) 2 << 30)
gsize      quorum_coco_export_estimate  (GPtrArray               *images,
                                         QuorumCocoExportFlags    flags);
/* The whole document (interpolated frames included) as a tree, for
 * callers that read it. */
JsonNode  *quorum_coco_export           (GPtrArray               *images,
                                         const QuorumLabelSchema *schema);

/* Import: returns a #GPtrArray of #QuorumCocoImage, or NULL and an error
 * naming the field ("annotations[4].bbox: needs 4 numbers"). A video's
 * frame entries become one #QuorumCocoImage holding its tracks' stored
 * instances: interpolated annotations are left out, derived again from
 * the keyframes around them. */
GPtrArray *quorum_coco_import           (JsonNode                *root,
                                         GError                 **error);

G_END_DECLS
