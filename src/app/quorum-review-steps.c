/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "quorum-review-panel-private.h"
#include "quorum-wire.h"

/*
 * What the review panel sends to the server: the exam rating, the
 * consensus steps and the decision, all through the outbox
 * (docs/offline.md), so that they are kept before they are sent, go in
 * order and survive a killed app or a server that does not answer.
 */

/* ---- the exam rating ---------------------------------------------------------- */

static JsonNode *
rating_body (QuorumReviewPanel *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stars");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, self->stars);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_int_value (builder, GPOINTER_TO_UINT (value));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "missing");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->missing);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    json_builder_add_string_value (builder, key);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The whole rating into the outbox (docs/offline.md): it goes when the
 * server answers, and a newer one replaces one still waiting. */
static void
save_rating (QuorumReviewPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;
  body = rating_body (self);
  text = json_to_string (body, FALSE);
  if (quorum_cache_queue_review (quorum_session_get_cache (self->session), self->task_id, QUORUM_CACHE_OP_RATING,
                                 text, NULL, &error) == 0)
    {
      g_autofree char *message = g_strdup_printf (_("The rating could not be kept: %s"), error->message);

      _quorum_review_panel_toast (self, message);
    }
}

static void
rate_activated (GSimpleAction *simple,
                GVariant      *parameter,
                gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  const char *layer = NULL;
  const QuorumInstance *instance = quorum_canvas_get_selected_layer_instance (self->canvas, &layer);
  int stars = g_variant_get_int32 (parameter);

  if (instance == NULL || g_strcmp0 (layer, QUORUM_REVIEW_LAYER_CANDIDATE) != 0 || stars < 1 || stars > 5)
    return;
  g_hash_table_replace (self->stars, g_strdup (_quorum_review_rating_key (instance)), GINT_TO_POINTER (stars));
  _quorum_review_panel_update_selection (self);
  _quorum_review_panel_fill_exam_summary (self);
  save_rating (self);
}

static void
missing_changed (GSimpleAction *simple,
                 GVariant      *state,
                 gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  const char *layer = NULL;
  const QuorumInstance *instance = quorum_canvas_get_selected_layer_instance (self->canvas, &layer);
  gboolean missing = g_variant_get_boolean (state);

  g_simple_action_set_state (simple, state);
  if (instance == NULL || g_strcmp0 (layer, QUORUM_REVIEW_LAYER_GOLD) != 0 ||
      missing == g_hash_table_contains (self->missing, _quorum_review_rating_key (instance)))
    return;
  if (missing)
    g_hash_table_add (self->missing, g_strdup (_quorum_review_rating_key (instance)));
  else
    g_hash_table_remove (self->missing, _quorum_review_rating_key (instance));
  _quorum_review_panel_write_missing_notes (self);
  _quorum_review_panel_fill_exam_summary (self);
  save_rating (self);
}

/* ---- consensus steps ------------------------------------------------------------- */

/* A copy of @instance for the ground truth, as the server makes one: a new
 * id, copied from the original, the rest (author included) kept. */
static JsonNode *
copy_of (const QuorumInstance *instance)
{
  JsonNode *node = quorum_wire_write_instance (instance);
  g_autofree char *id = g_uuid_string_random ();

  json_object_set_string_member (json_node_get_object (node), "id", id);
  json_object_set_string_member (json_node_get_object (node), "copied_from", instance->id);
  return node;
}

/* What @step leaves of the ground truth, as the server would compute it, to
 * show until its answer: NULL when it cannot be told here (an Undo of a step
 * from before this opening). */
static JsonNode *
expected_output (QuorumReviewPanel *self,
                 const char        *step,
                 JsonObject        *body)
{
  g_autoptr(GPtrArray) output = _quorum_review_panel_get_own (self);
  g_autoptr(GHashTable) copied = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *result = json_array_new ();
  g_autoptr(GPtrArray) pass = NULL;
  JsonObject *pass_view;

  if (g_str_equal (step, "undo"))
    {
      json_array_unref (result);
      if (self->outputs->len == 0)
        return NULL;
      return quorum_wire_parse_bytes (g_ptr_array_index (self->outputs, self->outputs->len - 1),
                                      strlen (g_ptr_array_index (self->outputs, self->outputs->len - 1)), NULL);
    }
  if (g_str_equal (step, "clear"))
    return json_node_init_array (json_node_alloc (), result);
  pass_view = _quorum_review_panel_find_pass (self, json_object_get_int_member_with_default (
                                                      body, g_str_equal (step, "best") ? "pass" : "from", 0));
  pass = _quorum_review_read_instances (pass_view, "instances");
  if (g_str_equal (step, "copy") && !json_object_get_boolean_member_with_default (body, "replace", FALSE))
    for (guint i = 0; i < output->len; i++)
      {
        QuorumInstance *instance = g_ptr_array_index (output, i);

        json_array_add_element (result, quorum_wire_write_instance (instance));
        if (instance->copied_from != NULL)
          g_hash_table_add (copied, instance->copied_from);
      }
  if (g_str_equal (step, "copy") && json_object_has_member (body, "instances"))
    {
      JsonArray *ids = json_object_get_array_member (body, "instances");

      for (guint k = 0; k < json_array_get_length (ids); k++)
        for (guint i = 0; i < pass->len; i++)
          if (g_strcmp0 (((QuorumInstance *) g_ptr_array_index (pass, i))->id,
                         json_array_get_string_element (ids, k)) == 0)
            json_array_add_element (result, copy_of (g_ptr_array_index (pass, i)));
    }
  else
    for (guint i = 0; i < pass->len; i++)
      if (!g_hash_table_contains (copied, ((QuorumInstance *) g_ptr_array_index (pass, i))->id))
        json_array_add_element (result, copy_of (g_ptr_array_index (pass, i)));
  return json_node_init_array (json_node_alloc (), result);
}

/* Shows @instances (a JSON array) as the ground truth, not as an edit. */
static void
show_output (QuorumReviewPanel *self,
             JsonNode          *instances)
{
  g_autoptr(GPtrArray) model = NULL;

  if (instances != NULL)
    model = quorum_wire_read_instances (instances, NULL, "instances", NULL);
  if (model != NULL)
    _quorum_review_panel_set_own (self, model);
}

/* Whether a consensus step of the task waits in the outbox: the ground
 * truth shown is the one expected, and hand edits wait for the server's
 * (whose copies have the server's ids). */
static gboolean
steps_waiting (QuorumReviewPanel *self)
{
  g_autofree char *queued = quorum_cache_get_queued (quorum_session_get_cache (self->session), self->task_id,
                                                     QUORUM_CACHE_OP_CONSENSUS);

  return queued != NULL;
}

/* The server answered every step: its output (ids, authors, sources), the
 * best and how many steps it can undo are what the cache now holds. */
static void
take_server_output (QuorumReviewPanel *self)
{
  QuorumCache *cache = quorum_session_get_cache (self->session);
  g_autoptr(JsonNode) view = quorum_cache_get_task (cache, self->task_id, NULL);
  g_autoptr(GPtrArray) instances = quorum_cache_read_local_instances (cache, self->task_id, NULL);
  JsonObject *object = view != NULL ? json_node_get_object (view) : NULL;
  JsonNode *scores = object != NULL ? json_object_get_member (object, "scores") : NULL;

  self->steps_waiting = FALSE;
  g_ptr_array_set_size (self->outputs, 0);
  if (object != NULL)
    {
      self->undo_steps = json_object_get_int_member_with_default (object, "undo_steps", self->undo_steps);
      json_object_set_int_member (self->view, "version",
                                  json_object_get_int_member_with_default (object, "version", 0));
      if (scores != NULL && JSON_NODE_HOLDS_OBJECT (scores) && _quorum_review_panel_scores (self) != NULL)
        json_object_set_int_member (_quorum_review_panel_scores (self), "best",
                                    json_object_get_int_member_with_default (json_node_get_object (scores), "best", 0));
    }
  if (instances != NULL)
    _quorum_review_panel_set_own (self, instances);
  quorum_canvas_set_editable (self->canvas, TRUE);
  _quorum_review_panel_fill_consensus_legend (self);
  _quorum_review_panel_update_actions (self);
}

/* What a step did, with Undo (an Undo itself only says so): the output
 * before the step goes on the stack that review.undo-step takes from. */
static const char *annotator_of (QuorumReviewPanel *self,
                                 gint64             pass_id);

static void
announce_step (QuorumReviewPanel *self,
               const char        *step,
               JsonObject        *body,
               guint              copied)
{
  g_autofree char *message = NULL;

  if (g_str_equal (step, "undo"))
    {
      _quorum_review_panel_toast (self, _("The ground truth is back as it was"));
      return;
    }
  if (g_str_equal (step, "best"))
    message = g_strdup_printf (_("The ground truth is now a copy of %s’s set"),
                               annotator_of (self, json_object_get_int_member_with_default (body, "pass", 0)));
  else if (g_str_equal (step, "copy"))
    {
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance copied to the ground truth",
                                              "%u instances copied to the ground truth", copied), copied);
    }
  else
    message = g_strdup (_("The ground truth starts over, empty"));
  _quorum_review_panel_toast_with_undo (self, message, "review.undo-step");
}

