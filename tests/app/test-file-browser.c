/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <adwaita.h>
#include <cairo.h>
#include <math.h>

#include "app-test-server.h"
#include "quorum-error.h"
#include "quorum-file-browser.h"
#include "quorum-file-item.h"
#include "video-clip.h"

/*
 * A project's Files window against a real quorum-server, as the project's
 * admin (ada): the empty state; three images and a small video uploaded the
 * way a drop uploads them, found in the server's list, with thumbnails and
 * the video's preparation; the same content again (another path, another
 * name, the same path twice) not stored again and said so; a corrupt image
 * refused with the server's reason while a folder's images beside it go
 * (walked into its folders, hidden files and text aside); the filters and
 * search narrowing the grid; Cancel stopping a batch; and a viewer without
 * the upload buttons, whom the server still refuses. The tests run in order
 * and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define ADA_PASSWORD  "ada's long password"

static struct {
  AppTestServer      real;
  gint64             ada;
  char              *media;     /* the folder the files are uploaded from */
  QuorumFileBrowser *browser;
} server;

#define call app_test_callf

/* ---- files to upload ---------------------------------------------------------- */

/* A street seen from above: asphalt, lane marks and a few cars, different
 * for each @seed, so that each image has its own content. */
static char *
make_image (const char *name,
            guint       seed)
{
  g_autofree char *path = g_build_filename (server.media, name, NULL);
  g_autofree char *folder = g_path_get_dirname (path);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 480);
  cairo_t *cr = cairo_create (surface);
  static const double colors[][3] = { { 0.88, 0.11, 0.14 }, { 0.21, 0.52, 0.89 }, { 0.96, 0.76, 0.07 },
                                      { 0.18, 0.76, 0.49 }, { 0.57, 0.25, 0.67 }, { 0.9, 0.38, 0.0 } };
  GRand *rand = g_rand_new_with_seed (seed);
  cairo_pattern_t *grass = cairo_pattern_create_linear (0, 0, 640, 480);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  cairo_pattern_add_color_stop_rgb (grass, 0, 0.35, 0.55 + 0.05 * (seed % 3), 0.25);
  cairo_pattern_add_color_stop_rgb (grass, 1, 0.25, 0.42, 0.2);
  cairo_set_source (cr, grass);
  cairo_paint (cr);
  cairo_pattern_destroy (grass);
  /* the road, across or down */
  cairo_set_source_rgb (cr, 0.3, 0.31, 0.33);
  if (seed % 2 == 0)
    cairo_rectangle (cr, 0, 150, 640, 180);
  else
    cairo_rectangle (cr, 230, 0, 180, 480);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.95, 0.95, 0.9);
  for (int i = 0; i < 8; i++)
    {
      if (seed % 2 == 0)
        cairo_rectangle (cr, i * 84 + 10, 236, 48, 8);
      else
        cairo_rectangle (cr, 316, i * 64 + 10, 8, 36);
      cairo_fill (cr);
    }
  for (int i = 0; i < 3 + (int) (seed % 3); i++)
    {
      const double *color = colors[g_rand_int_range (rand, 0, G_N_ELEMENTS (colors))];
      double along = g_rand_double_range (rand, 30, 560);
      double lane = g_rand_boolean (rand) ? 0 : 1;

      cairo_set_source_rgb (cr, color[0], color[1], color[2]);
      if (seed % 2 == 0)
        cairo_rectangle (cr, along, 170 + lane * 90, 70, 44);
      else
        cairo_rectangle (cr, 250 + lane * 90, along * 0.8, 44, 70);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_rand_free (rand);
  return g_steal_pointer (&path);
}

static char *
make_text (const char *name,
           const char *text)
{
  g_autofree char *path = g_build_filename (server.media, name, NULL);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
media_path (const char *name)
{
  return g_build_filename (server.media, name, NULL);
}

/* What a drop hands over: the GFiles of @paths. */
static GListModel *
files_of (const char *first,
          ...)
{
  GListStore *store = g_list_store_new (G_TYPE_FILE);
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_autofree char *path = media_path (name);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      g_list_store_append (store, file);
    }
  va_end (args);
  return G_LIST_MODEL (store);
}

