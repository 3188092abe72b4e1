/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "quorum-guide-render.h"

/* Vertical space above a block, in pixels. */
enum {
  SPACE_NONE = 0,
  SPACE_TIGHT = 4,
  SPACE_AFTER_HEADING = 6,
  SPACE_BLOCK = 12,
  SPACE_HEADING_3 = 18,
  SPACE_HEADING_2 = 26,
  SPACE_HEADING_1 = 30,
  BAND_PADDING = 8,    /* inside the background of a code block */
  HEADER_PADDING = 5,  /* above the header of a table, inside its background */
};

/* Horizontal steps, in pixels. */
enum {
  LIST_INDENT = 28,
  QUOTE_INDENT = 20,
  CODE_INDENT = 12,
  TABLE_INDENT = 8,
  TABLE_COLUMN_GAP = 28,
};

#define RENDERING_KEY "quorum-guide-rendering"
#define LINK_KEY      "quorum-guide-link"

typedef struct
{
  GtkTextTag *tag;
  GArray     *rows;    /* RowRange */
} Table;

typedef struct
{
  int start;           /* character offsets of the row, without its newline */
  int end;
} RowRange;

/* What one rendering left in a buffer besides text: kept on the buffer. */
typedef struct
{
  GPtrArray *links;    /* QuorumGuideLink */
  GPtrArray *images;   /* QuorumGuideImage */
  GPtrArray *anchors;  /* GtkTextChildAnchor */
  GPtrArray *tables;   /* Table */
  GPtrArray *own_tags; /* anonymous tags, removed from the table on the next rendering */
} Rendering;

typedef struct
{
  cmark_list_type type;
  int             number;
  gboolean        tight;
} ListLevel;

typedef struct
{
  GtkTextBuffer            *buffer;
  GtkTextTagTable          *tags;
  Rendering                *rendering;
  QuorumGuideImageResolver  resolver;
  gpointer                  resolver_data;

  GPtrArray                *inline_tags;     /* GtkTextTag, innermost last */
  GArray                   *lists;           /* ListLevel */
  int                       quote_depth;
  int                       space;           /* above the next block */
  char                     *marker;          /* of a list item whose first block is pending */

  int                       block_start;     /* offset, -1 outside a leaf block */
  gboolean                  block_has_marker;
  int                       block_extra_indent;
  GtkTextTag               *block_tag;       /* heading, code block or table row style */

  Table                    *table;
  int                       table_cell;
  int                       link_start;
  QuorumGuideLink          *link;
} Renderer;

static void
link_free (gpointer data)
{
  QuorumGuideLink *link = data;

  g_free (link->target);
  g_free (link->text);
  g_free (link);
}

static void
image_free (gpointer data)
{
  QuorumGuideImage *image = data;

  g_free (image->name);
  g_free (image->alt);
  g_free (image);
}

static void
table_free (gpointer data)
{
  Table *table = data;

  g_array_unref (table->rows);
  g_free (table);
}

static void
rendering_free (gpointer data)
{
  Rendering *rendering = data;

  g_ptr_array_unref (rendering->links);
  g_ptr_array_unref (rendering->images);
  g_ptr_array_unref (rendering->anchors);
  g_ptr_array_unref (rendering->tables);
  g_ptr_array_unref (rendering->own_tags);
  g_free (rendering);
}

static Rendering *
rendering_new (void)
{
  Rendering *rendering = g_new0 (Rendering, 1);

  rendering->links = g_ptr_array_new_with_free_func (link_free);
  rendering->images = g_ptr_array_new_with_free_func (image_free);
  rendering->anchors = g_ptr_array_new_with_free_func (g_object_unref);
  rendering->tables = g_ptr_array_new_with_free_func (table_free);
  rendering->own_tags = g_ptr_array_new_with_free_func (g_object_unref);
  return rendering;
}

static Rendering *
rendering_get (GtkTextBuffer *buffer)
{
  static Rendering *empty;

  Rendering *rendering = g_object_get_data (G_OBJECT (buffer), RENDERING_KEY);

  if (rendering != NULL)
    return rendering;
  /* A buffer nothing was rendered into has no links and no images. */
  if (g_once_init_enter (&empty))
    g_once_init_leave (&empty, rendering_new ());
  return empty;
}

