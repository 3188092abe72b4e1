/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

#include <glib/gstdio.h>

#include "quorum-error.h"
#include "quorum-guide.h"
#include "quorum-store-private.h"

#define FILE_COLUMNS "id, project_id AS project, sha256, name, media_type, size, width, height, " \
                     "frames, fps, existing_json IS NOT NULL AS has_existing, created, " \
                     "video_state, video_progress, video_error"

char *
quorum_store_blob_path (QuorumStore *store,
                        const char  *sha256)
{
  return store->blobs->ops->path (store->blobs, sha256);
}

char *
quorum_store_proxy_path (QuorumStore *store,
                         const char  *sha256)
{
  return store->blobs->ops->derived_path (store->blobs, sha256, ".webm");
}

char *
quorum_store_frames_path (QuorumStore *store,
                          const char  *sha256)
{
  return store->blobs->ops->derived_path (store->blobs, sha256, ".frames.json");
}

GStrv
quorum_store_videos_to_prepare (QuorumStore  *store,
                                GError      **error)
{
  g_autoptr(JsonNode) rows = _quorum_store_rows (store, error,
                                                 "SELECT sha256 FROM files WHERE video_state = 'preparing' "
                                                 "GROUP BY sha256 ORDER BY MIN (id)", NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (rows == NULL)
    return NULL;
  array = json_node_get_array (rows);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_strv_builder_add (builder,
                        json_object_get_string_member (json_array_get_object_element (array, i), "sha256"));
  return g_strv_builder_end (builder);
}

gboolean
quorum_store_set_video_progress (QuorumStore  *store,
                                 const char   *sha256,
                                 double        progress,
                                 GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "UPDATE files SET video_progress = ? "
                              "WHERE sha256 = ? AND video_state = 'preparing'",
                              "ds", CLAMP (progress, 0, 1), sha256) >= 0;
}

gboolean
quorum_store_set_video_ready (QuorumStore  *store,
                              const char   *sha256,
                              gint64        frames,
                              double        fps,
                              GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "UPDATE files SET video_state = 'ready', video_progress = 1, "
                              "video_error = NULL, frames = ?, fps = ? "
                              "WHERE sha256 = ? AND media_type = 'video'",
                              "ids", frames, fps, sha256) >= 0;
}

gboolean
quorum_store_set_video_failed (QuorumStore  *store,
                               const char   *sha256,
                               const char   *why,
                               GError      **error)
{
  return _quorum_store_write (store, NULL, error,
                              "UPDATE files SET video_state = 'failed', video_error = ? "
                              "WHERE sha256 = ? AND media_type = 'video'",
                              "ss", why, sha256) >= 0;
}

char *
quorum_store_blob_temp_path (QuorumStore *store)
{
  return store->blobs->ops->temp_path (store->blobs);
}

gboolean
quorum_store_adopt_blob (QuorumStore  *store,
                         const char   *temp_path,
                         const char   *sha256,
                         GError      **error)
{
  return store->blobs->ops->adopt (store->blobs, temp_path, sha256, error);
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
                              "height, frames, fps, video_state, created) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%s', 'now'))",
                              "isssiiiids", project_id, info->sha256, name, info->media_type,
                              info->size, info->width, info->height, info->frames, info->fps,
                              g_strcmp0 (info->media_type, "video") == 0 ? "preparing" : NULL);
}

static JsonObject *
file_object (JsonObject *row)
{
  if (row != NULL)
    {
      json_object_set_boolean_member (row, "has_existing",
                                      json_object_get_int_member (row, "has_existing") != 0);
      /* A video's preparation: {"state", "progress", "error"}; none for images. */
      if (!json_object_get_null_member (row, "video_state"))
        {
          JsonObject *video = json_object_new ();

          json_object_set_string_member (video, "state",
                                         json_object_get_string_member (row, "video_state"));
          json_object_set_double_member (video, "progress",
                                         json_object_get_double_member (row, "video_progress"));
          if (json_object_get_null_member (row, "video_error"))
            json_object_set_null_member (video, "error");
          else
            json_object_set_string_member (video, "error",
                                           json_object_get_string_member (row, "video_error"));
          json_object_set_object_member (row, "video", video);
        }
      json_object_remove_member (row, "video_state");
      json_object_remove_member (row, "video_progress");
      json_object_remove_member (row, "video_error");
    }
  return row;
}

