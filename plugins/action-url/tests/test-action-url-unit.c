/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The request logic without a server: query splitting, secrets compare,
 * Digest nonces, the Execute parser and the XML documents. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>

#include "prov-action-url-auth.h"
#include "prov-action-url-query.h"
#include "prov-action-url-xml.h"
#include "prov-status.h"
#include "prov-test.h"

static void
test_query_plain (void)
{
  g_autoptr(ProvActionUrlQuery) empty = prov_action_url_query_parse (NULL, NULL);
  g_autoptr(ProvActionUrlQuery) seed = NULL;
  g_autoptr(ProvActionUrlQuery) encoded = NULL;
  g_autoptr(ProvActionUrlQuery) upper = NULL;

  g_assert_nonnull (empty);
  g_assert_cmpstr (empty->argument, ==, "");
  g_assert_false (prov_action_url_query_has_credentials (empty));

  seed = prov_action_url_query_parse ("tftp://192.168.1.200/basic.txt", NULL);
  g_assert_cmpstr (seed->argument, ==, "tftp://192.168.1.200/basic.txt");
  g_assert_null (seed->user);

  /* Decoded once; `+` stays; `&` and `=` in the rule are the rule's. */
  encoded = prov_action_url_query_parse ("%5B--key%20%24B%5Dhttp://h/p?a=1&b=2+3%25", NULL);
  g_assert_cmpstr (encoded->argument, ==, "[--key $B]http://h/p?a=1&b=2+3%");

  /* Only the exact lower-case names are credentials. */
  upper = prov_action_url_query_parse ("XUSER=admin&tftp://h/f", NULL);
  g_assert_false (prov_action_url_query_has_credentials (upper));
  g_assert_cmpstr (upper->argument, ==, "XUSER=admin&tftp://h/f");
}

static void
test_query_credentials (void)
{
  g_autoptr(ProvActionUrlQuery) q = NULL;
  g_autoptr(ProvActionUrlQuery) swapped = NULL;
  g_autoptr(ProvActionUrlQuery) only_user = NULL;
  g_autoptr(ProvActionUrlQuery) no_rule = NULL;

  q = prov_action_url_query_parse ("xuser=admin&xpassword=p%26ss%3Dw&tftp://h/f?x=1&y=2", NULL);
  g_assert_nonnull (q);
  g_assert_cmpstr (q->user, ==, "admin");
  g_assert_cmpstr (q->password, ==, "p&ss=w");
  g_assert_cmpstr (q->argument, ==, "tftp://h/f?x=1&y=2");

  swapped = prov_action_url_query_parse ("xpassword=pw&xuser=admin&", NULL);
  g_assert_cmpstr (swapped->user, ==, "admin");
  g_assert_cmpstr (swapped->password, ==, "pw");
  g_assert_cmpstr (swapped->argument, ==, "");

  only_user = prov_action_url_query_parse ("xuser=admin", NULL);
  g_assert_true (prov_action_url_query_has_credentials (only_user));
  g_assert_null (only_user->password);

  /* A pair after the rule started is part of the rule. */
  no_rule = prov_action_url_query_parse ("tftp://h/f&xuser=admin", NULL);
  g_assert_false (prov_action_url_query_has_credentials (no_rule));
  g_assert_cmpstr (no_rule->argument, ==, "tftp://h/f&xuser=admin");
}

static void
test_query_invalid (void)
{
  const char *bad[] = {
    "xuser=a&xuser=b&tftp://h/f", "xpassword=a&xpassword=b", "tftp://h/%zz", "a%00b",
    "a%0Ab", "xpassword=%0D", "a%FFb", "xuser=%",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ProvActionUrlQuery) q = prov_action_url_query_parse (bad[i], &error);

      g_test_message ("query %s", bad[i]);
      g_assert_null (q);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
    }
}

static void
test_secret_equal (void)
{
  g_assert_true (prov_action_url_secret_equal ("", ""));
  g_assert_true (prov_action_url_secret_equal ("s3cret", "s3cret"));
  g_assert_false (prov_action_url_secret_equal ("s3cret", "s3cre"));
  g_assert_false (prov_action_url_secret_equal ("s3cret", "s3creT"));
  g_assert_false (prov_action_url_secret_equal ("", "x"));
}

