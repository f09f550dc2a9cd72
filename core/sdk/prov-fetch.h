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
 *
 * Since: 1.0
 */

/**
 * prov_fetch_new:
 * @url: an absolute URL
 * @error: return location for a #PROV_ERROR (a malformed @url)
 *
 * A fetch with the defaults: 16 MiB at most, 30 s, no credentials, no
 * sink.
 *
 * Returns: (transfer full): a new fetch of @url
 *
 * Since: 1.0
 */
ProvFetch   *prov_fetch_new                 (const char  *url,
                                             GError     **error);

/**
 * prov_fetch_get_id:
 * @self: the fetch
 *
 * Gets the number of this transfer, which every log line about it carries.
 *
 * Returns: the number of this transfer, which every log line about it carries
 *
 * Since: 1.0
 */
guint        prov_fetch_get_id              (ProvFetch   *self);
/**
 * prov_fetch_get_url:
 * @self: the fetch
 *
 * Gets the URL, as given to prov_fetch_new().
 *
 * Returns: the URL, as given to prov_fetch_new()
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_url             (ProvFetch   *self);
/**
 * prov_fetch_get_uri:
 * @self: the fetch
 *
 * Gets the parsed URL.
 *
 * Returns: (transfer none): the parsed URL
 *
 * Since: 1.0
 */
GUri        *prov_fetch_get_uri             (ProvFetch   *self);
/**
 * prov_fetch_get_scheme:
 * @self: the fetch
 *
 * Gets the URL's scheme, lower case.
 *
 * Returns: the URL's scheme, lower case
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_scheme          (ProvFetch   *self);
/**
 * prov_fetch_get_host:
 * @self: the fetch
 *
 * Gets the URL's host, without IPv6 brackets.
 *
 * Returns: (nullable): the URL's host, without IPv6 brackets
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_host            (ProvFetch   *self);
/**
 * prov_fetch_get_port:
 * @self: the fetch
 *
 * Gets the URL's port.
 *
 * Returns: the URL's port, or the scheme's default port when the URL has none
 *   (0 when neither is known)
 *
 * Since: 1.0
 */
guint        prov_fetch_get_port            (ProvFetch   *self);
/**
 * prov_fetch_set_default_port:
 * @self: the fetch
 * @port: the scheme's default port
 *
 * The port prov_fetch_get_port() returns when the URL has none; the
 * engine sets it from the plugin that handles the scheme.
 *
 * Since: 1.0
 */
void         prov_fetch_set_default_port    (ProvFetch   *self,
                                             guint        port);
/**
 * prov_fetch_get_path:
 * @self: the fetch
 *
 * Gets the path with the query (`$PATH`).
 *
 * Returns: the path with the query (`$PATH`)
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_path            (ProvFetch   *self);

/**
 * prov_fetch_get_body:
 * @self: the fetch
 *
 * A body makes an HTTP fetch a POST (`--post`).
 *
 * Returns: (transfer none) (nullable): the request body
 *
 * Since: 1.0
 */
GBytes      *prov_fetch_get_body            (ProvFetch   *self);
/**
 * prov_fetch_set_body:
 * @self: the fetch
 * @body: (nullable): the request body, or %NULL for none
 *
 * Sets the request body.
 *
 * Since: 1.0
 */
void         prov_fetch_set_body            (ProvFetch   *self,
                                             GBytes      *body);
/**
 * prov_fetch_get_username:
 * @self: the fetch
 *
 * Gets the user name of the profile account or the URL.
 *
 * Returns: (nullable): the user name of the profile account or the URL
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_username        (ProvFetch   *self);
/**
 * prov_fetch_get_password:
 * @self: the fetch
 *
 * Gets the password.
 *
 * Returns: (nullable): the password; never log it
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_password        (ProvFetch   *self);
/**
 * prov_fetch_set_credentials:
 * @self: the fetch
 * @username: (nullable): the user name
 * @password: (nullable): the password
 *
 * Sets the credentials (`--uid`, `--pwd` or the profile account).
 *
 * Since: 1.0
 */
void         prov_fetch_set_credentials     (ProvFetch   *self,
                                             const char  *username,
                                             const char  *password);
/**
 * prov_fetch_get_auth_type:
 * @self: the fetch
 *
 * Gets "basic", "digest" or %NULL: the HTTP authentication the profile account
 * allows.
 *
 * Returns: (nullable): "basic", "digest" or %NULL: the HTTP authentication the
 *   profile account allows
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_auth_type       (ProvFetch   *self);
/**
 * prov_fetch_set_auth_type:
 * @self: the fetch
 * @auth_type: (nullable): "basic", "digest" or %NULL for either
 *
 * Sets the HTTP authentication the profile account allows.
 *
 * Since: 1.0
 */
void         prov_fetch_set_auth_type       (ProvFetch   *self,
                                             const char  *auth_type);
