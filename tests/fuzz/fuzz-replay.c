/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A main() for the fuzz targets without libFuzzer: runs each file named on
 * the command line (or each file of a named directory) through the target
 * once. The normal build links every target with it, so that the test suite
 * replays the seeds and the inputs of past findings (regressions/) on each
 * run, under whatever sanitizer or valgrind the suite runs with. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"

static void
replay (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  /* An exact-size copy, so that a read past the input is caught. */
  {
    g_autofree guint8 *copy = g_malloc (MAX (len, 1));

    memcpy (copy, data, len);
    LLVMFuzzerTestOneInput (copy, len);
  }
}

int
main (int argc, char **argv)
{
  guint n = 0;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GDir) dir = NULL;
      const char *name;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          replay (argv[i]);
          n++;
          continue;
        }
      dir = g_dir_open (argv[i], 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);

          replay (path);
          n++;
        }
    }
  g_print ("%s: %u inputs replayed\n", argv[0], n);
  return 0;
}
