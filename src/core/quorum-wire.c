/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-wire-private.h"
#include "quorum-wire.h"

/* ======================================================================
 * Bytes to a tree
 *
 * json-glib 1.6 is lenient where the wire format must be strict: it accepts
 * C comments, single-quoted strings, hex numbers and text after the
 * document, wraps integers beyond 64 bits silently (18446744073709551617
 * becomes -1), keeps the last of two members with the same name, and
 * recurses once per nesting level, so 100,000 '[' crash it. A strict,
 * non-recursive scan of the bytes runs first; json-glib only ever sees
 * documents the scan accepted.
 * ====================================================================== */

typedef struct {
  const char *p;
  const char *end;
  guint       line;
  const char *line_start;
  char        what[32];   /* scan_describe's answer; per scan, so threads may parse at once */
} Scan;

static guint
scan_column (const Scan *scan)
{
  guint column = 1;

  /* Characters, not bytes: count every byte that does not continue a
   * UTF-8 sequence. */
  for (const char *q = scan->line_start; q < scan->p; q++)
    if (((guchar) *q & 0xc0) != 0x80)
      column++;
  return column;
}

static gboolean scan_fail (Scan *scan, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
scan_fail (Scan       *scan,
           GError    **error,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
               "%u:%u: %s", scan->line, scan_column (scan), message);
  return FALSE;
}

static void
scan_space (Scan *scan)
{
  while (scan->p < scan->end)
    {
      char c = *scan->p;

      if (c == '\n')
        {
          scan->line++;
          scan->line_start = scan->p + 1;
        }
      else if (c != ' ' && c != '\t' && c != '\r')
        return;
      scan->p++;
    }
}

/* The character at the scan position, quoted, for a message. The input was
 * checked to be UTF-8, so a whole character can be copied. */
static const char *
scan_describe (Scan *scan)
{
  guchar c;

  if (scan->p >= scan->end)
    return "end of input";
  c = (guchar) *scan->p;
  if (c >= 0x80)
    {
      const char *next = g_utf8_next_char (scan->p);
      g_snprintf (scan->what, sizeof scan->what, "‘%.*s’", (int) (next - scan->p), scan->p);
    }
  else if (c >= 0x20 && c < 0x7f)
    g_snprintf (scan->what, sizeof scan->what, "‘%c’", c);
  else
    g_snprintf (scan->what, sizeof scan->what, "control character 0x%02x", c);
  return scan->what;
}

/* At the 'u' of "\uXXXX": reads the four hex digits and moves past them. */
static gboolean
scan_unicode_escape (Scan    *scan,
                     guint   *unit,
                     GError **error)
{
  *unit = 0;
  for (int i = 1; i <= 4; i++)
    {
      if (scan->p + i >= scan->end || !g_ascii_isxdigit (scan->p[i]))
        {
          scan->p += MIN (i, scan->end - scan->p);
          return scan_fail (scan, error, "\\u needs four hexadecimal digits");
        }
      *unit = *unit * 16 + g_ascii_xdigit_value (scan->p[i]);
    }
  scan->p += 5;
  return TRUE;
}

static gboolean
scan_string (Scan    *scan,
             GError **error)
{
  g_assert (*scan->p == '"');
  scan->p++;
  while (scan->p < scan->end)
    {
      guchar c = (guchar) *scan->p;

      if (c == '"')
        {
          scan->p++;
          return TRUE;
        }
      if (c < 0x20)
        return scan_fail (scan, error, "a control character must be escaped in a string");
      if (c == '\\')
        {
          scan->p++;
          if (scan->p >= scan->end)
            break;
          if (*scan->p == 'u')
            {
              const char *backslash = scan->p - 1;
              guint unit;

              if (!scan_unicode_escape (scan, &unit, error))
                return FALSE;
              /* json-glib would cut the string short at a NUL, and would
               * turn a lone surrogate into bytes that are not UTF-8. */
              if (unit == 0)
                {
                  scan->p = backslash;
                  return scan_fail (scan, error, "\\u0000 is not allowed in a string");
                }
              if (unit >= 0xdc00 && unit <= 0xdfff)
                {
                  scan->p = backslash;
                  return scan_fail (scan, error, "\\u%04x is an unpaired surrogate", unit);
                }
              if (unit >= 0xd800 && unit <= 0xdbff)
                {
                  guint low = 0;
                  gboolean paired = scan->end - scan->p >= 2 && scan->p[0] == '\\' &&
                                    scan->p[1] == 'u';

                  if (paired)
                    {
                      scan->p++;
                      paired = scan_unicode_escape (scan, &low, NULL) &&
                               low >= 0xdc00 && low <= 0xdfff;
                    }
                  if (!paired)
                    {
                      scan->p = backslash;
                      return scan_fail (scan, error, "\\u%04x is an unpaired surrogate", unit);
                    }
                }
              continue;
            }
          if (strchr ("\"\\/bfnrt", *scan->p) == NULL || *scan->p == '\0')
            return scan_fail (scan, error, "unknown escape sequence: ‘\\’ then %s",
                              scan_describe (scan));
        }
      scan->p++;
    }
  return scan_fail (scan, error, "the input ends inside a string");
}

static gboolean
scan_digits (Scan *scan)
{
  const char *begin = scan->p;

  while (scan->p < scan->end && g_ascii_isdigit (*scan->p))
    scan->p++;
  return scan->p > begin;
}

static gboolean
scan_number (Scan    *scan,
             GError **error)
{
  const char *begin = scan->p;
  gboolean integer = TRUE;
  g_autofree char *token = NULL;
  g_autofree char *shown = NULL;

  if (*scan->p == '-')
    scan->p++;
  if (scan->p < scan->end && *scan->p == '0')
    scan->p++;
  else if (!scan_digits (scan))
    return scan_fail (scan, error, "a number needs digits, not %s", scan_describe (scan));
  if (scan->p < scan->end && *scan->p == '.')
    {
      integer = FALSE;
      scan->p++;
      if (!scan_digits (scan))
        return scan_fail (scan, error, "a number needs digits after ‘.’");
    }
  if (scan->p < scan->end && (*scan->p == 'e' || *scan->p == 'E'))
    {
      integer = FALSE;
      scan->p++;
      if (scan->p < scan->end && (*scan->p == '+' || *scan->p == '-'))
        scan->p++;
      if (!scan_digits (scan))
        return scan_fail (scan, error, "a number needs digits in its exponent");
    }
  if (scan->p < scan->end && (g_ascii_isalnum (*scan->p) || *scan->p == '.'))
    return scan_fail (scan, error, "unexpected %s in a number", scan_describe (scan));

  token = g_strndup (begin, scan->p - begin);
  /* Only the start of an absurdly long number goes into a message. */
  shown = strlen (token) > 40 ? g_strdup_printf ("%.40s…", token) : g_strdup (token);
  errno = 0;
  if (integer)
    {
      g_ascii_strtoll (token, NULL, 10);
      if (errno == ERANGE)
        {
          scan->p = begin;
          return scan_fail (scan, error, "the number %s is too large", shown);
        }
    }
  else if (!isfinite (g_ascii_strtod (token, NULL)))
    {
      scan->p = begin;
      return scan_fail (scan, error, "the number %s is too large", shown);
    }
  return TRUE;
}

