/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-media.h"
#include "quorum-server-private.h"
#include "quorum-video.h"
#include "quorum-track.h"
#include "quorum-wire.h"

/* A file name's longest, in bytes: what file systems keep. */
#define QUORUM_MAX_FILE_NAME 255

/*
 * Uploads stream to a temporary file beside the blobs as their chunks arrive
 * (the body is never held in memory), hashed on the way; the handler then
 * probes the file in a worker thread and moves it into the content-addressed
 * blob folder.
 */
struct _QuorumUpload
{
  char              *temp_path;
  GOutputStream     *stream;
  GChecksum         *checksum;
  gint64             size;
  gint64             limit;
  gboolean           too_large;
  GError            *error;
};

static void
upload_free (QuorumUpload *upload)
{
  if (upload->stream != NULL)
    g_output_stream_close (upload->stream, NULL, NULL);
  g_clear_object (&upload->stream);
  if (upload->temp_path != NULL)
    g_unlink (upload->temp_path);   /* no-op once the blob was adopted */
  g_free (upload->temp_path);
  g_checksum_free (upload->checksum);
  g_clear_error (&upload->error);
  g_free (upload);
}

static void
upload_got_chunk (SoupServerMessage *msg,
                  GBytes            *chunk,
                  QuorumUpload      *upload)
{
  gsize length = g_bytes_get_size (chunk);

  upload->size += length;
  if (upload->too_large || upload->error != NULL)
    return;
  if (upload->size > upload->limit)
    {
      upload->too_large = TRUE;
      return;
    }
  g_checksum_update (upload->checksum, g_bytes_get_data (chunk, NULL), length);
  g_output_stream_write_all (upload->stream, g_bytes_get_data (chunk, NULL), length, NULL, NULL,
                             &upload->error);
}

/* Called from the early handler, before the body is read. */
void
_quorum_server_begin_upload (QuorumServer      *server,
                             SoupServerMessage *msg)
{
  QuorumUpload *upload = g_new0 (QuorumUpload, 1);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;

  upload->limit = server->max_upload;
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  upload->temp_path = quorum_store_blob_temp_path (server->store);
  file = g_file_new_for_path (upload->temp_path);
  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, &upload->error);
  if (stream != NULL)
    upload->stream = g_object_ref (G_OUTPUT_STREAM (stream));
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_got_chunk), upload);
  g_object_set_data_full (G_OBJECT (msg), "quorum-upload", upload, (GDestroyNotify) upload_free);
}

typedef struct {
  QuorumUpload    *upload;   /* owned by the message */
  char            *name;
  gint64           max_pixels;
  QuorumMediaInfo  info;
  char            *sha256;
} ProbeJob;

static void
probe_job_free (ProbeJob *job)
{
  g_free (job->name);
  g_free (job->sha256);
  g_free (job);
}

static void
probe_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  ProbeJob *job = data;
  GError *error = NULL;

  if (!quorum_media_probe (job->upload->temp_path, job->name, job->max_pixels, &job->info, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* The discoverer reads headers; a video is one only when its frames decode. */
  if (g_strcmp0 (job->info.media_type, "video") == 0 &&
      !quorum_video_check_decodable (job->upload->temp_path, cancellable, &error))
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                               "body: “%s” is a video GStreamer cannot decode here: %s", job->name,
                               error->message);
      g_error_free (error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
probe_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  QuorumRequest *request = user_data;
  ProbeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) file = NULL;
  gboolean existed = FALSE;
  gint64 id;

  job->info.sha256 = job->sha256;
  job->info.size = job->upload->size;
  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      !quorum_store_adopt_blob (request->server->store, job->upload->temp_path, job->sha256, &error) ||
      (id = quorum_store_add_file (request->server->store, request->ids[0], job->name, &job->info,
                                   &existed, &error)) < 0 ||
      (file = quorum_store_get_file (request->server->store, id, &error)) == NULL)
    _quorum_request_reply_error (request, error);
  else
    {
      json_object_remove_member (file, "existing");
      if (json_object_has_member (file, "video"))
        _quorum_server_prepare_video (request->server, job->sha256);
      _quorum_request_reply (request, existed ? SOUP_STATUS_OK : SOUP_STATUS_CREATED,
                             json_node_init_object (json_node_alloc (), file));
    }
  _quorum_request_finish (request);
}

