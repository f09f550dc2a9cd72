/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <unistd.h>

#include "cli-json.h"
#include "prov-cli.h"
#include "prov-error.h"

/* resync, activate, status, expand and plugins. */

#define BAR_WIDTH 30

void
prov_cli_draw_progress (const char *url, guint64 received, guint64 total, gpointer user_data)
{
  gboolean *shown = user_data;
  g_autofree char *got = g_format_size (received);

  if (total > 0)
    {
      guint64 clamped = MIN (received, total);
      guint filled = (guint) (clamped * BAR_WIDTH / total);
      g_autofree char *all = g_format_size (total);
      char bar[BAR_WIDTH + 1];

      for (guint i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
      bar[BAR_WIDTH] = '\0';
      g_printerr ("\r[%s] %3u%%  %s / %s\033[K", bar, (guint) (clamped * 100 / total), got, all);
    }
  else
    g_printerr ("\r%s\033[K", got);
  *shown = TRUE;
}

static void
json_strings (ProvJson *json, GPtrArray *strings)
{
  prov_json_begin_array (json);
  for (guint i = 0; i < strings->len; i++)
    prov_json_string (json, strings->pdata[i]);
  prov_json_end_array (json);
}

/* The values as they are now, as the caller may see them, of the first
 * @max of @names (NULL-terminated); NULL when there are none. */
static GHashTable *
changed_values (ProvCli *cli, const ProvCliBackend *backend, char **names, guint max)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  GHashTable *values;

  for (guint i = 0; i < max && names[i] != NULL; i++)
    g_ptr_array_add (batch, names[i]);
  if (batch->len == 0)
    return NULL;
  g_ptr_array_add (batch, NULL);
  values = backend->get_parameters (cli, (const char *const *) batch->pdata, &error);
  if (values == NULL)
    g_debug ("cannot read the changed values: %s", error->message);
  return values;
}

static void
print_resync_json (ProvCliResync *resync, GHashTable *values)
{
  g_autoptr(ProvJson) json = prov_json_new ();

  prov_json_begin_object (json);
  prov_json_member (json, "fetched");
  json_strings (json, resync->fetched);
  prov_json_member (json, "skipped");
  json_strings (json, resync->skipped);
  if (resync->warnings != NULL)
    {
      prov_json_member (json, "warnings");
      json_strings (json, resync->warnings);
    }
  prov_json_member (json, "changed");
  prov_json_strv (json, (const char *const *) resync->changed);
  prov_json_member (json, "values");
  prov_json_begin_object (json);
  for (guint i = 0; resync->changed[i] != NULL; i++)
    {
      const char *value = values != NULL ? g_hash_table_lookup (values, resync->changed[i]) : NULL;

      if (value == NULL)
        continue;
      prov_json_member (json, resync->changed[i]);
      prov_json_string (json, value);
    }
  prov_json_end_object (json);
  prov_json_end_object (json);
  prov_json_print (json);
}

/* The values of the changed names are read this many at a time: a
 * profile that changed 500,000 names never has them all in memory twice. */
#define VALUES_BATCH 1024

static void
print_resync (ProvCli *cli, const ProvCliBackend *backend, ProvCliResync *resync)
{
  g_autoptr(GHashTable) values = NULL;

  for (guint i = 0; i < resync->fetched->len; i++)
    g_print (_("fetched: %s\n"), (char *) resync->fetched->pdata[i]);
  for (guint i = 0; i < resync->skipped->len; i++)
    g_print (_("skipped: %s\n"), (char *) resync->skipped->pdata[i]);
  /* On stderr: what the profile gave and was ignored is not a result. */
  for (guint i = 0; resync->warnings != NULL && i < resync->warnings->len; i++)
    g_printerr (_("warning: %s\n"), (char *) resync->warnings->pdata[i]);
  for (guint i = 0; resync->changed[i] != NULL; i++)
    {
      const char *name = resync->changed[i];
      const char *value;

      if (i % VALUES_BATCH == 0)
        {
          g_clear_pointer (&values, g_hash_table_unref);
          values = changed_values (cli, backend, resync->changed + i, VALUES_BATCH);
        }
      value = values != NULL ? g_hash_table_lookup (values, name) : NULL;

      /* A user sees the names of what changed, not the `na` values. */
      if (value != NULL)
        g_print (_("changed: %s = %s\n"), name, value);
      else
        g_print (_("changed: %s\n"), name);
    }
  if (resync->changed[0] == NULL)
    g_print (_("nothing changed\n"));
}

