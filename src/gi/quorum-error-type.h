/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "quorum-error.h"

G_BEGIN_DECLS

/* QuorumError (src/core/quorum-error.h) as a GEnum, so that bindings name
 * the codes: Quorum.Error.CONFLICT in Python. */
#define QUORUM_TYPE_ERROR (quorum_error_get_type ())

GType quorum_error_get_type (void) G_GNUC_CONST;

G_END_DECLS
