/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Where provisiond serves org.provisiond.Provisiond1 (schemas/), for the
 * daemon and its clients. */
#define PROV_DBUS_NAME "org.provisiond.Provisiond1"
#define PROV_DBUS_PATH "/org/provisiond/Provisiond1"
