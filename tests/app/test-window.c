/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "quorum-application.h"
#include "quorum-sign-in-page.h"
#include "quorum-task-list.h"
#include "quorum-window.h"

/* The application all tests share, registered once without D-Bus
 * uniqueness so that several test programs can run side by side. */
static QuorumApplication *application;

static void
iterate (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
wait_until (gboolean (*condition) (gpointer),
            gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
    }
  return TRUE;
}

static gboolean
widget_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
toplevel_shown (gpointer type)
{
  return find_toplevel ((GType) GPOINTER_TO_SIZE (type)) != NULL;
}

/* A named object of the window's template (data/ui/quorum-window.ui). */
static gpointer
template_child (QuorumWindow *window,
                const char   *name)
{
  /* The window composes pages; each has its own template. */
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), QUORUM_TYPE_WINDOW, name);
  GtkWidget *page;

  if (child == NULL)
    {
      page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), QUORUM_TYPE_WINDOW, "sign_in_page"));
      child = gtk_widget_get_template_child (page, QUORUM_TYPE_SIGN_IN_PAGE, name);
    }
  if (child == NULL)
    {
      page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), QUORUM_TYPE_WINDOW, "tasks"));
      child = gtk_widget_get_template_child (page, QUORUM_TYPE_TASK_LIST, name);
    }
  g_assert_nonnull (child);
  return child;
}

static QuorumWindow *
open_window (void)
{
  QuorumWindow *window = quorum_window_new (application);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_until (widget_is_mapped, window));
  return window;
}

static void
close_window (QuorumWindow *window)
{
  gtk_window_close (GTK_WINDOW (window));
  iterate (50);
}

static void
test_start_page (void)
{
  QuorumWindow *window = open_window ();
  GtkStack *stack = template_child (window, "stack");
  GtkWidget *page = template_child (window, "sign_in_page");
  GtkWidget *start = template_child (window, "start_page");

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Quorum");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "start");
  g_assert_true (gtk_stack_get_visible_child (stack) == page);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (start)), ==,
                   "Sign in to a Quorum server");
  g_assert_true (gtk_widget_get_mapped (start));
  close_window (window);
}

/* The servers signed in to before are offered on the server row. */
static void
test_known_servers (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char * const none[] = { NULL };
  const char * const two[] = { "https://quorum.example.org", "http://127.0.0.1:8080", NULL };
  QuorumWindow *window;
  GtkWidget *server, *button;
  GMenuModel *menu;
  g_autofree char *second = NULL;

  g_settings_set_strv (settings, "known-servers", none);
  g_settings_set_string (settings, "last-server", "");
  window = open_window ();
  button = template_child (window, "servers_button");
  g_assert_false (gtk_widget_get_visible (button));
  close_window (window);

  g_settings_set_strv (settings, "known-servers", two);
  window = open_window ();
  server = template_child (window, "server_row");
  button = template_child (window, "servers_button");
  g_assert_true (gtk_widget_get_visible (button));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (menu, 1, G_MENU_ATTRIBUTE_LABEL, "s", &second));
  g_assert_cmpstr (second, ==, "http://127.0.0.1:8080");
  g_assert_true (gtk_widget_activate_action (server, "sign-in.use-server", "s", second));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (server)), ==, "http://127.0.0.1:8080");
  g_settings_set_strv (settings, "known-servers", none);
  close_window (window);
}

