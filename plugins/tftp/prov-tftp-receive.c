/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the server sends: OACK, DATA (lock-step or windows), ERROR. */
#include "config.h"

#include "prov-tftp-socket.h"
#include "prov-tftp-transfer-private.h"

static void
set_server_ip (ProvTftpTransfer *t, GSocketAddress *from)
{
  GInetAddress *address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (from));
  g_autofree char *ip = g_inet_address_to_string (address);

  prov_fetch_set_server_ip (t->fetch, ip);
}

static void
too_large (ProvTftpTransfer *t)
{
  prov_tftp_send_error (t, t->peer, PROV_TFTP_ERR_DISK_FULL, "Disk full or allocation exceeded");
  prov_tftp_fail (t, PROV_ERROR_TRANSPORT, "too large");
}

static void
enter_transfer (ProvTftpTransfer *t, GSocketAddress *from)
{
  t->state = PROV_TFTP_STATE_TRANSFER;
  g_set_object (&t->peer, from);
  set_server_ip (t, from);
  t->block = 0;
  t->window_end = t->windowsize;
  t->gap_acked = FALSE;
  prov_tftp_reset_backoff (t);
  prov_tftp_arm_timer (t, g_get_monotonic_time ());
  g_debug ("transfer %u: server port %u, blksize %u, windowsize %u, tsize %" G_GUINT64_FORMAT,
           t->id, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from)), t->blksize,
           t->windowsize, t->tsize);
}

/* A duplicate means our last ACK was lost or is late. Answer it, but at
 * most once per timeout: answering every duplicate doubles the traffic on
 * each round (the Sorcerer's Apprentice syndrome). */
static void
maybe_reack (ProvTftpTransfer *t)
{
  if (g_get_monotonic_time () - t->last_ack_time >= t->interval)
    prov_tftp_send_ack (t);
}

static void
finish (ProvTftpTransfer *t)
{
  prov_tftp_send_ack (t);
  if (t->tsize != 0 && t->tsize != t->received)
    g_debug ("transfer %u: tsize said %" G_GUINT64_FORMAT " bytes, got %" G_GUINT64_FORMAT,
             t->id, t->tsize, t->received);
  prov_fetch_report_progress (t->fetch, t->received, t->tsize);
  prov_tftp_complete (t, NULL);
}

/* Returns FALSE when the transfer ended. */
static gboolean
handle_data (ProvTftpTransfer *t, const ProvTftpPacket *packet)
{
  guint16 expected = (t->block + 1) & 0xffff;
  guint16 distance = packet->block - expected;
  GError *error = NULL;
  gboolean last;

  if (packet->payload_len > t->blksize)
    {
      prov_tftp_send_error (t, t->peer, PROV_TFTP_ERR_ILLEGAL_OP, "Block larger than blksize");
      prov_tftp_fail (t, PROV_ERROR_TRANSPORT, "tftp protocol error");
      return FALSE;
    }
  if (distance != 0)
    {
      /* Ahead: blocks of the window were lost. ACK what we have, once, and
       * the server resends from there (RFC 7440); the rest of this window
       * is ignored meanwhile. Behind: a duplicate. */
      if (distance < 0x8000)
        {
          if (!t->gap_acked)
            prov_tftp_send_ack (t);
          t->gap_acked = TRUE;
        }
      else
        maybe_reack (t);
      return TRUE;
    }
  if (t->received + packet->payload_len > t->max_size)
    {
      too_large (t);
      return FALSE;
    }
  last = packet->payload_len < t->blksize;
  t->block++;
  t->gap_acked = FALSE;
  prov_tftp_note_progress (t, g_get_monotonic_time ());
  /* The ACK goes out before the block is handed on: the server reads and
   * sends the next window while the sink parses or writes this block,
   * instead of the two taking turns (in lock-step that turn was most of a
   * block's round trip). A block the sink then refuses still ends the
   * transfer with ERROR 0 before the next one is taken. The last block is
   * ACKed only once the sink has it: that ACK tells the server the whole
   * file arrived. */
  if (!last && t->block >= t->window_end)
    prov_tftp_send_ack (t);
  /* Only the block in sequence reaches the consumer, once. */
  if (!prov_fetch_deliver (t->fetch, packet->payload, packet->payload_len, NULL, &error))
    {
      prov_tftp_send_error (t, t->peer, PROV_TFTP_ERR_UNDEFINED, "Transfer aborted");
      prov_tftp_complete (t, g_steal_pointer (&error));
      return FALSE;
    }
  t->received += packet->payload_len;
  if (last)
    {
      finish (t);
      return FALSE;
    }
  if (t->received - t->reported >= PROV_TFTP_PROGRESS_STEP)
    {
      t->reported = t->received;
      prov_fetch_report_progress (t->fetch, t->reported, t->tsize);
    }
  return TRUE;
}

