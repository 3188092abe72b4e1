/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>
#include <string.h>

#include "quorum-core.h"

#define WIRE_DIFF_CHECK(condition, ...) \
  G_STMT_START { if (!(condition)) g_error (__VA_ARGS__); } G_STMT_END
#include "wire-differential.h"

/*
 * The streaming reader and writer (quorum-json-reader.c,
 * quorum-wire-stream.c) against the tree path on documents made here:
 * good ones, every one-byte change and cut of them, and random numbers.
 * test-wire.c runs every case of its own through the same comparison.
 */

static QuorumLabelSchema *
car_schema (void)
{
  static const char text[] =
    "{\"labels\": ["
    " {\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\", \"attributes\": ["
    "   {\"name\": \"occluded\", \"type\": \"boolean\"},"
    "   {\"name\": \"color\", \"type\": \"single_choice\", \"options\": [\"red\", \"blue\"]},"
    "   {\"name\": \"parts\", \"type\": \"multiple_choice\", \"options\": [\"wheel\", \"door\"]},"
    "   {\"name\": \"note\", \"type\": \"text\"}]},"
    " {\"name\": \"lake\", \"kind\": \"polygon\"},"
    " {\"name\": \"road\", \"kind\": \"polyline\"},"
    " {\"name\": \"pole\", \"kind\": \"point\"},"
    " {\"name\": \"night\", \"kind\": \"tag\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (text, strlen (text), &error);
  QuorumLabelSchema *schema;

  g_assert_no_error (error);
  schema = quorum_wire_read_label_schema (node, "", &error);
  g_assert_no_error (error);
  return schema;
}

/* Documents both paths take, with every member, escapes, a BOM, a video. */
static const char * const good_sets[] = {
  "{\"annotator\": \"alice\", \"file\": {\"width\": 100, \"height\": 80, \"frames\": 3, \"fps\": 29.97},"
  " \"instances\": [{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0, 0], [10.5, 1e1]],"
  " \"attributes\": {\"occluded\": true, \"color\": \"red\", \"parts\": [\"wheel\", \"door\"],"
  " \"note\": \"d\\u00e9nt\\n\\\"x\\\"\"}, \"frame\": 2, \"track_id\": \"t\", \"author\": null,"
  " \"copied_from\": \"z\"},"
  " {\"id\": \"b\", \"label\": \"lake\", \"kind\": \"polygon\", \"points\": [[-0, 0.0], [1E2, -1e-3],"
  " [123456789, 0.1]]},"
  " {\"id\": \"c\", \"label\": \"night\", \"kind\": \"tag\", \"points\": [], \"frame\": 1.0}]}",
  /* a track's flags, written and defaulted, and occluded on an untracked one */
  "{\"file\": {\"width\": 9, \"height\": 9, \"frames\": 9}, \"instances\": ["
  "{\"id\": \"k\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0, 0], [1, 1]],"
  " \"track_id\": \"t\", \"keyframe\": false, \"outside\": true, \"occluded\": true},"
  "{\"id\": \"l\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0, 0], [1, 1]],"
  " \"frame\": 8, \"track_id\": \"t\", \"keyframe\": true, \"outside\": false, \"occluded\": false},"
  "{\"id\": \"m\", \"label\": \"pole\", \"kind\": \"point\", \"points\": [[0, 0]], \"occluded\": true}]}",
  "\xef\xbb\xbf\r\n\t{\"instances\": [], \"file\": {\"fps\": 0, \"height\": 3e0, \"width\": 1}}  ",
  "{\"file\": {\"width\": 1, \"height\": 1}, \"instances\": [{\"points\": [[1,2]], \"kind\": \"point\","
  " \"label\": \"pole\", \"id\": \"\\ud83d\\ude00\"}], \"annotator\": \"\\u00e9\"}",
  "{\"annotator\":\"b\",\"file\":{\"width\":5,\"height\":5,\"frames\":1,\"fps\":0},\"instances\":"
  "[{\"id\":\"r\",\"label\":\"road\",\"kind\":\"polyline\",\"points\":[[0.30000000000000004,"
  "4.9406564584124654e-324],[-999999999.99999988,1e9]],\"attributes\":{},\"frame\":0,"
  "\"track_id\":null,\"author\":\"\\/x\",\"copied_from\":null}]}",
};

