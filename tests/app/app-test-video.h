/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "app-test-server.h"

G_BEGIN_DECLS

/* What the video tests share (test-video, test-video-tracks). */

/* Presses @keys (xdotool's names, space-separated) on @window through the X
 * server, as a user's keyboard does. */
void     app_test_press_keys       (GtkWindow     *window,
                                    const char    *keys);
/* Waits (at most 120 s) until the server has prepared @file_id's proxy;
 * a failed preparation ends the test. */
void     app_test_wait_video_ready (QuorumClient  *admin,
                                    gint64         file_id);
/* Signs the server's window in as @user and waits for the work page. */
void     app_test_sign_in_window   (AppTestServer *server,
                                    const char    *user,
                                    const char    *password);
/* app_test_sign_in_window as root. */
void     app_test_sign_in_root     (AppTestServer *server,
                                    const char    *password);

G_END_DECLS