/* ---- the server's side ---------------------------------------------------------- */

static JsonArray *
server_files (void)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/1/files");

  return json_array_ref (json_node_get_array (reply));
}

static guint
server_count (void)
{
  g_autoptr(JsonArray) files = server_files ();

  return json_array_get_length (files);
}

static gint64
server_file_id (const char *name)
{
  g_autoptr(JsonArray) files = server_files ();

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (g_str_equal (json_object_get_string_member (file, "name"), name))
        return json_object_get_int_member (file, "id");
    }
  g_error ("the server has no file “%s”", name);
  return 0;
}

/* ---- the window's side ----------------------------------------------------------- */

static gboolean
work_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (server.real.window, "stack")), "work") == 0;
}

static gboolean
browser_idle (gpointer data)
{
  return !quorum_file_browser_get_loading (server.browser) && !quorum_file_browser_get_uploading (server.browser);
}

static void
wait_idle (void)
{
  g_assert_true (app_test_wait_until (browser_idle, NULL));
}

static const char *
page (void)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (server.browser),
                                                              QUORUM_TYPE_FILE_BROWSER, "stack"));

  return gtk_stack_get_visible_child_name (stack);
}

static QuorumFileItem *
item_named (GListModel *model,
            const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(QuorumFileItem) item = g_list_model_get_item (model, i);

      if (g_str_equal (quorum_file_item_get_name (item), name))
        return item;   /* the model keeps it */
    }
  return NULL;
}

static gboolean
has_thumbnail (gpointer name)
{
  QuorumFileItem *item = item_named (quorum_file_browser_get_files (server.browser), name);

  return item != NULL && quorum_file_item_get_thumbnail (item) != NULL;
}

static gboolean
video_ready (gpointer name)
{
  QuorumFileItem *item = item_named (quorum_file_browser_get_files (server.browser), name);

  return item != NULL && g_strcmp0 (quorum_file_item_get_video_state (item), "ready") == 0;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The batch's sentences, by name: four files go at once and finish in any
 * order. */
static char *
notes_text (void)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_copy (quorum_file_browser_list_notes (server.browser),
                                                      (GCopyFunc) (void (*) (void)) g_strdup, NULL);
  GString *text = g_string_new (NULL);

  g_ptr_array_sort (notes, compare_strings);

  for (guint i = 0; i < notes->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", (char *) g_ptr_array_index (notes, i));
  return g_string_free (text, FALSE);
}

static void
add_and_wait (GListModel *files)
{
  quorum_file_browser_add_files (server.browser, files);
  g_object_unref (files);
  g_assert_true (quorum_file_browser_get_uploading (server.browser));
  wait_idle ();
}

/* ---- the tests ------------------------------------------------------------------- */

static void
test_empty (void)
{
  server.browser = quorum_file_browser_new (server.real.window, 1, "Streets");
  gtk_window_present (GTK_WINDOW (server.browser));
  wait_idle ();
  g_assert_cmpstr (page (), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (quorum_file_browser_get_files (server.browser)), ==, 0);
  /* The project's admin may upload: the buttons show. */
  g_assert_true (quorum_file_browser_get_can_upload (server.browser));
}

static void
test_upload (void)
{
  g_autoptr(JsonArray) files = NULL;
  g_autofree char *notes = NULL;
  GListModel *model = quorum_file_browser_get_files (server.browser);
  QuorumFileItem *video;
  GdkPaintable *thumbnail;
  g_autofree char *described = NULL;

  add_and_wait (files_of ("street-01.png", "street-02.png", "street-03.png", "drive.webm", NULL));
  g_assert_cmpstr (quorum_file_browser_get_summary (server.browser), ==, "4 files: 4 added.");
  notes = notes_text ();
  g_assert_cmpstr (notes, ==, "");

  /* The server holds them, by their names, and so does the grid. */
  files = server_files ();
  g_assert_cmpuint (json_array_get_length (files), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (files, i), "name");

      g_assert_nonnull (item_named (model, name));
    }
  g_assert_nonnull (item_named (model, "street-02.png"));
  g_assert_nonnull (item_named (model, "drive.webm"));
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 4);
  g_assert_cmpstr (page (), ==, "files");

  /* An image's thumbnail, decoded at thumbnail size (640 × 480 fits 176 × 132). */
  g_assert_true (app_test_wait_until (has_thumbnail, "street-01.png"));
  thumbnail = quorum_file_item_get_thumbnail (item_named (model, "street-01.png"));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (thumbnail), <=, 176 * 2);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (thumbnail), <, 640);

  /* A video shows its preparation, read again until it is ready. */
  video = item_named (model, "drive.webm");
  g_assert_true (quorum_file_item_is_video (video));
  g_assert_nonnull (quorum_file_item_get_video_state (video));
  g_assert_null (quorum_file_item_get_thumbnail (video));
  g_assert_true (app_test_wait_until (video_ready, "drive.webm"));
  described = quorum_file_item_describe (video);
  g_assert_true (g_str_has_prefix (described, "Video · 10 frames"));
}