static gboolean
scan_literal (Scan    *scan,
              GError **error)
{
  static const char * const literals[] = { "true", "false", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i]);

      if ((gsize) (scan->end - scan->p) >= n && memcmp (scan->p, literals[i], n) == 0 &&
          (scan->p + n == scan->end || !g_ascii_isalnum (scan->p[n])))
        {
          scan->p += n;
          return TRUE;
        }
    }
  if (g_ascii_isalpha (*scan->p))
    {
      const char *q = scan->p;
      g_autofree char *word = NULL;

      while (q < scan->end && g_ascii_isalnum (*q) && q - scan->p < 20)
        q++;
      word = g_strndup (scan->p, q - scan->p);
      return scan_fail (scan, error, "unexpected word ‘%s’, expected a value", word);
    }
  return scan_fail (scan, error, "unexpected %s, expected a value", scan_describe (scan));
}

static gboolean
scan_member_name (Scan    *scan,
                  GError **error)
{
  scan_space (scan);
  if (scan->p >= scan->end || *scan->p != '"')
    return scan_fail (scan, error, "unexpected %s, expected a member name in double quotes",
                      scan_describe (scan));
  if (!scan_string (scan, error))
    return FALSE;
  scan_space (scan);
  if (scan->p >= scan->end || *scan->p != ':')
    return scan_fail (scan, error, "unexpected %s, expected ‘:’", scan_describe (scan));
  scan->p++;
  return TRUE;
}

/* Checks that the bytes are one strict RFC 8259 document no deeper than
 * QUORUM_WIRE_MAX_DEPTH, without recursion. */
static gboolean
scan_document (const char *data,
               gsize       length,
               GError    **error)
{
  Scan scan = { data, data + length, 1, data, "" };
  char stack[QUORUM_WIRE_MAX_DEPTH];
  guint depth = 0;
  const char *bad;

  if (!g_utf8_validate_len (data, length, &bad))
    {
      scan.p = bad;
      for (const char *q = data; q < bad; q++)
        if (*q == '\n')
          {
            scan.line++;
            scan.line_start = q + 1;
          }
      return scan_fail (&scan, error, "the input is not valid UTF-8 text");
    }
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    scan.p = scan.line_start = data + 3;

  scan_space (&scan);
  if (scan.p >= scan.end)
    return scan_fail (&scan, error, "the document is empty");

  for (;;)
    {
      /* A value starts here. */
      scan_space (&scan);
      if (scan.p >= scan.end)
        return scan_fail (&scan, error, "the input ends where a value was expected");
      if (*scan.p == '[' || *scan.p == '{')
        {
          char open = *scan.p;

          if (depth == QUORUM_WIRE_MAX_DEPTH)
            return scan_fail (&scan, error, "the document nests deeper than %d levels",
                              QUORUM_WIRE_MAX_DEPTH);
          stack[depth++] = open;
          scan.p++;
          scan_space (&scan);
          if (scan.p < scan.end && *scan.p == (open == '[' ? ']' : '}'))
            {
              scan.p++;
              depth--;
            }
          else
            {
              if (open == '{' && !scan_member_name (&scan, error))
                return FALSE;
              continue;
            }
        }
      else if (*scan.p == '"')
        {
          if (!scan_string (&scan, error))
            return FALSE;
        }
      else if (*scan.p == '-' || g_ascii_isdigit (*scan.p))
        {
          if (!scan_number (&scan, error))
            return FALSE;
        }
      else if (!scan_literal (&scan, error))
        return FALSE;

      /* A value ended: close containers, or find the next one. */
      for (;;)
        {
          char close;

          scan_space (&scan);
          if (depth == 0)
            {
              if (scan.p < scan.end)
                return scan_fail (&scan, error, "unexpected %s after the end of the document",
                                  scan_describe (&scan));
              return TRUE;
            }
          close = stack[depth - 1] == '[' ? ']' : '}';
          if (scan.p < scan.end && *scan.p == close)
            {
              scan.p++;
              depth--;
              continue;
            }
          if (scan.p < scan.end && *scan.p == ',')
            {
              scan.p++;
              if (close == '}' && !scan_member_name (&scan, error))
                return FALSE;
              break;
            }
          return scan_fail (&scan, error, "unexpected %s, expected ‘,’ or ‘%c’",
                            scan_describe (&scan), close);
        }
    }
}

typedef struct {
  GHashTable *counts;   /* JsonObject → number of members parsed */
  char       *duplicate;
  guint       line;
  guint       column;
} DuplicateWatch;

static void
on_object_member (JsonParser     *parser,
                  JsonObject     *object,
                  const char     *name,
                  DuplicateWatch *watch)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (watch->counts, object)) + 1;

  g_hash_table_insert (watch->counts, object, GUINT_TO_POINTER (count));
  /* json-glib replaces a repeated member, so the object is smaller than the
   * number of members seen. */
  if (watch->duplicate == NULL && json_object_get_size (object) < count)
    {
      watch->duplicate = g_strdup (name);
      watch->line = json_parser_get_current_line (parser);
      watch->column = json_parser_get_current_pos (parser);
    }
}

static void
on_object_end (JsonParser     *parser,
               JsonObject     *object,
               DuplicateWatch *watch)
{
  g_hash_table_remove (watch->counts, object);
}

JsonNode *
quorum_wire_parse_bytes (const char *data,
                         gsize       length,
                         GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  DuplicateWatch watch = { 0 };
  gboolean loaded;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > QUORUM_WIRE_MAX_BYTES)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                   "the document is %" G_GSIZE_FORMAT " bytes; the limit is %d MiB",
                   length, QUORUM_WIRE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!scan_document (data != NULL ? data : "", length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  watch.counts = g_hash_table_new (NULL, NULL);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &watch);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_object_end), &watch);
  loaded = json_parser_load_from_data (parser, data, (gssize) length, &local_error);
  g_hash_table_unref (watch.counts);

  if (!loaded)
    {
      const char *message = local_error->message;

      /* "<data>:3:5: Parse error: …" → "3:5: …" */
      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s", message);
      g_free (watch.duplicate);
      return NULL;
    }
  if (watch.duplicate != NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "%u:%u: the member “%s” appears twice in one object",
                   watch.line, watch.column, watch.duplicate);
      g_free (watch.duplicate);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "1:1: the document is empty");
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

/* json-glib 1.6 (Debian 12) appends ".0" to every double written without a
 * '.', exponents included: 1e-300 becomes "1e-300.0", which is no JSON
 * number, so a coordinate of 1e-300 made a document no reader takes back
 * (found by fuzzing). Outside strings ".0" after an exponent's digits comes
 * from nothing else; dropping it there leaves the number g_ascii_dtostr()
 * wrote, which reads back bit for bit. */
static void
drop_fraction_after_exponent (char *text)
{
  const char *in = text;
  char *out = text;
  gboolean in_string = FALSE;

  while (*in != '\0')
    {
      if (in_string)
        {
          if (*in == '\\' && in[1] != '\0')
            *out++ = *in++;
          else if (*in == '"')
            in_string = FALSE;
          *out++ = *in++;
        }
      else if (*in == '"')
        {
          in_string = TRUE;
          *out++ = *in++;
        }
      else if ((*in == 'e' || *in == 'E') && out > text && g_ascii_isdigit (out[-1]))
        {
          *out++ = *in++;
          if (*in == '+' || *in == '-')
            *out++ = *in++;
          while (g_ascii_isdigit (*in))
            *out++ = *in++;
          if (in[0] == '.' && in[1] == '0' && !g_ascii_isdigit (in[2]))
            in += 2;
        }
      else
        *out++ = *in++;
    }
  *out = '\0';
}

