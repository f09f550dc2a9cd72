/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-plugin.h"

G_BEGIN_DECLS

/* What each plugin file declared when it was last loaded, kept in the state
 * directory so that a later process loads only the plugins it uses (not
 * installed; see prov-plugin-cache.c). */
typedef struct _ProvPluginCache ProvPluginCache;

/* A missing or unreadable cache is an empty one. */
ProvPluginCache *prov_plugin_cache_load     (const char       *path);
void             prov_plugin_cache_free     (ProvPluginCache  *cache);
/* TRUE with what the plugin declared when @file is cached and unchanged
 * (device, inode, size, mtime, ctime) and may wait until it is needed:
 * until one of its URL @schemes is asked for; when @codec, until data
 * comes that its @magic or @encodings (content-encodings) recognize; when
 * @applier, until the appliers that are enabled are asked for. A codec
 * that recognizes data its own way is never deferred. */
gboolean         prov_plugin_cache_lookup   (ProvPluginCache  *cache,
                                             const char       *file,
                                             char            **name,
                                             GStrv            *schemes,
                                             gboolean         *codec,
                                             GStrv            *magic,
                                             GStrv            *encodings,
                                             gboolean         *applier);
void             prov_plugin_cache_remember (ProvPluginCache  *cache,
                                             const char       *file,
                                             ProvPlugin       *plugin);
/* Writes the cache when something changed; failures are only logged. */
void             prov_plugin_cache_save     (ProvPluginCache  *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvPluginCache, prov_plugin_cache_free)

G_END_DECLS
