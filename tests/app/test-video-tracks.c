/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gdk/x11/gdkx.h>

#include "app-test-video.h"
#include "quorum-canvas-private.h"
#include "quorum-exam-result.h"
#include "quorum-export-window.h"
#include "quorum-review-panel.h"
#include "quorum-session.h"
#include "quorum-timeline.h"
#include "quorum-track.h"
#include "quorum-track-list.h"
#include "quorum-video-source.h"
#include "quorum-video-task.h"
#include "quorum-wire.h"
#include "square-clip.h"
#include "video-clip.h"
#include <math.h>
#include <string.h>

#define ROOT_PASSWORD "video-tracks-root-password"
#define N_FRAMES 30

/* Video annotation in the real window on a real server: a box drawn on
 * frame 0 and on frame 10 is one track whose frames 1–9 are interpolated;
 * editing frame 5 makes it a keyframe that frames 1–9 follow; the
 * submitted task exports a box on each of the 11 frames. */

static AppTestServer server;

static QuorumCanvas *
canvas (void)
{
  return app_test_child (server.window, "canvas");
}

static QuorumVideoTask *
video_task (void)
{
  return quorum_window_get_video_task (server.window);
}

static QuorumTrackEditor *
editor (void)
{
  return quorum_video_task_get_editor (video_task ());
}

static gboolean
frame_shown (gpointer data)
{
  QuorumVideoSource *source = quorum_video_task_get_source (video_task ());

  return source != NULL && quorum_video_source_get_frame (source) == GPOINTER_TO_UINT (data) &&
         quorum_track_editor_get_frame (editor ()) == GPOINTER_TO_UINT (data) &&
         quorum_video_source_get_texture (source) != NULL &&
         quorum_canvas_get_image (canvas ()) == quorum_video_source_get_texture (source);
}

static void
press (const char *keys)
{
  app_test_press_keys (GTK_WINDOW (server.window), keys);
}

static void
go_to (const char *keys,
       guint       frame)
{
  press (keys);
  app_test_iterate (100);
  g_assert_true (app_test_wait_until (frame_shown, GUINT_TO_POINTER (frame)));
}

/* A drag on the canvas from one image point to another. */
static void
drag (double x0,
      double y0,
      double x1,
      double y1)
{
  double wx0, wy0, wx1, wy1;

  quorum_canvas_image_to_widget (canvas (), x0, y0, &wx0, &wy0);
  quorum_canvas_image_to_widget (canvas (), x1, y1, &wx1, &wy1);
  g_assert_true (_quorum_canvas_drag_begin (canvas (), GDK_BUTTON_PRIMARY, 0, wx0, wy0));
  _quorum_canvas_drag_update (canvas (), (wx0 + wx1) / 2, (wy0 + wy1) / 2);
  _quorum_canvas_drag_update (canvas (), wx1, wy1);
  _quorum_canvas_drag_end (canvas (), wx1, wy1);
  app_test_iterate (50);
}

/* The box the canvas shows on this frame, normalised. */
static const QuorumInstance *
shown_box (QuorumRect *rect)
{
  const QuorumInstance *instance;

  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 1);
  instance = quorum_canvas_get_instance (canvas (), 0);
  g_assert_cmpint (instance->kind, ==, QUORUM_KIND_BOX);
  quorum_instance_bounds (instance, rect);
  return instance;
}

static void
assert_box (const QuorumRect *rect,
            double            x0,
            double            y0,
            double            x1,
            double            y1)
{
  /* A drag lands within a pixel of where it was aimed (widget rounding). */
  g_assert_cmpfloat_with_epsilon (rect->x0, x0, 1.0);
  g_assert_cmpfloat_with_epsilon (rect->y0, y0, 1.0);
  g_assert_cmpfloat_with_epsilon (rect->x1, x1, 1.0);
  g_assert_cmpfloat_with_epsilon (rect->y1, y1, 1.0);
}

static double
lerp (double a,
      double b,
      double t)
{
  return a + (b - a) * t;
}

static gboolean
task_submitted (gpointer data)
{
  g_autoptr(JsonNode) task = app_test_callf (server.admin, "GET", NULL, "/tasks/%" G_GINT64_FORMAT,
                                             *(gint64 *) data);
  const char *state = json_object_get_string_member (json_node_get_object (task), "state");

  if (g_strcmp0 (state, "submitted") == 0 || g_strcmp0 (state, "completed") == 0 ||
      g_strcmp0 (state, "accepted") == 0)
    return TRUE;
  g_usleep (50000);
  return FALSE;
}

/* Whether xdotool is here to press keys (in CI it must be). */
static gboolean
have_xdotool (void)
{
  if (g_find_program_in_path ("xdotool") != NULL)
    return TRUE;
  if (g_getenv ("CI") != NULL)
    g_error ("xdotool is not installed (build-aux/install-deps installs it)");
  g_test_skip ("xdotool is not installed");
  return FALSE;
}

/* A server started in a new home, a project @project with a box label
 * "car", and @make's clip uploaded there and prepared: its file id. */
static gint64
start_with_video (const char  *home,
                  const char  *project,
                  gboolean   (*make) (const char *path, GError **error))
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) file = NULL;
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\"}", project);
  g_autofree char *clip = NULL;
  gint64 file_id;

  app_test_server_make_home (&server, home);
  app_test_server_start (&server, ROOT_PASSWORD);
  json_node_unref (app_test_call (server.admin, "POST", "/projects", body));
  json_node_unref (app_test_call (server.admin, "PUT", "/projects/1/labels",
                                  "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\","
                                  " \"attributes\": []}]}"));
  clip = g_build_filename (server.home, "clip.webm", NULL);
  g_assert_true (make (clip, &error));
  g_assert_no_error (error);
  file = quorum_client_upload_sync (server.admin, 1, clip, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  file_id = json_object_get_int_member (json_node_get_object (file), "id");
  app_test_wait_video_ready (server.admin, file_id);
  return file_id;
}

/* A server with a box label "car", @make's clip uploaded and prepared, a
 * one-pass job launched and its task open in a signed-in window on frame 0;
 * FALSE (skipped) without xdotool. */
