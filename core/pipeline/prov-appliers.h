/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-applier.h"
#include "prov-engine.h"

G_BEGIN_DECLS

#define PROV_TYPE_APPLIERS (prov_appliers_get_type ())
G_DECLARE_FINAL_TYPE (ProvAppliers, prov_appliers, PROV, APPLIERS, GObject)

/**
 * ProvAppliers:
 *
 * Hands the committed parameter view to every applier plugin whose
 * device-file group says Enabled=true, after each change of the store (a
 * committed resync, a `set` over D-Bus or the CLI), one change at a time.
 *
 * When an applier's health report says that a line registered before
 * (in this process or an earlier one: status keeps applier-NAME-registered)
 * failed with the new values, the previous values of the changed names are
 * restored at once (store, then the consumers' files through the appliers
 * again), the rollback is recorded in status (keys rollback-time and
 * rollback-reason), the engine is told not to apply the same profile again
 * until it changes, and "rolled-back" is emitted. Without a health report
 * nothing is rolled back.
 *
 * Signals:
 * - "applied" (const char *applier, gboolean ok, const char *detail)
 * - "rolled-back" (const char *reason, const char *log_text): @log_text is
 *   Log_Rollback_Msg expanded ($ERR = @reason), NULL when that is empty
 * - "idle": no apply runs or waits (tests and `provisionctl` wait on it)
 */
ProvAppliers *prov_appliers_new      (ProvEngine    *engine);
/* Connects to the store; applies now when @apply_now (start-up). */
void          prov_appliers_start    (ProvAppliers  *self,
                                      gboolean       apply_now);
gboolean      prov_appliers_is_busy  (ProvAppliers  *self);

/* One row per applier plugin: name, enabled, target, last result ("ok",
 * "registered", "failed: …", "rolled back: …", "" = never applied) and
 * the time of that result (wall-clock µs, 0 = never). */
GVariant     *prov_appliers_describe (ProvAppliers  *self);
#define PROV_APPLIERS_DESCRIBE_TYPE "a(sbssx)"

G_END_DECLS
