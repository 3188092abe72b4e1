/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-reference"

#include <glib/gstdio.h>
#include <math.h>

#include "quorum-agreement.h"
#include "quorum-wire.h"
#include "reference-run.h"
#include "synthetic-sets.h"

#define TOLERANCE 1e-9

/* Why the reference cannot run. Its Python modules are in
 * build-aux/debian-packages.txt, installed before every `make test`: their
 * absence fails the comparisons instead of skipping them. */
static char *missing;

/* ---- a hand-computed file: checks the reference itself, then the core ---- */

/*
 * Two annotators, 100 × 100, τ = 0.5:
 * - car boxes: a1 = b1 = [0,0]-[10,10] (s = 1), a1 and b2 = [0,0]-[10,5] (0.5),
 *   a2 = [0,5]-[10,10] and b1 (0.5), a2 and b2 disjoint. Both {a1b1} and
 *   {a1b2, a2b1} total 1: the rule "among equal totals, more pairs" takes 2.
 * - person boxes [0,0]-[10,10] and [0,0]-[10,4]: IoU 0.4 < τ, never matched.
 * - weather tags {rain: true, time: day} and {rain: false, time: day}: 1/2.
 * - a bow tie (two triangles of 25) against the square it spans (100): the
 *   repaired region has area 50, IoU 50/100.
 * - a 10 px road line and the same line 1 px lower drawn the other way:
 *   d = 1 in the reversed direction, s = exp(−1/(2(0.02·√20000)²)).
 * Σ s = 1 + 0.5 + 0.5 + s_line over ½(6 + 6) = 6, with 5 pairs matched.
 */
static const char *hand_a =
  "{\"annotator\": \"a\", \"file\": {\"width\": 100, \"height\": 100}, \"instances\": ["
  "{\"id\": \"1\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0, 0], [10, 10]]},"
  "{\"id\": \"2\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0, 5], [10, 10]]},"
  "{\"id\": \"3\", \"label\": \"person\", \"kind\": \"box\", \"points\": [[0, 0], [10, 10]]},"
  "{\"id\": \"4\", \"label\": \"weather\", \"kind\": \"tag\", \"points\": [],"
  " \"attributes\": {\"rain\": true, \"time\": \"day\"}},"
  "{\"id\": \"5\", \"label\": \"lot\", \"kind\": \"polygon\","
  " \"points\": [[0, 0], [10, 10], [10, 0], [0, 10]]},"
  "{\"id\": \"6\", \"label\": \"road\", \"kind\": \"polyline\", \"points\": [[0, 0], [10, 0]]}]}";
static const char *hand_b =
  "{\"annotator\": \"b\", \"file\": {\"width\": 100, \"height\": 100}, \"instances\": ["
  "{\"id\": \"1\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[10, 10], [0, 0]]},"
  "{\"id\": \"2\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[0, 0], [10, 5]]},"
  "{\"id\": \"3\", \"label\": \"person\", \"kind\": \"box\", \"points\": [[0, 0], [10, 4]]},"
  "{\"id\": \"4\", \"label\": \"weather\", \"kind\": \"tag\", \"points\": [],"
  " \"attributes\": {\"rain\": false, \"time\": \"day\"}},"
  "{\"id\": \"5\", \"label\": \"lot\", \"kind\": \"polygon\","
  " \"points\": [[0, 0], [10, 0], [10, 10], [0, 10]]},"
  "{\"id\": \"6\", \"label\": \"road\", \"kind\": \"polyline\", \"points\": [[10, 1], [0, 1]]}]}";

static double
hand_expected_score (void)
{
  double sd = QUORUM_SIMILARITY_SIGMA * sqrt (100.0 * 100.0 + 100.0 * 100.0);
  double line = exp (-1.0 / (2 * sd * sd));

  return (1 + 0.5 + 0.5 + line) / 6;
}

static QuorumAnnotationSet *
read_set (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (text, strlen (text), &error);
  QuorumAnnotationSet *set;

  g_assert_no_error (error);
  set = quorum_wire_read_annotation_set (node, NULL, "", &error);
  g_assert_no_error (error);
  return set;
}

static void
test_hand_reference (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autoptr(JsonObject) reference = NULL;
  JsonArray *row, *matched;
  double expected = hand_expected_score ();

  if (missing != NULL)
    {
      g_test_fail_printf ("%s", missing);
      return;
    }

  dir = g_dir_make_tmp ("quorum-reference-XXXXXX", &error);
  g_assert_no_error (error);
  path_a = g_build_filename (dir, "a.json", NULL);
  path_b = g_build_filename (dir, "b.json", NULL);
  g_file_set_contents (path_a, hand_a, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (path_b, hand_b, -1, &error);
  g_assert_no_error (error);

  {
    const char *paths[] = { path_a, path_b, NULL };
    reference = reference_run (paths, QUORUM_DEFAULT_THRESHOLD, 1, &error);
  }
  g_unlink (path_a);
  g_unlink (path_b);
  g_rmdir (dir);
  g_assert_no_error (error);

  row = json_array_get_array_element (json_object_get_array_member (reference, "pair_scores"), 0);
  matched = json_array_get_array_element (json_object_get_array_member (reference, "pair_matched"), 0);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 1), expected, 1e-15);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 0), 1.0, 1e-15);
  g_assert_cmpint (json_array_get_int_element (matched, 1), ==, 5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (reference, "agreement"),
                                  expected, 1e-15);
  g_assert_cmpint (json_object_get_int_member (reference, "best"), ==, 0);
}

