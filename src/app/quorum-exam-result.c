/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-exam-catalogue.h"
#include "quorum-exam-result.h"
#include "quorum-image-loader.h"
#include "quorum-review-panel-private.h"
#include "quorum-timeline.h"
#include "quorum-video-task.h"
#include "quorum-wire.h"

/* The gold, when the exam shows answers, as a layer under the taker's own. */
#define GOLD_LAYER "gold"

struct _QuorumExamResult
{
  AdwWindow       parent_instance;

  /* the template */
  AdwWindowTitle *window_title;
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkLabel       *decision_label;
  GtkLabel       *verdict_label;
  GtkLabel       *average_label;
  GtkLabel       *missed_label;
  GtkLabel       *gold_score_label;
  GtkLabel       *rule_label;
  GtkBox         *tasks_box;
  GtkStack       *canvas_stack;
  AdwStatusPage  *canvas_error_page;
  QuorumCanvas   *canvas;
  QuorumTimeline *timeline;

  GSettings      *settings;
  QuorumSession  *session;
  gint64          attempt;
  JsonNode       *labels;            /* the project's, from a task's view */
  GCancellable   *cancellable;       /* of the reply */
  GCancellable   *image_cancellable; /* of the image shown */
  JsonNode       *reply;
  gboolean        loaded;
  QuorumSyncState sync_state;
  GPtrArray      *task_groups;       /* of the tasks' AdwPreferencesGroups */
  GHashTable     *textures;          /* file id → its loaded QuorumImageLoader */
  int             shown_task;
  int             wanted_instance;   /* to select once the image is shown */
  QuorumVideoTask *video_task;       /* a video's frames, its instances per frame */
  gint64          video_file;        /* the file open in it (0: none) */
};

G_DEFINE_FINAL_TYPE (QuorumExamResult, quorum_exam_result, ADW_TYPE_WINDOW)

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
task_at (QuorumExamResult *self,
         guint             position)
{
  JsonArray *tasks = self->reply != NULL ? array_member (json_node_get_object (self->reply), "tasks") : NULL;

  if (tasks == NULL || position >= json_array_get_length (tasks))
    return NULL;
  return json_array_get_object_element (tasks, position);
}

/* "3.50", or "Not rated" when the server says so: an average over no rated
 * instance is no number. */
static char *
format_average (JsonNode *average)
{
  if (average != NULL && JSON_NODE_HOLDS_VALUE (average) &&
      (json_node_get_value_type (average) == G_TYPE_DOUBLE || json_node_get_value_type (average) == G_TYPE_INT64))
    return g_strdup_printf ("%.2f", json_node_get_double (average));
  return g_strdup (_("Not rated"));
}

static const char *
kind_title (QuorumKind kind)
{
  switch (kind)
    {
    case QUORUM_KIND_BOX:
      return _("Box");
    case QUORUM_KIND_POLYGON:
      return _("Polygon");
    case QUORUM_KIND_POLYLINE:
      return _("Polyline");
    case QUORUM_KIND_POINT:
      return _("Point");
    case QUORUM_KIND_TAG:
      return _("Tag");
    default:
      return _("Instance");
    }
}

