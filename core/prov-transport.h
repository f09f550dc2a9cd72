/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"

G_BEGIN_DECLS

#define PROV_TYPE_TRANSPORT (prov_transport_get_type ())
G_DECLARE_INTERFACE (ProvTransport, prov_transport, PROV, TRANSPORT, GObject)

/**
 * ProvTransportInterface:
 * @fetch_async: start fetching prov_fetch_get_url(); report progress on @fetch.
 * @fetch_finish: the payload (possibly empty), or an error whose code is
 *   PROV_ERROR_FILE_NOT_FOUND, PROV_ERROR_TRANSPORT or PROV_ERROR_CANCELLED
 *   and whose message is the `$ERR` text. A 304-style "unchanged" answer is a
 *   success with prov_fetch_set_not_modified() set.
 */
struct _ProvTransportInterface
{
  GTypeInterface g_iface;

  void     (*fetch_async)  (ProvTransport       *self,
                            ProvFetch           *fetch,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
  GBytes * (*fetch_finish) (ProvTransport       *self,
                            GAsyncResult        *result,
                            GError             **error);

  gpointer padding[8];
};

void     prov_transport_fetch_async  (ProvTransport       *self,
                                      ProvFetch           *fetch,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GBytes  *prov_transport_fetch_finish (ProvTransport       *self,
                                      GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
