/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-market-window.h"
#include "quorum-session.h"

/* What the server keeps of an application's message (docs/api.md). */
#define MAX_MESSAGE_LENGTH 2000

struct _QuorumMarketWindow
{
  AdwWindow             parent_instance;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkListBox           *jobs_list;
  AdwPreferencesGroup  *follow_group;
  AdwComboRow          *org_row;
  AdwEntryRow          *keywords_row;
  AdwEntryRow          *amount_row;
  AdwEntryRow          *currency_row;
  AdwComboRow          *per_row;
  GtkWidget            *unfollow_button;
  AdwPreferencesGroup  *owner_group;
  GtkListBox           *applications_list;

  QuorumSession        *session;
  GCancellable         *cancellable;
  guint                 loading;
  char                 *error;          /* why GET /market failed */
  JsonArray            *market;         /* GET /market */
  JsonArray            *orgs;           /* GET /me/orgs */
  JsonObject           *follow;         /* GET /orgs/{follow_org}/market/follow */
  guint                 follow_index;   /* in orgs */
  gboolean              filling;        /* the rows change, not the user */
  GPtrArray            *owned;          /* market jobs the user runs, each with its "applications" */

  AdwMessageDialog     *apply_dialog;   /* weak */
  GtkTextBuffer        *apply_buffer;
  GtkDropDown          *apply_org;
  gint64                apply_job;
};

G_DEFINE_FINAL_TYPE (QuorumMarketWindow, quorum_market_window, ADW_TYPE_WINDOW)

static void load (QuorumMarketWindow *self);