/* The grey, translucent colours read on both light and dark backgrounds. */
static void
ensure_tags (GtkTextTagTable *tags)
{
  if (gtk_text_tag_table_lookup (tags, QUORUM_GUIDE_TAG_HEADING_1) != NULL)
    return;

#define ADD_TAG(name, ...) \
  G_STMT_START { \
    GtkTextTag *tag = gtk_text_tag_new (name); \
    g_object_set (tag, __VA_ARGS__, NULL); \
    gtk_text_tag_table_add (tags, tag); \
    g_object_unref (tag); \
  } G_STMT_END

  ADD_TAG (QUORUM_GUIDE_TAG_HEADING_1, "weight", PANGO_WEIGHT_HEAVY, "scale", 1.8);
  ADD_TAG (QUORUM_GUIDE_TAG_HEADING_2, "weight", PANGO_WEIGHT_BOLD, "scale", 1.4);
  ADD_TAG (QUORUM_GUIDE_TAG_HEADING_3, "weight", PANGO_WEIGHT_BOLD, "scale", 1.15);
  ADD_TAG (QUORUM_GUIDE_TAG_EMPHASIS, "style", PANGO_STYLE_ITALIC);
  ADD_TAG (QUORUM_GUIDE_TAG_STRONG, "weight", PANGO_WEIGHT_BOLD);
  ADD_TAG (QUORUM_GUIDE_TAG_STRIKETHROUGH, "strikethrough", TRUE);
  ADD_TAG (QUORUM_GUIDE_TAG_CODE,
           "family", "monospace",
           "scale", 0.92,
           "background", "rgba(127,127,127,0.16)");
  ADD_TAG (QUORUM_GUIDE_TAG_CODE_BLOCK,
           "family", "monospace",
           "scale", 0.92,
           "wrap-mode", GTK_WRAP_NONE,
           "paragraph-background", "rgba(127,127,127,0.12)");
  ADD_TAG (QUORUM_GUIDE_TAG_QUOTE,
           "style", PANGO_STYLE_ITALIC,
           "foreground", "#77767b");
  ADD_TAG (QUORUM_GUIDE_TAG_LIST_MARKER, "foreground", "#77767b");
  ADD_TAG (QUORUM_GUIDE_TAG_TABLE_ROW,
           "wrap-mode", GTK_WRAP_NONE,
           "pixels-below-lines", 5);
  ADD_TAG (QUORUM_GUIDE_TAG_TABLE_HEADER,
           "weight", PANGO_WEIGHT_BOLD,
           "wrap-mode", GTK_WRAP_NONE,
           "pixels-below-lines", 5,
           "paragraph-background", "rgba(127,127,127,0.14)");
  ADD_TAG (QUORUM_GUIDE_TAG_LINK,
           "foreground", "#3584e4",
           "underline", PANGO_UNDERLINE_SINGLE);
  ADD_TAG (QUORUM_GUIDE_TAG_LINK_REFUSED,
           "foreground", "#77767b",
           "underline", PANGO_UNDERLINE_SINGLE);
  ADD_TAG (QUORUM_GUIDE_TAG_PLACEHOLDER,
           "style", PANGO_STYLE_ITALIC,
           "foreground", "#77767b",
           "background", "rgba(127,127,127,0.10)");

#undef ADD_TAG
}

static GtkTextTag *
named_tag (Renderer   *self,
           const char *name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (self->tags, name);

  g_assert (tag != NULL);
  return tag;
}

/* Tags for paragraph geometry are shared by name; there are only a few of
 * them. @property: "pixels-above-lines" or "pixels-below-lines". */
static GtkTextTag *
pixels_tag (Renderer   *self,
            const char *property,
            int         pixels)
{
  g_autofree char *name = g_strdup_printf ("%s-%d", property, pixels);
  GtkTextTag *tag = gtk_text_tag_table_lookup (self->tags, name);

  if (tag == NULL)
    {
      tag = gtk_text_tag_new (name);
      g_object_set (tag, property, pixels, NULL);
      gtk_text_tag_table_add (self->tags, tag);
      g_object_unref (tag);
    }
  return tag;
}

static GtkTextTag *
layout_tag (Renderer *self,
            int       left,
            int       hanging)
{
  g_autofree char *name = g_strdup_printf ("layout-%d-%d", left, hanging);
  GtkTextTag *tag = gtk_text_tag_table_lookup (self->tags, name);

  if (tag == NULL)
    {
      tag = gtk_text_tag_new (name);
      g_object_set (tag, "left-margin", left, NULL);
      if (hanging > 0)
        {
          /* The marker sits in the first line's hanging part and a tab
           * takes the text to where the following lines start. */
          g_autoptr(PangoTabArray) tabs = pango_tab_array_new_with_positions (1, TRUE,
                                                                             PANGO_TAB_LEFT,
                                                                             hanging);

          g_object_set (tag, "indent", -hanging, "tabs", tabs, NULL);
        }
      gtk_text_tag_table_add (self->tags, tag);
      g_object_unref (tag);
    }
  return tag;
}

