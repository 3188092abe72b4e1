/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <math.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-json-reader.h"
#include "quorum-wire-private.h"
#include "quorum-wire.h"

/* ======================================================================
 * Bytes to the model, without a tree
 *
 * The pull functions below accept exactly the documents the tree path
 * (quorum_wire_parse_bytes, then quorum_wire_read_*) accepts and build the
 * same model; tests/core/test-wire-stream.c and the fuzz target wire-stream
 * hold them to it. They do not word errors: on any refusal the public
 * functions run the tree path on the same bytes, so a message is the tree
 * path's, word for word, and there is one wording to keep.
 * ====================================================================== */

/* Whether @name (of @length bytes, NUL-terminated) is @literal. */
#define NAME_IS(name, length, literal) \
  ((length) == sizeof (literal) - 1 && memcmp ((name), (literal), sizeof (literal) - 1) == 0)

/* A string member: null allowed when @optional (leaves *value NULL), an
 * empty string never. */
static gboolean
pull_string (QuorumJsonReader *reader,
             gboolean          optional,
             char            **value)
{
  const char *text;
  gsize length;

  g_clear_pointer (value, g_free);
  if (quorum_json_reader_peek (reader) == QUORUM_JSON_NULL)
    return optional ? quorum_json_reader_read_null (reader) : quorum_json_reader_fail (reader);
  if ((text = quorum_json_reader_read_string (reader, &length)) == NULL || length == 0)
    return quorum_json_reader_fail (reader);
  *value = g_strndup (text, length);
  return TRUE;
}

/* A whole number between @min and @max, as read_integer in quorum-wire.c:
 * 3.0 is the whole number 3. */
static gboolean
pull_integer (QuorumJsonReader *reader,
              gint64            min,
              gint64            max,
              gint64           *value)
{
  double d;
  gboolean integer;
  gint64 v;

  if (quorum_json_reader_peek (reader) != QUORUM_JSON_NUMBER ||
      !quorum_json_reader_read_number (reader, &d, &integer, &v))
    return quorum_json_reader_fail (reader);
  if (!integer)
    {
      if (d != floor (d) || d < (double) min || d > (double) max)
        return quorum_json_reader_fail (reader);
      v = (gint64) d;
    }
  if (v < min || v > max)
    return quorum_json_reader_fail (reader);
  *value = v;
  return TRUE;
}

static gboolean
pull_boolean (QuorumJsonReader *reader,
              gboolean         *value)
{
  if (quorum_json_reader_peek (reader) != QUORUM_JSON_BOOLEAN ||
      !quorum_json_reader_read_boolean (reader, value))
    return quorum_json_reader_fail (reader);
  return TRUE;
}

static gboolean
pull_kind (QuorumJsonReader *reader,
           QuorumKind       *kind)
{
  const char *text;

  if (quorum_json_reader_peek (reader) != QUORUM_JSON_STRING ||
      (text = quorum_json_reader_read_string (reader, NULL)) == NULL ||
      !quorum_kind_from_string (text, kind))
    return quorum_json_reader_fail (reader);
  return TRUE;
}

/* [[x, y], …] into @points (emptied first). */
static gboolean
pull_points (QuorumJsonReader *reader,
             GArray           *points)
{
  g_array_set_size (points, 0);
  if (quorum_json_reader_peek (reader) != QUORUM_JSON_ARRAY ||
      !quorum_json_reader_begin_array (reader))
    return quorum_json_reader_fail (reader);
  while (quorum_json_reader_next_element (reader))
    {
      double xy[2];

      if (quorum_json_reader_peek (reader) != QUORUM_JSON_ARRAY ||
          !quorum_json_reader_begin_array (reader))
        return quorum_json_reader_fail (reader);
      for (guint k = 0; k < 2; k++)
        if (!quorum_json_reader_next_element (reader) ||
            quorum_json_reader_peek (reader) != QUORUM_JSON_NUMBER ||
            !quorum_json_reader_read_number (reader, &xy[k], NULL, NULL) ||
            fabs (xy[k]) > QUORUM_WIRE_MAX_COORDINATE)
          return quorum_json_reader_fail (reader);
      if (quorum_json_reader_next_element (reader) || quorum_json_reader_failed (reader))
        return quorum_json_reader_fail (reader);
      g_array_append_vals (points, xy, 1);
    }
  return !quorum_json_reader_failed (reader);
}

/* An attribute value as the tree path takes it without a schema: true,
 * false, a string or an array of strings. */
