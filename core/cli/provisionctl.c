/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "prov-cli.h"
#include "prov-dbus-names.h"
#include "prov-error.h"

static const struct
{
  const char     *name;
  ProvCliCommand  func;
  const char     *help;
} commands[] = {
  { "resync", prov_cli_cmd_resync, N_("Resync now from RULE or the configured rules") },
  { "activate", prov_cli_cmd_activate, N_("Enter an activation code, then resync") },
  { "upgrade", prov_cli_cmd_upgrade, N_("Upgrade the firmware now from RULE or Upgrade_Rule") },
  { "get", prov_cli_cmd_get, N_("Show the values of parameters") },
  { "set", prov_cli_cmd_set, N_("Set parameters: NAME=VALUE…; NAME alone reads it (stdin or a hidden prompt)") },
  { "dump", prov_cli_cmd_dump, N_("Print every parameter as a flat profile (secrets masked)") },
  { "status", prov_cli_cmd_status, N_("Show the last resync and upgrade results") },
  { "schedule", prov_cli_cmd_schedule, N_("Show when the coming resyncs run") },
  { "expand", prov_cli_cmd_expand, N_("Show how RULE expands and which alternative is taken") },
  { "plugins", prov_cli_cmd_plugins, N_("List the loaded plugins") },
  { "appliers", prov_cli_cmd_appliers, N_("Show the appliers, their targets and last results") },
  { "monitor", prov_cli_cmd_monitor, N_("Follow the daemon's events: monitor [--count N]") },
  { "decode", prov_cli_cmd_decode, N_("Show a profile file as the device reads it") },
  { "encode", prov_cli_cmd_encode, N_("Compress and/or encrypt a profile file") },
};

ProvCliParam *
prov_cli_param_new (const char *name, const char *value, ProvAccess access)
{
  ProvCliParam *param = g_new0 (ProvCliParam, 1);

  param->name = g_strdup (name);
  param->value = g_strdup (value);
  param->access = access;
  return param;
}

void
prov_cli_param_free (ProvCliParam *param)
{
  g_free (param->name);
  g_free (param->value);
  g_free (param);
}

void
prov_cli_resync_free (ProvCliResync *resync)
{
  g_clear_pointer (&resync->fetched, g_ptr_array_unref);
  g_clear_pointer (&resync->skipped, g_ptr_array_unref);
  g_clear_pointer (&resync->warnings, g_ptr_array_unref);
  g_strfreev (resync->changed);
  g_free (resync);
}

static void
clear_entry (gpointer data)
{
  ProvStatusEntry *entry = data;

  g_free (entry->url);
  g_free (entry->error);
}

ProvCliStatus *
prov_cli_status_new (void)
{
  ProvCliStatus *status = g_new0 (ProvCliStatus, 1);

  status->resyncs = g_array_new (FALSE, TRUE, sizeof (ProvStatusEntry));
  status->upgrades = g_array_new (FALSE, TRUE, sizeof (ProvStatusEntry));
  g_array_set_clear_func (status->resyncs, clear_entry);
  g_array_set_clear_func (status->upgrades, clear_entry);
  status->schedule = g_array_new (FALSE, TRUE, sizeof (ProvScheduleItem));
  return status;
}

void
prov_cli_status_free (ProvCliStatus *status)
{
  g_free (status->state);
  g_free (status->custom_ca_status);
  g_free (status->custom_ca_error);
  g_free (status->custom_ca_info);
  g_array_unref (status->resyncs);
  g_array_unref (status->upgrades);
  g_array_unref (status->schedule);
  g_free (status);
}

void
prov_cli_upgrade_free (ProvCliUpgrade *upgrade)
{
  g_free (upgrade->outcome);
  g_free (upgrade->version);
  g_free (upgrade->url);
  g_free (upgrade);
}

void
prov_cli_plugin_free (ProvCliPlugin *plugin)
{
  g_free (plugin->name);
  g_free (plugin->version);
  g_free (plugin->file);
  g_free (plugin->handles);
  g_free (plugin);
}

ProvContext *
prov_cli_get_context (ProvCli *cli, GError **error)
{
  if (cli->context != NULL)
    return cli->context;
  if (cli->state_dir == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   _("this command works on a state directory; give --state-dir DIR"));
      return NULL;
    }
  cli->context = prov_context_new (cli->state_dir, cli->device_path, cli->plugin_path, error);
  return cli->context;
}

ProvProvisiond1 *
prov_cli_get_proxy (ProvCli *cli, GError **error)
{
  if (cli->proxy != NULL)
    return cli->proxy;
  if (cli->state_dir != NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   _("this command needs the daemon; leave out --state-dir"));
      return NULL;
    }
  if (cli->address != NULL)
    cli->connection = g_dbus_connection_new_for_address_sync (
      cli->address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
        | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, error);
  else
    cli->connection = g_bus_get_sync (cli->session_bus ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM,
                                      NULL, error);
  if (cli->connection == NULL)
    {
      g_prefix_error (error, _("cannot connect to the message bus: "));
      return NULL;
    }
  cli->proxy = prov_provisiond1_proxy_new_sync (cli->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                PROV_DBUS_NAME, PROV_DBUS_PATH, NULL, error);
  return cli->proxy;
}