JsonObject *
quorum_store_get_file (QuorumStore  *store,
                       gint64        file_id,
                       GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no file %" G_GINT64_FORMAT, file_id);
  JsonObject *file = file_object (_quorum_store_row (store, what, error,
                                                     "SELECT " FILE_COLUMNS ", existing_json FROM files WHERE id = ?",
                                                     "i", file_id));
  JsonObject *video;

  /* A prepared video's download sizes, for a client to say before it
   * fetches them (one file's view only: no stat per row of a list). */
  if (file != NULL && json_object_has_member (file, "video") &&
      g_strcmp0 (json_object_get_string_member ((video = json_object_get_object_member (file, "video")), "state"),
                 "ready") == 0)
    {
      const char *sha256 = json_object_get_string_member (file, "sha256");
      g_autofree char *proxy = quorum_store_proxy_path (store, sha256);
      g_autofree char *frames = quorum_store_frames_path (store, sha256);
      GStatBuf proxy_stat, frames_stat;

      if (g_stat (proxy, &proxy_stat) == 0 && g_stat (frames, &frames_stat) == 0)
        {
          json_object_set_int_member (video, "proxy_size", proxy_stat.st_size);
          json_object_set_int_member (video, "frames_size", frames_stat.st_size);
        }
    }
  return file;
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

/* Replaces what the guide's images name with what @markdown's do. */
static gboolean
record_guide_images (QuorumStore  *store,
                     gint64        guide_id,
                     const char   *markdown,
                     GError      **error)
{
  g_auto(GStrv) names = quorum_guide_image_names (markdown);

  if (!_quorum_store_exec (store, error, "DELETE FROM guide_images WHERE guide_id = ?", "i", guide_id))
    return FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    if (_quorum_store_write (store, NULL, error,
                             "INSERT INTO guide_images (guide_id, name, position) VALUES (?, ?, ?)",
                             "isi", guide_id, names[i], (gint64) i) < 0)
      return FALSE;
  return TRUE;
}

/* A new guide is its version 1; a changed one its next version, kept
 * beside the ones before. A save that changes nothing keeps the version. */
gint64
quorum_store_save_guide (QuorumStore  *store,
                         gint64        project_id,
                         gint64        guide_id,
                         gint64        user_id,
                         gint64        expected_version,
                         const char   *name,
                         const char   *markdown,
                         GError      **error)
{
  g_autofree char *conflict = g_strdup_printf ("name: the project already has a guide “%s”", name);
  g_autofree char *what = g_strdup_printf ("no guide %" G_GINT64_FORMAT, guide_id);
  g_autoptr(JsonObject) current = NULL;
  gint64 id = guide_id;
  gint64 version;

  if (!_quorum_store_begin (store, error))
    return -1;
  if (guide_id <= 0)
    {
      id = _quorum_store_write (store, conflict, error,
                                "INSERT INTO guides (project_id, name, markdown, updated, version, updated_by) "
                                "VALUES (?, ?, ?, strftime('%s', 'now'), 1, NULLIF (?, 0))",
                                "issi", project_id, name, markdown, user_id);
      if (id < 0)
        goto fail;
    }
  else
    {
      if ((current = _quorum_store_row (store, what, error,
                                        "SELECT name, markdown, version FROM guides WHERE id = ?",
                                        "i", guide_id)) == NULL)
        goto fail;
      version = json_object_get_int_member (current, "version");
      if (expected_version > 0 && expected_version != version)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT,
                       "expected_version: the guide is at version %" G_GINT64_FORMAT
                       " (saved since by someone else), not %" G_GINT64_FORMAT, version, expected_version);
          goto fail;
        }
      /* Nothing changed: no new version. */
      if (g_str_equal (json_object_get_string_member (current, "name"), name) &&
          g_str_equal (json_object_get_string_member (current, "markdown"), markdown))
        {
          if (!_quorum_store_commit (store, error))
            goto fail;
          return id;
        }
      if (_quorum_store_write (store, conflict, error,
                               "UPDATE guides SET name = ?, markdown = ?, updated = strftime('%s', 'now'), "
                               "version = version + 1, updated_by = NULLIF (?, 0) WHERE id = ?",
                               "ssii", name, markdown, user_id, guide_id) < 0)
        goto fail;
    }
  if (_quorum_store_write (store, NULL, error,
                           "INSERT INTO guide_versions (guide_id, number, name, markdown, created, author) "
                           "SELECT id, version, name, markdown, updated, updated_by FROM guides WHERE id = ?",
                           "i", id) < 0 ||
      !record_guide_images (store, id, markdown, error) || !_quorum_store_commit (store, error))
    goto fail;
  return id;

fail:
  _quorum_store_rollback (store);
  return -1;
}

gboolean
quorum_store_scan_guide_images (QuorumStore  *store,
                                GError      **error)
{
  g_autoptr(JsonObject) pending = _quorum_store_row (store, "", NULL,
                                                     "SELECT value FROM meta WHERE key = 'guide_images'", NULL);
  g_autoptr(JsonNode) guides = NULL;
  JsonArray *array;

  if (pending == NULL)
    return TRUE;
  if (!_quorum_store_begin (store, error))
    return FALSE;
  if ((guides = _quorum_store_rows (store, error, "SELECT id, markdown FROM guides", NULL)) == NULL)
    goto fail;
  array = json_node_get_array (guides);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *guide = json_array_get_object_element (array, i);

      if (!record_guide_images (store, json_object_get_int_member (guide, "id"),
                                json_object_get_string_member (guide, "markdown"), error))
        goto fail;
    }
  if (!_quorum_store_exec (store, error, "DELETE FROM meta WHERE key = 'guide_images'", NULL) ||
      !_quorum_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  _quorum_store_rollback (store);
  return FALSE;
}

