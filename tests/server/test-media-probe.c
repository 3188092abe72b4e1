/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <string.h>

#include "quorum-error.h"
#include "quorum-media.h"

/* quorum_media_probe_image on headers made here byte by byte: the sizes of
 * good ones, a clear error for each malformed one, and no read past the
 * end for any cut of them (run under valgrind or ASan to see that). */

static guint32
crc (const guint8 *data,
     gsize         length)
{
  guint32 value = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      value ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        value = (value >> 1) ^ (0xedb88320 & -(value & 1));
    }
  return value ^ 0xffffffff;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* Signature and IHDR: 33 bytes. */
static GByteArray *
png_header (guint32 width,
            guint32 height,
            guint8  depth,
            guint8  color)
{
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[25] = { 0, 0, 0, 13, 'I', 'H', 'D', 'R' };

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  put_be32 (ihdr + 8, width);
  put_be32 (ihdr + 12, height);
  ihdr[16] = depth;
  ihdr[17] = color;
  put_be32 (ihdr + 21, crc (ihdr + 4, 17));
  g_byte_array_append (png, ihdr, sizeof ihdr);
  return png;
}

static void
expect_size (const guint8 *data,
             gsize         length,
             int           width,
             int           height,
             const char   *format)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL;
  int w = -1, h = -1;

  g_assert_true (quorum_media_probe_image (data, length, &w, &h, &kind, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, width);
  g_assert_cmpint (h, ==, height);
  g_assert_cmpstr (kind, ==, format);
}

