/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The protocol code without a socket: SIP parsing, Digest, nonces, rate
 * limits and the handler's answers, with time passed in. */
#include "config.h"

#include <string.h>

#include "prov-sip-digest.h"
#include "prov-sip-handler.h"
#include "prov-limiter.h"
#include "prov-sip-message.h"
#include "prov-sip-nonces.h"

#define S (G_USEC_PER_SEC)

/* ---- messages ---------------------------------------------------------- */

static ProvSipMessage *
parse (const char *text)
{
  return prov_sip_message_parse (text, strlen (text));
}

static void
test_message_parse (void)
{
  g_autoptr(ProvSipMessage) msg = NULL;
  g_autofree char *event = NULL;
  g_autofree char *reboot = NULL;
  g_autofree char *tag = NULL;
  g_autofree char *branch = NULL;

  msg = parse ("\r\n" /* leading empty lines are ignored */
               "NOTIFY sip:phone@127.0.0.1 SIP/2.0\r\n"
               "v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
               "VIA: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0\r\n"
               "f: \"Ser;ver <x>\" <sip:server@127.0.0.1>;tag=abc\r\n"
               "t: <sip:phone@127.0.0.1>\r\n"
               "i: 42@127.0.0.1\r\n"
               "cseq: 7 NOTIFY\r\n"
               "o: Check-Sync\r\n"
               "  ;reboot=true\r\n"
               "Subject  :  folded\r\n\tover two lines\r\n"
               "l: 4\r\n"
               "\r\n"
               "body");
  g_assert_nonnull (msg);
  g_assert_null (prov_sip_message_get_problem (msg));
  g_assert_cmpstr (prov_sip_message_get_method (msg), ==, "NOTIFY");
  g_assert_cmpstr (prov_sip_message_get_uri (msg), ==, "sip:phone@127.0.0.1");
  g_assert_cmpstr (prov_sip_message_get_header (msg, "call-id"), ==, "42@127.0.0.1");
  g_assert_cmpstr (prov_sip_message_get_header (msg, "I"), ==, "42@127.0.0.1");
  g_assert_cmpstr (prov_sip_message_get_header (msg, "Event"), ==, "Check-Sync ;reboot=true");
  g_assert_cmpstr (prov_sip_message_get_header (msg, "subject"), ==, "folded over two lines");
  g_assert_cmpuint (prov_sip_message_count_headers (msg, "Via"), ==, 2);
  g_assert_true (prov_sip_message_is_addressable (msg));
  event = prov_sip_message_get_token (msg, "o");
  g_assert_cmpstr (event, ==, "check-sync");
  reboot = prov_sip_message_get_param (msg, "Event", "reboot");
  g_assert_cmpstr (reboot, ==, "true");
  /* The display name's ';' and '>' are not parameters. */
  tag = prov_sip_message_get_param (msg, "From", "tag");
  g_assert_cmpstr (tag, ==, "abc");
  g_assert_null (prov_sip_message_get_param (msg, "To", "tag"));
  branch = prov_sip_message_get_param (msg, "Via", "branch");
  g_assert_cmpstr (branch, ==, "z9hG4bK1");
}

static const char *valid_request =
  "NOTIFY sip:phone@127.0.0.1 SIP/2.0\r\n"
  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
  "From: <sip:server@127.0.0.1>;tag=abc\r\n"
  "To: <sip:phone@127.0.0.1>\r\n"
  "Call-ID: 42@127.0.0.1\r\n"
  "CSeq: 1 NOTIFY\r\n"
  "Event: check-sync\r\n"
  "Content-Length: 0\r\n"
  "\r\n";

