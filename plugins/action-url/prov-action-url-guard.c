/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <provision.h>

#include "prov-limiter.h"

#include "prov-action-url-guard.h"

#define GROUP "action-url"
#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_MAX_CONNECTIONS 32
#define DEFAULT_MAX_PER_SOURCE 8
#define DEFAULT_LOGIN_BURST 10
#define DEFAULT_LOGIN_PER_MINUTE 6
/* Sources whose failed logins are remembered (least recent forgotten). */
#define LOGIN_SOURCES 256
/* Everyone together may fail this many times more than one source. */
#define LOGIN_GLOBAL_FACTOR 5
#define MAX_CONNECTIONS_LIMIT 4096

/* Sent on a connection over a cap before it is shut: the client has not
 * finished its request, but HTTP lets a server answer early. */
#define BUSY_RESPONSE "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n" \
                      "Retry-After: 1\r\nContent-Length: 0\r\n\r\n"

typedef struct
{
  ProvActionUrlGuard *guard;
  SoupServerMessage  *msg; /* weak: the record goes when the message does */
  gpointer            key; /* the message's address, our key, never followed */
  GSocket            *socket;
  char               *source;
  guint               timeout_id;
  gulong              disconnected_id;
} Conn;

struct _ProvActionUrlGuard
{
  GObject             parent_instance;

  ProvActionUrlLimits limits;
  GHashTable         *conns;      /* SoupServerMessage* → Conn*, owned */
  GHashTable         *per_source; /* source key → open connections */
  ProvLimiter        *logins;
};

G_DEFINE_FINAL_TYPE (ProvActionUrlGuard, prov_action_url_guard, G_TYPE_OBJECT)

static GQuark
conn_quark (void)
{
  return g_quark_from_static_string ("prov-action-url-conn");
}

static GQuark
peer_quark (void)
{
  return g_quark_from_static_string ("prov-action-url-peer");
}

static gboolean
get_uint (GKeyFile *keyfile, const char *key, guint min, guint max, guint *value,
          GError **error)
{
  g_autofree char *text = g_key_file_get_string (keyfile, GROUP, key, NULL);
  guint64 parsed;

  if (text == NULL || g_strstrip (text)[0] == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &parsed, NULL))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "[" GROUP "] %s: %s is not a whole number from %u to %u", key, text, min, max);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

/* A positive decimal number up to @max (no exponent, no inf or nan). */
static gboolean
get_positive (GKeyFile *keyfile, const char *key, double max, double *value, GError **error)
{
  g_autofree char *text = g_key_file_get_string (keyfile, GROUP, key, NULL);
  char *end = NULL;
  double parsed;

  if (text == NULL || g_strstrip (text)[0] == '\0')
    return TRUE;
  parsed = g_ascii_strtod (text, &end);
  if (!g_ascii_isdigit (text[0]) || strspn (text, "0123456789.") != strlen (text)
      || *end != '\0' || !(parsed > 0) || parsed > max)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                   "[" GROUP "] %s: %s is not a number above 0 and up to %g", key, text, max);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

gboolean
prov_action_url_limits_load (ProvActionUrlLimits *limits, GKeyFile *keyfile, GError **error)
{
  double timeout_s = DEFAULT_TIMEOUT_MS / 1000.0;
  guint burst = DEFAULT_LOGIN_BURST;

  limits->request_timeout_ms = DEFAULT_TIMEOUT_MS;
  limits->max_connections = DEFAULT_MAX_CONNECTIONS;
  limits->max_per_source = DEFAULT_MAX_PER_SOURCE;
  limits->login_per_minute = DEFAULT_LOGIN_PER_MINUTE;
  if (!get_positive (keyfile, "RequestTimeout", 3600, &timeout_s, error)
      || !get_uint (keyfile, "MaxConnections", 1, MAX_CONNECTIONS_LIMIT,
                    &limits->max_connections, error)
      || !get_uint (keyfile, "MaxConnectionsPerSource", 1, MAX_CONNECTIONS_LIMIT,
                    &limits->max_per_source, error)
      || !get_uint (keyfile, "FailedLogins", 1, 10000, &burst, error)
      || !get_positive (keyfile, "FailedLoginsPerMinute", 60000, &limits->login_per_minute,
                        error))
    return FALSE;
  limits->request_timeout_ms = MAX (1, (guint) ceil (timeout_s * 1000));
  limits->login_burst = burst;
  return TRUE;
}