static JsonNode *
pull_attribute_value (QuorumJsonReader *reader)
{
  switch (quorum_json_reader_peek (reader))
    {
    case QUORUM_JSON_BOOLEAN:
      {
        gboolean value;
        if (!quorum_json_reader_read_boolean (reader, &value))
          return NULL;
        return json_node_init_boolean (json_node_alloc (), value);
      }
    case QUORUM_JSON_STRING:
      {
        const char *value = quorum_json_reader_read_string (reader, NULL);
        return value != NULL ? json_node_init_string (json_node_alloc (), value) : NULL;
      }
    case QUORUM_JSON_ARRAY:
      {
        g_autoptr(JsonArray) array = json_array_new ();

        if (!quorum_json_reader_begin_array (reader))
          return NULL;
        while (quorum_json_reader_next_element (reader))
          {
            const char *value;

            if (quorum_json_reader_peek (reader) != QUORUM_JSON_STRING ||
                (value = quorum_json_reader_read_string (reader, NULL)) == NULL)
              {
                quorum_json_reader_fail (reader);
                return NULL;
              }
            json_array_add_string_element (array, value);
          }
        if (quorum_json_reader_failed (reader))
          return NULL;
        return json_node_init_array (json_node_alloc (), array);
      }
    default:
      quorum_json_reader_fail (reader);
      return NULL;
    }
}

/* The tree path copies attributes in the order json_object_iter_init()
 * visits the parsed object, which is its hash table's: the same members
 * inserted in the same order visit in the same order, so this gives the
 * very object (and the very bytes when written) the tree path gives. */
static JsonObject *
reorder_as_tree (JsonObject *parsed)
{
  JsonObject *copy;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (json_object_get_size (parsed) < 2)
    return json_object_ref (parsed);
  copy = json_object_new ();
  json_object_iter_init (&iter, parsed);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (copy, name, json_node_ref (value));
  return copy;
}

static JsonObject *
pull_attributes (QuorumJsonReader *reader)
{
  g_autoptr(JsonObject) attributes = json_object_new ();
  const char *name;
  gsize length;

  if (quorum_json_reader_peek (reader) != QUORUM_JSON_OBJECT ||
      !quorum_json_reader_begin_object (reader))
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }
  while ((name = quorum_json_reader_next_member (reader, &length)) != NULL)
    {
      g_autofree char *key = g_strndup (name, length);
      JsonNode *value;

      if (length == 0 || strlen (key) != length || json_object_has_member (attributes, key) ||
          (value = pull_attribute_value (reader)) == NULL)
        {
          quorum_json_reader_fail (reader);
          return NULL;
        }
      json_object_set_member (attributes, key, value);
    }
  if (quorum_json_reader_failed (reader))
    return NULL;
  return reorder_as_tree (attributes);
}

/* The schema's rules for attribute values (read_attribute_value in
 * quorum-wire.c), on values already known to be booleans, strings or
 * arrays of strings. */
static gboolean
attributes_fit_label (JsonObject        *attributes,
                      const QuorumLabel *label)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, attributes);
  while (json_object_iter_next (&iter, &name, &value))
    {
      const QuorumAttributeSpec *spec = quorum_label_find_attribute (label, name);
      const char * const *options;

      if (spec == NULL)
        return FALSE;
      options = (const char * const *) spec->options;
      switch (spec->type)
        {
        case QUORUM_ATTRIBUTE_BOOLEAN:
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
            return FALSE;
          break;
        case QUORUM_ATTRIBUTE_TEXT:
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            return FALSE;
          break;
        case QUORUM_ATTRIBUTE_SINGLE_CHOICE:
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING ||
              !g_strv_contains (options, json_node_get_string (value)))
            return FALSE;
          break;
        case QUORUM_ATTRIBUTE_MULTIPLE_CHOICE:
        default:
          {
            JsonArray *array;

            if (!JSON_NODE_HOLDS_ARRAY (value))
              return FALSE;
            array = json_node_get_array (value);
            for (guint i = 0; i < json_array_get_length (array); i++)
              {
                const char *choice = json_array_get_string_element (array, i);

                if (!g_strv_contains (options, choice))
                  return FALSE;
                for (guint j = 0; j < i; j++)
                  if (g_str_equal (json_array_get_string_element (array, j), choice))
                    return FALSE;
              }
          }
          break;
        }
    }
  return TRUE;
}

enum {
  MEMBER_ID          = 1 << 0,
  MEMBER_LABEL       = 1 << 1,
  MEMBER_KIND        = 1 << 2,
  MEMBER_POINTS      = 1 << 3,
  MEMBER_ATTRIBUTES  = 1 << 4,
  MEMBER_FRAME       = 1 << 5,
  MEMBER_TRACK_ID    = 1 << 6,
  MEMBER_AUTHOR      = 1 << 7,
  MEMBER_COPIED_FROM = 1 << 8,
  MEMBER_KEYFRAME    = 1 << 9,
  MEMBER_OUTSIDE     = 1 << 10,
  MEMBER_OCCLUDED    = 1 << 11,
};

