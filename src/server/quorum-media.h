/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-store.h"

G_BEGIN_DECLS

/* The default of --max-image-pixels: 100 megapixels takes the photos of
 * 50- and 61-megapixel cameras and keeps the cost of checking one bounded. */
#define QUORUM_MEDIA_DEFAULT_MAX_PIXELS ((gint64) 100 * 1000 * 1000)
/* No side longer than JPEG and GIF can express: it bounds the row buffers
 * whatever the pixel limit. */
#define QUORUM_MEDIA_MAX_SIDE 65535

/* “png”, “jpeg”, “gif”, “webp” or “bmp” when @data starts with that
 * format's signature, else NULL. Looks at the first 12 bytes at most. */
const char *quorum_media_image_format (const guint8 *data,
                                       gsize         length);

/* Reads the size of a PNG, JPEG, GIF, WebP or BMP image from its header
 * alone, without decoding a pixel, and names its format as
 * quorum_media_image_format() does (free it). Pure: no I/O, no allocation
 * but @format's. Fails with QUORUM_ERROR_INVALID on anything else, a header
 * cut short or malformed, or a width or height of 0. */
gboolean    quorum_media_probe_image (const guint8  *data,
                                      gsize          length,
                                      int           *width,
                                      int           *height,
                                      char         **format,
                                      GError       **error);

/* Reads the file at @path as an image or a video and fills width, height,
 * frames, fps and media_type of @info (media_type is a static string).
 * An image's size comes from its header and is checked against
 * @max_pixels and QUORUM_MEDIA_MAX_SIDE (QUORUM_ERROR_TOO_LARGE) before
 * any decoding; then the whole image is checked in bounded memory, never
 * at full size (QUORUM_ERROR_INVALID when truncated or corrupt). A video
 * goes to GStreamer. QUORUM_ERROR_INVALID when neither can read it. Slow:
 * call it from a worker thread. */
gboolean    quorum_media_probe (const char       *path,
                                const char       *name,
                                gint64            max_pixels,
                                QuorumMediaInfo  *info,
                                GError          **error);

G_END_DECLS
