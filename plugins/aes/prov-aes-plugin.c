/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "prov-aes-kdf.h"
#include "prov-codec.h"
#include "prov-error.h"
#include "prov-plugin.h"

/* The `openssl enc -aes-256-cbc` layer of SPEC §2.3, through GnuTLS. */

#define PROV_TYPE_AES_PLUGIN (prov_aes_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvAesPlugin, prov_aes_plugin, PROV, AES_PLUGIN, ProvPlugin)

struct _ProvAesPlugin
{
  ProvPlugin parent_instance;
};

#define MAGIC "Salted__"
#define HEADER_LEN (8 + PROV_AES_SALT_LEN)
#define BLOCK 16
#define DEFAULT_MAX_OUTPUT (16 * 1024 * 1024)

static void prov_aes_plugin_codec_init (ProvCodecInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvAesPlugin, prov_aes_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_CODEC,
                                                      prov_aes_plugin_codec_init))

static gpointer
corrupt (GError **error, const char *what)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "corrupt file: %s", what);
  return NULL;
}

/* AES-256-CBC over whole blocks, without padding handling. */
static gboolean
cbc_decrypt (const ProvAesSecret *secret, const guint8 *iv, const guint8 *in, guint8 *out,
             gsize len)
{
  gnutls_cipher_hd_t cipher = NULL;
  gnutls_datum_t key = { (unsigned char *) secret->key, sizeof secret->key };
  gnutls_datum_t ivd = { (unsigned char *) iv, BLOCK };
  gboolean ok;

  if (gnutls_cipher_init (&cipher, GNUTLS_CIPHER_AES_256_CBC, &key, &ivd) < 0)
    return FALSE;
  ok = gnutls_cipher_decrypt2 (cipher, in, len, out, len) == 0;
  gnutls_cipher_deinit (cipher);
  return ok;
}

/* PKCS#7: the pad length, or 0 when the last block is not validly padded. */
static guint
pkcs7_pad_length (const guint8 last[BLOCK])
{
  guint pad = last[BLOCK - 1];
  guint8 diff = 0;

  if (pad == 0 || pad > BLOCK)
    return 0;
  for (guint i = BLOCK - pad; i < BLOCK; i++)
    diff |= last[i] ^ (guint8) pad;
  return diff == 0 ? pad : 0;
}

/* The judge used when the core gives none: SPEC §2.3 says the plaintext is
 * gzip or XML. */
static gboolean
looks_like_payload (GBytes *plain, gpointer user_data)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (plain, &len);
  gsize i = 0;

  if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
    return TRUE;
  if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
    i = 3;
  while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
    i++;
  return i < len && p[i] == '<';
}

/* Tries one derivation. Only the last block is decrypted to check the
 * padding, which rejects a wrong key 255 times in 256; the full decrypt
 * then runs for the survivors, and the judge sees the whole plaintext. */
static GBytes *
try_secret (const ProvAesSecret *secret, const guint8 *ct, gsize ct_len, guint64 max_output,
            ProvCodecContext *context, gboolean *too_large)
{
  const guint8 *last_iv = ct_len > BLOCK ? ct + ct_len - 2 * BLOCK : secret->iv;
  guint8 last[BLOCK];
  guint pad;
  gsize plain_len;
  g_autofree guint8 *plain = NULL;
  g_autoptr (GBytes) bytes = NULL;
  ProvPayloadCheckFunc check = context->check_payload;

  if (!cbc_decrypt (secret, last_iv, ct + ct_len - BLOCK, last, BLOCK))
    return NULL;
  pad = pkcs7_pad_length (last);
  gnutls_memset (last, 0, sizeof last);
  if (pad == 0)
    return NULL;

  plain_len = ct_len - pad;
  if (plain_len > max_output)
    {
      *too_large = TRUE;
      return NULL;
    }
  plain = g_malloc (ct_len);
  if (!cbc_decrypt (secret, secret->iv, ct, plain, ct_len))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&plain), plain_len);

  /* A whole block of padding is 128 bits of evidence: an empty plaintext
   * needs no judge (and no judge would pass it). */
  if (plain_len == 0)
    return g_steal_pointer (&bytes);
  if (check == NULL)
    check = looks_like_payload;
  if (!check (bytes, context->check_payload_data))
    return NULL;
  return g_steal_pointer (&bytes);
}

