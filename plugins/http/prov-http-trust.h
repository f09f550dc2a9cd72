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

/* Names the CA files @fetch would trust and their state (stat), without
 * reading them: equal keys, equal trust. */
char          *prov_http_trust_key_for_fetch (ProvFetch           *fetch);
/* Makes the system store of ProvHttpTrust the process's default TLS
 * database (once); see prov-http-trust.c. */
void           prov_http_trust_install_default (void);
/* CA files parsed so far in this process (tests, benchmarks). */
guint          prov_http_trust_get_n_loads   (void);

G_END_DECLS