static int
end_offset (Renderer *self)
{
  return gtk_text_buffer_get_char_count (self->buffer);
}

static void
apply_tag (Renderer   *self,
           GtkTextTag *tag,
           int         start,
           int         end)
{
  GtkTextIter start_iter, end_iter;

  gtk_text_buffer_get_iter_at_offset (self->buffer, &start_iter, start);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &end_iter, end);
  gtk_text_buffer_apply_tag (self->buffer, tag, &start_iter, &end_iter);
}

static void
insert_plain (Renderer   *self,
              const char *text)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (self->buffer, &end);
  gtk_text_buffer_insert (self->buffer, &end, text, -1);
}

/* Text always goes in as text: nothing in a guide is interpreted as markup. */
static void
insert_text (Renderer   *self,
             const char *text,
             GtkTextTag *extra)
{
  int start = end_offset (self);
  int end;

  if (text == NULL || *text == '\0')
    return;
  insert_plain (self, text);
  end = end_offset (self);
  for (guint i = 0; i < self->inline_tags->len; i++)
    apply_tag (self, g_ptr_array_index (self->inline_tags, i), start, end);
  if (extra != NULL)
    apply_tag (self, extra, start, end);
}

static gboolean
at_line_start (Renderer *self)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (self->buffer, &end);
  return gtk_text_iter_starts_line (&end);
}

static void
begin_block (Renderer   *self,
             GtkTextTag *style)
{
  if (!at_line_start (self))
    insert_plain (self, "\n");
  self->block_start = end_offset (self);
  self->block_tag = style;
  self->block_extra_indent = 0;
  self->block_has_marker = self->marker != NULL;
  if (self->marker != NULL)
    {
      g_autofree char *marker = g_steal_pointer (&self->marker);
      g_autofree char *text = g_strconcat (marker, "\t", NULL);
      int start = end_offset (self);

      insert_plain (self, text);
      apply_tag (self, named_tag (self, QUORUM_GUIDE_TAG_LIST_MARKER), start, end_offset (self));
    }
}

static void
end_block (Renderer *self,
           int       space_after)
{
  int start = self->block_start;
  int end;
  int left = (int) self->lists->len * LIST_INDENT + self->quote_depth * QUOTE_INDENT;
  GtkTextTag *code_block = named_tag (self, QUORUM_GUIDE_TAG_CODE_BLOCK);
  gboolean banded = self->block_tag == code_block ||
                    self->block_tag == named_tag (self, QUORUM_GUIDE_TAG_TABLE_HEADER);
  GtkTextIter first_line_end;
  int above;

  g_return_if_fail (start >= 0);

  insert_plain (self, "\n");
  end = end_offset (self);

  if (self->block_has_marker)
    apply_tag (self, layout_tag (self, left - LIST_INDENT, LIST_INDENT), start, end);
  else
    apply_tag (self, layout_tag (self, left + self->block_extra_indent, 0), start, end);
  if (self->quote_depth > 0)
    apply_tag (self, named_tag (self, QUORUM_GUIDE_TAG_QUOTE), start, end);
  if (self->block_tag != NULL)
    apply_tag (self, self->block_tag, start, end);

  /* Space above is a property of a paragraph's first line only. A block
   * with a background would paint it over that space: the paragraph before
   * it keeps the distance below itself instead. */
  above = start == 0 ? SPACE_NONE : self->space;
  if (banded && start > 0)
    {
      GtkTextIter previous;

      gtk_text_buffer_get_iter_at_offset (self->buffer, &previous, start - 1);
      gtk_text_iter_set_line_offset (&previous, 0);
      apply_tag (self, pixels_tag (self, "pixels-below-lines", above),
                 gtk_text_iter_get_offset (&previous), start);
      above = self->block_tag == code_block ? BAND_PADDING : HEADER_PADDING;
    }
  gtk_text_buffer_get_iter_at_offset (self->buffer, &first_line_end, start);
  gtk_text_iter_forward_to_line_end (&first_line_end);
  apply_tag (self, pixels_tag (self, "pixels-above-lines", above),
             start, gtk_text_iter_get_offset (&first_line_end) + 1);
  if (self->block_tag == code_block)
    {
      GtkTextIter last_line;

      gtk_text_buffer_get_iter_at_offset (self->buffer, &last_line, end - 1);
      gtk_text_iter_set_line_offset (&last_line, 0);
      apply_tag (self, pixels_tag (self, "pixels-below-lines", BAND_PADDING),
                 gtk_text_iter_get_offset (&last_line), end);
    }

  self->space = space_after;
  self->block_start = -1;
  self->block_tag = NULL;
  self->block_has_marker = FALSE;
}

