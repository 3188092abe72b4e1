/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-client"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-sync.h"
#include "quorum-wire.h"

/* A request the server has not answered in this long counts as a network
 * failure: a hung server must not stall the outbox for ever. */
#define REQUEST_TIMEOUT_SECONDS 30

struct _QuorumSync
{
  GObject          parent_instance;

  QuorumClient    *client;
  QuorumCache     *cache;
  gulong           changed_id;
  GNetworkMonitor *monitor;
  gulong           network_id;

  QuorumSyncState  state;
  guint            pending;

  gboolean         busy;        /* an outbox request is on its way */
  gboolean         offline;     /* the last request found no server */
  gboolean         signed_out;  /* the server refused the token */
  guint            backoff;     /* seconds of the planned retry */
  guint            retry_id;
  guint            run_id;
  guint            send_delay;  /* seconds an edit waits before it is sent */
  GHashTable      *refresh;     /* task ids whose server view to fetch */
};

G_DEFINE_FINAL_TYPE (QuorumSync, quorum_sync, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (QuorumSyncState, quorum_sync_state,
  G_DEFINE_ENUM_VALUE (QUORUM_SYNC_SYNCED, "synced"),
  G_DEFINE_ENUM_VALUE (QUORUM_SYNC_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (QUORUM_SYNC_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (QUORUM_SYNC_CONFLICT, "conflict"),
  G_DEFINE_ENUM_VALUE (QUORUM_SYNC_SIGNED_OUT, "signed-out"))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_CACHE,
  PROP_STATE,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CONFLICT,
  SIGNED_OUT,
  GRADE_REFUSED,
  DOWNLOAD_SIZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_run (QuorumSync *self);

/* ---- state --------------------------------------------------------------- */

static void
update_state (QuorumSync *self)
{
  guint pending = quorum_cache_count_outbox (self->cache);
  QuorumSyncState state;

  if (self->signed_out)
    state = QUORUM_SYNC_SIGNED_OUT;
  else if (quorum_cache_count_conflicts (self->cache) > 0)
    state = QUORUM_SYNC_CONFLICT;
  else if (self->offline)
    state = QUORUM_SYNC_OFFLINE;
  else if (pending > 0 || self->busy || g_hash_table_size (self->refresh) > 0)
    state = QUORUM_SYNC_PENDING;
  else
    state = QUORUM_SYNC_SYNCED;

  g_object_freeze_notify (G_OBJECT (self));
  if (pending != self->pending)
    {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
retry_elapsed (gpointer user_data)
{
  QuorumSync *self = user_data;

  self->retry_id = 0;
  schedule_run (self);
  return G_SOURCE_REMOVE;
}

/* No answer: wait 1 s, then 2, 4, then 5 s between tries. */
static void
go_offline (QuorumSync *self)
{
  self->offline = TRUE;
  self->backoff = self->backoff == 0 ? QUORUM_SYNC_FIRST_RETRY
                                     : MIN (self->backoff * 2, QUORUM_SYNC_LAST_RETRY);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->backoff, retry_elapsed, self);
  update_state (self);
}

static void
go_online (QuorumSync *self)
{
  self->offline = FALSE;
  self->backoff = 0;
}

static void
go_signed_out (QuorumSync *self)
{
  gboolean was = self->signed_out;

  self->signed_out = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  update_state (self);
  if (!was)
    g_signal_emit (self, signals[SIGNED_OUT], 0);
}

/* Errors that mean "try again later", not "the server said no". */
static gboolean
is_transient (const GError *error)
{
  return g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE) ||
         g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_FAILED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* ---- requests with a time limit ------------------------------------------ */

typedef struct {
  QuorumSync    *self;
  GCancellable  *cancellable;
  guint          timeout_id;
  gboolean       timed_out;
  QuorumCacheOp *op;         /* the operation sent, or NULL */
  gint64         task_id;
  char          *reason;     /* why the operation was refused */
  GError        *refusal;    /* the same, with its code */
  GPtrArray     *delta_of;   /* a save sent as a delta: the instances it saves */
} Request;

static void
request_free (Request *request)
{
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->op, quorum_cache_op_free);
  g_free (request->reason);
  g_clear_error (&request->refusal);
  g_clear_pointer (&request->delta_of, g_ptr_array_unref);
  g_clear_object (&request->self);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static gboolean
request_timed_out (gpointer user_data)
{
  Request *request = user_data;

  request->timeout_id = 0;
  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

static Request *
request_new (QuorumSync *self,
             gint64      task_id)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->task_id = task_id;
  request->cancellable = g_cancellable_new ();
  request->timeout_id = g_timeout_add_seconds (REQUEST_TIMEOUT_SECONDS, request_timed_out, request);
  return request;
}

static JsonNode *
request_finish (Request       *request,
                GAsyncResult  *result,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *reply;

  g_clear_handle_id (&request->timeout_id, g_source_remove);
  reply = quorum_client_call_finish (request->self->client, result, &local_error);
  if (reply == NULL && request->timed_out)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s did not answer within %d seconds",
                   quorum_client_get_server (request->self->client), REQUEST_TIMEOUT_SECONDS);
      return NULL;
    }
  if (reply == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return reply;
}

/* ---- review decisions and consensus steps -------------------------------- */

static void op_sent (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

/* Sends a rating (PUT …/rating, unversioned: it is the whole rating, so a
 * second send leaves what the first left), an accept or reject (POST, with
 * the version the reviewer saw: a decision on work that changed since is
 * refused), or a consensus step (POST …/consensus/STEP, versioned like a
 * save). */
static void
send_review (QuorumSync    *self,
             QuorumCacheOp *op)
{
  g_autoptr(JsonNode) body = quorum_wire_parse_bytes (op->payload, strlen (op->payload), NULL);
  g_autofree char *path = NULL;
  const char *method = "POST";
  Request *request = request_new (self, op->task);

  request->op = op;
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_clear_pointer (&body, json_node_unref);
      body = json_node_init_object (json_node_alloc (), json_object_new ());
    }
  switch (op->kind)
    {
    case QUORUM_CACHE_OP_RATING:
      method = "PUT";
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/rating", op->task);
      break;
    case QUORUM_CACHE_OP_ACCEPT:
    case QUORUM_CACHE_OP_REJECT:
      json_object_set_int_member (json_node_get_object (body), "version", op->base_version);
      path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/%s", op->task,
                              op->kind == QUORUM_CACHE_OP_ACCEPT ? "accept" : "reject");
      break;
    case QUORUM_CACHE_OP_CONSENSUS:
    default:
      {
        JsonObject *object = json_node_get_object (body);
        g_autofree char *step = g_strdup (json_object_get_string_member_with_default (object, "step", "undo"));

        json_object_remove_member (object, "step");
        json_object_set_int_member (object, "version", op->base_version);
        path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/consensus/%s", op->task, step);
      }
      break;
    }
  quorum_client_call_async (self->client, method, path, body, request->cancellable, op_sent, request);
}

static gboolean
is_review_op (const QuorumCacheOp *op)
{
  return op != NULL && op->kind >= QUORUM_CACHE_OP_RATING && op->kind <= QUORUM_CACHE_OP_CONSENSUS;
}

/* What the server's answer to a review operation changes in the cached
 * view, and the version it leaves: a rating is kept as the view's
 * "rating" and is one write (version + 1; its answer names no version);
 * a decision answers the task, a step the output with its version. */
static JsonNode *
review_reply (const QuorumCacheOp *op,
              JsonNode            *reply,
              gint64              *version)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  JsonObject *merged;

  if (op->kind != QUORUM_CACHE_OP_RATING)
    {
      if (object != NULL && json_object_has_member (object, "version"))
        *version = json_object_get_int_member_with_default (object, "version", *version);
      return json_node_ref (reply);
    }
  *version = op->base_version + 1;
  merged = json_object_new ();
  json_object_set_member (merged, "rating", json_node_copy (reply));
  return json_node_init_object (json_node_alloc (), merged);
}

static const char *
string_of (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gint64
int_of (JsonObject *object,
        const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
         ? json_node_get_int (node) : -1;
}

/* Whether the server keeps the rating @payload says (the same stars, the
 * same gold instances missing, in any order). */
static gboolean
same_rating (const char *payload,
             JsonNode   *kept)
{
  g_autoptr(JsonNode) sent = quorum_wire_parse_bytes (payload, strlen (payload), NULL);
  g_autoptr(GHashTable) missing = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *a, *b;
  JsonNode *stars_a, *stars_b, *missing_a, *missing_b;

  if (sent == NULL || !JSON_NODE_HOLDS_OBJECT (sent) || kept == NULL || !JSON_NODE_HOLDS_OBJECT (kept))
    return FALSE;
  a = json_node_get_object (sent);
  b = json_node_get_object (kept);
  stars_a = json_object_get_member (a, "stars");
  stars_b = json_object_get_member (b, "stars");
  missing_a = json_object_get_member (a, "missing");
  missing_b = json_object_get_member (b, "missing");
  if (stars_a == NULL || stars_b == NULL || !json_node_equal (stars_a, stars_b) ||
      missing_a == NULL || missing_b == NULL || !JSON_NODE_HOLDS_ARRAY (missing_a) ||
      !JSON_NODE_HOLDS_ARRAY (missing_b) ||
      json_array_get_length (json_node_get_array (missing_a)) !=
      json_array_get_length (json_node_get_array (missing_b)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (missing_a)); i++)
    g_hash_table_add (missing, (gpointer) json_array_get_string_element (json_node_get_array (missing_a), i));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (missing_b)); i++)
    if (!g_hash_table_contains (missing, json_array_get_string_element (json_node_get_array (missing_b), i)))
      return FALSE;
  return TRUE;
}

