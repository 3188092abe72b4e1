/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-exam-catalogue.h"
#include "quorum-exam-result.h"

/* The name of the cached GET /exams reply. */
#define EXAMS_DOCUMENT "exams"

struct _QuorumExamCatalogue
{
  AdwWindow        parent_instance;

  /* the template */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  AdwStatusPage   *error_page;
  GtkLabel        *offline_label;
  GtkBox          *exam_box;

  GtkWindow       *parent;          /* weak */
  QuorumSession   *session;
  GCancellable    *cancellable;      /* the list's loads, cancelled by the next refresh */
  GCancellable    *apply_cancellable; /* an Apply under way: only closing cancels it */
  JsonNode        *exams;           /* the reply shown */
  gboolean         loaded;          /* from the server, not the cache */
  gboolean         offline;
  gint64           applying;        /* the exam being applied to, or 0 */
  QuorumSyncState  sync_state;
  GHashTable      *attempt_states;  /* attempt id → the words shown */
  GPtrArray       *groups;          /* the exams' AdwPreferencesGroups */
  GPtrArray       *results;         /* the result windows open, until destroyed */
};

G_DEFINE_FINAL_TYPE (QuorumExamCatalogue, quorum_exam_catalogue, ADW_TYPE_WINDOW)

/* ---- words ------------------------------------------------------------------ */

const char *
quorum_exam_describe_state (const char *state)
{
  if (g_strcmp0 (state, "in_progress") == 0)
    return _("In progress");
  if (g_strcmp0 (state, "submitted") == 0)
    return _("Waiting for review");
  if (g_strcmp0 (state, "reviewed") == 0)
    return _("Waiting for the trainer");
  if (g_strcmp0 (state, "passed") == 0)
    return _("Passed");
  if (g_strcmp0 (state, "failed") == 0)
    return _("Failed");
  return _("Unknown");
}

char *
quorum_exam_describe_pass_rule (JsonObject *rule)
{
  double stars;
  gint64 missed;

  if (rule == NULL)
    return g_strdup (_("The trainer decides."));
  stars = json_object_get_double_member_with_default (rule, "min_average_stars", 0);
  missed = json_object_get_int_member_with_default (rule, "max_missed", 0);
  if (missed == 0)
    /* Translators: an exam's pass rule */
    return g_strdup_printf (_("To pass: an average of at least %.1f stars and no missed gold instance."), stars);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "To pass: an average of at least %.1f stars and at most %d missed gold instance.",
                                       "To pass: an average of at least %.1f stars and at most %d missed gold instances.",
                                       (gulong) missed),
                          stars, (int) missed);
}

/* "Org/Name" names the organization's credential, "Name" the project's or
 * its organization's: an exam awarding "Name" answers both. */
JsonObject *
quorum_exam_find_award (JsonNode   *exams,
                        const char *credential)
{
  const char *slash;
  const char *bare;
  JsonArray *array;

  if (exams == NULL || credential == NULL || !JSON_NODE_HOLDS_ARRAY (exams))
    return NULL;
  slash = strchr (credential, '/');
  bare = slash != NULL ? slash + 1 : credential;
  array = json_node_get_array (exams);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *exam;
      JsonNode *awards;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      exam = json_node_get_object (node);
      awards = json_object_get_member (exam, "awards");
      if (awards == NULL || !JSON_NODE_HOLDS_ARRAY (awards))
        continue;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (awards)); j++)
        {
          const char *award = json_array_get_string_element (json_node_get_array (awards), j);

          if (award != NULL && (g_strcmp0 (award, credential) == 0 || g_strcmp0 (award, bare) == 0))
            return exam;
        }
    }
  return NULL;
}

static char *
format_date (gint64 seconds)
{
  g_autoptr(GDateTime) time = seconds > 0 ? g_date_time_new_from_unix_local (seconds) : NULL;

  /* Translators: a date as in "started 4 December 2026", see g_date_time_format() */
  return time != NULL ? g_date_time_format (time, _("%-d %B %Y")) : g_strdup ("");
}