/* The literal of a block without its final newline. */
static void
insert_block_literal (Renderer   *self,
                      cmark_node *node)
{
  const char *literal = cmark_node_get_literal (node);
  gsize length = literal != NULL ? strlen (literal) : 0;
  g_autofree char *text = NULL;

  while (length > 0 && literal[length - 1] == '\n')
    length--;
  text = g_strndup (literal != NULL ? literal : "", length);
  insert_text (self, text, NULL);
}

static gboolean
is_extension_node (cmark_node *node,
                   const char *type)
{
  return cmark_node_get_syntax_extension (node) != NULL &&
         g_strcmp0 (cmark_node_get_type_string (node), type) == 0;
}

gboolean
quorum_guide_link_is_openable (const char *address)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (address == NULL)
    return FALSE;
  uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return FALSE;
  return g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* Images are files of the project, asked for by name: anything that says
 * where to fetch from (a scheme, an absolute path, a parent folder) is refused. */
static gboolean
image_name_is_acceptable (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name == NULL || *name == '\0')
    return FALSE;
  if (g_uri_peek_scheme (name) != NULL || strchr (name, ':') != NULL)
    return FALSE;
  if (name[0] == '/' || name[0] == '\\' || strchr (name, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
      return FALSE;
  return TRUE;
}

static void
collect_text (cmark_node *node,
              GString    *text)
{
  for (cmark_node *child = cmark_node_first_child (node);
       child != NULL;
       child = cmark_node_next (child))
    {
      switch (cmark_node_get_type (child))
        {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE:
          g_string_append (text, cmark_node_get_literal (child));
          break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
          g_string_append_c (text, ' ');
          break;
        default:
          collect_text (child, text);
          break;
        }
    }
}

static void
render_image (Renderer   *self,
              cmark_node *node)
{
  QuorumGuideImage *image = g_new0 (QuorumGuideImage, 1);
  g_autoptr(GString) alt = g_string_new (NULL);
  g_autoptr(GdkPaintable) paintable = NULL;

  collect_text (node, alt);
  image->name = g_strdup (cmark_node_get_url (node));
  image->alt = g_strdup (alt->str);
  image->refused = !image_name_is_acceptable (image->name);
  g_ptr_array_add (self->rendering->images, image);

  if (!image->refused && self->resolver != NULL)
    paintable = self->resolver (image->name, self->resolver_data);
  image->found = paintable != NULL;

  if (paintable != NULL)
    {
      GtkTextIter end;
      GtkTextChildAnchor *anchor;

      gtk_text_buffer_get_end_iter (self->buffer, &end);
      anchor = gtk_text_buffer_create_child_anchor (self->buffer, &end);
      g_object_set_data_full (G_OBJECT (anchor), QUORUM_GUIDE_ANCHOR_IMAGE,
                              g_steal_pointer (&paintable), g_object_unref);
      g_object_set_data_full (G_OBJECT (anchor), "quorum-guide-alt",
                              g_strdup (image->alt), g_free);
      g_ptr_array_add (self->rendering->anchors, g_object_ref (anchor));
    }
  else
    {
      /* Translators: shown instead of an image of a guide that is not available */
      g_autofree char *placeholder = g_strdup_printf (_("[image: %s]"),
                                                      *image->alt != '\0' ? image->alt
                                                                         : image->name);

      insert_text (self, placeholder, named_tag (self, QUORUM_GUIDE_TAG_PLACEHOLDER));
    }
}

static void
enter_link (Renderer   *self,
            cmark_node *node)
{
  QuorumGuideLink *link = g_new0 (QuorumGuideLink, 1);
  GtkTextTag *tag = gtk_text_tag_new (NULL);

  link->target = g_strdup (cmark_node_get_url (node));
  link->refused = !quorum_guide_link_is_openable (link->target);
  g_ptr_array_add (self->rendering->links, link);

  /* One tag per link, carrying its address. */
  g_object_set_data (G_OBJECT (tag), LINK_KEY, link);
  gtk_text_tag_table_add (self->tags, tag);
  g_ptr_array_add (self->rendering->own_tags, tag);

  g_ptr_array_add (self->inline_tags,
                   named_tag (self, link->refused ? QUORUM_GUIDE_TAG_LINK_REFUSED
                                                  : QUORUM_GUIDE_TAG_LINK));
  g_ptr_array_add (self->inline_tags, tag);
  self->link = link;
  self->link_start = end_offset (self);
}

static void
exit_link (Renderer *self)
{
  GtkTextIter start, end;

  g_ptr_array_set_size (self->inline_tags, self->inline_tags->len - 2);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, self->link_start);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  self->link->text = gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
  self->link = NULL;
}

