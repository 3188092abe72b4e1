/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>
#include <string.h>

#include "quorum-core.h"

/* Every document these tests give the tree path also goes through the
 * streaming path, which must agree (wire-differential.h). */
#define WIRE_DIFF_CHECK(condition, ...) \
  G_STMT_START { if (!(condition)) g_error (__VA_ARGS__); } G_STMT_END
#include "wire-differential.h"

/* ---- helpers ------------------------------------------------------------ */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = quorum_wire_parse_bytes (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  wire_diff_annotation_set (json, strlen (json), NULL);
  wire_diff_instances (json, strlen (json), NULL, "");
  return node;
}

/* Asserts an INVALID error whose message starts with @prefix; comparing the
 * prefix as a string prints both sides when it differs. */
static void
assert_message (GError     *error,
                const char *prefix)
{
  g_autofree char *head = NULL;

  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  head = g_strndup (error->message, strlen (prefix));
  g_assert_cmpstr (head, ==, prefix);
  g_assert_true (g_str_has_prefix (error->message, prefix));
}

static void
assert_parse_error (const char *json,
                    gsize       length,
                    const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (json, length, &error);

  g_assert_null (node);
  assert_message (error, prefix);
  g_assert_false (wire_diff_annotation_set (json, length, NULL));
  g_assert_false (wire_diff_instances (json, length, NULL, "instances"));
}

static void
assert_set_error (const char              *json,
                  const QuorumLabelSchema *schema,
                  const char              *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(QuorumAnnotationSet) set = quorum_wire_read_annotation_set (node, schema, "", &error);

  if (set != NULL)
    g_error ("accepted %s; expected “%s”", json, prefix);
  assert_message (error, prefix);
  g_assert_false (wire_diff_annotation_set (json, strlen (json), schema));
}

/* A one-instance set document around @instance's JSON. */
static char *
set_with (const char *instance)
{
  return g_strdup_printf ("{\"annotator\": \"alice\", \"file\": {\"width\": 100, \"height\": 80},"
                          " \"instances\": [%s]}", instance);
}

static void
assert_instance_error (const char              *instance,
                       const QuorumLabelSchema *schema,
                       const char              *prefix)
{
  g_autofree char *json = set_with (instance);
  assert_set_error (json, schema, prefix);
}

static QuorumInstance *
make_instance (const char        *id,
               const char        *label,
               QuorumKind         kind,
               const QuorumPoint *points,
               guint              n_points)
{
  QuorumInstance *instance = quorum_instance_new (id, label, kind);

  quorum_instance_set_points (instance, points, n_points);
  return instance;
}

static void
assert_instances_equal (const QuorumInstance *a,
                        const QuorumInstance *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->label, ==, b->label);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpuint (a->n_points, ==, b->n_points);
  for (guint i = 0; i < a->n_points; i++)
    {
      /* Exact: the wire keeps every bit of a double. */
      g_assert_true (a->points[i].x == b->points[i].x);
      g_assert_true (a->points[i].y == b->points[i].y);
    }
  g_assert_true (json_object_equal (a->attributes, b->attributes));
  g_assert_cmpuint (a->frame, ==, b->frame);
  g_assert_cmpstr (a->track_id, ==, b->track_id);
  g_assert_cmpstr (a->author, ==, b->author);
  g_assert_cmpstr (a->copied_from, ==, b->copied_from);
  g_assert_cmpint (a->keyframe, ==, b->keyframe);
  g_assert_cmpint (a->outside, ==, b->outside);
  g_assert_cmpint (a->occluded, ==, b->occluded);
}

/* Writes @node, parses the text back. */
static JsonNode *
through_text (JsonNode *node,
              char    **text)
{
  *text = quorum_wire_to_string (node, TRUE);
  return parse (*text);
}

/* ---- round trips -------------------------------------------------------- */

static QuorumAnnotationSet *
every_kind_set (void)
{
  QuorumFileInfo file = { 1920, 1080, 10, 29.97 };
  QuorumAnnotationSet *set = quorum_annotation_set_new ("alice", &file);
  static const QuorumPoint box[] = { { 10, 20 }, { 110.5, 220.25 } };
  static const QuorumPoint polygon[] = { { 0.1, 0.2 }, { 1e-7, 999999999.5 }, { -3.25, 7 } };
  static const QuorumPoint polyline[] = { { 5, 5 }, { -1e9, 1e9 } };
  static const QuorumPoint point[] = { { 1.0 / 3.0, 2.0 / 3.0 } };
  QuorumInstance *instance;
  g_autoptr(JsonArray) parts = json_array_new ();

  instance = make_instance ("b1", "car", QUORUM_KIND_BOX, box, 2);
  json_object_set_boolean_member (instance->attributes, "occluded", TRUE);
  json_object_set_string_member (instance->attributes, "color", "red");
  json_array_add_string_element (parts, "wheel");
  json_array_add_string_element (parts, "door");
  json_object_set_array_member (instance->attributes, "parts", g_steal_pointer (&parts));
  instance->track_id = g_strdup ("track-7");
  instance->frame = 9;
  quorum_annotation_set_add (set, instance);

  instance = make_instance ("p1", "lake", QUORUM_KIND_POLYGON, polygon, 3);
  instance->author = g_strdup ("alice");
  instance->copied_from = g_strdup ("x9");
  quorum_annotation_set_add (set, instance);

  quorum_annotation_set_add (set, make_instance ("l1", "road", QUORUM_KIND_POLYLINE, polyline, 2));
  quorum_annotation_set_add (set, make_instance ("pt", "eye", QUORUM_KIND_POINT, point, 1));

  instance = make_instance ("t1", "night", QUORUM_KIND_TAG, NULL, 0);
  json_object_set_string_member (instance->attributes, "note", "dark, “quoted” \\ text\n");
  quorum_annotation_set_add (set, instance);
  return set;
}

static void
test_round_trip_set (void)
{
  g_autoptr(QuorumAnnotationSet) set = every_kind_set ();
  g_autoptr(JsonNode) written = quorum_wire_write_annotation_set (set);
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  g_autoptr(JsonNode) reread = through_text (written, &text);
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumAnnotationSet) back = quorum_wire_read_annotation_set (reread, NULL, "", &error);
  g_autoptr(JsonNode) rewritten = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->annotator, ==, "alice");
  g_assert_cmpuint (back->file.width, ==, 1920);
  g_assert_cmpuint (back->file.height, ==, 1080);
  g_assert_cmpuint (back->file.frames, ==, 10);
  g_assert_cmpfloat (back->file.fps, ==, 29.97);
  g_assert_cmpuint (back->instances->len, ==, 5);
  for (guint i = 0; i < set->instances->len; i++)
    assert_instances_equal (g_ptr_array_index (set->instances, i),
                            g_ptr_array_index (back->instances, i));
  /* Every kind made it, in order. */
  for (guint kind = 0; kind < QUORUM_N_KINDS; kind++)
    g_assert_cmpint (((QuorumInstance *) g_ptr_array_index (back->instances, kind))->kind, ==, kind);

  /* Writing what was read gives the same text. */
  rewritten = quorum_wire_write_annotation_set (back);
  text_again = quorum_wire_to_string (rewritten, TRUE);
  g_assert_cmpstr (text, ==, text_again);
}

