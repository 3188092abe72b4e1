/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>

#include "quorum-core.h"

static QuorumInstance *
instance_new (const char        *id,
              const char        *label,
              QuorumKind         kind,
              const QuorumPoint *points,
              guint              n)
{
  QuorumInstance *instance = quorum_instance_new (id, label, kind);

  quorum_instance_set_points (instance, points, n);
  return instance;
}

static GPtrArray *
sample_images (void)
{
  GPtrArray *images = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  QuorumFileInfo photo = { 4000, 3000, 1, 0 };
  QuorumFileInfo clip = { 1920, 1080, 250, 25 };
  QuorumCocoImage *first = g_new0 (QuorumCocoImage, 1);
  QuorumCocoImage *second = g_new0 (QuorumCocoImage, 1);
  QuorumPoint box[] = { { 10.1, 20.3 }, { 110.7, 70.9 } };
  QuorumPoint polygon[] = { { 0, 0 }, { 40, 0 }, { 40, 30 }, { 20, 45.5 }, { 0, 30 } };
  QuorumPoint polyline[] = { { 5, 5 }, { 50, 60 }, { 90, 61 } };
  QuorumPoint point[] = { { 300.25, 400.75 } };
  QuorumInstance *instance;

  first->file_name = g_strdup ("street-001.png");
  first->set = quorum_annotation_set_new (NULL, &photo);
  instance = instance_new ("0b6f3cde-1111-4aaa-8bbb-000000000001", "car", QUORUM_KIND_BOX, box, 2);
  json_object_set_boolean_member (instance->attributes, "occluded", TRUE);
  instance->author = g_strdup ("alice");
  quorum_annotation_set_add (first->set, instance);
  instance = instance_new ("0b6f3cde-1111-4aaa-8bbb-000000000002", "sign", QUORUM_KIND_POLYGON, polygon, 5);
  instance->copied_from = g_strdup ("source-7");
  quorum_annotation_set_add (first->set, instance);
  instance = instance_new ("0b6f3cde-1111-4aaa-8bbb-000000000003", "lane", QUORUM_KIND_POLYLINE, polyline, 3);
  quorum_annotation_set_add (first->set, instance);
  instance = instance_new ("0b6f3cde-1111-4aaa-8bbb-000000000004", "weather", QUORUM_KIND_TAG, NULL, 0);
  {
    JsonArray *kinds = json_array_new ();
    json_array_add_string_element (kinds, "rain");
    json_array_add_string_element (kinds, "fog");
    json_object_set_array_member (instance->attributes, "conditions", kinds);
  }
  quorum_annotation_set_add (first->set, instance);
  g_ptr_array_add (images, first);

  second->file_name = g_strdup ("clip.mp4");
  second->set = quorum_annotation_set_new (NULL, &clip);
  instance = instance_new ("0b6f3cde-1111-4aaa-8bbb-000000000005", "person", QUORUM_KIND_POINT, point, 1);
  instance->frame = 249;
  instance->track_id = g_strdup ("t-3");
  quorum_annotation_set_add (second->set, instance);
  g_ptr_array_add (images, second);
  return images;
}

static void
assert_same_instance (const QuorumInstance *a,
                      const QuorumInstance *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->label, ==, b->label);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpuint (a->n_points, ==, b->n_points);
  for (guint i = 0; i < a->n_points; i++)
    {
      g_assert_cmpfloat (a->points[i].x, ==, b->points[i].x);
      g_assert_cmpfloat (a->points[i].y, ==, b->points[i].y);
    }
  g_assert_cmpuint (a->frame, ==, b->frame);
  g_assert_cmpstr (a->track_id, ==, b->track_id);
  g_assert_cmpstr (a->author, ==, b->author);
  g_assert_cmpstr (a->copied_from, ==, b->copied_from);
  {
    g_autoptr(JsonNode) x = json_node_init_object (json_node_alloc (), a->attributes);
    g_autoptr(JsonNode) y = json_node_init_object (json_node_alloc (), b->attributes);
    g_assert_true (json_node_equal (x, y));
  }
}

