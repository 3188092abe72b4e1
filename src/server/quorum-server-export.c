/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-coco.h"
#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

/*
 * A job's results, built off the main loop from rows read on it:
 * - COCO: every file's output — the accepted draw with one pass, the
 *   completed consensus with several — as docs/coco.md describes;
 * - Quorum JSON (docs/formats.md): every version of every file with the pair
 *   scores, the file agreement, the winning version and the output, or with
 *   versions=best the outputs alone.
 */

typedef struct {
  JsonNode  *rows;      /* from quorum_store_job_outputs */
  JsonNode  *labels;    /* the project's schema */
  JsonNode  *job;
  gboolean   coco;
  QuorumCocoExportFlags coco_flags;
  gboolean   all_versions;
  gint64     passes;
} Export;

static void
export_free (Export *export)
{
  json_node_unref (export->rows);
  json_node_unref (export->labels);
  json_node_unref (export->job);
  g_free (export);
}

static gboolean
is_output (JsonObject *row,
           gint64      passes)
{
  const char *kind = json_object_get_string_member (row, "kind");
  const char *state = json_object_get_string_member (row, "state");

  if (passes > 1)
    return g_str_equal (kind, "consensus") && g_str_equal (state, "complete");
  return g_str_equal (kind, "draw") && g_str_equal (state, "accepted");
}

/* The COCO document as text (quorum_coco_export_append): a video's frames
 * are too many annotations for a tree of nodes. */
static GBytes *
build_coco (Export  *export,
            GError **error)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  g_autoptr(QuorumLabelSchema) schema = quorum_wire_read_label_schema (export->labels, "labels", error);
  JsonArray *rows = json_node_get_array (export->rows);

  if (schema == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      g_autoptr(GPtrArray) instances = NULL;
      QuorumCocoImage *image;
      QuorumFileInfo info;

      if (!is_output (row, export->passes))
        continue;
      instances = quorum_wire_read_instances (json_object_get_member (row, "instances"), NULL, "instances", error);
      if (instances == NULL)
        return NULL;
      info = (QuorumFileInfo) {
        (guint) json_object_get_int_member (row, "width"), (guint) json_object_get_int_member (row, "height"),
        (guint) json_object_get_int_member (row, "frames"), json_object_get_double_member (row, "fps"),
      };
      image = g_new0 (QuorumCocoImage, 1);
      image->file_name = g_strdup (json_object_get_string_member (row, "name"));
      image->file_id = json_object_get_int_member (row, "file");
      image->set = quorum_annotation_set_new (NULL, &info);
      while (instances->len > 0)
        quorum_annotation_set_add (image->set, g_ptr_array_steal_index (instances, 0));
      g_ptr_array_add (images, image);
    }
  if (quorum_coco_export_estimate (images, export->coco_flags) > QUORUM_COCO_MAX_EXPORT)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                   "format=coco: this job's COCO export would take about %" G_GSIZE_FORMAT " MiB, more than the "
                   "%" G_GSIZE_FORMAT " MiB an export may hold (its videos' tracks on every frame); "
                   "interpolated=false or format=quorum gives the tracks as drawn",
                   quorum_coco_export_estimate (images, export->coco_flags) >> 20, QUORUM_COCO_MAX_EXPORT >> 20);
      return NULL;
    }
  {
    GString *text = g_string_sized_new (64 * 1024);

    quorum_coco_export_append (text, images, schema, export->coco_flags);
    return g_string_free_to_bytes (text);
  }
}

static JsonNode *
build_quorum (Export *export)
{
  JsonArray *rows = json_node_get_array (export->rows);
  JsonArray *files = json_array_new ();
  JsonObject *root = json_object_new ();
  JsonObject *current = NULL;
  gint64 current_file = 0;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      gint64 file = json_object_get_int_member (row, "file");

      if (current == NULL || file != current_file)
        {
          JsonObject *info = json_object_new ();

          current = json_object_new ();
          current_file = file;
          json_object_set_int_member (info, "id", file);
          json_object_set_string_member (info, "name", json_object_get_string_member (row, "name"));
          json_object_set_int_member (info, "width", json_object_get_int_member (row, "width"));
          json_object_set_int_member (info, "height", json_object_get_int_member (row, "height"));
          json_object_set_int_member (info, "frames", json_object_get_int_member (row, "frames"));
          json_object_set_object_member (current, "file", info);
          if (export->all_versions)
            json_object_set_array_member (current, "versions", json_array_new ());
          json_object_set_null_member (current, "scores");
          json_object_set_null_member (current, "agreement");
          json_object_set_null_member (current, "best");
          json_object_set_null_member (current, "output");
          json_array_add_object_element (files, current);
        }
      if (g_str_equal (json_object_get_string_member (row, "kind"), "draw") && export->all_versions)
        {
          JsonObject *version = json_object_new ();

          json_object_set_int_member (version, "task", json_object_get_int_member (row, "id"));
          json_object_set_int_member (version, "pass", json_object_get_int_member (row, "pass"));
          json_object_set_member (version, "annotator", json_node_copy (json_object_get_member (row, "annotator")));
          json_object_set_string_member (version, "state", json_object_get_string_member (row, "state"));
          json_object_set_member (version, "instances", json_node_copy (json_object_get_member (row, "instances")));
          json_array_add_object_element (json_object_get_array_member (current, "versions"), version);
        }
      if (g_str_equal (json_object_get_string_member (row, "kind"), "consensus"))
        {
          JsonNode *scores = json_object_get_member (row, "scores");

          if (scores != NULL && JSON_NODE_HOLDS_OBJECT (scores))
            {
              json_object_set_member (current, "scores", json_node_copy (scores));
              json_object_set_member (current, "agreement",
                                      json_node_copy (json_object_get_member (json_node_get_object (scores), "agreement")));
              json_object_set_member (current, "best",
                                      json_node_copy (json_object_get_member (json_node_get_object (scores), "best")));
            }
        }
      if (is_output (row, export->passes))
        json_object_set_member (current, "output", json_node_copy (json_object_get_member (row, "instances")));
    }
  json_object_set_string_member (root, "format", "quorum-export");
  json_object_set_int_member (root, "format_version", 1);
  json_object_set_member (root, "job", json_node_copy (export->job));
  json_object_set_member (root, "labels", json_node_copy (export->labels));
  json_object_set_array_member (root, "files", files);
  return quorum_http_object_node (root);
}

