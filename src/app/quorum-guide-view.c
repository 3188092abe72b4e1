/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-guide-view.h"

/* Widest an image or a rule is drawn, in pixels. */
#define MAX_FIGURE_WIDTH 560
#define MAX_TEXT_WIDTH   760
#define TABLE_COLUMN_SPACING 24

struct _QuorumGuideView
{
  GtkWidget                 parent_instance;

  GtkWidget                *scrolled_window;
  GtkTextView              *text_view;

  char                     *markdown;
  QuorumGuideImageResolver  resolver;
  gpointer                  resolver_data;
  GDestroyNotify            resolver_destroy;
  QuorumGuideLauncher       launcher;
  gpointer                  launcher_data;

  GPtrArray                *tables;  /* the tables (GtkGrid) and figures shown, fitted to the page */
  guint                     fit_source;
};

G_DEFINE_FINAL_TYPE (QuorumGuideView, quorum_guide_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MARKDOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  QuorumGuideView *view;
  char            *address;
} OpenRequest;

static void
open_request_free (gpointer data,
                   GClosure *closure)
{
  OpenRequest *request = data;

  g_object_unref (request->view);
  g_free (request->address);
  g_free (request);
}

static void
show_uri (GtkWindow  *parent,
          const char *address,
          gpointer    user_data)
{
  gtk_show_uri (parent, address, GDK_CURRENT_TIME);
}

static GtkWindow *
parent_window (QuorumGuideView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
on_open_response (AdwMessageDialog *dialog,
                  const char       *response,
                  OpenRequest      *request)
{
  QuorumGuideView *self = request->view;

  if (g_strcmp0 (response, "open") == 0)
    self->launcher (parent_window (self), request->address, self->launcher_data);
}

/**
 * quorum_guide_view_activate_link:
 * @address: the address of a link of the guide
 *
 * What clicking a link does: for an http or https address, asks the user
 * whether to open it and opens it only if they say so. Any other address is
 * never opened, and the user is not asked.
 */
void
quorum_guide_view_activate_link (QuorumGuideView *self,
                                 const char      *address)
{
  GtkWidget *dialog;
  OpenRequest *request;

  g_return_if_fail (QUORUM_IS_GUIDE_VIEW (self));

  if (!quorum_guide_link_is_openable (address))
    {
      g_debug ("Not opening %s: only http and https links open", address);
      return;
    }

  dialog = adw_message_dialog_new (parent_window (self), _("Open Link?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Open %s in your browser?"), address);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  request = g_new0 (OpenRequest, 1);
  request->view = g_object_ref (self);
  request->address = g_strdup (address);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_open_response),
                         request, open_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const QuorumGuideLink *
link_at (QuorumGuideView *self,
         double           x,
         double           y)
{
  GtkTextIter iter;
  int buffer_x, buffer_y;

  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &buffer_x, &buffer_y);
  if (!gtk_text_view_get_iter_at_location (self->text_view, &iter, buffer_x, buffer_y))
    return NULL;
  return quorum_guide_render_link_at (&iter);
}

static void
on_click_released (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   QuorumGuideView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  const QuorumGuideLink *link;

  /* A drag that selected text is not a click on a link. */
  if (n_press != 1 || gtk_text_buffer_get_has_selection (buffer))
    return;
  link = link_at (self, x, y);
  if (link != NULL)
    quorum_guide_view_activate_link (self, link->target);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           QuorumGuideView          *self)
{
  const QuorumGuideLink *link = link_at (self, x, y);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->text_view),
                                   link != NULL && !link->refused ? "pointer" : "text");
}