static void
test_round_trip_instances (void)
{
  g_autoptr(QuorumAnnotationSet) set = every_kind_set ();
  g_autoptr(JsonNode) written = quorum_wire_write_instances (set->instances);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) reread = through_text (written, &text);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = quorum_wire_read_instances (reread, NULL, "", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 5);
  for (guint i = 0; i < back->len; i++)
    {
      g_autoptr(JsonNode) one = quorum_wire_write_instance (g_ptr_array_index (set->instances, i));
      g_autoptr(QuorumInstance) single = quorum_wire_read_instance (one, NULL, "", &error);

      g_assert_no_error (error);
      assert_instances_equal (g_ptr_array_index (set->instances, i), g_ptr_array_index (back, i));
      assert_instances_equal (g_ptr_array_index (set->instances, i), single);
    }
  /* A null track id, author and copied_from are written as null. */
  g_assert_nonnull (strstr (text, "\"track_id\" : null"));
}

/* keyframe, outside and occluded: read, written only when not the default
 * (true, false, false), so that images' instances are written as before. */
static void
test_round_trip_track_flags (void)
{
  static const QuorumPoint box[] = { { 1, 2 }, { 3, 4 } };
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) reread = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *stream_text = NULL;

  /* every combination of the three on a track, and the defaults untracked */
  for (guint bits = 0; bits < 8; bits++)
    {
      g_autofree char *id = g_strdup_printf ("i%u", bits);
      QuorumInstance *instance = make_instance (id, "car", QUORUM_KIND_BOX, box, 2);

      instance->track_id = g_strdup ("t");
      instance->frame = bits;
      instance->keyframe = (bits & 1) == 0;
      instance->outside = (bits & 2) != 0;
      instance->occluded = (bits & 4) != 0;
      g_ptr_array_add (instances, instance);
    }
  g_ptr_array_add (instances, make_instance ("plain", "car", QUORUM_KIND_BOX, box, 2));

  written = quorum_wire_write_instances (instances);
  reread = through_text (written, &text);
  back = quorum_wire_read_instances (reread, NULL, "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, instances->len);
  for (guint i = 0; i < back->len; i++)
    assert_instances_equal (g_ptr_array_index (instances, i), g_ptr_array_index (back, i));
  g_assert_false (((QuorumInstance *) g_ptr_array_index (back, 1))->keyframe);
  g_assert_true (((QuorumInstance *) g_ptr_array_index (back, 2))->outside);
  g_assert_true (((QuorumInstance *) g_ptr_array_index (back, 4))->occluded);

  /* defaults are not written: 4 of 8 have keyframe false, 4 outside true,
   * 4 occluded true, the untracked one none */
  {
    guint n_keyframe = 0, n_outside = 0, n_occluded = 0;
    const char *at;

    for (at = text; (at = strstr (at, "\"keyframe\" : false")) != NULL; at++)
      n_keyframe++;
    for (at = text; (at = strstr (at, "\"outside\" : true")) != NULL; at++)
      n_outside++;
    for (at = text; (at = strstr (at, "\"occluded\" : true")) != NULL; at++)
      n_occluded++;
    g_assert_cmpuint (n_keyframe, ==, 4);
    g_assert_cmpuint (n_outside, ==, 4);
    g_assert_cmpuint (n_occluded, ==, 4);
    g_assert_null (strstr (text, "\"keyframe\" : true"));
    g_assert_null (strstr (text, "\"outside\" : false"));
    g_assert_null (strstr (text, "\"occluded\" : false"));
  }

  /* the streaming writer writes the same, and its text reads back alike */
  {
    g_autofree char *tree_text = quorum_wire_to_string (written, FALSE);
    stream_text = quorum_wire_instances_to_string (instances);
    g_assert_cmpstr (tree_text, ==, stream_text);
    g_assert_true (wire_diff_instances (stream_text, strlen (stream_text), NULL, ""));
  }

  /* an image's instance reads and writes as before: no flag members */
  {
    g_autoptr(JsonNode) one = quorum_wire_write_instance (g_ptr_array_index (instances, 8));
    g_autofree char *plain = quorum_wire_to_string (one, FALSE);
    g_assert_null (strstr (plain, "keyframe"));
    g_assert_null (strstr (plain, "outside"));
    g_assert_null (strstr (plain, "occluded"));
  }
}

/* Found by fuzzing: json-glib 1.6 wrote 1e-300 as "1e-300.0", which no
 * reader takes back. */
static void
test_round_trip_exponent (void)
{
  g_autoptr(JsonNode) node = parse ("{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\","
                                    " \"points\": [[1e-300, 3], [10, -1E-300]],"
                                    " \"author\": \"1e-300.0 \\\"2e5.0\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumInstance) instance = quorum_wire_read_instance (node, NULL, "", &error);
  g_autoptr(JsonNode) written = NULL;

  g_assert_no_error (error);
  written = quorum_wire_write_instance (instance);
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      g_autofree char *text = quorum_wire_to_string (written, pretty);
      g_autoptr(JsonNode) again = quorum_wire_parse_bytes (text, strlen (text), &error);
      g_autoptr(QuorumInstance) back = NULL;

      g_assert_no_error (error);
      back = quorum_wire_read_instance (again, NULL, "", &error);
      g_assert_no_error (error);
      g_assert_true (back->points[0].x == 1e-300);
      g_assert_true (back->points[1].y == -1e-300);
      /* Strings are left as they are. */
      g_assert_cmpstr (back->author, ==, "1e-300.0 \"2e5.0");
    }
}

