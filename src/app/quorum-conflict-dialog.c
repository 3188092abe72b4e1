/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "quorum-conflict-dialog.h"
#include "quorum-wire.h"

struct _QuorumConflictDialog
{
  AdwMessageDialog  parent_instance;

  GtkFrame         *mine_frame;
  GtkLabel         *mine_label;
  GtkFrame         *server_frame;
  GtkLabel         *server_label;

  gint64            task;
  gint64            conflict;
  QuorumConflictCause cause;
};

G_DEFINE_FINAL_TYPE (QuorumConflictDialog, quorum_conflict_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* ---- what a conflict is about ----------------------------------------------- */

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

void
quorum_conflict_names (QuorumCache  *cache,
                       gint64        task_id,
                       char        **file,
                       char        **job)
{
  g_autoptr(JsonNode) view = quorum_cache_get_task (cache, task_id, NULL);
  JsonObject *object = view != NULL && JSON_NODE_HOLDS_OBJECT (view) ? json_node_get_object (view) : NULL;
  const char *file_name = json_object_get_string_member_with_default (object_member (object, "file_info"), "name",
                                                                      NULL);
  const char *job_name = object != NULL ? json_object_get_string_member_with_default (object, "job_name", NULL)
                                        : NULL;

  if (file != NULL)
    *file = file_name != NULL ? g_strdup (file_name)
                              /* Translators: a file whose name this computer never knew */
                              : g_strdup_printf (_("the file of task %" G_GINT64_FORMAT), task_id);
  if (job != NULL)
    *job = job_name != NULL ? g_strdup (job_name) : g_strdup (_("its job"));
}

const char *
quorum_conflict_cause_phrase (QuorumConflictCause cause)
{
  switch (cause)
    {
    case QUORUM_CONFLICT_STALE:
      return _("saved elsewhere first");
    case QUORUM_CONFLICT_NOT_YOURS:
      return _("no longer yours");
    case QUORUM_CONFLICT_RELEASED:
      return _("released");
    case QUORUM_CONFLICT_REASSIGNED:
      return _("given to someone else");
    case QUORUM_CONFLICT_DECIDED:
      return _("already decided");
    case QUORUM_CONFLICT_JOB_CLOSED:
      return _("its job was closed");
    case QUORUM_CONFLICT_REFUSED:
    default:
      return _("refused by the server");
    }
}

static const char *
heading_of (QuorumConflictCause cause)
{
  switch (cause)
    {
    case QUORUM_CONFLICT_STALE:
      return _("This Task Changed on the Server");
    case QUORUM_CONFLICT_NOT_YOURS:
      return _("This Task Is No Longer Yours");
    case QUORUM_CONFLICT_RELEASED:
      return _("This Task Was Released");
    case QUORUM_CONFLICT_REASSIGNED:
      return _("This Task Was Given to Someone Else");
    case QUORUM_CONFLICT_DECIDED:
      return _("This Task Was Already Decided");
    case QUORUM_CONFLICT_JOB_CLOSED:
      return _("This Job Was Closed");
    case QUORUM_CONFLICT_REFUSED:
    default:
      return _("The Server Refused Your Work");
    }
}

/* What happened and what the choices do, in two sentences. */
static char *
body_of (const QuorumCacheConflict *conflict,
         const char                *file,
         const char                *job)
{
  const char *reason = conflict->reason != NULL ? conflict->reason : _("no reason given");

  switch (conflict->cause)
    {
    case QUORUM_CONFLICT_STALE:
      return g_strdup_printf (_("“%s” in “%s” was saved on the server from elsewhere while you worked on it. "
                                "Keep yours to save it over the server’s, take the server’s and work on from it, "
                                "or set yours aside as a copy."), file, job);
    case QUORUM_CONFLICT_NOT_YOURS:
      return g_strdup_printf (_("“%s” in “%s” was taken back while you worked on it: it was released or given to "
                                "someone else. The server no longer takes your work on it; keep it as a copy you "
                                "can open and export from Conflict Copies."), file, job);
    case QUORUM_CONFLICT_RELEASED:
      return g_strdup_printf (_("“%s” in “%s” was released while you worked on it, and nobody holds it now. "
                                "The server no longer takes your work on it; keep it as a copy you can open and "
                                "export from Conflict Copies."), file, job);
    case QUORUM_CONFLICT_REASSIGNED:
      return g_strdup_printf (_("“%s” in “%s” was given to someone else while you worked on it. "
                                "The server no longer takes your work on it; keep it as a copy you can open and "
                                "export from Conflict Copies."), file, job);
    case QUORUM_CONFLICT_DECIDED:
      return g_strdup_printf (_("“%s” in “%s” was already submitted, reviewed or accepted (%s). The server takes no "
                                "more work on it: take its version, or keep yours as a copy."), file, job, reason);
    case QUORUM_CONFLICT_JOB_CLOSED:
      return g_strdup_printf (_("The job “%s” was closed while you worked on “%s” (%s). The server takes no more "
                                "work on it; keep yours as a copy you can open and export from Conflict Copies."),
                              job, file, reason);
    case QUORUM_CONFLICT_REFUSED:
    default:
      return g_strdup_printf (_("The server refused your work on “%s” in “%s”: %s. Correct it and keep yours, take "
                                "the server’s, or set yours aside as a copy."), file, job, reason);
    }
}

QuorumLabelSchema *
quorum_conflict_schema (QuorumCache *cache,
                        gint64       task_id)
{
  g_autoptr(JsonNode) view = quorum_cache_get_task (cache, task_id, NULL);
  JsonNode *labels;

  if (view == NULL || !JSON_NODE_HOLDS_OBJECT (view) ||
      (labels = json_object_get_member (json_node_get_object (view), "labels")) == NULL)
    return NULL;
  return quorum_wire_read_label_schema (labels, "labels", NULL);
}

char *
quorum_conflict_describe_instances (GPtrArray *instances)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GString *text = g_string_new (NULL);

  if (instances == NULL || instances->len == 0)
    return g_strdup (_("No instances"));
  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, instance->label));

      if (n == 0)
        g_ptr_array_add (order, instance->label);
      g_hash_table_insert (counts, instance->label, GUINT_TO_POINTER (n + 1));
    }
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u instance", "%u instances", instances->len),
                          instances->len);
  g_string_append (text, ": ");
  for (guint i = 0; i < order->len; i++)
    {
      const char *label = g_ptr_array_index (order, i);

      /* Translators: how many instances of a label, "3 × car" */
      g_string_append_printf (text, _("%s%u × %s"), i > 0 ? ", " : "",
                              GPOINTER_TO_UINT (g_hash_table_lookup (counts, label)), label);
    }
  return g_string_free (text, FALSE);
}

