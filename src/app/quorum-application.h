/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUORUM_TYPE_APPLICATION (quorum_application_get_type ())
G_DECLARE_FINAL_TYPE (QuorumApplication, quorum_application, QUORUM, APPLICATION, AdwApplication)

QuorumApplication *quorum_application_new             (GApplicationFlags  flags);
void               quorum_application_set_launch_time (QuorumApplication *self,
                                                       gint64             monotonic_time);
gint64             quorum_application_get_launch_time (QuorumApplication *self);
void               quorum_application_time_step       (const char        *step);

G_END_DECLS
