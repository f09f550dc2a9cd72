/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>

#include "prov-error.h"
#include "prov-profile.h"
#include "prov-test.h"

/* The push parser, fed @len bytes in pieces of @piece bytes, as a
 * transport delivers them. */
static ProvProfile *
parse_streamed (const char *xml, gsize len, gsize piece, const ProvProfileLimits *limits,
                GError **error)
{
  g_autoptr (ProvProfileParser) parser = prov_profile_parser_new (limits);

  for (gsize done = 0; done < len; done += piece)
    if (!prov_profile_parser_feed (parser, xml + done, MIN (piece, len - done), error))
      return NULL;
  return prov_profile_parser_finish (parser, error);
}

static const gsize pieces[] = { 1, 7, 4096 };

static void
copy_entry (const ProvProfileEntry *e, gpointer user_data)
{
  GPtrArray *got = user_data;

  g_ptr_array_add (got, g_strdup_printf ("%s=%s ua=%d line=%u", e->name,
                                         e->value != NULL ? e->value : "(kept)", e->access,
                                         e->line));
}

/* Streamed in any pieces, a profile gives the same entries and warnings. */
static void
assert_same_streamed (const char *xml, ProvProfile *whole)
{
  for (guint p = 0; p < G_N_ELEMENTS (pieces); p++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvProfile) streamed = parse_streamed (xml, strlen (xml), pieces[p], NULL,
                                                          &error);
      GPtrArray *w1, *w2;

      g_assert_no_error (error);
      g_assert_cmpuint (prov_profile_get_n_entries (streamed), ==,
                        prov_profile_get_n_entries (whole));
      for (guint i = 0; i < prov_profile_get_n_entries (whole); i++)
        {
          const ProvProfileEntry *a = prov_profile_get_entry (whole, i);
          const ProvProfileEntry *b = prov_profile_get_entry (streamed, i);

          g_assert_cmpstr (a->name, ==, b->name);
          g_assert_cmpstr (a->value, ==, b->value);
          g_assert_cmpint (a->access, ==, b->access);
          g_assert_cmpuint (a->line, ==, b->line);
        }
      w1 = prov_profile_get_warnings (whole);
      w2 = prov_profile_get_warnings (streamed);
      g_assert_cmpuint (w1->len, ==, w2->len);
      for (guint i = 0; i < w1->len; i++)
        g_assert_cmpstr (w1->pdata[i], ==, w2->pdata[i]);
    }

  /* Handed out one by one instead, the same entries in the same order. */
  {
    g_autoptr (ProvProfileParser) parser = prov_profile_parser_new (NULL);
    g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (ProvProfile) streamed = NULL;
    g_autoptr (GError) error = NULL;

    prov_profile_parser_set_entry_func (parser, copy_entry, got);
    g_assert_true (prov_profile_parser_feed (parser, xml, strlen (xml), &error));
    streamed = prov_profile_parser_finish (parser, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (prov_profile_get_n_entries (streamed), ==, 0);
    g_assert_cmpuint (got->len, ==, prov_profile_get_n_entries (whole));
    for (guint i = 0; i < got->len; i++)
      {
        g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func (g_free);

        copy_entry (prov_profile_get_entry (whole, i), one);
        g_assert_cmpstr (got->pdata[i], ==, one->pdata[0]);
      }
  }
}

static ProvProfile *
parse_ok (const char *xml)
{
  g_autoptr (GError) error = NULL;
  ProvProfile *profile = prov_profile_parse (xml, strlen (xml), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  assert_same_streamed (xml, profile);
  return profile;
}

/* Asserts a CORRUPT error whose message contains every given fragment. */
static void
assert_refused_len (const char *xml, gsize len, const ProvProfileLimits *limits,
                    const char *fragment1, const char *fragment2)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvProfile) profile = prov_profile_parse (xml, len, limits, &error);

  g_assert_null (profile);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_test_message ("refused: %s", error->message);
  g_assert_null (strchr (error->message, '\n'));
  if (fragment1 != NULL && strstr (error->message, fragment1) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, fragment1);
  if (fragment2 != NULL && strstr (error->message, fragment2) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, fragment2);

  /* Streamed, it is refused all the same, whatever the pieces. */
  for (guint p = 0; p < G_N_ELEMENTS (pieces); p++)
    {
      g_autoptr (GError) streamed_error = NULL;
      g_autoptr (ProvProfile) streamed = parse_streamed (xml, len, pieces[p], limits,
                                                          &streamed_error);

      g_assert_null (streamed);
      g_assert_error (streamed_error, PROV_ERROR, PROV_ERROR_CORRUPT);
      g_test_message ("refused streamed in %" G_GSIZE_FORMAT ": %s", pieces[p],
                      streamed_error->message);
    }
}

/* A transfer cut short (TFTP cannot tell) is called that, streamed too,
 * and the size bound counts the pieces as they come. */
