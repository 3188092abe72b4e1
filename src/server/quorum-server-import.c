/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <string.h>

#include "quorum-coco.h"
#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

/*
 * COCO import into a project's existing instances (docs/coco.md). A worker
 * thread parses the document with the core and validates all of it: the
 * core's COCO rules, then every annotation against the project's labels, then
 * the images against the project's files, matched by name. Back on the main
 * loop the matched files' existing instances are written in one store
 * transaction; a document with any error changes nothing.
 */

typedef enum {
  IMPORT_REPLACE,
  IMPORT_APPEND,
} ImportMode;

/* One image of the document that names a file of the project. */
typedef struct {
  gint64     file_id;
  char      *name;
  GPtrArray *instances;     /* of QuorumInstance, validated against the labels */
  GArray    *annotations;   /* guint: the annotations[] index of each instance */
} ImportedFile;

typedef struct {
  GBytes            *body;
  QuorumLabelSchema *schema;
  JsonNode          *files;      /* the project's files */
  GPtrArray         *matched;    /* of ImportedFile */
  GPtrArray         *unmatched;  /* of char *, the images' file names */
  ImportMode         mode;
} Import;

static void
imported_file_free (ImportedFile *file)
{
  g_free (file->name);
  g_ptr_array_unref (file->instances);
  g_array_unref (file->annotations);
  g_free (file);
}

static void
import_free (Import *import)
{
  g_bytes_unref (import->body);
  quorum_label_schema_free (import->schema);
  json_node_unref (import->files);
  g_ptr_array_unref (import->matched);
  g_ptr_array_unref (import->unmatched);
  g_free (import);
}

static gboolean
fail (GError    **error,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError    **error,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (QUORUM_ERROR, QUORUM_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
}

/* The core names instances "quorum.uuid" or "coco-ID", with "-2", "-3", …
 * for the further rings of a polygon: maps each name to its annotation. */
static GHashTable *
index_annotations (JsonObject *document)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *annotations = json_object_has_member (document, "annotations")
                             ? json_object_get_array_member (document, "annotations") : NULL;

  for (guint i = 0; annotations != NULL && i < json_array_get_length (annotations); i++)
    {
      JsonObject *annotation = json_array_get_object_element (annotations, i);
      JsonNode *extra = json_object_get_member (annotation, "quorum");
      JsonNode *uuid = extra != NULL ? json_object_get_member (json_node_get_object (extra), "uuid") : NULL;
      char *name;

      if (uuid != NULL && JSON_NODE_HOLDS_VALUE (uuid))
        name = g_strdup (json_node_get_string (uuid));
      else
        name = g_strdup_printf ("coco-%" G_GINT64_FORMAT, json_object_get_int_member (annotation, "id"));
      g_hash_table_insert (index, name, GUINT_TO_POINTER (i + 1));
    }
  return index;
}

/* The annotation an instance comes from; G_MAXUINT for none (a video's
 * outside marker). */
static guint
annotation_of (GHashTable *index,
               const char *instance_id)
{
  gpointer found = g_hash_table_lookup (index, instance_id);
  g_autofree char *base = NULL;
  char *dash;

  if (found == NULL)
    {
      base = g_strdup (instance_id);
      if ((dash = strrchr (base, '-')) != NULL)
        *dash = '\0';
      found = g_hash_table_lookup (index, base);
    }
  return found != NULL ? GPOINTER_TO_UINT (found) - 1 : G_MAXUINT;
}

/* Checks one instance against the labels the way every other write is
 * checked, naming its COCO annotation; returns the instance as stored. */
static QuorumInstance *
check_instance (const QuorumInstance    *instance,
                const QuorumLabelSchema *schema,
                JsonObject              *document,
                const QuorumCocoImage   *image,
                guint                    annotation,
                GError                 **error)
{
  g_autofree char *path = annotation != G_MAXUINT ? g_strdup_printf ("annotations[%u]", annotation)
                                                  : g_strdup_printf ("%s.quorum.outside[“%s”]", image->path,
                                                                     instance->id);
  g_autoptr(JsonNode) node = NULL;

  if (quorum_label_schema_find (schema, instance->label) == NULL && annotation == G_MAXUINT)
    {
      fail (error, "%s.label: “%s” is not a label of this project", path, instance->label);
      return NULL;
    }
  if (quorum_label_schema_find (schema, instance->label) == NULL)
    {
      JsonObject *entry = json_array_get_object_element (json_object_get_array_member (document, "annotations"),
                                                         annotation);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < schema->labels->len; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                                ((QuorumLabel *) g_ptr_array_index (schema->labels, i))->name);
      fail (error, "%s.category_id: category %" G_GINT64_FORMAT " “%s” is not a label of this project (%s)",
            path, json_object_get_int_member (entry, "category_id"), instance->label,
            names->len > 0 ? names->str : "it has none");
      return NULL;
    }
  node = quorum_wire_write_instance (instance);
  return quorum_wire_read_instance (node, schema, path, error);
}

/* The project's files by name, each with how many files carry it: built
 * once, so that matching the images does not walk every file for each. */
typedef struct {
  JsonObject *file;
  guint       count;
} NamedFile;

