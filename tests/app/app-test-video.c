/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <gdk/x11/gdkx.h>

#include "app-test-video.h"

void
app_test_press_keys (GtkWindow  *window,
                     const char *keys)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (
                                                   gtk_native_get_surface (GTK_NATIVE (window))));
  g_auto(GStrv) argv = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) split = g_strsplit (keys, " ", -1);
  int status;

  g_strv_builder_add_many (builder, "xdotool", "windowfocus", "--sync", xid, "key", "--delay", "30", NULL);
  g_strv_builder_addv (builder, (const char **) split);
  argv = g_strv_builder_end (builder);
  /* The key events wait in the X server until the loop reads them. */
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static gboolean
video_ready (QuorumClient *admin,
             gint64        file_id)
{
  g_autoptr(JsonNode) node = app_test_callf (admin, "GET", NULL, "/files/%" G_GINT64_FORMAT, file_id);
  JsonObject *video = json_object_get_object_member (json_node_get_object (node), "video");

  g_assert_nonnull (video);
  if (g_test_verbose ())
    g_printerr ("video %s %g\n", json_object_get_string_member (video, "state"),
                json_object_get_double_member_with_default (video, "progress", -1));
  g_assert_cmpstr (json_object_get_string_member (video, "state"), !=, "failed");
  return g_str_equal (json_object_get_string_member (video, "state"), "ready");
}

void
app_test_wait_video_ready (QuorumClient *admin,
                           gint64        file_id)
{
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!video_ready (admin, file_id))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (50000);
    }
}

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "work") == 0;
}

void
app_test_sign_in_window (AppTestServer *server,
                         const char    *user,
                         const char    *password)
{
  gtk_editable_set_text (app_test_child (server->window, "server_row"), server->address);
  gtk_editable_set_text (app_test_child (server->window, "user_row"), user);
  gtk_editable_set_text (app_test_child (server->window, "password_row"), password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server->window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, server->window));
}

void
app_test_sign_in_root (AppTestServer *server,
                       const char    *password)
{
  app_test_sign_in_window (server, "root", password);
}