/* Why @name, decoded from the query, is no file name, or NULL when it is
 * one: text a person reads in lists, exports and guides. */
static char *
file_name_problem (const char *name,
                   gsize       length)
{
  const char *end = NULL;

  if (length == 0)
    return g_strdup ("name: give the file's name as ?name=…");
  if (memchr (name, '\0', length) != NULL)
    return g_strdup ("name: must not contain a NUL byte (%00)");
  if (!g_utf8_validate (name, length, &end))
    return g_strdup_printf ("name: must be UTF-8 text; byte %" G_GSIZE_FORMAT " is not",
                            (gsize) (end - name));
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return g_strdup_printf ("name: must not contain control characters (U+%04X)", g_utf8_get_char (p));
  if (length > QUORUM_MAX_FILE_NAME)
    return g_strdup_printf ("name: %" G_GSIZE_FORMAT " bytes is over the limit of %d", length,
                            QUORUM_MAX_FILE_NAME);
  if (strchr (name, '/') != NULL)
    return g_strdup ("name: give the file's name without “/”");
  return NULL;
}

/* The upload's ?name=, decoded whole (%XX, and + for a space as forms send
 * it), or replies 400 naming it and returns NULL. soup_form_decode would
 * cut a name at an encoded NUL and keep the rest silently. */
static char *
read_file_name (QuorumRequest *request)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_auto(GStrv) pairs = g_strsplit (query != NULL ? query : "", "&", -1);
  g_autofree char *raw = NULL;
  g_autofree char *problem = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  const char *data = NULL;

  for (guint i = 0; pairs[i] != NULL; i++)
    if (g_str_has_prefix (pairs[i], "name=") || g_str_equal (pairs[i], "name"))
      {
        if (raw != NULL)
          {
            problem = g_strdup ("name: give it once");
            break;
          }
        raw = g_strdup (pairs[i][4] == '=' ? pairs[i] + 5 : "");
      }
  if (problem == NULL && raw != NULL)
    {
      g_strdelimit (raw, "+", ' ');
      bytes = g_uri_unescape_bytes (raw, -1, NULL, NULL);
      if (bytes == NULL)
        problem = g_strdup ("name: is not valid percent-encoding");
    }
  if (problem == NULL)
    {
      data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;
      problem = file_name_problem (data != NULL ? data : "", data != NULL ? length : 0);
    }
  if (problem != NULL)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", problem);
      return NULL;
    }
  return g_strndup (data, length);
}

void
_quorum_server_upload_file (QuorumRequest *request)
{
  QuorumUpload *upload = g_object_get_data (G_OBJECT (request->msg), "quorum-upload");
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  ProbeJob *job;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_EDITOR, NULL))
    return;
  if (upload == NULL)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                               "the upload was not streamed");
      return;
    }
  if (upload->too_large)
    {
      g_autofree char *message = g_strdup_printf ("body: over the upload limit of %" G_GINT64_FORMAT
                                                  " bytes", upload->limit);
      quorum_http_reply_error (request->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message);
      return;
    }
  if (upload->error != NULL)
    {
      g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "cannot keep the upload: %s",
                   upload->error->message);
      _quorum_request_reply_error (request, error);
      return;
    }
  if ((name = read_file_name (request)) == NULL)
    return;
  if (upload->size == 0)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "body: the file is empty");
      return;
    }
  if (!g_output_stream_close (upload->stream, NULL, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }

  job = g_new0 (ProbeJob, 1);
  job->upload = upload;
  job->name = g_steal_pointer (&name);
  job->max_pixels = request->server->max_image_pixels;
  job->sha256 = g_strdup (g_checksum_get_string (upload->checksum));
  _quorum_request_pause (request);
  task = g_task_new (NULL, NULL, probe_done, request);
  g_task_set_source_tag (task, _quorum_server_upload_file);
  g_task_set_task_data (task, job, (GDestroyNotify) probe_job_free);
  g_task_run_in_thread (task, probe_in_thread);
}