/* "★★★☆☆" and "3 stars" for a rating of three, "Not rated" without one. */
static char *
draw_stars (gint64 stars)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (stars < 1 || stars > 5)
    return g_strdup ("");
  for (gint64 i = 1; i <= 5; i++)
    g_string_append (text, i <= stars ? "★" : "☆");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_stars (gint64 stars)
{
  if (stars < 1 || stars > 5)
    return g_strdup (_("Not rated"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d star", "%d stars", (gulong) stars), (int) stars);
}

/* ---- the canvas --------------------------------------------------------------- */

/* Whether @task's file is a video, shown frame by frame. */
static gboolean
task_is_video (JsonObject *task)
{
  return task != NULL && quorum_video_task_is_video (object_member (task, "file_info"));
}

/* On a video the server rates tracks (DESIGN §4, "by_track"). */
static const char *
rating_key (JsonObject           *task,
            const QuorumInstance *instance)
{
  return task_is_video (task) ? _quorum_review_rating_key (instance) : instance->id;
}

static GPtrArray *
read_instances (JsonObject *task,
                const char *member)
{
  JsonNode *node = json_object_get_member (task, member);
  g_autoptr(GError) error = NULL;
  GPtrArray *instances;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  instances = quorum_wire_read_instances (node, NULL, member, &error);
  if (instances == NULL)
    {
      g_warning ("An exam result's %s cannot be read: %s", member, error->message);
      return g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
    }
  return instances;
}

/* The labels' colours, as the taker drew with them. */
static void
push_colors (QuorumExamResult *self)
{
  g_autoptr(QuorumLabelSchema) schema = NULL;

  if (self->labels == NULL || self->canvas == NULL ||
      (schema = quorum_wire_read_label_schema (self->labels, "labels", NULL)) == NULL)
    return;
  for (guint i = 0; i < schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (schema->labels, i);
      GdkRGBA color;

      if (gdk_rgba_parse (&color, label->color))
        quorum_canvas_set_label_color (self->canvas, label->name, &color);
    }
}

static gboolean
take_labels (QuorumExamResult *self,
             JsonNode         *view)
{
  JsonNode *labels;

  if (view == NULL || !JSON_NODE_HOLDS_OBJECT (view) ||
      (labels = json_object_get_member (json_node_get_object (view), "labels")) == NULL)
    return FALSE;
  g_clear_pointer (&self->labels, json_node_unref);
  self->labels = json_node_copy (labels);
  push_colors (self);
  return TRUE;
}

static void
got_draw_view (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QuorumExamResult) self = user_data;
  g_autoptr(JsonNode) view = quorum_client_call_finish (QUORUM_CLIENT (source), result, NULL);

  take_labels (self, view);
}

/* From a draw task's view: in the cache when the taker drew here, else
 * asked of the server (the taker may read their own task). */
static void
find_labels (QuorumExamResult *self,
             JsonArray        *tasks)
{
  g_autofree char *path = NULL;
  gint64 draw = 0;

  if (self->labels != NULL || tasks == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      g_autoptr(JsonNode) view = NULL;

      draw = json_object_get_int_member_with_default (json_array_get_object_element (tasks, i), "draw", 0);
      view = quorum_cache_get_task (quorum_session_get_cache (self->session), draw, NULL);
      if (take_labels (self, view))
        return;
    }
  if (draw <= 0)
    return;
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, draw);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL, self->cancellable,
                            got_draw_view, g_object_ref (self));
}

/* The chosen instance: on a video its frame (the canvas shows that frame's
 * instances), on an image selected. */
static void
show_wanted (QuorumExamResult *self,
             GPtrArray        *instances)
{
  const QuorumInstance *instance = g_ptr_array_index (instances, self->wanted_instance);
  QuorumVideoSource *source;

  if (self->video_file == 0)
    {
      quorum_canvas_select (self->canvas, self->wanted_instance);
      return;
    }
  source = quorum_video_task_get_source (self->video_task);
  if (source != NULL && instance->frame < quorum_video_source_get_n_frames (source))
    quorum_video_source_set_frame (source, instance->frame);
}

static void
show_on_canvas (QuorumExamResult  *self,
                guint              position,
                QuorumImageLoader *image)
{
  JsonObject *task = task_at (self, position);
  g_autoptr(GPtrArray) instances = NULL;

  if (task == NULL || self->canvas == NULL)  /* closed meanwhile */
    return;
  instances = read_instances (task, "instances");
  push_colors (self);
  quorum_canvas_clear_layers (self->canvas);
  /* A video's frames and each frame's instances (interpolated between
   * keyframes) reach the canvas through its video task; the layers follow
   * the frame too. */
  if (image == NULL)
    quorum_video_task_set_instances (self->video_task, instances);
  else
    {
      quorum_canvas_show_image (self->canvas, quorum_image_loader_get_best (image),
                                quorum_image_loader_get_tiles (image),
                                quorum_image_loader_get_width (image), quorum_image_loader_get_height (image));
      quorum_canvas_set_instances (self->canvas, instances);
    }
  quorum_canvas_set_editable (self->canvas, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->timeline), image == NULL);
  /* The gold only when the server sent it: never otherwise. */
  if (json_object_has_member (task, "gold"))
    {
      g_autoptr(GPtrArray) gold = read_instances (task, "gold");
      GdkRGBA color = { 0.96, 0.76, 0.07, 1.0 };

      quorum_canvas_set_layer (self->canvas, GOLD_LAYER, gold, &color);
    }
  self->shown_task = position;
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");
  quorum_canvas_fit (self->canvas);
  if (self->wanted_instance >= 0 && (guint) self->wanted_instance < instances->len)
    show_wanted (self, instances);
  /* A refresh keeps the frame the user went to. */
  if (image == NULL)
    self->wanted_instance = -1;
}

