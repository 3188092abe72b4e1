/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>
#include <string.h>

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
  g_assert_cmpint (a->keyframe, ==, b->keyframe);
  g_assert_cmpint (a->outside, ==, b->outside);
  g_assert_cmpint (a->occluded, ==, b->occluded);
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
  /* the video's frames are images 2…251: its point is on frame 249 */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (annotations, 4), "image_id"), ==, 251);
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
    { "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"quorum\": {\"kind\": \"box\", \"track_id\": \"t\"}},"
      " {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 2, 2], \"quorum\": {\"kind\": \"box\", \"track_id\": \"t\"}}",
      "annotations[1].frame: track t already has an instance on frame 0 (annotations[0])" },
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

/* Stored coordinates come back as the very same doubles, whatever their
 * digits; the text is plain decimals, never an exponent for them. */
static void
test_exact_numbers (void)
{
  static const double values[] = {
    1.0 / 3, 2000.0 / 3, 0.1 + 0.2, 123456.78901234567, -1e-5, 5e8 + 0.1, 1e-4, 0.000123456789,
    99999999.999999985, 999999999.5, -7.25, 1234.5678, 0.5, 3, -2e9 / 3, 4.9406564584124654e-310, 1e-300,
  };
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  QuorumFileInfo photo = { 100, 100, 1, 0 };
  QuorumCocoImage *image = g_new0 (QuorumCocoImage, 1);
  QuorumPoint points[G_N_ELEMENTS (values)];
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;
  const QuorumInstance *back;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    points[i] = (QuorumPoint) { values[i], -values[G_N_ELEMENTS (values) - 1 - i] };
  image->file_name = g_strdup ("n.png");
  image->set = quorum_annotation_set_new (NULL, &photo);
  quorum_annotation_set_add (image->set, instance_new ("ring", "r", QUORUM_KIND_POLYGON, points,
                                                       G_N_ELEMENTS (values)));
  quorum_annotation_set_add (image->set, instance_new ("line", "l", QUORUM_KIND_POLYLINE, points,
                                                       G_N_ELEMENTS (values)));
  g_ptr_array_add (images, image);
  text = quorum_coco_export_to_string (images, NULL, QUORUM_COCO_EXPORT_DEFAULT, NULL);
  g_assert_nonnull (strstr (text, "0.33333333333333331"));
  g_assert_nonnull (strstr (text, "0.30000000000000004"));
  g_assert_nonnull (strstr (text, "1234.5678,"));
  imported = import_text (text, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 2; k++)
    {
      back = g_ptr_array_index (((QuorumCocoImage *) g_ptr_array_index (imported, 0))->set->instances, k);
      g_assert_cmpuint (back->n_points, ==, G_N_ELEMENTS (values));
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        {
          g_assert_cmpfloat (back->points[i].x, ==, points[i].x);
          g_assert_cmpfloat (back->points[i].y, ==, points[i].y);
        }
    }
}

/* ---- videos ------------------------------------------------------------ */

static QuorumInstance *
tracked (const char        *id,
         const char        *label,
         QuorumKind         kind,
         const char        *track_id,
         guint              frame,
         const QuorumPoint *points,
         guint              n)
{
  QuorumInstance *instance = instance_new (id, label, kind, points, n);

  instance->frame = frame;
  instance->track_id = g_strdup (track_id);
  instance->author = g_strdup ("alice");
  return instance;
}

/* A photo, then a 15-frame clip (file 42) with:
 * - track "car-1", boxes: keyframes on 0 and 10 (occluded on 10), a
 *   tracker's proposal on 12;
 * - track "sign-1", squares: keyframes on 0 and 4, outside on 6, resumed
 *   by keyframes on 9 and 12;
 * - an untracked point on frame 3. */
