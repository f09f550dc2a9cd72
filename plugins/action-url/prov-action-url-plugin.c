/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>
#include <libxml/parser.h>

#include <provision.h>

#include "prov-action-url-auth.h"
#include "prov-action-url-guard.h"
#include "prov-action-url-query.h"
#include "prov-action-url-xml.h"

/* The phone's HTTP admin endpoint (direct action URLs and Cisco's
 * /CGI/Execute), off unless [action-url] Listen is set; see README.md. */

#define MAX_BODY (64 * 1024)
/* An oversized body is read (and dropped) up to here so that the client
 * gets its 413; beyond, the connection is shut. */
#define DRAIN_LIMIT (1024 * 1024)
#define LISTEN_BACKLOG 128

#define PROV_TYPE_ACTION_URL_PLUGIN (prov_action_url_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvActionUrlPlugin, prov_action_url_plugin, PROV, ACTION_URL_PLUGIN,
                      ProvPlugin)

struct _ProvActionUrlPlugin
{
  ProvPlugin         parent_instance;

  ProvStore         *store;
  ProvStatus        *status;
  ProvActionUrlAuth *auth;
  ProvActionUrlGuard *guard;
  ProvActionUrlLimits limits;
  SoupServer        *server;
  guint              port;
};

enum
{
  PROP_0,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void prov_action_url_plugin_trigger_init (ProvTriggerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvActionUrlPlugin, prov_action_url_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_TRIGGER,
                                                      prov_action_url_plugin_trigger_init))

/* What we keep of one request's body: at most MAX_BODY bytes. */
typedef struct
{
  GByteArray *body;
  guint64     received;
  gboolean    oversized;
  gboolean    shut;
} Request;

static void
request_free (gpointer data)
{
  Request *req = data;

  g_clear_pointer (&req->body, g_byte_array_unref);
  g_free (req);
}

static GQuark
request_quark (void)
{
  return g_quark_from_static_string ("prov-action-url-request");
}

static Request *
get_request (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), request_quark ());
}

static void
reply (SoupServerMessage *msg, guint status, const char *content_type, GBytes *body)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, len);
}

static void
reply_text (SoupServerMessage *msg, guint status, const char *text)
{
  g_autofree char *line = g_strconcat (text, "\n", NULL);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, line, strlen (line));
}

static void
reply_not_allowed (SoupServerMessage *msg, const char *allow)
{
  reply_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method not allowed");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
}

static void
reply_too_large (SoupServerMessage *msg)
{
  reply_text (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "request body too large");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
}

static void
reply_too_many_failures (SoupServerMessage *msg, guint retry_after_s)
{
  g_autofree char *retry = g_strdup_printf ("%u", retry_after_s);

  reply_text (msg, 429, "too many failed logins: try again later"); /* RFC 6585 */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                retry);
}

/* Whether the request tries a password (not a first request that waits
 * for its challenge). */
static gboolean
has_credentials (SoupServerMessage *msg, const ProvActionUrlQuery *query)
{
  return (query != NULL && prov_action_url_query_has_credentials (query))
         || soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                          "Authorization") != NULL;
}

static gboolean
is_method (SoupServerMessage *msg, const char *method)
{
  return g_strcmp0 (soup_server_message_get_method (msg), method) == 0;
}

static gboolean
check_rule (const char *rule, ProvTriggerAction action, GError **error)
{
  g_autoptr(ProvRule) parsed = NULL;

  /* Upgrade_Rule has the grammar of Profile_Rule, options included. */
  parsed = prov_rule_parse (rule, error);
  if (parsed == NULL)
    g_prefix_error (error, "invalid rule: ");
  return parsed != NULL;
}

static gboolean
check_enabled (ProvActionUrlPlugin *self, SoupServerMessage *msg, ProvTriggerAction action)
{
  if (action == PROV_TRIGGER_ACTION_UPGRADE && !prov_store_get_bool (self->store, "Upgrade_Enable"))
    {
      reply_text (msg, SOUP_STATUS_FORBIDDEN, "upgrades are disabled (Upgrade_Enable)");
      return FALSE;
    }
  if (action == PROV_TRIGGER_ACTION_RESYNC
      && !prov_store_get_bool (self->store, "Provision_Enable"))
    {
      reply_text (msg, SOUP_STATUS_FORBIDDEN, "provisioning is disabled (Provision_Enable)");
      return FALSE;
    }
  return TRUE;
}

