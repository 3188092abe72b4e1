/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <string.h>

#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-track.h"
#include "quorum-wire.h"

static void
reply_no_task (QuorumRequest *request)
{
  g_autofree char *message = g_strdup_printf ("no task %" G_GINT64_FORMAT, request->ids[0]);

  quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
}

/* Whether @task is the caller's. */
static gboolean
holds_task (QuorumRequest *request,
            JsonObject    *task)
{
  JsonNode *assignee = json_object_get_member (task, "assignee");

  return !JSON_NODE_HOLDS_NULL (assignee) && json_node_get_int (assignee) == request->caller_id;
}

/* The task of the path and its job, or replies and returns NULL. */
static JsonObject *
find_task (QuorumRequest  *request,
           gboolean        with_instances,
           JsonObject    **job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) task = with_instances
                               ? quorum_store_get_task (request->server->store, request->ids[0], &error)
                               : quorum_store_get_task_state (request->server->store, request->ids[0], &error);

  if (task == NULL ||
      (*job = quorum_store_get_job (request->server->store, json_object_get_int_member (task, "job"),
                                    FALSE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  return g_steal_pointer (&task);
}

/* An exam's review tasks show its gold: none is for a taker of the exam,
 * whatever their role, even one who held it before applying. */
static gboolean
is_exam_review (JsonObject *task,
                JsonObject *job)
{
  return _quorum_server_is_exam (job) && g_str_equal (json_object_get_string_member (task, "kind"), "review");
}

/* An exam review shows its file's gold: not to someone taking this exam,
 * nor another exam on the same file. */
static gboolean
gold_for_a_taker (QuorumRequest *request,
                  JsonObject    *task,
                  JsonObject    *job)
{
  return is_exam_review (task, job) &&
         (_quorum_request_takes_exam (request, job) ||
          quorum_store_takes_exam_on_file (request->server->store, request->caller_id,
                                           json_object_get_int_member (task, "file")));
}

/* What a task's viewer may see of it. The assignee sees their task while
 * they reach its job (by project role or share); editors and admins of the
 * project see any task, unless they take the exam it belongs to; anyone else
 * is told there is no such task. An annotator never receives another pass's
 * instances: a draw task carries only its own; a review task its draw
 * task's; a consensus task every pass of its file, which only a
 * non-annotator of the file gets. */
static JsonObject *
require_task (QuorumRequest *request,
              gboolean       with_instances,
              JsonObject   **job_out)
{
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) task = find_task (request, with_instances, &job);
  QuorumRole role;
  gboolean taker;

  if (task == NULL)
    return NULL;
  /* Even its assignee reaches a task only while they reach its job: an org
   * or market worker whose share ended sees it no more. */
  role = _quorum_request_job_role (request, job);
  /* An exam's taker, whatever their role, reaches only their own draw
   * tasks of it. */
  taker = role != QUORUM_ROLE_NONE && _quorum_request_takes_exam (request, job);
  if (role == QUORUM_ROLE_NONE || gold_for_a_taker (request, task, job) ||
      (!holds_task (request, task) && (role < QUORUM_ROLE_EDITOR || taker)))
    {
      reply_no_task (request);
      return NULL;
    }
  if (job_out != NULL)
    *job_out = g_steal_pointer (&job);
  return g_steal_pointer (&task);
}

JsonObject *
_quorum_request_own_task (QuorumRequest  *request,
                          gboolean        with_instances,
                          JsonObject    **job_out)
{
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) task = find_task (request, with_instances, &job);
  const char *kind;
  QuorumRole role;

  if (task == NULL)
    return NULL;
  /* Holding a task is not enough: a member removed from the project, or a
   * worker whose share ended, writes no more. */
  role = _quorum_request_job_role (request, job);
  if (role == QUORUM_ROLE_NONE || !holds_task (request, task) || gold_for_a_taker (request, task, job))
    {
      reply_no_task (request);
      return NULL;
    }
  kind = json_object_get_string_member (task, "kind");
  if (role < (g_str_equal (kind, "draw") ? QUORUM_ROLE_ANNOTATOR : QUORUM_ROLE_REVIEWER))
    {
      g_autofree char *message = g_strdup_printf ("your role in this project, %s, may not work on a %s task",
                                                  quorum_role_to_string (role), kind);
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden", message);
      return NULL;
    }
  if (job_out != NULL)
    *job_out = g_steal_pointer (&job);
  return g_steal_pointer (&task);
}

