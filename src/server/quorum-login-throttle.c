/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-login-throttle.h"

/* Pruning walks the table; it runs when the table has doubled since. */
#define MIN_PRUNE_SIZE 1024

typedef struct {
  guint  failures;
  guint  in_flight;
  gint64 blocked_until;
  gint64 last_failure;
} Entry;

struct _QuorumLoginThrottle
{
  GHashTable *entries;   /* key → Entry */
  guint       attempts;
  gint64      delay;     /* µs */
  gint64      max_delay; /* µs */
  guint       prune_at;
};

QuorumLoginThrottle *
quorum_login_throttle_new (guint  attempts,
                           gint64 delay_seconds,
                           gint64 max_delay_seconds)
{
  QuorumLoginThrottle *throttle = g_new0 (QuorumLoginThrottle, 1);

  throttle->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  throttle->prune_at = MIN_PRUNE_SIZE;
  quorum_login_throttle_set_limits (throttle, attempts, delay_seconds, max_delay_seconds);
  return throttle;
}

void
quorum_login_throttle_set_limits (QuorumLoginThrottle *throttle,
                                  guint                attempts,
                                  gint64               delay_seconds,
                                  gint64               max_delay_seconds)
{
  throttle->attempts = attempts;
  throttle->delay = MAX (delay_seconds, 1) * G_USEC_PER_SEC;
  throttle->max_delay = MAX (max_delay_seconds, delay_seconds) * G_USEC_PER_SEC;
  throttle->max_delay = MAX (throttle->max_delay, throttle->delay);
}

void
quorum_login_throttle_get_limits (QuorumLoginThrottle *throttle,
                                  guint               *attempts,
                                  gint64              *delay_seconds,
                                  gint64              *max_delay_seconds)
{
  *attempts = throttle->attempts;
  *delay_seconds = throttle->delay / G_USEC_PER_SEC;
  *max_delay_seconds = throttle->max_delay / G_USEC_PER_SEC;
}

void
quorum_login_throttle_free (QuorumLoginThrottle *throttle)
{
  if (throttle == NULL)
    return;
  g_hash_table_unref (throttle->entries);
  g_free (throttle);
}

guint
quorum_login_throttle_size (QuorumLoginThrottle *throttle)
{
  return g_hash_table_size (throttle->entries);
}

/* Failures long past are forgotten: the key starts afresh. */
static gboolean
forgotten (QuorumLoginThrottle *throttle,
           Entry               *entry,
           gint64               now)
{
  return entry->in_flight == 0 && now >= entry->blocked_until &&
         now - entry->last_failure >= throttle->max_delay;
}

/* The table holds only keys that failed lately or are being checked: an
 * attacker who tries many names fills it only as fast as the password
 * pool lets them fail, and what is forgotten goes here. */
static void
prune (QuorumLoginThrottle *throttle,
       gint64               now)
{
  GHashTableIter iter;
  gpointer entry;

  g_hash_table_iter_init (&iter, throttle->entries);
  while (g_hash_table_iter_next (&iter, NULL, &entry))
    if (forgotten (throttle, entry, now))
      g_hash_table_iter_remove (&iter);
  throttle->prune_at = MAX (MIN_PRUNE_SIZE, 2 * g_hash_table_size (throttle->entries));
}

static gint64
seconds_until (gint64 now,
               gint64 then)
{
  return MAX (1, (then - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

gboolean
quorum_login_throttle_admit (QuorumLoginThrottle *throttle,
                             const char          *key,
                             gint64               now,
                             gint64              *retry_after)
{
  Entry *entry;

  if (throttle->attempts == 0)
    return TRUE;
  if (g_hash_table_size (throttle->entries) >= throttle->prune_at)
    prune (throttle, now);
  entry = g_hash_table_lookup (throttle->entries, key);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (throttle->entries, g_strdup (key), entry);
    }
  else if (forgotten (throttle, entry, now))
    {
      entry->failures = 0;
      entry->blocked_until = 0;
    }
  if (now < entry->blocked_until)
    {
      *retry_after = seconds_until (now, entry->blocked_until);
      return FALSE;
    }
  if (entry->in_flight > 0 && entry->failures + entry->in_flight >= throttle->attempts)
    {
      /* A check for this key is under way; its outcome decides. */
      *retry_after = 1;
      return FALSE;
    }
  entry->in_flight++;
  return TRUE;
}

void
quorum_login_throttle_settle (QuorumLoginThrottle *throttle,
                              const char          *key,
                              gint64               now,
                              QuorumLoginOutcome   outcome)
{
  Entry *entry;

  if (throttle->attempts == 0 || (entry = g_hash_table_lookup (throttle->entries, key)) == NULL)
    return;
  g_return_if_fail (entry->in_flight > 0);
  entry->in_flight--;
  if (outcome == QUORUM_LOGIN_FAILED)
    {
      entry->failures++;
      entry->last_failure = now;
      if (entry->failures >= throttle->attempts)
        {
          guint doublings = MIN (entry->failures - throttle->attempts, 40);
          gint64 delay = throttle->delay;

          for (guint i = 0; i < doublings && delay < throttle->max_delay; i++)
            delay *= 2;
          entry->blocked_until = now + MIN (delay, throttle->max_delay);
        }
    }
  else if (outcome == QUORUM_LOGIN_SUCCEEDED)
    {
      entry->failures = 0;
      entry->blocked_until = 0;
    }
  if (entry->failures == 0 && entry->in_flight == 0)
    g_hash_table_remove (throttle->entries, key);
}
