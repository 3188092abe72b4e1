/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "quorum-color-swatch.h"
#include "quorum-error.h"
#include "quorum-canvas-pins.h"
#include "quorum-review-panel-private.h"
#include "quorum-wire.h"

/* Gold instances are drawn in gold, whatever their label. */
#define GOLD_COLOR "#d4a017"

/* One colour per annotator of a consensus task, told apart from each other
 * and from the usual label colours at a glance. */
static const char * const pass_colors[] = {
  "#1c71d8", "#e66100", "#9141ac", "#26a269", "#c01c28", "#865e3c", "#0d8c8c", "#f5c211",
};

G_DEFINE_FINAL_TYPE (QuorumReviewPanel, quorum_review_panel, GTK_TYPE_WIDGET)

enum {
  DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- small things ----------------------------------------------------------- */

QuorumReviewKind
quorum_review_kind_of_view (JsonObject *view)
{
  const char *kind;

  if (view == NULL)
    return QUORUM_REVIEW_NONE;
  kind = json_object_get_string_member_with_default (view, "kind", "draw");
  if (g_str_equal (kind, "consensus"))
    return QUORUM_REVIEW_CONSENSUS;
  if (g_str_equal (kind, "review"))
    return json_object_has_member (view, "gold") ? QUORUM_REVIEW_EXAM : QUORUM_REVIEW_DRAW;
  return QUORUM_REVIEW_NONE;
}

/* A toast in the window; with @undo_action, an Undo button for it, shown
 * at once rather than queued behind the window's own messages. */
void
_quorum_review_panel_toast_with_undo (QuorumReviewPanel *self,
                                      const char        *message,
                                      const char        *undo_action)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, undo_action != NULL ? 8 : 4);
  if (undo_action != NULL)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, undo_action);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
_quorum_review_panel_toast (QuorumReviewPanel *self,
                            const char        *message)
{
  _quorum_review_panel_toast_with_undo (self, message, NULL);
}

static GAction *
action (QuorumReviewPanel *self,
        const char        *name)
{
  return g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);
}

static void
enable (QuorumReviewPanel *self,
        const char        *name,
        gboolean           enabled)
{
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action (self, name)), enabled);
}

GPtrArray *
_quorum_review_read_instances (JsonObject *object,
                               const char *member)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  GPtrArray *instances;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  instances = quorum_wire_read_instances (node, NULL, member, &error);
  if (instances == NULL)
    {
      g_warning ("A review set cannot be read: %s", error->message);
      return g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
    }
  return instances;
}

static JsonArray *
passes_of (QuorumReviewPanel *self)
{
  JsonNode *node = self->view != NULL ? json_object_get_member (self->view, "passes") : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
_quorum_review_panel_scores (QuorumReviewPanel *self)
{
  JsonNode *node = self->view != NULL ? json_object_get_member (self->view, "scores") : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonObject *
_quorum_review_panel_find_pass (QuorumReviewPanel *self,
                                gint64             pass_id)
{
  JsonArray *passes = passes_of (self);

  for (guint i = 0; passes != NULL && i < json_array_get_length (passes); i++)
    {
      JsonObject *pass = json_array_get_object_element (passes, i);

      if (json_object_get_int_member_with_default (pass, "id", 0) == pass_id)
        return pass;
    }
  return NULL;
}

static gboolean
pass_score (QuorumReviewPanel *self,
            gint64             pass_id,
            double            *score)
{
  JsonObject *scores = _quorum_review_panel_scores (self);
  JsonArray *annotators;

  if (scores == NULL || !json_object_has_member (scores, "annotators") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (scores, "annotators")))
    return FALSE;
  annotators = json_object_get_array_member (scores, "annotators");
  for (guint i = 0; i < json_array_get_length (annotators); i++)
    {
      JsonObject *annotator = json_array_get_object_element (annotators, i);

      if (json_object_get_int_member_with_default (annotator, "task", 0) == pass_id)
        {
          *score = json_object_get_double_member_with_default (annotator, "score", 0);
          return TRUE;
        }
    }
  return FALSE;
}

/* The pass the job's method calls best; none in a Manual Merge job, whose
 * scores still name one. */
static gint64
best_pass (QuorumReviewPanel *self)
{
  JsonObject *scores = _quorum_review_panel_scores (self);

  if (self->view == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (self->view, "consensus", "best_annotator"),
                 "best_annotator") != 0)
    return 0;
  return scores != NULL ? json_object_get_int_member_with_default (scores, "best", 0) : 0;
}

/* An annotator's colour, the same on every file of the job: the palette
 * entry their user id points at, or the next one no other annotator of the
 * job has taken in this window. */
static const char *
pass_color (QuorumReviewPanel *self,
            JsonObject        *pass)
{
  JsonNode *assignee = json_object_get_member (pass, "assignee");
  gint64 user = assignee != NULL && JSON_NODE_HOLDS_VALUE (assignee)
                ? json_node_get_int (assignee) : -json_object_get_int_member_with_default (pass, "id", 0);
  g_autofree char *prefix = g_strdup_printf ("%" G_GINT64_FORMAT "/", self->job_id);
  g_autofree char *key = g_strdup_printf ("%s%" G_GINT64_FORMAT, prefix, user);
  gpointer found;
  GHashTableIter iter;
  gpointer other_key, other_index;
  guint used = 0;
  guint index;

  if (g_hash_table_lookup_extended (self->pass_colors, key, NULL, &found))
    return pass_colors[GPOINTER_TO_UINT (found)];
  g_hash_table_iter_init (&iter, self->pass_colors);
  while (g_hash_table_iter_next (&iter, &other_key, &other_index))
    if (g_str_has_prefix (other_key, prefix))
      used |= 1u << GPOINTER_TO_UINT (other_index);
  index = (guint) (ABS (user) % G_N_ELEMENTS (pass_colors));
  for (guint tried = 0; tried < G_N_ELEMENTS (pass_colors) && (used & (1u << index)) != 0; tried++)
    index = (index + 1) % G_N_ELEMENTS (pass_colors);
  g_hash_table_insert (self->pass_colors, g_steal_pointer (&key), GUINT_TO_POINTER (index));
  return pass_colors[index];
}

/* ---- the legend --------------------------------------------------------------- */

