/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "quorum-canvas-private.h"
#include "quorum-error.h"
#include "quorum-image-loader.h"
#include "quorum-session.h"
#include "quorum-window.h"

#include "app-test-server.h"

/*
 * A big image against a real quorum-server: the task opens on a preview
 * (the canvas's image-detail below 1) and the full resolution follows
 * (image-detail 1, the image's own size); a download that does not match
 * the file's SHA-256 is refused with a sentence and kept nowhere; a
 * 20000 × 2500 image is drawn from its overview when fitted and from the
 * tiles in view, only those, at 1:1.
 */

#define ROOT_PASSWORD "correct horse battery"
#define BIG_WIDTH  6000
#define BIG_HEIGHT 4000

static AppTestServer server;
static gint64 big_task, big_file, damaged_task, damaged_file, wide_task, png_task, png_file;

static void screenshot (int width, int height);
static void draw_canvas (void);
static char *damaged_sha256;

static gint64
upload (const char *name,
        int         width,
        int         height,
        char      **sha256)
{
  const char *type = g_str_has_suffix (name, ".png") ? "png" : "jpeg";
  g_autofree char *path = g_build_filename (server.home, name, NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) file = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;

        p[0] = x * 255 / width;
        p[1] = y * 255 / height;
        p[2] = ((x / 50) ^ (y / 50)) & 1 ? 200 : 40;
      }
  if (g_str_equal (type, "png"))
    g_assert_true (gdk_pixbuf_save (pixbuf, path, type, &error, "compression", "1", NULL));
  else
    g_assert_true (gdk_pixbuf_save (pixbuf, path, type, &error, "quality", "90", NULL));
  file = quorum_client_upload_sync (server.admin, 1, path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  if (sha256 != NULL)
    *sha256 = g_strdup (json_object_get_string_member (json_node_get_object (file), "sha256"));
  return json_object_get_int_member (json_node_get_object (file), "id");
}

/* A launched job of one file, its task given to root. */
static gint64
task_of (gint64 file)
{
  g_autoptr(JsonNode) task = NULL;
  gint64 job;

  job = app_test_call_id (server.admin, "POST", "/projects/1/jobs",
                          g_strdup_printf ("{\"settings\": {\"name\": \"Job %" G_GINT64_FORMAT "\", \"passes_per_file\": 1,"
                                           " \"review_frequency\": 0}, \"files\": [%" G_GINT64_FORMAT "]}", file, file));
  json_node_unref (app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", job));
  task = app_test_callf (server.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", job);
  return json_object_get_int_member (json_node_get_object (task), "id");
}

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "work") == 0;
}

static void
setup (void)
{
  app_test_server_start (&server, ROOT_PASSWORD);
  json_node_unref (app_test_call (server.admin, "POST", "/projects", "{\"name\": \"Big images\"}"));
  big_file = upload ("big.jpg", BIG_WIDTH, BIG_HEIGHT, NULL);
  damaged_file = upload ("damaged.jpg", 640, 480, &damaged_sha256);
  /* 50 megapixels, wider than a GPU texture may be. */
  wide_task = task_of (upload ("wide.jpg", 20000, 2500, NULL));
  big_task = task_of (big_file);
  damaged_task = task_of (damaged_file);
  png_file = upload ("big.png", 5000, 3000, NULL);
  png_task = task_of (png_file);

  app_test_server_open_window (&server, 1024, 600);
  gtk_editable_set_text (app_test_child (server.window, "server_row"), server.address);
  gtk_editable_set_text (app_test_child (server.window, "user_row"), "root");
  gtk_editable_set_text (app_test_child (server.window, "password_row"), ROOT_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, server.window));
}

static QuorumCanvas *
canvas (void)
{
  return app_test_child (server.window, "canvas");
}

static void
detail_changed (QuorumCanvas *canvas,
                GParamSpec   *pspec,
                GArray       *details)
{
  double detail = quorum_canvas_get_image_detail (canvas);

  g_array_append_val (details, detail);
}

static gboolean
full_resolution (gpointer data)
{
  return quorum_canvas_get_image_detail (canvas ()) >= 1;
}

static gboolean
media_cached (gpointer file)
{
  g_autofree char *path = quorum_cache_lookup_media (quorum_session_get_cache (quorum_window_get_session (server.window)),
                                                     *(gint64 *) file);

  return path != NULL;
}

