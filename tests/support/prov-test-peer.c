/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "prov-test.h"

#define SERVER_START_MS 10000
#define POLL_MS 20

GSocket *
test_tcp_socket (int backlog, guint *port)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, backlog >= 0, &error);
  g_assert_no_error (error);
  if (backlog >= 0)
    {
      g_socket_set_listen_backlog (socket, backlog);
      g_socket_listen (socket, &error);
      g_assert_no_error (error);
    }
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

guint
test_free_port (void)
{
  guint port;
  g_autoptr(GSocket) socket = test_tcp_socket (-1, &port);

  return port;
}

gboolean
test_port_ready (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 1);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) port, NULL, NULL);
  return connection != NULL;
}

GStrv
test_log_lines (const char *log_path, const char *needle, guint at_least, guint wait_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) wait_ms * 1000;

  for (;;)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(GStrvBuilder) found = g_strv_builder_new ();
      guint n = 0;

      g_file_get_contents (log_path, &contents, NULL, NULL);
      lines = g_strsplit (contents != NULL ? contents : "", "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (lines[i][0] != '\0' && strstr (lines[i], needle) != NULL)
          {
            g_strv_builder_add (found, lines[i]);
            n++;
          }
      if (n >= at_least || g_get_monotonic_time () >= deadline)
        return g_strv_builder_end (found);
      g_usleep (POLL_MS * 1000);
    }
}

struct _TestServer
{
  GSubprocess *process;
  guint       *ports;
  guint        n_ports;
};

void
test_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
server_ready (TestServer *server, gint64 deadline)
{
  for (guint i = 0; i < server->n_ports; i++)
    while (!test_port_ready (server->ports[i]))
      {
        /* The identifier goes once the child has exited (port taken…). */
        if (g_subprocess_get_identifier (server->process) == NULL
            || g_get_monotonic_time () > deadline)
          return FALSE;
        g_usleep (POLL_MS * 1000);
      }
  return TRUE;
}

static void
server_kill (TestServer *server)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_subprocess_send_signal (server->process, SIGTERM);
  while (g_subprocess_get_identifier (server->process) != NULL
         && g_get_monotonic_time () < deadline)
    g_usleep (POLL_MS * 1000);
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

/* Ephemeral ports are picked by binding to port 0; another process may take
 * one before the server binds it, so a start that fails is retried. */
TestServer *
test_server_start (const char *const *argv, guint n_ports, TestConfigFunc make_config,
                   const char *config_path, gpointer user_data)
{
  TestServer *server = g_new0 (TestServer, 1);

  server->n_ports = n_ports;
  server->ports = g_new0 (guint, n_ports);
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autofree char *config = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocessLauncher) launcher = NULL;

      for (guint i = 0; i < n_ports;)
        {
          guint port = test_free_port ();
          gboolean taken = FALSE;

          for (guint j = 0; j < i; j++)
            taken |= server->ports[j] == port;
          if (!taken)
            server->ports[i++] = port;
        }
      config = make_config (server->ports, user_data);
      g_file_set_contents (config_path, config, -1, &error);
      g_assert_no_error (error);
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_subprocess_launcher_set_child_setup (launcher, test_die_with_parent, NULL, NULL);
      server->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      if (server_ready (server, g_get_monotonic_time () + SERVER_START_MS * 1000))
        return server;
      g_test_message ("%s did not come up (attempt %u)", argv[0], attempt + 1);
      server_kill (server);
    }
  g_error ("%s would not start; see the logs in %s", argv[0], test_tmpdir ());
}

guint
test_server_port (TestServer *server, guint index)
{
  g_assert_cmpuint (index, <, server->n_ports);
  return server->ports[index];
}

void
test_server_stop (TestServer *server)
{
  if (server == NULL)
    return;
  server_kill (server);
  g_free (server->ports);
  g_free (server);
}

#define ECHO_MODULE "/usr/lib/nginx/modules/ngx_http_echo_module.so"

typedef struct
{
  TestConfigFunc servers;
  gpointer       user_data;
  const char    *prefix;
} NginxConfig;

