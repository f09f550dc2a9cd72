/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-plugin.h"
#include "prov-test.h"

G_BEGIN_DECLS

/* Every bounded wait of the tests: a guard, not a timing. */
#define TT_GUARD_SECONDS 120

/* Writes @size deterministic pseudo-random bytes; @name may hold folders
 * ("Cisco/CP-8845-3PCC/x.cfg"), made world-readable. */
GBytes     *tt_make_file         (const char *dir,
                                  const char *name,
                                  gsize       size,
                                  guint32     seed);
typedef struct
{
  const char *settings;  /* lines of the [tftp] group */
  guint       timeout;   /* whole-transfer bound, 0 = ProvFetch's default */
  guint64     max_size;  /* 0 = ProvFetch's default */
  guint64     cancel_at; /* cancel once this many bytes arrived */
  guint       cancel_after_ms; /* cancel this long after the start */
  gboolean    cancel_first;
  guint64     refuse_at; /* the sink refuses the write past this many bytes
                          * as a full disk does (0 = never) */
} TtFetchOptions;

typedef struct
{
  GBytes  *payload;
  GError  *error;
  double   seconds;        /* fetch_async to callback */
  double   cancel_seconds; /* cancel to callback */
  char    *server_ip;
  guint    progress_calls;
  guint64  progress_max;   /* largest received reported */
  guint64  progress_total; /* last total reported */
} TtFetchResult;

void        tt_fetch             (ProvPlugin           *plugin,
                                  const char           *url,
                                  const TtFetchOptions *options,
                                  TtFetchResult        *result);
void        tt_fetch_result_clear (TtFetchResult       *result);
void        tt_assert_bytes_equal (GBytes              *expected,
                                   GBytes              *actual);

G_END_DECLS
