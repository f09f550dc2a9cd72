/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-sip-digest.h"
#include "prov-sip-handler.h"
#include "prov-execute.h"
#include "prov-limiter.h"
#include "prov-sip-message.h"
#include "prov-sip-nonces.h"

#define NONCE_LIFETIME (30 * G_USEC_PER_SEC)
#define NONCE_MAX      256
/* Timer J of RFC 3261 for UDP: how long a server transaction absorbs
 * retransmissions of its request. */
#define CACHE_LIFETIME (32 * G_USEC_PER_SEC)
#define CACHE_MAX      64
#define LIMIT_SOURCES  128
#define LIMIT_RATE     10.0
#define LIMIT_BURST    20.0
#define GLOBAL_RATE    100.0
#define GLOBAL_BURST   200.0
/* Wrong passwords: 10 at once per source, then 6 a minute; five times
 * that for all sources together. */
#define LOGIN_BURST    10.0
#define LOGIN_RATE     (6.0 / 60)
#define LOGIN_FACTOR   5.0
/* Lines are looked up as User_ID_1_, User_ID_2_… until one is missing. */
#define MAX_LINES      64

typedef struct
{
  char   *key;
  char   *response;
  gint64  created;
} Cached;

struct _ProvSipHandler
{
  GObject         parent_instance;

  ProvStore      *store;
  char           *realm;
  char           *username;
  char           *password;
  ProvSipNonces  *nonces;
  ProvLimiter *limiter;
  ProvLimiter *logins;
  GQueue          cache; /* Cached*, oldest first */
};

G_DEFINE_FINAL_TYPE (ProvSipHandler, prov_sip_handler, G_TYPE_OBJECT)

static void
cached_free (gpointer data)
{
  Cached *c = data;

  g_free (c->key);
  g_free (c->response);
  g_free (c);
}

static void
clear_password (char **password)
{
  if (*password != NULL)
    explicit_bzero (*password, strlen (*password));
  g_clear_pointer (password, g_free);
}

static void
prov_sip_handler_finalize (GObject *object)
{
  ProvSipHandler *self = PROV_SIP_HANDLER (object);

  g_clear_object (&self->store);
  g_free (self->realm);
  g_free (self->username);
  clear_password (&self->password);
  prov_sip_nonces_free (self->nonces);
  prov_limiter_free (self->limiter);
  prov_limiter_free (self->logins);
  g_queue_clear_full (&self->cache, cached_free);
  G_OBJECT_CLASS (prov_sip_handler_parent_class)->finalize (object);
}

static void
prov_sip_handler_class_init (ProvSipHandlerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_sip_handler_finalize;
}

static void
prov_sip_handler_init (ProvSipHandler *self)
{
  self->nonces = prov_sip_nonces_new (NONCE_MAX, NONCE_LIFETIME);
  self->limiter = prov_limiter_new (LIMIT_SOURCES, LIMIT_RATE, LIMIT_BURST, GLOBAL_RATE,
                                        GLOBAL_BURST);
  self->logins = prov_limiter_new (LIMIT_SOURCES, LOGIN_RATE, LOGIN_BURST,
                                   LOGIN_RATE * LOGIN_FACTOR, LOGIN_BURST * LOGIN_FACTOR);
  g_queue_init (&self->cache);
}

