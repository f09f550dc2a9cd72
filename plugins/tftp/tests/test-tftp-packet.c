/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The packet codec, without a network. */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-test.h"
#include "prov-tftp-packet.h"

static void
test_rrq_plain (void)
{
  static const guint8 expected[] = "\0\1dir/basic.txt\0octet";
  guint8 buf[512];
  gsize len = prov_tftp_build_rrq (buf, sizeof buf, "dir/basic.txt", NULL);

  g_assert_cmpmem (buf, len, expected, sizeof expected);
}

static void
test_rrq_options (void)
{
  static const guint8 expected[] = "\0\1f\0octet\0blksize\0001468\0tsize\0000\0timeout\0002\0"
                                   "windowsize\00016";
  ProvTftpOptions options = { .blksize = 1468, .windowsize = 16, .timeout = 2, .has_tsize = TRUE };
  guint8 buf[512];
  gsize len = prov_tftp_build_rrq (buf, sizeof buf, "f", &options);

  g_assert_cmpmem (buf, len, expected, sizeof expected);
}

static void
test_rrq_too_long (void)
{
  ProvTftpOptions options = { .blksize = 1468 };
  g_autofree char *name = g_strnfill (500, 'a');
  guint8 buf[1024];

  /* Fits without options; with them the request would pass 512 octets. */
  g_assert_cmpuint (prov_tftp_build_rrq (buf, sizeof buf, name, NULL), >, 0);
  g_assert_cmpuint (prov_tftp_build_rrq (buf, sizeof buf, name, &options), ==, 0);
}

static void
test_ack_error (void)
{
  static const guint8 ack[] = { 0, 4, 0x12, 0x34 };
  static const guint8 error[] = "\0\5\0\3Disk full";
  guint8 buf[64];

  g_assert_cmpmem (buf, prov_tftp_build_ack (buf, sizeof buf, 0x1234), ack, sizeof ack);
  g_assert_cmpmem (buf, prov_tftp_build_error (buf, sizeof buf, 3, "Disk full"), error,
                   sizeof error);
  g_assert_cmpuint (prov_tftp_build_error (buf, 8, 3, "Disk full"), ==, 0);
}

static void
test_parse (void)
{
  static const guint8 data[] = { 0, 3, 0xff, 0xfe, 'a', 'b' };
  static const guint8 error[] = "\0\5\0\2Access violation";
  static const guint8 error_unterminated[] = { 0, 5, 0, 1, 'n', 'o' };
  ProvTftpPacket p;
  g_autofree char *text = NULL;

  g_assert_true (prov_tftp_parse (data, sizeof data, &p));
  g_assert_cmpuint (p.opcode, ==, PROV_TFTP_OP_DATA);
  g_assert_cmpuint (p.block, ==, 0xfffe);
  g_assert_cmpmem (p.payload, p.payload_len, "ab", 2);

  g_assert_true (prov_tftp_parse (error, sizeof error, &p));
  g_assert_cmpuint (p.error_code, ==, 2);
  text = prov_tftp_error_text (&p);
  g_assert_cmpstr (text, ==, "tftp error 2: Access violation");
  g_clear_pointer (&text, g_free);

  g_assert_true (prov_tftp_parse (error_unterminated, sizeof error_unterminated, &p));
  text = prov_tftp_error_text (&p);
  g_assert_cmpstr (text, ==, "tftp error 1: no");

  g_assert_false (prov_tftp_parse (data, 1, &p));
  g_assert_false (prov_tftp_parse (data, 3, &p));
  g_assert_false (prov_tftp_parse ((const guint8 *) "\0\11xx", 4, &p));
}