static gboolean
on_query_tooltip (GtkWidget       *widget,
                  int              x,
                  int              y,
                  gboolean         keyboard_mode,
                  GtkTooltip      *tooltip,
                  QuorumGuideView *self)
{
  const QuorumGuideLink *link;

  if (keyboard_mode)
    return FALSE;
  link = link_at (self, x, y);
  if (link == NULL)
    return FALSE;
  if (link->refused)
    {
      g_autofree char *text =
        /* Translators: the tooltip of a link of a guide that is never opened */
        g_strdup_printf (_("%s\nOnly web addresses (http and https) open from a guide"),
                         link->target);

      gtk_tooltip_set_text (tooltip, text);
    }
  else
    {
      gtk_tooltip_set_text (tooltip, link->target);
    }
  return TRUE;
}


static gboolean
has_tag (const GtkTextIter *iter,
         const char        *name)
{
  GtkTextTagTable *tags = gtk_text_buffer_get_tag_table (gtk_text_iter_get_buffer (iter));
  GtkTextTag *tag = gtk_text_tag_table_lookup (tags, name);

  return tag != NULL && gtk_text_iter_has_tag (iter, tag);
}

/* Pango markup for a cell of a table, styled as the buffer styles it. */
static char *
cell_markup (const GtkTextIter *start,
             const GtkTextIter *end)
{
  GString *markup = g_string_new (NULL);
  GtkTextIter iter = *start;

  while (gtk_text_iter_compare (&iter, end) < 0)
    {
      GtkTextIter next = iter;
      g_autofree char *text = NULL;
      g_autofree char *escaped = NULL;
      const QuorumGuideLink *link = quorum_guide_render_link_at (&iter);
      g_autoptr(GString) close = g_string_new (NULL);

      if (!gtk_text_iter_forward_to_tag_toggle (&next, NULL) || gtk_text_iter_compare (&next, end) > 0)
        next = *end;
      text = gtk_text_iter_get_text (&iter, &next);
      escaped = g_markup_escape_text (text, -1);

      if (link != NULL && !link->refused)
        {
          g_autofree char *href = g_markup_escape_text (link->target, -1);

          g_string_append_printf (markup, "<a href=\"%s\">", href);
          g_string_prepend (close, "</a>");
        }
      if (has_tag (&iter, QUORUM_GUIDE_TAG_STRONG) || has_tag (&iter, QUORUM_GUIDE_TAG_TABLE_HEADER))
        {
          g_string_append (markup, "<b>");
          g_string_prepend (close, "</b>");
        }
      if (has_tag (&iter, QUORUM_GUIDE_TAG_EMPHASIS) || has_tag (&iter, QUORUM_GUIDE_TAG_PLACEHOLDER))
        {
          g_string_append (markup, "<i>");
          g_string_prepend (close, "</i>");
        }
      if (has_tag (&iter, QUORUM_GUIDE_TAG_STRIKETHROUGH))
        {
          g_string_append (markup, "<s>");
          g_string_prepend (close, "</s>");
        }
      if (has_tag (&iter, QUORUM_GUIDE_TAG_CODE))
        {
          g_string_append (markup, "<span font_family=\"monospace\" size=\"92%\" "
                                   "bgcolor=\"#7f7f7f\" bgalpha=\"16%\">");
          g_string_prepend (close, "</span>");
        }
      g_string_append (markup, escaped);
      g_string_append (markup, close->str);
      iter = next;
    }
  return g_string_free (markup, FALSE);
}

static gboolean
on_cell_link (GtkLabel        *label,
              const char      *address,
              QuorumGuideView *self)
{
  quorum_guide_view_activate_link (self, address);
  return TRUE;  /* never GTK's own handling, which opens without asking */
}

/* The widest each column may be, in characters: narrow columns get what
 * they need, the others share the rest. */