static GPtrArray *
video_images (void)
{
  GPtrArray *images = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  QuorumFileInfo photo = { 640, 480, 1, 0 };
  QuorumFileInfo clip = { 1920, 1080, 15, 30 };
  QuorumCocoImage *image = g_new0 (QuorumCocoImage, 1);
  QuorumCocoImage *video = g_new0 (QuorumCocoImage, 1);
  QuorumPoint box0[] = { { 10, 20 }, { 110, 70 } };
  QuorumPoint box10[] = { { 30, 40 }, { 150, 90 } };
  QuorumPoint box12[] = { { 34.5, 44.25 }, { 160, 95 } };
  QuorumPoint square[] = { { 0, 0 }, { 10, 0 }, { 10, 10 }, { 0, 10 } };
  QuorumPoint moved[] = { { 8, 0 }, { 18, 0 }, { 18, 10 }, { 8, 10 } };
  QuorumPoint back[] = { { 100, 100 }, { 120, 100 }, { 120, 130 } };
  QuorumPoint later[] = { { 90, 100 }, { 110, 100 }, { 110, 130 }, { 90, 125 } };
  QuorumPoint spot[] = { { 5.5, 6.5 } };
  QuorumInstance *instance;

  image->file_name = g_strdup ("street.png");
  image->file_id = 7;
  image->set = quorum_annotation_set_new (NULL, &photo);
  quorum_annotation_set_add (image->set, instance_new ("photo-box", "car", QUORUM_KIND_BOX, box0, 2));
  g_ptr_array_add (images, image);

  video->file_name = g_strdup ("clip.webm");
  video->file_id = 42;
  video->set = quorum_annotation_set_new (NULL, &clip);
  quorum_annotation_set_add (video->set, tracked ("car-1-0", "car", QUORUM_KIND_BOX, "car-1", 0, box0, 2));
  instance = tracked ("car-1-10", "car", QUORUM_KIND_BOX, "car-1", 10, box10, 2);
  instance->occluded = TRUE;
  quorum_annotation_set_add (video->set, instance);
  instance = tracked ("car-1-12", "car", QUORUM_KIND_BOX, "car-1", 12, box12, 2);
  instance->keyframe = FALSE;
  quorum_annotation_set_add (video->set, instance);
  quorum_annotation_set_add (video->set, tracked ("sign-1-0", "sign", QUORUM_KIND_POLYGON, "sign-1", 0, square, 4));
  quorum_annotation_set_add (video->set, tracked ("sign-1-4", "sign", QUORUM_KIND_POLYGON, "sign-1", 4, moved, 4));
  instance = tracked ("sign-1-6", "sign", QUORUM_KIND_POLYGON, "sign-1", 6, moved, 4);
  instance->outside = TRUE;
  quorum_annotation_set_add (video->set, instance);
  quorum_annotation_set_add (video->set, tracked ("sign-1-9", "sign", QUORUM_KIND_POLYGON, "sign-1", 9, back, 3));
  quorum_annotation_set_add (video->set, tracked ("sign-1-12", "sign", QUORUM_KIND_POLYGON, "sign-1", 12, later, 4));
  instance = instance_new ("spot", "person", QUORUM_KIND_POINT, spot, 1);
  instance->frame = 3;
  quorum_annotation_set_add (video->set, instance);
  g_ptr_array_add (images, video);
  return images;
}

static JsonObject *
annotation_on (JsonArray  *annotations,
               const char *uuid)
{
  for (guint i = 0; i < json_array_get_length (annotations); i++)
    {
      JsonObject *annotation = json_array_get_object_element (annotations, i);

      if (g_str_equal (json_object_get_string_member (json_object_get_object_member (annotation, "quorum"), "uuid"),
                       uuid))
        return annotation;
    }
  return NULL;
}

/* Interpolated frames are written to a millionth of a pixel (docs/coco.md):
 * within half of one of the exact value. */
#define MICRO_PIXEL 5.000001e-7

static void
assert_bbox (JsonObject *annotation,
             double      x,
             double      y,
             double      width,
             double      height)
{
  JsonArray *bbox = json_object_get_array_member (annotation, "bbox");

  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 0), x, MICRO_PIXEL);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 1), y, MICRO_PIXEL);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 2), width, 2 * MICRO_PIXEL);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (bbox, 3), height, 2 * MICRO_PIXEL);
}

/* A video is one image entry per frame, every frame holding what it shows:
 * keyframes, proposals and interpolated frames, nothing in an outside gap. */
