/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "prov-cli.h"
#include "prov-dbus-names.h"
#include "prov-error.h"

#include "cli-json.h"

/* The commands, in the order `--help` lists them. */
static const ProvCliCommandInfo commands[] = {
  { "resync", N_("[RULE]"), N_("Resync now from RULE or the configured rules"),
    0, 1, NULL, PROV_CLI_BOTH, prov_cli_cmd_resync },
  { "activate", N_("CODE"), N_("Enter an activation code, then resync"),
    1, 1, NULL, PROV_CLI_BOTH, prov_cli_cmd_activate },
  { "upgrade", N_("[RULE]"), N_("Upgrade the firmware now from RULE or Upgrade_Rule"),
    0, 1, NULL, PROV_CLI_BOTH, prov_cli_cmd_upgrade },
  { "get", N_("NAME…"), N_("Show the values of parameters"),
    1, -1, NULL, PROV_CLI_BOTH, prov_cli_cmd_get },
  { "set", N_("NAME=VALUE|NAME…"),
    N_("Set parameters: NAME=VALUE…; NAME alone reads it (stdin or a hidden prompt)"),
    1, -1, NULL, PROV_CLI_BOTH, prov_cli_cmd_set },
  { "dump", NULL, N_("Print every parameter as a flat profile (secrets masked)"),
    0, 0, NULL, PROV_CLI_BOTH, prov_cli_cmd_dump },
  { "status", NULL, N_("Show the last resync and upgrade results"),
    0, 0, NULL, PROV_CLI_BOTH, prov_cli_cmd_status },
  { "schedule", NULL, N_("Show when the coming resyncs run"),
    0, 0, NULL, PROV_CLI_BOTH, prov_cli_cmd_schedule },
  { "expand", N_("RULE"), N_("Show how RULE expands and which alternative is taken"),
    1, 1, NULL, PROV_CLI_BOTH, prov_cli_cmd_expand },
  { "plugins", NULL, N_("List the loaded plugins"),
    0, 0, NULL, PROV_CLI_BOTH, prov_cli_cmd_plugins },
  { "appliers", NULL, N_("Show the appliers, their targets and last results"),
    0, 0, NULL, PROV_CLI_BOTH, prov_cli_cmd_appliers },
  { "monitor", NULL, N_("Follow the daemon's events"),
    0, 0, prov_cli_monitor_options, PROV_CLI_DBUS, prov_cli_cmd_monitor },
  { "decode", N_("FILE"), N_("Show a profile file as the device reads it"),
    1, 1, prov_cli_decode_options, PROV_CLI_OFFLINE, prov_cli_cmd_decode },
  { "encode", N_("IN OUT"), N_("Compress and/or encrypt a profile file"),
    2, 2, prov_cli_encode_options, PROV_CLI_OFFLINE, prov_cli_cmd_encode },
};

