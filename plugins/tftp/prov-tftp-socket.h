/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSocket  *prov_tftp_socket_new        (GSocketFamily    family,
                                       GError         **error);
gboolean  prov_tftp_socket_take_error (GSocket         *socket,
                                       GSocketAddress  *destination,
                                       GError         **error);
gboolean  prov_tftp_address_equal     (GSocketAddress  *a,
                                       GSocketAddress  *b,
                                       gboolean         compare_port);

G_END_DECLS
