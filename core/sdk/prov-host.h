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

#define PROV_TYPE_ENGINE (prov_engine_get_type ())
G_DECLARE_FINAL_TYPE (ProvEngine, prov_engine, PROV, ENGINE, GObject)
#define PROV_TYPE_STORE (prov_store_get_type ())
G_DECLARE_FINAL_TYPE (ProvStore, prov_store, PROV, STORE, GObject)
#define PROV_TYPE_STATUS (prov_status_get_type ())
G_DECLARE_FINAL_TYPE (ProvStatus, prov_status, PROV, STATUS, GObject)

/* One resync or upgrade attempt as status shows it. */
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
 * Returns: (transfer none): the parameters, valid as long as the engine is
 */
ProvStore   *prov_engine_get_store    (ProvEngine *self);
/**
 * prov_engine_get_device:
 * @self: the engine a trigger was given
 *
 * Returns: (transfer none): the device file, valid as long as the engine is
 */
ProvDevice  *prov_engine_get_device   (ProvEngine *self);
/**
 * prov_engine_get_status:
 * @self: the engine a trigger was given
 *
 * Returns: (transfer none): the last results, valid as long as the engine is
 */
ProvStatus  *prov_engine_get_status   (ProvEngine *self);

/* Admin view: the value, or the schema default, or NULL when the name is
 * neither stored nor known. Secrets included: a plugin must not show them. */
const char  *prov_store_get           (ProvStore  *self,
                                       const char *name);
gboolean     prov_store_get_bool      (ProvStore  *self,
                                       const char *name);

/* Newest first; @n_entries (out) ≤ PROV_STATUS_HISTORY. */
#define PROV_STATUS_HISTORY 3
const ProvStatusEntry *prov_status_get_resyncs  (ProvStatus *self,
                                                 guint      *n_entries);
const ProvStatusEntry *prov_status_get_upgrades (ProvStatus *self,
                                                 guint      *n_entries);

G_END_DECLS
