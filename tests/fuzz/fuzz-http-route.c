/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The part of an HTTP request the server reads before any handler: the
 * request head as libsoup parses it, the path as SoupServer decodes it
 * (libsoup 3 soup-server.c, got_headers), the route table
 * (src/server/quorum-routes.c), the early handler's checks for uploads
 * and COCO imports, the query strings the handlers decode with
 * soup_form_decode(), and the bearer token.
 *
 * The route matcher is also checked against a plain reference here: the
 * route found is the first of the table whose pattern matches segment by
 * segment, "{id}" being a whole number from 1 to G_MAXINT64, and whose
 * method is the request's. */

#include "config.h"

#include <libsoup/soup.h>
#include <sodium.h>

#include "quorum-password.h"
#include "quorum-routes.h"

#include "fuzz-common.h"

/* What libsoup parses a request URI with (SOUP_HTTP_URI_FLAGS). */
#define HTTP_URI_FLAGS (G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH | \
                        G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_ENCODED_FRAGMENT | \
                        G_URI_FLAGS_SCHEME_NORMALIZE)

static gboolean
reference_matches (const char *pattern,
                   const char *path,
                   gint64     *ids)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  guint n_ids = 0;

  if (g_strv_length (parts) != g_strv_length (segments))
    return FALSE;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "{id}"))
        {
          const char *s = segments[i];
          guint64 value = 0;

          if (*s == '\0')
            return FALSE;
          for (; *s != '\0'; s++)
            {
              if (*s < '0' || *s > '9')
                return FALSE;
              if (value > ((guint64) G_MAXINT64 - (guint64) (*s - '0')) / 10)
                return FALSE;
              value = value * 10 + (guint64) (*s - '0');
            }
          if (value == 0)
            return FALSE;
          FUZZ_CHECK (n_ids < QUORUM_MAX_PATH_IDS, "a pattern with too many ids: %s", pattern);
          ids[n_ids++] = (gint64) value;
        }
      else if (!g_str_equal (parts[i], segments[i]))
        return FALSE;
    }
  return TRUE;
}

static void
check_route (const char *method,
             const char *path)
{
  gint64 ids[QUORUM_MAX_PATH_IDS] = { 0 };
  gboolean path_known = TRUE;
  const QuorumRoute *route = _quorum_route_find (method, path, ids, &path_known);
  const QuorumRoute *routes;
  const QuorumRoute *expected = NULL;
  gint64 expected_ids[QUORUM_MAX_PATH_IDS] = { 0 };
  gboolean expected_known = FALSE;
  guint n_routes;

  routes = _quorum_routes (&n_routes);
  for (guint i = 0; i < n_routes && expected == NULL; i++)
    {
      gint64 found_ids[QUORUM_MAX_PATH_IDS] = { 0 };

      if (!reference_matches (routes[i].pattern, path, found_ids))
        continue;
      expected_known = TRUE;
      FUZZ_CHECK (_quorum_route_matches (routes[i].pattern, path),
                  "%s matches %s but _quorum_route_matches says no", path, routes[i].pattern);
      if (g_str_equal (routes[i].method, method))
        {
          expected = &routes[i];
          memcpy (expected_ids, found_ids, sizeof found_ids);
        }
    }

  FUZZ_CHECK (route == expected, "%s %s: found %s %s, expected %s %s", method, path,
              route != NULL ? route->method : "-", route != NULL ? route->pattern : "-",
              expected != NULL ? expected->method : "-", expected != NULL ? expected->pattern : "-");
  FUZZ_CHECK (path_known == expected_known, "%s %s: path_known %d, expected %d",
              method, path, path_known, expected_known);
  if (route != NULL)
    for (guint i = 0; i < QUORUM_MAX_PATH_IDS; i++)
      FUZZ_CHECK (ids[i] == expected_ids[i], "%s %s: id %u is %" G_GINT64_FORMAT ", expected %"
                  G_GINT64_FORMAT, method, path, i, ids[i], expected_ids[i]);

  /* The early handler's tests agree with the table. */
  if (g_str_equal (method, "POST"))
    {
      gboolean upload = _quorum_route_matches ("/api/v1/projects/{id}/files", path);
      gboolean import = _quorum_route_matches ("/api/v1/projects/{id}/import/coco", path);

      FUZZ_CHECK (upload == (route != NULL && g_str_equal (route->pattern, "/api/v1/projects/{id}/files")),
                  "POST %s: the upload test and the route table disagree", path);
      FUZZ_CHECK (import == (route != NULL && g_str_equal (route->pattern, "/api/v1/projects/{id}/import/coco")),
                  "POST %s: the import test and the route table disagree", path);
    }
}

/* The query parameters the handlers read. */
static void
check_query (const char *query)
{
  static const char *const names[] = { "format", "versions", "mode", "name" };
  g_autoptr(GHashTable) params = soup_form_decode (query);

  if (params == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = g_hash_table_lookup (params, names[i]);

      if (value != NULL)
        FUZZ_CHECK (strlen (value) <= strlen (query), "a value longer than its query");
    }
}

static void
check_authorization (SoupMessageHeaders *headers)
{
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *hash = NULL;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
      authorization[strlen ("Bearer ")] == '\0')
    return;
  hash = quorum_token_hash (authorization + strlen ("Bearer "));
  FUZZ_CHECK (strlen (hash) == 64, "a token hash of %zu characters", strlen (hash));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *method = NULL;
  g_autofree char *target = NULL;
  g_autofree char *url = NULL;
  g_autofree char *decoded = NULL;
  g_autoptr(GUri) uri = NULL;
  SoupHTTPVersion version;
  const char *query;

  if (size > G_MAXINT)
    return 0;
  if (sodium_init () < 0)
    abort ();
  if (soup_headers_parse_request ((const char *) data, (int) size, headers,
                                  &method, &target, &version) != SOUP_STATUS_OK)
    return 0;

  /* The request target: origin form, or the absolute form of a proxy request. */
  if (*target == '/')
    url = g_strconcat ("http://127.0.0.1:8080", target, NULL);
  else
    url = g_strdup (target);
  uri = g_uri_parse (url, HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return 0;

  decoded = g_uri_unescape_string (g_uri_get_path (uri), NULL);
  if (decoded == NULL || strstr (decoded, "/../") != NULL || g_str_has_suffix (decoded, "/.."))
    return 0;    /* SoupServer answers 400 itself */

  check_route (method, decoded);
  query = g_uri_get_query (uri);
  if (query != NULL)
    check_query (query);
  check_authorization (headers);
  return 0;
}
