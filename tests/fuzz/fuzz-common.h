/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What every libFuzzer target of tests/fuzz shares (docs/fuzzing.md). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A broken promise of the code under test: print what was expected and
 * abort, which libFuzzer reports as a crash with the input saved. */
#define FUZZ_CHECK(condition, ...) \
  G_STMT_START { \
    if (G_UNLIKELY (!(condition))) \
      { \
        fprintf (stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #condition); \
        fprintf (stderr, __VA_ARGS__); \
        fputc ('\n', stderr); \
        abort (); \
      } \
  } G_STMT_END

/* A reader that fails must say why, and only in its own error domain. */
#define FUZZ_CHECK_FAILED(result, error) \
  G_STMT_START { \
    FUZZ_CHECK ((result) != NULL || ((error) != NULL && (error)->message != NULL && \
                                     (error)->message[0] != '\0'), \
                "a reader failed without a message"); \
    FUZZ_CHECK ((result) == NULL || (error) == NULL, \
                "a reader returned a value and set an error: %s", (error)->message); \
  } G_STMT_END

/* The input as a NUL-terminated string (for readers of C strings), cut at
 * its first NUL, as a C string of it would be. */
static inline char *
fuzz_strndup (const guint8 *data,
              size_t        size)
{
  return g_strndup ((const char *) data, size);
}
