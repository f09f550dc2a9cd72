/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-plugin.h"

G_BEGIN_DECLS

#define PROV_TYPE_GDS_PLUGIN (prov_gds_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvGdsPlugin, prov_gds_plugin, PROV, GDS_PLUGIN, ProvPlugin)

ProvPlugin *prov_gds_plugin_new (void);

G_END_DECLS
