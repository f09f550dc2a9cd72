/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the condition and rule parsers; not installed. */

#include <glib.h>

G_BEGIN_DECLS

/* The 1-based column of @p in @text, counted in UTF-8 characters (any byte
 * that is not a continuation byte starts one, so invalid text is safe). */
static inline guint
prov_text_column (const char *text, const char *p)
{
  guint column = 1;

  for (const char *s = text; s < p; s++)
    if (((guchar) *s & 0xC0) != 0x80)
      column++;
  return column;
}

/* prov_condition_check_syntax() for a condition that starts at column
 * @first_column of a larger text (a rule), so that error columns point into
 * that text. */
gboolean prov_condition_check_syntax_at (const char  *expr,
                                         guint        first_column,
                                         GError     **error);

G_END_DECLS
