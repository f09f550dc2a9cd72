/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Times prov_profile_parse() on files: best of N runs, the file already
 * in memory. Not a test: numbers depend on the machine. */
#include "config.h"

#include <stdlib.h>

#include "prov-profile.h"

static int runs = 5;

static GOptionEntry options[] = {
  { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Runs per file, the best one counts (5)", "N" },
  { NULL },
};

static gboolean
bench_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  double best = G_MAXDOUBLE;
  guint n_entries = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;

  for (int i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (ProvProfile) profile = prov_profile_parse (data, len, NULL, error);
      double seconds;

      if (profile == NULL)
        {
          g_prefix_error (error, "%s: ", path);
          return FALSE;
        }
      n_entries = prov_profile_get_n_entries (profile);
      /* Freeing is part of the cost, as it is for xmllint. */
      g_clear_pointer (&profile, prov_profile_free);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      best = MIN (best, seconds);
    }

  g_print ("%s\t%" G_GSIZE_FORMAT "\t%u\t%.4f\t%.1f\n", path, len, n_entries, best,
           len / 1e6 / best);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE… — time the profile parser");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2 || runs < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "usage: bench-profile [-n N] FILE…");
      return EXIT_FAILURE;
    }

  g_print ("# file\tbytes\tentries\tbest_seconds\tMB/s\n");
  for (int i = 1; i < argc; i++)
    if (!bench_file (argv[i], &error))
      {
        g_printerr ("%s\n", error->message);
        return EXIT_FAILURE;
      }
  return EXIT_SUCCESS;
}
