/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-client"

#include <string.h>

#include "quorum-error.h"
#include "quorum-server-address.h"

char *
quorum_server_address_normalize (const char  *text,
                                 GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *path;

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                           "server address: must not be empty");
      return NULL;
    }
  with_scheme = strstr (trimmed, "://") != NULL ? g_strdup (trimmed)
                                                 : g_strconcat ("http://", trimmed, NULL);
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "server address: “%s” is not an address: %s", trimmed, local_error->message);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "server address: only http and https are supported, not “%s”", scheme);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "server address: “%s” names no host", trimmed);
      return NULL;
    }
  path = g_uri_get_path (uri);
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      (*path != '\0' && !g_str_equal (path, "/")))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "server address: give only the scheme, host and port, not a path");
      return NULL;
    }
  {
    g_autofree char *lower_scheme = g_ascii_strdown (scheme, -1);
    g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri), -1);
    gboolean ipv6 = strchr (host, ':') != NULL;
    int port = g_uri_get_port (uri);

    if (port > 0)
      return g_strdup_printf ("%s://%s%s%s:%d", lower_scheme, ipv6 ? "[" : "", host,
                              ipv6 ? "]" : "", port);
    return g_strdup_printf ("%s://%s%s%s", lower_scheme, ipv6 ? "[" : "", host, ipv6 ? "]" : "");
  }
}
