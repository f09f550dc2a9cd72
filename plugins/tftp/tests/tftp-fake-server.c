/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tftp-fake-server.h"

#define OP_RRQ   1
#define OP_DATA  3
#define OP_ACK   4
#define OP_ERROR 5
#define OP_OACK  6

/* Retransmit timeout and attempts of the fake server. */
#define FAKE_TIMEOUT_US (200 * 1000)
#define FAKE_ATTEMPTS   20

static GSocket *
udp_socket (const char *ip, guint16 port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (address, port);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, local, FALSE, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&socket);
}

static guint16
local_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

static gboolean
same_address (GSocketAddress *a, GSocketAddress *b)
{
  GInetSocketAddress *x = G_INET_SOCKET_ADDRESS (a), *y = G_INET_SOCKET_ADDRESS (b);

  return g_inet_socket_address_get_port (x) == g_inet_socket_address_get_port (y)
         && g_inet_address_equal (g_inet_socket_address_get_address (x),
                                  g_inet_socket_address_get_address (y));
}

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static guint16
get16 (const guint8 *p)
{
  return (p[0] << 8) | p[1];
}

static void
send_error (GSocket *socket, GSocketAddress *to, guint16 code, const char *message)
{
  guint8 packet[256];
  gsize len = 4 + strlen (message) + 1;

  g_assert_cmpuint (len, <=, sizeof packet);
  put16 (packet, OP_ERROR);
  put16 (packet + 2, code);
  memcpy (packet + 4, message, len - 4);
  g_socket_send_to (socket, to, (const char *) packet, len, NULL, NULL);
}

/* Reads one datagram from @client within @timeout_us; returns its length or
 * -1. Datagrams from anyone else are dropped. */
static gssize
receive_from_client (GSocket *socket, GSocketAddress *client, guint8 *buf, gsize size,
                     gint64 timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;

  for (;;)
    {
      g_autoptr(GSocketAddress) from = NULL;
      gint64 left = end - g_get_monotonic_time ();
      gssize n;

      if (left <= 0 || !g_socket_condition_timed_wait (socket, G_IO_IN, left, NULL, NULL))
        return -1;
      n = g_socket_receive_from (socket, &from, (char *) buf, size, NULL, NULL);
      if (n >= 0 && same_address (from, client))
        return n;
    }
}

/* Waits for ACK @block (ACKs of older blocks are counted as duplicates).
 * Returns FALSE on timeout or when the client sent an ERROR. */
static gboolean
wait_ack (TtFake *fake, GSocket *socket, GSocketAddress *client, guint64 block,
          gboolean *client_failed)
{
  gint64 end = g_get_monotonic_time () + FAKE_TIMEOUT_US;

  for (;;)
    {
      guint8 buf[600];
      gssize n = receive_from_client (socket, client, buf, sizeof buf,
                                      end - g_get_monotonic_time ());

      if (n < 0)
        return FALSE;
      if (n >= 4 && get16 (buf) == OP_ERROR)
        {
          fake->client_error = get16 (buf + 2);
          g_free (fake->client_error_message);
          fake->client_error_message = g_strndup ((const char *) buf + 4, n - 4);
          *client_failed = TRUE;
          return FALSE;
        }
      if (n >= 4 && get16 (buf) == OP_ACK)
        {
          fake->acks_received++;
          if (get16 (buf + 2) == (block & 0xffff))
            return TRUE;
          fake->duplicate_acks++;
        }
    }
}

static void
intruder_burst (TtFake *fake, GSocket *intruder, GSocketAddress *client, guint64 block,
                guint blksize)
{
  g_autofree guint8 *packet = g_malloc (4 + blksize);

  put16 (packet, OP_DATA);
  put16 (packet + 2, (block + 1) & 0xffff);
  memset (packet + 4, 0xee, blksize);
  for (guint i = 0; i < fake->intruder_count; i++)
    g_socket_send_to (intruder, client, (const char *) packet, 4 + blksize, NULL, NULL);
}

static void
count_intruder_errors (TtFake *fake, GSocket *intruder)
{
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

  while (fake->intruder_errors < fake->intruder_count)
    {
      guint8 buf[600];
      gint64 left = end - g_get_monotonic_time ();
      gssize n;

      if (left <= 0 || !g_socket_condition_timed_wait (intruder, G_IO_IN, left, NULL, NULL))
        return;
      n = g_socket_receive (intruder, (char *) buf, sizeof buf, NULL, NULL);
      if (n >= 4 && get16 (buf) == OP_ERROR && get16 (buf + 2) == 5)
        fake->intruder_errors++;
    }
}

