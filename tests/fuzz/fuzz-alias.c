/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --alias (SPEC §4): the first line is the register's map, the rest the
 * foreign XML document whose paths it maps. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-alias.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *map = NULL;
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  const uint8_t *doc;
  size_t doc_size;

  fuzz_split (data, size, &map, &doc, &doc_size);
  if (!prov_alias_apply (map, (const char *) doc, doc_size, "fuzz", changes, &error))
    g_assert_nonnull (error);
  return 0;
}
