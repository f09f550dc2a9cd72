/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Transfers through a lossy path complete byte-exact within a bound. */
#include "config.h"

#include "prov-error.h"
#include "tftp-fake-server.h"
#include "tftp-test-util.h"

#define FILE_SIZE (1024 * 1024)
/* A guard against a stall, not a timing. */
#define LOSS_BOUND_SECONDS 90

static ProvPlugin *plugin;

typedef struct
{
  char     *dir;
  GBytes   *file;
  TestTftpd *server;
} Fixture;

static const char *hpa = "hpa";
static const char *atftpd = "atftpd";

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  /* Server retransmissions at 50 ms, like the client's: a lost datagram
   * costs a twentieth of a second, not a second. */
  static const char *hpa_args[] = { "--retransmit", "50000", NULL };

  f->dir = test_tftp_root_new ();
  f->file = tt_make_file (f->dir, "loss.bin", FILE_SIZE, 21);
  if (data == hpa)
    f->server = test_tftpd_start_hpa (f->dir, "-4", hpa_args);
  else
    f->server = test_tftpd_start_atftpd (f->dir, "127.0.0.1", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  test_tftpd_stop (f->server);
  test_rm_rf (f->dir);
  g_bytes_unref (f->file);
  g_free (f->dir);
}

static void
fetch_through (Fixture *f, guint16 port, const char *settings)
{
  g_autofree char *u = g_strdup_printf ("tftp://127.0.0.1:%u/loss.bin", port);
  TtFetchOptions options = { .settings = settings, .timeout = LOSS_BOUND_SECONDS };
  g_autofree char *label = g_strdup (settings);
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (f->file, r.payload);
  g_assert_cmpfloat (r.seconds, <, LOSS_BOUND_SECONDS);
  g_test_message ("1 MB with %s: %.2f s", g_strdelimit (label, "\n", ' '), r.seconds);
  tt_fetch_result_clear (&r);
}

static const char *
settings_for (gconstpointer data)
{
  /* Timeout below a second stays local (RFC 2349 has whole seconds). */
  return data == hpa ? "BlockSize=1468\nTimeout=0.05\nRetries=10"
                     : "BlockSize=1468\nWindowSize=16\nTimeout=0.05\nRetries=10";
}

/* 10 % of the datagrams in each direction dropped by an in-test relay. */
static void
test_relay_loss (Fixture *f, gconstpointer data)
{
  TtRelay relay = { .server_port = f->server->port, .loss = 0.10, .seed = 1350 };

  tt_relay_start (&relay);
  fetch_through (f, relay.port, settings_for (data));
  tt_relay_stop (&relay);
  g_test_message ("relay forwarded %u, dropped %u", relay.forwarded, relay.dropped);
  g_assert_cmpuint (relay.dropped, >=, relay.forwarded / 20);
}

/* The same with netem on lo, where the kernel allows it. */
static void
test_netem_loss (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  int status = -1;

  if (!g_spawn_command_line_sync ("tc qdisc add dev lo root netem loss 10%", NULL, &err, &status,
                                  NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *message = g_strdup_printf ("tc netem not available: %s",
                                                  err != NULL ? g_strstrip (err) : "");

      g_test_skip (message);
      return;
    }
  fetch_through (f, f->server->port, settings_for (data));
  g_assert_true (g_spawn_command_line_sync ("tc qdisc del dev lo root", NULL, NULL, NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  plugin = test_plugin_new ();

  g_test_add ("/tftp/loss/relay/hpa", Fixture, hpa, fixture_set_up, test_relay_loss,
              fixture_tear_down);
  g_test_add ("/tftp/loss/relay/atftpd-window", Fixture, atftpd, fixture_set_up, test_relay_loss,
              fixture_tear_down);
  g_test_add ("/tftp/loss/netem/hpa", Fixture, hpa, fixture_set_up, test_netem_loss,
              fixture_tear_down);
  g_test_add ("/tftp/loss/netem/atftpd-window", Fixture, atftpd, fixture_set_up, test_netem_loss,
              fixture_tear_down);
  return g_test_run ();
}
