/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv6, and host names with several addresses of which one answers. */
#include "config.h"

#include "prov-error.h"
#include "tftp-fake-server.h"
#include "tftp-test-util.h"

static ProvPlugin *plugin;

typedef struct
{
  char   *dir;
  GBytes *file;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = test_tftp_root_new ();
  f->file = tt_make_file (f->dir, "basic.txt", 100000, 7);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  test_rm_rf (f->dir);
  g_bytes_unref (f->file);
  g_free (f->dir);
}

/* The address family "localhost" resolves to first: the tests put the
 * dead address there, so that the plugin has to move on. */
static GSocketFamily
localhost_first_family (void)
{
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name (resolver, "localhost", NULL, &error);
  GSocketFamily first, second;

  g_assert_no_error (error);
  /* Both families, else nothing is tried in turn. */
  g_assert_nonnull (addresses);
  g_assert_nonnull (addresses->next);
  first = g_inet_address_get_family (addresses->data);
  second = g_inet_address_get_family (addresses->next->data);
  g_assert_cmpint (first, !=, second);
  g_resolver_free_addresses (addresses);
  return first;
}

static void
test_ipv6_literal (Fixture *f, gconstpointer data)
{
  TestTftpd *server = test_tftpd_start_hpa (f->dir, "-6", NULL);
  g_autofree char *u = g_strdup_printf ("tftp://[::1]:%u/basic.txt", server->port);
  TtFetchOptions options = { .settings = "BlockSize=1448" };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  test_tftpd_stop (server);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->file, r.payload);
  g_assert_cmpstr (r.server_ip, ==, "::1");
  tt_fetch_result_clear (&r);
}

/* The server listens on one family only; the other address of
 * "localhost" is refused (ICMP) and the next one is tried at once. */
static void
test_localhost_refused_then_next (Fixture *f, gconstpointer data)
{
  GSocketFamily first = localhost_first_family ();
  gboolean v6_first = first == G_SOCKET_FAMILY_IPV6;
  TestTftpd *server = test_tftpd_start_hpa (f->dir, v6_first ? "-4" : "-6", NULL);
  g_autofree char *u = g_strdup_printf ("tftp://localhost:%u/basic.txt", server->port);
  TtFetchOptions options = { .settings = "Timeout=2" };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  test_tftpd_stop (server);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->file, r.payload);
  g_assert_cmpstr (r.server_ip, ==, v6_first ? "127.0.0.1" : "::1");
  g_assert_cmpfloat (r.seconds, <, 1.0);
  tt_fetch_result_clear (&r);
}

/* The first address swallows requests: after its retries the next one
 * is asked, within the whole-transfer bound. */
static void
test_localhost_silent_then_next (Fixture *f, gconstpointer data)
{
  GSocketFamily first = localhost_first_family ();
  gboolean v6_first = first == G_SOCKET_FAMILY_IPV6;
  TestTftpd *server = test_tftpd_start_hpa (f->dir, v6_first ? "-4" : "-6", NULL);
  TtFake silent = { .mode = TT_FAKE_SILENT, .ip = v6_first ? "::1" : "127.0.0.1",
                    .port = server->port };
  g_autofree char *u = g_strdup_printf ("tftp://localhost:%u/basic.txt", server->port);
  TtFetchOptions options = { .settings = "Timeout=0.2\nRetries=2" };
  TtFetchResult r;

  tt_fake_start (&silent);
  tt_fetch (plugin, u, &options, &r);
  tt_fake_stop (&silent);
  test_tftpd_stop (server);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->file, r.payload);
  g_assert_cmpstr (r.server_ip, ==, v6_first ? "127.0.0.1" : "::1");
  g_assert_cmpuint (silent.requests->len, ==, 3);
  g_assert_cmpfloat (r.seconds, >=, 1.3);
  g_assert_cmpfloat (r.seconds, <, 5.0);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&silent);
}

/* Both addresses swallow requests: each gets a share of the bound, so
 * the second one is asked before the bound ends. */
static void
test_localhost_share_of_bound (Fixture *f, gconstpointer data)
{
  guint16 port = test_free_udp_port ();
  TtFake v4 = { .mode = TT_FAKE_SILENT, .ip = "127.0.0.1", .port = port };
  TtFake v6 = { .mode = TT_FAKE_SILENT, .ip = "::1", .port = port };
  g_autofree char *u = g_strdup_printf ("tftp://localhost:%u/basic.txt", port);
  TtFetchOptions options = { .settings = "Timeout=1\nRetries=50", .timeout = 4 };
  TtFetchResult r;

  tt_fake_start (&v4);
  tt_fake_start (&v6);
  tt_fetch (plugin, u, &options, &r);
  tt_fake_stop (&v4);
  tt_fake_stop (&v6);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "timeout");
  g_assert_cmpuint (v4.requests->len, >=, 1);
  g_assert_cmpuint (v6.requests->len, >=, 1);
  g_assert_cmpfloat (r.seconds, <, 5.0);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&v4);
  tt_fake_clear (&v6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  plugin = test_plugin_new ();

#define ADD(path, func)                                                                \
  g_test_add ("/tftp/addresses/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("ipv6-literal", test_ipv6_literal);
  ADD ("localhost-refused-then-next", test_localhost_refused_then_next);
  ADD ("localhost-silent-then-next", test_localhost_silent_then_next);
  ADD ("localhost-share-of-bound", test_localhost_share_of_bound);
#undef ADD

  return g_test_run ();
}
