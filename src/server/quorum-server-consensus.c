/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-agreement.h"
#include "quorum-video-agreement.h"
#include "quorum-error.h"
#include "quorum-merge.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

/*
 * When all passes of a file are accepted, its consensus task opens and the
 * agreement of the passes is computed with the core, off the main loop, and
 * stored: pair scores, annotator scores, the file agreement and the best
 * version (ties to the earliest submitted). In Best Annotator mode the best
 * version also becomes the consensus task's starting output.
 */

typedef struct {
  gint64               task_id;
  double               threshold;
  gboolean             best_annotator;
  GPtrArray           *sets;       /* of QuorumAnnotationSet, in submission order */
  GArray              *task_ids;   /* the draw task of each set */
  char                *scores_json;
  char                *preselected_json;
} Scoring;

static void
scoring_free (Scoring *scoring)
{
  g_ptr_array_unref (scoring->sets);
  g_array_unref (scoring->task_ids);
  g_free (scoring->scores_json);
  g_free (scoring->preselected_json);
  g_free (scoring);
}

static void
score_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Scoring *scoring = data;
  const QuorumAnnotationSet * const *sets = (const QuorumAnnotationSet * const *) scoring->sets->pdata;
  g_autoptr(QuorumAgreement) owned = NULL;
  g_autoptr(QuorumVideoAgreement) video = NULL;
  const QuorumAgreement *agreement;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  guint n = scoring->sets->len;

  /* A video's sets are compared on every frame, with a timeline of each
   * frame's agreement and the pairing of tracks (docs/video-annotation.md). */
  if (n > 0 && sets[0]->file.frames > 1)
    {
      video = quorum_video_agreement_compute (sets, n, scoring->threshold, &error);
      agreement = video != NULL ? video->agreement : NULL;
    }
  else
    agreement = owned = quorum_agreement_compute (sets, n, scoring->threshold, &error);
  if (agreement == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_double_value (builder, scoring->threshold);
  json_builder_set_member_name (builder, "agreement");
  json_builder_add_double_value (builder, agreement->agreement);
  json_builder_set_member_name (builder, "best");
  json_builder_add_int_value (builder, g_array_index (scoring->task_ids, gint64, agreement->best));
  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      const QuorumAnnotationSet *set = g_ptr_array_index (scoring->sets, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "task");
      json_builder_add_int_value (builder, g_array_index (scoring->task_ids, gint64, i));
      json_builder_set_member_name (builder, "annotator");
      json_builder_add_string_value (builder, set->annotator);
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, agreement->annotator_scores[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "pairs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "a");
        json_builder_add_int_value (builder, g_array_index (scoring->task_ids, gint64, i));
        json_builder_set_member_name (builder, "b");
        json_builder_add_int_value (builder, g_array_index (scoring->task_ids, gint64, j));
        json_builder_set_member_name (builder, "score");
        json_builder_add_double_value (builder, quorum_agreement_pair (agreement, i, j));
        json_builder_set_member_name (builder, "matched");
        json_builder_add_int_value (builder, agreement->pair_matched[i * n + j]);
        json_builder_end_object (builder);
      }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  if (video != NULL)
    {
      JsonObject *object = json_node_get_object (root);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (names, json_node_init_int (json_node_alloc (),
                                                    g_array_index (scoring->task_ids, gint64, i)));
      json_object_set_object_member (object, "frames",
                                     quorum_video_agreement_write_frames (video, QUORUM_LOW_FRAME_AGREEMENT));
      json_object_set_array_member (object, "tracks",
                                    quorum_video_agreement_write_tracks (video, (JsonNode * const *) names->pdata));
    }
  scoring->scores_json = quorum_wire_to_string (root, FALSE);

  if (scoring->best_annotator)
    {
      g_autoptr(QuorumAnnotationSet) output =
        quorum_merge_from_version (g_ptr_array_index (scoring->sets, agreement->best), NULL);
      g_autoptr(JsonNode) instances = quorum_wire_write_instances (output->instances);

      scoring->preselected_json = quorum_wire_to_string (instances, FALSE);
    }
  g_task_return_boolean (task, TRUE);
}

static void
scored (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  QuorumServer *server = QUORUM_SERVER (source);
  Scoring *scoring = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_hash_table_remove (server->scoring, &scoring->task_id);
  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      !quorum_store_set_consensus_scores (server->store, scoring->task_id, scoring->scores_json,
                                          scoring->preselected_json, &error))
    g_warning ("consensus task %" G_GINT64_FORMAT ": cannot compute the agreement: %s",
               scoring->task_id, error->message);
}

