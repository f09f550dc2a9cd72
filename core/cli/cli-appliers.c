/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-json.h"
#include "prov-cli.h"

/* `provisionctl appliers`: each applier, its target and its last result. */

int
prov_cli_cmd_appliers (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rows = NULL;
  g_autoptr(ProvJson) json = NULL;
  const ProvCliBackend *backend;
  const char *name, *target, *result;
  gboolean enabled;
  gint64 when;
  GVariantIter iter;

  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  rows = backend->list_appliers (cli, &error);
  if (rows == NULL)
    return prov_cli_fail (error);
  if (g_variant_is_of_type (rows, G_VARIANT_TYPE ("(a(sbssx))")))
    {
      GVariant *inner = g_variant_get_child_value (rows, 0);
      g_variant_unref (rows);
      rows = inner;
    }
  if (cli->json)
    {
      json = prov_json_new ();
      prov_json_begin_array (json);
    }
  else if (g_variant_n_children (rows) == 0)
    g_print (_("no applier plugins loaded\n"));
  g_variant_iter_init (&iter, rows);
  while (g_variant_iter_next (&iter, "(&sb&s&sx)", &name, &enabled, &target, &result, &when))
    {
      g_autofree char *time_text = when > 0 ? prov_cli_format_time (when)
                                            : g_strdup ("");

      if (json != NULL)
        {
          prov_json_begin_object (json);
          prov_json_member (json, "name");
          prov_json_string (json, name);
          prov_json_member (json, "enabled");
          prov_json_bool (json, enabled);
          prov_json_member (json, "target");
          prov_json_string (json, target);
          prov_json_member (json, "result");
          prov_json_string (json, result);
          prov_json_member (json, "time");
          prov_json_int (json, when / G_USEC_PER_SEC); /* seconds, as in all JSON */
          prov_json_end_object (json);
          continue;
        }
      g_print ("%s\t%s\t%s\t%s%s%s%s\n", name, enabled ? _("enabled") : _("disabled"),
               target[0] != '\0' ? target : "-",
               result[0] != '\0' ? result : _("never applied"),
               time_text[0] != '\0' ? " (" : "", time_text, time_text[0] != '\0' ? ")" : "");
    }
  if (json != NULL)
    {
      prov_json_end_array (json);
      prov_json_print (json);
    }
  return PROV_EXIT_OK;
}