static gboolean
open_video_task (gboolean (*make) (const char *path, GError **error),
                 gint64    *task_id,
                 gint64    *job_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) task = NULL;
  gint64 file_id, job;

  if (!have_xdotool ())
    return FALSE;
  file_id = start_with_video ("quorum-test-video-tracks-XXXXXX", "Videos", make);
  job = app_test_call_id (server.admin, "POST", "/projects/1/jobs",
                          g_strdup_printf ("{\"settings\": {\"name\": \"Video\", \"passes_per_file\": 1,"
                                           " \"review_frequency\": 0}, \"files\": [%" G_GINT64_FORMAT "]}", file_id));
  json_node_unref (app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", job));
  task = app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", job);
  *task_id = json_object_get_int_member (json_node_get_object (task), "id");
  if (job_id != NULL)
    *job_id = job;

  app_test_server_open_window (&server, 1280, 900);
  app_test_sign_in_root (&server, ROOT_PASSWORD);
  quorum_window_open_task (server.window, *task_id);
  g_assert_true (app_test_wait_until (frame_shown, GUINT_TO_POINTER (0)));
  return TRUE;
}

static gboolean
make_numbered_clip (const char *path,
                    GError    **error)
{
  return clip_make (CLIP_VP9_WEBM, path, 640, 360, 30, N_FRAMES, NULL, error);
}

static gboolean
export_window_done (gpointer data)
{
  QuorumExportWindow *export = data;

  return !quorum_export_window_is_busy (export);
}

/* The job's COCO export saved by the app's Export Annotations window,
 * with or without the interpolated frames: the route's document byte for
 * byte (what quorumctl export writes), holding @annotations. */
static void
export_from_app (gint64   job_id,
                 gboolean interpolated,
                 guint    annotations)
{
  g_autofree char *dir = g_dir_make_tmp ("quorum-video-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "app.json", NULL);
  g_autofree char *reference = g_build_filename (dir, "route.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *api_path = NULL, *written = NULL, *expected = NULL;
  gsize written_length = 0, expected_length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  QuorumExportWindow *export = quorum_export_window_new (GTK_WINDOW (server.window), server.admin, job_id, "Clip");

  g_object_ref (export);
  gtk_window_present (GTK_WINDOW (export));
  quorum_export_window_set_format (export, "coco");
  quorum_export_window_set_interpolated (export, interpolated);
  api_path = quorum_export_window_get_api_path (export);
  quorum_export_window_export_to (export, file);
  g_assert_true (app_test_wait_until (export_window_done, export));
  g_assert_null (quorum_export_window_get_error (export));
  g_object_unref (export);
  g_assert_true (quorum_client_download_sync (server.admin, api_path, reference, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &written, &written_length, NULL));
  g_assert_true (g_file_get_contents (reference, &expected, &expected_length, NULL));
  g_assert_cmpmem (written, written_length, expected, expected_length);
  root = json_from_string (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                                         "annotations")), ==, annotations);
  g_unlink (path);
  g_unlink (reference);
  g_rmdir (dir);
}