void
_quorum_server_list_files (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_VIEWER, NULL))
    return;
  _quorum_request_reply_result (request, quorum_store_list_files (request->server->store, request->ids[0], &error), &error);
}

/* A file is seen through its project. Annotators read only the files of
 * their own tasks (DESIGN §2), and so do org and market workers, who are not
 * members, while their job's share reaches them; besides, the images their
 * tasks' guides show. Anyone else guessing an id gets 404. */
static JsonObject *
require_file (QuorumRequest *request,
              QuorumRole     needed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) file = quorum_store_get_file (request->server->store, request->ids[0], &error);
  g_autofree char *member_role = NULL;
  QuorumRole role;

  if (file == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  if (!request->caller_admin &&
      (member_role = quorum_store_project_role (request->server->store, json_object_get_int_member (file, "project"),
                                                request->caller_id)) == NULL)
    {
      g_autofree char *message = NULL;

      if (needed <= QUORUM_ROLE_VIEWER &&
          (_quorum_request_works_on_file (request, request->ids[0]) ||
           _quorum_request_reads_guide_image (request, request->ids[0])))
        return g_steal_pointer (&file);
      message = g_strdup_printf ("no file %" G_GINT64_FORMAT, request->ids[0]);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return NULL;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (file, "project"), needed, &role))
    return NULL;
  if (role == QUORUM_ROLE_ANNOTATOR &&
      !quorum_store_has_task_on_file (request->server->store, request->caller_id, request->ids[0]) &&
      (needed > QUORUM_ROLE_VIEWER || !_quorum_request_reads_guide_image (request, request->ids[0])))
    {
      g_autofree char *message = g_strdup_printf ("no file %" G_GINT64_FORMAT, request->ids[0]);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return NULL;
    }
  return g_steal_pointer (&file);
}

/* Whether the caller may read @file's existing instances, the project's
 * ground truth and the gold standard of its exams (DESIGN §2): project
 * members from reviewer up (exam reviewers need it) and server
 * administrators; never a viewer, an annotator or a share worker, and never
 * anyone who takes an exam on the file, whatever their role. */
static gboolean
may_read_gold (QuorumRequest *request,
               JsonObject    *file)
{
  if (quorum_store_takes_exam_on_file (request->server->store, request->caller_id,
                                       json_object_get_int_member (file, "id")))
    return FALSE;
  return _quorum_server_project_role (request->server, json_object_get_int_member (file, "project"),
                                      request->caller_id, request->caller_admin) >= QUORUM_ROLE_REVIEWER;
}

void
_quorum_server_get_file (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_file (request, QUORUM_ROLE_VIEWER);

  if (file == NULL)
    return;
  if (!may_read_gold (request, file))
    json_object_remove_member (file, "existing");
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), file));
}

/* Answers with the file at @path: whole, or the one byte range asked
 * for, with an ETag that names its content. */
