/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "prov-fetch.h"

G_BEGIN_DECLS

#define PROV_HTTP_SETTINGS_GROUP "http"

guint            prov_http_setting_seconds       (ProvFetch   *fetch,
                                                  const char  *key,
                                                  guint        default_value);
SoupSession     *prov_http_session_new           (ProvFetch   *fetch);
/* Trust (custom CA files, then the system store) and the device's client
 * certificate (left NULL when it has none). */
gboolean         prov_http_session_setup_tls     (SoupSession      *session,
                                                  ProvFetch        *fetch,
                                                  GTlsCertificate **client_certificate,
                                                  GError          **error);

G_END_DECLS