static void
fit_table (QuorumGuideView *self,
           GtkWidget       *grid)
{
  GArray *lengths = g_object_get_data (G_OBJECT (grid), "quorum-guide-lengths");
  g_autoptr(GArray) widths = g_array_copy (lengths);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scrolled_window));
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self->text_view));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int available = (int) gtk_adjustment_get_page_size (adjustment);
  int char_width, budget, open = (int) widths->len;
  gboolean changed = TRUE;

  /* What GtkLabel counts a character as. */
  char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                    pango_font_metrics_get_approximate_digit_width (metrics));
  char_width = MAX (PANGO_PIXELS_CEIL (char_width), 1);
  pango_font_metrics_unref (metrics);
  if (available <= 0)
    available = MAX_TEXT_WIDTH;
  available = MIN (available, MAX_TEXT_WIDTH) - 48 - TABLE_COLUMN_SPACING * ((int) widths->len - 1)
              - GPOINTER_TO_INT (g_object_get_data (G_OBJECT (grid), "quorum-guide-indent"));
  budget = MAX (available / char_width, 8 * (int) widths->len);

  /* Columns that fit in an equal share keep their length. */
  for (guint c = 0; c < widths->len; c++)
    g_array_index (widths, int, c) = -g_array_index (widths, int, c);
  while (changed && open > 0)
    {
      int share = budget / open;

      changed = FALSE;
      for (guint c = 0; c < widths->len; c++)
        {
          int *width = &g_array_index (widths, int, c);

          if (*width < 0 && -*width <= share)
            {
              *width = -*width;
              budget -= *width;
              open--;
              changed = TRUE;
            }
        }
    }
  for (guint c = 0; c < widths->len; c++)
    {
      int width = g_array_index (widths, int, c);

      if (width < 0)
        width = MAX (budget / MAX (open, 1), 8);
      for (int r = 0; ; r++)
        {
          GtkWidget *label = gtk_grid_get_child_at (GTK_GRID (grid), c, r);

          if (label == NULL && r > 1)
            break;
          /* The text view gives its children their minimum size. */
          if (GTK_IS_LABEL (label) && gtk_label_get_width_chars (GTK_LABEL (label)) != width)
            {
              gtk_label_set_width_chars (GTK_LABEL (label), width);
              gtk_label_set_max_width_chars (GTK_LABEL (label), width);
            }
        }
    }
}

/* A picture or a rule as wide as the page allows (a side panel is narrower
 * than MAX_FIGURE_WIDTH), never wider than the image itself. */
static void
fit_figure (QuorumGuideView *self,
            GtkWidget       *figure)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scrolled_window));
  int available = (int) gtk_adjustment_get_page_size (adjustment);
  int width = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (figure), "quorum-guide-width"));
  int height = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (figure), "quorum-guide-height"));
  int fitted;

  if (available <= 0)
    available = MAX_TEXT_WIDTH;
  fitted = MIN (MIN (available, MAX_TEXT_WIDTH) - 48, MAX_FIGURE_WIDTH);
  fitted = MAX (MIN (fitted, width), 16);
  gtk_widget_set_size_request (figure, fitted, height > 0 ? height * fitted / MAX (width, 1) : -1);
}

static gboolean
fit_tables (gpointer data)
{
  QuorumGuideView *self = data;

  self->fit_source = 0;
  for (guint i = 0; i < self->tables->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (self->tables, i);

      if (GTK_IS_GRID (widget))
        fit_table (self, widget);
      else
        fit_figure (self, widget);
    }
  return G_SOURCE_REMOVE;
}

/* The width changes while GTK allocates: the tables follow once it is done. */
static void
on_page_size (QuorumGuideView *self)
{
  if (self->fit_source == 0 && self->tables->len > 0) /* tables and figures */
    self->fit_source = g_idle_add (fit_tables, self);
}

/* A table as a grid of wrapping labels, so that a wide table fits the
 * page; its tab-separated rows stay in the buffer, hidden. */
