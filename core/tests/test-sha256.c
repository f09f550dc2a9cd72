/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-sha256.h"

/* The digest is the key of a rolled-back profile in status.ini: whichever
 * way it is computed (kept while small, Nettle or GLib past that), it must
 * be GChecksum's, however the stream is cut. */
static void
test_same_as_glib (void)
{
  const gsize sizes[] = { 0, 1, 55, 64, 65535, 65536, 65537, 200003, 1048576 + 3 };
  const gsize pieces[] = { 1, 7, 4096, 65536, 300000 };
  gsize max = sizes[G_N_ELEMENTS (sizes) - 1];
  g_autofree guint8 *data = g_malloc (max);
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);

  for (gsize i = 0; i < max; i++)
    data[i] = (guint8) g_rand_int (rand);
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, sizes[s]);

      for (gsize p = 0; p < G_N_ELEMENTS (pieces); p++)
        {
          g_autoptr(ProvSha256) sum = prov_sha256_new ();

          /* Single bytes through a megabyte would only be slow. */
          if (pieces[p] == 1 && sizes[s] > 70000)
            continue;
          for (gsize at = 0; at < sizes[s]; at += pieces[p])
            prov_sha256_update (sum, data + at, MIN (pieces[p], sizes[s] - at));
          g_assert_cmpstr (prov_sha256_get_string (sum), ==, expected);
          /* Asked twice, the same. */
          g_assert_cmpstr (prov_sha256_get_string (sum), ==, expected);
        }
    }
}

static void
test_known_vector (void)
{
  g_autoptr(ProvSha256) sum = prov_sha256_new ();
  g_autoptr(ProvSha256) big = prov_sha256_new ();
  g_autofree guint8 *a = g_malloc (1000000);

  prov_sha256_update (sum, (const guint8 *) "abc", 3);
  g_assert_cmpstr (prov_sha256_get_string (sum), ==,
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* FIPS 180-2's million 'a', past the small-stream threshold. */
  memset (a, 'a', 1000000);
  prov_sha256_update (big, a, 1000000);
  g_assert_cmpstr (prov_sha256_get_string (big), ==,
                   "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sha256/same-as-glib", test_same_as_glib);
  g_test_add_func ("/sha256/known-vector", test_known_vector);
  return g_test_run ();
}
