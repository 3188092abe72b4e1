/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-exam-results.h"

struct _QuorumExamResults
{
  AdwWindow           parent_instance;

  /* the template */
  AdwToastOverlay    *toast_overlay;
  AdwWindowTitle     *window_title;
  GtkWidget          *close_exam_button;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkLabel           *rule_label;
  GtkColumnView      *columns;
  GtkLabel           *selection_label;
  GtkWidget          *pass_button;
  GtkWidget          *fail_button;
  gboolean            can_decide;

  QuorumWindow       *window;       /* weak */
  QuorumSession      *session;
  GCancellable       *cancellable;
  gint64              job_id;
  char               *job_name;
  GListStore         *attempts;     /* of QuorumAttemptItem, as the server lists them */
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
  double              min_stars;
  gint64              max_missed;
  gboolean            open;         /* the exam takes new attempts */
  gboolean            busy;         /* closing is on its way */
  JsonNode           *results;      /* the server's last answer, or the cached one */
  GHashTable         *waiting;      /* attempt id → Decision queued from this window */
  gboolean            told_offline; /* the waiting decisions were said to wait */
};

G_DEFINE_FINAL_TYPE (QuorumExamResults, quorum_exam_results, ADW_TYPE_WINDOW)

/* The table's columns: what each shows and sorts by. */
static const struct {
  const char *id;
  const char *title;
  const char *property;
  gboolean    numeric;
} column_specs[] = {
  { "taker", N_("Taker"), "name", FALSE },
  { "attempt", N_("Attempt"), "number", TRUE },
  { "average", N_("Average Stars"), "average-stars", TRUE },
  { "missed", N_("Missed"), "missed", TRUE },
  { "gold", N_("Gold Score"), "gold-score", TRUE },
  { "rule", N_("Meets the Rule"), "meets-rule", TRUE },
  { "decision", N_("Decision"), "status", FALSE },
};

static QuorumClient *
client_of (QuorumExamResults *self)
{
  return quorum_session_get_client (self->session);
}

/* A decision of the row's attempt waiting in the outbox: "pass" or "fail",
 * set on the row when the table is filled. */
static GQuark
pending_quark (void)
{
  return g_quark_from_static_string ("quorum-exam-results-pending");
}

static const char *
pending_of (QuorumAttemptItem *item)
{
  return g_object_get_qdata (G_OBJECT (item), pending_quark ());
}

static void
show_toast (QuorumExamResults *self,
            const char        *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

char *
quorum_exam_results_format_cell (QuorumAttemptItem *item,
                                 const char        *column)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (item), NULL);

  if (g_str_equal (column, "taker"))
    return g_strdup (quorum_attempt_item_get_name (item));
  if (g_str_equal (column, "attempt"))
    return g_strdup_printf ("%" G_GINT64_FORMAT, quorum_attempt_item_get_number (item));
  if (g_str_equal (column, "average"))
    return quorum_attempt_item_get_rated (item)
           ? g_strdup_printf ("%.1f", quorum_attempt_item_get_average_stars (item))
           : g_strdup (_("not rated"));
  if (g_str_equal (column, "missed"))
    return g_strdup_printf ("%" G_GINT64_FORMAT, quorum_attempt_item_get_missed (item));
  if (g_str_equal (column, "gold"))
    return g_strdup_printf ("%.2f", quorum_attempt_item_get_gold_score (item));
  if (g_str_equal (column, "rule"))
    {
      /* Until every file is reviewed, the rule cannot be judged. */
      if (!quorum_attempt_item_get_reviewed (item))
        return g_strdup ("–");
      return g_strdup (quorum_attempt_item_get_meets_rule (item) ? "✓" : "✗");
    }
  if (g_str_equal (column, "decision"))
    {
      /* Shown at once, as decided, until the server has it. */
      if (g_strcmp0 (pending_of (item), "pass") == 0)
        return g_strdup (_("Pass — waits to be sent"));
      if (g_strcmp0 (pending_of (item), "fail") == 0)
        return g_strdup (_("Fail — waits to be sent"));
      return g_strdup (quorum_attempt_item_get_status (item));
    }
  g_return_val_if_reached (NULL);
}