static void
test_streamed_refusals (void)
{
  const char *cut = "<flat-profile>\n<A>1</A>\n<B>2";
  const char *big = "<flat-profile><A>1</A></flat-profile>";
  ProvProfileLimits limits = { .max_size = 20 };

  for (guint p = 0; p < G_N_ELEMENTS (pieces); p++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ProvProfile) profile = parse_streamed (cut, strlen (cut), pieces[p], NULL,
                                                        &error);

      g_assert_null (profile);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
      g_assert_cmpstr (error->message, ==,
                       "line 3: Premature end of data, 2 elements still open");
      g_clear_error (&error);
      profile = parse_streamed (big, strlen (big), pieces[p], &limits, &error);
      g_assert_null (profile);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
      g_assert_cmpstr (error->message, ==, "profile over the limit of 20 bytes");
    }
}

static void
assert_refused (const char *xml, const char *fragment1, const char *fragment2)
{
  assert_refused_len (xml, strlen (xml), NULL, fragment1, fragment2);
}

static gboolean
has_entry (ProvProfile *profile, const char *name)
{
  for (guint i = 0; i < prov_profile_get_n_entries (profile); i++)
    if (strcmp (prov_profile_get_entry (profile, i)->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* The last entry named @name, which must exist. */
static const ProvProfileEntry *
find_last (ProvProfile *profile, const char *name)
{
  for (guint i = prov_profile_get_n_entries (profile); i-- > 0;)
    {
      const ProvProfileEntry *entry = prov_profile_get_entry (profile, i);

      if (strcmp (entry->name, name) == 0)
        return entry;
    }
  g_error ("no entry named %s", name);
}

static void
test_spec_example (void)
{
  const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<device>\n"
                    "  <flat-profile>\n"
                    "    <GPP_A ua=\"na\">12345678</GPP_A>\n"
                    "    <Profile_Rule_B>tftp://192.168.1.200/basic2.txt</Profile_Rule_B>\n"
                    "    <Station_Name ua=\"rw\" preserve-value=\"y\">Front desk</Station_Name>\n"
                    "    <Dial_Plan_1_>(S0 &lt;:18005551212&gt;)</Dial_Plan_1_>\n"
                    "    <Speed_Dial_2_ ua=\"rw\"/>\n"
                    "  </flat-profile>\n"
                    "</device>\n";
  g_autoptr (ProvProfile) profile = parse_ok (xml);
  const ProvProfileEntry *e;

  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 5);

  e = prov_profile_get_entry (profile, 0);
  g_assert_cmpstr (e->name, ==, "GPP_A");
  g_assert_cmpstr (e->value, ==, "12345678");
  g_assert_cmpint (e->access, ==, PROV_ACCESS_NA);
  g_assert_cmpuint (e->line, ==, 4);

  e = prov_profile_get_entry (profile, 1);
  g_assert_cmpstr (e->name, ==, "Profile_Rule_B");
  g_assert_cmpint (e->access, ==, PROV_ACCESS_UNSET);

  e = prov_profile_get_entry (profile, 2);
  g_assert_cmpstr (e->name, ==, "Station_Name");
  g_assert_null (e->value);
  g_assert_cmpint (e->access, ==, PROV_ACCESS_RW);

  g_assert_cmpstr (prov_profile_lookup (profile, "Dial_Plan_1_"), ==, "(S0 <:18005551212>)");

  e = prov_profile_get_entry (profile, 4);
  g_assert_cmpstr (e->name, ==, "Speed_Dial_2_");
  g_assert_null (e->value);
  g_assert_cmpint (e->access, ==, PROV_ACCESS_RW);
  g_assert_cmpuint (e->line, ==, 8);
}

static void
test_depth_and_several (void)
{
  g_autoptr (ProvProfile) profile = NULL;

  profile = parse_ok ("<a><b x='1'><c><flat-profile><A>1</A></flat-profile></c></b>"
                      "<Outside>no</Outside><flat-profile><B>2</B></flat-profile></a>");
  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 2);
  g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "1");
  g_assert_cmpstr (prov_profile_lookup (profile, "B"), ==, "2");
  g_assert_false (has_entry (profile, "Outside"));
  g_assert_false (has_entry (profile, "c"));

  /* An empty flat-profile is a valid profile with nothing in it. */
  g_clear_pointer (&profile, prov_profile_free);
  profile = parse_ok ("<flat-profile/>");
  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 0);
  g_assert_null (prov_profile_lookup (profile, "A"));
}

static void
test_namespaces (void)
{
  g_autoptr (ProvProfile) profile = NULL;

  profile = parse_ok ("<flat-profile xmlns=\"http://www.sipura.net/xsd/SPA50x-30x-SIP\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                      "xsi:schemaLocation=\"http://www.sipura.net/xsd/SPA50x-30x-SIP x.xsd\">"
                      "<Proxy_1_ ua=\"na\" group=\"Ext_1/Proxy\">127.0.0.1</Proxy_1_>"
                      "<A xsi:type=\"x\" xmlns:q=\"urn:q\" q:ua=\"bogus\">a</A>"
                      "</flat-profile>");
  g_assert_cmpstr (prov_profile_lookup (profile, "Proxy_1_"), ==, "127.0.0.1");
  g_assert_cmpint (find_last (profile, "Proxy_1_")->access, ==, PROV_ACCESS_NA);
  /* A prefixed `ua` is someone else's attribute. */
  g_assert_cmpint (find_last (profile, "A")->access, ==, PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "a");

  g_clear_pointer (&profile, prov_profile_free);
  profile = parse_ok ("<p:device xmlns:p=\"urn:x\"><p:flat-profile><p:GPP_B>b</p:GPP_B>"
                      "</p:flat-profile></p:device>");
  g_assert_cmpstr (prov_profile_lookup (profile, "GPP_B"), ==, "b");
  g_assert_null (prov_profile_lookup (profile, "p:GPP_B"));
}