/* Whether the server's @view shows that @op, refused now, was applied
 * already: sent before, with the app gone before its answer was recorded.
 * The task must still be the same reviewer's (@before is the view the
 * operation was queued on) and show the outcome the operation asked for:
 * an accept's task complete; a reject's comment among the task's review
 * comments (a rejected draw may have come back since); a consensus step's
 * output one version on (nobody else writes a consensus task); a
 * rating (set semantics: sent again it changes nothing) refused because the
 * task was decided since, the same rating kept. */
static gboolean
review_applied (const QuorumCacheOp *op,
                JsonObject          *before,
                JsonObject          *view)
{
  g_autoptr(JsonNode) payload = NULL;
  JsonObject *body;
  JsonNode *node;

  if (before == NULL || view == NULL || int_of (view, "assignee") < 0 ||
      int_of (view, "assignee") != int_of (before, "assignee"))
    return FALSE;
  switch (op->kind)
    {
    case QUORUM_CACHE_OP_ACCEPT:
      return g_strcmp0 (string_of (view, "state"), "complete") == 0;
    case QUORUM_CACHE_OP_REJECT:
      payload = quorum_wire_parse_bytes (op->payload, strlen (op->payload), NULL);
      body = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
      node = json_object_get_member (view, "review_comments");
      for (guint i = 0; body != NULL && node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
                        i < json_array_get_length (json_node_get_array (node)); i++)
        {
          JsonNode *element = json_array_get_element (json_node_get_array (node), i);
          JsonObject *comment = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          JsonNode *pin = comment != NULL ? json_object_get_member (comment, "pin") : NULL;

          if (comment != NULL && g_strcmp0 (string_of (comment, "decision"), "reject") == 0 &&
              (pin == NULL || JSON_NODE_HOLDS_NULL (pin)) &&
              int_of (comment, "author") == int_of (view, "assignee") &&
              g_strcmp0 (string_of (comment, "text"), string_of (body, "comment")) == 0 &&
              int_of (comment, "created") >= op->created - 300)
            return TRUE;
        }
      return FALSE;
    case QUORUM_CACHE_OP_CONSENSUS:
      return int_of (view, "version") == op->base_version + 1;
    case QUORUM_CACHE_OP_RATING:
      return same_rating (op->payload, json_object_get_member (view, "rating"));
    case QUORUM_CACHE_OP_SAVE:
    case QUORUM_CACHE_OP_SUBMIT:
    default:
      return FALSE;
    }
}

/* ---- exam decisions --------------------------------------------------------- */

static void finish_request (QuorumSync *self);

/* Takes the grade @op out of the outbox: sent, applied already, or refused
 * for good (never sent again: a decision the server will not take stays
 * refused). */
static void
drop_grade (QuorumSync    *self,
            QuorumCacheOp *op)
{
  g_autoptr(GError) error = NULL;

  if (!quorum_cache_drop_op (self->cache, op->id, &error))
    g_warning ("%s", error->message);
}

/* The attempt as the server shows it now tells a decision applied already
 * (the app was gone before the answer was recorded: the same decision
 * stands) from one someone else made first. */