/* The job's guide, if it is a guide of the job's project: settings name it
 * by id, and another project's guide is not the job's to show. Its images
 * map the names they give to the project's files, which the task's viewer
 * may read (require_file in quorum-server-media.c). */
static void
add_guide (QuorumServer *server,
           JsonObject   *view,
           JsonObject   *job,
           const char   *member)
{
  JsonObject *settings = json_object_get_object_member (job, "settings");
  const char *id = json_object_get_string_member_with_default (settings, member, NULL);
  g_autoptr(JsonObject) guide = NULL;

  if (id != NULL)
    guide = quorum_store_get_guide (server->store, g_ascii_strtoll (id, NULL, 10), NULL);
  if (guide != NULL &&
      json_object_get_int_member (guide, "project") == json_object_get_int_member (job, "project"))
    {
      JsonObject *images = quorum_store_guide_image_files (server->store, json_object_get_int_member (guide, "id"),
                                                           NULL);

      json_object_set_object_member (guide, "images", images != NULL ? images : json_object_new ());
      json_object_set_object_member (view, "guide", g_steal_pointer (&guide));
    }
  else
    json_object_set_null_member (view, "guide");
}

void
_quorum_server_get_task (QuorumRequest *request)
{
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) task = require_task (request, TRUE, &job);
  g_autoptr(JsonObject) file = NULL;
  g_autoptr(JsonObject) project = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *settings;
  JsonNode *scores;
  const char *kind;

  if (task == NULL)
    return;
  kind = json_object_get_string_member (task, "kind");
  settings = json_object_get_object_member (job, "settings");
  if ((file = quorum_store_get_file (request->server->store, json_object_get_int_member (task, "file"), &error)) == NULL ||
      (project = quorum_store_get_project (request->server->store, json_object_get_int_member (job, "project"), &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* The gold standard is for exam reviewers, never in a task's view. */
  json_object_remove_member (file, "existing");
  json_object_remove_member (file, "has_existing");
  json_object_set_object_member (task, "file_info", json_object_ref (file));
  json_object_set_member (task, "labels", json_node_copy (json_object_get_member (project, "labels")));
  json_object_set_string_member (task, "job_name", json_object_get_string_member (settings, "name"));
  json_object_set_string_member (task, "job_type", json_object_get_string_member_with_default (settings, "type",
                                                                                               "normal"));
  /* The taker keeps the rule they are judged by in sight. */
  if (_quorum_server_is_exam (job) && json_object_has_member (settings, "pass_rule"))
    json_object_set_member (task, "pass_rule", json_node_copy (json_object_get_member (settings, "pass_rule")));
  add_guide (request->server, task, job, g_str_equal (kind, "draw") ? "draw_guide" : "review_guide");

  /* A job that is not blind shows a draw task's annotator the file's other
   * passes, read-only, as far as they are drawn; an exam never does. */
  if (g_str_equal (kind, "draw") && !_quorum_server_is_exam (job) &&
      !json_object_get_boolean_member_with_default (settings, "blind", TRUE))
    {
      g_autoptr(JsonNode) passes = quorum_store_file_draws (request->server->store,
                                                            json_object_get_int_member (task, "job"),
                                                            json_object_get_int_member (task, "file"), &error);
      JsonArray *others;

      if (passes == NULL)
        {
          _quorum_request_reply_error (request, error);
          return;
        }
      others = json_array_new ();
      for (guint i = 0; i < json_array_get_length (json_node_get_array (passes)); i++)
        {
          JsonObject *pass = json_array_get_object_element (json_node_get_array (passes), i);

          if (json_object_get_int_member (pass, "id") != request->ids[0] &&
              !json_object_get_null_member (pass, "assignee"))
            json_array_add_object_element (others, json_object_ref (pass));
        }
      json_object_set_array_member (task, "others", others);
    }

  if (g_str_equal (kind, "review"))
    {
      g_autoptr(JsonObject) draw = quorum_store_get_task (request->server->store,
                                                          json_object_get_int_member (task, "reviews"), &error);
      JsonObject *shown;

      if (draw == NULL)
        {
          _quorum_request_reply_error (request, error);
          return;
        }
      shown = json_object_new ();
      json_object_set_int_member (shown, "id", json_object_get_int_member (draw, "id"));
      json_object_set_string_member (shown, "state", json_object_get_string_member (draw, "state"));
      json_object_set_member (shown, "instances", json_node_copy (json_object_get_member (draw, "instances")));
      json_object_set_object_member (task, "draw", shown);
      if (_quorum_server_is_exam (job) && !_quorum_server_add_exam_view (request->server, task, &error))
        {
          _quorum_request_reply_error (request, error);
          return;
        }
    }
  else if (g_str_equal (kind, "consensus"))
    {
      JsonNode *passes = quorum_store_file_draws (request->server->store, json_object_get_int_member (task, "job"),
                                                  json_object_get_int_member (task, "file"), &error);
      if (passes == NULL)
        {
          _quorum_request_reply_error (request, error);
          return;
        }
      json_object_set_member (task, "passes", passes);
      json_object_set_int_member (task, "undo_steps",
                                  quorum_store_consensus_undo_depth (request->server->store, request->ids[0]));
      /* The client shows "Best" only where the job picks a best annotator. */
      json_object_set_string_member (task, "consensus",
                                     json_object_get_string_member_with_default (settings, "consensus",
                                                                                 "best_annotator"));
      scores = quorum_store_get_consensus_scores (request->server->store, request->ids[0]);
      json_object_set_member (task, "scores", scores != NULL ? scores : json_node_new (JSON_NODE_NULL));
    }
  if (!_quorum_server_add_comments_view (request, task, job, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), task));
}

gboolean
_quorum_request_read_version (QuorumRequest *request,
                              JsonObject    *body,
                              gboolean       required,
                              gint64        *version)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  *version = 0;
  if (!quorum_http_member_integer (body, "version", required, version, &error))
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }
  /* Versions start at 1: 0 or less would match no task, and the store
   * must never be asked to skip the check. */
  node = json_object_get_member (body, "version");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && *version < 1)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "version: must be a whole number of at least 1, the task's current version");
      return FALSE;
    }
  return TRUE;
}

