/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "quorum-agreement-chart.h"
#include "quorum-error.h"
#include "quorum-export-window.h"
#include "quorum-job-item.h"
#include "quorum-job-overview.h"
#include "quorum-task-list.h"

struct _QuorumJobOverview
{
  AdwWindow            parent_instance;

  /* the template */
  AdwToastOverlay     *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  GtkLabel            *progress_label;
  GtkProgressBar      *progress_bar;
  GtkLabel            *states_label;
  GtkLabel            *guides_label;
  AdwViewStack        *view_stack;
  GtkStack            *annotators_stack;
  GtkColumnView       *annotator_columns;
  QuorumAgreementChart *chart;
  GtkColumnView       *file_columns;
  GtkLabel            *file_label;
  GtkWidget           *add_reader_button;

  QuorumWindow        *window;        /* weak */
  QuorumSession       *session;
  GCancellable        *cancellable;
  gint64               job_id;
  char                *job_name;
  gint64               project;
  gboolean             can_assign;
  gint64               passes_per_file; /* 0 until GET /jobs/{id} answered */
  GPtrArray           *drawers;       /* of JsonObject: project members who may draw */
  JsonObject          *stats;
  GListStore          *annotators;    /* of QuorumStatsItem, as the server lists them */
  GtkSortListModel    *sorted_annotators;
  GListStore          *files;
  GtkSortListModel    *sorted_files;
  GtkSingleSelection  *file_selection;
  gboolean             busy;          /* a reader is being added */
};

G_DEFINE_FINAL_TYPE (QuorumJobOverview, quorum_job_overview, ADW_TYPE_WINDOW)

typedef struct {
  const char *id;      /* the column's id, the stats member it sorts by */
  const char *title;
  gboolean    numeric;
} ColumnSpec;

static const ColumnSpec annotator_specs[] = {
  { "name", N_("Annotator"), FALSE },
  { "tasks_done", N_("Tasks Done"), TRUE },
  { "median_seconds", N_("Median Time"), TRUE },
  { "acceptance_rate", N_("Accepted in Review"), TRUE },
  { "agreement_with_others", N_("Agreement with Others"), TRUE },
  { "agreement_with_truth", N_("Agreement with Truth"), TRUE },
  { "exam", N_("Exam"), TRUE },
};

static const ColumnSpec file_specs[] = {
  { "name", N_("File"), FALSE },
  { "passes_done", N_("Passes Done"), TRUE },
  { "agreement", N_("Agreement"), TRUE },
};

#define NO_DATA "—"

static QuorumClient *
client_of (QuorumJobOverview *self)
{
  return quorum_session_get_client (self->session);
}

static void
show_toast (QuorumJobOverview *self,
            const char        *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- cells ------------------------------------------------------------------ */

/* Whether the annotators' table shows its column @index. */
static gboolean
column_shown (QuorumJobOverview *self,
              guint              index)
{
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (gtk_column_view_get_columns (self->annotator_columns),
                                                                 index);

  return gtk_column_view_column_get_visible (column);
}

GStrv
quorum_job_overview_get_columns (QuorumJobOverview *self)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (annotator_specs); i++)
    if (column_shown (self, i))
      g_strv_builder_add (ids, annotator_specs[i].id);
  return g_strv_builder_end (ids);
}

static char *
format_duration (double seconds)
{
  gint64 s = (gint64) (seconds + 0.5);

  if (s < 60)
    return g_strdup_printf (_("%" G_GINT64_FORMAT " s"), s);
  if (s < 3600)
    return g_strdup_printf (_("%" G_GINT64_FORMAT " min %02" G_GINT64_FORMAT " s"), s / 60, s % 60);
  return g_strdup_printf (_("%" G_GINT64_FORMAT " h %02" G_GINT64_FORMAT " min"), s / 3600, (s % 3600) / 60);
}