typedef struct {
  QuorumExamResult *self;
  guint             position;
} ImageLoad;

static void
image_load_free (ImageLoad *load)
{
  g_clear_object (&load->self);
  g_free (load);
}

static void
show_image_error (QuorumExamResult *self,
                  const char       *message)
{
  if (self->canvas_stack == NULL)  /* closed meanwhile */
    return;
  adw_status_page_set_description (self->canvas_error_page, message);
  gtk_stack_set_visible_child_name (self->canvas_stack, "error");
}

static void
image_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ImageLoad *load = user_data;
  QuorumImageLoader *image = QUORUM_IMAGE_LOADER (source);
  g_autoptr(GError) error = NULL;

  if (!quorum_image_loader_load_finish (image, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_image_error (load->self, error->message);
    }
  else
    {
      g_hash_table_insert (load->self->textures,
                           GSIZE_TO_POINTER ((gsize) quorum_image_loader_get_file (image)), g_object_ref (image));
      show_on_canvas (load->self, load->position, image);
    }
  image_load_free (load);
}

static void
video_opened (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ImageLoad *load = user_data;
  g_autoptr(GError) error = NULL;

  if (!quorum_video_task_open_finish (QUORUM_VIDEO_TASK (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          load->self->video_file = 0;
          show_image_error (load->self, error->message);
        }
    }
  else
    show_on_canvas (load->self, load->position, NULL);
  image_load_free (load);
}

/* A video's proxy and frame index from the media folder (downloaded first
 * when they are not there), as the main window opens a video task. */
static void
show_video (QuorumExamResult *self,
            guint             position,
            gint64            file)
{
  ImageLoad *load;

  if (self->video_file == file && quorum_video_task_is_open (self->video_task))
    {
      show_on_canvas (self, position, NULL);
      return;
    }
  quorum_video_task_close (self->video_task);
  self->video_file = file;
  gtk_stack_set_visible_child_name (self->canvas_stack, "loading");
  load = g_new0 (ImageLoad, 1);
  load->self = g_object_ref (self);
  load->position = position;
  quorum_video_task_open_async (self->video_task, quorum_session_get_cache (self->session),
                                quorum_session_get_client (self->session), file,
                                g_settings_get_uint64 (self->settings, "video-frame-cache"),
                                self->image_cancellable, video_opened, load);
}

/* The task's image from the media cache, downloaded first when it is not
 * there, as the main window opens a task's. */
static void
show_task (QuorumExamResult *self,
           guint             position)
{
  JsonObject *task = task_at (self, position);
  g_autoptr(QuorumImageLoader) image = NULL;
  QuorumImageLoader *loaded;
  ImageLoad *load;
  gint64 file;

  if (task == NULL)
    return;
  g_cancellable_cancel (self->image_cancellable);
  g_clear_object (&self->image_cancellable);
  self->image_cancellable = g_cancellable_new ();
  file = json_object_get_int_member_with_default (task, "file", 0);
  if (task_is_video (task))
    {
      show_video (self, position, file);
      return;
    }
  if (self->video_file != 0)
    {
      quorum_video_task_close (self->video_task);
      self->video_file = 0;
    }
  loaded = g_hash_table_lookup (self->textures, GSIZE_TO_POINTER ((gsize) file));
  if (loaded != NULL)
    {
      show_on_canvas (self, position, loaded);
      return;
    }
  gtk_stack_set_visible_child_name (self->canvas_stack, "loading");
  load = g_new0 (ImageLoad, 1);
  load->self = g_object_ref (self);
  load->position = position;
  image = quorum_image_loader_new (quorum_session_get_cache (self->session),
                                   quorum_session_get_client (self->session), file);
  quorum_image_loader_load_async (image, self->image_cancellable, image_loaded, load);
}

/* The chosen instance's row is the one selected among every task's. */
static void
mark_row (QuorumExamResult *self,
          guint             task,
          guint             instance)
{
  for (guint i = 0; i < self->task_groups->len; i++)
    {
      GtkListBox *list = g_object_get_data (g_ptr_array_index (self->task_groups, i), "list");
      GtkListBoxRow *row = NULL;

      /* On a video a row stands for a track's instances. */
      for (int r = 0; i == task && (row = gtk_list_box_get_row_at_index (list, r)) != NULL; r++)
        if (gtk_list_box_row_get_selectable (row) &&
            GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "instance")) == instance)
          break;

      if (row != NULL)
        gtk_list_box_select_row (list, row);
      else
        gtk_list_box_unselect_all (list);
    }
}