/* Names a member of an instance; 0 for a name the format does not have. */
static guint
instance_member (const char *name,
                 gsize       length)
{
  switch (length)
    {
    case 2:
      return NAME_IS (name, length, "id") ? MEMBER_ID : 0;
    case 4:
      return NAME_IS (name, length, "kind") ? MEMBER_KIND : 0;
    case 5:
      return NAME_IS (name, length, "label") ? MEMBER_LABEL : NAME_IS (name, length, "frame") ? MEMBER_FRAME : 0;
    case 6:
      return NAME_IS (name, length, "points") ? MEMBER_POINTS : NAME_IS (name, length, "author") ? MEMBER_AUTHOR : 0;
    case 7:
      return NAME_IS (name, length, "outside") ? MEMBER_OUTSIDE : 0;
    case 8:
      return NAME_IS (name, length, "track_id") ? MEMBER_TRACK_ID
             : NAME_IS (name, length, "keyframe") ? MEMBER_KEYFRAME
             : NAME_IS (name, length, "occluded") ? MEMBER_OCCLUDED : 0;
    case 10:
      return NAME_IS (name, length, "attributes") ? MEMBER_ATTRIBUTES : 0;
    case 11:
      return NAME_IS (name, length, "copied_from") ? MEMBER_COPIED_FROM : 0;
    default:
      return 0;
    }
}

/* @points: scratch space, reused from one instance to the next.
 * @no_attributes: an empty, sealed object, shared by every instance of the
 * list that has no attributes (the model treats attributes as immutable;
 * quorum_instance_copy() shares them the same way). */
static QuorumInstance *
pull_instance (QuorumJsonReader        *reader,
               const QuorumLabelSchema *schema,
               guint                    n_frames,
               GArray                  *points,
               JsonObject              *no_attributes)
{
  g_autoptr(QuorumInstance) instance = NULL;
  g_autoptr(JsonObject) attributes = NULL;
  g_autofree char *id = NULL, *label_name = NULL;
  g_autofree char *track_id = NULL, *author = NULL, *copied_from = NULL;
  const QuorumLabel *label = NULL;
  QuorumKind kind = QUORUM_KIND_TAG;
  gint64 frame = 0;
  gint64 max_frame = n_frames > 0 ? (gint64) n_frames - 1 : (gint64) G_MAXUINT - 1;
  gboolean keyframe = TRUE, outside = FALSE, occluded = FALSE;
  guint seen = 0;
  const char *name;
  gsize length;

  if (quorum_json_reader_peek (reader) != QUORUM_JSON_OBJECT ||
      !quorum_json_reader_begin_object (reader))
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }
  while ((name = quorum_json_reader_next_member (reader, &length)) != NULL)
    {
      guint member = instance_member (name, length);
      gboolean ok;

      if (member == 0 || (seen & member) != 0)
        {
          quorum_json_reader_fail (reader);
          return NULL;
        }
      seen |= member;
      switch (member)
        {
        case MEMBER_ID:          ok = pull_string (reader, FALSE, &id); break;
        case MEMBER_LABEL:       ok = pull_string (reader, FALSE, &label_name); break;
        case MEMBER_KIND:        ok = pull_kind (reader, &kind); break;
        case MEMBER_POINTS:      ok = pull_points (reader, points); break;
        case MEMBER_FRAME:       ok = pull_integer (reader, 0, max_frame, &frame); break;
        case MEMBER_TRACK_ID:    ok = pull_string (reader, TRUE, &track_id); break;
        case MEMBER_AUTHOR:      ok = pull_string (reader, TRUE, &author); break;
        case MEMBER_COPIED_FROM: ok = pull_string (reader, TRUE, &copied_from); break;
        case MEMBER_KEYFRAME:    ok = pull_boolean (reader, &keyframe); break;
        case MEMBER_OUTSIDE:     ok = pull_boolean (reader, &outside); break;
        case MEMBER_OCCLUDED:    ok = pull_boolean (reader, &occluded); break;
        case MEMBER_ATTRIBUTES:
        default:
          ok = (attributes = pull_attributes (reader)) != NULL;
          break;
        }
      if (!ok)
        return NULL;
    }
  if (quorum_json_reader_failed (reader))
    return NULL;

  if ((seen & (MEMBER_ID | MEMBER_LABEL | MEMBER_KIND | MEMBER_POINTS)) !=
      (MEMBER_ID | MEMBER_LABEL | MEMBER_KIND | MEMBER_POINTS))
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }
  if (schema != NULL &&
      ((label = quorum_label_schema_find (schema, label_name)) == NULL || label->kind != kind ||
       (attributes != NULL && !attributes_fit_label (attributes, label))))
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }

  instance = g_new0 (QuorumInstance, 1);
  instance->id = g_steal_pointer (&id);
  instance->label = g_steal_pointer (&label_name);
  instance->kind = kind;
  instance->keyframe = TRUE;
  instance->n_points = points->len;
  instance->points = points->len > 0 ? g_memdup2 (points->data, points->len * sizeof (QuorumPoint))
                                     : NULL;
  instance->attributes = attributes != NULL && json_object_get_size (attributes) > 0
                         ? g_steal_pointer (&attributes) : json_object_ref (no_attributes);
  instance->frame = (guint) frame;
  instance->track_id = g_steal_pointer (&track_id);
  instance->author = g_steal_pointer (&author);
  instance->copied_from = g_steal_pointer (&copied_from);
  instance->keyframe = keyframe;
  instance->outside = outside;
  instance->occluded = occluded;
  if (!quorum_instance_check (instance, NULL))
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }
  return g_steal_pointer (&instance);
}