static void
test_draw_interpolate_submit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) expanded = NULL;
  const QuorumInstance *instance;
  g_autoptr(JsonNode) coco = NULL;
  QuorumRect first, last, middle, edited;
  gint64 task_id, job_id;
  guint boxes = 0, frames_seen = 0;
  JsonArray *images, *annotations;

  if (!open_video_task (make_numbered_clip, &task_id, &job_id))
    return;
  g_assert_true (gtk_widget_get_visible (app_test_child (server.window, "track_list")));
  g_assert_true (quorum_canvas_get_editable (canvas ()));

  /* Frame 0: a box starts a track. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.window), "win.tool", "s", "box"));
  quorum_canvas_set_current_label (canvas (), "car");
  drag (100, 100, 200, 180);
  shown_box (&first);
  assert_box (&first, 100, 100, 200, 180);
  g_assert_cmpuint (quorum_track_index_get_n_tracks (quorum_track_editor_get_index (editor ())), ==, 1);
  g_assert_cmpuint (quorum_track_list_get_n_rows (app_test_child (server.window, "track_list")), ==, 1);

  /* Frame 10: the track is not there yet; a box drawn continues it. */
  go_to ("shift+Right", 10);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 0);
  /* Where the selected track was, grey and dashed: drawing continues it. */
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), "track-ghost"), ==, 1);
  drag (300, 200, 400, 280);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), "track-ghost"), ==, 0);
  shown_box (&last);
  assert_box (&last, 300, 200, 400, 280);
  g_assert_cmpuint (quorum_track_index_get_n_tracks (quorum_track_editor_get_index (editor ())), ==, 1);
  g_assert_cmpuint (quorum_track_index_get_track (quorum_track_editor_get_index (editor ()), 0)->n_keyframes,
                    ==, 2);

  /* Frame 5: halfway, interpolated (not a keyframe). */
  go_to ("Left Left Left Left Left", 5);
  instance = shown_box (&middle);
  g_assert_false (instance->keyframe);
  assert_box (&middle, lerp (first.x0, last.x0, 0.5), lerp (first.y0, last.y0, 0.5),
              lerp (first.x1, last.x1, 0.5), lerp (first.y1, last.y1, 0.5));

  /* Moved on frame 5: a keyframe, which frames 1–9 follow. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.window), "win.tool", "s", "select"));
  drag ((middle.x0 + middle.x1) / 2, (middle.y0 + middle.y1) / 2,
        (middle.x0 + middle.x1) / 2 + 60, (middle.y0 + middle.y1) / 2 - 40);
  instance = shown_box (&edited);
  g_assert_true (instance->keyframe);
  assert_box (&edited, middle.x0 + 60, middle.y0 - 40, middle.x1 + 60, middle.y1 - 40);
  g_assert_cmpuint (quorum_track_index_get_track (quorum_track_editor_get_index (editor ()), 0)->n_keyframes,
                    ==, 3);
  go_to ("Left Left", 3);
  {
    QuorumRect rect;

    shown_box (&rect);
    assert_box (&rect, lerp (first.x0, edited.x0, 0.6), lerp (first.y0, edited.y0, 0.6),
                lerp (first.x1, edited.x1, 0.6), lerp (first.y1, edited.y1, 0.6));
  }
  go_to ("Right Right Right Right Right", 8);
  {
    QuorumRect rect;

    shown_box (&rect);
    assert_box (&rect, lerp (edited.x0, last.x0, 0.6), lerp (edited.y0, last.y0, 0.6),
                lerp (edited.x1, last.x1, 0.6), lerp (edited.y1, last.y1, 0.6));
  }
  /* The interpolated box dashed, the track under Tracks. */
  adw_view_stack_set_visible_child_name (app_test_child (server.window, "side_stack"), "instances");
  app_test_screenshot (GTK_WINDOW (server.window), "video-track-interpolated.png");
  if (g_getenv ("QUORUM_SCREENSHOT_DIR") != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (server.window), 1024, 600);
      app_test_screenshot (GTK_WINDOW (server.window), "video-track-interpolated-1024x600.png");
      gtk_window_set_default_size (GTK_WINDOW (server.window), 1920, 1080);
      app_test_screenshot (GTK_WINDOW (server.window), "video-track-interpolated-1920x1080.png");
      gtk_window_set_default_size (GTK_WINDOW (server.window), 1280, 900);
      app_test_iterate (500);
    }
  /* After the last keyframe the track has ended. */
  go_to ("Right Right Right", 11);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 0);

  /* The disagreement timeline: D and Shift+D go to the runs' starts. */
  {
    static const guint low[] = { 14, 16, 20, 22 };
    QuorumTimeline *timeline = app_test_child (server.window, "timeline");

    quorum_timeline_set_low_ranges (timeline, low, 2);
    g_assert_cmpuint (quorum_timeline_get_n_low_ranges (timeline), ==, 2);
    go_to ("d", 14);
    go_to ("d", 20);
    go_to ("d", 20);
    go_to ("shift+d", 14);
    go_to ("Home", 0);
  }

  /* Submitted: the server stores the three keyframes of one track. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.window), "win.submit", NULL));
  g_assert_true (app_test_wait_until (task_submitted, &task_id));
  saved = app_test_callf (server.admin, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, task_id);
  stored = quorum_wire_read_instances (json_object_get_member (json_node_get_object (saved), "instances"), NULL,
                                       "instances", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < stored->len; i++)
    {
      const QuorumInstance *keyframe = g_ptr_array_index (stored, i);

      g_assert_true (keyframe->keyframe);
      g_assert_cmpstr (keyframe->track_id, ==, ((QuorumInstance *) g_ptr_array_index (stored, 0))->track_id);
    }
  /* Every frame of it: 11 boxes, frame 5 where the edit put it. */
  expanded = quorum_tracks_expand (stored);
  for (guint i = 0; i < expanded->len; i++)
    {
      const QuorumInstance *box = g_ptr_array_index (expanded, i);
      QuorumRect rect;

      boxes++;
      if (box->frame == 5)
        {
          quorum_instance_bounds (box, &rect);
          assert_box (&rect, edited.x0, edited.y0, edited.x1, edited.y1);
        }
    }
  g_assert_cmpuint (boxes, ==, 11);

  /* The job's COCO export: a box on each of frames 0–10, interpolated ones
   * included, each where the keyframes put it. */
  coco = app_test_callf (server.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/export?format=coco", job_id);
  images = json_object_get_array_member (json_node_get_object (coco), "images");
  annotations = json_object_get_array_member (json_node_get_object (coco), "annotations");
  g_assert_cmpuint (json_array_get_length (images), ==, N_FRAMES);
  g_assert_cmpuint (json_array_get_length (annotations), ==, 11);
  for (guint i = 0; i < json_array_get_length (annotations); i++)
    {
      JsonObject *annotation = json_array_get_object_element (annotations, i);
      gint64 image_id = json_object_get_int_member (annotation, "image_id");
      JsonArray *bbox = json_object_get_array_member (annotation, "bbox");
      gint64 frame = -1;
      QuorumRect expected, rect;

      for (guint j = 0; j < json_array_get_length (images); j++)
        if (json_object_get_int_member (json_array_get_object_element (images, j), "id") == image_id)
          frame = json_object_get_int_member (json_array_get_object_element (images, j), "frame_id");
      g_assert_cmpint (frame, >=, 0);
      g_assert_cmpint (frame, <=, 10);
      frames_seen |= 1u << frame;
      /* Keyframes at 0, 5 (the edit) and 10; linear between. */
      if (frame <= 5)
        expected = (QuorumRect) { lerp (first.x0, edited.x0, frame / 5.0), lerp (first.y0, edited.y0, frame / 5.0),
                                  lerp (first.x1, edited.x1, frame / 5.0), lerp (first.y1, edited.y1, frame / 5.0) };
      else
        expected = (QuorumRect) { lerp (edited.x0, last.x0, (frame - 5) / 5.0),
                                  lerp (edited.y0, last.y0, (frame - 5) / 5.0),
                                  lerp (edited.x1, last.x1, (frame - 5) / 5.0),
                                  lerp (edited.y1, last.y1, (frame - 5) / 5.0) };
      rect.x0 = json_array_get_double_element (bbox, 0);
      rect.y0 = json_array_get_double_element (bbox, 1);
      rect.x1 = rect.x0 + json_array_get_double_element (bbox, 2);
      rect.y1 = rect.y0 + json_array_get_double_element (bbox, 3);
      assert_box (&rect, expected.x0, expected.y0, expected.x1, expected.y1);
    }
  g_assert_cmpuint (frames_seen, ==, (1u << 11) - 1);

  /* The app's export writes that document, and without the interpolated
   * frames the three keyframes alone. */
  export_from_app (job_id, TRUE, 11);
  export_from_app (job_id, FALSE, 3);
  app_test_server_stop (&server);
}

static QuorumInstance *
box_on (const char *track,
        guint       frame,
        double      x0,
        double      y0,
        double      x1,
        double      y1)
{
  g_autofree char *id = g_strdup_printf ("%s-%u", track, frame);
  QuorumInstance *instance = quorum_instance_new (id, "car", QUORUM_KIND_BOX);
  QuorumPoint corners[2] = { { x0, y0 }, { x1, y1 } };

  quorum_instance_set_points (instance, corners, 2);
  instance->track_id = g_strdup (track);
  instance->frame = frame;
  return instance;
}

/* A review layer (another annotator's set, gold) on a video shows the
 * frame's instances: each track where it is, interpolated between anchors. */
