/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-video"

#include <json-glib/json-glib.h>

#include "quorum-error.h"
#include "quorum-video-private.h"

/*
 * The index lists every displayed frame of the proxy in display order with
 * its presentation time as the proxy's demuxer reports it: the decoder finds
 * a frame by that exact time, so nothing is ever rounded.
 *
 * {"version": 1, "codec": "vp9", "width": 1920, "height": 1080,
 *  "fps_n": 30, "fps_d": 1, "pts": [0, 33000000, …], "keyframes": [0, 8, …]}
 */

struct _QuorumVideoIndex
{
  int     width;
  int     height;
  int     fps_n;
  int     fps_d;
  char   *codec;
  guint   n_frames;
  gint64 *pts;
  guint8 *keyframe;
  /* The keyframes' frame numbers, ascending. */
  guint  *keyframes;
  guint   n_keyframes;
};

static gboolean
invalid (GError    **error,
         const char *what)
{
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "The video's frame index is invalid: %s.",
               what);
  return FALSE;
}

static gboolean
read_int (JsonObject *object,
          const char *name,
          gint64      min,
          gint64      max,
          gint64     *value,
          GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_autofree char *what = g_strdup_printf ("“%s” is not a whole number", name);
      return invalid (error, what);
    }
  *value = json_node_get_int (node);
  if (*value < min || *value > max)
    {
      g_autofree char *what = g_strdup_printf ("“%s” is out of range", name);
      return invalid (error, what);
    }
  return TRUE;
}

QuorumVideoIndex *
_quorum_video_index_new (int           width,
                         int           height,
                         int           fps_n,
                         int           fps_d,
                         const char   *codec,
                         const gint64 *pts,
                         const guint8 *keyframe,
                         guint         n_frames,
                         GError      **error)
{
  g_autoptr(QuorumVideoIndex) index = g_new0 (QuorumVideoIndex, 1);

  if (n_frames == 0)
    return (invalid (error, "it lists no frame"), NULL);
  if (width <= 0 || height <= 0)
    return (invalid (error, "its size is empty"), NULL);
  if (!keyframe[0])
    return (invalid (error, "its first frame is not a keyframe"), NULL);
  for (guint i = 1; i < n_frames; i++)
    if (pts[i] <= pts[i - 1])
      return (invalid (error, "its times do not increase"), NULL);
  if (fps_n <= 0 || fps_d <= 0)
    {
      /* A variable rate: the mean one, in thousandths. */
      gint64 span = pts[n_frames - 1] - pts[0];
      fps_d = 1000;
      fps_n = span > 0 ? (int) CLAMP ((n_frames - 1) * 1e12 / span + 0.5, 1, 1e9) : 30000;
    }

  index->width = width;
  index->height = height;
  index->fps_n = fps_n;
  index->fps_d = fps_d;
  index->codec = g_strdup (codec);
  index->n_frames = n_frames;
  index->pts = g_memdup2 (pts, sizeof (gint64) * n_frames);
  index->keyframe = g_memdup2 (keyframe, n_frames);
  index->keyframes = g_new (guint, n_frames);
  for (guint i = 0; i < n_frames; i++)
    if (keyframe[i])
      index->keyframes[index->n_keyframes++] = i;
  return g_steal_pointer (&index);
}

QuorumVideoIndex *
quorum_video_index_new_from_bytes (GBytes  *json,
                                   GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree gint64 *pts = NULL;
  g_autofree guint8 *keyframe = NULL;
  gint64 version, width, height, fps_n, fps_d;
  JsonObject *root;
  JsonArray *times, *keys;
  const char *codec;
  gsize length;
  const char *data = g_bytes_get_data (json, &length);
  guint n;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "The video's frame index is not JSON: %s", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return (invalid (error, "it is not an object"), NULL);
  root = json_node_get_object (json_parser_get_root (parser));
  if (!read_int (root, "version", 1, G_MAXINT, &version, error))
    return NULL;
  if (version != QUORUM_VIDEO_INDEX_VERSION)
    return (invalid (error, "its version is not one this program reads"), NULL);
  if (!read_int (root, "width", 1, G_MAXINT, &width, error) ||
      !read_int (root, "height", 1, G_MAXINT, &height, error) ||
      !read_int (root, "fps_n", 0, G_MAXINT, &fps_n, error) ||
      !read_int (root, "fps_d", 0, G_MAXINT, &fps_d, error))
    return NULL;
  codec = json_object_get_string_member_with_default (root, "codec", NULL);
  if (codec == NULL)
    return (invalid (error, "it names no codec"), NULL);
  if (!json_object_has_member (root, "pts") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "pts")) ||
      !json_object_has_member (root, "keyframes") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "keyframes")))
    return (invalid (error, "“pts” or “keyframes” is not a list"), NULL);
  times = json_object_get_array_member (root, "pts");
  keys = json_object_get_array_member (root, "keyframes");
  n = json_array_get_length (times);
  pts = g_new (gint64, MAX (n, 1));
  keyframe = g_new0 (guint8, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (times, i);
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        return (invalid (error, "a time is not a whole number"), NULL);
      pts[i] = json_node_get_int (node);
    }
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      gint64 k;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        return (invalid (error, "a keyframe is not a whole number"), NULL);
      k = json_node_get_int (node);
      if (k < 0 || k >= n)
        return (invalid (error, "a keyframe is out of range"), NULL);
      keyframe[k] = 1;
    }
  return _quorum_video_index_new (width, height, fps_n, fps_d, codec, pts, keyframe, n, error);
}