static void
test_instance_defaults (void)
{
  g_autoptr(JsonNode) node = parse ("{\"id\": \"a\", \"label\": \"car\", \"kind\": \"point\","
                                    " \"points\": [[3, 4.5]]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumInstance) instance = quorum_wire_read_instance (node, NULL, "", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (instance->frame, ==, 0);
  g_assert_null (instance->track_id);
  g_assert_null (instance->author);
  g_assert_null (instance->copied_from);
  g_assert_cmpuint (json_object_get_size (instance->attributes), ==, 0);
  g_assert_cmpfloat (instance->points[0].x, ==, 3);
  g_assert_cmpfloat (instance->points[0].y, ==, 4.5);

  /* Explicit nulls mean the same as absent members. */
  {
    g_autoptr(JsonNode) with_nulls =
      parse ("{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [],"
             " \"track_id\": null, \"author\": null, \"copied_from\": null}");
    g_autoptr(QuorumInstance) tag = quorum_wire_read_instance (with_nulls, NULL, "", &error);
    g_assert_no_error (error);
    g_assert_null (tag->track_id);
    g_assert_cmpuint (tag->n_points, ==, 0);
  }
  /* Whole numbers may be written as 3.0: JSON has one number type. */
  {
    g_autoptr(JsonNode) set_node = parse ("{\"file\": {\"width\": 4000.0, \"height\": 3e3,"
                                          " \"frames\": 5}, \"instances\": [{\"id\": \"a\","
                                          " \"label\": \"x\", \"kind\": \"tag\", \"points\": [],"
                                          " \"frame\": 4.0}]}");
    g_autoptr(QuorumAnnotationSet) set = quorum_wire_read_annotation_set (set_node, NULL, "",
                                                                          &error);
    g_assert_no_error (error);
    g_assert_cmpuint (set->file.width, ==, 4000);
    g_assert_cmpuint (set->file.height, ==, 3000);
    g_assert_cmpuint (((QuorumInstance *) g_ptr_array_index (set->instances, 0))->frame, ==, 4);
  }
  /* A set's frames default to 1 and fps to 0; the annotator may be absent. */
  {
    g_autoptr(JsonNode) set_node = parse ("{\"file\": {\"width\": 4000, \"height\": 3000},"
                                          " \"instances\": []}");
    g_autoptr(QuorumAnnotationSet) set = quorum_wire_read_annotation_set (set_node, NULL, "",
                                                                          &error);
    g_assert_no_error (error);
    g_assert_null (set->annotator);
    g_assert_cmpuint (set->file.frames, ==, 1);
    g_assert_cmpfloat (set->file.fps, ==, 0);
    g_assert_cmpuint (set->instances->len, ==, 0);
  }
}

static QuorumLabelSchema *
car_schema (void)
{
  QuorumLabelSchema *schema = quorum_label_schema_new ();
  QuorumLabel *car = quorum_label_new ("car", "#ff0000", QUORUM_KIND_BOX);
  static const char * const colors[] = { "red", "blue", NULL };
  static const char * const parts[] = { "wheel", "door", NULL };

  g_ptr_array_add (car->attributes,
                   quorum_attribute_spec_new ("occluded", QUORUM_ATTRIBUTE_BOOLEAN, NULL));
  g_ptr_array_add (car->attributes,
                   quorum_attribute_spec_new ("color", QUORUM_ATTRIBUTE_SINGLE_CHOICE, colors));
  g_ptr_array_add (car->attributes,
                   quorum_attribute_spec_new ("parts", QUORUM_ATTRIBUTE_MULTIPLE_CHOICE, parts));
  g_ptr_array_add (car->attributes,
                   quorum_attribute_spec_new ("note", QUORUM_ATTRIBUTE_TEXT, NULL));
  g_ptr_array_add (schema->labels, car);
  g_ptr_array_add (schema->labels, quorum_label_new ("lake", "#00AAff", QUORUM_KIND_POLYGON));
  return schema;
}

static void
test_round_trip_schema (void)
{
  g_autoptr(QuorumLabelSchema) schema = car_schema ();
  g_autoptr(JsonNode) written = quorum_wire_write_label_schema (schema);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) reread = through_text (written, &text);
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumLabelSchema) back = quorum_wire_read_label_schema (reread, "", &error);
  const QuorumLabel *car, *lake;

  g_assert_no_error (error);
  g_assert_cmpuint (back->labels->len, ==, 2);
  car = g_ptr_array_index (back->labels, 0);
  lake = g_ptr_array_index (back->labels, 1);
  g_assert_cmpstr (car->name, ==, "car");
  g_assert_cmpstr (car->color, ==, "#ff0000");
  g_assert_cmpint (car->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpuint (car->attributes->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const QuorumAttributeSpec *a = g_ptr_array_index (car->attributes, i);
      const QuorumAttributeSpec *b =
        g_ptr_array_index (((QuorumLabel *) g_ptr_array_index (schema->labels, 0))->attributes, i);

      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->type, ==, b->type);
      g_assert_cmpint (a->options != NULL, ==, b->options != NULL);
      if (a->options != NULL)
        g_assert_true (g_strv_equal ((const char * const *) a->options,
                                     (const char * const *) b->options));
    }
  g_assert_cmpstr (lake->color, ==, "#00AAff");
  g_assert_cmpint (lake->kind, ==, QUORUM_KIND_POLYGON);
  g_assert_cmpuint (lake->attributes->len, ==, 0);

  /* A label without a colour gets the model's default one. */
  {
    g_autoptr(JsonNode) node = parse ("{\"labels\": [{\"name\": \"sky\", \"kind\": \"tag\"}]}");
    g_autoptr(QuorumLabelSchema) plain = quorum_wire_read_label_schema (node, "", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (((QuorumLabel *) g_ptr_array_index (plain->labels, 0))->color, ==, "#3584e4");
  }
}