static void
show_toast (QuorumMarketWindow *self,
            const char         *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error_toast (QuorumMarketWindow *self,
                  const char         *what,
                  const GError       *error)
{
  g_autofree char *why = quorum_error_to_sentence (error->message);
  /* Translators: what failed, then the server's reason: "The application was not sent. …" */
  g_autofree char *message = g_strdup_printf (_("%s %s"), what, why);

  show_toast (self, message);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static JsonObject *
market_job (QuorumMarketWindow *self,
            gint64              job_id)
{
  for (guint i = 0; self->market != NULL && i < json_array_get_length (self->market); i++)
    {
      JsonObject *job = json_array_get_object_element (self->market, i);

      if (json_object_get_int_member (job, "id") == job_id)
        return job;
    }
  return NULL;
}

static gint64
first_org (QuorumMarketWindow *self)
{
  if (self->orgs == NULL || json_array_get_length (self->orgs) == 0)
    return 0;
  return json_object_get_int_member (json_array_get_object_element (self->orgs, 0), "id");
}

/* The organization whose follow shows: the one chosen in the Organization row. */
static JsonObject *
follow_org_object (QuorumMarketWindow *self)
{
  if (self->orgs == NULL || json_array_get_length (self->orgs) == 0)
    return NULL;
  return json_array_get_object_element (self->orgs, MIN (self->follow_index, json_array_get_length (self->orgs) - 1));
}

static gint64
follow_org (QuorumMarketWindow *self)
{
  JsonObject *org = follow_org_object (self);

  return org != NULL ? json_object_get_int_member (org, "id") : 0;
}

static const char *
follow_org_name (QuorumMarketWindow *self)
{
  JsonObject *org = follow_org_object (self);

  return org != NULL ? json_object_get_string_member (org, "name") : "";
}

/* "0.40 EUR per task", "300.00 EUR for the job" */
static char *
describe_bid (JsonObject *job)
{
  JsonNode *node = json_object_get_member (job, "bid");
  JsonObject *bid;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("No bid"));
  bid = json_node_get_object (node);
  if (g_strcmp0 (json_object_get_string_member (bid, "per"), "job") == 0)
    return g_strdup_printf (_("%s %s for the job"), json_object_get_string_member (bid, "amount"),
                            json_object_get_string_member (bid, "currency"));
  return g_strdup_printf (_("%s %s per task"), json_object_get_string_member (bid, "amount"),
                          json_object_get_string_member (bid, "currency"));
}

/* "Apply by 31 January 2099, 01:00", in local time */
static char *
describe_deadline (JsonObject *job)
{
  const char *text = json_object_get_string_member_with_default (job, "deadline", NULL);
  g_autoptr(GDateTime) utc = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *when = local != NULL ? g_date_time_format (local, "%e %B %Y, %H:%M") : NULL;

  if (when == NULL)
    return g_strdup (_("No deadline"));
  /* Translators: a date and time */
  return g_strdup_printf (_("Apply by %s"), g_strstrip (when));
}

static const char *
describe_state (const char *state)
{
  if (g_strcmp0 (state, "accepted") == 0)
    return _("Accepted");
  if (g_strcmp0 (state, "declined") == 0)
    return _("Declined");
  return _("Applied, waiting");
}

/* ---- showing ------------------------------------------------------------------------- */

static GtkWidget *
placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkWidget *
action_button (const char *label,
               const char *action,
               GVariant   *target,
               const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  return button;
}

/* Whether the job is one of the user's projects': theirs to decide, not to apply to. */
static gboolean
runs_job (QuorumMarketWindow *self,
          gint64              job_id)
{
  for (guint i = 0; i < self->owned->len; i++)
    if (json_object_get_int_member (g_ptr_array_index (self->owned, i), "id") == job_id)
      return TRUE;
  return FALSE;
}

static void
fill_jobs (QuorumMarketWindow *self)
{
  clear_list (self->jobs_list);
  for (guint i = 0; self->market != NULL && i < json_array_get_length (self->market); i++)
    {
      JsonObject *job = json_array_get_object_element (self->market, i);
      gint64 id = json_object_get_int_member (job, "id");
      JsonArray *applications = json_object_get_array_member (job, "applications");
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *bid = describe_bid (job);
      g_autofree char *deadline = describe_deadline (job);
      gint64 files = json_object_get_int_member (job, "file_count");
      g_autofree char *subtitle = NULL;

      /* Translators: a project, what the job pays, until when, how many files */
      subtitle = g_strdup_printf (ngettext ("%s · %s · %s · %" G_GINT64_FORMAT " file",
                                            "%s · %s · %s · %" G_GINT64_FORMAT " files", files),
                                  json_object_get_string_member (job, "project_name"), bid, deadline, files);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), json_object_get_string_member (job, "name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (applications != NULL && json_array_get_length (applications) > 0)
        {
          const char *state = json_object_get_string_member (json_array_get_object_element (applications, 0),
                                                             "state");
          GtkWidget *label = gtk_label_new (describe_state (state));

          gtk_widget_add_css_class (label, g_strcmp0 (state, "accepted") == 0 ? "success" : "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else if (runs_job (self, id))
        {
          GtkWidget *label = gtk_label_new (_("Your project"));

          gtk_widget_add_css_class (label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else if (first_org (self) != 0)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   action_button (_("_Apply…"), "market.apply", g_variant_new_int64 (id), NULL));
      gtk_list_box_append (self->jobs_list, row);
    }
}

static void
fill_follow (QuorumMarketWindow *self)
{
  JsonArray *keywords;
  JsonNode *min_bid;
  GString *text = g_string_new (NULL);
  g_autofree char *keywords_text = NULL;
  g_autofree char *description = NULL;
  gboolean following;

  gtk_widget_set_visible (GTK_WIDGET (self->follow_group), follow_org (self) != 0 && self->follow != NULL);
  if (follow_org (self) == 0 || self->follow == NULL)
    {
      g_string_free (text, TRUE);
      return;
    }
  following = json_object_get_boolean_member (self->follow, "following");
  keywords = json_object_get_array_member (self->follow, "keywords");
  for (guint i = 0; i < json_array_get_length (keywords); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", json_array_get_string_element (keywords, i));
  keywords_text = g_string_free (text, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->keywords_row), keywords_text);
  min_bid = json_object_get_member (self->follow, "min_bid");
  if (min_bid != NULL && JSON_NODE_HOLDS_OBJECT (min_bid))
    {
      JsonObject *bid = json_node_get_object (min_bid);

      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), json_object_get_string_member (bid, "amount"));
      gtk_editable_set_text (GTK_EDITABLE (self->currency_row), json_object_get_string_member (bid, "currency"));
      adw_combo_row_set_selected (self->per_row, g_strcmp0 (json_object_get_string_member (bid, "per"), "job") == 0);
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->currency_row), "");
      adw_combo_row_set_selected (self->per_row, 0);
    }
  if (following)
    description = g_strdup_printf (_("“%s” is told of each new job whose name or project has one of the "
                                     "keywords (any job without keywords) and that pays at least the lowest "
                                     "bid (any bid without one)."), follow_org_name (self));
  else
    description = g_strdup_printf (_("“%s” follows nothing on the market. Follow it to be told when a job "
                                     "like this comes."), follow_org_name (self));
  adw_preferences_group_set_description (self->follow_group, description);
  gtk_widget_set_sensitive (self->unfollow_button, following);
}

