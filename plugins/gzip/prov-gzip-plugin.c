/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "prov-codec.h"
#include "prov-error.h"
#include "prov-plugin.h"

/* The gzip layer (RFC 1952) of SPEC §2.3, through zlib. */

#define PROV_TYPE_GZIP_PLUGIN (prov_gzip_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvGzipPlugin, prov_gzip_plugin, PROV, GZIP_PLUGIN, ProvPlugin)

struct _ProvGzipPlugin
{
  ProvPlugin parent_instance;
};

#define DEFAULT_MAX_OUTPUT (16 * 1024 * 1024)
#define MIN_CHUNK (64 * 1024)
/* zlib's gzip wrapper only, no zlib or raw streams. */
#define GZIP_WBITS (16 + MAX_WBITS)

static void prov_gzip_plugin_codec_init (ProvCodecInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvGzipPlugin, prov_gzip_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_CODEC,
                                                      prov_gzip_plugin_codec_init))

/* Returns NULL so that a decode path can end with `return corrupt (…);`. */
static gpointer
corrupt (GError **error, const char *what)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "corrupt file: %s", what);
  return NULL;
}

/* zlib reports gzip failures only as text; these strings have not changed
 * since zlib 1.2.0. */
static gpointer
zlib_error (GError **error, const z_stream *zs)
{
  const char *msg = zs->msg != NULL ? zs->msg : "";

  if (g_str_equal (msg, "incorrect data check"))
    return corrupt (error, "bad gzip crc");
  if (g_str_equal (msg, "incorrect length check"))
    return corrupt (error, "bad gzip length");
  if (g_str_equal (msg, "incorrect header check") || g_str_equal (msg, "header crc mismatch")
      || g_str_equal (msg, "unknown compression method")
      || g_str_equal (msg, "unknown header flags set"))
    return corrupt (error, "bad gzip header");
  return corrupt (error, "bad gzip data");
}

typedef struct
{
  z_stream  zs;
  gboolean  initialized;
  guint8   *out;
  gsize     out_len;
  gsize     out_cap;
} Inflater;

static void
inflater_clear (Inflater *self)
{
  if (self->initialized)
    inflateEnd (&self->zs);
  g_free (self->out);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Inflater, inflater_clear)

/* Grows the output progressively, never from the trailer's ISIZE (which a
 * bomb controls); @limit is one byte past the cap so overflow is visible. */
static void
inflater_grow (Inflater *self, gsize first, gsize limit)
{
  gsize cap = self->out_cap == 0 ? first : self->out_cap * 2;

  if (cap < self->out_cap || cap > limit)
    cap = limit;
  self->out = g_realloc (self->out, cap);
  self->out_cap = cap;
}