/* An exam's result as a number to sort by: passed, awaiting, failed. */
static gboolean
exam_rank (JsonObject *entry,
           double     *rank)
{
  JsonNode *exam = json_object_get_member (entry, "exam");
  JsonNode *passed;

  if (exam == NULL || !JSON_NODE_HOLDS_OBJECT (exam))
    return FALSE;
  passed = json_object_get_member (json_node_get_object (exam), "passed");
  *rank = passed == NULL || JSON_NODE_HOLDS_NULL (passed) ? 1 : json_node_get_boolean (passed) ? 2 : 0;
  return TRUE;
}

static gboolean
sort_value (QuorumStatsItem *item,
            const char      *column,
            double          *value)
{
  if (g_str_equal (column, "exam"))
    return exam_rank (quorum_stats_item_get_entry (item), value);
  return quorum_stats_item_get_number (item, column, value);
}

char *
quorum_job_overview_format_cell (QuorumStatsItem *item,
                                 const char      *column)
{
  JsonObject *entry;
  double value;

  g_return_val_if_fail (QUORUM_IS_STATS_ITEM (item), NULL);
  entry = quorum_stats_item_get_entry (item);

  if (g_str_equal (column, "name"))
    return g_strdup (quorum_stats_item_get_name (item));
  if (g_str_equal (column, "exam"))
    {
      JsonObject *exam;
      gint64 attempts;
      const char *result;

      if (!exam_rank (entry, &value))
        return g_strdup (NO_DATA);
      exam = json_object_get_object_member (entry, "exam");
      attempts = json_object_get_int_member_with_default (exam, "attempts", 0);
      result = value == 2 ? _("passed") : value == 1 ? _("awaiting a decision") : _("failed");
      /* TRANSLATORS: "passed, 2 attempts" */
      return g_strdup_printf (ngettext ("%s, %" G_GINT64_FORMAT " attempt", "%s, %" G_GINT64_FORMAT " attempts",
                                        (gulong) attempts), result, attempts);
    }
  if (!quorum_stats_item_get_number (item, column, &value))
    return g_strdup (NO_DATA);
  if (g_str_equal (column, "tasks_done"))
    return g_strdup_printf ("%.0f", value);
  if (g_str_equal (column, "median_seconds"))
    return format_duration (value);
  if (g_str_equal (column, "acceptance_rate"))
    /* TRANSLATORS: "50 % (1 of 2)": the share of reviewed tasks accepted */
    return g_strdup_printf (_("%.0f %% (%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT ")"), 100 * value,
                            json_object_get_int_member_with_default (entry, "accepted_in_review", 0),
                            json_object_get_int_member_with_default (entry, "reviewed", 0));
  if (g_str_equal (column, "passes_done"))
    /* TRANSLATORS: "2 of 3" passes of a file done */
    return g_strdup_printf (_("%.0f of %" G_GINT64_FORMAT), value,
                            json_object_get_int_member_with_default (entry, "passes", 0));
  /* The agreements, S from 0 to 1. */
  return g_strdup_printf ("%.2f", value);
}

/* ---- the tables --------------------------------------------------------------- */

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const ColumnSpec *spec = user_data;
  QuorumStatsItem *x = (QuorumStatsItem *) a;
  QuorumStatsItem *y = (QuorumStatsItem *) b;
  double u, v;
  gboolean has_u, has_v;

  if (!spec->numeric)
    return g_utf8_collate (quorum_stats_item_get_name (x), quorum_stats_item_get_name (y));
  has_u = sort_value (x, spec->id, &u);
  has_v = sort_value (y, spec->id, &v);
  /* No data sorts after any figure. */
  if (!has_u || !has_v)
    return has_u == has_v ? 0 : has_u ? -1 : 1;
  return u < v ? -1 : u > v ? 1 : 0;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), spec->numeric && !g_str_equal (spec->id, "exam") ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (spec->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = quorum_job_overview_format_cell (gtk_list_item_get_item (list_item), spec->id);

  gtk_label_set_label (GTK_LABEL (label), text);
  if (g_str_equal (text, NO_DATA))
    {
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_tooltip_text (label, _("No data to compute this from yet"));
    }
  else
    {
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_set_tooltip_text (label, NULL);
    }
}

