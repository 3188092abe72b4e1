/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

/*
 * bench/open-image: how fast a big image reaches the screen.
 *
 * Starts a real quorum-server on a loopback port with a fresh data folder,
 * uploads generated images (a noisy 1920×1080 PNG of about 11 MB, a
 * 50-megapixel JPEG of 8660×5773 and a 20000×2500 JPEG wider than a GPU
 * texture), one draw job each, and measures:
 *   - the client library's download alone (quorum_client_download_sync into
 *     a file), in MB/s;
 *   - the real app (`quorum --server … --user root --open-next JOB` with
 *     QUORUM_TIMING=1 and an empty cache each run): launch to the first frame
 *     of the task (the preview for a big image) and launch to the frame at
 *     full resolution, as the app prints them, and the app's CPU time
 *     (/proc/PID/stat, all threads) at both.
 * Run under a display: xvfb-run -a _build/bench/open-image [RUNS] [NAME…]
 * See bench/README.md.
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <png.h>

#include "quorum-client.h"
#include "quorum-credentials-store.h"
#include "quorum-wire.h"

#define ROOT_PASSWORD "correct horse battery"

static char *home;
static char *address;
static GSubprocess *server;
static QuorumClient *admin;

static guint32 seed = 2463534242u;

static inline guint32
next_random (void)
{
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}

/* A 16-bit RGB PNG: a gradient with noise in the high byte and a random low
 * byte, about 11 MB at 1920×1080, as a scan or a camera raw export is. */
static void
write_noisy_png (const char *path,
                 int         width,
                 int         height)
{
  FILE *out = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_autofree guint8 *row = g_malloc ((gsize) width * 6);

  g_assert (out != NULL && png != NULL && info != NULL);
  if (setjmp (png_jmpbuf (png)))
    g_error ("%s: libpng failed", path);
  png_init_io (png, out);
  png_set_IHDR (png, info, width, height, 16, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level (png, 1);
  png_write_info (png, info);
  for (int y = 0; y < height; y++)
    {
      for (int x = 0; x < width; x++)
        for (int c = 0; c < 3; c++)
          {
            int base = (c == 0 ? x * 160 / width : c == 1 ? y * 160 / height : 80) + 40;
            int high = CLAMP (base + (int) (next_random () % 64) - 32, 0, 255);

            row[x * 6 + c * 2] = high;
            row[x * 6 + c * 2 + 1] = next_random () & 0xff;
          }
      png_write_row (png, row);
    }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (out);
}

/* A photograph-like JPEG: smooth shapes and a little sensor noise. */
static void
write_photo_jpeg (const char *path,
                  int         width,
                  int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;
        int band = ((x / 97) ^ (y / 61)) & 7;
        guint32 r = next_random ();

        p[0] = CLAMP ((x * 200 / width) + band * 6 + (int) (r & 63) - 32, 0, 255);
        p[1] = CLAMP ((y * 200 / height) + band * 4 + (int) ((r >> 8) & 63) - 32, 0, 255);
        p[2] = CLAMP (120 + band * 10 + (int) ((r >> 16) & 63) - 32, 0, 255);
      }
  if (!gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL))
    g_error ("%s: %s", path, error->message);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
server_start (const char *server_bin)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                      G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) create = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *data = g_build_filename (home, "server", NULL);
  g_autofree char *line = NULL;
  guint port = 0;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  create = g_subprocess_launcher_spawn (launcher, &error, server_bin, "--data", data,
                                        "--create-admin", "root", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (create, ROOT_PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  server = g_subprocess_launcher_spawn (launcher, &error, server_bin, "--data", data,
                                        "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  if (line == NULL || strstr (line, "port") == NULL || sscanf (strstr (line, "port"), "port %u", &port) != 1)
    g_error ("the server did not say its port: %s", line);
  address = g_strdup_printf ("http://127.0.0.1:%u", port);
  admin = quorum_client_new (address, &error);
  g_assert_no_error (error);
  reply = quorum_client_login_sync (admin, "root", ROOT_PASSWORD, NULL, &error);
  g_assert_no_error (error);
}

static JsonNode *
call (const char *method,
      const char *path,
      const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *reply;

  if (body != NULL)
    {
      node = quorum_wire_parse_bytes (body, strlen (body), &error);
      g_assert_no_error (error);
    }
  reply = quorum_client_call_sync (admin, method, path, node, NULL, &error);
  if (reply == NULL)
    g_error ("%s %s: %s", method, path, error->message);
  return reply;
}

static gint64
call_id (const char *method,
         const char *path,
         const char *body)
{
  g_autoptr(JsonNode) reply = call (method, path, body);

  return json_object_get_int_member (json_node_get_object (reply), "id");
}

typedef struct {
  const char *name;
  int         width;
  int         height;
  gboolean    png;
  gint64      file;
  gint64      job;
  gint64      size;
} Image;

static void
add_image (Image *image,
           gint64 project)
{
  g_autofree char *path = g_build_filename (home, image->name, NULL);
  g_autofree char *body = NULL;
  g_autofree char *launch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) file = NULL;
  gint64 start = g_get_monotonic_time ();
  GStatBuf info;

  if (image->png)
    write_noisy_png (path, image->width, image->height);
  else
    write_photo_jpeg (path, image->width, image->height);
  g_assert (g_stat (path, &info) == 0);
  image->size = info.st_size;
  g_print ("generated %-20s %5d × %-5d %6.1f MB in %.1f s\n", image->name, image->width, image->height,
           image->size / 1e6, (g_get_monotonic_time () - start) / 1e6);
  file = quorum_client_upload_sync (admin, project, path, NULL, NULL, NULL, &error);
  if (file == NULL)
    g_error ("upload %s: %s", image->name, error->message);
  image->file = json_object_get_int_member (json_node_get_object (file), "id");
  body = g_strdup_printf ("{\"settings\": {\"name\": \"%s\", \"passes_per_file\": 1, \"review_frequency\": 0},"
                          " \"files\": [%" G_GINT64_FORMAT "]}", image->name, image->file);
  image->job = call_id ("POST", "/projects/1/jobs", body);
  launch = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/launch", image->job);
  json_node_unref (call ("POST", launch, NULL));
}

/* The client library alone: GET /files/N/content into a file, best of @runs. */
static void
bench_download (Image *image,
                guint  runs)
{
  g_autofree char *api_path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/content", image->file);
  g_autofree char *target = g_build_filename (home, "download", NULL);
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      if (!quorum_client_download_sync (admin, api_path, target, NULL, &error))
        g_error ("download %s: %s", image->name, error->message);
      best = MIN (best, (g_get_monotonic_time () - start) / 1e3);
      g_unlink (target);
    }
  g_print ("client download  %-20s %6.1f MB  %8.1f ms  %7.1f MB/s (best of %u)\n", image->name,
           image->size / 1e6, best, image->size / 1e3 / best, runs);
}

