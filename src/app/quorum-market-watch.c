/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-market-watch.h"
#include "quorum-model.h"

#define DEFAULT_INTERVAL_MS (60 * 1000)

struct _QuorumMarketWatch
{
  GObject        parent_instance;

  QuorumSession *session;
  GApplication  *application;    /* weak */
  GCancellable  *cancellable;
  GHashTable    *cursors;        /* org id (gint64 *) → cursor (gint64 *) */
  GHashTable    *notified;       /* job ids (gint64 *) already told */
  guint          interval;
  guint          timeout_id;
  guint          busy;
  guint          n_polls;
};

G_DEFINE_FINAL_TYPE (QuorumMarketWatch, quorum_market_watch, G_TYPE_OBJECT)

enum {
  NEW_JOB,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64 *
id_new (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

/* "12.50 EUR per task", "300.00 EUR for the job". */
static char *
describe_bid (JsonObject *job)
{
  JsonNode *node = json_object_get_member (job, "bid");
  JsonObject *bid;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("No bid"));
  bid = json_node_get_object (node);
  if (g_strcmp0 (json_object_get_string_member (bid, "per"), "job") == 0)
    /* Translators: an amount and a currency, "300.00 EUR for the job" */
    return g_strdup_printf (_("%s %s for the job"), json_object_get_string_member (bid, "amount"),
                            json_object_get_string_member (bid, "currency"));
  /* Translators: an amount and a currency, "0.40 EUR per task" */
  return g_strdup_printf (_("%s %s per task"), json_object_get_string_member (bid, "amount"),
                          json_object_get_string_member (bid, "currency"));
}

static void
notify_job (QuorumMarketWatch *self,
            JsonObject        *job)
{
  gint64 id = json_object_get_int_member (job, "id");
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *bid = NULL;
  g_autofree char *body = NULL;
  g_autofree char *notification_id = NULL;

  if (g_hash_table_contains (self->notified, &id))
    return;
  g_hash_table_add (self->notified, id_new (id));
  bid = describe_bid (job);
  /* Translators: a job's name, its project and its bid */
  body = g_strdup_printf (_("“%s” of %s: %s."), json_object_get_string_member (job, "name"),
                          json_object_get_string_member (job, "project_name"), bid);
  notification = g_notification_new (_("New Job on the Market"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.market");
  notification_id = g_strdup_printf ("market-job-%" G_GINT64_FORMAT, id);
  if (self->application != NULL)
    g_application_send_notification (self->application, notification_id, notification);
  g_signal_emit (self, signals[NEW_JOB], 0, id, json_object_get_string_member (job, "name"));
}

static void
poll_done (QuorumMarketWatch *self)
{
  if (self->busy > 0)
    self->busy--;
}

typedef struct {
  QuorumMarketWatch *watch;
  gint64             org;
  gboolean           first;
} OrgPoll;

static void
got_new (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  OrgPoll *poll = user_data;
  g_autoptr(QuorumMarketWatch) self = poll->watch;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  gint64 org = poll->org;
  gboolean first = poll->first;
  gint64 cursor;
  JsonObject *object;
  JsonArray *jobs;

  g_free (poll);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  poll_done (self);
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    {
      if (error != NULL)
        g_debug ("The market could not be polled: %s", error->message);
      return;
    }
  self->n_polls++;
  object = json_node_get_object (reply);
  cursor = json_object_get_int_member (object, "cursor");
  g_hash_table_insert (self->cursors, id_new (org), id_new (cursor));
  jobs = json_object_get_array_member (object, "jobs");
  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);
      gint64 id = json_object_get_int_member (job, "id");

      /* What was on the market before the first poll is not news. */
      if (first)
        g_hash_table_add (self->notified, id_new (id));
      else
        notify_job (self, job);
    }
  /* The server looks at a page of listings per poll: the first poll goes
   * on at once to the end, all of it not news. */
  if (first && json_object_get_boolean_member_with_default (object, "more", FALSE))
    {
      g_autofree char *path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/market/new?since=%" G_GINT64_FORMAT,
                                               org, cursor);
      OrgPoll *next = g_new0 (OrgPoll, 1);

      next->watch = g_object_ref (self);
      next->org = org;
      next->first = TRUE;
      self->busy++;
      quorum_client_call_async (QUORUM_CLIENT (source), "GET", path, NULL, self->cancellable, got_new, next);
    }
}

