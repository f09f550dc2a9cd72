/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-applier-map.h"
#include "prov-device.h"

G_BEGIN_DECLS

/**
 * ProvApplierHealth:
 * @PROV_APPLIER_HEALTH_UNKNOWN: no health report: never rolled back
 * @PROV_APPLIER_HEALTH_OK: the consumer runs with the new configuration
 * @PROV_APPLIER_HEALTH_FAILED: the consumer failed with it: roll back
 *
 * What a consumer said after it took a new configuration.
 *
 * Since: 1.0
 */
typedef enum
{
  PROV_APPLIER_HEALTH_UNKNOWN, /* no health report: never rolled back */
  PROV_APPLIER_HEALTH_OK,
  PROV_APPLIER_HEALTH_FAILED,
} ProvApplierHealth;

/**
 * ProvApplyReport:
 * @health: what the consumer said after it took the new configuration
 * @registered: bit n-1 set: line n registered within the wait
 * @failed: bit n-1 set: line n failed to register (or did not within the wait)
 * @detail: (nullable): for status and logs, never a secret
 *   ("line 1: 401 Unauthorized")
 *
 * What an applier reports after an apply: prov_applier_apply_finish().
 *
 * Since: 1.0
 */
typedef struct
{
  ProvApplierHealth health;
  guint64           registered;
  guint64           failed;
  char             *detail;
} ProvApplyReport;

/**
 * prov_apply_report_new: (skip)
 * A report for an applier to fill in.
 *
 * Returns: (transfer full): an empty report (health unknown)
 *
 * Since: 1.0
 */
ProvApplyReport *prov_apply_report_new  (void);
/**
 * prov_apply_report_free:
 * @report: (nullable): a report
 *
 * Frees @report.
 *
 * Since: 1.0
 */
void             prov_apply_report_free (ProvApplyReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvApplyReport, prov_apply_report_free)

/**
 * ProvApplier:
 * An applier renders the parameters into a consumer's configuration (a SIP
 * user agent's files) and makes the running consumer take it: see
 * #ProvApplierInterface.
 *
 * Since: 1.0
 */
#define PROV_TYPE_APPLIER (prov_applier_get_type ())
G_DECLARE_INTERFACE (ProvApplier, prov_applier, PROV, APPLIER, GObject)

/**
 * ProvApplierInterface:
 * @get_target: what the applier writes for @device (a file or folder), for
 *   `provisionctl appliers`; NULL when its group does not say
 * @apply_async: render the consumer's configuration from @params (the
 *   committed parameter view, name → value, secrets included) through
 *   @map, write it atomically with mode 0600 and make the running consumer
 *   take it. @changed: the names that changed since the last apply (all
 *   names on the first). @device gives the plugin its settings: the group
 *   named like the plugin ([baresip]), which the core has found Enabled.
 * @apply_finish: the report, or an error: PROV_ERROR_INVALID_VALUE when
 *   the plugin's settings are wrong, PROV_ERROR_FAILED when a file cannot
 *   be written or the consumer refuses, PROV_ERROR_CANCELLED. The default
 *   (since plugin ABI 2.2) returns the pointer of a #GTask, so an applier
 *   whose apply_async completes with g_task_return_pointer() or hands its
 *   callback to prov_applier_write_async() needs none.
 *
 * ProvAppliers (prov-appliers.h) calls every enabled applier after each
 * committed change of the store and rolls back on a failed health report.
 *
 * Since: 1.0
 */
struct _ProvApplierInterface
{
  GTypeInterface g_iface;

