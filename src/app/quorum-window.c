/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "quorum-attribute-editor.h"
#include "quorum-canvas-private.h"
#include "quorum-credential-grants.h"
#include "quorum-credentials-window.h"
#include "quorum-error.h"
#include "quorum-exam-catalogue.h"
#include "quorum-exam-results.h"
#include "quorum-job-overview.h"
#include "quorum-guide-images.h"
#include "quorum-guide-view.h"
#include "quorum-image-loader.h"
#include "quorum-instance-list.h"
#include "quorum-job-item.h"
#include "quorum-label-list.h"
#include "quorum-review-panel.h"
#include "quorum-sign-in-page.h"
#include "quorum-sync-indicator.h"
#include "quorum-task-list.h"
#include "quorum-window.h"
#include "quorum-wire.h"

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
  GtkWidget            *side_panel;
  AdwViewStack         *side_stack;
  QuorumGuideView      *guide_view;
  QuorumLabelList      *label_list;
  QuorumInstanceList   *instance_list;
  QuorumAttributeEditor *attribute_editor;
  QuorumReviewPanel    *review_panel;
  GtkWidget            *decision_bar;
  AdwViewSwitcher      *side_switcher;
  GtkLabel             *exam_rule_label;

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

G_DEFINE_FINAL_TYPE (QuorumWindow, quorum_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_TOOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh_tasks       (QuorumWindow *self);
static void show_next_task      (QuorumWindow *self,
                                 gint64        job,
                                 JsonNode     *task,
                                 GError       *error);
static void take_next_task      (QuorumWindow *self,
                                 gint64        job_id);
static void update_actions      (QuorumWindow *self);
static void close_task          (QuorumWindow *self);
static void close_exam_windows  (QuorumWindow *self);

static void
toast_dismissed (AdwToast     *toast,
                 QuorumWindow *self)
{
  if (self->toast != toast)
    return;
  g_clear_weak_pointer (&self->toast);
  g_clear_handle_id (&self->toast_timeout_id, g_source_remove);
}

static gboolean
toast_expired (gpointer data)
{
  QuorumWindow *self = data;
  AdwToast *toast = self->toast;

  self->toast_timeout_id = 0;
  g_clear_weak_pointer (&self->toast);
  if (toast != NULL)
    adw_toast_dismiss (toast);
  return G_SOURCE_REMOVE;
}

/* The newest message takes the place of the one on screen, at once: an
 * overlay queues toasts of equal priority, so four quick submissions kept
 * the last word ("Submitted — waiting for review") 16 s behind three stale
 * ones. The toast's own timeout is off and the window dismisses it, once,
 * 4 s after its last message: libadwaita 1.2 frees a toast dismissed while
 * it is still sliding in twice. */
static void
show_toast (QuorumWindow *self,
            const char   *message)
{
  if (self->toast != NULL)
    adw_toast_set_title (self->toast, message);
  else
    {
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 0);
      g_set_weak_pointer (&self->toast, toast);
      g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed), self, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  g_clear_handle_id (&self->toast_timeout_id, g_source_remove);
  self->toast_timeout_id = g_timeout_add_seconds (4, toast_expired, self);
}

static QuorumCache *
cache_of (QuorumWindow *self)
{
  return self->session != NULL ? quorum_session_get_cache (self->session) : NULL;
}

static QuorumClient *
client_of (QuorumWindow *self)
{
  return self->session != NULL ? quorum_session_get_client (self->session) : NULL;
}

static QuorumSync *
sync_of (QuorumWindow *self)
{
  return self->session != NULL ? quorum_session_get_sync (self->session) : NULL;
}

/* A member of a server's reply that should be an object; %NULL when it is
 * missing or of another shape, which the callers treat as absent. */
static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* ---- the session ----------------------------------------------------------- */

static void
update_title (QuorumWindow *self)
{
  g_autofree char *subtitle = NULL;

  if (self->session != NULL)
    /* Translators: the window's subtitle, "ann on http://127.0.0.1:8080" */
    subtitle = g_strdup_printf (_("%s on %s"), quorum_session_get_user (self->session),
                                quorum_session_get_server (self->session));
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
}

static void check_submitted (QuorumWindow *self);
static void on_conflict     (QuorumWindow *self,
                             gint64        task_id,
                             QuorumSync   *sync);
static void on_signed_out   (QuorumWindow *self,
                             QuorumSync   *sync);

/* The preferences the sync engine and the cache follow: how long an edit
 * waits before it is sent, and how much media the cache keeps. */
static void
apply_sync_settings (QuorumWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)
    return;
  quorum_sync_set_send_delay (quorum_session_get_sync (self->session),
                              g_settings_get_uint (self->settings, "autosave-interval"));
  if (!quorum_cache_set_media_limit (quorum_session_get_cache (self->session),
                                     (gint64) MIN (g_settings_get_uint64 (self->settings, "cache-size"),
                                                   (guint64) G_MAXINT64), &error))
    g_warning ("The cache size cannot be applied: %s", error->message);
}

static void
start_session (QuorumWindow  *self,
               QuorumSession *session)
{
  QuorumSync *sync = quorum_session_get_sync (session);

  quorum_application_time_step ("session started");
  g_set_object (&self->session, session);
  apply_sync_settings (self);
  quorum_sign_in_page_remember (self->sign_in_page, session);
  g_signal_connect_object (sync, "conflict", G_CALLBACK (on_conflict), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "signed-out", G_CALLBACK (on_signed_out), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::pending", G_CALLBACK (check_submitted), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (check_submitted), self, G_CONNECT_SWAPPED);
  quorum_sync_indicator_set_sync (self->sync_indicator, sync);

  gtk_stack_set_visible_child_name (self->stack, "work");
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");
  update_title (self);
  update_actions (self);
  quorum_task_list_set_session (self->tasks, session);
  refresh_tasks (self);
  if (self->open_next > 0)
    {
      g_autoptr(JsonNode) task = NULL;
      g_autoptr(GError) error = NULL;

      /* Asked for while the session was restored, when it was. */
      if (quorum_session_take_next_task (session, self->open_next, &task, &error))
        show_next_task (self, self->open_next, task, error);
      else
        take_next_task (self, self->open_next);
      self->open_next = 0;
    }
}

static void
on_signed_in (QuorumWindow  *self,
              QuorumSession *session)
{
  start_session (self, session);
}

/**
 * quorum_window_sign_in:
 *
 * Signs in with the start page's form. Errors are shown on the form; on
 * success the token is stored and the task list shown.
 */
void
quorum_window_sign_in (QuorumWindow *self)
{
  g_return_if_fail (QUORUM_IS_WINDOW (self));
  quorum_sign_in_page_sign_in (self->sign_in_page);
}

void
quorum_window_restore_session (QuorumWindow *self,
                               const char   *server,
                               const char   *user)
{
  g_return_if_fail (QUORUM_IS_WINDOW (self));
  quorum_sign_in_page_restore (self->sign_in_page, server, user, self->open_next);
}

void
quorum_window_set_open_next (QuorumWindow *self,
                             gint64        job_id)
{
  g_return_if_fail (QUORUM_IS_WINDOW (self));
  self->open_next = job_id;
}

QuorumSession *
quorum_window_get_session (QuorumWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_WINDOW (self), NULL);
  return self->session;
}