static void
test_sign_in_form (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  QuorumWindow *window;
  GtkWidget *server, *user, *password, *button;

  g_settings_set_string (settings, "last-server", "");
  g_settings_set_string (settings, "last-user", "");
  window = open_window ();
  server = template_child (window, "server_row");
  user = template_child (window, "user_row");
  password = template_child (window, "password_row");
  button = template_child (window, "sign_in_button");

  /* Insensitive until all three are filled. */
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_editable_set_text (GTK_EDITABLE (server), "ftp://files.example");
  gtk_editable_set_text (GTK_EDITABLE (user), "alice");
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_editable_set_text (GTK_EDITABLE (password), "correct horse");
  g_assert_true (gtk_widget_is_sensitive (button));

  /* A scheme other than http(s): marked, and nothing remembered. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL));
  g_assert_true (gtk_widget_has_css_class (server, "error"));
  g_assert_cmpstr (g_settings_get_string (settings, "last-server"), ==, "");

  /* Editing clears the mark; a good address is normalised and remembered. */
  gtk_editable_set_text (GTK_EDITABLE (server), "Quorum.Example.org:8443");
  g_assert_false (gtk_widget_has_css_class (server, "error"));
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (gtk_widget_has_css_class (server, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (server)), ==, "http://quorum.example.org:8443");
  {
    g_autofree char *last_server = g_settings_get_string (settings, "last-server");
    g_autofree char *last_user = g_settings_get_string (settings, "last-user");

    g_assert_cmpstr (last_server, ==, "http://quorum.example.org:8443");
    g_assert_cmpstr (last_user, ==, "alice");
  }
  close_window (window);

  /* The next window offers what was remembered. */
  window = open_window ();
  server = template_child (window, "server_row");
  user = template_child (window, "user_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (server)), ==, "http://quorum.example.org:8443");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (user)), ==, "alice");
  close_window (window);
}

static void
test_window_size_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  QuorumWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);
  window = open_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);

  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  close_window (window);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1024);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
test_shortcuts_window (void)
{
  QuorumWindow *window = open_window ();
  GtkWidget *shortcuts;

  g_assert_null (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (wait_until (toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW)));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shortcuts)) == GTK_WINDOW (window));
  gtk_window_close (GTK_WINDOW (shortcuts));
  close_window (window);
}

static void
test_about_window (void)
{
  QuorumWindow *window = open_window ();
  GtkWidget *about;

  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);
  g_assert_true (wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW)));
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Quorum");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_close (GTK_WINDOW (about));
  close_window (window);
}

/* The msgstr of @msgid in a .po file, read here so the test follows the
 * translation instead of repeating it. */
static char *
po_translation (const char *po_path,
                const char *msgid)
{
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf ("\nmsgid \"%s\"\nmsgstr \"", msgid);
  const char *start;
  const char *end;

  g_assert_true (g_file_get_contents (po_path, &contents, NULL, NULL));
  start = strstr (contents, needle);
  g_assert_nonnull (start);
  start += strlen (needle);
  end = strchr (start, '"');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static void
test_german (void)
{
  g_autofree char *po = g_build_filename (g_getenv ("QUORUM_SOURCE_ROOT"), "po", "de.po", NULL);
  g_autofree char *title = po_translation (po, "Sign in to a Quorum server");
  g_autofree char *label = po_translation (po, "_Sign In");
  QuorumWindow *window;
  GtkWidget *start;

  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL)
    {
      /* build-aux/install-deps generates it before every `make test`: a
       * missing locale is a broken setup, not a reason to skip. */
      g_test_fail_printf ("the de_DE.UTF-8 locale is not generated (build-aux/install-deps does it)");
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);
  g_assert_cmpstr (title, !=, "Sign in to a Quorum server");
  g_assert_cmpstr (_("Sign in to a Quorum server"), ==, title);

  window = open_window ();
  start = template_child (window, "start_page");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (start)), ==, title);
  g_assert_cmpstr (gtk_button_get_label (template_child (window, "sign_in_button")), ==, label);
  close_window (window);
  setlocale (LC_ALL, "C.UTF-8");
  g_unsetenv ("LANGUAGE");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("QUORUM_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      /* In CI the display is part of the setup (build-aux/run-tests): its
       * absence is a failure there, not a skip. */
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  application = quorum_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (application));

  g_test_add_func ("/app/start-page", test_start_page);
  g_test_add_func ("/app/known-servers", test_known_servers);
  g_test_add_func ("/app/sign-in-form", test_sign_in_form);
  g_test_add_func ("/app/window-size-remembered", test_window_size_remembered);
  g_test_add_func ("/app/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/app/about-window", test_about_window);
  g_test_add_func ("/app/german", test_german);
  status = g_test_run ();

  g_application_release (G_APPLICATION (application));
  g_clear_object (&application);
  return status;
}