/* ---- the table ---------------------------------------------------------- */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column_specs[index].numeric ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column_specs[index].numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (g_str_equal (column_specs[index].id, "rule"))
    gtk_label_set_xalign (GTK_LABEL (label), 0.5);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);
  QuorumAttemptItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = quorum_exam_results_format_cell (item, column_specs[index].id);

  gtk_label_set_label (GTK_LABEL (label), text);
  if (g_str_equal (column_specs[index].id, "rule"))
    {
      gboolean reviewed = quorum_attempt_item_get_reviewed (item);
      gboolean meets = quorum_attempt_item_get_meets_rule (item);
      const char *words = !reviewed ? _("Not reviewed yet")
                          : meets ? _("Meets the pass rule") : _("Does not meet the pass rule");

      /* A screen reader says the words, not the mark. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, words, -1);
      gtk_widget_set_tooltip_text (label, words);
      gtk_widget_remove_css_class (label, "success");
      gtk_widget_remove_css_class (label, "error");
      if (reviewed)
        gtk_widget_add_css_class (label, meets ? "success" : "error");
    }
  else if (g_str_equal (column_specs[index].id, "average"))
    {
      if (quorum_attempt_item_get_rated (item))
        gtk_widget_remove_css_class (label, "dim-label");
      else
        gtk_widget_add_css_class (label, "dim-label");
    }
}

static void
add_columns (QuorumExamResults *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_specs); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkExpression *expression = gtk_property_expression_new (QUORUM_TYPE_ATTEMPT_ITEM, NULL,
                                                               column_specs[i].property);
      GtkSorter *sorter = column_specs[i].numeric
                          ? GTK_SORTER (gtk_numeric_sorter_new (expression))
                          : GTK_SORTER (gtk_string_sorter_new (expression));
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(column_specs[i].title), factory);
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, !column_specs[i].numeric);
      g_object_unref (sorter);
      gtk_column_view_append_column (self->columns, column);
    }
}

QuorumAttemptItem *
quorum_exam_results_get_selected (QuorumExamResults *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULTS (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

void
quorum_exam_results_select (QuorumExamResults *self,
                            guint              position)
{
  g_return_if_fail (QUORUM_IS_EXAM_RESULTS (self));
  gtk_single_selection_set_selected (self->selection, position);
}

GListModel *
quorum_exam_results_get_attempts (QuorumExamResults *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULTS (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

gint64
quorum_exam_results_get_job (QuorumExamResults *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULTS (self), 0);
  return self->job_id;
}

static void
update_actions (QuorumExamResults *self)
{
  QuorumAttemptItem *item = quorum_exam_results_get_selected (self);
  gboolean decidable = self->can_decide && item != NULL && quorum_attempt_item_get_decidable (item) &&
                       pending_of (item) == NULL;
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.pass", decidable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.fail", decidable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.open",
                                 item != NULL && quorum_attempt_item_get_review_task (item) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.close-exam", self->open && !self->busy);
  gtk_widget_set_visible (self->close_exam_button, self->open);
  if (item == NULL)
    text = g_strdup (_("Choose an attempt; activate it to open its review."));
  else
    {
      status = quorum_exam_results_format_cell (item, "decision");
      /* TRANSLATORS: taker, attempt number, its state */
      text = g_strdup_printf (_("%s, attempt %" G_GINT64_FORMAT ": %s"), quorum_attempt_item_get_name (item),
                              quorum_attempt_item_get_number (item), status);
    }
  gtk_label_set_label (self->selection_label, text);
}

/* ---- reading the results -------------------------------------------------- */

