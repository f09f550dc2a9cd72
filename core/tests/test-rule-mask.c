/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rule masker: fixed cases, then random rules with random secrets in
 * random surroundings (reproducible with --seed). */
#include "config.h"

#include <string.h>

#include "prov-rule.h"
#include "prov-rule-mask.h"
#include "prov-test.h"

#define M PROV_RULE_MASK

/* PROV_TEST_QUICK=1 (valgrind runs) shrinks the random tests tenfold. */
static guint
iterations (guint n)
{
  return g_getenv ("PROV_TEST_QUICK") != NULL ? n / 10 : n;
}

static void
assert_masked (const char *rule, const char *expected)
{
  g_autofree char *masked = prov_rule_mask_secrets (rule);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (masked, ==, expected);
  g_assert_true (prov_rule_mask_check (rule, &error));
  g_assert_no_error (error);
}

static void
test_fixed (void)
{
  assert_masked ("http://h/a.xml", "http://h/a.xml");
  assert_masked ("[--key s3cret] /a.cfg", "[--key " M "] /a.cfg");
  assert_masked ("[ --uid alice --pwd \"p w\\\"d\" --post a ] https://h/x",
                 "[ --uid " M " --pwd \"" M "\" --post a ] https://h/x");
  /* Every alternative, and an argument against the bracket. */
  assert_masked ("( $A eq 1 )? [--key k1]/a | [--key $SA]/b",
                 "( $A eq 1 )? [--key " M "]/a | [--key " M "]/b");
  /* Refused by the parser, masked all the same. */
  assert_masked ("[--key \"never closed /a", "[--key " M);
  assert_masked ("[--key=s3cret] /a", "[--key" M);
  assert_masked ("--pwd s3cret", "--pwd " M);
  assert_masked ("[--key my pass phrase]/a", "[--key " M " " M);
  assert_masked ("[--pwd]/a", "[--pwd" M);
  assert_masked ("[--pwd ] secret/a", "[--pwd " M);
  assert_masked ("( $A eq 1 [--pwd x]/a", M);
  assert_masked ("( $A eq 1 ) [--pwd x]/a", M);
  assert_masked ("[--srv] ( $A eq 1 )? [--pwd x]/a", "[--srv] " M);
  assert_masked ("[--post \"a ] --pwd x]/a", "[--post" M);
  assert_masked ("", "");
  assert_masked ("tftp://u:pw-in-url@127.0.0.1/a.cfg", "tftp://u:" M "@127.0.0.1/a.cfg");
  assert_masked ("http://u@h/a.cfg", "http://u@h/a.cfg");
  assert_masked ("http://h/a?x=u:p@q", "http://h/a?x=u:p@q");
  assert_masked ("[2001:db8::1]/f.cfg", "[2001:db8::1]/f.cfg");
  /* What the adversarial review found the old masker let through. */
  assert_masked ("[--key abc|defgh] /a", "[--key " M "] /a");
  assert_masked ("[--pwd xy[z]w] /a", "[--pwd " M "] /a");
  assert_masked ("http://u:pa\"ss@h/x", "http://u:" M "@h/x");
  assert_masked ("/a\"b.cfg | [--pwd secret] /c", "/a\"b.cfg | [--pwd " M "] /c");
  assert_masked ("( \"x|y\" eq \"y\" )? /a\" | [--uid u --pwd p@ss]http://v:w@h/c",
                 "( \"x|y\" eq \"y\" )? /a\" | [--uid " M " --pwd " M "]http://v:" M "@h/c");
  /* A URL inside a URL; a password holding `@` and `:`. */
  assert_masked ("http://h/r?next=https://u:a:b@c@d/x", "http://h/r?next=https://u:" M "@d/x");
  /* Assignments: secret registers and password parameters. */
  assert_masked ("( a = \"x\"; GPP_SB = \"s|e;c\"; Admin_Password = \"p\"; )! /a",
                 "( a = \"x\"; GPP_SB = \"" M "\"; Admin_Password = \"" M "\"; )! /a");
  assert_masked ("( a = \"x\" GPP_SB = \"s\"; )! /a", "( " M);
  /* A URL in a condition, and what only looks like one (found by libFuzzer). */
  assert_masked ("( \"http://u:pw@h\" eq \"$A\" )? /a", "( \"http://u:" M "@h\" eq \"$A\" )? /a");
  assert_masked ("( x://u:p eq q@b )? /a", "( x://u:p eq q@b )? /a");
  /* A condition that is not one may be assignments. */
  assert_masked ("( GPP_SA = \"s\"; )? /a", M);
}

