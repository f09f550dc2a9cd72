/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The plugin SDK: everything a plugin needs from libprovision, and only
 * that, and the client API for applications (prov-client.h); every header
 * here is installed, every function they declare is exported (see
 * core/sdk/libprovision.symbols). Link plugins with
 * -Wl,--version-script=plugin.map (pkg-config --variable=plugin_map
 * provision-1), so that a plugin exports its ABI versions and entry point
 * only. */
#include "prov-abi.h"
#include "prov-applier.h"
#include "prov-atomic-file.h"
#include "prov-codec.h"
#include "prov-device.h"
#include "prov-error.h"
#include "prov-execute.h"
#include "prov-fetch.h"
#include "prov-host.h"
#include "prov-installer.h"
#include "prov-limiter.h"
#include "prov-plugin.h"
#include "prov-registry.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"
#include "prov-source.h"
#include "prov-transport.h"
#include "prov-trigger.h"
#include "prov-types.h"