static GPtrArray *
import_text (const char  *text,
             GError     **error)
{
  g_autoptr(JsonNode) root = quorum_wire_parse_bytes (text, strlen (text), error);

  if (root == NULL)
    return NULL;
  return quorum_coco_import (root, error);
}

/* Found by fuzzing: a box across the whole coordinate range is wider than
 * the range's limit, and its export did not import. */
static void
test_widest_box (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = import_text (
    "{\"images\": [{\"id\": 1, \"file_name\": \"a\", \"width\": 10, \"height\": 10}],"
    " \"categories\": [{\"id\": 1, \"name\": \"car\"}],"
    " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1,"
    " \"bbox\": [-1000000000, -1000000000, 2000000000, 1000000010]}]}", &error);
  QuorumCocoImage *image;
  const QuorumInstance *box;

  g_assert_no_error (error);
  image = g_ptr_array_index (images, 0);
  box = g_ptr_array_index (image->set->instances, 0);
  g_assert_cmpfloat (box->points[0].x, ==, -1e9);
  g_assert_cmpfloat (box->points[1].x, ==, 1e9);
  g_assert_cmpfloat (box->points[1].y, ==, 10);
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) images = sample_images ();
  g_autoptr(JsonNode) exported = quorum_coco_export (images, NULL);
  g_autofree char *text = quorum_wire_to_string (exported, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) imported = import_text (text, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (imported->len, ==, 2);
  for (guint i = 0; i < images->len; i++)
    {
      QuorumCocoImage *before = g_ptr_array_index (images, i);
      QuorumCocoImage *after = g_ptr_array_index (imported, i);

      g_assert_cmpstr (after->file_name, ==, before->file_name);
      g_assert_cmpuint (after->set->file.width, ==, before->set->file.width);
      g_assert_cmpuint (after->set->file.height, ==, before->set->file.height);
      g_assert_cmpuint (after->set->file.frames, ==, before->set->file.frames);
      g_assert_cmpuint (after->set->instances->len, ==, before->set->instances->len);
      for (guint k = 0; k < before->set->instances->len; k++)
        assert_same_instance (g_ptr_array_index (after->set->instances, k),
                              g_ptr_array_index (before->set->instances, k));
    }
}

/* What a COCO reader sees: the categories, a bbox and area per box, the
 * polygon's segmentation and its exact area. */
static void
test_export_fields (void)
{
  g_autoptr(GPtrArray) images = sample_images ();
  g_autoptr(QuorumLabelSchema) schema = quorum_label_schema_new ();
  g_autoptr(JsonNode) exported = NULL;
  JsonObject *root;
  JsonArray *categories, *annotations;
  JsonObject *box, *polygon;
  JsonArray *bbox, *ring;

  g_ptr_array_add (schema->labels, quorum_label_new ("truck", "#ff0000", QUORUM_KIND_BOX));
  g_ptr_array_add (schema->labels, quorum_label_new ("car", "#00ff00", QUORUM_KIND_BOX));
  exported = quorum_coco_export (images, schema);
  root = json_node_get_object (exported);
  categories = json_object_get_array_member (root, "categories");
  /* schema order first (truck, car), then the labels only the sets use */
  g_assert_cmpuint (json_array_get_length (categories), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (categories, 0), "name"), ==, "truck");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (categories, 2), "name"), ==, "sign");

  annotations = json_object_get_array_member (root, "annotations");
  g_assert_cmpuint (json_array_get_length (annotations), ==, 5);
  box = json_array_get_object_element (annotations, 0);
  g_assert_cmpint (json_object_get_int_member (box, "category_id"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (box, "iscrowd"), ==, 0);
  bbox = json_object_get_array_member (box, "bbox");
  g_assert_cmpfloat (json_array_get_double_element (bbox, 0), ==, 10.1);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 2), 100.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (box, "area"), 100.6 * 50.6, 1e-6);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (box, "attributes"), "occluded"));

  polygon = json_array_get_object_element (annotations, 1);
  ring = json_array_get_array_element (json_object_get_array_member (polygon, "segmentation"), 0);
  g_assert_cmpuint (json_array_get_length (ring), ==, 10);
  /* 40×30 rectangle plus the triangle on top: 1200 + ½·40·15.5 */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (polygon, "area"), 1200 + 310, 1e-9);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (annotations, 4), "image_id"), ==, 2);
}