void
_quorum_request_reply_task_error (QuorumRequest *request,
                                  GError        *error)
{
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT))
    {
      g_autoptr(JsonObject) task = quorum_store_get_task_state (request->server->store, request->ids[0], NULL);
      JsonObject *detail = json_object_new ();
      JsonObject *body = json_object_new ();

      json_object_set_string_member (detail, "code", "conflict");
      json_object_set_string_member (detail, "message", error->message);
      if (task != NULL)
        json_object_set_int_member (detail, "version", json_object_get_int_member (task, "version"));
      json_object_set_object_member (body, "error", detail);
      _quorum_request_reply (request, SOUP_STATUS_CONFLICT, quorum_http_object_node (body));
      return;
    }
  /* Someone else's task does not exist for the caller. */
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN))
    {
      g_autofree char *message = g_strdup_printf ("no task %" G_GINT64_FORMAT, request->ids[0]);
      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  _quorum_request_reply_error (request, error);
}

/* Every instance on a frame the file has and every track whole (one
 * instance per frame, one label and kind: quorum_tracks_check); otherwise a
 * 400 naming the first instance and field that is not. */
static gboolean
check_frames (QuorumRequest *request,
              GPtrArray     *instances,
              gint64         frames,
              const char    *field)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, i);

      if (instance->frame >= (guint) frames)
        {
          g_autofree char *message = g_strdup_printf ("%s[%u].frame: the file has %" G_GINT64_FORMAT " frame(s)",
                                                      field, i, frames);
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
          return FALSE;
        }
    }
  if (!quorum_tracks_check (instances, (guint) frames, &error))
    {
      g_autofree char *message = _quorum_server_rename_instances (error->message, field, 0, NULL);
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  const char *field;
  guint       n_before;
  GPtrArray  *before;
} Renaming;

static gboolean
rename_one (const GMatchInfo *match,
            GString          *result,
            gpointer          data)
{
  const Renaming *renaming = data;
  g_autofree char *digits = g_match_info_fetch (match, 1);
  guint64 position = g_ascii_strtoull (digits, NULL, 10);

  if (position < renaming->n_before && renaming->before != NULL)
    g_string_append_printf (result, "the task's instance “%s”",
                            ((QuorumInstance *) g_ptr_array_index (renaming->before, position))->id);
  else
    g_string_append_printf (result, "%s[%" G_GUINT64_FORMAT "]", renaming->field,
                            position - renaming->n_before);
  return FALSE;
}