static void
test_message_problems (void)
{
  const struct
  {
    const char *from;
    const char *to;
    gboolean    parses;
    gboolean    problem;
  } cases[] = {
    { NULL, NULL, TRUE, FALSE },
    { "NOTIFY sip:phone@127.0.0.1 SIP/2.0", "SIP/2.0 200 OK", FALSE, FALSE },
    { "NOTIFY sip:phone@127.0.0.1 SIP/2.0", "NOTIFY sip:phone@127.0.0.1 SIP/3.0", TRUE, TRUE },
    { "NOTIFY sip:phone@127.0.0.1 SIP/2.0", "NOTIFY SIP/2.0", TRUE, TRUE },
    { "NOTIFY sip:phone@127.0.0.1 SIP/2.0", "NOT(IFY sip:phone@127.0.0.1 SIP/2.0", FALSE, FALSE },
    { "Content-Length: 0", "Content-Length: 10", TRUE, TRUE },
    { "Content-Length: 0", "Content-Length: -1", TRUE, TRUE },
    { "Content-Length: 0", "Content-Length: 99999999999999999999", TRUE, TRUE },
    { "CSeq: 1 NOTIFY", "CSeq: 1 OPTIONS", TRUE, TRUE },
    { "CSeq: 1 NOTIFY", "CSeq: NOTIFY", TRUE, TRUE },
    { "CSeq: 1 NOTIFY", "CSeq: 99999999999 NOTIFY", TRUE, TRUE },
    { "CSeq: 1 NOTIFY", "CSeq: 1 NOTIFY\r\nCSeq: 2 NOTIFY", TRUE, TRUE },
    { "Via: SIP/2.0/UDP", "Via: HTTP/1.1/UDP", TRUE, TRUE },
    { "Event: check-sync", "Event check-sync", TRUE, TRUE },
    { "Event: check-sync", "Ev\x01nt: check-sync", FALSE, FALSE },
    { "Event: check-sync", "Event: check-sync\rFrom: x", FALSE, FALSE }, /* a bare CR */
    { "Event: check-sync", "Event: check-sync\r\n\tfolded", TRUE, FALSE },
    { "Content-Length: 0\r\n\r\n", "Content-Length: 0\r\n", TRUE, TRUE }, /* no blank line */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new (valid_request);
      g_autoptr(ProvSipMessage) msg = NULL;

      if (cases[i].from != NULL)
        g_assert_cmpuint (g_string_replace (text, cases[i].from, cases[i].to, 1), ==, 1);
      msg = prov_sip_message_parse (text->str, text->len);
      g_test_message ("case %u: %s", i, msg != NULL ? prov_sip_message_get_problem (msg) : "-");
      g_assert_true ((msg != NULL) == cases[i].parses);
      if (msg != NULL)
        g_assert_true ((prov_sip_message_get_problem (msg) != NULL) == cases[i].problem);
    }

  {
    /* Many folded lines and many headers: linear work, bounded storage. */
    g_autoptr(GString) big = g_string_new (valid_request);
    g_autoptr(ProvSipMessage) folded = NULL;
    g_autoptr(ProvSipMessage) many = NULL;

    g_string_truncate (big, big->len - 2);
    g_string_append (big, "Subject: a\r\n");
    while (big->len < PROV_SIP_MAX_MESSAGE - 10)
      g_string_append (big, " b\r\n");
    g_string_append (big, "\r\n");
    folded = prov_sip_message_parse (big->str, big->len);
    g_assert_nonnull (folded);
    g_assert_null (prov_sip_message_get_problem (folded));
    g_assert_cmpuint (strlen (prov_sip_message_get_header (folded, "Subject")), >, 3000);

    g_string_assign (big, valid_request);
    g_string_truncate (big, big->len - 2);
    for (guint i = 0; i < 200; i++)
      g_string_append (big, "X: y\r\n");
    g_string_append (big, "\r\n");
    many = prov_sip_message_parse (big->str, big->len);
    g_assert_nonnull (many);
    g_assert_cmpstr (prov_sip_message_get_problem (many), ==, "too many headers");
    g_assert_true (prov_sip_message_is_addressable (many));
  }

  /* Keep-alives, empty and oversized datagrams are no requests. */
  g_assert_null (prov_sip_message_parse ("\r\n\r\n", 4));
  g_assert_null (prov_sip_message_parse ("", 0));
  g_assert_null (prov_sip_message_parse (valid_request, PROV_SIP_MAX_MESSAGE + 1));
  {
    /* A cut request parses with a problem; cut before Call-ID it cannot
     * be answered. */
    g_autoptr(ProvSipMessage) cut = prov_sip_message_parse (valid_request, 100);
    g_assert_nonnull (cut);
    g_assert_nonnull (prov_sip_message_get_problem (cut));
    g_assert_false (prov_sip_message_is_addressable (cut));
  }
}

static void
test_message_response (void)
{
  g_autoptr(ProvSipMessage) msg = parse ("NOTIFY sip:phone@127.0.0.1 SIP/2.0\r\n"
                                         "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2\r\n"
                                         "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
                                         "f: <sip:server@127.0.0.1>;tag=abc\r\n"
                                         "t: <sip:phone@127.0.0.1>;tag=mine\r\n"
                                         "i: 42\r\nCSeq: 1 NOTIFY\r\n\r\n");
  g_autofree char *text = prov_sip_message_build_response (msg, 489, "Bad Event", "new",
                                                           "Allow-Events: resync\r\n");

  g_assert_cmpstr (text, ==,
                   "SIP/2.0 489 Bad Event\r\n"
                   "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2\r\n"
                   "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
                   "From: <sip:server@127.0.0.1>;tag=abc\r\n"
                   "To: <sip:phone@127.0.0.1>;tag=mine\r\n"
                   "Call-ID: 42\r\n"
                   "CSeq: 1 NOTIFY\r\n"
                   "Allow-Events: resync\r\n"
                   "Content-Length: 0\r\n\r\n");
}

/* ---- digest ------------------------------------------------------------ */

