/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-job-item.h"
#include "quorum-task-item.h"
#include "quorum-task-row.h"

struct _QuorumTaskRow
{
  GtkWidget        parent_instance;

  GtkTreeExpander *expander;
  GtkWidget       *job_box;
  GtkLabel        *job_label;
  GtkMenuButton   *job_menu_button;
  GtkButton       *start_button;
  GtkLabel        *waiting_label;
  GtkWidget       *kind_box;
  GtkButton       *draw_button;
  GtkButton       *review_button;
  GtkButton       *consensus_button;
  GtkWidget       *done_box;
  GtkLevelBar     *done_bar;
  GtkLabel        *done_label;
  GtkProgressBar  *progress_bar;
  GtkWidget       *task_box;
  GtkPicture      *thumbnail;
  GtkLabel        *file_label;
  GtkLabel        *state_label;

  GPtrArray       *bindings;
  GListModel      *job_tasks;        /* the shown job's tasks, while shown */
  gulong           job_tasks_handler;
};

G_DEFINE_FINAL_TYPE (QuorumTaskRow, quorum_task_row, GTK_TYPE_WIDGET)

static void
unbind (QuorumTaskRow *self)
{
  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);
  if (self->job_tasks != NULL)
    g_clear_signal_handler (&self->job_tasks_handler, self->job_tasks);
  g_clear_object (&self->job_tasks);
}

/* The job overview and an exam's results for its trainers (editors and
 * admins); the project's guides for its editors and admins, its
 * credentials and labels for its admins. */
static void
append_trainer_items (GMenu         *menu,
                      QuorumJobItem *job)
{
  const char *role = quorum_job_item_get_role (job);
  gboolean admin = g_strcmp0 (role, "admin") == 0;
  g_autoptr(GMenu) section = g_menu_new ();

  if (admin || g_strcmp0 (role, "editor") == 0)
    {
      g_autoptr(GMenuItem) overview = g_menu_item_new (_("Job _Overview"), NULL);

      g_menu_item_set_action_and_target_value (overview, "win.job-overview",
                                               g_variant_new_int64 (quorum_job_item_get_id (job)));
      g_menu_append_item (section, overview);
    }
  if (quorum_job_item_is_exam (job) && (admin || g_strcmp0 (role, "editor") == 0))
    {
      g_autoptr(GMenuItem) results = g_menu_item_new (_("Exam _Results"), NULL);

      g_menu_item_set_action_and_target_value (results, "win.exam-results",
                                               g_variant_new_int64 (quorum_job_item_get_id (job)));
      g_menu_append_item (section, results);
    }
  if ((admin || g_strcmp0 (role, "editor") == 0) && quorum_job_item_get_project (job) != 0)
    {
      g_autoptr(GMenuItem) guides = g_menu_item_new (_("Project _Guides"), NULL);

      g_menu_item_set_action_and_target_value (guides, "win.guides",
                                               g_variant_new_int64 (quorum_job_item_get_id (job)));
      g_menu_append_item (section, guides);
    }
  if (admin && quorum_job_item_get_project (job) != 0)
    {
      g_autoptr(GMenuItem) credentials = g_menu_item_new (_("Project _Credentials"), NULL);
      g_autoptr(GMenuItem) labels = g_menu_item_new (_("Project _Labels"), NULL);

      g_menu_item_set_action_and_target_value (credentials, "win.credential-grants",
                                               g_variant_new_int64 (quorum_job_item_get_id (job)));
      g_menu_append_item (section, credentials);
      g_menu_item_set_action_and_target_value (labels, "win.label-schema",
                                               g_variant_new_int64 (quorum_job_item_get_id (job)));
      g_menu_append_item (section, labels);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (section)) > 0)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
}

static GMenuModel *
job_menu (QuorumJobItem *job)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenuItem) next = g_menu_item_new (_("_Next Task"), NULL);
  g_autoptr(GMenuItem) download = g_menu_item_new (_("_Download for Offline"), NULL);

  g_menu_item_set_action_and_target_value (next, "win.next-task",
                                           g_variant_new_int64 (quorum_job_item_get_id (job)));
  g_menu_item_set_action_and_target_value (download, "win.download-job",
                                           g_variant_new_int64 (quorum_job_item_get_id (job)));
  g_menu_append_item (menu, next);
  g_menu_append_item (menu, download);
  append_trainer_items (menu, job);
  return G_MENU_MODEL (menu);
}

