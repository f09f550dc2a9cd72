/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal, not installed: the role a plugin interface stands for, as
 * `provisionctl plugins` names it ("transport", "trigger"…). Each role
 * interface names itself when it is set up, so that the plugin base lists
 * a plugin's roles from the interfaces it implements without knowing any
 * of them (a trigger sees the engine; the plugin base must not). */

#include <glib-object.h>

G_BEGIN_DECLS

#define PROV_PLUGIN_ROLE_QUARK (g_quark_from_static_string ("prov-plugin-role"))

/* In an interface's default_init: @role is a static string. */
static inline void
prov_plugin_role_set (gpointer iface, const char *role)
{
  g_type_set_qdata (G_TYPE_FROM_INTERFACE (iface), PROV_PLUGIN_ROLE_QUARK, (gpointer) role);
}

/* The role of interface type @iface, or NULL when it is none. */
static inline const char *
prov_plugin_role_get (GType iface)
{
  return g_type_get_qdata (iface, PROV_PLUGIN_ROLE_QUARK);
}

G_END_DECLS