gint64
quorum_window_get_task (QuorumWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_WINDOW (self), 0);
  return self->task_id;
}

static void
signed_out (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QuorumWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!quorum_session_sign_out_finish (QUORUM_SESSION (source), result, &error))
    g_warning ("The stored sign-in could not be removed: %s", error->message);
}

static void
sign_out (QuorumWindow *self)
{
  g_autoptr(QuorumSession) session = g_steal_pointer (&self->session);
  guint pending;

  if (session == NULL)
    return;
  pending = quorum_cache_count_outbox (quorum_session_get_cache (session));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  quorum_session_sign_out_async (session, NULL, signed_out, g_object_ref (self));

  close_task (self);
  close_exam_windows (self);
  self->exam_job = 0;
  quorum_task_list_set_session (self->tasks, NULL);
  quorum_sync_indicator_set_sync (self->sync_indicator, NULL);
  g_clear_pointer (&self->sign_in_dialog, gtk_window_destroy);
  self->submit_task = 0;
  gtk_stack_set_visible_child_name (self->stack, "start");
  quorum_sign_in_page_reset (self->sign_in_page, quorum_session_get_server (session),
                             quorum_session_get_user (session));
  update_title (self);
  update_actions (self);
  if (pending > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Signed out. %u unsent change is kept on this computer until you sign in again.",
                                      "Signed out. %u unsent changes are kept on this computer until you sign in again.",
                                      pending), pending);
      show_toast (self, message);
    }
}

/* ---- the task list --------------------------------------------------------- */

static void
on_task_activated (QuorumWindow *self,
                   gint64        task_id)
{
  if (task_id != self->task_id)
    quorum_window_open_task (self, task_id);
}

static void
on_task_list_message (QuorumWindow *self,
                      const char   *message)
{
  show_toast (self, message);
}

static void
refresh_tasks (QuorumWindow *self)
{
  quorum_task_list_refresh (self->tasks);
  /* Exam results arrive with the rest. */
  if (self->exam_catalogue != NULL)
    quorum_exam_catalogue_refresh (self->exam_catalogue);
  if (self->credentials_window != NULL)
    quorum_credentials_window_refresh (self->credentials_window);
}

/* ---- QUORUM_TIMING=1: launch to the first frame of a task ---------------- */

static void
after_paint (GdkFrameClock *clock,
             QuorumWindow  *self)
{
  QuorumOverlay *overlay = _quorum_canvas_get_overlay (self->canvas);
  QuorumApplication *application = QUORUM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  guint frames = _quorum_canvas_get_frame_count (self->canvas);
  gboolean full = quorum_canvas_get_image_detail (self->canvas) >= 1;
  double elapsed;

  /* The first frame after the task was set in which the image and every
   * instance were drawn (every tile in view at its scale: a frame before
   * the first tiles arrive misses none, as none was asked for yet); then,
   * for a big image shown by its preview first, the first frame at full
   * resolution. */
  if (frames == self->timing_frames || !quorum_overlay_is_sharp (overlay) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->canvas)) || application == NULL)
    return;
  self->timing_frames = frames;
  elapsed = (g_get_monotonic_time () - quorum_application_get_launch_time (application)) / 1000.0;
  if (!self->timed_first)
    {
      fprintf (stderr, "quorum: launch to first task drawn: %.0f ms (task %" G_GINT64_FORMAT ", %u instances, %s)\n",
               elapsed, self->task_id, quorum_canvas_get_n_instances (self->canvas),
               full ? "at full resolution" : "a preview");
      self->timed_first = TRUE;
    }
  else if (full)
    fprintf (stderr, "quorum: launch to full resolution drawn: %.0f ms (task %" G_GINT64_FORMAT ")\n",
             elapsed, self->task_id);
  if (!full)
    return;
  self->timed = TRUE;
  g_clear_signal_handler (&self->after_paint_id, self->timing_clock);
  g_clear_object (&self->timing_clock);
}

static void
time_first_task (QuorumWindow *self)
{
  GdkFrameClock *clock;

  if (!self->timing || self->timed || self->after_paint_id != 0)
    return;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  if (clock == NULL)
    return;
  self->timing_frames = _quorum_canvas_get_frame_count (self->canvas);
  self->timing_clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), self);
}

/* ---- opening a task ---------------------------------------------------------- */

/* QUORUM_TIMING=1: a step of opening the task, from launch. */
static void
time_step (QuorumWindow *self,
           const char   *step)
{
  QuorumApplication *application = QUORUM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->timing && !self->timed && application != NULL)
    fprintf (stderr, "quorum: launch to %s: %.0f ms\n", step,
             (g_get_monotonic_time () - quorum_application_get_launch_time (application)) / 1000.0);
}

static void
show_task_error (QuorumWindow *self,
                 const char   *message)
{
  adw_status_page_set_description (self->canvas_error_page, message);
  gtk_stack_set_visible_child_name (self->canvas_stack, "error");
  gtk_spinner_stop (self->canvas_spinner);
}

/* ---- review, consensus and exam review tasks --------------------------------- */

/* A review task: the reviewed sets as read-only layers, the review page
 * first in the side panel, Accept and Reject under it instead of Submit. */
static void
show_review (QuorumWindow *self,
             JsonObject   *view)
{
  AdwViewStackPage *page = adw_view_stack_get_page (self->side_stack, GTK_WIDGET (self->review_panel));
  AdwViewStackPage *instances = adw_view_stack_get_child_by_name (self->side_stack, "instances") != NULL
                                ? adw_view_stack_get_page (self->side_stack,
                                                           adw_view_stack_get_child_by_name (self->side_stack, "instances"))
                                : NULL;
  QuorumReviewKind kind = quorum_review_kind_of_view (view);
  gboolean reviewing = kind != QUORUM_REVIEW_NONE;

  quorum_review_panel_set_task (self->review_panel, self->session, view);
  /* A draw task of a job that is not blind shows the other passes there,
   * and a returned one the reviewer's comments, which it opens with. */
  adw_view_stack_page_set_visible (page, reviewing || quorum_review_panel_get_n_sets (self->review_panel) > 0 ||
                                         quorum_review_panel_get_n_comments (self->review_panel) > 0);
  /* A review's own instances are none: only consensus edits a set. */
  if (instances != NULL)
    adw_view_stack_page_set_visible (instances, !reviewing || kind == QUORUM_REVIEW_CONSENSUS);
  /* Four pages fit the panel's width with their icons over their titles. */
  adw_view_switcher_set_policy (self->side_switcher, kind == QUORUM_REVIEW_CONSENSUS ? ADW_VIEW_SWITCHER_POLICY_NARROW
                                                                                    : ADW_VIEW_SWITCHER_POLICY_WIDE);
  gtk_widget_set_visible (self->decision_bar, reviewing);
  if (reviewing || quorum_review_panel_get_n_comments (self->review_panel) > 0)
    adw_view_stack_set_visible_child (self->side_stack, GTK_WIDGET (self->review_panel));
  else if (adw_view_stack_get_visible_child (self->side_stack) == GTK_WIDGET (self->review_panel))
    adw_view_stack_set_visible_child_name (self->side_stack, "labels");
}