static void
show_rule (QuorumExamResults *self)
{
  g_autofree char *rule = NULL;
  g_autofree char *text = NULL;

  rule = g_strdup_printf (ngettext ("To pass: at least %.1f stars on average and at most %" G_GINT64_FORMAT
                                    " missed instance.",
                                    "To pass: at least %.1f stars on average and at most %" G_GINT64_FORMAT
                                    " missed instances.", (gulong) self->max_missed),
                          self->min_stars, self->max_missed);
  text = g_markup_printf_escaped ("<b>%s</b> %s %s", rule,
                                  _("The decision is yours: an attempt that misses the rule may still pass."),
                                  self->open ? _("The exam is open to new takers.")
                                             : _("The exam is closed to new takers."));
  gtk_label_set_markup (self->rule_label, text);
}

static char *
document_name (QuorumExamResults *self)
{
  return g_strdup_printf ("exam-results-%" G_GINT64_FORMAT, self->job_id);
}

static void settle_waiting (QuorumExamResults *self);

/* The table from the last results, each row with the decision of its
 * attempt that waits in the outbox. */
static void
fill_table (QuorumExamResults *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  QuorumCache *cache = quorum_session_get_cache (self->session);
  QuorumAttemptItem *selected;
  gint64 selected_id;
  JsonObject *object, *rule;
  JsonArray *takers;

  if (self->results == NULL)
    return;
  selected = quorum_exam_results_get_selected (self);
  selected_id = selected != NULL ? quorum_attempt_item_get_id (selected) : 0;
  object = json_node_get_object (self->results);
  rule = json_object_get_object_member (object, "pass_rule");
  self->min_stars = rule != NULL ? json_object_get_double_member_with_default (rule, "min_average_stars", 0) : 0;
  self->max_missed = rule != NULL ? json_object_get_int_member_with_default (rule, "max_missed", 0) : 0;
  self->open = g_strcmp0 (json_object_get_string_member_with_default (object, "state", ""), "launched") == 0;
  takers = json_object_has_member (object, "takers") ? json_object_get_array_member (object, "takers") : NULL;
  for (guint i = 0; takers != NULL && i < json_array_get_length (takers); i++)
    {
      JsonNode *element = json_array_get_element (takers, i);
      QuorumAttemptItem *item;
      const char *pending;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      item = quorum_attempt_item_new (json_node_get_object (element));
      /* A decision the server has made already shows as made. */
      pending = quorum_attempt_item_get_decision (item) == NULL
                ? quorum_cache_get_queued_grade (cache, quorum_attempt_item_get_id (item)) : NULL;
      g_object_set_qdata (G_OBJECT (item), pending_quark (), (gpointer) pending);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->attempts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->attempts)),
                       items->pdata, items->len);
  /* The same attempt stays selected across a refresh. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  for (guint i = 0; selected_id != 0 && i < g_list_model_get_n_items (G_LIST_MODEL (self->sorted)); i++)
    {
      g_autoptr(QuorumAttemptItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), i);

      if (quorum_attempt_item_get_id (item) == selected_id)
        gtk_single_selection_set_selected (self->selection, i);
    }
  show_rule (self);
  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "results" : "empty");
  update_actions (self);
}

static void
got_results (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QuorumExamResults) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) cache_error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  QuorumCache *cache;
  g_autofree char *name = NULL;

  /* Cancelled when the window closed: its table is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->spinner);
  cache = quorum_session_get_cache (self->session);
  name = document_name (self);
  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    {
      g_clear_pointer (&self->results, json_node_unref);
      self->results = g_steal_pointer (&reply);
      /* Kept for a trainer who opens the results offline. */
      if (!quorum_cache_store_document (cache, name, self->results, &cache_error))
        g_warning ("%s", cache_error->message);
      fill_table (self);
      settle_waiting (self);
      return;
    }
  /* No answer: the results last seen, here or in the cache, stay. */
  if (self->results == NULL && reply == NULL && g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE))
    {
      gint64 fetched = 0;

      self->results = quorum_cache_get_document (cache, name, &fetched, NULL);
      if (self->results != NULL && JSON_NODE_HOLDS_OBJECT (self->results))
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (fetched);
          g_autofree char *time = g_date_time_format (when, "%H:%M");
          g_autofree char *message = g_strdup_printf (_("The server does not answer; the results are as they "
                                                        "were at %s"), time);

          fill_table (self);
          show_toast (self, message);
          return;
        }
      g_clear_pointer (&self->results, json_node_unref);
    }
  if (self->results != NULL && reply == NULL && g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE))
    return;
  {
    g_autofree char *message = error != NULL ? quorum_error_to_sentence (error->message)
                                             : g_strdup (_("The server's answer is not a list of results."));

    adw_status_page_set_description (self->error_page, message);
    gtk_stack_set_visible_child_name (self->stack, "error");
  }
}