static void
expect_error (const guint8 *data,
              gsize         length,
              const char   *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL;
  int w = -1, h = -1;

  g_assert_false (quorum_media_probe_image (data, length, &w, &h, &kind, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("expected “%s” in “%s”", fragment, error->message);
  g_assert_null (kind);
  g_assert_cmpint (w, ==, -1);
}

/* Every cut of a good header fails cleanly. */
static void
expect_cuts_fail (const guint8 *data,
                  gsize         length)
{
  for (gsize cut = 0; cut < length; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, cut);   /* exact size, for ASan */

      g_assert_false (quorum_media_probe_image (copy, cut, NULL, NULL, NULL, NULL));
    }
}

static void
test_png (void)
{
  g_autoptr(GByteArray) good = png_header (50000, 50000, 8, 2);
  g_autoptr(GByteArray) zero = png_header (0, 10, 8, 2);
  g_autoptr(GByteArray) huge = png_header (0x80000000, 1, 8, 2);
  g_autoptr(GByteArray) depth = png_header (10, 10, 3, 2);
  g_autoptr(GByteArray) color = png_header (10, 10, 8, 5);
  g_autoptr(GByteArray) checksum = png_header (10, 10, 8, 2);

  expect_size (good->data, good->len, 50000, 50000, "png");
  expect_cuts_fail (good->data, good->len);
  expect_error (good->data, 20, "PNG: the header is cut short");
  expect_error (zero->data, zero->len, "width or height of 0");
  expect_error (huge->data, huge->len, "over 2³¹");
  expect_error (depth->data, depth->len, "bit depth 3");
  expect_error (color->data, color->len, "colour type 5");
  checksum->data[20] ^= 1;
  expect_error (checksum->data, checksum->len, "checksum");
  checksum->data[20] ^= 1;
  checksum->data[12] = 'i';
  expect_error (checksum->data, checksum->len, "IHDR");
}

static const guint8 jpeg[] = {
  0xff, 0xd8,
  0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
  0xff, 0xff,   /* fill bytes */
  0xff, 0xc0, 0x00, 0x11, 8, 0x01, 0xe0, 0x02, 0x80, 3,
  1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
};

static void
test_jpeg (void)
{
  guint8 copy[sizeof jpeg];

  expect_size (jpeg, sizeof jpeg, 640, 480, "jpeg");
  expect_cuts_fail (jpeg, sizeof jpeg);
  expect_error (jpeg, 21, "cut short before the frame size");

  memcpy (copy, jpeg, sizeof jpeg);
  copy[23] = 0xc3;   /* lossless */
  expect_error (copy, sizeof copy, "SOF3");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[26] = 12;     /* 12-bit samples */
  expect_error (copy, sizeof copy, "12-bit");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[27] = copy[28] = 0;   /* height 0: given by DNL */
  expect_error (copy, sizeof copy, "DNL");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[31] = 0;      /* no components */
  expect_error (copy, sizeof copy, "component count");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[33] = 0x50;   /* sampling 5 */
  expect_error (copy, sizeof copy, "sampling");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[4] = 0; copy[5] = 1;   /* a segment length of 1 */
  expect_error (copy, sizeof copy, "length 1");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[4] = 0xff; copy[5] = 0xf0;   /* a segment past the end */
  expect_error (copy, sizeof copy, "cut short");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[3] = 0xda;    /* scan data before any frame */
  expect_error (copy, sizeof copy, "before the frame header");
  memcpy (copy, jpeg, sizeof jpeg);
  copy[20] = 0x12;   /* garbage where a marker should be */
  expect_error (copy, sizeof copy, "no marker at byte 20");
}

static void
test_gif (void)
{
  static const guint8 gif[] = { 'G', 'I', 'F', '8', '9', 'a', 0x20, 0x03, 0x58, 0x02, 0x80, 0, 0 };
  static const guint8 zero[] = { 'G', 'I', 'F', '8', '7', 'a', 0, 0, 0x58, 0x02, 0, 0, 0 };

  expect_size (gif, sizeof gif, 800, 600, "gif");
  expect_cuts_fail (gif, sizeof gif);
  expect_error (gif, 10, "GIF: the header is cut short");
  expect_error (zero, sizeof zero, "width or height of 0");
}

static void
test_webp (void)
{
  guint8 lossy[30] = { 'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ',
                       10, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01 };
  guint8 lossless[30] = { 'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L',
                          10, 0, 0, 0, 0x2f };
  guint8 extended[30] = { 'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X',
                          10, 0, 0, 0, 0, 0, 0, 0, 0x3f, 0x42, 0x0f, 0x9f, 0x86, 0x01 };
  guint32 bits = (99 & 0x3fff) | (49u << 14);

  lossless[21] = bits; lossless[22] = bits >> 8; lossless[23] = bits >> 16; lossless[24] = bits >> 24;
  expect_size (lossy, sizeof lossy, 640, 480, "webp");
  expect_size (lossless, sizeof lossless, 100, 50, "webp");
  expect_size (extended, sizeof extended, 1000000, 100000, "webp");
  expect_cuts_fail (lossy, sizeof lossy);
  lossy[23] = 0;
  expect_error (lossy, sizeof lossy, "start code");
  lossless[20] = 0;
  expect_error (lossless, sizeof lossless, "signature");
  extended[15] = 'Y';
  expect_error (extended, sizeof extended, "neither VP8");
}

static void
test_bmp (void)
{
  guint8 bmp[54] = { 'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0,
                     0x20, 0x03, 0, 0, 0x38, 0xff, 0xff, 0xff, 1, 0, 24, 0 };   /* 800 × −200 */
  guint8 core[26] = { 'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0, 12, 0, 0, 0,
                      0x10, 0, 0x08, 0, 1, 0, 8, 0 };
  guint8 copy[54];

  expect_size (bmp, sizeof bmp, 800, 200, "bmp");   /* top-down */
  expect_size (core, sizeof core, 16, 8, "bmp");
  expect_cuts_fail (bmp, 34);
  expect_cuts_fail (core, sizeof core);
  memcpy (copy, bmp, sizeof bmp);
  copy[14] = 41;
  expect_error (copy, sizeof copy, "header size 41");
  memcpy (copy, bmp, sizeof bmp);
  copy[28] = 7;
  expect_error (copy, sizeof copy, "7 bits");
  memcpy (copy, bmp, sizeof bmp);
  copy[22] = 200; copy[23] = copy[24] = copy[25] = 0;   /* bottom-up */
  copy[30] = 1;      /* RLE8 with 24 bits */
  expect_error (copy, sizeof copy, "compression 1");
  memcpy (copy, bmp, sizeof bmp);
  copy[28] = 8;
  copy[30] = 1;      /* RLE8, but top-down */
  expect_error (copy, sizeof copy, "top-down");
  memcpy (copy, bmp, sizeof bmp);
  copy[21] = 0x80;   /* a negative width */
  expect_error (copy, sizeof copy, "negative");
}

static void
test_other (void)
{
  static const guint8 tiff[] = { 'I', 'I', '*', 0, 8, 0, 0, 0 };
  static const guint8 text[] = "this is not an image";

  expect_error (tiff, sizeof tiff, "not a PNG, JPEG, GIF, WebP or BMP image");
  expect_error (text, sizeof text - 1, "not a PNG");
  expect_error (NULL, 0, "not a PNG");
  g_assert_cmpstr (quorum_media_image_format ((const guint8 *) "\x89PNG\r\n\x1a\n", 8), ==, "png");
  g_assert_null (quorum_media_image_format ((const guint8 *) "\x89PNG\r\n\x1a", 7));
}

/* Random bytes behind each signature: never a crash, never a size of 0. */
static void
test_noise (void)
{
  static const char *signatures[] = { "\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "GIF89a", "BM" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint round = 0; round < 20000; round++)
    {
      const char *signature = signatures[round % G_N_ELEMENTS (signatures)];
      gsize length = g_rand_int_range (rand, 0, 80);
      g_autofree guint8 *data = g_malloc (MAX (length, strlen (signature)));
      int width = 0, height = 0;

      memcpy (data, signature, strlen (signature));
      for (gsize i = strlen (signature); i < length; i++)
        data[i] = g_rand_int_range (rand, 0, 4) == 0 ? 0xff : g_rand_int_range (rand, 0, 256);
      length = MAX (length, strlen (signature));
      if (quorum_media_probe_image (data, length, &width, &height, NULL, NULL))
        g_assert_true (width > 0 && height > 0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/probe-image/png", test_png);
  g_test_add_func ("/media/probe-image/jpeg", test_jpeg);
  g_test_add_func ("/media/probe-image/gif", test_gif);
  g_test_add_func ("/media/probe-image/webp", test_webp);
  g_test_add_func ("/media/probe-image/bmp", test_bmp);
  g_test_add_func ("/media/probe-image/other", test_other);
  g_test_add_func ("/media/probe-image/noise", test_noise);
  return g_test_run ();
}
