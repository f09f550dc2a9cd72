/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"
#include "prov-http-cache.h"

G_BEGIN_DECLS

/* Runs one fetch, delivering the body to @fetch's sink as it arrives, and
 * returns TRUE (or a PROV_ERROR) on @task, whose reference it takes over. */
void prov_http_transfer_start (GTask         *task,
                               ProvHttpCache *cache,
                               ProvFetch     *fetch);

G_END_DECLS
