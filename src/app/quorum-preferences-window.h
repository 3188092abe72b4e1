/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUORUM_TYPE_PREFERENCES_WINDOW (quorum_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (QuorumPreferencesWindow, quorum_preferences_window, QUORUM, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *quorum_preferences_window_new (GtkWindow *parent);

G_END_DECLS