static void
test_hand_core (void)
{
  g_autoptr(QuorumAnnotationSet) a = read_set (hand_a);
  g_autoptr(QuorumAnnotationSet) b = read_set (hand_b);
  const QuorumAnnotationSet *sets[] = { a, b };
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumAgreement) agreement = NULL;
  double expected = hand_expected_score ();

  agreement = quorum_agreement_compute (sets, 2, QUORUM_DEFAULT_THRESHOLD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (agreement);
  g_assert_cmpfloat_with_epsilon (quorum_agreement_pair (agreement, 0, 1), expected, 1e-12);
  g_assert_cmpuint (agreement->pair_matched[0 * 2 + 1], ==, 5);
  g_assert_cmpfloat_with_epsilon (agreement->agreement, expected, 1e-12);
  g_assert_cmpfloat_with_epsilon (agreement->annotator_scores[1], expected, 1e-12);
  g_assert_cmpuint (agreement->best, ==, 0);
}

/* ---- generated files: the core and the reference on the same data ------- */

typedef struct {
  guint   n;
  guint32 seed;
  guint   annotators;
  guint   frames;
  double  threshold;
} Case;

static const Case cases[] = {
  {  50, 1, 3, 1, 0.5 },
  {  50, 2, 2, 1, 0.5 },
  {  50, 3, 4, 3, 0.5 },
  { 200, 4, 3, 1, 0.5 },
  { 200, 5, 3, 1, 0.7 },
  { 200, 6, 3, 4, 0.3 },
  { 200, 7, 4, 1, 0.5 },
};

static void
count_kinds (GPtrArray *sets,
             guint      counts[QUORUM_N_KINDS])
{
  for (guint i = 0; i < sets->len; i++)
    {
      QuorumAnnotationSet *set = g_ptr_array_index (sets, i);

      for (guint k = 0; k < set->instances->len; k++)
        counts[((QuorumInstance *) g_ptr_array_index (set->instances, k))->kind]++;
    }
}

static void
test_generated (gconstpointer data)
{
  const Case *c = data;
  SyntheticOptions options = {
    .n_objects = c->n,
    .n_annotators = c->annotators,
    .seed = c->seed,
    .frames = c->frames,
    .all_kinds = TRUE,
    .twisted_share = 0.05,
  };
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(QuorumAgreement) agreement = NULL;
  g_autoptr(JsonObject) reference = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_auto(GStrv) paths = NULL;
  guint counts[QUORUM_N_KINDS] = { 0 };
  JsonArray *pair_scores, *pair_matched, *annotator_scores;

  if (missing != NULL)
    {
      g_test_fail_printf ("%s", missing);
      return;
    }

  sets = synthetic_sets_generate (&options);
  count_kinds (sets, counts);
  for (guint kind = 0; kind < QUORUM_N_KINDS; kind++)
    g_assert_cmpuint (counts[kind], >, 0);

  agreement = quorum_agreement_compute ((const QuorumAnnotationSet * const *) sets->pdata,
                                        sets->len, c->threshold, &error);
  g_assert_no_error (error);
  g_assert_nonnull (agreement);
  g_assert_cmpuint (agreement->n_sets, ==, c->annotators);

  dir = g_dir_make_tmp ("quorum-reference-XXXXXX", &error);
  g_assert_no_error (error);
  paths = reference_write_sets (sets, dir, &error);
  g_assert_no_error (error);
  reference = reference_run ((const char * const *) paths, c->threshold, 1, &error);
  for (guint i = 0; paths[i] != NULL; i++)
    g_unlink (paths[i]);
  g_rmdir (dir);
  g_assert_no_error (error);

  pair_scores = json_object_get_array_member (reference, "pair_scores");
  pair_matched = json_object_get_array_member (reference, "pair_matched");
  annotator_scores = json_object_get_array_member (reference, "annotator_scores");
  for (guint a = 0; a < c->annotators; a++)
    {
      for (guint b = 0; b < c->annotators; b++)
        {
          double expected = json_array_get_double_element (json_array_get_array_element (pair_scores, a), b);
          double got = quorum_agreement_pair (agreement, a, b);

          if (fabs (got - expected) > TOLERANCE)
            g_test_fail_printf ("N=%u seed=%u: S(%u, %u) is %.17g, the reference says %.17g",
                                c->n, c->seed, a, b, got, expected);
          if (a != b)
            g_assert_cmpuint (agreement->pair_matched[a * c->annotators + b], ==,
                              json_array_get_int_element (json_array_get_array_element (pair_matched, a), b));
        }
      g_assert_cmpfloat_with_epsilon (agreement->annotator_scores[a],
                                      json_array_get_double_element (annotator_scores, a),
                                      TOLERANCE);
    }
  g_assert_cmpfloat_with_epsilon (agreement->agreement,
                                  json_object_get_double_member (reference, "agreement"),
                                  TOLERANCE);
  g_assert_cmpuint (agreement->best, ==, json_object_get_int_member (reference, "best"));
  /* Generated sets agree a good deal but not fully: a score of 0 or 1 on
   * both sides would hide a broken generator. */
  g_assert_cmpfloat (agreement->agreement, >, 0.3);
  g_assert_cmpfloat (agreement->agreement, <, 0.99);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!reference_available (&missing))
    g_test_message ("the comparisons cannot run: %s", missing);

  g_test_add_func ("/reference/hand/reference", test_hand_reference);
  g_test_add_func ("/reference/hand/core", test_hand_core);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/reference/generated/n%u-seed%u-k%u-frames%u-t%g",
                                               cases[i].n, cases[i].seed, cases[i].annotators,
                                               cases[i].frames, cases[i].threshold);
      g_test_add_data_func (path, &cases[i], test_generated);
    }
  return g_test_run ();
}