static GtkWidget *
table_for_anchor (QuorumGuideView    *self,
                  GtkTextChildAnchor *anchor,
                  GtkTextTag         *rows_tag)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkWidget *grid = gtk_grid_new ();
  GArray *lengths = g_array_new (FALSE, TRUE, sizeof (int));
  GtkTextIter line;
  int row = 0;

  gtk_grid_set_column_spacing (GTK_GRID (grid), TABLE_COLUMN_SPACING);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_add_css_class (grid, "quorum-guide-table");

  gtk_text_buffer_get_iter_at_child_anchor (buffer, &line, anchor);
  gtk_text_iter_forward_line (&line);
  while (gtk_text_iter_has_tag (&line, rows_tag))
    {
      GtkTextIter cell = line, line_end = line;
      gboolean header = has_tag (&line, QUORUM_GUIDE_TAG_TABLE_HEADER);
      int column = 0;

      if (!gtk_text_iter_ends_line (&line_end))
        gtk_text_iter_forward_to_line_end (&line_end);
      while (TRUE)
        {
          GtkTextIter cell_end = cell;
          GtkWidget *label;
          g_autofree char *markup = NULL;
          g_autofree char *text = NULL;

          while (gtk_text_iter_compare (&cell_end, &line_end) < 0 && gtk_text_iter_get_char (&cell_end) != '\t')
            gtk_text_iter_forward_char (&cell_end);
          markup = cell_markup (&cell, &cell_end);
          text = gtk_text_iter_get_text (&cell, &cell_end);

          label = gtk_label_new (NULL);
          gtk_label_set_markup (GTK_LABEL (label), markup);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_xalign (GTK_LABEL (label), 0.0);
          gtk_label_set_yalign (GTK_LABEL (label), 0.0);
          g_signal_connect_object (label, "activate-link", G_CALLBACK (on_cell_link), self, 0);
          gtk_grid_attach (GTK_GRID (grid), label, column, header ? row : row + 1, 1, 1);

          if ((guint) column >= lengths->len)
            g_array_set_size (lengths, column + 1);
          g_array_index (lengths, int, column) = MAX (g_array_index (lengths, int, column),
                                                      (int) g_utf8_strlen (text, -1) + 1);
          column++;
          if (gtk_text_iter_compare (&cell_end, &line_end) >= 0)
            break;
          cell = cell_end;
          gtk_text_iter_forward_char (&cell);
        }
      if (header)
        {
          GtkWidget *separator = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

          gtk_grid_attach (GTK_GRID (grid), separator, 0, row + 1, MAX (column, 1), 1);
        }
      row += header ? 2 : 1;
      if (!gtk_text_iter_forward_line (&line))
        break;
    }

  {
    GtkTextIter at;
    g_autoptr(GSList) tags = NULL;
    int indent = 0;

    /* The tags come in increasing priority: the last margin set wins. */
    gtk_text_buffer_get_iter_at_child_anchor (buffer, &at, anchor);
    tags = gtk_text_iter_get_tags (&at);
    for (GSList *l = tags; l != NULL; l = l->next)
      {
        gboolean set;
        int margin;

        g_object_get (l->data, "left-margin-set", &set, "left-margin", &margin, NULL);
        if (set)
          indent = margin;
      }
    gtk_widget_set_margin_start (grid, indent);
    g_object_set_data (G_OBJECT (grid), "quorum-guide-indent", GINT_TO_POINTER (indent));
  }
  g_object_set_data_full (G_OBJECT (grid), "quorum-guide-lengths", lengths,
                          (GDestroyNotify) g_array_unref);
  g_object_set (rows_tag, "invisible", TRUE, NULL);
  g_ptr_array_add (self->tables, grid);
  fit_table (self, grid);
  gtk_widget_set_margin_top (grid, 4);
  gtk_widget_set_margin_bottom (grid, 2);
  return grid;
}

