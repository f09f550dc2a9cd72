/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cli-json.h"
#include "prov-cli.h"

/* schedule: when the coming resyncs run. Each item fires at a time inside
 * its window (the random delays); the daemon also knows the exact time it
 * has armed, offline only the windows of the persisted plan are known. */

static void
print_schedule_json (ProvCliStatus *status)
{
  g_autoptr(ProvJson) json = prov_json_new ();

  prov_json_begin_object (json);
  prov_json_member (json, "next-resync");
  if (status->next_resync != 0)
    prov_json_int (json, status->next_resync / G_USEC_PER_SEC);
  else
    prov_json_null (json);
  prov_json_member (json, "items");
  prov_json_begin_array (json);
  for (guint i = 0; i < status->schedule->len; i++)
    {
      const ProvScheduleItem *item = &g_array_index (status->schedule, ProvScheduleItem, i);

      prov_json_begin_object (json);
      prov_json_member (json, "cause");
      prov_json_string (json, prov_cause_to_string (item->cause));
      prov_json_member (json, "earliest");
      prov_json_int (json, item->earliest / G_USEC_PER_SEC);
      prov_json_member (json, "latest");
      prov_json_int (json, item->latest / G_USEC_PER_SEC);
      prov_json_end_object (json);
    }
  prov_json_end_array (json);
  prov_json_end_object (json);
  prov_json_print (json);
}

int
prov_cli_cmd_schedule (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvCliStatus) status = NULL;
  const ProvCliBackend *backend;

  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  status = backend->get_status (cli, &error);
  if (status == NULL)
    return prov_cli_fail (error);
  if (cli->json)
    {
      print_schedule_json (status);
      return PROV_EXIT_OK;
    }
  if (status->next_resync != 0)
    {
      g_autofree char *when = prov_cli_format_time (status->next_resync);
      g_print (_("Next resync: %s\n"), when);
    }
  if (status->schedule->len == 0)
    g_print (_("no resync is scheduled\n"));
  for (guint i = 0; i < status->schedule->len; i++)
    {
      const ProvScheduleItem *item = &g_array_index (status->schedule, ProvScheduleItem, i);
      g_autofree char *earliest = prov_cli_format_time (item->earliest);
      g_autofree char *latest = prov_cli_format_time (item->latest);

      if (item->latest > item->earliest)
        /* TRANSLATORS: a resync cause ("periodic") and the window it fires in. */
        g_print (_("%-9s between %s and %s\n"), prov_cli_cause_text (item->cause), earliest,
                 latest);
      else
        g_print (_("%-9s at %s\n"), prov_cli_cause_text (item->cause), earliest);
    }
  return PROV_EXIT_OK;
}
