/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-host.h"
#include "prov-types.h"

G_BEGIN_DECLS

/**
 * ProvTrigger:
 * Something that decides a resync (or upgrade) is due: see
 * #ProvTriggerInterface.
 *
 * Since: 1.0
 */
#define PROV_TYPE_TRIGGER (prov_trigger_get_type ())
G_DECLARE_INTERFACE (ProvTrigger, prov_trigger, PROV, TRIGGER, GObject)

/**
 * ProvTriggerAction:
 * @PROV_TRIGGER_ACTION_RESYNC: run a resync
 * @PROV_TRIGGER_ACTION_UPGRADE: run an upgrade attempt
 *
 * What a trigger asks for.
 *
 * Since: 1.0
 */
typedef enum
{
  PROV_TRIGGER_ACTION_RESYNC,
  PROV_TRIGGER_ACTION_UPGRADE,
} ProvTriggerAction;

/**
 * ProvTriggerInterface:
 * @start: begin listening; FALSE with an error when it cannot (a trigger
 *   that is configured off returns TRUE and does nothing).
 * @stop: stop listening; must be safe to call twice.
 *
 * Something that decides a resync (or upgrade) is due: the core's timers,
 * a SIP NOTIFY listener, an HTTP admin endpoint. A trigger reads its
 * settings from the engine's store and device file (its own [group]), may
 * read the engine's status, and emits "fired" (ProvTriggerAction,
 * ProvCause, const char *rule or NULL for the configured rules); the daemon
 * routes that to the scheduler, which applies Provision_Enable, busy lines
 * and coalescing.
 *
 * Since: 1.0
 */
struct _ProvTriggerInterface
{
  GTypeInterface g_iface;

  gboolean (*start) (ProvTrigger  *self,
                     ProvEngine   *engine,
                     GError      **error);
  void     (*stop)  (ProvTrigger  *self);

  gpointer padding[8];
};

/**
 * prov_trigger_start:
 * @self: the trigger
 * @engine: the engine, for the trigger's settings and status
 * @error: return location for a #PROV_ERROR
 *
 * Begins listening (a trigger that is configured off does nothing).
 *
 * Returns: %TRUE, or %FALSE with @error set when it cannot
 *
 * Since: 1.0
 */
gboolean prov_trigger_start (ProvTrigger        *self,
                             ProvEngine         *engine,
                             GError            **error);
/**
 * prov_trigger_stop:
 * @self: the trigger
 *
 * Stops listening; safe to call twice.
 *
 * Since: 1.0
 */
void     prov_trigger_stop  (ProvTrigger        *self);
/**
 * prov_trigger_fire:
 * @self: the trigger
 * @action: a resync or an upgrade
 * @cause: why
 * @rule: (nullable): the rule to run, or %NULL for the configured rules
 *
 * Emits "fired"; the daemon routes it to the scheduler.
 *
 * Since: 1.0
 */
void     prov_trigger_fire  (ProvTrigger        *self,
                             ProvTriggerAction   action,
                             ProvCause           cause,
                             const char         *rule);
/**
 * prov_trigger_fire_from:
 * @self: the trigger
 * @action: a resync or an upgrade
 * @cause: why
 * @rule: (nullable): the rule to run, or %NULL for the configured rules
 * @requester: the peer's address
 *
 * As prov_trigger_fire(), for a request from @requester: a rule URL without
 * a host uses it, as phones do.
 *
 * Since: 1.0
 */
void     prov_trigger_fire_from (ProvTrigger        *self,
                                 ProvTriggerAction   action,
                                 ProvCause           cause,
                                 const char         *rule,
                                 const char         *requester);
/**
 * prov_trigger_get_requester:
 * @self: the trigger
 *
 * For "fired" handlers.
 *
 * Returns: (nullable): during a "fired" emission, the host that asked, or
 *   %NULL
 *
 * Since: 1.0
 */
const char *prov_trigger_get_requester (ProvTrigger *self);

G_END_DECLS
