/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "http-test-util.h"
#include "prov-error.h"
#include "prov-transport.h"

#define FETCH_GUARD_SECONDS 60

void
test_result_clear (TestResult *result)
{
  g_clear_pointer (&result->payload, g_bytes_unref);
  g_clear_error (&result->error);
}

typedef struct
{
  TestResult *result;
  gboolean    done;
} FetchWait;

static void
on_progress (ProvFetch *fetch, guint64 received, guint64 total, TestResult *result)
{
  if (received < result->last_received)
    result->progress_monotonic = FALSE;
  result->progress_calls++;
  result->last_received = received;
  result->last_total = total;
}

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  FetchWait *wait = user_data;

  wait->result->payload = prov_transport_fetch_finish (PROV_TRANSPORT (source), res,
                                                       &wait->result->error);
  wait->done = TRUE;
}

void
test_fetch_run (ProvPlugin *plugin, ProvFetch *fetch, GCancellable *cancellable, TestResult *result)
{
  FetchWait wait = { result, FALSE };
  gint64 start = g_get_monotonic_time ();
  gulong id;

  memset (result, 0, sizeof *result);
  result->progress_monotonic = TRUE;
  id = g_signal_connect (fetch, "progress", G_CALLBACK (on_progress), result);
  prov_transport_fetch_async (PROV_TRANSPORT (plugin), fetch, cancellable, on_fetched, &wait);
  while (!wait.done)
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () - start > FETCH_GUARD_SECONDS * G_USEC_PER_SEC)
        g_error ("fetch of %s did not end within %d s", prov_fetch_get_url (fetch),
                 FETCH_GUARD_SECONDS);
    }
  g_signal_handler_disconnect (fetch, id);
  result->seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_true ((result->payload == NULL) != (result->error == NULL));
}

ProvFetch *
test_fetch_new (const char *format, ...)
{
  va_list args;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  ProvFetch *fetch;

  va_start (args, format);
  url = g_strdup_vprintf (format, args);
  va_end (args);
  fetch = prov_fetch_new (url, &error);
  g_assert_no_error (error);
  return fetch;
}

void
test_fetch_set_device (ProvFetch *fetch, const char *format, ...)
{
  va_list args;
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvDevice) device = NULL;

  va_start (args, format);
  data = g_strdup_vprintf (format, args);
  va_end (args);
  device = prov_device_new_from_data (data, &error);
  g_assert_no_error (error);
  prov_fetch_set_device (fetch, device);
}

void
test_assert_payload (const TestResult *result, GBytes *expected)
{
  g_assert_no_error (result->error);
  g_assert_nonnull (result->payload);
  g_assert_cmpuint (g_bytes_get_size (result->payload), ==, g_bytes_get_size (expected));
  g_assert_true (g_bytes_equal (result->payload, expected));
}

void
test_assert_error (const TestResult *result, int code, const char *message)
{
  g_assert_null (result->payload);
  g_assert_error (result->error, PROV_ERROR, code);
  g_assert_cmpstr (result->error->message, ==, message);
}
