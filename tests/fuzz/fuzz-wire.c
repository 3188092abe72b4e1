/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The wire format (src/core/quorum-wire.c) on any bytes: the strict JSON
 * scan, then every reader on the tree, then, for what a reader accepts,
 * the promise of docs/formats.md that writing and reading again gives the
 * same document. Job settings also go through the task planner, which the
 * server runs on them when a job starts. */

#include "config.h"

#include "quorum-core.h"
#include "quorum-error.h"
#include "quorum-task-graph.h"
#include "quorum-wire.h"

#include "fuzz-common.h"
#include "fuzz-schema.h"

/* Writes @written out, reads it back with @read and writes that again: the
 * two documents must be equal, number for number (json_node_equal(): the
 * order of an object's members is not kept, and attributes live in a hash
 * table). */
typedef gpointer (*ReadFunc)  (JsonNode *node, gconstpointer schema, GError **error);
typedef JsonNode *(*WriteFunc) (gconstpointer value);
typedef void (*FreeFunc) (gpointer value);

static void
check_round_trip (const char    *what,
                  JsonNode      *written,
                  ReadFunc       read,
                  WriteFunc      write,
                  FreeFunc       free_value,
                  gconstpointer  schema)
{
  g_autofree char *text = quorum_wire_to_string (written, FALSE);
  g_autofree char *pretty = quorum_wire_to_string (written, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) again = quorum_wire_parse_bytes (text, strlen (text), &error);
  g_autoptr(JsonNode) again_pretty = NULL;
  g_autoptr(JsonNode) rewritten = NULL;
  g_autofree char *retext = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  gpointer value;

  FUZZ_CHECK (again != NULL, "%s: what the writer wrote does not parse: %s\n%s",
              what, error->message, text);
  again_pretty = quorum_wire_parse_bytes (pretty, strlen (pretty), &error);
  FUZZ_CHECK (again_pretty != NULL, "%s: the indented text does not parse: %s", what, error->message);
  FUZZ_CHECK (json_node_equal (again, again_pretty), "%s: compact and indented text differ", what);
  value = read (again, schema, &error);
  FUZZ_CHECK (value != NULL, "%s: what the writer wrote does not read: %s\n%s",
              what, error->message, text);
  rewritten = write (value);
  free_value (value);
  retext = quorum_wire_to_string (rewritten, FALSE);
  reparsed = quorum_wire_parse_bytes (retext, strlen (retext), &error);
  FUZZ_CHECK (reparsed != NULL, "%s: the second writing does not parse: %s", what, error->message);
  FUZZ_CHECK (json_node_equal (again, reparsed), "%s: a second round trip changed\n%s\ninto\n%s",
              what, text, retext);
}

static gpointer
read_set (JsonNode *node, gconstpointer schema, GError **error)
{
  return quorum_wire_read_annotation_set (node, schema, "", error);
}

static gpointer
read_list (JsonNode *node, gconstpointer schema, GError **error)
{
  return quorum_wire_read_instances (node, schema, "instances", error);
}

static gpointer
read_one (JsonNode *node, gconstpointer schema, GError **error)
{
  return quorum_wire_read_instance (node, schema, "", error);
}

static gpointer
read_schema (JsonNode *node, gconstpointer schema, GError **error)
{
  return quorum_wire_read_label_schema (node, "", error);
}

static gpointer
read_settings (JsonNode *node, gconstpointer schema, GError **error)
{
  return quorum_wire_read_job_settings (node, "", error);
}

static void
fuzz_set (JsonNode *root, const QuorumLabelSchema *schema)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumAnnotationSet) set = quorum_wire_read_annotation_set (root, schema, "", &error);

  FUZZ_CHECK_FAILED (set, error);
  if (set != NULL)
    {
      g_autoptr(JsonNode) written = quorum_wire_write_annotation_set (set);

      check_round_trip ("annotation set", written, read_set,
                        (WriteFunc) quorum_wire_write_annotation_set,
                        (FreeFunc) quorum_annotation_set_free, schema);
    }
}

static void
fuzz_list (JsonNode *root, const QuorumLabelSchema *schema)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = quorum_wire_read_instances (root, schema, "instances", &error);

  FUZZ_CHECK_FAILED (list, error);
  if (list != NULL)
    {
      g_autoptr(JsonNode) written = quorum_wire_write_instances (list);

      check_round_trip ("instance list", written, read_list,
                        (WriteFunc) quorum_wire_write_instances,
                        (FreeFunc) g_ptr_array_unref, schema);
    }
}

static void
fuzz_instance (JsonNode *root, const QuorumLabelSchema *schema)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumInstance) instance = quorum_wire_read_instance (root, schema, "", &error);

  FUZZ_CHECK_FAILED (instance, error);
  if (instance != NULL)
    {
      g_autoptr(JsonNode) written = quorum_wire_write_instance (instance);

      FUZZ_CHECK (quorum_instance_check (instance, NULL), "a read instance fails its own check");
      check_round_trip ("instance", written, read_one,
                        (WriteFunc) quorum_wire_write_instance,
                        (FreeFunc) quorum_instance_free, schema);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = quorum_wire_parse_bytes ((const char *) data, size, &error);
  g_autoptr(QuorumLabelSchema) schema = NULL;
  g_autoptr(QuorumJobSettings) settings = NULL;

  FUZZ_CHECK_FAILED (root, error);
  if (root == NULL)
    {
      FUZZ_CHECK (error->domain == QUORUM_ERROR, "a parse error outside QUORUM_ERROR");
      return 0;
    }

  schema = quorum_wire_read_label_schema (root, "", &error);
  FUZZ_CHECK_FAILED (schema, error);
  g_clear_error (&error);
  if (schema != NULL)
    {
      g_autoptr(JsonNode) written = quorum_wire_write_label_schema (schema);

      check_round_trip ("label schema", written, read_schema,
                        (WriteFunc) quorum_wire_write_label_schema,
                        (FreeFunc) quorum_label_schema_free, NULL);
    }

  settings = quorum_wire_read_job_settings (root, "", &error);
  FUZZ_CHECK_FAILED (settings, error);
  g_clear_error (&error);
  if (settings != NULL)
    {
      g_autoptr(JsonNode) written = quorum_wire_write_job_settings (settings);
      g_autoptr(GArray) plan = NULL;

      check_round_trip ("job settings", written, read_settings,
                        (WriteFunc) quorum_wire_write_job_settings,
                        (FreeFunc) quorum_job_settings_free, NULL);
      /* What launching the job for a few files plans. */
      plan = quorum_task_graph_plan (settings, 3, &error);
      FUZZ_CHECK (plan != NULL, "settings the reader accepted do not plan: %s", error->message);
    }

  fuzz_set (root, NULL);
  fuzz_set (root, fuzz_fixed_schema ());
  fuzz_list (root, NULL);
  fuzz_list (root, fuzz_fixed_schema ());
  fuzz_instance (root, NULL);
  fuzz_instance (root, fuzz_fixed_schema ());
  return 0;
}
