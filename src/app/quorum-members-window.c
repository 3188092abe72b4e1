/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-members-window.h"

struct _QuorumMembersWindow
{
  AdwWindow             parent_instance;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  AdwViewStack         *view_stack;
  AdwPreferencesGroup  *add_group;
  AdwEntryRow          *add_entry;
  AdwComboRow          *add_role_row;
  GtkLabel             *add_error;
  AdwPreferencesGroup  *members_group;
  GtkListBox           *members_list;
  AdwPreferencesGroup  *credential_group;
  AdwComboRow          *credential_row;
  AdwPreferencesGroup  *holders_group;
  GtkListBox           *holders_list;
  AdwPreferencesGroup  *grant_group;
  AdwComboRow          *grant_member_row;
  AdwEntryRow          *grant_reason_entry;
  AdwPreferencesGroup  *revoked_group;
  GtkListBox           *revoked_list;
  AdwPreferencesGroup  *create_group;
  AdwEntryRow          *credential_name_entry;
  AdwEntryRow          *credential_description_entry;

  QuorumSession        *session;
  GCancellable         *cancellable;
  gint64                project_id;
  gint64                me;             /* the caller's user id, 0 until GET /me answers */
  gboolean              me_admin;       /* a server administrator */
  char                 *my_role;        /* in the project; NULL when no member */
  JsonArray            *members;        /* GET /projects/{id}/members */
  JsonArray            *credentials;    /* GET /projects/{id}/credentials */
  JsonArray            *grants;         /* GET /credentials/{id}/grants?include=revoked */
  GArray               *candidates;     /* of gint64: the grant member row's, in order */
  gint64                pending_credential; /* to choose once the list has it */
  guint                 loading;        /* calls on their way */
  gboolean              filling;        /* the rows change, not the user */
  AdwToast             *undo_toast;     /* weak */
};

G_DEFINE_FINAL_TYPE (QuorumMembersWindow, quorum_members_window, ADW_TYPE_WINDOW)

/* The roles as the server names them, highest first, and as a person reads them. */
static const char * const role_names[] = { "admin", "editor", "reviewer", "annotator", "viewer" };
static const char * const role_labels[] = {
  N_("Admin"), N_("Editor"), N_("Reviewer"), N_("Annotator"), N_("Viewer"),
};
#define DEFAULT_ROLE 3 /* annotator */

static void load_members (QuorumMembersWindow *self);
static void load_credentials (QuorumMembersWindow *self);
static void load_grants (QuorumMembersWindow *self);

static QuorumClient *
client_of (QuorumMembersWindow *self)
{
  return quorum_session_get_client (self->session);
}

static int
role_index (const char *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (role_names[i], role) == 0)
      return (int) i;
  return -1;
}

static const char *
role_label (const char *role)
{
  int index = role_index (role);

  return index >= 0 ? gettext (role_labels[index]) : role;
}

static GListModel *
role_model (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (role_labels); i++)
    gtk_string_list_append (list, gettext (role_labels[i]));
  return G_LIST_MODEL (list);
}

/* A toast says how a step went. Toasts are never dismissed from here:
 * doing so to replace the last one crashed libadwaita 1.2 in the members
 * test (a toast unreferenced once too often at the end of its hiding). */
static void
show_toast (QuorumMembersWindow *self,
            const char          *message)
{
  /* A toast's title is markup; names and reasons are people's text. */
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Why the last addition failed, under the Add button: a toast is too
 * short-lived and too narrow for what to do instead. NULL hides it. */
static void
show_add_error (QuorumMembersWindow *self,
                const char          *message)
{
  gtk_label_set_text (self->add_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->add_error), message != NULL);
}

/* "ann could not be added. No user 9." */
static void
show_error (QuorumMembersWindow *self,
            const char          *what,
            GError              *error)
{
  g_autofree char *why = quorum_error_to_sentence (error->message);
  g_autofree char *message = g_strdup_printf ("%s %s", what, why);

  show_toast (self, message);
}