/* One kind's button: "Review (5)", taking the next task of that kind;
 * shown while tasks of that kind wait. Its flow box child is what hides. */
static void
show_kind (QuorumTaskRow *self,
           GtkButton     *button,
           QuorumJobItem *job,
           const char    *kind,
           const char    *format,
           guint          waiting)
{
  g_autofree char *label = g_strdup_printf (format, waiting);

  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (button)), waiting > 0);
  gtk_button_set_label (button, label);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new ("(xs)", quorum_job_item_get_id (job), kind));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.next-task-of-kind");
}

/* A button that takes a task says what it does; while it cannot (the
 * server does not answer: its action is off), it says why instead. */
#define TOOLTIP_KEY "quorum-online-tooltip"

static void
apply_tooltip (GtkWidget *button)
{
  gtk_widget_set_tooltip_text (button, gtk_widget_get_sensitive (button)
                                       ? g_object_get_data (G_OBJECT (button), TOOLTIP_KEY)
                                       : _("New tasks need the server, which does not answer now"));
}

static void
set_button_tooltip (GtkWidget  *button,
                    const char *text)
{
  g_object_set_data_full (G_OBJECT (button), TOOLTIP_KEY, g_strdup (text), g_free);
  apply_tooltip (button);
}

static void
on_sensitive (GtkWidget  *button,
              GParamSpec *pspec,
              gpointer    data)
{
  apply_tooltip (button);
}

static void
watch_sensitive (GtkWidget *button)
{
  set_button_tooltip (button, gtk_widget_get_tooltip_text (button));
  g_signal_connect (button, "notify::sensitive", G_CALLBACK (on_sensitive), NULL);
}

/* What waits for the user, how far the job is, and Start or Continue. */
static void
show_counts (QuorumTaskRow *self,
             QuorumJobItem *job)
{
  g_autofree char *waiting = quorum_job_item_describe_waiting (job);
  gboolean own = quorum_job_item_has_own_work (job);
  guint draw = 0, review = 0, consensus = 0, done = 0, total = 0;
  gboolean counted = quorum_job_item_get_counts (job, &draw, &review, &consensus, &done, &total);
  guint kinds = (draw > 0) + (review > 0) + (consensus > 0);

  /* The target first: the action takes a job's id. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->start_button),
                                          g_variant_new_int64 (quorum_job_item_get_id (job)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->start_button), "win.next-task");
  gtk_button_set_label (self->start_button, own ? _("Continue") : _("Start"));
  /* Under Done (no counts, no own work) there is nothing to start from here. */
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), own || counted);
  set_button_tooltip (GTK_WIDGET (self->start_button),
                      own ? _("Continue Your Task in This Job") : _("Take the Next Task of This Job"));
  /* Offline the server's counts are unknown: nothing is shown rather
   * than a wrong "nothing waits". */
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_label), counted);
  gtk_widget_set_visible (self->done_box, counted && total > 0);
  /* With work of one kind, Start is that queue already. */
  gtk_widget_set_visible (self->kind_box, counted && kinds > 1);
  if (!counted)
    return;
  /* Translators: a button taking the next task to draw; %u is how many wait */
  show_kind (self, self->draw_button, job, "draw", _("Draw (%u)"), draw);
  /* Translators: a button taking the next task to review; %u is how many wait */
  show_kind (self, self->review_button, job, "review", _("Review (%u)"), review);
  /* Translators: a button taking the next consensus task; %u is how many wait */
  show_kind (self, self->consensus_button, job, "consensus", _("Consensus (%u)"), consensus);
  gtk_label_set_label (self->waiting_label, waiting != NULL ? waiting : _("Nothing waits for you"));
  if (waiting == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->waiting_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->waiting_label), "dim-label");
  if (total > 0)
    {
      g_autofree char *text = g_strdup_printf (_("%u of %u done"), done, total);

      gtk_level_bar_set_max_value (self->done_bar, total);
      gtk_level_bar_set_value (self->done_bar, done);
      gtk_label_set_label (self->done_label, text);
    }
}

