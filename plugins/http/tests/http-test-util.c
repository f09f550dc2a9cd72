/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gmodule.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>

#include "http-test-util.h"
#include "prov-error.h"
#include "prov-transport.h"

#define FETCH_GUARD_SECONDS 60
#define SERVER_START_MS 10000
#define POLL_MS 20

void
test_result_clear (TestResult *result)
{
  g_clear_pointer (&result->payload, g_bytes_unref);
  g_clear_error (&result->error);
}

ProvPlugin *
test_plugin_new (void)
{
  const char *path = g_getenv ("PROV_TEST_PLUGIN");
  static GModule *module;
  const int *major = NULL, *minor = NULL;
  ProvPluginCreateFunc create = NULL;

  g_assert_nonnull (path);
  if (module == NULL)
    {
      module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
      if (module == NULL)
        g_error ("%s: %s", path, g_module_error ());
      g_module_make_resident (module);
    }
  g_assert_true (g_module_symbol (module, "prov_plugin_abi_major", (gpointer *) &major));
  g_assert_true (g_module_symbol (module, "prov_plugin_abi_minor", (gpointer *) &minor));
  g_assert_cmpint (*major, ==, PROV_PLUGIN_ABI_MAJOR);
  g_assert_cmpint (*minor, <=, PROV_PLUGIN_ABI_MINOR);
  g_assert_true (g_module_symbol (module, PROV_PLUGIN_ENTRY_POINT, (gpointer *) &create));
  return create ();
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

static char *tmpdir;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
remove_tmpdir (void)
{
  if (tmpdir != NULL && g_getenv ("PROV_TEST_KEEP") == NULL)
    remove_tree (tmpdir);
}

const char *
test_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      g_autoptr(GError) error = NULL;

      tmpdir = g_dir_make_tmp ("prov-http-test-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmpdir);
    }
  return tmpdir;
}

char *
test_path (const char *name)
{
  return g_build_filename (test_tmpdir (), name, NULL);
}

void
test_write (const char *name, const void *data, gssize len)
{
  g_autofree char *path = test_path (name);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

GBytes *
test_random_bytes (gsize size)
{
  guint8 *data = g_malloc (size);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

void
test_spawn_check (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_spawn_sync (test_tmpdir (), (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                &out, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", argv[0], out != NULL ? out : error->message);
}

char *
test_spawn_output (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (test_tmpdir (), (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return out;
}

guint
test_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
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

/* A server must not outlive a test that crashed: it would keep the test's
 * output pipe (and the namespace) open. */
static void
die_with_parent (gpointer user_data)
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
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
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
