/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-codec.h"
#include "prov-plugin.h"
#include "prov-source.h"
#include "prov-transport.h"

G_BEGIN_DECLS

#define PROV_TYPE_REGISTRY (prov_registry_get_type ())
G_DECLARE_FINAL_TYPE (ProvRegistry, prov_registry, PROV, REGISTRY, GObject)

/**
 * ProvRegistry:
 *
 * The loaded plugins and the lookup tables built from what each declares:
 * scheme → transport or source, and the codecs in priority order. The core
 * asks the registry; it never names a plugin or a scheme itself.
 *
 * Since: 1.0
 */
/**
 * prov_registry_new:
 * An empty registry.
 *
 * Returns: (transfer full): the registry
 *
 * Since: 1.0
 */
ProvRegistry  *prov_registry_new              (void);

/**
 * prov_registry_load_path:
 * @self: the registry
 * @path: directories, separated by G_SEARCHPATH_SEPARATOR
 * @blocked: (nullable) (array zero-terminated=1): plugin names not to use
 *   (from PROV_PLUGIN_BLOCK)
 *
 * Loads every `libprov-plugin-*.so` of each directory of @path. Refused
 * modules are logged with their path and reason and left out; the load goes
 * on.
 *
 * Returns: the number of plugins added
 *
 * Since: 1.0
 */
guint          prov_registry_load_path        (ProvRegistry        *self,
                                               const char          *path,
                                               const char * const  *blocked);
/**
 * prov_registry_set_cache:
 * @self: the registry
 * @cache_path: the cache file
 *
 * Call it before prov_registry_load_path(): what each plugin file declared is
 * kept in @cache_path, and a later registry with it loads a plugin only when
 * one of its schemes is looked up, a codec when data its magic or
 * content-encodings recognize is decoded or it is looked up by name, an
 * applier when the core's appliers ask for it, or when
 * prov_registry_get_plugins() is called.
 *
 * Since: 1.0
 */
void           prov_registry_set_cache        (ProvRegistry        *self,
                                               const char          *cache_path);
/**
 * prov_registry_add_plugin:
 * @self: the registry
 * @plugin: a plugin
 * @error: return location for a #PROV_ERROR
 *
 * Adds a plugin and what it declares to the lookup tables.
 *
 * Returns: %TRUE, or %FALSE with %PROV_ERROR_PLUGIN when it handles nothing
 *
 * Since: 1.0
 */
gboolean       prov_registry_add_plugin       (ProvRegistry        *self,
                                               ProvPlugin          *plugin,
                                               GError             **error);
/**
 * prov_registry_get_plugins:
 * @self: the registry
 *
 * Loads the deferred plugins.
 *
 * Returns: (transfer none) (element-type ProvPlugin): the plugins, in load order
 *
 * Since: 1.0
 */
GPtrArray     *prov_registry_get_plugins      (ProvRegistry        *self);
/**
 * prov_registry_get_loaded_plugins:
 * @self: the registry
 *
 * The plugins loaded so far, without loading the deferred ones.
 *
 * Returns: (transfer none) (element-type ProvPlugin): the plugins, in load order
 *
 * Since: 1.0
 */
GPtrArray     *prov_registry_get_loaded_plugins (ProvRegistry      *self);

/**
 * prov_registry_lookup_transport:
 * @self: the registry
 * @scheme: a URL scheme, lower case
 *
 * The transport for a URL scheme.
 *
 * Returns: (transfer none) (nullable): the transport of @scheme, loading
 *   its plugin when it was deferred, or NULL when no plugin handles it
 *
 * Since: 1.0
 */
ProvTransport *prov_registry_lookup_transport (ProvRegistry        *self,
                                               const char          *scheme);
/**
 * prov_registry_lookup_source:
 * @self: the registry
 * @scheme: a URL scheme, lower case
 *
 * The source for a URL scheme (`gds`).
 *
 * Returns: (transfer none) (nullable): the source of @scheme, or NULL
 *
 * Since: 1.0
 */
ProvSource    *prov_registry_lookup_source    (ProvRegistry        *self,
                                               const char          *scheme);
/**
 * prov_registry_get_default_port:
 * @self: the registry
 * @scheme: a URL scheme
 *
 * The default port of a scheme, from the plugin that handles it.
 *
 * Returns: the default port that the transport or source of @scheme
 *   declared, or 0
 *
 * Since: 1.0
 */
guint          prov_registry_get_default_port (ProvRegistry        *self,
                                               const char          *scheme);

/**
 * prov_registry_find_codec:
 * @self: the registry
 * @data: the payload
 * @content_encoding: (nullable): the transport's content encoding
 *
 * The codec of a payload's outer layer.
 *
 * Returns: (transfer none) (nullable): the codec that recognizes @data (or
 *   @content_encoding), highest priority first, or NULL when the payload is plain
 *
 * Since: 1.0
 */
ProvCodec     *prov_registry_find_codec       (ProvRegistry        *self,
                                               GBytes              *data,
                                               const char          *content_encoding);
/**
 * prov_registry_lookup_codec:
 * @self: the registry
 * @name: a codec's name
 *
 * A codec by name (for `provisionctl encode`).
 *
 * Returns: (transfer none) (nullable): the codec, or NULL
 *
 * Since: 1.0
 */
ProvCodec     *prov_registry_lookup_codec     (ProvRegistry        *self,
                                               const char          *name);

/**
 * prov_registry_decode:
 * @self: the registry
 * @data: the payload as fetched
 * @content_encoding: (nullable): the transport's Content-Encoding
 * @context: the key, the size cap and the device file for the codecs
 * @layers: (out) (optional) (transfer full): names of the codecs used,
 *   outermost first
 * @error: return location for a #PROV_ERROR
 *
 * Reverses payload layers by content until no codec recognizes the data
 * (at most 8 layers). The context's check_payload is filled in by the
 * registry when unset.
 *
 * Returns: (transfer full): the innermost payload, or %NULL with @error set
 *
 * Since: 1.0
 */
GBytes        *prov_registry_decode           (ProvRegistry        *self,
                                               GBytes              *data,
                                               const char          *content_encoding,
                                               ProvCodecContext    *context,
                                               GStrv               *layers,
                                               GError             **error);

/**
 * prov_registry_is_payload:
 * @self: the registry
 * @plain: a candidate plaintext
 *
 * The registry's #ProvPayloadCheckFunc.
 *
 * Returns: %TRUE when @plain is a known layer or looks like XML
 *
 * Since: 1.0
 */
gboolean       prov_registry_is_payload       (ProvRegistry        *self,
                                               GBytes              *plain);

G_END_DECLS