static void
test_dedupe (void)
{
  g_autofree char *copy = media_path ("copy-of-one.png");
  g_autofree char *one = media_path ("street-01.png");
  g_autofree char *bytes = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (one, &bytes, &length, &error));
  g_assert_true (g_file_set_contents (copy, bytes, length, &error));
  g_assert_no_error (error);

  /* The same path twice goes once; the same content under another name is
   * the server's to recognize. */
  add_and_wait (files_of ("street-02.png", "street-02.png", "copy-of-one.png", NULL));
  g_assert_cmpuint (server_count (), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (quorum_file_browser_get_files (server.browser)), ==, 4);
  g_assert_cmpstr (quorum_file_browser_get_summary (server.browser), ==, "2 files: 2 already in the project.");
  notes = notes_text ();
  g_assert_cmpstr (notes, ==,
                   "copy-of-one.png: already in the project, as “street-01.png”.\n"
                   "street-02.png: already in the project.");
}

static void
test_corrupt (void)
{
  g_autofree char *broken = make_text ("broken.png", "\x89PNG\r\n\x1a\n this is no picture at all");
  g_autofree char *expected = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) refused = NULL;

  /* What the server says of it, asked directly. */
  refused = quorum_client_upload_sync (server.real.admin, 1, broken, NULL, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  expected = quorum_error_to_sentence (error->message);
  g_assert_nonnull (strstr (expected, "broken.png"));

  /* The folder: its images, those of its folders, not the text nor the
   * hidden file. */
  g_free (make_image ("archive/2024/street-04.png", 4));
  g_free (make_image ("archive/street-05.png", 5));
  g_free (make_image ("archive/.cache.png", 6));
  g_free (make_text ("archive/readme.txt", "Shot from the bridge."));

  add_and_wait (files_of ("broken.png", "archive", NULL));
  g_assert_cmpstr (quorum_file_browser_get_summary (server.browser), ==, "3 files: 2 added, 1 refused.");
  notes = notes_text ();
  g_assert_cmpstr (notes, ==, expected);
  g_assert_cmpuint (server_count (), ==, 6);
  g_assert_cmpint (server_file_id ("street-04.png"), >, 0);
  g_assert_cmpint (server_file_id ("street-05.png"), >, 0);
  g_assert_nonnull (item_named (quorum_file_browser_get_files (server.browser), "street-05.png"));
  g_assert_null (item_named (quorum_file_browser_get_files (server.browser), ".cache.png"));
  g_assert_null (item_named (quorum_file_browser_get_files (server.browser), "broken.png"));
  g_assert_true (app_test_wait_until (has_thumbnail, "street-05.png"));
}