char *
quorum_wire_to_string (JsonNode *node,
                       gboolean  pretty)
{
  /* Compact text, what the server replies and stores, comes from a direct
   * writer at about 15 times the generator's speed, byte for byte the same
   * (test-wire-stream holds the two together). */
  if (!pretty)
    {
      GString *out = g_string_sized_new (256);

      _quorum_wire_append_node (out, node);
      return g_string_free (out, FALSE);
    }
  return _quorum_wire_generate (node, pretty);
}

char *
_quorum_wire_generate (JsonNode *node,
                       gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  char *text;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  drop_fraction_after_exponent (text);
  /* json-glib 1.6 escapes every control character but U+001F, which it
   * writes as it is: a document no strict reader takes back. The byte
   * occurs nowhere else in generated text. */
  if (strchr (text, '\x1f') != NULL)
    {
      GString *escaped = g_string_sized_new (strlen (text) + 16);

      for (const char *p = text; *p != '\0'; p++)
        if (*p == '\x1f')
          g_string_append (escaped, "\\u001f");
        else
          g_string_append_c (escaped, *p);
      g_free (text);
      text = g_string_free (escaped, FALSE);
    }
  return text;
}

/* ======================================================================
 * Paths and typed members
 * ====================================================================== */

static gboolean fail (GError **error, const char *path, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Every reader error goes through here: "PATH: MESSAGE". */
static gboolean
fail (GError    **error,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (path == NULL || *path == '\0')
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s", message);
  else
    g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: %s", path, message);
  return FALSE;
}

static char *
path_member (const char *path,
             const char *name)
{
  if (path == NULL || *path == '\0')
    return g_strdup (name);
  return g_strconcat (path, ".", name, NULL);
}

static char *
path_index (const char *path,
            guint       index)
{
  return g_strdup_printf ("%s[%u]", path != NULL ? path : "", index);
}

/* Prefixes an error from a model check ("points: …") with where the checked
 * value sits. */
static void
prefix_error (GError    **error,
              const char *path)
{
  if (error != NULL && *error != NULL && path != NULL && *path != '\0')
    g_prefix_error (error, "%s.", path);
}

static const char *
describe_node (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_STRING:
      return "a string";
    default:
      return "a number";
    }
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_boolean (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* The object at @node; @what names the value when it is the whole
 * document ("an instance"). */
static JsonObject *
expect_object (JsonNode   *node,
               const char *path,
               const char *what,
               GError    **error)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  if (path == NULL || *path == '\0')
    fail (error, NULL, "%s must be an object, not %s", what, describe_node (node));
  else
    fail (error, path, "must be an object, not %s", describe_node (node));
  return NULL;
}

static JsonArray *
expect_array (JsonNode   *node,
              const char *path,
              const char *what,
              GError    **error)
{
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);
  if (path == NULL || *path == '\0')
    fail (error, NULL, "%s must be an array, not %s", what, describe_node (node));
  else
    fail (error, path, "must be an array, not %s", describe_node (node));
  return NULL;
}

/* Rejects members the format does not define: a typo should not vanish. */
static gboolean
check_members (JsonObject         *object,
               const char         *path,
               const char * const *known,
               GError            **error)
{
  JsonObjectIter iter;
  const char *name;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, NULL))
    {
      if (!g_strv_contains (known, name))
        {
          g_autofree char *where = path_member (path, name);
          return fail (error, where, "unknown member");
        }
    }
  return TRUE;
}

/* A required member; absent → error. */
static JsonNode *
require_member (JsonObject *object,
                const char *path,
                const char *name,
                GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      g_autofree char *where = path_member (path, name);
      fail (error, where, "is required");
    }
  return node;
}

/* A string member. With @optional, an absent member or null leaves *value
 * NULL. Empty strings are refused: absence is spelled null. */
