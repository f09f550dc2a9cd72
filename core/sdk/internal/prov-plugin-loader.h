/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-plugin.h"

G_BEGIN_DECLS

/**
 * prov_plugin_load_file:
 * Opens one plugin module, ModemManager style: refuses a file that is
 * group- or world-writable, reads `prov_plugin_abi_major` and
 * `prov_plugin_abi_minor` before anything else and refuses a major other
 * than PROV_PLUGIN_ABI_MAJOR or a minor newer than PROV_PLUGIN_ABI_MINOR,
 * then calls `prov_plugin_create`. A module that created a plugin is made
 * resident: its types are registered and must never be unloaded.
 *
 * Returns: (transfer full): the plugin, or NULL with PROV_ERROR_PLUGIN
 * whose message names the path and the reason
 */
ProvPlugin *prov_plugin_load_file (const char  *path,
                                   GError     **error);

G_END_DECLS
