/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tiny program for test-valgrind-wrap.sh, plain C so that only what it
 * does on purpose can be reported:
 *   vg-probe clean          frees what it allocates, exits 0
 *   vg-probe leak           loses a block for good, exits 0
 *   vg-probe skip           exits 77 (a skipped test)
 *   vg-probe spawn PROG…    runs PROG… and exits 0 whatever it did */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";

  if (strcmp (mode, "clean") == 0)
    {
      sink = malloc (64);
      free (sink);
      return 0;
    }
  if (strcmp (mode, "leak") == 0)
    {
      sink = malloc (64);
      sink = NULL;
      return 0;
    }
  if (strcmp (mode, "skip") == 0)
    return 77;
  if (strcmp (mode, "spawn") == 0 && argc > 2)
    {
      pid_t pid = fork ();
      int status;

      if (pid < 0)
        return 1;
      if (pid == 0)
        {
          execv (argv[2], argv + 2);
          _exit (127);
        }
      waitpid (pid, &status, 0);
      return 0;
    }
  fprintf (stderr, "usage: vg-probe clean|leak|skip|spawn PROG…\n");
  return 2;
}
