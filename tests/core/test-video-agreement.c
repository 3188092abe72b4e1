/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>

#include "quorum-agreement-private.h"
#include "quorum-core.h"
#include "quorum-track.h"

/*
 * Agreement on video (docs/video-annotation.md). Three annotators follow one
 * car over 100 frames; each stores keyframes only. Ann draws it where it is,
 * Ben 2 px to the right, Cat 4 px to the right except on frames 40–60, where
 * her box is 300 px too low. The expected figures are computed here from the
 * boxes themselves: IoU of two boxes, S of each frame and of the whole video.
 */

#define N_FRAMES 100
#define FAR_FIRST 40
#define FAR_LAST 60
#define THRESHOLD 0.5

static const QuorumFileInfo video_file = { 640, 480, N_FRAMES, 30 };

typedef struct {
  double x0, y0, x1, y1;
} Rect;

/* Where an annotator's box is on @frame: the car moves 3 px a frame. */
static Rect
car_at (double dx,
        gboolean far,
        guint frame)
{
  double x0 = 10 + 3.0 * frame + dx;
  double y0 = far ? 350 : 50;

  return (Rect) { x0, y0, x0 + 60, y0 + 40 };
}

static double
iou (Rect a,
     Rect b)
{
  double w = MIN (a.x1, b.x1) - MAX (a.x0, b.x0);
  double h = MIN (a.y1, b.y1) - MAX (a.y0, b.y0);
  double inter = w > 0 && h > 0 ? w * h : 0;
  double uni = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;

  return inter / uni;
}

static QuorumInstance *
stored_box (const char *track,
            guint       frame,
            Rect        r)
{
  g_autofree char *id = g_strdup_printf ("%s-k%u", track, frame);
  QuorumInstance *instance = quorum_instance_new (id, "car", QUORUM_KIND_BOX);
  QuorumPoint points[] = { { r.x0, r.y0 }, { r.x1, r.y1 } };

  quorum_instance_set_points (instance, points, 2);
  instance->frame = frame;
  instance->track_id = g_strdup (track);
  instance->keyframe = TRUE;
  return instance;
}

typedef struct {
  const char *name;
  const char *track;
  double      dx;
  gboolean    far_on_40_60;
} Annotator;

static const Annotator annotators[] = {
  { "ann", "car-a", 0, FALSE },
  { "ben", "car-b", 2, FALSE },
  { "cat", "car-c", 4, TRUE },
};

static gboolean
is_far (const Annotator *who,
        guint            frame)
{
  return who->far_on_40_60 && frame >= FAR_FIRST && frame <= FAR_LAST;
}

/* Keyframes only: where the motion changes, nowhere else. */
static QuorumAnnotationSet *
keyframe_set (const Annotator *who)
{
  QuorumAnnotationSet *set = quorum_annotation_set_new (who->name, &video_file);
  const guint plain[] = { 0, 50, 99 };
  const guint jumps[] = { 0, FAR_FIRST - 1, FAR_FIRST, FAR_LAST, FAR_LAST + 1, 99 };
  const guint *frames = who->far_on_40_60 ? jumps : plain;
  guint n = who->far_on_40_60 ? G_N_ELEMENTS (jumps) : G_N_ELEMENTS (plain);

  for (guint k = 0; k < n; k++)
    quorum_annotation_set_add (set, stored_box (who->track, frames[k],
                                                car_at (who->dx, is_far (who, frames[k]), frames[k])));
  return set;
}

static QuorumAnnotationSet *
expanded_set (const QuorumAnnotationSet *set,
              gboolean                   keep_tracks)
{
  g_autoptr(GPtrArray) expanded = quorum_tracks_expand (set->instances);
  QuorumAnnotationSet *out = quorum_annotation_set_new (set->annotator, &set->file);

  for (guint i = 0; i < expanded->len; i++)
    {
      QuorumInstance *instance = quorum_instance_copy (g_ptr_array_index (expanded, i));

      if (!keep_tracks)
        {
          g_clear_pointer (&instance->track_id, g_free);
          instance->keyframe = TRUE;
        }
      quorum_annotation_set_add (out, instance);
    }
  return out;
}

