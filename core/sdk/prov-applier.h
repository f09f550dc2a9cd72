/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-applier-map.h"
#include "prov-device.h"

G_BEGIN_DECLS

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
 *
 * Returns: (transfer full): an empty report (health unknown)
 */
ProvApplyReport *prov_apply_report_new  (void);
void             prov_apply_report_free (ProvApplyReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvApplyReport, prov_apply_report_free)

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
 *   be written or the consumer refuses, PROV_ERROR_CANCELLED.
 *
 * ProvAppliers (prov-appliers.h) calls every enabled applier after each
 * committed change of the store and rolls back on a failed health report.
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

char            *prov_applier_get_target   (ProvApplier          *self,
                                            ProvDevice           *device);
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
 * Returns: (transfer full): the report, or NULL with @error set
 */
ProvApplyReport *prov_applier_apply_finish (ProvApplier          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Helpers for appliers. A setting of the plugin's device-file group, or
 * NULL. */
char            *prov_applier_get_setting  (ProvDevice           *device,
                                            const char           *group,
                                            const char           *key);
/* A Yes/No parameter as phones write it: Yes, yes, true, on, 1. */
gboolean         prov_applier_is_yes       (const char           *value);
/* Runs @command with /bin/sh -c (a ReloadCommand=); fails with the exit
 * status and the command's stderr. */
void             prov_applier_run_command_async  (const char          *command,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         prov_applier_run_command_finish (GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