static void
on_visibility_toggled (GtkToggleButton   *button,
                       QuorumReviewPanel *self)
{
  const char *layer = g_object_get_data (G_OBJECT (button), "layer");
  gboolean visible = gtk_toggle_button_get_active (button);

  gtk_button_set_icon_name (GTK_BUTTON (button), visible ? "view-reveal-symbolic" : "view-conceal-symbolic");
  if (self->canvas == NULL)
    return;
  if (layer != NULL)
    quorum_canvas_set_layer_visible (self->canvas, layer, visible);
  else
    quorum_canvas_set_instances_visible (self->canvas, visible);
}

static GtkWidget *
small_button (const char *label,
              const char *action_name,
              GVariant   *target)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *text = gtk_label_new_with_mnemonic (label);

  /* Small print, so that a set's two buttons share a line in the panel. */
  gtk_widget_add_css_class (text, "caption-heading");
  gtk_button_set_child (GTK_BUTTON (button), text);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  if (target != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

/* A row of the legend: the set's colour (none: the label colours), its
 * name and figures, a show/hide toggle for @layer (NULL: the task's own
 * instances), and under them @buttons (nullable). */
static GtkWidget *
add_legend_row (QuorumReviewPanel *self,
                const char        *color,
                const char        *title,
                const char        *subtitle,
                const char        *layer,
                gboolean           best,
                GtkWidget         *buttons)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *subtitle_label = gtk_label_new (subtitle);
  GtkWidget *toggle = gtk_toggle_button_new ();
  gboolean visible = self->canvas == NULL ? TRUE
                     : layer != NULL ? quorum_canvas_get_layer_visible (self->canvas, layer)
                     : quorum_canvas_get_instances_visible (self->canvas);
  GtkWidget *marker;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  if (color != NULL)
    marker = quorum_color_swatch_new (color);
  else
    {
      marker = gtk_image_new_from_icon_name ("quorum-tool-tag-symbolic");
      gtk_widget_set_tooltip_text (marker, _("Drawn in the colours of their labels"));
    }
  gtk_widget_set_valign (marker, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (line), marker);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle_label), TRUE);
  gtk_widget_add_css_class (subtitle_label, "dim-label");
  gtk_widget_add_css_class (subtitle_label, "caption");
  gtk_box_append (GTK_BOX (texts), title_label);
  gtk_box_append (GTK_BOX (texts), subtitle_label);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (line), texts);

  if (best)
    {
      GtkWidget *badge = gtk_label_new (_("Best"));

      gtk_widget_add_css_class (badge, "caption-heading");
      gtk_widget_add_css_class (badge, "accent");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (line), badge);
    }

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), visible);
  gtk_button_set_icon_name (GTK_BUTTON (toggle), visible ? "view-reveal-symbolic" : "view-conceal-symbolic");
  gtk_widget_set_tooltip_text (toggle, _("Show or Hide"));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (toggle, "flat");
  g_object_set_data_full (G_OBJECT (toggle), "layer", g_strdup (layer), g_free);
  g_signal_connect_object (toggle, "toggled", G_CALLBACK (on_visibility_toggled), self, 0);
  gtk_box_append (GTK_BOX (line), toggle);

  gtk_box_append (GTK_BOX (box), line);
  if (buttons != NULL)
    gtk_box_append (GTK_BOX (box), buttons);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "description",
                          g_strdup_printf ("%s — %s%s", title, subtitle, best ? " · Best" : ""), g_free);
  g_object_set_data_full (G_OBJECT (row), "color", g_strdup (color), g_free);
  gtk_list_box_append (self->legend, row);
  g_ptr_array_add (self->rows, row);
  return row;
}

static void
clear_legend (QuorumReviewPanel *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->legend, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static char *
count_instances (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u instance", "%u instances", n), n);
}

void
_quorum_review_panel_fill_consensus_legend (QuorumReviewPanel *self)
{
  JsonArray *passes = passes_of (self);
  JsonObject *scores = _quorum_review_panel_scores (self);
  gint64 best = best_pass (self);
  g_autofree char *description = NULL;
  g_autofree char *own_count = NULL;
  GtkWidget *buttons;

  clear_legend (self);
  if (scores != NULL)
    /* Translators: the agreement of a file's passes, 0 to 1 */
    description = g_strdup_printf (_("File agreement %.2f. Every annotator’s set in its own colour, "
                                     "with its score; the ground truth over them."),
                                   json_object_get_double_member_with_default (scores, "agreement", 0));
  else
    description = g_strdup (_("The agreement of the passes is still being computed."));
  adw_preferences_group_set_description (self->summary_group, description);

  for (guint i = 0; passes != NULL && i < json_array_get_length (passes); i++)
    {
      JsonObject *pass = json_array_get_object_element (passes, i);
      gint64 id = json_object_get_int_member_with_default (pass, "id", 0);
      g_autofree char *layer = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      g_autofree char *count = count_instances (quorum_canvas_get_layer_n_instances (self->canvas, layer));
      g_autofree char *subtitle = NULL;
      double score;

      if (pass_score (self, id, &score))
        /* Translators: an annotator's score, 0 to 1, and how many instances they drew */
        subtitle = g_strdup_printf (_("Score %.2f · %s"), score, count);
      else
        subtitle = g_strdup (count);
      buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (buttons), small_button (_("_Mark as Best"), "review.mark-best",
                                                       g_variant_new_int64 (id)));
      gtk_box_append (GTK_BOX (buttons), small_button (_("Copy to _Ground Truth"), "review.copy-set",
                                                       g_variant_new_int64 (id)));
      add_legend_row (self, pass_color (self, pass),
                      json_object_get_string_member_with_default (pass, "annotator", "?"),
                      subtitle, layer, id == best, buttons);
    }

  own_count = count_instances (self->canvas != NULL ? quorum_canvas_get_n_instances (self->canvas) : 0);
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (buttons), small_button (_("_Start Over"), "review.clear", NULL));
  {
    g_autofree char *subtitle = g_strdup_printf (_("%s · yours to edit"), own_count);

    add_legend_row (self, NULL, _("Ground Truth"), subtitle, NULL, FALSE, buttons);
  }
}

void
_quorum_review_panel_fill_exam_summary (QuorumReviewPanel *self)
{
  GHashTableIter iter;
  gpointer value;
  guint rated = 0, total = 0;
  g_autofree char *description = NULL;
  g_autofree char *average = NULL;
  guint missed = g_hash_table_size (self->missing);

  g_hash_table_iter_init (&iter, self->stars);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    rated++, total += GPOINTER_TO_UINT (value);
  average = rated > 0 ? g_strdup_printf (_("average %.1f stars"), (double) total / rated)
                      : g_strdup (_("not rated"));
  /* Translators: "Gold score 0.84 · 9 instances rated, average 4.7 stars · 2 missing" */
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Gold score %.2f · %u instance rated, %s · %u missing",
                                              "Gold score %.2f · %u instances rated, %s · %u missing", rated),
                                 self->gold_score, rated, average, missed);
  adw_preferences_group_set_description (self->summary_group, description);
}