/* S of one pair on one frame: one box each; matched when IoU ≥ τ. */
static double
expected_pair_on_frame (const Annotator *a,
                        const Annotator *b,
                        guint            frame)
{
  double s = iou (car_at (a->dx, is_far (a, frame), frame), car_at (b->dx, is_far (b, frame), frame));

  return s >= THRESHOLD ? s / 1.0 : 0 / (0 + 0.5 + 0.5);
}

static void
assert_ranges (GArray      *ranges,
               const guint *expected,
               guint        n_expected)
{
  g_assert_cmpuint (ranges->len, ==, n_expected);
  for (guint k = 0; k < n_expected; k++)
    {
      g_assert_cmpuint (g_array_index (ranges, QuorumFrameRange, k).first, ==, expected[2 * k]);
      g_assert_cmpuint (g_array_index (ranges, QuorumFrameRange, k).last, ==, expected[2 * k + 1]);
    }
}

static void
make_sets (QuorumAnnotationSet **sets)
{
  for (guint i = 0; i < 3; i++)
    sets[i] = keyframe_set (&annotators[i]);
}

static void
free_sets (QuorumAnnotationSet **sets)
{
  for (guint i = 0; i < 3; i++)
    quorum_annotation_set_free (sets[i]);
}

static void
test_timeline (void)
{
  QuorumAnnotationSet *sets[3];
  g_autoptr(QuorumVideoAgreement) video = NULL;
  g_autoptr(GArray) low = NULL;
  g_autoptr(JsonObject) frames = NULL;
  g_autoptr(GError) error = NULL;
  double lowest_outside = 1, highest_inside = 0;

  make_sets (sets);
  video = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) sets, 3, THRESHOLD, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (video->n_frames, ==, N_FRAMES);

  for (guint f = 0; f < N_FRAMES; f++)
    {
      double expected = (expected_pair_on_frame (&annotators[0], &annotators[1], f) +
                         expected_pair_on_frame (&annotators[0], &annotators[2], f) +
                         expected_pair_on_frame (&annotators[1], &annotators[2], f)) / 3;

      g_assert_cmpfloat_with_epsilon (video->frame_scores[f], expected, 1e-9);
      if (f >= FAR_FIRST && f <= FAR_LAST)
        highest_inside = MAX (highest_inside, video->frame_scores[f]);
      else
        lowest_outside = MIN (lowest_outside, video->frame_scores[f]);
    }
  /* Lower exactly on 40–60. */
  g_assert_cmpfloat (highest_inside, <, lowest_outside);

  low = quorum_frame_ranges_below (video->frame_scores, video->n_frames, QUORUM_LOW_FRAME_AGREEMENT);
  assert_ranges (low, (const guint[]) { FAR_FIRST, FAR_LAST }, 1);

  frames = quorum_video_agreement_write_frames (video, QUORUM_LOW_FRAME_AGREEMENT);
  {
    JsonArray *ranges = json_object_get_array_member (frames, "low");
    JsonArray *scores = json_object_get_array_member (frames, "scores");

    g_assert_cmpuint (json_array_get_length (scores), ==, N_FRAMES);
    g_assert_cmpuint (json_array_get_length (ranges), ==, 1);
    g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (ranges, 0), 0), ==, FAR_FIRST);
    g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (ranges, 0), 1), ==, FAR_LAST);
  }
  free_sets (sets);
}

