/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Macro expansion, SPEC §3: every form and every example of the SPEC and
 * of the Cisco chapter (seeds/000), with the expected text. */
#include "config.h"

#include <string.h>

#include "prov-macro.h"
#include "prov-macro-private.h"
#include "prov-parse-steps.h"
#include "prov-test.h"

static GHashTable *
make_vars (void)
{
  static const char *const pairs[][2] = {
    { "A", "12345678" },
    { "B", "Dj6Lmp23Q" },
    { "C", "$B" }, /* a value that looks like a macro: never re-expanded */
    { "D", "OU=x,\nL=y" },
    { "J", "日本語テキスト" },
    { "X", "\xff\xfe" "ab" }, /* not UTF-8: substrings count bytes */
    { "E", "" },
    { "MA", "000e08abcdef" },
    { "MAU", "000E08ABCDEF" },
    { "MAC", "00:0e:08:ab:cd:ef" },
    { "PN", "CP-8845-3PCC" },
    { "PSN", "8845" },
    { "SN", "88012BA01234" },
    { "SWVER", "11.3.1" },
    { "VENDOR", "Cisco" },
    { "SCHEME", "tftp" },
    { "SERVIP", "192.168.1.200" },
    { "PORT", "69" },
    { "PATH", "/basic.txt" },
    { "ERR", "file not found" },
    { "UID1", "1001" },
    { "UID2", "1002" },
    { "PRVST", "-1" },
  };
  GHashTable *vars = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    g_hash_table_insert (vars, (gpointer) pairs[i][0], (gpointer) pairs[i][1]);
  return vars;
}

typedef struct
{
  const char *text;
  const char *expected;
} Case;

static void
check_cases (const Case *cases, gsize n, GHashTable *vars, GHashTable *secrets)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *out = prov_macro_expand (cases[i].text, vars, secrets);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

/* The examples of SPEC §3, §6, §7 and of the seed chapter. */
static void
test_macro_examples (void)
{
  static const Case cases[] = {
    /* seed: "マクロ展開を使用した URL 解決" */
    { "tftp://prov.telco.com:6900/cisco/config/$PN.cfg",
      "tftp://prov.telco.com:6900/cisco/config/CP-8845-3PCC.cfg" },
    { "tftp://prov.telco.com/cisco/$B/$MA.cfg",
      "tftp://prov.telco.com/cisco/Dj6Lmp23Q/000e08abcdef.cfg" },
    /* Profile_Rule default */
    { "/$PSN.xml", "/8845.xml" },
    /* syslog messages (seed and SPEC §6) */
    { "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH",
      "CP-8845-3PCC 00:0e:08:ab:cd:ef -- Requesting resync tftp://192.168.1.200:69/basic.txt" },
    { "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH",
      "CP-8845-3PCC 00:0e:08:ab:cd:ef -- Successful resync tftp://192.168.1.200:69/basic.txt" },
    { "$PN $MAC -- Resync failed: $ERR",
      "CP-8845-3PCC 00:0e:08:ab:cd:ef -- Resync failed: file not found" },
    { "$PN $MAC -- Successful upgrade $SCHEME://$SERVIP:$PORT$PATH -- $ERR",
      "CP-8845-3PCC 00:0e:08:ab:cd:ef -- Successful upgrade "
      "tftp://192.168.1.200:69/basic.txt -- file not found" },
    /* Syslog_Identifier choices */
    { "$MA", "000e08abcdef" },
    { "$MAU", "000E08ABCDEF" },
    { "$MAC", "00:0e:08:ab:cd:ef" },
    { "$SN", "88012BA01234" },
    /* SPEC §7 User-Agent template */
    { "$VENDOR-$PN/$SWVER ($MA)", "Cisco-CP-8845-3PCC/11.3.1 (000e08abcdef)" },
    /* interop corpus rules */
    { "[--uid provuser --pwd provpass]http://127.0.0.1/app/provision/?mac=$MA",
      "[--uid provuser --pwd provpass]http://127.0.0.1/app/provision/?mac=000e08abcdef" },
    { "http://127.0.0.1/app/provision/?mac=$MA&password=",
      "http://127.0.0.1/app/provision/?mac=000e08abcdef&password=" },
    { "tftp://127.0.0.10/spa$MA.xml", "tftp://127.0.0.10/spa000e08abcdef.xml" },
    { "tftp://127.0.0.1/spa$MAC.xml", "tftp://127.0.0.1/spa00:0e:08:ab:cd:ef.xml" },
    /* GPP registers as $A…$P */
    { "$A", "12345678" },
    { "tftp://192.168.1.200/basic.txt", "tftp://192.168.1.200/basic.txt" },
    { "gds://", "gds://" },
  };
  g_autoptr (GHashTable) vars = make_vars ();

  check_cases (cases, G_N_ELEMENTS (cases), vars, NULL);
}