/* ---- the exam rating ---------------------------------------------------------- */

/* What an exam's rating is keyed by: on a video the instance's track (the
 * server rates tracks, "by_track"), else the instance. */
const char *
_quorum_review_rating_key (const QuorumInstance *instance)
{
  return instance->track_id != NULL ? instance->track_id : instance->id;
}

static void
read_rating (QuorumReviewPanel *self)
{
  JsonNode *rating = json_object_get_member (self->view, "rating");
  JsonNode *suggested = json_object_get_member (self->view, "suggested");
  JsonObject *source = NULL;

  g_autofree char *queued = quorum_cache_get_queued (quorum_session_get_cache (self->session), self->task_id,
                                                     QUORUM_CACHE_OP_RATING);
  g_autoptr(JsonNode) waiting = queued != NULL ? quorum_wire_parse_bytes (queued, strlen (queued), NULL) : NULL;

  g_hash_table_remove_all (self->stars);
  g_hash_table_remove_all (self->missing);
  /* The reviewer's rating still in the outbox, else their own once saved,
   * else Quorum's suggestion. */
  if (waiting != NULL && JSON_NODE_HOLDS_OBJECT (waiting))
    source = json_node_get_object (waiting);
  else if (rating != NULL && JSON_NODE_HOLDS_OBJECT (rating))
    source = json_node_get_object (rating);
  else if (suggested != NULL && JSON_NODE_HOLDS_OBJECT (suggested))
    source = json_node_get_object (suggested);
  if (source == NULL)
    return;
  /* A rating in the outbox has no score yet: the last the server gave. */
  self->gold_score = json_object_get_double_member_with_default (
    rating != NULL && JSON_NODE_HOLDS_OBJECT (rating) ? json_node_get_object (rating) : source, "gold_score", 0);
  if (json_object_has_member (source, "stars") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (source, "stars")))
    {
      JsonObject *stars = json_object_get_object_member (source, "stars");
      g_autoptr(GList) ids = json_object_get_members (stars);

      for (GList *l = ids; l != NULL; l = l->next)
        g_hash_table_replace (self->stars, g_strdup (l->data),
                              GUINT_TO_POINTER ((guint) json_object_get_int_member_with_default (stars, l->data,
                                                                                                 0)));
    }
  if (json_object_has_member (source, "missing") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (source, "missing")))
    {
      JsonArray *missing = json_object_get_array_member (source, "missing");

      for (guint i = 0; i < json_array_get_length (missing); i++)
        g_hash_table_add (self->missing, g_strdup (json_array_get_string_element (missing, i)));
    }
}

void
_quorum_review_panel_write_missing_notes (QuorumReviewPanel *self)
{
  guint n = quorum_canvas_get_layer_n_instances (self->canvas, QUORUM_REVIEW_LAYER_GOLD);

  for (guint i = 0; i < n; i++)
    {
      const QuorumInstance *gold = quorum_canvas_get_layer_instance (self->canvas, QUORUM_REVIEW_LAYER_GOLD, i);

      quorum_canvas_set_layer_note (self->canvas, QUORUM_REVIEW_LAYER_GOLD, gold->id,
                                    g_hash_table_contains (self->missing, _quorum_review_rating_key (gold))
                                    ? _("Missing") : NULL);
    }
}

/* ---- the selected instance ---------------------------------------------------- */

static void
update_stars (QuorumReviewPanel *self,
              int                stars)
{
  for (int i = 0; i < 5; i++)
    {
      gtk_button_set_icon_name (GTK_BUTTON (self->star_buttons[i]),
                                i < stars ? "starred-symbolic" : "non-starred-symbolic");
      if (i < stars)
        gtk_widget_add_css_class (self->star_buttons[i], "accent");
      else
        gtk_widget_remove_css_class (self->star_buttons[i], "accent");
    }
}

const char *
_quorum_review_panel_pass_annotator (QuorumReviewPanel *self,
                                     const char        *layer)
{
  JsonObject *pass = layer != NULL ? _quorum_review_panel_find_pass (self, g_ascii_strtoll (layer, NULL, 10)) : NULL;

  return pass != NULL ? json_object_get_string_member_with_default (pass, "annotator", "?") : NULL;
}

/* Whether the ground truth holds a copy of @id already: the server would
 * refuse another. */
static gboolean
copied_already (QuorumReviewPanel    *self,
                const QuorumInstance *instance)
{
  /* On a video, a track of that id in the ground truth, whatever frame:
   * the track editor's index says, with nothing copied on each selection. */
  if (instance->track_id != NULL && self->tracks != NULL && quorum_track_editor_is_active (self->tracks))
    return quorum_track_index_find (quorum_track_editor_get_index (self->tracks), instance->track_id) != NULL;
  for (guint i = 0; i < quorum_canvas_get_n_instances (self->canvas); i++)
    if (g_strcmp0 (quorum_canvas_get_instance (self->canvas, i)->copied_from, instance->id) == 0)
      return TRUE;
  return FALSE;
}

