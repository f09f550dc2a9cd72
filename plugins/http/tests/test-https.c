/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "http-test-util.h"
#include "prov-custom-ca.h"
#include "prov-error.h"

/* HTTPS against nginx with certificates made here by the openssl CLI: our
 * CA (trusted through the device file), a server certificate for the wrong
 * name, one from a CA nobody trusts, and a server that requires a client
 * certificate and reflects its subject. */

#define PROFILE "<flat-profile><Profile_Rule>https://prov/$MA.xml</Profile_Rule></flat-profile>\n"
#define CLIENT_SUBJECT "/O=Provisiond Test/CN=000e08abcdef"
#define CLIENT_DN_RFC2253 "CN=000e08abcdef,O=Provisiond Test"

enum { PORT_GOOD, PORT_WRONG_NAME, PORT_ROGUE, PORT_CLIENT_AUTH, PORT_PLAIN, N_PORTS };

static TestServer *nginx;

static void
make_certificates (void)
{
  g_autofree char *ca = test_path ("ca.pem");
  g_autofree char *pem = NULL;
  gsize len;

  test_make_certificates ("/CN=Provisiond Test CA", CLIENT_SUBJECT);
  /* A CA directory: our CA among files that are not certificates. */
  g_assert_true (g_file_get_contents (ca, &pem, &len, NULL));
  test_write ("ca-dir/provisioning-ca.pem", pem, (gssize) len);
  test_write ("ca-dir/README", "not a certificate\n", -1);
}

static char *
tls_server (guint port, const char *cert, const char *extra)
{
  const char *dir = test_tmpdir ();

  return g_strdup_printf (
    "  server {\n"
    "    listen 127.0.0.1:%u ssl;\n"
    "    root %s/htdocs;\n"
    "    ssl_certificate %s/%s.pem;\n"
    "    ssl_certificate_key %s/%s.key;\n"
    "%s"
    "  }\n",
    port, dir, dir, cert, dir, cert, extra);
}

static char *
servers (const guint *ports, gpointer user_data)
{
  g_autofree char *good_extra = g_strdup_printf (
    "    location = /to-http { return 302 http://127.0.0.1:%u/profile.xml; }\n",
    ports[PORT_PLAIN]);
  g_autofree char *good = tls_server (ports[PORT_GOOD], "server", good_extra);
  g_autofree char *wrong = tls_server (ports[PORT_WRONG_NAME], "wrong-name", "");
  g_autofree char *rogue = tls_server (ports[PORT_ROGUE], "rogue", "");
  g_autofree char *client_extra = g_strdup_printf (
    "    ssl_client_certificate %s/ca.pem;\n"
    "    ssl_verify_client on;\n"
    "    location = /reflect {\n"
    "      default_type text/xml;\n"
    "      return 200 \"<flat-profile><GPP_D>$ssl_client_s_dn</GPP_D></flat-profile>\";\n"
    "    }\n",
    test_tmpdir ());
  g_autofree char *client = tls_server (ports[PORT_CLIENT_AUTH], "server", client_extra);

  g_autofree char *plain = g_strdup_printf (
    "  server {\n"
    "    listen 127.0.0.1:%u;\n"
    "    root %s/htdocs;\n"
    "    location = /to-https { return 302 https://127.0.0.1:%u/profile.xml; }\n"
    "  }\n",
    ports[PORT_PLAIN], test_tmpdir (), ports[PORT_GOOD]);

  return g_strconcat (good, wrong, rogue, client, plain, NULL);
}

static ProvFetch *
fetch_port (guint index, const char *path)
{
  return test_fetch_new ("https://127.0.0.1:%u%s", test_server_port (nginx, index), path);
}

static void
fetch_once (ProvFetch *fetch, TestResult *result)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();

  test_fetch_run (plugin, fetch, NULL, result);
}

static void
assert_profile (const TestResult *result)
{
  g_autoptr(GBytes) expected = g_bytes_new_static (PROFILE, strlen (PROFILE));

  test_assert_payload (result, expected);
}

