/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Custom_CA_Rule end to end: a private CA made by the openssl CLI signs the
 * certificate of an nginx HTTPS server that serves a profile; a plain HTTP
 * nginx serves the CA (PEM, DER, bundles, broken files). The engine runs
 * with the real plugins in a private network namespace. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "prov-test.h"
#include "prov-context.h"
#include "prov-custom-ca.h"
#include "prov-error.h"
#include "prov-upgrader.h"

#define DEVICE "[Device]\nMAC=00:0e:08:ab:cd:ef\nVendor=Cisco\nProductName=CP-8845-3PCC\n" \
               "SerialNumber=88012BA01234\nSoftwareVersion=11.3.1\n"
#define PROFILE "<flat-profile><GPP_B>from-https</GPP_B></flat-profile>\n"
#define CA_CN "Provisiond Custom CA"
#define CA_INSTALLED "Installed " CA_CN
/* The engine's clock, in TZ=PROV-5:30 (set in main): status is local time. */
#define WHEN "11/04/2024 01:02:03"
#define SUCCEEDED "Last provisioning succeeded on " WHEN
#define FAILED "Last provisioning failed on " WHEN

enum { PORT_HTTPS, PORT_HTTP, N_PORTS };
#define HTTP_PORT test_server_port (nginx, PORT_HTTP)

static TestServer *nginx;

typedef struct
{
  char        *dir;
  char        *ca_file;
  ProvContext *ctx;
  ProvClock   *clock;
} Fixture;

/* ---- certificates and servers ------------------------------------------- */

/* A CA whose validity ended in 2020: `openssl ca` is the one that backdates. */
static void
make_expired_ca (void)
{
  test_write ("expired-index.txt", "", 0);
  test_write ("expired.cnf",
              "[ca]\ndefault_ca = expired_ca\n"
              "[expired_ca]\ndatabase = expired-index.txt\nnew_certs_dir = .\n"
              "rand_serial = yes\ndefault_md = sha256\npolicy = any\nunique_subject = no\n"
              "[any]\ncommonName = supplied\n"
              "[ca_ext]\nbasicConstraints = critical,CA:TRUE\n"
              "keyUsage = critical,keyCertSign,cRLSign\n", -1);
  test_openssl ("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "expired.key", "-out", "expired.csr",
                "-subj", "/CN=Expired CA", NULL);
  test_openssl ("ca", "-batch", "-config", "expired.cnf", "-selfsign", "-keyfile", "expired.key",
                "-in", "expired.csr", "-out", "htdocs/expired.pem", "-startdate",
                "20200101000000Z", "-enddate", "20200201000000Z", "-extensions", "ca_ext",
                "-notext", NULL);
}

static char *
read_test_file (const char *name, gsize *len)
{
  g_autofree char *path = test_path (name);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  return contents;
}

