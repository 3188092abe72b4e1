/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "quorum-canvas-private.h"
#include "quorum-error.h"
#include "quorum-task-item.h"
#include "quorum-window-private.h"

#include "app-test-server.h"

/*
 * The workspace around the canvas against a real quorum-server: the panels
 * dock or float with the window's width so that the image keeps most of it,
 * each is hidden by its key; and while the server is down the window says
 * so, holds back what needs the server, asks before quitting with unsent
 * work, and says when everything went out once the server is back.
 *
 * With QUORUM_SCREENSHOTS=DIR it leaves screenshots of the screen there
 * (ImageMagick's import): run it under xvfb-run with a screen as large as
 * the largest window, and with GDK_SCALE=2 for the 3840 × 2160 one.
 */

#define ROOT_PASSWORD "correct horse battery"
#define ANN_PASSWORD  "ann-password"

static struct {
  AppTestServer  real;
  gint64         job;
  gint64         job2;      /* another job, its task taken elsewhere while offline */
  gint64         task;
  QuorumClient  *ann;
} server;

static void
write_image (const char *path,
             guchar      blue)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1280, 800);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  g_autoptr(GError) error = NULL;

  /* A gradient, so that a screenshot shows where the image is. */
  for (int y = 0; y < 800; y++)
    for (int x = 0; x < 1280; x++)
      {
        guchar *p = pixels + y * stride + x * 3;

        p[0] = (guchar) (x * 255 / 1280);
        p[1] = (guchar) (y * 255 / 800);
        p[2] = blue;
      }
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* A project with a box label, two images in a launched job, and ann. */
static void
server_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  gint64 files[3], ann_id;

  app_test_server_start (&server.real, ROOT_PASSWORD);
  g_assert_cmpint (app_test_call_id (server.real.admin, "POST", "/projects", "{\"name\": \"Streets\"}"), ==, 1);
  json_node_unref (app_test_call (server.real.admin, "PUT", "/projects/1/labels",
                                  "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\", \"attributes\": []}]}"));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("street-%u.png", i);
      g_autofree char *file_path = g_build_filename (server.real.home, name, NULL);
      g_autoptr(JsonNode) file = NULL;

      write_image (file_path, (guchar) (160 - 50 * i));
      file = quorum_client_upload_sync (server.real.admin, 1, file_path, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      files[i] = json_object_get_int_member (json_node_get_object (file), "id");
    }
  ann_id = app_test_call_id (server.real.admin, "POST", "/users", "{\"name\": \"ann\", \"password\": \"" ANN_PASSWORD "\"}");
  json_node_unref (app_test_callf (server.real.admin, "PUT", "{\"role\": \"annotator\"}",
                                   "/projects/1/members/%" G_GINT64_FORMAT, ann_id));
  body = g_strdup_printf ("{\"settings\": {\"name\": \"Cars\", \"passes_per_file\": 1, \"review_frequency\": 0},"
                          " \"files\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]}", files[0], files[1]);
  server.job = app_test_call_id (server.real.admin, "POST", "/projects/1/jobs", body);
  json_node_unref (app_test_callf (server.real.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", server.job));
  g_free (body);
  body = g_strdup_printf ("{\"settings\": {\"name\": \"Bikes\", \"passes_per_file\": 1, \"review_frequency\": 0},"
                          " \"files\": [%" G_GINT64_FORMAT "]}", files[2]);
  server.job2 = app_test_call_id (server.real.admin, "POST", "/projects/1/jobs", body);
  json_node_unref (app_test_callf (server.real.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", server.job2));
  server.ann = app_test_server_sign_in (&server.real, "ann", ANN_PASSWORD);
}

/* The server again on its port and data, as after a restart. */
static void
server_restart (void)
{
  g_autoptr(GSubprocessLauncher) launcher = app_test_server_launcher ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *data_dir = g_build_filename (server.real.home, "server", NULL);
  g_autofree char *listen = g_strdup (server.real.address + strlen ("http://"));
  g_autofree char *line = NULL;

  server.real.process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("QUORUM_SERVER_BIN"),
                                                     "--data", data_dir, "--listen", listen, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server.real.process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  g_assert_nonnull (line);
}

static void
server_kill (void)
{
  g_subprocess_send_signal (server.real.process, SIGKILL);
  g_subprocess_wait (server.real.process, NULL, NULL);
  g_clear_object (&server.real.process);
}

static void
screenshot (const char *name,
            int         width,
            int         height)
{
  const char *folder = g_getenv ("QUORUM_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autofree char *geometry = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  char *argv[] = { "import", "-window", "root", "-crop", NULL, NULL, NULL };

  if (folder == NULL)
    return;
  app_test_iterate (700);
  path = g_build_filename (folder, name, NULL);
  geometry = g_strdup_printf ("%dx%d+0+0", width, height);
  argv[4] = geometry;
  argv[5] = path;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error))
    g_printerr ("no screenshot %s: %s\n", name, error->message);
}

/* ---- driving the window ------------------------------------------------------ */

static int scale = 1;

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "work") == 0;
}

