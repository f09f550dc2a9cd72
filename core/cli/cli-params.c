/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "prov-cli.h"
#include "prov-error.h"
#include "prov-profile.h"

/* get, set and dump: the admin's view of the store. Secrets are always
 * masked when shown. */

int
prov_cli_cmd_get (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  ProvContext *ctx;
  ProvStore *store;
  int status = PROV_EXIT_OK;

  if (argc < 2)
    return prov_cli_usage ("get NAME…");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  store = prov_context_get_store (ctx);
  for (int i = 1; i < argc; i++)
    {
      const char *value = prov_store_get (store, argv[i]);

      if (value == NULL)
        {
          g_printerr (_("provisionctl: no such parameter: %s\n"), argv[i]);
          status = PROV_EXIT_FAILURE;
          continue;
        }
      if (argc > 2)
        g_print ("%s=", argv[i]);
      g_print ("%s\n", prov_store_mask (store, argv[i], value));
    }
  return status;
}

int
prov_cli_cmd_set (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  g_auto(GStrv) changed = NULL;
  ProvContext *ctx;

  if (argc < 2)
    return prov_cli_usage ("set NAME=VALUE…");
  for (int i = 1; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      g_autofree char *name = NULL;

      if (eq == NULL || eq == argv[i])
        return prov_cli_usage ("set NAME=VALUE…");
      name = g_strndup (argv[i], eq - argv[i]);
      prov_change_set_add (changes, name, eq + 1, PROV_ACCESS_UNSET, "command line", 0);
    }
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  if (!prov_store_apply (prov_context_get_store (ctx), changes, PROV_CALLER_ADMIN, &changed,
                         &error))
    return prov_cli_fail (error);
  for (guint i = 0; changed[i] != NULL; i++)
    g_print (_("changed: %s\n"), changed[i]);
  return PROV_EXIT_OK;
}

int
prov_cli_cmd_dump (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                         "<flat-profile>\n");
  g_auto(GStrv) names = NULL;
  ProvContext *ctx;
  ProvStore *store;

  if (argc != 1)
    return prov_cli_usage ("dump");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  store = prov_context_get_store (ctx);
  names = prov_store_list_names (store, PROV_CALLER_ADMIN);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = prov_store_get (store, names[i]);

      /* Group leaves ("a/b/c") are not element names: keep the dump valid XML. */
      if (strchr (names[i], '/') != NULL)
        continue;
      g_string_append (out, "  ");
      prov_profile_write_entry (out, names[i], prov_store_mask (store, names[i], value),
                                prov_store_get_access (store, names[i]));
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "</flat-profile>\n");
  fwrite (out->str, 1, out->len, stdout);
  return PROV_EXIT_OK;
}