static void
fill_applications (QuorumMarketWindow *self)
{
  clear_list (self->applications_list);
  gtk_widget_set_visible (GTK_WIDGET (self->owner_group), self->owned->len > 0);
  for (guint i = 0; i < self->owned->len; i++)
    {
      JsonObject *job = g_ptr_array_index (self->owned, i);
      JsonArray *applications = json_object_get_array_member (job, "applications");
      gint64 job_id = json_object_get_int_member (job, "id");

      for (guint j = 0; applications != NULL && j < json_array_get_length (applications); j++)
        {
          JsonObject *application = json_array_get_object_element (applications, j);
          gint64 org = json_object_get_int_member (application, "org");
          const char *state = json_object_get_string_member (application, "state");
          const char *message = json_object_get_string_member_with_default (application, "message", "");
          GtkWidget *row = adw_action_row_new ();
          g_autofree char *title = NULL;
          g_autofree char *subtitle = NULL;

          /* Translators: an organization, then a job */
          title = g_strdup_printf (_("%s for “%s”"), json_object_get_string_member (application, "org_name"),
                                   json_object_get_string_member (job, "name"));
          subtitle = g_strdup_printf ("%s · %s", describe_state (state), *message != '\0' ? message : _("No message"));
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
          if (g_strcmp0 (state, "declined") != 0)
            adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                       action_button (_("_Decline"), "market.decline",
                                                      g_variant_new ("(xx)", job_id, org), NULL));
          if (g_strcmp0 (state, "accepted") != 0)
            adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                       action_button (_("A_ccept"), "market.accept",
                                                      g_variant_new ("(xx)", job_id, org), "suggested-action"));
          gtk_list_box_append (self->applications_list, row);
        }
    }
}

static void
fill (QuorumMarketWindow *self)
{
  fill_jobs (self);
  fill_follow (self);
  fill_applications (self);
}

/* ---- loading ------------------------------------------------------------------------- */

static void
loaded (QuorumMarketWindow *self)
{
  if (self->loading == 0 || --self->loading > 0)
    return;
  gtk_spinner_stop (self->spinner);
  if (self->error != NULL)
    {
      adw_status_page_set_description (self->error_page, self->error);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  fill (self);
  gtk_stack_set_visible_child_name (self->stack, "market");
}

static void
got_market (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QuorumMarketWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->market, json_array_unref);
  if (reply != NULL && JSON_NODE_HOLDS_ARRAY (reply))
    self->market = json_array_ref (json_node_get_array (reply));
  else
    self->error = quorum_error_to_sentence (error != NULL ? error->message : _("The server's answer was not a list."));
  loaded (self);
}

static void
got_follow (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QuorumMarketWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->follow, json_object_unref);
  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    self->follow = json_object_ref (json_node_get_object (reply));
  else if (error != NULL)
    show_error_toast (self, _("What your organization follows could not be read."), error);
  loaded (self);
}

/* The Organization row: shown when the user is in more than one. */
static void
fill_org_row (QuorumMarketWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n = self->orgs != NULL ? json_array_get_length (self->orgs) : 0;

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (names, json_object_get_string_member (json_array_get_object_element (self->orgs, i),
                                                                  "name"));
  if (self->follow_index >= n)
    self->follow_index = 0;
  self->filling = TRUE;
  adw_combo_row_set_model (self->org_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->org_row, self->follow_index);
  self->filling = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->org_row), n > 1);
}