static void
test_layers_follow_frame (void)
{
  GtkWidget *window = gtk_window_new ();
  QuorumCanvas *layered = QUORUM_CANVAS (quorum_canvas_new ());
  g_autoptr(GPtrArray) set = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  const QuorumInstance *shown;
  QuorumRect rect;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (layered));
  g_ptr_array_add (set, box_on ("a", 0, 0, 0, 10, 10));
  g_ptr_array_add (set, box_on ("a", 10, 100, 50, 120, 70));
  g_ptr_array_add (set, box_on ("b", 20, 5, 5, 6, 6));
  quorum_canvas_set_layer (layered, "pass", set, NULL);
  /* An image's layer: everything. */
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (layered, "pass"), ==, 3);

  quorum_canvas_set_layer_frame (layered, 5);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (layered, "pass"), ==, 1);
  shown = quorum_canvas_get_layer_instance (layered, "pass", 0);
  g_assert_cmpstr (shown->track_id, ==, "a");
  g_assert_false (shown->keyframe);
  quorum_instance_bounds (shown, &rect);
  g_assert_cmpfloat_with_epsilon (rect.x0, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (rect.y0, 25, 1e-9);
  g_assert_cmpfloat_with_epsilon (rect.x1, 65, 1e-9);
  g_assert_cmpfloat_with_epsilon (rect.y1, 40, 1e-9);

  /* Between the two tracks: neither. On b's frame: b alone. */
  quorum_canvas_set_layer_frame (layered, 15);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (layered, "pass"), ==, 0);
  quorum_canvas_set_layer_frame (layered, 20);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (layered, "pass"), ==, 1);
  g_assert_cmpstr (quorum_canvas_get_layer_instance (layered, "pass", 0)->track_id, ==, "b");
  /* A layer set while a frame is shown shows that frame. */
  quorum_canvas_set_layer_frame (layered, 10);
  quorum_canvas_set_layer (layered, "gold", set, NULL);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (layered, "gold"), ==, 1);
  quorum_canvas_set_layer_frame (layered, G_MAXUINT);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (layered, "pass"), ==, 3);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The square of the tracker's tests: 96 px, 4 px right and 2 down a frame. */
static const SquareClip square = {
  .width = 640, .height = 360, .fps = 30, .n_frames = N_FRAMES,
  .size = 96, .x = 120, .y = 100, .dx = 4, .dy = 2, .vanish = G_MAXUINT, .grow = 0,
};

static gboolean
make_square_clip (const char *path,
                  GError    **error)
{
  return square_clip_make (&square, path, error);
}

static gboolean
not_propagating (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

/* Shift+P: the tracker proposes the box on the next frames, stored as
 * proposals (dashed, keyframe FALSE) where the square is, up to the end of
 * the video; editing one makes it a keyframe. */
static void
test_propagate (void)
{
  const QuorumTrack *track;
  gint64 task_id;
  double x0, y0, x1, y1;
  guint proposals = 0;

  if (!open_video_task (make_square_clip, &task_id, NULL))
    return;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.window), "win.tool", "s", "box"));
  quorum_canvas_set_current_label (canvas (), "car");
  square_clip_box_at (&square, 0, &x0, &y0, &x1, &y1);
  drag (x0, y0, x1, y1);
  press ("shift+p");
  app_test_iterate (200);
  {
    GtkWidget *box = app_test_child (server.window, "track_list");
    GtkWidget *progress = NULL;

    /* The track list's progress row, by its template name. */
    progress = GTK_WIDGET (gtk_widget_get_template_child (box, QUORUM_TYPE_TRACK_LIST, "propagate_box"));
    g_assert_nonnull (progress);
    g_assert_true (app_test_wait_until (not_propagating, progress));
  }
  track = quorum_track_index_get_track (quorum_track_editor_get_index (editor ()), 0);
  g_assert_nonnull (track);
  g_assert_cmpuint (track->n_keyframes, ==, 1);
  for (guint i = 0; i < track->stored->len; i++)
    {
      const QuorumInstance *stored = g_ptr_array_index (track->stored, i);
      QuorumRect rect;

      if (stored->keyframe)
        {
          g_assert_cmpuint (stored->frame, ==, 0);
          continue;
        }
      /* Every frame after the keyframe, in order, where the square is. */
      proposals++;
      g_assert_cmpuint (stored->frame, ==, proposals);
      quorum_instance_bounds (stored, &rect);
      square_clip_box_at (&square, stored->frame, &x0, &y0, &x1, &y1);
      g_assert_cmpfloat (fabs ((rect.x0 + rect.x1) / 2 - (x0 + x1) / 2), <, 6);
      g_assert_cmpfloat (fabs ((rect.y0 + rect.y1) / 2 - (y0 + y1) / 2), <, 6);
    }
  g_assert_cmpuint (proposals, ==, N_FRAMES - 1);

  /* A proposal is dashed on its frame; moving it makes it a keyframe. */
  go_to ("Right Right Right", 3);
  {
    QuorumRect rect;

    g_assert_false (shown_box (&rect)->keyframe);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.window), "win.tool", "s", "select"));
    drag ((rect.x0 + rect.x1) / 2, (rect.y0 + rect.y1) / 2, (rect.x0 + rect.x1) / 2 + 5, (rect.y0 + rect.y1) / 2);
    g_assert_true (shown_box (&rect)->keyframe);
  }
  track = quorum_track_index_get_track (quorum_track_editor_get_index (editor ()), 0);
  g_assert_cmpuint (track->n_keyframes, ==, 2);
  g_assert_cmpuint (track->stored->len, ==, N_FRAMES);

  /* Shift+H: occluded on this frame (a keyframe saying so), not on the next. */
  {
    QuorumRect rect;

    press ("shift+h");
    app_test_iterate (100);
    g_assert_true (shown_box (&rect)->occluded);
    go_to ("Right", 4);
    g_assert_false (shown_box (&rect)->occluded);
    go_to ("Left", 3);
    press ("shift+h");
    app_test_iterate (100);
    g_assert_false (shown_box (&rect)->occluded);
  }
  app_test_server_stop (&server);
}

/* ---- an exam on the video: its result window, frame by frame ------------------- */

static gboolean
result_frame_shown (gpointer data)
{
  QuorumExamResult *result = g_object_get_data (G_OBJECT (server.window), "exam-result");
  QuorumVideoSource *source = quorum_video_task_get_source (quorum_exam_result_get_video_task (result));
  guint frame = GPOINTER_TO_UINT (data);

  return quorum_exam_result_get_shown_task (result) == 0 && source != NULL &&
         quorum_video_source_get_frame (source) == frame &&
         quorum_track_editor_get_frame (quorum_video_task_get_editor (quorum_exam_result_get_video_task (result))) == frame &&
         quorum_video_source_get_texture (source) != NULL &&
         quorum_canvas_get_image (quorum_exam_result_get_canvas (result)) == quorum_video_source_get_texture (source);
}

