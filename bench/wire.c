/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

/*
 * bench/wire: reading and writing the wire format on the agreement data
 * (3 annotation sets of 10,000 polygons, about 5 MB each), side by side:
 * json-glib's tree parse, the tree path (strict scan, tree, walk), the
 * streaming reader to the model, both writers, Python's json.loads and
 * json-c (bench/wire-jsonc, a program of its own: json-c's symbols clash
 * with json-glib's). Then `quorumctl agreement` on the three files as a
 * whole process against the shapely/scipy reference script, also a whole
 * process. See bench/README.md.
 */

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "quorum-core.h"
#include "quorum-wire-private.h"

static int    opt_runs = 5;
static int    opt_process_runs = 3;
static char  *opt_quorumctl;
static gboolean opt_no_reference;

static const GOptionEntry entries[] = {
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Best of N for each parse and write (default 5)", "N" },
  { "process-runs", 0, 0, G_OPTION_ARG_INT, &opt_process_runs,
    "Best of N for each whole process (default 3)", "N" },
  { "quorumctl", 0, 0, G_OPTION_ARG_FILENAME, &opt_quorumctl,
    "The quorumctl to time (default: the build's src/cli/quorumctl)", "PATH" },
  { "no-reference", 0, 0, G_OPTION_ARG_NONE, &opt_no_reference,
    "Skip the whole-process comparison", NULL },
  { NULL },
};

typedef struct {
  char  *path;
  char  *data;
  gsize  length;
} Input;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
print_row (const char *what,
           double      ms,
           gsize       bytes,
           const char *note)
{
  printf ("  %-38s %9.1f ms  %7.1f MB/s%s%s\n", what, ms, bytes / (ms / 1000.0) / 1e6,
          note != NULL ? "  " : "", note != NULL ? note : "");
}

/* ---- the in-process paths -------------------------------------------------- */

typedef gboolean (*Work) (Input *input, gpointer *result);

static gboolean
work_json_glib (Input *input, gpointer *result)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  return json_parser_load_from_data (parser, input->data, input->length, NULL);
}

static gboolean
work_tree_path (Input *input, gpointer *result)
{
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (input->data, input->length, NULL);
  QuorumAnnotationSet *set;

  if (node == NULL || (set = quorum_wire_read_annotation_set (node, NULL, "", NULL)) == NULL)
    return FALSE;
  quorum_annotation_set_free (set);
  return TRUE;
}

static gboolean
work_stream (Input *input, gpointer *result)
{
  QuorumAnnotationSet *set = quorum_wire_parse_annotation_set (input->data, input->length, NULL, NULL);

  if (set == NULL)
    return FALSE;
  quorum_annotation_set_free (set);
  return TRUE;
}

/* Best of opt_runs per file, summed over the files. */
static double
time_reading (GPtrArray *inputs,
              Work       work)
{
  double total = 0;

  for (guint i = 0; i < inputs->len; i++)
    {
      double best = G_MAXDOUBLE;

      for (int r = 0; r < opt_runs; r++)
        {
          double start = now_ms ();

          if (!work (g_ptr_array_index (inputs, i), NULL))
            g_error ("%s does not read", ((Input *) g_ptr_array_index (inputs, i))->path);
          best = MIN (best, now_ms () - start);
        }
      total += best;
    }
  return total;
}

static double
time_writing (GPtrArray *sets,
              gboolean   tree,
              gsize     *bytes)
{
  double total = 0;

  *bytes = 0;
  for (guint i = 0; i < sets->len; i++)
    {
      QuorumAnnotationSet *set = g_ptr_array_index (sets, i);
      double best = G_MAXDOUBLE;
      gsize length = 0;

      for (int r = 0; r < opt_runs; r++)
        {
          double start = now_ms ();
          g_autofree char *text = NULL;

          if (tree)
            {
              /* json-glib's generator, as quorum_wire_to_string() wrote before */
              g_autoptr(JsonNode) node = quorum_wire_write_annotation_set (set);
              text = _quorum_wire_generate (node, FALSE);
            }
          else
            text = quorum_wire_annotation_set_to_string (set);
          best = MIN (best, now_ms () - start);
          length = strlen (text);
        }
      total += best;
      *bytes += length;
    }
  return total;
}

/* ---- other programs ---------------------------------------------------------- */

/* Runs @argv, returns its standard output; NULL (and a note on stderr) when
 * it cannot run or fails. */
static char *
run_capture (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                     &error) || !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "bench/wire: %s: %s %s\n", argv[0], error->message, err != NULL ? err : "");
      g_free (out);
      return NULL;
    }
  return out;
}