/* ---- a small drawing of the instances --------------------------------------- */

typedef struct {
  GPtrArray         *instances;
  QuorumLabelSchema *schema;
  double             width;
  double             height;
} Preview;

static void
preview_free (Preview *preview)
{
  g_clear_pointer (&preview->instances, g_ptr_array_unref);
  g_clear_pointer (&preview->schema, quorum_label_schema_free);
  g_free (preview);
}

static void
draw_preview (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  Preview *preview = user_data;
  double scale = MIN ((width - 8) / preview->width, (height - 8) / preview->height);
  double x0 = (width - preview->width * scale) / 2, y0 = (height - preview->height * scale) / 2;

  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.15);
  cairo_rectangle (cr, x0, y0, preview->width * scale, preview->height * scale);
  cairo_fill (cr);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < preview->instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (preview->instances, i);
      const QuorumLabel *label = preview->schema != NULL ? quorum_label_schema_find (preview->schema, instance->label)
                                                         : NULL;
      GdkRGBA color = { 0.2, 0.5, 0.9, 1 };

      if (label != NULL)
        gdk_rgba_parse (&color, label->color);
      gdk_cairo_set_source_rgba (cr, &color);
      if (instance->n_points == 0)
        continue;
      if (instance->kind == QUORUM_KIND_BOX && instance->n_points >= 2)
        {
          double ax = x0 + instance->points[0].x * scale, ay = y0 + instance->points[0].y * scale;
          double bx = x0 + instance->points[1].x * scale, by = y0 + instance->points[1].y * scale;

          cairo_rectangle (cr, MIN (ax, bx), MIN (ay, by), fabs (bx - ax), fabs (by - ay));
          cairo_stroke (cr);
          continue;
        }
      if (instance->kind == QUORUM_KIND_POINT || instance->n_points == 1)
        {
          cairo_arc (cr, x0 + instance->points[0].x * scale, y0 + instance->points[0].y * scale, 2.5, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      for (guint p = 0; p < instance->n_points; p++)
        cairo_line_to (cr, x0 + instance->points[p].x * scale, y0 + instance->points[p].y * scale);
      if (instance->kind == QUORUM_KIND_POLYGON)
        cairo_close_path (cr);
      cairo_stroke (cr);
    }
}