static void on_review_decided (QuorumWindow *self,
                               gint64        task,
                               gint64        job,
                               gboolean      accepted);

static void
setup_review (QuorumWindow *self)
{
  quorum_review_panel_bind_canvas (self->review_panel, self->canvas);
  /* On the window, so that Accept and Reject under the side panel's pages
   * and the shortcuts reach them. */
  gtk_widget_insert_action_group (GTK_WIDGET (self), "review",
                                  quorum_review_panel_get_action_group (self->review_panel));
  g_signal_connect_object (self->review_panel, "decided", G_CALLBACK (on_review_decided), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::editable", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  /* Ctrl+Z reaches the consensus steps once the canvas has nothing to undo. */
  g_signal_connect_object (quorum_review_panel_get_action_group (self->review_panel),
                           "action-enabled-changed::undo-step", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  /* The review page is the stack's first and shows only for a review task:
   * until one opens, the labels. */
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->side_stack, GTK_WIDGET (self->review_panel)),
                                   FALSE);
  adw_view_stack_set_visible_child_name (self->side_stack, "labels");
}

static void
on_review_decided (QuorumWindow *self,
                   gint64        task,
                   gint64        job,
                   gboolean      accepted)
{
  QuorumTaskItem *item = quorum_task_list_find_task (self->tasks, task);

  if (item != NULL)
    quorum_task_item_set_state (item, accepted ? "complete" : "rejected");
  if (self->task_id != task)
    return;
  close_task (self);
  take_next_task (self, job);
}

static void
close_task (QuorumWindow *self)
{
  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->task_id = 0;
  self->job_id = 0;
  quorum_task_list_select_task (self->tasks, 0);
  g_clear_pointer (&self->schema, quorum_label_schema_free);
  quorum_guide_images_clear (self->guide_images);
  self->loading = TRUE;
  quorum_canvas_set_instances (self->canvas, NULL);
  quorum_canvas_set_image (self->canvas, NULL);
  self->loading = FALSE;
  quorum_guide_view_set_markdown (self->guide_view, "");
  gtk_widget_set_visible (GTK_WIDGET (self->exam_rule_label), FALSE);
  show_review (self, NULL);
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");
  gtk_spinner_stop (self->canvas_spinner);
  adw_window_title_set_title (self->window_title, _("Quorum"));
  update_actions (self);
}

static const QuorumLabel *
first_label_of_kind (QuorumWindow *self,
                     QuorumKind    kind)
{
  if (self->schema == NULL)
    return NULL;
  for (guint i = 0; i < self->schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (self->schema->labels, i);

      if (label->kind == kind)
        return label;
    }
  return NULL;
}

/* A tool draws one kind; the current label follows the tool, so that what
 * is drawn has a label of its kind. The label list may choose another.
 * A drawing tool's name is the name of the kind it draws. */
static void
match_label_to_tool (QuorumWindow *self)
{
  const char *current = quorum_canvas_get_current_label (self->canvas);
  const QuorumLabel *label;
  QuorumKind kind;

  if (self->schema == NULL || !quorum_kind_from_string (self->tool, &kind))
    return;
  label = current != NULL ? quorum_label_schema_find (self->schema, current) : NULL;
  if (label != NULL && label->kind == kind)
    return;
  label = first_label_of_kind (self, kind);
  if (label != NULL)
    quorum_canvas_set_current_label (self->canvas, label->name);
}

static void
apply_tool (QuorumWindow *self)
{
  GEnumClass *tools = g_type_class_ref (QUORUM_TYPE_CANVAS_TOOL);
  GEnumValue *value = g_enum_get_value_by_nick (tools, self->tool);

  if (value != NULL)
    quorum_canvas_set_tool (self->canvas, value->value);
  g_type_class_unref (tools);
  match_label_to_tool (self);
}