static void
enter_list_item (Renderer   *self,
                 cmark_node *node)
{
  static const char *const bullets[] = { "•", "◦", "▪" };
  ListLevel *level = &g_array_index (self->lists, ListLevel, self->lists->len - 1);

  g_free (self->marker);
  if (level->type == CMARK_ORDERED_LIST)
    {
      cmark_node *list = cmark_node_parent (node);

      self->marker = g_strdup_printf ("%d%c", level->number++,
                                      cmark_node_get_list_delim (list) == CMARK_PAREN_DELIM
                                      ? ')' : '.');
    }
  else
    {
      self->marker = g_strdup (bullets[(self->lists->len - 1) % G_N_ELEMENTS (bullets)]);
    }
  /* The first item keeps the distance the list has from what precedes it. */
  if (cmark_node_previous (node) != NULL)
    self->space = level->tight ? SPACE_TIGHT : SPACE_BLOCK;
  else if (self->lists->len > 1)
    self->space = g_array_index (self->lists, ListLevel, self->lists->len - 2).tight
                  ? SPACE_TIGHT : SPACE_BLOCK;
}

static void
enter_table_row (Renderer   *self,
                 cmark_node *node)
{
  gboolean header = is_extension_node (node, "table_header") ||
                    cmark_gfm_extensions_get_table_row_is_header (node);

  if (self->table->rows->len > 0)
    self->space = SPACE_NONE;
  begin_block (self, named_tag (self, header ? QUORUM_GUIDE_TAG_TABLE_HEADER
                                             : QUORUM_GUIDE_TAG_TABLE_ROW));
  self->block_extra_indent = TABLE_INDENT;
  self->table_cell = 0;
}

static void
exit_table_row (Renderer *self)
{
  RowRange row = { self->block_start, end_offset (self) };

  g_array_append_val (self->table->rows, row);
  end_block (self, SPACE_BLOCK);
  apply_tag (self, self->table->tag, row.start, row.end + 1);
}

static void
enter_table (Renderer *self)
{
  Table *table = g_new0 (Table, 1);

  table->tag = gtk_text_tag_new (NULL);
  table->rows = g_array_new (FALSE, FALSE, sizeof (RowRange));
  gtk_text_tag_table_add (self->tags, table->tag);
  g_ptr_array_add (self->rendering->own_tags, table->tag);
  g_ptr_array_add (self->rendering->tables, table);
  self->table = table;

  /* A view may show the table as widgets there and hide its rows. */
  {
    GtkTextIter end;
    GtkTextChildAnchor *anchor;

    begin_block (self, NULL);
    gtk_text_buffer_get_end_iter (self->buffer, &end);
    anchor = gtk_text_buffer_create_child_anchor (self->buffer, &end);
    g_object_set_data (G_OBJECT (anchor), QUORUM_GUIDE_ANCHOR_TABLE, table->tag);
    g_ptr_array_add (self->rendering->anchors, g_object_ref (anchor));
    end_block (self, SPACE_NONE);
  }
}

static GtkTextTag *
heading_tag (Renderer *self,
             int       level,
             int      *space)
{
  switch (level)
    {
    case 1:
      *space = SPACE_HEADING_1;
      return named_tag (self, QUORUM_GUIDE_TAG_HEADING_1);
    case 2:
      *space = SPACE_HEADING_2;
      return named_tag (self, QUORUM_GUIDE_TAG_HEADING_2);
    default:
      *space = SPACE_HEADING_3;
      return named_tag (self, QUORUM_GUIDE_TAG_HEADING_3);
    }
}