static void
test_ca_from_device (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/profile.xml");
  g_autofree char *ca = test_path ("ca.pem");
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[Device]\nCAFile=%s\n", ca);
  fetch_once (fetch, &result);
  assert_profile (&result);
  g_assert_cmpstr (prov_fetch_get_server_ip (fetch), ==, "127.0.0.1");
}

static void
test_ca_directory_setting (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/profile.xml");
  g_autofree char *dir = test_path ("ca-dir");
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[http]\nCAFile=%s\n", dir);
  fetch_once (fetch, &result);
  assert_profile (&result);
}

/* Without our CA only the system store is asked, and it knows nothing of it. */
static void
test_no_custom_ca (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/profile.xml");
  g_auto(TestResult) result;

  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "tls: certificate not trusted");
}

/* Signed by the trusted CA, but for another name: refused all the same. */
static void
test_wrong_host_name (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_WRONG_NAME, "/profile.xml");
  g_autofree char *ca = test_path ("ca.pem");
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[Device]\nCAFile=%s\n", ca);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "tls: host name mismatch");
}

static void
test_untrusted_ca (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_ROGUE, "/profile.xml");
  g_autofree char *ca = test_path ("ca.pem");
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[Device]\nCAFile=%s\n", ca);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "tls: certificate not trusted");
}

static void
test_client_certificate (void)
{
  g_autoptr(ProvFetch) with = fetch_port (PORT_CLIENT_AUTH, "/reflect");
  g_autoptr(ProvFetch) without = fetch_port (PORT_CLIENT_AUTH, "/reflect");
  g_autofree char *dir = g_strdup (test_tmpdir ());
  const char *expected = "<flat-profile><GPP_D>" CLIENT_DN_RFC2253 "</GPP_D></flat-profile>";
  g_autoptr(GBytes) reflected = g_bytes_new_static (expected, strlen (expected));
  g_auto(TestResult) result;
  g_auto(TestResult) refused;

  test_fetch_set_device (with, "[Device]\nCAFile=%s/ca.pem\nClientCertificate=%s/client.pem\n"
                               "ClientKey=%s/client.key\n", dir, dir, dir);
  fetch_once (with, &result);
  /* The server saw our certificate: it reflects the subject it verified. */
  test_assert_payload (&result, reflected);

  /* nginx answers a missing certificate with 400 "No required SSL certificate". */
  test_fetch_set_device (without, "[Device]\nCAFile=%s/ca.pem\n", dir);
  fetch_once (without, &refused);
  test_assert_error (&refused, PROV_ERROR_TRANSPORT, "http 400");
}

static void
test_bad_client_certificate (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/profile.xml");
  g_autofree char *dir = g_strdup (test_tmpdir ());
  g_auto(TestResult) result;

  /* The key of another certificate: refused before connecting. */
  test_fetch_set_device (fetch, "[Device]\nCAFile=%s/ca.pem\nClientCertificate=%s/client.pem\n"
                                "ClientKey=%s/missing.key\n", dir, dir, dir);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "tls: bad client certificate");
}

/* The trust is set up for an https redirect target too. */
static void
test_redirect_to_https (void)
{
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://127.0.0.1:%u/to-https",
                                               test_server_port (nginx, PORT_PLAIN));
  g_autofree char *ca = test_path ("ca.pem");
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[Device]\nCAFile=%s\n", ca);
  fetch_once (fetch, &result);
  assert_profile (&result);
}

/* What TLS protected does not continue in the clear: the plain server
 * (which has the file) never sees the request. */
