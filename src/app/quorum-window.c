/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "quorum-attribute-editor.h"
#include "quorum-canvas-private.h"
#include "quorum-credentials-window.h"
#include "quorum-error.h"
#include "quorum-exam-catalogue.h"
#include "quorum-exam-results.h"
#include "quorum-job-overview.h"
#include "quorum-members-window.h"
#include "quorum-projects-window.h"
#include "quorum-guide-images.h"
#include "quorum-guide-view.h"
#include "quorum-image-loader.h"
#include "quorum-instance-list.h"
#include "quorum-job-item.h"
#include "quorum-guide-editor.h"
#include "quorum-label-editor.h"
#include "quorum-label-list.h"
#include "quorum-market-window.h"
#include "quorum-review-panel.h"
#include "quorum-sign-in-page.h"
#include "quorum-sync-indicator.h"
#include "quorum-task-list.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "quorum-window-private.h"

G_DEFINE_FINAL_TYPE (QuorumWindow, quorum_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_TOOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void show_next_task      (QuorumWindow *self,
                                 gint64        job,
                                 JsonNode     *task,
                                 GError       *error);

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
void
_quorum_window_show_toast (QuorumWindow *self,
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

QuorumCache *
_quorum_window_cache_of (QuorumWindow *self)
{
  return self->session != NULL ? quorum_session_get_cache (self->session) : NULL;
}

QuorumClient *
_quorum_window_client_of (QuorumWindow *self)
{
  return self->session != NULL ? quorum_session_get_client (self->session) : NULL;
}

QuorumSync *
_quorum_window_sync_of (QuorumWindow *self)
{
  return self->session != NULL ? quorum_session_get_sync (self->session) : NULL;
}

/* A member of a server's reply that should be an object; %NULL when it is
 * missing or of another shape, which the callers treat as absent. */
JsonObject *
_quorum_window_object_member (JsonObject *object,
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

/* A pass or fail the server refused, said here when no Exam Results
 * window of that exam is open to say it. */
static void
on_grade_refused (QuorumWindow *self,
                  gint64        job_id,
                  gint64        attempt_id,
                  gboolean      pass,
                  JsonNode     *attempt,
                  const char   *reason)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autofree char *message = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (QUORUM_IS_EXAM_RESULTS (window) && quorum_exam_results_get_job (QUORUM_EXAM_RESULTS (window)) == job_id)
        return;
    }
  message = quorum_exam_results_describe_refused (pass, attempt, reason);
  _quorum_window_show_toast (self, message);
}

static void on_download_sized (QuorumWindow *self,
                               gint64        job_id,
                               guint64       bytes);

static void
start_session (QuorumWindow  *self,
               QuorumSession *session)
{
  QuorumSync *sync = quorum_session_get_sync (session);

  quorum_application_time_step ("session started");
  g_set_object (&self->session, session);
  apply_sync_settings (self);
  quorum_sign_in_page_remember (self->sign_in_page, session);
  g_signal_connect_object (sync, "conflict", G_CALLBACK (_quorum_window_on_conflict), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "signed-out", G_CALLBACK (_quorum_window_on_signed_out), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "grade-refused", G_CALLBACK (on_grade_refused), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "download-sized", G_CALLBACK (on_download_sized), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::pending", G_CALLBACK (check_submitted), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (check_submitted), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (_quorum_window_update_connection), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::pending", G_CALLBACK (_quorum_window_update_connection), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::reachable", G_CALLBACK (_quorum_window_update_connection), self,
                           G_CONNECT_SWAPPED);
  quorum_session_set_watching (session, TRUE);
  g_clear_object (&self->market_watch);
  self->market_watch = quorum_market_watch_new (session, G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
  quorum_market_watch_start (self->market_watch);
  quorum_sync_indicator_set_sync (self->sync_indicator, sync);
  _quorum_window_update_connection (self);

  gtk_stack_set_visible_child_name (self->stack, "work");
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");
  update_title (self);
  _quorum_window_update_actions (self);
  quorum_task_list_set_session (self->tasks, session);
  _quorum_window_refresh_tasks (self);
  _quorum_window_ask_open_conflicts (self);
  if (self->open_next > 0)
    {
      g_autoptr(JsonNode) task = NULL;
      g_autoptr(GError) error = NULL;

      /* Asked for while the session was restored, when it was. */
      if (quorum_session_take_next_task (session, self->open_next, &task, &error))
        show_next_task (self, self->open_next, task, error);
      else
        _quorum_window_take_next_task (self, self->open_next);
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

QuorumMarketWatch *
quorum_window_get_market_watch (QuorumWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_WINDOW (self), NULL);
  return self->market_watch;
}

GtkWindow *
quorum_window_get_market_window (QuorumWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_WINDOW (self), NULL);
  return self->market_window;
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
  quorum_session_set_watching (session, FALSE);
  /* Stopped now: a poll on its way tells the signed-out user nothing. */
  if (self->market_watch != NULL)
    quorum_market_watch_stop (self->market_watch);
  g_clear_object (&self->market_watch);
  g_signal_handlers_disconnect_by_data (session, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  quorum_session_sign_out_async (session, NULL, signed_out, g_object_ref (self));

  _quorum_window_close_task (self);
  _quorum_window_close_exam_windows (self);
  self->exam_job = 0;
  quorum_task_list_set_session (self->tasks, NULL);
  quorum_sync_indicator_set_sync (self->sync_indicator, NULL);
  _quorum_window_update_connection (self);
  g_clear_pointer (&self->sign_in_dialog, gtk_window_destroy);
  self->submit_task = 0;
  gtk_stack_set_visible_child_name (self->stack, "start");
  quorum_sign_in_page_reset (self->sign_in_page, quorum_session_get_server (session),
                             quorum_session_get_user (session));
  update_title (self);
  _quorum_window_update_actions (self);
  if (pending > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Signed out. %u unsent change is kept on this computer until you sign in again.",
                                      "Signed out. %u unsent changes are kept on this computer until you sign in again.",
                                      pending), pending);
      _quorum_window_show_toast (self, message);
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
  _quorum_window_show_toast (self, message);
}

void
_quorum_window_refresh_tasks (QuorumWindow *self)
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

void
_quorum_window_time_first_task (QuorumWindow *self)
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
      g_autofree char *message = NULL;

      if (_quorum_window_explain_refusal (self, error))
        return;
      message = quorum_session_describe_error (error);
      _quorum_window_show_toast (self, message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (task))
    {
      /* An exam's last draw is in: the attempt waits for its reviewer. */
      if (job != 0 && job == self->exam_job)
        {
          _quorum_window_show_toast (self, _("Submitted — waiting for review"));
          if (self->exam_catalogue != NULL)
            quorum_exam_catalogue_refresh (self->exam_catalogue);
        }
      else
        _quorum_window_show_toast (self, _("There is no more work for you in this job"));
      _quorum_window_refresh_tasks (self);
      return;
    }
  task_id = json_object_get_int_member_with_default (json_node_get_object (task), "id", 0);
  if (task_id <= 0)
    {
      _quorum_window_show_toast (self, _("The server gave a task without an id"));
      return;
    }
  if (!quorum_cache_store_task (_quorum_window_cache_of (self), task, &cache_error))
    g_warning ("The task could not be cached: %s", cache_error->message);
  quorum_window_open_task (self, task_id);
  _quorum_window_refresh_tasks (self);
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
  g_autoptr(JsonNode) task = quorum_session_next_task_finish (QUORUM_SESSION (source), result, &error);

  g_free (next);
  show_next_task (self, job, task, error);
}

/* POST /jobs/{id}/next for a task of @kind (NULL: any), then opens what it
 * gave. */
void
_quorum_window_take_next_task_of_kind (QuorumWindow *self,
                                       gint64        job_id,
                                       const char   *kind)
{
  NextTask *next;

  if (self->session == NULL)
    return;
  next = g_new0 (NextTask, 1);
  next->window = g_object_ref (self);
  next->job = job_id;
  quorum_session_next_task_async (self->session, job_id, kind, self->cancellable, got_next_task, next);
}

void
_quorum_window_take_next_task (QuorumWindow *self,
                               gint64        job_id)
{
  _quorum_window_take_next_task_of_kind (self, job_id, NULL);
}

QuorumVideoTask *
quorum_window_get_video_task (QuorumWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_WINDOW (self), NULL);
  return self->video_task;
}

