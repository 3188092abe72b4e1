/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <string.h>

#include "quorum-agreement-private.h"
#include "quorum-core.h"
#include "synthetic-sets.h"

/* quorum_agreement_compute() splits its work over threads; its result must
 * be the single-threaded one bit for bit, whatever the number of threads. */

static void
assert_identical (const QuorumAgreement *x,
                  const QuorumAgreement *y)
{
  guint n = x->n_sets;

  g_assert_cmpuint (x->n_sets, ==, y->n_sets);
  g_assert_true (memcmp (x->pair_scores, y->pair_scores, sizeof (double) * n * n) == 0);
  g_assert_true (memcmp (x->pair_matched, y->pair_matched, sizeof (guint) * n * n) == 0);
  g_assert_true (memcmp (x->annotator_scores, y->annotator_scores, sizeof (double) * n) == 0);
  g_assert_true (memcmp (&x->agreement, &y->agreement, sizeof (double)) == 0);
  g_assert_cmpuint (x->best, ==, y->best);
}

static void
check_sets (const SyntheticOptions *options,
            double                  threshold)
{
  g_autoptr(GPtrArray) sets = synthetic_sets_generate (options);
  const QuorumAnnotationSet * const *pointers = (const QuorumAnnotationSet * const *) sets->pdata;
  g_autoptr(QuorumAgreement) single = NULL;
  g_autoptr(QuorumAgreement) automatic = NULL;
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  g_autoptr(GError) error = NULL;
  guint instances = 0;

  for (guint i = 0; i < sets->len; i++)
    instances += pointers[i]->instances->len;
  /* More instances than one preparation task takes: several run at once. */
  g_assert_cmpuint (instances, >, 2 * 1024);

  single = _quorum_agreement_compute_threads (pointers, sets->len, threshold, 1, &error);
  g_assert_no_error (error);
  /* Not a degenerate file: the sets agree somewhat, not fully. */
  g_assert_cmpfloat (single->agreement, >, 0.3);
  g_assert_cmpfloat (single->agreement, <, 1.0);

  for (guint n_threads = 2; n_threads <= 5; n_threads++)
    {
      g_autoptr(QuorumAgreement) threaded =
        _quorum_agreement_compute_threads (pointers, sets->len, threshold, n_threads, &error);

      g_assert_no_error (error);
      assert_identical (single, threaded);
    }

  automatic = quorum_agreement_compute (pointers, sets->len, threshold, &error);
  g_assert_no_error (error);
  assert_identical (single, automatic);

  /* Each pair matched alone, on this thread, scores the same. */
  for (guint i = 0; i < sets->len; i++)
    for (guint j = i + 1; j < sets->len; j++)
      {
        g_autoptr(QuorumMatch) match = quorum_match_sets (geometry, pointers[i], pointers[j], threshold);
        double score = quorum_agreement_pair (single, i, j);

        g_assert_true (memcmp (&match->score, &score, sizeof (double)) == 0);
        g_assert_cmpuint (match->pairs->len, ==, single->pair_matched[i * sets->len + j]);
      }
}

static void
test_polygons (void)
{
  /* Many self-intersecting rings: the GEOS path runs on every thread. */
  SyntheticOptions options = { .n_objects = 1500, .n_annotators = 3, .seed = 11, .frames = 1,
                               .twisted_share = 0.1 };

  check_sets (&options, QUORUM_DEFAULT_THRESHOLD);
}

static void
test_all_kinds_and_frames (void)
{
  SyntheticOptions options = { .n_objects = 1200, .n_annotators = 4, .seed = 5, .frames = 3,
                               .all_kinds = TRUE };

  check_sets (&options, 0.3);
  check_sets (&options, 0.7);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agreement-threads/polygons", test_polygons);
  g_test_add_func ("/agreement-threads/all-kinds-and-frames", test_all_kinds_and_frames);
  return g_test_run ();
}
