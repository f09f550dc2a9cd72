/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-tftp-packet.h"

/* Error texts from a server end up in status and syslog: keep them short
 * and printable. */
#define ERROR_TEXT_MAX 100

typedef struct
{
  guint8 *buf;
  gsize   size;
  gsize   len;
  gboolean overflow;
} Writer;

static void
put_u16 (Writer *w, guint16 value)
{
  if (w->len + 2 > w->size)
    {
      w->overflow = TRUE;
      return;
    }
  w->buf[w->len++] = value >> 8;
  w->buf[w->len++] = value & 0xff;
}

static void
put_string (Writer *w, const char *s)
{
  gsize n = strlen (s) + 1;

  if (w->len + n > w->size)
    {
      w->overflow = TRUE;
      return;
    }
  memcpy (w->buf + w->len, s, n);
  w->len += n;
}

static void
put_option (Writer *w, const char *name, guint64 value)
{
  char text[24];

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  put_string (w, name);
  put_string (w, text);
}

/* Returns the request's length, or 0 when it does not fit @size (or 512
 * octets once options are present). */
gsize
prov_tftp_build_rrq (guint8 *buf, gsize size, const char *filename, const ProvTftpOptions *options)
{
  Writer w = { buf, size, 0, FALSE };

  if (options != NULL)
    w.size = MIN (size, PROV_TFTP_REQUEST_MAX);
  put_u16 (&w, PROV_TFTP_OP_RRQ);
  put_string (&w, filename);
  put_string (&w, "octet");
  if (options != NULL)
    {
      if (options->blksize != 0)
        put_option (&w, "blksize", options->blksize);
      if (options->has_tsize)
        put_option (&w, "tsize", 0);
      if (options->timeout != 0)
        put_option (&w, "timeout", options->timeout);
      if (options->windowsize != 0)
        put_option (&w, "windowsize", options->windowsize);
    }
  return w.overflow ? 0 : w.len;
}

gsize
prov_tftp_build_ack (guint8 *buf, gsize size, guint16 block)
{
  Writer w = { buf, size, 0, FALSE };

  put_u16 (&w, PROV_TFTP_OP_ACK);
  put_u16 (&w, block);
  return w.overflow ? 0 : w.len;
}

gsize
prov_tftp_build_error (guint8 *buf, gsize size, guint16 code, const char *message)
{
  Writer w = { buf, size, 0, FALSE };

  put_u16 (&w, PROV_TFTP_OP_ERROR);
  put_u16 (&w, code);
  put_string (&w, message);
  return w.overflow ? 0 : w.len;
}

gboolean
prov_tftp_parse (const guint8 *buf, gsize len, ProvTftpPacket *packet)
{
  memset (packet, 0, sizeof *packet);
  if (len < 2)
    return FALSE;
  packet->opcode = (buf[0] << 8) | buf[1];
  switch (packet->opcode)
    {
    case PROV_TFTP_OP_DATA:
    case PROV_TFTP_OP_ACK:
      if (len < 4)
        return FALSE;
      packet->block = (buf[2] << 8) | buf[3];
      packet->payload = buf + 4;
      packet->payload_len = len - 4;
      return TRUE;
    case PROV_TFTP_OP_ERROR:
      {
        const guint8 *end;

        if (len < 4)
          return FALSE;
        packet->error_code = (buf[2] << 8) | buf[3];
        packet->error_message = (const char *) buf + 4;
        end = memchr (buf + 4, '\0', len - 4);
        packet->error_message_len = end != NULL ? (gsize) (end - (buf + 4)) : len - 4;
        return TRUE;
      }
    case PROV_TFTP_OP_OACK:
    case PROV_TFTP_OP_RRQ:
    case PROV_TFTP_OP_WRQ:
      packet->payload = buf + 2;
      packet->payload_len = len - 2;
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
parse_value (const char *text, guint64 min, guint64 max, guint64 *out)
{
  if (*text == '\0' || strlen (text) > 20)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (text, 10, min, max, out, NULL);
}

/* RFC 2347: an OACK may only acknowledge options that were requested, and
 * RFC 2348/7440 allow the server to lower blksize and windowsize, never to
 * raise them. */
gboolean
prov_tftp_parse_oack (const ProvTftpPacket  *packet,
                      const ProvTftpOptions *requested,
                      ProvTftpOptions       *acked,
                      GError               **error)
{
  const char *p = (const char *) packet->payload;
  const char *end = p + packet->payload_len;

  memset (acked, 0, sizeof *acked);
  while (p < end)
    {
      const char *name = p, *value;
      const char *name_end = memchr (name, '\0', end - name);
      const char *value_end;
      guint64 v;
      gboolean ok;

      if (name_end == NULL)
        break;
      value = name_end + 1;
      value_end = value < end ? memchr (value, '\0', end - value) : NULL;
      if (value_end == NULL)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "truncated option %s", name);
          return FALSE;
        }
      p = value_end + 1;

      if (g_ascii_strcasecmp (name, "blksize") == 0 && requested->blksize != 0
          && acked->blksize == 0)
        {
          ok = parse_value (value, PROV_TFTP_BLKSIZE_MIN, requested->blksize, &v);
          acked->blksize = v;
        }
      else if (g_ascii_strcasecmp (name, "windowsize") == 0 && requested->windowsize != 0
               && acked->windowsize == 0)
        {
          ok = parse_value (value, 1, requested->windowsize, &v);
          acked->windowsize = v;
        }
      else if (g_ascii_strcasecmp (name, "timeout") == 0 && requested->timeout != 0
               && acked->timeout == 0)
        {
          ok = parse_value (value, 1, 255, &v);
          acked->timeout = v;
        }
      else if (g_ascii_strcasecmp (name, "tsize") == 0 && requested->has_tsize && !acked->has_tsize)
        {
          ok = parse_value (value, 0, G_MAXUINT64, &v);
          acked->tsize = v;
          acked->has_tsize = TRUE;
        }
      else
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT,
                       "unrequested or repeated option %s", name);
          return FALSE;
        }
      if (!ok)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "bad value %s=%s", name, value);
          return FALSE;
        }
    }
  if (p != end)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "truncated option list");
      return FALSE;
    }
  return TRUE;
}

/* "tftp error 2: Access violation": the $ERR text of an ERROR packet. */
char *
prov_tftp_error_text (const ProvTftpPacket *packet)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; i < packet->error_message_len && text->len < ERROR_TEXT_MAX; i++)
    {
      char c = packet->error_message[i];

      g_string_append_c (text, g_ascii_isprint (c) ? c : '?');
    }
  g_strstrip (text->str);
  if (text->str[0] == '\0')
    return g_strdup_printf ("tftp error %u", packet->error_code);
  return g_strdup_printf ("tftp error %u: %s", packet->error_code, text->str);
}
