/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-job-assistant.h"
#include "quorum-job-overview.h"
#include "quorum-market-terms-group.h"
#include "quorum-session.h"

/* The values the combo rows stand for, in their order (docs/formats.md). */
static const char *const job_types[] = { "normal", "exam", NULL };
static const char *const shares[] = { "project", "org", "market", NULL };
static const char *const consensus_modes[] = { "best_annotator", "manual_merge", NULL };
static const char *const steps[] = { "settings", "files", "review", NULL };
static const char *const step_titles[] = { N_("Settings"), N_("Files"), N_("Review"), NULL };

typedef struct {
  gint64          id;
  char           *name;
  gboolean        has_existing;
  GtkWidget      *row;
  GtkCheckButton *check;
} ProjectFile;

struct _QuorumJobAssistant
{
  AdwWindow             parent_instance;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *back_button;
  GtkWidget            *next_button;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkStack             *steps;
  /* settings */
  GtkEditable          *name_row;
  AdwComboRow          *type_row;
  AdwComboRow          *share_row;
  QuorumMarketTermsGroup    *market_terms;
  GtkWidget            *work_group;
  GtkWidget            *passes_row;
  GtkSpinButton        *passes_spin;
  GtkWidget            *review_row;
  GtkSpinButton        *review_spin;
  AdwActionRow         *blind_row;
  GtkSwitch            *blind_switch;
  AdwComboRow          *consensus_row;
  GtkWidget            *threshold_row;
  GtkSpinButton        *threshold_spin;
  AdwComboRow          *draw_guide_row;
  AdwComboRow          *review_guide_row;
  GtkStringList        *draw_guides;
  GtkStringList        *review_guides;
  AdwExpanderRow       *required_row;
  GtkWidget            *exam_group;
  AdwExpanderRow       *awarded_row;
  GtkWidget            *min_stars_row;
  GtkSpinButton        *min_stars_spin;
  GtkWidget            *max_missed_row;
  GtkSpinButton        *max_missed_spin;
  GtkWidget            *max_attempts_row;
  GtkSpinButton        *max_attempts_spin;
  GtkWidget            *retake_wait_row;
  GtkSpinButton        *retake_wait_spin;
  GtkWidget            *show_answers_row;
  GtkSwitch            *show_answers_switch;
  GtkLabel             *job_error;
  GtkLabel             *work_error;
  GtkLabel             *agreement_error;
  GtkLabel             *guides_error;
  GtkLabel             *credentials_error;
  GtkLabel             *exam_error;
  GtkLabel             *settings_problems;
  /* files */
  GtkEditable          *filter_entry;
  GtkStack             *files_stack;
  GtkListBox           *file_list;
  AdwStatusPage        *files_empty;
  GtkLabel             *files_count;
  GtkLabel             *files_error;
  /* review */
  GtkListBox           *summary_list;
  GtkLabel             *review_problems;
  GtkLabel             *review_error;
  GtkWidget            *draft_button;
  GtkWidget            *launch_button;
  GtkSpinner           *create_spinner;
  GtkWidget            *select_all_button;
  GtkWidget            *select_none_button;

  QuorumSession        *session;
  QuorumWindow         *window;          /* weak */
  GCancellable         *cancellable;
  gint64                project;
  char                 *project_name;
  char                 *role;            /* the caller's, from GET /projects; NULL unknown */
  JsonArray            *guides;          /* GET /projects/{id}/guides */
  GPtrArray            *required_checks; /* of GtkCheckButton, named by "credential" */
  GPtrArray            *awarded_checks;
  GtkEditable          *required_other;
  GtkEditable          *awarded_other;
  GPtrArray            *files;           /* of ProjectFile, in the project's order */
  GPtrArray            *marked_rows;     /* rows shown with the server's error */
  char                 *load_error;
  guint                 loading;
  gboolean              filling;         /* the widgets change, not the user */
  gint64                created_job;     /* a draft a failed launch left behind */
  char                 *created_name;
};

G_DEFINE_FINAL_TYPE (QuorumJobAssistant, quorum_job_assistant, ADW_TYPE_WINDOW)

enum {
  JOB_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update (QuorumJobAssistant *self);

static void
project_file_free (gpointer data)
{
  ProjectFile *file = data;

  g_free (file->name);
  g_free (file);
}

static guint
index_of (const char *const *values,
          const char        *value)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (g_strcmp0 (values[i], value) == 0)
      return i;
  return 0;
}

static const char *
combo_value (AdwComboRow       *row,
             const char *const *values)
{
  guint selected = adw_combo_row_get_selected (row);

  return selected < g_strv_length ((char **) values) ? values[selected] : values[0];
}

static gboolean
is_exam (QuorumJobAssistant *self)
{
  return g_str_equal (combo_value (self->type_row, job_types), "exam");
}

static char *
job_name (QuorumJobAssistant *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (self->name_row)));
}

/* ---- choices ------------------------------------------------------------------------ */

/* The guide the row names, as its id; NULL for none. */
static char *
chosen_guide (QuorumJobAssistant *self,
              AdwComboRow        *row)
{
  guint selected = adw_combo_row_get_selected (row);
  JsonObject *guide;

  /* The first entry is "None". */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || self->guides == NULL ||
      selected > json_array_get_length (self->guides))
    return NULL;
  guide = json_array_get_object_element (self->guides, selected - 1);
  return g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (guide, "id", 0));
}

/* The credentials ticked, then those typed, as given: a name typed twice is
 * the server's to name (it says which and where). */
static GStrv
chosen_credentials (QuorumJobAssistant *self,
                    gboolean            awarded)
{
  GPtrArray *checks = awarded ? self->awarded_checks : self->required_checks;
  GtkEditable *other = awarded ? self->awarded_other : self->required_other;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (check), "credential"));
    }
  if (other != NULL)
    {
      g_auto(GStrv) typed = g_strsplit (gtk_editable_get_text (other), ",", -1);

      for (guint i = 0; typed[i] != NULL; i++)
        {
          const char *name = g_strstrip (typed[i]);

          if (*name != '\0')
            g_strv_builder_add (builder, name);
        }
    }
  return g_strv_builder_end (builder);
}

