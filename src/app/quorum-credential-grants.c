/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-credential-grants.h"
#include "quorum-error.h"

struct _QuorumCredentialGrants
{
  AdwWindow             parent_instance;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  AdwPreferencesGroup  *credential_group;
  AdwComboRow          *credential_row;
  AdwComboRow          *member_row;
  AdwPreferencesGroup  *holders_group;
  GtkListBox           *holders_list;

  QuorumSession        *session;
  GCancellable         *cancellable;
  gint64                project_id;
  JsonArray            *credentials;    /* GET /projects/{id}/credentials */
  JsonArray            *members;        /* GET /projects/{id}/members */
  GArray               *holders;        /* of gint64 user ids */
  GArray               *candidates;     /* of gint64: the member row's, in order */
  guint                 loading;        /* calls on their way */
  gboolean              filling;        /* the rows change, not the user */
  AdwToast             *undo_toast;     /* weak */
};

G_DEFINE_FINAL_TYPE (QuorumCredentialGrants, quorum_credential_grants, ADW_TYPE_WINDOW)

static void load_grants (QuorumCredentialGrants *self);

static QuorumClient *
client_of (QuorumCredentialGrants *self)
{
  return quorum_session_get_client (self->session);
}

static void
show_toast (QuorumCredentialGrants *self,
            const char             *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* "Ann could not be granted “Street annotator”. No user 9." */
static void
show_error (QuorumCredentialGrants *self,
            const char             *what,
            GError                 *error)
{
  g_autofree char *why = quorum_error_to_sentence (error->message);
  g_autofree char *message = g_strdup_printf ("%s %s", what, why);

  show_toast (self, message);
}

static JsonObject *
credential_object (QuorumCredentialGrants *self)
{
  guint selected = adw_combo_row_get_selected (self->credential_row);

  if (self->credentials == NULL || selected >= json_array_get_length (self->credentials))
    return NULL;
  return json_array_get_object_element (self->credentials, selected);
}

gint64
quorum_credential_grants_get_credential (QuorumCredentialGrants *self)
{
  JsonObject *credential;

  g_return_val_if_fail (QUORUM_IS_CREDENTIAL_GRANTS (self), 0);
  credential = credential_object (self);
  return credential != NULL ? json_object_get_int_member_with_default (credential, "id", 0) : 0;
}

static const char *
credential_name (QuorumCredentialGrants *self)
{
  JsonObject *credential = credential_object (self);

  return credential != NULL ? json_object_get_string_member_with_default (credential, "name", "") : "";
}

static const char *
member_name (QuorumCredentialGrants *self,
             gint64                  user_id)
{
  for (guint i = 0; self->members != NULL && i < json_array_get_length (self->members); i++)
    {
      JsonObject *member = json_array_get_object_element (self->members, i);

      if (json_object_get_int_member_with_default (member, "id", 0) == user_id)
        return json_object_get_string_member_with_default (member, "name", "");
    }
  return NULL;
}

gboolean
quorum_credential_grants_get_loading (QuorumCredentialGrants *self)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIAL_GRANTS (self), FALSE);
  return self->loading > 0;
}

GArray *
quorum_credential_grants_get_holders (QuorumCredentialGrants *self)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIAL_GRANTS (self), NULL);
  return self->holders;
}

AdwToast *
quorum_credential_grants_get_undo_toast (QuorumCredentialGrants *self)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIAL_GRANTS (self), NULL);
  return self->undo_toast;
}

static void
update_actions (QuorumCredentialGrants *self)
{
  gboolean can_grant = self->loading == 0 && self->candidates->len > 0 &&
                       adw_combo_row_get_selected (self->member_row) < self->candidates->len;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credentials.grant", can_grant);
  gtk_widget_set_sensitive (GTK_WIDGET (self->member_row), self->candidates->len > 0);
}

/* ---- the holders and the members without it ------------------------------- */

static char *
describe_grant (QuorumCredentialGrants *self,
                JsonObject             *grant)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (json_object_get_int_member_with_default (grant,
                                                                                                       "granted", 0));
  g_autofree char *date = when != NULL ? g_date_time_format (when, "%x") : g_strdup ("?");
  JsonNode *by = json_object_get_member (grant, "granted_by");
  const char *granter = by != NULL && JSON_NODE_HOLDS_VALUE (by) ? member_name (self, json_node_get_int (by)) : NULL;

  if (granter != NULL)
    /* TRANSLATORS: a date, then a user name */
    return g_strdup_printf (_("Since %s, granted by %s"), date, granter);
  return g_strdup_printf (_("Since %s"), date);
}

