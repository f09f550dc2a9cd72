/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "prov-action-url-auth.h"

/* Nonces whose counts we remember; only a correct response adds one. */
#define MAX_NONCES 256
#define NONCE_TIME_LEN 16
#define NONCE_SERIAL_LEN 8
#define NONCE_MAC_LEN 64
#define NONCE_LEN (NONCE_TIME_LEN + NONCE_SERIAL_LEN + NONCE_MAC_LEN)

typedef struct
{
  gint64  issued_us;
  guint32 nc;
} NonceUse;

struct _ProvActionUrlAuth
{
  GObject         parent_instance;

  ProvStore      *store;
  SoupAuthDomain *domain;
  guint8          key[PROV_ACTION_URL_NONCE_KEY_SIZE];
  guint32         serial;
  GHashTable     *nonces; /* char* nonce → NonceUse* */
};

G_DEFINE_FINAL_TYPE (ProvActionUrlAuth, prov_action_url_auth, G_TYPE_OBJECT)

/* What the Digest domain concluded about one message. */
static GQuark
digest_ok_quark (void)
{
  return g_quark_from_static_string ("prov-action-url-digest-ok");
}

static GQuark
stale_quark (void)
{
  return g_quark_from_static_string ("prov-action-url-stale");
}

static char *
sign (const guint8 *key, const char *text, gsize len)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, PROV_ACTION_URL_NONCE_KEY_SIZE);

  g_hmac_update (hmac, (const guchar *) text, len);
  return g_strdup (g_hmac_get_string (hmac));
}

char *
prov_action_url_nonce_make (const guint8 *key, gint64 now_us, guint32 serial)
{
  g_autofree char *stamp = g_strdup_printf ("%016" G_GINT64_MODIFIER "x%08x", now_us, serial);
  g_autofree char *mac = sign (key, stamp, strlen (stamp));

  return g_strconcat (stamp, mac, NULL);
}

gboolean
prov_action_url_nonce_check (const guint8 *key, const char *nonce, gint64 now_us, gboolean *stale)
{
  g_autofree char *time_part = NULL;
  g_autofree char *mac = NULL;
  guint64 issued;

  *stale = FALSE;
  if (nonce == NULL || strlen (nonce) != NONCE_LEN)
    return FALSE;
  for (const char *p = nonce; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  mac = sign (key, nonce, NONCE_TIME_LEN + NONCE_SERIAL_LEN);
  if (!prov_action_url_secret_equal (mac, nonce + NONCE_TIME_LEN + NONCE_SERIAL_LEN))
    return FALSE;
  time_part = g_strndup (nonce, NONCE_TIME_LEN);
  if (!g_ascii_string_to_unsigned (time_part, 16, 0, G_MAXINT64, &issued, NULL)
      || (gint64) issued > now_us)
    return FALSE;
  if (now_us - (gint64) issued > PROV_ACTION_URL_NONCE_LIFETIME_US)
    {
      *stale = TRUE;
      return FALSE;
    }
  return TRUE;
}

static const char *
admin_password (ProvActionUrlAuth *self)
{
  const char *password = prov_store_get (self->store, "Admin_Passwd");

  return password != NULL ? password : "";
}

static char *
md5_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* Forgets expired nonces; when still full, the oldest one. */
static void
prune_nonces (ProvActionUrlAuth *self, gint64 now_us)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *oldest = NULL;
  gint64 oldest_us = G_MAXINT64;

  g_hash_table_iter_init (&iter, self->nonces);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      NonceUse *use = value;

      if (now_us - use->issued_us > PROV_ACTION_URL_NONCE_LIFETIME_US)
        g_hash_table_iter_remove (&iter);
      else if (use->issued_us < oldest_us)
        {
          oldest = key;
          oldest_us = use->issued_us;
        }
    }
  if (g_hash_table_size (self->nonces) >= MAX_NONCES && oldest != NULL)
    g_hash_table_remove (self->nonces, oldest);
}

