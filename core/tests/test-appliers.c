/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ProvApplierMap and ProvAppliers with an applier written here: the view
 * and the changed names an applier gets, rollback on a failed health
 * report (store restored, signal, status), the rolled-back profile not
 * applied again until its content changes (file://, no validators). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "prov-appliers.h"
#include "prov-context.h"
#include "prov-error.h"

/* ---- an applier that reports what the test tells it ---- */

#define TEST_TYPE_APPLIER (test_applier_get_type ())
G_DECLARE_FINAL_TYPE (TestApplier, test_applier, TEST, APPLIER, ProvPlugin)

struct _TestApplier
{
  ProvPlugin  parent_instance;
  GPtrArray  *passwords; /* Password_1_ of each apply */
  GPtrArray  *changed;   /* changed names of each apply, joined with ',' */
  gboolean    fail_next;
};

static void test_applier_iface_init (ProvApplierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestApplier, test_applier, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_APPLIER, test_applier_iface_init))

static void
test_applier_apply_async (ProvApplier *applier, ProvDevice *device, ProvApplierMap *map,
                          GHashTable *params, const char *const *changed,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  TestApplier *self = TEST_APPLIER (applier);
  g_autoptr(GTask) task = g_task_new (applier, cancellable, callback, user_data);
  ProvApplyReport *report = prov_apply_report_new ();

  g_ptr_array_add (self->passwords, g_strdup (prov_applier_map_line (map, params, "pw", 1)));
  g_ptr_array_add (self->changed, g_strjoinv (",", (GStrv) changed));
  if (self->fail_next)
    {
      report->health = PROV_APPLIER_HEALTH_FAILED;
      report->failed = 1;
      report->detail = g_strdup ("line 1: 401 Unauthorized");
      self->fail_next = FALSE;
    }
  else
    {
      report->health = PROV_APPLIER_HEALTH_OK;
      report->registered = 1;
    }
  g_task_return_pointer (task, report, (GDestroyNotify) prov_apply_report_free);
}

/* No apply_finish: the interface's default takes the GTask's report. */
static void
test_applier_iface_init (ProvApplierInterface *iface)
{
  iface->apply_async = test_applier_apply_async;
}

static void
test_applier_finalize (GObject *object)
{
  TestApplier *self = TEST_APPLIER (object);

  g_ptr_array_unref (self->passwords);
  g_ptr_array_unref (self->changed);
  G_OBJECT_CLASS (test_applier_parent_class)->finalize (object);
}

static void
test_applier_class_init (TestApplierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_applier_finalize;
}

static void
test_applier_init (TestApplier *self)
{
  self->passwords = g_ptr_array_new_with_free_func (g_free);
  self->changed = g_ptr_array_new_with_free_func (g_free);
}

/* ---- fixture ---- */

typedef struct
{
  char         *dir;
  ProvContext  *ctx;
  TestApplier  *applier;
  ProvAppliers *appliers;
  char         *reason;
} Fixture;

static void
on_rolled_back (ProvAppliers *appliers, const char *reason, const char *text, gpointer user_data)
{
  Fixture *f = user_data;

  g_free (f->reason);
  f->reason = g_strdup (reason);
}

