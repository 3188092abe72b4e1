/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-credentials-store.h"
#include "quorum-error.h"
#include "quorum-image-loader.h"
#include "quorum-server-address.h"
#include "quorum-session.h"

struct _QuorumSession
{
  GObject       parent_instance;

  char         *server;
  char         *user;
  QuorumClient *client;
  QuorumCache  *cache;
  QuorumSync   *sync;

  /* GET /version every PROBE_INTERVAL_MS while watched: whether the
   * server answers, even while nothing waits to be sent */
  QuorumClient *probe;
  GCancellable *probe_cancellable;
  guint         probe_id;
  gboolean      watching;
  gboolean      reachable;

  /* POST /jobs/{next_job}/next, asked while restoring (--open-next) */
  gint64        next_job;
  JsonNode     *next_task;
  GError       *next_error;
};

G_DEFINE_FINAL_TYPE (QuorumSession, quorum_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REACHABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A server that stopped is noticed within about this long (plus the
 * probe's own PROBE_TIMEOUT_S when it hangs rather than refuses). */
#define PROBE_INTERVAL_MS 1000
#define PROBE_TIMEOUT_S   3

static void
quorum_session_dispose (GObject *object)
{
  QuorumSession *self = QUORUM_SESSION (object);

  quorum_session_set_watching (self, FALSE);
  g_clear_object (&self->probe);

  g_clear_object (&self->sync);
  g_clear_object (&self->cache);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (quorum_session_parent_class)->dispose (object);
}

static void
quorum_session_finalize (GObject *object)
{
  QuorumSession *self = QUORUM_SESSION (object);

  g_free (self->server);
  g_free (self->user);
  g_clear_pointer (&self->next_task, json_node_unref);
  g_clear_error (&self->next_error);
  G_OBJECT_CLASS (quorum_session_parent_class)->finalize (object);
}

static void
quorum_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QuorumSession *self = QUORUM_SESSION (object);

  switch (prop_id)
    {
    case PROP_REACHABLE:
      g_value_set_boolean (value, self->reachable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_session_class_init (QuorumSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = quorum_session_dispose;
  object_class->finalize = quorum_session_finalize;
  object_class->get_property = quorum_session_get_property;

  properties[PROP_REACHABLE] =
    g_param_spec_boolean ("reachable", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_session_init (QuorumSession *self)
{
  self->reachable = TRUE;
}

/* ---- opening: the credentials and the cache, off the main thread ---------- */

typedef struct {
  char        *server;
  char        *user;
  char        *token;     /* to store (sign-in) or found (restore) */
  gboolean     store;     /* write the token to the credentials store */
  QuorumCache *cache;
} Opening;

static void
opening_free (Opening *opening)
{
  g_free (opening->server);
  g_free (opening->user);
  g_free (opening->token);
  g_clear_object (&opening->cache);
  g_free (opening);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Opening *opening = task_data;
  g_autoptr(GError) error = NULL;

  if (opening->store &&
      !quorum_credentials_store_save (opening->server, opening->user, opening->token, &error))
    {
      /* Not fatal: the session works, it just will not survive a restart. */
      g_warning ("The sign-in could not be remembered: %s", error->message);
      g_clear_error (&error);
    }
  opening->cache = quorum_cache_open (opening->server, opening->user, &error);
  if (opening->cache == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static QuorumSession *
session_new (QuorumClient *client,
             const char   *user,
             QuorumCache  *cache)
{
  QuorumSession *self = g_object_new (QUORUM_TYPE_SESSION, NULL);

  self->client = g_object_ref (client);
  self->server = g_strdup (quorum_client_get_server (client));
  self->user = g_strdup (user);
  self->cache = g_object_ref (cache);
  self->sync = quorum_sync_new (client, cache);
  return self;
}

static void
opened (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumClient *client = g_task_get_task_data (task);
  Opening *opening = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_prefix_error (&error, _("Your work cache could not be opened: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, session_new (client, opening->user, opening->cache), g_object_unref);
}

static void
open_session (GTask      *task,
              const char *user,
              gboolean    store)
{
  QuorumClient *client = g_task_get_task_data (task);
  Opening *opening = g_new0 (Opening, 1);
  g_autoptr(GTask) thread_task = g_task_new (NULL, g_task_get_cancellable (task), opened,
                                             g_object_ref (task));

  opening->server = g_strdup (quorum_client_get_server (client));
  opening->user = g_strdup (user);
  opening->token = g_strdup (quorum_client_get_token (client));
  opening->store = store;
  g_task_set_task_data (thread_task, opening, (GDestroyNotify) opening_free);
  g_task_run_in_thread (thread_task, open_in_thread);
}

/* ---- signing in ----------------------------------------------------------- */

static void
logged_in (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_login_finish (QUORUM_CLIENT (source), result, &error);
  const char *name = g_object_get_data (G_OBJECT (task), "user");
  JsonNode *user;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The server's spelling of the name, as the cache folder is named by it;
   * the name typed when the reply has none. */
  user = json_object_get_member (json_node_get_object (reply), "user");
  if (user != NULL && JSON_NODE_HOLDS_OBJECT (user))
    name = json_object_get_string_member_with_default (json_node_get_object (user), "name", name);
  if (name == NULL || *name == '\0')
    name = g_object_get_data (G_OBJECT (task), "user");
  open_session (task, name, TRUE);
}

void
quorum_session_sign_in_async (const char          *server,
                              const char          *user,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  QuorumClient *client;

  g_task_set_source_tag (task, quorum_session_sign_in_async);
  client = quorum_client_new (server, &error);
  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, client, g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "user", g_strdup (user), g_free);
  quorum_client_login_async (client, user, password, cancellable, logged_in, g_object_ref (task));
}

QuorumSession *
quorum_session_sign_in_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_session_sign_in_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- restoring ------------------------------------------------------------ */

/* The whole restore runs in one worker thread, so that it goes on while the
 * main thread starts GTK and draws the first frames: the stored token, the
 * token's check (GET /me), the cache and, for `quorum --open-next`, the
 * next task (POST /jobs/{id}/next) and its file. The client's session is only sent
 * requests from here (libsoup ≥ 3.2 allows it from any thread). */
typedef struct {
  QuorumClient *client;
  char         *user;
  gint64        next_job;
  QuorumCache  *cache;
  JsonNode     *next_task;
  GError       *next_error;
} Restore;

static void
restore_free (Restore *restore)
{
  g_clear_object (&restore->client);
  g_free (restore->user);
  g_clear_object (&restore->cache);
  g_clear_pointer (&restore->next_task, json_node_unref);
  g_clear_error (&restore->next_error);
  g_free (restore);
}

static void
media_added (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The next task's file into the media cache, if it is not there, and the
 * part of it the first frame shows decoded: beside GTK's start too; the
 * image loader finds both. Not fatal: the loader downloads and decodes it
 * again and says what went wrong. */
static void
fetch_media (Restore      *restore,
             GCancellable *cancellable)
{
  gint64 file = json_object_get_int_member_with_default (json_node_get_object (restore->next_task), "file", 0);
  g_autofree char *cached = NULL;
  g_autofree char *api_path = NULL;
  g_autofree char *temp = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(GError) error = NULL;

  if (file <= 0)
    return;
  if ((cached = quorum_cache_lookup_media (restore->cache, file)) != NULL)
    {
      quorum_image_loader_preload (cached, NULL);
      return;
    }
  api_path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/content", file);
  temp = quorum_cache_get_media_temp_path (restore->cache, file);
  if (!quorum_client_download_sync (restore->client, api_path, temp, cancellable, &error))
    {
      g_debug ("File %" G_GINT64_FORMAT " not fetched ahead: %s", file, error->message);
      return;
    }
  /* Decoded from the download while the cache fsyncs and renames it (the
   * mapping outlives the rename), kept under the path it moves to. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  quorum_cache_add_media_async (restore->cache, file, temp, cancellable, media_added, &added);
  cached = quorum_cache_get_media_path (restore->cache, file);
  quorum_image_loader_preload (temp, cached);
  while (added == NULL)
    g_main_context_iteration (context, TRUE);
  if (!quorum_cache_add_media_finish (restore->cache, added, &error))
    g_debug ("File %" G_GINT64_FORMAT " not kept ahead: %s", file, error->message);
  g_main_context_pop_thread_default (context);
}

static void
restore_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Restore *restore = task_data;
  const char *server = quorum_client_get_server (restore->client);
  g_autofree char *stored_user = NULL;
  g_autofree char *token = quorum_credentials_store_lookup (server, &stored_user);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = NULL;

  if (token == NULL || g_strcmp0 (stored_user, restore->user) != 0)
    {
      g_task_return_new_error (task, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED,
                               _("You are not signed in to %s as %s"), server, restore->user);
      return;
    }
  quorum_client_set_token (restore->client, token);
  me = quorum_client_call_sync (restore->client, "GET", "/me", NULL, cancellable, &error);
  if (me == NULL && !g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);
  restore->cache = quorum_cache_open (server, restore->user, &error);
  if (restore->cache == NULL)
    {
      g_prefix_error (&error, _("Your work cache could not be opened: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (restore->next_job > 0)
    {
      g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", restore->next_job);

      restore->next_task = quorum_client_call_sync (restore->client, "POST", path, NULL, cancellable,
                                                    &restore->next_error);
      if (restore->next_task != NULL && JSON_NODE_HOLDS_OBJECT (restore->next_task))
        fetch_media (restore, cancellable);
    }
  g_task_return_boolean (task, TRUE);
}

static void
restored (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *restore = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  QuorumSession *session;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  session = session_new (restore->client, restore->user, restore->cache);
  session->next_job = restore->next_job;
  session->next_task = g_steal_pointer (&restore->next_task);
  session->next_error = g_steal_pointer (&restore->next_error);
  g_task_return_pointer (task, session, g_object_unref);
}

/* The restore quorum_session_prepare_restore() started, until a
 * quorum_session_restore_async() with the same arguments takes it. */
static struct {
  GTask    *thread_task;  /* running, or done */
  gboolean  done;
  GTask    *taker;
  char     *server;
  char     *user;
  gint64    next_job;
} prepared;

static void
take_prepared (void)
{
  g_autoptr(GTask) thread_task = g_steal_pointer (&prepared.thread_task);

  g_clear_pointer (&prepared.server, g_free);
  g_clear_pointer (&prepared.user, g_free);
  restored (NULL, G_ASYNC_RESULT (thread_task), g_steal_pointer (&prepared.taker));
}

static void
prepared_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  prepared.done = TRUE;
  if (prepared.taker != NULL)
    take_prepared ();
}

/**
 * quorum_session_prepare_restore:
 *
 * Starts the work of quorum_session_restore_async() at once, for a program
 * that knows at its start whom it restores (`quorum --server --user`):
 * it runs beside GTK's start, and the first quorum_session_restore_async()
 * with the same arguments takes it over instead of starting again.
 */
void
quorum_session_prepare_restore (const char *server,
                                const char *user,
                                gint64      next_job)
{
  g_autofree char *address = quorum_server_address_normalize (server, NULL);
  Restore *restore;

  g_return_if_fail (user != NULL);
  if (address == NULL || prepared.thread_task != NULL)
    return;
  restore = g_new0 (Restore, 1);
  restore->client = quorum_client_new (address, NULL);
  restore->user = g_strdup (user);
  restore->next_job = next_job;
  prepared.server = g_steal_pointer (&address);
  prepared.user = g_strdup (user);
  prepared.next_job = next_job;
  prepared.done = FALSE;
  prepared.thread_task = g_task_new (NULL, NULL, prepared_done, NULL);
  g_task_set_task_data (prepared.thread_task, restore, (GDestroyNotify) restore_free);
  g_task_run_in_thread (prepared.thread_task, restore_in_thread);
}

void
quorum_session_restore_async (const char          *server,
                              const char          *user,
                              gint64               next_job,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GTask) thread_task = NULL;
  g_autoptr(GError) error = NULL;
  QuorumClient *client;
  Restore *restore;

  g_task_set_source_tag (task, quorum_session_restore_async);
  if (prepared.thread_task != NULL && prepared.taker == NULL && g_strcmp0 (prepared.user, user) == 0 &&
      prepared.next_job == next_job)
    {
      g_autofree char *address = quorum_server_address_normalize (server, NULL);

      if (g_strcmp0 (address, prepared.server) == 0)
        {
          prepared.taker = g_steal_pointer (&task);
          if (prepared.done)
            take_prepared ();
          return;
        }
    }
  client = quorum_client_new (server, &error);
  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  restore = g_new0 (Restore, 1);
  restore->client = client;
  restore->user = g_strdup (user);
  restore->next_job = next_job;
  thread_task = g_task_new (NULL, cancellable, restored, g_object_ref (task));
  g_task_set_task_data (thread_task, restore, (GDestroyNotify) restore_free);
  g_task_run_in_thread (thread_task, restore_in_thread);
}

QuorumSession *
quorum_session_restore_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_session_restore_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * quorum_session_take_next_task:
 * @task: (out) (transfer full): the server's answer (a task, or null when
 *   the job has no more work for the user)
 *
 * The answer to POST /jobs/{@job_id}/next asked while the session was
 * restored, once. Returns %FALSE when none was asked for @job_id (or it was
 * taken already): the caller asks itself. Otherwise %TRUE, with @task set
 * or @error set to why the server gave none.
 */
gboolean
quorum_session_take_next_task (QuorumSession  *self,
                               gint64          job_id,
                               JsonNode      **task,
                               GError        **error)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), FALSE);
  g_return_val_if_fail (task != NULL && *task == NULL, FALSE);
  if (job_id <= 0 || job_id != self->next_job)
    return FALSE;
  self->next_job = 0;
  if (self->next_task == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->next_error));
      return TRUE;
    }
  *task = g_steal_pointer (&self->next_task);
  return TRUE;
}

/* ---- next task ------------------------------------------------------------ */

static void
got_next_task (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

/**
 * quorum_session_next_task_async:
 * @kind: (nullable): "draw", "review" or "consensus" for a task of that
 *   kind only, or %NULL for whichever the server gives first
 *
 * POST /jobs/{@job_id}/next: the server gives the user their next task of
 * the job, by the rules of DESIGN §2.
 */
void
quorum_session_next_task_async (QuorumSession       *self,
                                gint64               job_id,
                                const char          *kind,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", job_id);
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_next_task_async);
  /* Without a kind no body, as the call always was. */
  if (kind != NULL)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "kind", kind);
      body = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
    }
  quorum_client_call_async (self->client, "POST", path, body, cancellable, got_next_task, task);
}

/* The task given (a JSON object), a null node when the job has no more
 * work of that kind for the user, or %NULL and @error. */
JsonNode *
quorum_session_next_task_finish (QuorumSession  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_session_next_task_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- signing in again ----------------------------------------------------- */

static void
store_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  QuorumSession *self = source_object;
  g_autoptr(GError) error = NULL;

  if (!quorum_credentials_store_save (self->server, self->user, task_data, &error))
    g_warning ("The sign-in could not be remembered: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
logged_in_again (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QuorumSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_login_finish (QUORUM_CLIENT (source), result, &error);
  g_autoptr(GTask) store = NULL;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  quorum_sync_set_token (self->sync, quorum_client_get_token (self->client));
  store = g_task_new (self, NULL, NULL, NULL);
  g_task_set_task_data (store, g_strdup (quorum_client_get_token (self->client)), g_free);
  g_task_run_in_thread (store, store_in_thread);
  g_task_return_boolean (task, TRUE);
}

void
quorum_session_reauthenticate_async (QuorumSession       *self,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_reauthenticate_async);
  quorum_client_login_async (self->client, self->user, password, cancellable, logged_in_again, task);
}

gboolean
quorum_session_reauthenticate_finish (QuorumSession  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- signing out ---------------------------------------------------------- */

static void
forget_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  QuorumSession *self = source_object;
  g_autoptr(GError) error = NULL;

  if (!quorum_credentials_store_forget (self->server, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
logged_out (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  /* The token is forgotten here whatever the server said: offline, it
   * simply expires there. */
  if (error != NULL)
    g_debug ("POST /logout: %s", error->message);
  g_task_run_in_thread (task, forget_in_thread);
}

void
quorum_session_sign_out_async (QuorumSession       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (QUORUM_IS_SESSION (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_session_sign_out_async);
  quorum_client_call_async (self->client, "POST", "/logout", NULL, cancellable, logged_out, task);
}

gboolean
quorum_session_sign_out_finish (QuorumSession  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- properties ----------------------------------------------------------- */

const char *
quorum_session_get_server (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  return self->server;
}

const char *
quorum_session_get_user (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  return self->user;
}

QuorumClient *
quorum_session_get_client (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  return self->client;
}

QuorumCache *
quorum_session_get_cache (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  return self->cache;
}

QuorumSync *
quorum_session_get_sync (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), NULL);
  return self->sync;
}

/**
 * quorum_session_describe_error:
 * @error: what a request of the session, or the cache under it, failed with
 *
 * The one place where the client's and GIO's errors become what a window
 * says: a sentence, never a URL or the system's errno text. The server's
 * own refusals (a rule, a state, a conflict) are sentences already and keep
 * their words.
 *
 * Returns: (transfer full): the sentence
 */
char *
quorum_session_describe_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == QUORUM_ERROR)
    switch ((QuorumError) error->code)
      {
      case QUORUM_ERROR_UNREACHABLE:
        return g_strdup (_("The server does not answer. Your work is kept on this computer."));
      case QUORUM_ERROR_UNAUTHORIZED:
        return g_strdup (_("Your session on the server has ended. Sign in again to go on."));
      case QUORUM_ERROR_NOT_FOUND:
        return g_strdup (_("The server no longer has this. It may have been removed."));
      case QUORUM_ERROR_TOO_LARGE:
        return g_strdup (_("This is larger than the server accepts."));
      case QUORUM_ERROR_FORBIDDEN:
      case QUORUM_ERROR_INVALID:
      case QUORUM_ERROR_CONFLICT:
      case QUORUM_ERROR_STATE:
      case QUORUM_ERROR_FAILED:
      default:
        return quorum_error_to_sentence (error->message);
      }
  if (error->domain == G_IO_ERROR)
    switch (error->code)
      {
      case G_IO_ERROR_NO_SPACE:
        return g_strdup (_("The disk of this computer is full. Free some space and try again."));
      case G_IO_ERROR_PERMISSION_DENIED:
      case G_IO_ERROR_READ_ONLY:
        return g_strdup (_("Quorum may not write its files on this computer. Check the permissions of your cache folder."));
      case G_IO_ERROR_TIMED_OUT:
      case G_IO_ERROR_CONNECTION_REFUSED:
      case G_IO_ERROR_HOST_NOT_FOUND:
      case G_IO_ERROR_HOST_UNREACHABLE:
      case G_IO_ERROR_NETWORK_UNREACHABLE:
      case G_IO_ERROR_BROKEN_PIPE:
      case G_IO_ERROR_NOT_CONNECTED:
        return g_strdup (_("The server does not answer. Your work is kept on this computer."));
      default:
        return g_strdup (_("A file of Quorum on this computer could not be read or written."));
      }
  if (error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR)
    return g_strdup (_("The server cannot be reached. Check the network and the server’s address."));
  return g_strdup (_("Something went wrong. Try again in a moment."));
}

/* ---- whether the server answers ---------------------------------------------- */

static void probe_later (QuorumSession *self);

static void
set_reachable (QuorumSession *self,
               gboolean       reachable)
{
  if (self->reachable == reachable)
    return;
  self->reachable = reachable;
  /* Either way the outbox should know now rather than at its next planned
   * try: gone, so that its work is counted as waiting; back, so that it
   * goes out at once. */
  quorum_sync_retry_now (self->sync);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REACHABLE]);
}

static void
probed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(QuorumSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Any answer, even a refusal, is a server that answers. */
  set_reachable (self, !g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE));
  probe_later (self);
}