/* The realm is quoted into a header: no quotes, escapes or control bytes. */
static gboolean
is_safe_realm (const char *realm)
{
  if (realm == NULL || realm[0] == '\0' || strlen (realm) > 128)
    return FALSE;
  for (const char *p = realm; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
      return FALSE;
  return TRUE;
}

ProvSipHandler *
prov_sip_handler_new (ProvStore *store, const char *realm)
{
  ProvSipHandler *self;

  g_return_val_if_fail (PROV_IS_STORE (store), NULL);

  self = g_object_new (PROV_TYPE_SIP_HANDLER, NULL);
  self->store = g_object_ref (store);
  if (realm != NULL && !is_safe_realm (realm))
    g_warning ("[sip] Realm is not usable in a header; using \"%s\"", PROV_SIP_DEFAULT_REALM);
  self->realm = g_strdup (is_safe_realm (realm) ? realm : PROV_SIP_DEFAULT_REALM);
  return self;
}

void
prov_sip_handler_set_account (ProvSipHandler *self, const char *username, const char *password)
{
  g_return_if_fail (PROV_IS_SIP_HANDLER (self));

  g_free (self->username);
  clear_password (&self->password);
  self->username = g_strdup (username);
  self->password = g_strdup (password);
}

const char *
prov_sip_handler_get_realm (ProvSipHandler *self)
{
  return self->realm;
}

/* Whether @password for @name (either of a line's two names) opens @digest.
 * Every candidate is computed, matched or not, so that the time taken says
 * nothing about which line matched. */
static gboolean
try_account (const ProvSipDigest *digest, const char *name, const char *password)
{
  gboolean ok;

  /* An empty password would let anyone in who knows a user name. */
  if (name == NULL || name[0] == '\0' || password == NULL || password[0] == '\0')
    return FALSE;
  ok = prov_sip_digest_verify (digest, "NOTIFY", password);
  return ok && strcmp (name, digest->username) == 0;
}

static gboolean
verify_credentials (ProvSipHandler *self, const ProvSipDigest *digest)
{
  gboolean ok = FALSE;

  if (self->username != NULL && self->username[0] != '\0')
    return try_account (digest, self->username, self->password);
  for (guint n = 1; n <= MAX_LINES; n++)
    {
      g_autofree char *uid_name = g_strdup_printf ("User_ID_%u_", n);
      g_autofree char *auth_name = g_strdup_printf ("Auth_ID_%u_", n);
      g_autofree char *pwd_name = g_strdup_printf ("Password_%u_", n);
      const char *uid = prov_store_get (self->store, uid_name);
      const char *auth = prov_store_get (self->store, auth_name);
      const char *pwd = prov_store_get (self->store, pwd_name);

      if (uid == NULL)
        break;
      ok |= try_account (digest, uid, pwd);
      ok |= try_account (digest, auth, pwd);
    }
  return ok;
}

/* The first Authorization header, if it is a Digest answer for our realm. */
static ProvSipDigest *
find_digest (ProvSipHandler *self, ProvSipMessage *msg)
{
  const char *header = prov_sip_message_get_header (msg, "Authorization");
  ProvSipDigest *digest = prov_sip_digest_parse (header);

  if (digest != NULL && strcmp (digest->realm, self->realm) != 0)
    g_clear_pointer (&digest, prov_sip_digest_free);
  return digest;
}

static char *
random_tag (void)
{
  return g_strdup_printf ("%08x", g_random_int ());
}

static char *
respond (ProvSipMessage *msg, guint code, const char *reason, const char *extra)
{
  g_autofree char *tag = random_tag ();
  g_autofree char *headers = g_strconcat (extra != NULL ? extra : "", "Server: provisiond\r\n",
                                          NULL);

  return prov_sip_message_build_response (msg, code, reason, tag, headers);
}

static char *
challenge (ProvSipHandler *self, ProvSipMessage *msg, gboolean stale, gint64 now)
{
  g_autofree char *nonce = prov_sip_nonces_issue (self->nonces, now);
  g_autofree char *extra = NULL;

  if (nonce == NULL)
    return NULL;
  extra = g_strdup_printf ("WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", algorithm=MD5, "
                           "qop=\"auth\"%s\r\n",
                           self->realm, nonce, stale ? ", stale=TRUE" : "");
  return respond (msg, 401, "Unauthorized", extra);
}

static const char *
nonce_state_to_string (ProvSipNonceState state)
{
  const char *names[] = { "valid", "unknown", "expired", "already used" };
  return names[state];
}

/* Authentication of a NOTIFY we would obey (RFC 2617 §3.2, RFC 3261 §22);
 * TRUE when it gets its 200. */
static char *
authenticate (ProvSipHandler *self, ProvSipMessage *msg, const char *peer, const char *source,
              gint64 now, gboolean *ok_out)
{
  g_autoptr(ProvSipDigest) digest = find_digest (self, msg);
  ProvSipNonceState state;
  gboolean ok;

  if (digest == NULL)
    {
      g_debug ("%s: NOTIFY without usable credentials: challenging", peer);
      return challenge (self, msg, FALSE, now);
    }
  /* Before the answer is looked at, so that a source over its budget of
   * wrong passwords learns nothing from its guesses. */
  if (!prov_limiter_check (self->logins, source, now, NULL))
    {
      g_debug ("%s: too many failed logins: refused", peer);
      return respond (msg, 403, "Forbidden (too many failed logins)", NULL);
    }
  state = prov_sip_nonces_use (self->nonces, digest->nonce, now);
  /* The digest's uri is not compared with the Request-URI: proxies rewrite
   * the latter, and a nonce we issued opens one request only anyway. */
  ok = verify_credentials (self, digest);
  if (state != PROV_SIP_NONCE_VALID)
    {
      /* stale=TRUE only for right credentials (RFC 2617 §3.2.1). */
      g_debug ("%s: nonce %s: challenging again", peer, nonce_state_to_string (state));
      return challenge (self, msg, ok, now);
    }
  if (!ok)
    {
      g_autofree char *user = g_strescape (digest->username, NULL);
      g_debug ("%s: wrong credentials for user \"%s\"", peer, user);
      /* Only with a nonce of ours: the sender got our challenge, so its
       * address is no spoof. */
      prov_limiter_allow (self->logins, source, now);
      return respond (msg, 403, "Forbidden", NULL);
    }
  /* The name is one of ours here, safe to log as it is. */
  g_debug ("%s: authorised as \"%s\"", peer, digest->username);
  *ok_out = TRUE;
  return respond (msg, 200, "OK", NULL);
}

static GPtrArray *
rules_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

/* The resyncs an XML-Service NOTIFY asks for: its Execute object's items. */
static GPtrArray *
execute_rules (ProvSipMessage *msg, GError **error)
{
  gsize len = 0;
  const char *body = prov_sip_message_get_body (msg, &len);
  g_autoptr(GPtrArray) items = prov_execute_parse (body, len, error);
  GPtrArray *rules;

  if (items == NULL)
    return NULL;
  rules = rules_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ProvExecuteItem *item = g_ptr_array_index (items, i);

      g_ptr_array_add (rules, g_strdup (item->rule));
    }
  return rules;
}

