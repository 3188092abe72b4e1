/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-video"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <glib/gstdio.h>

#include "quorum-error.h"
#include "quorum-video-private.h"

/*
 * The proxy is VP9 in WebM, a keyframe at least every PROXY_KEY_INTERVAL
 * frames, no frame reordering (no hidden alt-ref frames, no look-ahead), so
 * decode order is display order and decoding any frame costs at most
 * PROXY_KEY_INTERVAL frames after a seek. libvpx's real-time mode is the
 * fastest encoder Debian's plugins-good has; docs/video.md says why VP9.
 *
 * Every frame the original's decoder shows goes to the encoder, with its own
 * time (a variable rate stays variable): no videorate, nothing dropped. The
 * frames going in are counted and the proxy is read back by its demuxer
 * alone to make the index; the two counts must agree.
 */

#define PROXY_KEY_INTERVAL 8
#define PROXY_CODEC "vp9"
/* Bits per pixel and frame: about 12.4 Mbit/s at 1080p30. */
#define PROXY_BITS_PER_PIXEL 0.2
#define CHECK_TIMEOUT (20 * GST_SECOND)
/* A preparation whose encoder gets no new frame for this long has stalled
 * (a demuxer waiting forever on a damaged file). */
#define STALL_TIMEOUT (30 * G_USEC_PER_SEC)

void
_quorum_video_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (!gst_is_initialized ())
        gst_init (NULL, NULL);
      g_once_init_leave (&done, 1);
    }
}

typedef struct
{
  GstElement *pipeline;
  /* Where the first video pad goes; other pads go to a fakesink. */
  GstElement *video_in;
  gboolean    linked;
} Front;

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  Front *front = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (!front->linked && g_str_has_prefix (name, "video/"))
    {
      g_autoptr(GstPad) sink = gst_element_get_static_pad (front->video_in, "sink");
      if (gst_pad_link (pad, sink) == GST_PAD_LINK_OK)
        front->linked = TRUE;
    }
  else
    {
      GstElement *drop = gst_element_factory_make ("fakesink", NULL);
      g_autoptr(GstPad) sink = gst_element_get_static_pad (drop, "sink");
      g_object_set (drop, "sync", FALSE, "async", FALSE, NULL);
      gst_bin_add (GST_BIN (front->pipeline), drop);
      gst_element_sync_state_with_parent (drop);
      gst_pad_link (pad, sink);
    }
}

/* filesrc ! decodebin, whose first video pad goes to @front->video_in. */
static gboolean
add_front (Front       *front,
           const char  *path,
           GError     **error)
{
  GstElement *source = gst_element_factory_make ("filesrc", NULL);
  GstElement *decode = gst_element_factory_make ("decodebin", NULL);

  if (source == NULL || decode == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "GStreamer's base plugins are missing: install gstreamer1.0-plugins-base.");
      g_clear_object (&source);
      g_clear_object (&decode);
      return FALSE;
    }
  g_object_set (source, "location", path, NULL);
  gst_bin_add_many (GST_BIN (front->pipeline), source, decode, NULL);
  gst_element_link (source, decode);
  g_signal_connect (decode, "pad-added", G_CALLBACK (on_pad_added), front);
  return TRUE;
}

static GstElement *
make (const char  *factory,
      GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                 "GStreamer's element “%s” is missing: install gstreamer1.0-plugins-good.",
                 factory);
  return element;
}

static void
set_error_from_message (GstMessage  *message,
                        const char  *doing,
                        GError     **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("%s: %s", gst_error->message, debug ? debug : "");
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: %s", doing, gst_error->message);
}

gboolean
quorum_video_check_decodable (const char    *path,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstSample) sample = NULL;
  GstElement *sink;
  Front front = { 0 };
  gint64 deadline;
  gboolean done = FALSE, ok = FALSE;

  _quorum_video_init ();
  pipeline = gst_object_ref_sink (gst_pipeline_new (NULL));
  front.pipeline = pipeline;
  if (!(sink = make ("appsink", error)))
    return FALSE;
  g_object_set (sink, "sync", FALSE, "max-buffers", 1, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  front.video_in = sink;
  if (!add_front (&front, path, error))
    return FALSE;

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  deadline = g_get_monotonic_time () + CHECK_TIMEOUT / GST_USECOND;
  while (!done)
    {
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "The video could not be read: its first frame took too long to decode.");
          break;
        }
      message = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
                                            GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE |
                                            GST_MESSAGE_EOS);
      if (message == NULL)
        continue;
      done = TRUE;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        set_error_from_message (message, "The video cannot be decoded", error);
      else if (!front.linked ||
               (sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 0)) == NULL)
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                     "The file holds no video stream that can be decoded.");
      else
        ok = TRUE;
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

typedef struct
{
  gint      n_in;   /* atomic: the streaming thread counts */
  GstCaps  *caps;
  gboolean  missing_time;
} Count;

