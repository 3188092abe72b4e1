/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-box-tracker.h"

G_BEGIN_DECLS

/*
 * The OpenCV side of the box tracker, frame by frame, in C: the one C++
 * file (quorum-box-tracker.cpp) is behind these. The public API is CSRT;
 * the others are here for bench/box-tracker, which compares them.
 */

typedef enum {
  QUORUM_BOX_TRACKER_CSRT,  /* opencv_contrib's tracking module */
  QUORUM_BOX_TRACKER_KCF,   /* opencv_contrib's tracking module */
  QUORUM_BOX_TRACKER_MIL,   /* OpenCV's video module */
} QuorumBoxTrackerKind;

const char *_quorum_box_tracker_kind_to_string (QuorumBoxTrackerKind kind);

/* Used by one thread at a time. */
typedef struct _QuorumBoxTracker QuorumBoxTracker;

QuorumBoxTracker *_quorum_box_tracker_new    (QuorumBoxTrackerKind  kind,
                                              GError              **error);
/* Learns the object in @box (whole pixels, inside the picture) on a BGRA
 * frame of @width × @height with @stride bytes per row. */
gboolean          _quorum_box_tracker_init   (QuorumBoxTracker     *tracker,
                                              const guint8         *pixels,
                                              int                   width,
                                              int                   height,
                                              int                   stride,
                                              const QuorumRect     *box,
                                              GError              **error);
/* Finds the object on the next frame: TRUE with @found set when the
 * tracker has it (@found may reach out of the picture), FALSE with
 * @error unset when the tracker says it lost it, FALSE with @error set
 * when OpenCV fails. */
gboolean          _quorum_box_tracker_update (QuorumBoxTracker     *tracker,
                                              const guint8         *pixels,
                                              int                   width,
                                              int                   height,
                                              int                   stride,
                                              QuorumRect           *found,
                                              GError              **error);
void              _quorum_box_tracker_free   (QuorumBoxTracker     *tracker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumBoxTracker, _quorum_box_tracker_free)

G_END_DECLS
