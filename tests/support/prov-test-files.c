/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "prov-test.h"

static char *tmpdir;

gboolean
test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  gboolean ok = TRUE;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        ok &= test_rm_rf (child);
      else
        ok &= g_unlink (child) == 0;
    }
  return g_rmdir (path) == 0 && ok;
}

static void
remove_tmpdir (void)
{
  if (tmpdir != NULL && g_getenv ("PROV_TEST_KEEP") == NULL)
    test_rm_rf (tmpdir);
}

const char *
test_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      g_autoptr(GError) error = NULL;

      tmpdir = g_dir_make_tmp ("prov-test-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmpdir);
    }
  return tmpdir;
}

char *
test_path (const char *name)
{
  return g_build_filename (test_tmpdir (), name, NULL);
}

void
test_write (const char *name, const void *data, gssize len)
{
  g_autofree char *path = test_path (name);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

GBytes *
test_random_bytes (gsize size)
{
  guint8 *data = g_malloc (size);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

void
test_spawn_check (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_spawn_sync (test_tmpdir (), (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                &out, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", argv[0], out != NULL ? out : error->message);
}

char *
test_spawn_output (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (test_tmpdir (), (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return out;
}

char *
test_repeat (const char *unit, guint n, const char *tail)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  g_string_append (s, tail);
  return g_string_free (s, FALSE);
}
