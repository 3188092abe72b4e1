/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * QuorumLoginThrottle:
 *
 * Failed sign-ins counted by a key (a user name, a client address). After
 * @attempts failures in a row, each further failure makes the key wait:
 * @delay, then twice as long at each failure, up to @max_delay. While it
 * waits, its sign-ins are refused without checking the password. Failures
 * are forgotten after @max_delay without one. Once a key has used up its
 * attempts, one check at a time is let through for it, so that a burst of
 * parallel guesses cannot pass before the first failure counts.
 *
 * Times are g_get_monotonic_time() microseconds.
 */
typedef struct _QuorumLoginThrottle QuorumLoginThrottle;

typedef enum {
  QUORUM_LOGIN_FAILED,     /* a wrong password: counts */
  QUORUM_LOGIN_SUCCEEDED,  /* the right one: the key starts afresh */
  QUORUM_LOGIN_NEUTRAL,    /* no check was made, or the key is not to be forgiven */
} QuorumLoginOutcome;

/* @attempts 0: never throttles. */
QuorumLoginThrottle *quorum_login_throttle_new   (guint                attempts,
                                                  gint64               delay_seconds,
                                                  gint64               max_delay_seconds);
void                 quorum_login_throttle_free  (QuorumLoginThrottle *throttle);
void                 quorum_login_throttle_set_limits (QuorumLoginThrottle *throttle,
                                                       guint                attempts,
                                                       gint64               delay_seconds,
                                                       gint64               max_delay_seconds);
/* Whether a password check for @key may start now; if so, it is counted
 * under way until quorum_login_throttle_settle(). If not, *@retry_after
 * is the seconds to wait (1 or more). */
gboolean             quorum_login_throttle_admit  (QuorumLoginThrottle *throttle,
                                                   const char          *key,
                                                   gint64               now,
                                                   gint64              *retry_after);
/* The end of a check that quorum_login_throttle_admit() let through. */
void                 quorum_login_throttle_settle (QuorumLoginThrottle *throttle,
                                                   const char          *key,
                                                   gint64               now,
                                                   QuorumLoginOutcome   outcome);
/* The limits, as set (seconds). */
void                 quorum_login_throttle_get_limits (QuorumLoginThrottle *throttle,
                                                       guint               *attempts,
                                                       gint64              *delay_seconds,
                                                       gint64              *max_delay_seconds);
/* How many keys are remembered (for tests and logs). */
guint                quorum_login_throttle_size   (QuorumLoginThrottle *throttle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumLoginThrottle, quorum_login_throttle_free)

G_END_DECLS