/**
 * prov_fetch_get_user_agent:
 * @self: the fetch
 *
 * Gets the User-Agent to send (HTTP_User_Agent, expanded).
 *
 * Returns: (nullable): the User-Agent to send (HTTP_User_Agent, expanded)
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_user_agent      (ProvFetch   *self);
/**
 * prov_fetch_set_user_agent:
 * @self: the fetch
 * @user_agent: (nullable): the User-Agent
 *
 * Sets the User-Agent.
 *
 * Since: 1.0
 */
void         prov_fetch_set_user_agent      (ProvFetch   *self,
                                             const char  *user_agent);
/**
 * prov_fetch_get_max_size:
 * @self: the fetch
 *
 * Gets the largest body accepted, in bytes (16 MiB unless set).
 *
 * Returns: the largest body accepted, in bytes (16 MiB unless set)
 *
 * Since: 1.0
 */
guint64      prov_fetch_get_max_size        (ProvFetch   *self);
/**
 * prov_fetch_set_max_size:
 * @self: the fetch
 * @max_size: the largest body accepted, in bytes
 *
 * A body beyond it fails with %PROV_ERROR_TRANSPORT "too large"
 * (prov_fetch_deliver()).
 *
 * Since: 1.0
 */
void         prov_fetch_set_max_size        (ProvFetch   *self,
                                             guint64      max_size);
/**
 * prov_fetch_get_timeout:
 * @self: the fetch
 *
 * Gets the bound of the whole transfer in seconds (30 unless set).
 *
 * Returns: the bound of the whole transfer in seconds (30 unless set);
 *   transports derive their own waits from it
 *
 * Since: 1.0
 */
guint        prov_fetch_get_timeout         (ProvFetch   *self);
/**
 * prov_fetch_set_timeout:
 * @self: the fetch
 * @seconds: the bound of the whole transfer
 *
 * Sets the bound of the whole transfer.
 *
 * Since: 1.0
 */
void         prov_fetch_set_timeout         (ProvFetch   *self,
                                             guint        seconds);
/**
 * prov_fetch_get_device:
 * @self: the fetch
 *
 * The device file, for the transport's own group ([tftp], [http]…).
 *
 * Returns: (transfer none) (nullable): the device whose settings the transport
 *   reads
 *
 * Since: 1.0
 */
ProvDevice  *prov_fetch_get_device          (ProvFetch   *self);
/**
 * prov_fetch_set_device:
 * @self: the fetch
 * @device: (nullable): the device whose settings the transport reads
 *
 * Sets the device whose settings the transport reads.
 *
 * Since: 1.0
 */
void         prov_fetch_set_device          (ProvFetch   *self,
                                             ProvDevice  *device);
/**
 * PROV_CUSTOM_CA_FILE:
 * The file, in the state directory (prov_fetch_get_state_dir()), of the
 * custom CA certificates that Custom_CA_Rule installed.
 *
 * Since: 1.0
 */
#define PROV_CUSTOM_CA_FILE "custom-ca.pem"
/**
 * prov_fetch_get_state_dir:
 * @self: the fetch
 *
 * Gets the directory of the daemon's state.
 *
 * Returns: (nullable): the directory of the daemon's state
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_state_dir       (ProvFetch   *self);
/**
 * prov_fetch_set_state_dir:
 * @self: the fetch
 * @state_dir: (nullable): the directory of the daemon's state
 *
 * Sets the directory of the daemon's state.
 *
 * Since: 1.0
 */
void         prov_fetch_set_state_dir       (ProvFetch   *self,
                                             const char  *state_dir);
/**
 * prov_fetch_get_cache_dir:
 * @self: the fetch
 *
 * Where a transport keeps what it may lose (HTTP validators).
 *
 * Returns: (nullable): the cache directory, else the state directory
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_cache_dir       (ProvFetch   *self);
/**
 * prov_fetch_set_cache_dir:
 * @self: the fetch
 * @cache_dir: (nullable): the cache directory
 *
 * Sets the cache directory.
 *
 * Since: 1.0
 */
void         prov_fetch_set_cache_dir       (ProvFetch   *self,
                                             const char  *cache_dir);
/**
 * prov_fetch_set_allowed_hosts:
 * @self: the fetch
 * @hosts: (nullable) (array zero-terminated=1): the hosts allowed
 *
 * Restricted_Access_Domains: %NULL or empty allows every host.
 *
 * Since: 1.0
 */
void         prov_fetch_set_allowed_hosts   (ProvFetch   *self,
                                             const char * const *hosts);
/**
 * prov_fetch_host_allowed:
 * @self: the fetch
 * @host: a host name or address
 *
 * Checks @host against Restricted_Access_Domains.
 *
 * Returns: whether a transfer (or a redirect) may go to @host
 *
 * Since: 1.0
 */
gboolean     prov_fetch_host_allowed        (ProvFetch   *self,
                                             const char  *host);
/**
 * prov_fetch_get_setting:
 * @self: the fetch
 * @group: the plugin's group of the device file
 * @key: the key
 *
 * A plugin setting of the device file.
 *
 * Returns: (transfer full) (nullable): the setting `[group] key` of the
 *   device file, or %NULL
 *
 * Since: 1.0
 */