static void
test_digest_vectors (void)
{
  g_autofree char *rfc2617 = NULL;
  g_autofree char *rfc2069 = NULL;

  /* RFC 2617 §3.5. */
  rfc2617 = prov_sip_digest_compute ("Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
                                     "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                     "auth", "00000001", "0a4f113b");
  g_assert_cmpstr (rfc2617, ==, "6629fae49393a05397450978507c4ef1");
  /* No qop, computed with Python's hashlib. */
  rfc2069 = prov_sip_digest_compute ("alice", "provisiond", "s3cret", "NOTIFY",
                                     "sip:phone@127.0.0.1", "0123456789abcdef0123456789abcdef",
                                     NULL, NULL, NULL);
  g_assert_cmpstr (rfc2069, ==, "f47596f154d263124591e962da3c24bb");

  g_assert_true (prov_sip_equal_constant_time ("abc", "abc"));
  g_assert_false (prov_sip_equal_constant_time ("abc", "abd"));
  g_assert_false (prov_sip_equal_constant_time ("abc", "abcd"));
}

static void
test_digest_parse (void)
{
  g_autoptr(ProvSipDigest) d = NULL;
  const char *bad[] = {
    NULL, "", "Basic YWxpY2U6cw==", "Digest", "Digestusername=\"a\"",
    /* missing response */
    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"",
    /* response not 32 hex digits */
    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"xyz\"",
    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
    "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5-sess",
    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
    "response=\"0123456789abcdef0123456789abcdef\", qop=auth-int, nc=00000001, cnonce=\"c\"",
    /* qop without nc */
    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
    "response=\"0123456789abcdef0123456789abcdef\", qop=auth, cnonce=\"c\"",
    /* a repeated parameter */
    "Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
    "response=\"0123456789abcdef0123456789abcdef\"",
    /* an unterminated quoted string */
    "Digest username=\"a, realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
    "response=\"0123456789abcdef0123456789abcdef",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(ProvSipDigest) no = prov_sip_digest_parse (bad[i]);
      g_assert_null (no);
    }

  d = prov_sip_digest_parse ("digest USERNAME=\"al\\\"ice\" ,realm=\"prov\",nonce=\"n1\", "
                             "uri=\"sip:phone@h\", response=\"0123456789ABCDEF0123456789abcdef\", "
                             "algorithm=md5, qop=Auth, nc=0000000a, cnonce=\"c1\", opaque=\"o\"");
  g_assert_nonnull (d);
  g_assert_cmpstr (d->username, ==, "al\"ice");
  g_assert_cmpstr (d->realm, ==, "prov");
  g_assert_cmpstr (d->uri, ==, "sip:phone@h");
  g_assert_cmpstr (d->response, ==, "0123456789abcdef0123456789abcdef");
  g_assert_cmpstr (d->qop, ==, "auth");
  g_assert_cmpstr (d->nc, ==, "0000000a");
  g_assert_cmpstr (d->cnonce, ==, "c1");
}

/* ---- nonces and limits ------------------------------------------------- */

static void
test_nonces (void)
{
  g_autoptr(ProvSipNonces) nonces = prov_sip_nonces_new (4, 30 * S);
  g_autofree char *a = prov_sip_nonces_issue (nonces, 100 * S);
  g_autofree char *b = prov_sip_nonces_issue (nonces, 100 * S);
  g_autofree char *c = prov_sip_nonces_issue (nonces, 110 * S);

  g_assert_cmpuint (strlen (a), ==, 32);
  g_assert_cmpstr (a, !=, b);
  g_assert_cmpint (prov_sip_nonces_use (nonces, a, 101 * S), ==, PROV_SIP_NONCE_VALID);
  g_assert_cmpint (prov_sip_nonces_use (nonces, a, 101 * S), ==, PROV_SIP_NONCE_USED);
  g_assert_cmpint (prov_sip_nonces_use (nonces, b, 130 * S), ==, PROV_SIP_NONCE_EXPIRED);
  g_assert_cmpint (prov_sip_nonces_use (nonces, "0000", 101 * S), ==, PROV_SIP_NONCE_UNKNOWN);
  g_assert_cmpint (prov_sip_nonces_use (nonces, c, 139 * S), ==, PROV_SIP_NONCE_VALID);

  /* Bounded: the oldest are forgotten. */
  for (guint i = 0; i < 100; i++)
    g_free (prov_sip_nonces_issue (nonces, 120 * S));
  g_assert_cmpuint (prov_sip_nonces_get_size (nonces), ==, 4);
  /* Expired ones are purged when new ones are issued. */
  g_free (prov_sip_nonces_issue (nonces, 200 * S));
  g_assert_cmpuint (prov_sip_nonces_get_size (nonces), ==, 1);
}

static void
test_limiter (void)
{
  g_autoptr(ProvLimiter) limiter = prov_limiter_new (2, 1.0, 3.0, 0.5, 5.0);

  for (guint i = 0; i < 3; i++)
    g_assert_true (prov_limiter_allow (limiter, "a", 10 * S));
  g_assert_false (prov_limiter_allow (limiter, "a", 10 * S));
  g_assert_true (prov_limiter_allow (limiter, "b", 10 * S));
  /* One token a second. */
  g_assert_true (prov_limiter_allow (limiter, "a", 11 * S));
  g_assert_false (prov_limiter_allow (limiter, "a", 11 * S));
  /* The shared budget (5, refilled at 0.5/s) is spent, whoever asks. */
  g_assert_false (prov_limiter_allow (limiter, "c", 11 * S));
  g_assert_cmpuint (prov_limiter_get_size (limiter), ==, 2);
  g_assert_true (prov_limiter_allow (limiter, "c", 12 * S));
}

/* check() looks without taking, and says when to come back. */
static void
test_limiter_check (void)
{
  g_autoptr(ProvLimiter) limiter = prov_limiter_new (8, 0.1, 2.0, 100.0, 100.0);
  guint retry = 99;

  g_assert_true (prov_limiter_check (limiter, "a", 10 * S, &retry));
  g_assert_cmpuint (retry, ==, 0);
  g_assert_true (prov_limiter_check (limiter, "a", 10 * S, NULL));
  g_assert_true (prov_limiter_allow (limiter, "a", 10 * S));
  g_assert_true (prov_limiter_allow (limiter, "a", 10 * S));
  g_assert_false (prov_limiter_check (limiter, "a", 10 * S, &retry));
  g_assert_cmpuint (retry, ==, 10); /* 0.1 token a second */
  g_assert_false (prov_limiter_check (limiter, "a", 15 * S, &retry));
  g_assert_cmpuint (retry, ==, 5);
  g_assert_true (prov_limiter_check (limiter, "a", 20 * S, NULL));
  g_assert_true (prov_limiter_check (limiter, "b", 10 * S, NULL));
}

/* IPv4 as it is (also v4-mapped), IPv6 by /64, anything else as it is. */
static void
test_limiter_source_key (void)
{
  const char *cases[][2] = {
    { "192.0.2.7", "192.0.2.7" },
    { "::ffff:192.0.2.7", "192.0.2.7" },
    { "2001:db8:1:2:3:4:5:6", "2001:0db8:0001:0002::/64" },
    { "2001:db8:1:2::99", "2001:0db8:0001:0002::/64" },
    { "::1", "::1" },
    { "local", "local" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = prov_limiter_source_key (cases[i][0]);

      g_assert_cmpstr (key, ==, cases[i][1]);
    }
}

/* ---- the handler --------------------------------------------------------- */

typedef struct
{
  ProvSchema     *schema;
  ProvStore      *store;
  ProvSipHandler *handler;
  gint64          now;
  const char     *peer;
  gboolean        resync;
  GPtrArray      *resyncs; /* of the last request */
} Fixture;

static void
set_params (Fixture *f, const char *const *pairs)
{
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; pairs[i] != NULL; i += 2)
    prov_change_set_add (changes, pairs[i], pairs[i + 1], PROV_ACCESS_UNSET, "test", 0);
  prov_store_apply (f->store, changes, PROV_CALLER_ADMIN, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *dirs[] = { g_getenv ("PROV_SCHEMA_DIR"), NULL };

  g_assert_nonnull (dirs[0]);
  f->schema = prov_schema_new ();
  prov_schema_load_dirs (f->schema, dirs, &error);
  g_assert_no_error (error);
  f->store = prov_store_new (f->schema, NULL, &error);
  g_assert_no_error (error);
  set_params (f, (const char *[]) { "User_ID_1_", "1001", "Password_1_", "one",
                                    "User_ID_2_", "1002", "Auth_ID_2_", "auth1002",
                                    "Password_2_", "two",
                                    "User_ID_3_", "1003", "Password_3_", "", NULL });
  f->handler = prov_sip_handler_new (f->store, NULL);
  f->now = 1000 * S;
  f->peer = "127.0.0.1";
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->resyncs, g_ptr_array_unref);
  g_clear_object (&f->handler);
  g_clear_object (&f->store);
  g_clear_object (&f->schema);
}

/* One datagram from @peer at @now; f->resync says whether a resync is due. */
static char *
handle_raw (Fixture *f, const char *data, gsize len, const char *peer, gint64 now)
{
  char *response;

  g_clear_pointer (&f->resyncs, g_ptr_array_unref);
  response = prov_sip_handler_handle_at (f->handler, data, len, peer, 5070, now, &f->resyncs);
  f->resync = f->resyncs != NULL;
  if (f->resyncs != NULL)
    g_assert_cmpuint (f->resyncs->len, >, 0);
  return response;
}

/* One request; time moves on 100 ms, so one sender never runs out of budget. */
static char *
handle (Fixture *f, const char *text)
{
  f->now += S / 10;
  return handle_raw (f, text, strlen (text), f->peer, f->now);
}

static guint
code_of (const char *response)
{
  g_assert_nonnull (response);
  g_assert_true (g_str_has_prefix (response, "SIP/2.0 "));
  g_assert_true (g_str_has_suffix (response, "\r\nContent-Length: 0\r\n\r\n"));
  return g_ascii_strtoull (response + 8, NULL, 10);
}

static char *
notify (const char *call, guint cseq, const char *event, const char *extra)
{
  return g_strdup_printf ("NOTIFY sip:phone@127.0.0.1 SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK%s%u\r\n"
                          "From: <sip:server@127.0.0.1>;tag=s%s\r\n"
                          "To: <sip:phone@127.0.0.1>\r\n"
                          "Call-ID: %s@127.0.0.1\r\n"
                          "CSeq: %u NOTIFY\r\n"
                          "Event: %s\r\n"
                          "%s"
                          "Content-Length: 0\r\n\r\n",
                          call, cseq, call, call, cseq, event, extra != NULL ? extra : "");
}

static char *
param_of (const char *challenge, const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s=\"", name);
  const char *start = strstr (challenge, key);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (key);
  end = strchr (start, '"');
  return g_strndup (start, end - start);
}

