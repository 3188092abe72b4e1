/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include <errno.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>

#include "quorum-agreement.h"
#include "quorum-agreement-private.h"
#include "quorum-error.h"
#include "reference-run.h"
#include "synthetic-sets.h"

#define RUNS 5

static int      opt_n;
static int      opt_seed = 1;
static int      opt_annotators = 3;
static int      opt_frames = 1;
static double   opt_threshold = QUORUM_DEFAULT_THRESHOLD;
static char    *opt_emit;
static gboolean opt_json;
static gboolean opt_reference;
static gboolean opt_all_kinds;
static int      opt_threads;

static const GOptionEntry entries[] = {
  { "n", 'n', 0, G_OPTION_ARG_INT, &opt_n,
    "Ground-truth objects (default: 1000, then 10000)", "N" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed (default 1)", "S" },
  { "annotators", 'k', 0, G_OPTION_ARG_INT, &opt_annotators, "Annotators (default 3)", "K" },
  { "threshold", 't', 0, G_OPTION_ARG_DOUBLE, &opt_threshold,
    "Match threshold τ (default 0.5)", "T" },
  { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Video frames (default 1: an image)", "F" },
  { "all-kinds", 0, 0, G_OPTION_ARG_NONE, &opt_all_kinds,
    "Also points, polylines and tags (default: boxes and polygons)", NULL },
  { "threads", 'j', 0, G_OPTION_ARG_INT, &opt_threads,
    "Threads for the agreement (default 0: as quorum_agreement_compute, every core)", "J" },
  { "emit", 0, 0, G_OPTION_ARG_FILENAME, &opt_emit,
    "Write the sets as DIR/annotator-1.json … and exit", "DIR" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    "Print the agreement as JSON (one line per N)", NULL },
  { "reference", 0, 0, G_OPTION_ARG_NONE, &opt_reference,
    "Also time " REFERENCE_PYTHON " bench/reference-agreement.py on the same sets "
    "and print the largest score difference", NULL },
  { NULL }
};

/* The best of RUNS timings of quorum_agreement_compute alone. */
static QuorumAgreement *
time_agreement (GPtrArray  *sets,
                double     *best_seconds,
                GError    **error)
{
  g_autoptr(QuorumAgreement) agreement = NULL;
  gint64 best = G_MAXINT64;

  for (guint run = 0; run < RUNS; run++)
    {
      gint64 start, elapsed;

      g_clear_pointer (&agreement, quorum_agreement_free);
      start = g_get_monotonic_time ();
      agreement = _quorum_agreement_compute_threads ((const QuorumAnnotationSet * const *) sets->pdata,
                                                     sets->len, opt_threshold, opt_threads, error);
      elapsed = g_get_monotonic_time () - start;
      if (agreement == NULL)
        return NULL;
      best = MIN (best, elapsed);
    }
  *best_seconds = best / (double) G_USEC_PER_SEC;
  return g_steal_pointer (&agreement);
}

static void
remove_emitted (const char *dir,
                GStrv       paths)
{
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_unlink (paths[i]);
  g_rmdir (dir);
}

static gboolean
run_one (guint    n,
         GError **error)
{
  SyntheticOptions options = {
    .n_objects = n,
    .n_annotators = opt_annotators,
    .seed = opt_seed,
    .frames = opt_frames,
    .all_kinds = opt_all_kinds,
  };
  g_autoptr(GPtrArray) sets = synthetic_sets_generate (&options);
  g_autoptr(QuorumAgreement) agreement = NULL;
  g_autoptr(JsonObject) reference = NULL;
  guint width, height, total = 0;
  double seconds;

  if (opt_emit != NULL)
    {
      g_auto(GStrv) paths = NULL;

      if (g_mkdir_with_parents (opt_emit, 0755) != 0)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                       "--emit: cannot create %s: %s", opt_emit, g_strerror (errno));
          return FALSE;
        }
      paths = reference_write_sets (sets, opt_emit, error);
      return paths != NULL;
    }

  if ((agreement = time_agreement (sets, &seconds, error)) == NULL)
    return FALSE;

  if (opt_reference)
    {
      g_autofree char *dir = g_dir_make_tmp ("quorum-bench-XXXXXX", error);
      g_auto(GStrv) paths = NULL;

      if (dir == NULL)
        return FALSE;
      paths = reference_write_sets (sets, dir, error);
      if (paths != NULL)
        reference = reference_run ((const char * const *) paths, opt_threshold, RUNS, error);
      remove_emitted (dir, paths);
      if (reference == NULL)
        return FALSE;
    }

  if (opt_json)
    {
      g_autofree char *json = reference_agreement_to_json (agreement, sets, seconds);
      g_print ("%s\n", json);
      return TRUE;
    }

  for (guint i = 0; i < sets->len; i++)
    total += ((QuorumAnnotationSet *) g_ptr_array_index (sets, i))->instances->len;
  synthetic_image_size (n, &width, &height);
  g_print ("N=%-6u annotators=%u  instances %u on %u×%u  agreement %.6f  time %.1f ms (best of %d, ",
           n, sets->len, total, width, height, agreement->agreement, seconds * 1000, RUNS);
  if (opt_threads == 0)
    g_print ("every core)\n");
  else
    g_print ("%d thread%s)\n", opt_threads, opt_threads == 1 ? "" : "s");

  if (reference != NULL)
    {
      double reference_seconds = json_object_get_double_member (reference, "seconds");
      guint reference_best = json_object_get_int_member (reference, "best");

      g_print ("        reference (shapely/scipy) %.1f ms  speed-up %.1f×  "
               "max score difference %.3g  best %s\n",
               reference_seconds * 1000, reference_seconds / seconds,
               reference_max_difference (agreement, reference),
               reference_best == agreement->best ? "the same" : "DIFFERS");
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time agreement on generated annotation sets");
  g_autoptr(GError) error = NULL;
  static const guint default_sizes[] = { 1000, 10000 };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Generates K annotators' sets of N objects (jitter, misses, extras) and prints\n"
    "the time quorum_agreement_compute takes on them, parsing excluded.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("agreement: %s\n", error->message);
      return 2;
    }
  if (opt_n < 0 || opt_annotators < 2 || opt_frames < 1 || opt_threads < 0 ||
      !(opt_threshold > 0 && opt_threshold <= 1))
    {
      g_printerr ("agreement: --n must be positive, --annotators at least 2, "
                  "--frames at least 1, --threads 0 or more and --threshold above 0 and at most 1\n");
      return 2;
    }
  if (opt_reference)
    {
      g_autofree char *reason = NULL;

      if (!reference_available (&reason))
        {
          g_printerr ("agreement: --reference: %s\n", reason);
          return 1;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (default_sizes); i++)
    {
      guint n = opt_n > 0 ? (guint) opt_n : default_sizes[i];

      if (!run_one (n, &error))
        {
          g_printerr ("agreement: N=%u: %s\n", n, error->message);
          return 1;
        }
      if (opt_n > 0 || opt_emit != NULL)
        break;
    }
  return 0;
}
