/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-gi"

#include "quorum-error-type.h"

/* By hand rather than by glib-mkenums: the enum lives in the core, which
 * has no GObject types, and the nicks are the server's error codes. */
GType
quorum_error_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { QUORUM_ERROR_INVALID, "QUORUM_ERROR_INVALID", "invalid" },
    { QUORUM_ERROR_UNAUTHORIZED, "QUORUM_ERROR_UNAUTHORIZED", "unauthorized" },
    { QUORUM_ERROR_FORBIDDEN, "QUORUM_ERROR_FORBIDDEN", "forbidden" },
    { QUORUM_ERROR_NOT_FOUND, "QUORUM_ERROR_NOT_FOUND", "not-found" },
    { QUORUM_ERROR_CONFLICT, "QUORUM_ERROR_CONFLICT", "conflict" },
    { QUORUM_ERROR_TOO_LARGE, "QUORUM_ERROR_TOO_LARGE", "too-large" },
    { QUORUM_ERROR_STATE, "QUORUM_ERROR_STATE", "state" },
    { QUORUM_ERROR_UNREACHABLE, "QUORUM_ERROR_UNREACHABLE", "unreachable" },
    { QUORUM_ERROR_FAILED, "QUORUM_ERROR_FAILED", "failed" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("QuorumError"), values));
  return type;
}