void
quorum_exam_results_refresh (QuorumExamResults *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_EXAM_RESULTS (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (g_list_model_get_n_items (G_LIST_MODEL (self->attempts)) == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/results", self->job_id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_results,
                            g_object_ref (self));
}

/* ---- opening a review ------------------------------------------------------- */

static void
open_review (QuorumExamResults *self,
             QuorumAttemptItem *item)
{
  gint64 task = quorum_attempt_item_get_review_task (item);

  if (task == 0)
    {
      show_toast (self, _("This attempt has no review to open."));
      return;
    }
  if (self->window == NULL || quorum_window_get_session (self->window) != self->session)
    {
      show_toast (self, _("The main window is signed out; sign in again to open the review."));
      return;
    }
  quorum_window_open_task (self->window, task);
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
on_activate (QuorumExamResults *self,
             guint              position)
{
  g_autoptr(QuorumAttemptItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (item != NULL)
    open_review (self, item);
}

/* ---- deciding ------------------------------------------------------------------- */

typedef struct {
  QuorumExamResults *self;
  gint64             attempt;
  char              *name;
  gint64             number;
  gboolean           pass;
} Decision;

static void
decision_free (Decision *decision)
{
  g_clear_object (&decision->self);
  g_free (decision->name);
  g_free (decision);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decision, decision_free)

char *
quorum_exam_results_describe_refused (gboolean    pass,
                                      JsonNode   *attempt,
                                      const char *reason)
{
  JsonObject *view = attempt != NULL && JSON_NODE_HOLDS_OBJECT (attempt) ? json_node_get_object (attempt) : NULL;
  const char *name = view != NULL ? json_object_get_string_member_with_default (view, "user_name", NULL) : NULL;
  const char *decision = view != NULL ? json_object_get_string_member_with_default (view, "decision", NULL) : NULL;
  gint64 number = view != NULL ? json_object_get_int_member_with_default (view, "number", 0) : 0;
  const char *yours = pass ? _("Pass") : _("Fail");
  g_autofree char *why = NULL;

  /* The attempt view names the decision, not who made it. */
  if (name != NULL && g_strcmp0 (decision, "fail") == 0)
    /* TRANSLATORS: taker, attempt number, "Pass" or "Fail" */
    return g_strdup_printf (_("%s’s attempt %" G_GINT64_FORMAT " was already failed by another trainer — "
                              "your %s was not sent"), name, number, yours);
  if (name != NULL && g_strcmp0 (decision, "pass") == 0)
    return g_strdup_printf (_("%s’s attempt %" G_GINT64_FORMAT " was already passed by another trainer — "
                              "your %s was not sent"), name, number, yours);
  why = quorum_error_to_sentence (reason != NULL ? reason : "");
  if (name != NULL)
    return g_strdup_printf (_("%s’s attempt %" G_GINT64_FORMAT ": your %s was not sent. %s"), name, number,
                            yours, why);
  return g_strdup_printf (_("An exam decision (%s) was not sent. %s"), yours, why);
}

/* The waiting decisions the server's results show made are said done. */
static void
settle_waiting (QuorumExamResults *self)
{
  QuorumCache *cache = quorum_session_get_cache (self->session);
  GHashTableIter iter;
  Decision *decision;

  g_hash_table_iter_init (&iter, self->waiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &decision))
    {
      g_autofree char *message = NULL;
      const char *made = NULL;

      if (quorum_cache_get_queued_grade (cache, decision->attempt) != NULL)
        continue;
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->attempts)); i++)
        {
          g_autoptr(QuorumAttemptItem) item = g_list_model_get_item (G_LIST_MODEL (self->attempts), i);

          if (quorum_attempt_item_get_id (item) == decision->attempt)
            made = quorum_attempt_item_get_decision (item);
        }
      /* Someone else's decision was said by grade-refused. */
      if (g_strcmp0 (made, decision->pass ? "pass" : "fail") == 0)
        {
          message = decision->pass
                    ? g_strdup_printf (_("%s’s attempt %" G_GINT64_FORMAT " passed"), decision->name, decision->number)
                    : g_strdup_printf (_("%s’s attempt %" G_GINT64_FORMAT " failed"), decision->name,
                                       decision->number);
          show_toast (self, message);
        }
      g_hash_table_iter_remove (&iter);
    }
  if (g_hash_table_size (self->waiting) == 0)
    self->told_offline = FALSE;
}

