/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "codec-test-util.h"
#include "prov-error.h"
#include "prov-plugin.h"

/* The AES codec against the real `openssl enc`, both directions, and the
 * AES + gzip chain as the engine runs it. */

#define KEY "Corr3ct-Horse!"
#define WRONG_KEY "battery-staple"

static ProvCodec *aes_codec;
static ProvCodec *gzip_codec;
static const char *const tools[] = { "openssl", "gzip", NULL };

typedef struct
{
  const char *kdf;
  guint iterations;
  const char *args[4];
} Derivation;

static const Derivation derivations[] = {
  { "md5", 0, { "-md", "md5", NULL } },
  { "sha256", 0, { "-md", "sha256", NULL } },
  { "pbkdf2", 0, { "-pbkdf2", NULL } },
  { "pbkdf2", 1000, { "-pbkdf2", "-iter", "1000", NULL } },
};

static GBytes *
openssl_enc (const Derivation *d, gboolean decrypt, const char *key, GBytes *input)
{
  g_autofree char *pass = g_strconcat ("pass:", key, NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, "openssl");
  g_ptr_array_add (argv, "enc");
  g_ptr_array_add (argv, decrypt ? "-d" : "-e");
  g_ptr_array_add (argv, "-aes-256-cbc");
  g_ptr_array_add (argv, "-pass");
  g_ptr_array_add (argv, pass);
  for (guint i = 0; d->args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) d->args[i]);
  g_ptr_array_add (argv, NULL);
  return codec_test_run ((const char *const *) argv->pdata, input);
}

static GBytes *
gzip_cli (GBytes *plain)
{
  const char *argv[] = { "gzip", "-c", "-n", NULL };

  return codec_test_run (argv, plain);
}

/* The judge of a round trip: only the plaintext that went in. A key
 * derivation tried before the right one (the format does not say which)
 * survives the padding check 1 time in 256 and the default judge's "starts
 * with <" about 1 in 50 of those, so the default judge would fail these
 * loops of dozens of decodes about once in a thousand runs (seen in CI). */
static gboolean
judge_expected (GBytes *plain, gpointer expected)
{
  return g_bytes_equal (plain, expected);
}

static GBytes *
aes_decode_expecting (GBytes *data, guint iterations, GBytes *expected, GError **error)
{
  ProvCodecContext context = {
    .key = KEY, .iterations = iterations,
    .check_payload = judge_expected, .check_payload_data = expected
  };

  return prov_codec_decode (aes_codec, data, &context, error);
}

static GBytes *
aes_decode (GBytes *data, const char *key, guint iterations, GError **error)
{
  ProvCodecContext context = { .key = key, .iterations = iterations };

  return prov_codec_decode (aes_codec, data, &context, error);
}

/* AES then gzip, as the engine runs the layers of an encrypted+gzip file. */
static GBytes *
chain_decode (GBytes *data, GError **error)
{
  ProvCodecContext context = { .key = KEY };
  g_autoptr (GBytes) inner = prov_codec_decode (aes_codec, data, &context, error);

  if (inner == NULL)
    return NULL;
  return prov_codec_decode (gzip_codec, inner, &context, error);
}

static void
test_declarations (void)
{
  g_autoptr (GBytes) salted = g_bytes_new_static ("Salted__12345678", 16);
  g_autoptr (GBytes) xml = g_bytes_new_static ("<a/>", 4);

  g_assert_cmpstr (prov_plugin_get_name (PROV_PLUGIN (aes_codec)), ==, "aes");
  g_assert_true (prov_codec_recognize (aes_codec, salted, NULL));
  g_assert_false (prov_codec_recognize (aes_codec, xml, NULL));
}

