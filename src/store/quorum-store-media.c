/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "quorum-error.h"
#include "quorum-store-private.h"

#define FILE_COLUMNS "id, project_id AS project, sha256, name, media_type, size, width, height, " \
                     "frames, fps, existing_json IS NOT NULL AS has_existing, created"

char *
quorum_store_blob_path (QuorumStore *store,
                        const char  *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (store->blob_dir, prefix, sha256, NULL);
}

char *
quorum_store_blob_temp_path (QuorumStore *store)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("upload-%s", uuid);

  return g_build_filename (store->blob_dir, name, NULL);
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

gboolean
quorum_store_adopt_blob (QuorumStore  *store,
                         const char   *temp_path,
                         const char   *sha256,
                         GError      **error)
{
  g_autofree char *path = quorum_store_blob_path (store, sha256);
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_unlink (temp_path);
      return TRUE;
    }
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
  /* The rename is durable only once its directory is. */
  return fsync_path (dir, O_RDONLY | O_DIRECTORY, error);
}

gint64
quorum_store_add_file (QuorumStore           *store,
                       gint64                 project_id,
                       const char            *name,
                       const QuorumMediaInfo *info,
                       gboolean              *existed,
                       GError               **error)
{
  g_autoptr(JsonObject) same = _quorum_store_row (store, "", NULL,
                                                  "SELECT id FROM files WHERE project_id = ? AND sha256 = ?",
                                                  "is", project_id, info->sha256);

  *existed = same != NULL;
  if (same != NULL)
    return json_object_get_int_member (same, "id");
  return _quorum_store_write (store, NULL, error,
                              "INSERT INTO files (project_id, sha256, name, media_type, size, width, "
                              "height, frames, fps, created) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%s', 'now'))",
                              "isssiiiid", project_id, info->sha256, name, info->media_type,
                              info->size, info->width, info->height, info->frames, info->fps);
}

static JsonObject *
file_object (JsonObject *row)
{
  if (row != NULL)
    {
      json_object_set_boolean_member (row, "has_existing",
                                      json_object_get_int_member (row, "has_existing") != 0);
    }
  return row;
}

JsonObject *
quorum_store_get_file (QuorumStore  *store,
                       gint64        file_id,
                       GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no file %" G_GINT64_FORMAT, file_id);

  return file_object (_quorum_store_row (store, what, error,
                                         "SELECT " FILE_COLUMNS ", existing_json FROM files WHERE id = ?",
                                         "i", file_id));
}

JsonNode *
quorum_store_list_files (QuorumStore  *store,
                         gint64        project_id,
                         GError      **error)
{
  JsonNode *rows = _quorum_store_rows (store, error,
                                       "SELECT " FILE_COLUMNS " FROM files WHERE project_id = ? ORDER BY id",
                                       "i", project_id);

  if (rows != NULL)
    for (guint i = 0; i < json_array_get_length (json_node_get_array (rows)); i++)
      file_object (json_array_get_object_element (json_node_get_array (rows), i));
  return rows;
}

gboolean
quorum_store_set_existing (QuorumStore  *store,
                           gint64        file_id,
                           const char   *instances_json,
                           GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "UPDATE files SET existing_json = ? WHERE id = ?",
                              "si", instances_json, file_id) >= 0;
}

gint64
quorum_store_save_guide (QuorumStore  *store,
                         gint64        project_id,
                         gint64        guide_id,
                         const char   *name,
                         const char   *markdown,
                         GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("name: the project already has a guide “%s”", name);

  if (guide_id <= 0)
    return _quorum_store_write (store, conflict, error,
                                "INSERT INTO guides (project_id, name, markdown, updated) "
                                "VALUES (?, ?, ?, strftime('%s', 'now'))",
                                "iss", project_id, name, markdown);
  if (_quorum_store_write (store, conflict, error,
                           "UPDATE guides SET name = ?, markdown = ?, updated = strftime('%s', 'now') "
                           "WHERE id = ?", "ssi", name, markdown, guide_id) < 0)
    return -1;
  return guide_id;
}

JsonObject *
quorum_store_get_guide (QuorumStore  *store,
                        gint64        guide_id,
                        GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no guide %" G_GINT64_FORMAT, guide_id);

  return _quorum_store_row (store, what, error,
                            "SELECT id, project_id AS project, name, markdown, updated FROM guides "
                            "WHERE id = ?", "i", guide_id);
}

JsonNode *
quorum_store_list_guides (QuorumStore  *store,
                          gint64        project_id,
                          GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT id, project_id AS project, name, updated FROM guides "
                             "WHERE project_id = ? ORDER BY name", "i", project_id);
}