void
quorum_exam_result_show_instance (QuorumExamResult *self,
                                  guint             task,
                                  guint             instance)
{
  g_return_if_fail (QUORUM_IS_EXAM_RESULT (self));

  mark_row (self, task, instance);
  self->wanted_instance = instance;
  if (self->shown_task == (int) task && g_strcmp0 (gtk_stack_get_visible_child_name (self->canvas_stack), "canvas") == 0)
    {
      g_autoptr(GPtrArray) instances = read_instances (task_at (self, task), "instances");

      if (instance < instances->len)
        show_wanted (self, instances);
      if (self->video_file != 0)
        self->wanted_instance = -1;
      return;
    }
  show_task (self, task);
}

static void
instance_activated (QuorumExamResult *self,
                    GtkListBoxRow    *row,
                    GtkListBox       *list)
{
  quorum_exam_result_show_instance (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (list), "task")),
                                    GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "instance")));
}

/* ---- the reply ------------------------------------------------------------------ */

static void
clear_tasks (QuorumExamResult *self)
{
  for (guint i = 0; i < self->task_groups->len; i++)
    gtk_box_remove (self->tasks_box, g_ptr_array_index (self->task_groups, i));
  g_ptr_array_set_size (self->task_groups, 0);
}

static GtkWidget *
task_group (QuorumExamResult *self,
            JsonObject       *task,
            guint             position)
{
  GtkWidget *group = adw_preferences_group_new ();
  const char *comments = json_object_get_string_member_with_default (task, "comments", NULL);
  JsonObject *stars = object_member (task, "stars");
  g_autoptr(GPtrArray) instances = read_instances (task, "instances");
  g_autofree char *average = format_average (json_object_get_member (task, "average_stars"));
  gint64 missed = json_object_get_int_member_with_default (task, "missed", 0);
  gboolean video = task_is_video (task);
  g_autofree char *summary = NULL;
  GtkWidget *list;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                   json_object_get_string_member_with_default (task, "file_name", _("Task")));
  if (stars == NULL)
    summary = g_strdup (_("Not reviewed yet."));
  else if (video)
    /* Translators: a video task's score in an exam result (rated per track) */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Average %s stars, %d gold track missed.",
                                            "Average %s stars, %d gold tracks missed.", (gulong) missed),
                               average, (int) missed);
  else
    /* Translators: a task's score in an exam result, "Average 3.50 stars, 1 gold instance missed." */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Average %s stars, %d gold instance missed.",
                                            "Average %s stars, %d gold instances missed.", (gulong) missed),
                               average, (int) missed);
  if (comments != NULL && *comments != '\0')
    {
      /* Translators: the reviewer's comments on a task, under its score */
      g_autofree char *with_comments = g_strdup_printf (_("%s\nThe reviewer wrote: “%s”"), summary, comments);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), with_comments);
    }
  else
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), summary);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (list, "boxed-list");
  g_object_set_data (G_OBJECT (list), "task", GUINT_TO_POINTER (position));
  g_signal_connect_object (list, "row-activated", G_CALLBACK (instance_activated), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      const char *key = rating_key (task, instance);
      JsonNode *star = stars != NULL && key != NULL ? json_object_get_member (stars, key) : NULL;
      g_autofree char *title = NULL;
      gint64 n_stars = star != NULL && JSON_NODE_HOLDS_VALUE (star) ? json_node_get_int (star) : 0;
      g_autofree char *rating = describe_stars (n_stars);
      g_autofree char *drawn = draw_stars (n_stars);
      GtkWidget *row;
      GtkWidget *stars_label;
      guint first = instance->frame, last = instance->frame, shown = i;

      /* On a video a row per track, rated as a whole: its first instance
       * stands for it, and its frames say where it is. */
      if (video)
        {
          gboolean seen = FALSE;

          for (guint j = 0; j < instances->len && !seen; j++)
            {
              const QuorumInstance *other = g_ptr_array_index (instances, j);

              if (g_strcmp0 (rating_key (task, other), key) != 0)
                continue;
              seen = j < i;
              if (other->frame < first)
                shown = j;
              first = MIN (first, other->frame);
              last = MAX (last, other->frame);
            }
          if (seen)
            continue;
          /* Translators: a video track in an exam result, "Box · car, frames 0–10" */
          title = g_strdup_printf (_("%s · %s, frames %u–%u"), kind_title (instance->kind),
                                   instance->label != NULL ? instance->label : "", first, last);
        }
      else
        title = g_strdup_printf ("%s · %s", kind_title (instance->kind), instance->label != NULL ? instance->label : "");
      row = adw_action_row_new ();
      stars_label = gtk_label_new (drawn);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rating);
      gtk_widget_add_css_class (stars_label, "warning");
      gtk_widget_add_css_class (stars_label, "title-4");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), stars_label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, video ? _("Show its first frame") : _("Show it on the image"));
      g_object_set_data (G_OBJECT (row), "instance", GUINT_TO_POINTER (shown));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  if (instances->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("You drew no instance on this image."));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "instance", GUINT_TO_POINTER (0));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  if (json_object_has_member (task, "gold"))
    {
      JsonArray *gold = array_member (task, "gold");
      guint n_gold = gold != NULL ? json_array_get_length (gold) : 0;
      g_autofree char *text = NULL;

      if (video)
        {
          /* On a video the gold is counted in tracks, as it is rated. */
          g_autoptr(GPtrArray) gold_instances = read_instances (task, "gold");
          g_autoptr(GHashTable) tracks = g_hash_table_new (g_str_hash, g_str_equal);

          for (guint i = 0; i < gold_instances->len; i++)
            g_hash_table_add (tracks, (gpointer) rating_key (task, g_ptr_array_index (gold_instances, i)));
          n_gold = g_hash_table_size (tracks);
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The answer: %u gold track, in yellow",
                                               "The answer: %u gold tracks, in yellow", n_gold), n_gold);
        }
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The answer: %u gold instance, in yellow",
                                             "The answer: %u gold instances, in yellow", n_gold), n_gold);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
  g_object_set_data (G_OBJECT (group), "list", list);
  return group;
}

