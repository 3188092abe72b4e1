/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "quorum-canvas.h"
#include "quorum-track-editor.h"
#include "quorum-session.h"

G_BEGIN_DECLS

/**
 * QuorumReviewKind:
 * @QUORUM_REVIEW_NONE: a draw task: no review controls
 * @QUORUM_REVIEW_DRAW: the review of one draw task
 * @QUORUM_REVIEW_CONSENSUS: a consensus task over a file's passes
 * @QUORUM_REVIEW_EXAM: the review of an exam taker's draw task
 */
typedef enum {
  QUORUM_REVIEW_NONE,
  QUORUM_REVIEW_DRAW,
  QUORUM_REVIEW_CONSENSUS,
  QUORUM_REVIEW_EXAM,
} QuorumReviewKind;

/* The canvas layers the panel sets. */
#define QUORUM_REVIEW_LAYER_DRAW      "draw"
#define QUORUM_REVIEW_LAYER_CANDIDATE "candidate"
#define QUORUM_REVIEW_LAYER_GOLD      "gold"

#define QUORUM_TYPE_REVIEW_PANEL (quorum_review_panel_get_type ())

G_DECLARE_FINAL_TYPE (QuorumReviewPanel, quorum_review_panel, QUORUM, REVIEW_PANEL, GtkWidget)

QuorumReviewKind  quorum_review_kind_of_view             (JsonObject        *view);

void              quorum_review_panel_bind_canvas        (QuorumReviewPanel *self,
                                                          QuorumCanvas      *canvas);
/* A video's instances are the track editor's (every frame), not the
 * canvas's (one frame). */
void              quorum_review_panel_set_track_editor   (QuorumReviewPanel *self,
                                                          QuorumTrackEditor *tracks);
GActionGroup     *quorum_review_panel_get_action_group   (QuorumReviewPanel *self);
void              quorum_review_panel_set_task           (QuorumReviewPanel *self,
                                                          QuorumSession     *session,
                                                          JsonObject        *view);
QuorumReviewKind  quorum_review_panel_get_kind           (QuorumReviewPanel *self);
gint64            quorum_review_panel_get_task           (QuorumReviewPanel *self);
guint             quorum_review_panel_get_n_sets         (QuorumReviewPanel *self);
char             *quorum_review_panel_describe_set       (QuorumReviewPanel *self,
                                                          guint              index);
const char       *quorum_review_panel_get_set_color      (QuorumReviewPanel *self,
                                                          guint              index);
gboolean          quorum_review_panel_can_undo           (QuorumReviewPanel *self);
guint             quorum_review_panel_get_n_comments     (QuorumReviewPanel *self);
void              quorum_review_panel_choose_comment     (QuorumReviewPanel *self,
                                                          guint              index);
int               quorum_review_panel_get_stars          (QuorumReviewPanel *self,
                                                          const char        *instance_id);
gboolean          quorum_review_panel_get_missing        (QuorumReviewPanel *self,
                                                          const char        *gold_id);

G_END_DECLS
