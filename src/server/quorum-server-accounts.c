/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <string.h>

#include "quorum-error.h"
#include "quorum-password.h"
#include "quorum-server-private.h"

#define MAX_NAME_LENGTH 64

/* libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

/* User and organization names: what a person types, printable, no slashes. */
static gboolean
check_name (const char  *field,
            const char  *name,
            GError     **error)
{
  if (g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "%s: at most %d characters", field, MAX_NAME_LENGTH);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isprint (c) || c == '/' || (p == name && g_unichar_isspace (c)))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                       "%s: may hold letters, digits, spaces and punctuation other than “/”", field);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
quorum_server_create_admin (QuorumServer  *self,
                            const char    *name,
                            const char    *password,
                            GError       **error)
{
  g_autofree char *hash = NULL;

  if (!check_name ("name", name, error))
    return FALSE;
  hash = quorum_password_hash (password, error);
  return hash != NULL && quorum_store_create_user (self->store, name, hash, TRUE, error) > 0;
}

/* ---- the password pool, the throttles, the purge ---------------------- */

#define DEFAULT_TOKEN_PURGE_INTERVAL 3600

static void
purge_expired_tokens (QuorumServer *self)
{
  g_autoptr(GError) error = NULL;
  gint64 purged;

  /* Of the servers sharing a database, one purges. */
  if (!quorum_store_lead (self->store, "token-purge"))
    return;
  purged = quorum_store_purge_tokens (self->store, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (purged < 0)
    g_warning ("expired tokens were not purged: %s", error->message);
  else if (purged > 0)
    g_debug ("purged %" G_GINT64_FORMAT " expired token(s)", purged);
  /* And the shared failed sign-ins long past (PostgreSQL). */
  {
    guint attempts;
    gint64 delay, max_delay;

    quorum_login_throttle_get_limits (self->name_throttle, &attempts, &delay, &max_delay);
    quorum_store_purge_login_failures (self->store, max_delay);
  }
}

static gboolean
purge_expired_tokens_cb (gpointer user_data)
{
  purge_expired_tokens (user_data);
  return G_SOURCE_CONTINUE;
}

gboolean
_quorum_server_accounts_start (QuorumServer  *self,
                               GError       **error)
{
  g_autofree char *secret = quorum_token_new ();

  /* An unknown user's password is checked against this, at the same cost
   * as a real one: how long a wrong sign-in takes tells nobody whether the
   * name exists. */
  if ((self->dummy_hash = quorum_password_hash (secret, error)) == NULL)
    return FALSE;
  self->password_pool = quorum_password_pool_new (QUORUM_SERVER_DEFAULT_PASSWORD_THREADS,
                                                  QUORUM_SERVER_DEFAULT_PASSWORD_QUEUE);
  self->name_throttle = quorum_login_throttle_new (QUORUM_SERVER_DEFAULT_LOGIN_ATTEMPTS,
                                                   QUORUM_SERVER_DEFAULT_LOGIN_DELAY,
                                                   QUORUM_SERVER_DEFAULT_LOGIN_MAX_DELAY);
  self->address_throttle = quorum_login_throttle_new (QUORUM_SERVER_DEFAULT_ADDRESS_ATTEMPTS,
                                                      QUORUM_SERVER_DEFAULT_LOGIN_DELAY,
                                                      QUORUM_SERVER_DEFAULT_LOGIN_MAX_DELAY);
  purge_expired_tokens (self);
  quorum_server_set_token_purge_interval (self, DEFAULT_TOKEN_PURGE_INTERVAL);
  return TRUE;
}

void
_quorum_server_accounts_stop (QuorumServer *self)
{
  g_clear_handle_id (&self->token_purge, g_source_remove);
  g_clear_pointer (&self->password_pool, quorum_password_pool_free);
  g_clear_pointer (&self->name_throttle, quorum_login_throttle_free);
  g_clear_pointer (&self->address_throttle, quorum_login_throttle_free);
  g_clear_pointer (&self->dummy_hash, g_free);
}

void
quorum_server_set_login_throttle (QuorumServer *self,
                                  guint         name_attempts,
                                  guint         address_attempts,
                                  gint64        delay,
                                  gint64        max_delay)
{
  quorum_login_throttle_set_limits (self->name_throttle, name_attempts, delay, max_delay);
  quorum_login_throttle_set_limits (self->address_throttle, address_attempts, delay, max_delay);
}

void
quorum_server_set_password_pool (QuorumServer *self,
                                 guint         threads,
                                 guint         max_queued)
{
  quorum_password_pool_set_limits (self->password_pool, threads, max_queued);
}

void
quorum_server_set_token_purge_interval (QuorumServer *self,
                                        gint64        seconds)
{
  g_clear_handle_id (&self->token_purge, g_source_remove);
  self->token_purge_interval = CLAMP (seconds, 1, G_MAXUINT / 1000);
  self->token_purge = g_timeout_add_seconds ((guint) self->token_purge_interval, purge_expired_tokens_cb, self);
}

/* ---- password work off the main loop ----------------------------------- */

/* What a job of the password pool checks and makes. The thread fills in
 * the results; the main loop reads them once the task returns. */
typedef struct {
  char       *hash;          /* stored; @password is checked against it */
  char       *password;
  char       *new_password;  /* to hash, once @password checked out (if any) */
  char       *name;          /* the throttle keys; NULL when not throttled */
  char       *address;
  JsonObject *user;          /* the user signing in; NULL for an unknown name */
  gboolean    verified;
  char       *new_hash;
  GError     *error;
} PasswordWork;

static void
wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
password_work_free (PasswordWork *work)
{
  g_free (work->hash);
  wipe (work->password);
  wipe (work->new_password);
  g_free (work->name);
  g_free (work->address);
  g_clear_pointer (&work->user, json_object_unref);
  g_free (work->new_hash);
  g_clear_error (&work->error);
  g_free (work);
}

static void
password_work_in_thread (GTask        *task,
                         gpointer      source,
                         gpointer      data,
                         GCancellable *cancellable)
{
  PasswordWork *work = data;

  work->verified = work->password == NULL || quorum_password_verify (work->hash, work->password);
  if (work->verified && work->new_password != NULL)
    work->new_hash = quorum_password_hash (work->new_password, &work->error);
  g_task_return_boolean (task, TRUE);
}

static void
reply_retry_later (QuorumRequest *request,
                   guint          status,
                   const char    *code,
                   gint64         seconds,
                   const char    *message)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Retry-After", value);
  quorum_http_reply_error (request->msg, status, code, message);
  if (status == STATUS_TOO_MANY_REQUESTS)
    soup_server_message_set_status (request->msg, status, "Too Many Requests");
}