/* Every derivation × the plaintext shapes that stress padding and the judge. */
static void
test_decode_openssl (void)
{
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) one = g_bytes_new_static ("<", 1);
  g_autoptr (GBytes) b16 = g_bytes_new_static ("<p>abcdefghi</p>", 16);
  g_autoptr (GBytes) b32 = g_bytes_new_static ("<p>abcdefghijklmnopqrstuvwxy</p>", 32);
  g_autoptr (GBytes) profile = codec_test_make_profile (20000, 11);
  g_autoptr (GBytes) gz = NULL;

  if (!codec_test_have_programs (tools))
    return;
  gz = gzip_cli (profile);
  GBytes *plains[] = { empty, one, b16, b32, profile, gz };
  for (guint d = 0; d < G_N_ELEMENTS (derivations); d++)
    for (guint p = 0; p < G_N_ELEMENTS (plains); p++)
      {
        g_autoptr (GBytes) enc = openssl_enc (&derivations[d], FALSE, KEY, plains[p]);
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) out = aes_decode_expecting (enc, derivations[d].iterations,
                                                       plains[p], &error);

        g_test_message ("derivation %u, plaintext %u", d, p);
        g_assert_no_error (error);
        codec_test_assert_equal (out, plains[p]);
      }
}

/* Decision: a 1-byte plaintext that is neither XML nor gzip fails the judge
 * for every derivation, so it reads as "bad decryption key". */
static void
test_decode_not_a_payload (void)
{
  g_autoptr (GBytes) one = g_bytes_new_static ("x", 1);

  if (!codec_test_have_programs (tools))
    return;
  for (guint d = 0; d < G_N_ELEMENTS (derivations); d++)
    {
      g_autoptr (GBytes) enc = openssl_enc (&derivations[d], FALSE, KEY, one);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) out = aes_decode (enc, KEY, derivations[d].iterations, &error);

      g_assert_null (out);
      codec_test_assert_corrupt (error, "corrupt file: bad decryption key", KEY);
    }
}

static gboolean
judge_counting (GBytes *plain, gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return g_bytes_get_size (plain) > 0 && *(const char *) g_bytes_get_data (plain, NULL) == '#';
}

/* The core's judge, when given, replaces the built-in XML/gzip check. */
static void
test_decode_judge (void)
{
  g_autoptr (GBytes) text = g_bytes_new_static ("# not xml\n", 10);
  g_autoptr (GBytes) xml = g_bytes_new_static ("<a/>", 4);
  g_autoptr (GBytes) enc_text = NULL;
  g_autoptr (GBytes) enc_xml = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) none = NULL;
  g_autoptr (GError) error = NULL;
  guint calls = 0;
  ProvCodecContext context = {
    .key = KEY, .check_payload = judge_counting, .check_payload_data = &calls
  };

  if (!codec_test_have_programs (tools))
    return;
  enc_text = openssl_enc (&derivations[2], FALSE, KEY, text);
  enc_xml = openssl_enc (&derivations[2], FALSE, KEY, xml);
  out = prov_codec_decode (aes_codec, enc_text, &context, &error);
  g_assert_no_error (error);
  codec_test_assert_equal (out, text);
  g_assert_cmpuint (calls, >=, 1);
  none = prov_codec_decode (aes_codec, enc_xml, &context, &error);
  g_assert_null (none);
  codec_test_assert_corrupt (error, "corrupt file: bad decryption key", KEY);
}

/* Counts other than 10000 come from the caller or from `[aes] Iterations=`. */
static void
test_decode_iterations (void)
{
  const Derivation iter_5000 = { "pbkdf2", 5000, { "-pbkdf2", "-iter", "5000", NULL } };
  g_autoptr (GBytes) xml = codec_test_make_profile (500, 12);
  g_autoptr (GBytes) enc = NULL;
  g_autoptr (GKeyFile) config = g_key_file_new ();
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) none = NULL;
  g_autoptr (GError) error = NULL;
  ProvCodecContext context = { .key = KEY, .config = config };

  if (!codec_test_have_programs (tools))
    return;
  enc = openssl_enc (&iter_5000, FALSE, KEY, xml);
  none = aes_decode (enc, KEY, 0, &error);
  g_assert_null (none);
  codec_test_assert_corrupt (error, "corrupt file: bad decryption key", KEY);
  g_clear_error (&error);

  g_key_file_set_string (config, "aes", "Iterations", "1000, 5000");
  out = prov_codec_decode (aes_codec, enc, &context, &error);
  g_assert_no_error (error);
  codec_test_assert_equal (out, xml);
}