  char            *(*get_target)   (ProvApplier          *self,
                                    ProvDevice           *device);
  void             (*apply_async)  (ProvApplier          *self,
                                    ProvDevice           *device,
                                    ProvApplierMap       *map,
                                    GHashTable           *params,
                                    const char * const   *changed,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  ProvApplyReport *(*apply_finish) (ProvApplier          *self,
                                    GAsyncResult         *result,
                                    GError              **error);

  gpointer padding[8];
};

/**
 * prov_applier_get_target:
 * @self: the applier
 * @device: the device, for the applier's settings
 *
 * Gets what the applier writes (a file or folder), for `provisionctl appliers`.
 *
 * Returns: (transfer full) (nullable): what the applier writes (a file or
 *   folder), for `provisionctl appliers`; %NULL when its group does not say
 *
 * Since: 1.0
 */
char            *prov_applier_get_target   (ProvApplier          *self,
                                            ProvDevice           *device);
/**
 * prov_applier_apply_async:
 * @self: the applier
 * @device: the device, for the applier's settings (its own group)
 * @map: how parameters map to the consumer's keys
 * @params: (element-type utf8 utf8): the committed parameters, name → value,
 *   secrets included
 * @changed: (array zero-terminated=1): the names that changed since the last
 *   apply (all names on the first)
 * @cancellable: (nullable): cancels the apply
 * @callback: (scope async): called when the apply is over
 * @user_data: (closure): for @callback
 *
 * Renders the consumer's configuration and makes the running consumer take
 * it (#ProvApplierInterface.apply_async).
 *
 * Since: 1.0
 */
void             prov_applier_apply_async  (ProvApplier          *self,
                                            ProvDevice           *device,
                                            ProvApplierMap       *map,
                                            GHashTable           *params,
                                            const char * const   *changed,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
/**
 * prov_applier_apply_finish: (skip)
 * @self: the applier
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes prov_applier_apply_async().
 *
 * Returns: (transfer full): the report, or NULL with @error set
 *
 * Since: 1.0
 */
ProvApplyReport *prov_applier_apply_finish (ProvApplier          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/**
 * prov_applier_get_setting:
 * @device: the device
 * @group: the plugin's group of the device file
 * @key: the key
 *
 * A helper for appliers: a setting of the plugin's device-file group,
 * trimmed.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when it is
 *   missing or empty
 *
 * Since: 1.0
 */
char            *prov_applier_get_setting  (ProvDevice           *device,
                                            const char           *group,
                                            const char           *key);
/**
 * prov_applier_is_yes:
 * @value: (nullable): a parameter value
 *
 * A helper for appliers: a Yes/No parameter as phones write it.
 *
 * Returns: whether @value is Yes, yes, true, on or 1
 *
 * Since: 1.0
 */
gboolean         prov_applier_is_yes       (const char           *value);
/**
 * prov_applier_run_command_async:
 * @command: a shell command (a ReloadCommand=)
 * @cancellable: (nullable): cancels the wait (and kills the command)
 * @callback: (scope async): called when the command is over
 * @user_data: (closure): for @callback
 *
 * A helper for appliers: runs @command with `/bin/sh -c`.
 *
 * Since: 1.0
 */
void             prov_applier_run_command_async  (const char          *command,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/**
 * prov_applier_run_command_finish:
 * @result: the result given to the callback
 * @error: return location for a #PROV_ERROR
 *
 * Finishes prov_applier_run_command_async().
 *
 * Returns: %TRUE when the command exited with 0, else %FALSE with an error
 *   giving the exit status and the command's stderr
 *
 * Since: 1.0
 */
gboolean         prov_applier_run_command_finish (GAsyncResult        *result,
                                                  GError             **error);

/**
 * prov_applier_write_file:
 * @path: the consumer's file
 * @text: what it gets; its bytes are wiped once written (or not), since a
 *   consumer's configuration holds passwords
 * @error: return location for an error
 *
 * Writes @text to @path atomically with mode 0600, creating the folder
 * (mode 0700) when it is missing.
 *
 * Returns: TRUE, or FALSE with PROV_ERROR_FAILED naming the file
 *
 * Since: 1.0
 */
gboolean         prov_applier_write_file   (const char           *path,
                                            GString              *text,
                                            GError              **error);
/**
 * prov_applier_write_async:
 * @self: the applier, the source object of the result
 * @path: the consumer's file
 * @text: what it gets; wiped as by prov_applier_write_file()
 * @reload_command: (nullable): the plugin's ReloadCommand=, run after the
 *   write as by prov_applier_run_command_async()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * The common end of an apply_async that has rendered its one file: write
 * it (prov_applier_write_file()), then run @reload_command when set. An
 * apply_async may pass its own @callback, since prov_applier_apply_finish()
 * gives the result: an empty report (health unknown), or the error of the
 * write or the command.
 *
 * Since: 1.0
 */
void             prov_applier_write_async  (ProvApplier          *self,
                                            const char           *path,
                                            GString              *text,
                                            const char           *reload_command,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);

G_END_DECLS