/* Said once while decisions wait and the server does not answer. */
static void
on_sync_state (QuorumExamResults *self)
{
  QuorumSync *sync = quorum_session_get_sync (self->session);

  if (self->told_offline || g_hash_table_size (self->waiting) == 0 || sync == NULL ||
      quorum_sync_get_state (sync) != QUORUM_SYNC_OFFLINE)
    return;
  self->told_offline = TRUE;
  show_toast (self, _("The server does not answer: your decision is kept on this computer and sent when it "
                      "does"));
}

/* A decision leaving the outbox: the server's results say how it ended. */
static void
on_outbox_changed (QuorumExamResults *self)
{
  GHashTableIter iter;
  Decision *decision;
  gboolean sent = FALSE;

  fill_table (self);
  g_hash_table_iter_init (&iter, self->waiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &decision))
    if (quorum_cache_get_queued_grade (quorum_session_get_cache (self->session), decision->attempt) == NULL)
      sent = TRUE;
  if (sent)
    quorum_exam_results_refresh (self);
}

static void
on_grade_refused (QuorumExamResults *self,
                  gint64             job_id,
                  gint64             attempt_id,
                  gboolean           pass,
                  JsonNode          *attempt,
                  const char        *reason)
{
  g_autofree char *message = NULL;

  if (job_id != self->job_id)
    return;
  g_hash_table_remove (self->waiting, &attempt_id);
  message = quorum_exam_results_describe_refused (pass, attempt, reason);
  show_toast (self, message);
  quorum_exam_results_refresh (self);
}

/* Into the outbox, shown at once as waiting; sent now when the server
 * answers, else when it does (even after the app was closed). */
static void
send_decision (Decision *decision)
{
  g_autoptr(QuorumExamResults) self = g_object_ref (decision->self);
  QuorumSync *sync;
  g_autoptr(GError) error = NULL;

  /* Closed while the question was open: nothing decided. */
  if (self->session == NULL)
    {
      decision_free (decision);
      return;
    }
  sync = quorum_session_get_sync (self->session);
  if (quorum_cache_queue_grade (quorum_session_get_cache (self->session), self->job_id, decision->attempt,
                                decision->pass, &error) == 0)
    {
      g_autofree char *message = g_strdup_printf (_("The decision could not be kept: %s"), error->message);

      show_toast (self, message);
      decision_free (decision);
      return;
    }
  /* The window holds its waiting decisions, not they the window. */
  g_clear_object (&decision->self);
  g_hash_table_replace (self->waiting, g_memdup2 (&decision->attempt, sizeof decision->attempt), decision);
  fill_table (self);
  if (sync != NULL)
    quorum_sync_retry_now (sync);
  on_sync_state (self);
}

