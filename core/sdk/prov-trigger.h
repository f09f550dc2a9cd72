/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-host.h"
#include "prov-types.h"

G_BEGIN_DECLS

#define PROV_TYPE_TRIGGER (prov_trigger_get_type ())
G_DECLARE_INTERFACE (ProvTrigger, prov_trigger, PROV, TRIGGER, GObject)

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

gboolean prov_trigger_start (ProvTrigger        *self,
                             ProvEngine         *engine,
                             GError            **error);
void     prov_trigger_stop  (ProvTrigger        *self);
void     prov_trigger_fire  (ProvTrigger        *self,
                             ProvTriggerAction   action,
                             ProvCause           cause,
                             const char         *rule);
/* As prov_trigger_fire(), for a request from @requester (the peer's
 * address): a rule URL without a host uses it, as phones do. "fired"
 * handlers read it with prov_trigger_get_requester(). */
void     prov_trigger_fire_from (ProvTrigger        *self,
                                 ProvTriggerAction   action,
                                 ProvCause           cause,
                                 const char         *rule,
                                 const char         *requester);
/* During a "fired" emission: the host that asked, or NULL. */
const char *prov_trigger_get_requester (ProvTrigger *self);

G_END_DECLS
