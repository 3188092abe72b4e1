/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * QuorumBlobs: where the media live, by their content's SHA-256, shared by
 * every server of a database (docs/deploy.md). An implementation answers
 * the calls of QuorumBlobsOps; quorum_blobs_new_folder is a folder (a local
 * disk, or NFS that all servers mount). What another one must keep:
 *
 * - adopt is the only write, of a file written whole to a temp_path first,
 *   and is safe when several servers adopt the same content at once (the
 *   content is the same, so the last one wins harmlessly); it returns once
 *   the blob is durable.
 * - path names a local file the decoders read (gdk-pixbuf, GStreamer): a
 *   store whose blobs are elsewhere (S3-compatible) keeps a read-through
 *   cache there and fetches on a miss.
 * - derived_path names what the server makes from a blob (a video's proxy
 *   and frame index), written by the server that prepares it, and read by
 *   all.
 */
typedef struct _QuorumBlobs QuorumBlobs;

typedef struct {
  char     *(*path)         (QuorumBlobs  *blobs,
                             const char   *sha256);
  char     *(*temp_path)    (QuorumBlobs  *blobs);
  gboolean  (*adopt)        (QuorumBlobs  *blobs,
                             const char   *temp_path,
                             const char   *sha256,
                             GError      **error);
  char     *(*derived_path) (QuorumBlobs  *blobs,
                             const char   *sha256,
                             const char   *suffix);
  void      (*free)         (QuorumBlobs  *blobs);
} QuorumBlobsOps;

struct _QuorumBlobs
{
  const QuorumBlobsOps *ops;
};

/* DATA_DIR/blobs/ab/abcdef…, and DATA_DIR/proxies/ab/abcdef…SUFFIX for
 * what is derived; the folders are made if missing. */
QuorumBlobs *quorum_blobs_new_folder (const char   *data_dir,
                                      GError      **error);

static inline void
quorum_blobs_free (QuorumBlobs *blobs)
{
  if (blobs != NULL)
    blobs->ops->free (blobs);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumBlobs, quorum_blobs_free)

G_END_DECLS
