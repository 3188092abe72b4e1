/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <time.h>

#include <glib/gstdio.h>

#include "quorum-cache.h"
#include "quorum-canvas-private.h"
#include "quorum-instance-list.h"
#include "quorum-label-list.h"
#include "quorum-wire.h"

/* Opening a task of 10,000 polygons from the cache, as QuorumWindow's
 * show_opened_task() does it for the instances: the working instances read
 * from a real cache database, parsed and read into the model, the instance
 * list and the canvas given them, to the first frame with every instance
 * drawn. The image is decoded beforehand and is not timed: its download and
 * decoding are the media path's, measured apart. Run under Xvfb:
 *   xvfb-run -a -s "-screen 0 1920x1080x24" _build/bench/canvas-open */

#define TASK_ID 1

static int opt_n = 10000;
static int opt_vertices = 20;
static int opt_runs = 7;
static gboolean opt_tree = FALSE;

static const GOptionEntry entries[] = {
  { "n", 'n', 0, G_OPTION_ARG_INT, &opt_n, "Polygons (default 10000)", "N" },
  { "vertices", 'v', 0, G_OPTION_ARG_INT, &opt_vertices, "Vertices per polygon (default 20)", "V" },
  { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Opens timed (default 7)", "R" },
  { "tree", 0, 0, G_OPTION_ARG_NONE, &opt_tree,
    "Read the instances as the app did before: text, a json-glib tree, the model", NULL },
  { NULL }
};

static const char schema_json[] =
  "{\"labels\": ["
  " {\"name\": \"car\", \"color\": \"#3584e4\", \"kind\": \"polygon\", \"attributes\": []},"
  " {\"name\": \"person\", \"color\": \"#e66100\", \"kind\": \"polygon\", \"attributes\": []},"
  " {\"name\": \"bicycle\", \"color\": \"#26a269\", \"kind\": \"polygon\", \"attributes\": []}]}";
static const char *labels[] = { "car", "person", "bicycle" };

#define IMAGE_WIDTH  10000
#define IMAGE_HEIGHT 5000

/* The scene of bench/canvas, with ids like the app's (UUIDs). */
static GPtrArray *
make_polygons (GRand *rand)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  g_autofree QuorumPoint *points = g_new (QuorumPoint, opt_vertices);

  for (int i = 0; i < opt_n; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      QuorumInstance *instance = quorum_instance_new (id, labels[i % 3], QUORUM_KIND_POLYGON);
      double radius = g_rand_double_range (rand, 25, 120);
      double cx = g_rand_double_range (rand, radius, IMAGE_WIDTH - radius);
      double cy = g_rand_double_range (rand, radius, IMAGE_HEIGHT - radius);

      for (int v = 0; v < opt_vertices; v++)
        {
          double angle = 2 * G_PI * v / opt_vertices;
          double r = radius * g_rand_double_range (rand, 0.55, 1.0);

          /* Whole pixels with a decimal, as a person's clicks are stored. */
          points[v] = (QuorumPoint) { round ((cx + r * cos (angle)) * 10) / 10,
                                      round ((cy + r * sin (angle)) * 10) / 10 };
        }
      quorum_instance_set_points (instance, points, opt_vertices);
      g_ptr_array_add (instances, instance);
    }
  return instances;
}

static GdkTexture *
make_image (void)
{
  gsize stride = (gsize) IMAGE_WIDTH * 3;
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (stride * IMAGE_HEIGHT), stride * IMAGE_HEIGHT);

  return gdk_memory_texture_new (IMAGE_WIDTH, IMAGE_HEIGHT, GDK_MEMORY_R8G8B8, bytes, stride);
}

typedef struct
{
  QuorumCanvas *canvas;
  guint         frames;
  gint64        drawn;   /* after-paint of the first sharp frame; 0 before */
  double        cpu;     /* the main thread's CPU time then, in ms */
} Waiting;

/* CPU time in ms, of the calling thread or of the whole process: on a
 * shared machine, what the work costs whatever else runs. */