/* An Authorization line answering @challenge (a 401 response). */
static char *
answer (const char *challenge, const char *user, const char *password, gboolean qop)
{
  g_autofree char *realm = param_of (challenge, "realm");
  g_autofree char *nonce = param_of (challenge, "nonce");
  const char *uri = "sip:phone@127.0.0.1";
  g_autofree char *response = prov_sip_digest_compute (user, realm, password, "NOTIFY", uri,
                                                       nonce, qop ? "auth" : NULL, "00000001",
                                                       "c0ffee");

  if (!qop)
    return g_strdup_printf ("Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
                            "uri=\"%s\", response=\"%s\"\r\n",
                            user, realm, nonce, uri, response);
  return g_strdup_printf ("Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
                          "uri=\"%s\", response=\"%s\", algorithm=MD5, qop=auth, nc=00000001, "
                          "cnonce=\"c0ffee\"\r\n",
                          user, realm, nonce, uri, response);
}

/* A challenge for a fresh request. */
static char *
challenge (Fixture *f, const char *call)
{
  g_autofree char *request = notify (call, 1, "check-sync", NULL);
  char *response = handle (f, request);

  g_assert_cmpuint (code_of (response), ==, 401);
  g_assert_false (f->resync);
  return response;
}

static void
test_handler_flow (Fixture *f, gconstpointer data)
{
  g_autofree char *chal = challenge (f, "a");
  g_autofree char *auth = answer (chal, "1001", "one", TRUE);
  g_autofree char *request = notify ("a", 2, "check-sync;reboot=false", auth);
  g_autofree char *ok = NULL;
  g_autofree char *again = NULL;
  g_autofree char *replay = NULL;
  g_autofree char *replayed = NULL;

  g_assert_nonnull (strstr (chal, "\r\nWWW-Authenticate: Digest realm=\"provisiond\", nonce=\""));
  g_assert_nonnull (strstr (chal, "\", algorithm=MD5, qop=\"auth\"\r\n"));
  g_assert_null (strstr (chal, "stale"));
  g_assert_nonnull (strstr (chal, "\r\nTo: <sip:phone@127.0.0.1>;tag="));

  ok = handle (f, request);
  g_assert_cmpuint (code_of (ok), ==, 200);
  g_assert_true (f->resync);
  g_assert_null (strstr (ok, "WWW-Authenticate"));

  /* A retransmission: the same answer, not a second resync. */
  again = handle (f, request);
  g_assert_cmpstr (again, ==, ok);
  g_assert_false (f->resync);

  /* The same credentials in a new transaction: the nonce is spent. */
  replay = notify ("b", 1, "check-sync", auth);
  replayed = handle (f, replay);
  g_assert_cmpuint (code_of (replayed), ==, 401);
  g_assert_nonnull (strstr (replayed, ", stale=TRUE\r\n"));
  g_assert_false (f->resync);
}

