/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Everything a plugin or a front end needs from libprovision. */
#include "prov-abi.h"
#include "prov-codec.h"
#include "prov-condition.h"
#include "prov-device.h"
#include "prov-error.h"
#include "prov-fetch.h"
#include "prov-macro.h"
#include "prov-plugin.h"
#include "prov-profile.h"
#include "prov-rule.h"
#include "prov-schedule.h"
#include "prov-schema.h"
#include "prov-source.h"
#include "prov-store.h"
#include "prov-transport.h"
#include "prov-trigger.h"
#include "prov-types.h"