static void
test_round_trip_job_settings (void)
{
  g_autoptr(QuorumJobSettings) settings = quorum_job_settings_new ("Chest X-rays");
  g_autoptr(JsonNode) written = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumJobSettings) back = NULL;
  static const char * const required[] = { "Medical Doctor", "Radiology", NULL };
  static const char * const awarded[] = { "Chest reader", NULL };

  settings->type = QUORUM_JOB_EXAM;
  settings->share = QUORUM_SHARE_MARKET;
  settings->passes_per_file = 3;
  settings->review_frequency = 4;
  settings->consensus = QUORUM_CONSENSUS_MANUAL_MERGE;
  settings->blind = FALSE;
  settings->threshold = 0.75;
  settings->pass_rule.min_average_stars = 3.5;
  settings->pass_rule.max_missed = 2;
  g_strfreev (settings->required_credentials);
  settings->required_credentials = g_strdupv ((char **) required);
  g_strfreev (settings->awarded_credentials);
  settings->awarded_credentials = g_strdupv ((char **) awarded);
  settings->draw_guide = g_strdup ("guide-1");
  settings->market.set = TRUE;
  settings->market.bid.amount = 1250;
  memcpy (settings->market.bid.currency, "EUR", 4);
  settings->market.bid.per = QUORUM_BID_PER_JOB;
  settings->market.deadline = 1801353600;   /* 2027-01-31T00:00:00Z */

  written = quorum_wire_write_job_settings (settings);
  reread = through_text (written, &text);
  back = quorum_wire_read_job_settings (reread, "", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, "Chest X-rays");
  g_assert_cmpint (back->type, ==, QUORUM_JOB_EXAM);
  g_assert_cmpint (back->share, ==, QUORUM_SHARE_MARKET);
  g_assert_cmpint (back->passes_per_file, ==, 3);
  g_assert_cmpint (back->review_frequency, ==, 4);
  g_assert_cmpint (back->consensus, ==, QUORUM_CONSENSUS_MANUAL_MERGE);
  g_assert_false (back->blind);
  g_assert_cmpfloat (back->threshold, ==, 0.75);
  g_assert_cmpfloat (back->pass_rule.min_average_stars, ==, 3.5);
  g_assert_cmpuint (back->pass_rule.max_missed, ==, 2);
  g_assert_true (g_strv_equal ((const char * const *) back->required_credentials, required));
  g_assert_true (g_strv_equal ((const char * const *) back->awarded_credentials, awarded));
  g_assert_cmpstr (back->draw_guide, ==, "guide-1");
  g_assert_null (back->review_guide);
  g_assert_nonnull (strstr (text, "\"consensus\" : \"manual_merge\""));
  g_assert_nonnull (strstr (text, "\"share\" : \"market\""));
  g_assert_true (back->market.set);
  g_assert_cmpint (back->market.bid.amount, ==, 1250);
  g_assert_cmpstr (back->market.bid.currency, ==, "EUR");
  g_assert_cmpint (back->market.bid.per, ==, QUORUM_BID_PER_JOB);
  g_assert_cmpint (back->market.deadline, ==, 1801353600);
  g_assert_nonnull (strstr (text, "\"amount\" : \"12.50\""));
  g_assert_nonnull (strstr (text, "\"deadline\" : \"2027-01-31T00:00:00Z\""));

  /* Only the name is required; the rest takes the model's defaults. */
  {
    g_autoptr(JsonNode) node = parse ("{\"name\": \"Cars\"}");
    g_autoptr(QuorumJobSettings) plain = quorum_wire_read_job_settings (node, "", &error);

    g_assert_no_error (error);
    g_assert_cmpint (plain->type, ==, QUORUM_JOB_NORMAL);
    g_assert_cmpint (plain->share, ==, QUORUM_SHARE_PROJECT);
    g_assert_cmpint (plain->passes_per_file, ==, 1);
    g_assert_cmpint (plain->review_frequency, ==, 0);
    g_assert_true (plain->blind);
    g_assert_cmpfloat (plain->threshold, ==, 0.5);
    g_assert_cmpfloat (plain->pass_rule.min_average_stars, ==, 3.0);
    g_assert_cmpuint (g_strv_length (plain->required_credentials), ==, 0);
  }
}

/* ---- validation of sets and instances ------------------------------------ */

static void
test_point_counts (void)
{
  static const struct { const char *kind; const char *points; const char *message; } cases[] = {
    { "polygon", "[[0,0],[1,1]]", "instances[0].points: a polygon needs at least 3 points" },
    { "box", "[[0,0],[1,1],[2,2]]", "instances[0].points: a box needs exactly 2 points, not 3" },
    { "box", "[[0,0]]", "instances[0].points: a box needs exactly 2 points, not 1" },
    { "polyline", "[[0,0]]", "instances[0].points: a polyline needs at least 2 points" },
    { "point", "[]", "instances[0].points: a point needs exactly 1 point, not 0" },
    { "tag", "[[1,1]]", "instances[0].points: a tag has no points, not 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *instance =
        g_strdup_printf ("{\"id\": \"a\", \"label\": \"x\", \"kind\": \"%s\", \"points\": %s}",
                         cases[i].kind, cases[i].points);
      assert_instance_error (instance, NULL, cases[i].message);
    }
}

static void
test_instance_rules (void)
{
  static const struct { const char *instance; const char *message; } cases[] = {
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"circle\", \"points\": []}",
      "instances[0].kind: unknown kind “circle”; expected box, polygon, polyline, point or tag" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": 3, \"points\": []}",
      "instances[0].kind: must be a string, not a number" },
    { "{\"label\": \"car\", \"kind\": \"tag\", \"points\": []}",
      "instances[0].id: is required" },
    { "{\"id\": 7, \"label\": \"car\", \"kind\": \"tag\", \"points\": []}",
      "instances[0].id: must be a string, not a number" },
    { "{\"id\": \"\", \"label\": \"car\", \"kind\": \"tag\", \"points\": []}",
      "instances[0].id: must not be empty" },
    { "{\"id\": \"a\", \"label\": null, \"kind\": \"tag\", \"points\": []}",
      "instances[0].label: must be a string, not null" },
    { "{\"id\": \"a\", \"label\": \"car\", \"points\": []}",
      "instances[0].kind: is required" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\"}",
      "instances[0].points: is required" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": {}}",
      "instances[0].points: must be an array, not an object" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"polygon\", \"points\": [[0,0],[1,1],5]}",
      "instances[0].points[2]: must be an array [x, y], not a number" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0,0],[1,1]]}",
      "instances[0].points[0]: must be [x, y], not 3 numbers" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[\"1\",1]]}",
      "instances[0].points[1][0]: must be a number, not a string" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,true]]}",
      "instances[0].points[1][1]: must be a number, not a boolean" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"point\", \"points\": [[0,-2e9]]}",
      "instances[0].points[0][1]: -2e+09 is out of range; coordinates lie between -1e+09 and 1e+09" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"frame\": 1}",
      "instances[0].frame: must be between 0 and 0, not 1" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"frame\": -1}",
      "instances[0].frame: must be between 0 and 0, not -1" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"frame\": 0.5}",
      "instances[0].frame: must be a whole number, not 0.5" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"track_id\": \"\"}",
      "instances[0].track_id: must not be empty (use null)" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"keyframe\": 0}",
      "instances[0].keyframe: must be true or false, not a number" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"outside\": null}",
      "instances[0].outside: must be true or false, not null" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"occluded\": \"no\"}",
      "instances[0].occluded: must be true or false, not a string" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"keyframe\": false}",
      "instances[0].keyframe: only an instance of a track (with a track_id) can be other than a keyframe" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"outside\": true,"
      " \"track_id\": null}",
      "instances[0].outside: only an instance of a track (with a track_id) can be outside" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"author\": true}",
      "instances[0].author: must be a string or null, not a boolean" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"copied_from\": []}",
      "instances[0].copied_from: must be a string or null, not an array" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"lable\": \"x\"}",
      "instances[0].lable: unknown member" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [], \"attributes\": []}",
      "instances[0].attributes: must be an object, not an array" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [],"
      " \"attributes\": {\"score\": 3}}",
      "instances[0].attributes.score: must be true, false, a string or an array of strings, not a number" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [],"
      " \"attributes\": {\"tags\": [\"a\", null]}}",
      "instances[0].attributes.tags[1]: must be a string, not null" },
    { "[1]", "instances[0]: must be an object, not an array" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"tag\", \"points\": [],"
      " \"attributes\": {\"\": true}}",
      "instances[0].attributes: an attribute name must not be empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_instance_error (cases[i].instance, NULL, cases[i].message);
}

