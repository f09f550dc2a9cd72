/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Third-party profiles from $PROV_INTEROP_DIR (see its MANIFEST.md), read
 * in place: the corpus is not ours to copy into the tree. */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-profile.h"

static const char *
interop_dir (void)
{
  const char *dir = g_getenv ("PROV_INTEROP_DIR");
  g_autofree char *tsv = NULL;

  if (dir == NULL)
    {
      g_test_skip ("PROV_INTEROP_DIR not set");
      return NULL;
    }
  tsv = g_build_filename (dir, "expected.tsv", NULL);
  if (!g_file_test (tsv, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("no interop corpus");
      return NULL;
    }
  return dir;
}

static char *
read_interop_file (const char *dir, const char *subdir, const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (dir, subdir != NULL ? subdir : name,
                                            subdir != NULL ? name : NULL, NULL);
  g_autoptr (GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

static ProvProfile *
parse_file (const char *dir, const char *name, GError **error)
{
  gsize len = 0;
  g_autofree char *data = read_interop_file (dir, "profiles", name, &len);

  return prov_profile_parse (data, len, NULL, error);
}

static ProvProfile *
parse_file_ok (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  ProvProfile *profile = parse_file (dir, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

static const ProvProfileEntry *
last_entry (ProvProfile *profile, const char *name)
{
  for (guint i = prov_profile_get_n_entries (profile); i-- > 0;)
    {
      const ProvProfileEntry *entry = prov_profile_get_entry (profile, i);

      if (strcmp (entry->name, name) == 0)
        return entry;
    }
  return NULL;
}

static void
test_expected_values (void)
{
  const char *dir = interop_dir ();
  g_autoptr (GHashTable) profiles = NULL;
  g_autofree char *tsv = NULL;
  g_auto (GStrv) lines = NULL;
  guint checked = 0;

  if (dir == NULL)
    return;
  profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) prov_profile_free);
  tsv = read_interop_file (dir, NULL, "expected.tsv", NULL);
  lines = g_strsplit (tsv, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = NULL;
      ProvProfile *profile;
      const ProvProfileEntry *entry;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 3);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);

      profile = g_hash_table_lookup (profiles, fields[0]);
      if (profile == NULL)
        {
          profile = parse_file_ok (dir, fields[0]);
          g_hash_table_insert (profiles, g_strdup (fields[0]), profile);
        }

      g_test_message ("%s: %s = '%s'", fields[0], fields[1], fields[2]);
      entry = last_entry (profile, fields[1]);
      g_assert_nonnull (entry);
      /* The corpus lists a self-closing element as "" (its raw text);
       * for us it keeps the stored value, which is NULL here. */
      if (entry->value == NULL)
        g_assert_cmpstr (fields[2], ==, "");
      else
        g_assert_cmpstr (entry->value, ==, fields[2]);
      g_assert_true (prov_profile_lookup (profile, fields[1]) == entry->value);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 40);
}

/* MANIFEST.md counts direct children of flat-profile, a wrapper counting
 * once, and lists the wrappers' nested leaves apart. */
static void
count_children (ProvProfile *profile, guint *direct, guint *nested)
{
  g_autofree char *group = NULL;

  *direct = *nested = 0;
  for (guint i = 0; i < prov_profile_get_n_entries (profile); i++)
    {
      const char *name = prov_profile_get_entry (profile, i)->name;
      const char *slash = strchr (name, '/');

      if (slash == NULL)
        {
          (*direct)++;
          g_clear_pointer (&group, g_free);
          continue;
        }
      (*nested)++;
      if (group == NULL || strncmp (group, name, slash - name) != 0 ||
          group[slash - name] != '\0')
        {
          (*direct)++;
          g_free (group);
          group = g_strndup (name, slash - name);
        }
    }
}

static void
test_manifest_counts (void)
{
  const char *dir = interop_dir ();
  g_autofree char *manifest = NULL;
  g_auto (GStrv) lines = NULL;
  guint checked = 0;

  if (dir == NULL)
    return;
  manifest = read_interop_file (dir, NULL, "MANIFEST.md", NULL);
  lines = g_strsplit (manifest, "\n", -1);

  /* Rows like: | 01 | 01-….xml | source | 51 (+11 nested leaves) | OK | */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) cells = NULL;
      g_autoptr (ProvProfile) profile = NULL;
      const char *file, *params, *plus;
      guint64 want_direct, want_nested = 0;
      guint direct, nested;

      if (!g_str_has_prefix (lines[i], "| "))
        continue;
      cells = g_strsplit (lines[i], "|", -1);
      if (g_strv_length (cells) < 6)
        continue;
      file = g_strstrip (cells[2]);
      params = g_strstrip (cells[4]);
      if (!g_str_has_suffix (file, ".xml") || !g_ascii_isdigit (params[0]))
        continue;
      want_direct = g_ascii_strtoull (params, NULL, 10);
      plus = strstr (params, "(+");
      if (plus != NULL && strstr (plus, "nested") != NULL)
        want_nested = g_ascii_strtoull (plus + 2, NULL, 10);

      profile = parse_file_ok (dir, file);
      count_children (profile, &direct, &nested);
      g_test_message ("%s: %u direct, %u nested", file, direct, nested);
      g_assert_cmpuint (direct, ==, want_direct);
      g_assert_cmpuint (nested, ==, want_nested);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 14);
}