static void
render_event (Renderer        *self,
              cmark_iter      *iter,
              cmark_event_type event,
              cmark_node      *node)
{
  gboolean entering = event == CMARK_EVENT_ENTER;
  cmark_node_type type = cmark_node_get_type (node);

  switch (type)
    {
    case CMARK_NODE_DOCUMENT:
      break;

    case CMARK_NODE_BLOCK_QUOTE:
      self->quote_depth += entering ? 1 : -1;
      if (!entering)
        self->space = SPACE_BLOCK;
      break;

    case CMARK_NODE_LIST:
      if (entering)
        {
          ListLevel level = {
            cmark_node_get_list_type (node),
            cmark_node_get_list_start (node),
            cmark_node_get_list_tight (node),
          };

          g_array_append_val (self->lists, level);
        }
      else
        {
          g_array_set_size (self->lists, self->lists->len - 1);
          self->space = SPACE_BLOCK;
        }
      break;

    case CMARK_NODE_ITEM:
      if (entering)
        enter_list_item (self, node);
      else if (self->marker != NULL)
        {
          /* An empty item still shows its marker. */
          begin_block (self, NULL);
          end_block (self, SPACE_BLOCK);
        }
      break;

    case CMARK_NODE_PARAGRAPH:
      if (entering)
        begin_block (self, NULL);
      else
        end_block (self, SPACE_BLOCK);
      break;

    case CMARK_NODE_HEADING:
      if (entering)
        {
          int space;
          GtkTextTag *tag = heading_tag (self, cmark_node_get_heading_level (node), &space);

          self->space = MAX (self->space, space);
          begin_block (self, tag);
        }
      else
        end_block (self, SPACE_AFTER_HEADING);
      break;

    case CMARK_NODE_CODE_BLOCK:
      begin_block (self, named_tag (self, QUORUM_GUIDE_TAG_CODE_BLOCK));
      self->block_extra_indent = CODE_INDENT;
      insert_block_literal (self, node);
      end_block (self, SPACE_BLOCK);
      break;

    case CMARK_NODE_HTML_BLOCK:
      begin_block (self, NULL);
      insert_block_literal (self, node);
      end_block (self, SPACE_BLOCK);
      break;

    case CMARK_NODE_THEMATIC_BREAK:
      {
        GtkTextIter end;
        GtkTextChildAnchor *anchor;

        begin_block (self, NULL);
        gtk_text_buffer_get_end_iter (self->buffer, &end);
        anchor = gtk_text_buffer_create_child_anchor (self->buffer, &end);
        g_object_set_data (G_OBJECT (anchor), QUORUM_GUIDE_ANCHOR_RULE, GINT_TO_POINTER (TRUE));
        g_ptr_array_add (self->rendering->anchors, g_object_ref (anchor));
        end_block (self, SPACE_BLOCK);
      }
      break;

    case CMARK_NODE_TEXT:
      insert_text (self, cmark_node_get_literal (node), NULL);
      break;

    case CMARK_NODE_SOFTBREAK:
      insert_text (self, " ", NULL);
      break;

    case CMARK_NODE_LINEBREAK:
      insert_text (self, "\n", NULL);
      break;

    case CMARK_NODE_CODE:
      insert_text (self, cmark_node_get_literal (node), named_tag (self, QUORUM_GUIDE_TAG_CODE));
      break;

    case CMARK_NODE_HTML_INLINE:
      insert_text (self, cmark_node_get_literal (node), NULL);
      break;

    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
      if (entering)
        g_ptr_array_add (self->inline_tags,
                         named_tag (self, type == CMARK_NODE_EMPH ? QUORUM_GUIDE_TAG_EMPHASIS
                                                                  : QUORUM_GUIDE_TAG_STRONG));
      else
        g_ptr_array_set_size (self->inline_tags, self->inline_tags->len - 1);
      break;

    case CMARK_NODE_LINK:
      if (entering)
        enter_link (self, node);
      else
        exit_link (self);
      break;

    case CMARK_NODE_IMAGE:
      render_image (self, node);
      /* The alt text was used whole: skip the image's children. */
      cmark_iter_reset (iter, node, CMARK_EVENT_EXIT);
      break;

    default:
      if (is_extension_node (node, "strikethrough"))
        {
          if (entering)
            g_ptr_array_add (self->inline_tags,
                             named_tag (self, QUORUM_GUIDE_TAG_STRIKETHROUGH));
          else
            g_ptr_array_set_size (self->inline_tags, self->inline_tags->len - 1);
        }
      else if (is_extension_node (node, "table"))
        {
          if (entering)
            enter_table (self);
          else
            self->table = NULL;
        }
      else if (is_extension_node (node, "table_row") || is_extension_node (node, "table_header"))
        {
          if (entering)
            enter_table_row (self, node);
          else
            exit_table_row (self);
        }
      else if (is_extension_node (node, "table_cell"))
        {
          if (entering && self->table_cell++ > 0)
            insert_text (self, "\t", NULL);
        }
      else if (entering && cmark_node_get_literal (node) != NULL)
        {
          insert_text (self, cmark_node_get_literal (node), NULL);
        }
      break;
    }
}