static void
set_search (const char *text)
{
  gtk_editable_set_text (quorum_file_browser_get_search (server.browser), text);
  /* The entry waits a moment before it says the search changed. */
  app_test_iterate (400);
}

static gboolean
server_has_truth (gpointer name)
{
  g_autoptr(JsonArray) files = server_files ();

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (g_str_equal (json_object_get_string_member (file, "name"), name))
        return json_object_get_boolean_member (file, "has_existing");
    }
  return FALSE;
}

static void
test_filters (void)
{
  g_autofree char *job = g_strdup_printf ("{\"settings\": {\"name\": \"Round 1\", \"passes_per_file\": 1,"
                                          " \"review_frequency\": 0}, \"files\": [%" G_GINT64_FORMAT
                                          ", %" G_GINT64_FORMAT "]}",
                                          server_file_id ("street-01.png"), server_file_id ("street-02.png"));
  GtkDropDown *jobs = quorum_file_browser_get_job_filter (server.browser);
  GtkToggleButton *truth = quorum_file_browser_get_truth_filter (server.browser);
  GListModel *visible = quorum_file_browser_get_visible (server.browser);

  json_node_unref (app_test_call (server.real.admin, "POST", "/projects/1/jobs", job));
  json_node_unref (call (server.real.admin, "PUT",
                         "{\"instances\": [{\"id\": \"truth-1\", \"label\": \"car\", \"kind\": \"box\","
                         " \"points\": [[10, 10], [80, 50]]}]}",
                         "/files/%" G_GINT64_FORMAT "/existing", server_file_id ("street-03.png")));
  /* The server's own list shows it before the window reads it. */
  g_assert_true (app_test_wait_until (server_has_truth, "street-03.png"));
  quorum_file_browser_refresh (server.browser);
  wait_idle ();
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 6);

  gtk_drop_down_set_selected (jobs, 1);   /* In a Job */
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 2);
  g_assert_nonnull (item_named (visible, "street-01.png"));
  g_assert_nonnull (item_named (visible, "street-02.png"));
  gtk_drop_down_set_selected (jobs, 2);   /* Not in a Job */
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 4);
  g_assert_null (item_named (visible, "street-01.png"));
  gtk_drop_down_set_selected (jobs, 0);

  gtk_toggle_button_set_active (truth, TRUE);
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 1);
  g_assert_nonnull (item_named (visible, "street-03.png"));
  gtk_toggle_button_set_active (truth, FALSE);

  /* By name, whatever the case. */
  set_search ("STREET-0");
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 5);
  set_search ("drive");
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 1);
  g_assert_nonnull (item_named (visible, "drive.webm"));
  set_search ("no such file");
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 0);
  g_assert_cmpstr (page (), ==, "no-match");
  set_search ("");
  g_assert_cmpuint (quorum_file_browser_get_n_visible (server.browser), ==, 6);
  g_assert_cmpstr (page (), ==, "files");
  if (g_getenv ("QUORUM_SCREENSHOT_DIR") != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (server.browser), 1024, 600);
      app_test_screenshot (GTK_WINDOW (server.browser), "file-browser-1024x600.png");
      gtk_window_set_default_size (GTK_WINDOW (server.browser), 1800, 1000);
      app_test_screenshot (GTK_WINDOW (server.browser), "file-browser.png");
      gtk_window_set_default_size (GTK_WINDOW (server.browser), 1000, 700);
    }
}

static gboolean
batch_found (gpointer data)
{
  return quorum_file_browser_get_n_batch (server.browser) > 0;
}

