/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-gds-code.h"
#include "prov-gds-json.h"
#include "prov-gds-response.h"
#include "prov-test.h"

/* The plugin's pure parts: code entry, the JSON reader and writer, and the
 * mapping of the service's answers to errors (README.md, "Responses"). */

static void
test_code_accepted (void)
{
  const char *inputs[] = { "1234567890123456", "1234-5678-9012-3456", "1234 5678 9012 3456",
                           " 12345678-90123456 ", "1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = prov_gds_code_normalize (inputs[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, "1234567890123456");
    }
}

static void
test_code_refused (void)
{
  const char *inputs[] = { "", "123456789012345", "12345678901234567", "1234567890abcdef",
                           "1234_5678_9012_3456", "１２３４５６７８９０１２３４５６", "+234567890123456",
                           "1234567890123456\n", "12345678901234560000000000000000" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = prov_gds_code_normalize (inputs[i], &error);

      g_assert_null (code);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
      g_assert_cmpstr (error->message, ==, "activation code must be 16 digits");
    }
}

static void
test_code_redact (void)
{
  g_autofree char *redacted = prov_gds_code_redact ("1234567890123456");

  g_assert_cmpstr (redacted, ==, "...3456");
  g_assert_null (strstr (redacted, "1234567890"));
}

static GHashTable *
parse (const char *json, GError **error)
{
  return prov_gds_json_parse_object (json, strlen (json), error);
}

static void
test_json_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) empty = parse (" { } ", &error);
  g_autoptr(GHashTable) members = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (empty), ==, 0);

  members = parse ("\r\n{\"a\" : \"x\\\"y\\\\z\\/\",\t\"b\":\"\\u00e9\\ud83d\\ude00\\n\","
                   "\"\":\"caf\xc3\xa9\"}\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (members), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (members, "a"), ==, "x\"y\\z/");
  g_assert_cmpstr (g_hash_table_lookup (members, "b"), ==, "\xc3\xa9\xf0\x9f\x98\x80\n");
  g_assert_cmpstr (g_hash_table_lookup (members, ""), ==, "caf\xc3\xa9");
}

static void
test_json_bad (void)
{
  const char *inputs[] = {
    "",
    "[]",
    "\"a\"",
    "{",
    "{\"a\"}",
    "{\"a\":}",
    "{\"a\":1}",
    "{\"a\":null}",
    "{\"a\":true}",
    "{\"a\":{\"b\":\"c\"}}",
    "{\"a\":[\"b\"]}",
    "{\"a\":\"b\",}",
    "{,}",
    "{\"a\":\"b\" \"c\":\"d\"}",
    "{\"a\":\"b\"}x",
    "{\"a\":\"b\"}{}",
    "{\"a\":\"b\",\"a\":\"c\"}",
    "{'a':'b'}",
    "{a:\"b\"}",
    "{\"a\":\"b\nc\"}",
    "{\"a\":\"\\x\"}",
    "{\"a\":\"\\u12\"}",
    "{\"a\":\"\\u0000\"}",
    "{\"a\":\"\\ud83d\"}",
    "{\"a\":\"\\ude00\"}",
    "{\"a\":\"\\ud83d\\u0041\"}",
    "{\"a\":\"\xff\"}",
    "{\"a\":\"b",
    "{\"a\":\"b\\",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) members = parse (inputs[i], &error);

      if (members != NULL)
        g_error ("accepted: %s", inputs[i]);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "JSON: "));
    }
}

static void
test_json_embedded_nul (void)
{
  static const char data[] = "{\"a\":\"b\0c\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) members = prov_gds_json_parse_object (data, sizeof data - 1, &error);

  g_assert_null (members);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
}

static void
test_json_round_trip (void)
{
  const char *value = "quote\" backslash\\ tab\t nl\n bell\x07 caf\xc3\xa9 /";
  g_autoptr(GString) out = g_string_new ("{");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) members = NULL;

  prov_gds_json_append_string (out, "k");
  g_string_append_c (out, ':');
  prov_gds_json_append_string (out, value);
  g_string_append_c (out, '}');
  g_assert_cmpstr (out->str, ==,
                   "{\"k\":\"quote\\\" backslash\\\\ tab\\u0009 nl\\u000a bell\\u0007 "
                   "caf\xc3\xa9 /\"}");
  members = parse (out->str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (members, "k"), ==, value);
}

