/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The demo's video: a road seen from above, a crosswalk painted across it,
 * and three vehicles (a red car, a blue car, a yellow truck) driving across
 * at different speeds over five seconds, so that a track has somewhere to go
 * and interpolation between two keyframes lands near the vehicle.
 */

#define QUORUM_DEMO_VIDEO_WIDTH    640
#define QUORUM_DEMO_VIDEO_HEIGHT   360
#define QUORUM_DEMO_VIDEO_FPS      30
#define QUORUM_DEMO_VIDEO_FRAMES   150
#define QUORUM_DEMO_VIDEO_VEHICLES 3

/* The video project's labels, {"labels": [...]}, as PUT /projects/{id}/labels
 * takes them: "car" and "truck" (boxes), "crosswalk" (a polygon). */
JsonNode *quorum_demo_video_label_schema (void);

/* Where vehicle @vehicle (below %QUORUM_DEMO_VIDEO_VEHICLES) is drawn on
 * @frame, in pixels (it may reach out of the picture), and its label. */
void      quorum_demo_video_vehicle_at   (guint        vehicle,
                                          guint        frame,
                                          double      *x0,
                                          double      *y0,
                                          double      *x1,
                                          double      *y1,
                                          const char **label);

/* Writes the clip, VP9 in WebM, to @path. The frames are the same on every
 * run (the texture's noise comes from a fixed seed). */
gboolean  quorum_demo_video_write        (const char  *path,
                                          GError     **error);

G_END_DECLS