static void
show_reply (QuorumExamResult *self)
{
  JsonObject *reply = json_node_get_object (self->reply);
  const char *state = json_object_get_string_member_with_default (reply, "state", "");
  JsonArray *tasks = array_member (reply, "tasks");
  JsonNode *average = json_object_get_member (reply, "average_stars");
  g_autofree char *average_text = format_average (average);
  g_autofree char *missed = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             json_object_get_int_member_with_default (reply, "missed", 0));
  g_autofree char *gold_score = g_strdup_printf ("%.2f",
                                                 json_object_get_double_member_with_default (reply, "gold_score", 0));
  g_autofree char *rule = quorum_exam_describe_pass_rule (object_member (reply, "pass_rule"));
  g_autofree char *subtitle = g_strdup_printf (_("Attempt %d"),
                                               (int) json_object_get_int_member_with_default (reply, "number", 0));
  gboolean reviewed = json_object_get_boolean_member_with_default (reply, "reviewed", FALSE);
  gboolean meets = json_object_get_boolean_member_with_default (reply, "meets_pass_rule", FALSE);
  const char *verdict;

  adw_window_title_set_title (self->window_title, json_object_get_string_member_with_default (reply, "exam", _("Exam")));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_label_set_label (self->decision_label, quorum_exam_describe_state (state));
  gtk_widget_remove_css_class (GTK_WIDGET (self->decision_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->decision_label), "error");
  if (g_strcmp0 (state, "passed") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->decision_label), "success");
  else if (g_strcmp0 (state, "failed") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->decision_label), "error");

  if (g_strcmp0 (state, "passed") == 0 || g_strcmp0 (state, "failed") == 0)
    verdict = meets ? _("The trainer decided. Your work met the pass rule.")
                    : _("The trainer decided. Your work did not meet the pass rule.");
  else if (g_strcmp0 (state, "reviewed") == 0)
    verdict = meets ? _("Reviewed: your work meets the pass rule. The trainer decides next.")
                    : _("Reviewed: your work does not meet the pass rule. The trainer decides next.");
  else if (g_strcmp0 (state, "submitted") == 0)
    verdict = _("You submitted every task. A reviewer rates your work next.");
  else
    verdict = _("Some of this attempt’s tasks are not submitted yet: they are in your task list.");
  gtk_label_set_label (self->verdict_label, verdict);

  gtk_label_set_label (self->average_label, reviewed || JSON_NODE_HOLDS_VALUE (average) ? average_text : _("Not rated"));
  gtk_label_set_label (self->missed_label, missed);
  gtk_label_set_label (self->gold_score_label, gold_score);
  gtk_label_set_label (self->rule_label, !reviewed ? _("Not reviewed yet") : meets ? _("Met") : _("Not met"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->rule_label), rule);

  clear_tasks (self);
  for (guint i = 0; tasks != NULL && i < json_array_get_length (tasks); i++)
    {
      GtkWidget *group = task_group (self, json_array_get_object_element (tasks, i), i);

      gtk_box_append (self->tasks_box, group);
      g_ptr_array_add (self->task_groups, group);
    }
  gtk_stack_set_visible_child_name (self->stack, "result");
  find_labels (self, tasks);
  /* The image shown stays, with the new stars. */
  if (self->shown_task >= 0)
    show_task (self, self->shown_task);
  else if (tasks != NULL && json_array_get_length (tasks) > 0)
    {
      self->wanted_instance = -1;
      show_task (self, 0);
    }
}