static gboolean
read_string (JsonObject  *object,
             const char  *path,
             const char  *name,
             gboolean     optional,
             const char **value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *where = path_member (path, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (optional)
        return TRUE;
      return fail (error, where, node == NULL ? "is required" : "must be a string, not null");
    }
  if (!node_is_string (node))
    return fail (error, where, "must be a string%s, not %s",
                 optional ? " or null" : "", describe_node (node));
  if (*json_node_get_string (node) == '\0')
    return fail (error, where, "must not be empty%s", optional ? " (use null)" : "");
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
check_number (JsonNode   *node,
              const char *where,
              double     *value,
              GError    **error)
{
  if (!node_is_number (node))
    return fail (error, where, "must be a number, not %s", describe_node (node));
  *value = json_node_get_double (node);
  if (!isfinite (*value))
    return fail (error, where, "must be a finite number");
  return TRUE;
}

/* A number member between @min and @max; absent leaves *value alone. */
static gboolean
read_number (JsonObject *object,
             const char *path,
             const char *name,
             double      min,
             double      max,
             double     *value,
             GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *where = NULL;
  double v = 0;

  if (node == NULL)
    return TRUE;
  where = path_member (path, name);
  if (!check_number (node, where, &v, error))
    return FALSE;
  if (v < min || v > max)
    return fail (error, where, "must be between %g and %g, not %g", min, max, v);
  *value = v;
  return TRUE;
}

/* A whole-number member between @min and @max; absent leaves *value alone. */
static gboolean
read_integer (JsonObject *object,
              const char *path,
              const char *name,
              gint64      min,
              gint64      max,
              gint64     *value,
              GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *where = NULL;
  gint64 v;

  if (node == NULL)
    return TRUE;
  where = path_member (path, name);
  if (!node_is_number (node))
    return fail (error, where, "must be a whole number, not %s", describe_node (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    v = json_node_get_int (node);
  else
    {
      /* JSON has one number type: 3.0 is the whole number 3, as a writer
       * that keeps every number a double would send it. */
      double d = json_node_get_double (node);

      if (!isfinite (d) || d != floor (d))
        return fail (error, where, "must be a whole number, not %g", d);
      if (d < (double) min || d > (double) max)
        return fail (error, where, "must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                     ", not %g", min, max, d);
      v = (gint64) d;
    }
  if (v < min || v > max)
    return fail (error, where, "must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                 ", not %" G_GINT64_FORMAT, min, max, v);
  *value = v;
  return TRUE;
}

static gboolean
read_boolean (JsonObject *object,
              const char *path,
              const char *name,
              gboolean   *value,
              GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return TRUE;
  if (!node_is_boolean (node))
    {
      g_autofree char *where = path_member (path, name);
      return fail (error, where, "must be true or false, not %s", describe_node (node));
    }
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* The wire names of an enum, for "expected box, polygon or tag". */
static char *
list_names (const char *(*to_string) (int),
            guint        n)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (names, i + 1 == n ? " or " : ", ");
      g_string_append (names, to_string ((int) i));
    }
  return g_string_free (names, FALSE);
}

/* An enum member by its wire name. A missing required member is an error;
 * a missing optional one leaves *value alone. */
static gboolean
read_enum (JsonObject   *object,
           const char   *path,
           const char   *name,
           gboolean      optional,
           const char   *what,
           gboolean    (*from_string) (const char *, int *),
           const char *(*to_string) (int),
           guint         n_values,
           int          *value,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *where = path_member (path, name);
  g_autofree char *names = NULL;

  if (node == NULL && optional)
    return TRUE;
  if (node == NULL)
    return fail (error, where, "is required");
  if (!node_is_string (node))
    return fail (error, where, "must be a string, not %s", describe_node (node));
  if (from_string (json_node_get_string (node), value))
    return TRUE;
  names = list_names (to_string, n_values);
  return fail (error, where, "unknown %s “%s”; expected %s",
               what, json_node_get_string (node), names);
}

/* read_enum takes any enum through int; these adapters convert without
 * calling a function through a pointer of another type. */
#define DEFINE_ENUM_ADAPTERS(prefix, Type)                              \
  static gboolean                                                       \
  prefix##_from_name (const char *name,                                 \
                      int        *value)                                \
  {                                                                     \
    Type v;                                                             \
    if (!prefix##_from_string (name, &v))                               \
      return FALSE;                                                     \
    *value = (int) v;                                                   \
    return TRUE;                                                        \
  }                                                                     \
  static const char *                                                   \
  prefix##_name (int value)                                             \
  {                                                                     \
    return prefix##_to_string ((Type) value);                           \
  }

DEFINE_ENUM_ADAPTERS (quorum_kind, QuorumKind)
DEFINE_ENUM_ADAPTERS (quorum_attribute_type, QuorumAttributeType)
DEFINE_ENUM_ADAPTERS (quorum_job_type, QuorumJobType)
DEFINE_ENUM_ADAPTERS (quorum_share, QuorumShare)
DEFINE_ENUM_ADAPTERS (quorum_consensus_mode, QuorumConsensusMode)
DEFINE_ENUM_ADAPTERS (quorum_bid_per, QuorumBidPer)

#define ENUM_ARGS(prefix, n) prefix##_from_name, prefix##_name, n

/* An array of distinct non-empty strings; absent → an empty vector. */
static GStrv
read_string_list (JsonObject *object,
                  const char *path,
                  const char *name,
                  GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *where = path_member (path, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  guint n;

  if (node == NULL)
    return g_strv_builder_end (builder);
  if ((array = expect_array (node, where, NULL, error)) == NULL)
    return NULL;
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value;

      if (!node_is_string (element) || *json_node_get_string (element) == '\0')
        {
          g_autofree char *at = path_index (where, i);
          fail (error, at, "must be a non-empty string, not %s",
                node_is_string (element) ? "an empty one" : describe_node (element));
          return NULL;
        }
      value = json_node_get_string (element);
      for (guint j = 0; j < i; j++)
        if (g_str_equal (json_array_get_string_element (array, j), value))
          {
            g_autofree char *at = path_index (where, i);
            fail (error, at, "“%s” is listed twice", value);
            return NULL;
          }
      g_strv_builder_add (builder, value);
    }
  return g_strv_builder_end (builder);
}

/* ======================================================================
 * Instances
 * ====================================================================== */

static const char * const instance_members[] = {
  "id", "label", "kind", "points", "attributes", "frame", "track_id", "author", "copied_from",
  "keyframe", "outside", "occluded", NULL
};

static gboolean
read_points (JsonNode        *node,
             const char      *path,
             QuorumInstance  *instance,
             GError         **error)
{
  g_autofree QuorumPoint *points = NULL;
  JsonArray *array;
  guint n;

  if ((array = expect_array (node, path, NULL, error)) == NULL)
    return FALSE;
  n = json_array_get_length (array);
  points = g_new (QuorumPoint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonArray *pair;
      double xy[2];

      if (!JSON_NODE_HOLDS_ARRAY (element) ||
          json_array_get_length (pair = json_node_get_array (element)) != 2)
        {
          g_autofree char *at = path_index (path, i);
          if (JSON_NODE_HOLDS_ARRAY (element))
            return fail (error, at, "must be [x, y], not %u numbers",
                         json_array_get_length (json_node_get_array (element)));
          return fail (error, at, "must be an array [x, y], not %s", describe_node (element));
        }
      for (guint k = 0; k < 2; k++)
        {
          JsonNode *coordinate = json_array_get_element (pair, k);

          if (!node_is_number (coordinate) || !isfinite (json_node_get_double (coordinate)) ||
              fabs (json_node_get_double (coordinate)) > QUORUM_WIRE_MAX_COORDINATE)
            {
              g_autofree char *at = g_strdup_printf ("%s[%u][%u]", path, i, k);
              if (!node_is_number (coordinate))
                return fail (error, at, "must be a number, not %s", describe_node (coordinate));
              if (!isfinite (json_node_get_double (coordinate)))
                return fail (error, at, "must be a finite number");
              return fail (error, at, "%g is out of range; coordinates lie between -%g and %g",
                           json_node_get_double (coordinate),
                           QUORUM_WIRE_MAX_COORDINATE, QUORUM_WIRE_MAX_COORDINATE);
            }
          xy[k] = json_node_get_double (coordinate);
        }
      points[i] = (QuorumPoint) { xy[0], xy[1] };
    }
  quorum_instance_set_points (instance, points, n);
  return TRUE;
}

static char *
quote_options (const GStrv options)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    g_string_append_printf (text, "%s“%s”", i > 0 ? ", " : "", options[i]);
  return g_string_free (text, FALSE);
}

/* One attribute value, checked against @spec when there is one, copied
 * into a fresh node so the instance owns nothing of the caller's tree. */
static JsonNode *
read_attribute_value (JsonNode                  *node,
                      const QuorumAttributeSpec *spec,
                      const char                *where,
                      GError                   **error)
{
  g_autofree char *options = spec != NULL ? quote_options (spec->options) : NULL;

  if (spec == NULL)
    {
      if (node_is_boolean (node))
        return json_node_init_boolean (json_node_alloc (), json_node_get_boolean (node));
      if (node_is_string (node))
        return json_node_init_string (json_node_alloc (), json_node_get_string (node));
      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          fail (error, where, "must be true, false, a string or an array of strings, not %s",
                describe_node (node));
          return NULL;
        }
    }
  else
    switch (spec->type)
      {
      case QUORUM_ATTRIBUTE_BOOLEAN:
        if (!node_is_boolean (node))
          {
            fail (error, where, "must be true or false");
            return NULL;
          }
        return json_node_init_boolean (json_node_alloc (), json_node_get_boolean (node));

      case QUORUM_ATTRIBUTE_TEXT:
        if (!node_is_string (node))
          {
            fail (error, where, "must be a string, not %s", describe_node (node));
            return NULL;
          }
        return json_node_init_string (json_node_alloc (), json_node_get_string (node));

      case QUORUM_ATTRIBUTE_SINGLE_CHOICE:
        if (!node_is_string (node) ||
            !g_strv_contains ((const char * const *) spec->options, json_node_get_string (node)))
          {
            fail (error, where, "must be one of %s", options);
            return NULL;
          }
        return json_node_init_string (json_node_alloc (), json_node_get_string (node));

      case QUORUM_ATTRIBUTE_MULTIPLE_CHOICE:
      default:
        if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
          {
            fail (error, where, "must be an array of some of %s", options);
            return NULL;
          }
        break;
      }

  /* An array of strings: free-form, or distinct choices. */
  {
    JsonArray *array = json_node_get_array (node);
    g_autoptr(JsonArray) copy = json_array_new ();
    guint n = json_array_get_length (array);

    for (guint i = 0; i < n; i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        const char *value;

        if (!node_is_string (element))
          {
            g_autofree char *at = path_index (where, i);
            fail (error, at, "must be a string, not %s", describe_node (element));
            return NULL;
          }
        value = json_node_get_string (element);
        if (spec != NULL)
          {
            if (!g_strv_contains ((const char * const *) spec->options, value))
              {
                g_autofree char *at = path_index (where, i);
                fail (error, at, "“%s” is not one of %s", value, options);
                return NULL;
              }
            for (guint j = 0; j < i; j++)
              if (g_str_equal (json_array_get_string_element (array, j), value))
                {
                  g_autofree char *at = path_index (where, i);
                  fail (error, at, "“%s” is listed twice", value);
                  return NULL;
                }
          }
        json_array_add_string_element (copy, value);
      }
    return json_node_init_array (json_node_alloc (), copy);
  }
}

static gboolean
read_attributes (JsonNode           *node,
                 const QuorumLabel  *label,
                 const char         *path,
                 QuorumInstance     *instance,
                 GError            **error)
{
  g_autoptr(JsonObject) attributes = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  JsonObject *object;

  if ((object = expect_object (node, path, NULL, error)) == NULL)
    return FALSE;
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    {
      g_autofree char *where = path_member (path, name);
      const QuorumAttributeSpec *spec = NULL;
      JsonNode *copy;

      if (*name == '\0')
        return fail (error, path, "an attribute name must not be empty");
      if (label != NULL && (spec = quorum_label_find_attribute (label, name)) == NULL)
        return fail (error, where, "the label “%s” has no attribute “%s”", label->name, name);
      if ((copy = read_attribute_value (value, spec, where, error)) == NULL)
        return FALSE;
      json_object_set_member (attributes, name, copy);
    }
  json_object_unref (instance->attributes);
  instance->attributes = g_steal_pointer (&attributes);
  return TRUE;
}

/* @n_frames: the frame count of the set the instance belongs to; 0 when
 * unknown (a bare instance or list). */
static QuorumInstance *
read_instance (JsonNode                *node,
               const QuorumLabelSchema *schema,
               guint                    n_frames,
               const char              *path,
               GError                 **error)
{
  g_autoptr(QuorumInstance) instance = NULL;
  g_autofree char *points_path = path_member (path, "points");
  const QuorumLabel *label = NULL;
  JsonObject *object;
  const char *id, *label_name, *track_id, *author, *copied_from;
  JsonNode *points, *attributes;
  int kind;
  gint64 frame = 0;
  gboolean keyframe = TRUE, outside = FALSE, occluded = FALSE;

  if ((object = expect_object (node, path, "an instance", error)) == NULL)
    return NULL;
  if (!check_members (object, path, instance_members, error) ||
      !read_string (object, path, "id", FALSE, &id, error) ||
      !read_string (object, path, "label", FALSE, &label_name, error) ||
      !read_enum (object, path, "kind", FALSE, "kind", ENUM_ARGS (quorum_kind, QUORUM_N_KINDS),
                  &kind, error) ||
      (points = require_member (object, path, "points", error)) == NULL ||
      !read_integer (object, path, "frame", 0,
                     n_frames > 0 ? (gint64) n_frames - 1 : (gint64) G_MAXUINT - 1,
                     &frame, error) ||
      !read_string (object, path, "track_id", TRUE, &track_id, error) ||
      !read_string (object, path, "author", TRUE, &author, error) ||
      !read_string (object, path, "copied_from", TRUE, &copied_from, error) ||
      !read_boolean (object, path, "keyframe", &keyframe, error) ||
      !read_boolean (object, path, "outside", &outside, error) ||
      !read_boolean (object, path, "occluded", &occluded, error))
    return NULL;

  if (schema != NULL)
    {
      g_autofree char *where = path_member (path, "label");

      if ((label = quorum_label_schema_find (schema, label_name)) == NULL)
        {
          fail (error, where, "unknown label “%s”", label_name);
          return NULL;
        }
      if (label->kind != (QuorumKind) kind)
        {
          g_autofree char *kind_path = path_member (path, "kind");
          fail (error, kind_path, "the label “%s” is drawn as a %s, not a %s", label->name,
                quorum_kind_to_string (label->kind), quorum_kind_to_string (kind));
          return NULL;
        }
    }

  instance = quorum_instance_new (id, label_name, kind);
  instance->frame = (guint) frame;
  instance->track_id = g_strdup (track_id);
  instance->author = g_strdup (author);
  instance->copied_from = g_strdup (copied_from);
  instance->keyframe = keyframe;
  instance->outside = outside;
  instance->occluded = occluded;
  if (!read_points (points, points_path, instance, error))
    return NULL;
  if (!quorum_instance_check (instance, error))
    {
      prefix_error (error, path);
      return NULL;
    }
  attributes = json_object_get_member (object, "attributes");
  if (attributes != NULL)
    {
      g_autofree char *where = path_member (path, "attributes");
      if (!read_attributes (attributes, label, where, instance, error))
        return NULL;
    }
  return g_steal_pointer (&instance);
}

QuorumInstance *
quorum_wire_read_instance (JsonNode                *node,
                           const QuorumLabelSchema *schema,
                           const char              *path_prefix,
                           GError                 **error)
{
  return read_instance (node, schema, 0, path_prefix, error);
}

static JsonNode *
coordinate_node (double value)
{
  /* Whole pixels read better as integers; both parse back to the same
   * double. */
  if (value == floor (value) && fabs (value) < 1e15 && !(value == 0 && signbit (value)))
    return json_node_init_int (json_node_alloc (), (gint64) value);
  return json_node_init_double (json_node_alloc (), value);
}

static JsonNode *
nullable_string_node (const char *value)
{
  return value != NULL ? json_node_init_string (json_node_alloc (), value)
                       : json_node_init_null (json_node_alloc ());
}

JsonNode *
quorum_wire_write_instance (const QuorumInstance *instance)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) points = json_array_new ();

  for (guint i = 0; i < instance->n_points; i++)
    {
      JsonArray *pair = json_array_new ();

      json_array_add_element (pair, coordinate_node (instance->points[i].x));
      json_array_add_element (pair, coordinate_node (instance->points[i].y));
      json_array_add_array_element (points, pair);
    }
  json_object_set_string_member (object, "id", instance->id);
  json_object_set_string_member (object, "label", instance->label);
  json_object_set_string_member (object, "kind", quorum_kind_to_string (instance->kind));
  json_object_set_array_member (object, "points", g_steal_pointer (&points));
  json_object_set_object_member (object, "attributes", json_object_ref (instance->attributes));
  json_object_set_int_member (object, "frame", instance->frame);
  json_object_set_member (object, "track_id", nullable_string_node (instance->track_id));
  json_object_set_member (object, "author", nullable_string_node (instance->author));
  json_object_set_member (object, "copied_from", nullable_string_node (instance->copied_from));
  /* only when not the default, so that an image's instances read as before */
  if (!instance->keyframe)
    json_object_set_boolean_member (object, "keyframe", FALSE);
  if (instance->outside)
    json_object_set_boolean_member (object, "outside", TRUE);
  if (instance->occluded)
    json_object_set_boolean_member (object, "occluded", TRUE);
  return json_node_init_object (json_node_alloc (), object);
}