static void
test_nested_leaves (void)
{
  const char *dir = interop_dir ();
  g_autoptr (ProvProfile) p01 = NULL;
  g_autoptr (ProvProfile) p03 = NULL;
  g_autoptr (ProvProfile) p08 = NULL;

  if (dir == NULL)
    return;

  /* 01: Time_Zone exists only nested. */
  p01 = parse_file_ok (dir, "01-fusionpbx-cisco-spa112.xml");
  g_assert_cmpstr (prov_profile_lookup (p01, "router-configuration/Time_Setup/Time_Zone"), ==,
                   "GMT-07:00");
  g_assert_null (last_entry (p01, "Time_Zone"));
  g_assert_cmpstr (prov_profile_lookup (p01, "router-configuration/Web_Login_Admin_Password"), ==,
                   "adminpass");

  p03 = parse_file_ok (dir, "03-fusionpbx-cisco-spa191.xml");
  g_assert_cmpstr (
    prov_profile_lookup (p03, "router-configuration/WAN_Interface/WAN_Connection_Type"), ==, "dh");

  /* 08: the nested ATA time zone must not override the phone's. */
  p08 = parse_file_ok (dir, "08-wazo-cisco-spa504g.xml");
  g_assert_cmpstr (prov_profile_lookup (p08, "Time_Zone"), ==, "GMT-05:00");
  g_assert_cmpstr (prov_profile_lookup (p08, "router-configuration/Time_Setup/Time_Zone"), ==,
                   "+01 2 2");
}

static void
test_duplicates (void)
{
  const char *dir = interop_dir ();
  g_autoptr (ProvProfile) p09 = NULL;
  const ProvProfileEntry *entry;

  if (dir == NULL)
    return;
  p09 = parse_file_ok (dir, "09-wazo-cisco-mpp-8841.xml");
  entry = last_entry (p09, "Primary_DNS");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->value, ==, "127.0.0.53");
  g_assert_cmpint (entry->access, ==, PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_profile_lookup (p09, "Primary_NTP_Server"), ==, "127.0.0.1");
}

static void
test_malformed_refused (void)
{
  const char *dir = interop_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvProfile) profile = NULL;

  if (dir == NULL)
    return;
  profile = parse_file (dir, "04-fusionpbx-cisco-spa192-malformed.xml", &error);
  g_assert_null (profile);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_test_message ("04: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "line 39: "));
}

/* Every other file of the corpus parses. */
static void
test_all_parse (void)
{
  const char *dir = interop_dir ();
  g_autofree char *profiles_dir = NULL;
  g_autoptr (GDir) gdir = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;
  guint parsed = 0;

  if (dir == NULL)
    return;
  profiles_dir = g_build_filename (dir, "profiles", NULL);
  gdir = g_dir_open (profiles_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (gdir)) != NULL)
    {
      g_autoptr (ProvProfile) profile = NULL;

      if (!g_str_has_suffix (name, ".xml") || strstr (name, "malformed") != NULL)
        continue;
      profile = parse_file_ok (dir, name);
      g_assert_cmpuint (prov_profile_get_n_entries (profile), >, 0);
      parsed++;
    }
  g_assert_cmpuint (parsed, >=, 14);
}

int
main (int argc, char **argv)
{
  const char *dir = g_getenv ("PROV_INTEROP_DIR");
  g_autofree char *expected = dir != NULL ? g_build_filename (dir, "expected.tsv", NULL) : NULL;

  g_test_init (&argc, &argv, NULL);
  /* Without the corpus beside the checkout, say "skipped" to meson (77)
   * rather than passing. */
  if (expected == NULL || !g_file_test (expected, G_FILE_TEST_EXISTS))
    {
      g_printerr ("no interop corpus at %s: skipped\n", dir != NULL ? dir : "(unset)");
      return 77;
    }

  g_test_add_func ("/interop/expected-values", test_expected_values);
  g_test_add_func ("/interop/manifest-counts", test_manifest_counts);
  g_test_add_func ("/interop/nested-leaves", test_nested_leaves);
  g_test_add_func ("/interop/duplicates", test_duplicates);
  g_test_add_func ("/interop/malformed-refused", test_malformed_refused);
  g_test_add_func ("/interop/all-parse", test_all_parse);

  return g_test_run ();
}
