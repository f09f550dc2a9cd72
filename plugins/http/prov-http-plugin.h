/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-plugin.h"

G_BEGIN_DECLS

#define PROV_TYPE_HTTP_PLUGIN (prov_http_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvHttpPlugin, prov_http_plugin, PROV, HTTP_PLUGIN, ProvPlugin)

ProvPlugin *prov_http_plugin_new (void);

G_END_DECLS
