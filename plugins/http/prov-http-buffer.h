/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The payload being received: grows on demand, or is sized once from the
 * Content-Length. */
typedef struct _ProvHttpBuffer ProvHttpBuffer;

ProvHttpBuffer *prov_http_buffer_new       (gsize           expected);
/* Room for @n more bytes after the current length. */
guint8         *prov_http_buffer_reserve   (ProvHttpBuffer *self,
                                            gsize           n);
void            prov_http_buffer_commit    (ProvHttpBuffer *self,
                                            gsize           n);
gsize           prov_http_buffer_get_length (ProvHttpBuffer *self);
GBytes         *prov_http_buffer_free_to_bytes (ProvHttpBuffer *self);
void            prov_http_buffer_free      (ProvHttpBuffer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvHttpBuffer, prov_http_buffer_free)

G_END_DECLS
