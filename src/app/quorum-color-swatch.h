/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define QUORUM_TYPE_COLOR_SWATCH (quorum_color_swatch_get_type ())

G_DECLARE_FINAL_TYPE (QuorumColorSwatch, quorum_color_swatch, QUORUM, COLOR_SWATCH, GtkWidget)

GtkWidget  *quorum_color_swatch_new       (const char        *color);
const char *quorum_color_swatch_get_color (QuorumColorSwatch *self);
void        quorum_color_swatch_set_color (QuorumColorSwatch *self,
                                           const char        *color);

G_END_DECLS
