/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-video"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "quorum-error.h"
#include "quorum-video-private.h"

/*
 * One pipeline per decoder, PLAYING with an unsynchronised appsink: the
 * streaming thread decodes ahead while the caller looks at a frame, bounded
 * by the appsink's queue, so the next step forward is usually already
 * decoded. The appsink is not asynchronous: a flushing seek does not send
 * the pipeline through a preroll and back to PLAYING. A jump is a flushing seek to the keyframe before the target (its
 * exact time from the index) and a walk forward; each sample is named by
 * its time in the index, never by counting, so a stale sample from before
 * a flush or a frame the demuxer skipped cannot be taken for another.
 */

/* Decoded frames queued ahead of the caller (8 MB each at 1080p): one is
 * enough for a step forward to be ready, and each more is decoded for
 * nothing by every seek (a keyframe and the frames after it). */
#define DECODE_AHEAD 1
#define PULL_SLICE (50 * GST_MSECOND)
#define STALL_TIMEOUT (10 * G_USEC_PER_SEC)

struct _QuorumVideoDecoder
{
  QuorumVideoIndex *index;
  GstElement       *pipeline;
  GstAppSink       *sink;
  GstBus           *bus;
  /* The frame the next pulled sample should be, or -1 after an error. */
  gint64            next;
  /* The last frame handed out, to hand out again. */
  gint64            current;
  GstSample        *current_sample;
  guint             n_seeks;
};

static const char *
decoder_for (const char *codec)
{
  if (g_str_equal (codec, "vp9"))
    return "vp9dec";
  if (g_str_equal (codec, "vp8"))
    return "vp8dec";
  return NULL;
}

static gboolean
pipeline_error (QuorumVideoDecoder  *decoder,
                GError             **error)
{
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (decoder->bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) gst_error = NULL;

  if (message == NULL)
    return FALSE;
  gst_message_parse_error (message, &gst_error, NULL);
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "The video cannot be decoded: %s",
               gst_error->message);
  return TRUE;
}

QuorumVideoDecoder *
quorum_video_decoder_new (const char              *proxy_path,
                          const QuorumVideoIndex  *index,
                          GError                 **error)
{
  g_autoptr(QuorumVideoDecoder) decoder = g_new0 (QuorumVideoDecoder, 1);
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *description = NULL;
  const char *codec = decoder_for (_quorum_video_index_get_codec (index));
  GstElement *source, *decode, *convert;
  GstStateChangeReturn change;

  _quorum_video_init ();
  if (!g_file_test (proxy_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "The video's proxy “%s” is missing.",
                   proxy_path);
      return NULL;
    }
  if (codec == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "The video's proxy is in “%s”, which this program does not decode.",
                   _quorum_video_index_get_codec (index));
      return NULL;
    }
  decoder->index = _quorum_video_index_copy (index);
  decoder->next = 0;
  decoder->current = -1;
  description = g_strdup_printf ("filesrc name=source ! matroskademux ! %s name=decode ! "
                                 "videoconvert name=convert ! video/x-raw,format=BGRA ! "
                                 "appsink name=sink sync=false async=false enable-last-sample=false "
                                 "max-buffers=%d", codec, DECODE_AHEAD);
  decoder->pipeline = gst_parse_launch (description, &parse_error);
  if (decoder->pipeline == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "GStreamer cannot decode the proxy here: %s", parse_error->message);
      return NULL;
    }
  gst_object_ref_sink (decoder->pipeline);
  source = gst_bin_get_by_name (GST_BIN (decoder->pipeline), "source");
  g_object_set (source, "location", proxy_path, NULL);
  gst_object_unref (source);
  decode = gst_bin_get_by_name (GST_BIN (decoder->pipeline), "decode");
  g_object_set (decode, "threads", MAX (1, (int) g_get_num_processors ()), NULL);
  gst_object_unref (decode);
  convert = gst_bin_get_by_name (GST_BIN (decoder->pipeline), "convert");
  g_object_set (convert, "n-threads", MAX (1, g_get_num_processors ()), NULL);
  gst_object_unref (convert);
  decoder->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (decoder->pipeline), "sink"));
  decoder->bus = gst_element_get_bus (decoder->pipeline);

  change = gst_element_set_state (decoder->pipeline, GST_STATE_PLAYING);
  if (change == GST_STATE_CHANGE_FAILURE)
    {
      if (!pipeline_error (decoder, error))
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                     "The video's proxy cannot be opened.");
      return NULL;
    }
  return g_steal_pointer (&decoder);
}

