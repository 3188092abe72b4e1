/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "quorum-attribute-editor.h"
#include "quorum-conflict-copies.h"
#include "quorum-conflict-dialog.h"
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

/* The window: sync conflicts (the dialog, conflict copies on the canvas) and an
 * ended session. */

/* ---- conflicts ------------------------------------------------------------------ */

/* The conflict copies window of this window, if open (weak). */
#define COPIES_KEY "quorum-conflict-copies"
/* Conflict ids whose dialog was shown: each is asked once. */
#define ASKED_KEY "quorum-conflicts-asked"

static GHashTable *
asked_conflicts (QuorumWindow *self)
{
  GHashTable *asked = g_object_get_data (G_OBJECT (self), ASKED_KEY);

  if (asked == NULL)
    {
      asked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_object_set_data_full (G_OBJECT (self), ASKED_KEY, asked, (GDestroyNotify) g_hash_table_unref);
    }
  return asked;
}

static void
conflict_chosen (QuorumConflictDialog *dialog,
                 const char           *response,
                 QuorumWindow         *self)
{
  gint64 task = quorum_conflict_dialog_get_task (dialog);
  g_autoptr(GError) error = NULL;
  QuorumConflictChoice choice;

  if (self->session == NULL)
    return;
  if (!quorum_conflict_dialog_choice_of (response, &choice))
    {
      _quorum_window_show_toast (self, _("Your work waits for your choice under Conflict Copies in the main menu"));
      return;
    }
  if (!quorum_sync_resolve_conflict (_quorum_window_sync_of (self), task, choice, &error))
    {
      _quorum_window_show_toast (self, error->message);
      return;
    }
  if (choice == QUORUM_CONFLICT_KEEP_COPY)
    _quorum_window_show_toast (self, _("Your work is kept as a copy: open or export it from Conflict Copies"));
  if (choice == QUORUM_CONFLICT_KEEP_MINE)
    return;
  /* The task is the server's now, or none the user holds: reopening it
   * shows the server's, and the list drops a task no longer theirs. */
  if (quorum_conflict_cause_can_take_server (quorum_conflict_dialog_get_cause (dialog)))
    {
      if (self->task_id == task)
        quorum_window_open_task (self, task);
      return;
    }
  if (self->task_id == task)
    _quorum_window_close_task (self);
  _quorum_window_refresh_tasks (self);
}

/* The dialog asking about @conflict_id, if one is on screen. */
static GtkWindow *
dialog_of (gint64 conflict_id)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (QUORUM_IS_CONFLICT_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          quorum_conflict_dialog_get_conflict (QUORUM_CONFLICT_DIALOG (window)) == conflict_id)
        return window;
    }
  return NULL;
}

static void
ask_about (QuorumWindow              *self,
           const QuorumCacheConflict *conflict)
{
  QuorumConflictDialog *dialog;
  GtkWindow *shown = dialog_of (conflict->id);

  if (shown != NULL)
    {
      gtk_window_present (shown);
      return;
    }
  dialog = quorum_conflict_dialog_new (GTK_WINDOW (self), _quorum_window_cache_of (self), conflict);
  g_hash_table_add (asked_conflicts (self), g_memdup2 (&conflict->id, sizeof conflict->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (conflict_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The task's open conflict, or NULL. */
static QuorumCacheConflict *
open_conflict_of (QuorumWindow *self,
                  gint64        task_id)
{
  g_autoptr(GPtrArray) conflicts = quorum_cache_list_conflicts (_quorum_window_cache_of (self), task_id, NULL);
  QuorumCacheConflict *last;

  if (conflicts == NULL || conflicts->len == 0)
    return NULL;
  last = g_ptr_array_steal_index (conflicts, conflicts->len - 1);
  if (!last->open)
    g_clear_pointer (&last, quorum_cache_conflict_free);
  return last;
}

void
_quorum_window_on_conflict (QuorumWindow *self,
                            gint64        task_id,
                            QuorumSync   *sync)
{
  g_autoptr(QuorumCacheConflict) conflict = open_conflict_of (self, task_id);

  /* Asked once: the answer ends it, and "later" leaves it in Conflict
   * Copies, not in the user's way at every retry. */
  if (conflict == NULL || g_hash_table_contains (asked_conflicts (self), &conflict->id))
    return;
  ask_about (self, conflict);
}

/* A new session asks again about the conflicts left open, once each:
 * work from an earlier run must not wait unseen. */
void
_quorum_window_ask_open_conflicts (QuorumWindow *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;

  g_hash_table_remove_all (asked_conflicts (self));
  if (self->session == NULL ||
      (conflicts = quorum_cache_list_conflicts (_quorum_window_cache_of (self), 0, NULL)) == NULL)
    return;
  for (guint i = 0; i < conflicts->len; i++)
    {
      const QuorumCacheConflict *conflict = g_ptr_array_index (conflicts, i);

      if (conflict->open)
        ask_about (self, conflict);
    }
}

/* A conflict copy on the canvas, read-only: no task is open meanwhile, so
 * nothing is saved or submitted from it. */
typedef struct {
  QuorumWindow      *window;
  QuorumImageLoader *loader;
  GPtrArray         *instances;
  char              *title;
  gint64             conflict;
} OpeningCopy;

static void
opening_copy_free (OpeningCopy *opening)
{
  g_clear_object (&opening->window);
  g_clear_object (&opening->loader);
  g_clear_pointer (&opening->instances, g_ptr_array_unref);
  g_free (opening->title);
  g_free (opening);
}

static void
copy_image_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  OpeningCopy *opening = user_data;
  QuorumWindow *self = opening->window;
  QuorumImageLoader *loader = QUORUM_IMAGE_LOADER (source);
  g_autoptr(GError) error = NULL;

  if (!quorum_image_loader_load_finish (loader, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->task_id == 0)
        _quorum_window_show_task_error (self, error->message);
      opening_copy_free (opening);
      return;
    }
  if (self->task_id != 0 || self->session == NULL)
    {
      opening_copy_free (opening);
      return;
    }
  self->loading = TRUE;
  quorum_canvas_show_image (self->canvas, quorum_image_loader_get_best (loader), quorum_image_loader_get_tiles (loader),
                            quorum_image_loader_get_width (loader), quorum_image_loader_get_height (loader));
  quorum_canvas_set_instances (self->canvas, opening->instances);
  quorum_canvas_set_editable (self->canvas, FALSE);
  self->loading = FALSE;
  g_object_set_data (G_OBJECT (self->canvas), "quorum-conflict-copy", GSIZE_TO_POINTER (opening->conflict));
  adw_window_title_set_title (self->window_title, opening->title);
  gtk_spinner_stop (self->canvas_spinner);
  gtk_stack_set_visible_child_name (self->canvas_stack, "canvas");
  _quorum_window_update_actions (self);
  opening_copy_free (opening);
}

gboolean
_quorum_window_open_conflict_copy (QuorumWindow  *self,
                                   gint64         conflict_id,
                                   GError       **error)
{
  QuorumCache *cache;
  g_autoptr(QuorumCacheConflict) conflict = NULL;
  g_autoptr(JsonNode) view = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *file = NULL;
  OpeningCopy *opening;
  gint64 file_id;

  if (self->session == NULL)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_STATE, _("Sign in to see your conflict copies"));
      return FALSE;
    }
  cache = _quorum_window_cache_of (self);
  if ((conflict = quorum_cache_get_conflict (cache, conflict_id, error)) == NULL ||
      (view = quorum_cache_get_task (cache, conflict->task, error)) == NULL ||
      (node = quorum_wire_parse_bytes (conflict->instances, strlen (conflict->instances), error)) == NULL)
    return FALSE;
  file_id = json_object_get_int_member_with_default (json_node_get_object (view), "file", 0);
  opening = g_new0 (OpeningCopy, 1);
  if ((opening->instances = quorum_wire_read_instances (node, NULL, "instances", error)) == NULL)
    {
      opening_copy_free (opening);
      return FALSE;
    }
  opening->window = g_object_ref (self);
  opening->conflict = conflict_id;
  quorum_conflict_names (cache, conflict->task, &file, NULL);
  /* Translators: the window's title while a conflict copy is shown */
  opening->title = g_strdup_printf (_("Copy of %s (read-only)"), file);
  _quorum_window_close_task (self);
  self->open_cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->canvas_stack, "loading");
  gtk_spinner_start (self->canvas_spinner);
  opening->loader = quorum_image_loader_new (cache, _quorum_window_client_of (self), file_id);
  quorum_image_loader_load_async (opening->loader, self->open_cancellable, copy_image_loaded, opening);
  return TRUE;
}

