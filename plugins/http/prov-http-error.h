/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GError *prov_http_error_for_status (guint                  status);
/* Turns a GIO, TLS or libsoup error into PROV_ERROR with a `$ERR` text;
 * @tls_flags are the peer-certificate errors seen during the handshake. */
GError *prov_http_error_convert    (const GError          *error,
                                    GTlsCertificateFlags   tls_flags);

G_END_DECLS