static void
test_video_export (void)
{
  g_autoptr(GPtrArray) images = video_images ();
  QuorumCocoImage *video = g_ptr_array_index (images, 1);
  g_autoptr(GPtrArray) expanded = quorum_tracks_expand (video->set->instances);
  g_autoptr(JsonNode) exported = quorum_coco_export (images, NULL);
  JsonObject *root = json_node_get_object (exported);
  JsonArray *entries = json_object_get_array_member (root, "images");
  JsonArray *videos = json_object_get_array_member (root, "videos");
  JsonArray *annotations = json_object_get_array_member (root, "annotations");
  JsonObject *entry, *annotation, *extra;
  JsonArray *outside;
  guint per_frame[15] = { 0 };

  /* the photo as before; then frames 0…14 of video 42 */
  g_assert_cmpuint (json_array_get_length (entries), ==, 1 + 15);
  entry = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "file_name"), ==, "street.png");
  g_assert_false (json_object_has_member (entry, "video_id"));
  for (guint frame = 0; frame < 15; frame++)
    {
      g_autofree char *name = g_strdup_printf ("clip.webm#frame=%u", frame);

      entry = json_array_get_object_element (entries, 1 + frame);
      g_assert_cmpint (json_object_get_int_member (entry, "id"), ==, 2 + frame);
      g_assert_cmpstr (json_object_get_string_member (entry, "file_name"), ==, name);
      g_assert_cmpint (json_object_get_int_member (entry, "video_id"), ==, 42);
      g_assert_cmpint (json_object_get_int_member (entry, "frame_id"), ==, frame);
      g_assert_cmpint (json_object_get_int_member (entry, "width"), ==, 1920);
    }
  g_assert_cmpuint (json_array_get_length (videos), ==, 1);
  entry = json_array_get_object_element (videos, 0);
  g_assert_cmpint (json_object_get_int_member (entry, "id"), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, "clip.webm");
  g_assert_cmpint (json_object_get_int_member (entry, "frames"), ==, 15);
  g_assert_cmpfloat (json_object_get_double_member (entry, "fps"), ==, 30);
  /* the outside marker rides with its video, not as an annotation */
  outside = json_object_get_array_member (json_object_get_object_member (entry, "quorum"), "outside");
  g_assert_cmpuint (json_array_get_length (outside), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (outside, 0), "id"), ==, "sign-1-6");
  g_assert_null (annotation_on (annotations, "sign-1-6"));

  /* car-1 on 0…12 (13), sign-1 on 0…5 and 9…12 (10), the point: 24 on
   * the video, as many as quorum_tracks_expand gives, and the photo's box */
  g_assert_cmpuint (expanded->len, ==, 24);
  g_assert_cmpuint (json_array_get_length (annotations), ==, 1 + 24);
  for (guint i = 1; i < json_array_get_length (annotations); i++)
    {
      gint64 image_id = json_object_get_int_member (json_array_get_object_element (annotations, i), "image_id");

      g_assert_cmpint (image_id, >=, 2);
      g_assert_cmpint (image_id, <=, 16);
      per_frame[image_id - 2]++;
    }
  for (guint frame = 0; frame < 15; frame++)
    {
      guint expected = (frame <= 12) + (frame <= 5 || (frame >= 9 && frame <= 12)) + (frame == 3);
      g_assert_cmpuint (per_frame[frame], ==, expected);
    }
  /* each annotation is what expand says of its frame, geometry included */
  for (guint i = 0; i < expanded->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (expanded, i);
      QuorumRect bounds;

      annotation = annotation_on (annotations, instance->id);
      g_assert_nonnull (annotation);
      g_assert_cmpint (json_object_get_int_member (annotation, "image_id"), ==, 2 + instance->frame);
      quorum_instance_bounds (instance, &bounds);
      assert_bbox (annotation, bounds.x0, bounds.y0, bounds.x1 - bounds.x0, bounds.y1 - bounds.y0);
    }

  /* frame 5 of car-1: halfway between its keyframes 0 and 10, by hand */
  annotation = annotation_on (annotations, "car-1@5");
  g_assert_nonnull (annotation);
  g_assert_cmpint (json_object_get_int_member (annotation, "image_id"), ==, 2 + 5);
  assert_bbox (annotation, 20, 30, 130 - 20, 80 - 30);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (annotation, "area"), 110 * 50, MICRO_PIXEL);
  extra = json_object_get_object_member (annotation, "quorum");
  g_assert_false (json_object_get_boolean_member (extra, "keyframe"));
  g_assert_true (json_object_get_boolean_member (extra, "interpolated"));
  g_assert_false (json_object_get_boolean_member (extra, "occluded"));
  g_assert_cmpstr (json_object_get_string_member (extra, "track_id"), ==, "car-1");
  g_assert_cmpint (json_object_get_int_member (extra, "frame"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (annotation, "instance_id"), ==, 1);
  /* frame 11 follows keyframe 10, occluded */
  extra = json_object_get_object_member (annotation_on (annotations, "car-1@11"), "quorum");
  g_assert_true (json_object_get_boolean_member (extra, "occluded"));
  g_assert_true (json_object_get_boolean_member (extra, "interpolated"));
  /* the keyframes and the proposal as stored */
  extra = json_object_get_object_member (annotation_on (annotations, "car-1-10"), "quorum");
  g_assert_true (json_object_get_boolean_member (extra, "keyframe"));
  g_assert_false (json_object_get_boolean_member (extra, "interpolated"));
  g_assert_true (json_object_get_boolean_member (extra, "occluded"));
  annotation = annotation_on (annotations, "car-1-12");
  assert_bbox (annotation, 34.5, 44.25, 160 - 34.5, 95 - 44.25);
  extra = json_object_get_object_member (annotation, "quorum");
  g_assert_false (json_object_get_boolean_member (extra, "keyframe"));
  g_assert_false (json_object_get_boolean_member (extra, "interpolated"));
  /* the square moves 8 px in 4 frames: 2 px a frame */
  annotation = annotation_on (annotations, "sign-1@2");
  g_assert_cmpint (json_object_get_int_member (annotation, "instance_id"), ==, 2);
  {
    JsonArray *ring = json_array_get_array_element (json_object_get_array_member (annotation, "segmentation"), 0);
    static const double expected[] = { 4, 0, 14, 0, 14, 10, 4, 10 };

    g_assert_cmpuint (json_array_get_length (ring), ==, 8);
    for (guint k = 0; k < 8; k++)
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (ring, k), expected[k], MICRO_PIXEL);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (annotation, "area"), 100, MICRO_PIXEL);
  }
  for (guint frame = 6; frame <= 8; frame++)
    {
      g_autofree char *id = g_strdup_printf ("sign-1@%u", frame);
      g_assert_null (annotation_on (annotations, id));
    }
  /* the untracked point on its frame, with no track number */
  annotation = annotation_on (annotations, "spot");
  g_assert_cmpint (json_object_get_int_member (annotation, "image_id"), ==, 2 + 3);
  g_assert_false (json_object_has_member (annotation, "instance_id"));
}

