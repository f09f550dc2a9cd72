/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Against tftpd-hpa (Debian package tftpd-hpa), in a private namespace. */
#include "config.h"

#include <sys/stat.h>

#include "prov-error.h"
#include "tftp-test-util.h"

#define BIG_SIZE (10 * 1024 * 1024)

static ProvPlugin *plugin;

typedef struct
{
  char     *dir;
  GBytes   *small;
  GBytes   *big;
  TestTftpd *server;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char * const *extra_args = data;

  f->dir = test_tftp_root_new ();
  f->small = tt_make_file (f->dir, "basic.txt", 3000, 1);
  f->big = tt_make_file (f->dir, "big.bin", BIG_SIZE, 2);
  f->server = test_tftpd_start_hpa (f->dir, NULL, extra_args);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  test_tftpd_stop (f->server);
  test_rm_rf (f->dir);
  g_bytes_unref (f->small);
  g_bytes_unref (f->big);
  g_free (f->dir);
}

static char *
url (Fixture *f, const char *host, const char *name)
{
  return g_strdup_printf ("tftp://%s:%u/%s", host, f->server->port, name);
}

static void
test_small (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "127.0.0.1", "basic.txt");
  TtFetchResult r;

  tt_fetch (plugin, u, NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->small, r.payload);
  g_assert_cmpstr (r.server_ip, ==, "127.0.0.1");
  /* tsize was negotiated: the total is known from the start. */
  g_assert_cmpuint (r.progress_total, ==, 3000);
  g_assert_cmpuint (r.progress_max, ==, 3000);
  tt_fetch_result_clear (&r);
}

static void
fetch_big (Fixture *f, const char *settings)
{
  g_autofree char *u = url (f, "127.0.0.1", "big.bin");
  TtFetchOptions options = { .settings = settings };
  g_autofree char *label = g_strdup (settings);
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->big, r.payload);
  /* About every 64 KiB, not per block. */
  g_assert_cmpuint (r.progress_calls, >=, BIG_SIZE / (128 * 1024));
  g_assert_cmpuint (r.progress_calls, <=, BIG_SIZE / (64 * 1024) + 2);
  g_assert_cmpuint (r.progress_total, ==, BIG_SIZE);
  g_test_message ("10 MB with %s: %.2f s", g_strdelimit (label, "\n", ' '), r.seconds);
  tt_fetch_result_clear (&r);
}

static void
test_big_512 (Fixture *f, gconstpointer data)
{
  fetch_big (f, "BlockSize=512");
}

static void
test_big_1468 (Fixture *f, gconstpointer data)
{
  fetch_big (f, "BlockSize=1468");
}

/* Block numbers pass 65535 and wrap to 0. */
static void
test_rollover (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) file = tt_make_file (f->dir, "wrap.bin", 70000 * 8 + 3, 3);
  g_autofree char *u = url (f, "127.0.0.1", "wrap.bin");
  TtFetchOptions options = { .settings = "BlockSize=8" };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  tt_fetch_result_clear (&r);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "127.0.0.1", "missing.xml");
  TtFetchResult r;

  tt_fetch (plugin, u, NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND);
  g_assert_cmpstr (r.error->message, ==, "file not found");
  g_assert_cmpstr (r.server_ip, ==, "127.0.0.1");
  tt_fetch_result_clear (&r);
}

/* tftpd-hpa refuses files that are not world-readable with ERROR 2. */
static void
test_access_violation (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) file = tt_make_file (f->dir, "secret.txt", 10, 4);
  g_autofree char *path = g_build_filename (f->dir, "secret.txt", NULL);
  g_autofree char *u = url (f, "127.0.0.1", "secret.txt");
  TtFetchResult r;

  g_assert_cmpint (chmod (path, 0600), ==, 0);
  tt_fetch (plugin, u, NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_true (g_str_has_prefix (r.error->message, "tftp error 2: "));
  g_test_message ("error text: %s", r.error->message);
  tt_fetch_result_clear (&r);
}

/* The server's tsize is over the cap: refused before any data. */
static void
test_too_large_tsize (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "127.0.0.1", "big.bin");
  TtFetchOptions options = { .max_size = 1024 * 1024 };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "too large");
  g_assert_cmpuint (r.progress_calls, ==, 0);
  tt_fetch_result_clear (&r);
}

static const char *refuse_tsize[] = { "--refuse", "tsize", NULL };

