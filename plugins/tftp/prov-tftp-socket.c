/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#ifdef __linux__
#include <linux/errqueue.h>
#endif

#include "prov-error.h"
#include "prov-tftp-socket.h"

/* A window of large blocks arrives as one burst; the kernel caps this at
 * net.core.rmem_max. */
#define RECEIVE_BUFFER (1 << 20)

/* A non-blocking UDP socket on an ephemeral port: its port is our transfer
 * id. ICMP errors are queued (IP_RECVERR) so that an unreachable server is
 * noticed at once instead of after every retransmission. */
GSocket *
prov_tftp_socket_new (GSocketFamily family, GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  any = g_inet_address_new_any (family);
  local = g_inet_socket_address_new (any, 0);
  if (!g_socket_bind (socket, local, FALSE, error))
    return NULL;
#ifdef IP_RECVERR
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_RECVERR, 1, NULL);
  else
    g_socket_set_option (socket, IPPROTO_IP, IP_RECVERR, 1, NULL);
#endif
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER, NULL);
  return g_steal_pointer (&socket);
}

#ifdef IP_RECVERR
static gboolean
native_equal (const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
  if (a->ss_family != b->ss_family)
    return FALSE;
  if (a->ss_family == AF_INET)
    {
      const struct sockaddr_in *x = (const void *) a, *y = (const void *) b;

      return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
  if (a->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *x = (const void *) a, *y = (const void *) b;

      return x->sin6_port == y->sin6_port
             && memcmp (&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
  return FALSE;
}

static void
set_unreachable_error (GError **error, int errnum)
{
  switch (errnum)
    {
    case ECONNREFUSED:
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "connection refused");
      break;
    case EHOSTUNREACH:
    case ENETUNREACH:
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "no route to host");
      break;
    default:
      g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "network error: %s",
                   g_strerror (errnum));
      break;
    }
}
#endif

/* Drains the socket's error queue. Returns TRUE and sets @error when an
 * ICMP error answered a datagram sent to @destination; errors about other
 * destinations (a stray sender we sent ERROR 5 to) are dropped. */
gboolean
prov_tftp_socket_take_error (GSocket *socket, GSocketAddress *destination, GError **error)
{
#ifdef IP_RECVERR
  struct sockaddr_storage want;
  int found = 0;

  if (destination == NULL || !g_socket_address_to_native (destination, &want, sizeof want, NULL))
    return FALSE;
  /* Bounded: the queue is limited by the socket's receive buffer anyway. */
  for (guint i = 0; i < 64; i++)
    {
      struct sockaddr_storage to = { 0 };
      union
      {
        struct cmsghdr align;
        char buf[512];
      } control;
      guint8 data[64];
      struct iovec iov = { data, sizeof data };
      struct msghdr msg = {
        .msg_name = &to,
        .msg_namelen = sizeof to,
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof control.buf,
      };

      if (recvmsg (g_socket_get_fd (socket), &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        break;
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
        {
          struct sock_extended_err ee;

          if (!((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR)
                || (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)))
            continue;
          memcpy (&ee, CMSG_DATA (c), sizeof ee);
          if ((ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6)
              && native_equal (&to, &want))
            found = ee.ee_errno;
        }
    }
  if (found != 0)
    {
      set_unreachable_error (error, found);
      return TRUE;
    }
#endif
  return FALSE;
}

gboolean
prov_tftp_address_equal (GSocketAddress *a, GSocketAddress *b, gboolean compare_port)
{
  GInetSocketAddress *x = G_INET_SOCKET_ADDRESS (a);
  GInetSocketAddress *y = G_INET_SOCKET_ADDRESS (b);

  if (compare_port && g_inet_socket_address_get_port (x) != g_inet_socket_address_get_port (y))
    return FALSE;
  return g_inet_address_equal (g_inet_socket_address_get_address (x),
                               g_inet_socket_address_get_address (y));
}
