/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Image headers as an upload brings them: quorum_media_probe_image()
 * (src/server/quorum-media.c) reads the size and format from the first
 * bytes of a PNG, JPEG, GIF, WebP or BMP file. Not built yet: see the
 * comment in tests/fuzz/meson.build. */

#include "config.h"

#include "quorum-error.h"
#include "quorum-media.h"

#include "fuzz-common.h"

static const char *const formats[] = { "png", "jpeg", "gif", "webp", "bmp", NULL };

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *format = NULL;
  int width = -1, height = -1;
  gboolean ok = quorum_media_probe_image (data, size, &width, &height, &format, &error);

  if (ok)
    {
      FUZZ_CHECK (error == NULL, "success with an error: %s", error->message);
      FUZZ_CHECK (width > 0 && height > 0, "a %d×%d image", width, height);
      FUZZ_CHECK (format != NULL && *format != '\0', "an image without a format");
      FUZZ_CHECK (g_strv_contains (formats, format), "an unknown format “%s”", format);
    }
  else
    {
      FUZZ_CHECK (error != NULL && error->message != NULL && *error->message != '\0',
                  "a failure without a message");
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL), "a message that is not UTF-8");
    }
  return 0;
}
