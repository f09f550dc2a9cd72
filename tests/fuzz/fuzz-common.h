/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the libFuzzer targets (README.md): the entry points, and a log
 * writer that keeps the expected warnings about bad input quiet and turns a
 * critical (a broken precondition) into a crash the fuzzer reports. */

#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_quiet_logs (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

/* The input as a NUL-terminated string (it may hold other NULs: the
 * string parsers then see the part before the first). */
static inline char *
fuzz_string (const uint8_t *data, size_t size)
{
  return g_strndup ((const char *) data, size);
}

/* Splits the input at its first newline: two strings for parsers that take
 * two (a map and a document, a rule and a server). */
static inline void
fuzz_split (const uint8_t *data, size_t size, char **first, const uint8_t **rest,
            size_t *rest_size)
{
  const uint8_t *nl = memchr (data, '\n', size);
  size_t n = nl != NULL ? (size_t) (nl - data) : size;

  *first = g_strndup ((const char *) data, n);
  *rest = nl != NULL ? nl + 1 : data + size;
  *rest_size = size - (size_t) (*rest - data);
}