void
_quorum_review_panel_update_selection (QuorumReviewPanel *self)
{
  const char *layer = NULL;
  const QuorumInstance *instance = NULL;
  const QuorumInstance *own = NULL;
  gboolean candidate = FALSE, gold = FALSE, pass = FALSE, copied = FALSE;
  g_autofree char *subtitle = NULL;

  if (self->canvas != NULL && self->kind != QUORUM_REVIEW_NONE)
    {
      instance = quorum_canvas_get_selected_layer_instance (self->canvas, &layer);
      own = quorum_canvas_get_selected_instance (self->canvas);
    }
  if (instance != NULL)
    {
      candidate = self->kind == QUORUM_REVIEW_EXAM && g_strcmp0 (layer, QUORUM_REVIEW_LAYER_CANDIDATE) == 0;
      gold = self->kind == QUORUM_REVIEW_EXAM && g_strcmp0 (layer, QUORUM_REVIEW_LAYER_GOLD) == 0;
      pass = self->kind == QUORUM_REVIEW_CONSENSUS && _quorum_review_panel_pass_annotator (self, layer) != NULL;
      if (candidate)
        subtitle = g_strdup (_("Drawn by the candidate"));
      else if (gold)
        subtitle = g_strdup (_("Gold standard"));
      else if (pass && (copied = copied_already (self, instance)))
        /* Translators: an instance of an annotator's set that the ground truth has a copy of */
        subtitle = g_strdup_printf (_("From %s’s set, copied to the ground truth"),
                                    _quorum_review_panel_pass_annotator (self, layer));
      else if (pass)
        /* Translators: an instance of an annotator's set, "From ann’s set" */
        subtitle = g_strdup_printf (_("From %s’s set"), _quorum_review_panel_pass_annotator (self, layer));
      else
        subtitle = g_strdup (_("Drawn by the annotator"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->selection_row), instance->label);
    }
  else if (own != NULL)
    {
      subtitle = g_strdup (_("In the ground truth"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->selection_row), own->label);
    }
  else
    {
      subtitle = g_strdup (_("Click an instance on the image"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->selection_row), _("None"));
    }
  adw_action_row_set_subtitle (self->selection_row, subtitle);

  gtk_widget_set_visible (GTK_WIDGET (self->stars_row), candidate);
  if (candidate)
    update_stars (self, GPOINTER_TO_INT (g_hash_table_lookup (self->stars, _quorum_review_rating_key (instance))));
  gtk_widget_set_visible (GTK_WIDGET (self->missing_row), gold);
  g_simple_action_set_state (G_SIMPLE_ACTION (action (self, "missing")),
                             g_variant_new_boolean (gold && g_hash_table_contains (self->missing,
                                                                                   _quorum_review_rating_key (instance))));
  gtk_widget_set_visible (self->copy_button, pass);
  gtk_widget_set_visible (self->pin_button, self->kind == QUORUM_REVIEW_DRAW && instance != NULL);
  enable (self, "pin-comment", self->kind == QUORUM_REVIEW_DRAW && instance != NULL && !self->busy &&
                               self->decision == 0);

  enable (self, "rate", candidate && !self->busy);
  enable (self, "missing", gold && !self->busy);
  enable (self, "copy-instance", pass && !copied && !self->busy);
}

/* ---- the actions and the comments ------------------------------------------------ */

void
_quorum_review_panel_update_actions (QuorumReviewPanel *self)
{
  gboolean open = self->kind != QUORUM_REVIEW_NONE && self->session != NULL;
  gboolean consensus = open && self->kind == QUORUM_REVIEW_CONSENSUS;
  gboolean idle = open && !self->busy && self->decision == 0;

  enable (self, "accept", idle);
  enable (self, "reject", idle);
  enable (self, "mark-best", consensus && idle);
  enable (self, "copy-set", consensus && idle);
  enable (self, "clear", consensus && idle);
  enable (self, "undo-step", consensus && idle && self->undo_steps > 0);
  enable (self, "focus", open);
  _quorum_review_panel_update_selection (self);
}

/* The reviewer edited the ground truth. */
static void
on_instances_changed (QuorumReviewPanel *self)
{
  if (self->kind != QUORUM_REVIEW_CONSENSUS)
    return;
  _quorum_review_panel_fill_consensus_legend (self);
  _quorum_review_panel_update_selection (self);
}

static void
focus_changed (GSimpleAction *simple,
               GVariant      *state,
               gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;

  g_simple_action_set_state (simple, state);
  if (self->canvas != NULL)
    quorum_canvas_set_focus_selected (self->canvas, g_variant_get_boolean (state));
}

static void on_comment_activated (AdwActionRow      *row,
                                  QuorumReviewPanel *self);

/* The dialog's @response is enabled once its text holds more than blanks. */
static void
update_text_response (GtkTextBuffer    *buffer,
                      AdwMessageDialog *dialog)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  adw_message_dialog_set_response_enabled (dialog, g_object_get_data (G_OBJECT (buffer), "response"),
                                           *g_strstrip (text) != '\0');
}

/* A question over the work with a text to write (a comment): Cancel and
 * @response, which the text enables; the buffer is the dialog's "comments",
 * the task the dialog's "task". */
AdwMessageDialog *
_quorum_review_panel_text_dialog (QuorumReviewPanel  *self,
                                  const char         *heading,
                                  const char         *body,
                                  const char         *text_label,
                                  int                 min_height,
                                  const char         *response,
                                  const char         *response_label,
                                  AdwResponseAppearance appearance)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                                         heading, body));
  GtkWidget *text_view = gtk_text_view_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text_view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text_view), GTK_ACCESSIBLE_PROPERTY_LABEL, text_label, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), text_view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), min_height);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_overflow (scrolled, GTK_OVERFLOW_HIDDEN);
  adw_message_dialog_set_extra_child (dialog, scrolled);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, response_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, appearance);
  adw_message_dialog_set_response_enabled (dialog, response, FALSE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (buffer), "response", g_strdup (response), g_free);
  g_object_set_data (G_OBJECT (dialog), "comments", buffer);
  g_object_set_data (G_OBJECT (dialog), "task", GSIZE_TO_POINTER (self->task_id));
  g_signal_connect_object (buffer, "changed", G_CALLBACK (update_text_response), dialog, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (text_view);
  return dialog;
}

/* A comment of the reviewer's own, pinned to instance @id, listed with the
 * task's comments until it goes with the decision. */
static void
add_pin_row (QuorumReviewPanel *self,
             const char        *text,
             const char        *id)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_markup_escape_text (text, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Yours, sent with your decision · on an instance: choose to "
                                                       "select it"));
  g_object_set_data_full (G_OBJECT (row), "instance", g_strdup (id), g_free);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect_object (row, "activated", G_CALLBACK (on_comment_activated), self, 0);
  adw_preferences_group_set_title (self->comments_group, _("Review Comments"));
  adw_preferences_group_add (self->comments_group, row);
  g_ptr_array_add (self->comment_rows, row);
  gtk_widget_set_visible (GTK_WIDGET (self->comments_group), TRUE);
}

static char *
pins_document (QuorumReviewPanel *self)
{
  return g_strdup_printf ("review-pins/%" G_GINT64_FORMAT, self->task_id);
}

/* The pins written so far are kept in the cache: a killed app loses none
 * of them before the decision takes them into the outbox. */
void
_quorum_review_panel_keep_pins (QuorumReviewPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr(JsonNode) pins = NULL;

  if (self->session == NULL || self->task_id == 0)
    return;
  name = pins_document (self);
  pins = json_node_init_array (json_node_alloc (), self->pins);
  if (!quorum_cache_store_document (quorum_session_get_cache (self->session), name, pins, &error))
    g_warning ("The comments on task %" G_GINT64_FORMAT " could not be kept: %s", self->task_id, error->message);
}

