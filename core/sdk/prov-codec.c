/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-plugin-role.h"
#include "prov-codec.h"
#include "prov-codec-private.h"
#include "prov-error.h"
#include "prov-plugin.h"

G_DEFINE_INTERFACE (ProvCodec, prov_codec, G_TYPE_OBJECT)

static gboolean
hex_prefix_matches (const char *hex, const guint8 *data, gsize len)
{
  gsize n = strlen (hex);

  if (n % 2 != 0 || n / 2 > len || n == 0)
    return FALSE;
  for (gsize i = 0; i < n / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0 || data[i] != (guint8) (hi << 4 | lo))
        return FALSE;
    }
  return TRUE;
}

gboolean
prov_codec_declarations_match (const char *const *magic, const char *const *encodings,
                               GBytes *data, const char *content_encoding)
{
  gsize len = 0;
  const guint8 *buf = data != NULL ? g_bytes_get_data (data, &len) : NULL;

  if (content_encoding != NULL && encodings != NULL
      && g_strv_contains (encodings, content_encoding))
    return TRUE;
  for (guint i = 0; buf != NULL && magic != NULL && magic[i] != NULL; i++)
    if (hex_prefix_matches (magic[i], buf, len))
      return TRUE;
  return FALSE;
}

/* Recognition from the plugin's declarations: the core never needs to know
 * what a codec is called. */
static gboolean
prov_codec_default_recognize (ProvCodec *self, GBytes *data, const char *content_encoding)
{
  if (!PROV_IS_PLUGIN (self))
    return FALSE;
  return prov_codec_declarations_match (prov_plugin_get_magic (PROV_PLUGIN (self)),
                                        prov_plugin_get_content_encodings (PROV_PLUGIN (self)),
                                        data, content_encoding);
}

static void
prov_codec_default_init (ProvCodecInterface *iface)
{
  prov_plugin_role_set (iface, "codec");
  iface->recognize = prov_codec_default_recognize;
}

gboolean
prov_codec_recognizes_by_declarations (ProvCodec *self)
{
  return PROV_IS_PLUGIN (self)
         && PROV_CODEC_GET_IFACE (self)->recognize == prov_codec_default_recognize;
}

gboolean
prov_codec_recognize (ProvCodec *self, GBytes *data, const char *content_encoding)
{
  g_return_val_if_fail (PROV_IS_CODEC (self), FALSE);

  if (PROV_CODEC_GET_IFACE (self)->recognize == NULL)
    return FALSE;
  return PROV_CODEC_GET_IFACE (self)->recognize (self, data, content_encoding);
}

GBytes *
prov_codec_decode (ProvCodec *self, GBytes *data, ProvCodecContext *context, GError **error)
{
  ProvCodecInterface *iface;

  g_return_val_if_fail (PROV_IS_CODEC (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);

  iface = PROV_CODEC_GET_IFACE (self);
  if (iface->decode == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                   "%s does not implement decode", G_OBJECT_TYPE_NAME (self));
      return NULL;
    }
  return iface->decode (self, data, context, error);
}

GBytes *
prov_codec_encode (ProvCodec *self, GBytes *data, ProvCodecContext *context, GError **error)
{
  ProvCodecInterface *iface;

  g_return_val_if_fail (PROV_IS_CODEC (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);

  iface = PROV_CODEC_GET_IFACE (self);
  if (iface->encode == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                   "%s does not implement encode", G_OBJECT_TYPE_NAME (self));
      return NULL;
    }
  return iface->encode (self, data, context, error);
}
