/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include "quorum-video-source.h"

#include "quorum-frame-scale.h"

#define MIN_RATE 0.25
#define MAX_RATE 4.0

/* What the main thread asks the worker: decode @frame, or stop (@quit). */
typedef struct
{
  guint         frame;
  GCancellable *cancellable;
  gboolean      quit;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->cancellable);
  g_free (request);
}

/* The source as the worker's deliveries see it: NULL once disposed. Read
 * and cleared on the main thread only. */
typedef struct
{
  QuorumVideoSource *source;
} Link;

/* What the worker hands back: a frame decoded, or the end of a request. */
typedef struct
{
  Link     *link;
  guint     frame;
  GBytes   *pixels;    /* NULL: the request for @frame ended */
  int       stride;
  GError   *error;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_atomic_rc_box_release (delivery->link);
  g_clear_pointer (&delivery->pixels, g_bytes_unref);
  g_clear_error (&delivery->error);
  g_free (delivery);
}

struct _QuorumVideoSource
{
  GObject             parent_instance;

  char               *proxy_path;
  QuorumVideoIndex   *index;
  guint               n_frames;
  int                 width;
  int                 height;
  QuorumFrameCache   *cache;

  GThread            *worker;
  GAsyncQueue        *requests;      /* of Request, to the worker */
  QuorumVideoDecoder *decoder;       /* the worker's */
  GMainContext       *context;
  Link               *link;
  gboolean            in_flight;

  guint               frame;
  GdkTexture         *texture;       /* of @frame, once there */
  GdkTexture         *shown;

  gboolean            playing;
  double              rate;
  guint               tick_id;
  gint64              play_start;    /* monotonic µs */
  gint64              play_start_pts;
  guint               last_shown;
  guint               dropped;
  guint               loop_first;
  guint               loop_last;
  gboolean            loop;

  QuorumVideoDecoder *thumbnailer;   /* for quorum_video_source_decode_one() */
  GMutex              thumbnail_lock;
};

G_DEFINE_FINAL_TYPE (QuorumVideoSource, quorum_video_source, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRAME,
  PROP_TEXTURE,
  PROP_PLAYING,
  PROP_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FRAME_DECODED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the worker --------------------------------------------------------- */

typedef struct
{
  Link         *link;
  GMainContext *context;
} Worker;

static gboolean
deliver (gpointer data);

static void
post (Worker *worker,
      guint   frame,
      GBytes *pixels,
      int     stride,
      GError *error)
{
  Delivery *delivery = g_new0 (Delivery, 1);
  GSource *idle;

  delivery->link = g_atomic_rc_box_acquire (worker->link);
  delivery->frame = frame;
  delivery->pixels = pixels != NULL ? g_bytes_ref (pixels) : NULL;
  delivery->stride = stride;
  delivery->error = error;
  /* Always on the main loop: g_main_context_invoke() would run it here
   * while the loop is not running. */
  idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_HIGH_IDLE);
  g_source_set_callback (idle, deliver, delivery, delivery_free);
  g_source_set_static_name (idle, "[quorum] video frame");
  g_source_attach (idle, worker->context);
  g_source_unref (idle);
}

static void
on_decoded (guint    frame,
            GBytes  *pixels,
            int      stride,
            gpointer user_data)
{
  post (user_data, frame, pixels, stride, NULL);
}

static gpointer
worker_main (gpointer data)
{
  QuorumVideoSource *self = data;
  Worker worker = { self->link, self->context };

  /* The source joins this thread before it is finalized, so its queue and
   * decoder stay; what the worker hands back goes through the link. */
  for (;;)
    {
      Request *request = g_async_queue_pop (self->requests);
      GError *error = NULL;
      guint frame = request->frame;

      if (request->quit)
        {
          request_free (request);
          break;
        }
      if (!g_cancellable_is_cancelled (request->cancellable))
        quorum_video_decoder_decode (self->decoder, frame, on_decoded, &worker,
                                     request->cancellable, &error);
      else
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      post (&worker, frame, NULL, 0, error);
      request_free (request);
    }
  return NULL;
}

/* ---- the main thread ---------------------------------------------------- */

