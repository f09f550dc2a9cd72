/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* For ProvAppliers, which loads only the appliers that are enabled; not
 * installed. */

#include "prov-registry.h"

G_BEGIN_DECLS

typedef gboolean (*ProvRegistryWantFunc) (const char *name, gpointer user_data);

/* Loads the applier plugins the cache deferred whose name @wanted accepts
 * (all when @wanted is NULL); the loaded plugins stay in load order. */
void prov_registry_load_appliers (ProvRegistry         *self,
                                  ProvRegistryWantFunc  wanted,
                                  gpointer              user_data);

G_END_DECLS
