/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-media.h"

/*
 * An image is judged by its header before anything is decoded: a few bytes
 * can claim 50,000 × 50,000 pixels, which a decoder would allocate at once.
 * Once the size is within the limits the whole file is checked in bounded
 * memory: PNG row by row through libpng, GIF and BMP by walking their
 * blocks and runs, JPEG by walking its markers to the end and decoding it
 * scaled by 1/8 in libjpeg. Nothing holds the image at its full size.
 */

#define PROBE_TIMEOUT (30 * GST_SECOND)
/* The size a JPEG or WebP is decoded to when checked: libjpeg then scales by
 * 1/8 in its IDCT. Also the size of the thumbnail that once checked images. */
#define CHECK_SIZE 64
/* A progressive JPEG (or one whose colours come in separate scans) is
 * decoded through a buffer of all its DCT coefficients, 2 bytes a sample,
 * whatever the output size: past this many bytes it is refused. 160 MB
 * takes a 50-megapixel progressive photo with 4:2:0 colour. */
#define JPEG_BUFFER_BUDGET ((gint64) 160 * 1000 * 1000)
#define READ_SIZE 65536

/* ---- headers ------------------------------------------------------------ */

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint
be16 (const guint8 *p)
{
  return (guint) p[0] << 8 | p[1];
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static guint32
le24 (const guint8 *p)
{
  return (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static guint
le16 (const guint8 *p)
{
  return (guint) p[1] << 8 | p[0];
}

static gboolean G_GNUC_PRINTF (2, 3)
malformed (GError    **error,
           const char *format,
           ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, message);
  return FALSE;
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  return crc ^ 0xffffffff;
}

const char *
quorum_media_image_format (const guint8 *data,
                           gsize         length)
{
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "jpeg";
  if (length >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "gif";
  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  if (length >= 2 && data[0] == 'B' && data[1] == 'M')
    return "bmp";
  return NULL;
}

static gboolean
read_png_header (const guint8  *data,
                 gsize          length,
                 guint32       *width,
                 guint32       *height,
                 GError       **error)
{
  guint depth, color;
  gboolean depth_fits;

  if (length < 33)
    return malformed (error, "PNG: the header is cut short");
  if (be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return malformed (error, "PNG: the first chunk is not a 13-byte IHDR");
  if (crc32_of (data + 12, 17) != be32 (data + 29))
    return malformed (error, "PNG: the checksum of the IHDR chunk is wrong");
  *width = be32 (data + 16);
  *height = be32 (data + 20);
  if (*width > G_MAXINT32 || *height > G_MAXINT32)
    return malformed (error, "PNG: a width or height over 2³¹ − 1");
  depth = data[24];
  color = data[25];
  switch (color)
    {
    case 0: depth_fits = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
    case 3: depth_fits = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
    case 2: case 4: case 6: depth_fits = depth == 8 || depth == 16; break;
    default:
      return malformed (error, "PNG: unknown colour type %u", color);
    }
  if (!depth_fits)
    return malformed (error, "PNG: bit depth %u does not go with colour type %u", depth, color);
  if (data[26] != 0 || data[27] != 0 || data[28] > 1)
    return malformed (error, "PNG: unknown compression, filter or interlace method");
  return TRUE;
}

/* A start-of-frame marker: every SOFn but DHT (C4), JPG (C8) and DAC (CC). */
static gboolean
jpeg_is_frame (guint marker)
{
  return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

/* The frame header's fields, checked; @segment starts after the length. */
static gboolean
read_jpeg_frame (guint          marker,
                 const guint8  *segment,
                 gsize          size,
                 guint32       *width,
                 guint32       *height,
                 GError       **error)
{
  guint components;

  /* Baseline, extended and progressive, Huffman or arithmetic coded: what
   * libjpeg decodes. Lossless and hierarchical it does not. */
  if (marker != 0xc0 && marker != 0xc1 && marker != 0xc2 && marker != 0xc9 && marker != 0xca)
    return malformed (error, "JPEG: lossless or hierarchical JPEG (SOF%u) is not supported", marker - 0xc0);
  if (size < 6)
    return malformed (error, "JPEG: the frame header is cut short");
  if (segment[0] != 8)
    return malformed (error, "JPEG: %u-bit samples are not supported, only 8-bit", segment[0]);
  *height = be16 (segment + 1);
  *width = be16 (segment + 3);
  components = segment[5];
  if (*height == 0)
    return malformed (error, "JPEG: a height of 0 (one given later by a DNL marker is not supported)");
  if (components == 0 || components > 4 || size < 6 + 3 * (gsize) components)
    return malformed (error, "JPEG: the frame header has a bad component count");
  for (guint i = 0; i < components; i++)
    {
      guint sampling = segment[6 + 3 * i + 1];

      if ((sampling >> 4) < 1 || (sampling >> 4) > 4 || (sampling & 15) < 1 || (sampling & 15) > 4)
        return malformed (error, "JPEG: component %u has a bad sampling factor", i + 1);
    }
  return TRUE;
}

static gboolean
read_jpeg_header (const guint8  *data,
                  gsize          length,
                  guint32       *width,
                  guint32       *height,
                  GError       **error)
{
  gsize at = 2;

  for (;;)
    {
      guint marker, size;

      /* Fill bytes (0xFF) may pad before any marker. */
      if (at >= length || data[at] != 0xff)
        return at >= length ? malformed (error, "JPEG: the header is cut short before the frame size")
                            : malformed (error, "JPEG: no marker at byte %" G_GSIZE_FORMAT, at);
      while (at < length && data[at] == 0xff)
        at++;
      if (at >= length)
        return malformed (error, "JPEG: the header is cut short before the frame size");
      marker = data[at++];
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        continue;
      if (marker == 0x00 || marker == 0xd8 || marker == 0xd9 || marker == 0xda || marker == 0xdc)
        return malformed (error, "JPEG: marker 0x%02X before the frame header", marker);
      if (at + 2 > length)
        return malformed (error, "JPEG: the header is cut short before the frame size");
      size = be16 (data + at);
      if (size < 2)
        return malformed (error, "JPEG: a segment of length %u at byte %" G_GSIZE_FORMAT, size, at);
      if (jpeg_is_frame (marker))
        {
          if (at + size > length)
            return malformed (error, "JPEG: the frame header is cut short");
          return read_jpeg_frame (marker, data + at + 2, size - 2, width, height, error);
        }
      at += size;
    }
}

static gboolean
read_gif_header (const guint8  *data,
                 gsize          length,
                 guint32       *width,
                 guint32       *height,
                 GError       **error)
{
  if (length < 13)
    return malformed (error, "GIF: the header is cut short");
  *width = le16 (data + 6);
  *height = le16 (data + 8);
  return TRUE;
}

static gboolean
read_webp_header (const guint8  *data,
                  gsize          length,
                  guint32       *width,
                  guint32       *height,
                  GError       **error)
{
  if (length < 30)
    return malformed (error, "WebP: the header is cut short");
  if (memcmp (data + 12, "VP8X", 4) == 0)
    {
      *width = 1 + le24 (data + 24);
      *height = 1 + le24 (data + 27);
    }
  else if (memcmp (data + 12, "VP8L", 4) == 0)
    {
      guint32 bits = le32 (data + 21);

      if (data[20] != 0x2f)
        return malformed (error, "WebP: the lossless signature is wrong");
      *width = 1 + (bits & 0x3fff);
      *height = 1 + ((bits >> 14) & 0x3fff);
    }
  else if (memcmp (data + 12, "VP8 ", 4) == 0)
    {
      if (data[23] != 0x9d || data[24] != 0x01 || data[25] != 0x2a)
        return malformed (error, "WebP: the VP8 start code is wrong");
      *width = le16 (data + 26) & 0x3fff;
      *height = le16 (data + 28) & 0x3fff;
    }
  else
    return malformed (error, "WebP: the first chunk is neither VP8, VP8L nor VP8X");
  return TRUE;
}

static gboolean
read_bmp_header (const guint8  *data,
                 gsize          length,
                 guint32       *width,
                 guint32       *height,
                 GError       **error)
{
  guint32 header_size, compression;
  guint bits;
  gint32 signed_height;

  if (length < 18)
    return malformed (error, "BMP: the header is cut short");
  header_size = le32 (data + 14);
  if (header_size == 12)
    {
      if (length < 26)
        return malformed (error, "BMP: the header is cut short");
      *width = le16 (data + 18);
      *height = le16 (data + 20);
      bits = le16 (data + 24);
      compression = 0;
    }
  else if (header_size == 40 || header_size == 52 || header_size == 56 || header_size == 108 ||
           header_size == 124)
    {
      gint32 signed_width;

      if (length < 34)
        return malformed (error, "BMP: the header is cut short");
      signed_width = (gint32) le32 (data + 18);
      signed_height = (gint32) le32 (data + 22);
      if (signed_width < 0 || signed_height == G_MININT32)
        return malformed (error, "BMP: a negative width or height");
      *width = (guint32) signed_width;
      *height = (guint32) ABS (signed_height);
      bits = le16 (data + 28);
      compression = le32 (data + 30);
      if (signed_height < 0 && (compression == 1 || compression == 2))
        return malformed (error, "BMP: run-length coded rows cannot go top-down");
    }
  else
    return malformed (error, "BMP: unknown header size %u", header_size);
  if (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32)
    return malformed (error, "BMP: %u bits a pixel is not supported", bits);
  if (!(compression == 0 || (compression == 1 && bits == 8) || (compression == 2 && bits == 4) ||
        (compression == 3 && (bits == 16 || bits == 32))))
    return malformed (error, "BMP: compression %u with %u bits a pixel is not supported", compression, bits);
  return TRUE;
}

gboolean
quorum_media_probe_image (const guint8  *data,
                          gsize          length,
                          int           *width,
                          int           *height,
                          char         **format,
                          GError       **error)
{
  const char *kind = quorum_media_image_format (data, length);
  guint32 w = 0, h = 0;
  gboolean read;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (kind == NULL)
    return malformed (error, "not a PNG, JPEG, GIF, WebP or BMP image");
  if (g_str_equal (kind, "png"))
    read = read_png_header (data, length, &w, &h, error);
  else if (g_str_equal (kind, "jpeg"))
    read = read_jpeg_header (data, length, &w, &h, error);
  else if (g_str_equal (kind, "gif"))
    read = read_gif_header (data, length, &w, &h, error);
  else if (g_str_equal (kind, "webp"))
    read = read_webp_header (data, length, &w, &h, error);
  else
    read = read_bmp_header (data, length, &w, &h, error);
  if (!read)
    return FALSE;
  if (w == 0 || h == 0)
    return malformed (error, "%s: the header gives a width or height of 0", kind);
  if (width != NULL)
    *width = (int) w;
  if (height != NULL)
    *height = (int) h;
  if (format != NULL)
    *format = g_strdup (kind);
  return TRUE;
}

/* ---- checking the whole file -------------------------------------------- */

/* A buffered reader: the checks walk files of any size in READ_SIZE bytes. */
typedef struct {
  GInputStream *stream;
  GError       *error;      /* of reading, not of the image */
  gint64        offset;     /* of the next byte */
  gsize         at, end;
  guint8        buffer[READ_SIZE];
} Reader;

static void
reader_free (Reader *reader)
{
  g_clear_object (&reader->stream);
  g_clear_error (&reader->error);
  g_free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reader, reader_free)

static Reader *
reader_open (const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, error);
  Reader *reader;

  if (stream == NULL)
    return NULL;
  reader = g_new0 (Reader, 1);
  reader->stream = G_INPUT_STREAM (g_steal_pointer (&stream));
  return reader;
}

static gboolean
reader_fill (Reader *reader)
{
  gssize got;

  if (reader->at < reader->end)
    return TRUE;
  if (reader->error != NULL)
    return FALSE;
  got = g_input_stream_read (reader->stream, reader->buffer, sizeof reader->buffer, NULL, &reader->error);
  if (got <= 0)
    return FALSE;
  reader->at = 0;
  reader->end = (gsize) got;
  return TRUE;
}

/* Copies the next @length bytes to @data, or skips them when @data is NULL;
 * FALSE when the file ends first. */
static gboolean
reader_take (Reader *reader,
             guint8 *data,
             gsize   length)
{
  while (length > 0)
    {
      gsize part;

      if (!reader_fill (reader))
        return FALSE;
      part = MIN (length, reader->end - reader->at);
      if (data != NULL)
        {
          memcpy (data, reader->buffer + reader->at, part);
          data += part;
        }
      reader->at += part;
      reader->offset += part;
      length -= part;
    }
  return TRUE;
}

static gboolean
reader_byte (Reader *reader,
             guint  *byte)
{
  if (!reader_fill (reader))
    return FALSE;
  *byte = reader->buffer[reader->at++];
  reader->offset++;
  return TRUE;
}

static gboolean G_GNUC_PRINTF (3, 4)
corrupt (Reader     *reader,
         GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *detail = NULL;

  if (reader != NULL && reader->error != NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "cannot read the upload: %s",
                   reader->error->message);
      return FALSE;
    }
  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "the image is truncated or corrupt (%s)", detail);
  return FALSE;
}

typedef struct {
  Reader *reader;
  char    message[200];
} PngCheck;

static void
png_check_error (png_structp     png,
                 png_const_charp message)
{
  PngCheck *check = png_get_error_ptr (png);

  g_strlcpy (check->message, message, sizeof check->message);
  png_longjmp (png, 1);
}

static void
png_check_warning (png_structp     png,
                   png_const_charp message)
{
}

static void
png_check_read (png_structp png,
                png_bytep   data,
                size_t      length)
{
  PngCheck *check = png_get_io_ptr (png);

  if (!reader_take (check->reader, data, length))
    png_error (png, "the file ends early");
}

/* Every row decoded into one row's buffer, then the chunks after the image
 * up to IEND: libpng checks the checksums, the filters and the zlib stream. */
static gboolean
check_png (Reader  *reader,
           GError **error)
{
  PngCheck check = { reader, "" };
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &check, png_check_error,
                                            png_check_warning);
  png_infop info = png != NULL ? png_create_info_struct (png) : NULL;
  guint8 *volatile row = NULL;
  volatile gboolean checked = FALSE;

  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "cannot start libpng");
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)) == 0)
    {
      png_uint_32 height;
      int passes;

      png_set_read_fn (png, &check, png_check_read);
      png_set_user_limits (png, QUORUM_MEDIA_MAX_SIDE, QUORUM_MEDIA_MAX_SIDE);
      png_read_info (png, info);
      passes = png_set_interlace_handling (png);
      png_read_update_info (png, info);
      row = g_malloc (png_get_rowbytes (png, info));
      height = png_get_image_height (png, info);
      for (int pass = 0; pass < passes; pass++)
        for (png_uint_32 y = 0; y < height; y++)
          png_read_row (png, row, NULL);
      png_read_end (png, NULL);
      checked = TRUE;
    }
  g_free (row);
  png_destroy_read_struct (&png, &info, NULL);
  return checked || corrupt (reader, error, "PNG: %s", check.message);
}

