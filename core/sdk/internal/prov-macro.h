/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * prov_macro_expand:
 * @text: the text to expand
 * @vars: variable name → value (char* → char*); a name absent from @vars is
 *   unknown and stays verbatim
 * @secrets: (nullable): SA…SD → value; pass it only for --key, --uid and
 *   --pwd arguments, so that a secret can never reach a URL, a log or a body
 *
 * SPEC §3: `$NAME`, `$(NAME)`, `$(NAME:p)`, `$(NAME:p:q)`, `$$`. The name is
 * the longest prefix of the run of [A-Za-z0-9] after `$` that is a known
 * variable (`$MAC` wins over `$MA`, `$MAx` is `$MA` then "x"); inside
 * `$( … )` the name is exact. One pass: inserted text is never expanded
 * again.
 *
 * `p` and `q` count UTF-8 characters when the value is valid UTF-8, bytes
 * otherwise, and are clamped to the value. Anything not understood stays
 * verbatim: an unknown name, `$(NAME:x)`, an unclosed `$(`, a lone `$`.
 * A name known to both tables takes the value from @secrets.
 *
 * Linear in @text: a name is at most 32 bytes, and the values inserted (or
 * walked for a substring) add up to at most 16 MiB per call; once that is
 * spent, later macros stay verbatim.
 *
 * Returns: (transfer full): the expanded text
 */
char *prov_macro_expand (const char *text,
                         GHashTable *vars,
                         GHashTable *secrets);

G_END_DECLS
