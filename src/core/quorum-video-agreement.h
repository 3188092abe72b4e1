/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "quorum-agreement.h"

G_BEGIN_DECLS

/*
 * Agreement on video (docs/video-annotation.md, "Agreement on video").
 *
 * Sets are compared on every frame their tracks show, interpolated frames
 * included, pooled over frames as DESIGN §4 says; a set that stores only
 * keyframes scores exactly as the same set stored fully expanded. Beyond the
 * pooled scores: the agreement of each frame, and for each pair of sets a
 * pairing of their tracks over time. An instance without a track_id counts
 * as a track of one frame, named by the instance's id.
 */

/* Frames below this agreement are marked on the disagreement timeline. */
#define QUORUM_LOW_FRAME_AGREEMENT 0.5

/* Frames first … last, both included. */
typedef struct {
  guint first;
  guint last;
} QuorumFrameRange;

/**
 * QuorumTrackPair:
 * @a: (not nullable): the track of set a (for an untracked instance, its id)
 * @b: (not nullable): the track of set b paired with it
 * @n_matched: the frames where both are present and matched with each other
 * @mean_similarity: the mean s on those frames
 * @matched: of #QuorumFrameRange, those frames
 * @unmatched: both present, not matched with each other
 * @only_a: @a present, @b absent
 * @only_b: @b present, @a absent
 */
typedef struct {
  char   *a;
  char   *b;
  guint   n_matched;
  double  mean_similarity;
  GArray *matched;
  GArray *unmatched;
  GArray *only_a;
  GArray *only_b;
} QuorumTrackPair;

/**
 * QuorumTrackComparison:
 * @a: the index of one set
 * @b: the index of the other, @a < @b
 * @pairs: of #QuorumTrackPair, in the order of @a's tracks
 * @unmatched_a: (element-type utf8): @a's tracks paired with none of @b's
 * @unmatched_b: (element-type utf8): @b's tracks paired with none of @a's
 */
typedef struct {
  guint      a;
  guint      b;
  GPtrArray *pairs;
  GPtrArray *unmatched_a;
  GPtrArray *unmatched_b;
} QuorumTrackComparison;

/**
 * QuorumVideoAgreement:
 * @agreement: the pooled scores, as quorum_agreement_compute() gives them
 * @n_sets: the number of sets compared
 * @n_frames: the file's frames (at least one past the last frame used)
 * @frame_scores: @n_frames values: each frame's S, the mean over pairs of sets
 * @tracks: n_sets arrays (element-type utf8) of each set's track names, in
 *   the order of each track's first frame, untracked instances last
 * @comparisons: of #QuorumTrackComparison, pairs (0, 1), (0, 2) … (1, 2) …
 */
typedef struct {
  QuorumAgreement  *agreement;
  guint             n_sets;
  guint             n_frames;
  double           *frame_scores;
  GPtrArray       **tracks;
  GPtrArray        *comparisons;
} QuorumVideoAgreement;

QuorumVideoAgreement *quorum_video_agreement_compute (const QuorumAnnotationSet * const *sets,
                                                      guint                              n_sets,
                                                      double                             threshold,
                                                      GError                           **error);
void                  quorum_video_agreement_free    (QuorumVideoAgreement              *video);

/* The runs of consecutive frames whose score is below @below, ascending. */
GArray               *quorum_frame_ranges_below      (const double                      *scores,
                                                      guint                              n_scores,
                                                      double                             below);

/* {"scores": [S of each frame], "below": @below, "low": [[first, last], …]}:
 * the disagreement timeline, frames below @below in runs. */
JsonObject           *quorum_video_agreement_write_frames (const QuorumVideoAgreement *video,
                                                           double                      below);

/* [{"a", "b", "pairs": [{"a", "b", "frames_matched", "mean_similarity",
 * "matched", "unmatched", "only_a", "only_b"}], "unmatched_a", "unmatched_b"}]
 * with frame ranges as [first, last]; the outer "a" and "b" are copies of
 * @set_names (one per set). */
JsonArray            *quorum_video_agreement_write_tracks (const QuorumVideoAgreement *video,
                                                           JsonNode * const           *set_names);

/* Whether @sets are compared as a video: a file of more than one frame, or
 * instances with a track. */
gboolean              quorum_annotation_sets_are_video (const QuorumAnnotationSet * const *sets,
                                                        guint                              n_sets);

/* The agreement report of `quorumctl agreement --json` and of
 * libquorum-client's quorum_agreement_of_files(): {"pairs": [{"a", "b",
 * "score", "matched"}], "annotators": {NAME: SCORE}, "agreement", "best"},
 * with @names one per set; with @video (nullable) also "frames" (frames
 * below @below) and "tracks". */
JsonNode             *quorum_agreement_write_report (const char * const          *names,
                                                     const QuorumAgreement       *agreement,
                                                     const QuorumVideoAgreement  *video,
                                                     double                       below);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumVideoAgreement, quorum_video_agreement_free)

G_END_DECLS
