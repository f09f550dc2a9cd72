/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ProvSipDigest:
 *
 * The Digest credentials of one Authorization header (RFC 2617 §3.2.2, as
 * used by SIP): MD5 only, with qop=auth (nc, cnonce) or without qop (the
 * RFC 2069 form). The parser refuses anything else, so a check never has
 * to think about a half-filled structure.
 */
typedef struct
{
  char *username;
  char *realm;
  char *nonce;
  char *uri;
  char *response; /* 32 lower-case hex digits */
  char *qop;      /* "auth" or NULL */
  char *nc;       /* 8 hex digits when qop is set */
  char *cnonce;
} ProvSipDigest;

ProvSipDigest *prov_sip_digest_parse   (const char          *header);
void           prov_sip_digest_free    (ProvSipDigest       *self);

/* The expected response, as 32 lower-case hex digits. @qop NULL is the
 * RFC 2069 form, which ignores @nc and @cnonce. */
char          *prov_sip_digest_compute (const char          *username,
                                        const char          *realm,
                                        const char          *password,
                                        const char          *method,
                                        const char          *uri,
                                        const char          *nonce,
                                        const char          *qop,
                                        const char          *nc,
                                        const char          *cnonce);

/* Whether @self was computed with @password for a request of @method, in
 * time that does not depend on where the responses differ. */
gboolean       prov_sip_digest_verify  (const ProvSipDigest *self,
                                        const char          *method,
                                        const char          *password);

/* Compares two strings of the same length without an early exit. */
gboolean       prov_sip_equal_constant_time (const char     *a,
                                             const char     *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvSipDigest, prov_sip_digest_free)

G_END_DECLS