static void
test_macro_names (void)
{
  static const Case cases[] = {
    /* longest known prefix of the alphanumeric run */
    { "$MAC", "00:0e:08:ab:cd:ef" },
    { "$MAx", "000e08abcdefx" },
    { "$MACx", "00:0e:08:ab:cd:efx" },
    { "$MAUx", "000E08ABCDEFx" },
    { "$MA.cfg", "000e08abcdef.cfg" },
    { "$MA_1", "000e08abcdef_1" },
    { "$PSN$PN", "8845CP-8845-3PCC" },
    { "$UID1/$UID2", "1001/1002" },
    { "$UID3", "$UID3" },
    { "$Ax", "12345678x" },
    { "$AB", "12345678B" },
    /* unknown names stay verbatim, the `$` included */
    { "$NOPE", "$NOPE" },
    { "$nope and $MA", "$nope and 000e08abcdef" },
    { "$ma", "$ma" },
    { "$_A", "$_A" },
    /* $$ and lone dollars */
    { "$$", "$" },
    { "$$MA", "$MA" },
    { "$$$MA", "$000e08abcdef" },
    { "cost: 5$", "cost: 5$" },
    { "$", "$" },
    { "$ MA", "$ MA" },
    { "$-1", "$-1" },
    { "", "" },
    { "no macros here", "no macros here" },
    /* one pass: inserted text is never expanded again */
    { "$C", "$B" },
    { "$(C)", "$B" },
    { "$E|$E", "|" },
    { "[$D]", "[OU=x,\nL=y]" },
    { "$PRVST", "-1" },
    /* UTF-8 around macros */
    { "ダウンロード $MA 完了", "ダウンロード 000e08abcdef 完了" },
    { "$J", "日本語テキスト" },
    { "$MA日本", "000e08abcdef日本" },
  };
  g_autoptr (GHashTable) vars = make_vars ();

  check_cases (cases, G_N_ELEMENTS (cases), vars, NULL);
}

static void
test_macro_parens (void)
{
  static const Case cases[] = {
    { "$(MA)", "000e08abcdef" },
    { "$(MA)x", "000e08abcdefx" },
    { "spa$(MA).xml", "spa000e08abcdef.xml" },
    { "$(MA:6)", "abcdef" },
    { "$(MA:0:6)", "000e08" },
    { "$(MA:6:2)", "ab" },
    { "$(MA:0:0)", "" },
    { "$(MA:11:1)", "f" },
    /* clamped to the value */
    { "$(MA:12)", "" },
    { "$(MA:100)", "" },
    { "$(MA:10:100)", "ef" },
    { "$(MA:99999999999999999999999)", "" },
    { "$(MA:1:99999999999999999999999)", "00e08abcdef" },
    { "$(E:0:3)", "" },
    /* UTF-8 values count characters */
    { "$(J:1:2)", "本語" },
    { "$(J:3)", "テキスト" },
    { "$(J:6:5)", "ト" },
    { "$(J:7)", "" },
    /* not UTF-8: bytes */
    { "$(X:1:2)", "\xfe" "a" },
    { "$(X:3)", "b" },
    /* malformed or unknown: the whole `$(…)` stays verbatim */
    { "$(NOPE)", "$(NOPE)" },
    { "$(NOPE:1:2)", "$(NOPE:1:2)" },
    { "$(MA:x)", "$(MA:x)" },
    { "$(MA:1:y)", "$(MA:1:y)" },
    { "$(MA:-1)", "$(MA:-1)" },
    { "$(MA:1:-2)", "$(MA:1:-2)" },
    { "$(MA:)", "$(MA:)" },
    { "$(MA::2)", "$(MA::2)" },
    { "$(MA:1:2:3)", "$(MA:1:2:3)" },
    { "$(MA: 1)", "$(MA: 1)" },
    { "$( MA)", "$( MA)" },
    { "$()", "$()" },
    { "$(MA", "$(MA" },
    { "$(", "$(" },
    { "$(MA x) $MA", "$(MA x) 000e08abcdef" },
    /* a name in parentheses is exact, not a prefix */
    { "$(MAx)", "$(MAx)" },
    { "$(MAC:0:2)", "00" },
  };
  g_autoptr (GHashTable) vars = make_vars ();

  check_cases (cases, G_N_ELEMENTS (cases), vars, NULL);
}