static void on_msg_finalized (gpointer data, GObject *where_the_object_was);

/* Forgets @conn; its message, when still there, no longer points to it. */
static void
conn_forget (Conn *conn)
{
  ProvActionUrlGuard *self = conn->guard;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_source, conn->source));

  if (n > 1)
    g_hash_table_insert (self->per_source, g_strdup (conn->source), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (self->per_source, conn->source);
  g_clear_handle_id (&conn->timeout_id, g_source_remove);
  if (conn->msg != NULL)
    {
      g_clear_signal_handler (&conn->disconnected_id, conn->msg);
      g_object_weak_unref (G_OBJECT (conn->msg), on_msg_finalized, conn);
      g_object_set_qdata (G_OBJECT (conn->msg), conn_quark (), NULL);
    }
  g_hash_table_remove (self->conns, conn->key); /* frees conn */
}

static void
conn_free (gpointer data)
{
  Conn *conn = data;

  g_clear_object (&conn->socket);
  g_free (conn->source);
  g_free (conn);
}

static void
on_msg_finalized (gpointer data, GObject *where_the_object_was)
{
  Conn *conn = data;

  /* Without a disconnect first: make sure the descriptor goes too. */
  if (!g_socket_is_closed (conn->socket))
    g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
  conn->msg = NULL;
  conn_forget (conn);
}

static void
on_disconnected (SoupServerMessage *msg, gpointer user_data)
{
  conn_forget (user_data);
}

/* Shut, not closed: libsoup still owns the descriptor, sees the end of the
 * stream at its next read or write, and closes it itself. */
static void
shut_socket (GSocket *socket)
{
  if (!g_socket_is_closed (socket))
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static gboolean
on_timeout (gpointer user_data)
{
  Conn *conn = user_data;

  conn->timeout_id = 0;
  g_debug ("%s: no complete exchange within %u ms: closing",
           prov_action_url_guard_get_peer (conn->msg), conn->guard->limits.request_timeout_ms);
  shut_socket (conn->socket);
  return G_SOURCE_REMOVE;
}

gboolean
prov_action_url_guard_admit (ProvActionUrlGuard *self, SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autoptr(GSocketAddress) remote = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *source = NULL;
  guint n_source;
  Conn *conn;

  g_return_val_if_fail (PROV_IS_ACTION_URL_GUARD (self), FALSE);

  /* A later message of a connection we know (libsoup answers a bad
   * request line before closing, for one). */
  if (socket == NULL || g_object_get_qdata (G_OBJECT (msg), peer_quark ()) != NULL)
    return TRUE;
  /* Ours, not libsoup's: libsoup warns when the peer is already gone. */
  remote = g_socket_get_remote_address (socket, NULL);
  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      shut_socket (socket);
      return FALSE;
    }
  peer = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  g_object_set_qdata_full (G_OBJECT (msg), peer_quark (), g_strdup (peer), g_free);
  source = prov_limiter_source_key (peer);
  n_source = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_source, source));
  if (g_hash_table_size (self->conns) >= self->limits.max_connections
      || n_source >= self->limits.max_per_source)
    {
      g_debug ("%s: over %s connections: refused", peer,
               n_source >= self->limits.max_per_source ? "its" : "all");
      g_socket_send (socket, BUSY_RESPONSE, strlen (BUSY_RESPONSE), NULL, NULL);
      shut_socket (socket);
      return FALSE;
    }
  conn = g_new0 (Conn, 1);
  conn->guard = self;
  conn->msg = msg;
  conn->key = msg;
  conn->socket = g_object_ref (socket);
  conn->source = g_steal_pointer (&source);
  g_hash_table_insert (self->conns, msg, conn);
  g_hash_table_insert (self->per_source, g_strdup (conn->source),
                       GUINT_TO_POINTER (n_source + 1));
  g_object_set_qdata (G_OBJECT (msg), conn_quark (), conn);
  g_object_weak_ref (G_OBJECT (msg), on_msg_finalized, conn);
  conn->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected),
                                            conn);
  conn->timeout_id = g_timeout_add (self->limits.request_timeout_ms, on_timeout, conn);
  return TRUE;
}

