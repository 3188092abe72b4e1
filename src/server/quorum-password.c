/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include <sodium.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-password.h"

gboolean
quorum_password_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "libsodium could not start");
      return FALSE;
    }
  return TRUE;
}

static gboolean
fast_hashing (void)
{
  return g_strcmp0 (g_getenv ("QUORUM_PWHASH_FAST"), "1") == 0;
}

gboolean
quorum_password_check (const char  *field,
                       const char  *password,
                       GError     **error)
{
  if (g_utf8_strlen (password, -1) < QUORUM_PASSWORD_MIN_LENGTH)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "%s: must be at least %d characters long", field, QUORUM_PASSWORD_MIN_LENGTH);
      return FALSE;
    }
  return TRUE;
}

char *
quorum_password_hash (const char  *password,
                      GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  if (!quorum_password_check ("password", password, error))
    return NULL;
  if (crypto_pwhash_str (hash, password, strlen (password),
                         fast_hashing () ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         fast_hashing () ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                           "password: out of memory while hashing");
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
quorum_password_verify (const char *hash,
                        const char *password)
{
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

char *
quorum_token_new (void)
{
  guint8 bytes[32];
  char hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (hex);
}

char *
quorum_token_hash (const char *token)
{
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[sizeof digest * 2 + 1];

  crypto_hash_sha256 (digest, (const guint8 *) token, strlen (token));
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strdup (hex);
}