static char *
export_text (GPtrArray *images)
{
  return quorum_coco_export_to_string (images, NULL, QUORUM_COCO_EXPORT_DEFAULT, NULL);
}

/* Export, import, export: the same text; what is imported is what was
 * stored (keyframes, proposals, the outside marker), not the frames
 * derived from them. */
static void
test_video_round_trip (void)
{
  g_autoptr(GPtrArray) images = video_images ();
  g_autofree char *text = export_text (images);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) imported = import_text (text, &error);
  g_autofree char *again = NULL;
  QuorumCocoImage *before, *after;

  g_assert_no_error (error);
  g_assert_cmpuint (imported->len, ==, 2);
  before = g_ptr_array_index (images, 1);
  after = g_ptr_array_index (imported, 1);
  g_assert_cmpstr (after->file_name, ==, "clip.webm");
  g_assert_cmpint (after->file_id, ==, 42);
  g_assert_cmpstr (after->path, ==, "videos[0]");
  g_assert_cmpuint (after->set->file.width, ==, 1920);
  g_assert_cmpuint (after->set->file.height, ==, 1080);
  g_assert_cmpuint (after->set->file.frames, ==, 15);
  g_assert_cmpfloat (after->set->file.fps, ==, 30);
  g_assert_cmpuint (after->set->instances->len, ==, before->set->instances->len);
  for (guint k = 0; k < before->set->instances->len; k++)
    {
      const QuorumInstance *stored = g_ptr_array_index (before->set->instances, k);
      const QuorumInstance *back = quorum_annotation_set_find (after->set, stored->id);

      g_assert_nonnull (back);
      assert_same_instance (back, stored);
    }
  g_assert_cmpstr (((QuorumCocoImage *) g_ptr_array_index (imported, 0))->file_name, ==, "street.png");

  again = export_text (imported);
  /* the photo's file id is not in the document: the rest is equal */
  g_assert_cmpstr (again, ==, text);
}