static void
fill_holders (QuorumCredentialGrants *self,
              JsonArray              *grants)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *child;
  g_autofree char *count = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->holders_list))) != NULL)
    gtk_list_box_remove (self->holders_list, child);
  g_array_set_size (self->holders, 0);
  for (guint i = 0; grants != NULL && i < json_array_get_length (grants); i++)
    {
      JsonObject *grant = json_array_get_object_element (grants, i);
      gint64 user = json_object_get_int_member_with_default (grant, "user", 0);
      g_autofree char *subtitle = describe_grant (self, grant);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *revoke = gtk_button_new_with_mnemonic (_("_Revoke"));
      g_autofree char *tooltip = g_strdup_printf (_("Take “%s” away from %s"), credential_name (self),
                                                  json_object_get_string_member_with_default (grant, "name", ""));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (grant, "name", ""));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (revoke, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (revoke, tooltip);
      gtk_widget_add_css_class (revoke, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (revoke), "credentials.revoke");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (revoke), g_variant_new_int64 (user));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), revoke);
      gtk_list_box_append (self->holders_list, row);
      g_array_append_val (self->holders, user);
    }
  count = self->holders->len == 0 ? g_strdup (_("Nobody holds it yet."))
          : g_strdup_printf (ngettext ("%u person holds it.", "%u people hold it.", self->holders->len),
                             self->holders->len);
  adw_preferences_group_set_description (self->holders_group, count);
  gtk_widget_set_visible (GTK_WIDGET (self->holders_list), self->holders->len > 0);

  /* Grant offers the members who do not hold it. */
  g_array_set_size (self->candidates, 0);
  for (guint i = 0; self->members != NULL && i < json_array_get_length (self->members); i++)
    {
      JsonObject *member = json_array_get_object_element (self->members, i);
      gint64 id = json_object_get_int_member_with_default (member, "id", 0);
      gboolean holds = FALSE;

      for (guint j = 0; j < self->holders->len; j++)
        holds |= g_array_index (self->holders, gint64, j) == id;
      if (holds)
        continue;
      gtk_string_list_append (names, json_object_get_string_member_with_default (member, "name", ""));
      g_array_append_val (self->candidates, id);
    }
  self->filling = TRUE;
  adw_combo_row_set_model (self->member_row, G_LIST_MODEL (names));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->member_row),
                               self->candidates->len == 0 ? _("Every member of the project holds it") : NULL);
  self->filling = FALSE;
  update_actions (self);
}

static void
got_grants (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QuorumCredentialGrants) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) grants = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->loading > 0)
    self->loading--;
  if (grants == NULL || !JSON_NODE_HOLDS_ARRAY (grants))
    {
      g_autofree char *what = g_strdup_printf (_("The holders of “%s” could not be read."), credential_name (self));

      if (error != NULL)
        show_error (self, what, error);
      fill_holders (self, NULL);
      return;
    }
  fill_holders (self, json_node_get_array (grants));
}

static void
load_grants (QuorumCredentialGrants *self)
{
  gint64 id = quorum_credential_grants_get_credential (self);
  g_autofree char *path = NULL;
  JsonObject *credential = credential_object (self);

  if (id == 0)
    return;
  /* The description under the row: as the row's subtitle it would squeeze the name. */
  adw_preferences_group_set_description (self->credential_group,
                                         json_object_get_string_member_with_default (credential, "description", ""));
  self->loading++;
  update_actions (self);
  path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants", id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_grants,
                            g_object_ref (self));
}

static void
on_credential_selected (QuorumCredentialGrants *self)
{
  if (!self->filling)
    load_grants (self);
}

gboolean
quorum_credential_grants_set_credential (QuorumCredentialGrants *self,
                                         gint64                  credential_id)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIAL_GRANTS (self), FALSE);

  for (guint i = 0; self->credentials != NULL && i < json_array_get_length (self->credentials); i++)
    if (json_object_get_int_member_with_default (json_array_get_object_element (self->credentials, i), "id", 0)
        == credential_id)
      {
        if (adw_combo_row_get_selected (self->credential_row) != i)
          adw_combo_row_set_selected (self->credential_row, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
quorum_credential_grants_set_member (QuorumCredentialGrants *self,
                                     gint64                  user_id)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIAL_GRANTS (self), FALSE);

  for (guint i = 0; i < self->candidates->len; i++)
    if (g_array_index (self->candidates, gint64, i) == user_id)
      {
        adw_combo_row_set_selected (self->member_row, i);
        update_actions (self);
        return TRUE;
      }
  return FALSE;
}