static void
offer_undo (QuorumMembersWindow *self,
            const char          *message,
            const char          *action,
            GVariant            *target)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 8);
  /* Undo is offered now, not after the toasts before it. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (self->undo_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, action);
  adw_toast_set_action_target_value (toast, target);
  self->undo_toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &self->undo_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static JsonObject *
find_member (QuorumMembersWindow *self,
             gint64               user_id)
{
  for (guint i = 0; self->members != NULL && i < json_array_get_length (self->members); i++)
    {
      JsonObject *member = json_array_get_object_element (self->members, i);

      if (json_object_get_int_member_with_default (member, "id", 0) == user_id)
        return member;
    }
  return NULL;
}

static char *
member_name (QuorumMembersWindow *self,
             gint64               user_id)
{
  JsonObject *member = find_member (self, user_id);

  if (member != NULL)
    return g_strdup (json_object_get_string_member_with_default (member, "name", ""));
  return g_strdup_printf (_("user %" G_GINT64_FORMAT), user_id);
}

gboolean
quorum_members_window_get_can_manage (QuorumMembersWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), FALSE);
  return self->me_admin || g_strcmp0 (self->my_role, "admin") == 0;
}

gboolean
quorum_members_window_get_loading (QuorumMembersWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), FALSE);
  return self->loading > 0;
}

AdwToast *
quorum_members_window_get_undo_toast (QuorumMembersWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), NULL);
  return self->undo_toast;
}

const char *
quorum_members_window_get_member_role (QuorumMembersWindow *self,
                                       gint64               user_id)
{
  JsonObject *member;

  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), NULL);
  member = find_member (self, user_id);
  return member != NULL ? json_object_get_string_member_with_default (member, "role", NULL) : NULL;
}

static void
update_actions (QuorumMembersWindow *self)
{
  gboolean manage = quorum_members_window_get_can_manage (self);
  gboolean idle = self->loading == 0;
  gboolean has_credential = quorum_members_window_get_credential (self) != 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "members.add", manage && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "members.create-credential", manage && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "members.grant",
                                 manage && idle && has_credential && self->candidates->len > 0 &&
                                 adw_combo_row_get_selected (self->grant_member_row) < self->candidates->len);
  gtk_widget_set_sensitive (GTK_WIDGET (self->grant_member_row), self->candidates->len > 0);

  /* What the caller's role may not do is not offered (the server refuses it anyway). */
  gtk_widget_set_visible (GTK_WIDGET (self->add_group), manage);
  gtk_widget_set_visible (GTK_WIDGET (self->create_group), manage);
  gtk_widget_set_visible (GTK_WIDGET (self->grant_group), manage && has_credential);
  gtk_widget_set_visible (GTK_WIDGET (self->holders_group), manage && has_credential);
  gtk_widget_set_visible (GTK_WIDGET (self->revoked_group),
                          manage && has_credential &&
                          gtk_widget_get_first_child (GTK_WIDGET (self->revoked_list)) != NULL);
}

/* ---- members ------------------------------------------------------------------ */

static void send_role (QuorumMembersWindow *self,
                       gint64               user,
                       const char          *role,
                       const char          *old_role,
                       int                  kind);

enum { ROLE_ADD, ROLE_CHANGE, ROLE_UNDO };

static void
on_role_chosen (GtkDropDown         *dropdown,
                GParamSpec          *pspec,
                QuorumMembersWindow *self)
{
  gint64 user = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dropdown), "user"));
  guint selected = gtk_drop_down_get_selected (dropdown);
  const char *old_role = quorum_members_window_get_member_role (self, user);

  if (self->filling || selected >= G_N_ELEMENTS (role_names) || g_strcmp0 (old_role, role_names[selected]) == 0)
    return;
  send_role (self, user, role_names[selected], old_role, ROLE_CHANGE);
}

static GtkWidget *
member_row (QuorumMembersWindow *self,
            JsonObject          *member)
{
  gint64 user = json_object_get_int_member_with_default (member, "id", 0);
  const char *name = json_object_get_string_member_with_default (member, "name", "");
  const char *role = json_object_get_string_member_with_default (member, "role", "");
  GtkWidget *row = adw_action_row_new ();
  gboolean mine = user == self->me;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  if (mine)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("You"));
  /* One's own role stays as it is here: changing it, or leaving, would
   * take the window away from under the admin using it. */
  if (quorum_members_window_get_can_manage (self) && !mine && role_index (role) >= 0)
    {
      g_autoptr(GListModel) roles = role_model ();
      GtkWidget *dropdown = gtk_drop_down_new (g_object_ref (roles), NULL);
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *dropdown_tip = g_strdup_printf (_("%s’s role in the project"), name);
      g_autofree char *remove_tip = g_strdup_printf (_("Remove %s from the project"), name);

      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), (guint) role_index (role));
      gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (dropdown, dropdown_tip);
      g_object_set_data (G_OBJECT (dropdown), "user", GSIZE_TO_POINTER ((gsize) user));
      g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_role_chosen), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (remove, remove_tip);
      gtk_widget_add_css_class (remove, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "members.remove");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_int64 (user));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
    }
  else
    {
      GtkWidget *label = gtk_label_new (role_label (role));

      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  g_object_set_data (G_OBJECT (row), "user", GSIZE_TO_POINTER ((gsize) user));
  return row;
}

static void
fill_members (QuorumMembersWindow *self)
{
  GtkWidget *child;
  guint n = self->members != NULL ? json_array_get_length (self->members) : 0;
  g_autofree char *count = NULL;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->members_list))) != NULL)
    gtk_list_box_remove (self->members_list, child);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->members_list, member_row (self, json_array_get_object_element (self->members, i)));
  self->filling = FALSE;
  count = n == 0 ? g_strdup (_("Nobody is a member yet."))
          : g_strdup_printf (ngettext ("%u person works on the project.", "%u people work on the project.", n), n);
  adw_preferences_group_set_description (self->members_group, count);
  gtk_widget_set_visible (GTK_WIDGET (self->members_list), n > 0);
}