static gboolean
handle_oack (ProvTftpTransfer *t, GSocketAddress *from, const ProvTftpPacket *packet)
{
  ProvTftpOptions acked;
  g_autoptr(GError) error = NULL;

  if (!prov_tftp_parse_oack (packet, &t->requested, &acked, &error))
    {
      g_debug ("transfer %u: bad option acknowledgement: %s", t->id, error->message);
      prov_tftp_send_error (t, from, PROV_TFTP_ERR_OPTIONS, "Option negotiation failed");
      prov_tftp_restart_plain (t);
      return FALSE;
    }
  t->blksize = acked.blksize != 0 ? acked.blksize : PROV_TFTP_BLKSIZE_DEFAULT;
  t->windowsize = acked.windowsize != 0 ? acked.windowsize : 1;
  t->tsize = acked.has_tsize ? acked.tsize : 0;
  enter_transfer (t, from);
  if (t->tsize > t->max_size)
    {
      too_large (t);
      return FALSE;
    }
  if (t->tsize != 0)
    prov_fetch_report_progress (t->fetch, 0, t->tsize);
  prov_tftp_send_ack (t);
  return TRUE;
}

static gboolean
handle_error (ProvTftpTransfer *t, GSocketAddress *from, const ProvTftpPacket *packet)
{
  g_autofree char *text = prov_tftp_error_text (packet);

  g_debug ("transfer %u: server sent %s", t->id, text);
  if (t->state == PROV_TFTP_STATE_REQUEST && t->use_options
      && packet->error_code == PROV_TFTP_ERR_OPTIONS)
    {
      prov_tftp_restart_plain (t);
      return FALSE;
    }
  set_server_ip (t, from);
  if (packet->error_code == PROV_TFTP_ERR_NOT_FOUND)
    prov_tftp_fail (t, PROV_ERROR_FILE_NOT_FOUND, "file not found");
  else
    prov_tftp_fail (t, PROV_ERROR_TRANSPORT, text);
  return FALSE;
}

/* Returns FALSE when the socket is gone (transfer ended or restarted). */
gboolean
prov_tftp_receive (ProvTftpTransfer *t, GSocketAddress *from, gsize len)
{
  ProvTftpPacket packet;
  gboolean known;

  /* Before the server answered, its transfer id (port) is unknown. */
  if (t->state == PROV_TFTP_STATE_REQUEST)
    known = prov_tftp_address_equal (from, t->server, FALSE);
  else
    known = prov_tftp_address_equal (from, t->peer, TRUE);
  if (!known)
    {
      g_debug ("transfer %u: datagram from an unknown transfer id", t->id);
      prov_tftp_send_error (t, from, PROV_TFTP_ERR_UNKNOWN_TID, "Unknown transfer ID");
      return TRUE;
    }
  if (!prov_tftp_parse (t->buf, len, &packet))
    {
      g_debug ("transfer %u: ignoring a malformed datagram", t->id);
      return TRUE;
    }
  switch (packet.opcode)
    {
    case PROV_TFTP_OP_DATA:
      if (t->state == PROV_TFTP_STATE_REQUEST)
        {
          /* DATA instead of OACK: the server ignored our options. */
          t->blksize = PROV_TFTP_BLKSIZE_DEFAULT;
          t->windowsize = 1;
          t->tsize = 0;
          enter_transfer (t, from);
        }
      return handle_data (t, &packet);
    case PROV_TFTP_OP_OACK:
      if (t->state == PROV_TFTP_STATE_REQUEST && t->use_options)
        return handle_oack (t, from, &packet);
      if (t->state == PROV_TFTP_STATE_TRANSFER && t->block == 0 && t->use_options)
        maybe_reack (t); /* our ACK 0 was lost */
      return TRUE;
    case PROV_TFTP_OP_ERROR:
      return handle_error (t, from, &packet);
    case PROV_TFTP_OP_RRQ:
    case PROV_TFTP_OP_WRQ:
    case PROV_TFTP_OP_ACK:
    default:
      g_debug ("transfer %u: ignoring opcode %u", t->id, packet.opcode);
      return TRUE;
    }
}
