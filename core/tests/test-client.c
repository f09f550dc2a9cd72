/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The client API (prov-client.h) and prov_device_expand_rule(): a resync of
 * a file:// profile into a state directory through the real file plugin,
 * the parameters read back (a secret masked) and persisted, a failed resync
 * that changes nothing, a second resync while one runs, a cancelled one. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "prov-client.h"
#include "prov-device.h"
#include "prov-error.h"

#define DEVICE "[Device]\nMAC=00:11:22:AA:BB:CC\nSeriesNumber=CL8845\nSoftwareVersion=1.2.3\n"

typedef struct
{
  char *dir;
  char *rule;
} Fixture;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profiles = NULL;

  f->dir = g_dir_make_tmp ("prov-client-XXXXXX", &error);
  g_assert_no_error (error);
  profiles = g_build_filename (f->dir, "profiles", NULL);
  g_assert_cmpint (g_mkdir (profiles, 0700), ==, 0);
  write_file (f->dir, "device.conf", DEVICE);
  write_file (profiles, "CL8845.xml",
              "<flat-profile><GPP_A>from the client</GPP_A><GPP_SA>s3cret</GPP_SA></flat-profile>\n");
  /* The engine expands $PSN from the device file. */
  f->rule = g_strdup_printf ("file://%s/$PSN.xml", profiles);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->rule);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
on_resync (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Wait *wait = user_data;

  wait->ok = prov_client_resync_finish (PROV_CLIENT (source), res, &wait->error);
  wait->done = TRUE;
}

/* Bounded: a resync of a local file takes milliseconds. */
static void
wait_for (Wait *wait)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!wait->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (wait->done);
}

static gboolean
resync (ProvClient *client, const char *rule, GCancellable *cancellable, GError **error)
{
  Wait wait = { 0 };

  prov_client_resync_async (client, rule, cancellable, on_resync, &wait);
  wait_for (&wait);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static void
test_resync (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvClient) client = prov_client_new (f->dir, NULL, NULL, &error);
  g_autoptr(ProvClient) again = NULL;
  g_autofree char *before = NULL;
  g_autofree char *value = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *reread = NULL;
  g_autofree char *missing = NULL;

  g_assert_no_error (error);
  before = prov_client_get_parameter (client, "GPP_A");
  g_assert_cmpstr (before, ==, "");
  g_assert_null (prov_client_get_parameter (client, "No_Such_Parameter"));

  g_assert_true (resync (client, f->rule, NULL, &error));
  g_assert_no_error (error);
  value = prov_client_get_parameter (client, "GPP_A");
  g_assert_cmpstr (value, ==, "from the client");
  secret = prov_client_get_parameter (client, "GPP_SA");
  g_assert_cmpstr (secret, ==, "********");

  /* Stored in the state directory. */
  again = prov_client_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  reread = prov_client_get_parameter (again, "GPP_A");
  g_assert_cmpstr (reread, ==, "from the client");

  /* A missing profile: the outcome is the error code, nothing changes. */
  missing = g_strdup_printf ("file://%s/profiles/missing.xml", f->dir);
  g_assert_false (resync (client, missing, NULL, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND);
  g_clear_pointer (&value, g_free);
  value = prov_client_get_parameter (client, "GPP_A");
  g_assert_cmpstr (value, ==, "from the client");
}

static void
test_busy_and_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvClient) client = prov_client_new (f->dir, NULL, NULL, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *value = NULL;
  Wait first = { 0 }, second = { 0 };

  g_assert_no_error (error);
  /* One resync at a time: the second fails at once with BUSY. */
  prov_client_resync_async (client, f->rule, NULL, on_resync, &first);
  prov_client_resync_async (client, f->rule, NULL, on_resync, &second);
  wait_for (&second);
  g_assert_false (second.ok);
  g_assert_error (second.error, PROV_ERROR, PROV_ERROR_BUSY);
  g_clear_error (&second.error);
  wait_for (&first);
  g_assert_no_error (first.error);
  g_assert_true (first.ok);

  /* Cancelled before it starts: it fails, and nothing of it is applied. */
  write_file (f->dir, "profiles/CL8845.xml",
              "<flat-profile><GPP_A>never applied</GPP_A></flat-profile>\n");
  g_cancellable_cancel (cancellable);
  g_assert_false (resync (client, f->rule, cancellable, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CANCELLED);
  value = prov_client_get_parameter (client, "GPP_A");
  g_assert_cmpstr (value, ==, "from the client");
}

static void
test_bad_device_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("prov-client-XXXXXX", &error);
  g_autofree char *device = NULL;
  g_autoptr(ProvClient) client = NULL;

  g_assert_no_error (error);
  device = g_build_filename (dir, "missing-device.conf", NULL);
  client = prov_client_new (dir, device, NULL, &error);
  g_assert_null (client);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "missing-device.conf"));
  rm_rf (dir);
}

static void
test_expand_rule (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvDevice) device = prov_device_new_from_data (DEVICE, &error);
  g_autofree char *expanded = NULL;

  g_assert_no_error (error);
  expanded = prov_device_expand_rule (device,
                                      "( $SWVER ne 1.2.3 )? http://h/$PSN/$MA.xml | /$(MAU:6)/$A$$.cfg");
  /* The device's variables only: $A is the engine's and stays. */
  g_assert_cmpstr (expanded, ==,
                   "( 1.2.3 ne 1.2.3 )? http://h/CL8845/001122aabbcc.xml | /AABBCC/$A$.cfg");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/client/resync", Fixture, NULL, fixture_setup, test_resync, fixture_teardown);
  g_test_add ("/client/busy-and-cancelled", Fixture, NULL, fixture_setup,
              test_busy_and_cancelled, fixture_teardown);
  g_test_add_func ("/client/bad-device-file", test_bad_device_file);
  g_test_add_func ("/device/expand-rule", test_expand_rule);
  return g_test_run ();
}
