/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <errno.h>
#include <locale.h>
#include <syslog.h>

#include "prov-authority.h"
#include "prov-clock.h"
#include "prov-context.h"
#include "prov-daemon-config.h"
#include "prov-dbus-service.h"
#include "prov-rule-mask.h"
#include "prov-scheduler.h"
#include "prov-syslog.h"
#include "prov-trigger.h"

typedef struct
{
  GMainLoop       *loop;
  ProvContext     *context;
  ProvScheduler   *scheduler;
  ProvDbusService *service;
  GDBusConnection *connection;
  GPtrArray       *triggers; /* ProvTrigger* that started */
  gboolean         stopping;
  int              exit_status;
} Daemon;

static void
on_trigger_fired (ProvTrigger *trigger, int action, int cause, const char *rule,
                  gpointer user_data)
{
  Daemon *daemon = user_data;
  /* A rule from the network may carry a --key passphrase or credentials. */
  g_autofree char *shown = rule != NULL ? prov_rule_mask_secrets (rule) : NULL;

  g_info ("%s requests a%s%s%s", prov_plugin_get_name (PROV_PLUGIN (trigger)),
          action == PROV_TRIGGER_ACTION_UPGRADE ? "n upgrade" : " resync", shown ? ": " : "",
          shown ? shown : "");
  const char *requester = prov_trigger_get_requester (trigger);

  if (action == PROV_TRIGGER_ACTION_UPGRADE)
    prov_scheduler_request_upgrade_from (daemon->scheduler, rule, requester);
  else
    prov_scheduler_request_resync_from (daemon->scheduler, (ProvCause) cause, rule, requester);
}

/* Every loaded plugin that is a trigger (SIP NOTIFY, action URLs…) starts
 * with the schedule; one that cannot start is logged and left out. */
static void
start_triggers (Daemon *daemon)
{
  GPtrArray *plugins = prov_registry_get_plugins (prov_context_get_registry (daemon->context));

  for (guint i = 0; i < plugins->len; i++)
    {
      ProvPlugin *plugin = plugins->pdata[i];
      g_autoptr(GError) error = NULL;

      if (!PROV_IS_TRIGGER (plugin))
        continue;
      if (!prov_trigger_start (PROV_TRIGGER (plugin), prov_context_get_engine (daemon->context),
                               &error))
        {
          g_warning ("trigger %s: %s", prov_plugin_get_name (plugin), error->message);
          continue;
        }
      g_signal_connect (plugin, "fired", G_CALLBACK (on_trigger_fired), daemon);
      g_ptr_array_add (daemon->triggers, g_object_ref (plugin));
    }
}

static void
stop_triggers (Daemon *daemon)
{
  for (guint i = 0; i < daemon->triggers->len; i++)
    {
      g_signal_handlers_disconnect_by_func (daemon->triggers->pdata[i], on_trigger_fired, daemon);
      prov_trigger_stop (daemon->triggers->pdata[i]);
    }
  g_ptr_array_set_size (daemon->triggers, 0);
}

/* Stops the schedule and any fetch; a running apply is synchronous, so by
 * the time the engine reports the end the store is old or new, never half. */
static void
daemon_stop (Daemon *daemon, int exit_status)
{
  if (daemon->stopping)
    return;
  daemon->stopping = TRUE;
  daemon->exit_status = exit_status;
  if (daemon->service != NULL)
    prov_dbus_service_stop (daemon->service);
  stop_triggers (daemon);
  prov_scheduler_stop (daemon->scheduler);
  if (!prov_engine_is_busy (prov_context_get_engine (daemon->context)))
    g_main_loop_quit (daemon->loop);
}

static void
on_resync_finished (ProvEngine *engine, int outcome, const char *url, const char *error,
                    GStrv changed, gpointer user_data)
{
  Daemon *daemon = user_data;

  if (error != NULL)
    g_message ("resync failed: %s", error);
  else
    g_message ("resync succeeded: %u parameters changed", changed ? g_strv_length (changed) : 0);
  /* A stop that waited for a running resync can finish now. */
  if (daemon->stopping)
    g_main_loop_quit (daemon->loop);
}

/* Log_Rollback_Msg (expanded) goes to Syslog_Server like the Log_*_Msg. */
static void
on_rolled_back (ProvAppliers *appliers, const char *reason, const char *text,
                gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (text != NULL && !prov_syslog_send (PROV_SYSLOG (user_data), LOG_WARNING, text, &error))
    g_warning ("syslog: %s", error->message);
}