/* The pins kept for the task, unless a decision took them already. */
static void
restore_pins (QuorumReviewPanel *self)
{
  g_autofree char *name = pins_document (self);
  g_autoptr(JsonNode) kept = quorum_cache_get_document (quorum_session_get_cache (self->session), name, NULL, NULL);

  if (self->decision != 0 || kept == NULL || !JSON_NODE_HOLDS_ARRAY (kept))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (kept)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (kept), i);
      JsonObject *pin = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *text = pin != NULL ? json_object_get_string_member_with_default (pin, "text", NULL) : NULL;
      const char *id = pin != NULL ? json_object_get_string_member_with_default (pin, "instance", NULL) : NULL;

      if (text == NULL || id == NULL)
        continue;
      json_array_add_element (self->pins, json_node_copy (element));
      add_pin_row (self, text, id);
    }
}

/* A comment pinned to the selected instance of the reviewed draw: listed
 * under "Review Comments" and sent with the decision. */
static void
pin_response (AdwMessageDialog  *dialog,
              const char        *response,
              QuorumReviewPanel *self)
{
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "comments");
  const char *id = g_object_get_data (G_OBJECT (dialog), "instance");
  gint64 task = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "task"));
  g_autoptr(JsonObject) pin = NULL;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "add") != 0 || task != self->task_id || self->decision != 0)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (text);
  if (*text == '\0')
    return;
  pin = json_object_new ();
  json_object_set_string_member (pin, "text", text);
  json_object_set_string_member (pin, "instance", id);
  json_array_add_object_element (self->pins, json_object_ref (pin));
  _quorum_review_panel_keep_pins (self);
  add_pin_row (self, text, id);
}

static void
pin_comment_activated (GSimpleAction *simple,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  QuorumReviewPanel *self = user_data;
  const char *layer = NULL;
  const QuorumInstance *instance;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (self->kind != QUORUM_REVIEW_DRAW || self->canvas == NULL || self->decision != 0 ||
      (instance = quorum_canvas_get_selected_layer_instance (self->canvas, &layer)) == NULL)
    return;
  /* Translators: the label of the instance a comment is pinned to */
  body = g_strdup_printf (_("What should change about this “%s”? The annotator sees it pinned to the instance."),
                          instance->label);
  dialog = _quorum_review_panel_text_dialog (self, _("Comment on This Instance"), body, _("Comment"), 72, "add",
                                             _("_Add Comment"), ADW_RESPONSE_SUGGESTED);
  g_object_set_data_full (G_OBJECT (dialog), "instance", g_strdup (instance->id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (pin_response), self, 0);
}

/* ---- the task ------------------------------------------------------------------ */

static void
reset (QuorumReviewPanel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  _quorum_review_panel_stop_waiting (self);
  clear_legend (self);
  g_clear_pointer (&self->view, json_object_unref);
  g_clear_object (&self->session);
  g_clear_pointer (&self->comments, g_free);
  g_hash_table_remove_all (self->stars);
  g_hash_table_remove_all (self->missing);
  self->kind = QUORUM_REVIEW_NONE;
  self->task_id = self->job_id = 0;
  self->busy = self->steps_waiting = self->told_offline = FALSE;
  g_ptr_array_set_size (self->outputs, 0);
  self->decision = 0;
  self->gold_score = 0;
  g_simple_action_set_state (G_SIMPLE_ACTION (action (self, "focus")), g_variant_new_boolean (FALSE));
  if (self->canvas != NULL)
    {
      quorum_canvas_clear_layers (self->canvas);
      quorum_canvas_set_focus_selected (self->canvas, FALSE);
      quorum_canvas_set_instances_visible (self->canvas, TRUE);
      quorum_canvas_set_editable (self->canvas, TRUE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->comments_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->comments_label), TRUE);
  adw_preferences_group_set_description (self->comments_group, NULL);
  for (guint i = 0; i < self->comment_rows->len; i++)
    adw_preferences_group_remove (self->comments_group, g_ptr_array_index (self->comment_rows, i));
  g_ptr_array_set_size (self->comment_rows, 0);
  json_array_unref (self->pins);
  self->pins = json_array_new ();
}

static GdkRGBA
parse_color (const char *text)
{
  GdkRGBA color = { 0.5, 0.5, 0.5, 1 };

  gdk_rgba_parse (&color, text);
  return color;
}

/* Choosing a comment pinned to an instance selects the instance: the
 * task's own (a returned draw) or the reviewed draw's layer. */
static void
on_comment_activated (AdwActionRow      *row,
                      QuorumReviewPanel *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "instance");
  g_autoptr(GPtrArray) own = NULL;

  if (id == NULL || self->canvas == NULL)
    return;
  if (self->kind == QUORUM_REVIEW_DRAW)
    {
      quorum_canvas_select_layer_instance (self->canvas, QUORUM_REVIEW_LAYER_DRAW, id);
      return;
    }
  /* On a video, the frame's instances (the canvas's positions). */
  own = quorum_canvas_get_instances (self->canvas);
  for (guint i = 0; i < own->len; i++)
    if (g_strcmp0 (((QuorumInstance *) g_ptr_array_index (own, i))->id, id) == 0)
      {
        quorum_canvas_select (self->canvas, (int) i);
        return;
      }
  _quorum_review_panel_toast (self, _("That instance is no longer in the task"));
}

/* The review comments of every round, oldest first: the text, who wrote it
 * in which round, and what it is pinned to. A returned draw task opens with
 * them; a review shows those of earlier rounds. */
