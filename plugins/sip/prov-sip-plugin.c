/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-engine.h"
#include "prov-error.h"
#include "prov-plugin.h"
#include "prov-trigger.h"

#include "prov-sip-handler.h"
#include "prov-sip-message.h"

/* A trigger that resyncs when an authenticated SIP NOTIFY (Event: resync
 * or check-sync, or XML-Service with a Cisco Execute object) arrives over
 * UDP; see README.md. The protocol work is in
 * ProvSipHandler; this file owns the socket and the settings. */

#define DEFAULT_PORT 5060
/* Datagrams read per wake-up, so that a flood cannot starve the loop. */
#define MAX_PER_DISPATCH 64

#define PROV_TYPE_SIP_PLUGIN (prov_sip_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvSipPlugin, prov_sip_plugin, PROV, SIP_PLUGIN, ProvPlugin)

struct _ProvSipPlugin
{
  ProvPlugin      parent_instance;

  ProvSipHandler *handler;
  GSocket        *socket;
  GSource        *source;
  guint           port;
};

enum
{
  PROP_0,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void prov_sip_plugin_trigger_init (ProvTriggerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvSipPlugin, prov_sip_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_TRIGGER,
                                                      prov_sip_plugin_trigger_init))

static char *
handle (ProvSipPlugin *self, const char *data, gsize len, const char *host, guint16 port)
{
  g_autoptr(GPtrArray) resyncs = NULL;
  char *response;

  response = prov_sip_handler_handle (self->handler, data, len, host, port, &resyncs);
  /* An Execute item's rule without a server (`Resync:/x.cfg`) uses the
   * host that sent the NOTIFY, as the action URLs do. */
  for (guint i = 0; resyncs != NULL && i < resyncs->len; i++)
    {
      const char *rule = g_ptr_array_index (resyncs, i);

      prov_trigger_fire_from (PROV_TRIGGER (self), PROV_TRIGGER_ACTION_RESYNC,
                              PROV_CAUSE_EXPLICIT, rule, rule != NULL ? host : NULL);
    }
  return response;
}

static void
receive_one (ProvSipPlugin *self, const char *buf, gsize len, GSocketAddress *from)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (from);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  guint16 port = g_inet_socket_address_get_port (inet);
  g_autofree char *response = NULL;
  g_autoptr(GError) error = NULL;

  if (len > PROV_SIP_MAX_MESSAGE)
    {
      g_debug ("%s:%u: dropped a datagram over %u bytes", host, port, PROV_SIP_MAX_MESSAGE);
      return;
    }
  response = handle (self, buf, len, host, port);
  /* The answer goes where the request came from (as with rport), never
   * to an address named inside the message. A full buffer drops it. */
  if (response != NULL && self->socket != NULL
      && g_socket_send_to (self->socket, from, response, strlen (response), NULL, &error) < 0)
    g_debug ("%s:%u: response not sent: %s", host, port, error->message);
}

static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  /* A "fired" handler may stop or drop the trigger: hold it meanwhile. */
  g_autoptr(ProvSipPlugin) self = g_object_ref (user_data);
  /* One byte more than accepted, to tell a cut datagram from a full one. */
  char buf[PROV_SIP_MAX_MESSAGE + 1];

  for (guint i = 0; i < MAX_PER_DISPATCH && self->socket == socket; i++)
    {
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive_from (socket, &from, buf, sizeof buf, NULL, &error);

      if (n < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_debug ("receive: %s", error->message);
          break;
        }
      if (from != NULL && G_IS_INET_SOCKET_ADDRESS (from))
        receive_one (self, buf, n, from);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
is_off (const char *address)
{
  const char *off[] = { "", "off", "no", "none", "disabled" };

  if (address == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (off); i++)
    if (g_ascii_strcasecmp (address, off[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
read_port (GKeyFile *keyfile, guint *port, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *text = g_key_file_get_string (keyfile, "sip", "ListenPort", NULL);
  guint64 value;

  if (text == NULL || g_strstrip (text)[0] == '\0')
    {
      *port = DEFAULT_PORT;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT16, &value, &local))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "[sip] ListenPort: %s is not a port (0..65535)", text);
      return FALSE;
    }
  *port = value;
  return TRUE;
}

static gboolean
open_socket (ProvSipPlugin *self, const char *address, guint port, GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) bind_addr = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = NULL;

  if (inet == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "[sip] ListenAddress: %s is not an IP address", address);
      return FALSE;
    }
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_blocking (socket, FALSE);
  bind_addr = g_inet_socket_address_new (inet, port);
  if (!g_socket_bind (socket, bind_addr, FALSE, error))
    return FALSE;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->socket = g_steal_pointer (&socket);
  self->source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->source, G_SOURCE_FUNC (on_readable), self, NULL);
  g_source_set_static_name (self->source, "[provisiond] SIP NOTIFY listener");
  g_source_attach (self->source, g_main_context_get_thread_default ());
  return TRUE;
}