/* GPP_SA…SD expand only where the caller passes the secrets table. */
static void
test_macro_secrets (void)
{
  g_autoptr (GHashTable) vars = make_vars ();
  g_autoptr (GHashTable) secrets = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *mixed = NULL;
  g_autofree char *prefix = NULL;

  g_hash_table_insert (secrets, "SA", "s3cr3t");
  g_hash_table_insert (secrets, "SB", "other");
  /* a stray SA among the variables must not shadow the real secret */
  g_hash_table_insert (vars, "SA", "not-the-secret");

  url = prov_macro_expand ("http://h/$SB/$MA", vars, NULL);
  g_assert_cmpstr (url, ==, "http://h/$SB/000e08abcdef");
  key = prov_macro_expand ("$SA", vars, secrets);
  g_assert_cmpstr (key, ==, "s3cr3t");
  sub = prov_macro_expand ("$(SA:0:3)", vars, secrets);
  g_assert_cmpstr (sub, ==, "s3c");
  mixed = prov_macro_expand ("$SB-$MA", vars, secrets);
  g_assert_cmpstr (mixed, ==, "other-000e08abcdef");
  prefix = prov_macro_expand ("$SBx", vars, secrets);
  g_assert_cmpstr (prefix, ==, "otherx");
}

static void
test_macro_no_vars (void)
{
  g_autofree char *out = prov_macro_expand ("$MA $(MA:1) $$", NULL, NULL);

  g_assert_cmpstr (out, ==, "$MA $(MA:1) $");
}

/* Long inputs with many macros: linear, no overflow. */
static void
test_macro_long (void)
{
  g_autoptr (GHashTable) vars = make_vars ();
  g_autoptr (GString) in = g_string_new (NULL);
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *out = NULL;

  for (guint i = 0; i < 5000; i++)
    {
      g_string_append (in, "$MA$(PSN:1:2)$$ ");
      g_string_append (expected, "000e08abcdef84$ ");
    }
  out = prov_macro_expand (in->str, vars, NULL);
  g_assert_cmpstr (out, ==, expected->str);
}

/* Bytes hashed by every lookup: the work of finding names, measured from
 * outside the expander. */
static guint64 hashed_bytes;

static guint
counting_hash (gconstpointer key)
{
  hashed_bytes += strlen (key);
  return g_str_hash (key);
}

static guint64
hashed_by (GHashTable *vars, const char *text)
{
  g_autofree char *out = NULL;

  hashed_bytes = 0;
  out = prov_macro_expand (text, vars, NULL);
  g_assert_cmpstr (out, ==, text); /* nothing known: verbatim */
  return hashed_bytes;
}

/* Issue 12: `$` and 200,000 letters took 17 s, every name prefix being
 * looked up. The work of the lookups must not grow with the run. */
