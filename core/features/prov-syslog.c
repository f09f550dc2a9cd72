/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <syslog.h>

#include "prov-clock.h"
#include "prov-error.h"
#include "prov-macro.h"
#include "prov-syslog.h"

#define DEFAULT_PORT 514
/* Messages kept while a host name resolves; older ones are dropped first. */
#define MAX_PENDING 16
/* A resolved name is looked up again, in the background, after this long. */
#define RESOLVE_TTL (10 * 60 * G_USEC_PER_SEC)

/* One receiver: Syslog_Server, or Debug_Server (which gets the same
 * messages while both are set, as the seed says). */
typedef struct
{
  ProvSyslog   *owner;
  const char   *param;        /* the parameter naming it */
  /* Everything below belongs to the value in @server. */
  char         *server;
  char         *host;
  guint16       port;
  GError       *parse_error;  /* @server is not a valid value */
  gboolean      warned;       /* about @parse_error, once */
  GList        *addresses;    /* GInetSocketAddress, in the resolver's order */
  gint64        resolved_at;  /* monotonic; 0 for an IP address (no lookup) */
  GCancellable *lookup;       /* set while the resolver runs */
  GQueue        pending;      /* GBytes waiting for @addresses */
} Target;

struct _ProvSyslog
{
  GObject       parent_instance;
  ProvStore    *store;
  ProvDevice   *device;
  ProvClock    *clock;

  Target        syslog;
  Target        debug;

  GSocket      *socket4;
  GSocket      *socket6;
};

G_DEFINE_FINAL_TYPE (ProvSyslog, prov_syslog, G_TYPE_OBJECT)

static void
drop_pending (Target *t, const char *why)
{
  if (t->pending.length > 0)
    g_debug ("syslog: dropping %u message(s) for %s: %s", t->pending.length, t->server, why);
  g_queue_clear_full (&t->pending, (GDestroyNotify) g_bytes_unref);
}

static void
clear_target (Target *t)
{
  g_cancellable_cancel (t->lookup);
  g_clear_object (&t->lookup);
  drop_pending (t, "the server changed");
  g_clear_pointer (&t->server, g_free);
  g_clear_pointer (&t->host, g_free);
  g_clear_error (&t->parse_error);
  g_list_free_full (g_steal_pointer (&t->addresses), g_object_unref);
  t->warned = FALSE;
  t->resolved_at = 0;
}

/* `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
static void
set_target (Target *t, const char *server)
{
  g_autofree char *stripped = g_strstrip (g_strdup (server));
  g_autoptr(GSocketConnectable) parsed = NULL;
  g_autoptr(GInetAddress) ip = NULL;
  g_autoptr(GError) error = NULL;

  clear_target (t);
  t->server = g_strdup (server);
  parsed = g_network_address_parse (stripped, DEFAULT_PORT, &error);
  if (parsed != NULL)
    {
      t->host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (parsed)));
      t->port = g_network_address_get_port (G_NETWORK_ADDRESS (parsed));
    }
  if (parsed == NULL || t->host[0] == '\0' || strpbrk (t->host, " \t") != NULL || t->port == 0)
    {
      t->parse_error = g_error_new (PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                                    "%s: invalid value “%s”", t->param, server);
      return;
    }
  ip = g_inet_address_new_from_string (t->host);
  if (ip != NULL)
    t->addresses = g_list_append (NULL, g_inet_socket_address_new (ip, t->port));
}

static GSocket *
get_socket (ProvSyslog *self, GSocketFamily family, GError **error)
{
  GSocket **slot = family == G_SOCKET_FAMILY_IPV6 ? &self->socket6 : &self->socket4;

  if (*slot == NULL)
    {
      *slot = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
      if (*slot == NULL)
        return NULL;
      /* A full send buffer drops the message instead of stalling the daemon. */
      g_socket_set_blocking (*slot, FALSE);
    }
  return *slot;
}

/* Tries each address in turn, as rsyslog's omfwd does: a host with an
 * address of a family we cannot reach still works through the other. */
