/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-video-clip"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <string.h>

#include "video-clip.h"

static const char *
pipeline_for (ClipKind kind)
{
  switch (kind)
    {
    case CLIP_H264_MP4:
      return "x264enc key-int-max=250 bframes=3 b-adapt=false speed-preset=veryfast "
             "bitrate=8000 ! mp4mux name=mux";
    case CLIP_VP9_WEBM:
      return "vp9enc keyframe-max-dist=250 deadline=1 cpu-used=8 row-mt=true "
             "target-bitrate=8000000 ! webmmux name=mux";
    case CLIP_VFR_MKV:
      return "vp8enc keyframe-max-dist=250 deadline=1 cpu-used=16 target-bitrate=4000000 ! "
             "matroskamux name=mux";
    default:
      g_assert_not_reached ();
    }
}

gboolean
clip_can_make (ClipKind kind)
{
  static const char *needs[][2] = {
    [CLIP_H264_MP4] = { "x264enc", "mp4mux" },
    [CLIP_VP9_WEBM] = { "vp9enc", "webmmux" },
    [CLIP_VFR_MKV] = { "vp8enc", "matroskamux" },
  };

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (needs[kind][i]);
      if (factory == NULL)
        return FALSE;
    }
  return TRUE;
}

static gint64
frame_time (ClipKind kind,
            int      fps_n,
            guint    frame)
{
  static const gint64 steps[] = { 20, 40, 33 };
  gint64 time = 0;

  if (kind != CLIP_VFR_MKV)
    return gst_util_uint64_scale (frame, GST_SECOND, fps_n);
  /* Whole milliseconds: Matroska keeps times to the millisecond. */
  time = (frame / 3) * (20 + 40 + 33);
  for (guint i = 0; i < frame % 3; i++)
    time += steps[i];
  return time * GST_MSECOND;
}

static void
draw (guint8 *y,
      int     width,
      int     height,
      guint   number)
{
  int block = width / CLIP_BITS;

  for (int row = 0; row < height; row++)
    {
      guint8 *line = y + (gsize) row * width;
      if (row < height / 2)
        {
          memset (line, 128, width);
          for (int bit = 0; bit < CLIP_BITS; bit++)
            {
              gboolean on = (number >> (CLIP_BITS - 1 - bit)) & 1;
              /* A margin around each block keeps blocks apart after coding. */
              if (row > height / 16 && row < height / 2 - height / 16)
                memset (line + bit * block + block / 8, on ? 235 : 16, block - block / 4);
            }
        }
      else
        for (int x = 0; x < width; x++)
          line[x] = (guint8) ((x + row + number * 7) & 0xff);
    }
}

gboolean
clip_make (ClipKind    kind,
           const char *path,
           int         width,
           int         height,
           int         fps_n,
           guint       n_frames,
           gint64     *pts_out,
           GError    **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) source = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  gsize y_size = (gsize) width * height;
  gsize chroma = (gsize) ((width + 1) / 2) * ((height + 1) / 2);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  description = g_strdup_printf ("appsrc name=source format=time ! %s ! filesink name=sink",
                                 pipeline_for (kind));
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (pipeline);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", path, NULL);
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
                              "framerate", GST_TYPE_FRACTION,
                              kind == CLIP_VFR_MKV ? 0 : fps_n, 1, NULL);
  g_object_set (source, "caps", caps, "block", TRUE, "max-bytes", (guint64) 4 * y_size, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  for (guint i = 0; i < n_frames; i++)
    {
      GstBuffer *buffer = gst_buffer_new_allocate (NULL, y_size + 2 * chroma, NULL);
      GstMapInfo map;
      gint64 time = frame_time (kind, fps_n, i);

      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      draw (map.data, width, height, i);
      memset (map.data + y_size, 128, 2 * chroma);
      gst_buffer_unmap (buffer, &map);
      GST_BUFFER_PTS (buffer) = time;
      GST_BUFFER_DURATION (buffer) = frame_time (kind, fps_n, i + 1) - time;
      if (pts_out != NULL)
        pts_out[i] = time;
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

gint
clip_read_number (const guint8 *pixels,
                  int           width,
                  int           height,
                  int           stride)
{
  int block = width / CLIP_BITS;
  const guint8 *row = pixels + (gsize) stride * (height / 4);
  gint number = 0;

  for (int bit = 0; bit < CLIP_BITS; bit++)
    {
      const guint8 *pixel = row + (gsize) 4 * (bit * block + block / 2);
      /* BGRA: the green channel is close enough to the luma here. */
      int value = pixel[1];
      if (value > 96 && value < 160)
        return -1;
      number = (number << 1) | (value >= 160);
    }
  return number;
}