static void
grade_checked (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  QuorumSync *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) view = request_finish (request, result, &error);
  JsonObject *object = view != NULL && JSON_NODE_HOLDS_OBJECT (view) ? json_node_get_object (view) : NULL;
  const char *decision = string_of (object, "decision");
  gint64 job = 0, attempt = 0;
  gboolean pass = FALSE;

  quorum_cache_read_grade (request->op, &job, &attempt, &pass);
  if (view == NULL && g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    {
      /* Asked again after the next sign-in. */
      self->busy = FALSE;
      go_signed_out (self);
      return;
    }
  if (view == NULL && is_transient (error))
    {
      /* Asked again once the server answers: the decision waits. */
      self->busy = FALSE;
      go_offline (self);
      return;
    }
  go_online (self);
  drop_grade (self, request->op);
  if (g_strcmp0 (decision, pass ? "pass" : "fail") == 0)
    {
      g_debug ("attempt %" G_GINT64_FORMAT ": %s; applied already", attempt, request->reason);
      finish_request (self);
      return;
    }
  g_debug ("attempt %" G_GINT64_FORMAT ": %s; dropped", attempt, request->reason);
  finish_request (self);
  g_signal_emit (self, signals[GRADE_REFUSED], 0, job, attempt, pass, object != NULL ? view : NULL,
                 request->reason);
}

static void
grade_sent (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  QuorumSync *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) cache_error = NULL;
  g_autoptr(JsonNode) reply = request_finish (request, result, &error);
  g_autofree char *path = NULL;
  GCancellable *cancellable;
  gint64 attempt = 0;

  if (error == NULL)
    {
      go_online (self);
      drop_grade (self, request->op);
      finish_request (self);
      return;
    }
  if (!quorum_cache_record_attempt (self->cache, request->op->id, error->message, &cache_error))
    g_warning ("%s", cache_error->message);
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    {
      self->busy = FALSE;
      go_signed_out (self);
      return;
    }
  if (is_transient (error))
    {
      self->busy = FALSE;
      go_offline (self);
      return;
    }
  /* Refused: was it this decision, applied before the app went, or
   * someone else's first? */
  quorum_cache_read_grade (request->op, NULL, &attempt, NULL);
  request->reason = g_strdup (error->message);
  request->refusal = g_steal_pointer (&error);
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  g_clear_object (&request->cancellable);
  request->cancellable = g_cancellable_new ();
  request->timeout_id = g_timeout_add_seconds (REQUEST_TIMEOUT_SECONDS, request_timed_out, request);
  path = g_strdup_printf ("/attempts/%" G_GINT64_FORMAT, attempt);
  cancellable = request->cancellable;
  quorum_client_call_async (self->client, "GET", path, NULL, cancellable, grade_checked, g_steal_pointer (&request));
}

/* Sends a grade (POST /jobs/{job}/attempts/{attempt}/pass|fail, no body):
 * not a task's, so it neither reads nor writes a cached task view. */
static void
send_grade (QuorumSync    *self,
            QuorumCacheOp *op)
{
  g_autofree char *path = NULL;
  gint64 job, attempt;
  gboolean pass;
  Request *request;

  if (!quorum_cache_read_grade (op, &job, &attempt, &pass))
    {
      /* Nothing any server could take: a damaged cache row. */
      g_warning ("outbox operation %" G_GINT64_FORMAT " names no attempt; dropped", op->id);
      drop_grade (self, op);
      quorum_cache_op_free (op);
      finish_request (self);
      return;
    }
  request = request_new (self, 0);
  request->op = op;
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/attempts/%" G_GINT64_FORMAT "/%s", job, attempt,
                          pass ? "pass" : "fail");
  quorum_client_call_async (self->client, "POST", path, NULL, request->cancellable, grade_sent, request);
}

/* ---- the outbox ---------------------------------------------------------- */

static void
finish_request (QuorumSync *self)
{
  self->busy = FALSE;
  update_state (self);
  schedule_run (self);
}

/* The assignee of a task view, or 0 (nobody, or not said). */
static gint64
view_assignee (JsonNode *view)
{
  JsonNode *assignee;

  if (view == NULL || !JSON_NODE_HOLDS_OBJECT (view) ||
      (assignee = json_object_get_member (json_node_get_object (view), "assignee")) == NULL ||
      !JSON_NODE_HOLDS_VALUE (assignee) || json_node_get_value_type (assignee) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (assignee);
}

/* What the refusal meant, from the server's code, the task as the server
 * shows it now (NULL when it shows nothing) and the task as the user held
 * it (the cached view from before, whose assignee is the user). Only a
 * task that is still the user's and still open takes their work again. */
static QuorumConflictCause
conflict_cause (const GError *refusal,
                JsonNode     *before,
                JsonNode     *now,
                const GError *fetch_error)
{
  gint64 holder = view_assignee (before);
  const char *state;

  if (now == NULL || !JSON_NODE_HOLDS_OBJECT (now))
    {
      if (g_error_matches (fetch_error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND) ||
          g_error_matches (fetch_error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN) ||
          g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND) ||
          g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN))
        return QUORUM_CONFLICT_NOT_YOURS;
      if (g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_STATE))
        return QUORUM_CONFLICT_DECIDED;
      return g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_CONFLICT) ? QUORUM_CONFLICT_STALE
                                                                           : QUORUM_CONFLICT_REFUSED;
    }
  /* A project's editor still sees a task that is no longer theirs. */
  if (holder != 0 && view_assignee (now) == 0)
    return QUORUM_CONFLICT_RELEASED;
  if (holder != 0 && view_assignee (now) != holder)
    return QUORUM_CONFLICT_REASSIGNED;
  state = json_object_get_string_member_with_default (json_node_get_object (now), "state", "");
  if (g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_STATE) ||
      !(g_str_equal (state, "assigned") || g_str_equal (state, "in_progress") || g_str_equal (state, "rejected")))
    return strstr (refusal->message, "job") != NULL ? QUORUM_CONFLICT_JOB_CLOSED : QUORUM_CONFLICT_DECIDED;
  if (g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND) ||
      g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN))
    return QUORUM_CONFLICT_NOT_YOURS;
  return g_error_matches (refusal, QUORUM_ERROR, QUORUM_ERROR_CONFLICT) ? QUORUM_CONFLICT_STALE
                                                                       : QUORUM_CONFLICT_REFUSED;
}

