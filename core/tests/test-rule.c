/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rules (SPEC §4): parsing, choosing an alternative, completing URLs. */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-parse-steps.h"
#include "prov-rule.h"
#include "prov-test.h"

/* One expected alternative; assignments as "NAME=value" joined by "\n". */
typedef struct
{
  const char *condition;
  const char *assignments;
  const char *key;
  const char *uid;
  const char *pwd;
  char post;
  char alias;
  gboolean srv;
  const char *url;
} AltExpect;

typedef struct
{
  const char *text;
  guint n_alts;
  AltExpect alts[3];
} ParseCase;

static char *
join_assignments (GPtrArray *assignments)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < assignments->len; i++)
    {
      ProvAssignment *a = g_ptr_array_index (assignments, i);

      g_string_append_printf (s, "%s%s=%s", i > 0 ? "\n" : "", a->name, a->value);
    }
  return g_string_free (s, assignments->len == 0);
}

static const ParseCase parse_cases[] = {
  /* SPEC §9 and seed: the default Profile_Rule */
  { "/$PSN.xml", 1, { { .url = "/$PSN.xml" } } },
  /* seed examples */
  { "tftp://192.168.1.200/basic.txt", 1, { { .url = "tftp://192.168.1.200/basic.txt" } } },
  { "\nhttp://192.168.1.200/basic.txt\n", 1,
    { { .url = "http://192.168.1.200/basic.txt" } } },
  { "tftp://prov.telco.com:6900/cisco/config/$PN.cfg", 1,
    { { .url = "tftp://prov.telco.com:6900/cisco/config/$PN.cfg" } } },
  { "tftp://prov.telco.com/cisco/$B/$MA.cfg", 1,
    { { .url = "tftp://prov.telco.com/cisco/$B/$MA.cfg" } } },
  { "https://my.server.com/basic.txt", 1, { { .url = "https://my.server.com/basic.txt" } } },
  { "https://prov.server.com/cgi-bin/reflect.pl?", 1,
    { { .url = "https://prov.server.com/cgi-bin/reflect.pl?" } } },
  { "tftp://192.168.1.200/basic.txt.gz", 1,
    { { .url = "tftp://192.168.1.200/basic.txt.gz" } } },
  { "[--key MyOwnSecret] tftp://192.168.1.200/basic.cfg", 1,
    { { .key = "MyOwnSecret", .url = "tftp://192.168.1.200/basic.cfg" } } },
  { "[--key \"My Own Secret\"] tftp://192.168.1.200/basic.cfg", 1,
    { { .key = "My Own Secret", .url = "tftp://192.168.1.200/basic.cfg" } } },
  { "gds://", 1, { { .url = "gds://" } } },
  /* seed: Upgrade_Rule, which has the syntax of Profile_Rule */
  { "http://<server ip address>/sip88xx.11-2-3MSR1-1.loads", 1,
    { { .url = "http://<server ip address>/sip88xx.11-2-3MSR1-1.loads" } } },
  { "tftp://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads", 1,
    { { .url = "tftp://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads" } } },
  { "protocol://server[:port]/profile_pathname", 1,
    { { .url = "protocol://server[:port]/profile_pathname" } } },
  { "[--uid u --pwd p]http://h/sip88xx.11-2-3MSR1-1.loads", 1,
    { { .uid = "u", .pwd = "p", .url = "http://h/sip88xx.11-2-3MSR1-1.loads" } } },
  { "($A eq 1)? [--srv] /x", 1, { { .condition = "$A eq 1", .srv = TRUE, .url = "/x" } } },
  /* interop corpus */
  { "[--uid provuser --pwd provpass]http://127.0.0.1/app/provision/?mac=$MA", 1,
    { { .uid = "provuser", .pwd = "provpass",
        .url = "http://127.0.0.1/app/provision/?mac=$MA" } } },
  { "http://127.0.0.1/app/provision/?mac=$MA&password=", 1,
    { { .url = "http://127.0.0.1/app/provision/?mac=$MA&password=" } } },
  { "tftp://127.0.0.10/spa$MA.xml", 1, { { .url = "tftp://127.0.0.10/spa$MA.xml" } } },
  /* conditions, with the version's glued parentheses */
  { "( $SWVER ne 1.0.31(b) )? http://h/fw.loads | http://h/other", 2,
    { { .condition = "$SWVER ne 1.0.31(b)", .url = "http://h/fw.loads" },
      { .url = "http://h/other" } } },
  { "($SWVER ne sip88xx.11-3-2MPP0001-609)?http://h/sip88xx.11-3-2MPP0001-609.loads", 1,
    { { .condition = "$SWVER ne sip88xx.11-3-2MPP0001-609",
        .url = "http://h/sip88xx.11-3-2MPP0001-609.loads" } } },
  { "( $PRVTMR ge 3600 and \"$A\" eq \"1\" )? /p.xml", 1,
    { { .condition = "$PRVTMR ge 3600 and \"$A\" eq \"1\"", .url = "/p.xml" } } },
  { "(($UPGST eq 1 or $UPGST eq 2) and $REGTMR1 gt 60)? /a | /b", 2,
    { { .condition = "($UPGST eq 1 or $UPGST eq 2) and $REGTMR1 gt 60", .url = "/a" },
      { .url = "/b" } } },
  /* every part of an alternative, and a URL with ? & = ( ) */
  { "(\"$EXTIP\" ne \"\")? ( a = \"1\"; B=\"x y\"; )! [--post c --alias D --srv] "
    "https://h/p?mac=$MA&x=(1)", 1,
    { { .condition = "\"$EXTIP\" ne \"\"", .assignments = "GPP_A=1\nGPP_B=x y", .post = 'c',
        .alias = 'd', .srv = TRUE, .url = "https://h/p?mac=$MA&x=(1)" } } },
  /* `|` inside quotes, a condition or options does not split */
  { "($A eq \"a|b\")? http://h/1 | http://h/2", 2,
    { { .condition = "$A eq \"a|b\"", .url = "http://h/1" }, { .url = "http://h/2" } } },
  { "[--key \"a|b\"] http://h/1|http://h/2", 2,
    { { .key = "a|b", .url = "http://h/1" }, { .url = "http://h/2" } } },
  { "(a=\"x|y\";)! /1 | /2", 2,
    { { .assignments = "GPP_A=x|y", .url = "/1" }, { .url = "/2" } } },
  /* three alternatives */
  { "($A eq 1)? /a | ($A eq 2)? /b | /c", 3,
    { { .condition = "$A eq 1", .url = "/a" }, { .condition = "$A eq 2", .url = "/b" },
      { .url = "/c" } } },
  /* assignments only, no URL */
  { "(a=\"1\";)!", 1, { { .assignments = "GPP_A=1", .url = "" } } },
  { "( )!", 1, { { .url = "" } } },
  { "()? /x", 1, { { .condition = "", .url = "/x" } } },
  /* names: a…p are registers, the rest kept as written */
  { "(p=\"1\"; q=\"2\"; GPP_C=\"3\"; Resync_Periodic = \"600\" ;)! /x", 1,
    { { .assignments = "GPP_P=1\nq=2\nGPP_C=3\nResync_Periodic=600", .url = "/x" } } },
  { "(a = \"say \\\"hi\\\" \\\\o/\";)! /x", 1,
    { { .assignments = "GPP_A=say \"hi\" \\o/", .url = "/x" } } },
  { "(a=\"\";)! /x", 1, { { .assignments = "GPP_A=", .url = "/x" } } },
  { "(a=\"$MA\";)! /x", 1, { { .assignments = "GPP_A=$MA", .url = "/x" } } },
  /* options */
  { "[--post A] http://h/report", 1, { { .post = 'a', .url = "http://h/report" } } },
  { "[ --srv ] https://example.com/x", 1,
    { { .srv = TRUE, .url = "https://example.com/x" } } },
  { "[--key $SA --uid $SB --pwd \"$SC\"] /x", 1,
    { { .key = "$SA", .uid = "$SB", .pwd = "$SC", .url = "/x" } } },
  { "[--key one --key two] /x", 1, { { .key = "two", .url = "/x" } } },
  { "[--key \"\"] /x", 1, { { .key = "", .url = "/x" } } },
  { "[--key \"--dash\"] /x", 1, { { .key = "--dash", .url = "/x" } } },
  { "[] /x", 1, { { .url = "/x" } } },
  /* `[` that is not an option block starts an IPv6 URL */
  { "[2001:db8::1]/f.cfg", 1, { { .url = "[2001:db8::1]/f.cfg" } } },
  /* empty alternatives are kept */
  { "http://h/a || http://h/b", 3,
    { { .url = "http://h/a" }, { .url = "" }, { .url = "http://h/b" } } },
  /* UTF-8 */
  { "( \"$A\" eq \"日本\" )? /設定.xml", 1,
    { { .condition = "\"$A\" eq \"日本\"", .url = "/設定.xml" } } },
};

