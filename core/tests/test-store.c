/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "prov-error.h"
#include "prov-store.h"

/* PROV_TEST_QUICK=1 (valgrind runs) shrinks the large and crash tests. */
static gboolean
quick (void)
{
  return g_getenv ("PROV_TEST_QUICK") != NULL;
}

static ProvSchema *
make_schema (void)
{
  const char *dirs[] = { g_getenv ("PROV_SCHEMA_DIR"), NULL };
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (dirs[0]);
  g_assert_true (prov_schema_load_dirs (schema, dirs, &error));
  g_assert_no_error (error);
  g_assert_true (prov_schema_load_data (schema,
                                        "[Secret_Pin]\nType=int\nMin=0\nMax=9999\nSecret=true\n"
                                        "Access=rw\n"
                                        "[Station_Name]\nType=string\nAccess=rw\n",
                                        "test.schema", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&schema);
}

typedef struct
{
  char *dir;
  char *path;
} TmpStore;

static void
tmp_store_init (TmpStore *t)
{
  t->dir = g_dir_make_tmp ("test-store-XXXXXX", NULL);
  g_assert_nonnull (t->dir);
  t->path = g_build_filename (t->dir, "store", NULL);
}

static void
tmp_store_clear (TmpStore *t)
{
  g_autoptr (GDir) dir = g_dir_open (t->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (t->dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_assert_cmpint (g_rmdir (path), ==, 0);
      else
        g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (t->dir), ==, 0);
  g_free (t->dir);
  g_free (t->path);
}

static ProvStore *
open_store (ProvSchema *schema, const char *path)
{
  g_autoptr (GError) error = NULL;
  ProvStore *store = prov_store_new (schema, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* Applies one entry; returns the error, if any. */
static GError *
set_one (ProvStore *store, ProvCaller caller, const char *name, const char *value, int access)
{
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  GError *error = NULL;

  prov_change_set_add (changes, name, value, access, NULL, 0);
  prov_store_apply (store, changes, caller, NULL, &error);
  return error;
}

static void
admin_set (ProvStore *store, const char *name, const char *value, int access)
{
  g_autoptr (GError) error = set_one (store, PROV_CALLER_ADMIN, name, value, access);

  g_assert_no_error (error);
}

static GBytes *
file_bytes (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static void
test_defaults (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = open_store (schema, NULL);

  g_assert_true (prov_store_get_schema (store) == schema);
  g_assert_null (prov_store_get_path (store));
  g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "2");
  g_assert_cmpint (prov_store_get_int (store, "Resync_Random_Delay"), ==, 2);
  g_assert_true (prov_store_get_bool (store, "Provision_Enable"));
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "");
  g_assert_null (prov_store_get (store, "No_Such_Parameter"));
  g_assert_cmpint (prov_store_get_int (store, "No_Such_Parameter"), ==, 0);
  g_assert_false (prov_store_get_bool (store, "No_Such_Parameter"));
  g_assert_cmpint (prov_store_get_access (store, "GPP_A"), ==, PROV_ACCESS_NA);
  g_assert_cmpint (prov_store_get_access (store, "Station_Name"), ==, PROV_ACCESS_RW);
  g_assert_cmpint (prov_store_get_access (store, "No_Such_Parameter"), ==, PROV_ACCESS_NA);

  admin_set (store, "Resync_Random_Delay", " 30 ", PROV_ACCESS_UNSET);
  admin_set (store, "Provision_Enable", "disable", PROV_ACCESS_UNSET);
  admin_set (store, "Station_Name", "Front desk", PROV_ACCESS_UNSET);
  admin_set (store, "Other_Unknown", "kept", PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "30");
  g_assert_cmpint (prov_store_get_int (store, "Resync_Random_Delay"), ==, 30);
  g_assert_cmpstr (prov_store_get (store, "Provision_Enable"), ==, "No");
  g_assert_false (prov_store_get_bool (store, "Provision_Enable"));
  g_assert_cmpstr (prov_store_get (store, "Station_Name"), ==, "Front desk");
  g_assert_cmpstr (prov_store_get (store, "Other_Unknown"), ==, "kept");
}

static void
test_last_wins (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = open_store (schema, NULL);
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) changed = NULL;

  prov_change_set_add (changes, "GPP_A", "first", PROV_ACCESS_RO, "a.xml", 1);
  prov_change_set_add (changes, "GPP_A", "second", PROV_ACCESS_UNSET, "a.xml", 2);
  prov_change_set_add (changes, "GPP_A", NULL, PROV_ACCESS_RW, "b.xml", 1);
  prov_change_set_add (changes, "GPP_B", "x", PROV_ACCESS_UNSET, "b.xml", 2);
  g_assert_cmpuint (prov_change_set_get_size (changes), ==, 4);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "second");
  g_assert_cmpint (prov_store_get_access (store, "GPP_A"), ==, PROV_ACCESS_RW);
  g_assert_cmpuint (g_strv_length (changed), ==, 2);
  g_assert_cmpstr (changed[0], ==, "GPP_A");
  g_assert_cmpstr (changed[1], ==, "GPP_B");
}

static void
assert_denied (GError *error, const char *message)
{
  g_assert_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (error->message, ==, message);
  g_error_free (error);
}

static void
test_access (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = open_store (schema, NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) user_names = NULL;
  g_auto (GStrv) admin_names = NULL;
  char *value = NULL;

  admin_set (store, "GPP_A", "rw-value", PROV_ACCESS_RW);
  admin_set (store, "GPP_B", "ro-value", PROV_ACCESS_RO);
  admin_set (store, "GPP_C", "na-value", PROV_ACCESS_NA);
  admin_set (store, "Extra_Param", "extra", PROV_ACCESS_RO);

  g_assert_true (prov_store_read (store, "GPP_A", PROV_CALLER_USER, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "rw-value");
  g_clear_pointer (&value, g_free);
  g_assert_true (prov_store_read (store, "GPP_B", PROV_CALLER_USER, &value, &error));
  g_assert_cmpstr (value, ==, "ro-value");
  g_clear_pointer (&value, g_free);

  /* `na` and unknown look the same to a user. */
  g_assert_false (prov_store_read (store, "GPP_C", PROV_CALLER_USER, &value, &error));
  assert_denied (g_steal_pointer (&error), "no such parameter: GPP_C");
  g_assert_false (prov_store_read (store, "Nope", PROV_CALLER_USER, &value, &error));
  assert_denied (g_steal_pointer (&error), "no such parameter: Nope");
  g_assert_null (value);

  /* The admin reads everything. */
  g_assert_true (prov_store_read (store, "GPP_C", PROV_CALLER_ADMIN, &value, &error));
  g_assert_cmpstr (value, ==, "na-value");
  g_clear_pointer (&value, g_free);
  g_assert_false (prov_store_read (store, "Nope", PROV_CALLER_ADMIN, &value, &error));
  assert_denied (g_steal_pointer (&error), "no such parameter: Nope");

  /* Writes. */
  g_assert_no_error (set_one (store, PROV_CALLER_USER, "GPP_A", "mine", PROV_ACCESS_UNSET));
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "mine");
  assert_denied (set_one (store, PROV_CALLER_USER, "GPP_B", "x", PROV_ACCESS_UNSET),
                 "GPP_B: read-only");
  assert_denied (set_one (store, PROV_CALLER_USER, "GPP_C", "x", PROV_ACCESS_UNSET),
                 "no such parameter: GPP_C");
  assert_denied (set_one (store, PROV_CALLER_USER, "Nope", "x", PROV_ACCESS_UNSET),
                 "no such parameter: Nope");
  assert_denied (set_one (store, PROV_CALLER_USER, "GPP_A", "x", PROV_ACCESS_RO),
                 "GPP_A: only the administrator changes access levels");
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "mine");
  g_assert_cmpint (prov_store_get_access (store, "GPP_A"), ==, PROV_ACCESS_RW);
  g_assert_cmpstr (prov_store_get (store, "GPP_B"), ==, "ro-value");
  /* Restating the same level changes nothing and is allowed. */
  g_assert_no_error (set_one (store, PROV_CALLER_USER, "GPP_A", "again", PROV_ACCESS_RW));

  /* One forbidden entry fails the whole user change set. */
  {
    g_autoptr (ProvChangeSet) changes = prov_change_set_new ();

    prov_change_set_add (changes, "GPP_A", "new", PROV_ACCESS_UNSET, "dbus", 0);
    prov_change_set_add (changes, "GPP_B", "new", PROV_ACCESS_UNSET, "dbus", 0);
    g_assert_false (prov_store_apply (store, changes, PROV_CALLER_USER, NULL, &error));
    assert_denied (g_steal_pointer (&error), "dbus: GPP_B: read-only");
    g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "again");
  }

  user_names = prov_store_list_names (store, PROV_CALLER_USER);
  g_assert_true (g_strv_contains ((const char *const *) user_names, "GPP_A"));
  g_assert_true (g_strv_contains ((const char *const *) user_names, "GPP_B"));
  g_assert_true (g_strv_contains ((const char *const *) user_names, "Extra_Param"));
  g_assert_true (g_strv_contains ((const char *const *) user_names, "Station_Name"));
  g_assert_false (g_strv_contains ((const char *const *) user_names, "GPP_C"));
  g_assert_false (g_strv_contains ((const char *const *) user_names, "Provision_Enable"));
  admin_names = prov_store_list_names (store, PROV_CALLER_ADMIN);
  g_assert_true (g_strv_contains ((const char *const *) admin_names, "GPP_C"));
  g_assert_true (g_strv_contains ((const char *const *) admin_names, "Provision_Enable"));
  g_assert_true (g_strv_contains ((const char *const *) admin_names, "Extra_Param"));
  g_assert_true (g_strv_contains ((const char *const *) admin_names, "GPP_SA"));
  for (guint i = 1; admin_names[i] != NULL; i++)
    g_assert_cmpint (strcmp (admin_names[i - 1], admin_names[i]), <, 0);
  for (guint i = 1; user_names[i] != NULL; i++)
    g_assert_cmpint (strcmp (user_names[i - 1], user_names[i]), <, 0);
}