static guint
n_chosen_files (QuorumJobAssistant *self)
{
  guint n = 0;

  for (guint i = 0; i < self->files->len; i++)
    n += gtk_check_button_get_active (((ProjectFile *) g_ptr_array_index (self->files, i))->check) ? 1 : 0;
  return n;
}

GArray *
quorum_job_assistant_get_chosen_files (QuorumJobAssistant *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), ids);
  for (guint i = 0; i < self->files->len; i++)
    {
      ProjectFile *file = g_ptr_array_index (self->files, i);

      if (gtk_check_button_get_active (file->check))
        g_array_append_val (ids, file->id);
    }
  return ids;
}

/* ---- the settings Create sends ------------------------------------------------------ */

static void
add_strings (JsonBuilder *builder,
             const char  *member,
             GStrv        strings)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strings[i] != NULL; i++)
    json_builder_add_string_value (builder, strings[i]);
  json_builder_end_array (builder);
}

static void
add_guide (JsonBuilder *builder,
           const char  *member,
           const char  *guide)
{
  json_builder_set_member_name (builder, member);
  if (guide != NULL)
    json_builder_add_string_value (builder, guide);
  else
    json_builder_add_null_value (builder);
}

/* Who gets the work. What a share needs besides its name goes here: a
 * market job's bid and deadline are its settings' "market" member. */
static void
add_share_settings (QuorumJobAssistant *self,
                    JsonBuilder        *builder)
{
  const char *share = combo_value (self->share_row, shares);

  json_builder_set_member_name (builder, "share");
  json_builder_add_string_value (builder, share);
  /* a market job's bid and deadline; only a market job has them */
  if (g_strcmp0 (share, "market") == 0)
    quorum_market_terms_group_add_settings (self->market_terms, builder);
}

/* What an exam decides with; the server ignores them for other jobs, so
 * they are sent for an exam only. */
static void
add_exam_settings (QuorumJobAssistant *self,
                   JsonBuilder        *builder)
{
  g_auto(GStrv) awarded = chosen_credentials (self, TRUE);

  add_strings (builder, "awarded_credentials", awarded);
  json_builder_set_member_name (builder, "pass_rule");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "min_average_stars");
  json_builder_add_double_value (builder, gtk_spin_button_get_value (self->min_stars_spin));
  json_builder_set_member_name (builder, "max_missed");
  json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (self->max_missed_spin));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "max_attempts");
  json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (self->max_attempts_spin));
  json_builder_set_member_name (builder, "retake_wait");
  json_builder_add_int_value (builder, (gint64) gtk_spin_button_get_value_as_int (self->retake_wait_spin) * 60);
  json_builder_set_member_name (builder, "show_answers");
  json_builder_add_boolean_value (builder, gtk_switch_get_active (self->show_answers_switch));
}

/* Passes, review and consensus; an exam has one pass per taker, every
 * drawing reviewed against the gold and no consensus (docs/exams.md). */
static void
add_work_settings (QuorumJobAssistant *self,
                   JsonBuilder        *builder)
{
  json_builder_set_member_name (builder, "passes_per_file");
  json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (self->passes_spin));
  json_builder_set_member_name (builder, "review_frequency");
  json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (self->review_spin));
  json_builder_set_member_name (builder, "consensus");
  json_builder_add_string_value (builder, combo_value (self->consensus_row, consensus_modes));
  json_builder_set_member_name (builder, "blind");
  json_builder_add_boolean_value (builder, gtk_switch_get_active (self->blind_switch));
}

JsonNode *
quorum_job_assistant_build_settings (QuorumJobAssistant *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = NULL;
  g_autofree char *draw_guide = NULL;
  g_autofree char *review_guide = NULL;
  g_auto(GStrv) required = NULL;
  gboolean exam;

  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), NULL);
  name = job_name (self);
  exam = is_exam (self);
  draw_guide = chosen_guide (self, self->draw_guide_row);
  review_guide = chosen_guide (self, self->review_guide_row);
  required = chosen_credentials (self, FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, combo_value (self->type_row, job_types));
  add_share_settings (self, builder);
  if (!exam)
    add_work_settings (self, builder);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_double_value (builder, gtk_spin_button_get_value (self->threshold_spin));
  add_guide (builder, "draw_guide", draw_guide);
  add_guide (builder, "review_guide", review_guide);
  add_strings (builder, "required_credentials", required);
  if (exam)
    add_exam_settings (self, builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---- what stands in the way --------------------------------------------------------- */

static gboolean
is_market (QuorumJobAssistant *self)
{
  return g_strcmp0 (combo_value (self->share_row, shares), "market") == 0;
}

/* Why nothing can be created with these settings. */
static void
settings_problems (QuorumJobAssistant *self,
                   GPtrArray          *problems)
{
  g_autofree char *name = job_name (self);

  if (*name == '\0')
    g_ptr_array_add (problems, g_strdup (_("The job needs a name.")));
  if (is_market (self))
    quorum_market_terms_group_list_problems (self->market_terms, problems);
  if (is_exam (self))
    {
      g_auto(GStrv) awarded = chosen_credentials (self, TRUE);
      g_auto(GStrv) required = chosen_credentials (self, FALSE);

      if (awarded[0] == NULL)
        g_ptr_array_add (problems, g_strdup (_("An exam must award at least one credential: tick one under "
                                                "Awarded Credentials or type its name there.")));
      for (guint i = 0; awarded[i] != NULL; i++)
        if (g_strv_contains ((const char *const *) required, awarded[i]))
          g_ptr_array_add (problems,
                           g_strdup_printf (_("The exam both requires and awards “%s”: only those who "
                                              "hold it already could take it."), awarded[i]));
    }
}

/* Why the job can be created as a draft but not launched. */
static void
launch_problems (QuorumJobAssistant *self,
                 GPtrArray          *problems)
{
  guint without_gold = 0;
  const char *first = NULL;

  if (n_chosen_files (self) == 0)
    {
      g_ptr_array_add (problems, g_strdup (_("Choose at least one file to launch the job; a draft "
                                              "may be created without files and get them later.")));
      return;
    }
  if (!is_exam (self))
    return;
  for (guint i = 0; i < self->files->len; i++)
    {
      ProjectFile *file = g_ptr_array_index (self->files, i);

      if (gtk_check_button_get_active (file->check) && !file->has_existing)
        {
          first = first != NULL ? first : file->name;
          without_gold++;
        }
    }
  if (without_gold > 0)
    g_ptr_array_add (problems,
                     g_strdup_printf (g_dngettext (NULL,
                                                   "An exam scores takers against the gold instances of "
                                                   "its files, and “%s” has none: leave it out or give it "
                                                   "gold first.",
                                                   "An exam scores takers against the gold instances of "
                                                   "its files, and %2$u of those chosen have none (“%1$s” "
                                                   "and others): leave them out or give them gold first.",
                                                   without_gold),
                                      first, without_gold));
}

GPtrArray *
quorum_job_assistant_list_problems (QuorumJobAssistant *self)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), problems);
  settings_problems (self, problems);
  launch_problems (self, problems);
  return problems;
}