typedef struct
{
  GstBuffer  *buffer;
  GstMapInfo  map;
} Mapped;

static void
unmap (gpointer data)
{
  Mapped *mapped = data;

  gst_buffer_unmap (mapped->buffer, &mapped->map);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

static void
report (QuorumVideoDecoder   *decoder,
        GstSample            *sample,
        guint                 frame,
        QuorumVideoFrameFunc  each,
        gpointer              user_data)
{
  g_autoptr(GBytes) pixels = NULL;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstVideoMeta *meta = gst_buffer_get_video_meta (buffer);
  Mapped *mapped = g_new0 (Mapped, 1);
  int stride;

  if (each == NULL)
    {
      g_free (mapped);
      return;
    }
  if (meta != NULL)
    stride = meta->stride[0];
  else
    {
      GstVideoInfo info;
      gst_video_info_from_caps (&info, gst_sample_get_caps (sample));
      stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
    }
  mapped->buffer = gst_buffer_ref (buffer);
  gst_buffer_map (buffer, &mapped->map, GST_MAP_READ);
  pixels = g_bytes_new_with_free_func (mapped->map.data, mapped->map.size, unmap, mapped);
  each (frame, pixels, stride, user_data);
}

/* A sample of our own: GStreamer 1.22's appsink hands out its one reused
 * sample and, after a flush, sets caps on it again without checking that
 * nobody holds it (a critical warning). The pulled one is let go at once,
 * before any seek can flush. */
static GstSample *
pull_sample (QuorumVideoDecoder *decoder)
{
  g_autoptr(GstSample) pulled = gst_app_sink_try_pull_sample (decoder->sink, PULL_SLICE);

  if (pulled == NULL)
    return NULL;
  return gst_sample_new (gst_sample_get_buffer (pulled), gst_sample_get_caps (pulled), NULL, NULL);
}

static gboolean
seek_to (QuorumVideoDecoder  *decoder,
         guint                keyframe,
         GError             **error)
{
  gint64 time = quorum_video_index_get_pts (decoder->index, keyframe);
  gint64 since = g_get_monotonic_time ();

  decoder->n_seeks++;
  /* The keyframe's own time: nothing before it is decoded, nothing clipped.
   * A decoder just made may not have linked the demuxer to the sink yet
   * (the sink has no caps): the seek finds no way upstream and fails, so
   * it is tried again until the pipeline is linked. */
  while (!gst_element_seek (decoder->pipeline, 1.0, GST_FORMAT_TIME,
                            GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT |
                            GST_SEEK_FLAG_SNAP_BEFORE,
                            GST_SEEK_TYPE_SET, time, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE))
    {
      g_autoptr(GstPad) pad = gst_element_get_static_pad (GST_ELEMENT (decoder->sink), "sink");

      if (pipeline_error (decoder, error))
        {
          decoder->next = -1;
          return FALSE;
        }
      if (!gst_pad_has_current_caps (pad) && g_get_monotonic_time () - since < STALL_TIMEOUT)
        {
          g_usleep (2 * G_TIME_SPAN_MILLISECOND);
          continue;
        }
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "The video's proxy cannot seek to frame %u.", keyframe);
      decoder->next = -1;
      return FALSE;
    }
  decoder->next = keyframe;
  return TRUE;
}

