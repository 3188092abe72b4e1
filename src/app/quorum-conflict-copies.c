/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "quorum-conflict-copies.h"
#include "quorum-conflict-dialog.h"
#include "quorum-error.h"
#include "quorum-wire.h"

struct _QuorumConflictCopies
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkListBox      *list;

  QuorumCache     *cache;
  GArray          *shown;    /* conflict ids, in row order */
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (QuorumConflictCopies, quorum_conflict_copies, ADW_TYPE_WINDOW)

enum {
  OPEN_COPY,
  RESOLVE,
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- sending and exporting -------------------------------------------------- */

gboolean
quorum_conflict_copies_can_send (QuorumCache               *cache,
                                 const QuorumCacheConflict *conflict)
{
  g_autoptr(JsonNode) mine = NULL;
  g_autoptr(JsonNode) view = quorum_cache_get_task (cache, conflict->task, NULL);
  const char *state = view != NULL && JSON_NODE_HOLDS_OBJECT (view)
                      ? json_object_get_string_member_with_default (json_node_get_object (view), "state", "") : "";

  /* The task as last fetched must still take work, and the list of the
   * user's tasks still hold it. */
  if (conflict->open || quorum_cache_in_conflict (cache, conflict->task) ||
      !(g_str_equal (state, "assigned") || g_str_equal (state, "in_progress") || g_str_equal (state, "rejected")) ||
      (mine = quorum_cache_get_my_tasks (cache, NULL)) == NULL || !JSON_NODE_HOLDS_ARRAY (mine))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (mine)); i++)
    {
      JsonNode *row = json_array_get_element (json_node_get_array (mine), i);

      if (JSON_NODE_HOLDS_OBJECT (row) &&
          json_object_get_int_member_with_default (json_node_get_object (row), "id", 0) == conflict->task &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (row), "kind", "draw"),
                     "draw") == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
quorum_conflict_copies_send (QuorumCache  *cache,
                             gint64        conflict_id,
                             GError      **error)
{
  g_autoptr(QuorumCacheConflict) conflict = NULL;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), FALSE);

  if ((conflict = quorum_cache_get_conflict (cache, conflict_id, error)) == NULL)
    return FALSE;
  if (!quorum_conflict_copies_can_send (cache, conflict))
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE,
                           _("The task is no longer yours to work on: export the copy instead"));
      return FALSE;
    }
  return quorum_cache_save_local (cache, conflict->task, conflict->instances, error);
}