static void
test_url (void)
{
  g_autofree char *a = prov_url_mask_secrets ("http://u:pw@127.0.0.1:80/x.cfg");
  g_autofree char *b = prov_url_mask_secrets ("tftp://127.0.0.1:69/x.cfg");
  g_autofree char *c = prov_url_mask_secrets (NULL);

  g_assert_cmpstr (a, ==, "http://u:" M "@127.0.0.1:80/x.cfg");
  g_assert_cmpstr (b, ==, "tftp://127.0.0.1:69/x.cfg");
  g_assert_cmpstr (c, ==, "");
}

static gboolean
store_says_secret (const char *name, gpointer user_data)
{
  return g_strcmp0 (name, user_data) == 0;
}

static void
test_full (void)
{
  g_autofree char *masked = prov_rule_mask_secrets_full ("( Pin = \"1\"; Admin_Password = \"2\"; )!",
                                                         store_says_secret, (gpointer) "Pin");

  g_assert_cmpstr (masked, ==, "( Pin = \"" M "\"; Admin_Password = \"2\"; )!");
}

/* ---- random rules ---- */

typedef struct
{
  GString   *rule;
  GString   *expected;
  GArray    *spans;   /* bytes the mutations must not touch: start, end pairs */
  gboolean   broken;  /* made for test_random_broken() */
} Gen;

static int
pick (int n)
{
  return g_test_rand_int_range (0, n);
}

static void
both (Gen *g, const char *text)
{
  g_string_append (g->rule, text);
  g_string_append (g->expected, text);
}

static void
blanks (Gen *g)
{
  static const char *const choices[] = { "", "", " ", "  ", "\t", " \n " };

  both (g, choices[pick (G_N_ELEMENTS (choices))]);
}

static void
protect (Gen *g, gsize start)
{
  gsize span[2] = { start, g->rule->len };

  g_array_append_vals (g->spans, span, 2);
}

/* A secret: two capitals first (the mutation test looks for them), then
 * capitals and bytes that confused maskers. @avoid: bytes it must not
 * hold. */
static char *
random_secret (const char *avoid)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ|[]()@:\"\\$=;'!?#/&% -,.<>{}*~^`\t";
  GString *s = g_string_new (NULL);
  int len = 2 + pick (12);

  g_string_append_c (s, 'A' + pick (26));
  g_string_append_c (s, 'A' + pick (26));
  while ((int) s->len < len)
    {
      char c = alphabet[pick (sizeof alphabet - 1)];

      if (strchr (avoid, c) == NULL)
        g_string_append_c (s, c);
    }
  return g_string_free (s, FALSE);
}

/* A bare argument: no blanks or quotes, brackets balanced (the block's
 * `]` is found by nesting), not starting with `--`. */
static char *
random_bare_secret (void)
{
  g_autofree char *s = random_secret (" \t\"[]");
  GString *out = g_string_new (s);

  if (pick (3) == 0)
    {
      gsize at = 1 + pick (out->len);
      g_string_insert (out, at, "[");
      g_string_insert_c (out, at + 1 + pick (out->len - at), ']');
    }
  return g_string_free (out, FALSE);
}