static void
show_review_comments (QuorumReviewPanel *self,
                      JsonObject        *view)
{
  JsonNode *node = json_object_get_member (view, "review_comments");
  JsonArray *comments = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (comments == NULL || json_array_get_length (comments) == 0)
    return;
  adw_preferences_group_set_title (self->comments_group, _("Review Comments"));
  /* The rows say it all; the old single text would repeat the task comment. */
  gtk_widget_set_visible (GTK_WIDGET (self->comments_label), FALSE);
  for (guint i = 0; i < json_array_get_length (comments); i++)
    {
      JsonObject *comment = json_array_get_object_element (comments, i);
      JsonNode *pin_node = json_object_get_member (comment, "pin");
      JsonObject *pin = pin_node != NULL && JSON_NODE_HOLDS_OBJECT (pin_node) ? json_node_get_object (pin_node) : NULL;
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *where = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *title = g_markup_escape_text (json_object_get_string_member_with_default (comment, "text", ""),
                                                     -1);

      if (pin != NULL && json_object_has_member (pin, "instance"))
        {
          const char *id = json_object_get_string_member_with_default (pin, "instance", "");

          where = g_strdup (_("on an instance: choose to select it"));
          g_object_set_data_full (G_OBJECT (row), "instance", g_strdup (id), g_free);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_signal_connect_object (row, "activated", G_CALLBACK (on_comment_activated), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("find-location-symbolic"));
        }
      else if (pin != NULL && json_object_has_member (pin, "x"))
        /* Translators: where a review comment is pinned, in image pixels */
        where = g_strdup_printf (_("at %.0f, %.0f on the image"), json_object_get_double_member_with_default (pin, "x", 0),
                                 json_object_get_double_member_with_default (pin, "y", 0));
      else
        where = g_strdup (_("on the task"));
      /* Translators: "Round 2 · rita rejected · on the task" */
      subtitle = g_strdup_printf (_("Round %d · %s %s · %s"),
                                  (int) json_object_get_int_member_with_default (comment, "round", 0),
                                  json_object_get_string_member_with_default (comment, "author_name", "?"),
                                  g_strcmp0 (json_object_get_string_member_with_default (comment, "decision", ""),
                                             "accept") == 0 ? _("accepted") : _("rejected"),
                                  where);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (self->comments_group, row);
      g_ptr_array_add (self->comment_rows, row);
    }
  quorum_canvas_pin_comments (self->canvas, comments, self->comment_rows);
  gtk_widget_set_visible (GTK_WIDGET (self->comments_group), TRUE);
}

static const QuorumInstance *
draw_instance (QuorumReviewPanel *self,
               const char        *id)
{
  guint n = quorum_canvas_get_layer_n_instances (self->canvas, QUORUM_REVIEW_LAYER_DRAW);

  for (guint i = 0; i < n; i++)
    {
      const QuorumInstance *instance = quorum_canvas_get_layer_instance (self->canvas, QUORUM_REVIEW_LAYER_DRAW, i);

      if (g_strcmp0 (instance->id, id) == 0)
        return instance;
    }
  return NULL;
}

/* A resubmitted draw: what changed in its set since the last rejection
 * (the view's "changed_since"), a line per instance under the comments,
 * and "New" or "Changed" written beside the instance on the image. A
 * removed instance has a line only: the set no longer holds it. */
static void
show_changes (QuorumReviewPanel *self,
              JsonObject        *view)
{
  JsonNode *node = json_object_get_member (view, "changed_since");
  static const struct {
    const char *member;
    const char *note;
  } kinds[] = {
    { "added", N_("New") },
    { "changed", N_("Changed") },
    { "removed", N_("Removed") },
  };
  JsonObject *changes;
  g_autofree char *description = NULL;
  guint counts[G_N_ELEMENTS (kinds)] = { 0 };
  int round;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || self->canvas == NULL)
    return;
  changes = json_node_get_object (node);
  round = (int) json_object_get_int_member_with_default (changes, "round", 0);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      JsonNode *ids_node = json_object_get_member (changes, kinds[k].member);
      JsonArray *ids = ids_node != NULL && JSON_NODE_HOLDS_ARRAY (ids_node) ? json_node_get_array (ids_node) : NULL;

      for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
        {
          const char *id = json_array_get_string_element (ids, i);
          const QuorumInstance *instance = id != NULL ? draw_instance (self, id) : NULL;
          GtkWidget *row = adw_action_row_new ();
          g_autofree char *title = NULL;
          g_autofree char *subtitle = NULL;

          if (id == NULL)
            continue;
          counts[k]++;
          /* Translators: "New car", "Changed car", "Removed instance" */
          title = g_markup_printf_escaped (C_("change", "%s %s"), _(kinds[k].note),
                                           instance != NULL ? instance->label : _("instance"));
          /* Translators: "since round 1 was rejected · choose to select it" */
          subtitle = instance != NULL
                     ? g_strdup_printf (_("Since round %d was rejected · choose to select it"), round)
                     : g_strdup_printf (_("Since round %d was rejected · no longer in the set"), round);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          g_object_set_data_full (G_OBJECT (row), "change", g_strdup (kinds[k].member), g_free);
          if (instance != NULL)
            {
              quorum_canvas_set_layer_note (self->canvas, QUORUM_REVIEW_LAYER_DRAW, id, _(kinds[k].note));
              g_object_set_data_full (G_OBJECT (row), "instance", g_strdup (id), g_free);
              gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
              g_signal_connect_object (row, "activated", G_CALLBACK (on_comment_activated), self, 0);
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("find-location-symbolic"));
            }
          adw_preferences_group_add (self->comments_group, row);
          g_ptr_array_add (self->comment_rows, row);
        }
    }
  if (counts[0] + counts[1] + counts[2] == 0)
    /* Translators: the round whose rejection the resubmitted work answers */
    description = g_strdup_printf (_("Nothing changed in the set since round %d was rejected."), round);
  else
    /* Translators: "Since round 1 was rejected: 1 new, 2 changed, 0 removed." */
    description = g_strdup_printf (_("Since round %d was rejected: %u new, %u changed, %u removed."), round,
                                   counts[0], counts[1], counts[2]);
  adw_preferences_group_set_title (self->comments_group, _("Review Comments"));
  adw_preferences_group_set_description (self->comments_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->comments_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->comments_group), TRUE);
}

/* A draw task of a job that is not blind: the file's other passes as
 * read-only layers in their annotators' colours, with a legend to hide
 * them. The panel stays a draw task's (kind none): nothing to decide. */
static void
show_others (QuorumReviewPanel *self,
             JsonObject        *view)
{
  JsonNode *node = json_object_get_member (view, "others");
  JsonArray *others = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (others == NULL || json_array_get_length (others) == 0)
    return;
  self->job_id = json_object_get_int_member_with_default (view, "job", 0);
  adw_preferences_group_set_title (self->summary_group, _("Other Annotators"));
  adw_preferences_group_set_description (self->summary_group,
                                         _("This job is not blind: the other annotators’ work on this file, "
                                           "read-only, each in their own colour."));
  for (guint i = 0; i < json_array_get_length (others); i++)
    {
      JsonObject *pass = json_array_get_object_element (others, i);
      g_autoptr(GPtrArray) instances = _quorum_review_read_instances (pass, "instances");
      g_autofree char *layer = g_strdup_printf ("other-%" G_GINT64_FORMAT,
                                                json_object_get_int_member_with_default (pass, "id", 0));
      g_autofree char *count = count_instances (instances->len);
      const char *color = pass_color (self, pass);
      GdkRGBA rgba = parse_color (color);

      quorum_canvas_set_layer (self->canvas, layer, instances, &rgba);
      add_legend_row (self, color, json_object_get_string_member_with_default (pass, "annotator", "?"), count, layer,
                      FALSE, NULL);
    }
}

