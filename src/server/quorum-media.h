/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-store.h"

G_BEGIN_DECLS

/* Reads the file at @path as an image (gdk-pixbuf) or a video (GStreamer)
 * and fills width, height, frames, fps and media_type of @info (media_type
 * is a static string). Fails with QUORUM_ERROR_INVALID when neither can read
 * it. Slow: call it from a worker thread. */
gboolean quorum_media_probe (const char       *path,
                             const char       *name,
                             QuorumMediaInfo  *info,
                             GError          **error);

G_END_DECLS