static void
export_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  Export *export = data;
  GError *error = NULL;

  if (export->coco)
    {
      GBytes *text = build_coco (export, &error);

      if (text == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, text, (GDestroyNotify) g_bytes_unref);
    }
  else
    g_task_return_pointer (task, build_quorum (export), (GDestroyNotify) json_node_unref);
}

static void
exported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  QuorumRequest *request = user_data;
  Export *export = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gpointer document = g_task_propagate_pointer (G_TASK (result), &error);

  if (document == NULL)
    _quorum_request_reply_error (request, error);
  else if (export->coco)
    {
      g_autoptr(GBytes) text = document;

      soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (request->msg),
                                             "application/json", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (request->msg), text);
    }
  else
    _quorum_request_reply (request, SOUP_STATUS_OK, document);
  _quorum_request_finish (request);
}

/* A deep copy of @node, through its text. */
static JsonNode *
own_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json_from_string (text, NULL);
}

void
_quorum_server_export_job (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, request->ids[0], TRUE, &error);
  g_autoptr(JsonObject) project = NULL;
  g_autoptr(GTask) task = NULL;
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = query != NULL ? soup_form_decode (query) : NULL;
  const char *format = params != NULL ? g_hash_table_lookup (params, "format") : NULL;
  const char *versions = params != NULL ? g_hash_table_lookup (params, "versions") : NULL;
  const char *interpolated = params != NULL ? g_hash_table_lookup (params, "interpolated") : NULL;
  JsonNode *rows;
  Export *export;

  if (job == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (job, "project"), QUORUM_ROLE_EDITOR, NULL))
    return;
  /* The other takers' accepted answers are next to the gold. */
  if (_quorum_request_takes_exam (request, job))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                               "you take this exam; its export is for its trainers");
      return;
    }
  if (format == NULL)
    format = "quorum";
  if (versions == NULL)
    versions = "all";
  if (!g_str_equal (format, "coco") && !g_str_equal (format, "quorum"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "format: coco or quorum");
      return;
    }
  if (!g_str_equal (versions, "all") && !g_str_equal (versions, "best"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "versions: all or best");
      return;
    }
  if (interpolated != NULL && !g_str_equal (interpolated, "true") && !g_str_equal (interpolated, "false"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "interpolated: true or false");
      return;
    }
  /* The Quorum export has the tracks as drawn only: nothing to leave out. */
  if (interpolated != NULL && !g_str_equal (format, "coco"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "interpolated: only with format=coco (the Quorum export has no interpolated frames)");
      return;
    }
  if ((project = quorum_store_get_project (request->server->store, json_object_get_int_member (job, "project"), &error)) == NULL ||
      (rows = quorum_store_job_outputs (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  export = g_new0 (Export, 1);
  export->rows = rows;
  /* The thread gets trees of its own, sharing nothing: the store shares a
   * project's labels and a job's settings between the rows it reads (sealed),
   * and json-glib counts an object's references without atomics, so a copy
   * made or freed in the thread would race with the loop's. */
  export->labels = own_copy (json_object_get_member (project, "labels"));
  {
    g_autoptr(JsonNode) job_node = json_node_init_object (json_node_alloc (), job);

    export->job = own_copy (job_node);
  }
  export->coco = g_str_equal (format, "coco");
  if (interpolated != NULL && g_str_equal (interpolated, "false"))
    export->coco_flags = QUORUM_COCO_EXPORT_DRAWN_ONLY;
  export->all_versions = g_str_equal (versions, "all");
  export->passes = json_object_get_int_member (json_object_get_object_member (job, "settings"), "passes_per_file");
  _quorum_request_pause (request);
  task = g_task_new (NULL, NULL, exported, request);
  g_task_set_source_tag (task, _quorum_server_export_job);
  g_task_set_task_data (task, export, (GDestroyNotify) export_free);
  g_task_run_in_thread (task, export_in_thread);
}
