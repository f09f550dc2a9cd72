/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-gds-plugin.h"

/* The module's three exports; plugin.map hides everything else. */
PROV_PLUGIN_DEFINE_ABI ();

ProvPlugin *
prov_plugin_create (void)
{
  return prov_gds_plugin_new ();
}
