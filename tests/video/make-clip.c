/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "video-clip.h"

/* make-clip vp9|h264|vfr PATH WIDTH HEIGHT FRAMES: a clip whose frames
 * show their own number, for tests in other languages. Exit status 77 when
 * GStreamer here cannot make that kind. */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  ClipKind kind;

  if (argc != 6)
    {
      fprintf (stderr, "usage: make-clip vp9|h264|vfr PATH WIDTH HEIGHT FRAMES\n");
      return 2;
    }
  if (g_str_equal (argv[1], "vp9"))
    kind = CLIP_VP9_WEBM;
  else if (g_str_equal (argv[1], "h264"))
    kind = CLIP_H264_MP4;
  else if (g_str_equal (argv[1], "vfr"))
    kind = CLIP_VFR_MKV;
  else
    {
      fprintf (stderr, "make-clip: no clip kind “%s”\n", argv[1]);
      return 2;
    }
  if (!clip_can_make (kind))
    return 77;
  if (!clip_make (kind, argv[2], atoi (argv[3]), atoi (argv[4]), 30, (guint) atoi (argv[5]), NULL,
                  &error))
    {
      fprintf (stderr, "make-clip: %s\n", error->message);
      return 1;
    }
  return 0;
}