static void
write_file (Fixture *f, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* What a process (the daemon, an offline provisionctl) opens on f->dir. */
static void
open_context (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->ctx = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (prov_registry_add_plugin (prov_context_get_registry (f->ctx),
                                           PROV_PLUGIN (f->applier), &error));
  g_assert_no_error (error);
  f->appliers = prov_appliers_new (prov_context_get_engine (f->ctx));
  g_signal_connect (f->appliers, "rolled-back", G_CALLBACK (on_rolled_back), f);
  prov_appliers_start (f->appliers, FALSE);
}

static void
expect_rollback_messages (void)
{
  g_test_expect_message ("Prov", G_LOG_LEVEL_MESSAGE, "applier test: rolled back: line 1: 401*");
  g_test_expect_message ("Prov", G_LOG_LEVEL_WARNING,
                         "rolled back to the previous parameters: test: line 1: 401*");
  g_test_expect_message ("Prov", G_LOG_LEVEL_MESSAGE, "applier test: registered");
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("prov-appliers-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *profiles = g_build_filename (f->dir, "profiles", NULL);
    g_assert_cmpint (g_mkdir (profiles, 0700), ==, 0);
  }
  write_file (f, "device.conf", "[Device]\nMAC=00:0e:08:ab:cd:ef\n[test]\nEnabled=true\n");
  write_file (f, "test.map", "[Mapping]\nLines=2\n[Line]\npw=Password_%n_\n");
  g_setenv ("PROV_APPLIER_MAP_DIR", f->dir, TRUE);
  f->applier = g_object_new (TEST_TYPE_APPLIER, "name", "test", NULL);
  open_context (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *profiles = g_build_filename (f->dir, "profiles", NULL);
  g_autoptr(GDir) pdir = g_dir_open (profiles, 0, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->appliers);
  g_clear_object (&f->applier);
  g_clear_object (&f->ctx);
  while (pdir != NULL && (name = g_dir_read_name (pdir)) != NULL)
    {
      g_autofree char *child = g_build_filename (profiles, name, NULL);
      g_unlink (child);
    }
  g_rmdir (profiles);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->reason);
  g_unsetenv ("PROV_APPLIER_MAP_DIR");
}

static void
on_resynced (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ProvResyncResult **result = user_data;
  g_autoptr(GError) error = NULL;

  *result = prov_engine_resync_finish (PROV_ENGINE (source), res, &error);
  g_assert_no_error (error);
}

/* One resync of @name, then every apply it caused (bounded by the main
 * loop running dry of work: the appliers say "idle"). */
static ProvResyncResult *
resync (Fixture *f, const char *name)
{
  g_autofree char *url = g_strdup_printf ("file://%s/profiles/%s", f->dir, name);
  ProvResyncResult *result = NULL;

  prov_engine_resync_async (prov_context_get_engine (f->ctx), PROV_CAUSE_EXPLICIT, url, NULL,
                            NULL, on_resynced, &result);
  while (result == NULL || prov_appliers_is_busy (f->appliers))
    g_main_context_iteration (NULL, TRUE);
  return result;
}

static const char *
stored (Fixture *f, const char *name)
{
  return prov_store_get (prov_context_get_store (f->ctx), name);
}

static void
test_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr(ProvResyncResult) r1 = NULL;
  g_autoptr(ProvResyncResult) r2 = NULL;
  g_autoptr(ProvResyncResult) r3 = NULL;
  g_autoptr(ProvResyncResult) r4 = NULL;
  ProvStatus *status = prov_context_get_status (f->ctx);

  write_file (f, "profiles/a.xml", "<flat-profile><Password_1_>good</Password_1_>"
                          "<GPP_B>kept</GPP_B></flat-profile>");
  r1 = resync (f, "a.xml");
  g_assert_cmpuint (f->applier->passwords->len, ==, 1);
  g_assert_cmpstr (f->applier->passwords->pdata[0], ==, "good");
  g_assert_cmpstr (f->applier->changed->pdata[0], ==, "GPP_B,Password_1_");

  /* Line 1 was registered; the new password breaks it: back to "good". */
  write_file (f, "profiles/b.xml", "<flat-profile><Password_1_>bad</Password_1_></flat-profile>");
  f->applier->fail_next = TRUE;
  expect_rollback_messages ();
  r2 = resync (f, "b.xml");
  g_test_assert_expected_messages ();
  g_assert_cmpstr (stored (f, "Password_1_"), ==, "good");
  g_assert_cmpstr (stored (f, "GPP_B"), ==, "kept");
  g_assert_cmpstr (f->reason, ==, "test: line 1: 401 Unauthorized");
  g_assert_cmpstr (prov_status_get_string (status, "rollback-reason"), ==,
                   "test: line 1: 401 Unauthorized");
  /* The consumer got the bad value, then the good one again. */
  g_assert_cmpuint (f->applier->passwords->len, ==, 3);
  g_assert_cmpstr (f->applier->passwords->pdata[1], ==, "bad");
  g_assert_cmpstr (f->applier->passwords->pdata[2], ==, "good");
  g_assert_cmpstr (f->applier->changed->pdata[2], ==, "Password_1_");

  /* The same bytes again: nothing applied, nothing changed. */
  r3 = resync (f, "b.xml");
  g_assert_cmpuint (g_strv_length (r3->changed), ==, 0);
  g_assert_cmpstr (stored (f, "Password_1_"), ==, "good");
  g_assert_cmpuint (f->applier->passwords->len, ==, 3);

  /* Also after a restart: the rejection is kept in status.ini. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ProvResyncResult) again = NULL;
    ProvContext *first = f->ctx;

    f->ctx = prov_context_new (f->dir, NULL, NULL, &error);
    g_assert_no_error (error);
    again = resync (f, "b.xml");
    g_assert_cmpuint (g_strv_length (again->changed), ==, 0);
    g_assert_null (strstr (prov_status_get_string (prov_context_get_status (f->ctx),
                                                   "rejected-profiles"), "b.xml"));
    g_object_unref (f->ctx);
    f->ctx = first;
  }

  /* Changed on the server: applied. */
  write_file (f, "profiles/b.xml", "<flat-profile><Password_1_>better</Password_1_></flat-profile>");
  r4 = resync (f, "b.xml");
  g_assert_cmpstr (stored (f, "Password_1_"), ==, "better");
  g_assert_cmpuint (f->applier->passwords->len, ==, 4);
}