static void
conflict_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  QuorumSync *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) cache_error = NULL;
  g_autoptr(JsonNode) view = request_finish (request, result, &error);
  g_autoptr(JsonNode) before = quorum_cache_get_task (self->cache, request->task_id, NULL);
  QuorumConflictCause cause = conflict_cause (request->refusal, before, view, error);
  gint64 version = -1;

  /* A decision or step the server refuses because it applied it already
   * (the app was gone before its answer was recorded) is done, not a
   * conflict: sending it again must neither apply it twice nor stall. */
  if (view != NULL && JSON_NODE_HOLDS_OBJECT (view) && is_review_op (request->op) &&
      before != NULL &&
      review_applied (request->op, json_node_get_object (before), json_node_get_object (view)))
    {
      g_debug ("task %" G_GINT64_FORMAT ": %s; applied already", request->task_id, request->reason);
      if (!quorum_cache_record_sent (self->cache, request->op->id, request->op->revision,
                                     int_of (json_node_get_object (view), "version"), view, &cache_error))
        g_warning ("task %" G_GINT64_FORMAT ": %s", request->task_id, cache_error->message);
      finish_request (self);
      return;
    }

  /* The server's copy is kept beside the user's, so both can be shown. */
  if (view != NULL && quorum_cache_store_task (self->cache, view, &cache_error))
    version = quorum_cache_get_server_version (self->cache, request->task_id);
  else if (cache_error != NULL)
    g_warning ("task %" G_GINT64_FORMAT ": %s", request->task_id, cache_error->message);
  g_clear_error (&cache_error);

  if (!quorum_cache_record_refusal (self->cache, request->task_id, version, cause, request->reason, &cache_error))
    {
      /* The work is still in the outbox; it will meet the conflict again. */
      g_warning ("task %" G_GINT64_FORMAT ": cannot keep the conflict copy: %s",
                 request->task_id, cache_error->message);
      self->busy = FALSE;
      go_offline (self);
      return;
    }
  if (error != NULL && g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    {
      self->busy = FALSE;
      g_signal_emit (self, signals[CONFLICT], 0, request->task_id);
      go_signed_out (self);
      return;
    }
  self->busy = FALSE;
  update_state (self);
  g_signal_emit (self, signals[CONFLICT], 0, request->task_id);
  schedule_run (self);
}

/* The server refused the operation for good (a stale version, a task no
 * longer the user's, a task already submitted): keep everything and ask. */
static void
hold_as_conflict (Request *request,
                  GError  *error)
{
  QuorumSync *self = request->self;
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, request->task_id);

  request->reason = g_strdup (error->message);
  request->refusal = g_error_copy (error);
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  request->timed_out = FALSE;
  g_clear_object (&request->cancellable);
  request->cancellable = g_cancellable_new ();
  request->timeout_id = g_timeout_add_seconds (REQUEST_TIMEOUT_SECONDS, request_timed_out, request);
  quorum_client_call_async (self->client, "GET", path, NULL, request->cancellable, conflict_fetched, request);
}

/* ---- saves: the whole set, or what changed ------------------------------- */

static const char *
instance_id (JsonNode *instance)
{
  return JSON_NODE_HOLDS_OBJECT (instance)
         ? json_object_get_string_member_with_default (json_node_get_object (instance), "id", NULL) : NULL;
}

static gboolean
same_string (const char *a,
             const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

/* Whether @a and @b are the same instance but for who drew it and where
 * from, which the server says, not the client. Numbers compare by value,
 * as json_node_equal() compares them. */
static gboolean
same_instance (const QuorumInstance *a,
               const QuorumInstance *b)
{
  g_autoptr(JsonNode) left = NULL;
  g_autoptr(JsonNode) right = NULL;

  if (!same_string (a->id, b->id) || !same_string (a->label, b->label) || a->kind != b->kind ||
      a->n_points != b->n_points || a->frame != b->frame || !same_string (a->track_id, b->track_id) ||
      a->keyframe != b->keyframe || a->outside != b->outside || a->occluded != b->occluded)
    return FALSE;
  for (guint i = 0; i < a->n_points; i++)
    if (a->points[i].x != b->points[i].x || a->points[i].y != b->points[i].y)
      return FALSE;
  if (json_object_get_size (a->attributes) == 0 && json_object_get_size (b->attributes) == 0)
    return TRUE;
  left = json_node_init_object (json_node_alloc (), a->attributes);
  right = json_node_init_object (json_node_alloc (), b->attributes);
  return json_node_equal (left, right);
}

/* The delta that turns @saved (the server's instances at the save's base
 * version) into @local: {"upsert": [changed or new…], "delete": [ids…]}, or
 * NULL when none can say it. The server keeps the order of the instances it
 * holds and adds new ones last, so @local must list the ones it keeps in
 * the same order, and its new ones after them. */
static JsonObject *
make_delta (GPtrArray *saved,
            GPtrArray *local)
{
  g_autoptr(GHashTable) position = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonObject) delta = json_object_new ();
  JsonArray *upsert = json_array_new ();
  JsonArray *removed = json_array_new ();
  g_autofree gboolean *kept = g_new0 (gboolean, saved->len + 1);
  gint64 last = -1;
  gboolean adding = FALSE;

  json_object_set_array_member (delta, "upsert", upsert);
  json_object_set_array_member (delta, "delete", removed);
  for (guint i = 0; i < saved->len; i++)
    {
      const char *id = ((QuorumInstance *) g_ptr_array_index (saved, i))->id;

      if (g_hash_table_contains (position, id))
        return NULL;
      g_hash_table_insert (position, (gpointer) id, GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < local->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (local, i);
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (position, instance->id));

      if (at == 0)
        {
          adding = TRUE;
          json_array_add_element (upsert, quorum_wire_write_instance (instance));
          continue;
        }
      /* Kept after a new one, twice, or out of the server's order. */
      if (adding || kept[at - 1] || (gint64) at - 1 < last)
        return NULL;
      kept[at - 1] = TRUE;
      last = at - 1;
      if (!same_instance (instance, g_ptr_array_index (saved, at - 1)))
        json_array_add_element (upsert, quorum_wire_write_instance (instance));
    }
  for (guint i = 0; i < saved->len; i++)
    if (!kept[i])
      json_array_add_string_element (removed, ((QuorumInstance *) g_ptr_array_index (saved, i))->id);
  return g_steal_pointer (&delta);
}

/* The instances of a save's payload, read without a tree; NULL when the
 * streaming reader refuses them (the whole set then goes as before, and
 * the server says what is wrong). */