/* The file a name of a guide's images stands for: the newest of its
 * project's files by that name. */
#define NEWEST_FILE_NAMED(project, name) \
  "(SELECT newest.id FROM files newest WHERE newest.project_id = " project " AND newest.name = " name " " \
  "ORDER BY newest.created DESC, newest.id DESC LIMIT 1)"

JsonObject *
quorum_store_guide_image_files (QuorumStore  *store,
                                gint64        guide_id,
                                GError      **error)
{
  g_autoptr(JsonNode) rows = _quorum_store_rows (store, error,
                                                 "SELECT guide_images.name, "
                                                 NEWEST_FILE_NAMED ("guides.project_id", "guide_images.name")
                                                 " AS file FROM guide_images "
                                                 "JOIN guides ON guides.id = guide_images.guide_id "
                                                 "WHERE guide_images.guide_id = ? ORDER BY guide_images.position",
                                                 "i", guide_id);
  JsonObject *images;
  JsonArray *array;

  if (rows == NULL)
    return NULL;
  images = json_object_new ();
  array = json_node_get_array (rows);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);

      if (!json_object_get_null_member (row, "file"))
        json_object_set_int_member (images, json_object_get_string_member (row, "name"),
                                    json_object_get_int_member (row, "file"));
    }
  return images;
}

JsonNode *
quorum_store_user_jobs_showing_file (QuorumStore  *store,
                                     gint64        user_id,
                                     gint64        file_id,
                                     GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT DISTINCT jobs.id AS job FROM files "
                             "JOIN guide_images ON guide_images.name = files.name "
                             "JOIN guides ON guides.id = guide_images.guide_id AND guides.project_id = files.project_id "
                             "JOIN jobs ON jobs.project_id = guides.project_id "
                             "  AND guides.id IN (CAST (json_extract (jobs.settings_json, '$.draw_guide') AS INTEGER), "
                             "                    CAST (json_extract (jobs.settings_json, '$.review_guide') AS INTEGER)) "
                             "WHERE files.id = ? "
                             "AND files.id = " NEWEST_FILE_NAMED ("files.project_id", "files.name") " "
                             "AND EXISTS (SELECT 1 FROM tasks WHERE tasks.job_id = jobs.id AND tasks.assignee = ?)",
                             "ii", file_id, user_id);
}

JsonObject *
quorum_store_get_guide (QuorumStore  *store,
                        gint64        guide_id,
                        GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no guide %" G_GINT64_FORMAT, guide_id);

  return _quorum_store_row (store, what, error,
                            "SELECT guides.id, guides.project_id AS project, guides.name, guides.markdown, "
                            "guides.updated, guides.updated AS updated_at, guides.version, guides.updated_by, "
                            "users.name AS updated_by_name FROM guides "
                            "LEFT JOIN users ON users.id = guides.updated_by "
                            "WHERE guides.id = ?", "i", guide_id);
}

JsonNode *
quorum_store_list_guides (QuorumStore  *store,
                          gint64        project_id,
                          GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT id, project_id AS project, name, updated, version FROM guides "
                             "WHERE project_id = ? ORDER BY name", "i", project_id);
}

JsonNode *
quorum_store_list_guide_versions (QuorumStore  *store,
                                  gint64        guide_id,
                                  GError      **error)
{
  return _quorum_store_rows (store, error,
                             "SELECT guide_versions.number, guide_versions.name, guide_versions.created, "
                             "guide_versions.author, users.name AS author_name FROM guide_versions "
                             "LEFT JOIN users ON users.id = guide_versions.author "
                             "WHERE guide_versions.guide_id = ? ORDER BY guide_versions.number DESC",
                             "i", guide_id);
}

JsonObject *
quorum_store_get_guide_version (QuorumStore  *store,
                                gint64        guide_id,
                                gint64        number,
                                GError      **error)
{
  g_autofree char *what = g_strdup_printf ("no version %" G_GINT64_FORMAT " of guide %" G_GINT64_FORMAT,
                                           number, guide_id);

  return _quorum_store_row (store, what, error,
                            "SELECT guide_versions.guide_id AS guide, guide_versions.number, guide_versions.name, "
                            "guide_versions.markdown, guide_versions.created, guide_versions.author, "
                            "users.name AS author_name FROM guide_versions "
                            "LEFT JOIN users ON users.id = guide_versions.author "
                            "WHERE guide_versions.guide_id = ? AND guide_versions.number = ?",
                            "ii", guide_id, number);
}
