/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"

G_BEGIN_DECLS

/* One TFTP read request for prov_fetch_get_url(), run on the caller's
 * thread-default main context; each block in sequence goes to the
 * fetch's sink as it arrives. */
void    prov_tftp_transfer_async  (gpointer              source_object,
                                   ProvFetch            *fetch,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean prov_tftp_transfer_finish (GAsyncResult        *result,
                                   GError              **error);

G_END_DECLS