static void
test_handler_wrong_password (Fixture *f, gconstpointer data)
{
  g_autofree char *chal = challenge (f, "a");
  g_autofree char *bad = answer (chal, "1001", "two", TRUE);
  g_autofree char *good = answer (chal, "1001", "one", TRUE);
  g_autofree char *request = notify ("a", 2, "resync", bad);
  g_autofree char *retry = notify ("a", 3, "resync", good);
  g_autofree char *r1 = handle (f, request);
  g_autofree char *r2 = NULL;

  g_assert_cmpuint (code_of (r1), ==, 403);
  g_assert_false (f->resync);
  /* A failed try spends the nonce too: no guessing against one nonce. */
  r2 = handle (f, retry);
  g_assert_cmpuint (code_of (r2), ==, 401);
  g_assert_nonnull (strstr (r2, "stale=TRUE"));
  g_assert_false (f->resync);
}

static void
test_handler_accounts (Fixture *f, gconstpointer data)
{
  const struct
  {
    const char *user;
    const char *password;
    gboolean    qop;
    guint       code;
  } cases[] = {
    { "1001", "one", FALSE, 200 },      /* RFC 2069 */
    { "1002", "two", TRUE, 200 },       /* User_ID */
    { "auth1002", "two", TRUE, 200 },   /* Auth_ID */
    { "1002", "one", TRUE, 403 },       /* another line's password */
    { "1003", "", TRUE, 403 },          /* an empty password never opens */
    { "nobody", "one", TRUE, 403 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *call = g_strdup_printf ("c%u", i);
      g_autofree char *chal = challenge (f, call);
      g_autofree char *auth = answer (chal, cases[i].user, cases[i].password, cases[i].qop);
      g_autofree char *request = notify (call, 2, "check-sync", auth);
      g_autofree char *response = handle (f, request);

      g_test_message ("case %u: %s", i, cases[i].user);
      g_assert_cmpuint (code_of (response), ==, cases[i].code);
      g_assert_true (f->resync == (cases[i].code == 200));
    }

  /* [sip] Username/Password replace the lines. */
  prov_sip_handler_set_account (f->handler, "prov", "own");
  {
    g_autofree char *chal = challenge (f, "own");
    g_autofree char *line = answer (chal, "1001", "one", TRUE);
    g_autofree char *request = notify ("own", 2, "check-sync", line);
    g_autofree char *response = handle (f, request);
    g_autofree char *chal2 = challenge (f, "own2");
    g_autofree char *own = answer (chal2, "prov", "own", TRUE);
    g_autofree char *request2 = notify ("own2", 2, "check-sync", own);
    g_autofree char *response2 = handle (f, request2);

    g_assert_cmpuint (code_of (response), ==, 403);
    g_assert_cmpuint (code_of (response2), ==, 200);
    g_assert_true (f->resync);
  }
}

static void
test_handler_expiry (Fixture *f, gconstpointer data)
{
  g_autofree char *chal = challenge (f, "a");
  g_autofree char *auth = answer (chal, "1001", "one", TRUE);
  g_autofree char *request = notify ("a", 2, "check-sync", auth);
  g_autofree char *response = NULL;

  f->now += 30 * S;
  response = handle (f, request);
  g_assert_cmpuint (code_of (response), ==, 401);
  g_assert_nonnull (strstr (response, "stale=TRUE"));
  g_assert_false (f->resync);
}

static void
test_handler_answers (Fixture *f, gconstpointer data)
{
  const struct
  {
    const char *from;
    const char *to;
    guint       code; /* 0: no answer */
    const char *has;
  } cases[] = {
    { NULL, NULL, 401, "\r\nServer: provisiond\r\n" },
    { "NOTIFY", "OPTIONS", 405, "\r\nAllow: NOTIFY\r\n" },
    { "NOTIFY", "ACK", 0, NULL },
    { "NOTIFY", "FOO", 405, NULL },
    { "To: <sip:phone@127.0.0.1>", "To: <sip:phone@127.0.0.1>;tag=x", 481, NULL },
    { "Event:", "Require: foo\r\nEvent:", 420, "\r\nUnsupported: foo\r\n" },
    { "Event: check-sync\r\n", "", 400, NULL },
    { "Event: check-sync", "Event: presence", 489, "\r\nAllow-Events: resync, check-sync, xml-service\r\n" },
    { "Event: check-sync", "Event: ua-profile;profile-type=\"device\"", 489, NULL },
    { "Event: check-sync", "o: Check-Sync;reboot=true", 401, NULL },
    { "Event: check-sync", "Event: resync", 401, NULL },
    { "Event: check-sync", "Event: check sync", 400, NULL },
    { "Event: check-sync", "Event: ;reboot=false", 400, NULL },
    { "CSeq: 1 NOTIFY", "CSeq: 1 NOTIFX", 400, NULL },
    { "Content-Length: 0", "Content-Length: 5", 400, NULL },
    { "Call-ID: a@127.0.0.1\r\n", "", 0, NULL },
    { "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa1\r\n", "", 0, NULL },
    { "NOTIFY sip:phone@127.0.0.1 SIP/2.0", "SIP/2.0 200 OK", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *base = notify ("a", 1, "check-sync", NULL);
      g_autoptr(GString) text = g_string_new (base);
      g_autofree char *response = NULL;

      if (cases[i].from != NULL)
        g_assert_cmpuint (g_string_replace (text, cases[i].from, cases[i].to, 0), >, 0);
      response = handle (f, text->str);
      g_test_message ("case %u: %s", i, response != NULL ? response : "(none)");
      if (cases[i].code == 0)
        g_assert_null (response);
      else
        g_assert_cmpuint (code_of (response), ==, cases[i].code);
      if (cases[i].has != NULL)
        g_assert_nonnull (strstr (response, cases[i].has));
      g_assert_false (f->resync);
    }
}

static void
test_handler_disabled (Fixture *f, gconstpointer data)
{
  g_autofree char *chal = challenge (f, "a");
  g_autofree char *auth = answer (chal, "1001", "one", TRUE);
  g_autofree char *request = notify ("a", 2, "check-sync", auth);
  g_autofree char *first = notify ("b", 1, "check-sync", NULL);
  g_autofree char *r1 = NULL;
  g_autofree char *r2 = NULL;

  /* Switched off between challenge and answer: refused all the same. */
  set_params (f, (const char *[]) { "Resync_From_SIP", "No", NULL });
  r1 = handle (f, request);
  g_assert_cmpuint (code_of (r1), ==, 403);
  g_assert_false (f->resync);
  r2 = handle (f, first);
  g_assert_cmpuint (code_of (r2), ==, 403);
  g_assert_null (strstr (r2, "WWW-Authenticate"));
  g_assert_false (f->resync);
}

static void
test_handler_rate_limit (Fixture *f, gconstpointer data)
{
  guint answered = 0;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *call = g_strdup_printf ("r%u", i);
      g_autofree char *request = notify (call, 1, "check-sync", NULL);
      g_autofree char *response = handle_raw (f, request, strlen (request), f->peer, f->now);
      answered += response != NULL;
    }
  g_assert_cmpuint (answered, ==, 20);
  /* Others are not affected, and the budget refills. */
  f->peer = "::1";
  g_free (challenge (f, "v6"));
  f->peer = "127.0.0.1";
  f->now += 2 * S;
  g_free (challenge (f, "later"));
}

static void
discard_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
}