static void got_follow (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
on_org_selected (QuorumMarketWindow *self)
{
  g_autofree char *path = NULL;
  guint selected = adw_combo_row_get_selected (self->org_row);

  if (self->filling || selected == GTK_INVALID_LIST_POSITION || selected == self->follow_index)
    return;
  self->follow_index = selected;
  path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/market/follow", follow_org (self));
  self->loading++;
  gtk_spinner_start (self->spinner);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL, self->cancellable,
                            got_follow, g_object_ref (self));
}

static void
got_orgs (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumMarketWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->orgs, json_array_unref);
  if (reply != NULL && JSON_NODE_HOLDS_ARRAY (reply))
    self->orgs = json_array_ref (json_node_get_array (reply));
  fill_org_row (self);
  if (follow_org (self) != 0)
    {
      g_autofree char *path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/market/follow", follow_org (self));

      self->loading++;
      quorum_client_call_async (QUORUM_CLIENT (source), "GET", path, NULL, self->cancellable, got_follow,
                                g_object_ref (self));
    }
  loaded (self);
}

typedef struct {
  QuorumMarketWindow *window;
  JsonObject         *job;
} OwnedJob;

static void
got_applications (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OwnedJob *owned = user_data;
  g_autoptr(QuorumMarketWindow) self = owned->window;
  g_autoptr(JsonObject) job = owned->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  g_free (owned);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply != NULL && JSON_NODE_HOLDS_ARRAY (reply))
    {
      json_object_set_array_member (job, "applications", json_array_ref (json_node_get_array (reply)));
      g_ptr_array_add (self->owned, json_object_ref (job));
    }
  loaded (self);
}

static void
got_jobs (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumMarketWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonArray *jobs;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_ptr_array_set_size (self->owned, 0);
  jobs = reply != NULL && JSON_NODE_HOLDS_ARRAY (reply) ? json_node_get_array (reply) : NULL;
  /* The market jobs of the projects the user runs: theirs to decide. */
  for (guint i = 0; jobs != NULL && i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);
      OwnedJob *owned;
      g_autofree char *path = NULL;

      if (g_strcmp0 (json_object_get_string_member (job, "share"), "market") != 0 ||
          g_strcmp0 (json_object_get_string_member (job, "role"), "admin") != 0)
        continue;
      path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/applications", json_object_get_int_member (job, "id"));
      owned = g_new0 (OwnedJob, 1);
      owned->window = g_object_ref (self);
      owned->job = json_object_ref (job);
      self->loading++;
      quorum_client_call_async (QUORUM_CLIENT (source), "GET", path, NULL, self->cancellable, got_applications,
                                owned);
    }
  loaded (self);
}

static void
load (QuorumMarketWindow *self)
{
  QuorumClient *client = quorum_session_get_client (self->session);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->error, g_free);
  self->loading = 3;
  gtk_spinner_start (self->spinner);
  if (self->market == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  quorum_client_call_async (client, "GET", "/market", NULL, self->cancellable, got_market, g_object_ref (self));
  quorum_client_call_async (client, "GET", "/me/orgs", NULL, self->cancellable, got_orgs, g_object_ref (self));
  quorum_client_call_async (client, "GET", "/jobs", NULL, self->cancellable, got_jobs, g_object_ref (self));
}

void
quorum_market_window_refresh (QuorumMarketWindow *self)
{
  g_return_if_fail (QUORUM_IS_MARKET_WINDOW (self));
  load (self);
}

/* ---- changes ------------------------------------------------------------------------- */

typedef struct {
  QuorumMarketWindow *window;
  char               *done;      /* the toast when it worked */
  char               *failed;    /* the start of the toast when it did not */
  JsonObject         *undo;      /* a follow to put back, for Stop Following */
  gint64              undo_follow_org;
  gint64              undo_job;  /* an application to accept again, for Decline */
  gint64              undo_org;
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->window);
  g_free (change->done);
  g_free (change->failed);
  g_clear_pointer (&change->undo, json_object_unref);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static void send_change (QuorumMarketWindow *self,
                         const char         *method,
                         const char         *path,
                         JsonNode           *body,
                         Change             *change);

