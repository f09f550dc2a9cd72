/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PROV_SIP_NONCE_VALID,   /* issued, unused, fresh: now consumed */
  PROV_SIP_NONCE_UNKNOWN, /* never issued, evicted, or long expired */
  PROV_SIP_NONCE_EXPIRED,
  PROV_SIP_NONCE_USED,    /* a replay */
} ProvSipNonceState;

/**
 * ProvSipNonces:
 *
 * The challenges given out: random, single-use, valid for a fixed time on
 * the monotonic clock. The table holds at most a fixed number of nonces;
 * when full the oldest is forgotten, so a flood of challenges costs a
 * bounded amount of memory (and at worst makes an honest sender retry).
 * Times are passed in (microseconds) so that tests need not wait.
 */
typedef struct _ProvSipNonces ProvSipNonces;

ProvSipNonces    *prov_sip_nonces_new      (guint          max_size,
                                            gint64         lifetime);
void              prov_sip_nonces_free     (ProvSipNonces *self);
/* A new nonce (32 hex digits), or NULL when no randomness is available. */
char             *prov_sip_nonces_issue    (ProvSipNonces *self,
                                            gint64         now);
/* Consumes @nonce when it is valid; a nonce is accepted once only. */
ProvSipNonceState prov_sip_nonces_use      (ProvSipNonces *self,
                                            const char    *nonce,
                                            gint64         now);
guint             prov_sip_nonces_get_size (ProvSipNonces *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvSipNonces, prov_sip_nonces_free)

G_END_DECLS
