/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-cli.h"
#include "prov-error.h"
#include "prov-profile.h"

/* decode and encode, for people who make profiles: what the device reads,
 * and files that both the device and `openssl enc -d` accept. */

static GBytes *
read_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    {
      prov_error_convert (error);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

int
prov_cli_cmd_decode (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) options = g_option_context_new ("FILE");
  g_autofree char *key = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(ProvProfile) profile = NULL;
  g_auto(GStrv) layers = NULL;
  ProvCodecContext codec_ctx = { 0 };
  ProvContext *ctx;
  ProvStore *store;
  const char *buf;
  gsize len = 0;
  GOptionEntry entries[] = {
    { "key", 'k', 0, G_OPTION_ARG_STRING, &key, N_("Decryption passphrase"), N_("KEY") },
    { NULL }
  };

  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2)
    return prov_cli_usage ("decode [--key KEY] FILE");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  store = prov_context_get_store (ctx);
  data = read_file (argv[1], &error);
  if (data == NULL)
    return prov_cli_fail (error);
  codec_ctx.key = key;
  codec_ctx.max_output = (guint64) prov_store_get_int (store, "Max_Profile_Size");
  codec_ctx.config = prov_device_get_keyfile (prov_context_get_device (ctx));
  plain = prov_registry_decode (prov_context_get_registry (ctx), data, NULL, &codec_ctx, &layers,
                                &error);
  if (key != NULL)
    explicit_bzero (key, strlen (key));
  if (plain == NULL)
    return prov_cli_fail (error);
  g_print (_("layers: %s\n"), layers[0] != NULL ? "" : _("none (plain)"));
  for (guint i = 0; layers[i] != NULL; i++)
    g_print ("  %s\n", layers[i]);
  buf = g_bytes_get_data (plain, &len);
  profile = prov_profile_parse (buf, len, NULL, &error);
  if (profile == NULL)
    return prov_cli_fail (error);
  g_print (_("parameters: %u\n"), prov_profile_get_n_entries (profile));
  for (guint i = 0; i < prov_profile_get_n_entries (profile); i++)
    {
      const ProvProfileEntry *e = prov_profile_get_entry (profile, i);
      g_autoptr(GString) line = g_string_new (NULL);

      prov_profile_write_entry (line, e->name,
                                e->value != NULL ? prov_store_mask (store, e->name, e->value) : NULL,
                                e->access);
      g_print ("  %u: %s\n", e->line, line->str);
    }
  return PROV_EXIT_OK;
}

static gboolean
write_file (const char *path, GBytes *data, GError **error)
{
  gsize len = 0;
  const char *buf = g_bytes_get_data (data, &len);

  if (!g_file_set_contents_full (path, buf, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    {
      prov_error_convert (error);
      return FALSE;
    }
  return TRUE;
}

static GBytes *
encode_with (ProvContext *ctx, const char *codec_name, GBytes *data, ProvCodecContext *codec_ctx,
             GError **error)
{
  ProvCodec *codec = prov_registry_lookup_codec (prov_context_get_registry (ctx), codec_name);

  if (codec == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED, _("no %s plugin is loaded"),
                   codec_name);
      return NULL;
    }
  return prov_codec_encode (codec, data, codec_ctx, error);
}

int
prov_cli_cmd_encode (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) options = g_option_context_new ("IN OUT");
  g_autofree char *key = NULL;
  g_autofree char *kdf = NULL;
  g_autoptr(GBytes) data = NULL;
  gboolean gzip = FALSE;
  int iterations = 0;
  ProvCodecContext codec_ctx = { 0 };
  ProvContext *ctx;
  GOptionEntry entries[] = {
    { "gzip", 'z', 0, G_OPTION_ARG_NONE, &gzip, N_("Compress with gzip"), NULL },
    { "key", 'k', 0, G_OPTION_ARG_STRING, &key, N_("Encrypt with this passphrase"), N_("KEY") },
    { "kdf", 0, 0, G_OPTION_ARG_STRING, &kdf, N_("Key derivation: sha256, md5 or pbkdf2"),
      N_("KDF") },
    { "iter", 0, 0, G_OPTION_ARG_INT, &iterations, N_("PBKDF2 iterations"), N_("N") },
    { NULL }
  };

  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 3 || (!gzip && key == NULL))
    return prov_cli_usage ("encode [--gzip] [--key KEY [--kdf KDF] [--iter N]] IN OUT");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  data = read_file (argv[1], &error);
  if (data == NULL)
    return prov_cli_fail (error);
  codec_ctx.kdf = kdf;
  codec_ctx.iterations = iterations > 0 ? (guint) iterations : 0;
  if (gzip)
    {
      GBytes *zipped = encode_with (ctx, "gzip", data, &codec_ctx, &error);
      if (zipped == NULL)
        return prov_cli_fail (error);
      g_bytes_unref (data);
      data = zipped;
    }
  if (key != NULL)
    {
      GBytes *sealed;

      codec_ctx.key = key;
      sealed = encode_with (ctx, "aes", data, &codec_ctx, &error);
      explicit_bzero (key, strlen (key));
      if (sealed == NULL)
        return prov_cli_fail (error);
      g_bytes_unref (data);
      data = sealed;
    }
  if (!write_file (argv[2], data, &error))
    return prov_cli_fail (error);
  return PROV_EXIT_OK;
}