static void
reply_throttled (QuorumRequest *request,
                 const char    *whom,
                 gint64         seconds)
{
  g_autofree char *message = g_strdup_printf ("too many failed sign-ins %s; try again in %" G_GINT64_FORMAT
                                              " second%s", whom, seconds, seconds == 1 ? "" : "s");

  reply_retry_later (request, STATUS_TOO_MANY_REQUESTS, "too_many_attempts", seconds, message);
}

/* The name throttle: this server's own (a check under way, its failures)
 * and, on a database several servers share, the failures of all of them
 * (quorum_store_login_wait), so that N servers do not give a name N times
 * the guesses. Returns FALSE, having replied, when @name must wait. */
static gboolean
admit_name (QuorumRequest *request,
            const char    *name,
            gint64         now)
{
  QuorumServer *server = request->server;
  g_autofree char *whom = g_strdup_printf ("as “%s”", name);
  gint64 wait = 0;

  if (!quorum_login_throttle_admit (server->name_throttle, name, now, &wait))
    {
      reply_throttled (request, whom, wait);
      return FALSE;
    }
  if ((wait = quorum_store_login_wait (server->store, name)) > 0)
    {
      quorum_login_throttle_settle (server->name_throttle, name, now, QUORUM_LOGIN_NEUTRAL);
      reply_throttled (request, whom, wait);
      return FALSE;
    }
  return TRUE;
}

/* The end of a password check admit_name() let through. */
static void
settle_name (QuorumServer       *server,
             const char         *name,
             gint64              now,
             QuorumLoginOutcome  outcome)
{
  guint attempts;
  gint64 delay, max_delay;

  quorum_login_throttle_settle (server->name_throttle, name, now, outcome);
  if (outcome == QUORUM_LOGIN_NEUTRAL)
    return;
  quorum_login_throttle_get_limits (server->name_throttle, &attempts, &delay, &max_delay);
  quorum_store_login_outcome (server->store, name, outcome == QUORUM_LOGIN_FAILED, attempts, delay, max_delay);
}

static void
reply_busy (QuorumRequest *request)
{
  reply_retry_later (request, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", 1,
                     "the server is busy checking other passwords; try again in a second");
}

