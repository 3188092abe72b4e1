/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-canvas.h"
#include "quorum-image-pyramid.h"
#include "quorum-overlay.h"

G_BEGIN_DECLS

/* What the canvas's event controllers call, in widget coordinates; tests
 * drive the canvas through these. */
gboolean       _quorum_canvas_drag_begin     (QuorumCanvas    *self,
                                              guint            button,
                                              GdkModifierType  state,
                                              double           x,
                                              double           y);
void           _quorum_canvas_drag_update    (QuorumCanvas    *self,
                                              double           x,
                                              double           y);
void           _quorum_canvas_drag_end       (QuorumCanvas    *self,
                                              double           x,
                                              double           y);
void           _quorum_canvas_click          (QuorumCanvas    *self,
                                              guint            button,
                                              int              n_press,
                                              GdkModifierType  state,
                                              double           x,
                                              double           y);
void           _quorum_canvas_pointer_motion (QuorumCanvas    *self,
                                              double           x,
                                              double           y);
gboolean       _quorum_canvas_key_pressed    (QuorumCanvas    *self,
                                              guint            keyval,
                                              GdkModifierType  state);
void           _quorum_canvas_key_released   (QuorumCanvas    *self,
                                              guint            keyval,
                                              GdkModifierType  state);
gboolean       _quorum_canvas_scroll         (QuorumCanvas    *self,
                                              double           dx,
                                              double           dy,
                                              GdkScrollUnit    unit,
                                              GdkModifierType  state);
QuorumOverlay *_quorum_canvas_get_overlay    (QuorumCanvas    *self);
gboolean       _quorum_canvas_is_drafting    (QuorumCanvas    *self);
guint          _quorum_canvas_get_frame_count (QuorumCanvas   *self);
/* The tiled image drawn, if any. */
QuorumTiledImage *_quorum_canvas_get_tiles   (QuorumCanvas   *self);
/* The image and its smaller levels, when it is drawn from one texture. */
QuorumImagePyramid *_quorum_canvas_get_pyramid (QuorumCanvas *self);

G_END_DECLS