static void
got_orgs (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumMarketWatch) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonArray *orgs;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL || !JSON_NODE_HOLDS_ARRAY (reply))
    {
      poll_done (self);
      return;
    }
  orgs = json_node_get_array (reply);
  for (guint i = 0; i < json_array_get_length (orgs); i++)
    {
      gint64 org = json_object_get_int_member (json_array_get_object_element (orgs, i), "id");
      gint64 *cursor = g_hash_table_lookup (self->cursors, &org);
      OrgPoll *poll = g_new0 (OrgPoll, 1);
      g_autofree char *path = NULL;

      if (cursor != NULL)
        path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/market/new?since=%" G_GINT64_FORMAT, org, *cursor);
      else
        path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/market/new", org);
      poll->watch = g_object_ref (self);
      poll->org = org;
      poll->first = cursor == NULL;
      self->busy++;
      quorum_client_call_async (QUORUM_CLIENT (source), "GET", path, NULL, self->cancellable, got_new, poll);
    }
  poll_done (self);
}

void
quorum_market_watch_poll_now (QuorumMarketWatch *self)
{
  g_return_if_fail (QUORUM_IS_MARKET_WATCH (self));

  self->busy++;
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", "/me/orgs", NULL, self->cancellable,
                            got_orgs, g_object_ref (self));
}

static gboolean
on_timeout (gpointer user_data)
{
  QuorumMarketWatch *self = user_data;

  /* One poll at a time: a slow server is not asked again meanwhile. */
  if (self->busy == 0)
    quorum_market_watch_poll_now (self);
  return G_SOURCE_CONTINUE;
}

void
quorum_market_watch_start (QuorumMarketWatch *self)
{
  g_return_if_fail (QUORUM_IS_MARKET_WATCH (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (self->interval, on_timeout, self);
  if (self->busy == 0)
    quorum_market_watch_poll_now (self);
}

void
quorum_market_watch_stop (QuorumMarketWatch *self)
{
  g_return_if_fail (QUORUM_IS_MARKET_WATCH (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = 0;
}

void
quorum_market_watch_set_interval (QuorumMarketWatch *self,
                                  guint              milliseconds)
{
  g_return_if_fail (QUORUM_IS_MARKET_WATCH (self));

  self->interval = MAX (milliseconds, 10);
  if (self->timeout_id != 0)
    {
      g_clear_handle_id (&self->timeout_id, g_source_remove);
      self->timeout_id = g_timeout_add (self->interval, on_timeout, self);
    }
}

gboolean
quorum_market_watch_get_busy (QuorumMarketWatch *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_WATCH (self), FALSE);

  return self->busy > 0;
}

guint
quorum_market_watch_get_n_polls (QuorumMarketWatch *self)
{
  g_return_val_if_fail (QUORUM_IS_MARKET_WATCH (self), 0);

  return self->n_polls;
}

static void
quorum_market_watch_dispose (GObject *object)
{
  QuorumMarketWatch *self = QUORUM_MARKET_WATCH (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->application);
  G_OBJECT_CLASS (quorum_market_watch_parent_class)->dispose (object);
}

static void
quorum_market_watch_finalize (GObject *object)
{
  QuorumMarketWatch *self = QUORUM_MARKET_WATCH (object);

  g_hash_table_unref (self->cursors);
  g_hash_table_unref (self->notified);
  G_OBJECT_CLASS (quorum_market_watch_parent_class)->finalize (object);
}

static void
quorum_market_watch_class_init (QuorumMarketWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = quorum_market_watch_dispose;
  object_class->finalize = quorum_market_watch_finalize;

  /**
   * QuorumMarketWatch::new-job:
   * @job: the job's id
   * @name: its name
   *
   * A job matching what one of the user's organizations follows came on
   * the market; its notification has been sent.
   */
  signals[NEW_JOB] = g_signal_new ("new-job", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
}

static void
quorum_market_watch_init (QuorumMarketWatch *self)
{
  self->cursors = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->notified = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->interval = DEFAULT_INTERVAL_MS;
}

QuorumMarketWatch *
quorum_market_watch_new (QuorumSession *session,
                         GApplication  *application)
{
  QuorumMarketWatch *self;

  g_return_val_if_fail (QUORUM_IS_SESSION (session), NULL);

  self = g_object_new (QUORUM_TYPE_MARKET_WATCH, NULL);
  self->session = g_object_ref (session);
  g_set_weak_pointer (&self->application, application);
  return self;
}
