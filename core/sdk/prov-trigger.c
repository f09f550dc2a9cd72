/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-plugin-role.h"
#include "prov-trigger.h"

G_DEFINE_INTERFACE (ProvTrigger, prov_trigger, G_TYPE_OBJECT)

static void
prov_trigger_default_init (ProvTriggerInterface *iface)
{
  prov_plugin_role_set (iface, "trigger");
  /**
   * ProvTrigger::fired:
   * @self: the trigger
   * @action: a #ProvTriggerAction
   * @cause: a #ProvCause
   * @rule: (nullable): the rule to run, or %NULL for the configured rules
   *
   * A resync or an upgrade is due: prov_trigger_fire(). The daemon routes it
   * to the scheduler, which applies Provision_Enable, busy lines and
   * coalescing.
   *
   * Since: 1.0
   */
  g_signal_new ("fired", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_STRING);
}

gboolean
prov_trigger_start (ProvTrigger *self, ProvEngine *engine, GError **error)
{
  ProvTriggerInterface *iface;

  g_return_val_if_fail (PROV_IS_TRIGGER (self), FALSE);

  iface = PROV_TRIGGER_GET_IFACE (self);
  if (iface->start == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                   "%s does not implement start", G_OBJECT_TYPE_NAME (self));
      return FALSE;
    }
  return iface->start (self, engine, error);
}

void
prov_trigger_stop (ProvTrigger *self)
{
  g_return_if_fail (PROV_IS_TRIGGER (self));

  if (PROV_TRIGGER_GET_IFACE (self)->stop != NULL)
    PROV_TRIGGER_GET_IFACE (self)->stop (self);
}

void
prov_trigger_fire (ProvTrigger *self, ProvTriggerAction action, ProvCause cause, const char *rule)
{
  prov_trigger_fire_from (self, action, cause, rule, NULL);
}

/* Kept beside the signal rather than in it, so that "fired" handlers
 * written for three arguments stay right. */
#define REQUESTER_KEY "prov-trigger-requester"

void
prov_trigger_fire_from (ProvTrigger *self, ProvTriggerAction action, ProvCause cause,
                        const char *rule, const char *requester)
{
  g_autofree char *outer = NULL;

  g_return_if_fail (PROV_IS_TRIGGER (self));

  /* A handler that fires again gets its own requester, then ours back. */
  outer = g_object_steal_data (G_OBJECT (self), REQUESTER_KEY);
  g_object_set_data_full (G_OBJECT (self), REQUESTER_KEY, g_strdup (requester), g_free);
  g_signal_emit_by_name (self, "fired", (int) action, (int) cause, rule);
  g_object_set_data_full (G_OBJECT (self), REQUESTER_KEY, g_steal_pointer (&outer), g_free);
}

const char *
prov_trigger_get_requester (ProvTrigger *self)
{
  g_return_val_if_fail (PROV_IS_TRIGGER (self), NULL);

  return g_object_get_data (G_OBJECT (self), REQUESTER_KEY);
}