static void
serve_file (QuorumRequest *request,
            const char    *path,
            const char    *etag,
            const char    *content_type)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (request->msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (request->msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *if_none_match;
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  gsize length;

  soup_message_headers_replace (response_headers, "ETag", etag);
  soup_message_headers_replace (response_headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (response_headers, "Cache-Control", "private, max-age=31536000, immutable");
  if_none_match = soup_message_headers_get_one (request_headers, "If-None-Match");
  if (if_none_match != NULL && strstr (if_none_match, etag) != NULL)
    {
      soup_server_message_set_status (request->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  mapped = g_mapped_file_new (path, FALSE, &error);
  if (mapped == NULL)
    {
      g_autoptr(GError) missing = g_error_new (QUORUM_ERROR, QUORUM_ERROR_FAILED,
                                               "blob %s: %s", path, error->message);
      _quorum_request_reply_error (request, missing);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  length = g_bytes_get_size (bytes);
  /* libsoup's parser leaves a range starting past the end as it is (only
   * its end is cut to the file's): that one is unsatisfiable. */
  if (soup_message_headers_get_ranges (request_headers, length, &ranges, &n_ranges) && n_ranges == 1 &&
      (ranges[0].start >= (goffset) length || ranges[0].start > ranges[0].end))
    n_ranges = 0;
  if (n_ranges == 1)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (bytes, ranges[0].start,
                                                       ranges[0].end - ranges[0].start + 1);
      soup_message_headers_set_content_range (response_headers, ranges[0].start, ranges[0].end, length);
      soup_message_headers_free_ranges (request_headers, ranges);
      soup_server_message_set_status (request->msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      soup_server_message_set_response (request->msg, content_type,
                                        SOUP_MEMORY_COPY, g_bytes_get_data (part, NULL),
                                        g_bytes_get_size (part));
      return;
    }
  if (ranges != NULL)
    soup_message_headers_free_ranges (request_headers, ranges);
  if (soup_message_headers_get_one (request_headers, "Range") != NULL && n_ranges == 0)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, length);
      soup_message_headers_replace (response_headers, "Content-Range", content_range);
      soup_server_message_set_status (request->msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      return;
    }
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (request->msg), bytes);
  soup_message_headers_set_content_type (response_headers, content_type, NULL);
}

void
_quorum_server_download_file (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_file (request, QUORUM_ROLE_VIEWER);
  g_autofree char *path = NULL;
  g_autofree char *etag = NULL;

  if (file == NULL)
    return;
  path = quorum_store_blob_path (request->server->store, json_object_get_string_member (file, "sha256"));
  etag = g_strdup_printf ("\"%s\"", json_object_get_string_member (file, "sha256"));
  serve_file (request, path, etag, json_object_get_string_member (file, "media_type"));
}

/* The file, when the caller may read it and its video is prepared; else
 * replies why not and returns NULL. */
static JsonObject *
require_prepared_video (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_file (request, QUORUM_ROLE_VIEWER);
  g_autoptr(GError) error = NULL;
  JsonObject *video;
  const char *state;

  if (file == NULL)
    return NULL;
  if (!json_object_has_member (file, "video"))
    {
      g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                   "file %" G_GINT64_FORMAT " is an image: it has no video proxy", request->ids[0]);
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  video = json_object_get_object_member (file, "video");
  state = json_object_get_string_member (video, "state");
  if (g_str_equal (state, "failed"))
    g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                 "file %" G_GINT64_FORMAT ": the video's preparation failed: %s", request->ids[0],
                 json_object_get_string_member_with_default (video, "error", "no reason given"));
  else if (!g_str_equal (state, "ready"))
    g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                 "file %" G_GINT64_FORMAT ": the video is being prepared (%.0f%%); try again later",
                 request->ids[0], 100 * json_object_get_double_member (video, "progress"));
  if (error != NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  return g_steal_pointer (&file);
}

void
_quorum_server_get_proxy (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_prepared_video (request);
  g_autofree char *path = NULL;
  g_autofree char *etag = NULL;
  const char *sha256;

  if (file == NULL)
    return;
  sha256 = json_object_get_string_member (file, "sha256");
  path = quorum_store_proxy_path (request->server->store, sha256);
  etag = g_strdup_printf ("\"proxy-%s\"", sha256);
  serve_file (request, path, etag, "video/webm");
}

void
_quorum_server_get_frames (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_prepared_video (request);
  g_autofree char *path = NULL;
  g_autofree char *etag = NULL;
  const char *sha256;

  if (file == NULL)
    return;
  sha256 = json_object_get_string_member (file, "sha256");
  path = quorum_store_frames_path (request->server->store, sha256);
  etag = g_strdup_printf ("\"frames-%s\"", sha256);
  serve_file (request, path, etag, "application/json");
}

/* ---- video preparation ------------------------------------------------- */

/*
 * After an upload a video is prepared (docs/video.md) by a worker thread,
 * never on the main loop, one video at a time: the encoder already uses
 * every core. The worker tells the main loop how far it is (at most once
 * a second) and how it ended; only the main loop writes to the store. A
 * preparation under way when the server stops is cancelled and its files
 * stay “preparing”: the next start prepares them again.
 */
#define VIDEO_WORKERS 1
#define PROGRESS_INTERVAL (G_USEC_PER_SEC)

struct _QuorumVideoWork
{
  gatomicrefcount  ref;
  /* NULL once stopped: news arriving after that are dropped. Main loop. */
  QuorumServer    *server;
  GThreadPool     *pool;
  GCancellable    *cancellable;
  /* The content queued or being prepared. Main loop. */
  GHashTable      *queued;
  GMainContext    *context;
};

typedef struct
{
  QuorumVideoWork *work;
  char            *sha256;
  char            *input;
  char            *proxy;
  char            *frames;
  double           reported;
  gint64           reported_at;
} VideoJob;

typedef struct
{
  QuorumVideoWork *work;
  char            *sha256;
  double           progress;
  gboolean         done;
  gboolean         ok;
  gboolean         cancelled;
  gint64           frames;
  double           fps;
  char            *why;
} VideoNews;

static QuorumVideoWork *
video_work_ref (QuorumVideoWork *work)
{
  g_atomic_ref_count_inc (&work->ref);
  return work;
}

static void
video_work_unref (QuorumVideoWork *work)
{
  if (!g_atomic_ref_count_dec (&work->ref))
    return;
  g_clear_object (&work->cancellable);
  g_clear_pointer (&work->queued, g_hash_table_unref);
  g_main_context_unref (work->context);
  g_free (work);
}

static void
video_job_free (VideoJob *job)
{
  video_work_unref (job->work);
  g_free (job->sha256);
  g_free (job->input);
  g_free (job->proxy);
  g_free (job->frames);
  g_free (job);
}

static void
video_news_free (VideoNews *news)
{
  video_work_unref (news->work);
  g_free (news->sha256);
  g_free (news->why);
  g_free (news);
}

static gboolean
video_news_arrived (gpointer data)
{
  VideoNews *news = data;
  QuorumServer *server = news->work->server;
  g_autoptr(GError) error = NULL;
  gboolean written = TRUE;

  if (server == NULL)
    return G_SOURCE_REMOVE;
  if (!news->done)
    written = quorum_store_set_video_progress (server->store, news->sha256, news->progress, &error);
  else
    {
      g_hash_table_remove (news->work->queued, news->sha256);
      quorum_store_release_video (server->store, news->sha256);
      if (news->ok)
        written = quorum_store_set_video_ready (server->store, news->sha256, news->frames, news->fps,
                                                &error);
      else if (!news->cancelled)
        {
          g_message ("video %s: %s", news->sha256, news->why);
          written = quorum_store_set_video_failed (server->store, news->sha256, news->why, &error);
        }
    }
  if (!written)
    g_warning ("video %s: cannot record its preparation: %s", news->sha256, error->message);
  return G_SOURCE_REMOVE;
}

static void
send_news (VideoJob  *job,
           VideoNews *news)
{
  news->work = video_work_ref (job->work);
  news->sha256 = g_strdup (job->sha256);
  g_main_context_invoke_full (job->work->context, G_PRIORITY_DEFAULT, video_news_arrived, news,
                              (GDestroyNotify) video_news_free);
}

static void
video_progress (double   fraction,
                gpointer user_data)
{
  VideoJob *job = user_data;
  gint64 now = g_get_monotonic_time ();
  VideoNews *news;

  if (fraction - job->reported < 0.01 || now - job->reported_at < PROGRESS_INTERVAL)
    return;
  job->reported = fraction;
  job->reported_at = now;
  news = g_new0 (VideoNews, 1);
  news->progress = fraction;
  send_news (job, news);
}

/* An index already on disk (the same content in another project, or a
 * run stopped between writing it and recording it) is kept. */
static QuorumVideoIndex *
read_index (const char  *frames_path,
            GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  if (!g_file_get_contents (frames_path, &text, &length, error))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  return quorum_video_index_new_from_bytes (bytes, error);
}

static void
prepare_in_thread (gpointer data,
                   gpointer user_data)
{
  VideoJob *job = data;
  QuorumVideoWork *work = user_data;
  g_autoptr(QuorumVideoIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (job->proxy);
  VideoNews *news = g_new0 (VideoNews, 1);

  news->done = TRUE;
  if (g_file_test (job->proxy, G_FILE_TEST_IS_REGULAR))
    index = read_index (job->frames, NULL);
  if (index == NULL)
    {
      if (g_mkdir_with_parents (dir, 0700) != 0)
        g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: %s", dir, g_strerror (errno));
      else if (quorum_video_prepare (job->input, job->proxy, job->frames, video_progress, job,
                                     work->cancellable, &error))
        index = read_index (job->frames, &error);
    }
  if (index != NULL)
    {
      int fps_n, fps_d;

      quorum_video_index_get_rate (index, &fps_n, &fps_d);
      news->ok = TRUE;
      news->frames = quorum_video_index_get_n_frames (index);
      news->fps = (double) fps_n / fps_d;
    }
  else
    {
      news->cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      news->why = g_strdup (error->message);
    }
  send_news (job, news);
  video_job_free (job);
}

void
_quorum_server_prepare_video (QuorumServer *server,
                              const char   *sha256)
{
  QuorumVideoWork *work = server->videos;
  g_autoptr(GError) error = NULL;
  VideoJob *job;

  if (work == NULL)
    {
      work = server->videos = g_new0 (QuorumVideoWork, 1);
      g_atomic_ref_count_init (&work->ref);
      work->server = server;
      work->cancellable = g_cancellable_new ();
      work->queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      work->context = g_main_context_ref_thread_default ();
      work->pool = g_thread_pool_new_full (prepare_in_thread, work, (GDestroyNotify) video_job_free,
                                           VIDEO_WORKERS, FALSE, &error);
      if (work->pool == NULL)
        {
          g_warning ("cannot start preparing videos: %s", error->message);
          return;
        }
    }
  if (work->pool == NULL || g_hash_table_contains (work->queued, sha256))
    return;
  /* Another server of the database prepares it. */
  if (!quorum_store_claim_video (server->store, sha256))
    return;
  g_hash_table_add (work->queued, g_strdup (sha256));
  job = g_new0 (VideoJob, 1);
  job->work = video_work_ref (work);
  job->sha256 = g_strdup (sha256);
  job->input = quorum_store_blob_path (server->store, sha256);
  job->proxy = quorum_store_proxy_path (server->store, sha256);
  job->frames = quorum_store_frames_path (server->store, sha256);
  job->reported = -1;
  g_thread_pool_push (work->pool, job, NULL);
}

/* How often the servers sharing a database look for videos left
 * unprepared; QUORUM_VIDEO_RESUME_SECONDS sets it (the tests). */
#define VIDEO_RESUME_SECONDS 30

/* Each video is claimed by the server that prepares it (a lock its
 * connection holds, quorum_store_claim_video): of the servers sharing a
 * database, one that finds a video unclaimed takes it, so that one a
 * killed server left is taken up at the next look of another. */
static gboolean
resume_videos (QuorumServer  *server,
               GError       **error)
{
  g_auto(GStrv) pending = quorum_store_videos_to_prepare (server->store, error);

  if (pending == NULL)
    return FALSE;
  for (guint i = 0; pending[i] != NULL; i++)
    _quorum_server_prepare_video (server, pending[i]);
  return TRUE;
}

static gboolean
resume_videos_cb (gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!resume_videos (data, &error))
    g_warning ("cannot look for videos to prepare: %s", error->message);
  return G_SOURCE_CONTINUE;
}

gboolean
_quorum_server_videos_start (QuorumServer  *server,
                             GError       **error)
{
  const char *seconds = g_getenv ("QUORUM_VIDEO_RESUME_SECONDS");
  guint interval = seconds != NULL ? (guint) CLAMP (g_ascii_strtoull (seconds, NULL, 10), 1, 3600)
                                   : VIDEO_RESUME_SECONDS;

  if (!resume_videos (server, error))
    return FALSE;
  if (quorum_store_is_shared (server->store) && server->video_resume == 0)
    server->video_resume = g_timeout_add_seconds (interval, resume_videos_cb, server);
  return TRUE;
}

void
_quorum_server_videos_stop (QuorumServer *server)
{
  QuorumVideoWork *work = g_steal_pointer (&server->videos);

  g_clear_handle_id (&server->video_resume, g_source_remove);
  if (work == NULL)
    return;
  /* Queued jobs are dropped, the running one is cancelled and waited for:
   * what was not finished stays “preparing” for the next start. */
  g_cancellable_cancel (work->cancellable);
  if (work->pool != NULL)
    g_thread_pool_free (work->pool, TRUE, TRUE);
  work->pool = NULL;
  work->server = NULL;
  video_work_unref (work);
}

/* The project's existing instances of one file: its ground truth, the gold
 * standard of exams. Validated against the project's labels. */
void
_quorum_server_set_existing (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_file (request, QUORUM_ROLE_EDITOR);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) project = NULL;
  g_autoptr(QuorumLabelSchema) schema = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *list;

  if (file == NULL || (body = _quorum_request_body (request)) == NULL)
    return;
  /* Nor may a taker make the gold their own answer. */
  if (quorum_store_takes_exam_on_file (request->server->store, request->caller_id, request->ids[0]))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                               "you take an exam on this file; its gold is not yours to change");
      return;
    }
  list = json_object_get_member (body, "instances");
  if (list == NULL)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "instances: is missing");
      return;
    }
  project = quorum_store_get_project (request->server->store, json_object_get_int_member (file, "project"), &error);
  if (project == NULL ||
      (schema = quorum_wire_read_label_schema (json_object_get_member (project, "labels"), "", &error)) == NULL ||
      (instances = quorum_wire_read_instances (list, schema, "instances", &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);

      if (instance->frame >= (guint) json_object_get_int_member (file, "frames"))
        {
          g_autofree char *message = g_strdup_printf ("instances[%u].frame: the file has %" G_GINT64_FORMAT
                                                      " frame(s)", i, json_object_get_int_member (file, "frames"));
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
          return;
        }
    }
  if (!quorum_tracks_check (instances, (guint) json_object_get_int_member (file, "frames"), &error))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", error->message);
      return;
    }
  written = quorum_wire_write_instances (instances);
  text = quorum_wire_to_string (written, FALSE);
  if (!quorum_store_set_existing (request->server->store, request->ids[0], text, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, g_steal_pointer (&written));
}