static void
show_sentences (GtkLabel  *label,
                GPtrArray *sentences)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < sentences->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", (char *) g_ptr_array_index (sentences, i));
  gtk_label_set_text (label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (label), sentences->len > 0);
}

/* ---- the server's refusal, next to its field ---------------------------------------- */

static void
clear_errors (QuorumJobAssistant *self)
{
  GtkLabel *labels[] = { self->job_error, self->work_error, self->agreement_error, self->guides_error,
                         self->credentials_error, self->exam_error, self->files_error, self->review_error };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_text (labels[i], "");
      gtk_widget_set_visible (GTK_WIDGET (labels[i]), FALSE);
    }
  for (guint i = 0; i < self->marked_rows->len; i++)
    gtk_widget_remove_css_class (g_ptr_array_index (self->marked_rows, i), "error");
  g_ptr_array_set_size (self->marked_rows, 0);
}

/* The label under the field the server's message names ("settings.passes_per_file: …",
 * "files[0]: …"), and that field's row; NULL for a message that names none. */
static GtkLabel *
field_label (QuorumJobAssistant *self,
             const char         *message,
             GtkWidget         **row)
{
  g_autofree char *field = NULL;
  const char *start = g_str_has_prefix (message, "settings.") ? message + strlen ("settings.") : message;
  const char *colon = strstr (start, ": ");

  *row = NULL;
  if (colon == NULL || memchr (start, ' ', colon - start) != NULL)
    return NULL;
  field = g_strndup (start, strcspn (start, ".[:"));
  if (g_str_equal (field, "name"))
    return (*row = GTK_WIDGET (self->name_row)), self->job_error;
  if (g_str_equal (field, "type"))
    return (*row = GTK_WIDGET (self->type_row)), self->job_error;
  /* A share's own settings ("market") are said under the share. */
  if (g_str_equal (field, "share") || g_str_equal (field, "market"))
    return (*row = GTK_WIDGET (self->share_row)), self->job_error;
  if (g_str_equal (field, "passes_per_file"))
    return (*row = self->passes_row), self->work_error;
  if (g_str_equal (field, "review_frequency"))
    return (*row = self->review_row), self->work_error;
  if (g_str_equal (field, "blind"))
    return (*row = GTK_WIDGET (self->blind_row)), self->work_error;
  if (g_str_equal (field, "consensus"))
    return (*row = GTK_WIDGET (self->consensus_row)), self->agreement_error;
  if (g_str_equal (field, "threshold"))
    return (*row = self->threshold_row), self->agreement_error;
  if (g_str_equal (field, "draw_guide"))
    return (*row = GTK_WIDGET (self->draw_guide_row)), self->guides_error;
  if (g_str_equal (field, "review_guide"))
    return (*row = GTK_WIDGET (self->review_guide_row)), self->guides_error;
  if (g_str_equal (field, "required_credentials"))
    return (*row = GTK_WIDGET (self->required_row)), self->credentials_error;
  if (g_str_equal (field, "awarded_credentials"))
    return (*row = GTK_WIDGET (self->awarded_row)), self->exam_error;
  if (g_str_equal (field, "pass_rule"))
    return (*row = strstr (start, "max_missed") != NULL ? self->max_missed_row : self->min_stars_row), self->exam_error;
  if (g_str_equal (field, "max_attempts"))
    return (*row = self->max_attempts_row), self->exam_error;
  if (g_str_equal (field, "retake_wait"))
    return (*row = self->retake_wait_row), self->exam_error;
  if (g_str_equal (field, "show_answers"))
    return (*row = self->show_answers_row), self->exam_error;
  if (g_str_equal (field, "files"))
    return self->files_error;
  return NULL;
}

static void
show_refusal (QuorumJobAssistant *self,
              const char         *what,
              const char         *message)
{
  g_autofree char *why = quorum_error_to_sentence (message);
  g_autofree char *text = NULL;
  GtkWidget *row = NULL;
  GtkLabel *label = field_label (self, message, &row);

  clear_errors (self);
  if (label != NULL)
    {
      gtk_label_set_text (label, why);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
  if (row != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      g_ptr_array_add (self->marked_rows, row);
    }
  if (label == self->files_error)
    text = g_strdup_printf (_("%s %s It is shown with the files."), what, why);
  else if (label != NULL)
    text = g_strdup_printf (_("%s %s It is shown with the settings."), what, why);
  else
    text = g_strdup_printf ("%s %s", what, why);
  gtk_label_set_text (self->review_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->review_error), TRUE);
}

/* ---- the summary -------------------------------------------------------------------- */