/* ---- editing: every change is saved locally at once ----------------------------- */

/* What the task stores: the canvas's instances, or for a video every
 * frame's, with the canvas's edits of this frame folded in first. */
static GPtrArray *
task_instances (QuorumWindow *self)
{
  if (quorum_video_task_is_open (self->video_task))
    {
      QuorumTrackEditor *editor = quorum_video_task_get_editor (self->video_task);

      quorum_track_editor_commit (editor);
      return quorum_track_editor_get_instances (editor);
    }
  return quorum_canvas_get_instances (self->canvas);
}

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
  instances = task_instances (self);
  node = quorum_wire_write_instances (instances);
  text = quorum_wire_to_string (node, FALSE);
  /* The durability point: committed to disk before the next stroke; the
   * sync engine hears of it through the outbox and sends it. */
  if (!quorum_cache_save_local (_quorum_window_cache_of (self), self->task_id, text, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Your change could not be saved: %s"), error->message);

      _quorum_window_show_toast (self, message);
      return;
    }
  item = quorum_task_list_find_task (self->tasks, self->task_id);
  if (item != NULL && g_strcmp0 (quorum_task_item_get_state (item), "assigned") == 0)
    quorum_task_item_set_state (item, "in_progress");
}

static void
on_frame_shown (QuorumWindow *self)
{
  if (!self->loading)
    quorum_instance_list_set_schema (self->instance_list, self->schema);
}