static void
check_alt (const ProvRuleAlt *alt, const AltExpect *e)
{
  g_autofree char *assignments = join_assignments (alt->assignments);

  g_assert_cmpstr (alt->condition, ==, e->condition);
  g_assert_cmpstr (assignments, ==, e->assignments);
  g_assert_cmpstr (alt->key, ==, e->key);
  g_assert_cmpstr (alt->uid, ==, e->uid);
  g_assert_cmpstr (alt->pwd, ==, e->pwd);
  g_assert_cmpint (alt->post, ==, e->post);
  g_assert_cmpint (alt->alias, ==, e->alias);
  g_assert_cmpint (alt->srv, ==, e->srv);
  g_assert_cmpstr (alt->url, ==, e->url);
}

static void
test_rule_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      const ParseCase *c = &parse_cases[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvRule) rule = NULL;

      g_test_message ("%s", c->text);
      rule = prov_rule_parse (c->text, &error);
      g_assert_no_error (error);
      g_assert_nonnull (rule);
      g_assert_cmpuint (rule->alts->len, ==, c->n_alts);
      for (guint j = 0; j < c->n_alts; j++)
        check_alt (g_ptr_array_index (rule->alts, j), &c->alts[j]);
    }
}

static void
test_rule_empty (void)
{
  static const char *const blank[] = { "", " ", "\t\n  " };

  for (gsize i = 0; i < G_N_ELEMENTS (blank); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvRule) rule = prov_rule_parse (blank[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (rule);
      g_assert_cmpuint (rule->alts->len, ==, 0);
      g_assert_cmpint (prov_rule_choose (rule, NULL, &error), ==, -1);
      g_assert_no_error (error);
    }
}

typedef struct
{
  const char *text;
  const char *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "($A eq 1? /x", "column 1: unbalanced parenthesis" },
  { "/a | ($A eq (1)? /x", "column 6: unbalanced parenthesis" },
  { "($A eq 1)) /x", "column 10: expected '?' or '!' after ')'" },
  { "($A eq 1) /x", "column 11: expected '?' or '!' after ')'" },
  { "($A eq 1)", "column 10: expected '?' or '!' after ')'" },
  { "(\"abc)? /x", "column 2: unterminated quote" },
  { "(a=\"1;)! /x", "column 4: unterminated quote" },
  { "[--foo x] /x", "column 2: unknown option --foo" },
  { "[--key x --Key y] /x", "column 10: unknown option --Key" },
  { "[--key] /x", "column 2: option --key needs an argument" },
  { "[--uid u --pwd] /x", "column 10: option --pwd needs an argument" },
  { "[--key --uid u] /x", "column 2: option --key needs an argument" },
  { "[--post] /x", "column 2: option --post needs an argument" },
  { "[--post z] /x", "column 9: option --post needs a register letter a to p" },
  { "[--post ab] /x", "column 9: option --post needs a register letter a to p" },
  { "[--alias 1] /x", "column 10: option --alias needs a register letter a to p" },
  { "[key x] /x", "column 2: expected an option (an argument with blanks must be quoted)" },
  { "[--key x /x", "column 1: missing ']'" },
  { "[--key \"abc] /x", "column 8: unterminated quote" },
  { "(a = \"1\")! /x", "column 9: missing ';' after the value of a" },
  { "(a = \"1\"; b = \"2\")! /x", "column 18: missing ';' after the value of b" },
  { "(a \"1\";)! /x", "column 4: expected '=' after a" },
  { "(a = 1;)! /x", "column 6: expected a quoted value after a =" },
  { "(= \"1\";)! /x", "column 2: expected a parameter name in the assignments" },
  { "(1 eq 1)? [--key k] (2 eq 2)? /x",
    "column 21: conditions and assignments must come before the options" },
  { "(a=\"1\";)! (1 eq 1)? /x",
    "column 11: the condition must come before the assignments" },
  { "(1 eq 1)? (2 eq 2)? /x", "column 11: only one condition per alternative" },
  { "(a=\"1\";)! (b=\"1\";)! /x", "column 11: only one assignment block per alternative" },
  /* condition errors point into the rule */
  { "http://a/x | ( $A eq )? /y", "column 22: expected an operand after 'eq'" },
  { "(\"a\" lt \"b\")? /y",
    "column 6: 'lt' cannot compare quoted strings (only eq and ne can)" },
  { "(1 eq 1 $B)? /y", "column 9: expected 'and' or 'or' before '$B'" },
  { "(日本 eq 1 x)? /y", "column 10: expected 'and' or 'or' before 'x'" },
};