static void
got_attempt (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QuorumExamResult) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    {
      g_clear_pointer (&self->reply, json_node_unref);
      self->reply = g_steal_pointer (&reply);
      self->loaded = TRUE;
      show_reply (self);
      return;
    }
  if (self->reply != NULL)
    return;  /* what was shown stays; offline, the next sync brings it */
  if (error == NULL)
    g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, _("The server’s answer is not a result."));
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

void
quorum_exam_result_refresh (QuorumExamResult *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_EXAM_RESULT (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  path = g_strdup_printf ("/attempts/%" G_GINT64_FORMAT, self->attempt);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL, self->cancellable,
                            got_attempt, g_object_ref (self));
}

static void
on_sync_state (QuorumExamResult *self,
               GParamSpec       *pspec,
               QuorumSync       *sync)
{
  QuorumSyncState state = quorum_sync_get_state (sync);

  if (state == QUORUM_SYNC_SYNCED && self->sync_state != QUORUM_SYNC_SYNCED)
    quorum_exam_result_refresh (self);
  self->sync_state = state;
}

static void
result_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  quorum_exam_result_refresh (QUORUM_EXAM_RESULT (widget));
}

/* ---- for the tests ---------------------------------------------------------------- */

gint64
quorum_exam_result_get_attempt (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), 0);
  return self->attempt;
}

gboolean
quorum_exam_result_is_loaded (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), FALSE);
  return self->loaded;
}

const char *
quorum_exam_result_get_decision_text (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  return gtk_label_get_label (self->decision_label);
}

const char *
quorum_exam_result_get_average_text (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  return gtk_label_get_label (self->average_label);
}

const char *
quorum_exam_result_get_missed_text (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  return gtk_label_get_label (self->missed_label);
}

const char *
quorum_exam_result_get_gold_score_text (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  return gtk_label_get_label (self->gold_score_label);
}

const char *
quorum_exam_result_get_rule_text (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  return gtk_label_get_label (self->rule_label);
}

guint
quorum_exam_result_get_n_tasks (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), 0);
  return self->task_groups->len;
}

