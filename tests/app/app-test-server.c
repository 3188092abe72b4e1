/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "quorum-sign-in-page.h"
#include "quorum-task-list.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/* Everything the app writes goes into a folder of the test's own. */
void
app_test_server_make_home (AppTestServer *server,
                           const char    *template)
{
  static const char *names[] = { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME" };
  g_autoptr(GError) error = NULL;

  server->home = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (server->home, names[i], NULL);

      g_mkdir_with_parents (path, 0700);
      g_setenv (names[i], path, TRUE);
    }
  g_setenv ("QUORUM_CREDENTIALS_STORE", "file", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("QUORUM_LOCALEDIR"));
  textdomain (GETTEXT_PACKAGE);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Children that die with the test, with fast password hashing. */
GSubprocessLauncher *
app_test_server_launcher (void)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  return launcher;
}

void
app_test_server_start (AppTestServer *server,
                       const char    *root_password)
{
  g_autoptr(GSubprocessLauncher) launcher = app_test_server_launcher ();
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *data_dir = g_build_filename (server->home, "server", NULL);
  g_autofree char *password_line = g_strconcat (root_password, "\n", NULL);
  guint port = 0;

  admin = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                       "--data", data_dir, "--create-admin", "root", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (admin, password_line, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  server->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                                 "--data", data_dir, "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "port"));
  g_assert_cmpint (sscanf (strstr (line, "port"), "port %u", &port), ==, 1);
  server->address = g_strdup_printf ("http://127.0.0.1:%u", port);
  server->admin = app_test_server_sign_in (server, "root", root_password);
}

/* The app, registered and held, and its window presented. */
void
app_test_server_open_window (AppTestServer *server,
                             int            width,
                             int            height)
{
  g_autoptr(GError) error = NULL;

  server->application = quorum_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (server->application), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (server->application));
  server->window = quorum_window_new (server->application);
  gtk_window_set_default_size (GTK_WINDOW (server->window), width, height);
  gtk_window_present (GTK_WINDOW (server->window));
}

/* Closes the window and the app, stops the server and removes the folder. */
void
app_test_server_stop (AppTestServer *server)
{
  g_autofree char *command = NULL;

  if (server->window != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&server->window)));
  if (server->application != NULL)
    g_application_release (G_APPLICATION (server->application));
  g_clear_object (&server->application);
  if (server->process != NULL)
    {
      g_subprocess_send_signal (server->process, SIGKILL);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_clear_object (&server->process);
  g_clear_object (&server->admin);
  g_clear_pointer (&server->address, g_free);
  if (server->home == NULL)
    return;
  command = g_strdup_printf ("rm -rf '%s'", server->home);
  if (system (command) != 0)
    g_printerr ("could not remove %s\n", server->home);
  g_clear_pointer (&server->home, g_free);
}

QuorumClient *
app_test_server_sign_in (AppTestServer *server,
                         const char    *user,
                         const char    *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumClient) client = quorum_client_new (server->address, &error);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_no_error (error);
  reply = quorum_client_login_sync (client, user, password, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

/* A call that must succeed: any error ends the test. */
JsonNode *
app_test_call (QuorumClient *client,
               const char   *method,
               const char   *path,
               const char   *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *reply;

  if (body != NULL)
    {
      node = quorum_wire_parse_bytes (body, strlen (body), &error);
      g_assert_no_error (error);
    }
  reply = quorum_client_call_sync (client, method, path, node, NULL, &error);
  if (error != NULL)
    g_error ("%s %s: %s", method, path, error->message);
  return reply;
}

gint64
app_test_call_id (QuorumClient *client,
                  const char   *method,
                  const char   *path,
                  const char   *body)
{
  g_autoptr(JsonNode) reply = app_test_call (client, method, path, body);

  return json_object_get_int_member (json_node_get_object (reply), "id");
}

/* ---- driving the window ------------------------------------------------- */

/* Turns the main loop until @condition holds, for 15 s at the most. */
gboolean
app_test_wait_until (gboolean (*condition) (gpointer),
                     gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
    }
  return TRUE;
}

void
app_test_iterate (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

gpointer
app_test_child (QuorumWindow *window,
                const char   *name)
{
  /* The window composes pages; each has its own template. */
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), QUORUM_TYPE_WINDOW, name);
  GtkWidget *page;

  if (object == NULL)
    {
      page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), QUORUM_TYPE_WINDOW, "sign_in_page"));
      object = gtk_widget_get_template_child (page, QUORUM_TYPE_SIGN_IN_PAGE, name);
    }
  if (object == NULL)
    {
      page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), QUORUM_TYPE_WINDOW, "tasks"));
      object = gtk_widget_get_template_child (page, QUORUM_TYPE_TASK_LIST, name);
    }
  g_assert_nonnull (object);
  return object;
}

/* The message dialog shown with @heading, or %NULL. */
GtkWidget *
app_test_find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return window;
    }
  return NULL;
}

JsonObject *
app_test_server_run_demo (AppTestServer *server)
{
  g_autoptr(GSubprocessLauncher) launcher = app_test_server_launcher ();
  g_autoptr(GSubprocess) demo = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *demo_out = NULL;
  g_autofree char *demo_err = NULL;

  g_subprocess_launcher_setenv (launcher, "QUORUM_TOKEN", quorum_client_get_token (server->admin), TRUE);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  demo = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUMCTL_BIN"), "demo", "--server",
                                      server->address, "--json", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (demo, NULL, NULL, &demo_out, &demo_err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (demo) != 0)
    g_error ("quorumctl demo: %s", demo_err);
  node = quorum_wire_parse_bytes (demo_out, strlen (demo_out), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
demo_account (JsonObject *demo,
              const char *user)
{
  JsonArray *accounts = json_object_get_array_member (demo, "accounts");

  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);

      if (g_str_equal (json_object_get_string_member (account, "name"), user))
        return account;
    }
  g_error ("no demo account %s", user);
  return NULL;
}

const char *
app_test_demo_password (JsonObject *demo,
                        const char *user)
{
  return json_object_get_string_member (demo_account (demo, user), "password");
}

gint64
app_test_demo_user_id (JsonObject *demo,
                       const char *user)
{
  return json_object_get_int_member (demo_account (demo, user), "id");
}

gint64
app_test_demo_job_id (JsonObject *demo,
                      const char *prefix)
{
  JsonArray *jobs = json_object_get_array_member (demo, "jobs");

  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);

      if (g_str_has_prefix (json_object_get_string_member (job, "name"), prefix))
        return json_object_get_int_member (job, "id");
    }
  g_error ("no demo job %s", prefix);
  return 0;
}

JsonNode *
app_test_callf (QuorumClient *client,
                const char   *method,
                const char   *body,
                const char   *format,
                ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  return app_test_call (client, method, path, body);
}

/* With QUORUM_SCREENSHOT_DIR set: @window as GTK renders it, into
 * @file_name there; nothing otherwise. */
void
app_test_screenshot (GtkWindow  *window,
                     const char *file_name)
{
  const char *dir = g_getenv ("QUORUM_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  app_test_iterate (1500);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (GTK_WIDGET (window)),
                          gtk_widget_get_height (GTK_WIDGET (window)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node, NULL);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}
