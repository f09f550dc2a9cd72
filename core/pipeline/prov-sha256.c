/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gmodule.h>
#include <nettle/sha2.h>
#include <nettle/version.h>

#include "prov-sha256.h"

/* GChecksum's SHA-256 is plain C: 30 ms for a 10 MB profile, a fifth of
 * its resync (tests/bench/README.md). Nettle's uses the CPU's SHA
 * instructions where there are some (6 ms) and its assembly elsewhere.
 * Nettle is opened only once a stream outgrows a small profile, not
 * linked: a process that never sees a large payload does not pay for
 * loading it (0.3 ms), as with GnuTLS in prov-ca-certs.c. Both give the
 * same digest, so without Nettle GChecksum does it all. The soname is
 * Nettle's ABI: 8 since 3.6. */
#if NETTLE_VERSION_MAJOR != 3 || NETTLE_VERSION_MINOR < 6
#error "Nettle 3.6 or later (soname libnettle.so.8) is needed"
#endif
#define NETTLE_SONAME "libnettle.so.8"

/* Kept as they come until this many bytes: most profiles end before. */
#define SMALL_STREAM (64 * 1024)

typedef struct
{
  __typeof__ (nettle_sha256_init)   *init;
  __typeof__ (nettle_sha256_update) *update;
  __typeof__ (nettle_sha256_digest) *digest;
} Nettle;

struct _ProvSha256
{
  GByteArray        *head;   /* the bytes so far, while the stream is small */
  GChecksum         *glib;   /* without Nettle, once it is not */
  const Nettle      *nettle; /* with Nettle, once it is not */
  struct sha256_ctx  ctx;
  char              *hex;
};

static Nettle nettle;

static gpointer
load_nettle (gpointer unused)
{
  GModule *module = g_module_open (NETTLE_SONAME, G_MODULE_BIND_LOCAL);

  if (module == NULL)
    {
      g_debug ("cannot load %s: %s; SHA-256 by GLib", NETTLE_SONAME, g_module_error ());
      return NULL;
    }
  if (!g_module_symbol (module, "nettle_sha256_init", (gpointer *) &nettle.init)
      || !g_module_symbol (module, "nettle_sha256_update", (gpointer *) &nettle.update)
      || !g_module_symbol (module, "nettle_sha256_digest", (gpointer *) &nettle.digest)
      || nettle.init == NULL || nettle.update == NULL || nettle.digest == NULL)
    {
      g_debug ("%s: %s; SHA-256 by GLib", NETTLE_SONAME, g_module_error ());
      g_module_close (module);
      return NULL;
    }
  g_module_make_resident (module);
  return &nettle;
}

static const Nettle *
get_nettle (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_nettle, NULL);
}

ProvSha256 *
prov_sha256_new (void)
{
  ProvSha256 *self = g_new0 (ProvSha256, 1);

  self->head = g_byte_array_new ();
  return self;
}

void
prov_sha256_update (ProvSha256 *self, const guint8 *data, gsize len)
{
  g_return_if_fail (self != NULL && self->hex == NULL);

  if (self->head != NULL && self->head->len + len <= SMALL_STREAM)
    {
      g_byte_array_append (self->head, data, (guint) len);
      return;
    }
  if (self->head != NULL)
    {
      /* No longer small: the bytes kept go first, into one or the other. */
      self->nettle = get_nettle ();
      if (self->nettle != NULL)
        {
          self->nettle->init (&self->ctx);
          self->nettle->update (&self->ctx, self->head->len, self->head->data);
        }
      else
        {
          self->glib = g_checksum_new (G_CHECKSUM_SHA256);
          g_checksum_update (self->glib, self->head->data, self->head->len);
        }
      g_clear_pointer (&self->head, g_byte_array_unref);
    }
  if (self->nettle != NULL)
    self->nettle->update (&self->ctx, len, data);
  else
    g_checksum_update (self->glib, data, (gssize) len);
}

const char *
prov_sha256_get_string (ProvSha256 *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->hex != NULL)
    return self->hex;
  if (self->head != NULL)
    self->hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, self->head->data,
                                             self->head->len);
  else if (self->nettle != NULL)
    {
      guint8 digest[SHA256_DIGEST_SIZE];

      self->nettle->digest (&self->ctx, sizeof digest, digest);
      self->hex = g_malloc (2 * sizeof digest + 1);
      for (gsize i = 0; i < sizeof digest; i++)
        {
          self->hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
          self->hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 0xf];
        }
      self->hex[2 * sizeof digest] = '\0';
    }
  else
    self->hex = g_strdup (g_checksum_get_string (self->glib));
  return self->hex;
}

void
prov_sha256_free (ProvSha256 *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->head, g_byte_array_unref);
  g_clear_pointer (&self->glib, g_checksum_free);
  g_free (self->hex);
  g_free (self);
}
