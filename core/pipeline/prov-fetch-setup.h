/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal, not installed: what the engine and the upgrader share to turn
 * an expanded rule URL into a transfer and to report it. */

#include "prov-engine.h"
#include "prov-fetch.h"
#include "prov-rule.h"

G_BEGIN_DECLS

/* Fills in the default scheme and, for a URL without a host, @server
 * (the host a request came from, or the profile's server) or else the
 * DHCP server; a local scheme (one whose plugin declares no port, like
 * file) keeps `scheme:///path`. */
char      *prov_fetch_setup_complete_url (ProvEngine  *engine,
                                          const char  *url,
                                          const char  *server,
                                          GError     **error);
/* `scheme://host[:port]` of a complete @url, or NULL when it has no host:
 * the server a relative rule can use later. */
char      *prov_fetch_setup_server_of    (const char  *url);
/* A fetch of the complete @url with what every transfer carries: default
 * port, device, state directory, User-Agent (expanded with @vars) and
 * Restricted_Access_Domains. The caller sets the size cap and credentials. */
ProvFetch *prov_fetch_setup_new          (ProvEngine  *engine,
                                          const char  *url,
                                          GHashTable  *vars,
                                          GError     **error);
/* The profile account, when Profile_Authentication_Type allows one:
 * Profile_Account for Basic Http Authentication, the XSI login or SIP
 * credentials (XSI_Authentication_Type) for XSI Authentication. */
void       prov_fetch_setup_set_account  (ProvEngine  *engine,
                                          ProvFetch   *fetch);
/* What the rule's chosen alternative asks of any fetch, whatever the rule
 * parameter (one rule syntax, SPEC §4, §7): `--uid`/`--pwd` (else the
 * profile account), `--post x` (the expanded GPP_x as body) and `--srv`
 * (PROV_ERROR_NOT_SUPPORTED). `--key` and `--alias` are the profile
 * decoder's; assignments are the caller's. @secrets may be NULL. */
gboolean   prov_fetch_setup_apply_options (ProvEngine  *engine,
                                           ProvFetch   *fetch,
                                           const ProvRuleAlt *alt,
                                           GHashTable  *vars,
                                           GHashTable  *secrets,
                                           GError     **error);
/* PROV_ERROR_TRANSPORT "restricted host" outside Restricted_Access_Domains. */
gboolean   prov_fetch_setup_check_host   (ProvFetch   *fetch,
                                          GError     **error);
/* $SCHEME $SERV $SERVIP $PORT $PATH of @fetch. */
void       prov_fetch_setup_url_vars     (GHashTable  *vars,
                                          ProvFetch   *fetch);
/* The request message (Log_Request_Msg, Log_Upgrade_Request_Msg) of
 * @fetch, which is about to start: sent once the transport knows the
 * server's address, so that $SERVIP is the address used. Call
 * prov_fetch_setup_log_end() when the transfer ends. */
void       prov_fetch_setup_log_request  (ProvEngine  *engine,
                                          ProvLogKind  kind,
                                          GHashTable  *vars,
                                          ProvFetch   *fetch);
/* Before the end message of @fetch: sends its request message if the
 * address never became known (a server that never answered), and leaves
 * in @vars the $SCHEME $SERV $SERVIP $PORT $PATH the request named, so
 * that both messages tell one story. */
void       prov_fetch_setup_log_end      (ProvFetch   *fetch);
/* Expands the Log_*_Msg of @kind, logs it with the transfer id and emits
 * the engine's "log-message"; an empty parameter sends nothing. */
void       prov_fetch_setup_emit_log     (ProvEngine  *engine,
                                          ProvLogKind  kind,
                                          GHashTable  *vars,
                                          guint        transfer_id);

G_END_DECLS