/* The first widget of @type under @widget. */
static GtkWidget *
find_child (GtkWidget *widget,
            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
assert_rect (const QuorumInstance *instance,
             double                x0,
             double                y0,
             double                x1,
             double                y1)
{
  QuorumRect rect;

  g_assert_nonnull (instance);
  quorum_instance_bounds (instance, &rect);
  g_assert_cmpfloat_with_epsilon (rect.x0, x0, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.y0, y0, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.x1, x1, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.y1, y1, 1e-6);
}

/* A video exam that shows its answers: the taker's car track and the gold
 * track, each keyed on frames 0 and 10, rated by track; the decided
 * attempt's result window shows the video with both, where interpolation
 * puts them on each frame, and the stars of the track. */
static void
test_exam_result (void)
{
  /* Keyframes on frames 0 and 10: the taker's and the gold's. */
  static const double taken[2][4] = { { 100, 100, 200, 180 }, { 300, 200, 400, 280 } };
  static const double gold[2][4] = { { 400, 50, 460, 90 }, { 500, 150, 560, 190 } };
  g_autoptr(JsonNode) applied = NULL;
  g_autoptr(JsonNode) draw = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) review = NULL;
  g_autoptr(QuorumClient) tara = NULL;
  g_autoptr(QuorumClient) rev = NULL;
  g_autofree char *body = NULL;
  QuorumExamResult *result;
  QuorumCanvas *shown;
  const QuorumInstance *instance;
  gint64 file_id, exam, attempt, tara_id, rev_id, task;

  file_id = start_with_video ("quorum-test-video-exam-XXXXXX", "Road", make_numbered_clip);
  body = g_strdup_printf ("{\"instances\": ["
                          "{\"id\": \"gold-0\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[%g, %g], [%g, %g]],"
                          " \"frame\": 0, \"track_id\": \"gold-car\"},"
                          "{\"id\": \"gold-10\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[%g, %g], [%g, %g]],"
                          " \"frame\": 10, \"track_id\": \"gold-car\"}]}",
                          gold[0][0], gold[0][1], gold[0][2], gold[0][3], gold[1][0], gold[1][1], gold[1][2], gold[1][3]);
  json_node_unref (app_test_callf (server.admin, "PUT", body, "/files/%" G_GINT64_FORMAT "/existing", file_id));
  g_clear_pointer (&body, g_free);
  tara_id = app_test_call_id (server.admin, "POST", "/users", "{\"name\": \"tara\", \"password\": \"tara-password\"}");
  rev_id = app_test_call_id (server.admin, "POST", "/users", "{\"name\": \"rev\", \"password\": \"rev-password\"}");
  json_node_unref (app_test_callf (server.admin, "PUT", "{\"role\": \"annotator\"}",
                                   "/projects/1/members/%" G_GINT64_FORMAT, tara_id));
  json_node_unref (app_test_callf (server.admin, "PUT", "{\"role\": \"reviewer\"}",
                                   "/projects/1/members/%" G_GINT64_FORMAT, rev_id));
  json_node_unref (app_test_call (server.admin, "POST", "/projects/1/credentials", "{\"name\": \"Road annotator\"}"));
  body = g_strdup_printf ("{\"settings\": {\"name\": \"Road exam\", \"type\": \"exam\", \"show_answers\": true,"
                          " \"awarded_credentials\": [\"Road annotator\"],"
                          " \"pass_rule\": {\"min_average_stars\": 3, \"max_missed\": 0}},"
                          " \"files\": [%" G_GINT64_FORMAT "]}", file_id);
  exam = app_test_call_id (server.admin, "POST", "/projects/1/jobs", body);
  g_clear_pointer (&body, g_free);
  json_node_unref (app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", exam));

  /* Tara draws one car track, keyed on frames 0 and 10, and submits. */
  tara = app_test_server_sign_in (&server, "tara", "tara-password");
  applied = app_test_callf (tara, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/apply", exam);
  attempt = json_object_get_int_member (json_node_get_object (applied), "attempt");
  draw = app_test_callf (tara, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", exam);
  task = json_object_get_int_member (json_node_get_object (draw), "id");
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": ["
                          "{\"id\": \"car-0\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[%g, %g], [%g, %g]],"
                          " \"frame\": 0, \"track_id\": \"car\"},"
                          "{\"id\": \"car-10\", \"label\": \"car\", \"kind\": \"box\", \"points\": [[%g, %g], [%g, %g]],"
                          " \"frame\": 10, \"track_id\": \"car\"}]}",
                          json_object_get_int_member (json_node_get_object (draw), "version"),
                          taken[0][0], taken[0][1], taken[0][2], taken[0][3],
                          taken[1][0], taken[1][1], taken[1][2], taken[1][3]);
  saved = app_test_callf (tara, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances", task);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                          json_object_get_int_member (json_node_get_object (saved), "version"));
  json_node_unref (app_test_callf (tara, "POST", body, "/tasks/%" G_GINT64_FORMAT "/submit", task));
  g_clear_pointer (&body, g_free);

  /* The reviewer rates the track (by its track id) 4 stars; root passes it. */
  rev = app_test_server_sign_in (&server, "rev", "rev-password");
  review = app_test_callf (rev, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", exam);
  g_assert_true (json_object_get_boolean_member_with_default (
                   json_object_get_object_member (json_node_get_object (review), "suggested"), "by_track", FALSE));
  json_node_unref (app_test_callf (rev, "PUT", "{\"stars\": {\"car\": 4}, \"missing\": []}",
                                   "/tasks/%" G_GINT64_FORMAT "/rating",
                                   json_object_get_int_member (json_node_get_object (review), "id")));
  json_node_unref (app_test_callf (rev, "POST", "{}", "/tasks/%" G_GINT64_FORMAT "/accept",
                                   json_object_get_int_member (json_node_get_object (review), "id")));
  json_node_unref (app_test_callf (server.admin, "POST", NULL,
                                   "/jobs/%" G_GINT64_FORMAT "/attempts/%" G_GINT64_FORMAT "/pass", exam, attempt));

  /* Its result window: the video on frame 0, not editable, under its timeline. */
  app_test_server_open_window (&server, 1280, 900);
  app_test_sign_in_root (&server, ROOT_PASSWORD);
  result = quorum_exam_result_new (GTK_WINDOW (server.window), quorum_window_get_session (server.window), attempt);
  g_object_set_data (G_OBJECT (server.window), "exam-result", result);
  gtk_window_present (GTK_WINDOW (result));
  g_assert_true (app_test_wait_until (result_frame_shown, GUINT_TO_POINTER (0)));
  shown = quorum_exam_result_get_canvas (result);
  g_assert_false (quorum_canvas_get_editable (shown));
  g_assert_true (gtk_widget_get_visible (find_child (GTK_WIDGET (result), QUORUM_TYPE_TIMELINE)));
  /* One row for the track, its stars read by track id. */
  g_assert_cmpstr (quorum_exam_result_get_row_title (result, 0, 0), ==, "Box · car, frames 0–10");
  g_assert_cmpstr (quorum_exam_result_get_row_subtitle (result, 0, 0), ==, "4 stars");
  g_assert_cmpstr (quorum_exam_result_get_row_title (result, 0, 1), ==, "The answer: 1 gold track, in yellow");
  app_test_iterate (100);
  g_assert_cmpuint (quorum_canvas_get_n_instances (shown), ==, 1);
  instance = quorum_canvas_get_instance (shown, 0);
  g_assert_true (instance->keyframe);
  assert_rect (instance, taken[0][0], taken[0][1], taken[0][2], taken[0][3]);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (shown, "gold"), ==, 1);
  assert_rect (quorum_canvas_get_layer_instance (shown, "gold", 0), gold[0][0], gold[0][1], gold[0][2], gold[0][3]);

  /* Frame 4: both interpolated, 40 % of the way to frame 10. */
  quorum_video_source_set_frame (quorum_video_task_get_source (quorum_exam_result_get_video_task (result)), 4);
  g_assert_true (app_test_wait_until (result_frame_shown, GUINT_TO_POINTER (4)));
  g_assert_cmpuint (quorum_canvas_get_n_instances (shown), ==, 1);
  instance = quorum_canvas_get_instance (shown, 0);
  g_assert_false (instance->keyframe);
  assert_rect (instance, lerp (taken[0][0], taken[1][0], 0.4), lerp (taken[0][1], taken[1][1], 0.4),
               lerp (taken[0][2], taken[1][2], 0.4), lerp (taken[0][3], taken[1][3], 0.4));
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (shown, "gold"), ==, 1);
  assert_rect (quorum_canvas_get_layer_instance (shown, "gold", 0),
               lerp (gold[0][0], gold[1][0], 0.4), lerp (gold[0][1], gold[1][1], 0.4),
               lerp (gold[0][2], gold[1][2], 0.4), lerp (gold[0][3], gold[1][3], 0.4));
  app_test_screenshot (GTK_WINDOW (result), "exam-result-video.png");

  /* Frame 15: both tracks have ended. */
  quorum_video_source_set_frame (quorum_video_task_get_source (quorum_exam_result_get_video_task (result)), 15);
  g_assert_true (app_test_wait_until (result_frame_shown, GUINT_TO_POINTER (15)));
  g_assert_cmpuint (quorum_canvas_get_n_instances (shown), ==, 0);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (shown, "gold"), ==, 0);

  /* The track's row goes back to its first frame. */
  quorum_exam_result_show_instance (result, 0, 0);
  g_assert_true (app_test_wait_until (result_frame_shown, GUINT_TO_POINTER (0)));
  /* A refresh keeps the frame the user went to. */
  quorum_video_source_set_frame (quorum_video_task_get_source (quorum_exam_result_get_video_task (result)), 7);
  g_assert_true (app_test_wait_until (result_frame_shown, GUINT_TO_POINTER (7)));
  quorum_exam_result_refresh (result);
  app_test_iterate (500);
  g_assert_true (result_frame_shown (GUINT_TO_POINTER (7)));
  g_assert_cmpuint (quorum_canvas_get_n_instances (shown), ==, 1);
  g_assert_cmpuint (quorum_canvas_get_layer_n_instances (shown, "gold"), ==, 1);

  g_object_set_data (G_OBJECT (server.window), "exam-result", NULL);
  gtk_window_destroy (GTK_WINDOW (result));
  app_test_iterate (100);
  app_test_server_stop (&server);
}

/* ---- consensus on a video: the disagreement timeline, a whole track copied ---- */

#define ROAD_FRAMES 100

/* Three annotators follow one car (60 × 40, 3 px right a frame) with
 * keyframes only; Cat's box is 200 px below it on frames 40–60. */
typedef struct {
  const char  *name;
  const char  *track;
  double       dx;
  gboolean     off;
  const guint *keys;
  guint        n_keys;
} Annotator;

static const guint near_keys[] = { 0, 50, 99 };
static const guint far_keys[] = { 0, 39, 40, 60, 61, 99 };

static const Annotator annotators[] = {
  { "ann", "car-a", 0, FALSE, near_keys, G_N_ELEMENTS (near_keys) },
  { "ben", "car-b", 2, FALSE, near_keys, G_N_ELEMENTS (near_keys) },
  { "cat", "car-c", 4, TRUE, far_keys, G_N_ELEMENTS (far_keys) },
};

static void
car_at (const Annotator *annotator,
        guint            frame,
        double           box[4])
{
  box[0] = 10 + 3.0 * frame + annotator->dx;
  box[1] = annotator->off && frame >= 40 && frame <= 60 ? 250 : 50;
  box[2] = box[0] + 60;
  box[3] = box[1] + 40;
}

/* Where @annotator's track is on @frame, linear between the keyframes
 * around it; whether @frame is one of them in @keyframe. */
static void
expected_box (const Annotator *annotator,
              guint            frame,
              double           box[4],
              gboolean        *keyframe)
{
  for (guint i = 0; i + 1 < annotator->n_keys; i++)
    {
      guint fa = annotator->keys[i], fb = annotator->keys[i + 1];
      double a[4], b[4];

      if (frame < fa || frame > fb)
        continue;
      car_at (annotator, fa, a);
      car_at (annotator, fb, b);
      for (guint k = 0; k < 4; k++)
        box[k] = lerp (a[k], b[k], (double) (frame - fa) / (fb - fa));
      *keyframe = frame == fa || frame == fb;
      return;
    }
  g_assert_not_reached ();
}

static char *
keyframe_id (const Annotator *annotator,
             guint            frame)
{
  return g_strdup_printf ("%s-%u", annotator->track, frame);
}

static char *
keyframes_json (const Annotator *annotator)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; i < annotator->n_keys; i++)
    {
      g_autofree char *id = keyframe_id (annotator, annotator->keys[i]);
      double box[4];

      car_at (annotator, annotator->keys[i], box);
      g_string_append_printf (json, "%s{\"id\": \"%s\", \"label\": \"car\", \"kind\": \"box\","
                              " \"points\": [[%g, %g], [%g, %g]], \"frame\": %u, \"track_id\": \"%s\"}",
                              i > 0 ? ", " : "", id, box[0], box[1], box[2], box[3], annotator->keys[i],
                              annotator->track);
    }
  g_string_append (json, "]");
  return g_string_free (json, FALSE);
}