static gboolean
canvas_shown (gpointer window)
{
  QuorumCanvas *canvas = app_test_child (window, "canvas");

  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "canvas_stack")), "canvas") == 0 &&
         quorum_canvas_get_image (canvas) != NULL && gtk_widget_get_mapped (GTK_WIDGET (canvas));
}

typedef struct {
  GtkWidget *widget;
  int        width;
} Sized;

static gboolean
has_width (gpointer data)
{
  Sized *sized = data;

  /* Client-side decorations take a few pixels of the size asked for. */
  return ABS (gtk_widget_get_width (sized->widget) - sized->width) <= 16;
}

static gboolean
flap_settled (gpointer flap)
{
  return adw_flap_get_reveal_progress (flap) == (adw_flap_get_reveal_flap (flap) ? 1.0 : 0.0);
}

static gboolean
flaps_settled (gpointer window)
{
  return flap_settled (app_test_child (window, "task_flap")) && flap_settled (app_test_child (window, "side_flap"));
}

/* The window at @width × @height (logical pixels), laid out. */
static void
resize (QuorumWindow *window,
        int           width,
        int           height)
{
  Sized sized = { GTK_WIDGET (window), width };

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_assert_true (app_test_wait_until (has_width, &sized));
  app_test_iterate (100);
  g_assert_true (app_test_wait_until (flaps_settled, window));
  app_test_iterate (200);
}

/* Runs the window's key binding for @accelerator as a key press would: the
 * shortcut of the window's class whose trigger it is. */
static void
press (QuorumWindow *window,
       const char   *accelerator)
{
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));

  g_assert_nonnull (wanted);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (!gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            continue;
          g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (window),
                                                       gtk_shortcut_get_arguments (shortcut)));
          g_assert_true (app_test_wait_until (flaps_settled, window));
          app_test_iterate (100);
          return;
        }
    }
  g_error ("no key binding for %s", accelerator);
}

static int
canvas_width (QuorumWindow *window)
{
  return gtk_widget_get_width (app_test_child (window, "canvas"));
}

static gboolean
flap_open (QuorumWindow *window,
           const char   *name)
{
  AdwFlap *flap = app_test_child (window, name);

  return adw_flap_get_reveal_flap (flap) && gtk_widget_get_mapped (adw_flap_get_flap (flap));
}

/* ---- the tests -------------------------------------------------------------------- */