/* The markers to the end of the image, EOI, which libjpeg does not insist
 * on; and what decoding it would cost. */
static gboolean
check_jpeg_markers (Reader  *reader,
                    gint64  *buffer_bytes,
                    GError **error)
{
  guint8 segment[65535];
  guint32 width = 0, height = 0;
  guint components = 0;
  gboolean progressive = FALSE, scanned = FALSE, separate_scans = FALSE;

  if (!reader_take (reader, NULL, 2))
    return corrupt (reader, error, "JPEG: the file ends early");
  for (;;)
    {
      guint byte, marker, size;

      /* Inside a scan, and (leniently, like libjpeg) between segments,
       * anything but a marker is skipped. */
      do
        if (!reader_byte (reader, &byte))
          return corrupt (reader, error, "JPEG: the file ends before its end marker");
      while (byte != 0xff);
      do
        if (!reader_byte (reader, &marker))
          return corrupt (reader, error, "JPEG: the file ends before its end marker");
      while (marker == 0xff);
      if (marker == 0x00 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        continue;
      if (marker == 0xd9)
        {
          if (!scanned)
            return corrupt (reader, error, "JPEG: the end marker comes before any image data");
          break;
        }
      if (marker == 0xd8)
        return corrupt (reader, error, "JPEG: a second start marker at byte %" G_GINT64_FORMAT,
                        reader->offset - 2);
      if (!reader_take (reader, segment, 2))
        return corrupt (reader, error, "JPEG: the file ends before its end marker");
      size = be16 (segment);
      if (size < 2)
        return corrupt (reader, error, "JPEG: a segment of length %u", size);
      if (!reader_take (reader, segment, size - 2))
        return corrupt (reader, error, "JPEG: the file ends inside a segment");
      if (jpeg_is_frame (marker))
        {
          g_autoptr(GError) local = NULL;
          gint64 bytes = 0;
          guint max_h = 1, max_v = 1;

          if (components != 0)
            return corrupt (reader, error, "JPEG: a second frame header");
          if (!read_jpeg_frame (marker, segment, size - 2, &width, &height, &local))
            return corrupt (reader, error, "%s", local->message);
          progressive = marker == 0xc2 || marker == 0xca;
          components = segment[5];
          for (guint i = 0; i < components; i++)
            {
              max_h = MAX (max_h, segment[7 + 3 * i] >> 4);
              max_v = MAX (max_v, segment[7 + 3 * i] & 15);
            }
          for (guint i = 0; i < components; i++)
            {
              guint h = segment[7 + 3 * i] >> 4, v = segment[7 + 3 * i] & 15;

              bytes += (gint64) (ceil ((double) width * h / max_h / 8) + h) *
                       (gint64) (ceil ((double) height * v / max_v / 8) + v) * 128;
            }
          *buffer_bytes = bytes;
        }
      else if (marker == 0xda)
        {
          if (components == 0)
            return corrupt (reader, error, "JPEG: image data before the frame header");
          if (size < 3)
            return corrupt (reader, error, "JPEG: a scan header is cut short");
          if (!scanned && segment[0] < components)
            separate_scans = TRUE;
          scanned = TRUE;
        }
    }
  if (!progressive && !separate_scans)
    *buffer_bytes = 0;
  return TRUE;
}

static void
check_size_prepared (GdkPixbufLoader *loader,
                     int              width,
                     int              height,
                     gpointer         user_data)
{
  double scale = MIN (1.0, MIN ((double) CHECK_SIZE / width, (double) CHECK_SIZE / height));

  gdk_pixbuf_loader_set_size (loader, MAX (1, (int) (width * scale)), MAX (1, (int) (height * scale)));
}

/* Decodes the image at CHECK_SIZE: the loader is told the size as soon as
 * it knows the image's, before it allocates anything. */
static gboolean
check_decoding (Reader      *reader,
                const char  *type,
                GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local = NULL;
  gboolean fed = TRUE;

  loader = gdk_pixbuf_loader_new_with_type (type, &local);
  if (loader == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "this server cannot decode %s images (no gdk-pixbuf loader for them)", type);
      return FALSE;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (check_size_prepared), NULL);
  while (fed && reader_fill (reader))
    {
      fed = gdk_pixbuf_loader_write (loader, reader->buffer + reader->at, reader->end - reader->at, &local);
      reader->offset += reader->end - reader->at;
      reader->at = reader->end;
    }
  if (!gdk_pixbuf_loader_close (loader, fed ? &local : NULL) || !fed)
    return corrupt (reader, error, "%s", local != NULL ? local->message : "the decoder refused it");
  if (reader->error != NULL)
    return corrupt (reader, error, "unreadable");
  return TRUE;
}