static gboolean
make_road_clip (const char *path,
                GError    **error)
{
  return clip_make (CLIP_VP9_WEBM, path, 640, 360, 30, ROAD_FRAMES, NULL, error);
}

static JsonObject *
consensus_view (gint64 task_id)
{
  g_autoptr(JsonNode) node = app_test_callf (server.admin, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, task_id);

  return json_object_ref (json_node_get_object (node));
}

static gboolean
scores_computed (gpointer data)
{
  g_autoptr(JsonObject) view = consensus_view (*(gint64 *) data);
  JsonNode *scores = json_object_get_member (view, "scores");

  if (scores != NULL && JSON_NODE_HOLDS_OBJECT (scores) &&
      json_object_has_member (json_node_get_object (scores), "frames"))
    return TRUE;
  g_usleep (50000);
  return FALSE;
}

/* The copies of @annotator's keyframes in @instances, in its keyframes'
 * order; NULL unless each is there once, on its frame, in its track,
 * where it was drawn. */
static GPtrArray *
copies_of_track (GPtrArray       *instances,
                 const Annotator *annotator)
{
  g_autoptr(GPtrArray) copies = g_ptr_array_new ();

  for (guint i = 0; i < annotator->n_keys; i++)
    {
      g_autofree char *id = keyframe_id (annotator, annotator->keys[i]);
      const QuorumInstance *copy = NULL;
      double box[4];
      QuorumRect rect;

      for (guint j = 0; j < instances->len; j++)
        {
          const QuorumInstance *instance = g_ptr_array_index (instances, j);

          if (g_strcmp0 (instance->copied_from, id) != 0)
            continue;
          if (copy != NULL)
            return NULL;
          copy = instance;
        }
      if (copy == NULL || copy->frame != annotator->keys[i] || g_strcmp0 (copy->track_id, annotator->track) != 0 ||
          g_str_equal (copy->id, id))
        return NULL;
      car_at (annotator, annotator->keys[i], box);
      quorum_instance_bounds (copy, &rect);
      if (fabs (rect.x0 - box[0]) > 1e-6 || fabs (rect.y0 - box[1]) > 1e-6 ||
          fabs (rect.x1 - box[2]) > 1e-6 || fabs (rect.y1 - box[3]) > 1e-6)
        return NULL;
      g_ptr_array_add (copies, (gpointer) copy);
    }
  return g_steal_pointer (&copies);
}