static void
test_open (void)
{
  QuorumWindow *window = server.real.window;

  gtk_editable_set_text (app_test_child (window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (window, "user_row"), "ann");
  gtk_editable_set_text (app_test_child (window, "password_row"), ANN_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-task", "x", server.job));
  g_assert_true (app_test_wait_until (canvas_shown, window));
  server.task = quorum_window_get_task (window);
  g_assert_cmpint (server.task, >, 0);
}

/* The image keeps at least 60 % of the width at each size; the panels that
 * do not fit beside it float, hidden, and each key shows or hides its panel. */
static void
check_size (int         width,
            int         height,
            const char *name)
{
  QuorumWindow *window = server.real.window;
  int before;

  resize (window, width, height);
  g_test_message ("%d × %d: canvas %d px, task list %s, side panel %s", width, height, canvas_width (window),
                  adw_flap_get_folded (app_test_child (window, "task_flap")) ? "floats" : "docked",
                  adw_flap_get_folded (app_test_child (window, "side_flap")) ? "floats" : "docked");
  g_assert_cmpint (canvas_width (window), >=, 0.6 * gtk_widget_get_width (GTK_WIDGET (window)));
  /* The header's buttons show which panels are out. */
  g_assert_cmpint (gtk_toggle_button_get_active (app_test_child (window, "task_toggle")), ==,
                   flap_open (window, "task_flap"));
  g_assert_cmpint (gtk_toggle_button_get_active (app_test_child (window, "side_toggle")), ==,
                   flap_open (window, "side_flap"));
  screenshot (name, width * scale, height * scale);

  /* F9: the side panel, whether it is docked or floats. */
  g_assert_true (flap_open (window, "side_flap"));
  before = canvas_width (window);
  press (window, "F9");
  g_assert_false (flap_open (window, "side_flap"));
  if (!adw_flap_get_folded (app_test_child (window, "side_flap")))
    g_assert_cmpint (canvas_width (window), >, before);
  press (window, "F9");
  g_assert_true (flap_open (window, "side_flap"));
  g_assert_cmpint (canvas_width (window), ==, before);

  /* Shift+F9: the task list. */
  {
    gboolean shown = flap_open (window, "task_flap");

    press (window, "<Shift>F9");
    g_assert_cmpint (flap_open (window, "task_flap"), !=, shown);
    /* Floating, it covers the image and leaves its size alone. */
    if (adw_flap_get_folded (app_test_child (window, "task_flap")))
      g_assert_cmpint (canvas_width (window), ==, before);
    press (window, "<Shift>F9");
    g_assert_cmpint (flap_open (window, "task_flap"), ==, shown);
  }
}

static void
test_sizes (void)
{
  QuorumWindow *window = server.real.window;
  QuorumCanvas *canvas = app_test_child (window, "canvas");
  double zoom;

  if (scale == 2)
    {
      /* 3840 × 2160 device pixels. */
      check_size (1920, 1080, "workspace-3840x2160.png");
      return;
    }
  check_size (1024, 600, "workspace-1024x600.png");
  /* Below a width the task list floats; the side panel still docks. */
  g_assert_true (adw_flap_get_folded (app_test_child (window, "task_flap")));
  g_assert_false (adw_flap_get_folded (app_test_child (window, "side_flap")));
  check_size (1600, 1000, "workspace-1600x1000.png");
  g_assert_false (adw_flap_get_folded (app_test_child (window, "task_flap")));

  /* The view refits on a resize, unless the user zoomed. */
  resize (window, 1600, 1000);
  zoom = quorum_canvas_get_zoom (canvas);
  resize (window, 1024, 600);
  g_assert_cmpfloat (quorum_canvas_get_zoom (canvas), <, zoom);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL));
  zoom = quorum_canvas_get_zoom (canvas);
  resize (window, 1600, 1000);
  g_assert_cmpfloat (quorum_canvas_get_zoom (canvas), ==, zoom);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-fit", NULL));
}

/* The button under @widget whose label starts with @start (the job row's
 * Start or Continue). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *start)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_visible (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (widget)), start))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, start);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
banner_shown (gpointer window)
{
  return gtk_revealer_get_reveal_child (app_test_child (window, "offline_banner"));
}

static gboolean
all_sent_said (gpointer data)
{
  QuorumWindow *window = data;

  return window->toast != NULL && g_strcmp0 (adw_toast_get_title (window->toast), "All changes sent") == 0;
}

static gboolean
quit_asked (gpointer data)
{
  return app_test_find_dialog ("Quit With Unsent Changes?") != NULL;
}

/* Every task row as the server has it, the second task among them. */
static gboolean
rows_match_server (gpointer data)
{
  QuorumWindow *window = data;
  GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (app_test_child (window, "task_list")));
  g_autoptr(JsonNode) mine = app_test_call (server.ann, "GET", "/me/tasks", NULL);
  JsonArray *tasks = json_node_get_array (mine);
  guint found = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (!QUORUM_IS_TASK_ITEM (item))
        continue;
      for (guint j = 0; j < json_array_get_length (tasks); j++)
        {
          JsonObject *task = json_array_get_object_element (tasks, j);

          if (json_object_get_int_member (task, "id") != quorum_task_item_get_id (QUORUM_TASK_ITEM (item)))
            continue;
          if (g_strcmp0 (json_object_get_string_member (task, "state"),
                         quorum_task_item_get_state (QUORUM_TASK_ITEM (item))) != 0)
            {
              g_test_message ("task %" G_GINT64_FORMAT ": %s here, %s on the server",
                              quorum_task_item_get_id (QUORUM_TASK_ITEM (item)),
                              quorum_task_item_get_state (QUORUM_TASK_ITEM (item)),
                              json_object_get_string_member (task, "state"));
              return FALSE;
            }
          found++;
        }
    }
  return found == json_array_get_length (tasks) && found == 2;
}

