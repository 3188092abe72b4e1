/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "quorum-json-reader.h"
#include "quorum-wire.h"

/*
 * The reader checks what quorum_wire_parse_bytes() checks (its scan and
 * json-glib's duplicate watch), in one pass, as it goes. Every check fails
 * the same way, through reader_fail(): the caller asks the tree path for
 * the words (see quorum-json-reader.h).
 */

static gboolean
reader_fail (QuorumJsonReader *reader)
{
  reader->failed = TRUE;
  /* Nothing more can be read: every later call sees the end. */
  reader->p = reader->end;
  return FALSE;
}

void
quorum_json_reader_init (QuorumJsonReader *reader,
                         const char       *data,
                         gsize             length)
{
  memset (reader, 0, sizeof *reader);
  reader->start = reader->p = data;
  reader->end = data + length;
  reader->name = g_string_sized_new (32);
  reader->value = g_string_sized_new (64);
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    reader->p += 3;
}

void
quorum_json_reader_clear (QuorumJsonReader *reader)
{
  if (reader->name != NULL)
    g_string_free (reader->name, TRUE);
  if (reader->value != NULL)
    g_string_free (reader->value, TRUE);
  g_clear_pointer (&reader->seen, g_ptr_array_unref);
  reader->name = reader->value = NULL;
}

gboolean
quorum_json_reader_failed (const QuorumJsonReader *reader)
{
  return reader->failed;
}

gboolean
quorum_json_reader_fail (QuorumJsonReader *reader)
{
  return reader_fail (reader);
}

static inline void
skip_space (QuorumJsonReader *reader)
{
  const char *p = reader->p;

  while (p < reader->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  reader->p = p;
}

QuorumJsonType
quorum_json_reader_peek (QuorumJsonReader *reader)
{
  skip_space (reader);
  if (reader->p >= reader->end)
    {
      reader_fail (reader);
      return QUORUM_JSON_INVALID;
    }
  switch (*reader->p)
    {
    case '{':
      return QUORUM_JSON_OBJECT;
    case '[':
      return QUORUM_JSON_ARRAY;
    case '"':
      return QUORUM_JSON_STRING;
    case 't':
    case 'f':
      return QUORUM_JSON_BOOLEAN;
    case 'n':
      return QUORUM_JSON_NULL;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return QUORUM_JSON_NUMBER;
    default:
      reader_fail (reader);
      return QUORUM_JSON_INVALID;
    }
}

static gboolean
begin_container (QuorumJsonReader *reader,
                 char              open)
{
  skip_space (reader);
  if (reader->p >= reader->end || *reader->p != open || reader->depth >= QUORUM_WIRE_MAX_DEPTH)
    return reader_fail (reader);
  reader->p++;
  reader->first |= G_GUINT64_CONSTANT (1) << reader->depth;
  reader->depth++;
  return TRUE;
}

gboolean
quorum_json_reader_begin_array (QuorumJsonReader *reader)
{
  return begin_container (reader, '[');
}

gboolean
quorum_json_reader_begin_object (QuorumJsonReader *reader)
{
  return begin_container (reader, '{');
}

/* Before the next element or member: TRUE when one follows, FALSE when the
 * container closed here or the bytes are bad. */
static gboolean
next_in_container (QuorumJsonReader *reader,
                   char              close)
{
  guint64 bit;

  if (reader->failed || reader->depth == 0)
    return reader_fail (reader);
  bit = G_GUINT64_CONSTANT (1) << (reader->depth - 1);
  skip_space (reader);
  if (reader->p >= reader->end)
    return reader_fail (reader);
  if (*reader->p == close)
    {
      reader->p++;
      reader->depth--;
      return FALSE;
    }
  if (reader->first & bit)
    {
      reader->first &= ~bit;
      return TRUE;
    }
  if (*reader->p != ',')
    return reader_fail (reader);
  reader->p++;
  return TRUE;
}

gboolean
quorum_json_reader_next_element (QuorumJsonReader *reader)
{
  return next_in_container (reader, ']');
}

/* What may follow a byte in a string without ending or escaping:
 * 1 for ASCII, 2 for the bytes of a multi-byte character, 0 otherwise. */
static const guint8 string_byte[256] = {
  ['\x20'] = 1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \ */, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0x80 ... 0xff] = 2,
};

static gboolean
read_hex4 (const char *p,
           const char *end,
           guint      *unit)
{
  *unit = 0;
  if (end - p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return FALSE;
      *unit = *unit * 16 + g_ascii_xdigit_value (p[i]);
    }
  return TRUE;
}