/* Sends an OACK for what we support; returns the block size. */
static guint
send_oack (TtFake *fake, GSocket *socket, GSocketAddress *client, GHashTable *options)
{
  g_autoptr(GByteArray) packet = g_byte_array_new ();
  guint8 op[2];
  guint blksize = 512;
  const char *value;
  g_autofree char *tsize = NULL;

  put16 (op, OP_OACK);
  g_byte_array_append (packet, op, 2);
#define ADD(name, text)                                                        \
  G_STMT_START                                                                 \
  {                                                                            \
    g_byte_array_append (packet, (const guint8 *) name, strlen (name) + 1);    \
    g_byte_array_append (packet, (const guint8 *) (text), strlen (text) + 1);  \
  }                                                                            \
  G_STMT_END
  if ((value = g_hash_table_lookup (options, "blksize")) != NULL)
    {
      blksize = MIN (atoi (value), 65464);
      ADD ("blksize", value);
    }
  if ((value = g_hash_table_lookup (options, "tsize")) != NULL)
    {
      tsize = g_strdup_printf ("%" G_GUINT64_FORMAT,
                               fake->claimed_tsize != 0 ? fake->claimed_tsize
                                                        : g_bytes_get_size (fake->file));
      ADD ("tsize", tsize);
    }
  if ((value = g_hash_table_lookup (options, "timeout")) != NULL)
    ADD ("timeout", value);
  if (fake->bogus_oack)
    ADD ("multicast", ",,1");
#undef ADD
  g_socket_send_to (socket, client, (const char *) packet->data, packet->len, NULL, NULL);
  return blksize;
}

static void
serve (TtFake *fake, GSocketAddress *client, GHashTable *options)
{
  g_autoptr(GSocket) socket = udp_socket (fake->ip, 0);
  g_autoptr(GSocket) intruder = NULL;
  gsize size = fake->file != NULL ? g_bytes_get_size (fake->file) : 0;
  const guint8 *data = fake->file != NULL ? g_bytes_get_data (fake->file, NULL) : NULL;
  gboolean client_failed = FALSE;
  g_autofree guint8 *packet = NULL;
  guint blksize = 512;
  guint64 blocks;

  if (fake->intruder_count != 0)
    intruder = udp_socket (fake->ip, 0);
  if (options != NULL && g_hash_table_size (options) != 0)
    {
      gboolean acked = FALSE;

      for (guint i = 0; i < FAKE_ATTEMPTS && !acked && !client_failed; i++)
        {
          blksize = send_oack (fake, socket, client, options);
          acked = wait_ack (fake, socket, client, 0, &client_failed);
        }
      if (!acked)
        return;
    }
  packet = g_malloc (4 + blksize);
  blocks = size / blksize + 1;
  for (guint64 b = 1; b <= blocks; b++)
    {
      gsize offset = (b - 1) * blksize;
      gsize len = MIN (blksize, size - offset);
      gboolean acked = FALSE;

      put16 (packet, OP_DATA);
      put16 (packet + 2, b & 0xffff);
      if (len != 0)
        memcpy (packet + 4, data + offset, len);
      for (guint i = 0; i < FAKE_ATTEMPTS && !acked && !client_failed; i++)
        {
          g_socket_send_to (socket, client, (const char *) packet, 4 + len, NULL, NULL);
          fake->data_sent++;
          if (fake->duplicate_data)
            {
              g_socket_send_to (socket, client, (const char *) packet, 4 + len, NULL, NULL);
              fake->data_sent++;
            }
          if (intruder != NULL && b == fake->intruder_block && i == 0)
            intruder_burst (fake, intruder, client, b, blksize);
          acked = wait_ack (fake, socket, client, b, &client_failed);
        }
      if (!acked)
        return;
    }
  fake->completed = TRUE;
  /* Late duplicate ACKs of the last block would show an ACK storm. */
  wait_ack (fake, socket, client, G_MAXUINT64, &client_failed);
  if (intruder != NULL)
    count_intruder_errors (fake, intruder);
}

