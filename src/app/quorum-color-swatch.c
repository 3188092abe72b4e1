/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include "quorum-color-swatch.h"

#define SWATCH_SIZE 14

/* A label's colour as a small rounded square, the way the canvas draws it. */
struct _QuorumColorSwatch
{
  GtkWidget  parent_instance;

  char      *color;
  GdkRGBA    rgba;
};

G_DEFINE_FINAL_TYPE (QuorumColorSwatch, quorum_color_swatch, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COLOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
quorum_color_swatch_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  QuorumColorSwatch *self = QUORUM_COLOR_SWATCH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRoundedRect outline;
  GdkRGBA border = { 0, 0, 0, 0.25 };
  float border_widths[4] = { 1, 1, 1, 1 };
  GdkRGBA border_colors[4] = { border, border, border, border };

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), 3);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &self->rgba, &outline.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &outline, border_widths, border_colors);
}

static void
quorum_color_swatch_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  *minimum = *natural = SWATCH_SIZE;
}

const char *
quorum_color_swatch_get_color (QuorumColorSwatch *self)
{
  g_return_val_if_fail (QUORUM_IS_COLOR_SWATCH (self), NULL);
  return self->color;
}

/* @color: anything gdk_rgba_parse() reads; grey when it reads nothing */
void
quorum_color_swatch_set_color (QuorumColorSwatch *self,
                               const char        *color)
{
  g_return_if_fail (QUORUM_IS_COLOR_SWATCH (self));
  if (g_strcmp0 (self->color, color) == 0)
    return;
  g_free (self->color);
  self->color = g_strdup (color);
  if (color == NULL || !gdk_rgba_parse (&self->rgba, color))
    self->rgba = (GdkRGBA) { 0.5, 0.5, 0.5, 1 };
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
}

static void
quorum_color_swatch_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  QuorumColorSwatch *self = QUORUM_COLOR_SWATCH (object);

  switch (prop_id)
    {
    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_color_swatch_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  QuorumColorSwatch *self = QUORUM_COLOR_SWATCH (object);

  switch (prop_id)
    {
    case PROP_COLOR:
      quorum_color_swatch_set_color (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_color_swatch_finalize (GObject *object)
{
  QuorumColorSwatch *self = QUORUM_COLOR_SWATCH (object);

  g_free (self->color);
  G_OBJECT_CLASS (quorum_color_swatch_parent_class)->finalize (object);
}

static void
quorum_color_swatch_class_init (QuorumColorSwatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = quorum_color_swatch_get_property;
  object_class->set_property = quorum_color_swatch_set_property;
  object_class->finalize = quorum_color_swatch_finalize;
  widget_class->snapshot = quorum_color_swatch_snapshot;
  widget_class->measure = quorum_color_swatch_measure;

  properties[PROP_COLOR] =
    g_param_spec_string ("color", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "swatch");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
quorum_color_swatch_init (QuorumColorSwatch *self)
{
  self->rgba = (GdkRGBA) { 0.5, 0.5, 0.5, 1 };
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

GtkWidget *
quorum_color_swatch_new (const char *color)
{
  return g_object_new (QUORUM_TYPE_COLOR_SWATCH, "color", color, NULL);
}