static void
test_decode_keys (void)
{
  g_autoptr (GBytes) xml = codec_test_make_profile (500, 13);
  g_autoptr (GBytes) enc = NULL;
  g_autoptr (GBytes) enc_space = NULL;
  g_autoptr (GBytes) out = NULL;
  const char *missing[] = { NULL, "", "\"\"" };

  if (!codec_test_have_programs (tools))
    return;
  enc = openssl_enc (&derivations[2], FALSE, KEY, xml);
  for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) none = aes_decode (enc, missing[i], 0, &error);

      g_assert_null (none);
      codec_test_assert_corrupt (error, "corrupt file: encrypted profile needs --key", NULL);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) none = aes_decode (enc, WRONG_KEY, 0, &error);

    g_assert_null (none);
    codec_test_assert_corrupt (error, "corrupt file: bad decryption key", WRONG_KEY);
    g_assert_null (strstr (error->message, KEY));
  }

  /* `--key "my key"`: the quotes belong to the rule, not to the key. */
  enc_space = openssl_enc (&derivations[1], FALSE, "my key", xml);
  out = aes_decode (enc_space, "\"my key\"", 0, NULL);
  codec_test_assert_equal (out, xml);
}

/* About 8 KiB of AES(gzip(profile)). */
static GBytes *
make_layered (void)
{
  g_autoptr (GBytes) profile = codec_test_make_profile (34 * 1024, 14);
  g_autoptr (GBytes) gz = gzip_cli (profile);
  GBytes *enc = openssl_enc (&derivations[2], FALSE, KEY, gz);

  g_assert_cmpuint (g_bytes_get_size (enc), >, 8 * 1024);
  return enc;
}

static void
assert_chain_fails (GBytes *data, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = chain_decode (data, &error);

  g_assert_null (out);
  codec_test_assert_corrupt (error, message, KEY);
}

static void
test_decode_truncated (void)
{
  g_autoptr (GBytes) enc = NULL;
  const gsize short_lengths[] = { 0, 5, 8, 15, 16, 17, 31 };
  gsize len;

  if (!codec_test_have_programs (tools))
    return;
  enc = make_layered ();
  len = g_bytes_get_size (enc);
  for (guint i = 0; i < G_N_ELEMENTS (short_lengths); i++)
    {
      g_autoptr (GBytes) part = codec_test_slice (enc, short_lengths[i]);

      assert_chain_fails (part, "corrupt file: truncated");
    }
  /* Cuts on block boundaries pass the length check: the padding or the
   * gzip layer must catch them. */
  for (gsize cut = 1024; cut < len; cut += 1024)
    {
      g_autoptr (GBytes) part = codec_test_slice (enc, cut);

      assert_chain_fails (part, NULL);
    }
  for (gsize cut = len - 17; cut < len; cut++)
    {
      g_autoptr (GBytes) part = codec_test_slice (enc, cut);

      assert_chain_fails (part, cut == len - 16 ? NULL : "corrupt file: truncated");
    }
}