static GPtrArray *
pull_instance_list (QuorumJsonReader        *reader,
                    const QuorumLabelSchema *schema,
                    guint                    n_frames)
{
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) points = g_array_sized_new (FALSE, FALSE, sizeof (QuorumPoint), 64);
  g_autoptr(JsonObject) no_attributes = json_object_new ();

  if (quorum_json_reader_peek (reader) != QUORUM_JSON_ARRAY ||
      !quorum_json_reader_begin_array (reader))
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }
  json_object_seal (no_attributes);
  while (quorum_json_reader_next_element (reader))
    {
      QuorumInstance *instance = pull_instance (reader, schema, n_frames, points, no_attributes);

      if (instance == NULL)
        return NULL;
      g_ptr_array_add (instances, instance);
      if (!g_hash_table_add (ids, instance->id))
        {
          quorum_json_reader_fail (reader);
          return NULL;
        }
    }
  if (quorum_json_reader_failed (reader))
    return NULL;
  return g_steal_pointer (&instances);
}

static gboolean
pull_file_info (QuorumJsonReader *reader,
                QuorumFileInfo   *file)
{
  gint64 width = 0, height = 0, frames = 1;
  double fps = 0;
  guint seen = 0;
  const char *name;
  gsize length;

  if (quorum_json_reader_peek (reader) != QUORUM_JSON_OBJECT ||
      !quorum_json_reader_begin_object (reader))
    return quorum_json_reader_fail (reader);
  while ((name = quorum_json_reader_next_member (reader, &length)) != NULL)
    {
      guint member = NAME_IS (name, length, "width") ? 1 : NAME_IS (name, length, "height") ? 2 :
                     NAME_IS (name, length, "frames") ? 4 : NAME_IS (name, length, "fps") ? 8 : 0;
      gboolean ok;

      if (member == 0 || (seen & member) != 0)
        return quorum_json_reader_fail (reader);
      seen |= member;
      switch (member)
        {
        case 1: ok = pull_integer (reader, 1, QUORUM_WIRE_MAX_SIZE, &width); break;
        case 2: ok = pull_integer (reader, 1, QUORUM_WIRE_MAX_SIZE, &height); break;
        case 4: ok = pull_integer (reader, 1, QUORUM_WIRE_MAX_SIZE, &frames); break;
        default:
          ok = quorum_json_reader_peek (reader) == QUORUM_JSON_NUMBER &&
               quorum_json_reader_read_number (reader, &fps, NULL, NULL) &&
               fps >= 0 && fps <= QUORUM_WIRE_MAX_FPS;
          break;
        }
      if (!ok)
        return quorum_json_reader_fail (reader);
    }
  if (quorum_json_reader_failed (reader) || (seen & 3) != 3)
    return quorum_json_reader_fail (reader);
  *file = (QuorumFileInfo) { width, height, frames, fps };
  return TRUE;
}

/* Where a reader stands, to come back to a value read later. */
typedef struct {
  const char *p;
  guint       depth;
  guint64     first;
} ReaderMark;

static ReaderMark
reader_mark (QuorumJsonReader *reader)
{
  return (ReaderMark) { reader->p, reader->depth, reader->first };
}

static void
reader_return (QuorumJsonReader *reader,
               ReaderMark        mark)
{
  reader->p = mark.p;
  reader->depth = mark.depth;
  reader->first = mark.first;
}

QuorumAnnotationSet *
_quorum_wire_pull_annotation_set (QuorumJsonReader        *reader,
                                  const QuorumLabelSchema *schema)
{
  g_autoptr(QuorumAnnotationSet) set = NULL;
  g_autofree char *annotator = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  QuorumFileInfo file = { 0 };
  ReaderMark instances_at = { 0 }, after;
  guint seen = 0;
  const char *name;
  gsize length;

  if (quorum_json_reader_peek (reader) != QUORUM_JSON_OBJECT ||
      !quorum_json_reader_begin_object (reader))
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }
  while ((name = quorum_json_reader_next_member (reader, &length)) != NULL)
    {
      guint member = NAME_IS (name, length, "annotator") ? 1 : NAME_IS (name, length, "file") ? 2 :
                     NAME_IS (name, length, "instances") ? 4 : 0;
      gboolean ok;

      if (member == 0 || (seen & member) != 0)
        {
          quorum_json_reader_fail (reader);
          return NULL;
        }
      seen |= member;
      switch (member)
        {
        case 1:
          ok = pull_string (reader, TRUE, &annotator);
          break;
        case 2:
          ok = pull_file_info (reader, &file);
          break;
        default:
          /* The frame count bounds every instance's frame: a list that comes
           * before the file is passed over now and read once the file is
           * known. */
          if ((seen & 2) != 0)
            ok = (instances = pull_instance_list (reader, schema, file.frames)) != NULL;
          else
            {
              instances_at = reader_mark (reader);
              ok = quorum_json_reader_skip (reader);
            }
          break;
        }
      if (!ok)
        {
          quorum_json_reader_fail (reader);
          return NULL;
        }
    }
  if (quorum_json_reader_failed (reader) || (seen & 6) != 6)
    {
      quorum_json_reader_fail (reader);
      return NULL;
    }
  if (instances == NULL)
    {
      after = reader_mark (reader);
      reader_return (reader, instances_at);
      if ((instances = pull_instance_list (reader, schema, file.frames)) == NULL)
        return NULL;
      reader_return (reader, after);
    }
  set = quorum_annotation_set_new (annotator, &file);
  g_ptr_array_unref (set->instances);
  set->instances = g_steal_pointer (&instances);
  return g_steal_pointer (&set);
}

