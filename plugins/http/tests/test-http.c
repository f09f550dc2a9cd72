/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "http-test-util.h"
#include "prov-error.h"
#include "prov-transport.h"

/* The plugin against a real nginx on 127.0.0.1, over plain HTTP. */

#define LARGE_SIZE (10 * 1024 * 1024)
#define SMALL_TEXT "<flat-profile><Resync_Periodic>3600</Resync_Periodic></flat-profile>\n"

static TestServer *nginx;
static guint port;
static GBytes *large;
static GBytes *gzipped;

static char *
servers (const guint *ports, gpointer user_data)
{
  g_autofree char *root = test_path ("htdocs");

  return g_strdup_printf (
    "  server {\n"
    "    listen 127.0.0.1:%u;\n"
    "    root %s;\n"
    "    location = /redirect { return 302 /small.txt; }\n"
    "    location = /see-other { return 303 /small.txt; }\n"
    "    location = /loop { return 302 /loop; }\n"
    "    location = /away { return 302 http://127.0.0.1:%u/away-target.txt; }\n"
    "    location = /forbidden { return 403; }\n"
    "    location = /broken { return 500; }\n"
    "    location = /echo { echo_read_request_body; echo_request_body; }\n"
    "    location = /stream { echo_duplicate 2000000 \"0123456789\"; }\n"
    "    location = /stream-small { echo_duplicate 1000 \"0123456789\"; }\n"
    "    location = /profile.xml.gz { add_header Content-Encoding gzip; }\n"
    "  }\n",
    ports[0], root, ports[0]);
}

static GBytes *
gzip_bytes (const char *text)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static ProvFetch *
fetch_path (const char *path)
{
  return test_fetch_new ("http://127.0.0.1:%u%s", port, path);
}

static void
fetch_once (ProvFetch *fetch, TestResult *result)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();

  test_fetch_run (plugin, fetch, NULL, result);
}

static void
test_plugin_properties (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  const char *const *schemes = prov_plugin_get_schemes (plugin);

  g_assert_true (PROV_IS_TRANSPORT (plugin));
  g_assert_cmpstr (prov_plugin_get_name (plugin), ==, "http");
  g_assert_nonnull (schemes);
  g_assert_true (g_strv_contains (schemes, "http:80"));
  g_assert_true (g_strv_contains (schemes, "https:443"));
  g_assert_cmpuint (prov_plugin_get_default_port (plugin, "https"), ==, 443);
}

static void
test_get_small (void)
{
  g_autoptr(ProvFetch) fetch = fetch_path ("/small.txt");
  g_autoptr(GBytes) expected = g_bytes_new_static (SMALL_TEXT, strlen (SMALL_TEXT));
  g_auto(TestResult) result;

  fetch_once (fetch, &result);
  test_assert_payload (&result, expected);
  g_assert_cmpstr (prov_fetch_get_server_ip (fetch), ==, "127.0.0.1");
  g_assert_false (prov_fetch_get_not_modified (fetch));
  g_assert_null (prov_fetch_get_content_encoding (fetch));
}

static void
test_get_large (void)
{
  g_autoptr(ProvFetch) fetch = fetch_path ("/large.bin");
  g_auto(TestResult) result;

  prov_fetch_set_max_size (fetch, LARGE_SIZE);
  fetch_once (fetch, &result);
  test_assert_payload (&result, large);
  g_assert_cmpuint (result.progress_calls, >, 1);
  g_assert_true (result.progress_monotonic);
  g_assert_cmpuint (result.last_received, ==, LARGE_SIZE);
  g_assert_cmpuint (result.last_total, ==, LARGE_SIZE);
}

static void
test_status_not_found (void)
{
  g_autoptr(ProvFetch) fetch = fetch_path ("/missing.xml");
  g_auto(TestResult) result;

  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_FILE_NOT_FOUND, "file not found");
  g_assert_cmpint (prov_outcome_from_error (result.error), ==, PROV_OUTCOME_FILE_NOT_FOUND);
}

static void
test_status_other (void)
{
  const struct { const char *path; const char *text; } cases[] = {
    { "/forbidden", "http 403" },
    { "/broken", "http 500" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ProvFetch) fetch = fetch_path (cases[i].path);
      g_auto(TestResult) result;

      fetch_once (fetch, &result);
      test_assert_error (&result, PROV_ERROR_TRANSPORT, cases[i].text);
      g_assert_cmpint (prov_outcome_from_error (result.error), ==, PROV_OUTCOME_TRANSPORT);
    }
}