/* Pooled over frames: Σ s over matched frames / (M + ½(100 − M) + ½(100 − M)). */
static void
test_pooled (void)
{
  QuorumAnnotationSet *sets[3], *expanded[3], *stripped[3];
  g_autoptr(QuorumVideoAgreement) video = NULL;
  g_autoptr(QuorumVideoAgreement) video_expanded = NULL;
  g_autoptr(QuorumAgreement) plain = NULL;
  g_autoptr(QuorumAgreement) generic = NULL;
  g_autoptr(GError) error = NULL;

  make_sets (sets);
  for (guint i = 0; i < 3; i++)
    {
      expanded[i] = expanded_set (sets[i], TRUE);
      stripped[i] = expanded_set (sets[i], FALSE);
      g_assert_cmpuint (expanded[i]->instances->len, ==, N_FRAMES);
    }
  video = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) sets, 3, THRESHOLD, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    for (guint j = i + 1; j < 3; j++)
      {
        double total = 0;
        guint m = 0;

        for (guint f = 0; f < N_FRAMES; f++)
          {
            double s = iou (car_at (annotators[i].dx, is_far (&annotators[i], f), f),
                            car_at (annotators[j].dx, is_far (&annotators[j], f), f));
            if (s >= THRESHOLD)
              total += s, m++;
          }
        g_assert_cmpfloat_with_epsilon (quorum_agreement_pair (video->agreement, i, j),
                                        total / (m + 0.5 * (N_FRAMES - m) + 0.5 * (N_FRAMES - m)), 1e-12);
        g_assert_cmpuint (video->agreement->pair_matched[i * 3 + j], ==, m);
      }
  g_assert_cmpuint (video->agreement->pair_matched[0 * 3 + 2], ==, N_FRAMES - (FAR_LAST - FAR_FIRST + 1));
  g_assert_cmpuint (video->agreement->best, ==, 1);   /* Ben is closest to both */

  /* Keyframes only and fully expanded: the same, bit for bit. */
  video_expanded = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) expanded, 3,
                                                   THRESHOLD, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 9; k++)
    {
      g_assert_true (video->agreement->pair_scores[k] == video_expanded->agreement->pair_scores[k]);
      g_assert_cmpuint (video->agreement->pair_matched[k], ==, video_expanded->agreement->pair_matched[k]);
    }
  for (guint f = 0; f < N_FRAMES; f++)
    g_assert_true (video->frame_scores[f] == video_expanded->frame_scores[f]);

  /* quorum_agreement_compute expands tracks too. */
  plain = quorum_agreement_compute ((const QuorumAnnotationSet * const *) sets, 3, THRESHOLD, &error);
  g_assert_no_error (error);
  g_assert_true (plain->agreement == video->agreement->agreement);
  for (guint i = 0; i < 3; i++)
    g_assert_true (plain->annotator_scores[i] == video->agreement->annotator_scores[i]);

  /* On any number of threads, the same. */
  for (guint threads = 1; threads <= 4; threads++)
    {
      g_autoptr(QuorumAgreement) threaded =
        _quorum_agreement_compute_threads ((const QuorumAnnotationSet * const *) sets, 3, THRESHOLD, threads, &error);

      g_assert_no_error (error);
      for (guint k = 0; k < 9; k++)
        g_assert_true (threaded->pair_scores[k] == video->agreement->pair_scores[k]);
    }

  /* And the expanded instances as plain per-frame instances, without
   * tracks, through the image matcher: pooled over frames, the same. */
  generic = quorum_agreement_compute ((const QuorumAnnotationSet * const *) stripped, 3, THRESHOLD, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 9; k++)
    {
      g_assert_cmpfloat_with_epsilon (generic->pair_scores[k], video->agreement->pair_scores[k], 1e-12);
      g_assert_cmpuint (generic->pair_matched[k], ==, video->agreement->pair_matched[k]);
    }

  for (guint i = 0; i < 3; i++)
    {
      quorum_annotation_set_free (expanded[i]);
      quorum_annotation_set_free (stripped[i]);
    }
  free_sets (sets);
}

static const QuorumTrackPair *
only_pair (const QuorumVideoAgreement *video,
           guint                       comparison)
{
  const QuorumTrackComparison *c = g_ptr_array_index (video->comparisons, comparison);

  g_assert_cmpuint (c->pairs->len, ==, 1);
  g_assert_cmpuint (c->unmatched_a->len, ==, 0);
  g_assert_cmpuint (c->unmatched_b->len, ==, 0);
  return g_ptr_array_index (c->pairs, 0);
}

