/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The renderer's floor: what GTK alone costs to show a new video frame, with
 * nothing of Quorum in the window. An undecorated window (1920×1080 unless
 * given) holds one GtkPicture; every change gives it a new GdkMemoryTexture,
 * 1920×1080 BGRA unless given (two prepared pixel buffers in turn, so no
 * decoding or copying is timed), 40 ms apart, timed to the frame clock's next
 * after-paint, with the process's processor time between the two (GTK and
 * the renderer's threads: Mesa's llvmpipe under Xvfb).
 *
 * The issues' frame targets (a step, a scrub, a pan shown within 16 ms at
 * p95) cannot be met by any GTK program where this floor is above them.
 *
 * With --launch it times instead a bare libadwaita window (a header bar and
 * a label) from the process's start to its first paint: the floor under a
 * launch target, as the app's own launch is timed (bench/open-image).
 *
 *   xvfb-run -a -s "-screen 0 1920x1080x24" _build/bench/renderer-floor [--changes 120] [--width W --height H]
 *       [--texture-width W --texture-height H] [--format bgra|rgba]   # the texture given each change
 *   xvfb-run -a -s "-screen 0 1920x1080x24" _build/bench/renderer-floor --launch
 *   GSK_RENDERER=cairo xvfb-run … _build/bench/renderer-floor      # GTK's other renderer
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>
#include <unistd.h>

#include "bench-stats.h"

static int opt_changes = 120;
static int opt_texture_width = 1920;
static int opt_texture_height = 1080;
static char *opt_format = NULL;
static GdkMemoryFormat texture_format = GDK_MEMORY_B8G8R8A8_PREMULTIPLIED;
static int opt_width = 1920;
static int opt_height = 1080;
static gboolean opt_launch = FALSE;

/* Milliseconds since the process started (the kernel's start time, in
 * clock ticks since boot: 10 ms steps). */
static double
since_start_ms (void)
{
  g_autofree char *stat = NULL;
  const char *end;
  unsigned long long start_ticks = 0;
  struct timespec boot;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return -1;
  /* field 22, counted after the command's closing parenthesis (field 2) */
  for (int field = 3; field <= 22 && end != NULL; field++)
    end = strchr (end + 1, ' ');
  if (end == NULL || sscanf (end + 1, "%llu", &start_ticks) != 1)
    return -1;
  clock_gettime (CLOCK_BOOTTIME, &boot);
  return boot.tv_sec * 1e3 + boot.tv_nsec / 1e6 - start_ticks * 1e3 / sysconf (_SC_CLK_TCK);
}

typedef struct {
  double initialised;
  double mapped;
  double painted;
} Launch;

static void
launch_painted (GdkFrameClock *clock,
                Launch        *launch)
{
  if (launch->painted == 0)
    launch->painted = since_start_ms ();
}

static void
launch_mapped (GtkWidget *window,
               Launch    *launch)
{
  launch->mapped = since_start_ms ();
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (launch_painted), launch);
}

static int
time_launch (void)
{
  Launch launch = { 0 };
  GtkWidget *window, *box;

  adw_init ();
  launch.initialised = since_start_ms ();
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), opt_width, opt_height);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Quorum"));
  gtk_window_set_child (GTK_WINDOW (window), box);
  g_signal_connect (window, "map", G_CALLBACK (launch_mapped), &launch);
  gtk_window_present (GTK_WINDOW (window));
  while (launch.painted == 0)
    g_main_context_iteration (NULL, TRUE);
  g_print ("renderer %s, a bare libadwaita window %d×%d, from the process's start:\n",
           g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "GTK's default (GL)", opt_width,
           opt_height);
  g_print ("GTK and libadwaita initialised %6.0f ms\nwindow mapped                  %6.0f ms\n"
           "first paint                    %6.0f ms\n", launch.initialised, launch.mapped, launch.painted);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

typedef struct {
  GtkWidget *picture;
  GBytes    *pixels[2];
  gint64     changed_at;   /* 0: no change waits for its paint */
  double     cpu_at;
  GArray    *walls;        /* of double, ms */
  GArray    *cpus;
  gboolean   done;
} Bench;

static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static gboolean
change (gpointer user_data)
{
  Bench *bench = user_data;
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (opt_texture_width, opt_texture_height,
                                                          texture_format, bench->pixels[bench->walls->len % 2],
                                                          (gsize) opt_texture_width * 4);

  bench->changed_at = g_get_monotonic_time ();
  bench->cpu_at = cpu_ms ();
  gtk_picture_set_paintable (GTK_PICTURE (bench->picture), GDK_PAINTABLE (texture));
  return G_SOURCE_REMOVE;
}