static void
test_redirect_followed (void)
{
  g_autoptr(GBytes) expected = g_bytes_new_static (SMALL_TEXT, strlen (SMALL_TEXT));
  const char *paths[] = { "/redirect?followed", "/see-other?followed" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(ProvFetch) fetch = fetch_path (paths[i]);
      g_autofree char *needle = g_strdup_printf ("|GET|%s|30", paths[i]);
      g_auto(GStrv) hops = NULL;
      g_auto(TestResult) result;

      fetch_once (fetch, &result);
      test_assert_payload (&result, expected);
      hops = test_log_lines (test_nginx_log (), needle, 1, 2000);
      g_assert_cmpuint (g_strv_length (hops), ==, 1);
    }
}

static void
test_redirect_loop (void)
{
  g_autoptr(ProvFetch) fetch = fetch_path ("/loop");
  g_auto(GStrv) hops = NULL;
  g_auto(TestResult) result;

  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "too many redirects");
  /* The first request and five redirects followed, not one more. */
  hops = test_log_lines (test_nginx_log (), "|GET|/loop|302|", 7, 500);
  g_assert_cmpuint (g_strv_length (hops), ==, 6);
}

/* Restricted_Access_Domains applies to every redirect target too. */
static void
test_redirect_restricted (void)
{
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://localhost:%u/away", port);
  const char *allowed[] = { "localhost", NULL };
  g_auto(GStrv) hops = NULL;
  g_auto(GStrv) target = NULL;
  g_auto(TestResult) result;

  prov_fetch_set_allowed_hosts (fetch, allowed);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "restricted host");
  hops = test_log_lines (test_nginx_log (), "|GET|/away|302|", 1, 2000);
  g_assert_cmpuint (g_strv_length (hops), ==, 1);
  target = test_log_lines (test_nginx_log (), "/away-target.txt", 0, 0);
  g_assert_cmpuint (g_strv_length (target), ==, 0);
}

static void
test_restricted_host (void)
{
  g_autoptr(ProvFetch) fetch = fetch_path ("/small.txt?restricted-probe");
  g_autoptr(ProvFetch) marker = fetch_path ("/small.txt?after-restricted-probe");
  const char *allowed[] = { "provisioning.example.com", NULL };
  g_auto(GStrv) lines = NULL;
  g_auto(TestResult) result;
  g_auto(TestResult) marker_result;

  prov_fetch_set_allowed_hosts (fetch, allowed);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "restricted host");
  g_assert_null (prov_fetch_get_server_ip (fetch));
  /* A later request is logged, so the log is current: nothing came before. */
  fetch_once (marker, &marker_result);
  g_assert_no_error (marker_result.error);
  g_strfreev (test_log_lines (test_nginx_log (), "?after-restricted-probe", 1, 2000));
  lines = test_log_lines (test_nginx_log (), "?restricted-probe|", 0, 0);
  g_assert_cmpuint (g_strv_length (lines), ==, 0);
}

static char *
logged_user_agent (const char *request_uri)
{
  g_autofree char *needle = g_strdup_printf ("|GET|%s|200|", request_uri);
  g_auto(GStrv) lines = test_log_lines (test_nginx_log (), needle, 1, 2000);
  g_auto(GStrv) fields = NULL;

  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  fields = g_strsplit (lines[0], "|", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 5);
  return g_strdup (fields[4]);
}

static void
test_user_agent (void)
{
  const char *agents[] = { "Cisco-CP-8845-3PCC/11.3.1 (000e08abcdef)", "Linksys/SPA-942-7.6.2",
                           NULL };
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *cisco = NULL;
  g_autofree char *group = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (agents); i++)
    {
      g_autofree char *path = g_strdup_printf ("/small.txt?ua=%u", i);
      g_autoptr(ProvFetch) fetch = fetch_path (path);
      g_autofree char *logged = NULL;
      g_auto(TestResult) result;

      prov_fetch_set_user_agent (fetch, agents[i]);
      fetch_once (fetch, &result);
      g_assert_no_error (result.error);
      logged = logged_user_agent (path);
      /* Byte for byte: libsoup appends no product token of its own. */
      g_assert_cmpstr (logged, ==, agents[i] != NULL ? agents[i] : "provisiond/" PROV_VERSION);
    }

  regex = g_regex_new ("^Cisco-CP-([0-9]{4})-3PCC/(\\S+) \\(([\\dA-Fa-f]{12})\\)$", 0, 0, NULL);
  g_assert_nonnull (regex);
  cisco = logged_user_agent ("/small.txt?ua=0");
  g_assert_true (g_regex_match (regex, cisco, 0, &match));
  group = g_match_info_fetch (match, 1);
  g_assert_cmpstr (group, ==, "8845");
  g_clear_pointer (&group, g_free);
  group = g_match_info_fetch (match, 3);
  g_assert_cmpstr (group, ==, "000e08abcdef");
}