static void
add_summary (QuorumJobAssistant *self,
             const char         *title,
             const char         *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_list_box_append (self->summary_list, row);
}

static char *
joined_or (GStrv       strings,
           const char *none)
{
  return strings[0] != NULL ? g_strjoinv (", ", strings) : g_strdup (none);
}

static const char *
combo_title (AdwComboRow *row)
{
  GListModel *model = adw_combo_row_get_model (row);
  guint selected = adw_combo_row_get_selected (row);

  if (model == NULL || selected == GTK_INVALID_LIST_POSITION || !GTK_IS_STRING_LIST (model))
    return "";
  return gtk_string_list_get_string (GTK_STRING_LIST (model), selected);
}

static void
fill_summary (QuorumJobAssistant *self)
{
  g_autofree char *name = job_name (self);
  g_auto(GStrv) required = chosen_credentials (self, FALSE);
  g_autofree char *required_text = joined_or (required, _("None"));
  g_autofree char *files = NULL;
  g_autofree char *guides = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = n_chosen_files (self), shown = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list))) != NULL)
    gtk_list_box_remove (self->summary_list, child);

  add_summary (self, _("Name"), *name != '\0' ? name : _("None"));
  add_summary (self, _("Type"), combo_title (self->type_row));
  add_summary (self, _("Shared With"), combo_title (self->share_row));
  if (is_market (self))
    {
      g_autofree char *terms = quorum_market_terms_group_describe (self->market_terms);

      add_summary (self, _("Bid"), terms);
    }
  if (!is_exam (self))
    {
      int passes = gtk_spin_button_get_value_as_int (self->passes_spin);
      int every = gtk_spin_button_get_value_as_int (self->review_spin);
      g_autofree char *work = NULL;
      g_autofree char *review = every == 0 ? g_strdup (_("no review"))
                                : g_strdup_printf (g_dngettext (NULL, "every drawing reviewed",
                                                                "every %d drawings, one reviewed", every), every);

      work = g_strdup_printf (g_dngettext (NULL, "%d pass per file, %s, %s", "%d passes per file, %s, %s", passes),
                              passes, review,
                              gtk_switch_get_active (self->blind_switch) ? _("blind") : _("passes see each other"));
      add_summary (self, _("Work"), work);
      if (passes > 1)
        {
          g_autofree char *consensus = g_strdup_printf (_("%s, match threshold %.2f"), combo_title (self->consensus_row),
                                                        gtk_spin_button_get_value (self->threshold_spin));

          add_summary (self, _("Consensus"), consensus);
        }
    }
  guides = g_strdup_printf (_("Drawing: %s; review: %s"), combo_title (self->draw_guide_row),
                            combo_title (self->review_guide_row));
  add_summary (self, _("Guides"), guides);
  add_summary (self, _("Required Credentials"), required_text);
  if (is_exam (self))
    {
      g_auto(GStrv) awarded = chosen_credentials (self, TRUE);
      g_autofree char *awarded_text = joined_or (awarded, _("None"));
      int wait = gtk_spin_button_get_value_as_int (self->retake_wait_spin);
      g_autofree char *rule = g_strdup_printf (_("An average of %.1f stars, at most %d gold instances missed; "
                                                 "%d attempts, %d minutes apart; answers %s"),
                                               gtk_spin_button_get_value (self->min_stars_spin),
                                               gtk_spin_button_get_value_as_int (self->max_missed_spin),
                                               gtk_spin_button_get_value_as_int (self->max_attempts_spin), wait,
                                               gtk_switch_get_active (self->show_answers_switch)
                                               ? _("shown once decided") : _("never shown"));

      add_summary (self, _("Awarded Credentials"), awarded_text);
      add_summary (self, _("Pass Rule"), rule);
    }
  for (guint i = 0; i < self->files->len && shown < 5; i++)
    {
      ProjectFile *file = g_ptr_array_index (self->files, i);

      if (gtk_check_button_get_active (file->check))
        g_string_append_printf (names, "%s%s", shown++ > 0 ? ", " : "", file->name);
    }
  if (n > shown)
    g_string_append (names, "…");
  files = n == 0 ? g_strdup (_("None yet"))
          : g_strdup_printf (g_dngettext (NULL, "%u file: %s", "%u files: %s", n), n, names->str);
  add_summary (self, _("Files"), files);
}

/* ---- keeping the pages true --------------------------------------------------------- */

static guint
current_step (QuorumJobAssistant *self)
{
  return index_of (steps, gtk_stack_get_visible_child_name (self->steps));
}

static void
update_files_count (QuorumJobAssistant *self)
{
  g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "%u of %u file chosen", "%u of %u files chosen",
                                                        self->files->len),
                                           n_chosen_files (self), self->files->len);

  gtk_label_set_text (self->files_count, text);
}