/* Sums the third column ("PATH BYTES MS") of each line. */
static gboolean
sum_reported (const char *out,
              double     *ms,
              gsize      *bytes)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  *ms = 0;
  *bytes = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);

      if (g_strv_length (fields) != 3)
        continue;
      *bytes += g_ascii_strtoull (fields[1], NULL, 10);
      *ms += g_ascii_strtod (fields[2], NULL);
    }
  return *bytes > 0;
}

static const char python_json[] =
  "import json, sys, time\n"
  "runs = int(sys.argv[1])\n"
  "for path in sys.argv[2:]:\n"
  "    data = open(path, 'rb').read().decode('utf-8')\n"
  "    best = min((lambda t: (json.loads(data), time.perf_counter() - t)[1])(time.perf_counter())\n"
  "               for _ in range(runs))\n"
  "    print(path, len(data.encode('utf-8')), best * 1000)\n";

/* Wall-clock milliseconds of the best of opt_process_runs runs of @argv,
 * and the CPU time (user + system) of that run. */
static gboolean
time_process (const char * const *argv,
              double             *best_ms,
              double             *best_cpu_ms)
{
  *best_ms = G_MAXDOUBLE;
  for (int r = 0; r < opt_process_runs; r++)
    {
      struct rusage before, after;
      g_autoptr(GError) error = NULL;
      double start, took, cpu;
      int status;

      getrusage (RUSAGE_CHILDREN, &before);
      start = now_ms ();
      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                         NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
        {
          fprintf (stderr, "bench/wire: %s: %s\n", argv[0], error->message);
          return FALSE;
        }
      took = now_ms () - start;
      getrusage (RUSAGE_CHILDREN, &after);
      cpu = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) * 1e3 +
            (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e3 +
            (after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1e3 +
            (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e3;
      if (took < *best_ms)
        {
          *best_ms = took;
          *best_cpu_ms = cpu;
        }
    }
  return TRUE;
}

/* ---- main ---------------------------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
load_inputs (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *inputs = g_ptr_array_new ();
  const char *name;

  if (folder == NULL)
    return inputs;
  while ((name = g_dir_read_name (folder)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      Input *input = g_new0 (Input, 1);

      input->path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      if (!g_file_get_contents (input->path, &input->data, &input->length, NULL))
        g_error ("cannot read %s", input->path);
      g_ptr_array_add (inputs, input);
    }
  return inputs;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("[DIR]");
  g_autoptr(GError) error = NULL;
  g_autofree char *bindir = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *generated = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_annotation_set_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  gsize total = 0, written;
  double ms, tree_ms, stream_ms;

  g_option_context_set_summary (context,
    "Reads and writes the annotation sets in DIR (*.json; without DIR, the\n"
    "3 × 10,000-polygon agreement data, generated with bench/agreement --emit)\n"
    "by every path, then times quorumctl agreement and the Python reference on them.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 2 || opt_runs < 1 ||
      opt_process_runs < 1)
    {
      fprintf (stderr, "bench/wire: %s\n", error != NULL ? error->message : "bad arguments (see --help)");
      return 2;
    }
  bindir = g_path_get_dirname (argv[0]);
  if (argc == 2)
    dir = g_strdup (argv[1]);
  else
    {
      g_autofree char *agreement = g_build_filename (bindir, "agreement", NULL);
      const char *emit[] = { agreement, "--n", "10000", "--emit", NULL, NULL };
      g_autofree char *out = NULL;

      generated = g_dir_make_tmp ("quorum-bench-wire-XXXXXX", &error);
      if (generated == NULL)
        g_error ("%s", error->message);
      emit[4] = generated;
      if ((out = run_capture (emit)) == NULL)
        return 1;
      dir = g_strdup (generated);
    }
  inputs = load_inputs (dir);
  if (inputs->len == 0)
    {
      fprintf (stderr, "bench/wire: no *.json in %s\n", dir);
      return 2;
    }
  for (guint i = 0; i < inputs->len; i++)
    {
      Input *input = g_ptr_array_index (inputs, i);
      total += input->length;
      g_ptr_array_add (paths, input->path);
      g_ptr_array_add (sets, quorum_wire_parse_annotation_set (input->data, input->length, NULL, &error));
      if (g_ptr_array_index (sets, i) == NULL)
        g_error ("%s: %s", input->path, error->message);
    }

  printf ("Wire format on %u files, %.1f MB in all (%s); best of %d per file, summed\n",
          inputs->len, total / 1e6, dir, opt_runs);
  printf ("Reading\n");
  print_row ("json-glib tree (JsonParser)", time_reading (inputs, work_json_glib), total, NULL);
  tree_ms = time_reading (inputs, work_tree_path);
  print_row ("quorum tree path (scan+tree+walk)", tree_ms, total, NULL);
  stream_ms = time_reading (inputs, work_stream);
  print_row ("quorum streaming reader to model", stream_ms, total, NULL);
  {
    g_autofree char *python = g_strdup_printf ("%d", opt_runs);
    g_autoptr(GPtrArray) command = g_ptr_array_new ();
    g_autofree char *out = NULL;
    gsize bytes;

    g_ptr_array_add (command, (char *) "/usr/bin/python3");
    g_ptr_array_add (command, (char *) "-c");
    g_ptr_array_add (command, (char *) python_json);
    g_ptr_array_add (command, python);
    g_ptr_array_extend (command, paths, NULL, NULL);
    g_ptr_array_add (command, NULL);
    if ((out = run_capture ((const char * const *) command->pdata)) != NULL &&
        sum_reported (out, &ms, &bytes))
      print_row ("Python json.loads (to dicts)", ms, bytes, NULL);
  }
  {
    g_autofree char *jsonc = g_build_filename (bindir, "wire-jsonc", NULL);
    g_autofree char *runs = g_strdup_printf ("%d", opt_runs);
    g_autoptr(GPtrArray) command = g_ptr_array_new ();
    g_autofree char *out = NULL;
    gsize bytes;

    g_ptr_array_add (command, jsonc);
    g_ptr_array_add (command, (char *) "--runs");
    g_ptr_array_add (command, runs);
    g_ptr_array_extend (command, paths, NULL, NULL);
    g_ptr_array_add (command, NULL);
    if ((out = run_capture ((const char * const *) command->pdata)) != NULL &&
        sum_reported (out, &ms, &bytes))
      print_row ("json-c (to its tree, bench/wire-jsonc)", ms, bytes, NULL);
  }
  printf ("  streaming reader: %.1f× the tree path\n", tree_ms / stream_ms);

  printf ("Writing (compact, byte-identical)\n");
  tree_ms = time_writing (sets, TRUE, &written);
  print_row ("tree writer (nodes + json-glib generator)", tree_ms, written, NULL);
  stream_ms = time_writing (sets, FALSE, &written);
  print_row ("quorum direct writer (GString)", stream_ms, written, NULL);
  printf ("  direct writer: %.1f× the tree writer\n", tree_ms / stream_ms);

  if (!opt_no_reference)
    {
      g_autofree char *quorumctl = opt_quorumctl != NULL ? g_strdup (opt_quorumctl)
                                   : g_build_filename (bindir, "..", "src", "cli", "quorumctl", NULL);
      g_autofree char *script = g_build_filename (QUORUM_SOURCE_ROOT, "bench", "reference-agreement.py", NULL);
      g_autoptr(GPtrArray) ours = g_ptr_array_new ();
      g_autoptr(GPtrArray) theirs = g_ptr_array_new ();
      double ours_ms, ours_cpu, theirs_ms, theirs_cpu;

      g_ptr_array_add (ours, quorumctl);
      g_ptr_array_add (ours, (char *) "agreement");
      g_ptr_array_extend (ours, paths, NULL, NULL);
      g_ptr_array_add (ours, NULL);
      g_ptr_array_add (theirs, (char *) "/usr/bin/python3");
      g_ptr_array_add (theirs, script);
      g_ptr_array_extend (theirs, paths, NULL, NULL);
      g_ptr_array_add (theirs, NULL);

      printf ("Whole processes on the same files, best of %d (wall clock; CPU user+system)\n",
              opt_process_runs);
      if (time_process ((const char * const *) ours->pdata, &ours_ms, &ours_cpu) &&
          time_process ((const char * const *) theirs->pdata, &theirs_ms, &theirs_cpu))
        {
          printf ("  %-38s %9.1f ms  CPU %7.1f ms\n", "quorumctl agreement", ours_ms, ours_cpu);
          printf ("  %-38s %9.1f ms  CPU %7.1f ms\n", "python3 bench/reference-agreement.py",
                  theirs_ms, theirs_cpu);
          printf ("  quorumctl: %.1f× faster (wall clock), %.1f× (CPU)\n",
                  theirs_ms / ours_ms, theirs_cpu / ours_cpu);
        }
    }

  if (generated != NULL)
    {
      for (guint i = 0; i < inputs->len; i++)
        g_unlink (((Input *) g_ptr_array_index (inputs, i))->path);
      g_rmdir (generated);
    }
  return 0;
}
