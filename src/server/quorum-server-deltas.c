/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

/*
 * PATCH /tasks/{id}/instances: a save of what changed in a task's
 * instances, {"version": N, "upsert": [instances…], "delete": ["id", …]}.
 * Checked like PUT /tasks/{id}/instances (the same holder, role, version
 * and instance rules, the same authorship kept by the server) and stored
 * in what it changes (quorum_store_patch_task), so that moving one vertex
 * of a task of 10,000 polygons costs one row, not the whole set.
 */

#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-track.h"
#include "quorum-wire.h"

static void
reply_invalid (QuorumRequest *request,
               const char    *message)
{
  quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid", message);
}

/* The members a delta may have: a PUT body sent here by mistake, or a
 * misspelt member, must not be taken as "change nothing". */
static gboolean
check_members (QuorumRequest *request,
               JsonObject    *body)
{
  g_autoptr(GList) members = json_object_get_members (body);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "version") && !g_str_equal (l->data, "upsert") && !g_str_equal (l->data, "delete"))
      {
        g_autofree char *message = g_strdup_printf ("%s: not a member of a delta, which has version, upsert "
                                                    "and delete", (const char *) l->data);
        reply_invalid (request, message);
        return FALSE;
      }
  return TRUE;
}

/* The ids of "delete" as a NULL-terminated list (none when left out), each
 * once and none also in @upsert; else replies 400 and returns NULL. */
static GPtrArray *
read_delete (QuorumRequest *request,
             JsonNode      *node,
             GPtrArray     *upsert)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    {
      reply_invalid (request, "delete: must be a list of instance ids");
      return NULL;
    }
  for (guint i = 0; i < upsert->len; i++)
    g_hash_table_add (seen, ((QuorumInstance *) g_ptr_array_index (upsert, i))->id);
  array = node != NULL ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id = JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING
                       ? json_node_get_string (element) : NULL;
      g_autofree char *message = NULL;

      if (id == NULL || *id == '\0')
        message = g_strdup_printf ("delete[%u]: must be an instance id (a non-empty string)", i);
      else if (g_hash_table_contains (seen, id))
        message = g_strdup_printf ("delete[%u]: “%s” is in upsert or earlier in delete already", i, id);
      if (message != NULL)
        {
          reply_invalid (request, message);
          return NULL;
        }
      g_hash_table_add (seen, (gpointer) id);
      g_ptr_array_add (ids, (gpointer) id);
    }
  g_ptr_array_add (ids, NULL);
  return g_steal_pointer (&ids);
}

/* The task's tracks kept whole by the delta: what the task holds at
 * @version with the delta applied, checked as a PUT is (quorum_tracks_check).
 * Only a delta with instances of a track can break one, and only then is the
 * task read whole. Else replies 400 and returns FALSE. */
static gboolean
check_patched_tracks (QuorumRequest *request,
                      JsonObject    *task,
                      gint64         version,
                      GPtrArray     *upsert,
                      GPtrArray     *delete_ids)
{
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(JsonObject) file = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) patched = NULL;
  g_autoptr(GHashTable) replaced = NULL;
  g_autoptr(GError) error = NULL;
  gboolean tracked = FALSE;
  guint n_kept;

  for (guint i = 0; i < upsert->len && !tracked; i++)
    tracked = ((QuorumInstance *) g_ptr_array_index (upsert, i))->track_id != NULL;
  if (!tracked)
    return TRUE;

  if ((saved = quorum_store_get_task (request->server->store, request->ids[0], &error)) == NULL ||
      (file = quorum_store_get_file (request->server->store, json_object_get_int_member (task, "file"),
                                     &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }
  /* a stale delta is the store's to refuse, with the current version */
  if (json_object_get_int_member (saved, "version") != version)
    return TRUE;
  if ((stored = quorum_wire_read_instances (json_object_get_member (saved, "instances"), NULL, "instances",
                                            &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return FALSE;
    }

  replaced = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < upsert->len; i++)
    g_hash_table_add (replaced, ((QuorumInstance *) g_ptr_array_index (upsert, i))->id);
  for (guint i = 0; i < delete_ids->len && g_ptr_array_index (delete_ids, i) != NULL; i++)
    g_hash_table_add (replaced, g_ptr_array_index (delete_ids, i));
  patched = g_ptr_array_new ();
  for (guint i = 0; i < stored->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (stored, i);
      if (!g_hash_table_contains (replaced, instance->id))
        g_ptr_array_add (patched, instance);
    }
  n_kept = patched->len;
  for (guint i = 0; i < upsert->len; i++)
    g_ptr_array_add (patched, g_ptr_array_index (upsert, i));

  if (!quorum_tracks_check (patched, (guint) json_object_get_int_member (file, "frames"), &error))
    {
      g_autofree char *message = _quorum_server_rename_instances (error->message, "upsert", n_kept, patched);
      reply_invalid (request, message);
      return FALSE;
    }
  return TRUE;
}

void
_quorum_request_set_server_timing (QuorumRequest *request,
                                   gint64         started)
{
  g_autofree char *timing = g_strdup_printf ("app;dur=%.3f", (g_get_monotonic_time () - started) / 1000.0);

  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Server-Timing", timing);
}

void
_quorum_server_patch_task (QuorumRequest *request)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) task = _quorum_request_own_task (request, FALSE, &job);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) upsert = NULL;
  g_autoptr(GPtrArray) delete_ids = NULL;
  g_autoptr(JsonNode) empty = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *list;
  GString *reply;
  gint64 version, saved;
  gsize length;

  if (task == NULL || (body = _quorum_request_body (request)) == NULL || !check_members (request, body) ||
      !_quorum_request_read_version (request, body, TRUE, &version))
    return;
  if ((list = json_object_get_member (body, "upsert")) == NULL)
    list = empty = json_node_init_array (json_node_alloc (), json_array_new ());
  if ((upsert = _quorum_request_read_task_instances (request, task, job, list, "upsert")) == NULL ||
      (delete_ids = read_delete (request, json_object_get_member (body, "delete"), upsert)) == NULL ||
      !check_patched_tracks (request, task, version, upsert, delete_ids))
    return;
  saved = quorum_store_patch_task (request->server->store, request->ids[0], request->caller_id, version, upsert,
                                   (const char * const *) delete_ids->pdata,
                                   json_object_get_string_member (request->caller, "name"), &error);
  if (saved < 0)
    {
      _quorum_request_reply_task_error (request, error);
      return;
    }
  reply = g_string_new (NULL);
  g_string_append_printf (reply, "{\"id\":%" G_GINT64_FORMAT ",\"version\":%" G_GINT64_FORMAT ",\"upsert\":",
                          request->ids[0], saved);
  /* As stored: with the authorship the server kept. */
  quorum_wire_append_instances (reply, upsert);
  g_string_append_c (reply, '}');
  length = reply->len;
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (reply, FALSE), length);
  _quorum_request_set_server_timing (request, started);
}
