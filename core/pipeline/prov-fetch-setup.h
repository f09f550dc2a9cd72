/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal, not installed: what the engine, the upgrader and the custom CA
 * share to turn an expanded rule URL into a transfer and to report it. It
 * knows the parameters, the device, the plugins and the folders, never the
 * engine: the engine owns one (prov_engine_get_fetch_setup()) and relays
 * its "log-message". */

#include "prov-device.h"
#include "prov-fetch.h"
#include "prov-registry.h"
#include "prov-rule.h"
#include "prov-store.h"

G_BEGIN_DECLS

typedef enum
{
  PROV_LOG_REQUEST,
  PROV_LOG_SUCCESS,
  PROV_LOG_FAILURE,
  PROV_LOG_UPGRADE_REQUEST,
  PROV_LOG_UPGRADE_SUCCESS,
  PROV_LOG_UPGRADE_FAILURE,
} ProvLogKind;

/**
 * ProvFetchSetup:
 *
 * Signals:
 * - "log-message" (int ProvLogKind, const char *text, guint transfer_id):
 *   the expanded Log_*_Msg (not emitted when the parameter is empty)
 */
#define PROV_TYPE_FETCH_SETUP (prov_fetch_setup_get_type ())
G_DECLARE_FINAL_TYPE (ProvFetchSetup, prov_fetch_setup, PROV, FETCH_SETUP, GObject)

ProvFetchSetup *prov_fetch_setup_new       (ProvStore      *store,
                                            ProvDevice     *device,
                                            ProvRegistry   *registry,
                                            const char     *state_dir);
ProvRegistry   *prov_fetch_setup_get_registry  (ProvFetchSetup *self);
const char     *prov_fetch_setup_get_state_dir (ProvFetchSetup *self);
/* Unset: the state directory. */
const char     *prov_fetch_setup_get_cache_dir (ProvFetchSetup *self);
void            prov_fetch_setup_set_cache_dir (ProvFetchSetup *self,
                                                const char     *cache_dir);
/* The server DHCP gave, for URLs without a host; NULL or "" unsets it. */
const char     *prov_fetch_setup_get_dhcp_server (ProvFetchSetup *self);
void            prov_fetch_setup_set_dhcp_server (ProvFetchSetup *self,
                                                  const char     *server);

/* Fills in the default scheme and, for a URL without a host, @server
 * (the host a request came from, or the profile's server) or else the
 * DHCP server; a local scheme (one whose plugin declares no port, like
 * file) keeps `scheme:///path`. */
char      *prov_fetch_setup_complete_url (ProvFetchSetup *setup,
                                          const char  *url,
                                          const char  *server,
                                          GError     **error);
/* `scheme://host[:port]` of a complete @url, or NULL when it has no host:
 * the server a relative rule can use later. */
char      *prov_fetch_setup_server_of    (const char  *url);
/* A fetch of the complete @url with what every transfer carries: default
 * port, device, state directory, User-Agent (expanded with @vars) and
 * Restricted_Access_Domains. The caller sets the size cap and credentials. */
ProvFetch *prov_fetch_setup_new_fetch    (ProvFetchSetup *setup,
                                          const char  *url,
                                          GHashTable  *vars,
                                          GError     **error);
/* The profile account, when Profile_Authentication_Type allows one:
 * Profile_Account for Basic Http Authentication, the XSI login or SIP
 * credentials (XSI_Authentication_Type) for XSI Authentication. */
void       prov_fetch_setup_set_account  (ProvFetchSetup *setup,
                                          ProvFetch   *fetch);
/* What the rule's chosen alternative asks of any fetch, whatever the rule
 * parameter (one rule syntax, SPEC §4, §7): `--uid`/`--pwd` (else the
 * profile account), `--post x` (the expanded GPP_x as body) and `--srv`
 * (PROV_ERROR_NOT_SUPPORTED). `--key` and `--alias` are the profile
 * decoder's; assignments are the caller's. @secrets may be NULL. */
gboolean   prov_fetch_setup_apply_options (ProvFetchSetup *setup,
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
void       prov_fetch_setup_log_request  (ProvFetchSetup *setup,
                                          ProvLogKind  kind,
                                          GHashTable  *vars,
                                          ProvFetch   *fetch);
/* Before the end message of @fetch: sends its request message if the
 * address never became known (a server that never answered), and leaves
 * in @vars the $SCHEME $SERV $SERVIP $PORT $PATH the request named, so
 * that both messages tell one story. */
void       prov_fetch_setup_log_end      (ProvFetch   *fetch);
/* Expands the Log_*_Msg of @kind, logs it with the transfer id and emits
 * "log-message"; an empty parameter sends nothing. */
void       prov_fetch_setup_emit_log     (ProvFetchSetup *setup,
                                          ProvLogKind  kind,
                                          GHashTable  *vars,
                                          guint        transfer_id);

G_END_DECLS
