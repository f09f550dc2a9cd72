/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "gds-test-util.h"
#include "prov-custom-ca.h"
#include "prov-error.h"
#include "prov-source.h"

/* The built module against the reference activation service
 * (tests/peers/activation-service.py) over HTTPS on 127.0.0.1: codes
 * refused locally, waiting for a code, a code traded for rules, refused
 * codes, service trouble (down, silent, untrusted, wrong name) and the
 * device certificate. */

#define PROFILE_RULE "https://prov.example.com/cisco/$MA.xml"
#define UPGRADE_RULE "https://prov.example.com/fw/$PN-11-3-2.loads"

/* One code per test: the service spends them, and some outlive a test. */
#define CODE_FULL "1111222233334444"
#define CODE_EXPIRED "3333444455556666"
#define CODE_UNKNOWN "9999888877776666"
#define CODE_PROFILE_ONLY "2222333344445555"
#define CODE_DOWN "4444555566667777"
#define CODE_CLIENT_CERT "5555666677778888"
#define CODE_UNTRUSTED "6666777788889999"
#define CODE_CA_SETTING "7777888899990000"
#define CODE_TIMEOUT "8888999900001111"
#define CODE_WRONG_NAME "9999000011112222"
#define CODE_CANCELLED "1212343456567878"
#define CODE_FIRST "2323454567678989"
#define CODE_SECOND "3434565678789090"
#define CODE_CUSTOM_CA "4545676789890101"

/* codes.json: one code with everything, one expired, the others plain. */
static void
make_codes (void)
{
  static const char *const plain[] = {
    CODE_PROFILE_ONLY, CODE_DOWN, CODE_CLIENT_CERT, CODE_UNTRUSTED, CODE_CA_SETTING,
    CODE_TIMEOUT, CODE_WRONG_NAME, CODE_CANCELLED, CODE_FIRST, CODE_SECOND, CODE_CUSTOM_CA,
  };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GString) codes = g_string_new ("{\n");

  g_string_append_printf (codes,
                          "\"%s\": {\"profile_rule\": \"%s\", \"upgrade_rule\": \"%s\", "
                          "\"expires\": %" G_GINT64_FORMAT "},\n",
                          CODE_FULL, PROFILE_RULE, UPGRADE_RULE, now + 3600);
  g_string_append_printf (codes,
                          "\"%s\": {\"profile_rule\": \"%s\", \"expires\": %" G_GINT64_FORMAT
                          "}",
                          CODE_EXPIRED, PROFILE_RULE, now - 60);
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    g_string_append_printf (codes, ",\n\"%s\": {\"profile_rule\": \"%s\"}", plain[i],
                            PROFILE_RULE);
  g_string_append (codes, "\n}\n");
  test_write ("codes.json", codes->str, -1);
}

static void
submit (ProvPlugin *plugin, const char *code)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (prov_source_submit (PROV_SOURCE (plugin), code, &error));
  g_assert_no_error (error);
}

static void
assert_resolves_to_profile (ProvPlugin *plugin, ProvFetch *fetch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = test_resolve (plugin, fetch, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (params), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (params, "Profile_Rule"), ==, PROFILE_RULE);
}