static void
got_members (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QuorumMembersWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) members = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonObject *mine;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->loading > 0)
    self->loading--;
  gtk_spinner_stop (self->spinner);
  if (members == NULL || !JSON_NODE_HOLDS_ARRAY (members))
    {
      g_autofree char *message = error != NULL ? quorum_error_to_sentence (error->message)
                                               : g_strdup (_("The server’s answer is not a list of members."));

      if (self->members == NULL)
        {
          adw_status_page_set_description (self->error_page, message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      else
        show_toast (self, message);
      update_actions (self);
      return;
    }
  g_clear_pointer (&self->members, json_array_unref);
  self->members = json_array_ref (json_node_get_array (members));
  mine = find_member (self, self->me);
  g_free (self->my_role);
  self->my_role = mine != NULL ? g_strdup (json_object_get_string_member_with_default (mine, "role", NULL)) : NULL;
  fill_members (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
  /* The credentials' page depends on the role and on who is a member. */
  load_credentials (self);
  update_actions (self);
}

static void
load_members (QuorumMembersWindow *self)
{
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members", self->project_id);

  self->loading++;
  update_actions (self);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_members,
                            g_object_ref (self));
}

static void
got_me (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(QuorumMembersWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->loading > 0)
    self->loading--;
  if (me != NULL && JSON_NODE_HOLDS_OBJECT (me))
    {
      self->me = json_object_get_int_member_with_default (json_node_get_object (me), "id", 0);
      self->me_admin = json_object_get_boolean_member_with_default (json_node_get_object (me), "admin", FALSE);
    }
  /* Without it the window shows what a member sees; the members' call
   * says what is wrong. */
  load_members (self);
}

void
quorum_members_window_refresh (QuorumMembersWindow *self)
{
  g_return_if_fail (QUORUM_IS_MEMBERS_WINDOW (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = 1;
  if (self->members == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  update_actions (self);
  quorum_client_call_async (client_of (self), "GET", "/me", NULL, self->cancellable, got_me, g_object_ref (self));
}

gboolean
quorum_members_window_choose_role (QuorumMembersWindow *self,
                                   gint64               user_id,
                                   const char          *role)
{
  int index = role_index (role);

  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), FALSE);
  if (index < 0)
    return FALSE;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->members_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if ((gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "user")) != user_id)
        continue;
      /* The row's suffixes lie deep in it: look for the menu among them. */
      for (GtkWidget *widget = gtk_widget_get_first_child (row); widget != NULL;)
        {
          if (GTK_IS_DROP_DOWN (widget))
            {
              gtk_drop_down_set_selected (GTK_DROP_DOWN (widget), (guint) index);
              return TRUE;
            }
          if (gtk_widget_get_first_child (widget) != NULL)
            widget = gtk_widget_get_first_child (widget);
          else
            {
              while (widget != row && gtk_widget_get_next_sibling (widget) == NULL)
                widget = gtk_widget_get_parent (widget);
              widget = widget == row ? NULL : gtk_widget_get_next_sibling (widget);
            }
        }
      return FALSE;
    }
  return FALSE;
}

/* ---- credentials -------------------------------------------------------------- */

static JsonObject *
credential_object (QuorumMembersWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->credential_row);

  if (self->credentials == NULL || selected >= json_array_get_length (self->credentials))
    return NULL;
  return json_array_get_object_element (self->credentials, selected);
}

void
quorum_members_window_show_page (QuorumMembersWindow *self,
                                 const char          *page)
{
  g_return_if_fail (QUORUM_IS_MEMBERS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, page);
}

gint64
quorum_members_window_get_credential (QuorumMembersWindow *self)
{
  JsonObject *credential;

  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), 0);
  credential = credential_object (self);
  return credential != NULL ? json_object_get_int_member_with_default (credential, "id", 0) : 0;
}

static const char *
credential_name (QuorumMembersWindow *self,
                 gint64               credential_id)
{
  for (guint i = 0; self->credentials != NULL && i < json_array_get_length (self->credentials); i++)
    {
      JsonObject *credential = json_array_get_object_element (self->credentials, i);

      if (json_object_get_int_member_with_default (credential, "id", 0) == credential_id)
        return json_object_get_string_member_with_default (credential, "name", "");
    }
  return "";
}

JsonObject *
quorum_members_window_get_grant (QuorumMembersWindow *self,
                                 gint64               user_id)
{
  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), NULL);
  for (guint i = 0; self->grants != NULL && i < json_array_get_length (self->grants); i++)
    {
      JsonObject *grant = json_array_get_object_element (self->grants, i);

      if (json_object_get_int_member_with_default (grant, "user", 0) == user_id)
        return grant;
    }
  return NULL;
}

static gboolean
grant_revoked (JsonObject *grant)
{
  JsonNode *revoked = json_object_get_member (grant, "revoked");

  return revoked != NULL && !JSON_NODE_HOLDS_NULL (revoked);
}