static GstPadProbeReturn
count_frame (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         user_data)
{
  Count *count = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      if (!GST_BUFFER_PTS_IS_VALID (GST_PAD_PROBE_INFO_BUFFER (info)))
        count->missing_time = TRUE;
      g_atomic_int_inc (&count->n_in);
    }
  else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM &&
           GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_CAPS)
    {
      GstCaps *caps;
      gst_event_parse_caps (GST_PAD_PROBE_INFO_EVENT (info), &caps);
      gst_caps_replace (&count->caps, caps);
    }
  return GST_PAD_PROBE_OK;
}

/* Reads the proxy back with its demuxer alone: the times and keyframes the
 * decoder will see. */
static QuorumVideoIndex *
index_proxy (const char  *proxy_path,
             Count       *count,
             GError     **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GArray) pts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GByteArray) keyframe = g_byte_array_new ();
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) parse_error = NULL;
  GstStructure *format;
  GstElement *source, *sink;
  int width = 0, height = 0, fps_n = 0, fps_d = 0;
  gboolean ok = TRUE;

  pipeline = gst_parse_launch ("filesrc name=source ! matroskademux ! appsink name=sink "
                               "sync=false max-buffers=64", &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "The proxy cannot be read back: %s", parse_error->message);
      return NULL;
    }
  gst_object_ref_sink (pipeline);
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  g_object_set (source, "location", proxy_path, NULL);
  gst_object_unref (source);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_object_unref (sink);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;)
    {
      g_autoptr(GstSample) sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
                                                                  100 * GST_MSECOND);
      g_autoptr(GstMessage) message = NULL;
      GstBuffer *buffer;
      gint64 time;
      guint8 key;

      if (sample == NULL)
        {
          if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
            break;
          message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
          if (message != NULL)
            {
              set_error_from_message (message, "The proxy cannot be read back", error);
              ok = FALSE;
              break;
            }
          continue;
        }
      buffer = gst_sample_get_buffer (sample);
      time = GST_BUFFER_PTS (buffer);
      key = !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);
      g_array_append_val (pts, time);
      g_byte_array_append (keyframe, &key, 1);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (!ok)
    return NULL;

  if (pts->len != (guint) count->n_in)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "The proxy holds %u frames where the video has %u.", pts->len, count->n_in);
      return NULL;
    }
  format = gst_caps_get_structure (count->caps, 0);
  gst_structure_get_int (format, "width", &width);
  gst_structure_get_int (format, "height", &height);
  gst_structure_get_fraction (format, "framerate", &fps_n, &fps_d);
  return _quorum_video_index_new (width, height, fps_n, fps_d, PROXY_CODEC,
                                  (gint64 *) pts->data, keyframe->data, pts->len, error);
}

static GstElement *
make_encoder (GError **error)
{
  GstElement *encoder = make ("vp9enc", error);

  if (encoder == NULL)
    return NULL;
  /* deadline 1 µs is libvpx's real-time mode; cpu-used 8 its fastest. */
  gst_util_set_object_arg (G_OBJECT (encoder), "end-usage", "vbr");
  g_object_set (encoder,
                "deadline", (gint64) 1,
                "cpu-used", 8,
                "threads", MAX (1, (int) g_get_num_processors ()),
                "row-mt", TRUE,
                "lag-in-frames", 0,
                "auto-alt-ref", FALSE,
                "keyframe-max-dist", PROXY_KEY_INTERVAL,
                "max-quantizer", 40,
                NULL);
  return encoder;
}

/* Sets the bit rate from the frame size and rate once the caps are known. */
static void
on_encoder_caps (GstElement *encoder,
                 GstCaps    *caps)
{
  GstStructure *format = gst_caps_get_structure (caps, 0);
  int width = 0, height = 0, fps_n = 0, fps_d = 1;
  double fps, rate;

  gst_structure_get_int (format, "width", &width);
  gst_structure_get_int (format, "height", &height);
  if (!gst_structure_get_fraction (format, "framerate", &fps_n, &fps_d) || fps_n <= 0 || fps_d <= 0)
    fps_n = 30, fps_d = 1;
  fps = CLAMP ((double) fps_n / fps_d, 1, 120);
  rate = CLAMP (width * (double) height * fps * PROXY_BITS_PER_PIXEL, 1e6, 60e6);
  g_object_set (encoder, "target-bitrate", (int) rate, NULL);
}

static GstPadProbeReturn
watch_encoder_caps (GstPad          *pad,
                    GstPadProbeInfo *info,
                    gpointer         user_data)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
    {
      GstCaps *caps;
      gst_event_parse_caps (event, &caps);
      on_encoder_caps (user_data, caps);
    }
  return GST_PAD_PROBE_OK;
}