static void
set_tool (QuorumWindow *self,
          const char   *tool)
{
  if (g_strcmp0 (self->tool, tool) == 0)
    return;
  g_free (self->tool);
  self->tool = g_strdup (tool);
  apply_tool (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

/* The other way round: a label chosen (keys 1-9, the label list) while a
 * drawing tool is active brings the tool of its kind, so that no shape is
 * drawn with a label of another kind, which the server would refuse. */
static void
on_canvas_label (QuorumWindow *self)
{
  const char *current = quorum_canvas_get_current_label (self->canvas);
  const QuorumLabel *label;

  if (self->schema == NULL || current == NULL ||
      quorum_canvas_get_tool (self->canvas) == QUORUM_CANVAS_TOOL_SELECT ||
      (label = quorum_label_schema_find (self->schema, current)) == NULL)
    return;
  set_tool (self, quorum_kind_to_string (label->kind));
}

static void
on_canvas_tool (QuorumWindow *self)
{
  GEnumClass *tools = g_type_class_ref (QUORUM_TYPE_CANVAS_TOOL);
  GEnumValue *value = g_enum_get_value (tools, quorum_canvas_get_tool (self->canvas));

  if (value != NULL)
    set_tool (self, value->value_nick);
  g_type_class_unref (tools);
}

typedef struct {
  QuorumWindow *window;
  gint64        task;
  JsonNode     *view;
  gint64        file;
  QuorumImageLoader *loader;
  gboolean      shown;         /* on the canvas, by its preview or whole */
} Opening;

static void
opening_free (Opening *opening)
{
  g_clear_object (&opening->window);
  g_clear_pointer (&opening->view, json_node_unref);
  if (opening->loader != NULL)
    g_signal_handlers_disconnect_by_data (opening->loader, opening);
  g_clear_object (&opening->loader);
  g_free (opening);
}

static gboolean
opening_is_current (Opening *opening)
{
  return opening->window->session != NULL && opening->window->task_id == opening->task;
}

/* Shown as they are; the schema is checked on submit. Read straight from
 * the cache's bytes into the model: a 10,000-polygon task is 8 MB of JSON. */
static GPtrArray *
local_instances (QuorumWindow  *self,
                 gint64         task_id,
                 GError       **error)
{
  return quorum_cache_read_local_instances (cache_of (self), task_id, error);
}

static void
show_opened_task (Opening *opening)
{
  QuorumWindow *self = opening->window;
  JsonObject *view = json_node_get_object (opening->view);
  JsonObject *guide = object_member (view, "guide");
  JsonObject *file_info = object_member (view, "file_info");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = local_instances (self, opening->task, &error);
  g_autofree char *title = NULL;
  QuorumTaskItem *item;

  if (instances == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Its instances cannot be read: %s"), error->message);

      show_task_error (self, message);
      return;
    }

  self->job_id = json_object_get_int_member_with_default (view, "job", 0);
  /* An exam's draw task keeps the rule the taker is judged by in sight. */
  if (g_strcmp0 (json_object_get_string_member_with_default (view, "job_type", NULL), "exam") == 0)
    {
      self->exam_job = self->job_id;
      if (g_strcmp0 (json_object_get_string_member_with_default (view, "kind", NULL), "draw") == 0)
        {
          g_autofree char *rule = quorum_exam_describe_pass_rule (object_member (view, "pass_rule"));
          /* Translators: above the side panel of an exam's task */
          g_autofree char *text = g_strdup_printf (_("Exam. %s"), rule);

          gtk_label_set_label (self->exam_rule_label, text);
          gtk_widget_set_visible (GTK_WIDGET (self->exam_rule_label), TRUE);
        }
    }
  g_clear_pointer (&self->schema, quorum_label_schema_free);
  if (json_object_has_member (view, "labels"))
    {
      self->schema = quorum_wire_read_label_schema (json_object_get_member (view, "labels"), "labels", &error);
      if (self->schema == NULL)
        g_warning ("Task %" G_GINT64_FORMAT ": %s", opening->task, error->message);
    }

  self->loading = TRUE;
  /* The label list gives the canvas the labels' colours. */
  quorum_label_list_set_schema (self->label_list, self->schema);
  quorum_attribute_editor_set_schema (self->attribute_editor, self->schema);
  quorum_canvas_show_image (self->canvas, quorum_image_loader_get_best (opening->loader),
                            quorum_image_loader_get_tiles (opening->loader),
                            quorum_image_loader_get_width (opening->loader),
                            quorum_image_loader_get_height (opening->loader));
  opening->shown = TRUE;
  quorum_canvas_set_instances (self->canvas, instances);
  /* After the instances: the list is rebuilt from the canvas's instances
   * here, as setting them is not an edit and emits no instances-changed. */
  quorum_instance_list_set_schema (self->instance_list, self->schema);
  quorum_canvas_set_current_label (self->canvas, NULL);
  self->loading = FALSE;
  {
    g_autofree char *tool = g_settings_get_string (self->settings, "default-tool");

    g_free (self->tool);
    self->tool = NULL;
    set_tool (self, tool);
  }

  quorum_guide_images_set_task (self->guide_images, self->session, opening->task,
                                object_member (guide, "images"), self->open_cancellable);
  /* Rendered with the images the map above names; close_task() left it empty. */
  quorum_guide_view_set_markdown (self->guide_view,
                                  guide != NULL ? json_object_get_string_member_with_default (guide, "markdown", "")
                                                : "");

  item = quorum_task_list_find_task (self->tasks, opening->task);
  if (item != NULL && quorum_image_loader_get_thumbnail (opening->loader) != NULL)
    quorum_task_item_set_thumbnail (item, GDK_PAINTABLE (quorum_image_loader_get_thumbnail (opening->loader)));
  title = g_strdup (file_info != NULL ? json_object_get_string_member_with_default (file_info, "name", _("Task"))
                                       : _("Task"));
  adw_window_title_set_title (self->window_title, title);

  gtk_spinner_stop (self->canvas_spinner);
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  show_review (self, view);
  update_actions (self);
  time_first_task (self);
}

/* The download's progress under the spinner, once it has taken a second. */
static void
on_progress (QuorumImageLoader *loader,
             GParamSpec        *pspec,
             Opening           *opening)
{
  QuorumWindow *self = opening->window;
  double progress = quorum_image_loader_get_progress (loader);
  gboolean slow = g_get_monotonic_time () - quorum_image_loader_get_download_start (loader) > G_USEC_PER_SEC;

  if (!opening_is_current (opening))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->canvas_progress), progress >= 0 && slow);
  if (progress >= 0)
    gtk_progress_bar_set_fraction (self->canvas_progress, progress);
}

/* A big image's preview: the task can be worked on while the full
 * resolution decodes. */
static void
on_preview (QuorumImageLoader *loader,
            GParamSpec        *pspec,
            Opening           *opening)
{
  time_step (opening->window, "image preview decoded");
  if (opening_is_current (opening) && !opening->shown)
    show_opened_task (opening);
}

static void
image_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Opening *opening = user_data;
  QuorumImageLoader *loader = QUORUM_IMAGE_LOADER (source);
  g_autoptr(GError) error = NULL;

  time_step (opening->window, "image loaded");
  if (!quorum_image_loader_load_finish (loader, result, &error))
    {
      if (opening_is_current (opening) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_task_error (opening->window, error->message);
    }
  else if (opening_is_current (opening) && opening->shown)
    quorum_canvas_show_image (opening->window->canvas, quorum_image_loader_get_best (loader),
                              quorum_image_loader_get_tiles (loader), quorum_image_loader_get_width (loader),
                              quorum_image_loader_get_height (loader));
  else if (opening_is_current (opening))
    show_opened_task (opening);
  if (opening_is_current (opening))
    gtk_widget_set_visible (GTK_WIDGET (opening->window->canvas_progress), FALSE);
  opening_free (opening);
}

/* With the task's view: its file from the media cache, downloading it
 * first when it is not there. */
static void
open_view (Opening *opening)
{
  QuorumWindow *self = opening->window;

  /* A task without a file is said so on the canvas rather than read as file 0. */
  opening->file = json_object_get_int_member_with_default (json_node_get_object (opening->view), "file", 0);
  if (opening->file <= 0)
    {
      show_task_error (self, _("The server's description of this task is incomplete"));
      opening_free (opening);
      return;
    }
  time_step (self, "task view received");
  opening->loader = quorum_image_loader_new (cache_of (self), client_of (self), opening->file);
  g_signal_connect (opening->loader, "notify::progress", G_CALLBACK (on_progress), opening);
  g_signal_connect (opening->loader, "notify::preview", G_CALLBACK (on_preview), opening);
  quorum_image_loader_load_async (opening->loader, self->open_cancellable, image_loaded, opening);
}

static void
got_task (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Opening *opening = user_data;
  QuorumWindow *self = opening->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) view = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (!opening_is_current (opening))
    {
      opening_free (opening);
      return;
    }
  if (view != NULL && !JSON_NODE_HOLDS_OBJECT (view))
    {
      show_task_error (self, _("The server's description of this task is incomplete"));
      opening_free (opening);
      return;
    }
  if (view != NULL)
    {
      g_autoptr(GError) cache_error = NULL;

      if (!quorum_cache_store_task (cache_of (self), view, &cache_error))
        g_warning ("Task %" G_GINT64_FORMAT " could not be cached: %s", opening->task, cache_error->message);
      opening->view = g_steal_pointer (&view);
    }
  else if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE) ||
           g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    {
      /* Offline, or the session ended: the cached task can still be worked on. */
      opening->view = quorum_cache_get_task (cache_of (self), opening->task, NULL);
      if (opening->view == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("It is not on this computer, and %s"), error->message);

          show_task_error (self, message);
          opening_free (opening);
          return;
        }
    }
  else
    {
      show_task_error (self, error->message);
      opening_free (opening);
      return;
    }
  open_view (opening);
}

