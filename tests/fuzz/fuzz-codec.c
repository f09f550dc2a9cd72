/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One codec plugin's decoder (gzip or AES, SPEC §2.3), its source compiled
 * into this target: fuzz-gzip and fuzz-aes. Decoded output is capped at
 * 1 MiB, so a bomb is an error, not a memory blow-up. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-codec.h"
#include "prov-plugin.h"

/* The plugin's entry point, from the plugin source built in. */
ProvPlugin *prov_plugin_create (void);

static ProvCodec *codec;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  codec = PROV_CODEC (prov_plugin_create ());
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) in = g_bytes_new_static (data, size);
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  ProvCodecContext context = { 0 };

  context.key = "fuzz";
  context.max_output = 1024 * 1024;
  context.iterations = 1;
  prov_codec_recognize (codec, in, NULL);
  out = prov_codec_decode (codec, in, &context, &error);
  g_assert_true ((out == NULL) != (error == NULL));
  if (out != NULL)
    g_assert_cmpuint (g_bytes_get_size (out), <=, context.max_output);
  return 0;
}
