/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "quorum-agreement.h"
#include "quorum-video-agreement.h"
#include "quorum-cli.h"
#include "quorum-error.h"
#include "quorum-wire.h"

#define COMMAND "agreement"

static const char description[] =
  "Each SET.json is one annotator's version of the same file, in the Quorum\n"
  "wire format (docs/formats.md): {\"annotator\", \"file\", \"instances\"}.\n"
  "Labels are compared by name; no label schema is needed.\n"
  "\n"
  "An annotator is named by the document's \"annotator\" member, or by the\n"
  "file's path as given when that member is missing or null. Two sets with\n"
  "the same name are refused: rename one. All sets must describe a file of\n"
  "the same width, height and frame count. List the sets in submission\n"
  "order: a tie for the best version goes to the earliest.\n"
  "\n"
  "--json prints\n"
  "  {\"pairs\": [{\"a\", \"b\", \"score\", \"matched\"}, …],\n"
  "   \"annotators\": {NAME: SCORE, …}, \"agreement\": X, \"best\": NAME}\n"
  "with the pairs in input order.\n"
  "\n"
  "On a video (a file of more than one frame, or instances with a\n"
  "track_id) the sets are compared on every frame their tracks show,\n"
  "interpolated frames included (docs/video-annotation.md). The table then\n"
  "adds the frames whose agreement is below --below (default 0.5) and, per\n"
  "pair of annotators, the pairing of their tracks; --json adds\n"
  "  \"frames\": {\"scores\": [S of each frame], \"below\", \"low\": [[first, last], …]},\n"
  "  \"tracks\": [{\"a\", \"b\", \"pairs\": [{\"a\", \"b\", \"frames_matched\",\n"
  "              \"mean_similarity\", \"matched\", \"unmatched\", \"only_a\",\n"
  "              \"only_b\"}], \"unmatched_a\", \"unmatched_b\"}]\n"
  "\n"
  "Exit status: 0 success, 2 bad usage or a bad set file.";

typedef struct {
  char                *path;
  char                *name;
  QuorumAnnotationSet *set;
} SetFile;

static void
set_file_free (SetFile *file)
{
  g_free (file->path);
  g_free (file->name);
  quorum_annotation_set_free (file->set);
  g_free (file);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SetFile, set_file_free)

/* Input errors name the file, then the field: "b.json: instances[2].kind: …". */
static void
input_error (const char *path,
             const char *message)
{
  fprintf (stderr, "quorumctl " COMMAND ": %s: %s\n", path, message);
}

static SetFile *
load_set (const char  *path,
          GError     **error)
{
  g_autoptr(SetFile) file = g_new0 (SetFile, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *copy = NULL;
  const char *contents;
  GStatBuf st;
  gsize length;

  file->path = g_strdup (path);
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "cannot read the file: %s",
                   g_strerror (saved_errno));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "is a folder, not an annotation set file");
      return NULL;
    }
  /* Refuse an oversized file before reading it into memory. */
  if (S_ISREG (st.st_mode) && (guint64) st.st_size > QUORUM_WIRE_MAX_BYTES)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_TOO_LARGE,
                   "the file is larger than the %d MiB limit",
                   QUORUM_WIRE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  /* A regular file is mapped, not copied: the reader passes over the
   * bytes once. A pipe (<(…)) is read. */
  if (S_ISREG (st.st_mode))
    mapped = g_mapped_file_new (path, FALSE, &local_error);
  else
    g_file_get_contents (path, &copy, &length, &local_error);
  if (mapped == NULL && copy == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "cannot read the file: %s",
                   local_error->message);
      return NULL;
    }
  contents = copy != NULL ? copy : g_mapped_file_get_contents (mapped);
  length = copy != NULL ? length : g_mapped_file_get_length (mapped);
  if ((file->set = quorum_wire_parse_annotation_set (contents != NULL ? contents : "", length, NULL, error)) == NULL)
    return NULL;
  file->name = g_strdup (file->set->annotator != NULL ? file->set->annotator : path);
  return g_steal_pointer (&file);
}