/* Without tsize the cap is hit during the transfer. */
static void
test_too_large_during (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "127.0.0.1", "big.bin");
  TtFetchOptions options = { .max_size = 1024 * 1024 };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "too large");
  g_assert_cmpuint (r.progress_total, ==, 0);
  g_assert_cmpuint (r.progress_max, >=, 512 * 1024);
  g_assert_cmpuint (r.progress_max, <=, 1024 * 1024);
  tt_fetch_result_clear (&r);
}

/* A file exactly at the cap is fine. */
static void
test_at_cap (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "127.0.0.1", "basic.txt");
  TtFetchOptions options = { .max_size = 3000, .settings = "TSize=false" };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->small, r.payload);
  tt_fetch_result_clear (&r);
}

#define DEVICE_PATH "Cisco/CP-8845-3PCC/x.cfg"

/* The name as phones send it, "/Cisco/…": --secure takes it relative to its
 * root. */
static void
test_device_path (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) file = tt_make_file (f->dir, DEVICE_PATH, 700, 5);
  g_autofree char *u = url (f, "127.0.0.1", DEVICE_PATH);
  TtFetchResult r;

  tt_fetch (plugin, u, NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  tt_fetch_result_clear (&r);
}

/* Without --secure tftpd-hpa serves only absolute names inside its folder
 * ("Only absolute filenames allowed" otherwise): the URL names the full
 * path and the request keeps its leading '/'. */
static void
test_not_secure (void)
{
  g_autofree char *dir = test_tftp_root_new ();
  g_autoptr(GBytes) file = tt_make_file (dir, DEVICE_PATH, 700, 6);
  TestTftpd *server = test_tftpd_start_hpa_not_secure (dir);
  g_autofree char *full = g_strdup_printf ("tftp://127.0.0.1:%u%s/%s", server->port, dir,
                                           DEVICE_PATH);
  g_autofree char *outside = g_strdup_printf ("tftp://127.0.0.1:%u/%s", server->port,
                                              DEVICE_PATH);
  TtFetchResult r;

  tt_fetch (plugin, full, NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  tt_fetch_result_clear (&r);

  /* The same name without the folder is outside it for this server. */
  tt_fetch (plugin, outside, NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "tftp error 2: Forbidden directory");
  tt_fetch_result_clear (&r);

  test_tftpd_stop (server);
  test_rm_rf (dir);
}

static const char *refuse_all[] = {
  "--refuse", "blksize", "--refuse", "tsize", "--refuse", "timeout", "--refuse", "utimeout",
  NULL
};

/* The server acknowledges no option and answers DATA 1: plain RFC 1350. */
static void
test_options_ignored (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "127.0.0.1", "big.bin");
  TtFetchResult r;

  tt_fetch (plugin, u, NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->big, r.payload);
  g_assert_cmpuint (r.progress_total, ==, 0);
  tt_fetch_result_clear (&r);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "127.0.0.1", "big.bin");
  TtFetchOptions options = { .settings = "BlockSize=512", .cancel_at = 256 * 1024 };
  TtFetchOptions first = { .cancel_first = TRUE };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_CANCELLED);
  g_assert_null (r.payload);
  g_assert_cmpuint (r.progress_max, <, BIG_SIZE);
  /* Bound, not a timing: the callback follows the cancel at once. */
  g_assert_cmpfloat (r.cancel_seconds, <, 0.5);
  tt_fetch_result_clear (&r);

  tt_fetch (plugin, u, &first, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_CANCELLED);
  tt_fetch_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  plugin = test_plugin_new ();

#define ADD(path, func, args)                                                          \
  g_test_add ("/tftp/hpa/" path, Fixture, args, fixture_set_up, func, fixture_tear_down)
  ADD ("small", test_small, NULL);
  ADD ("big-512", test_big_512, NULL);
  ADD ("big-1468", test_big_1468, NULL);
  ADD ("block-rollover", test_rollover, NULL);
  ADD ("not-found", test_not_found, NULL);
  ADD ("access-violation", test_access_violation, NULL);
  ADD ("too-large-tsize", test_too_large_tsize, NULL);
  ADD ("too-large-during", test_too_large_during, refuse_tsize);
  ADD ("at-cap", test_at_cap, NULL);
  ADD ("options-ignored", test_options_ignored, refuse_all);
  ADD ("cancel", test_cancel, NULL);
  ADD ("device-path", test_device_path, NULL);
#undef ADD
  g_test_add_func ("/tftp/hpa/not-secure", test_not_secure);

  return g_test_run ();
}
