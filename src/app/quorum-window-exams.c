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

/* The window: the exam catalogue, credentials and a refusal for want of one. */

/* ---- exams and credentials ---------------------------------------------------- */

void
_quorum_window_show_exams (QuorumWindow *self)
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

void
_quorum_window_show_credentials (QuorumWindow *self)
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

void
_quorum_window_close_exam_windows (QuorumWindow *self)
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
    _quorum_window_show_exams (self);
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
    exams = quorum_cache_get_document (_quorum_window_cache_of (refusal->window), "exams", NULL, NULL);
  show_credential_dialog (refusal, exams);
  credential_refusal_free (refusal);
}


/* A next task refused for want of a credential: which exam awards it, from
 * the server's list now or the cached one offline. FALSE when the refusal
 * is not for a credential. */
gboolean
_quorum_window_explain_refusal (QuorumWindow *self,
                                const GError *error)
{
  g_autofree char *credential = g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN)
                                ? required_credential (error->message) : NULL;
  CredentialRefusal *refusal;

  if (credential == NULL)
    return FALSE;
  refusal = g_new0 (CredentialRefusal, 1);
  refusal->window = g_object_ref (self);
  refusal->credential = g_steal_pointer (&credential);
  quorum_client_call_async (_quorum_window_client_of (self), "GET", "/exams", NULL, self->cancellable,
                            got_exams_for_refusal, refusal);
  return TRUE;
}
