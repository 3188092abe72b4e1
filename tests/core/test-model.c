/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>

#include "quorum-core.h"

static void
test_kind_names (void)
{
  for (int kind = 0; kind < QUORUM_N_KINDS; kind++)
    {
      QuorumKind parsed = -1;

      g_assert_true (quorum_kind_from_string (quorum_kind_to_string (kind), &parsed));
      g_assert_cmpint (parsed, ==, kind);
    }
  g_assert_cmpstr (quorum_kind_to_string (QUORUM_KIND_POLYLINE), ==, "polyline");
  {
    QuorumKind kind = QUORUM_KIND_TAG;
    g_assert_false (quorum_kind_from_string ("circle", &kind));
    g_assert_false (quorum_kind_from_string (NULL, &kind));
    g_assert_cmpint (kind, ==, QUORUM_KIND_TAG);
  }
  {
    QuorumConsensusMode mode;
    QuorumShare share;
    g_assert_true (quorum_consensus_mode_from_string ("manual_merge", &mode));
    g_assert_cmpint (mode, ==, QUORUM_CONSENSUS_MANUAL_MERGE);
    g_assert_true (quorum_share_from_string ("market", &share));
    g_assert_cmpint (share, ==, QUORUM_SHARE_MARKET);
  }
}

static QuorumInstance *
instance_with_points (QuorumKind kind,
                      guint      n)
{
  QuorumInstance *instance = quorum_instance_new ("i1", "car", kind);
  g_autofree QuorumPoint *points = g_new0 (QuorumPoint, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    points[i] = (QuorumPoint) { i * 10.0, (i % 2) * 5.0 };
  quorum_instance_set_points (instance, points, n);
  return instance;
}

static void
test_point_counts (void)
{
  static const struct { QuorumKind kind; guint n; gboolean ok; const char *message; } cases[] = {
    { QUORUM_KIND_BOX, 2, TRUE, NULL },
    { QUORUM_KIND_BOX, 3, FALSE, "points: a box needs exactly 2 points, not 3" },
    { QUORUM_KIND_BOX, 1, FALSE, "points: a box needs exactly 2 points, not 1" },
    { QUORUM_KIND_POLYGON, 3, TRUE, NULL },
    { QUORUM_KIND_POLYGON, 2, FALSE, "points: a polygon needs at least 3 points" },
    { QUORUM_KIND_POLYLINE, 2, TRUE, NULL },
    { QUORUM_KIND_POLYLINE, 1, FALSE, "points: a polyline needs at least 2 points" },
    { QUORUM_KIND_POINT, 1, TRUE, NULL },
    { QUORUM_KIND_POINT, 2, FALSE, "points: a point needs exactly 1 point, not 2" },
    { QUORUM_KIND_TAG, 0, TRUE, NULL },
    { QUORUM_KIND_TAG, 1, FALSE, "points: a tag has no points, not 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(QuorumInstance) instance = instance_with_points (cases[i].kind, cases[i].n);
      g_autoptr(GError) error = NULL;
      gboolean ok = quorum_instance_check (instance, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!cases[i].ok)
        {
          g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
      else
        g_assert_no_error (error);
    }
}

/* keyframe FALSE and outside TRUE say something of a track: not without one */
static void
test_track_flags (void)
{
  g_autoptr(QuorumInstance) instance = instance_with_points (QUORUM_KIND_BOX, 2);
  g_autoptr(GError) error = NULL;

  g_assert_true (instance->keyframe);
  g_assert_false (instance->outside);
  g_assert_false (instance->occluded);

  instance->keyframe = FALSE;
  g_assert_false (quorum_instance_check (instance, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "keyframe: "));
  g_clear_error (&error);

  instance->keyframe = TRUE;
  instance->outside = TRUE;
  g_assert_false (quorum_instance_check (instance, &error));
  g_assert_true (g_str_has_prefix (error->message, "outside: "));
  g_clear_error (&error);

  /* with a track, both are fine, and occluded is fine anywhere */
  instance->track_id = g_strdup ("t");
  instance->keyframe = FALSE;
  g_assert_true (quorum_instance_check (instance, NULL));
  g_clear_pointer (&instance->track_id, g_free);
  instance->keyframe = TRUE;
  instance->outside = FALSE;
  instance->occluded = TRUE;
  g_assert_true (quorum_instance_check (instance, NULL));
  {
    g_autoptr(QuorumInstance) copy = quorum_instance_copy (instance);
    g_assert_true (copy->occluded);
  }
}

static void
test_non_finite (void)
{
  g_autoptr(QuorumInstance) instance = instance_with_points (QUORUM_KIND_POLYGON, 4);
  g_autoptr(GError) error = NULL;

  instance->points[2].y = NAN;
  g_assert_false (quorum_instance_check (instance, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "points[2]: coordinates must be finite numbers");
  g_clear_error (&error);
  instance->points[2].y = INFINITY;
  g_assert_false (quorum_instance_check (instance, &error));
}

static void
test_bounds_and_copy (void)
{
  g_autoptr(QuorumInstance) instance = quorum_instance_new ("a", "sign", QUORUM_KIND_POLYGON);
  g_autoptr(QuorumInstance) copy = NULL;
  QuorumPoint points[] = { { 5, -2 }, { -3, 7 }, { 11, 4 } };
  QuorumRect bounds;

  quorum_instance_set_points (instance, points, G_N_ELEMENTS (points));
  instance->frame = 4;
  instance->track_id = g_strdup ("t1");
  json_object_set_boolean_member (instance->attributes, "occluded", TRUE);
  quorum_instance_bounds (instance, &bounds);
  g_assert_cmpfloat (bounds.x0, ==, -3);
  g_assert_cmpfloat (bounds.y0, ==, -2);
  g_assert_cmpfloat (bounds.x1, ==, 11);
  g_assert_cmpfloat (bounds.y1, ==, 7);

  copy = quorum_instance_copy (instance);
  points[0].x = 1000;
  instance->points[1].x = 999;
  g_assert_cmpfloat (copy->points[0].x, ==, 5);
  g_assert_cmpfloat (copy->points[1].x, ==, -3);
  g_assert_cmpuint (copy->frame, ==, 4);
  g_assert_cmpstr (copy->track_id, ==, "t1");
  g_assert_true (json_object_get_boolean_member (copy->attributes, "occluded"));
}

static void
test_job_settings (void)
{
  g_autoptr(QuorumJobSettings) settings = quorum_job_settings_new ("Street scenes");
  g_autoptr(QuorumJobSettings) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (quorum_job_settings_check (settings, &error));
  g_assert_no_error (error);
  g_assert_true (settings->blind);
  g_assert_cmpfloat (settings->threshold, ==, 0.5);

  settings->passes_per_file = 0;
  g_assert_false (quorum_job_settings_check (settings, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "passes_per_file:"));
  g_clear_error (&error);

  settings->passes_per_file = 3;
  settings->review_frequency = -1;
  g_assert_false (quorum_job_settings_check (settings, &error));
  g_assert_true (g_str_has_prefix (error->message, "review_frequency:"));
  g_clear_error (&error);

  settings->review_frequency = 3;
  settings->threshold = 0;
  g_assert_false (quorum_job_settings_check (settings, &error));
  g_assert_true (g_str_has_prefix (error->message, "threshold:"));
  g_clear_error (&error);

  settings->threshold = 0.5;
  settings->type = QUORUM_JOB_EXAM;
  g_assert_false (quorum_job_settings_check (settings, &error));
  g_assert_true (g_str_has_prefix (error->message, "awarded_credentials:"));
  g_clear_error (&error);

  g_strfreev (settings->awarded_credentials);
  settings->awarded_credentials = g_strsplit ("Radiologist", ",", -1);
  g_assert_true (quorum_job_settings_check (settings, &error));

  copy = quorum_job_settings_copy (settings);
  g_free (settings->name);
  settings->name = g_strdup ("changed");
  g_assert_cmpstr (copy->name, ==, "Street scenes");
  g_assert_cmpstr (copy->awarded_credentials[0], ==, "Radiologist");

  g_free (settings->name);
  settings->name = g_strdup ("   ");
  g_assert_false (quorum_job_settings_check (settings, &error));
  g_assert_true (g_str_has_prefix (error->message, "name:"));
}

static void
test_annotation_set (void)
{
  QuorumFileInfo file = { 4000, 3000, 0, 0 };
  g_autoptr(QuorumAnnotationSet) set = quorum_annotation_set_new ("alice", &file);
  g_autoptr(QuorumAnnotationSet) copy = NULL;

  g_assert_cmpuint (set->file.frames, ==, 1);
  g_assert_cmpfloat (quorum_file_info_diagonal (&set->file), ==, 5000);
  quorum_annotation_set_add (set, instance_with_points (QUORUM_KIND_POINT, 1));
  g_assert_nonnull (quorum_annotation_set_find (set, "i1"));
  g_assert_null (quorum_annotation_set_find (set, "i2"));
  copy = quorum_annotation_set_copy (set);
  g_ptr_array_set_size (set->instances, 0);
  g_assert_cmpuint (copy->instances->len, ==, 1);
  g_assert_cmpstr (copy->annotator, ==, "alice");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/kind-names", test_kind_names);
  g_test_add_func ("/model/point-counts", test_point_counts);
  g_test_add_func ("/model/non-finite", test_non_finite);
  g_test_add_func ("/model/track-flags", test_track_flags);
  g_test_add_func ("/model/bounds-and-copy", test_bounds_and_copy);
  g_test_add_func ("/model/job-settings", test_job_settings);
  g_test_add_func ("/model/annotation-set", test_annotation_set);
  return g_test_run ();
}