static void
test_nonce (void)
{
  guint8 key[PROV_ACTION_URL_NONCE_KEY_SIZE];
  guint8 other[PROV_ACTION_URL_NONCE_KEY_SIZE];
  gint64 t0 = 1000 * G_USEC_PER_SEC;
  g_autofree char *nonce = NULL;
  g_autofree char *tampered = NULL;
  gboolean stale = TRUE;

  memset (key, 0x5a, sizeof key);
  memset (other, 0xa5, sizeof other);
  nonce = prov_action_url_nonce_make (key, t0, 7);
  g_assert_true (prov_action_url_nonce_check (key, nonce, t0, &stale));
  g_assert_false (stale);
  g_assert_true (prov_action_url_nonce_check (key, nonce,
                                              t0 + PROV_ACTION_URL_NONCE_LIFETIME_US, &stale));

  /* Expired: refused, and said to be stale so that clients retry. */
  g_assert_false (prov_action_url_nonce_check (key, nonce,
                                               t0 + PROV_ACTION_URL_NONCE_LIFETIME_US + 1,
                                               &stale));
  g_assert_true (stale);

  /* Forged, foreign, from the future, malformed: refused, not stale. */
  g_assert_false (prov_action_url_nonce_check (other, nonce, t0, &stale));
  g_assert_false (stale);
  tampered = g_strdup (nonce);
  tampered[15] = tampered[15] == '0' ? '1' : '0';
  g_assert_false (prov_action_url_nonce_check (key, tampered, t0 + G_USEC_PER_SEC, &stale));
  g_assert_false (stale);
  g_assert_false (prov_action_url_nonce_check (key, nonce, t0 - 1, &stale));
  g_assert_false (prov_action_url_nonce_check (key, "12345", t0, &stale));
  g_assert_false (prov_action_url_nonce_check (key, NULL, t0, &stale));
  tampered[0] = 'g';
  g_assert_false (prov_action_url_nonce_check (key, tampered, t0, &stale));
}

static GPtrArray *
parse (const char *body, GError **error)
{
  return prov_action_url_execute_parse (body, strlen (body), error);
}

static ProvExecuteItem *
item_at (GPtrArray *items, guint i)
{
  return g_ptr_array_index (items, i);
}

/* The seed's example leaves the URL unquoted: read as if it were quoted. */
static void
test_execute_seed_unquoted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = parse ("<CP-8845-3PCCExecute>\n"
                                      " <ExecuteItem URL=Resync:http://127.0.0.1/$MA.cfg?a=1&b=2/>\n"
                                      " <ExecuteItem URL=Resync />\n"
                                      "</CP-8845-3PCCExecute>\n", &error);
  g_autoptr(GPtrArray) quote = NULL;
  g_autoptr(GPtrArray) inside = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (item_at (items, 0)->rule, ==, "http://127.0.0.1/$MA.cfg?a=1&b=2");
  g_assert_null (item_at (items, 1)->rule);

  /* Still refused: a quote inside a bare value, and markup it would hide. */
  quote = parse ("<CiscoIPPhoneExecute><ExecuteItem URL=Resync:a\"b/></CiscoIPPhoneExecute>",
                 &error);
  g_assert_null (quote);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  inside = parse ("<CiscoIPPhoneExecute><ExecuteItem URL=Resync:<x/>/></CiscoIPPhoneExecute>",
                  &error);
  g_assert_null (inside);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
}

static void
test_execute_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cp = NULL;
  g_autoptr(GPtrArray) cisco = NULL;
  g_autoptr(GPtrArray) form = NULL;

  cp = parse ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
              "<CP-8845-3PCCExecute>\n  <!-- c -->\n"
              "  <ExecuteItem URL=\"Resync:tftp://192.168.1.200/basic.txt\"/>\n"
              "  <ExecuteItem Priority=\"0\" URL=\"Resync\"/>\n"
              "  <ExecuteItem URL=\"resync: \"/>\n"
              "</CP-8845-3PCCExecute>", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cp->len, ==, 3);
  g_assert_cmpstr (item_at (cp, 0)->rule, ==, "tftp://192.168.1.200/basic.txt");
  g_assert_cmpstr (item_at (cp, 0)->url, ==, "Resync:tftp://192.168.1.200/basic.txt");
  g_assert_null (item_at (cp, 1)->rule);
  g_assert_null (item_at (cp, 2)->rule);

  cisco = parse ("  <CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:[--key &quot;k&quot;]"
                 "http://h/a&amp;b\"/></CiscoIPPhoneExecute>", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item_at (cisco, 0)->rule, ==, "[--key \"k\"]http://h/a&b");

  /* Cisco's CGI form: XML=<url-encoded object>, `+` for spaces. */
  form = parse ("XML=%3CCiscoIPPhoneExecute%3E%3CExecuteItem+URL%3D%22Resync%3Atftp%3A%2F%2Fh"
                "%2Ff.cfg%22%2F%3E%3C%2FCiscoIPPhoneExecute%3E", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item_at (form, 0)->rule, ==, "tftp://h/f.cfg");
}

