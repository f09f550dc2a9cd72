/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "gds-test-util.h"
#include "prov-error.h"
#include "prov-source.h"

#define RESOLVE_GUARD_SECONDS 60
#define SERVICE_START_SECONDS 20

/* ---- the reference service ---- */

TestService *
test_service_start (const char *server, guint port, gboolean require_client_cert)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", test_tmpdir (), server);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", test_tmpdir (), server);
  g_autofree char *codes = test_path ("codes.json");
  g_autofree char *port_file = test_path ("port");
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *ca = test_path ("ca.pem");
  gint64 deadline = g_get_monotonic_time () + SERVICE_START_SECONDS * G_USEC_PER_SEC;
  TestService *service = g_new0 (TestService, 1);

  service->log = test_path ("service.log");
  /* Restarted on the same port, the service keeps its log. */
  if (port == 0)
    g_unlink (service->log);
  g_unlink (port_file);
  g_subprocess_launcher_set_child_setup (launcher, test_die_with_parent, NULL, NULL);
  service->process = g_subprocess_launcher_spawn (
    launcher, &error, g_getenv ("PROV_TEST_PYTHON3"), g_getenv ("PROV_TEST_ACTIVATION_SERVICE"),
    "--cert", cert, "--key", key, "--codes", codes, "--port", port_text, "--port-file",
    port_file, "--log", service->log,
    require_client_cert ? "--require-client-cert" : NULL, ca, NULL);
  g_assert_no_error (error);

  /* Bounded: the port file appears once the service listens. */
  while (service->port == 0)
    {
      g_autofree char *text = NULL;

      /* GLib reaps the child by itself, and then it has no pid. */
      if (g_subprocess_get_identifier (service->process) == NULL)
        g_error ("activation service exited at start");
      if (g_get_monotonic_time () > deadline)
        g_error ("activation service did not listen within %d s", SERVICE_START_SECONDS);
      if (g_file_get_contents (port_file, &text, NULL, NULL))
        service->port = (guint) g_ascii_strtoull (text, NULL, 10);
      else
        g_usleep (10 * 1000);
    }
  g_assert_cmpuint (service->port, >, 0);
  if (port != 0)
    g_assert_cmpuint (service->port, ==, port);
  g_assert_true (test_port_ready (service->port));
  return service;
}

void
test_service_stop (TestService *service)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (service->process, SIGTERM);
  g_subprocess_wait (service->process, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (service->process);
  g_free (service->log);
  g_free (service);
}

GHashTable *
test_service_last_request (TestService *service)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  guint n;
  GHashTable *members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GRegex) member = g_regex_new ("\"([a-z_]+)\": (?:\"([^\"]*)\"|(null|[0-9]+))", 0, 0,
                                          NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_file_get_contents (service->log, &log, NULL, NULL));
  /* The service, like the device, never writes a whole code down. */
  g_assert_false (g_regex_match_simple ("\\b[0-9]{16}\\b", log, 0, 0));
  lines = g_strsplit (g_strchomp (log), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >, 0);
  g_regex_match (member, lines[n - 1], 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *value = g_match_info_fetch (match, 2);
      g_autofree char *literal = g_match_info_fetch (match, 3);

      g_hash_table_insert (members, g_match_info_fetch (match, 1),
                           g_strdup (value != NULL && value[0] != '\0' ? value : literal));
    }
  return members;
}

static void
on_client_event (GSocketClient *client, GSocketClientEvent event, GSocketConnectable *connectable,
                 GIOStream *connection, gpointer user_data)
{
  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKING)
    return;
  g_tls_connection_set_database (G_TLS_CONNECTION (connection), user_data);
  /* The service closes without close_notify once it has answered. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (connection), FALSE);
}

char *
test_service_post (TestService *service, const char *content_type, const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = test_path ("ca.pem");
  g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (ca, &error);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  g_assert_no_error (error);
  g_socket_client_set_tls (client, TRUE);
  g_socket_client_set_timeout (client, RESOLVE_GUARD_SECONDS);
  g_signal_connect (client, "event", G_CALLBACK (on_client_event), trust);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) service->port,
                                                NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST /activate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: %s\r\nContent-Length: %zu\r\n"
                             "Connection: close\r\n\r\n%s",
                             content_type, strlen (body), body);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&answer), FALSE);
}

/* ---- the plugin ---- */

ProvFetch *
test_fetch_new (const char *format, ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvDevice) device = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *data = NULL;
  ProvFetch *fetch;
  va_list args;

  va_start (args, format);
  extra = g_strdup_vprintf (format, args);
  va_end (args);
  data = g_strdup_printf ("[Device]\nMAC=" TEST_MAC "\nProductName=" TEST_PRODUCT
                          "\nSerialNumber=" TEST_SERIAL "\nSoftwareVersion=" TEST_VERSION "\n%s",
                          extra);
  device = prov_device_new_from_data (data, &error);
  g_assert_no_error (error);
  fetch = prov_fetch_new ("gds://", &error);
  g_assert_no_error (error);
  prov_fetch_set_device (fetch, device);
  prov_fetch_set_user_agent (fetch, TEST_USER_AGENT);
  return fetch;
}

ProvFetch *
test_fetch_for_port (guint port)
{
  g_autofree char *ca = test_path ("ca.pem");

  return test_fetch_new ("CAFile=%s\n[gds]\nServiceURL=https://127.0.0.1:%u/activate\n", ca, port);
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *wait = user_data;
  GError *error = NULL;
  GHashTable *params = prov_source_resolve_finish (PROV_SOURCE (source), result, &error);

  if (params != NULL)
    g_task_return_pointer (wait, params, (GDestroyNotify) g_hash_table_unref);
  else
    g_task_return_error (wait, error);
}

GTask *
test_resolve_start (ProvPlugin *plugin, ProvFetch *fetch, GCancellable *cancellable)
{
  GTask *wait = g_task_new (NULL, NULL, NULL, NULL);

  prov_source_resolve_async (PROV_SOURCE (plugin), fetch, cancellable, on_resolved, wait);
  return wait;
}

static gboolean
on_guard (gpointer user_data)
{
  g_error ("resolve did not end within %d s", RESOLVE_GUARD_SECONDS);
  return G_SOURCE_REMOVE;
}

GHashTable *
test_resolve_wait (GTask *wait, GError **error)
{
  guint guard = g_timeout_add_seconds (RESOLVE_GUARD_SECONDS, on_guard, NULL);

  while (!g_task_get_completed (wait))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
  return g_task_propagate_pointer (wait, error);
}

GHashTable *
test_resolve (ProvPlugin *plugin, ProvFetch *fetch, GError **error)
{
  g_autoptr(GTask) wait = test_resolve_start (plugin, fetch, NULL);

  return test_resolve_wait (wait, error);
}
