/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib/gi18n.h>

#include "prov-context.h"
#include "prov-dbus-generated.h"
#include "prov-scheduler.h"

/* Exit codes, shared by every command (provisionctl(1)). */
enum
{
  PROV_EXIT_OK = 0,
  PROV_EXIT_FAILURE = 1,
  PROV_EXIT_USAGE = 2,
  PROV_EXIT_FILE_NOT_FOUND = 3,
  PROV_EXIT_CORRUPT = 4,
  PROV_EXIT_TRANSPORT = 5,
  PROV_EXIT_INVALID_CODE = 6,
};

/* One parameter as the caller may see it (secrets masked). */
typedef struct
{
  char       *name;
  char       *value;
  ProvAccess  access;
} ProvCliParam;

ProvCliParam *prov_cli_param_new  (const char *name, const char *value, ProvAccess access);
void          prov_cli_param_free (ProvCliParam *param);

typedef struct
{
  GPtrArray  *fetched; /* char*: URLs */
  GPtrArray  *skipped; /* char*: "url: file not found" */
  GPtrArray  *warnings; /* char*: what the profiles gave and was ignored; NULL over D-Bus */
  GStrv       changed;
} ProvCliResync;

void prov_cli_resync_free (ProvCliResync *resync);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvCliResync, prov_cli_resync_free)

/* What an upgrade ended with, when it did not fail. */
typedef struct
{
  char *outcome; /* "installed", "current", "none" */
  char *version; /* the image's, "" for none */
  char *url;     /* the image's, "" for none */
} ProvCliUpgrade;

void prov_cli_upgrade_free (ProvCliUpgrade *upgrade);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvCliUpgrade, prov_cli_upgrade_free)

typedef struct
{
  char     *state;       /* "idle", "resyncing", "upgrading"; NULL offline */
  GArray   *resyncs;     /* ProvStatusEntry, newest first; strings owned */
  GArray   *upgrades;
  gint64    next_resync; /* wall µs of the armed alarm, 0 = none or offline */
  gint64    next_upgrade_retry; /* wall µs, 0 = none */
  GArray   *schedule;    /* ProvScheduleItem, soonest first */
  gboolean  lines_busy;
  gboolean  customized;
  char     *custom_ca_status; /* "Last provisioning succeeded on …", or NULL */
  char     *custom_ca_error;
  char     *custom_ca_info;   /* "Installed <CN>" / "Not Installed" */
} ProvCliStatus;

ProvCliStatus *prov_cli_status_new  (void);
void           prov_cli_status_free (ProvCliStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvCliStatus, prov_cli_status_free)

typedef struct
{
  char *name;
  char *version;
  char *file;
  char *handles;
} ProvCliPlugin;

void prov_cli_plugin_free (ProvCliPlugin *plugin);

typedef struct _ProvCli ProvCli;

typedef void (*ProvCliProgress) (const char *url, guint64 received, guint64 total,
                                 gpointer user_data);

/* Where the commands go: the state directory itself, or the daemon. Each
 * command is written once against this table. */
typedef struct
{
  /* name → value for the names the caller may see; others are absent. */
  GHashTable    *(*get_parameters)  (ProvCli             *cli,
                                     const char * const  *names,
                                     GError             **error);
  /* (element-type ProvCliParam), sorted by name. */
  GPtrArray     *(*list_parameters) (ProvCli             *cli,
                                     GError             **error);
  /* @values: (element-type ProvCliParam) in order; returns changed names. */
  GStrv          (*set_parameters)  (ProvCli             *cli,
                                     GPtrArray           *values,
                                     GError             **error);
  ProvCliResync *(*resync)          (ProvCli             *cli,
                                     const char          *rule,
                                     ProvCliProgress      progress,
                                     gpointer             user_data,
                                     GError             **error);
  /* @rule NULL = Upgrade_Rule. */
  ProvCliUpgrade *(*upgrade)        (ProvCli             *cli,
                                     const char          *rule,
                                     ProvCliProgress      progress,
                                     gpointer             user_data,
                                     GError             **error);
  /* Hands the code to Profile_Rule's source, then resyncs. */
  ProvCliResync *(*activate)        (ProvCli             *cli,
                                     const char          *code,
                                     ProvCliProgress      progress,
                                     gpointer             user_data,
                                     GError             **error);
  ProvCliStatus *(*get_status)      (ProvCli             *cli,
                                     GError             **error);
  char          *(*expand_rule)     (ProvCli             *cli,
                                     const char          *rule,
                                     GError             **error);
  /* (element-type ProvCliPlugin) */
  GPtrArray     *(*list_plugins)    (ProvCli             *cli,
                                     GError             **error);
  /* PROV_APPLIERS_DESCRIBE_TYPE rows. */
  GVariant      *(*list_appliers)   (ProvCli             *cli,
                                     GError             **error);
} ProvCliBackend;

