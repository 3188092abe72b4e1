/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QUORUM_TYPE_SERVER (quorum_server_get_type ())
G_DECLARE_FINAL_TYPE (QuorumServer, quorum_server, QUORUM, SERVER, GObject)

QuorumServer *quorum_server_new         (const char    *data_dir,
                                         const char    *database,
                                         GError       **error);
/* Serves HTTPS with a PEM certificate and key; before quorum_server_listen(). */
gboolean      quorum_server_set_tls     (QuorumServer  *self,
                                         const char    *cert_file,
                                         const char    *key_file,
                                         GError       **error);
/* Listens on @address ("127.0.0.1:8080"; port 0 picks a free one). */
gboolean      quorum_server_listen      (QuorumServer  *self,
                                         const char    *address,
                                         GError       **error);
guint         quorum_server_get_port    (QuorumServer  *self);
void          quorum_server_set_token_lifetime (QuorumServer *self,
                                                gint64        seconds);
/* Draw tasks assigned but untouched this long go back to available. */
void          quorum_server_set_idle_release (QuorumServer *self,
                                              gint64        seconds);
void          quorum_server_set_max_upload (QuorumServer *self,
                                            gint64        bytes);
/* Uploaded images over this many pixels are refused from their header. */
void          quorum_server_set_max_image_pixels (QuorumServer *self,
                                                  gint64        pixels);
#define QUORUM_SERVER_DEFAULT_LOGIN_ATTEMPTS   5
#define QUORUM_SERVER_DEFAULT_ADDRESS_ATTEMPTS 20
#define QUORUM_SERVER_DEFAULT_LOGIN_DELAY      1
#define QUORUM_SERVER_DEFAULT_LOGIN_MAX_DELAY  300
#define QUORUM_SERVER_DEFAULT_PASSWORD_THREADS 2
#define QUORUM_SERVER_DEFAULT_PASSWORD_QUEUE   32

/* Failed sign-ins: after @name_attempts in a row for one user name (known
 * or not), or @address_attempts from one client address, each further
 * failure makes it wait @delay seconds, doubled at each failure up to
 * @max_delay; 0 attempts: no limit. */
void          quorum_server_set_login_throttle (QuorumServer *self,
                                                guint         name_attempts,
                                                guint         address_attempts,
                                                gint64        delay,
                                                gint64        max_delay);
/* Passwords are hashed and checked by @threads threads; past @max_queued
 * waiting, sign-ins are answered 503 at once. */
void          quorum_server_set_password_pool (QuorumServer *self,
                                               guint         threads,
                                               guint         max_queued);
/* Expired tokens are removed at start and every @seconds. */
void          quorum_server_set_token_purge_interval (QuorumServer *self,
                                                      gint64        seconds);

/* What one client may hold of the server (docs/server.md, “Limits”). */
typedef struct {
  gint64 max_connections;              /* open connections in all */
  gint64 max_connections_per_address;  /* open connections from one remote address */
  gint64 header_timeout;               /* seconds from a request's first byte to its last header */
  gint64 body_timeout;                 /* seconds a request body may send nothing */
  gint64 keepalive_timeout;            /* seconds a connection may wait between requests */
  gint64 max_json_body;                /* bytes of a signed-in caller's JSON body */
  gint64 max_anonymous_body;           /* bytes of any body without a valid token */
  gint64 max_instances_body;           /* bytes of a signed-in caller's save of a task's instances */
  gint64 max_instances_in_flight;      /* bytes of all instance saves' bodies held at once */
} QuorumServerLimits;

void          quorum_server_get_limits (QuorumServer             *self,
                                        QuorumServerLimits       *limits);
/* Before quorum_server_listen(). */
void          quorum_server_set_limits (QuorumServer             *self,
                                        const QuorumServerLimits *limits);
/* Every route as lines of “METHOD PATTERN anonymous|token”, for tests that
 * must cover each one. */
char         *quorum_server_describe_routes (void);
/* The first-run bootstrap: a server administrator. */
gboolean      quorum_server_create_admin (QuorumServer  *self,
                                          const char    *name,
                                          const char    *password,
                                          GError       **error);

G_END_DECLS