const ProvCliBackend *
prov_cli_get_backend (ProvCli *cli, GError **error)
{
  if (cli->state_dir != NULL)
    return prov_cli_get_context (cli, error) != NULL ? &prov_cli_offline_backend : NULL;
  return prov_cli_get_proxy (cli, error) != NULL ? &prov_cli_dbus_backend : NULL;
}

int
prov_cli_fail (const GError *error)
{
  g_printerr ("provisionctl: %s\n", prov_cli_error_text (error));
  if (error->domain != PROV_ERROR)
    return PROV_EXIT_FAILURE;
  switch (error->code)
    {
    case PROV_ERROR_INVALID_ARGS:
      return PROV_EXIT_USAGE;
    case PROV_ERROR_FILE_NOT_FOUND:
      return PROV_EXIT_FILE_NOT_FOUND;
    case PROV_ERROR_CORRUPT:
    case PROV_ERROR_INVALID_VALUE:
      return PROV_EXIT_CORRUPT;
    case PROV_ERROR_TRANSPORT:
      return PROV_EXIT_TRANSPORT;
    case PROV_ERROR_INVALID_CODE:
      return PROV_EXIT_INVALID_CODE;
    default:
      return PROV_EXIT_FAILURE;
    }
}

int
prov_cli_usage (const char *usage)
{
  g_printerr (_("Usage: provisionctl [OPTION…] %s\n"), usage);
  return PROV_EXIT_USAGE;
}

char *
prov_cli_format_time (gint64 wall_usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (wall_usec / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static char *
describe_commands (void)
{
  GString *out = g_string_new (_("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (out, "\n  %-10s %s", commands[i].name, _(commands[i].help));
  return g_string_free (out, FALSE);
}

static void
prov_cli_clear (ProvCli *cli)
{
  g_clear_object (&cli->proxy);
  g_clear_object (&cli->connection);
  g_clear_object (&cli->context);
  g_clear_pointer (&cli->state_dir, g_free);
  g_clear_pointer (&cli->device_path, g_free);
  g_clear_pointer (&cli->plugin_path, g_free);
  g_clear_pointer (&cli->address, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProvCli, prov_cli_clear)

int
main (int argc, char **argv)
{
  g_auto(ProvCli) cli = { 0 };
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  gboolean version = FALSE;
  const char *localedir = g_getenv ("PROV_LOCALEDIR");
  int status = PROV_EXIT_USAGE;
  ProvCliCommand command = NULL;
  GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &cli.system_bus,
      N_("Talk to the daemon on the system bus (the default)"), NULL },
    { "session", 0, 0, G_OPTION_ARG_NONE, &cli.session_bus,
      N_("Talk to the daemon on the session bus"), NULL },
    { "address", 0, 0, G_OPTION_ARG_STRING, &cli.address,
      N_("Talk to the daemon on the bus at ADDRESS"), N_("ADDRESS") },
    { "state-dir", 's', 0, G_OPTION_ARG_FILENAME, &cli.state_dir,
      N_("Work on the state directory DIR directly, without the daemon"), N_("DIR") },
    { "device", 'd', 0, G_OPTION_ARG_FILENAME, &cli.device_path,
      N_("Device file (default: device.conf in the state directory)"), N_("FILE") },
    { "plugin-dir", 0, 0, G_OPTION_ARG_STRING, &cli.plugin_path,
      N_("Load plugins from these directories (':'-separated)"), N_("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json, N_("Print JSON for scripts"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Registers the D-Bus error names before the first reply arrives. */
  (void) prov_error_quark ();

  options = g_option_context_new (_("COMMAND [ARG…]"));
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (options, GETTEXT_PACKAGE);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (options, TRUE);
  summary = describe_commands ();
  g_option_context_set_description (options, summary);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("provisionctl: %s\n", error->message);
      return PROV_EXIT_USAGE;
    }
  if (version)
    {
      g_print ("provisionctl %s\n", PACKAGE_VERSION);
      return PROV_EXIT_OK;
    }
  if (cli.system_bus + cli.session_bus + (cli.address != NULL) + (cli.state_dir != NULL) > 1)
    {
      g_printerr (_("provisionctl: --system, --session, --address and --state-dir exclude each "
                    "other\n"));
      return PROV_EXIT_USAGE;
    }
  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (options, TRUE, NULL);
      g_printerr ("%s", help);
      return PROV_EXIT_USAGE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (argv[1], commands[i].name) == 0)
      command = commands[i].func;
  if (command != NULL)
    status = command (&cli, argc - 1, argv + 1);
  else
    g_printerr (_("provisionctl: unknown command “%s”\n"), argv[1]);
  return status;
}