/* Without the interpolated frames: only what is stored is written, the
 * document says so, and it imports to the same tracks as the whole one,
 * whose export it gives back. */
static void
test_video_drawn_only (void)
{
  g_autoptr(GPtrArray) images = video_images ();
  g_autofree char *whole = export_text (images);
  g_autofree char *drawn = quorum_coco_export_to_string (images, NULL, QUORUM_COCO_EXPORT_DRAWN_ONLY, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (drawn, &error);
  g_autoptr(GPtrArray) imported = NULL;
  g_autofree char *again = NULL;
  JsonObject *document;
  JsonArray *annotations;
  guint stored_shown = 0;
  const QuorumCocoImage *video = g_ptr_array_index (images, 1);

  g_assert_no_error (error);
  document = json_node_get_object (root);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (
    json_object_get_object_member (document, "info"), "quorum"), "interpolated"));
  g_assert_null (strstr (whole, "\"interpolated\":false}"));
  /* the same image entries, one per frame */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (document, "images")), ==, 1 + 15);
  annotations = json_object_get_array_member (document, "annotations");
  for (guint i = 0; i < json_array_get_length (annotations); i++)
    {
      JsonObject *quorum = json_object_get_object_member (json_array_get_object_element (annotations, i), "quorum");

      g_assert_false (json_object_get_boolean_member (quorum, "interpolated"));
      g_assert_null (strchr (json_object_get_string_member (quorum, "uuid"), '@'));
    }
  /* every stored instance but the outside markers (in videos[]) and the photo's */
  for (guint k = 0; k < video->set->instances->len; k++)
    stored_shown += !((QuorumInstance *) g_ptr_array_index (video->set->instances, k))->outside;
  stored_shown += ((QuorumCocoImage *) g_ptr_array_index (images, 0))->set->instances->len;
  g_assert_cmpuint (json_array_get_length (annotations), ==, stored_shown);
  g_assert_cmpuint (strlen (drawn), <, strlen (whole));

  imported = import_text (drawn, &error);
  g_assert_no_error (error);
  again = export_text (imported);
  g_assert_cmpstr (again, ==, whole);
}