static void
test_groups (void)
{
  const char *xml = "<flat-profile>\n"
                    "<Time_Zone>GMT-05:00</Time_Zone>\n"
                    "<router-configuration ua=\"na\">stray\n"
                    "  <Time_Setup>\n"
                    "    <Time_Zone>+01 2 2</Time_Zone>\n"
                    "  </Time_Setup>more stray\n"
                    "  <Web_Login>admin</Web_Login><Empty/>\n"
                    "</router-configuration>\n"
                    "<After>x</After>\n"
                    "<EmptyGroup></EmptyGroup>\n"
                    "</flat-profile>";
  g_autoptr (ProvProfile) profile = parse_ok (xml);
  const ProvProfileEntry *e;

  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 6);
  g_assert_cmpstr (prov_profile_lookup (profile, "Time_Zone"), ==, "GMT-05:00");
  g_assert_cmpstr (prov_profile_lookup (profile, "router-configuration/Time_Setup/Time_Zone"), ==,
                   "+01 2 2");
  g_assert_cmpstr (prov_profile_lookup (profile, "router-configuration/Web_Login"), ==, "admin");
  g_assert_false (has_entry (profile, "router-configuration"));
  g_assert_false (has_entry (profile, "router-configuration/Time_Setup"));
  e = find_last (profile, "router-configuration/Empty");
  g_assert_null (e->value);
  g_assert_cmpuint (find_last (profile, "router-configuration/Time_Setup/Time_Zone")->line, ==, 5);
  g_assert_cmpstr (prov_profile_lookup (profile, "After"), ==, "x");
  /* Without element children it is an ordinary empty parameter. */
  g_assert_cmpstr (prov_profile_lookup (profile, "EmptyGroup"), ==, "");

  /* Document order, groups included. */
  g_assert_cmpstr (prov_profile_get_entry (profile, 0)->name, ==, "Time_Zone");
  g_assert_cmpstr (prov_profile_get_entry (profile, 1)->name, ==,
                   "router-configuration/Time_Setup/Time_Zone");
  g_assert_cmpstr (prov_profile_get_entry (profile, 4)->name, ==, "After");
}

static void
test_trim_fold (void)
{
  g_autoptr (ProvProfile) profile = parse_ok (
    "<flat-profile>"
    "<A>  \t value \t </A>"
    "<B>\n    (1xxx[2-9]xxxxxxS0\n     |[*#x]x.)\n</B>"
    "<C>two  spaces\tand tab</C>"
    "<D>a \t\n\n \t b</D>"
    "<E>a&#13;&#10;b&#13;c</E>"
    "<F> </F>"
    "<G>\n\t\n</G>"
    "<H>&#160;nbsp&#160;</H>"
    "</flat-profile>");

  g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "value");
  g_assert_cmpstr (prov_profile_lookup (profile, "B"), ==, "(1xxx[2-9]xxxxxxS0 |[*#x]x.)");
  g_assert_cmpstr (prov_profile_lookup (profile, "C"), ==, "two  spaces\tand tab");
  g_assert_cmpstr (prov_profile_lookup (profile, "D"), ==, "a b");
  g_assert_cmpstr (prov_profile_lookup (profile, "E"), ==, "a b c");
  g_assert_cmpstr (prov_profile_lookup (profile, "F"), ==, "");
  g_assert_cmpstr (prov_profile_lookup (profile, "G"), ==, "");
  /* Only XML white space is trimmed. */
  g_assert_cmpstr (prov_profile_lookup (profile, "H"), ==, "\xc2\xa0nbsp\xc2\xa0");
}

static void
test_entities (void)
{
  g_autoptr (ProvProfile) profile = parse_ok (
    "<flat-profile>"
    "<A>Sales &amp; Support</A>"
    "<B>&lt;:1352&gt;[2-9]xxxxxx &quot;q&quot; &apos;s&apos;</B>"
    "<C>caf&#233; &#x20AC;</C>"
    "<D ua=\"&#114;w\">x</D>"
    "</flat-profile>");

  g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "Sales & Support");
  g_assert_cmpstr (prov_profile_lookup (profile, "B"), ==, "<:1352>[2-9]xxxxxx \"q\" 's'");
  g_assert_cmpstr (prov_profile_lookup (profile, "C"), ==, "caf\xc3\xa9 \xe2\x82\xac");
  g_assert_cmpint (find_last (profile, "D")->access, ==, PROV_ACCESS_RW);

  assert_refused ("<flat-profile>\n<A>&undefined;</A></flat-profile>", "line 2:", "undefined");
}