static void
copies_open_copy (QuorumConflictCopies *copies,
                  gint64                conflict_id,
                  QuorumWindow         *self)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_window_open_conflict_copy (self, conflict_id, &error))
    _quorum_window_show_toast (self, error->message);
  else
    gtk_window_present (GTK_WINDOW (self));
}

static void
copies_resolve (QuorumConflictCopies *copies,
                gint64                conflict_id,
                QuorumWindow         *self)
{
  g_autoptr(QuorumCacheConflict) conflict = quorum_cache_get_conflict (_quorum_window_cache_of (self), conflict_id,
                                                                       NULL);

  if (conflict != NULL && conflict->open)
    ask_about (self, conflict);
}

static void
copies_sent (QuorumConflictCopies *copies,
             gint64                task_id,
             QuorumWindow         *self)
{
  /* The canvas shows the copy's instances as the task's now. */
  if (self->task_id == task_id)
    quorum_window_open_task (self, task_id);
}

static void
copies_gone (gpointer  data,
             GObject  *where_the_object_was)
{
  g_object_steal_data (G_OBJECT (data), COPIES_KEY);
}

/* win.conflict-copies */
QuorumConflictCopies *
_quorum_window_show_conflict_copies (QuorumWindow *self)
{
  QuorumConflictCopies *copies = g_object_get_data (G_OBJECT (self), COPIES_KEY);

  if (self->session == NULL)
    return NULL;
  if (copies == NULL)
    {
      copies = quorum_conflict_copies_new (GTK_WINDOW (self), _quorum_window_cache_of (self));
      g_object_set_data (G_OBJECT (self), COPIES_KEY, copies);
      g_object_weak_ref (G_OBJECT (copies), copies_gone, self);
      g_signal_connect_object (copies, "open-copy", G_CALLBACK (copies_open_copy), self, 0);
      g_signal_connect_object (copies, "resolve", G_CALLBACK (copies_resolve), self, 0);
      g_signal_connect_object (copies, "sent", G_CALLBACK (copies_sent), self, 0);
    }
  gtk_window_present (GTK_WINDOW (copies));
  return copies;
}

void
_quorum_window_conflict_copies_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  QuorumWindow *self = QUORUM_WINDOW (widget);

  if (_quorum_window_show_conflict_copies (self) == NULL)
    _quorum_window_show_toast (self, _("Sign in to see the conflict copies kept on this computer"));
}

/* ---- an ended session ----------------------------------------------------------- */

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
  _quorum_window_show_toast (self, _("Signed in again; your work is being sent"));
  _quorum_window_refresh_tasks (self);
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

void
_quorum_window_on_signed_out (QuorumWindow *self,
                              QuorumSync   *sync)
{
  show_sign_in_dialog (self, NULL);
}

