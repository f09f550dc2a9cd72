/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the condition and rule parsers; not installed. */

#include <glib.h>

#include "prov-parse-steps.h"

G_BEGIN_DECLS

/* The 1-based column of @p in @text, counted in UTF-8 characters (any byte
 * that is not a continuation byte starts one, so invalid text is safe).
 * It walks from @text: call it for an error message, never per token. */
static inline guint
prov_text_column (const char *text, const char *p)
{
  guint column = 1;

  for (const char *s = text; s < p; s++)
    if (((guchar) *s & 0xC0) != 0x80)
      column++;
  prov_parse_steps_add ((gsize) (p - text));
  return column;
}

/* Columns of positions met left to right (tokens, the conditions of a
 * rule): each call counts on from the previous one, so that a text of many
 * tokens is walked once. */
typedef struct
{
  const char *at;
  guint       column;
} ProvColumnCursor;

static inline void
prov_column_cursor_init (ProvColumnCursor *cursor, const char *text, guint first_column)
{
  cursor->at = text;
  cursor->column = first_column;
}

/* The column of @p, which must not be before the previous call's. */
static inline guint
prov_column_cursor_get (ProvColumnCursor *cursor, const char *p)
{
  prov_parse_steps_add ((gsize) (p - cursor->at));
  for (; cursor->at < p; cursor->at++)
    if (((guchar) *cursor->at & 0xC0) != 0x80)
      cursor->column++;
  return cursor->column;
}

/* prov_condition_check_syntax() for a condition that starts at column
 * @first_column of a larger text (a rule), so that error columns point into
 * that text. */
gboolean prov_condition_check_syntax_at (const char  *expr,
                                         guint        first_column,
                                         GError     **error);

/* prov_condition_eval() drawing the values of its macros from *@budget
 * (see prov_macro_expand_bounded()), so that the conditions of all the
 * alternatives of a rule share one. */
gboolean prov_condition_eval_bounded (const char  *expr,
                                      GHashTable  *vars,
                                      gsize       *budget,
                                      gboolean    *result,
                                      GError     **error);

G_END_DECLS