/* A track-wide edit (split, end, merge, delete) of a video: said with Undo,
 * and saved like any edit. */
static void
on_track_undo (QuorumWindow *self)
{
  g_autoptr(GPtrArray) before = g_steal_pointer (&self->track_undo);

  if (before != NULL && quorum_video_task_is_open (self->video_task))
    {
      quorum_track_editor_replace (quorum_video_task_get_editor (self->video_task), before);
      on_instances_changed (self);
    }
}

static void
on_track_undoable (QuorumWindow *self,
                   const char   *message,
                   GPtrArray    *before)
{
  AdwToast *toast;

  if (before == NULL)
    {
      _quorum_window_show_toast (self, message);
      return;
    }
  on_instances_changed (self);
  if (self->track_toast != NULL)
    adw_toast_dismiss (self->track_toast);
  g_clear_pointer (&self->track_undo, g_ptr_array_unref);
  self->track_undo = g_ptr_array_ref (before);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_track_undo), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->track_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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

void
_quorum_window_submit (QuorumWindow *self)
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
  /* An empty task, or instances without a label, ask first (a video
   * with tracks is not empty when this frame is). */
  if (!(quorum_video_task_is_open (self->video_task) &&
        quorum_track_index_get_n_tracks (quorum_track_editor_get_index (quorum_video_task_get_editor (self->video_task))) > 0) &&
      quorum_instance_list_ask_before_submit (self->instance_list))
    return;
  /* The core's validation, as the server will check it. */
  instances = task_instances (self);
  node = quorum_wire_write_instances (instances);
  checked = quorum_wire_read_instances (node, self->schema, "instances", &error);
  if (checked == NULL)
    {
      int position = error_position (error->message);

      /* A video's positions are in every frame's set, not the canvas's. */
      if (position >= 0 && !quorum_video_task_is_open (self->video_task))
        quorum_canvas_select (self->canvas, position);
      refuse_submit (self, error->message);
      return;
    }
  if (!quorum_cache_submit_local (_quorum_window_cache_of (self), self->task_id, &error))
    {
      refuse_submit (self, error->message);
      return;
    }
  /* A submit goes now, with the edits before it, not after the send delay. */
  quorum_sync_retry_now (_quorum_window_sync_of (self));
  self->submit_task = self->task_id;
  self->submit_job = self->job_id;
  item = quorum_task_list_find_task (self->tasks, self->task_id);
  if (item != NULL)
    quorum_task_item_set_state (item, "submitted");
  gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), FALSE);
  _quorum_window_update_actions (self);
  check_submitted (self);
}

/* Follows a submission through the outbox: once the task has nothing left
 * to send it is on the server, and the job's next task opens. */