static void
decision_response (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  /* Once: closing the dialog after a button may answer again. */
  Decision *decision = g_object_steal_data (G_OBJECT (dialog), "decision");

  if (decision == NULL)
    return;
  if (g_str_equal (response, "decide"))
    send_decision (decision);
  else
    decision_free (decision);
}

/* The attempt's figures against the rule, in a sentence. */
static char *
describe_against_rule (QuorumExamResults *self,
                       QuorumAttemptItem *item,
                       gboolean           pass)
{
  g_autofree char *stars = NULL;
  g_autofree char *figures = NULL;
  gint64 missed = quorum_attempt_item_get_missed (item);

  stars = quorum_attempt_item_get_rated (item)
          ? g_strdup_printf (_("has %.1f stars on average"), quorum_attempt_item_get_average_stars (item))
          : g_strdup (_("has no rated instance"));
  /* TRANSLATORS: "Ann’s attempt 2 has 2.5 stars on average and missed 2 instances" */
  figures = g_strdup_printf (ngettext ("%s’s attempt %" G_GINT64_FORMAT " %s and missed %" G_GINT64_FORMAT
                                       " instance",
                                       "%s’s attempt %" G_GINT64_FORMAT " %s and missed %" G_GINT64_FORMAT
                                       " instances", (gulong) missed),
                             quorum_attempt_item_get_name (item), quorum_attempt_item_get_number (item), stars,
                             missed);
  if (pass)
    return g_strdup_printf (_("%s; the rule asks for at least %.1f and at most %" G_GINT64_FORMAT ". Pass anyway?"),
                            figures, self->min_stars, self->max_missed);
  return g_strdup_printf (_("%s, which meets the rule (at least %.1f and at most %" G_GINT64_FORMAT "). "
                            "Fail anyway?"), figures, self->min_stars, self->max_missed);
}