static gboolean
rewind_reader (Reader  *reader,
               GError **error)
{
  reader->at = reader->end = 0;
  reader->offset = 0;
  return g_seekable_seek (G_SEEKABLE (reader->stream), 0, G_SEEK_SET, NULL, error);
}

static gboolean
check_jpeg (Reader   *reader,
            guint32   width,
            guint32   height,
            GError  **error)
{
  gint64 buffer_bytes = 0;

  if (!check_jpeg_markers (reader, &buffer_bytes, error))
    return FALSE;
  if (buffer_bytes > JPEG_BUFFER_BUDGET)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                   "a progressive or multi-scan JPEG of %u × %u pixels takes %" G_GINT64_FORMAT
                   " MB to decode, over this server's %" G_GINT64_FORMAT " MB for such JPEGs; "
                   "send it as a baseline JPEG or smaller",
                   width, height, buffer_bytes / 1000000, JPEG_BUFFER_BUDGET / 1000000);
      return FALSE;
    }
  return rewind_reader (reader, error) && check_decoding (reader, "jpeg", error);
}

/* The LZW codes of one frame, for validity only: nothing is decoded. */
static gboolean
check_gif_frame_data (Reader   *reader,
                      guint     frame,
                      GError  **error)
{
  guint minimum, size, clear, next, width;
  guint32 bits = 0;
  guint count = 0;
  gboolean started = FALSE, ended = FALSE;
  guint8 block[255];

  if (!reader_byte (reader, &minimum))
    return corrupt (reader, error, "GIF: the file ends inside frame %u", frame);
  if (minimum < 1 || minimum > 11)
    return corrupt (reader, error, "GIF: frame %u has an LZW code size of %u", frame, minimum);
  clear = 1u << minimum;
  width = minimum + 1;
  next = clear + 2;
  for (;;)
    {
      if (!reader_byte (reader, &size))
        return corrupt (reader, error, "GIF: the file ends inside frame %u", frame);
      if (size == 0)
        return TRUE;
      if (!reader_take (reader, block, size))
        return corrupt (reader, error, "GIF: the file ends inside frame %u", frame);
      for (guint i = 0; i < size && !ended; i++)
        {
          bits |= (guint32) block[i] << count;
          count += 8;
          while (count >= width && !ended)
            {
              guint code = bits & ((1u << width) - 1);

              bits >>= width;
              count -= width;
              if (code == clear)
                {
                  width = minimum + 1;
                  next = clear + 2;
                  started = FALSE;
                  continue;
                }
              if (code == clear + 1)
                {
                  ended = TRUE;   /* what follows to the block end is padding */
                  continue;
                }
              if (!started ? code > clear : code > next)
                return corrupt (reader, error, "GIF: frame %u has an invalid LZW code", frame);
              if (started && next < 4096)
                {
                  next++;
                  if (next == (1u << width) && width < 12)
                    width++;
                }
              started = TRUE;
            }
        }
    }
}