static void
add_columns (GtkColumnView    *view,
             const ColumnSpec *specs,
             guint             n_specs)
{
  for (guint i = 0; i < n_specs; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, (gpointer) &specs[i], NULL));
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), (gpointer) &specs[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), (gpointer) &specs[i]);
      column = gtk_column_view_column_new (_(specs[i].title), factory);
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, !specs[i].numeric);
      g_object_unref (sorter);
      gtk_column_view_append_column (view, column);
    }
}

GListModel *
quorum_job_overview_get_annotators (QuorumJobOverview *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), NULL);
  return G_LIST_MODEL (self->sorted_annotators);
}

GListModel *
quorum_job_overview_get_files (QuorumJobOverview *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), NULL);
  return G_LIST_MODEL (self->sorted_files);
}

JsonObject *
quorum_job_overview_get_stats (QuorumJobOverview *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), NULL);
  return self->stats;
}

gint64
quorum_job_overview_get_job (QuorumJobOverview *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), 0);
  return self->job_id;
}

void
quorum_job_overview_select_file (QuorumJobOverview *self,
                                 guint              position)
{
  g_return_if_fail (QUORUM_IS_JOB_OVERVIEW (self));
  gtk_single_selection_set_selected (self->file_selection, position);
}

static void
update_actions (QuorumJobOverview *self)
{
  QuorumStatsItem *file = gtk_single_selection_get_selected_item (self->file_selection);
  gboolean consensus = self->passes_per_file >= 2;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->add_reader_button, self->can_assign && consensus);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.add-reader",
                                 self->can_assign && consensus && file != NULL && !self->busy &&
                                 self->drawers != NULL && self->drawers->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.export",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->annotators)) > 0);
  if (file == NULL)
    text = g_strdup (self->can_assign && consensus ? _("Choose a file to give it one more labeller.") : "");
  else
    text = g_strdup (quorum_stats_item_get_name (file));
  gtk_label_set_label (self->file_label, text);
}

/* ---- reading the figures ---------------------------------------------------------- */

static const char * const kinds[] = { "draw", "review", "consensus" };
static const char * const states[] = { "waiting", "available", "assigned", "in_progress", "submitted", "rejected",
                                       "accepted", "complete" };

static const char *
state_words (const char *state)
{
  if (g_str_equal (state, "waiting")) return _("waiting");
  if (g_str_equal (state, "available")) return _("available");
  if (g_str_equal (state, "assigned")) return _("assigned");
  if (g_str_equal (state, "in_progress")) return _("in progress");
  if (g_str_equal (state, "submitted")) return _("submitted");
  if (g_str_equal (state, "rejected")) return _("rejected");
  if (g_str_equal (state, "accepted")) return _("accepted");
  return _("complete");
}

static const char *
kind_words (const char *kind)
{
  if (g_str_equal (kind, "draw")) return _("Draw");
  if (g_str_equal (kind, "review")) return _("Review");
  return _("Consensus");
}

/* "Draw: 23 available, 10 accepted · Review: …" */
static char *
describe_tasks (JsonObject *tasks)
{
  GString *text = g_string_new (NULL);

  for (guint k = 0; tasks != NULL && k < G_N_ELEMENTS (kinds); k++)
    {
      JsonObject *counts = json_object_has_member (tasks, kinds[k]) ? json_object_get_object_member (tasks, kinds[k])
                                                                     : NULL;
      gboolean first = TRUE;

      if (counts == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, _("%s tasks:"), kind_words (kinds[k]));
      for (guint s = 0; s < G_N_ELEMENTS (states); s++)
        if (json_object_has_member (counts, states[s]))
          {
            g_string_append_printf (text, "%s %" G_GINT64_FORMAT " %s", first ? "" : ",",
                                    json_object_get_int_member (counts, states[s]), state_words (states[s]));
            first = FALSE;
          }
    }
  if (text->len == 0)
    g_string_append (text, _("The job has no task."));
  return g_string_free (text, FALSE);
}