gboolean
quorum_video_decoder_decode (QuorumVideoDecoder    *decoder,
                             guint                  frame,
                             QuorumVideoFrameFunc   each,
                             gpointer               user_data,
                             GCancellable          *cancellable,
                             GError               **error)
{
  guint n_frames = quorum_video_index_get_n_frames (decoder->index);
  guint keyframe;
  gint64 stalled_since;

  if (frame >= n_frames)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "Frame %u does not exist: the video has %u frames.", frame, n_frames);
      return FALSE;
    }
  if (decoder->current == frame && decoder->current_sample != NULL)
    {
      report (decoder, decoder->current_sample, frame, each, user_data);
      return TRUE;
    }

  /* Walk forward when no keyframe lies between here and there. */
  keyframe = quorum_video_index_get_keyframe_before (decoder->index, frame);
  if (decoder->next < 0 || decoder->next > frame || keyframe > decoder->next)
    if (!seek_to (decoder, keyframe, error))
      return FALSE;

  stalled_since = g_get_monotonic_time ();
  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      GstBuffer *buffer;
      gint found;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      sample = pull_sample (decoder);
      if (sample == NULL)
        {
          if (pipeline_error (decoder, error))
            {
              decoder->next = -1;
              return FALSE;
            }
          if (gst_app_sink_is_eos (decoder->sink) ||
              g_get_monotonic_time () - stalled_since > STALL_TIMEOUT)
            {
              g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                           "Frame %u could not be decoded: the proxy ends before it.", frame);
              decoder->next = -1;
              return FALSE;
            }
          continue;
        }
      stalled_since = g_get_monotonic_time ();
      buffer = gst_sample_get_buffer (sample);
      found = quorum_video_index_lookup_pts (decoder->index, GST_BUFFER_PTS (buffer));
      /* Before the flush, or a frame the index does not have. */
      if (found < decoder->next)
        continue;
      if (found > (gint) frame)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                       "Frame %u could not be decoded: the proxy skips from frame %" G_GINT64_FORMAT
                       " to %d.", frame, decoder->next, found);
          decoder->next = -1;
          return FALSE;
        }
      decoder->next = found + 1;
      report (decoder, sample, found, each, user_data);
      if (found == (gint) frame)
        {
          decoder->current = frame;
          g_clear_pointer (&decoder->current_sample, gst_sample_unref);
          decoder->current_sample = g_steal_pointer (&sample);
          return TRUE;
        }
    }
}

guint
quorum_video_decoder_get_n_seeks (QuorumVideoDecoder *decoder)
{
  return decoder->n_seeks;
}

void
quorum_video_decoder_free (QuorumVideoDecoder *decoder)
{
  if (decoder == NULL)
    return;
  if (decoder->pipeline != NULL)
    gst_element_set_state (decoder->pipeline, GST_STATE_NULL);
  g_clear_pointer (&decoder->current_sample, gst_sample_unref);
  gst_clear_object (&decoder->sink);
  gst_clear_object (&decoder->bus);
  gst_clear_object (&decoder->pipeline);
  quorum_video_index_free (decoder->index);
  g_free (decoder);
}

typedef struct
{
  guint   want;
  GBytes *pixels;
  int     stride;
} Wanted;

static void
keep_wanted (guint    frame,
             GBytes  *pixels,
             int      stride,
             gpointer user_data)
{
  Wanted *wanted = user_data;

  if (frame != wanted->want)
    return;
  g_clear_pointer (&wanted->pixels, g_bytes_unref);
  wanted->pixels = g_bytes_ref (pixels);
  wanted->stride = stride;
}

GBytes *
quorum_video_decoder_decode_frame (QuorumVideoDecoder  *decoder,
                                   guint                frame,
                                   int                 *stride,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  Wanted wanted = { frame, NULL, 0 };

  if (!quorum_video_decoder_decode (decoder, frame, keep_wanted, &wanted, cancellable, error))
    {
      g_clear_pointer (&wanted.pixels, g_bytes_unref);
      return NULL;
    }
  if (wanted.pixels == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "The decoder did not show frame %u of the proxy.", frame);
      return NULL;
    }
  *stride = wanted.stride;
  return wanted.pixels;
}