static gboolean
check_gif (Reader   *reader,
           gint64    max_pixels,
           GError  **error)
{
  guint8 header[13], descriptor[9];
  guint frames = 0;

  if (!reader_take (reader, header, sizeof header))
    return corrupt (reader, error, "GIF: the file ends early");
  if ((header[10] & 0x80) && !reader_take (reader, NULL, 3u << ((header[10] & 7) + 1)))
    return corrupt (reader, error, "GIF: the file ends inside the colour table");
  for (;;)
    {
      guint kind, label, size;

      if (!reader_byte (reader, &kind))
        return corrupt (reader, error, "GIF: the file ends before its trailer");
      if (kind == 0x3b)
        return frames > 0 || corrupt (reader, error, "GIF: no image in the file");
      if (kind == 0x21)
        {
          if (!reader_byte (reader, &label))
            return corrupt (reader, error, "GIF: the file ends inside an extension");
          do
            if (!reader_byte (reader, &size) || !reader_take (reader, NULL, size))
              return corrupt (reader, error, "GIF: the file ends inside an extension");
          while (size != 0);
        }
      else if (kind == 0x2c)
        {
          if (!reader_take (reader, descriptor, sizeof descriptor))
            return corrupt (reader, error, "GIF: the file ends inside frame %u", frames + 1);
          /* Decoders allocate a frame at its own size, not the screen's. */
          if ((gint64) le16 (descriptor + 4) * le16 (descriptor + 6) > max_pixels)
            {
              g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                           "GIF frame %u is %u × %u pixels, over this server's limit of %" G_GINT64_FORMAT
                           " pixels (--max-image-pixels)", frames + 1, le16 (descriptor + 4),
                           le16 (descriptor + 6), max_pixels);
              return FALSE;
            }
          if ((descriptor[8] & 0x80) && !reader_take (reader, NULL, 3u << ((descriptor[8] & 7) + 1)))
            return corrupt (reader, error, "GIF: the file ends inside frame %u", frames + 1);
          if (!check_gif_frame_data (reader, ++frames, error))
            return FALSE;
        }
      else
        return corrupt (reader, error, "GIF: an unknown block 0x%02X at byte %" G_GINT64_FORMAT,
                        kind, reader->offset - 1);
    }
}

