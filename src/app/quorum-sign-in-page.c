/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-server-address.h"
#include "quorum-sign-in-page.h"

struct _QuorumSignInPage
{
  GtkWidget            parent_instance;

  AdwStatusPage       *start_page;
  AdwEntryRow         *server_row;
  GtkMenuButton       *servers_button;
  AdwEntryRow         *user_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel            *sign_in_error;
  GtkButton           *sign_in_button;

  GSettings           *settings;
  GCancellable        *cancellable;
  gboolean             signing_in;
};

G_DEFINE_FINAL_TYPE (QuorumSignInPage, quorum_sign_in_page, GTK_TYPE_WIDGET)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
form_is_filled (QuorumSignInPage *self)
{
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  return *server != '\0' && *user != '\0' && *password != '\0';
}

static void
show_error (QuorumSignInPage *self,
            const char       *message)
{
  gtk_label_set_label (self->sign_in_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), message != NULL);
}

/* The first field left to fill takes the keyboard. */
static void
focus_form (QuorumSignInPage *self)
{
  GtkWidget *rows[] = { GTK_WIDGET (self->server_row), GTK_WIDGET (self->user_row),
                        GTK_WIDGET (self->password_row) };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (*gtk_editable_get_text (GTK_EDITABLE (rows[i])) == '\0' || i == G_N_ELEMENTS (rows) - 1)
      {
        gtk_widget_grab_focus (rows[i]);
        return;
      }
}

static void
on_row_changed (QuorumSignInPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  show_error (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.sign-in",
                                 form_is_filled (self) && !self->signing_in);
}

static void
on_row_activated (QuorumSignInPage *self)
{
  if (form_is_filled (self))
    quorum_sign_in_page_sign_in (self);
}

static void
set_signing_in (QuorumSignInPage *self,
                gboolean          signing_in)
{
  /* The rows stay sensitive (one has the focus); the action waits. */
  self->signing_in = signing_in;
  gtk_button_set_label (self->sign_in_button, signing_in ? _("Signing In…") : _("_Sign In"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.sign-in",
                                 form_is_filled (self) && !signing_in);
}

char *
quorum_sign_in_page_describe_error (const GError *error)
{
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    return g_strdup (_("The user name or the password is wrong."));
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE))
    return g_strdup_printf (_("The server cannot be reached: %s"), error->message);
  return g_strdup (error->message);
}

/* ---- the servers signed in to before ------------------------------------------ */

static gboolean
has_known_servers (QuorumSignInPage *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  /* known-servers only when the schema installed has it. */
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  return g_settings_schema_has_key (schema, "known-servers");
}

/* The server row's menu: every address signed in to before, newest first. */
static void
update_known_servers (QuorumSignInPage *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_auto(GStrv) known = NULL;

  if (has_known_servers (self))
    known = g_settings_get_strv (self->settings, "known-servers");
  for (guint i = 0; known != NULL && known[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (known[i], NULL);

      g_menu_item_set_action_and_target_value (item, "sign-in.use-server", g_variant_new_string (known[i]));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->servers_button, G_MENU_MODEL (menu));
  gtk_widget_set_visible (GTK_WIDGET (self->servers_button), known != NULL && known[0] != NULL);
}

void
quorum_sign_in_page_remember (QuorumSignInPage *self,
                              QuorumSession    *session)
{
  const char *server = quorum_session_get_server (session);

  g_return_if_fail (QUORUM_IS_SIGN_IN_PAGE (self));
  g_settings_set_string (self->settings, "last-server", server);
  g_settings_set_string (self->settings, "last-user", quorum_session_get_user (session));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (has_known_servers (self))
    {
      g_auto(GStrv) known = g_settings_get_strv (self->settings, "known-servers");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) updated = NULL;

      g_strv_builder_add (builder, server);
      for (guint i = 0; known[i] != NULL; i++)
        if (g_strcmp0 (known[i], server) != 0)
          g_strv_builder_add (builder, known[i]);
      updated = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "known-servers", (const char * const *) updated);
      update_known_servers (self);
    }
}

static void
use_server_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QuorumSignInPage *self = QUORUM_SIGN_IN_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), g_variant_get_string (parameter, NULL));
  gtk_widget_grab_focus (GTK_WIDGET (self->user_row));
}

