/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Conditions and version comparison, SPEC §4.1. */
#include "config.h"

#include <string.h>

#include "prov-condition.h"
#include "prov-error.h"
#include "prov-parse-steps.h"
#include "prov-test.h"

static GHashTable *
make_vars (void)
{
  static const char *const pairs[][2] = {
    { "A", "1" },
    { "B", "x y" },
    { "C", "1 or 1 eq 1" }, /* a value that looks like syntax */
    { "Q", "x\" eq \"x" },
    { "E", "" },
    { "MA", "000e08abcdef" },
    { "PN", "CP-8845-3PCC" },
    { "SWVER", "1.0.31(b)" },
    { "FW", "sip88xx.11-3-2MPP0001-609" },
    { "EXTIP", "" },
    { "IP", "192.168.1.10" },
    { "PRVST", "-1" },
    { "PRVTMR", "3600" },
    { "SUPGTMR", "301" },
    { "UPGST", "2" },
    { "REGTMR1", "61" },
    { "REGTMR2", "0" },
    { "BIG", "99999999999999999999" },
  };
  GHashTable *vars = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    g_hash_table_insert (vars, (gpointer) pairs[i][0], (gpointer) pairs[i][1]);
  return vars;
}

typedef struct
{
  const char *expr;
  gboolean expected;
} EvalCase;

