/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A transfer's life: the request, every address in turn, retransmission
 * timers, the whole-transfer bound, cancellation. */
#include "config.h"

#include <string.h>

#include "prov-tftp-socket.h"
#include "prov-tftp-transfer.h"
#include "prov-tftp-transfer-private.h"

#define DEFAULT_PORT 69
/* Back-off doubles the retransmit timeout up to this, or up to the
 * configured timeout when that is longer. */
#define MAX_INTERVAL (8 * G_USEC_PER_SEC)
/* Datagrams read per wake-up before the timers get a turn. */
#define MAX_BURST 64

static void try_address (ProvTftpTransfer *t);

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
close_socket (ProvTftpTransfer *t)
{
  clear_source (&t->socket_source);
  if (t->socket != NULL)
    g_socket_close (t->socket, NULL);
  g_clear_object (&t->socket);
}

static void
transfer_free (gpointer data)
{
  ProvTftpTransfer *t = data;

  close_socket (t);
  clear_source (&t->timer);
  clear_source (&t->deadline);
  clear_source (&t->cancel_source);
  g_clear_object (&t->fetch);
  g_free (t->filename);
  g_list_free_full (t->addresses, g_object_unref);
  g_clear_error (&t->address_error);
  g_clear_object (&t->server);
  g_clear_object (&t->peer);
  g_free (t->buf);
  g_free (t);
}