static void
test_execute_invalid (void)
{
  const char *bad[] = {
    "",
    "XML=",
    "hello",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"/>",
    "<CiscoIPPhoneExecute/>",
    "<CiscoIPPhoneText><ExecuteItem URL=\"Resync\"/></CiscoIPPhoneText>",
    "<CP--3PCCExecute><ExecuteItem URL=\"Resync\"/></CP--3PCCExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Key:Services\"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"/><ExecuteItem URL=\"http://h/x\"/>"
    "</CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><Item URL=\"Resync\"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"/><ExecuteItem URL=\"Resync\"/>"
    "<ExecuteItem URL=\"Resync\"/><ExecuteItem URL=\"Resync\"/></CiscoIPPhoneExecute>",
    /* DTDs in any form: internal entities, external ones, bombs */
    "<!DOCTYPE CiscoIPPhoneExecute><CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"/>"
    "</CiscoIPPhoneExecute>",
    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY r \"Resync\">]><CiscoIPPhoneExecute>"
    "<ExecuteItem URL=\"&r;\"/></CiscoIPPhoneExecute>",
    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><CiscoIPPhoneExecute>"
    "<ExecuteItem URL=\"Resync:&e;\"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:&undefined;\"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:http://h/a&#10;b\"/></CiscoIPPhoneExecute>",
    "XML=%3C%21DOCTYPE+x%3E%3CCiscoIPPhoneExecute%3E%3CExecuteItem+URL%3D%22Resync%22%2F%3E"
    "%3C%2FCiscoIPPhoneExecute%3E",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) items = parse (bad[i], &error);

      g_test_message ("body %s", bad[i]);
      g_assert_null (items);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
    }
}

