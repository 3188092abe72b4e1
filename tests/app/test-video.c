/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gdk/x11/gdkx.h>

#include "app-test-video.h"
#include "quorum-canvas.h"
#include "quorum-session.h"
#include "quorum-timeline.h"
#include "quorum-video-source.h"
#include "quorum-video-task.h"
#include "video-clip.h"

#define ROOT_PASSWORD "video-task-root-password"

#define N_FRAMES 120

/* A window as the app's video task has it: the canvas over the timeline,
 * the source's frames shown on the canvas. */
typedef struct
{
  char              *dir;
  GtkWindow         *window;
  QuorumCanvas      *canvas;
  QuorumTimeline    *timeline;
  QuorumVideoSource *source;
} Fixture;

static void
on_texture (QuorumVideoSource *source,
            GParamSpec        *pspec,
            QuorumCanvas      *canvas)
{
  if (quorum_video_source_get_texture (source) != NULL)
    quorum_canvas_show_frame (canvas, quorum_video_source_get_texture (source));
}

static gboolean
wait_until (gboolean (*condition) (gpointer),
            gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
    }
  return TRUE;
}

static void
iterate (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL;
  g_autofree char *proxy = NULL;
  g_autofree char *index_path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) json = NULL;
  QuorumVideoIndex *index;
  GtkWidget *box;
  gsize length;

  fixture->dir = g_dir_make_tmp ("quorum-test-video-XXXXXX", &error);
  g_assert_no_error (error);
  original = g_build_filename (fixture->dir, "clip.webm", NULL);
  proxy = g_build_filename (fixture->dir, "proxy.webm", NULL);
  index_path = g_build_filename (fixture->dir, "frames.json", NULL);
  g_assert_true (clip_make (CLIP_VP9_WEBM, original, 640, 360, 30, N_FRAMES, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (quorum_video_prepare (original, proxy, index_path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (index_path, &text, &length, &error));
  json = g_bytes_new_take (g_steal_pointer (&text), length);
  index = quorum_video_index_new_from_bytes (json, &error);
  g_assert_no_error (error);

  /* A limit of a few frames: steps and jumps evict and decode again. */
  fixture->source = quorum_video_source_new (proxy, index, 12 * 640 * 360 * 4, &error);
  g_assert_no_error (error);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (fixture->window, "Quorum video test");
  gtk_window_set_default_size (fixture->window, 800, 600);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  fixture->canvas = QUORUM_CANVAS (quorum_canvas_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (fixture->canvas), TRUE);
  fixture->timeline = QUORUM_TIMELINE (quorum_timeline_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->canvas));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->timeline));
  gtk_window_set_child (fixture->window, box);
  g_signal_connect (fixture->source, "notify::texture", G_CALLBACK (on_texture), fixture->canvas);
  quorum_timeline_set_source (fixture->timeline, fixture->source);
  gtk_window_present (fixture->window);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  quorum_timeline_set_source (fixture->timeline, NULL);
  g_clear_pointer (&fixture->window, gtk_window_destroy);
  g_clear_object (&fixture->source);
  remove_dir (fixture->dir);
  g_free (fixture->dir);
}