static void
test_good_documents (void)
{
  g_autoptr(QuorumLabelSchema) schema = car_schema ();

  for (guint i = 0; i < G_N_ELEMENTS (good_sets); i++)
    {
      g_assert_true (wire_diff_annotation_set (good_sets[i], strlen (good_sets[i]), NULL));
      g_assert_true (wire_diff_annotation_set (good_sets[i], strlen (good_sets[i]), schema));
    }
}

/* Every cut of a document and every one-byte change to a few telling
 * bytes: almost all are refused, by both paths, with the same words. */
static void
test_mutations (void)
{
  static const char replacements[] = "\"\\{}[],:0-.e9 \nxtn\x01\x80";
  g_autoptr(QuorumLabelSchema) schema = car_schema ();
  guint accepted = 0, refused = 0;

  for (guint d = 0; d < G_N_ELEMENTS (good_sets); d++)
    {
      const char *doc = good_sets[d];
      gsize length = strlen (doc);
      g_autofree char *copy = g_strdup (doc);

      for (gsize cut = 0; cut < length; cut++)
        {
          if (wire_diff_annotation_set (doc, cut, schema))
            accepted++;
          else
            refused++;
          wire_diff_instances (doc, cut, NULL, "instances");
        }
      for (gsize at = 0; at < length; at++)
        for (guint r = 0; r < sizeof replacements - 1; r++)
          {
            copy[at] = replacements[r];
            if (wire_diff_annotation_set (copy, length, (r & 1) ? schema : NULL))
              accepted++;
            else
              refused++;
            copy[at] = doc[at];
          }
      /* One byte gone. */
      for (gsize at = 0; at < length; at++)
        {
          g_autofree char *shorter = g_strconcat ("", NULL);
          g_free (shorter);
          shorter = g_malloc (length);
          memcpy (shorter, doc, at);
          memcpy (shorter + at, doc + at + 1, length - at - 1);
          if (wire_diff_annotation_set (shorter, length - 1, schema))
            accepted++;
          else
            refused++;
        }
    }
  g_test_message ("%u mutated documents accepted, %u refused", accepted, refused);
  /* Both outcomes happened: the comparison saw both sides. */
  g_assert_cmpuint (accepted, >, 100);
  g_assert_cmpuint (refused, >, 1000);
}

/* Instance lists inside and outside a larger document, as the server's save
 * body carries them. */
