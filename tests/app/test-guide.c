/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "quorum-guide-render.h"
#include "quorum-guide-view.h"

static const char every_element[] =
  "# Title One\n"
  "\n"
  "Plain with *italic words*, **bold words**, ~~struck~~ and `a_code` inline.\n"
  "\n"
  "## Second level\n"
  "\n"
  "### Third level\n"
  "\n"
  "- apple\n"
  "- banana\n"
  "  - inner\n"
  "- cherry\n"
  "\n"
  "1. first\n"
  "2. second\n"
  "\n"
  "3. three\n"
  "4. four\n"
  "\n"
  "> quoted words\n"
  "\n"
  "```\n"
  "int x = 1; **not bold**\n"
  "```\n"
  "\n"
  "---\n"
  "\n"
  "| label | drawn as |\n"
  "|---|---|\n"
  "| A1 | B1 |\n"
  "| A2 | `B2` |\n"
  "\n"
  "See [the site](https://example.org/help) or www.gnome.org.\n"
  "\n"
  "![known alt](known.png) and ![missing alt](missing.png)\n";

/* A resolver that knows one image by name and counts what it was asked. */
typedef struct
{
  guint      calls;
  GPtrArray *names;
} Resolver;

static GdkPaintable *
resolve (const char *name,
         gpointer    user_data)
{
  Resolver *resolver = user_data;
  static const guchar pixels[4 * 4] = { 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 255 };
  g_autoptr(GBytes) bytes = NULL;

  resolver->calls++;
  if (resolver->names != NULL)
    g_ptr_array_add (resolver->names, g_strdup (name));
  if (!g_str_equal (name, "known.png"))
    return NULL;
  bytes = g_bytes_new_static (pixels, sizeof pixels);
  return GDK_PAINTABLE (gdk_memory_texture_new (2, 2, GDK_MEMORY_R8G8B8A8, bytes, 8));
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* Finds @text in @buffer, after @from when given. */
static gboolean
find (GtkTextBuffer *buffer,
      const char    *text,
      GtkTextIter   *start,
      GtkTextIter   *end)
{
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  return gtk_text_iter_forward_search (&iter, text, GTK_TEXT_SEARCH_TEXT_ONLY, start, end, NULL);
}

/* Whether the tag named @tag_name covers every character of @text. */
static gboolean
tagged (GtkTextBuffer *buffer,
        const char    *text,
        const char    *tag_name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter iter, end;

  g_assert_nonnull (tag);
  if (!find (buffer, text, &iter, &end))
    g_error ("“%s” is not in the buffer", text);
  for (; gtk_text_iter_compare (&iter, &end) < 0; gtk_text_iter_forward_char (&iter))
    if (!gtk_text_iter_has_tag (&iter, tag))
      return FALSE;
  return TRUE;
}

static int
offset_of (GtkTextBuffer *buffer,
           const char    *text)
{
  GtkTextIter start, end;

  if (!find (buffer, text, &start, &end))
    g_error ("“%s” is not in the buffer", text);
  return gtk_text_iter_get_offset (&start);
}

static void
test_every_element (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  Resolver resolver = { 0, g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *text = NULL;
  GPtrArray *links, *images, *anchors;
  GtkTextIter start, end;
  const QuorumGuideLink *link;
  guint rules = 0, pictures = 0;

  quorum_guide_render (buffer, every_element, resolve, &resolver);
  text = buffer_text (buffer);

  /* Headings, each with its own level and no other. */
  g_assert_true (tagged (buffer, "Title One", QUORUM_GUIDE_TAG_HEADING_1));
  g_assert_true (tagged (buffer, "Second level", QUORUM_GUIDE_TAG_HEADING_2));
  g_assert_true (tagged (buffer, "Third level", QUORUM_GUIDE_TAG_HEADING_3));
  g_assert_false (tagged (buffer, "Second level", QUORUM_GUIDE_TAG_HEADING_1));
  g_assert_false (tagged (buffer, "Plain with", QUORUM_GUIDE_TAG_HEADING_1));
  g_assert_true (g_str_has_prefix (text, "Title One\nPlain with italic words, bold words, struck"));

  /* Inline styles, on exactly their words. */
  g_assert_true (tagged (buffer, "italic words", QUORUM_GUIDE_TAG_EMPHASIS));
  g_assert_true (tagged (buffer, "bold words", QUORUM_GUIDE_TAG_STRONG));
  g_assert_true (tagged (buffer, "struck", QUORUM_GUIDE_TAG_STRIKETHROUGH));
  g_assert_true (tagged (buffer, "a_code", QUORUM_GUIDE_TAG_CODE));
  g_assert_false (tagged (buffer, "Plain", QUORUM_GUIDE_TAG_EMPHASIS));
  g_assert_false (tagged (buffer, ", bold", QUORUM_GUIDE_TAG_STRONG));

  /* Lists: bullets by depth, numbers in order, from the list's start. */
  g_assert_nonnull (strstr (text, "•\tapple\n•\tbanana\n◦\tinner\n•\tcherry\n"));
  g_assert_nonnull (strstr (text, "1.\tfirst\n2.\tsecond\n"));
  g_assert_nonnull (strstr (text, "3.\tthree\n4.\tfour\n"));
  g_assert_true (tagged (buffer, "•\t", QUORUM_GUIDE_TAG_LIST_MARKER));
  g_assert_false (tagged (buffer, "apple", QUORUM_GUIDE_TAG_LIST_MARKER));

  /* Quote and code block. */
  g_assert_true (tagged (buffer, "quoted words", QUORUM_GUIDE_TAG_QUOTE));
  g_assert_false (tagged (buffer, "first", QUORUM_GUIDE_TAG_QUOTE));
  g_assert_true (tagged (buffer, "int x = 1; **not bold**", QUORUM_GUIDE_TAG_CODE_BLOCK));
  g_assert_false (tagged (buffer, "not bold", QUORUM_GUIDE_TAG_STRONG));

  /* The table: cells by tabs, rows by lines, in order; the header bold. */
  g_assert_nonnull (strstr (text, "label\tdrawn as\nA1\tB1\nA2\tB2\n"));
  g_assert_true (tagged (buffer, "label\tdrawn as", QUORUM_GUIDE_TAG_TABLE_HEADER));
  g_assert_false (tagged (buffer, "A1", QUORUM_GUIDE_TAG_TABLE_HEADER));
  g_assert_true (tagged (buffer, "B2", QUORUM_GUIDE_TAG_CODE));
  g_assert_cmpint (offset_of (buffer, "A1"), <, offset_of (buffer, "B1"));
  g_assert_cmpint (offset_of (buffer, "B1"), <, offset_of (buffer, "A2"));

  /* Links: styled, and the text knows its address. */
  g_assert_true (tagged (buffer, "the site", QUORUM_GUIDE_TAG_LINK));
  g_assert_false (tagged (buffer, "See", QUORUM_GUIDE_TAG_LINK));
  g_assert_true (find (buffer, "the site", &start, &end));
  link = quorum_guide_render_link_at (&start);
  g_assert_nonnull (link);
  g_assert_cmpstr (link->target, ==, "https://example.org/help");
  g_assert_false (link->refused);
  g_assert_true (find (buffer, "See", &start, &end));
  g_assert_null (quorum_guide_render_link_at (&start));
  links = quorum_guide_render_get_links (buffer);
  g_assert_cmpuint (links->len, ==, 2);
  link = g_ptr_array_index (links, 0);
  g_assert_cmpstr (link->text, ==, "the site");
  link = g_ptr_array_index (links, 1);
  g_assert_cmpstr (link->target, ==, "http://www.gnome.org");
  g_assert_cmpstr (link->text, ==, "www.gnome.org");
  g_assert_false (link->refused);

  /* Images: the known one is a child anchor, the other its alt text. */
  images = quorum_guide_render_get_images (buffer);
  g_assert_cmpuint (images->len, ==, 2);
  g_assert_cmpuint (resolver.calls, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (resolver.names, 0), ==, "known.png");
  g_assert_cmpstr (g_ptr_array_index (resolver.names, 1), ==, "missing.png");
  g_assert_true (((QuorumGuideImage *) g_ptr_array_index (images, 0))->found);
  g_assert_false (((QuorumGuideImage *) g_ptr_array_index (images, 1))->found);
  g_assert_false (((QuorumGuideImage *) g_ptr_array_index (images, 1))->refused);
  g_assert_null (strstr (text, "[image: known alt]"));
  g_assert_true (tagged (buffer, "[image: missing alt]", QUORUM_GUIDE_TAG_PLACEHOLDER));

  anchors = quorum_guide_render_get_anchors (buffer);
  for (guint i = 0; i < anchors->len; i++)
    {
      GObject *anchor = g_ptr_array_index (anchors, i);

      rules += g_object_get_data (anchor, QUORUM_GUIDE_ANCHOR_RULE) != NULL;
      if (g_object_get_data (anchor, QUORUM_GUIDE_ANCHOR_IMAGE) != NULL)
        {
          g_assert_true (GDK_IS_PAINTABLE (g_object_get_data (anchor, QUORUM_GUIDE_ANCHOR_IMAGE)));
          pictures++;
        }
    }
  g_assert_cmpuint (rules, ==, 1);
  g_assert_cmpuint (pictures, ==, 1);

  /* No Markdown syntax is left over. */
  g_assert_null (strstr (text, "**bold"));
  g_assert_null (strstr (text, "|"));
  g_assert_null (strstr (text, "]("));
  g_assert_null (strstr (text, "# "));
  g_assert_false (g_str_has_suffix (text, "\n"));

  g_ptr_array_unref (resolver.names);
}

static void
test_render_again (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  GtkTextTagTable *tags = gtk_text_buffer_get_tag_table (buffer);
  g_autofree char *text = NULL;
  int size;

  quorum_guide_render (buffer, every_element, NULL, NULL);
  size = gtk_text_tag_table_get_size (tags);
  quorum_guide_render (buffer, every_element, NULL, NULL);
  /* The tags of the first links and tables went with their text. */
  g_assert_cmpint (gtk_text_tag_table_get_size (tags), ==, size);

  quorum_guide_render (buffer, "Just [one](https://example.org).", NULL, NULL);
  text = buffer_text (buffer);
  g_assert_cmpstr (text, ==, "Just one.");
  g_assert_cmpuint (quorum_guide_render_get_links (buffer)->len, ==, 1);
  g_assert_cmpuint (quorum_guide_render_get_images (buffer)->len, ==, 0);
}

static void
test_html_is_text (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autofree char *text = NULL;

  quorum_guide_render (buffer,
                       "<script>alert('x')</script>\n"
                       "\n"
                       "Some <b>bold</b> &amp; <img src=\"https://example.com/t.png\">.\n",
                       NULL, NULL);
  text = buffer_text (buffer);
  g_assert_nonnull (strstr (text, "<script>alert('x')</script>"));
  g_assert_nonnull (strstr (text, "Some <b>bold</b> & <img src=\"https://example.com/t.png\">."));
  g_assert_false (tagged (buffer, "bold", QUORUM_GUIDE_TAG_STRONG));
  g_assert_cmpuint (quorum_guide_render_get_images (buffer)->len, ==, 0);
  g_assert_cmpuint (quorum_guide_render_get_anchors (buffer)->len, ==, 0);
}

static void
test_link_schemes (void)
{
  g_assert_true (quorum_guide_link_is_openable ("https://example.org/a?b#c"));
  g_assert_true (quorum_guide_link_is_openable ("HTTP://example.org"));
  g_assert_false (quorum_guide_link_is_openable ("file:///etc/passwd"));
  g_assert_false (quorum_guide_link_is_openable ("javascript:alert(1)"));
  g_assert_false (quorum_guide_link_is_openable ("data:text/html,hi"));
  g_assert_false (quorum_guide_link_is_openable ("ftp://example.org/f"));
  g_assert_false (quorum_guide_link_is_openable ("mailto:someone@example.org"));
  g_assert_false (quorum_guide_link_is_openable ("other-guide.md"));
  g_assert_false (quorum_guide_link_is_openable ("/etc/passwd"));
  g_assert_false (quorum_guide_link_is_openable ("https:///no-host"));
  g_assert_false (quorum_guide_link_is_openable (""));
  g_assert_false (quorum_guide_link_is_openable (NULL));
}

/* Windows and the dialog. */

static void
iterate (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
wait_until (gboolean (*condition) (gpointer),
            gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
    }
  return TRUE;
}

static gboolean
widget_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

typedef struct
{
  guint      calls;
  char      *address;
  GtkWindow *parent;
} Launcher;

static void
launch (GtkWindow  *parent,
        const char *address,
        gpointer    user_data)
{
  Launcher *launcher = user_data;

  launcher->calls++;
  g_free (launcher->address);
  launcher->address = g_strdup (address);
  launcher->parent = parent;
}

typedef struct
{
  GtkWindow       *window;
  QuorumGuideView *view;
  Launcher         launcher;
  Resolver         resolver;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->view = QUORUM_GUIDE_VIEW (quorum_guide_view_new ());
  quorum_guide_view_set_launcher (fixture->view, launch, &fixture->launcher);
  quorum_guide_view_set_image_resolver (fixture->view, resolve, &fixture->resolver, NULL);
  gtk_window_set_default_size (fixture->window, 720, 600);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  gtk_window_present (fixture->window);
  g_assert_true (wait_until (widget_is_mapped, fixture->view));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  AdwMessageDialog *dialog;

  while ((dialog = find_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (fixture->window);
  iterate (20);
  g_free (fixture->launcher.address);
}

static const QuorumGuideLink *
view_link (QuorumGuideView *view,
           guint            index)
{
  GPtrArray *links = quorum_guide_render_get_links (gtk_text_view_get_buffer (quorum_guide_view_get_text_view (view)));

  g_assert_cmpuint (index, <, links->len);
  return g_ptr_array_index (links, index);
}

static void
test_nothing_fetched_or_opened (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (quorum_guide_view_get_text_view (fixture->view));
  GPtrArray *images, *links;

  quorum_guide_view_set_markdown (fixture->view,
                                  "![x](https://example.com/a.png)\n"
                                  "![y](file:///etc/passwd.png) ![z](/etc/z.png) ![w](../w.png)\n"
                                  "\n"
                                  "[secret](file:///etc/passwd) [js](javascript:alert(1)) "
                                  "[data](data:text/html,hi) [ftp](ftp://example.org/f) "
                                  "[near](other-guide.md)\n");

  /* The resolver never saw an address. */
  g_assert_cmpuint (fixture->resolver.calls, ==, 0);
  images = quorum_guide_render_get_images (buffer);
  g_assert_cmpuint (images->len, ==, 4);
  for (guint i = 0; i < images->len; i++)
    {
      QuorumGuideImage *image = g_ptr_array_index (images, i);

      g_assert_true (image->refused);
      g_assert_false (image->found);
    }
  g_assert_true (tagged (buffer, "[image: x]", QUORUM_GUIDE_TAG_PLACEHOLDER));
  g_assert_true (tagged (buffer, "[image: w]", QUORUM_GUIDE_TAG_PLACEHOLDER));
  g_assert_cmpuint (quorum_guide_render_get_anchors (buffer)->len, ==, 0);

  links = quorum_guide_render_get_links (buffer);
  g_assert_cmpuint (links->len, ==, 5);
  g_assert_cmpstr (view_link (fixture->view, 0)->target, ==, "file:///etc/passwd");
  g_assert_true (tagged (buffer, "secret", QUORUM_GUIDE_TAG_LINK_REFUSED));
  g_assert_false (tagged (buffer, "secret", QUORUM_GUIDE_TAG_LINK));

  /* Activating them, as a click does, asks nothing and opens nothing. */
  for (guint i = 0; i < links->len; i++)
    {
      const QuorumGuideLink *link = view_link (fixture->view, i);

      g_assert_true (link->refused);
      quorum_guide_view_activate_link (fixture->view, link->target);
    }
  iterate (100);
  g_assert_null (find_dialog ());
  g_assert_cmpuint (fixture->launcher.calls, ==, 0);
}

static void
test_open_after_confirming (Fixture       *fixture,
                            gconstpointer  data)
{
  const QuorumGuideLink *link;
  AdwMessageDialog *dialog;

  quorum_guide_view_set_markdown (fixture->view, "Read [the docs](https://example.org/docs).");
  link = view_link (fixture->view, 0);
  g_assert_false (link->refused);

  /* Cancelled: nothing opens. */
  quorum_guide_view_activate_link (fixture->view, link->target);
  g_assert_true (wait_until (dialog_shown, NULL));
  dialog = find_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "https://example.org/docs"));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == fixture->window);
  g_assert_cmpuint (fixture->launcher.calls, ==, 0);
  /* What a button of the dialog does: respond, then close. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_until (no_dialog, NULL));
  g_assert_cmpuint (fixture->launcher.calls, ==, 0);

  /* Confirmed: opened once, at that address. */
  quorum_guide_view_activate_link (fixture->view, link->target);
  g_assert_true (wait_until (dialog_shown, NULL));
  iterate (50);
  g_assert_cmpuint (fixture->launcher.calls, ==, 0);
  dialog = find_dialog ();
  adw_message_dialog_response (dialog, "open");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (wait_until (no_dialog, NULL));
  g_assert_cmpuint (fixture->launcher.calls, ==, 1);
  g_assert_cmpstr (fixture->launcher.address, ==, "https://example.org/docs");
  g_assert_true (fixture->launcher.parent == fixture->window);
}

static void
test_demo_guides (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char *const names[] = { "draw-guide.md", "review-guide.md" };
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (quorum_guide_view_get_text_view (fixture->view));

  /* Warnings and criticals abort a g_test program: rendering is checked by running it. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("QUORUM_SOURCE_ROOT"),
                                                "data", "demo", names[i], NULL);
      g_autofree char *markdown = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      GPtrArray *images;

      g_assert_true (g_file_get_contents (path, &markdown, NULL, &error));
      g_assert_no_error (error);
      fixture->resolver.calls = 0;
      quorum_guide_view_set_markdown (fixture->view, markdown);
      iterate (100);
      text = buffer_text (buffer);

      g_assert_null (strstr (text, "**"));
      g_assert_null (strstr (text, "|"));
      g_assert_null (strstr (text, "]("));
      g_assert_null (strstr (text, "\n#"));
      g_assert_false (g_str_has_prefix (text, "#"));
      images = quorum_guide_render_get_images (buffer);
      g_assert_cmpuint (images->len, >, 0);
      g_assert_cmpuint (fixture->resolver.calls, ==, images->len);
      g_assert_cmpstr (((QuorumGuideImage *) g_ptr_array_index (images, 0))->name, ==,
                       "example-tight-box.png");
    }

  /* The draw guide, looked at closer. */
  {
    g_autofree char *path = g_build_filename (g_getenv ("QUORUM_SOURCE_ROOT"),
                                              "data", "demo", "draw-guide.md", NULL);
    g_autofree char *markdown = NULL;
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (path, &markdown, NULL, NULL));
    quorum_guide_view_set_markdown (fixture->view, markdown);
    text = buffer_text (buffer);
    g_assert_true (tagged (buffer, "Drawing street scenes", QUORUM_GUIDE_TAG_HEADING_1));
    g_assert_true (tagged (buffer, "Occlusion", QUORUM_GUIDE_TAG_HEADING_2));
    g_assert_true (tagged (buffer, "label\tdrawn as\twhat counts\tminimum size",
                           QUORUM_GUIDE_TAG_TABLE_HEADER));
    g_assert_nonnull (strstr (text, "\ncar\tbox\tpassenger cars, vans, taxis, pick-ups\t12 px wide\n"));
    g_assert_cmpint (offset_of (buffer, "\ncar\t"), <, offset_of (buffer, "\ntruck\t"));
    g_assert_nonnull (strstr (text, "1.\tStop sign (red octagon)"));
    g_assert_nonnull (strstr (text, "3.\tSpeed limit sign (round)"));
    g_assert_true (tagged (buffer, "When you hesitate", QUORUM_GUIDE_TAG_QUOTE));
    g_assert_nonnull (strstr (text, "[image: A car with a tight box"));
  }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("QUORUM_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      /* In CI the display is part of the setup (build-aux/run-tests): its
       * absence is a failure there, not a skip. */
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/guide/every-element", test_every_element);
  g_test_add_func ("/guide/render-again", test_render_again);
  g_test_add_func ("/guide/html-is-text", test_html_is_text);
  g_test_add_func ("/guide/link-schemes", test_link_schemes);
  g_test_add ("/guide/nothing-fetched-or-opened", Fixture, NULL,
              fixture_set_up, test_nothing_fetched_or_opened, fixture_tear_down);
  g_test_add ("/guide/open-after-confirming", Fixture, NULL,
              fixture_set_up, test_open_after_confirming, fixture_tear_down);
  g_test_add ("/guide/demo-guides", Fixture, NULL,
              fixture_set_up, test_demo_guides, fixture_tear_down);
  return g_test_run ();
}
