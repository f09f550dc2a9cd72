/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-test.h"

void
test_add_cases (const TestCase *cases, gsize n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    g_test_add_func (cases[i].path, cases[i].func);
}

int
test_main (int *argc, char ***argv, const TestCase *cases, gsize n_cases)
{
  g_test_init (argc, argv, NULL);
  test_add_cases (cases, n_cases);
  return g_test_run ();
}