/* Parses "file\0mode\0opt\0value\0…" into @options; records the request. */
static char *
parse_request (const guint8 *buf, gsize len, GHashTable *options)
{
  const char *p = (const char *) buf + 2, *end = (const char *) buf + len;
  g_autoptr(GString) text = g_string_new (NULL);
  guint field = 0;
  const char *name = NULL;

  while (p < end)
    {
      const char *nul = memchr (p, '\0', end - p);

      if (nul == NULL)
        break;
      if (field == 0)
        g_string_append (text, p);
      else if (field >= 2 && field % 2 == 0)
        name = p;
      else if (field >= 3)
        {
          g_hash_table_insert (options, g_ascii_strdown (name, -1), g_strdup (p));
          g_string_append_printf (text, " %s=%s", name, p);
        }
      field++;
      p = nul + 1;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gpointer
fake_thread (gpointer data)
{
  TtFake *fake = data;

  while (!g_atomic_int_get (&fake->stop))
    {
      g_autoptr(GSocketAddress) client = NULL;
      g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             g_free);
      g_autoptr(GSocket) reply = NULL;
      guint8 buf[600];
      gssize n;

      if (!g_socket_condition_timed_wait (fake->listen, G_IO_IN, 20 * 1000, NULL, NULL))
        continue;
      n = g_socket_receive_from (fake->listen, &client, (char *) buf, sizeof buf, NULL, NULL);
      if (n < 4 || get16 (buf) != OP_RRQ)
        continue;
      g_ptr_array_add (fake->requests, parse_request (buf, n, options));
      switch (fake->mode)
        {
        case TT_FAKE_SILENT:
          break;
        case TT_FAKE_ERROR:
          reply = udp_socket (fake->ip, 0);
          send_error (reply, client, fake->error_code, fake->error_message);
          break;
        case TT_FAKE_REFUSE_OPTIONS:
          if (g_hash_table_size (options) != 0)
            {
              reply = udp_socket (fake->ip, 0);
              send_error (reply, client, 8, "Options refused");
              break;
            }
          serve (fake, client, NULL);
          break;
        case TT_FAKE_IGNORE_OPTIONS:
          serve (fake, client, NULL);
          break;
        case TT_FAKE_OACK:
        default:
          serve (fake, client, options);
          break;
        }
    }
  return NULL;
}

void
tt_fake_start (TtFake *fake)
{
  if (fake->ip == NULL)
    fake->ip = "127.0.0.1";
  fake->requests = g_ptr_array_new_with_free_func (g_free);
  fake->client_error = 0xffff;
  fake->listen = udp_socket (fake->ip, fake->port);
  fake->port = local_port (fake->listen);
  fake->thread = g_thread_new ("tftp-fake", fake_thread, fake);
}

void
tt_fake_stop (TtFake *fake)
{
  g_atomic_int_set (&fake->stop, 1);
  g_clear_pointer (&fake->thread, g_thread_join);
  g_clear_object (&fake->listen);
}

void
tt_fake_clear (TtFake *fake)
{
  tt_fake_stop (fake);
  g_clear_pointer (&fake->requests, g_ptr_array_unref);
  g_clear_pointer (&fake->client_error_message, g_free);
}

static gpointer
relay_thread (gpointer data)
{
  TtRelay *relay = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (relay->seed);
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (relay->ip);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new (ip, relay->server_port);
  g_autoptr(GSocketAddress) client = NULL;
  g_autoptr(GSocketAddress) server_tid = NULL;
  g_autofree guint8 *buf = g_malloc (65536);
  GSocket *sockets[3] = { relay->listen, relay->transfer, relay->upstream };
  GPollFD fds[3];

  for (guint i = 0; i < 3; i++)
    {
      fds[i].fd = g_socket_get_fd (sockets[i]);
      fds[i].events = G_IO_IN;
    }
  while (!g_atomic_int_get (&relay->stop))
    {
      if (g_poll (fds, 3, 20) <= 0)
        continue;
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(GSocketAddress) from = NULL;
          GSocket *out = NULL;
          GSocketAddress *to = NULL;
          gssize n;

          if ((fds[i].revents & G_IO_IN) == 0)
            continue;
          n = g_socket_receive_from (sockets[i], &from, (char *) buf, 65536, NULL, NULL);
          if (n < 0)
            continue;
          if (i == 0)
            {
              g_set_object (&client, from);
              out = relay->upstream;
              to = server;
            }
          else if (i == 1 && client != NULL && same_address (from, client))
            {
              out = relay->upstream;
              to = server_tid;
            }
          else if (i == 2)
            {
              /* The first transfer id wins, as it would for the client. */
              if (server_tid == NULL)
                server_tid = g_object_ref (from);
              if (same_address (from, server_tid))
                {
                  out = relay->transfer;
                  to = client;
                }
            }
          if (to == NULL)
            continue;
          if (g_rand_double (rand) < relay->loss)
            {
              relay->dropped++;
              continue;
            }
          relay->forwarded++;
          g_socket_send_to (out, to, (const char *) buf, n, NULL, NULL);
        }
    }
  return NULL;
}

void
tt_relay_start (TtRelay *relay)
{
  if (relay->ip == NULL)
    relay->ip = "127.0.0.1";
  relay->listen = udp_socket (relay->ip, 0);
  relay->transfer = udp_socket (relay->ip, 0);
  relay->upstream = udp_socket (relay->ip, 0);
  relay->port = local_port (relay->listen);
  relay->thread = g_thread_new ("tftp-relay", relay_thread, relay);
}

void
tt_relay_stop (TtRelay *relay)
{
  g_atomic_int_set (&relay->stop, 1);
  g_clear_pointer (&relay->thread, g_thread_join);
  g_clear_object (&relay->listen);
  g_clear_object (&relay->transfer);
  g_clear_object (&relay->upstream);
}