static void
check_submitted (QuorumWindow *self)
{
  QuorumSync *sync = _quorum_window_sync_of (self);
  gint64 task = self->submit_task;
  gint64 job = self->submit_job;

  if (task == 0 || sync == NULL)
    return;
  if (!quorum_cache_has_pending (_quorum_window_cache_of (self), task))
    {
      self->submit_task = 0;
      gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), TRUE);
      _quorum_window_show_toast (self, _("Task submitted"));
      if (self->task_id == task)
        {
          _quorum_window_close_task (self);
          _quorum_window_take_next_task (self, job);
        }
      return;
    }
  switch (quorum_sync_get_state (sync))
    {
    case QUORUM_SYNC_OFFLINE:
      self->submit_task = 0;
      gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), TRUE);
      _quorum_window_show_toast (self, _("Submitted on this computer: it is sent when the server answers"));
      if (self->task_id == task)
        _quorum_window_close_task (self);
      break;
    case QUORUM_SYNC_CONFLICT:
    case QUORUM_SYNC_SIGNED_OUT:
      /* The conflict or sign-in dialog takes over; the submission waits
       * in the outbox. */
      self->submit_task = 0;
      gtk_widget_set_sensitive (GTK_WIDGET (self->canvas), TRUE);
      _quorum_window_update_actions (self);
      break;
    case QUORUM_SYNC_SYNCED:
    case QUORUM_SYNC_PENDING:
    default:
      break;
    }
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

/* Every task view is stored: says what the files will take before they
 * are fetched (the job row shows the progress). */
static void
on_download_sized (QuorumWindow *self,
                   gint64        job_id,
                   guint64       bytes)
{
  QuorumJobItem *job = quorum_task_list_find_job (self->tasks, job_id);
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *message = NULL;

  if (job == NULL)
    return;
  if (bytes == 0)
    message = g_strdup_printf (_("“%s”: its files are here already"), quorum_job_item_get_name (job));
  else
    message = g_strdup_printf (_("Downloading %s for “%s”"), size, quorum_job_item_get_name (job));
  _quorum_window_show_toast (self, message);
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
          g_autofree char *why = quorum_session_describe_error (error);
          g_autofree char *message = g_strdup_printf (_("“%s” could not be downloaded. %s"),
                                                      quorum_job_item_get_name (job), why);

          _quorum_window_show_toast (self, message);
        }
      return;
    }
  if (self != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is ready for offline work"),
                                                  quorum_job_item_get_name (job));

      _quorum_window_show_toast (self, message);
      _quorum_window_refresh_tasks (self);
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
  quorum_sync_download_job_async (_quorum_window_sync_of (self), job_id, download_progress, job, self->cancellable,
                                  job_downloaded, g_object_ref (job));
}

/* ---- actions ---------------------------------------------------------------------- */

void
_quorum_window_update_actions (QuorumWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean signed_in = self->session != NULL;
  /* What only the server can give waits while it does not answer (the
   * banner says so); exams and credentials show what was last fetched. */
  gboolean online = signed_in && !self->offline;
  gboolean task_shown = signed_in && self->task_id != 0 &&
                        g_strcmp0 (gtk_stack_get_visible_child_name (self->canvas_stack), "canvas") == 0;
  gboolean editable = task_shown && self->submit_task == 0 && quorum_canvas_get_editable (self->canvas);
  /* Review tasks are decided in the side panel, not submitted. */
  gboolean reviewing = quorum_review_panel_get_kind (self->review_panel) != QUORUM_REVIEW_NONE;

  gtk_widget_action_set_enabled (widget, "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (widget, "win.refresh", signed_in);
  gtk_widget_action_set_enabled (widget, "win.exams", signed_in);
  gtk_widget_action_set_enabled (widget, "win.credentials", signed_in);
  gtk_widget_action_set_enabled (widget, "win.projects", online);
  gtk_widget_action_set_enabled (widget, "win.market", signed_in);
  gtk_widget_action_set_enabled (widget, "win.next-task", online);
  gtk_widget_action_set_enabled (widget, "win.next-task-of-kind", online);
  gtk_widget_action_set_enabled (widget, "win.download-job", online);
  gtk_widget_action_set_enabled (widget, "win.exam-results", signed_in);
  gtk_widget_action_set_enabled (widget, "win.credential-grants", signed_in);
  gtk_widget_action_set_enabled (widget, "win.label-schema", signed_in);
  gtk_widget_action_set_enabled (widget, "win.guides", signed_in);
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
  gtk_widget_set_visible (self->task_toggle, signed_in);
  gtk_widget_set_visible (self->side_toggle, signed_in);
  gtk_widget_action_set_enabled (widget, "win.toggle-task-list", signed_in);
  gtk_widget_action_set_enabled (widget, "win.toggle-side-panel", signed_in);
}

/* The Projects window of this session: one, brought forward when open. */
static void
show_projects (QuorumWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *projects;

  if (self->session == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (QUORUM_IS_PROJECTS_WINDOW (window) && gtk_window_get_transient_for (window) == GTK_WINDOW (self))
        {
          quorum_projects_window_refresh (QUORUM_PROJECTS_WINDOW (window));
          gtk_window_present (window);
          return;
        }
    }
  projects = GTK_WINDOW (quorum_projects_window_new (self));
  /* It acts with this session: it closes with it (_quorum_window_close_exam_windows). */
  g_object_set_data (G_OBJECT (projects), "quorum-session-window", GINT_TO_POINTER (TRUE));
  gtk_window_set_destroy_with_parent (projects, TRUE);
  gtk_window_present (projects);
}

/* win.sign-in, win.sign-out, win.refresh, win.exams, win.credentials,
 * win.projects, win.market and win.submit */
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
    _quorum_window_refresh_tasks (self);
  else if (g_str_equal (action_name, "win.exams"))
    _quorum_window_show_exams (self);
  else if (g_str_equal (action_name, "win.credentials"))
    _quorum_window_show_credentials (self);
  else if (g_str_equal (action_name, "win.projects"))
    show_projects (self);
  else if (g_str_equal (action_name, "win.market") && self->session != NULL)
    {
      if (self->market_window == NULL)
        g_set_weak_pointer (&self->market_window, GTK_WINDOW (quorum_market_window_new (self)));
      gtk_window_present (self->market_window);
    }
  else
    _quorum_window_submit (self);
}