/* An option argument; returns the parsed value the parser must find. */
static char *
gen_secret_argument (Gen *g, gsize start)
{
  char *value;

  if (pick (2) == 0)
    {
      value = random_bare_secret ();
      g_string_append (g->rule, value);
      g_string_append (g->expected, M);
    }
  else
    {
      value = random_secret ("");
      g_string_append_c (g->rule, '"');
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (g->rule, '\\');
          g_string_append_c (g->rule, *p);
        }
      g_string_append_c (g->rule, '"');
      g_string_append (g->expected, "\"" M "\"");
    }
  protect (g, start);
  return value;
}

static void
gen_options (Gen *g, ProvRuleAlt *want)
{
  int n = 1 + pick (4);

  both (g, "[");
  blanks (g);
  for (int i = 0; i < n; i++)
    {
      char **slot;
      gsize start = g->rule->len;

      switch (pick (6))
        {
        case 0:
          both (g, "--post ");
          both (g, pick (2) ? "a" : "P");
          break;
        case 1:
          both (g, "--srv");
          break;
        case 2:
          both (g, "--key ");
          slot = &want->key;
          g_free (*slot);
          *slot = gen_secret_argument (g, start);
          break;
        case 3:
          both (g, "--uid ");
          slot = &want->uid;
          g_free (*slot);
          *slot = gen_secret_argument (g, start);
          break;
        default:
          both (g, "--pwd");
          blanks (g);
          if (g_str_has_suffix (g->rule->str, "d"))
            both (g, " ");
          slot = &want->pwd;
          g_free (*slot);
          *slot = gen_secret_argument (g, start);
          break;
        }
      both (g, i + 1 < n || pick (2) ? " " : "");
    }
  both (g, "]");
}

static void
gen_word (Gen *g, const char *alphabet, int max)
{
  int len = 1 + pick (max);

  for (int i = 0; i < len; i++)
    {
      char c[2] = { alphabet[pick (strlen (alphabet))], '\0' };
      both (g, c);
    }
}

static void
gen_url (Gen *g)
{
  static const char *const schemes[] = { "", "http://", "https://", "tftp://", "file://" };
  const char *scheme = schemes[pick (G_N_ELEMENTS (schemes))];
  gsize start = g->rule->len;

  both (g, scheme);
  if (scheme[0] != '\0')
    {
      if (pick (2) == 0)
        {
          g_autofree char *pw = random_secret (g->broken ? "/?#| \t\n\r[]\"()" : "/?#| \t\n\r");

          gen_word (g, "abcdefghij0123456789._-", 6);
          both (g, ":");
          g_string_append (g->rule, pw);
          g_string_append (g->expected, M);
          both (g, "@");
          protect (g, start);
        }
      gen_word (g, "abcdefghij0123456789.-", 10);
      if (pick (3) == 0)
        both (g, ":8080");
    }
  both (g, "/");
  gen_word (g, "abcdefghij0123456789._-$\"()[]&=?", 12);
  if (pick (4) == 0)
    {
      g_autofree char *pw = random_secret (g->broken ? "/?#| \t\n\r[]\"()" : "/?#| \t\n\r");

      both (g, "?next=");
      start = g->rule->len;
      both (g, "http://v:");
      g_string_append (g->rule, pw);
      g_string_append (g->expected, M);
      both (g, "@h");
      protect (g, start);
      both (g, "/q");
    }
}

static void
gen_assignments (Gen *g)
{
  int n = 1 + pick (3);

  both (g, "(");
  for (int i = 0; i < n; i++)
    {
      gboolean secret = pick (2) == 0;
      gsize start = g->rule->len;

      blanks (g);
      if (secret)
        both (g, pick (2) && !g->broken ? "GPP_SC" : "admin_password");
      else
        both (g, pick (2) ? "b" : "station_name");
      blanks (g);
      both (g, "=");
      blanks (g);
      if (secret)
        {
          g_autofree char *value = random_secret ("\"\\");

          /* A broken assignment block reads as a URL, and a URL holds no
           * assignments: those values are not looked for in broken rules. */
          if (g->broken)
            g_strdelimit (value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 'x');
          g_string_append_printf (g->rule, "\"%s\"", value);
          g_string_append (g->expected, "\"" M "\"");
        }
      else
        {
          both (g, "\"");
          gen_word (g, "abcdefghij|[]()?!; ", 8);
          both (g, "\"");
        }
      protect (g, start);
      blanks (g);
      both (g, ";");
    }
  blanks (g);
  both (g, ")!");
}

