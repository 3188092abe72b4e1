/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <gst/gst.h>

#include "app-test-server.h"
#include "app-test-video.h"
#include "quorum-guide-render.h"
#include "quorum-guide-view.h"
#include "video-clip.h"

/*
 * A video in a job's guide, against a real quorum-server: a guide naming a
 * WebM the project holds ("![how to draw](how-to-draw.webm)") shows it in
 * the open task's Guide page as a moving picture of the clip's size — a
 * GtkMediaStream, muted and looping, playing while the page shows and
 * paused while another page does; a guide naming a video the project lacks
 * shows its placeholder, as for a picture.
 */

#define ROOT_PASSWORD "correct horse battery"
#define CLIP_WIDTH 160
#define CLIP_HEIGHT 96

static AppTestServer server;

static GtkMediaStream *
guide_video (void)
{
  QuorumGuideView *view = app_test_child (server.window, "guide_view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (quorum_guide_view_get_text_view (view));
  GPtrArray *anchors = quorum_guide_render_get_anchors (buffer);

  for (guint i = 0; anchors != NULL && i < anchors->len; i++)
    {
      GdkPaintable *paintable = g_object_get_data (g_ptr_array_index (anchors, i), QUORUM_GUIDE_ANCHOR_IMAGE);

      if (GTK_IS_MEDIA_STREAM (paintable))
        return GTK_MEDIA_STREAM (paintable);
    }
  return NULL;
}

static gboolean
video_shown (gpointer data)
{
  return guide_video () != NULL;
}

static gboolean
video_playing (gpointer playing)
{
  GtkMediaStream *stream = guide_video ();

  return stream != NULL && gtk_media_stream_get_playing (stream) == GPOINTER_TO_INT (playing);
}

static gboolean
task_open (gpointer data)
{
  GtkStack *stack = app_test_child (server.window, "canvas_stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "canvas") == 0;
}

static gboolean
placeholder_shown (gpointer name)
{
  QuorumGuideView *view = app_test_child (server.window, "guide_view");
  GPtrArray *images = quorum_guide_render_get_images (gtk_text_view_get_buffer (quorum_guide_view_get_text_view (view)));

  for (guint i = 0; images != NULL && i < images->len; i++)
    {
      QuorumGuideImage *image = g_ptr_array_index (images, i);

      if (g_strcmp0 (image->name, name) == 0 && !image->found)
        return TRUE;
    }
  return FALSE;
}

static void
test_video_in_guide (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = g_build_filename (server.home, "how-to-draw.webm", NULL);
  g_autofree char *picture = g_build_filename (server.home, "street.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  g_autoptr(JsonNode) video = NULL;
  g_autoptr(JsonNode) image = NULL;
  g_autoptr(JsonNode) task = NULL;
  g_autofree char *job_body = NULL;
  AdwViewStack *side;
  GtkMediaStream *stream;
  gint64 guide, job;

  json_node_unref (app_test_call (server.admin, "POST", "/projects", "{\"name\": \"Guides with video\"}"));
  json_node_unref (app_test_call (server.admin, "PUT", "/projects/1/labels",
                                  "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\","
                                  " \"attributes\": []}]}"));
  g_assert_true (clip_make (CLIP_VP9_WEBM, clip, CLIP_WIDTH, CLIP_HEIGHT, 30, 30, NULL, &error));
  g_assert_no_error (error);
  video = quorum_client_upload_sync (server.admin, 1, clip, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, picture, "png", &error, NULL));
  image = quorum_client_upload_sync (server.admin, 1, picture, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  guide = app_test_call_id (server.admin, "POST", "/projects/1/guides",
                            "{\"name\": \"Cars\", \"markdown\": \"# Cars\\n\\nWatch first:\\n\\n"
                            "![how to draw a car](how-to-draw.webm)\\n\\n![missing](absent.webm)\\n\"}");
  g_assert_cmpint (guide, >, 0);
  job_body = g_strdup_printf ("{\"settings\": {\"name\": \"Cars\", \"passes_per_file\": 1, \"review_frequency\": 0,"
                              " \"draw_guide\": \"%" G_GINT64_FORMAT "\"}, \"files\": [%" G_GINT64_FORMAT "]}",
                              guide, json_object_get_int_member (json_node_get_object (image), "id"));
  job = app_test_call_id (server.admin, "POST", "/projects/1/jobs", job_body);
  json_node_unref (app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", job));
  task = app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", job);

  app_test_server_open_window (&server, 1280, 900);
  app_test_sign_in_root (&server, ROOT_PASSWORD);
  quorum_window_open_task (server.window, json_object_get_int_member (json_node_get_object (task), "id"));
  g_assert_true (app_test_wait_until (task_open, NULL));

  side = app_test_child (server.window, "side_stack");
  adw_view_stack_set_visible_child_name (side, "guide");
  g_assert_true (app_test_wait_until (video_shown, NULL));
  stream = guide_video ();
  /* the clip's own size, muted, looping, playing while its page shows */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (stream)), ==, CLIP_WIDTH);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (stream)), ==, CLIP_HEIGHT);
  g_assert_true (gtk_media_stream_get_muted (stream));
  g_assert_true (gtk_media_stream_get_loop (stream));
  g_assert_true (app_test_wait_until (video_playing, GINT_TO_POINTER (TRUE)));
  g_assert_null (gtk_media_stream_get_error (stream));
  /* a video the project lacks: a placeholder, as a picture would have */
  g_assert_true (placeholder_shown ("absent.webm"));
  app_test_screenshot (GTK_WINDOW (server.window), "guide-video.png");

  /* another page: it stops; back: it plays again */
  adw_view_stack_set_visible_child_name (side, "instances");
  g_assert_true (app_test_wait_until (video_playing, GINT_TO_POINTER (FALSE)));
  adw_view_stack_set_visible_child_name (side, "guide");
  g_assert_true (app_test_wait_until (video_playing, GINT_TO_POINTER (TRUE)));
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

  app_test_server_make_home (&server, "quorum-guide-video-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  gst_init (&argc, &argv);
  app_test_server_start (&server, ROOT_PASSWORD);

  g_test_add_func ("/guide-video/plays-inline", test_video_in_guide);
  status = g_test_run ();

  app_test_server_stop (&server);
  return status;
}
