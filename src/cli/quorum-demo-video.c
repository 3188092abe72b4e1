/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include "quorum-demo-video.h"

#define ROAD_TOP     80.0
#define ROAD_BOTTOM  300.0
#define LANE_HEIGHT  ((ROAD_BOTTOM - ROAD_TOP) / 3)

typedef struct {
  const char *label;
  double      width;       /* along the road, wheels included */
  double      height;
  double      lane;        /* 0 at the top */
  double      x;           /* the left edge on frame 0 */
  double      speed;       /* pixels a frame; negative: leftwards */
  double      speedup;     /* pixels a frame, a frame */
  double      body[3];
  double      roof[3];
} Vehicle;

/* The blue car at a steady speed, the truck slowly, the red car speeding up:
 * two keyframes follow the first two, the red car needs a third. */
static const Vehicle vehicles[QUORUM_DEMO_VIDEO_VEHICLES] = {
  { "car", 84, 42, 0, 560, -4.4, 0, { 0.11, 0.44, 0.85 }, { 0.55, 0.72, 0.95 } },
  { "truck", 150, 56, 1, 30, 2.2, 0, { 0.96, 0.83, 0.18 }, { 0.45, 0.45, 0.45 } },
  { "car", 90, 44, 2, -60, 2.8, 0.02, { 0.88, 0.11, 0.14 }, { 0.97, 0.55, 0.55 } },
};

static const char label_schema[] =
  "{\"labels\": ["
  "{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\", \"attributes\": []},"
  "{\"name\": \"truck\", \"color\": \"#ff7800\", \"kind\": \"box\", \"attributes\": []},"
  "{\"name\": \"crosswalk\", \"color\": \"#9141ac\", \"kind\": \"polygon\", \"attributes\": []}"
  "]}";

JsonNode *
quorum_demo_video_label_schema (void)
{
  return json_from_string (label_schema, NULL);
}

void
quorum_demo_video_vehicle_at (guint        vehicle,
                              guint        frame,
                              double      *x0,
                              double      *y0,
                              double      *x1,
                              double      *y1,
                              const char **label)
{
  const Vehicle *v = &vehicles[vehicle];

  g_return_if_fail (vehicle < QUORUM_DEMO_VIDEO_VEHICLES);
  *x0 = v->x + v->speed * frame + v->speedup * frame * frame;
  *y0 = ROAD_TOP + LANE_HEIGHT * v->lane + (LANE_HEIGHT - v->height) / 2;
  *x1 = *x0 + v->width;
  *y1 = *y0 + v->height;
  if (label != NULL)
    *label = v->label;
}

/* Grass, sidewalks, grainy asphalt with its lane markings, a crosswalk and
 * a few trees: drawn once, the same on every frame. */
static cairo_surface_t *
draw_background (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, QUORUM_DEMO_VIDEO_WIDTH,
                                                         QUORUM_DEMO_VIDEO_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  GRand *rand = g_rand_new_with_seed (20240502);
  int stride = cairo_image_surface_get_stride (surface);
  guint8 *data;

  cairo_set_source_rgb (cr, 0.30, 0.52, 0.22);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.68, 0.66, 0.62);
  cairo_rectangle (cr, 0, ROAD_TOP - 12, QUORUM_DEMO_VIDEO_WIDTH, ROAD_BOTTOM - ROAD_TOP + 24);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.27, 0.27, 0.29);
  cairo_rectangle (cr, 0, ROAD_TOP, QUORUM_DEMO_VIDEO_WIDTH, ROAD_BOTTOM - ROAD_TOP);
  cairo_fill (cr);
  cairo_destroy (cr);

  /* Grain everywhere, so that the tracker has texture to hold on to. */
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < QUORUM_DEMO_VIDEO_HEIGHT; y++)
    for (int x = 0; x < QUORUM_DEMO_VIDEO_WIDTH; x++)
      {
        guint32 *pixel = (guint32 *) (data + y * stride + x * 4);
        int grain = g_rand_int_range (rand, -14, 15);
        guint32 out = 0;

        for (int shift = 0; shift < 24; shift += 8)
          out |= (guint32) CLAMP ((int) ((*pixel >> shift) & 0xff) + grain, 0, 255) << shift;
        *pixel = out;
      }
  cairo_surface_mark_dirty (surface);

  cr = cairo_create (surface);
  /* Solid edge lines, dashed lane lines. */
  cairo_set_source_rgb (cr, 0.93, 0.93, 0.90);
  cairo_set_line_width (cr, 3);
  for (int i = 0; i <= 3; i++)
    {
      double y = ROAD_TOP + LANE_HEIGHT * i + (i == 0 ? 4 : i == 3 ? -4 : 0);
      double dashes[] = { 28, 22 };

      cairo_set_dash (cr, dashes, i == 0 || i == 3 ? 0 : 2, 0);
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, QUORUM_DEMO_VIDEO_WIDTH, y);
      cairo_stroke (cr);
    }
  cairo_set_dash (cr, NULL, 0, 0);
  /* The crosswalk: stripes along a slanted band across the road. */
  for (int i = 0; i < 9; i++)
    {
      double top = ROAD_TOP + 8 + i * 23.5;
      double shift = (top - ROAD_TOP) * 0.12;

      cairo_move_to (cr, 430 + shift, top);
      cairo_line_to (cr, 490 + shift, top);
      cairo_line_to (cr, 491.5 + shift, top + 12);
      cairo_line_to (cr, 431.5 + shift, top + 12);
      cairo_close_path (cr);
    }
  cairo_fill (cr);
  /* Trees on the verges, from above. */
  for (int i = 0; i < 14; i++)
    {
      double x = g_rand_double_range (rand, 10, QUORUM_DEMO_VIDEO_WIDTH - 10);
      double y = i % 2 == 0 ? g_rand_double_range (rand, 8, ROAD_TOP - 30)
                            : g_rand_double_range (rand, ROAD_BOTTOM + 28, QUORUM_DEMO_VIDEO_HEIGHT - 8);
      double r = g_rand_double_range (rand, 9, 20);

      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.13, 0.33 + g_rand_double_range (rand, 0, 0.12), 0.12);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  g_rand_free (rand);
  return surface;
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   width,
                   double   height,
                   double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + width - r, y + height - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + height - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* A vehicle from above inside its box: wheels at the edges, the body, a
 * windscreen towards where it drives, the roof (a truck: a cab and a load). */
