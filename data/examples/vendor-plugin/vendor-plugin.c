/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A vendor's protocol plugin, built out of tree against provision-1.pc:
 *
 *   cc -shared -fPIC -o libprov-plugin-vendor.so vendor-plugin.c \
 *      $(pkg-config --cflags --libs provision-1)
 *   install -m 0644 libprov-plugin-vendor.so "$(pkg-config --variable=pluginsdir provision-1)"
 *
 * It handles the made-up scheme vendor:// by answering every fetch with a
 * fixed profile, which is enough to show that a new scheme needs no change
 * to the core. */
#include <string.h>

#include <provision.h>

#define VENDOR_TYPE_PLUGIN (vendor_plugin_get_type ())
G_DECLARE_FINAL_TYPE (VendorPlugin, vendor_plugin, VENDOR, PLUGIN, ProvPlugin)

struct _VendorPlugin
{
  ProvPlugin parent_instance;
};

static void vendor_plugin_transport_init (ProvTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VendorPlugin, vendor_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_TRANSPORT,
                                                      vendor_plugin_transport_init))

/* Plugin ABI 2: the body goes to prov_fetch_deliver() as it arrives (here
 * all at once), and the finish says only whether it all got there. */
static void
vendor_plugin_stream_async (ProvTransport *transport, ProvFetch *fetch, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (transport, cancellable, callback, user_data);
  const char *profile = "<flat-profile><GPP_A>from the vendor plugin</GPP_A></flat-profile>";
  GError *error = NULL;

  prov_fetch_set_server_ip (fetch, "127.0.0.1");
  if (!prov_fetch_deliver (fetch, profile, strlen (profile), cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  prov_fetch_report_progress (fetch, strlen (profile), strlen (profile));
  g_task_return_boolean (task, TRUE);
}

static gboolean
vendor_plugin_stream_finish (ProvTransport *transport, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
vendor_plugin_transport_init (ProvTransportInterface *iface)
{
  iface->stream_async = vendor_plugin_stream_async;
  iface->stream_finish = vendor_plugin_stream_finish;
}

static void
vendor_plugin_class_init (VendorPluginClass *klass)
{
}

static void
vendor_plugin_init (VendorPlugin *self)
{
}

#if defined(VENDOR_WRONG_ABI)
/* What a plugin built for another major ABI looks like to the loader. */
G_MODULE_EXPORT const int prov_plugin_abi_major = 99;
G_MODULE_EXPORT const int prov_plugin_abi_minor = 0;
#elif defined(VENDOR_OLD_ABI)
/* What a plugin built before streaming (ABI 1.1) looks like. */
G_MODULE_EXPORT const int prov_plugin_abi_major = 1;
G_MODULE_EXPORT const int prov_plugin_abi_minor = 1;
#else
PROV_PLUGIN_DEFINE_ABI ();
#endif

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  const char *schemes[] = { "vendor:4242", NULL };

  return g_object_new (VENDOR_TYPE_PLUGIN, "name", "vendor", "description",
                       "Example out-of-tree plugin", "version", "1.0", "schemes", schemes, NULL);
}
