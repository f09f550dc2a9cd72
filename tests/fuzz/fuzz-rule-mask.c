/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rule masker (issue 12 item 5) on any text: it must not crash or
 * read out of bounds, and its oracle, prov_rule_mask_check(), must hold:
 * no byte of a secret left in place, nothing else changed. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-rule-mask.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *rule = fuzz_string (data, size);
  g_autofree char *masked = prov_rule_mask_secrets (rule);

  g_autoptr (GError) error = NULL;

  g_assert_nonnull (masked);
  if (!prov_rule_mask_check (rule, &error))
    {
      g_printerr ("masker oracle: %s\n", error->message);
      abort ();
    }
  return 0;
}
