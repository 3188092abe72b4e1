/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GStrv quorum_guide_image_names (const char *markdown);

G_END_DECLS