/* The number the canvas's texture shows, read from its pixels. */
static gint
texture_number (QuorumCanvas *canvas)
{
  GdkTexture *texture = quorum_canvas_get_image (canvas);
  int width, height;
  g_autofree guint8 *pixels = NULL;

  if (texture == NULL)
    return -1;
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc (width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  return clip_read_number (pixels, width, height, width * 4);
}

static gint
canvas_number (Fixture *fixture)
{
  return texture_number (fixture->canvas);
}

/* The frame number the timeline displays. */
static gint
timeline_number (QuorumTimeline *timeline)
{
  const char *text = quorum_timeline_get_position_text (timeline);
  guint frame, n_frames;

  g_assert_nonnull (text);
  g_assert_cmpint (sscanf (text, "Frame %u of %u", &frame, &n_frames), ==, 2);
  g_assert_cmpuint (n_frames, ==, N_FRAMES);
  return frame;
}

static gint
displayed_number (Fixture *fixture)
{
  return timeline_number (fixture->timeline);
}

static gboolean
frame_shown (gpointer data)
{
  Fixture *fixture = data;

  return quorum_video_source_get_texture (fixture->source) != NULL &&
         quorum_canvas_get_image (fixture->canvas) == quorum_video_source_get_texture (fixture->source);
}

static gboolean
window_focused (gpointer data)
{
  Fixture *fixture = data;

  return gtk_window_is_active (fixture->window);
}

static void
press_on (GtkWindow  *window,
          const char *keys)
{
  app_test_press_keys (window, keys);
}

static void
press (Fixture    *fixture,
       const char *keys)
{
  press_on (fixture->window, keys);
}

static void
check_frame (Fixture *fixture,
             gint     expected)
{
  g_autofree char *where = g_strdup_printf ("frame %d", expected);

  /* The keys arrive, then the frame is decoded. */
  iterate (100);
  g_assert_true (wait_until (frame_shown, fixture));
  g_assert_cmpint (displayed_number (fixture), ==, expected);
  g_assert_cmpint ((gint) quorum_video_source_get_frame (fixture->source), ==, expected);
  g_assert_cmpint (canvas_number (fixture), ==, expected);
}

static void
test_keys (Fixture       *fixture,
           gconstpointer  data)
{
  if (g_find_program_in_path ("xdotool") == NULL)
    {
      if (g_getenv ("CI") != NULL)
        g_error ("xdotool is not installed (build-aux/install-deps installs it)");
      g_test_skip ("xdotool is not installed");
      return;
    }
  g_assert_true (wait_until (frame_shown, fixture));
  g_assert_true (wait_until (window_focused, fixture) || TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->canvas));
  check_frame (fixture, 0);

  press (fixture, "Right");
  check_frame (fixture, 1);
  press (fixture, "Right Right Right");
  check_frame (fixture, 4);
  press (fixture, "Left");
  check_frame (fixture, 3);
  press (fixture, "shift+Right");
  check_frame (fixture, 13);
  press (fixture, "shift+Right shift+Right shift+Right");
  check_frame (fixture, 43);
  press (fixture, "shift+Left");
  check_frame (fixture, 33);
  press (fixture, "End");
  check_frame (fixture, N_FRAMES - 1);
  press (fixture, "Left");
  check_frame (fixture, N_FRAMES - 2);
  press (fixture, "Home");
  check_frame (fixture, 0);
  /* Go to frame: Ctrl+G, the number, Enter. */
  press (fixture, "ctrl+g");
  iterate (200);
  press (fixture, "7 7 Return");
  check_frame (fixture, 77);
  /* The popover is gone: the keys are the window's again. */
  iterate (300);
  /* Backward steps after a jump: each is a frame the decoder passed. */
  press (fixture, "Left Left");
  check_frame (fixture, 75);
  /* Play, then pause: the frame shown is the one displayed. */
  gtk_widget_grab_focus (GTK_WIDGET (fixture->canvas));
  press (fixture, "k");
  iterate (400);
  press (fixture, "k");
  iterate (200);
  g_assert_false (quorum_video_source_get_playing (fixture->source));
  g_assert_cmpuint (quorum_video_source_get_frame (fixture->source), >, 75);
  check_frame (fixture, (gint) quorum_video_source_get_frame (fixture->source));
}

/* Playback at 1× shows every frame of a loop range, over and over. */
static void
test_play_loop (Fixture       *fixture,
                gconstpointer  data)
{
  guint first, last;

  g_assert_true (wait_until (frame_shown, fixture));
  quorum_video_source_set_loop (fixture->source, 10, 29);
  g_assert_true (quorum_video_source_get_loop (fixture->source, &first, &last));
  g_assert_cmpuint (first, ==, 10);
  g_assert_cmpuint (last, ==, 29);
  quorum_video_source_set_playing (fixture->source, TRUE);
  g_assert_cmpuint (quorum_video_source_get_frame (fixture->source), ==, 10);
  /* 20 frames at 30 fps: past the end of the range and back at its start. */
  iterate (1000);
  g_assert_true (quorum_video_source_get_playing (fixture->source));
  g_assert_cmpuint (quorum_video_source_get_frame (fixture->source), >=, 10);
  g_assert_cmpuint (quorum_video_source_get_frame (fixture->source), <=, 29);
  quorum_video_source_set_playing (fixture->source, FALSE);
  g_assert_true (wait_until (frame_shown, fixture));
  g_assert_cmpint (canvas_number (fixture), ==, (gint) quorum_video_source_get_frame (fixture->source));

  /* One mark per frame that holds instances, however many it holds. */
  {
    const guint frames[] = { 40, 3, 40, 7, 3 };

    quorum_timeline_set_marks (fixture->timeline, frames, G_N_ELEMENTS (frames));
    g_assert_cmpuint (quorum_timeline_get_n_marks (fixture->timeline), ==, 3);
  }

  /* A smaller frame memory applies at once. */
  quorum_video_source_set_cache_limit (fixture->source, 2 * 640 * 360 * 4);
  g_assert_cmpuint (quorum_frame_cache_get_size (quorum_video_source_get_cache (fixture->source)), <=,
                    2 * 640 * 360 * 4);

  /* Faster and slower stay within 0.25× and 4×. */
  quorum_video_source_set_rate (fixture->source, 10);
  g_assert_cmpfloat (quorum_video_source_get_rate (fixture->source), ==, 4.0);
  quorum_video_source_set_rate (fixture->source, 0.1);
  g_assert_cmpfloat (quorum_video_source_get_rate (fixture->source), ==, 0.25);
}