static cmark_node *
parse (const char *markdown)
{
  static const char *const extensions[] = { "table", "strikethrough", "autolink" };
  cmark_parser *parser;
  cmark_node *document;

  cmark_gfm_core_extensions_ensure_registered ();
  parser = cmark_parser_new (CMARK_OPT_VALIDATE_UTF8);
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      cmark_syntax_extension *extension = cmark_find_syntax_extension (extensions[i]);

      if (extension != NULL)
        cmark_parser_attach_syntax_extension (parser, extension);
      else
        g_warning ("cmark-gfm has no %s extension", extensions[i]);
    }
  cmark_parser_feed (parser, markdown, strlen (markdown));
  document = cmark_parser_finish (parser);
  cmark_parser_free (parser);
  return document;
}

static PangoContext *
default_pango_context (void)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  GtkSettings *settings = gtk_settings_get_default ();
  g_autofree char *font = NULL;
  g_autoptr(PangoFontDescription) description = NULL;

  if (settings != NULL)
    g_object_get (settings, "gtk-font-name", &font, NULL);
  description = pango_font_description_from_string (font != NULL ? font : "Sans 11");
  pango_context_set_font_description (context, description);
  return context;
}

/**
 * quorum_guide_render:
 * @buffer: the buffer to fill; its text is replaced
 * @markdown: the guide, GitHub-flavoured Markdown
 * @resolver: (nullable): looks images up by name; without it no image is shown
 * @user_data: for @resolver
 *
 * Renders a guide into @buffer with the tags named QUORUM_GUIDE_TAG_*.
 * Nothing is fetched: an image is shown only when @resolver knows its name,
 * and link targets are only recorded (see quorum_guide_render_get_links()).
 * Found images and thematic breaks are child anchors that a view fills with
 * widgets (see quorum_guide_render_get_anchors()).
 */
void
quorum_guide_render (GtkTextBuffer            *buffer,
                     const char               *markdown,
                     QuorumGuideImageResolver  resolver,
                     gpointer                  user_data)
{
  Renderer self = { 0 };
  Rendering *previous;
  cmark_node *document;
  cmark_iter *iter;
  cmark_event_type event;
  PangoContext *context;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (markdown != NULL);

  self.buffer = buffer;
  self.tags = gtk_text_buffer_get_tag_table (buffer);
  ensure_tags (self.tags);

  gtk_text_buffer_set_text (buffer, "", 0);
  previous = g_object_get_data (G_OBJECT (buffer), RENDERING_KEY);
  if (previous != NULL)
    for (guint i = 0; i < previous->own_tags->len; i++)
      gtk_text_tag_table_remove (self.tags, g_ptr_array_index (previous->own_tags, i));
  self.rendering = rendering_new ();
  g_object_set_data_full (G_OBJECT (buffer), RENDERING_KEY, self.rendering, rendering_free);

  self.resolver = resolver;
  self.resolver_data = user_data;
  self.inline_tags = g_ptr_array_new ();
  self.lists = g_array_new (FALSE, FALSE, sizeof (ListLevel));
  self.block_start = -1;
  self.space = SPACE_NONE;

  document = parse (markdown);
  iter = cmark_iter_new (document);
  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    render_event (&self, iter, event, cmark_iter_get_node (iter));
  cmark_iter_free (iter);
  cmark_node_free (document);

  /* No trailing empty line after the last block. */
  {
    GtkTextIter start, end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    start = end;
    if (gtk_text_iter_backward_char (&start) && gtk_text_iter_get_char (&start) == '\n')
      gtk_text_buffer_delete (buffer, &start, &end);
  }

  context = default_pango_context ();
  quorum_guide_render_layout_tables (buffer, context);
  g_object_unref (context);

  g_free (self.marker);
  g_ptr_array_unref (self.inline_tags);
  g_array_unref (self.lists);
}

static gboolean
is_tab (gunichar character,
        gpointer user_data)
{
  return character == '\t';
}

/* The width @start..@end takes in @context, following the font the tags ask for. */
static int
measure_range (PangoContext      *context,
               const GtkTextIter *start,
               const GtkTextIter *end)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (context);
  g_autoptr(GString) text = g_string_new (NULL);
  PangoAttrList *attributes = pango_attr_list_new ();
  GtkTextIter iter = *start;
  int width;

  while (gtk_text_iter_compare (&iter, end) < 0)
    {
      GtkTextIter next = iter;
      g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);
      g_autofree char *piece = NULL;
      guint piece_start = text->len;

      if (!gtk_text_iter_forward_to_tag_toggle (&next, NULL) || gtk_text_iter_compare (&next, end) > 0)
        next = *end;
      piece = gtk_text_iter_get_text (&iter, &next);
      g_string_append (text, piece);

      for (GSList *l = tags; l != NULL; l = l->next)
        {
          gboolean weight_set, family_set, scale_set;
          int weight;
          double scale;
          g_autofree char *family = NULL;
          PangoAttribute *attribute;

          g_object_get (l->data,
                        "weight-set", &weight_set, "weight", &weight,
                        "family-set", &family_set, "family", &family,
                        "scale-set", &scale_set, "scale", &scale,
                        NULL);
#define ADD(make) \
  G_STMT_START { \
    attribute = make; \
    attribute->start_index = piece_start; \
    attribute->end_index = text->len; \
    pango_attr_list_insert (attributes, attribute); \
  } G_STMT_END
          if (weight_set)
            ADD (pango_attr_weight_new (weight));
          if (family_set && family != NULL)
            ADD (pango_attr_family_new (family));
          if (scale_set)
            ADD (pango_attr_scale_new (scale));
#undef ADD
        }
      iter = next;
    }

  pango_layout_set_text (layout, text->str, text->len);
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