/* Many senders (spoofed sources) and garbage: every table stays bounded,
 * nothing fires, and an honest sender gets through afterwards. */
static void
test_handler_flood (Fixture *f, gconstpointer data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *base = notify ("f", 1, "check-sync", NULL);
  gsize base_len = strlen (base);
  guint answered = 0;

  /* Ten thousand debug lines would drown the log. */
  guint quiet = g_log_set_handler ("ProvSip", G_LOG_LEVEL_DEBUG, discard_log, NULL);
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *peer = g_strdup_printf ("10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
      g_autofree char *data_buf = g_memdup2 (base, base_len + 1);
      g_autofree char *response = NULL;
      gsize len = base_len;

      /* A quarter intact, the rest mutated: flipped bytes, cuts, noise. */
      switch (i % 4)
        {
        case 1:
          for (guint k = 0; k < 4; k++)
            data_buf[g_rand_int_range (rand, 0, base_len)] = g_rand_int_range (rand, 0, 256);
          break;
        case 2:
          len = g_rand_int_range (rand, 0, base_len);
          break;
        case 3:
          for (gsize k = 0; k < len; k++)
            data_buf[k] = g_rand_int_range (rand, 0, 256);
          break;
        default:
          break;
        }
      response = handle_raw (f, data_buf, len, peer, f->now + i);
      g_assert_false (f->resync);
      if (response != NULL)
        {
          answered++;
          g_assert_true (g_str_has_prefix (response, "SIP/2.0 "));
        }
    }
  g_log_remove_handler ("ProvSip", quiet);
  g_test_message ("answered %u", answered);
  /* The shared budget (200 at once, 100/s) caps the answers. */
  g_assert_cmpuint (answered, <=, 201);
  g_assert_cmpuint (prov_sip_handler_get_n_nonces (f->handler), <=, 256);
  g_assert_cmpuint (prov_sip_handler_get_n_sources (f->handler), <=, 128);
  g_assert_cmpuint (prov_sip_handler_get_n_cached (f->handler), <=, 64);

  f->now += 5 * S;
  {
    g_autofree char *chal = challenge (f, "honest");
    g_autofree char *auth = answer (chal, "1001", "one", TRUE);
    g_autofree char *request = notify ("honest", 2, "check-sync", auth);
    g_autofree char *response = handle (f, request);
    g_assert_cmpuint (code_of (response), ==, 200);
    g_assert_true (f->resync);
  }
}