static void
test_video_malformed (void)
{
  static const char *document =
    "{\"videos\": [{\"id\": 4, \"name\": \"v.webm\", \"width\": 100, \"height\": 100, \"frames\": 5%s}],"
    " \"images\": [{\"id\": 1, \"file_name\": \"v.webm#frame=0\", \"width\": 100, \"height\": 100,"
    " \"video_id\": 4, \"frame_id\": 0},"
    " {\"id\": 2, \"file_name\": \"v.webm#frame=1\", \"width\": 100, \"height\": 100,"
    " \"video_id\": 4, \"frame_id\": 1}%s],"
    " \"categories\": [{\"id\": 1, \"name\": \"car\"}], \"annotations\": [%s]}";
  static const struct { const char *video, *image, *annotation, *message; } cases[] = {
    { "", ", {\"id\": 3, \"file_name\": \"x\", \"width\": 100, \"height\": 100, \"video_id\": 9, \"frame_id\": 0}", "",
      "images[2].video_id: no video 9 in videos" },
    { "", ", {\"id\": 3, \"file_name\": \"x\", \"width\": 100, \"height\": 100, \"video_id\": 4}", "",
      "images[2].frame_id: is missing" },
    { "", ", {\"id\": 3, \"file_name\": \"x\", \"width\": 100, \"height\": 100, \"video_id\": 4, \"frame_id\": 1}", "",
      "images[2].frame_id: frame 1 of video 4 appears twice" },
    { "", ", {\"id\": 3, \"file_name\": \"x\", \"width\": 100, \"height\": 100, \"video_id\": 4, \"frame_id\": 5}", "",
      "images[2].frame_id: “v.webm” has 5 frames, counted from 0" },
    { "", ", {\"id\": 3, \"file_name\": \"x\", \"width\": 90, \"height\": 100, \"video_id\": 4, \"frame_id\": 2}", "",
      "images[2].width: a frame of “v.webm” is 90×100, not 100×100 like its video" },
    { ", \"fps\": -1", "", "", "videos[0].fps: must not be negative" },
    { "", "", "{\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1],"
      " \"quorum\": {\"kind\": \"box\", \"frame\": 0}}",
      "annotations[0].quorum.frame: 0, but its image is frame 1 of “v.webm”" },
    { "", "", "{\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1],"
      " \"quorum\": {\"kind\": \"box\", \"keyframe\": false}}",
      "annotations[0].quorum.keyframe: false only on a frame of a track; track_id is null" },
    { "", "", "{\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1],"
      " \"quorum\": {\"kind\": \"box\", \"track_id\": \"t\", \"occluded\": 1}}",
      "annotations[0].quorum.occluded: must be true or false" },
    { ", \"quorum\": {\"outside\": [{\"id\": \"o\", \"label\": \"car\", \"kind\": \"box\","
      " \"points\": [[0, 0], [1, 1]], \"frame\": 3}]}", "", "",
      "videos[0].quorum.outside[0]: an outside marker ends a track; its track_id is null" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf (document, cases[i].video, cases[i].image, cases[i].annotation);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) images = import_text (text, &error);

      g_assert_null (images);
      g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* a video of more frames than an export can list */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) images = import_text (
      "{\"videos\": [{\"id\": 1, \"name\": \"v\", \"width\": 9, \"height\": 9, \"frames\": 2000001}],"
      " \"images\": [], \"categories\": []}", &error);

    g_assert_null (images);
    g_assert_cmpstr (error->message, ==, "videos[0].frames: must be between 1 and 2000000");
  }

  /* two stored instances of one track on one frame break the track */
  {
    g_autofree char *text = g_strdup_printf (document, "", "",
      "{\"id\": 1, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1],"
      " \"quorum\": {\"kind\": \"box\", \"uuid\": \"a\", \"track_id\": \"t\"}},"
      " {\"id\": 2, \"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 2, 2],"
      " \"quorum\": {\"kind\": \"box\", \"uuid\": \"b\", \"track_id\": \"t\"}}");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) images = import_text (text, &error);

    g_assert_null (images);
    g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "annotations[1].frame: track t already has an instance on frame 1 "
                     "(annotations[0])");
  }
}

/* A COCO-VID document from another tool: frames of a video, plain
 * annotations, each on its frame; those with an instance_id are keyframes
 * of the track it names, the others on their frame alone. */
