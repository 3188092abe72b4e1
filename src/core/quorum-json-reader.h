/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  QUORUM_JSON_INVALID,   /* not the start of a value: the document is bad */
  QUORUM_JSON_NULL,
  QUORUM_JSON_BOOLEAN,
  QUORUM_JSON_NUMBER,
  QUORUM_JSON_STRING,
  QUORUM_JSON_ARRAY,
  QUORUM_JSON_OBJECT,
} QuorumJsonType;

/**
 * QuorumJsonReader:
 *
 * A pull reader over one JSON document in memory, as strict as
 * quorum_wire_parse_bytes(): RFC 8259 syntax only, UTF-8 text, nesting no
 * deeper than QUORUM_WIRE_MAX_DEPTH, integers that fit 64 bits and finite
 * doubles, no member twice in one object, nothing after the document.
 * It never recurses and never builds a tree: the caller pulls values in
 * document order and keeps what it wants.
 *
 * The reader checks every byte it passes over, but it does not word
 * errors: the first bad byte makes every later call fail, and
 * quorum_json_reader_failed() says so. A caller that must tell the user why
 * runs quorum_wire_parse_bytes() on the same bytes, whose messages
 * ("LINE:COLUMN: …") stay the one wording of a syntax error; bad input is the
 * rare path, and one wording cannot drift from another.
 *
 * Strings and member names returned are NUL-terminated and valid until the
 * next call that reads a string or a name (a name and a value use separate
 * buffers, so a member's name survives the reading of its value).
 */
typedef struct {
  const char *start;
  const char *p;
  const char *end;
  guint       depth;
  guint64     first;      /* bit d: the container at depth d has no element yet */
  gboolean    failed;
  GString    *name;
  GString    *value;
  GPtrArray  *seen;       /* per depth, member names seen, for skipped objects */
} QuorumJsonReader;

void            quorum_json_reader_init          (QuorumJsonReader *reader,
                                                  const char       *data,
                                                  gsize             length);
void            quorum_json_reader_clear         (QuorumJsonReader *reader);

/* FALSE once any byte was found bad (and after a caller's quorum_json_reader_fail()). */
gboolean        quorum_json_reader_failed        (const QuorumJsonReader *reader);
/* Marks the document bad: for a caller that found a value it cannot take. */
gboolean        quorum_json_reader_fail          (QuorumJsonReader *reader);

/* The type of the value that starts at the read position. */
QuorumJsonType  quorum_json_reader_peek          (QuorumJsonReader *reader);

gboolean        quorum_json_reader_begin_array   (QuorumJsonReader *reader);
/* TRUE when another element follows (read it next); FALSE at the end of
 * the array (consumed) or on a bad byte. */
gboolean        quorum_json_reader_next_element  (QuorumJsonReader *reader);

gboolean        quorum_json_reader_begin_object  (QuorumJsonReader *reader);
/* The next member's name (its value is read next), or NULL at the end of
 * the object (consumed) or on a bad byte. The reader does not know which
 * names an object holds: a caller that reads members itself checks for
 * repeats itself (quorum_json_reader_skip() does for what it skips). */
const char     *quorum_json_reader_next_member   (QuorumJsonReader *reader,
                                                  gsize            *length);

const char     *quorum_json_reader_read_string   (QuorumJsonReader *reader,
                                                  gsize            *length);
/* Every number as a double, correctly rounded; @integer says whether the
 * text was an integer (no fraction, no exponent), then @int_value holds it. */
gboolean        quorum_json_reader_read_number   (QuorumJsonReader *reader,
                                                  double           *value,
                                                  gboolean         *integer,
                                                  gint64           *int_value);
gboolean        quorum_json_reader_read_boolean  (QuorumJsonReader *reader,
                                                  gboolean         *value);
gboolean        quorum_json_reader_read_null     (QuorumJsonReader *reader);
/* Checks and passes over one value of any kind. */
gboolean        quorum_json_reader_skip          (QuorumJsonReader *reader);
/* TRUE when only white space is left after the document. */
gboolean        quorum_json_reader_end           (QuorumJsonReader *reader);

/* The decimal number in @text (the JSON number grammar, already checked),
 * correctly rounded as strtod() would: a fast path for the usual up to 19
 * significant digits, strtod itself for the rest. */
double          quorum_json_parse_double         (const char       *text,
                                                  gsize             length);

G_END_DECLS