typedef struct {
  double first;      /* launch to the first frame of the task */
  double full;       /* launch to the frame at full resolution, or -1 */
  double first_cpu;  /* the app's CPU time (all threads) by then */
  double full_cpu;
} AppRun;

typedef struct {
  GMainLoop        *loop;
  GDataInputStream *err;
  AppRun           *result;
  const char       *pid;
} Watch;

/* The CPU time of process @pid so far (user + system, all threads), in
 * ms: on a shared machine it moves less than the wall clock. */
static double
cpu_ms (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (pid == NULL || !g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return -1;
  /* After "pid (comm)": state is field 3, utime 14 and stime 15. */
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0 / sysconf (_SC_CLK_TCK);
}

static void read_app_line (Watch *watch);

static void
app_line_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Watch *watch = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (watch->err, result, NULL, NULL);
  const char *at;

  if (line == NULL)
    {
      g_main_loop_quit (watch->loop);
      return;
    }
  if ((at = strstr (line, "launch to first task drawn: ")) != NULL)
    {
      watch->result->first = g_ascii_strtod (at + strlen ("launch to first task drawn: "), NULL);
      watch->result->first_cpu = cpu_ms (watch->pid);
    }
  else if ((at = strstr (line, "launch to full resolution drawn: ")) != NULL)
    {
      watch->result->full = g_ascii_strtod (at + strlen ("launch to full resolution drawn: "), NULL);
      watch->result->full_cpu = cpu_ms (watch->pid);
    }
  else if (g_getenv ("BENCH_VERBOSE") != NULL || strstr (line, "CRITICAL") != NULL || strstr (line, "WARNING") != NULL)
    g_printerr ("  app: %s\n", line);
  /* The full-resolution line follows the first, or the first frame was at
   * full resolution already (it says so). */
  if (watch->result->full >= 0 || (watch->result->first >= 0 && strstr (line, "at full resolution") != NULL))
    {
      if (watch->result->full < 0)
        {
          watch->result->full = watch->result->first;
          watch->result->full_cpu = watch->result->first_cpu;
        }
      g_main_loop_quit (watch->loop);
      return;
    }
  read_app_line (watch);
}

static void
read_app_line (Watch *watch)
{
  g_data_input_stream_read_line_async (watch->err, G_PRIORITY_DEFAULT, NULL, app_line_read, watch);
}

