/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <errno.h>
#include <sys/stat.h>

#include "prov-error.h"
#include "prov-plugin-loader.h"

static gboolean
check_file_mode (const char *path, GError **error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN, "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN, "%s: not a regular file", path);
      return FALSE;
    }
  /* Anyone who can write the file could run code in the daemon. */
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN,
                   "%s: refused: the file is group- or world-writable (mode %04o)", path,
                   (guint) (st.st_mode & 07777));
      return FALSE;
    }
  return TRUE;
}

/* "libprov-plugin-NAME.so" → "NAME": what the plugin is called before
 * it could say so itself. */
static char *
plugin_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *name = base;
  char *dot;

  if (g_str_has_prefix (name, "libprov-plugin-"))
    name += strlen ("libprov-plugin-");
  dot = strchr (name, '.');
  return dot != NULL ? g_strndup (name, dot - name) : g_strdup (name);
}

static gboolean
read_abi (GModule *module, const char *path, GError **error)
{
  const int *major = NULL;
  const int *minor = NULL;

  if (!g_module_symbol (module, "prov_plugin_abi_major", (gpointer *) &major) || major == NULL
      || !g_module_symbol (module, "prov_plugin_abi_minor", (gpointer *) &minor) || minor == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN,
                   "%s: refused: no ABI version symbols (%s)", path, g_module_error ());
      return FALSE;
    }
  if (*major != PROV_PLUGIN_ABI_MAJOR || *minor > PROV_PLUGIN_ABI_MINOR)
    {
      g_autofree char *name = plugin_name (path);

      /* Not created: a plugin of another ABI may lay its interfaces out
       * differently (ABI 2 streams where ABI 1 returned whole payloads). */
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN,
                   "%s: refused: plugin ABI %d.%d, core supports %d.0–%d.%d "
                   "(rebuild plugin “%s” for ABI %d)", path, *major, *minor,
                   PROV_PLUGIN_ABI_MAJOR, PROV_PLUGIN_ABI_MAJOR, PROV_PLUGIN_ABI_MINOR, name,
                   PROV_PLUGIN_ABI_MAJOR);
      return FALSE;
    }
  return TRUE;
}

ProvPlugin *
prov_plugin_load_file (const char *path, GError **error)
{
  GModule *module;
  ProvPluginCreateFunc create = NULL;
  g_autoptr(ProvPlugin) plugin = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!check_file_mode (path, error))
    return NULL;

  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN, "%s: cannot open: %s", path,
                   g_module_error ());
      return NULL;
    }
  if (!read_abi (module, path, error))
    {
      g_module_close (module);
      return NULL;
    }
  if (!g_module_symbol (module, PROV_PLUGIN_ENTRY_POINT, (gpointer *) &create) || create == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN, "%s: refused: no %s (%s)", path,
                   PROV_PLUGIN_ENTRY_POINT, g_module_error ());
      g_module_close (module);
      return NULL;
    }

  /* From here on the module may have registered GTypes: never unload it. */
  g_module_make_resident (module);
  plugin = create ();
  if (!PROV_IS_PLUGIN (plugin))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN, "%s: %s returned no plugin", path,
                   PROV_PLUGIN_ENTRY_POINT);
      return NULL;
    }
  prov_plugin_set_filename (plugin, path);
  return g_steal_pointer (&plugin);
}
