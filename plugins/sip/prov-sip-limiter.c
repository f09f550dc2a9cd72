/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-sip-limiter.h"

typedef struct
{
  char   *source;
  double  tokens;
  gint64  last;
} Bucket;

struct _ProvSipLimiter
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

ProvSipLimiter *
prov_sip_limiter_new (guint max_sources, double rate, double burst, double global_rate,
                      double global_burst)
{
  ProvSipLimiter *self = g_new0 (ProvSipLimiter, 1);

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
prov_sip_limiter_free (ProvSipLimiter *self)
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
forget_least_recent (ProvSipLimiter *self)
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

gboolean
prov_sip_limiter_allow (ProvSipLimiter *self, const char *source, gint64 now)
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
prov_sip_limiter_get_size (ProvSipLimiter *self)
{
  return g_hash_table_size (self->buckets);
}
