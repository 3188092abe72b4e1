/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Markdown guides. The server's image scan (src/core/quorum-guide.c) on any
 * text, then the cmark-gfm parse the app renders from, with the extensions
 * it attaches (src/app/quorum-guide-render.c: table, strikethrough,
 * autolink) and a walk that asks every node what the app's renderer asks.
 * The renderer itself writes into a GtkTextBuffer, which needs GTK; the
 * walk here reads the same things from the same tree without it. */

#include "config.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "quorum-guide.h"

#include "fuzz-common.h"

static void
check_image_names (const char *markdown)
{
  g_auto(GStrv) names = quorum_guide_image_names (markdown);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  FUZZ_CHECK (names != NULL, "no list of names");
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];
      g_auto(GStrv) segments = g_strsplit_set (name, "/\\", -1);

      /* Only names of project files: the server lets the guide's readers
       * fetch exactly these. */
      FUZZ_CHECK (*name != '\0', "an empty name");
      FUZZ_CHECK (name[0] != '/' && name[0] != '\\', "an absolute path: %s", name);
      FUZZ_CHECK (g_uri_peek_scheme (name) == NULL, "an address with a scheme: %s", name);
      for (guint k = 0; segments[k] != NULL; k++)
        FUZZ_CHECK (!g_str_equal (segments[k], ".."), "a parent folder: %s", name);
      FUZZ_CHECK (g_hash_table_add (seen, (gpointer) name), "a name twice: %s", name);
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

      FUZZ_CHECK (extension != NULL, "cmark-gfm has no %s extension", extensions[i]);
      cmark_parser_attach_syntax_extension (parser, extension);
    }
  cmark_parser_feed (parser, markdown, strlen (markdown));
  document = cmark_parser_finish (parser);
  cmark_parser_free (parser);
  return document;
}

/* The alt text of an image, as the app's collect_text() gathers it. */
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

static gboolean
is_extension_node (cmark_node *node,
                   const char *type)
{
  return cmark_node_get_syntax_extension (node) != NULL &&
         g_strcmp0 (cmark_node_get_type_string (node), type) == 0;
}

static void
walk (cmark_node *document,
      GString    *out)
{
  cmark_iter *iter = cmark_iter_new (document);
  cmark_event_type event;
  int lists = 0, inlines = 0;

  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      cmark_node *node = cmark_iter_get_node (iter);
      gboolean entering = event == CMARK_EVENT_ENTER;

      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_LIST:
          if (entering)
            {
              g_string_append_printf (out, "%d%d%d", cmark_node_get_list_type (node),
                                      cmark_node_get_list_start (node),
                                      cmark_node_get_list_tight (node));
              lists++;
            }
          else
            lists--;
          FUZZ_CHECK (lists >= 0, "a list closed twice");
          break;
        case CMARK_NODE_ITEM:
          if (entering && cmark_node_parent (node) != NULL)
            g_string_append_printf (out, "%d", cmark_node_get_list_delim (cmark_node_parent (node)));
          break;
        case CMARK_NODE_HEADING:
          if (entering)
            {
              int level = cmark_node_get_heading_level (node);

              FUZZ_CHECK (level >= 1 && level <= 6, "heading level %d", level);
            }
          break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE:
          FUZZ_CHECK (cmark_node_get_literal (node) != NULL, "a leaf without text");
          g_string_append (out, cmark_node_get_literal (node));
          FUZZ_CHECK (g_utf8_validate (out->str, out->len, NULL), "the text is not UTF-8");
          break;
        case CMARK_NODE_EMPH:
        case CMARK_NODE_STRONG:
          inlines += entering ? 1 : -1;
          FUZZ_CHECK (inlines >= 0, "an emphasis closed twice");
          break;
        case CMARK_NODE_LINK:
          if (entering)
            g_string_append (out, cmark_node_get_url (node));
          break;
        case CMARK_NODE_IMAGE:
          {
            g_autoptr(GString) alt = g_string_new (NULL);

            collect_text (node, alt);
            g_string_append (out, cmark_node_get_url (node));
            g_string_append (out, alt->str);
            /* The renderer skips the image's children. */
            cmark_iter_reset (iter, node, CMARK_EVENT_EXIT);
          }
          break;
        default:
          if (is_extension_node (node, "table_row") || is_extension_node (node, "table_header"))
            {
              if (entering)
                g_string_append_printf (out, "%d", cmark_gfm_extensions_get_table_row_is_header (node));
            }
          else if (entering && !is_extension_node (node, "table") &&
                   !is_extension_node (node, "table_cell") &&
                   !is_extension_node (node, "strikethrough") &&
                   cmark_node_get_literal (node) != NULL)
            g_string_append (out, cmark_node_get_literal (node));
          break;
        }
    }
  FUZZ_CHECK (lists == 0 && inlines == 0, "lists or emphasis left open");
  cmark_iter_free (iter);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *markdown = fuzz_strndup (data, size);
  g_autoptr(GString) out = g_string_new (NULL);
  cmark_node *document;

  check_image_names (markdown);

  document = parse (markdown);
  FUZZ_CHECK (document != NULL, "no document");
  walk (document, out);
  cmark_node_free (document);
  return 0;
}
