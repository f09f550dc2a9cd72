/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-dbus-generated.h"
#include "prov-dbus-service.h"

G_BEGIN_DECLS

/* Shared by prov-dbus-service.c (calls that wait for a run, signals,
 * authorization) and prov-dbus-methods.c (calls answered at once). */
struct _ProvDbusService
{
  GObject          parent_instance;

  ProvContext     *context;
  ProvScheduler   *scheduler;
  ProvAuthority   *authority;
  ProvProvisiond1 *skeleton;
  gboolean         stopping;

  /* Ids (guint64) of accepted Resync and Activate requests, each owing
   * one RequestFinished: waiting for the next run to start, and answered
   * by the run under way. */
  GArray          *pending;
  GArray          *running;
  /* The same for Upgrade requests. */
  GArray          *upgrades_pending;
  GArray          *upgrades_running;
  guint64          last_id;
  /* The waiting upgrade request runs Upgrade_Rule (the latest call wins). */
  gboolean         upgrade_pending_configured;

  gint64           progress_at;
  GSList          *handlers; /* (object, handler id) pairs to disconnect */
};

typedef void (*ProvDbusMethodFunc) (ProvDbusService       *self,
                                    GDBusMethodInvocation *invocation,
                                    ProvCaller             caller);

typedef struct
{
  const char         *signal; /* the skeleton's handle-* signal */
  ProvDbusMethodFunc  func;
  gboolean            admin_only;
  /* The polkit action that makes a caller the admin for this method;
   * NULL: only the uid counts (the method treats everyone alike). */
  const char         *action;
} ProvDbusMethod;

/* The methods answered at once, with who may call each. */
extern const ProvDbusMethod prov_dbus_methods[];
extern const guint          prov_dbus_n_methods;

/* Every reply error is in PROV_ERROR, whose codes have D-Bus names. */
void        prov_dbus_return_error (GDBusMethodInvocation *invocation,
                                    GError                *error);
/* "idle", "resyncing" or "upgrading". */
const char *prov_dbus_service_get_state (ProvDbusService *self);

G_END_DECLS