static void
test_instance_lists (void)
{
  static const char * const lists[] = {
    "[]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": [], \"frame\": 4294967295}]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": [], \"frame\": 4294967294}]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": []},"
    " {\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": []}]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": [], \"attributes\": {\"\": true}}]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": [], \"attributes\": {\"k\": {}}}]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": [], \"id\": \"b\"}]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"point\", \"points\": [[1, 1e9], [2, 2]]}]",
    "[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"point\", \"points\": [[1, 1000000000.0000001]]}]",
    "{\"instances\": []}",
  };
  g_autoptr(QuorumLabelSchema) schema = car_schema ();
  g_autoptr(GError) error = NULL;
  QuorumJsonReader reader;
  const char body[] = "{\"version\": 3, \"instances\": [{\"id\": \"a\", \"label\": \"car\","
                      " \"kind\": \"box\", \"points\": [[1, 2], [3, 4]]}], \"extra\": {\"a\": [1, {}]}}";
  g_autoptr(GPtrArray) instances = NULL;
  const char *name;
  gboolean saw_version = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      wire_diff_instances (lists[i], strlen (lists[i]), NULL, "instances");
      wire_diff_instances (lists[i], strlen (lists[i]), schema, "");
    }

  /* The first list is empty; the second's frame is over the limit. */
  instances = quorum_wire_parse_instances (lists[1], strlen (lists[1]), NULL, "body.instances", &error);
  g_assert_null (instances);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "body.instances[0].frame: must be between 0 and 4294967294,"
                   " not 4294967295");
  g_clear_error (&error);

  /* A save body read by the caller, the list by the wire reader. */
  quorum_json_reader_init (&reader, body, strlen (body));
  g_assert_true (quorum_json_reader_begin_object (&reader));
  while ((name = quorum_json_reader_next_member (&reader, NULL)) != NULL)
    {
      if (g_str_equal (name, "version"))
        {
          double version;
          g_assert_true (quorum_json_reader_read_number (&reader, &version, NULL, NULL));
          g_assert_cmpfloat (version, ==, 3);
          saw_version = TRUE;
        }
      else if (g_str_equal (name, "instances"))
        g_assert_nonnull ((instances = quorum_wire_reader_read_instances (&reader, schema)));
      else
        g_assert_true (quorum_json_reader_skip (&reader));
    }
  g_assert_true (quorum_json_reader_end (&reader));
  quorum_json_reader_clear (&reader);
  g_assert_true (saw_version);
  g_assert_cmpuint (instances->len, ==, 1);
  g_assert_cmpfloat (((QuorumInstance *) g_ptr_array_index (instances, 0))->points[1].y, ==, 4);

  /* A repeated member in a skipped object fails the reader. */
  {
    const char repeated[] = "{\"extra\": {\"a\": 1, \"b\": [{\"c\": 1, \"c\": 2}]}}";

    quorum_json_reader_init (&reader, repeated, strlen (repeated));
    g_assert_true (quorum_json_reader_begin_object (&reader));
    g_assert_cmpstr (quorum_json_reader_next_member (&reader, NULL), ==, "extra");
    g_assert_false (quorum_json_reader_skip (&reader));
    g_assert_true (quorum_json_reader_failed (&reader));
    quorum_json_reader_clear (&reader);
  }
}

/* Numbers: the reader's fast paths against strtod, bit for bit. */
static void
test_numbers (void)
{
  static const char * const texts[] = {
    "0", "-0", "0.0", "-0.0", "1", "0.1", "0.30000000000000004", "11848.913109659605",
    "9007199254740993", "9007199254740993.0", "1e22", "1e23", "1.7976931348623157e308",
    "2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
    "123456789012345678901234567890e-20", "0.000000000000000000000000000001",
    "7.2057594037927933e16", "8.98846567431158e307", "1.00000000000000011102230246251565404",
    "9214843084008499", "30078505129381147446200", "1.448997445238699", "12345.6789e-3",
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999",
  };
  GRand *rand = g_rand_new_with_seed (13);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      double expected = g_ascii_strtod (texts[i], NULL);
      double got = quorum_json_parse_double (texts[i], strlen (texts[i]));

      if (!wire_diff_same_double (expected, got))
        g_error ("%s: strtod %.17g, reader %.17g", texts[i], expected, got);
    }

  /* Random doubles written as json-glib writes them (17 digits), and
   * shorter, and random digit strings. */
  for (guint i = 0; i < 200000; i++)
    {
      char text[64];
      double value, expected, got;
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

      switch (i % 4)
        {
        case 0:
          memcpy (&value, &bits, sizeof value);
          if (!isfinite (value))
            continue;
          g_snprintf (text, sizeof text, "%.17g", value);
          break;
        case 1:
          value = g_rand_double_range (rand, -20000, 20000);
          g_snprintf (text, sizeof text, "%.*g", g_rand_int_range (rand, 1, 20), value);
          break;
        case 2:
          g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT ".%ue%d", bits % 100000000000000000,
                      g_rand_int (rand), g_rand_int_range (rand, -40, 40));
          break;
        default:
          /* Halfway cases: a double plus half its last bit, in decimal. */
          value = g_rand_double_range (rand, 1, 1e6);
          g_snprintf (text, sizeof text, "%.25g", value + (nextafter (value, INFINITY) - value) / 2);
          break;
        }
      expected = g_ascii_strtod (text, NULL);
      got = quorum_json_parse_double (text, strlen (text));
      if (!wire_diff_same_double (expected, got))
        g_error ("%s: strtod %.17g, reader %.17g", text, expected, got);
    }
  g_rand_free (rand);
}