/* Each count of a nonce is accepted once, in increasing order. */
static gboolean
use_nonce (ProvActionUrlAuth *self, const char *nonce, guint32 nc, gint64 now_us)
{
  NonceUse *use = g_hash_table_lookup (self->nonces, nonce);
  g_autofree char *time_part = NULL;

  if (use != NULL)
    {
      if (nc <= use->nc)
        return FALSE;
      use->nc = nc;
      return TRUE;
    }
  prune_nonces (self, now_us);
  use = g_new0 (NonceUse, 1);
  time_part = g_strndup (nonce, NONCE_TIME_LEN);
  use->issued_us = g_ascii_strtoll (time_part, NULL, 16);
  use->nc = nc;
  g_hash_table_insert (self->nonces, g_strndup (nonce, NONCE_LEN), use);
  return TRUE;
}

/* The Digest `uri` must name this request. libsoup's own check compares a
 * decoded `uri` with the still encoded query, so any %-escape in a rule
 * would fail it: the path is compared decoded, the query as sent. */
static gboolean
uri_matches (SoupServerMessage *msg, const char *digest_uri)
{
  GUri *request = soup_server_message_get_uri (msg);
  const char *query = strchr (digest_uri, '?');
  const char *path_start = digest_uri;
  g_autofree char *path = NULL;

  if (path_start[0] != '/')
    {
      /* absolute-form: skip scheme and authority */
      const char *authority = strstr (digest_uri, "://");

      path_start = authority != NULL ? strchr (authority + 3, '/') : NULL;
      if (path_start == NULL || (query != NULL && query < path_start))
        return FALSE;
    }
  path = g_uri_unescape_segment (path_start, query, NULL);
  return path != NULL && strcmp (path, g_uri_get_path (request)) == 0
         && g_strcmp0 (query != NULL ? query + 1 : NULL, g_uri_get_query (request)) == 0;
}

/* RFC 2617 with qop=auth and MD5, plus our nonce's signature, age and
 * count; the response is compared in constant time. */
static gboolean
verify_digest (ProvActionUrlAuth *self, SoupServerMessage *msg, GHashTable *params,
               const char *hex_urp)
{
  const char *nonce = g_hash_table_lookup (params, "nonce");
  const char *nc_text = g_hash_table_lookup (params, "nc");
  const char *cnonce = g_hash_table_lookup (params, "cnonce");
  const char *uri = g_hash_table_lookup (params, "uri");
  const char *qop = g_hash_table_lookup (params, "qop");
  const char *algorithm = g_hash_table_lookup (params, "algorithm");
  const char *response = g_hash_table_lookup (params, "response");
  g_autofree char *a2 = NULL;
  g_autofree char *ha2 = NULL;
  g_autofree char *kd = NULL;
  g_autofree char *expected = NULL;
  gint64 now_us = g_get_monotonic_time ();
  gboolean stale = FALSE;
  guint64 nc = 0;

  if (!prov_action_url_nonce_check (self->key, nonce, now_us, &stale))
    {
      if (stale)
        g_object_set_qdata (G_OBJECT (msg), stale_quark (), GINT_TO_POINTER (TRUE));
      return FALSE;
    }
  if (nc_text == NULL || cnonce == NULL || uri == NULL || response == NULL
      || g_strcmp0 (qop, "auth") != 0
      || (algorithm != NULL && g_ascii_strcasecmp (algorithm, "MD5") != 0)
      || g_strcmp0 (g_hash_table_lookup (params, "realm"), PROV_ACTION_URL_REALM) != 0
      || !g_ascii_string_to_unsigned (nc_text, 16, 1, G_MAXUINT32, &nc, NULL)
      || !uri_matches (msg, uri))
    return FALSE;
  a2 = g_strconcat (soup_server_message_get_method (msg), ":", uri, NULL);
  ha2 = md5_hex (a2);
  kd = g_strdup_printf ("%s:%s:%s:%s:auth:%s", hex_urp, nonce, nc_text, cnonce, ha2);
  expected = md5_hex (kd);
  explicit_bzero (kd, strlen (kd));
  if (!prov_action_url_secret_equal (response, expected))
    return FALSE;
  return use_nonce (self, nonce, nc, now_us);
}