static void
test_error_text_sanitized (void)
{
  static const guint8 error[] = "\0\5\0\0bad\n\033[31mthing  ";
  static const guint8 empty[] = "\0\5\0\7";
  ProvTftpPacket p;
  g_autofree char *text = NULL;
  g_autofree char *bare = NULL;
  g_autoptr(GByteArray) huge = g_byte_array_new ();

  g_assert_true (prov_tftp_parse (error, sizeof error, &p));
  text = prov_tftp_error_text (&p);
  g_assert_cmpstr (text, ==, "tftp error 0: bad??[31mthing");
  g_assert_true (prov_tftp_parse (empty, sizeof empty, &p));
  bare = prov_tftp_error_text (&p);
  g_assert_cmpstr (bare, ==, "tftp error 7");

  g_byte_array_append (huge, (const guint8 *) "\0\5\0\2", 4);
  for (guint i = 0; i < 1000; i++)
    g_byte_array_append (huge, (const guint8 *) "x", 1);
  g_assert_true (prov_tftp_parse (huge->data, huge->len, &p));
  g_clear_pointer (&text, g_free);
  text = prov_tftp_error_text (&p);
  g_assert_cmpuint (strlen (text), <, 130);
}

static gboolean
parse_oack (const char *body, gsize len, const ProvTftpOptions *requested, ProvTftpOptions *acked,
            GError **error)
{
  g_autofree guint8 *buf = g_malloc (len + 2);
  ProvTftpPacket p;

  buf[0] = 0;
  buf[1] = 6;
  memcpy (buf + 2, body, len);
  g_assert_true (prov_tftp_parse (buf, len + 2, &p));
  return prov_tftp_parse_oack (&p, requested, acked, error);
}

#define OACK(s) s, sizeof (s) - 1

static void
test_oack (void)
{
  ProvTftpOptions requested = {
    .blksize = 1468, .windowsize = 16, .timeout = 1, .has_tsize = TRUE
  };
  ProvTftpOptions acked;
  g_autoptr(GError) error = NULL;

  g_assert_true (parse_oack (OACK ("BLKSIZE\0001024\0tsize\00010485760\0windowsize\0008\0"),
                             &requested, &acked, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (acked.blksize, ==, 1024);
  g_assert_cmpuint (acked.windowsize, ==, 8);
  g_assert_cmpuint (acked.timeout, ==, 0);
  g_assert_true (acked.has_tsize);
  g_assert_cmpuint (acked.tsize, ==, 10485760);

  /* An empty OACK acknowledges nothing. */
  g_assert_true (parse_oack (OACK (""), &requested, &acked, &error));
  g_assert_cmpuint (acked.blksize, ==, 0);
  g_assert_false (acked.has_tsize);
}

static void
test_oack_refused (void)
{
  ProvTftpOptions requested = { .blksize = 1468, .has_tsize = TRUE };
  ProvTftpOptions acked;
  const struct
  {
    const char *body;
    gsize       len;
  } bad[] = {
    { OACK ("blksize\0002000\0") },          /* larger than requested */
    { OACK ("blksize\0007\0") },             /* below RFC 2348's minimum */
    { OACK ("blksize\0001x\0") },            /* not a number */
    { OACK ("blksize\000-1\0") },
    { OACK ("blksize\0\0") },
    { OACK ("windowsize\0004\0") },          /* not requested */
    { OACK ("multicast\0,,\0") },
    { OACK ("blksize\000512\0blksize\000512\0") },
    { OACK ("tsize\00099999999999999999999999\0") },
    { OACK ("blksize\000512") },             /* truncated */
    { OACK ("blksize") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (parse_oack (bad[i].body, bad[i].len, &requested, &acked, &error));
      g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
    }
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/tftp/packet/rrq-plain", test_rrq_plain },
    { "/tftp/packet/rrq-options", test_rrq_options },
    { "/tftp/packet/rrq-too-long", test_rrq_too_long },
    { "/tftp/packet/ack-error", test_ack_error },
    { "/tftp/packet/parse", test_parse },
    { "/tftp/packet/error-text-sanitized", test_error_text_sanitized },
    { "/tftp/packet/oack", test_oack },
    { "/tftp/packet/oack-refused", test_oack_refused },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
