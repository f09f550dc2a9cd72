/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-http-cache.h"
#include "prov-http-plugin.h"
#include "prov-http-transfer.h"
#include "prov-transport.h"

/* The http and https transport, on libsoup 3 (TLS by glib-networking). */
struct _ProvHttpPlugin
{
  ProvPlugin     parent_instance;

  ProvHttpCache *cache;
};

static void prov_http_plugin_transport_init (ProvTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvHttpPlugin, prov_http_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_TRANSPORT,
                                                      prov_http_plugin_transport_init))

static void
prov_http_plugin_stream_async (ProvTransport       *transport,
                              ProvFetch           *fetch,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ProvHttpPlugin *self = PROV_HTTP_PLUGIN (transport);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, prov_http_plugin_stream_async);
  prov_http_transfer_start (task, self->cache, fetch);
}

static gboolean
prov_http_plugin_stream_finish (ProvTransport  *transport,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
prov_http_plugin_transport_init (ProvTransportInterface *iface)
{
  iface->stream_async = prov_http_plugin_stream_async;
  iface->stream_finish = prov_http_plugin_stream_finish;
}

static void
prov_http_plugin_finalize (GObject *object)
{
  g_clear_object (&PROV_HTTP_PLUGIN (object)->cache);
  G_OBJECT_CLASS (prov_http_plugin_parent_class)->finalize (object);
}

static void
prov_http_plugin_class_init (ProvHttpPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_http_plugin_finalize;
}

static void
prov_http_plugin_init (ProvHttpPlugin *self)
{
  self->cache = prov_http_cache_new ();
}

ProvPlugin *
prov_http_plugin_new (void)
{
  static const char *const schemes[] = { "http:80", "https:443", NULL };

  return g_object_new (PROV_TYPE_HTTP_PLUGIN,
                       "name", "http",
                       "description", "HTTP and HTTPS transport (libsoup)",
                       "schemes", schemes,
                       NULL);
}
