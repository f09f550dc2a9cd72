/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One interval of a schedule: `base` seconds plus a uniform random 0..`random`. */
typedef struct
{
  guint32 base;
  guint32 random;
} ProvInterval;

/**
 * prov_schedule_parse:
 * @text: `N`, `N1,N2,…` (the n-th interval; the last repeats) or `N+R`
 *   items, separated by half-width `,` or full-width `、` / `，` commas,
 *   blanks allowed around items
 * @n_intervals: (out): number of intervals; 0 for an empty string or "0"
 *   (schedule off)
 *
 * Values are 0…2^31-1 seconds, ASCII digits only. "0" (or "0+0") alone is
 * off; a 0 in a list or with a random part is an error ("item 2: 0 (off) is
 * only valid alone"), as is an empty item ("item 2: empty", also after a
 * trailing comma). A NULL @text is off.
 *
 * Returns: (transfer full) (nullable): the intervals, NULL with 0 when off,
 * or NULL with PROV_ERROR_INVALID_VALUE ("item 2: 'x' is not a number")
 */
ProvInterval *prov_schedule_parse (const char  *text,
                                   guint       *n_intervals,
                                   GError     **error);

G_END_DECLS