static GBytes *
prov_aes_plugin_decode (ProvCodec *codec, GBytes *data, ProvCodecContext *context,
                        GError **error)
{
  gsize len = 0;
  const guint8 *in = g_bytes_get_data (data, &len);
  const guint8 *ct;
  gsize ct_len;
  gsize pass_len = 0;
  const char *pass = prov_aes_passphrase (context->key, &pass_len);
  g_autoptr (GArray) kdfs = NULL;
  guint64 max_output = context->max_output != 0 ? context->max_output : DEFAULT_MAX_OUTPUT;
  gboolean too_large = FALSE;

  if (len < 8 || memcmp (in, MAGIC, 8) != 0)
    return corrupt (error, len < 8 ? "truncated" : "bad encryption header");
  if (len <= HEADER_LEN || (len - HEADER_LEN) % BLOCK != 0)
    return corrupt (error, "truncated");
  if (pass == NULL)
    return corrupt (error, "encrypted profile needs --key");
  /* The plaintext is at most one block shorter than the ciphertext. */
  if (len - HEADER_LEN - BLOCK > max_output)
    return corrupt (error, "too large");

  ct = in + HEADER_LEN;
  ct_len = len - HEADER_LEN;
  kdfs = prov_aes_kdf_list (context);
  for (guint i = 0; i < kdfs->len; i++)
    {
      const ProvAesKdf *kdf = &g_array_index (kdfs, ProvAesKdf, i);
      ProvAesSecret secret;
      g_autoptr (GBytes) plain = NULL;

      /* A policy may forbid one hash (MD5 under FIPS): try the others. */
      if (!prov_aes_derive (kdf, pass, pass_len, in + 8, &secret))
        {
          g_debug ("Key derivation %u is not available", kdf->type);
          continue;
        }
      plain = try_secret (&secret, ct, ct_len, max_output, context, &too_large);
      gnutls_memset (&secret, 0, sizeof secret);
      if (plain != NULL)
        return g_steal_pointer (&plain);
    }
  return corrupt (error, too_large ? "too large" : "bad decryption key");
}

static GBytes *
prov_aes_plugin_encode (ProvCodec *codec, GBytes *data, ProvCodecContext *context,
                        GError **error)
{
  gsize len = 0;
  const guint8 *in = g_bytes_get_data (data, &len);
  gsize pass_len = 0;
  const char *pass = prov_aes_passphrase (context->key, &pass_len);
  guint pad = BLOCK - len % BLOCK;
  gsize out_len = HEADER_LEN + len + pad;
  g_autofree guint8 *out = NULL;
  ProvAesKdf kdf;
  ProvAesSecret secret;
  gnutls_cipher_hd_t cipher = NULL;
  gnutls_datum_t key, iv;
  int ret;

  if (pass == NULL)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                           "encryption needs a key");
      return NULL;
    }
  if (!prov_aes_kdf_parse (context->kdf, context->iterations, &kdf, error))
    return NULL;

  out = g_malloc (out_len);
  memcpy (out, MAGIC, 8);
  if (gnutls_rnd (GNUTLS_RND_NONCE, out + 8, PROV_AES_SALT_LEN) < 0
      || !prov_aes_derive (&kdf, pass, pass_len, out + 8, &secret))
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_FAILED, "key derivation failed");
      return NULL;
    }
  if (len > 0)
    memcpy (out + HEADER_LEN, in, len);
  memset (out + HEADER_LEN + len, (int) pad, pad);

  key = (gnutls_datum_t) { secret.key, sizeof secret.key };
  iv = (gnutls_datum_t) { secret.iv, sizeof secret.iv };
  ret = gnutls_cipher_init (&cipher, GNUTLS_CIPHER_AES_256_CBC, &key, &iv);
  if (ret == 0)
    {
      ret = gnutls_cipher_encrypt (cipher, out + HEADER_LEN, len + pad);
      gnutls_cipher_deinit (cipher);
    }
  gnutls_memset (&secret, 0, sizeof secret);
  if (ret < 0)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "encryption failed: %s",
                   gnutls_strerror (ret));
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&out), out_len);
}

static void
prov_aes_plugin_codec_init (ProvCodecInterface *iface)
{
  iface->decode = prov_aes_plugin_decode;
  iface->encode = prov_aes_plugin_encode;
}

static void
prov_aes_plugin_class_init (ProvAesPluginClass *klass)
{
}

static void
prov_aes_plugin_init (ProvAesPlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  /* "Salted__" in hex. */
  static const char *const magic[] = { "53616c7465645f5f", NULL };

  return g_object_new (PROV_TYPE_AES_PLUGIN,
                       "name", "aes",
                       "description", "AES-256-CBC payload layer (openssl enc format)",
                       "magic", magic,
                       NULL);
}
