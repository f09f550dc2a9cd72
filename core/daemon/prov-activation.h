/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-engine.h"
#include "prov-source.h"

G_BEGIN_DECLS

/**
 * prov_activation_submit:
 * @engine: the engine whose Profile_Rule waits for the code
 * @code: what the user entered
 *
 * Activation-code onboarding (SPEC §7), shared by the daemon and the
 * offline CLI: hands @code to the source plugin for the scheme of
 * Profile_Rule's chosen alternative (`gds://`). The caller then resyncs,
 * which is when the source spends the code.
 *
 * Returns: FALSE with PROV_ERROR_NOT_SUPPORTED when Profile_Rule names no
 * source ("Profile_Rule does not wait for an activation code"), or the
 * source's error (PROV_ERROR_INVALID_ARGS for a malformed code).
 */
gboolean prov_activation_submit (ProvEngine  *engine,
                                 const char  *code,
                                 GError     **error);

G_END_DECLS
