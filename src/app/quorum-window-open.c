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

#include "quorum-window-private.h"

/* The window: opening a task (its view, image and instances) and review set-up. */

/* ---- opening a task ---------------------------------------------------------- */

/* QUORUM_TIMING=1: a step of opening the task, from launch. */
void
_quorum_window_time_step (QuorumWindow *self,
                          const char   *step)
{
  QuorumApplication *application = QUORUM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->timing && !self->timed && application != NULL)
    fprintf (stderr, "quorum: launch to %s: %.0f ms\n", step,
             (g_get_monotonic_time () - quorum_application_get_launch_time (application)) / 1000.0);
}

void
_quorum_window_show_task_error (QuorumWindow *self,
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
  /* The pages' icons over their titles (the switcher's policy in the
   * template): beside them, three pages would keep the panel 370 px wide,
   * too wide to dock beside the task list at 1600 px. */
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

void
_quorum_window_setup_review (QuorumWindow *self)
{
  quorum_review_panel_bind_canvas (self->review_panel, self->canvas);
  quorum_review_panel_set_track_editor (self->review_panel, quorum_video_task_get_editor (self->video_task));
  /* On the window, so that Accept and Reject under the side panel's pages
   * and the shortcuts reach them. */
  gtk_widget_insert_action_group (GTK_WIDGET (self), "review",
                                  quorum_review_panel_get_action_group (self->review_panel));
  g_signal_connect_object (self->review_panel, "decided", G_CALLBACK (on_review_decided), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::editable", G_CALLBACK (_quorum_window_update_actions), self,
                           G_CONNECT_SWAPPED);
  /* Ctrl+Z reaches the consensus steps once the canvas has nothing to undo. */
  g_signal_connect_object (quorum_review_panel_get_action_group (self->review_panel),
                           "action-enabled-changed::undo-step", G_CALLBACK (_quorum_window_update_actions), self, G_CONNECT_SWAPPED);
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
  _quorum_window_close_task (self);
  _quorum_window_take_next_task (self, job);
}

void
_quorum_window_close_task (QuorumWindow *self)
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
  quorum_video_task_close (self->video_task);
  gtk_widget_set_visible (GTK_WIDGET (self->track_list), FALSE);
  quorum_canvas_clear_layers (self->canvas);
  quorum_canvas_set_image (self->canvas, NULL);
  self->loading = FALSE;
  quorum_guide_view_set_markdown (self->guide_view, "");
  gtk_widget_set_visible (GTK_WIDGET (self->guide_version_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->exam_rule_label), FALSE);
  show_review (self, NULL);
  gtk_stack_set_visible_child_name (self->canvas_stack, "empty");
  gtk_spinner_stop (self->canvas_spinner);
  adw_window_title_set_title (self->window_title, _("Quorum"));
  _quorum_window_update_actions (self);
}

/* A consensus task on a video: the frames where its passes agree least
 * (the server's scores.frames.low), on the timeline. */
static void
show_disagreements (QuorumWindow *self,
                    JsonObject   *view)
{
  JsonObject *scores = _quorum_window_object_member (view, "scores");
  JsonObject *frames = scores != NULL ? _quorum_window_object_member (scores, "frames") : NULL;
  JsonNode *low = frames != NULL ? json_object_get_member (frames, "low") : NULL;
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (guint));

  if (low != NULL && JSON_NODE_HOLDS_ARRAY (low))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (low)); i++)
      {
        JsonNode *range = json_array_get_element (json_node_get_array (low), i);
        JsonArray *pair = JSON_NODE_HOLDS_ARRAY (range) ? json_node_get_array (range) : NULL;
        gint64 first, last;

        if (pair == NULL || json_array_get_length (pair) != 2)
          continue;
        first = json_array_get_int_element (pair, 0);
        last = json_array_get_int_element (pair, 1);
        if (first < 0 || last < first || last > G_MAXUINT)
          continue;
        g_array_append_val (ranges, (guint) { first });
        g_array_append_val (ranges, (guint) { last });
      }
  quorum_timeline_set_low_ranges (self->timeline, (const guint *) (gpointer) ranges->data, ranges->len / 2);
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

void
_quorum_window_set_tool (QuorumWindow *self,
                         const char   *tool)
{
  if (g_strcmp0 (self->tool, tool) == 0)
    return;
  g_free (self->tool);
  self->tool = g_strdup (tool);
  apply_tool (self);
  g_object_notify (G_OBJECT (self), "tool");
}

