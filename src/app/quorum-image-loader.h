/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-cache.h"
#include "quorum-client.h"
#include "quorum-tiled-image.h"

G_BEGIN_DECLS

/* A big image's preview fits in this many pixels a side. */
#define QUORUM_IMAGE_LOADER_PREVIEW_SIZE 2048
/* The most pixels an image may have to be decoded whole: four times the
 * server's default upload limit; a header that says more is refused before
 * anything is allocated for it. */
#define QUORUM_IMAGE_LOADER_MAX_PIXELS ((gint64) 400 * 1000 * 1000)

#define QUORUM_TYPE_IMAGE_LOADER (quorum_image_loader_get_type ())

G_DECLARE_FINAL_TYPE (QuorumImageLoader, quorum_image_loader, QUORUM, IMAGE_LOADER, GObject)

/*
 * One file's image, from the media cache or downloaded into it first: the
 * one way the app loads a task's, an exam's or a guide's image.
 *
 * quorum_image_loader_load_async() downloads the file when the cache lacks
 * it (#QuorumImageLoader:progress says how far), then decodes a preview at
 * most QUORUM_IMAGE_LOADER_PREVIEW_SIZE a side in a worker thread
 * (#QuorumImageLoader:preview is set, with the image's full #width and
 * #height), then the full resolution (#QuorumImageLoader:image, or
 * #QuorumImageLoader:tiles for an image too big for one texture), and
 * completes. An image no bigger than a preview is complete at once.
 */
/* Errors are sentences a user can read as they are ("The image could not
 * be downloaded: …", "The image cannot be shown: …"). */
QuorumImageLoader *quorum_image_loader_new           (QuorumCache        *cache,
                                                      QuorumClient       *client,
                                                      gint64              file_id);
gint64             quorum_image_loader_get_file      (QuorumImageLoader  *self);
/* The part downloaded, 0 to 1, or -1 when not downloading. */
double             quorum_image_loader_get_progress  (QuorumImageLoader  *self);
/* When the download started (g_get_monotonic_time), or 0. */
gint64             quorum_image_loader_get_download_start (QuorumImageLoader *self);
int                quorum_image_loader_get_width     (QuorumImageLoader  *self);
int                quorum_image_loader_get_height    (QuorumImageLoader  *self);
GdkTexture        *quorum_image_loader_get_preview   (QuorumImageLoader  *self);
GdkTexture        *quorum_image_loader_get_image     (QuorumImageLoader  *self);
QuorumTiledImage  *quorum_image_loader_get_tiles     (QuorumImageLoader  *self);
GdkTexture        *quorum_image_loader_get_thumbnail (QuorumImageLoader  *self);
/* The best picture there is: full resolution, else the preview. */
GdkTexture        *quorum_image_loader_get_best      (QuorumImageLoader  *self);

void               quorum_image_loader_preload       (const char         *path,
                                                      const char         *cache_path);
void               quorum_image_loader_load_async    (QuorumImageLoader  *self,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean           quorum_image_loader_load_finish   (QuorumImageLoader  *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);

/* The image at @path decoded at most @width × @height (JPEG decodes at a
 * reduced scale, never whole), in a worker thread. */
void               quorum_image_loader_load_scaled_async  (const char         *path,
                                                           int                 width,
                                                           int                 height,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
GdkTexture        *quorum_image_loader_load_scaled_finish (GAsyncResult       *result,
                                                           GError            **error);

G_END_DECLS
