/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-review-panel-private.h"

/*
 * What the review panel sends to the server: the exam rating, the
 * consensus steps and the decision.
 */

static void try_decision (QuorumReviewPanel *self);

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

static void save_rating (QuorumReviewPanel *self);

static void
rating_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QuorumReviewPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->rating_sending = FALSE;
  if (reply == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The rating could not be saved: %s"), error->message);

      self->rating_dirty = FALSE;
      self->decision = 0;
      _quorum_review_panel_toast (self, message);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (reply))
    {
      JsonObject *rating = json_node_get_object (reply);

      self->gold_score = json_object_get_double_member_with_default (rating, "gold_score", self->gold_score);
      /* What the server keeps is what the next opening shows. */
      if (self->view != NULL)
        json_object_set_member (self->view, "rating", json_node_copy (reply));
      _quorum_review_panel_fill_exam_summary (self);
    }
  if (self->rating_dirty)
    save_rating (self);
  else
    try_decision (self);
}

/* PUT /tasks/{id}/rating with the whole rating; one request at a time, so
 * that the last change is the one kept. */
static void
save_rating (QuorumReviewPanel *self)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (self->session == NULL)
    return;
  if (self->rating_sending)
    {
      self->rating_dirty = TRUE;
      return;
    }
  self->rating_dirty = FALSE;
  self->rating_sending = TRUE;
  body = rating_body (self);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/rating", self->task_id);
  quorum_client_call_async (quorum_session_get_client (self->session), "PUT", path, body, self->cancellable,
                            rating_saved, g_object_ref (self));
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
  g_hash_table_replace (self->stars, g_strdup (instance->id), GINT_TO_POINTER (stars));
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
      missing == g_hash_table_contains (self->missing, instance->id))
    return;
  if (missing)
    g_hash_table_add (self->missing, g_strdup (instance->id));
  else
    g_hash_table_remove (self->missing, instance->id);
  _quorum_review_panel_write_missing_notes (self);
  _quorum_review_panel_fill_exam_summary (self);
  save_rating (self);
}

/* ---- consensus steps ------------------------------------------------------------- */

static void
set_busy (QuorumReviewPanel *self,
          gboolean           busy)
{
  self->busy = busy;
  _quorum_review_panel_update_actions (self);
}

/* The consensus output the server answered: kept in the cache as the
 * task's instances and shown as the ground truth. */
static void
take_output (QuorumReviewPanel *self,
             JsonObject        *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(JsonNode) view = NULL;

  json_object_set_member (self->view, "instances", json_node_copy (json_object_get_member (reply, "instances")));
  json_object_set_int_member (self->view, "version", json_object_get_int_member_with_default (reply, "version", 0));
  if (json_object_has_member (reply, "best") && _quorum_review_panel_scores (self) != NULL)
    json_object_set_int_member (_quorum_review_panel_scores (self), "best",
                                json_object_get_int_member_with_default (reply, "best", 0));
  view = json_node_init_object (json_node_alloc (), self->view);
  if (!quorum_cache_store_task (quorum_session_get_cache (self->session), view, &error))
    g_warning ("Task %" G_GINT64_FORMAT " could not be cached: %s", self->task_id, error->message);
  instances = _quorum_review_read_instances (self->view, "instances");
  quorum_canvas_set_instances (self->canvas, instances);
  self->undo_steps = json_object_get_int_member_with_default (reply, "undo_steps", 0);
  _quorum_review_panel_fill_consensus_legend (self);
  _quorum_review_panel_update_selection (self);
}

/* What a step did, with Undo (an Undo itself only says so): the output
 * before the step goes on the stack that review.undo-step takes from. */
static const char *annotator_of (QuorumReviewPanel *self,
                                 gint64             pass_id);