/* ---- the credentials and members ------------------------------------------------ */

static void
got_members (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QuorumCredentialGrants) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) members = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->loading > 0)
    self->loading--;
  g_clear_pointer (&self->members, json_array_unref);
  if (members != NULL && JSON_NODE_HOLDS_ARRAY (members))
    self->members = json_array_ref (json_node_get_array (members));
  else if (error != NULL)
    show_error (self, _("The project’s members could not be read."), error);
  load_grants (self);
}

static void
got_credentials (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QuorumCredentialGrants) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) credentials = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  gint64 selected;
  g_autofree char *path = NULL;
  guint position = 0;

  /* Cancelled when the window closed: its rows are gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  selected = quorum_credential_grants_get_credential (self);
  if (self->loading > 0)
    self->loading--;
  gtk_spinner_stop (self->spinner);
  if (credentials == NULL || !JSON_NODE_HOLDS_ARRAY (credentials))
    {
      g_autofree char *message = error != NULL ? quorum_error_to_sentence (error->message)
                                               : g_strdup (_("The server's answer is not a list of credentials."));

      adw_status_page_set_description (self->error_page, message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_actions (self);
      return;
    }
  g_clear_pointer (&self->credentials, json_array_unref);
  self->credentials = json_array_ref (json_node_get_array (credentials));
  for (guint i = 0; i < json_array_get_length (self->credentials); i++)
    {
      JsonObject *credential = json_array_get_object_element (self->credentials, i);

      gtk_string_list_append (names, json_object_get_string_member_with_default (credential, "name", ""));
      if (json_object_get_int_member_with_default (credential, "id", 0) == selected)
        position = i;
    }
  self->filling = TRUE;
  adw_combo_row_set_model (self->credential_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->credential_row, position);
  self->filling = FALSE;
  if (json_array_get_length (self->credentials) == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_actions (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "credentials");
  self->loading++;
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members", self->project_id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_members,
                            g_object_ref (self));
}

void
quorum_credential_grants_refresh (QuorumCredentialGrants *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_CREDENTIAL_GRANTS (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = 1;
  if (self->credentials == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  update_actions (self);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/credentials", self->project_id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_credentials,
                            g_object_ref (self));
}

/* ---- grant, revoke, undo ------------------------------------------------------- */

typedef struct {
  QuorumCredentialGrants *self;
  gint64                  credential;
  gint64                  user;
  char                   *credential_name;
  char                   *user_name;
  enum { GRANT, REVOKE, UNDO } kind;
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->self);
  g_free (change->credential_name);
  g_free (change->user_name);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static void
changed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  QuorumCredentialGrants *self = change->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autofree char *message = NULL;

  if (self->loading > 0)
    self->loading--;
  /* Closed meanwhile: nothing left to tell. */
  if (self->toast_overlay == NULL)
    return;
  if (error != NULL)
    {
      message = change->kind == REVOKE
                ? g_strdup_printf (_("“%s” could not be revoked from %s."), change->credential_name, change->user_name)
                : g_strdup_printf (_("“%s” could not be granted to %s."), change->credential_name, change->user_name);
      show_error (self, message, error);
    }
  else if (change->kind == REVOKE)
    {
      AdwToast *toast;

      message = g_strdup_printf (_("%s no longer holds “%s”"), change->user_name, change->credential_name);
      toast = adw_toast_new (message);
      adw_toast_set_timeout (toast, 8);
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "credentials.undo-revoke");
      adw_toast_set_action_target_value (toast, g_variant_new ("(xx)", change->credential, change->user));
      if (self->undo_toast != NULL)
        g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
      self->undo_toast = toast;
      g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &self->undo_toast);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  else
    {
      message = change->kind == UNDO
                ? g_strdup_printf (_("%s holds “%s” again"), change->user_name, change->credential_name)
                : g_strdup_printf (_("%s now holds “%s”"), change->user_name, change->credential_name);
      show_toast (self, message);
    }
  /* The list shows what the server holds, whatever happened. */
  if (quorum_credential_grants_get_credential (self) == change->credential)
    load_grants (self);
  else
    update_actions (self);
}