/* Two texts that should be one: on a difference, where it starts. */
static void
assert_same_text (const char *tree,
                  const char *stream)
{
  gsize at = 0;

  while (tree[at] != '\0' && tree[at] == stream[at])
    at++;
  if (tree[at] != stream[at])
    g_error ("the writers differ at byte %" G_GSIZE_FORMAT ": tree “%.60s”, stream “%.60s”",
             at, tree + (at > 20 ? at - 20 : 0), stream + (at > 20 ? at - 20 : 0));
}

/* The writer against the tree writer on awkward values and strings. */
static void
test_writer (void)
{
  static const double values[] = {
    0, -0.0, 1, -1, 0.5, 1e-300, -1e-300, 1e20, 1e15, 999999999999999.9, 1e-4, 9.9999999999999991e-5,
    0.1, 0.30000000000000004, 11848.913109659605, 4.9406564584124654e-324, 1e308, 123456.5,
    99999.999999999985, 0.00010000000000000001, 5e-5, 1e14 + 0.5, 1.5e-10,
  };
  GRand *rand = g_rand_new_with_seed (7);
  QuorumFileInfo file = { 10, 10, 1, 0 };
  g_autoptr(QuorumAnnotationSet) set = quorum_annotation_set_new ("a\x01\x1f\x7f\"\\/é\n", &file);
  g_autoptr(JsonNode) tree = NULL;
  g_autofree char *tree_text = NULL;
  g_autofree char *stream_text = NULL;
  GString *all_bytes = g_string_new (NULL);

  for (guint c = 1; c < 0x80; c++)
    g_string_append_c (all_bytes, (char) c);
  g_string_append (all_bytes, "é€😀");

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *id = g_strdup_printf ("i%u", i);
      QuorumInstance *instance = quorum_instance_new (id, i == 0 ? all_bytes->str : "x", QUORUM_KIND_POLYLINE);
      QuorumPoint points[4];

      for (guint k = 0; k < 4; k++)
        {
          double a, b;
          guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

          if (i < G_N_ELEMENTS (values))
            a = values[i];
          else if (k == 0)
            memcpy (&a, &bits, sizeof a);
          else
            a = g_rand_double_range (rand, -1e6, 1e6) / exp10 (g_rand_int_range (rand, 0, 12));
          if (!isfinite (a))
            a = 3;
          b = -a;
          points[k] = (QuorumPoint) { a, b };
        }
      quorum_instance_set_points (instance, points, 4);
      if (i % 3 == 0)
        {
          JsonArray *parts = json_array_new ();
          json_array_add_string_element (parts, all_bytes->str);
          json_object_set_boolean_member (instance->attributes, "b", i % 2);
          json_object_set_string_member (instance->attributes, "s\t", "v\"");
          json_object_set_array_member (instance->attributes, "p", parts);
          instance->track_id = g_strdup ("t");
          instance->author = g_strdup (all_bytes->str);
          instance->frame = i;
          /* the track flags, each on and off (default or not written) */
          instance->keyframe = i % 6 != 0;
          instance->outside = i % 9 == 0;
        }
      instance->occluded = i % 4 == 0;
      quorum_annotation_set_add (set, instance);
    }
  set->file.fps = 29.97;

  tree = quorum_wire_write_annotation_set (set);
  tree_text = quorum_wire_to_string (tree, FALSE);
  stream_text = quorum_wire_annotation_set_to_string (set);
  assert_same_text (tree_text, stream_text);
  {
    g_autoptr(JsonNode) list = quorum_wire_write_instances (set->instances);
    g_autofree char *list_tree = quorum_wire_to_string (list, FALSE);
    g_autofree char *list_stream = quorum_wire_instances_to_string (set->instances);
    assert_same_text (list_tree, list_stream);
  }
  /* And the writer's text reads back through both paths alike (the
   * instances whose coordinates the format allows). */
  {
    g_autoptr(QuorumAnnotationSet) in_range = quorum_annotation_set_new (set->annotator, &set->file);
    g_autofree char *text = NULL;

    for (guint i = 0; i < set->instances->len; i++)
      {
        const QuorumInstance *instance = g_ptr_array_index (set->instances, i);
        gboolean fits = TRUE;

        for (guint k = 0; k < instance->n_points; k++)
          fits = fits && fabs (instance->points[k].x) <= QUORUM_WIRE_MAX_COORDINATE;
        if (fits && i != 0)
          quorum_annotation_set_add (in_range, quorum_instance_copy (instance));
      }
    in_range->file.frames = 2000;
    g_assert_cmpuint (in_range->instances->len, >, 1000);
    text = quorum_wire_annotation_set_to_string (in_range);
    g_assert_true (wire_diff_annotation_set (text, strlen (text), NULL));
  }
  g_string_free (all_bytes, TRUE);
  g_rand_free (rand);
}

