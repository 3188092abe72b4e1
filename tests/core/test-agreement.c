/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>

#include "quorum-core.h"

static QuorumFileInfo file = { 1000, 1000, 3, 0 };

static QuorumInstance *
box (const char *id,
     const char *label,
     double      x0,
     double      y0,
     double      x1,
     double      y1)
{
  QuorumInstance *instance = quorum_instance_new (id, label, QUORUM_KIND_BOX);
  QuorumPoint points[] = { { x0, y0 }, { x1, y1 } };

  quorum_instance_set_points (instance, points, 2);
  return instance;
}

static QuorumInstance *
tag (const char *id,
     const char *json)
{
  QuorumInstance *instance = quorum_instance_new (id, "scene", QUORUM_KIND_TAG);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  json_object_unref (instance->attributes);
  instance->attributes = json_node_dup_object (node);
  return instance;
}

static QuorumAnnotationSet *
set_new (const char *annotator)
{
  return quorum_annotation_set_new (annotator, &file);
}

static QuorumMatch *
match (const QuorumAnnotationSet *a,
       const QuorumAnnotationSet *b,
       double                     threshold)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();

  return quorum_match_sets (geometry, a, b, threshold);
}

/* Two unit squares offset by half a side: IoU 1/3. */
static void
test_offset_squares (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  g_autoptr(QuorumAnnotationSet) b = set_new ("b");
  g_autoptr(QuorumMatch) low = NULL;
  g_autoptr(QuorumMatch) high = NULL;

  quorum_annotation_set_add (a, box ("a1", "car", 0, 0, 1, 1));
  quorum_annotation_set_add (b, box ("b1", "car", 0.5, 0, 1.5, 1));
  low = match (a, b, 0.3);
  g_assert_cmpuint (low->pairs->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (low->score, 1.0 / 3, 1e-15);
  high = match (a, b, 0.5);
  g_assert_cmpuint (high->pairs->len, ==, 0);
  g_assert_cmpfloat (high->score, ==, 0);
}

static void
test_empty_sets (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  g_autoptr(QuorumAnnotationSet) b = set_new ("b");
  g_autoptr(QuorumMatch) both_empty = match (a, b, 0.5);
  g_autoptr(QuorumMatch) one_empty = NULL;

  g_assert_cmpfloat (both_empty->score, ==, 1);
  quorum_annotation_set_add (a, box ("a1", "car", 0, 0, 10, 10));
  one_empty = match (a, b, 0.5);
  g_assert_cmpfloat (one_empty->score, ==, 0);
}

/* Same place, different label or kind: never candidates. */
static void
test_labels_and_kinds (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  g_autoptr(QuorumAnnotationSet) b = set_new ("b");
  g_autoptr(QuorumMatch) result = NULL;
  QuorumInstance *polygon = quorum_instance_new ("b2", "car", QUORUM_KIND_POLYGON);
  QuorumPoint square[] = { { 0, 0 }, { 10, 0 }, { 10, 10 }, { 0, 10 } };

  quorum_instance_set_points (polygon, square, 4);
  quorum_annotation_set_add (a, box ("a1", "car", 0, 0, 10, 10));
  quorum_annotation_set_add (b, box ("b1", "truck", 0, 0, 10, 10));
  quorum_annotation_set_add (b, polygon);
  result = match (a, b, 0.5);
  g_assert_cmpuint (result->pairs->len, ==, 0);
  /* 0 / (½·1 + ½·2) */
  g_assert_cmpfloat (result->score, ==, 0);
}

/* [0,2]×[0,1] against [0,1]×[0,1] has IoU exactly 1/2: matched at τ = 0.5,
 * not at the next double above it. */
static void
test_threshold_edge (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  g_autoptr(QuorumAnnotationSet) b = set_new ("b");
  g_autoptr(QuorumMatch) at = NULL;
  g_autoptr(QuorumMatch) above = NULL;

  quorum_annotation_set_add (a, box ("a1", "car", 0, 0, 2, 1));
  quorum_annotation_set_add (b, box ("b1", "car", 0, 0, 1, 1));
  at = match (a, b, 0.5);
  g_assert_cmpuint (at->pairs->len, ==, 1);
  g_assert_cmpfloat (at->score, ==, 0.5);
  above = match (a, b, nextafter (0.5, 1));
  g_assert_cmpuint (above->pairs->len, ==, 0);
}

/* c1–d1 0.905 is the best single pair, but c1–d2 (0.818) with c2–d1 (0.905)
 * beats c1–d1 with c2–d2 (0.667): greedy loses, the exact matching does not. */
static void
test_optimal_not_greedy (void)
{
  g_autoptr(QuorumAnnotationSet) c = set_new ("c");
  g_autoptr(QuorumAnnotationSet) d = set_new ("d");
  g_autoptr(QuorumMatch) result = NULL;
  double expected = 9.0 / 11 + 9.5 / 10.5;

  quorum_annotation_set_add (c, box ("c1", "car", 0, 0, 10, 10));
  quorum_annotation_set_add (c, box ("c2", "car", 1, 0, 11, 10));
  quorum_annotation_set_add (d, box ("d1", "car", 0.5, 0, 10.5, 10));
  quorum_annotation_set_add (d, box ("d2", "car", -1, 0, 9, 10));
  result = match (c, d, 0.5);
  g_assert_cmpuint (result->pairs->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (result->total, expected, 1e-12);
  g_assert_cmpuint (g_array_index (result->pairs, QuorumMatchPair, 0).b, ==, 1);
  g_assert_cmpuint (g_array_index (result->pairs, QuorumMatchPair, 1).b, ==, 0);
  g_assert_cmpfloat_with_epsilon (result->score, expected / 2, 1e-12);
}

/* Tags match at any similarity. A = {x, y}, B = {p, q}: x–p 0.5, y–p 0, x–q 0,
 * y–q 0 → both matchings total 0.5; the rule wants the one with two pairs. */
static void
test_more_pairs_on_equal_totals (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  g_autoptr(QuorumAnnotationSet) b = set_new ("b");
  g_autoptr(QuorumMatch) result = NULL;

  quorum_annotation_set_add (a, tag ("x", "{\"day\": true, \"rain\": true}"));
  quorum_annotation_set_add (a, tag ("y", "{\"snow\": true}"));
  quorum_annotation_set_add (b, tag ("p", "{\"day\": true, \"rain\": false}"));
  quorum_annotation_set_add (b, tag ("q", "{\"fog\": true}"));
  result = match (a, b, 0.5);
  g_assert_cmpuint (result->pairs->len, ==, 2);
  g_assert_cmpfloat (result->total, ==, 0.5);
  g_assert_cmpuint (g_array_index (result->pairs, QuorumMatchPair, 0).b, ==, 0);
  /* S = 0.5 / (2 + 0 + 0) */
  g_assert_cmpfloat (result->score, ==, 0.25);
}

/* The same box on different frames is two different objects. */
static void
test_frames_pooled (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  g_autoptr(QuorumAnnotationSet) b = set_new ("b");
  g_autoptr(QuorumMatch) result = NULL;
  QuorumInstance *instance;

  quorum_annotation_set_add (a, box ("a0", "car", 0, 0, 10, 10));
  instance = box ("a1", "car", 0, 0, 10, 10);
  instance->frame = 1;
  quorum_annotation_set_add (a, instance);
  instance = box ("b1", "car", 0, 0, 10, 10);
  instance->frame = 1;
  quorum_annotation_set_add (b, instance);
  instance = box ("b2", "car", 0, 0, 10, 10);
  instance->frame = 2;
  quorum_annotation_set_add (b, instance);
  result = match (a, b, 0.5);
  g_assert_cmpuint (result->pairs->len, ==, 1);
  g_assert_cmpuint (g_array_index (result->pairs, QuorumMatchPair, 0).a, ==, 1);
  /* 1 / (1 + ½ + ½) */
  g_assert_cmpfloat (result->score, ==, 0.5);
}

/* Three annotators: alice and bob agree on one box exactly (S = 1); carol
 * drew nothing (S = 0 with both). Scores: alice ½, bob ½, carol 0;
 * agreement ⅓; the tie between alice and bob goes to alice, who came first. */
static void
test_three_annotators_and_tie (void)
{
  g_autoptr(QuorumAnnotationSet) alice = set_new ("alice");
  g_autoptr(QuorumAnnotationSet) bob = set_new ("bob");
  g_autoptr(QuorumAnnotationSet) carol = set_new ("carol");
  g_autoptr(QuorumAgreement) agreement = NULL;
  g_autoptr(QuorumAgreement) reordered = NULL;
  g_autoptr(GError) error = NULL;

  quorum_annotation_set_add (alice, box ("a", "car", 0, 0, 10, 10));
  quorum_annotation_set_add (bob, box ("b", "car", 0, 0, 10, 10));
  {
    const QuorumAnnotationSet *sets[] = { carol, alice, bob };
    agreement = quorum_agreement_compute (sets, 3, 0.5, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpfloat (quorum_agreement_pair (agreement, 1, 2), ==, 1);
  g_assert_cmpfloat (quorum_agreement_pair (agreement, 0, 1), ==, 0);
  g_assert_cmpfloat (quorum_agreement_pair (agreement, 2, 0), ==, 0);
  g_assert_cmpfloat (agreement->annotator_scores[0], ==, 0);
  g_assert_cmpfloat (agreement->annotator_scores[1], ==, 0.5);
  g_assert_cmpfloat (agreement->annotator_scores[2], ==, 0.5);
  g_assert_cmpfloat_with_epsilon (agreement->agreement, 1.0 / 3, 1e-15);
  g_assert_cmpuint (agreement->best, ==, 1);
  {
    const QuorumAnnotationSet *sets[] = { bob, carol, alice };
    reordered = quorum_agreement_compute (sets, 3, 0.5, &error);
  }
  g_assert_cmpuint (reordered->best, ==, 0);
}

/* a: three boxes; b: the first exact, the second shifted to IoU 0.6, the
 * third missing, plus an extra. S(a,b) = 1.6 / (2 + ½ + ½) = 0.5333…;
 * with c identical to a: S(a,c) = 1, S(b,c) = S(a,b). */
static void
test_hand_computed_matrix (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  g_autoptr(QuorumAnnotationSet) b = set_new ("b");
  g_autoptr(QuorumAnnotationSet) c = NULL;
  g_autoptr(QuorumAgreement) agreement = NULL;
  double s_ab = 1.6 / 3;

  quorum_annotation_set_add (a, box ("a1", "car", 0, 0, 10, 10));
  quorum_annotation_set_add (a, box ("a2", "car", 100, 0, 116, 10));
  quorum_annotation_set_add (a, box ("a3", "sign", 300, 300, 310, 310));
  quorum_annotation_set_add (b, box ("b1", "car", 0, 0, 10, 10));
  /* [104,120] against [100,116]: overlap 12, union 20 → 0.6 */
  quorum_annotation_set_add (b, box ("b2", "car", 104, 0, 120, 10));
  quorum_annotation_set_add (b, box ("b3", "car", 600, 600, 610, 610));
  c = quorum_annotation_set_copy (a);
  {
    const QuorumAnnotationSet *sets[] = { a, b, c };
    agreement = quorum_agreement_compute (sets, 3, 0.5, NULL);
  }
  g_assert_cmpfloat_with_epsilon (quorum_agreement_pair (agreement, 0, 1), s_ab, 1e-15);
  g_assert_cmpfloat (quorum_agreement_pair (agreement, 0, 2), ==, 1);
  g_assert_cmpfloat_with_epsilon (quorum_agreement_pair (agreement, 1, 2), s_ab, 1e-15);
  g_assert_cmpuint (agreement->pair_matched[0 * 3 + 1], ==, 2);
  g_assert_cmpfloat_with_epsilon (agreement->annotator_scores[0], (s_ab + 1) / 2, 1e-15);
  g_assert_cmpfloat_with_epsilon (agreement->annotator_scores[1], s_ab, 1e-15);
  g_assert_cmpfloat_with_epsilon (agreement->agreement, (2 * s_ab + 1) / 3, 1e-15);
  g_assert_cmpuint (agreement->best, ==, 0);
}

static void
test_bad_input (void)
{
  g_autoptr(QuorumAnnotationSet) a = set_new ("a");
  QuorumFileInfo other = { 640, 480, 1, 0 };
  g_autoptr(QuorumAnnotationSet) b = quorum_annotation_set_new ("b", &other);
  const QuorumAnnotationSet *sets[] = { a, b };
  g_autoptr(GError) error = NULL;

  g_assert_null (quorum_agreement_compute (sets, 2, 0.5, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "sets[1].file:"));
  g_clear_error (&error);
  g_assert_null (quorum_agreement_compute (sets, 1, 0, &error));
  g_assert_true (g_str_has_prefix (error->message, "threshold:"));
  g_clear_error (&error);
  g_assert_null (quorum_agreement_compute (sets, 0, 0.5, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
}

/* ---- properties on random sets ---------------------------------------- */

static QuorumAnnotationSet *
random_set (GRand      *rand,
            const char *annotator,
            guint       n)
{
  QuorumAnnotationSet *set = set_new (annotator);
  static const char *labels[] = { "car", "person" };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%u", annotator, i);
      double x = g_rand_double_range (rand, 0, 120);
      double y = g_rand_double_range (rand, 0, 120);
      double w = g_rand_double_range (rand, 10, 40);
      double h = g_rand_double_range (rand, 10, 40);
      const char *label = labels[g_rand_int_range (rand, 0, 2)];

      if (g_rand_boolean (rand))
        quorum_annotation_set_add (set, box (id, label, x, y, x + w, y + h));
      else
        {
          QuorumInstance *polygon = quorum_instance_new (id, label, QUORUM_KIND_POLYGON);
          QuorumPoint points[] = { { x, y }, { x + w, y + g_rand_double_range (rand, -5, 5) },
                                   { x + w, y + h }, { x + g_rand_double_range (rand, 0, w), y + h / 2 },
                                   { x, y + h } };
          quorum_instance_set_points (polygon, points, G_N_ELEMENTS (points));
          quorum_annotation_set_add (set, polygon);
        }
    }
  return set;
}

static void
shuffle (GRand     *rand,
         GPtrArray *array)
{
  for (guint i = array->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      gpointer swap = array->pdata[i - 1];

      array->pdata[i - 1] = array->pdata[j];
      array->pdata[j] = swap;
    }
}

/* All similarities of same-label, same-kind pairs with s ≥ τ. */
static double *
similarity_matrix (const QuorumAnnotationSet *a,
                   const QuorumAnnotationSet *b,
                   double                     threshold)
{
  g_autoptr(QuorumGeometry) geometry = quorum_geometry_new ();
  guint na = a->instances->len, nb = b->instances->len;
  double *s = g_new (double, MAX (na * nb, 1));

  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb; j++)
      {
        const QuorumInstance *x = g_ptr_array_index (a->instances, i);
        const QuorumInstance *y = g_ptr_array_index (b->instances, j);
        g_autoptr(QuorumShape) sx = quorum_shape_new (geometry, x);
        g_autoptr(QuorumShape) sy = quorum_shape_new (geometry, y);
        double value = -1;

        if (g_str_equal (x->label, y->label) && x->kind == y->kind)
          value = quorum_geometry_similarity (geometry, sx, sy, 0);
        s[i * nb + j] = value >= threshold ? value : -1;
      }
  return s;
}

static double
greedy_total (const double *s,
              guint         na,
              guint         nb)
{
  g_autofree gboolean *used_a = g_new0 (gboolean, na + 1);
  g_autofree gboolean *used_b = g_new0 (gboolean, nb + 1);
  double total = 0;

  for (;;)
    {
      double best = -1;
      guint bi = 0, bj = 0;

      for (guint i = 0; i < na; i++)
        for (guint j = 0; j < nb; j++)
          if (!used_a[i] && !used_b[j] && s[i * nb + j] > best)
            {
              best = s[i * nb + j];
              bi = i;
              bj = j;
            }
      if (best < 0)
        return total;
      used_a[bi] = used_b[bj] = TRUE;
      total += best;
    }
}

static double
brute_force_total (const double *s,
                   guint         na,
                   guint         nb,
                   guint         i,
                   guint32       used_b)
{
  double best;

  if (i == na)
    return 0;
  best = brute_force_total (s, na, nb, i + 1, used_b);   /* a_i unmatched */
  for (guint j = 0; j < nb; j++)
    if (!(used_b & (1u << j)) && s[i * nb + j] >= 0)
      best = MAX (best, s[i * nb + j] + brute_force_total (s, na, nb, i + 1, used_b | (1u << j)));
  return best;
}

static void
test_properties (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (guint round = 0; round < 300; round++)
    {
      guint na = g_rand_int_range (rand, 0, round < 150 ? 8 : 40);
      guint nb = g_rand_int_range (rand, 0, round < 150 ? 8 : 40);
      g_autoptr(QuorumAnnotationSet) a = random_set (rand, "a", na);
      g_autoptr(QuorumAnnotationSet) b = random_set (rand, "b", nb);
      g_autoptr(QuorumAnnotationSet) b_shuffled = quorum_annotation_set_copy (b);
      g_autoptr(QuorumMatch) ab = match (a, b, 0.5);
      g_autoptr(QuorumMatch) ba = match (b, a, 0.5);
      g_autoptr(QuorumMatch) aa = match (a, a, 0.5);
      g_autoptr(QuorumMatch) shuffled = NULL;
      g_autofree double *s = similarity_matrix (a, b, 0.5);

      shuffle (rand, b_shuffled->instances);
      shuffled = match (a, b_shuffled, 0.5);

      g_assert_cmpfloat (aa->score, ==, 1);
      g_assert_cmpfloat_with_epsilon (ab->score, ba->score, 1e-12);
      g_assert_cmpfloat_with_epsilon (ab->score, shuffled->score, 1e-12);
      g_assert_cmpuint (ab->pairs->len, ==, shuffled->pairs->len);
      g_assert_cmpfloat (ab->score, >=, 0);
      g_assert_cmpfloat (ab->score, <=, 1);
      g_assert_cmpfloat (ab->total, >=, greedy_total (s, na, nb) - 1e-12);
      if (na <= 7 && nb <= 7)
        g_assert_cmpfloat_with_epsilon (ab->total, brute_force_total (s, na, nb, 0, 0), 1e-12);
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agreement/offset-squares", test_offset_squares);
  g_test_add_func ("/agreement/empty-sets", test_empty_sets);
  g_test_add_func ("/agreement/labels-and-kinds", test_labels_and_kinds);
  g_test_add_func ("/agreement/threshold-edge", test_threshold_edge);
  g_test_add_func ("/agreement/optimal-not-greedy", test_optimal_not_greedy);
  g_test_add_func ("/agreement/more-pairs-on-equal-totals", test_more_pairs_on_equal_totals);
  g_test_add_func ("/agreement/frames-pooled", test_frames_pooled);
  g_test_add_func ("/agreement/three-annotators-and-tie", test_three_annotators_and_tie);
  g_test_add_func ("/agreement/hand-computed-matrix", test_hand_computed_matrix);
  g_test_add_func ("/agreement/bad-input", test_bad_input);
  g_test_add_func ("/agreement/properties", test_properties);
  return g_test_run ();
}