static void
after_paint (GdkFrameClock *clock,
             Bench         *bench)
{
  double wall, cpu;

  if (bench->changed_at == 0)
    return;
  wall = (g_get_monotonic_time () - bench->changed_at) / 1000.0;
  cpu = cpu_ms () - bench->cpu_at;
  bench->changed_at = 0;
  g_array_append_val (bench->walls, wall);
  g_array_append_val (bench->cpus, cpu);
  if ((int) bench->walls->len == opt_changes)
    {
      bench->done = TRUE;
      return;
    }
  g_timeout_add (40, change, bench);
}

static void
mapped (GtkWidget *window,
        Bench     *bench)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint), bench);
  /* a second for the first frame and the shaders */
  g_timeout_add (1000, change, bench);
}

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    { "changes", 0, 0, G_OPTION_ARG_INT, &opt_changes, "Frame changes to time (default 120)", "N" },
    { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Window width (default 1920)", "PX" },
    { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Window height (default 1080)", "PX" },
    { "texture-width", 0, 0, G_OPTION_ARG_INT, &opt_texture_width, "Texture width (default 1920)", "PX" },
    { "texture-height", 0, 0, G_OPTION_ARG_INT, &opt_texture_height, "Texture height (default 1080)", "PX" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "Texture bytes: bgra (default, GDK's own) or rgba", "FORMAT" },
    { "launch", 0, 0, G_OPTION_ARG_NONE, &opt_launch, "Time a bare window's launch to its first paint", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— GTK's cost of showing a new 1080p frame");
  g_autoptr(GError) error = NULL;
  Bench bench = { 0 };
  GtkWidget *window;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_changes < 2 || opt_width < 16 ||
      opt_height < 16 || opt_texture_width < 16 || opt_texture_height < 16)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--changes ≥ 2, the sizes ≥ 16");
      return 2;
    }
  if (g_strcmp0 (opt_format, "rgba") == 0)
    texture_format = GDK_MEMORY_R8G8B8A8_PREMULTIPLIED;
  else if (opt_format != NULL && strcmp (opt_format, "bgra") != 0)
    {
      g_printerr ("--format: bgra or rgba, not “%s”\n", opt_format);
      return 2;
    }
  if (opt_launch)
    return time_launch ();
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run under xvfb-run\n");
      return 1;
    }
  for (int k = 0; k < 2; k++)
    {
      gsize size = (gsize) opt_texture_width * opt_texture_height * 4;
      guint8 *data = g_malloc (size);

      for (gsize i = 0; i < size; i++)
        data[i] = (i & 3) == 3 ? 255 : (guint8) (i * 7 + k * 13);
      bench.pixels[k] = g_bytes_new_take (data, size);
    }
  bench.walls = g_array_new (FALSE, FALSE, sizeof (double));
  bench.cpus = g_array_new (FALSE, FALSE, sizeof (double));

  window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), opt_width, opt_height);
  bench.picture = gtk_picture_new ();
  gtk_window_set_child (GTK_WINDOW (window), bench.picture);
  g_signal_connect (window, "map", G_CALLBACK (mapped), &bench);
  gtk_window_present (GTK_WINDOW (window));
  while (!bench.done)
    g_main_context_iteration (NULL, TRUE);

  g_print ("renderer %s, window %d×%d, a new %d×%d %s texture every 40 ms, %d changes\n",
           g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "GTK's default (GL)",
           opt_width, opt_height, opt_texture_width, opt_texture_height,
           texture_format == GDK_MEMORY_R8G8B8A8_PREMULTIPLIED ? "RGBA" : "BGRA", opt_changes);
  g_print ("change to painted   median %6.1f ms  p95 %6.1f ms\n", bench_percentile (bench.walls, 0.5),
           bench_percentile (bench.walls, 0.95));
  g_print ("processor time      median %6.1f ms  p95 %6.1f ms  (the process, all threads)\n",
           bench_percentile (bench.cpus, 0.5), bench_percentile (bench.cpus, 0.95));
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (bench.walls);
  g_array_unref (bench.cpus);
  g_bytes_unref (bench.pixels[0]);
  g_bytes_unref (bench.pixels[1]);
  return 0;
}