GPtrArray *
quorum_wire_reader_read_instances (QuorumJsonReader        *reader,
                                   const QuorumLabelSchema *schema)
{
  return pull_instance_list (reader, schema, 0);
}

QuorumAnnotationSet *
_quorum_wire_fast_parse_annotation_set (const char              *data,
                                        gsize                    length,
                                        const QuorumLabelSchema *schema)
{
  QuorumJsonReader reader;
  QuorumAnnotationSet *set = NULL;

  if (length > QUORUM_WIRE_MAX_BYTES)
    return NULL;
  quorum_json_reader_init (&reader, data, length);
  set = _quorum_wire_pull_annotation_set (&reader, schema);
  if (set != NULL && !quorum_json_reader_end (&reader))
    g_clear_pointer (&set, quorum_annotation_set_free);
  quorum_json_reader_clear (&reader);
  return set;
}

GPtrArray *
_quorum_wire_fast_parse_instances (const char              *data,
                                   gsize                    length,
                                   const QuorumLabelSchema *schema)
{
  QuorumJsonReader reader;
  GPtrArray *instances = NULL;

  if (length > QUORUM_WIRE_MAX_BYTES)
    return NULL;
  quorum_json_reader_init (&reader, data, length);
  instances = pull_instance_list (&reader, schema, 0);
  if (instances != NULL && !quorum_json_reader_end (&reader))
    g_clear_pointer (&instances, g_ptr_array_unref);
  quorum_json_reader_clear (&reader);
  return instances;
}

QuorumAnnotationSet *
quorum_wire_parse_annotation_set (const char              *data,
                                  gsize                    length,
                                  const QuorumLabelSchema *schema,
                                  GError                 **error)
{
  QuorumAnnotationSet *set = _quorum_wire_fast_parse_annotation_set (data, length, schema);
  g_autoptr(JsonNode) node = NULL;

  if (set != NULL)
    return set;
  /* Refused: the tree path says why. */
  if ((node = quorum_wire_parse_bytes (data, length, error)) == NULL)
    return NULL;
  set = quorum_wire_read_annotation_set (node, schema, "", error);
  if (set != NULL)
    g_warning ("the streaming reader refused an annotation set the tree path takes");
  return set;
}

GPtrArray *
quorum_wire_parse_instances (const char              *data,
                             gsize                    length,
                             const QuorumLabelSchema *schema,
                             const char              *path_prefix,
                             GError                 **error)
{
  GPtrArray *instances = _quorum_wire_fast_parse_instances (data, length, schema);
  g_autoptr(JsonNode) node = NULL;

  if (instances != NULL)
    return instances;
  if ((node = quorum_wire_parse_bytes (data, length, error)) == NULL)
    return NULL;
  instances = quorum_wire_read_instances (node, schema, path_prefix, error);
  if (instances != NULL)
    g_warning ("the streaming reader refused an instance list the tree path takes");
  return instances;
}

/* ======================================================================
 * The model to bytes, without a tree
 *
 * Byte for byte what quorum_wire_to_string (quorum_wire_write_*(), FALSE)
 * writes: json-glib's compact layout, members in the same order, numbers
 * as coordinate_node() and json-glib's generator spell them.
 * ====================================================================== */

static void
append_string (GString    *out,
               const char *text)
{
  const char *run = text;

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *escape;
      char buffer[8];

      /* json-glib's escapes: the control characters, and DEL. */
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;
      g_string_append_len (out, run, p - run);
      switch (c)
        {
        case '"':  escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default:
          g_snprintf (buffer, sizeof buffer, "\\u%04x", c);
          escape = buffer;
          break;
        }
      g_string_append (out, escape);
      run = p + 1;
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

static void
append_nullable_string (GString    *out,
                        const char *text)
{
  if (text == NULL)
    g_string_append (out, "null");
  else
    append_string (out, text);
}

static void
append_integer (GString *out,
                gint64   value)
{
  char buffer[24];
  char *p = buffer + sizeof buffer;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, buffer + sizeof buffer - p);
}