static void
draw_vehicle (cairo_t *cr,
              guint    vehicle,
              guint    frame)
{
  const Vehicle *v = &vehicles[vehicle];
  double x0, y0, x1, y1;
  double w, h;

  quorum_demo_video_vehicle_at (vehicle, frame, &x0, &y0, &x1, &y1, NULL);
  w = x1 - x0;
  h = y1 - y0;
  cairo_save (cr);
  cairo_translate (cr, x0, y0);
  if (v->speed < 0)
    {
      /* Mirrored: its front is on the left. */
      cairo_translate (cr, w, 0);
      cairo_scale (cr, -1, 1);
    }
  cairo_set_source_rgb (cr, 0.08, 0.08, 0.08);
  for (int i = 0; i < 2; i++)
    {
      double wx = i == 0 ? w * 0.14 : w * 0.72;

      cairo_rectangle (cr, wx, 0, w * 0.16, h);
    }
  cairo_fill (cr);
  rounded_rectangle (cr, 0, 3, w, h - 6, 7);
  cairo_set_source_rgb (cr, v->body[0], v->body[1], v->body[2]);
  cairo_fill (cr);
  if (g_str_equal (v->label, "truck"))
    {
      cairo_set_source_rgb (cr, v->roof[0], v->roof[1], v->roof[2]);
      cairo_rectangle (cr, 4, 7, w * 0.68, h - 14);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.15, 0.2, 0.3);
      cairo_rectangle (cr, w * 0.82, 8, w * 0.08, h - 16);
      cairo_fill (cr);
    }
  else
    {
      cairo_set_source_rgb (cr, 0.12, 0.16, 0.24);
      rounded_rectangle (cr, w * 0.58, 7, w * 0.2, h - 14, 4);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, v->roof[0], v->roof[1], v->roof[2]);
      rounded_rectangle (cr, w * 0.28, 8, w * 0.3, h - 16, 4);
      cairo_fill (cr);
      /* Headlights. */
      cairo_set_source_rgb (cr, 1.0, 0.96, 0.7);
      cairo_rectangle (cr, w - 4, 6, 3, 6);
      cairo_rectangle (cr, w - 4, h - 12, 3, 6);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

gboolean
quorum_demo_video_write (const char  *path,
                         GError     **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  cairo_surface_t *background;
  cairo_surface_t *frame;
  int stride;
  gsize size;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  pipeline = gst_parse_launch ("appsrc name=source format=time ! videoconvert ! video/x-raw,format=I420 ! "
                               "vp9enc keyframe-max-dist=30 deadline=1 cpu-used=8 row-mt=true "
                               "target-bitrate=1500000 ! webmmux ! filesink name=sink", error);
  if (pipeline == NULL)
    {
      g_prefix_error (error, "the demo video: ");
      return FALSE;
    }
  gst_object_ref_sink (pipeline);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", path, NULL);
  /* Cairo's RGB24 is a native-endian 32-bit word: BGRx in memory on little endian. */
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
                              G_BYTE_ORDER == G_LITTLE_ENDIAN ? "BGRx" : "xRGB",
                              "width", G_TYPE_INT, QUORUM_DEMO_VIDEO_WIDTH,
                              "height", G_TYPE_INT, QUORUM_DEMO_VIDEO_HEIGHT,
                              "framerate", GST_TYPE_FRACTION, QUORUM_DEMO_VIDEO_FPS, 1, NULL);
  background = draw_background ();
  frame = cairo_image_surface_create (CAIRO_FORMAT_RGB24, QUORUM_DEMO_VIDEO_WIDTH, QUORUM_DEMO_VIDEO_HEIGHT);
  stride = cairo_image_surface_get_stride (frame);
  size = (gsize) stride * QUORUM_DEMO_VIDEO_HEIGHT;
  g_object_set (source, "caps", caps, "block", TRUE, "max-bytes", (guint64) 4 * size, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  for (guint i = 0; i < QUORUM_DEMO_VIDEO_FRAMES; i++)
    {
      cairo_t *cr = cairo_create (frame);
      GstBuffer *buffer;

      cairo_set_source_surface (cr, background, 0, 0);
      cairo_paint (cr);
      for (guint v = 0; v < QUORUM_DEMO_VIDEO_VEHICLES; v++)
        draw_vehicle (cr, v, i);
      cairo_destroy (cr);
      cairo_surface_flush (frame);
      buffer = gst_buffer_new_memdup (cairo_image_surface_get_data (frame), size);
      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (i, GST_SECOND, QUORUM_DEMO_VIDEO_FPS);
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (i + 1, GST_SECOND, QUORUM_DEMO_VIDEO_FPS) -
                                     GST_BUFFER_PTS (buffer);
      if (gst_app_src_push_buffer (GST_APP_SRC (source), buffer) != GST_FLOW_OK)
        break;
    }
  gst_app_src_end_of_stream (GST_APP_SRC (source));
  cairo_surface_destroy (frame);
  cairo_surface_destroy (background);

  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      gst_message_parse_error (message, error, NULL);
      g_prefix_error (error, "the demo video: ");
      return FALSE;
    }
  return TRUE;
}