static GHashTable *
index_files (JsonArray *files)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *name = json_object_get_string_member (file, "name");
      NamedFile *named = g_hash_table_lookup (index, name);

      if (named == NULL)
        {
          named = g_new0 (NamedFile, 1);
          named->file = file;
          g_hash_table_insert (index, (gpointer) name, named);
        }
      named->count++;
    }
  return index;
}

/* The project's file an image names: its exact name, else the part after
 * the last "/" (COCO files often carry a folder). NULL with no error when
 * none matches. */
static JsonObject *
match_file (GHashTable  *files,
            const char  *file_name,
            const char  *path,
            GError     **error)
{
  const char *slash = strrchr (file_name, '/');
  const char *names[] = { file_name, slash != NULL ? slash + 1 : NULL };

  for (guint n = 0; n < G_N_ELEMENTS (names) && names[n] != NULL; n++)
    {
      NamedFile *named = g_hash_table_lookup (files, names[n]);

      if (named != NULL && named->count > 1)
        {
          fail (error, "%s.file_name: the project has %u files called “%s”; rename one of them",
                path, named->count, names[n]);
          return NULL;
        }
      if (named != NULL)
        return named->file;
    }
  return NULL;
}

static gboolean
import_document (Import  *import,
                 GError **error)
{
  gsize length;
  const char *data = g_bytes_get_data (import->body, &length);
  g_autoptr(JsonNode) root = quorum_wire_parse_bytes (data != NULL ? data : "", length, error);
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GHashTable) files = index_files (json_node_get_array (import->files));
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) matched_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  JsonObject *document;

  if (root == NULL)
    {
      g_prefix_error (error, "body: ");
      return FALSE;
    }
  if ((images = quorum_coco_import (root, error)) == NULL)
    return FALSE;
  document = json_node_get_object (root);
  index = index_annotations (document);

  for (guint i = 0; i < images->len; i++)
    {
      QuorumCocoImage *image = g_ptr_array_index (images, i);
      const char *path = image->path;
      g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
      g_autoptr(GArray) annotations = g_array_new (FALSE, FALSE, sizeof (guint));
      JsonObject *file;
      ImportedFile *imported;
      gint64 file_id;

      for (guint k = 0; k < image->set->instances->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (image->set->instances, k);
          guint annotation = annotation_of (index, instance->id);
          QuorumInstance *checked = check_instance (instance, import->schema, document, image, annotation,
                                                    error);

          if (checked == NULL)
            return FALSE;
          g_ptr_array_add (instances, checked);
          g_array_append_val (annotations, annotation);
        }
      if (!g_hash_table_add (names, image->file_name))
        return fail (error, "%s.file_name: “%s” appears twice", path, image->file_name);

      file = match_file (files, image->file_name, path, error);
      if (file == NULL)
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          g_ptr_array_add (import->unmatched, g_strdup (image->file_name));
          continue;
        }
      file_id = json_object_get_int_member (file, "id");
      if (!g_hash_table_add (matched_ids, g_memdup2 (&file_id, sizeof file_id)))
        return fail (error, "%s.file_name: another image names the file “%s” already", path,
                     json_object_get_string_member (file, "name"));
      if (image->set->file.width != json_object_get_int_member (file, "width") ||
          image->set->file.height != json_object_get_int_member (file, "height"))
        return fail (error, "%s.width: “%s” is %" G_GINT64_FORMAT "×%" G_GINT64_FORMAT " in the project, "
                     "not %u×%u; the coordinates would not fit", path,
                     json_object_get_string_member (file, "name"),
                     json_object_get_int_member (file, "width"), json_object_get_int_member (file, "height"),
                     image->set->file.width, image->set->file.height);
      for (guint k = 0; k < instances->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (instances, k);
          guint annotation = g_array_index (annotations, guint, k);

          if (instance->frame >= (guint) json_object_get_int_member (file, "frames"))
            {
              g_autofree char *where = annotation != G_MAXUINT
                                         ? g_strdup_printf ("annotations[%u].quorum.frame", annotation)
                                         : g_strdup_printf ("%s.quorum.outside", path);

              return fail (error, "%s: “%s” has %" G_GINT64_FORMAT " frame(s)", where,
                           json_object_get_string_member (file, "name"),
                           json_object_get_int_member (file, "frames"));
            }
        }
      imported = g_new0 (ImportedFile, 1);
      imported->file_id = file_id;
      imported->name = g_strdup (json_object_get_string_member (file, "name"));
      imported->instances = g_steal_pointer (&instances);
      imported->annotations = g_steal_pointer (&annotations);
      g_ptr_array_add (import->matched, imported);
    }
  return TRUE;
}