static gboolean
write_proxy (const char          *input_path,
             const char          *part_path,
             Count               *count,
             QuorumVideoProgress  progress,
             gpointer             user_data,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new (NULL));
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstPad) encoder_sink = NULL;
  GstElement *queue, *convert, *filter, *encoder, *mux, *sink;
  g_autoptr(GstCaps) i420 = gst_caps_from_string ("video/x-raw,format=I420");
  Front front = { .pipeline = pipeline };
  gboolean ok = FALSE, done = FALSE;
  double reported = -1;
  gint last_count = 0;
  gint64 last_change = g_get_monotonic_time ();

  if (!(queue = make ("queue", error)))
    return FALSE;
  gst_bin_add (GST_BIN (pipeline), queue);
  if (!(convert = make ("videoconvert", error)))
    return FALSE;
  gst_bin_add (GST_BIN (pipeline), convert);
  if (!(filter = make ("capsfilter", error)))
    return FALSE;
  gst_bin_add (GST_BIN (pipeline), filter);
  if (!(encoder = make_encoder (error)))
    return FALSE;
  gst_bin_add (GST_BIN (pipeline), encoder);
  if (!(mux = make ("webmmux", error)))
    return FALSE;
  gst_bin_add (GST_BIN (pipeline), mux);
  if (!(sink = make ("filesink", error)))
    return FALSE;
  gst_bin_add (GST_BIN (pipeline), sink);

  g_object_set (filter, "caps", i420, NULL);
  g_object_set (convert, "n-threads", MAX (1, (int) g_get_num_processors ()), NULL);
  g_object_set (sink, "location", part_path, NULL);
  g_object_set (queue, "max-size-buffers", 4, "max-size-bytes", 0, "max-size-time",
                (guint64) 0, NULL);
  if (!gst_element_link_many (queue, convert, filter, encoder, mux, sink, NULL))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "GStreamer cannot make a VP9 WebM proxy here.");
      return FALSE;
    }
  encoder_sink = gst_element_get_static_pad (encoder, "sink");
  gst_pad_add_probe (encoder_sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     count_frame, count, NULL);
  gst_pad_add_probe (encoder_sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, watch_encoder_caps,
                     encoder, NULL);
  front.video_in = queue;
  if (!add_front (&front, input_path, error))
    return FALSE;

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "The video could not be prepared: GStreamer would not start.");
      return FALSE;
    }
  while (!done)
    {
      g_autoptr(GstMessage) message = NULL;
      gint64 position = -1, duration = -1;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      message = gst_bus_timed_pop_filtered (bus, 200 * GST_MSECOND,
                                            GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          set_error_from_message (message, "The video could not be prepared", error);
          break;
        }
      if (message != NULL)
        {
          ok = done = TRUE;
          break;
        }
      if (g_atomic_int_get (&count->n_in) != last_count)
        {
          last_count = g_atomic_int_get (&count->n_in);
          last_change = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - last_change > STALL_TIMEOUT)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "The video could not be prepared: decoding stopped after %d frames.",
                       last_count);
          break;
        }
      if (progress != NULL &&
          gst_element_query_position (pipeline, GST_FORMAT_TIME, &position) &&
          gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration) && duration > 0)
        {
          /* The last hundredth is the index. */
          double fraction = CLAMP ((double) position / duration, 0, 1) * 0.99;
          if (fraction > reported)
            progress (reported = fraction, user_data);
        }
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (ok && !front.linked)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "The file holds no video stream that can be decoded.");
      ok = FALSE;
    }
  else if (ok && count->n_in == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "The video holds no frame.");
      ok = FALSE;
    }
  else if (ok && count->missing_time)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "The video's frames carry no time: it cannot be shown frame by frame.");
      ok = FALSE;
    }
  return ok;
}

gboolean
quorum_video_prepare (const char          *input_path,
                      const char          *proxy_path,
                      const char          *index_path,
                      QuorumVideoProgress  progress,
                      gpointer             user_data,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autofree char *part_path = g_strconcat (proxy_path, ".part", NULL);
  g_autoptr(QuorumVideoIndex) index = NULL;
  g_autoptr(GBytes) json = NULL;
  Count count = { 0 };
  gboolean ok = FALSE;

  _quorum_video_init ();
  if (write_proxy (input_path, part_path, &count, progress, user_data, cancellable, error) &&
      (index = index_proxy (part_path, &count, error)) != NULL)
    {
      json = quorum_video_index_to_bytes (index);
      /* The index last: an index on disk means its proxy is whole. */
      if (g_rename (part_path, proxy_path) != 0)
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "The proxy could not be saved: %s",
                     g_strerror (errno));
      else if (g_file_set_contents (index_path, g_bytes_get_data (json, NULL),
                                    g_bytes_get_size (json), error))
        ok = TRUE;
      else
        g_unlink (proxy_path);
    }
  g_clear_pointer (&count.caps, gst_caps_unref);
  g_unlink (part_path);
  if (ok && progress != NULL)
    progress (1.0, user_data);
  return ok;
}