static void
test_empty_vs_self_closing (void)
{
  g_autoptr (ProvProfile) profile = parse_ok ("<flat-profile>\n"
                                              "<A></A>\n"
                                              "<B/>\n"
                                              "<C />\n"
                                              "<D ua=\"rw\"/>\n"
                                              "<E\n  ua=\"ro\"\n  />\n"
                                              "<F ua=\"rw\"></F>\n"
                                              "<G a=\"/\" b='/>'></G>\n"
                                              "<H><!----></H>\n"
                                              "</flat-profile>");
  const ProvProfileEntry *e;

  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 8);
  g_assert_cmpstr (find_last (profile, "A")->value, ==, "");
  g_assert_null (find_last (profile, "B")->value);
  g_assert_null (find_last (profile, "C")->value);
  e = find_last (profile, "D");
  g_assert_null (e->value);
  g_assert_cmpint (e->access, ==, PROV_ACCESS_RW);
  e = find_last (profile, "E");
  g_assert_null (e->value);
  g_assert_cmpint (e->access, ==, PROV_ACCESS_RO);
  g_assert_cmpuint (e->line, ==, 6);
  e = find_last (profile, "F");
  g_assert_cmpstr (e->value, ==, "");
  g_assert_cmpint (e->access, ==, PROV_ACCESS_RW);
  g_assert_cmpstr (find_last (profile, "G")->value, ==, "");
  g_assert_cmpstr (find_last (profile, "H")->value, ==, "");
}

static void
test_preserve_value (void)
{
  g_autoptr (ProvProfile) profile = parse_ok (
    "<flat-profile>"
    "<A ua=\"ro\" preserve-value=\"y\">kept</A>"
    "<B preserve-value=\"n\">set</B>"
    "<C preserve-value=\"y\"></C>"
    "</flat-profile>");
  const ProvProfileEntry *e = find_last (profile, "A");

  g_assert_null (e->value);
  g_assert_cmpint (e->access, ==, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_profile_lookup (profile, "B"), ==, "set");
  g_assert_null (find_last (profile, "C")->value);
}

static void
test_ua (void)
{
  g_autoptr (ProvProfile) profile = parse_ok (
    "<flat-profile><A ua=\"na\">1</A><B ua=\"ro\">2</B><C ua=\"rw\">3</C><D>4</D>"
    "<E group=\"x\" ua=\"na\" >5</E></flat-profile>");

  g_assert_cmpint (find_last (profile, "A")->access, ==, PROV_ACCESS_NA);
  g_assert_cmpint (find_last (profile, "B")->access, ==, PROV_ACCESS_RO);
  g_assert_cmpint (find_last (profile, "C")->access, ==, PROV_ACCESS_RW);
  g_assert_cmpint (find_last (profile, "D")->access, ==, PROV_ACCESS_UNSET);
  g_assert_cmpint (find_last (profile, "E")->access, ==, PROV_ACCESS_NA);

}

/* SPEC §2.1: an unknown ua value (real templates ship ua="ua") or an
 * unknown attribute costs a warning naming the line, not the profile. */
static void
test_ua_warnings (void)
{
  g_autoptr (ProvProfile) profile = parse_ok (
    "<flat-profile>\n<A>1</A>\n<Bad_Param ua=\"RW\">x</Bad_Param>\n"
    "<B ua=\"\">2</B><C ua=\"rwx\"/>\n<D ua=\"ua\" colour=\"red\" group=\"g\">4</D>\n"
    "</flat-profile>");
  GPtrArray *warnings = prov_profile_get_warnings (profile);
  g_autoptr (GString) many = g_string_new ("<flat-profile>");

  g_assert_cmpstr (prov_profile_lookup (profile, "Bad_Param"), ==, "x");
  g_assert_cmpint (find_last (profile, "Bad_Param")->access, ==, PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_profile_lookup (profile, "B"), ==, "2");
  g_assert_null (find_last (profile, "C")->value);
  g_assert_cmpint (find_last (profile, "C")->access, ==, PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_profile_lookup (profile, "D"), ==, "4");
  g_assert_cmpuint (warnings->len, ==, 5);
  g_assert_cmpstr (warnings->pdata[0], ==,
                   "line 3: invalid ua=\"RW\" on Bad_Param ignored (na, ro or rw expected)");
  g_assert_cmpstr (warnings->pdata[1], ==,
                   "line 4: invalid ua=\"\" on B ignored (na, ro or rw expected)");
  g_assert_true (g_str_has_prefix (warnings->pdata[2], "line 4: invalid ua=\"rwx\" on C"));
  g_assert_true (g_str_has_prefix (warnings->pdata[3], "line 5: invalid ua=\"ua\" on D"));
  g_assert_cmpstr (warnings->pdata[4], ==, "line 5: unknown attribute colour on D ignored");

  /* Bounded, whatever the profile. */
  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (many, "<P%u ua=\"x\">v</P%u>", i, i);
  g_string_append (many, "</flat-profile>");
  g_clear_pointer (&profile, prov_profile_free);
  profile = parse_ok (many->str);
  warnings = prov_profile_get_warnings (profile);
  g_assert_cmpuint (warnings->len, ==, 101);
  g_assert_cmpstr (warnings->pdata[100], ==, "900 more warnings not shown");
  g_assert_cmpstr (prov_profile_lookup (profile, "P999"), ==, "v");
}