static const char *
nullable_string (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

typedef enum { CURRENT_GRANT, PAST_GRANT, REVOCATION } Grant;

/* "Since 4 December 2026, granted by paula: Certified by the city’s course" */
static char *
describe (QuorumMembersWindow *self,
          JsonObject          *grant,
          const char          *when_member,
          const char          *by_member,
          const char          *reason_member,
          Grant                kind)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (json_object_get_int_member_with_default (grant,
                                                                                                       when_member,
                                                                                                       0));
  g_autofree char *date = when != NULL ? g_date_time_format (when, "%x") : g_strdup ("?");
  JsonNode *by = json_object_get_member (grant, by_member);
  g_autofree char *who = by != NULL && JSON_NODE_HOLDS_VALUE (by) ? member_name (self, json_node_get_int (by)) : NULL;
  const char *reason = nullable_string (grant, reason_member);
  g_autofree char *line = NULL;

  if (kind == REVOCATION)
    /* TRANSLATORS: a date, then a user name */
    line = who != NULL ? g_strdup_printf (_("Revoked on %s by %s"), date, who)
                       : g_strdup_printf (_("Revoked on %s"), date);
  else if (kind == PAST_GRANT)
    /* TRANSLATORS: a date, then a user name */
    line = who != NULL ? g_strdup_printf (_("Granted on %s by %s"), date, who)
                       : g_strdup_printf (_("Granted on %s"), date);
  else
    line = who != NULL ? g_strdup_printf (_("Since %s, granted by %s"), date, who)
                       : g_strdup_printf (_("Since %s"), date);
  if (reason == NULL)
    return g_steal_pointer (&line);
  /* TRANSLATORS: when and by whom, then why */
  return g_strdup_printf (_("%s: %s"), line, reason);
}

static void
fill_grants (QuorumMembersWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *child;
  guint n_holders = 0;
  g_autofree char *count = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->holders_list))) != NULL)
    gtk_list_box_remove (self->holders_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->revoked_list))) != NULL)
    gtk_list_box_remove (self->revoked_list, child);
  for (guint i = 0; self->grants != NULL && i < json_array_get_length (self->grants); i++)
    {
      JsonObject *grant = json_array_get_object_element (self->grants, i);
      gint64 user = json_object_get_int_member_with_default (grant, "user", 0);
      const char *name = json_object_get_string_member_with_default (grant, "name", "");
      gboolean revoked = grant_revoked (grant);
      g_autofree char *granted = describe (self, grant, "granted", "granted_by", "reason",
                                           revoked ? PAST_GRANT : CURRENT_GRANT);
      g_autofree char *revocation = revoked ? describe (self, grant, "revoked", "revoked_by", "revoke_reason",
                                                        REVOCATION)
                                            : NULL;
      g_autofree char *subtitle = revoked ? g_strdup_printf ("%s\n%s", revocation, granted) : g_strdup (granted);
      GtkWidget *row = adw_action_row_new ();

      /* Names and reasons are people's text, not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
      if (revoked)
        {
          gtk_list_box_append (self->revoked_list, row);
          continue;
        }
      {
        GtkWidget *revoke = gtk_button_new_with_mnemonic (_("_Revoke…"));
        g_autofree char *tooltip = g_strdup_printf (_("Take “%s” away from %s"),
                                                    credential_name (self, quorum_members_window_get_credential (self)),
                                                    name);

        gtk_widget_set_valign (revoke, GTK_ALIGN_CENTER);
        gtk_widget_set_tooltip_text (revoke, tooltip);
        gtk_widget_add_css_class (revoke, "flat");
        gtk_actionable_set_action_name (GTK_ACTIONABLE (revoke), "members.revoke");
        gtk_actionable_set_action_target_value (GTK_ACTIONABLE (revoke), g_variant_new_int64 (user));
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), revoke);
      }
      gtk_list_box_append (self->holders_list, row);
      n_holders++;
    }
  count = n_holders == 0 ? g_strdup (_("Nobody holds it yet."))
          : g_strdup_printf (ngettext ("%u person holds it.", "%u people hold it.", n_holders), n_holders);
  adw_preferences_group_set_description (self->holders_group, count);
  gtk_widget_set_visible (GTK_WIDGET (self->holders_list), n_holders > 0);

  /* Grant offers the members who do not hold it now. */
  g_array_set_size (self->candidates, 0);
  for (guint i = 0; self->members != NULL && i < json_array_get_length (self->members); i++)
    {
      JsonObject *member = json_array_get_object_element (self->members, i);
      gint64 id = json_object_get_int_member_with_default (member, "id", 0);
      JsonObject *grant = quorum_members_window_get_grant (self, id);

      if (grant != NULL && !grant_revoked (grant))
        continue;
      gtk_string_list_append (names, json_object_get_string_member_with_default (member, "name", ""));
      g_array_append_val (self->candidates, id);
    }
  self->filling = TRUE;
  adw_combo_row_set_model (self->grant_member_row, G_LIST_MODEL (names));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->grant_member_row),
                               self->candidates->len == 0 ? _("Every member of the project holds it") : NULL);
  self->filling = FALSE;
  update_actions (self);
}

static void
got_grants (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QuorumMembersWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) grants = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->loading > 0)
    self->loading--;
  g_clear_pointer (&self->grants, json_array_unref);
  if (grants != NULL && JSON_NODE_HOLDS_ARRAY (grants))
    self->grants = json_array_ref (json_node_get_array (grants));
  else if (error != NULL)
    {
      g_autofree char *what = g_strdup_printf (_("The holders of “%s” could not be read."),
                                               credential_name (self, quorum_members_window_get_credential (self)));

      show_error (self, what, error);
    }
  fill_grants (self);
}