/* Queues POST /tasks/{id}/consensus/@step (@body has the step's own
 * members; the version is the outbox's) and shows at once what it is
 * expected to leave. Steps go in order after the edits before them, an
 * Undo after the step it takes back. */
static void
consensus_step (QuorumReviewPanel *self,
                const char        *step,
                JsonObject        *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *payload_text = NULL;
  g_autofree char *expected_text = NULL;
  g_autofree char *before_text = NULL;
  g_autoptr(GPtrArray) output = NULL;
  guint n_before;

  if (self->session == NULL || self->kind != QUORUM_REVIEW_CONSENSUS || self->decision != 0)
    return;
  output = _quorum_review_panel_get_own (self);
  n_before = output->len;
  before = quorum_wire_write_instances (output);
  expected = expected_output (self, step, body);
  json_object_set_string_member (body, "step", step);
  payload = json_node_init_object (json_node_alloc (), json_object_ref (body));
  payload_text = json_to_string (payload, FALSE);
  expected_text = expected != NULL ? json_to_string (expected, FALSE) : NULL;
  if (quorum_cache_queue_review (quorum_session_get_cache (self->session), self->task_id,
                                 QUORUM_CACHE_OP_CONSENSUS, payload_text, expected_text, &error) == 0)
    {
      g_autofree char *message = g_strdup_printf (_("The step could not be kept: %s"), error->message);

      _quorum_review_panel_toast (self, message);
      return;
    }
  /* The output before each step, for an Undo shown before the server's. */
  if (g_str_equal (step, "undo"))
    {
      if (self->outputs->len > 0)
        g_ptr_array_set_size (self->outputs, self->outputs->len - 1);
      self->undo_steps = MAX (self->undo_steps - 1, 0);
    }
  else
    {
      before_text = json_to_string (before, FALSE);
      g_ptr_array_add (self->outputs, g_steal_pointer (&before_text));
      self->undo_steps++;
    }
  self->steps_waiting = TRUE;
  quorum_canvas_set_editable (self->canvas, FALSE);
  show_output (self, expected);
  _quorum_review_panel_fill_consensus_legend (self);
  _quorum_review_panel_update_actions (self);
  if (g_str_equal (step, "undo") && expected == NULL)
    _quorum_review_panel_toast (self, _("The ground truth comes back as it was once the server answers"));
  else
    announce_step (self, step, body,
                   expected != NULL && JSON_NODE_HOLDS_ARRAY (expected)
                   ? json_array_get_length (json_node_get_array (expected)) - (g_str_equal (step, "copy") &&
                     !json_object_get_boolean_member_with_default (body, "replace", FALSE) ? n_before : 0)
                   : 0);
  if (self->watched_sync != NULL)
    quorum_sync_retry_now (self->watched_sync);
}

