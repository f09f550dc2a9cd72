/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built file module, loaded as the daemon loads it: what it reads, what
 * it refuses, and that nothing in a root can make a fetch wait. */
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prov-error.h"
#include "prov-fetch.h"
#include "prov-plugin.h"
#include "prov-test.h"
#include "prov-transport.h"

/* A guard, not a timing: a fetch that waits on a FIFO never ends. */
#define GUARD_SECONDS 20

static ProvPlugin *plugin;
static char *root;

typedef struct
{
  GBytes  *payload;
  GError  *error;
  gboolean done;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->payload, g_bytes_unref);
  g_clear_error (&r->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Result *r = user_data;

  r->payload = prov_transport_fetch_finish (PROV_TRANSPORT (source), res, &r->error);
  r->done = TRUE;
}

static gboolean
on_guard (gpointer user_data)
{
  g_error ("the fetch did not end within %u s", GUARD_SECONDS);
  return G_SOURCE_REMOVE;
}

/* @cancel_after_start: cancel @cancellable once the fetch is under way. */
static void
fetch_full (const char *name, guint64 max_size, GCancellable *cancellable,
            gboolean cancel_after_start, Result *r)
{
  g_autofree char *device_data = g_strdup_printf ("[Device]\n[file]\nRoots=%s\n", root);
  g_autofree char *url = g_strdup_printf ("file://%s/%s", root, name);
  g_autoptr(ProvDevice) device = NULL;
  g_autoptr(ProvFetch) f = NULL;
  g_autoptr(GError) error = NULL;
  guint guard;

  memset (r, 0, sizeof *r);
  device = prov_device_new_from_data (device_data, &error);
  g_assert_no_error (error);
  f = prov_fetch_new (url, &error);
  g_assert_no_error (error);
  prov_fetch_set_device (f, device);
  if (max_size != 0)
    prov_fetch_set_max_size (f, max_size);
  guard = g_timeout_add_seconds (GUARD_SECONDS, on_guard, NULL);
  prov_transport_fetch_async (PROV_TRANSPORT (plugin), f, cancellable, on_fetched, r);
  if (cancel_after_start)
    g_cancellable_cancel (cancellable);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

static void
fetch (const char *name, guint64 max_size, GCancellable *cancellable, Result *r)
{
  fetch_full (name, max_size, cancellable, FALSE, r);
}

static void
assert_refused (const char *name, int code, const char *message)
{
  g_auto(Result) r;

  fetch (name, 0, NULL, &r);
  g_assert_error (r.error, PROV_ERROR, code);
  g_assert_cmpstr (r.error->message, ==, message);
  g_assert_null (r.payload);
}

static void
test_regular (void)
{
  g_autofree char *path = g_build_filename (root, "a.xml", NULL);
  g_auto(Result) r;

  g_assert_true (g_file_set_contents (path, "<flat-profile/>", -1, NULL));
  fetch ("a.xml", 0, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpmem (g_bytes_get_data (r.payload, NULL), g_bytes_get_size (r.payload),
                   "<flat-profile/>", strlen ("<flat-profile/>"));
}

/* Opening a FIFO for reading waits for a writer: never done. */
static void
test_fifo (void)
{
  g_autofree char *path = g_build_filename (root, "fifo.xml", NULL);

  g_assert_cmpint (mkfifo (path, 0644), ==, 0);
  assert_refused ("fifo.xml", PROV_ERROR_TRANSPORT, "file: not a regular file (a FIFO)");
}

static void
test_directory (void)
{
  g_autofree char *path = g_build_filename (root, "dir.xml", NULL);

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  assert_refused ("dir.xml", PROV_ERROR_TRANSPORT, "file: not a regular file (a directory)");
}

static void
test_socket (void)
{
  g_autofree char *path = g_build_filename (root, "socket.xml", NULL);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  assert_refused ("socket.xml", PROV_ERROR_TRANSPORT, "file: not a regular file (a socket)");
}

static void
test_limits (void)
{
  g_autofree char *path = g_build_filename (root, "big.xml", NULL);
  g_auto(Result) r;

  g_assert_true (g_file_set_contents (path, "0123456789", -1, NULL));
  fetch ("big.xml", 9, NULL, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (r.error->message, ==, "too large");
  assert_refused ("missing.xml", PROV_ERROR_FILE_NOT_FOUND, "file not found");
  assert_refused ("../outside.xml", PROV_ERROR_TRANSPORT, "file: outside the allowed roots");
}

static void
test_cancelled (void)
{
  g_autofree char *path = g_build_filename (root, "c.xml", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(Result) r;

  g_assert_true (g_file_set_contents (path, "<flat-profile/>", -1, NULL));
  g_cancellable_cancel (cancellable);
  fetch ("c.xml", 0, cancellable, &r);
  /* Our domain, not GIO's: the engine reports it as "cancelled". */
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_CANCELLED);
  g_assert_cmpstr (r.error->message, ==, "cancelled");
}

/* Cancelled while the worker may be reading, or done already: "cancelled"
 * either way, and at once. */
static void
test_cancelled_during (void)
{
  g_autofree char *path = g_build_filename (root, "big.bin", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *data = g_malloc0 (32 * 1024 * 1024);
  g_auto(Result) r;

  g_assert_true (g_file_set_contents (path, data, 32 * 1024 * 1024, NULL));
  fetch_full ("big.bin", 64 * 1024 * 1024, cancellable, TRUE, &r);
  g_assert_error (r.error, PROV_ERROR, PROV_ERROR_CANCELLED);
  g_assert_cmpstr (r.error->message, ==, "cancelled");
  g_assert_null (r.payload);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  plugin = test_plugin_new ();
  root = g_dir_make_tmp ("prov-file-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/file/regular", test_regular);
  g_test_add_func ("/file/fifo", test_fifo);
  g_test_add_func ("/file/directory", test_directory);
  g_test_add_func ("/file/socket", test_socket);
  g_test_add_func ("/file/limits", test_limits);
  g_test_add_func ("/file/cancelled", test_cancelled);
  g_test_add_func ("/file/cancelled-during", test_cancelled_during);
  status = g_test_run ();

  test_rm_rf (root);
  g_free (root);
  g_object_unref (plugin);
  return status;
}
