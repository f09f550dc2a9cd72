/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-activation.h"
#include "prov-cli.h"
#include "prov-clock.h"
#include "prov-custom-ca.h"
#include "prov-error.h"

/* The backend of `--state-dir`: the caller works on the files directly, so
 * it is the admin; secrets are still masked whenever a value is shown. */

static GHashTable *
offline_get_parameters (ProvCli *cli, const char *const *names, GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);
  GHashTable *values;
  ProvStore *store;

  if (ctx == NULL)
    return NULL;
  store = prov_context_get_store (ctx);
  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      if (prov_store_read (store, names[i], PROV_CALLER_ADMIN, &value, NULL))
        g_hash_table_replace (values, g_strdup (names[i]),
                              g_strdup (prov_store_mask (store, names[i], value)));
    }
  /* The CLI reads a resync's changed names a batch at a time. */
  prov_store_trim (store);
  return values;
}

static GPtrArray *
offline_list_parameters (ProvCli *cli, GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);
  g_auto(GStrv) names = NULL;
  GPtrArray *params;
  ProvStore *store;

  if (ctx == NULL)
    return NULL;
  store = prov_context_get_store (ctx);
  names = prov_store_list_names (store, PROV_CALLER_ADMIN);
  params = g_ptr_array_new_with_free_func ((GDestroyNotify) prov_cli_param_free);
  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (params,
                     prov_cli_param_new (names[i],
                                         prov_store_mask (store, names[i],
                                                          prov_store_get (store, names[i])),
                                         prov_store_get_access (store, names[i])));
  return params;
}

/* As in the daemon, the enabled appliers take each committed change of
 * the store (a set, a resync); the command returns when they are done. */
static void
follow_appliers (ProvContext *ctx)
{
  prov_appliers_start (prov_context_get_appliers (ctx), FALSE);
}

static void
wait_appliers (ProvContext *ctx)
{
  ProvAppliers *appliers = prov_context_get_appliers (ctx);
  g_autoptr(GMainLoop) loop = NULL;
  gulong idle_id;

  if (!prov_appliers_is_busy (appliers))
    return;
  loop = g_main_loop_new (NULL, FALSE);
  idle_id = g_signal_connect_swapped (appliers, "idle", G_CALLBACK (g_main_loop_quit), loop);
  while (prov_appliers_is_busy (appliers))
    g_main_loop_run (loop);
  g_signal_handler_disconnect (appliers, idle_id);
}

static GStrv
offline_set_parameters (ProvCli *cli, GPtrArray *values, GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  GStrv changed = NULL;

  if (ctx == NULL)
    return NULL;
  follow_appliers (ctx);
  for (guint i = 0; i < values->len; i++)
    {
      ProvCliParam *param = values->pdata[i];
      prov_change_set_add (changes, param->name, param->value, PROV_ACCESS_UNSET,
                           "command line", 0);
    }
  if (!prov_store_apply (prov_context_get_store (ctx), changes, PROV_CALLER_ADMIN, &changed,
                         error))
    return NULL;
  wait_appliers (ctx);
  return changed;
}

typedef struct
{
  GMainLoop        *loop;
  ProvResyncResult *result;
  GError           *error;
  ProvCliProgress   progress;
  gpointer          user_data;
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

static void
on_fetch_progress (ProvEngine *engine, const char *url, guint64 received, guint64 total,
                   gpointer user_data)
{
  ResyncWait *wait = user_data;

  if (wait->progress != NULL)
    wait->progress (url, received, total, wait->user_data);
}

static ProvCliResync *
offline_resync (ProvCli *cli, const char *rule, ProvCliProgress progress, gpointer user_data,
                GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);
  g_autoptr(GMainLoop) loop = NULL;
  ResyncWait wait = { 0 };
  ProvCliResync *resync;
  ProvEngine *engine;
  gulong log_id, progress_id;

  if (ctx == NULL)
    return NULL;
  engine = prov_context_get_engine (ctx);
  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  wait.progress = progress;
  wait.user_data = user_data;
  log_id = g_signal_connect (engine, "log-message", G_CALLBACK (on_log_message), NULL);
  progress_id = g_signal_connect (engine, "fetch-progress", G_CALLBACK (on_fetch_progress), &wait);
  follow_appliers (ctx);
  prov_engine_resync_async (engine, PROV_CAUSE_EXPLICIT, rule, NULL, NULL, on_resync_done,
                            &wait);
  g_main_loop_run (loop);
  wait_appliers (ctx);
  g_signal_handler_disconnect (engine, log_id);
  g_signal_handler_disconnect (engine, progress_id);
  if (wait.error != NULL)
    {
      g_propagate_error (error, wait.error);
      return NULL;
    }
  resync = g_new0 (ProvCliResync, 1);
  resync->fetched = g_ptr_array_ref (wait.result->fetched);
  resync->skipped = g_ptr_array_ref (wait.result->skipped);
  resync->warnings = g_ptr_array_ref (wait.result->warnings);
  resync->changed = g_steal_pointer (&wait.result->changed);
  prov_resync_result_free (wait.result);
  return resync;
}