static Scoring *
prepare_scoring (QuorumServer  *server,
                 JsonObject    *waiting,
                 GError       **error)
{
  g_autoptr(JsonObject) job = quorum_store_get_job (server->store, json_object_get_int_member (waiting, "job"), FALSE, error);
  g_autoptr(JsonObject) file = NULL;
  g_autoptr(JsonNode) draws = NULL;
  g_autoptr(QuorumJobSettings) settings = NULL;
  Scoring *scoring;
  QuorumFileInfo info;
  JsonArray *array;

  if (job == NULL ||
      (file = quorum_store_get_file (server->store, json_object_get_int_member (waiting, "file"), error)) == NULL ||
      (draws = quorum_store_file_draws (server->store, json_object_get_int_member (waiting, "job"),
                                        json_object_get_int_member (waiting, "file"), error)) == NULL ||
      (settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", error)) == NULL)
    return NULL;
  info = (QuorumFileInfo) {
    (guint) json_object_get_int_member (file, "width"), (guint) json_object_get_int_member (file, "height"),
    (guint) json_object_get_int_member (file, "frames"), json_object_get_double_member (file, "fps"),
  };
  scoring = g_new0 (Scoring, 1);
  scoring->task_id = json_object_get_int_member (waiting, "id");
  scoring->threshold = settings->threshold;
  scoring->best_annotator = settings->consensus == QUORUM_CONSENSUS_BEST_ANNOTATOR;
  scoring->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_annotation_set_free);
  scoring->task_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  array = json_node_get_array (draws);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *draw = json_array_get_object_element (array, i);
      g_autoptr(GPtrArray) instances = quorum_wire_read_instances (json_object_get_member (draw, "instances"),
                                                                   NULL, "instances", error);
      QuorumAnnotationSet *set;
      gint64 id = json_object_get_int_member (draw, "id");

      if (instances == NULL)
        {
          scoring_free (scoring);
          return NULL;
        }
      set = quorum_annotation_set_new (json_object_get_string_member_with_default (draw, "annotator", "?"), &info);
      while (instances->len > 0)
        quorum_annotation_set_add (set, g_ptr_array_steal_index (instances, 0));
      g_ptr_array_add (scoring->sets, set);
      g_array_append_val (scoring->task_ids, id);
    }
  return scoring;
}

void
_quorum_server_score_consensus (QuorumServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) waiting = quorum_store_consensus_waiting_for_scores (server->store, &error);
  JsonArray *array;

  if (waiting == NULL)
    {
      g_warning ("cannot look for consensus tasks to score: %s", error->message);
      return;
    }
  array = json_node_get_array (waiting);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);
      gint64 task_id = json_object_get_int_member (row, "id");
      g_autoptr(GTask) task = NULL;
      Scoring *scoring;

      if (g_hash_table_contains (server->scoring, &task_id))
        continue;
      scoring = prepare_scoring (server, row, &error);
      if (scoring == NULL)
        {
          g_warning ("consensus task %" G_GINT64_FORMAT ": %s", task_id, error->message);
          g_clear_error (&error);
          continue;
        }
      g_hash_table_add (server->scoring, g_memdup2 (&task_id, sizeof task_id));
      task = g_task_new (server, NULL, scored, NULL);
      g_task_set_source_tag (task, _quorum_server_score_consensus);
      g_task_set_task_data (task, scoring, (GDestroyNotify) scoring_free);
      g_task_run_in_thread (task, score_in_thread);
    }
}

/* ---- review steps ----------------------------------------------------- */

/*
 * Mark as best, Copy & edit / Copy to Ground Truth, and a new version from
 * scratch, done by the server with the core's merging so that clients do not
 * copy instances themselves. Each is a versioned save of the consensus
 * task's instances, like PUT /tasks/{id}/instances. A copy keeps the author
 * of the instance it copies, who drew it, and names it in copied_from.
 */

/* The caller's own consensus task, in a job they still reach; someone
 * else's task does not exist for them (404), another kind of task is 422. */
