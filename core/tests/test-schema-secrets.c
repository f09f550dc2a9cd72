/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every password-like parameter real profiles carry is a schema secret, and
 * what the store shows each reader (tests/test-secrets.sh does the same
 * through the daemon). */
#include "config.h"

#include <string.h>

#include "prov-profile.h"
#include "prov-rule-mask.h"
#include "prov-schema.h"
#include "prov-store.h"
#include "prov-test.h"

static ProvStore *
new_store (void)
{
  g_autoptr(ProvSchema) schema = prov_schema_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) dirs = g_strsplit (g_getenv ("PROV_SCHEMA_DIR"), G_SEARCHPATH_SEPARATOR_S, -1);
  ProvStore *store;

  g_assert_true (prov_schema_load_dirs (schema, (const char *const *) dirs, &error));
  g_assert_no_error (error);
  store = prov_store_new (schema, NULL, &error);
  g_assert_no_error (error);
  return store;
}

/* Names that hold a password, a key or a passphrase, by their words;
 * settings about passwords are not secrets. */
static gboolean
looks_secret (const char *leaf)
{
  static const char *const not_secret[] = {
    "User_Password_Prompt", "Display_Password_Warnings", "Preferred_Password_Input_Mode",
    "LDAP_Prompt_For_Empty_Credentials",
  };
  static GRegex *regex;

  if (regex == NULL)
    regex = g_regex_new ("pass(w(or)?d|phrase)?(_|$)|pwd|psk|secret|private_key|wepkey\\d*_"
                         "|license_key|^password$",
                         G_REGEX_CASELESS, 0, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (not_secret); i++)
    if (strcmp (leaf, not_secret[i]) == 0)
      return FALSE;
  return g_regex_match (regex, leaf, 0, NULL);
}

static void
test_interop_corpus (void)
{
  g_autoptr(ProvStore) store = new_store ();
  const char *dir = g_getenv ("PROV_INTEROP_DIR");
  g_autofree char *profiles = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GString) missing = g_string_new (NULL);
  const char *file;
  guint n_secret = 0;

  if (dir == NULL || dir[0] == '\0')
    {
      g_test_skip ("PROV_INTEROP_DIR not set");
      return;
    }
  profiles = g_build_filename (dir, "profiles", NULL);
  listing = g_dir_open (profiles, 0, NULL);
  if (listing == NULL)
    {
      g_test_skip ("no interop corpus");
      return;
    }
  while ((file = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (profiles, file, NULL);
      g_autofree char *data = NULL;
      g_autoptr(ProvProfile) profile = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      /* One file of the corpus is malformed as served. */
      profile = prov_profile_parse (data, len, NULL, NULL);
      if (profile == NULL)
        continue;
      for (guint i = 0; i < prov_profile_get_n_entries (profile); i++)
        {
          const char *name = prov_profile_get_entry (profile, i)->name;
          const char *leaf = strrchr (name, '/') != NULL ? strrchr (name, '/') + 1 : name;

          if (!looks_secret (leaf))
            continue;
          n_secret++;
          if (!prov_store_is_secret (store, name))
            g_string_append_printf (missing, " %s (%s)", name, file);
        }
    }
  g_assert_cmpuint (n_secret, >, 100);
  if (missing->len > 0)
    g_error ("not schema secrets:%s", missing->str);
}

static void
test_known (void)
{
  g_autoptr(ProvStore) store = new_store ();
  static const char *const secrets[] = {
    "Admin_Password", "User_Password", "Admin_Passwd", "Profile_Password", "Password",
    "Login_Password", "Login_Password_16_", "SIP_Password_3_", "Password_1_", "GPP_SA", "GPP_SD",
    "Auth_Page_Password_2_", "Web_Login_Admin_Password", "router-configuration/Web_Login_Admin_Password",
    "a/b/Admin_Password", "PSK_16", "Wi-Fi_Password_4_", "SRTP_Private_Key_1_", "wepKey3_2_",
    "TR_069_ACS_Password", "License_Keys",
  };
  static const char *const plain[] = {
    "GPP_A", "User_ID_1_", "Profile_Account", "User_Password_Prompt", "Admin_Password/x",
    "router-configuration/Web_Login_Admin_Name",
  };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (!prov_store_is_secret (store, secrets[i]))
      g_error ("%s is not a secret", secrets[i]);
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    if (prov_store_is_secret (store, plain[i]))
      g_error ("%s is a secret", plain[i]);
}

/* What each reader is shown: secrets are "********" to everyone; a rule's
 * secrets are hidden from readers below the admin. */
static void
test_show (void)
{
  g_autoptr(ProvStore) store = new_store ();
  const char *rule = "( GPP_SB = \"sb\"; )! [--key abc|defgh --pwd xy[z]w]http://u:pa\"ss@h/x";
  g_autofree char *secret_admin = prov_store_show (store, "Admin_Password", "x", PROV_CALLER_ADMIN);
  g_autofree char *secret_user = prov_store_show (store, "Admin_Password", "x", PROV_CALLER_USER);
  g_autofree char *empty = prov_store_show (store, "Admin_Password", "", PROV_CALLER_USER);
  g_autofree char *rule_admin = prov_store_show (store, "Profile_Rule", rule, PROV_CALLER_ADMIN);
  g_autofree char *rule_user = prov_store_show (store, "Profile_Rule_C", rule, PROV_CALLER_USER);
  g_autofree char *upgrade_user = prov_store_show (store, "Upgrade_Rule", "http://u:p@h/fw-1.img",
                                                   PROV_CALLER_USER);
  g_autofree char *plain_user = prov_store_show (store, "GPP_A", "--pwd x", PROV_CALLER_USER);
  g_autofree char *sip_user = prov_store_show (store, "GPP_B", "sip:1001@h", PROV_CALLER_USER);
  g_autofree char *url_user = prov_store_show (store, "XML_Directory_Service_URL",
                                               "http://u:pw@h/d.xml", PROV_CALLER_USER);
  g_autofree char *url_admin = prov_store_show (store, "XML_Directory_Service_URL",
                                                "http://u:pw@h/d.xml", PROV_CALLER_ADMIN);

  g_assert_cmpstr (secret_admin, ==, "********");
  g_assert_cmpstr (secret_user, ==, "********");
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (rule_admin, ==, rule);
  g_assert_cmpstr (rule_user, ==,
                   "( GPP_SB = \"" PROV_RULE_MASK "\"; )! [--key " PROV_RULE_MASK " --pwd "
                   PROV_RULE_MASK "]http://u:" PROV_RULE_MASK "@h/x");
  g_assert_cmpstr (upgrade_user, ==, "http://u:" PROV_RULE_MASK "@h/fw-1.img");
  g_assert_cmpstr (plain_user, ==, "--pwd x");
  g_assert_cmpstr (sip_user, ==, "sip:1001@h");
  g_assert_cmpstr (url_user, ==, "http://u:" PROV_RULE_MASK "@h/d.xml");
  g_assert_cmpstr (url_admin, ==, "http://u:pw@h/d.xml");
  g_assert_null (prov_store_show (store, "GPP_A", NULL, PROV_CALLER_USER));
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/schema-secrets/interop-corpus", test_interop_corpus },
    { "/schema-secrets/known", test_known },
    { "/schema-secrets/show", test_show },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