/* A string at the read position, unescaped into @out. */
static gboolean
read_string_into (QuorumJsonReader *reader,
                  GString          *out)
{
  const guchar *p, *end = (const guchar *) reader->end;

  skip_space (reader);
  g_string_truncate (out, 0);
  p = (const guchar *) reader->p;
  if (p >= end || *p != '"')
    return reader_fail (reader);
  p++;
  for (;;)
    {
      const guchar *run = p;
      guint8 kinds = 0;

      while (p < end && string_byte[*p] != 0)
        kinds |= string_byte[*p++];
      if (p > run)
        {
          if ((kinds & 2) && !g_utf8_validate_len ((const char *) run, p - run, NULL))
            return reader_fail (reader);
          g_string_append_len (out, (const char *) run, p - run);
        }
      if (p >= end || *p < 0x20)
        return reader_fail (reader);
      if (*p == '"')
        break;

      /* A backslash. */
      p++;
      if (p >= end)
        return reader_fail (reader);
      switch (*p)
        {
        case '"': case '\\': case '/':
          g_string_append_c (out, *p);
          p++;
          break;
        case 'b': g_string_append_c (out, '\b'); p++; break;
        case 'f': g_string_append_c (out, '\f'); p++; break;
        case 'n': g_string_append_c (out, '\n'); p++; break;
        case 'r': g_string_append_c (out, '\r'); p++; break;
        case 't': g_string_append_c (out, '\t'); p++; break;
        case 'u':
          {
            guint unit, low;
            gunichar c;

            if (!read_hex4 ((const char *) p + 1, (const char *) end, &unit) || unit == 0 ||
                (unit >= 0xdc00 && unit <= 0xdfff))
              return reader_fail (reader);
            p += 5;
            c = unit;
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                if (end - p < 2 || p[0] != '\\' || p[1] != 'u' ||
                    !read_hex4 ((const char *) p + 2, (const char *) end, &low) ||
                    low < 0xdc00 || low > 0xdfff)
                  return reader_fail (reader);
                p += 6;
                c = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
              }
            g_string_append_unichar (out, c);
          }
          break;
        default:
          return reader_fail (reader);
        }
    }
  reader->p = (const char *) p + 1;
  return TRUE;
}

const char *
quorum_json_reader_next_member (QuorumJsonReader *reader,
                                gsize            *length)
{
  if (!next_in_container (reader, '}') || !read_string_into (reader, reader->name))
    return NULL;
  skip_space (reader);
  if (reader->p >= reader->end || *reader->p != ':')
    {
      reader_fail (reader);
      return NULL;
    }
  reader->p++;
  if (length != NULL)
    *length = reader->name->len;
  return reader->name->str;
}

const char *
quorum_json_reader_read_string (QuorumJsonReader *reader,
                                gsize            *length)
{
  if (!read_string_into (reader, reader->value))
    return NULL;
  if (length != NULL)
    *length = reader->value->len;
  return reader->value->str;
}

/* ---- numbers -------------------------------------------------------------- */

