/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <string.h>

#include "quorum-error.h"

/**
 * quorum_error_quark:
 *
 * The domain of every #QuorumError, "quorum-error-quark".
 *
 * Returns: the domain's quark
 */
G_DEFINE_QUARK (quorum-error-quark, quorum_error)

/**
 * quorum_error_to_sentence:
 * @message: an error message such as the server's "state: attempt 9 is not
 *   reviewed yet"
 *
 * The message as a sentence a window can show on its own: without the
 * leading field name, capitalized, ending with a full stop.
 *
 * Returns: (transfer full): the sentence; empty for an empty message
 */
char *
quorum_error_to_sentence (const char *message)
{
  const char *colon = strstr (message, ": ");
  GString *sentence;

  /* A field path has no space: "settings.name: …", "missing[0]: …". */
  if (colon != NULL && strcspn (message, " ") > (gsize) (colon - message))
    message = colon + 2;
  if (*message == '\0')
    return g_strdup ("");
  sentence = g_string_new (NULL);
  g_string_append_unichar (sentence, g_unichar_toupper (g_utf8_get_char (message)));
  g_string_append (sentence, g_utf8_next_char (message));
  if (sentence->str[sentence->len - 1] != '.')
    g_string_append_c (sentence, '.');
  return g_string_free (sentence, FALSE);
}
