/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-canvas.h"
#include "quorum-track.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_TRACK_EDITOR (quorum_track_editor_get_type ())

G_DECLARE_FINAL_TYPE (QuorumTrackEditor, quorum_track_editor, QUORUM, TRACK_EDITOR, GObject)

/*
 * A video task's instances, edited one frame at a time on the canvas
 * (docs/video-annotation.md). The editor keeps what the task stores (each
 * track's keyframes and proposals, untracked instances) and shows the
 * canvas what the current frame holds, interpolated where no anchor is.
 * An edit on the canvas comes back through quorum_track_editor_commit():
 * a moved or reshaped instance becomes a keyframe of its track on this
 * frame, a new one starts a track (or continues the current track where
 * that track is absent), a deleted one removes its whole track.
 *
 * ::changed is emitted after every change to what the task stores,
 * ::frame-changed when the canvas is given a frame's instances again (another
 * frame, a track shown or hidden, a track-wide edit).
 */
QuorumTrackEditor      *quorum_track_editor_new           (QuorumCanvas      *canvas);

void                    quorum_track_editor_set_instances (QuorumTrackEditor *self,
                                                           GPtrArray         *instances,
                                                           guint              n_frames);
/* Whether a video's instances are being edited (set with frames). */
gboolean                quorum_track_editor_is_active     (QuorumTrackEditor *self);
/* Puts @instances in place of what is stored, keeping the frame, the hidden
 * tracks and the current track: a server's answer, not an edit. */
void                    quorum_track_editor_replace       (QuorumTrackEditor *self,
                                                           GPtrArray         *instances);
/* (transfer container): what the task stores, the set to save */
GPtrArray              *quorum_track_editor_get_instances (QuorumTrackEditor *self);
const QuorumTrackIndex *quorum_track_editor_get_index     (QuorumTrackEditor *self);

guint                   quorum_track_editor_get_frame     (QuorumTrackEditor *self);
void                    quorum_track_editor_set_frame     (QuorumTrackEditor *self,
                                                           guint              frame);
/* Folds the canvas's edits of this frame into the stored set; TRUE when
 * the set changed. */
gboolean                quorum_track_editor_commit        (QuorumTrackEditor *self);

/* The track drawing continues on a frame where it is absent: the selected
 * one, kept when the frame changes. NULL to start a new track. */
const char             *quorum_track_editor_get_current_track (QuorumTrackEditor *self);
void                    quorum_track_editor_set_current_track (QuorumTrackEditor *self,
                                                               const char        *track_id);
/* The selected instance's track, else the current track. */
const char             *quorum_track_editor_get_selected_track (QuorumTrackEditor *self);
/* Makes @track_id current and selects it on the canvas when this frame shows it. */
void                    quorum_track_editor_select_track  (QuorumTrackEditor *self,
                                                           const char        *track_id);
/* What the current frame shows of @track_id. */
QuorumTrackState        quorum_track_editor_get_state     (QuorumTrackEditor *self,
                                                           const char        *track_id);

gboolean                quorum_track_editor_get_track_visible (QuorumTrackEditor *self,
                                                               const char        *track_id);
void                    quorum_track_editor_set_track_visible (QuorumTrackEditor *self,
                                                               const char        *track_id,
                                                               gboolean           visible);

/* Track-wide edits on the current frame. Each returns the stored set from
 * before (for Undo: quorum_track_editor_replace()), or NULL with @error
 * saying why nothing changed. */
GPtrArray              *quorum_track_editor_end_track     (QuorumTrackEditor *self,
                                                           const char        *track_id,
                                                           GError           **error);
GPtrArray              *quorum_track_editor_split_track   (QuorumTrackEditor *self,
                                                           const char        *track_id,
                                                           GError           **error);
GPtrArray              *quorum_track_editor_merge_tracks  (QuorumTrackEditor *self,
                                                           const char        *into_id,
                                                           const char        *from_id,
                                                           GError           **error);
/* Marks the track occluded on this frame, or in view again (@occluded says
 * which): a keyframe with the shape the frame shows. */
GPtrArray              *quorum_track_editor_toggle_occluded (QuorumTrackEditor *self,
                                                           const char        *track_id,
                                                           gboolean          *occluded,
                                                           GError           **error);
GPtrArray              *quorum_track_editor_remove_track  (QuorumTrackEditor *self,
                                                           const char        *track_id);
/* A tracker's boxes for @track_id (a box track) on @frames, stored as
 * proposals (keyframe FALSE) in order until a frame where the track has a
 * keyframe, which no proposal replaces. NULL when none was added. */
GPtrArray              *quorum_track_editor_add_proposals (QuorumTrackEditor *self,
                                                           const char        *track_id,
                                                           const guint       *frames,
                                                           const QuorumRect  *boxes,
                                                           guint              n_boxes,
                                                           guint             *n_added);

/* The frames holding a stored instance, ascending, for the timeline. */
GArray                 *quorum_track_editor_get_marks     (QuorumTrackEditor *self);

G_END_DECLS
