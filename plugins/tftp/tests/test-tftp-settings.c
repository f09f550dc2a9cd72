/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The [tftp] group of the device file. */
#include "config.h"

#include "prov-device.h"
#include "prov-test.h"
#include "prov-tftp-settings.h"

static void
load (const char *group, ProvTftpSettings *settings)
{
  g_autofree char *data = g_strdup_printf ("[Device]\nMAC=000e08abcdef\n[tftp]\n%s", group);
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvDevice) device = prov_device_new_from_data (data, &error);
  g_autoptr(ProvFetch) fetch = prov_fetch_new ("tftp://192.0.2.1/f", &error);

  g_assert_no_error (error);
  prov_fetch_set_device (fetch, device);
  prov_tftp_settings_load (settings, fetch);
}

static void
test_defaults (void)
{
  ProvTftpSettings s;

  load ("", &s);
  g_assert_true (s.options);
  g_assert_cmpuint (s.blksize, ==, 1468);
  g_assert_cmpuint (s.windowsize, ==, 16);
  g_assert_cmpfloat (s.timeout, ==, 1.0);
  g_assert_cmpuint (s.retries, ==, 5);
  g_assert_true (s.tsize);
}

static void
test_values (void)
{
  ProvTftpSettings s;

  load ("Options=no\nBlockSize=512\nWindowSize=64\nTimeout=0.25\nRetries=0\nTSize=false\n", &s);
  g_assert_false (s.options);
  g_assert_cmpuint (s.blksize, ==, 512);
  g_assert_cmpuint (s.windowsize, ==, 64);
  g_assert_cmpfloat (s.timeout, ==, 0.25);
  g_assert_cmpuint (s.retries, ==, 0);
  g_assert_false (s.tsize);
}

/* A typo in the device file falls back to the default. */
static void
test_invalid (void)
{
  ProvTftpSettings s;

  load ("BlockSize=7\nWindowSize=0\nTimeout=300\nRetries=x\nTSize=maybe\n", &s);
  g_assert_cmpuint (s.blksize, ==, 1468);
  g_assert_cmpuint (s.windowsize, ==, 16);
  g_assert_cmpfloat (s.timeout, ==, 1.0);
  g_assert_cmpuint (s.retries, ==, 5);
  g_assert_true (s.tsize);
  load ("BlockSize=65465\nTimeout=1s\n", &s);
  g_assert_cmpuint (s.blksize, ==, 1468);
  g_assert_cmpfloat (s.timeout, ==, 1.0);
  load ("BlockSize=65464\nBlockSize=8\n", &s);
  g_assert_cmpuint (s.blksize, ==, 8);
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/tftp/settings/defaults", test_defaults },
    { "/tftp/settings/values", test_values },
    { "/tftp/settings/invalid", test_invalid },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