static void
update (QuorumJobAssistant *self)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) all = NULL;
  g_auto(GStrv) required = NULL;
  g_autofree char *required_text = NULL;
  gboolean exam = is_exam (self);
  gboolean several = gtk_spin_button_get_value_as_int (self->passes_spin) > 1;
  gboolean shown = g_str_equal (gtk_stack_get_visible_child_name (self->stack), "steps");
  gboolean ready = self->loading == 0 && shown;
  guint step = current_step (self);
  g_autofree char *subtitle = NULL;

  if (self->required_checks == NULL)
    {
      /* Nothing to choose from before the project is read. */
      gtk_widget_set_visible (self->back_button, FALSE);
      gtk_widget_set_visible (self->next_button, FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.next", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create-draft", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create-launch", FALSE);
      return;
    }
  gtk_widget_set_visible (self->work_group, !exam);
  gtk_widget_set_visible (GTK_WIDGET (self->consensus_row), !exam);
  gtk_widget_set_visible (self->exam_group, exam);
  gtk_widget_set_visible (GTK_WIDGET (self->market_terms), is_market (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->consensus_row), several);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->consensus_row),
                               several ? _("How the passes of a file become one result")
                                       : _("Used when a file has more than one pass"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->blind_row), several);
  required = chosen_credentials (self, FALSE);
  required_text = joined_or (required, _("Anyone the job is shared with"));
  adw_expander_row_set_subtitle (self->required_row, required_text);
  if (self->awarded_checks != NULL)
    {
      g_auto(GStrv) awarded = chosen_credentials (self, TRUE);
      g_autofree char *awarded_text = joined_or (awarded, _("None yet"));

      adw_expander_row_set_subtitle (self->awarded_row, awarded_text);
    }

  settings_problems (self, problems);
  show_sentences (self->settings_problems, problems);
  all = quorum_job_assistant_list_problems (self);
  show_sentences (self->review_problems, all);
  update_files_count (self);

  gtk_widget_set_visible (self->back_button, shown && step > 0);
  gtk_widget_set_visible (self->next_button, shown && step < 2);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.back", ready);
  gtk_widget_set_visible (GTK_WIDGET (self->create_spinner), shown && self->loading > 0);
  gtk_spinner_set_spinning (self->create_spinner, shown && self->loading > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.next",
                                 ready && step < 2 && problems->len == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create-draft",
                                 ready && problems->len == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create-launch", ready && all->len == 0);
  subtitle = g_strdup_printf (_("%s — step %u of 3, %s"), self->project_name != NULL ? self->project_name : "",
                              step + 1, _(step_titles[step]));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  if (step == 2)
    fill_summary (self);
}

static void
on_setting_changed (QuorumJobAssistant *self)
{
  if (self->filling)
    return;
  clear_errors (self);
  update (self);
}

static void
on_step_changed (QuorumJobAssistant *self)
{
  update (self);
}

/* ---- the files ---------------------------------------------------------------------- */

static gboolean
file_shown (GtkListBoxRow *row,
            gpointer       user_data)
{
  QuorumJobAssistant *self = user_data;
  ProjectFile *file = g_object_get_data (G_OBJECT (row), "file");
  const char *filter = gtk_editable_get_text (self->filter_entry);
  g_autofree char *name = NULL;
  g_autofree char *needle = NULL;

  if (file == NULL || *filter == '\0')
    return TRUE;
  name = g_utf8_casefold (file->name, -1);
  needle = g_utf8_casefold (filter, -1);
  return strstr (name, needle) != NULL;
}

static gboolean
any_shown (QuorumJobAssistant *self)
{
  for (guint i = 0; i < self->files->len; i++)
    if (file_shown (GTK_LIST_BOX_ROW (((ProjectFile *) g_ptr_array_index (self->files, i))->row), self))
      return TRUE;
  return FALSE;
}

static void
update_files_empty (QuorumJobAssistant *self)
{
  if (self->files->len == 0)
    {
      adw_status_page_set_title (self->files_empty, _("No Files"));
      adw_status_page_set_description (self->files_empty,
                                       _("The project has no files yet. The job can be created as a draft "
                                         "and get its files once they are uploaded."));
    }
  else
    {
      adw_status_page_set_title (self->files_empty, _("No File Matches"));
      adw_status_page_set_description (self->files_empty, _("No file of the project has that in its name."));
    }
  gtk_stack_set_visible_child_name (self->files_stack, any_shown (self) ? "list" : "empty");
}

static void
on_filter_changed (QuorumJobAssistant *self)
{
  gtk_list_box_invalidate_filter (self->file_list);
  update_files_empty (self);
}

/* Select All and Select None act on the files the filter shows. */
static void
choose_shown (QuorumJobAssistant *self,
              gboolean            chosen)
{
  self->filling = TRUE;
  for (guint i = 0; i < self->files->len; i++)
    {
      ProjectFile *file = g_ptr_array_index (self->files, i);

      if (file_shown (GTK_LIST_BOX_ROW (file->row), self))
        gtk_check_button_set_active (file->check, chosen);
    }
  self->filling = FALSE;
  on_setting_changed (self);
}

static char *
describe_file (JsonObject *object)
{
  const char *media = json_object_get_string_member_with_default (object, "media_type", "");
  gint64 width = json_object_get_int_member_with_default (object, "width", 0);
  gint64 height = json_object_get_int_member_with_default (object, "height", 0);
  gint64 frames = json_object_get_int_member_with_default (object, "frames", 1);
  gboolean gold = json_object_get_boolean_member_with_default (object, "has_existing", FALSE);
  g_autofree char *size = NULL;

  if (g_str_equal (media, "video"))
    size = g_strdup_printf (g_dngettext (NULL, "video, %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " frame",
                                         "video, %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " frames",
                                         frames),
                            width, height, frames);
  else
    size = g_strdup_printf ("%" G_GINT64_FORMAT " × %" G_GINT64_FORMAT, width, height);
  return gold ? g_strdup_printf (_("%s, with gold instances"), size) : g_steal_pointer (&size);
}

static void
fill_files (QuorumJobAssistant *self,
            JsonArray          *files)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->file_list))) != NULL)
    gtk_list_box_remove (self->file_list, child);
  g_ptr_array_set_size (self->files, 0);
  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    {
      JsonObject *object = json_array_get_object_element (files, i);
      ProjectFile *file = g_new0 (ProjectFile, 1);
      g_autofree char *subtitle = describe_file (object);

      file->id = json_object_get_int_member_with_default (object, "id", 0);
      file->name = g_strdup (json_object_get_string_member_with_default (object, "name", ""));
      file->has_existing = json_object_get_boolean_member_with_default (object, "has_existing", FALSE);
      file->row = adw_action_row_new ();
      file->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_widget_set_valign (GTK_WIDGET (file->check), GTK_ALIGN_CENTER);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (file->row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (file->row), file->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (file->row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (file->row), GTK_WIDGET (file->check));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (file->row), GTK_WIDGET (file->check));
      g_object_set_data (G_OBJECT (file->row), "file", file);
      g_signal_connect_swapped (file->check, "toggled", G_CALLBACK (on_setting_changed), self);
      gtk_list_box_append (self->file_list, file->row);
      g_ptr_array_add (self->files, file);
    }
  update_files_empty (self);
}

