/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * The decoded frames of one video around the one shown, within a memory
 * limit, and the frames being decoded for it. Stepping keeps what the
 * decoder passed on its way (a step back is then a hit); the frames ahead
 * in the direction of travel are wanted first; a jump cancels the
 * requests that no longer lead anywhere near the new frame. Used from the
 * main thread only.
 */
typedef struct _QuorumFrameCache QuorumFrameCache;

QuorumFrameCache *quorum_frame_cache_new           (guint64           limit);
void              quorum_frame_cache_free          (QuorumFrameCache *cache);

void              quorum_frame_cache_set_limit     (QuorumFrameCache *cache,
                                                    guint64           limit);
guint64           quorum_frame_cache_get_limit     (QuorumFrameCache *cache);
/* Bytes of pixels held now, and the most held at once. */
guint64           quorum_frame_cache_get_size      (QuorumFrameCache *cache);
guint64           quorum_frame_cache_get_peak      (QuorumFrameCache *cache);
guint             quorum_frame_cache_get_n_frames  (QuorumFrameCache *cache);

/* Moves to @frame: sets the direction of travel (+1 forward, -1 back) from
 * the frame before, and, on a jump, cancels the pending requests for frames
 * that are no longer wanted. Frames past the limit are dropped, the
 * farthest from @frame first, those behind the direction of travel before
 * those ahead. */
void              quorum_frame_cache_set_current   (QuorumFrameCache *cache,
                                                    guint             frame);
guint             quorum_frame_cache_get_current   (QuorumFrameCache *cache);
int               quorum_frame_cache_get_direction (QuorumFrameCache *cache);

/* Keeps @texture as @frame, unless the cache is full of frames nearer the
 * current one: FALSE then. */
gboolean          quorum_frame_cache_insert        (QuorumFrameCache *cache,
                                                    guint             frame,
                                                    GdkTexture       *texture);
/* (transfer none) (nullable) */
GdkTexture       *quorum_frame_cache_lookup        (QuorumFrameCache *cache,
                                                    guint             frame);

/* The frame to decode next of @n_frames: the current one if missing, else
 * the nearest missing one ahead in the direction of travel, as far as the
 * limit allows; FALSE when nothing is wanted. Frames
 * being decoded are not wanted again. */
gboolean          quorum_frame_cache_next_wanted   (QuorumFrameCache *cache,
                                                    guint             n_frames,
                                                    guint            *frame);
/* A request for @frame begins: (transfer full) its cancellable, cancelled
 * when a jump leaves @frame behind. quorum_frame_cache_end() when done. */
GCancellable     *quorum_frame_cache_begin         (QuorumFrameCache *cache,
                                                    guint             frame);
void              quorum_frame_cache_end           (QuorumFrameCache *cache,
                                                    guint             frame);
gboolean          quorum_frame_cache_is_pending    (QuorumFrameCache *cache,
                                                    guint             frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumFrameCache, quorum_frame_cache_free)

G_END_DECLS