static void
test_preview_then_full (void)
{
  g_autoptr(GArray) details = g_array_new (FALSE, FALSE, sizeof (double));
  gulong handler = g_signal_connect (canvas (), "notify::image-detail", G_CALLBACK (detail_changed), details);
  g_autofree char *cached = NULL;
  QuorumTiledImage *tiles;

  quorum_window_open_task (server.window, big_task);
  g_assert_true (app_test_wait_until (full_resolution, NULL));
  g_signal_handler_disconnect (canvas (), handler);

  /* First a preview at most 2048 pixels wide over the whole extent... */
  g_assert_cmpuint (details->len, >=, 2);
  g_assert_cmpfloat (g_array_index (details, double, 0), >, 0);
  g_assert_cmpfloat_with_epsilon (g_array_index (details, double, 0),
                                  (double) QUORUM_IMAGE_LOADER_PREVIEW_SIZE / BIG_WIDTH, 0.01);
  /* ... then the image itself, in the same coordinates: past 2048 pixels
   * a side, its levels and tiles. */
  g_assert_cmpfloat (g_array_index (details, double, details->len - 1), ==, 1);
  g_assert_cmpint (quorum_canvas_get_image_width (canvas ()), ==, BIG_WIDTH);
  g_assert_cmpint (quorum_canvas_get_image_height (canvas ()), ==, BIG_HEIGHT);
  tiles = _quorum_canvas_get_tiles (canvas ());
  g_assert_nonnull (tiles);
  g_assert_cmpint (quorum_tiled_image_get_width (tiles), ==, BIG_WIDTH);
  /* 6000 → 3000 → 1500 a side: three levels. */
  g_assert_cmpuint (quorum_tiled_image_get_n_levels (tiles), ==, 3);
  g_assert_cmpint (gdk_texture_get_width (quorum_tiled_image_get_overview (tiles)), ==, BIG_WIDTH / 4);
  /* Fitted in 1024 × 600, a frame draws the quarter-size level (a pixel of
   * it for every screen pixel still), not the 24-megapixel image; at 1:1
   * the full-resolution tiles. */
  draw_canvas ();
  g_assert_cmpfloat (quorum_canvas_get_zoom (canvas ()), <=, 0.25);
  g_assert_cmpint (quorum_tiled_image_get_drawn_level (tiles), ==, 2);
  quorum_canvas_set_zoom_1_1 (canvas ());
  draw_canvas ();
  g_assert_cmpint (quorum_tiled_image_get_drawn_level (tiles), ==, 0);
  g_assert_cmpuint (quorum_tiled_image_get_n_tiles (tiles), >, 0);
  quorum_canvas_fit (canvas ());
  /* Kept in the cache too, once fsynced: the image did not wait for it. */
  g_assert_true (app_test_wait_until (media_cached, &big_file));
  cached = quorum_cache_lookup_media (quorum_session_get_cache (quorum_window_get_session (server.window)), big_file);
  g_assert_nonnull (cached);
  screenshot (1024, 600);
  screenshot (1920, 1080);
  gtk_window_set_default_size (GTK_WINDOW (server.window), 1024, 600);
}

/* With QUORUM_SCREENSHOT_DIR set: the window as GTK renders it, at
 * @width × @height, into big-image-WIDTHxHEIGHT.png there. */
static void
screenshot (int width,
            int height)
{
  g_autofree char *name = g_strdup_printf ("big-image-%dx%d.png", width, height);

  if (g_getenv ("QUORUM_SCREENSHOT_DIR") == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (server.window), width, height);
  app_test_screenshot (GTK_WINDOW (server.window), name);
}

static gboolean
error_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (server.window, "canvas_stack")), "error") == 0;
}