/* ---- guides and credentials --------------------------------------------------------- */

static void
fill_guides (QuorumJobAssistant *self,
             JsonArray          *guides)
{
  GtkStringList *lists[] = { self->draw_guides, self->review_guides };

  g_clear_pointer (&self->guides, json_array_unref);
  self->guides = json_array_ref (guides);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      g_ptr_array_add (names, (gpointer) _("None"));
      for (guint i = 0; i < json_array_get_length (guides); i++)
        g_ptr_array_add (names, (gpointer) json_object_get_string_member_with_default (json_array_get_object_element (guides, i),
                                                                                   "name", ""));
      g_ptr_array_add (names, NULL);
      gtk_string_list_splice (lists[l], 0, g_list_model_get_n_items (G_LIST_MODEL (lists[l])),
                              (const char *const *) names->pdata);
    }
  adw_combo_row_set_selected (self->draw_guide_row, 0);
  adw_combo_row_set_selected (self->review_guide_row, 0);
}

static GtkEditable *
add_credential_rows (QuorumJobAssistant *self,
                     AdwExpanderRow     *expander,
                     GPtrArray          *checks,
                     JsonArray          *credentials)
{
  GtkWidget *other;

  for (guint i = 0; i < json_array_get_length (credentials); i++)
    {
      JsonObject *credential = json_array_get_object_element (credentials, i);
      const char *name = json_object_get_string_member_with_default (credential, "name", "");
      const char *description = json_object_get_string_member_with_default (credential, "description", NULL);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      if (description != NULL && *description != '\0')
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data_full (G_OBJECT (check), "credential", g_strdup (name), g_free);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_setting_changed), self);
      adw_expander_row_add_row (expander, row);
      g_ptr_array_add (checks, check);
    }
  /* An organization's credential, or one an exam is to create. */
  other = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (other), _("Other Credentials, Separated by Commas"));
  gtk_widget_set_tooltip_text (other, _("Another organization's credential is written Organization/Name"));
  g_signal_connect_swapped (other, "changed", G_CALLBACK (on_setting_changed), self);
  adw_expander_row_add_row (expander, other);
  return GTK_EDITABLE (other);
}

static void
fill_credentials (QuorumJobAssistant *self,
                  JsonArray          *credentials)
{
  /* Filled once per window: a second load keeps what was ticked. */
  if (self->required_checks != NULL)
    return;
  self->required_checks = g_ptr_array_new ();
  self->awarded_checks = g_ptr_array_new ();
  self->required_other = add_credential_rows (self, self->required_row, self->required_checks, credentials);
  self->awarded_other = add_credential_rows (self, self->awarded_row, self->awarded_checks, credentials);
}

/* ---- loading ------------------------------------------------------------------------ */

static void
loaded (QuorumJobAssistant *self)
{
  if (--self->loading > 0)
    return;
  gtk_spinner_stop (self->spinner);
  if (self->load_error != NULL)
    {
      adw_status_page_set_description (self->error_page, self->load_error);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "steps");
      if (current_step (self) == 0)
        gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    }
  self->filling = FALSE;
  update (self);
}

static JsonArray *
finish_array (GObject            *source,
              GAsyncResult       *result,
              QuorumJobAssistant *self,
              gboolean           *cancelled)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  *cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (*cancelled)
    return NULL;
  if (reply != NULL && JSON_NODE_HOLDS_ARRAY (reply))
    return json_array_ref (json_node_get_array (reply));
  if (self->load_error == NULL)
    self->load_error = error != NULL ? quorum_error_to_sentence (error->message)
                                     : g_strdup (_("The server answered something other than a list."));
  return NULL;
}

static void
got_guides (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QuorumJobAssistant) self = user_data;
  gboolean cancelled;
  g_autoptr(JsonArray) guides = finish_array (source, result, self, &cancelled);

  if (cancelled)
    return;
  if (guides != NULL)
    fill_guides (self, guides);
  loaded (self);
}

static void
got_credentials (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QuorumJobAssistant) self = user_data;
  gboolean cancelled;
  g_autoptr(JsonArray) credentials = finish_array (source, result, self, &cancelled);

  if (cancelled)
    return;
  if (credentials != NULL)
    fill_credentials (self, credentials);
  loaded (self);
}

static void
got_files (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumJobAssistant) self = user_data;
  gboolean cancelled;
  g_autoptr(JsonArray) files = finish_array (source, result, self, &cancelled);

  if (cancelled)
    return;
  if (files != NULL)
    fill_files (self, files);
  loaded (self);
}

/* The caller's role in the project: whether the overview may offer one
 * more labeller on a file. Not knowing it only leaves that out. */
static void
got_projects (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QuorumJobAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonArray *projects;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  projects = reply != NULL && JSON_NODE_HOLDS_ARRAY (reply) ? json_node_get_array (reply) : NULL;
  for (guint i = 0; projects != NULL && i < json_array_get_length (projects); i++)
    {
      JsonObject *project = json_array_get_object_element (projects, i);

      if (json_object_get_int_member_with_default (project, "id", 0) == self->project &&
          json_object_has_member (project, "role") && !json_object_get_null_member (project, "role"))
        {
          g_free (self->role);
          self->role = g_strdup (json_object_get_string_member (project, "role"));
        }
    }
  loaded (self);
}

static void
load (QuorumJobAssistant *self)
{
  QuorumClient *client = quorum_session_get_client (self->session);
  g_autofree char *guides = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/guides", self->project);
  g_autofree char *credentials = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/credentials", self->project);
  g_autofree char *files = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/files", self->project);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->load_error, g_free);
  self->loading = 4;
  self->filling = TRUE;
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  update (self);
  quorum_client_call_async (client, "GET", guides, NULL, self->cancellable, got_guides, g_object_ref (self));
  quorum_client_call_async (client, "GET", credentials, NULL, self->cancellable, got_credentials, g_object_ref (self));
  quorum_client_call_async (client, "GET", files, NULL, self->cancellable, got_files, g_object_ref (self));
  quorum_client_call_async (client, "GET", "/projects", NULL, self->cancellable, got_projects, g_object_ref (self));
}

