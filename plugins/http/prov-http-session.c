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

/* One session per fetch: credentials, client certificate and trust are the
 * fetch's own, and nothing (auth cache, connections) leaks between fetches
 * made for different rules or accounts. */
SoupSession *
prov_http_session_new (ProvFetch *fetch)
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
  g_autoptr(ProvHttpTrust) trust = prov_http_trust_new_for_fetch (fetch, &local_error);

  g_return_val_if_fail (client_certificate != NULL && *client_certificate == NULL, FALSE);

  if (local_error != NULL)
    {
      g_debug ("fetch %u: %s", prov_fetch_get_id (fetch), local_error->message);
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "tls: bad CA file");
      return FALSE;
    }
  if (trust != NULL)
    soup_session_set_tls_database (session, G_TLS_DATABASE (trust));
  return load_client_certificate (fetch, client_certificate, error);
}
