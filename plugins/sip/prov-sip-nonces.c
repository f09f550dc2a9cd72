/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "prov-sip-nonces.h"

#define NONCE_BYTES 16

typedef struct
{
  char    *nonce;
  gint64   issued;
  gboolean used;
} Entry;

struct _ProvSipNonces
{
  GHashTable *entries; /* nonce → Entry*, owns the entries */
  GQueue      order;   /* Entry*, oldest first */
  guint       max_size;
  gint64      lifetime;
};

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->nonce);
  g_free (e);
}

ProvSipNonces *
prov_sip_nonces_new (guint max_size, gint64 lifetime)
{
  ProvSipNonces *self = g_new0 (ProvSipNonces, 1);

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  g_queue_init (&self->order);
  self->max_size = MAX (max_size, 1);
  self->lifetime = lifetime;
  return self;
}

void
prov_sip_nonces_free (ProvSipNonces *self)
{
  if (self == NULL)
    return;
  g_queue_clear (&self->order);
  g_hash_table_unref (self->entries);
  g_free (self);
}

static void
drop_oldest (ProvSipNonces *self)
{
  Entry *e = g_queue_pop_head (&self->order);

  g_hash_table_remove (self->entries, e->nonce);
}

/* Entries are in issue order, so the expired ones are at the head. */
static void
purge (ProvSipNonces *self, gint64 now)
{
  Entry *e;

  while ((e = g_queue_peek_head (&self->order)) != NULL && now - e->issued >= self->lifetime)
    drop_oldest (self);
}

char *
prov_sip_nonces_issue (ProvSipNonces *self, gint64 now)
{
  guint8 bytes[NONCE_BYTES];
  GString *hex = g_string_sized_new (2 * NONCE_BYTES);
  Entry *e;

  /* Predictable nonces would let a recorded answer be precomputed. */
  if (gnutls_rnd (GNUTLS_RND_RANDOM, bytes, sizeof bytes) < 0)
    {
      g_string_free (hex, TRUE);
      return NULL;
    }
  for (guint i = 0; i < NONCE_BYTES; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  if (g_hash_table_contains (self->entries, hex->str))
    {
      g_string_free (hex, TRUE);
      return NULL;
    }
  purge (self, now);
  while (g_hash_table_size (self->entries) >= self->max_size)
    drop_oldest (self);
  e = g_new0 (Entry, 1);
  e->nonce = g_strdup (hex->str);
  e->issued = now;
  g_hash_table_insert (self->entries, e->nonce, e);
  g_queue_push_tail (&self->order, e);
  return g_string_free (hex, FALSE);
}

ProvSipNonceState
prov_sip_nonces_use (ProvSipNonces *self, const char *nonce, gint64 now)
{
  Entry *e = g_hash_table_lookup (self->entries, nonce);

  if (e == NULL)
    return PROV_SIP_NONCE_UNKNOWN;
  if (e->used)
    return PROV_SIP_NONCE_USED;
  if (now - e->issued >= self->lifetime || now < e->issued)
    return PROV_SIP_NONCE_EXPIRED;
  /* Kept, marked, until it expires, so that a replay is told apart. */
  e->used = TRUE;
  return PROV_SIP_NONCE_VALID;
}

guint
prov_sip_nonces_get_size (ProvSipNonces *self)
{
  return g_hash_table_size (self->entries);
}