static void
test_tracks (void)
{
  QuorumAnnotationSet *sets[3];
  g_autoptr(QuorumVideoAgreement) video = NULL;
  g_autoptr(GError) error = NULL;
  const QuorumTrackPair *pair;

  make_sets (sets);
  video = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) sets, 3, THRESHOLD, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (video->comparisons->len, ==, 3);

  /* Each pair of annotators, its car tracks, with what the boxes say. */
  for (guint c = 0; c < 3; c++)
    {
      const QuorumTrackComparison *comparison = g_ptr_array_index (video->comparisons, c);
      const Annotator *a = &annotators[comparison->a], *b = &annotators[comparison->b];
      g_autoptr(GArray) matched = g_array_new (FALSE, FALSE, sizeof (QuorumFrameRange));
      double total = 0;
      guint n = 0;

      pair = only_pair (video, c);
      g_assert_cmpstr (pair->a, ==, a->track);
      g_assert_cmpstr (pair->b, ==, b->track);
      for (guint f = 0; f < N_FRAMES; f++)
        {
          double s = iou (car_at (a->dx, is_far (a, f), f), car_at (b->dx, is_far (b, f), f));

          if (s >= THRESHOLD)
            total += s, n++;
        }
      g_assert_cmpuint (pair->n_matched, ==, n);
      g_assert_cmpfloat_with_epsilon (pair->mean_similarity, total / n, 1e-12);
      g_assert_cmpuint (pair->only_a->len, ==, 0);
      g_assert_cmpuint (pair->only_b->len, ==, 0);
      if (a->far_on_40_60 || b->far_on_40_60)
        {
          assert_ranges (pair->matched, (const guint[]) { 0, FAR_FIRST - 1, FAR_LAST + 1, N_FRAMES - 1 }, 2);
          assert_ranges (pair->unmatched, (const guint[]) { FAR_FIRST, FAR_LAST }, 1);
        }
      else
        {
          assert_ranges (pair->matched, (const guint[]) { 0, N_FRAMES - 1 }, 1);
          g_assert_cmpuint (pair->unmatched->len, ==, 0);
        }
    }
  free_sets (sets);
}

static QuorumInstance *
untracked_box (const char *id,
               guint       frame,
               Rect        r)
{
  QuorumInstance *instance = stored_box ("x", frame, r);

  g_free (instance->id);
  instance->id = g_strdup (id);
  g_clear_pointer (&instance->track_id, g_free);
  return instance;
}

/* Tracks that start and end apart, a track nobody else has, an instance
 * without a track, and two candidates for one track: the pairing takes the
 * one matched on more frames. */