static gboolean
app_timeout (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* The real app, launched with an empty cache, until it prints its timing
 * lines (QUORUM_TIMING=1) or 120 s pass. */
static gboolean
run_app (const char *app_bin,
         Image      *image,
         guint       run,
         AppRun     *result)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                      G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_strdup_printf ("%s/cache-%" G_GINT64_FORMAT "-%u", home, image->job, run);
  g_autofree char *job = g_strdup_printf ("%" G_GINT64_FORMAT, image->job);
  Watch watch;
  guint timeout;

  result->first = result->full = -1;
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "QUORUM_TIMING", "1", TRUE);
  app = g_subprocess_launcher_spawn (launcher, &error, app_bin, "--server", address, "--user", "root",
                                     "--open-next", job, NULL);
  g_assert_no_error (error);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (app));
  watch = (Watch) { loop, err, result, g_subprocess_get_identifier (app) };
  read_app_line (&watch);
  timeout = g_timeout_add_seconds (120, app_timeout, loop);
  g_main_loop_run (loop);
  g_source_remove (timeout);
  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, NULL);
  /* Let the cancelled read finish before the stream goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return result->first >= 0;
}

static void
bench_app (const char *app_bin,
           Image      *image,
           guint       runs)
{
  double best_first = G_MAXDOUBLE, best_full = G_MAXDOUBLE;
  double cpu_first = G_MAXDOUBLE, cpu_full = G_MAXDOUBLE;
  gboolean any_full = FALSE;

  for (guint i = 0; i < runs; i++)
    {
      AppRun run;

      if (!run_app (app_bin, image, i, &run))
        {
          g_print ("app  %-20s no first frame (run %u)\n", image->name, i + 1);
          return;
        }
      best_first = MIN (best_first, run.first);
      cpu_first = MIN (cpu_first, run.first_cpu);
      if (run.full >= 0)
        {
          any_full = TRUE;
          best_full = MIN (best_full, run.full);
          cpu_full = MIN (cpu_full, run.full_cpu);
        }
    }
  if (any_full)
    g_print ("app, empty cache %-20s first frame %7.0f ms  full resolution %7.0f ms (best of %u)"
             "  CPU %5.0f / %5.0f ms\n", image->name, best_first, best_full, runs, cpu_first, cpu_full);
  else
    g_print ("app, empty cache %-20s first frame %7.0f ms (best of %u)  CPU %5.0f ms\n", image->name, best_first,
             runs, cpu_first);

  /* Then again on the first run's cache: the sign-in, the task and its
   * file as a second launch finds them. */
  best_first = cpu_first = G_MAXDOUBLE;
  for (guint i = 0; i < runs; i++)
    {
      AppRun run;

      if (!run_app (app_bin, image, 0, &run))
        return;
      best_first = MIN (best_first, run.first);
      cpu_first = MIN (cpu_first, run.first_cpu);
    }
  g_print ("app, warm cache  %-20s first frame %7.0f ms (best of %u)  CPU %5.0f ms\n", image->name, best_first,
           runs, cpu_first);
}

/* Arguments after RUNS name the images to run, by a part of their name
 * ("png", "50mp"); none: all of them. */
static gboolean
wanted (const Image *image,
        int          argc,
        char        *argv[])
{
  if (argc <= 2)
    return TRUE;
  for (int i = 2; i < argc; i++)
    if (strstr (image->name, argv[i]) != NULL)
      return TRUE;
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  Image images[] = {
    { "noisy-1080p.png", 1920, 1080, TRUE },
    { "photo-50mp.jpg", 8660, 5773, FALSE },
    { "panorama-20000.jpg", 20000, 2500, FALSE },
  };
  const char *server_bin = g_getenv ("QUORUM_SERVER_BIN");
  const char *app_bin = g_getenv ("QUORUM_APP_BIN");
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 3;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *config = NULL;

  setlocale (LC_ALL, "");
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (server_bin == NULL)
    server_bin = BUILD_ROOT "/src/server/quorum-server";
  if (app_bin == NULL)
    app_bin = BUILD_ROOT "/src/app/quorum";
  if (runs == 0)
    runs = 3;
  home = g_dir_make_tmp ("quorum-open-image-XXXXXX", &error);
  g_assert_no_error (error);
  /* The app's settings and stored sign-in live in the bench's own folder. */
  config = g_build_filename (home, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", config, TRUE);
  g_setenv ("QUORUM_CREDENTIALS_STORE", "file", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_ROOT "/data", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  /* The app's caches are empty at every launch; Mesa's compiled shaders stay
   * between launches, as on any machine after its first: under a software
   * rasterizer compiling them costs GTK's renderer a second at a cold start. */
  if (g_getenv ("MESA_SHADER_CACHE_DIR") == NULL)
    {
      g_autofree char *shaders = g_build_filename (home, "mesa-shader-cache", NULL);

      g_setenv ("MESA_SHADER_CACHE_DIR", shaders, TRUE);
    }

  server_start (server_bin);
  json_node_unref (call ("POST", "/projects", "{\"name\": \"Big images\"}"));
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    if (wanted (&images[i], argc, argv))
      add_image (&images[i], 1);
  if (!quorum_credentials_store_save (address, "root", quorum_client_get_token (admin), &error))
    g_error ("cannot store the sign-in: %s", error->message);

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    if (wanted (&images[i], argc, argv))
      bench_download (&images[i], runs);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_print ("no display: the app is not run (use xvfb-run -a)\n");
  else
    for (guint i = 0; i < G_N_ELEMENTS (images); i++)
      if (wanted (&images[i], argc, argv))
        bench_app (app_bin, &images[i], runs);

  g_subprocess_send_signal (server, SIGKILL);
  g_subprocess_wait (server, NULL, NULL);
  command = g_strdup_printf ("rm -rf '%s'", home);
  if (system (command) != 0)
    g_printerr ("could not remove %s\n", home);
  return 0;
}