static gboolean
check_bmp (Reader   *reader,
           gint64    file_size,
           guint32   width,
           guint32   height,
           GError  **error)
{
  guint8 header[34];
  guint32 data_at, compression;
  guint bits;
  gint64 x = 0, y = 0;

  if (!reader_take (reader, header, 26))
    return corrupt (reader, error, "BMP: the file ends early");
  data_at = le32 (header + 10);
  if (le32 (header + 14) == 12)
    {
      bits = le16 (header + 24);
      compression = 0;
    }
  else
    {
      if (!reader_take (reader, header + 26, 8))
        return corrupt (reader, error, "BMP: the file ends early");
      bits = le16 (header + 28);
      compression = le32 (header + 30);
    }
  if (data_at < 14 + le32 (header + 14) || data_at >= file_size)
    return corrupt (reader, error, "BMP: the pixels start at byte %u, outside the file", data_at);
  if (compression == 0 || compression == 3)
    {
      gint64 stride = (((gint64) width * bits + 31) / 32) * 4;

      if (data_at + stride * height > file_size)
        return corrupt (reader, error, "BMP: %u rows need %" G_GINT64_FORMAT " bytes, the file has %"
                        G_GINT64_FORMAT, height, stride * height, file_size - data_at);
      return TRUE;
    }
  /* Run-length coded: walk the runs to the end-of-bitmap code. */
  if (!reader_take (reader, NULL, data_at - reader->offset))
    return corrupt (reader, error, "BMP: the file ends early");
  for (;;)
    {
      guint count, value;

      if (!reader_byte (reader, &count) || !reader_byte (reader, &value))
        return corrupt (reader, error, "BMP: the file ends before the end of the bitmap");
      if (count > 0)
        x += count;
      else if (value == 0)
        {
          x = 0;
          y++;
        }
      else if (value == 1)
        return TRUE;
      else if (value == 2)
        {
          guint dx, dy;

          if (!reader_byte (reader, &dx) || !reader_byte (reader, &dy))
            return corrupt (reader, error, "BMP: the file ends before the end of the bitmap");
          x += dx;
          y += dy;
        }
      else
        {
          guint bytes = compression == 1 ? value : (value + 1) / 2;

          if (!reader_take (reader, NULL, bytes + (bytes & 1)))
            return corrupt (reader, error, "BMP: the file ends before the end of the bitmap");
          x += value;
        }
      if (y > height || (y == height && x > 0))
        return corrupt (reader, error, "BMP: the runs go past the last row");
    }
}