static void
pump (QuorumVideoSource *self)
{
  guint frame;
  Request *request;

  if (self->in_flight || !quorum_frame_cache_next_wanted (self->cache, self->n_frames, &frame))
    return;
  request = g_new0 (Request, 1);
  request->frame = frame;
  request->cancellable = quorum_frame_cache_begin (self->cache, frame);
  self->in_flight = TRUE;
  g_async_queue_push (self->requests, request);
}

static void
show (QuorumVideoSource *self,
      GdkTexture        *texture)
{
  if (self->playing && self->frame > self->last_shown + 1)
    self->dropped += self->frame - self->last_shown - 1;
  self->last_shown = self->frame;
  g_set_object (&self->texture, texture);
  g_set_object (&self->shown, texture);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

static gboolean
deliver (gpointer data)
{
  Delivery *delivery = data;
  QuorumVideoSource *self = delivery->link->source;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  if (delivery->pixels != NULL)
    {
      g_autoptr(GdkTexture) texture =
        quorum_frame_texture_new (self->width, self->height, delivery->pixels, delivery->stride);

      quorum_frame_cache_insert (self->cache, delivery->frame, texture);
      g_signal_emit (self, signals[FRAME_DECODED], 0, delivery->frame);
      if (delivery->frame == self->frame && self->texture == NULL)
        show (self, texture);
      return G_SOURCE_REMOVE;
    }
  quorum_frame_cache_end (self->cache, delivery->frame);
  self->in_flight = FALSE;
  if (delivery->error != NULL && !g_error_matches (delivery->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Frame %u of %s cannot be decoded: %s", delivery->frame, self->proxy_path,
               delivery->error->message);
  pump (self);
  return G_SOURCE_REMOVE;
}

QuorumVideoSource *
quorum_video_source_new (const char        *proxy_path,
                         QuorumVideoIndex  *index,
                         guint64            cache_limit,
                         GError           **error)
{
  g_autoptr(QuorumVideoIndex) owned = index;
  QuorumVideoDecoder *decoder;
  QuorumVideoSource *self;

  g_return_val_if_fail (proxy_path != NULL, NULL);
  g_return_val_if_fail (index != NULL, NULL);
  decoder = quorum_video_decoder_new (proxy_path, index, error);
  if (decoder == NULL)
    return NULL;
  self = g_object_new (QUORUM_TYPE_VIDEO_SOURCE, NULL);
  self->proxy_path = g_strdup (proxy_path);
  self->index = g_steal_pointer (&owned);
  self->n_frames = quorum_video_index_get_n_frames (self->index);
  quorum_video_index_get_size (self->index, &self->width, &self->height);
  self->cache = quorum_frame_cache_new (cache_limit);
  self->decoder = decoder;
  self->context = g_main_context_ref_thread_default ();
  self->requests = g_async_queue_new_full ((GDestroyNotify) request_free);
  self->link = g_atomic_rc_box_new0 (Link);
  self->link->source = self;
  self->worker = g_thread_new ("quorum-video", worker_main, self);
  pump (self);
  return self;
}

const QuorumVideoIndex *
quorum_video_source_get_index (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), NULL);
  return self->index;
}

guint
quorum_video_source_get_n_frames (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), 0);
  return self->n_frames;
}

guint
quorum_video_source_get_frame (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), 0);
  return self->frame;
}

void
quorum_video_source_set_frame (QuorumVideoSource *self,
                               guint              frame)
{
  GdkTexture *cached;

  g_return_if_fail (QUORUM_IS_VIDEO_SOURCE (self));
  if (self->n_frames == 0)
    return;
  frame = MIN (frame, self->n_frames - 1);
  if (frame == self->frame && self->texture != NULL)
    return;
  self->frame = frame;
  quorum_frame_cache_set_current (self->cache, frame);
  g_clear_object (&self->texture);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
  cached = quorum_frame_cache_lookup (self->cache, frame);
  if (cached != NULL)
    show (self, cached);
  pump (self);
}

GdkTexture *
quorum_video_source_get_texture (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), NULL);
  return self->texture;
}

GdkTexture *
quorum_video_source_get_shown (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), NULL);
  return self->shown;
}

gint64
quorum_video_source_get_time (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), 0);
  if (self->n_frames == 0)
    return 0;
  return quorum_video_index_get_pts (self->index, self->frame) - quorum_video_index_get_pts (self->index, 0);
}