/* ---- showing the list ------------------------------------------------------------ */

static void
show_toast (QuorumExamCatalogue *self,
            const char          *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
clear_groups (QuorumExamCatalogue *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    gtk_box_remove (self->exam_box, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->attempt_states);
}

static GtkWidget *
attempt_row (QuorumExamCatalogue *self,
             JsonObject          *attempt)
{
  gint64 id = json_object_get_int_member_with_default (attempt, "id", 0);
  gint64 number = json_object_get_int_member_with_default (attempt, "number", 0);
  const char *words = quorum_exam_describe_state (json_object_get_string_member_with_default (attempt, "state", ""));
  g_autofree char *started = format_date (json_object_get_int_member_with_default (attempt, "started", 0));
  /* Translators: an exam attempt's title, "Attempt 2" */
  g_autofree char *title = g_strdup_printf (_("Attempt %d"), (int) number);
  /* Translators: when an exam attempt began, "Started 4 December 2026" */
  g_autofree char *subtitle = g_strdup_printf (_("Started %s"), started);
  const char *state = json_object_get_string_member_with_default (attempt, "state", "");
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state_label = gtk_label_new (words);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* The state stands out: it is what the taker opens the list for. */
  gtk_widget_add_css_class (state_label, g_strcmp0 (state, "passed") == 0 ? "success"
                                         : g_strcmp0 (state, "failed") == 0 ? "error" : "accent");
  gtk_widget_add_css_class (state_label, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state_label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "exams.show-result");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_int64 (id));
  gtk_widget_set_tooltip_text (row, _("Show the result of this attempt"));
  g_hash_table_insert (self->attempt_states, GSIZE_TO_POINTER ((gsize) id), (gpointer) words);
  return row;
}

static GtkWidget *
exam_group (QuorumExamCatalogue *self,
            JsonObject          *exam)
{
  gint64 id = json_object_get_int_member_with_default (exam, "id", 0);
  JsonNode *awards = json_object_get_member (exam, "awards");
  JsonNode *attempts = json_object_get_member (exam, "attempts");
  JsonNode *rule = json_object_get_member (exam, "pass_rule");
  gint64 max_attempts = json_object_get_int_member_with_default (exam, "max_attempts", 0);
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *rule_text = quorum_exam_describe_pass_rule (rule != NULL && JSON_NODE_HOLDS_OBJECT (rule)
                                                               ? json_node_get_object (rule) : NULL);
  GtkWidget *group = adw_preferences_group_new ();
  guint n_attempts = attempts != NULL && JSON_NODE_HOLDS_ARRAY (attempts)
                     ? json_array_get_length (json_node_get_array (attempts)) : 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                   json_object_get_string_member_with_default (exam, "name", _("Exam")));
  if (awards != NULL && JSON_NODE_HOLDS_ARRAY (awards) && json_array_get_length (json_node_get_array (awards)) > 0)
    {
      JsonArray *array = json_node_get_array (awards);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_string_append_printf (names, "%s“%s”", i > 0 ? ", " : "", json_array_get_string_element (array, i));
      /* Translators: what an exam awards, "Awards “Street annotator”." */
      g_string_append_printf (description, _("Awards %s."), names->str);
      g_string_append_c (description, ' ');
    }
  g_string_append (description, rule_text);
  if (max_attempts > 0)
    {
      g_string_append_c (description, ' ');
      g_string_append_printf (description,
                              g_dngettext (GETTEXT_PACKAGE, "One attempt allowed.", "Up to %d attempts.",
                                           (gulong) max_attempts),
                              (int) max_attempts);
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description->str);

  if (json_object_get_boolean_member_with_default (exam, "can_apply", FALSE))
    {
      GtkWidget *apply = gtk_button_new_with_mnemonic (_("_Apply"));

      gtk_widget_add_css_class (apply, "suggested-action");
      gtk_widget_set_valign (apply, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (apply), "exams.apply");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (apply), g_variant_new_int64 (id));
      gtk_widget_set_tooltip_text (apply, _("Start an attempt: its tasks open in the main window"));
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), apply);
      g_object_set_data (G_OBJECT (group), "apply", apply);
    }
  else
    {
      const char *why_not = json_object_get_string_member_with_default (exam, "why_not", NULL);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     why_not != NULL ? why_not : _("You cannot apply to this exam now."));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-information-symbolic"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  /* The latest attempt first: that is the one the taker looks for. */
  for (guint i = n_attempts; i > 0; i--)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (attempts), i - 1);

      if (JSON_NODE_HOLDS_OBJECT (node))
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), attempt_row (self, json_node_get_object (node)));
    }
  if (n_attempts == 0 && json_object_get_boolean_member_with_default (exam, "can_apply", FALSE))
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("You have not taken this exam yet."));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  g_object_set_data (G_OBJECT (group), "exam", GSIZE_TO_POINTER ((gsize) id));
  return group;
}