static char *
decide (ProvSipHandler *self, ProvSipMessage *msg, const char *peer, const char *source,
        gint64 now, GPtrArray **resyncs)
{
  g_autoptr(GPtrArray) rules = NULL;
  gboolean ok = FALSE;
  char *response;
  const char *method = prov_sip_message_get_method (msg);
  g_autofree char *to_tag = NULL;
  g_autofree char *event = NULL;
  g_autofree char *reboot = NULL;
  const char *require;

  if (prov_sip_message_get_problem (msg) != NULL)
    {
      g_debug ("%s: %s: bad request (%s)", peer, method, prov_sip_message_get_problem (msg));
      return respond (msg, 400, "Bad Request", NULL);
    }
  if (strcmp (method, "NOTIFY") != 0)
    {
      g_debug ("%s: %s not allowed", peer, method);
      return respond (msg, 405, "Method Not Allowed", "Allow: NOTIFY\r\n");
    }
  /* No dialogs here: a NOTIFY inside one is not ours (RFC 3261 §12.2.2). */
  to_tag = prov_sip_message_get_param (msg, "To", "tag");
  if (to_tag != NULL)
    return respond (msg, 481, "Call/Transaction Does Not Exist", NULL);
  require = prov_sip_message_get_header (msg, "Require");
  if (require != NULL && require[0] != '\0')
    {
      g_autofree char *extra = g_strdup_printf ("Unsupported: %s\r\n", require);
      return respond (msg, 420, "Bad Extension", extra);
    }
  event = prov_sip_message_get_token (msg, "Event");
  if (event == NULL)
    {
      g_debug ("%s: NOTIFY without a valid Event: bad request", peer);
      return respond (msg, 400, "Bad Request", NULL);
    }
  if (strcmp (event, "resync") != 0 && strcmp (event, "check-sync") != 0
      && strcmp (event, "xml-service") != 0)
    {
      g_debug ("%s: event \"%s\" not supported", peer, event);
      return respond (msg, 489, "Bad Event",
                      "Allow-Events: resync, check-sync, xml-service\r\n");
    }
  if (!prov_store_get_bool (self->store, "Resync_From_SIP"))
    {
      g_debug ("%s: Resync_From_SIP is No: refused", peer);
      return respond (msg, 403, "Forbidden", NULL);
    }
  if (strcmp (event, "xml-service") == 0)
    {
      g_autoptr(GError) error = NULL;

      /* Checked whole before any challenge: nothing is owed to garbage. */
      rules = execute_rules (msg, &error);
      if (rules == NULL)
        {
          g_debug ("%s: XML-Service: %s", peer, error->message);
          return respond (msg, 400, "Bad Request (Execute object refused)", NULL);
        }
    }
  else
    {
      reboot = prov_sip_message_get_param (msg, "Event", "reboot");
      if (reboot != NULL && g_ascii_strcasecmp (reboot, "false") != 0)
        g_debug ("%s: reboot requested and ignored: a NOTIFY only ever resyncs", peer);
      /* One resync of the configured rules. */
      rules = rules_new ();
      g_ptr_array_add (rules, NULL);
    }
  response = authenticate (self, msg, peer, source, now, &ok);
  if (ok)
    {
      g_debug ("%s: %u resync(s) due", peer, rules->len);
      *resyncs = g_steal_pointer (&rules);
    }
  return response;
}

