/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --alias (SPEC §4): element paths of a foreign document to parameters. */
#include "config.h"

#include <string.h>

#include "prov-alias.h"
#include "prov-error.h"
#include "prov-parse-steps.h"
#include "prov-test.h"

static void
test_alias_map (void)
{
  static const char doc[] = "<r><a><b>x</b><c> y </c></a><b>z</b></r>";
  g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (prov_alias_apply ("/r/a/b = /flat-profile/GPP_A ; /r/a/c=/flat-profile/GPP_B;",
                                   doc, strlen (doc), "test", changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (prov_change_set_get_size (changes), ==, 2);

  g_assert_false (prov_alias_apply ("/r/a/b /flat-profile/GPP_A", doc, strlen (doc), "test",
                                    changes, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
}

/* A document whose root has a name of n letters and n children: each
 * child's path used to be hashed whole, n times n bytes. */
static char *
wide_document (guint n)
{
  GString *s = g_string_new ("<r><");
  g_autofree char *name = g_strnfill (n, 'n');

  g_string_append_printf (s, "%s>", name);
  for (guint i = 0; i < n; i++)
    g_string_append (s, "<b>1</b>");
  g_string_append_printf (s, "</%s><b>2</b></r>", name);
  return g_string_free (s, FALSE);
}

static void
test_alias_linear (void)
{
  guint64 steps[2];

  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *doc = wide_document (5000 << k);
      g_autoptr (ProvChangeSet) changes = prov_change_set_new ();
      g_autoptr (GError) error = NULL;
      guint64 before = prov_parse_steps;

      g_assert_true (prov_alias_apply ("/r/b = /flat-profile/GPP_A;", doc, strlen (doc), "test",
                                       changes, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (prov_change_set_get_size (changes), ==, 1);
      steps[k] = prov_parse_steps - before;
    }
  g_test_message ("%" G_GUINT64_FORMAT " steps at n, %" G_GUINT64_FORMAT " at 2n", steps[0],
                  steps[1]);
  g_assert_cmpuint (steps[1], <=, 2 * steps[0] + 64);
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/alias/map", test_alias_map },
    { "/alias/linear", test_alias_linear },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