static void
test_rule_errors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvRule) rule = NULL;

      g_test_message ("%s", c->text);
      rule = prov_rule_parse (c->text, &error);
      g_assert_null (rule);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
      g_assert_cmpstr (error->message, ==, c->message);
    }
}

/* Option arguments may be passphrases: never in an error message. */
static void
test_rule_errors_hide_arguments (void)
{
  static const char *const rules[] = {
    "[--key SECRETKEY --bogus] /x",
    "[--key SECRETKEY SECRETTOO] /x",
    "[--key SECRETKEY --post SECRETTOO] /x",
    "[--key SECRETKEY] (1 eq 1)? /x",
    "[--pwd \"SECRETKEY\" --uid] /x",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvRule) rule = prov_rule_parse (rules[i], &error);

      g_assert_null (rule);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
      g_assert_null (strstr (error->message, "SECRET"));
    }
}

/* What a consumer of the one rule syntax ignores, named for a warning. */
static void
test_rule_unused (void)
{
  static const char *const upgrade[] = { "uid", "pwd", "post", "srv", NULL };
  static const struct
  {
    const char *text;
    const char *const *used;
    gboolean assignments_used;
    const char *expected;
  } cases[] = {
    { "[--uid u --pwd p]http://h/fw.loads", upgrade, TRUE, NULL },
    { "[--key SECRET --alias a]http://h/fw.loads", upgrade, TRUE, "--key, --alias" },
    { "($A eq 1)? [--key k] /a | [--key k2 --post b] /b", upgrade, TRUE, "--key" },
    { "(a=\"1\";)! [--alias b] /x", NULL, FALSE, "assignments" },
    { "(a=\"1\";)! [--alias b --key k] /x", NULL, TRUE, NULL },
    { "", upgrade, FALSE, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvRule) rule = prov_rule_parse (cases[i].text, &error);
      g_autofree char *unused = NULL;

      g_assert_no_error (error);
      unused = prov_rule_list_unused (rule, cases[i].used, cases[i].assignments_used);
      g_assert_cmpstr (unused, ==, cases[i].expected);
    }
}

