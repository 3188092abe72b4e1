/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <math.h>

#include "quorum-error.h"
#include "quorum-media.h"

#define PROBE_TIMEOUT (30 * GST_SECOND)

static gboolean
probe_image (const char      *path,
             QuorumMediaInfo *info)
{
  int width = 0, height = 0;
  GdkPixbufFormat *format = gdk_pixbuf_get_file_info (path, &width, &height);
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) types = NULL;

  if (format == NULL || width <= 0 || height <= 0)
    return FALSE;
  /* The header alone can lie: decode the whole image, small. */
  thumbnail = gdk_pixbuf_new_from_file_at_scale (path, 64, 64, TRUE, &error);
  if (thumbnail == NULL)
    return FALSE;
  types = gdk_pixbuf_format_get_mime_types (format);
  info->media_type = g_intern_string (types != NULL && types[0] != NULL ? types[0] : "image");
  info->width = width;
  info->height = height;
  info->frames = 1;
  info->fps = 0;
  return TRUE;
}

static gboolean
probe_video (const char      *path,
             QuorumMediaInfo *info)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) result = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  GList *streams;
  GstDiscovererVideoInfo *video;
  GstClockTime duration;
  double fps;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  discoverer = gst_discoverer_new (PROBE_TIMEOUT, NULL);
  if (discoverer == NULL || uri == NULL)
    return FALSE;
  result = gst_discoverer_discover_uri (discoverer, uri, NULL);
  if (result == NULL || gst_discoverer_info_get_result (result) != GST_DISCOVERER_OK)
    return FALSE;
  streams = gst_discoverer_info_get_video_streams (result);
  if (streams == NULL)
    return FALSE;
  video = streams->data;
  if (gst_discoverer_video_info_is_image (video) ||
      gst_discoverer_video_info_get_framerate_denom (video) == 0 ||
      gst_discoverer_video_info_get_framerate_num (video) == 0)
    {
      gst_discoverer_stream_info_list_free (streams);
      return FALSE;
    }
  fps = (double) gst_discoverer_video_info_get_framerate_num (video) /
        gst_discoverer_video_info_get_framerate_denom (video);
  duration = gst_discoverer_info_get_duration (result);
  info->media_type = g_intern_string ("video");
  info->width = gst_discoverer_video_info_get_width (video);
  info->height = gst_discoverer_video_info_get_height (video);
  info->fps = fps;
  info->frames = MAX (1, (gint64) llround ((double) duration / GST_SECOND * fps));
  gst_discoverer_stream_info_list_free (streams);
  return info->width > 0 && info->height > 0;
}

gboolean
quorum_media_probe (const char       *path,
                    const char       *name,
                    QuorumMediaInfo  *info,
                    GError          **error)
{
  if (probe_image (path, info) || probe_video (path, info))
    return TRUE;
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
               "body: “%s” is neither an image nor a video Quorum can read", name);
  return FALSE;
}
