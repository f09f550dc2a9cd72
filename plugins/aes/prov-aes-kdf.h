/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-codec.h"

G_BEGIN_DECLS

/* Key and IV derivations of `openssl enc`, private to the AES plugin. */

#define PROV_AES_SALT_LEN 8
#define PROV_AES_DEFAULT_ITERATIONS 10000
#define PROV_AES_MAX_ITERATIONS 1000000
#define PROV_AES_MAX_PBKDF2_TRIES 8

typedef enum
{
  PROV_AES_KDF_SHA256, /* EVP_BytesToKey, one round; OpenSSL >= 1.1 */
  PROV_AES_KDF_MD5,    /* EVP_BytesToKey, one round; OpenSSL <= 1.0 */
  PROV_AES_KDF_PBKDF2, /* PBKDF2-HMAC-SHA256; `openssl enc -pbkdf2` */
} ProvAesKdfType;

typedef struct
{
  ProvAesKdfType type;
  guint          iterations;
} ProvAesKdf;

typedef struct
{
  guint8 key[32];
  guint8 iv[16];
} ProvAesSecret;

const char *prov_aes_passphrase (const char       *key,
                                 gsize            *len);
GArray     *prov_aes_kdf_list   (ProvCodecContext *context);
gboolean    prov_aes_kdf_parse  (const char       *name,
                                 guint             iterations,
                                 ProvAesKdf       *kdf,
                                 GError          **error);
gboolean    prov_aes_derive     (const ProvAesKdf *kdf,
                                 const char       *pass,
                                 gsize             pass_len,
                                 const guint8     *salt,
                                 ProvAesSecret    *secret);

G_END_DECLS
