/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * prov_dhcp_choose_server:
 * @options: `a{us}`, DHCP option code → value as the network scripts got it
 * @order: DHCP_Option_To_Use ("66,160,159,150,60,43,125")
 *
 * The server for rules without a host (SPEC §4): the value of the first
 * code of @order that names one. 160 and 159 hold a URL or a host, 66 a
 * host name, 150 IPv4 addresses in dotted text ("a.b.c.d[,e.f.g.h]", the
 * first wins). Other codes and malformed values are passed over.
 *
 * Returns: (nullable): the server, or NULL when no option names one.
 */
char *prov_dhcp_choose_server (GVariant   *options,
                               const char *order);

G_END_DECLS
