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
          g_autoptr(GError) missing = g_error_new (PROV_ERROR, PROV_ERROR_FAILED,
                                                   _("no such parameter: %s"), argv[i]);

          /* With --json the error is the document: the values are not. */
          status = prov_cli_fail (missing);
          if (cli->json)
            return status;
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

/* Levenshtein distance, ignoring case: how far a typo is from a name. */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (above + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[lb];
}

/* The names the schema knows: offline the schema itself, over D-Bus what
 * the daemon lists (which the caller may see). NULL when unknown. */
static GStrv
known_names (ProvCli *cli, const ProvCliBackend *backend)
{
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  if (cli->state_dir != NULL)
    {
      ProvContext *ctx = prov_cli_get_context (cli, NULL);
      return ctx != NULL ? prov_schema_list_names (prov_context_get_schema (ctx)) : NULL;
    }
  params = backend->list_parameters (cli, NULL);
  if (params == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < params->len; i++)
    g_strv_builder_add (builder, ((ProvCliParam *) params->pdata[i])->name);
  return g_strv_builder_end (builder);
}

/* A name the schema does not know is stored as it is (vendor parameters),
 * but is most often a typo: say so, with the closest known name. */
static void
warn_unknown_names (ProvCli *cli, const ProvCliBackend *backend, GPtrArray *values)
{
  g_auto(GStrv) known = known_names (cli, backend);

  for (guint i = 0; known != NULL && i < values->len; i++)
    {
      const char *name = ((ProvCliParam *) values->pdata[i])->name;
      const char *closest = NULL;
      guint best = G_MAXUINT;

      if (g_strv_contains ((const char *const *) known, name))
        continue;
      for (guint j = 0; known[j] != NULL; j++)
        {
          guint d = edit_distance (name, known[j]);

          if (d < best)
            {
              best = d;
              closest = known[j];
            }
        }
      if (closest != NULL && best <= MAX (2, strlen (name) / 3))
        g_printerr (_("warning: the schema does not know %s; did you mean %s?\n"), name, closest);
      else
        g_printerr (_("warning: the schema does not know %s\n"), name);
    }
}

int
prov_cli_cmd_set (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_auto(GStrv) changed = NULL;
  const ProvCliBackend *backend;

  /* Every argument is checked before a value is read. */
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '\0' || argv[i][0] == '=')
      return prov_cli_usage (_("an argument has no NAME"));
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
  warn_unknown_names (cli, backend, values);
  changed = backend->set_parameters (cli, values, &error);
  if (changed == NULL)
    return prov_cli_fail (error);
  if (cli->json)
    {
      g_autoptr(ProvJson) json = prov_json_new ();

      prov_json_begin_object (json);
      prov_json_member (json, "changed");
      prov_json_strv (json, (const char *const *) changed);
      prov_json_end_object (json);
      prov_json_print (json);
      return PROV_EXIT_OK;
    }
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