static gboolean
probe (gpointer user_data)
{
  QuorumSession *self = user_data;

  self->probe_id = 0;
  if (self->probe == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* A client of its own: a short timeout, and no token to send. */
      self->probe = quorum_client_new (self->server, &error);
      if (self->probe == NULL)
        {
          g_warning ("The server cannot be watched: %s", error->message);
          return G_SOURCE_REMOVE;
        }
      quorum_client_set_timeout (self->probe, PROBE_TIMEOUT_S);
    }
  quorum_client_call_async (self->probe, "GET", "/version", NULL, self->probe_cancellable, probed,
                            g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
probe_later (QuorumSession *self)
{
  if (self->watching && self->probe_id == 0)
    self->probe_id = g_timeout_add (PROBE_INTERVAL_MS, probe, self);
}

/**
 * quorum_session_set_watching:
 *
 * While @watching, asks the server every second whether it answers
 * (#QuorumSession:reachable), so that a window can say it works offline
 * before an edit finds out, and can send what waits as soon as it is back.
 */
void
quorum_session_set_watching (QuorumSession *self,
                             gboolean       watching)
{
  g_return_if_fail (QUORUM_IS_SESSION (self));

  if (self->watching == watching)
    return;
  self->watching = watching;
  if (watching)
    {
      self->probe_cancellable = g_cancellable_new ();
      probe_later (self);
      return;
    }
  g_clear_handle_id (&self->probe_id, g_source_remove);
  g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);
}

gboolean
quorum_session_get_reachable (QuorumSession *self)
{
  g_return_val_if_fail (QUORUM_IS_SESSION (self), FALSE);
  return self->reachable;
}