/* ======================================================================
 * Instance lists and annotation sets
 * ====================================================================== */

static GPtrArray *
read_instance_list (JsonNode                *node,
                    const QuorumLabelSchema *schema,
                    guint                    n_frames,
                    const char              *path,
                    GError                 **error)
{
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GHashTable) ids = NULL;
  JsonArray *array;
  guint n;

  if ((array = expect_array (node, path, "an instance list", error)) == NULL)
    return NULL;
  n = json_array_get_length (array);
  instances = g_ptr_array_new_full (n, (GDestroyNotify) quorum_instance_free);
  ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = path_index (path, i);
      QuorumInstance *instance;
      gpointer first;

      instance = read_instance (json_array_get_element (array, i), schema, n_frames, where, error);
      if (instance == NULL)
        return NULL;
      g_ptr_array_add (instances, instance);
      if (g_hash_table_lookup_extended (ids, instance->id, NULL, &first))
        {
          g_autofree char *id_path = path_member (where, "id");
          g_autofree char *first_path = path_index (path, GPOINTER_TO_UINT (first));
          fail (error, id_path, "“%s” is already the id of %s", instance->id, first_path);
          return NULL;
        }
      g_hash_table_insert (ids, instance->id, GUINT_TO_POINTER (i));
    }
  return g_steal_pointer (&instances);
}

