/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "prov-error.h"
#include "prov-schema.h"
#include "prov-test.h"

static ProvSchema *
load_core (void)
{
  const char *dir = g_getenv ("PROV_SCHEMA_DIR");
  const char *dirs[] = { dir, NULL };
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (dir);
  g_assert_true (prov_schema_load_dirs (schema, dirs, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&schema);
}

static void
assert_spec (ProvSchema *schema, const char *name, ProvParamType type, const char *def)
{
  const ProvParamSpec *spec = prov_schema_lookup (schema, name);

  g_assert_nonnull (spec);
  g_assert_cmpstr (spec->name, ==, name);
  g_assert_cmpstr (prov_param_type_to_string (spec->type), ==, prov_param_type_to_string (type));
  g_assert_cmpstr (spec->default_value, ==, def);
}

static void
test_core (void)
{
  g_autoptr (ProvSchema) schema = load_core ();
  const ProvParamSpec *spec;

  assert_spec (schema, "Provision_Enable", PROV_PARAM_BOOL, "Yes");
  assert_spec (schema, "Resync_On_Reset", PROV_PARAM_BOOL, "Yes");
  assert_spec (schema, "Resync_Random_Delay", PROV_PARAM_INT, "2");
  assert_spec (schema, "Resync_At__HHmm_", PROV_PARAM_HHMM, "");
  assert_spec (schema, "Resync_At_Random_Delay", PROV_PARAM_INT, "600");
  assert_spec (schema, "Resync_Periodic", PROV_PARAM_SCHEDULE, "3600");
  assert_spec (schema, "Resync_Error_Retry_Delay", PROV_PARAM_SCHEDULE,
               "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400");
  assert_spec (schema, "Forced_Resync_Delay", PROV_PARAM_INT, "14400");
  assert_spec (schema, "Resync_From_SIP", PROV_PARAM_BOOL, "Yes");
  assert_spec (schema, "Resync_After_Upgrade_Attempt", PROV_PARAM_BOOL, "Yes");
  assert_spec (schema, "Resync_Trigger_1", PROV_PARAM_EXPRESSION, "");
  assert_spec (schema, "Resync_Trigger_2", PROV_PARAM_EXPRESSION, "");
  assert_spec (schema, "User_Configurable_Resync", PROV_PARAM_BOOL, "Yes");
  assert_spec (schema, "Resync_Fails_On_FNF", PROV_PARAM_BOOL, "Yes");
  assert_spec (schema, "Profile_Authentication_Type", PROV_PARAM_ENUM,
               "Basic Http Authentication");
  assert_spec (schema, "Profile_Rule", PROV_PARAM_RULE, "/$PSN.xml");
  assert_spec (schema, "Profile_Rule_B", PROV_PARAM_RULE, "");
  assert_spec (schema, "Profile_Rule_D", PROV_PARAM_RULE, "");
  assert_spec (schema, "DHCP_Option_To_Use", PROV_PARAM_INT_LIST, "66,160,159,150,60,43,125");
  assert_spec (schema, "DHCPv6_Option_To_Use", PROV_PARAM_INT_LIST, "17,160,159");
  assert_spec (schema, "Upgrade_Enable", PROV_PARAM_BOOL, "Yes");
  assert_spec (schema, "Upgrade_Rule", PROV_PARAM_RULE, "");
  assert_spec (schema, "Upgrade_Error_Retry_Delay", PROV_PARAM_SCHEDULE, "3600");
  assert_spec (schema, "Downgrade_Rev_Limit", PROV_PARAM_VERSION, "");
  assert_spec (schema, "Custom_CA_Rule", PROV_PARAM_RULE, "");
  assert_spec (schema, "Syslog_Server", PROV_PARAM_STRING, "");
  assert_spec (schema, "Syslog_Identifier", PROV_PARAM_ENUM, "None");
  assert_spec (schema, "Log_Request_Msg", PROV_PARAM_STRING,
               "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH");
  assert_spec (schema, "Log_Upgrade_Failure_Msg", PROV_PARAM_STRING,
               "$PN $MAC -- Upgrade failed: $ERR");
  assert_spec (schema, "GPP_A", PROV_PARAM_STRING, "");
  assert_spec (schema, "GPP_P", PROV_PARAM_STRING, "");
  assert_spec (schema, "GPP_SA", PROV_PARAM_SECRET, "");
  assert_spec (schema, "GPP_SD", PROV_PARAM_SECRET, "");
  assert_spec (schema, "Privacy_Header_1_", PROV_PARAM_ENUM, "Disabled");
  assert_spec (schema, "Privacy_Header_10_", PROV_PARAM_ENUM, "Disabled");
  assert_spec (schema, "Restricted_Access_Domains", PROV_PARAM_HOST_LIST, "");

  spec = prov_schema_lookup (schema, "Resync_Random_Delay");
  g_assert_cmpint (spec->min, ==, 0);
  g_assert_cmpint (spec->max, ==, 65535);
  g_assert_false (spec->secret);
  g_assert_cmpint (spec->access, ==, PROV_ACCESS_NA);

  spec = prov_schema_lookup (schema, "GPP_SB");
  g_assert_true (spec->secret);
  g_assert_true (prov_schema_lookup (schema, "Profile_Password")->secret);
  g_assert_false (prov_schema_lookup (schema, "GPP_B")->secret);
  g_assert_true (g_strv_contains ((const char *const *) prov_schema_lookup (schema, "Upgrade_Rule")
                                   ->rule_uses, "uid"));
  g_assert_null (prov_schema_lookup (schema, "Profile_Rule")->rule_uses);

  spec = prov_schema_lookup (schema, "Privacy_Header_3_");
  g_assert_cmpuint (g_strv_length (spec->enum_values), ==, 6);
  g_assert_cmpstr (spec->enum_values[0], ==, "Disabled");
  g_assert_cmpstr (spec->enum_values[5], ==, "id");
}

static void
test_ranges (void)
{
  g_autoptr (ProvSchema) schema = load_core ();
  g_auto (GStrv) names = prov_schema_list_names (schema);

  for (char c = 'A'; c <= 'P'; c++)
    {
      g_autofree char *name = g_strdup_printf ("GPP_%c", c);
      g_assert_nonnull (prov_schema_lookup (schema, name));
    }
  g_assert_null (prov_schema_lookup (schema, "GPP_Q"));
  g_assert_null (prov_schema_lookup (schema, "GPP_SE"));
  g_assert_null (prov_schema_lookup (schema, "GPP_{A..P}"));
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("Privacy_Header_%u_", i);
      g_assert_nonnull (prov_schema_lookup (schema, name));
    }
  g_assert_null (prov_schema_lookup (schema, "Privacy_Header_0_"));
  g_assert_null (prov_schema_lookup (schema, "Privacy_Header_11_"));
  g_assert_null (prov_schema_lookup (schema, "Privacy_Header_1"));
  g_assert_null (prov_schema_lookup (schema, "Profile_Rule_A"));
  g_assert_null (prov_schema_lookup (schema, "Profile_Rule_E"));
  g_assert_null (prov_schema_lookup (schema, "Resync_Trigger_3"));

  /* Sorted, each name once. */
  for (guint i = 1; names[i] != NULL; i++)
    g_assert_cmpint (strcmp (names[i - 1], names[i]), <, 0);
  g_assert_true (g_strv_contains ((const char *const *) names, "GPP_SC"));

  /* Lower-case letters and multi-digit numbers, prefix and suffix kept. */
  {
    g_autoptr (ProvSchema) s = prov_schema_new ();
    g_autoptr (GError) error = NULL;

    g_assert_true (prov_schema_load_data (s, "[Line_{a..c}_Key]\nType=string\n"
                                             "[Port{98..101}]\nType=int\n", "t", &error));
    g_assert_no_error (error);
    g_assert_nonnull (prov_schema_lookup (s, "Line_a_Key"));
    g_assert_nonnull (prov_schema_lookup (s, "Line_c_Key"));
    g_assert_null (prov_schema_lookup (s, "Line_d_Key"));
    g_assert_nonnull (prov_schema_lookup (s, "Port98"));
    g_assert_nonnull (prov_schema_lookup (s, "Port101"));
    g_assert_null (prov_schema_lookup (s, "Port102"));
  }
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_drop_in (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-schema-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  const char *dirs[] = { g_getenv ("PROV_SCHEMA_DIR"), missing, dir, NULL };
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (GError) error = NULL;
  const ProvParamSpec *spec;

  g_assert_nonnull (dir);
  /* Read in name order: 20- replaces 10-, whatever the directory order. */
  write_file (dir, "20-later.schema",
              "[Resync_Random_Delay]\nType=int\nMin=0\nMax=10\nDefault=5\nAccess=ro\n"
              "Restart=true\n");
  write_file (dir, "10-earlier.schema",
              "[Resync_Random_Delay]\nType=int\nMin=0\nMax=99\nDefault=9\n"
              "[Station_Name]\nType=string\nAccess=rw\nDefault=Front desk\n");
  write_file (dir, "README", "not a schema file: [ignored");

  g_assert_true (prov_schema_load_dirs (schema, dirs, &error));
  g_assert_no_error (error);

  spec = prov_schema_lookup (schema, "Resync_Random_Delay");
  g_assert_cmpint (spec->max, ==, 10);
  g_assert_cmpstr (spec->default_value, ==, "5");
  g_assert_cmpint (spec->access, ==, PROV_ACCESS_RO);
  g_assert_true (spec->restart);
  spec = prov_schema_lookup (schema, "Station_Name");
  g_assert_nonnull (spec);
  g_assert_cmpint (spec->access, ==, PROV_ACCESS_RW);
  g_assert_cmpstr (spec->default_value, ==, "Front desk");
  /* The rest of the core schema is still there. */
  assert_spec (schema, "Provision_Enable", PROV_PARAM_BOOL, "Yes");

  remove_dir (dir);
}

static void
assert_normal (ProvSchema *schema, const char *name, const char *value, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = NULL;

  g_assert_true (prov_schema_normalize (schema, name, value, &normalized, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, expected);
}

static void
assert_invalid (ProvSchema *schema, const char *name, const char *value, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = NULL;

  g_assert_false (prov_schema_normalize (schema, name, value, &normalized, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_null (normalized);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  else
    g_assert_true (g_str_has_prefix (error->message, name));
}

static void
test_bool (void)
{
  g_autoptr (ProvSchema) schema = load_core ();
  const char *yes[] = { "Yes", "yes", "true", "1", "Enable", " yes ", NULL };
  const char *no[] = { "No", "no", "false", "0", "Disable", NULL };

  for (guint i = 0; yes[i] != NULL; i++)
    assert_normal (schema, "Provision_Enable", yes[i], "Yes");
  for (guint i = 0; no[i] != NULL; i++)
    assert_normal (schema, "Upgrade_Enable", no[i], "No");
  assert_invalid (schema, "Provision_Enable", "maybe", "Provision_Enable: 'maybe' is not a boolean");
  assert_invalid (schema, "Provision_Enable", "2", NULL);
  assert_invalid (schema, "Provision_Enable", "Yes!", NULL);
}

static void
test_int (void)
{
  g_autoptr (ProvSchema) schema = load_core ();

  assert_normal (schema, "Resync_Random_Delay", "0", "0");
  assert_normal (schema, "Resync_Random_Delay", "65535", "65535");
  assert_normal (schema, "Resync_Random_Delay", " 42\t", "42");
  assert_normal (schema, "Resync_Random_Delay", "+7", "7");
  assert_normal (schema, "Resync_Random_Delay", "007", "7");
  assert_invalid (schema, "Resync_Random_Delay", "70000",
                  "Resync_Random_Delay: 70000 is out of range 0..65535");
  assert_invalid (schema, "Resync_Random_Delay", "-1",
                  "Resync_Random_Delay: -1 is out of range 0..65535");
  assert_invalid (schema, "Resync_Random_Delay", "12abc",
                  "Resync_Random_Delay: '12abc' is not an integer");
  assert_invalid (schema, "Resync_Random_Delay", "1 2", NULL);
  assert_invalid (schema, "Resync_Random_Delay", "0x10", NULL);
  assert_invalid (schema, "Resync_Random_Delay", "-", NULL);
  assert_invalid (schema, "Resync_Random_Delay", "99999999999999999999999", NULL);
  assert_invalid (schema, "Max_Profile_Size", "1023", NULL);
}

static void
test_enum (void)
{
  g_autoptr (ProvSchema) schema = load_core ();

  assert_normal (schema, "Privacy_Header_2_", "session", "session");
  assert_normal (schema, "Privacy_Header_2_", "SESSION", "session");
  assert_normal (schema, "Privacy_Header_2_", "disabled", "Disabled");
  assert_normal (schema, "Profile_Authentication_Type", "xsi authentication",
                 "XSI Authentication");
  assert_normal (schema, "Syslog_Identifier", "$mau", "$MAU");
  assert_invalid (schema, "Privacy_Header_2_", "private",
                  "Privacy_Header_2_: 'private' is not one of "
                  "Disabled, none, header, session, user, id");
  assert_invalid (schema, "Profile_Authentication_Type", "Basic", NULL);
  /* The seed's values, as its examples write them (translated labels). */
  assert_normal (schema, "Profile_Authentication_Type", "基本 Http 認証 ",
                 "Basic Http Authentication");
  assert_normal (schema, "Profile_Authentication_Type", "Basic HTTP Authentication",
                 "Basic Http Authentication");
  assert_normal (schema, "Privacy_Header_3_", "ヘッダー", "header");
  assert_normal (schema, "Syslog_Identifier", "無し", "None");
  assert_normal (schema, "Syslog_Identifier", "$MAC", "$MAC");
}

static void
test_lists (void)
{
  g_autoptr (ProvSchema) schema = load_core ();

  assert_normal (schema, "DHCP_Option_To_Use", "66, 160 ,159", "66,160,159");
  assert_normal (schema, "DHCP_Option_To_Use", "43", "43");
  assert_invalid (schema, "DHCP_Option_To_Use", "66,300",
                  "DHCP_Option_To_Use: 300 is out of range 1..254");
  assert_invalid (schema, "DHCP_Option_To_Use", "66,,160", NULL);
  assert_invalid (schema, "DHCP_Option_To_Use", "66;160", NULL);
  assert_normal (schema, "DHCPv6_Option_To_Use", "17,300", "17,300");

  assert_normal (schema, "Restricted_Access_Domains",
                 "example.com, *.corp.example.com,10.0.0.1 ,[2001:db8::1]",
                 "example.com,*.corp.example.com,10.0.0.1,[2001:db8::1]");
  assert_invalid (schema, "Restricted_Access_Domains", "exa mple.com",
                  "Restricted_Access_Domains: 'exa mple.com' is not a host name");
  assert_invalid (schema, "Restricted_Access_Domains", "a.com,,b.com", NULL);
  assert_invalid (schema, "Restricted_Access_Domains", "http://a.com/", NULL);
  assert_invalid (schema, "Restricted_Access_Domains", "*.", NULL);
}

static void
test_free_text (void)
{
  g_autoptr (ProvSchema) schema = load_core ();

  /* Strings and secrets are kept to the byte, blanks included. */
  assert_normal (schema, "GPP_A", "  any <value> \t", "  any <value> \t");
  assert_normal (schema, "GPP_SA", " s3cret ", " s3cret ");
  assert_normal (schema, "Profile_Password", "p;w=d", "p;w=d");
  /* An invalid daily time is ignored by the scheduler, not rejected. */
  assert_normal (schema, "Resync_At__HHmm_", " 0230 ", "0230");
  assert_normal (schema, "Resync_At__HHmm_", "25:99", "25:99");
  assert_normal (schema, "Downgrade_Rev_Limit", " sip88xx.11-3-2MPP0001-609 ",
                 "sip88xx.11-3-2MPP0001-609");
  /* Unknown names are plain strings. */
  assert_normal (schema, "Station_Name", " Front desk ", " Front desk ");
}

/* Types checked by the rule, condition and schedule parsers. */
static void
test_parsed (void)
{
  g_autoptr (ProvSchema) schema = load_core ();

  assert_normal (schema, "Resync_Periodic", "3600", "3600");
  assert_normal (schema, "Resync_Periodic", " 30,60+30 ", "30,60+30");
  assert_invalid (schema, "Resync_Periodic", "60,x", NULL);
  /* Every form of the seed's schedule examples. */
  assert_normal (schema, "Resync_Error_Retry_Delay", "600、1200、300", "600、1200、300");
  assert_normal (schema, "Resync_Error_Retry_Delay", "2400 + 30", "2400 + 30");
  assert_normal (schema, "Resync_Error_Retry_Delay",
                 "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400",
                 "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400");
  assert_normal (schema, "Resync_Trigger_1", "$SUPGTMR gt 300 および $PRVTMR ge 600",
                 "$SUPGTMR gt 300 および $PRVTMR ge 600");
  assert_normal (schema, "DHCP_Option_To_Use", "66,160,159,150,60,43,125",
                 "66,160,159,150,60,43,125");
  assert_normal (schema, "DHCPv6_Option_To_Use", "17,160,159", "17,160,159");

  assert_normal (schema, "Profile_Rule", "http://prov.example.com/$MA.xml",
                 "http://prov.example.com/$MA.xml");
  assert_normal (schema, "Profile_Rule_B", "[--key $SA] https://s/a.cfg | /b.xml",
                 "[--key $SA] https://s/a.cfg | /b.xml");
  assert_invalid (schema, "Profile_Rule", "( $SWVER ne 1.0 /x.xml", NULL);
  assert_invalid (schema, "Profile_Rule", "[--foo] /x.xml", NULL);
  /* One rule syntax: the upgrade and CA rules take options too; what their
   * consumer does not use is a warning, never an invalid value. */
  assert_normal (schema, "Upgrade_Rule", "http://s/fw.bin", "http://s/fw.bin");
  assert_normal (schema, "Upgrade_Rule", "[--uid u --pwd p]http://s/fw.bin",
                 "[--uid u --pwd p]http://s/fw.bin");
  assert_normal (schema, "Upgrade_Rule", "[--key abc --alias b] http://s/fw.bin",
                 "[--key abc --alias b] http://s/fw.bin");
  assert_normal (schema, "Custom_CA_Rule", "[--uid u --pwd p --post a]https://s/ca.pem",
                 "[--uid u --pwd p --post a]https://s/ca.pem");
  {
    g_autofree char *warning = prov_schema_get_warning (schema, "Upgrade_Rule",
                                                        "[--key abc --alias b] http://s/fw.bin");
    g_autofree char *none = prov_schema_get_warning (schema, "Upgrade_Rule",
                                                     "[--uid u --pwd p]http://s/fw.bin");
    g_autofree char *ca = prov_schema_get_warning (schema, "Custom_CA_Rule",
                                                   "(a=\"1\";)! https://s/ca.pem");
    g_autofree char *profile = prov_schema_get_warning (schema, "Profile_Rule",
                                                        "[--key abc --alias b] http://s/p.xml");

    g_assert_cmpstr (warning, ==, "Upgrade_Rule: --key, --alias not used here, ignored");
    g_assert_null (strstr (warning, "abc"));
    g_assert_null (none);
    g_assert_cmpstr (ca, ==, "Custom_CA_Rule: assignments not used here, ignored");
    g_assert_null (profile);
  }

  assert_normal (schema, "Resync_Trigger_1", "\"$EXTIP\" ne \"\"", "\"$EXTIP\" ne \"\"");
  assert_normal (schema, "Resync_Trigger_2", "$REGTMR1 gt 300 and $PRVTMR ge 60",
                 "$REGTMR1 gt 300 and $PRVTMR ge 60");
  assert_invalid (schema, "Resync_Trigger_1", "$REGTMR1 gt", NULL);
  assert_invalid (schema, "Resync_Trigger_1", "(1 eq 1", NULL);
}

static void
test_secret_messages (void)
{
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = NULL;

  g_assert_true (prov_schema_load_data (schema,
                                        "[Secret_Pin]\nType=int\nMin=0\nMax=9999\nSecret=true\n",
                                        "t", &error));
  g_assert_no_error (error);
  g_assert_true (prov_schema_lookup (schema, "Secret_Pin")->secret);
  assert_normal (schema, "Secret_Pin", "1234", "1234");
  g_assert_false (prov_schema_normalize (schema, "Secret_Pin", "123456", &normalized, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "Secret_Pin: invalid value");
}

static void
test_keep_unknown (void)
{
  g_autoptr (ProvSchema) schema = prov_schema_new ();

  g_assert_true (prov_schema_get_keep_unknown (schema));
  prov_schema_set_keep_unknown (schema, FALSE);
  g_assert_false (prov_schema_get_keep_unknown (schema));
}

static void
assert_bad_schema (const char *data, const char *expected)
{
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (prov_schema_load_data (schema, data, "vendor.schema", &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == PROV_ERROR);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "vendor.schema: "));
  g_assert_nonnull (strstr (error->message, expected));
  /* A bad file adds nothing, not even its good groups. */
  g_assert_null (prov_schema_lookup (schema, "Good"));
}

static void
test_bad_files (void)
{
  assert_bad_schema ("[Good]\nType=string\n[Foo]\nType=float\n", "[Foo]: unknown Type 'float'");
  assert_bad_schema ("[Good]\nType=string\n[Foo]\nType=int\nColour=red\n",
                     "[Foo]: unknown key 'Colour'");
  assert_bad_schema ("[Foo]\nDefault=1\n", "[Foo]: missing Type");
  assert_bad_schema ("[Foo]\nType=int\nMin=10\nMax=1\n", "[Foo]: Min is greater than Max");
  assert_bad_schema ("[Foo]\nType=int\nMin=a\n", "[Foo]: Min: 'a' is not an integer");
  assert_bad_schema ("[Foo]\nType=int\nMin=0\nMax=9\nDefault=10\n",
                     "[Foo]: Default: 10 is out of range 0..9");
  assert_bad_schema ("[Foo]\nType=bool\nDefault=perhaps\n", "[Foo]: Default:");
  assert_bad_schema ("[Foo]\nType=enum\nDefault=a\n", "[Foo]: an enum needs Values");
  assert_bad_schema ("[Foo]\nType=enum\nValues=a;b\nDefault=c\n", "[Foo]: Default:");
  assert_bad_schema ("[Foo]\nType=enum\nValues=a;b\nAliases=x=c\n",
                     "[Foo]: Aliases: 'x=c' is not ALIAS=one of Values");
  assert_bad_schema ("[Foo]\nType=string\nAliases=x=c\n", "[Foo]: Aliases is for enums only");
  assert_bad_schema ("[Foo]\nType=rule\nOptions=uid;colour\n", "[Foo]: Options: unknown 'colour'");
  assert_bad_schema ("[Foo]\nType=string\nOptions=uid\n", "[Foo]: Options is for rules only");
  assert_bad_schema ("[Foo]\nType=string\nAccess=rx\n", "[Foo]: Access 'rx'");
  assert_bad_schema ("[Foo]\nType=string\nSecret=maybe\n", "[Foo]: Secret");
  assert_bad_schema ("[Foo_{1..}]\nType=string\n", "[Foo_{1..}]: bad range");
  assert_bad_schema ("[Foo_{5..1}]\nType=string\n", "[Foo_{5..1}]: bad range");
  assert_bad_schema ("[Foo_{A..c}]\nType=string\n", "[Foo_{A..c}]: bad range");
  assert_bad_schema ("[F{1..2}_{1..2}]\nType=string\n", "[F{1..2}_{1..2}]: bad range");
  assert_bad_schema ("[Foo_1..2}]\nType=string\n", "bad range");
  assert_bad_schema ("[Foo_{1..99999999}]\nType=string\n", "bad range");
  assert_bad_schema ("[Foo Bar]\nType=string\n", "'Foo Bar' is not a valid parameter name");
  assert_bad_schema ("Type=string\n", "vendor.schema: ");
  assert_bad_schema ("[Foo\nType=string\n", "vendor.schema: ");
}

static void
test_bad_file_path (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-schema-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "50-broken.schema", NULL);
  const char *dirs[] = { dir, NULL };
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (GError) error = NULL;

  write_file (dir, "50-broken.schema", "[Good]\nType=string\n\n[Bad]\nType=number\n");
  g_assert_false (prov_schema_load_dirs (schema, dirs, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "[Bad]"));
  g_clear_error (&error);

  g_assert_false (prov_schema_load_file (schema, "/nonexistent/x.schema", &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND);
  remove_dir (dir);
}

static void
test_type_names (void)
{
  g_assert_cmpstr (prov_param_type_to_string (PROV_PARAM_INT_LIST), ==, "int-list");
  g_assert_cmpstr (prov_param_type_to_string (PROV_PARAM_HOST_LIST), ==, "host-list");
  g_assert_cmpstr (prov_param_type_to_string (PROV_PARAM_HHMM), ==, "hhmm");
  g_assert_cmpstr (prov_param_type_to_string (99), ==, "unknown");
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/schema/core", test_core },
    { "/schema/ranges", test_ranges },
    { "/schema/drop-in", test_drop_in },
    { "/schema/bool", test_bool },
    { "/schema/int", test_int },
    { "/schema/enum", test_enum },
    { "/schema/lists", test_lists },
    { "/schema/free-text", test_free_text },
    { "/schema/parsed", test_parsed },
    { "/schema/secret-messages", test_secret_messages },
    { "/schema/keep-unknown", test_keep_unknown },
    { "/schema/bad-files", test_bad_files },
    { "/schema/bad-file-path", test_bad_file_path },
    { "/schema/type-names", test_type_names },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