/**
 * quorum_window_open_task:
 *
 * Fetches the task (GET /tasks/{id}, kept in the cache; the cached one
 * offline), its file into the media cache, and shows it on the canvas with
 * the user's instances and the job's guide.
 */
void
quorum_window_open_task (QuorumWindow *self,
                         gint64        task_id)
{
  g_autofree char *path = NULL;
  Opening *opening;

  g_return_if_fail (QUORUM_IS_WINDOW (self));
  if (self->session == NULL)
    return;
  close_task (self);
  self->task_id = task_id;
  time_step (self, "task opening");
  self->open_cancellable = g_cancellable_new ();
  quorum_task_list_select_task (self->tasks, task_id);
  gtk_stack_set_visible_child_name (self->canvas_stack, "loading");
  gtk_spinner_start (self->canvas_spinner);

  opening = g_new0 (Opening, 1);
  opening->window = g_object_ref (self);
  opening->task = task_id;
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);
  quorum_client_call_async (client_of (self), "GET", path, NULL, self->open_cancellable, got_task, opening);
}

/* ---- exams and credentials ---------------------------------------------------- */

static void
show_exams (QuorumWindow *self)
{
  if (self->session == NULL)
    return;
  if (self->exam_catalogue == NULL)
    {
      self->exam_catalogue = quorum_exam_catalogue_new (GTK_WINDOW (self), self->session);
      g_object_add_weak_pointer (G_OBJECT (self->exam_catalogue), (gpointer *) &self->exam_catalogue);
    }
  gtk_window_present (GTK_WINDOW (self->exam_catalogue));
}

static void
show_credentials (QuorumWindow *self)
{
  if (self->session == NULL)
    return;
  if (self->credentials_window == NULL)
    {
      self->credentials_window = quorum_credentials_window_new (GTK_WINDOW (self), self->session);
      g_object_add_weak_pointer (G_OBJECT (self->credentials_window), (gpointer *) &self->credentials_window);
    }
  gtk_window_present (GTK_WINDOW (self->credentials_window));
}

static void
close_exam_windows (QuorumWindow *self)
{
  g_autoptr(GListModel) toplevels = NULL;
  g_autoptr(GPtrArray) trainers = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->exam_catalogue != NULL)
    gtk_window_destroy (GTK_WINDOW (self->exam_catalogue));
  if (self->credentials_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->credentials_window));
  /* The trainer's windows act with the session that opened them. */
  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (self) &&
          g_object_get_data (G_OBJECT (window), "quorum-session-window") != NULL)
        g_ptr_array_add (trainers, g_object_ref (window));
    }
  for (guint i = 0; i < trainers->len; i++)
    gtk_window_destroy (g_ptr_array_index (trainers, i));
}

QuorumExamCatalogue *
quorum_window_get_exam_catalogue (QuorumWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_WINDOW (self), NULL);
  return self->exam_catalogue;
}

QuorumCredentialsWindow *
quorum_window_get_credentials_window (QuorumWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_WINDOW (self), NULL);
  return self->credentials_window;
}

/* The credential a 403 of next names: “this job requires the credential
 * “Name””, or NULL for any other refusal. */
static char *
required_credential (const char *message)
{
  const char *start = message != NULL ? strstr (message, "requires the credential “") : NULL;
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen ("requires the credential “");
  end = strstr (start, "”");
  return end != NULL ? g_strndup (start, end - start) : NULL;
}

/* Go to Exam: the catalogue, where the taker reads the exam's rule before
 * applying. */
static void
credential_dialog_response (AdwMessageDialog *dialog,
                            const char       *response,
                            QuorumWindow     *self)
{
  if (g_strcmp0 (response, "exam") == 0)
    show_exams (self);
}

typedef struct {
  QuorumWindow *window;
  char         *credential;
} CredentialRefusal;

static void
credential_refusal_free (CredentialRefusal *refusal)
{
  g_clear_object (&refusal->window);
  g_free (refusal->credential);
  g_free (refusal);
}

static void
show_credential_dialog (CredentialRefusal *refusal,
                        JsonNode          *exams)
{
  QuorumWindow *self = refusal->window;
  JsonObject *exam = quorum_exam_find_award (exams, refusal->credential);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (exam != NULL)
    body = g_strdup_printf (_("This job is for holders of the credential “%s”, which you do not hold. "
                              "The exam “%s” awards it: pass it and the job opens to you."),
                            refusal->credential, json_object_get_string_member_with_default (exam, "name", ""));
  else
    body = g_strdup_printf (_("This job is for holders of the credential “%s”, which you do not hold. "
                              "No exam open to you awards it: ask the project’s admin how to earn it."),
                            refusal->credential);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("A Credential Is Required"), body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  if (exam != NULL)
    {
      adw_message_dialog_add_response (dialog, "exam", _("_Go to Exam"));
      adw_message_dialog_set_response_appearance (dialog, "exam", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "exam");
    }
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (credential_dialog_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
got_exams_for_refusal (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CredentialRefusal *refusal = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) exams = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || refusal->window->session == NULL)
    {
      credential_refusal_free (refusal);
      return;
    }
  if (exams == NULL)
    exams = quorum_cache_get_document (cache_of (refusal->window), "exams", NULL, NULL);
  show_credential_dialog (refusal, exams);
  credential_refusal_free (refusal);
}

/* ---- next task ---------------------------------------------------------------- */

typedef struct {
  QuorumWindow *window;
  gint64        job;
} NextTask;

/* The answer to POST /jobs/{@job}/next: @task, or %NULL and @error. */
static void
show_next_task (QuorumWindow *self,
                gint64        job,
                JsonNode     *task,
                GError       *error)
{
  g_autoptr(GError) cache_error = NULL;
  gint64 task_id;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    return;
  if (task == NULL)
    {
      g_autofree char *credential = g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN)
                                    ? required_credential (error->message) : NULL;

      if (credential != NULL)
        {
          /* Which exam awards it: the server's list now, the cached one offline. */
          CredentialRefusal *refusal = g_new0 (CredentialRefusal, 1);

          refusal->window = g_object_ref (self);
          refusal->credential = g_steal_pointer (&credential);
          quorum_client_call_async (client_of (self), "GET", "/exams", NULL, self->cancellable,
                                    got_exams_for_refusal, refusal);
          return;
        }
      show_toast (self, error->message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (task))
    {
      /* An exam's last draw is in: the attempt waits for its reviewer. */
      if (job != 0 && job == self->exam_job)
        {
          show_toast (self, _("Submitted — waiting for review"));
          if (self->exam_catalogue != NULL)
            quorum_exam_catalogue_refresh (self->exam_catalogue);
        }
      else
        show_toast (self, _("There is no more work for you in this job"));
      refresh_tasks (self);
      return;
    }
  task_id = json_object_get_int_member_with_default (json_node_get_object (task), "id", 0);
  if (task_id <= 0)
    {
      show_toast (self, _("The server gave a task without an id"));
      return;
    }
  if (!quorum_cache_store_task (cache_of (self), task, &cache_error))
    g_warning ("The task could not be cached: %s", cache_error->message);
  quorum_window_open_task (self, task_id);
  refresh_tasks (self);
}

