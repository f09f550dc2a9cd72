/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-http-session.h"
#include "prov-http-trust.h"

#define DEFAULT_IDLE_TIMEOUT 30

guint
prov_http_setting_seconds (ProvFetch *fetch, const char *key, guint default_value)
{
  g_autofree char *text = prov_fetch_get_setting (fetch, PROV_HTTP_SETTINGS_GROUP, key);
  guint64 value;

  if (text == NULL)
    return default_value;
  if (!g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, 24 * 3600, &value, NULL))
    {
      g_warning ("[http] %s: '%s' is not a number of seconds, using %u", key, text,
                 default_value);
      return default_value;
    }
  return (guint) value;
}

/* Sessions kept for later fetches with the same settings: their
 * connections stay alive across the rules of a resync and, in the daemon,
 * between resyncs (until libsoup's idle timeout or the server closes them),
 * and a TLS connection kept is a handshake saved. The key is everything a
 * session holds for its fetches: auth type, proxy, timeout and the trust
 * (the CA files with their stat, so a changed custom CA gets a new session
 * and connection) and the client certificate files (a TLS connection keeps
 * the certificate it was made with). A fetch with credentials gets a session of its own, as
 * before: libsoup keeps the credentials it answered with per session, and
 * they must not go to a fetch made for another account. */
#define MAX_KEPT_SESSIONS 8
#define TRUST_SET "prov-http-trust-set"

static GHashTable *kept_sessions; /* key → SoupSession, main thread only */

static SoupSession *
session_create (ProvFetch *fetch)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GProxyResolver) proxy = NULL;
  g_autofree char *proxy_url = prov_fetch_get_setting (fetch, PROV_HTTP_SETTINGS_GROUP, "Proxy");
  const char *auth_type = prov_fetch_get_auth_type (fetch);

  /* No proxy unless configured: a daemon's environment says nothing
   * reliable, and libproxy's lookups cost time on every fetch. */
  if (proxy_url != NULL && g_strstrip (proxy_url)[0] != '\0')
    proxy = g_simple_proxy_resolver_new (proxy_url, NULL);

  /* No "user-agent" here: the session would append libsoup's own token to
   * a value ending in a space, and servers match the header exactly. */
  session = soup_session_new_with_options (
    "timeout", prov_http_setting_seconds (fetch, "IdleTimeout", DEFAULT_IDLE_TIMEOUT),
    "proxy-resolver", proxy,
    NULL);

  /* The core's codec plugins recognise gzip by content: keep bytes as sent. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  /* libsoup answers the strongest scheme offered; drop the one not allowed
   * so that a server offering both still gets the permitted one. */
  if (g_strcmp0 (auth_type, "basic") == 0)
    soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_DIGEST);
  else if (g_strcmp0 (auth_type, "digest") == 0)
    soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_BASIC);
  return g_steal_pointer (&session);
}

SoupSession *
prov_http_session_new (ProvFetch *fetch)
{
  g_autofree char *proxy = prov_fetch_get_setting (fetch, PROV_HTTP_SETTINGS_GROUP, "Proxy");
  g_autofree char *trust = NULL;
  g_autofree char *key = NULL;
  ProvDevice *device;
  SoupSession *session;

  if (prov_fetch_get_username (fetch) != NULL || prov_fetch_get_password (fetch) != NULL)
    return session_create (fetch);
  trust = prov_http_trust_key_for_fetch (fetch);
  /* A TLS connection made with a client certificate keeps it. */
  device = prov_fetch_get_device (fetch);
  key = g_strdup_printf ("%s\n%s\n%u\n%s\n%s\n%s", prov_fetch_get_auth_type (fetch) ?: "",
                         proxy != NULL ? g_strstrip (proxy) : "",
                         prov_http_setting_seconds (fetch, "IdleTimeout", DEFAULT_IDLE_TIMEOUT),
                         trust,
                         device != NULL ? prov_device_get_client_certificate (device) ?: "" : "",
                         device != NULL ? prov_device_get_client_key (device) ?: "" : "");
  if (kept_sessions == NULL)
    kept_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  session = g_hash_table_lookup (kept_sessions, key);
  if (session != NULL)
    return g_object_ref (session);
  /* Settings that keep changing would only pile up sessions. */
  if (g_hash_table_size (kept_sessions) >= MAX_KEPT_SESSIONS)
    g_hash_table_remove_all (kept_sessions);
  session = session_create (fetch);
  g_hash_table_insert (kept_sessions, g_steal_pointer (&key), g_object_ref (session));
  return session;
}

static gboolean
load_client_certificate (ProvFetch *fetch, GTlsCertificate **certificate, GError **error)
{
  ProvDevice *device = prov_fetch_get_device (fetch);
  g_autoptr(GError) local_error = NULL;
  const char *cert_file;
  const char *key_file;

  if (device == NULL || prov_device_get_client_certificate (device) == NULL)
    return TRUE;
  cert_file = prov_device_get_client_certificate (device);
  key_file = prov_device_get_client_key (device);
  /* Without ClientKey the key is expected in the certificate file. */
  *certificate = g_tls_certificate_new_from_files (cert_file,
                                                   key_file != NULL ? key_file : cert_file,
                                                   &local_error);
  if (*certificate == NULL)
    {
      g_debug ("fetch %u: client certificate %s: %s", prov_fetch_get_id (fetch), cert_file,
               local_error->message);
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT,
                           "tls: bad client certificate");
      return FALSE;
    }
  return TRUE;
}

/* Done before the first https request (the first URL's or a redirect's):
 * plain-http fetches never read certificate files. */
gboolean
prov_http_session_setup_tls (SoupSession      *session,
                             ProvFetch        *fetch,
                             GTlsCertificate **client_certificate,
                             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ProvHttpTrust) trust = NULL;

  g_return_val_if_fail (client_certificate != NULL && *client_certificate == NULL, FALSE);

  /* Before the first TLS connection of the process. */
  prov_http_trust_install_default ();
  /* A kept session has its trust already: the key says it is the same. */
  if (g_object_get_data (G_OBJECT (session), TRUST_SET) == NULL)
    {
      trust = prov_http_trust_new_for_fetch (fetch, &local_error);
      if (local_error != NULL)
        {
          g_debug ("fetch %u: %s", prov_fetch_get_id (fetch), local_error->message);
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "tls: bad CA file");
          return FALSE;
        }
      if (trust != NULL)
        soup_session_set_tls_database (session, G_TLS_DATABASE (trust));
      g_object_set_data (G_OBJECT (session), TRUST_SET, GINT_TO_POINTER (TRUE));
    }
  return load_client_certificate (fetch, client_certificate, error);
}
