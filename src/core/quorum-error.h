/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QUORUM_ERROR (quorum_error_quark ())

/**
 * QuorumError:
 * @QUORUM_ERROR_INVALID: the input is malformed or breaks a rule (HTTP 400)
 * @QUORUM_ERROR_UNAUTHORIZED: no valid credentials (HTTP 401)
 * @QUORUM_ERROR_FORBIDDEN: the caller may not do this (HTTP 403)
 * @QUORUM_ERROR_NOT_FOUND: no such thing (HTTP 404)
 * @QUORUM_ERROR_CONFLICT: a stale version or a duplicate (HTTP 409)
 * @QUORUM_ERROR_TOO_LARGE: over a size limit (HTTP 413)
 * @QUORUM_ERROR_STATE: not allowed in the current state (HTTP 422)
 * @QUORUM_ERROR_UNREACHABLE: the server cannot be reached
 * @QUORUM_ERROR_FAILED: anything else
 *
 * The project's one error domain, shared by every part so that a message
 * travels from the server's store to the app's toast unchanged.
 */
typedef enum {
  QUORUM_ERROR_INVALID,
  QUORUM_ERROR_UNAUTHORIZED,
  QUORUM_ERROR_FORBIDDEN,
  QUORUM_ERROR_NOT_FOUND,
  QUORUM_ERROR_CONFLICT,
  QUORUM_ERROR_TOO_LARGE,
  QUORUM_ERROR_STATE,
  QUORUM_ERROR_UNREACHABLE,
  QUORUM_ERROR_FAILED,
} QuorumError;

GQuark quorum_error_quark       (void);
char  *quorum_error_to_sentence (const char *message);

G_END_DECLS
