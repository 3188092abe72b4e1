/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-server-address.h"
#include "quorum-window.h"

struct _QuorumWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwStatusPage        *start_page;
  AdwEntryRow          *server_row;
  AdwEntryRow          *user_row;
  AdwPasswordEntryRow  *password_row;
  GtkButton            *sign_in_button;
};

G_DEFINE_FINAL_TYPE (QuorumWindow, quorum_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
form_is_filled (QuorumWindow *self)
{
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  return *server != '\0' && *user != '\0' && *password != '\0';
}

static void
on_row_changed (QuorumWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-in", form_is_filled (self));
}

static void
on_row_activated (QuorumWindow *self)
{
  if (form_is_filled (self))
    quorum_window_sign_in (self);
}

static void
show_toast (QuorumWindow *self,
            const char   *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/**
 * quorum_window_sign_in:
 *
 * Checks the start page's address and remembers the server and user. The
 * request to the server itself (POST /api/v1/login through libquorum-client)
 * belongs here once the server can answer it; until then the user is told
 * plainly that signing in is not available.
 */
void
quorum_window_sign_in (QuorumWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  if (!form_is_filled (self))
    return;
  address = quorum_server_address_normalize (gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                             &error);
  if (address == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("This is not a server address: %s"),
                                                  error->message);

      gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
      show_toast (self, message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), address);
  g_settings_set_string (self->settings, "last-server", address);
  g_settings_set_string (self->settings, "last-user",
                         gtk_editable_get_text (GTK_EDITABLE (self->user_row)));
  show_toast (self, _("Signing in is not available in this version yet"));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  quorum_window_sign_in (QUORUM_WINDOW (widget));
}

static gboolean
quorum_window_close_request (GtkWindow *window)
{
  QuorumWindow *self = QUORUM_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
  return GTK_WINDOW_CLASS (quorum_window_parent_class)->close_request (window);
}

static void
quorum_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_WINDOW);
  G_OBJECT_CLASS (quorum_window_parent_class)->dispose (object);
}

static void
quorum_window_finalize (GObject *object)
{
  QuorumWindow *self = QUORUM_WINDOW (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (quorum_window_parent_class)->finalize (object);
}

static void
quorum_window_class_init (QuorumWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = quorum_window_dispose;
  object_class->finalize = quorum_window_finalize;
  window_class->close_request = quorum_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_window_init (QuorumWindow *self)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  server = g_settings_get_string (self->settings, "last-server");
  user = g_settings_get_string (self->settings, "last-user");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  on_row_changed (self);
}

QuorumWindow *
quorum_window_new (QuorumApplication *application)
{
  return g_object_new (QUORUM_TYPE_WINDOW, "application", application, NULL);
}

/* Offers @address on the start page, as `quorum --server` and `make run` do. */
void
quorum_window_set_server (QuorumWindow *self,
                          const char   *address)
{
  g_return_if_fail (QUORUM_IS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), address);
}