static void
test_redirect_to_http_refused (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/to-http");
  g_autofree char *ca = test_path ("ca.pem");
  g_autofree char *plain = g_strdup_printf ("%u|GET|/profile.xml|",
                                            test_server_port (nginx, PORT_PLAIN));
  g_autofree char *moved = g_strdup_printf ("%u|GET|/to-http|302|",
                                            test_server_port (nginx, PORT_GOOD));
  g_auto(GStrv) moved_lines = NULL;
  g_auto(GStrv) plain_lines = NULL;
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[Device]\nCAFile=%s\n", ca);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "redirect from https to http refused");
  /* nginx logs after answering: once the 302 is there, a request that
   * followed it would be logged too. */
  moved_lines = test_log_lines (test_nginx_log (), moved, 1, 2000);
  g_assert_cmpuint (g_strv_length (moved_lines), ==, 1);
  plain_lines = test_log_lines (test_nginx_log (), plain, 0, 0);
  g_assert_cmpuint (g_strv_length (plain_lines), ==, 0);
}

/* A state directory whose custom-ca.pem (SPEC §7, installed by the
 * engine) is @contents, or has none when NULL. */
static char *
state_dir_with (const char *name, const char *contents, gssize len)
{
  g_autofree char *file = g_build_filename (name, PROV_CUSTOM_CA_FILE, NULL);
  g_autofree char *keep = g_build_filename (name, "keep", NULL);

  test_write (keep, "", 0);
  if (contents != NULL)
    test_write (file, contents, len);
  return test_path (name);
}

static void
count_trust_loads (const char *domain, GLogLevelFlags level, const char *message,
                   gpointer user_data)
{
  GPtrArray *loads = user_data;

  if (g_str_has_prefix (message, "trust: loaded "))
    g_ptr_array_add (loads, g_strdup (message + strlen ("trust: loaded ")));
}

static guint
count_matching (GPtrArray *strings, const char *suffix)
{
  guint n = 0;

  for (guint i = 0; i < strings->len; i++)
    n += g_str_has_suffix (strings->pdata[i], suffix);
  return n;
}

/* The nginx connection serial of the request for @needle. */
static char *
connection_of (const char *needle)
{
  g_auto(GStrv) lines = test_log_lines (test_nginx_log (), needle, 1, 2000);
  g_auto(GStrv) fields = NULL;

  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  fields = g_strsplit (lines[0], "|", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 10);
  return g_strdup (fields[8]);
}

/* Fetches with the same settings share a session: the second rides the
 * first one's TLS connection (no handshake), the custom CA is parsed once
 * and the system bundle not at all (our CA verifies first). A changed
 * custom CA is parsed again, on a new connection. */
static void
test_keep_alive (void)
{
  g_autoptr(GPtrArray) loads = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *ca = test_path ("ca.pem");
  g_autofree char *pem = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  const char *names[] = { "/profile.xml?keep1", "/profile.xml?keep2", "/profile.xml?keep3" };
  guint handler;
  gsize len;

  g_assert_true (g_file_get_contents (ca, &pem, &len, NULL));
  dir = state_dir_with ("state-keep", pem, (gssize) len);
  handler = g_log_set_handler ("ProvHttp", G_LOG_LEVEL_DEBUG, count_trust_loads, loads);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, names[i]);
      g_auto(TestResult) result;

      /* The same file, rewritten: a new inode and times. */
      if (i == 2)
        {
          g_autofree char *custom = g_build_filename (dir, PROV_CUSTOM_CA_FILE, NULL);
          g_autofree char *moved = g_strconcat (custom, ".old", NULL);

          g_assert_cmpint (g_rename (custom, moved), ==, 0);
          g_assert_true (g_file_set_contents (custom, pem, (gssize) len, NULL));
        }
      prov_fetch_set_state_dir (fetch, dir);
      fetch_once (fetch, &result);
      assert_profile (&result);
      if (i == 1)
        g_assert_cmpuint (count_matching (loads, PROV_CUSTOM_CA_FILE), ==, 1);
    }
  g_log_remove_handler ("ProvHttp", handler);
  g_assert_cmpuint (count_matching (loads, PROV_CUSTOM_CA_FILE), ==, 2);
  g_assert_cmpuint (count_matching (loads, "ca-certificates.crt"), ==, 0);

  first = connection_of ("?keep1|");
  second = connection_of ("?keep2|");
  third = connection_of ("?keep3|");
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (second, !=, third);
}

