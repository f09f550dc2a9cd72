/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-transport.h"

G_DEFINE_INTERFACE (ProvTransport, prov_transport, G_TYPE_OBJECT)

static void
prov_transport_default_init (ProvTransportInterface *iface)
{
}

void
prov_transport_fetch_async (ProvTransport       *self,
                            ProvFetch           *fetch,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  ProvTransportInterface *iface;

  g_return_if_fail (PROV_IS_TRANSPORT (self));
  g_return_if_fail (PROV_IS_FETCH (fetch));

  iface = PROV_TRANSPORT_GET_IFACE (self);
  if (iface->fetch_async == NULL || iface->fetch_finish == NULL)
    {
      g_task_report_new_error (self, callback, user_data, prov_transport_fetch_async,
                               PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                               "%s does not implement fetch", G_OBJECT_TYPE_NAME (self));
      return;
    }
  iface->fetch_async (self, fetch, cancellable, callback, user_data);
}

GBytes *
prov_transport_fetch_finish (ProvTransport  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (PROV_IS_TRANSPORT (self), NULL);

  if (g_async_result_is_tagged (result, prov_transport_fetch_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PROV_TRANSPORT_GET_IFACE (self)->fetch_finish (self, result, error);
}
