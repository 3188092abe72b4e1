/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "quorum-application.h"

int
main (int    argc,
      char **argv)
{
  gint64 launched = g_get_monotonic_time ();
  g_autoptr(QuorumApplication) application = NULL;
  const char *localedir = g_getenv ("QUORUM_LOCALEDIR");

  /* QUORUM_LOCALEDIR lets the build tree's translations be used uninstalled. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = quorum_application_new (G_APPLICATION_DEFAULT_FLAGS);
  quorum_application_set_launch_time (application, launched);
  return g_application_run (G_APPLICATION (application), argc, argv);
}