static gboolean
check_image (const char  *path,
             const char  *format,
             gint64       file_size,
             guint32      width,
             guint32      height,
             gint64       max_pixels,
             GError     **error)
{
  g_autoptr(Reader) reader = reader_open (path, error);

  if (reader == NULL)
    return FALSE;
  if (g_str_equal (format, "png"))
    return check_png (reader, error);
  if (g_str_equal (format, "jpeg"))
    return check_jpeg (reader, width, height, error);
  if (g_str_equal (format, "gif"))
    return check_gif (reader, max_pixels, error);
  if (g_str_equal (format, "bmp"))
    return check_bmp (reader, file_size, width, height, error);
  return check_decoding (reader, format, error);
}

/* ---- probing a file ----------------------------------------------------- */

static gboolean
probe_image (const char       *path,
             const char       *name,
             const guint8     *data,
             gsize             length,
             gint64            max_pixels,
             QuorumMediaInfo  *info,
             GError          **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *format = NULL;
  int width = 0, height = 0;

  if (!quorum_media_probe_image (data, length, &width, &height, &format, &local))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "body: “%s” is not a readable image: %s",
                   name, local->message);
      return FALSE;
    }
  if (width > QUORUM_MEDIA_MAX_SIDE || height > QUORUM_MEDIA_MAX_SIDE)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                   "body: “%s” is %d × %d pixels; this server takes images up to %d pixels a side",
                   name, width, height, QUORUM_MEDIA_MAX_SIDE);
      return FALSE;
    }
  if ((gint64) width * height > max_pixels)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                   "body: “%s” is %d × %d pixels (%.1f megapixels), over this server's limit of "
                   "%.1f megapixels (--max-image-pixels)",
                   name, width, height, (double) width * height / 1e6, (double) max_pixels / 1e6);
      return FALSE;
    }
  if (!check_image (path, format, (gint64) length, width, height, max_pixels, &local))
    {
      g_set_error (error, QUORUM_ERROR, local->domain == QUORUM_ERROR ? local->code : QUORUM_ERROR_FAILED,
                   "body: “%s”: %s", name, local->message);
      return FALSE;
    }
  info->media_type = g_intern_string (g_str_equal (format, "jpeg") ? "image/jpeg"
                                      : g_str_equal (format, "png") ? "image/png"
                                      : g_str_equal (format, "gif") ? "image/gif"
                                      : g_str_equal (format, "webp") ? "image/webp"
                                      : "image/bmp");
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
  if (gst_discoverer_video_info_is_image (video))
    {
      gst_discoverer_stream_info_list_free (streams);
      return FALSE;
    }
  /* A variable rate (0/1) is a video too. Frames and rate are estimates
   * until the video is prepared: then they are its frame index's. */
  fps = gst_discoverer_video_info_get_framerate_denom (video) == 0 ? 0 :
        (double) gst_discoverer_video_info_get_framerate_num (video) /
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
                    gint64            max_pixels,
                    QuorumMediaInfo  *info,
                    GError          **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autofree char *type = NULL;
  g_autofree char *mime = NULL;
  const guint8 *data;
  gsize length;

  if (mapped == NULL)
    return FALSE;
  /* Mapped, not read: the header reader touches the pages it looks at. */
  data = (const guint8 *) g_mapped_file_get_contents (mapped);
  length = g_mapped_file_get_length (mapped);
  if (quorum_media_image_format (data, length) != NULL)
    return probe_image (path, name, data, length, max_pixels, info, error);
  /* Other image formats would reach a decoder through GStreamer at their
   * full size, or not be checked at all: they are refused. */
  type = g_content_type_guess (NULL, data, MIN (length, 4096), NULL);
  mime = g_content_type_get_mime_type (type);
  if (mime != NULL && g_str_has_prefix (mime, "image/"))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "body: “%s” is an image of type %s; this server takes PNG, JPEG, GIF, WebP and BMP "
                   "images", name, mime);
      return FALSE;
    }
  if (probe_video (path, info))
    {
      if (info->width * info->height > max_pixels)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                       "body: “%s” has frames of %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT " pixels, "
                       "over this server's limit of %.1f megapixels (--max-image-pixels)",
                       name, info->width, info->height, (double) max_pixels / 1e6);
          return FALSE;
        }
      return TRUE;
    }
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
               "body: “%s” is neither an image nor a video Quorum can read", name);
  return FALSE;
}
