/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "prov-daemon-config.h"
#include "prov-rule-mask.h"

static void
assert_masked (const char *rule, const char *expected)
{
  g_autofree char *masked = prov_rule_mask_secrets (rule);
  g_assert_cmpstr (masked, ==, expected);
}

static void
test_mask (void)
{
  assert_masked ("http://h/a.xml", "http://h/a.xml");
  assert_masked ("[--key s3cret] /a.cfg", "[--key …] /a.cfg");
  assert_masked ("[ --uid alice --pwd \"p w\\\"d\" --post a ] https://h/x",
                 "[ --uid … --pwd … --post a ] https://h/x");
  /* Every alternative, and an argument against the bracket. */
  assert_masked ("( $A eq 1 )? [--key k1]/a | [--key $SA]/b", "( $A eq 1 )? [--key …]/a | [--key …]/b");
  /* Refused by the parser, masked all the same. */
  assert_masked ("[--key \"never closed /a", "[--key …");
  assert_masked ("[--key=s3cret] /a", "[--key…] /a");
  assert_masked ("--pwd s3cret", "--pwd …");
  assert_masked ("", "");
  assert_masked ("tftp://u:pw-in-url@127.0.0.1/a.cfg", "tftp://u:…@127.0.0.1/a.cfg");
  assert_masked ("http://u@h/a.cfg", "http://u@h/a.cfg");
  assert_masked ("http://h/a?x=u:p@q", "http://h/a?x=u:p@q");
}

static char *
write_config (const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("provisiond-XXXXXX.conf", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_config (void)
{
  g_auto(ProvDaemonConfig) config = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = write_config ("# comment\n[Daemon]\nStateDirectory = /var/x \nDeviceFile=\n"
                       "CacheDirectory=/var/cache/x\n"
                       "PluginPath=/a:/b\nPluginBlock=tftp,gds\n[Other]\nKey=1\n");
  g_assert_true (prov_daemon_config_load (&config, path, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config.state_dir, ==, "/var/x");
  g_assert_cmpstr (config.cache_dir, ==, "/var/cache/x");
  /* Empty means the default. */
  g_assert_null (config.device_file);
  g_assert_cmpstr (config.plugin_path, ==, "/a:/b");
  g_assert_cmpstr (config.plugin_block, ==, "tftp,gds");
  g_unlink (path);

  /* Missing: fine for the default file, an error for a named one. */
  g_assert_true (prov_daemon_config_load (&config, path, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (prov_daemon_config_load (&config, path, TRUE, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_free (path);
  path = write_config ("[Daemon\nStateDirectory=/x\n");
  g_assert_false (prov_daemon_config_load (&config, path, FALSE, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_assert_true (strstr (error->message, path) != NULL);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/rule-mask", test_mask);
  g_test_add_func ("/daemon/config", test_config);
  return g_test_run ();
}