static char *
nginx_config (const guint *ports, gpointer user_data)
{
  NginxConfig *config = user_data;
  g_autofree char *servers = config->servers (ports, config->user_data);
  const char *p = config->prefix;

  /* One process (no master): nothing to switch user for, inside a user
   * namespace as well as outside. */
  return g_strdup_printf (
    "load_module " ECHO_MODULE ";\n"
    "master_process off;\n"
    "pid %s/nginx.pid;\n"
    "error_log %s/error.log info;\n"
    "events { worker_connections 128; }\n"
    "http {\n"
    "  log_format prov escape=none '$server_port|$request_method|$request_uri|$status|"
    "$http_user_agent|$content_type|$http_if_none_match|$http_authorization|$connection|';\n"
    "  access_log %s/access.log prov;\n"
    "  client_body_temp_path %s/tmp/body;\n"
    "  proxy_temp_path %s/tmp/proxy;\n"
    "  fastcgi_temp_path %s/tmp/fastcgi;\n"
    "  uwsgi_temp_path %s/tmp/uwsgi;\n"
    "  scgi_temp_path %s/tmp/scgi;\n"
    "  default_type application/octet-stream;\n"
    "  client_body_buffer_size 1m;\n"
    "  client_body_in_single_buffer on;\n"
    "%s"
    "}\n",
    p, p, p, p, p, p, p, p, servers);
}

static char *nginx_prefix;

const char *
test_nginx_log (void)
{
  static char *path;

  if (path == NULL)
    path = test_path ("nginx/access.log");
  return path;
}

TestServer *
test_nginx_start (guint n_ports, TestConfigFunc servers, gpointer user_data)
{
  g_autofree char *conf = NULL;
  g_autofree char *error_log = NULL;
  g_autofree char *tmp = NULL;
  NginxConfig config = { servers, user_data, NULL };

  if (!g_file_test (ECHO_MODULE, G_FILE_TEST_EXISTS))
    g_error ("%s missing: install libnginx-mod-http-echo", ECHO_MODULE);
  if (nginx_prefix == NULL)
    nginx_prefix = test_path ("nginx");
  tmp = g_build_filename (nginx_prefix, "tmp", NULL);
  g_assert_cmpint (g_mkdir_with_parents (tmp, 0700), ==, 0);
  conf = g_build_filename (nginx_prefix, "nginx.conf", NULL);
  error_log = g_build_filename (nginx_prefix, "error.log", NULL);
  config.prefix = nginx_prefix;
  {
    const char *argv[] = { "nginx", "-p", nginx_prefix, "-e", error_log, "-c", conf,
                           "-g", "daemon off;", NULL };
    g_autofree char *nginx = g_find_program_in_path ("nginx");

    if (nginx == NULL)
      nginx = g_strdup ("/usr/sbin/nginx");
    argv[0] = nginx;
    return test_server_start (argv, n_ports, nginx_config, conf, &config);
  }
}

typedef struct
{
  gboolean done;
  gboolean timed_out;
  char    *out;
  char    *err;
  GError  *error;
} ChildWait;

static void
on_child_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ChildWait *w = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &w->out, &w->err,
                                        &w->error);
  w->done = TRUE;
}

static gboolean
on_child_timeout (gpointer user_data)
{
  ChildWait *w = user_data;

  w->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

int
test_run_child (GSubprocessLauncher *launcher, const char *const *argv, guint timeout_s,
                char **out, char **err)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cmdline = g_strjoinv (" ", (char **) argv);
  ChildWait w = { FALSE, FALSE, NULL, NULL, NULL };
  guint timeout;

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_child_done, &w);
  timeout = g_timeout_add_seconds (timeout_s, on_child_timeout, &w);
  while (!w.done && !w.timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (w.timed_out)
    {
      g_subprocess_force_exit (proc);
      while (!w.done)
        g_main_context_iteration (NULL, TRUE);
      g_error ("%s did not finish in %u s", cmdline, timeout_s);
    }
  g_source_remove (timeout);
  g_assert_no_error (w.error);
  if (out != NULL)
    *out = g_steal_pointer (&w.out);
  if (err != NULL)
    *err = g_steal_pointer (&w.err);
  g_free (w.out);
  g_free (w.err);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}