const char *
prov_action_url_guard_get_peer (SoupServerMessage *msg)
{
  const char *peer = msg != NULL ? g_object_get_qdata (G_OBJECT (msg), peer_quark ()) : NULL;

  return peer != NULL ? peer : "?";
}

void
prov_action_url_guard_shut (SoupServerMessage *msg)
{
  Conn *conn = g_object_get_qdata (G_OBJECT (msg), conn_quark ());
  GSocket *socket = conn != NULL ? conn->socket : soup_server_message_get_socket (msg);

  if (socket != NULL)
    shut_socket (socket);
}

static const char *
login_source (SoupServerMessage *msg)
{
  Conn *conn = g_object_get_qdata (G_OBJECT (msg), conn_quark ());

  return conn != NULL ? conn->source : prov_action_url_guard_get_peer (msg);
}

gboolean
prov_action_url_guard_may_login (ProvActionUrlGuard *self, SoupServerMessage *msg,
                                 guint *retry_after_s)
{
  return prov_limiter_check (self->logins, login_source (msg), g_get_monotonic_time (),
                             retry_after_s);
}

void
prov_action_url_guard_login_failed (ProvActionUrlGuard *self, SoupServerMessage *msg)
{
  prov_limiter_allow (self->logins, login_source (msg), g_get_monotonic_time ());
}

guint
prov_action_url_guard_get_n_connections (ProvActionUrlGuard *self)
{
  return g_hash_table_size (self->conns);
}

static void
prov_action_url_guard_dispose (GObject *object)
{
  ProvActionUrlGuard *self = PROV_ACTION_URL_GUARD (object);
  GHashTableIter iter;
  gpointer value;

  /* The server closes the connections; only our hooks on them go. */
  while (self->conns != NULL && g_hash_table_size (self->conns) > 0)
    {
      g_hash_table_iter_init (&iter, self->conns);
      if (g_hash_table_iter_next (&iter, NULL, &value))
        conn_forget (value);
    }
  G_OBJECT_CLASS (prov_action_url_guard_parent_class)->dispose (object);
}

static void
prov_action_url_guard_finalize (GObject *object)
{
  ProvActionUrlGuard *self = PROV_ACTION_URL_GUARD (object);

  g_hash_table_unref (self->conns);
  g_hash_table_unref (self->per_source);
  prov_limiter_free (self->logins);
  G_OBJECT_CLASS (prov_action_url_guard_parent_class)->finalize (object);
}

static void
prov_action_url_guard_class_init (ProvActionUrlGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = prov_action_url_guard_dispose;
  G_OBJECT_CLASS (klass)->finalize = prov_action_url_guard_finalize;
}

static void
prov_action_url_guard_init (ProvActionUrlGuard *self)
{
  self->conns = g_hash_table_new_full (NULL, NULL, NULL, conn_free);
  self->per_source = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

ProvActionUrlGuard *
prov_action_url_guard_new (const ProvActionUrlLimits *limits)
{
  ProvActionUrlGuard *self = g_object_new (PROV_TYPE_ACTION_URL_GUARD, NULL);
  double rate = limits->login_per_minute / 60.0;

  self->limits = *limits;
  self->logins = prov_limiter_new (LOGIN_SOURCES, rate, limits->login_burst,
                                   rate * LOGIN_GLOBAL_FACTOR,
                                   limits->login_burst * LOGIN_GLOBAL_FACTOR);
  return self;
}
