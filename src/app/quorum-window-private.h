/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-attribute-editor.h"
#include "quorum-canvas-private.h"
#include "quorum-exam-catalogue.h"
#include "quorum-credentials-window.h"
#include "quorum-guide-images.h"
#include "quorum-guide-view.h"
#include "quorum-instance-list.h"
#include "quorum-label-list.h"
#include "quorum-market-watch.h"
#include "quorum-review-panel.h"
#include "quorum-sign-in-page.h"
#include "quorum-sync-indicator.h"
#include "quorum-task-list.h"
#include "quorum-timeline.h"
#include "quorum-track-list.h"
#include "quorum-video-task.h"
#include "quorum-window.h"

G_BEGIN_DECLS

struct _QuorumWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  AdwToast             *toast;          /* the one on screen or waiting for it; weak */
  guint                 toast_timeout_id;
  AdwWindowTitle       *window_title;
  GtkWidget            *tool_box;
  GtkWidget            *zoom_box;
  GtkWidget            *history_box;
  GtkWidget            *submit_button;
  QuorumSyncIndicator  *sync_indicator;
  GtkStack             *stack;
  QuorumSignInPage     *sign_in_page;
  QuorumTaskList       *tasks;
  GtkStack             *canvas_stack;
  GtkSpinner           *canvas_spinner;
  GtkProgressBar       *canvas_progress;
  AdwStatusPage        *canvas_error_page;
  QuorumCanvas         *canvas;
  QuorumTimeline       *timeline;
  GtkWidget            *side_panel;
  AdwViewStack         *side_stack;
  QuorumGuideView      *guide_view;
  GtkLabel             *guide_version_label;
  QuorumLabelList      *label_list;
  QuorumInstanceList   *instance_list;
  QuorumAttributeEditor *attribute_editor;
  QuorumTrackList      *track_list;
  AdwToast             *track_toast;       /* weak: the last track edit's Undo */
  GPtrArray            *track_undo;        /* what that Undo gives back */
  QuorumReviewPanel    *review_panel;
  GtkWidget            *decision_bar;
  AdwViewSwitcher      *side_switcher;
  GtkLabel             *exam_rule_label;
  AdwFlap              *task_flap;
  AdwFlap              *side_flap;
  GtkWidget            *task_panel;
  GtkWidget            *side_box;
  GtkWidget            *task_handle;
  GtkWidget            *side_handle;
  GtkWidget            *task_toggle;
  GtkWidget            *side_toggle;
  GtkRevealer          *offline_banner;
  GtkLabel             *offline_label;

  /* the layout (quorum-window-layout.c) */
  int                   layout_width;    /* the width the folds were set for */
  int                   drag_width;      /* a panel's width when its edge was grabbed */

  /* the connection (quorum-window-connection.c) */
  gboolean              offline;         /* the banner is up */
  gboolean              announce_back;   /* back online: say so once the outbox is empty */
  gboolean              changes_waited;  /* …and whether work waited meanwhile */
  gboolean              quit_confirmed;  /* closing with unsent work, as the user said */

  /* the session */
  QuorumSession        *session;
  GCancellable         *cancellable;     /* of everything the session started */
  gint64                open_next;       /* --open-next */
  GtkWindow            *sign_in_dialog;  /* after QuorumSync::signed-out */

  /* the open task */
  gint64                task_id;
  gint64                job_id;
  GCancellable         *open_cancellable;
  QuorumLabelSchema    *schema;
  char                 *tool;
  gboolean              loading;         /* setting the canvas: no save */

  /* submitting */
  gint64                submit_task;
  gint64                submit_job;

  /* exams: the open windows (weak) and the exam of the open task, or 0 */
  QuorumExamCatalogue  *exam_catalogue;
  QuorumCredentialsWindow *credentials_window;
  gint64                exam_job;

  /* the market: new jobs the user's organizations follow, and its window (weak) */
  QuorumMarketWatch    *market_watch;
  GtkWindow            *market_window;

  /* the open task's video, when it is one */
  QuorumVideoTask      *video_task;

  /* the pictures of the open task's guide */
  QuorumGuideImages    *guide_images;

  /* QUORUM_TIMING=1 */
  gboolean              timing;
  gboolean              timed;
  gboolean              timed_first;
  guint                 timing_frames;
  gulong                after_paint_id;
  GdkFrameClock        *timing_clock;
};

QuorumCache * _quorum_window_cache_of (QuorumWindow *self);
QuorumClient * _quorum_window_client_of (QuorumWindow *self);
void _quorum_window_close_exam_windows (QuorumWindow *self);
void _quorum_window_close_task (QuorumWindow *self);
JsonObject * _quorum_window_object_member (JsonObject *object, const char *name);
void _quorum_window_on_canvas_label (QuorumWindow *self);
void _quorum_window_on_canvas_tool (QuorumWindow *self);
void _quorum_window_on_conflict (QuorumWindow *self, gint64 task_id, QuorumSync *sync);
void _quorum_window_ask_open_conflicts (QuorumWindow *self);
void _quorum_window_conflict_copies_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
gboolean _quorum_window_open_conflict_copy (QuorumWindow *self, gint64 conflict_id, GError **error);
struct _QuorumConflictCopies * _quorum_window_show_conflict_copies (QuorumWindow *self);
void _quorum_window_on_signed_out (QuorumWindow *self, QuorumSync *sync);
void _quorum_window_refresh_tasks (QuorumWindow *self);
void _quorum_window_set_tool (QuorumWindow *self, const char *tool);
void _quorum_window_setup_review (QuorumWindow *self);
void _quorum_window_show_credentials (QuorumWindow *self);
void _quorum_window_show_exams (QuorumWindow *self);
void _quorum_window_show_toast (QuorumWindow *self, const char *message);
void _quorum_window_submit (QuorumWindow *self);
QuorumSync * _quorum_window_sync_of (QuorumWindow *self);
void _quorum_window_take_next_task (QuorumWindow *self, gint64 job_id);
void _quorum_window_take_next_task_of_kind (QuorumWindow *self, gint64 job_id, const char *kind);
void _quorum_window_time_first_task (QuorumWindow *self);
void _quorum_window_update_actions (QuorumWindow *self);
void _quorum_window_time_step (QuorumWindow *self, const char *step);
void _quorum_window_show_task_error (QuorumWindow *self, const char *message);
void _quorum_window_setup_layout (QuorumWindow *self);
void _quorum_window_update_folds (QuorumWindow *self, int width);
void _quorum_window_class_init_layout (GtkWidgetClass *widget_class);
void _quorum_window_setup_connection (QuorumWindow *self);
void _quorum_window_update_connection (QuorumWindow *self);
void _quorum_window_retry (QuorumWindow *self);
gboolean _quorum_window_may_close (QuorumWindow *self);
gboolean _quorum_window_explain_refusal (QuorumWindow *self, const GError *error);

G_END_DECLS
