/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-plugin-role.h"
#include "prov-transport.h"

G_DEFINE_INTERFACE (ProvTransport, prov_transport, G_TYPE_OBJECT)

static void
prov_transport_default_init (ProvTransportInterface *iface)
{
  prov_plugin_role_set (iface, "transport");
}

void
prov_transport_stream_async (ProvTransport       *self,
                             ProvFetch           *fetch,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  ProvTransportInterface *iface;

  g_return_if_fail (PROV_IS_TRANSPORT (self));
  g_return_if_fail (PROV_IS_FETCH (fetch));
  g_return_if_fail (prov_fetch_get_sink (fetch) != NULL);

  iface = PROV_TRANSPORT_GET_IFACE (self);
  if (iface->stream_async == NULL || iface->stream_finish == NULL)
    {
      g_task_report_new_error (self, callback, user_data, prov_transport_stream_async,
                               PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                               "%s does not implement fetch", G_OBJECT_TYPE_NAME (self));
      return;
    }
  iface->stream_async (self, fetch, cancellable, callback, user_data);
}

gboolean
prov_transport_stream_finish (ProvTransport  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (PROV_IS_TRANSPORT (self), FALSE);

  if (g_async_result_is_tagged (result, prov_transport_stream_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return PROV_TRANSPORT_GET_IFACE (self)->stream_finish (self, result, error);
}

static void
on_streamed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ProvFetch *fetch = g_task_get_task_data (task);
  GOutputStream *sink = prov_fetch_get_sink (fetch);
  GError *error = NULL;

  if (!prov_transport_stream_finish (PROV_TRANSPORT (source), res, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_output_stream_close (sink, NULL, NULL);
  g_task_return_pointer (task,
                         g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink)),
                         (GDestroyNotify) g_bytes_unref);
}

void
prov_transport_fetch_async (ProvTransport       *self,
                            ProvFetch           *fetch,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  GTask *task;

  g_return_if_fail (PROV_IS_TRANSPORT (self));
  g_return_if_fail (PROV_IS_FETCH (fetch));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_transport_fetch_async);
  /* Errors are PROV_ERROR, cancellation included. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_object_ref (fetch), g_object_unref);
  prov_fetch_set_sink (fetch, sink);
  prov_transport_stream_async (self, fetch, cancellable, on_streamed, task);
}

GBytes *
prov_transport_fetch_finish (ProvTransport  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
