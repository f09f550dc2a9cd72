/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "cli-json.h"
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

static void
print_decoded (ProvStore *store, const char *const *layers, ProvProfile *profile)
{
  g_print (_("layers: %s\n"), layers[0] != NULL ? "" : _("none (plain)"));
  for (guint i = 0; layers[i] != NULL; i++)
    g_print ("  %s\n", layers[i]);
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
}

static void
print_decoded_json (ProvStore *store, const char *const *layers, ProvProfile *profile)
{
  g_autoptr(ProvJson) json = prov_json_new ();

  prov_json_begin_object (json);
  prov_json_member (json, "layers");
  prov_json_strv (json, layers);
  prov_json_member (json, "parameters");
  prov_json_begin_array (json);
  for (guint i = 0; i < prov_profile_get_n_entries (profile); i++)
    {
      const ProvProfileEntry *e = prov_profile_get_entry (profile, i);

      prov_json_begin_object (json);
      prov_json_member (json, "line");
      prov_json_int (json, e->line);
      prov_json_member (json, "name");
      prov_json_string (json, e->name);
      prov_json_member (json, "value");
      prov_json_string (json, e->value != NULL ? prov_store_mask (store, e->name, e->value) : NULL);
      prov_json_member (json, "access");
      prov_json_string (json, e->access != PROV_ACCESS_UNSET ? prov_access_to_string (e->access)
                                                             : NULL);
      prov_json_end_object (json);
    }
  prov_json_end_array (json);
  prov_json_end_object (json);
  prov_json_print (json);
}

static char *decode_key;

const GOptionEntry prov_cli_decode_options[] = {
  { "key", 'k', 0, G_OPTION_ARG_STRING, &decode_key, N_("Decryption passphrase"), N_("KEY") },
  { NULL }
};

int
prov_cli_cmd_decode (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  char *key = decode_key;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(ProvProfile) profile = NULL;
  g_auto(GStrv) layers = NULL;
  ProvCodecContext codec_ctx = { 0 };
  ProvContext *ctx;
  ProvStore *store;
  const char *buf;
  gsize len = 0;

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
  buf = g_bytes_get_data (plain, &len);
  profile = prov_profile_parse (buf, len, NULL, &error);
  if (profile == NULL)
    return prov_cli_fail (error);
  if (cli->json)
    print_decoded_json (store, (const char *const *) layers, profile);
  else
    print_decoded (store, (const char *const *) layers, profile);
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

static gboolean encode_gzip;
static char *encode_key;
static char *encode_kdf;
static int encode_iterations;

const GOptionEntry prov_cli_encode_options[] = {
  { "gzip", 'z', 0, G_OPTION_ARG_NONE, &encode_gzip, N_("Compress with gzip"), NULL },
  { "key", 'k', 0, G_OPTION_ARG_STRING, &encode_key, N_("Encrypt with this passphrase"),
    N_("KEY") },
  { "kdf", 0, 0, G_OPTION_ARG_STRING, &encode_kdf, N_("Key derivation: sha256, md5 or pbkdf2"),
    N_("KDF") },
  { "iter", 0, 0, G_OPTION_ARG_INT, &encode_iterations, N_("PBKDF2 iterations"), N_("N") },
  { NULL }
};

int
prov_cli_cmd_encode (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  char *key = encode_key;
  const char *kdf = encode_kdf;
  g_autoptr(GBytes) data = NULL;
  gboolean gzip = encode_gzip;
  int iterations = encode_iterations;
  ProvCodecContext codec_ctx = { 0 };
  ProvContext *ctx;
  if (!gzip && key == NULL)
    return prov_cli_usage (_("give --gzip, --key or both"));
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
  if (cli->json)
    {
      g_autoptr(ProvJson) json = prov_json_new ();

      prov_json_begin_object (json);
      prov_json_member (json, "written");
      prov_json_string (json, argv[2]);
      prov_json_member (json, "size");
      prov_json_int (json, (gint64) g_bytes_get_size (data));
      prov_json_end_object (json);
      prov_json_print (json);
    }
  return PROV_EXIT_OK;
}