void
_quorum_server_get_existing (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_file (request, QUORUM_ROLE_REVIEWER);
  g_autoptr(JsonArray) none = NULL;
  JsonNode *existing;

  if (file == NULL)
    return;
  /* An exam taker never receives the gold, whatever their role. */
  if (!may_read_gold (request, file))
    {
      g_autofree char *message = g_strdup_printf ("no file %" G_GINT64_FORMAT, request->ids[0]);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  existing = json_object_get_member (file, "existing");
  if (existing != NULL && !JSON_NODE_HOLDS_NULL (existing))
    {
      _quorum_request_reply (request, SOUP_STATUS_OK, json_node_copy (existing));
      return;
    }
  none = json_array_new ();
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_array (json_node_alloc (), none));
}

/* ---- guides ----------------------------------------------------------- */

static gboolean
read_guide (QuorumRequest  *request,
            JsonObject     *body,
            const char    **name,
            const char    **markdown)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_object_get_member (body, "markdown");

  if ((*name = quorum_http_member_string (body, "name", TRUE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               node == NULL ? "markdown: is missing" : "markdown: must be a string");
      return FALSE;
    }
  *markdown = json_node_get_string (node);
  return TRUE;
}

static void
reply_guide (QuorumRequest *request,
             gint64         id,
             guint          status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) guide = quorum_store_get_guide (request->server->store, id, &error);

  if (guide == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, status, json_node_init_object (json_node_alloc (), guide));
}