static void
test_secrets (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = open_store (schema, NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) user_names = NULL;
  char *value = NULL;

  /* Even `rw` does not let a user read a secret, only write it. */
  admin_set (store, "GPP_SA", "s3cret", PROV_ACCESS_RW);
  g_assert_true (prov_store_is_secret (store, "GPP_SA"));
  g_assert_false (prov_store_is_secret (store, "GPP_A"));
  g_assert_false (prov_store_is_secret (store, "Nope"));
  g_assert_false (prov_store_read (store, "GPP_SA", PROV_CALLER_USER, &value, &error));
  assert_denied (g_steal_pointer (&error), "no such parameter: GPP_SA");
  g_assert_null (value);
  user_names = prov_store_list_names (store, PROV_CALLER_USER);
  g_assert_false (g_strv_contains ((const char *const *) user_names, "GPP_SA"));
  g_assert_false (g_strv_contains ((const char *const *) user_names, "Secret_Pin"));

  g_assert_no_error (set_one (store, PROV_CALLER_USER, "GPP_SA", "n3w", PROV_ACCESS_UNSET));
  g_assert_true (prov_store_read (store, "GPP_SA", PROV_CALLER_ADMIN, &value, &error));
  g_assert_cmpstr (value, ==, "n3w");
  g_clear_pointer (&value, g_free);

  g_assert_cmpstr (prov_store_mask (store, "GPP_SA", "n3w"), ==, "********");
  g_assert_cmpstr (prov_store_mask (store, "GPP_SA", ""), ==, "");
  g_assert_cmpstr (prov_store_mask (store, "GPP_A", "plain"), ==, "plain");

  /* An invalid secret never shows its value in the error. */
  error = set_one (store, PROV_CALLER_ADMIN, "Secret_Pin", "1234567", PROV_ACCESS_UNSET);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "Secret_Pin: invalid value");
  g_assert_null (strstr (error->message, "1234567"));
}

static void
test_all_or_nothing (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  GStrv changed = NULL;
  TmpStore t;

  tmp_store_init (&t);
  store = open_store (schema, t.path);
  admin_set (store, "GPP_A", "old", PROV_ACCESS_RO);
  before = file_bytes (t.path);

  prov_change_set_add (changes, "GPP_A", "new", PROV_ACCESS_RW, "http://s/p.xml", 3);
  prov_change_set_add (changes, "GPP_B", "new", PROV_ACCESS_UNSET, "http://s/p.xml", 4);
  prov_change_set_add (changes, "Resync_Random_Delay", "70000", PROV_ACCESS_UNSET,
                       "http://s/p.xml", 12);
  /* A later valid value does not excuse the invalid one. */
  prov_change_set_add (changes, "Resync_Random_Delay", "7", PROV_ACCESS_UNSET,
                       "http://s/q.xml", 2);
  g_assert_false (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "http://s/p.xml: line 12: Resync_Random_Delay: 70000 is out of range 0..65535");
  g_assert_null (changed);

  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "old");
  g_assert_cmpint (prov_store_get_access (store, "GPP_A"), ==, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_store_get (store, "GPP_B"), ==, "");
  g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "2");
  after = file_bytes (t.path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_error (&error);

  /* The parts of the location that are absent are left out. */
  {
    g_autoptr (ProvChangeSet) c = prov_change_set_new ();

    prov_change_set_add (c, "Provision_Enable", "maybe", PROV_ACCESS_UNSET, NULL, 5);
    g_assert_false (prov_store_apply (store, c, PROV_CALLER_ADMIN, NULL, &error));
    g_assert_cmpstr (error->message, ==, "line 5: Provision_Enable: 'maybe' is not a boolean");
    g_clear_error (&error);
  }
  error = set_one (store, PROV_CALLER_ADMIN, "Provision_Enable", "maybe", PROV_ACCESS_UNSET);
  g_assert_cmpstr (error->message, ==, "Provision_Enable: 'maybe' is not a boolean");
  g_clear_error (&error);

  g_clear_object (&store);
  tmp_store_clear (&t);
}

/* A profile repeating names costs one entry per name; a value a later one
 * replaces must still be valid, and the error names where it was. */
