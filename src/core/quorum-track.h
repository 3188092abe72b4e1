/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-model.h"

G_BEGIN_DECLS

/*
 * Video tracks (docs/video-annotation.md).
 *
 * A track is the instances of one annotation set that share a track_id: one
 * object over time. What a set stores of a track are its *stored* instances,
 * at most one per frame, all of one label and kind:
 *   - keyframes (instance->keyframe TRUE): what the annotator drew or edited;
 *   - proposals (keyframe FALSE): what a tracker proposed; shown as they are,
 *     replaced by any edit, never replacing a keyframe.
 * Both anchor the interpolation. A track is present from its first stored
 * frame to its last; a stored instance with outside TRUE hides it from that
 * frame until the next stored instance, which resumes it. Between two
 * anchors a (frame fa, not outside) and b (frame fb), frame f shows a
 * interpolated at t = (f − fa) / (fb − fa):
 *   - box: each of min x, min y, max x, max y linearly;
 *   - point: linearly;
 *   - polygon, polyline: vertex by vertex when the counts are equal; else both
 *     resampled to the larger count, equally spaced along their length
 *     (a polygon's ring closed, its start rotated to the nearest vertex of a's
 *     ring and its direction made a's), then vertex by vertex;
 *   - tag: a's, unchanged.
 * Label, kind, attributes and occluded come from a (they change at an
 * anchor, not in between). An instance with no track_id is on its frame only.
 */

typedef enum {
  QUORUM_TRACK_ABSENT,        /* before, after, or in an outside gap */
  QUORUM_TRACK_KEYFRAME,      /* a stored keyframe */
  QUORUM_TRACK_PROPOSED,      /* a stored tracker proposal */
  QUORUM_TRACK_INTERPOLATED,  /* between two anchors */
} QuorumTrackState;

/**
 * QuorumTrack:
 * @id: the track_id
 * @stored: (element-type QuorumInstance): borrowed from the set, ascending frames
 * @first: the first stored frame
 * @last: the last stored frame (the track ends there, shown or outside)
 * @n_keyframes: how many stored instances are keyframes
 */
typedef struct {
  const char  *id;
  const char  *label;
  QuorumKind   kind;
  GPtrArray   *stored;
  guint        first;
  guint        last;
  guint        n_keyframes;
} QuorumTrack;

typedef struct _QuorumTrackIndex QuorumTrackIndex;

/* Checks the rules above (one stored instance per track and frame, one label
 * and kind per track, keyframe FALSE and outside TRUE only with a track_id,
 * frames below n_frames) and names the instance and field that breaks one:
 * "instances[7].frame: track 3f2… already has an instance on frame 12". */
gboolean quorum_tracks_check (GPtrArray  *instances,
                              guint       n_frames,
                              GError    **error);

/* Groups @instances (kept referenced, not copied: do not change the array
 * while the index lives) by track, in order of each track's first frame. */
QuorumTrackIndex  *quorum_track_index_new       (GPtrArray              *instances);
void               quorum_track_index_free      (QuorumTrackIndex       *index);
guint              quorum_track_index_get_n_tracks (const QuorumTrackIndex *index);
const QuorumTrack *quorum_track_index_get_track (const QuorumTrackIndex *index,
                                                 guint                   position);
const QuorumTrack *quorum_track_index_find      (const QuorumTrackIndex *index,
                                                 const char             *track_id);

/* What @track shows on @frame; @a and @b (nullable) get the anchors around
 * it (for a stored state both are that instance), @t the position between. */
QuorumTrackState quorum_track_state_at (const QuorumTrack     *track,
                                        guint                  frame,
                                        const QuorumInstance **a,
                                        const QuorumInstance **b,
                                        double                *t);

/* The geometry alone, into @points (resized, of QuorumPoint), with no
 * allocation once @points is large enough (but for a cache of resampled
 * spans, once per thread): the fast path for drawing and benchmarks.
 * FALSE when the track is absent on @frame. */
gboolean quorum_track_points_at (const QuorumTrack *track,
                                 guint              frame,
                                 GArray            *points);

/* A new instance: the stored one (a copy), or an interpolated one with
 * keyframe FALSE, frame @frame, the track's id and label, and the id
 * "TRACKID@FRAME"; NULL when absent. */
QuorumInstance *quorum_track_instance_at (const QuorumTrack *track,
                                          guint              frame);

/* Everything shown on @frame: each present track's instance and the untracked
 * instances of that frame, new copies, tracks in index order first. */
GPtrArray *quorum_tracks_at_frame (const QuorumTrackIndex *index,
                                   GPtrArray              *instances,
                                   guint                   frame);

/* Every frame's instances, interpolated ones included (what COCO export and
 * agreement read), ascending frames; untracked instances as they are. */
GPtrArray *quorum_tracks_expand (GPtrArray *instances);

/* Resamples a line (@closed: a ring) to @m points equally spaced along its
 * length, starting at its first vertex. @out holds @m points. */
void quorum_points_resample (const QuorumPoint *points,
                             guint              n_points,
                             gboolean           closed,
                             guint              m,
                             QuorumPoint       *out);

/* ---- edits: each returns a new array (instances copied), the input untouched */

/* Makes @shape (its track_id and frame set) the keyframe of its track on its
 * frame, replacing whatever was stored there; keyframe TRUE, outside FALSE.
 * An interpolated shape's id ("TRACKID@FRAME"), or an id another instance
 * has, becomes the replaced instance's id, or a new UUID. */
GPtrArray *quorum_tracks_set_keyframe (GPtrArray            *instances,
                                       const QuorumInstance *shape);

/* Ends @track_id on @frame: stores an outside instance there (a copy of the
 * shape the track shows on @frame, or of its last one after its end). Stored
 * instances on later frames stay: the first of them resumes the track. */
GPtrArray *quorum_tracks_set_outside  (GPtrArray   *instances,
                                       const char  *track_id,
                                       guint        frame,
                                       GError     **error);

/* Frames ≥ @frame of @track_id become @new_track_id; the shape shown on
 * @frame becomes the new track's first keyframe and, when the old track was
 * interpolated on @frame − 1, that shape becomes its last keyframe. */
GPtrArray *quorum_tracks_split        (GPtrArray   *instances,
                                       const char  *track_id,
                                       guint        frame,
                                       const char  *new_track_id,
                                       GError     **error);

/* @from_id's stored instances join @into_id (label and kind must be equal,
 * no frame stored in both). */
GPtrArray *quorum_tracks_merge        (GPtrArray   *instances,
                                       const char  *into_id,
                                       const char  *from_id,
                                       GError     **error);

/* Drops every stored instance of @track_id. */
GPtrArray *quorum_tracks_remove       (GPtrArray   *instances,
                                       const char  *track_id);

G_END_DECLS
