/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-cli.h"
#include "prov-error.h"

typedef struct
{
  GMainLoop        *loop;
  ProvResyncResult *result;
  GError           *error;
} ResyncWait;

static void
on_resync_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ResyncWait *wait = user_data;

  wait->result = prov_engine_resync_finish (PROV_ENGINE (source), res, &wait->error);
  g_main_loop_quit (wait->loop);
}

static void
on_log_message (ProvEngine *engine, int kind, const char *text, guint id, gpointer user_data)
{
  g_printerr ("[%u] %s\n", id, text);
}

int
prov_cli_cmd_resync (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  ResyncWait wait = { 0 };
  ProvContext *ctx;
  ProvEngine *engine;
  ProvStore *store;
  int status = PROV_EXIT_OK;

  if (argc > 2)
    return prov_cli_usage ("resync [RULE]");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  engine = prov_context_get_engine (ctx);
  store = prov_context_get_store (ctx);
  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  g_signal_connect (engine, "log-message", G_CALLBACK (on_log_message), NULL);
  prov_engine_resync_async (engine, PROV_CAUSE_EXPLICIT, argc == 2 ? argv[1] : NULL, NULL,
                            on_resync_done, &wait);
  g_main_loop_run (loop);
  if (wait.error != NULL)
    {
      g_autoptr(GError) resync_error = wait.error;
      g_printerr (_("resync failed: %s\n"), resync_error->message);
      status = prov_cli_fail (resync_error);
      return status == PROV_EXIT_USAGE ? PROV_EXIT_FAILURE : status;
    }
  for (guint i = 0; i < wait.result->fetched->len; i++)
    g_print (_("fetched: %s\n"), (char *) wait.result->fetched->pdata[i]);
  for (guint i = 0; i < wait.result->skipped->len; i++)
    g_print (_("skipped: %s\n"), (char *) wait.result->skipped->pdata[i]);
  for (guint i = 0; wait.result->changed[i] != NULL; i++)
    {
      const char *name = wait.result->changed[i];
      g_print (_("changed: %s = %s\n"), name,
               prov_store_mask (store, name, prov_store_get (store, name)));
    }
  if (wait.result->changed[0] == NULL)
    g_print (_("nothing changed\n"));
  prov_resync_result_free (wait.result);
  return status;
}

int
prov_cli_cmd_status (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  const ProvStatusEntry *entries;
  ProvContext *ctx;
  ProvStatus *status;
  guint n = 0;

  if (argc != 1)
    return prov_cli_usage ("status");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  status = prov_context_get_status (ctx);
  entries = prov_status_get_resyncs (status, &n);
  g_print (_("Last resyncs:\n"));
  if (n == 0)
    g_print (_("  none\n"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = prov_status_format_entry (&entries[i]);
      g_print ("  %s\n", line);
    }
  entries = prov_status_get_upgrades (status, &n);
  if (n > 0)
    g_print (_("Last upgrades:\n"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = prov_status_format_entry (&entries[i]);
      g_print ("  %s\n", line);
    }
  g_print (_("Customized: %s\n"), prov_status_get_customized (status) ? _("yes") : _("no"));
  return PROV_EXIT_OK;
}

int
prov_cli_cmd_expand (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ProvContext *ctx;

  if (argc != 2)
    return prov_cli_usage ("expand RULE");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  text = prov_engine_explain_rule (prov_context_get_engine (ctx), argv[1], &error);
  if (text == NULL)
    return prov_cli_fail (error);
  g_print ("%s", text);
  return PROV_EXIT_OK;
}

int
prov_cli_cmd_plugins (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  ProvContext *ctx;
  GPtrArray *plugins;

  if (argc != 1)
    return prov_cli_usage ("plugins");
  ctx = prov_cli_get_context (cli, &error);
  if (ctx == NULL)
    return prov_cli_fail (error);
  plugins = prov_registry_get_plugins (prov_context_get_registry (ctx));
  if (plugins->len == 0)
    g_print (_("no plugins loaded\n"));
  for (guint i = 0; i < plugins->len; i++)
    {
      ProvPlugin *plugin = plugins->pdata[i];
      g_autofree char *handles = prov_plugin_describe_handles (plugin);

      g_print ("%-10s %-8s %s\n           %s\n", prov_plugin_get_name (plugin),
               prov_plugin_get_version (plugin), prov_plugin_get_filename (plugin), handles);
    }
  return PROV_EXIT_OK;
}