static void
on_undo (AdwToast *toast,
         gpointer  user_data)
{
  QuorumMarketWindow *self = QUORUM_MARKET_WINDOW (user_data);
  JsonObject *undo = g_object_get_data (G_OBJECT (toast), "undo-follow");
  gint64 *undo_application = g_object_get_data (G_OBJECT (toast), "undo-application");
  Change *change = g_new0 (Change, 1);
  g_autofree char *path = NULL;

  change->window = g_object_ref (self);
  change->failed = g_strdup (_("It could not be undone."));
  if (undo != NULL)
    {
      JsonObject *body = json_object_new ();

      json_object_set_member (body, "keywords", json_node_copy (json_object_get_member (undo, "keywords")));
      json_object_set_member (body, "min_bid", json_node_copy (json_object_get_member (undo, "min_bid")));
      path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/market/follow", follow_org (self));
      send_change (self, "PUT", path, json_node_init_object (json_node_alloc (), body), change);
      json_object_unref (body);
    }
  else if (undo_application != NULL)
    {
      path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/applications/%" G_GINT64_FORMAT "/accept",
                              undo_application[0], undo_application[1]);
      send_change (self, "POST", path, NULL, change);
    }
  else
    change_free (change);
}

static void
changed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  QuorumMarketWindow *self = change->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    show_error_toast (self, change->failed, error);
  else if (change->done != NULL)
    {
      AdwToast *toast = adw_toast_new (change->done);

      adw_toast_set_timeout (toast, 5);
      if (change->undo != NULL || change->undo_job != 0)
        {
          adw_toast_set_button_label (toast, _("_Undo"));
          if (change->undo != NULL)
            {
              g_object_set_data_full (G_OBJECT (toast), "undo-follow", json_object_ref (change->undo),
                                      (GDestroyNotify) json_object_unref);
              g_object_set_data (G_OBJECT (toast), "undo-follow-org",
                                 GSIZE_TO_POINTER ((gsize) change->undo_follow_org));
            }
          else
            {
              gint64 *ids = g_new (gint64, 2);

              ids[0] = change->undo_job;
              ids[1] = change->undo_org;
              g_object_set_data_full (G_OBJECT (toast), "undo-application", ids, g_free);
            }
          g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo), self, 0);
        }
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  load (self);
}

/* Sends a change, then reads everything again; @body and @change are taken. */
static void
send_change (QuorumMarketWindow *self,
             const char         *method,
             const char         *path,
             JsonNode           *body,
             Change             *change)
{
  g_autoptr(JsonNode) owned_body = body;

  /* Counted as loading, so that a test waits for the answer and the reload. */
  self->loading++;
  gtk_spinner_start (self->spinner);
  quorum_client_call_async (quorum_session_get_client (self->session), method, path, owned_body,
                            self->cancellable, changed, change);
}

static void
apply_response (AdwMessageDialog   *dialog,
                const char         *response,
                QuorumMarketWindow *self)
{
  GtkTextIter start, end;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  JsonObject *job = market_job (self, self->apply_job);
  JsonObject *body;
  Change *change;
  guint org_index = self->apply_org != NULL ? gtk_drop_down_get_selected (self->apply_org) : 0;

  if (g_strcmp0 (response, "apply") != 0 || job == NULL || self->orgs == NULL ||
      org_index >= json_array_get_length (self->orgs))
    {
      g_clear_object (&self->apply_buffer);
      self->apply_org = NULL;
      return;
    }
  gtk_text_buffer_get_bounds (self->apply_buffer, &start, &end);
  message = g_strstrip (gtk_text_buffer_get_text (self->apply_buffer, &start, &end, FALSE));
  g_clear_object (&self->apply_buffer);
  self->apply_org = NULL;
  body = json_object_new ();
  json_object_set_int_member (body, "org",
                              json_object_get_int_member (json_array_get_object_element (self->orgs, org_index), "id"));
  json_object_set_string_member (body, "message", message);
  change = g_new0 (Change, 1);
  change->window = g_object_ref (self);
  change->done = g_strdup_printf (_("Applied to “%s”. The project's admin decides."),
                                  json_object_get_string_member (job, "name"));
  change->failed = g_strdup (_("The application was not sent."));
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/applications", self->apply_job);
  send_change (self, "POST", path, json_node_init_object (json_node_alloc (), body), change);
  json_object_unref (body);
}