static GPtrArray *
read_payload (const char *payload)
{
  gsize length = strlen (payload);
  QuorumJsonReader reader;
  GPtrArray *instances;

  if (length > QUORUM_WIRE_MAX_BYTES)
    return NULL;
  quorum_json_reader_init (&reader, payload, length);
  instances = quorum_wire_reader_read_instances (&reader, NULL);
  if (instances != NULL && !quorum_json_reader_end (&reader))
    g_clear_pointer (&instances, g_ptr_array_unref);
  quorum_json_reader_clear (&reader);
  return instances;
}

/* The body of a delta from the cached task to @instances, when the cache
 * holds the server's instances at the base version of @op and the delta is
 * smaller than the whole set; else NULL. Both sides are read into the
 * model without a tree: a 10,000-polygon task is 8 MB of JSON each. */
static JsonNode *
delta_body (QuorumSync    *self,
            QuorumCacheOp *op,
            GPtrArray     *instances)
{
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(JsonObject) delta = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  gint64 version = -1;

  if ((saved = quorum_cache_read_server_instances (self->cache, op->task, &version, NULL)) == NULL ||
      version != op->base_version || (delta = make_delta (saved, instances)) == NULL)
    return NULL;
  json_object_set_int_member (delta, "version", op->base_version);
  body = json_node_init_object (json_node_alloc (), g_steal_pointer (&delta));
  text = quorum_wire_to_string (body, FALSE);
  return strlen (text) < strlen (op->payload) ? g_steal_pointer (&body) : NULL;
}

/* What a delta saved, as the reply of a whole save would say it: the
 * instances sent, each changed one as the server stored it (with the
 * authorship it keeps). */
static JsonNode *
delta_saved (GPtrArray *sent,
             JsonNode  *reply)
{
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  JsonNode *upsert = object != NULL ? json_object_get_member (object, "upsert") : NULL;
  JsonObject *saved = json_object_new ();
  JsonArray *instances = json_array_sized_new (sent->len);

  for (guint i = 0; upsert != NULL && JSON_NODE_HOLDS_ARRAY (upsert) &&
                    i < json_array_get_length (json_node_get_array (upsert)); i++)
    {
      JsonNode *instance = json_array_get_element (json_node_get_array (upsert), i);
      const char *id = instance_id (instance);

      if (id != NULL)
        g_hash_table_insert (stored, (gpointer) id, instance);
    }
  for (guint i = 0; i < sent->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (sent, i);
      JsonNode *as_stored = g_hash_table_lookup (stored, instance->id);

      json_array_add_element (instances, as_stored != NULL ? json_node_copy (as_stored)
                                                           : quorum_wire_write_instance (instance));
    }
  if (object != NULL && json_object_has_member (object, "version"))
    json_object_set_member (saved, "version", json_node_copy (json_object_get_member (object, "version")));
  json_object_set_array_member (saved, "instances", instances);
  return json_node_init_object (json_node_alloc (), saved);
}

/* Sends the save @op (taken): as a delta (PATCH) when the cache can say
 * one and it is smaller, else the whole set (PUT). @instances is the
 * payload read into the model, or NULL to send it whole. */
static void
send_save (QuorumSync    *self,
           QuorumCacheOp *op,
           GPtrArray     *instances)
{
  g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/instances", op->task);
  g_autoptr(JsonNode) body = instances != NULL ? delta_body (self, op, instances) : NULL;
  Request *request = request_new (self, op->task);
  JsonNode *parsed;

  request->op = op;
  if (body != NULL)
    {
      request->delta_of = g_ptr_array_ref (instances);
      quorum_client_call_async (self->client, "PATCH", path, body, request->cancellable, op_sent, request);
      return;
    }
  /* The whole set goes as the payload says it, the way it always did. */
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  json_object_set_int_member (json_node_get_object (body), "version", op->base_version);
  parsed = quorum_wire_parse_bytes (op->payload, strlen (op->payload), NULL);
  if (parsed != NULL && !JSON_NODE_HOLDS_ARRAY (parsed))
    g_clear_pointer (&parsed, json_node_unref);
  json_object_set_member (json_node_get_object (body), "instances",
                          parsed != NULL ? parsed : json_node_init_array (json_node_alloc (), json_array_new ()));
  quorum_client_call_async (self->client, "PUT", path, body, request->cancellable, op_sent, request);
}

static void
op_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  QuorumSync *self = request->self;
  QuorumCacheOp *op = request->op;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) cache_error = NULL;
  g_autoptr(JsonNode) reply = request_finish (request, result, &error);

  if (reply != NULL)
    {
      gint64 version = op->base_version;
      JsonNode *member;

      go_online (self);
      if (request->delta_of != NULL)
        {
          JsonNode *saved = delta_saved (request->delta_of, reply);

          json_node_unref (reply);
          reply = saved;
        }
      if (is_review_op (op))
        {
          JsonNode *merged = review_reply (op, reply, &version);

          json_node_unref (reply);
          reply = merged;
          if (!quorum_cache_record_sent (self->cache, op->id, op->revision, version, reply, &cache_error))
            g_warning ("task %" G_GINT64_FORMAT ": sent, but the local cache did not record it: %s",
                       op->task, cache_error->message);
          finish_request (self);
          return;
        }
      if (JSON_NODE_HOLDS_OBJECT (reply) &&
          (member = json_object_get_member (json_node_get_object (reply), "version")) != NULL &&
          JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_INT64)
        version = json_node_get_int (member);
      if (!quorum_cache_record_sent (self->cache, op->id, op->revision, version, reply, &cache_error))
        g_warning ("task %" G_GINT64_FORMAT ": sent, but the local cache did not record it: %s",
                   op->task, cache_error->message);
      finish_request (self);
      return;
    }

  /* A server from before deltas knows no PATCH: the whole set then. */
  if (request->delta_of != NULL && g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND))
    {
      g_debug ("task %" G_GINT64_FORMAT ": %s; sending the whole set", op->task, error->message);
      send_save (self, request->op, NULL);
      request->op = NULL;
      return;
    }
  if (!quorum_cache_record_attempt (self->cache, op->id, error->message, &cache_error))
    g_warning ("%s", cache_error->message);
  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    {
      self->busy = FALSE;
      go_signed_out (self);
    }
  else if (is_transient (error))
    {
      g_debug ("task %" G_GINT64_FORMAT ": %s", op->task, error->message);
      self->busy = FALSE;
      go_offline (self);
    }
  else
    {
      go_online (self);
      hold_as_conflict (g_steal_pointer (&request), error);
    }
}

