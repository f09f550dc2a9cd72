/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-ca-certs.h"
#include "prov-engine.h"
#include "prov-fetch.h"

G_BEGIN_DECLS

/* The installed custom CA, in the state directory. Transports that verify
 * servers trust it (when it exists) besides the system store. */
/* PROV_CUSTOM_CA_FILE: prov-fetch.h. */

/* What an update ended with, when it did not fail. */
typedef enum
{
  PROV_CUSTOM_CA_FAILED,    /* only with an error */
  PROV_CUSTOM_CA_NONE,      /* blank rule, no alternative taken, or no URL */
  PROV_CUSTOM_CA_UNCHANGED, /* fetched; the same certificates are installed */
  PROV_CUSTOM_CA_INSTALLED, /* fetched and installed */
} ProvCustomCaResult;

/**
 * Custom CA (SPEC §3, §6, §7):
 *
 * Custom_CA_Rule is a rule (conditions, alternatives; of the options only
 * --uid and --pwd, for the server's authentication; no assignments). The
 * chosen URL is fetched through the registry's transports like a profile
 * (same User-Agent, Restricted_Access_Domains, profile account unless
 * --uid/--pwd), capped at PROV_CUSTOM_CA_MAX_SIZE. The file holds PEM
 * certificates (text around them is allowed) or one DER certificate. Every
 * certificate must be a CA (basicConstraints CA:TRUE) and valid now. The
 * certificates are then written as PEM to `STATE_DIR/custom-ca.pem` (0644)
 * crash-safely; a file that fails any check changes nothing.
 *
 * Each attempt that fetched something (or failed trying) is recorded in
 * the status: prov_custom_ca_get_result() says when it last succeeded or
 * failed, prov_custom_ca_get_error() why it failed. The `$ERR`-like texts:
 * the transport's, or `corrupt file: not a certificate`, `corrupt file: bad
 * PEM`, `corrupt file: not a CA certificate (CN)`, `corrupt file:
 * certificate expired (CN)`, `corrupt file: certificate not yet valid
 * (CN)`, `too large`, `cannot install the custom CA: …`, `--srv is not
 * supported`. The rule has Profile_Rule's syntax: `--uid`/`--pwd` answer
 * the server, `--post x` sends GPP_x; `--key`, `--alias` and assignments
 * are ignored.
 *
 * The engine runs an update at the start of every resync when the rule is
 * not blank, so that a new CA already serves that resync's profile fetch.
 * A blank rule leaves an installed CA in place.
 */

/* Makes @engine run the update before the rules of every resync (its step,
 * prov_engine_set_pre_rules_step()); ProvContext does it. */
void               prov_custom_ca_attach        (ProvEngine          *engine);

/* @vars, @secrets: (nullable): the macro variables and $SA…$SD (for
 * --uid/--pwd) of the resync this runs in; built from the engine when
 * NULL. Cancellation fails with PROV_ERROR_CANCELLED and records nothing. */
void               prov_custom_ca_update_async  (ProvEngine          *engine,
                                                 GHashTable          *vars,
                                                 GHashTable          *secrets,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
ProvCustomCaResult prov_custom_ca_update_finish (ProvEngine          *engine,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* `Last provisioning succeeded on mm/dd/yyyy HH:MM:SS` or `Last
 * provisioning failed on …` (local time), NULL before the first attempt. */
const char        *prov_custom_ca_get_result    (ProvEngine          *engine);
/* Why the last attempt failed, NULL when it succeeded. */
const char        *prov_custom_ca_get_error     (ProvEngine          *engine);
/* `Installed <CN of the first certificate>`, or `Not Installed` when the
 * state directory holds no custom CA. */
char              *prov_custom_ca_get_installed (ProvEngine          *engine);

G_END_DECLS