/* The job's tasks arrive after its row may be shown: Start becomes
 * Continue once one of them is the user's unfinished work. */
static void
on_job_tasks_changed (QuorumTaskRow *self)
{
  GtkTreeListRow *row = gtk_tree_expander_get_list_row (self->expander);
  g_autoptr(GObject) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (QUORUM_IS_JOB_ITEM (item))
    show_counts (self, QUORUM_JOB_ITEM (item));
}

void
quorum_task_row_set_list_row (QuorumTaskRow  *self,
                              GtkTreeListRow *row)
{
  gpointer item;

  g_return_if_fail (QUORUM_IS_TASK_ROW (self));
  unbind (self);
  gtk_tree_expander_set_list_row (self->expander, row);
  if (row == NULL)
    return;
  item = gtk_tree_list_row_get_item (row);
  if (QUORUM_IS_JOB_ITEM (item))
    {
      g_autoptr(GMenuModel) menu = job_menu (item);

      gtk_widget_set_visible (self->job_box, TRUE);
      gtk_widget_set_visible (self->task_box, FALSE);
      gtk_label_set_label (self->job_label, quorum_job_item_get_name (item));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->job_label), quorum_job_item_get_name (item));
      gtk_menu_button_set_menu_model (self->job_menu_button, menu);
      show_counts (self, item);
      self->job_tasks = G_LIST_MODEL (g_object_ref (quorum_job_item_get_tasks (item)));
      self->job_tasks_handler = g_signal_connect_swapped (self->job_tasks, "items-changed",
                                                          G_CALLBACK (on_job_tasks_changed), self);
      g_ptr_array_add (self->bindings,
                       g_object_ref (g_object_bind_property (item, "progress", self->progress_bar, "fraction",
                                               G_BINDING_SYNC_CREATE)));
      g_ptr_array_add (self->bindings,
                       g_object_ref (g_object_bind_property (item, "downloading", self->progress_bar, "visible",
                                               G_BINDING_SYNC_CREATE)));
    }
  else if (QUORUM_IS_TASK_ITEM (item))
    {
      gtk_widget_set_visible (self->job_box, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      gtk_widget_set_visible (self->task_box, TRUE);
      gtk_label_set_label (self->file_label, quorum_task_item_get_file_name (item));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->file_label), quorum_task_item_get_file_name (item));
      g_ptr_array_add (self->bindings,
                       g_object_ref (g_object_bind_property (item, "description", self->state_label, "label",
                                               G_BINDING_SYNC_CREATE)));
      g_ptr_array_add (self->bindings,
                       g_object_ref (g_object_bind_property (item, "thumbnail", self->thumbnail, "paintable",
                                               G_BINDING_SYNC_CREATE)));
    }
  g_object_unref (item);
}

static void
quorum_task_row_dispose (GObject *object)
{
  QuorumTaskRow *self = QUORUM_TASK_ROW (object);

  if (self->bindings != NULL)
    unbind (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_TASK_ROW);
  G_OBJECT_CLASS (quorum_task_row_parent_class)->dispose (object);
}

static void
quorum_task_row_finalize (GObject *object)
{
  QuorumTaskRow *self = QUORUM_TASK_ROW (object);

  g_ptr_array_unref (self->bindings);
  G_OBJECT_CLASS (quorum_task_row_parent_class)->finalize (object);
}

static void
quorum_task_row_class_init (QuorumTaskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_task_row_dispose;
  object_class->finalize = quorum_task_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-task-row.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, expander);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, job_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, job_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, job_menu_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, start_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, kind_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, draw_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, review_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, consensus_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, done_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, done_bar);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, done_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, task_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, file_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskRow, state_label);
}

static void
quorum_task_row_init (QuorumTaskRow *self)
{
  self->bindings = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  watch_sensitive (GTK_WIDGET (self->start_button));
  watch_sensitive (GTK_WIDGET (self->draw_button));
  watch_sensitive (GTK_WIDGET (self->review_button));
  watch_sensitive (GTK_WIDGET (self->consensus_button));
}

GtkWidget *
quorum_task_row_new (void)
{
  return g_object_new (QUORUM_TYPE_TASK_ROW, NULL);
}