static void
test_change_set_one_per_name (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = open_store (schema, NULL);
  g_autoptr (ProvChangeSet) changes = prov_change_set_new_checked (schema);
  g_autoptr (ProvChangeSet) bad = prov_change_set_new_checked (schema);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) changed = NULL;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *value = g_strdup_printf ("v%u", i);

      prov_change_set_add (changes, "GPP_A", value, PROV_ACCESS_UNSET, "a.xml", i + 1);
      prov_change_set_add (changes, "Unknown_X", "same", PROV_ACCESS_RW, "a.xml", i + 1);
    }
  prov_change_set_add (changes, "Resync_Random_Delay", "70000", PROV_ACCESS_UNSET, "a.xml", 2001);
  prov_change_set_add (changes, "Resync_Random_Delay", "9", PROV_ACCESS_UNSET, "b.xml", 3);
  g_assert_cmpuint (prov_change_set_get_size (changes), ==, 2002);
  g_assert_cmpuint (prov_change_set_get_n_names (changes), ==, 3);
  g_assert_false (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "a.xml: line 2001: Resync_Random_Delay: 70000 is out of range 0..65535");
  g_assert_null (changed);
  g_clear_error (&error);

  /* Of two invalid values, the first added is the one reported, whether
   * it was replaced or not. */
  prov_change_set_add (bad, "Provision_Enable", "maybe", PROV_ACCESS_UNSET, "c.xml", 1);
  prov_change_set_add (bad, "Resync_Random_Delay", "70000", PROV_ACCESS_UNSET, "c.xml", 2);
  prov_change_set_add (bad, "Resync_Random_Delay", "8", PROV_ACCESS_UNSET, "c.xml", 3);
  g_assert_false (prov_store_apply (store, bad, PROV_CALLER_ADMIN, NULL, &error));
  g_assert_cmpstr (error->message, ==, "c.xml: line 1: Provision_Enable: 'maybe' is not a boolean");
  g_clear_error (&error);
  prov_change_set_add (bad, "Provision_Enable", "yes", PROV_ACCESS_UNSET, "c.xml", 4);
  g_assert_false (prov_store_apply (store, bad, PROV_CALLER_ADMIN, NULL, &error));
  g_assert_cmpstr (error->message, ==, "c.xml: line 1: Provision_Enable: 'maybe' is not a boolean");
  g_clear_error (&error);
  /* An add that only sets the access level does not move the value. */
  g_clear_pointer (&bad, prov_change_set_free);
  bad = prov_change_set_new_checked (schema);
  prov_change_set_add (bad, "Provision_Enable", "maybe", PROV_ACCESS_UNSET, "d.xml", 5);
  prov_change_set_add (bad, "Provision_Enable", NULL, PROV_ACCESS_RW, "e.xml", 9);
  g_assert_false (prov_store_apply (store, bad, PROV_CALLER_ADMIN, NULL, &error));
  g_assert_cmpstr (error->message, ==, "d.xml: line 5: Provision_Enable: 'maybe' is not a boolean");
  g_clear_error (&error);

  /* Without the bad value, the last of each name wins. */
  g_clear_pointer (&changes, prov_change_set_free);
  changes = prov_change_set_new_checked (schema);
  prov_change_set_add (changes, "GPP_A", "first", PROV_ACCESS_RO, "a.xml", 1);
  prov_change_set_add (changes, "GPP_A", "second", PROV_ACCESS_UNSET, "a.xml", 2);
  prov_change_set_add (changes, "GPP_A", NULL, PROV_ACCESS_RW, "b.xml", 1);
  prov_change_set_add (changes, "Unknown_X", "x", PROV_ACCESS_RW, "b.xml", 2);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "second");
  g_assert_cmpint (prov_store_get_access (store, "GPP_A"), ==, PROV_ACCESS_RW);
  g_assert_cmpuint (g_strv_length (changed), ==, 2);
}

/* A payload that is not applied is taken back to a mark: names it
 * brought go, names it replaced come back as they were. */
static void
truncate_to_mark (ProvChangeSet *changes, ProvSchema *schema)
{
  g_autoptr (ProvStore) store = open_store (schema, NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) changed = NULL;
  guint mark;

  prov_change_set_add (changes, "GPP_A", "kept", PROV_ACCESS_RO, "a.xml", 1);
  prov_change_set_add (changes, "GPP_B", "kept too", PROV_ACCESS_UNSET, "a.xml", 2);
  mark = prov_change_set_mark (changes);
  g_assert_cmpuint (mark, ==, 2);
  prov_change_set_add (changes, "GPP_A", "dropped", PROV_ACCESS_RW, "b.xml", 1);
  prov_change_set_add (changes, "GPP_A", "dropped again", PROV_ACCESS_UNSET, "b.xml", 2);
  prov_change_set_add (changes, "GPP_C", "dropped", PROV_ACCESS_UNSET, "b.xml", 3);
  prov_change_set_add (changes, "Resync_Random_Delay", "70000", PROV_ACCESS_UNSET, "b.xml", 4);
  prov_change_set_add (changes, "Resync_Random_Delay", "1", PROV_ACCESS_UNSET, "b.xml", 5);
  prov_change_set_truncate (changes, mark);
  g_assert_cmpuint (prov_change_set_get_size (changes), ==, 2);
  g_assert_cmpuint (prov_change_set_get_n_names (changes), ==, 2);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "kept");
  g_assert_cmpint (prov_store_get_access (store, "GPP_A"), ==, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_store_get (store, "GPP_B"), ==, "kept too");
  g_assert_cmpstr (prov_store_get (store, "GPP_C"), ==, "");
  g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "2");
  g_assert_cmpuint (g_strv_length (changed), ==, 2);
}

static void
test_change_set_truncate (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvChangeSet) plain = prov_change_set_new ();
  g_autoptr (ProvChangeSet) checked = prov_change_set_new_checked (schema);

  truncate_to_mark (plain, schema);
  truncate_to_mark (checked, schema);
}

static void
test_empty_value (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = open_store (schema, NULL);
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) changed = NULL;

  admin_set (store, "Resync_Random_Delay", "10", PROV_ACCESS_RO);
  admin_set (store, "DHCP_Option_To_Use", "66", PROV_ACCESS_UNSET);
  admin_set (store, "Upgrade_Enable", "No", PROV_ACCESS_UNSET);
  admin_set (store, "Privacy_Header_1_", "user", PROV_ACCESS_UNSET);

  prov_change_set_add (changes, "Resync_Random_Delay", "", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "DHCP_Option_To_Use", " ", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "Upgrade_Enable", "", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "Privacy_Header_1_", "", PROV_ACCESS_UNSET, NULL, 0);
  /* Already at the default: not a change. */
  prov_change_set_add (changes, "Forced_Resync_Delay", "", PROV_ACCESS_UNSET, NULL, 0);
  /* Free text and schedules: empty is a value ("off", "no message"). */
  prov_change_set_add (changes, "Log_Request_Msg", "", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "Resync_Periodic", "", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "Profile_Rule", "", PROV_ACCESS_UNSET, NULL, 0);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "2");
  g_assert_cmpint (prov_store_get_access (store, "Resync_Random_Delay"), ==, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_store_get (store, "DHCP_Option_To_Use"), ==, "66,160,159,150,60,43,125");
  g_assert_cmpstr (prov_store_get (store, "Upgrade_Enable"), ==, "Yes");
  g_assert_cmpstr (prov_store_get (store, "Privacy_Header_1_"), ==, "Disabled");
  g_assert_cmpstr (prov_store_get (store, "Forced_Resync_Delay"), ==, "14400");
  g_assert_cmpstr (prov_store_get (store, "Log_Request_Msg"), ==, "");
  g_assert_cmpstr (prov_store_get (store, "Resync_Periodic"), ==, "");
  g_assert_cmpstr (prov_store_get (store, "Profile_Rule"), ==, "");

  g_assert_cmpuint (g_strv_length (changed), ==, 7);
  g_assert_false (g_strv_contains ((const char *const *) changed, "Forced_Resync_Delay"));
  g_assert_true (g_strv_contains ((const char *const *) changed, "Resync_Periodic"));
}

static void
test_keep_unknown (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = open_store (schema, NULL);
  g_auto (GStrv) changed = NULL;
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;

  prov_schema_set_keep_unknown (schema, FALSE);
  prov_change_set_add (changes, "Unknown_Param", "x", PROV_ACCESS_RW, NULL, 0);
  prov_change_set_add (changes, "GPP_A", "y", PROV_ACCESS_UNSET, NULL, 0);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_no_error (error);
  g_assert_null (prov_store_get (store, "Unknown_Param"));
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "y");
  g_assert_cmpuint (g_strv_length (changed), ==, 1);

  prov_schema_set_keep_unknown (schema, TRUE);
  admin_set (store, "Unknown_Param", "x", PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_store_get (store, "Unknown_Param"), ==, "x");
  admin_set (store, "Unknown_Param", "", PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_store_get (store, "Unknown_Param"), ==, "");
  /* A level alone makes an unknown name exist, with an empty value. */
  admin_set (store, "Access_Only", NULL, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_store_get (store, "Access_Only"), ==, "");
  g_assert_cmpint (prov_store_get_access (store, "Access_Only"), ==, PROV_ACCESS_RO);
  /* Even the level it would have had (interop 12: <ACD_Available_LED ua="na"/>). */
  admin_set (store, "Access_Na", NULL, PROV_ACCESS_NA);
  g_assert_cmpstr (prov_store_get (store, "Access_Na"), ==, "");
  g_assert_cmpint (prov_store_get_access (store, "Access_Na"), ==, PROV_ACCESS_NA);
}

