/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the HTTP tests share beyond tests/support/prov-test.h: fetches of
 * the module under test and what they produced. */
#include <gio/gio.h>

#include "prov-fetch.h"
#include "prov-plugin.h"
#include "prov-test.h"

G_BEGIN_DECLS

/* What one fetch produced, and what the plugin reported on the way. */
typedef struct
{
  GBytes  *payload;
  GError  *error;
  double   seconds;
  guint    progress_calls;
  guint64  last_received;
  guint64  last_total;
  gboolean progress_monotonic;
} TestResult;

void        test_result_clear       (TestResult   *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestResult, test_result_clear)

void        test_fetch_run          (ProvPlugin   *plugin,
                                     ProvFetch    *fetch,
                                     GCancellable *cancellable,
                                     TestResult   *result);
ProvFetch  *test_fetch_new          (const char   *format,
                                     ...) G_GNUC_PRINTF (1, 2);
void        test_fetch_set_device   (ProvFetch    *fetch,
                                     const char   *format,
                                     ...) G_GNUC_PRINTF (2, 3);

void        test_assert_payload     (const TestResult *result,
                                     GBytes       *expected);
void        test_assert_error       (const TestResult *result,
                                     int           code,
                                     const char   *message);

G_END_DECLS