/**
 * quorum_review_panel_set_task:
 * @session: (nullable): the session the task came from
 * @view: (nullable): the task's view (GET /tasks/{id}); %NULL, or a draw
 *   task, clears the panel
 *
 * Shows the review controls of @view and sets the canvas's read-only
 * layers. Call it after the canvas has the task's image and own instances.
 */
void
quorum_review_panel_set_task (QuorumReviewPanel *self,
                              QuorumSession     *session,
                              JsonObject        *view)
{
  const char *comments;

  g_return_if_fail (QUORUM_IS_REVIEW_PANEL (self));
  reset (self);
  self->undo_steps = view != NULL ? json_object_get_int_member_with_default (view, "undo_steps", 0) : 0;
  if (quorum_review_kind_of_view (view) == QUORUM_REVIEW_NONE || session == NULL || self->canvas == NULL)
    {
      if (view != NULL && session != NULL && self->canvas != NULL)
        {
          show_others (self, view);
          show_review_comments (self, view);
        }
      _quorum_review_panel_update_actions (self);
      return;
    }
  self->kind = quorum_review_kind_of_view (view);
  self->session = g_object_ref (session);
  self->view = json_object_ref (view);
  self->task_id = json_object_get_int_member_with_default (view, "id", 0);
  self->job_id = json_object_get_int_member_with_default (view, "job", 0);
  self->cancellable = g_cancellable_new ();

  switch (self->kind)
    {
    case QUORUM_REVIEW_DRAW:
      {
        JsonObject *draw = json_object_get_object_member (view, "draw");
        g_autoptr(GPtrArray) instances = _quorum_review_read_instances (draw, "instances");
        g_autofree char *count = count_instances (instances->len);

        quorum_canvas_set_editable (self->canvas, FALSE);
        quorum_canvas_set_layer (self->canvas, QUORUM_REVIEW_LAYER_DRAW, instances, NULL);
        adw_preferences_group_set_title (self->summary_group, _("Review"));
        adw_preferences_group_set_description (self->summary_group,
                                               _("Check the annotator’s work against the guide. Accept it, or "
                                                 "reject it with comments on what to change."));
        add_legend_row (self, NULL, _("The Annotator’s Instances"), count, QUORUM_REVIEW_LAYER_DRAW, FALSE, NULL);
      }
      break;

    case QUORUM_REVIEW_EXAM:
      {
        JsonObject *draw = json_object_get_object_member (view, "draw");
        g_autoptr(GPtrArray) candidate = _quorum_review_read_instances (draw, "instances");
        g_autoptr(GPtrArray) gold = _quorum_review_read_instances (view, "gold");
        GdkRGBA gold_color = parse_color (GOLD_COLOR);
        g_autofree char *candidate_count = count_instances (candidate->len);
        g_autofree char *gold_count = count_instances (gold->len);

        quorum_canvas_set_editable (self->canvas, FALSE);
        quorum_canvas_set_layer (self->canvas, QUORUM_REVIEW_LAYER_GOLD, gold, &gold_color);
        quorum_canvas_set_layer (self->canvas, QUORUM_REVIEW_LAYER_CANDIDATE, candidate, NULL);
        read_rating (self);
        _quorum_review_panel_write_missing_notes (self);
        adw_preferences_group_set_title (self->summary_group, _("Exam Review"));
        _quorum_review_panel_fill_exam_summary (self);
        add_legend_row (self, NULL, _("The Candidate’s Instances"), candidate_count,
                        QUORUM_REVIEW_LAYER_CANDIDATE, FALSE, NULL);
        add_legend_row (self, GOLD_COLOR, _("Gold Standard"), gold_count, QUORUM_REVIEW_LAYER_GOLD, FALSE, NULL);
      }
      break;

    case QUORUM_REVIEW_CONSENSUS:
      {
        JsonArray *passes = passes_of (self);

        for (guint i = 0; passes != NULL && i < json_array_get_length (passes); i++)
          {
            JsonObject *pass = json_array_get_object_element (passes, i);
            g_autoptr(GPtrArray) instances = _quorum_review_read_instances (pass, "instances");
            g_autofree char *layer = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                      json_object_get_int_member_with_default (pass, "id", 0));
            GdkRGBA color = parse_color (pass_color (self, pass));

            quorum_canvas_set_layer (self->canvas, layer, instances, &color);
          }
        adw_preferences_group_set_title (self->summary_group, _("Consensus"));
        _quorum_review_panel_fill_consensus_legend (self);
      }
      break;

    case QUORUM_REVIEW_NONE:
    default:
      break;
    }

  _quorum_review_panel_watch_outbox (self);

  comments = json_object_get_string_member_with_default (view, "comments", NULL);
  if (comments != NULL && *comments != '\0')
    {
      gtk_label_set_label (self->comments_label, comments);
      gtk_widget_set_visible (GTK_WIDGET (self->comments_group), TRUE);
    }
  show_review_comments (self, view);
  if (self->kind == QUORUM_REVIEW_DRAW)
    {
      show_changes (self, view);
      restore_pins (self);
    }
  _quorum_review_panel_update_actions (self);
}

QuorumReviewKind
quorum_review_panel_get_kind (QuorumReviewPanel *self)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), QUORUM_REVIEW_NONE);
  return self->kind;
}

gint64
quorum_review_panel_get_task (QuorumReviewPanel *self)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), 0);
  return self->task_id;
}

/* The rows of the legend: one per set shown (for consensus, one per pass
 * and the ground truth last). */
guint
quorum_review_panel_get_n_sets (QuorumReviewPanel *self)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), 0);
  return self->rows->len;
}

/* What row @index says: "ann — Score 0.88 · 11 instances", and " · Best"
 * on the best annotator's row of a Best Annotator job. */
char *
quorum_review_panel_describe_set (QuorumReviewPanel *self,
                                  guint              index)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_strdup (g_object_get_data (g_ptr_array_index (self->rows, index), "description"));
}

/* The colour of row @index's set ("#1c71d8"), or %NULL: drawn in the
 * label colours. */
const char *
quorum_review_panel_get_set_color (QuorumReviewPanel *self,
                                   guint              index)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_object_get_data (g_ptr_array_index (self->rows, index), "color");
}