static void
load_grants (QuorumMembersWindow *self)
{
  gint64 id = quorum_members_window_get_credential (self);
  JsonObject *credential = credential_object (self);
  g_autofree char *path = NULL;
  /* The description is markup; the credential's is the admin's text. */
  g_autofree char *description = g_markup_escape_text (credential != NULL
                                                       ? json_object_get_string_member_with_default (credential,
                                                                                                     "description", "")
                                                       : _("The project has no credentials yet."), -1);

  adw_preferences_group_set_description (self->credential_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->credential_row), credential != NULL);
  g_clear_pointer (&self->grants, json_array_unref);
  /* Who holds a credential is for its project's admins (GET …/grants). */
  if (id == 0 || !quorum_members_window_get_can_manage (self))
    {
      fill_grants (self);
      return;
    }
  self->loading++;
  update_actions (self);
  path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants?include=revoked", id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_grants,
                            g_object_ref (self));
}

static void
on_credential_selected (QuorumMembersWindow *self)
{
  if (!self->filling)
    load_grants (self);
}

gboolean
quorum_members_window_set_credential (QuorumMembersWindow *self,
                                      gint64               credential_id)
{
  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), FALSE);

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
quorum_members_window_set_grant_member (QuorumMembersWindow *self,
                                        gint64               user_id)
{
  g_return_val_if_fail (QUORUM_IS_MEMBERS_WINDOW (self), FALSE);

  for (guint i = 0; i < self->candidates->len; i++)
    if (g_array_index (self->candidates, gint64, i) == user_id)
      {
        adw_combo_row_set_selected (self->grant_member_row, i);
        update_actions (self);
        return TRUE;
      }
  return FALSE;
}

static void
got_credentials (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QuorumMembersWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) credentials = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  gint64 selected;
  guint position = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  selected = self->pending_credential != 0 ? self->pending_credential : quorum_members_window_get_credential (self);
  self->pending_credential = 0;
  if (self->loading > 0)
    self->loading--;
  if (credentials == NULL || !JSON_NODE_HOLDS_ARRAY (credentials))
    {
      if (error != NULL)
        show_error (self, _("The project’s credentials could not be read."), error);
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
  load_grants (self);
}

static void
load_credentials (QuorumMembersWindow *self)
{
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/credentials", self->project_id);

  self->loading++;
  update_actions (self);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->cancellable, got_credentials,
                            g_object_ref (self));
}

/* ---- changes: each says how it went in a toast, then the window reads the server again ---- */

typedef enum {
  CHANGE_ADD,
  CHANGE_ROLE,
  CHANGE_ROLE_UNDO,
  CHANGE_REMOVE,
  CHANGE_CREATE,
  CHANGE_GRANT,
  CHANGE_REVOKE,
  CHANGE_REVOKE_UNDO,
} ChangeKind;

typedef struct {
  QuorumMembersWindow *self;
  ChangeKind           kind;
  gint64               user;
  gint64               credential;
  char                *user_name;
  char                *credential_name;
  char                *role;      /* the new role */
  char                *old_role;  /* for Undo of a removal */
  char                *reason;    /* the grant's, for Undo of a revocation */
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->self);
  g_free (change->user_name);
  g_free (change->credential_name);
  g_free (change->role);
  g_free (change->old_role);
  g_free (change->reason);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static char *
failure_message (Change *change)
{
  switch (change->kind)
    {
    case CHANGE_ADD:
      return g_strdup_printf (_("%s could not be added."), change->user_name);
    case CHANGE_ROLE:
    case CHANGE_ROLE_UNDO:
      return g_strdup_printf (_("%s’s role could not be changed."), change->user_name);
    case CHANGE_REMOVE:
      return g_strdup_printf (_("%s could not be removed."), change->user_name);
    case CHANGE_CREATE:
      return g_strdup_printf (_("“%s” could not be created."), change->credential_name);
    case CHANGE_GRANT:
    case CHANGE_REVOKE_UNDO:
      return g_strdup_printf (_("“%s” could not be granted to %s."), change->credential_name, change->user_name);
    case CHANGE_REVOKE:
    default:
      return g_strdup_printf (_("“%s” could not be revoked from %s."), change->credential_name, change->user_name);
    }
}

