/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-profile-sink.h"
#include "prov-sha256.h"

typedef enum
{
  MODE_UNDECIDED,
  MODE_PARSE,
  MODE_BUFFER,
} Mode;

struct _ProvProfileSink
{
  GOutputStream      parent_instance;

  Mode               mode;
  GByteArray        *kept;    /* MODE_BUFFER, or blanks before the decision */
  ProvProfileParser *parser;
  ProvProfileEntryFunc entry_func;
  gpointer           entry_data;
  gboolean           refused;
  ProvSha256        *sum;     /* of every byte written */
};

G_DEFINE_FINAL_TYPE (ProvProfileSink, prov_profile_sink, G_TYPE_OUTPUT_STREAM)

void
prov_profile_error_as_corrupt (GError **error)
{
  g_autofree char *msg = NULL;

  if (error == NULL || *error == NULL)
    return;
  msg = g_strdup ((*error)->message);
  g_clear_error (error);
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "%s%s",
               g_str_has_prefix (msg, "corrupt file") ? "" : "corrupt file: ", msg);
}

/* Blanks and a UTF-8 byte order mark may precede the root element. */
static gboolean
is_lead (guchar c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xef || c == 0xbb || c == 0xbf;
}

static gboolean
feed (ProvProfileSink *self, const guint8 *data, gsize len, GError **error)
{
  if (!prov_profile_parser_feed (self->parser, (const char *) data, len, error))
    {
      self->refused = TRUE;
      prov_profile_error_as_corrupt (error);
      return FALSE;
    }
  return TRUE;
}

static gssize
prov_profile_sink_write (GOutputStream  *stream,
                         const void     *buffer,
                         gsize           count,
                         GCancellable   *cancellable,
                         GError        **error)
{
  ProvProfileSink *self = PROV_PROFILE_SINK (stream);
  const guint8 *data = buffer;

  prov_sha256_update (self->sum, data, count);
  if (self->mode == MODE_UNDECIDED)
    {
      gsize i = 0;

      while (i < count && is_lead (data[i]))
        i++;
      if (i == count)
        {
          g_byte_array_append (self->kept, data, count);
          return count;
        }
      self->mode = data[i] == '<' ? MODE_PARSE : MODE_BUFFER;
      if (self->mode == MODE_PARSE)
        {
          self->parser = prov_profile_parser_new (NULL);
          if (self->entry_func != NULL)
            prov_profile_parser_set_entry_func (self->parser, self->entry_func, self->entry_data);
          if (self->kept->len > 0 && !feed (self, self->kept->data, self->kept->len, error))
            return -1;
          g_byte_array_set_size (self->kept, 0);
        }
    }
  if (self->mode == MODE_PARSE)
    return feed (self, data, count, error) ? (gssize) count : -1;
  g_byte_array_append (self->kept, data, count);
  return count;
}

static gboolean
prov_profile_sink_close (GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static void
prov_profile_sink_finalize (GObject *object)
{
  ProvProfileSink *self = PROV_PROFILE_SINK (object);

  g_byte_array_unref (self->kept);
  prov_sha256_free (self->sum);
  prov_profile_parser_free (self->parser);
  G_OBJECT_CLASS (prov_profile_sink_parent_class)->finalize (object);
}

static void
prov_profile_sink_class_init (ProvProfileSinkClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = prov_profile_sink_finalize;
  stream_class->write_fn = prov_profile_sink_write;
  stream_class->close_fn = prov_profile_sink_close;
}

static void
prov_profile_sink_init (ProvProfileSink *self)
{
  self->kept = g_byte_array_new ();
  self->sum = prov_sha256_new ();
}

const char *
prov_profile_sink_get_checksum (ProvProfileSink *self)
{
  g_return_val_if_fail (PROV_IS_PROFILE_SINK (self), NULL);
  return prov_sha256_get_string (self->sum);
}

ProvProfileSink *
prov_profile_sink_new (gboolean buffer_all, ProvProfileEntryFunc entry_func, gpointer user_data)
{
  ProvProfileSink *self = g_object_new (PROV_TYPE_PROFILE_SINK, NULL);

  self->entry_func = entry_func;
  self->entry_data = user_data;
  if (buffer_all)
    self->mode = MODE_BUFFER;
  return self;
}

ProvProfile *
prov_profile_sink_finish (ProvProfileSink *self, GBytes **payload, GError **error)
{
  ProvProfile *profile;

  g_return_val_if_fail (PROV_IS_PROFILE_SINK (self), NULL);
  g_return_val_if_fail (payload != NULL && *payload == NULL, NULL);

  if (self->mode != MODE_PARSE)
    {
      *payload = g_bytes_new (self->kept->data, self->kept->len);
      g_byte_array_set_size (self->kept, 0);
      return NULL;
    }
  profile = prov_profile_parser_finish (self->parser, error);
  if (profile == NULL)
    {
      self->refused = TRUE;
      prov_profile_error_as_corrupt (error);
    }
  return profile;
}

gboolean
prov_profile_sink_refused (ProvProfileSink *self)
{
  g_return_val_if_fail (PROV_IS_PROFILE_SINK (self), FALSE);
  return self->refused;
}