static void
send_op (QuorumSync    *self,
         QuorumCacheOp *op)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  Request *request;

  if (op->kind == QUORUM_CACHE_OP_SAVE)
    {
      g_autoptr(GPtrArray) instances = read_payload (op->payload);

      send_save (self, op, instances);
      return;
    }
  if (op->kind == QUORUM_CACHE_OP_GRADE)
    {
      send_grade (self, op);
      return;
    }
  if (op->kind != QUORUM_CACHE_OP_SUBMIT)
    {
      send_review (self, op);
      return;
    }
  json_object_set_int_member (body, "version", op->base_version);
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT "/submit", op->task);
  node = json_node_init_object (json_node_alloc (), body);

  request = request_new (self, op->task);
  request->op = op;
  quorum_client_call_async (self->client, "POST", path, node, request->cancellable, op_sent, request);
}

static void
task_refreshed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  QuorumSync *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) view = request_finish (request, result, &error);
  gint64 task_id = request->task_id;

  if (view != NULL)
    {
      g_autoptr(GError) cache_error = NULL;

      go_online (self);
      if (!quorum_cache_store_task (self->cache, view, &cache_error))
        g_warning ("task %" G_GINT64_FORMAT ": %s", task_id, cache_error->message);
      g_hash_table_remove (self->refresh, &task_id);
      finish_request (self);
    }
  else if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    {
      self->busy = FALSE;
      go_signed_out (self);
    }
  else if (is_transient (error))
    {
      self->busy = FALSE;
      go_offline (self);
    }
  else
    {
      /* The task is no longer the user's: the cached view is all there is. */
      g_debug ("task %" G_GINT64_FORMAT ": %s", task_id, error->message);
      go_online (self);
      g_hash_table_remove (self->refresh, &task_id);
      finish_request (self);
    }
}

static gboolean
run (gpointer user_data)
{
  QuorumSync *self = user_data;
  g_autoptr(GError) error = NULL;
  QuorumCacheOp *op;
  GHashTableIter iter;
  gint64 *task_id;

  self->run_id = 0;
  if (self->busy || self->signed_out)
    return G_SOURCE_REMOVE;

  g_hash_table_iter_init (&iter, self->refresh);
  if (g_hash_table_iter_next (&iter, (gpointer *) &task_id, NULL))
    {
      g_autofree char *path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT, *task_id);
      Request *request = request_new (self, *task_id);

      self->busy = TRUE;
      update_state (self);
      quorum_client_call_async (self->client, "GET", path, NULL, request->cancellable, task_refreshed, request);
      return G_SOURCE_REMOVE;
    }

  if ((op = quorum_cache_next_op (self->cache, &error)) == NULL)
    {
      if (error != NULL)
        g_warning ("%s", error->message);
      /* Nothing waits for the server, so whether it answers is moot. */
      else
        go_online (self);
      update_state (self);
      return G_SOURCE_REMOVE;
    }
  self->busy = TRUE;
  update_state (self);
  send_op (self, op);
  return G_SOURCE_REMOVE;
}

/* Sends the next operation soon, unless a request is on its way, the session
 * expired or a retry is planned (an edit while offline waits for it). */
static void
schedule_run (QuorumSync *self)
{
  if (self->run_id != 0 || self->busy || self->signed_out || self->retry_id != 0)
    return;
  self->run_id = g_idle_add (run, self);
}

static gboolean
delay_elapsed (gpointer user_data)
{
  QuorumSync *self = user_data;

  self->run_id = 0;
  schedule_run (self);
  return G_SOURCE_REMOVE;
}

/* An edit is durable in the cache already; sending it waits @send_delay
 * seconds so that a burst of edits goes out as one save. */
static void
outbox_changed (QuorumCache *cache,
                QuorumSync  *self)
{
  update_state (self);
  if (self->send_delay > 0 && self->run_id == 0 && !self->busy)
    self->run_id = g_timeout_add (self->send_delay * 1000, delay_elapsed, self);
  else
    schedule_run (self);
}

/* A network coming up (a cable, Wi-Fi back, a VPN) is the moment to try
 * again: waiting out even a short backoff would leave the work unsent for
 * no reason. A network going away changes nothing. */
static void
network_changed (GNetworkMonitor *monitor,
                 gboolean         available,
                 QuorumSync      *self)
{
  if (!available || self->retry_id == 0)
    return;
  g_debug ("the network changed: trying %s again now", quorum_client_get_server (self->client));
  quorum_sync_retry_now (self);
}

/* ---- the object ---------------------------------------------------------- */

static void
quorum_sync_constructed (GObject *object)
{
  QuorumSync *self = QUORUM_SYNC (object);

  G_OBJECT_CLASS (quorum_sync_parent_class)->constructed (object);

  self->changed_id = g_signal_connect (self->cache, "outbox-changed", G_CALLBACK (outbox_changed), self);
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_id = g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed), self);
  update_state (self);
  /* Work left from an earlier session goes out first. */
  schedule_run (self);
}

static void
quorum_sync_dispose (GObject *object)
{
  QuorumSync *self = QUORUM_SYNC (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->run_id, g_source_remove);
  if (self->cache != NULL)
    g_clear_signal_handler (&self->changed_id, self->cache);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->network_id, self->monitor);
  g_clear_object (&self->monitor);
  g_clear_object (&self->cache);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (quorum_sync_parent_class)->dispose (object);
}

static void
quorum_sync_finalize (GObject *object)
{
  QuorumSync *self = QUORUM_SYNC (object);

  g_hash_table_unref (self->refresh);
  G_OBJECT_CLASS (quorum_sync_parent_class)->finalize (object);
}

