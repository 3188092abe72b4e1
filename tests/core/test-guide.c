/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "quorum-core.h"

static void
assert_names (const char         *markdown,
              const char * const *expected)
{
  g_auto(GStrv) names = quorum_guide_image_names (markdown);

  if (!g_strv_equal ((const char * const *) names, expected))
    {
      g_autofree char *got = g_strjoinv (", ", names);
      g_autofree char *want = g_strjoinv (", ", (GStrv) expected);

      g_error ("“%s”: got [%s], expected [%s]", markdown, got, want);
    }
}

static void
test_inline_images (void)
{
  assert_names ("# Boxes\n\n![A tight box](example-tight-box.png)\n\nand ![loose](loose.png \"Too loose\").",
                (const char *[]) { "example-tight-box.png", "loose.png", NULL });
  assert_names ("![a](<with space.png>) ![b](paren\\).png) ![c](x(1).png) ![[nested] alt](n.png)",
                (const char *[]) { "with space.png", "paren).png", "x(1).png", "n.png", NULL });
  assert_names ("![twice](a.png) ![again](a.png 'title') ![title in parens](b.png (t))",
                (const char *[]) { "a.png", "b.png", NULL });
}

static void
test_not_a_file (void)
{
  assert_names ("![remote](https://example.com/a.png) ![data](data:image/png;base64,AAAA) "
                "![mail](mailto:x@y.z) ![up](../x.png) ![deep](a/../../x.png) ![root](/etc/x.png) "
                "![empty]() [link](link.png) ![ref][r] ! [spaced](s.png) ![bad](a.png \"open)",
                (const char *[]) { NULL });
}

static void
test_code (void)
{
  assert_names ("`![span](span.png)` and ``![two `ticks`](two.png)``\n"
                "```markdown\n![fenced](fenced.png)\n```\n"
                "~~~~\n```\n![tilde](tilde.png)\n~~~~\n"
                "\\![escaped](escaped.png) ![after](after.png)",
                (const char *[]) { "after.png", NULL });
}

/* A guide made to rescan itself (a megabyte of unclosed brackets, quotes
 * and backtick runs) is read in one pass: the images around it are found,
 * and in time (a quadratic scan takes minutes here). */
static void
test_pathological (void)
{
  static const char * const fillers[] = { "![", "![a](b \"", "![a](<b", "`", "``x", "![a](b (" };

  for (guint f = 0; f < G_N_ELEMENTS (fillers); f++)
    {
      g_autoptr(GString) text = g_string_new ("![first](one.png)\n\n");
      g_auto(GStrv) names = NULL;
      gint64 start;

      while (text->len < 1024 * 1024)
        g_string_append (text, fillers[f]);
      g_string_append (text, "\n\n![last](two.png)\n");
      start = g_get_monotonic_time ();
      names = quorum_guide_image_names (text->str);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
      g_assert_nonnull (names);
      g_assert_cmpstr (names[0], ==, "one.png");
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/guide/inline-images", test_inline_images);
  g_test_add_func ("/guide/not-a-file", test_not_a_file);
  g_test_add_func ("/guide/code", test_code);
  g_test_add_func ("/guide/pathological", test_pathological);
  return g_test_run ();
}
