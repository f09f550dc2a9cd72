/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * prov_condition_eval:
 * @expr: a condition (SPEC §4.1), without the `( … )?` of a rule
 * @vars: (nullable): variables for macros inside operands (see prov_macro_expand)
 * @result: (out): the value of the condition
 *
 * Comparisons joined by `and`/`or` with parentheses; operators
 * `eq ne lt le gt ge = != < <= > >=`; operands are integers, versions, or
 * double-quoted strings (strings: eq/ne only). Macros are expanded inside
 * each operand after tokenizing, so a value can never change the syntax.
 * An empty or all-blank @expr is TRUE.
 *
 * Keywords are matched in any case. A quoted operand is expanded and
 * compared as text, unquoted operands as signed integers when both are
 * integers (of any length), else with prov_version_compare(). A comparison
 * where either side is quoted is a text comparison. Parentheses glued to a
 * word belong to it (`1.0.31(b)`). Error messages are "column N: …",
 * columns counted in characters.
 *
 * Returns: FALSE with PROV_ERROR_INVALID_RULE on a syntax error
 */
gboolean prov_condition_eval         (const char  *expr,
                                      GHashTable  *vars,
                                      gboolean    *result,
                                      GError     **error);

/* Syntax check only (for the schema's "expression" type). */
gboolean prov_condition_check_syntax (const char  *expr,
                                      GError     **error);

/**
 * prov_version_compare:
 *
 * Field by field (SPEC §4.1): `1.0.31(b)`, `sip88xx.11-3-2MPP0001-609`. A
 * leading model prefix up to the first `.` is ignored when it contains a
 * letter; fields split at `.` `-` `(` `)` `_`; numeric fields compare as
 * numbers, mixed fields by leading number then the rest as text (digit
 * runs in the rest again as numbers: `MPP9` < `MPP10`). A field with a
 * leading number sorts after one without; a missing field sorts first
 * (`1.0` < `1.0.1`, `2` < `2MPP0001`). Numbers of any length. NULL sorts
 * before everything.
 *
 * Returns: <0, 0, >0 like strcmp()
 */
int      prov_version_compare        (const char  *a,
                                      const char  *b);

G_END_DECLS
