/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-sync-indicator.h"

struct _QuorumSyncIndicator
{
  GtkWidget      parent_instance;

  GtkMenuButton *button;
  GtkLabel      *title_label;
  GtkLabel      *detail_label;

  QuorumSync    *sync;
  gulong         state_id;
  gulong         pending_id;
  char          *summary;
};

G_DEFINE_FINAL_TYPE (QuorumSyncIndicator, quorum_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (QuorumSyncIndicator *self)
{
  QuorumSyncState state = self->sync != NULL ? quorum_sync_get_state (self->sync) : QUORUM_SYNC_SYNCED;
  guint pending = self->sync != NULL ? quorum_sync_get_pending (self->sync) : 0;
  const char *icon = "emblem-ok-symbolic";
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  switch (state)
    {
    case QUORUM_SYNC_SYNCED:
      title = g_strdup (_("All work is on the server"));
      detail = g_strdup (_("Every edit is saved here first and sent right away."));
      break;
    case QUORUM_SYNC_PENDING:
      icon = "emblem-synchronizing-symbolic";
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sending %u change", "Sending %u changes",
                                            pending), pending);
      detail = g_strdup (_("Your edits are saved on this computer and on their way to the server."));
      break;
    case QUORUM_SYNC_OFFLINE:
      icon = "network-offline-symbolic";
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Offline — %u change waits",
                                            "Offline — %u changes wait", pending), pending);
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The server does not answer. Your work is safe on this computer; trying again in %u second.",
                                             "The server does not answer. Your work is safe on this computer; trying again in %u seconds.",
                                             quorum_sync_get_retry_delay (self->sync)),
                                quorum_sync_get_retry_delay (self->sync));
      break;
    case QUORUM_SYNC_CONFLICT:
      icon = "dialog-warning-symbolic";
      title = g_strdup (_("A task changed on the server"));
      detail = g_strdup (_("Choose which version to keep; both are kept on this computer."));
      break;
    case QUORUM_SYNC_SIGNED_OUT:
      icon = "dialog-password-symbolic";
      title = g_strdup (_("Signed out"));
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Sign in again to send %u change. Nothing is lost meanwhile.",
                                             "Sign in again to send %u changes. Nothing is lost meanwhile.",
                                             pending), pending);
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_menu_button_set_icon_name (self->button, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), title);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->detail_label, detail);
  g_free (self->summary);
  self->summary = g_steal_pointer (&title);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "indicator.retry",
                                 self->sync != NULL && state != QUORUM_SYNC_SYNCED &&
                                 state != QUORUM_SYNC_SIGNED_OUT);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  QuorumSyncIndicator *self = QUORUM_SYNC_INDICATOR (widget);

  if (self->sync != NULL)
    quorum_sync_retry_now (self->sync);
  gtk_menu_button_popdown (self->button);
}

QuorumSync *
quorum_sync_indicator_get_sync (QuorumSyncIndicator *self)
{
  g_return_val_if_fail (QUORUM_IS_SYNC_INDICATOR (self), NULL);
  return self->sync;
}

void
quorum_sync_indicator_set_sync (QuorumSyncIndicator *self,
                                QuorumSync          *sync)
{
  g_return_if_fail (QUORUM_IS_SYNC_INDICATOR (self));
  g_return_if_fail (sync == NULL || QUORUM_IS_SYNC (sync));

  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    {
      g_clear_signal_handler (&self->state_id, self->sync);
      g_clear_signal_handler (&self->pending_id, self->sync);
    }
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    {
      self->state_id = g_signal_connect_swapped (sync, "notify::state", G_CALLBACK (update), self);
      self->pending_id = g_signal_connect_swapped (sync, "notify::pending", G_CALLBACK (update), self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

const char *
quorum_sync_indicator_get_summary (QuorumSyncIndicator *self)
{
  g_return_val_if_fail (QUORUM_IS_SYNC_INDICATOR (self), NULL);
  return self->summary;
}

static void
quorum_sync_indicator_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  QuorumSyncIndicator *self = QUORUM_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_sync_indicator_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  QuorumSyncIndicator *self = QUORUM_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      quorum_sync_indicator_set_sync (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_sync_indicator_dispose (GObject *object)
{
  QuorumSyncIndicator *self = QUORUM_SYNC_INDICATOR (object);

  quorum_sync_indicator_set_sync (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_SYNC_INDICATOR);
  G_OBJECT_CLASS (quorum_sync_indicator_parent_class)->dispose (object);
}

static void
quorum_sync_indicator_finalize (GObject *object)
{
  QuorumSyncIndicator *self = QUORUM_SYNC_INDICATOR (object);

  g_free (self->summary);
  G_OBJECT_CLASS (quorum_sync_indicator_parent_class)->finalize (object);
}

static void
quorum_sync_indicator_class_init (QuorumSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_sync_indicator_dispose;
  object_class->finalize = quorum_sync_indicator_finalize;
  object_class->get_property = quorum_sync_indicator_get_property;
  object_class->set_property = quorum_sync_indicator_set_property;

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, QUORUM_TYPE_SYNC,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, QuorumSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumSyncIndicator, detail_label);
  gtk_widget_class_install_action (widget_class, "indicator.retry", NULL, retry_action);
}

static void
quorum_sync_indicator_init (QuorumSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
quorum_sync_indicator_new (void)
{
  return g_object_new (QUORUM_TYPE_SYNC_INDICATOR, NULL);
}