/* win.next-task and win.download-job, with the job's id */
static void
job_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);

  if (g_str_equal (action_name, "win.next-task"))
    _quorum_window_take_next_task (self, g_variant_get_int64 (parameter));
  else
    download_job (self, g_variant_get_int64 (parameter));
}

/* win.next-task-of-kind, with the job's id and "draw", "review" or
 * "consensus": a reviewer's queue apart from their own drawing. */
static void
next_task_of_kind_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  gint64 job;
  const char *kind;

  g_variant_get (parameter, "(x&s)", &job, &kind);
  _quorum_window_take_next_task_of_kind (QUORUM_WINDOW (widget), job, kind);
}

/* win.exam-results, win.credential-grants, win.label-schema and win.guides,
 * with the job's id: the trainer's windows, each of its own. */
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
  else if (g_str_equal (action_name, "win.guides"))
    window = GTK_WINDOW (quorum_guide_editor_new (self, quorum_job_item_get_project (job),
                                                  quorum_job_item_get_project_name (job)));
  else if (g_str_equal (action_name, "win.label-schema"))
    window = GTK_WINDOW (quorum_label_editor_new (self, quorum_job_item_get_project (job),
                                                  quorum_job_item_get_project_name (job)));
  else
    {
      /* the project's credentials, on the page of the window that also keeps why */
      window = GTK_WINDOW (quorum_members_window_new (self, quorum_job_item_get_project (job),
                                                      quorum_job_item_get_project_name (job)));
      quorum_members_window_show_page (QUORUM_MEMBERS_WINDOW (window), "credentials");
    }
  /* They act with this session: they close with it (_quorum_window_close_exam_windows). */
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

static void
on_offline_retry (QuorumWindow *self)
{
  _quorum_window_retry (self);
}

/* The panels dock or float for the width about to be given out, before the
 * flaps are allocated in it. */
static void
quorum_window_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);

  if (width != self->layout_width)
    _quorum_window_update_folds (self, width);
  GTK_WIDGET_CLASS (quorum_window_parent_class)->size_allocate (widget, width, height, baseline);
}