static void
test_last_wins (void)
{
  g_autoptr (ProvProfile) profile = parse_ok ("<flat-profile>"
                                              "<VLAN_ID ua=\"na\">1</VLAN_ID>"
                                              "<Other>o</Other>"
                                              "<VLAN_ID>20</VLAN_ID>"
                                              "<Kept>old</Kept><Kept/>"
                                              "</flat-profile>");

  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 5);
  g_assert_cmpstr (prov_profile_lookup (profile, "VLAN_ID"), ==, "20");
  g_assert_cmpstr (prov_profile_get_entry (profile, 0)->value, ==, "1");
  /* The last occurrence keeps the value, so there is none to report. */
  g_assert_null (prov_profile_lookup (profile, "Kept"));
  g_assert_null (prov_profile_lookup (profile, "Missing"));
}

static void
test_stray_comments_cdata (void)
{
  g_autoptr (ProvProfile) profile = parse_ok (
    "<!-- leading comment --><?pi data?>\n"
    "<flat-profile>\n"
    "Parametersfor ProvisioningTab\n"
    "<A>ab<!-- comment -->cd</A> trailing text\n"
    "<!--<B>commented out</B>-->\n"
    "<C><![CDATA[<x> & y]]></C>\n"
    "<D>pre <![CDATA[ in ]]> post</D>\n"
    "<E><?ignored pi?>e</E>\n"
    "</flat-profile>");

  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 4);
  g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "abcd");
  g_assert_false (has_entry (profile, "B"));
  g_assert_cmpstr (prov_profile_lookup (profile, "C"), ==, "<x> & y");
  g_assert_cmpstr (prov_profile_lookup (profile, "D"), ==, "pre  in  post");
  g_assert_cmpstr (prov_profile_lookup (profile, "E"), ==, "e");
}

static void
test_encodings (void)
{
  g_autoptr (ProvProfile) profile = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *utf16 = NULL;
  gsize utf16_len = 0;
  const char *latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                       "<flat-profile><Station_Name>caf\xe9 H\xe9l\xe8ne</Station_Name>"
                       "</flat-profile>";
  const char *bom = "\xef\xbb\xbf<?xml version=\"1.0\"?>"
                    "<flat-profile><A>\xc3\xa9</A></flat-profile>";
  const char *crlf = "<flat-profile>\r\n<A>x</A>\r\n<B>l1 \r\n l2</B>\r\n<C ua=\"rw\"\r\n/>\r\n"
                     "</flat-profile>\r\n";

  profile = parse_ok (latin1);
  g_assert_cmpstr (prov_profile_lookup (profile, "Station_Name"), ==,
                   "caf\xc3\xa9 H\xc3\xa9l\xc3\xa8ne");

  g_clear_pointer (&profile, prov_profile_free);
  profile = parse_ok (bom);
  g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "\xc3\xa9");

  g_clear_pointer (&profile, prov_profile_free);
  profile = parse_ok (crlf);
  g_assert_cmpstr (prov_profile_lookup (profile, "B"), ==, "l1 l2");
  g_assert_cmpuint (find_last (profile, "B")->line, ==, 3);
  g_assert_null (find_last (profile, "C")->value);
  g_assert_cmpuint (find_last (profile, "C")->line, ==, 5);

  /* UTF-16 with a BOM has NUL bytes, legitimately. */
  utf16 = g_convert ("\xef\xbb\xbf<flat-profile><A>\xc3\xa9t\xc3\xa9</A></flat-profile>", -1,
                     "UTF-16LE", "UTF-8", NULL, &utf16_len, &error);
  g_assert_no_error (error);
  g_clear_pointer (&profile, prov_profile_free);
  profile = prov_profile_parse (utf16, utf16_len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "\xc3\xa9t\xc3\xa9");

  /* Declared UTF-8 but is not. */
  assert_refused ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile><A>caf\xe9</A>"
                  "</flat-profile>",
                  "line 2:", NULL);
  assert_refused ("<?xml version=\"1.0\" encoding=\"X-NO-SUCH\"?><flat-profile/>", "line 1:",
                  "X-NO-SUCH");
}

static void
test_malformed (void)
{
  assert_refused ("<flat-profile>\n<GPP_A>1</GPP_B>\n</flat-profile>", "line 2:",
                  "Opening and ending tag mismatch");
  /* The unclosed comment must not be "recovered" into a partial profile. */
  assert_refused ("<flat-profile><A>1</A><!-- <B>2</B></flat-profile>", "line 1:", "omment");
  assert_refused ("<flat-profile>\n<A>1</A>\n<!--<B>\n<C>x</C><!--x-->\n</flat-profile>",
                  "line 4:", "hyphen");
  assert_refused ("<flat-profile><A>1</A>", "line 1:", NULL);
  assert_refused ("<flat-profile><A>1</A></flat-profile><flat-profile/>", "line 1:", "Extra");
  assert_refused ("<flat-profile><A x='1' x='2'>1</A></flat-profile>", "line 1:", "x");
  assert_refused ("<flat-profile><A>a < b</A></flat-profile>", "line 1:", NULL);
  assert_refused ("<flat-profile><A>a & b</A></flat-profile>", "line 1:", NULL);
  assert_refused ("just text", "line 1:", NULL);
  assert_refused ("   \n  ", "line ", NULL);
  assert_refused ("<flat-profile>\n<A>\x01</A></flat-profile>", "line 2:", NULL);
}

