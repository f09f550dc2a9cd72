/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PROV_TYPE_HTTP_CACHE (prov_http_cache_get_type ())
G_DECLARE_FINAL_TYPE (ProvHttpCache, prov_http_cache, PROV, HTTP_CACHE, GObject)

ProvHttpCache *prov_http_cache_new    (void);

/* @state_dir NULL: the validators live in memory only. */
void           prov_http_cache_lookup (ProvHttpCache  *self,
                                       const char     *state_dir,
                                       const char     *url,
                                       char          **etag,
                                       char          **last_modified);
/* Both validators NULL forgets @url. */
void           prov_http_cache_store  (ProvHttpCache  *self,
                                       const char     *state_dir,
                                       const char     *url,
                                       const char     *etag,
                                       const char     *last_modified);

G_END_DECLS
