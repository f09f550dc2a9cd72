/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-authority.h"
#include "prov-context.h"
#include "prov-dbus-names.h"
#include "prov-scheduler.h"

G_BEGIN_DECLS

#define PROV_TYPE_DBUS_SERVICE (prov_dbus_service_get_type ())
G_DECLARE_FINAL_TYPE (ProvDbusService, prov_dbus_service, PROV, DBUS_SERVICE, GObject)

/**
 * ProvDbusService:
 *
 * The org.provisiond.Provisiond1 interface (schemas/) on top of the
 * context's engine and store and the scheduler: methods, with who may call
 * each, signals from the engine, the upgrader and the store, and the State
 * and NextResync properties. Resync, Activate and Upgrade answer when the
 * run they started (or joined) ends.
 */
ProvDbusService *prov_dbus_service_new      (ProvContext      *context,
                                             ProvScheduler    *scheduler,
                                             ProvAuthority    *authority);
gboolean         prov_dbus_service_export   (ProvDbusService  *self,
                                             GDBusConnection  *connection,
                                             GError          **error);
void             prov_dbus_service_unexport (ProvDbusService  *self);
/* The daemon stops: Resync, Activate and Upgrade calls that wait for their
 * turn fail with PROV_ERROR_CANCELLED now, a running one when its fetch is
 * cancelled, and new ones at once. */
void             prov_dbus_service_stop     (ProvDbusService  *self);

G_END_DECLS