char *
_quorum_server_rename_instances (const char *message,
                                 const char *field,
                                 guint       n_before,
                                 GPtrArray  *before)
{
  g_autoptr(GRegex) regex = NULL;
  Renaming renaming = { field, n_before, before };

  if (n_before == 0 && g_str_equal (field, "instances"))
    return g_strdup (message);
  /* on an error's path only: compiled when needed */
  regex = g_regex_new ("\\binstances\\[([0-9]+)\\]", 0, 0, NULL);
  return g_regex_replace_eval (regex, message, -1, 0, 0, rename_one, &renaming, NULL);
}

GPtrArray *
_quorum_request_read_task_instances (QuorumRequest *request,
                                     JsonObject    *task,
                                     JsonObject    *job,
                                     JsonNode      *list,
                                     const char    *field)
{
  g_autoptr(JsonObject) project = NULL;
  g_autoptr(JsonObject) file = NULL;
  g_autoptr(QuorumLabelSchema) schema = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  if ((project = quorum_store_get_project (request->server->store, json_object_get_int_member (job, "project"), &error)) == NULL ||
      (file = quorum_store_get_file (request->server->store, json_object_get_int_member (task, "file"), &error)) == NULL ||
      (schema = quorum_wire_read_label_schema (json_object_get_member (project, "labels"), "", &error)) == NULL ||
      (instances = quorum_wire_read_instances (list, schema, field, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  if (!check_frames (request, instances, json_object_get_int_member (file, "frames"), field))
    return NULL;
  return g_steal_pointer (&instances);
}

/* The save body {"version": N, "instances": […]} read from its bytes
 * straight into the model, without a tree of the body (a 10,000-polygon
 * save is 5 MB). FALSE when anything is off: the tree path below then
 * finds what, and says it in its words. */
static gboolean
read_save_body (QuorumRequest           *request,
                const QuorumLabelSchema *schema,
                gint64                  *version,
                GPtrArray              **instances)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) others = NULL;
  QuorumJsonReader reader;
  gboolean has_version = FALSE, ok;
  const char *name, *data;
  gsize length;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    return FALSE;
  bytes = soup_message_body_flatten (soup_server_message_get_request_body (request->msg));
  data = g_bytes_get_data (bytes, &length);
  if (length > QUORUM_WIRE_MAX_BYTES)
    return FALSE;
  quorum_json_reader_init (&reader, data != NULL ? data : "", length);
  ok = quorum_json_reader_begin_object (&reader);
  while (ok && (name = quorum_json_reader_next_member (&reader, NULL)) != NULL)
    {
      if (g_str_equal (name, "version") && !has_version)
        {
          gboolean integer = FALSE;
          double number;

          has_version = TRUE;
          ok = quorum_json_reader_peek (&reader) == QUORUM_JSON_NUMBER &&
               quorum_json_reader_read_number (&reader, &number, &integer, version) &&
               integer && *version >= 1;
        }
      else if (g_str_equal (name, "instances") && list == NULL)
        ok = (list = quorum_wire_reader_read_instances (&reader, schema)) != NULL;
      else if (g_str_equal (name, "version") || g_str_equal (name, "instances"))
        ok = FALSE;   /* twice */
      else
        {
          /* Anything else is left alone, once. */
          if (others == NULL)
            others = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          ok = g_hash_table_add (others, g_strdup (name)) && quorum_json_reader_skip (&reader);
        }
    }
  ok = ok && has_version && list != NULL && quorum_json_reader_end (&reader);
  quorum_json_reader_clear (&reader);
  if (ok)
    *instances = g_steal_pointer (&list);
  return ok;
}

void
_quorum_server_save_task (QuorumRequest *request)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) task = _quorum_request_own_task (request, FALSE, &job);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) project = NULL;
  g_autoptr(JsonObject) file = NULL;
  g_autoptr(QuorumLabelSchema) schema = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  GString *reply;
  JsonNode *list;
  gint64 version, saved;
  gsize length;

  if (task == NULL)
    return;
  if ((project = quorum_store_get_project (request->server->store, json_object_get_int_member (job, "project"), NULL)) == NULL ||
      (file = quorum_store_get_file (request->server->store, json_object_get_int_member (task, "file"), NULL)) == NULL ||
      (schema = quorum_wire_read_label_schema (json_object_get_member (project, "labels"), "", NULL)) == NULL ||
      !read_save_body (request, schema, &version, &instances))
    {
      /* The tree path, for its checks in their order and its messages. */
      if ((body = _quorum_request_body (request)) == NULL ||
          !_quorum_request_read_version (request, body, TRUE, &version))
        return;
      if ((list = json_object_get_member (body, "instances")) == NULL)
        {
          quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", "instances: is missing");
          return;
        }
      if ((instances = _quorum_request_read_task_instances (request, task, job, list, "instances")) == NULL)
        return;
    }
  else if (!check_frames (request, instances, json_object_get_int_member (file, "frames"), "instances"))
    return;
  /* The store sets who drew each instance (quorum_store_save_task) and
   * gives the instances as it wrote them, for the reply; a save it takes
   * is always at version + 1. */
  /* The reply is about the body's size: sized once, not doubled up to it. */
  reply = g_string_sized_new (soup_server_message_get_request_body (request->msg)->length + 256);
  g_string_append (reply, "{\"id\":");
  g_string_append_printf (reply, "%" G_GINT64_FORMAT ",\"version\":%" G_GINT64_FORMAT ",\"instances\":",
                          request->ids[0], version + 1);
  saved = quorum_store_save_task (request->server->store, request->ids[0], request->caller_id, version, instances,
                                  json_object_get_string_member (request->caller, "name"), reply, &error);
  if (saved < 0)
    {
      g_string_free (reply, TRUE);
      _quorum_request_reply_task_error (request, error);
      return;
    }
  g_string_append_c (reply, '}');
  length = reply->len;
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (reply, FALSE), length);
  _quorum_request_set_server_timing (request, started);
}

