/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include <math.h>

#include "quorum-error.h"
#include "quorum-wire.h"
#include "reference-run.h"

const char *
reference_script_path (void)
{
  static char *path;

  if (g_once_init_enter (&path))
    {
      const char *root = g_getenv ("QUORUM_SOURCE_ROOT");
      char *found = g_build_filename (root != NULL ? root : QUORUM_SOURCE_ROOT,
                                      "bench", "reference-agreement.py", NULL);
      g_once_init_leave (&path, found);
    }
  return path;
}

gboolean
reference_available (char **reason)
{
  const char *argv[] = { REFERENCE_PYTHON, "-c", "import numpy, scipy.optimize, shapely.validation", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_file_test (REFERENCE_PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      *reason = g_strdup (REFERENCE_PYTHON " is not installed");
      return FALSE;
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      *reason = g_strdup_printf (REFERENCE_PYTHON " lacks shapely, scipy or numpy (build-aux/install-deps "
                                 "installs python3-shapely python3-scipy python3-numpy): %s",
                                 err != NULL && *err != '\0' ? err : error->message);
      return FALSE;
    }
  return TRUE;
}

GStrv
reference_write_sets (GPtrArray   *sets,
                      const char  *dir,
                      GError     **error)
{
  g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();

  for (guint i = 0; i < sets->len; i++)
    {
      g_autoptr(JsonNode) node = quorum_wire_write_annotation_set (g_ptr_array_index (sets, i));
      g_autofree char *text = quorum_wire_to_string (node, FALSE);
      g_autofree char *name = g_strdup_printf ("annotator-%u.json", i + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!g_file_set_contents (path, text, -1, error))
        return NULL;
      g_strv_builder_add (paths, path);
    }
  return g_strv_builder_end (paths);
}

JsonObject *
reference_run (const char * const  *paths,
               double               threshold,
               guint                repeat,
               GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  char threshold_text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *repeat_text = g_strdup_printf ("%u", MAX (repeat, 1));
  JsonNode *root;
  int status = 0;

  g_ascii_formatd (threshold_text, sizeof threshold_text, "%.17g", threshold);
  g_ptr_array_add (argv, (char *) REFERENCE_PYTHON);
  g_ptr_array_add (argv, (char *) reference_script_path ());
  g_ptr_array_add (argv, (char *) "--threshold");
  g_ptr_array_add (argv, threshold_text);
  g_ptr_array_add (argv, (char *) "--repeat");
  g_ptr_array_add (argv, repeat_text);
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) paths[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                     NULL, NULL, &out, &err, &status, error))
    return NULL;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "%s failed: %s", reference_script_path (), err);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, out, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                   "%s printed no JSON object: %s", reference_script_path (), out);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

double
reference_max_difference (const QuorumAgreement *agreement,
                          JsonObject            *reference)
{
  JsonArray *pairs = json_object_get_array_member (reference, "pair_scores");
  JsonArray *annotators = json_object_get_array_member (reference, "annotator_scores");
  double max = fabs (agreement->agreement - json_object_get_double_member (reference, "agreement"));

  for (guint a = 0; a < agreement->n_sets; a++)
    {
      JsonArray *row = json_array_get_array_element (pairs, a);

      max = MAX (max, fabs (agreement->annotator_scores[a] -
                            json_array_get_double_element (annotators, a)));
      for (guint b = 0; b < agreement->n_sets; b++)
        max = MAX (max, fabs (quorum_agreement_pair (agreement, a, b) -
                              json_array_get_double_element (row, b)));
    }
  return max;
}

static void
append_double (GString *out,
               double   value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (text, sizeof text, "%.17g", value));
}

char *
reference_agreement_to_json (const QuorumAgreement *agreement,
                             GPtrArray             *sets,
                             double                 seconds)
{
  GString *out = g_string_new ("{\"annotators\": [");
  guint n = agreement->n_sets;

  for (guint a = 0; a < n; a++)
    {
      const QuorumAnnotationSet *set = g_ptr_array_index (sets, a);
      g_autofree char *name = g_strescape (set->annotator != NULL ? set->annotator : "", NULL);

      g_string_append_printf (out, "%s\"%s\"", a > 0 ? ", " : "", name);
    }
  g_string_append (out, "], \"pair_scores\": [");
  for (guint a = 0; a < n; a++)
    {
      g_string_append (out, a > 0 ? ", [" : "[");
      for (guint b = 0; b < n; b++)
        {
          if (b > 0)
            g_string_append (out, ", ");
          append_double (out, quorum_agreement_pair (agreement, a, b));
        }
      g_string_append (out, "]");
    }
  g_string_append (out, "], \"pair_matched\": [");
  for (guint a = 0; a < n; a++)
    {
      g_string_append (out, a > 0 ? ", [" : "[");
      for (guint b = 0; b < n; b++)
        g_string_append_printf (out, "%s%u", b > 0 ? ", " : "", agreement->pair_matched[a * n + b]);
      g_string_append (out, "]");
    }
  g_string_append (out, "], \"annotator_scores\": [");
  for (guint a = 0; a < n; a++)
    {
      if (a > 0)
        g_string_append (out, ", ");
      append_double (out, agreement->annotator_scores[a]);
    }
  g_string_append (out, "], \"agreement\": ");
  append_double (out, agreement->agreement);
  g_string_append_printf (out, ", \"best\": %u, \"seconds\": ", agreement->best);
  append_double (out, seconds);
  g_string_append (out, "}");
  return g_string_free (out, FALSE);
}