static JsonNode *
export_document (QuorumCache  *cache,
                 gint64        conflict_id,
                 GError      **error)
{
  g_autoptr(QuorumCacheConflict) conflict = quorum_cache_get_conflict (cache, conflict_id, error);
  g_autoptr(JsonNode) view = NULL;
  g_autoptr(JsonNode) instances = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *when = NULL;
  JsonObject *document, *job, *file, *object = NULL;
  JsonNode *member;

  if (conflict == NULL ||
      (instances = quorum_wire_parse_bytes (conflict->instances, strlen (conflict->instances), error)) == NULL)
    return NULL;
  view = quorum_cache_get_task (cache, conflict->task, NULL);
  if (view != NULL && JSON_NODE_HOLDS_OBJECT (view))
    object = json_node_get_object (view);
  document = json_object_new ();
  json_object_set_string_member (document, "format", "quorum-conflict-copy");
  json_object_set_int_member (document, "format_version", 1);
  json_object_set_int_member (document, "task", conflict->task);
  job = json_object_new ();
  json_object_set_int_member (job, "id", object != NULL ? json_object_get_int_member_with_default (object, "job", 0) : 0);
  if (object != NULL && json_object_has_member (object, "job_name"))
    json_object_set_member (job, "name", json_node_copy (json_object_get_member (object, "job_name")));
  json_object_set_object_member (document, "job", job);
  file = json_object_new ();
  json_object_set_int_member (file, "id", object != NULL ? json_object_get_int_member_with_default (object, "file", 0) : 0);
  if (object != NULL && (member = json_object_get_member (object, "file_info")) != NULL && JSON_NODE_HOLDS_OBJECT (member))
    {
      JsonObject *info = json_node_get_object (member);
      const char *names[] = { "name", "width", "height", "frames" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (json_object_has_member (info, names[i]))
          json_object_set_member (file, names[i], json_node_copy (json_object_get_member (info, names[i])));
    }
  json_object_set_object_member (document, "file", file);
  json_object_set_string_member (document, "cause", quorum_conflict_cause_to_string (conflict->cause));
  json_object_set_string_member (document, "reason", conflict->reason != NULL ? conflict->reason : "");
  created = g_date_time_new_from_unix_utc (conflict->created);
  when = g_date_time_format_iso8601 (created);
  json_object_set_string_member (document, "created", when);
  if (object != NULL && (member = json_object_get_member (object, "labels")) != NULL)
    json_object_set_member (document, "labels", json_node_copy (member));
  json_object_set_member (document, "instances", g_steal_pointer (&instances));
  return json_node_init_object (json_node_alloc (), document);
}

static void
export_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
quorum_conflict_copies_export_async (QuorumCache         *cache,
                                     gint64               conflict_id,
                                     GFile               *file,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  char *text;

  g_task_set_source_tag (task, quorum_conflict_copies_export_async);
  if ((document = export_document (cache, conflict_id, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  text = quorum_wire_to_string (document, TRUE);
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                       export_written, g_steal_pointer (&task));
}

gboolean
quorum_conflict_copies_export_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_conflict_copies_export_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the list --------------------------------------------------------------- */

static void
toast (QuorumConflictCopies *self,
       const char           *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static const char *
choice_phrase (const QuorumCacheConflict *conflict)
{
  if (conflict->open)
    return _("waiting for your choice");
  switch (conflict->resolution)
    {
    case QUORUM_CONFLICT_KEEP_MINE:
      return _("you kept yours");
    case QUORUM_CONFLICT_TAKE_SERVER:
      return _("you took the server’s");
    case QUORUM_CONFLICT_KEEP_COPY:
    default:
      return _("kept as a copy");
    }
}

static GtkWidget *
row_button (const char *label,
            const char *action,
            gint64      conflict_id,
            const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", conflict_id);
  return button;
}

static GtkWidget *
make_row (QuorumConflictCopies      *self,
          const QuorumCacheConflict *conflict)
{
  g_autofree char *file = NULL;
  g_autofree char *job = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *when = NULL;
  g_autofree char *counts = NULL;
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (conflict->created);
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (conflict->instances, strlen (conflict->instances), NULL);
  g_autoptr(GPtrArray) instances = node != NULL ? quorum_wire_read_instances (node, NULL, "instances", NULL) : NULL;
  GtkWidget *row = adw_action_row_new ();

  quorum_conflict_names (self->cache, conflict->task, &file, &job);
  /* Translators: a conflict copy's row: the file, then its job */
  title = g_strdup_printf (_("%s — %s"), file, job);
  when = g_date_time_format (created, "%x %X");
  counts = quorum_conflict_describe_instances (instances);
  subtitle = g_strdup_printf ("%s · %s · %s\n%s", when, quorum_conflict_cause_phrase (conflict->cause),
                              choice_phrase (conflict), counts);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  if (conflict->open)
    {
      GtkWidget *resolve = row_button (_("_Resolve…"), "copies.resolve", conflict->id,
                                       _("Choose what becomes of this work"));

      gtk_widget_add_css_class (resolve, "suggested-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), resolve);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button (_("_Open"), "copies.open", conflict->id,
                                                               _("Show this copy on the canvas, read-only")));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button (_("_Export…"), "copies.export", conflict->id,
                                                               _("Save this copy as a Quorum JSON file")));
  /* Only where the server would take it: a task the user still holds. */
  if (quorum_conflict_copies_can_send (self->cache, conflict))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (_("_Send"), "copies.send", conflict->id,
                                           _("Send this copy to the server as a new version of the task")));
  return row;
}

void
quorum_conflict_copies_reload (QuorumConflictCopies *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_return_if_fail (QUORUM_IS_CONFLICT_COPIES (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_array_set_size (self->shown, 0);
  if ((conflicts = quorum_cache_list_conflicts (self->cache, 0, &error)) == NULL)
    {
      toast (self, error->message);
      return;
    }
  for (guint i = conflicts->len; i > 0; i--)
    {
      const QuorumCacheConflict *conflict = g_ptr_array_index (conflicts, i - 1);

      gtk_list_box_append (self->list, make_row (self, conflict));
      g_array_append_val (self->shown, conflict->id);
    }
  gtk_stack_set_visible_child_name (self->stack, self->shown->len > 0 ? "list" : "empty");
}

guint
quorum_conflict_copies_get_n_copies (QuorumConflictCopies *self)
{
  g_return_val_if_fail (QUORUM_IS_CONFLICT_COPIES (self), 0);
  return self->shown->len;
}

gint64
quorum_conflict_copies_get_copy (QuorumConflictCopies *self,
                                 guint                 index)
{
  g_return_val_if_fail (QUORUM_IS_CONFLICT_COPIES (self), 0);
  return index < self->shown->len ? g_array_index (self->shown, gint64, index) : 0;
}

/* ---- actions ---------------------------------------------------------------- */

static void
exported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumConflictCopies) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!quorum_conflict_copies_export_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The copy could not be exported: %s"), error->message);
      toast (self, message);
      return;
    }
  toast (self, _("Copy exported"));
}

static void
export_chosen (GtkNativeDialog *chooser,
               int              response,
               gpointer         user_data)
{
  QuorumConflictCopies *self = user_data;
  gint64 conflict = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chooser), "conflict"));
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    quorum_conflict_copies_export_async (self->cache, conflict, file, self->cancellable, exported,
                                         g_object_ref (self));
  g_object_unref (chooser);
}