static GtkWidget *
figure_for_anchor (QuorumGuideView    *self,
                   GtkTextChildAnchor *anchor)
{
  GdkPaintable *paintable = g_object_get_data (G_OBJECT (anchor), QUORUM_GUIDE_ANCHOR_IMAGE);
  GtkTextTag *table = g_object_get_data (G_OBJECT (anchor), QUORUM_GUIDE_ANCHOR_TABLE);

  if (table != NULL)
    return table_for_anchor (self, anchor, table);

  if (paintable != NULL)
    {
      GtkWidget *picture = gtk_picture_new_for_paintable (paintable);
      const char *alt = g_object_get_data (G_OBJECT (anchor), "quorum-guide-alt");
      int width = gdk_paintable_get_intrinsic_width (paintable);
      int height = gdk_paintable_get_intrinsic_height (paintable);

      if (width <= 0 || height <= 0)
        width = height = 1;
      if (width > MAX_FIGURE_WIDTH)
        {
          height = height * MAX_FIGURE_WIDTH / width;
          width = MAX_FIGURE_WIDTH;
        }
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), alt);
      gtk_widget_set_tooltip_text (picture, alt);
      g_object_set_data (G_OBJECT (picture), "quorum-guide-width", GINT_TO_POINTER (width));
      g_object_set_data (G_OBJECT (picture), "quorum-guide-height", GINT_TO_POINTER (height));
      g_ptr_array_add (self->tables, picture);
      fit_figure (self, picture);
      /* a video plays while it can be seen, not in a hidden page */
      if (GTK_IS_MEDIA_STREAM (paintable))
        {
          g_signal_connect_swapped (picture, "map", G_CALLBACK (gtk_media_stream_play), paintable);
          g_signal_connect_swapped (picture, "unmap", G_CALLBACK (gtk_media_stream_pause), paintable);
        }
      return picture;
    }
  else
    {
      GtkWidget *rule = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

      g_object_set_data (G_OBJECT (rule), "quorum-guide-width", GINT_TO_POINTER (MAX_FIGURE_WIDTH));
      g_ptr_array_add (self->tables, rule);
      fit_figure (self, rule);
      gtk_widget_set_margin_top (rule, 6);
      gtk_widget_set_margin_bottom (rule, 6);
      return rule;
    }
}

static void
render (QuorumGuideView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GPtrArray *anchors;

  quorum_guide_render (buffer, self->markdown != NULL ? self->markdown : "",
                       self->resolver, self->resolver_data);
  quorum_guide_render_layout_tables (buffer, gtk_widget_get_pango_context (GTK_WIDGET (self->text_view)));

  g_ptr_array_set_size (self->tables, 0);
  anchors = quorum_guide_render_get_anchors (buffer);
  for (guint i = 0; i < anchors->len; i++)
    {
      GtkTextChildAnchor *anchor = g_ptr_array_index (anchors, i);

      gtk_text_view_add_child_at_anchor (self->text_view, figure_for_anchor (self, anchor), anchor);
    }
}

const char *
quorum_guide_view_get_markdown (QuorumGuideView *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_VIEW (self), NULL);

  return self->markdown;
}

void
quorum_guide_view_set_markdown (QuorumGuideView *self,
                                const char      *markdown)
{
  g_return_if_fail (QUORUM_IS_GUIDE_VIEW (self));

  if (g_strcmp0 (self->markdown, markdown) == 0)
    return;
  g_free (self->markdown);
  self->markdown = g_strdup (markdown);
  render (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARKDOWN]);
}

/**
 * quorum_guide_view_set_image_resolver:
 * @resolver: (nullable): looks the guide's images up by name
 *
 * Sets where the guide's images come from; the guide is rendered again.
 * Without a resolver every image shows as its alt text.
 */
void
quorum_guide_view_set_image_resolver (QuorumGuideView          *self,
                                      QuorumGuideImageResolver  resolver,
                                      gpointer                  user_data,
                                      GDestroyNotify            destroy)
{
  g_return_if_fail (QUORUM_IS_GUIDE_VIEW (self));

  if (self->resolver_destroy != NULL)
    self->resolver_destroy (self->resolver_data);
  self->resolver = resolver;
  self->resolver_data = user_data;
  self->resolver_destroy = destroy;
  if (self->markdown != NULL)
    render (self);
}

/**
 * quorum_guide_view_set_launcher:
 * @launcher: (nullable): what opens a confirmed link; %NULL for gtk_show_uri()
 *
 * Replaces what opens a link once the user confirmed it, for tests.
 */