/* Pauses @request and runs @work on the password pool, @done on the main
 * loop once it is done; or answers 503 at once when the pool's queue is
 * full, and returns FALSE with @work freed. */
static gboolean
run_password_work (QuorumRequest       *request,
                   PasswordWork        *work,
                   GAsyncReadyCallback  done,
                   gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;

  if (quorum_password_pool_is_full (request->server->password_pool))
    {
      password_work_free (work);
      reply_busy (request);
      return FALSE;
    }
  _quorum_request_pause (request);
  task = g_task_new (NULL, NULL, done, request);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, work, (GDestroyNotify) password_work_free);
  quorum_password_pool_push (request->server->password_pool, task, password_work_in_thread);
  return TRUE;
}

static const char *
client_address (QuorumRequest *request)
{
  const char *address = soup_server_message_get_remote_host (request->msg);

  return address != NULL ? address : "an unknown address";
}

/* ---- sign-in ------------------------------------------------------------ */

static void
reply_wrong_login (QuorumRequest *request)
{
  /* One message for an unknown user and a wrong password alike. */
  quorum_http_reply_error (request->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                           "wrong user name or password");
}

static void
login_checked (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  QuorumRequest *request = user_data;
  QuorumServer *server = request->server;
  PasswordWork *work = g_task_get_task_data (G_TASK (result));
  gboolean verified = work->user != NULL && work->verified;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  settle_name (server, work->name, now, verified ? QUORUM_LOGIN_SUCCEEDED : QUORUM_LOGIN_FAILED);
  /* An address is not forgiven by one good sign-in: one account of their
   * own would let an attacker try every other name from it. */
  quorum_login_throttle_settle (server->address_throttle, work->address, now,
                                verified ? QUORUM_LOGIN_NEUTRAL : QUORUM_LOGIN_FAILED);
  if (!verified)
    reply_wrong_login (request);
  else if (json_object_get_boolean_member_with_default (work->user, "disabled", FALSE))
    quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                             "this account is disabled; ask a server administrator");
  else
    {
      g_autofree char *token = quorum_token_new ();
      g_autofree char *token_hash = quorum_token_hash (token);
      gint64 expires = g_get_real_time () / G_USEC_PER_SEC + server->token_lifetime;
      gint64 user_id = json_object_get_int_member (work->user, "id");

      if (!quorum_store_add_token (server->store, token_hash, user_id, expires, &error))
        _quorum_request_reply_error (request, error);
      else
        {
          JsonObject *body = json_object_new ();

          json_object_set_string_member (body, "token", token);
          json_object_set_int_member (body, "expires", expires);
          json_object_set_object_member (body, "user", json_object_ref (work->user));
          _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (body));
        }
    }
  _quorum_request_finish (request);
}

