/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "codec-test-util.h"
#include "prov-error.h"
#include "prov-plugin.h"

/* The gzip codec against the real gzip tool, both directions. */

static ProvCodec *gzip_codec;
static const char *const gzip_tools[] = { "gzip", "sh", NULL };

static GBytes *
gzip_cli (GBytes *plain, const char *level)
{
  const char *argv[] = { "gzip", "-c", "-n", level, NULL };

  return codec_test_run (argv, plain);
}

static GBytes *
decode (GBytes *data, guint64 max_output, GError **error)
{
  ProvCodecContext context = { .max_output = max_output };

  return prov_codec_decode (gzip_codec, data, &context, error);
}

static void
test_declarations (void)
{
  ProvPlugin *plugin = PROV_PLUGIN (gzip_codec);
  g_autoptr (GBytes) gz = g_bytes_new_static ("\x1f\x8b\x08", 3);
  g_autoptr (GBytes) xml = g_bytes_new_static ("<a/>", 4);

  g_assert_cmpstr (prov_plugin_get_name (plugin), ==, "gzip");
  g_assert_true (g_strv_contains (prov_plugin_get_magic (plugin), "1f8b"));
  g_assert_true (prov_codec_recognize (gzip_codec, gz, NULL));
  g_assert_false (prov_codec_recognize (gzip_codec, xml, NULL));
  g_assert_true (prov_codec_recognize (gzip_codec, xml, "gzip"));
  g_assert_true (prov_codec_recognize (gzip_codec, xml, "x-gzip"));
  g_assert_false (prov_codec_recognize (gzip_codec, xml, "br"));
}

static void
test_decode_cli (void)
{
  const char *levels[] = { "-1", "-9" };
  g_autoptr (GBytes) profile = codec_test_make_profile (200 * 1024, 1);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) one = g_bytes_new_static ("<", 1);
  GBytes *plains[] = { profile, empty, one };

  if (!codec_test_have_programs (gzip_tools))
    return;
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    for (guint p = 0; p < G_N_ELEMENTS (plains); p++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) gz = gzip_cli (plains[p], levels[l]);
        g_autoptr (GBytes) out = decode (gz, 0, &error);

        g_assert_no_error (error);
        codec_test_assert_equal (out, plains[p]);
      }
}

/* gzip -d treats concatenated members as one file; so do we. */
static void
test_decode_concatenated (void)
{
  g_autoptr (GBytes) a = codec_test_make_profile (30000, 2);
  g_autoptr (GBytes) b = codec_test_make_profile (20000, 3);
  g_autoptr (GByteArray) both = g_byte_array_new ();
  g_autoptr (GByteArray) expected = g_byte_array_new ();
  g_autoptr (GBytes) gz_a = NULL;
  g_autoptr (GBytes) gz_b = NULL;
  g_autoptr (GBytes) joined = NULL;
  g_autoptr (GBytes) want = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;

  if (!codec_test_have_programs (gzip_tools))
    return;
  gz_a = gzip_cli (a, "-1");
  gz_b = gzip_cli (b, "-9");
  g_byte_array_append (both, g_bytes_get_data (gz_a, NULL), g_bytes_get_size (gz_a));
  g_byte_array_append (both, g_bytes_get_data (gz_b, NULL), g_bytes_get_size (gz_b));
  g_byte_array_append (expected, g_bytes_get_data (a, NULL), g_bytes_get_size (a));
  g_byte_array_append (expected, g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  joined = g_byte_array_free_to_bytes (g_steal_pointer (&both));
  want = g_byte_array_free_to_bytes (g_steal_pointer (&expected));

  out = decode (joined, 0, &error);
  g_assert_no_error (error);
  codec_test_assert_equal (out, want);
}

static void
test_decode_truncated (void)
{
  g_autoptr (GBytes) profile = codec_test_make_profile (36 * 1024, 4);
  g_autoptr (GBytes) gz = NULL;
  gsize len;
  guint tried = 0;

  if (!codec_test_have_programs (gzip_tools))
    return;
  gz = gzip_cli (profile, "-6");
  len = g_bytes_get_size (gz);
  g_assert_cmpuint (len, >, 8 * 1024);

  /* Every 1 KiB boundary, and every cut inside the header and the trailer. */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GBytes) part = NULL;
      g_autoptr (GBytes) out = NULL;
      g_autoptr (GError) error = NULL;

      if (cut % 1024 != 0 && cut > 12 && cut < len - 8)
        continue;
      part = codec_test_slice (gz, cut);
      out = decode (part, 0, &error);
      g_assert_null (out);
      codec_test_assert_corrupt (error, "corrupt file: truncated gzip", NULL);
      tried++;
    }
  g_assert_cmpuint (tried, >=, 8 + 8 + 12);
}

