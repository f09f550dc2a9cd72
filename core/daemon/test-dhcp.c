/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-dhcp.h"
#include "prov-parse-steps.h"

#define ORDER "66,160,159,150,60,43,125"

static char *
choose (const char *order, const char *text)
{
  g_autoptr(GVariant) options = g_variant_ref_sink (g_variant_new_parsed (text));
  return prov_dhcp_choose_server (options, order);
}

static void
assert_choice (const char *order, const char *text, const char *expected)
{
  g_autofree char *server = choose (order, text);
  g_assert_cmpstr (server, ==, expected);
}

static void
test_order (void)
{
  /* The first code of the order that names a server wins, not the lowest. */
  assert_choice (ORDER, "{uint32 150: '10.0.0.1', 66: 'tftp.example.com'}", "tftp.example.com");
  assert_choice ("160,66", "{uint32 66: 'tftp.example.com', 160: 'https://p.example.com/dir'}",
                 "https://p.example.com/dir");
  assert_choice ("150,66", "{uint32 66: 'tftp.example.com', 150: '10.0.0.1'}", "10.0.0.1");
  /* Codes outside the order are ignored. */
  assert_choice ("66", "{uint32 150: '10.0.0.1'}", NULL);
  assert_choice (ORDER, "@a{us} {}", NULL);
  /* Vendor options name no server. */
  assert_choice ("43,66", "{uint32 43: 'vendor', 66: 'h.example'}", "h.example");
  /* Tokens that are no option code are skipped. */
  assert_choice ("x, 66", "{uint32 66: ' h.example '}", "h.example");
}

static void
test_option_150 (void)
{
  assert_choice ("150", "{uint32 150: '10.0.0.1,10.0.0.2'}", "10.0.0.1");
  assert_choice ("150", "{uint32 150: ' 192.168.1.200 , 10.0.0.2 '}", "192.168.1.200");
  /* A malformed list is passed over as a whole. */
  assert_choice ("150,66", "{uint32 150: '10.0.0.1,nonsense', 66: 'h.example'}", "h.example");
  assert_choice ("150", "{uint32 150: '10.0.0'}", NULL);
  assert_choice ("150", "{uint32 150: '::1'}", NULL);
  assert_choice ("150", "{uint32 150: ''}", NULL);
}

static void
test_malformed (void)
{
  assert_choice ("160,159,66", "{uint32 160: '', 159: 'a b', 66: 'ok.example'}", "ok.example");
  assert_choice ("66", "{uint32 66: 'bad host!'}", NULL);
  assert_choice ("159", "{uint32 159: 'http://[::1]:8080/p'}", "http://[::1]:8080/p");
}

/* Issue 12: each repetition of a code in a long DHCP_Option_To_Use looked
 * the option up and parsed its value again. The work counted at n and 2n
 * repetitions must not grow: each code is tried once. */
static void
test_repeated_codes (void)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GVariant) options = NULL;
  guint64 steps[2];

  for (guint i = 0; i < 200; i++)
    g_string_append (list, "10.0.0.1,");
  g_string_append (list, "nonsense");
  options = g_variant_ref_sink (g_variant_new_parsed ("{uint32 150: %s, 66: 'bad host!'}",
                                                      list->str));
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GString) order = g_string_new (NULL);
      g_autofree char *server = NULL;
      guint64 before;

      for (guint i = 0; i < (5000u << k); i++)
        g_string_append (order, "150,66,");
      before = prov_parse_steps;
      server = prov_dhcp_choose_server (options, order->str);
      steps[k] = prov_parse_steps - before;
      g_assert_null (server);
    }
  g_test_message ("%" G_GUINT64_FORMAT " steps at n, %" G_GUINT64_FORMAT " at 2n", steps[0],
                  steps[1]);
  g_assert_cmpuint (steps[1], ==, steps[0]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dhcp/order", test_order);
  g_test_add_func ("/dhcp/option-150", test_option_150);
  g_test_add_func ("/dhcp/malformed", test_malformed);
  g_test_add_func ("/dhcp/repeated-codes", test_repeated_codes);
  return g_test_run ();
}
