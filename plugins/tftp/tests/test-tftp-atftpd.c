/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Against atftpd, which implements windowsize (RFC 7440). */
#include "config.h"

#include "prov-error.h"
#include "tftp-test-util.h"

#define BIG_SIZE (10 * 1024 * 1024)

static ProvPlugin *plugin;

typedef struct
{
  char     *dir;
  GBytes   *big;
  TestTftpd *server;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char * const *extra_args = data;

  f->dir = test_tftp_root_new ();
  f->big = tt_make_file (f->dir, "big.bin", BIG_SIZE, 11);
  f->server = test_tftpd_start_atftpd (f->dir, "127.0.0.1", extra_args);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  test_tftpd_stop (f->server);
  test_rm_rf (f->dir);
  g_bytes_unref (f->big);
  g_free (f->dir);
}

static void
fetch_big (Fixture *f, const char *settings, const char *acked_window)
{
  g_autofree char *u = g_strdup_printf ("tftp://127.0.0.1:%u/big.bin", f->server->port);
  TtFetchOptions options = { .settings = settings };
  g_autofree char *label = g_strdup (settings);
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->big, r.payload);
  g_assert_cmpuint (r.progress_total, ==, BIG_SIZE);
  if (acked_window != NULL)
    g_assert_true (test_tftpd_log_contains (f->server, acked_window));
  else
    g_assert_false (test_tftpd_log_contains (f->server, "windowsize option ->"));
  g_test_message ("10 MB with %s: %.2f s", g_strdelimit (label, "\n", ' '), r.seconds);
  tt_fetch_result_clear (&r);
}

static void
test_window_16 (Fixture *f, gconstpointer data)
{
  fetch_big (f, "BlockSize=1468\nWindowSize=16", "windowsize option -> 16");
}

static void
test_window_512_bytes (Fixture *f, gconstpointer data)
{
  fetch_big (f, "BlockSize=512\nWindowSize=8", "windowsize option -> 8");
}

/* A window past 16 bits of blocks and a window that does not divide the
 * block count. */
static void
test_window_rollover (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) file = tt_make_file (f->dir, "wrap.bin", 70001 * 16 + 5, 12);
  g_autofree char *u = g_strdup_printf ("tftp://127.0.0.1:%u/wrap.bin", f->server->port);
  TtFetchOptions options = { .settings = "BlockSize=16\nWindowSize=7" };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  tt_fetch_result_clear (&r);
}

static const char *no_windowsize[] = { "--no-windowsize", NULL };

/* The server does not acknowledge windowsize: lock-step still works. */
static void
test_window_not_acked (Fixture *f, gconstpointer data)
{
  fetch_big (f, "BlockSize=1468\nWindowSize=16", NULL);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autofree char *u = g_strdup_printf ("tftp://127.0.0.1:%u/nope.cfg", f->server->port);
  TtFetchResult r;

  tt_fetch (plugin, u, NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND);
  g_assert_cmpstr (r.error->message, ==, "file not found");
  tt_fetch_result_clear (&r);
}

/* The name as phones send it, "/Cisco/…": atftpd takes it relative to its
 * root, and its log shows the name exactly as we sent it. */
static void
test_device_path (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) file = tt_make_file (f->dir, "Cisco/CP-8845-3PCC/x.cfg", 700, 13);
  g_autofree char *u = g_strdup_printf ("tftp://127.0.0.1:%u/Cisco/CP-8845-3PCC/x.cfg",
                                        f->server->port);
  TtFetchResult r;

  tt_fetch (plugin, u, NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  g_assert_true (test_tftpd_log_contains (f->server, "Serving /Cisco/CP-8845-3PCC/x.cfg to "));
  tt_fetch_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  plugin = test_plugin_new ();

#define ADD(path, func, args)                                                          \
  g_test_add ("/tftp/atftpd/" path, Fixture, args, fixture_set_up, func, fixture_tear_down)
  ADD ("window-16", test_window_16, NULL);
  ADD ("window-8-blksize-512", test_window_512_bytes, NULL);
  ADD ("window-rollover", test_window_rollover, NULL);
  ADD ("window-not-acked", test_window_not_acked, no_windowsize);
  ADD ("not-found", test_not_found, NULL);
  ADD ("device-path", test_device_path, NULL);
#undef ADD

  return g_test_run ();
}
