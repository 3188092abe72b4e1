/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "quorum-application.h"
#include "quorum-preferences-window.h"
#include "quorum-session.h"
#include "quorum-window.h"

struct _QuorumApplication
{
  AdwApplication  parent_instance;

  char           *server;   /* --server: the address to offer on the start page */
  char           *user;     /* --user: sign in as this user when a token is stored */
  gint64          open_next; /* --open-next: the job whose next task to open */
  gint64          launched;  /* g_get_monotonic_time () at main () */
};

G_DEFINE_FINAL_TYPE (QuorumApplication, quorum_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { "server", 's', 0, G_OPTION_ARG_STRING, NULL, N_("Offer ADDRESS as the server to sign in to"),
    N_("ADDRESS") },
  { "user", 'u', 0, G_OPTION_ARG_STRING, NULL,
    N_("Sign in as USER at once when a sign-in to the server is stored"), N_("USER") },
  { "open-next", 0, 0, G_OPTION_ARG_INT64, NULL, N_("Open the next task of job ID once signed in"),
    N_("ID") },
  { NULL }
};

static int
quorum_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  QuorumApplication *self = QUORUM_APPLICATION (application);
  const char *server = NULL;
  const char *user = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("quorum %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      g_free (self->server);
      self->server = g_strdup (server);
    }
  if (g_variant_dict_lookup (options, "user", "&s", &user))
    {
      g_free (self->user);
      self->user = g_strdup (user);
    }
  g_variant_dict_lookup (options, "open-next", "x", &self->open_next);
  return -1;
}

static void
quorum_application_activate (GApplication *application)
{
  QuorumApplication *self = QUORUM_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    {
      window = GTK_WINDOW (quorum_window_new (self));
      if (self->server != NULL)
        quorum_window_set_server (QUORUM_WINDOW (window), self->server);
      quorum_window_set_open_next (QUORUM_WINDOW (window), self->open_next);
      if (self->server != NULL && self->user != NULL)
        quorum_window_restore_session (QUORUM_WINDOW (window), self->server, self->user);
    }
  gtk_window_present (window);
  quorum_application_time_step ("window presented");
}

static void
show_about (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Quorum developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (application),
                         "application-name", _("Quorum"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Quorum developers"),
                         "developers", developers,
                         "comments", _("Annotate images and video with review, consensus and exams"),
                         "website", "https://github.com/quorum-annotation/quorum",
                         "issue-url", "https://github.com/quorum-annotation/quorum/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
show_preferences (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWidget *preferences = quorum_preferences_window_new (gtk_application_get_active_window (application));

  gtk_window_present (GTK_WINDOW (preferences));
}

static void
quit (GSimpleAction *action,
      GVariant      *parameter,
      gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (application));

  /* Closing each window lets it save its state first. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

/* The default action of a market notification (QuorumMarketWatch). */
static void
show_market (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  /* The main window, not a window of its own such as the market itself. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l != NULL; l = l->next)
    if (QUORUM_IS_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        gtk_widget_activate_action (l->data, "win.market", NULL);
        return;
      }
}

static const GActionEntry app_actions[] = {
  { "about", show_about },
  { "market", show_market },
  { "preferences", show_preferences },
  { "quit", quit },
};

/* The keys of actions that live on the window (the "review" actions of the
 * review panel, "queue" of the task list), listed once in the shortcuts
 * window (data/ui/help-overlay.ui; tests/app/test-keyboard.c checks both). */
static const struct {
  const char *action;
  const char *accels[3];
} action_accels[] = {
  { "app.quit", { "<Control>q" } },
  { "app.preferences", { "<Control>comma" } },
  { "queue.next", { "<Alt>n" } },
  { "review.accept", { "<Alt>a" } },
  { "review.reject", { "<Alt>r" } },
  { "review.mark-selected-best", { "<Alt>m" } },
  { "review.copy-instance", { "<Alt>c" } },
  { "review.pin-comment", { "<Alt>o" } },
  { "review.focus", { "<Alt>f" } },
};

static void
quorum_application_startup (GApplication *application)
{
  QuorumApplication *self = QUORUM_APPLICATION (application);

  /* The stored sign-in and the next task are fetched while GTK starts. */
  if (self->server != NULL && self->user != NULL)
    quorum_session_prepare_restore (self->server, self->user, self->open_next);
  G_APPLICATION_CLASS (quorum_application_parent_class)->startup (application);
  quorum_application_time_step ("GTK started");
  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (action_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), action_accels[i].action,
                                           action_accels[i].accels);
}

static void
quorum_application_finalize (GObject *object)
{
  QuorumApplication *self = QUORUM_APPLICATION (object);

  g_free (self->server);
  g_free (self->user);
  G_OBJECT_CLASS (quorum_application_parent_class)->finalize (object);
}

static void
quorum_application_class_init (QuorumApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = quorum_application_finalize;
  application_class->activate = quorum_application_activate;
  application_class->startup = quorum_application_startup;
  application_class->handle_local_options = quorum_application_handle_local_options;
}

static void
quorum_application_init (QuorumApplication *self)
{
  self->launched = g_get_monotonic_time ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Annotate images and video for a Quorum server."));
}

QuorumApplication *
quorum_application_new (GApplicationFlags flags)
{
  return g_object_new (QUORUM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/org/quorum/Quorum",
                       NULL);
}

/* When the program started, for QUORUM_TIMING=1: main () sets it first thing. */
void
quorum_application_set_launch_time (QuorumApplication *self,
                                    gint64             monotonic_time)
{
  g_return_if_fail (QUORUM_IS_APPLICATION (self));
  self->launched = monotonic_time;
}

gint64
quorum_application_get_launch_time (QuorumApplication *self)
{
  g_return_val_if_fail (QUORUM_IS_APPLICATION (self), 0);
  return self->launched;
}

/* QUORUM_TIMING=1: "quorum: launch to STEP: N ms" on stderr. */
void
quorum_application_time_step (const char *step)
{
  GApplication *application = g_application_get_default ();
  static int timing = -1;

  if (timing < 0)
    timing = g_strcmp0 (g_getenv ("QUORUM_TIMING"), "1") == 0;
  if (!timing || !QUORUM_IS_APPLICATION (application))
    return;
  fprintf (stderr, "quorum: launch to %s: %.0f ms\n", step,
           (g_get_monotonic_time () - QUORUM_APPLICATION (application)->launched) / 1000.0);
}