void
quorum_guide_view_set_launcher (QuorumGuideView     *self,
                                QuorumGuideLauncher  launcher,
                                gpointer             user_data)
{
  g_return_if_fail (QUORUM_IS_GUIDE_VIEW (self));

  self->launcher = launcher != NULL ? launcher : show_uri;
  self->launcher_data = launcher != NULL ? user_data : NULL;
}

GtkTextView *
quorum_guide_view_get_text_view (QuorumGuideView *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_VIEW (self), NULL);

  return self->text_view;
}

GtkWidget *
quorum_guide_view_new (void)
{
  return g_object_new (QUORUM_TYPE_GUIDE_VIEW, NULL);
}

static void
quorum_guide_view_dispose (GObject *object)
{
  QuorumGuideView *self = QUORUM_GUIDE_VIEW (object);

  g_clear_handle_id (&self->fit_source, g_source_remove);
  g_clear_pointer (&self->scrolled_window, gtk_widget_unparent);
  self->text_view = NULL;
  if (self->resolver_destroy != NULL)
    self->resolver_destroy (self->resolver_data);
  self->resolver = NULL;
  self->resolver_data = NULL;
  self->resolver_destroy = NULL;

  G_OBJECT_CLASS (quorum_guide_view_parent_class)->dispose (object);
}

static void
quorum_guide_view_finalize (GObject *object)
{
  QuorumGuideView *self = QUORUM_GUIDE_VIEW (object);

  g_free (self->markdown);
  g_ptr_array_unref (self->tables);

  G_OBJECT_CLASS (quorum_guide_view_parent_class)->finalize (object);
}

static void
quorum_guide_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  QuorumGuideView *self = QUORUM_GUIDE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MARKDOWN:
      g_value_set_string (value, self->markdown);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_guide_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  QuorumGuideView *self = QUORUM_GUIDE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MARKDOWN:
      quorum_guide_view_set_markdown (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_guide_view_class_init (QuorumGuideViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_guide_view_dispose;
  object_class->finalize = quorum_guide_view_finalize;
  object_class->get_property = quorum_guide_view_get_property;
  object_class->set_property = quorum_guide_view_set_property;

  properties[PROP_MARKDOWN] =
    g_param_spec_string ("markdown", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "guideview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
quorum_guide_view_init (QuorumGuideView *self)
{
  GtkWidget *text_view = gtk_text_view_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkWidget *clamp;

  self->launcher = show_uri;
  self->tables = g_ptr_array_new ();

  self->text_view = GTK_TEXT_VIEW (text_view);
  gtk_text_view_set_editable (self->text_view, FALSE);
  gtk_text_view_set_cursor_visible (self->text_view, FALSE);
  gtk_text_view_set_wrap_mode (self->text_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (self->text_view, 24);
  gtk_text_view_set_bottom_margin (self->text_view, 36);
  /* Widget margins rather than text margins: the tags set the left margin of
   * each paragraph, and code blocks paint their background up to the edges. */
  gtk_widget_set_margin_start (text_view, 24);
  gtk_widget_set_margin_end (text_view, 24);
  gtk_text_view_set_pixels_inside_wrap (self->text_view, 3);
  gtk_widget_set_has_tooltip (text_view, TRUE);
  g_signal_connect (text_view, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (text_view, GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (text_view, motion);

  /* Lines of a readable length, however wide the window. */
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), MAX_TEXT_WIDTH);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), MAX_TEXT_WIDTH * 3 / 4);
  adw_clamp_set_child (ADW_CLAMP (clamp), text_view);

  self->scrolled_window = gtk_scrolled_window_new ();
  gtk_widget_add_css_class (self->scrolled_window, "view");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled_window), clamp);
  gtk_widget_set_parent (self->scrolled_window, GTK_WIDGET (self));
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scrolled_window)),
                           "notify::page-size", G_CALLBACK (on_page_size), self, G_CONNECT_SWAPPED);
}
