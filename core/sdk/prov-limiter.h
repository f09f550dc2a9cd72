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
 *
 * Since: 1.0
 */
typedef struct _ProvLimiter ProvLimiter;

/**
 * prov_limiter_new: (skip)
 * @max_sources: the most sources tracked at once
 * @rate: tokens per second for each source
 * @burst: the most tokens a source may save up
 * @global_rate: tokens per second for all sources together
 * @global_burst: the most tokens all sources together may save up
 *
 * A plain C structure for the triggers' listeners, not introspected.
 *
 * Returns: (transfer full): the limiter, every bucket full
 *
 * Since: 1.0
 */

ProvLimiter *prov_limiter_new         (guint        max_sources,
                                       double       rate,
                                       double       burst,
                                       double       global_rate,
                                       double       global_burst);
/**
 * prov_limiter_free:
 * @self: (nullable): a limiter
 *
 * Frees @self.
 *
 * Since: 1.0
 */
void         prov_limiter_free        (ProvLimiter *self);
/**
 * prov_limiter_allow:
 * @self: the limiter
 * @source: the sender (prov_limiter_source_key())
 * @now: the time, in microseconds on the monotonic clock
 *
 * Takes a token for @source.
 *
 * Returns: %TRUE, or %FALSE when @source (or everyone) is over budget
 *
 * Since: 1.0
 */
gboolean     prov_limiter_allow       (ProvLimiter *self,
                                       const char  *source,
                                       gint64       now);
/**
 * prov_limiter_check:
 * @self: the limiter
 * @source: the sender (prov_limiter_source_key())
 * @now: the time, in microseconds on the monotonic clock
 * @retry_after_s: (out) (optional): when prov_limiter_allow() will succeed,
 *   in seconds rounded up
 *
 * Whether prov_limiter_allow() would succeed, without taking a token.
 *
 * Returns: %TRUE when it would
 *
 * Since: 1.0
 */
gboolean     prov_limiter_check       (ProvLimiter *self,
                                       const char  *source,
                                       gint64       now,
                                       guint       *retry_after_s);
/**
 * prov_limiter_get_size:
 * @self: the limiter
 *
 * The size of the per-source table (bounded by the limiter's max_sources).
 *
 * Returns: the number of sources tracked
 *
 * Since: 1.0
 */
guint        prov_limiter_get_size    (ProvLimiter *self);

/**
 * prov_limiter_source_key:
 * @address: a peer's address, or other text (a peer name)
 *
 * The source an address counts as: itself for IPv4 (also v4-mapped), its /64
 * prefix for IPv6, where one host commonly has a whole /64; other text as it
 * is.
 *
 * Returns: (transfer full): the key
 *
 * Since: 1.0
 */
char        *prov_limiter_source_key  (const char  *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvLimiter, prov_limiter_free)

G_END_DECLS