/* A stale save is 409 with the guide's current version, for the editor
 * to offer reloading it. */
static void
reply_guide_error (QuorumRequest *request,
                   GError        *error)
{
  g_autoptr(JsonObject) guide = NULL;
  JsonObject *detail, *body;

  if (!g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT) ||
      !g_str_has_prefix (error->message, "expected_version:") ||
      (guide = quorum_store_get_guide (request->server->store, request->ids[0], NULL)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  detail = json_object_new ();
  body = json_object_new ();
  json_object_set_string_member (detail, "code", "conflict");
  json_object_set_string_member (detail, "message", error->message);
  json_object_set_int_member (detail, "version", json_object_get_int_member (guide, "version"));
  json_object_set_object_member (body, "error", detail);
  _quorum_request_reply (request, SOUP_STATUS_CONFLICT, quorum_http_object_node (body));
}

void
_quorum_server_create_guide (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *name, *markdown;
  gint64 id;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_EDITOR, NULL) ||
      (body = _quorum_request_body (request)) == NULL || !read_guide (request, body, &name, &markdown))
    return;
  id = quorum_store_save_guide (request->server->store, request->ids[0], 0, request->caller_id, 0,
                                name, markdown, &error);
  if (id < 0)
    _quorum_request_reply_error (request, error);
  else
    reply_guide (request, id, SOUP_STATUS_CREATED);
}