/* One file to read on a thread of its own: the result or the error. */
typedef struct {
  const char *path;
  SetFile    *file;
  GError     *error;
} SetLoad;

static gpointer
load_set_thread (gpointer data)
{
  SetLoad *load = data;

  load->file = load_set (load->path, &load->error);
  return NULL;
}

/* At most this many files are read at once (and held in memory anyway). */
#define MAX_READERS 16

/* Reads @n_paths files at once, each on its own thread: reading is most of
 * the time outside the agreement itself, and the files do not depend on
 * each other. More threads than cores still helps: three files on two cores
 * end together instead of one after the other two. A file whose thread
 * cannot start is read here. */
static SetLoad *
load_sets (char **paths,
           guint  n_paths)
{
  SetLoad *loads = g_new0 (SetLoad, n_paths);
  g_autofree GThread **threads = g_new0 (GThread *, n_paths);

  for (guint first = 0; first < n_paths; first += MAX_READERS)
    {
      guint last = MIN (first + MAX_READERS, n_paths);

      for (guint i = first; i < last; i++)
        {
          loads[i].path = paths[i];
          if (i > first)
            threads[i] = g_thread_try_new ("quorumctl-read", load_set_thread, &loads[i], NULL);
        }
      load_set_thread (&loads[first]);
      for (guint i = first + 1; i < last; i++)
        {
          if (threads[i] != NULL)
            g_thread_join (threads[i]);
          else
            load_set_thread (&loads[i]);
        }
    }
  return loads;
}

static void
set_loads_free (SetLoad *loads,
                guint    n_loads)
{
  for (guint i = 0; i < n_loads; i++)
    {
      g_clear_pointer (&loads[i].file, set_file_free);
      g_clear_error (&loads[i].error);
    }
  g_free (loads);
}

/* Checks the files read, in the order given, and moves them to @files and
 * their sets to @sets. Says what is wrong with the first bad one. */
static gboolean
take_sets (SetLoad   *loads,
           guint      n_loads,
           GPtrArray *files,
           GPtrArray *sets)
{
  for (guint i = 0; i < n_loads; i++)
    {
      SetFile *file = loads[i].file;
      const SetFile *first;

      if (file == NULL)
        {
          input_error (loads[i].path, loads[i].error->message);
          return FALSE;
        }
      g_ptr_array_add (files, g_steal_pointer (&loads[i].file));
      first = g_ptr_array_index (files, 0);
      for (guint j = 0; j + 1 < files->len; j++)
        {
          const SetFile *other = g_ptr_array_index (files, j);

          if (g_str_equal (other->name, file->name))
            {
              g_autofree char *message =
                g_strdup_printf ("annotator: “%s” is also the annotator of %s; "
                                 "give each set its own name", file->name, other->path);
              input_error (file->path, message);
              return FALSE;
            }
        }
      {
        static const char * const fields[] = { "file.width", "file.height", "file.frames" };
        const guint mine[] = { file->set->file.width, file->set->file.height,
                               file->set->file.frames };
        const guint theirs[] = { first->set->file.width, first->set->file.height,
                                 first->set->file.frames };

        for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
          if (mine[k] != theirs[k])
            {
              g_autofree char *message =
                g_strdup_printf ("%s: %u differs from %u in %s; every set must be of the same file",
                                 fields[k], mine[k], theirs[k], first->path);
              input_error (file->path, message);
              return FALSE;
            }
      }
      g_ptr_array_add (sets, file->set);
    }
  return TRUE;
}

static gboolean
parse_threshold (const char *text,
                 double     *threshold)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    {
      *threshold = QUORUM_DEFAULT_THRESHOLD;
      return TRUE;
    }
  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || errno != 0 || !isfinite (value) || value <= 0 || value > 1)
    return FALSE;
  *threshold = value;
  return TRUE;
}

static int
utf8_width (const char *text)
{
  return (int) g_utf8_strlen (text, -1);
}

