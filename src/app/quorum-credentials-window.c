/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-credentials-window.h"
#include "quorum-error.h"

/* The name of the cached GET /users/{me}/credentials reply. */
#define CREDENTIALS_DOCUMENT "credentials"

struct _QuorumCredentialsWindow
{
  AdwWindow             parent_instance;

  /* the template */
  GtkStack             *stack;
  AdwStatusPage        *error_page;
  GtkLabel             *offline_label;
  AdwPreferencesGroup  *group;

  GtkWindow            *parent;    /* weak */
  QuorumSession        *session;
  GCancellable         *cancellable;
  gboolean              loaded;
  QuorumSyncState       sync_state;
  GPtrArray            *rows;
};

G_DEFINE_FINAL_TYPE (QuorumCredentialsWindow, quorum_credentials_window, ADW_TYPE_WINDOW)

static void
show_credentials (QuorumCredentialsWindow *self,
                  JsonNode                *credentials,
                  gboolean                 offline)
{
  JsonArray *array = json_node_get_array (credentials);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_label), offline);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *credential;
      const char *issuer;
      g_autoptr(GDateTime) granted = NULL;
      g_autofree char *date = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      credential = json_node_get_object (node);
      issuer = json_object_get_string_member_with_default (credential, "project_name", NULL);
      if (issuer == NULL)
        issuer = json_object_get_string_member_with_default (credential, "org_name", NULL);
      granted = g_date_time_new_from_unix_local (json_object_get_int_member_with_default (credential, "granted", 0));
      /* Translators: the date a credential was granted, see g_date_time_format() */
      date = granted != NULL ? g_date_time_format (granted, _("%-d %B %Y")) : g_strdup ("");
      /* Translators: a credential's issuer and date, "Issued by Street scenes · 4 December 2026" */
      subtitle = g_strdup_printf (_("Issued by %s · %s"), issuer != NULL ? issuer : _("an unknown issuer"), date);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (credential, "name", ""));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("application-certificate-symbolic"));
      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_stack_set_visible_child_name (self->stack, self->rows->len > 0 ? "list" : "empty");
}

static gboolean
show_cached (QuorumCredentialsWindow *self,
             gboolean                 offline)
{
  g_autoptr(JsonNode) cached = quorum_cache_get_document (quorum_session_get_cache (self->session),
                                                          CREDENTIALS_DOCUMENT, NULL, NULL);

  if (cached == NULL || !JSON_NODE_HOLDS_ARRAY (cached))
    return FALSE;
  show_credentials (self, cached, offline);
  return TRUE;
}

static void
show_error (QuorumCredentialsWindow *self,
            GError                  *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE) && show_cached (self, TRUE))
    return;
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
got_credentials (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QuorumCredentialsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) credentials = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autoptr(GError) cache_error = NULL;

  if (credentials != NULL && !JSON_NODE_HOLDS_ARRAY (credentials))
    g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, _("The server’s list of credentials is not a list."));
  if (error != NULL)
    {
      show_error (self, error);
      return;
    }
  if (!quorum_cache_store_document (quorum_session_get_cache (self->session), CREDENTIALS_DOCUMENT, credentials,
                                    &cache_error))
    g_warning ("The credentials could not be kept on this computer: %s", cache_error->message);
  self->loaded = TRUE;
  show_credentials (self, credentials, FALSE);
}

/* The session knows the user's name, not their id: GET /me tells it. */
static void
got_me (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(QuorumCredentialsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autofree char *path = NULL;
  gint64 id;

  if (me == NULL)
    {
      show_error (self, error);
      return;
    }
  id = JSON_NODE_HOLDS_OBJECT (me) ? json_object_get_int_member_with_default (json_node_get_object (me), "id", 0) : 0;
  if (id <= 0)
    {
      g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, _("The server did not say who you are."));
      show_error (self, error);
      return;
    }
  path = g_strdup_printf ("/users/%" G_GINT64_FORMAT "/credentials", id);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL, self->cancellable,
                            got_credentials, g_object_ref (self));
}