/* Whether the ground truth holds work of the reviewer's own: edited since
 * a step set it, or holding an instance that is nobody's copy. */
static gboolean
output_is_edited (QuorumReviewPanel *self)
{
  g_autoptr(GPtrArray) output = NULL;

  /* Each step sets the ground truth anew, with an empty history: what the
   * canvas can undo is the reviewer's since. */
  if (quorum_canvas_can_undo (self->canvas))
    return TRUE;
  output = _quorum_review_panel_get_own (self);
  for (guint i = 0; i < output->len; i++)
    if (((QuorumInstance *) g_ptr_array_index (output, i))->copied_from == NULL)
      return TRUE;
  return FALSE;
}

static void
consensus_response (AdwMessageDialog  *dialog,
                    const char        *response,
                    QuorumReviewPanel *self)
{
  gint64 task = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "task"));
  gint64 pass = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "pass"));
  g_autoptr(JsonObject) body = json_object_new ();

  if (task != self->task_id)
    return;
  if (g_str_equal (response, "best"))
    {
      json_object_set_int_member (body, "pass", pass);
      consensus_step (self, "best", body);
    }
  else if (g_str_equal (response, "add") || g_str_equal (response, "replace"))
    {
      json_object_set_int_member (body, "from", pass);
      if (g_str_equal (response, "replace"))
        json_object_set_boolean_member (body, "replace", TRUE);
      consensus_step (self, "copy", body);
    }
}