static void
assert_decode_fails (GBytes *data, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = decode (data, 0, &error);

  g_assert_null (out);
  codec_test_assert_corrupt (error, message, NULL);
}

static void
test_decode_damaged (void)
{
  g_autoptr (GBytes) profile = codec_test_make_profile (10000, 5);
  g_autoptr (GBytes) gz = NULL;
  g_autoptr (GBytes) bad_crc = NULL;
  g_autoptr (GBytes) bad_size = NULL;
  g_autoptr (GBytes) bad_method = NULL;
  g_autoptr (GBytes) bad_magic = NULL;
  g_autoptr (GBytes) bad_data = NULL;
  g_autoptr (GByteArray) garbage = g_byte_array_new ();
  g_autoptr (GByteArray) zeros = g_byte_array_new ();
  g_autoptr (GBytes) with_garbage = NULL;
  g_autoptr (GBytes) with_zeros = NULL;
  g_autoptr (GByteArray) half = g_byte_array_new ();
  g_autoptr (GBytes) with_half = NULL;
  gsize len;

  if (!codec_test_have_programs (gzip_tools))
    return;
  gz = gzip_cli (profile, "-6");
  len = g_bytes_get_size (gz);

  bad_crc = codec_test_flip (gz, len - 8, 0x01);
  assert_decode_fails (bad_crc, "corrupt file: bad gzip crc");
  bad_size = codec_test_flip (gz, len - 1, 0x80);
  assert_decode_fails (bad_size, "corrupt file: bad gzip length");
  bad_method = codec_test_flip (gz, 2, 0x01);
  assert_decode_fails (bad_method, "corrupt file: bad gzip header");
  bad_magic = codec_test_flip (gz, 1, 0x01);
  assert_decode_fails (bad_magic, "corrupt file: bad gzip header");
  /* Inside the deflate data either the decoder or the CRC catches it. */
  bad_data = codec_test_flip (gz, len / 2, 0x10);
  assert_decode_fails (bad_data, NULL);

  g_byte_array_append (garbage, g_bytes_get_data (gz, NULL), len);
  g_byte_array_append (garbage, (const guint8 *) "<xml/>", 6);
  with_garbage = g_byte_array_free_to_bytes (g_steal_pointer (&garbage));
  assert_decode_fails (with_garbage, "corrupt file: trailing garbage");
  g_byte_array_append (zeros, g_bytes_get_data (gz, NULL), len);
  g_byte_array_append (zeros, (const guint8 *) "\0", 1);
  with_zeros = g_byte_array_free_to_bytes (g_steal_pointer (&zeros));
  assert_decode_fails (with_zeros, "corrupt file: trailing garbage");
  /* A lone 1f after a member is the start of a cut-off member. */
  g_byte_array_append (half, g_bytes_get_data (gz, NULL), len);
  g_byte_array_append (half, (const guint8 *) "\x1f", 1);
  with_half = g_byte_array_free_to_bytes (g_steal_pointer (&half));
  assert_decode_fails (with_half, "corrupt file: truncated gzip");
}

/* The cap is inclusive: exactly max_output bytes decode, one more does not. */
static void
test_decode_cap (void)
{
  g_autoptr (GBytes) profile = codec_test_make_profile (5000, 6);
  gsize size = g_bytes_get_size (profile);
  g_autoptr (GBytes) gz = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) none = NULL;
  g_autoptr (GError) error = NULL;

  if (!codec_test_have_programs (gzip_tools))
    return;
  gz = gzip_cli (profile, "-6");
  out = decode (gz, size, &error);
  g_assert_no_error (error);
  codec_test_assert_equal (out, profile);
  none = decode (gz, size - 1, &error);
  g_assert_null (none);
  codec_test_assert_corrupt (error, "corrupt file: too large", NULL);
}

