/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

/*
 * The market (docs/api.md, Market): the open market jobs with their bids and
 * deadlines, what each organization follows, and the new jobs matching it
 * that the app polls for to notify the organization's members. Applications
 * and their decisions are in quorum-server-shares.c.
 */

#define MAX_KEYWORDS 20
/* Listings a poll of what is new looks at, at most: a reply of an
 * organization's first poll from 0 is not the whole market's size. */
#define NEW_JOBS_PAGE 50
#define MAX_KEYWORD_LENGTH 64

/* A store row of quorum_store_list_market_jobs as the API gives it. */
static JsonObject *
market_entry (JsonObject *row)
{
  JsonObject *entry = json_object_new ();
  JsonNode *market = json_object_get_member (row, "market");
  JsonObject *terms = market != NULL && JSON_NODE_HOLDS_OBJECT (market) ? json_node_get_object (market) : NULL;

  json_object_set_int_member (entry, "id", json_object_get_int_member (row, "id"));
  json_object_set_string_member (entry, "name", json_object_get_string_member (row, "name"));
  json_object_set_int_member (entry, "project", json_object_get_int_member (row, "project"));
  json_object_set_string_member (entry, "project_name", json_object_get_string_member (row, "project_name"));
  json_object_set_int_member (entry, "file_count", json_object_get_int_member (row, "file_count"));
  if (terms != NULL)
    {
      json_object_set_member (entry, "bid", json_node_copy (json_object_get_member (terms, "bid")));
      json_object_set_string_member (entry, "deadline", json_object_get_string_member (terms, "deadline"));
    }
  else
    {
      json_object_set_null_member (entry, "bid");
      json_object_set_null_member (entry, "deadline");
    }
  json_object_set_int_member (entry, "listed", json_object_get_int_member (row, "listed"));
  json_object_set_member (entry, "applications", json_node_copy (json_object_get_member (row, "applications")));
  return entry;
}

void
_quorum_server_list_market (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rows = quorum_store_list_market_jobs (request->server->store, request->caller_id, 0, &error);
  JsonArray *reply, *array;

  if (rows == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply = json_array_new ();
  array = json_node_get_array (rows);
  for (guint i = 0; i < json_array_get_length (array); i++)
    json_array_add_object_element (reply, market_entry (json_array_get_object_element (array, i)));
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_array (json_node_alloc (), reply));
}

void
_quorum_server_my_orgs (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;

  _quorum_request_reply_result (request, quorum_store_list_user_orgs (request->server->store, request->caller_id,
                                                                      &error), &error);
}

/* ---- following -------------------------------------------------------- */

/* The organization of the path, when the caller is a member of it (or a
 * server administrator); replies 404 or 403 and returns NULL otherwise. */
static JsonObject *
require_org_member (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) org = quorum_store_get_org (request->server->store, request->ids[0], &error);

  if (org == NULL)
    {
      _quorum_request_reply_error (request, error);
      return NULL;
    }
  if (!request->caller_admin && !quorum_store_is_org_member (request->server->store, request->ids[0],
                                                             request->caller_id))
    {
      g_autofree char *message = g_strdup_printf ("you are not a member of “%s”",
                                                  json_object_get_string_member (org, "name"));
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden", message);
      return NULL;
    }
  return g_steal_pointer (&org);
}

/* The organization's follow, {keywords, min_bid}, or NULL when it follows nothing. */
static JsonObject *
get_follow (QuorumRequest *request,
            gint64         org_id)
{
  g_autoptr(JsonObject) row = quorum_store_get_market_follow (request->server->store, org_id, NULL);

  if (row == NULL)
    return NULL;
  return json_object_ref (json_object_get_object_member (row, "follow"));
}

