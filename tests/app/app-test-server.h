/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include <adwaita.h>

#include "quorum-application.h"
#include "quorum-client.h"
#include "quorum-window.h"

G_BEGIN_DECLS

/*
 * A real quorum-server for the app tests: its own temporary folder (also the
 * app's XDG folders), a free loopback port and a signed-in administrator;
 * and the app's window that the tests drive against it.
 */
typedef struct {
  char              *home;
  GSubprocess       *process;
  char              *address;
  QuorumClient      *admin;    /* root */
  QuorumApplication *application;
  QuorumWindow      *window;
} AppTestServer;

void                 app_test_server_make_home (AppTestServer *server,
                                                const char    *template);
GSubprocessLauncher *app_test_server_launcher  (void);
void                 app_test_server_start     (AppTestServer *server,
                                                const char    *root_password);
void                 app_test_server_open_window (AppTestServer *server,
                                                  int            width,
                                                  int            height);
void                 app_test_server_stop      (AppTestServer *server);
QuorumClient        *app_test_server_sign_in   (AppTestServer *server,
                                                const char    *user,
                                                const char    *password);

/* Fills the server with `quorumctl demo --json` (as its administrator)
 * and returns what the demo printed: its accounts and jobs. */
JsonObject          *app_test_server_run_demo  (AppTestServer *server);
/* A demo account's password or id, a demo job's id by its name's start;
 * a name the demo lacks ends the test. */
const char          *app_test_demo_password    (JsonObject    *demo,
                                                const char    *user);
gint64               app_test_demo_user_id     (JsonObject    *demo,
                                                const char    *user);
gint64               app_test_demo_job_id      (JsonObject    *demo,
                                                const char    *prefix);
/* app_test_call with a printf-style path. */
JsonNode            *app_test_callf            (QuorumClient  *client,
                                                const char    *method,
                                                const char    *body,
                                                const char    *format,
                                                ...) G_GNUC_PRINTF (4, 5);

JsonNode            *app_test_call             (QuorumClient  *client,
                                                const char    *method,
                                                const char    *path,
                                                const char    *body);
gint64               app_test_call_id          (QuorumClient  *client,
                                                const char    *method,
                                                const char    *path,
                                                const char    *body);

gboolean             app_test_wait_until       (gboolean     (*condition) (gpointer),
                                                gpointer        data);
void                 app_test_iterate          (guint          milliseconds);
gpointer             app_test_child            (QuorumWindow  *window,
                                                const char    *name);
GtkWidget           *app_test_find_dialog      (const char    *heading);
/* With QUORUM_SCREENSHOT_DIR set, saves @window as GTK renders it there. */
void                 app_test_screenshot       (GtkWindow     *window,
                                                const char    *file_name);

G_END_DECLS