static void
assert_resolve_error (ProvPlugin *plugin, ProvFetch *fetch, int code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = test_resolve (plugin, fetch, &error);

  g_assert_null (params);
  g_assert_error (error, PROV_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_waiting (ProvPlugin *plugin, ProvFetch *fetch)
{
  assert_resolve_error (plugin, fetch, PROV_ERROR_BUSY, "waiting for an activation code");
}

/* ---- tests ---- */

static void
test_plugin_declares (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  const char *const *schemes = prov_plugin_get_schemes (plugin);

  g_assert_cmpstr (prov_plugin_get_name (plugin), ==, "gds");
  g_assert_true (PROV_IS_SOURCE (plugin));
  g_assert_nonnull (schemes);
  g_assert_cmpstr (schemes[0], ==, "gds");
  g_assert_null (schemes[1]);
  g_assert_cmpuint (prov_plugin_get_default_port (plugin, "gds"), ==, 0);
}

static void
test_submit_malformed (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (1);
  const char *inputs[] = { "abcdefghijklmnop", "1234567890abcdef", "123456789012345",
                           "12345678901234567", "1234-5678-9012-345", "" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (prov_source_submit (PROV_SOURCE (plugin), inputs[i], &error));
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
      g_assert_cmpstr (error->message, ==, "activation code must be 16 digits");
    }
  /* Nothing was kept: still waiting (and nothing was sent to port 1). */
  assert_waiting (plugin, fetch);
}

static void
test_resolve_not_configured (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) none = test_fetch_new ("%s", "");
  g_autoptr(ProvFetch) plain = test_fetch_new ("[gds]\nServiceURL=http://127.0.0.1:1/activate\n");

  submit (plugin, CODE_UNKNOWN);
  assert_resolve_error (plugin, none, PROV_ERROR_DISABLED, "activation service not configured");
  assert_resolve_error (plugin, plain, PROV_ERROR_INVALID_ARGS,
                        "[gds] ServiceURL must be an https URL");
}

static void
test_resolve_without_code (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (service->port);

  assert_waiting (plugin, fetch);
  /* Nothing reached the service. */
  g_assert_false (g_file_test (service->log, G_FILE_TEST_EXISTS));
}

static void
test_resolve_success (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (service->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) request = NULL;

  /* As people type it. */
  submit (plugin, "1111-2222 3333-4444");
  params = test_resolve (plugin, fetch, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (params), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (params, "Profile_Rule"), ==, PROFILE_RULE);
  g_assert_cmpstr (g_hash_table_lookup (params, "Upgrade_Rule"), ==, UPGRADE_RULE);

  /* What the service received. */
  request = test_service_last_request (service);
  g_assert_cmpstr (g_hash_table_lookup (request, "status"), ==, "200");
  g_assert_cmpstr (g_hash_table_lookup (request, "code"), ==, "...4444");
  g_assert_cmpstr (g_hash_table_lookup (request, "mac"), ==, TEST_MAC);
  g_assert_cmpstr (g_hash_table_lookup (request, "product"), ==, TEST_PRODUCT);
  g_assert_cmpstr (g_hash_table_lookup (request, "serial"), ==, TEST_SERIAL);
  g_assert_cmpstr (g_hash_table_lookup (request, "version"), ==, TEST_VERSION);
  g_assert_cmpstr (g_hash_table_lookup (request, "user_agent"), ==, TEST_USER_AGENT);

  /* Spent on our side: the next resolve waits for a new code. */
  assert_waiting (plugin, fetch);

  /* And on the service's: the same code again is refused. */
  submit (plugin, CODE_FULL);
  assert_resolve_error (plugin, fetch, PROV_ERROR_INVALID_CODE, "Invalid activation code");
  g_clear_pointer (&request, g_hash_table_unref);
  request = test_service_last_request (service);
  g_assert_cmpstr (g_hash_table_lookup (request, "error"), ==, "used-code");
  assert_waiting (plugin, fetch);

  /* Without an upgrade rule, none is set. */
  submit (plugin, CODE_PROFILE_ONLY);
  assert_resolves_to_profile (plugin, fetch);
}

static void
test_resolve_refused (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (service->port);
  const char *codes[] = { CODE_EXPIRED, CODE_UNKNOWN };
  const char *reasons[] = { "expired-code", "invalid-code" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GHashTable) request = NULL;

      submit (plugin, codes[i]);
      assert_resolve_error (plugin, fetch, PROV_ERROR_INVALID_CODE, "Invalid activation code");
      request = test_service_last_request (service);
      g_assert_cmpstr (g_hash_table_lookup (request, "error"), ==, reasons[i]);
      /* Forgotten: a refused code is not sent again. */
      assert_waiting (plugin, fetch);
    }
}

static void
test_cancelled (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (service->port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) wait = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  submit (plugin, CODE_CANCELLED);
  g_cancellable_cancel (cancellable);
  wait = test_resolve_start (plugin, fetch, cancellable);
  params = test_resolve_wait (wait, &error);
  g_assert_null (params);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CANCELLED);
  /* Never sent, so kept. */
  g_assert_false (g_file_test (service->log, G_FILE_TEST_EXISTS));
  assert_resolves_to_profile (plugin, fetch);
}

/* One exchange at a time; a code submitted meanwhile survives the answer
 * to the previous one. */
static void
test_in_flight (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (service->port);
  g_autoptr(GTask) first = NULL;
  g_autoptr(GTask) second = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) request = NULL;
  g_autoptr(GError) error = NULL;

  submit (plugin, CODE_FIRST);
  first = test_resolve_start (plugin, fetch, NULL);
  second = test_resolve_start (plugin, fetch, NULL);
  submit (plugin, CODE_SECOND);

  params = test_resolve_wait (second, &error);
  g_assert_null (params);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_BUSY);
  g_assert_cmpstr (error->message, ==, "activation already in progress");
  g_clear_error (&error);
  params = test_resolve_wait (first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "Profile_Rule"), ==, PROFILE_RULE);
  request = test_service_last_request (service);
  g_assert_cmpstr (g_hash_table_lookup (request, "code"), ==, "...8989");

  assert_resolves_to_profile (plugin, fetch);
  g_clear_pointer (&request, g_hash_table_unref);
  request = test_service_last_request (service);
  g_assert_cmpstr (g_hash_table_lookup (request, "code"), ==, "...9090");
}