static void
test_damaged_download_refused (void)
{
  g_autofree char *blob = g_build_filename (server.home, "server", "blobs", (char[]) { damaged_sha256[0], damaged_sha256[1], 0 },
                                            damaged_sha256, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *cached = NULL;
  g_autofree char *media = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *description, *name;
  gsize length;

  /* The server's copy loses its second half: it still names the
   * original's SHA-256 as its ETag. */
  g_assert_true (g_file_get_contents (blob, &contents, &length, &error));
  g_assert_no_error (error);
  g_chmod (blob, 0600);
  g_assert_true (g_file_set_contents (blob, contents, length / 2, &error));
  g_assert_no_error (error);

  quorum_window_open_task (server.window, damaged_task);
  g_assert_true (app_test_wait_until (error_shown, NULL));
  description = adw_status_page_get_description (app_test_child (server.window, "canvas_error_page"));
  g_assert_nonnull (strstr (description, "do not match the file's checksum"));
  g_assert_nonnull (strstr (description, "damaged on the way"));
  cached = quorum_cache_lookup_media (quorum_session_get_cache (quorum_window_get_session (server.window)), damaged_file);
  g_assert_null (cached);
  /* Nor any part of it beside the cache. */
  media = g_strdup (quorum_cache_get_media_dir (quorum_session_get_cache (quorum_window_get_session (server.window))));
  dir = g_dir_open (media, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *part = g_strdup_printf (".%" G_GINT64_FORMAT ".part", damaged_file);

      g_assert_false (g_str_has_prefix (name, part));
    }
}

static gboolean
wide_open (gpointer data)
{
  return quorum_window_get_task (server.window) == wide_task &&
         quorum_canvas_get_image_width (canvas ()) == 20000 && quorum_canvas_get_image_detail (canvas ()) >= 1;
}

static gboolean
canvas_drawn (gpointer data)
{
  return _quorum_canvas_get_frame_count (canvas ()) > GPOINTER_TO_UINT (data);
}

static void
draw_canvas (void)
{
  guint frames = _quorum_canvas_get_frame_count (canvas ());

  gtk_widget_queue_draw (GTK_WIDGET (canvas ()));
  g_assert_true (app_test_wait_until (canvas_drawn, GUINT_TO_POINTER (frames)));
}

/* Past 2048 pixels a side: drawn from the overview when fitted, from the
 * full-resolution tiles in view (and only those) at 1:1. */
static void
test_tiled (void)
{
  QuorumTiledImage *tiles;
  int width, height;
  guint in_view;

  quorum_window_open_task (server.window, wide_task);
  g_assert_true (app_test_wait_until (wide_open, NULL));
  {
    /* The canvas draws the tiled image: its texture is the overview. */
    GdkTexture *image = quorum_canvas_get_image (canvas ());

    /* 20000 → 10000 → 5000 → 2500 → 1250: the first level at most 2048
     * a side. */
    g_assert_cmpint (gdk_texture_get_width (image), ==, 1250);
    g_assert_cmpint (gdk_texture_get_height (image), ==, 156);
  }
  draw_canvas ();
  tiles = _quorum_canvas_get_tiles (canvas ());
  g_assert_nonnull (tiles);
  g_assert_cmpuint (quorum_tiled_image_get_n_tiles (tiles), ==, 0);

  quorum_canvas_set_zoom_1_1 (canvas ());
  draw_canvas ();
  width = gtk_widget_get_width (GTK_WIDGET (canvas ()));
  height = gtk_widget_get_height (GTK_WIDGET (canvas ()));
  /* 1024-pixel tiles: at most one more than fit across and down. */
  in_view = (width / 1024 + 2) * (height / 1024 + 2);
  g_assert_cmpuint (quorum_tiled_image_get_n_tiles (tiles), >, 0);
  g_assert_cmpuint (quorum_tiled_image_get_n_tiles (tiles), <=, in_view);
  g_assert_cmpuint (quorum_tiled_image_get_n_tiles (tiles), <, 20);  /* of 20 × 3 */

  quorum_canvas_fit (canvas ());
  draw_canvas ();
  g_assert_cmpuint (quorum_tiled_image_get_n_tiles (tiles), ==, 0);
}

static gboolean
png_open (gpointer data)
{
  return quorum_window_get_task (server.window) == png_task && quorum_canvas_get_image_width (canvas ()) == 5000;
}

static void
loaded (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (quorum_image_loader_load_finish (QUORUM_IMAGE_LOADER (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

static void
count_previews (QuorumImageLoader *loader,
                GParamSpec        *pspec,
                guint             *previews)
{
  (*previews)++;
}

/* A PNG cannot be decoded at a fraction of its size: a big one is decoded
 * once, whole, and shown at full resolution at once, without a preview
 * (which would have decoded it all a first time). */
static void
test_big_png_decoded_once (void)
{
  g_autoptr(GArray) details = g_array_new (FALSE, FALSE, sizeof (double));
  gulong handler = g_signal_connect (canvas (), "notify::image-detail", G_CALLBACK (detail_changed), details);
  QuorumSession *session = quorum_window_get_session (server.window);
  g_autoptr(QuorumImageLoader) loader = NULL;
  guint previews = 0;

  quorum_window_open_task (server.window, png_task);
  g_assert_true (app_test_wait_until (png_open, NULL));
  g_assert_true (app_test_wait_until (full_resolution, NULL));
  g_signal_handler_disconnect (canvas (), handler);
  /* No preview on the way: from no image (the task before closed) straight
   * to full resolution. */
  g_assert_cmpuint (details->len, >=, 1);
  for (guint i = 0; i < details->len; i++)
    g_assert_true (g_array_index (details, double, i) == 0 || g_array_index (details, double, i) == 1);
  g_assert_cmpfloat (g_array_index (details, double, details->len - 1), ==, 1);
  g_assert_nonnull (_quorum_canvas_get_tiles (canvas ()));

  /* The loader alone, from the cache: no preview, the tiles, a thumbnail. */
  g_assert_true (app_test_wait_until (media_cached, &png_file));
  loader = quorum_image_loader_new (quorum_session_get_cache (session), NULL, png_file);
  g_signal_connect (loader, "notify::preview", G_CALLBACK (count_previews), &previews);
  {
    gboolean done = FALSE;

    quorum_image_loader_load_async (loader, NULL, loaded, &done);
    g_assert_true (app_test_wait_until (is_true, &done));
  }
  g_assert_cmpuint (previews, ==, 0);
  g_assert_null (quorum_image_loader_get_preview (loader));
  g_assert_nonnull (quorum_image_loader_get_tiles (loader));
  g_assert_cmpint (quorum_image_loader_get_width (loader), ==, 5000);
  g_assert_cmpint (quorum_image_loader_get_height (loader), ==, 3000);
  g_assert_nonnull (quorum_image_loader_get_thumbnail (loader));
}

static void
load_failed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_assert_false (quorum_image_loader_load_finish (QUORUM_IMAGE_LOADER (source), result, user_data));
}

static gboolean
error_set (gpointer error)
{
  return *(GError **) error != NULL;
}

/* Decoded ahead (as `quorum --open-next` does while GTK starts): the next
 * load of the file takes what was decoded, once, without decoding again. */
static void
test_preloaded (void)
{
  QuorumCache *cache = quorum_session_get_cache (quorum_window_get_session (server.window));
  g_autofree char *path = quorum_cache_lookup_media (cache, png_file);
  g_autoptr(QuorumImageLoader) first = quorum_image_loader_new (cache, NULL, png_file);
  g_autoptr(QuorumImageLoader) second = quorum_image_loader_new (cache, NULL, png_file);
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_assert_nonnull (path);
  quorum_image_loader_preload (path, NULL);
  /* The file is replaced by one that is no image: only what was decoded
   * ahead can show it now. */
  g_assert_true (g_file_set_contents (path, "not an image", -1, &error));
  g_assert_no_error (error);

  quorum_image_loader_load_async (first, NULL, loaded, &done);
  g_assert_true (app_test_wait_until (is_true, &done));
  g_assert_nonnull (quorum_image_loader_get_tiles (first));
  g_assert_cmpint (quorum_image_loader_get_width (first), ==, 5000);
  g_assert_nonnull (quorum_image_loader_get_thumbnail (first));

  /* Taken once: the next load decodes the file as it is now. */
  quorum_image_loader_load_async (second, NULL, load_failed, &error);
  g_assert_true (app_test_wait_until (error_set, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);

  /* A big JPEG: its preview handed over from what was decoded ahead, then
   * its full resolution (decoded ahead too, in a thread of its own that
   * the load waits for). */
  {
    g_autofree char *jpeg = quorum_cache_lookup_media (cache, big_file);
    g_autoptr(QuorumImageLoader) loader = quorum_image_loader_new (cache, NULL, big_file);
    guint previews = 0;

    g_assert_nonnull (jpeg);
    quorum_image_loader_preload (jpeg, NULL);
    g_assert_true (g_file_set_contents (jpeg, "not an image either", -1, &error));
    g_assert_no_error (error);
    g_signal_connect (loader, "notify::preview", G_CALLBACK (count_previews), &previews);
    done = FALSE;
    quorum_image_loader_load_async (loader, NULL, loaded, &done);
    g_assert_true (app_test_wait_until (is_true, &done));
    g_assert_cmpuint (previews, ==, 1);
    g_assert_cmpint (gdk_texture_get_width (quorum_image_loader_get_preview (loader)), ==,
                     QUORUM_IMAGE_LOADER_PREVIEW_SIZE);
    g_assert_nonnull (quorum_image_loader_get_tiles (loader));
    g_assert_cmpint (quorum_tiled_image_get_width (quorum_image_loader_get_tiles (loader)), ==, BIG_WIDTH);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  app_test_server_make_home (&server, "quorum-big-image-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  setup ();
  g_test_add_func ("/big-image/preview-then-full", test_preview_then_full);
  g_test_add_func ("/big-image/damaged-download-refused", test_damaged_download_refused);
  g_test_add_func ("/big-image/tiled", test_tiled);
  g_test_add_func ("/big-image/big-png-decoded-once", test_big_png_decoded_once);
  g_test_add_func ("/big-image/preloaded", test_preloaded);
  status = g_test_run ();
  app_test_server_stop (&server);
  return status;
}
