/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The bounds of the endpoint, from the device file's [action-url] group. */
typedef struct
{
  guint  request_timeout_ms; /* RequestTimeout: accept to last byte sent */
  guint  max_connections;    /* MaxConnections */
  guint  max_per_source;     /* MaxConnectionsPerSource */
  double login_burst;        /* FailedLogins: failures a source may make at once */
  double login_per_minute;   /* FailedLoginsPerMinute: and then per minute */
} ProvActionUrlLimits;

/* Reads the keys above (missing ones keep their defaults); a bad value is
 * an error naming the key. */
gboolean prov_action_url_limits_load (ProvActionUrlLimits *limits,
                                      GKeyFile            *keyfile,
                                      GError             **error);

#define PROV_TYPE_ACTION_URL_GUARD (prov_action_url_guard_get_type ())
G_DECLARE_FINAL_TYPE (ProvActionUrlGuard, prov_action_url_guard, PROV, ACTION_URL_GUARD, GObject)

/**
 * ProvActionUrlGuard:
 *
 * What a client may hold of the endpoint. Every response closes its
 * connection (no keep-alive: libsoup 3.2 never frees an idle kept-alive
 * connection whose peer goes away), so a connection is one request and is
 * tracked from its first message: counted against the caps, given a
 * deadline after which it is shut (idle, slowloris, an answer never read),
 * and forgotten when libsoup disconnects it. Failed logins are counted per
 * source (an IPv6 source is its /64) and for everyone.
 */
ProvActionUrlGuard *prov_action_url_guard_new      (const ProvActionUrlLimits *limits);
/* From "request-started": FALSE when the connection is over a cap, in
 * which case it has been answered 503 and shut. */
gboolean    prov_action_url_guard_admit           (ProvActionUrlGuard *self,
                                                   SoupServerMessage  *msg);
/* The client address of an admitted message, for logs ("?" otherwise). */
const char *prov_action_url_guard_get_peer        (SoupServerMessage  *msg);
/* Ends the connection of @msg now (a body too large to read). */
void        prov_action_url_guard_shut            (SoupServerMessage  *msg);
/* FALSE while the source of @msg has failed too often; @retry_after_s
 * says for how long. */
gboolean    prov_action_url_guard_may_login       (ProvActionUrlGuard *self,
                                                   SoupServerMessage  *msg,
                                                   guint              *retry_after_s);
void        prov_action_url_guard_login_failed    (ProvActionUrlGuard *self,
                                                   SoupServerMessage  *msg);
guint       prov_action_url_guard_get_n_connections (ProvActionUrlGuard *self);

G_END_DECLS