/**
 * quorum_guide_render_layout_tables:
 * @buffer: a buffer quorum_guide_render() filled
 * @context: the Pango context of the view that shows @buffer
 *
 * Places the tab stops of each table so that its columns line up in the
 * fonts of @context. quorum_guide_render() does it with the default font; a
 * view calls it again with its own.
 */
void
quorum_guide_render_layout_tables (GtkTextBuffer *buffer,
                                   PangoContext  *context)
{
  Rendering *rendering = rendering_get (buffer);

  for (guint t = 0; t < rendering->tables->len; t++)
    {
      Table *table = g_ptr_array_index (rendering->tables, t);
      g_autoptr(GArray) widths = g_array_new (FALSE, TRUE, sizeof (int));
      g_autoptr(PangoTabArray) tabs = NULL;
      int position = 0;

      for (guint r = 0; r < table->rows->len; r++)
        {
          RowRange *row = &g_array_index (table->rows, RowRange, r);
          GtkTextIter cell_start, row_end;
          guint column = 0;

          gtk_text_buffer_get_iter_at_offset (buffer, &cell_start, row->start);
          gtk_text_buffer_get_iter_at_offset (buffer, &row_end, row->end);
          while (gtk_text_iter_compare (&cell_start, &row_end) < 0)
            {
              GtkTextIter cell_end = cell_start;
              int width;

              if (!gtk_text_iter_forward_find_char (&cell_end,
                                                    is_tab, NULL, &row_end))
                cell_end = row_end;
              width = measure_range (context, &cell_start, &cell_end);
              if (column >= widths->len)
                g_array_set_size (widths, column + 1);
              g_array_index (widths, int, column) = MAX (g_array_index (widths, int, column),
                                                         width);
              column++;
              cell_start = cell_end;
              if (gtk_text_iter_compare (&cell_start, &row_end) < 0)
                gtk_text_iter_forward_char (&cell_start);
            }
        }

      tabs = pango_tab_array_new (MAX (widths->len, 1), TRUE);
      for (guint c = 0; c + 1 < widths->len; c++)
        {
          position += g_array_index (widths, int, c) + TABLE_COLUMN_GAP;
          pango_tab_array_set_tab (tabs, c, PANGO_TAB_LEFT, position);
        }
      g_object_set (table->tag, "tabs", tabs, NULL);
    }
}

/**
 * quorum_guide_render_get_links:
 *
 * Returns: (transfer none) (element-type QuorumGuideLink): the links of the
 * last rendering into @buffer, in the order of the guide
 */
GPtrArray *
quorum_guide_render_get_links (GtkTextBuffer *buffer)
{
  return rendering_get (buffer)->links;
}

/**
 * quorum_guide_render_get_images:
 *
 * Returns: (transfer none) (element-type QuorumGuideImage): the images of the
 * last rendering into @buffer, found or not, in the order of the guide
 */
GPtrArray *
quorum_guide_render_get_images (GtkTextBuffer *buffer)
{
  return rendering_get (buffer)->images;
}

/**
 * quorum_guide_render_get_anchors:
 *
 * Returns: (transfer none) (element-type GtkTextChildAnchor): the anchors of
 * found images (data QUORUM_GUIDE_ANCHOR_IMAGE: the #GdkPaintable) and of
 * thematic breaks (data QUORUM_GUIDE_ANCHOR_RULE)
 */
GPtrArray *
quorum_guide_render_get_anchors (GtkTextBuffer *buffer)
{
  return rendering_get (buffer)->anchors;
}

/**
 * quorum_guide_render_link_at:
 *
 * Returns: (nullable): the link shown at @iter
 */
const QuorumGuideLink *
quorum_guide_render_link_at (const GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      QuorumGuideLink *link = g_object_get_data (l->data, LINK_KEY);

      if (link != NULL)
        return link;
    }
  return NULL;
}
