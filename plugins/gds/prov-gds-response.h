/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest answer the service may send; more is a broken service. */
#define PROV_GDS_RESPONSE_MAX (64 * 1024)

/* What the service's answer means (README.md, "Responses"): on 200 the
 * parameters to set (Profile_Rule, maybe Upgrade_Rule); otherwise
 * PROV_ERROR_INVALID_CODE, PROV_ERROR_CORRUPT or PROV_ERROR_TRANSPORT. */
GHashTable *prov_gds_response_parse (guint        status,
                                     const char  *body,
                                     gsize        length,
                                     GError     **error);

/* Whether the service has given its final word on the code it was sent,
 * so that the device must not send that code again. */
gboolean    prov_gds_response_is_final (const GError *error);

G_END_DECLS