GtkWidget *
quorum_conflict_preview_new (GPtrArray         *instances,
                             QuorumLabelSchema *schema,
                             double             image_width,
                             double             image_height)
{
  GtkWidget *area = gtk_drawing_area_new ();
  Preview *preview = g_new0 (Preview, 1);

  preview->instances = instances != NULL ? g_ptr_array_ref (instances) : g_ptr_array_new ();
  preview->schema = schema;
  preview->width = image_width;
  preview->height = image_height;
  /* Without the file's size, the instances' own extent. */
  for (guint i = 0; (preview->width <= 0 || preview->height <= 0) && i < preview->instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (preview->instances, i);

      for (guint p = 0; p < instance->n_points; p++)
        {
          image_width = MAX (image_width, instance->points[p].x);
          image_height = MAX (image_height, instance->points[p].y);
        }
    }
  if (preview->width <= 0 || preview->height <= 0)
    {
      preview->width = MAX (image_width, 1);
      preview->height = MAX (image_height, 1);
    }
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 110);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_preview, preview, (GDestroyNotify) preview_free);
  return area;
}

/* ---- the dialog ------------------------------------------------------------- */

static void
quorum_conflict_dialog_class_init (QuorumConflictDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-conflict-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumConflictDialog, mine_frame);
  gtk_widget_class_bind_template_child (widget_class, QuorumConflictDialog, mine_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumConflictDialog, server_frame);
  gtk_widget_class_bind_template_child (widget_class, QuorumConflictDialog, server_label);
}

