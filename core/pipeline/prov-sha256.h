/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal: the SHA-256 of a stream, as GChecksum gives it, but fast on
 * large streams. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ProvSha256 ProvSha256;

ProvSha256 *prov_sha256_new        (void);
void        prov_sha256_update     (ProvSha256   *self,
                                    const guint8 *data,
                                    gsize         len);
/* Lowercase hex, as g_checksum_get_string(); no update after it. */
const char *prov_sha256_get_string (ProvSha256   *self);
void        prov_sha256_free       (ProvSha256   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvSha256, prov_sha256_free)

G_END_DECLS
