/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "prov-limiter.h"

typedef struct
{
  char   *source;
  double  tokens;
  gint64  last;
} Bucket;

struct _ProvLimiter
{
  GHashTable *buckets; /* source → Bucket*, owns the buckets */
  Bucket      global;
  guint       max_sources;
  double      rate;
  double      burst;
  double      global_rate;
  double      global_burst;
};

static void
bucket_free (gpointer data)
{
  Bucket *b = data;

  g_free (b->source);
  g_free (b);
}

ProvLimiter *
prov_limiter_new (guint max_sources, double rate, double burst, double global_rate,
                      double global_burst)
{
  ProvLimiter *self = g_new0 (ProvLimiter, 1);

  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, bucket_free);
  self->max_sources = MAX (max_sources, 1);
  self->rate = rate;
  self->burst = burst;
  self->global_rate = global_rate;
  self->global_burst = global_burst;
  self->global.tokens = global_burst;
  self->global.last = G_MININT64;
  return self;
}

void
prov_limiter_free (ProvLimiter *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->buckets);
  g_free (self);
}

static void
refill (Bucket *b, gint64 now, double rate, double burst)
{
  if (b->last != G_MININT64 && now > b->last)
    b->tokens = MIN (burst, b->tokens + (double) (now - b->last) / G_USEC_PER_SEC * rate);
  b->last = now;
}

static void
forget_least_recent (ProvLimiter *self)
{
  GHashTableIter iter;
  Bucket *b;
  Bucket *oldest = NULL;

  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &b))
    if (oldest == NULL || b->last < oldest->last)
      oldest = b;
  if (oldest != NULL)
    g_hash_table_remove (self->buckets, oldest->source);
}

static double
tokens_at (const Bucket *b, gint64 now, double rate, double burst)
{
  if (b->last == G_MININT64 || now <= b->last)
    return b->tokens;
  return MIN (burst, b->tokens + (double) (now - b->last) / G_USEC_PER_SEC * rate);
}

/* Seconds until @tokens reach 1 at @rate, rounded up; at least 1. */
static guint
wait_s (double tokens, double rate)
{
  double s = rate > 0 ? (1.0 - tokens) / rate : G_MAXUINT;

  return (guint) MAX (1.0, MIN (s + 0.999, (double) G_MAXUINT));
}

gboolean
prov_limiter_check (ProvLimiter *self, const char *source, gint64 now, guint *retry_after_s)
{
  Bucket *b = g_hash_table_lookup (self->buckets, source);
  double own = b != NULL ? tokens_at (b, now, self->rate, self->burst) : self->burst;
  double all = tokens_at (&self->global, now, self->global_rate, self->global_burst);
  guint wait = 0;

  if (own < 1.0)
    wait = wait_s (own, self->rate);
  if (all < 1.0)
    wait = MAX (wait, wait_s (all, self->global_rate));
  if (retry_after_s != NULL)
    *retry_after_s = wait;
  return wait == 0;
}

gboolean
prov_limiter_allow (ProvLimiter *self, const char *source, gint64 now)
{
  Bucket *b = g_hash_table_lookup (self->buckets, source);

  if (b == NULL)
    {
      if (g_hash_table_size (self->buckets) >= self->max_sources)
        forget_least_recent (self);
      b = g_new0 (Bucket, 1);
      b->source = g_strdup (source);
      b->tokens = self->burst;
      b->last = now;
      g_hash_table_insert (self->buckets, b->source, b);
    }
  refill (b, now, self->rate, self->burst);
  refill (&self->global, now, self->global_rate, self->global_burst);
  if (b->tokens < 1.0 || self->global.tokens < 1.0)
    return FALSE;
  b->tokens -= 1.0;
  self->global.tokens -= 1.0;
  return TRUE;
}

guint
prov_limiter_get_size (ProvLimiter *self)
{
  return g_hash_table_size (self->buckets);
}

char *
prov_limiter_source_key (const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  const guint8 *bytes;

  if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6)
    return g_strdup (address);
  bytes = g_inet_address_to_bytes (inet);
  if (g_inet_address_get_is_loopback (inet))
    return g_strdup (address);
  /* ::ffff:a.b.c.d is the IPv4 host a.b.c.d */
  if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    return g_strdup_printf ("%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
  return g_strdup_printf ("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", bytes[0], bytes[1],
                          bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
}
