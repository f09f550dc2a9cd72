/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-types.h"

G_BEGIN_DECLS

/* The polkit actions that make a caller who is not root the admin, one
 * per kind of operation (data/org.provisiond.provisiond1.policy.in). */
#define PROV_ACTION_READ_SECRETS      "org.provisiond.provisiond1.read-secrets"
#define PROV_ACTION_CHANGE_PARAMETERS "org.provisiond.provisiond1.change-parameters"
#define PROV_ACTION_RESYNC            "org.provisiond.provisiond1.resync"

#define PROV_TYPE_AUTHORITY (prov_authority_get_type ())
G_DECLARE_FINAL_TYPE (ProvAuthority, prov_authority, PROV, AUTHORITY, GObject)

/**
 * ProvAuthority:
 *
 * Tells whether a D-Bus caller is the admin or a user. The caller's uid
 * comes from the bus: uid 0 and the daemon's own uid are the admin. Any
 * other caller is a user, unless polkit (when built, and asked to) says it
 * is authorized for the action of the operation (PROV_ACTION_*).
 *
 * @use_polkit: ask polkit; only meaningful on the system bus, since polkit
 *   names its subjects by their system bus name.
 */
ProvAuthority *prov_authority_new          (gboolean                use_polkit);

/* @action: the polkit action to ask about, NULL = the uid alone decides.
 * @interactive: polkit may ask the caller's agent for a password. */
void           prov_authority_check_async  (ProvAuthority          *self,
                                            GDBusMethodInvocation  *invocation,
                                            const char             *action,
                                            gboolean                interactive,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
/* The answer without a round trip, when the caller's uid is known already
 * and polkit need not be asked; -1 otherwise (then check asynchronously). */
int            prov_authority_check_cached (ProvAuthority          *self,
                                            GDBusMethodInvocation  *invocation);
/* Returns PROV_CALLER_ADMIN or PROV_CALLER_USER; -1 with @error set when
 * the caller cannot be identified. */
int            prov_authority_check_finish (ProvAuthority          *self,
                                            GAsyncResult           *result,
                                            GError                **error);

G_END_DECLS