static void
make_files (void)
{
  g_autofree char *ca = NULL;
  g_autofree char *other = NULL;
  g_autofree char *key = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *with_key = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *htpasswd = NULL;
  g_autoptr(GBytes) garbage = test_random_bytes (4096);
  gsize ca_len;

  test_write ("htdocs/profile.xml", PROFILE, -1);
  test_make_ca ("ca.key", "htdocs/ca.pem", "/CN=" CA_CN);
  test_make_ca ("other-ca.key", "htdocs/other-ca.pem", "/CN=Second Custom CA");
  make_expired_ca ();
  /* The server's certificate, signed by our CA: also the non-CA leaf. */
  test_write ("server.ext", "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                            "subjectAltName=IP:127.0.0.1\n", -1);
  test_openssl ("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
                NULL);
  test_openssl ("x509", "-req", "-in", "server.csr", "-CA", "htdocs/ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "htdocs/leaf.pem", "-days", "2", "-extfile",
                "server.ext", NULL);
  test_openssl ("x509", "-in", "htdocs/ca.pem", "-outform", "DER", "-out", "htdocs/ca.der", NULL);

  ca = read_test_file ("htdocs/ca.pem", &ca_len);
  other = read_test_file ("htdocs/other-ca.pem", NULL);
  key = read_test_file ("ca.key", NULL);
  /* Text around the blocks is allowed, as `openssl x509 -text` writes it. */
  bundle = g_strconcat ("first: " CA_CN "\n", ca, "second:\n", other, NULL);
  test_write ("htdocs/bundle.pem", bundle, -1);
  test_write ("htdocs/truncated.pem", ca, (gssize) ca_len / 2);
  with_key = g_strconcat (ca, key, NULL);
  test_write ("htdocs/with-key.pem", with_key, -1);
  test_write ("htdocs/garbage.pem", g_bytes_get_data (garbage, NULL), 4096);
  test_write ("htdocs/private/ca.pem", ca, (gssize) ca_len);
  test_write ("htdocs/private/fw-2.0.img", "firmware 2.0\n", -1);
  {
    const char *argv[] = { "openssl", "passwd", "-apr1", "ca-secret", NULL };
    hash = test_spawn_output (argv);
  }
  htpasswd = g_strdup_printf ("causer:%s", hash);
  test_write ("htpasswd", htpasswd, -1);
}

static char *
servers (const guint *ports, gpointer user_data)
{
  const char *dir = test_tmpdir ();

  return g_strdup_printf (
    "  server {\n"
    "    listen 127.0.0.1:%u ssl;\n"
    "    root %s/htdocs;\n"
    "    ssl_certificate %s/htdocs/leaf.pem;\n"
    "    ssl_certificate_key %s/server.key;\n"
    "  }\n"
    "  server {\n"
    "    listen 127.0.0.1:%u;\n"
    "    root %s/htdocs;\n"
    "    location /private/ {\n"
    "      auth_basic \"custom CA\";\n"
    "      auth_basic_user_file %s/htpasswd;\n"
    "    }\n"
    "  }\n",
    ports[PORT_HTTPS], dir, dir, dir, ports[PORT_HTTP], dir, dir);
}

/* ---- fixture ------------------------------------------------------------- */

static void
open_context (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->ctx = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  prov_engine_set_clock (prov_context_get_engine (f->ctx), f->clock);
}

static void
set_param (Fixture *f, const char *name, const char *value)
{
  test_store_set (prov_context_get_store (f->ctx), (const char *[]) { name, value, NULL });
}

static void set_ca_rule (Fixture *f, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
set_ca_rule (Fixture *f, const char *format, ...)
{
  g_autofree char *rule = NULL;
  va_list args;

  va_start (args, format);
  rule = g_strdup_vprintf (format, args);
  va_end (args);
  set_param (f, "Custom_CA_Rule", rule);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+05:30");
  g_autoptr(GDateTime) when = g_date_time_new (tz, 2024, 11, 4, 1, 2, 3);
  g_autofree char *rule = NULL;

  f->dir = test_state_dir_new ("custom-ca", DEVICE);
  f->ca_file = g_build_filename (f->dir, PROV_CUSTOM_CA_FILE, NULL);
  f->clock = prov_clock_new_virtual (g_date_time_to_unix (when) * G_USEC_PER_SEC);
  open_context (f);
  rule = g_strdup_printf ("https://127.0.0.1:%u/profile.xml", test_server_port (nginx, PORT_HTTPS));
  set_param (f, "Profile_Rule", rule);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->ctx);
  g_clear_object (&f->clock);
  test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->ca_file);
}

/* ---- running ------------------------------------------------------------- */

typedef struct
{
  GMainLoop          *loop;
  ProvResyncResult   *result;
  ProvCustomCaResult  ca_result;
  GError             *error;
} Wait;

static void
on_resynced (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Wait *w = user_data;

  w->result = prov_engine_resync_finish (PROV_ENGINE (source), res, &w->error);
  g_main_loop_quit (w->loop);
}