static GBytes *
prov_gzip_plugin_decode (ProvCodec *codec, GBytes *data, ProvCodecContext *context,
                         GError **error)
{
  g_auto (Inflater) inf = { 0 };
  gsize in_len = 0;
  const guint8 *in = g_bytes_get_data (data, &in_len);
  guint64 max_output = context->max_output != 0 ? context->max_output : DEFAULT_MAX_OUTPUT;
  gsize limit = (gsize) MIN (max_output, (guint64) G_MAXSIZE - 1) + 1;
  /* Profiles deflate about 4:1: start there to avoid most regrowth. */
  gsize first = (gsize) MIN ((guint64) MAX (MIN_CHUNK, in_len / 2 * 8), limit);
  gsize in_pos = 0;

  if (in_len < 2 || in[0] != 0x1f || in[1] != 0x8b)
    return corrupt (error, in_len < 2 ? "truncated gzip" : "bad gzip header");
  if (inflateInit2 (&inf.zs, GZIP_WBITS) != Z_OK)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_FAILED, "cannot initialize zlib");
      return NULL;
    }
  inf.initialized = TRUE;

  while (TRUE)
    {
      gsize in_avail = MIN (in_len - in_pos, G_MAXUINT);
      gsize out_avail;
      int ret;

      if (inf.out_len == inf.out_cap)
        inflater_grow (&inf, first, limit);
      out_avail = MIN (inf.out_cap - inf.out_len, G_MAXUINT);
      inf.zs.next_in = (Bytef *) in + in_pos;
      inf.zs.avail_in = (uInt) in_avail;
      inf.zs.next_out = inf.out + inf.out_len;
      inf.zs.avail_out = (uInt) out_avail;
      ret = inflate (&inf.zs, Z_NO_FLUSH);
      in_pos += in_avail - inf.zs.avail_in;
      inf.out_len += out_avail - inf.zs.avail_out;

      if (inf.out_len >= limit)
        return corrupt (error, "too large");
      if (ret == Z_STREAM_END)
        {
          /* Concatenated members are one file (gzip -d agrees); anything
           * else after a member is not. */
          if (in_pos == in_len)
            break;
          if (in[in_pos] != 0x1f || (in_len - in_pos > 1 && in[in_pos + 1] != 0x8b))
            return corrupt (error, "trailing garbage");
          if (in_len - in_pos < 2)
            return corrupt (error, "truncated gzip");
          inflateReset (&inf.zs);
          continue;
        }
      if (ret == Z_MEM_ERROR)
        {
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_FAILED, "out of memory in zlib");
          return NULL;
        }
      if (ret != Z_OK && ret != Z_BUF_ERROR)
        return zlib_error (error, &inf.zs);
      /* With room left for output, zlib stopped because the input ended
       * inside the member. */
      if (inf.out_len < inf.out_cap && (in_pos == in_len || ret == Z_BUF_ERROR))
        return corrupt (error, "truncated gzip");
    }

  return g_bytes_new_take (g_realloc (g_steal_pointer (&inf.out), inf.out_len), inf.out_len);
}

static GBytes *
prov_gzip_plugin_encode (ProvCodec *codec, GBytes *data, ProvCodecContext *context,
                         GError **error)
{
  z_stream zs = { 0 };
  gsize in_len = 0;
  const guint8 *in = g_bytes_get_data (data, &in_len);
  int level = context->level != 0 ? context->level : Z_DEFAULT_COMPRESSION;
  g_autofree guint8 *out = NULL;
  gsize out_cap;
  int ret;

  if (level != Z_DEFAULT_COMPRESSION && (level < 1 || level > 9))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "gzip level %d is not between 1 and 9", level);
      return NULL;
    }
  if (in_len > G_MAXUINT / 2)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS, "too large to compress");
      return NULL;
    }
  if (deflateInit2 (&zs, level, Z_DEFLATED, GZIP_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_FAILED, "cannot initialize zlib");
      return NULL;
    }
  /* deflateBound() covers the gzip header and trailer: one call suffices. */
  out_cap = deflateBound (&zs, (uLong) in_len);
  out = g_malloc (out_cap);
  zs.next_in = (Bytef *) in;
  zs.avail_in = (uInt) in_len;
  zs.next_out = out;
  zs.avail_out = (uInt) out_cap;
  ret = deflate (&zs, Z_FINISH);
  out_cap = zs.total_out;
  deflateEnd (&zs);
  if (ret != Z_STREAM_END)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "deflate failed (%d)", ret);
      return NULL;
    }
  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), out_cap), out_cap);
}

static void
prov_gzip_plugin_codec_init (ProvCodecInterface *iface)
{
  iface->decode = prov_gzip_plugin_decode;
  iface->encode = prov_gzip_plugin_encode;
}

static void
prov_gzip_plugin_class_init (ProvGzipPluginClass *klass)
{
}

static void
prov_gzip_plugin_init (ProvGzipPlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  static const char *const magic[] = { "1f8b", NULL };
  static const char *const encodings[] = { "gzip", "x-gzip", NULL };

  return g_object_new (PROV_TYPE_GZIP_PLUGIN,
                       "name", "gzip",
                       "description", "gzip (RFC 1952) payload layer",
                       "magic", magic,
                       "content-encodings", encodings,
                       NULL);
}
