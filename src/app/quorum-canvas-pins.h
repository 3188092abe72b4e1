/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "quorum-canvas.h"

G_BEGIN_DECLS

/*
 * Review comments pinned to a point of the image, drawn over the canvas as
 * numbered pins. They are read-only, like the layers, and go with them
 * (quorum_canvas_clear_layers). One pin is highlighted at most: the comment
 * chosen in the list, the view centred on it.
 */

/* Adds a pin at @x, @y (image pixels) marked @number; returns its index. */
guint    quorum_canvas_add_pin             (QuorumCanvas *self,
                                            double        x,
                                            double        y,
                                            guint         number);
void     quorum_canvas_clear_pins          (QuorumCanvas *self);
guint    quorum_canvas_get_n_pins          (QuorumCanvas *self);
/* The pin at @index: where it is, in image pixels. */
gboolean quorum_canvas_get_pin             (QuorumCanvas *self,
                                            guint         index,
                                            double       *x,
                                            double       *y);
/* Highlights the pin at @index (-1: none) and centres the view on it. */
void     quorum_canvas_highlight_pin       (QuorumCanvas *self,
                                            int           index);
int      quorum_canvas_get_highlighted_pin (QuorumCanvas *self);

/* The review comments @comments (GET /tasks/{id} "review_comments"), listed
 * in @rows (an AdwActionRow each, in the same order): those pinned to a
 * point become pins numbered as the list is, and choosing such a row
 * highlights its pin. */
void     quorum_canvas_pin_comments        (QuorumCanvas *self,
                                            JsonArray    *comments,
                                            GPtrArray    *rows);

/* The canvas's snapshot draws the pins last, over everything. */
void     _quorum_canvas_snapshot_pins      (QuorumCanvas *self,
                                            GtkSnapshot  *snapshot,
                                            int           width,
                                            int           height);

G_END_DECLS