static void
gen_rule (Gen *g, GPtrArray *wants)
{
  static const char *const conditions[] = { "( 1 eq 1 )?", "(\"a|b\" ne \"[x]\")?",
                                            "( 10 lt 1.0.31(b) )?", "( \"$a\" eq \"\" )?" };
  int n = pick (4);

  for (int i = 0; i < n; i++)
    {
      ProvRuleAlt *want = g_new0 (ProvRuleAlt, 1);

      g_ptr_array_add (wants, want);
      if (i > 0)
        both (g, "|");
      blanks (g);
      if (pick (3) == 0)
        {
          both (g, conditions[pick (G_N_ELEMENTS (conditions))]);
          blanks (g);
        }
      if (pick (3) == 0)
        {
          gen_assignments (g);
          blanks (g);
        }
      for (int blocks = pick (3); blocks > 0; blocks--)
        {
          gen_options (g, want);
          blanks (g);
        }
      if (pick (6) != 0)
        gen_url (g);
      blanks (g);
    }
}

static void
free_want (gpointer data)
{
  ProvRuleAlt *want = data;

  g_free (want->key);
  g_free (want->uid);
  g_free (want->pwd);
  g_free (want);
}

static void
gen_init (Gen *g)
{
  g->rule = g_string_new (NULL);
  g->expected = g_string_new (NULL);
  g->spans = g_array_new (FALSE, FALSE, sizeof (gsize));
  g->broken = FALSE;
}

static void
gen_clear (Gen *g)
{
  g_string_free (g->rule, TRUE);
  g_string_free (g->expected, TRUE);
  g_array_unref (g->spans);
}

/* Round trip: a well-formed rule is masked into exactly the rule with each
 * secret replaced, and the parser finds the same secrets the generator
 * wrote. */
static void
test_random_round_trip (void)
{
  for (guint iteration = 0; iteration < iterations (20000); iteration++)
    {
      Gen g;
      g_autoptr(GPtrArray) wants = g_ptr_array_new_with_free_func (free_want);
      g_autoptr(ProvRule) rule = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *masked = NULL;

      gen_init (&g);
      gen_rule (&g, wants);
      rule = prov_rule_parse (g.rule->str, &error);
      if (rule == NULL)
        g_error ("generated rule refused: %s: %s", g.rule->str, error->message);
      /* A blank rule has no alternatives at all. */
      if (g.rule->str[strspn (g.rule->str, " \t\r\n")] == '\0')
        g_ptr_array_set_size (wants, 0);
      g_assert_cmpuint (rule->alts->len, ==, wants->len);
      for (guint i = 0; i < wants->len; i++)
        {
          ProvRuleAlt *got = rule->alts->pdata[i], *want = wants->pdata[i];

          g_assert_cmpstr (got->key, ==, want->key);
          g_assert_cmpstr (got->uid, ==, want->uid);
          g_assert_cmpstr (got->pwd, ==, want->pwd);
        }
      masked = prov_rule_mask_secrets (g.rule->str);
      if (strcmp (masked, g.expected->str) != 0)
        g_error ("rule:     %s\nmasked:   %s\nexpected: %s", g.rule->str, masked,
                 g.expected->str);
      if (!prov_rule_mask_check (g.rule->str, &error))
        g_error ("%s: %s", g.rule->str, error->message);
      gen_clear (&g);
    }
}

