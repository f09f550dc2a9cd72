/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Public (plugin SDK): what a plugin may read of the daemon it runs in. A
 * trigger is given the engine; through it, the device, the parameters and
 * the last results. Everything else of the engine, the store and the status
 * is internal to provisiond (prov-engine.h, prov-store.h, prov-status.h are
 * not installed and their other functions are not exported). */

#include <glib-object.h>

#include "prov-device.h"
#include "prov-error.h"
#include "prov-types.h"

G_BEGIN_DECLS

/**
 * ProvEngine:
 * The engine of the daemon a plugin runs in: it runs resyncs. A trigger is
 * given it in prov_trigger_start(); through it a plugin reads the device,
 * the parameters and the last results, nothing else.
 *
 * Since: 1.0
 */
#define PROV_TYPE_ENGINE (prov_engine_get_type ())
G_DECLARE_FINAL_TYPE (ProvEngine, prov_engine, PROV, ENGINE, GObject)
/**
 * ProvStore:
 * The parameters of the daemon a plugin runs in, read only to plugins
 * (prov_store_get()).
 *
 * Since: 1.0
 */
#define PROV_TYPE_STORE (prov_store_get_type ())
G_DECLARE_FINAL_TYPE (ProvStore, prov_store, PROV, STORE, GObject)
/**
 * ProvStatus:
 * The last results of resyncs and upgrades, as `provisionctl status` shows
 * them.
 *
 * Since: 1.0
 */
#define PROV_TYPE_STATUS (prov_status_get_type ())
G_DECLARE_FINAL_TYPE (ProvStatus, prov_status, PROV, STATUS, GObject)

/**
 * ProvStatusEntry:
 * @time: unix seconds, end of the attempt
 * @cause: why it ran
 * @url: the last URL fetched, or the rule when none
 * @outcome: its outcome class
 * @error: the `$ERR` text, %NULL on success
 * @n_changed: the number of parameters it changed
 *
 * One resync or upgrade attempt as status shows it.
 *
 * Since: 1.0
 */
typedef struct
{
  gint64       time;    /* unix seconds, end of the attempt */
  ProvCause    cause;
  char        *url;     /* last URL fetched, or the rule when none */
  ProvOutcome  outcome;
  char        *error;   /* the `$ERR` text, NULL on success */
  guint        n_changed;
} ProvStatusEntry;

/**
 * prov_engine_get_store:
 * @self: the engine a trigger was given
 *
 * The parameters the engine works on.
 *
 * Returns: (transfer none): the parameters, valid as long as the engine is
 *
 * Since: 1.0
 */
ProvStore   *prov_engine_get_store    (ProvEngine *self);
/**
 * prov_engine_get_device:
 * @self: the engine a trigger was given
 *
 * The device the engine works for.
 *
 * Returns: (transfer none): the device file, valid as long as the engine is
 *
 * Since: 1.0
 */
ProvDevice  *prov_engine_get_device   (ProvEngine *self);
/**
 * prov_engine_get_status:
 * @self: the engine a trigger was given
 *
 * The results of the last resyncs and upgrades.
 *
 * Returns: (transfer none): the last results, valid as long as the engine is
 *
 * Since: 1.0
 */
ProvStatus  *prov_engine_get_status   (ProvEngine *self);

/**
 * prov_store_get:
 * @self: the store
 * @name: a parameter name
 *
 * The admin's view of a parameter. Secrets are included: a plugin must not
 * show or log them.
 *
 * Returns: (nullable): the value, or the schema default, or %NULL when the
 *   name is neither stored nor known
 *
 * Since: 1.0
 */
const char  *prov_store_get           (ProvStore  *self,
                                       const char *name);
/**
 * prov_store_get_bool:
 * @self: the store
 * @name: a parameter name of type bool
 *
 * A boolean parameter.
 *
 * Returns: the value of @name read as a boolean (prov_parse_bool()), else
 *   its schema default, else %FALSE
 *
 * Since: 1.0
 */
gboolean     prov_store_get_bool      (ProvStore  *self,
                                       const char *name);

/**
 * PROV_STATUS_HISTORY:
 * How many entries prov_status_get_resyncs() and prov_status_get_upgrades()
 * keep.
 *
 * Since: 1.0
 */
#define PROV_STATUS_HISTORY 3
/**
 * prov_status_get_resyncs:
 * @self: the status
 * @n_entries: (out): the number of entries, at most %PROV_STATUS_HISTORY
 *
 * The last resyncs.
 *
 * Returns: (array length=n_entries) (transfer none): the last resyncs,
 *   newest first
 *
 * Since: 1.0
 */
const ProvStatusEntry *prov_status_get_resyncs  (ProvStatus *self,
                                                 guint      *n_entries);
/**
 * prov_status_get_upgrades:
 * @self: the status
 * @n_entries: (out): the number of entries, at most %PROV_STATUS_HISTORY
 *
 * The last upgrade attempts.
 *
 * Returns: (array length=n_entries) (transfer none): the last upgrade
 *   attempts, newest first
 *
 * Since: 1.0
 */
const ProvStatusEntry *prov_status_get_upgrades (ProvStatus *self,
                                                 guint      *n_entries);

G_END_DECLS
