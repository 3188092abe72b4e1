/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <math.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-server-private.h"

/*
 * Review comments that land (docs/api.md, "Review comments"): a decision
 * carries a task comment and comments pinned to an instance of the set it
 * is about or to a point of the image; each is a row whose author is the
 * caller. The annotator's returned task lists them, round by round; the
 * reviewer sees them again on the resubmission, with what changed since.
 */

#define MAX_COMMENT_CHARS 4000
#define MAX_PINS 200

/* A node that takes @array. */
static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

static void
reply_invalid (QuorumRequest *request,
               const char    *format,
               ...) G_GNUC_PRINTF (2, 3);

static void
reply_invalid (QuorumRequest *request,
               const char    *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
}

/* The text of @member of @object: a string with something in it, at most
 * MAX_COMMENT_CHARS characters; NULL when left out (and not @required). Else
 * replies 400 naming @field and sets *@bad. */
static const char *
read_text (QuorumRequest *request,
           JsonObject    *object,
           const char    *member,
           const char    *field,
           gboolean       required,
           gboolean      *bad)
{
  g_autoptr(GError) error = NULL;
  const char *text = quorum_http_member_string (object, member, required, &error);
  glong length;

  if (error != NULL)
    {
      /* The member's name in the message is the full field's. */
      const char *reason = strchr (error->message, ':');

      reply_invalid (request, "%s%s", field, reason != NULL ? reason : ": is not valid");
      *bad = TRUE;
      return NULL;
    }
  if (text != NULL && (length = g_utf8_strlen (text, -1)) > MAX_COMMENT_CHARS)
    {
      reply_invalid (request, "%s: at most %d characters, not %ld", field, MAX_COMMENT_CHARS, length);
      *bad = TRUE;
      return NULL;
    }
  return text;
}

static gboolean
read_coordinate (QuorumRequest *request,
                 JsonObject    *pin,
                 const char    *member,
                 guint          index,
                 gint64         size,
                 double        *value)
{
  JsonNode *node = json_object_get_member (pin, member);
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      reply_invalid (request, "pins[%u].%s: must be a number, in image pixels", index, member);
      return FALSE;
    }
  *value = type == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!isfinite (*value) || *value < 0 || *value > (double) size)
    {
      reply_invalid (request, "pins[%u].%s: %g is outside the image (0 to %" G_GINT64_FORMAT ")", index, member,
                     *value, size);
      return FALSE;
    }
  return TRUE;
}

/* A point pin's optional "frame", for a video: one the file has. */
static gboolean
read_frame (QuorumRequest *request,
            JsonObject    *pin,
            guint          index,
            gint64         frames,
            gint64        *frame)
{
  JsonNode *node = json_object_get_member (pin, "frame");

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0 || json_node_get_int (node) >= frames)
    {
      reply_invalid (request, "pins[%u].frame: a frame number from 0, and the file has %" G_GINT64_FORMAT
                     " frame(s)", index, frames);
      return FALSE;
    }
  *frame = json_node_get_int (node);
  return TRUE;
}

/* The draw task of @draws (rows with "id" and "instances") whose set holds
 * the instance @id, or 0. */
static gint64
draw_holding (JsonArray  *draws,
              const char *id)
{
  for (guint i = 0; i < json_array_get_length (draws); i++)
    {
      JsonObject *draw = json_array_get_object_element (draws, i);
      JsonArray *instances = json_object_get_array_member (draw, "instances");

      for (guint j = 0; j < json_array_get_length (instances); j++)
        {
          JsonObject *instance = json_array_get_object_element (instances, j);

          if (g_strcmp0 (json_object_get_string_member_with_default (instance, "id", NULL), id) == 0)
            return json_object_get_int_member (draw, "id");
        }
    }
  return 0;
}

/* The draw tasks a decision on @task (a review or consensus task) is
 * about, with their instances: a JSON array of objects. */