/* The scheduler moved its one alarm: when the daemon wakes next. Tests
 * (tests/test-daemon-schedule.sh) wait for this line, after a resync, to
 * know that the daemon has nothing left to do until then. */
static void
on_plan_changed (ProvScheduler *scheduler, gpointer user_data)
{
  gint64 at = prov_scheduler_get_armed_deadline (scheduler);

  if (at == 0)
    g_debug ("no wake-up armed");
  else
    g_debug ("next wake-up in %" G_GINT64_FORMAT " s",
             (at - g_get_real_time () + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC);
}

/* provisiond.conf(5): each setting comes from the command line, else the
 * environment, else the file, else the built-in default. */
static gboolean
read_config (const char *path, char **state_dir, char **cache_dir, char **device_path,
             char **plugin_path, GError **error)
{
  g_auto(ProvDaemonConfig) config = { 0 };
  const char *env_path = g_getenv ("PROV_PLUGIN_PATH");

  if (!prov_daemon_config_load (&config, path != NULL ? path : PROV_SYSCONFDIR "/provisiond.conf",
                                path != NULL, error))
    return FALSE;
  if (*state_dir == NULL)
    *state_dir = g_strdup (config.state_dir != NULL ? config.state_dir : PROV_STATEDIR);
  if (*cache_dir == NULL)
    *cache_dir = g_steal_pointer (&config.cache_dir);
  if (*device_path == NULL)
    *device_path = g_steal_pointer (&config.device_file);
  if (*plugin_path == NULL && (env_path == NULL || env_path[0] == '\0'))
    *plugin_path = g_steal_pointer (&config.plugin_path);
  /* The context reads the block list from the environment only; set there,
   * it keeps its precedence over the file. */
  if (config.plugin_block != NULL && g_getenv ("PROV_PLUGIN_BLOCK") == NULL)
    g_setenv ("PROV_PLUGIN_BLOCK", config.plugin_block, TRUE);
  return TRUE;
}

static gboolean
on_stop_signal (gpointer user_data)
{
  g_message ("stopping");
  daemon_stop (user_data, 0);
  return G_SOURCE_CONTINUE;
}

static void
on_bus_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  g_set_object (&daemon->connection, connection);
  if (!prov_dbus_service_export (daemon->service, connection, &error))
    {
      g_warning ("cannot export %s: %s", PROV_DBUS_PATH, error->message);
      daemon_stop (daemon, 1);
    }
}

/* The schedule starts only once the name is ours: a second daemon on the
 * same bus must not resync the same state. */