/* printf pads by bytes; names may be any UTF-8. */
static void
print_padded (const char *text,
              int         width)
{
  fputs (text, stdout);
  for (int i = utf8_width (text); i < width; i++)
    fputc (' ', stdout);
}

static void
print_table (GPtrArray             *files,
             const QuorumAgreement *agreement,
             double                 threshold)
{
  int width = (int) strlen ("Annotator A");
  const SetFile *best = g_ptr_array_index (files, agreement->best);

  for (guint i = 0; i < files->len; i++)
    width = MAX (width, utf8_width (((SetFile *) g_ptr_array_index (files, i))->name));

  printf ("Match threshold: %g\n\n", threshold);

  print_padded ("Annotator A", width);
  printf ("  ");
  print_padded ("Annotator B", width);
  printf ("  Score   Matched\n");
  for (guint i = 0; i < files->len; i++)
    for (guint j = i + 1; j < files->len; j++)
      {
        print_padded (((SetFile *) g_ptr_array_index (files, i))->name, width);
        printf ("  ");
        print_padded (((SetFile *) g_ptr_array_index (files, j))->name, width);
        printf ("  %.3f   %u\n", quorum_agreement_pair (agreement, i, j),
                agreement->pair_matched[i * agreement->n_sets + j]);
      }

  printf ("\n");
  print_padded ("Annotator", width);
  printf ("  Score   Instances  File\n");
  for (guint i = 0; i < files->len; i++)
    {
      const SetFile *file = g_ptr_array_index (files, i);

      print_padded (file->name, width);
      /* The instances compared: on a video, every frame's, interpolated ones included. */
      printf ("  %.3f   %-9u  %s%s\n", agreement->annotator_scores[i],
              agreement->pair_matched[i * agreement->n_sets + i], file->path,
              i == agreement->best ? "  (best)" : "");
    }

  printf ("\nFile agreement: %.3f\n", agreement->agreement);
  printf ("Best version:   %s (%s)\n", best->name, best->path);
}

static void
print_ranges (GArray *ranges)
{
  if (ranges->len == 0)
    {
      printf ("none");
      return;
    }
  for (guint k = 0; k < ranges->len; k++)
    {
      const QuorumFrameRange *range = &g_array_index (ranges, QuorumFrameRange, k);

      if (k > 0)
        printf (", ");
      if (range->first == range->last)
        printf ("%u", range->first);
      else
        printf ("%u–%u", range->first, range->last);
    }
}

static void
print_video_table (GPtrArray                  *files,
                   const QuorumVideoAgreement *video,
                   double                      below)
{
  g_autoptr(GArray) low = quorum_frame_ranges_below (video->frame_scores, video->n_frames, below);

  printf ("\nFrames:         %u\n", video->n_frames);
  printf ("Frames below %.2f: ", below);
  print_ranges (low);
  printf ("\n");
  for (guint c = 0; c < video->comparisons->len; c++)
    {
      const QuorumTrackComparison *comparison = g_ptr_array_index (video->comparisons, c);

      printf ("\nTracks of %s and %s:\n", ((SetFile *) g_ptr_array_index (files, comparison->a))->name,
              ((SetFile *) g_ptr_array_index (files, comparison->b))->name);
      for (guint k = 0; k < comparison->pairs->len; k++)
        {
          const QuorumTrackPair *pair = g_ptr_array_index (comparison->pairs, k);

          printf ("  %s ~ %s: %u frames matched, mean %.3f; unmatched ", pair->a, pair->b,
                  pair->n_matched, pair->mean_similarity);
          print_ranges (pair->unmatched);
          printf ("; only in A ");
          print_ranges (pair->only_a);
          printf ("; only in B ");
          print_ranges (pair->only_b);
          printf ("\n");
        }
      for (guint k = 0; k < comparison->unmatched_a->len; k++)
        printf ("  %s: no track in B\n", (char *) g_ptr_array_index (comparison->unmatched_a, k));
      for (guint k = 0; k < comparison->unmatched_b->len; k++)
        printf ("  %s: no track in A\n", (char *) g_ptr_array_index (comparison->unmatched_b, k));
    }
}