/* Ten wrong passwords from a source: then even the right one gets 403
 * without a resync (nothing tells a guess from the password), until the
 * budget refills (one try per 10 s); other sources are not affected. */
static void
test_handler_failed_logins (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *call = g_strdup_printf ("w%u", i);
      g_autofree char *chal = challenge (f, call);
      g_autofree char *bad = answer (chal, "1001", "guess", TRUE);
      g_autofree char *request = notify (call, 2, "check-sync", bad);
      g_autofree char *response = handle (f, request);

      g_assert_cmpuint (code_of (response), ==, 403);
      g_assert_null (strstr (response, "too many"));
    }
  {
    g_autofree char *chal = challenge (f, "right");
    g_autofree char *good = answer (chal, "1001", "one", TRUE);
    g_autofree char *request = notify ("right", 2, "check-sync", good);
    g_autofree char *response = handle (f, request);

    g_assert_cmpuint (code_of (response), ==, 403);
    g_assert_true (g_str_has_prefix (response, "SIP/2.0 403 Forbidden (too many failed logins)"));
    g_assert_false (f->resync);
  }
  {
    g_autofree char *chal = NULL;
    g_autofree char *good = NULL;
    g_autofree char *request = NULL;
    g_autofree char *response = NULL;

    f->peer = "::1";
    chal = challenge (f, "other");
    good = answer (chal, "1001", "one", TRUE);
    request = notify ("other", 2, "check-sync", good);
    response = handle (f, request);
    g_assert_cmpuint (code_of (response), ==, 200);
    f->peer = "127.0.0.1";
  }
  f->now += 10 * S;
  {
    g_autofree char *chal = challenge (f, "later");
    g_autofree char *good = answer (chal, "1001", "one", TRUE);
    g_autofree char *request = notify ("later", 2, "check-sync", good);
    g_autofree char *response = handle (f, request);

    g_assert_cmpuint (code_of (response), ==, 200);
    g_assert_true (f->resync);
  }
}