#ifdef __SIZEOF_INT128__
/* What g_ascii_dtostr() (printf's "%.17g") writes for @value, for the
 * values coordinates usually hold (1e-4 <= |value| < 1e15, not whole),
 * without printf's arbitrary-precision machinery: @value is m × 2^e exactly,
 * m × 10^k fits 128 bits, and one shift with round-half-even gives the 17
 * significant digits printf gives. FALSE outside that range. */
static gboolean
format_17g (double value,
            char   buffer[G_ASCII_DTOSTR_BUF_SIZE])
{
  static const guint64 power10[] = {
    G_GUINT64_CONSTANT (1), G_GUINT64_CONSTANT (10), G_GUINT64_CONSTANT (100),
    G_GUINT64_CONSTANT (1000), G_GUINT64_CONSTANT (10000), G_GUINT64_CONSTANT (100000),
    G_GUINT64_CONSTANT (1000000), G_GUINT64_CONSTANT (10000000),
    G_GUINT64_CONSTANT (100000000), G_GUINT64_CONSTANT (1000000000),
    G_GUINT64_CONSTANT (10000000000), G_GUINT64_CONSTANT (100000000000),
    G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (10000000000000),
    G_GUINT64_CONSTANT (100000000000000), G_GUINT64_CONSTANT (1000000000000000),
    G_GUINT64_CONSTANT (10000000000000000), G_GUINT64_CONSTANT (100000000000000000),
    G_GUINT64_CONSTANT (1000000000000000000), G_GUINT64_CONSTANT (10000000000000000000),
  };
  double magnitude = fabs (value);
  guint64 mantissa, digits = 0;
  int binary_exponent, shift, integer_digits;
  char text[24];
  char *p = buffer;

  if (!(magnitude >= 1e-4 && magnitude < 1e15))
    return FALSE;
  mantissa = (guint64) ldexp (frexp (magnitude, &binary_exponent), 53);
  shift = 53 - binary_exponent;   /* magnitude = mantissa / 2^shift; 3 <= shift <= 67 */
  integer_digits = (int) floor (log10 (magnitude)) + 1;

  for (int attempt = 0; attempt < 3; attempt++)
    {
      int k = 17 - integer_digits;   /* 2 <= k <= 21 */
      unsigned __int128 scaled, rest, half;

      if (k < 0 || k > 21)
        return FALSE;
      scaled = (unsigned __int128) mantissa * (k <= 19 ? power10[k] : power10[19]);
      if (k > 19)
        scaled *= power10[k - 19];
      rest = scaled & ((((unsigned __int128) 1) << shift) - 1);
      half = ((unsigned __int128) 1) << (shift - 1);
      digits = (guint64) (scaled >> shift);
      if (rest > half || (rest == half && (digits & 1)))
        digits++;
      if (digits < power10[16])
        integer_digits--;
      else if (digits >= power10[17])
        integer_digits++;
      else
        break;
    }
  if (digits < power10[16] || digits >= power10[17])
    return FALSE;

  for (int i = 16; i >= 0; i--)
    {
      text[i] = (char) ('0' + digits % 10);
      digits /= 10;
    }
  if (value < 0)
    *p++ = '-';
  if (integer_digits > 0)
    {
      memcpy (p, text, integer_digits);
      p += integer_digits;
      *p++ = '.';
      memcpy (p, text + integer_digits, 17 - integer_digits);
      p += 17 - integer_digits;
    }
  else
    {
      *p++ = '0';
      *p++ = '.';
      for (int i = 0; i < -integer_digits; i++)
        *p++ = '0';
      memcpy (p, text, 17);
      p += 17;
    }
  /* %g drops trailing zeros, and a point with nothing after it. */
  while (p[-1] == '0')
    p--;
  if (p[-1] == '.')
    p--;
  *p = '\0';
  return TRUE;
}
#else
static gboolean
format_17g (double value,
            char   buffer[G_ASCII_DTOSTR_BUF_SIZE])
{
  return FALSE;
}
#endif

/* As coordinate_node() then the generator: whole values as integers,
 * others as g_ascii_dtostr() with ".0" when it wrote neither '.' nor an
 * exponent. */
/* A double as json-glib's generator writes one: %.17g, with ".0" when that
 * wrote neither '.' nor an exponent. */
static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!format_17g (value, buffer))
    g_ascii_dtostr (buffer, sizeof buffer, value);
  g_string_append (out, buffer);
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_coordinate (GString *out,
                   double   value)
{
  if (value == floor (value) && fabs (value) < 1e15 && !(value == 0 && signbit (value)))
    append_integer (out, (gint64) value);
  else
    append_double (out, value);
}

/* Any node, compact, as json-glib's generator writes it (with the two
 * repairs quorum_wire_to_string() makes: no ".0" after an exponent, U+001F
 * escaped); without recursion, so a tree of any depth is written. */