GPtrArray *
quorum_wire_read_instances (JsonNode                *node,
                            const QuorumLabelSchema *schema,
                            const char              *path_prefix,
                            GError                 **error)
{
  return read_instance_list (node, schema, 0, path_prefix, error);
}

JsonNode *
quorum_wire_write_instances (GPtrArray *instances)
{
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; i < instances->len; i++)
    json_array_add_element (array, quorum_wire_write_instance (g_ptr_array_index (instances, i)));
  return json_node_init_array (json_node_alloc (), array);
}

static const char * const set_members[] = { "annotator", "file", "instances", NULL };
static const char * const file_members[] = { "width", "height", "frames", "fps", NULL };

static gboolean
read_file_info (JsonNode       *node,
                const char     *path,
                QuorumFileInfo *file,
                GError        **error)
{
  JsonObject *object;
  gint64 width = 0, height = 0, frames = 1;
  double fps = 0;

  if ((object = expect_object (node, path, NULL, error)) == NULL ||
      !check_members (object, path, file_members, error) ||
      require_member (object, path, "width", error) == NULL ||
      !read_integer (object, path, "width", 1, QUORUM_WIRE_MAX_SIZE, &width, error) ||
      require_member (object, path, "height", error) == NULL ||
      !read_integer (object, path, "height", 1, QUORUM_WIRE_MAX_SIZE, &height, error) ||
      !read_integer (object, path, "frames", 1, QUORUM_WIRE_MAX_SIZE, &frames, error) ||
      !read_number (object, path, "fps", 0, QUORUM_WIRE_MAX_FPS, &fps, error))
    return FALSE;
  *file = (QuorumFileInfo) { width, height, frames, fps };
  return TRUE;
}

QuorumAnnotationSet *
quorum_wire_read_annotation_set (JsonNode                *node,
                                 const QuorumLabelSchema *schema,
                                 const char              *path_prefix,
                                 GError                 **error)
{
  g_autoptr(QuorumAnnotationSet) set = NULL;
  g_autofree char *file_path = path_member (path_prefix, "file");
  g_autofree char *instances_path = path_member (path_prefix, "instances");
  JsonObject *object;
  JsonNode *file_node, *instances_node;
  const char *annotator;
  QuorumFileInfo file;
  GPtrArray *instances;

  if ((object = expect_object (node, path_prefix, "an annotation set", error)) == NULL ||
      !check_members (object, path_prefix, set_members, error) ||
      !read_string (object, path_prefix, "annotator", TRUE, &annotator, error) ||
      (file_node = require_member (object, path_prefix, "file", error)) == NULL ||
      !read_file_info (file_node, file_path, &file, error) ||
      (instances_node = require_member (object, path_prefix, "instances", error)) == NULL)
    return NULL;
  instances = read_instance_list (instances_node, schema, file.frames, instances_path, error);
  if (instances == NULL)
    return NULL;
  set = quorum_annotation_set_new (annotator, &file);
  g_ptr_array_unref (set->instances);
  set->instances = instances;
  return g_steal_pointer (&set);
}

JsonNode *
quorum_wire_write_annotation_set (const QuorumAnnotationSet *set)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonObject) file = json_object_new ();

  json_object_set_int_member (file, "width", set->file.width);
  json_object_set_int_member (file, "height", set->file.height);
  json_object_set_int_member (file, "frames", set->file.frames);
  json_object_set_member (file, "fps", coordinate_node (set->file.fps));
  json_object_set_member (object, "annotator", nullable_string_node (set->annotator));
  json_object_set_object_member (object, "file", g_steal_pointer (&file));
  json_object_set_member (object, "instances", quorum_wire_write_instances (set->instances));
  return json_node_init_object (json_node_alloc (), object);
}

/* ======================================================================
 * Label schemas
 * ====================================================================== */

static const char * const schema_members[] = { "labels", NULL };
static const char * const label_members[] = { "name", "color", "kind", "attributes", NULL };
static const char * const attribute_members[] = { "name", "type", "options", NULL };

static gboolean
is_color (const char *color)
{
  if (strlen (color) != 7 || color[0] != '#')
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  return TRUE;
}

static QuorumAttributeSpec *
read_attribute_spec (JsonNode   *node,
                     const char *path,
                     GError    **error)
{
  g_autofree char *options_path = path_member (path, "options");
  g_auto(GStrv) options = NULL;
  JsonObject *object;
  const char *name;
  int type;

  if ((object = expect_object (node, path, "an attribute", error)) == NULL ||
      !check_members (object, path, attribute_members, error) ||
      !read_string (object, path, "name", FALSE, &name, error) ||
      !read_enum (object, path, "type", FALSE, "attribute type",
                  ENUM_ARGS (quorum_attribute_type, 4), &type, error))
    return NULL;
  if (type == QUORUM_ATTRIBUTE_SINGLE_CHOICE || type == QUORUM_ATTRIBUTE_MULTIPLE_CHOICE)
    {
      if (require_member (object, path, "options", error) == NULL ||
          (options = read_string_list (object, path, "options", error)) == NULL)
        return NULL;
      if (options[0] == NULL)
        {
          fail (error, options_path, "a choice needs at least one option");
          return NULL;
        }
    }
  else if (json_object_has_member (object, "options"))
    {
      fail (error, options_path, "only choice attributes have options");
      return NULL;
    }
  return quorum_attribute_spec_new (name, type, (const char * const *) options);
}