static void
assert_not_modified (ProvPlugin *plugin, const char *path, const char *state_dir)
{
  g_autoptr(ProvFetch) fetch = fetch_path (path);
  g_autofree char *needle = g_strdup_printf ("|GET|%s|304|", path);
  g_auto(GStrv) lines = NULL;
  g_auto(TestResult) result;

  prov_fetch_set_state_dir (fetch, state_dir);
  test_fetch_run (plugin, fetch, NULL, &result);
  g_assert_no_error (result.error);
  g_assert_true (prov_fetch_get_not_modified (fetch));
  g_assert_cmpuint (g_bytes_get_size (result.payload), ==, 0);
  lines = test_log_lines (test_nginx_log (), needle, 1, 2000);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  /* The validator went out: an ETag in the If-None-Match field. */
  g_assert_nonnull (strstr (lines[0], "|\""));
}

static void
assert_fetched (ProvPlugin *plugin, const char *path, const char *state_dir, const char *text)
{
  g_autoptr(ProvFetch) fetch = fetch_path (path);
  g_autoptr(GBytes) expected = g_bytes_new_static (text, strlen (text));
  g_auto(TestResult) result;

  prov_fetch_set_state_dir (fetch, state_dir);
  test_fetch_run (plugin, fetch, NULL, &result);
  test_assert_payload (&result, expected);
  g_assert_false (prov_fetch_get_not_modified (fetch));
  /* As the engine does once the profile is applied. */
  prov_fetch_commit (fetch);
}

/* A payload the engine never committed (a rejected profile) leaves no
 * validator behind: the next fetch is a full 200, not a 304. */
static void
test_etag_uncommitted (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(GBytes) expected = g_bytes_new_static (SMALL_TEXT, strlen (SMALL_TEXT));

  {
    g_autoptr(ProvFetch) fetch = fetch_path ("/small.txt?etag-uncommitted");
    g_auto(TestResult) result;

    test_fetch_run (plugin, fetch, NULL, &result);
    test_assert_payload (&result, expected);
  }
  assert_fetched (plugin, "/small.txt?etag-uncommitted", NULL, SMALL_TEXT);
  assert_not_modified (plugin, "/small.txt?etag-uncommitted", NULL);
}

static void
test_etag_memory (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();

  assert_fetched (plugin, "/small.txt?etag-memory", NULL, SMALL_TEXT);
  assert_not_modified (plugin, "/small.txt?etag-memory", NULL);
}

static void
test_etag_persisted (void)
{
  g_autofree char *state_dir = test_path ("state");
  g_autofree char *cache = g_build_filename (state_dir, "http-cache.ini", NULL);
  g_autofree char *contents = NULL;
  const char *changed = "<flat-profile><Resync_Periodic>60</Resync_Periodic></flat-profile>\n";

  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  test_write ("htdocs/etag.xml", SMALL_TEXT, -1);
  {
    g_autoptr(ProvPlugin) first = test_plugin_new ();
    assert_fetched (first, "/etag.xml", state_dir, SMALL_TEXT);
  }
  g_assert_true (g_file_get_contents (cache, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "ETag="));
  g_assert_nonnull (strstr (contents, "/etag.xml"));
  {
    /* A new plugin instance (a restarted daemon) still sends the ETag. */
    g_autoptr(ProvPlugin) second = test_plugin_new ();
    assert_not_modified (second, "/etag.xml", state_dir);
    test_write ("htdocs/etag.xml", changed, -1);
    assert_fetched (second, "/etag.xml", state_dir, changed);
  }
}

