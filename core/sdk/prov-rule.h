/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ProvAssignment:
 * @name: the parameter, normalized (a…p become GPP_A…GPP_P)
 * @value: the raw value (expanded when applied)
 *
 * One `NAME = "value" ;` of an alternative's `( … )!`.
 *
 * Since: 1.0
 */
typedef struct
{
  char *name;
  char *value;
} ProvAssignment;

/**
 * ProvRuleAlt:
 * @condition: raw text inside `( … )?`, or NULL when there is none
 * @assignments: (element-type ProvAssignment): from `( … )!`
 * @key: the `--key` argument, raw (unexpanded, unquoted), or %NULL
 * @uid: the `--uid` argument, raw, or %NULL
 * @pwd: the `--pwd` argument, raw, or %NULL
 * @post: the `--post` register letter 'a'…'p' (lower case), or 0
 * @alias: the `--alias` register letter 'a'…'p' (lower case), or 0
 * @srv: `--srv` given
 * @url: raw URL text (may be empty: an alternative with no URL)
 *
 * One alternative of a rule (SPEC §4).
 *
 * Since: 1.0
 */
typedef struct
{
  char      *condition;
  GPtrArray *assignments;
  char      *key;
  char      *uid;
  char      *pwd;
  char       post;
  char       alias;
  gboolean   srv;
  char      *url;
} ProvRuleAlt;

/**
 * ProvRule:
 * @alts: (element-type ProvRuleAlt): the alternatives, in order
 *
 * A parsed rule: prov_rule_parse().
 *
 * Since: 1.0
 */
typedef struct
{
  GPtrArray *alts; /* ProvRuleAlt* */
} ProvRule;

/**
 * prov_rule_parse: (skip)
 * @text: a rule (SPEC §4): `alt ('|' alt)*`
 *
 * Every rule parameter (Profile_Rule, Upgrade_Rule, Custom_CA_Rule…) has
 * this one syntax, options included; what a consumer does not use, it
 * ignores (see prov_rule_list_unused()).
 *
 * Only the leading `( … )?`, `( … )!` and `[ … ]` are syntax; the rest of
 * the alternative up to the next `|` is the URL, trimmed, whatever it holds
 * (`?`, `&`, `=`, `(`). A `|` inside the condition, the assignments or the
 * options does not split alternatives; one in a URL does. Quoted strings
 * take the escapes `\"` and `\\`. A `[` that opens an IPv6 literal
 * (`[2001:db8::1]/f.cfg`) starts the URL. Conditions are syntax-checked
 * here. A repeated option: the last one wins. A blank @text is a rule with
 * no alternatives.
 *
 * Returns: the parsed rule, or NULL with PROV_ERROR_INVALID_RULE whose
 * message names the problem and the 1-based column, in characters
 * ("column 14: unbalanced parenthesis", "column 3: unknown option --foo",
 * "column 9: unterminated quote"). Option arguments are never echoed.
 *
 * Since: 1.0
 */
ProvRule *prov_rule_parse  (const char  *text,
                            GError     **error);
/**
 * prov_rule_free:
 * @rule: (nullable): a rule
 *
 * Frees @rule.
 *
 * Since: 1.0
 */
void      prov_rule_free   (ProvRule    *rule);

/**
 * prov_rule_choose:
 * @rule: a parsed rule
 * @vars: (element-type utf8 utf8): the macro variables, name → value
 * @error: return location for a #PROV_ERROR
 *
 * Evaluates conditions left to right with @vars.
 *
 * Returns: the index of the first alternative whose condition holds or
 *   that has none, -1 when none is taken (the rule is skipped, not
 *   failed), or -1 with @error set when a condition does not parse
 *
 * Since: 1.0
 */
int       prov_rule_choose (ProvRule    *rule,
                            GHashTable  *vars,
                            GError     **error);

/**
 * prov_url_complete:
 * @url: an expanded URL: `[scheme '://'] [host [':' port]] '/' path`
 * @default_server: (nullable): the DHCP-given server (a host, host:port or
 *   a whole URL, as options 160/159/66/150 give) for a URL with no host
 * @error: return location for a #PROV_ERROR
 *
 * Fills in the default scheme (`tftp`) and the server. Returns a full URL
 * `scheme://host[:port]/path`, or NULL with PROV_ERROR_TRANSPORT "no server"
 * when the URL has no host and there is no @default_server, or
 * PROV_ERROR_INVALID_RULE when it cannot be a URL.
 *
 * The scheme is lowered; path and query bytes are kept as they are. A URL
 * with no host (`/f.xml`, `https:///f.xml`) takes @default_server: its
 * host and port, its scheme when @url has none, its path as a directory
 * before @url's path. A bare IPv6 server gets its brackets. A scheme alone
 * (`gds://`) is returned as is. A local scheme whose URLs have no host
 * (`file:///f.xml`) is the caller's to recognise: this function knows no
 * scheme names. A URL without a scheme needs a `/` (`basic.txt` is an
 * error). A bad @default_server is PROV_ERROR_TRANSPORT "bad server
 * address".
 *
 * Returns: (transfer full): the full URL, or %NULL with @error set
 *
 * Since: 1.0
 */
char     *prov_url_complete (const char  *url,
                             const char  *default_server,
                             GError     **error);

/**
 * prov_rule_list_unused:
 * @rule: a parsed rule
 * @used: (nullable) (array zero-terminated=1): the option names a
 *   consumer uses, without dashes ("uid", "pwd", "post"…), or NULL for
 *   every option
 * @assignments_used: whether the consumer applies `( … )!` assignments
 *
 * What of @rule a consumer would ignore, for a warning: a rule parameter
 * has one syntax for every consumer.
 *
 * Returns: (transfer full) (nullable): the options (`--key, --alias`)
 *   and "assignments" that some alternative of @rule gives and the
 *   consumer ignores, comma-separated, or NULL when there are none.
 *   Option arguments are never included.
 *
 * Since: 1.0
 */
char     *prov_rule_list_unused (ProvRule           *rule,
                                 const char * const *used,
                                 gboolean            assignments_used);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvRule, prov_rule_free)

G_END_DECLS
