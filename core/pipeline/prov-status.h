/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "prov-error.h"
#include "prov-host.h"
#include "prov-types.h"

G_BEGIN_DECLS

/* prov_status_get_string(): `scheme://host[:port]` the last applied
 * profile came from, for a relative Upgrade_Rule. */
#define PROV_STATUS_PROFILE_SERVER "ProfileServer"


/**
 * ProvStatus:
 *
 * The last results (three resyncs, three upgrades) and the counters the
 * macros need ($ISCUST, $PRVTMR, $UPGTMR…), kept in a small key file in the
 * state directory so that a restarted daemon knows them.
 */
ProvStatus            *prov_status_new          (const char       *path);
gboolean               prov_status_load         (ProvStatus       *self,
                                                 GError          **error);
gboolean               prov_status_save         (ProvStatus       *self,
                                                 GError          **error);

void                   prov_status_add_resync   (ProvStatus       *self,
                                                 const ProvStatusEntry *entry);
void                   prov_status_add_upgrade  (ProvStatus       *self,
                                                 const ProvStatusEntry *entry);
/* prov_status_get_resyncs(), prov_status_get_upgrades(): prov-host.h. */

gboolean               prov_status_get_customized (ProvStatus     *self);
void                   prov_status_set_customized (ProvStatus     *self,
                                                   gboolean        customized);
/* Unix seconds of the last resync attempt, 0 = never. */
gint64                 prov_status_get_last_resync_attempt (ProvStatus *self);
gint64                 prov_status_get_last_upgrade_attempt (ProvStatus *self);
gint64                 prov_status_get_last_upgrade_success (ProvStatus *self);

/* Arbitrary small values other modules persist (next deadline, retry index…). */
gint64                 prov_status_get_int      (ProvStatus       *self,
                                                 const char       *key,
                                                 gint64            default_value);
void                   prov_status_set_int      (ProvStatus       *self,
                                                 const char       *key,
                                                 gint64            value);

/* Small strings other modules persist (the installed firmware version…);
 * @value NULL removes the key. */
const char            *prov_status_get_string   (ProvStatus       *self,
                                                 const char       *key);
void                   prov_status_set_string   (ProvStatus       *self,
                                                 const char       *key,
                                                 const char       *value);

char                  *prov_status_format_entry (const ProvStatusEntry *entry);

G_END_DECLS
