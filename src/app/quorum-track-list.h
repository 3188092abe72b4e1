/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-canvas.h"
#include "quorum-model.h"
#include "quorum-video-task.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_TRACK_LIST (quorum_track_list_get_type ())

G_DECLARE_FINAL_TYPE (QuorumTrackList, quorum_track_list, QUORUM, TRACK_LIST, GtkWidget)

/*
 * The tracks of the open video task, in the side panel: each one's label,
 * frames and keyframes and what this frame shows of it, with show or hide,
 * select (going to a frame that holds it), split, end, merge and delete.
 * Its "track" actions work on the selected track, with keys listed once in
 * the shortcuts window ("Tracks").
 *
 * ::undoable (message, before) follows every track-wide edit: the window
 * shows @message with Undo, which gives @before (the stored set from before
 * the edit) back to the task's track editor.
 */
GtkWidget *quorum_track_list_new        (void);
void       quorum_track_list_set_task   (QuorumTrackList       *self,
                                         QuorumVideoTask       *task,
                                         QuorumCanvas          *canvas);
void       quorum_track_list_set_schema (QuorumTrackList       *self,
                                         const QuorumLabelSchema *schema);
guint      quorum_track_list_get_n_rows (QuorumTrackList       *self);
void       quorum_track_list_add_shortcuts (QuorumTrackList    *self,
                                         GtkWidget             *window);

G_END_DECLS