typedef struct
{
  const char *text;
  const char *A;
  const char *SWVER;
  int expected;
} ChooseCase;

static void
test_rule_choose (void)
{
  static const ChooseCase cases[] = {
    { "($A eq 1)? /a | ($A eq 2)? /b | /c", "1", "", 0 },
    { "($A eq 1)? /a | ($A eq 2)? /b | /c", "2", "", 1 },
    { "($A eq 1)? /a | ($A eq 2)? /b | /c", "3", "", 2 },
    { "($A eq 1)? /a | ($A eq 2)? /b", "3", "", -1 },
    { "/a | /b", "3", "", 0 },
    { "()? /a", "3", "", 0 },
    { "( $SWVER ne 1.0.31(b) )? http://h/fw.loads", "", "1.0.31(b)", -1 },
    { "( $SWVER ne 1.0.31(b) )? http://h/fw.loads", "", "1.0.30(c)", 0 },
    { "( $SWVER lt 1.0.31(b) )? http://h/new.loads | http://h/same.loads", "", "1.0.31(b)", 1 },
    { "(\"$A\" ne \"\")? (b=\"$A\";)! /with | /without", "", "", 1 },
    { "(\"$A\" ne \"\")? (b=\"$A\";)! /with | /without", "x", "", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvRule) rule = prov_rule_parse (cases[i].text, &error);

      g_test_message ("%s with A=%s SWVER=%s", cases[i].text, cases[i].A, cases[i].SWVER);
      g_assert_no_error (error);
      g_hash_table_insert (vars, "A", (gpointer) cases[i].A);
      g_hash_table_insert (vars, "SWVER", (gpointer) cases[i].SWVER);
      g_assert_cmpint (prov_rule_choose (rule, vars, &error), ==, cases[i].expected);
      g_assert_no_error (error);
    }
}