static void
test_persistence (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvStore) again = NULL;
  GStatBuf st;
  TmpStore t;

  tmp_store_init (&t);
  store = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get_path (store), ==, t.path);
  /* A missing file is an empty store, and reading it writes nothing. */
  g_assert_false (g_file_test (t.path, G_FILE_TEST_EXISTS));

  admin_set (store, "GPP_A", "alpha", PROV_ACCESS_RW);
  admin_set (store, "GPP_SA", "secret value", PROV_ACCESS_UNSET);
  admin_set (store, "Resync_Random_Delay", "99", PROV_ACCESS_UNSET);
  admin_set (store, "GPP_B", NULL, PROV_ACCESS_RO);
  admin_set (store, "Station_Name", NULL, PROV_ACCESS_NA);
  admin_set (store, "Unknown_Param", "u", PROV_ACCESS_UNSET);
  admin_set (store, "Access_Only", NULL, PROV_ACCESS_RW);

  g_assert_cmpint (g_stat (t.path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  again = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get (again, "GPP_A"), ==, "alpha");
  g_assert_cmpint (prov_store_get_access (again, "GPP_A"), ==, PROV_ACCESS_RW);
  g_assert_cmpstr (prov_store_get (again, "GPP_SA"), ==, "secret value");
  g_assert_cmpstr (prov_store_get (again, "Resync_Random_Delay"), ==, "99");
  g_assert_cmpstr (prov_store_get (again, "GPP_B"), ==, "");
  g_assert_cmpint (prov_store_get_access (again, "GPP_B"), ==, PROV_ACCESS_RO);
  g_assert_cmpint (prov_store_get_access (again, "Station_Name"), ==, PROV_ACCESS_NA);
  g_assert_cmpstr (prov_store_get (again, "Unknown_Param"), ==, "u");
  g_assert_cmpint (prov_store_get_access (again, "Unknown_Param"), ==, PROV_ACCESS_NA);
  g_assert_cmpint (prov_store_get_access (again, "Access_Only"), ==, PROV_ACCESS_RW);
  g_assert_cmpstr (prov_store_get (again, "Provision_Enable"), ==, "Yes");

  /* Back to the default removes the value from the file too. */
  admin_set (again, "Resync_Random_Delay", "", PROV_ACCESS_UNSET);
  g_clear_object (&store);
  store = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "2");

  g_clear_object (&store);
  g_clear_object (&again);
  tmp_store_clear (&t);
}

static void
test_file_mode (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *journal = NULL;
  GStatBuf st;
  mode_t old_umask;
  TmpStore t;

  tmp_store_init (&t);
  tmp = g_strconcat (t.path, ".tmp", NULL);
  journal = g_strconcat (t.path, ".journal", NULL);
  store = open_store (schema, t.path);
  admin_set (store, "GPP_SA", "pw", PROV_ACCESS_UNSET);
  g_assert_cmpint (g_stat (t.path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Someone made it world-readable, and the umask lets everything through. */
  g_assert_cmpint (g_chmod (t.path, 0644), ==, 0);
  old_umask = umask (0);
  admin_set (store, "GPP_SA", "pw2", PROV_ACCESS_UNSET);
  umask (old_umask);
  g_assert_cmpint (g_stat (t.path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (journal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));

  g_clear_object (&store);
  tmp_store_clear (&t);
}

static guint64
fnv1a (const char *data, gsize len)
{
  guint64 hash = 0xcbf29ce484222325ULL;

  for (gsize i = 0; i < len; i++)
    {
      hash ^= (guchar) data[i];
      hash *= 0x100000001b3ULL;
    }
  return hash;
}

/* A file with a valid end line around @body, to reach the line parser. */
static void
write_with_trailer (const char *path, const char *body, guint count)
{
  g_autofree char *head = g_strconcat ("provisiond-store 1\n", body, NULL);
  g_autofree char *all = g_strdup_printf ("%send %u %016" G_GINT64_MODIFIER "x\n", head, count,
                                          fnv1a (head, strlen (head)));

  g_assert_true (g_file_set_contents (path, all, -1, NULL));
}

static void
assert_corrupt (ProvSchema *schema, const char *path, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvStore) store = prov_store_new (schema, path, &error);
  g_autofree char *prefix = g_strconcat (path, ": line ", NULL);

  /* Opening checks the ends of the file; the rest is checked as it is read. */
  if (store != NULL)
    g_assert_false (prov_store_check (store, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  if (expected != NULL)
    g_assert_cmpstr (error->message + strlen (path) + 2, ==, expected);
}

static void
test_corrupt (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (GBytes) good = NULL;
  const char *data;
  gsize len;
  TmpStore t;

  tmp_store_init (&t);
  store = open_store (schema, t.path);
  admin_set (store, "GPP_A", "alpha", PROV_ACCESS_RW);
  admin_set (store, "GPP_B", "beta\nwith\tescapes\\", PROV_ACCESS_UNSET);
  admin_set (store, "GPP_C", NULL, PROV_ACCESS_RO);
  g_clear_object (&store);
  good = file_bytes (t.path);
  data = g_bytes_get_data (good, &len);

  /* Every truncation is detected, never half loaded. */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_assert_true (g_file_set_contents (t.path, data, cut, NULL));
      assert_corrupt (schema, t.path, NULL);
    }
  /* So is every flipped byte. */
  for (gsize i = 0; i < len; i++)
    {
      g_autofree char *copy = g_memdup2 (data, len);

      copy[i] ^= 0x20;
      g_assert_true (g_file_set_contents (t.path, copy, len, NULL));
      assert_corrupt (schema, t.path, NULL);
    }

  g_assert_true (g_file_set_contents (t.path, "", 0, NULL));
  assert_corrupt (schema, t.path, "line 1: not a store file of a known format version");
  g_assert_true (g_file_set_contents (t.path, "provisiond-store 3\nend 0 0\n", -1, NULL));
  assert_corrupt (schema, t.path, "line 1: not a store file of a known format version");
  g_assert_true (g_file_set_contents (t.path, "provisiond-store 1\nrw\tGPP_A\tx\n", -1, NULL));
  assert_corrupt (schema, t.path, "line 2: truncated (no end line)");

  write_with_trailer (t.path, "rw\tGPP_A\tx\nxx\tGPP_B\ty\n", 2);
  assert_corrupt (schema, t.path, "line 3: expected an access level, a name and a value");
  write_with_trailer (t.path, "rw\tGPP_A\tbad \\q escape\n", 1);
  assert_corrupt (schema, t.path, "line 2: expected an access level, a name and a value");
  write_with_trailer (t.path, "-\tGPP_A\n", 1);
  assert_corrupt (schema, t.path, "line 2: expected an access level, a name and a value");
  write_with_trailer (t.path, "rw\t\tx\n", 1);
  assert_corrupt (schema, t.path, "line 2: expected an access level, a name and a value");
  write_with_trailer (t.path, "rw\tGPP_A\tx\nro\tGPP_B\ty\nrw\tGPP_A\tz\n", 3);
  assert_corrupt (schema, t.path, "line 4: duplicate parameter");
  write_with_trailer (t.path, "rw\tGPP_A\tx\n", 2);
  assert_corrupt (schema, t.path, "line 3: wrong number of entries");

  /* The hand-made file format is the real one. */
  write_with_trailer (t.path, "rw\tGPP_A\tx\\ty\n-\tGPP_B\t\nro\tGPP_C\n", 3);
  store = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "x\ty");
  g_assert_cmpstr (prov_store_get (store, "GPP_B"), ==, "");
  g_assert_cmpint (prov_store_get_access (store, "GPP_C"), ==, PROV_ACCESS_RO);
  g_clear_object (&store);

  tmp_store_clear (&t);
}

static void
test_escaping (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvStore) again = NULL;
  const char *values[] = {
    "line1\nline2", "tab\there", "back\\slash\\", "\\n literally", "cr\r\n",
    "日本語の値 ✓", "", " leading and trailing ", "end\\", "\\\\\t\\t", NULL,
  };
  TmpStore t;

  tmp_store_init (&t);
  store = open_store (schema, t.path);
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("Unknown_%u", i);
      admin_set (store, name, values[i], PROV_ACCESS_RW);
    }
  admin_set (store, "Odd\tname\\with\nescapes", "v", PROV_ACCESS_UNSET);
  admin_set (store, "router-configuration/Time_Setup/Time_Zone", "GMT+09:00", PROV_ACCESS_UNSET);
  again = open_store (schema, t.path);
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("Unknown_%u", i);
      g_assert_cmpstr (prov_store_get (again, name), ==, values[i]);
    }
  g_assert_cmpstr (prov_store_get (again, "Odd\tname\\with\nescapes"), ==, "v");
  g_assert_cmpstr (prov_store_get (again, "router-configuration/Time_Setup/Time_Zone"), ==,
                   "GMT+09:00");

  g_clear_object (&store);
  g_clear_object (&again);
  tmp_store_clear (&t);
}

