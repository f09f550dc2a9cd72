/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* No variable name is longer: a longer run of letters is never one. */
#define PROV_MACRO_NAME_MAX 32
/* The values one expansion may insert (or walk for a substring), in bytes:
 * the size of the largest profile. A bigger expansion is a mistake or an
 * attack. */
#define PROV_MACRO_MAX_VALUE_BYTES (16 * 1024 * 1024)

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
 * Linear in @text: a name is at most %PROV_MACRO_NAME_MAX bytes, and the
 * values inserted (or walked for a substring) add up to at most
 * %PROV_MACRO_MAX_VALUE_BYTES per call; once that is spent, later macros
 * stay verbatim.
 *
 * Returns: (transfer full): the expanded text
 */
char *prov_macro_expand (const char *text,
                         GHashTable *vars,
                         GHashTable *secrets);

/* prov_macro_expand() with a budget shared by several expansions (the
 * operands of one condition): *@budget bytes of values may be inserted,
 * and what is inserted is taken off it. */
char *prov_macro_expand_bounded (const char *text,
                                 GHashTable *vars,
                                 GHashTable *secrets,
                                 gsize      *budget);

G_END_DECLS
