/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PROV_TYPE_CODEC (prov_codec_get_type ())
G_DECLARE_INTERFACE (ProvCodec, prov_codec, PROV, CODEC, GObject)

typedef struct _ProvCodecContext ProvCodecContext;

/* Judges a candidate plaintext: TRUE when it is another known layer (a
 * registered codec's magic) or a profile (XML). The AES codec uses it to
 * choose among key derivations without knowing any other codec. */
typedef gboolean (*ProvPayloadCheckFunc) (GBytes *plain, gpointer user_data);

/**
 * ProvCodecContext:
 * @key: the `--key` passphrase after macro expansion, or NULL. Never log it.
 * @max_output: cap on decoded bytes; exceeding it is a "corrupt file" error.
 * @config: the device file, for a codec's own [group] settings; may be NULL.
 * @check_payload: see ProvPayloadCheckFunc; NULL = the codec's own minimal
 *   check (XML or gzip). The registry always fills it in.
 * @kdf: for encode: the key derivation ("sha256", "md5", "pbkdf2"); NULL = default.
 * @iterations: for encode and decode with "pbkdf2": 0 = default.
 * @level: for encode with a compressor: 0 = default.
 */
struct _ProvCodecContext
{
  const char           *key;
  guint64               max_output;
  GKeyFile             *config;
  ProvPayloadCheckFunc  check_payload;
  gpointer              check_payload_data;
  const char           *kdf;
  guint                 iterations;
  int                   level;

  gpointer padding[8];
};

/**
 * ProvCodecInterface:
 * @recognize: optional; TRUE when @data is this codec's layer. The default
 *   compares the plugin's "magic" and "content-encodings" declarations.
 * @decode: reverse one layer. Errors are PROV_ERROR_CORRUPT with the `$ERR`
 *   text ("corrupt file: bad decryption key", "corrupt file: truncated").
 * @encode: optional; add one layer (for `provisionctl encode`).
 */
struct _ProvCodecInterface
{
  GTypeInterface g_iface;

  gboolean (*recognize) (ProvCodec         *self,
                         GBytes            *data,
                         const char        *content_encoding);
  GBytes * (*decode)    (ProvCodec         *self,
                         GBytes            *data,
                         ProvCodecContext  *context,
                         GError           **error);
  GBytes * (*encode)    (ProvCodec         *self,
                         GBytes            *data,
                         ProvCodecContext  *context,
                         GError           **error);

  gpointer padding[8];
};

gboolean  prov_codec_recognize (ProvCodec         *self,
                                GBytes            *data,
                                const char        *content_encoding);
GBytes   *prov_codec_decode    (ProvCodec         *self,
                                GBytes            *data,
                                ProvCodecContext  *context,
                                GError           **error);
GBytes   *prov_codec_encode    (ProvCodec         *self,
                                GBytes            *data,
                                ProvCodecContext  *context,
                                GError           **error);

G_END_DECLS