static JsonObject *
require_own_consensus (QuorumRequest *request)
{
  g_autoptr(JsonObject) task = _quorum_request_own_task (request, TRUE, NULL);

  if (task == NULL)
    return NULL;
  if (!g_str_equal (json_object_get_string_member (task, "kind"), "consensus"))
    {
      g_autofree char *message = g_strdup_printf ("kind: task %" G_GINT64_FORMAT " is a %s task, not a "
                                                  "consensus task", request->ids[0],
                                                  json_object_get_string_member (task, "kind"));
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return NULL;
    }
  return g_steal_pointer (&task);
}

/* The draw task named by @member: one of the passes of the consensus task's
 * file in its job, else 400 naming the member. */
static JsonObject *
read_pass (QuorumRequest *request,
           JsonObject    *consensus,
           JsonObject    *body,
           const char    *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) draw = NULL;
  gint64 id = 0;

  if (!quorum_http_member_integer (body, member, TRUE, &id, &error))
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  draw = quorum_store_get_task (request->server->store, id, NULL);
  if (draw == NULL || !g_str_equal (json_object_get_string_member (draw, "kind"), "draw") ||
      json_object_get_int_member (draw, "job") != json_object_get_int_member (consensus, "job") ||
      json_object_get_int_member (draw, "file") != json_object_get_int_member (consensus, "file"))
    {
      g_autofree char *message = g_strdup_printf ("%s: task %" G_GINT64_FORMAT " is not a pass (draw task) "
                                                  "of this file in this job", member, id);
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return NULL;
    }
  return g_steal_pointer (&draw);
}

static QuorumAnnotationSet *
task_set (JsonObject  *task,
          GError     **error)
{
  static const QuorumFileInfo unknown = { 0 };
  g_autoptr(GPtrArray) instances = quorum_wire_read_instances (json_object_get_member (task, "instances"),
                                                               NULL, "instances", error);
  QuorumAnnotationSet *set;

  if (instances == NULL)
    return NULL;
  set = quorum_annotation_set_new (NULL, &unknown);
  while (instances->len > 0)
    quorum_annotation_set_add (set, g_ptr_array_steal_index (instances, 0));
  return set;
}

/* Saves @output as the task's instances; errors are answered as for
 * PUT /tasks/{id}/instances (a stale version is 409 with the current one). Adds id, version and
 * instances to @reply (taken) and sends it. */
static void
save_output (QuorumRequest       *request,
             gint64               version,
             QuorumAnnotationSet *output,
             gint64               best,
             JsonObject          *reply)
{
  g_autoptr(JsonObject) owned = reply;
  g_autoptr(JsonNode) written = quorum_wire_write_instances (output->instances);
  g_autofree char *text = quorum_wire_to_string (written, FALSE);
  g_autoptr(GError) error = NULL;
  gint64 saved;

  saved = quorum_store_save_consensus (request->server->store, request->ids[0], request->caller_id, version,
                                       text, best, &error);
  if (saved < 0)
    {
      _quorum_request_reply_task_error (request, error);
      return;
    }
  json_object_set_int_member (owned, "id", request->ids[0]);
  json_object_set_int_member (owned, "version", saved);
  json_object_set_member (owned, "instances", g_steal_pointer (&written));
  json_object_set_int_member (owned, "undo_steps",
                              quorum_store_consensus_undo_depth (request->server->store, request->ids[0]));
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (g_steal_pointer (&owned)));
}

/* The task, its body and the body's version, or replies and returns NULL. */
static JsonObject *
begin_step (QuorumRequest  *request,
            JsonObject    **body_out,
            gint64         *version)
{
  g_autoptr(JsonObject) task = require_own_consensus (request);
  g_autoptr(JsonObject) body = NULL;

  if (task == NULL || (body = _quorum_request_body (request)) == NULL ||
      !_quorum_request_read_version (request, body, TRUE, version))
    return NULL;
  *body_out = g_steal_pointer (&body);
  return g_steal_pointer (&task);
}