static char *
cache_key (const char *data, gsize len, const char *host, guint16 port)
{
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data,
                                                      len);
  return g_strdup_printf ("%s|%u|%s", host, port, sum);
}

static const char *
cache_lookup (ProvSipHandler *self, const char *key, gint64 now)
{
  Cached *c;

  while ((c = g_queue_peek_head (&self->cache)) != NULL && now - c->created >= CACHE_LIFETIME)
    cached_free (g_queue_pop_head (&self->cache));
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    {
      c = l->data;
      if (strcmp (c->key, key) == 0)
        return c->response;
    }
  return NULL;
}

static void
cache_add (ProvSipHandler *self, char *key, const char *response, gint64 now)
{
  Cached *c = g_new0 (Cached, 1);

  while (self->cache.length >= CACHE_MAX)
    cached_free (g_queue_pop_head (&self->cache));
  c->key = key;
  c->response = g_strdup (response);
  c->created = now;
  g_queue_push_tail (&self->cache, c);
}

char *
prov_sip_handler_handle_at (ProvSipHandler *self, const char *data, gsize len,
                            const char *peer_host, guint16 peer_port, gint64 now,
                            GPtrArray **resyncs)
{
  g_autoptr(ProvSipMessage) msg = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *source = NULL;
  g_autofree char *key = NULL;
  const char *cached;
  char *response;

  g_return_val_if_fail (PROV_IS_SIP_HANDLER (self), NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (peer_host != NULL, NULL);
  g_return_val_if_fail (resyncs != NULL, NULL);

  *resyncs = NULL;
  peer = strchr (peer_host, ':') != NULL ? g_strdup_printf ("[%s]:%u", peer_host, peer_port)
                                         : g_strdup_printf ("%s:%u", peer_host, peer_port);
  msg = prov_sip_message_parse (data, len);
  if (msg == NULL)
    {
      g_debug ("%s: dropped %" G_GSIZE_FORMAT " bytes that are no SIP request", peer, len);
      return NULL;
    }
  /* An ACK is never answered; without Via, From, To, Call-ID and CSeq no
   * answer can be addressed. */
  if (strcmp (prov_sip_message_get_method (msg), "ACK") == 0
      || !prov_sip_message_is_addressable (msg))
    {
      g_debug ("%s: dropped %s that cannot be answered", peer, prov_sip_message_get_method (msg));
      return NULL;
    }
  if (!prov_limiter_allow (self->limiter, peer_host, now))
    {
      g_debug ("%s: over the rate limit: dropped", peer);
      return NULL;
    }
  key = cache_key (data, len, peer_host, peer_port);
  cached = cache_lookup (self, key, now);
  if (cached != NULL)
    {
      g_debug ("%s: retransmission: same answer again", peer);
      return g_strdup (cached);
    }
  source = prov_limiter_source_key (peer_host);
  response = decide (self, msg, peer, source, now, resyncs);
  if (response != NULL)
    cache_add (self, g_steal_pointer (&key), response, now);
  return response;
}

char *
prov_sip_handler_handle (ProvSipHandler *self, const char *data, gsize len,
                         const char *peer_host, guint16 peer_port, GPtrArray **resyncs)
{
  return prov_sip_handler_handle_at (self, data, len, peer_host, peer_port,
                                     g_get_monotonic_time (), resyncs);
}

guint
prov_sip_handler_get_n_nonces (ProvSipHandler *self)
{
  return prov_sip_nonces_get_size (self->nonces);
}

guint
prov_sip_handler_get_n_sources (ProvSipHandler *self)
{
  return prov_limiter_get_size (self->limiter);
}

guint
prov_sip_handler_get_n_cached (ProvSipHandler *self)
{
  return self->cache.length;
}