static void
changed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  QuorumMembersWindow *self = change->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autofree char *message = NULL;

  if (self->loading > 0)
    self->loading--;
  /* Closed meanwhile: nothing left to tell. */
  if (self->toast_overlay == NULL)
    return;
  if (error != NULL && change->kind == CHANGE_ADD)
    {
      g_autofree char *what = failure_message (change);
      g_autofree char *why = quorum_error_to_sentence (error->message);

      message = g_strdup_printf ("%s %s", what, why);
      show_add_error (self, message);
    }
  else if (error != NULL)
    {
      message = failure_message (change);
      show_error (self, message, error);
    }
  else
    switch (change->kind)
      {
      case CHANGE_ADD:
        /* Added by number: the answer names them. */
        if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply) &&
            json_object_has_member (json_node_get_object (reply), "name"))
          {
            g_free (change->user_name);
            change->user_name = g_strdup (json_object_get_string_member (json_node_get_object (reply), "name"));
          }
        message = g_strdup_printf (_("%s is a member now, with the role %s"), change->user_name,
                                   role_label (change->role));
        show_add_error (self, NULL);
        gtk_editable_set_text (GTK_EDITABLE (self->add_entry), "");
        show_toast (self, message);
        break;
      case CHANGE_ROLE:
        message = g_strdup_printf (_("%s’s role is now %s"), change->user_name, role_label (change->role));
        show_toast (self, message);
        break;
      case CHANGE_ROLE_UNDO:
        message = g_strdup_printf (_("%s is back, with the role %s"), change->user_name, role_label (change->role));
        show_toast (self, message);
        break;
      case CHANGE_REMOVE:
        message = g_strdup_printf (_("%s is no longer a member"), change->user_name);
        offer_undo (self, message, "members.undo-remove",
                    g_variant_new ("(xs)", change->user, change->old_role != NULL ? change->old_role : "annotator"));
        break;
      case CHANGE_CREATE:
        message = g_strdup_printf (_("“%s” is created"), change->credential_name);
        gtk_editable_set_text (GTK_EDITABLE (self->credential_name_entry), "");
        gtk_editable_set_text (GTK_EDITABLE (self->credential_description_entry), "");
        if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
          self->pending_credential = json_object_get_int_member_with_default (json_node_get_object (reply), "id", 0);
        show_toast (self, message);
        break;
      case CHANGE_GRANT:
        message = g_strdup_printf (_("%s now holds “%s”"), change->user_name, change->credential_name);
        gtk_editable_set_text (GTK_EDITABLE (self->grant_reason_entry), "");
        show_toast (self, message);
        break;
      case CHANGE_REVOKE_UNDO:
        message = g_strdup_printf (_("%s holds “%s” again"), change->user_name, change->credential_name);
        show_toast (self, message);
        break;
      case CHANGE_REVOKE:
      default:
        message = g_strdup_printf (_("%s no longer holds “%s”"), change->user_name, change->credential_name);
        offer_undo (self, message, "members.undo-revoke",
                    g_variant_new ("(xxs)", change->credential, change->user,
                                   change->reason != NULL ? change->reason : ""));
        break;
      }
  /* The window shows what the server holds, whatever happened. */
  if (change->kind <= CHANGE_REMOVE)
    load_members (self);
  else if (change->kind == CHANGE_CREATE)
    load_credentials (self);
  else if (quorum_members_window_get_credential (self) == change->credential)
    load_grants (self);
  else
    update_actions (self);
}

static Change *
change_new (QuorumMembersWindow *self,
            ChangeKind           kind,
            gint64               user)
{
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->kind = kind;
  change->user = user;
  if (user != 0)
    change->user_name = member_name (self, user);
  self->loading++;
  update_actions (self);
  return change;
}

static void
send_role (QuorumMembersWindow *self,
           gint64               user,
           const char          *role,
           const char          *old_role,
           int                  kind)
{
  Change *change = change_new (self, kind == ROLE_ADD ? CHANGE_ADD : kind == ROLE_UNDO ? CHANGE_ROLE_UNDO
                                                                                     : CHANGE_ROLE, user);
  g_autoptr(JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                                           self->project_id, user);

  change->role = g_strdup (role);
  change->old_role = g_strdup (old_role);
  json_object_set_string_member (json_node_get_object (body), "role", role);
  quorum_client_call_async (client_of (self), "PUT", path, body, NULL, changed, change);
}

/* Adding by name: GET /users, which only a server administrator may read. */
typedef struct {
  QuorumMembersWindow *self;
  char                *name;
  char                *role;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_clear_object (&lookup->self);
  g_free (lookup->name);
  g_free (lookup->role);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
got_users (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  QuorumMembersWindow *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) users = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autofree char *what = g_strdup_printf (_("%s could not be added."), lookup->name);

  if (self->loading > 0)
    self->loading--;
  if (self->toast_overlay == NULL)
    return;
  update_actions (self);
  if (users == NULL || !JSON_NODE_HOLDS_ARRAY (users))
    {
      if (error != NULL)
        {
          g_autofree char *why = quorum_error_to_sentence (error->message);
          g_autofree char *message = g_strdup_printf ("%s %s", what, why);

          show_add_error (self, message);
        }
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (users)); i++)
    {
      JsonObject *user = json_array_get_object_element (json_node_get_array (users), i);

      if (g_strcmp0 (json_object_get_string_member_with_default (user, "name", NULL), lookup->name) == 0)
        {
          gint64 id = json_object_get_int_member_with_default (user, "id", 0);
          Change *change;
          g_autoptr(JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());
          g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                                                   self->project_id, id);

          change = change_new (self, CHANGE_ADD, id);
          g_free (change->user_name);
          change->user_name = g_strdup (lookup->name);
          change->role = g_strdup (lookup->role);
          json_object_set_string_member (json_node_get_object (body), "role", lookup->role);
          quorum_client_call_async (client_of (self), "PUT", path, body, NULL, changed, change);
          return;
        }
    }
  {
    g_autofree char *message = g_strdup_printf (_("%s No account on the server is called “%s”."), what,
                                                lookup->name);

    show_add_error (self, message);
  }
}

