/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Protocol corners, against in-test peers that misbehave on purpose. */
#include "config.h"

#include "prov-error.h"
#include "tftp-fake-server.h"
#include "tftp-test-util.h"

static ProvPlugin *plugin;

static char *
fake_url (TtFake *fake, const char *name)
{
  return g_strdup_printf ("tftp://127.0.0.1:%u/%s", fake->port, name);
}

/* Fetches @path from @fake, started for this fetch alone. */
static void
fetch_from_fake (TtFake *fake, const char *path, const TtFetchOptions *options, TtFetchResult *r)
{
  g_autofree char *u = NULL;

  tt_fake_start (fake);
  u = fake_url (fake, path);
  tt_fetch (plugin, u, options, r);
  tt_fake_stop (fake);
}

static GBytes *
random_bytes (gsize size, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

/* DATA 1 instead of an OACK: the server does not know options. */
static void
test_options_ignored (void)
{
  g_autoptr(GBytes) file = random_bytes (100000, 1);
  TtFake fake = { .mode = TT_FAKE_IGNORE_OPTIONS, .file = file };
  TtFetchResult r;

  fetch_from_fake (&fake, "cfg/phone.xml", NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  g_assert_cmpuint (fake.requests->len, ==, 1);
  /* The path without its '/', then our options. */
  g_assert_cmpstr (fake.requests->pdata[0], ==,
                   "/cfg/phone.xml blksize=1468 tsize=0 timeout=1 windowsize=16");
  g_assert_true (fake.completed);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* ERROR 8 to options: the same request again without them. */
static void
test_options_refused (void)
{
  g_autoptr(GBytes) file = random_bytes (5000, 2);
  TtFake fake = { .mode = TT_FAKE_REFUSE_OPTIONS, .file = file };
  TtFetchResult r;

  fetch_from_fake (&fake, "a%20b.txt", NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  g_assert_cmpuint (fake.requests->len, ==, 2);
  g_assert_true (g_str_has_prefix (fake.requests->pdata[0], "/a b.txt blksize="));
  g_assert_cmpstr (fake.requests->pdata[1], ==, "/a b.txt");
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* OACK with the options we asked for, and Options=false sends none. */
static void
test_oack_and_no_options (void)
{
  g_autoptr(GBytes) file = random_bytes (3 * 700, 3);
  TtFake fake = { .mode = TT_FAKE_OACK, .file = file };
  TtFetchOptions opts = { .settings = "BlockSize=700\nWindowSize=1\nTimeout=3" };
  TtFetchOptions none = { .settings = "Options=false" };
  g_autofree char *u = NULL;
  TtFetchResult r;

  tt_fake_start (&fake);
  u = fake_url (&fake, "f");
  tt_fetch (plugin, u, &opts, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  g_assert_cmpuint (r.progress_total, ==, 3 * 700);
  tt_fetch_result_clear (&r);
  tt_fetch (plugin, u, &none, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  tt_fake_stop (&fake);
  g_assert_cmpuint (fake.requests->len, ==, 2);
  /* A size multiple of the block ends with an empty block. */
  g_assert_cmpstr (fake.requests->pdata[0], ==, "/f blksize=700 tsize=0 timeout=3");
  g_assert_cmpstr (fake.requests->pdata[1], ==, "/f");
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* An OACK with an option we never asked for is refused with ERROR 8, and
 * the request goes again without options. */
static void
test_bogus_oack (void)
{
  g_autoptr(GBytes) file = random_bytes (3000, 9);
  TtFake fake = { .mode = TT_FAKE_OACK, .file = file, .bogus_oack = TRUE };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  g_assert_cmpuint (fake.client_error, ==, 8);
  g_assert_cmpuint (fake.requests->len, ==, 2);
  g_assert_cmpstr (fake.requests->pdata[1], ==, "/f");
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* A burst from another port is answered with ERROR 5 and otherwise
 * ignored: its bogus "next block" must not end up in the file. */
static void
test_wrong_tid (void)
{
  g_autoptr(GBytes) file = random_bytes (20 * 512 + 100, 4);
  TtFake fake = {
    .mode = TT_FAKE_IGNORE_OPTIONS,
    .file = file,
    .intruder_block = 5,
    .intruder_count = 20,
  };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", NULL, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  g_assert_cmpuint (fake.intruder_errors, ==, 20);
  g_assert_true (fake.completed);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* Every DATA arrives twice: one ACK per block, not one per datagram
 * (Sorcerer's Apprentice). */
static void
test_duplicates_no_ack_storm (void)
{
  g_autoptr(GBytes) file = random_bytes (200 * 512 + 1, 5);
  TtFake fake = { .mode = TT_FAKE_IGNORE_OPTIONS, .file = file, .duplicate_data = TRUE };
  /* A timeout no scheduling hiccup reaches: a duplicate is re-ACKed
   * only once that long has passed. */
  TtFetchOptions options = { .settings = "Timeout=5" };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", &options, &r);
  g_assert_no_error (r.error);
  tt_assert_bytes_equal (file, r.payload);
  g_assert_cmpuint (fake.data_sent, ==, 2 * 201);
  g_assert_cmpuint (fake.acks_received, ==, 201);
  g_assert_cmpuint (fake.duplicate_acks, ==, 0);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* A block is ACKed before the sink has it, so that the server reads and
 * sends the next one meanwhile (lock-step took turns): a block the sink
 * refuses was ACKed already, and the server then gets ERROR 0 with the
 * sink's error to the caller. The last block is ACKed only once the sink
 * took it. */
static void
test_ack_before_delivery (void)
{
  g_autoptr(GBytes) file = random_bytes (10 * 512 + 100, 11);
  TtFake fake = { .mode = TT_FAKE_IGNORE_OPTIONS, .file = file };
  TtFake last = { .mode = TT_FAKE_IGNORE_OPTIONS, .file = file };
  /* Block 3 would take the sink past 1025 bytes. */
  TtFetchOptions options = { .refuse_at = 2 * 512 + 1 };
  TtFetchOptions refuse_last = { .refuse_at = 10 * 512 + 99 };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_cmpstr (r.error->message, ==, "not enough space");
  g_assert_cmpuint (fake.acks_received, ==, 3);
  g_assert_cmpuint (fake.data_sent, ==, 4);
  g_assert_cmpuint (fake.client_error, ==, 0);
  g_assert_cmpstr (fake.client_error_message, ==, "Transfer aborted");
  g_assert_false (fake.completed);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);

  fetch_from_fake (&last, "f", &refuse_last, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_cmpuint (last.acks_received, ==, 10);
  g_assert_cmpuint (last.client_error, ==, 0);
  g_assert_false (last.completed);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&last);
}

/* tsize over the cap: ERROR 3 instead of ACK 0. */
static void
test_too_large_error_3 (void)
{
  g_autoptr(GBytes) file = random_bytes (1000, 6);
  TtFake fake = { .mode = TT_FAKE_OACK, .file = file, .claimed_tsize = 1 << 30 };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "too large");
  g_assert_cmpuint (fake.client_error, ==, 3);
  g_assert_cmpstr (fake.client_error_message, ==, "Disk full or allocation exceeded");
  g_assert_cmpuint (fake.data_sent, ==, 0);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

static void
test_error_mapping (void)
{
  const struct
  {
    guint16     code;
    const char *message;
    int         expected_code;
    const char *expected;
  } cases[] = {
    { 1, "File not found", PROV_ERROR_FILE_NOT_FOUND, "file not found" },
    { 2, "Access violation", PROV_ERROR_TRANSPORT, "tftp error 2: Access violation" },
    { 0, "", PROV_ERROR_TRANSPORT, "tftp error 0" },
    { 4, "Illegal TFTP operation", PROV_ERROR_TRANSPORT, "tftp error 4: Illegal TFTP operation" },
    /* ERROR 8 to a plain request is just an error. */
    { 8, "nope", PROV_ERROR_TRANSPORT, "tftp error 8: nope" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TtFake fake = {
        .mode = TT_FAKE_ERROR,
        .error_code = cases[i].code,
        .error_message = cases[i].message,
      };
      TtFetchOptions options = { .settings = "Options=false" };
      g_autofree char *u = NULL;
      TtFetchResult r;

      tt_fake_start (&fake);
      u = fake_url (&fake, "f");
      tt_fetch (plugin, u, cases[i].code == 8 ? &options : NULL, &r);
      tt_fake_stop (&fake);
      g_assert_error (r.error, PROV_ERROR, cases[i].expected_code);
      g_assert_cmpstr (r.error->message, ==, cases[i].expected);
      g_assert_cmpuint (fake.requests->len, ==, 1);
      tt_fetch_result_clear (&r);
      tt_fake_clear (&fake);
    }
}

/* A server that never answers: "timeout" within what Timeout and Retries
 * allow (0.2 + 0.4 + 0.8 s), resending the request each time. */
static void
test_silent_timeout (void)
{
  TtFake fake = { .mode = TT_FAKE_SILENT };
  TtFetchOptions options = { .settings = "Timeout=0.2\nRetries=2" };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "timeout");
  g_assert_cmpfloat (r.seconds, >=, 1.3);
  g_assert_cmpfloat (r.seconds, <, 3.0);
  g_assert_cmpuint (fake.requests->len, ==, 3);
  g_assert_null (r.server_ip);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* The whole-transfer bound wins over generous retries. */
static void
test_transfer_bound (void)
{
  TtFake fake = { .mode = TT_FAKE_SILENT };
  TtFetchOptions options = { .settings = "Timeout=1\nRetries=100", .timeout = 2 };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "timeout");
  g_assert_cmpfloat (r.seconds, >=, 1.9);
  g_assert_cmpfloat (r.seconds, <, 3.5);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* Nothing listens: the ICMP port unreachable ends it at once instead of
 * after every retransmission. */
static void
test_nothing_listens (void)
{
  g_autofree char *u = g_strdup_printf ("tftp://127.0.0.1:%u/f", test_free_udp_port ());
  TtFetchOptions options = { .settings = "Timeout=2\nRetries=5" };
  TtFetchResult r;

  tt_fetch (plugin, u, &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "connection refused");
  g_assert_cmpfloat (r.seconds, <, 1.0);
  tt_fetch_result_clear (&r);
}

static void
test_cancel_during_request (void)
{
  TtFake fake = { .mode = TT_FAKE_SILENT };
  TtFetchOptions options = { .cancel_after_ms = 300 };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_CANCELLED);
  g_assert_cmpstr (r.error->message, ==, "cancelled");
  g_assert_cmpfloat (r.cancel_seconds, <, 0.5);
  g_assert_cmpuint (fake.requests->len, ==, 1);
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

/* Cancelled mid-transfer: the server is told, the caller gets CANCELLED. */
static void
test_cancel_during_transfer (void)
{
  g_autoptr(GBytes) file = random_bytes (1024 * 1024, 8);
  TtFake fake = { .mode = TT_FAKE_IGNORE_OPTIONS, .file = file };
  TtFetchOptions options = { .cancel_at = 128 * 1024 };
  TtFetchResult r;

  fetch_from_fake (&fake, "f", &options, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_CANCELLED);
  g_assert_cmpfloat (r.cancel_seconds, <, 0.5);
  g_assert_false (fake.completed);
  g_assert_cmpuint (fake.client_error, ==, 0);
  g_assert_cmpstr (fake.client_error_message, ==, "Transfer cancelled");
  tt_fetch_result_clear (&r);
  tt_fake_clear (&fake);
}

static void
test_bad_url (void)
{
  TtFetchResult r;

  tt_fetch (plugin, "tftp://127.0.0.1:1/", NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
  tt_fetch_result_clear (&r);
  tt_fetch (plugin, "tftp://127.0.0.1:1/a%00b", NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
  tt_fetch_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  plugin = test_plugin_new ();

  g_test_add_func ("/tftp/robust/options-ignored", test_options_ignored);
  g_test_add_func ("/tftp/robust/options-refused", test_options_refused);
  g_test_add_func ("/tftp/robust/oack-and-no-options", test_oack_and_no_options);
  g_test_add_func ("/tftp/robust/bogus-oack", test_bogus_oack);
  g_test_add_func ("/tftp/robust/wrong-tid", test_wrong_tid);
  g_test_add_func ("/tftp/robust/duplicates-no-ack-storm", test_duplicates_no_ack_storm);
  g_test_add_func ("/tftp/robust/too-large-error-3", test_too_large_error_3);
  g_test_add_func ("/tftp/robust/ack-before-delivery", test_ack_before_delivery);
  g_test_add_func ("/tftp/robust/error-mapping", test_error_mapping);
  g_test_add_func ("/tftp/robust/silent-timeout", test_silent_timeout);
  g_test_add_func ("/tftp/robust/transfer-bound", test_transfer_bound);
  g_test_add_func ("/tftp/robust/nothing-listens", test_nothing_listens);
  g_test_add_func ("/tftp/robust/cancel-during-request", test_cancel_during_request);
  g_test_add_func ("/tftp/robust/cancel-during-transfer", test_cancel_during_transfer);
  g_test_add_func ("/tftp/robust/bad-url", test_bad_url);
  return g_test_run ();
}