void
_quorum_wire_append_node (GString  *out,
                          JsonNode *root)
{
  typedef struct {
    JsonNode       *container;
    guint           index;    /* arrays */
    JsonObjectIter  iter;     /* objects */
  } Frame;
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  JsonNode *node = root;

  for (;;)
    {
      /* Write @node, or open it. */
      switch (node != NULL ? JSON_NODE_TYPE (node) : JSON_NODE_NULL)
        {
        case JSON_NODE_OBJECT:
          {
            Frame frame = { node, 0 };
            g_string_append_c (out, '{');
            json_object_iter_init_ordered (&frame.iter, json_node_get_object (node));
            g_array_append_val (stack, frame);
          }
          break;
        case JSON_NODE_ARRAY:
          {
            Frame frame = { node, 0 };
            g_string_append_c (out, '[');
            g_array_append_val (stack, frame);
          }
          break;
        case JSON_NODE_VALUE:
          switch (json_node_get_value_type (node))
            {
            case G_TYPE_STRING:
              append_string (out, json_node_get_string (node));
              break;
            case G_TYPE_BOOLEAN:
              g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
              break;
            case G_TYPE_INT64:
              append_integer (out, json_node_get_int (node));
              break;
            default:
              append_double (out, json_node_get_double (node));
              break;
            }
          break;
        case JSON_NODE_NULL:
        default:
          g_string_append (out, "null");
          break;
        }

      /* The next node to write, closing what is complete. */
      node = NULL;
      while (stack->len > 0)
        {
          Frame *top = &g_array_index (stack, Frame, stack->len - 1);

          if (JSON_NODE_HOLDS_ARRAY (top->container))
            {
              JsonArray *array = json_node_get_array (top->container);

              if (top->index < json_array_get_length (array))
                {
                  if (top->index > 0)
                    g_string_append_c (out, ',');
                  node = json_array_get_element (array, top->index++);
                  break;
                }
              g_string_append_c (out, ']');
            }
          else
            {
              const char *name;
              JsonNode *value;

              if (json_object_iter_next_ordered (&top->iter, &name, &value))
                {
                  if (top->index++ > 0)
                    g_string_append_c (out, ',');
                  append_string (out, name);
                  g_string_append_c (out, ':');
                  node = value;
                  break;
                }
              g_string_append_c (out, '}');
            }
          g_array_set_size (stack, stack->len - 1);
        }
      if (node == NULL)
        return;
    }
}

void
quorum_wire_append_instance (GString              *out,
                             const QuorumInstance *instance)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean first = TRUE;

  g_string_append (out, "{\"id\":");
  append_string (out, instance->id);
  g_string_append (out, ",\"label\":");
  append_string (out, instance->label);
  g_string_append (out, ",\"kind\":\"");
  g_string_append (out, quorum_kind_to_string (instance->kind));
  g_string_append (out, "\",\"points\":[");
  for (guint i = 0; i < instance->n_points; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '[');
      append_coordinate (out, instance->points[i].x);
      g_string_append_c (out, ',');
      append_coordinate (out, instance->points[i].y);
      g_string_append_c (out, ']');
    }
  g_string_append (out, "],\"attributes\":{");
  json_object_iter_init_ordered (&iter, instance->attributes);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_string (out, name);
      g_string_append_c (out, ':');
      _quorum_wire_append_node (out, value);
    }
  g_string_append (out, "},\"frame\":");
  append_integer (out, instance->frame);
  g_string_append (out, ",\"track_id\":");
  append_nullable_string (out, instance->track_id);
  g_string_append (out, ",\"author\":");
  append_nullable_string (out, instance->author);
  g_string_append (out, ",\"copied_from\":");
  append_nullable_string (out, instance->copied_from);
  /* only when not the default, as the tree writer */
  if (!instance->keyframe)
    g_string_append (out, ",\"keyframe\":false");
  if (instance->outside)
    g_string_append (out, ",\"outside\":true");
  if (instance->occluded)
    g_string_append (out, ",\"occluded\":true");
  g_string_append_c (out, '}');
}

void
quorum_wire_append_instances (GString   *out,
                              GPtrArray *instances)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < instances->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      quorum_wire_append_instance (out, g_ptr_array_index (instances, i));
    }
  g_string_append_c (out, ']');
}

void
quorum_wire_append_annotation_set (GString                   *out,
                                   const QuorumAnnotationSet *set)
{
  g_string_append (out, "{\"annotator\":");
  append_nullable_string (out, set->annotator);
  g_string_append (out, ",\"file\":{\"width\":");
  append_integer (out, set->file.width);
  g_string_append (out, ",\"height\":");
  append_integer (out, set->file.height);
  g_string_append (out, ",\"frames\":");
  append_integer (out, set->file.frames);
  g_string_append (out, ",\"fps\":");
  append_coordinate (out, set->file.fps);
  g_string_append (out, "},\"instances\":");
  quorum_wire_append_instances (out, set->instances);
  g_string_append_c (out, '}');
}