static void
announce_step (QuorumReviewPanel *self,
               const char        *step,
               JsonObject        *reply)
{
  g_autofree char *message = NULL;

  if (g_str_equal (step, "undo"))
    {
      _quorum_review_panel_toast (self, _("The ground truth is back as it was"));
      return;
    }
  if (g_str_equal (step, "best"))
    message = g_strdup_printf (_("The ground truth is now a copy of %s’s set"),
                               annotator_of (self, json_object_get_int_member_with_default (reply, "best", 0)));
  else if (g_str_equal (step, "copy"))
    {
      guint copied = (guint) json_object_get_int_member_with_default (reply, "copied", 0);

      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance copied to the ground truth",
                                              "%u instances copied to the ground truth", copied), copied);
    }
  else
    message = g_strdup (_("The ground truth starts over, empty"));
  _quorum_review_panel_toast_with_undo (self, message, "review.undo-step");
}

typedef struct {
  QuorumReviewPanel *panel;   /* owned */
  char              *step;    /* "best", "copy", "clear" or "undo" */
} ConsensusStep;

static void
consensus_step_free (ConsensusStep *step)
{
  g_object_unref (step->panel);
  g_free (step->step);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConsensusStep, consensus_step_free)

static void
consensus_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ConsensusStep) step = user_data;
  QuorumReviewPanel *self = step->panel;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (reply == NULL)
    {
      _quorum_review_panel_toast (self, error->message);
      return;
    }
  /* The output replaces the task's instances: nothing is taken from a reply
   * that does not carry them and the version they belong to. */
  if (!JSON_NODE_HOLDS_OBJECT (reply) ||
      !json_object_has_member (json_node_get_object (reply), "version") ||
      json_object_get_member (json_node_get_object (reply), "instances") == NULL ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (reply), "instances")))
    {
      _quorum_review_panel_toast (self, _("The server's answer carries no consensus output"));
      return;
    }
  take_output (self, json_node_get_object (reply));
  announce_step (self, step->step, json_node_get_object (reply));
}

/* POST /tasks/{id}/consensus/@step with the task's version; @body has the
 * step's own members. */
static void
consensus_step (QuorumReviewPanel *self,
                const char        *step,
                JsonObject        *body)
{
  QuorumCache *cache;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) node = NULL;
  ConsensusStep *on_its_way;

  if (self->session == NULL || self->kind != QUORUM_REVIEW_CONSENSUS || self->busy)
    return;
  cache = quorum_session_get_cache (self->session);
  /* The server's copy works on the server's version: edits still on their
   * way would make it stale. */
  if (quorum_cache_has_pending (cache, self->task_id))
    {
      _quorum_review_panel_toast (self, _("Your last edits are still being sent. Try again in a moment."));
      return;
    }
  json_object_set_int_member (body, "version", quorum_cache_get_server_version (cache, self->task_id));
  node = json_node_init_object (json_node_alloc (), body);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/consensus/%s", self->task_id, step);
  on_its_way = g_new0 (ConsensusStep, 1);
  on_its_way->panel = g_object_ref (self);
  on_its_way->step = g_strdup (step);
  set_busy (self, TRUE);
  quorum_client_call_async (quorum_session_get_client (self->session), "POST", path, node, self->cancellable,
                            consensus_done, on_its_way);
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
  output = quorum_canvas_get_instances (self->canvas);
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

  if (self->undo_steps == 0 || self->busy)
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
  self->pending_handler = 0;
  g_clear_object (&self->watched_sync);
}

static void
decided (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QuorumReviewPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  gboolean accepted = self->decision > 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->decision = 0;
  g_clear_pointer (&self->comments, g_free);
  set_busy (self, FALSE);
  if (reply == NULL)
    {
      _quorum_review_panel_toast (self, error->message);
      return;
    }
  _quorum_review_panel_toast (self, accepted ? _("Accepted")
                    : self->kind == QUORUM_REVIEW_CONSENSUS ? _("Sent back to the file’s annotators")
                    : _("Sent back to the annotator"));
  g_signal_emit_by_name (self, "decided", self->task_id, self->job_id, accepted);
}