static AdwMessageDialog *
consensus_dialog (QuorumReviewPanel *self,
                  gint64             pass,
                  const char        *heading,
                  const char        *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                                         heading, body));

  g_object_set_data (G_OBJECT (dialog), "task", GSIZE_TO_POINTER (self->task_id));
  g_object_set_data (G_OBJECT (dialog), "pass", GSIZE_TO_POINTER (pass));
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (consensus_response), self, 0);
  return dialog;
}

static const char *
annotator_of (QuorumReviewPanel *self,
              gint64             pass_id)
{
  JsonObject *pass = _quorum_review_panel_find_pass (self, pass_id);

  return pass != NULL ? json_object_get_string_member_with_default (pass, "annotator", "?") : "?";
}

/* Mark as Best replaces the ground truth: over the reviewer's own edits it
 * asks first. */
static void
mark_best_activated (GSimpleAction *simple,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  g_autoptr(JsonObject) body = json_object_new ();
  gint64 pass = g_variant_get_int64 (parameter);
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;

  if (self->canvas == NULL || quorum_canvas_get_n_instances (self->canvas) == 0 || !output_is_edited (self))
    {
      json_object_set_int_member (body, "pass", pass);
      consensus_step (self, "best", body);
      return;
    }
  text = g_strdup_printf (_("The ground truth holds your edits. Marking %s’s set as best replaces it with a "
                            "copy of that set; Undo brings your edits back."), annotator_of (self, pass));
  dialog = consensus_dialog (self, pass, _("Replace Your Edited Ground Truth?"), text);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "best", _("_Mark as Best"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "best", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Copy to Ground Truth over a ground truth that holds instances asks
 * whether to add the set to them or to put it in their place. */
static void
copy_set_activated (GSimpleAction *simple,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  g_autoptr(JsonObject) body = json_object_new ();
  gint64 pass = g_variant_get_int64 (parameter);
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  guint n;

  if (self->canvas == NULL || (n = quorum_canvas_get_n_instances (self->canvas)) == 0)
    {
      json_object_set_int_member (body, "from", pass);
      consensus_step (self, "copy", body);
      return;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The ground truth already holds %u instance. Add %s’s set to it, or "
                                       "replace it with that set?",
                                       "The ground truth already holds %u instances. Add %s’s set to them, or "
                                       "replace them with that set?", n),
                          n, annotator_of (self, pass));
  dialog = consensus_dialog (self, pass, _("Add or Replace?"), text);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "replace", _("_Replace"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Undo of the last consensus step: the server brings back the output (and
 * the best) from before it, as a new version; authors and sources stay
 * the server's. */
static void
undo_step_activated (GSimpleAction *simple,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  g_autoptr(JsonObject) body = json_object_new ();

  if (self->undo_steps == 0)
    return;
  consensus_step (self, "undo", body);
}

static void
copy_instance_activated (GSimpleAction *simple,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  const char *layer = NULL;
  const QuorumInstance *instance = quorum_canvas_get_selected_layer_instance (self->canvas, &layer);
  g_autoptr(JsonObject) body = json_object_new ();
  JsonArray *ids = json_array_new ();

  if (instance == NULL || _quorum_review_panel_pass_annotator (self, layer) == NULL)
    {
      json_array_unref (ids);
      return;
    }
  json_object_set_int_member (body, "from", g_ascii_strtoll (layer, NULL, 10));
  if (instance->track_id != NULL)
    {
      /* On a video the whole track: every instance the pass stores of it
       * (the frame shows one, perhaps interpolated, which is not stored). */
      JsonObject *pass_view = _quorum_review_panel_find_pass (self, g_ascii_strtoll (layer, NULL, 10));
      g_autoptr(GPtrArray) pass = pass_view != NULL ? _quorum_review_read_instances (pass_view, "instances") : NULL;

      for (guint i = 0; pass != NULL && i < pass->len; i++)
        {
          const QuorumInstance *stored = g_ptr_array_index (pass, i);

          if (g_strcmp0 (stored->track_id, instance->track_id) == 0)
            json_array_add_string_element (ids, stored->id);
        }
    }
  else
    json_array_add_string_element (ids, instance->id);
  json_object_set_array_member (body, "instances", ids);
  consensus_step (self, "copy", body);
}

static void
clear_activated (GSimpleAction *simple,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  consensus_step (user_data, "clear", body);
}

/* ---- the decision ------------------------------------------------------------- */

void
_quorum_review_panel_stop_waiting (QuorumReviewPanel *self)
{
  if (self->watched_sync != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_sync, self);
  if (self->watched_cache != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_cache, self);
  g_clear_object (&self->watched_sync);
  g_clear_object (&self->watched_cache);
}

static gboolean
decision_waiting (QuorumReviewPanel *self)
{
  QuorumCache *cache = quorum_session_get_cache (self->session);
  g_autofree char *accept = quorum_cache_get_queued (cache, self->task_id, QUORUM_CACHE_OP_ACCEPT);
  g_autofree char *reject = quorum_cache_get_queued (cache, self->task_id, QUORUM_CACHE_OP_REJECT);

  return accept != NULL || reject != NULL;
}

static guint
count_conflicts (QuorumReviewPanel *self)
{
  g_autoptr(GPtrArray) conflicts = quorum_cache_list_conflicts (quorum_session_get_cache (self->session),
                                                                self->task_id, NULL);

  return conflicts != NULL ? conflicts->len : 0;
}

/* The gold score the server gave the last rating it took: a rating in
 * the outbox has none yet. */
static void
take_gold_score (QuorumReviewPanel *self)
{
  QuorumCache *cache = quorum_session_get_cache (self->session);
  g_autofree char *queued = quorum_cache_get_queued (cache, self->task_id, QUORUM_CACHE_OP_RATING);
  g_autoptr(JsonNode) view = queued == NULL ? quorum_cache_get_task (cache, self->task_id, NULL) : NULL;
  JsonNode *rating = view != NULL ? json_object_get_member (json_node_get_object (view), "rating") : NULL;

  if (rating == NULL || !JSON_NODE_HOLDS_OBJECT (rating))
    return;
  self->gold_score = json_object_get_double_member_with_default (json_node_get_object (rating), "gold_score",
                                                                 self->gold_score);
  _quorum_review_panel_fill_exam_summary (self);
}

/* Follows the task's review operations through the outbox: a decision
 * that left it was taken by the server (time for the next task) unless it
 * left through a conflict the reviewer settled with the server's side; a
 * step the server answered brings its output. */
static void
on_outbox_changed (QuorumReviewPanel *self)
{
  gboolean accepted = self->decision > 0;

  if (self->session == NULL || self->kind == QUORUM_REVIEW_NONE)
    return;
  if (self->steps_waiting && !steps_waiting (self) &&
      !quorum_cache_in_conflict (quorum_session_get_cache (self->session), self->task_id))
    take_server_output (self);
  if (self->kind == QUORUM_REVIEW_EXAM)
    take_gold_score (self);
  if (self->decision == 0 || decision_waiting (self))
    return;
  self->decision = 0;
  g_clear_pointer (&self->comments, g_free);
  _quorum_review_panel_update_actions (self);
  if (count_conflicts (self) > self->conflicts_before)
    {
      _quorum_review_panel_toast (self, _("Your decision was not taken: the task was decided elsewhere first"));
      return;
    }
  _quorum_review_panel_toast (self, accepted ? _("Accepted")
                                    : self->kind == QUORUM_REVIEW_CONSENSUS ? _("Sent back to the file’s annotators")
                                    : _("Sent back to the annotator"));
  g_signal_emit_by_name (self, "decided", self->task_id, self->job_id, accepted);
}

/* A decision waiting while the server does not answer: said once. */
static void
on_sync_state (QuorumReviewPanel *self)
{
  if (self->decision == 0 || self->told_offline || self->watched_sync == NULL ||
      quorum_sync_get_state (self->watched_sync) != QUORUM_SYNC_OFFLINE)
    return;
  self->told_offline = TRUE;
  _quorum_review_panel_toast (self, self->decision > 0
                                    ? _("Accepted on this computer: it is sent when the server answers")
                                    : _("Rejected on this computer: it is sent when the server answers"));
}

/* Watches the outbox for the open task (called when a review task opens):
 * a decision or steps queued earlier, even by an app since killed, are
 * shown as waiting. */
void
_quorum_review_panel_watch_outbox (QuorumReviewPanel *self)
{
  QuorumCache *cache = quorum_session_get_cache (self->session);
  g_autofree char *accept = quorum_cache_get_queued (cache, self->task_id, QUORUM_CACHE_OP_ACCEPT);
  g_autofree char *reject = quorum_cache_get_queued (cache, self->task_id, QUORUM_CACHE_OP_REJECT);

  _quorum_review_panel_stop_waiting (self);
  self->watched_cache = g_object_ref (cache);
  g_set_object (&self->watched_sync, quorum_session_get_sync (self->session));
  g_signal_connect_object (cache, "outbox-changed", G_CALLBACK (on_outbox_changed), self, G_CONNECT_SWAPPED);
  if (self->watched_sync != NULL)
    g_signal_connect_object (self->watched_sync, "notify::state", G_CALLBACK (on_sync_state), self,
                             G_CONNECT_SWAPPED);
  self->conflicts_before = count_conflicts (self);
  self->told_offline = FALSE;
  if (accept != NULL || reject != NULL)
    self->decision = accept != NULL ? 1 : -1;
  if (self->kind == QUORUM_REVIEW_CONSENSUS && steps_waiting (self))
    {
      self->steps_waiting = TRUE;
      quorum_canvas_set_editable (self->canvas, FALSE);
    }
}

/* The decision, with the task comment and the pins, into the outbox after
 * everything the reviewer did before it; the panel shows it taken. */
static void
decide (QuorumReviewPanel *self,
        int                decision,
        const char        *comments)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (self->kind == QUORUM_REVIEW_NONE || self->session == NULL || self->decision != 0)
    return;
  if (comments != NULL)
    json_object_set_string_member (body, "comment", comments);
  if (json_array_get_length (self->pins) > 0)
    json_object_set_array_member (body, "pins", json_array_ref (self->pins));
  node = json_node_init_object (json_node_alloc (), json_object_ref (body));
  text = json_to_string (node, FALSE);
  self->conflicts_before = count_conflicts (self);
  if (quorum_cache_queue_review (quorum_session_get_cache (self->session), self->task_id,
                                 decision > 0 ? QUORUM_CACHE_OP_ACCEPT : QUORUM_CACHE_OP_REJECT, text, NULL,
                                 &error) == 0)
    {
      g_autofree char *message = g_strdup_printf (_("The decision could not be kept: %s"), error->message);

      _quorum_review_panel_toast (self, message);
      return;
    }
  self->decision = decision;
  g_free (self->comments);
  self->comments = g_strdup (comments);
  /* The pins are in the decision now. */
  json_array_unref (self->pins);
  self->pins = json_array_new ();
  _quorum_review_panel_keep_pins (self);
  self->told_offline = FALSE;
  _quorum_review_panel_update_actions (self);
  if (self->watched_sync != NULL)
    quorum_sync_retry_now (self->watched_sync);
  on_sync_state (self);
}

static void
accept_activated (GSimpleAction *simple,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  decide (user_data, 1, NULL);
}

static void
reject_response (AdwMessageDialog  *dialog,
                 const char        *response,
                 QuorumReviewPanel *self)
{
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "comments");
  gint64 task = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "task"));
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "reject") != 0 || task != self->task_id)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (text);
  /* The server refuses a rejection without comments; so does the dialog. */
  if (*text == '\0')
    {
      _quorum_review_panel_toast (self, _("Write what to change before rejecting"));
      return;
    }
  decide (self, -1, text);
}