static void
prov_sip_plugin_stop (ProvTrigger *trigger)
{
  ProvSipPlugin *self = PROV_SIP_PLUGIN (trigger);
  gboolean had_port = self->port != 0;

  if (self->source != NULL)
    g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->handler);
  self->port = 0;
  if (had_port)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

static gboolean
prov_sip_plugin_start (ProvTrigger *trigger, ProvEngine *engine, GError **error)
{
  ProvSipPlugin *self = PROV_SIP_PLUGIN (trigger);
  GKeyFile *keyfile = prov_device_get_keyfile (prov_engine_get_device (engine));
  g_autofree char *address = g_key_file_get_string (keyfile, "sip", "ListenAddress", NULL);
  g_autofree char *realm = g_key_file_get_string (keyfile, "sip", "Realm", NULL);
  g_autofree char *username = g_key_file_get_string (keyfile, "sip", "Username", NULL);
  g_autofree char *password = g_key_file_get_string (keyfile, "sip", "Password", NULL);
  guint port = DEFAULT_PORT;

  if (self->handler != NULL)
    return TRUE;
  if (address != NULL)
    g_strstrip (address);
  if (!is_off (address) && !read_port (keyfile, &port, error))
    return FALSE;

  /* Without a listener the handler still serves "handle-message". */
  self->handler = prov_sip_handler_new (prov_engine_get_store (engine), realm);
  prov_sip_handler_set_account (self->handler, username, password);
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  if (is_off (address))
    {
      g_debug ("no [sip] ListenAddress: not listening");
      return TRUE;
    }
  if (!open_socket (self, address, port, error))
    {
      prov_error_convert (error);
      g_prefix_error (error, "SIP NOTIFY listener on %s port %u: ", address, port);
      prov_sip_plugin_stop (trigger);
      return FALSE;
    }
  g_debug ("listening for SIP NOTIFY on %s port %u", address, self->port);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return TRUE;
}

static void
prov_sip_plugin_trigger_init (ProvTriggerInterface *iface)
{
  iface->start = prov_sip_plugin_start;
  iface->stop = prov_sip_plugin_stop;
}

/* "handle-message": for hosts whose own SIP stack receives the NOTIFY. */
static char *
on_handle_message (ProvSipPlugin *self, const char *message, const char *peer)
{
  if (self->handler == NULL || message == NULL)
    return NULL;
  return handle (self, message, strlen (message), peer != NULL ? peer : "local", 0);
}

static void
prov_sip_plugin_dispose (GObject *object)
{
  prov_sip_plugin_stop (PROV_TRIGGER (object));
  G_OBJECT_CLASS (prov_sip_plugin_parent_class)->dispose (object);
}

static void
prov_sip_plugin_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ProvSipPlugin *self = PROV_SIP_PLUGIN (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
prov_sip_plugin_class_init (ProvSipPluginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = prov_sip_plugin_dispose;
  object_class->get_property = prov_sip_plugin_get_property;

  /* The UDP port listened on (ListenPort=0 picks a free one); 0 when not
   * listening. */
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ProvSipPlugin::handle-message:
   * @message: the SIP request, as received
   * @peer: (nullable): the sender's address, for rate limits and logs
   *
   * Handles one request exactly as the listener would, "fired" included.
   * Returns: (transfer full) (nullable): the response to send, or NULL.
   */
  g_signal_new_class_handler ("handle-message", G_TYPE_FROM_CLASS (klass),
                              G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                              G_CALLBACK (on_handle_message), NULL, NULL, NULL,
                              G_TYPE_STRING, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
prov_sip_plugin_init (ProvSipPlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  return g_object_new (PROV_TYPE_SIP_PLUGIN,
                       "name", "sip",
                       "description",
                       "Resync on an authenticated SIP NOTIFY (check-sync, resync, XML-Service)",
                       NULL);
}
