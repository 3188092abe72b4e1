/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "quorum-model.h"

G_BEGIN_DECLS

/* The smallest image a scene can be drawn on. */
#define QUORUM_DEMO_SCENE_MIN_WIDTH  320
#define QUORUM_DEMO_SCENE_MIN_HEIGHT 240

#define QUORUM_TYPE_DEMO_SCENE (quorum_demo_scene_get_type ())

G_DECLARE_FINAL_TYPE (QuorumDemoScene, quorum_demo_scene, QUORUM, DEMO_SCENE, GObject)

/**
 * quorum_demo_scene_new:
 * @index: which scene; the same index always gives the same bytes
 * @width: at least %QUORUM_DEMO_SCENE_MIN_WIDTH
 * @height: at least %QUORUM_DEMO_SCENE_MIN_HEIGHT
 *
 * Draws a street scene (sky, buildings, sidewalks, a two-lane road) with 3 to
 * 11 vehicles, pedestrians and traffic signs, and records where each was
 * drawn as gold instances of the demo label schema.
 */
QuorumDemoScene *quorum_demo_scene_new                (guint            index,
                                                       guint            width,
                                                       guint            height);
guint            quorum_demo_scene_get_index          (QuorumDemoScene *self);
guint            quorum_demo_scene_get_width          (QuorumDemoScene *self);
guint            quorum_demo_scene_get_height         (QuorumDemoScene *self);
/* The image, PNG encoded. */
GBytes          *quorum_demo_scene_get_png            (QuorumDemoScene *self);
/* The same street without its objects, PNG encoded. */
GBytes          *quorum_demo_scene_get_background_png (QuorumDemoScene *self);
/* Of #QuorumInstance, owned by the scene: a box per vehicle and pedestrian, a
 * polygon per sign, a point per pedestrian's head and one "weather" tag, in
 * image pixels. Copy what you keep past the scene's life. */
GPtrArray       *quorum_demo_scene_get_instances      (QuorumDemoScene *self);

/* The demo project's labels, {"labels": [...]}, as PUT /projects/{id}/labels
 * takes them. */
JsonNode        *quorum_demo_label_schema             (void);

/**
 * quorum_demo_annotator_version:
 * @instances: (element-type QuorumInstance): the gold instances of one file
 * @annotator: 0 is careful, 1 is sloppy, 2 is in between; higher numbers
 *   repeat the three
 * @rand: where the annotator's mistakes come from
 *
 * What an imperfect annotator would have drawn for @instances: outlines off by
 * a few pixels, now and then an object missed, a label or an attribute
 * confused. The instances get new ids and no author.
 *
 * Returns: (transfer full) (element-type QuorumInstance): a new array
 */
GPtrArray       *quorum_demo_annotator_version        (GPtrArray       *instances,
                                                       guint            annotator,
                                                       GRand           *rand);

/**
 * quorum_demo_guide:
 * @name: "draw-guide.md" or "review-guide.md"
 *
 * Returns: (transfer full) (nullable): the guide's Markdown, %NULL for an
 *   unknown name
 */
char            *quorum_demo_guide                    (const char      *name);

/* The images the guides reference by relative name ("example-stop-sign.png"),
 * NULL-terminated. */
const char * const *quorum_demo_guide_image_names     (void);
/* Returns: (transfer full) (nullable): the named image, PNG encoded, or %NULL */
GBytes          *quorum_demo_guide_image              (const char      *name);

G_END_DECLS