static void
show_progress (QuorumJobOverview *self)
{
  JsonObject *progress = json_object_get_object_member (self->stats, "progress");
  JsonObject *tasks = json_object_get_object_member (self->stats, "tasks");
  gint64 passes = progress != NULL ? json_object_get_int_member_with_default (progress, "passes", 0) : 0;
  gint64 accepted = progress != NULL ? json_object_get_int_member_with_default (progress, "accepted", 0) : 0;
  JsonNode *fraction = progress != NULL ? json_object_get_member (progress, "fraction") : NULL;
  g_autofree char *headline = NULL;
  g_autofree char *states_text = describe_tasks (tasks);

  if (fraction == NULL || JSON_NODE_HOLDS_NULL (fraction))
    {
      headline = g_strdup (_("No pass to draw yet"));
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
    }
  else
    {
      double value = json_node_get_double (fraction);

      /* TRANSLATORS: "10 of 36 passes accepted (28 %)" */
      headline = g_strdup_printf (ngettext ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " pass accepted (%.0f %%)",
                                            "%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " passes accepted (%.0f %%)",
                                            (gulong) passes), accepted, passes, 100 * value);
      gtk_progress_bar_set_fraction (self->progress_bar, value);
    }
  {
    /* TRANSLATORS: the job's name, then how far it is */
    g_autofree char *titled = g_strdup_printf (_("%s: %s"), self->job_name, headline);

    gtk_label_set_label (self->progress_label, titled);
  }
  gtk_label_set_label (self->states_label, states_text);
}

/* Outside an exam the column would only ever say "no data". */
static void
show_exam_column (QuorumJobOverview *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->annotator_columns);
  gboolean exam = g_strcmp0 (json_object_get_string_member_with_default (self->stats, "type", ""), "exam") == 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    if (g_str_equal (annotator_specs[i].id, "exam"))
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        gtk_column_view_column_set_visible (column, exam);
      }
}

static void
fill_store (GListStore *store,
            JsonObject *stats,
            const char *member)
{
  JsonArray *array = json_object_has_member (stats, member) ? json_object_get_array_member (stats, member) : NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        g_ptr_array_add (items, quorum_stats_item_new (json_node_get_object (element)));
    }
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata, items->len);
}

static void
got_stats (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumJobOverview) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  QuorumStatsItem *selected;
  gint64 selected_file;
  guint n_annotators, n_files;

  /* Cancelled when the window closed, or by a newer refresh. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->spinner);
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    {
      g_autofree char *message = error != NULL ? quorum_error_to_sentence (error->message)
                                               : g_strdup (_("The server's answer is not a job overview."));

      adw_status_page_set_description (self->error_page, message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  selected = gtk_single_selection_get_selected_item (self->file_selection);
  selected_file = selected != NULL ? quorum_stats_item_get_id (selected) : 0;
  g_clear_pointer (&self->stats, json_object_unref);
  self->stats = json_object_ref (json_node_get_object (reply));
  fill_store (self->annotators, self->stats, "annotators");
  fill_store (self->files, self->stats, "files");
  /* The same file stays chosen across a refresh. */
  gtk_single_selection_set_selected (self->file_selection, GTK_INVALID_LIST_POSITION);
  for (guint i = 0; selected_file != 0 && i < g_list_model_get_n_items (G_LIST_MODEL (self->sorted_files)); i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted_files), i);

      if (quorum_stats_item_get_id (item) == selected_file)
        gtk_single_selection_set_selected (self->file_selection, i);
    }
  show_progress (self);
  show_exam_column (self);
  n_annotators = g_list_model_get_n_items (G_LIST_MODEL (self->annotators));
  n_files = g_list_model_get_n_items (G_LIST_MODEL (self->files));
  gtk_stack_set_visible_child_name (self->annotators_stack, n_annotators > 0 ? "table" : "none");
  gtk_stack_set_visible_child_name (self->stack, n_annotators > 0 || n_files > 0 ? "overview" : "empty");
  update_actions (self);
}