static void
got_next_task (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  NextTask *next = user_data;
  g_autoptr(QuorumWindow) self = next->window;
  gint64 job = next->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) task = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  g_free (next);
  show_next_task (self, job, task, error);
}

/* POST /jobs/{id}/next, then opens what it gave. */
static void
take_next_task (QuorumWindow *self,
                gint64        job_id)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job_id);
  NextTask *next;

  if (self->session == NULL)
    return;
  next = g_new0 (NextTask, 1);
  next->window = g_object_ref (self);
  next->job = job_id;
  quorum_client_call_async (client_of (self), "POST", path, NULL, self->cancellable, got_next_task, next);
}

/* ---- editing: every change is saved locally at once ----------------------------- */

static void
on_instances_changed (QuorumWindow *self)
{
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  QuorumTaskItem *item;

  if (self->loading || self->task_id == 0 || self->session == NULL)
    return;
  instances = quorum_canvas_get_instances (self->canvas);
  node = quorum_wire_write_instances (instances);
  text = quorum_wire_to_string (node, FALSE);
  /* The durability point: committed to disk before the next stroke; the
   * sync engine hears of it through the outbox and sends it. */
  if (!quorum_cache_save_local (cache_of (self), self->task_id, text, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Your change could not be saved: %s"), error->message);

      show_toast (self, message);
      return;
    }
  item = quorum_task_list_find_task (self->tasks, self->task_id);
  if (item != NULL && g_strcmp0 (quorum_task_item_get_state (item), "assigned") == 0)
    quorum_task_item_set_state (item, "in_progress");
}

/* ---- submitting ------------------------------------------------------------------ */

static void
refuse_submit (QuorumWindow *self,
               const char   *reason)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("The Task Cannot Be Submitted Yet"), reason));
  adw_message_dialog_add_response (dialog, "close", _("_Back to the Task"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Which instance a wire error names ("instances[3].points: …"), or -1. */
static int
error_position (const char *message)
{
  int position;

  if (sscanf (message, "instances[%d]", &position) == 1)
    return position;
  return -1;
}

static void
submit (QuorumWindow *self)
{
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) checked = NULL;
  g_autoptr(GError) error = NULL;
  QuorumTaskItem *item;

  if (self->task_id == 0 || self->session == NULL || self->submit_task != 0)
    return;
  if (self->schema == NULL)
    {
      refuse_submit (self, _("The project’s labels are not known on this computer. Open the task once while online."));
      return;
    }
  /* The core's validation, as the server will check it. */
  instances = quorum_canvas_get_instances (self->canvas);
  node = quorum_wire_write_instances (instances);
  checked = quorum_wire_read_instances (node, self->schema, "instances", &error);
  if (checked == NULL)
    {
      int position = error_position (error->message);

      if (position >= 0)
        quorum_canvas_select (self->canvas, position);
      refuse_submit (self, error->message);
      return;
    }
  if (!quorum_cache_submit_local (cache_of (self), self->task_id, &error))
    {
      refuse_submit (self, error->message);
      return;
    }
  /* A submit goes now, with the edits before it, not after the send delay. */
  quorum_sync_retry_now (sync_of (self));
  self->submit_task = self->task_id;
  self->submit_job = self->job_id;
  item = quorum_task_list_find_task (self->tasks, self->task_id);
  if (item != NULL)
    quorum_task_item_set_state (item, "submitted");
  gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), FALSE);
  update_actions (self);
  check_submitted (self);
}

/* Follows a submission through the outbox: once the task has nothing left
 * to send it is on the server, and the job's next task opens. */
static void
check_submitted (QuorumWindow *self)
{
  QuorumSync *sync = sync_of (self);
  gint64 task = self->submit_task;
  gint64 job = self->submit_job;

  if (task == 0 || sync == NULL)
    return;
  if (!quorum_cache_has_pending (cache_of (self), task))
    {
      self->submit_task = 0;
      gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), TRUE);
      show_toast (self, _("Task submitted"));
      if (self->task_id == task)
        {
          close_task (self);
          take_next_task (self, job);
        }
      return;
    }
  switch (quorum_sync_get_state (sync))
    {
    case QUORUM_SYNC_OFFLINE:
      self->submit_task = 0;
      gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), TRUE);
      show_toast (self, _("Submitted on this computer: it is sent when the server answers"));
      if (self->task_id == task)
        close_task (self);
      break;
    case QUORUM_SYNC_CONFLICT:
    case QUORUM_SYNC_SIGNED_OUT:
      /* The conflict or sign-in dialog takes over; the submission waits
       * in the outbox. */
      self->submit_task = 0;
      gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), TRUE);
      update_actions (self);
      break;
    case QUORUM_SYNC_SYNCED:
    case QUORUM_SYNC_PENDING:
    default:
      break;
    }
}

/* ---- conflicts and an ended session --------------------------------------------- */

static void
conflict_chosen (AdwMessageDialog *dialog,
                 const char       *response,
                 QuorumWindow     *self)
{
  gint64 task = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "task"));
  gboolean keep_mine = g_strcmp0 (response, "keep") == 0;
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)
    return;
  if (!quorum_sync_resolve_conflict (sync_of (self), task,
                                     keep_mine ? QUORUM_CONFLICT_KEEP_MINE : QUORUM_CONFLICT_TAKE_SERVER,
                                     &error))
    {
      show_toast (self, error->message);
      return;
    }
  if (!keep_mine && self->task_id == task)
    quorum_window_open_task (self, task);
}

