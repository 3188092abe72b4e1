/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include "quorum-frame-scale.h"

typedef struct {
  GBytes *pixels;
  gsize   stride;
} FramePixels;

static GQuark
frame_pixels_quark (void)
{
  return g_quark_from_static_string ("quorum-frame-pixels");
}

static void
frame_pixels_free (gpointer data)
{
  FramePixels *frame_pixels = data;

  g_bytes_unref (frame_pixels->pixels);
  g_free (frame_pixels);
}

GdkTexture *
quorum_frame_texture_new (int     width,
                          int     height,
                          GBytes *pixels,
                          gsize   stride)
{
  GdkTexture *texture;
  FramePixels *frame_pixels;

  g_return_val_if_fail (pixels != NULL && g_bytes_get_size (pixels) >= stride * height, NULL);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, pixels, stride);
  frame_pixels = g_new (FramePixels, 1);
  frame_pixels->pixels = g_bytes_ref (pixels);
  frame_pixels->stride = stride;
  g_object_set_qdata_full (G_OBJECT (texture), frame_pixels_quark (), frame_pixels, frame_pixels_free);
  return texture;
}

/* @source painted over a new @width × @height surface. Bilinear sampling at
 * exactly one half falls between two pixels each way: a 2 × 2 mean. */
static cairo_surface_t *
scaled (cairo_surface_t *source,
        int              width,
        int              height)
{
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (target);

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_scale (cr, (double) width / cairo_image_surface_get_width (source),
               (double) height / cairo_image_surface_get_height (source));
  cairo_set_source_surface (cr, source, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  /* The edge pixels repeat outwards rather than fading into nothing. */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (target);
  return target;
}

GdkTexture *
quorum_frame_scale (GdkTexture *frame,
                    int         width,
                    int         height)
{
  int frame_width, frame_height;
  FramePixels *frame_pixels;
  cairo_surface_t *surface;
  GBytes *bytes;
  GdkTexture *copy;

  g_return_val_if_fail (GDK_IS_TEXTURE (frame), NULL);
  frame_width = gdk_texture_get_width (frame);
  frame_height = gdk_texture_get_height (frame);
  g_return_val_if_fail (width > 0 && height > 0 && width <= frame_width && height <= frame_height, NULL);
  if (width == frame_width && height == frame_height)
    return g_object_ref (frame);

  /* CAIRO_FORMAT_ARGB32 is GDK_MEMORY_DEFAULT: premultiplied, native order.
   * The frame's own pixels are only read. */
  frame_pixels = g_object_get_qdata (G_OBJECT (frame), frame_pixels_quark ());
  if (frame_pixels != NULL && frame_pixels->stride % 4 == 0)
    surface = cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (frame_pixels->pixels, NULL),
                                                   CAIRO_FORMAT_ARGB32, frame_width, frame_height,
                                                   (int) frame_pixels->stride);
  else
    {
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, frame_width, frame_height);
      gdk_texture_download (frame, cairo_image_surface_get_data (surface),
                            cairo_image_surface_get_stride (surface));
      cairo_surface_mark_dirty (surface);
    }
  while (cairo_image_surface_get_width (surface) > 2 * width || cairo_image_surface_get_height (surface) > 2 * height)
    {
      int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
      cairo_surface_t *half = scaled (surface, w > 2 * width ? w / 2 : w, h > 2 * height ? h / 2 : h);

      cairo_surface_destroy (surface);
      surface = half;
    }
  if (cairo_image_surface_get_width (surface) != width || cairo_image_surface_get_height (surface) != height)
    {
      cairo_surface_t *last = scaled (surface, width, height);

      cairo_surface_destroy (surface);
      surface = last;
    }
  /* The texture keeps the surface's pixels as they are, without a copy. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * height,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  copy = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                 cairo_image_surface_get_stride (surface));
  g_bytes_unref (bytes);
  return copy;
}
