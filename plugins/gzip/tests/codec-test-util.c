/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "codec-test-util.h"
#include "prov-error.h"
#include "prov-plugin.h"
#include "prov-test.h"

/* The built module named by @env_var (tests/support), a codec. */
ProvCodec *
codec_test_load_plugin (const char *env_var)
{
  ProvPlugin *plugin = test_plugin_load (env_var);

  g_assert_true (PROV_IS_CODEC (plugin));
  return PROV_CODEC (plugin);
}

gboolean
codec_test_have_programs (const char *const *programs)
{
  for (guint i = 0; programs[i] != NULL; i++)
    {
      g_autofree char *path = g_find_program_in_path (programs[i]);

      if (path == NULL)
        {
          g_autofree char *why = g_strdup_printf ("%s is not installed", programs[i]);

          g_test_skip (why);
          return FALSE;
        }
    }
  return TRUE;
}

/* Runs a real tool with @input (may be NULL) on stdin; the test fails
 * unless it exits 0. */
GBytes *
codec_test_run (const char *const *argv, GBytes *input)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;

  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  proc = g_subprocess_newv (argv, flags, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("%s failed: %.*s", argv[0], (int) g_bytes_get_size (err),
             (const char *) g_bytes_get_data (err, NULL));
  return g_steal_pointer (&out);
}

/* A flat profile with varied values, so that it compresses like a real one
 * (about 4:1) rather than like a run of zeros. */
GBytes *
codec_test_make_profile (gsize min_size, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n");

  for (guint i = 0; xml->len < min_size; i++)
    g_string_append_printf (xml, "  <Param_%u_ ua=\"na\">%08x-%u</Param_%u_>\n", i,
                            g_rand_int (rand), g_rand_int_range (rand, 0, 65536), i);
  g_string_append (xml, "</flat-profile>\n");
  return g_string_free_to_bytes (xml);
}

GBytes *
codec_test_slice (GBytes *data, gsize len)
{
  return g_bytes_new_from_bytes (data, 0, len);
}

GBytes *
codec_test_flip (GBytes *data, gsize offset, guint8 mask)
{
  gsize len = 0;
  guint8 *copy = g_memdup2 (g_bytes_get_data (data, &len), g_bytes_get_size (data));

  g_assert_cmpuint (offset, <, len);
  copy[offset] ^= mask;
  return g_bytes_new_take (copy, len);
}

/* Every codec failure is an outcome error with the `$ERR` text, and never
 * shows the key. @message may be NULL to accept any "corrupt file" text. */
void
codec_test_assert_corrupt (const GError *error, const char *message, const char *key)
{
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, "corrupt file: "));
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  if (key != NULL && *key != '\0')
    g_assert_null (strstr (error->message, key));
}

void
codec_test_assert_equal (GBytes *a, GBytes *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a), g_bytes_get_data (b, NULL),
                   g_bytes_get_size (b));
}
