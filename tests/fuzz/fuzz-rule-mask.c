/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rule masker (issue 12 item 5) on any text. Its round-trip properties
 * belong to its own tests; here it must not crash or read out of bounds. */
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

  g_assert_nonnull (masked);
  return 0;
}