/* A random tree: every kind of node, strings of every byte, numbers of
 * every size, infinities included (code can build them), deep nesting. */
static JsonNode *
random_node (GRand *rand,
             guint  depth)
{
  guint kind = g_rand_int_range (rand, 0, depth > 40 ? 6 : 8);

  switch (kind)
    {
    case 0:
      return json_node_init_null (json_node_alloc ());
    case 1:
      return json_node_init_boolean (json_node_alloc (), g_rand_boolean (rand));
    case 2:
      return json_node_init_int (json_node_alloc (),
                                 (gint64) (((guint64) g_rand_int (rand) << 32) | g_rand_int (rand)) >>
                                 g_rand_int_range (rand, 0, 63));
    case 3:
      {
        guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
        double value;

        memcpy (&value, &bits, sizeof value);
        if (g_rand_int_range (rand, 0, 3) == 0)
          value = g_rand_double_range (rand, -1e6, 1e6) / exp10 (g_rand_int_range (rand, 0, 9));
        if (isnan (value))
          value = -INFINITY;
        return json_node_init_double (json_node_alloc (), value);
      }
    case 4:
    case 5:
      {
        char text[24];
        guint n = g_rand_int_range (rand, 0, sizeof text);

        for (guint i = 0; i < n; i++)
          text[i] = (char) g_rand_int_range (rand, 1, 0x80);
        text[n] = '\0';
        return json_node_init_string (json_node_alloc (), text);
      }
    case 6:
      {
        JsonArray *array = json_array_new ();
        guint n = g_rand_int_range (rand, 0, 4);

        for (guint i = 0; i < n; i++)
          json_array_add_element (array, random_node (rand, depth + 1));
        JsonNode *node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return node;
      }
    default:
      {
        JsonObject *object = json_object_new ();
        guint n = g_rand_int_range (rand, 0, 4);

        for (guint i = 0; i < n; i++)
          {
            g_autofree char *name = g_strdup_printf ("%c\x1f\\%u", 'a' + i, g_rand_int (rand) % 5);
            json_object_set_member (object, name, random_node (rand, depth + 1));
          }
        JsonNode *node = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        return node;
      }
    }
}

static void
test_node_writer (void)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(JsonNode) node = random_node (rand, 0);
      wire_diff_node_text (node);
    }
  /* Deeper than any recursion would like: the direct writer does not recurse. */
  {
    g_autoptr(JsonNode) root = json_node_init_array (json_node_alloc (), json_array_new ());
    JsonNode *inner = root;
    g_autofree char *text = NULL;

    for (guint i = 0; i < 100000; i++)
      {
        JsonArray *array = json_array_new ();
        json_array_add_array_element (json_node_get_array (inner), array);
        inner = json_array_get_element (json_node_get_array (inner), 0);
      }
    text = quorum_wire_to_string (root, FALSE);
    g_assert_cmpuint (strlen (text), ==, 2 * 100001);
  }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-stream/good", test_good_documents);
  g_test_add_func ("/wire-stream/mutations", test_mutations);
  g_test_add_func ("/wire-stream/instance-lists", test_instance_lists);
  g_test_add_func ("/wire-stream/numbers", test_numbers);
  g_test_add_func ("/wire-stream/writer", test_writer);
  g_test_add_func ("/wire-stream/node-writer", test_node_writer);

  return g_test_run ();
}