static void
test_condition_eval (void)
{
  static const EvalCase cases[] = {
    /* SPEC §4.1 and the brief's examples */
    { "$SWVER ne 1.0.31(b)", FALSE },
    { "$SWVER eq 1.0.31(b)", TRUE },
    { "$SWVER ne 1.0.31(c)", TRUE },
    { "$SWVER lt 1.0.31(c)", TRUE },
    { "$SWVER gt 1.0.9", TRUE },
    { "\"$EXTIP\" ne \"\"", FALSE },
    { "\"$IP\" ne \"\"", TRUE },
    { "$PRVTMR ge 3600 and \"$A\" eq \"1\"", TRUE },
    { "$PRVTMR ge 3601 and \"$A\" eq \"1\"", FALSE },
    { "($UPGST eq 1 or $UPGST eq 2) and $REGTMR1 gt 60", TRUE },
    { "($UPGST eq 1 or $UPGST eq 3) and $REGTMR1 gt 60", FALSE },
    { "($UPGST eq 1 or $UPGST eq 2) and $REGTMR2 gt 60", FALSE },
    /* seed: Resync_Trigger_1 (the Japanese text translates "and") */
    { "$SUPGTMR gt 300 and $PRVTMR ge 600", TRUE },
    { "$SUPGTMR gt 301 and $PRVTMR ge 600", FALSE },
    /* …and as the seed writes it: a profile copying it must not be refused */
    { "$SUPGTMR gt 300 および $PRVTMR ge 600", TRUE },
    { "$SUPGTMR gt 301 および $PRVTMR ge 600", FALSE },
    { "$SUPGTMR gt 301 または $PRVTMR ge 600", TRUE },
    /* firmware versions with a model prefix */
    { "$FW lt sip88xx.11-3-2MPP0001-700", TRUE },
    { "$FW eq sip88xx.11-3-2MPP0001-609", TRUE },
    { "$FW eq 11-3-2MPP0001-609", TRUE },
    { "$FW gt 11.3.1", TRUE },
    { "$FW ne sip88xx.11-2-3MSR1-1", TRUE },
    { "$FW gt sip88xx.11-2-3MSR1-1", TRUE },
    /* every operator spelling */
    { "1 eq 1", TRUE }, { "1 = 1", TRUE }, { "1 == 1", TRUE }, { "1=1", TRUE },
    { "1 ne 2", TRUE }, { "1 != 2", TRUE }, { "1!=1", FALSE },
    { "1 lt 2", TRUE }, { "1 < 2", TRUE }, { "2<1", FALSE },
    { "2 le 2", TRUE }, { "2 <= 2", TRUE }, { "3<=2", FALSE },
    { "3 gt 2", TRUE }, { "3 > 2", TRUE }, { "2>3", FALSE },
    { "2 ge 2", TRUE }, { "2 >= 2", TRUE }, { "1>=2", FALSE },
    { "$A EQ 1 AND $A Ne 2", TRUE },
    /* integers, signed and beyond 64 bits */
    { "$PRVST eq -1", TRUE },
    { "$PRVST == -1", TRUE },
    { "$PRVST lt 0", TRUE },
    { "$PRVST != 0", TRUE },
    { "-2 lt -1", TRUE },
    { "-10 lt -9", TRUE },
    { "-0 eq 0", TRUE },
    { "+5 eq 5", TRUE },
    { "007 eq 7", TRUE },
    { "10 gt 9", TRUE },
    { "$BIG gt 99999999999999999998", TRUE },
    { "$BIG lt 100000000000000000000", TRUE },
    { "$BIG gt 18446744073709551615", TRUE },
    /* and binds tighter than or */
    { "1 eq 2 and 1 eq 1 or 2 eq 2", TRUE },
    { "1 eq 1 or 1 eq 2 and 2 eq 3", TRUE },
    { "(1 eq 1 or 1 eq 2) and 2 eq 3", FALSE },
    { "((1 eq 1))", TRUE },
    { "( ( 1 eq 2 ) or ( 2 eq 2 ) )", TRUE },
    { "(1 eq 1)and(2 eq 2)", TRUE },
    { "1 eq 2 OR(2 eq 2)", TRUE },
    /* glued version parentheses inside a group */
    { "($SWVER eq 1.0.31(b))", TRUE },
    { "($SWVER eq 1.0.31(b) and 1 eq 1)", TRUE },
    /* quoted strings */
    { "\"$B\" eq \"x y\"", TRUE },
    { "\"a\\\"b\" eq \"a\\\"b\"", TRUE },
    { "\"a\\\\\" eq \"a\\\\\"", TRUE },
    { "\"$NOPE\" eq \"$NOPE\"", TRUE },
    { "\"$E\" eq \"\"", TRUE },
    { "\"$A\" eq 1", TRUE },
    { "\"01\" eq \"1\"", FALSE }, /* text, not numbers */
    { "\"$PN\" eq \"CP-8845-3PCC\"", TRUE },
    { "$PN eq CP-8845-3PCC", TRUE },
    /* a value can never change the syntax */
    { "$C eq 2", FALSE },
    { "\"$C\" eq \"1 or 1 eq 1\"", TRUE },
    { "\"$Q\" eq \"x\"", FALSE },
    /* substring macros inside operands */
    { "$(MA:0:6) eq 000e08", TRUE },
    { "\"$(MA:6)\" eq \"abcdef\"", TRUE },
    /* an empty expression holds */
    { "", TRUE },
    { "   ", TRUE },
    { "\t\n", TRUE },
  };
  g_autoptr (GHashTable) vars = make_vars ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean result = !cases[i].expected;

      g_test_message ("%s", cases[i].expr);
      g_assert_true (prov_condition_eval (cases[i].expr, vars, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpint (result, ==, cases[i].expected);
      g_assert_true (prov_condition_check_syntax (cases[i].expr, &error));
      g_assert_no_error (error);
    }
}

typedef struct
{
  const char *expr;
  const char *message;
} ErrorCase;

static void
test_condition_errors (void)
{
  static const ErrorCase cases[] = {
    { "$A eq", "column 6: expected an operand after 'eq'" },
    { "$A", "column 3: expected an operator after '$A'" },
    { "$A 1", "column 4: expected an operator after '$A'" },
    { "eq 1", "column 1: expected an operand before 'eq'" },
    { "($A eq 1", "column 1: unbalanced parenthesis" },
    { "(($A eq 1)", "column 1: unbalanced parenthesis" },
    { "$A eq 1)", "column 8: unbalanced parenthesis" },
    { "$A eq 1 and 1 eq 1)", "column 19: unbalanced parenthesis" },
    { "\"abc eq 1", "column 1: unterminated quote" },
    { "$A eq \"1", "column 7: unterminated quote" },
    { "\"a\" lt \"b\"", "column 5: 'lt' cannot compare quoted strings (only eq and ne can)" },
    { "\"$A\" >= 1", "column 6: '>=' cannot compare quoted strings (only eq and ne can)" },
    { "1 gt \"1\"", "column 3: 'gt' cannot compare quoted strings (only eq and ne can)" },
    { "$A eq 1 and", "column 12: expected an operand" },
    { "$A eq 1 or or", "column 12: expected an operand before 'or'" },
    { "$A eq 1 $B eq 2", "column 9: expected 'and' or 'or' before '$B'" },
    { "($A eq 1 $B eq 2)", "column 10: expected 'and', 'or' or ')' before '$B'" },
    { "$A eq 1 xor $B eq 2", "column 9: expected 'and' or 'or' before 'xor'" },
    { "$A ! 1", "column 4: unexpected '!'" },
    { "1.0(b eq 1", "column 4: unbalanced parenthesis" },
    { "()", "column 2: expected an operand before ')'" },
    { "(", "column 1: unbalanced parenthesis" },
    { ")", "column 1: unbalanced parenthesis" },
    { "((1 eq 1) and (2 eq 2)", "column 1: unbalanced parenthesis" },
    { "(1 eq 1) and (2 eq 2", "column 14: unbalanced parenthesis" },
    { "and", "column 1: expected an operand before 'and'" },
    { "1 eq eq", "column 6: expected an operand after 'eq'" },
    { "1 eq 1 eq 1", "column 8: expected 'and' or 'or' before 'eq'" },
    /* columns count characters, not bytes */
    { "\"日本\" lt \"x\"", "column 6: 'lt' cannot compare quoted strings (only eq and ne can)" },
    /* long operands are cut in messages */
    { "$A eq 1 abcdefghijklmnopqrstuvwxyz0123456789",
      "column 9: expected 'and' or 'or' before 'abcdefghijklmnopqrstuvwxyz012345...'" },
  };
  g_autoptr (GHashTable) vars = make_vars ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) syntax_error = NULL;
      gboolean result = 42;

      g_test_message ("%s", cases[i].expr);
      g_assert_false (prov_condition_eval (cases[i].expr, vars, &result, &error));
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpint (result, ==, 42); /* untouched on error */

      g_assert_false (prov_condition_check_syntax (cases[i].expr, &syntax_error));
      g_assert_error (syntax_error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
      g_assert_cmpstr (syntax_error->message, ==, cases[i].message);
    }
}