static GPtrArray *
server_instances (gint64 task_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) view = consensus_view (task_id);
  GPtrArray *instances = quorum_wire_read_instances (json_object_get_member (view, "instances"), NULL,
                                                     "instances", &error);

  g_assert_no_error (error);
  return instances;
}

static gboolean
track_copied_on_server (gpointer data)
{
  g_autoptr(GPtrArray) instances = server_instances (*(gint64 *) data);
  g_autoptr(GPtrArray) copies = copies_of_track (instances, &annotators[2]);

  if (copies != NULL)
    return TRUE;
  g_usleep (50000);
  return FALSE;
}

/* The app's ground truth is the server's: the same ids (the server's
 * copies, not the ones shown while the step waited), Cat's track among. */
static gboolean
ground_truth_is_servers (gpointer data)
{
  g_autoptr(GPtrArray) shown = quorum_track_editor_get_instances (editor ());
  g_autoptr(GPtrArray) stored = server_instances (*(gint64 *) data);
  g_autoptr(GPtrArray) copies = copies_of_track (shown, &annotators[2]);

  if (copies == NULL || shown->len != stored->len)
    goto wait;
  for (guint i = 0; i < stored->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (stored, i);
      gboolean found = FALSE;

      for (guint j = 0; j < shown->len && !found; j++)
        found = g_strcmp0 (((QuorumInstance *) g_ptr_array_index (shown, j))->id, instance->id) == 0;
      if (!found)
        goto wait;
    }
  return TRUE;

wait:
  app_test_iterate (50);
  return FALSE;
}

/* Each pass's layer on @frame: its track alone, where its keyframes put
 * it, a keyframe or interpolated as they say. */
static void
assert_pass_layers (const gint64 *draws,
                    guint         frame)
{
  for (guint i = 0; i < G_N_ELEMENTS (annotators); i++)
    {
      g_autofree char *layer = g_strdup_printf ("%" G_GINT64_FORMAT, draws[i]);
      const QuorumInstance *instance;
      gboolean keyframe;
      double box[4];

      g_assert_cmpuint (quorum_canvas_get_layer_n_instances (canvas (), layer), ==, 1);
      instance = quorum_canvas_get_layer_instance (canvas (), layer, 0);
      g_assert_cmpstr (instance->track_id, ==, annotators[i].track);
      g_assert_cmpuint (instance->frame, ==, frame);
      expected_box (&annotators[i], frame, box, &keyframe);
      g_assert_cmpint (instance->keyframe, ==, keyframe);
      assert_rect (instance, box[0], box[1], box[2], box[3]);
    }
}

/* A consensus task on a video in the reviewer's window: the timeline marks
 * the run of frames the server found the passes disagree on (40–60), "d"
 * goes to its first frame, each pass's layer shows its track interpolated,
 * and Copy Instance on one frame of Cat's track copies the whole track
 * (its stored keyframes, frames and track id kept) to the ground truth,
 * on the server and in the app's track editor. */