static void
test_set_rules (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "[]", "an annotation set must be an object, not an array" },
    { "{\"instances\": []}", "file: is required" },
    { "{\"file\": {\"width\": 10, \"height\": 10}}", "instances: is required" },
    { "{\"file\": {\"width\": 10, \"height\": 10}, \"instances\": {}}",
      "instances: must be an array, not an object" },
    { "{\"file\": {\"width\": 0, \"height\": 10}, \"instances\": []}",
      "file.width: must be between 1 and 1000000000, not 0" },
    { "{\"file\": {\"width\": 10}, \"instances\": []}", "file.height: is required" },
    { "{\"file\": {\"width\": 10, \"height\": \"10\"}, \"instances\": []}",
      "file.height: must be a whole number, not a string" },
    { "{\"file\": {\"width\": 10, \"height\": 10, \"frames\": 0}, \"instances\": []}",
      "file.frames: must be between 1 and 1000000000, not 0" },
    { "{\"file\": {\"width\": 10, \"height\": 10, \"fps\": -1}, \"instances\": []}",
      "file.fps: must be between 0 and 1e+06, not -1" },
    { "{\"file\": {\"width\": 10, \"height\": 10, \"depth\": 3}, \"instances\": []}",
      "file.depth: unknown member" },
    { "{\"file\": 5, \"instances\": []}", "file: must be an object, not a number" },
    { "{\"file\": {\"width\": 10, \"height\": 10, \"frames\": 2.5}, \"instances\": []}",
      "file.frames: must be a whole number, not 2.5" },
    { "{\"file\": {\"width\": 10, \"height\": 2e9}, \"instances\": []}",
      "file.height: must be between 1 and 1000000000, not 2e+09" },
    { "{\"annotator\": 5, \"file\": {\"width\": 10, \"height\": 10}, \"instances\": []}",
      "annotator: must be a string or null, not a number" },
    { "{\"annotater\": \"bob\", \"file\": {\"width\": 10, \"height\": 10}, \"instances\": []}",
      "annotater: unknown member" },
    /* A video: frame 4 of 5 is fine, frame 5 is not. */
    { "{\"file\": {\"width\": 10, \"height\": 10, \"frames\": 5}, \"instances\": ["
      "{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": [], \"frame\": 4},"
      "{\"id\": \"b\", \"label\": \"x\", \"kind\": \"tag\", \"points\": [], \"frame\": 5}]}",
      "instances[1].frame: must be between 0 and 4, not 5" },
    { "{\"file\": {\"width\": 10, \"height\": 10}, \"instances\": ["
      "{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\", \"points\": []},"
      "{\"id\": \"b\", \"label\": \"x\", \"kind\": \"tag\", \"points\": []},"
      "{\"id\": \"b\", \"label\": \"y\", \"kind\": \"tag\", \"points\": []}]}",
      "instances[2].id: “b” is already the id of instances[1]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_set_error (cases[i].json, NULL, cases[i].message);
}

static void
test_paths (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = parse ("[{\"id\": \"a\", \"label\": \"x\", \"kind\": \"tag\","
                                    " \"points\": []}, {\"id\": \"b\", \"label\": \"x\","
                                    " \"kind\": \"polygon\", \"points\": []}]");
  g_autoptr(JsonNode) one = parse ("{\"id\": \"a\", \"label\": \"x\", \"kind\": \"box\","
                                   " \"points\": [[0, 0]]}");
  GPtrArray *instances;
  QuorumInstance *instance;

  /* A bare list at the root: paths start with the index. */
  instances = quorum_wire_read_instances (list, NULL, "", &error);
  g_assert_null (instances);
  assert_message (error, "[1].points: a polygon needs at least 3 points");
  g_clear_error (&error);

  /* The same list inside a request body. */
  instances = quorum_wire_read_instances (list, NULL, "body.instances", &error);
  g_assert_null (instances);
  assert_message (error, "body.instances[1].points: a polygon needs at least 3 points");
  g_clear_error (&error);

  /* One instance at the root, and inside something larger. */
  instance = quorum_wire_read_instance (one, NULL, "", &error);
  g_assert_null (instance);
  assert_message (error, "points: a box needs exactly 2 points, not 1");
  g_clear_error (&error);
  instance = quorum_wire_read_instance (one, NULL, "instance", &error);
  g_assert_null (instance);
  assert_message (error, "instance.points: a box needs exactly 2 points, not 1");
  g_clear_error (&error);

  instance = quorum_wire_read_instance (list, NULL, "", &error);
  g_assert_null (instance);
  assert_message (error, "an instance must be an object, not an array");
}

/* Nodes built in code can hold what JSON text cannot: infinities. */
static void
test_non_finite_nodes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *points = json_array_new ();
  JsonArray *pair = json_array_new ();
  g_autoptr(JsonNode) built = json_node_init_object (json_node_alloc (), object);
  QuorumInstance *instance;

  json_array_add_double_element (pair, 1);
  json_array_add_double_element (pair, INFINITY);
  json_array_add_array_element (points, pair);
  json_object_set_string_member (object, "id", "a");
  json_object_set_string_member (object, "label", "x");
  json_object_set_string_member (object, "kind", "point");
  json_object_set_array_member (object, "points", points);
  instance = quorum_wire_read_instance (built, NULL, "", &error);
  g_assert_null (instance);
  assert_message (error, "points[0][1]: must be a finite number");
  g_clear_error (&error);

  json_array_remove_element (pair, 1);
  json_array_add_double_element (pair, NAN);
  instance = quorum_wire_read_instance (built, NULL, "", &error);
  g_assert_null (instance);
  assert_message (error, "points[0][1]: must be a finite number");
  g_clear_error (&error);

  {
    g_autoptr(JsonObject) set = json_object_new ();
    g_autoptr(JsonObject) file = json_object_new ();
    g_autoptr(JsonNode) set_node = NULL;
    QuorumAnnotationSet *read;

    json_object_set_int_member (file, "width", 10);
    json_object_set_int_member (file, "height", 10);
    json_object_set_double_member (file, "fps", INFINITY);
    json_object_set_object_member (set, "file", g_steal_pointer (&file));
    json_object_set_array_member (set, "instances", json_array_new ());
    set_node = json_node_init_object (json_node_alloc (), set);
    read = quorum_wire_read_annotation_set (set_node, NULL, "", &error);
    g_assert_null (read);
    assert_message (error, "file.fps: must be a finite number");
  }
}

