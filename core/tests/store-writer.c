/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* store-writer STORE_PATH GEN: sets every crash-test parameter to a value
 * tagged with GEN in one change set. test-store kills it at a random
 * instant and checks the store holds one whole generation. */
#include "config.h"

#include <stdlib.h>

#include "prov-store.h"

#define N_PARAMS 2000

int
main (int argc, char **argv)
{
  g_autoptr (ProvSchema) schema = NULL;
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvChangeSet) changes = NULL;
  g_autoptr (GError) error = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: %s STORE_PATH GEN\n", argv[0]);
      return EXIT_FAILURE;
    }
  schema = prov_schema_new ();
  store = prov_store_new (schema, argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  changes = prov_change_set_new ();
  for (guint i = 0; i < N_PARAMS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Crash_%04u", i);
      g_autofree char *value = g_strdup_printf ("gen-%s-item-%04u", argv[2], i);

      prov_change_set_add (changes, name, value, PROV_ACCESS_RW, "store-writer", i + 1);
    }
  if (!prov_store_apply (store, changes, PROV_CALLER_ADMIN, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