static QuorumLabel *
read_label (JsonNode   *node,
            const char *path,
            GError    **error)
{
  g_autoptr(QuorumLabel) label = NULL;
  JsonObject *object;
  JsonNode *attributes;
  const char *name, *color;
  int kind;

  if ((object = expect_object (node, path, "a label", error)) == NULL ||
      !check_members (object, path, label_members, error) ||
      !read_string (object, path, "name", FALSE, &name, error) ||
      !read_string (object, path, "color", TRUE, &color, error) ||
      !read_enum (object, path, "kind", FALSE, "kind", ENUM_ARGS (quorum_kind, QUORUM_N_KINDS),
                  &kind, error))
    return NULL;
  if (color != NULL && !is_color (color))
    {
      g_autofree char *where = path_member (path, "color");
      fail (error, where, "must be a colour written #rrggbb, not “%s”", color);
      return NULL;
    }
  label = quorum_label_new (name, color, kind);

  attributes = json_object_get_member (object, "attributes");
  if (attributes != NULL)
    {
      g_autofree char *where = path_member (path, "attributes");
      JsonArray *array;

      if ((array = expect_array (attributes, where, NULL, error)) == NULL)
        return NULL;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *at = path_index (where, i);
          QuorumAttributeSpec *spec = read_attribute_spec (json_array_get_element (array, i),
                                                           at, error);
          if (spec == NULL)
            return NULL;
          if (quorum_label_find_attribute (label, spec->name) != NULL)
            {
              g_autofree char *name_path = path_member (at, "name");
              fail (error, name_path, "the label already has an attribute “%s”", spec->name);
              quorum_attribute_spec_free (spec);
              return NULL;
            }
          g_ptr_array_add (label->attributes, spec);
        }
    }
  return g_steal_pointer (&label);
}

QuorumLabelSchema *
quorum_wire_read_label_schema (JsonNode   *node,
                               const char *path_prefix,
                               GError    **error)
{
  g_autoptr(QuorumLabelSchema) schema = quorum_label_schema_new ();
  g_autofree char *labels_path = path_member (path_prefix, "labels");
  JsonObject *object;
  JsonNode *labels;
  JsonArray *array;

  if ((object = expect_object (node, path_prefix, "a label schema", error)) == NULL ||
      !check_members (object, path_prefix, schema_members, error) ||
      (labels = require_member (object, path_prefix, "labels", error)) == NULL ||
      (array = expect_array (labels, labels_path, NULL, error)) == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *at = path_index (labels_path, i);
      QuorumLabel *label = read_label (json_array_get_element (array, i), at, error);

      if (label == NULL)
        return NULL;
      if (quorum_label_schema_find (schema, label->name) != NULL)
        {
          g_autofree char *name_path = path_member (at, "name");
          fail (error, name_path, "there is already a label “%s”", label->name);
          quorum_label_free (label);
          return NULL;
        }
      g_ptr_array_add (schema->labels, label);
    }
  return g_steal_pointer (&schema);
}

static JsonArray *
string_array (const char * const *strings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    json_array_add_string_element (array, strings[i]);
  return array;
}

JsonNode *
quorum_wire_write_label_schema (const QuorumLabelSchema *schema)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) labels = json_array_new ();

  for (guint i = 0; i < schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (schema->labels, i);
      JsonObject *label_object = json_object_new ();
      JsonArray *attributes = json_array_new ();

      for (guint j = 0; j < label->attributes->len; j++)
        {
          const QuorumAttributeSpec *spec = g_ptr_array_index (label->attributes, j);
          JsonObject *spec_object = json_object_new ();

          json_object_set_string_member (spec_object, "name", spec->name);
          json_object_set_string_member (spec_object, "type",
                                         quorum_attribute_type_to_string (spec->type));
          if (spec->type == QUORUM_ATTRIBUTE_SINGLE_CHOICE ||
              spec->type == QUORUM_ATTRIBUTE_MULTIPLE_CHOICE)
            json_object_set_array_member (spec_object, "options",
                                          string_array ((const char * const *) spec->options));
          json_array_add_object_element (attributes, spec_object);
        }
      json_object_set_string_member (label_object, "name", label->name);
      json_object_set_string_member (label_object, "color", label->color);
      json_object_set_string_member (label_object, "kind", quorum_kind_to_string (label->kind));
      json_object_set_array_member (label_object, "attributes", attributes);
      json_array_add_object_element (labels, label_object);
    }
  json_object_set_array_member (object, "labels", g_steal_pointer (&labels));
  return json_node_init_object (json_node_alloc (), object);
}

/* ======================================================================
 * Job settings
 * ====================================================================== */

static const char * const job_members[] = {
  "name", "type", "share", "passes_per_file", "review_frequency", "consensus", "blind",
  "threshold", "pass_rule", "required_credentials", "awarded_credentials", "draw_guide",
  "review_guide", "max_attempts", "retake_wait", "show_answers", "market", NULL
};
static const char * const pass_rule_members[] = { "min_average_stars", "max_missed", NULL };
static const char * const market_members[] = { "bid", "deadline", NULL };
static const char * const bid_members[] = { "amount", "currency", "per", NULL };

gboolean
quorum_wire_read_bid (JsonNode   *node,
                      const char *path,
                      QuorumBid  *bid,
                      GError    **error)
{
  g_autofree char *amount_path = path_member (path, "amount");
  g_autofree char *currency_path = path_member (path, "currency");
  JsonObject *object;
  const char *amount, *currency;
  int per = QUORUM_BID_PER_TASK;

  if ((object = expect_object (node, path, "a bid", error)) == NULL ||
      !check_members (object, path, bid_members, error) ||
      !read_string (object, path, "amount", FALSE, &amount, error) ||
      !read_string (object, path, "currency", FALSE, &currency, error) ||
      !read_enum (object, path, "per", FALSE, "bid unit", ENUM_ARGS (quorum_bid_per, 2), &per, error))
    return FALSE;
  if (!quorum_bid_amount_parse (amount, &bid->amount))
    return fail (error, amount_path, "must be an amount above zero like “12.50” (at most two decimals), "
                 "not “%s”", amount);
  if (strlen (currency) != 3 || !g_ascii_isupper (currency[0]) || !g_ascii_isupper (currency[1]) ||
      !g_ascii_isupper (currency[2]))
    return fail (error, currency_path, "must be an ISO 4217 code of three capital letters like “EUR”, "
                 "not “%s”", currency);
  memcpy (bid->currency, currency, 4);
  bid->per = per;
  return TRUE;
}

JsonNode *
quorum_wire_write_bid (const QuorumBid *bid)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *amount = quorum_bid_amount_format (bid->amount);

  json_object_set_string_member (object, "amount", amount);
  json_object_set_string_member (object, "currency", bid->currency);
  json_object_set_string_member (object, "per", quorum_bid_per_to_string (bid->per));
  return json_node_init_object (json_node_alloc (), object);
}

char *
quorum_wire_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