static void
test_post (void)
{
  const char *body = "GPP_A=provisioned&mac=000e08abcdef\n\x01\x02";
  const struct { const char *device; const char *type; } cases[] = {
    { "[Device]\n", "application/octet-stream" },
    { "[http]\nPostContentType=text/plain\n", "text/plain" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/echo?post=%u", i);
      g_autofree char *needle = g_strdup_printf ("|POST|%s|200|", path);
      g_autofree char *type = g_strdup_printf ("|%s|", cases[i].type);
      g_autoptr(ProvFetch) fetch = fetch_path (path);
      g_autoptr(GBytes) sent = g_bytes_new (body, strlen (body));
      g_auto(GStrv) lines = NULL;
      g_auto(TestResult) result;

      test_fetch_set_device (fetch, "%s", cases[i].device);
      prov_fetch_set_body (fetch, sent);
      fetch_once (fetch, &result);
      /* nginx's echo module answers with the body it read. */
      test_assert_payload (&result, sent);
      lines = test_log_lines (test_nginx_log (), needle, 1, 2000);
      g_assert_cmpuint (g_strv_length (lines), ==, 1);
      g_assert_nonnull (strstr (lines[0], type));
    }
}

static void
test_size_cap_content_length (void)
{
  g_autoptr(ProvFetch) fetch = fetch_path ("/large.bin?capped");
  g_auto(TestResult) result;

  prov_fetch_set_max_size (fetch, 1024 * 1024);
  fetch_once (fetch, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "too large");
  /* Refused on the header: nothing of the body was reported. */
  g_assert_cmpuint (result.progress_calls, ==, 0);
}

static void
test_size_cap_chunked (void)
{
  g_autoptr(ProvFetch) capped = fetch_path ("/stream");
  g_autoptr(ProvFetch) small = fetch_path ("/stream-small");
  g_auto(TestResult) result;
  g_auto(TestResult) small_result;

  prov_fetch_set_max_size (capped, 1024 * 1024);
  fetch_once (capped, &result);
  test_assert_error (&result, PROV_ERROR_TRANSPORT, "too large");
  g_assert_cmpuint (result.last_received, <=, 1024 * 1024);

  /* No Content-Length: progress has no total, the payload is complete. */
  prov_fetch_set_max_size (small, 10000);
  fetch_once (small, &small_result);
  g_assert_no_error (small_result.error);
  g_assert_cmpuint (g_bytes_get_size (small_result.payload), ==, 10000);
  g_assert_cmpuint (small_result.last_total, ==, 0);
  g_assert_cmpint (memcmp (g_bytes_get_data (small_result.payload, NULL), "0123456789", 10), ==, 0);
}

static void
test_content_encoding (void)
{
  g_autoptr(ProvFetch) fetch = fetch_path ("/profile.xml.gz");
  g_auto(TestResult) result;

  fetch_once (fetch, &result);
  /* Bytes as sent (the codecs decode by content), the encoding reported. */
  test_assert_payload (&result, gzipped);
  g_assert_cmpstr (prov_fetch_get_content_encoding (fetch), ==, "gzip");
}

/* The CLI driver used by the benchmark: payload to a file, `$ERR` on failure. */
static void
test_cli (void)
{
  const char *program = g_getenv ("PROV_TEST_HTTP_GET");
  g_autofree char *out = test_path ("cli.out");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/large.bin", port);
  g_autofree char *missing = g_strdup_printf ("http://127.0.0.1:%u/missing.xml", port);
  const char *get[] = { program, "--max-size", "0", "-o", out, url, NULL };
  const char *fail[] = { program, missing, NULL };
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  int status;

  g_assert_nonnull (program);
  test_spawn_check (get);
  g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, LARGE_SIZE);
  g_assert_cmpint (memcmp (contents, g_bytes_get_data (large, NULL), len), ==, 0);

  g_spawn_sync (NULL, (char **) fail, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 1);
  g_assert_cmpstr (err, ==, "prov-http-get: file not found\n");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  large = test_random_bytes (LARGE_SIZE);
  gzipped = gzip_bytes ("<flat-profile><Resync_Periodic>600</Resync_Periodic></flat-profile>");
  test_write ("htdocs/small.txt", SMALL_TEXT, -1);
  test_write ("htdocs/large.bin", g_bytes_get_data (large, NULL), LARGE_SIZE);
  test_write ("htdocs/profile.xml.gz", g_bytes_get_data (gzipped, NULL),
              (gssize) g_bytes_get_size (gzipped));
  nginx = test_nginx_start (1, servers, NULL);
  port = test_server_port (nginx, 0);

  g_test_add_func ("/http/plugin/properties", test_plugin_properties);
  g_test_add_func ("/http/get/small", test_get_small);
  g_test_add_func ("/http/get/large", test_get_large);
  g_test_add_func ("/http/status/not-found", test_status_not_found);
  g_test_add_func ("/http/status/other", test_status_other);
  g_test_add_func ("/http/redirect/followed", test_redirect_followed);
  g_test_add_func ("/http/redirect/loop", test_redirect_loop);
  g_test_add_func ("/http/redirect/restricted", test_redirect_restricted);
  g_test_add_func ("/http/restricted-host", test_restricted_host);
  g_test_add_func ("/http/user-agent", test_user_agent);
  g_test_add_func ("/http/etag/memory", test_etag_memory);
  g_test_add_func ("/http/etag/persisted", test_etag_persisted);
  g_test_add_func ("/http/etag/uncommitted", test_etag_uncommitted);
  g_test_add_func ("/http/post", test_post);
  g_test_add_func ("/http/size-cap/content-length", test_size_cap_content_length);
  g_test_add_func ("/http/size-cap/chunked", test_size_cap_chunked);
  g_test_add_func ("/http/content-encoding", test_content_encoding);
  g_test_add_func ("/http/cli", test_cli);
  status = g_test_run ();

  test_server_stop (nginx);
  g_bytes_unref (large);
  g_bytes_unref (gzipped);
  return status;
}
