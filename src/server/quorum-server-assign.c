/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-server-private.h"

/* The task and the project its job belongs to; replies on failure. An
 * unknown task is 404. */
static JsonObject *
find_task (QuorumRequest  *request,
           gint64         *project_id,
           JsonObject    **job_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) task = quorum_store_get_task_state (request->server->store, request->ids[0], &error);
  g_autoptr(JsonObject) job = NULL;

  if (task == NULL ||
      (job = quorum_store_get_job (request->server->store, json_object_get_int_member (task, "job"),
                                   FALSE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  *project_id = json_object_get_int_member (job, "project");
  if (job_out != NULL)
    *job_out = g_steal_pointer (&job);
  return g_steal_pointer (&task);
}

/* The task after a change, without its instances, as submit answers. */
static void
reply_task (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) task = quorum_store_get_task_state (request->server->store, request->ids[0], &error);

  if (task == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  json_object_remove_member (task, "rating");
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), task));
}

void
_quorum_server_job_tasks (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, request->ids[0], FALSE, &error);
  JsonNode *tasks;

  if (job == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!_quorum_request_require_role (request, json_object_get_int_member (job, "project"), QUORUM_ROLE_EDITOR,
                                     NULL))
    return;
  tasks = quorum_store_job_tasks (request->server->store, request->ids[0], &error);
  _quorum_request_reply_result (request, tasks, &error);
}

/* The most ?state=done lists: the latest finished work, not a history. */
#define MY_DONE_TASKS_LIMIT 200

void
_quorum_server_my_tasks (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = query != NULL ? soup_form_decode (query) : NULL;
  const char *state = params != NULL ? g_hash_table_lookup (params, "state") : NULL;
  g_autoptr(JsonNode) tasks = NULL;
  g_autoptr(GHashTable) reached = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  JsonArray *kept;

  if (state != NULL && !g_str_equal (state, "done"))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "state: only done may be asked for");
      return;
    }
  tasks = state != NULL
          ? quorum_store_user_done_tasks (request->server->store, request->caller_id, MY_DONE_TASKS_LIMIT, &error)
          : quorum_store_user_tasks (request->server->store, request->caller_id, &error);
  if (tasks == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* Only the tasks of jobs the caller still reaches: a member removed from
   * the project, or an organization declined, no longer sees their names. */
  kept = json_array_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (tasks)); i++)
    {
      JsonObject *task = json_array_get_object_element (json_node_get_array (tasks), i);
      gint64 job_id = json_object_get_int_member (task, "job");
      gpointer known = g_hash_table_lookup (reached, &job_id);

      if (known == NULL)
        {
          g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, job_id, FALSE, NULL);

          known = GINT_TO_POINTER (job != NULL && _quorum_request_job_role (request, job) >= QUORUM_ROLE_ANNOTATOR
                                   ? 1 : 2);
          g_hash_table_insert (reached, g_memdup2 (&job_id, sizeof job_id), known);
        }
      if (GPOINTER_TO_INT (known) == 1)
        json_array_add_object_element (kept, json_object_ref (task));
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_array (json_node_alloc (), kept));
  json_array_unref (kept);
}

/* Whether @user may be given a task of @kind in the project: a member whose
 * role covers it (an administrator of the server always is); else 422. */
static gboolean
may_take (QuorumRequest *request,
          gint64         project_id,
          JsonObject    *user,
          const char    *kind)
{
  QuorumRole needed = g_str_equal (kind, "draw") ? QUORUM_ROLE_ANNOTATOR : QUORUM_ROLE_REVIEWER;
  QuorumRole role = _quorum_server_project_role (request->server, project_id, json_object_get_int_member (user, "id"),
                                                 json_object_get_boolean_member_with_default (user, "admin", FALSE));
  g_autofree char *message = NULL;

  if (role >= needed)
    return TRUE;
  message = role == QUORUM_ROLE_NONE
            ? g_strdup_printf ("user: %s is not a member of this project", json_object_get_string_member (user, "name"))
            : g_strdup_printf ("user: %s's role, %s, may not take a %s task",
                               json_object_get_string_member (user, "name"), quorum_role_to_string (role), kind);
  quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
  return FALSE;
}

void
_quorum_server_assign_task (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) user = NULL;
  gint64 project_id, user_id;

  if ((task = find_task (request, &project_id, NULL)) == NULL ||
      !_quorum_request_require_role (request, project_id, QUORUM_ROLE_ADMIN, NULL) ||
      (body = _quorum_request_body (request)) == NULL)
    return;
  if (!quorum_http_member_integer (body, "user", TRUE, &user_id, &error) ||
      (user = quorum_store_get_user (request->server->store, user_id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!may_take (request, project_id, user, json_object_get_string_member (task, "kind")))
    return;
  if (!quorum_store_assign_task (request->server->store, request->ids[0], user_id, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply_task (request);
}

/* More readers than the minimum: an admin adds a labeller to a file of a
 * consensus job beyond its passes per file; the consensus waits for them. */
void
_quorum_server_add_reader (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) task = NULL;
  JsonObject *settings;
  const char *message = NULL;
  gint64 project_id, user_id, task_id;

  if ((job = quorum_store_get_job (request->server->store, request->ids[0], FALSE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  project_id = json_object_get_int_member (job, "project");
  if (!_quorum_request_require_role (request, project_id, QUORUM_ROLE_ADMIN, NULL) ||
      (body = _quorum_request_body (request)) == NULL)
    return;
  settings = json_object_get_object_member (job, "settings");
  if (_quorum_server_is_exam (job))
    message = "type: an exam's passes belong to the takers who apply";
  else if (json_object_get_int_member_with_default (settings, "passes_per_file", 1) < 2)
    message = "passes_per_file: this job draws each file once, without a consensus to add readers to";
  else if (!g_str_equal (json_object_get_string_member (job, "state"), "launched"))
    message = "state: readers are added to a launched job";
  if (message != NULL)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_state", message);
      return;
    }
  if (!quorum_http_member_integer (body, "user", TRUE, &user_id, &error) ||
      (user = quorum_store_get_user (request->server->store, user_id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!may_take (request, project_id, user, "draw"))
    return;
  if ((task_id = quorum_store_add_reader (request->server->store, request->ids[0], request->ids[1], user_id,
                                          &error)) == 0 ||
      (task = quorum_store_get_task_state (request->server->store, task_id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  json_object_remove_member (task, "rating");
  _quorum_request_reply (request, SOUP_STATUS_CREATED, json_node_init_object (json_node_alloc (), task));
}

void
_quorum_server_release_task (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) job = NULL;
  JsonNode *assignee;
  gint64 project_id;

  if ((task = find_task (request, &project_id, &job)) == NULL)
    return;
  assignee = json_object_get_member (task, "assignee");
  /* The assignee may give their task back while they still reach its job
   * (a removed member or a worker whose share ended writes no more); anyone
   * else must be a project admin (a non-member is told there is no such
   * project). */
  if (!JSON_NODE_HOLDS_NULL (assignee) && json_node_get_int (assignee) == request->caller_id)
    {
      if (_quorum_request_job_role (request, job) == QUORUM_ROLE_NONE)
        {
          g_autofree char *message = g_strdup_printf ("no task %" G_GINT64_FORMAT, request->ids[0]);
          quorum_http_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
          return;
        }
    }
  else if (!_quorum_request_require_role (request, project_id, QUORUM_ROLE_ADMIN, NULL))
    return;
  if (!quorum_store_release_task (request->server->store, request->ids[0], &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply_task (request);
}
