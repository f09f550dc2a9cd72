/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"

G_BEGIN_DECLS

#define PROV_GDS_SETTINGS_GROUP "gds"

/* [gds] ServiceURL, checked: PROV_ERROR_DISABLED when missing,
 * PROV_ERROR_INVALID_ARGS when it is not an https URL. */
char       *prov_gds_service_url          (ProvFetch            *fetch,
                                           GError              **error);

/* One activation exchange: POSTs @code and the device identity to
 * @service_url and reads the answer (prov_gds_response_parse()). */
void        prov_gds_request_async        (ProvFetch            *fetch,
                                           const char           *service_url,
                                           const char           *code,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GHashTable *prov_gds_request_finish       (GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