static void
reply_follow (QuorumRequest *request,
              JsonObject    *org,
              guint          status)
{
  gint64 org_id = json_object_get_int_member (org, "id");
  g_autoptr(JsonObject) row = quorum_store_get_market_follow (request->server->store, org_id, NULL);
  JsonObject *reply = json_object_new ();

  json_object_set_int_member (reply, "org", org_id);
  json_object_set_string_member (reply, "org_name", json_object_get_string_member (org, "name"));
  json_object_set_boolean_member (reply, "following", row != NULL);
  if (row != NULL)
    {
      JsonObject *follow = json_object_get_object_member (row, "follow");

      json_object_set_member (reply, "keywords", json_node_copy (json_object_get_member (follow, "keywords")));
      json_object_set_member (reply, "min_bid", json_node_copy (json_object_get_member (follow, "min_bid")));
      json_object_set_int_member (reply, "updated", json_object_get_int_member (row, "updated"));
    }
  else
    {
      json_object_set_array_member (reply, "keywords", json_array_new ());
      json_object_set_null_member (reply, "min_bid");
      json_object_set_null_member (reply, "updated");
    }
  _quorum_request_reply (request, status, json_node_init_object (json_node_alloc (), reply));
}

void
_quorum_server_get_market_follow (QuorumRequest *request)
{
  g_autoptr(JsonObject) org = require_org_member (request);

  if (org != NULL)
    reply_follow (request, org, SOUP_STATUS_OK);
}

/* The canonical follow of @body: {"keywords": [distinct, trimmed], "min_bid": bid | null}. */
static JsonObject *
read_follow (JsonObject  *body,
             GError     **error)
{
  g_autoptr(JsonObject) follow = json_object_new ();
  g_autoptr(JsonArray) keywords = json_array_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &node))
    if (!g_str_equal (name, "keywords") && !g_str_equal (name, "min_bid"))
      {
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                     "%s: unknown member; a follow has keywords and min_bid", name);
        return NULL;
      }
  node = json_object_get_member (body, "keywords");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "keywords: must be a list of words");
          return NULL;
        }
      array = json_node_get_array (node);
      if (json_array_get_length (array) > MAX_KEYWORDS)
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "keywords: at most %d keywords, not %u",
                       MAX_KEYWORDS, json_array_get_length (array));
          return NULL;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *word = NULL;
          g_autofree char *folded = NULL;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "keywords[%u]: must be a string", i);
              return NULL;
            }
          word = g_strstrip (g_strdup (json_node_get_string (element)));
          if (*word == '\0' || g_utf8_strlen (word, -1) > MAX_KEYWORD_LENGTH)
            {
              g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "keywords[%u]: must be 1 to %d characters",
                           i, MAX_KEYWORD_LENGTH);
              return NULL;
            }
          folded = g_utf8_casefold (word, -1);
          if (g_ptr_array_find_with_equal_func (seen, folded, g_str_equal, NULL))
            continue;
          g_ptr_array_add (seen, g_steal_pointer (&folded));
          json_array_add_string_element (keywords, word);
        }
    }
  json_object_set_array_member (follow, "keywords", g_steal_pointer (&keywords));
  node = json_object_get_member (body, "min_bid");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      QuorumBid bid;

      if (!quorum_wire_read_bid (node, "min_bid", &bid, error))
        return NULL;
      json_object_set_member (follow, "min_bid", quorum_wire_write_bid (&bid));
    }
  else
    json_object_set_null_member (follow, "min_bid");
  return g_steal_pointer (&follow);
}