static void
show_apply_dialog (QuorumMarketWindow *self,
                   gint64              job_id)
{
  JsonObject *job = market_job (self, job_id);
  GtkWidget *box, *scrolled, *view;
  g_autofree char *heading = NULL;
  g_autofree char *bid = NULL;
  g_autofree char *body = NULL;

  if (job == NULL || first_org (self) == 0)
    return;
  if (self->apply_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->apply_dialog));
  self->apply_job = job_id;
  bid = describe_bid (job);
  heading = g_strdup_printf (_("Apply to “%s”?"), json_object_get_string_member (job, "name"));
  body = g_strdup_printf (_("The admin of “%s” decides whether your organization's members may work on it. "
                            "It pays %s. Tell them why your organization fits."),
                          json_object_get_string_member (job, "project_name"), bid);
  self->apply_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  g_object_add_weak_pointer (G_OBJECT (self->apply_dialog), (gpointer *) &self->apply_dialog);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  if (json_array_get_length (self->orgs) > 1)
    {
      GtkStringList *names = gtk_string_list_new (NULL);

      for (guint i = 0; i < json_array_get_length (self->orgs); i++)
        gtk_string_list_append (names, json_object_get_string_member (json_array_get_object_element (self->orgs, i),
                                                                      "name"));
      self->apply_org = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (names), NULL));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->apply_org));
    }
  else
    self->apply_org = NULL;
  g_clear_object (&self->apply_buffer);
  self->apply_buffer = gtk_text_buffer_new (NULL);
  view = gtk_text_view_new_with_buffer (self->apply_buffer);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Message to the project's admin"), -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 100);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_message_dialog_set_extra_child (self->apply_dialog, box);
  adw_message_dialog_add_responses (self->apply_dialog, "cancel", _("_Cancel"), "apply", _("_Apply"), NULL);
  adw_message_dialog_set_response_appearance (self->apply_dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (self->apply_dialog, "apply");
  adw_message_dialog_set_close_response (self->apply_dialog, "cancel");
  g_signal_connect_object (self->apply_dialog, "response", G_CALLBACK (apply_response), self, 0);
  gtk_window_present (GTK_WINDOW (self->apply_dialog));
  gtk_widget_grab_focus (view);
}

static JsonObject *
read_follow (QuorumMarketWindow  *self,
             GError             **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  JsonArray *keywords = json_array_new ();
  g_auto(GStrv) words = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->keywords_row)), ",", -1);
  g_autofree char *amount = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->amount_row))));
  g_autofree char *currency = g_strstrip (g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (self->currency_row)),
                                                         -1));

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_strstrip (words[i]);
      if (*words[i] != '\0')
        json_array_add_string_element (keywords, words[i]);
    }
  json_object_set_array_member (body, "keywords", keywords);
  if (*amount == '\0' && *currency == '\0')
    json_object_set_null_member (body, "min_bid");
  else
    {
      JsonObject *bid = json_object_new ();

      if (*amount == '\0' || *currency == '\0')
        {
          g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                               *amount == '\0' ? _("A lowest bid needs an amount, like 0.50.")
                                               : _("A lowest bid needs a currency, like EUR."));
          json_object_unref (bid);
          return NULL;
        }
      json_object_set_string_member (bid, "amount", amount);
      json_object_set_string_member (bid, "currency", currency);
      json_object_set_string_member (bid, "per", adw_combo_row_get_selected (self->per_row) == 1 ? "job" : "task");
      json_object_set_object_member (body, "min_bid", bid);
    }
  return g_steal_pointer (&body);
}

