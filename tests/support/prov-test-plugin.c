/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gmodule.h>

#include "prov-store.h"
#include "prov-trigger.h"
#include "prov-test.h"

ProvPlugin *
test_plugin_load (const char *env_var)
{
  const char *path = g_getenv (env_var);
  const int *major = NULL, *minor = NULL;
  ProvPluginCreateFunc create = NULL;
  GModule *module;

  g_assert_nonnull (path);
  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    g_error ("%s: %s", path, g_module_error ());
  /* The module registers types: it must never be unloaded. */
  g_module_make_resident (module);
  g_assert_true (g_module_symbol (module, "prov_plugin_abi_major", (gpointer *) &major));
  g_assert_true (g_module_symbol (module, "prov_plugin_abi_minor", (gpointer *) &minor));
  g_assert_cmpint (*major, ==, PROV_PLUGIN_ABI_MAJOR);
  g_assert_cmpint (*minor, <=, PROV_PLUGIN_ABI_MINOR);
  g_assert_true (g_module_symbol (module, PROV_PLUGIN_ENTRY_POINT, (gpointer *) &create));
  return create ();
}

ProvPlugin *
test_plugin_new (void)
{
  return test_plugin_load ("PROV_TEST_PLUGIN");
}

char *
test_state_dir_new (const char *prefix, const char *device_conf)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("prov-%s-XXXXXX", prefix);
  g_autofree char *device = NULL;
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  device = g_build_filename (dir, "device.conf", NULL);
  g_assert_true (g_file_set_contents (device, device_conf, -1, NULL));
  return dir;
}

void
test_store_set (ProvStore *store, const char *const *pairs)
{
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; pairs[i] != NULL; i += 2)
    prov_change_set_add (changes, pairs[i], pairs[i + 1], PROV_ACCESS_UNSET, "test", 0);
  g_assert_true (prov_store_apply (store, changes, PROV_CALLER_ADMIN, NULL, &error));
  g_assert_no_error (error);
}

void
test_clock_run_until (ProvClock *clock, gint64 until, void (*settle) (gpointer data),
                      gpointer data)
{
  for (guint i = 0; i < 100000; i++)
    {
      gint64 next = prov_virtual_clock_next_alarm (clock);

      if (next > until)
        break;
      prov_virtual_clock_advance_to (clock, next);
      settle (data);
    }
  prov_virtual_clock_advance_to (clock, until);
  settle (data);
}

ProvPlugin *
test_trigger_open (const char *env_var, const char *name, const char *device_conf, char **dir,
                   ProvContext **ctx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *no_plugins = NULL;
  ProvPlugin *plugin;

  *dir = test_state_dir_new (name, device_conf);
  /* Only the module under test: an empty plugin directory for the context. */
  no_plugins = g_build_filename (*dir, "plugins", NULL);
  g_assert_cmpint (g_mkdir (no_plugins, 0700), ==, 0);
  *ctx = prov_context_new (*dir, NULL, no_plugins, &error);
  g_assert_no_error (error);
  plugin = test_plugin_load (env_var);
  g_assert_true (PROV_IS_TRIGGER (plugin));
  g_assert_cmpstr (prov_plugin_get_name (plugin), ==, name);
  return plugin;
}

void
test_trigger_close (ProvPlugin **plugin, ProvContext **ctx, char **dir)
{
  if (*plugin != NULL)
    {
      prov_trigger_stop (PROV_TRIGGER (*plugin));
      prov_trigger_stop (PROV_TRIGGER (*plugin)); /* safe twice */
    }
  g_clear_object (plugin);
  g_clear_object (ctx);
  test_rm_rf (*dir);
  g_clear_pointer (dir, g_free);
}