/* A document from another tool: no "quorum" fields, a box with an empty
 * segmentation, and a polygon annotation with two rings. */
static void
test_plain_coco (void)
{
  const char *text =
    "{\"images\": [{\"id\": 7, \"file_name\": \"a.jpg\", \"width\": 640, \"height\": 480}],"
    " \"categories\": [{\"id\": 1, \"name\": \"dog\"}, {\"id\": 3, \"name\": \"cat\"}],"
    " \"annotations\": ["
    "  {\"id\": 10, \"image_id\": 7, \"category_id\": 3, \"bbox\": [10, 20, 30, 40],"
    "   \"segmentation\": [], \"area\": 1200, \"iscrowd\": 0},"
    "  {\"id\": 11, \"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 100, 100],"
    "   \"segmentation\": [[0, 0, 10, 0, 10, 10], [50, 50, 60, 50, 60, 60, 50, 60]],"
    "   \"area\": 150.0, \"iscrowd\": 0}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = import_text (text, &error);
  QuorumAnnotationSet *set;
  const QuorumInstance *instance;

  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 1);
  set = ((QuorumCocoImage *) g_ptr_array_index (images, 0))->set;
  g_assert_cmpuint (set->file.width, ==, 640);
  g_assert_cmpuint (set->instances->len, ==, 3);

  instance = g_ptr_array_index (set->instances, 0);
  g_assert_cmpstr (instance->id, ==, "coco-10");
  g_assert_cmpstr (instance->label, ==, "cat");
  g_assert_cmpint (instance->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpfloat (instance->points[1].x, ==, 40);
  g_assert_cmpfloat (instance->points[1].y, ==, 60);

  instance = g_ptr_array_index (set->instances, 1);
  g_assert_cmpstr (instance->id, ==, "coco-11");
  g_assert_cmpint (instance->kind, ==, QUORUM_KIND_POLYGON);
  g_assert_cmpuint (instance->n_points, ==, 3);
  instance = g_ptr_array_index (set->instances, 2);
  g_assert_cmpstr (instance->id, ==, "coco-11-2");
  g_assert_cmpstr (instance->label, ==, "dog");
  g_assert_cmpuint (instance->n_points, ==, 4);
}

