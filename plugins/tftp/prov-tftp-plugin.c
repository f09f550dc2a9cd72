/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-tftp-plugin.h"
#include "prov-tftp-transfer.h"
#include "prov-transport.h"

struct _ProvTftpPlugin
{
  ProvPlugin parent_instance;
};

static void prov_tftp_plugin_transport_init (ProvTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvTftpPlugin, prov_tftp_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_TRANSPORT,
                                                      prov_tftp_plugin_transport_init))

static void
prov_tftp_plugin_stream_async (ProvTransport       *transport,
                              ProvFetch           *fetch,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  prov_tftp_transfer_async (transport, fetch, cancellable, callback, user_data);
}

static gboolean
prov_tftp_plugin_stream_finish (ProvTransport *transport, GAsyncResult *result, GError **error)
{
  return prov_tftp_transfer_finish (result, error);
}

static void
prov_tftp_plugin_transport_init (ProvTransportInterface *iface)
{
  iface->stream_async = prov_tftp_plugin_stream_async;
  iface->stream_finish = prov_tftp_plugin_stream_finish;
}

static void
prov_tftp_plugin_class_init (ProvTftpPluginClass *klass)
{
}

static void
prov_tftp_plugin_init (ProvTftpPlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  const char *schemes[] = { "tftp:69", NULL };

  return g_object_new (PROV_TYPE_TFTP_PLUGIN,
                       "name", "tftp",
                       "description", "TFTP (RFC 1350, 2347-2349, 7440)",
                       "schemes", schemes,
                       "priority", 0,
                       NULL);
}