/* ---- a video task on a real server ------------------------------------- */

static AppTestServer server;

static QuorumTimeline *
window_timeline (void)
{
  return app_test_child (server.window, "timeline");
}

static QuorumCanvas *
window_canvas (void)
{
  return app_test_child (server.window, "canvas");
}

static gboolean
task_frame_shown (gpointer data)
{
  QuorumVideoSource *source = quorum_timeline_get_source (window_timeline ());

  return source != NULL && quorum_video_source_get_texture (source) != NULL &&
         quorum_canvas_get_image (window_canvas ()) == quorum_video_source_get_texture (source);
}

static void
check_task_frame (gint expected)
{
  app_test_iterate (100);
  g_assert_true (app_test_wait_until (task_frame_shown, NULL));
  g_assert_cmpint (timeline_number (window_timeline ()), ==, expected);
  g_assert_cmpint (texture_number (window_canvas ()), ==, expected);
}

static void
step_and_jump (void)
{
  GtkWindow *window = GTK_WINDOW (server.window);

  g_assert_true (app_test_wait_until (task_frame_shown, NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window_timeline ())));
  check_task_frame (0);
  press_on (window, "Right Right");
  check_task_frame (2);
  press_on (window, "shift+Right");
  check_task_frame (12);
  press_on (window, "Left");
  check_task_frame (11);
  press_on (window, "End");
  check_task_frame (N_FRAMES - 1);
  press_on (window, "shift+Left Left");
  check_task_frame (N_FRAMES - 12);
  press_on (window, "Home");
  check_task_frame (0);
}

/* Uploaded, prepared by the server, opened as a task: the frame shown is
 * the one displayed after every key; then, with the server gone, the same
 * task opens from what the first opening downloaded. */
static void
test_task (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) file = NULL;
  g_autoptr(JsonNode) task = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *proxy = NULL;
  gint64 file_id, job, task_id;

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      if (g_getenv ("CI") != NULL)
        g_error ("xdotool is not installed (build-aux/install-deps installs it)");
      g_test_skip ("xdotool is not installed");
      return;
    }
  app_test_server_make_home (&server, "quorum-test-video-task-XXXXXX");
  app_test_server_start (&server, ROOT_PASSWORD);
  json_node_unref (app_test_call (server.admin, "POST", "/projects", "{\"name\": \"Videos\"}"));
  clip = g_build_filename (server.home, "clip.webm", NULL);
  g_assert_true (clip_make (CLIP_VP9_WEBM, clip, 640, 360, 30, N_FRAMES, NULL, &error));
  g_assert_no_error (error);
  file = quorum_client_upload_sync (server.admin, 1, clip, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  file_id = json_object_get_int_member (json_node_get_object (file), "id");
  app_test_wait_video_ready (server.admin, file_id);
  job = app_test_call_id (server.admin, "POST", "/projects/1/jobs",
                          g_strdup_printf ("{\"settings\": {\"name\": \"Video\", \"passes_per_file\": 1,"
                                           " \"review_frequency\": 0}, \"files\": [%" G_GINT64_FORMAT "]}", file_id));
  json_node_unref (app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", job));
  task = app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", job);
  task_id = json_object_get_int_member (json_node_get_object (task), "id");

  app_test_server_open_window (&server, 1024, 700);
  app_test_sign_in_root (&server, ROOT_PASSWORD);

  quorum_window_open_task (server.window, task_id);
  step_and_jump ();
  quorum_video_task_get_paths (quorum_session_get_cache (quorum_window_get_session (server.window)), file_id,
                               &proxy, NULL);
  g_assert_true (g_file_test (proxy, G_FILE_TEST_IS_REGULAR));

  /* Offline: the server is gone, the task and its video are here. */
  g_subprocess_send_signal (server.process, SIGKILL);
  g_subprocess_wait (server.process, NULL, NULL);
  quorum_window_open_task (server.window, 0);
  quorum_window_open_task (server.window, task_id);
  step_and_jump ();
  app_test_server_stop (&server);
}

int
main (int    argc,
      char **argv)
{
  gst_init (&argc, &argv);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  if (gdk_display_get_default () == NULL || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_printerr ("no X display: run under xvfb-run (make test does)\n");
      return 77;
    }
  if (!clip_can_make (CLIP_VP9_WEBM))
    {
      g_printerr ("GStreamer here cannot make a VP9 clip\n");
      return 77;
    }
  g_test_add ("/video/keys", Fixture, NULL, fixture_set_up, test_keys, fixture_tear_down);
  g_test_add ("/video/play-loop", Fixture, NULL, fixture_set_up, test_play_loop, fixture_tear_down);
  if (g_getenv ("QUORUM_SERVER_BIN") != NULL)
    g_test_add_func ("/video/task", test_task);
  return g_test_run ();
}