static void
export_copy (QuorumConflictCopies *self,
             gint64                conflict_id)
{
  GtkFileChooserNative *chooser;
  g_autoptr(QuorumCacheConflict) conflict = quorum_cache_get_conflict (self->cache, conflict_id, NULL);
  g_autofree char *file = NULL;
  g_autofree char *name = NULL;
  char *dot;

  if (conflict == NULL)
    return;
  quorum_conflict_names (self->cache, conflict->task, &file, NULL);
  if ((dot = strrchr (file, '.')) != NULL)
    *dot = '\0';
  /* Translators: the suggested name of an exported conflict copy */
  name = g_strdup_printf (_("%s (conflict copy).json"), file);
  chooser = gtk_file_chooser_native_new (_("Export Conflict Copy"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "conflict", GSIZE_TO_POINTER (conflict_id));
  g_signal_connect (chooser, "response", G_CALLBACK (export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  QuorumConflictCopies *self = QUORUM_CONFLICT_COPIES (widget);
  gint64 conflict = g_variant_get_int64 (parameter);

  if (g_str_equal (action_name, "copies.open"))
    g_signal_emit (self, signals[OPEN_COPY], 0, conflict);
  else if (g_str_equal (action_name, "copies.resolve"))
    g_signal_emit (self, signals[RESOLVE], 0, conflict);
  else if (g_str_equal (action_name, "copies.export"))
    export_copy (self, conflict);
  else if (g_str_equal (action_name, "copies.send"))
    {
      g_autoptr(QuorumCacheConflict) copy = quorum_cache_get_conflict (self->cache, conflict, NULL);
      g_autoptr(GError) error = NULL;

      if (copy == NULL || !quorum_conflict_copies_send (self->cache, conflict, &error))
        {
          toast (self, error != NULL ? error->message : _("This copy is no longer here"));
          return;
        }
      toast (self, _("The copy is being sent as a new version of its task"));
      g_signal_emit (self, signals[SENT], 0, copy->task);
    }
}

/* ---- the object ------------------------------------------------------------- */

static void
quorum_conflict_copies_dispose (GObject *object)
{
  QuorumConflictCopies *self = QUORUM_CONFLICT_COPIES (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_CONFLICT_COPIES);
  G_OBJECT_CLASS (quorum_conflict_copies_parent_class)->dispose (object);
}

static void
quorum_conflict_copies_finalize (GObject *object)
{
  QuorumConflictCopies *self = QUORUM_CONFLICT_COPIES (object);

  g_clear_object (&self->cache);
  g_clear_object (&self->cancellable);
  g_array_unref (self->shown);
  G_OBJECT_CLASS (quorum_conflict_copies_parent_class)->finalize (object);
}

static void
quorum_conflict_copies_class_init (QuorumConflictCopiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_conflict_copies_dispose;
  object_class->finalize = quorum_conflict_copies_finalize;

  /**
   * QuorumConflictCopies::open-copy:
   * @conflict_id: the conflict copy
   *
   * The user asked to see the copy on the canvas.
   */
  signals[OPEN_COPY] = g_signal_new ("open-copy", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                     NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * QuorumConflictCopies::resolve:
   * @conflict_id: an open conflict
   *
   * The user asked to choose what becomes of a conflict still open.
   */
  signals[RESOLVE] = g_signal_new ("resolve", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * QuorumConflictCopies::sent:
   * @task_id: the task
   *
   * A copy was queued as a new version of @task_id.
   */
  signals[SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-conflict-copies.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumConflictCopies, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumConflictCopies, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumConflictCopies, list);
  gtk_widget_class_install_action (widget_class, "copies.open", "x", copy_action);
  gtk_widget_class_install_action (widget_class, "copies.resolve", "x", copy_action);
  gtk_widget_class_install_action (widget_class, "copies.export", "x", copy_action);
  gtk_widget_class_install_action (widget_class, "copies.send", "x", copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
quorum_conflict_copies_init (QuorumConflictCopies *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cancellable = g_cancellable_new ();
}

QuorumConflictCopies *
quorum_conflict_copies_new (GtkWindow   *parent,
                            QuorumCache *cache)
{
  QuorumConflictCopies *self;

  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);

  self = g_object_new (QUORUM_TYPE_CONFLICT_COPIES, "transient-for", parent, NULL);
  self->cache = g_object_ref (cache);
  /* The list follows the cache: a conflict raised or resolved meanwhile. */
  g_signal_connect_object (cache, "outbox-changed", G_CALLBACK (quorum_conflict_copies_reload), self,
                           G_CONNECT_SWAPPED);
  quorum_conflict_copies_reload (self);
  return self;
}
