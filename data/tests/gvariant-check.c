/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gvariant-check TEXT: parses TEXT as the a{us} argument of SetDhcpOptions,
 * as gdbus would, and prints one "CODE=VALUE" line per entry. */
#include <glib.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;
  GVariantIter iter;
  guint32 code;
  const char *text;

  if (argc != 2)
    {
      fprintf (stderr, "usage: gvariant-check TEXT\n");
      return 2;
    }
  value = g_variant_parse (G_VARIANT_TYPE ("a{us}"), argv[1], NULL, NULL, &error);
  if (value == NULL)
    {
      fprintf (stderr, "gvariant-check: %s\n", error->message);
      return 1;
    }
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "{u&s}", &code, &text))
    printf ("%u=%s\n", code, text);
  return 0;
}
