/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "quorum-canvas-pins.h"
#include "quorum-canvas-private.h"

#define PINS_KEY "quorum-canvas-pins"
#define HEAD     11.0   /* the pin's head radius, in widget pixels */
#define STEM     16.0   /* from the head's centre down to the point */

typedef struct {
  double x;
  double y;
  guint  number;
} Pin;

typedef struct {
  GArray *pins;         /* of Pin */
  int     highlighted;
} Pins;

static void
pins_free (Pins *pins)
{
  g_array_unref (pins->pins);
  g_free (pins);
}

/* Kept on the canvas itself, so that its own structure need not know them. */
static Pins *
pins_of (QuorumCanvas *self,
         gboolean      create)
{
  Pins *pins = g_object_get_data (G_OBJECT (self), PINS_KEY);

  if (pins == NULL && create)
    {
      pins = g_new0 (Pins, 1);
      pins->pins = g_array_new (FALSE, FALSE, sizeof (Pin));
      pins->highlighted = -1;
      g_object_set_data_full (G_OBJECT (self), PINS_KEY, pins, (GDestroyNotify) pins_free);
    }
  return pins;
}

guint
quorum_canvas_add_pin (QuorumCanvas *self,
                       double        x,
                       double        y,
                       guint         number)
{
  Pins *pins;
  Pin pin = { x, y, number };

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  pins = pins_of (self, TRUE);
  g_array_append_val (pins->pins, pin);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return pins->pins->len - 1;
}

void
quorum_canvas_clear_pins (QuorumCanvas *self)
{
  g_return_if_fail (QUORUM_IS_CANVAS (self));
  if (pins_of (self, FALSE) == NULL)
    return;
  g_object_set_data (G_OBJECT (self), PINS_KEY, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
quorum_canvas_get_n_pins (QuorumCanvas *self)
{
  Pins *pins;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), 0);
  pins = pins_of (self, FALSE);
  return pins != NULL ? pins->pins->len : 0;
}

gboolean
quorum_canvas_get_pin (QuorumCanvas *self,
                       guint         index,
                       double       *x,
                       double       *y)
{
  Pins *pins;
  Pin *pin;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), FALSE);
  pins = pins_of (self, FALSE);
  if (pins == NULL || index >= pins->pins->len)
    return FALSE;
  pin = &g_array_index (pins->pins, Pin, index);
  *x = pin->x;
  *y = pin->y;
  return TRUE;
}

int
quorum_canvas_get_highlighted_pin (QuorumCanvas *self)
{
  Pins *pins;

  g_return_val_if_fail (QUORUM_IS_CANVAS (self), -1);
  pins = pins_of (self, FALSE);
  return pins != NULL ? pins->highlighted : -1;
}

void
quorum_canvas_highlight_pin (QuorumCanvas *self,
                             int           index)
{
  Pins *pins;
  Pin *pin;
  double x, y;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  pins = pins_of (self, FALSE);
  if (pins == NULL || index < 0 || (guint) index >= pins->pins->len)
    index = -1;
  if (pins != NULL)
    pins->highlighted = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (index < 0)
    return;
  /* Centre the view on it: a pan by what lies between it and the middle. */
  pin = &g_array_index (pins->pins, Pin, index);
  quorum_canvas_image_to_widget (self, pin->x, pin->y, &x, &y);
  _quorum_canvas_scroll (self, x - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                         y - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0, GDK_SCROLL_UNIT_SURFACE, 0);
}

static void
draw_pin (cairo_t    *cr,
          GtkWidget  *widget,
          double      x,
          double      y,
          guint       number,
          gboolean    highlighted)
{
  double scale = highlighted ? 1.3 : 1.0;
  double head = HEAD * scale, stem = STEM * scale;
  g_autofree char *text = g_strdup_printf ("%u", number);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  /* A teardrop: its tip on the point, its head above with the number. */
  double spread = acos (head / stem);  /* where the sides leave the head */

  cairo_new_path (cr);
  cairo_move_to (cr, x, y);
  cairo_arc (cr, x, y - stem, head, M_PI / 2 + spread, M_PI / 2 - spread + 2 * M_PI);
  cairo_close_path (cr);
  if (highlighted)
    cairo_set_source_rgb (cr, 0.89, 0.11, 0.14);   /* red 3 */
  else
    cairo_set_source_rgb (cr, 0.90, 0.38, 0.0);    /* orange 5 */
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
  cairo_set_line_width (cr, highlighted ? 3 : 2);
  cairo_stroke (cr);
  if (highlighted)
    {
      /* A ring round the point, to find it at a glance. */
      cairo_arc (cr, x, y, head * 1.6, 0, 2 * M_PI);
      cairo_set_source_rgba (cr, 0.89, 0.11, 0.14, 0.8);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x - w / 2.0, y - stem - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

void
_quorum_canvas_snapshot_pins (QuorumCanvas *self,
                              GtkSnapshot  *snapshot,
                              int           width,
                              int           height)
{
  Pins *pins = pins_of (self, FALSE);
  cairo_t *cr;

  if (pins == NULL || pins->pins->len == 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The highlighted one last: on top of any it overlaps. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < pins->pins->len; i++)
      {
        Pin *pin = &g_array_index (pins->pins, Pin, i);
        gboolean highlighted = (int) i == pins->highlighted;
        double x, y;

        if (highlighted != (pass == 1))
          continue;
        quorum_canvas_image_to_widget (self, pin->x, pin->y, &x, &y);
        if (x < -2 * HEAD || y < -2 * HEAD || x > width + 2 * HEAD || y > height + STEM + 2 * HEAD)
          continue;
        draw_pin (cr, GTK_WIDGET (self), x, y, pin->number, highlighted);
      }
  cairo_destroy (cr);
}

static void
on_pinned_row_activated (AdwActionRow *row,
                         QuorumCanvas *canvas)
{
  quorum_canvas_highlight_pin (canvas, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "quorum-pin")) - 1);
}

void
quorum_canvas_pin_comments (QuorumCanvas *self,
                            JsonArray    *comments,
                            GPtrArray    *rows)
{
  guint n;

  g_return_if_fail (QUORUM_IS_CANVAS (self));
  quorum_canvas_clear_pins (self);
  if (comments == NULL)
    return;
  n = json_array_get_length (comments);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_object_get_member (json_array_get_object_element (comments, i), "pin");
      JsonObject *pin = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      GtkWidget *row;
      guint index;

      if (pin == NULL || !json_object_has_member (pin, "x") || !json_object_has_member (pin, "y"))
        continue;
      index = quorum_canvas_add_pin (self, json_object_get_double_member (pin, "x"),
                                     json_object_get_double_member (pin, "y"), i + 1);
      /* The rows of these comments, the last n the panel listed. */
      if (rows == NULL || rows->len < n)
        continue;
      row = g_ptr_array_index (rows, rows->len - n + i);
      g_object_set_data (G_OBJECT (row), "quorum-pin", GINT_TO_POINTER (index + 1));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_pinned_row_activated), self, 0);
      /* TRANSLATORS: the number of the pin a comment is drawn as on the image */
      {
        g_autofree char *badge = g_strdup_printf (_("Pin %u"), i + 1);
        GtkWidget *label = gtk_label_new (badge);

        gtk_widget_add_css_class (label, "dim-label");
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      }
    }
}
