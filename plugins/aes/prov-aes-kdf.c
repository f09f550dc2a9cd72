/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "prov-aes-kdf.h"
#include "prov-error.h"

/* The passphrase as given to `openssl enc -k`: a rule may quote it
 * (`--key "my key"`), so one pair of surrounding quotes is dropped. NULL
 * when there is none, an empty key included. */
const char *
prov_aes_passphrase (const char *key, gsize *len)
{
  gsize n = key != NULL ? strlen (key) : 0;

  if (n >= 2 && key[0] == '"' && key[n - 1] == '"')
    {
      key++;
      n -= 2;
    }
  *len = n;
  return n > 0 ? key : NULL;
}

static void
add_pbkdf2 (GArray *list, guint iterations)
{
  ProvAesKdf kdf = { PROV_AES_KDF_PBKDF2, iterations };
  guint tries = 0;

  if (iterations == 0 || iterations > PROV_AES_MAX_ITERATIONS)
    {
      g_message ("Ignoring PBKDF2 iteration count %u (allowed: 1..%u)", iterations,
                 PROV_AES_MAX_ITERATIONS);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    {
      const ProvAesKdf *old = &g_array_index (list, ProvAesKdf, i);

      if (old->type != PROV_AES_KDF_PBKDF2)
        continue;
      if (old->iterations == iterations)
        return;
      tries++;
    }
  if (tries < PROV_AES_MAX_PBKDF2_TRIES)
    g_array_append_val (list, kdf);
}

/* The decode order of SPEC §2.3: SHA-256, MD5, then PBKDF2 with the
 * caller's count, the device file's `[aes] Iterations=` list
 * ("10000,1000"), and OpenSSL's default. */
GArray *
prov_aes_kdf_list (ProvCodecContext *context)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (ProvAesKdf));
  ProvAesKdf sha256 = { PROV_AES_KDF_SHA256, 1 };
  ProvAesKdf md5 = { PROV_AES_KDF_MD5, 1 };
  g_autofree char *configured = NULL;

  g_array_append_val (list, sha256);
  g_array_append_val (list, md5);
  if (context->iterations != 0)
    add_pbkdf2 (list, context->iterations);
  if (context->config != NULL)
    configured = g_key_file_get_string (context->config, "aes", "Iterations", NULL);
  if (configured != NULL)
    {
      g_auto (GStrv) counts = g_strsplit_set (configured, ",; ", -1);

      for (guint i = 0; counts[i] != NULL; i++)
        {
          guint64 n = 0;

          if (*counts[i] == '\0')
            continue;
          if (!g_ascii_string_to_unsigned (counts[i], 10, 1, PROV_AES_MAX_ITERATIONS, &n, NULL))
            g_message ("Ignoring [aes] Iterations entry “%s”", counts[i]);
          else
            add_pbkdf2 (list, (guint) n);
        }
    }
  add_pbkdf2 (list, PROV_AES_DEFAULT_ITERATIONS);
  return list;
}

/* For encode: the `--kdf` name, NULL meaning OpenSSL's current default. */
gboolean
prov_aes_kdf_parse (const char *name, guint iterations, ProvAesKdf *kdf, GError **error)
{
  if (name == NULL || g_str_equal (name, "sha256"))
    *kdf = (ProvAesKdf) { PROV_AES_KDF_SHA256, 1 };
  else if (g_str_equal (name, "md5"))
    *kdf = (ProvAesKdf) { PROV_AES_KDF_MD5, 1 };
  else if (g_str_equal (name, "pbkdf2"))
    *kdf = (ProvAesKdf) { PROV_AES_KDF_PBKDF2,
                          iterations != 0 ? iterations : PROV_AES_DEFAULT_ITERATIONS };
  else
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "unknown key derivation “%s” (use sha256, md5 or pbkdf2)", name);
      return FALSE;
    }
  if (kdf->iterations > PROV_AES_MAX_ITERATIONS)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "at most %u PBKDF2 iterations", PROV_AES_MAX_ITERATIONS);
      return FALSE;
    }
  return TRUE;
}

/* EVP_BytesToKey with one round: D1 = H(pass ‖ salt), Dn = H(Dn-1 ‖ pass ‖
 * salt), concatenated until key and IV are filled. */
static gboolean
bytes_to_key (gnutls_digest_algorithm_t algo, const char *pass, gsize pass_len,
              const guint8 *salt, ProvAesSecret *secret)
{
  guint8 *out = (guint8 *) secret;
  gsize want = sizeof *secret;
  gsize dlen = gnutls_hash_get_len (algo);
  guint8 digest[64];
  gsize have = 0;
  gboolean ok = TRUE;

  G_STATIC_ASSERT (sizeof (ProvAesSecret) == 48);
  while (ok && have < want)
    {
      gnutls_hash_hd_t hash = NULL;
      gsize n;

      ok = gnutls_hash_init (&hash, algo) == 0;
      if (!ok)
        break;
      if (have > 0)
        gnutls_hash (hash, digest, dlen);
      gnutls_hash (hash, pass, pass_len);
      gnutls_hash (hash, salt, PROV_AES_SALT_LEN);
      gnutls_hash_deinit (hash, digest);
      n = MIN (dlen, want - have);
      memcpy (out + have, digest, n);
      have += n;
    }
  gnutls_memset (digest, 0, sizeof digest);
  return ok;
}

gboolean
prov_aes_derive (const ProvAesKdf *kdf, const char *pass, gsize pass_len, const guint8 *salt,
                 ProvAesSecret *secret)
{
  gnutls_datum_t key = { (unsigned char *) pass, (unsigned int) pass_len };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, PROV_AES_SALT_LEN };

  switch (kdf->type)
    {
    case PROV_AES_KDF_SHA256:
      return bytes_to_key (GNUTLS_DIG_SHA256, pass, pass_len, salt, secret);
    case PROV_AES_KDF_MD5:
      return bytes_to_key (GNUTLS_DIG_MD5, pass, pass_len, salt, secret);
    case PROV_AES_KDF_PBKDF2:
      return gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, kdf->iterations, secret,
                            sizeof *secret)
             == 0;
    default:
      g_assert_not_reached ();
    }
}