extern const ProvCliBackend prov_cli_offline_backend;
extern const ProvCliBackend prov_cli_dbus_backend;

struct _ProvCli
{
  /* Options. */
  char                 *state_dir;
  char                 *device_path;
  char                 *plugin_path;
  char                 *address;
  gboolean              system_bus;
  gboolean              session_bus;
  gboolean              json;
  const char           *command; /* the running command's name */

  /* --state-dir given: the offline backend on this context. */
  ProvContext          *context;
  /* Otherwise: the daemon. */
  GDBusConnection      *connection;
  ProvProvisiond1      *proxy;
};

/* A command's handler: argv[0] is the command's name, its own options are
 * parsed already and the number of arguments checked (ProvCliCommandInfo). */
typedef int (*ProvCliCommand) (ProvCli *cli, int argc, char **argv);

/* Where a command works: offline (--state-dir), with the daemon, or both. */
typedef enum
{
  PROV_CLI_OFFLINE = 1 << 0,
  PROV_CLI_DBUS = 1 << 1,
  PROV_CLI_BOTH = PROV_CLI_OFFLINE | PROV_CLI_DBUS,
} ProvCliModes;

/* One entry of provisionctl's command table (provisionctl.c), from which
 * `--help`, each command's `--help` and usage errors come, and against
 * which tests/test-cli-table.sh checks the bash completion and the man
 * page. Adding a command is adding one entry. */
typedef struct
{
  const char         *name;
  const char         *args;     /* synopsis of the arguments: "[RULE]"; NULL = none */
  const char         *summary;  /* N_(): one line for `provisionctl --help` */
  int                 min_args;
  int                 max_args; /* -1 = any number */
  const GOptionEntry *options;  /* the command's own options, or NULL; the
                                 * strings they set are freed after the run */
  ProvCliModes        modes;
  ProvCliCommand      run;
} ProvCliCommandInfo;

/* The backend for the options given, connected or opened on first use. */
const ProvCliBackend *prov_cli_get_backend (ProvCli *cli, GError **error);
/* Opens the state directory on first use (offline commands). */
ProvContext *prov_cli_get_context (ProvCli *cli, GError **error);
/* The daemon's interface (commands that only exist with the daemon). */
ProvProvisiond1 *prov_cli_get_proxy (ProvCli *cli, GError **error);
/* Prints "provisionctl: <error>" and returns the exit code for it. */
/* The error's message in the user's language, when the catalog has it. */
const char  *prov_cli_error_text  (const GError *error);
/* Also --json's {"error": {"code", "message"}} on standard output. */
int          prov_cli_fail        (const GError *error);
/* The failure in the words of @format ("resync failed: %s\n") instead of
 * "provisionctl: <error>", so that a failure is reported once. */
int          prov_cli_fail_as     (const GError *error,
                                   const char   *format,
                                   ...) G_GNUC_PRINTF (2, 3);
/* Wrong usage of the running command: one line naming the problem and the
 * command's --help; returns the exit code 2. */
int          prov_cli_usage       (const char *problem);
/* A progress bar on stderr for long fetches, for a terminal;
 * @user_data: a gboolean set once something was drawn. */
void         prov_cli_draw_progress (const char *url, guint64 received, guint64 total,
                                     gpointer user_data);
/* ISO 8601 in local time, "2024-05-01T10:00:00+02:00", for wall µs: the
 * one date format of provisionctl's text output. */
char        *prov_cli_format_time (gint64 wall_usec);
/* The words of the status, in the user's language (they stay English in
 * --json and on the bus). */
const char  *prov_cli_cause_text   (ProvCause    cause);
const char  *prov_cli_outcome_text (const char  *outcome);
const char  *prov_cli_state_text   (const char  *state);
/* The custom CA's status texts (SPEC §6) and the engine's explanation of a
 * rule, which travel in English, for a person to read. */
char        *prov_cli_custom_ca_status_text (const char *status);
char        *prov_cli_custom_ca_info_text   (const char *info);
char        *prov_cli_explanation_text      (const char *text);
/* One line of a status entry: time, cause, outcome, URL, error. */
char        *prov_cli_format_entry (const ProvStatusEntry *entry);

int prov_cli_cmd_get      (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_set      (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_dump     (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_resync   (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_activate (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_upgrade  (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_status   (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_schedule (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_expand   (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_plugins  (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_appliers (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_monitor  (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_decode   (ProvCli *cli, int argc, char **argv);
int prov_cli_cmd_encode   (ProvCli *cli, int argc, char **argv);

/* The commands' own options (their values live in the command's file). */
extern const GOptionEntry prov_cli_monitor_options[];
extern const GOptionEntry prov_cli_decode_options[];
extern const GOptionEntry prov_cli_encode_options[];