static void
test_cancel (void)
{
  guint before = server_count ();
  guint after;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("many/street-%02u.png", 10 + i);

      g_free (make_image (name, 10 + i));
    }
  quorum_file_browser_add_files (server.browser, files_of ("many", NULL));
  /* The folder walked, the first files under way: the rest never go. */
  g_assert_true (app_test_wait_until (batch_found, NULL));
  g_assert_cmpuint (quorum_file_browser_get_n_batch (server.browser), ==, 12);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.browser), "files.cancel-upload", NULL));
  wait_idle ();
  g_assert_true (g_str_has_prefix (quorum_file_browser_get_summary (server.browser), "Upload cancelled: "));
  after = server_count ();
  g_assert_cmpuint (after, <=, before + 4);
  g_assert_cmpuint (g_list_model_get_n_items (quorum_file_browser_get_files (server.browser)), ==, after);
}

static void
test_viewer (void)
{
  g_autofree char *body = g_strdup ("{\"role\": \"viewer\"}");
  g_autofree char *notes = NULL;
  guint before = server_count ();
  GtkWidget *button;

  json_node_unref (call (server.real.admin, "PUT", body, "/projects/1/members/%" G_GINT64_FORMAT, server.ada));
  quorum_file_browser_refresh (server.browser);
  wait_idle ();
  g_assert_false (quorum_file_browser_get_can_upload (server.browser));
  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (server.browser), QUORUM_TYPE_FILE_BROWSER,
                                                      "add_files_button"));
  g_assert_false (gtk_widget_get_visible (button));
  /* Its action is off too: Ctrl+O opens no chooser. */
  g_assert_false (gtk_widget_get_sensitive (button));

  /* The server refuses a viewer whatever the window shows. */
  g_free (make_image ("late.png", 40));
  add_and_wait (files_of ("late.png", NULL));
  g_assert_cmpuint (server_count (), ==, before);
  g_assert_cmpstr (quorum_file_browser_get_summary (server.browser), ==, "1 file: 1 refused.");
  notes = notes_text ();
  g_assert_cmpstr (notes, ==, "late.png: Your role in this project does not allow this.");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *clip = NULL;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-file-browser-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);

  /* ada, the admin of an empty project with a box label. */
  json_node_unref (app_test_call (server.real.admin, "POST", "/projects", "{\"name\": \"Streets\"}"));
  json_node_unref (app_test_call (server.real.admin, "PUT", "/projects/1/labels",
                                  "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\","
                                  " \"attributes\": []}]}"));
  user = g_strdup_printf ("{\"name\": \"ada\", \"password\": \"%s\"}", ADA_PASSWORD);
  server.ada = app_test_call_id (server.real.admin, "POST", "/users", user);
  json_node_unref (call (server.real.admin, "PUT", "{\"role\": \"admin\"}",
                         "/projects/1/members/%" G_GINT64_FORMAT, server.ada));

  server.media = g_build_filename (server.real.home, "media", NULL);
  g_free (make_image ("street-01.png", 1));
  g_free (make_image ("street-02.png", 2));
  g_free (make_image ("street-03.png", 3));
  clip = media_path ("drive.webm");
  g_assert_true (clip_make (CLIP_VP9_WEBM, clip, 160, 120, 10, 10, NULL, &error));
  g_assert_no_error (error);

  app_test_server_open_window (&server.real, 1000, 700);
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), "ada");
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"), ADA_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));

  g_test_add_func ("/file-browser/empty", test_empty);
  g_test_add_func ("/file-browser/upload", test_upload);
  g_test_add_func ("/file-browser/dedupe", test_dedupe);
  g_test_add_func ("/file-browser/corrupt", test_corrupt);
  g_test_add_func ("/file-browser/filters", test_filters);
  g_test_add_func ("/file-browser/cancel", test_cancel);
  g_test_add_func ("/file-browser/viewer", test_viewer);
  status = g_test_run ();

  if (server.browser != NULL)
    gtk_window_destroy (GTK_WINDOW (server.browser));
  g_free (server.media);
  app_test_server_stop (&server.real);
  return status;
}