static double
cpu_ms (clockid_t clock)
{
  struct timespec now;

  clock_gettime (clock, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static void
after_paint (GdkFrameClock *clock,
             gpointer       user_data)
{
  Waiting *waiting = user_data;
  guint frames = _quorum_canvas_get_frame_count (waiting->canvas);

  if (waiting->drawn == 0 && frames != waiting->frames
      && quorum_overlay_is_sharp (_quorum_canvas_get_overlay (waiting->canvas)))
    {
      waiting->drawn = g_get_monotonic_time ();
      waiting->cpu = cpu_ms (CLOCK_THREAD_CPUTIME_ID);
    }
  waiting->frames = frames;
}

enum { S_READ, S_LABELS, S_CANVAS, S_LIST, S_FRAME, S_TOTAL, N_STAGES };

static const char *stage_names[N_STAGES] = {
  "cache read into the model",
  "label list",
  "canvas instances",
  "instance list",
  "to the first sharp frame",
  "total",
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_memory (const char *when)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  g_print ("%s:", when);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:") || g_str_has_prefix (lines[i], "VmHWM:"))
      g_print ("  %s", g_strdelimit (lines[i], "\t", ' '));
  g_print ("\n");
}

typedef struct
{
  gint64 wall;
  double cpu;
} Mark;

static Mark
mark_now (void)
{
  return (Mark) { g_get_monotonic_time (), cpu_ms (CLOCK_THREAD_CPUTIME_ID) };
}

/* The wall time and main-thread CPU time of one stage, from @mark to now. */
static void
stage_done (Mark   *mark,
            GArray *wall,
            GArray *cpu)
{
  Mark now = mark_now ();
  double ms = (now.wall - mark->wall) / 1000.0;
  double cpu_used = now.cpu - mark->cpu;

  g_array_append_val (wall, ms);
  g_array_append_val (cpu, cpu_used);
  *mark = now;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time opening a big task from the cache");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GdkTexture) image = NULL;
  g_autoptr(QuorumCache) cache = NULL;
  g_autoptr(JsonNode) schema_node = NULL;
  g_autoptr(QuorumLabelSchema) schema = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *media = NULL;
  g_autofree char *json = NULL;
  GArray *times[N_STAGES];
  GArray *cpu[N_STAGES];
  GArray *process_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWindow *window;
  GtkWidget *box, *panel;
  QuorumCanvas *canvas;
  QuorumInstanceList *list;
  QuorumLabelList *label_list;
  Waiting waiting = { 0 };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under Xvfb, e.g. xvfb-run -a -s \"-screen 0 1920x1080x24\" %s\n",
                  argv[0]);
      return 2;
    }

  /* A real cache holding the task's working instances, as after an edit. */
  dir = g_dir_make_tmp ("quorum-canvas-open-XXXXXX", &error);
  g_assert_no_error (error);
  database = g_build_filename (dir, "cache.sqlite", NULL);
  media = g_build_filename (dir, "media", NULL);
  cache = quorum_cache_open_at (database, media, &error);
  g_assert_no_error (error);
  instances = make_polygons (rand);
  {
    g_autoptr(JsonNode) node = quorum_wire_write_instances (instances);

    json = quorum_wire_to_string (node, FALSE);
  }
  {
    g_autofree char *view_json = g_strdup_printf ("{\"id\": %d, \"job\": 1, \"file\": 1, \"version\": 1, "
                                                  "\"instances\": []}", TASK_ID);
    g_autoptr(JsonNode) view = quorum_wire_parse_bytes (view_json, strlen (view_json), &error);

    g_assert_no_error (error);
    if (!quorum_cache_store_task (cache, view, &error))
      {
        g_printerr ("The cache refused the task: %s\n", error->message);
        return 1;
      }
  }
  if (!quorum_cache_save_local (cache, TASK_ID, json, &error))
    {
      g_printerr ("The cache refused the instances: %s\n", error->message);
      return 1;
    }
  schema_node = quorum_wire_parse_bytes (schema_json, strlen (schema_json), &error);
  g_assert_no_error (error);
  schema = quorum_wire_read_label_schema (schema_node, "", &error);
  g_assert_no_error (error);
  image = make_image ();

  /* The window's canvas and side panel, as QuorumWindow lays them out. */
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, 1920, 1080);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  panel = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  canvas = QUORUM_CANVAS (quorum_canvas_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (canvas), TRUE);
  label_list = QUORUM_LABEL_LIST (quorum_label_list_new ());
  list = QUORUM_INSTANCE_LIST (quorum_instance_list_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (list), TRUE);
  gtk_widget_set_size_request (panel, 320, -1);
  gtk_box_append (GTK_BOX (panel), GTK_WIDGET (label_list));
  gtk_box_append (GTK_BOX (panel), GTK_WIDGET (list));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (canvas));
  gtk_box_append (GTK_BOX (box), panel);
  gtk_window_set_child (window, box);
  quorum_label_list_bind_canvas (label_list, canvas);
  quorum_instance_list_bind_canvas (list, canvas);
  quorum_canvas_set_image (canvas, image);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (canvas)) || gtk_widget_get_width (GTK_WIDGET (canvas)) == 0)
    g_main_context_iteration (NULL, TRUE);
  waiting.canvas = canvas;
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (canvas)), "after-paint",
                    G_CALLBACK (after_paint), &waiting);

  g_print ("%d polygons of %d vertices, %.1f MB of JSON in the cache, canvas %d × %d, renderer %s, "
           "%u cores\n", opt_n, opt_vertices, strlen (json) / 1e6,
           gtk_widget_get_width (GTK_WIDGET (canvas)), gtk_widget_get_height (GTK_WIDGET (canvas)),
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))), g_get_num_processors ());
  print_memory ("before the first open");

  for (int i = 0; i < N_STAGES; i++)
    {
      times[i] = g_array_new (FALSE, FALSE, sizeof (double));
      cpu[i] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  for (int run = 0; run < opt_runs; run++)
    {
      g_autoptr(GPtrArray) read = NULL;
      Mark start, mark;
      double process_start, ms;

      /* Another task was open: nothing of this one is on screen. */
      quorum_canvas_set_instances (canvas, NULL);
      quorum_instance_list_set_schema (list, NULL);
      for (int i = 0; i < 30; i++)
        g_main_context_iteration (NULL, FALSE);

      process_start = cpu_ms (CLOCK_PROCESS_CPUTIME_ID);
      start = mark = mark_now ();
      if (opt_tree)
        {
          g_autofree char *text = quorum_cache_get_local_instances (cache, TASK_ID, &error);
          g_autoptr(JsonNode) node = NULL;

          g_assert_no_error (error);
          node = quorum_wire_parse_bytes (text, strlen (text), &error);
          g_assert_no_error (error);
          read = quorum_wire_read_instances (node, NULL, "instances", &error);
        }
      else
        read = quorum_cache_read_local_instances (cache, TASK_ID, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (read->len, ==, (guint) opt_n);
      stage_done (&mark, times[S_READ], cpu[S_READ]);
      /* In QuorumWindow's order: the label list gives the canvas its
       * colours, and the instance list is rebuilt from the canvas's new
       * instances when it gets the schema. */
      quorum_label_list_set_schema_json (label_list, schema_node, NULL);
      stage_done (&mark, times[S_LABELS], cpu[S_LABELS]);
      quorum_canvas_set_instances (canvas, read);
      stage_done (&mark, times[S_CANVAS], cpu[S_CANVAS]);
      quorum_instance_list_set_schema (list, schema);
      stage_done (&mark, times[S_LIST], cpu[S_LIST]);

      waiting.drawn = 0;
      waiting.frames = _quorum_canvas_get_frame_count (canvas);
      while (waiting.drawn == 0)
        g_main_context_iteration (NULL, TRUE);
      ms = cpu_ms (CLOCK_PROCESS_CPUTIME_ID) - process_start, g_array_append_val (process_cpu, ms);
      ms = (waiting.drawn - mark.wall) / 1000.0, g_array_append_val (times[S_FRAME], ms);
      ms = waiting.cpu - mark.cpu, g_array_append_val (cpu[S_FRAME], ms);
      ms = (waiting.drawn - start.wall) / 1000.0, g_array_append_val (times[S_TOTAL], ms);
      ms = waiting.cpu - start.cpu, g_array_append_val (cpu[S_TOTAL], ms);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (quorum_instance_list_get_model (list))),
                        ==, (guint) opt_n);
    }

  g_print ("\n%-30s %10s %10s %14s   (%d opens%s)\n", "stage", "best", "median", "main thread CPU",
           opt_runs, opt_tree ? ", read through a json-glib tree" : "");
  for (int i = 0; i < N_STAGES; i++)
    {
      g_array_sort (times[i], compare_doubles);
      g_array_sort (cpu[i], compare_doubles);
      g_print ("%-30s %7.1f ms %7.1f ms %10.1f ms\n", stage_names[i], g_array_index (times[i], double, 0),
               g_array_index (times[i], double, times[i]->len / 2), g_array_index (cpu[i], double, cpu[i]->len / 2));
      g_array_unref (times[i]);
      g_array_unref (cpu[i]);
    }
  g_array_sort (process_cpu, compare_doubles);
  g_print ("%-30s %10s %10s %10.1f ms   (CPU of every thread, median)\n", "process", "", "",
           g_array_index (process_cpu, double, process_cpu->len / 2));
  g_array_unref (process_cpu);
  print_memory ("with the task open");

  gtk_window_destroy (window);
  g_clear_object (&cache);
  g_unlink (database);
  {
    g_autofree char *wal = g_strconcat (database, "-wal", NULL);
    g_autofree char *shm = g_strconcat (database, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (media);
  g_rmdir (dir);
  return 0;
}