/* The project's members who may draw: the labellers an admin can add. */
static void
got_members (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QuorumJobOverview) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonArray *members;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL || !JSON_NODE_HOLDS_ARRAY (reply))
    {
      g_autofree char *why = error != NULL ? quorum_error_to_sentence (error->message) : g_strdup ("");
      g_autofree char *message = g_strdup_printf (_("The project's members could not be read, so no labeller "
                                                    "can be added. %s"), why);

      show_toast (self, message);
      return;
    }
  members = json_node_get_array (reply);
  g_ptr_array_set_size (self->drawers, 0);
  for (guint i = 0; i < json_array_get_length (members); i++)
    {
      JsonObject *member = json_array_get_object_element (members, i);
      const char *role = json_object_get_string_member_with_default (member, "role", "viewer");

      if (!g_str_equal (role, "viewer"))
        g_ptr_array_add (self->drawers, json_object_ref (member));
    }
  update_actions (self);
}

/* "Draw guide: Boxes, version 3", a line per guide the job names: the
 * version its annotators and reviewers read now (GET /jobs/{id}). */
char *
quorum_job_overview_describe_guides (JsonObject *job)
{
  JsonObject *guides = json_object_get_object_member (job, "guides");
  GString *text = g_string_new (NULL);
  const char *kinds[] = { "draw", "review" };

  for (guint i = 0; guides != NULL && i < G_N_ELEMENTS (kinds); i++)
    {
      JsonNode *node = json_object_get_member (guides, kinds[i]);
      JsonObject *guide;
      const char *name;
      gint64 version;

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      guide = json_node_get_object (node);
      name = json_object_get_string_member_with_default (guide, "name", "");
      version = json_object_get_int_member_with_default (guide, "version", 1);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (i == 0)
        /* TRANSLATORS: the guide's name and the number of its current version */
        g_string_append_printf (text, _("Draw guide: %s, version %" G_GINT64_FORMAT), name, version);
      else
        /* TRANSLATORS: the guide's name and the number of its current version */
        g_string_append_printf (text, _("Review guide: %s, version %" G_GINT64_FORMAT), name, version);
    }
  return g_string_free (text, FALSE);
}

const char *
quorum_job_overview_get_guides_text (QuorumJobOverview *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), NULL);
  return gtk_label_get_label (self->guides_label);
}

static void
got_job (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QuorumJobOverview) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonObject *settings;
  g_autofree char *path = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    return;  /* the figures' own error says it better */
  settings = json_object_get_object_member (json_node_get_object (reply), "settings");
  {
    g_autofree char *guides = quorum_job_overview_describe_guides (json_node_get_object (reply));

    gtk_label_set_label (self->guides_label, guides);
    gtk_widget_set_visible (GTK_WIDGET (self->guides_label), guides[0] != '\0');
  }
  self->passes_per_file = settings != NULL ? json_object_get_int_member_with_default (settings, "passes_per_file", 1)
                                           : 1;
  update_actions (self);
  if (!self->can_assign || self->passes_per_file < 2)
    return;
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members", self->project);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_members,
                            g_object_ref (self));
}

void
quorum_job_overview_refresh (QuorumJobOverview *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_JOB_OVERVIEW (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->stats == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/stats", self->job_id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_stats, g_object_ref (self));
  g_free (path);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT, self->job_id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_job, g_object_ref (self));
}

/* ---- CSV export --------------------------------------------------------------------- */

static void
append_csv_cell (GString    *csv,
                 const char *text,
                 gboolean    first)
{
  if (!first)
    g_string_append_c (csv, ',');
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

char *
quorum_job_overview_to_csv (QuorumJobOverview *self)
{
  GListModel *rows;
  GString *csv = g_string_new (NULL);

  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), NULL);
  rows = G_LIST_MODEL (self->sorted_annotators);
  for (guint c = 0; c < G_N_ELEMENTS (annotator_specs); c++)
    if (column_shown (self, c))
      append_csv_cell (csv, _(annotator_specs[c].title), c == 0);
  g_string_append (csv, "\r\n");
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (rows, i);

      for (guint c = 0; c < G_N_ELEMENTS (annotator_specs); c++)
        {
          g_autofree char *text = NULL;

          if (!column_shown (self, c))
            continue;
          text = quorum_job_overview_format_cell (item, annotator_specs[c].id);

          append_csv_cell (csv, g_str_equal (text, NO_DATA) ? "" : text, c == 0);
        }
      g_string_append (csv, "\r\n");
    }
  return g_string_free (csv, FALSE);
}