static void
reject_activated (GSimpleAction *simple,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  AdwMessageDialog *dialog;
  const char *body;

  if (self->kind == QUORUM_REVIEW_NONE || self->decision != 0)
    return;
  body = self->kind == QUORUM_REVIEW_CONSENSUS
         ? _("Every pass of this file goes back to its annotator with your comments. Say what to change.")
         : json_array_get_length (self->pins) > 0
         ? _("The task goes back to its annotator with your comments, the pinned ones too. Say what to change "
             "overall.")
         : _("The task goes back to its annotator with your comments. Say what to change.");
  dialog = _quorum_review_panel_text_dialog (self, _("Reject the Work?"), body, _("Comments"), 96, "reject",
                                             _("_Reject"), ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reject_response), self, 0);
}

/* The key for Mark as Best: the set of the selected instance's pass. */
static void
mark_selected_best_activated (GSimpleAction *simple,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  const char *layer = NULL;
  gint64 pass;

  if (self->canvas == NULL || quorum_canvas_get_selected_layer_instance (self->canvas, &layer) == NULL ||
      layer == NULL || (pass = g_ascii_strtoll (layer, NULL, 10)) <= 0 ||
      _quorum_review_panel_find_pass (self, pass) == NULL)
    return;
  g_action_group_activate_action (G_ACTION_GROUP (self->actions), "mark-best", g_variant_new_int64 (pass));
}

/* ---- the actions ---------------------------------------------------------------- */

void
_quorum_review_panel_add_step_actions (QuorumReviewPanel *self)
{
  const GActionEntry entries[] = {
    { "accept", accept_activated, NULL, NULL, NULL },
    { "reject", reject_activated, NULL, NULL, NULL },
    { "mark-best", mark_best_activated, "x", NULL, NULL },
    { "mark-selected-best", mark_selected_best_activated, NULL, NULL, NULL },
    { "copy-set", copy_set_activated, "x", NULL, NULL },
    { "copy-instance", copy_instance_activated, NULL, NULL, NULL },
    { "clear", clear_activated, NULL, NULL, NULL },
    { "undo-step", undo_step_activated, NULL, NULL, NULL },
    { "rate", rate_activated, "i", NULL, NULL },
    { "missing", NULL, NULL, "false", missing_changed },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  /* Its key does nothing while Mark as Best cannot be done. */
  g_object_bind_property (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "mark-best"), "enabled",
                          g_action_map_lookup_action (G_ACTION_MAP (self->actions), "mark-selected-best"), "enabled",
                          G_BINDING_SYNC_CREATE);
}
