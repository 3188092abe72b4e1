/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include "quorum-error.h"

G_DEFINE_QUARK (quorum-error-quark, quorum_error)