/* ---- signing in ------------------------------------------------------------- */

static void
signed_in (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumSession) session = quorum_session_sign_in_finish (result, &error);

  /* Cancelled when the page went away: its widgets are gone too. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_signing_in (self, FALSE);
  if (session == NULL)
    {
      g_autofree char *message = NULL;

      message = quorum_sign_in_page_describe_error (error);
      show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  g_signal_emit (self, signals[SIGNED_IN], 0, session);
}

void
quorum_sign_in_page_sign_in (QuorumSignInPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  g_return_if_fail (QUORUM_IS_SIGN_IN_PAGE (self));
  if (!form_is_filled (self) || self->signing_in)
    return;
  address = quorum_server_address_normalize (gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                             &error);
  if (address == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("This is not a server address: %s"),
                                                  error->message);

      gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
      show_error (self, message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), address);
  g_settings_set_string (self->settings, "last-server", address);
  g_settings_set_string (self->settings, "last-user",
                         gtk_editable_get_text (GTK_EDITABLE (self->user_row)));
  set_signing_in (self, TRUE);
  quorum_session_sign_in_async (address, gtk_editable_get_text (GTK_EDITABLE (self->user_row)),
                                gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                self->cancellable, signed_in, g_object_ref (self));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  quorum_sign_in_page_sign_in (QUORUM_SIGN_IN_PAGE (widget));
}

static void
restored (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumSession) session = quorum_session_restore_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_signing_in (self, FALSE);
  if (session == NULL)
    {
      g_message ("Not signed in at once: %s", error->message);
      focus_form (self);
      return;
    }
  g_signal_emit (self, signals[SIGNED_IN], 0, session);
}

void
quorum_sign_in_page_restore (QuorumSignInPage *self,
                             const char       *server,
                             const char       *user,
                             gint64            next_job)
{
  g_autofree char *address = NULL;

  g_return_if_fail (QUORUM_IS_SIGN_IN_PAGE (self));
  address = quorum_server_address_normalize (server, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), address != NULL ? address : server);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  if (address == NULL)
    return;
  set_signing_in (self, TRUE);
  quorum_session_restore_async (address, user, next_job, self->cancellable, restored, g_object_ref (self));
}

void
quorum_sign_in_page_set_server (QuorumSignInPage *self,
                                const char       *address)
{
  g_return_if_fail (QUORUM_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), address);
  focus_form (self);
}

void
quorum_sign_in_page_reset (QuorumSignInPage *self,
                           const char       *server,
                           const char       *user)
{
  g_return_if_fail (QUORUM_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

/* ---- the widget ------------------------------------------------------------- */

static gboolean
quorum_sign_in_page_grab_focus (GtkWidget *widget)
{
  focus_form (QUORUM_SIGN_IN_PAGE (widget));
  return TRUE;
}

static void
quorum_sign_in_page_dispose (GObject *object)
{
  QuorumSignInPage *self = QUORUM_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_SIGN_IN_PAGE);
  G_OBJECT_CLASS (quorum_sign_in_page_parent_class)->dispose (object);
}

static void
quorum_sign_in_page_finalize (GObject *object)
{
  QuorumSignInPage *self = QUORUM_SIGN_IN_PAGE (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (quorum_sign_in_page_parent_class)->finalize (object);
}

static void
quorum_sign_in_page_class_init (QuorumSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_sign_in_page_dispose;
  object_class->finalize = quorum_sign_in_page_finalize;
  widget_class->grab_focus = quorum_sign_in_page_grab_focus;

  /**
   * QuorumSignInPage::signed-in:
   * @session: the new session
   */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, QUORUM_TYPE_SESSION);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumSignInPage, start_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumSignInPage, servers_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumSignInPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumSignInPage, sign_in_error);
  gtk_widget_class_bind_template_child (widget_class, QuorumSignInPage, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_install_action (widget_class, "sign-in.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "sign-in.use-server", "s", use_server_action);
}

static void
quorum_sign_in_page_init (QuorumSignInPage *self)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);

  server = g_settings_get_string (self->settings, "last-server");
  user = g_settings_get_string (self->settings, "last-user");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  update_known_servers (self);
  on_row_changed (self);
}