static void
send_decision (QuorumReviewPanel *self)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/%s", self->task_id,
                                           self->decision > 0 ? "accept" : "reject");
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  if (self->comments != NULL)
    json_object_set_string_member (body, "comment", self->comments);
  if (json_array_get_length (self->pins) > 0)
    json_object_set_array_member (body, "pins", json_array_ref (self->pins));
  node = json_node_init_object (json_node_alloc (), body);
  set_busy (self, TRUE);
  quorum_client_call_async (quorum_session_get_client (self->session), "POST", path, node, self->cancellable,
                            decided, g_object_ref (self));
}

static void
on_pending (QuorumReviewPanel *self)
{
  QuorumSync *sync = quorum_session_get_sync (self->session);

  switch (quorum_sync_get_state (sync))
    {
    case QUORUM_SYNC_OFFLINE:
    case QUORUM_SYNC_CONFLICT:
    case QUORUM_SYNC_SIGNED_OUT:
      /* The edits cannot go now: the decision would be about other work. */
      _quorum_review_panel_stop_waiting (self);
      self->decision = 0;
      g_clear_pointer (&self->comments, g_free);
      _quorum_review_panel_update_actions (self);
      _quorum_review_panel_toast (self, _("Your edits could not be sent, so nothing was decided. Try again once they are on the server."));
      return;
    default:
      try_decision (self);
    }
}

/* Sends the decision once nothing the reviewer did is still on its way:
 * a rating being saved, or consensus edits in the outbox. */
static void
try_decision (QuorumReviewPanel *self)
{
  QuorumSync *sync;

  if (self->decision == 0 || self->busy || self->session == NULL)
    return;
  if (self->rating_sending)
    return;  /* rating_saved() comes back here */
  if (quorum_cache_has_pending (quorum_session_get_cache (self->session), self->task_id))
    {
      if (self->watched_sync == NULL)
        {
          sync = quorum_session_get_sync (self->session);
          self->watched_sync = g_object_ref (sync);
          self->pending_handler = g_signal_connect_object (sync, "notify::pending", G_CALLBACK (on_pending),
                                                           self, G_CONNECT_SWAPPED);
          g_signal_connect_object (sync, "notify::state", G_CALLBACK (on_pending), self, G_CONNECT_SWAPPED);
        }
      return;
    }
  _quorum_review_panel_stop_waiting (self);
  send_decision (self);
}

static void
decide (QuorumReviewPanel *self,
        int                decision,
        const char        *comments)
{
  if (self->kind == QUORUM_REVIEW_NONE || self->session == NULL || self->busy || self->decision != 0)
    return;
  self->decision = decision;
  g_free (self->comments);
  self->comments = g_strdup (comments);
  _quorum_review_panel_update_actions (self);
  try_decision (self);
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

  if (self->kind == QUORUM_REVIEW_NONE || self->busy || self->decision != 0)
    return;
  body = self->kind == QUORUM_REVIEW_CONSENSUS
         ? _("Every pass of this file goes back to its annotator with your comments. Say what to change.")
         : json_array_get_length (self->pins) > 0
         ? _("The task goes back to its annotator with your comments, the pinned ones too. Say what to change "
             "overall.")
         : _("The task goes back to its annotator with your comments. Say what to change.");
  dialog = _quorum_review_panel_text_dialog (self, _("Reject the Work?"), body, _("Comments"), 96, "reject", _("_Reject"),
                        ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reject_response), self, 0);
}

/* ---- the actions ---------------------------------------------------------------- */

void
_quorum_review_panel_add_step_actions (QuorumReviewPanel *self)
{
  const GActionEntry entries[] = {
    { "accept", accept_activated, NULL, NULL, NULL },
    { "reject", reject_activated, NULL, NULL, NULL },
    { "mark-best", mark_best_activated, "x", NULL, NULL },
    { "copy-set", copy_set_activated, "x", NULL, NULL },
    { "copy-instance", copy_instance_activated, NULL, NULL, NULL },
    { "clear", clear_activated, NULL, NULL, NULL },
    { "undo-step", undo_step_activated, NULL, NULL, NULL },
    { "rate", rate_activated, "i", NULL, NULL },
    { "missing", NULL, NULL, "false", missing_changed },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
}