static gboolean
send_datagram (Target *t, GBytes *datagram, GError **error)
{
  g_autoptr(GError) last_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (datagram, &size);

  for (GList *l = t->addresses; l != NULL; l = l->next)
    {
      GSocketAddress *address = l->data;
      GSocket *socket;

      g_clear_error (&last_error);
      socket = get_socket (t->owner, g_socket_address_get_family (address), &last_error);
      if (socket != NULL && g_socket_send_to (socket, address, data, size, NULL, &last_error) >= 0)
        return TRUE;
    }
  g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "syslog to %s: %s", t->server,
               last_error != NULL ? last_error->message : "no address");
  return FALSE;
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GList *found = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  Target *t;

  /* Cancelled when the server changed or the owner was disposed: do not
   * touch it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  t = user_data;
  g_clear_object (&t->lookup);
  t->resolved_at = g_get_monotonic_time ();
  if (found == NULL)
    {
      /* A stale address beats none when DNS fails for a moment. */
      g_debug ("syslog: cannot resolve %s: %s", t->host, error->message);
      if (t->addresses == NULL)
        drop_pending (t, error->message);
      return;
    }
  g_list_free_full (t->addresses, g_object_unref);
  t->addresses = NULL;
  for (GList *l = found; l != NULL; l = l->next)
    t->addresses = g_list_prepend (t->addresses, g_inet_socket_address_new (l->data, t->port));
  t->addresses = g_list_reverse (t->addresses);
  g_resolver_free_addresses (found);

  while (t->pending.length > 0)
    {
      g_autoptr(GBytes) datagram = g_queue_pop_head (&t->pending);
      g_autoptr(GError) send_error = NULL;

      if (!send_datagram (t, datagram, &send_error))
        g_debug ("%s", send_error->message);
    }
}

static void
start_lookup (Target *t)
{
  g_autoptr(GResolver) resolver = NULL;

  if (t->lookup != NULL)
    return;
  resolver = g_resolver_get_default ();
  t->lookup = g_cancellable_new ();
  g_resolver_lookup_by_name_async (resolver, t->host, t->lookup, on_resolved, t);
}

/* NULL for None, and when the device lacks what the identifier names. */
static char *
expand_identifier (ProvSyslog *self)
{
  const char *identifier = prov_store_get (self->store, "Syslog_Identifier");
  g_autoptr(GHashTable) vars = NULL;
  g_autofree char *expanded = NULL;

  if (identifier == NULL || identifier[0] == '\0' || g_str_equal (identifier, "None"))
    return NULL;
  vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  prov_device_add_variables (self->device, vars);
  expanded = prov_macro_expand (identifier, vars, NULL);
  return expanded[0] != '\0' ? g_steal_pointer (&expanded) : NULL;
}

/* `<PRI>Mmm dd hh:mm:ss [IDENTIFIER ]TEXT`, see data/syslog.md. */
static GBytes *
format_datagram (ProvSyslog *self, int severity, const char *text)
{
  /* RFC 3164 wants English month names whatever the locale. */
  static const char *const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  gint64 now = self->clock != NULL ? prov_clock_now (self->clock) : g_get_real_time ();
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
  g_autofree char *identifier = expand_identifier (self);
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  gsize start;

  g_string_append_printf (out, "<%d>%s %2d %02d:%02d:%02d ", LOG_LOCAL0 | severity,
                          months[g_date_time_get_month (local) - 1],
                          g_date_time_get_day_of_month (local), g_date_time_get_hour (local),
                          g_date_time_get_minute (local), g_date_time_get_second (local));
  if (identifier != NULL)
    g_string_append_printf (out, "%s ", identifier);
  start = out->len;
  g_string_append (out, valid);
  /* A control character would split the line in the receiver's log file. */
  for (gsize i = start; i < out->len; i++)
    if ((guchar) out->str[i] < 0x20 || out->str[i] == 0x7f)
      out->str[i] = ' ';
  if (out->len > PROV_SYSLOG_MAX_SIZE)
    {
      gsize cut = PROV_SYSLOG_MAX_SIZE;

      /* Back up to the first byte of the character that does not fit. */
      while (cut > 0 && ((guchar) out->str[cut] & 0xc0) == 0x80)
        cut--;
      g_string_truncate (out, cut);
    }
  return g_string_free_to_bytes (out);
}

/* Sends nothing when @server is blank; never blocks. */
static gboolean
target_send (Target *t, const char *server, GBytes *datagram, GError **error)
{
  if (server == NULL || server[0] == '\0')
    return TRUE;
  if (g_strcmp0 (server, t->server) != 0)
    set_target (t, server);
  if (t->parse_error != NULL)
    {
      g_propagate_error (error, g_error_copy (t->parse_error));
      return FALSE;
    }
  if (t->addresses == NULL
      || (t->resolved_at != 0 && g_get_monotonic_time () - t->resolved_at > RESOLVE_TTL))
    start_lookup (t);
  if (t->addresses != NULL)
    return send_datagram (t, datagram, error);
  if (t->pending.length >= MAX_PENDING)
    {
      g_debug ("syslog: %s still resolving, dropping the oldest message", t->host);
      g_bytes_unref (g_queue_pop_head (&t->pending));
    }
  g_queue_push_tail (&t->pending, g_bytes_ref (datagram));
  return TRUE;
}