/* ---- playback ----------------------------------------------------------- */

static gboolean
on_tick (gpointer user_data)
{
  QuorumVideoSource *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 pts = self->play_start_pts + (gint64) ((now - self->play_start) * 1000 * self->rate);
  guint target = quorum_video_index_frame_at_time (self->index, pts);
  guint last = self->loop ? self->loop_last : self->n_frames - 1;

  if (pts > quorum_video_index_get_pts (self->index, last) +
            (quorum_video_index_get_duration (self->index) / MAX (self->n_frames, 1)))
    {
      if (!self->loop)
        {
          quorum_video_source_set_frame (self, self->n_frames - 1);
          quorum_video_source_set_playing (self, FALSE);
          return G_SOURCE_REMOVE;
        }
      self->play_start = now;
      self->play_start_pts = quorum_video_index_get_pts (self->index, self->loop_first);
      self->last_shown = self->loop_first;
      target = self->loop_first;
      self->frame = G_MAXUINT;  /* shows the first again */
    }
  target = MIN (target, last);
  if (target != self->frame)
    quorum_video_source_set_frame (self, target);
  return G_SOURCE_CONTINUE;
}

gboolean
quorum_video_source_get_playing (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), FALSE);
  return self->playing;
}

static void
restart_clock (QuorumVideoSource *self)
{
  self->play_start = g_get_monotonic_time ();
  self->play_start_pts = quorum_video_index_get_pts (self->index, self->frame);
}

void
quorum_video_source_set_playing (QuorumVideoSource *self,
                                 gboolean           playing)
{
  int fps_n, fps_d;
  guint interval;

  g_return_if_fail (QUORUM_IS_VIDEO_SOURCE (self));
  playing = !!playing && self->n_frames > 1;
  if (self->playing == playing)
    return;
  self->playing = playing;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (playing)
    {
      if (self->frame + 1 >= self->n_frames)
        quorum_video_source_set_frame (self, self->loop ? self->loop_first : 0);
      else if (self->loop && (self->frame < self->loop_first || self->frame > self->loop_last))
        quorum_video_source_set_frame (self, self->loop_first);
      restart_clock (self);
      self->last_shown = self->frame;
      self->dropped = 0;
      quorum_video_index_get_rate (self->index, &fps_n, &fps_d);
      /* Four looks per frame: a frame is shown at most a quarter late. */
      interval = fps_n > 0 ? (guint) (1000.0 * fps_d / fps_n / self->rate / 4) : 8;
      self->tick_id = g_timeout_add_full (G_PRIORITY_HIGH, CLAMP (interval, 2, 40), on_tick, self, NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

double
quorum_video_source_get_rate (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), 1);
  return self->rate;
}

void
quorum_video_source_set_rate (QuorumVideoSource *self,
                              double             rate)
{
  g_return_if_fail (QUORUM_IS_VIDEO_SOURCE (self));
  rate = CLAMP (rate, MIN_RATE, MAX_RATE);
  if (self->rate == rate)
    return;
  self->rate = rate;
  if (self->playing)
    {
      /* Again at the new rate from the frame shown. */
      quorum_video_source_set_playing (self, FALSE);
      quorum_video_source_set_playing (self, TRUE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

void
quorum_video_source_set_loop (QuorumVideoSource *self,
                              guint              first,
                              guint              last)
{
  g_return_if_fail (QUORUM_IS_VIDEO_SOURCE (self));
  self->loop = first <= last && self->n_frames > 0;
  self->loop_first = MIN (first, self->n_frames - 1);
  self->loop_last = MIN (last, self->n_frames - 1);
}

gboolean
quorum_video_source_get_loop (QuorumVideoSource *self,
                              guint             *first,
                              guint             *last)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), FALSE);
  if (first != NULL)
    *first = self->loop_first;
  if (last != NULL)
    *last = self->loop_last;
  return self->loop;
}

guint
quorum_video_source_get_dropped (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), 0);
  return self->dropped;
}

QuorumFrameCache *
quorum_video_source_get_cache (QuorumVideoSource *self)
{
  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), NULL);
  return self->cache;
}

void
quorum_video_source_set_cache_limit (QuorumVideoSource *self,
                                     guint64            limit)
{
  g_return_if_fail (QUORUM_IS_VIDEO_SOURCE (self));
  quorum_frame_cache_set_limit (self->cache, limit);
}