/* A condition that does not parse (only possible in a hand-built rule). */
static void
test_rule_choose_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvRule) rule = prov_rule_parse ("(1 eq 2)? /a | (1 eq 1)? /b", &error);
  ProvRuleAlt *alt;

  g_assert_no_error (error);
  alt = g_ptr_array_index (rule->alts, 1);
  g_free (alt->condition);
  alt->condition = g_strdup ("1 eq");
  g_assert_cmpint (prov_rule_choose (rule, NULL, &error), ==, -1);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
  g_assert_cmpstr (error->message, ==, "alternative 2: column 5: expected an operand after 'eq'");
}

typedef struct
{
  const char *url;
  const char *server;
  const char *expected; /* NULL: error */
  int code;
} UrlCase;

static void
test_url_complete (void)
{
  static const UrlCase cases[] = {
    /* full URLs are kept */
    { "tftp://192.168.1.200/basic.txt", NULL, "tftp://192.168.1.200/basic.txt" },
    { "tftp://192.168.1.200/basic.txt", "10.0.0.1", "tftp://192.168.1.200/basic.txt" },
    { "http://192.168.1.200/basic.txt", NULL, "http://192.168.1.200/basic.txt" },
    { "https://my.server.com/basic.txt", NULL, "https://my.server.com/basic.txt" },
    { "tftp://prov.telco.com:6900/cisco/config/CP-8845-3PCC.cfg", NULL,
      "tftp://prov.telco.com:6900/cisco/config/CP-8845-3PCC.cfg" },
    { "https://prov.server.com/cgi-bin/reflect.pl?", NULL,
      "https://prov.server.com/cgi-bin/reflect.pl?" },
    { "http://127.0.0.1/app/provision/?mac=000e08abcdef&password=", NULL,
      "http://127.0.0.1/app/provision/?mac=000e08abcdef&password=" },
    { "tftp://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads", NULL,
      "tftp://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads" },
    { "  http://h/x  ", NULL, "http://h/x" },
    { "HTTP://H/x", NULL, "http://H/x" },
    { "http://h", NULL, "http://h/" },
    { "http://h?x=1", NULL, "http://h/?x=1" },
    { "http://user:pw@h:8080/x", NULL, "http://user:pw@h:8080/x" },
    { "tftp://[2001:db8::1]:6900/f.cfg", NULL, "tftp://[2001:db8::1]:6900/f.cfg" },
    { "gds://", NULL, "gds://" },
    { "gds://", "10.0.0.1", "gds://" },
    /* no scheme: tftp */
    { "prov.telco.com/cisco/x.cfg", NULL, "tftp://prov.telco.com/cisco/x.cfg" },
    { "prov.telco.com:6900/cisco/config/CP-8845-3PCC.cfg", NULL,
      "tftp://prov.telco.com:6900/cisco/config/CP-8845-3PCC.cfg" },
    { "192.168.1.200/basic.txt", "10.0.0.1", "tftp://192.168.1.200/basic.txt" },
    { "[2001:db8::1]/f.cfg", NULL, "tftp://[2001:db8::1]/f.cfg" },
    /* no host: the default server */
    { "/8845.xml", "192.168.1.1", "tftp://192.168.1.1/8845.xml" },
    { "/8845.xml", " 192.168.1.1 ", "tftp://192.168.1.1/8845.xml" },
    { "/8845.xml", "prov.example.com:6900", "tftp://prov.example.com:6900/8845.xml" },
    { "/8845.xml", "[2001:db8::1]:69", "tftp://[2001:db8::1]:69/8845.xml" },
    { "/8845.xml", "2001:db8::1", "tftp://[2001:db8::1]/8845.xml" },
    { "/8845.xml", "http://prov.example.com/cisco/", "http://prov.example.com/cisco/8845.xml" },
    { "/8845.xml", "https://prov.example.com:8443/a/b",
      "https://prov.example.com:8443/a/b/8845.xml" },
    { "/8845.xml", "http://prov.example.com", "http://prov.example.com/8845.xml" },
    { "/8845.xml", "http://prov.example.com/dir/?x=1", "http://prov.example.com/dir/8845.xml" },
    { "/8845.xml", "prov.example.com/dir", "tftp://prov.example.com/dir/8845.xml" },
    { "https:///cfg.xml", "http://h/dir", "https://h/dir/cfg.xml" },
    { "https:///cfg.xml", "h", "https://h/cfg.xml" },
    { "HTTPS:///cfg.xml", "h:8443", "https://h:8443/cfg.xml" },
    { "/p?mac=$MA&x=(1)", "h", "tftp://h/p?mac=$MA&x=(1)" },
    { "/設定.xml", "h", "tftp://h/設定.xml" },
    { "/", "h", "tftp://h/" },
    /* errors */
    { "/8845.xml", NULL, NULL, PROV_ERROR_TRANSPORT },
    { "/8845.xml", "", NULL, PROV_ERROR_TRANSPORT },
    { "/8845.xml", "   ", NULL, PROV_ERROR_TRANSPORT },
    { "http:///x", NULL, NULL, PROV_ERROR_TRANSPORT },
    { "/8845.xml", "h:99999", NULL, PROV_ERROR_TRANSPORT },
    { "/8845.xml", "http:///dir", NULL, PROV_ERROR_TRANSPORT },
    { "", "h", NULL, PROV_ERROR_INVALID_RULE },
    { "   ", "h", NULL, PROV_ERROR_INVALID_RULE },
    { "basic.txt", "h", NULL, PROV_ERROR_INVALID_RULE },
    { "http://h:99999/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://h:0/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://h:port/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://h:/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://:80/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "tftp://2001:db8::1/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://[::1/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://[]/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://[::1]x/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
    { "http://h\x01/x", NULL, NULL, PROV_ERROR_INVALID_RULE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *url = NULL;

      g_test_message ("%s + %s", cases[i].url,
                      cases[i].server != NULL ? cases[i].server : "(none)");
      url = prov_url_complete (cases[i].url, cases[i].server, &error);
      if (cases[i].expected != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (url, ==, cases[i].expected);
        }
      else
        {
          g_assert_null (url);
          g_assert_error (error, PROV_ERROR, cases[i].code);
        }
    }
}

static void
test_url_no_server_message (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = prov_url_complete ("/$PSN.xml", NULL, &error);

  g_assert_null (url);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (error->message, ==, "no server");
}

/* Issue 12: every condition of a rule counted its column from the start
 * of the rule, so a rule of many alternatives was quadratic. The work
 * counted inside the parser at n and 2n repetitions: linear is twice. */
static void
test_rule_linear (void)
{
  static const struct
  {
    const char *unit, *tail;
  } cases[] = {
    { "(1 eq 1)?/a|", "/b" },
    { "( $A ne 日本 )? [--key k] /a|", "" },
    { "(", "" },
    { "(1 eq (", "" },
    { "[--srv]", "/x" },
    { "( a = \"1\"; )!/x|", "" },
    { "[", "" },
    { "\"", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 steps[2];

      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *text = test_repeat (cases[i].unit, 10000 << k, cases[i].tail);
          guint64 before = prov_parse_steps;
          ProvRule *rule = prov_rule_parse (text, NULL);

          if (rule != NULL)
            {
              prov_rule_choose (rule, NULL, NULL);
              prov_rule_free (rule);
            }
          steps[k] = prov_parse_steps - before;
        }
      g_test_message ("%s: %" G_GUINT64_FORMAT " steps at n, %" G_GUINT64_FORMAT " at 2n",
                      cases[i].unit, steps[0], steps[1]);
      g_assert_cmpuint (steps[1], <=, 2 * steps[0] + 256);
    }
}

/* Each condition of a rule expanded its macros with a budget of its own:
 * many alternatives comparing a long value cost its length each. The
 * conditions of one choice share one budget. */
static void
test_rule_choose_bounded (void)
{
  g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *big = g_strnfill (64 * 1024, 'z');
  g_autofree char *text = test_repeat ("( \"$Z\" eq \"1\" )?/a|", 400, "/b");
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvRule) rule = NULL;
  guint64 before;
  guint64 steps;

  g_hash_table_insert (vars, "Z", big);
  rule = prov_rule_parse (text, &error);
  g_assert_no_error (error);
  before = prov_parse_steps;
  g_assert_cmpint (prov_rule_choose (rule, vars, &error), ==, 400);
  steps = prov_parse_steps - before;
  g_assert_no_error (error);
  g_test_message ("%" G_GUINT64_FORMAT " steps", steps);
  g_assert_cmpuint (steps, <=, 16 * 1024 * 1024 + 64 * strlen (text));
}

/* Columns counted on from condition to condition are those of the start. */
static void
test_rule_condition_columns (void)
{
  g_autoptr (GError) error = NULL;
  ProvRule *rule = prov_rule_parse ("(1 eq 1)?/日本|( 2 eq )?/b", &error);

  g_assert_null (rule);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
  g_assert_cmpstr (error->message, ==, "column 21: expected an operand after 'eq'");
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/rule/parse", test_rule_parse },
    { "/rule/empty", test_rule_empty },
    { "/rule/errors", test_rule_errors },
    { "/rule/errors-hide-arguments", test_rule_errors_hide_arguments },
    { "/rule/unused", test_rule_unused },
    { "/rule/choose", test_rule_choose },
    { "/rule/linear", test_rule_linear },
    { "/rule/choose-bounded", test_rule_choose_bounded },
    { "/rule/condition-columns", test_rule_condition_columns },
    { "/rule/choose-error", test_rule_choose_error },
    { "/url/complete", test_url_complete },
    { "/url/no-server-message", test_url_no_server_message },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