static void
on_changed (ProvStore *store, GStrv names, gpointer user_data)
{
  GPtrArray *log = user_data;

  g_ptr_array_add (log, g_strjoinv (",", names));
}

static void
test_changed (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) changed = NULL;
  g_autofree char *journal = NULL;
  GStatBuf before, after;
  TmpStore t;

  tmp_store_init (&t);
  journal = g_strconcat (t.path, ".journal", NULL);
  store = open_store (schema, t.path);
  g_signal_connect (store, "changed", G_CALLBACK (on_changed), log);

  prov_change_set_add (changes, "GPP_B", "b", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "GPP_A", "a", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "GPP_A", "a", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "Provision_Enable", "yes", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (changes, "GPP_C", NULL, PROV_ACCESS_NA, NULL, 0);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_no_error (error);
  /* Sorted, once each; "yes" is the default "Yes"; `na` is the default level. */
  g_assert_cmpuint (g_strv_length (changed), ==, 2);
  g_assert_cmpstr (changed[0], ==, "GPP_A");
  g_assert_cmpstr (changed[1], ==, "GPP_B");
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (log->pdata[0], ==, "GPP_A,GPP_B");
  g_clear_pointer (&changed, g_strfreev);

  /* The same again: no change, no signal, no write. */
  g_assert_cmpint (g_stat (t.path, &before), ==, 0);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_nonnull (changed);
  g_assert_cmpuint (g_strv_length (changed), ==, 0);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpint (g_stat (t.path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, ==, after.st_ino);
  g_assert_cmpint (before.st_mtim.tv_sec, ==, after.st_mtim.tv_sec);
  g_assert_cmpint (before.st_mtim.tv_nsec, ==, after.st_mtim.tv_nsec);
  g_clear_pointer (&changed, g_strfreev);

  /* An access level alone is a change, and a real change is written: a
   * record of the journal, not the whole store again. */
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  admin_set (store, "GPP_A", NULL, PROV_ACCESS_RO);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpstr (log->pdata[1], ==, "GPP_A");
  g_assert_cmpint (g_stat (t.path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, ==, after.st_ino);
  g_assert_cmpint (before.st_mtim.tv_nsec, ==, after.st_mtim.tv_nsec);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));

  g_clear_object (&store);
  tmp_store_clear (&t);
}

static void
test_write_failure (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *journal = NULL;
  g_autoptr (GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  TmpStore t;

  tmp_store_init (&t);
  tmp = g_strconcat (t.path, ".tmp", NULL);
  journal = g_strconcat (t.path, ".journal", NULL);
  store = open_store (schema, t.path);
  admin_set (store, "GPP_A", "old", PROV_ACCESS_UNSET);
  before = file_bytes (t.path);
  g_signal_connect (store, "changed", G_CALLBACK (on_changed), log);

  /* Directories where the temporary and the journal go make the write fail
   * (even as root), be it an append to the journal or a new base. */
  g_assert_cmpint (g_mkdir (tmp, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (journal, 0700), ==, 0);
  error = set_one (store, PROV_CALLER_ADMIN, "GPP_A", "new", PROV_ACCESS_UNSET);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "cannot write "));
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "old");
  g_assert_cmpuint (log->len, ==, 0);
  after = file_bytes (t.path);
  g_assert_true (g_bytes_equal (before, after));

  g_clear_object (&store);
  tmp_store_clear (&t);
}

static void
test_leftover_tmp (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autofree char *tmp = NULL;
  GStatBuf st;
  TmpStore t;

  tmp_store_init (&t);
  tmp = g_strconcat (t.path, ".tmp", NULL);

  /* A crash before the first rename: only the temporary exists. */
  g_assert_true (g_file_set_contents (tmp, "provisiond-store 1\nrw\tGPP_A\thalf", -1, NULL));
  store = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "");
  /* The next write reuses it, with the right mode. */
  g_assert_cmpint (g_chmod (tmp, 0644), ==, 0);
  admin_set (store, "GPP_A", "whole", PROV_ACCESS_UNSET);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (t.path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_object (&store);

  /* A crash before a later rename: the old store is whole. */
  g_assert_true (g_file_set_contents (tmp, "garbage", -1, NULL));
  store = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "whole");
  g_clear_object (&store);

  tmp_store_clear (&t);
}

static void
test_get_fallback (void)
{
  g_autoptr (ProvSchema) loose = prov_schema_new ();
  g_autoptr (ProvSchema) strict = prov_schema_new ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (GError) error = NULL;
  TmpStore t;

  /* A value stored under an older schema that the current one rejects. */
  g_assert_true (prov_schema_load_data (strict, "[Count]\nType=int\nDefault=7\n"
                                                "[Flag]\nType=bool\nDefault=Yes\n",
                                        "strict", &error));
  g_assert_no_error (error);
  tmp_store_init (&t);
  store = open_store (loose, t.path);
  admin_set (store, "Count", "many", PROV_ACCESS_UNSET);
  admin_set (store, "Flag", "perhaps", PROV_ACCESS_UNSET);
  g_clear_object (&store);

  store = open_store (strict, t.path);
  g_assert_cmpstr (prov_store_get (store, "Count"), ==, "many");
  g_assert_cmpint (prov_store_get_int (store, "Count"), ==, 7);
  g_assert_true (prov_store_get_bool (store, "Flag"));
  g_clear_object (&store);
  tmp_store_clear (&t);
}

static void
test_large (void)
{
  guint n = quick () ? 20000 : 500000;
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) changed = NULL;
  gint64 t0, t1, t2, t3;
  TmpStore t;

  tmp_store_init (&t);
  for (guint i = 0; i < n; i++)
    {
      char name[32], value[48];

      g_snprintf (name, sizeof name, "Param_%07u", i);
      g_snprintf (value, sizeof value, "value %u\twith tab", i);
      prov_change_set_add (changes, name, value, i % 3, "big.xml", i + 2);
    }
  t0 = g_get_monotonic_time ();
  store = open_store (schema, t.path);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, &changed, &error));
  g_assert_no_error (error);
  t1 = g_get_monotonic_time ();
  g_assert_cmpuint (g_strv_length (changed), ==, n);
  g_clear_object (&store);

  store = open_store (schema, t.path);
  t2 = g_get_monotonic_time ();
  g_assert_cmpstr (prov_store_get (store, "Param_0000000"), ==, "value 0\twith tab");
  g_assert_cmpstr (prov_store_get (store, "Param_0012345"), ==, "value 12345\twith tab");
  g_assert_cmpint (prov_store_get_access (store, "Param_0012345"), ==, 12345 % 3);

  /* One change in a big store. */
  admin_set (store, "Param_0000001", "changed", PROV_ACCESS_UNSET);
  t3 = g_get_monotonic_time ();
  g_test_message ("%u parameters: apply+persist %.0f ms, load %.0f ms, one change %.0f ms",
                  n, (t1 - t0) / 1000.0, (t2 - t1) / 1000.0, (t3 - t2) / 1000.0);
  g_clear_object (&store);
  store = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get (store, "Param_0000001"), ==, "changed");
  g_assert_cmpstr (prov_store_get (store, "Param_0000002"), ==, "value 2\twith tab");

  g_clear_object (&store);
  tmp_store_clear (&t);
}