/* GET /admin/resync?<rule> and /admin/upgrade?<rule> */
static void
handle_action (ProvActionUrlPlugin *self, SoupServerMessage *msg, ProvActionUrlQuery *query,
               ProvTriggerAction action)
{
  g_autoptr(GError) error = NULL;
  const char *rule = g_strstrip (query->argument);

  if (!is_method (msg, SOUP_METHOD_GET))
    {
      reply_not_allowed (msg, "GET");
      return;
    }
  if (!check_enabled (self, msg, action))
    return;
  if (rule[0] == '\0')
    rule = NULL;
  if (rule != NULL && !check_rule (rule, action, &error))
    {
      reply_text (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  /* `/admin/resync?/x.cfg`: a rule without a host uses the one that asked. */
  prov_trigger_fire_from (PROV_TRIGGER (self), action, PROV_CAUSE_EXPLICIT, rule,
                          prov_action_url_guard_get_peer (msg));
  reply_text (msg, SOUP_STATUS_OK, action == PROV_TRIGGER_ACTION_RESYNC ? "resync requested"
                                                                          : "upgrade requested");
}

static void
handle_status (ProvActionUrlPlugin *self, SoupServerMessage *msg)
{
  g_autoptr(GBytes) doc = NULL;

  if (!is_method (msg, SOUP_METHOD_GET) && !is_method (msg, SOUP_METHOD_HEAD))
    {
      reply_not_allowed (msg, "GET, HEAD");
      return;
    }
  doc = prov_action_url_status_document (self->status);
  reply (msg, SOUP_STATUS_OK, "text/xml", doc);
}

static void
reply_execute_error (SoupServerMessage *msg, const char *reason)
{
  g_autoptr(GBytes) doc = prov_action_url_execute_error (reason);

  reply (msg, SOUP_STATUS_BAD_REQUEST, "text/xml", doc);
}

/* POST /CGI/Execute: every item (its rule too) is checked before any is fired. */
static void
handle_execute (ProvActionUrlPlugin *self, SoupServerMessage *msg, Request *req)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) doc = NULL;

  if (!is_method (msg, SOUP_METHOD_POST))
    {
      reply_not_allowed (msg, "POST");
      return;
    }
  if (!check_enabled (self, msg, PROV_TRIGGER_ACTION_RESYNC))
    return;
  items = prov_action_url_execute_parse (req->body != NULL ? (const char *) req->body->data : "",
                                         req->body != NULL ? req->body->len : 0, &error);
  if (items == NULL)
    {
      reply_execute_error (msg, error->message);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      ProvExecuteItem *item = g_ptr_array_index (items, i);

      prov_trigger_fire_from (PROV_TRIGGER (self), PROV_TRIGGER_ACTION_RESYNC,
                              PROV_CAUSE_EXPLICIT, item->rule,
                              prov_action_url_guard_get_peer (msg));
    }
  doc = prov_action_url_execute_response (items);
  reply (msg, SOUP_STATUS_OK, "text/xml", doc);
}

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *form,
            gpointer user_data)
{
  ProvActionUrlPlugin *self = user_data;
  Request *req = get_request (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(ProvActionUrlQuery) query = NULL;
  g_autoptr(GError) error = NULL;

  /* A connection over a cap (already answered 503 and shut) whose request
   * was in before the shutdown. */
  if (req == NULL)
    {
      reply_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "too many connections");
      return;
    }
  query = prov_action_url_query_parse (raw_query, &error);
  if (query == NULL)
    {
      reply_text (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  switch (prov_action_url_auth_check (self->auth, msg, query))
    {
    case PROV_ACTION_URL_AUTH_NO_PASSWORD:
      reply_text (msg, SOUP_STATUS_FORBIDDEN, "no admin password is set (Admin_Passwd)");
      return;
    case PROV_ACTION_URL_AUTH_DENIED:
      if (has_credentials (msg, query))
        prov_action_url_guard_login_failed (self->guard, msg);
      reply_text (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
      prov_action_url_auth_challenge (self->auth, msg);
      return;
    case PROV_ACTION_URL_AUTH_OK:
    default:
      break;
    }
  if (req->oversized)
    {
      reply_too_large (msg);
      return;
    }

  if (strcmp (path, "/admin/resync") == 0)
    handle_action (self, msg, query, PROV_TRIGGER_ACTION_RESYNC);
  else if (strcmp (path, "/admin/upgrade") == 0)
    handle_action (self, msg, query, PROV_TRIGGER_ACTION_UPGRADE);
  else if (strcmp (path, "/admin/status") == 0)
    handle_status (self, msg);
  else if (strcmp (path, "/CGI/Execute") == 0)
    handle_execute (self, msg, req);
  else if (strcmp (path, "/admin/reboot") == 0)
    reply_text (msg, SOUP_STATUS_NOT_IMPLEMENTED, "reboot is not supported");
  else
    reply_text (msg, SOUP_STATUS_NOT_FOUND, "not found");
}

/* After libsoup's own handler: authentication is decided by now. */
static void
on_got_headers (SoupServerMessage *msg, gpointer user_data)
{
  ProvActionUrlPlugin *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Request *req = get_request (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(ProvActionUrlQuery) query = prov_action_url_query_parse (raw_query, NULL);
  guint retry_after_s = 0;

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (self->auth == NULL) /* stopped */
    return;
  /* Before anything says whether the password was right, so that a
   * source over its budget learns nothing from its guesses. */
  if (has_credentials (msg, query)
      && !prov_action_url_guard_may_login (self->guard, msg, &retry_after_s))
    {
      g_debug ("%s: too many failed logins: refused", prov_action_url_guard_get_peer (msg));
      reply_too_many_failures (msg, retry_after_s);
      return;
    }
  if (soup_server_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
    {
      /* The Digest domain refused the answer. */
      if (has_credentials (msg, query))
        prov_action_url_guard_login_failed (self->guard, msg);
      prov_action_url_auth_challenge (self->auth, msg);
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > MAX_BODY)
    {
      req->oversized = TRUE;
      /* Before the body, so that a client that sent Expect: 100-continue
       * never sends it. */
      if (soup_server_message_get_status (msg) == 0)
        reply_too_large (msg);
    }
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  Request *req = get_request (msg);
  gsize len = g_bytes_get_size (chunk);

  req->received += len;
  if (req->received <= MAX_BODY)
    {
      if (req->body == NULL)
        req->body = g_byte_array_new ();
      g_byte_array_append (req->body, g_bytes_get_data (chunk, NULL), len);
      return;
    }
  req->oversized = TRUE;
  g_clear_pointer (&req->body, g_byte_array_unref);
  if (req->received > DRAIN_LIMIT && !req->shut)
    {
      g_debug ("%s: body over %u bytes, closing", prov_action_url_guard_get_peer (msg),
               DRAIN_LIMIT);
      prov_action_url_guard_shut (msg);
      req->shut = TRUE;
    }
}

static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  ProvActionUrlPlugin *self = user_data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);

  /* One request per connection (see ProvActionUrlGuard). */
  soup_message_headers_replace (response_headers, "Connection", "close");
  if (self->guard == NULL || !prov_action_url_guard_admit (self->guard, msg))
    return;
  g_object_set_qdata_full (G_OBJECT (msg), request_quark (), g_new0 (Request, 1), request_free);
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (on_got_headers), self, 0);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (on_got_chunk), self, 0);
  soup_message_headers_replace (response_headers, "Cache-Control", "no-store");
}

/* One line per request; never the query (a password or a key may be in
 * it) nor any header. */
static void
on_request_finished (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *path = g_strescape (uri != NULL ? g_uri_get_path (uri) : "?", NULL);

  g_debug ("%s: %s %s: %u", prov_action_url_guard_get_peer (msg),
           method != NULL ? method : "?", path, soup_server_message_get_status (msg));
}

static gboolean
is_off (const char *listen)
{
  return listen == NULL || listen[0] == '\0' || g_ascii_strcasecmp (listen, "off") == 0
         || g_ascii_strcasecmp (listen, "no") == 0;
}

/* "address:port", "[v6-address]:port", or a bare port for loopback only;
 * @address is NULL for the last. Addresses are IP literals: no DNS. */
static gboolean
parse_listen (const char *listen, GInetAddress **address, guint *port, GError **error)
{
  g_autofree char *host = NULL;
  const char *port_text = listen;
  guint64 value;

  *address = NULL;
  if (listen[0] == '[')
    {
      const char *end = strchr (listen, ']');

      if (end != NULL && end[1] == ':')
        {
          host = g_strndup (listen + 1, end - listen - 1);
          port_text = end + 2;
        }
    }
  else if (strchr (listen, ':') != NULL)
    {
      const char *colon = strrchr (listen, ':');

      host = g_strndup (listen, colon - listen);
      port_text = colon + 1;
    }
  /* An IPv6 address must be bracketed: "::1:80" would be ambiguous. */
  if (host != NULL && (listen[0] == '[' || strchr (host, ':') == NULL))
    *address = g_inet_address_new_from_string (host);
  if ((host != NULL && *address == NULL)
      || !g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &value, NULL))
    {
      g_clear_object (address);
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "[action-url] Listen: %s is not address:port, [address]:port or a port",
                   listen);
      return FALSE;
    }
  *port = value;
  return TRUE;
}

