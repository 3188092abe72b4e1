/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>

#include "quorum-core.h"

static QuorumInstance *
box (const char *id,
     double      x0,
     double      x1)
{
  QuorumInstance *instance = quorum_instance_new (id, "lesion", QUORUM_KIND_BOX);
  QuorumPoint points[] = { { x0, 0 }, { x1, 10 } };

  quorum_instance_set_points (instance, points, 2);
  return instance;
}

static void
test_star_bands (void)
{
  g_assert_cmpuint (quorum_exam_stars_for (1.0), ==, 5);
  g_assert_cmpuint (quorum_exam_stars_for (0.9), ==, 5);
  g_assert_cmpuint (quorum_exam_stars_for (nextafter (0.9, 0)), ==, 4);
  g_assert_cmpuint (quorum_exam_stars_for (0.8), ==, 4);
  g_assert_cmpuint (quorum_exam_stars_for (0.7999), ==, 3);
  g_assert_cmpuint (quorum_exam_stars_for (0.7), ==, 3);
  g_assert_cmpuint (quorum_exam_stars_for (0.6), ==, 2);
  g_assert_cmpuint (quorum_exam_stars_for (0.59), ==, 1);
  g_assert_cmpuint (quorum_exam_stars_for (0), ==, 1);
}

/* Gold: g1 [0,10], g2 [100,110], g3 [200,210]. The candidate has c1 = g1
 * exactly (5 stars), c2 shifted to IoU 75/125 = 0.6 against g2
 * (2 stars), c3 far from everything (1 star); g3 is missed. */
static void
test_candidate_against_gold (void)
{
  QuorumFileInfo file = { 1000, 100, 1, 0 };
  g_autoptr(QuorumAnnotationSet) gold = quorum_annotation_set_new ("gold", &file);
  g_autoptr(QuorumAnnotationSet) candidate = quorum_annotation_set_new ("dana", &file);
  g_autoptr(QuorumExamScore) score = NULL;

  quorum_annotation_set_add (gold, box ("g1", 0, 10));
  quorum_annotation_set_add (gold, box ("g2", 100, 110));
  quorum_annotation_set_add (gold, box ("g3", 200, 210));
  quorum_annotation_set_add (candidate, box ("c1", 0, 10));
  /* [102.5, 112.5] against [100, 110]: overlap 7.5, union 12.5 → 0.6 */
  quorum_annotation_set_add (candidate, box ("c2", 102.5, 112.5));
  quorum_annotation_set_add (candidate, box ("c3", 500, 510));
  score = quorum_exam_score (candidate, gold, 0.5);

  g_assert_cmpuint (score->n_candidate, ==, 3);
  g_assert_cmpuint (score->n_gold, ==, 3);
  g_assert_cmpuint (score->stars[0], ==, 5);
  g_assert_cmpuint (score->stars[1], ==, 2);
  g_assert_cmpuint (score->stars[2], ==, 1);
  g_assert_false (score->missing[0]);
  g_assert_false (score->missing[1]);
  g_assert_true (score->missing[2]);
  /* (1 + 0.6) / (2 + ½ + ½) */
  g_assert_cmpfloat_with_epsilon (score->gold_score, 1.6 / 3, 1e-15);
}

static void
test_empty_candidate (void)
{
  QuorumFileInfo file = { 100, 100, 1, 0 };
  g_autoptr(QuorumAnnotationSet) gold = quorum_annotation_set_new ("gold", &file);
  g_autoptr(QuorumAnnotationSet) candidate = quorum_annotation_set_new ("eve", &file);
  g_autoptr(QuorumExamScore) score = NULL;

  quorum_annotation_set_add (gold, box ("g1", 0, 10));
  score = quorum_exam_score (candidate, gold, 0.5);
  g_assert_cmpuint (score->n_candidate, ==, 0);
  g_assert_true (score->missing[0]);
  g_assert_cmpfloat (score->gold_score, ==, 0);
}

static void
test_summary_and_pass_rule (void)
{
  const guint8 stars_a[] = { 5, 4, 0 };      /* the third left unrated */
  const gboolean missing_a[] = { FALSE, TRUE };
  const guint8 stars_b[] = { 3 };
  const gboolean missing_b[] = { FALSE };
  QuorumExamReview reviews[] = {
    { stars_a, 3, missing_a, 2, 0.8 },
    { stars_b, 1, missing_b, 1, 0.4 },
  };
  QuorumExamSummary summary;
  QuorumPassRule rule = { 4.0, 1 };

  quorum_exam_summarize (reviews, 2, &summary);
  g_assert_true (summary.rated);
  g_assert_cmpuint (summary.n_rated, ==, 3);
  g_assert_cmpfloat (summary.average_stars, ==, 4.0);
  g_assert_cmpuint (summary.missed, ==, 1);
  g_assert_cmpfloat_with_epsilon (summary.gold_score, 0.6, 1e-15);
  g_assert_true (quorum_exam_passes (&summary, &rule));

  rule.max_missed = 0;
  g_assert_false (quorum_exam_passes (&summary, &rule));
  rule = (QuorumPassRule) { nextafter (4.0, 5), 5 };
  g_assert_false (quorum_exam_passes (&summary, &rule));
}

/* Nothing rated: "not rated", never NaN, and never a pass. */
static void
test_not_rated (void)
{
  const guint8 unrated[] = { 0, 0 };
  QuorumExamReview reviews[] = { { unrated, 2, NULL, 0, 0 } };
  QuorumExamSummary summary;
  QuorumPassRule lenient = { 1.0, 100 };

  quorum_exam_summarize (reviews, 1, &summary);
  g_assert_false (summary.rated);
  g_assert_cmpuint (summary.n_rated, ==, 0);
  g_assert_false (isnan (summary.average_stars));
  g_assert_false (quorum_exam_passes (&summary, &lenient));

  quorum_exam_summarize (NULL, 0, &summary);
  g_assert_false (summary.rated);
  g_assert_false (isnan (summary.gold_score));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/exam/star-bands", test_star_bands);
  g_test_add_func ("/exam/candidate-against-gold", test_candidate_against_gold);
  g_test_add_func ("/exam/empty-candidate", test_empty_candidate);
  g_test_add_func ("/exam/summary-and-pass-rule", test_summary_and_pass_rule);
  g_test_add_func ("/exam/not-rated", test_not_rated);
  return g_test_run ();
}