static void
test_decode_flipped (void)
{
  g_autoptr (GBytes) enc = NULL;
  g_autoptr (GBytes) magic = NULL;
  g_autoptr (GBytes) middle = NULL;
  g_autoptr (GBytes) inner = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  if (!codec_test_have_programs (tools))
    return;
  enc = make_layered ();
  len = g_bytes_get_size (enc);

  magic = codec_test_flip (enc, 3, 0x20);
  g_assert_false (prov_codec_recognize (aes_codec, magic, NULL));
  assert_chain_fails (magic, "corrupt file: bad encryption header");

  /* Salt, first block, last block: the padding or the judge rejects them. */
  {
    const gsize offsets[] = { 8, 15, 16, 20, len - 17, len - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      for (guint bit = 0; bit < 8; bit++)
        {
          g_autoptr (GBytes) bad = codec_test_flip (enc, offsets[i], 1u << bit);

          assert_chain_fails (bad, NULL);
        }
  }

  /* In the middle, CBC garbles one block and the padding stays valid: the
   * AES layer cannot tell, the gzip layer must. */
  middle = codec_test_flip (enc, (len / 2) & ~(gsize) 15, 0x01);
  inner = aes_decode (middle, KEY, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (inner);
  assert_chain_fails (middle, NULL);
}

static void
test_decode_too_large (void)
{
  g_autoptr (GBytes) xml = codec_test_make_profile (5000, 15);
  g_autoptr (GBytes) enc = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  ProvCodecContext context = { .key = KEY, .max_output = 4096 };

  if (!codec_test_have_programs (tools))
    return;
  enc = openssl_enc (&derivations[1], FALSE, KEY, xml);
  out = prov_codec_decode (aes_codec, enc, &context, &error);
  g_assert_null (out);
  codec_test_assert_corrupt (error, "corrupt file: too large", KEY);
}

/* Our output opens with the matching `openssl enc -d` options. */
static void
test_encode_openssl (void)
{
  const Derivation by_default = { NULL, 0, { "-md", "sha256", NULL } };
  const Derivation pbkdf2_10000 = { "pbkdf2", 10000, { "-pbkdf2", "-iter", "10000", NULL } };
  const Derivation *cases[] = { &by_default, &derivations[0], &derivations[1], &derivations[2],
                                &pbkdf2_10000, &derivations[3] };
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) b16 = g_bytes_new_static ("<p>abcdefghi</p>", 16);
  g_autoptr (GBytes) profile = codec_test_make_profile (20000, 16);
  GBytes *plains[] = { empty, b16, profile };

  if (!codec_test_have_programs (tools))
    return;
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (guint p = 0; p < G_N_ELEMENTS (plains); p++)
      {
        ProvCodecContext context = {
          .key = KEY, .kdf = cases[c]->kdf, .iterations = cases[c]->iterations
        };
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) enc = prov_codec_encode (aes_codec, plains[p], &context, &error);
        g_autoptr (GBytes) again = prov_codec_encode (aes_codec, plains[p], &context, &error);
        g_autoptr (GBytes) back = NULL;
        g_autoptr (GBytes) ours = NULL;

        g_assert_no_error (error);
        g_assert_true (prov_codec_recognize (aes_codec, enc, NULL));
        /* A fresh salt each time. */
        g_assert_false (g_bytes_equal (enc, again));
        back = openssl_enc (cases[c], TRUE, KEY, enc);
        codec_test_assert_equal (back, plains[p]);
        ours = aes_decode_expecting (enc, cases[c]->iterations, plains[p], &error);
        g_assert_no_error (error);
        codec_test_assert_equal (ours, plains[p]);
      }
}

static void
test_encode_bad_args (void)
{
  g_autoptr (GBytes) plain = g_bytes_new_static ("<a/>", 4);
  const ProvCodecContext cases[] = {
    { .key = NULL },
    { .key = KEY, .kdf = "sha1" },
    { .key = KEY, .kdf = "pbkdf2", .iterations = 50000000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ProvCodecContext context = cases[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) out = prov_codec_encode (aes_codec, plain, &context, &error);

      g_assert_null (out);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
      g_assert_null (strstr (error->message, KEY));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  aes_codec = codec_test_load_plugin ("PROV_AES_PLUGIN");
  gzip_codec = codec_test_load_plugin ("PROV_GZIP_PLUGIN");

  g_test_add_func ("/aes/declarations", test_declarations);
  g_test_add_func ("/aes/decode/openssl", test_decode_openssl);
  g_test_add_func ("/aes/decode/not-a-payload", test_decode_not_a_payload);
  g_test_add_func ("/aes/decode/judge", test_decode_judge);
  g_test_add_func ("/aes/decode/iterations", test_decode_iterations);
  g_test_add_func ("/aes/decode/keys", test_decode_keys);
  g_test_add_func ("/aes/decode/truncated", test_decode_truncated);
  g_test_add_func ("/aes/decode/flipped", test_decode_flipped);
  g_test_add_func ("/aes/decode/too-large", test_decode_too_large);
  g_test_add_func ("/aes/encode/openssl", test_encode_openssl);
  g_test_add_func ("/aes/encode/bad-args", test_encode_bad_args);
  return g_test_run ();
}
