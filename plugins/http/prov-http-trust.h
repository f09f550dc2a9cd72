/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"

G_BEGIN_DECLS

#define PROV_TYPE_HTTP_TRUST (prov_http_trust_get_type ())
G_DECLARE_FINAL_TYPE (ProvHttpTrust, prov_http_trust, PROV, HTTP_TRUST, GTlsDatabase)

ProvHttpTrust *prov_http_trust_new           (const char * const  *ca_paths,
                                              GError             **error);
ProvHttpTrust *prov_http_trust_new_for_fetch (ProvFetch           *fetch,
                                              GError             **error);

G_END_DECLS