static void
show_exams (QuorumExamCatalogue *self)
{
  JsonArray *array;
  guint n;

  clear_groups (self);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_label), self->offline);
  if (self->exams == NULL || !JSON_NODE_HOLDS_ARRAY (self->exams))
    return;
  array = json_node_get_array (self->exams);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      GtkWidget *group;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      group = exam_group (self, json_node_get_object (node));
      gtk_box_append (self->exam_box, group);
      g_ptr_array_add (self->groups, group);
    }
  adw_status_page_set_description (self->empty_page,
                                   self->offline
                                   ? _("None was open to you when the server last answered. It does not answer now.")
                                   : _("None of your projects has an exam open to you. When a trainer opens one, it is listed here."));
  gtk_stack_set_visible_child_name (self->stack, self->groups->len > 0 ? "list" : "empty");
}

static gboolean
show_cached (QuorumExamCatalogue *self)
{
  g_autoptr(JsonNode) cached = quorum_cache_get_document (quorum_session_get_cache (self->session),
                                                          EXAMS_DOCUMENT, NULL, NULL);

  if (cached == NULL)
    return FALSE;
  g_clear_pointer (&self->exams, json_node_unref);
  self->exams = g_steal_pointer (&cached);
  show_exams (self);
  return TRUE;
}

static void
got_exams (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumExamCatalogue) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) exams = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (exams != NULL && JSON_NODE_HOLDS_ARRAY (exams))
    {
      g_autoptr(GError) cache_error = NULL;

      if (!quorum_cache_store_document (quorum_session_get_cache (self->session), EXAMS_DOCUMENT, exams,
                                        &cache_error))
        g_warning ("The exams could not be kept on this computer: %s", cache_error->message);
      g_clear_pointer (&self->exams, json_node_unref);
      self->exams = g_steal_pointer (&exams);
      self->loaded = TRUE;
      self->offline = FALSE;
      show_exams (self);
      return;
    }
  self->offline = g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE);
  if (self->offline && show_cached (self))
    return;
  if (error == NULL)
    g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, _("The server’s list of exams is not a list."));
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

void
quorum_exam_catalogue_refresh (QuorumExamCatalogue *self)
{
  g_return_if_fail (QUORUM_IS_EXAM_CATALOGUE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", "/exams", NULL, self->cancellable,
                            got_exams, g_object_ref (self));
  for (guint i = 0; i < self->results->len; i++)
    {
      quorum_exam_result_refresh (g_ptr_array_index (self->results, i));
    }
}

/* ---- applying ------------------------------------------------------------------- */

static void
applied (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QuorumExamCatalogue) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  gint64 job = self->applying;
  GtkWindow *parent = self->parent;

  self->applying = 0;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE))
        show_toast (self, _("Applying needs a connection to the server. Try again once it answers."));
      else
        {
          g_autofree char *message = g_strdup_printf (_("You could not apply: %s"), error->message);

          show_toast (self, message);
        }
      quorum_exam_catalogue_refresh (self);
      return;
    }
  /* The attempt's tasks are the taker's: the main window lists them and
   * opens the first, which is what the taker came for. */
  if (parent != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (parent), "win.refresh", NULL);
      gtk_widget_activate_action (GTK_WIDGET (parent), "win.next-task", "x", job);
      gtk_window_present (parent);
    }
  quorum_exam_catalogue_refresh (self);
}

