/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <string.h>

#include "quorum-guide.h"

/*
 * The server does not render guides (the app does, with cmark-gfm); it only
 * needs the project files a guide shows, to let the guide's readers fetch
 * them. So this reads just enough Markdown to find inline images
 * `![alt](target)` and `![alt](target "title")` outside code, and keeps
 * the targets that name a file: no scheme, no absolute path, no `..`.
 */

static gboolean
is_escapable (char c)
{
  return g_ascii_ispunct (c);
}

/* An image reference longer than this is not looked at: the scan stays
 * linear in the guide's length however its brackets and quotes are (a
 * guide of a megabyte of "![" would otherwise rescan to its end from each). */
#define MAX_REFERENCE 1024

/* Past the `]` that closes the `[` at @p, or NULL. */
static const char *
skip_label (const char *p)
{
  const char *start = p;
  int depth = 0;

  for (; *p != '\0' && p - start < MAX_REFERENCE; p++)
    {
      if (*p == '\\' && is_escapable (p[1]))
        p++;
      else if (*p == '`')
        return NULL;    /* keep it simple: no code spans in alt text */
      else if (*p == '[')
        depth++;
      else if (*p == ']' && --depth == 0)
        return p + 1;
    }
  return NULL;
}

static const char *
skip_blanks (const char *p)
{
  gboolean newline = FALSE;

  while (*p == ' ' || *p == '\t' || (*p == '\n' && !newline))
    newline |= *p++ == '\n';
  return p;
}

/* Reads `(target "title")` at @p (just past the `(`); returns the end past
 * `)` with the unescaped target in @target, or NULL when it is no link
 * destination. */
static const char *
read_destination (const char  *p,
                  GString     *target)
{
  const char *start = p;

  p = skip_blanks (p);
  if (*p == '<')
    {
      for (p++; *p != '>'; p++)
        {
          if (*p == '\0' || *p == '\n' || *p == '<' || p - start >= MAX_REFERENCE)
            return NULL;
          if (*p == '\\' && is_escapable (p[1]))
            p++;
          g_string_append_c (target, *p);
        }
      p++;
    }
  else
    {
      int depth = 0;

      for (; *p != '\0' && !g_ascii_isspace (*p) && !g_ascii_iscntrl (*p); p++)
        {
          if (p - start >= MAX_REFERENCE)
            return NULL;
          if (*p == '\\' && is_escapable (p[1]))
            p++;
          else if (*p == '(')
            depth++;
          else if (*p == ')' && depth-- == 0)
            break;
          g_string_append_c (target, *p);
        }
      if (depth > 0)
        return NULL;
    }
  p = skip_blanks (p);
  if (*p == '"' || *p == '\'' || *p == '(')
    {
      char close = *p == '(' ? ')' : *p;

      for (p++; *p != close; p++)
        {
          if (*p == '\0' || p - start >= MAX_REFERENCE)
            return NULL;
          if (*p == '\\' && is_escapable (p[1]))
            p++;
        }
      p = skip_blanks (p + 1);
    }
  return *p == ')' ? p + 1 : NULL;
}

static gboolean
is_plain_name (const char *target)
{
  const char *p = target;
  g_auto(GStrv) segments = NULL;

  if (*target == '\0' || *target == '/' || *target == '\\')
    return FALSE;
  /* A scheme: a letter, then letters, digits, "+", "-" or ".", then ":". */
  if (g_ascii_isalpha (*p))
    {
      while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
      if (*p == ':')
        return FALSE;
    }
  segments = g_strsplit_set (target, "/\\", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (g_str_equal (segments[i], ".."))
      return FALSE;
  return TRUE;
}

static const char *
line_end (const char *p)
{
  const char *newline = strchr (p, '\n');

  return newline != NULL ? newline : p + strlen (p);
}

/* The length of the code fence that opens or closes at @line, or 0. */
static gsize
fence_at (const char *line,
          char       *marker)
{
  gsize n = 0;

  for (int indent = 0; indent < 3 && *line == ' '; indent++)
    line++;
  if (*line != '`' && *line != '~')
    return 0;
  while (line[n] == *line)
    n++;
  if (n < 3)
    return 0;
  *marker = *line;
  return n;
}

/**
 * quorum_guide_image_names:
 * @markdown: a guide's text
 *
 * Returns: (transfer full): the distinct plain file names the guide's inline
 * images point at, in the order they first appear
 */
GStrv
quorum_guide_image_names (const char *markdown)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) target = g_string_new (NULL);
  gboolean line_start = TRUE;
  gsize fence = 0;
  char fence_marker = 0;
  gboolean unclosed[64] = { FALSE };
  const char *p = markdown;

  while (*p != '\0')
    {
      if (line_start)
        {
          char marker = 0;
          gsize n = fence_at (p, &marker);

          line_start = FALSE;
          if (fence > 0 ? (n >= fence && marker == fence_marker) : n > 0)
            {
              fence = fence > 0 ? 0 : n;
              fence_marker = marker;
              p = line_end (p);
              continue;
            }
        }
      if (*p == '\n')
        {
          line_start = TRUE;
          p++;
          continue;
        }
      if (fence > 0)
        {
          p = line_end (p);
          continue;
        }
      if (*p == '\\' && is_escapable (p[1]))
        {
          p += 2;
          continue;
        }
      if (*p == '`')
        {
          gsize run = strspn (p, "`");
          const char *q = p + run;

          /* A code span ends at the next run of as many backticks; once a
           * run length has none after some point it has none after any
           * later one, which keeps the scan linear. */
          if (run < G_N_ELEMENTS (unclosed) && unclosed[run])
            q = NULL;
          else
            while ((q = strchr (q, '`')) != NULL)
              {
                gsize other = strspn (q, "`");

                if (other == run)
                  break;
                q += other;
              }
          if (q == NULL && run < G_N_ELEMENTS (unclosed))
            unclosed[run] = TRUE;
          p = q != NULL ? q + run : p + run;
          continue;
        }
      if (p[0] == '!' && p[1] == '[')
        {
          const char *after = skip_label (p + 1);
          const char *end;

          g_string_truncate (target, 0);
          if (after != NULL && *after == '(' && (end = read_destination (after + 1, target)) != NULL)
            {
              if (is_plain_name (target->str) && !g_hash_table_contains (seen, target->str))
                {
                  g_hash_table_add (seen, g_strdup (target->str));
                  g_strv_builder_add (builder, target->str);
                }
              p = end;
              continue;
            }
        }
      p++;
    }
  return g_strv_builder_end (builder);
}