static void
import_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (import_document (data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* With ?mode=append: the file's existing instances, then the imported ones;
 * an imported id the file has already is refused. */
static GPtrArray *
append_to_existing (QuorumServer  *server,
                    ImportedFile  *file,
                    GError       **error)
{
  g_autoptr(JsonObject) row = quorum_store_get_file (server->store, file->file_id, error);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *existing;

  if (row == NULL)
    return NULL;
  existing = json_object_get_member (row, "existing");
  if (existing == NULL || JSON_NODE_HOLDS_NULL (existing))
    all = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  else if ((all = quorum_wire_read_instances (existing, NULL, "existing", error)) == NULL)
    return NULL;
  for (guint i = 0; i < all->len; i++)
    g_hash_table_add (ids, ((QuorumInstance *) g_ptr_array_index (all, i))->id);
  for (guint k = 0; k < file->instances->len; k++)
    {
      const QuorumInstance *instance = g_ptr_array_index (file->instances, k);

      if (g_hash_table_contains (ids, instance->id))
        {
          fail (error, "annotations[%u]: “%s” has an instance “%s” already; import with ?mode=replace, "
                "or give the annotation another id", g_array_index (file->annotations, guint, k),
                file->name, instance->id);
          return NULL;
        }
      g_ptr_array_add (all, quorum_instance_copy (instance));
    }
  return g_steal_pointer (&all);
}

static void
imported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  QuorumRequest *request = user_data;
  Import *import = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) file_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonObject *reply;
  JsonArray *unmatched;
  guint n_instances = 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    goto failed;
  for (guint i = 0; i < import->matched->len; i++)
    {
      ImportedFile *file = g_ptr_array_index (import->matched, i);
      g_autoptr(GPtrArray) instances = NULL;
      g_autoptr(JsonNode) written = NULL;

      /* A taker may not make the gold their answer (nor learn its ids). */
      if (quorum_store_takes_exam_on_file (request->server->store, request->caller_id, file->file_id))
        {
          g_set_error (&error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN,
                       "images: “%s” is in an exam you take; its gold is not yours to change", file->name);
          goto failed;
        }
      if (import->mode == IMPORT_APPEND)
        {
          if ((instances = append_to_existing (request->server, file, &error)) == NULL)
            goto failed;
          written = quorum_wire_write_instances (instances);
        }
      else
        written = quorum_wire_write_instances (file->instances);
      g_ptr_array_add (texts, quorum_wire_to_string (written, FALSE));
      g_array_append_val (file_ids, file->file_id);
      n_instances += file->instances->len;
    }
  if (!quorum_store_import_existing (request->server->store, (const gint64 *) file_ids->data,
                                     (const char **) texts->pdata, file_ids->len, &error))
    goto failed;

  reply = json_object_new ();
  unmatched = json_array_new ();
  json_object_set_int_member (reply, "files", import->matched->len);
  json_object_set_int_member (reply, "instances", n_instances);
  for (guint i = 0; i < import->unmatched->len; i++)
    json_array_add_string_element (unmatched, g_ptr_array_index (import->unmatched, i));
  json_object_set_array_member (reply, "unmatched", unmatched);
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (reply));
  _quorum_request_finish (request);
  return;

failed:
  _quorum_request_reply_error (request, error);
  _quorum_request_finish (request);
}

void
_quorum_server_import_coco (QuorumRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = query != NULL ? soup_form_decode (query) : NULL;
  const char *mode = params != NULL ? g_hash_table_lookup (params, "mode") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) project = NULL;
  g_autoptr(QuorumLabelSchema) schema = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;
  JsonNode *files;
  Import *import;

  if (!_quorum_request_require_role (request, request->ids[0], QUORUM_ROLE_EDITOR, NULL))
    return;
  if (mode != NULL && !g_str_equal (mode, "replace") && !g_str_equal (mode, "append"))
    {
      g_autofree char *message = g_strdup_printf ("mode: replace or append, not “%s”", mode);
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return;
    }
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      g_autofree char *message = g_strdup_printf ("Content-Type: send application/json, not %s",
                                                  content_type != NULL ? content_type : "nothing");
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
      return;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (request->msg));
  if (g_bytes_get_size (body) > QUORUM_SERVER_MAX_IMPORT_BODY)
    {
      g_autofree char *message = g_strdup_printf ("body: %" G_GSIZE_FORMAT " bytes is over the limit of %d",
                                                  g_bytes_get_size (body), QUORUM_SERVER_MAX_IMPORT_BODY);
      quorum_http_reply_error (request->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", message);
      return;
    }
  if ((project = quorum_store_get_project (request->server->store, request->ids[0], &error)) == NULL ||
      (schema = quorum_wire_read_label_schema (json_object_get_member (project, "labels"), "", &error)) == NULL ||
      (files = quorum_store_list_files (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  import = g_new0 (Import, 1);
  import->body = g_steal_pointer (&body);
  import->schema = g_steal_pointer (&schema);
  import->files = files;
  import->matched = g_ptr_array_new_with_free_func ((GDestroyNotify) imported_file_free);
  import->unmatched = g_ptr_array_new_with_free_func (g_free);
  import->mode = mode != NULL && g_str_equal (mode, "append") ? IMPORT_APPEND : IMPORT_REPLACE;
  _quorum_request_pause (request);
  task = g_task_new (NULL, NULL, imported, request);
  g_task_set_source_tag (task, _quorum_server_import_coco);
  g_task_set_task_data (task, import, (GDestroyNotify) import_free);
  g_task_run_in_thread (task, import_in_thread);
}