static void
add_member (QuorumMembersWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_entry))));
  guint selected = adw_combo_row_get_selected (self->add_role_row);
  const char *role = role_names[selected < G_N_ELEMENTS (role_names) ? selected : DEFAULT_ROLE];
  guint64 number = 0;

  if (*text == '\0')
    {
      show_add_error (self, _("Type the user name or the user number of the person to add."));
      return;
    }
  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &number, NULL))
    {
      send_role (self, (gint64) number, role, NULL, ROLE_ADD);
      return;
    }
  /* The API takes a user's number; only a server administrator may list
   * the accounts to find a name's (GET /users). */
  if (!self->me_admin)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” could not be looked up: only a server administrator may "
                                                    "look people up by name. Type their user number instead, which "
                                                    "a server administrator finds with “quorumctl user list”."), text);

      show_add_error (self, message);
      return;
    }
  {
    Lookup *lookup = g_new0 (Lookup, 1);

    lookup->self = g_object_ref (self);
    lookup->name = g_strdup (text);
    lookup->role = g_strdup (role);
    self->loading++;
    update_actions (self);
    quorum_client_call_async (client_of (self), "GET", "/users", NULL, NULL, got_users, lookup);
  }
}

static void
send_grant (QuorumMembersWindow *self,
            ChangeKind           kind,
            gint64               credential,
            gint64               user,
            const char          *reason)
{
  Change *change = change_new (self, kind, user);
  g_autoptr(JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());
  g_autofree char *path = NULL;

  change->credential = credential;
  change->credential_name = g_strdup (credential_name (self, credential));
  json_object_set_int_member (json_node_get_object (body), "user", user);
  if (reason != NULL && *reason != '\0')
    json_object_set_string_member (json_node_get_object (body), "reason", reason);
  path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants", credential);
  quorum_client_call_async (client_of (self), "POST", path, body, NULL, changed, change);
}

static void
send_revoke (QuorumMembersWindow *self,
             gint64               credential,
             gint64               user,
             const char          *reason)
{
  JsonObject *grant = quorum_members_window_get_grant (self, user);
  Change *change = change_new (self, CHANGE_REVOKE, user);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  change->credential = credential;
  change->credential_name = g_strdup (credential_name (self, credential));
  /* Undo grants it again with the reason it had. */
  change->reason = grant != NULL ? g_strdup (nullable_string (grant, "reason")) : NULL;
  if (reason != NULL && *reason != '\0')
    {
      body = json_node_init_object (json_node_alloc (), json_object_new ());
      json_object_set_string_member (json_node_get_object (body), "reason", reason);
    }
  path = g_strdup_printf ("/credentials/%" G_GINT64_FORMAT "/grants/%" G_GINT64_FORMAT, credential, user);
  quorum_client_call_async (client_of (self), "DELETE", path, body, NULL, changed, change);
}

static void
on_revoke_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    QuorumMembersWindow *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  gint64 credential = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "credential"));
  gint64 user = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "user"));
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (g_str_equal (response, "revoke"))
    send_revoke (self, credential, user, reason);
}

/* Asks why, and sends nothing unless the admin confirms. */
static void
ask_revoke (QuorumMembersWindow *self,
            gint64               credential,
            gint64               user)
{
  g_autofree char *name = member_name (self, user);
  JsonObject *grant = quorum_members_window_get_grant (self, user);
  g_autofree char *heading = g_strdup_printf (_("Revoke “%s” from %s?"), credential_name (self, credential),
                                              grant != NULL ? json_object_get_string_member_with_default (grant, "name",
                                                                                                          name)
                                                            : name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("Their unsubmitted tasks of jobs that require it go back to everyone. "
                                                "The reason is kept with the revocation, for the project’s admins."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Why (optional)"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_max_length (GTK_ENTRY (entry), 500);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "revoke", _("_Revoke"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "credential", GSIZE_TO_POINTER ((gsize) credential));
  g_object_set_data (G_OBJECT (dialog), "user", GSIZE_TO_POINTER ((gsize) user));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_revoke_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
create_credential (QuorumMembersWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->credential_name_entry))));
  GtkEditable *description_entry = GTK_EDITABLE (self->credential_description_entry);
  g_autofree char *description = g_strstrip (g_strdup (gtk_editable_get_text (description_entry)));
  Change *change;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  if (*name == '\0')
    {
      show_toast (self, _("A credential needs a name."));
      return;
    }
  change = change_new (self, CHANGE_CREATE, 0);
  change->credential_name = g_strdup (name);
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  json_object_set_string_member (json_node_get_object (body), "name", name);
  if (*description != '\0')
    json_object_set_string_member (json_node_get_object (body), "description", description);
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/credentials", self->project_id);
  quorum_client_call_async (client_of (self), "POST", path, body, NULL, changed, change);
}