/* How many review comments the task shows. */
guint
quorum_review_panel_get_n_comments (QuorumReviewPanel *self)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), 0);
  return self->comment_rows->len;
}

/* Chooses comment @index, as a click on its row does. */
void
quorum_review_panel_choose_comment (QuorumReviewPanel *self,
                                    guint              index)
{
  g_return_if_fail (QUORUM_IS_REVIEW_PANEL (self));
  g_return_if_fail (index < self->comment_rows->len);
  g_signal_emit_by_name (g_ptr_array_index (self->comment_rows, index), "activated");
}

/* Whether a consensus step can be undone (review.undo-step is enabled). */
gboolean
quorum_review_panel_can_undo (QuorumReviewPanel *self)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), FALSE);
  return g_action_get_enabled (action (self, "undo-step"));
}

/* The stars of a candidate instance as the reviewer leaves them, 0: none. */
int
quorum_review_panel_get_stars (QuorumReviewPanel *self,
                               const char        *instance_id)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), 0);
  return GPOINTER_TO_INT (g_hash_table_lookup (self->stars, instance_id));
}

gboolean
quorum_review_panel_get_missing (QuorumReviewPanel *self,
                                 const char        *gold_id)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), FALSE);
  return g_hash_table_contains (self->missing, gold_id);
}

void
quorum_review_panel_bind_canvas (QuorumReviewPanel *self,
                                 QuorumCanvas      *canvas)
{
  g_return_if_fail (QUORUM_IS_REVIEW_PANEL (self));
  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  g_set_object (&self->canvas, canvas);
  if (canvas != NULL)
    {
      g_signal_connect_object (canvas, "selection-changed", G_CALLBACK (_quorum_review_panel_update_selection), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (canvas, "instances-changed", G_CALLBACK (on_instances_changed), self,
                               G_CONNECT_SWAPPED);
    }
}

void
quorum_review_panel_set_track_editor (QuorumReviewPanel *self,
                                      QuorumTrackEditor *tracks)
{
  g_return_if_fail (QUORUM_IS_REVIEW_PANEL (self));
  if (self->tracks != NULL)
    g_signal_handlers_disconnect_by_data (self->tracks, self);
  g_set_object (&self->tracks, tracks);
  /* Each frame's gold instances are new ones: their Missing notes too. */
  if (tracks != NULL)
    g_signal_connect_object (tracks, "frame-changed", G_CALLBACK (_quorum_review_panel_write_missing_notes), self,
                             G_CONNECT_SWAPPED);
}

/* What the task's own set holds (the ground truth of a consensus): on a
 * video every frame's anchors, the canvas's edits of this frame folded in. */
GPtrArray *
_quorum_review_panel_get_own (QuorumReviewPanel *self)
{
  if (self->tracks != NULL && quorum_track_editor_is_active (self->tracks))
    {
      quorum_track_editor_commit (self->tracks);
      return quorum_track_editor_get_instances (self->tracks);
    }
  return quorum_canvas_get_instances (self->canvas);
}

void
_quorum_review_panel_set_own (QuorumReviewPanel *self,
                              GPtrArray         *instances)
{
  if (self->tracks != NULL && quorum_track_editor_is_active (self->tracks))
    quorum_track_editor_replace (self->tracks, instances);
  else
    quorum_canvas_set_instances (self->canvas, instances);
}

/**
 * quorum_review_panel_get_action_group:
 *
 * The "review" actions: accept, reject, mark-best (x: a pass),
 * mark-selected-best (the selected instance's pass, for a key), copy-set
 * (x: a pass), copy-instance, clear, focus (a boolean state), rate (i: 1…5
 * stars for the selected candidate instance) and missing (a boolean state,
 * of the selected gold instance). Insert it as "review" where the buttons
 * that use it live.
 *
 * Returns: (transfer none): the actions
 */
GActionGroup *
quorum_review_panel_get_action_group (QuorumReviewPanel *self)
{
  g_return_val_if_fail (QUORUM_IS_REVIEW_PANEL (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

/* ---- GObject -------------------------------------------------------------------- */

static void
quorum_review_panel_dispose (GObject *object)
{
  QuorumReviewPanel *self = QUORUM_REVIEW_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  _quorum_review_panel_stop_waiting (self);
  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  g_clear_object (&self->canvas);
  if (self->tracks != NULL)
    g_signal_handlers_disconnect_by_data (self->tracks, self);
  g_clear_object (&self->tracks);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_REVIEW_PANEL);
  G_OBJECT_CLASS (quorum_review_panel_parent_class)->dispose (object);
}

static void
quorum_review_panel_finalize (GObject *object)
{
  QuorumReviewPanel *self = QUORUM_REVIEW_PANEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->view, json_object_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->stars, g_hash_table_unref);
  g_clear_pointer (&self->pass_colors, g_hash_table_unref);
  g_clear_pointer (&self->comment_rows, g_ptr_array_unref);
  g_clear_pointer (&self->pins, json_array_unref);
  g_clear_pointer (&self->outputs, g_ptr_array_unref);
  g_clear_pointer (&self->missing, g_hash_table_unref);
  g_free (self->comments);
  G_OBJECT_CLASS (quorum_review_panel_parent_class)->finalize (object);
}

static void
quorum_review_panel_class_init (QuorumReviewPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_review_panel_dispose;
  object_class->finalize = quorum_review_panel_finalize;

  /**
   * QuorumReviewPanel::decided:
   * @task: the task decided
   * @job: its job
   * @accepted: whether it was accepted
   *
   * The server took the decision: time for the job's next task.
   */
  signals[DECIDED] =
    g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-review-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, summary_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, legend);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, selection_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, stars_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, stars_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, missing_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, copy_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, pin_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, focus_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, comments_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumReviewPanel, comments_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
quorum_review_panel_init (QuorumReviewPanel *self)
{
  const GActionEntry entries[] = {
    { "pin-comment", pin_comment_activated, NULL, NULL, NULL },
    { "focus", NULL, NULL, "false", focus_changed },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->stars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pass_colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->comment_rows = g_ptr_array_new ();
  self->pins = json_array_new ();
  self->outputs = g_ptr_array_new_with_free_func (g_free);
  self->missing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  _quorum_review_panel_add_step_actions (self);

  for (int i = 0; i < 5; i++)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("non-starred-symbolic");
      g_autofree char *tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d Star", "%d Stars", i + 1), i + 1);

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "circular");
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "review.rate");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int32 (i + 1));
      gtk_box_append (GTK_BOX (self->stars_box), button);
      self->star_buttons[i] = button;
    }
  _quorum_review_panel_update_actions (self);
}
