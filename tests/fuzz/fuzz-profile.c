/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The XML flat-profile parser (SPEC §2.1), and the writer on what it read. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-profile.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  ProvProfile *profile = prov_profile_parse ((const char *) data, size, NULL, &error);

  if (profile == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  for (guint i = 0; i < prov_profile_get_n_entries (profile); i++)
    {
      const ProvProfileEntry *entry = prov_profile_get_entry (profile, i);
      g_autoptr (GString) out = g_string_new (NULL);

      prov_profile_lookup (profile, entry->name);
      prov_profile_write_entry (out, entry->name, entry->value, entry->access);
    }
  prov_profile_free (profile);
  return 0;
}