/* The reference service's side of "bad-request" (README.md). */
#define JSON "application/json"
#define REST "\"product\":\"\",\"serial\":\"\",\"version\":\"\"}"

static void
test_service_bad_request (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  const char *good = "{\"code\":\"" CODE_UNKNOWN "\",\"mac\":\"" TEST_MAC "\"," REST;
  struct { const char *content_type; const char *body; } cases[] = {
    { "text/plain", good },
    { JSON, "code=" CODE_UNKNOWN },
    { JSON, "[\"" CODE_UNKNOWN "\"]" },
    { JSON, "{\"code\":\"" CODE_UNKNOWN "\",\"mac\":\"" TEST_MAC "\"}" },
    { JSON, "{\"code\":\"123456789012345\",\"mac\":\"" TEST_MAC "\"," REST },
    { JSON, "{\"code\":\"" CODE_UNKNOWN "\",\"mac\":\"00:0E:08:AB:CD:EF\"," REST },
    { JSON, "{\"code\":\"0\",\"code\":\"" CODE_UNKNOWN "\",\"mac\":\"" TEST_MAC "\"," REST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *answer = test_service_post (service, cases[i].content_type, cases[i].body);

      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400 "));
      g_assert_nonnull (strstr (answer, "\r\n\r\n{\"error\": \"bad-request\"}"));
    }
  /* The same request, well formed, reaches the code table. */
  {
    g_autofree char *answer = test_service_post (service, "application/json; charset=utf-8", good);

    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 404 "));
    g_assert_nonnull (strstr (answer, "\r\n\r\n{\"error\": \"invalid-code\"}"));
  }
}

static void
test_service_down (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = NULL;
  TestService *service = test_service_start ("server", 0, FALSE);
  guint port = service->port;

  test_service_stop (service);
  fetch = test_fetch_for_port (port);
  submit (plugin, CODE_DOWN);
  assert_resolve_error (plugin, fetch, PROV_ERROR_TRANSPORT, "connection refused");
  /* Kept for the scheduled retry, which succeeds once the service is back. */
  service = test_service_start ("server", port, FALSE);
  assert_resolves_to_profile (plugin, fetch);
  test_service_stop (service);
}

static void
test_client_certificate (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, TRUE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autofree char *ca = test_path ("ca.pem");
  g_autofree char *cert = test_path ("client.pem");
  g_autofree char *key = test_path ("client.key");
  g_autoptr(ProvFetch) anonymous = test_fetch_for_port (service->port);
  g_autoptr(ProvFetch) device = test_fetch_new (
    "CAFile=%s\nClientCertificate=%s\nClientKey=%s\n[gds]\nServiceURL=https://127.0.0.1:%u/\n",
    ca, cert, key, service->port);
  g_autoptr(GHashTable) request = NULL;

  submit (plugin, CODE_CLIENT_CERT);
  /* TLS 1.3 refuses after the client's Finished: the text depends on timing. */
  assert_resolve_error (plugin, anonymous, PROV_ERROR_TRANSPORT, NULL);
  /* Refused at the handshake: the service never saw the code, we kept it. */
  g_assert_false (g_file_test (service->log, G_FILE_TEST_EXISTS));
  assert_resolves_to_profile (plugin, device);
  request = test_service_last_request (service);
  g_assert_cmpstr (g_hash_table_lookup (request, "client_cn"), ==, TEST_CLIENT_CN);
}

static void
test_untrusted_server (void)
{
  g_autoptr(TestService) rogue = test_service_start ("rogue", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (rogue->port);
  g_autoptr(ProvFetch) no_ca = test_fetch_new ("[gds]\nServiceURL=https://127.0.0.1:%u/\n",
                                               rogue->port);

  submit (plugin, CODE_UNTRUSTED);
  assert_resolve_error (plugin, fetch, PROV_ERROR_TRANSPORT, "tls: certificate not trusted");
  assert_resolve_error (plugin, no_ca, PROV_ERROR_TRANSPORT, "tls: certificate not trusted");
  /* The code never left the device. */
  g_assert_false (g_file_test (rogue->log, G_FILE_TEST_EXISTS));
}

/* Issued by the trusted CA, for another name: our own CAs vouch for a
 * chain only together with the host name. */
static void
test_wrong_name (void)
{
  g_autoptr(TestService) service = test_service_start ("wrong-name", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_for_port (service->port);

  submit (plugin, CODE_WRONG_NAME);
  assert_resolve_error (plugin, fetch, PROV_ERROR_TRANSPORT, "tls: host name mismatch");
  g_assert_false (g_file_test (service->log, G_FILE_TEST_EXISTS));
}

static void
test_ca_setting (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autofree char *ca = test_path ("ca.pem");
  g_autoptr(ProvFetch) fetch = test_fetch_new (
    "[gds]\nServiceURL=https://127.0.0.1:%u/\nCAFile=%s\n", service->port, ca);
  g_autoptr(ProvFetch) bad_ca = test_fetch_new (
    "[gds]\nServiceURL=https://127.0.0.1:%u/\nCAFile=%s/missing.pem\n", service->port,
    test_tmpdir ());

  submit (plugin, CODE_CA_SETTING);
  assert_resolve_error (plugin, bad_ca, PROV_ERROR_TRANSPORT, "tls: bad CA file");
  assert_resolves_to_profile (plugin, fetch);
}

/* The custom CA installed in the state directory (SPEC §7) is trusted
 * too; without it the same service is refused. */
static void
test_custom_ca (void)
{
  g_autoptr(TestService) service = test_service_start ("server", 0, FALSE);
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autofree char *ca = test_path ("ca.pem");
  g_autofree char *pem = NULL;
  g_autofree char *state = test_path ("state-custom-ca");
  g_autofree char *installed = g_build_filename ("state-custom-ca", PROV_CUSTOM_CA_FILE, NULL);
  g_autoptr(ProvFetch) without = test_fetch_new ("[gds]\nServiceURL=https://127.0.0.1:%u/\n",
                                                 service->port);
  g_autoptr(ProvFetch) fetch = test_fetch_new ("[gds]\nServiceURL=https://127.0.0.1:%u/\n",
                                               service->port);

  submit (plugin, CODE_CUSTOM_CA);
  g_assert_true (g_file_get_contents (ca, &pem, NULL, NULL));
  g_assert_cmpint (g_mkdir_with_parents (state, 0700), ==, 0);
  prov_fetch_set_state_dir (without, state);
  assert_resolve_error (plugin, without, PROV_ERROR_TRANSPORT, "tls: certificate not trusted");
  test_write (installed, pem, -1);
  prov_fetch_set_state_dir (fetch, state);
  assert_resolves_to_profile (plugin, fetch);
}

/* A service that accepts connections and then says nothing. */
static void
test_timeout (void)
{
  g_autoptr(GSocket) silent = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = NULL;
  g_autofree char *ca = test_path ("ca.pem");
  gint64 start;
  double seconds;

  silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (silent, any, TRUE, &error));
  g_assert_true (g_socket_listen (silent, &error));
  bound = g_socket_get_local_address (silent, &error);
  g_assert_no_error (error);

  fetch = test_fetch_new ("CAFile=%s\n[gds]\nServiceURL=https://127.0.0.1:%u/\nTimeout=1\n", ca,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  submit (plugin, CODE_TIMEOUT);
  start = g_get_monotonic_time ();
  assert_resolve_error (plugin, fetch, PROV_ERROR_TRANSPORT, "timeout");
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_cmpfloat (seconds, >=, 0.9);
  g_assert_cmpfloat (seconds, <, 10);
}

int
main (int argc, char **argv)
{
  g_autofree char *openssl_path = NULL;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gds/plugin/declares", test_plugin_declares);
  g_test_add_func ("/gds/submit/malformed", test_submit_malformed);
  g_test_add_func ("/gds/resolve/not-configured", test_resolve_not_configured);
  openssl_path = g_find_program_in_path ("openssl");
  if (openssl_path == NULL || g_getenv ("PROV_TEST_PYTHON3") == NULL)
    {
      g_test_message ("openssl or python3 missing: network tests skipped");
      return g_test_run ();
    }
  test_make_certificates ("/CN=Activation Test CA", "/O=Provisiond Test/CN=" TEST_CLIENT_CN);
  make_codes ();
  g_test_add_func ("/gds/resolve/without-code", test_resolve_without_code);
  g_test_add_func ("/gds/resolve/success", test_resolve_success);
  g_test_add_func ("/gds/resolve/refused", test_resolve_refused);
  g_test_add_func ("/gds/resolve/cancelled", test_cancelled);
  g_test_add_func ("/gds/resolve/in-flight", test_in_flight);
  g_test_add_func ("/gds/resolve/service-down", test_service_down);
  g_test_add_func ("/gds/resolve/timeout", test_timeout);
  g_test_add_func ("/gds/service/bad-request", test_service_bad_request);
  g_test_add_func ("/gds/tls/client-certificate", test_client_certificate);
  g_test_add_func ("/gds/tls/untrusted-server", test_untrusted_server);
  g_test_add_func ("/gds/tls/wrong-name", test_wrong_name);
  g_test_add_func ("/gds/tls/ca-setting", test_ca_setting);
  g_test_add_func ("/gds/tls/custom-ca", test_custom_ca);
  return g_test_run ();
}