void
_quorum_server_login (QuorumRequest *request)
{
  QuorumServer *server = request->server;
  g_autoptr(JsonObject) body = _quorum_request_body (request);
  g_autoptr(GError) error = NULL;
  const char *name, *password, *address = client_address (request);
  gint64 now = g_get_monotonic_time ();
  gint64 wait = 0;
  PasswordWork *work;

  if (body == NULL)
    return;
  if ((name = quorum_http_member_string (body, "user", TRUE, &error)) == NULL ||
      (password = quorum_http_member_string (body, "password", TRUE, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* No account has a longer name; the throttle, which remembers the names
   * that failed, is not made to hold kilobytes for each. */
  if (strlen (name) > 4 * MAX_NAME_LENGTH || g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    {
      reply_wrong_login (request);
      return;
    }
  /* A full queue is told so before anything else is done: under a flood
   * most sign-ins end here, and each must cost the main loop little. */
  if (quorum_password_pool_is_full (server->password_pool))
    {
      reply_busy (request);
      return;
    }
  /* Refused before any password is checked: a throttled guess costs the
   * server nothing. Unknown names are counted as known ones are. */
  if (!admit_name (request, name, now))
    return;
  if (!quorum_login_throttle_admit (server->address_throttle, address, now, &wait))
    {
      g_autofree char *whom = g_strdup_printf ("from %s", address);
      quorum_login_throttle_settle (server->name_throttle, name, now, QUORUM_LOGIN_NEUTRAL);
      reply_throttled (request, whom, wait);
      return;
    }
  work = g_new0 (PasswordWork, 1);
  work->name = g_strdup (name);
  work->address = g_strdup (address);
  work->password = g_strdup (password);
  work->user = quorum_store_find_user (server->store, name, &work->hash, &error);
  if (work->user == NULL && !g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND))
    {
      quorum_login_throttle_settle (server->name_throttle, name, now, QUORUM_LOGIN_NEUTRAL);
      quorum_login_throttle_settle (server->address_throttle, address, now, QUORUM_LOGIN_NEUTRAL);
      password_work_free (work);
      _quorum_request_reply_error (request, error);
      return;
    }
  if (work->user == NULL)
    work->hash = g_strdup (server->dummy_hash);
  if (!run_password_work (request, work, login_checked, _quorum_server_login))
    {
      quorum_login_throttle_settle (server->name_throttle, name, now, QUORUM_LOGIN_NEUTRAL);
      quorum_login_throttle_settle (server->address_throttle, address, now, QUORUM_LOGIN_NEUTRAL);
    }
}

/* ---- passwords, disabled users, tokens ---------------------------------- */

static void
reply_revoked (QuorumRequest *request,
               gint64         revoked)
{
  JsonObject *body = json_object_new ();

  json_object_set_int_member (body, "revoked", revoked);
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (body));
}

static void
own_password_checked (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  QuorumRequest *request = user_data;
  QuorumServer *server = request->server;
  PasswordWork *work = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gint64 revoked = 0;

  settle_name (server, work->name, g_get_monotonic_time (),
               work->verified ? QUORUM_LOGIN_SUCCEEDED : QUORUM_LOGIN_FAILED);
  if (!work->verified)
    quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                             "current_password: that is not your current password");
  else if (work->new_hash == NULL)
    _quorum_request_reply_error (request, work->error);
  /* The caller's other sign-ins end: whoever else knew the old password
   * is out. The caller's own token goes on. */
  else if (!quorum_store_set_password (server->store, request->caller_id, work->new_hash,
                                       request->token_hash, &revoked, &error))
    _quorum_request_reply_error (request, error);
  else
    reply_revoked (request, revoked);
  _quorum_request_finish (request);
}

void
_quorum_server_change_password (QuorumRequest *request)
{
  QuorumServer *server = request->server;
  g_autoptr(JsonObject) body = _quorum_request_body (request);
  g_autoptr(GError) error = NULL;
  const char *current, *password;
  const char *name = json_object_get_string_member (request->caller, "name");
  gint64 now = g_get_monotonic_time ();
  PasswordWork *work;

  if (body == NULL)
    return;
  if ((current = quorum_http_member_string (body, "current_password", TRUE, &error)) == NULL ||
      (password = quorum_http_member_string (body, "password", TRUE, &error)) == NULL ||
      !quorum_password_check ("password", password, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* A stolen token must not be a way round the sign-in throttle. */
  if (!admit_name (request, name, now))
    return;
  work = g_new0 (PasswordWork, 1);
  work->name = g_strdup (name);
  work->password = g_strdup (current);
  work->new_password = g_strdup (password);
  if ((work->hash = quorum_store_user_password_hash (server->store, request->caller_id, &error)) == NULL)
    {
      quorum_login_throttle_settle (server->name_throttle, name, now, QUORUM_LOGIN_NEUTRAL);
      password_work_free (work);
      _quorum_request_reply_error (request, error);
      return;
    }
  if (!run_password_work (request, work, own_password_checked, _quorum_server_change_password))
    quorum_login_throttle_settle (server->name_throttle, name, now, QUORUM_LOGIN_NEUTRAL);
}

static void
password_hashed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  QuorumRequest *request = user_data;
  PasswordWork *work = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gint64 revoked = 0;

  if (work->new_hash == NULL)
    _quorum_request_reply_error (request, work->error);
  /* A reset is for a forgotten or leaked password: every sign-in made with
   * the old one ends (but the administrator's own, on their own account). */
  else if (!quorum_store_set_password (request->server->store, request->ids[0], work->new_hash,
                                       request->token_hash, &revoked, &error))
    _quorum_request_reply_error (request, error);
  else
    reply_revoked (request, revoked);
  _quorum_request_finish (request);
}

void
_quorum_server_set_password (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  const char *password;
  PasswordWork *work;

  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if ((password = quorum_http_member_string (body, "password", TRUE, &error)) == NULL ||
      !quorum_password_check ("password", password, &error) ||
      (user = quorum_store_get_user (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  work = g_new0 (PasswordWork, 1);
  work->new_password = g_strdup (password);
  run_password_work (request, work, password_hashed, _quorum_server_set_password);
}

static void
set_disabled (QuorumRequest *request,
              gboolean       disabled)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  gint64 released = 0, revoked = 0;

  if (!_quorum_request_require_admin (request))
    return;
  if (disabled && request->ids[0] == request->caller_id)
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                               "you cannot disable your own account; another administrator can");
      return;
    }
  if (!quorum_store_set_user_disabled (request->server->store, request->ids[0], disabled,
                                       &released, &revoked, &error) ||
      (user = quorum_store_get_user (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  if (disabled)
    {
      json_object_set_int_member (user, "released", released);
      json_object_set_int_member (user, "revoked", revoked);
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), user));
}

void
_quorum_server_disable_user (QuorumRequest *request)
{
  set_disabled (request, TRUE);
}

void
_quorum_server_enable_user (QuorumRequest *request)
{
  set_disabled (request, FALSE);
}

void
_quorum_server_revoke_tokens (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  gint64 revoked;

  /* Anyone may end all their own sign-ins; an administrator anyone's. */
  if (request->ids[0] != request->caller_id && !_quorum_request_require_admin (request))
    return;
  if ((user = quorum_store_get_user (request->server->store, request->ids[0], &error)) == NULL ||
      (revoked = quorum_store_revoke_tokens (request->server->store, request->ids[0], NULL, &error)) < 0)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply_revoked (request, revoked);
}

void
_quorum_server_logout (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!quorum_store_remove_token (request->server->store, request->token_hash, &error))
    _quorum_request_reply_error (request, error);
  else
    quorum_http_reply_no_content (request->msg);
}

void
_quorum_server_me (QuorumRequest *request)
{
  _quorum_request_reply (request, SOUP_STATUS_OK,
                         json_node_init_object (json_node_alloc (), request->caller));
}

void
_quorum_server_create_user (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(JsonObject) user = NULL;
  const char *name, *password;
  gboolean admin = FALSE;
  gint64 id;

  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if ((name = quorum_http_member_string (body, "name", TRUE, &error)) == NULL ||
      !check_name ("name", name, &error) ||
      (password = quorum_http_member_string (body, "password", TRUE, &error)) == NULL ||
      !quorum_http_member_boolean (body, "admin", &admin, &error) ||
      (hash = quorum_password_hash (password, &error)) == NULL ||
      (id = quorum_store_create_user (request->server->store, name, hash, admin, &error)) < 0 ||
      (user = quorum_store_get_user (request->server->store, id, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_CREATED,
                         json_node_init_object (json_node_alloc (), user));
}

void
_quorum_server_list_users (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_admin (request))
    return;
  _quorum_request_reply_result (request, quorum_store_list_users (request->server->store, &error), &error);
}

void
_quorum_server_user_credentials (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  JsonNode *credentials;

  /* Anyone may see their own; an administrator anyone's. */
  if (request->ids[0] != request->caller_id && !_quorum_request_require_admin (request))
    return;
  if ((user = quorum_store_get_user (request->server->store, request->ids[0], &error)) == NULL ||
      (credentials = quorum_store_user_credentials (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, credentials);
}

void
_quorum_server_create_org (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  gint64 id;
  JsonObject *reply;

  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if ((name = quorum_http_member_string (body, "name", TRUE, &error)) == NULL ||
      !check_name ("name", name, &error) ||
      (id = quorum_store_create_org (request->server->store, name, &error)) < 0)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "id", id);
  json_object_set_string_member (reply, "name", name);
  _quorum_request_reply (request, SOUP_STATUS_CREATED, quorum_http_object_node (reply));
}

void
_quorum_server_list_orgs (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!_quorum_request_require_admin (request))
    return;
  _quorum_request_reply_result (request, quorum_store_list_orgs (request->server->store, &error), &error);
}

void
_quorum_server_add_org_member (QuorumRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  gint64 user_id = 0;

  if (!_quorum_request_require_admin (request) || (body = _quorum_request_body (request)) == NULL)
    return;
  if (!quorum_http_member_integer (body, "user", TRUE, &user_id, &error) ||
      (user = quorum_store_get_user (request->server->store, user_id, &error)) == NULL ||
      !quorum_store_add_org_member (request->server->store, request->ids[0], user_id, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  quorum_http_reply_no_content (request->msg);
}