static void
test_schema_checks (void)
{
  g_autoptr(QuorumLabelSchema) schema = car_schema ();
  static const struct { const char *instance; const char *message; } cases[] = {
    { "{\"id\": \"a\", \"label\": \"truck\", \"kind\": \"box\", \"points\": [[0,0],[1,1]]}",
      "instances[0].label: unknown label “truck”" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"polygon\", \"points\": [[0,0],[1,1],[0,1]]}",
      "instances[0].kind: the label “car” is drawn as a box, not a polygon" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"colour\": \"red\"}}",
      "instances[0].attributes.colour: the label “car” has no attribute “colour”" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"occluded\": \"yes\"}}",
      "instances[0].attributes.occluded: must be true or false" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"color\": \"green\"}}",
      "instances[0].attributes.color: must be one of “red”, “blue”" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"color\": [\"red\"]}}",
      "instances[0].attributes.color: must be one of “red”, “blue”" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"parts\": [\"wheel\", \"roof\"]}}",
      "instances[0].attributes.parts[1]: “roof” is not one of “wheel”, “door”" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"parts\": [\"door\", \"door\"]}}",
      "instances[0].attributes.parts[1]: “door” is listed twice" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"parts\": \"wheel\"}}",
      "instances[0].attributes.parts: must be an array of some of “wheel”, “door”" },
    { "{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0,0],[1,1]],"
      " \"attributes\": {\"note\": 3}}",
      "instances[0].attributes.note: must be a string, not a number" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *good = set_with ("{\"id\": \"a\", \"label\": \"car\", \"kind\": \"box\","
                                    " \"points\": [[0,0],[1,1]], \"attributes\": {\"occluded\":"
                                    " false, \"color\": \"blue\", \"parts\": [\"door\"],"
                                    " \"note\": \"dented\"}}");
  g_autoptr(JsonNode) good_node = parse (good);
  g_autoptr(QuorumAnnotationSet) set = NULL;
  JsonObject *attributes;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_instance_error (cases[i].instance, schema, cases[i].message);

  /* Without a schema the same labels and values are accepted. */
  assert_instance_error ("{\"id\": \"a\", \"label\": \"truck\", \"kind\": \"tag\", \"points\": [],"
                         " \"frame\": 3}", NULL, "instances[0].frame:");

  set = quorum_wire_read_annotation_set (good_node, schema, "", &error);
  g_assert_no_error (error);
  attributes = ((QuorumInstance *) g_ptr_array_index (set->instances, 0))->attributes;
  g_assert_false (json_object_get_boolean_member (attributes, "occluded"));
  g_assert_cmpstr (json_object_get_string_member (attributes, "color"), ==, "blue");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (attributes,
                                                                                "parts"), 0),
                   ==, "door");
  g_assert_cmpstr (json_object_get_string_member (attributes, "note"), ==, "dented");
}

static void
test_schema_rules (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "{}", "labels: is required" },
    { "{\"labels\": {}}", "labels: must be an array, not an object" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\"}, {\"name\": \"car\", \"kind\": \"tag\"}]}",
      "labels[1].name: there is already a label “car”" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"color\": \"red\"}]}",
      "labels[0].color: must be a colour written #rrggbb, not “red”" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"circle\"}]}",
      "labels[0].kind: unknown kind “circle”" },
    { "{\"labels\": [{\"name\": \"car\"}]}", "labels[0].kind: is required" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"attributes\": [{\"name\": \"n\","
      " \"type\": \"number\"}]}]}",
      "labels[0].attributes[0].type: unknown attribute type “number”; expected boolean,"
      " single_choice, multiple_choice or text" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"attributes\": [{\"name\": \"c\","
      " \"type\": \"single_choice\"}]}]}",
      "labels[0].attributes[0].options: is required" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"attributes\": [{\"name\": \"c\","
      " \"type\": \"multiple_choice\", \"options\": []}]}]}",
      "labels[0].attributes[0].options: a choice needs at least one option" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"attributes\": [{\"name\": \"c\","
      " \"type\": \"single_choice\", \"options\": [\"a\", \"a\"]}]}]}",
      "labels[0].attributes[0].options[1]: “a” is listed twice" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"attributes\": [{\"name\": \"b\","
      " \"type\": \"boolean\", \"options\": [\"a\"]}]}]}",
      "labels[0].attributes[0].options: only choice attributes have options" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"attributes\": [{\"name\": \"b\","
      " \"type\": \"boolean\"}, {\"name\": \"b\", \"type\": \"text\"}]}]}",
      "labels[0].attributes[1].name: the label already has an attribute “b”" },
    { "{\"labels\": [{\"name\": \"car\", \"kind\": \"box\", \"colour\": \"#ffffff\"}]}",
      "labels[0].colour: unknown member" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(QuorumLabelSchema) schema = quorum_wire_read_label_schema (node, "", &error);

      g_assert_null (schema);
      assert_message (error, cases[i].message);
    }
}