/* Ends the transfer; @t may be freed on return. */
void
prov_tftp_complete (ProvTftpTransfer *t, GError *error)
{
  GTask *task = g_steal_pointer (&t->task);

  g_assert (task != NULL);
  t->done = TRUE;
  close_socket (t);
  clear_source (&t->timer);
  clear_source (&t->deadline);
  clear_source (&t->cancel_source);
  if (error != NULL)
    {
      g_debug ("transfer %u: failed: %s", t->id, error->message);
      g_task_return_error (task, error);
    }
  else
    {
      g_debug ("transfer %u: received %" G_GUINT64_FORMAT " bytes", t->id, t->received);
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
}

void
prov_tftp_fail (ProvTftpTransfer *t, ProvError code, const char *message)
{
  prov_tftp_complete (t, g_error_new_literal (PROV_ERROR, code, message));
}

static void
send_to (ProvTftpTransfer *t, GSocketAddress *to, const guint8 *packet, gsize len)
{
  g_autoptr(GError) error = NULL;

  /* A lost datagram is what retransmission is for. */
  if (g_socket_send_to (t->socket, to, (const char *) packet, len, NULL, &error) < 0)
    g_debug ("transfer %u: send: %s", t->id, error->message);
}

void
prov_tftp_send_error (ProvTftpTransfer *t, GSocketAddress *to, guint16 code, const char *message)
{
  guint8 packet[64];
  gsize len = prov_tftp_build_error (packet, sizeof packet, code, message);

  if (to != NULL && t->socket != NULL)
    send_to (t, to, packet, len);
}

static void
send_request (ProvTftpTransfer *t)
{
  guint8 packet[PROV_TFTP_REQUEST_MAX];
  gsize len = prov_tftp_build_rrq (packet, sizeof packet, t->filename,
                                   t->use_options ? &t->requested : NULL);

  send_to (t, t->server, packet, len);
}

/* ACKs the last in-order block; the server (re)sends the window after it. */
void
prov_tftp_send_ack (ProvTftpTransfer *t)
{
  guint8 packet[4];

  send_to (t, t->peer, packet, prov_tftp_build_ack (packet, sizeof packet, t->block & 0xffff));
  t->last_ack_time = g_get_monotonic_time ();
  t->window_end = t->block + t->windowsize;
  t->acked = TRUE;
}

void
prov_tftp_reset_backoff (ProvTftpTransfer *t)
{
  t->attempts = 0;
  t->interval = t->settings.timeout * G_USEC_PER_SEC;
}

static void
back_off (ProvTftpTransfer *t)
{
  gint64 initial = t->settings.timeout * G_USEC_PER_SEC;

  t->attempts++;
  t->interval = MIN (t->interval * 2, MAX (initial, MAX_INTERVAL));
}

static gint64
timer_due (ProvTftpTransfer *t)
{
  gint64 due = t->timer_base + t->interval;

  return t->state == PROV_TFTP_STATE_REQUEST ? MIN (due, t->address_end_time) : due;
}

/* Starts the retransmit timeout from @now. */
void
prov_tftp_arm_timer (ProvTftpTransfer *t, gint64 now)
{
  t->timer_base = now;
  g_source_set_ready_time (t->timer, timer_due (t));
}

/* Called per block: only moves the base. Setting the ready time per block
 * would wake the main context each time; the timer instead re-arms itself
 * when it fires early. */
void
prov_tftp_note_progress (ProvTftpTransfer *t, gint64 now)
{
  t->timer_base = now;
  if (t->attempts != 0)
    {
      prov_tftp_reset_backoff (t);
      prov_tftp_arm_timer (t, now);
    }
}

static void
address_failed (ProvTftpTransfer *t, GError *error)
{
  g_debug ("transfer %u: no answer from this address: %s", t->id, error->message);
  g_clear_error (&t->address_error);
  t->address_error = error;
  t->address = t->address->next;
  try_address (t);
}

void
prov_tftp_restart_plain (ProvTftpTransfer *t)
{
  g_debug ("transfer %u: options refused, retrying as plain RFC 1350", t->id);
  t->use_options = FALSE;
  try_address (t);
}

static gboolean
on_socket_ready (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  ProvTftpTransfer *t = user_data;
  g_autoptr(GError) error = NULL;
  gboolean keep = TRUE;

  /* A progress handler running a nested main loop would land here. */
  if (t->receiving)
    return G_SOURCE_CONTINUE;
  if ((condition & G_IO_ERR) != 0
      && prov_tftp_socket_take_error (socket,
                                      t->state == PROV_TFTP_STATE_REQUEST ? t->server : t->peer,
                                      &error))
    {
      if (t->state == PROV_TFTP_STATE_REQUEST)
        address_failed (t, g_steal_pointer (&error));
      else
        prov_tftp_complete (t, g_steal_pointer (&error));
      return G_SOURCE_REMOVE;
    }
  t->acked = FALSE;
  /* After an ACK the next datagram is a round trip away: back to poll
   * rather than a receive that would block. */
  t->receiving = TRUE;
  /* keep first: once it is FALSE, @t may already be freed. */
  for (guint i = 0; i < MAX_BURST && keep && !t->acked; i++)
    {
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GError) local_error = NULL;
      gssize n;

      n = g_socket_receive_from (socket, &from, (char *) t->buf, PROV_TFTP_BUFFER_SIZE, NULL,
                                 &local_error);
      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          /* A queued ICMP error about someone else surfaces here once. */
          g_debug ("transfer %u: receive: %s", t->id, local_error->message);
          continue;
        }
      keep = prov_tftp_receive (t, from, n);
    }
  /* @t is gone when the transfer ended, and has a new socket and source
   * when it restarted. */
  if (!keep)
    return G_SOURCE_REMOVE;
  t->receiving = FALSE;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timer (gpointer user_data)
{
  ProvTftpTransfer *t = user_data;
  gint64 now = g_get_monotonic_time ();

  if (now < timer_due (t))
    {
      g_source_set_ready_time (t->timer, timer_due (t));
      return G_SOURCE_CONTINUE;
    }
  if (t->state == PROV_TFTP_STATE_REQUEST)
    {
      if (t->attempts >= t->settings.retries || now >= t->address_end_time)
        {
          address_failed (t, g_error_new_literal (PROV_ERROR, PROV_ERROR_TRANSPORT, "timeout"));
          return G_SOURCE_CONTINUE;
        }
      back_off (t);
      g_debug ("transfer %u: resending request (%u)", t->id, t->attempts);
      send_request (t);
    }
  else
    {
      if (t->attempts >= t->settings.retries)
        {
          prov_tftp_send_error (t, t->peer, PROV_TFTP_ERR_UNDEFINED, "Timeout");
          prov_tftp_fail (t, PROV_ERROR_TRANSPORT, "timeout");
          return G_SOURCE_CONTINUE;
        }
      back_off (t);
      g_debug ("transfer %u: resending ACK %" G_GUINT64_FORMAT " (%u)", t->id, t->block,
               t->attempts);
      prov_tftp_send_ack (t);
    }
  prov_tftp_arm_timer (t, now);
  return G_SOURCE_CONTINUE;
}

static gboolean
timer_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

/* One timer re-armed by moving its ready time: cheaper per block than a
 * new timeout source. */
