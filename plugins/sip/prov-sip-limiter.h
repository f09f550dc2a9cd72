/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ProvSipLimiter:
 *
 * Token buckets for the answers sent: one per source address and one for
 * all of them, so that neither one noisy sender nor many spoofed ones turn
 * the listener into a reflector. The per-source table is bounded; when
 * full, the source heard from least recently is forgotten. Times are in
 * microseconds on the monotonic clock, passed in.
 */
typedef struct _ProvSipLimiter ProvSipLimiter;

ProvSipLimiter *prov_sip_limiter_new      (guint           max_sources,
                                           double          rate,
                                           double          burst,
                                           double          global_rate,
                                           double          global_burst);
void            prov_sip_limiter_free     (ProvSipLimiter *self);
/* Takes a token for @source: FALSE when it (or everyone) is over budget. */
gboolean        prov_sip_limiter_allow    (ProvSipLimiter *self,
                                           const char     *source,
                                           gint64          now);
guint           prov_sip_limiter_get_size (ProvSipLimiter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvSipLimiter, prov_sip_limiter_free)

G_END_DECLS