/* One whole resync of the configured rules; the error's message or NULL. */
static char *
resync (Fixture *f)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, NULL, PROV_CUSTOM_CA_FAILED, NULL };
  char *message = NULL;

  prov_engine_resync_async (prov_context_get_engine (f->ctx), PROV_CAUSE_EXPLICIT, NULL, NULL,
                            NULL, on_resynced, &w);
  g_main_loop_run (loop);
  g_assert_true ((w.result == NULL) != (w.error == NULL));
  if (w.error != NULL)
    message = g_strdup (w.error->message);
  g_clear_error (&w.error);
  g_clear_pointer (&w.result, prov_resync_result_free);
  return message;
}

static void
on_updated (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Wait *w = user_data;

  w->ca_result = prov_custom_ca_update_finish (PROV_ENGINE (source), res, &w->error);
  g_main_loop_quit (w->loop);
}

/* The custom CA step alone. */
static ProvCustomCaResult
update (Fixture *f, GError **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, NULL, PROV_CUSTOM_CA_FAILED, NULL };

  prov_custom_ca_update_async (prov_context_get_engine (f->ctx), NULL, NULL, NULL, on_updated,
                               &w);
  g_main_loop_run (loop);
  g_assert_true ((w.ca_result == PROV_CUSTOM_CA_FAILED) == (w.error != NULL));
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.ca_result;
}

static char *
installed_bytes (Fixture *f)
{
  char *contents = NULL;

  if (!g_file_get_contents (f->ca_file, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static void
assert_installed (Fixture *f, const char *expected)
{
  g_autofree char *text = prov_custom_ca_get_installed (prov_context_get_engine (f->ctx));

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_status (Fixture *f, const char *result, const char *error)
{
  ProvEngine *engine = prov_context_get_engine (f->ctx);

  g_assert_cmpstr (prov_custom_ca_get_result (engine), ==, result);
  g_assert_cmpstr (prov_custom_ca_get_error (engine), ==, error);
}

/* The installed file holds exactly the certificates of @name, as PEM. */
static void
assert_file_matches (Fixture *f, const char *name)
{
  g_autofree char *path = test_path (name);
  g_autoptr(GError) error = NULL;
  g_autolist(GTlsCertificate) expected = g_tls_certificate_list_new_from_file (path, &error);
  g_autolist(GTlsCertificate) installed = NULL;
  g_autofree char *contents = installed_bytes (f);
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_nonnull (contents);
  g_assert_true (g_str_has_prefix (contents, "-----BEGIN CERTIFICATE-----\n"));
  installed = g_tls_certificate_list_new_from_file (f->ca_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (installed), ==, g_list_length (expected));
  for (GList *a = expected, *b = installed; a != NULL; a = a->next, b = b->next)
    g_assert_true (g_tls_certificate_is_same (a->data, b->data));
  g_assert_cmpint (g_stat (f->ca_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
}

/* Nothing half-written stays behind. */
static void
assert_no_temporaries (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, PROV_CUSTOM_CA_FILE "."));
}

/* ---- tests --------------------------------------------------------------- */

/* (a) The server's CA is in no store yet. */
static void
test_untrusted_without (Fixture *f, gconstpointer data)
{
  g_autofree char *error = resync (f);

  g_assert_cmpstr (error, ==, "tls: certificate not trusted");
  g_assert_false (g_file_test (f->ca_file, G_FILE_TEST_EXISTS));
  assert_installed (f, "Not Installed");
  assert_status (f, NULL, NULL);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_B"), ==, "");
}

/* (b) The CA installed first serves the same resync's HTTPS fetch. */
static void
test_pem (Fixture *f, gconstpointer data)
{
  g_autofree char *error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) update_error = NULL;
  g_autoptr(GRegex) format = g_regex_new (
    "^Last provisioning succeeded on \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d$", 0, 0, NULL);
  ProvEngine *engine = prov_context_get_engine (f->ctx);

  set_ca_rule (f, "http://127.0.0.1:%u/ca.pem", HTTP_PORT);
  error = resync (f);
  g_assert_null (error);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_B"), ==, "from-https");
  assert_file_matches (f, "htdocs/ca.pem");
  assert_installed (f, CA_INSTALLED);
  g_assert_true (g_regex_match (format, prov_custom_ca_get_result (engine), 0, NULL));
  assert_status (f, SUCCEEDED, NULL);
  assert_no_temporaries (f);

  /* Fetched again, the same certificates: nothing is rewritten. */
  before = installed_bytes (f);
  g_assert_cmpint (update (f, &update_error), ==, PROV_CUSTOM_CA_UNCHANGED);
  g_assert_no_error (update_error);
  after = installed_bytes (f);
  g_assert_cmpstr (after, ==, before);
}

/* (c) A bad file changes nothing and says why; the resync goes on with the
 * CA installed before. */
static void
test_corrupt_changes_nothing (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *file;
    const char *error;
  } cases[] = {
    { "garbage.pem", "corrupt file: not a certificate" },
    { "truncated.pem", "corrupt file: bad PEM" },
    { "with-key.pem", "corrupt file: bad PEM" },
    { "leaf.pem", "corrupt file: not a CA certificate (127.0.0.1)" },
    { "expired.pem", "corrupt file: certificate expired (Expired CA)" },
    { "missing.pem", "file not found" },
  };
  g_autofree char *error = NULL;
  g_autofree char *good = NULL;

  set_ca_rule (f, "http://127.0.0.1:%u/ca.pem", HTTP_PORT);
  error = resync (f);
  g_assert_null (error);
  good = installed_bytes (f);
  g_assert_nonnull (good);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *resync_error = NULL;
      g_autofree char *now = NULL;

      g_test_message ("%s", cases[i].file);
      set_ca_rule (f, "http://127.0.0.1:%u/%s", HTTP_PORT, cases[i].file);
      /* Success: the HTTPS server was still trusted (its answer is a 304). */
      resync_error = resync (f);
      g_assert_null (resync_error);
      g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_B"), ==,
                       "from-https");
      now = installed_bytes (f);
      g_assert_cmpstr (now, ==, good);
      assert_status (f, FAILED, cases[i].error);
      assert_installed (f, CA_INSTALLED);
      assert_no_temporaries (f);
    }
}

