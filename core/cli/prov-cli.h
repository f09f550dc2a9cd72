/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib/gi18n.h>

#include "prov-context.h"

/* Exit codes, shared by every command (provisionctl(1)). */
enum
{
  PROV_EXIT_OK = 0,
  PROV_EXIT_FAILURE = 1,
  PROV_EXIT_USAGE = 2,
  PROV_EXIT_FILE_NOT_FOUND = 3,
  PROV_EXIT_CORRUPT = 4,
  PROV_EXIT_TRANSPORT = 5,
};

typedef struct
{
  char        *state_dir;
  char        *device_path;
  char        *plugin_path;
  ProvContext *context;
} ProvCli;

typedef int (*ProvCliCommand) (ProvCli *cli, int argc, char **argv);

/* Opens the state directory on first use. */
ProvContext *prov_cli_get_context (ProvCli *cli, GError **error);
/* Prints "provisionctl: <error>" and returns the exit code for it. */
int          prov_cli_fail        (const GError *error);
int          prov_cli_usage       (const char *usage);

int prov_cli_cmd_get     (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_set     (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_dump    (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_resync  (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_status  (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_expand  (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_plugins (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_decode  (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_encode  (ProvCli *cli, int argc, char **argv);