/* The other way round: a label chosen (keys 1-9, the label list) while a
 * drawing tool is active brings the tool of its kind, so that no shape is
 * drawn with a label of another kind, which the server would refuse. */
void
_quorum_window_on_canvas_label (QuorumWindow *self)
{
  const char *current = quorum_canvas_get_current_label (self->canvas);
  const QuorumLabel *label;

  if (self->schema == NULL || current == NULL ||
      quorum_canvas_get_tool (self->canvas) == QUORUM_CANVAS_TOOL_SELECT ||
      (label = quorum_label_schema_find (self->schema, current)) == NULL)
    return;
  _quorum_window_set_tool (self, quorum_kind_to_string (label->kind));
}

void
_quorum_window_on_canvas_tool (QuorumWindow *self)
{
  GEnumClass *tools = g_type_class_ref (QUORUM_TYPE_CANVAS_TOOL);
  GEnumValue *value = g_enum_get_value (tools, quorum_canvas_get_tool (self->canvas));

  if (value != NULL)
    _quorum_window_set_tool (self, value->value_nick);
  g_type_class_unref (tools);
}

typedef struct {
  QuorumWindow *window;
  gint64        task;
  JsonNode     *view;
  gint64        file;
  QuorumImageLoader *loader;
  gboolean      video;
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
  return quorum_cache_read_local_instances (_quorum_window_cache_of (self), task_id, error);
}