void
quorum_exam_catalogue_apply (QuorumExamCatalogue *self,
                             gint64               job_id)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_EXAM_CATALOGUE (self));
  if (self->applying != 0)
    return;
  if (quorum_sync_get_state (quorum_session_get_sync (self->session)) == QUORUM_SYNC_OFFLINE)
    {
      show_toast (self, _("Applying needs a connection to the server. Try again once it answers."));
      return;
    }
  self->applying = job_id;
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/apply", job_id);
  quorum_client_call_async (quorum_session_get_client (self->session), "POST", path, NULL, self->apply_cancellable,
                            applied, g_object_ref (self));
}

static void
result_destroyed (QuorumExamCatalogue *self,
                  GtkWidget           *result)
{
  g_ptr_array_remove (self->results, result);
}

GtkWindow *
quorum_exam_catalogue_show_result (QuorumExamCatalogue *self,
                                   gint64               attempt_id)
{
  QuorumExamResult *result;

  g_return_val_if_fail (QUORUM_IS_EXAM_CATALOGUE (self), NULL);
  for (guint i = 0; i < self->results->len; i++)
    {
      GtkWindow *window = g_ptr_array_index (self->results, i);

      if (quorum_exam_result_get_attempt (QUORUM_EXAM_RESULT (window)) == attempt_id)
        {
          gtk_window_present (window);
          return window;
        }
    }
  result = quorum_exam_result_new (GTK_WINDOW (self), self->session, attempt_id);
  g_ptr_array_add (self->results, result);
  g_signal_connect_object (result, "destroy", G_CALLBACK (result_destroyed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (result));
  return GTK_WINDOW (result);
}

static void
catalogue_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  QuorumExamCatalogue *self = QUORUM_EXAM_CATALOGUE (widget);

  if (g_str_equal (action_name, "exams.refresh"))
    quorum_exam_catalogue_refresh (self);
  else if (g_str_equal (action_name, "exams.apply"))
    quorum_exam_catalogue_apply (self, g_variant_get_int64 (parameter));
  else
    quorum_exam_catalogue_show_result (self, g_variant_get_int64 (parameter));
}

/* Results arrive at the next sync: back to synced after anything else,
 * the list is fetched again. */
static void
on_sync_state (QuorumExamCatalogue *self,
               GParamSpec          *pspec,
               QuorumSync          *sync)
{
  QuorumSyncState state = quorum_sync_get_state (sync);

  if (state == QUORUM_SYNC_SYNCED && self->sync_state != QUORUM_SYNC_SYNCED)
    quorum_exam_catalogue_refresh (self);
  self->sync_state = state;
}

/* ---- for the tests ---------------------------------------------------------------- */

gboolean
quorum_exam_catalogue_is_loaded (QuorumExamCatalogue *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_CATALOGUE (self), FALSE);
  return self->loaded;
}

gboolean
quorum_exam_catalogue_is_offline (QuorumExamCatalogue *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_CATALOGUE (self), FALSE);
  return self->offline;
}

guint
quorum_exam_catalogue_get_n_exams (QuorumExamCatalogue *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_CATALOGUE (self), 0);
  return self->groups->len;
}

const char *
quorum_exam_catalogue_get_attempt_state (QuorumExamCatalogue *self,
                                         gint64               attempt_id)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_CATALOGUE (self), NULL);
  return g_hash_table_lookup (self->attempt_states, GSIZE_TO_POINTER ((gsize) attempt_id));
}

static JsonObject *
find_exam (QuorumExamCatalogue *self,
           gint64               job_id)
{
  JsonArray *array;

  if (self->exams == NULL || !JSON_NODE_HOLDS_ARRAY (self->exams))
    return NULL;
  array = json_node_get_array (self->exams);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          json_object_get_int_member_with_default (json_node_get_object (node), "id", 0) == job_id)
        return json_node_get_object (node);
    }
  return NULL;
}