/* The custom CA of the state directory is trusted besides the system store;
 * the host name is still checked against it. */
static void
test_ca_state_dir (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/profile.xml");
  g_autoptr(ProvFetch) without = fetch_port (PORT_GOOD, "/profile.xml");
  g_autoptr(ProvFetch) wrong_name = fetch_port (PORT_WRONG_NAME, "/profile.xml");
  g_autofree char *ca = test_path ("ca.pem");
  g_autofree char *pem = NULL;
  g_autofree char *with_ca = NULL;
  g_autofree char *empty = state_dir_with ("state-empty", NULL, 0);
  g_auto(TestResult) result;
  g_auto(TestResult) refused;
  g_auto(TestResult) mismatch;
  gsize len;

  g_assert_true (g_file_get_contents (ca, &pem, &len, NULL));
  with_ca = state_dir_with ("state-ca", pem, (gssize) len);
  prov_fetch_set_state_dir (fetch, with_ca);
  fetch_once (fetch, &result);
  assert_profile (&result);

  prov_fetch_set_state_dir (without, empty);
  fetch_once (without, &refused);
  test_assert_error (&refused, PROV_ERROR_TRANSPORT, "tls: certificate not trusted");

  prov_fetch_set_state_dir (wrong_name, with_ca);
  fetch_once (wrong_name, &mismatch);
  test_assert_error (&mismatch, PROV_ERROR_TRANSPORT, "tls: host name mismatch");
}

/* A broken custom CA is skipped, not fatal: the other CA files still work. */
static void
test_ca_state_dir_broken (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/profile.xml");
  g_autofree char *ca = test_path ("ca.pem");
  g_autofree char *dir = state_dir_with ("state-broken", "not a certificate\n", -1);
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[Device]\nCAFile=%s\n", ca);
  prov_fetch_set_state_dir (fetch, dir);
  fetch_once (fetch, &result);
  assert_profile (&result);
}

static void
test_bad_ca_file (void)
{
  g_autoptr(ProvFetch) fetch = fetch_port (PORT_GOOD, "/profile.xml");
  g_autofree char *readme = test_path ("ca-dir/README");
  g_auto(TestResult) result;

  test_fetch_set_device (fetch, "[Device]\nCAFile=%s\n", readme);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "tls: bad CA file");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Linking GnuTLS into the program (rather than letting glib-networking
   * dlopen it) keeps its thread-local storage static: LeakSanitizer from
   * GCC 12 crashes on the dynamic TLS of a dlopened GnuTLS with glibc 2.36. */
  g_assert_nonnull (gnutls_check_version ("3.6.0"));

  make_certificates ();
  test_write ("htdocs/profile.xml", PROFILE, -1);
  nginx = test_nginx_start (N_PORTS, servers, NULL);

  g_test_add_func ("/https/keep-alive", test_keep_alive);
  g_test_add_func ("/https/ca/device", test_ca_from_device);
  g_test_add_func ("/https/ca/directory-setting", test_ca_directory_setting);
  g_test_add_func ("/https/ca/none", test_no_custom_ca);
  g_test_add_func ("/https/ca/bad-file", test_bad_ca_file);
  g_test_add_func ("/https/ca/state-dir", test_ca_state_dir);
  g_test_add_func ("/https/ca/state-dir-broken", test_ca_state_dir_broken);
  g_test_add_func ("/https/redirect-from-http", test_redirect_to_https);
  g_test_add_func ("/https/redirect-to-http-refused", test_redirect_to_http_refused);
  g_test_add_func ("/https/wrong-host-name", test_wrong_host_name);
  g_test_add_func ("/https/untrusted-ca", test_untrusted_ca);
  g_test_add_func ("/https/client-certificate", test_client_certificate);
  g_test_add_func ("/https/client-certificate-bad", test_bad_client_certificate);
  status = g_test_run ();

  test_server_stop (nginx);
  return status;
}