void
quorum_job_assistant_refresh (QuorumJobAssistant *self)
{
  g_return_if_fail (QUORUM_IS_JOB_ASSISTANT (self));
  load (self);
}

/* ---- creating ----------------------------------------------------------------------- */

static void
finish (QuorumJobAssistant *self)
{
  g_signal_emit (self, signals[JOB_CREATED], 0, self->created_job);
  if (self->window != NULL && quorum_window_get_session (self->window) == self->session)
    {
      QuorumJobOverview *overview = quorum_job_overview_new (self->window, self->created_job, self->created_name,
                                                             self->project, g_strcmp0 (self->role, "admin") == 0);

      /* It acts with this session: it closes with it, as the project's other windows. */
      g_object_set_data (G_OBJECT (overview), "quorum-session-window", GINT_TO_POINTER (TRUE));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (overview), TRUE);
      gtk_window_present (GTK_WINDOW (overview));
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
busy (QuorumJobAssistant *self,
      gboolean            on)
{
  self->loading += on ? 1 : -1;
  if (self->loading > 0)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  update (self);
}

static void
launched (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumJobAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, FALSE);
  if (reply == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("The job “%s” was created as a draft but not launched."),
                                               self->created_name);

      /* The draft stays: Create and Launch tries the launch again, Create
       * Draft keeps it as it is. */
      show_refusal (self, what, error->message);
      return;
    }
  finish (self);
}

static void
launch (QuorumJobAssistant *self)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", self->created_job);

  busy (self, TRUE);
  quorum_client_call_async (quorum_session_get_client (self->session), "POST", path, NULL, self->cancellable,
                            launched, g_object_ref (self));
}

static void
created (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QuorumJobAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  gboolean and_launch = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "and-launch"));
  JsonObject *job;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, FALSE);
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    {
      show_refusal (self, _("The job was not created."),
                    error != NULL ? error->message : _("the server answered something other than a job"));
      return;
    }
  job = json_node_get_object (reply);
  self->created_job = json_object_get_int_member_with_default (job, "id", 0);
  g_free (self->created_name);
  self->created_name = job_name (self);
  if (and_launch)
    launch (self);
  else
    finish (self);
}

static void
create (QuorumJobAssistant *self,
        gboolean            and_launch)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GArray) files = NULL;
  g_autofree char *path = NULL;

  if (self->loading > 0)
    return;
  clear_errors (self);
  /* A launch that failed left a draft: it is not created twice. */
  if (self->created_job > 0)
    {
      if (and_launch)
        launch (self);
      else
        finish (self);
      return;
    }
  builder = json_builder_new ();
  files = quorum_job_assistant_get_chosen_files (self);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "settings");
  json_builder_add_value (builder, quorum_job_assistant_build_settings (self));
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    json_builder_add_int_value (builder, g_array_index (files, gint64, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", self->project);
  g_object_set_data (G_OBJECT (self), "and-launch", GINT_TO_POINTER (and_launch));
  busy (self, TRUE);
  quorum_client_call_async (quorum_session_get_client (self->session), "POST", path, body, self->cancellable,
                            created, g_object_ref (self));
}

/* ---- actions ------------------------------------------------------------------------ */

static void
assistant_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  QuorumJobAssistant *self = QUORUM_JOB_ASSISTANT (widget);
  guint step = current_step (self);

  if (g_str_equal (action_name, "assistant.next") && step < 2)
    gtk_stack_set_visible_child_name (self->steps, steps[step + 1]);
  else if (g_str_equal (action_name, "assistant.back") && step > 0)
    gtk_stack_set_visible_child_name (self->steps, steps[step - 1]);
  else if (g_str_equal (action_name, "assistant.select-all"))
    choose_shown (self, TRUE);
  else if (g_str_equal (action_name, "assistant.select-none"))
    choose_shown (self, FALSE);
  else if (g_str_equal (action_name, "assistant.create-draft"))
    create (self, FALSE);
  else if (g_str_equal (action_name, "assistant.create-launch"))
    create (self, TRUE);
  else if (g_str_equal (action_name, "assistant.refresh"))
    load (self);
}

/* ---- closing with a job filled in ------------------------------------------------- */

static gboolean
close_later (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

/* The window goes once the dialog is done with its response: destroying
 * it inside the dialog's signal would free the dialog's parent under it. */
static void
close_response (AdwMessageDialog   *dialog,
                const char         *response,
                QuorumJobAssistant *self)
{
  if (g_str_equal (response, "discard"))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_later, g_object_ref (self), g_object_unref);
}

static gboolean
quorum_job_assistant_close_request (GtkWindow *window)
{
  QuorumJobAssistant *self = QUORUM_JOB_ASSISTANT (window);
  g_autofree char *name = job_name (self);
  GtkWidget *dialog;

  if ((*name == '\0' && n_chosen_files (self) == 0) || self->created_job > 0)
    return GTK_WINDOW_CLASS (quorum_job_assistant_parent_class)->close_request (window);
  dialog = adw_message_dialog_new (window, _("Discard the New Job?"),
                                   _("Nothing was sent to the server: the settings and files chosen are lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- for tests ---------------------------------------------------------------------- */

gboolean
quorum_job_assistant_get_loading (QuorumJobAssistant *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), FALSE);
  return self->loading > 0;
}

const char *
quorum_job_assistant_get_step (QuorumJobAssistant *self)
{
  const char *page;

  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), NULL);
  page = gtk_stack_get_visible_child_name (self->stack);
  return g_str_equal (page, "steps") ? gtk_stack_get_visible_child_name (self->steps) : page;
}

