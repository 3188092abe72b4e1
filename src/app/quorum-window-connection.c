/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-window-private.h"

/*
 * What the window says about the server: a banner while it does not answer
 * ("Working offline — 3 changes wait. Retry"), an "All changes sent" toast
 * once everything that waited is on the server, the task rows fetched again
 * then (their states moved on while we could not ask), and a question before
 * quitting with work that is only on this computer.
 */

/* As AdwBanner (libadwaita 1.3) looks, in 1.2. */
static const char banner_css[] =
  ".offline-banner {"
  "  background-color: mix(@accent_bg_color, @window_bg_color, 0.7);"
  "  padding: 6px 12px;"
  "  min-height: 34px;"
  "}";

void
_quorum_window_setup_connection (QuorumWindow *self)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  g_autoptr(GtkCssProvider) provider = NULL;

  if (g_object_get_data (G_OBJECT (display), "quorum-banner-css") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, banner_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "quorum-banner-css", g_steal_pointer (&provider), g_object_unref);
}

static void
set_banner_text (QuorumWindow *self,
                 guint         pending)
{
  g_autofree char *text = NULL;

  if (pending == 0)
    text = g_strdup (_("Working offline — new tasks need the server"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Working offline — %u change waits",
                                         "Working offline — %u changes wait", pending),
                            pending);
  gtk_label_set_label (self->offline_label, text);
}

/* Follows the sync engine's state and count, whether the server answers,
 * and a session's start and end. Coming back refreshes the task list and
 * says so once what waited is sent. */
void
_quorum_window_update_connection (QuorumWindow *self)
{
  QuorumSync *sync = _quorum_window_sync_of (self);
  QuorumSyncState state = sync != NULL ? quorum_sync_get_state (sync) : QUORUM_SYNC_SYNCED;
  gboolean offline = sync != NULL && (state == QUORUM_SYNC_OFFLINE || !quorum_session_get_reachable (self->session));

  if (offline)
    {
      guint pending = quorum_sync_get_pending (sync);

      set_banner_text (self, pending);
      self->changes_waited |= pending > 0;
    }
  gtk_revealer_set_reveal_child (self->offline_banner, offline);
  if (offline != self->offline)
    {
      self->offline = offline;
      _quorum_window_update_actions (self);
      if (offline || sync == NULL)
        {
          self->announce_back = FALSE;
          if (sync == NULL)
            self->changes_waited = FALSE;
          return;
        }
      /* Back: once the outbox is empty, a word and the rows as the server
       * has them then (asked earlier, they would miss what is still on its
       * way: a task the edits put in progress). */
      self->announce_back = TRUE;
    }
  if (!self->announce_back)
    return;
  if (state == QUORUM_SYNC_SYNCED)
    {
      _quorum_window_show_toast (self, self->changes_waited ? _("All changes sent")
                                                            : _("Connected to the server again"));
      self->announce_back = FALSE;
      self->changes_waited = FALSE;
      _quorum_window_refresh_tasks (self);
    }
  else if (state != QUORUM_SYNC_PENDING)
    {
      /* A conflict or an ended session has its own dialog. */
      self->announce_back = FALSE;
      _quorum_window_refresh_tasks (self);
    }
}

void
_quorum_window_retry (QuorumWindow *self)
{
  QuorumSync *sync = _quorum_window_sync_of (self);

  if (sync != NULL)
    quorum_sync_retry_now (sync);
}

/* ---- quitting with unsent work --------------------------------------------- */

static void
quit_answered (AdwMessageDialog *dialog,
               const char       *response,
               QuorumWindow     *self)
{
  if (!g_str_equal (response, "quit"))
    return;
  self->quit_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* TRUE when the window may close now; otherwise asks, and closes once the
 * user says so. Nothing is lost either way: the outbox is in the cache and
 * goes out at the next start. */
gboolean
_quorum_window_may_close (QuorumWindow *self)
{
  QuorumCache *cache = _quorum_window_cache_of (self);
  guint pending = cache != NULL ? quorum_cache_count_outbox (cache) : 0;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->quit_confirmed || pending == 0)
    return TRUE;
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u change is not on the server yet. It stays on this computer and is sent the next time you start Quorum.",
                                       "%u changes are not on the server yet. They stay on this computer and are sent the next time you start Quorum.",
                                       pending),
                          pending);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Quit With Unsent Changes?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Keep Working"),
                                    "quit", _("_Quit"),
                                    NULL);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_answered), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}