static gboolean
listen_on (ProvActionUrlPlugin *self, GInetAddress *address, guint port, GError **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *listeners;

  if (address == NULL)
    {
      if (!soup_server_listen_local (self->server, port, 0, error))
        return FALSE;
    }
  else
    {
      socket_address = g_inet_socket_address_new (address, port);
      if (!soup_server_listen (self->server, socket_address, 0, error))
        return FALSE;
    }
  listeners = soup_server_get_listeners (self->server);
  /* libsoup's backlog of 10 drops the connections of a burst (each then
   * waits a second to retry); listen(2) on a listening socket changes its
   * backlog (GLib refuses to). The caps close what is over them as soon
   * as it is accepted. */
  for (GSList *l = listeners; l != NULL; l = l->next)
    if (listen (g_socket_get_fd (l->data), LISTEN_BACKLOG) != 0)
      g_debug ("listen backlog: %s", g_strerror (errno));
  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);

      if (local != NULL)
        self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  return TRUE;
}

static void
prov_action_url_plugin_stop (ProvTrigger *trigger)
{
  ProvActionUrlPlugin *self = PROV_ACTION_URL_PLUGIN (trigger);
  gboolean had_port = self->port != 0;

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      soup_server_disconnect (self->server);
    }
  g_clear_object (&self->server);
  g_clear_object (&self->auth);
  g_clear_object (&self->guard);
  g_clear_object (&self->status);
  g_clear_object (&self->store);
  self->port = 0;
  if (had_port)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