gboolean
prov_syslog_send (ProvSyslog *self, int severity, const char *text, GError **error)
{
  const char *server;
  const char *debug_server;
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(GError) debug_error = NULL;
  gboolean ok;

  g_return_val_if_fail (PROV_IS_SYSLOG (self), FALSE);
  g_return_val_if_fail (severity >= LOG_EMERG && severity <= LOG_DEBUG, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  server = prov_store_get (self->store, "Syslog_Server");
  if (server == NULL || server[0] == '\0')
    return TRUE;
  datagram = format_datagram (self, severity, text);
  ok = target_send (&self->syslog, server, datagram, error);
  /* The seed: with both set, the syslog messages go to the debug server too. */
  debug_server = prov_store_get (self->store, "Debug_Server");
  if (!target_send (&self->debug, debug_server, datagram, &debug_error) && ok)
    {
      g_propagate_error (error, g_steal_pointer (&debug_error));
      ok = FALSE;
    }
  return ok;
}

static void
on_log_message (ProvEngine *engine, int kind, const char *text, guint transfer_id,
                gpointer user_data)
{
  ProvSyslog *self = user_data;
  g_autoptr(GError) error = NULL;
  GLogLevelFlags level = G_LOG_LEVEL_DEBUG;
  int severity = LOG_INFO;
  char id[16];

  if (kind == PROV_LOG_FAILURE || kind == PROV_LOG_UPGRADE_FAILURE)
    severity = LOG_ERR;
  if (prov_syslog_send (self, severity, text, &error))
    return;
  /* A bad Syslog_Server or Debug_Server is the admin's to fix: say so
   * once, not per message. */
  if (g_error_matches (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE))
    {
      Target *t = self->syslog.parse_error != NULL ? &self->syslog : &self->debug;

      if (!t->warned)
        level = G_LOG_LEVEL_WARNING;
      t->warned = TRUE;
    }
  g_snprintf (id, sizeof id, "%u", transfer_id);
  g_log_structured (G_LOG_DOMAIN, level,
                    "PROV_TRANSFER_ID", id,
                    "MESSAGE", "[%u] %s", transfer_id, error->message);
}

void
prov_syslog_attach (ProvSyslog *self, ProvEngine *engine)
{
  g_return_if_fail (PROV_IS_SYSLOG (self));
  g_return_if_fail (PROV_IS_ENGINE (engine));

  g_signal_connect_object (engine, "log-message", G_CALLBACK (on_log_message), self, 0);
}

void
prov_syslog_set_clock (ProvSyslog *self, ProvClock *clock)
{
  g_return_if_fail (PROV_IS_SYSLOG (self));
  g_return_if_fail (clock == NULL || PROV_IS_CLOCK (clock));

  g_set_object (&self->clock, clock);
}

static void
prov_syslog_dispose (GObject *object)
{
  ProvSyslog *self = PROV_SYSLOG (object);

  clear_target (&self->syslog);
  clear_target (&self->debug);
  g_clear_object (&self->socket4);
  g_clear_object (&self->socket6);
  g_clear_object (&self->clock);
  g_clear_object (&self->store);
  g_clear_object (&self->device);
  G_OBJECT_CLASS (prov_syslog_parent_class)->dispose (object);
}

static void
prov_syslog_class_init (ProvSyslogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = prov_syslog_dispose;
}

static void
prov_syslog_init (ProvSyslog *self)
{
  self->syslog.owner = self;
  self->syslog.param = "Syslog_Server";
  g_queue_init (&self->syslog.pending);
  self->debug.owner = self;
  self->debug.param = "Debug_Server";
  g_queue_init (&self->debug.pending);
}

ProvSyslog *
prov_syslog_new (ProvStore *store, ProvDevice *device)
{
  ProvSyslog *self;

  g_return_val_if_fail (PROV_IS_STORE (store), NULL);
  g_return_val_if_fail (PROV_IS_DEVICE (device), NULL);

  self = g_object_new (PROV_TYPE_SYSLOG, NULL);
  self->store = g_object_ref (store);
  self->device = g_object_ref (device);
  return self;
}