static void
test_job_settings_rules (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "{}", "name: is required" },
    { "{\"name\": \"   \"}", "name: a job needs a name" },
    { "{\"name\": \"j\", \"passes_per_file\": 0}", "passes_per_file: must be at least 1, not 0" },
    { "{\"name\": \"j\", \"passes_per_file\": 1.5}",
      "passes_per_file: must be a whole number, not 1.5" },
    { "{\"name\": \"j\", \"passes_per_file\": 3000000000}",
      "passes_per_file: must be between -2147483648 and 2147483647, not 3000000000" },
    { "{\"name\": \"j\", \"review_frequency\": -1}",
      "review_frequency: must be 0 (no review) or more, not -1" },
    { "{\"name\": \"j\", \"type\": \"quiz\"}", "type: unknown job type “quiz”" },
    { "{\"name\": \"j\", \"share\": \"public\"}",
      "share: unknown share “public”; expected project, org or market" },
    { "{\"name\": \"j\", \"consensus\": \"vote\"}",
      "consensus: unknown consensus mode “vote”; expected best_annotator or manual_merge" },
    { "{\"name\": \"j\", \"blind\": \"yes\"}", "blind: must be true or false, not a string" },
    { "{\"name\": \"j\", \"threshold\": 0}", "threshold: must be above 0 and at most 1" },
    { "{\"name\": \"j\", \"threshold\": \"0.5\"}", "threshold: must be a number, not a string" },
    { "{\"name\": \"j\", \"type\": \"exam\"}",
      "awarded_credentials: an exam must award at least one credential" },
    { "{\"name\": \"j\", \"pass_rule\": {\"max_missed\": -1}}",
      "pass_rule.max_missed: must be between 0 and 4294967295, not -1" },
    { "{\"name\": \"j\", \"pass_rule\": {\"min_average_stars\": 6}}",
      "pass_rule.min_average_stars: must be between 1 and 5" },
    { "{\"name\": \"j\", \"pass_rule\": {\"stars\": 3}}", "pass_rule.stars: unknown member" },
    { "{\"name\": \"j\", \"pass_rule\": []}", "pass_rule: must be an object, not an array" },
    { "{\"name\": \"j\", \"required_credentials\": [\"MD\", \"\"]}",
      "required_credentials[1]: must be a non-empty string, not an empty one" },
    { "{\"name\": \"j\", \"required_credentials\": [\"MD\", \"MD\"]}",
      "required_credentials[1]: “MD” is listed twice" },
    { "{\"name\": \"j\", \"awarded_credentials\": \"MD\"}",
      "awarded_credentials: must be an array, not a string" },
    { "{\"name\": \"j\", \"draw_guide\": 4}", "draw_guide: must be a string or null, not a number" },
    { "{\"name\": \"j\", \"passes\": 4}", "passes: unknown member" },
    { "{\"name\": \"j\", \"market\": {\"bid\": {\"amount\": \"1\", \"currency\": \"EUR\", \"per\": \"task\"}, "
      "\"deadline\": \"2027-01-31T00:00:00Z\"}}",
      "market: only a job shared on the market (\"share\": \"market\") has a bid and a deadline" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"deadline\": \"2027-01-31T00:00:00Z\"}}",
      "market.bid: is required" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"bid\": {\"amount\": \"1\", \"currency\": \"EUR\", "
      "\"per\": \"task\"}}}", "market.deadline: is required" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"bid\": {\"amount\": \"1\", \"currency\": \"Eur\", "
      "\"per\": \"task\"}, \"deadline\": \"2027-01-31T00:00:00Z\"}}",
      "market.bid.currency: must be an ISO 4217 code of three capital letters like “EUR”, not “Eur”" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"bid\": {\"amount\": \"-1\", \"currency\": \"EUR\", "
      "\"per\": \"task\"}, \"deadline\": \"2027-01-31T00:00:00Z\"}}",
      "market.bid.amount: must be an amount above zero like “12.50” (at most two decimals), not “-1”" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"bid\": {\"amount\": \"1234567890\", "
      "\"currency\": \"EUR\", \"per\": \"task\"}, \"deadline\": \"2027-01-31T00:00:00Z\"}}",
      "market.bid.amount: must be an amount above zero like “12.50” (at most two decimals), not “1234567890”" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"bid\": {\"amount\": \"1.\", \"currency\": \"EUR\", "
      "\"per\": \"task\"}, \"deadline\": \"2027-01-31T00:00:00Z\"}}",
      "market.bid.amount: must be an amount above zero like “12.50” (at most two decimals), not “1.”" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"bid\": {\"amount\": \"1\", \"currency\": \"EUR\", "
      "\"per\": \"day\"}, \"deadline\": \"2027-01-31T00:00:00Z\"}}",
      "market.bid.per: unknown bid unit “day”; expected task or job" },
    { "{\"name\": \"j\", \"share\": \"market\", \"market\": {\"bid\": {\"amount\": \"1\", \"currency\": \"EUR\", "
      "\"per\": \"task\"}, \"deadline\": \"2027-02-30T00:00:00Z\"}}",
      "market.deadline: must be a date and time like “2027-01-31T00:00:00Z”, not “2027-02-30T00:00:00Z”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(QuorumJobSettings) settings = quorum_wire_read_job_settings (node, "", &error);

      g_assert_null (settings);
      assert_message (error, cases[i].message);
    }

  /* Inside a request body, model checks carry the whole path too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = parse ("{\"name\": \"j\", \"passes_per_file\": -2}");
    g_autoptr(QuorumJobSettings) settings = quorum_wire_read_job_settings (node, "job", &error);

    g_assert_null (settings);
    assert_message (error, "job.passes_per_file: must be at least 1, not -2");
  }
}

/* ---- malformed bytes ---------------------------------------------------- */

