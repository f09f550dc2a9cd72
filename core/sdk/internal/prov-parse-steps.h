/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Not installed. A count of the work the string parsers and the macro
 * expander do, in bytes looked at: the column counts, the name lookups and
 * the scans that could run again over text already seen. Tests read it
 * at n and at 2n to prove a parser linear without timing it (issue 12);
 * nothing else reads it. Per thread, so that parallel tests and worker
 * threads never race on it. */

#include <glib.h>

G_BEGIN_DECLS

extern _Thread_local guint64 prov_parse_steps;

static inline void
prov_parse_steps_add (gsize n)
{
  prov_parse_steps += n;
}

G_END_DECLS