/* A bad file with nothing installed: the HTTPS fetch then fails by itself. */
static void
test_corrupt_first (Fixture *f, gconstpointer data)
{
  g_autofree char *error = NULL;

  set_ca_rule (f, "http://127.0.0.1:%u/leaf.pem", HTTP_PORT);
  error = resync (f);
  g_assert_cmpstr (error, ==, "tls: certificate not trusted");
  g_assert_false (g_file_test (f->ca_file, G_FILE_TEST_EXISTS));
  assert_installed (f, "Not Installed");
  assert_status (f, FAILED, "corrupt file: not a CA certificate (127.0.0.1)");
}

/* (d) One DER certificate, installed as PEM. */
static void
test_der (Fixture *f, gconstpointer data)
{
  g_autofree char *error = NULL;

  set_ca_rule (f, "http://127.0.0.1:%u/ca.der", HTTP_PORT);
  error = resync (f);
  g_assert_null (error);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_B"), ==, "from-https");
  assert_file_matches (f, "htdocs/ca.pem");
  assert_installed (f, CA_INSTALLED);
  assert_status (f, SUCCEEDED, NULL);
}

/* Several CAs: all installed, the first one named. */
static void
test_bundle (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = NULL;
  g_autofree char *bundle = NULL;

  set_ca_rule (f, "http://127.0.0.1:%u/bundle.pem", HTTP_PORT);
  g_assert_cmpint (update (f, &error), ==, PROV_CUSTOM_CA_INSTALLED);
  g_assert_no_error (error);
  assert_installed (f, CA_INSTALLED);
  /* Both certificates, without the text around them. */
  other = read_test_file ("htdocs/other-ca.pem", NULL);
  bundle = installed_bytes (f);
  g_assert_nonnull (strstr (bundle, other));
  g_assert_null (strstr (bundle, "first:"));
  {
    g_autolist(GTlsCertificate) certs = g_tls_certificate_list_new_from_file (f->ca_file, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_length (certs), ==, 2);
  }
}