static void
print_json (GPtrArray                  *files,
            const QuorumAgreement      *agreement,
            const QuorumVideoAgreement *video,
            double                      below)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (names, ((SetFile *) g_ptr_array_index (files, i))->name);
  root = quorum_agreement_write_report ((const char * const *) names->pdata, agreement, video, below);
  text = quorum_wire_to_string (root, TRUE);
  printf ("%s\n", text);
}

int
quorum_cli_agreement (int    argc,
                      char **argv)
{
  g_autofree char *threshold_text = NULL;
  g_autofree char *below_text = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "threshold", 't', 0, G_OPTION_ARG_STRING, &threshold_text,
      "Match threshold τ, above 0 and at most 1 (default 0.5)", "T" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the scores as JSON", NULL },
    { "below", 0, 0, G_OPTION_ARG_STRING, &below_text,
      "On a video, mark the frames whose agreement is below B, 0 to 1 (default 0.5)", "B" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("SET.json SET.json [SET.json…]");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) set_file_free);
  g_autoptr(GPtrArray) sets = g_ptr_array_new ();
  g_autoptr(QuorumAgreement) owned = NULL;
  g_autoptr(QuorumVideoAgreement) video = NULL;
  const QuorumAgreement *agreement;
  g_autoptr(GError) error = NULL;
  SetLoad *loads;
  gboolean taken;
  double threshold;
  double below = QUORUM_LOW_FRAME_AGREEMENT;

  /* GOption's usage line names the program by its prgname. */
  if (g_get_prgname () == NULL)
    g_set_prgname ("quorumctl " COMMAND);
  g_option_context_set_summary (context,
                                "Score how well several annotators' versions of one file agree:\n"
                                "pair scores, annotator scores, the file agreement and the best\n"
                                "version, as DESIGN §4 defines them. Works offline.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      quorum_cli_usage_error (COMMAND, "%s", error->message);
      return QUORUM_CLI_USAGE;
    }
  if (!parse_threshold (threshold_text, &threshold))
    {
      quorum_cli_usage_error (COMMAND, "--threshold: must be a number above 0 and at most 1, "
                              "not “%s”", threshold_text);
      return QUORUM_CLI_USAGE;
    }
  if (below_text != NULL)
    {
      char *end = NULL;

      below = g_ascii_strtod (below_text, &end);
      if (end == below_text || *end != '\0' || !(below >= 0 && below <= 1))
        {
          quorum_cli_usage_error (COMMAND, "--below: must be a number from 0 to 1, not “%s”", below_text);
          return QUORUM_CLI_USAGE;
        }
    }
  if (argc < 3)
    {
      quorum_cli_usage_error (COMMAND, "give at least two annotation set files, not %d",
                              argc - 1);
      return QUORUM_CLI_USAGE;
    }

  loads = load_sets (argv + 1, argc - 1);
  taken = take_sets (loads, argc - 1, files, sets);
  set_loads_free (loads, argc - 1);
  if (!taken)
    return QUORUM_CLI_USAGE;

  if (quorum_annotation_sets_are_video ((const QuorumAnnotationSet * const *) sets->pdata, sets->len))
    {
      video = quorum_video_agreement_compute ((const QuorumAnnotationSet * const *) sets->pdata,
                                              sets->len, threshold, &error);
      agreement = video != NULL ? video->agreement : NULL;
    }
  else
    agreement = owned = quorum_agreement_compute ((const QuorumAnnotationSet * const *) sets->pdata,
                                                  sets->len, threshold, &error);
  if (agreement == NULL)
    {
      fprintf (stderr, "quorumctl " COMMAND ": %s\n", error->message);
      return QUORUM_CLI_USAGE;
    }

  if (json)
    print_json (files, agreement, video, below);
  else
    {
      print_table (files, agreement, threshold);
      if (video != NULL)
        print_video_table (files, video, below);
    }
  return QUORUM_CLI_OK;
}