/* A line registered in an earlier run (a daemon restart, an offline
 * provisionctl) counts: status keeps it. */
static void
test_rollback_after_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(ProvResyncResult) r1 = NULL;
  g_autoptr(ProvResyncResult) r2 = NULL;

  write_file (f, "profiles/a.xml", "<flat-profile><Password_1_>good</Password_1_></flat-profile>");
  r1 = resync (f, "a.xml");
  g_assert_cmpstr (stored (f, "Password_1_"), ==, "good");

  g_clear_object (&f->appliers);
  g_clear_object (&f->ctx);
  open_context (f);

  write_file (f, "profiles/b.xml", "<flat-profile><Password_1_>bad</Password_1_></flat-profile>");
  f->applier->fail_next = TRUE;
  expect_rollback_messages ();
  r2 = resync (f, "b.xml");
  g_test_assert_expected_messages ();
  g_assert_cmpstr (f->reason, ==, "test: line 1: 401 Unauthorized");
  g_assert_cmpstr (stored (f, "Password_1_"), ==, "good");
}

/* A failure of a line never registered is no reason to roll back. */
static void
test_no_rollback_without_registration (Fixture *f, gconstpointer data)
{
  g_autoptr(ProvResyncResult) r1 = NULL;

  write_file (f, "profiles/a.xml", "<flat-profile><Password_1_>bad</Password_1_></flat-profile>");
  f->applier->fail_next = TRUE;
  r1 = resync (f, "a.xml");
  g_assert_cmpstr (stored (f, "Password_1_"), ==, "bad");
  g_assert_null (f->reason);
  g_assert_cmpuint (f->applier->passwords->len, ==, 1);
}

static void
test_disabled_applier (Fixture *f, gconstpointer data)
{
  g_autoptr(ProvResyncResult) r1 = NULL;
  g_autoptr(GVariant) rows = NULL;
  const char *name, *target, *result;
  gboolean enabled;
  gint64 when;

  write_file (f, "profiles/a.xml", "<flat-profile><Password_1_>x</Password_1_></flat-profile>");
  r1 = resync (f, "a.xml");
  rows = g_variant_ref_sink (prov_appliers_describe (f->appliers));
  /* The real applier plugins are loaded too; none of them is enabled. */
  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_variant_get_child (rows, i, "(&sb&s&sx)", &name, &enabled, &target, &result, &when);
      if (g_str_equal (name, "test"))
        break;
      g_assert_false (enabled);
      g_assert_cmpstr (result, ==, "");
    }
  g_assert_cmpstr (name, ==, "test");
  g_assert_true (enabled);
  g_assert_cmpstr (result, ==, "registered");
  g_assert_cmpint (when, >, 0);
}

