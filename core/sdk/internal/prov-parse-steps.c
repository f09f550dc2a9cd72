/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-parse-steps.h"

_Thread_local guint64 prov_parse_steps;