char        *prov_fetch_get_setting         (ProvFetch   *self,
                                             const char  *group,
                                             const char  *key);

/**
 * prov_fetch_get_sink:
 * @self: the fetch
 *
 * Where the payload goes, as it arrives. The consumer sets the sink before
 * starting the transfer; the transport hands over each piece of the body with
 * prov_fetch_deliver(), in order, only for the answer that counts (not a
 * redirect's or an error page's body).
 *
 * Returns: (transfer none) (nullable): where the body goes
 *
 * Since: 1.0
 */
GOutputStream *prov_fetch_get_sink          (ProvFetch   *self);
/**
 * prov_fetch_set_sink:
 * @self: the fetch
 * @sink: (nullable): where the body goes
 *
 * Sets where the body goes.
 *
 * Since: 1.0
 */
void         prov_fetch_set_sink            (ProvFetch   *self,
                                             GOutputStream *sink);
/**
 * prov_fetch_deliver:
 * @self: the fetch
 * @data: (array length=len) (element-type guint8): a piece of the body
 * @len: its length
 * @cancellable: (nullable): cancels the write
 * @error: return location for a #PROV_ERROR
 *
 * Writes @len bytes to the sink. Fails with %PROV_ERROR_TRANSPORT "too
 * large" when the body grows past prov_fetch_get_max_size() (nothing of that
 * piece is written), or with the sink's error as a #PROV_ERROR (the
 * consumer's own, e.g. a profile that does not parse). On failure the
 * transport stops and returns that error as is.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean     prov_fetch_deliver             (ProvFetch   *self,
                                             const void  *data,
                                             gsize        len,
                                             GCancellable *cancellable,
                                             GError     **error);
/**
 * prov_fetch_get_delivered:
 * @self: the fetch
 *
 * Gets the number of bytes delivered so far.
 *
 * Returns: the number of bytes delivered so far
 *
 * Since: 1.0
 */
guint64      prov_fetch_get_delivered       (ProvFetch   *self);

/**
 * prov_fetch_report_progress:
 * @self: the fetch
 * @received: bytes received so far
 * @total: the size announced, or 0 when unknown
 *
 * Emits "progress" (what the transport reports).
 *
 * Since: 1.0
 */
void         prov_fetch_report_progress     (ProvFetch   *self,
                                             guint64      received,
                                             guint64      total);
/**
 * prov_fetch_get_server_ip:
 * @self: the fetch
 *
 * Gets the address the transport talks to (`$SERVIP`).
 *
 * Returns: (nullable): the address the transport talks to (`$SERVIP`), or %NULL
 *   before it is known
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_server_ip       (ProvFetch   *self);
/**
 * prov_fetch_set_server_ip:
 * @self: the fetch
 * @server_ip: the peer's address
 *
 * Set in the fetch's main context as soon as it is known (the engine's
 * request message waits for it), e.g. when connecting or at the server's
 * first answer; emits "server-ip" when it changes.
 *
 * Since: 1.0
 */
void         prov_fetch_set_server_ip       (ProvFetch   *self,
                                             const char  *server_ip);
/**
 * prov_fetch_get_not_modified:
 * @self: the fetch
 *
 * Gets whether the server answered "unchanged" (HTTP 304).
 *
 * Returns: whether the server answered "unchanged" (HTTP 304)
 *
 * Since: 1.0
 */
gboolean     prov_fetch_get_not_modified    (ProvFetch   *self);
/**
 * prov_fetch_set_not_modified:
 * @self: the fetch
 * @not_modified: whether the answer was "unchanged"
 *
 * A transport sets it for a 304-style answer, which delivers nothing.
 *
 * Since: 1.0
 */
void         prov_fetch_set_not_modified    (ProvFetch   *self,
                                             gboolean     not_modified);
/**
 * prov_fetch_commit:
 * @self: the fetch
 *
 * The engine calls this once the resync that fetched this payload has been
 * applied; it emits "committed". A transport that remembers something per
 * URL (HTTP validators) connects to it and saves only then, so that a
 * profile the engine rejected is fetched in full next time.
 *
 * Since: 1.0
 */
void         prov_fetch_commit              (ProvFetch   *self);
/**
 * prov_fetch_get_content_encoding:
 * @self: the fetch
 *
 * Gets the Content-Encoding the server declared, for codecs.
 *
 * Returns: (nullable): the Content-Encoding the server declared, for codecs
 *
 * Since: 1.0
 */
const char  *prov_fetch_get_content_encoding (ProvFetch  *self);
/**
 * prov_fetch_set_content_encoding:
 * @self: the fetch
 * @encoding: (nullable): the declared Content-Encoding
 *
 * Sets the declared Content-Encoding.
 *
 * Since: 1.0
 */
void         prov_fetch_set_content_encoding (ProvFetch  *self,
                                              const char *encoding);

G_END_DECLS