static void
test_video_plain (void)
{
  const char *text =
    "{\"videos\": [{\"id\": 1, \"name\": \"walk/seq-01\"}],"
    " \"images\": [{\"id\": 10, \"file_name\": \"walk/seq-01/000000.jpg\", \"width\": 64, \"height\": 48,"
    " \"video_id\": 1, \"frame_id\": 0},"
    " {\"id\": 11, \"file_name\": \"walk/seq-01/000007.jpg\", \"width\": 64, \"height\": 48,"
    " \"video_id\": 1, \"frame_id\": 7}],"
    " \"categories\": [{\"id\": 1, \"name\": \"person\"}],"
    " \"annotations\": [{\"id\": 5, \"image_id\": 11, \"category_id\": 1, \"bbox\": [1, 2, 3, 4],"
    " \"instance_id\": 1},"
    " {\"id\": 6, \"image_id\": 10, \"category_id\": 1, \"bbox\": [11, 2, 3, 4], \"instance_id\": 1},"
    " {\"id\": 7, \"image_id\": 10, \"category_id\": 1, \"bbox\": [30, 30, 3, 4]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = import_text (text, &error);
  QuorumCocoImage *video;
  const QuorumInstance *instance;

  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 1);
  video = g_ptr_array_index (images, 0);
  g_assert_cmpstr (video->file_name, ==, "walk/seq-01");
  g_assert_cmpuint (video->set->file.width, ==, 64);
  g_assert_cmpuint (video->set->file.frames, ==, 8);
  g_assert_cmpuint (video->set->instances->len, ==, 3);
  instance = g_ptr_array_index (video->set->instances, 0);
  g_assert_cmpstr (instance->id, ==, "coco-5");
  g_assert_cmpuint (instance->frame, ==, 7);
  g_assert_cmpfloat (instance->points[1].y, ==, 6);
  g_assert_cmpstr (instance->track_id, ==, "coco-track-1");
  g_assert_true (instance->keyframe);
  instance = g_ptr_array_index (video->set->instances, 1);
  g_assert_cmpuint (instance->frame, ==, 0);
  g_assert_cmpstr (instance->track_id, ==, "coco-track-1");
  instance = g_ptr_array_index (video->set->instances, 2);
  g_assert_null (instance->track_id);

  /* exported, the track shows on every frame between its keyframes:
   * frame 3 is 3/7 of the way from x = 11 to x = 1 */
  {
    g_autoptr(JsonNode) exported = quorum_coco_export (images, NULL);
    JsonArray *annotations = json_object_get_array_member (json_node_get_object (exported), "annotations");
    JsonObject *middle = annotation_on (annotations, "coco-track-1@3");

    g_assert_cmpuint (json_array_get_length (annotations), ==, 8 + 1);
    g_assert_nonnull (middle);
    assert_bbox (middle, 11 + (1 - 11) * 3.0 / 7, 2, 3, 4);
  }
}

/* The export's size is known before any track is expanded: close to what
 * is written for a small video, and past the server's limit for a few
 * thousand two-keyframe tracks spanning a long video (never written). */
static void
test_video_estimate (void)
{
  g_autoptr(GPtrArray) images = video_images ();
  g_autoptr(GPtrArray) huge = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  QuorumFileInfo long_video = { 1920, 1080, 1000000, 30 };
  QuorumCocoImage *video = g_new0 (QuorumCocoImage, 1);
  QuorumPoint box[] = { { 10, 20 }, { 110, 70 } };
  gsize length = 0;
  g_autofree char *text = quorum_coco_export_to_string (images, NULL, QUORUM_COCO_EXPORT_DEFAULT, &length);
  gsize estimate = quorum_coco_export_estimate (images, QUORUM_COCO_EXPORT_DEFAULT);

  g_assert_cmpuint (estimate, >=, length / 2);
  g_assert_cmpuint (estimate, <=, length * 4);

  video->file_name = g_strdup ("long.webm");
  video->file_id = 9;
  video->set = quorum_annotation_set_new (NULL, &long_video);
  for (guint t = 0; t < 3000; t++)
    {
      g_autofree char *track = g_strdup_printf ("t%u", t);
      g_autofree char *first = g_strdup_printf ("t%u-0", t);
      g_autofree char *last = g_strdup_printf ("t%u-end", t);

      quorum_annotation_set_add (video->set, tracked (first, "car", QUORUM_KIND_BOX, track, 0, box, 2));
      quorum_annotation_set_add (video->set, tracked (last, "car", QUORUM_KIND_BOX, track, 999999, box, 2));
    }
  g_ptr_array_add (huge, video);
  g_assert_cmpuint (quorum_coco_export_estimate (huge, QUORUM_COCO_EXPORT_DEFAULT), >, QUORUM_COCO_MAX_EXPORT);
  /* as drawn, the same video is 6,000 annotations and a million frames */
  g_assert_cmpuint (quorum_coco_export_estimate (huge, QUORUM_COCO_EXPORT_DRAWN_ONLY), <, 256u << 20);
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
  g_test_add_func ("/coco/exact-numbers", test_exact_numbers);
  g_test_add_func ("/coco/video/export", test_video_export);
  g_test_add_func ("/coco/video/round-trip", test_video_round_trip);
  g_test_add_func ("/coco/video/drawn-only", test_video_drawn_only);
  g_test_add_func ("/coco/video/malformed", test_video_malformed);
  g_test_add_func ("/coco/video/plain", test_video_plain);
  g_test_add_func ("/coco/video/estimate", test_video_estimate);
  return g_test_run ();
}
