/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <gmodule.h>

#include "prov-abi.h"

G_BEGIN_DECLS

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
 */
struct _ProvPluginClass
{
  GObjectClass parent_class;

  gpointer padding[8];
};

const char         *prov_plugin_get_name              (ProvPlugin *self);
const char         *prov_plugin_get_description       (ProvPlugin *self);
const char         *prov_plugin_get_version           (ProvPlugin *self);
int                 prov_plugin_get_priority          (ProvPlugin *self);
const char * const *prov_plugin_get_schemes           (ProvPlugin *self);
const char * const *prov_plugin_get_magic             (ProvPlugin *self);
const char * const *prov_plugin_get_content_encodings (ProvPlugin *self);
const char         *prov_plugin_get_filename          (ProvPlugin *self);
void                prov_plugin_set_filename          (ProvPlugin *self,
                                                       const char *filename);
guint               prov_plugin_get_default_port      (ProvPlugin *self,
                                                       const char *scheme);
char               *prov_plugin_describe_handles      (ProvPlugin *self);

/*
 * What a plugin module exports (and nothing else: link it with
 * -Wl,--version-script with the installed plugin.map, whose path is
 * `pkg-config --variable=plugin_map provision-1`). The loader reads both integers before it calls the
 * entry point, and refuses a module whose major differs from the core's or
 * whose minor is newer than the core's.
 *
 *   PROV_PLUGIN_DEFINE_ABI ();
 *
 *   G_MODULE_EXPORT ProvPlugin *
 *   prov_plugin_create (void)
 *   {
 *     return g_object_new (MY_TYPE_PLUGIN, "name", "my", "schemes", schemes, NULL);
 *   }
 */
#define PROV_PLUGIN_DEFINE_ABI()                                                    \
  G_MODULE_EXPORT const int prov_plugin_abi_major = PROV_PLUGIN_ABI_MAJOR;           \
  G_MODULE_EXPORT const int prov_plugin_abi_minor = PROV_PLUGIN_ABI_MINOR

#define PROV_PLUGIN_ENTRY_POINT "prov_plugin_create"
typedef ProvPlugin *(*ProvPluginCreateFunc) (void);

/**
 * prov_plugin_create: (skip)
 *
 * Implemented by each plugin module, not by libprovision.
 *
 * Returns: (transfer full): the plugin
 */
G_MODULE_EXPORT ProvPlugin *prov_plugin_create (void);

G_END_DECLS