static gboolean
prov_action_url_plugin_start (ProvTrigger *trigger, ProvEngine *engine, GError **error)
{
  ProvActionUrlPlugin *self = PROV_ACTION_URL_PLUGIN (trigger);
  GKeyFile *keyfile = prov_device_get_keyfile (prov_engine_get_device (engine));
  g_autofree char *listen = g_key_file_get_string (keyfile, "action-url", "Listen", NULL);
  g_autoptr(GInetAddress) address = NULL;
  guint port = 0;

  if (self->server != NULL)
    return TRUE;
  if (listen != NULL)
    g_strstrip (listen);
  if (is_off (listen))
    {
      g_debug ("no [action-url] Listen: not listening");
      return TRUE;
    }
  if (!parse_listen (listen, &address, &port, error)
      || !prov_action_url_limits_load (&self->limits, keyfile, error))
    return FALSE;

  xmlInitParser ();
  self->auth = prov_action_url_auth_new (prov_engine_get_store (engine), error);
  if (self->auth == NULL)
    return FALSE;
  self->guard = prov_action_url_guard_new (&self->limits);
  self->store = g_object_ref (prov_engine_get_store (engine));
  self->status = g_object_ref (prov_engine_get_status (engine));
  self->server = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_auth_domain (self->server, prov_action_url_auth_get_domain (self->auth));
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (on_request_finished), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (on_request_finished), self);
  if (!listen_on (self, address, port, error))
    {
      prov_error_convert (error);
      g_prefix_error (error, "action URL endpoint on %s: ", listen);
      prov_action_url_plugin_stop (trigger);
      return FALSE;
    }
  g_debug ("direct action URLs on %s (port %u)", listen, self->port);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return TRUE;
}

static void
prov_action_url_plugin_trigger_init (ProvTriggerInterface *iface)
{
  iface->start = prov_action_url_plugin_start;
  iface->stop = prov_action_url_plugin_stop;
}

static void
prov_action_url_plugin_dispose (GObject *object)
{
  prov_action_url_plugin_stop (PROV_TRIGGER (object));
  G_OBJECT_CLASS (prov_action_url_plugin_parent_class)->dispose (object);
}

static void
prov_action_url_plugin_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  ProvActionUrlPlugin *self = PROV_ACTION_URL_PLUGIN (object);

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
prov_action_url_plugin_class_init (ProvActionUrlPluginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = prov_action_url_plugin_dispose;
  object_class->get_property = prov_action_url_plugin_get_property;

  /* The TCP port listened on (Listen=…:0 picks a free one); 0 when off. */
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
prov_action_url_plugin_init (ProvActionUrlPlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  return g_object_new (PROV_TYPE_ACTION_URL_PLUGIN,
                       "name", "action-url",
                       "description", "HTTP admin endpoint: direct action URLs and /CGI/Execute",
                       NULL);
}