static JsonNode *
decided_draws (QuorumRequest  *request,
               JsonObject     *task,
               GError        **error)
{
  if (g_str_equal (json_object_get_string_member (task, "kind"), "consensus"))
    return quorum_store_file_draws (request->server->store, json_object_get_int_member (task, "job"),
                                    json_object_get_int_member (task, "file"), error);
  if (g_str_equal (json_object_get_string_member (task, "kind"), "review"))
    {
      JsonObject *draw = quorum_store_get_task (request->server->store, json_object_get_int_member (task, "reviews"),
                                                error);
      JsonArray *array;

      if (draw == NULL)
        return NULL;
      array = json_array_new ();
      json_array_add_object_element (array, draw);
      return array_node (array);
    }
  /* A draw task is not decided; the store says so in its words. */
  return array_node (json_array_new ());
}

static JsonObject *
note_new (gint64      draw_id,
          const char *text)
{
  JsonObject *note = json_object_new ();

  json_object_set_int_member (note, "task", draw_id);
  json_object_set_string_member (note, "text", text);
  return note;
}

JsonArray *
_quorum_server_read_decision_comments (QuorumRequest  *request,
                                       JsonObject     *task,
                                       JsonObject     *body,
                                       gboolean        accept,
                                       const char    **comment_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) draws_node = NULL;
  g_autoptr(JsonObject) file = NULL;
  g_autoptr(JsonArray) notes = json_array_new ();
  JsonNode *pins_node = json_object_get_member (body, "pins");
  JsonArray *draws, *pins = NULL;
  const char *comment;
  gboolean bad = FALSE;

  /* "comment", or "comments" as clients before pins sent it. */
  if (json_object_has_member (body, "comment") && !JSON_NODE_HOLDS_NULL (json_object_get_member (body, "comment")))
    comment = read_text (request, body, "comment", "comment", FALSE, &bad);
  else
    comment = read_text (request, body, "comments", "comments", FALSE, &bad);
  if (bad)
    return NULL;
  if (comment == NULL && !accept)
    {
      reply_invalid (request, "comment: say what to change when rejecting (a task comment: comment, or "
                              "comments as before)");
      return NULL;
    }
  if (pins_node != NULL && !JSON_NODE_HOLDS_NULL (pins_node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (pins_node))
        {
          reply_invalid (request, "pins: must be a list of {\"text\", \"instance\"} or {\"text\", \"x\", \"y\"}");
          return NULL;
        }
      pins = json_node_get_array (pins_node);
      if (json_array_get_length (pins) > MAX_PINS)
        {
          reply_invalid (request, "pins: at most %d pins, not %u", MAX_PINS, json_array_get_length (pins));
          return NULL;
        }
    }
  if ((draws_node = decided_draws (request, task, &error)) == NULL ||
      (file = quorum_store_get_file (request->server->store, json_object_get_int_member (task, "file"),
                                     &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  draws = json_node_get_array (draws_node);
  /* The task comment is about every set the decision is about. */
  for (guint i = 0; comment != NULL && i < json_array_get_length (draws); i++)
    json_array_add_object_element (notes, note_new (json_object_get_int_member (json_array_get_object_element (draws, i),
                                                                                "id"), comment));
  for (guint i = 0; pins != NULL && i < json_array_get_length (pins); i++)
    {
      JsonNode *node = json_array_get_element (pins, i);
      g_autofree char *field = g_strdup_printf ("pins[%u].text", i);
      JsonObject *pin;
      const char *text;
      gboolean has_point;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          reply_invalid (request, "pins[%u]: must be {\"text\", \"instance\"} or {\"text\", \"x\", \"y\"}", i);
          return NULL;
        }
      pin = json_node_get_object (node);
      if ((text = read_text (request, pin, "text", field, TRUE, &bad)) == NULL)
        return NULL;
      has_point = json_object_has_member (pin, "x") || json_object_has_member (pin, "y");
      if (json_object_has_member (pin, "instance") == has_point)
        {
          reply_invalid (request, "pins[%u]: pin to an instance (instance) or to a point (x and y), %s", i,
                         has_point ? "not both" : "one of them");
          return NULL;
        }
      if (has_point)
        {
          double x, y;

          gint64 frame = -1;

          if (!read_coordinate (request, pin, "x", i, json_object_get_int_member (file, "width"), &x) ||
              !read_coordinate (request, pin, "y", i, json_object_get_int_member (file, "height"), &y) ||
              !read_frame (request, pin, i, json_object_get_int_member (file, "frames"), &frame))
            return NULL;
          /* A point of the image is on every set of it. */
          for (guint j = 0; j < json_array_get_length (draws); j++)
            {
              JsonObject *note = note_new (json_object_get_int_member (json_array_get_object_element (draws, j),
                                                                       "id"), text);

              json_object_set_double_member (note, "x", x);
              json_object_set_double_member (note, "y", y);
              if (frame >= 0)
                json_object_set_int_member (note, "frame", frame);
              json_array_add_object_element (notes, note);
            }
        }
      else
        {
          JsonNode *id = json_object_get_member (pin, "instance");
          gint64 draw_id = 0;
          JsonObject *note;

          if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
            {
              reply_invalid (request, "pins[%u].instance: must be an instance id (a string)", i);
              return NULL;
            }
          if ((draw_id = draw_holding (draws, json_node_get_string (id))) == 0)
            {
              reply_invalid (request, "pins[%u].instance: no instance “%s” in this task", i,
                             json_node_get_string (id));
              return NULL;
            }
          note = note_new (draw_id, text);
          json_object_set_string_member (note, "instance", json_node_get_string (id));
          json_array_add_object_element (notes, note);
        }
    }
  *comment_out = comment;
  return g_steal_pointer (&notes);
}

/* ---- reading them ------------------------------------------------------ */

static gboolean
holds_task (QuorumRequest *request,
            JsonObject    *task)
{
  JsonNode *assignee = json_object_get_member (task, "assignee");

  return assignee != NULL && !JSON_NODE_HOLDS_NULL (assignee) && json_node_get_int (assignee) == request->caller_id;
}

/* What of @comments (of the draw task @draw_id, on @file_id) the caller may
 * see. An exam's taker sees the comments on their attempt once it is
 * decided, as its result (docs/exams.md), and a point pin, which may mark
 * where a gold instance is, only when the exam shows its answers; whoever
 * takes an exam on the file, this job's or another's, reads no point pin. */
static JsonNode *
visible_comments (QuorumRequest *request,
                  JsonObject    *job,
                  gint64         draw_id,
                  gint64         file_id,
                  JsonNode      *comments)
{
  JsonObject *settings = json_object_get_object_member (job, "settings");
  JsonArray *array = json_node_get_array (comments);
  gboolean taker, show_points;
  JsonArray *kept;

  if (json_array_get_length (array) == 0)
    return comments;
  taker = _quorum_server_is_exam (job) && _quorum_request_takes_exam (request, job);
  if (!taker && !quorum_store_takes_exam_on_file (request->server->store, request->caller_id, file_id))
    return comments;
  show_points = taker && json_object_get_boolean_member_with_default (settings, "show_answers", FALSE);
  kept = json_array_new ();
  if (!taker || quorum_store_task_attempt_decided (request->server->store, draw_id))
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *comment = json_array_get_object_element (array, i);
        JsonNode *pin = json_object_get_member (comment, "pin");

        if (JSON_NODE_HOLDS_OBJECT (pin) && json_object_has_member (json_node_get_object (pin), "x") && !show_points)
          json_object_set_null_member (comment, "pin");
        json_array_add_object_element (kept, json_object_ref (comment));
      }
  json_node_unref (comments);
  return array_node (kept);
}