void
_quorum_server_set_market_follow (QuorumRequest *request)
{
  g_autoptr(JsonObject) org = require_org_member (request);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) follow = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (org == NULL || (body = _quorum_request_body (request)) == NULL)
    return;
  if ((follow = read_follow (body, &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  node = json_node_init_object (json_node_alloc (), follow);
  text = json_to_string (node, FALSE);
  if (!quorum_store_set_market_follow (request->server->store, request->ids[0], text, request->caller_id, &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  reply_follow (request, org, SOUP_STATUS_OK);
}

void
_quorum_server_remove_market_follow (QuorumRequest *request)
{
  g_autoptr(JsonObject) org = require_org_member (request);
  g_autoptr(GError) error = NULL;

  if (org == NULL)
    return;
  if (!quorum_store_remove_market_follow (request->server->store, request->ids[0], &error))
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  quorum_http_reply_no_content (request->msg);
}

/* ---- what is new ------------------------------------------------------ */

static gboolean
contains_folded (const char *text,
                 const char *folded_word)
{
  g_autofree char *folded = g_utf8_casefold (text != NULL ? text : "", -1);

  return strstr (folded, folded_word) != NULL;
}

/* Whether a market @entry is what @follow asks for: one of its keywords in
 * the job's or the project's name (any job without keywords), and a bid at
 * least min_bid's in the same currency and unit (any bid without one). */
static gboolean
follow_matches (JsonObject *follow,
                JsonObject *entry)
{
  JsonArray *keywords = json_object_get_array_member (follow, "keywords");
  JsonNode *min_node = json_object_get_member (follow, "min_bid");
  gboolean keyword_found = json_array_get_length (keywords) == 0;

  for (guint i = 0; !keyword_found && i < json_array_get_length (keywords); i++)
    {
      g_autofree char *word = g_utf8_casefold (json_array_get_string_element (keywords, i), -1);

      keyword_found = contains_folded (json_object_get_string_member (entry, "name"), word) ||
                      contains_folded (json_object_get_string_member (entry, "project_name"), word);
    }
  if (!keyword_found)
    return FALSE;
  if (min_node != NULL && JSON_NODE_HOLDS_OBJECT (min_node))
    {
      JsonNode *bid_node = json_object_get_member (entry, "bid");
      QuorumBid min, bid;

      if (bid_node == NULL || !JSON_NODE_HOLDS_OBJECT (bid_node) ||
          !quorum_wire_read_bid (min_node, "", &min, NULL) || !quorum_wire_read_bid (bid_node, "", &bid, NULL))
        return FALSE;
      return g_str_equal (min.currency, bid.currency) && min.per == bid.per && bid.amount >= min.amount;
    }
  return TRUE;
}

void
_quorum_server_new_market_jobs (QuorumRequest *request)
{
  g_autoptr(JsonObject) org = require_org_member (request);
  g_autoptr(JsonObject) follow = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *query, *since_text;
  JsonArray *jobs, *array;
  JsonObject *reply;
  gint64 since = 0, cursor;
  gboolean more = FALSE;

  if (org == NULL)
    return;
  query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  params = query != NULL ? soup_form_decode (query) : NULL;
  since_text = params != NULL ? g_hash_table_lookup (params, "since") : NULL;
  if (since_text != NULL && !g_ascii_string_to_signed (since_text, 10, 0, G_MAXINT64, &since, NULL))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                               "since: must be a whole number, 0 or more (the cursor of the last poll)");
      return;
    }
  cursor = quorum_store_market_cursor (request->server->store);
  follow = get_follow (request, request->ids[0]);
  jobs = json_array_new ();
  if (follow != NULL)
    {
      if ((rows = quorum_store_list_new_market_jobs (request->server->store, request->caller_id, since,
                                                     NEW_JOBS_PAGE, &error)) == NULL)
        {
          json_array_unref (jobs);
          _quorum_request_reply_error (request, error);
          return;
        }
      array = json_node_get_array (rows);
      /* A full page: the next poll goes on after its last listing. */
      more = json_array_get_length (array) == NEW_JOBS_PAGE;
      if (more)
        cursor = json_object_get_int_member (json_array_get_object_element (array, NEW_JOBS_PAGE - 1), "listed");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *entry = market_entry (json_array_get_object_element (array, i));

          if (follow_matches (follow, entry))
            json_array_add_object_element (jobs, entry);
          else
            json_object_unref (entry);
        }
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "org", request->ids[0]);
  json_object_set_boolean_member (reply, "following", follow != NULL);
  json_object_set_int_member (reply, "cursor", cursor);
  json_object_set_boolean_member (reply, "more", more);
  json_object_set_array_member (reply, "jobs", jobs);
  _quorum_request_reply (request, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), reply));
}
