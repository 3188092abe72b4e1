/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-video-source.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_TIMELINE (quorum_timeline_get_type ())

G_DECLARE_FINAL_TYPE (QuorumTimeline, quorum_timeline, QUORUM, TIMELINE, GtkWidget)

/*
 * A video's navigation: first, previous, play, next and last buttons, a
 * scale over the frames with a mark where a frame holds instances and a
 * thumbnail on hover, the frame number and time (a click goes to a frame),
 * and the keys for all of these, active in the whole window while the
 * timeline has a source.
 */
GtkWidget         *quorum_timeline_new        (void);
QuorumVideoSource *quorum_timeline_get_source (QuorumTimeline    *self);
void               quorum_timeline_set_source (QuorumTimeline    *self,
                                               QuorumVideoSource *source);
/* Marks @frames (@n_frames of them, in any order, repeats allowed). */
void               quorum_timeline_set_marks  (QuorumTimeline    *self,
                                               const guint       *frames,
                                               guint              n_frames);
guint              quorum_timeline_get_n_marks (QuorumTimeline   *self);
void               quorum_timeline_set_low_ranges (QuorumTimeline *self,
                                                   const guint    *ranges,
                                                   guint           n_ranges);
guint              quorum_timeline_get_n_low_ranges (QuorumTimeline *self);
/* The text showing the frame number and time, as the user reads it. */
const char        *quorum_timeline_get_position_text (QuorumTimeline *self);

G_END_DECLS
