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

/* The window: sync conflicts and an ended session. */

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
  if (!quorum_sync_resolve_conflict (_quorum_window_sync_of (self), task,
                                     keep_mine ? QUORUM_CONFLICT_KEEP_MINE : QUORUM_CONFLICT_TAKE_SERVER,
                                     &error))
    {
      _quorum_window_show_toast (self, error->message);
      return;
    }
  if (!keep_mine && self->task_id == task)
    quorum_window_open_task (self, task);
}

void
_quorum_window_on_conflict (QuorumWindow *self,
                            gint64        task_id,
                            QuorumSync   *sync)
{
  g_autoptr(GPtrArray) conflicts = quorum_cache_list_conflicts (_quorum_window_cache_of (self), task_id, NULL);
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