/* {"bid": {…}, "deadline": "2027-01-31T00:00:00Z"}; null leaves @terms unset. */
static gboolean
read_market_terms (JsonObject        *settings_object,
                   const char        *path_prefix,
                   QuorumMarketTerms *terms,
                   GError           **error)
{
  JsonNode *node = json_object_get_member (settings_object, "market");
  g_autofree char *path = path_member (path_prefix, "market");
  g_autofree char *bid_path = path_member (path, "bid");
  g_autofree char *deadline_path = path_member (path, "deadline");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) deadline = NULL;
  JsonObject *object;
  JsonNode *bid;
  const char *text;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if ((object = expect_object (node, path, NULL, error)) == NULL ||
      !check_members (object, path, market_members, error) ||
      (bid = require_member (object, path, "bid", error)) == NULL ||
      !quorum_wire_read_bid (bid, bid_path, &terms->bid, error) ||
      !read_string (object, path, "deadline", FALSE, &text, error))
    return FALSE;
  /* In UTC, as it is written back: a year past 9999 there could not be. */
  parsed = g_date_time_new_from_iso8601 (text, utc);
  deadline = parsed != NULL ? g_date_time_to_utc (parsed) : NULL;
  if (deadline == NULL || g_date_time_get_year (deadline) < 2000 || g_date_time_get_year (deadline) > 9999)
    return fail (error, deadline_path, "must be a date and time like “2027-01-31T00:00:00Z”, not “%s”", text);
  terms->deadline = g_date_time_to_unix (deadline);
  terms->set = TRUE;
  return TRUE;
}

QuorumJobSettings *
quorum_wire_read_job_settings (JsonNode   *node,
                               const char *path_prefix,
                               GError    **error)
{
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autofree char *rule_path = path_member (path_prefix, "pass_rule");
  JsonObject *object, *rule;
  JsonNode *rule_node;
  const char *name, *draw_guide, *review_guide;
  int type, share, consensus;
  gint64 passes, review_frequency, max_missed, max_attempts;
  GStrv required, awarded;

  if ((object = expect_object (node, path_prefix, "job settings", error)) == NULL ||
      !check_members (object, path_prefix, job_members, error) ||
      !read_string (object, path_prefix, "name", FALSE, &name, error))
    return NULL;

  settings = quorum_job_settings_new (name);
  type = settings->type;
  share = settings->share;
  consensus = settings->consensus;
  passes = settings->passes_per_file;
  review_frequency = settings->review_frequency;
  max_missed = settings->pass_rule.max_missed;
  max_attempts = settings->max_attempts;
  if (!read_enum (object, path_prefix, "type", TRUE, "job type",
                  ENUM_ARGS (quorum_job_type, 2), &type, error) ||
      !read_enum (object, path_prefix, "share", TRUE, "share",
                  ENUM_ARGS (quorum_share, 3), &share, error) ||
      !read_integer (object, path_prefix, "passes_per_file", G_MININT, G_MAXINT, &passes, error) ||
      !read_integer (object, path_prefix, "review_frequency", G_MININT, G_MAXINT,
                     &review_frequency, error) ||
      !read_enum (object, path_prefix, "consensus", TRUE, "consensus mode",
                  ENUM_ARGS (quorum_consensus_mode, 2), &consensus, error) ||
      !read_boolean (object, path_prefix, "blind", &settings->blind, error) ||
      !read_integer (object, path_prefix, "max_attempts", 1, 1000, &max_attempts, error) ||
      !read_integer (object, path_prefix, "retake_wait", 0, 10 * 366 * 24 * 3600, &settings->retake_wait,
                     error) ||
      !read_boolean (object, path_prefix, "show_answers", &settings->show_answers, error) ||
      !read_number (object, path_prefix, "threshold", -G_MAXDOUBLE, G_MAXDOUBLE,
                    &settings->threshold, error) ||
      !read_string (object, path_prefix, "draw_guide", TRUE, &draw_guide, error) ||
      !read_string (object, path_prefix, "review_guide", TRUE, &review_guide, error) ||
      !read_market_terms (object, path_prefix, &settings->market, error))
    return NULL;

  rule_node = json_object_get_member (object, "pass_rule");
  if (rule_node != NULL)
    {
      if ((rule = expect_object (rule_node, rule_path, NULL, error)) == NULL ||
          !check_members (rule, rule_path, pass_rule_members, error) ||
          !read_number (rule, rule_path, "min_average_stars", -G_MAXDOUBLE, G_MAXDOUBLE,
                        &settings->pass_rule.min_average_stars, error) ||
          !read_integer (rule, rule_path, "max_missed", 0, G_MAXUINT, &max_missed, error))
        return NULL;
    }

  if ((required = read_string_list (object, path_prefix, "required_credentials", error)) == NULL)
    return NULL;
  g_strfreev (settings->required_credentials);
  settings->required_credentials = required;
  if ((awarded = read_string_list (object, path_prefix, "awarded_credentials", error)) == NULL)
    return NULL;
  g_strfreev (settings->awarded_credentials);
  settings->awarded_credentials = awarded;

  settings->type = type;
  settings->share = share;
  settings->consensus = consensus;
  settings->passes_per_file = (gint) passes;
  settings->review_frequency = (gint) review_frequency;
  settings->pass_rule.max_missed = (guint) max_missed;
  settings->max_attempts = (gint) max_attempts;
  settings->draw_guide = g_strdup (draw_guide);
  settings->review_guide = g_strdup (review_guide);

  if (!quorum_job_settings_check (settings, error))
    {
      prefix_error (error, path_prefix);
      return NULL;
    }
  return g_steal_pointer (&settings);
}

JsonNode *
quorum_wire_write_job_settings (const QuorumJobSettings *settings)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonObject *rule = json_object_new ();

  json_object_set_string_member (object, "name", settings->name);
  json_object_set_string_member (object, "type", quorum_job_type_to_string (settings->type));
  json_object_set_string_member (object, "share", quorum_share_to_string (settings->share));
  json_object_set_int_member (object, "passes_per_file", settings->passes_per_file);
  json_object_set_int_member (object, "review_frequency", settings->review_frequency);
  json_object_set_string_member (object, "consensus",
                                 quorum_consensus_mode_to_string (settings->consensus));
  json_object_set_boolean_member (object, "blind", settings->blind);
  json_object_set_member (object, "threshold", coordinate_node (settings->threshold));
  json_object_set_member (rule, "min_average_stars",
                          coordinate_node (settings->pass_rule.min_average_stars));
  json_object_set_int_member (rule, "max_missed", settings->pass_rule.max_missed);
  json_object_set_object_member (object, "pass_rule", rule);
  json_object_set_array_member (object, "required_credentials",
                                string_array ((const char * const *) settings->required_credentials));
  json_object_set_array_member (object, "awarded_credentials",
                                string_array ((const char * const *) settings->awarded_credentials));
  json_object_set_member (object, "draw_guide", nullable_string_node (settings->draw_guide));
  json_object_set_member (object, "review_guide", nullable_string_node (settings->review_guide));
  json_object_set_int_member (object, "max_attempts", settings->max_attempts);
  json_object_set_int_member (object, "retake_wait", settings->retake_wait);
  json_object_set_boolean_member (object, "show_answers", settings->show_answers);
  /* Only a job with terms has the member, so older settings read back as written. */
  if (settings->market.set)
    {
      JsonObject *market = json_object_new ();
      g_autofree char *deadline = quorum_wire_format_time (settings->market.deadline);

      json_object_set_member (market, "bid", quorum_wire_write_bid (&settings->market.bid));
      json_object_set_string_member (market, "deadline", deadline);
      json_object_set_object_member (object, "market", market);
    }
  return json_node_init_object (json_node_alloc (), object);
}