static void
test_empty_and_nul (void)
{
  static const char with_nul[] = "<flat-profile><A>1</A></flat-profile>\n\0<B>2</B>";
  static const char nul_in_value[] = "<flat-profile>\n<A>1\0</A></flat-profile>";

  assert_refused_len ("", 0, NULL, "line 1:", "empty");
  assert_refused_len (with_nul, sizeof with_nul - 1, NULL, "line 2:", "NUL");
  assert_refused_len (nul_in_value, sizeof nul_in_value - 1, NULL, "line 2:", "NUL");
}

/* Issue 12: in UTF-16 or UCS-4 a NUL character ended the document for
 * libxml2 and what followed it was silently dropped; the first part was
 * applied. Refused like a NUL in UTF-8, with its line. */
static void
test_wide_nul (void)
{
  static const char after[] = "\xef\xbb\xbf<flat-profile><A>1</A></flat-profile>\n"
                              "\0<flat-profile><B>2</B></flat-profile>";
  static const char inside[] = "<?xml version=\"1.0\"?>\n<flat-profile>\n<A>1</A>\n\0"
                               "<B>2</B></flat-profile>";
  static const char fine[] = "\xef\xbb\xbf<flat-profile>\n<A>\xc4\x80\xe4\xb8\x80</A>"
                             "</flat-profile>";
  static const char *const encodings[] = { "UTF-16LE", "UTF-16BE", "UCS-4LE", "UCS-4BE" };

  for (gsize i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *wide_after = NULL;
      g_autofree char *wide_inside = NULL;
      g_autofree char *wide_fine = NULL;
      gsize after_len = 0, inside_len = 0, fine_len = 0;
      g_autoptr (ProvProfile) profile = NULL;

      g_test_message ("%s", encodings[i]);
      wide_after = g_convert (after, sizeof after - 1, encodings[i], "UTF-8", NULL, &after_len,
                              &error);
      g_assert_no_error (error);
      wide_inside = g_convert (inside, sizeof inside - 1, encodings[i], "UTF-8", NULL,
                               &inside_len, &error);
      g_assert_no_error (error);
      assert_refused_len (wide_after, after_len, NULL, "line 2:", "NUL");
      assert_refused_len (wide_inside, inside_len, NULL, "line 4:", "NUL");

      /* NUL bytes inside characters (U+0100, U+4E00) are no NUL characters. */
      wide_fine = g_convert (fine, sizeof fine - 1, encodings[i], "UTF-8", NULL, &fine_len,
                             &error);
      g_assert_no_error (error);
      if (g_str_has_prefix (encodings[i], "UCS-4"))
        continue; /* libxml2 reads UCS-4 only with its "<" first, no BOM */
      profile = prov_profile_parse (wide_fine, fine_len, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (prov_profile_lookup (profile, "A"), ==, "\xc4\x80\xe4\xb8\x80");
    }
}

static void
test_no_flat_profile (void)
{
  assert_refused ("<device><flatprofile><A>1</A></flatprofile></device>", "no flat-profile",
                  NULL);
  assert_refused ("<?xml version=\"1.0\"?><Execute/>", "no flat-profile", NULL);
}

static void
test_dtd_refused (void)
{
  const char *laughs = "<?xml version=\"1.0\"?>\n"
                       "<!DOCTYPE lolz [\n"
                       " <!ENTITY lol \"lol\">\n"
                       " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                       " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
                       " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
                       " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
                       " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
                       " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
                       " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
                       " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
                       " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
                       "]>\n"
                       "<flat-profile><GPP_A>&lol9;</GPP_A></flat-profile>\n";
  const char *external = "<?xml version=\"1.0\"?>\n"
                         "<!DOCTYPE flat-profile [\n"
                         "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
                         "]>\n"
                         "<flat-profile><GPP_A>&xxe;</GPP_A></flat-profile>\n";
  const char *external_dtd = "<?xml version=\"1.0\"?>\n\n"
                             "<!DOCTYPE flat-profile SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n"
                             "<flat-profile><GPP_A>&ent;</GPP_A></flat-profile>\n";
  const char *empty_doctype = "<!DOCTYPE flat-profile><flat-profile/>";

  assert_refused (laughs, "line 2:", "DTD not allowed");
  assert_refused (external, "line 2:", "DTD not allowed");
  assert_refused (external_dtd, "line 3:", "DTD not allowed");
  assert_refused (empty_doctype, "line 1:", "DTD not allowed");
}

static void
test_limits (void)
{
  const char *xml = "<flat-profile><A>1</A><B>2</B><C>3</C></flat-profile>";
  ProvProfileLimits limits = { 0 };
  g_autoptr (GString) deep = g_string_new ("<flat-profile>\n");
  g_autoptr (ProvProfile) profile = NULL;
  g_autoptr (GError) error = NULL;

  limits.max_size = strlen (xml);
  profile = prov_profile_parse (xml, strlen (xml), &limits, &error);
  g_assert_no_error (error);
  g_clear_pointer (&profile, prov_profile_free);
  limits.max_size = strlen (xml) - 1;
  assert_refused_len (xml, strlen (xml), &limits, "limit", NULL);

  limits = (ProvProfileLimits){ .max_entries = 3 };
  profile = prov_profile_parse (xml, strlen (xml), &limits, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 3);
  g_clear_pointer (&profile, prov_profile_free);
  limits.max_entries = 2;
  assert_refused_len (xml, strlen (xml), &limits, "line 1:", "more than 2 parameters");

  /* Default depth 32: flat-profile + 31 levels is fine, one more is not. */
  for (guint i = 0; i < 31; i++)
    g_string_append_printf (deep, "<G%u>", i);
  g_string_append (deep, "x");
  for (guint i = 31; i-- > 0;)
    g_string_append_printf (deep, "</G%u>", i);
  g_string_append (deep, "</flat-profile>");
  profile = prov_profile_parse (deep->str, deep->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 1);
  g_clear_pointer (&profile, prov_profile_free);

  g_string_prepend (deep, "<device>");
  g_string_append (deep, "</device>");
  assert_refused_len (deep->str, deep->len, NULL, "line 2:", "deeper than 32");

  limits = (ProvProfileLimits){ .max_depth = 2 };
  assert_refused_len ("<flat-profile><A><B>1</B></A></flat-profile>", 44, &limits, "line 1:",
                      "deeper than 2");
}

/* Many distinct names: the parser's name dictionary gets replaced along
 * the way (libxml2 < 2.12), which must not change any result. */
static const char *const many_names_docs[][2] = {
  { "<flat-profile>\n", "</flat-profile>" },
  { "<flat-profile xmlns=\"http://www.sipura.net/xsd/SPA50x-30x-SIP\">\n", "</flat-profile>" },
  { "<p:device xmlns:p=\"urn:p\"><flat-profile>\n", "</flat-profile></p:device>" },
};

static void
test_many_names (gconstpointer data)
{
  const char *const *doc = many_names_docs[GPOINTER_TO_UINT (data)];
  g_autoptr (GString) xml = g_string_new (doc[0]);
  g_autoptr (ProvProfile) profile = NULL;
  g_autoptr (GError) error = NULL;
  const guint n = 70000;
  char name[32];

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (xml, "<N%05u ua=\"rw\">v%u</N%05u>\n", i, i, i);
      if (i % 25000 == 24999)
        g_string_append_printf (xml, "<G%u><Sub xml:lang=\"en\"><Leaf>in %u</Leaf></Sub>"
                                "<q:Q xmlns:q=\"urn:q\">q%u</q:Q></G%u>\n", i, i, i, i);
    }
  g_string_append (xml, "<N00007>again</N00007>");
  g_string_append (xml, doc[1]);

  profile = prov_profile_parse (xml->str, xml->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, n + 2 * 2 + 1);
  for (guint i = 0; i < n; i += 997)
    {
      g_autofree char *value = g_strdup_printf ("v%u", i);

      g_snprintf (name, sizeof name, "N%05u", i);
      g_assert_cmpstr (prov_profile_lookup (profile, name), ==, i == 7 ? "again" : value);
      g_assert_cmpint (find_last (profile, name)->access, ==, PROV_ACCESS_RW);
    }
  g_assert_cmpstr (prov_profile_lookup (profile, "N69999"), ==, "v69999");
  g_assert_cmpstr (prov_profile_lookup (profile, "G49999/Sub/Leaf"), ==, "in 49999");
  g_assert_cmpstr (prov_profile_lookup (profile, "G49999/Q"), ==, "q49999");
  g_assert_cmpuint (find_last (profile, "N69999")->line, ==, n + 3);
}