static void
members_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  QuorumMembersWindow *self = QUORUM_MEMBERS_WINDOW (widget);
  gint64 credential = quorum_members_window_get_credential (self);

  if (g_str_equal (action_name, "members.refresh"))
    quorum_members_window_refresh (self);
  else if (g_str_equal (action_name, "members.add"))
    add_member (self);
  else if (g_str_equal (action_name, "members.remove"))
    {
      gint64 user = g_variant_get_int64 (parameter);
      const char *role = quorum_members_window_get_member_role (self, user);
      Change *change = change_new (self, CHANGE_REMOVE, user);
      g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                                               self->project_id, user);

      change->old_role = g_strdup (role);
      quorum_client_call_async (client_of (self), "DELETE", path, NULL, NULL, changed, change);
    }
  else if (g_str_equal (action_name, "members.undo-remove"))
    {
      gint64 user;
      g_autofree char *role = NULL;

      /* Copied: the toast's button dismisses it, which may free @parameter, its target. */
      g_variant_get (parameter, "(xs)", &user, &role);
      send_role (self, user, role, NULL, ROLE_UNDO);
    }
  else if (g_str_equal (action_name, "members.create-credential"))
    create_credential (self);
  else if (g_str_equal (action_name, "members.grant"))
    {
      guint selected = adw_combo_row_get_selected (self->grant_member_row);
      g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->grant_reason_entry))));

      if (credential != 0 && selected < self->candidates->len)
        send_grant (self, CHANGE_GRANT, credential, g_array_index (self->candidates, gint64, selected), reason);
    }
  else if (g_str_equal (action_name, "members.revoke"))
    {
      if (credential != 0)
        ask_revoke (self, credential, g_variant_get_int64 (parameter));
    }
  else if (g_str_equal (action_name, "members.undo-revoke"))
    {
      gint64 user;
      g_autofree char *reason = NULL;

      /* The toast names the credential: the window may show another one now. */
      g_variant_get (parameter, "(xxs)", &credential, &user, &reason);
      send_grant (self, CHANGE_REVOKE_UNDO, credential, user, reason);
    }
}

/* ---- the window ----------------------------------------------------------------- */

static void
quorum_members_window_dispose (GObject *object)
{
  QuorumMembersWindow *self = QUORUM_MEMBERS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->undo_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
  self->undo_toast = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_MEMBERS_WINDOW);
  self->toast_overlay = NULL;
  g_clear_object (&self->session);
  G_OBJECT_CLASS (quorum_members_window_parent_class)->dispose (object);
}

static void
quorum_members_window_finalize (GObject *object)
{
  QuorumMembersWindow *self = QUORUM_MEMBERS_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->members, json_array_unref);
  g_clear_pointer (&self->credentials, json_array_unref);
  g_clear_pointer (&self->grants, json_array_unref);
  g_free (self->my_role);
  g_array_unref (self->candidates);
  G_OBJECT_CLASS (quorum_members_window_parent_class)->finalize (object);
}

static void
quorum_members_window_class_init (QuorumMembersWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_members_window_dispose;
  object_class->finalize = quorum_members_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-members-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, add_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, add_entry);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, add_role_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, add_error);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, members_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, members_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, credential_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, credential_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, holders_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, holders_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, grant_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, grant_member_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, grant_reason_entry);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, revoked_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, revoked_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, create_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, credential_name_entry);
  gtk_widget_class_bind_template_child (widget_class, QuorumMembersWindow, credential_description_entry);

  gtk_widget_class_install_action (widget_class, "members.refresh", NULL, members_action);
  gtk_widget_class_install_action (widget_class, "members.add", NULL, members_action);
  gtk_widget_class_install_action (widget_class, "members.remove", "x", members_action);
  gtk_widget_class_install_action (widget_class, "members.undo-remove", "(xs)", members_action);
  gtk_widget_class_install_action (widget_class, "members.create-credential", NULL, members_action);
  gtk_widget_class_install_action (widget_class, "members.grant", NULL, members_action);
  gtk_widget_class_install_action (widget_class, "members.revoke", "x", members_action);
  gtk_widget_class_install_action (widget_class, "members.undo-revoke", "(xxs)", members_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "members.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "members.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_members_window_init (QuorumMembersWindow *self)
{
  g_autoptr(GListModel) roles = role_model ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->candidates = g_array_new (FALSE, FALSE, sizeof (gint64));
  adw_combo_row_set_model (self->add_role_row, roles);
  adw_combo_row_set_selected (self->add_role_row, DEFAULT_ROLE);
  g_signal_connect_swapped (self->add_entry, "entry-activated", G_CALLBACK (add_member), self);
  g_signal_connect_swapped (self->credential_row, "notify::selected", G_CALLBACK (on_credential_selected), self);
  g_signal_connect_swapped (self->grant_member_row, "notify::selected", G_CALLBACK (update_actions), self);
  update_actions (self);
}

QuorumMembersWindow *
quorum_members_window_new (QuorumWindow *window,
                           gint64        project,
                           const char   *project_name)
{
  QuorumMembersWindow *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_MEMBERS_WINDOW, "transient-for", window, NULL);
  self->session = g_object_ref (quorum_window_get_session (window));
  self->project_id = project;
  adw_view_switcher_title_set_subtitle (self->switcher_title, project_name);
  quorum_members_window_refresh (self);
  return self;
}