static gboolean
quorum_window_close_request (GtkWindow *window)
{
  QuorumWindow *self = QUORUM_WINDOW (window);
  int width, height;

  if (!_quorum_window_may_close (self))
    return TRUE;
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
      _quorum_window_set_tool (self, g_value_get_string (value));
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
  _quorum_window_close_exam_windows (self);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (quorum_session_get_sync (self->session), self);
      g_signal_handlers_disconnect_by_data (self->session, self);
      quorum_session_set_watching (self->session, FALSE);
    }
  g_clear_object (&self->session);
  if (self->market_watch != NULL)
    quorum_market_watch_stop (self->market_watch);
  g_clear_object (&self->market_watch);
  if (self->track_list != NULL)
    quorum_track_list_set_task (self->track_list, NULL, NULL);
  g_clear_weak_pointer (&self->track_toast);
  g_clear_pointer (&self->track_undo, g_ptr_array_unref);
  g_clear_object (&self->video_task);
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
  widget_class->size_allocate = quorum_window_size_allocate;

  properties[PROP_TOOL] =
    g_param_spec_string ("tool", NULL, NULL, "select",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (QUORUM_TYPE_CANVAS);
  g_type_ensure (QUORUM_TYPE_TIMELINE);
  g_type_ensure (QUORUM_TYPE_GUIDE_VIEW);
  g_type_ensure (QUORUM_TYPE_LABEL_LIST);
  g_type_ensure (QUORUM_TYPE_INSTANCE_LIST);
  g_type_ensure (QUORUM_TYPE_ATTRIBUTE_EDITOR);
  g_type_ensure (QUORUM_TYPE_TRACK_LIST);
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
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, guide_view);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, guide_version_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, label_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, instance_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, attribute_editor);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, track_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, review_panel);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, decision_bar);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_switcher);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, exam_rule_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, task_flap);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_flap);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, task_panel);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, task_handle);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_handle);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, task_toggle);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, side_toggle);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, offline_banner);
  gtk_widget_class_bind_template_child (widget_class, QuorumWindow, offline_label);
  gtk_widget_class_bind_template_callback (widget_class, on_offline_retry);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, on_task_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_task_list_message);
  gtk_widget_class_bind_template_callback (widget_class, on_instances_changed);

  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.exams", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.credentials", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.projects", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.market", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "win.conflict-copies", NULL, _quorum_window_conflict_copies_action);
  gtk_widget_class_install_action (widget_class, "win.next-task", "x", job_action);
  gtk_widget_class_install_action (widget_class, "win.next-task-of-kind", "(xs)", next_task_of_kind_action);
  gtk_widget_class_install_action (widget_class, "win.download-job", "x", job_action);
  gtk_widget_class_install_action (widget_class, "win.exam-results", "x", trainer_action);
  gtk_widget_class_install_action (widget_class, "win.credential-grants", "x", trainer_action);
  gtk_widget_class_install_action (widget_class, "win.label-schema", "x", trainer_action);
  gtk_widget_class_install_action (widget_class, "win.guides", "x", trainer_action);
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
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.projects", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_E, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.credentials", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  _quorum_window_class_init_layout (widget_class);
}

static void
on_video_frame_cache (QuorumWindow *self)
{
  quorum_video_task_set_frame_cache_limit (self->video_task,
                                           g_settings_get_uint64 (self->settings, "video-frame-cache"));
}

static void
quorum_window_init (QuorumWindow *self)
{
  self->tool = g_strdup ("select");
  self->cancellable = g_cancellable_new ();
  self->timing = g_strcmp0 (g_getenv ("QUORUM_TIMING"), "1") == 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->video_task = quorum_video_task_new (self->canvas, self->timeline);
  quorum_track_list_set_task (self->track_list, self->video_task, self->canvas);
  quorum_track_list_add_shortcuts (self->track_list, GTK_WIDGET (self));
  /* A frame's instances are not an edit: the list is rebuilt for them. */
  g_signal_connect_object (quorum_video_task_get_editor (self->video_task), "frame-changed",
                           G_CALLBACK (on_frame_shown), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->track_list, "undoable", G_CALLBACK (on_track_undoable), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::video-frame-cache", G_CALLBACK (on_video_frame_cache), self,
                           G_CONNECT_SWAPPED);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->canvas, "notify::tool", G_CALLBACK (_quorum_window_on_canvas_tool), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::current-label", G_CALLBACK (_quorum_window_on_canvas_label), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::can-undo", G_CALLBACK (_quorum_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::can-redo", G_CALLBACK (_quorum_window_update_actions), self, G_CONNECT_SWAPPED);
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
  _quorum_window_setup_review (self);
  _quorum_window_setup_layout (self);
  _quorum_window_setup_connection (self);
  self->guide_images = quorum_guide_images_new (self->guide_view);
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");

  _quorum_window_update_actions (self);
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