int
quorum_exam_result_get_shown_task (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), -1);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->canvas_stack), "canvas") == 0 ? self->shown_task : -1;
}

QuorumCanvas *
quorum_exam_result_get_canvas (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  return self->canvas;
}

QuorumVideoTask *
quorum_exam_result_get_video_task (QuorumExamResult *self)
{
  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  return self->video_task;
}

static AdwActionRow *
row_at (QuorumExamResult *self,
        guint             task,
        guint             row)
{
  GtkListBox *list;
  GtkListBoxRow *found;

  if (task >= self->task_groups->len)
    return NULL;
  list = g_object_get_data (g_ptr_array_index (self->task_groups, task), "list");
  found = gtk_list_box_get_row_at_index (list, row);
  return found != NULL && ADW_IS_ACTION_ROW (found) ? ADW_ACTION_ROW (found) : NULL;
}

const char *
quorum_exam_result_get_row_title (QuorumExamResult *self,
                                  guint             task,
                                  guint             row)
{
  AdwActionRow *found;

  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  found = row_at (self, task, row);
  return found != NULL ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (found)) : NULL;
}

const char *
quorum_exam_result_get_row_subtitle (QuorumExamResult *self,
                                     guint             task,
                                     guint             row)
{
  AdwActionRow *found;

  g_return_val_if_fail (QUORUM_IS_EXAM_RESULT (self), NULL);
  found = row_at (self, task, row);
  return found != NULL ? adw_action_row_get_subtitle (found) : NULL;
}

/* ---- the window --------------------------------------------------------------------- */

static void
quorum_exam_result_dispose (GObject *object)
{
  QuorumExamResult *self = QUORUM_EXAM_RESULT (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->image_cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (quorum_session_get_sync (self->session), self);
  /* Before the canvas and the timeline go. */
  if (self->video_task != NULL)
    quorum_video_task_close (self->video_task);
  g_clear_object (&self->video_task);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_EXAM_RESULT);
  G_OBJECT_CLASS (quorum_exam_result_parent_class)->dispose (object);
}

static void
quorum_exam_result_finalize (GObject *object)
{
  QuorumExamResult *self = QUORUM_EXAM_RESULT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->image_cancellable);
  g_clear_pointer (&self->labels, json_node_unref);
  g_clear_pointer (&self->reply, json_node_unref);
  g_clear_pointer (&self->task_groups, g_ptr_array_unref);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  G_OBJECT_CLASS (quorum_exam_result_parent_class)->finalize (object);
}

static void
quorum_exam_result_class_init (QuorumExamResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_exam_result_dispose;
  object_class->finalize = quorum_exam_result_finalize;

  g_type_ensure (QUORUM_TYPE_CANVAS);
  g_type_ensure (QUORUM_TYPE_TIMELINE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-exam-result.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, window_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, decision_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, average_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, missed_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, gold_score_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, rule_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, tasks_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, canvas_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, canvas_error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, canvas);
  gtk_widget_class_bind_template_child (widget_class, QuorumExamResult, timeline);

  gtk_widget_class_install_action (widget_class, "result.refresh", NULL, result_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "result.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "result.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_exam_result_init (QuorumExamResult *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->task_groups = g_ptr_array_new ();
  self->textures = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->shown_task = -1;
  self->wanted_instance = -1;
  quorum_canvas_set_editable (self->canvas, FALSE);
  /* A video's frames, shown one by one under the timeline. */
  self->video_task = quorum_video_task_new (self->canvas, self->timeline);
  /* Drawn as the main window draws. */
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "fill-opacity", self->canvas, "fill-opacity", G_SETTINGS_BIND_GET);
}

QuorumExamResult *
quorum_exam_result_new (GtkWindow     *parent,
                        QuorumSession *session,
                        gint64         attempt_id)
{
  QuorumExamResult *self;
  QuorumSync *sync;

  g_return_val_if_fail (QUORUM_IS_SESSION (session), NULL);

  self = g_object_new (QUORUM_TYPE_EXAM_RESULT, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->attempt = attempt_id;
  sync = quorum_session_get_sync (session);
  self->sync_state = quorum_sync_get_state (sync);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (on_sync_state), self, G_CONNECT_SWAPPED);
  quorum_exam_result_refresh (self);
  return self;
}