void
quorum_credentials_window_refresh (QuorumCredentialsWindow *self)
{
  g_return_if_fail (QUORUM_IS_CREDENTIALS_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", "/me", NULL, self->cancellable,
                            got_me, g_object_ref (self));
}

static void
on_sync_state (QuorumCredentialsWindow *self,
               GParamSpec              *pspec,
               QuorumSync              *sync)
{
  QuorumSyncState state = quorum_sync_get_state (sync);

  if (state == QUORUM_SYNC_SYNCED && self->sync_state != QUORUM_SYNC_SYNCED)
    quorum_credentials_window_refresh (self);
  self->sync_state = state;
}

static void
credentials_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  QuorumCredentialsWindow *self = QUORUM_CREDENTIALS_WINDOW (widget);

  if (g_str_equal (action_name, "credentials.refresh"))
    quorum_credentials_window_refresh (self);
  else if (self->parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->parent), "win.exams", NULL);
}

gboolean
quorum_credentials_window_is_loaded (QuorumCredentialsWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIALS_WINDOW (self), FALSE);
  return self->loaded;
}

guint
quorum_credentials_window_get_n_credentials (QuorumCredentialsWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIALS_WINDOW (self), 0);
  return self->rows->len;
}

const char *
quorum_credentials_window_get_title (QuorumCredentialsWindow *self,
                                     guint                    position)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIALS_WINDOW (self), NULL);
  g_return_val_if_fail (position < self->rows->len, NULL);
  return adw_preferences_row_get_title (g_ptr_array_index (self->rows, position));
}

const char *
quorum_credentials_window_get_subtitle (QuorumCredentialsWindow *self,
                                        guint                    position)
{
  g_return_val_if_fail (QUORUM_IS_CREDENTIALS_WINDOW (self), NULL);
  g_return_val_if_fail (position < self->rows->len, NULL);
  return adw_action_row_get_subtitle (g_ptr_array_index (self->rows, position));
}

static void
quorum_credentials_window_dispose (GObject *object)
{
  QuorumCredentialsWindow *self = QUORUM_CREDENTIALS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (quorum_session_get_sync (self->session), self);
  g_clear_weak_pointer (&self->parent);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_CREDENTIALS_WINDOW);
  G_OBJECT_CLASS (quorum_credentials_window_parent_class)->dispose (object);
}

static void
quorum_credentials_window_finalize (GObject *object)
{
  QuorumCredentialsWindow *self = QUORUM_CREDENTIALS_WINDOW (object);

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (quorum_credentials_window_parent_class)->finalize (object);
}

static void
quorum_credentials_window_class_init (QuorumCredentialsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_credentials_window_dispose;
  object_class->finalize = quorum_credentials_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-credentials-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialsWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumCredentialsWindow, group);

  gtk_widget_class_install_action (widget_class, "credentials.refresh", NULL, credentials_action);
  gtk_widget_class_install_action (widget_class, "credentials.exams", NULL, credentials_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "credentials.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "credentials.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_credentials_window_init (QuorumCredentialsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
}

QuorumCredentialsWindow *
quorum_credentials_window_new (GtkWindow     *parent,
                               QuorumSession *session)
{
  QuorumCredentialsWindow *self;
  QuorumSync *sync;

  g_return_val_if_fail (QUORUM_IS_SESSION (session), NULL);

  self = g_object_new (QUORUM_TYPE_CREDENTIALS_WINDOW, "transient-for", parent, NULL);
  g_set_weak_pointer (&self->parent, parent);
  self->session = g_object_ref (session);
  sync = quorum_session_get_sync (session);
  self->sync_state = quorum_sync_get_state (sync);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (on_sync_state), self, G_CONNECT_SWAPPED);
  if (!show_cached (self, FALSE))
    gtk_stack_set_visible_child_name (self->stack, "loading");
  quorum_credentials_window_refresh (self);
  return self;
}