/* Deciding against the rule asks first; the decision cannot be taken back. */
static void
decide (QuorumExamResults *self,
        gboolean           pass)
{
  QuorumAttemptItem *item = quorum_exam_results_get_selected (self);
  Decision *decision;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (item == NULL || !quorum_attempt_item_get_decidable (item) || pending_of (item) != NULL)
    return;
  decision = g_new0 (Decision, 1);
  decision->self = g_object_ref (self);
  decision->attempt = quorum_attempt_item_get_id (item);
  decision->name = g_strdup (quorum_attempt_item_get_name (item));
  decision->number = quorum_attempt_item_get_number (item);
  decision->pass = pass;
  if (pass == quorum_attempt_item_get_meets_rule (item))
    {
      send_decision (decision);
      return;
    }
  body = describe_against_rule (self, item, pass);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       pass ? _("Pass This Attempt?") : _("Fail This Attempt?"),
                                                       body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "decide", pass ? _("_Pass Anyway") : _("_Fail Anyway"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "decide",
                                              pass ? ADW_RESPONSE_SUGGESTED : ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "decision", decision, (GDestroyNotify) decision_free);
  g_signal_connect (dialog, "response", G_CALLBACK (decision_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- closing the exam ----------------------------------------------------------- */

static void
closed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(QuorumExamResults) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  self->busy = FALSE;
  if (self->toast_overlay == NULL)
    return;
  if (error != NULL)
    {
      g_autofree char *why = quorum_error_to_sentence (error->message);
      g_autofree char *message = g_strdup_printf (_("The exam could not be closed. %s"), why);

      show_toast (self, message);
    }
  else
    show_toast (self, _("The exam is closed to new takers"));
  quorum_exam_results_refresh (self);
}

static void
close_response (AdwMessageDialog  *dialog,
                const char        *response,
                QuorumExamResults *self)
{
  g_autofree char *path = NULL;

  if (!g_str_equal (response, "close"))
    return;
  self->busy = TRUE;
  update_actions (self);
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/close", self->job_id);
  quorum_client_call_async (client_of (self), "POST", path, NULL, NULL, closed, g_object_ref (self));
}

static void
close_exam (QuorumExamResults *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  body = g_strdup_printf (_("Nobody new can apply to “%s” once it is closed. Attempts under way can still be "
                            "finished, reviewed and decided, and every result stays."), self->job_name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Close the Exam?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "close", _("_Close Exam"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the window --------------------------------------------------------------- */

static void
results_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  QuorumExamResults *self = QUORUM_EXAM_RESULTS (widget);

  if (g_str_equal (action_name, "results.refresh"))
    quorum_exam_results_refresh (self);
  else if (g_str_equal (action_name, "results.pass"))
    decide (self, TRUE);
  else if (g_str_equal (action_name, "results.fail"))
    decide (self, FALSE);
  else if (g_str_equal (action_name, "results.close-exam"))
    close_exam (self);
  else if (quorum_exam_results_get_selected (self) != NULL)
    open_review (self, quorum_exam_results_get_selected (self));
}

static void
quorum_exam_results_dispose (GObject *object)
{
  QuorumExamResults *self = QUORUM_EXAM_RESULTS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_EXAM_RESULTS);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (quorum_session_get_cache (self->session), self);
      if (quorum_session_get_sync (self->session) != NULL)
        g_signal_handlers_disconnect_by_data (quorum_session_get_sync (self->session), self);
    }
  g_clear_object (&self->attempts);
  g_clear_pointer (&self->waiting, g_hash_table_unref);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (quorum_exam_results_parent_class)->dispose (object);
}

static void
quorum_exam_results_finalize (GObject *object)
{
  QuorumExamResults *self = QUORUM_EXAM_RESULTS (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->results, json_node_unref);
  g_free (self->job_name);
  G_OBJECT_CLASS (quorum_exam_results_parent_class)->finalize (object);
}

static void
quorum_exam_results_class_init (QuorumExamResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_exam_results_dispose;
  object_class->finalize = quorum_exam_results_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-exam-results.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, window_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, close_exam_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, rule_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, columns);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, selection_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, pass_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResults, fail_button);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);

  gtk_widget_class_install_action (widget_class, "results.refresh", NULL, results_action);
  gtk_widget_class_install_action (widget_class, "results.open", NULL, results_action);
  gtk_widget_class_install_action (widget_class, "results.pass", NULL, results_action);
  gtk_widget_class_install_action (widget_class, "results.fail", NULL, results_action);
  gtk_widget_class_install_action (widget_class, "results.close-exam", NULL, results_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "results.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "results.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_exam_results_init (QuorumExamResults *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->waiting = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) decision_free);
  add_columns (self);
  self->attempts = g_list_store_new (QUORUM_TYPE_ATTEMPT_ITEM);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->attempts)),
                                          g_object_ref (gtk_column_view_get_sorter (self->columns)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (update_actions), self);
  gtk_column_view_set_model (self->columns, GTK_SELECTION_MODEL (self->selection));
  update_actions (self);
}

QuorumExamResults *
quorum_exam_results_new (QuorumWindow *window,
                         gint64        job_id,
                         const char   *job_name,
                         gboolean      can_decide)
{
  QuorumExamResults *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_EXAM_RESULTS, "transient-for", window, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->session = g_object_ref (quorum_window_get_session (window));
  self->job_id = job_id;
  self->job_name = g_strdup (job_name);
  self->can_decide = can_decide;
  adw_window_title_set_subtitle (self->window_title, job_name);
  g_signal_connect_object (quorum_session_get_cache (self->session), "outbox-changed",
                           G_CALLBACK (on_outbox_changed), self, G_CONNECT_SWAPPED);
  if (quorum_session_get_sync (self->session) != NULL)
    {
      g_signal_connect_object (quorum_session_get_sync (self->session), "notify::state",
                               G_CALLBACK (on_sync_state), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (quorum_session_get_sync (self->session), "grade-refused",
                               G_CALLBACK (on_grade_refused), self, G_CONNECT_SWAPPED);
    }
  quorum_exam_results_refresh (self);
  return self;
}