/* The code goes to the source now; the resync that follows spends it. */
static ProvCliResync *
offline_activate (ProvCli *cli, const char *code, ProvCliProgress progress, gpointer user_data,
                  GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);

  if (ctx == NULL || !prov_activation_submit (prov_context_get_engine (ctx), code, error))
    return NULL;
  return offline_resync (cli, NULL, progress, user_data, error);
}

typedef struct
{
  GMainLoop         *loop;
  ProvUpgradeResult  result;
  GError            *error;
  char              *url;
  char              *version;
  ProvCliProgress    progress;
  gpointer           user_data;
} UpgradeWait;

static void
on_upgrade_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  UpgradeWait *wait = user_data;

  wait->result = prov_upgrader_upgrade_finish (PROV_UPGRADER (source), res, &wait->error);
  g_main_loop_quit (wait->loop);
}

static void
on_upgrade_finished (ProvUpgrader *upgrader, int result, const char *url, const char *version,
                     const char *error, gpointer user_data)
{
  UpgradeWait *wait = user_data;

  g_free (wait->url);
  wait->url = g_strdup (url);
  g_free (wait->version);
  wait->version = g_strdup (version);
}

static void
on_upgrade_progress (ProvUpgrader *upgrader, const char *url, guint64 received, guint64 total,
                     gpointer user_data)
{
  UpgradeWait *wait = user_data;

  if (wait->progress != NULL)
    wait->progress (url, received, total, wait->user_data);
}

/* One attempt, as the daemon's would be, without the resync that the
 * daemon runs after it (Resync_After_Upgrade_Attempt). */
static ProvCliUpgrade *
offline_upgrade (ProvCli *cli, const char *rule, ProvCliProgress progress, gpointer user_data,
                 GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(ProvUpgrader) upgrader = NULL;
  UpgradeWait wait = { 0 };
  ProvCliUpgrade *upgrade = NULL;
  ProvEngine *engine;
  gulong log_id;
  static const char *const outcomes[] = {
    [PROV_UPGRADE_NONE] = "none",
    [PROV_UPGRADE_CURRENT] = "current",
    [PROV_UPGRADE_INSTALLED] = "installed",
  };

  if (ctx == NULL)
    return NULL;
  engine = prov_context_get_engine (ctx);
  upgrader = prov_upgrader_new (engine);
  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  wait.progress = progress;
  wait.user_data = user_data;
  log_id = g_signal_connect (engine, "log-message", G_CALLBACK (on_log_message), NULL);
  g_signal_connect (upgrader, "upgrade-finished", G_CALLBACK (on_upgrade_finished), &wait);
  g_signal_connect (upgrader, "fetch-progress", G_CALLBACK (on_upgrade_progress), &wait);
  prov_upgrader_upgrade_async (upgrader, PROV_CAUSE_EXPLICIT, rule, NULL, NULL, on_upgrade_done,
                               &wait);
  g_main_loop_run (loop);
  g_signal_handler_disconnect (engine, log_id);
  g_signal_handlers_disconnect_by_data (upgrader, &wait);
  if (wait.error != NULL)
    g_propagate_error (error, g_steal_pointer (&wait.error));
  else
    {
      upgrade = g_new0 (ProvCliUpgrade, 1);
      upgrade->outcome = g_strdup (outcomes[wait.result]);
      upgrade->url = g_strdup (wait.url != NULL ? wait.url : "");
      upgrade->version = g_strdup (wait.version != NULL ? wait.version : "");
    }
  g_free (wait.url);
  g_free (wait.version);
  return upgrade;
}