static GHashTable *
response (guint status, const char *body, GError **error)
{
  return prov_gds_response_parse (status, body, strlen (body), error);
}

static void
test_response_success (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) both = response (
    200, "{\"profile_rule\":\"https://p/$MA.xml\",\"upgrade_rule\":\"https://p/fw\",\"x\":\"y\"}",
    &error);
  g_autoptr(GHashTable) profile_only = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (both), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (both, "Profile_Rule"), ==, "https://p/$MA.xml");
  g_assert_cmpstr (g_hash_table_lookup (both, "Upgrade_Rule"), ==, "https://p/fw");
  g_assert_true (prov_gds_response_is_final (error));

  profile_only = response (200, "{\"profile_rule\":\"tftp://p/a.cfg\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (profile_only), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (profile_only, "Profile_Rule"), ==, "tftp://p/a.cfg");
}

static void
test_response_corrupt (void)
{
  const char *bodies[] = { "", "<html>ok</html>", "{\"upgrade_rule\":\"https://p/fw\"}",
                           "{\"profile_rule\":\"\"}", "{\"profile_rule\":42}",
                           "{\"profile_rule\":\"a\",\"profile_rule\":\"b\"}" };
  g_autofree char *huge = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) params = response (200, bodies[i], &error);

      g_assert_null (params);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
      g_assert_cmpstr (error->message, ==, "bad activation response");
      g_assert_true (prov_gds_response_is_final (error));
    }

  /* Valid JSON, but more than the limit. */
  huge = g_strdup_printf ("{\"profile_rule\":\"%*s\"}", PROV_GDS_RESPONSE_MAX, "x");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GHashTable) params = response (200, huge, &error);

    g_assert_null (params);
    g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  }
}

static void
test_response_refused (void)
{
  struct { guint status; const char *body; } cases[] = {
    { 404, "{\"error\":\"invalid-code\"}" },
    { 410, "{\"error\":\"expired-code\"}" },
    { 409, "{\"error\":\"used-code\"}" },
    /* The token decides, not the status. */
    { 403, " {\"error\" : \"used-code\", \"detail\":\"by 000e08abcdef\"} " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) params = response (cases[i].status, cases[i].body, &error);

      g_assert_null (params);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_CODE);
      g_assert_cmpstr (error->message, ==, "Invalid activation code");
      g_assert_true (prov_gds_response_is_final (error));
    }
}

static void
test_response_transport (void)
{
  struct { guint status; const char *body; const char *text; } cases[] = {
    { 400, "{\"error\":\"bad-request\"}", "http 400" },
    { 404, "<html>Not Found</html>", "http 404" },
    { 404, "{\"error\":\"no-such-thing\"}", "http 404" },
    { 404, "{\"error\":\"invalid-code\"", "http 404" },
    { 500, "{\"error\":\"invalid-code\"}", "http 500" },
    { 503, "", "http 503" },
    { 302, "", "http 302" },
    { 201, "{\"profile_rule\":\"https://p/x\"}", "http 201" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) params = response (cases[i].status, cases[i].body, &error);

      g_assert_null (params);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
      g_assert_cmpstr (error->message, ==, cases[i].text);
      g_assert_false (prov_gds_response_is_final (error));
    }
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/gds/code/accepted", test_code_accepted },
    { "/gds/code/refused", test_code_refused },
    { "/gds/code/redact", test_code_redact },
    { "/gds/json/good", test_json_good },
    { "/gds/json/bad", test_json_bad },
    { "/gds/json/embedded-nul", test_json_embedded_nul },
    { "/gds/json/round-trip", test_json_round_trip },
    { "/gds/response/success", test_response_success },
    { "/gds/response/corrupt", test_response_corrupt },
    { "/gds/response/refused", test_response_refused },
    { "/gds/response/transport", test_response_transport },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
