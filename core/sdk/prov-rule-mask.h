/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PROV_RULE_MASK:
 * What a secret becomes in a masked rule or URL.
 *
 * Since: 1.0
 */
#define PROV_RULE_MASK "…"

/**
 * ProvRuleMaskSecretFunc:
 * @name: a parameter name, normalized (`a` is GPP_A)
 * @user_data: (closure): the caller's data
 *
 * Says which assignment names are secret, for
 * prov_rule_mask_secrets_full().
 *
 * Returns: %TRUE when the parameter @name holds a secret (an assignment's
 *   value is then masked)
 *
 * Since: 1.0
 */
typedef gboolean (*ProvRuleMaskSecretFunc) (const char *name, gpointer user_data);

/**
 * prov_rule_mask_secrets:
 * @rule: a rule as given (SPEC §4), well-formed or not
 *
 * The rule for a log line or for a reader below admin. It follows the
 * grammar of prov_rule_parse() byte for byte, so that it masks exactly what
 * the parser would take as a secret and changes nothing else:
 *
 * - the arguments of --key, --uid and --pwd: a bare word becomes `…`, a
 *   quoted one `"…"` (`[--key "my pass"]` → `[--key "…"]`), whatever
 *   `|`, `[`, `]` or `@` it holds (`[--pwd xy[z]w]` → `[--pwd …]`);
 * - the password of a URL's user information, wherever a URL may start in
 *   the URL part: `http://u:pw@h/` → `http://u:…@h/` (the user information
 *   ends at the last `@` before the first `/`, `?` or `#`, as in GUri);
 * - the values of assignments to secret parameters
 *   (`( GPP_SA = "x"; )!` → `( GPP_SA = "…"; )!`): GPP_SA…GPP_SD and names
 *   that say password, passwd, pwd, passphrase, psk or secret.
 *
 * A rule the parser refuses is masked too, hiding more rather than less:
 * from the point where the parser would stop with an error (an
 * unterminated quote, a missing `)`, a word that is no option such as the
 * rest of an unquoted passphrase, `--key=x`, an option without its
 * argument, assignments or a condition that do not parse) the rest of the
 * rule becomes `…`; a missing `]` makes the rest an option block. Options
 * written where the URL stands (`/a.cfg --pwd x`) are masked as options,
 * their argument running past a `|` if need be. The masker is linear in
 * the length of @rule. For the fuzz target of this function see
 * prov_rule_mask_check().
 *
 * Returns: (transfer full): the masked rule
 *
 * Since: 1.0
 */
char *prov_rule_mask_secrets      (const char             *rule);

/**
 * prov_rule_mask_secrets_full:
 * @rule: a profile rule
 * @is_secret: (scope call): whether an assignment name is secret
 * @user_data: (closure): for @is_secret
 *
 * prov_rule_mask_secrets(), with the caller saying which assignment names
 * are secret (the store passes its schema).
 *
 * Returns: (transfer full): the masked rule
 *
 * Since: 1.0
 */
char *prov_rule_mask_secrets_full (const char             *rule,
                                   ProvRuleMaskSecretFunc  is_secret,
                                   gpointer                user_data);

/**
 * prov_url_mask_secrets:
 * @url: a URL (complete or as written), or any text holding URLs
 *
 * The URL part of prov_rule_mask_secrets(): user-information passwords and
 * `--key`/`--uid`/`--pwd` arguments written in it become `…`. Every URL the
 * daemon shows or logs goes through it.
 *
 * Returns: (transfer full): the masked URL
 *
 * Since: 1.0
 */
char *prov_url_mask_secrets       (const char             *url);

/**
 * prov_text_mask_url_passwords:
 * @text: text that is no rule (a condition, a parameter's value)
 *
 * Only the passwords of URLs after a `scheme://` become `…`, so that
 * `sip:1001@host` stays as it is.
 *
 * Returns: (transfer full): the masked text
 *
 * Since: 1.0
 */
char *prov_text_mask_url_passwords (const char             *text);

/**
 * prov_rule_mask_check:
 * @rule: any text
 *
 * The masker's oracle, for tests and fuzz targets (call it with any
 * NUL-terminated input; FALSE is a bug of the masker): when
 * prov_rule_parse() accepts @rule, the masked rule must parse too, into the
 * same alternatives, register options, assignment names, conditions (URL
 * passwords masked) and URLs (as prov_url_mask_secrets() shows them), with
 * every --key, --uid and --pwd argument and every secret assignment
 * replaced by `…`: so no byte of a secret is left in place and nothing
 * else changed. A rule the parser refuses, or one with an option written
 * in its URL, is read leniently (see prov_rule_mask_secrets()) and passes.
 *
 * Returns: TRUE, or FALSE with @error saying what went wrong
 *
 * Since: 1.0
 */
gboolean prov_rule_mask_check     (const char             *rule,
                                   GError                **error);

G_END_DECLS
