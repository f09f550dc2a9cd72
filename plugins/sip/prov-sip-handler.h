/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-store.h"

G_BEGIN_DECLS

#define PROV_SIP_DEFAULT_REALM "provisiond"

#define PROV_TYPE_SIP_HANDLER (prov_sip_handler_get_type ())
G_DECLARE_FINAL_TYPE (ProvSipHandler, prov_sip_handler, PROV, SIP_HANDLER, GObject)

/**
 * ProvSipHandler:
 *
 * What the plugin does with one datagram, without any socket: SIP NOTIFY
 * text in, response text out, and whether a resync is due. The UDP
 * listener uses it, and so can a host whose own SIP stack receives the
 * NOTIFY and hands it over (the plugin's "handle-message" action signal).
 *
 * It holds the state that spans requests: the nonces given out, the
 * responses sent recently (a retransmitted request gets the same answer
 * and never a second resync) and the per-source rate limits.
 */
ProvSipHandler *prov_sip_handler_new           (ProvStore      *store,
                                                const char     *realm);
/* An account used instead of the lines' User_ID_n_/Password_n_. */
void            prov_sip_handler_set_account   (ProvSipHandler *self,
                                                const char     *username,
                                                const char     *password);
const char     *prov_sip_handler_get_realm     (ProvSipHandler *self);

/**
 * prov_sip_handler_handle:
 * @peer_host: the sender's address, for rate limiting and logs
 * @peer_port: its port, 0 when unknown
 * @resyncs: (out) (transfer full) (element-type utf8) (nullable): the
 *   resyncs due when the request is authorised, one (nullable) rule each:
 *   NULL for `Event: resync`/`check-sync` (the configured rules), one per
 *   ExecuteItem for `Event: XML-Service`; NULL when none is due
 *
 * Returns: (nullable): the response to send back, or NULL to send nothing
 *   (garbage, a response, an ACK, or a sender over its rate).
 */
char           *prov_sip_handler_handle        (ProvSipHandler *self,
                                                const char     *data,
                                                gsize           len,
                                                const char     *peer_host,
                                                guint16         peer_port,
                                                GPtrArray     **resyncs);
/* The same at a given monotonic time (µs), for tests of expiry. */
char           *prov_sip_handler_handle_at     (ProvSipHandler *self,
                                                const char     *data,
                                                gsize           len,
                                                const char     *peer_host,
                                                guint16         peer_port,
                                                gint64          now,
                                                GPtrArray     **resyncs);

/* Sizes of the bounded tables, for tests. */
guint           prov_sip_handler_get_n_nonces  (ProvSipHandler *self);
guint           prov_sip_handler_get_n_sources (ProvSipHandler *self);
guint           prov_sip_handler_get_n_cached  (ProvSipHandler *self);

G_END_DECLS