static void
on_conflict (QuorumWindow *self,
             gint64        task_id,
             QuorumSync   *sync)
{
  g_autoptr(GPtrArray) conflicts = quorum_cache_list_conflicts (cache_of (self), task_id, NULL);
  const QuorumCacheConflict *last = conflicts != NULL && conflicts->len > 0
                                    ? g_ptr_array_index (conflicts, conflicts->len - 1) : NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  body = g_strdup_printf (_("Task %" G_GINT64_FORMAT " was changed on the server while you worked on it (%s). "
                            "Keep your version and save it over the server’s, or take the server’s "
                            "and work on from it. Both versions stay on this computer."),
                          task_id, last != NULL && last->reason != NULL ? last->reason : _("no reason given"));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("This Task Changed on the Server"), body));
  adw_message_dialog_add_responses (dialog, "take", _("_Take the Server’s"), "keep", _("_Keep Mine"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "keep", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_object_set_data (G_OBJECT (dialog), "task", GSIZE_TO_POINTER (task_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (conflict_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void show_sign_in_dialog (QuorumWindow *self,
                                 const char   *problem);

static void
reauthenticated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QuorumWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!quorum_session_reauthenticate_finish (QUORUM_SESSION (source), result, &error))
    {
      g_autofree char *message = quorum_sign_in_page_describe_error (error);

      if (self->session == QUORUM_SESSION (source))
        show_sign_in_dialog (self, message);
      return;
    }
  show_toast (self, _("Signed in again; your work is being sent"));
  refresh_tasks (self);
}

static void
sign_in_dialog_response (AdwMessageDialog *dialog,
                         const char       *response,
                         QuorumWindow     *self)
{
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");

  if (self->sign_in_dialog == GTK_WINDOW (dialog))
    self->sign_in_dialog = NULL;
  if (g_strcmp0 (response, "sign-in") != 0 || self->session == NULL)
    return;
  quorum_session_reauthenticate_async (self->session, gtk_editable_get_text (password), self->cancellable,
                                       reauthenticated, g_object_ref (self));
}

/* Over the work, which stays as it is: nothing is lost while the user
 * types their password, and edits keep being saved. */
static void
show_sign_in_dialog (QuorumWindow *self,
                     const char   *problem)
{
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list, *password;

  if (self->session == NULL || self->sign_in_dialog != NULL)
    return;
  body = g_strdup_printf (_("Your session on %s has ended. Sign in as %s to send your work; it is kept on this computer meanwhile."),
                          quorum_session_get_server (self->session), quorum_session_get_user (self->session));
  if (problem != NULL)
    {
      g_autofree char *with_problem = g_strdup_printf ("%s\n\n%s", problem, body);

      g_free (body);
      body = g_steal_pointer (&with_problem);
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Sign In Again"), body));
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  password = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password), _("Password"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (password), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list), password);
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "later", _("_Later"), "sign-in", _("_Sign In"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-in", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "sign-in");
  adw_message_dialog_set_close_response (dialog, "later");
  g_object_set_data (G_OBJECT (dialog), "password", password);
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_in_dialog_response), self, 0);
  self->sign_in_dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (password);
}

static void
on_signed_out (QuorumWindow *self,
               QuorumSync   *sync)
{
  show_sign_in_dialog (self, NULL);
}

/* ---- download for offline ------------------------------------------------------- */

static void
download_progress (guint    done,
                   guint    total,
                   gpointer user_data)
{
  QuorumJobItem *job = user_data;

  quorum_job_item_set_progress (job, total > 0 ? (double) done / total : 0);
}

static void
job_downloaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QuorumJobItem) job = user_data;
  QuorumWindow *self = g_object_get_data (G_OBJECT (job), "window");
  g_autoptr(GError) error = NULL;

  quorum_job_item_set_progress (job, -1);
  g_object_set_data (G_OBJECT (job), "window", NULL);
  if (!quorum_sync_download_job_finish (QUORUM_SYNC (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” could not be downloaded: %s"),
                                                      quorum_job_item_get_name (job), error->message);

          show_toast (self, message);
        }
      return;
    }
  if (self != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is ready for offline work"),
                                                  quorum_job_item_get_name (job));

      show_toast (self, message);
      refresh_tasks (self);
    }
}

static void
download_job (QuorumWindow *self,
              gint64        job_id)
{
  QuorumJobItem *job = quorum_task_list_find_job (self->tasks, job_id);

  if (job == NULL || self->session == NULL || quorum_job_item_get_progress (job) >= 0)
    return;
  quorum_job_item_set_progress (job, 0);
  g_object_set_data (G_OBJECT (job), "window", self);
  quorum_sync_download_job_async (sync_of (self), job_id, download_progress, job, self->cancellable,
                                  job_downloaded, g_object_ref (job));
}

/* ---- actions ---------------------------------------------------------------------- */

static void
update_actions (QuorumWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean signed_in = self->session != NULL;
  gboolean task_shown = signed_in && self->task_id != 0 &&
                        g_strcmp0 (gtk_stack_get_visible_child_name (self->canvas_stack), "canvas") == 0;
  gboolean editable = task_shown && self->submit_task == 0 && quorum_canvas_get_editable (self->canvas);
  /* Review tasks are decided in the side panel, not submitted. */
  gboolean reviewing = quorum_review_panel_get_kind (self->review_panel) != QUORUM_REVIEW_NONE;

  gtk_widget_action_set_enabled (widget, "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (widget, "win.refresh", signed_in);
  gtk_widget_action_set_enabled (widget, "win.exams", signed_in);
  gtk_widget_action_set_enabled (widget, "win.credentials", signed_in);
  gtk_widget_action_set_enabled (widget, "win.next-task", signed_in);
  gtk_widget_action_set_enabled (widget, "win.download-job", signed_in);
  gtk_widget_action_set_enabled (widget, "win.exam-results", signed_in);
  gtk_widget_action_set_enabled (widget, "win.credential-grants", signed_in);
  gtk_widget_action_set_enabled (widget, "win.tool", editable);
  gtk_widget_action_set_enabled (widget, "win.zoom-in", task_shown);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", task_shown);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit", task_shown);
  gtk_widget_action_set_enabled (widget, "win.zoom-1-1", task_shown);
  gtk_widget_action_set_enabled (widget, "win.undo", editable && (quorum_canvas_can_undo (self->canvas) ||
                                                                  quorum_review_panel_can_undo (self->review_panel)));
  gtk_widget_action_set_enabled (widget, "win.redo", editable && quorum_canvas_can_redo (self->canvas));
  gtk_widget_action_set_enabled (widget, "win.submit", editable && !reviewing);

  gtk_widget_set_visible (self->tool_box, signed_in && quorum_canvas_get_editable (self->canvas));
  gtk_widget_set_visible (self->zoom_box, signed_in);
  gtk_widget_set_visible (self->history_box, signed_in && quorum_canvas_get_editable (self->canvas));
  gtk_widget_set_visible (self->submit_button, signed_in && !reviewing);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_indicator), signed_in);
}

/* win.sign-in, win.sign-out, win.refresh, win.exams, win.credentials and win.submit */
static void
window_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);

  if (g_str_equal (action_name, "win.sign-in"))
    quorum_window_sign_in (self);
  else if (g_str_equal (action_name, "win.sign-out"))
    sign_out (self);
  else if (g_str_equal (action_name, "win.refresh"))
    refresh_tasks (self);
  else if (g_str_equal (action_name, "win.exams"))
    show_exams (self);
  else if (g_str_equal (action_name, "win.credentials"))
    show_credentials (self);
  else
    submit (self);
}

/* win.next-task and win.download-job, with the job's id */
static void
job_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);

  if (g_str_equal (action_name, "win.next-task"))
    take_next_task (self, g_variant_get_int64 (parameter));
  else
    download_job (self, g_variant_get_int64 (parameter));
}

/* win.exam-results and win.credential-grants, with the job's id: the
 * trainer's windows, each of its own. */