char *
quorum_wire_instances_to_string (GPtrArray *instances)
{
  GString *out = g_string_sized_new (256 * (instances->len + 1));

  quorum_wire_append_instances (out, instances);
  return g_string_free (out, FALSE);
}

char *
quorum_wire_annotation_set_to_string (const QuorumAnnotationSet *set)
{
  GString *out = g_string_sized_new (256 * (set->instances->len + 1));

  quorum_wire_append_annotation_set (out, set);
  return g_string_free (out, FALSE);
}

/* ======================================================================
 * Any document, rewritten compact without a tree
 * ====================================================================== */

static void
append_number (GString *out,
               double   value,
               gboolean integer,
               gint64   whole)
{
  /* json-glib keeps an integer as gint64 and writes it so; any other
   * number as a double, written as the generator writes doubles. */
  if (integer)
    append_integer (out, whole);
  else
    append_double (out, value);
}

gboolean
quorum_wire_rewrite_compact (const char *data,
                             gsize       length,
                             GString    *out)
{
  QuorumJsonReader reader;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  guint64 objects = 0;      /* bit d: the container at depth d is an object */
  guint64 started = 0;      /* bit d: it has had an element */
  gsize start = out->len;
  gboolean ok = TRUE;

  if (length > QUORUM_WIRE_MAX_BYTES)
    return FALSE;
  quorum_json_reader_init (&reader, data, length);
  while (ok)
    {
      double number;
      gboolean flag, integer;
      gint64 whole;
      const char *text;

      /* One value. */
      switch (quorum_json_reader_peek (&reader))
        {
        case QUORUM_JSON_NULL:
          ok = quorum_json_reader_read_null (&reader);
          g_string_append (out, "null");
          break;
        case QUORUM_JSON_BOOLEAN:
          ok = quorum_json_reader_read_boolean (&reader, &flag);
          g_string_append (out, flag ? "true" : "false");
          break;
        case QUORUM_JSON_NUMBER:
          ok = quorum_json_reader_read_number (&reader, &number, &integer, &whole);
          if (ok)
            append_number (out, number, integer, whole);
          break;
        case QUORUM_JSON_STRING:
          ok = (text = quorum_json_reader_read_string (&reader, NULL)) != NULL;
          if (ok)
            append_string (out, text);
          break;
        case QUORUM_JSON_ARRAY:
        case QUORUM_JSON_OBJECT:
          {
            gboolean object = quorum_json_reader_peek (&reader) == QUORUM_JSON_OBJECT;
            guint64 bit;

            ok = object ? quorum_json_reader_begin_object (&reader)
                        : quorum_json_reader_begin_array (&reader);
            if (!ok)
              break;
            bit = G_GUINT64_CONSTANT (1) << (reader.depth - 1);
            objects = object ? objects | bit : objects & ~bit;
            started &= ~bit;
            g_string_append_c (out, object ? '{' : '[');
            if (object)
              {
                while (names->len < reader.depth)
                  g_ptr_array_add (names, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
                g_hash_table_remove_all (g_ptr_array_index (names, reader.depth - 1));
              }
            /* Its first element, or its end, comes next. */
            goto next;
          }
        default:
          ok = FALSE;
          break;
        }
      if (!ok)
        break;
      if (reader.depth == 0)
        break;

    next:
      /* After a value or an opening: the next element, or close. */
      for (;;)
        {
          guint64 bit;

          if (reader.depth == 0)
            goto done;
          bit = G_GUINT64_CONSTANT (1) << (reader.depth - 1);
          if (objects & bit)
            {
              const char *name = quorum_json_reader_next_member (&reader, NULL);

              /* (At the end of the object the depth has dropped: look the
               * names up only for a member.) */
              if (name != NULL)
                {
                  GHashTable *seen = g_ptr_array_index (names, reader.depth - 1);

                  if (!g_hash_table_add (seen, g_strdup (name)))
                    {
                      ok = FALSE;
                      goto done;
                    }
                  if (started & bit)
                    g_string_append_c (out, ',');
                  started |= bit;
                  append_string (out, name);
                  g_string_append_c (out, ':');
                  break;
                }
              if (quorum_json_reader_failed (&reader))
                {
                  ok = FALSE;
                  goto done;
                }
              g_string_append_c (out, '}');
            }
          else
            {
              if (quorum_json_reader_next_element (&reader))
                {
                  if (started & bit)
                    g_string_append_c (out, ',');
                  started |= bit;
                  break;
                }
              if (quorum_json_reader_failed (&reader))
                {
                  ok = FALSE;
                  goto done;
                }
              g_string_append_c (out, ']');
            }
        }
    }
done:
  ok = ok && quorum_json_reader_end (&reader);
  quorum_json_reader_clear (&reader);
  if (!ok)
    g_string_truncate (out, start);
  return ok;
}