static void
quorum_sync_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  QuorumSync *self = QUORUM_SYNC (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_sync_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  QuorumSync *self = QUORUM_SYNC (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_sync_class_init (QuorumSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = quorum_sync_constructed;
  object_class->dispose = quorum_sync_dispose;
  object_class->finalize = quorum_sync_finalize;
  object_class->get_property = quorum_sync_get_property;
  object_class->set_property = quorum_sync_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, QUORUM_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, QUORUM_TYPE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, QUORUM_TYPE_SYNC_STATE, QUORUM_SYNC_SYNCED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QuorumSync::conflict:
   * @task_id: the task
   *
   * The server refused the task's work; the local version is kept as a
   * conflict copy and the task's outbox is held until
   * quorum_sync_resolve_conflict().
   */
  signals[CONFLICT] =
    g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * QuorumSync::signed-out:
   *
   * The session expired; nothing is sent until quorum_sync_set_token().
   */
  signals[SIGNED_OUT] =
    g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * QuorumSync::grade-refused:
   * @job_id: the exam
   * @attempt_id: the attempt
   * @pass: the decision that was not sent
   * @attempt: (nullable): the attempt as the server shows it now
   *   (GET /attempts/{id}: "user_name", "number", "decision"…)
   * @reason: the server's refusal
   *
   * The server refused a queued pass or fail for good (someone decided the
   * attempt otherwise first, or it is gone); the decision left the outbox
   * and is not sent again.
   */
  signals[GRADE_REFUSED] =
    g_signal_new ("grade-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_BOOLEAN, JSON_TYPE_NODE, G_TYPE_STRING);
  /**
   * QuorumSync::download-sized:
   * @job_id: the job being downloaded for offline
   * @bytes: what its media will fetch, in bytes (files already here are
   *   not counted)
   *
   * Emitted once every task view of a download is stored and before any
   * media is fetched.
   */
  signals[DOWNLOAD_SIZED] =
    g_signal_new ("download-sized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_UINT64);
}

static void
quorum_sync_init (QuorumSync *self)
{
  self->refresh = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->state = QUORUM_SYNC_SYNCED;
}

QuorumSync *
quorum_sync_new (QuorumClient *client,
                 QuorumCache  *cache)
{
  g_return_val_if_fail (QUORUM_IS_CLIENT (client), NULL);
  g_return_val_if_fail (QUORUM_IS_CACHE (cache), NULL);
  return g_object_new (QUORUM_TYPE_SYNC, "client", client, "cache", cache, NULL);
}

QuorumClient *
quorum_sync_get_client (QuorumSync *sync)
{
  g_return_val_if_fail (QUORUM_IS_SYNC (sync), NULL);
  return sync->client;
}

QuorumCache *
quorum_sync_get_cache (QuorumSync *sync)
{
  g_return_val_if_fail (QUORUM_IS_SYNC (sync), NULL);
  return sync->cache;
}

QuorumSyncState
quorum_sync_get_state (QuorumSync *sync)
{
  g_return_val_if_fail (QUORUM_IS_SYNC (sync), QUORUM_SYNC_SYNCED);
  return sync->state;
}

guint
quorum_sync_get_pending (QuorumSync *sync)
{
  g_return_val_if_fail (QUORUM_IS_SYNC (sync), 0);
  return sync->pending;
}

guint
quorum_sync_get_retry_delay (QuorumSync *sync)
{
  g_return_val_if_fail (QUORUM_IS_SYNC (sync), 0);
  return sync->retry_id != 0 ? sync->backoff : 0;
}

void
quorum_sync_retry_now (QuorumSync *sync)
{
  g_return_if_fail (QUORUM_IS_SYNC (sync));

  g_clear_handle_id (&sync->retry_id, g_source_remove);
  g_clear_handle_id (&sync->run_id, g_source_remove);
  schedule_run (sync);
}

void
quorum_sync_set_send_delay (QuorumSync *sync,
                            guint       seconds)
{
  g_return_if_fail (QUORUM_IS_SYNC (sync));

  sync->send_delay = seconds;
}

guint
quorum_sync_get_send_delay (QuorumSync *sync)
{
  g_return_val_if_fail (QUORUM_IS_SYNC (sync), 0);

  return sync->send_delay;
}

void
quorum_sync_set_token (QuorumSync *sync,
                       const char *token)
{
  g_return_if_fail (QUORUM_IS_SYNC (sync));

  quorum_client_set_token (sync->client, token);
  sync->signed_out = FALSE;
  g_clear_handle_id (&sync->retry_id, g_source_remove);
  update_state (sync);
  schedule_run (sync);
}

gboolean
quorum_sync_resolve_conflict (QuorumSync            *sync,
                              gint64                 task_id,
                              QuorumConflictChoice   choice,
                              GError               **error)
{
  g_return_val_if_fail (QUORUM_IS_SYNC (sync), FALSE);
  g_return_val_if_fail (choice == QUORUM_CONFLICT_KEEP_MINE || choice == QUORUM_CONFLICT_TAKE_SERVER ||
                        choice == QUORUM_CONFLICT_KEEP_COPY, FALSE);

  if (!quorum_cache_end_conflict (sync->cache, task_id, choice, error))
    return FALSE;
  /* The user works on from the server's version, as it is now (or learns
   * the task is not theirs: the refresh then leaves the cached view). */
  if (choice != QUORUM_CONFLICT_KEEP_MINE)
    g_hash_table_add (sync->refresh, g_memdup2 (&task_id, sizeof task_id));
  update_state (sync);
  schedule_run (sync);
  return TRUE;
}

/* ---- download for offline ------------------------------------------------ */

/* A file a download still has to fetch. */
typedef struct {
  gint64   file_id;
  gboolean video;
} Fetch;

typedef struct {
  gint64              job_id;
  QuorumSyncProgress  progress;
  gpointer            progress_data;
  GArray             *tasks;
  guint               index;
  GArray             *fetches;
  guint               fetch_index;
  guint64             bytes;
  guint               done;
  guint               total;
  char               *temp_path;
  gint64              file_id;
} Download;

static void
download_free (Download *download)
{
  g_clear_pointer (&download->tasks, g_array_unref);
  g_clear_pointer (&download->fetches, g_array_unref);
  g_free (download->temp_path);
  g_free (download);
}

static void download_next_task (GTask *task);
static void download_next_fetch (GTask *task);

static void
download_step (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  download->done++;
  if (download->progress != NULL)
    download->progress (download->done, download->total, download->progress_data);
}

/* Reports a failed call; a refused token also stops the outbox. */
static void
download_fail (GTask  *task,
               GError *error)
{
  QuorumSync *self = g_task_get_source_object (task);

  if (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
    go_signed_out (self);
  g_task_return_error (task, error);
}

static void
download_media_added (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!quorum_cache_add_media_finish (QUORUM_CACHE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  download_step (task);
  download_next_fetch (g_steal_pointer (&task));
}

static void
download_media_fetched (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error))
    {
      download_fail (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  quorum_cache_add_media_async (self->cache, download->file_id, download->temp_path,
                                cancellable, download_media_added, g_steal_pointer (&task));
}

static void
download_proxy_fetched (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;

  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error) ||
      !quorum_cache_add_video_media (self->cache, download->file_id, &error))
    {
      download_fail (task, error);
      return;
    }
  download_step (task);
  download_next_fetch (g_steal_pointer (&task));
}

/* The index comes first, so a proxy on disk means both are there, as
 * QuorumVideoTask checks. */
static void
download_index_fetched (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  g_autofree char *proxy_path = NULL;
  g_autofree char *path = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error))
    {
      download_fail (task, error);
      return;
    }
  quorum_cache_get_video_paths (self->cache, download->file_id, &proxy_path, NULL);
  path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/proxy", download->file_id);
  cancellable = g_task_get_cancellable (task);
  quorum_client_download_async (self->client, path, proxy_path, cancellable,
                                download_proxy_fetched, g_steal_pointer (&task));
}

/* A video task needs the prepared proxy and frame index, not the original. */
static void
download_video (GTask *task)
{
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  g_autofree char *index_path = NULL;
  g_autofree char *path = NULL;

  quorum_cache_get_video_paths (self->cache, download->file_id, NULL, &index_path);
  if (g_mkdir_with_parents (quorum_cache_get_media_dir (self->cache), 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "The media folder cannot be made: %s", g_strerror (saved));
      g_object_unref (task);
      return;
    }
  path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/frames", download->file_id);
  quorum_client_download_async (self->client, path, index_path, g_task_get_cancellable (task),
                                download_index_fetched, task);
}

/* Whether @file_id's media is here already: its content, or for a video
 * its proxy and index. */
static gboolean
download_has_media (QuorumSync *self,
                    gint64      file_id,
                    gboolean    video)
{
  g_autofree char *cached = NULL;

  if (!video)
    return (cached = quorum_cache_lookup_media (self->cache, file_id)) != NULL;
  return quorum_cache_lookup_video_media (self->cache, file_id);
}

/* The task's view is stored and its file planned: fetched after every view,
 * so the download's size is known before its media starts. */
static void
download_task_fetched (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) view = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonObject *file_info = NULL;
  JsonObject *video = NULL;
  Fetch fetch;

  if (view == NULL)
    {
      download_fail (task, error);
      return;
    }
  if (!quorum_cache_store_task (self->cache, view, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  download_step (task);
  fetch.file_id = json_object_get_int_member (json_node_get_object (view), "file");
  if (json_object_has_member (json_node_get_object (view), "file_info") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (view), "file_info")))
    file_info = json_object_get_object_member (json_node_get_object (view), "file_info");
  if (file_info != NULL && json_object_has_member (file_info, "video"))
    video = json_object_get_object_member (file_info, "video");
  fetch.video = video != NULL;
  if (download_has_media (self, fetch.file_id, fetch.video))
    download_step (task);
  else
    {
      g_array_append_val (download->fetches, fetch);
      if (video != NULL)
        download->bytes += json_object_get_int_member_with_default (video, "proxy_size", 0) +
                           json_object_get_int_member_with_default (video, "frames_size", 0);
      else if (file_info != NULL)
        download->bytes += json_object_get_int_member_with_default (file_info, "size", 0);
    }
  download_next_task (g_steal_pointer (&task));
}

static void
download_next_fetch (GTask *task)
{
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  Fetch *fetch;

  if (download->fetch_index >= download->fetches->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  fetch = &g_array_index (download->fetches, Fetch, download->fetch_index++);
  download->file_id = fetch->file_id;
  if (fetch->video)
    {
      download_video (task);
      return;
    }
  g_free (download->temp_path);
  download->temp_path = quorum_cache_get_media_temp_path (self->cache, download->file_id);
  path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/content", download->file_id);
  quorum_client_download_async (self->client, path, download->temp_path, g_task_get_cancellable (task),
                                download_media_fetched, task);
}

static void
download_next_task (GTask *task)
{
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  if (download->index >= download->tasks->len)
    {
      g_signal_emit (self, signals[DOWNLOAD_SIZED], 0, download->job_id, download->bytes);
      download_next_fetch (task);
      return;
    }
  path = g_strdup_printf ("/tasks/%" G_GINT64_FORMAT,
                          g_array_index (download->tasks, gint64, download->index++));
  quorum_client_call_async (self->client, "GET", path, NULL, g_task_get_cancellable (task),
                            download_task_fetched, task);
}

static void
download_start (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  download->total = download->tasks->len * 2;
  if (download->progress != NULL)
    download->progress (0, download->total, download->progress_data);
  download_next_task (task);
}

static void
download_took_next (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) view = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (view == NULL)
    {
      download_fail (task, error);
      return;
    }
  /* 204: the job has nothing for the caller. */
  if (JSON_NODE_HOLDS_OBJECT (view))
    {
      gint64 id = json_object_get_int_member_with_default (json_node_get_object (view), "id", 0);

      if (id > 0)
        g_array_append_val (download->tasks, id);
    }
  download_start (g_steal_pointer (&task));
}

static void
download_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumSync *self = g_task_get_source_object (task);
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) list = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonArray *array;

  if (list == NULL)
    {
      download_fail (task, error);
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (list))
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                               "the server's list of tasks is not a list");
      return;
    }
  if (!quorum_cache_store_my_tasks (self->cache, list, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *row;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      row = json_node_get_object (element);
      if (json_object_get_int_member_with_default (row, "job", 0) != download->job_id)
        continue;
      id = json_object_get_int_member_with_default (row, "id", 0);
      g_array_append_val (download->tasks, id);
    }
  if (download->tasks->len == 0)
    {
      /* Nothing in hand: take the job's next task, as the assignment
       * protocol gives it (never more than one). */
      g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", download->job_id);

      GCancellable *cancellable = g_task_get_cancellable (task);

      quorum_client_call_async (self->client, "POST", path, NULL, cancellable,
                                download_took_next, g_steal_pointer (&task));
      return;
    }
  download_start (g_steal_pointer (&task));
}

void
quorum_sync_download_job_async (QuorumSync          *sync,
                                gint64               job_id,
                                QuorumSyncProgress   progress,
                                gpointer             progress_data,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Download *download;
  GTask *task;

  g_return_if_fail (QUORUM_IS_SYNC (sync));

  task = g_task_new (sync, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_sync_download_job_async);
  download = g_new0 (Download, 1);
  download->job_id = job_id;
  download->progress = progress;
  download->progress_data = progress_data;
  download->tasks = g_array_new (FALSE, FALSE, sizeof (gint64));
  download->fetches = g_array_new (FALSE, FALSE, sizeof (Fetch));
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);
  quorum_client_call_async (sync->client, "GET", "/me/tasks", NULL, cancellable, download_listed, task);
}

gboolean
quorum_sync_download_job_finish (QuorumSync    *sync,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sync), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_sync_download_job_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
