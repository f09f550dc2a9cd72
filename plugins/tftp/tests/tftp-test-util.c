/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "prov-device.h"
#include "prov-error.h"
#include "prov-fetch.h"
#include "prov-transport.h"
#include "tftp-test-util.h"

GBytes *
tt_make_file (const char *dir, const char *name, gsize size, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  guint8 *data = g_malloc (size + 4);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);

  for (gsize i = 0; i < size; i += 4)
    {
      guint32 v = g_rand_int (rand);

      memcpy (data + i, &v, 4);
    }
  g_file_set_contents_full (path, (const char *) data, size, G_FILE_SET_CONTENTS_NONE, 0644,
                            &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

/* A memory sink that refuses, with a full disk's error, the write that
 * would take it past @refuse_at bytes. */
#define TT_TYPE_REFUSING_SINK (tt_refusing_sink_get_type ())
G_DECLARE_FINAL_TYPE (TtRefusingSink, tt_refusing_sink, TT, REFUSING_SINK, GMemoryOutputStream)

struct _TtRefusingSink
{
  GMemoryOutputStream parent_instance;
  guint64             refuse_at;
};

G_DEFINE_FINAL_TYPE (TtRefusingSink, tt_refusing_sink, G_TYPE_MEMORY_OUTPUT_STREAM)

static gssize
refusing_sink_write (GOutputStream *stream, const void *buffer, gsize count,
                     GCancellable *cancellable, GError **error)
{
  TtRefusingSink *self = TT_REFUSING_SINK (stream);
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (stream);

  if (g_memory_output_stream_get_data_size (memory) + count > self->refuse_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
      return -1;
    }
  return G_OUTPUT_STREAM_CLASS (tt_refusing_sink_parent_class)->write_fn (stream, buffer, count,
                                                                          cancellable, error);
}

static void
tt_refusing_sink_class_init (TtRefusingSinkClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = refusing_sink_write;
}

static void
tt_refusing_sink_init (TtRefusingSink *self)
{
}

static GOutputStream *
tt_refusing_sink_new (guint64 refuse_at)
{
  TtRefusingSink *self = g_object_new (TT_TYPE_REFUSING_SINK,
                                       "realloc-function", g_realloc,
                                       "destroy-function", g_free, NULL);

  self->refuse_at = refuse_at;
  return G_OUTPUT_STREAM (self);
}

typedef struct
{
  TtFetchResult *result;
  GCancellable  *cancellable;
  guint64        cancel_at;
  gint64         cancel_time;
  gboolean       done;
  gboolean       guard_hit;
} FetchState;

static void
on_progress (ProvFetch *fetch, guint64 received, guint64 total, gpointer user_data)
{
  FetchState *state = user_data;

  state->result->progress_calls++;
  state->result->progress_max = MAX (state->result->progress_max, received);
  state->result->progress_total = total;
  if (state->cancel_at != 0 && received >= state->cancel_at && state->cancel_time == 0)
    {
      state->cancel_time = g_get_monotonic_time ();
      g_cancellable_cancel (state->cancellable);
    }
}

static gboolean
on_cancel_timer (gpointer user_data)
{
  FetchState *state = user_data;

  state->cancel_time = g_get_monotonic_time ();
  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  FetchState *state = user_data;

  state->result->payload = prov_transport_fetch_finish (PROV_TRANSPORT (source), res,
                                                        &state->result->error);
  state->done = TRUE;
}

static void
on_streamed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  FetchState *state = user_data;

  prov_transport_stream_finish (PROV_TRANSPORT (source), res, &state->result->error);
  state->done = TRUE;
}

static gboolean
on_guard (gpointer user_data)
{
  FetchState *state = user_data;

  state->guard_hit = TRUE;
  return G_SOURCE_REMOVE;
}

void
tt_fetch (ProvPlugin *plugin, const char *url, const TtFetchOptions *options,
          TtFetchResult *result)
{
  static const TtFetchOptions defaults = { 0 };
  g_autofree char *data = NULL;
  g_autoptr(ProvDevice) device = NULL;
  g_autoptr(ProvFetch) fetch = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  FetchState state = { result, cancellable, 0, 0, FALSE, FALSE };
  guint guard, cancel_timer = 0;
  gint64 start;

  if (options == NULL)
    options = &defaults;
  memset (result, 0, sizeof *result);
  data = g_strdup_printf ("[Device]\nMAC=00:0e:08:ab:cd:ef\n[tftp]\n%s\n",
                          options->settings != NULL ? options->settings : "");
  device = prov_device_new_from_data (data, &error);
  g_assert_no_error (error);
  fetch = prov_fetch_new (url, &error);
  g_assert_no_error (error);
  prov_fetch_set_device (fetch, device);
  prov_fetch_set_default_port (fetch, 69);
  if (options->timeout != 0)
    prov_fetch_set_timeout (fetch, options->timeout);
  if (options->max_size != 0)
    prov_fetch_set_max_size (fetch, options->max_size);
  state.cancel_at = options->cancel_at;
  g_signal_connect (fetch, "progress", G_CALLBACK (on_progress), &state);
  if (options->cancel_first)
    g_cancellable_cancel (cancellable);

  if (options->cancel_after_ms != 0)
    cancel_timer = g_timeout_add (options->cancel_after_ms, on_cancel_timer, &state);
  guard = g_timeout_add_seconds (TT_GUARD_SECONDS, on_guard, &state);
  start = g_get_monotonic_time ();
  if (options->refuse_at != 0)
    {
      g_autoptr(GOutputStream) sink = tt_refusing_sink_new (options->refuse_at);

      prov_fetch_set_sink (fetch, sink);
      prov_transport_stream_async (PROV_TRANSPORT (plugin), fetch, cancellable, on_streamed,
                                   &state);
    }
  else
    prov_transport_fetch_async (PROV_TRANSPORT (plugin), fetch, cancellable, on_fetched,
                                &state);
  while (!state.done && !state.guard_hit)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (state.guard_hit);
  g_source_remove (guard);
  if (cancel_timer != 0 && state.cancel_time == 0)
    g_source_remove (cancel_timer);
  result->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (state.cancel_time != 0)
    result->cancel_seconds =
      (g_get_monotonic_time () - state.cancel_time) / (double) G_USEC_PER_SEC;
  result->server_ip = g_strdup (prov_fetch_get_server_ip (fetch));
  g_signal_handlers_disconnect_by_data (fetch, &state);
}

void
tt_fetch_result_clear (TtFetchResult *result)
{
  g_clear_pointer (&result->payload, g_bytes_unref);
  g_clear_error (&result->error);
  g_clear_pointer (&result->server_ip, g_free);
}

void
tt_assert_bytes_equal (GBytes *expected, GBytes *actual)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_bytes_get_size (actual), ==, g_bytes_get_size (expected));
  /* Not g_assert_cmpmem: it would print megabytes on failure. */
  g_assert_true (g_bytes_equal (expected, actual));
}
