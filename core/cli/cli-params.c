/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli-json.h"
#include "prov-cli.h"
#include "prov-error.h"
#include "prov-profile.h"

/* get, set and dump: the store as the caller may see it (the admin
 * offline; over D-Bus, what the daemon grants). Secrets are always masked
 * when shown. */

int
prov_cli_cmd_get (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(ProvJson) json = prov_json_new ();
  const ProvCliBackend *backend;
  int status = PROV_EXIT_OK;

  if (argc < 2)
    return prov_cli_usage ("get NAME…");
  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  values = backend->get_parameters (cli, (const char *const *) argv + 1, &error);
  if (values == NULL)
    return prov_cli_fail (error);
  prov_json_begin_object (json);
  for (int i = 1; i < argc; i++)
    {
      const char *value = g_hash_table_lookup (values, argv[i]);

      /* Unknown and invisible look the same, on purpose. */
      if (value == NULL)
        {
          g_printerr (_("provisionctl: no such parameter: %s\n"), argv[i]);
          status = PROV_EXIT_FAILURE;
          continue;
        }
      prov_json_member (json, argv[i]);
      prov_json_string (json, value);
      if (cli->json)
        continue;
      if (argc > 2)
        g_print ("%s=", argv[i]);
      g_print ("%s\n", value);
    }
  prov_json_end_object (json);
  if (cli->json)
    prov_json_print (json);
  return status;
}

/* The terminal as it was before a prompt hid what is typed: a signal that
 * ends provisionctl at the prompt gives the echo back first. */
static struct termios echoing;

static void
restore_echo (int sig)
{
  tcsetattr (STDIN_FILENO, TCSANOW, &echoing);
  raise (sig); /* SA_RESETHAND: now the default action */
}

/* One line of standard input, without its newline; NULL at the end. */
static char *
read_line (void)
{
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (c == EOF && line->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* A value that is not on the command line, so that it never shows in ps:
 * on a terminal a prompt that does not echo, otherwise the next line of
 * standard input. */
static char *
read_value (const char *name, GError **error)
{
  struct sigaction restore = { 0 };
  struct sigaction old_int, old_term, old_hup;
  struct termios hidden;
  char *value;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &echoing) != 0)
    {
      value = read_line ();
      if (value == NULL)
        g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                     _("no value for %s on standard input"), name);
      return value;
    }
  restore.sa_handler = restore_echo;
  restore.sa_flags = SA_RESETHAND;
  sigaction (SIGINT, &restore, &old_int);
  sigaction (SIGTERM, &restore, &old_term);
  sigaction (SIGHUP, &restore, &old_hup);
  hidden = echoing;
  hidden.c_lflag &= ~ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &hidden);
  g_printerr (_("Value of %s (not shown): "), name);
  value = read_line ();
  tcsetattr (STDIN_FILENO, TCSANOW, &echoing);
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGTERM, &old_term, NULL);
  sigaction (SIGHUP, &old_hup, NULL);
  g_printerr ("\n");
  if (value == NULL)
    g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS, _("no value for %s entered"), name);
  return value;
}

int
prov_cli_cmd_set (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_auto(GStrv) changed = NULL;
  const ProvCliBackend *backend;

  if (argc < 2)
    return prov_cli_usage ("set NAME=VALUE|NAME…");
  /* Every argument is checked before a value is read. */
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '\0' || argv[i][0] == '=')
      return prov_cli_usage ("set NAME=VALUE|NAME…");
  values = g_ptr_array_new_with_free_func ((GDestroyNotify) prov_cli_param_free);
  for (int i = 1; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      /* NAME alone: the value (a secret) is read, never an argument. */
      if (eq == NULL)
        {
          value = read_value (argv[i], &error);
          if (value == NULL)
            return prov_cli_fail (error);
          g_ptr_array_add (values, prov_cli_param_new (argv[i], value, PROV_ACCESS_RW));
          continue;
        }
      name = g_strndup (argv[i], eq - argv[i]);
      g_ptr_array_add (values, prov_cli_param_new (name, eq + 1, PROV_ACCESS_RW));
    }
  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  changed = backend->set_parameters (cli, values, &error);
  if (changed == NULL)
    return prov_cli_fail (error);
  for (guint i = 0; changed[i] != NULL; i++)
    g_print (_("changed: %s\n"), changed[i]);
  return PROV_EXIT_OK;
}

static void
dump_json (GPtrArray *params)
{
  g_autoptr(ProvJson) json = prov_json_new ();

  prov_json_begin_array (json);
  for (guint i = 0; i < params->len; i++)
    {
      ProvCliParam *param = params->pdata[i];

      prov_json_begin_object (json);
      prov_json_member (json, "name");
      prov_json_string (json, param->name);
      prov_json_member (json, "value");
      prov_json_string (json, param->value);
      prov_json_member (json, "access");
      prov_json_string (json, prov_access_to_string (param->access));
      prov_json_end_object (json);
    }
  prov_json_end_array (json);
  prov_json_print (json);
}

int
prov_cli_cmd_dump (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GPtrArray) params = NULL;
  const ProvCliBackend *backend;

  if (argc != 1)
    return prov_cli_usage ("dump");
  backend = prov_cli_get_backend (cli, &error);
  if (backend == NULL)
    return prov_cli_fail (error);
  params = backend->list_parameters (cli, &error);
  if (params == NULL)
    return prov_cli_fail (error);
  if (cli->json)
    {
      dump_json (params);
      return PROV_EXIT_OK;
    }
  out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n");
  for (guint i = 0; i < params->len; i++)
    {
      ProvCliParam *param = params->pdata[i];

      /* Group leaves ("a/b/c") are not element names: keep the dump valid XML. */
      if (strchr (param->name, '/') != NULL)
        continue;
      g_string_append (out, "  ");
      prov_profile_write_entry (out, param->name, param->value, param->access);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "</flat-profile>\n");
  fwrite (out->str, 1, out->len, stdout);
  return PROV_EXIT_OK;
}
