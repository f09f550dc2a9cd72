/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <unistd.h>

#include "cli-json.h"
#include "prov-cli.h"
#include "prov-error.h"

/* upgrade: one firmware upgrade attempt, waited for. */

static void
print_upgrade_json (ProvCliUpgrade *upgrade)
{
  g_autoptr(ProvJson) json = prov_json_new ();

  prov_json_begin_object (json);
  prov_json_member (json, "outcome");
  prov_json_string (json, upgrade->outcome);
  prov_json_member (json, "version");
  prov_json_string (json, upgrade->version[0] != '\0' ? upgrade->version : NULL);
  prov_json_member (json, "url");
  prov_json_string (json, upgrade->url[0] != '\0' ? upgrade->url : NULL);
  prov_json_end_object (json);
  prov_json_print (json);
}

static void
print_upgrade (ProvCliUpgrade *upgrade)
{
  if (g_strcmp0 (upgrade->outcome, "installed") == 0)
    g_print (_("installed: %s from %s\n"), upgrade->version, upgrade->url);
  else if (g_strcmp0 (upgrade->outcome, "current") == 0)
    g_print (_("current: %s is running already; nothing fetched\n"), upgrade->version);
  else
    g_print (_("nothing to upgrade: the rule is blank or takes no alternative\n"));
}

int
prov_cli_cmd_upgrade (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvCliUpgrade) upgrade = NULL;
  const ProvCliBackend *backend;
  gboolean bar_shown = FALSE;
  int status;

  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  upgrade = backend->upgrade (cli, argc == 2 ? argv[1] : NULL,
                              isatty (STDERR_FILENO) ? prov_cli_draw_progress : NULL, &bar_shown,
                              &error);
  if (bar_shown)
    g_printerr ("\r\033[K");
  if (upgrade == NULL)
    {
      status = prov_cli_fail_as (error, _("upgrade failed: %s\n"), prov_cli_error_text (error));
      return status == PROV_EXIT_USAGE ? PROV_EXIT_FAILURE : status;
    }
  if (cli->json)
    print_upgrade_json (upgrade);
  else
    print_upgrade (upgrade);
  return PROV_EXIT_OK;
}