/* Adds to @view the comments about @task (a task row: a draw task's own, a
 * review task's draw task's, or those written with a consensus task's
 * decisions) as @member, and for a review task, or a draw task when
 * @own_changes, "changed_since": what changed in the draw task's set since
 * it was last rejected (null when it never was). */
static gboolean
add_comments (QuorumRequest  *request,
              JsonObject     *task,
              JsonObject     *job,
              JsonObject     *view,
              const char     *member,
              gboolean        own_changes,
              GError        **error)
{
  const char *kind = json_object_get_string_member (task, "kind");
  g_autoptr(GError) local_error = NULL;
  JsonObject *changed;
  JsonNode *comments;
  gint64 draw_id, annotator = 0;

  if (g_str_equal (kind, "consensus"))
    {
      if ((comments = quorum_store_review_comments (request->server->store, json_object_get_int_member (task, "id"),
                                                    error)) == NULL)
        return FALSE;
      json_object_set_member (view, member, comments);
      return TRUE;
    }
  draw_id = g_str_equal (kind, "draw") ? json_object_get_int_member (task, "id")
                                       : json_object_get_int_member (task, "reviews");
  if ((comments = quorum_store_draw_comments (request->server->store, draw_id, 0, error)) == NULL)
    return FALSE;
  /* The draw task's holder, when that is all they are, reads the rounds
   * that judged their own work: a task released and taken by someone else
   * starts blind, its comments on the previous holder's set included.
   * (Asked only when there are comments: every fetch of a task comes here.) */
  if (json_array_get_length (json_node_get_array (comments)) > 0 && g_str_equal (kind, "draw") &&
      holds_task (request, task) &&
      (_quorum_request_job_role (request, job) < QUORUM_ROLE_EDITOR || _quorum_request_takes_exam (request, job)))
    {
      annotator = request->caller_id;
      json_node_unref (comments);
      if ((comments = quorum_store_draw_comments (request->server->store, draw_id, annotator, error)) == NULL)
        return FALSE;
    }
  json_object_set_member (view, member, visible_comments (request, job, draw_id,
                                                                 json_object_get_int_member (task, "file"), comments));
  if (g_str_equal (kind, "draw") && !own_changes)
    return TRUE;
  changed = quorum_store_changed_since (request->server->store, draw_id, annotator, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (changed != NULL)
    json_object_set_object_member (view, "changed_since", changed);
  else
    json_object_set_null_member (view, "changed_since");
  return TRUE;
}

gboolean
_quorum_server_add_comments_view (QuorumRequest  *request,
                                  JsonObject     *view,
                                  JsonObject     *job,
                                  GError        **error)
{
  return add_comments (request, view, job, view, "review_comments", FALSE, error);
}

/* GET /tasks/{id}/comments: for the draw task's assignee, whoever holds
 * its review task or its file's consensus task, and editors and admins of
 * the project who do not take the exam it belongs to; for a review or
 * consensus task, its holder and those editors. Anyone else is told there
 * is no such task, as for GET /tasks/{id}. */
void
_quorum_server_task_comments (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) task = quorum_store_get_task_state (request->server->store, request->ids[0], NULL);
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) reply = NULL;
  QuorumRole role = QUORUM_ROLE_NONE;
  gboolean allowed = FALSE;
  const char *kind = NULL;

  if (task != NULL)
    job = quorum_store_get_job (request->server->store, json_object_get_int_member (task, "job"), FALSE, NULL);
  if (job != NULL && (role = _quorum_request_job_role (request, job)) != QUORUM_ROLE_NONE)
    {
      gboolean holds = holds_task (request, task);

      kind = json_object_get_string_member (task, "kind");
      /* An exam's taker reaches only their own draw tasks of it. */
      if (_quorum_request_takes_exam (request, job))
        allowed = holds && g_str_equal (kind, "draw");
      else
        allowed = holds || role >= QUORUM_ROLE_EDITOR ||
                  (g_str_equal (kind, "draw") &&
                   quorum_store_reviews_draw (request->server->store, request->ids[0], request->caller_id));
    }
  if (!allowed)
    {
      g_autofree char *message = g_strdup_printf ("no task %" G_GINT64_FORMAT, request->ids[0]);

      quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "task", request->ids[0]);
  json_object_set_string_member (reply, "kind", kind);
  if (g_str_equal (kind, "draw"))
    json_object_set_int_member (reply, "draw", request->ids[0]);
  else if (g_str_equal (kind, "review"))
    json_object_set_int_member (reply, "draw", json_object_get_int_member (task, "reviews"));
  else
    json_object_set_null_member (reply, "draw");
  if (!add_comments (request, task, job, reply, "comments", TRUE, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!json_object_has_member (reply, "changed_since"))
    json_object_set_null_member (reply, "changed_since");
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (g_steal_pointer (&reply)));
}
