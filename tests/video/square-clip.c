/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-video-clip"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#include "square-clip.h"

void
square_clip_box_at (const SquareClip *clip,
                    guint             frame,
                    double           *x0,
                    double           *y0,
                    double           *x1,
                    double           *y1)
{
  *x0 = clip->x + (double) clip->dx * frame;
  *y0 = clip->y + (double) clip->dy * frame;
  *x1 = *x0 + clip->size + (double) clip->grow * frame;
  *y1 = *y0 + clip->size + (double) clip->grow * frame;
}

/* The background: smooth blobs of grey, the same on every frame, so that
 * the square is the only thing that moves and the texture is not flat. */
static void
draw_background (guint8 *y_plane,
                 guint8 *u_plane,
                 guint8 *v_plane,
                 int     width,
                 int     height)
{
  int chroma_width = (width + 1) / 2;

  for (int row = 0; row < height; row++)
    for (int x = 0; x < width; x++)
      y_plane[(gsize) row * width + x] =
        (guint8) (110 + 30 * sin (x / 23.0) * cos (row / 17.0) + 10 * sin ((x + row) / 7.0));
  memset (u_plane, 128, (gsize) chroma_width * ((height + 1) / 2));
  memset (v_plane, 128, (gsize) chroma_width * ((height + 1) / 2));
}

static void
draw_square (const SquareClip *clip,
             guint             frame,
             guint8           *y_plane,
             guint8           *u_plane,
             guint8           *v_plane)
{
  int chroma_width = (clip->width + 1) / 2;
  double x0, y0, x1, y1;
  int size;

  square_clip_box_at (clip, frame, &x0, &y0, &x1, &y1);
  size = (int) (x1 - x0);
  for (int sy = 0; sy < size; sy++)
    for (int sx = 0; sx < size; sx++)
      {
        int x = (int) x0 + sx;
        int y = (int) y0 + sy;
        /* A disc in the upper left quarter and a bar across the lower half. */
        double cx = sx - size * 0.3, cy = sy - size * 0.3;
        gboolean disc = cx * cx + cy * cy < (size * 0.18) * (size * 0.18);
        gboolean bar = sy > size * 0.6 && sy < size * 0.75 && sx > size * 0.2;
        guint8 luma = 82, u = 90, v = 240;  /* red */

        if (x < 0 || y < 0 || x >= clip->width || y >= clip->height)
          continue;
        if (disc)
          luma = 235, u = 128, v = 128;
        else if (bar)
          luma = 30, u = 128, v = 128;
        y_plane[(gsize) y * clip->width + x] = luma;
        if (x % 2 == 0 && y % 2 == 0)
          {
            u_plane[(gsize) (y / 2) * chroma_width + x / 2] = u;
            v_plane[(gsize) (y / 2) * chroma_width + x / 2] = v;
          }
      }
}

gboolean
square_clip_make (const SquareClip *clip,
                  const char       *path,
                  GError          **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autofree guint8 *background = NULL;
  gsize y_size = (gsize) clip->width * clip->height;
  gsize chroma = (gsize) ((clip->width + 1) / 2) * ((clip->height + 1) / 2);
  gsize size = y_size + 2 * chroma;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  pipeline = gst_parse_launch ("appsrc name=source format=time ! "
                               "vp9enc keyframe-max-dist=250 deadline=1 cpu-used=8 row-mt=true "
                               "target-bitrate=8000000 ! webmmux ! filesink name=sink", error);
  if (pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (pipeline);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", path, NULL);
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, clip->width,
                              "height", G_TYPE_INT, clip->height,
                              "framerate", GST_TYPE_FRACTION, clip->fps, 1, NULL);
  g_object_set (source, "caps", caps, "block", TRUE, "max-bytes", (guint64) 4 * size, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  background = g_malloc (size);
  draw_background (background, background + y_size, background + y_size + chroma, clip->width,
                   clip->height);
  for (guint i = 0; i < clip->n_frames; i++)
    {
      GstBuffer *buffer = gst_buffer_new_allocate (NULL, size, NULL);
      GstMapInfo map;

      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      memcpy (map.data, background, size);
      if (i < clip->vanish)
        draw_square (clip, i, map.data, map.data + y_size, map.data + y_size + chroma);
      gst_buffer_unmap (buffer, &map);
      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (i, GST_SECOND, clip->fps);
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (i + 1, GST_SECOND, clip->fps) -
                                     GST_BUFFER_PTS (buffer);
      if (gst_app_src_push_buffer (GST_APP_SRC (source), buffer) != GST_FLOW_OK)
        break;
    }
  gst_app_src_end_of_stream (GST_APP_SRC (source));

  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      gst_message_parse_error (message, error, NULL);
      return FALSE;
    }
  return TRUE;
}
