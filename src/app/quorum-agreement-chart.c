/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-agreement-chart.h"
#include "quorum-stats-item.h"

#define MARGIN     12.0
#define NAME_WIDTH 120.0
#define LEGEND     28.0
#define BAR        12.0
#define ROW        (2 * BAR + 14.0)

struct _QuorumAgreementChart
{
  GtkDrawingArea  parent_instance;

  GListModel     *model;
};

G_DEFINE_FINAL_TYPE (QuorumAgreementChart, quorum_agreement_chart, GTK_TYPE_DRAWING_AREA)

/* The two series, in the colours of the GNOME palette (blue 3, green 4). */
static const struct {
  const char *member;
  const char *label;
  double      rgb[3];
} series[] = {
  { "agreement_with_others", N_("With the others"), { 0.21, 0.52, 0.89 } },
  { "agreement_with_truth", N_("With the ground truth"), { 0.18, 0.76, 0.49 } },
};

static void
show_text (cairo_t    *cr,
           GtkWidget  *widget,
           const char *text,
           double      x,
           double      y,
           double      width,
           PangoAlignment alignment)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
draw (GtkDrawingArea *area,
      cairo_t        *cr,
      int             width,
      int             height,
      gpointer        user_data)
{
  QuorumAgreementChart *self = QUORUM_AGREEMENT_CHART (area);
  GtkWidget *widget = GTK_WIDGET (area);
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  /* Bars wider than this read no better, and the eye travels. */
  double left = MARGIN + NAME_WIDTH + 8, right = MIN (width - MARGIN - 36, left + 640);
  double span = MAX (right - left, 1), top = MARGIN + LEGEND, bottom = top + n * ROW;
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* The legend. */
  for (guint s = 0; s < G_N_ELEMENTS (series); s++)
    {
      double x = left + s * span / 2;

      cairo_set_source_rgb (cr, series[s].rgb[0], series[s].rgb[1], series[s].rgb[2]);
      cairo_rectangle (cr, x, MARGIN + 4, BAR, BAR);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, widget, _(series[s].label), x + BAR + 6, MARGIN + 4 + BAR / 2, span / 2 - BAR - 10, PANGO_ALIGN_LEFT);
    }

  /* The scale: 0, 0.25 … 1. */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i <= 4; i++)
    {
      double x = floor (left + span * i / 4) + 0.5;
      g_autofree char *tick = g_strdup_printf ("%.2g", i / 4.0);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, i == 0 ? 0.5 : 0.15);
      cairo_move_to (cr, x, top - 4);
      cairo_line_to (cr, x, bottom);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      show_text (cr, widget, tick, x - 20, bottom + 10, 40, PANGO_ALIGN_CENTER);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (self->model, i);
      double y = top + i * ROW + 6;

      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (cr, widget, quorum_stats_item_get_name (item), MARGIN, y + BAR, NAME_WIDTH, PANGO_ALIGN_LEFT);
      for (guint s = 0; s < G_N_ELEMENTS (series); s++)
        {
          double value, by = y + s * BAR;
          g_autofree char *text = NULL;

          if (!quorum_stats_item_get_number (item, series[s].member, &value))
            {
              /* No data is not zero: say so instead of drawing a bar. */
              cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
              show_text (cr, widget, _("no data"), left + 4, by + BAR / 2, span, PANGO_ALIGN_LEFT);
              continue;
            }
          value = CLAMP (value, 0, 1);
          cairo_set_source_rgb (cr, series[s].rgb[0], series[s].rgb[1], series[s].rgb[2]);
          cairo_rectangle (cr, left, by + 1, MAX (span * value, 1), BAR - 2);
          cairo_fill (cr);
          gdk_cairo_set_source_rgba (cr, &fg);
          text = g_strdup_printf ("%.2f", value);
          show_text (cr, widget, text, left + span * value + 4, by + BAR / 2, 40, PANGO_ALIGN_LEFT);
        }
    }
}

/* What the bars show, in words, for a screen reader. */
static char *
describe (QuorumAgreementChart *self,
          guint                 n)
{
  GString *text = g_string_new (_("Agreement per annotator."));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (self->model, i);

      g_string_append_printf (text, " %s:", quorum_stats_item_get_name (item));
      for (guint s = 0; s < G_N_ELEMENTS (series); s++)
        {
          double value;

          if (quorum_stats_item_get_number (item, series[s].member, &value))
            g_string_append_printf (text, " %s %.2f%s", _(series[s].label), value, s == 0 ? "," : ".");
          else
            g_string_append_printf (text, " %s %s%s", _(series[s].label), _("no data"), s == 0 ? "," : ".");
        }
    }
  return g_string_free (text, FALSE);
}

static void
update (QuorumAgreementChart *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  g_autofree char *description = describe (self, n);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), (int) (2 * MARGIN + LEGEND + n * ROW + 24));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
quorum_agreement_chart_set_model (QuorumAgreementChart *self,
                                  GListModel           *model)
{
  g_return_if_fail (QUORUM_IS_AGREEMENT_CHART (self));

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_swapped (model, "items-changed", G_CALLBACK (update), self);
  update (self);
}

static void
quorum_agreement_chart_dispose (GObject *object)
{
  QuorumAgreementChart *self = QUORUM_AGREEMENT_CHART (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (quorum_agreement_chart_parent_class)->dispose (object);
}

static void
quorum_agreement_chart_class_init (QuorumAgreementChartClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = quorum_agreement_chart_dispose;
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
}

static void
quorum_agreement_chart_init (QuorumAgreementChart *self)
{
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self), 300);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Agreement per annotator; the table holds the same figures"), -1);
  update (self);
}

GtkWidget *
quorum_agreement_chart_new (void)
{
  return g_object_new (QUORUM_TYPE_AGREEMENT_CHART, NULL);
}