/* Best Annotator's Mark as best: the output becomes a copy of the pass. */
void
_quorum_server_consensus_best (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) draw = NULL;
  g_autoptr(QuorumAnnotationSet) version_set = NULL;
  g_autoptr(QuorumAnnotationSet) output = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  gint64 version;

  if ((task = begin_step (request, &body, &version)) == NULL ||
      (draw = read_pass (request, task, body, "pass")) == NULL)
    return;
  if ((version_set = task_set (draw, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  output = quorum_merge_from_version (version_set, NULL);
  reply = json_object_new ();
  json_object_set_int_member (reply, "best", json_object_get_int_member (draw, "id"));
  save_output (request, version, output, json_object_get_int_member (draw, "id"), reply);
}

/* Copy & edit, Copy to Ground Truth: appends copies of some or all of a
 * pass's instances; with "replace": true a whole set takes the place of
 * whatever the output held, in one versioned save. */
void
_quorum_server_consensus_copy (QuorumRequest *request)
{
  static const QuorumFileInfo unknown = { 0 };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) draw = NULL;
  g_autoptr(QuorumAnnotationSet) source = NULL;
  g_autoptr(QuorumAnnotationSet) output = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *wanted;
  JsonNode *replace;
  JsonObject *reply;
  gint64 version;
  guint copied = 0;

  if ((task = begin_step (request, &body, &version)) == NULL ||
      (draw = read_pass (request, task, body, "from")) == NULL)
    return;
  wanted = json_object_get_member (body, "instances");
  replace = json_object_get_member (body, "replace");
  if (replace != NULL &&
      (!JSON_NODE_HOLDS_VALUE (replace) || json_node_get_value_type (replace) != G_TYPE_BOOLEAN))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "replace: must be true or false");
      return;
    }
  if (replace != NULL && json_node_get_boolean (replace) && wanted != NULL && !JSON_NODE_HOLDS_NULL (wanted))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "replace: only a whole set replaces the output; leave out instances");
      return;
    }
  if ((source = task_set (draw, &error)) == NULL || (output = task_set (task, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (replace != NULL && json_node_get_boolean (replace))
    {
      quorum_annotation_set_free (output);
      output = quorum_annotation_set_new (NULL, &unknown);
    }
  if (wanted == NULL || JSON_NODE_HOLDS_NULL (wanted))
    copied = quorum_merge_copy_set (output, source, NULL);
  else
    {
      JsonArray *ids;

      if (!JSON_NODE_HOLDS_ARRAY (wanted) || json_array_get_length (json_node_get_array (wanted)) == 0)
        {
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                   "instances: give a non-empty list of instance ids, or leave it out "
                                   "to copy the whole set");
          return;
        }
      ids = json_node_get_array (wanted);
      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          JsonNode *item = json_array_get_element (ids, i);
          const QuorumInstance *instance = NULL;
          g_autofree char *message = NULL;

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            message = g_strdup_printf ("instances[%u]: must be an instance id (a string)", i);
          else if ((instance = quorum_annotation_set_find (source, json_node_get_string (item))) == NULL)
            message = g_strdup_printf ("instances[%u]: task %" G_GINT64_FORMAT " has no instance “%s”", i,
                                       json_object_get_int_member (draw, "id"), json_node_get_string (item));
          else if (quorum_merge_copy_instance (output, instance, NULL, NULL) == NULL)
            message = g_strdup_printf ("instances[%u]: “%s” is in the consensus output already", i,
                                       instance->id);
          if (message != NULL)
            {
              quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
              return;
            }
          copied++;
        }
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "copied", copied);
  save_output (request, version, output, 0, reply);
}

/* Undo: the output (and the best) as before the last review step. */
void
_quorum_server_consensus_undo (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(JsonNode) scores = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  gint64 version;

  if ((task = begin_step (request, &body, &version)) == NULL)
    return;
  version = quorum_store_undo_consensus (request->server->store, request->ids[0], request->caller_id, version, &error);
  if (version < 0 || (saved = quorum_store_get_task (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_task_error (request, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "id", request->ids[0]);
  json_object_set_int_member (reply, "version", version);
  json_object_set_member (reply, "instances", json_node_copy (json_object_get_member (saved, "instances")));
  json_object_set_int_member (reply, "undo_steps",
                              quorum_store_consensus_undo_depth (request->server->store, request->ids[0]));
  scores = quorum_store_get_consensus_scores (request->server->store, request->ids[0]);
  if (scores != NULL && JSON_NODE_HOLDS_OBJECT (scores))
    json_object_set_int_member (reply, "best",
                                json_object_get_int_member_with_default (json_node_get_object (scores), "best", 0));
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (reply));
}

/* Create a new version: the working output starts again, empty. */
void
_quorum_server_consensus_clear (QuorumRequest *request)
{
  static const QuorumFileInfo unknown = { 0 };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(QuorumAnnotationSet) output = NULL;
  gint64 version;

  if ((task = begin_step (request, &body, &version)) == NULL)
    return;
  output = quorum_annotation_set_new (NULL, &unknown);
  save_output (request, version, output, 0, json_object_new ());
}
