/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "prov-cli.h"
#include "prov-error.h"

static const struct
{
  const char     *name;
  ProvCliCommand  func;
  const char     *help;
} commands[] = {
  { "resync", prov_cli_cmd_resync, N_("Resync now from RULE or the configured rules") },
  { "get", prov_cli_cmd_get, N_("Show the values of parameters") },
  { "set", prov_cli_cmd_set, N_("Set parameters: NAME=VALUE…") },
  { "dump", prov_cli_cmd_dump, N_("Print every parameter as a flat profile (secrets masked)") },
  { "status", prov_cli_cmd_status, N_("Show the last resync results") },
  { "expand", prov_cli_cmd_expand, N_("Show how RULE expands and which alternative is taken") },
  { "plugins", prov_cli_cmd_plugins, N_("List the loaded plugins") },
  { "decode", prov_cli_cmd_decode, N_("Show a profile file as the device reads it") },
  { "encode", prov_cli_cmd_encode, N_("Compress and/or encrypt a profile file") },
};

ProvContext *
prov_cli_get_context (ProvCli *cli, GError **error)
{
  if (cli->context != NULL)
    return cli->context;
  if (cli->state_dir == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   _("no daemon connection is available; give --state-dir DIR"));
      return NULL;
    }
  cli->context = prov_context_new (cli->state_dir, cli->device_path, cli->plugin_path, error);
  return cli->context;
}

int
prov_cli_fail (const GError *error)
{
  g_printerr ("provisionctl: %s\n", error->message);
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

static char *
describe_commands (void)
{
  GString *out = g_string_new (_("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (out, "\n  %-10s %s", commands[i].name, _(commands[i].help));
  return g_string_free (out, FALSE);
}

int
main (int argc, char **argv)
{
  ProvCli cli = { 0 };
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  gboolean version = FALSE;
  const char *localedir = g_getenv ("PROV_LOCALEDIR");
  int status = PROV_EXIT_USAGE;
  ProvCliCommand command = NULL;
  GOptionEntry entries[] = {
    { "state-dir", 's', 0, G_OPTION_ARG_FILENAME, &cli.state_dir,
      N_("Work on the state directory DIR directly, without the daemon"), N_("DIR") },
    { "device", 'd', 0, G_OPTION_ARG_FILENAME, &cli.device_path,
      N_("Device file (default: device.conf in the state directory)"), N_("FILE") },
    { "plugin-dir", 0, 0, G_OPTION_ARG_STRING, &cli.plugin_path,
      N_("Load plugins from these directories (':'-separated)"), N_("PATH") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

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
  g_clear_object (&cli.context);
  g_free (cli.state_dir);
  g_free (cli.device_path);
  g_free (cli.plugin_path);
  return status;
}