/* Conditions pick the alternative; --uid/--pwd (with a secret) answer the
 * server. The rule has Profile_Rule's syntax: what a CA fetch does not use
 * (--key, --alias, assignments) is ignored, not an error. */
static void
test_rule (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  set_param (f, "GPP_SA", "ca-secret");
  set_ca_rule (f, "( \"$B\" eq \"never\" )? http://127.0.0.1:%u/garbage.pem "
                  "| [--uid causer --pwd $SA] http://127.0.0.1:%u/private/ca.pem",
               HTTP_PORT, HTTP_PORT);
  g_assert_cmpint (update (f, &error), ==, PROV_CUSTOM_CA_INSTALLED);
  g_assert_no_error (error);
  assert_installed (f, CA_INSTALLED);

  set_ca_rule (f, "http://127.0.0.1:%u/private/ca.pem", HTTP_PORT);
  g_assert_cmpint (update (f, &error), ==, PROV_CUSTOM_CA_FAILED);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (error->message, ==, "http 401");
  g_clear_error (&error);
  assert_status (f, FAILED, "http 401");

  set_ca_rule (f, "[--key $SA --alias c] http://127.0.0.1:%u/ca.pem", HTTP_PORT);
  g_assert_cmpint (update (f, &error), ==, PROV_CUSTOM_CA_UNCHANGED);
  g_assert_no_error (error);
  assert_status (f, SUCCEEDED, NULL);

  set_ca_rule (f, "( b = \"x\"; )! http://127.0.0.1:%u/ca.pem", HTTP_PORT);
  g_assert_cmpint (update (f, &error), ==, PROV_CUSTOM_CA_UNCHANGED);
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_B"), ==, "");

  /* No alternative taken: nothing fetched, nothing recorded. */
  set_ca_rule (f, "http://127.0.0.1:%u/private/ca.pem", HTTP_PORT);
  g_assert_cmpint (update (f, &error), ==, PROV_CUSTOM_CA_FAILED);
  g_clear_error (&error);
  set_ca_rule (f, "( \"$B\" eq \"never\" )? http://127.0.0.1:%u/garbage.pem", HTTP_PORT);
  g_assert_cmpint (update (f, &error), ==, PROV_CUSTOM_CA_NONE);
  g_assert_no_error (error);
  assert_status (f, FAILED, "http 401");
  assert_installed (f, CA_INSTALLED);
}

/* (e) A new context on the same state directory trusts the CA installed
 * before, without fetching it again, and reports it. */
static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *error = NULL;
  g_autofree char *status_path = g_build_filename (f->dir, "status.ini", NULL);
  g_autofree char *rule = NULL;

  set_ca_rule (f, "http://127.0.0.1:%u/ca.pem", HTTP_PORT);
  error = resync (f);
  g_assert_null (error);
  set_param (f, "Custom_CA_Rule", "");
  set_param (f, "GPP_B", "");
  g_clear_object (&f->ctx);

  open_context (f);
  assert_installed (f, CA_INSTALLED);
  assert_status (f, SUCCEEDED, NULL);
  /* Another URL for the same file: a whole answer, not a 304. */
  rule = g_strdup_printf ("https://127.0.0.1:%u/profile.xml?restart",
                          test_server_port (nginx, PORT_HTTPS));
  set_param (f, "Profile_Rule", rule);
  error = resync (f);
  g_assert_null (error);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_B"), ==, "from-https");

  /* Without the status the file itself still names the CA. */
  g_clear_object (&f->ctx);
  g_assert_cmpint (g_unlink (status_path), ==, 0);
  open_context (f);
  assert_installed (f, CA_INSTALLED);
  assert_status (f, NULL, NULL);
}