gint64
quorum_exam_catalogue_get_last_attempt (QuorumExamCatalogue *self,
                                        gint64               job_id)
{
  JsonObject *exam;
  JsonNode *attempts;
  JsonArray *array;

  g_return_val_if_fail (QUORUM_IS_EXAM_CATALOGUE (self), 0);
  exam = find_exam (self, job_id);
  attempts = exam != NULL ? json_object_get_member (exam, "attempts") : NULL;
  if (attempts == NULL || !JSON_NODE_HOLDS_ARRAY (attempts))
    return 0;
  array = json_node_get_array (attempts);
  if (json_array_get_length (array) == 0)
    return 0;
  return json_object_get_int_member_with_default (json_array_get_object_element (array,
                                                                                 json_array_get_length (array) - 1),
                                                  "id", 0);
}

gboolean
quorum_exam_catalogue_can_apply (QuorumExamCatalogue *self,
                                 gint64               job_id)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_CATALOGUE (self), FALSE);
  for (guint i = 0; i < self->groups->len; i++)
    {
      GObject *group = g_ptr_array_index (self->groups, i);

      if (GPOINTER_TO_SIZE (g_object_get_data (group, "exam")) == (gsize) job_id)
        return g_object_get_data (group, "apply") != NULL;
    }
  return FALSE;
}

/* ---- the window --------------------------------------------------------------------- */

static void
quorum_exam_catalogue_dispose (GObject *object)
{
  QuorumExamCatalogue *self = QUORUM_EXAM_CATALOGUE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->apply_cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (quorum_session_get_sync (self->session), self);
  /* The result windows close with the list they were opened from. */
  while (self->results != NULL && self->results->len > 0)
    gtk_window_destroy (g_ptr_array_index (self->results, self->results->len - 1));
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_weak_pointer (&self->parent);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_EXAM_CATALOGUE);
  G_OBJECT_CLASS (quorum_exam_catalogue_parent_class)->dispose (object);
}

static void
quorum_exam_catalogue_finalize (GObject *object)
{
  QuorumExamCatalogue *self = QUORUM_EXAM_CATALOGUE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->apply_cancellable);
  g_clear_pointer (&self->exams, json_node_unref);
  g_clear_pointer (&self->attempt_states, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  G_OBJECT_CLASS (quorum_exam_catalogue_parent_class)->finalize (object);
}

static void
quorum_exam_catalogue_class_init (QuorumExamCatalogueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_exam_catalogue_dispose;
  object_class->finalize = quorum_exam_catalogue_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-exam-catalogue.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumExamCatalogue, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamCatalogue, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamCatalogue, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamCatalogue, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamCatalogue, offline_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamCatalogue, exam_box);

  gtk_widget_class_install_action (widget_class, "exams.refresh", NULL, catalogue_action);
  gtk_widget_class_install_action (widget_class, "exams.apply", "x", catalogue_action);
  gtk_widget_class_install_action (widget_class, "exams.show-result", "x", catalogue_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "exams.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "exams.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_exam_catalogue_init (QuorumExamCatalogue *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->apply_cancellable = g_cancellable_new ();
  self->attempt_states = g_hash_table_new (NULL, NULL);
  self->groups = g_ptr_array_new ();
  self->results = g_ptr_array_new ();
}

QuorumExamCatalogue *
quorum_exam_catalogue_new (GtkWindow     *parent,
                           QuorumSession *session)
{
  QuorumExamCatalogue *self;
  QuorumSync *sync;

  g_return_val_if_fail (QUORUM_IS_SESSION (session), NULL);

  self = g_object_new (QUORUM_TYPE_EXAM_CATALOGUE, "transient-for", parent, NULL);
  g_set_weak_pointer (&self->parent, parent);
  self->session = g_object_ref (session);
  sync = quorum_session_get_sync (session);
  self->sync_state = quorum_sync_get_state (sync);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (on_sync_state), self, G_CONNECT_SWAPPED);
  /* What was last fetched, at once; the server's answer replaces it. */
  if (!show_cached (self))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  quorum_exam_catalogue_refresh (self);
  return self;
}