static void
csv_saved (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
quorum_job_overview_save_csv_async (QuorumJobOverview  *self,
                                    GFile              *file,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *csv;

  g_return_if_fail (QUORUM_IS_JOB_OVERVIEW (self));
  g_return_if_fail (G_IS_FILE (file));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_job_overview_save_csv_async);
  csv = quorum_job_overview_to_csv (self);
  bytes = g_bytes_new_take (csv, strlen (csv));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                       csv_saved, g_steal_pointer (&task));
}

gboolean
quorum_job_overview_save_csv_finish (QuorumJobOverview *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  QuorumJobOverview *self = QUORUM_JOB_OVERVIEW (source);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (!quorum_job_overview_save_csv_finish (self, result, &error))
    message = g_strdup_printf (_("The table could not be saved as “%s”: %s."), name, error->message);
  else
    message = g_strdup_printf (_("The table is saved as “%s”"), name);
  show_toast (self, message);
}

static void
export_response (GtkNativeDialog   *chooser,
                 int                response,
                 QuorumJobOverview *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      GFile *file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        quorum_job_overview_save_csv_async (self, file, NULL, exported, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_table (QuorumJobOverview *self)
{
  /* GtkFileDialog is GTK 4.10: the native chooser, deprecated there, is ours. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export the Annotators’ Table"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                                               _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  name = g_strdup_printf (_("%s — annotators.csv"), self->job_name != NULL ? self->job_name : _("Job"));
  g_strdelimit (name, "/\\", '-');
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* ---- the job's annotations ------------------------------------------------------------ */

static void
annotations_exported (QuorumJobOverview *self,
                      GFile             *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = g_strdup_printf (_("The annotations are saved as “%s”"), name);

  show_toast (self, message);
}

QuorumExportWindow *
quorum_job_overview_export_annotations (QuorumJobOverview *self)
{
  QuorumExportWindow *export;

  g_return_val_if_fail (QUORUM_IS_JOB_OVERVIEW (self), NULL);

  export = quorum_export_window_new (GTK_WINDOW (self), client_of (self), self->job_id, self->job_name);
  g_signal_connect_object (export, "exported", G_CALLBACK (annotations_exported), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (export));
  return export;
}

/* ---- more readers --------------------------------------------------------------------- */

typedef struct {
  QuorumJobOverview *self;
  gint64             file;
  char              *file_name;
  char              *user_name;
} Reader;

static void
reader_free (Reader *reader)
{
  g_clear_object (&reader->self);
  g_free (reader->file_name);
  g_free (reader->user_name);
  g_free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reader, reader_free)

static void
reader_added (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Reader) reader = user_data;
  QuorumJobOverview *self = reader->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autofree char *message = NULL;

  self->busy = FALSE;
  if (self->toast_overlay == NULL)
    return;  /* closed meanwhile */
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    {
      g_autofree char *why = error != NULL ? quorum_error_to_sentence (error->message)
                                           : g_strdup (_("The server's answer is not a task."));

      message = g_strdup_printf (_("%s could not be added to “%s”. %s"), reader->user_name, reader->file_name, why);
    }
  else
    /* TRANSLATORS: "dan labels “street-04.png” as its pass 4" */
    message = g_strdup_printf (_("%s labels “%s” as its pass %" G_GINT64_FORMAT), reader->user_name,
                               reader->file_name,
                               json_object_get_int_member_with_default (json_node_get_object (reply), "pass", 0));
  show_toast (self, message);
  quorum_job_overview_refresh (self);
}

static void
reader_response (AdwMessageDialog *dialog,
                 const char       *response,
                 gpointer          user_data)
{
  g_autoptr(Reader) reader = g_object_steal_data (G_OBJECT (dialog), "reader");
  GtkDropDown *drop_down = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  guint chosen = gtk_drop_down_get_selected (drop_down);
  QuorumJobOverview *self;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  JsonObject *member;

  if (reader == NULL || !g_str_equal (response, "add"))
    return;
  self = reader->self;
  if (self->drawers == NULL || chosen >= self->drawers->len)
    return;
  member = g_ptr_array_index (self->drawers, chosen);
  reader->user_name = g_strdup (json_object_get_string_member_with_default (member, "name", ""));
  object = json_object_new ();
  json_object_set_int_member (object, "user", json_object_get_int_member (member, "id"));
  body = json_node_init_object (json_node_alloc (), object);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/files/%" G_GINT64_FORMAT "/readers", self->job_id,
                          reader->file);
  self->busy = TRUE;
  update_actions (self);
  quorum_client_call_async (client_of (self), "POST", path, body, NULL, reader_added, g_steal_pointer (&reader));
}

static void
add_reader (QuorumJobOverview *self)
{
  QuorumStatsItem *file = gtk_single_selection_get_selected_item (self->file_selection);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *drop_down;
  Reader *reader;

  if (file == NULL || self->busy || self->drawers == NULL || self->drawers->len == 0)
    return;
  for (guint i = 0; i < self->drawers->len; i++)
    gtk_string_list_append (names, json_object_get_string_member_with_default (g_ptr_array_index (self->drawers, i),
                                                                               "name", ""));
  heading = g_strdup_printf (_("Add a Labeller to “%s”?"), quorum_stats_item_get_name (file));
  body = g_strdup_printf (ngettext ("The file gets one more pass beyond the job’s %" G_GINT64_FORMAT " per file, "
                                    "given to the person you choose. Its consensus waits for that pass too and "
                                    "scores every set.",
                                    "The file gets one more pass beyond the job’s %" G_GINT64_FORMAT " per file, "
                                    "given to the person you choose. Its consensus waits for that pass too and "
                                    "scores every set.", (gulong) self->passes_per_file),
                          self->passes_per_file);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Labeller"), -1);
  adw_message_dialog_set_extra_child (dialog, drop_down);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add Labeller"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  reader = g_new0 (Reader, 1);
  reader->self = g_object_ref (self);
  reader->file = quorum_stats_item_get_id (file);
  reader->file_name = g_strdup (quorum_stats_item_get_name (file));
  g_object_set_data_full (G_OBJECT (dialog), "reader", reader, (GDestroyNotify) reader_free);
  g_signal_connect (dialog, "response", G_CALLBACK (reader_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the window ------------------------------------------------------------------------ */

static void
overview_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  QuorumJobOverview *self = QUORUM_JOB_OVERVIEW (widget);

  if (g_str_equal (action_name, "overview.refresh"))
    quorum_job_overview_refresh (self);
  else if (g_str_equal (action_name, "overview.export"))
    export_table (self);
  else if (g_str_equal (action_name, "overview.export-annotations"))
    quorum_job_overview_export_annotations (self);
  else
    add_reader (self);
}

static void
quorum_job_overview_dispose (GObject *object)
{
  QuorumJobOverview *self = QUORUM_JOB_OVERVIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  if (self->file_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->file_selection, self);
  if (self->chart != NULL)
    quorum_agreement_chart_set_model (self->chart, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_JOB_OVERVIEW);
  g_clear_object (&self->file_selection);
  g_clear_object (&self->sorted_files);
  g_clear_object (&self->files);
  g_clear_object (&self->sorted_annotators);
  g_clear_object (&self->annotators);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (quorum_job_overview_parent_class)->dispose (object);
}

static void
quorum_job_overview_finalize (GObject *object)
{
  QuorumJobOverview *self = QUORUM_JOB_OVERVIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->stats, json_object_unref);
  g_clear_pointer (&self->drawers, g_ptr_array_unref);
  g_free (self->job_name);
  G_OBJECT_CLASS (quorum_job_overview_parent_class)->finalize (object);
}

static void
quorum_job_overview_class_init (QuorumJobOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_job_overview_dispose;
  object_class->finalize = quorum_job_overview_finalize;

  g_type_ensure (QUORUM_TYPE_AGREEMENT_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-job-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, progress_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, states_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, guides_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, view_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, annotators_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, annotator_columns);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, chart);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, file_columns);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, file_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumJobOverview, add_reader_button);

  gtk_widget_class_install_action (widget_class, "overview.refresh", NULL, overview_action);
  gtk_widget_class_install_action (widget_class, "overview.export", NULL, overview_action);
  gtk_widget_class_install_action (widget_class, "overview.export-annotations", NULL, overview_action);
  gtk_widget_class_install_action (widget_class, "overview.add-reader", NULL, overview_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "overview.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "overview.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "overview.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_E, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "overview.export-annotations", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_job_overview_init (QuorumJobOverview *self)
{
  g_autoptr(GtkNoSelection) none = NULL;
  GtkSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->drawers = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  add_columns (self->annotator_columns, annotator_specs, G_N_ELEMENTS (annotator_specs));
  self->annotators = g_list_store_new (QUORUM_TYPE_STATS_ITEM);
  sorter = g_object_ref (gtk_column_view_get_sorter (self->annotator_columns));
  self->sorted_annotators = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->annotators)), sorter);
  none = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->sorted_annotators)));
  gtk_column_view_set_model (self->annotator_columns, GTK_SELECTION_MODEL (none));
  quorum_agreement_chart_set_model (self->chart, G_LIST_MODEL (self->sorted_annotators));

  add_columns (self->file_columns, file_specs, G_N_ELEMENTS (file_specs));
  self->files = g_list_store_new (QUORUM_TYPE_STATS_ITEM);
  sorter = g_object_ref (gtk_column_view_get_sorter (self->file_columns));
  self->sorted_files = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->files)), sorter);
  self->file_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted_files)));
  gtk_single_selection_set_autoselect (self->file_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->file_selection, TRUE);
  g_signal_connect_swapped (self->file_selection, "notify::selected", G_CALLBACK (update_actions), self);
  gtk_column_view_set_model (self->file_columns, GTK_SELECTION_MODEL (self->file_selection));
  update_actions (self);
}