static void
on_upgraded (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GError **error = user_data;
  ProvUpgradeResult result = prov_upgrader_upgrade_finish (PROV_UPGRADER (source), res, error);

  g_object_set_data (source, "result", GINT_TO_POINTER (result));
}

static ProvUpgradeResult
upgrade (ProvUpgrader *upgrader, GError **error)
{
  g_object_set_data (G_OBJECT (upgrader), "result", GINT_TO_POINTER (-1));
  prov_upgrader_upgrade_async (upgrader, PROV_CAUSE_EXPLICIT, NULL, NULL, NULL, on_upgraded,
                               error);
  for (guint i = 0; i < 10000 && GPOINTER_TO_INT (g_object_get_data (G_OBJECT (upgrader), "result")) < 0; i++)
    g_main_context_iteration (NULL, TRUE);
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (upgrader), "result"));
}

/* Upgrade_Rule has the syntax of Profile_Rule (the seed): its
 * `[--uid u --pwd p]` answers the firmware server, with a secret register
 * too. The same nginx asks for Basic credentials. */
static void
test_upgrade_rule_credentials (Fixture *f, gconstpointer data)
{
  g_autofree char *installed = g_build_filename (f->dir, "installed.img", NULL);
  g_autofree char *quoted = g_shell_quote (installed);
  g_autofree char *device = g_strdup_printf (DEVICE "[installer]\nCommand=cp %%f %s\n", quoted);
  g_autofree char *device_path = g_build_filename (f->dir, "device.conf", NULL);
  g_autofree char *rule = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(ProvUpgrader) upgrader = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (device_path, device, -1, NULL));
  g_clear_object (&f->ctx);
  open_context (f);
  upgrader = prov_upgrader_new (prov_context_get_engine (f->ctx));
  set_param (f, "GPP_SA", "ca-secret");

  rule = g_strdup_printf ("http://127.0.0.1:%u/private/fw-2.0.img", HTTP_PORT);
  set_param (f, "Upgrade_Rule", rule);
  g_assert_cmpint (upgrade (upgrader, &error), ==, PROV_UPGRADE_FAILED);
  if (g_error_matches (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED))
    {
      g_test_skip ("built without the installer plugin");
      return;
    }
  g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (error->message, ==, "http 401");
  g_clear_error (&error);

  g_free (rule);
  rule = g_strdup_printf ("[--uid causer --pwd $SA]http://127.0.0.1:%u/private/fw-2.0.img",
                          HTTP_PORT);
  set_param (f, "Upgrade_Rule", rule);
  g_assert_cmpint (upgrade (upgrader, &error), ==, PROV_UPGRADE_INSTALLED);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (installed, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "firmware 2.0\n");
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("TZ", "PROV-5:30", TRUE);
  g_test_init (&argc, &argv, NULL);

  make_files ();
  nginx = test_nginx_start (N_PORTS, servers, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/custom-ca/untrusted-without", test_untrusted_without);
  ADD ("/custom-ca/pem", test_pem);
  ADD ("/custom-ca/corrupt-changes-nothing", test_corrupt_changes_nothing);
  ADD ("/custom-ca/corrupt-first", test_corrupt_first);
  ADD ("/custom-ca/der", test_der);
  ADD ("/custom-ca/bundle", test_bundle);
  ADD ("/custom-ca/rule", test_rule);
  ADD ("/custom-ca/restart", test_restart);
  ADD ("/custom-ca/upgrade-rule-credentials", test_upgrade_rule_credentials);
  status = g_test_run ();

  test_server_stop (nginx);
  return status;
}