static GSourceFuncs timer_funcs = { .dispatch = timer_dispatch };

static gboolean
on_deadline (gpointer user_data)
{
  ProvTftpTransfer *t = user_data;

  if (t->state == PROV_TFTP_STATE_TRANSFER)
    prov_tftp_send_error (t, t->peer, PROV_TFTP_ERR_UNDEFINED, "Timeout");
  prov_tftp_fail (t, PROV_ERROR_TRANSPORT, "timeout");
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  ProvTftpTransfer *t = user_data;

  if (t->state == PROV_TFTP_STATE_TRANSFER)
    prov_tftp_send_error (t, t->peer, PROV_TFTP_ERR_UNDEFINED, "Transfer cancelled");
  prov_tftp_fail (t, PROV_ERROR_CANCELLED, "cancelled");
  return G_SOURCE_REMOVE;
}

static void
try_address (ProvTftpTransfer *t)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ip = NULL;
  GInetAddress *address;
  gint64 now = g_get_monotonic_time ();
  guint left;

  close_socket (t);
  g_clear_object (&t->server);
  g_clear_object (&t->peer);
  t->receiving = FALSE;
  if (t->address == NULL)
    {
      prov_tftp_complete (t, t->address_error != NULL
                               ? g_steal_pointer (&t->address_error)
                               : g_error_new_literal (PROV_ERROR, PROV_ERROR_TRANSPORT,
                                                      "timeout"));
      return;
    }
  address = t->address->data;
  t->socket = prov_tftp_socket_new (g_inet_address_get_family (address), &error);
  if (t->socket == NULL)
    {
      prov_error_convert (&error);
      address_failed (t, g_steal_pointer (&error));
      return;
    }
  t->server = g_inet_socket_address_new (address, t->port);
  t->state = PROV_TFTP_STATE_REQUEST;
  prov_tftp_reset_backoff (t);
  /* The addresses left share what is left of the bound, so that one that
   * swallows requests cannot use it all. */
  left = g_list_length (t->address);
  t->address_end_time = G_MAXINT64;
  if (left > 1 && t->end_time != G_MAXINT64)
    t->address_end_time = now + (t->end_time - now) / left;
  t->socket_source = g_socket_create_source (t->socket, G_IO_IN | G_IO_ERR, NULL);
  g_source_set_callback (t->socket_source, G_SOURCE_FUNC (on_socket_ready), t, NULL);
  /* GLib blocks a non-recursive source during its dispatch by removing
   * and re-adding its fd, which wakes the context twice per datagram.
   * on_socket_ready guards against re-entry itself. */
  g_source_set_can_recurse (t->socket_source, TRUE);
  g_source_attach (t->socket_source, g_task_get_context (t->task));
  ip = g_inet_address_to_string (address);
  g_debug ("transfer %u: requesting %s from %s port %u%s", t->id, t->filename, ip, t->port,
           t->use_options ? "" : " without options");
  send_request (t);
  prov_tftp_arm_timer (t, now);
}

static void
on_resolved (GObject *resolver, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ProvTftpTransfer *t = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (resolver), result, &error);
  if (t->done)
    {
      g_resolver_free_addresses (addresses);
      return;
    }
  if (addresses == NULL)
    {
      g_debug ("transfer %u: resolving: %s", t->id, error->message);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        prov_tftp_fail (t, PROV_ERROR_CANCELLED, "cancelled");
      else if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        prov_tftp_fail (t, PROV_ERROR_TRANSPORT, "host not found");
      else
        prov_tftp_fail (t, PROV_ERROR_TRANSPORT, "name resolution failed");
      return;
    }
  t->addresses = addresses;
  t->address = addresses;
  try_address (t);
}

/* The URL path as written, leading '/' included, percent-decoded: phones
 * send "/Cisco/CP-8845-3PCC/x.cfg" and servers' device detection matches on
 * it. tftpd-hpa --secure and atftpd take it relative to their root;
 * tftpd-hpa without --secure wants the full path, which the URL then names. */
static char *
make_filename (ProvFetch *fetch)
{
  const char *path = prov_fetch_get_path (fetch);
  g_autofree char *name = NULL;

  if (path == NULL)
    return NULL;
  name = g_uri_unescape_string (path, NULL);
  if (name == NULL || name[0] == '\0' || g_str_equal (name, "/"))
    return NULL;
  return g_steal_pointer (&name);
}

