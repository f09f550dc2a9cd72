/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ProvLimiter:
 *
 * Token buckets: one per source address and one for all of them, so that
 * neither one noisy sender nor many spoofed ones get through. The SIP
 * trigger spends a token per answer (no reflector), both triggers one per
 * failed login (no password guessing). The per-source table is bounded;
 * when full, the source heard from least recently is forgotten. Times are
 * in microseconds on the monotonic clock, passed in.
 */
typedef struct _ProvLimiter ProvLimiter;

/**
 * prov_limiter_new: (skip)
 *
 * A plain C structure for the triggers' listeners, not introspected.
 */

ProvLimiter *prov_limiter_new         (guint        max_sources,
                                       double       rate,
                                       double       burst,
                                       double       global_rate,
                                       double       global_burst);
void         prov_limiter_free        (ProvLimiter *self);
/* Takes a token for @source: FALSE when it (or everyone) is over budget. */
gboolean     prov_limiter_allow       (ProvLimiter *self,
                                       const char  *source,
                                       gint64       now);
/* Whether prov_limiter_allow() would succeed, without taking a token;
 * when not, @retry_after_s (optional) is when it will, rounded up. */
gboolean     prov_limiter_check       (ProvLimiter *self,
                                       const char  *source,
                                       gint64       now,
                                       guint       *retry_after_s);
guint        prov_limiter_get_size    (ProvLimiter *self);

/* The source an address counts as: itself for IPv4 (also v4-mapped), its
 * /64 prefix for IPv6, where one host commonly has a whole /64; other
 * text (a peer name) as it is. */
char        *prov_limiter_source_key  (const char  *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvLimiter, prov_limiter_free)

G_END_DECLS