static void
test_consensus (void)
{
  g_autoptr(JsonNode) consensus = NULL;
  g_autoptr(JsonObject) view = NULL;
  g_autoptr(QuorumClient) rev = NULL;
  g_autofree char *cat_layer = NULL;
  g_autofree char *job_body = NULL;
  JsonArray *low;
  QuorumTimeline *timeline;
  gint64 draws[G_N_ELEMENTS (annotators)];
  gint64 file_id, job, rev_id, task_id;
  gint64 low_first;

  if (!have_xdotool ())
    return;
  file_id = start_with_video ("quorum-test-video-consensus-XXXXXX", "Road", make_road_clip);
  for (guint i = 0; i < G_N_ELEMENTS (annotators); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"password\": \"%s-password\"}",
                                               annotators[i].name, annotators[i].name);
      gint64 user = app_test_call_id (server.admin, "POST", "/users", body);

      json_node_unref (app_test_callf (server.admin, "PUT", "{\"role\": \"annotator\"}",
                                       "/projects/1/members/%" G_GINT64_FORMAT, user));
    }
  rev_id = app_test_call_id (server.admin, "POST", "/users", "{\"name\": \"rev\", \"password\": \"rev-password\"}");
  json_node_unref (app_test_callf (server.admin, "PUT", "{\"role\": \"reviewer\"}",
                                   "/projects/1/members/%" G_GINT64_FORMAT, rev_id));
  job_body = g_strdup_printf ("{\"settings\": {\"name\": \"Road consensus\", \"passes_per_file\": 3,"
                              " \"review_frequency\": 0}, \"files\": [%" G_GINT64_FORMAT "]}", file_id);
  job = app_test_call_id (server.admin, "POST", "/projects/1/jobs", job_body);
  json_node_unref (app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", job));

  /* Each annotator keys their track and submits. */
  for (guint i = 0; i < G_N_ELEMENTS (annotators); i++)
    {
      g_autofree char *password = g_strdup_printf ("%s-password", annotators[i].name);
      g_autoptr(QuorumClient) client = app_test_server_sign_in (&server, annotators[i].name, password);
      g_autoptr(JsonNode) draw = app_test_callf (client, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", job);
      g_autoptr(JsonNode) saved = NULL;
      g_autofree char *keys = keyframes_json (&annotators[i]);
      g_autofree char *body = NULL;

      draws[i] = json_object_get_int_member (json_node_get_object (draw), "id");
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": %s}",
                              json_object_get_int_member (json_node_get_object (draw), "version"), keys);
      saved = app_test_callf (client, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances", draws[i]);
      g_clear_pointer (&body, g_free);
      body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                              json_object_get_int_member (json_node_get_object (saved), "version"));
      json_node_unref (app_test_callf (client, "POST", body, "/tasks/%" G_GINT64_FORMAT "/submit", draws[i]));
    }

  /* The reviewer's consensus task, once the server has scored it: one run
   * of low frames, 40–60. */
  rev = app_test_server_sign_in (&server, "rev", "rev-password");
  consensus = app_test_callf (rev, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", job);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (consensus), "kind"), ==, "consensus");
  task_id = json_object_get_int_member (json_node_get_object (consensus), "id");
  g_assert_true (app_test_wait_until (scores_computed, &task_id));
  view = consensus_view (task_id);
  low = json_object_get_array_member (
          json_object_get_object_member (json_object_get_object_member (view, "scores"), "frames"), "low");
  g_assert_cmpuint (json_array_get_length (low), ==, 1);
  low_first = json_array_get_int_element (json_array_get_array_element (low, 0), 0);
  g_assert_cmpint (low_first, ==, 40);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (low, 0), 1), ==, 60);

  app_test_server_open_window (&server, 1280, 900);
  app_test_sign_in_window (&server, "rev", "rev-password");
  quorum_window_open_task (server.window, task_id);
  g_assert_true (app_test_wait_until (frame_shown, GUINT_TO_POINTER (0)));
  g_assert_cmpint (quorum_review_panel_get_kind (app_test_child (server.window, "review_panel")), ==,
                   QUORUM_REVIEW_CONSENSUS);

  /* The timeline marks the one run; D goes to its first frame. */
  timeline = app_test_child (server.window, "timeline");
  g_assert_cmpuint (quorum_timeline_get_n_low_ranges (timeline), ==, 1);
  go_to ("d", low_first);

  /* Each pass's track on frames 45 (all interpolated) and 50 (Ann's and
   * Ben's keyframe, Cat's interpolated between 40 and 60). */
  go_to ("Right Right Right Right Right", 45);
  assert_pass_layers (draws, 45);
  go_to ("Right Right Right Right Right", 50);
  assert_pass_layers (draws, 50);
  /* The ground truth: Best Annotator put Ben's track there. */
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 1);
  g_assert_cmpstr (quorum_canvas_get_instance (canvas (), 0)->track_id, ==, annotators[1].track);
  app_test_screenshot (GTK_WINDOW (server.window), "video-consensus.png");

  /* Copy Instance on Cat's interpolated box: the whole track, as stored. */
  cat_layer = g_strdup_printf ("%" G_GINT64_FORMAT, draws[2]);
  g_assert_true (quorum_canvas_select_layer_instance (canvas (), cat_layer,
                                                      quorum_canvas_get_layer_instance (canvas (), cat_layer, 0)->id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.window), "review.copy-instance", NULL));
  g_assert_true (app_test_wait_until (track_copied_on_server, &task_id));
  g_assert_true (app_test_wait_until (ground_truth_is_servers, &task_id));
  {
    g_autoptr(GPtrArray) stored = server_instances (task_id);

    /* Ben's three keyframes and Cat's six. */
    g_assert_cmpuint (stored->len, ==, annotators[1].n_keys + annotators[2].n_keys);
  }
  /* On this frame, Cat's copy where its keyframes put it. */
  app_test_iterate (100);
  g_assert_true (frame_shown (GUINT_TO_POINTER (50)));
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas ()), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const QuorumInstance *instance = quorum_canvas_get_instance (canvas (), i);
      const Annotator *annotator = g_strcmp0 (instance->track_id, annotators[2].track) == 0 ? &annotators[2]
                                   : &annotators[1];
      gboolean keyframe;
      double box[4];

      g_assert_cmpstr (instance->track_id, ==, annotator->track);
      expected_box (annotator, 50, box, &keyframe);
      g_assert_cmpint (instance->keyframe, ==, keyframe);
      assert_rect (instance, box[0], box[1], box[2], box[3]);
    }
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
  /* One window per process (the application registers once): meson runs
   * the program once per window, "--window=NAME" saying which (none: the
   * first). */
  {
    const char *window = "draw";

    for (int i = 1; i < argc; i++)
      if (g_str_has_prefix (argv[i], "--window="))
        window = argv[i] + strlen ("--window=");
    if (g_str_equal (window, "draw"))
      {
        g_test_add_func ("/video-tracks/layers-follow-frame", test_layers_follow_frame);
        g_test_add_func ("/video-tracks/draw-interpolate-submit", test_draw_interpolate_submit);
      }
    else if (g_str_equal (window, "propagate"))
      g_test_add_func ("/video-tracks/propagate", test_propagate);
    else if (g_str_equal (window, "exam-result"))
      g_test_add_func ("/video-tracks/exam-result", test_exam_result);
    else if (g_str_equal (window, "consensus"))
      g_test_add_func ("/video-tracks/consensus", test_consensus);
    else
      g_error ("--window=%s: draw, propagate, exam-result or consensus", window);
  }
  return g_test_run ();
}
