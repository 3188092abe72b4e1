/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "quorum-core.h"

static QuorumAnnotationSet *
version_of (const char *annotator)
{
  QuorumFileInfo file = { 640, 480, 10, 25 };
  QuorumAnnotationSet *set = quorum_annotation_set_new (annotator, &file);
  QuorumInstance *polygon = quorum_instance_new ("p1", "car", QUORUM_KIND_POLYGON);
  QuorumInstance *weather = quorum_instance_new ("t1", "weather", QUORUM_KIND_TAG);
  QuorumPoint points[] = { { 1, 2 }, { 30, 2 }, { 15, 40 } };

  quorum_instance_set_points (polygon, points, 3);
  polygon->frame = 7;
  polygon->track_id = g_strdup ("track-9");
  polygon->author = g_strdup (annotator);
  json_object_set_boolean_member (polygon->attributes, "occluded", TRUE);
  json_object_set_string_member (weather->attributes, "sky", "overcast");
  weather->author = g_strdup (annotator);
  quorum_annotation_set_add (set, polygon);
  quorum_annotation_set_add (set, weather);
  return set;
}

static void
assert_copied (const QuorumInstance *copy,
               const QuorumInstance *source,
               const char           *reviewer)
{
  g_assert_cmpstr (copy->id, !=, source->id);
  g_assert_true (g_uuid_string_is_valid (copy->id));
  g_assert_cmpstr (copy->copied_from, ==, source->id);
  g_assert_cmpstr (copy->author, ==, reviewer);
  g_assert_cmpstr (copy->label, ==, source->label);
  g_assert_cmpint (copy->kind, ==, source->kind);
  g_assert_cmpuint (copy->n_points, ==, source->n_points);
  for (guint i = 0; i < copy->n_points; i++)
    {
      g_assert_cmpfloat (copy->points[i].x, ==, source->points[i].x);
      g_assert_cmpfloat (copy->points[i].y, ==, source->points[i].y);
    }
  g_assert_cmpuint (copy->frame, ==, source->frame);
  g_assert_cmpstr (copy->track_id, ==, source->track_id);
  {
    g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), copy->attributes);
    g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), source->attributes);
    g_assert_true (json_node_equal (a, b));
  }
}

static void
test_from_version (void)
{
  g_autoptr(QuorumAnnotationSet) bob = version_of ("bob");
  g_autoptr(QuorumAnnotationSet) output = quorum_merge_from_version (bob, "rita");

  g_assert_cmpstr (output->annotator, ==, "rita");
  g_assert_cmpuint (output->file.frames, ==, 10);
  g_assert_cmpuint (output->instances->len, ==, 2);
  assert_copied (g_ptr_array_index (output->instances, 0), g_ptr_array_index (bob->instances, 0), "rita");
  assert_copied (g_ptr_array_index (output->instances, 1), g_ptr_array_index (bob->instances, 1), "rita");
  g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (output->instances, 0))->id, !=,
                   ((QuorumInstance *) g_ptr_array_index (output->instances, 1))->id);
  /* The source is untouched. */
  g_assert_cmpstr (((QuorumInstance *) g_ptr_array_index (bob->instances, 0))->author, ==, "bob");
}

static void
test_copy_to_ground_truth (void)
{
  g_autoptr(QuorumAnnotationSet) alice = version_of ("alice");
  g_autoptr(QuorumAnnotationSet) bob = version_of ("bob");
  g_autoptr(QuorumAnnotationSet) truth = quorum_annotation_set_new ("rita", &alice->file);
  g_autoptr(GError) error = NULL;
  QuorumInstance *copy;

  /* Instance ids are UUIDs, unique across sets. */
  for (guint i = 0; i < bob->instances->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (bob->instances, i);
      char *id = g_strconcat ("bob-", instance->id, NULL);

      g_free (instance->id);
      instance->id = id;
    }

  copy = quorum_merge_copy_instance (truth, g_ptr_array_index (alice->instances, 1), "rita", &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  assert_copied (copy, g_ptr_array_index (alice->instances, 1), "rita");
  g_assert_cmpstr (json_object_get_string_member (copy->attributes, "sky"), ==, "overcast");

  g_assert_null (quorum_merge_copy_instance (truth, g_ptr_array_index (alice->instances, 1), "rita",
                                             &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "instances: “t1” is already in the ground truth");
  g_assert_cmpuint (truth->instances->len, ==, 1);

  /* A whole set: alice's t1 is already there, her p1 is new; then all of bob's. */
  g_assert_cmpuint (quorum_merge_copy_set (truth, alice, "rita"), ==, 1);
  g_assert_cmpuint (quorum_merge_copy_set (truth, alice, "rita"), ==, 0);
  g_assert_cmpuint (quorum_merge_copy_set (truth, bob, "rita"), ==, 2);
  g_assert_cmpuint (truth->instances->len, ==, 4);
}

/* The server copies for a consensus reviewer keeping who drew each
 * instance: a NULL reviewer keeps the source's author. */
static void
test_copies_keep_author (void)
{
  g_autoptr(QuorumAnnotationSet) bob = version_of ("bob");
  g_autoptr(QuorumAnnotationSet) output = quorum_merge_from_version (bob, NULL);
  g_autoptr(QuorumAnnotationSet) truth = quorum_annotation_set_new (NULL, &bob->file);
  QuorumInstance *copy;

  assert_copied (g_ptr_array_index (output->instances, 0), g_ptr_array_index (bob->instances, 0), "bob");
  assert_copied (g_ptr_array_index (output->instances, 1), g_ptr_array_index (bob->instances, 1), "bob");
  copy = quorum_merge_copy_instance (truth, g_ptr_array_index (bob->instances, 0), NULL, NULL);
  assert_copied (copy, g_ptr_array_index (bob->instances, 0), "bob");
  g_assert_cmpuint (quorum_merge_copy_set (truth, bob, NULL), ==, 1);
  assert_copied (g_ptr_array_index (truth->instances, 1), g_ptr_array_index (bob->instances, 1), "bob");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/merge/from-version", test_from_version);
  g_test_add_func ("/merge/copy-to-ground-truth", test_copy_to_ground_truth);
  g_test_add_func ("/merge/copies-keep-author", test_copies_keep_author);
  return g_test_run ();
}