static void
test_execute_encodings (void)
{
  /* UTF-16 with a BOM, Latin-1 bytes and a NUL: refused before parsing. */
  const char utf16[] = "\xff\xfe<\0C\0/\0>\0";
  const char latin1[] = "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:\xe9\"/>"
                        "</CiscoIPPhoneExecute>";
  const char nul[] = "<CiscoIPPhoneExecute>\0</CiscoIPPhoneExecute>";
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;

  g_assert_null (prov_action_url_execute_parse (utf16, sizeof utf16 - 1, &e1));
  g_assert_error (e1, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
  g_assert_null (prov_action_url_execute_parse (latin1, sizeof latin1 - 1, &e2));
  g_assert_error (e2, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
  g_assert_null (prov_action_url_execute_parse (nul, sizeof nul - 1, &e3));
  g_assert_error (e3, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
}

static xmlDoc *
read_doc (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  xmlDoc *doc = xmlReadMemory (data, len, NULL, NULL, XML_PARSE_NONET);

  g_assert_nonnull (doc);
  return doc;
}

static char *
attr (xmlNode *node, const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
  char *copy = g_strdup ((const char *) value);

  xmlFree (value);
  return copy;
}

static void
test_execute_documents (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = parse ("<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:http://h/"
                                      "a?x=1&amp;y=&quot;&lt;\"/></CiscoIPPhoneExecute>", &error);
  g_autoptr(GBytes) response = prov_action_url_execute_response (items);
  g_autoptr(GBytes) failure = prov_action_url_execute_error ("bad <thing> & more");
  xmlDoc *doc = read_doc (response);
  xmlNode *root = xmlDocGetRootElement (doc);
  xmlNode *item = xmlFirstElementChild (root);
  g_autofree char *status = attr (item, "Status");
  g_autofree char *data = attr (item, "Data");
  g_autofree char *url = attr (item, "URL");
  g_autofree char *number = NULL;
  xmlChar *text;

  g_assert_cmpstr ((const char *) root->name, ==, "CiscoIPPhoneResponse");
  g_assert_cmpstr ((const char *) item->name, ==, "ResponseItem");
  g_assert_cmpstr (status, ==, "0");
  g_assert_cmpstr (data, ==, "Success");
  g_assert_cmpstr (url, ==, "Resync:http://h/a?x=1&y=\"<");
  xmlFreeDoc (doc);

  doc = read_doc (failure);
  root = xmlDocGetRootElement (doc);
  number = attr (root, "Number");
  text = xmlNodeGetContent (root);
  g_assert_cmpstr ((const char *) root->name, ==, "CiscoIPPhoneError");
  g_assert_cmpstr (number, ==, "1");
  g_assert_cmpstr ((const char *) text, ==, "bad <thing> & more");
  xmlFree (text);
  xmlFreeDoc (doc);
}

static void
test_mask_url (void)
{
  const char *cases[][2] = {
    { "tftp://192.168.1.200/basic.txt", "tftp://192.168.1.200/basic.txt" },
    { "http://user:pa55@h/p.xml", "http://user:…@h/p.xml" },
    { "http://user@h/p.xml", "http://user@h/p.xml" },
    { "[--key mykey --uid u]http://h/p", "[--key … --uid …]http://h/p" },
    { "[--pwd xy[z]w]http://h/p", "[--pwd …]http://h/p" },
    { "[--pwd \"a b\\\" c\"]https://h/p", "[--pwd \"…\"]https://h/p" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = prov_action_url_mask_url (cases[i][0]);

      g_assert_cmpstr (masked, ==, cases[i][1]);
    }
}

static void
test_status_document (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("prov-action-url-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "status.ini", NULL);
  g_autoptr(ProvStatus) status = prov_status_new (path);
  ProvStatusEntry ok = { 1714564800, PROV_CAUSE_EXPLICIT, (char *) "tftp://h:69/basic.txt",
                         PROV_OUTCOME_SUCCESS, NULL, 3 };
  ProvStatusEntry failed = { 1714564900, PROV_CAUSE_PERIODIC,
                             (char *) "[--key topsecret]http://u:pw-in-url@h/p",
                             PROV_OUTCOME_TRANSPORT, (char *) "timeout", 0 };
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(GBytes) full = NULL;
  xmlDoc *doc;
  xmlNode *node;
  g_autofree char *time_text = NULL;
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  const char *text;

  g_assert_no_error (error);
  empty = prov_action_url_status_document (status);
  doc = read_doc (empty);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "ProvisionStatus");
  g_assert_null (xmlFirstElementChild (xmlDocGetRootElement (doc)));
  xmlFreeDoc (doc);

  prov_status_add_resync (status, &ok);
  prov_status_add_resync (status, &failed);
  prov_status_add_upgrade (status, &ok);
  full = prov_action_url_status_document (status);
  text = g_bytes_get_data (full, NULL);
  g_assert_null (g_strstr_len (text, g_bytes_get_size (full), "topsecret"));
  g_assert_null (g_strstr_len (text, g_bytes_get_size (full), "pw-in-url"));
  doc = read_doc (full);
  node = xmlFirstElementChild (xmlDocGetRootElement (doc));
  /* Newest first. */
  g_assert_cmpstr ((const char *) node->name, ==, "Resync");
  url = attr (node, "url");
  err = attr (node, "error");
  g_assert_cmpstr (url, ==, "[--key …]http://u:…@h/p");
  g_assert_cmpstr (err, ==, "timeout");
  node = xmlNextElementSibling (node);
  time_text = attr (node, "time");
  g_assert_cmpstr (time_text, ==, "2024-05-01T12:00:00Z");
  node = xmlNextElementSibling (node);
  g_assert_cmpstr ((const char *) node->name, ==, "Upgrade");
  g_assert_null (xmlNextElementSibling (node));
  xmlFreeDoc (doc);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/action-url/query/plain", test_query_plain },
    { "/action-url/query/credentials", test_query_credentials },
    { "/action-url/query/invalid", test_query_invalid },
    { "/action-url/secret-equal", test_secret_equal },
    { "/action-url/nonce", test_nonce },
    { "/action-url/execute/valid", test_execute_valid },
    { "/action-url/execute/seed-unquoted", test_execute_seed_unquoted },
    { "/action-url/execute/invalid", test_execute_invalid },
    { "/action-url/execute/encodings", test_execute_encodings },
    { "/action-url/execute/documents", test_execute_documents },
    { "/action-url/mask-url", test_mask_url },
    { "/action-url/status-document", test_status_document },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