static void
test_offline (void)
{
  QuorumWindow *window = server.real.window;
  QuorumCanvas *canvas = app_test_child (window, "canvas");
  GtkWidget *dialog;
  GtkWidget *next_button;
  GtkWidget *continue_button;
  double x0, y0, x1, y1;
  gint64 start;

  resize (window, 1024, 600);
  server_kill ();
  /* An edit while the server is down. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "box"));
  quorum_canvas_image_to_widget (canvas, 100, 100, &x0, &y0);
  quorum_canvas_image_to_widget (canvas, 300, 250, &x1, &y1);
  g_assert_true (_quorum_canvas_drag_begin (canvas, GDK_BUTTON_PRIMARY, 0, x0, y0));
  _quorum_canvas_drag_update (canvas, x1, y1);
  _quorum_canvas_drag_end (canvas, x1, y1);
  start = g_get_monotonic_time ();
  g_assert_true (app_test_wait_until (banner_shown, window));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpstr (gtk_label_get_label (app_test_child (window, "offline_label")), ==,
                   "Working offline — 1 change waits");
  screenshot ("offline-banner.png", 1024, 600);

  /* What needs the server waits too: a Next Task button anywhere in the
   * window is off. */
  next_button = gtk_button_new_with_label ("Next Task");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (next_button), "win.next-task");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (next_button), "x", server.job);
  gtk_box_append (app_test_child (window, "side_panel"), next_button);
  app_test_iterate (100);
  g_assert_false (gtk_widget_is_sensitive (next_button));
  /* The job row's Continue is off as well, and its tooltip says why. */
  continue_button = find_button (app_test_child (window, "tasks"), "Continue");
  g_assert_nonnull (continue_button);
  g_assert_false (gtk_widget_get_sensitive (continue_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (continue_button), ==,
                   "New tasks need the server, which does not answer now");

  /* Quitting now asks; keeping on working keeps the window. */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (app_test_wait_until (quit_asked, NULL));
  dialog = app_test_find_dialog ("Quit With Unsent Changes?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "stays on this computer and is sent the next time you start Quorum"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  app_test_iterate (200);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (banner_shown (window));

  /* The server is back, and ann took a task of another job elsewhere:
   * the change goes out, the window says so, the rows are the server's. */
  server_restart ();
  json_node_unref (app_test_callf (server.ann, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.job2));
  start = g_get_monotonic_time ();
  g_assert_true (app_test_wait_until (all_sent_said, window));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  g_assert_false (banner_shown (window));
  g_assert_true (app_test_wait_until (rows_match_server, window));
  g_assert_true (gtk_widget_is_sensitive (next_button));
  continue_button = find_button (app_test_child (window, "tasks"), "Continue");
  g_assert_nonnull (continue_button);
  g_assert_true (gtk_widget_get_sensitive (continue_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (continue_button), ==, "Continue Your Task in This Job");
  gtk_box_remove (app_test_child (window, "side_panel"), next_button);
}

/* What the window shows of a failure: a sentence, without the address, the
 * errno text or the field path the error carried. */
static void
test_error_sentences (void)
{
  static const struct { GQuark domain; int code; const char *message; const char *sentence; } cases[] = {
    { 0, QUORUM_ERROR_UNREACHABLE, "cannot reach http://127.0.0.1:9: Connection refused",
      "The server does not answer. Your work is kept on this computer." },
    { 0, QUORUM_ERROR_STATE, "state: task 9 is submitted already", "Task 9 is submitted already." },
    { 0, QUORUM_ERROR_UNAUTHORIZED, "the token expired", "Your session on the server has ended. Sign in again to go on." },
    { 1, G_IO_ERROR_NO_SPACE, "Error writing to file /home/ann/.cache/quorum/x: No space left on device",
      "The disk of this computer is full. Free some space and try again." },
    { 1, G_IO_ERROR_CONNECTION_REFUSED, "Could not connect to 127.0.0.1: Connection refused",
      "The server does not answer. Your work is kept on this computer." },
    { 2, G_RESOLVER_ERROR_NOT_FOUND, "Error resolving “quorum.example”: Name or service not known",
      "The server cannot be reached. Check the network and the server’s address." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GQuark domain = cases[i].domain == 0 ? QUORUM_ERROR : cases[i].domain == 1 ? G_IO_ERROR : G_RESOLVER_ERROR;
      g_autoptr(GError) error = g_error_new_literal (domain, cases[i].code, cases[i].message);
      g_autofree char *sentence = quorum_session_describe_error (error);

      g_assert_cmpstr (sentence, ==, cases[i].sentence);
    }
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
  if (g_strcmp0 (g_getenv ("GDK_SCALE"), "2") == 0)
    scale = 2;

  app_test_server_make_home (&server.real, "quorum-workspace-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server_start ();
  app_test_server_open_window (&server.real, 1600, 1000);

  g_test_add_func ("/workspace/error-sentences", test_error_sentences);
  g_test_add_func ("/workspace/open", test_open);
  g_test_add_func ("/workspace/sizes", test_sizes);
  if (scale == 1)
    g_test_add_func ("/workspace/offline", test_offline);
  status = g_test_run ();

  g_clear_object (&server.ann);
  app_test_server_stop (&server.real);
  return status;
}
