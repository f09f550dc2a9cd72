/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "http-test-util.h"
#include "prov-error.h"
#include "prov-test.h"

/* Failures below HTTP: refused, silent and stalled peers, cancellation.
 * The peers are plain sockets on 127.0.0.1 that never accept or answer. */

/* Fills the accept queue of a listener that never accepts, so that the
 * kernel drops further SYNs: a connect to it hangs like one to a dead host. */
static GPtrArray *
fill_accept_queue (guint port)
{
  GPtrArray *clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (lo, (guint16) port);

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GSocket) client = NULL;
      g_autoptr(GError) error = NULL;

      client = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                             &error);
      g_assert_no_error (error);
      g_socket_set_blocking (client, FALSE);
      g_socket_connect (client, address, NULL, &error);
      g_assert_true (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING));
      g_ptr_array_add (clients, g_steal_pointer (&client));
    }
  return clients;
}

static void
test_connection_refused (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://127.0.0.1:%u/profile.xml",
                                               test_free_port ());
  g_auto(TestResult) result;

  test_fetch_run (plugin, fetch, NULL, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "connection refused");
  g_assert_cmpfloat (result.seconds, <, 5);
}

static void
test_connect_timeout (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  guint port;
  g_autoptr(GSocket) server = test_tcp_socket (0, &port);
  g_autoptr(GPtrArray) clients = fill_accept_queue (port);
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://127.0.0.1:%u/profile.xml", port);
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[http]\nConnectTimeout=1\n");
  test_fetch_run (plugin, fetch, NULL, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "timeout");
  g_assert_cmpfloat (result.seconds, >=, 0.9);
  g_assert_cmpfloat (result.seconds, <, 4);
}

static void
test_idle_timeout (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  guint port;
  g_autoptr(GSocket) server = test_tcp_socket (16, &port);
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://127.0.0.1:%u/profile.xml", port);
  g_auto(TestResult) result;

  /* The kernel completes the handshake; nobody ever answers. */
  test_fetch_set_device (fetch, "[http]\nIdleTimeout=1\n");
  test_fetch_run (plugin, fetch, NULL, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "timeout");
  g_assert_cmpfloat (result.seconds, >=, 0.9);
  g_assert_cmpfloat (result.seconds, <, 4);
}

static void
test_overall_timeout (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  guint port;
  g_autoptr(GSocket) server = test_tcp_socket (16, &port);
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://127.0.0.1:%u/profile.xml", port);
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[http]\nIdleTimeout=60\n");
  prov_fetch_set_timeout (fetch, 2);
  test_fetch_run (plugin, fetch, NULL, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "timeout");
  g_assert_cmpfloat (result.seconds, >=, 1.9);
  g_assert_cmpfloat (result.seconds, <, 5);
}

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  guint port;
  g_autoptr(GSocket) server = test_tcp_socket (16, &port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://127.0.0.1:%u/a.xml", port);
  g_autoptr(ProvFetch) early = test_fetch_new ("http://127.0.0.1:%u/b.xml", port);
  g_auto(TestResult) result;
  g_auto(TestResult) early_result;

  /* Cancelled while waiting for an answer that never comes… */
  g_timeout_add (200, cancel_now, cancellable);
  test_fetch_run (plugin, fetch, cancellable, &result);
  test_assert_error (&result, PROV_ERROR_CANCELLED, "cancelled");
  g_assert_cmpfloat (result.seconds, <, 5);

  /* …and before it started. */
  g_cancellable_cancel (cancelled);
  test_fetch_run (plugin, early, cancelled, &early_result);
  test_assert_error (&early_result, PROV_ERROR_CANCELLED, "cancelled");
}

static void
test_bad_scheme (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_new ("tftp://127.0.0.1/profile.xml");
  g_auto(TestResult) result;

  test_fetch_run (plugin, fetch, NULL, &result);
  g_assert_error (result.error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED);
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/http/net/connection-refused", test_connection_refused },
    { "/http/net/connect-timeout", test_connect_timeout },
    { "/http/net/idle-timeout", test_idle_timeout },
    { "/http/net/overall-timeout", test_overall_timeout },
    { "/http/net/cancel", test_cancel },
    { "/http/net/bad-scheme", test_bad_scheme },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