static void
test_map (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvApplierMap) map = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) names = NULL;
  g_autofree char *joined = NULL;

  map = prov_applier_map_new_from_data ("[Mapping]\nLines=lots\n", "x.map", &error);
  g_assert_null (map);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "x.map: [Mapping] Lines"));
  g_clear_error (&error);

  map = prov_applier_map_new_from_data ("[Mapping]\nLines=2\n[Line]\nuser=User_ID_%n_\n"
                                        "[Global]\nname=Station_Name\n", "y.map", &error);
  g_assert_no_error (error);
  g_hash_table_insert (params, "User_ID_2_", "1002");
  g_assert_cmpstr (prov_applier_map_line (map, params, "user", 2), ==, "1002");
  g_assert_cmpstr (prov_applier_map_line (map, params, "user", 1), ==, "");
  g_assert_null (prov_applier_map_line (map, params, "password", 1));
  g_assert_cmpstr (prov_applier_map_global (map, params, "name"), ==, "");
  names = prov_applier_map_list_params (map);
  joined = g_strjoinv (",", names);
  g_assert_cmpstr (joined, ==, "Station_Name,User_ID_1_,User_ID_2_");

  g_clear_object (&map);
  g_setenv ("PROV_APPLIER_MAP_DIR", "/nonexistent", TRUE);
  map = prov_applier_map_load ("no-such-applier", &error);
  g_assert_null (map);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "no-such-applier.map"));
  g_unsetenv ("PROV_APPLIER_MAP_DIR");
}

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

/* prov_applier_write_async(): the file (0600, its folder made 0700), the
 * text wiped, then the reload command; its failure is the apply's error. */
static void
test_write (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("prov-applier-write-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *path = g_build_filename (sub, "out.conf", NULL);
  g_autofree char *marker = g_build_filename (dir, "reloaded", NULL);
  g_autofree char *command = g_strdup_printf ("echo done >'%s'", marker);
  g_autoptr(TestApplier) applier = g_object_new (TEST_TYPE_APPLIER, "name", "test", NULL);
  g_autoptr(GString) text = g_string_new ("secret=s3cr3t\n");
  g_autoptr(ProvApplyReport) report = NULL;
  g_autofree char *contents = NULL;
  GAsyncResult *res = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  prov_applier_write_async (PROV_APPLIER (applier), path, text, command, NULL, on_written, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = prov_applier_apply_finish (PROV_APPLIER (applier), res, &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpint (report->health, ==, PROV_APPLIER_HEALTH_UNKNOWN);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "secret=s3cr3t\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_null (memchr (text->str, 's', text->len));
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));

  /* A failing command: the file is written, the error says why. */
  g_string_assign (text, "secret=other\n");
  prov_applier_write_async (PROV_APPLIER (applier), path, text, "echo oops >&2; exit 3", NULL,
                            on_written, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&report, prov_apply_report_free);
  report = prov_applier_apply_finish (PROV_APPLIER (applier), res, &error);
  g_clear_object (&res);
  g_assert_null (report);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "reload command failed (status 3): oops");
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "secret=other\n");

  g_unlink (path);
  g_unlink (marker);
  g_rmdir (sub);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/appliers/map", test_map);
  g_test_add_func ("/appliers/write", test_write);
  g_test_add ("/appliers/rollback", Fixture, NULL, fixture_setup, test_rollback,
              fixture_teardown);
  g_test_add ("/appliers/rollback-after-restart", Fixture, NULL, fixture_setup,
              test_rollback_after_restart, fixture_teardown);
  g_test_add ("/appliers/no-rollback-without-registration", Fixture, NULL, fixture_setup,
              test_no_rollback_without_registration, fixture_teardown);
  g_test_add ("/appliers/describe", Fixture, NULL, fixture_setup, test_disabled_applier,
              fixture_teardown);
  return g_test_run ();
}
