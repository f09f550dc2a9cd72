/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "prov-daemon-config.h"

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
  g_test_add_func ("/daemon/config", test_config);
  return g_test_run ();
}
