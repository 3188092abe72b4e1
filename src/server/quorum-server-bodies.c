/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

/*
 * The bodies of instance saves in flight. One save of a task's instances
 * may be --max-instances-body (128 MiB) and the server holds it whole until
 * its reply is sent; a signed-in caller opening many connections could make
 * it hold that many times over. So the bytes of every such body the server
 * holds at once are counted against --max-instances-in-flight: a body
 * announced with its length claims it all from its headers, a chunked one
 * claims each chunk as it comes; over the budget the request is answered
 * 503 with Retry-After, without reading the rest, and its connection
 * closed. A claim ends when its message is freed, with the body.
 */

#include "quorum-server-private.h"

/* Seconds a refused caller is told to wait: about one big save's time. */
#define RETRY_AFTER_SECONDS 5

typedef struct {
  QuorumServer *server;
  gint64        bytes;
} Claim;

static void
claim_free (Claim *claim)
{
  claim->server->instances_in_flight -= claim->bytes;
  g_free (claim);
}

/* Claims @bytes more for @claim; FALSE (nothing claimed) over the budget. */
static gboolean
claim_more (Claim  *claim,
            gint64  bytes)
{
  QuorumServer *server = claim->server;

  if (bytes > server->limits.max_instances_in_flight - server->instances_in_flight)
    return FALSE;
  server->instances_in_flight += bytes;
  claim->bytes += bytes;
  return TRUE;
}

static void
reply_unavailable (QuorumServer      *server,
                   SoupServerMessage *msg)
{
  g_autofree char *message =
    g_strdup_printf ("the server is holding as many task saves as it takes at once (%" G_GINT64_FORMAT
                     " bytes of instances, --max-instances-in-flight); try again in a few seconds",
                     server->limits.max_instances_in_flight);
  g_autofree char *retry = g_strdup_printf ("%d", RETRY_AFTER_SECONDS);

  quorum_http_reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable", message);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", retry);
}

static void
chunk_claimed (SoupServerMessage *msg,
               GBytes            *chunk,
               gpointer           user_data)
{
  Claim *claim = user_data;

  /* Already answered (over the connection's own limit): nothing to add. */
  if (soup_server_message_get_status (msg) != SOUP_STATUS_NONE)
    return;
  if (!claim_more (claim, (gint64) g_bytes_get_size (chunk)))
    {
      reply_unavailable (claim->server, msg);
      _quorum_server_reply_and_close (claim->server, msg);
    }
}

gboolean
_quorum_server_claim_instances_body (QuorumServer      *server,
                                     SoupServerMessage *msg,
                                     gint64             announced)
{
  Claim *claim = g_new0 (Claim, 1);

  claim->server = server;
  if (announced >= 0 && !claim_more (claim, announced))
    {
      g_free (claim);
      reply_unavailable (server, msg);
      return FALSE;
    }
  g_object_set_data_full (G_OBJECT (msg), "quorum-instances-claim", claim, (GDestroyNotify) claim_free);
  if (announced < 0)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (chunk_claimed), claim);
  return TRUE;
}
