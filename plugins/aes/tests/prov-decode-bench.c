/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "codec-test-util.h"

/* prov-decode-bench FILE KEY [OUT]: reverses the AES then the gzip layer of
 * FILE as the engine would, with the plugins named by PROV_AES_PLUGIN and
 * PROV_GZIP_PLUGIN, and prints the decode time. OUT gets the plaintext. */
int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  ProvCodec *aes, *gzip;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GBytes) inner = NULL;
  g_autoptr (GBytes) plain = NULL;
  ProvCodecContext context = { .max_output = G_GUINT64_CONSTANT (1) << 30 };
  gint64 start;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s FILE KEY [OUT]\n", argv[0]);
      return 2;
    }
  aes = codec_test_load_plugin ("PROV_AES_PLUGIN");
  gzip = codec_test_load_plugin ("PROV_GZIP_PLUGIN");
  if (!g_file_get_contents (argv[1], &contents, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  data = g_bytes_new_take (g_steal_pointer (&contents), len);
  context.key = argv[2];

  start = g_get_monotonic_time ();
  inner = prov_codec_decode (aes, data, &context, &error);
  if (inner != NULL)
    plain = prov_codec_decode (gzip, inner, &context, &error);
  if (plain == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  printf ("decode %.4f s, %" G_GSIZE_FORMAT " bytes\n",
          (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, g_bytes_get_size (plain));
  if (argc > 3
      && !g_file_set_contents (argv[3], g_bytes_get_data (plain, NULL),
                               (gssize) g_bytes_get_size (plain), &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  return 0;
}