/* resync and activate: run, then show what changed. */
static int
run_resync (ProvCli *cli, const char *rule, const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvCliResync) resync = NULL;
  const ProvCliBackend *backend;
  gboolean bar_shown = FALSE;
  ProvCliProgress progress = isatty (STDERR_FILENO) ? prov_cli_draw_progress : NULL;
  int status;

  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  if (code != NULL)
    resync = backend->activate (cli, code, progress, &bar_shown, &error);
  else
    resync = backend->resync (cli, rule, progress, &bar_shown, &error);
  if (bar_shown)
    g_printerr ("\r\033[K");
  if (resync == NULL)
    {
      if (code != NULL)
        status = prov_cli_fail_as (error, _("activation failed: %s\n"),
                                   prov_cli_error_text (error));
      else
        status = prov_cli_fail_as (error, _("resync failed: %s\n"), prov_cli_error_text (error));
      /* A malformed code is the caller's mistake; a resync's bad
       * arguments are not. */
      return status == PROV_EXIT_USAGE && code == NULL ? PROV_EXIT_FAILURE : status;
    }
  if (cli->json)
    {
      g_autoptr(GHashTable) values = changed_values (cli, backend, resync->changed, G_MAXUINT);

      print_resync_json (resync, values);
    }
  else
    print_resync (cli, backend, resync);
  return PROV_EXIT_OK;
}

int
prov_cli_cmd_resync (ProvCli *cli, int argc, char **argv)
{
  return run_resync (cli, argc == 2 ? argv[1] : NULL, NULL);
}

int
prov_cli_cmd_activate (ProvCli *cli, int argc, char **argv)
{
  return run_resync (cli, NULL, argv[1]);
}

static void
json_entries (ProvJson *json, GArray *entries)
{
  prov_json_begin_array (json);
  for (guint i = 0; i < entries->len; i++)
    {
      const ProvStatusEntry *e = &g_array_index (entries, ProvStatusEntry, i);

      prov_json_begin_object (json);
      prov_json_member (json, "time");
      prov_json_int (json, e->time);
      prov_json_member (json, "cause");
      prov_json_string (json, prov_cause_to_string (e->cause));
      prov_json_member (json, "url");
      prov_json_string (json, e->url);
      prov_json_member (json, "outcome");
      prov_json_string (json, prov_outcome_to_string (e->outcome));
      prov_json_member (json, "error");
      prov_json_string (json, e->error);
      prov_json_member (json, "changed");
      prov_json_int (json, e->n_changed);
      prov_json_end_object (json);
    }
  prov_json_end_array (json);
}

static void
print_status_json (ProvCliStatus *status)
{
  g_autoptr(ProvJson) json = prov_json_new ();

  prov_json_begin_object (json);
  prov_json_member (json, "state");
  prov_json_string (json, status->state);
  prov_json_member (json, "resyncs");
  json_entries (json, status->resyncs);
  prov_json_member (json, "upgrades");
  json_entries (json, status->upgrades);
  prov_json_member (json, "next-resync");
  if (status->next_resync != 0)
    prov_json_int (json, status->next_resync / G_USEC_PER_SEC);
  else
    prov_json_null (json);
  prov_json_member (json, "next-upgrade-retry");
  if (status->next_upgrade_retry != 0)
    prov_json_int (json, status->next_upgrade_retry / G_USEC_PER_SEC);
  else
    prov_json_null (json);
  prov_json_member (json, "lines-busy");
  prov_json_bool (json, status->lines_busy);
  prov_json_member (json, "customized");
  prov_json_bool (json, status->customized);
  prov_json_member (json, "custom-ca-status");
  prov_json_string (json, status->custom_ca_status != NULL ? status->custom_ca_status : "");
  prov_json_member (json, "custom-ca-info");
  prov_json_string (json, status->custom_ca_info != NULL ? status->custom_ca_info : "");
  prov_json_end_object (json);
  prov_json_print (json);
}

static void
print_entries (GArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *line = prov_cli_format_entry (&g_array_index (entries, ProvStatusEntry, i));
      g_print ("  %s\n", line);
    }
}