static void
show_opened_task (Opening *opening)
{
  QuorumWindow *self = opening->window;
  JsonObject *view = json_node_get_object (opening->view);
  JsonObject *guide = _quorum_window_object_member (view, "guide");
  JsonObject *file_info = _quorum_window_object_member (view, "file_info");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = local_instances (self, opening->task, &error);
  g_autofree char *title = NULL;
  QuorumTaskItem *item;

  if (instances == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Its instances cannot be read: %s"), error->message);

      _quorum_window_show_task_error (self, message);
      return;
    }

  self->job_id = json_object_get_int_member_with_default (view, "job", 0);
  /* An exam's draw task keeps the rule the taker is judged by in sight. */
  if (g_strcmp0 (json_object_get_string_member_with_default (view, "job_type", NULL), "exam") == 0)
    {
      self->exam_job = self->job_id;
      if (g_strcmp0 (json_object_get_string_member_with_default (view, "kind", NULL), "draw") == 0)
        {
          g_autofree char *rule = quorum_exam_describe_pass_rule (_quorum_window_object_member (view, "pass_rule"));
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
  quorum_track_list_set_schema (self->track_list, self->schema);
  gtk_widget_set_visible (GTK_WIDGET (self->track_list), opening->video);
  quorum_attribute_editor_set_schema (self->attribute_editor, self->schema);
  /* A video's frames reach the canvas by themselves (QuorumVideoTask). */
  if (opening->loader != NULL)
    quorum_canvas_show_image (self->canvas, quorum_image_loader_get_best (opening->loader),
                              quorum_image_loader_get_tiles (opening->loader),
                              quorum_image_loader_get_width (opening->loader),
                              quorum_image_loader_get_height (opening->loader));
  opening->shown = TRUE;
  /* A video's instances are edited frame by frame: its track editor gives
   * the canvas each frame's. */
  if (opening->video)
    {
      quorum_video_task_set_instances (self->video_task, instances);
      show_disagreements (self, view);
    }
  else
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
    _quorum_window_set_tool (self, tool);
  }

  quorum_guide_images_set_task (self->guide_images, self->session, opening->task,
                                _quorum_window_object_member (guide, "images"), self->open_cancellable);
  /* Rendered with the images the map above names; _quorum_window_close_task() left it empty. */
  quorum_guide_view_set_markdown (self->guide_view,
                                  guide != NULL ? json_object_get_string_member_with_default (guide, "markdown", "")
                                                : "");
  /* The version read, so that a reader can tell when the guide changed
   * (a guide cached before versions has none). */
  if (guide != NULL && json_object_has_member (guide, "version"))
    {
      /* TRANSLATORS: a guide's name and the number of the version shown */
      g_autofree char *text = g_strdup_printf (_("%s, version %" G_GINT64_FORMAT),
                                               json_object_get_string_member_with_default (guide, "name", ""),
                                               json_object_get_int_member_with_default (guide, "version", 1));

      gtk_label_set_label (self->guide_version_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->guide_version_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->guide_version_label), FALSE);

  item = quorum_task_list_find_task (self->tasks, opening->task);
  if (item != NULL && opening->loader != NULL && quorum_image_loader_get_thumbnail (opening->loader) != NULL)
    quorum_task_item_set_thumbnail (item, GDK_PAINTABLE (quorum_image_loader_get_thumbnail (opening->loader)));
  title = g_strdup (file_info != NULL ? json_object_get_string_member_with_default (file_info, "name", _("Task"))
                                       : _("Task"));
  adw_window_title_set_title (self->window_title, title);

  gtk_spinner_stop (self->canvas_spinner);
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  show_review (self, view);
  _quorum_window_update_actions (self);
  _quorum_window_time_first_task (self);
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
  _quorum_window_time_step (opening->window, "image preview decoded");
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

  _quorum_window_time_step (opening->window, "image loaded");
  if (!quorum_image_loader_load_finish (loader, result, &error))
    {
      if (opening_is_current (opening) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = quorum_session_describe_error (error);

          _quorum_window_show_task_error (opening->window, message);
        }
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

static void
video_progress (QuorumVideoTask *video_task,
                GParamSpec      *pspec,
                QuorumWindow    *self)
{
  double progress = quorum_video_task_get_progress (video_task);

  gtk_widget_set_visible (GTK_WIDGET (self->canvas_progress), progress >= 0);
  if (progress >= 0)
    gtk_progress_bar_set_fraction (self->canvas_progress, progress);
}

static void
video_opened (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GError) error = NULL;

  if (!quorum_video_task_open_finish (QUORUM_VIDEO_TASK (source), result, &error))
    {
      if (opening_is_current (opening) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _quorum_window_show_task_error (opening->window, error->message);
    }
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
      _quorum_window_show_task_error (self, _("The server's description of this task is incomplete"));
      opening_free (opening);
      return;
    }
  _quorum_window_time_step (self, "task view received");
  opening->video = quorum_video_task_is_video (_quorum_window_object_member (json_node_get_object (opening->view),
                                                                             "file_info"));
  if (opening->video)
    {
      g_signal_handlers_disconnect_by_func (self->video_task, video_progress, self);
      g_signal_connect (self->video_task, "notify::progress", G_CALLBACK (video_progress), self);
      quorum_video_task_open_async (self->video_task, _quorum_window_cache_of (self), _quorum_window_client_of (self),
                                    opening->file, g_settings_get_uint64 (self->settings, "video-frame-cache"),
                                    self->open_cancellable, video_opened, opening);
      return;
    }
  opening->loader = quorum_image_loader_new (_quorum_window_cache_of (self), _quorum_window_client_of (self), opening->file);
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
      _quorum_window_show_task_error (self, _("The server's description of this task is incomplete"));
      opening_free (opening);
      return;
    }
  if (view != NULL)
    {
      g_autoptr(GError) cache_error = NULL;

      if (!quorum_cache_store_task (_quorum_window_cache_of (self), view, &cache_error))
        g_warning ("Task %" G_GINT64_FORMAT " could not be cached: %s", opening->task, cache_error->message);
      opening->view = g_steal_pointer (&view);
    }
  else if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE) ||
           g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    {
      /* Offline, or the session ended: the cached task can still be worked on. */
      opening->view = quorum_cache_get_task (_quorum_window_cache_of (self), opening->task, NULL);
      if (opening->view == NULL)
        {
          g_autofree char *why = quorum_session_describe_error (error);
          g_autofree char *message = g_strdup_printf (_("This task is not on this computer yet. %s"), why);

          _quorum_window_show_task_error (self, message);
          opening_free (opening);
          return;
        }
    }
  else
    {
      g_autofree char *message = quorum_session_describe_error (error);

      _quorum_window_show_task_error (self, message);
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
  _quorum_window_close_task (self);
  self->task_id = task_id;
  _quorum_window_time_step (self, "task opening");
  self->open_cancellable = g_cancellable_new ();
  quorum_task_list_select_task (self->tasks, task_id);
  gtk_stack_set_visible_child_name (self->canvas_stack, "loading");
  gtk_spinner_start (self->canvas_spinner);

  opening = g_new0 (Opening, 1);
  opening->window = g_object_ref (self);
  opening->task = task_id;
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, task_id);
  quorum_client_call_async (_quorum_window_client_of (self), "GET", path, NULL, self->open_cancellable, got_task, opening);
}