static void
quorum_conflict_dialog_init (QuorumConflictDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GPtrArray *
read_instances (const char *text)
{
  g_autoptr(JsonNode) node = text != NULL ? quorum_wire_parse_bytes (text, strlen (text), NULL) : NULL;

  return node != NULL ? quorum_wire_read_instances (node, NULL, "instances", NULL) : NULL;
}

static void
file_size (QuorumCache *cache,
           gint64       task_id,
           double      *width,
           double      *height)
{
  g_autoptr(JsonNode) view = quorum_cache_get_task (cache, task_id, NULL);
  JsonObject *info = view != NULL && JSON_NODE_HOLDS_OBJECT (view)
                     ? object_member (json_node_get_object (view), "file_info") : NULL;

  *width = info != NULL ? json_object_get_int_member_with_default (info, "width", 0) : 0;
  *height = info != NULL ? json_object_get_int_member_with_default (info, "height", 0) : 0;
}

static void
show_side (GtkFrame          *frame,
           GtkLabel          *label,
           GPtrArray         *instances,
           QuorumLabelSchema *schema,
           double             width,
           double             height)
{
  g_autofree char *text = quorum_conflict_describe_instances (instances);

  gtk_frame_set_child (frame, quorum_conflict_preview_new (instances, schema, width, height));
  gtk_label_set_label (label, text);
}

QuorumConflictDialog *
quorum_conflict_dialog_new (GtkWindow                 *parent,
                            QuorumCache               *cache,
                            const QuorumCacheConflict *conflict)
{
  QuorumConflictDialog *self;
  g_autofree char *file = NULL;
  g_autofree char *job = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  double width, height;
  gint64 version = -1;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  g_return_val_if_fail (conflict != NULL, NULL);

  quorum_conflict_names (cache, conflict->task, &file, &job);
  body = body_of (conflict, file, job);
  self = g_object_new (QUORUM_TYPE_CONFLICT_DIALOG,
                       "transient-for", parent,
                       "heading", heading_of (conflict->cause),
                       "body", body,
                       NULL);
  self->task = conflict->task;
  self->conflict = conflict->id;
  self->cause = conflict->cause;

  /* Yours: what "keep mine" would send, edits made while held included. */
  if (conflict->open)
    mine = quorum_cache_read_local_instances (cache, conflict->task, NULL);
  if (mine == NULL)
    mine = read_instances (conflict->instances);
  file_size (cache, conflict->task, &width, &height);
  show_side (self->mine_frame, self->mine_label, mine, quorum_conflict_schema (cache, conflict->task), width, height);
  /* The server's, as fetched when it refused; nothing when it shows the
   * user the task no more. */
  if (conflict->server_version >= 0)
    theirs = quorum_cache_read_server_instances (cache, conflict->task, &version, NULL);
  if (theirs != NULL)
    show_side (self->server_frame, self->server_label, theirs, quorum_conflict_schema (cache, conflict->task),
               width, height);
  else
    {
      GtkWidget *nothing = gtk_label_new (_("Nothing"));

      gtk_widget_add_css_class (nothing, "dim-label");
      gtk_frame_set_child (self->server_frame, nothing);
      /* A task still the user's whose server side could not be read (the
       * server did not answer that request) is not "nothing". */
      gtk_label_set_label (self->server_label, quorum_conflict_cause_can_take_server (conflict->cause)
                                               ? _("Not known here: the server did not send it")
                                               : _("Nothing: the task is no longer yours"));
    }

  if (quorum_conflict_cause_can_take_server (conflict->cause))
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), "take", _("_Take the Server’s"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), "copy", _("Keep as a _Copy"));
  if (quorum_conflict_cause_can_keep_mine (conflict->cause))
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), "keep", _("_Keep Mine"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "keep", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "keep");
    }
  else
    {
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "copy", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "copy");
    }
  /* Escape decides nothing: the conflict waits, in Conflict Copies. */
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "later");
  return self;
}

gint64
quorum_conflict_dialog_get_task (QuorumConflictDialog *self)
{
  g_return_val_if_fail (QUORUM_IS_CONFLICT_DIALOG (self), 0);
  return self->task;
}

gint64
quorum_conflict_dialog_get_conflict (QuorumConflictDialog *self)
{
  g_return_val_if_fail (QUORUM_IS_CONFLICT_DIALOG (self), 0);
  return self->conflict;
}

QuorumConflictCause
quorum_conflict_dialog_get_cause (QuorumConflictDialog *self)
{
  g_return_val_if_fail (QUORUM_IS_CONFLICT_DIALOG (self), QUORUM_CONFLICT_STALE);
  return self->cause;
}

gboolean
quorum_conflict_dialog_choice_of (const char           *response,
                                  QuorumConflictChoice *choice)
{
  if (g_strcmp0 (response, "keep") == 0)
    *choice = QUORUM_CONFLICT_KEEP_MINE;
  else if (g_strcmp0 (response, "take") == 0)
    *choice = QUORUM_CONFLICT_TAKE_SERVER;
  else if (g_strcmp0 (response, "copy") == 0)
    *choice = QUORUM_CONFLICT_KEEP_COPY;
  else
    return FALSE;
  return TRUE;
}