/* ---- thumbnails --------------------------------------------------------- */

typedef struct
{
  guint   frame;
  GBytes *pixels;
  int     stride;
} Thumbnail;

static void
on_thumbnail (guint    frame,
              GBytes  *pixels,
              int      stride,
              gpointer user_data)
{
  Thumbnail *thumbnail = user_data;

  if (frame != thumbnail->frame)
    return;
  g_clear_pointer (&thumbnail->pixels, g_bytes_unref);
  thumbnail->pixels = g_bytes_ref (pixels);
  thumbnail->stride = stride;
}

GdkTexture *
quorum_video_source_decode_one (QuorumVideoSource *self,
                                guint              frame,
                                GCancellable      *cancellable,
                                GError           **error)
{
  Thumbnail thumbnail = { frame, NULL, 0 };
  GdkTexture *texture = NULL;
  gboolean ok;

  g_return_val_if_fail (QUORUM_IS_VIDEO_SOURCE (self), NULL);
  g_mutex_lock (&self->thumbnail_lock);
  if (self->thumbnailer == NULL)
    self->thumbnailer = quorum_video_decoder_new (self->proxy_path, self->index, error);
  ok = self->thumbnailer != NULL &&
       quorum_video_decoder_decode (self->thumbnailer, MIN (frame, self->n_frames - 1), on_thumbnail,
                                    &thumbnail, cancellable, error);
  g_mutex_unlock (&self->thumbnail_lock);
  if (ok && thumbnail.pixels != NULL)
    texture = gdk_memory_texture_new (self->width, self->height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                      thumbnail.pixels, thumbnail.stride);
  g_clear_pointer (&thumbnail.pixels, g_bytes_unref);
  return texture;
}

/* ---- GObject ------------------------------------------------------------ */

static void
quorum_video_source_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  QuorumVideoSource *self = QUORUM_VIDEO_SOURCE (object);

  switch (prop_id)
    {
    case PROP_FRAME:
      g_value_set_uint (value, self->frame);
      break;
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_video_source_dispose (GObject *object)
{
  QuorumVideoSource *self = QUORUM_VIDEO_SOURCE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->worker != NULL)
    {
      Request *quit = g_new0 (Request, 1);

      /* The frame being decoded stops at once; the worker then reads quit. */
      g_clear_pointer (&self->cache, quorum_frame_cache_free);
      quit->quit = TRUE;
      g_async_queue_push (self->requests, quit);
      g_thread_join (g_steal_pointer (&self->worker));
    }
  if (self->link != NULL)
    {
      self->link->source = NULL;
      g_clear_pointer (&self->link, g_atomic_rc_box_release);
    }
  g_clear_object (&self->texture);
  g_clear_object (&self->shown);
  G_OBJECT_CLASS (quorum_video_source_parent_class)->dispose (object);
}

static void
quorum_video_source_finalize (GObject *object)
{
  QuorumVideoSource *self = QUORUM_VIDEO_SOURCE (object);

  g_clear_pointer (&self->cache, quorum_frame_cache_free);
  g_clear_pointer (&self->decoder, quorum_video_decoder_free);
  g_clear_pointer (&self->thumbnailer, quorum_video_decoder_free);
  g_clear_pointer (&self->requests, g_async_queue_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->index, quorum_video_index_free);
  g_mutex_clear (&self->thumbnail_lock);
  g_free (self->proxy_path);
  G_OBJECT_CLASS (quorum_video_source_parent_class)->finalize (object);
}

static void
quorum_video_source_class_init (QuorumVideoSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = quorum_video_source_get_property;
  object_class->dispose = quorum_video_source_dispose;
  object_class->finalize = quorum_video_source_finalize;

  properties[PROP_FRAME] =
    g_param_spec_uint ("frame", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, MIN_RATE, MAX_RATE, 1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QuorumVideoSource::frame-decoded:
   * @frame: the frame now in the cache
   */
  signals[FRAME_DECODED] =
    g_signal_new ("frame-decoded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
quorum_video_source_init (QuorumVideoSource *self)
{
  self->rate = 1.0;
  self->loop_first = 1;
  g_mutex_init (&self->thumbnail_lock);
}
