/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-preferences-window.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)

/* The settings of org.quorum.Quorum a user may change; every row writes its
 * key as soon as it changes, the GNOME way. */
struct _QuorumPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwComboRow          *default_tool_row;
  GtkAdjustment        *fill_opacity;
  GtkScale             *fill_opacity_scale;
  GtkAdjustment        *autosave_interval;
  GtkAdjustment        *cache_size;
  GtkAdjustment        *video_frame_cache;
};

G_DEFINE_FINAL_TYPE (QuorumPreferencesWindow, quorum_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* In the order of the enum org.quorum.Quorum.Tool and of the combo row. */
static const char * const tool_nicks[] = { "select", "box", "polygon", "polyline", "point", "tag" };

static gboolean
tool_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tool_nicks); i++)
    if (g_strcmp0 (tool_nicks[i], nick) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
tool_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  return index < G_N_ELEMENTS (tool_nicks) ? g_variant_new_string (tool_nicks[index]) : NULL;
}

static gboolean
mib_get_mapping (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  g_value_set_double (value, (double) (g_variant_get_uint64 (variant) / MIB));
  return TRUE;
}

static GVariant *
mib_set_mapping (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  return g_variant_new_uint64 ((guint64) g_value_get_double (value) * MIB);
}

static char *
format_percent (GtkScale *scale,
                double    value,
                gpointer  user_data)
{
  /* Translators: a fill opacity, e.g. 25 % */
  return g_strdup_printf (_("%.0f %%"), value * 100);
}

static void
quorum_preferences_window_dispose (GObject *object)
{
  QuorumPreferencesWindow *self = QUORUM_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (quorum_preferences_window_parent_class)->dispose (object);
}

static void
quorum_preferences_window_class_init (QuorumPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/quorum/Quorum/ui/quorum-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumPreferencesWindow, default_tool_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumPreferencesWindow, fill_opacity);
  gtk_widget_class_bind_template_child (widget_class, QuorumPreferencesWindow, autosave_interval);
  gtk_widget_class_bind_template_child (widget_class, QuorumPreferencesWindow, cache_size);
  gtk_widget_class_bind_template_child (widget_class, QuorumPreferencesWindow, video_frame_cache);
  gtk_widget_class_bind_template_child (widget_class, QuorumPreferencesWindow, fill_opacity_scale);
}

static void
quorum_preferences_window_init (QuorumPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_scale_set_format_value_func (self->fill_opacity_scale, format_percent, NULL, NULL);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "default-tool", self->default_tool_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, tool_get_mapping, tool_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "fill-opacity", self->fill_opacity, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "autosave-interval", self->autosave_interval, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "cache-size", self->cache_size, "value",
                                G_SETTINGS_BIND_DEFAULT, mib_get_mapping, mib_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "video-frame-cache", self->video_frame_cache, "value",
                                G_SETTINGS_BIND_DEFAULT, mib_get_mapping, mib_set_mapping,
                                NULL, NULL);
}

GtkWidget *
quorum_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (QUORUM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