GtkCheckButton *
quorum_job_assistant_get_credential_check (QuorumJobAssistant *self,
                                           gboolean            awarded,
                                           const char         *name)
{
  GPtrArray *checks;

  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), NULL);
  checks = awarded ? self->awarded_checks : self->required_checks;
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (checks, i), "credential"), name) == 0)
      return g_ptr_array_index (checks, i);
  return NULL;
}

GtkEditable *
quorum_job_assistant_get_other_credentials (QuorumJobAssistant *self,
                                            gboolean            awarded)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), NULL);
  return awarded ? self->awarded_other : self->required_other;
}

GtkCheckButton *
quorum_job_assistant_get_file_check (QuorumJobAssistant *self,
                                     gint64              id)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), NULL);
  for (guint i = 0; i < self->files->len; i++)
    {
      ProjectFile *file = g_ptr_array_index (self->files, i);

      if (file->id == id)
        return file->check;
    }
  return NULL;
}

gint64
quorum_job_assistant_get_created_job (QuorumJobAssistant *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ASSISTANT (self), 0);
  return self->created_job;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
quorum_job_assistant_dispose (GObject *object)
{
  QuorumJobAssistant *self = QUORUM_JOB_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->window);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_JOB_ASSISTANT);
  G_OBJECT_CLASS (quorum_job_assistant_parent_class)->dispose (object);
}

static void
quorum_job_assistant_finalize (GObject *object)
{
  QuorumJobAssistant *self = QUORUM_JOB_ASSISTANT (object);

  g_free (self->project_name);
  g_free (self->role);
  g_free (self->load_error);
  g_free (self->created_name);
  g_clear_pointer (&self->guides, json_array_unref);
  g_clear_pointer (&self->required_checks, g_ptr_array_unref);
  g_clear_pointer (&self->awarded_checks, g_ptr_array_unref);
  g_ptr_array_unref (self->files);
  g_ptr_array_unref (self->marked_rows);
  G_OBJECT_CLASS (quorum_job_assistant_parent_class)->finalize (object);
}

static void
quorum_job_assistant_class_init (QuorumJobAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = quorum_job_assistant_dispose;
  object_class->finalize = quorum_job_assistant_finalize;
  window_class->close_request = quorum_job_assistant_close_request;

  /**
   * QuorumJobAssistant::job-created:
   * @id: the job's id
   *
   * A job was created (and launched when asked); the assistant is about
   * to close.
   */
  signals[JOB_CREATED] = g_signal_new ("job-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (QUORUM_TYPE_MARKET_TERMS_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-job-assistant.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, QuorumJobAssistant, name)
  CHILD (toast_overlay);
  CHILD (window_title);
  CHILD (back_button);
  CHILD (next_button);
  CHILD (stack);
  CHILD (spinner);
  CHILD (error_page);
  CHILD (steps);
  CHILD (name_row);
  CHILD (type_row);
  CHILD (share_row);
  CHILD (market_terms);
  CHILD (work_group);
  CHILD (passes_row);
  CHILD (passes_spin);
  CHILD (review_row);
  CHILD (review_spin);
  CHILD (blind_row);
  CHILD (blind_switch);
  CHILD (consensus_row);
  CHILD (threshold_row);
  CHILD (threshold_spin);
  CHILD (draw_guide_row);
  CHILD (review_guide_row);
  CHILD (draw_guides);
  CHILD (review_guides);
  CHILD (required_row);
  CHILD (exam_group);
  CHILD (awarded_row);
  CHILD (min_stars_row);
  CHILD (min_stars_spin);
  CHILD (max_missed_row);
  CHILD (max_missed_spin);
  CHILD (max_attempts_row);
  CHILD (max_attempts_spin);
  CHILD (retake_wait_row);
  CHILD (retake_wait_spin);
  CHILD (show_answers_row);
  CHILD (show_answers_switch);
  CHILD (job_error);
  CHILD (work_error);
  CHILD (agreement_error);
  CHILD (guides_error);
  CHILD (credentials_error);
  CHILD (exam_error);
  CHILD (settings_problems);
  CHILD (filter_entry);
  CHILD (files_stack);
  CHILD (file_list);
  CHILD (files_empty);
  CHILD (files_count);
  CHILD (files_error);
  CHILD (summary_list);
  CHILD (review_problems);
  CHILD (review_error);
  CHILD (draft_button);
  CHILD (launch_button);
  CHILD (create_spinner);
  CHILD (select_all_button);
  CHILD (select_none_button);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_setting_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_step_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);

  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, assistant_action);
  gtk_widget_class_install_action (widget_class, "assistant.next", NULL, assistant_action);
  gtk_widget_class_install_action (widget_class, "assistant.select-all", NULL, assistant_action);
  gtk_widget_class_install_action (widget_class, "assistant.select-none", NULL, assistant_action);
  gtk_widget_class_install_action (widget_class, "assistant.create-draft", NULL, assistant_action);
  gtk_widget_class_install_action (widget_class, "assistant.create-launch", NULL, assistant_action);
  gtk_widget_class_install_action (widget_class, "assistant.refresh", NULL, assistant_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK, "assistant.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK, "assistant.back", NULL);
}

static void
quorum_job_assistant_init (QuorumJobAssistant *self)
{
  self->files = g_ptr_array_new_with_free_func (project_file_free);
  self->marked_rows = g_ptr_array_new ();
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_filter_func (self->file_list, file_shown, self, NULL);
  self->filling = FALSE;
}

QuorumJobAssistant *
quorum_job_assistant_new (QuorumWindow *window,
                          gint64        project,
                          const char   *project_name)
{
  QuorumJobAssistant *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_JOB_ASSISTANT, "transient-for", window, NULL);
  self->session = g_object_ref (quorum_window_get_session (window));
  g_set_weak_pointer (&self->window, window);
  self->project = project;
  self->project_name = g_strdup (project_name);
  load (self);
  return self;
}
