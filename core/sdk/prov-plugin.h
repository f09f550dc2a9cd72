/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <gmodule.h>

#include "prov-abi.h"

G_BEGIN_DECLS

/**
 * ProvPlugin:
 * The base of every plugin object: what it handles is declared as data in
 * construct properties (see #ProvPluginClass); the object implements one or
 * more of the plugin interfaces.
 *
 * Since: 1.0
 */
#define PROV_TYPE_PLUGIN (prov_plugin_get_type ())
G_DECLARE_DERIVABLE_TYPE (ProvPlugin, prov_plugin, PROV, PLUGIN, GObject)

/**
 * ProvPluginClass:
 *
 * The base of every plugin object. A plugin says what it handles as data,
 * through construct properties, so that the core builds lookup tables and
 * never switches on a plugin or scheme name:
 *
 * - "schemes": URL schemes, each optionally with its default port
 *   ("tftp:69", "https:443", "file"); for transports and sources.
 * - "magic": payload prefixes as hex strings ("1f8b"); for codecs.
 * - "content-encodings": HTTP Content-Encoding tokens; for codecs.
 * - "priority": higher wins when two plugins claim the same thing.
 *
 * The same object implements one or more of ProvTransport, ProvCodec,
 * ProvSource, ProvTrigger, ProvInstaller and ProvApplier (since ABI 1.2;
 * an applier is enabled by the device-file group named like the plugin).
 *
 * Since: 1.0
 */
struct _ProvPluginClass
{
  GObjectClass parent_class;

  gpointer padding[8];
};

/**
 * prov_plugin_get_name:
 * @self: the plugin
 *
 * Gets the plugin's name ("tftp"), which names its device-file group.
 *
 * Returns: the plugin's name ("tftp"), which names its device-file group
 *
 * Since: 1.0
 */
const char         *prov_plugin_get_name              (ProvPlugin *self);
/**
 * prov_plugin_get_description:
 * @self: the plugin
 *
 * Gets a one-line description, for `provisionctl plugins`.
 *
 * Returns: (nullable): a one-line description, for `provisionctl plugins`
 *
 * Since: 1.0
 */
const char         *prov_plugin_get_description       (ProvPlugin *self);
/**
 * prov_plugin_get_version:
 * @self: the plugin
 *
 * Gets the plugin's version.
 *
 * Returns: (nullable): the plugin's version
 *
 * Since: 1.0
 */
const char         *prov_plugin_get_version           (ProvPlugin *self);
/**
 * prov_plugin_get_priority:
 * @self: the plugin
 *
 * Gets the priority: higher wins when two plugins claim the same thing.
 *
 * Returns: the priority: higher wins when two plugins claim the same thing
 *
 * Since: 1.0
 */
int                 prov_plugin_get_priority          (ProvPlugin *self);
/**
 * prov_plugin_get_schemes:
 * @self: the plugin
 *
 * Gets the URL schemes, each optionally with its default port ("tftp:69").
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the URL
 *   schemes, each optionally with its default port ("tftp:69")
 *
 * Since: 1.0
 */
const char * const *prov_plugin_get_schemes           (ProvPlugin *self);
/**
 * prov_plugin_get_magic:
 * @self: the plugin
 *
 * Gets payload prefixes as hex strings ("1f8b").
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): payload
 *   prefixes as hex strings ("1f8b")
 *
 * Since: 1.0
 */
const char * const *prov_plugin_get_magic             (ProvPlugin *self);
/**
 * prov_plugin_get_content_encodings:
 * @self: the plugin
 *
 * Gets the HTTP Content-Encoding tokens it decodes.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the HTTP
 *   Content-Encoding tokens it decodes
 *
 * Since: 1.0
 */
const char * const *prov_plugin_get_content_encodings (ProvPlugin *self);
/**
 * prov_plugin_get_filename:
 * @self: the plugin
 *
 * Gets the module the plugin was loaded from.
 *
 * Returns: (nullable): the module the plugin was loaded from
 *
 * Since: 1.0
 */
const char         *prov_plugin_get_filename          (ProvPlugin *self);
/**
 * prov_plugin_set_filename:
 * @self: the plugin
 * @filename: the module's path
 *
 * The loader records where the plugin came from.
 *
 * Since: 1.0
 */
void                prov_plugin_set_filename          (ProvPlugin *self,
                                                       const char *filename);
/**
 * prov_plugin_get_default_port:
 * @self: the plugin
 * @scheme: a URL scheme
 *
 * The default port of a scheme, from the plugin's "schemes".
 *
 * Returns: the default port the plugin declared for @scheme, or 0
 *
 * Since: 1.0
 */
guint               prov_plugin_get_default_port      (ProvPlugin *self,
                                                       const char *scheme);
/**
 * prov_plugin_describe_handles:
 * @self: the plugin
 *
 * Describes what the plugin handles, in one line.
 *
 * Returns: (transfer full): what the plugin handles, for `provisionctl
 *   plugins`: its roles (transport, codec…) and schemes, magic and encodings
 *
 * Since: 1.0
 */
char               *prov_plugin_describe_handles      (ProvPlugin *self);

/**
 * PROV_PLUGIN_DEFINE_ABI:
 *
 * Defines what a plugin module exports besides its entry point (and
 * nothing else: link it with -Wl,--version-script with the installed
 * plugin.map, whose path is `pkg-config --variable=plugin_map
 * provision-1`): the plugin ABI it was built for. The loader reads both
 * integers before it calls the entry point, and refuses a module whose
 * major differs from the core's or whose minor is newer than the core's.
 *
 * |[<!-- language="C" -->
 * PROV_PLUGIN_DEFINE_ABI ();
 *
 * G_MODULE_EXPORT ProvPlugin *
 * prov_plugin_create (void)
 * {
 *   return g_object_new (MY_TYPE_PLUGIN, "name", "my", "schemes", schemes, NULL);
 * }
 * ]|
 *
 * Since: 1.0
 */
#define PROV_PLUGIN_DEFINE_ABI()                                                    \
  G_MODULE_EXPORT const int prov_plugin_abi_major = PROV_PLUGIN_ABI_MAJOR;           \
  G_MODULE_EXPORT const int prov_plugin_abi_minor = PROV_PLUGIN_ABI_MINOR

/**
 * PROV_PLUGIN_ENTRY_POINT:
 * The name of the function a plugin module exports: prov_plugin_create().
 *
 * Since: 1.0
 */
#define PROV_PLUGIN_ENTRY_POINT "prov_plugin_create"
/**
 * ProvPluginCreateFunc:
 * The type of a plugin module's entry point, %PROV_PLUGIN_ENTRY_POINT.
 *
 * Returns: (transfer full): the plugin
 *
 * Since: 1.0
 */
typedef ProvPlugin *(*ProvPluginCreateFunc) (void);

/**
 * prov_plugin_create: (skip)
 *
 * Implemented by each plugin module, not by libprovision.
 *
 * Returns: (transfer full): the plugin
 *
 * Since: 1.0
 */
G_MODULE_EXPORT ProvPlugin *prov_plugin_create (void);

G_END_DECLS
