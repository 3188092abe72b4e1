/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

/* The media in a folder: blobs/ab/abcdef… and proxies/ab/abcdef…SUFFIX. */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "quorum-blobs.h"
#include "quorum-error.h"

typedef struct {
  QuorumBlobs parent;
  char       *data_dir;
  char       *blob_dir;
} FolderBlobs;

static char *
folder_path (QuorumBlobs *blobs,
             const char  *sha256)
{
  FolderBlobs *self = (FolderBlobs *) blobs;
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (self->blob_dir, prefix, sha256, NULL);
}

/* Beside the blobs, so that the final rename stays on one file system. */
static char *
folder_temp_path (QuorumBlobs *blobs)
{
  FolderBlobs *self = (FolderBlobs *) blobs;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("upload-%s", uuid);

  return g_build_filename (self->blob_dir, name, NULL);
}

static gboolean
fsync_path (const char  *path,
            int          flags,
            GError     **error)
{
  int fd = g_open (path, flags, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot sync: %s", path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Moves @temp_path into place (fsynced, then renamed); an existing blob with
 * the same content is kept and @temp_path removed. Two servers adopting the
 * same content at once each rename a whole file of it over the other's. */
static gboolean
folder_adopt (QuorumBlobs  *blobs,
              const char   *temp_path,
              const char   *sha256,
              GError      **error)
{
  FolderBlobs *self = (FolderBlobs *) blobs;
  g_autofree char *path = folder_path (blobs, sha256);
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean new_dir;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_unlink (temp_path);
      return TRUE;
    }
  new_dir = !g_file_test (dir, G_FILE_TEST_IS_DIR);
  if (g_mkdir_with_parents (dir, 0700) != 0 || !fsync_path (temp_path, O_RDONLY, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  if (g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: cannot store: %s", path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  /* The rename is durable only once its directory is, and a new directory
   * only once the one that holds it is: else a power cut may take the
   * folder, and the blob in it, away from under the file's row. */
  return fsync_path (dir, O_RDONLY | O_DIRECTORY, error) &&
         (!new_dir || fsync_path (self->blob_dir, O_RDONLY | O_DIRECTORY, error));
}

static char *
folder_derived_path (QuorumBlobs *blobs,
                     const char  *sha256,
                     const char  *suffix)
{
  FolderBlobs *self = (FolderBlobs *) blobs;
  char prefix[3] = { sha256[0], sha256[1], '\0' };
  g_autofree char *name = g_strconcat (sha256, suffix, NULL);

  return g_build_filename (self->data_dir, "proxies", prefix, name, NULL);
}

static void
folder_free (QuorumBlobs *blobs)
{
  FolderBlobs *self = (FolderBlobs *) blobs;

  g_free (self->data_dir);
  g_free (self->blob_dir);
  g_free (self);
}

static const QuorumBlobsOps folder_ops = {
  .path = folder_path,
  .temp_path = folder_temp_path,
  .adopt = folder_adopt,
  .derived_path = folder_derived_path,
  .free = folder_free,
};

QuorumBlobs *
quorum_blobs_new_folder (const char  *data_dir,
                         GError     **error)
{
  FolderBlobs *self = g_new0 (FolderBlobs, 1);

  self->parent.ops = &folder_ops;
  self->data_dir = g_strdup (data_dir);
  self->blob_dir = g_build_filename (data_dir, "blobs", NULL);
  if (g_mkdir_with_parents (self->blob_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "%s: cannot create the data directory: %s", data_dir, g_strerror (saved_errno));
      folder_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}