QuorumJobOverview *
quorum_job_overview_new (QuorumWindow *window,
                         gint64        job_id,
                         const char   *job_name,
                         gint64        project,
                         gboolean      can_assign)
{
  QuorumJobOverview *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_JOB_OVERVIEW, "transient-for", window, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->session = g_object_ref (quorum_window_get_session (window));
  self->job_id = job_id;
  self->job_name = g_strdup (job_name);
  self->project = project;
  self->can_assign = can_assign && project != 0;
  adw_view_switcher_title_set_subtitle (self->switcher_title, job_name);
  quorum_job_overview_refresh (self);
  return self;
}

/* win.job-overview, with the job's id. */
static void
job_overview_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QuorumWindow *window = QUORUM_WINDOW (widget);
  /* The window's task list knows the job's name, project and the caller's role in it. */
  GObject *tasks = gtk_widget_get_template_child (widget, QUORUM_TYPE_WINDOW, "tasks");
  QuorumJobItem *job = tasks != NULL ? quorum_task_list_find_job (QUORUM_TASK_LIST (tasks),
                                                                  g_variant_get_int64 (parameter)) : NULL;
  QuorumJobOverview *overview;

  if (job == NULL || quorum_window_get_session (window) == NULL)
    return;
  overview = quorum_job_overview_new (window, quorum_job_item_get_id (job), quorum_job_item_get_name (job),
                                      quorum_job_item_get_project (job),
                                      g_strcmp0 (quorum_job_item_get_role (job), "admin") == 0);
  /* It acts with this session: it closes with it, as the trainer's other windows. */
  g_object_set_data (G_OBJECT (overview), "quorum-session-window", GINT_TO_POINTER (TRUE));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (overview), TRUE);
  gtk_window_present (GTK_WINDOW (overview));
}

void
quorum_job_overview_install_action (GtkWidgetClass *window_class)
{
  gtk_widget_class_install_action (window_class, "win.job-overview", "x", job_overview_action);
}