int
prov_cli_cmd_status (ProvCli *cli, int argc, char **argv)
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
      print_status_json (status);
      return PROV_EXIT_OK;
    }
  if (status->state != NULL)
    g_print (_("State: %s\n"), prov_cli_state_text (status->state));
  g_print (_("Last resyncs:\n"));
  if (status->resyncs->len == 0)
    g_print (_("  none\n"));
  print_entries (status->resyncs);
  if (status->upgrades->len > 0)
    g_print (_("Last upgrades:\n"));
  print_entries (status->upgrades);
  if (status->next_resync != 0)
    {
      g_autofree char *when = prov_cli_format_time (status->next_resync);
      g_print (_("Next resync: %s\n"), when);
    }
  if (status->next_upgrade_retry != 0)
    {
      g_autofree char *when = prov_cli_format_time (status->next_upgrade_retry);
      g_print (_("Next upgrade retry: %s\n"), when);
    }
  if (status->lines_busy)
    g_print (_("A line is busy: resyncs wait (Forced_Resync_Delay)\n"));
  g_print (_("Customized: %s\n"), status->customized ? _("yes") : _("no"));
  /* SPEC §6's texts, as phones show them; empty before any attempt. */
  if (status->custom_ca_status != NULL && status->custom_ca_status[0] != '\0')
    {
      gboolean failed = status->custom_ca_error != NULL && status->custom_ca_error[0] != '\0';
      g_autofree char *text = prov_cli_custom_ca_status_text (status->custom_ca_status);

      g_print (_("Custom CA provisioning status: %s%s%s%s\n"), text, failed ? " (" : "",
               failed ? g_dgettext (GETTEXT_PACKAGE, status->custom_ca_error) : "",
               failed ? ")" : "");
    }
  if (status->custom_ca_info != NULL && status->custom_ca_info[0] != '\0')
    {
      g_autofree char *info = prov_cli_custom_ca_info_text (status->custom_ca_info);
      g_print (_("Custom CA info: %s\n"), info);
    }
  return PROV_EXIT_OK;
}

int
prov_cli_cmd_expand (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const ProvCliBackend *backend;

  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  text = backend->expand_rule (cli, argv[1], &error);
  if (text == NULL)
    return prov_cli_fail (error);
  if (cli->json)
    {
      g_autoptr(ProvJson) json = prov_json_new ();

      prov_json_begin_object (json);
      prov_json_member (json, "rule");
      prov_json_string (json, argv[1]);
      prov_json_member (json, "explanation");
      prov_json_string (json, text);
      prov_json_end_object (json);
      prov_json_print (json);
      return PROV_EXIT_OK;
    }
  {
    g_autofree char *shown = prov_cli_explanation_text (text);
    g_print ("%s", shown);
  }
  return PROV_EXIT_OK;
}

static void
print_plugins_json (GPtrArray *plugins)
{
  g_autoptr(ProvJson) json = prov_json_new ();

  prov_json_begin_array (json);
  for (guint i = 0; i < plugins->len; i++)
    {
      ProvCliPlugin *plugin = plugins->pdata[i];

      prov_json_begin_object (json);
      prov_json_member (json, "name");
      prov_json_string (json, plugin->name);
      prov_json_member (json, "version");
      prov_json_string (json, plugin->version);
      prov_json_member (json, "file");
      prov_json_string (json, plugin->file);
      prov_json_member (json, "handles");
      prov_json_string (json, plugin->handles);
      prov_json_end_object (json);
    }
  prov_json_end_array (json);
  prov_json_print (json);
}

int
prov_cli_cmd_plugins (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plugins = NULL;
  const ProvCliBackend *backend;

  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  plugins = backend->list_plugins (cli, &error);
  if (plugins == NULL)
    return prov_cli_fail (error);
  if (cli->json)
    {
      print_plugins_json (plugins);
      return PROV_EXIT_OK;
    }
  if (plugins->len == 0)
    g_print (_("no plugins loaded\n"));
  for (guint i = 0; i < plugins->len; i++)
    {
      ProvCliPlugin *plugin = plugins->pdata[i];

      g_print ("%-10s %-8s %s\n           %s\n", plugin->name, plugin->version,
               plugin->file != NULL ? plugin->file : "", plugin->handles);
    }
  return PROV_EXIT_OK;
}