static void
test_macro_long_name (void)
{
  g_autoptr (GHashTable) vars = g_hash_table_new (counting_hash, g_str_equal);
  g_autofree char *n = NULL;
  g_autofree char *n2 = NULL;
  g_autofree char *known = NULL;
  guint64 at_n, at_2n;

  g_hash_table_insert (vars, "MA", "000e08abcdef");
  n = test_repeat ("x", 20000, "");
  n2 = test_repeat ("x", 40000, "");
  n[0] = n2[0] = '$';
  at_n = hashed_by (vars, n);
  at_2n = hashed_by (vars, n2);
  g_test_message ("bytes hashed: %" G_GUINT64_FORMAT " at n, %" G_GUINT64_FORMAT " at 2n",
                  at_n, at_2n);
  g_assert_cmpuint (at_2n, ==, at_n);
  g_assert_cmpuint (at_n, <=, PROV_MACRO_NAME_MAX * (PROV_MACRO_NAME_MAX + 1) / 2);

  /* The longest known prefix still wins in a long run. */
  memcpy (n, "$MA", 3);
  known = prov_macro_expand (n, vars, NULL);
  g_assert_true (g_str_has_prefix (known, "000e08abcdefxxxx"));
  g_assert_cmpuint (strlen (known), ==, strlen ("000e08abcdef") + strlen (n) - 3);
}

/* The work counted inside the expander at n and 2n repetitions of @unit:
 * linear means twice the work, quadratic four times. */
static void
assert_linear (GHashTable *vars, const char *unit)
{
  guint64 steps[2];

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *text = test_repeat (unit, 10000 << i, "");
      g_autofree char *out = NULL;
      guint64 before = prov_parse_steps;

      out = prov_macro_expand (text, vars, NULL);
      steps[i] = prov_parse_steps - before;
    }
  g_test_message ("%s: %" G_GUINT64_FORMAT " steps at n, %" G_GUINT64_FORMAT " at 2n", unit,
                  steps[0], steps[1]);
  g_assert_cmpuint (steps[1], <=, 2 * steps[0] + 64);
}

static void
test_macro_linear (void)
{
  g_autoptr (GHashTable) vars = make_vars ();
  static const char *const units[] = {
    "$(", "$(A", "$(A:1", "$(A:1:", "$(MA:", "$MA", "$(xyz)", "$x", "$", "$(A:1:2)",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    assert_linear (vars, units[i]);
}

/* `$(A:1` many times never closes; each `$(` used to look for a `)` to the
 * end of the text. The result is still the text, verbatim. */
static void
test_macro_unclosed (void)
{
  g_autoptr (GHashTable) vars = make_vars ();
  g_autofree char *text = test_repeat ("$(A:1", 1000, "");
  g_autofree char *out = prov_macro_expand (text, vars, NULL);
  g_autofree char *closed = prov_macro_expand ("$(A:1$(A:1)", vars, NULL);

  g_assert_cmpstr (out, ==, text);
  g_assert_cmpstr (closed, ==, "$(A:12345678");
}

/* A value inserted over and over: the expansion stops growing at 16 MiB,
 * the rest stays verbatim, instead of eating the memory. */
static void
test_macro_bounded (void)
{
  g_autoptr (GHashTable) vars = make_vars ();
  g_autofree char *big = g_strnfill (4096, 'v');
  g_autofree char *text = test_repeat ("$Z", 8192, ""); /* 32 MiB when expanded */
  g_autofree char *out = NULL;
  gsize inserted;

  g_hash_table_insert (vars, "Z", big);
  out = prov_macro_expand (text, vars, NULL);
  inserted = strspn (out, "v");
  g_assert_cmpuint (inserted, ==, 16 * 1024 * 1024);
  g_assert_true (g_str_has_prefix (out + inserted, "$Z$Z"));
  g_assert_cmpuint (strlen (out), ==, inserted + (8192 - 4096) * 2);
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/macro/examples", test_macro_examples },
    { "/macro/names", test_macro_names },
    { "/macro/parens", test_macro_parens },
    { "/macro/secrets", test_macro_secrets },
    { "/macro/no-vars", test_macro_no_vars },
    { "/macro/long", test_macro_long },
    { "/macro/long-name", test_macro_long_name },
    { "/macro/linear", test_macro_linear },
    { "/macro/unclosed", test_macro_unclosed },
    { "/macro/bounded", test_macro_bounded },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