static void
market_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QuorumMarketWindow *self = QUORUM_MARKET_WINDOW (widget);
  g_autofree char *path = NULL;
  Change *change;

  if (g_str_equal (action_name, "market.refresh"))
    {
      load (self);
      return;
    }
  if (g_str_equal (action_name, "market.apply"))
    {
      show_apply_dialog (self, g_variant_get_int64 (parameter));
      return;
    }
  change = g_new0 (Change, 1);
  change->window = g_object_ref (self);
  if (g_str_equal (action_name, "market.follow") || g_str_equal (action_name, "market.unfollow"))
    {
      gboolean follow = g_str_equal (action_name, "market.follow");
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) body = follow ? read_follow (self, &error) : NULL;

      if (follow_org (self) == 0 || (follow && body == NULL))
        {
          if (error != NULL)
            show_toast (self, error->message);
          change_free (change);
          return;
        }
      path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/market/follow", follow_org (self));
      if (follow)
        {
          change->done = g_strdup_printf (_("“%s” follows the market."), follow_org_name (self));
          change->failed = g_strdup (_("What to follow was not saved."));
          send_change (self, "PUT", path, json_node_init_object (json_node_alloc (), body), change);
        }
      else
        {
          change->done = g_strdup_printf (_("“%s” no longer follows the market."), follow_org_name (self));
          change->failed = g_strdup (_("The market is still followed."));
          change->undo = self->follow != NULL ? json_object_ref (self->follow) : NULL;
          change->undo_follow_org = follow_org (self);
          send_change (self, "DELETE", path, NULL, change);
        }
      return;
    }
  else
    {
      gboolean accept = g_str_equal (action_name, "market.accept");
      gint64 job_id, org_id;
      JsonObject *application;

      g_variant_get (parameter, "(xx)", &job_id, &org_id);
      application = quorum_market_window_find_application (self, job_id, org_id);
      path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/applications/%" G_GINT64_FORMAT "/%s", job_id, org_id,
                              accept ? "accept" : "decline");
      if (accept)
        change->done = g_strdup_printf (_("The members of “%s” may now work on the job."),
                                        application != NULL ? json_object_get_string_member (application, "org_name")
                                                            : "");
      else
        change->done = g_strdup_printf (_("“%s” was declined."),
                                        application != NULL ? json_object_get_string_member (application, "org_name")
                                                            : "");
      change->failed = g_strdup (accept ? _("The application was not accepted.")
                                        : _("The application was not declined."));
      /* Declining an accepted organization ends its members' work: Undo accepts it again. */
      if (!accept && application != NULL &&
          g_strcmp0 (json_object_get_string_member (application, "state"), "accepted") == 0)
        {
          change->undo_job = job_id;
          change->undo_org = org_id;
        }
      send_change (self, "POST", path, NULL, change);
    }
}

/* ---- for the tests ---------------------------------------------------------------------- */

gboolean
quorum_market_window_get_loading (QuorumMarketWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_WINDOW (self), FALSE);
  return self->loading > 0;
}

guint
quorum_market_window_get_n_jobs (QuorumMarketWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_WINDOW (self), 0);
  return self->market != NULL ? json_array_get_length (self->market) : 0;
}

gboolean
quorum_market_window_lists_job (QuorumMarketWindow *self,
                                gint64              job_id)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_WINDOW (self), FALSE);
  return market_job (self, job_id) != NULL;
}

const char *
quorum_market_window_get_applied (QuorumMarketWindow *self,
                                  gint64              job_id)
{
  JsonObject *job;
  JsonArray *applications;

  g_return_val_if_fail (QUORUM_IS_MARKET_WINDOW (self), NULL);
  job = market_job (self, job_id);
  applications = job != NULL ? json_object_get_array_member (job, "applications") : NULL;
  if (applications == NULL || json_array_get_length (applications) == 0)
    return NULL;
  return json_object_get_string_member (json_array_get_object_element (applications, 0), "state");
}

