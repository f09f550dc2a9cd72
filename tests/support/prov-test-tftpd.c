/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TFTP servers on loopback: tftpd-hpa and atftpd, with their readiness. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "prov-test.h"

#define ATFTPD_DEFAULT "/opt/provisiond-peers/usr/sbin/atftpd"

char *
test_tftp_root_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("prov-tftp-XXXXXX", &error);

  g_assert_no_error (error);
  /* tftpd-hpa serves only world-readable files in readable folders. */
  g_assert_cmpint (chmod (dir, 0755), ==, 0);
  return dir;
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
test_free_udp_port (void)
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
test_tftp_wait_ready (const char *ip, guint16 port, GSubprocess *process)
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

static TestTftpd *
server_spawn (GPtrArray *argv, guint16 port, const char *ip, char *log)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  TestTftpd *server = g_new0 (TestTftpd, 1);

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
  if (!test_tftp_wait_ready (ip, port, server->process))
    {
      g_autofree char *text = NULL;

      if (log != NULL)
        g_file_get_contents (log, &text, NULL, NULL);
      g_error ("%s did not answer on %s port %u%s%s", (char *) argv->pdata[0], ip, port,
               text != NULL ? ": " : "", text != NULL ? text : "");
    }
  return server;
}

static TestTftpd *
start_hpa (const char *dir, const char *family, gboolean secure, const char * const *extra_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  guint16 port = test_free_udp_port ();
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

TestTftpd *
test_tftpd_start_hpa (const char *dir, const char *family, const char * const *extra_args)
{
  return start_hpa (dir, family, TRUE, extra_args);
}

TestTftpd *
test_tftpd_start_hpa_not_secure (const char *dir)
{
  return start_hpa (dir, "-4", FALSE, NULL);
}

TestTftpd *
test_tftpd_start_atftpd (const char *dir, const char *ip, const char * const *extra_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *binary = g_getenv ("PROV_ATFTPD");
  guint16 port = test_free_udp_port ();
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
test_tftpd_log_contains (TestTftpd *server, const char *text)
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
test_tftpd_stop (TestTftpd *server)
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