static void
copy_entries (GArray *to, const ProvStatusEntry *entries, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      ProvStatusEntry copy = entries[i];

      copy.url = g_strdup (entries[i].url);
      copy.error = g_strdup (entries[i].error);
      g_array_append_val (to, copy);
    }
}

static ProvCliStatus *
offline_get_status (ProvCli *cli, GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);
  g_autoptr(ProvClock) clock = NULL;
  g_autoptr(ProvScheduler) scheduler = NULL;
  g_autoptr(GArray) plan = NULL;
  ProvCliStatus *status;
  const ProvStatusEntry *entries;
  guint n = 0;

  if (ctx == NULL)
    return NULL;
  status = prov_cli_status_new ();
  entries = prov_status_get_resyncs (prov_context_get_status (ctx), &n);
  copy_entries (status->resyncs, entries, n);
  entries = prov_status_get_upgrades (prov_context_get_status (ctx), &n);
  copy_entries (status->upgrades, entries, n);
  status->customized = prov_status_get_customized (prov_context_get_status (ctx));
  status->custom_ca_status = g_strdup (prov_custom_ca_get_result (prov_context_get_engine (ctx)));
  status->custom_ca_error = g_strdup (prov_custom_ca_get_error (prov_context_get_engine (ctx)));
  status->custom_ca_info = prov_custom_ca_get_installed (prov_context_get_engine (ctx));
  /* A scheduler that is never started previews the persisted plan. */
  clock = prov_clock_new_real ();
  scheduler = prov_scheduler_new (prov_context_get_engine (ctx), clock, 0);
  plan = prov_scheduler_get_plan (scheduler);
  g_array_append_vals (status->schedule, plan->data, plan->len);
  status->next_upgrade_retry = prov_scheduler_get_next_upgrade_retry (scheduler);
  return status;
}

static char *
offline_expand_rule (ProvCli *cli, const char *rule, GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);

  if (ctx == NULL)
    return NULL;
  return prov_engine_explain_rule (prov_context_get_engine (ctx), rule, error);
}

static GPtrArray *
offline_list_plugins (ProvCli *cli, GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);
  GPtrArray *plugins, *list;

  if (ctx == NULL)
    return NULL;
  plugins = prov_registry_get_plugins (prov_context_get_registry (ctx));
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) prov_cli_plugin_free);
  for (guint i = 0; i < plugins->len; i++)
    {
      ProvPlugin *plugin = plugins->pdata[i];
      ProvCliPlugin *item = g_new0 (ProvCliPlugin, 1);

      item->name = g_strdup (prov_plugin_get_name (plugin));
      item->version = g_strdup (prov_plugin_get_version (plugin));
      item->file = g_strdup (prov_plugin_get_filename (plugin));
      item->handles = prov_plugin_describe_handles (plugin);
      g_ptr_array_add (list, item);
    }
  return list;
}

static GVariant *
offline_list_appliers (ProvCli *cli, GError **error)
{
  ProvContext *ctx = prov_cli_get_context (cli, error);

  if (ctx == NULL)
    return NULL;
  return g_variant_ref_sink (prov_appliers_describe (prov_context_get_appliers (ctx)));
}

const ProvCliBackend prov_cli_offline_backend = {
  .get_parameters = offline_get_parameters,
  .list_parameters = offline_list_parameters,
  .set_parameters = offline_set_parameters,
  .resync = offline_resync,
  .upgrade = offline_upgrade,
  .activate = offline_activate,
  .get_status = offline_get_status,
  .expand_rule = offline_expand_rule,
  .list_plugins = offline_list_plugins,
  .list_appliers = offline_list_appliers,
};
