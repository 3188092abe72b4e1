/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-media.h"
#include "quorum-server-private.h"
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

  if (quorum_media_probe (job->upload->temp_path, job->name, job->max_pixels, &job->info, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
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

void
_quorum_server_download_file (QuorumRequest *request)
{
  g_autoptr(JsonObject) file = require_file (request, QUORUM_ROLE_VIEWER);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (request->msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (request->msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *etag = NULL;
  const char *if_none_match;
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  gsize length;

  if (file == NULL)
    return;
  path = quorum_store_blob_path (request->server->store, json_object_get_string_member (file, "sha256"));
  etag = g_strdup_printf ("\"%s\"", json_object_get_string_member (file, "sha256"));
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
      soup_server_message_set_response (request->msg, json_object_get_string_member (file, "media_type"),
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
  soup_message_headers_set_content_type (response_headers, json_object_get_string_member (file, "media_type"), NULL);
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
  id = quorum_store_save_guide (request->server->store, request->ids[0], 0, name, markdown, &error);
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

  if ((guide = quorum_store_get_guide (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (guide, "project"),
                                     QUORUM_ROLE_EDITOR, NULL) ||
      (body = _quorum_request_body (request)) == NULL || !read_guide (request, body, &name, &markdown))
    return;
  if (quorum_store_save_guide (request->server->store, 0, request->ids[0], name, markdown, &error) < 0)
    _quorum_request_reply_error (request, error);
  else
    reply_guide (request, request->ids[0], SOUP_STATUS_OK);
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
