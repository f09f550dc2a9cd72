/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-plugin.h"

G_BEGIN_DECLS

#define PROV_TYPE_TFTP_PLUGIN (prov_tftp_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvTftpPlugin, prov_tftp_plugin, PROV, TFTP_PLUGIN, ProvPlugin)

G_END_DECLS