static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->stopping)
    return;
  prov_scheduler_start (daemon->scheduler);
  start_triggers (daemon);
  g_message ("provisiond %s running on %s as %s", PACKAGE_VERSION,
             prov_context_get_state_dir (daemon->context), name);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  if (connection == NULL)
    g_warning ("cannot connect to the message bus");
  else
    g_warning ("the name %s is owned by another process or was lost", name);
  daemon_stop (daemon, 1);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvClock) clock = NULL;
  g_autoptr(ProvAuthority) authority = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *device_path = NULL;
  g_autofree char *plugin_path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *state_dir_help = NULL;
  g_autofree char *config_help = NULL;
  const char *localedir = g_getenv ("PROV_LOCALEDIR");
  gboolean version = FALSE, system_bus = FALSE, session_bus = FALSE, no_bus = FALSE;
  guint owner_id = 0;
  Daemon daemon = { 0 };
  g_autoptr(ProvSyslog) remote_log = NULL;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, NULL, N_("FILE") },
    { "state-dir", 's', 0, G_OPTION_ARG_FILENAME, &state_dir, NULL, N_("DIR") },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
      N_("Directory for downloaded firmware and HTTP validators (default: the state directory)"),
      N_("DIR") },
    { "device", 'd', 0, G_OPTION_ARG_FILENAME, &device_path,
      N_("Device file (default: device.conf in the state directory)"), N_("FILE") },
    { "plugin-dir", 0, 0, G_OPTION_ARG_STRING, &plugin_path,
      N_("Load plugins from these directories (':'-separated)"), N_("PATH") },
    { "system", 0, 0, G_OPTION_ARG_NONE, &system_bus,
      N_("Serve on the system bus (the default)"), NULL },
    { "session", 0, 0, G_OPTION_ARG_NONE, &session_bus,
      N_("Serve on the session bus"), NULL },
    { "no-bus", 0, 0, G_OPTION_ARG_NONE, &no_bus,
      N_("Run the schedule without D-Bus"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The default is a build setting: not part of the message to translate. */
  config_help = g_strdup_printf (_("Configuration file (default: %s)"),
                                 PROV_SYSCONFDIR "/provisiond.conf");
  entries[0].description = config_help;
  state_dir_help = g_strdup_printf (_("State directory (default: %s)"), PROV_STATEDIR);
  entries[1].description = state_dir_help;
  options = g_option_context_new (NULL);
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("provisiond: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("provisiond %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (system_bus + session_bus + no_bus > 1)
    {
      g_printerr (_("provisiond: --system, --session and --no-bus exclude each other\n"));
      return 2;
    }
  if (!read_config (config_path, &state_dir, &cache_dir, &device_path, &plugin_path, &error))
    {
      g_printerr ("provisiond: %s\n", error->message);
      return 1;
    }
  daemon.context = prov_context_new (state_dir, device_path, plugin_path, &error);
  /* Opening reads the store's ends only; a daemon checks all of it once,
   * so that a damaged store stops it here rather than reading as defaults. */
  if (daemon.context == NULL
      || !prov_store_check (prov_context_get_store (daemon.context), &error))
    {
      g_printerr ("provisiond: %s\n", error->message);
      return 1;
    }
  /* What may be lost lives apart from the state (systemd's CacheDirectory=). */
  if (cache_dir != NULL)
    {
      if (g_mkdir_with_parents (cache_dir, 0700) != 0)
        {
          g_printerr ("provisiond: cannot create %s: %s\n", cache_dir, g_strerror (errno));
          g_clear_object (&daemon.context);
          return 1;
        }
      prov_engine_set_cache_dir (prov_context_get_engine (daemon.context), cache_dir);
    }
  daemon.loop = g_main_loop_new (NULL, FALSE);
  daemon.triggers = g_ptr_array_new_with_free_func (g_object_unref);
  clock = prov_clock_new_real ();
  daemon.scheduler = prov_scheduler_new (prov_context_get_engine (daemon.context), clock,
                                         g_random_int ());
  g_signal_connect (prov_context_get_engine (daemon.context), "resync-finished",
                    G_CALLBACK (on_resync_finished), &daemon);
  g_signal_connect (daemon.scheduler, "plan-changed", G_CALLBACK (on_plan_changed), NULL);
  /* Log_*_Msg also go to Syslog_Server when it is set. */
  remote_log = prov_syslog_new (prov_context_get_store (daemon.context),
                            prov_context_get_device (daemon.context));
  prov_syslog_attach (remote_log, prov_context_get_engine (daemon.context));
  /* Consumers (baresip…) follow every committed change; a rollback is logged. */
  g_signal_connect (prov_context_get_appliers (daemon.context), "rolled-back",
                    G_CALLBACK (on_rolled_back), remote_log);
  prov_appliers_start (prov_context_get_appliers (daemon.context), TRUE);
  g_unix_signal_add (SIGTERM, on_stop_signal, &daemon);
  g_unix_signal_add (SIGINT, on_stop_signal, &daemon);

  if (no_bus)
    {
      prov_scheduler_start (daemon.scheduler);
      start_triggers (&daemon);
      g_message ("provisiond %s running on %s without D-Bus", PACKAGE_VERSION,
                 prov_context_get_state_dir (daemon.context));
    }
  else
    {
      /* polkit names its subjects by system bus name. */
      authority = prov_authority_new (!session_bus);
      daemon.service = prov_dbus_service_new (daemon.context, daemon.scheduler, authority);
      owner_id = g_bus_own_name (session_bus ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM,
                                 PROV_DBUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE, on_bus_acquired,
                                 on_name_acquired, on_name_lost, &daemon, NULL);
    }
  g_main_loop_run (daemon.loop);

  if (daemon.service != NULL)
    prov_dbus_service_unexport (daemon.service);
  /* The replies to the last calls go out before the connection closes. */
  if (daemon.connection != NULL)
    g_dbus_connection_flush_sync (daemon.connection, NULL, NULL);
  if (owner_id != 0)
    g_bus_unown_name (owner_id);
  g_clear_object (&daemon.service);
  g_clear_object (&daemon.connection);
  stop_triggers (&daemon);
  g_ptr_array_unref (daemon.triggers);
  g_clear_object (&daemon.scheduler);
  g_clear_object (&daemon.context);
  g_main_loop_unref (daemon.loop);
  return daemon.exit_status;
}