static void
test_malformed (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "", "1:1: the document is empty" },
    { "  \n\t ", "2:3: the document is empty" },
    { "{\"annotator\": \"al", "1:18: the input ends inside a string" },
    { "{\"a\": [1, 2", "1:12: unexpected end of input, expected ‘,’ or ‘]’" },
    { "[1,", "1:4: the input ends where a value was expected" },
    { "[NaN]", "1:2: unexpected word ‘NaN’, expected a value" },
    { "[Infinity]", "1:2: unexpected word ‘Infinity’, expected a value" },
    { "[-Infinity]", "1:3: a number needs digits, not ‘I’" },
    { "[1e400]", "1:2: the number 1e400 is too large" },
    { "[-1E+400]", "1:2: the number -1E+400 is too large" },
    { "[18446744073709551617]", "1:2: the number 18446744073709551617 is too large" },
    { "[1] [2]", "1:5: unexpected ‘[’ after the end of the document" },
    { "[1 /* c */]", "1:4: unexpected ‘/’, expected ‘,’ or ‘]’" },
    { "['a']", "1:2: unexpected ‘'’, expected a value" },
    { "[0x10]", "1:3: unexpected ‘x’ in a number" },
    { "[01]", "1:3: unexpected ‘1’ in a number" },
    { "[1.]", "1:4: a number needs digits after ‘.’" },
    { "[1e]", "1:4: a number needs digits in its exponent" },
    { "{\"a\" 1}", "1:6: unexpected ‘1’, expected ‘:’" },
    { "{a: 1}", "1:2: unexpected ‘a’, expected a member name in double quotes" },
    { "[1,]", "1:4: unexpected ‘]’, expected a value" },
    { "{\"a\":1,}", "1:8: unexpected ‘}’, expected a member name in double quotes" },
    { "[\"a\\qb\"]", "1:5: unknown escape sequence: ‘\\’ then ‘q’" },
    { "[\"\\é\"]", "1:4: unknown escape sequence: ‘\\’ then ‘é’" },
    { "[123456789012345678901234567890123456789012345678901234567890]",
      "1:2: the number 1234567890123456789012345678901234567890… is too large" },
    { "[\"\\u00zz\"]", "1:7: \\u needs four hexadecimal digits" },
    { "[\"\\u0000\"]", "1:3: \\u0000 is not allowed in a string" },
    { "[\"\\ud800\"]", "1:3: \\ud800 is an unpaired surrogate" },
    { "[\"\\ud800\\u0041\"]", "1:3: \\ud800 is an unpaired surrogate" },
    { "[\"x\\udc00\"]", "1:4: \\udc00 is an unpaired surrogate" },
    { "[\"a\nb\"]", "1:4: a control character must be escaped in a string" },
    { "[\"\xff\"]", "1:3: the input is not valid UTF-8 text" },
    { "{\n  \"a\": tru\n}", "2:8: unexpected word ‘tru’, expected a value" },
    { "[\"é\", x]", "1:7: unexpected word ‘x’, expected a value" },
    { "{\"a\": 1, \"a\": 2}", "1:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_parse_error (cases[i].json, strlen (cases[i].json), cases[i].message);

  /* A NUL byte inside the given length is not text. */
  assert_parse_error ("[1]\0[2]", 7, "1:4: the input is not valid UTF-8 text");

  /* Repeated members are named, json-glib would keep only the last one. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = quorum_wire_parse_bytes ("{\"b\": {\"a\": 1, \"a\": 2}}",
                                                        strlen ("{\"b\": {\"a\": 1, \"a\": 2}}"),
                                                        &error);
    g_assert_null (node);
    g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "the member “a” appears twice in one object"));
  }
  /* The same name in two different objects is fine. */
  {
    g_autoptr(JsonNode) node = parse ("[{\"a\": 1}, {\"a\": {\"a\": 2}}]");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  }
  /* A byte-order mark and surrounding space are allowed. */
  {
    g_autoptr(JsonNode) node = parse ("\xef\xbb\xbf \n[1, -0.5e2, \"\\u00e9\\\"\", true, null] \n");
    JsonArray *array = json_node_get_array (node);
    g_assert_cmpfloat (json_array_get_double_element (array, 1), ==, -50);
    g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "é\"");
  }
  /* A surrogate pair is one character. */
  {
    g_autoptr(JsonNode) node = parse ("[\"\\ud83d\\ude00\"]");
    g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==,
                     "\xf0\x9f\x98\x80");
  }
}

static char *
nested (guint       depth,
        const char *open,
        const char *close)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, "1");
  for (guint i = 0; i < depth; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

static void
test_depth (void)
{
  g_autofree char *ok = nested (QUORUM_WIRE_MAX_DEPTH, "[", "]");
  g_autofree char *one_more = nested (QUORUM_WIRE_MAX_DEPTH + 1, "[", "]");
  g_autofree char *deep = nested (100000, "[", "]");
  g_autofree char *deep_objects = nested (100000, "{\"a\":", "}");
  g_autofree char *unclosed = g_strnfill (100000, '[');
  g_autoptr(JsonNode) node = parse (ok);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  assert_parse_error (one_more, strlen (one_more), "1:65: the document nests deeper than 64 levels");
  assert_parse_error (deep, strlen (deep), "1:65: the document nests deeper than 64 levels");
  /* Each "{\"a\":" is 5 characters; the 65th starts at column 5 × 64 + 1. */
  assert_parse_error (deep_objects, strlen (deep_objects),
                      "1:321: the document nests deeper than 64 levels");
  assert_parse_error (unclosed, strlen (unclosed), "1:65: the document nests deeper than 64 levels");
}

static void
test_size_limit (void)
{
  g_autoptr(GError) error = NULL;
  /* The size is checked before a byte is read, so a short buffer can claim
   * to be long. */
  static const char data[] = "[]";
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (data, QUORUM_WIRE_MAX_BYTES + 1, &error);

  g_assert_null (node);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, "the document is 268435457 bytes"));
}

static void
test_huge_polygon (void)
{
  const guint n = 200000;
  GString *json = g_string_new ("{\"file\": {\"width\": 4000, \"height\": 3000}, \"instances\":"
                                " [{\"id\": \"big\", \"label\": \"lake\", \"kind\": \"polygon\","
                                " \"points\": [");
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumAnnotationSet) set = NULL;
  const QuorumInstance *polygon;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s[%u, %u.5]", i > 0 ? "," : "", i % 4000, i % 3000);
  g_string_append (json, "]}]}");
  text = g_string_free (json, FALSE);

  node = quorum_wire_parse_bytes (text, strlen (text), &error);
  g_assert_no_error (error);
  set = quorum_wire_read_annotation_set (node, NULL, "", &error);
  g_assert_no_error (error);
  polygon = g_ptr_array_index (set->instances, 0);
  g_assert_cmpuint (polygon->n_points, ==, n);
  /* i = 199999: 199999 mod 4000 = 3999, 199999 mod 3000 = 1999 */
  g_assert_cmpfloat (polygon->points[n - 1].x, ==, 3999);
  g_assert_cmpfloat (polygon->points[n - 1].y, ==, 1999.5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire/round-trip/set", test_round_trip_set);
  g_test_add_func ("/wire/round-trip/instances", test_round_trip_instances);
  g_test_add_func ("/wire/round-trip/schema", test_round_trip_schema);
  g_test_add_func ("/wire/round-trip/job-settings", test_round_trip_job_settings);
  g_test_add_func ("/wire/round-trip/exponent", test_round_trip_exponent);
  g_test_add_func ("/wire/round-trip/track-flags", test_round_trip_track_flags);
  g_test_add_func ("/wire/instance/defaults", test_instance_defaults);
  g_test_add_func ("/wire/instance/point-counts", test_point_counts);
  g_test_add_func ("/wire/instance/rules", test_instance_rules);
  g_test_add_func ("/wire/instance/non-finite", test_non_finite_nodes);
  g_test_add_func ("/wire/instance/schema", test_schema_checks);
  g_test_add_func ("/wire/set/rules", test_set_rules);
  g_test_add_func ("/wire/paths", test_paths);
  g_test_add_func ("/wire/schema/rules", test_schema_rules);
  g_test_add_func ("/wire/job-settings/rules", test_job_settings_rules);
  g_test_add_func ("/wire/parse/malformed", test_malformed);
  g_test_add_func ("/wire/parse/depth", test_depth);
  g_test_add_func ("/wire/parse/size-limit", test_size_limit);
  g_test_add_func ("/wire/parse/huge-polygon", test_huge_polygon);

  return g_test_run ();
}
