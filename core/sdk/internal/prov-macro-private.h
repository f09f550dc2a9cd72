/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the modules that expand macros; not installed. */

#include <glib.h>

G_BEGIN_DECLS

/* No variable name is longer: a longer run of letters is never one. */
#define PROV_MACRO_NAME_MAX 32
/* The values one expansion may insert (or walk for a substring), in bytes:
 * the size of the largest profile. A bigger expansion is a mistake or an
 * attack. */
#define PROV_MACRO_MAX_VALUE_BYTES (16 * 1024 * 1024)

/* prov_macro_expand() with a budget shared by several expansions (the
 * operands of one condition, the conditions of a rule, the assignments of
 * an alternative): *@budget bytes of values may be inserted, and what is
 * inserted is taken off it. */
char *prov_macro_expand_bounded (const char *text,
                                 GHashTable *vars,
                                 GHashTable *secrets,
                                 gsize      *budget);

G_END_DECLS