/* What a path names, as a state: its bytes, or "-" when it is absent. */
static char *
file_state (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return g_strdup ("-");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

/* Names whose escaped form sorts unlike the name: a tab escapes to "\t",
 * after "A" where the tab itself comes before it. */
static const char *const odd_names[] = { "Odd\tname", "Odd\nname", "Odd\\name", "OddA", "Odd" };

/* A compaction merges the old base, the journal's entries and the changes
 * as it writes the new base: every old name stays, the changed ones and
 * the journal's are replaced, an entry back at its default goes. */
static void
test_compaction_merge (void)
{
  guint n_old = 3000, n_new = quick () ? 12000 : 40000;
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvChangeSet) first = prov_change_set_new ();
  g_autoptr (ProvChangeSet) small = prov_change_set_new ();
  g_autoptr (ProvChangeSet) big = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *tmp = NULL;
  g_auto (GStrv) changed = NULL;
  g_auto (GStrv) names = NULL;
  GStatBuf st;
  TmpStore t;

  tmp_store_init (&t);
  journal = g_strconcat (t.path, ".journal", NULL);
  tmp = g_strconcat (t.path, ".tmp", NULL);
  store = open_store (schema, t.path);
  for (guint i = 0; i < n_old; i++)
    {
      g_autofree char *name = g_strdup_printf ("Old_%05u", i);
      g_autofree char *value = g_strdup_printf ("old %u", i);

      prov_change_set_add (first, name, value, i == 20 ? PROV_ACCESS_RW : PROV_ACCESS_UNSET,
                           NULL, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (odd_names); i++)
    prov_change_set_add (first, odd_names[i], odd_names[i], PROV_ACCESS_UNSET, NULL, 0);
  g_assert_true (prov_store_apply (store, first, PROV_CALLER_ADMIN, NULL, &error));
  g_assert_no_error (error);

  /* A journal record on top of the base, and a name read (kept in memory). */
  prov_change_set_add (small, "Old_00001", "journal", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (small, "Old_00002", NULL, PROV_ACCESS_RO, NULL, 0);
  prov_change_set_add (small, "GPP_A", "j", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (small, "Resync_Random_Delay", "5", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (small, "Odd\nname", "journal", PROV_ACCESS_UNSET, NULL, 0);
  g_assert_true (prov_store_apply (store, small, PROV_CALLER_ADMIN, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (prov_store_get (store, "Old_00002"), ==, "old 2");
  g_assert_cmpint (prov_store_get_access (store, "Old_00002"), ==, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_store_get (store, "Old_00003"), ==, "old 3");

  /* More than the journal takes: a new base. */
  for (guint i = 0; i < n_new; i++)
    {
      g_autofree char *name = g_strdup_printf ("New_%05u", i);
      g_autofree char *value = g_strdup_printf ("new %u", i);

      prov_change_set_add (big, name, value, PROV_ACCESS_UNSET, NULL, 0);
    }
  prov_change_set_add (big, "Old_00001", "replaced", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (big, "Old_00003", "replaced", PROV_ACCESS_NA, NULL, 0);
  prov_change_set_add (big, "Old_02999", "replaced", PROV_ACCESS_UNSET, NULL, 0);
  /* Half of a state changes; the other half is the base's. */
  prov_change_set_add (big, "Old_00010", NULL, PROV_ACCESS_RO, NULL, 0);
  prov_change_set_add (big, "Old_00020", "replaced", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (big, "Resync_Random_Delay", "", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (big, "Odd\tname", "replaced", PROV_ACCESS_UNSET, NULL, 0);
  prov_change_set_add (big, "Odd\tnew", "new", PROV_ACCESS_UNSET, NULL, 0);
  g_assert_true (prov_store_apply_take (store, g_steal_pointer (&big), PROV_CALLER_ADMIN,
                                        &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (changed), ==, n_new + 8);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (t.path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpstr (prov_store_get (store, "Old_00003"), ==, "replaced");
  g_assert_cmpstr (prov_store_get (store, "New_00007"), ==, "new 7");
  g_clear_object (&store);

  store = open_store (schema, t.path);
  g_assert_true (prov_store_check (store, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (store, "Old_00000"), ==, "old 0");
  g_assert_cmpstr (prov_store_get (store, "Old_00001"), ==, "replaced");
  g_assert_cmpstr (prov_store_get (store, "Old_00002"), ==, "old 2");
  g_assert_cmpint (prov_store_get_access (store, "Old_00002"), ==, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_store_get (store, "Old_00003"), ==, "replaced");
  g_assert_cmpint (prov_store_get_access (store, "Old_00003"), ==, PROV_ACCESS_NA);
  g_assert_cmpstr (prov_store_get (store, "Old_01234"), ==, "old 1234");
  g_assert_cmpstr (prov_store_get (store, "Old_02999"), ==, "replaced");
  g_assert_cmpstr (prov_store_get (store, "Old_00010"), ==, "old 10");
  g_assert_cmpint (prov_store_get_access (store, "Old_00010"), ==, PROV_ACCESS_RO);
  g_assert_cmpstr (prov_store_get (store, "Old_00020"), ==, "replaced");
  g_assert_cmpint (prov_store_get_access (store, "Old_00020"), ==, PROV_ACCESS_RW);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "j");
  g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "2");
  g_assert_cmpstr (prov_store_get (store, "New_00000"), ==, "new 0");
  g_assert_cmpstr (prov_store_get (store, "New_11999"), ==, "new 11999");
  g_assert_cmpstr (prov_store_get (store, "Odd\tname"), ==, "replaced");
  g_assert_cmpstr (prov_store_get (store, "Odd\tnew"), ==, "new");
  g_assert_cmpstr (prov_store_get (store, "Odd\nname"), ==, "journal");
  g_assert_cmpstr (prov_store_get (store, "Odd\\name"), ==, "Odd\\name");
  g_assert_cmpstr (prov_store_get (store, "OddA"), ==, "OddA");
  g_assert_cmpstr (prov_store_get (store, "Odd"), ==, "Odd");
  names = prov_store_list_names (store, PROV_CALLER_ADMIN);
  g_assert_true (g_strv_contains ((const char *const *) names, "Old_00000"));
  g_assert_true (g_strv_contains ((const char *const *) names, "Odd\tnew"));
  g_clear_object (&store);
  tmp_store_clear (&t);
}

/* A profile of many names with an invalid value in the middle changes
 * nothing, whether the apply would have written a journal record or a
 * new base; the error names the first invalid value's place. */
static void
test_large_invalid (void)
{
  guint n = quick () ? 10000 : 50000;
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (GError) error = NULL;
  TmpStore t;

  tmp_store_init (&t);
  for (guint with_base = 0; with_base < 2; with_base++)
    {
      g_autoptr (ProvStore) store = open_store (schema, t.path);
      g_autoptr (ProvChangeSet) changes = prov_change_set_new_checked (schema);
      g_autofree char *journal = g_strconcat (t.path, ".journal", NULL);
      g_autofree char *tmp = g_strconcat (t.path, ".tmp", NULL);
      g_autofree char *base_before = NULL, *journal_before = NULL;
      g_autofree char *base_after = NULL, *journal_after = NULL;
      g_auto (GStrv) changed = NULL;

      if (with_base)
        admin_set (store, "GPP_A", "kept", PROV_ACCESS_UNSET);
      base_before = file_state (t.path);
      journal_before = file_state (journal);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *name = g_strdup_printf ("Big_%06u", i);

          prov_change_set_add (changes, name, "Yes", PROV_ACCESS_RW, "big.xml", i + 3);
          if (i == n / 2)
            prov_change_set_add (changes, "Resync_Random_Delay", "soon", PROV_ACCESS_UNSET,
                                 "big.xml", i + 3);
          if (i == n / 2 + 10)
            prov_change_set_add (changes, "Provision_Enable", "maybe", PROV_ACCESS_UNSET,
                                 "big.xml", i + 3);
        }
      /* A later valid value does not excuse it. */
      prov_change_set_add (changes, "Resync_Random_Delay", "7", PROV_ACCESS_UNSET, "more.xml", 2);
      g_assert_false (prov_store_apply_take (store, g_steal_pointer (&changes),
                                             PROV_CALLER_ADMIN, &changed, &error));
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
      g_assert_true (g_str_has_prefix (error->message, "big.xml: line "));
      g_assert_nonnull (strstr (error->message, ": Resync_Random_Delay: "));
      g_clear_error (&error);
      g_assert_null (changed);

      base_after = file_state (t.path);
      journal_after = file_state (journal);
      g_assert_cmpstr (base_after, ==, base_before);
      g_assert_cmpstr (journal_after, ==, journal_before);
      g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
      g_assert_cmpstr (prov_store_get (store, "Big_000000"), ==, NULL);
      g_assert_cmpstr (prov_store_get (store, "Resync_Random_Delay"), ==, "2");
      g_clear_object (&store);
      store = open_store (schema, t.path);
      g_assert_cmpstr (prov_store_get (store, "Big_000001"), ==, NULL);
      g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, with_base ? "kept" : "");
    }
  tmp_store_clear (&t);
}

/* A big profile naming each name twice: one entry per name, the last
 * value wins, an add of the access level only keeps the value. */
static void
test_large_last_wins (void)
{
  guint n = quick () ? 10000 : 100000;
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvChangeSet) changes = prov_change_set_new_checked (schema);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) changed = NULL;
  TmpStore t;

  tmp_store_init (&t);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *name = g_strdup_printf ("Dup_%06u", i);
        g_autofree char *value = g_strdup_printf ("%s %u", pass == 0 ? "first" : "last", i);

        prov_change_set_add (changes, name, value, pass == 0 ? PROV_ACCESS_RW : PROV_ACCESS_UNSET,
                             "dup.xml", pass * n + i + 3);
      }
  prov_change_set_add (changes, "Dup_000005", NULL, PROV_ACCESS_NA, "dup.xml", 2 * n + 3);
  g_assert_cmpuint (prov_change_set_get_n_names (changes), ==, n);
  g_assert_cmpuint (prov_change_set_get_size (changes), ==, 2 * n + 1);
  store = open_store (schema, t.path);
  g_assert_true (prov_store_apply_take (store, g_steal_pointer (&changes), PROV_CALLER_ADMIN,
                                        &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (changed), ==, n);
  g_assert_cmpstr (changed[0], ==, "Dup_000000");
  g_clear_object (&store);

  store = open_store (schema, t.path);
  g_assert_cmpstr (prov_store_get (store, "Dup_000000"), ==, "last 0");
  g_assert_cmpint (prov_store_get_access (store, "Dup_000000"), ==, PROV_ACCESS_RW);
  g_assert_cmpstr (prov_store_get (store, "Dup_000005"), ==, "last 5");
  g_assert_cmpint (prov_store_get_access (store, "Dup_000005"), ==, PROV_ACCESS_NA);
  g_assert_cmpstr (prov_store_get (store, "Dup_009999"), ==, "last 9999");
  g_clear_object (&store);
  tmp_store_clear (&t);
}

/* The reads of the CLI's output leave nothing of the store behind them. */
static void
test_read_keeps_nothing (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  TmpStore t;

  tmp_store_init (&t);
  store = open_store (schema, t.path);
  admin_set (store, "GPP_A", "base", PROV_ACCESS_UNSET);
  admin_set (store, "Secret_Pin", "1234", PROV_ACCESS_UNSET);
  g_clear_object (&store);
  store = open_store (schema, t.path);
  g_assert_true (prov_store_read (store, "GPP_A", PROV_CALLER_ADMIN, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "base");
  g_clear_pointer (&value, g_free);
  prov_store_trim (store);
  g_assert_true (prov_store_read (store, "Secret_Pin", PROV_CALLER_ADMIN, &value, &error));
  g_assert_cmpstr (value, ==, "1234");
  g_clear_pointer (&value, g_free);
  /* The same answers as before for a user. */
  g_assert_false (prov_store_read (store, "Secret_Pin", PROV_CALLER_USER, &value, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (prov_store_read (store, "No_Such_Name", PROV_CALLER_ADMIN, &value, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_clear_object (&store);
  tmp_store_clear (&t);
}

/* The values of the journal test's three names, "-" for none. */
static char *
journal_state (ProvStore *store)
{
  return g_strdup_printf ("%s|%s|%s|%d", prov_store_get (store, "GPP_A"),
                          prov_store_get (store, "GPP_B"),
                          prov_store_get (store, "Resync_Random_Delay"),
                          prov_store_get_access (store, "GPP_B"));
}

static guint
count_commits (const char *data, gsize len)
{
  guint n = 0;

  for (gsize i = 0; i + 7 <= len; i++)
    {
      if ((i == 0 || data[i - 1] == '\n') && memcmp (data + i, "commit ", 7) == 0
          && memchr (data + i, '\n', len - i) != NULL)
        n++;
    }
  return n;
}

static void
test_journal (void)
{
  g_autoptr (ProvSchema) schema = make_schema ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (GBytes) good = NULL;
  g_autoptr (GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *journal = NULL;
  g_autoptr (GError) error = NULL;
  const char *data;
  gsize len;
  TmpStore t;

  tmp_store_init (&t);
  journal = g_strconcat (t.path, ".journal", NULL);
  store = open_store (schema, t.path);
  admin_set (store, "GPP_A", "base", PROV_ACCESS_UNSET); /* the first write: a base */
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_ptr_array_add (states, journal_state (store));
  admin_set (store, "GPP_B", "one\ttab", PROV_ACCESS_RO);
  g_ptr_array_add (states, journal_state (store));
  admin_set (store, "Resync_Random_Delay", "5", PROV_ACCESS_UNSET);
  g_ptr_array_add (states, journal_state (store));
  admin_set (store, "GPP_A", "three", PROV_ACCESS_UNSET);
  g_ptr_array_add (states, journal_state (store));
  /* Back to the default: the record removes the entry. */
  admin_set (store, "Resync_Random_Delay", "", PROV_ACCESS_UNSET);
  g_ptr_array_add (states, journal_state (store));
  g_clear_object (&store);
  good = file_bytes (journal);
  data = g_bytes_get_data (good, &len);

  /* A crash cuts the journal anywhere: what opens is the state after the
   * whole records, never part of one; the next apply goes after them. */
  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autofree char *seen = NULL;
      g_autofree char *after = NULL;
      guint whole = count_commits (data, cut);

      g_assert_true (g_file_set_contents (journal, data, cut, NULL));
      store = open_store (schema, t.path);
      seen = journal_state (store);
      g_assert_cmpstr (seen, ==, states->pdata[whole]);
      admin_set (store, "Station_Name", "after", PROV_ACCESS_UNSET);
      g_clear_object (&store);
      store = open_store (schema, t.path);
      after = journal_state (store);
      g_assert_cmpstr (after, ==, states->pdata[whole]);
      g_assert_cmpstr (prov_store_get (store, "Station_Name"), ==, "after");
      g_assert_true (prov_store_check (store, &error));
      g_assert_no_error (error);
      g_clear_object (&store);
    }

  /* A damaged record before the last is no crash: an error, not a rollback. */
  {
    g_autofree char *copy = g_memdup2 (data, len);
    const char *second = strstr (copy, "\ncommit ");

    g_assert_nonnull (second);
    copy[second - copy - 3] ^= 0x01;
    g_assert_true (g_file_set_contents (journal, copy, len, NULL));
    store = prov_store_new (schema, t.path, &error);
    g_assert_null (store);
    g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "damaged journal record"));
    g_clear_error (&error);
  }
  tmp_store_clear (&t);
}

/* A read does not read the whole store: damage far from the name read goes
 * unnoticed by it, and prov_store_check finds it. */
static void
test_lazy_read (void)
{
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (ProvStore) store = NULL;
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  char *damaged;
  gsize len;
  TmpStore t;

  tmp_store_init (&t);
  for (guint i = 0; i < 5000; i++)
    {
      char name[32], value[32];

      g_snprintf (name, sizeof name, "Param_%05u", i);
      g_snprintf (value, sizeof value, "value-%u", i);
      prov_change_set_add (changes, name, value, PROV_ACCESS_RW, NULL, 0);
    }
  store = open_store (schema, t.path);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_true (g_file_get_contents (t.path, &data, &len, NULL));
  damaged = strstr (data, "value-4321\t");
  g_assert_nonnull (damaged);
  damaged[6] = '9';
  g_assert_true (g_file_set_contents (t.path, data, len, NULL));

  store = open_store (schema, t.path);
  for (guint i = 0; i < 5000; i += 997)
    {
      char name[32], value[32];

      g_snprintf (name, sizeof name, "Param_%05u", i);
      g_snprintf (value, sizeof value, "value-%u", i);
      g_assert_cmpstr (prov_store_get (store, name), ==, value);
    }
  g_assert_null (prov_store_get (store, "Param_99999"));
  g_assert_null (prov_store_get (store, "Aaa"));
  g_assert_null (prov_store_get (store, "Zzz"));
  /* The damaged line itself is refused when read: logged, taken as absent. */
  g_test_expect_message ("Prov", G_LOG_LEVEL_WARNING, "*line 4323: checksum mismatch*");
  g_assert_null (prov_store_get (store, "Param_04321"));
  g_test_assert_expected_messages ();
  g_assert_false (prov_store_check (store, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_object (&store);

  /* A name read as absent, then set: its entry replaces the absent one. */
  store = open_store (schema, t.path);
  g_assert_null (prov_store_get (store, "New_Name"));
  admin_set (store, "New_Name", "new", PROV_ACCESS_UNSET);
  g_assert_cmpstr (prov_store_get (store, "New_Name"), ==, "new");
  g_assert_cmpstr (prov_store_get (store, "Param_00007"), ==, "value-7");
  g_clear_object (&store);
  tmp_store_clear (&t);
}

/* Crash safety: store-writer is SIGKILLed at a random instant while it
 * replaces a 2000-parameter generation; the store must then hold exactly
 * the old or the new generation, never a mix. The base is replaced by
 * prov_atomic_file_write(), the core's one crash-safe write (the custom
 * CA, firmware images and status use its open and commit halves): this is
 * its crash test. */
#define CRASH_PARAMS 2000

static guint
store_generation (const char *path)
{
  g_autoptr (ProvSchema) schema = prov_schema_new ();
  g_autoptr (ProvStore) store = open_store (schema, path);
  g_auto (GStrv) names = prov_store_list_names (store, PROV_CALLER_ADMIN);
  guint gen = 0;

  g_assert_cmpuint (g_strv_length (names), ==, CRASH_PARAMS);
  g_assert_cmpint (sscanf (prov_store_get (store, "Crash_0000"), "gen-%u-", &gen), ==, 1);
  for (guint i = 0; i < CRASH_PARAMS; i++)
    {
      char name[32], expected[64];

      g_snprintf (name, sizeof name, "Crash_%04u", i);
      g_snprintf (expected, sizeof expected, "gen-%u-item-%04u", gen, i);
      g_assert_cmpstr (prov_store_get (store, name), ==, expected);
    }
  return gen;
}

/* g_spawn rather than GSubprocess: no GLib worker thread, so valgrind
 * runs of this test stay free of its thread-local "possibly lost". */
static void
run_writer (const char *writer, const char *path, guint gen, gint64 kill_after_us)
{
  g_autofree char *gen_str = g_strdup_printf ("%u", gen);
  const char *argv[] = { writer, path, gen_str, NULL };
  g_autoptr (GError) error = NULL;
  GPid pid;
  int status = 0;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  if (kill_after_us >= 0)
    {
      /* Not synchronisation: the random instant of the kill is the test. */
      g_usleep (kill_after_us);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  if (kill_after_us < 0 || !WIFSIGNALED (status))
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  else
    g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
}

static void
test_crash_safety (void)
{
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "store-writer", NULL);
  guint iterations = quick () ? 10 : 60;
  guint gen = 1, completed = 0, killed = 0, mid_write = 0;
  g_autofree char *tmp = NULL;
  gint64 start, typical;
  TmpStore t;

  if (!g_file_test (writer, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("store-writer not built");
      return;
    }
  tmp_store_init (&t);
  tmp = g_strconcat (t.path, ".tmp", NULL);
  start = g_get_monotonic_time ();
  run_writer (writer, t.path, gen, -1);
  typical = g_get_monotonic_time () - start;
  g_assert_cmpuint (store_generation (t.path), ==, gen);

  for (guint i = 0; i < iterations; i++)
    {
      guint previous = gen;
      guint next = i + 2; /* a fresh tag each run, even after a kill */
      guint seen;

      /* Only to count the kills that hit the write; loading ignores it. */
      g_remove (tmp);
      run_writer (writer, t.path, next, g_test_rand_int_range (0, (gint32) typical + 1));
      if (g_file_test (tmp, G_FILE_TEST_EXISTS))
        mid_write++;
      seen = store_generation (t.path);
      g_assert_true (seen == previous || seen == next);
      if (seen == next)
        completed++;
      else
        killed++;
      gen = seen;
    }
  g_test_message ("crash safety: writer takes %" G_GINT64_FORMAT " us; %u runs completed, "
                  "%u killed before the rename (%u of them while writing the temporary)",
                  typical, completed, killed, mid_write);
  tmp_store_clear (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/defaults", test_defaults);
  g_test_add_func ("/store/last-wins", test_last_wins);
  g_test_add_func ("/store/access", test_access);
  g_test_add_func ("/store/secrets", test_secrets);
  g_test_add_func ("/store/all-or-nothing", test_all_or_nothing);
  g_test_add_func ("/store/change-set/one-per-name", test_change_set_one_per_name);
  g_test_add_func ("/store/change-set/truncate", test_change_set_truncate);
  g_test_add_func ("/store/empty-value", test_empty_value);
  g_test_add_func ("/store/keep-unknown", test_keep_unknown);
  g_test_add_func ("/store/persistence", test_persistence);
  g_test_add_func ("/store/file-mode", test_file_mode);
  g_test_add_func ("/store/corrupt", test_corrupt);
  g_test_add_func ("/store/escaping", test_escaping);
  g_test_add_func ("/store/changed", test_changed);
  g_test_add_func ("/store/write-failure", test_write_failure);
  g_test_add_func ("/store/leftover-tmp", test_leftover_tmp);
  g_test_add_func ("/store/get-fallback", test_get_fallback);
  g_test_add_func ("/store/large", test_large);
  g_test_add_func ("/store/large-invalid", test_large_invalid);
  g_test_add_func ("/store/large-last-wins", test_large_last_wins);
  g_test_add_func ("/store/compaction-merge", test_compaction_merge);
  g_test_add_func ("/store/read-keeps-nothing", test_read_keeps_nothing);
  g_test_add_func ("/store/journal", test_journal);
  g_test_add_func ("/store/lazy-read", test_lazy_read);
  g_test_add_func ("/store/crash-safety", test_crash_safety);

  return g_test_run ();
}
