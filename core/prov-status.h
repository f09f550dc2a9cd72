/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "prov-error.h"
#include "prov-types.h"

G_BEGIN_DECLS

#define PROV_STATUS_HISTORY 3
/* prov_status_get_string(): `scheme://host[:port]` the last applied
 * profile came from, for a relative Upgrade_Rule. */
#define PROV_STATUS_PROFILE_SERVER "ProfileServer"

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

#define PROV_TYPE_STATUS (prov_status_get_type ())
G_DECLARE_FINAL_TYPE (ProvStatus, prov_status, PROV, STATUS, GObject)

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
/* Newest first; @n_entries (out) ≤ PROV_STATUS_HISTORY. */
const ProvStatusEntry *prov_status_get_resyncs  (ProvStatus       *self,
                                                 guint            *n_entries);
const ProvStatusEntry *prov_status_get_upgrades (ProvStatus       *self,
                                                 guint            *n_entries);

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