#if LDBL_MANT_DIG == 64
/* x87 extended precision: every 10^k up to 10^27 is exact (5^27 < 2^64). */
static const long double exact_powers[] = {
  1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L,
  1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L,
  1e27L,
};
#else
static const double exact_powers[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
#endif

static double
strtod_of (const char *text,
           gsize       length)
{
  char buffer[128];
  g_autofree char *copy = NULL;
  const char *token = buffer;

  if (length < sizeof buffer)
    {
      memcpy (buffer, text, length);
      buffer[length] = '\0';
    }
  else
    token = copy = g_strndup (text, length);
  return g_ascii_strtod (token, NULL);
}

/* @mantissa × 10^@exponent, correctly rounded, when a fast path can say so
 * for certain; FALSE otherwise. */
static gboolean
fast_double (guint64  mantissa,
             int      exponent,
             double  *value)
{
  if (mantissa == 0)
    {
      *value = 0;
      return TRUE;
    }
#if LDBL_MANT_DIG == 64
  if (exponent >= -27 && exponent <= 27)
    {
      /* One rounding to 64 bits, then one to 53: the second goes wrong only
       * when the first lands exactly halfway between two doubles (the low
       * 11 of 64 bits 10000000000); let strtod decide those. The result
       * lies between 1e-27 and 1e46, far from subnormals and infinity. */
      long double x = (long double) mantissa;
      long double q = exponent < 0 ? x / exact_powers[-exponent] : x * exact_powers[exponent];
      guint64 bits;

      memcpy (&bits, &q, sizeof bits);
      if ((bits & 0x7ff) == 0x400)
        return FALSE;
      *value = (double) q;
      return TRUE;
    }
#else
  /* Clinger's fast path: both operands exact, so one rounding. */
  if (mantissa <= (G_GUINT64_CONSTANT (1) << 53) && exponent >= -22 && exponent <= 22)
    {
      double x = (double) mantissa;
      *value = exponent < 0 ? x / exact_powers[-exponent] : x * exact_powers[exponent];
      return TRUE;
    }
#endif
  return FALSE;
}

#define IS_DIGIT(c) ((guchar) ((c) - '0') < 10)

/* Reads a number token at @p; on success *@next is past it. */
static gboolean
scan_number (const char *p,
             const char *end,
             const char **next,
             double      *value,
             gboolean    *integer,
             gint64      *int_value)
{
  const char *begin = p;
  gboolean negative = FALSE, exact = TRUE;
  guint64 mantissa = 0;
  int digits = 0;       /* significant digits in mantissa */
  int exponent = 0;     /* of the mantissa */

  *integer = TRUE;
  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (p < end && *p == '0')
    p++;
  else if (p < end && IS_DIGIT (*p))
    {
      const char *digits_start = p;

      while (p < end && IS_DIGIT (*p) && p - digits_start < 19)
        mantissa = mantissa * 10 + (guint64) (*p++ - '0');
      digits = (int) (p - digits_start);
      if (p < end && IS_DIGIT (*p))
        {
          /* Past 19 digits: strtod decides. */
          exact = FALSE;
          while (p < end && IS_DIGIT (*p))
            p++;
        }
    }
  else
    return FALSE;

  if (p < end && *p == '.')
    {
      const char *fraction = ++p;

      *integer = FALSE;
      if (mantissa == 0)
        while (p < end && *p == '0')
          p++;
      while (p < end && IS_DIGIT (*p) && digits < 19)
        {
          mantissa = mantissa * 10 + (guint64) (*p++ - '0');
          digits++;
        }
      exponent -= (int) (p - fraction);
      if (p < end && IS_DIGIT (*p))
        {
          exact = FALSE;
          while (p < end && IS_DIGIT (*p))
            p++;
        }
      if (p == fraction)
        return FALSE;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      const char *digits_start;
      gboolean exponent_negative = FALSE;
      int explicit = 0;

      *integer = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        exponent_negative = *p++ == '-';
      digits_start = p;
      for (; p < end && IS_DIGIT (*p); p++)
        if (explicit < 100000)
          explicit = explicit * 10 + (*p - '0');
      if (p == digits_start)
        return FALSE;
      exponent += exponent_negative ? -explicit : explicit;
    }
  /* As the scan: "1x" or "1.2.3" is a bad number, not a number and more. */
  if (p < end && (g_ascii_isalnum (*p) || *p == '.'))
    return FALSE;
  *next = p;

  if (*integer)
    {
      if (exact && digits <= 18)
        *int_value = negative ? -(gint64) mantissa : (gint64) mantissa;
      else
        {
          char buffer[64];
          char *stop;
          gint64 v;

          if (p - begin >= (gssize) sizeof buffer)
            return FALSE;   /* over 60 digits cannot fit */
          memcpy (buffer, begin, p - begin);
          buffer[p - begin] = '\0';
          errno = 0;
          v = g_ascii_strtoll (buffer, &stop, 10);
          if (errno == ERANGE)
            return FALSE;
          *int_value = v;
        }
      *value = (double) *int_value;
      return TRUE;
    }

  if (!exact || !fast_double (mantissa, exponent, value))
    *value = strtod_of (begin, p - begin);
  else if (negative)
    *value = -*value;
  return isfinite (*value);
}

double
quorum_json_parse_double (const char *text,
                          gsize       length)
{
  const char *next;
  double value = 0;
  gboolean integer;
  gint64 int_value;

  if (!scan_number (text, text + length, &next, &value, &integer, &int_value))
    return strtod_of (text, length);
  /* The reader takes "-0" as the integer 0, as json-glib does; strtod
   * keeps its sign. */
  if (integer && value == 0 && text[0] == '-')
    return -0.0;
  return value;
}

gboolean
quorum_json_reader_read_number (QuorumJsonReader *reader,
                                double           *value,
                                gboolean         *integer,
                                gint64           *int_value)
{
  gboolean is_integer;
  gint64 whole = 0;

  skip_space (reader);
  if (!scan_number (reader->p, reader->end, &reader->p, value, &is_integer, &whole))
    return reader_fail (reader);
  if (integer != NULL)
    *integer = is_integer;
  if (int_value != NULL)
    *int_value = whole;
  return TRUE;
}

/* ---- literals and skipping ------------------------------------------------ */

static gboolean
read_literal (QuorumJsonReader *reader,
              const char       *word,
              gsize             length)
{
  skip_space (reader);
  if ((gsize) (reader->end - reader->p) < length || memcmp (reader->p, word, length) != 0 ||
      (reader->p + length < reader->end && g_ascii_isalnum (reader->p[length])))
    return reader_fail (reader);
  reader->p += length;
  return TRUE;
}

gboolean
quorum_json_reader_read_boolean (QuorumJsonReader *reader,
                                 gboolean         *value)
{
  skip_space (reader);
  if (reader->p < reader->end && *reader->p == 't')
    {
      *value = TRUE;
      return read_literal (reader, "true", 4);
    }
  *value = FALSE;
  return read_literal (reader, "false", 5);
}

gboolean
quorum_json_reader_read_null (QuorumJsonReader *reader)
{
  return read_literal (reader, "null", 4);
}

/* A member name of an object being skipped: refused when the object had it. */
static gboolean
note_skipped_member (QuorumJsonReader *reader,
                     const char       *name)
{
  GHashTable *names;

  if (reader->seen == NULL)
    reader->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  while (reader->seen->len < reader->depth)
    g_ptr_array_add (reader->seen, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
  names = g_ptr_array_index (reader->seen, reader->depth - 1);
  if (g_hash_table_contains (names, name))
    return reader_fail (reader);
  g_hash_table_add (names, g_strdup (name));
  return TRUE;
}

static void
forget_skipped_members (QuorumJsonReader *reader)
{
  if (reader->seen != NULL && reader->seen->len >= reader->depth)
    g_hash_table_remove_all (g_ptr_array_index (reader->seen, reader->depth - 1));
}

gboolean
quorum_json_reader_skip (QuorumJsonReader *reader)
{
  guint base = reader->depth;
  guint64 objects = 0;   /* bit d: the container at depth d is an object */

  for (;;)
    {
      gboolean value_done = TRUE;
      double number;
      gboolean flag;

      switch (quorum_json_reader_peek (reader))
        {
        case QUORUM_JSON_INVALID:
          return FALSE;
        case QUORUM_JSON_NULL:
          if (!quorum_json_reader_read_null (reader))
            return FALSE;
          break;
        case QUORUM_JSON_BOOLEAN:
          if (!quorum_json_reader_read_boolean (reader, &flag))
            return FALSE;
          break;
        case QUORUM_JSON_NUMBER:
          if (!quorum_json_reader_read_number (reader, &number, NULL, NULL))
            return FALSE;
          break;
        case QUORUM_JSON_STRING:
          if (quorum_json_reader_read_string (reader, NULL) == NULL)
            return FALSE;
          break;
        case QUORUM_JSON_ARRAY:
          if (!quorum_json_reader_begin_array (reader))
            return FALSE;
          objects &= ~(G_GUINT64_CONSTANT (1) << (reader->depth - 1));
          if (quorum_json_reader_next_element (reader))
            value_done = FALSE;
          else if (reader->failed)
            return FALSE;
          break;
        case QUORUM_JSON_OBJECT:
          {
            const char *name;

            if (!quorum_json_reader_begin_object (reader))
              return FALSE;
            objects |= G_GUINT64_CONSTANT (1) << (reader->depth - 1);
            forget_skipped_members (reader);
            if ((name = quorum_json_reader_next_member (reader, NULL)) != NULL)
              {
                if (!note_skipped_member (reader, name))
                  return FALSE;
                value_done = FALSE;
              }
            else if (reader->failed)
              return FALSE;
          }
          break;
        default:
          g_assert_not_reached ();
        }
      if (!value_done)
        continue;

      /* A value ended: close what ends here, up to the next value. */
      for (;;)
        {
          if (reader->depth == base)
            return TRUE;
          if (objects & (G_GUINT64_CONSTANT (1) << (reader->depth - 1)))
            {
              const char *name = quorum_json_reader_next_member (reader, NULL);

              if (name != NULL)
                {
                  if (!note_skipped_member (reader, name))
                    return FALSE;
                  break;
                }
            }
          else if (quorum_json_reader_next_element (reader))
            break;
          if (reader->failed)
            return FALSE;
        }
    }
}

gboolean
quorum_json_reader_end (QuorumJsonReader *reader)
{
  if (reader->failed || reader->depth != 0)
    return FALSE;
  skip_space (reader);
  if (reader->p != reader->end)
    return reader_fail (reader);
  return TRUE;
}