/* libxml2 must not print anything, whatever the input. */
static void
test_silent (void)
{
  if (g_test_subprocess ())
    {
      const char *bad[] = {
        "<flat-profile><A>1</B></flat-profile>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><flat-profile><A>\xff\xfe</A></flat-profile>",
        "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><flat-profile><A>\x1b$B\xff\xff</A>"
        "</flat-profile>",
        "<?xml version=\"1.0\" encoding=\"nope\"?><flat-profile/>",
        "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><flat-profile/>",
        "<flat-profile xmlns:a=\"x\" xmlns:a=\"y\"><b:A>1</b:A></flat-profile>",
        "<flat-profile><A>&nope;</A></flat-profile>",
      };

      for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (ProvProfile) profile = prov_profile_parse (bad[i], strlen (bad[i]), NULL,
                                                                &error);
          if (profile != NULL)
            g_print ("%u accepted:", i);
        }
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("");
  g_test_trap_assert_stderr ("");
}

static int foreign_errors;

static void
foreign_handler (void *data, xmlErrorPtr err)
{
  foreign_errors++;
}

/* The structured handler is borrowed for one parse and given back. */
static void
test_error_handler_restored (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvProfile) profile = NULL;
  const char *bad = "<flat-profile><A>1</B></flat-profile>";
  xmlDocPtr doc;

  xmlSetStructuredErrorFunc (&foreign_errors, foreign_handler);
  profile = prov_profile_parse (bad, strlen (bad), NULL, &error);
  g_assert_null (profile);
  g_assert_nonnull (error);
  g_assert_cmpint (foreign_errors, ==, 0);
  g_assert_true (xmlStructuredError == foreign_handler);
  g_assert_true (xmlStructuredErrorContext == &foreign_errors);

  doc = xmlReadMemory (bad, strlen (bad), NULL, NULL, XML_PARSE_NONET);
  g_assert_null (doc);
  g_assert_cmpint (foreign_errors, >, 0);
  xmlSetStructuredErrorFunc (NULL, NULL);
}

