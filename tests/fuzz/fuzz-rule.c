/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The string parsers of the core on one input: rules (SPEC §4) with their
 * conditions and URL completion, conditions alone (Resync_Trigger_n),
 * macros (SPEC §3), schedules (SPEC §5) and version comparison. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-condition.h"
#include "prov-macro.h"
#include "prov-rule.h"
#include "prov-schedule.h"

static GHashTable *vars;
static GHashTable *secrets;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  static const char *const pairs[][2] = {
    { "A", "12345678" }, { "B", "$A" }, { "C", "( 1 eq 1 )?" }, { "J", "日本語" },
    { "X", "\xff\xfe" }, { "E", "" }, { "MA", "000e08abcdef" }, { "MAU", "000E08ABCDEF" },
    { "MAC", "00:0e:08:ab:cd:ef" }, { "PN", "CP-8845-3PCC" }, { "PSN", "8845" },
    { "SWVER", "sip88xx.11-3-2MPP0001-609" }, { "PRVST", "-1" }, { "UID1", "1001" },
  };

  fuzz_quiet_logs ();
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    g_hash_table_insert (vars, (gpointer) pairs[i][0], (gpointer) pairs[i][1]);
  secrets = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (secrets, "SA", "s3cr3t");
  return 0;
}

static void
fuzz_rule (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvRule) rule = prov_rule_parse (text, &error);

  if (rule == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  g_clear_error (&error);
  prov_rule_choose (rule, vars, &error);
  g_clear_error (&error);
  for (guint i = 0; i < rule->alts->len; i++)
    {
      ProvRuleAlt *alt = g_ptr_array_index (rule->alts, i);
      g_autofree char *url = prov_macro_expand (alt->url, vars, NULL);

      if (alt->key != NULL)
        g_free (prov_macro_expand (alt->key, vars, secrets));
      g_free (prov_url_complete (url, "192.168.1.200:6900/dir", &error));
      g_clear_error (&error);
      g_free (prov_url_complete (url, NULL, &error));
      g_clear_error (&error);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = fuzz_string (data, size);
  g_autofree ProvInterval *intervals = NULL;
  g_autoptr (GError) error = NULL;
  const char *half = text + strlen (text) / 2;
  gboolean value;
  gboolean syntax_ok;
  guint n = 0;

  g_free (prov_macro_expand (text, vars, secrets));
  fuzz_rule (text);
  /* Macros are expanded after tokenizing: values never change the syntax,
   * so a condition that checks evaluates, and one that does not, fails. */
  syntax_ok = prov_condition_check_syntax (text, &error);
  g_assert_true (syntax_ok || error != NULL);
  g_clear_error (&error);
  g_assert_cmpint (prov_condition_eval (text, vars, &value, &error), ==, syntax_ok);
  g_clear_error (&error);
  intervals = prov_schedule_parse (text, &n, &error);
  g_assert_true (intervals != NULL || n == 0);
  /* Antisymmetric: a < b exactly when b > a. */
  g_assert_cmpint (prov_version_compare (text, half) > 0, ==,
                   prov_version_compare (half, text) < 0);
  return 0;
}
