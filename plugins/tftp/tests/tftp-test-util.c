/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "prov-device.h"
#include "prov-error.h"
#include "prov-fetch.h"
#include "prov-transport.h"
#include "tftp-test-util.h"

#define ATFTPD_DEFAULT "/opt/provisiond-peers/usr/sbin/atftpd"

char *
tt_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("prov-tftp-XXXXXX", &error);

  g_assert_no_error (error);
  /* tftpd-hpa serves only world-readable files in readable folders. */
  g_assert_cmpint (chmod (dir, 0755), ==, 0);
  return dir;
}

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

static GSocket *
bind_udp (const char *ip, guint16 port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (address, port);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, NULL);
  g_assert_nonnull (socket);
  if (!g_socket_bind (socket, local, FALSE, NULL))
    return NULL;
  return g_steal_pointer (&socket);
}

guint16
tt_free_port (void)
{
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GSocket) v4 = bind_udp ("127.0.0.1", 0);
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (v4, NULL);
      guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
      g_autoptr(GSocket) v6 = bind_udp ("::1", port);

      if (v6 != NULL)
        return port;
    }
  g_error ("no UDP port free on both 127.0.0.1 and ::1");
}

gboolean
tt_wait_ready (const char *ip, guint16 port, GSubprocess *process)
{
  g_autoptr(GSocket) socket = bind_udp (ip, 0);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) server = g_inet_socket_address_new (address, port);
  static const char probe[] = "\0\1prov-ready-probe\0octet";

  /* 100 × 100 ms: a server that does not answer within 10 s is broken. */
  for (guint i = 0; i < 100; i++)
    {
      char reply[600];

      if (process != NULL && g_subprocess_get_identifier (process) == NULL)
        return FALSE;
      g_socket_send_to (socket, server, probe, sizeof probe, NULL, NULL);
      if (g_socket_condition_timed_wait (socket, G_IO_IN, 100 * 1000, NULL, NULL)
          && g_socket_receive (socket, reply, sizeof reply, NULL, NULL) >= 4)
        return TRUE;
    }
  return FALSE;
}

static void
server_child_setup (gpointer user_data)
{
  setpgid (0, 0);
  test_die_with_parent (user_data);
}

static TtServer *
server_spawn (GPtrArray *argv, guint16 port, const char *ip, char *log)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  TtServer *server = g_new0 (TtServer, 1);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_ptr_array_add (argv, NULL);
  /* Its own process group, so that stopping it also stops the children
   * tftpd-hpa forks per transfer. Its output goes to a file: an inherited
   * stdout would keep the test harness waiting for the end of it. */
  g_subprocess_launcher_set_child_setup (launcher, server_child_setup, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                  &error);
  g_assert_no_error (error);
  server->port = port;
  server->log = log;
  if (!tt_wait_ready (ip, port, server->process))
    {
      g_autofree char *text = NULL;

      if (log != NULL)
        g_file_get_contents (log, &text, NULL, NULL);
      g_error ("%s did not answer on %s port %u%s%s", (char *) argv->pdata[0], ip, port,
               text != NULL ? ": " : "", text != NULL ? text : "");
    }
  return server;
}

static TtServer *
start_hpa (const char *dir, const char *family, gboolean secure, const char * const *extra_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  guint16 port = tt_free_port ();
  char *log = g_strdup_printf ("%s.hpa.log", dir);

  g_ptr_array_add (argv, g_strdup ("/usr/sbin/in.tftpd"));
  g_ptr_array_add (argv, g_strdup ("--foreground"));
  g_ptr_array_add (argv, g_strdup ("--address"));
  g_ptr_array_add (argv, g_strdup_printf (":%u", port));
  if (family != NULL)
    g_ptr_array_add (argv, g_strdup (family));
  if (secure)
    g_ptr_array_add (argv, g_strdup ("--secure"));
  g_ptr_array_add (argv, g_strdup ("--user"));
  g_ptr_array_add (argv, g_strdup ("root"));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, g_strdup (dir));
  if (!g_file_test ("/usr/sbin/in.tftpd", G_FILE_TEST_IS_EXECUTABLE))
    g_error ("/usr/sbin/in.tftpd is missing: install the Debian package tftpd-hpa");
  return server_spawn (argv, port, g_strcmp0 (family, "-6") == 0 ? "::1" : "127.0.0.1", log);
}

TtServer *
tt_server_start_hpa (const char *dir, const char *family, const char * const *extra_args)
{
  return start_hpa (dir, family, TRUE, extra_args);
}

TtServer *
tt_server_start_hpa_not_secure (const char *dir)
{
  return start_hpa (dir, "-4", FALSE, NULL);
}

TtServer *
tt_server_start_atftpd (const char *dir, const char *ip, const char * const *extra_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *binary = g_getenv ("PROV_ATFTPD");
  guint16 port = tt_free_port ();
  char *log = g_strdup_printf ("%s.atftpd.log", dir);

  if (binary == NULL)
    binary = ATFTPD_DEFAULT;
  /* A failure, not a skip: CI installs it with tests/peers/install-atftpd.sh. */
  if (!g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("atftpd not found at %s: run tests/peers/install-atftpd.sh "
             "or set PROV_ATFTPD", binary);
  g_ptr_array_add (argv, g_strdup (binary));
  g_ptr_array_add (argv, g_strdup ("--daemon"));
  g_ptr_array_add (argv, g_strdup ("--no-fork"));
  /* Never let it answer to a multicast group that leaves loopback. */
  g_ptr_array_add (argv, g_strdup ("--no-multicast"));
  g_ptr_array_add (argv, g_strdup ("--bind-address"));
  g_ptr_array_add (argv, g_strdup (ip));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  g_ptr_array_add (argv, g_strdup ("--user"));
  g_ptr_array_add (argv, g_strdup ("root"));
  g_ptr_array_add (argv, g_strdup ("--group"));
  g_ptr_array_add (argv, g_strdup ("root"));
  /* Level 6 logs the options it acknowledged. */
  g_ptr_array_add (argv, g_strdup ("--verbose=6"));
  g_ptr_array_add (argv, g_strdup ("--logfile"));
  g_ptr_array_add (argv, g_strdup ("-"));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, g_strdup (dir));
  return server_spawn (argv, port, ip, log);
}

gboolean
tt_server_log_contains (TtServer *server, const char *text)
{
  /* The server writes its log as it goes; give it up to 2 s. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *log = NULL;

      if (g_file_get_contents (server->log, &log, NULL, NULL) && strstr (log, text) != NULL)
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

void
tt_server_stop (TtServer *server)
{
  const char *id = g_subprocess_get_identifier (server->process);

  if (id != NULL)
    kill (-(pid_t) g_ascii_strtoll (id, NULL, 10), SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  if (server->log != NULL)
    g_remove (server->log);
  g_free (server->log);
  g_free (server);
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
  prov_transport_fetch_async (PROV_TRANSPORT (plugin), fetch, cancellable, on_fetched, &state);
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