static void
set_requested_options (ProvTftpTransfer *t)
{
  const ProvTftpSettings *s = &t->settings;
  guint whole = (guint) s->timeout;

  t->use_options = s->options;
  if (s->blksize != PROV_TFTP_BLKSIZE_DEFAULT)
    t->requested.blksize = s->blksize;
  if (s->windowsize > 1)
    t->requested.windowsize = s->windowsize;
  /* RFC 2349 has whole seconds only; a shorter local timeout is kept to
   * ourselves and the server keeps its own. */
  if (whole >= 1 && (double) whole == s->timeout)
    t->requested.timeout = whole;
  t->requested.has_tsize = s->tsize;
  if (t->requested.blksize == 0 && t->requested.windowsize == 0 && t->requested.timeout == 0
      && !t->requested.has_tsize)
    t->use_options = FALSE;
}

void
prov_tftp_transfer_async (gpointer             source_object,
                          ProvFetch           *fetch,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(GResolver) resolver = NULL;
  g_autofree char *host = NULL;
  guint8 probe[PROV_TFTP_REQUEST_MAX];
  guint timeout;
  ProvTftpTransfer *t;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_tftp_transfer_async);
  /* Cancellation is reported as PROV_ERROR_CANCELLED, not GIO's. */
  g_task_set_check_cancellable (task, FALSE);
  t = g_new0 (ProvTftpTransfer, 1);
  g_task_set_task_data (task, t, transfer_free);
  t->task = g_object_ref (task);
  t->fetch = g_object_ref (fetch);
  t->id = prov_fetch_get_id (fetch);
  t->port = prov_fetch_get_port (fetch) != 0 ? prov_fetch_get_port (fetch) : DEFAULT_PORT;
  /* 0 means no cap. */
  t->max_size = prov_fetch_get_max_size (fetch);
  if (t->max_size == 0)
    t->max_size = G_MAXUINT64;
  t->buf = g_malloc (PROV_TFTP_BUFFER_SIZE);
  prov_tftp_settings_load (&t->settings, fetch);
  set_requested_options (t);
  g_debug ("transfer %u: %s", t->id, prov_fetch_get_url (fetch));

  if (g_cancellable_is_cancelled (cancellable))
    {
      prov_tftp_fail (t, PROV_ERROR_CANCELLED, "cancelled");
      return;
    }
  t->filename = make_filename (fetch);
  if (t->filename == NULL)
    {
      prov_tftp_fail (t, PROV_ERROR_INVALID_ARGS, "no file name");
      return;
    }
  if (prov_tftp_build_rrq (probe, sizeof probe, t->filename, &t->requested) == 0)
    {
      prov_tftp_fail (t, PROV_ERROR_INVALID_ARGS, "file name too long");
      return;
    }
  host = g_strdup (prov_fetch_get_host (fetch));
  if (host == NULL || host[0] == '\0')
    {
      prov_tftp_fail (t, PROV_ERROR_TRANSPORT, "no server");
      return;
    }

  t->timer = g_source_new (&timer_funcs, sizeof (GSource));
  g_source_set_callback (t->timer, on_timer, t, NULL);
  g_source_attach (t->timer, g_task_get_context (task));
  timeout = prov_fetch_get_timeout (fetch);
  t->end_time = G_MAXINT64;
  if (timeout != 0)
    {
      t->end_time = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;
      t->deadline = g_timeout_source_new (timeout * 1000);
      g_source_set_callback (t->deadline, on_deadline, t, NULL);
      g_source_attach (t->deadline, g_task_get_context (task));
    }
  if (cancellable != NULL)
    {
      t->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (t->cancel_source, G_SOURCE_FUNC (on_cancelled), t, NULL);
      g_source_attach (t->cancel_source, g_task_get_context (task));
    }

  /* An IPv6 literal may come with its URL brackets. */
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    {
      memmove (host, host + 1, strlen (host));
      host[strlen (host) - 1] = '\0';
    }
  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      t->addresses = g_list_prepend (NULL, g_steal_pointer (&literal));
      t->address = t->addresses;
      try_address (t);
      return;
    }
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, cancellable, on_resolved,
                                   g_object_ref (task));
}

gboolean
prov_tftp_transfer_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, prov_tftp_transfer_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