static gsize
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* 1 GiB of zeros in about 4 MiB of gzip: the decoder must stop at the cap
 * without ever holding much more than the cap. Runs in a child so that the
 * peak RSS is this decode's alone. */
static void
test_decode_bomb (void)
{
  const char *argv[] = { "sh", "-c", "head -c 1G /dev/zero | gzip -1 -c", NULL };
  g_autoptr (GBytes) bomb = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  gsize before, after;

  if (!g_test_subprocess ())
    {
      if (!codec_test_have_programs (gzip_tools))
        return;
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stdout ("*peak-delta-kib=*");
      return;
    }

  bomb = codec_test_run (argv, NULL);
  g_assert_cmpuint (g_bytes_get_size (bomb), <, 8 * 1024 * 1024);
  before = peak_rss_kib ();
  out = decode (bomb, 16 * 1024 * 1024, &error);
  after = peak_rss_kib ();
  g_assert_null (out);
  codec_test_assert_corrupt (error, "corrupt file: too large", NULL);
  g_print ("peak-delta-kib=%" G_GSIZE_FORMAT " peak-kib=%" G_GSIZE_FORMAT "\n", after - before,
           after);
  /* The cap is 16 MiB; a decoder that trusted the stream would need 1 GiB.
   * The whole process stays small too, sanitizer overhead included. */
  g_assert_cmpuint (after - before, <, 40 * 1024);
  g_assert_cmpuint (after, <, 128 * 1024);
}

static void
test_encode (void)
{
  const int levels[] = { 0, 1, 9 };
  const char *argv[] = { "gzip", "-d", "-c", NULL };
  g_autoptr (GBytes) profile = codec_test_make_profile (100 * 1024, 7);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  GBytes *plains[] = { profile, empty };
  gsize sizes[G_N_ELEMENTS (levels)] = { 0 };

  if (!codec_test_have_programs (gzip_tools))
    return;
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    for (guint p = 0; p < G_N_ELEMENTS (plains); p++)
      {
        ProvCodecContext context = { .level = levels[l] };
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) gz = prov_codec_encode (gzip_codec, plains[p], &context, &error);
        g_autoptr (GBytes) back = NULL;
        g_autoptr (GBytes) ours = NULL;

        g_assert_no_error (error);
        g_assert_true (prov_codec_recognize (gzip_codec, gz, NULL));
        back = codec_test_run (argv, gz);
        codec_test_assert_equal (back, plains[p]);
        ours = decode (gz, 0, &error);
        g_assert_no_error (error);
        codec_test_assert_equal (ours, plains[p]);
        if (p == 0)
          sizes[l] = g_bytes_get_size (gz);
      }
  /* The level reaches zlib: 9 compresses better than 1. */
  g_assert_cmpuint (sizes[2], <, sizes[1]);
}

static void
test_encode_bad_level (void)
{
  ProvCodecContext context = { .level = 10 };
  g_autoptr (GBytes) plain = g_bytes_new_static ("<a/>", 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = prov_codec_encode (gzip_codec, plain, &context, &error);

  g_assert_null (out);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gzip_codec = codec_test_load_plugin ("PROV_GZIP_PLUGIN");

  g_test_add_func ("/gzip/declarations", test_declarations);
  g_test_add_func ("/gzip/decode/cli", test_decode_cli);
  g_test_add_func ("/gzip/decode/concatenated", test_decode_concatenated);
  g_test_add_func ("/gzip/decode/truncated", test_decode_truncated);
  g_test_add_func ("/gzip/decode/damaged", test_decode_damaged);
  g_test_add_func ("/gzip/decode/cap", test_decode_cap);
  g_test_add_func ("/gzip/decode/bomb", test_decode_bomb);
  g_test_add_func ("/gzip/encode/cli", test_encode);
  g_test_add_func ("/gzip/encode/bad-level", test_encode_bad_level);
  return g_test_run ();
}