JsonObject *
quorum_market_window_find_application (QuorumMarketWindow *self,
                                       gint64              job_id,
                                       gint64              org_id)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_WINDOW (self), NULL);
  for (guint i = 0; i < self->owned->len; i++)
    {
      JsonObject *job = g_ptr_array_index (self->owned, i);
      JsonArray *applications = json_object_get_array_member (job, "applications");

      if (json_object_get_int_member (job, "id") != job_id)
        continue;
      for (guint j = 0; j < json_array_get_length (applications); j++)
        if (json_object_get_int_member (json_array_get_object_element (applications, j), "org") == org_id)
          return json_array_get_object_element (applications, j);
    }
  return NULL;
}

GtkTextBuffer *
quorum_market_window_get_apply_buffer (QuorumMarketWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_WINDOW (self), NULL);
  return self->apply_dialog != NULL ? self->apply_buffer : NULL;
}

GtkEditable *
quorum_market_window_get_keywords_row (QuorumMarketWindow *self)
{
  return GTK_EDITABLE (self->keywords_row);
}

GtkEditable *
quorum_market_window_get_amount_row (QuorumMarketWindow *self)
{
  return GTK_EDITABLE (self->amount_row);
}

GtkEditable *
quorum_market_window_get_currency_row (QuorumMarketWindow *self)
{
  return GTK_EDITABLE (self->currency_row);
}

AdwComboRow *
quorum_market_window_get_per_row (QuorumMarketWindow *self)
{
  return self->per_row;
}

AdwComboRow *
quorum_market_window_get_org_row (QuorumMarketWindow *self)
{
  return self->org_row;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
quorum_market_window_dispose (GObject *object)
{
  QuorumMarketWindow *self = QUORUM_MARKET_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  if (self->apply_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->apply_dialog));
  g_clear_weak_pointer (&self->apply_dialog);
  g_clear_object (&self->apply_buffer);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_MARKET_WINDOW);
  G_OBJECT_CLASS (quorum_market_window_parent_class)->dispose (object);
}

static void
quorum_market_window_finalize (GObject *object)
{
  QuorumMarketWindow *self = QUORUM_MARKET_WINDOW (object);

  g_free (self->error);
  g_clear_pointer (&self->market, json_array_unref);
  g_clear_pointer (&self->orgs, json_array_unref);
  g_clear_pointer (&self->follow, json_object_unref);
  g_ptr_array_unref (self->owned);
  G_OBJECT_CLASS (quorum_market_window_parent_class)->finalize (object);
}

static void
quorum_market_window_class_init (QuorumMarketWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_market_window_dispose;
  object_class->finalize = quorum_market_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-market-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, jobs_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, follow_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, org_row);
  gtk_widget_class_bind_template_callback (widget_class, on_org_selected);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, keywords_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, amount_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, per_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, unfollow_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, owner_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMarketWindow, applications_list);

  gtk_widget_class_install_action (widget_class, "market.refresh", NULL, market_action);
  gtk_widget_class_install_action (widget_class, "market.apply", "x", market_action);
  gtk_widget_class_install_action (widget_class, "market.follow", NULL, market_action);
  gtk_widget_class_install_action (widget_class, "market.unfollow", NULL, market_action);
  gtk_widget_class_install_action (widget_class, "market.accept", "(xx)", market_action);
  gtk_widget_class_install_action (widget_class, "market.decline", "(xx)", market_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "market.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_market_window_init (QuorumMarketWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->owned = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gtk_list_box_set_placeholder (self->jobs_list, placeholder (_("No job is on the market now.")));
  gtk_list_box_set_placeholder (self->applications_list,
                                placeholder (_("No organization has applied to your market jobs yet.")));
}

QuorumMarketWindow *
quorum_market_window_new (QuorumWindow *window)
{
  QuorumMarketWindow *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_MARKET_WINDOW, "transient-for", window, NULL);
  self->session = g_object_ref (quorum_window_get_session (window));
  /* Closed with the session that opened it (_quorum_window_close_exam_windows). */
  g_object_set_data (G_OBJECT (self), "quorum-session-window", GINT_TO_POINTER (TRUE));
  load (self);
  return self;
}
