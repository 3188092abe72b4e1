/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "quorum-application.h"
#include "quorum-canvas-pins.h"
#include "quorum-review-panel.h"
#include "quorum-window.h"

#include "app-test-server.h"

/*
 * Point pins against a real quorum-server filled by `quorumctl demo`: a
 * reviewer rejects a draw with a task comment and one pinned to a point of
 * the image; the annotator's window opens the returned task with the pin
 * drawn on the canvas where the reviewer put it, and choosing its comment
 * centres the view on the pin, drawn highlighted.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
} server;

#define call app_test_callf

static QuorumReviewPanel *
panel (void)
{
  return app_test_child (server.real.window, "review_panel");
}

static QuorumCanvas *
canvas (void)
{
  return app_test_child (server.real.window, "canvas");
}

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "work") == 0;
}

static gboolean
comments_shown (gpointer data)
{
  return quorum_window_get_task (server.real.window) == *(gint64 *) data &&
         g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (server.real.window, "canvas_stack")),
                    "canvas") == 0 &&
         quorum_review_panel_get_n_comments (panel ()) == 2;
}

/* The canvas as drawn, its pixel at @x, @y (widget pixels) as 0xAARRGGBB. */
static guint32
pixel_at (int x,
          int y)
{
  GtkWidget *widget = GTK_WIDGET (canvas ());
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);
  return pixels[(gsize) y * width + x];
}

static gboolean
is_pin_red (guint32 pixel)
{
  guint r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;

  return r > 180 && g < 90 && b < 90;
}

static void
test_point_pin (void)
{
  gint64 job = app_test_demo_job_id (server.demo, "Street scenes — consensus");
  g_autoptr(QuorumClient) rita = app_test_server_sign_in (&server.real, "rita", app_test_demo_password (server.demo,
                                                                                                          "rita"));
  g_autoptr(JsonNode) tasks = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/tasks", job);
  g_autoptr(JsonNode) review_view = NULL;
  g_autofree char *body = NULL;
  const char *annotator = NULL;
  gint64 review = 0, draw = 0;
  int width, height;
  double pin_x, pin_y, x, y, cx, cy;
  JsonArray *list = json_node_get_array (tasks);

  /* The demo's review still to do: rita takes it and sends the draw back. */
  for (guint i = 0; i < json_array_get_length (list) && review == 0; i++)
    {
      JsonObject *task = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (task, "kind"), "review") &&
          g_str_equal (json_object_get_string_member (task, "state"), "available"))
        review = json_object_get_int_member (task, "id"), draw = json_object_get_int_member (task, "reviews");
    }
  g_assert_cmpint (review, !=, 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (json_object_get_int_member (json_array_get_object_element (list, i), "id") == draw)
      annotator = json_object_get_string_member (json_array_get_object_element (list, i), "assignee_name");
  g_assert_nonnull (annotator);
  body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", app_test_demo_user_id (server.demo, "rita"));
  json_node_unref (call (server.real.admin, "POST", body, "/tasks/%" G_GINT64_FORMAT "/assign", review));
  review_view = call (rita, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, review);
  {
    JsonObject *info = json_object_get_object_member (json_node_get_object (review_view), "file_info");

    width = (int) json_object_get_int_member (info, "width");
    height = (int) json_object_get_int_member (info, "height");
  }
  /* Off the image's middle, so that centring it moves the view. */
  pin_x = floor (width * 0.3);
  pin_y = floor (height * 0.35);
  g_free (body);
  body = g_strdup_printf ("{\"comment\": \"A car is missing.\", \"pins\": [{\"text\": \"This one, here.\", "
                          "\"x\": %.0f, \"y\": %.0f}]}", pin_x, pin_y);
  json_node_unref (call (rita, "POST", body, "/tasks/%" G_GINT64_FORMAT "/reject", review));

  /* The annotator's window: the returned task, its two comments, one pin. */
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), annotator);
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"),
                         app_test_demo_password (server.demo, annotator));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, server.real.window));
  quorum_window_open_task (server.real.window, draw);
  g_assert_true (app_test_wait_until (comments_shown, &draw));
  g_assert_cmpuint (quorum_canvas_get_n_pins (canvas ()), ==, 1);
  g_assert_true (quorum_canvas_get_pin (canvas (), 0, &x, &y));
  g_assert_cmpfloat (x, ==, pin_x);
  g_assert_cmpfloat (y, ==, pin_y);
  g_assert_cmpint (quorum_canvas_get_highlighted_pin (canvas ()), ==, -1);

  /* Zoomed in, the pin is away from the middle; the task comment moves nothing. */
  app_test_iterate (300);
  cx = gtk_widget_get_width (GTK_WIDGET (canvas ())) / 2.0;
  cy = gtk_widget_get_height (GTK_WIDGET (canvas ())) / 2.0;
  quorum_canvas_zoom_at (canvas (), 3, cx, cy);
  quorum_review_panel_choose_comment (panel (), 0);
  g_assert_cmpint (quorum_canvas_get_highlighted_pin (canvas ()), ==, -1);
  quorum_canvas_image_to_widget (canvas (), pin_x, pin_y, &x, &y);
  g_assert_true (fabs (x - cx) > 20 || fabs (y - cy) > 20);

  /* Its comment: the pin highlighted, in the middle of the view. */
  quorum_review_panel_choose_comment (panel (), 1);
  g_assert_cmpint (quorum_canvas_get_highlighted_pin (canvas ()), ==, 0);
  quorum_canvas_image_to_widget (canvas (), pin_x, pin_y, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, cx, 1);
  g_assert_cmpfloat_with_epsilon (y, cy, 1);
  /* And drawn: red just above its point (its head, left of its white
   * number), over the image. */
  app_test_iterate (100);
  g_assert_true (is_pin_red (pixel_at ((int) cx - 8, (int) (cy - 16 * 1.3))));

  /* Another task's view (none pinned) drops the pin with the layers. */
  quorum_canvas_clear_layers (canvas ());
  g_assert_cmpuint (quorum_canvas_get_n_pins (canvas ()), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-pins-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/pins/point", test_point_pin);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