void
_quorum_server_update_guide (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) guide = NULL;
  g_autoptr(GError) error = NULL;
  const char *name, *markdown;
  gint64 expected = 0;
  JsonNode *node;

  if ((guide = quorum_store_get_guide (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (guide, "project"),
                                     QUORUM_ROLE_EDITOR, NULL) ||
      (body = _quorum_request_body (request)) == NULL || !read_guide (request, body, &name, &markdown))
    return;
  /* The version the editor started from: a save over a newer one is
   * refused rather than losing what another editor saved. */
  if (!quorum_http_member_integer (body, "expected_version", FALSE, &expected, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  node = json_object_get_member (body, "expected_version");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && expected < 1)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "expected_version: must be a whole number of at least 1, the guide’s version");
      return;
    }
  if (quorum_store_save_guide (request->server->store, 0, request->ids[0], request->caller_id, expected,
                               name, markdown, &error) < 0)
    reply_guide_error (request, error);
  else
    reply_guide (request, request->ids[0], SOUP_STATUS_OK);
}

/* The guide's project, or 0 with the reply sent: 404 for no guide, and
 * for a caller below @role what _quorum_request_require_role answers. */
static gint64
require_guide (QuorumRequest *request,
               QuorumRole     role)
{
  g_autoptr(JsonObject) guide = NULL;
  g_autoptr(GError) error = NULL;

  if ((guide = quorum_store_get_guide (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return 0;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (guide, "project"), role, NULL))
    return 0;
  return json_object_get_int_member (guide, "project");
}

/* Earlier versions are for those who judge or write the work (reviewer
 * up); annotators and viewers read the current guide. */
void
_quorum_server_list_guide_versions (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (require_guide (request, QUORUM_ROLE_REVIEWER) == 0)
    return;
  _quorum_request_reply_result (request, quorum_store_list_guide_versions (request->server->store, request->ids[0],
                                                                          &error), &error);
}

void
_quorum_server_get_guide_version (QuorumRequest *request)
{
  g_autoptr(JsonObject) version = NULL;
  g_autoptr(GError) error = NULL;

  if (require_guide (request, QUORUM_ROLE_REVIEWER) == 0)
    return;
  if ((version = quorum_store_get_guide_version (request->server->store, request->ids[0], request->ids[1],
                                                 &error)) == NULL)
    _quorum_request_reply_error (request, error);
  else
    _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), version));
}

void
_quorum_server_get_guide (QuorumRequest *request)
{
  g_autoptr(JsonObject) guide = NULL;
  g_autoptr(GError) error = NULL;

  if ((guide = quorum_store_get_guide (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (_quorum_request_require_role (request, json_object_get_int_member (guide, "project"),
                                    QUORUM_ROLE_VIEWER, NULL))
    _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), guide));
}

void
_quorum_server_list_guides (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_VIEWER, NULL))
    return;
  _quorum_request_reply_result (request, quorum_store_list_guides (request->server->store, request->ids[0], &error), &error);
}