static void
test_presence (void)
{
  g_autoptr(QuorumAnnotationSet) a = quorum_annotation_set_new ("ann", &video_file);
  g_autoptr(QuorumAnnotationSet) b = quorum_annotation_set_new ("ben", &video_file);
  const QuorumAnnotationSet *sets[2] = { a, b };
  g_autoptr(QuorumVideoAgreement) video = NULL;
  g_autoptr(GError) error = NULL;
  const QuorumTrackComparison *comparison;
  const QuorumTrackPair *pair;
  Rect here = { 100, 100, 200, 200 }, there = { 400, 300, 500, 400 };

  /* t1 on 0–30; u1 on 5–35 in the same place; u2 also there, on 28–32 only. */
  quorum_annotation_set_add (a, stored_box ("t1", 0, here));
  quorum_annotation_set_add (a, stored_box ("t1", 30, here));
  quorum_annotation_set_add (a, stored_box ("t2", 10, there));
  quorum_annotation_set_add (a, stored_box ("t2", 20, there));
  quorum_annotation_set_add (b, stored_box ("u2", 28, here));
  quorum_annotation_set_add (b, stored_box ("u2", 32, here));
  quorum_annotation_set_add (b, stored_box ("u1", 5, here));
  quorum_annotation_set_add (b, stored_box ("u1", 35, here));
  quorum_annotation_set_add (b, stored_box ("u3", 50, there));
  quorum_annotation_set_add (b, stored_box ("u3", 60, there));
  quorum_annotation_set_add (b, untracked_box ("x1", 70, there));

  video = quorum_video_agreement_compute (sets, 2, THRESHOLD, &error);
  g_assert_no_error (error);
  comparison = g_ptr_array_index (video->comparisons, 0);
  g_assert_cmpuint (comparison->pairs->len, ==, 1);
  pair = g_ptr_array_index (comparison->pairs, 0);
  g_assert_cmpstr (pair->a, ==, "t1");
  g_assert_cmpstr (pair->b, ==, "u1");
  g_assert_cmpfloat (pair->mean_similarity, ==, 1.0);
  /* On 28–30 t1 is matched with u1 or u2 (equal boxes): the pairing keeps
   * u1, and the frames where t1 went to u2 are "unmatched" for t1 ~ u1. */
  {
    guint unmatched = 0;

    for (guint k = 0; k < pair->unmatched->len; k++)
      unmatched += g_array_index (pair->unmatched, QuorumFrameRange, k).last -
                   g_array_index (pair->unmatched, QuorumFrameRange, k).first + 1;
    g_assert_cmpuint (pair->n_matched, >=, 23);
    g_assert_cmpuint (pair->n_matched + unmatched, ==, 26);
  }
  assert_ranges (pair->only_a, (const guint[]) { 0, 4 }, 1);
  assert_ranges (pair->only_b, (const guint[]) { 31, 35 }, 1);
  g_assert_cmpuint (comparison->unmatched_a->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (comparison->unmatched_a, 0), ==, "t2");
  g_assert_cmpuint (comparison->unmatched_b->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (comparison->unmatched_b, 0), ==, "u2");
  g_assert_cmpstr (g_ptr_array_index (comparison->unmatched_b, 1), ==, "u3");
  g_assert_cmpstr (g_ptr_array_index (comparison->unmatched_b, 2), ==, "x1");
  g_assert_cmpstr (g_ptr_array_index (video->tracks[1], 3), ==, "x1");

  /* Per frame: frame 2 has t1 alone (S = 0), frame 15 t1 ~ u1 and t2 alone
   * (S = 1 / (1 + ½)), frame 45 nothing (S = 1), frame 70 x1 alone (0). */
  g_assert_cmpfloat_with_epsilon (video->frame_scores[2], 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (video->frame_scores[15], 1 / 1.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (video->frame_scores[45], 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (video->frame_scores[70], 0, 1e-12);
}

/* An outside gap: the track shows nothing there, so the other's object is
 * "only in b" and the frames score 0. */
static void
test_outside (void)
{
  g_autoptr(QuorumAnnotationSet) a = quorum_annotation_set_new ("ann", &video_file);
  g_autoptr(QuorumAnnotationSet) b = quorum_annotation_set_new ("ben", &video_file);
  const QuorumAnnotationSet *sets[2] = { a, b };
  g_autoptr(QuorumVideoAgreement) video = NULL;
  g_autoptr(QuorumAgreement) plain = NULL;
  g_autoptr(GError) error = NULL;
  const QuorumTrackComparison *comparison;
  const QuorumTrackPair *pair;
  Rect here = { 100, 100, 200, 200 };
  QuorumInstance *gone;

  quorum_annotation_set_add (a, stored_box ("t", 0, here));
  gone = stored_box ("t", 10, here);
  gone->outside = TRUE;
  quorum_annotation_set_add (a, gone);
  quorum_annotation_set_add (a, stored_box ("t", 20, here));
  quorum_annotation_set_add (a, stored_box ("t", 30, here));
  quorum_annotation_set_add (b, stored_box ("u", 0, here));
  quorum_annotation_set_add (b, stored_box ("u", 30, here));
  g_assert_true (quorum_tracks_check (a->instances, N_FRAMES, &error));
  g_assert_no_error (error);

  video = quorum_video_agreement_compute (sets, 2, THRESHOLD, &error);
  g_assert_no_error (error);
  comparison = g_ptr_array_index (video->comparisons, 0);
  g_assert_cmpuint (comparison->pairs->len, ==, 1);
  pair = g_ptr_array_index (comparison->pairs, 0);
  g_assert_cmpuint (pair->n_matched, ==, 21);
  assert_ranges (pair->matched, (const guint[]) { 0, 9, 20, 30 }, 2);
  assert_ranges (pair->only_b, (const guint[]) { 10, 19 }, 1);
  g_assert_cmpuint (pair->only_a->len, ==, 0);
  g_assert_cmpuint (pair->unmatched->len, ==, 0);
  g_assert_cmpfloat (video->frame_scores[5], ==, 1);
  g_assert_cmpfloat (video->frame_scores[15], ==, 0);
  g_assert_cmpfloat (video->frame_scores[50], ==, 1);
  /* 21 matched of 21 and 31 instances: S = 21 / (21 + ½ · 10) */
  g_assert_cmpuint (video->agreement->pair_matched[1], ==, 21);
  g_assert_cmpfloat_with_epsilon (quorum_agreement_pair (video->agreement, 0, 1), 21 / (21 + 0.5 * 10), 1e-12);
  plain = quorum_agreement_compute (sets, 2, THRESHOLD, &error);
  g_assert_true (plain->agreement == video->agreement->agreement);
}

static QuorumInstance *
stored_shape (const char        *track,
              const char        *label,
              QuorumKind         kind,
              guint              frame,
              const QuorumPoint *points,
              guint              n_points)
{
  g_autofree char *id = g_strdup_printf ("%s-k%u", track, frame);
  QuorumInstance *instance = quorum_instance_new (id, label, kind);

  quorum_instance_set_points (instance, points, n_points);
  instance->frame = frame;
  instance->track_id = g_strdup (track);
  return instance;
}

/* Two annotators, tracks of every kind (a polygon whose vertex count
 * changes, a point, a polyline, a tag whose attributes change) and an
 * untracked box: the pooled scores equal the image matcher's on the
 * expanded instances, and each frame's score equals the image matcher's on
 * that frame's instances alone. */
static void
test_kinds (void)
{
  const QuorumFileInfo file = { 640, 480, 12, 30 };
  QuorumAnnotationSet *sets[2];
  QuorumAnnotationSet *stripped[2];
  g_autoptr(QuorumVideoAgreement) video = NULL;
  g_autoptr(QuorumAgreement) generic = NULL;
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < 2; k++)
    {
      double d = 3.0 * k;
      QuorumPoint square[] = { { 10 + d, 10 }, { 110 + d, 10 }, { 110 + d, 110 }, { 10 + d, 110 } };
      QuorumPoint hexagon[] = { { 60, 5 }, { 120, 40 }, { 120, 100 }, { 60, 135 }, { 0, 100 }, { 0, 40 } };
      QuorumPoint dot[] = { { 300 + d, 300 } };
      QuorumPoint dot2[] = { { 340, 320 + d } };
      QuorumPoint line[] = { { 400, 10 }, { 450, 60 + d }, { 500, 10 } };
      QuorumPoint line2[] = { { 400 + d, 30 }, { 500, 30 } };
      QuorumPoint box[] = { { 200, 200 }, { 260 + 2 * d, 240 } };
      QuorumInstance *tag_a = stored_shape ("weather", "weather", QUORUM_KIND_TAG, 0, NULL, 0);
      QuorumInstance *tag_b = stored_shape ("weather", "weather", QUORUM_KIND_TAG, 6, NULL, 0);
      QuorumInstance *single = quorum_instance_new ("single", "car", QUORUM_KIND_BOX);

      sets[k] = quorum_annotation_set_new (k == 0 ? "ann" : "ben", &file);
      quorum_annotation_set_add (sets[k], stored_shape ("lane", "lane", QUORUM_KIND_POLYGON, 0, square, 4));
      quorum_annotation_set_add (sets[k], stored_shape ("lane", "lane", QUORUM_KIND_POLYGON, 9 + k, hexagon, 6));
      quorum_annotation_set_add (sets[k], stored_shape ("head", "head", QUORUM_KIND_POINT, 1, dot, 1));
      quorum_annotation_set_add (sets[k], stored_shape ("head", "head", QUORUM_KIND_POINT, 8, dot2, 1));
      quorum_annotation_set_add (sets[k], stored_shape ("edge", "edge", QUORUM_KIND_POLYLINE, 2, line, 3));
      quorum_annotation_set_add (sets[k], stored_shape ("edge", "edge", QUORUM_KIND_POLYLINE, 11, line2, 2));
      json_object_set_boolean_member (tag_a->attributes, "rain", TRUE);
      json_object_set_boolean_member (tag_b->attributes, "rain", k == 0);
      quorum_annotation_set_add (sets[k], tag_a);
      quorum_annotation_set_add (sets[k], tag_b);
      quorum_instance_set_points (single, box, 2);
      single->frame = 4;
      quorum_annotation_set_add (sets[k], single);
      stripped[k] = expanded_set (sets[k], FALSE);
    }

  video = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) sets, 2, THRESHOLD, &error);
  g_assert_no_error (error);
  generic = quorum_agreement_compute ((const QuorumAnnotationSet * const *) stripped, 2, THRESHOLD, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (video->agreement->pair_matched[1], ==, generic->pair_matched[1]);
  g_assert_cmpuint (video->agreement->pair_matched[0], ==, stripped[0]->instances->len);
  g_assert_cmpfloat_with_epsilon (video->agreement->pair_scores[1], generic->pair_scores[1], 1e-12);
  g_assert_cmpfloat (video->agreement->pair_scores[1], <, 1);

  for (guint f = 0; f < file.frames; f++)
    {
      g_autoptr(QuorumAnnotationSet) a = quorum_annotation_set_new ("ann", &file);
      g_autoptr(QuorumAnnotationSet) b = quorum_annotation_set_new ("ben", &file);
      const QuorumAnnotationSet *on_frame[2] = { a, b };
      g_autoptr(QuorumAgreement) frame = NULL;

      for (guint k = 0; k < 2; k++)
        for (guint i = 0; i < stripped[k]->instances->len; i++)
          {
            const QuorumInstance *instance = g_ptr_array_index (stripped[k]->instances, i);

            if (instance->frame == f)
              quorum_annotation_set_add (k == 0 ? a : b, quorum_instance_copy (instance));
          }
      frame = quorum_agreement_compute (on_frame, 2, THRESHOLD, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (video->frame_scores[f], quorum_agreement_pair (frame, 0, 1), 1e-12);
    }
  /* The tag's attributes differ from frame 6 on: the frames score lower. */
  g_assert_cmpfloat (video->frame_scores[7], <, video->frame_scores[5]);

  for (guint k = 0; k < 2; k++)
    {
      quorum_annotation_set_free (sets[k]);
      quorum_annotation_set_free (stripped[k]);
    }
}

/* Exams on video: the candidate's tracks are rated, the gold's tracks
 * missed are suggested as Missing. */
static void
test_exam (void)
{
  g_autoptr(QuorumAnnotationSet) gold = keyframe_set (&annotators[0]);
  g_autoptr(QuorumAnnotationSet) candidate = keyframe_set (&annotators[2]);
  g_autoptr(QuorumExamScore) score = NULL;
  const QuorumAnnotationSet *sets[2];
  g_autoptr(QuorumAgreement) agreement = NULL;
  double total = 0;
  guint n = 0;

  quorum_annotation_set_add (gold, stored_box ("bike", 10, (Rect) { 500, 10, 540, 40 }));
  quorum_annotation_set_add (gold, stored_box ("bike", 20, (Rect) { 520, 10, 560, 40 }));
  quorum_annotation_set_add (candidate, stored_box ("ghost", 80, (Rect) { 0, 400, 20, 420 }));
  score = quorum_exam_score (candidate, gold, THRESHOLD);

  g_assert_true (score->by_track);
  g_assert_cmpuint (score->n_candidate, ==, 2);
  g_assert_cmpuint (score->n_gold, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (score->candidate_ids, 0), ==, "car-c");
  g_assert_cmpstr (g_ptr_array_index (score->candidate_ids, 1), ==, "ghost");
  g_assert_cmpstr (g_ptr_array_index (score->gold_ids, 0), ==, "car-a");
  g_assert_cmpstr (g_ptr_array_index (score->gold_ids, 1), ==, "bike");
  for (guint f = 0; f < N_FRAMES; f++)
    {
      double s = iou (car_at (4, is_far (&annotators[2], f), f), car_at (0, FALSE, f));

      if (s >= THRESHOLD)
        total += s, n++;
    }
  /* 56/64 = 0.875 → 4 stars */
  g_assert_cmpuint (score->stars[0], ==, quorum_exam_stars_for (total / n));
  g_assert_cmpuint (score->stars[0], ==, 4);
  g_assert_cmpuint (score->stars[1], ==, 1);
  g_assert_false (score->missing[0]);
  g_assert_true (score->missing[1]);

  sets[0] = candidate, sets[1] = gold;
  agreement = quorum_agreement_compute (sets, 2, THRESHOLD, NULL);
  g_assert_true (score->gold_score == quorum_agreement_pair (agreement, 0, 1));
  /* 100 + 11 gold, 100 + 1 candidate, n matched */
  g_assert_cmpfloat_with_epsilon (score->gold_score, total / (n + 0.5 * (111 - n) + 0.5 * (101 - n)), 1e-12);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/video-agreement/timeline", test_timeline);
  g_test_add_func ("/video-agreement/pooled", test_pooled);
  g_test_add_func ("/video-agreement/tracks", test_tracks);
  g_test_add_func ("/video-agreement/presence", test_presence);
  g_test_add_func ("/video-agreement/outside", test_outside);
  g_test_add_func ("/video-agreement/kinds", test_kinds);
  g_test_add_func ("/video-agreement/exam", test_exam);
  return g_test_run ();
}