static gboolean
protected_at (GArray *spans, gsize at)
{
  for (guint i = 0; i < spans->len; i += 2)
    if (at >= g_array_index (spans, gsize, i) && at < g_array_index (spans, gsize, i + 1))
      return TRUE;
  return FALSE;
}

static void
shift_spans (GArray *spans, gsize at, gssize by)
{
  for (guint i = 0; i < spans->len; i++)
    if (g_array_index (spans, gsize, i) > at)
      g_array_index (spans, gsize, i) += by;
}

/* Broken rules: stray quotes, brackets, bars, parentheses inserted, bytes
 * deleted or the rule cut short, anywhere but inside a secret (which would
 * make another secret of it). Capitals occur only in secrets, so two
 * capitals in a row in the output are a secret's bytes. */
static void
test_random_broken (void)
{
  static const char inserts[] = " \"|[]()\\!?;=-\t";

  for (guint iteration = 0; iteration < iterations (20000); iteration++)
    {
      Gen g;
      g_autoptr(GPtrArray) wants = g_ptr_array_new_with_free_func (free_want);
      g_autofree char *masked = NULL;
      g_autoptr(GError) error = NULL;
      int n = 1 + pick (2);

      gen_init (&g);
      g.broken = TRUE;
      gen_rule (&g, wants);
      for (int i = 0; i < n && g.rule->len > 0; i++)
        {
          gsize at = pick (g.rule->len + 1);

          if (at < g.rule->len && protected_at (g.spans, at))
            continue;
          if (at > 0 && protected_at (g.spans, at - 1) && protected_at (g.spans, at))
            continue;
          switch (pick (3))
            {
            case 0:
              g_string_insert_c (g.rule, at, inserts[pick (sizeof inserts - 1)]);
              shift_spans (g.spans, at, 1);
              break;
            case 1:
              if (at < g.rule->len)
                {
                  g_string_erase (g.rule, at, 1);
                  shift_spans (g.spans, at, -1);
                }
              break;
            default:
              g_string_truncate (g.rule, at);
              break;
            }
        }
      masked = prov_rule_mask_secrets (g.rule->str);
      for (const char *p = masked; *p != '\0'; p++)
        if (g_ascii_isupper (p[0]) && g_ascii_isupper (p[1]))
          g_error ("leak at %ld:\nrule:   %s\nmasked: %s", (long) (p - masked), g.rule->str, masked);
      if (!prov_rule_mask_check (g.rule->str, &error))
        g_error ("%s: %s", g.rule->str, error->message);
      gen_clear (&g);
    }
}

/* Token soup: mostly refused rules, some accepted in odd ways; the oracle
 * (the masked rule parses into the same rule, secrets hidden) must hold
 * for every one the parser accepts. */
static void
test_random_tokens (void)
{
  static const char *const tokens[] = {
    "[", "]", "(", ")", "|", "\"", "\\", " ", "\t", "--key", "--uid", "--pwd", "--post",
    "--alias", "--srv", "a", "P", "x", "1", " eq ", "?", "!", ";", "=", "GPP_SA", "admin_password",
    "http://", "u:p@", "h", "/", ":", "@", "$A", "#", "--", "-", "[2001:db8::1]", " and ",
  };

  for (guint iteration = 0; iteration < iterations (50000); iteration++)
    {
      g_autoptr(GString) rule = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *masked = NULL;
      int n = 1 + pick (24);

      for (int i = 0; i < n; i++)
        g_string_append (rule, tokens[pick (G_N_ELEMENTS (tokens))]);
      masked = prov_rule_mask_secrets (rule->str);
      if (!prov_rule_mask_check (rule->str, &error))
        g_error ("%s\nmasked: %s\n%s", rule->str, masked, error->message);
    }
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/rule-mask/fixed", test_fixed },
    { "/rule-mask/url", test_url },
    { "/rule-mask/full", test_full },
    { "/rule-mask/random-round-trip", test_random_round_trip },
    { "/rule-mask/random-broken", test_random_broken },
    { "/rule-mask/random-tokens", test_random_tokens },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
