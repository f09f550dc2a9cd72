/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-clock.h"
#include "prov-device.h"
#include "prov-fetch-setup.h"
#include "prov-registry.h"
#include "prov-status.h"
#include "prov-store.h"
#include "prov-types.h"

G_BEGIN_DECLS

/* What one resync did. */
typedef struct
{
  GPtrArray *fetched;  /* char*: URLs fetched, in order */
  GPtrArray *skipped;  /* char*: "url: file not found" for FNF that did not fail */
  GStrv      changed;  /* names whose value or access changed */
  GPtrArray *warnings; /* char*: "url: line N: …", what was ignored (SPEC §2.1) */
  gboolean   not_modified; /* every fetch answered "unchanged" */
} ProvResyncResult;

void prov_resync_result_free (ProvResyncResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvResyncResult, prov_resync_result_free)

/* ProvLogKind: prov-fetch-setup.h. */

/* A step the engine runs at the start of every resync, before its rules,
 * with the resync's macro variables and $SA…$SD: the custom CA, which
 * ProvContext sets (prov_custom_ca_attach()), so that the engine needs
 * nothing of the layer above it. It returns FALSE when it has nothing to
 * do (and then never calls @callback). Its failure is its own (it keeps
 * its own status) and the resync goes on; only PROV_ERROR_CANCELLED ends
 * the resync. */
typedef gboolean (*ProvEngineStepFunc)   (ProvEngine          *engine,
                                          GHashTable          *vars,
                                          GHashTable          *secrets,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
typedef gboolean (*ProvEngineStepFinish) (ProvEngine          *engine,
                                          GAsyncResult        *result,
                                          GError             **error);

/**
 * ProvEngine:
 *
 * Runs one resync (SPEC §5.1): for Profile_Rule, _B, _C, _D in order,
 * expand → choose an alternative → assignments → transport → codecs →
 * parse; then applies everything at once or nothing.
 *
 * Signals:
 * - "resync-started" (int cause)
 * - "resync-finished" (int outcome, const char *url, const char *error, GStrv changed)
 * - "fetch-progress" (const char *url, guint64 received, guint64 total)
 * - "log-message" (int ProvLogKind, const char *text, guint transfer_id): the
 *   expanded Log_*_Msg (not emitted when the parameter is empty)
 */
ProvEngine   *prov_engine_new            (ProvStore           *store,
                                          ProvDevice          *device,
                                          ProvRegistry        *registry,
                                          ProvStatus          *status,
                                          const char          *state_dir);
ProvRegistry *prov_engine_get_registry   (ProvEngine          *self);
const char   *prov_engine_get_state_dir  (ProvEngine          *self);
/* Downloaded firmware and HTTP validators: what may be lost (systemd's
 * CacheDirectory=). Unset: the state directory. */
const char   *prov_engine_get_cache_dir  (ProvEngine          *self);
void          prov_engine_set_cache_dir  (ProvEngine          *self,
                                          const char          *cache_dir);
gboolean      prov_engine_is_busy        (ProvEngine          *self);
/* What turns a rule's URL into a transfer (folders, DHCP server, account,
 * Log_*_Msg), for the upgrader and the custom CA too. */
ProvFetchSetup *prov_engine_get_fetch_setup (ProvEngine       *self);
/* @step, @finish: (nullable): both or neither. */
void          prov_engine_set_pre_rules_step (ProvEngine         *self,
                                              ProvEngineStepFunc  step,
                                              ProvEngineStepFinish finish);

/* Time for status and $PRVTMR; the scheduler passes its clock. */
void          prov_engine_set_clock       (ProvEngine         *self,
                                           ProvClock          *clock);
/* The clock set above, or NULL (then the system's wall clock). */
ProvClock    *prov_engine_get_clock       (ProvEngine         *self);

/* The server DHCP gave (options 66/150/159/160 resolved by the caller),
 * used by rules whose URL has no host. */
void          prov_engine_set_dhcp_server (ProvEngine         *self,
                                           const char         *server);
const char   *prov_engine_get_dhcp_server (ProvEngine         *self);

/* Macro variables of SPEC §3 for the current state (char* → char*). */
GHashTable   *prov_engine_build_variables (ProvEngine         *self,
                                           ProvCause           cause);

/* $SA…$SD, for --key, --uid and --pwd arguments only (char* → char*). */
GHashTable   *prov_engine_build_secrets   (ProvEngine         *self);

/**
 * prov_engine_resync_async:
 * @rule: (nullable): a rule to run instead of the configured ones
 * @server: (nullable): the host that asked for it (the peer of
 *   /admin/resync?/x.cfg): URLs without a host use it rather than the
 *   DHCP server
 *
 * Fails with PROV_ERROR_DISABLED when Provision_Enable is No and
 * PROV_ERROR_BUSY when a resync runs already (the scheduler coalesces).
 */
void              prov_engine_resync_async  (ProvEngine          *self,
                                             ProvCause            cause,
                                             const char          *rule,
                                             const char          *server,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
ProvResyncResult *prov_engine_resync_finish (ProvEngine          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/**
 * prov_engine_explain_rule:
 * For `provisionctl expand`: each alternative with its expanded condition
 * value and URL, and which one would be taken. Secrets are masked.
 */
char             *prov_engine_explain_rule  (ProvEngine          *self,
                                             const char          *rule,
                                             GError             **error);

/**
 * prov_engine_dup_last_payloads:
 * Keys (hashes of URL and content) of the profiles of the resync being
 * committed; valid while the store emits "changed" for it.
 *
 * prov_engine_reject_payloads:
 * Those profiles broke the phone and their values were rolled back: until a
 * profile's content changes, later resyncs treat it as unchanged (nothing
 * of it is applied again). Kept in status for the newest 32 profiles.
 */
GStrv             prov_engine_dup_last_payloads (ProvEngine         *self);
void              prov_engine_reject_payloads   (ProvEngine         *self,
                                                 const char * const *keys);

G_END_DECLS
