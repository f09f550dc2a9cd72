/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest CA file accepted: a bundle of roots, not a download. */
#define PROV_CUSTOM_CA_MAX_SIZE (1024 * 1024)

/* Checking custom CA certificates (prov-custom-ca.c) with a GnuTLS that is
 * loaded on first use: a process that never installs a custom CA does not
 * load GnuTLS and its seven libraries (see prov-ca-certs.c). */

/* The certificates of @data (PEM certificates, text around them allowed,
 * or one DER certificate) as PEM, each a CA valid now; @cn: the first
 * one's common name. Errors: PROV_ERROR_CORRUPT (`corrupt file: …`),
 * PROV_ERROR_TRANSPORT (`too large`), PROV_ERROR_NOT_SUPPORTED (GnuTLS
 * cannot be loaded). */
GBytes *prov_ca_certs_to_pem     (GBytes   *data,
                                  char    **cn,
                                  GError  **error);
/* The first certificate's common name, unchecked; NULL when @data holds
 * no certificate. */
char   *prov_ca_certs_first_name (GBytes   *data,
                                  GError  **error);

G_END_DECLS