static void
send_change (QuorumCredentialGrants *self,
             int                     kind,
             gint64                  credential,
             const char             *name,
             gint64                  user)
{
  Change *change = g_new0 (Change, 1);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  const char *user_name = member_name (self, user);

  change->self = g_object_ref (self);
  change->kind = kind;
  change->credential = credential;
  change->user = user;
  change->credential_name = g_strdup (name);
  change->user_name = user_name != NULL ? g_strdup (user_name) : g_strdup_printf (_("user %" G_GINT64_FORMAT), user);
  self->loading++;
  update_actions (self);
  if (kind == REVOKE)
    {
      path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants/%" G_GINT64_FORMAT, credential, user);
      quorum_client_call_async (client_of (self), "DELETE", path, NULL, NULL, changed, change);
      return;
    }
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  json_object_set_int_member (json_node_get_object (body), "user", user);
  path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants", credential);
  quorum_client_call_async (client_of (self), "POST", path, body, NULL, changed, change);
}

static void
grants_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QuorumCredentialGrants *self = QUORUM_CREDENTIAL_GRANTS (widget);
  gint64 credential = quorum_credential_grants_get_credential (self);

  if (g_str_equal (action_name, "credentials.refresh"))
    quorum_credential_grants_refresh (self);
  else if (g_str_equal (action_name, "credentials.grant"))
    {
      guint selected = adw_combo_row_get_selected (self->member_row);

      if (credential != 0 && selected < self->candidates->len)
        send_change (self, GRANT, credential, credential_name (self), g_array_index (self->candidates, gint64, selected));
    }
  else if (g_str_equal (action_name, "credentials.revoke"))
    {
      if (credential != 0)
        send_change (self, REVOKE, credential, credential_name (self), g_variant_get_int64 (parameter));
    }
  else
    {
      gint64 user;
      const char *name = NULL;

      /* The toast names the credential: the window may show another one now. */
      g_variant_get (parameter, "(xx)", &credential, &user);
      for (guint i = 0; self->credentials != NULL && i < json_array_get_length (self->credentials); i++)
        {
          JsonObject *object = json_array_get_object_element (self->credentials, i);

          if (json_object_get_int_member_with_default (object, "id", 0) == credential)
            name = json_object_get_string_member_with_default (object, "name", "");
        }
      if (self->undo_toast != NULL)
        adw_toast_dismiss (self->undo_toast);
      send_change (self, UNDO, credential, name != NULL ? name : "", user);
    }
}

/* ---- the window ----------------------------------------------------------------- */

static void
quorum_credential_grants_dispose (GObject *object)
{
  QuorumCredentialGrants *self = QUORUM_CREDENTIAL_GRANTS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->undo_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
  self->undo_toast = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_CREDENTIAL_GRANTS);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (quorum_credential_grants_parent_class)->dispose (object);
}

static void
quorum_credential_grants_finalize (GObject *object)
{
  QuorumCredentialGrants *self = QUORUM_CREDENTIAL_GRANTS (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->credentials, json_array_unref);
  g_clear_pointer (&self->members, json_array_unref);
  g_array_unref (self->holders);
  g_array_unref (self->candidates);
  G_OBJECT_CLASS (quorum_credential_grants_parent_class)->finalize (object);
}

static void
quorum_credential_grants_class_init (QuorumCredentialGrantsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_credential_grants_dispose;
  object_class->finalize = quorum_credential_grants_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/quorum/Quorum/ui/quorum-credential-grants.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, window_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, credential_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, credential_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, member_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, holders_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialGrants, holders_list);

  gtk_widget_class_install_action (widget_class, "credentials.refresh", NULL, grants_action);
  gtk_widget_class_install_action (widget_class, "credentials.grant", NULL, grants_action);
  gtk_widget_class_install_action (widget_class, "credentials.revoke", "x", grants_action);
  gtk_widget_class_install_action (widget_class, "credentials.undo-revoke", "(xx)", grants_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "credentials.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "credentials.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_credential_grants_init (QuorumCredentialGrants *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->holders = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->candidates = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect_swapped (self->credential_row, "notify::selected", G_CALLBACK (on_credential_selected), self);
  g_signal_connect_swapped (self->member_row, "notify::selected", G_CALLBACK (update_actions), self);
  update_actions (self);
}

QuorumCredentialGrants *
quorum_credential_grants_new (QuorumWindow *window,
                              gint64        project_id,
                              const char   *project_name)
{
  QuorumCredentialGrants *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_CREDENTIAL_GRANTS, "transient-for", window, NULL);
  self->session = g_object_ref (quorum_window_get_session (window));
  self->project_id = project_id;
  adw_window_title_set_subtitle (self->window_title, project_name);
  quorum_credential_grants_refresh (self);
  return self;
}