/* The whole Digest check is ours (libsoup only parses the header and
 * sends the challenge), with the password as it is now. */
static gboolean
on_digest_auth (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username,
                gpointer user_data)
{
  ProvActionUrlAuth *self = user_data;
  const char *password = admin_password (self);
  const char *header;
  GHashTable *params;
  g_autofree char *hex_urp = NULL;
  gboolean ok;

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Authorization");
  if (password[0] == '\0' || g_strcmp0 (username, PROV_ACTION_URL_USER) != 0 || header == NULL
      || g_ascii_strncasecmp (header, "Digest ", 7) != 0)
    return FALSE;
  params = soup_header_parse_param_list (header + 7);
  if (params == NULL)
    return FALSE;
  hex_urp = soup_auth_domain_digest_encode_password (username, PROV_ACTION_URL_REALM, password);
  ok = verify_digest (self, msg, params, hex_urp);
  soup_header_free_param_list (params);
  explicit_bzero (hex_urp, strlen (hex_urp));
  if (ok)
    g_object_set_qdata (G_OBJECT (msg), digest_ok_quark (), GINT_TO_POINTER (TRUE));
  return ok;
}

static gboolean
is_execute (SoupServerMessage *msg)
{
  return g_strcmp0 (g_uri_get_path (soup_server_message_get_uri (msg)), PROV_ACTION_URL_EXECUTE)
         == 0;
}

/* The Basic credentials of a /CGI/Execute request (Cisco's CGI tools send
 * them), or FALSE when it has none. */