static char *
xml_notify (const char *call, guint cseq, const char *extra, const char *body)
{
  return g_strdup_printf ("NOTIFY sip:phone@127.0.0.1 SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK%s%u\r\n"
                          "From: <sip:server@127.0.0.1>;tag=s%s\r\n"
                          "To: <sip:phone@127.0.0.1>\r\n"
                          "Call-ID: %s@127.0.0.1\r\n"
                          "CSeq: %u NOTIFY\r\n"
                          "Event: XML-Service\r\n"
                          "Content-Type: application/xml\r\n"
                          "%s"
                          "Content-Length: %zu\r\n\r\n%s",
                          call, cseq, call, call, cseq, extra != NULL ? extra : "",
                          strlen (body), body);
}

/* Event: XML-Service carries Cisco's Execute object: challenged like
 * check-sync, then one resync per ExecuteItem, with its rule. */
static void
test_handler_xml_service (Fixture *f, gconstpointer data)
{
  const char *body = "<CP-8845-3PCCExecute>\n"
                     "  <ExecuteItem URL=\"Resync:tftp://127.0.0.1/a.cfg\"/>\n"
                     "  <ExecuteItem URL=\"Resync\"/>\n"
                     "</CP-8845-3PCCExecute>\n";
  g_autofree char *first = xml_notify ("x", 1, NULL, body);
  g_autofree char *chal = handle (f, first);
  g_autofree char *auth = NULL;
  g_autofree char *second = NULL;
  g_autofree char *ok = NULL;

  g_assert_cmpuint (code_of (chal), ==, 401);
  g_assert_false (f->resync);
  auth = answer (chal, "1001", "one", TRUE);
  second = xml_notify ("x", 2, auth, body);
  ok = handle (f, second);
  g_assert_cmpuint (code_of (ok), ==, 200);
  g_assert_true (f->resync);
  g_assert_cmpuint (f->resyncs->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->resyncs, 0), ==, "tftp://127.0.0.1/a.cfg");
  g_assert_null (g_ptr_array_index (f->resyncs, 1));
}

/* A body that is no acceptable Execute object: 400 before any challenge. */
static void
test_handler_xml_service_refused (Fixture *f, gconstpointer data)
{
  const char *bodies[] = {
    "",
    "<CiscoIPPhoneText><Text>hi</Text></CiscoIPPhoneText>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Key:Services\"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:( $MA eq\"/></CiscoIPPhoneExecute>",
    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:&e;\"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"/>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *call = g_strdup_printf ("b%u", i);
      g_autofree char *request = xml_notify (call, 1, NULL, bodies[i]);
      g_autofree char *response = handle (f, request);

      g_test_message ("body %u", i);
      g_assert_cmpuint (code_of (response), ==, 400);
      g_assert_null (strstr (response, "WWW-Authenticate"));
      g_assert_false (f->resync);
    }
  g_assert_cmpuint (prov_sip_handler_get_n_nonces (f->handler), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/message/parse", test_message_parse);
  g_test_add_func ("/sip/message/problems", test_message_problems);
  g_test_add_func ("/sip/message/response", test_message_response);
  g_test_add_func ("/sip/digest/vectors", test_digest_vectors);
  g_test_add_func ("/sip/digest/parse", test_digest_parse);
  g_test_add_func ("/sip/nonces", test_nonces);
  g_test_add_func ("/sip/limiter", test_limiter);
  g_test_add_func ("/sip/limiter/check", test_limiter_check);
  g_test_add_func ("/sip/limiter/source-key", test_limiter_source_key);
#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/handler/flow", test_handler_flow);
  ADD ("/sip/handler/wrong-password", test_handler_wrong_password);
  ADD ("/sip/handler/accounts", test_handler_accounts);
  ADD ("/sip/handler/expiry", test_handler_expiry);
  ADD ("/sip/handler/answers", test_handler_answers);
  ADD ("/sip/handler/disabled", test_handler_disabled);
  ADD ("/sip/handler/rate-limit", test_handler_rate_limit);
  ADD ("/sip/handler/flood", test_handler_flood);
  ADD ("/sip/handler/failed-logins", test_handler_failed_logins);
  ADD ("/sip/handler/xml-service", test_handler_xml_service);
  ADD ("/sip/handler/xml-service-refused", test_handler_xml_service_refused);
#undef ADD
  return g_test_run ();
}
