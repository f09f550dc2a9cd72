/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-appliers.h"
#include "prov-device.h"
#include "prov-engine.h"
#include "prov-registry.h"
#include "prov-schema.h"
#include "prov-status.h"
#include "prov-store.h"

G_BEGIN_DECLS

#define PROV_TYPE_CONTEXT (prov_context_get_type ())
G_DECLARE_FINAL_TYPE (ProvContext, prov_context, PROV, CONTEXT, GObject)

/**
 * ProvContext:
 *
 * Everything a front end (daemon or CLI) opens for one state directory: the
 * schema, the store (`params.db`), the device file (`device.conf` unless
 * named), the plugins, the status (`status.ini`) and the engine.
 *
 * Search paths come from the environment first, for tests and uninstalled
 * runs: PROV_SCHEMA_DIR (schema directories), PROV_PLUGIN_PATH (plugin
 * directories), PROV_PLUGIN_BLOCK (comma list of plugin names not to load).
 */
ProvContext  *prov_context_new           (const char   *state_dir,
                                          const char   *device_path,
                                          const char   *plugin_path,
                                          GError      **error);
const char   *prov_context_get_state_dir (ProvContext  *self);
ProvSchema   *prov_context_get_schema    (ProvContext  *self);
ProvStore    *prov_context_get_store     (ProvContext  *self);
ProvDevice   *prov_context_get_device    (ProvContext  *self);
ProvRegistry *prov_context_get_registry  (ProvContext  *self);
ProvStatus   *prov_context_get_status    (ProvContext  *self);
ProvEngine   *prov_context_get_engine    (ProvContext  *self);
/* The applier plugins; they apply nothing until prov_appliers_start(). */
ProvAppliers *prov_context_get_appliers  (ProvContext  *self);

G_END_DECLS