void
_quorum_server_submit_task (QuorumRequest *request)
{
  g_autoptr(JsonObject) task = _quorum_request_own_task (request, FALSE, NULL);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;

  if (task == NULL || (body = _quorum_request_body (request)) == NULL ||
      !_quorum_request_read_version (request, body, TRUE, &version))
    return;
  if (!quorum_store_submit_task (request->server->store, request->ids[0], request->caller_id, version, &error) ||
      (after = quorum_store_get_task_state (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_task_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), after));
  _quorum_server_score_consensus (request->server);
}

static void
decide (QuorumRequest *request,
        gboolean       accept)
{
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) task = _quorum_request_own_task (request, FALSE, &job);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) notes = NULL;
  const char *comments = NULL;
  gint64 version;

  if (task == NULL || (body = _quorum_request_body (request)) == NULL ||
      !_quorum_request_read_version (request, body, FALSE, &version))
    return;
  /* The task comment and the pinned ones (quorum-server-comments.c). */
  if ((notes = _quorum_server_read_decision_comments (request, task, body, accept, &comments)) == NULL)
    return;
  /* An exam review accepted without a rating keeps the suggested one; that
   * is a write of its own, which the decision's version then follows. */
  if (accept && g_str_equal (json_object_get_string_member (task, "kind"), "review") &&
      _quorum_server_is_exam (job) && JSON_NODE_HOLDS_NULL (json_object_get_member (task, "rating")))
    {
      g_autofree char *rating = _quorum_server_suggested_rating (request->server, task, &error);

      if (rating == NULL ||
          !quorum_store_rate_task (request->server->store, request->ids[0], request->caller_id, version, rating,
                                   &error))
        {
          _quorum_request_reply_task_error (request, error);
          return;
        }
      if (version > 0)
        version++;
    }
  if (!quorum_store_decide_review (request->server->store, request->ids[0], request->caller_id, version, accept,
                                   comments, notes, &error) ||
      (after = quorum_store_get_task_state (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_task_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), after));
  _quorum_server_score_consensus (request->server);
}

void
_quorum_server_accept_task (QuorumRequest *request)
{
  decide (request, TRUE);
}

void
_quorum_server_reject_task (QuorumRequest *request)
{
  decide (request, FALSE);
}
