/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ProvCodec:
 * A codec reverses (and optionally adds) one layer of a payload: gzip,
 * encryption. See #ProvCodecInterface.
 *
 * Since: 1.0
 */
#define PROV_TYPE_CODEC (prov_codec_get_type ())
G_DECLARE_INTERFACE (ProvCodec, prov_codec, PROV, CODEC, GObject)

typedef struct _ProvCodecContext ProvCodecContext;

/**
 * ProvPayloadCheckFunc:
 * @plain: a candidate plaintext
 * @user_data: (closure): the registry's data
 *
 * Judges a candidate plaintext. The AES codec uses it to choose among key
 * derivations without knowing any other codec.
 *
 * Returns: %TRUE when @plain is another known layer (a registered codec's
 *   magic) or a profile (XML)
 *
 * Since: 1.0
 */
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
 *
 * What a codec is given besides the payload.
 *
 * Since: 1.0
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
 *
 * Since: 1.0
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

/**
 * prov_codec_recognize:
 * @self: the codec
 * @data: the payload
 * @content_encoding: (nullable): the transport's Content-Encoding
 *
 * Whether a payload is this codec's layer: by default, the plugin's
 * "magic" and "content-encodings" declarations are compared.
 *
 * Returns: whether @data is this codec's layer
 *
 * Since: 1.0
 */
gboolean  prov_codec_recognize (ProvCodec         *self,
                                GBytes            *data,
                                const char        *content_encoding);
/**
 * prov_codec_decode:
 * @self: the codec
 * @data: the payload
 * @context: the key, the size cap, the device file
 * @error: return location for a #PROV_ERROR
 *
 * Reverses one layer.
 *
 * Returns: (transfer full): the inner payload, or %NULL with
 *   %PROV_ERROR_CORRUPT and the `$ERR` text
 *
 * Since: 1.0
 */
GBytes   *prov_codec_decode    (ProvCodec         *self,
                                GBytes            *data,
                                ProvCodecContext  *context,
                                GError           **error);
/**
 * prov_codec_encode:
 * @self: the codec
 * @data: the payload
 * @context: the key, the key derivation, the level
 * @error: return location for a #PROV_ERROR
 *
 * Adds one layer (for `provisionctl encode`).
 *
 * Returns: (transfer full): the wrapped payload, or %NULL with @error set
 *   (%PROV_ERROR_NOT_SUPPORTED when the codec does not encode)
 *
 * Since: 1.0
 */
GBytes   *prov_codec_encode    (ProvCodec         *self,
                                GBytes            *data,
                                ProvCodecContext  *context,
                                GError           **error);

G_END_DECLS