/* A syntax error after a false `or` branch is still found. */
static void
test_condition_no_short_circuit (void)
{
  g_autoptr (GError) error = NULL;
  gboolean result;

  g_assert_false (prov_condition_eval ("1 eq 1 or (2 eq", NULL, &result, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
}

static void
test_condition_null_vars (void)
{
  g_autoptr (GError) error = NULL;
  gboolean result = FALSE;

  g_assert_true (prov_condition_eval ("\"$A\" eq \"$A\"", NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result);
  g_assert_true (prov_condition_eval ("$A eq 1", NULL, &result, &error));
  g_assert_false (result);
}

/* Deep nesting is refused, not a stack overflow. */
static void
test_condition_deep (void)
{
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GString) ok = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  gboolean result = FALSE;

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '(');
  g_string_append (deep, "1 eq 1");
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, ')');
  g_assert_false (prov_condition_check_syntax (deep->str, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);

  for (guint i = 0; i < 32; i++)
    g_string_append_c (ok, '(');
  g_string_append (ok, "1 eq 1");
  for (guint i = 0; i < 32; i++)
    g_string_append_c (ok, ')');
  g_assert_true (prov_condition_eval (ok->str, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result);
}

typedef struct
{
  const char *a;
  const char *b;
  int sign;
} VersionCase;

static void
test_version_compare (void)
{
  static const VersionCase cases[] = {
    { "1.0.31(b)", "1.0.31(c)", -1 },
    { "1.0.31(b)", "1.0.31(b)", 0 },
    { "1.0.9", "1.0.31", -1 },
    { "1.0.31", "1.0.31(b)", -1 },
    { "sip88xx.11-3-2MPP0001-609", "sip88xx.11-3-2MPP0001-700", -1 },
    { "sip88xx.11-3-2MPP0001-609", "sip88xx.11-3-2MPP0001-609", 0 },
    { "sip88xx.11-3-2MPP0001-609", "11-3-2MPP0001-609", 0 },
    { "sip78xx.11-3-2MPP0001-609", "sip88xx.11-3-2MPP0001-609", 0 },
    { "11.3.1", "11-3-2MPP0001-609", -1 },
    /* Image names from upgrade URLs: a word before '-' is not a model. */
    { "fw-1.2.3", "1.2.0", 1 },
    { "fw-2.0.0", "1.1.0", 1 },
    { "fw-1.2.0", "1.2.0", 0 },
    { "image_0.9", "1.0", -1 },
    { "11.3.2", "11-3-2MPP0001-609", -1 },
    { "11.3.3", "11-3-2MPP0001-609", 1 },
    { "sip88xx.11-2-3MSR1-1", "sip88xx.11-3-1MPP0001-609", -1 },
    { "11-3-2MPP0001-609", "11-3-2MPP0002-609", -1 },
    { "11-3-2MPP9-1", "11-3-2MPP10-1", -1 }, /* digits in the rest compare as numbers */
    { "11-3-2MPP-1", "11-3-2MSR-1", -1 },
    { "1.0", "1.0.1", -1 },
    { "1", "1.0", -1 },
    { "1.10", "1.9", 1 },
    { "01.2", "1.2", 0 },
    { "1.0.31-b", "1.0.31(b)", 0 },
    { "1_0_31", "1.0.31", 0 },
    { "1..2", "1.2", 0 },
    { "2", "10", -1 },
    { "a", "b", -1 },
    { "1.a", "1.1", -1 }, /* a number sorts after text */
    { "1.99999999999999999999999", "1.99999999999999999999998", 1 },
    { "123456789012345678901234567890", "123456789012345678901234567891", -1 },
    { "18446744073709551616", "18446744073709551615", 1 },
    { "000000000000000000000000001", "1", 0 },
    { "", "", 0 },
    { "", "1", -1 },
    { "1.0.31(b)", "", 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int r = prov_version_compare (cases[i].a, cases[i].b);
      int back = prov_version_compare (cases[i].b, cases[i].a);

      g_test_message ("%s <=> %s", cases[i].a, cases[i].b);
      g_assert_cmpint ((r > 0) - (r < 0), ==, cases[i].sign);
      g_assert_cmpint ((back > 0) - (back < 0), ==, -cases[i].sign);
    }
  g_assert_cmpint (prov_version_compare (NULL, NULL), ==, 0);
  g_assert_cmpint (prov_version_compare (NULL, "1"), <, 0);
  g_assert_cmpint (prov_version_compare ("1", NULL), >, 0);
}

/* The order is transitive over a list sorted by hand. */
static void
test_version_sorted (void)
{
  static const char *const sorted[] = {
    "1.0", "1.0.1", "1.0.9", "1.0.31", "1.0.31(a)", "1.0.31(b)", "1.0.31(c)",
    "sip88xx.11-2-3MSR1-1", "11.3.1", "11-3-1MPP0001-609", "sip88xx.11-3-2MPP0001-609",
    "sip88xx.11-3-2MPP0001-700", "11.3.3", "12.0",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (sorted); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (sorted); j++)
      {
        int r = prov_version_compare (sorted[i], sorted[j]);

        if (i < j)
          g_assert_cmpint (r, <, 0);
        else if (i > j)
          g_assert_cmpint (r, >, 0);
        else
          g_assert_cmpint (r, ==, 0);
      }
}

static char *
repeat (const char *head, const char *unit, guint n, const char *tail)
{
  GString *s = g_string_new (head);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  g_string_append (s, tail);
  return g_string_free (s, FALSE);
}

/* Issue 12: a 200 KB Resync_Trigger_1 of `(` took 19 s to reject, every
 * token counting its column from the start. The work counted inside the
 * parser at n and 2n repetitions: linear is twice, quadratic four times. */
static void
test_condition_linear (void)
{
  static const struct
  {
    const char *head, *unit, *tail;
  } cases[] = {
    { "", "(", "" },
    { "", ")", "" },
    { "", "( ", "1 eq 1" },
    { "", "1 eq 1 and ", "1 eq 1" },
    { "", "\"$A\" eq \"1\" or ", "2 lt 1" },
    { "", "日本 ne 語 and ", "1 eq 1" },
    { "", "a(", "" },
    { "1 eq 1 and ", "!", "" },
    { "", "\"", "" },
  };
  g_autoptr (GHashTable) vars = make_vars ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 steps[2];

      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *expr = repeat (cases[i].head, cases[i].unit, 10000 << k, cases[i].tail);
          guint64 before = prov_parse_steps;
          gboolean value;

          prov_condition_check_syntax (expr, NULL);
          prov_condition_eval (expr, vars, &value, NULL);
          steps[k] = prov_parse_steps - before;
        }
      g_test_message ("%s: %" G_GUINT64_FORMAT " steps at n, %" G_GUINT64_FORMAT " at 2n",
                      cases[i].unit, steps[0], steps[1]);
      g_assert_cmpuint (steps[1], <=, 2 * steps[0] + 256);
    }
}

/* Each operand used to expand its macros with a budget of its own: `$Z eq
 * $Z and …` with a long value cost the value's length per operand. One
 * budget holds for the whole condition. */
static void
test_condition_macro_budget (void)
{
  g_autoptr (GHashTable) vars = make_vars ();
  g_autofree char *big = g_strnfill (64 * 1024, 'z');
  g_autofree char *expr = repeat ("", "$Z eq $Z and ", 400, "1 eq 1");
  g_autoptr (GError) error = NULL;
  gboolean value = FALSE;
  guint64 before;
  guint64 steps;

  g_hash_table_insert (vars, "Z", big);
  before = prov_parse_steps;
  g_assert_true (prov_condition_eval (expr, vars, &value, &error));
  steps = prov_parse_steps - before;
  g_assert_no_error (error);
  g_assert_true (value);
  g_test_message ("%" G_GUINT64_FORMAT " steps for %zu bytes", steps, strlen (expr));
  g_assert_cmpuint (steps, <=, 16 * 1024 * 1024 + 64 * strlen (expr));
}

/* The columns counted on from token to token are those of the start. */
static void
test_condition_columns (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (prov_condition_check_syntax ("日本 eq 1 and 語語 ne", &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
  g_assert_cmpstr (error->message, ==, "column 18: expected an operand after 'ne'");
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/condition/eval", test_condition_eval },
    { "/condition/errors", test_condition_errors },
    { "/condition/no-short-circuit", test_condition_no_short_circuit },
    { "/condition/null-vars", test_condition_null_vars },
    { "/condition/deep", test_condition_deep },
    { "/condition/linear", test_condition_linear },
    { "/condition/columns", test_condition_columns },
    { "/condition/macro-budget", test_condition_macro_budget },
    { "/version/compare", test_version_compare },
    { "/version/sorted", test_version_sorted },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
