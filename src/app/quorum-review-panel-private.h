/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-review-panel.h"
#include "quorum-track-editor.h"

G_BEGIN_DECLS

/*
 * The review controls of a review, consensus or exam review task: the sets
 * the canvas shows as read-only layers (with show/hide and, for consensus,
 * Mark as Best and Copy to Ground Truth), the selected instance (stars and
 * Missing for an exam, Copy Instance for consensus), Focus, and the
 * decision. The panel's widgets live in quorum-review-panel.c, what it
 * sends to the server (ratings, consensus steps, the decision) in
 * quorum-review-steps.c.
 */
struct _QuorumReviewPanel
{
  GtkWidget            parent_instance;

  /* the template */
  GtkWidget           *scrolled_window;
  AdwPreferencesGroup *summary_group;
  GtkListBox          *legend;
  AdwActionRow        *selection_row;
  AdwActionRow        *stars_row;
  GtkWidget           *stars_box;
  AdwActionRow        *missing_row;
  GtkWidget           *copy_button;
  GtkWidget           *pin_button;
  AdwActionRow        *focus_row;
  AdwPreferencesGroup *comments_group;
  GtkLabel            *comments_label;
  GtkWidget           *star_buttons[5];

  GSimpleActionGroup  *actions;
  QuorumCanvas        *canvas;
  QuorumTrackEditor   *tracks;         /* a video's instances, frame by frame on the canvas */
  QuorumSession       *session;
  JsonObject          *view;
  QuorumReviewKind     kind;
  gint64               task_id;
  gint64               job_id;
  GCancellable        *cancellable;
  GPtrArray           *rows;           /* of GtkWidget: the legend, in order */

  /* exam review: the rating as the reviewer left it */
  GHashTable          *pass_colors;    /* "JOB/USER" → index in pass_colors[]: one colour per annotator of a job */

  /* consensus: how many review steps the server can undo (it keeps the
   * output before each and says how many with every answer) */
  gint64               undo_steps;

  GPtrArray           *comment_rows;   /* AdwActionRow: the review comments of the task, in order */
  JsonArray           *pins;           /* review: comments pinned to instances, sent with the decision */
  GHashTable          *stars;          /* candidate instance id → 1…5 */
  GHashTable          *missing;        /* gold ids */
  double               gold_score;

  /* what waits in the outbox (docs/offline.md) */
  gboolean             busy;
  int                  decision;       /* 0 none, 1 accept, -1 reject: queued */
  char                *comments;
  guint                conflicts_before; /* the task's conflict copies when it was queued */
  gboolean             told_offline;
  gboolean             steps_waiting;  /* consensus steps queued: the output shown is the expected one */
  GPtrArray           *outputs;        /* of char *: the output before each step queued here, for Undo */
  QuorumCache         *watched_cache;
  QuorumSync          *watched_sync;
};

/* quorum-review-panel.c: the widgets */
void              _quorum_review_panel_toast_with_undo       (QuorumReviewPanel *self,
                                                              const char        *message,
                                                              const char        *undo_action);
void              _quorum_review_panel_toast                 (QuorumReviewPanel *self,
                                                              const char        *message);
GPtrArray        *_quorum_review_read_instances              (JsonObject        *object,
                                                              const char        *member);
JsonObject       *_quorum_review_panel_scores                (QuorumReviewPanel *self);
JsonObject       *_quorum_review_panel_find_pass             (QuorumReviewPanel *self,
                                                              gint64             pass_id);
const char       *_quorum_review_panel_pass_annotator        (QuorumReviewPanel *self,
                                                              const char        *layer);
void              _quorum_review_panel_update_selection      (QuorumReviewPanel *self);
GPtrArray        *_quorum_review_panel_get_own               (QuorumReviewPanel *self);
const char       *_quorum_review_rating_key                  (const QuorumInstance *instance);
void              _quorum_review_panel_set_own               (QuorumReviewPanel *self,
                                                              GPtrArray         *instances);
void              _quorum_review_panel_update_actions        (QuorumReviewPanel *self);
void              _quorum_review_panel_fill_exam_summary     (QuorumReviewPanel *self);
void              _quorum_review_panel_fill_consensus_legend (QuorumReviewPanel *self);
void              _quorum_review_panel_write_missing_notes   (QuorumReviewPanel *self);
void              _quorum_review_panel_keep_pins             (QuorumReviewPanel *self);
AdwMessageDialog *_quorum_review_panel_text_dialog           (QuorumReviewPanel    *self,
                                                              const char           *heading,
                                                              const char           *body,
                                                              const char           *text_label,
                                                              int                   min_height,
                                                              const char           *response,
                                                              const char           *response_label,
                                                              AdwResponseAppearance appearance);

/* quorum-review-steps.c: what goes to the server */
void              _quorum_review_panel_add_step_actions      (QuorumReviewPanel *self);
void              _quorum_review_panel_stop_waiting          (QuorumReviewPanel *self);
void              _quorum_review_panel_watch_outbox          (QuorumReviewPanel *self);

G_END_DECLS
