/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-device.h"

G_BEGIN_DECLS

#define PROV_TYPE_FETCH (prov_fetch_get_type ())
G_DECLARE_FINAL_TYPE (ProvFetch, prov_fetch, PROV, FETCH, GObject)

/**
 * ProvFetch:
 *
 * One transfer: what the engine asks a transport (or source) for, and what
 * the transport reports back besides the payload. Every log line about a
 * transfer carries prov_fetch_get_id().
 *
 * Signals: "progress" (guint64 received, guint64 total or 0 when unknown);
 * "committed" (no arguments), see prov_fetch_commit(); "server-ip" (const
 * char *ip) when prov_fetch_set_server_ip() changes it.
 */

/**
 * prov_fetch_new:
 * @url: an absolute URL
 * @error: return location for a #PROV_ERROR (a malformed @url)
 *
 * Returns: (transfer full): a new fetch of @url
 */
ProvFetch   *prov_fetch_new                 (const char  *url,
                                             GError     **error);

guint        prov_fetch_get_id              (ProvFetch   *self);
const char  *prov_fetch_get_url             (ProvFetch   *self);
GUri        *prov_fetch_get_uri             (ProvFetch   *self);
const char  *prov_fetch_get_scheme          (ProvFetch   *self);
const char  *prov_fetch_get_host            (ProvFetch   *self);
/* The URL's port, or the scheme's default port when the URL has none. */
guint        prov_fetch_get_port            (ProvFetch   *self);
void         prov_fetch_set_default_port    (ProvFetch   *self,
                                             guint        port);
/* Path with query, as $PATH. */
const char  *prov_fetch_get_path            (ProvFetch   *self);

/* Request. A body makes an HTTP fetch a POST. */
GBytes      *prov_fetch_get_body            (ProvFetch   *self);
void         prov_fetch_set_body            (ProvFetch   *self,
                                             GBytes      *body);
const char  *prov_fetch_get_username        (ProvFetch   *self);
const char  *prov_fetch_get_password        (ProvFetch   *self);
void         prov_fetch_set_credentials     (ProvFetch   *self,
                                             const char  *username,
                                             const char  *password);
/* "basic", "digest" or NULL: what the profile account allows. */
const char  *prov_fetch_get_auth_type       (ProvFetch   *self);
void         prov_fetch_set_auth_type       (ProvFetch   *self,
                                             const char  *auth_type);
const char  *prov_fetch_get_user_agent      (ProvFetch   *self);
void         prov_fetch_set_user_agent      (ProvFetch   *self,
                                             const char  *user_agent);
guint64      prov_fetch_get_max_size        (ProvFetch   *self);
void         prov_fetch_set_max_size        (ProvFetch   *self,
                                             guint64      max_size);
/* Whole-transfer bound in seconds; transports derive their own waits. */
guint        prov_fetch_get_timeout         (ProvFetch   *self);
void         prov_fetch_set_timeout         (ProvFetch   *self,
                                             guint        seconds);
/**
 * prov_fetch_get_device:
 * @self: the fetch
 *
 * Returns: (transfer none) (nullable): the device whose settings the transport reads
 */
ProvDevice  *prov_fetch_get_device          (ProvFetch   *self);
void         prov_fetch_set_device          (ProvFetch   *self,
                                             ProvDevice  *device);
/* The directory of the daemon's state; the custom CA certificates that
 * Custom_CA_Rule installed are PROV_CUSTOM_CA_FILE in it. */
#define PROV_CUSTOM_CA_FILE "custom-ca.pem"
const char  *prov_fetch_get_state_dir       (ProvFetch   *self);
void         prov_fetch_set_state_dir       (ProvFetch   *self,
                                             const char  *state_dir);
/* Where a transport keeps what it may lose (HTTP validators): the cache
 * directory, else the state directory. Since plugin ABI 1.2. */
const char  *prov_fetch_get_cache_dir       (ProvFetch   *self);
void         prov_fetch_set_cache_dir       (ProvFetch   *self,
                                             const char  *cache_dir);
/* Restricted_Access_Domains: NULL or empty = every host allowed. */
void         prov_fetch_set_allowed_hosts   (ProvFetch   *self,
                                             const char * const *hosts);
gboolean     prov_fetch_host_allowed        (ProvFetch   *self,
                                             const char  *host);
/* A plugin setting: [plugin-group] key in the device file, else NULL. */
char        *prov_fetch_get_setting         (ProvFetch   *self,
                                             const char  *group,
                                             const char  *key);

/* Where the payload goes, as it arrives (plugin ABI 2). The consumer sets
 * the sink before starting the transfer; the transport hands over each
 * piece of the body with prov_fetch_deliver(), in order, only for the
 * answer that counts (not a redirect's or an error page's body). */
/**
 * prov_fetch_get_sink:
 * @self: the fetch
 *
 * Returns: (transfer none) (nullable): where the body goes
 */
GOutputStream *prov_fetch_get_sink          (ProvFetch   *self);
void         prov_fetch_set_sink            (ProvFetch   *self,
                                             GOutputStream *sink);
/* Writes @len bytes to the sink. Fails with PROV_ERROR_TRANSPORT "too
 * large" when the body grows past prov_fetch_get_max_size() (nothing of
 * that piece is written), or with the sink's error as a PROV_ERROR (the
 * consumer's own, e.g. a profile that does not parse). On failure the
 * transport stops and returns that error as is. */
gboolean     prov_fetch_deliver             (ProvFetch   *self,
                                             const void  *data,
                                             gsize        len,
                                             GCancellable *cancellable,
                                             GError     **error);
/* Bytes delivered so far. */
guint64      prov_fetch_get_delivered       (ProvFetch   *self);

/* What the transport reports. */
void         prov_fetch_report_progress     (ProvFetch   *self,
                                             guint64      received,
                                             guint64      total);
/* The address the transport talks to ($SERVIP), set in the fetch's main
 * context as soon as it is known (the engine's request message waits for
 * it), e.g. when connecting or at the server's first answer. */
const char  *prov_fetch_get_server_ip       (ProvFetch   *self);
void         prov_fetch_set_server_ip       (ProvFetch   *self,
                                             const char  *server_ip);
gboolean     prov_fetch_get_not_modified    (ProvFetch   *self);
void         prov_fetch_set_not_modified    (ProvFetch   *self,
                                             gboolean     not_modified);
/* The engine calls this once the resync that fetched this payload has
 * been applied. A transport that remembers something per URL (HTTP
 * validators) connects to "committed" and saves it only then, so that a
 * profile the engine rejected is fetched in full next time. */
void         prov_fetch_commit              (ProvFetch   *self);
const char  *prov_fetch_get_content_encoding (ProvFetch  *self);
void         prov_fetch_set_content_encoding (ProvFetch  *self,
                                              const char *encoding);

G_END_DECLS