/* The invocation, for prov_cli_fail() and prov_cli_usage(). */
static ProvCli *current;

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
  /* A mistyped directory must not become a new, empty state. */
  if (!g_file_test (cli->state_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   _("the state directory %s does not exist"), cli->state_dir);
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
  /* No command reads the cached properties: loading them was one more
   * round trip through the bus before every call. */
  cli->proxy = prov_provisiond1_proxy_new_sync (cli->connection,
                                                G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
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

static int
exit_code (const GError *error)
{
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

/* The error's code for scripts: the last part of its D-Bus error name
 * ("FileNotFound"), the same in both modes. */
static char *
error_code_name (const GError *error)
{
  g_autofree char *name = NULL;
  const char *dot;

  if (error->domain != PROV_ERROR)
    return g_strdup ("Failed");
  name = g_dbus_error_encode_gerror (error);
  dot = strrchr (name, '.');
  return g_strdup (dot != NULL ? dot + 1 : name);
}

static void
print_json_error (const GError *error, const char *message)
{
  g_autoptr(ProvJson) json = prov_json_new ();
  g_autofree char *code = error_code_name (error);

  prov_json_begin_object (json);
  prov_json_member (json, "error");
  prov_json_begin_object (json);
  prov_json_member (json, "code");
  prov_json_string (json, code);
  prov_json_member (json, "message");
  prov_json_string (json, message);
  prov_json_end_object (json);
  prov_json_end_object (json);
  prov_json_print (json);
}

/* @line: the failure in the command's words, or NULL for "provisionctl: …". */
static int
report (const GError *error, const char *line)
{
  const char *text = prov_cli_error_text (error);

  if (current != NULL && current->json)
    print_json_error (error, text);
  else if (line != NULL)
    g_printerr ("%s", line);
  else
    g_printerr ("provisionctl: %s\n", text);
  return exit_code (error);
}

int
prov_cli_fail_as (const GError *error, const char *format, ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  return report (error, line);
}

int
prov_cli_fail (const GError *error)
{
  return report (error, NULL);
}

int
prov_cli_usage (const char *problem)
{
  const char *command = current != NULL && current->command != NULL ? current->command : NULL;
  g_autoptr(GError) error = NULL;

  if (command != NULL)
    /* TRANSLATORS: the command, what is wrong, and the command again. */
    error = g_error_new (PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                         _("%s: %s (see “provisionctl %s --help”)"), command, problem, command);
  else
    error = g_error_new (PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                         _("%s (see “provisionctl --help”)"), problem);
  return prov_cli_fail (error);
}

char *
prov_cli_format_time (gint64 wall_usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (wall_usec / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z") : g_strdup ("?");
}

static char *
describe_commands (void)
{
  GString *out = g_string_new (_("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (out, "\n  %-10s %s", commands[i].name, _(commands[i].summary));
  g_string_append_printf (out, "\n\n%s", _("“provisionctl COMMAND --help” shows a command's "
                                           "options."));
  return g_string_free (out, FALSE);
}

/* Frees what the command's options were given, so that a run leaks nothing. */
static void
clear_option_values (const GOptionEntry *options)
{
  for (guint i = 0; options != NULL && options[i].long_name != NULL; i++)
    switch (options[i].arg)
      {
      case G_OPTION_ARG_STRING:
      case G_OPTION_ARG_FILENAME:
        g_clear_pointer ((char **) options[i].arg_data, g_free);
        break;
      case G_OPTION_ARG_STRING_ARRAY:
      case G_OPTION_ARG_FILENAME_ARRAY:
        g_clear_pointer ((char ***) options[i].arg_data, g_strfreev);
        break;
      default:
        break;
      }
}

/* Parses the command's own options (its --help prints and exits), checks
 * its arguments and mode, then runs it. */
static int
run_command (ProvCli *cli, const ProvCliCommandInfo *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("provisionctl %s", command->name);
  int n_args, status;

  cli->command = command->name;
  options = g_option_context_new (command->args != NULL ? _(command->args) : NULL);
  g_option_context_set_translation_domain (options, GETTEXT_PACKAGE);
  g_option_context_set_summary (options, _(command->summary));
  if (command->options != NULL)
    g_option_context_add_main_entries (options, command->options, GETTEXT_PACKAGE);
  /* "provisionctl resync [OPTION…] [RULE]" in the command's --help. */
  g_set_prgname (prgname);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      status = prov_cli_usage (error->message);
      clear_option_values (command->options);
      return status;
    }
  g_set_prgname ("provisionctl");
  n_args = argc - 1;
  if (n_args < command->min_args)
    status = prov_cli_usage (command->min_args == 1 && command->args != NULL
                               ? _("an argument is missing")
                               : _("arguments are missing"));
  else if (command->max_args >= 0 && n_args > command->max_args)
    status = prov_cli_usage (command->max_args == 0 ? _("takes no arguments")
                                                    : _("too many arguments"));
  else if (!(command->modes & PROV_CLI_OFFLINE) && cli->state_dir != NULL)
    status = prov_cli_usage (_("needs the daemon; leave out --state-dir"));
  else if (!(command->modes & PROV_CLI_DBUS) && cli->state_dir == NULL)
    status = prov_cli_usage (_("works on a state directory; give --state-dir DIR"));
  else
    status = command->run (cli, argc, argv);
  clear_option_values (command->options);
  return status;
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
  current = &cli;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return prov_cli_usage (error->message);
  if (version)
    {
      g_print ("provisionctl %s\n", PACKAGE_VERSION);
      return PROV_EXIT_OK;
    }
  if (cli.system_bus + cli.session_bus + (cli.address != NULL) + (cli.state_dir != NULL) > 1)
    return prov_cli_usage (_("--system, --session, --address and --state-dir exclude each other"));
  if (argc < 2)
    return prov_cli_usage (_("no command given"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (argv[1], commands[i].name) == 0)
      return run_command (&cli, &commands[i], argc - 1, argv + 1);
  {
    g_autofree char *problem = g_strdup_printf (_("unknown command “%s”"), argv[1]);
    return prov_cli_usage (problem);
  }
}
