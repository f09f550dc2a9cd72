/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"

G_BEGIN_DECLS

/**
 * ProvTransport:
 * A transport fetches URLs of its schemes (tftp, http, file…) as a stream:
 * see #ProvTransportInterface.
 *
 * Since: 1.0
 */
#define PROV_TYPE_TRANSPORT (prov_transport_get_type ())
G_DECLARE_INTERFACE (ProvTransport, prov_transport, PROV, TRANSPORT, GObject)

/**
 * ProvTransportInterface:
 * @stream_async: start fetching prov_fetch_get_url(); hand each piece of the
 *   body to prov_fetch_deliver() as it arrives, in the caller's main
 *   context or a worker thread, never both at once; report progress on
 *   @fetch. The sink is set before this is called.
 * @stream_finish: TRUE once the whole body is delivered (possibly none),
 *   or an error whose code is PROV_ERROR_FILE_NOT_FOUND,
 *   PROV_ERROR_TRANSPORT or PROV_ERROR_CANCELLED and whose message is the
 *   `$ERR` text, or the error prov_fetch_deliver() returned. Nothing is
 *   delivered after the callback. A 304-style "unchanged" answer is a
 *   success with nothing delivered and prov_fetch_set_not_modified() set.
 *
 * Plugin ABI 2 replaced ABI 1's fetch_async/fetch_finish, which handed
 * back the whole payload as one GBytes.
 *
 * Since: 1.0
 */
struct _ProvTransportInterface
{
  GTypeInterface g_iface;

  void     (*stream_async)  (ProvTransport       *self,
                             ProvFetch           *fetch,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
  gboolean (*stream_finish) (ProvTransport       *self,
                             GAsyncResult        *result,
                             GError             **error);

  gpointer padding[8];
};

/**
 * prov_transport_stream_async:
 * @self: the transport
 * @fetch: what to fetch, and how; its sink must be set
 * @cancellable: (nullable): cancels the transfer
 * @callback: (scope async): called when it is over
 * @user_data: (closure): for @callback
 *
 * Fetches the URL of @fetch; the body goes to prov_fetch_get_sink() as it
 * arrives.
 *
 * Since: 1.0
 */
void     prov_transport_stream_async  (ProvTransport       *self,
                                       ProvFetch           *fetch,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/**
 * prov_transport_stream_finish:
 * @self: the transport
 * @result: the result given to the callback
 * @error: return location for a #PROV_ERROR
 *
 * Finishes prov_transport_stream_async(). Nothing is delivered after the
 * callback.
 *
 * Returns: %TRUE once the whole body is delivered, or %FALSE with
 *   %PROV_ERROR_FILE_NOT_FOUND, %PROV_ERROR_TRANSPORT or
 *   %PROV_ERROR_CANCELLED and the `$ERR` text
 *
 * Since: 1.0
 */
gboolean prov_transport_stream_finish (ProvTransport       *self,
                                       GAsyncResult        *result,
                                       GError             **error);

/**
 * prov_transport_fetch_async:
 * @self: the transport
 * @fetch: what to fetch, and how
 * @cancellable: (nullable): cancels the transfer
 * @callback: (scope async): called with the result
 * @user_data: (closure): for @callback
 *
 * For small payloads (a CA certificate, tools, tests): the body collected in
 * memory, within prov_fetch_get_max_size(). Replaces the sink of @fetch.
 *
 * Since: 1.0
 */
void     prov_transport_fetch_async   (ProvTransport       *self,
                                       ProvFetch           *fetch,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/**
 * prov_transport_fetch_finish:
 * @self: the transport
 * @result: the result passed to the callback of prov_transport_fetch_async()
 * @error: return location for a #PROV_ERROR
 *
 * Finishes prov_transport_fetch_async().
 *
 * Returns: (transfer full): the body
 *
 * Since: 1.0
 */
GBytes  *prov_transport_fetch_finish  (ProvTransport       *self,
                                       GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
