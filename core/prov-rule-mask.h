/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * prov_rule_mask_secrets:
 * @rule: a rule as given (SPEC §4), well-formed or not
 *
 * The rule for a log line: the arguments of --key, --uid and --pwd become
 * `…` (`[--key "my pass"] /a.cfg` → `[--key …] /a.cfg`), and so does the
 * password of a URL's user information (`http://u:pw@h/` → `http://u:…@h/`).
 * It works on words, not on the grammar, so that a rule the parser refuses
 * is masked too; an unterminated quoted argument hides the rest.
 *
 * Returns: (transfer full): the masked rule
 */
char *prov_rule_mask_secrets (const char *rule);

G_END_DECLS