static void
trainer_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);
  QuorumJobItem *job = quorum_task_list_find_job (self->tasks, g_variant_get_int64 (parameter));
  GtkWindow *window;

  if (job == NULL || self->session == NULL)
    return;
  if (g_str_equal (action_name, "win.exam-results"))
    window = GTK_WINDOW (quorum_exam_results_new (self, quorum_job_item_get_id (job),
                                                  quorum_job_item_get_name (job),
                                                  g_strcmp0 (quorum_job_item_get_role (job), "admin") == 0));
  else
    window = GTK_WINDOW (quorum_credential_grants_new (self, quorum_job_item_get_project (job),
                                                       quorum_job_item_get_project_name (job)));
  /* They act with this session: they close with it (close_exam_windows). */
  g_object_set_data (G_OBJECT (window), "quorum-session-window", GINT_TO_POINTER (TRUE));
  gtk_window_set_destroy_with_parent (window, TRUE);
  gtk_window_present (window);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);
  GtkWidget *canvas = GTK_WIDGET (self->canvas);
  double x = gtk_widget_get_width (canvas) / 2.0;
  double y = gtk_widget_get_height (canvas) / 2.0;

  if (g_str_equal (action_name, "win.zoom-in"))
    quorum_canvas_zoom_at (self->canvas, 1.25, x, y);
  else if (g_str_equal (action_name, "win.zoom-out"))
    quorum_canvas_zoom_at (self->canvas, 1 / 1.25, x, y);
  else if (g_str_equal (action_name, "win.zoom-fit"))
    quorum_canvas_fit (self->canvas);
  else
    quorum_canvas_set_zoom_1_1 (self->canvas);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);

  /* On a consensus task the hand edits come off first, then the consensus
   * steps before them (copy, mark as best, start over). */
  if (g_str_equal (action_name, "win.undo"))
    {
      if (quorum_canvas_can_undo (self->canvas))
        quorum_canvas_undo (self->canvas);
      else if (quorum_review_panel_can_undo (self->review_panel))
        gtk_widget_activate_action (GTK_WIDGET (self->review_panel), "review.undo-step", NULL);
    }
  else
    quorum_canvas_redo (self->canvas);
}

/* ---- the window --------------------------------------------------------------------- */

static gboolean
quorum_window_close_request (GtkWindow *window)
{
  QuorumWindow *self = QUORUM_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
  return GTK_WINDOW_CLASS (quorum_window_parent_class)->close_request (window);
}

static void
quorum_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QuorumWindow *self = QUORUM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      g_value_set_string (value, self->tool);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QuorumWindow *self = QUORUM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      set_tool (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_window_dispose (GObject *object)
{
  QuorumWindow *self = QUORUM_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->open_cancellable);
  g_clear_signal_handler (&self->after_paint_id, self->timing_clock);
  g_clear_object (&self->timing_clock);
  g_clear_handle_id (&self->toast_timeout_id, g_source_remove);
  g_clear_weak_pointer (&self->toast);
  g_clear_pointer (&self->sign_in_dialog, gtk_window_destroy);
  close_exam_windows (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (quorum_session_get_sync (self->session), self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_WINDOW);
  g_clear_object (&self->guide_images);
  G_OBJECT_CLASS (quorum_window_parent_class)->dispose (object);
}

static void
quorum_window_finalize (GObject *object)
{
  QuorumWindow *self = QUORUM_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->open_cancellable);
  g_clear_pointer (&self->schema, quorum_label_schema_free);
  g_free (self->tool);
  G_OBJECT_CLASS (quorum_window_parent_class)->finalize (object);
}

static void
quorum_window_class_init (QuorumWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  static const struct { guint key; const char *tool; } tool_keys[] = {
    { GDK_KEY_v, "select" }, { GDK_KEY_b, "box" }, { GDK_KEY_p, "polygon" },
    { GDK_KEY_l, "polyline" }, { GDK_KEY_o, "point" }, { GDK_KEY_t, "tag" },
  };

  object_class->dispose = quorum_window_dispose;
  object_class->finalize = quorum_window_finalize;
  object_class->get_property = quorum_window_get_property;
  object_class->set_property = quorum_window_set_property;
  window_class->close_request = quorum_window_close_request;

  properties[PROP_TOOL] =
    g_param_spec_string ("tool", NULL, NULL, "select",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (QUORUM_TYPE_CANVAS);
  g_type_ensure (QUORUM_TYPE_GUIDE_VIEW);
  g_type_ensure (QUORUM_TYPE_LABEL_LIST);
  g_type_ensure (QUORUM_TYPE_INSTANCE_LIST);
  g_type_ensure (QUORUM_TYPE_ATTRIBUTE_EDITOR);
  g_type_ensure (QUORUM_TYPE_SYNC_INDICATOR);
  g_type_ensure (QUORUM_TYPE_REVIEW_PANEL);
  g_type_ensure (QUORUM_TYPE_SIGN_IN_PAGE);
  g_type_ensure (QUORUM_TYPE_TASK_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, tool_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, zoom_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, history_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, submit_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, tasks);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, canvas_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, canvas_spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, canvas_progress);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, canvas_error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, guide_view);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, label_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, instance_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, attribute_editor);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, review_panel);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, decision_bar);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_switcher);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, exam_rule_label);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, on_task_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_task_list_message);
  gtk_widget_class_bind_template_callback (widget_class, on_instances_changed);

  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.exams", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.credentials", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.next-task", "x", job_action);
  gtk_widget_class_install_action (widget_class, "win.download-job", "x", job_action);
  gtk_widget_class_install_action (widget_class, "win.exam-results", "x", trainer_action);
  gtk_widget_class_install_action (widget_class, "win.credential-grants", "x", trainer_action);
  quorum_job_overview_install_action (widget_class);
  gtk_widget_class_install_property_action (widget_class, "win.tool", "tool");
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-1-1", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.submit", NULL, window_action);

  for (guint i = 0; i < G_N_ELEMENTS (tool_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, tool_keys[i].key, 0, "win.tool", "s", tool_keys[i].tool);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.zoom-1-1", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.exams", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.credentials", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_E, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.credentials", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_window_init (QuorumWindow *self)
{
  self->tool = g_strdup ("select");
  self->cancellable = g_cancellable_new ();
  self->timing = g_strcmp0 (g_getenv ("QUORUM_TIMING"), "1") == 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->canvas, "notify::tool", G_CALLBACK (on_canvas_tool), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::current-label", G_CALLBACK (on_canvas_label), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::can-undo", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::can-redo", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "fill-opacity", self->canvas, "fill-opacity", G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->settings, "changed::autosave-interval", G_CALLBACK (apply_sync_settings),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::cache-size", G_CALLBACK (apply_sync_settings),
                           self, G_CONNECT_SWAPPED);
  /* The side panel follows the canvas: labels (current, shown, colours),
   * instances and the selected one's attributes. */
  quorum_label_list_bind_canvas (self->label_list, self->canvas);
  quorum_instance_list_bind_canvas (self->instance_list, self->canvas);
  quorum_attribute_editor_bind_canvas (self->attribute_editor, self->canvas);
  setup_review (self);
  self->guide_images = quorum_guide_images_new (self->guide_view);
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");

  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_page));
}

QuorumWindow *
quorum_window_new (QuorumApplication *application)
{
  return g_object_new (QUORUM_TYPE_WINDOW, "application", application, NULL);
}

/* Offers @address on the start page, as `quorum --server` and `make run` do. */
void
quorum_window_set_server (QuorumWindow *self,
                          const char   *address)
{
  g_return_if_fail (QUORUM_IS_WINDOW (self));

  quorum_sign_in_page_set_server (self->sign_in_page, address);
}