static gboolean
get_basic (SoupServerMessage *msg, char **user, char **password)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  g_autofree guchar *decoded = NULL;
  const char *colon;
  gsize len = 0;

  *user = *password = NULL;
  if (!is_execute (msg) || header == NULL || g_ascii_strncasecmp (header, "Basic ", 6) != 0)
    return FALSE;
  header += 6;
  while (*header == ' ')
    header++;
  /* Empty credentials when they do not decode: refused, never an error. */
  if (header[strspn (header, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")]
      == '\0' && strlen (header) % 4 == 0)
    decoded = g_base64_decode (header, &len);
  colon = decoded != NULL ? memchr (decoded, ':', len) : NULL;
  if (colon != NULL && memchr (decoded, '\0', len) == NULL
      && g_utf8_validate ((const char *) decoded, len, NULL))
    {
      *user = g_strndup ((const char *) decoded, colon - (const char *) decoded);
      *password = g_strndup (colon + 1, len - (colon + 1 - (const char *) decoded));
    }
  else
    {
      *user = g_strdup ("");
      *password = g_strdup ("");
    }
  if (decoded != NULL)
    explicit_bzero (decoded, len);
  return TRUE;
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    explicit_bzero (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

/* Digest is required unless the handler answers by itself: query or Basic
 * credentials (checked there), no password (403) or a bad query (400). */
static gboolean
on_filter (SoupAuthDomain *domain, SoupServerMessage *msg, gpointer user_data)
{
  ProvActionUrlAuth *self = user_data;
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(ProvActionUrlQuery) query = prov_action_url_query_parse (raw, NULL);
  g_autofree char *user = NULL;
  char *password = NULL;
  gboolean basic = get_basic (msg, &user, &password);

  clear_secret (&password);
  return query != NULL && !prov_action_url_query_has_credentials (query) && !basic
         && admin_password (self)[0] != '\0';
}

/* Both compared always, so that the time says nothing about which failed. */
static ProvActionUrlVerdict
check_pair (const char *user, const char *password, const char *admin)
{
  gboolean user_ok = prov_action_url_secret_equal (user != NULL ? user : "", PROV_ACTION_URL_USER);
  gboolean password_ok = prov_action_url_secret_equal (password != NULL ? password : "", admin);

  return user_ok && password_ok && user != NULL && password != NULL ? PROV_ACTION_URL_AUTH_OK
                                                                    : PROV_ACTION_URL_AUTH_DENIED;
}

ProvActionUrlVerdict
prov_action_url_auth_check (ProvActionUrlAuth *self, SoupServerMessage *msg,
                            const ProvActionUrlQuery *query)
{
  const char *password = admin_password (self);
  g_autofree char *basic_user = NULL;
  char *basic_password = NULL;
  ProvActionUrlVerdict verdict;

  if (password[0] == '\0')
    return PROV_ACTION_URL_AUTH_NO_PASSWORD;
  /* The query's pairs decide when present, then Basic (on /CGI/Execute),
   * then the Digest domain's verdict. */
  if (prov_action_url_query_has_credentials (query))
    return check_pair (query->user, query->password, password);
  if (get_basic (msg, &basic_user, &basic_password))
    {
      verdict = check_pair (basic_user, basic_password, password);
      clear_secret (&basic_password);
      return verdict;
    }
  return g_object_get_qdata (G_OBJECT (msg), digest_ok_quark ()) != NULL
           ? PROV_ACTION_URL_AUTH_OK : PROV_ACTION_URL_AUTH_DENIED;
}

void
prov_action_url_auth_challenge (ProvActionUrlAuth *self, SoupServerMessage *msg)
{
  g_autofree char *nonce = prov_action_url_nonce_make (self->key, g_get_monotonic_time (),
                                                       self->serial++);
  gboolean stale = g_object_get_qdata (G_OBJECT (msg), stale_quark ()) != NULL;
  g_autofree char *challenge = NULL;

  challenge = g_strdup_printf ("Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\", algorithm=MD5%s",
                               PROV_ACTION_URL_REALM, nonce, stale ? ", stale=true" : "");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", challenge);
  /* Cisco's CGI tools answer a Basic challenge; Digest stays first. */
  if (is_execute (msg))
    soup_message_headers_append (soup_server_message_get_response_headers (msg),
                                 "WWW-Authenticate", "Basic realm=\"" PROV_ACTION_URL_REALM "\"");
}

SoupAuthDomain *
prov_action_url_auth_get_domain (ProvActionUrlAuth *self)
{
  g_return_val_if_fail (PROV_IS_ACTION_URL_AUTH (self), NULL);
  return self->domain;
}

static void
prov_action_url_auth_dispose (GObject *object)
{
  ProvActionUrlAuth *self = PROV_ACTION_URL_AUTH (object);

  /* The server may hold the domain longer than we live. */
  if (self->domain != NULL)
    {
      soup_auth_domain_set_generic_auth_callback (self->domain, NULL, NULL, NULL);
      soup_auth_domain_set_filter (self->domain, NULL, NULL, NULL);
    }
  g_clear_object (&self->domain);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (prov_action_url_auth_parent_class)->dispose (object);
}

static void
prov_action_url_auth_finalize (GObject *object)
{
  ProvActionUrlAuth *self = PROV_ACTION_URL_AUTH (object);

  explicit_bzero (self->key, sizeof self->key);
  g_hash_table_unref (self->nonces);
  G_OBJECT_CLASS (prov_action_url_auth_parent_class)->finalize (object);
}

static void
prov_action_url_auth_class_init (ProvActionUrlAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = prov_action_url_auth_dispose;
  G_OBJECT_CLASS (klass)->finalize = prov_action_url_auth_finalize;
}

static void
prov_action_url_auth_init (ProvActionUrlAuth *self)
{
  self->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

ProvActionUrlAuth *
prov_action_url_auth_new (ProvStore *store, GError **error)
{
  g_autoptr(ProvActionUrlAuth) self = g_object_new (PROV_TYPE_ACTION_URL_AUTH, NULL);

  if (getrandom (self->key, sizeof self->key, 0) != sizeof self->key)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "no random key for Digest nonces: %s",
                   g_strerror (errno));
      return NULL;
    }
  self->store = g_object_ref (store);
  self->domain = soup_auth_domain_digest_new ("realm", PROV_ACTION_URL_REALM, NULL);
  soup_auth_domain_set_generic_auth_callback (self->domain, on_digest_auth, self, NULL);
  soup_auth_domain_set_filter (self->domain, on_filter, self, NULL);
  soup_auth_domain_add_path (self->domain, "/");
  return g_steal_pointer (&self);
}