GBytes *
quorum_video_index_to_bytes (const QuorumVideoIndex *index)
{
  GString *out = g_string_sized_new (64 + 12 * index->n_frames);

  g_string_append_printf (out, "{\"version\":%d,\"codec\":", QUORUM_VIDEO_INDEX_VERSION);
  {
    g_autoptr(JsonNode) codec = json_node_init_string (json_node_alloc (), index->codec);
    g_autofree char *text = json_to_string (codec, FALSE);
    g_string_append (out, text);
  }
  g_string_append_printf (out, ",\"width\":%d,\"height\":%d,\"fps_n\":%d,\"fps_d\":%d,"
                          "\"n_frames\":%u,\"pts\":[",
                          index->width, index->height, index->fps_n, index->fps_d,
                          index->n_frames);
  for (guint i = 0; i < index->n_frames; i++)
    g_string_append_printf (out, i ? ",%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, index->pts[i]);
  g_string_append (out, "],\"keyframes\":[");
  for (guint i = 0; i < index->n_keyframes; i++)
    g_string_append_printf (out, i ? ",%u" : "%u", index->keyframes[i]);
  g_string_append (out, "]}\n");
  return g_string_free_to_bytes (out);
}

guint
quorum_video_index_get_n_frames (const QuorumVideoIndex *index)
{
  return index->n_frames;
}

gint64
quorum_video_index_get_pts (const QuorumVideoIndex *index,
                            guint                   frame)
{
  g_return_val_if_fail (frame < index->n_frames, -1);
  return index->pts[frame];
}

gboolean
quorum_video_index_is_keyframe (const QuorumVideoIndex *index,
                                guint                   frame)
{
  g_return_val_if_fail (frame < index->n_frames, FALSE);
  return index->keyframe[frame];
}

guint
quorum_video_index_get_keyframe_before (const QuorumVideoIndex *index,
                                        guint                   frame)
{
  guint lo = 0, hi = index->n_keyframes;

  g_return_val_if_fail (frame < index->n_frames, 0);
  /* The last keyframe <= frame; keyframes[0] is 0. */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (index->keyframes[mid] <= frame)
        lo = mid;
      else
        hi = mid;
    }
  return index->keyframes[lo];
}

void
quorum_video_index_get_size (const QuorumVideoIndex *index,
                             int                    *width,
                             int                    *height)
{
  if (width)
    *width = index->width;
  if (height)
    *height = index->height;
}

void
quorum_video_index_get_rate (const QuorumVideoIndex *index,
                             int                    *fps_n,
                             int                    *fps_d)
{
  if (fps_n)
    *fps_n = index->fps_n;
  if (fps_d)
    *fps_d = index->fps_d;
}

const char *
_quorum_video_index_get_codec (const QuorumVideoIndex *index)
{
  return index->codec;
}

guint
quorum_video_index_frame_at_time (const QuorumVideoIndex *index,
                                  gint64                  pts)
{
  guint lo = 0, hi = index->n_frames;

  if (pts <= index->pts[0])
    return 0;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (index->pts[mid] <= pts)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

gint
quorum_video_index_lookup_pts (const QuorumVideoIndex *index,
                               gint64                  pts)
{
  guint frame = quorum_video_index_frame_at_time (index, pts);

  return index->pts[frame] == pts ? (gint) frame : -1;
}

gint64
quorum_video_index_get_duration (const QuorumVideoIndex *index)
{
  gint64 last = (gint64) ((double) index->fps_d * G_GINT64_CONSTANT (1000000000) / index->fps_n);

  return index->pts[index->n_frames - 1] - index->pts[0] + last;
}

QuorumVideoIndex *
_quorum_video_index_copy (const QuorumVideoIndex *index)
{
  return _quorum_video_index_new (index->width, index->height, index->fps_n, index->fps_d,
                                  index->codec, index->pts, index->keyframe, index->n_frames,
                                  NULL);
}

void
quorum_video_index_free (QuorumVideoIndex *index)
{
  if (index == NULL)
    return;
  g_free (index->codec);
  g_free (index->pts);
  g_free (index->keyframe);
  g_free (index->keyframes);
  g_free (index);
}