static void
test_malformed (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "[]", "(root): a COCO document is a JSON object" },
    { "{\"categories\": []}", "images: is missing" },
    { "{\"images\": {}, \"categories\": []}", "images: must be an array" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"a\", \"width\": 0, \"height\": 5}], \"categories\": []}",
      "images[0].width: must be between 1 and 1000000000" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"a\", \"width\": -4, \"height\": 5}], \"categories\": []}",
      "images[0].width: must be between 1 and 1000000000" },
    { "{\"images\": [{\"id\": 1, \"width\": 4, \"height\": 5}], \"categories\": []}",
      "images[0].file_name: is missing" },
    { "{\"images\": [{\"id\": 1, \"file_name\": \"a\", \"width\": 4, \"height\": 5},"
      " {\"id\": 1, \"file_name\": \"b\", \"width\": 4, \"height\": 5}], \"categories\": []}",
      "images[1].id: image 1 appears twice" },
    { "{\"images\": [], \"categories\": [{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"a\"}]}",
      "categories[1].name: category “a” appears twice" },
    { "{\"images\": [], \"categories\": [{\"id\": \"1\", \"name\": \"a\"}]}",
      "categories[0].id: must be a whole number" },
  };
  static const char *image_and_category =
    "{\"images\": [{\"id\": 1, \"file_name\": \"a\", \"width\": 100, \"height\": 100}],"
    " \"categories\": [{\"id\": 1, \"name\": \"car\"}], \"annotations\": [%s]}";
  static const struct { const char *annotation; const char *message; } annotation_cases[] = {
    { "{\"id\": 1, \"image_id\": 3, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}",
      "annotations[0].image_id: no image 3" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 17, \"bbox\": [0, 0, 1, 1]}",
      "annotations[0].category_id: no category 17" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1]}",
      "annotations[0].bbox: needs 4 numbers [x, y, width, height]" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, -1, 1]}",
      "annotations[0].bbox: width and height must not be negative" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, \"0\", 1, 1]}",
      "annotations[0].bbox: must be a number" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1e300]}",
      "annotations[0].bbox: must be a finite number within ±2e+09" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1e9, 0, 1, 1]}",
      "annotations[0].bbox: the box ends beyond 1e+09" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1}", "annotations[0].bbox: is missing" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"segmentation\": {\"counts\": [1], \"size\": [1, 1]}, \"iscrowd\": 1}",
      "annotations[0].segmentation: RLE masks (iscrowd regions) are not supported; give polygons or a bbox" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[0, 0, 1, 1]]}",
      "annotations[0].segmentation[0]: a polygon needs an even count of at least 6 numbers, not 4" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[0, 0, 1, 1, 2]]}",
      "annotations[0].segmentation[0]: a polygon needs an even count of at least 6 numbers, not 5" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]},"
      " {\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}",
      "annotations[1].id: annotation 1 appears twice" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"attributes\": {\"n\": 3}}",
      "annotations[0].attributes.n: must be true, false, a string or an array of strings" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"quorum\": {\"kind\": \"circle\"}}",
      "annotations[0].quorum.kind: unknown kind “circle”" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"quorum\": {\"kind\": \"point\", \"points\": []}}",
      "annotations[0].quorum: points: a point needs exactly 1 point, not 0" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"quorum\": {\"kind\": \"box\", \"frame\": 1}}",
      "annotations[0].quorum.frame: must be between 0 and 0" },
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"quorum\": {\"kind\": \"box\", \"uuid\": \"u\"}},"
      " {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"quorum\": {\"kind\": \"box\", \"uuid\": \"u\"}}",
      "annotations[1].quorum.uuid: instance “u” appears twice" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) images = import_text (cases[i].text, &error);

      g_assert_null (images);
      g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (annotation_cases); i++)
    {
      g_autofree char *text = g_strdup_printf (image_and_category, annotation_cases[i].annotation);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) images = import_text (text, &error);

      g_assert_null (images);
      g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, annotation_cases[i].message);
    }
}

/* Truncated documents of every length fail cleanly, never crash. */
static void
test_truncated (void)
{
  g_autoptr(GPtrArray) images = sample_images ();
  g_autoptr(JsonNode) exported = quorum_coco_export (images, NULL);
  g_autofree char *text = quorum_wire_to_string (exported, FALSE);
  gsize length = strlen (text);

  for (gsize cut = 0; cut < length; cut += 7)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = quorum_wire_parse_bytes (text, cut, &error);

      g_assert_null (root);
      g_assert_nonnull (error);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/coco/round-trip", test_round_trip);
  g_test_add_func ("/coco/export-fields", test_export_fields);
  g_test_add_func ("/coco/plain-coco", test_plain_coco);
  g_test_add_func ("/coco/malformed", test_malformed);
  g_test_add_func ("/coco/widest-box", test_widest_box);
  g_test_add_func ("/coco/truncated", test_truncated);
  return g_test_run ();
}