static void
test_write_entry (void)
{
  g_autoptr (GString) out = g_string_new ("<flat-profile>");
  g_autoptr (ProvProfile) profile = NULL;
  const char *tricky = "a&b <c> \"d\" 'e' caf\xc3\xa9";

  prov_profile_write_entry (out, "Plain", "v", PROV_ACCESS_UNSET);
  prov_profile_write_entry (out, "Tricky", tricky, PROV_ACCESS_RW);
  prov_profile_write_entry (out, "Kept", NULL, PROV_ACCESS_NA);
  prov_profile_write_entry (out, "Empty", "", PROV_ACCESS_RO);
  prov_profile_write_entry (out, "router-configuration/Time_Setup/Time_Zone", "GMT+1",
                            PROV_ACCESS_UNSET);
  g_string_append (out, "</flat-profile>");

  g_assert_cmpstr (out->str, ==,
                   "<flat-profile><Plain>v</Plain>"
                   "<Tricky ua=\"rw\">a&amp;b &lt;c&gt; &quot;d&quot; 'e' caf\xc3\xa9</Tricky>"
                   "<Kept ua=\"na\"/><Empty ua=\"ro\"></Empty>"
                   "<router-configuration><Time_Setup><Time_Zone>GMT+1</Time_Zone></Time_Setup>"
                   "</router-configuration></flat-profile>");

  profile = parse_ok (out->str);
  g_assert_cmpuint (prov_profile_get_n_entries (profile), ==, 5);
  g_assert_cmpstr (prov_profile_lookup (profile, "Tricky"), ==, tricky);
  g_assert_cmpint (find_last (profile, "Tricky")->access, ==, PROV_ACCESS_RW);
  g_assert_null (find_last (profile, "Kept")->value);
  g_assert_cmpint (find_last (profile, "Kept")->access, ==, PROV_ACCESS_NA);
  g_assert_cmpstr (prov_profile_lookup (profile, "Empty"), ==, "");
  g_assert_cmpstr (prov_profile_lookup (profile, "router-configuration/Time_Setup/Time_Zone"), ==,
                   "GMT+1");

  g_string_truncate (out, 0);
  prov_profile_write_entry (out, "Ctl", "a\x01" "b", PROV_ACCESS_UNSET);
  g_assert_cmpstr (out->str, ==, "<Ctl>a\xef\xbf\xbd" "b</Ctl>");
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/profile/spec-example", test_spec_example },
    { "/profile/depth-and-several", test_depth_and_several },
    { "/profile/namespaces", test_namespaces },
    { "/profile/groups", test_groups },
    { "/profile/trim-fold", test_trim_fold },
    { "/profile/entities", test_entities },
    { "/profile/empty-vs-self-closing", test_empty_vs_self_closing },
    { "/profile/preserve-value", test_preserve_value },
    { "/profile/ua", test_ua },
    { "/profile/ua-warnings", test_ua_warnings },
    { "/profile/last-wins", test_last_wins },
    { "/profile/stray-comments-cdata", test_stray_comments_cdata },
    { "/profile/encodings", test_encodings },
    { "/profile/malformed", test_malformed },
    { "/profile/empty-and-nul", test_empty_and_nul },
    { "/profile/wide-nul", test_wide_nul },
    { "/profile/no-flat-profile", test_no_flat_profile },
    { "/profile/dtd-refused", test_dtd_refused },
    { "/profile/limits", test_limits },
    { "/profile/silent", test_silent },
    { "/profile/error-handler-restored", test_error_handler_restored },
    { "/profile/write-entry", test_write_entry },
    { "/profile/streamed-refusals", test_streamed_refusals },
  };

  g_test_init (&argc, &argv, NULL);
  test_add_cases (cases, G_N_ELEMENTS (cases));
  g_test_add_data_func ("/profile/many-names", GUINT_TO_POINTER (0), test_many_names);
  g_test_add_data_func ("/profile/many-names-default-ns", GUINT_TO_POINTER (1),
                        test_many_names);
  g_test_add_data_func ("/profile/many-names-prefixed", GUINT_TO_POINTER (2), test_many_names);
  return g_test_run ();
}
